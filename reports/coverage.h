/* coverage.h - the requirement coverage model: which cases cite each requirement id. */
#ifndef NFS41_REPORTS_COVERAGE_H
#define NFS41_REPORTS_COVERAGE_H

#include <stddef.h>

#include "result.h"

struct coverage_row {
	const char *id;
	const struct requirement *req; /* NULL: cited by a case but absent from the index */
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
/* A MUST / MUST NOT requirement of the index that no case cites. */
int coverage_row_uncovered_must(const struct coverage_row *row);
size_t coverage_count_uncovered_must(const struct coverage *cov);
size_t coverage_count_covered(const struct coverage *cov);

#endif
