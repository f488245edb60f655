/*
 * waivers.h - the coverage waivers: why a SHOULD-class requirement has no case.
 *
 * spec/waivers.tsv is compiled into the binary (engine/waivers.cmake embeds its bytes), so
 * nothing outside the project is read at run time; `coverage --waivers FILE` reads another
 * file of the same form instead. The form: one waiver per line, "ID<TAB>reason", the reason
 * one non-empty line saying why no case can observe the requirement over the wire. Blank
 * lines and lines whose first non-blank character is '#' are comments.
 *
 * Every waiver is checked against a requirement index: an id the index lacks, a MUST or
 * MUST NOT id (those need a case) and a second waiver for one id are errors. SHOULD,
 * SHOULD NOT and MAY ids may be waived (MAY ids need no waiver). Whether a waiver is still
 * needed depends on the cases, so that is the coverage model's verdict (coverage.h).
 */
#ifndef NFS41_ENGINE_WAIVERS_H
#define NFS41_ENGINE_WAIVERS_H

#include <stddef.h>

#include "result.h"

/* The name the compiled-in file goes by in messages. */
#define WAIVERS_BUILTIN_NAME "spec/waivers.tsv"

struct waiver_set {
	struct waiver *v; /* in file order */
	size_t n;
};

/*
 * Parses len bytes of text (named name in messages) against the index reqs[0..nreqs).
 * On success returns 0 and fills *out (free it with waivers_free). On the first problem
 * returns -1, leaves *out empty and writes "name:line: message" into err.
 */
int waivers_parse(const char *text, size_t len, const char *name, const struct requirement *reqs,
		  size_t nreqs, struct waiver_set *out, char *err, size_t errlen);

/* waivers_parse over the contents of path ("path: message" when it cannot be read). */
int waivers_load_file(const char *path, const struct requirement *reqs, size_t nreqs,
		      struct waiver_set *out, char *err, size_t errlen);

/* waivers_parse over the compiled-in spec/waivers.tsv. */
int waivers_load_builtin(const struct requirement *reqs, size_t nreqs, struct waiver_set *out,
			 char *err, size_t errlen);

void waivers_free(struct waiver_set *w);

#endif
