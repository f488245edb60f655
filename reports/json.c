/* json.c - the whole run as one JSON document (schema: reports/JSON.md). */
#include "json_util.h"
#include "report_util.h"
#include "reports.h"

#define RUN_SCHEMA "nfs41check-run/1"

static json_t *step_json(const struct step_result *s)
{
	return json_pack("{s:I, s:o, s:s, s:o, s:o, s:o}", "line", (json_int_t)s->line, "source",
			 json_text(s->source), "verdict", verdict_name(s->verdict), "message",
			 json_text(s->message), "observed", json_text(s->observed), "elapsed",
			 json_seconds(s->elapsed));
}

static json_t *slot_value(const struct ladder_event *e, uint32_t v)
{
	return e->has_slot ? json_integer((json_int_t)v) : json_null();
}

static json_t *event_json(const struct ladder_event *e)
{
	return json_pack("{s:o, s:o, s:s, s:b, s:I, s:b, s:o, s:o, s:o, s:o, s:b}", "t",
			 json_seconds(e->t), "conn", json_text(e->conn), "direction",
			 e->from_server ? "reply" : "call", "from_server", e->from_server != 0,
			 "xid", (json_int_t)e->xid, "has_slot", e->has_slot != 0, "slot",
			 slot_value(e, e->slot), "seqid", slot_value(e, e->seqid), "summary",
			 json_text(e->summary), "detail", json_text(e->detail), "error",
			 ladder_event_is_error(e));
}

/* Append built (taking the reference); on failure drop the whole array. */
static json_t *append_or_drop(json_t *a, json_t *built)
{
	if (json_array_append_new(a, built) == 0)
		return a;
	json_decref(a);
	return NULL;
}

static json_t *steps_json(const struct case_result *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->nsteps; i++)
		a = append_or_drop(a, step_json(&c->steps[i]));
	return a;
}

static json_t *events_json(const struct case_result *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->nevents; i++)
		a = append_or_drop(a, event_json(&c->events[i]));
	return a;
}

static json_t *case_json(const struct case_result *c)
{
	return json_pack(
		"{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, "
		"s:o, s:o}",
		"id", json_text(c->id), "title", json_text(c->title), "file", json_text(c->file),
		"group", json_text(c->group), "level", json_text(c->level), "requirements",
		json_text_array(c->requirements, c->nrequirements), "tags",
		json_text_array(c->tags, c->ntags), "verdict", verdict_name(c->verdict),
		"raw_verdict", verdict_name(c->raw_verdict), "reason", json_text(c->reason),
		"rfc_section", json_text(c->rfc_section), "repro", json_text(c->repro), "elapsed",
		json_seconds(c->elapsed), "steps", steps_json(c), "ladder", events_json(c));
}

static json_t *cases_json(const struct run_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->ncases; i++)
		a = append_or_drop(a, case_json(&r->cases[i]));
	return a;
}

static json_t *counts_json(const struct run_result *r)
{
	size_t counts[VERDICT_COUNT];
	json_t *o = json_object();

	run_result_count(r, counts);
	for (int v = 0; o && v < VERDICT_COUNT; v++) {
		if (json_object_set_new(o, verdict_name((enum verdict)v),
					json_integer((json_int_t)counts[v])) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *totals_json(const struct run_result *r)
{
	struct verdict_totals t;

	run_result_totals(r, &t);
	return json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)r->ncases, "passed",
			 (json_int_t)t.passed, "failed", (json_int_t)t.failed, "skipped",
			 (json_int_t)t.skipped);
}

static json_t *run_json(const struct run_result *r)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:o, s:b, s:o, s:o, s:o}", "schema",
			 RUN_SCHEMA, "tool_version", json_text(r->tool_version), "target",
			 json_text(r->target), "started", json_text(r->started), "elapsed",
			 json_seconds(r->elapsed), "jobs", (json_int_t)r->jobs, "baseline",
			 json_text(r->baseline), "interrupted", r->interrupted != 0, "counts",
			 counts_json(r), "totals", totals_json(r), "cases", cases_json(r));
}

int report_write_json(const struct run_result *r, const char *path, char *err, size_t errlen)
{
	if (report_check_args(r, path, err, errlen) != 0)
		return -1;
	return json_save(run_json(r), path, err, errlen);
}
