/* test_summary.c - the terminal summary: one line per non-PASS case, the two exact last lines. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

static char *summary_text(int color, int interrupted)
{
	struct run_result r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	sample_run(&r);
	r.interrupted = interrupted;
	report_print_summary(f, &r, color);
	run_result_free(&r);
	fclose(f);
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const char *const last_two = "4 passed, 7 failed, 4 skipped\nXFAIL: 2, XPASS: 2, ERROR: 2\n";

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static void test_plain(void)
{
	char *s = summary_text(0, 0);

	REQUIRE_PTR(s);
	CU_ASSERT_TRUE(ends_with(s, last_two));
	CU_ASSERT_EQUAL(count_lines(s), SAMPLE_CASES - SAMPLE_PASS + 2);
	CU_ASSERT_PTR_NULL(strchr(s, '\x1b'));
	CU_ASSERT_PTR_NULL(strstr(s, "eid-01"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
				      "FAIL  seq-02: expected NFS4ERR_SEQ_MISORDERED, got NFS4_OK "
				      "[RFC 8881 §2.10.6.1]  repro: nfs41check run --target "
				      "127.0.0.1:2049 --case 'seq-02'\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "XFAIL ses-02: known server bug #1234"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "SKIP  seq-04: server lacks feature `pnfs`  repro: "));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "ERROR ses-03: connection refused by 127.0.0.1:2049  repro: "));
	/* A server's ANSI escape is shown, not executed; its newline does not split the line. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
				      "FAIL  rc-01: got \\x1b[31mNFS4_OK\\x1b[0m where "
				      "NFS4ERR_COMPLETE_ALREADY was expected [RFC 8881 §18.51.3]"));
	free(s);
}

static void test_color(void)
{
	char *s = summary_text(1, 0);

	REQUIRE_PTR(s);
	CU_ASSERT_TRUE(ends_with(s, last_two));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[1;31mFAIL \033[0m seq-02: "));
	CU_ASSERT_EQUAL(count_lines(s), SAMPLE_CASES - SAMPLE_PASS + 2);
	free(s);
}

static void test_interrupted(void)
{
	char *s = summary_text(0, 1);

	REQUIRE_PTR(s);
	CU_ASSERT_TRUE(ends_with(s,
				 "interrupted: the results cover the cases that ran\n"
				 "4 passed, 7 failed, 4 skipped\nXFAIL: 2, XPASS: 2, ERROR: 2\n"));
	free(s);
}

static void test_empty_run(void)
{
	struct run_result r = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	REQUIRE_PTR(f);
	report_print_summary(f, &r, 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf,
			       "0 passed, 0 failed, 0 skipped\nXFAIL: 0, XPASS: 0, ERROR: 0\n");
	free(buf);
}

void tests_register(void)
{
	static const struct test_entry summary[] = {
		{"plain", test_plain},
		{"colour stays off the totals", test_color},
		{"interrupted", test_interrupted},
		{"empty run", test_empty_run},
		{NULL, NULL},
	};

	tests_add_suite("summary", summary);
}
