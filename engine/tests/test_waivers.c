/* test_waivers.c - the waiver parser: the form, every error with file:line, files, the compiled-in file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reqindex.h"
#include "test_main.h"
#include "waivers.h"

/* A small index with every level. */
static const struct requirement index_rows[] = {
	{ "SEQ-01", "MUST", "s1", "a must" },
	{ "SEQ-02", "MUST NOT", "s2", "a must not" },
	{ "SEQ-03", "SHOULD", "s3", "a should" },
	{ "SEQ-04", "SHOULD NOT", "s4", "a should not" },
	{ "SEQ-05", "MAY", "s5", "a may" },
	{ "SEQ-06", "SHOULD", "s6", "another should" },
};
#define NROWS (sizeof(index_rows) / sizeof(index_rows[0]))

static int parse(const char *text, struct waiver_set *w, char *err, size_t errlen)
{
	return waivers_parse(text, strlen(text), "w.tsv", index_rows, NROWS, w, err, errlen);
}

static void test_valid(void)
{
	struct waiver_set w;
	char err[512] = "";
	/* line 1 comment, 2 blank, 3 blanks only, 4 indented comment, 5-7 waivers (CRLF, MAY,
	 * no final newline). */
	const char *text = "# waivers\n\n  \t \n   # indented comment\n"
			   "SEQ-03\tserver-internal: not on the wire\r\n"
			   "SEQ-05\ta MAY may be waived too; tabs? no, but 'quotes' \"ok\" # not a comment\n"
			   "SEQ-04\tneeds a second server";
	int rc = parse(text, &w, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n%s\n", err);
	REQUIRE(rc == 0);
	REQUIRE(w.n == 3);
	CU_ASSERT_STRING_EQUAL(w.v[0].id, "SEQ-03");
	CU_ASSERT_STRING_EQUAL(w.v[0].reason, "server-internal: not on the wire");
	CU_ASSERT_EQUAL(w.v[0].line, 5);
	CU_ASSERT_STRING_EQUAL(w.v[1].id, "SEQ-05");
	CU_ASSERT_STRING_EQUAL(w.v[1].reason,
			       "a MAY may be waived too; tabs? no, but 'quotes' \"ok\" # not a comment");
	CU_ASSERT_EQUAL(w.v[1].line, 6);
	CU_ASSERT_STRING_EQUAL(w.v[2].reason, "needs a second server");
	CU_ASSERT_EQUAL(w.v[2].line, 7);
	waivers_free(&w);
	CU_ASSERT_PTR_NULL(w.v);
	CU_ASSERT_EQUAL(w.n, 0);
}

static void test_empty(void)
{
	struct waiver_set w;
	char err[64] = "";

	CU_ASSERT_EQUAL(parse("", &w, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(w.n, 0);
	CU_ASSERT_EQUAL(parse("# only comments\n\n#\n", &w, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(w.n, 0);
	waivers_free(&w);
	CU_ASSERT_EQUAL(waivers_parse(NULL, 0, NULL, index_rows, NROWS, &w, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(w.n, 0);
}

/* Parses text and asserts it fails with exactly the error want, leaving the set empty. */
static void assert_error(const char *text, size_t len, const char *want)
{
	struct waiver_set w = { .n = 99 };
	char err[512] = "";

	CU_ASSERT_EQUAL(waivers_parse(text, len, "w.tsv", index_rows, NROWS, &w, err, sizeof(err)),
			-1);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\nwant: %s\ngot:  %s\n", want, err);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(w.v);
	CU_ASSERT_EQUAL(w.n, 0);
}

static void test_errors(void)
{
	static const char nul[] = "# ok\nSEQ-03\tre\0ason\n";
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "SEQ-99\tno such id\n",
		  "w.tsv:1: unknown requirement id \"SEQ-99\" (not in the requirement index)" },
		{ "# c\nseq-03\tlower case\n",
		  "w.tsv:2: unknown requirement id \"seq-03\" (not in the requirement index)" },
		{ "SEQ-03 \ttrailing blank in the id\n",
		  "w.tsv:1: unknown requirement id \"SEQ-03 \" (not in the requirement index)" },
		{ "\treason without an id\n",
		  "w.tsv:1: unknown requirement id \"\" (not in the requirement index)" },
		{ "SEQ-01\ta MUST\n",
		  "w.tsv:1: SEQ-01 is a MUST requirement: MUST-class ids need a case, not a waiver" },
		{ "\n\nSEQ-02\ta MUST NOT\n",
		  "w.tsv:3: SEQ-02 is a MUST NOT requirement: MUST-class ids need a case, not a waiver" },
		{ "SEQ-03\tfirst\nSEQ-06\tother\r\n# c\nSEQ-03\tsecond\n",
		  "w.tsv:4: duplicate waiver for SEQ-03 (first on line 1)" },
		{ "SEQ-03 spaces instead of a tab\n", "w.tsv:1: expected ID<TAB>reason, found no tab" },
		{ "SEQ-03\n", "w.tsv:1: expected ID<TAB>reason, found no tab" },
		{ "SEQ-03\treason\tmore\n",
		  "w.tsv:1: expected 2 tab-separated fields (ID<TAB>reason), found more" },
		{ "SEQ-03\t\n", "w.tsv:1: SEQ-03: empty reason (a waiver says why no case can observe it)" },
		{ "SEQ-03\t\r\n", "w.tsv:1: SEQ-03: empty reason (a waiver says why no case can observe it)" },
		{ "SEQ-03\t  \n", "w.tsv:1: SEQ-03: leading or trailing blanks in the reason" },
		{ "SEQ-03\t reason\n", "w.tsv:1: SEQ-03: leading or trailing blanks in the reason" },
		{ "SEQ-03\treason \n", "w.tsv:1: SEQ-03: leading or trailing blanks in the reason" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_error(cases[i].text, strlen(cases[i].text), cases[i].error);
	/* A NUL byte inside a line, counted on the line it is on. */
	assert_error(nul, sizeof(nul) - 1, "w.tsv:2: NUL byte in line");
}

/* Only the first problem is reported; the lines before it were fine. */
static void test_first_error_wins(void)
{
	static const char text[] = "SEQ-03\tfine\nSEQ-01\tmust\nSEQ-99\tunknown\n";

	assert_error(text, strlen(text),
		     "w.tsv:2: SEQ-01 is a MUST requirement: MUST-class ids need a case, not a waiver");
}

static void test_file(void)
{
	struct waiver_set w;
	char path[64], err[512] = "", want[256];
	int rc;

	REQUIRE(test_write_temp("nfs41-waivers", "# c\nSEQ-04\tfrom a file\n", path));
	rc = waivers_load_file(path, index_rows, NROWS, &w, err, sizeof(err));
	REQUIRE(rc == 0);
	REQUIRE(w.n == 1);
	CU_ASSERT_STRING_EQUAL(w.v[0].reason, "from a file");
	CU_ASSERT_EQUAL(w.v[0].line, 2);
	waivers_free(&w);
	REQUIRE(test_write_temp("nfs41-waivers", "SEQ-04\tok\nSEQ-01\tno\n", path));
	rc = waivers_load_file(path, index_rows, NROWS, &w, err, sizeof(err));
	unlink(path);
	CU_ASSERT_EQUAL(rc, -1);
	snprintf(want, sizeof(want), "%s:2: SEQ-01 is a MUST requirement: MUST-class ids need a "
		 "case, not a waiver", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(waivers_load_file("/nonexistent/w.tsv", index_rows, NROWS, &w, err,
					  sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/w.tsv: No such file or directory");
	CU_ASSERT_EQUAL(w.n, 0);
}

/* The compiled-in spec/waivers.tsv parses against the compiled-in index: SHOULD-class or MAY ids. */
static void test_builtin(void)
{
	struct waiver_set w;
	size_t n;
	const struct requirement *all = reqindex_all(&n);
	char err[512] = "";
	int rc = waivers_load_builtin(all, n, &w, err, sizeof(err));
	size_t nwaivers = w.n;

	if (rc != 0)
		fprintf(stderr, "\n%s\n", err);
	REQUIRE(rc == 0);
	for (size_t i = 0; i < w.n; i++) {
		const struct requirement *q = reqindex_find(w.v[i].id);

		REQUIRE(q != NULL);
		CU_ASSERT_FALSE(requirement_is_must(q->level));
		CU_ASSERT(strlen(w.v[i].reason) > 10);
	}
	waivers_free(&w);
	/* Against an index that lacks its ids, the compiled-in file names itself in errors. */
	if (nwaivers == 0)
		return;
	CU_ASSERT_EQUAL(waivers_load_builtin(index_rows, NROWS, &w, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(strncmp(err, WAIVERS_BUILTIN_NAME ":", strlen(WAIVERS_BUILTIN_NAME) + 1), 0);
}

void tests_register(void)
{
	static const struct test_entry parser[] = {
		{ "valid file: comments, CRLF, no final newline", test_valid },
		{ "empty and comment-only files", test_empty },
		{ "errors name file:line", test_errors },
		{ "the first error wins", test_first_error_wins },
		{ "waivers_load_file", test_file },
		{ "the compiled-in spec/waivers.tsv", test_builtin },
		{ NULL, NULL },
	};

	tests_add_suite("waivers", parser);
}
