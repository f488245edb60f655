/*
 * html_ladder.c - a case's client/server ladder as inline SVG, with the decoded messages.
 *
 * One lifeline per connection name (in order of first use) and one for the
 * server; one row per event, top to bottom: the time at the left, an arrow
 * (call: client -> server, reply: server -> client) labelled with the xid and,
 * when a SEQUENCE was present, slot/seqid, and the summary to the right.
 * Errors (see ladder_event_is_error) are red. Hovering shows the detailed
 * decode (<title>); a click opens it in the list under the diagram.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_util.h"

#define LEFT 76        /* time column */
#define LANE_W 150     /* between client lifelines */
#define SERVER_GAP 240 /* from the last client lifeline to the server's */
#define TOP 44         /* lifeline heads */
#define ROW_H 34
#define SUMMARY_CHARS 110
#define CHAR_W 7.3 /* monospace 12px */

struct lanes {
	const char **names; /* connection names, first use order */
	size_t n;
	int server_x;
	int width, height;
};

static const char *conn_of(const struct ladder_event *e)
{
	return e->conn && *e->conn ? e->conn : "client";
}

static size_t lane_index(const struct lanes *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return i;
	return l->n;
}

static int lane_x(size_t i)
{
	return LEFT + 40 + (int)i * LANE_W;
}

/* The longest summary in characters, at most SUMMARY_CHARS + 1 (the ellipsis). */
static size_t widest_summary(const struct case_result *c)
{
	size_t widest = 0;

	for (size_t i = 0; i < c->nevents; i++) {
		const char *s = str_or(c->events[i].summary, "");
		size_t n = 0;
		uint32_t cp;

		while (*s && n <= SUMMARY_CHARS) {
			s += utf8_next(s, &cp);
			n++;
		}
		if (n > widest)
			widest = n;
	}
	return widest;
}

static int lanes_build(struct lanes *l, const struct case_result *c)
{
	l->n = 0;
	l->names = calloc(c->nevents, sizeof(*l->names));
	if (!l->names)
		return -1;
	for (size_t i = 0; i < c->nevents; i++) {
		const char *name = conn_of(&c->events[i]);

		if (lane_index(l, name) == l->n)
			l->names[l->n++] = name;
	}
	l->server_x = lane_x(l->n - 1) + SERVER_GAP;
	l->width = l->server_x + 70 + (int)((double)widest_summary(c) * CHAR_W);
	l->height = TOP + 28 + (int)c->nevents * ROW_H;
	return 0;
}

static void lifeline(FILE *out, int x, int height, const char *name, const char *kind)
{
	fprintf(out, "<g class=\"lane %s\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", kind,
		x, TOP - 8, x, height - 4);
	fprintf(out, "<rect x=\"%d\" y=\"6\" width=\"120\" height=\"26\" rx=\"5\"/>", x - 60);
	fprintf(out, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\">", x);
	html_escape_n(out, name, 16, 1);
	fputs("</text></g>\n", out);
}

static void event_title(FILE *out, const struct ladder_event *e)
{
	fputs("<title>", out);
	html_escape(out, str_or(e->summary, ""));
	if (e->detail) {
		fputs("\n\n", out);
		html_escape(out, e->detail);
	}
	fputs("</title>", out);
}

static void arrow(FILE *out, int from, int to, int y)
{
	int dir = to > from ? 1 : -1;

	fprintf(out, "<line class=\"arrow\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", from, y,
		to - dir * 9, y);
	fprintf(out, "<polygon class=\"head\" points=\"%d,%d %d,%d %d,%d\"/>", to, y, to - dir * 10,
		y - 5, to - dir * 10, y + 5);
}

static void arrow_label(FILE *out, const struct ladder_event *e, int x, int y)
{
	fprintf(out, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">xid 0x%08x", x,
		y - 7, (unsigned)e->xid);
	if (e->has_slot)
		fprintf(out, " \xc2\xb7 slot %u seqid %u", (unsigned)e->slot, (unsigned)e->seqid);
	fputs("</text>", out);
}

static void event_row(FILE *out, const struct lanes *l, const struct ladder_event *e,
		      size_t case_index, size_t i)
{
	int y = TOP + 26 + (int)i * ROW_H, client = lane_x(lane_index(l, conn_of(e)));
	char secs[SECONDS_BUF];

	fprintf(out,
		"<g class=\"ev %s%s\" tabindex=\"0\" role=\"button\" "
		"data-target=\"case-%zu-ev-%zu\">",
		e->from_server ? "reply" : "call", ladder_event_is_error(e) ? " err" : "",
		case_index, i);
	event_title(out, e);
	fprintf(out, "<rect class=\"hit\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
		y - ROW_H / 2 - 4, l->width, ROW_H);
	fprintf(out, "<text class=\"t\" x=\"8\" y=\"%d\">+%ss</text>", y + 4,
		format_seconds(e->t, secs));
	if (e->from_server)
		arrow(out, l->server_x, client, y);
	else
		arrow(out, client, l->server_x, y);
	arrow_label(out, e, (client + l->server_x) / 2, y);
	fprintf(out, "<text class=\"sum\" x=\"%d\" y=\"%d\">", l->server_x + 16, y + 4);
	html_escape_n(out, str_or(e->summary, ""), SUMMARY_CHARS, 1);
	fputs("</text></g>\n", out);
}

static void svg(FILE *out, const struct lanes *l, const struct case_result *c, size_t case_index)
{
	fprintf(out,
		"<div class=\"ladder-wrap\"><svg class=\"ladder\" "
		"xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"message ladder\">\n",
		l->width, l->height, l->width, l->height);
	for (size_t i = 0; i < l->n; i++)
		lifeline(out, lane_x(i), l->height, l->names[i], "client");
	lifeline(out, l->server_x, l->height, "server", "server");
	for (size_t i = 0; i < c->nevents; i++)
		event_row(out, l, &c->events[i], case_index, i);
	fputs("</svg></div>\n", out);
}

static void event_detail(FILE *out, const struct ladder_event *e, size_t case_index, size_t i)
{
	char secs[SECONDS_BUF];

	fprintf(out, "<details class=\"ev-detail%s\" id=\"case-%zu-ev-%zu\"><summary>",
		ladder_event_is_error(e) ? " err" : "", case_index, i);
	fprintf(out, "<span class=\"t\">+%ss</span> ", format_seconds(e->t, secs));
	html_escape_n(out, conn_of(e), SIZE_MAX, 1);
	fprintf(out, " %s server <span class=\"xid\">xid 0x%08x</span> ",
		e->from_server ? "&larr;" : "&rarr;", (unsigned)e->xid);
	if (e->has_slot)
		fprintf(out, "<span class=\"slot\">slot %u seqid %u</span> ", (unsigned)e->slot,
			(unsigned)e->seqid);
	html_escape_n(out, str_or(e->summary, ""), SIZE_MAX, 1);
	fputs("</summary><pre>", out);
	html_escape(out, e->detail ? e->detail : "(no detailed decode)");
	fputs("</pre></details>\n", out);
}

int html_ladder(FILE *out, const struct case_result *c, size_t case_index)
{
	struct lanes l;

	fputs("<h3>Message ladder</h3>\n", out);
	if (!c->nevents) {
		fputs("<p class=\"muted\">No messages were exchanged.</p>\n", out);
		return 0;
	}
	if (lanes_build(&l, c) != 0)
		return -1;
	svg(out, &l, c, case_index);
	free(l.names);
	fputs("<div class=\"events\">\n", out);
	for (size_t i = 0; i < c->nevents; i++)
		event_detail(out, &c->events[i], case_index, i);
	fputs("</div>\n", out);
	return 0;
}
