/* transcript.c - renders a case's steps and ladder as the plain text JUnit and TAP embed. */
#include <stdlib.h>
#include <string.h>

#include "report_util.h"
#include "transcript.h"

#define STEP_INDENT "                 "
#define EVENT_INDENT "            "

void transcript_indented(FILE *out, const char *s, const char *indent)
{
	const char *nl;

	while (s && (nl = strchr(s, '\n')) != NULL) {
		text_write_clean_n(out, s, (size_t)(nl - s), 1);
		fprintf(out, "\n%s", indent);
		s = nl + 1;
	}
	text_write_clean(out, s, 1);
}

static void step_line(FILE *out, const struct step_result *s)
{
	char secs[SECONDS_BUF];

	fprintf(out, "  line %-4u %-6s ", s->line, verdict_name(s->verdict));
	transcript_indented(out, str_or(s->source, ""), STEP_INDENT);
	fprintf(out, "  (%ss)\n", format_seconds(s->elapsed, secs));
	if (s->message) {
		fputs(STEP_INDENT, out);
		transcript_indented(out, s->message, STEP_INDENT);
		fputc('\n', out);
	}
	if (s->observed) {
		fputs(STEP_INDENT "observed: ", out);
		transcript_indented(out, s->observed, STEP_INDENT);
		fputc('\n', out);
	}
}

void transcript_steps(FILE *out, const struct case_result *c)
{
	fprintf(out, "steps (%zu):\n", c->nsteps);
	for (size_t i = 0; i < c->nsteps; i++)
		step_line(out, &c->steps[i]);
}

static void event_line(FILE *out, const struct ladder_event *e)
{
	char secs[SECONDS_BUF];

	fprintf(out, "  +%ss  ", format_seconds(e->t, secs));
	text_write_clean(out, str_or(e->conn, "client"), 1);
	fprintf(out, " %s server  xid 0x%08x", e->from_server ? "<-" : "->", (unsigned)e->xid);
	if (e->has_slot)
		fprintf(out, "  slot %u seqid %u", (unsigned)e->slot, (unsigned)e->seqid);
	fputs("  ", out);
	text_write_clean(out, str_or(e->summary, ""), 1);
	fputc('\n', out);
	if (e->detail) {
		fputs(EVENT_INDENT, out);
		transcript_indented(out, e->detail, EVENT_INDENT);
		fputc('\n', out);
	}
}

void transcript_ladder(FILE *out, const struct case_result *c)
{
	fprintf(out, "ladder (%zu messages):\n", c->nevents);
	for (size_t i = 0; i < c->nevents; i++)
		event_line(out, &c->events[i]);
}

static void transcript_full(FILE *out, const struct case_result *c)
{
	fputs("case ", out);
	text_write_clean(out, str_or(c->id, "?"), 1);
	fputs(" (", out);
	text_write_clean(out, str_or(c->file, "no file"), 1);
	fputs(")\nrepro: ", out);
	text_write_clean(out, str_or(c->repro, "(none)"), 1);
	fputc('\n', out);
	transcript_steps(out, c);
	transcript_ladder(out, c);
}

char *transcript_string(const struct case_result *c, int with_ladder)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int failed;

	if (!f)
		return NULL;
	if (with_ladder)
		transcript_full(f, c);
	else
		transcript_steps(f, c);
	failed = ferror(f);
	if (fclose(f) != 0 || failed) {
		free(buf);
		return NULL;
	}
	return buf;
}
