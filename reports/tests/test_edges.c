/* test_edges.c - every writer on failing outputs (no directory, a full device), on an empty run. */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

typedef int (*writer_fn)(const struct run_result *, const char *, char *, size_t);

static const struct {
	const char *name;
	writer_fn write;
} writers[] = {
	{"junit.xml", report_write_junit},         {"results.tap", report_write_tap},
	{"run.json", report_write_json},           {"coverage.json", report_write_coverage_json},
	{"coverage.md", report_write_coverage_md}, {"report.html", report_write_html},
};
#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

static void test_missing_directory(void)
{
	struct run_result r;

	sample_run(&r);
	for (size_t i = 0; i < NWRITERS; i++) {
		char err[256] = "",
		     *path = tmpdir_file("/nonexistent-nfs41check-dir", writers[i].name);

		CU_ASSERT_EQUAL(writers[i].write(&r, path, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file or directory"));
		free(path);
	}
	run_result_free(&r);
}

/* Writes that fail (ENOSPC) are reported, and the device is left alone. */
static void test_full_device(void)
{
	struct run_result r;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat("/dev/full", &st), 0);
	sample_run(&r);
	for (size_t i = 0; i < NWRITERS; i++) {
		char err[256] = "";

		CU_ASSERT_EQUAL(writers[i].write(&r, "/dev/full", err, sizeof(err)), -1);
		CU_ASSERT_EQUAL(strncmp(err, "/dev/full: ", 11), 0);
		CU_ASSERT_EQUAL(stat("/dev/full", &st), 0);
		CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
	}
	run_result_free(&r);
}

static void test_bad_arguments(void)
{
	struct run_result r = {0};

	for (size_t i = 0; i < NWRITERS; i++) {
		char err[64] = "";

		CU_ASSERT_EQUAL(writers[i].write(NULL, "x", err, sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, "no run result");
		CU_ASSERT_EQUAL(writers[i].write(&r, "", err, sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, "no output path");
		CU_ASSERT_EQUAL(writers[i].write(&r, NULL, NULL, 0), -1);
	}
}

/* An empty run (nothing ran, no index, no strings) renders everywhere. */
static void test_empty_run(void)
{
	struct run_result r = {0};
	char *dir = tmpdir_make();

	REQUIRE_PTR(dir);
	for (size_t i = 0; i < NWRITERS; i++) {
		char err[256] = "", *path = tmpdir_file(dir, writers[i].name);
		size_t len = 0;
		char *text;

		CU_ASSERT_EQUAL(writers[i].write(&r, path, err, sizeof(err)), 0);
		text = slurp(path, &len);
		CU_ASSERT_PTR_NOT_NULL(text);
		CU_ASSERT(len > 0);
		free(text);
		free(path);
	}
	{
		char *path = tmpdir_file(dir, "run.json");
		json_t *doc = json_load_file(path, 0, NULL);

		CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "cases")), 0);
		CU_ASSERT_TRUE(json_is_null(json_object_get(doc, "target")));
		json_decref(doc);
		free(path);
	}
	tmpdir_remove(dir);
}

void tests_register(void)
{
	static const struct test_entry edges[] = {
		{"missing directory", test_missing_directory},
		{"full device", test_full_device},
		{"bad arguments", test_bad_arguments},
		{"empty run", test_empty_run},
		{NULL, NULL},
	};

	tests_add_suite("edges", edges);
}
