/* test_baseline.c - baseline files: parsing, exact errors, the apply truth table, unused entries. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "test_main.h"


static const char good[] =
	"# ganesha-4.3: known deviations\n"
	"\n"
	"   # an indented comment\n"
	"seq-07-renew   FAIL  SEQ-07  s18.46.3  renews the lease   on NFS4ERR_BADSLOT # bz 12  \n"
	"\trpc-09-garbage\tERROR\tRPC-09\tRFC5531-s9\tdrops the connection\r\n"
	"cs-19-rdma SKIP CS-19 RFC8881-s18.36.3 no RDMA\n"
	"\t \n"
	"ds-01-x FAIL DS-01 s2 last line without newline";

/* Loads content from a temporary file; NULL (and err filled) when it does not parse. */
static struct baseline *load_text(const char *content, char path[64], char *err, size_t errlen)
{
	struct baseline *b = NULL;

	if (!test_write_temp("nfs41-baseline", content, path))
		return NULL;
	if (baseline_load(path, &b, err, errlen) != 0)
		b = NULL;
	unlink(path);
	return b;
}

static void assert_entry(const struct baseline_entry *e, const char *case_id, enum verdict v,
			 const char *req, const char *section, const char *reason, unsigned line)
{
	REQUIRE(e != NULL);
	CU_ASSERT_STRING_EQUAL(e->case_id, case_id);
	CU_ASSERT_EQUAL(e->expected, v);
	CU_ASSERT_STRING_EQUAL(e->req_id, req);
	CU_ASSERT_STRING_EQUAL(e->section, section);
	CU_ASSERT_STRING_EQUAL(e->reason, reason);
	CU_ASSERT_EQUAL(e->line, line);
}

static void test_good_file(void)
{
	char path[64], err[512] = "";
	struct baseline *b = load_text(good, path, err, sizeof(err));

	REQUIRE(b != NULL);
	CU_ASSERT_STRING_EQUAL(b->path, path);
	REQUIRE(b->n == 4);
	assert_entry(&b->entries[0], "seq-07-renew", VERDICT_FAIL, "SEQ-07", "s18.46.3",
		     "renews the lease   on NFS4ERR_BADSLOT # bz 12", 4);
	assert_entry(&b->entries[1], "rpc-09-garbage", VERDICT_ERROR, "RPC-09", "RFC5531-s9",
		     "drops the connection", 5);
	assert_entry(&b->entries[2], "cs-19-rdma", VERDICT_SKIP, "CS-19", "RFC8881-s18.36.3",
		     "no RDMA", 6);
	assert_entry(&b->entries[3], "ds-01-x", VERDICT_FAIL, "DS-01", "s2",
		     "last line without newline", 8);
	CU_ASSERT_PTR_EQUAL(baseline_find(b, "cs-19-rdma"), &b->entries[2]);
	CU_ASSERT_PTR_NULL(baseline_find(b, "cs-19"));
	CU_ASSERT_PTR_NULL(baseline_find(b, NULL));
	CU_ASSERT_PTR_NULL(baseline_find(NULL, "cs-19-rdma"));
	baseline_free(b);
}

static void test_comments_only(void)
{
	char path[64], err[512] = "";
	struct baseline *b = load_text("# nothing known yet\n\n", path, err, sizeof(err));

	REQUIRE(b != NULL);
	CU_ASSERT_EQUAL(b->n, 0);
	baseline_free(b);
	b = load_text("", path, err, sizeof(err));
	REQUIRE(b != NULL);
	CU_ASSERT_EQUAL(b->n, 0);
	baseline_free(b);
}

/* Loading content fails with exactly "<path><expected>". */
static void assert_error(const char *content, const char *expected)
{
	char path[64], err[512] = "", want[600];
	struct baseline *b = load_text(content, path, err, sizeof(err));

	snprintf(want, sizeof(want), "%s%s", path, expected);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_STRING_EQUAL(err, want);
	baseline_free(b);
}

static void test_errors(void)
{
	static const struct {
		const char *content, *error;
	} cases[] = {
		{ "a PASS SEQ-07 s1 r\n",
		  ":1:3: unknown verdict \"PASS\" (expected FAIL, ERROR or SKIP)" },
		{ "# c\n\na XFAIL SEQ-07 s1 r\n",
		  ":3:3: unknown verdict \"XFAIL\" (expected FAIL, ERROR or SKIP)" },
		{ "a  fail SEQ-07 s1 r\n",
		  ":1:4: unknown verdict \"fail\" (expected FAIL, ERROR or SKIP)" },
		{ "a FAIL SEQ-07 s18.46.3\n", ":1:23: missing reason" },
		{ "a FAIL SEQ-07 s18.46.3 \t \n", ":1:23: missing reason" },
		{ "a\n", ":1:2: missing verdict" },
		{ "a FAIL\n", ":1:7: missing requirement id" },
		{ "a FAIL SEQ-07\n", ":1:14: missing section" },
		{ "a FAIL SEQ7 s1 r\n",
		  ":1:8: malformed requirement id \"SEQ7\" (expected AREA-nn with a known area)" },
		{ "\ta\tFAIL\tSEQ-7\ts1\tr\n",
		  ":1:9: malformed requirement id \"SEQ-7\" (expected AREA-nn with a known area)" },
		{ "a FAIL FOO-01 s1 r\n",
		  ":1:8: malformed requirement id \"FOO-01\" (expected AREA-nn with a known area)" },
		{ "a FAIL seq-07 s1 r\n",
		  ":1:8: malformed requirement id \"seq-07\" (expected AREA-nn with a known area)" },
		{ "a FAIL SEQ-07 18.46.3 r\n",
		  ":1:15: malformed section \"18.46.3\" (expected s18.46.3 or RFC8881-s18.46.3)" },
		{ "a FAIL SEQ-07 \xc2\xa7" "18.46.3 r\n",
		  ":1:15: malformed section \"\xc2\xa7" "18.46.3\" "
		  "(expected s18.46.3 or RFC8881-s18.46.3)" },
		{ "a FAIL SEQ-07 s18. r\n",
		  ":1:15: malformed section \"s18.\" (expected s18.46.3 or RFC8881-s18.46.3)" },
		{ "a FAIL SEQ-07 RFC-s1 r\n",
		  ":1:15: malformed section \"RFC-s1\" (expected s18.46.3 or RFC8881-s18.46.3)" },
		{ "a FAIL SEQ-07 RFC8881s1 r\n",
		  ":1:15: malformed section \"RFC8881s1\" (expected s18.46.3 or RFC8881-s18.46.3)" },
		{ "a FAIL SEQ-07 s1 r\n# c\n  a ERROR SEQ-08 s2 q\n",
		  ":3:3: duplicate case id \"a\" (first on line 1)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_error(cases[i].content, cases[i].error);
}

static void test_missing_file(void)
{
	char err[512] = "";
	static struct baseline sentinel;
	struct baseline *b = &sentinel;

	CU_ASSERT_EQUAL(baseline_load("/nonexistent/ganesha-4.3", &b, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/ganesha-4.3: No such file or directory");
}

/* One row of the truth table: raw verdict in, verdict and reason out. */
static void assert_apply(const struct baseline *b, const char *case_id, enum verdict raw,
			 enum verdict want, const char *want_reason)
{
	const char *reason = "unset";

	CU_ASSERT_EQUAL(baseline_apply(b, case_id, raw, &reason), want);
	if (want_reason) {
		REQUIRE(reason != NULL);
		CU_ASSERT_STRING_EQUAL(reason, want_reason);
	} else {
		CU_ASSERT_PTR_NULL(reason);
	}
	CU_ASSERT_EQUAL(baseline_apply(b, case_id, raw, NULL), want);
}

static void test_apply(void)
{
	char path[64], err[512] = "";
	struct baseline *b = load_text("f FAIL SEQ-07 s1 rf\ne ERROR SEQ-07 s1 re\n"
				       "s SKIP SEQ-07 s1 rs\n", path, err, sizeof(err));

	REQUIRE(b != NULL);
	/* expected FAIL */
	assert_apply(b, "f", VERDICT_PASS, VERDICT_XPASS, "rf");
	assert_apply(b, "f", VERDICT_FAIL, VERDICT_XFAIL, "rf");
	assert_apply(b, "f", VERDICT_ERROR, VERDICT_ERROR, "baseline expected FAIL: rf");
	assert_apply(b, "f", VERDICT_SKIP, VERDICT_SKIP, "baseline expected FAIL: rf");
	/* expected ERROR */
	assert_apply(b, "e", VERDICT_PASS, VERDICT_XPASS, "re");
	assert_apply(b, "e", VERDICT_FAIL, VERDICT_FAIL, "baseline expected ERROR: re");
	assert_apply(b, "e", VERDICT_ERROR, VERDICT_XFAIL, "re");
	assert_apply(b, "e", VERDICT_SKIP, VERDICT_SKIP, "baseline expected ERROR: re");
	/* expected SKIP */
	assert_apply(b, "s", VERDICT_PASS, VERDICT_XPASS, "rs");
	assert_apply(b, "s", VERDICT_FAIL, VERDICT_FAIL, "baseline expected SKIP: rs");
	assert_apply(b, "s", VERDICT_ERROR, VERDICT_ERROR, "baseline expected SKIP: rs");
	assert_apply(b, "s", VERDICT_SKIP, VERDICT_SKIP, "rs");
	/* already applied verdicts pass through */
	assert_apply(b, "f", VERDICT_XFAIL, VERDICT_XFAIL, NULL);
	assert_apply(b, "f", VERDICT_XPASS, VERDICT_XPASS, NULL);
	/* no entry, no baseline */
	for (enum verdict v = VERDICT_PASS; v < VERDICT_COUNT; v++) {
		assert_apply(b, "other", v, v, NULL);
		assert_apply(b, NULL, v, v, NULL);
		assert_apply(NULL, "f", v, v, NULL);
	}
	baseline_free(b);
}

static void test_unused(void)
{
	char path[64], err[512] = "";
	struct baseline *b = load_text("a FAIL SEQ-07 s1 r\nb FAIL SEQ-07 s1 r\nc FAIL SEQ-07 s1 r\n",
				       path, err, sizeof(err));
	const char *const ran[] = { "b", "x", "y" };
	const char *const all[] = { "c", "a", "b" };
	const struct baseline_entry *unused[3] = { NULL, NULL, NULL };

	REQUIRE(b != NULL);
	CU_ASSERT_EQUAL(baseline_unused(b, ran, 3, unused, 3), 2);
	CU_ASSERT_PTR_EQUAL(unused[0], &b->entries[0]);
	CU_ASSERT_PTR_EQUAL(unused[1], &b->entries[2]);
	CU_ASSERT_PTR_NULL(unused[2]);
	unused[0] = NULL;
	CU_ASSERT_EQUAL(baseline_unused(b, ran, 3, unused, 0), 2);
	CU_ASSERT_PTR_NULL(unused[0]);
	CU_ASSERT_EQUAL(baseline_unused(b, ran, 3, NULL, 0), 2);
	CU_ASSERT_EQUAL(baseline_unused(b, ran, 3, unused, 1), 2);
	CU_ASSERT_PTR_EQUAL(unused[0], &b->entries[0]);
	CU_ASSERT_EQUAL(baseline_unused(b, all, 3, unused, 3), 0);
	CU_ASSERT_EQUAL(baseline_unused(b, NULL, 0, NULL, 0), 3);
	CU_ASSERT_EQUAL(baseline_unused(NULL, ran, 3, unused, 3), 0);
	baseline_free(b);
	baseline_free(NULL);
}

void tests_register(void)
{
	static const struct test_entry parse_tests[] = {
		{ "well-formed file", test_good_file },
		{ "comments and blank lines only", test_comments_only },
		{ "malformed files: path:line:col errors", test_errors },
		{ "missing file", test_missing_file },
		{ NULL, NULL },
	};
	static const struct test_entry apply_tests[] = {
		{ "baseline_apply truth table", test_apply },
		{ "baseline_unused", test_unused },
		{ NULL, NULL },
	};

	tests_add_suite("baseline files", parse_tests);
	tests_add_suite("baseline verdicts", apply_tests);
}
