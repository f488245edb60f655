/* test_reqindex.c - the compiled-in requirement index, its sync with the catalogue, override files. */
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reqindex.h"
#include "test_main.h"


#define SYNC_SCRIPT NFS41_SOURCE_DIR "/ci/sync-requirements"
#define CHECKED_IN_TSV NFS41_SOURCE_DIR "/spec/requirements.tsv"
#define CATALOGUE NFS41_SHARED_DIR "/spec/requirements.md"
#define HEADER "id\tlevel\tsection\tbasis\ttitle\n"

static bool is_must_class(const char *level)
{
	return strcmp(level, "MUST") == 0 || strcmp(level, "MUST NOT") == 0;
}

static void test_count(void)
{
	size_t n = 0;
	const struct requirement *all = reqindex_all(&n);

	REQUIRE(all != NULL);
	CU_ASSERT_EQUAL(n, 222);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL(all[i].id);
		CU_ASSERT(all[i].level && all[i].section && all[i].title && all[i].title[0]);
	}
}

/* The counts of the catalogue's summary table (section 3). */
static void test_levels(void)
{
	size_t n, must = 0, should = 0, may = 0;
	const struct requirement *all = reqindex_all(&n);

	for (size_t i = 0; i < n; i++) {
		if (is_must_class(all[i].level))
			must++;
		else if (strcmp(all[i].level, "SHOULD") == 0 || strcmp(all[i].level, "SHOULD NOT") == 0)
			should++;
		else if (strcmp(all[i].level, "MAY") == 0)
			may++;
	}
	CU_ASSERT_EQUAL(must, 177);
	CU_ASSERT_EQUAL(should, 11);
	CU_ASSERT_EQUAL(may, 34);
}

static size_t area_count(const char *area)
{
	size_t n, count = 0, len = strlen(area);
	const struct requirement *all = reqindex_all(&n);

	for (size_t i = 0; i < n; i++)
		if (strncmp(all[i].id, area, len) == 0 && all[i].id[len] == '-')
			count++;
	return count;
}

static void test_areas(void)
{
	static const struct {
		const char *area;
		size_t total;
	} areas[] = {
		{ "RPC", 22 }, { "CMP", 22 }, { "SES", 46 }, { "EXID", 35 }, { "CS", 34 },
		{ "DS", 12 },  { "SEQ", 20 }, { "BCTS", 12 }, { "DCID", 11 }, { "RC", 8 },
	};

	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		CU_ASSERT_EQUAL(area_count(areas[i].area), areas[i].total);
}

static void assert_row(const char *id, const char *level, const char *section, const char *title)
{
	const struct requirement *r = reqindex_find(id);

	REQUIRE(r != NULL);
	CU_ASSERT_STRING_EQUAL(r->id, id);
	CU_ASSERT_STRING_EQUAL(r->level, level);
	CU_ASSERT_STRING_EQUAL(r->section, section);
	CU_ASSERT_STRING_EQUAL(r->title, title);
}

static void test_known_rows(void)
{
	size_t n;
	const struct requirement *all = reqindex_all(&n);

	assert_row("SEQ-07", "MUST NOT", "\xc2\xa7" "18.46.3", "No lease renewal on SEQUENCE error");
	assert_row("RPC-01", "MUST", "5531 \xc2\xa7" "11", "Record-marking fragment header");
	assert_row("CS-11", "MUST", "\xc2\xa7" "18.36.4 phases 2\xe2\x80\x93" "4",
		   "Errors after phase 2 are cached");
	assert_row("SEQ-09", "SHOULD NOT", "\xc2\xa7" "18.46.3; \xc2\xa7" "2.10.6.1",
		   "sr_highest_slotid below client's");
	CU_ASSERT_STRING_EQUAL(all[0].id, "RPC-01");
	CU_ASSERT_STRING_EQUAL(all[n - 1].id, "RC-08");
}

static void test_ids_unique_and_valid(void)
{
	size_t n;
	const struct requirement *all = reqindex_all(&n);

	for (size_t i = 0; i < n; i++) {
		CU_ASSERT(reqindex_is_valid_id(all[i].id));
		CU_ASSERT_PTR_EQUAL(reqindex_find(all[i].id), &all[i]);
		for (size_t j = i + 1; j < n; j++)
			CU_ASSERT(strcmp(all[i].id, all[j].id) != 0);
	}
}

static void test_is_valid_id(void)
{
	static const char *const valid[] = { "SEQ-07", "RPC-01", "EXID-35", "RC-08", "SEQ-99" };
	static const char *const invalid[] = {
		"", "SEQ", "SEQ-", "SEQ-7", "SEQ-007", "SEQ-00", "seq-07", "Seq-07", "SEQ-07 ",
		" SEQ-07", "SEQ-0x", "SEQ07", "-07", "FOO-01", "SE-01", "SEQS-01", "RPC-1a",
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		CU_ASSERT(reqindex_is_valid_id(valid[i]));
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		CU_ASSERT(!reqindex_is_valid_id(invalid[i]));
	CU_ASSERT(!reqindex_is_valid_id(NULL));
}

static void test_find_unknown(void)
{
	CU_ASSERT_PTR_NULL(reqindex_find("SEQ-99"));
	CU_ASSERT_PTR_NULL(reqindex_find("seq-07"));
	CU_ASSERT_PTR_NULL(reqindex_find(""));
	CU_ASSERT_PTR_NULL(reqindex_find(NULL));
	CU_ASSERT_PTR_NULL(reqindex_find_in(NULL, 0, "SEQ-07"));
}

/* Runs argv (bash SCRIPT args...), its output to /dev/null when quiet; its exit status, or -1. */
static int run_script(char *const argv[], bool quiet)
{
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int status, rc;

	fflush(NULL);
	posix_spawn_file_actions_init(&actions);
	if (quiet) {
		posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&actions, 1, 2);
	}
	rc = posix_spawnp(&pid, "bash", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The checked-in index is what ci/sync-requirements makes of the catalogue (missing: fail). */
static void test_sync_with_catalogue(void)
{
	char script[] = SYNC_SCRIPT, catalogue[] = CATALOGUE;
	char *argv[] = { "bash", script, "--check", "--catalogue", catalogue, NULL };

	if (access(CATALOGUE, R_OK) != 0)
		fprintf(stderr, "\n%s: catalogue missing (NFS41_SHARED_DIR)\n", CATALOGUE);
	CU_ASSERT_EQUAL(run_script(argv, false), 0);
}

/* --check reports a stale index (exit 1) and a missing catalogue (exit 2); neither is a pass. */
static void test_sync_detects_problems(void)
{
	char stale[64], script[] = SYNC_SCRIPT, catalogue[] = CATALOGUE;
	char missing[] = "/nonexistent/requirements.md";
	char *check_stale[] = { "bash", script, "--check", "--catalogue", catalogue, "--tsv", stale,
				NULL };
	char *no_catalogue[] = { "bash", script, "--check", "--catalogue", missing, NULL };

	REQUIRE(test_write_temp("nfs41-reqindex", HEADER "SEQ-07\tMUST\tx\texplicit\tstale\n", stale));
	CU_ASSERT_EQUAL(run_script(check_stale, true), 1);
	unlink(stale);
	CU_ASSERT_EQUAL(run_script(no_catalogue, true), 2);
}

/* The binary's table is the checked-in spec/requirements.tsv, row for row. */
static void test_compiled_matches_checked_in(void)
{
	struct requirement *loaded;
	size_t n, nloaded;
	char err[512] = "";
	const struct requirement *all = reqindex_all(&n);

	int rc = reqindex_load_file(CHECKED_IN_TSV, &loaded, &nloaded, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n%s\n", err);
	REQUIRE(rc == 0);
	CU_ASSERT_EQUAL(nloaded, n);
	for (size_t i = 0; i < n && i < nloaded; i++) {
		CU_ASSERT_STRING_EQUAL(loaded[i].id, all[i].id);
		CU_ASSERT_STRING_EQUAL(loaded[i].level, all[i].level);
		CU_ASSERT_STRING_EQUAL(loaded[i].section, all[i].section);
		CU_ASSERT_STRING_EQUAL(loaded[i].title, all[i].title);
	}
	reqindex_free(loaded, nloaded);
}

static void test_override_ok(void)
{
	char path[64], err[512] = "";
	struct requirement *r;
	size_t n;
	int rc;

	REQUIRE(test_write_temp("nfs41-reqindex", "id\tlevel\tsection\tbasis\ttitle\r\n"
			   "SEQ-21\tMUST\t\xc2\xa7" "18.46.3\timplied\tA \"new\" rule? yes\\no\r\n"
			   "NEW-01\tMAY\t\xc2\xa7" "2.1\tde facto\tA new area", path));
	rc = reqindex_load_file(path, &r, &n, err, sizeof(err));
	unlink(path);
	if (rc != 0)
		fprintf(stderr, "\n%s\n", err);
	REQUIRE(rc == 0);
	REQUIRE(n == 2);
	CU_ASSERT_STRING_EQUAL(r[0].id, "SEQ-21");
	CU_ASSERT_STRING_EQUAL(r[0].title, "A \"new\" rule? yes\\no");
	CU_ASSERT_STRING_EQUAL(r[1].id, "NEW-01");
	CU_ASSERT_STRING_EQUAL(r[1].level, "MAY");
	CU_ASSERT_STRING_EQUAL(r[1].section, "\xc2\xa7" "2.1");
	CU_ASSERT_STRING_EQUAL(r[1].title, "A new area");
	CU_ASSERT_PTR_EQUAL(reqindex_find_in(r, n, "NEW-01"), &r[1]);
	reqindex_free(r, n);
}

/* Loads content as an override and asserts that it fails with the error "<path><expected>". */
static void assert_override_error(const char *content, const char *expected)
{
	char path[64], err[512] = "", want[600];
	static struct requirement sentinel;
	struct requirement *r = &sentinel;
	size_t n = 99;

	REQUIRE(test_write_temp("nfs41-reqindex", content, path));
	snprintf(want, sizeof(want), "%s%s", path, expected);
	CU_ASSERT_EQUAL(reqindex_load_file(path, &r, &n, err, sizeof(err)), -1);
	unlink(path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(n, 0);
}

static void test_override_errors(void)
{
	static const struct {
		const char *content, *error;
	} cases[] = {
		{ "", ":1: empty file, expected the header "
		      "\"id<TAB>level<TAB>section<TAB>basis<TAB>title\"" },
		{ "id level section basis title\n",
		  ":1: expected the header \"id<TAB>level<TAB>section<TAB>basis<TAB>title\"" },
		{ HEADER, ": no requirements after the header" },
		{ HEADER "SEQ-01\tMUST\ts\texplicit\tt\nSEQ-02\tMUST\ts\texplicit\n",
		  ":3: expected 5 tab-separated fields, found 4" },
		{ HEADER "SEQ-01\tMUST\ts\texplicit\tt\textra\n",
		  ":2: expected 5 tab-separated fields, found 6" },
		{ HEADER "\n", ":2: expected 5 tab-separated fields, found 1" },
		{ HEADER "SEQ-1\tMUST\ts\texplicit\tt\n",
		  ":2: malformed requirement id \"SEQ-1\" (expected AREA-nn)" },
		{ HEADER "seq-01\tMUST\ts\texplicit\tt\n",
		  ":2: malformed requirement id \"seq-01\" (expected AREA-nn)" },
		{ HEADER "SEQ-01\tmust\ts\texplicit\tt\n",
		  ":2: unknown level \"must\" (expected MUST, MUST NOT, SHOULD, SHOULD NOT or MAY)" },
		{ HEADER "SEQ-01\tMUST\t\texplicit\tt\n", ":2: empty section field" },
		{ HEADER "SEQ-01\tMUST\ts\texplicit\t\n", ":2: empty title field" },
		{ HEADER "SEQ-01\tMUST\ts\texplicit\tt\n"
			 "SEQ-02\tMAY\ts\texplicit\tt\n"
			 "SEQ-01\tMAY\ts\texplicit\tt\n",
		  ":4: duplicate requirement id \"SEQ-01\" (first on line 2)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_override_error(cases[i].content, cases[i].error);
}

static void test_override_missing_file(void)
{
	char err[512] = "";
	struct requirement *r;
	size_t n;

	CU_ASSERT_EQUAL(reqindex_load_file("/nonexistent/req.tsv", &r, &n, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/req.tsv: No such file or directory");
}

void tests_register(void)
{
	static const struct test_entry index_tests[] = {
		{ "222 requirements", test_count },
		{ "177 MUST-class, 11 SHOULD-class, 34 MAY", test_levels },
		{ "requirements per area", test_areas },
		{ "known rows", test_known_rows },
		{ "ids unique and valid", test_ids_unique_and_valid },
		{ "reqindex_is_valid_id", test_is_valid_id },
		{ "unknown ids", test_find_unknown },
		{ NULL, NULL },
	};
	static const struct test_entry sync_tests[] = {
		{ "spec/requirements.tsv in sync with the catalogue", test_sync_with_catalogue },
		{ "--check fails on stale index and missing catalogue", test_sync_detects_problems },
		{ "compiled-in index equals spec/requirements.tsv", test_compiled_matches_checked_in },
		{ NULL, NULL },
	};
	static const struct test_entry override_tests[] = {
		{ "well-formed override", test_override_ok },
		{ "malformed overrides: file:line errors", test_override_errors },
		{ "missing override file", test_override_missing_file },
		{ NULL, NULL },
	};

	tests_add_suite("reqindex", index_tests);
	tests_add_suite("reqindex sync", sync_tests);
	tests_add_suite("reqindex override", override_tests);
}
