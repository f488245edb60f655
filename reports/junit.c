/*
 * junit.c - the JUnit XML writer (libxml2 xmlTextWriter), as Jenkins and GitLab read it.
 *
 * Mapping: one <testsuite name="nfs41check.<group>"> per case group, in order
 * of first appearance; per case <testcase classname="nfs41check.<group>"
 * name="<id>: <title>" time="...">, then
 *   FAIL  -> <failure type="FAIL" message=reason>step transcript</failure>
 *   ERROR -> <error type="ERROR" message=reason>step transcript</error>
 *   XPASS -> <failure type="XPASS" message="passed but the baseline expects
 *            failure: reason"> (a stale baseline must fail CI)
 *   XFAIL -> <skipped message="expected failure (baseline): reason"/>
 *   SKIP  -> <skipped message=reason/>
 * and always <system-out> with the repro command, steps and decoded ladder.
 * Every string goes through text_clean() first: valid UTF-8, no characters XML 1.0 forbids.
 */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "reports.h"
#include "transcript.h"

#define CLASS_PREFIX "nfs41check."
#define NO_GROUP "ungrouped"

/* An xmlTextWriter whose calls do nothing after the first failure. */
struct jw {
	xmlTextWriterPtr w;
	int failed;
};

static void jw_check(struct jw *j, int rc)
{
	if (rc < 0)
		j->failed = 1;
}

static void jw_start(struct jw *j, const char *element)
{
	if (!j->failed)
		jw_check(j, xmlTextWriterStartElement(j->w, BAD_CAST element));
}

static void jw_end(struct jw *j)
{
	if (!j->failed)
		jw_check(j, xmlTextWriterEndElement(j->w));
}

static void jw_attr(struct jw *j, const char *name, const char *value)
{
	char *clean;

	if (j->failed)
		return;
	clean = text_clean(value, 0);
	if (!clean) {
		j->failed = 1;
		return;
	}
	jw_check(j, xmlTextWriterWriteAttribute(j->w, BAD_CAST name, BAD_CAST clean));
	free(clean);
}

static void jw_attr_count(struct jw *j, const char *name, size_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu", n);
	jw_attr(j, name, buf);
}

static void jw_attr_seconds(struct jw *j, const char *name, double s)
{
	char buf[SECONDS_BUF];

	jw_attr(j, name, format_seconds(s, buf));
}

/* Text content; takes ownership of a heap string (NULL: allocation failed). */
static void jw_text_owned(struct jw *j, char *text)
{
	char *clean = text ? text_clean(text, 0) : NULL;

	free(text);
	if (!clean)
		j->failed = 1;
	if (!j->failed)
		jw_check(j, xmlTextWriterWriteString(j->w, BAD_CAST clean));
	free(clean);
}

static const char *group_of(const struct case_result *c)
{
	return c->group && *c->group ? c->group : NO_GROUP;
}

static int same_group(const struct case_result *a, const struct case_result *b)
{
	return strcmp(group_of(a), group_of(b)) == 0;
}

/* Whether an earlier case already opened this case's group. */
static int group_seen_before(const struct run_result *r, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (same_group(&r->cases[k], &r->cases[i]))
			return 1;
	return 0;
}

static void property(struct jw *j, const char *name, const char *value)
{
	jw_start(j, "property");
	jw_attr(j, "name", name);
	jw_attr(j, "value", value);
	jw_end(j);
}

static void run_properties(struct jw *j, const struct run_result *r)
{
	char jobs[32];

	snprintf(jobs, sizeof(jobs), "%u", r->jobs);
	jw_start(j, "properties");
	property(j, "tool_version", str_or(r->tool_version, ""));
	property(j, "target", str_or(r->target, ""));
	property(j, "started", str_or(r->started, ""));
	property(j, "jobs", jobs);
	property(j, "baseline", str_or(r->baseline, ""));
	property(j, "interrupted", r->interrupted ? "true" : "false");
	jw_end(j);
}

/* The <failure>, <error> or <skipped> child a verdict maps to (nothing for PASS). */
static void outcome(struct jw *j, const struct case_result *c)
{
	const char *reason = str_or(c->reason, "");
	char *msg = NULL;

	switch (c->verdict) {
	case VERDICT_PASS:
		return;
	case VERDICT_SKIP:
		jw_start(j, "skipped");
		jw_attr(j, "message", reason);
		jw_end(j);
		return;
	case VERDICT_XFAIL:
		msg = str_printf("expected failure (baseline): %s", reason);
		jw_start(j, "skipped");
		jw_attr(j, "message", msg ? msg : reason);
		jw_end(j);
		free(msg);
		return;
	case VERDICT_XPASS:
		msg = str_printf("passed but the baseline expects failure: %s", reason);
		reason = msg ? msg : reason;
		break;
	default:
		break;
	}
	jw_start(j, c->verdict == VERDICT_ERROR ? "error" : "failure");
	jw_attr(j, "type", verdict_name(c->verdict));
	jw_attr(j, "message", reason);
	jw_text_owned(j, transcript_string(c, 0));
	jw_end(j);
	free(msg);
}

static void testcase(struct jw *j, const struct case_result *c)
{
	char *classname = str_printf(CLASS_PREFIX "%s", group_of(c));
	char *name = str_printf("%s: %s", str_or(c->id, "?"), str_or(c->title, ""));

	if (!classname || !name)
		j->failed = 1;
	jw_start(j, "testcase");
	jw_attr(j, "classname", classname);
	jw_attr(j, "name", name);
	jw_attr_seconds(j, "time", c->elapsed);
	if (c->file)
		jw_attr(j, "file", c->file);
	outcome(j, c);
	jw_start(j, "system-out");
	jw_text_owned(j, transcript_string(c, 1));
	jw_end(j);
	jw_end(j);
	free(classname);
	free(name);
}

struct suite_totals {
	size_t tests, failures, errors, skipped;
	double time;
};

static void add_to_totals(struct suite_totals *t, const struct case_result *c)
{
	t->tests++;
	t->failures += c->verdict == VERDICT_FAIL || c->verdict == VERDICT_XPASS;
	t->errors += c->verdict == VERDICT_ERROR;
	t->skipped += verdict_is_skipped(c->verdict);
	t->time += c->elapsed;
}

static void totals_attrs(struct jw *j, const struct suite_totals *t)
{
	jw_attr_count(j, "tests", t->tests);
	jw_attr_count(j, "failures", t->failures);
	jw_attr_count(j, "errors", t->errors);
	jw_attr_count(j, "skipped", t->skipped);
	jw_attr_seconds(j, "time", t->time);
}

/* The <testsuite> for the group of case `first`, holding every case of that group. */
static void testsuite(struct jw *j, const struct run_result *r, size_t first, size_t id)
{
	const struct case_result *g = &r->cases[first];
	struct suite_totals t = {0};
	char *name = str_printf(CLASS_PREFIX "%s", group_of(g));

	for (size_t i = first; i < r->ncases; i++)
		if (same_group(&r->cases[i], g))
			add_to_totals(&t, &r->cases[i]);
	if (!name)
		j->failed = 1;
	jw_start(j, "testsuite");
	jw_attr(j, "name", name);
	jw_attr_count(j, "id", id);
	totals_attrs(j, &t);
	if (r->started)
		jw_attr(j, "timestamp", r->started);
	run_properties(j, r);
	for (size_t i = first; i < r->ncases; i++)
		if (same_group(&r->cases[i], g))
			testcase(j, &r->cases[i]);
	jw_end(j);
	free(name);
}

static void testsuites(struct jw *j, const struct run_result *r)
{
	struct suite_totals t = {0};
	size_t nsuites = 0;

	for (size_t i = 0; i < r->ncases; i++)
		add_to_totals(&t, &r->cases[i]);
	t.time = r->elapsed;
	jw_start(j, "testsuites");
	jw_attr(j, "name", "nfs41check");
	totals_attrs(j, &t);
	for (size_t i = 0; i < r->ncases; i++)
		if (!group_seen_before(r, i))
			testsuite(j, r, i, nsuites++);
	jw_end(j);
}

static int write_document(xmlTextWriterPtr w, const struct run_result *r)
{
	struct jw j = {w, 0};

	jw_check(&j, xmlTextWriterSetIndent(w, 1));
	jw_check(&j, xmlTextWriterSetIndentString(w, BAD_CAST "  "));
	jw_check(&j, xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	testsuites(&j, r);
	if (!j.failed)
		jw_check(&j, xmlTextWriterEndDocument(w));
	return j.failed ? -1 : 0;
}

static int save_buffer(const xmlBuffer *buf, const char *path, char *err, size_t errlen)
{
	FILE *f = report_open(path, err, errlen);

	if (!f)
		return -1;
	fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f);
	return report_close(f, path, err, errlen);
}

int report_write_junit(const struct run_result *r, const char *path, char *err, size_t errlen)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int rc = -1;

	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	xmlInitParser();
	buf = xmlBufferCreate();
	w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	if (!w) {
		report_error(err, errlen, "%s: cannot create the XML writer", path);
	} else if (write_document(w, r) != 0) {
		report_error(err, errlen, "%s: XML writer failed", path);
	} else {
		xmlFreeTextWriter(w);
		w = NULL;
		rc = save_buffer(buf, path, err, errlen);
	}
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}
