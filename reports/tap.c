/*
 * tap.c - the TAP version 14 writer: one test point per case, in run order.
 *
 * Mapping (TAP 14 directive semantics):
 *   PASS  -> ok N - id: title
 *   FAIL  -> not ok N - id: title            + YAML diagnostics
 *   ERROR -> not ok N - id: title            + YAML diagnostics (verdict: ERROR)
 *   XFAIL -> not ok N - id: title # TODO expected failure (baseline): reason
 *   XPASS -> ok N - id: title # TODO passed but the baseline expects failure: reason
 *   SKIP  -> ok N - id: title # SKIP reason
 * A TODO test point never fails a TAP harness, so XPASS shows as a passing
 * TODO ("TODO passed", "bonus"), which is what TAP 14 says an unexpected pass
 * of an expected failure is; JUnit, the JSON and the terminal summary count
 * XPASS as failed. FAIL, ERROR, XFAIL and XPASS carry a YAML block (verdict,
 * message, rfc, repro, file, requirements, the first failing step).
 */
#include <stdio.h>

#include "report_util.h"
#include "reports.h"

/* The description: one line, with '#' and '\' escaped as TAP 14 asks. */
static void tap_description(FILE *out, const char *s)
{
	uint32_t cp;

	while (s && *s) {
		s += utf8_next(s, &cp);
		if (cp == '#' || cp == '\\')
			fputc('\\', out);
		if (is_control(cp))
			text_put_control(out, cp, 1);
		else
			utf8_put(out, cp);
	}
}

static void yaml_escape(FILE *out, uint32_t cp)
{
	switch (cp) {
	case '"':
		fputs("\\\"", out);
		return;
	case '\\':
		fputs("\\\\", out);
		return;
	case '\n':
		fputs("\\n", out);
		return;
	case '\t':
		fputs("\\t", out);
		return;
	case '\r':
		fputs("\\r", out);
		return;
	default:
		fprintf(out, "\\x%02x", (unsigned)cp);
	}
}

/* A YAML double-quoted scalar; null for NULL. */
static void yaml_string(FILE *out, const char *s)
{
	uint32_t cp;

	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	while (*s) {
		s += utf8_next(s, &cp);
		if (cp == '"' || cp == '\\' || is_control(cp))
			yaml_escape(out, cp);
		else
			utf8_put(out, cp);
	}
	fputc('"', out);
}

static void yaml_field(FILE *out, const char *key, const char *value)
{
	fprintf(out, "  %s: ", key);
	yaml_string(out, value);
	fputc('\n', out);
}

static void yaml_requirements(FILE *out, const struct case_result *c)
{
	fputs("  requirements: [", out);
	for (size_t i = 0; i < c->nrequirements; i++) {
		fputs(i ? ", " : "", out);
		yaml_string(out, c->requirements[i]);
	}
	fputs("]\n", out);
}

static const struct step_result *first_failed_step(const struct case_result *c)
{
	for (size_t i = 0; i < c->nsteps; i++)
		if (c->steps[i].verdict == VERDICT_FAIL || c->steps[i].verdict == VERDICT_ERROR)
			return &c->steps[i];
	return NULL;
}

static void yaml_block(FILE *out, const struct case_result *c)
{
	const struct step_result *s = first_failed_step(c);
	char secs[SECONDS_BUF];

	fputs("  ---\n", out);
	yaml_field(out, "verdict", verdict_name(c->verdict));
	yaml_field(out, "raw_verdict", verdict_name(c->raw_verdict));
	yaml_field(out, "message", c->reason);
	yaml_field(out, "rfc", c->rfc_section);
	yaml_field(out, "repro", c->repro);
	yaml_field(out, "file", c->file);
	yaml_requirements(out, c);
	if (s) {
		fprintf(out, "  line: %u\n", s->line);
		yaml_field(out, "step", s->source);
		yaml_field(out, "step_message", s->message);
	}
	fprintf(out, "  elapsed: %s\n", format_seconds(c->elapsed, secs));
	fputs("  ...\n", out);
}

static void directive(FILE *out, const char *name, const char *prefix, const char *reason)
{
	fprintf(out, " # %s %s", name, prefix);
	text_write_clean(out, str_or(reason, ""), 1);
}

static void test_point(FILE *out, size_t n, const struct case_result *c)
{
	enum verdict v = c->verdict;
	int ok = v == VERDICT_PASS || v == VERDICT_XPASS || v == VERDICT_SKIP;

	fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", n);
	tap_description(out, str_or(c->id, "?"));
	fputs(": ", out);
	tap_description(out, str_or(c->title, ""));
	if (v == VERDICT_SKIP)
		directive(out, "SKIP", "", c->reason);
	else if (v == VERDICT_XFAIL)
		directive(out, "TODO", "expected failure (baseline): ", c->reason);
	else if (v == VERDICT_XPASS)
		directive(out, "TODO", "passed but the baseline expects failure: ", c->reason);
	fputc('\n', out);
	if (v != VERDICT_PASS && v != VERDICT_SKIP)
		yaml_block(out, c);
}

static void write_tap(FILE *out, const struct run_result *r)
{
	struct verdict_totals t;

	fputs("TAP version 14\n# nfs41check ", out);
	text_write_clean(out, str_or(r->tool_version, "?"), 1);
	fputs(" against ", out);
	text_write_clean(out, str_or(r->target, "?"), 1);
	fputs(", started ", out);
	text_write_clean(out, str_or(r->started, "?"), 1);
	fprintf(out, "\n1..%zu\n", r->ncases);
	for (size_t i = 0; i < r->ncases; i++)
		test_point(out, i + 1, &r->cases[i]);
	if (r->interrupted)
		fputs("# interrupted: the results cover the cases that ran\n", out);
	run_result_totals(r, &t);
	fprintf(out, "# %zu passed, %zu failed, %zu skipped\n", t.passed, t.failed, t.skipped);
}

int report_write_tap(const struct run_result *r, const char *path, char *err, size_t errlen)
{
	FILE *out;

	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	out = report_open(path, err, errlen);
	if (!out)
		return -1;
	write_tap(out, r);
	return report_close(out, path, err, errlen);
}
