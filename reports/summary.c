/*
 * summary.c - the terminal summary: one line per non-PASS case, then the totals.
 *
 * The last two lines are always uncoloured and exactly
 *   "N passed, N failed, N skipped"  (failed = FAIL + XPASS + ERROR, skipped = SKIP + XFAIL)
 *   "XFAIL: n, XPASS: n, ERROR: n"
 * Untrusted text (reasons from a server's replies) is cleaned: no terminal escapes get through.
 */
#include <stdio.h>

#include "report_util.h"
#include "reports.h"

static const char *verdict_color(enum verdict v)
{
	switch (v) {
	case VERDICT_FAIL:
	case VERDICT_XPASS:
		return "\033[1;31m";
	case VERDICT_ERROR:
		return "\033[1;35m";
	case VERDICT_XFAIL:
		return "\033[33m";
	default:
		return "\033[36m";
	}
}

static void case_line(FILE *out, const struct case_result *c, int color)
{
	if (color)
		fprintf(out, "%s%-5s\033[0m ", verdict_color(c->verdict), verdict_name(c->verdict));
	else
		fprintf(out, "%-5s ", verdict_name(c->verdict));
	text_write_clean(out, str_or(c->id, "?"), 1);
	fputs(": ", out);
	text_write_clean(out, str_or(c->reason, "(no reason given)"), 1);
	if (c->rfc_section) {
		fputs(" [", out);
		text_write_clean(out, c->rfc_section, 1);
		fputc(']', out);
	}
	if (c->repro) {
		fputs("  repro: ", out);
		text_write_clean(out, c->repro, 1);
	}
	fputc('\n', out);
}

void report_print_summary(FILE *out, const struct run_result *r, int color)
{
	size_t counts[VERDICT_COUNT];
	struct verdict_totals t;

	if (!out || !r)
		return;
	for (size_t i = 0; i < r->ncases; i++)
		if (r->cases[i].verdict != VERDICT_PASS)
			case_line(out, &r->cases[i], color);
	if (r->interrupted)
		fputs("interrupted: the results cover the cases that ran\n", out);
	run_result_count(r, counts);
	run_result_totals(r, &t);
	fprintf(out, "%zu passed, %zu failed, %zu skipped\n", t.passed, t.failed, t.skipped);
	fprintf(out, "XFAIL: %zu, XPASS: %zu, ERROR: %zu\n", counts[VERDICT_XFAIL],
		counts[VERDICT_XPASS], counts[VERDICT_ERROR]);
}
