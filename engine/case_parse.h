/*
 * case_parse.h - case files to struct case_def (the language: docs/case-language.md).
 *
 * Errors are "file:line:col: message", one per call: the first problem found.
 * Fixtures (`fixture NAME [CONN]`) are read from fixture_dir/NAME.fixture and
 * expanded in place with their connection `conn` renamed.
 */
#ifndef NFS41_ENGINE_CASE_PARSE_H
#define NFS41_ENGINE_CASE_PARSE_H

#include "case.h"

struct parse_opts {
	const char *fixture_dir; /* NULL: "<dir of the case>/../fixtures", then "<dir>/fixtures" */
	/* Requirement ids are checked with this when set (returns true when known). */
	bool (*requirement_known)(const char *id);
};

/* Parse path into c (zeroed first). Returns 0, or -1 with the error in err. */
int case_parse_file(const char *path, const struct parse_opts *o, struct case_def *c, char *err,
		    size_t errlen);
/* The same from memory (name is used in messages and as the case's file). */
int case_parse_text(const char *name, const char *text, const struct parse_opts *o,
		    struct case_def *c, char *err, size_t errlen);

#endif
