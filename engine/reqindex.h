/*
 * reqindex.h - the requirement index (id, level, section, title), compiled into the binary.
 *
 * The table is generated at build time from spec/requirements.tsv (engine/reqindex.cmake),
 * which ci/sync-requirements keeps in step with the catalogue, so nothing outside the
 * project is read at run time. `--requirements FILE` loads a newer index of the same
 * TSV form instead: a header line "id\tlevel\tsection\tbasis\ttitle", then one row of
 * exactly five tab-separated, non-empty fields per requirement.
 */
#ifndef NFS41_ENGINE_REQINDEX_H
#define NFS41_ENGINE_REQINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* The compiled-in index in catalogue order; *n receives its length. Never NULL. */
const struct requirement *reqindex_all(size_t *n);

/* The compiled-in requirement with this id, or NULL. */
const struct requirement *reqindex_find(const char *id);

/* The requirement with this id in any index (e.g. one from reqindex_load_file), or NULL. */
const struct requirement *reqindex_find_in(const struct requirement *reqs, size_t n,
					   const char *id);

/*
 * Whether id has the form AREA-nn (two digits, not 00) with an area of the compiled-in
 * index (RPC, CMP, SES, ...). It need not name an existing requirement: "SEQ-99" is valid.
 */
bool reqindex_is_valid_id(const char *id);

/*
 * Reads an index from a TSV file. On success returns 0 and an array in *out (free it with
 * reqindex_free) of *n requirements. On failure returns -1 and writes "file:line: message"
 * (or "file: message") into err. The override may introduce areas the binary does not
 * know, so ids are checked for the form AREA-nn only.
 */
int reqindex_load_file(const char *path, struct requirement **out, size_t *n, char *err,
		       size_t errlen);

/* Frees an array returned by reqindex_load_file. */
void reqindex_free(struct requirement *reqs, size_t n);

#endif
