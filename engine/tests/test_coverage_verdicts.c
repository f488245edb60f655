/* test_coverage_verdicts.c - coverage verdicts with waivers: covered, waived, uncovered, unused. */
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "test_main.h"
#include "waivers.h"

/* One row per verdict the model can give; the comment says which. */
static const struct requirement index_rows[] = {
	{ "SEQ-01", "MUST", "s", "covered MUST" },                /* covered */
	{ "SEQ-02", "MUST NOT", "s", "uncovered MUST NOT" },      /* uncovered (MUST) */
	{ "SEQ-03", "MUST", "s", "MUST with a waiver" },          /* uncovered: never waived */
	{ "SEQ-04", "SHOULD", "s", "waived SHOULD" },             /* waived */
	{ "SEQ-05", "SHOULD NOT", "s", "uncovered SHOULD NOT" },  /* uncovered (SHOULD) */
	{ "SEQ-06", "SHOULD", "s", "covered and waived" },        /* covered, unused waiver */
	{ "SEQ-07", "MAY", "s", "MAY, nothing" },                 /* optional */
	{ "SEQ-08", "MAY", "s", "MAY with a waiver" },            /* waived */
	{ "SEQ-09", "SHOULD", "s", "covered SHOULD" },            /* covered */
};
#define NROWS (sizeof(index_rows) / sizeof(index_rows[0]))

/* SEQ-03's waiver cannot come from a file (the parser refuses it): the model must still refuse. */
static const struct waiver waivers[] = {
	{ "SEQ-03", "a MUST slipped in", 1 },
	{ "SEQ-04", "not observable", 2 },
	{ "SEQ-06", "stale", 3 },
	{ "SEQ-08", "a MAY waived", 4 },
	{ "NOT-01", "an id the index lacks: ignored", 5 },
};

static char *case_ids[][3] = {
	{ "SEQ-01", "SEQ-06", NULL },
	{ "SEQ-09", "SEQ-01", "UNK-99" }, /* UNK-99: cited, not indexed */
};

static void fill(struct run_result *r, struct case_result cases[2], size_t nwaivers)
{
	memset(cases, 0, 2 * sizeof(cases[0]));
	cases[0] = (struct case_result){ .id = "c0", .requirements = case_ids[0], .nrequirements = 2 };
	cases[1] = (struct case_result){ .id = "c1", .requirements = case_ids[1], .nrequirements = 3 };
	*r = (struct run_result){ .cases = cases, .ncases = 2, .requirements = index_rows,
				  .nrequirements = NROWS, .waivers = waivers, .nwaivers = nwaivers };
}

static const struct coverage_row *row(const struct coverage *cov, const char *id)
{
	for (size_t i = 0; i < cov->nrows; i++)
		if (strcmp(cov->rows[i].id, id) == 0)
			return &cov->rows[i];
	return NULL;
}

static enum coverage_status status(const struct coverage *cov, const char *id)
{
	const struct coverage_row *w = row(cov, id);

	return w ? coverage_row_status(w) : COVERAGE_STATUS_COUNT;
}

static void test_verdicts(void)
{
	struct run_result r;
	struct case_result cases[2];
	struct coverage cov;

	fill(&r, cases, sizeof(waivers) / sizeof(waivers[0]));
	REQUIRE(coverage_build(&r, &cov) == 0);
	CU_ASSERT_EQUAL(cov.nindexed, NROWS);
	CU_ASSERT_EQUAL(cov.nrows, NROWS + 1);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-01"), COVERAGE_COVERED);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-02"), COVERAGE_UNCOVERED_MUST);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-03"), COVERAGE_UNCOVERED_MUST);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-04"), COVERAGE_WAIVED);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-05"), COVERAGE_UNCOVERED_SHOULD);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-06"), COVERAGE_COVERED);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-07"), COVERAGE_OPTIONAL);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-08"), COVERAGE_WAIVED);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-09"), COVERAGE_COVERED);
	CU_ASSERT_EQUAL(status(&cov, "UNK-99"), COVERAGE_UNINDEXED);
	CU_ASSERT_STRING_EQUAL(row(&cov, "SEQ-04")->waiver->reason, "not observable");
	CU_ASSERT_EQUAL(row(&cov, "SEQ-01")->ncases, 2);
	coverage_free(&cov);
}

static void test_counts(void)
{
	struct run_result r;
	struct case_result cases[2];
	struct coverage cov;

	fill(&r, cases, sizeof(waivers) / sizeof(waivers[0]));
	REQUIRE(coverage_build(&r, &cov) == 0);
	CU_ASSERT_EQUAL(coverage_count_covered(&cov), 3);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_COVERED), 3);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_WAIVED), 2);
	CU_ASSERT_EQUAL(coverage_count_uncovered_must(&cov), 2);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_UNCOVERED_SHOULD), 1);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_OPTIONAL), 1);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_UNINDEXED), 1);
	CU_ASSERT_EQUAL(coverage_count_failing(&cov), 3);
	CU_ASSERT_EQUAL(coverage_count_unused_waivers(&cov), 1);
	CU_ASSERT_TRUE(coverage_row_unused_waiver(row(&cov, "SEQ-06")));
	CU_ASSERT_FALSE(coverage_row_unused_waiver(row(&cov, "SEQ-04")));
	coverage_free(&cov);
}

/* Without waivers every SHOULD-class row with no case is uncovered, and MAY rows stay optional. */
static void test_no_waivers(void)
{
	struct run_result r;
	struct case_result cases[2];
	struct coverage cov;

	fill(&r, cases, 0);
	r.waivers = NULL;
	REQUIRE(coverage_build(&r, &cov) == 0);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-04"), COVERAGE_UNCOVERED_SHOULD);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-08"), COVERAGE_OPTIONAL);
	CU_ASSERT_EQUAL(coverage_count(&cov, COVERAGE_WAIVED), 0);
	CU_ASSERT_EQUAL(coverage_count_failing(&cov), 4);
	CU_ASSERT_EQUAL(coverage_count_unused_waivers(&cov), 0);
	coverage_free(&cov);
}

/* The parser and the model together: a parsed file waives exactly its ids. */
static void test_parsed_waivers(void)
{
	static const char text[] = "# c\nSEQ-05\tneeds two servers\nSEQ-09\tstale now\n";
	struct waiver_set w;
	struct run_result r;
	struct case_result cases[2];
	struct coverage cov;
	char err[256] = "";

	REQUIRE(waivers_parse(text, strlen(text), "w.tsv", index_rows, NROWS, &w, err,
			      sizeof(err)) == 0);
	fill(&r, cases, w.n);
	r.waivers = w.v;
	REQUIRE(coverage_build(&r, &cov) == 0);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-05"), COVERAGE_WAIVED);
	CU_ASSERT_EQUAL(status(&cov, "SEQ-04"), COVERAGE_UNCOVERED_SHOULD);
	CU_ASSERT_EQUAL(row(&cov, "SEQ-09")->waiver->line, 3);
	CU_ASSERT_EQUAL(coverage_count_unused_waivers(&cov), 1);
	coverage_free(&cov);
	waivers_free(&w);
}

static void test_status_names(void)
{
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_COVERED), "covered");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_WAIVED), "waived");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_UNCOVERED_MUST), "uncovered");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_UNCOVERED_SHOULD), "uncovered");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_OPTIONAL), "optional");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_UNINDEXED), "unindexed");
	CU_ASSERT_STRING_EQUAL(coverage_status_name(COVERAGE_STATUS_COUNT), "?");
}

void tests_register(void)
{
	static const struct test_entry verdicts[] = {
		{ "one row per verdict", test_verdicts },
		{ "counts, failing rows, unused waivers", test_counts },
		{ "no waivers", test_no_waivers },
		{ "parsed waivers in the model", test_parsed_waivers },
		{ "status names", test_status_names },
		{ NULL, NULL },
	};

	tests_add_suite("coverage verdicts", verdicts);
}
