/* coverage_md.c - the coverage matrix as a Markdown table plus the uncovered ids and stale waivers. */
#include <stdio.h>
#include <string.h>

#include "coverage.h"
#include "report_util.h"
#include "reports.h"

/* One table cell's text: one line, the punctuation that could form markup backslash-escaped. */
static void md_text(FILE *out, const char *s)
{
	uint32_t cp;

	while (s && *s) {
		s += utf8_next(s, &cp);
		if (cp < 0x80 && strchr("\\`*_[]<>|&~", (int)cp))
			fputc('\\', out);
		if (is_control(cp))
			text_put_control(out, cp, 1);
		else
			utf8_put(out, cp);
	}
}

static void row_cases(FILE *out, const struct coverage_row *row, const struct run_result *r)
{
	if (coverage_row_status(row) == COVERAGE_WAIVED) {
		fputs("waived: ", out);
		md_text(out, str_or(row->waiver->reason, ""));
		return;
	}
	if (!row->ncases) {
		fputs("none", out);
		return;
	}
	for (size_t i = 0; i < row->ncases; i++) {
		const struct case_result *c = &r->cases[row->cases[i]];

		fputs(i ? ", " : "", out);
		md_text(out, str_or(c->id, "?"));
		fprintf(out, " (%s)", verdict_name(c->verdict));
	}
}

static void table_row(FILE *out, const struct coverage_row *row, const struct run_result *r)
{
	const struct requirement *q = row->req;

	fputs("| ", out);
	md_text(out, row->id);
	fputs(" | ", out);
	md_text(out, q ? str_or(q->level, "") : "(not in the index)");
	fputs(" | ", out);
	md_text(out, q ? str_or(q->section, "") : "");
	fputs(" | ", out);
	md_text(out, q ? str_or(q->title, "") : "");
	fputs(" | ", out);
	row_cases(out, row, r);
	fputs(" |\n", out);
}

static void list_item(FILE *out, const struct coverage_row *row)
{
	fputs("- ", out);
	md_text(out, row->id);
	fputs(" (", out);
	md_text(out, str_or(row->req->level, ""));
	fputs(", ", out);
	md_text(out, str_or(row->req->section, ""));
	fputs("): ", out);
	md_text(out, str_or(row->req->title, ""));
	fputc('\n', out);
}

/* A heading with the count, then one item per index row with verdict s (or `none` when empty). */
static void status_list(FILE *out, const struct coverage *cov, enum coverage_status s,
			const char *heading, const char *none)
{
	size_t n = coverage_count(cov, s);

	fprintf(out, "\n## %s (%zu)\n\n", heading, n);
	if (!n)
		fprintf(out, "%s\n", none);
	for (size_t i = 0; i < cov->nindexed; i++)
		if (coverage_row_status(&cov->rows[i]) == s)
			list_item(out, &cov->rows[i]);
}

/* Waivers whose id a case cites: listed only when there are any. */
static void unused_list(FILE *out, const struct coverage *cov)
{
	size_t n = coverage_count_unused_waivers(cov);

	if (!n)
		return;
	fprintf(out, "\n## Unused waivers: these ids have a case (%zu)\n\n", n);
	for (size_t i = 0; i < cov->nindexed; i++) {
		const struct coverage_row *row = &cov->rows[i];

		if (!coverage_row_unused_waiver(row))
			continue;
		fprintf(out, "- line %u: ", row->waiver->line);
		md_text(out, row->id);
		fputs(": ", out);
		md_text(out, str_or(row->waiver->reason, ""));
		fputc('\n', out);
	}
}

static void write_md(FILE *out, const struct coverage *cov, const struct run_result *r)
{
	fputs("# Requirement coverage\n\n", out);
	fprintf(out,
		"Requirements in the index: %zu; cited by at least one case: %zu; "
		"MUST-class without a case: %zu; SHOULD-class with neither a case nor a waiver: "
		"%zu; waived: %zu; cited ids not in the index: %zu.\n\n",
		cov->nindexed, coverage_count_covered(cov), coverage_count_uncovered_must(cov),
		coverage_count(cov, COVERAGE_UNCOVERED_SHOULD), coverage_count(cov, COVERAGE_WAIVED),
		cov->nrows - cov->nindexed);
	fputs("| id | level | section | title | cases (verdicts) |\n", out);
	fputs("| --- | --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < cov->nrows; i++)
		table_row(out, &cov->rows[i], r);
	status_list(out, cov, COVERAGE_UNCOVERED_MUST, "MUST-class requirements with no case",
		    "Every MUST and MUST NOT requirement of the index has a case.");
	status_list(out, cov, COVERAGE_UNCOVERED_SHOULD,
		    "SHOULD-class requirements with neither a case nor a waiver",
		    "Every SHOULD and SHOULD NOT requirement of the index has a case or a waiver.");
	unused_list(out, cov);
}

int report_write_coverage_md(const struct run_result *r, const char *path, char *err, size_t errlen)
{
	struct coverage cov;
	FILE *out;

	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	if (coverage_build(r, &cov) != 0) {
		report_error(err, errlen, "%s: out of memory building the coverage", path);
		return -1;
	}
	out = report_open(path, err, errlen);
	if (out)
		write_md(out, &cov, r);
	coverage_free(&cov);
	return out ? report_close(out, path, err, errlen) : -1;
}
