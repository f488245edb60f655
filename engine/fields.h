/*
 * fields.h - named fields of op arguments and results, for case files.
 *
 * A small schema over the wire library's structs: `SEQUENCE sa_slotid=1`
 * sets a field of SEQUENCE4args, `expect SEQUENCE.sr_status_flags has X`
 * reads one of SEQUENCE4resok. Names are the RFC 5662 ones; each segment of
 * a path may drop its RFC prefix (`slotid` for `sa_slotid`,
 * `fore_chan_attrs.maxrequests` for `csa_fore_chan_attrs.ca_maxrequests`).
 */
#ifndef NFS41_ENGINE_FIELDS_H
#define NFS41_ENGINE_FIELDS_H

#include "expr.h"
#include "wire.h"

/* Byte strings set into args live here until the case ends. */
struct arena {
	void **blocks;
	size_t n, cap;
};

void *arena_dup(struct arena *a, const void *p, size_t n);
void arena_free(struct arena *a);

/* Whether op has an argument field at path (for `check`, before any server). */
bool fields_arg_exists(uint32_t op, const char *path);
/* Set an argument field; strings are copied into the arena. Returns 0 or -1 with err. */
int fields_set_arg(struct nfs_argop *a, const char *path, const struct value *v, struct arena *ar,
		   char *err, size_t errlen);

/* Whether op's result has a field at path ("status" and resok fields). */
bool fields_res_exists(uint32_t op, const char *path);
/* Read a result field into out (bytes are copied: value_free() it). */
int fields_get_res(const struct nfs_resop *r, const char *path, struct value *out, char *err,
		   size_t errlen);

/* The top-level argument or result field names of op (for `nfs41check show` and errors). */
size_t fields_list(uint32_t op, bool result, const char **names, size_t max);

#endif
