/* reqindex.c - the compiled-in requirement index, id checks, and the TSV override loader. */
#include "reqindex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Rows { id, level, section, title } generated from spec/requirements.tsv by reqindex.cmake. */
static const struct requirement table[] = {
#include "reqindex_table.inc"
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))
#define TSV_FIELDS 5
#define TSV_HEADER "id\tlevel\tsection\tbasis\ttitle"
#define TSV_HEADER_SHOWN "\"id<TAB>level<TAB>section<TAB>basis<TAB>title\""

static const char *const levels[] = { "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY" };
static const char *const field_names[TSV_FIELDS] = { "id", "level", "section", "basis", "title" };

const struct requirement *reqindex_all(size_t *n)
{
	if (n)
		*n = TABLE_LEN;
	return table;
}

const struct requirement *reqindex_find_in(const struct requirement *reqs, size_t n,
					   const char *id)
{
	if (!reqs || !id)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(reqs[i].id, id) == 0)
			return &reqs[i];
	return NULL;
}

const struct requirement *reqindex_find(const char *id)
{
	return reqindex_find_in(table, TABLE_LEN, id);
}

/* Length of the AREA part when id has the form AREA-nn (nn not 00), else 0. */
static size_t id_area_len(const char *id)
{
	size_t a = 0;

	if (!id)
		return 0;
	while (id[a] >= 'A' && id[a] <= 'Z')
		a++;
	if (a == 0 || id[a] != '-')
		return 0;
	if (id[a + 1] < '0' || id[a + 1] > '9' || id[a + 2] < '0' || id[a + 2] > '9')
		return 0;
	if (id[a + 3] != '\0' || (id[a + 1] == '0' && id[a + 2] == '0'))
		return 0;
	return a;
}

/* Whether some compiled-in id starts with the area area[0..len) followed by '-'. */
static bool area_known(const char *area, size_t len)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (strncmp(table[i].id, area, len) == 0 && table[i].id[len] == '-')
			return true;
	return false;
}

bool reqindex_is_valid_id(const char *id)
{
	size_t a = id_area_len(id);

	return a > 0 && area_known(id, a);
}

void reqindex_free(struct requirement *reqs, size_t n)
{
	if (!reqs)
		return;
	for (size_t i = 0; i < n; i++) {
		free(reqs[i].id);
		free(reqs[i].level);
		free(reqs[i].section);
		free(reqs[i].title);
	}
	free(reqs);
}

/* State of one reqindex_load_file call. */
struct loader {
	const char *path;
	FILE *f;
	char *line;
	size_t cap;
	unsigned lineno;
	struct requirement *reqs;
	size_t n, alloc;
	char *err;
	size_t errlen;
};

/* Writes "path:line: message" (line 0: "path: message") into the error buffer; returns -1. */
__attribute__((format(printf, 2, 3)))
static int fail(struct loader *l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->err && l->errlen) {
		if (l->lineno)
			snprintf(l->err, l->errlen, "%s:%u: %s", l->path, l->lineno, msg);
		else
			snprintf(l->err, l->errlen, "%s: %s", l->path, msg);
	}
	return -1;
}

/* Reads the next line without its line end: 1 read, 0 end of file, -1 error (reported). */
static int next_line(struct loader *l)
{
	errno = 0;
	ssize_t len = getline(&l->line, &l->cap, l->f);

	if (len < 0) {
		if (ferror(l->f))
			return fail(l, "read error: %s", strerror(errno ? errno : EIO));
		return 0;
	}
	l->lineno++;
	if (strlen(l->line) != (size_t)len)
		return fail(l, "NUL byte in line");
	if (len > 0 && l->line[len - 1] == '\n')
		l->line[--len] = '\0';
	if (len > 0 && l->line[len - 1] == '\r')
		l->line[--len] = '\0';
	return 1;
}

/* Splits line at tabs into at most TSV_FIELDS fields; returns how many fields there are. */
static size_t split_fields(char *line, char *fields[TSV_FIELDS])
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *tab = strchr(p, '\t');

		if (n < TSV_FIELDS)
			fields[n] = p;
		n++;
		if (!tab)
			return n;
		*tab = '\0';
		p = tab + 1;
	}
}

static bool level_known(const char *level)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(levels[i], level) == 0)
			return true;
	return false;
}

/* Checks one row's fields against the rows before it; reports and returns -1 on a problem. */
static int check_row(struct loader *l, char *const fields[TSV_FIELDS])
{
	const struct requirement *dup;

	for (size_t i = 0; i < TSV_FIELDS; i++)
		if (fields[i][0] == '\0')
			return fail(l, "empty %s field", field_names[i]);
	if (id_area_len(fields[0]) == 0)
		return fail(l, "malformed requirement id \"%s\" (expected AREA-nn)", fields[0]);
	if (!level_known(fields[1]))
		return fail(l, "unknown level \"%s\" (expected %s)", fields[1],
			    "MUST, MUST NOT, SHOULD, SHOULD NOT or MAY");
	dup = reqindex_find_in(l->reqs, l->n, fields[0]);
	if (dup) /* rows start on line 2 and every line is a row */
		return fail(l, "duplicate requirement id \"%s\" (first on line %zu)", fields[0],
			    (size_t)(dup - l->reqs) + 2);
	return 0;
}

/* Appends a copy of the row's id, level, section and title (basis is not kept). */
static int add_row(struct loader *l, char *const fields[TSV_FIELDS])
{
	struct requirement *r;

	if (l->n == l->alloc) {
		size_t alloc = l->alloc ? 2 * l->alloc : 256;
		struct requirement *grown = realloc(l->reqs, alloc * sizeof(*grown));

		if (!grown)
			return fail(l, "out of memory");
		l->reqs = grown;
		l->alloc = alloc;
	}
	r = &l->reqs[l->n];
	r->id = strdup(fields[0]);
	r->level = strdup(fields[1]);
	r->section = strdup(fields[2]);
	r->title = strdup(fields[4]);
	l->n++;
	if (!r->id || !r->level || !r->section || !r->title)
		return fail(l, "out of memory");
	return 0;
}

static int read_header(struct loader *l)
{
	int rc = next_line(l);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		l->lineno = 1;
		return fail(l, "empty file, expected the header " TSV_HEADER_SHOWN);
	}
	if (strcmp(l->line, TSV_HEADER) != 0)
		return fail(l, "expected the header " TSV_HEADER_SHOWN);
	return 0;
}

static int read_rows(struct loader *l)
{
	char *fields[TSV_FIELDS];
	int rc;

	while ((rc = next_line(l)) > 0) {
		size_t nf = split_fields(l->line, fields);

		if (nf != TSV_FIELDS)
			return fail(l, "expected %d tab-separated fields, found %zu", TSV_FIELDS, nf);
		if (check_row(l, fields) < 0 || add_row(l, fields) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (l->n == 0) {
		l->lineno = 0;
		return fail(l, "no requirements after the header");
	}
	return 0;
}

int reqindex_load_file(const char *path, struct requirement **out, size_t *n, char *err,
		       size_t errlen)
{
	struct loader l = { .path = path, .err = err, .errlen = errlen };
	int rc;

	*out = NULL;
	*n = 0;
	l.f = fopen(path, "r");
	if (!l.f)
		return fail(&l, "%s", strerror(errno));
	rc = read_header(&l) < 0 ? -1 : read_rows(&l);
	free(l.line);
	fclose(l.f);
	if (rc < 0) {
		reqindex_free(l.reqs, l.n);
		return -1;
	}
	*out = l.reqs;
	*n = l.n;
	return 0;
}
