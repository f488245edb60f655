/* test_coverage.c - the coverage matrix in JSON and Markdown: rows, verdicts, uncovered ids, waivers. */
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

static void test_json_waivers(void)
{
	char *text = sample_render(report_write_coverage_json, "coverage.json");
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *rows, *totals, *un, *unused;

	REQUIRE_PTR(doc);
	rows = json_object_get(doc, "requirements");
	totals = json_object_get(doc, "totals");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row_by_id(rows, "RC-02"), "status")),
			       "waived");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row_by_id(rows, "RC-02"), "waiver")),
			       "needs a <b>server restart</b> | `not` & observable");
	CU_ASSERT_TRUE(json_is_null(json_object_get(row_by_id(rows, "SEQ-10"), "waiver")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row_by_id(rows, "SEQ-10"), "status")),
			       "uncovered");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row_by_id(rows, "DST-02"), "status")),
			       "covered");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row_by_id(rows, "SES-03"), "status")),
			       "covered");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(row_by_id(rows, "LEASE-01"), "status")), "optional");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(totals, "should")), 4);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(totals, "uncovered_should")),
			(json_int_t)sample_nuncovered_should);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(totals, "waived")), SAMPLE_WAIVED);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(totals, "unused_waivers")), 1);
	un = json_object_get(doc, "uncovered_should");
	CU_ASSERT_EQUAL_FATAL(json_array_size(un), sample_nuncovered_should);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(un, 0)), sample_uncovered_should[0]);
	unused = json_object_get(doc, "unused_waivers");
	CU_ASSERT_EQUAL_FATAL(json_array_size(unused), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(unused, 0), "id")),
			       "DST-02");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(unused, 0), "line")), 7);
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
	for (size_t i = 0; i < sample_nuncovered_must; i++) {
		char want[32];

		snprintf(want, sizeof(want), "\n- %s (", sample_uncovered_must[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(list, want));
	}
	/* Then the SHOULD-class list and the unused waivers: one item each. */
	CU_ASSERT_EQUAL(count_lines_starting(list, "- "),
			sample_nuncovered_must + sample_nuncovered_should + 1);
	free(md);
}

static void test_markdown_waivers(void)
{
	char *md = sample_render(report_write_coverage_md, "coverage.md");
	const char *list;

	REQUIRE_PTR(md);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| RC-02 | SHOULD NOT | §18.51.4 | no reclaim after "
					  "RECLAIM\\_COMPLETE | waived: needs a \\<b\\>server "
					  "restart\\</b\\> \\| \\`not\\` \\& observable |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "MUST-class without a case: 3; SHOULD-class with neither "
					  "a case nor a waiver: 1; waived: 1;"));
	list = strstr(md, "## SHOULD-class requirements with neither a case nor a waiver (1)\n\n"
			  "- SEQ-10 (SHOULD, §2.10.6.1): the server should signal a shrinking "
			  "slot table\n");
	CU_ASSERT_PTR_NOT_NULL(list);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "## Unused waivers: these ids have a case (1)\n\n"
					  "- line 7: DST-02: stale: a case cites it\n"));
	free(md);
}

void tests_register(void)
{
	static const struct test_entry coverage[] = {
		{"JSON: uncovered MUST ids", test_json_uncovered_must},
		{"JSON: rows and verdicts", test_json_rows},
		{"JSON: waivers, SHOULD-class totals, unused waivers", test_json_waivers},
		{"Markdown table and list", test_markdown},
		{"Markdown waivers and SHOULD-class list", test_markdown_waivers},
		{NULL, NULL},
	};

	tests_add_suite("coverage", coverage);
}
