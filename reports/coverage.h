/*
 * coverage.h - the requirement coverage model: which cases cite each requirement id, which
 * ids a waiver excuses, and the verdict of each row.
 *
 * Verdicts: a row a case cites is covered; otherwise a MUST / MUST NOT row is uncovered, a
 * SHOULD / SHOULD NOT row is waived when run_result.waivers has its id and uncovered when not,
 * and a MAY row needs nothing. A waiver never excuses a MUST-class row. A waiver whose id a
 * case cites is "unused": the case wins, and the waiver is stale.
 */
#ifndef NFS41_REPORTS_COVERAGE_H
#define NFS41_REPORTS_COVERAGE_H

#include <stddef.h>

#include "result.h"

enum coverage_status {
	COVERAGE_COVERED,          /* at least one case cites it */
	COVERAGE_WAIVED,           /* SHOULD-class (or MAY) with no case; a waiver says why */
	COVERAGE_UNCOVERED_MUST,   /* MUST / MUST NOT with no case */
	COVERAGE_UNCOVERED_SHOULD, /* SHOULD / SHOULD NOT with neither a case nor a waiver */
	COVERAGE_OPTIONAL,         /* MAY with no case and no waiver: none is needed */
	COVERAGE_UNINDEXED,        /* cited by a case but absent from the index */
	COVERAGE_STATUS_COUNT
};

struct coverage_row {
	const char *id;
	const struct requirement *req; /* NULL: cited by a case but absent from the index */
	const struct waiver *waiver;   /* the waiver for this id, or NULL */
	size_t *cases;                 /* indices into run_result.cases, in run order */
	size_t ncases;
};

struct coverage {
	struct coverage_row *rows; /* the index in its order, then the unindexed ids */
	size_t nrows;
	size_t nindexed; /* rows[0 .. nindexed) come from the index */
};

/* 0, or -1 when out of memory (cov then holds nothing). */
int coverage_build(const struct run_result *r, struct coverage *cov);
void coverage_free(struct coverage *cov);

/* The verdict of one row (see the top of this file). */
enum coverage_status coverage_row_status(const struct coverage_row *row);
/* "covered", "waived", "uncovered" (both uncovered kinds), "optional", "unindexed". */
const char *coverage_status_name(enum coverage_status s);
/* Rows with this verdict. */
size_t coverage_count(const struct coverage *cov, enum coverage_status s);
/* Rows whose verdict fails the gate: MUST-class with no case, SHOULD-class with neither. */
size_t coverage_count_failing(const struct coverage *cov);

/* A MUST / MUST NOT requirement of the index that no case cites. */
int coverage_row_uncovered_must(const struct coverage_row *row);
size_t coverage_count_uncovered_must(const struct coverage *cov);
/* Index rows that at least one case cites. */
size_t coverage_count_covered(const struct coverage *cov);

/* A row with a waiver although a case cites it: the waiver is stale. */
int coverage_row_unused_waiver(const struct coverage_row *row);
size_t coverage_count_unused_waivers(const struct coverage *cov);

#endif
