/* test_result.c - the result model (names, counts, MUST-class, frees) and the text helpers. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "reports.h"
#include "sample.h"
#include "test_main.h"

static void test_verdict_names(void)
{
	static const char *const want[VERDICT_COUNT] = {"PASS",  "FAIL", "XFAIL",
							"XPASS", "SKIP", "ERROR"};

	for (int v = 0; v < VERDICT_COUNT; v++)
		CU_ASSERT_STRING_EQUAL(verdict_name((enum verdict)v), want[v]);
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_COUNT), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(verdict_name((enum verdict) - 1), "UNKNOWN");
}

static void test_counts_and_totals(void)
{
	struct run_result r;
	struct verdict_totals t;
	size_t counts[VERDICT_COUNT];

	sample_run(&r);
	run_result_count(&r, counts);
	CU_ASSERT_EQUAL(counts[VERDICT_PASS], SAMPLE_PASS);
	CU_ASSERT_EQUAL(counts[VERDICT_FAIL], SAMPLE_FAIL);
	CU_ASSERT_EQUAL(counts[VERDICT_XFAIL], SAMPLE_XFAIL);
	CU_ASSERT_EQUAL(counts[VERDICT_XPASS], SAMPLE_XPASS);
	CU_ASSERT_EQUAL(counts[VERDICT_SKIP], SAMPLE_SKIP);
	CU_ASSERT_EQUAL(counts[VERDICT_ERROR], SAMPLE_ERROR);
	run_result_totals(&r, &t);
	CU_ASSERT_EQUAL(t.passed, SAMPLE_PASS);
	CU_ASSERT_EQUAL(t.failed, SAMPLE_FAIL + SAMPLE_XPASS + SAMPLE_ERROR);
	CU_ASSERT_EQUAL(t.skipped, SAMPLE_SKIP + SAMPLE_XFAIL);
	run_result_free(&r);
	run_result_count(NULL, counts);
	CU_ASSERT_EQUAL(counts[VERDICT_PASS], 0);
}

static void test_requirement_is_must(void)
{
	CU_ASSERT_TRUE(requirement_is_must("MUST"));
	CU_ASSERT_TRUE(requirement_is_must("MUST NOT"));
	CU_ASSERT_FALSE(requirement_is_must("SHOULD"));
	CU_ASSERT_FALSE(requirement_is_must("SHOULD NOT"));
	CU_ASSERT_FALSE(requirement_is_must("MAY"));
	CU_ASSERT_FALSE(requirement_is_must("MUSTARD"));
	CU_ASSERT_FALSE(requirement_is_must(""));
	CU_ASSERT_FALSE(requirement_is_must(NULL));
}

/* Frees leave a zeroed model behind, so a second free is harmless (ASan checks the rest). */
static void test_free_twice(void)
{
	struct run_result r;

	sample_run(&r);
	run_result_free(&r);
	CU_ASSERT_PTR_NULL(r.cases);
	CU_ASSERT_EQUAL(r.ncases, 0);
	run_result_free(&r);
	run_result_free(NULL);
	case_result_free(NULL);
}

static void test_utf8_decoding(void)
{
	uint32_t cp;

	CU_ASSERT_EQUAL(utf8_next("A", &cp), 1);
	CU_ASSERT_EQUAL(cp, 'A');
	CU_ASSERT_EQUAL(utf8_next("\xc3\xa9", &cp), 2);
	CU_ASSERT_EQUAL(cp, 0xE9);
	CU_ASSERT_EQUAL(utf8_next("\xe2\x9c\x93", &cp), 3);
	CU_ASSERT_EQUAL(cp, 0x2713);
	CU_ASSERT_EQUAL(utf8_next("\xf0\x9f\x98\x80", &cp), 4);
	CU_ASSERT_EQUAL(cp, 0x1F600);
	CU_ASSERT_EQUAL(utf8_next("\xff", &cp), 1);
	CU_ASSERT_EQUAL(cp, 0xFFFD);
	CU_ASSERT_EQUAL(utf8_next("\xc0\xaf", &cp), 1); /* overlong '/' */
	CU_ASSERT_EQUAL(cp, 0xFFFD);
	CU_ASSERT_EQUAL(utf8_next("\xed\xa0\x80", &cp), 1); /* surrogate */
	CU_ASSERT_EQUAL(cp, 0xFFFD);
	CU_ASSERT_EQUAL(utf8_next("\xe2\x9c", &cp), 1); /* truncated at the NUL */
	CU_ASSERT_EQUAL(cp, 0xFFFD);
}

static void test_text_clean(void)
{
	char *s = text_clean("a\x1b[31m\tb\nc\xff\xc2\x85", 0);

	CU_ASSERT_STRING_EQUAL(s, "a\\x1b[31m\tb\nc\xef\xbf\xbd\\u{85}");
	free(s);
	s = text_clean("a\tb\r\nc", 1);
	CU_ASSERT_STRING_EQUAL(s, "a b  c");
	free(s);
	s = text_clean(NULL, 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

static void test_format_seconds(void)
{
	char buf[SECONDS_BUF];

	CU_ASSERT_STRING_EQUAL(format_seconds(0.0125, buf), "0.013");
	CU_ASSERT_STRING_EQUAL(format_seconds(62.5, buf), "62.500");
	CU_ASSERT_STRING_EQUAL(format_seconds(-1, buf), "0.000");
	CU_ASSERT_STRING_EQUAL(format_seconds(NAN, buf), "0.000");
}

static void test_ladder_error_heuristic(void)
{
	struct ladder_event e = {0};

	e.summary = "V4 Reply xid 0x00000001 COMPOUND NFS4_OK SEQUENCE";
	CU_ASSERT_FALSE(ladder_event_is_error(&e));
	e.summary =
		"V4 Reply xid 0x00000001 COMPOUND NFS4ERR_BADSESSION SEQUENCE(NFS4ERR_BADSESSION)";
	CU_ASSERT_TRUE(ladder_event_is_error(&e));
	e.summary = "RPC Reply xid 0x00000001 GARBAGE_ARGS";
	CU_ASSERT_TRUE(ladder_event_is_error(&e));
	e.summary = "RPC Reply xid 0x00000001 MSG_DENIED AUTH_BADCRED";
	CU_ASSERT_TRUE(ladder_event_is_error(&e));
	e.summary = NULL;
	CU_ASSERT_FALSE(ladder_event_is_error(&e));
}

void tests_register(void)
{
	static const struct test_entry model[] = {
		{"verdict names", test_verdict_names},
		{"counts and CI totals", test_counts_and_totals},
		{"MUST-class levels", test_requirement_is_must},
		{"free twice", test_free_twice},
		{NULL, NULL},
	};
	static const struct test_entry text[] = {
		{"UTF-8 decoding", test_utf8_decoding},
		{"cleaning", test_text_clean},
		{"seconds", test_format_seconds},
		{"ladder error heuristic", test_ladder_error_heuristic},
		{NULL, NULL},
	};

	tests_add_suite("result model", model);
	tests_add_suite("text helpers", text);
}
