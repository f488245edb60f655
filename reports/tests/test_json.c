/* test_json.c - the run JSON, re-parsed with jansson: counts, every field, steps, ladder. */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

static json_t *load_run_json(void)
{
	struct run_result r;
	char *dir = tmpdir_make(), *path;
	char err[256] = "";
	json_error_t jerr;
	json_t *doc = NULL;

	if (!dir)
		return NULL;
	path = tmpdir_file(dir, "run.json");
	sample_run(&r);
	CU_ASSERT_EQUAL(report_write_json(&r, path, err, sizeof(err)), 0);
	run_result_free(&r);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fprintf(stderr, "run.json: %s at line %d\n", jerr.text, jerr.line);
	free(path);
	tmpdir_remove(dir);
	return doc;
}

static json_int_t int_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	CU_ASSERT_TRUE(json_is_integer(v));
	return json_integer_value(v);
}

static const char *str_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	CU_ASSERT_TRUE(json_is_string(v));
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *case_by_id(json_t *doc, const char *id)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(doc, "cases"), i,
			   c) if (strcmp(str_at(c, "id"), id) == 0) return c;
	return NULL;
}

static void test_run_fields(void)
{
	json_t *doc = load_run_json(), *counts, *totals;

	REQUIRE_PTR(doc);
	CU_ASSERT_STRING_EQUAL(str_at(doc, "schema"), "nfs41check-run/1");
	CU_ASSERT_STRING_EQUAL(str_at(doc, "tool_version"), "0.1.0");
	CU_ASSERT_STRING_EQUAL(str_at(doc, "target"), "127.0.0.1:2049");
	CU_ASSERT_STRING_EQUAL(str_at(doc, "started"), "2025-01-02T03:04:05Z");
	CU_ASSERT_STRING_EQUAL(str_at(doc, "baseline"), "baselines/ganesha-5.7.tsv");
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(doc, "elapsed")), 1.25, 1e-9);
	CU_ASSERT_EQUAL(int_at(doc, "jobs"), 4);
	CU_ASSERT_TRUE(json_is_false(json_object_get(doc, "interrupted")));
	counts = json_object_get(doc, "counts");
	CU_ASSERT_EQUAL(int_at(counts, "PASS"), SAMPLE_PASS);
	CU_ASSERT_EQUAL(int_at(counts, "FAIL"), SAMPLE_FAIL);
	CU_ASSERT_EQUAL(int_at(counts, "XFAIL"), SAMPLE_XFAIL);
	CU_ASSERT_EQUAL(int_at(counts, "XPASS"), SAMPLE_XPASS);
	CU_ASSERT_EQUAL(int_at(counts, "SKIP"), SAMPLE_SKIP);
	CU_ASSERT_EQUAL(int_at(counts, "ERROR"), SAMPLE_ERROR);
	totals = json_object_get(doc, "totals");
	CU_ASSERT_EQUAL(int_at(totals, "total"), SAMPLE_CASES);
	CU_ASSERT_EQUAL(int_at(totals, "passed"), SAMPLE_PASS);
	CU_ASSERT_EQUAL(int_at(totals, "failed"), SAMPLE_FAIL + SAMPLE_XPASS + SAMPLE_ERROR);
	CU_ASSERT_EQUAL(int_at(totals, "skipped"), SAMPLE_SKIP + SAMPLE_XFAIL);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "cases")), SAMPLE_CASES);
	json_decref(doc);
}

static void test_case_fields(void)
{
	static const char *const keys[] = {"id",          "title",        "file",        "group",
					   "level",       "requirements", "tags",        "verdict",
					   "raw_verdict", "reason",       "rfc_section", "repro",
					   "elapsed",     "steps",        "ladder"};
	json_t *doc = load_run_json(), *c;

	REQUIRE_PTR(doc);
	c = case_by_id(doc, "seq-03");
	REQUIRE_PTR(c);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(c, keys[i]));
	CU_ASSERT_EQUAL(json_object_size(c), sizeof(keys) / sizeof(keys[0]));
	CU_ASSERT_STRING_EQUAL(str_at(c, "verdict"), "XPASS");
	CU_ASSERT_STRING_EQUAL(str_at(c, "raw_verdict"), "PASS");
	CU_ASSERT_STRING_EQUAL(str_at(c, "file"), "cases/sequence/seq-03.case");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_array_get(json_object_get(c, "requirements"), 0)), "SEQ-04");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(c, "tags")), 2);
	CU_ASSERT_TRUE(json_is_null(json_object_get(case_by_id(doc, "rc-01"), "group")));
	CU_ASSERT_STRING_EQUAL(str_at(case_by_id(doc, "seq-02"), "title"), SAMPLE_UNICODE_TITLE);
	CU_ASSERT_STRING_EQUAL(str_at(case_by_id(doc, "eid-02"), "title"), SAMPLE_EVIL_TITLE);
	json_decref(doc);
}

static void test_steps(void)
{
	json_t *doc = load_run_json(), *steps, *s;

	REQUIRE_PTR(doc);
	steps = json_object_get(case_by_id(doc, "eid-02"), "steps");
	CU_ASSERT_EQUAL_FATAL(json_array_size(steps), 3);
	s = json_array_get(steps, 2);
	CU_ASSERT_EQUAL(int_at(s, "line"), 9);
	CU_ASSERT_STRING_EQUAL(str_at(s, "verdict"), "FAIL");
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(s, "message"), "got 0x00000000 <none>"));
	CU_ASSERT_TRUE(json_is_null(json_object_get(s, "observed")));
	CU_ASSERT_TRUE(json_is_real(json_object_get(s, "elapsed")));
	s = json_array_get(steps, 1);
	CU_ASSERT_STRING_EQUAL(str_at(s, "observed"), "NFS4_OK (one of NFS4_OK|NFS4ERR_DELAY)");
	CU_ASSERT_STRING_EQUAL(str_at(s, "source"), "CREATE_SESSION");
	json_decref(doc);
}

static void test_ladder(void)
{
	json_t *doc = load_run_json(), *ladder, *e;

	REQUIRE_PTR(doc);
	ladder = json_object_get(case_by_id(doc, "seq-02"), "ladder");
	CU_ASSERT_EQUAL_FATAL(json_array_size(ladder), 8);
	e = json_array_get(ladder, 0);
	CU_ASSERT_STRING_EQUAL(str_at(e, "direction"), "call");
	CU_ASSERT_TRUE(json_is_null(json_object_get(e, "slot")));
	CU_ASSERT_TRUE(json_is_false(json_object_get(e, "has_slot")));
	e = json_array_get(ladder, 5);
	CU_ASSERT_STRING_EQUAL(str_at(e, "conn"), "c2-ü");
	CU_ASSERT_STRING_EQUAL(str_at(e, "direction"), "reply");
	CU_ASSERT_EQUAL(int_at(e, "xid"), 0x20);
	CU_ASSERT_EQUAL(int_at(e, "slot"), 0);
	CU_ASSERT_EQUAL(int_at(e, "seqid"), 3);
	CU_ASSERT_TRUE(json_is_true(json_object_get(e, "error")));
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(e, "summary"), SAMPLE_EVIL_SUMMARY_TAG));
	/* Invalid UTF-8 in a detail arrives as U+FFFD, the control as text. */
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(json_array_get(ladder, 4), "detail"),
				      "raw bytes: \xef\xbf\xbd\xef\xbf\xbd \\x01 end"));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(case_by_id(doc, "ses-03"), "ladder")), 0);
	json_decref(doc);
}

void tests_register(void)
{
	static const struct test_entry json[] = {
		{"run fields and counts", test_run_fields},
		{"case fields", test_case_fields},
		{"steps", test_steps},
		{"ladder events", test_ladder},
		{NULL, NULL},
	};

	tests_add_suite("json", json);
}
