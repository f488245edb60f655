/* coverage.c - builds the coverage model from the requirement index, each case's ids and the waivers. */
#include <stdlib.h>
#include <string.h>

#include "coverage.h"

static int case_cites(const struct case_result *c, const char *id)
{
	for (size_t k = 0; k < c->nrequirements; k++)
		if (c->requirements[k] && strcmp(c->requirements[k], id) == 0)
			return 1;
	return 0;
}

static int row_add_case(struct coverage_row *row, size_t idx)
{
	size_t *grown;

	if (row->ncases && row->cases[row->ncases - 1] == idx)
		return 0;
	grown = realloc(row->cases, (row->ncases + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	grown[row->ncases++] = idx;
	row->cases = grown;
	return 0;
}

/* Cases citing row->id, in run order. */
static int row_collect(struct coverage_row *row, const struct run_result *r)
{
	for (size_t i = 0; i < r->ncases; i++)
		if (case_cites(&r->cases[i], row->id) && row_add_case(row, i) != 0)
			return -1;
	return 0;
}

static int has_row(const struct coverage_row *rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].id, id) == 0)
			return 1;
	return 0;
}

/* Every id a case cites that has no row yet becomes a row after the n indexed ones. */
static size_t add_unindexed(struct coverage_row *rows, size_t n, const struct run_result *r)
{
	for (size_t i = 0; i < r->ncases; i++) {
		const struct case_result *c = &r->cases[i];

		for (size_t k = 0; k < c->nrequirements; k++) {
			const char *id = c->requirements[k];

			if (id && !has_row(rows, n, id))
				rows[n++] = (struct coverage_row){.id = id};
		}
	}
	return n;
}

/* Room for the index plus every id the cases cite. */
static size_t max_rows(const struct run_result *r)
{
	size_t n = r->nrequirements;

	for (size_t i = 0; i < r->ncases; i++)
		n += r->cases[i].nrequirements;
	return n;
}

static const struct waiver *find_waiver(const struct run_result *r, const char *id)
{
	for (size_t i = 0; r->waivers && i < r->nwaivers; i++)
		if (r->waivers[i].id && strcmp(r->waivers[i].id, id) == 0)
			return &r->waivers[i];
	return NULL;
}

static int fill_rows(struct coverage *cov, const struct run_result *r)
{
	size_t cap = max_rows(r), n = 0;
	struct coverage_row *rows;

	if (cap == 0)
		return 0;
	rows = calloc(cap, sizeof(*rows));
	if (!rows)
		return -1;
	for (; n < r->nrequirements; n++) {
		const struct requirement *q = &r->requirements[n];

		rows[n] = (struct coverage_row){.id = q->id ? q->id : "", .req = q};
		rows[n].waiver = find_waiver(r, rows[n].id);
	}
	cov->nindexed = n;
	cov->nrows = add_unindexed(rows, n, r);
	cov->rows = rows;
	for (size_t i = 0; i < cov->nrows; i++)
		if (row_collect(&rows[i], r) != 0)
			return -1;
	return 0;
}

int coverage_build(const struct run_result *r, struct coverage *cov)
{
	*cov = (struct coverage){0};
	if (fill_rows(cov, r) == 0)
		return 0;
	coverage_free(cov);
	return -1;
}

void coverage_free(struct coverage *cov)
{
	for (size_t i = 0; cov->rows && i < cov->nrows; i++)
		free(cov->rows[i].cases);
	free(cov->rows);
	memset(cov, 0, sizeof(*cov));
}

enum coverage_status coverage_row_status(const struct coverage_row *row)
{
	const char *level = row->req ? row->req->level : NULL;

	if (!row->req)
		return COVERAGE_UNINDEXED;
	if (row->ncases)
		return COVERAGE_COVERED;
	if (requirement_is_must(level)) /* RFC "MUST": a waiver never stands in for a case */
		return COVERAGE_UNCOVERED_MUST;
	if (row->waiver)
		return COVERAGE_WAIVED;
	return requirement_is_should(level) ? COVERAGE_UNCOVERED_SHOULD : COVERAGE_OPTIONAL;
}

const char *coverage_status_name(enum coverage_status s)
{
	static const char *const names[COVERAGE_STATUS_COUNT] = {
		[COVERAGE_COVERED] = "covered",
		[COVERAGE_WAIVED] = "waived",
		[COVERAGE_UNCOVERED_MUST] = "uncovered",
		[COVERAGE_UNCOVERED_SHOULD] = "uncovered",
		[COVERAGE_OPTIONAL] = "optional",
		[COVERAGE_UNINDEXED] = "unindexed",
	};

	return (unsigned)s < COVERAGE_STATUS_COUNT ? names[s] : "?";
}

size_t coverage_count(const struct coverage *cov, enum coverage_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < cov->nrows; i++)
		n += coverage_row_status(&cov->rows[i]) == s;
	return n;
}

size_t coverage_count_failing(const struct coverage *cov)
{
	return coverage_count(cov, COVERAGE_UNCOVERED_MUST) +
	       coverage_count(cov, COVERAGE_UNCOVERED_SHOULD);
}

int coverage_row_uncovered_must(const struct coverage_row *row)
{
	return coverage_row_status(row) == COVERAGE_UNCOVERED_MUST;
}

size_t coverage_count_uncovered_must(const struct coverage *cov)
{
	return coverage_count(cov, COVERAGE_UNCOVERED_MUST);
}

size_t coverage_count_covered(const struct coverage *cov)
{
	size_t n = 0;

	for (size_t i = 0; i < cov->nindexed; i++)
		n += cov->rows[i].ncases != 0;
	return n;
}

int coverage_row_unused_waiver(const struct coverage_row *row)
{
	return row->waiver && row->ncases;
}

size_t coverage_count_unused_waivers(const struct coverage *cov)
{
	size_t n = 0;

	for (size_t i = 0; i < cov->nindexed; i++)
		n += coverage_row_unused_waiver(&cov->rows[i]) != 0;
	return n;
}
