/* coverage_json.c - the coverage matrix as JSON (schema: reports/JSON.md). */
#include "coverage.h"
#include "json_util.h"
#include "report_util.h"
#include "reports.h"

#define COVERAGE_SCHEMA "nfs41check-coverage/1"

static json_t *append_or_drop(json_t *a, json_t *built)
{
	if (json_array_append_new(a, built) == 0)
		return a;
	json_decref(a);
	return NULL;
}

static json_t *row_cases(const struct coverage_row *row, const struct run_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < row->ncases; i++) {
		const struct case_result *c = &r->cases[row->cases[i]];

		a = append_or_drop(a, json_pack("{s:o, s:s}", "id", json_text(c->id), "verdict",
						verdict_name(c->verdict)));
	}
	return a;
}

static json_t *row_verdicts(const struct coverage_row *row, const struct run_result *r)
{
	size_t counts[VERDICT_COUNT] = {0};
	json_t *o = json_object();

	for (size_t i = 0; i < row->ncases; i++) {
		enum verdict v = r->cases[row->cases[i]].verdict;

		if ((unsigned)v < VERDICT_COUNT)
			counts[v]++;
	}
	for (int v = 0; o && v < VERDICT_COUNT; v++) {
		if (json_object_set_new(o, verdict_name((enum verdict)v),
					json_integer((json_int_t)counts[v])) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static json_t *indexed_row(const struct coverage_row *row, const struct run_result *r)
{
	const struct requirement *q = row->req;

	return json_pack("{s:o, s:o, s:o, s:o, s:b, s:s, s:o, s:o, s:o}", "id", json_text(row->id),
			 "level", json_text(q->level), "section", json_text(q->section), "title",
			 json_text(q->title), "must", requirement_is_must(q->level), "status",
			 coverage_status_name(coverage_row_status(row)), "waiver",
			 json_text(row->waiver ? row->waiver->reason : NULL), "cases",
			 row_cases(row, r), "verdicts", row_verdicts(row, r));
}

static json_t *unindexed_row(const struct coverage_row *row, const struct run_result *r)
{
	return json_pack("{s:o, s:o}", "id", json_text(row->id), "cases", row_cases(row, r));
}

static json_t *rows_json(const struct coverage *cov, const struct run_result *r, int indexed)
{
	size_t from = indexed ? 0 : cov->nindexed, to = indexed ? cov->nindexed : cov->nrows;
	json_t *a = json_array();

	for (size_t i = from; a && i < to; i++) {
		const struct coverage_row *row = &cov->rows[i];

		a = append_or_drop(a, indexed ? indexed_row(row, r) : unindexed_row(row, r));
	}
	return a;
}

/* The ids of the index rows with verdict s, in index order. */
static json_t *ids_with_status(const struct coverage *cov, enum coverage_status s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cov->nindexed; i++)
		if (coverage_row_status(&cov->rows[i]) == s)
			a = append_or_drop(a, json_text(cov->rows[i].id));
	return a;
}

static json_t *waiver_json(const struct waiver *w)
{
	return json_pack("{s:o, s:o, s:I}", "id", json_text(w->id), "reason", json_text(w->reason),
			 "line", (json_int_t)w->line);
}

static json_t *unused_waivers_json(const struct coverage *cov)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cov->nindexed; i++)
		if (coverage_row_unused_waiver(&cov->rows[i]))
			a = append_or_drop(a, waiver_json(cov->rows[i].waiver));
	return a;
}

static json_t *totals_json(const struct coverage *cov)
{
	size_t must = 0, should = 0;

	for (size_t i = 0; i < cov->nindexed; i++) {
		must += requirement_is_must(cov->rows[i].req->level) != 0;
		should += requirement_is_should(cov->rows[i].req->level) != 0;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "requirements",
			 (json_int_t)cov->nindexed, "covered",
			 (json_int_t)coverage_count_covered(cov), "must", (json_int_t)must,
			 "uncovered_must", (json_int_t)coverage_count_uncovered_must(cov),
			 "should", (json_int_t)should, "uncovered_should",
			 (json_int_t)coverage_count(cov, COVERAGE_UNCOVERED_SHOULD), "waived",
			 (json_int_t)coverage_count(cov, COVERAGE_WAIVED), "unused_waivers",
			 (json_int_t)coverage_count_unused_waivers(cov), "unindexed",
			 (json_int_t)(cov->nrows - cov->nindexed));
}

static json_t *coverage_json(const struct coverage *cov, const struct run_result *r)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "schema", COVERAGE_SCHEMA,
			 "totals", totals_json(cov), "requirements", rows_json(cov, r, 1),
			 "uncovered_must", ids_with_status(cov, COVERAGE_UNCOVERED_MUST),
			 "uncovered_should", ids_with_status(cov, COVERAGE_UNCOVERED_SHOULD),
			 "unused_waivers", unused_waivers_json(cov), "unindexed",
			 rows_json(cov, r, 0));
}

int report_write_coverage_json(const struct run_result *r, const char *path, char *err,
			       size_t errlen)
{
	struct coverage cov;
	int rc;

	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	if (coverage_build(r, &cov) != 0) {
		report_error(err, errlen, "%s: out of memory building the coverage", path);
		return -1;
	}
	rc = json_save(coverage_json(&cov, r), path, err, errlen);
	coverage_free(&cov);
	return rc;
}
