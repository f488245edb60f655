/* coverage_md.c - the coverage matrix as a Markdown table plus the uncovered MUST-class ids. */
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

static void uncovered_list(FILE *out, const struct coverage *cov)
{
	size_t n = coverage_count_uncovered_must(cov);

	fprintf(out, "\n## MUST-class requirements with no case (%zu)\n\n", n);
	if (!n)
		fputs("Every MUST and MUST NOT requirement of the index has a case.\n", out);
	for (size_t i = 0; i < cov->nindexed; i++) {
		const struct coverage_row *row = &cov->rows[i];

		if (!coverage_row_uncovered_must(row))
			continue;
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
}

static void write_md(FILE *out, const struct coverage *cov, const struct run_result *r)
{
	fputs("# Requirement coverage\n\n", out);
	fprintf(out,
		"Requirements in the index: %zu; cited by at least one case: %zu; "
		"MUST-class without a case: %zu; cited ids not in the index: %zu.\n\n",
		cov->nindexed, coverage_count_covered(cov), coverage_count_uncovered_must(cov),
		cov->nrows - cov->nindexed);
	fputs("| id | level | section | title | cases (verdicts) |\n", out);
	fputs("| --- | --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < cov->nrows; i++)
		table_row(out, &cov->rows[i], r);
	uncovered_list(out, cov);
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
