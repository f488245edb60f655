/* test_runner.c - finding and selecting cases: tags, folders as tags, globs, deterministic shards. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"
#include "test_main.h"

static char dir[64];

/* Runs in the suite's set-up too, where CUnit assertions are not allowed: returns 0 or -1. */
static int write_case(const char *group, const char *id, const char *reqs, const char *tags)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, group);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s.case", dir, group, id);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "id: %s\ntitle: t %s\nrequirements: %s\nlevel: MUST\ntags: %s\n\nc1 > NULL\nc1 < NULL\n",
		id, id, reqs, tags);
	return fclose(f) == 0 ? 0 : -1;
}

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nfs41-runner-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return write_case("sequence", "seq-a", "SEQ-01", "replay") ||
	       write_case("sequence", "seq-b", "SEQ-02", "misorder") ||
	       write_case("compound", "cmp-a", "CMP-01", "replay, rpc") ||
	       write_case("compound", "cmp-b", "CMP-03", "x") || write_case("rpc", "rpc-a", "RPC-01", "x");
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t count(const struct select_opts *o, const char *must_have)
{
	const char *paths[] = {dir};
	struct case_set set;
	char *errors = NULL;
	size_t n;
	bool found = must_have == NULL;

	CU_ASSERT_EQUAL_FATAL(cases_load(paths, 1, &set, &errors), 0);
	free(errors);
	cases_select(&set, o);
	n = set.n;
	for (size_t i = 0; i < set.n; i++)
		found |= must_have && strcmp(set.cases[i].id, must_have) == 0;
	CU_ASSERT_TRUE(found);
	cases_free(&set);
	return n;
}

static void test_select(void)
{
	const char *replay[] = {"replay"}, *folder[] = {"rpc"}, *two[] = {"misorder", "x"};

	CU_ASSERT_EQUAL(count(&(struct select_opts){0}, NULL), 5);
	CU_ASSERT_EQUAL(count(&(struct select_opts){.tags = replay, .ntags = 1}, "cmp-a"), 2);
	/* a folder is a tag: rpc-a by folder, cmp-a by its own tag */
	CU_ASSERT_EQUAL(count(&(struct select_opts){.tags = folder, .ntags = 1}, "rpc-a"), 2);
	CU_ASSERT_EQUAL(count(&(struct select_opts){.tags = two, .ntags = 2}, "seq-b"), 3);
	CU_ASSERT_EQUAL(count(&(struct select_opts){.filter = "SEQ-*"}, "seq-b"), 2);
	CU_ASSERT_EQUAL(count(&(struct select_opts){.filter = "cmp-?"}, "cmp-b"), 2);
}

/* Shards partition the selection: every case in exactly one, sizes differ by at most one. */
static void test_shards(void)
{
	size_t total = 0;

	for (unsigned i = 1; i <= 3; i++) {
		size_t n = count(&(struct select_opts){.shard_index = i, .shard_count = 3}, NULL);
		CU_ASSERT(n == 1 || n == 2);
		total += n;
	}
	CU_ASSERT_EQUAL(total, 5);
	CU_ASSERT_EQUAL(count(&(struct select_opts){.shard_index = 1, .shard_count = 1}, NULL), 5);
}

static void test_duplicate_ids_and_missing_paths(void)
{
	const char *paths[] = {dir, "/nonexistent-nfs41"};
	struct case_set set;
	char *errors = NULL;

	CU_ASSERT_EQUAL_FATAL(write_case("dup", "seq-a", "SEQ-01", "x"), 0);
	CU_ASSERT_NOT_EQUAL(cases_load(paths, 2, &set, &errors), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	if (!errors)
		return;
	CU_ASSERT_PTR_NOT_NULL(strstr(errors, "/nonexistent-nfs41: No such file or directory"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errors, "case id 'seq-a' is also used by"));
	free(errors);
	cases_free(&set);
}

/* A case that needs nfs41refd's hooks: SKIP with a reason naming the options, never silent. */
static void test_hooks_skip(void)
{
	static const char text[] = "id: hk\ntitle: t\nrequirements: SES-12\nlevel: MUST\n"
				   "requires: hooks\n\nhook preset slot=0 seqid=0xffffffff\n";
	const char *paths[1], *without[] = {"hooks"};
	char path[64], err[256];
	struct case_set set;
	struct run_result r;
	char *errors = NULL;
	struct run_opts o = {.host = "127.0.0.1", .port = 1, .jobs = 1, .reply_timeout = 1,
			     .argv0 = "nfs41check"};

	REQUIRE(test_write_temp("nfs41-hook-case", text, path));
	paths[0] = path;
	REQUIRE(cases_load(paths, 1, &set, &errors) == 0);
	REQUIRE(run_cases(&set, &o, &r, err, sizeof(err)) == 0);
	REQUIRE(r.ncases == 1);
	CU_ASSERT_EQUAL(r.cases[0].verdict, VERDICT_SKIP);
	CU_ASSERT_STRING_EQUAL(r.cases[0].reason,
			       "needs nfs41refd test hooks (--admin HOST:PORT --admin-token FILE)");
	run_result_free(&r);
	o.without = without;
	o.nwithout = 1;
	REQUIRE(run_cases(&set, &o, &r, err, sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(r.cases[0].reason, "the server lacks 'hooks' (--without hooks)");
	run_result_free(&r);
	cases_free(&set);
	free(errors);
	unlink(path);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"select by tag, folder and glob", test_select},
		{"shards partition the cases", test_shards},
		{"duplicate ids and missing paths", test_duplicate_ids_and_missing_paths},
		{"hook cases skip without the admin API", test_hooks_skip},
		{NULL, NULL}};
	CU_pSuite s = CU_add_suite("runner selection", suite_init, suite_clean);

	for (const struct test_entry *t = tests; s && t->name; t++)
		CU_add_test(s, t->name, t->fn);
}
