/* test_junit.c - the JUnit writer: schema-valid, right counts and mapping, escaping round-trips. */
#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

#ifndef REPORTS_TESTS_DIR
#error "REPORTS_TESTS_DIR must name reports/tests"
#endif

struct junit_doc {
	char *dir, *path;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
};

static int junit_open(struct junit_doc *j)
{
	struct run_result r;
	char err[256] = "";
	int rc;

	memset(j, 0, sizeof(*j));
	j->dir = tmpdir_make();
	if (!j->dir)
		return -1;
	j->path = tmpdir_file(j->dir, "junit.xml");
	sample_run(&r);
	rc = report_write_junit(&r, j->path, err, sizeof(err));
	run_result_free(&r);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	j->doc = rc == 0 ? xmlReadFile(j->path, NULL, XML_PARSE_NONET) : NULL;
	j->xp = j->doc ? xmlXPathNewContext(j->doc) : NULL;
	return j->xp ? 0 : -1;
}

static void junit_close(struct junit_doc *j)
{
	xmlXPathFreeContext(j->xp);
	xmlFreeDoc(j->doc);
	free(j->path);
	tmpdir_remove(j->dir);
}

static long xpath_number(const struct junit_doc *j, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, j->xp);
	long n = o ? (long)xmlXPathCastToNumber(o) : -1;

	xmlXPathFreeObject(o);
	return n;
}

/* The string value of expr (heap, "" when nothing matches). */
static char *xpath_string(const struct junit_doc *j, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, j->xp);
	xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
	char *copy = strdup(s ? (const char *)s : "");

	xmlFree(s);
	xmlXPathFreeObject(o);
	return copy;
}

static void assert_xpath_string(const struct junit_doc *j, const char *expr, const char *want)
{
	char *got = xpath_string(j, expr);

	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void test_schema_valid(void)
{
	struct junit_doc j;
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;

	if (junit_open(&j) != 0) {
		CU_FAIL("cannot write or parse junit.xml");
		junit_close(&j);
		return;
	}
	pc = xmlSchemaNewParserCtxt(REPORTS_TESTS_DIR "/junit.xsd");
	schema = pc ? xmlSchemaParse(pc) : NULL;
	vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	CU_ASSERT_PTR_NOT_NULL(vc);
	if (vc)
		CU_ASSERT_EQUAL(xmlSchemaValidateDoc(vc, j.doc), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	junit_close(&j);
}

static void test_counts(void)
{
	struct junit_doc j;

	if (junit_open(&j) != 0) {
		CU_FAIL("cannot write or parse junit.xml");
		junit_close(&j);
		return;
	}
	CU_ASSERT_EQUAL(xpath_number(&j, "count(/testsuites/testsuite)"), SAMPLE_GROUPS);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase)"), SAMPLE_CASES);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase/failure)"), SAMPLE_FAIL + SAMPLE_XPASS);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase/error)"), SAMPLE_ERROR);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase/skipped)"), SAMPLE_SKIP + SAMPLE_XFAIL);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase/system-out)"), SAMPLE_CASES);
	CU_ASSERT_EQUAL(xpath_number(&j, "/testsuites/@tests"), SAMPLE_CASES);
	CU_ASSERT_EQUAL(xpath_number(&j, "/testsuites/@failures"), SAMPLE_FAIL + SAMPLE_XPASS);
	CU_ASSERT_EQUAL(xpath_number(&j, "/testsuites/@errors"), SAMPLE_ERROR);
	CU_ASSERT_EQUAL(xpath_number(&j, "/testsuites/@skipped"), SAMPLE_SKIP + SAMPLE_XFAIL);
	CU_ASSERT_EQUAL(xpath_number(&j, "sum(/testsuites/testsuite/@tests)"), SAMPLE_CASES);
	/* seq-06 comes last in the run but joins the sequence suite. */
	CU_ASSERT_EQUAL(
		xpath_number(&j, "/testsuites/testsuite[@name='nfs41check.sequence']/@tests"), 6);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase[@classname='nfs41check.ungrouped'])"),
			1);
	junit_close(&j);
}

static void test_mapping(void)
{
	struct junit_doc j;

	if (junit_open(&j) != 0) {
		CU_FAIL("cannot write or parse junit.xml");
		junit_close(&j);
		return;
	}
	assert_xpath_string(
		&j, "//testcase[starts-with(@name,'ses-02:')]/skipped/@message",
		"expected failure (baseline): known server bug #1234: creates a second session");
	assert_xpath_string(&j, "//testcase[starts-with(@name,'seq-04:')]/skipped/@message",
			    "server lacks feature `pnfs`");
	assert_xpath_string(&j, "//testcase[starts-with(@name,'seq-03:')]/failure/@type", "XPASS");
	assert_xpath_string(
		&j, "//testcase[starts-with(@name,'seq-03:')]/failure/@message",
		"passed but the baseline expects failure: "
		"baseline: cache misses retries (fixed in 4.2?)");
	assert_xpath_string(&j, "//testcase[starts-with(@name,'ses-03:')]/error/@message",
			    "connection refused by 127.0.0.1:2049");
	assert_xpath_string(&j, "//testcase[starts-with(@name,'seq-01:')]/@classname",
			    "nfs41check.sequence");
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//testcase[starts-with(@name,'seq-01:')]/*)"), 1);
	CU_ASSERT_EQUAL(xpath_number(&j, "count(//failure[contains(., 'line 9    FAIL')])"),
			SAMPLE_FAIL);
	junit_close(&j);
}

static void test_escaping_round_trips(void)
{
	struct junit_doc j;
	char *out;

	if (junit_open(&j) != 0) {
		CU_FAIL("cannot write or parse junit.xml");
		junit_close(&j);
		return;
	}
	assert_xpath_string(&j, "//testcase[starts-with(@name,'eid-02:')]/@name",
			    "eid-02: " SAMPLE_EVIL_TITLE);
	assert_xpath_string(&j, "//testcase[starts-with(@name,'seq-02:')]/@name",
			    "seq-02: " SAMPLE_UNICODE_TITLE);
	out = xpath_string(&j, "//testcase[starts-with(@name,'seq-02:')]/system-out");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, SAMPLE_EVIL_SUMMARY_TAG));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "repro: nfs41check run --target 127.0.0.1:2049 --case 'seq-02'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "c2-ü -> server  xid 0x00000020  slot 0 seqid"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "raw bytes: \xef\xbf\xbd\xef\xbf\xbd \\x01 end"));
	free(out);
	/* The ANSI escape in rc-01's reason is text, not a raw ESC (which XML 1.0 forbids). */
	assert_xpath_string(
		&j, "//testcase[starts-with(@name,'rc-01:')]/failure/@message",
		"got \\x1b[31mNFS4_OK\\x1b[0m\nwhere NFS4ERR_COMPLETE_ALREADY was expected");
	junit_close(&j);
}

static void test_write_error(void)
{
	struct run_result r;
	char err[256] = "";

	sample_run(&r);
	CU_ASSERT_EQUAL(report_write_junit(&r, "/nonexistent-dir/junit.xml", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent-dir/junit.xml"));
	CU_ASSERT_EQUAL(access("/nonexistent-dir/junit.xml", F_OK), -1);
	CU_ASSERT_EQUAL(report_write_junit(NULL, "x.xml", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(report_write_junit(&r, NULL, NULL, 0), -1);
	run_result_free(&r);
}

void tests_register(void)
{
	static const struct test_entry junit[] = {
		{"valid against junit.xsd", test_schema_valid},
		{"suite, case, failure, error, skipped counts", test_counts},
		{"verdict mapping", test_mapping},
		{"escaping round-trips", test_escaping_round_trips},
		{"write errors", test_write_error},
		{NULL, NULL},
	};

	tests_add_suite("junit", junit);
}
