/* html_coverage.c - the coverage matrix section of the HTML report. */
#include "html.h"
#include "report_util.h"

static void case_link(FILE *out, const struct run_result *r, size_t case_index)
{
	const struct case_result *c = &r->cases[case_index];

	fprintf(out, "<a class=\"badge v-%s\" href=\"#", verdict_name(c->verdict));
	html_case_anchor(out, case_index);
	fprintf(out, "\" title=\"%s\">", verdict_name(c->verdict));
	html_escape(out, str_or(c->id, "?"));
	fputs("</a> ", out);
}

static void cell(FILE *out, const char *text)
{
	fputs("<td>", out);
	html_escape(out, str_or(text, ""));
	fputs("</td>", out);
}

static const char *row_class(const struct coverage_row *w)
{
	if (coverage_row_uncovered_must(w))
		return " class=\"uncovered\"";
	return w->req ? "" : " class=\"unindexed\"";
}

static void row(FILE *out, const struct coverage_row *w, const struct run_result *r)
{
	const struct requirement *q = w->req;

	fprintf(out, "<tr%s><td><code>", row_class(w));
	html_escape(out, w->id);
	fputs("</code></td>", out);
	cell(out, q ? q->level : "not in the index");
	cell(out, q ? q->section : NULL);
	cell(out, q ? q->title : NULL);
	fputs("<td>", out);
	for (size_t i = 0; i < w->ncases; i++)
		case_link(out, r, w->cases[i]);
	if (!w->ncases)
		fputs("<span class=\"muted\">none</span>", out);
	fputs("</td></tr>\n", out);
}

static void uncovered(FILE *out, const struct coverage *cov)
{
	size_t n = coverage_count_uncovered_must(cov);

	fprintf(out, "<h3>MUST-class requirements with no case (%zu)</h3>\n", n);
	if (!n) {
		fputs("<p class=\"muted\">Every MUST and MUST NOT requirement has a case.</p>\n",
		      out);
		return;
	}
	fputs("<ul class=\"uncovered-list\">\n", out);
	for (size_t i = 0; i < cov->nindexed; i++) {
		const struct coverage_row *w = &cov->rows[i];

		if (!coverage_row_uncovered_must(w))
			continue;
		fputs("<li><code>", out);
		html_escape(out, w->id);
		fputs("</code> ", out);
		html_escape(out, str_or(w->req->level, ""));
		fputs(", ", out);
		html_escape(out, str_or(w->req->section, ""));
		fputs(": ", out);
		html_escape(out, str_or(w->req->title, ""));
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

void html_coverage_section(FILE *out, const struct coverage *cov, const struct run_result *r)
{
	fputs("<section id=\"coverage\"><h2>Requirement coverage</h2>\n", out);
	fprintf(out,
		"<p>Requirements in the index: %zu; cited by at least one case: %zu; "
		"cited ids not in the index: %zu.</p>\n",
		cov->nindexed, coverage_count_covered(cov), cov->nrows - cov->nindexed);
	uncovered(out, cov);
	fputs("<table class=\"coverage\"><thead><tr><th>id</th><th>level</th><th>section</th>"
	      "<th>title</th><th>cases (verdicts)</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < cov->nrows; i++)
		row(out, &cov->rows[i], r);
	fputs("</tbody></table></section>\n", out);
}
