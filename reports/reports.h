/*
 * reports.h - the report writers: each renders one run_result into one format.
 *
 * Writers only read the result model (result.h). Each report_write_*() writes
 * the file at path and returns 0, or returns -1 with a one-line reason in
 * err (when err is not NULL) and removes the partial file; nothing is printed.
 *
 * Verdict mapping shared by every format (see reports/JSON.md):
 *   passed  = PASS
 *   failed  = FAIL + XPASS + ERROR  (an XPASS means the baseline is stale; an
 *                                    ERROR means nothing was proved: neither
 *                                    may read as a pass in CI)
 *   skipped = SKIP + XFAIL
 */
#ifndef NFS41_REPORTS_REPORTS_H
#define NFS41_REPORTS_REPORTS_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

/* The three CI totals above. */
struct verdict_totals {
	size_t passed, failed, skipped;
};
void run_result_totals(const struct run_result *r, struct verdict_totals *t);

/* JUnit XML (Jenkins/GitLab): one <testsuite> per case group. */
int report_write_junit(const struct run_result *r, const char *path, char *err, size_t errlen);
/* TAP version 14: one test point per case, YAML diagnostics on non-passes. */
int report_write_tap(const struct run_result *r, const char *path, char *err, size_t errlen);
/* The whole run as JSON (schema in reports/JSON.md). */
int report_write_json(const struct run_result *r, const char *path, char *err, size_t errlen);
/* Requirement coverage matrix: requirement ids x cases x verdicts. */
int report_write_coverage_json(const struct run_result *r, const char *path, char *err,
			       size_t errlen);
int report_write_coverage_md(const struct run_result *r, const char *path, char *err,
			     size_t errlen);
/* One self-contained HTML page: summary, coverage, per-case steps and ladder. */
int report_write_html(const struct run_result *r, const char *path, char *err, size_t errlen);

/*
 * Terminal summary: one line per non-PASS case, then exactly
 * "N passed, N failed, N skipped" and "XFAIL: n, XPASS: n, ERROR: n".
 * color adds ANSI colours to the verdicts (never to the last two lines).
 */
void report_print_summary(FILE *out, const struct run_result *r, int color);

#endif
