/* report_util.c - error strings, output files, locale-free numbers and verdict totals. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_util.h"
#include "reports.h"

void report_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

FILE *report_open(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f)
		report_error(err, errlen, "%s: %s", path, strerror(errno));
	return f;
}

void report_remove_partial(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		remove(path);
}

int report_close(FILE *f, const char *path, char *err, size_t errlen)
{
	int write_failed = ferror(f);

	if (fclose(f) != 0) {
		report_error(err, errlen, "%s: %s", path, strerror(errno));
	} else if (write_failed) {
		report_error(err, errlen, "%s: write error", path);
	} else {
		return 0;
	}
	report_remove_partial(path);
	return -1;
}

int report_check_args(const void *r, const char *path, char *err, size_t errlen)
{
	if (r && path && *path)
		return 0;
	report_error(err, errlen, "%s", r ? "no output path" : "no run result");
	return -1;
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const char *str_or(const char *s, const char *fallback)
{
	return s ? s : fallback;
}

const char *format_seconds(double s, char buf[SECONDS_BUF])
{
	unsigned long long ms;

	if (!isfinite(s) || s < 0)
		s = 0;
	if (s > 1e15)
		s = 1e15;
	ms = (unsigned long long)llround(s * 1000.0);
	snprintf(buf, SECONDS_BUF, "%llu.%03llu", ms / 1000, ms % 1000);
	return buf;
}

int verdict_is_failed(enum verdict v)
{
	return v == VERDICT_FAIL || v == VERDICT_XPASS || v == VERDICT_ERROR;
}

int verdict_is_skipped(enum verdict v)
{
	return v == VERDICT_SKIP || v == VERDICT_XFAIL;
}

void run_result_totals(const struct run_result *r, struct verdict_totals *t)
{
	size_t counts[VERDICT_COUNT];

	run_result_count(r, counts);
	t->passed = counts[VERDICT_PASS];
	t->failed = counts[VERDICT_FAIL] + counts[VERDICT_XPASS] + counts[VERDICT_ERROR];
	t->skipped = counts[VERDICT_SKIP] + counts[VERDICT_XFAIL];
}

/*
 * The model carries no status per event, so read the wire printer's summary:
 * an NFS4ERR_ anywhere, a denied call, or an "RPC Reply" (the printer's form
 * for a reply whose accept_stat is not SUCCESS).
 */
int ladder_event_is_error(const struct ladder_event *e)
{
	const char *s = e->summary;

	if (!s)
		return 0;
	return strstr(s, "NFS4ERR_") || strstr(s, "MSG_DENIED") || strncmp(s, "RPC Reply", 9) == 0;
}
