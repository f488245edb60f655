/* baseline.c - parses baseline files and turns raw verdicts into expected ones (XFAIL, XPASS). */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "reqindex.h"

/* The verdicts a baseline entry may expect, by name. */
static const struct {
	const char *name;
	enum verdict v;
} expectable[] = {
	{ "FAIL", VERDICT_FAIL },
	{ "ERROR", VERDICT_ERROR },
	{ "SKIP", VERDICT_SKIP },
};

#define NEXPECTABLE (sizeof(expectable) / sizeof(expectable[0]))

/* State of one baseline_load call. */
struct parser {
	const char *path;
	FILE *f;
	char *line;
	size_t cap;
	unsigned lineno;
	struct baseline *b;
	size_t alloc;
	char *err;
	size_t errlen;
};

/* One field of the line being parsed: NUL-terminated in place, with its 1-based column. */
struct field {
	char *s;
	size_t col;
};

/* Writes "path:line:col: message" (col 0: "path: message") into the error buffer; returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail(const struct parser *p, size_t col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->err || !p->errlen)
		return -1;
	if (col)
		snprintf(p->err, p->errlen, "%s:%u:%zu: %s", p->path, p->lineno, col, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next blank-separated field of line from *pos: NUL-terminates it in place and moves *pos
 * past it. Returns false when the line has no more fields (f->col is then one past its end).
 */
static bool next_field(char *line, size_t *pos, struct field *f)
{
	size_t i = *pos;

	while (is_blank(line[i]))
		i++;
	f->s = line + i;
	f->col = i + 1;
	if (line[i] == '\0')
		return false;
	while (line[i] != '\0' && !is_blank(line[i]))
		i++;
	if (line[i] != '\0')
		line[i++] = '\0';
	*pos = i;
	return true;
}

/* Whether s reads "s" then dot-separated digit groups, e.g. "s18.46.3". */
static bool section_number_ok(const char *s)
{
	if (*s++ != 's')
		return false;
	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s == '\0')
			return true;
		if (*s++ != '.')
			return false;
	}
}

/* Whether s is a SECTION: s18.46.3, or RFC8881-s18.46.3 naming the RFC. */
static bool section_ok(const char *s)
{
	if (strncmp(s, "RFC", 3) == 0) {
		s += 3;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s++ != '-')
			return false;
	}
	return section_number_ok(s);
}

static bool verdict_parse(const char *s, enum verdict *v)
{
	for (size_t i = 0; i < NEXPECTABLE; i++)
		if (strcmp(expectable[i].name, s) == 0) {
			*v = expectable[i].v;
			return true;
		}
	return false;
}

static const char *expected_name(enum verdict v)
{
	for (size_t i = 0; i < NEXPECTABLE; i++)
		if (expectable[i].v == v)
			return expectable[i].name;
	return "?";
}

/* Reads the next line, line end and trailing blanks removed: 1 read, 0 end of file, -1 error. */
static int next_line(struct parser *p)
{
	errno = 0;
	ssize_t len = getline(&p->line, &p->cap, p->f);

	if (len < 0) {
		if (ferror(p->f))
			return fail(p, 0, "read error: %s", strerror(errno ? errno : EIO));
		return 0;
	}
	p->lineno++;
	if (strlen(p->line) != (size_t)len)
		return fail(p, strlen(p->line) + 1, "NUL byte in line");
	while (len > 0 && (is_blank(p->line[len - 1]) || p->line[len - 1] == '\n' ||
			   p->line[len - 1] == '\r'))
		p->line[--len] = '\0';
	return 1;
}

/* The next field into f, or -1 reporting the field called name as missing. */
static int need_field(const struct parser *p, char *line, size_t *pos, struct field *f,
		      const char *name)
{
	return next_field(line, pos, f) ? 0 : fail(p, f->col, "missing %s", name);
}

/* The four leading fields of an entry line into f[0..3]; reports a missing one. */
static int split_entry(const struct parser *p, char *line, size_t *pos, struct field f[4])
{
	if (need_field(p, line, pos, &f[0], "case id") < 0 ||
	    need_field(p, line, pos, &f[1], "verdict") < 0 ||
	    need_field(p, line, pos, &f[2], "requirement id") < 0 ||
	    need_field(p, line, pos, &f[3], "section") < 0)
		return -1;
	return 0;
}

/* Checks the fields of an entry line, left to right. */
static int check_entry(const struct parser *p, const struct field f[4], enum verdict *v)
{
	const struct baseline_entry *dup = baseline_find(p->b, f[0].s);

	if (dup)
		return fail(p, f[0].col, "duplicate case id \"%s\" (first on line %u)", f[0].s,
			    dup->line);
	if (!verdict_parse(f[1].s, v))
		return fail(p, f[1].col, "unknown verdict \"%s\" (expected FAIL, ERROR or SKIP)",
			    f[1].s);
	if (!reqindex_is_valid_id(f[2].s))
		return fail(p, f[2].col,
			    "malformed requirement id \"%s\" (expected AREA-nn with a known area)",
			    f[2].s);
	if (!section_ok(f[3].s))
		return fail(p, f[3].col,
			    "malformed section \"%s\" (expected s18.46.3 or RFC8881-s18.46.3)", f[3].s);
	return 0;
}

/* "baseline expected FAIL: <reason>", or NULL when out of memory. */
static char *mismatch_text(enum verdict expected, const char *reason)
{
	const char *name = expected_name(expected);
	size_t len = strlen("baseline expected : ") + strlen(name) + strlen(reason) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "baseline expected %s: %s", name, reason);
	return s;
}

static struct baseline_entry *new_entry(struct parser *p)
{
	struct baseline *b = p->b;

	if (b->n == p->alloc) {
		size_t alloc = p->alloc ? 2 * p->alloc : 32;
		struct baseline_entry *grown = realloc(b->entries, alloc * sizeof(*grown));

		if (!grown)
			return NULL;
		b->entries = grown;
		p->alloc = alloc;
	}
	memset(&b->entries[b->n], 0, sizeof(b->entries[0]));
	return &b->entries[b->n++];
}

/* Appends the entry of a checked line. */
static int add_entry(struct parser *p, const struct field f[4], enum verdict v,
		     const char *reason)
{
	struct baseline_entry *e = new_entry(p);

	if (!e)
		return fail(p, 0, "out of memory");
	e->expected = v;
	e->line = p->lineno;
	e->case_id = strdup(f[0].s);
	e->req_id = strdup(f[2].s);
	e->section = strdup(f[3].s);
	e->reason = strdup(reason);
	e->mismatch = mismatch_text(v, reason);
	if (!e->case_id || !e->req_id || !e->section || !e->reason || !e->mismatch)
		return fail(p, 0, "out of memory");
	return 0;
}

/* Parses the current line: a comment, a blank line, or an entry. */
static int parse_line(struct parser *p)
{
	struct field f[4];
	size_t pos = 0;
	enum verdict v = VERDICT_FAIL;
	char *line = p->line;

	while (is_blank(line[pos]))
		pos++;
	if (line[pos] == '\0' || line[pos] == '#')
		return 0;
	if (split_entry(p, line, &pos, f) < 0 || check_entry(p, f, &v) < 0)
		return -1;
	while (is_blank(line[pos]))
		pos++;
	if (line[pos] == '\0')
		return fail(p, pos + 1, "missing reason");
	return add_entry(p, f, v, line + pos);
}

int baseline_load(const char *path, struct baseline **out, char *err, size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	int rc;

	*out = NULL;
	p.f = fopen(path, "r");
	if (!p.f)
		return fail(&p, 0, "%s", strerror(errno));
	p.b = calloc(1, sizeof(*p.b));
	if (p.b)
		p.b->path = strdup(path);
	if (!p.b || !p.b->path) {
		fclose(p.f);
		baseline_free(p.b);
		return fail(&p, 0, "out of memory");
	}
	while ((rc = next_line(&p)) > 0 && (rc = parse_line(&p)) == 0)
		;
	free(p.line);
	fclose(p.f);
	if (rc < 0) {
		baseline_free(p.b);
		return -1;
	}
	*out = p.b;
	return 0;
}

const struct baseline_entry *baseline_find(const struct baseline *b, const char *case_id)
{
	if (!b || !case_id)
		return NULL;
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->entries[i].case_id, case_id) == 0)
			return &b->entries[i];
	return NULL;
}

/* The baseline's verdict for an entry e and a raw verdict; see baseline.h. */
static enum verdict apply_entry(const struct baseline_entry *e, enum verdict raw,
				const char **reason)
{
	switch (raw) {
	case VERDICT_PASS:
		*reason = e->reason;
		return VERDICT_XPASS;
	case VERDICT_FAIL:
	case VERDICT_ERROR:
	case VERDICT_SKIP:
		if (raw != e->expected) {
			*reason = e->mismatch;
			return raw;
		}
		*reason = e->reason;
		return raw == VERDICT_SKIP ? VERDICT_SKIP : VERDICT_XFAIL;
	default:
		*reason = NULL;
		return raw;
	}
}

enum verdict baseline_apply(const struct baseline *b, const char *case_id, enum verdict raw,
			    const char **reason)
{
	const struct baseline_entry *e = baseline_find(b, case_id);
	const char *why = NULL;
	enum verdict v = e ? apply_entry(e, raw, &why) : raw;

	if (reason)
		*reason = why;
	return v;
}

static bool ran_contains(const char *const *ran, size_t nran, const char *case_id)
{
	for (size_t i = 0; i < nran; i++)
		if (ran[i] && strcmp(ran[i], case_id) == 0)
			return true;
	return false;
}

size_t baseline_unused(const struct baseline *b, const char *const *ran, size_t nran,
		       const struct baseline_entry **out, size_t max)
{
	size_t count = 0;

	if (!b)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		if (ran_contains(ran, nran, b->entries[i].case_id))
			continue;
		if (out && count < max)
			out[count] = &b->entries[i];
		count++;
	}
	return count;
}

void baseline_free(struct baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->entries[i].case_id);
		free(b->entries[i].req_id);
		free(b->entries[i].section);
		free(b->entries[i].reason);
		free(b->entries[i].mismatch);
	}
	free(b->entries);
	free(b->path);
	free(b);
}
