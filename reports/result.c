/* result.c - the run-result model's verdict names, counts and destructors. */
#include <stdlib.h>
#include <string.h>

#include "result.h"

static const char *const verdict_names[VERDICT_COUNT] = {
	[VERDICT_PASS] = "PASS",   [VERDICT_FAIL] = "FAIL", [VERDICT_XFAIL] = "XFAIL",
	[VERDICT_XPASS] = "XPASS", [VERDICT_SKIP] = "SKIP", [VERDICT_ERROR] = "ERROR",
};

const char *verdict_name(enum verdict v)
{
	if ((unsigned)v >= VERDICT_COUNT)
		return "UNKNOWN";
	return verdict_names[v];
}

void run_result_count(const struct run_result *r, size_t counts[VERDICT_COUNT])
{
	memset(counts, 0, sizeof(counts[0]) * VERDICT_COUNT);
	if (!r)
		return;
	for (size_t i = 0; i < r->ncases; i++) {
		enum verdict v = r->cases[i].verdict;

		if ((unsigned)v < VERDICT_COUNT)
			counts[v]++;
	}
}

/* MUST-class is exactly "MUST" or "MUST NOT", as the requirement index writes them. */
int requirement_is_must(const char *level)
{
	return level && (strcmp(level, "MUST") == 0 || strcmp(level, "MUST NOT") == 0);
}

int requirement_is_should(const char *level)
{
	return level && (strcmp(level, "SHOULD") == 0 || strcmp(level, "SHOULD NOT") == 0);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void step_result_free(struct step_result *s)
{
	free(s->source);
	free(s->message);
	free(s->observed);
}

static void ladder_event_free(struct ladder_event *e)
{
	free(e->conn);
	free(e->summary);
	free(e->detail);
}

/* Frees what c owns (not c itself: cases live in an array) and zeroes it. */
void case_result_free(struct case_result *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->title);
	free(c->file);
	free(c->group);
	free(c->level);
	free_strings(c->requirements, c->nrequirements);
	free_strings(c->tags, c->ntags);
	free(c->reason);
	free(c->rfc_section);
	free(c->repro);
	for (size_t i = 0; c->steps && i < c->nsteps; i++)
		step_result_free(&c->steps[i]);
	free(c->steps);
	for (size_t i = 0; c->events && i < c->nevents; i++)
		ladder_event_free(&c->events[i]);
	free(c->events);
	memset(c, 0, sizeof(*c));
}

/* Frees what r owns (not r itself, nor the requirement index) and zeroes it. */
void run_result_free(struct run_result *r)
{
	if (!r)
		return;
	free(r->tool_version);
	free(r->target);
	free(r->started);
	free(r->baseline);
	for (size_t i = 0; r->cases && i < r->ncases; i++)
		case_result_free(&r->cases[i]);
	free(r->cases);
	memset(r, 0, sizeof(*r));
}
