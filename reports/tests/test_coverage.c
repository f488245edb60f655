/* test_coverage.c - the coverage matrix in JSON and Markdown: rows, verdicts, uncovered MUSTs. */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

static json_t *row_by_id(json_t *rows, const char *id)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row) if (strcmp(json_string_value(json_object_get(row, "id")),
						    id) == 0) return row;
	return NULL;
}

static void test_json_uncovered_must(void)
{
	char *text = sample_render(report_write_coverage_json, "coverage.json");
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *un;

	REQUIRE_PTR(doc);
	un = json_object_get(doc, "uncovered_must");
	CU_ASSERT_EQUAL_FATAL(json_array_size(un), sample_nuncovered_must);
	for (size_t i = 0; i < sample_nuncovered_must; i++)
		CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(un, i)),
				       sample_uncovered_must[i]);
	CU_ASSERT_EQUAL(json_integer_value(
				json_object_get(json_object_get(doc, "totals"), "uncovered_must")),
			(json_int_t)sample_nuncovered_must);
	json_decref(doc);
	free(text);
}

static void test_json_rows(void)
{
	char *text = sample_render(report_write_coverage_json, "coverage.json");
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *rows, *dst, *cases;

	REQUIRE_PTR(doc);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "schema")),
			       "nfs41check-coverage/1");
	rows = json_object_get(doc, "requirements");
	CU_ASSERT_EQUAL(json_array_size(rows), SAMPLE_REQUIREMENTS);
	dst = row_by_id(rows, "DST-01");
	REQUIRE_PTR(dst);
	cases = json_object_get(dst, "cases");
	CU_ASSERT_EQUAL_FATAL(json_array_size(cases), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(cases, 0), "id")),
			       "dst-01");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_array_get(cases, 1), "verdict")), "XPASS");
	CU_ASSERT_EQUAL(
		json_integer_value(json_object_get(json_object_get(dst, "verdicts"), "SKIP")), 1);
	CU_ASSERT_TRUE(json_is_true(json_object_get(dst, "must")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(row_by_id(rows, "SEQ-10"), "cases")), 0);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "unindexed")), SAMPLE_UNINDEXED);
	CU_ASSERT_PTR_NOT_NULL(row_by_id(json_object_get(doc, "unindexed"), "UNK-99"));
	json_decref(doc);
	free(text);
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += strncmp(l, prefix, len) == 0;
	return n;
}

static void test_markdown(void)
{
	char *md = sample_render(report_write_coverage_md, "coverage.md");
	const char *list;

	REQUIRE_PTR(md);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| id | level | section | title | cases (verdicts) |\n"
					  "| --- | --- | --- | --- | --- |\n"));
	/* A header, the separator, one row per index line and per unindexed id. */
	CU_ASSERT_EQUAL(count_lines_starting(md, "| "), 2 + SAMPLE_REQUIREMENTS + SAMPLE_UNINDEXED);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| DST-01 | MUST | §18.37.3 | DESTROY\\_SESSION on an "
					  "unknown session gets BADSESSION | dst-01 (SKIP), "
					  "dst-03 (XPASS) |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| SEQ-10 | SHOULD | §2.10.6.1 | the server should "
					  "signal a shrinking slot table | none |\n"));
	/* Pipes, backticks, tags and ampersands cannot break the table or form markup. */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "a \\`pipe\\` \\| here"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "\\<b\\>atomically\\</b\\> \\& fully"));
	list = strstr(md, "## MUST-class requirements with no case (3)\n");
	REQUIRE_PTR(list);
	CU_ASSERT_EQUAL(count_lines_starting(list, "- "), sample_nuncovered_must);
	for (size_t i = 0; i < sample_nuncovered_must; i++) {
		char want[32];

		snprintf(want, sizeof(want), "\n- %s (", sample_uncovered_must[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(list, want));
	}
	free(md);
}

void tests_register(void)
{
	static const struct test_entry coverage[] = {
		{"JSON: uncovered MUST ids", test_json_uncovered_must},
		{"JSON: rows and verdicts", test_json_rows},
		{"Markdown table and list", test_markdown},
		{NULL, NULL},
	};

	tests_add_suite("coverage", coverage);
}
