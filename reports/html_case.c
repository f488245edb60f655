/* html_case.c - one case of the HTML report: a collapsible block with facts, steps and ladder. */
#include "html.h"
#include "report_util.h"

static void badge(FILE *out, enum verdict v)
{
	fprintf(out, "<span class=\"badge v-%s\">%s</span>", verdict_name(v), verdict_name(v));
}

static void fact(FILE *out, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(out, "<dt>%s</dt><dd>", name);
	html_escape(out, value);
	fputs("</dd>\n", out);
}

static void fact_list(FILE *out, const char *name, char *const *v, size_t n)
{
	if (!n)
		return;
	fprintf(out, "<dt>%s</dt><dd>", name);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? " " : "", out);
		fputs("<code>", out);
		html_escape(out, str_or(v[i], ""));
		fputs("</code>", out);
	}
	fputs("</dd>\n", out);
}

static void facts(FILE *out, const struct case_result *c)
{
	fputs("<dl class=\"facts\">\n", out);
	fact(out, "reason", c->reason);
	fact(out, "RFC", c->rfc_section);
	fact(out, "file", c->file);
	fact(out, "group", c->group);
	fact(out, "level", c->level);
	fact_list(out, "requirements", c->requirements, c->nrequirements);
	fact_list(out, "tags", c->tags, c->ntags);
	if (c->raw_verdict != c->verdict) {
		fputs("<dt>before baseline</dt><dd>", out);
		badge(out, c->raw_verdict);
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n", out);
}

static void repro(FILE *out, const struct case_result *c)
{
	if (!c->repro)
		return;
	fputs("<div class=\"repro\"><span>repro</span><code>", out);
	html_escape(out, c->repro);
	fputs("</code></div>\n", out);
}

static void step_row(FILE *out, const struct step_result *s)
{
	char secs[SECONDS_BUF];

	fprintf(out, "<tr class=\"v-%s\"><td class=\"num\">%u</td><td>", verdict_name(s->verdict),
		s->line);
	badge(out, s->verdict);
	fputs("</td><td><code>", out);
	html_escape(out, str_or(s->source, ""));
	fputs("</code></td><td class=\"msg\">", out);
	html_escape(out, str_or(s->message, ""));
	if (s->observed) {
		fputs("<div class=\"observed\">observed: ", out);
		html_escape(out, s->observed);
		fputs("</div>", out);
	}
	fprintf(out, "</td><td class=\"num\">%s</td></tr>\n", format_seconds(s->elapsed, secs));
}

static void steps(FILE *out, const struct case_result *c)
{
	fputs("<h3>Steps</h3>\n", out);
	if (!c->nsteps) {
		fputs("<p class=\"muted\">No steps ran.</p>\n", out);
		return;
	}
	fputs("<table class=\"steps\"><thead><tr><th>line</th><th>verdict</th><th>step</th>"
	      "<th>message</th><th>s</th></tr></thead><tbody>\n",
	      out);
	for (size_t i = 0; i < c->nsteps; i++)
		step_row(out, &c->steps[i]);
	fputs("</tbody></table>\n", out);
}

static int starts_open(enum verdict v)
{
	return v == VERDICT_FAIL || v == VERDICT_ERROR || v == VERDICT_XPASS;
}

static void case_summary(FILE *out, const struct case_result *c)
{
	char secs[SECONDS_BUF];

	fputs("<summary>", out);
	badge(out, c->verdict);
	fputs(" <span class=\"cid\">", out);
	html_escape(out, str_or(c->id, "?"));
	fputs("</span> <span class=\"ctitle\">", out);
	html_escape(out, str_or(c->title, ""));
	fputs("</span> <span class=\"meta\">", out);
	html_escape(out, str_or(c->group, ""));
	fprintf(out, " \xc2\xb7 %ss</span></summary>\n", format_seconds(c->elapsed, secs));
}

int html_case(FILE *out, const struct case_result *c, size_t case_index)
{
	int rc;

	fprintf(out, "<details class=\"case v-%s\" id=\"", verdict_name(c->verdict));
	html_case_anchor(out, case_index);
	fprintf(out, "\"%s>\n", starts_open(c->verdict) ? " open" : "");
	case_summary(out, c);
	fputs("<div class=\"body\">\n", out);
	facts(out, c);
	repro(out, c);
	steps(out, c);
	rc = html_ladder(out, c, case_index);
	fputs("</div></details>\n", out);
	return rc;
}
