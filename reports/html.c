/*
 * html.c - the self-contained HTML report: head, run summary, coverage, cases.
 *
 * No network: CSS and JS are inline, fonts are the system's. A Content
 * Security Policy with a fresh nonce lets only this page's own <style> and
 * <script> run, so even a string that escaped escaping could not execute.
 */
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "report_util.h"
#include "reports.h"

#define NONCE_BYTES 16
#define NONCE_BUF (NONCE_BYTES * 2 + 1)

static void make_nonce(char out[NONCE_BUF])
{
	unsigned char b[NONCE_BYTES];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
		for (size_t i = 0; i < sizeof(b); i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (unsigned char)(x >> 56);
		}
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void head(FILE *out, const struct run_result *r, const char *nonce)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", out);
	fprintf(out,
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'nonce-%s'; script-src 'nonce-%s'; img-src data:\">\n",
		nonce, nonce);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
	fputs("<title>nfs41check report: ", out);
	html_escape(out, str_or(r->target, "?"));
	fprintf(out, "</title>\n<style nonce=\"%s\">\n%s</style>\n</head>\n", nonce, html_style);
}

static void info_row(FILE *out, const char *name, const char *value)
{
	fprintf(out, "<tr><th>%s</th><td>", name);
	html_escape(out, value);
	fputs("</td></tr>\n", out);
}

static void run_info(FILE *out, const struct run_result *r)
{
	char secs[SECONDS_BUF], jobs[16];

	snprintf(jobs, sizeof(jobs), "%u", r->jobs);
	fputs("<table class=\"run\">\n", out);
	info_row(out, "tool version", str_or(r->tool_version, "?"));
	info_row(out, "target", str_or(r->target, "?"));
	info_row(out, "started", str_or(r->started, "?"));
	info_row(out, "elapsed", format_seconds(r->elapsed, secs));
	info_row(out, "jobs", jobs);
	info_row(out, "baseline", str_or(r->baseline, "none"));
	info_row(out, "interrupted", r->interrupted ? "yes" : "no");
	fputs("</table>\n", out);
}

static void tiles(FILE *out, const struct run_result *r)
{
	size_t counts[VERDICT_COUNT];

	run_result_count(r, counts);
	fputs("<div class=\"tiles\">", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "<div class=\"tile v-%s\"><b>%zu</b><span>%s</span></div>",
			verdict_name((enum verdict)v), counts[v], verdict_name((enum verdict)v));
	fputs("</div>\n", out);
}

static void summary_section(FILE *out, const struct run_result *r)
{
	struct verdict_totals t;

	run_result_totals(r, &t);
	fputs("<header><h1>nfs41check report</h1><p class=\"sub\">NFSv4.1 session lifecycle "
	      "conformance against <code>",
	      out);
	html_escape(out, str_or(r->target, "?"));
	fputs("</code></p></header>\n<section id=\"summary\"><h2>Summary</h2>\n", out);
	if (r->interrupted)
		fputs("<p class=\"banner\">Interrupted: the results cover the cases that "
		      "ran.</p>\n",
		      out);
	fprintf(out, "<p class=\"totals %s\">%zu passed, %zu failed, %zu skipped</p>\n",
		t.failed ? "bad" : "good", t.passed, t.failed, t.skipped);
	tiles(out, r);
	run_info(out, r);
	fputs("</section>\n", out);
}

static int cases_section(FILE *out, const struct run_result *r)
{
	fprintf(out, "<section id=\"cases\"><h2>Cases (%zu)</h2>\n", r->ncases);
	fputs("<div class=\"controls\"><button type=\"button\" data-filter=\"all\">all</button>"
	      "<button type=\"button\" data-filter=\"problems\">not passed</button>"
	      "<button type=\"button\" data-expand=\"1\">expand all</button>"
	      "<button type=\"button\" data-expand=\"0\">collapse all</button></div>\n",
	      out);
	for (size_t i = 0; i < r->ncases; i++)
		if (html_case(out, &r->cases[i], i) != 0)
			return -1;
	fputs("</section>\n", out);
	return 0;
}

static int write_page(FILE *out, const struct run_result *r, const struct coverage *cov)
{
	char nonce[NONCE_BUF];
	int rc;

	make_nonce(nonce);
	head(out, r, nonce);
	fputs("<body>\n<main>\n", out);
	summary_section(out, r);
	html_coverage_section(out, cov, r);
	rc = cases_section(out, r);
	fputs("<footer>nfs41check ", out);
	html_escape(out, str_or(r->tool_version, ""));
	fputs(" \xc2\xb7 self-contained report, no network access</footer>\n</main>\n", out);
	fprintf(out, "<script nonce=\"%s\">\n%s</script>\n</body>\n</html>\n", nonce, html_script);
	return rc;
}

int report_write_html(const struct run_result *r, const char *path, char *err, size_t errlen)
{
	struct coverage cov;
	FILE *out;
	int rc;

	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	if (coverage_build(r, &cov) != 0) {
		report_error(err, errlen, "%s: out of memory building the coverage", path);
		return -1;
	}
	out = report_open(path, err, errlen);
	if (!out) {
		coverage_free(&cov);
		return -1;
	}
	rc = write_page(out, r, &cov);
	coverage_free(&cov);
	if (report_close(out, path, err, errlen) != 0)
		return -1;
	if (rc == 0)
		return 0;
	report_error(err, errlen, "%s: out of memory drawing a ladder", path);
	report_remove_partial(path);
	return -1;
}
