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
	switch (coverage_row_status(w)) {
	case COVERAGE_UNCOVERED_MUST:
	case COVERAGE_UNCOVERED_SHOULD: return " class=\"uncovered\"";
	case COVERAGE_WAIVED: return " class=\"waived\"";
	case COVERAGE_UNINDEXED: return " class=\"unindexed\"";
	default: return "";
	}
}

static void no_case(FILE *out, const struct coverage_row *w)
{
	if (coverage_row_status(w) != COVERAGE_WAIVED) {
		fputs("<span class=\"muted\">none</span>", out);
		return;
	}
	fputs("<span class=\"waiver\">waived: ", out);
	html_escape(out, str_or(w->waiver->reason, ""));
	fputs("</span>", out);
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
		no_case(out, w);
	fputs("</td></tr>\n", out);
}

static void list_item(FILE *out, const struct coverage_row *w, const char *extra)
{
	fputs("<li><code>", out);
	html_escape(out, w->id);
	fputs("</code> ", out);
	html_escape(out, str_or(w->req->level, ""));
	fputs(", ", out);
	html_escape(out, str_or(w->req->section, ""));
	fputs(": ", out);
	html_escape(out, str_or(extra ? extra : w->req->title, ""));
	fputs("</li>\n", out);
}

/* A heading with the count, then the index rows with verdict s (or `none` when empty). */
static void status_list(FILE *out, const struct coverage *cov, enum coverage_status s,
			const char *heading, const char *none)
{
	size_t n = coverage_count(cov, s);

	fprintf(out, "<h3>%s (%zu)</h3>\n", heading, n);
	if (!n) {
		fprintf(out, "<p class=\"muted\">%s</p>\n", none);
		return;
	}
	fputs("<ul class=\"uncovered-list\">\n", out);
	for (size_t i = 0; i < cov->nindexed; i++)
		if (coverage_row_status(&cov->rows[i]) == s)
			list_item(out, &cov->rows[i], NULL);
	fputs("</ul>\n", out);
}

/* Waivers whose id a case cites (the waiver's reason instead of the title); only when any. */
static void unused_list(FILE *out, const struct coverage *cov)
{
	size_t n = coverage_count_unused_waivers(cov);

	if (!n)
		return;
	fprintf(out, "<h3>Unused waivers: these ids have a case (%zu)</h3>\n", n);
	fputs("<ul class=\"uncovered-list\">\n", out);
	for (size_t i = 0; i < cov->nindexed; i++)
		if (coverage_row_unused_waiver(&cov->rows[i]))
			list_item(out, &cov->rows[i], cov->rows[i].waiver->reason);
	fputs("</ul>\n", out);
}

void html_coverage_section(FILE *out, const struct coverage *cov, const struct run_result *r)
{
	fputs("<section id=\"coverage\"><h2>Requirement coverage</h2>\n", out);
	fprintf(out,
		"<p>Requirements in the index: %zu; cited by at least one case: %zu; "
		"waived: %zu; cited ids not in the index: %zu.</p>\n",
		cov->nindexed, coverage_count_covered(cov), coverage_count(cov, COVERAGE_WAIVED),
		cov->nrows - cov->nindexed);
	status_list(out, cov, COVERAGE_UNCOVERED_MUST, "MUST-class requirements with no case",
		    "Every MUST and MUST NOT requirement has a case.");
	status_list(out, cov, COVERAGE_UNCOVERED_SHOULD,
		    "SHOULD-class requirements with neither a case nor a waiver",
		    "Every SHOULD and SHOULD NOT requirement has a case or a waiver.");
	unused_list(out, cov);
	fputs("<table class=\"coverage\"><thead><tr><th>id</th><th>level</th><th>section</th>"
	      "<th>title</th><th>cases (verdicts)</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < cov->nrows; i++)
		row(out, &cov->rows[i], r);
	fputs("</tbody></table></section>\n", out);
}
