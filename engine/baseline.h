/*
 * baseline.h - baseline files: the failures a given server version is known and expected to have.
 *
 * One file per server and version (e.g. ci/baselines/ganesha-4.3). The format, line by line:
 *
 *   # a comment: '#' as the first non-blank character of a line
 *   (blank lines are ignored)
 *   CASE-ID  VERDICT  REQ-ID  SECTION  reason, the rest of the line
 *
 * Fields are separated by spaces or tabs.
 *   CASE-ID  the case's id, once per file.
 *   VERDICT  what the server is expected to produce: FAIL, ERROR or SKIP (upper case).
 *   REQ-ID   the requirement the deviation is about: AREA-nn with a known area (SEQ-07).
 *   SECTION  the RFC section: s18.46.3 (RFC 8881), or RFCnnnn-s18.46.3 for another RFC, e.g.
 *            RFC5531-s9; "s" and the number, dot-separated digits.
 *   reason   required, the rest of the line (trailing blanks dropped; a '#' here is text).
 *
 *   SEQ-07-renew-on-error  FAIL  SEQ-07  s18.46.3  renews the lease on NFS4ERR_BADSLOT (bz 1234)
 *
 * Errors are reported as "path:line:col: message" (col is the 1-based byte column of the
 * offending field, or one past the end of the line for a missing one).
 */
#ifndef NFS41_ENGINE_BASELINE_H
#define NFS41_ENGINE_BASELINE_H

#include <stddef.h>

#include "result.h"

struct baseline_entry {
	char *case_id;
	enum verdict expected; /* VERDICT_FAIL, VERDICT_ERROR or VERDICT_SKIP */
	char *req_id;          /* "SEQ-07" */
	char *section;         /* "s18.46.3" or "RFC5531-s9", as written */
	char *reason;          /* the rest of the line */
	char *mismatch;        /* "baseline expected FAIL: <reason>", for baseline_apply */
	unsigned line;         /* line in the file */
};

struct baseline {
	char *path;
	struct baseline_entry *entries; /* in file order */
	size_t n;
};

/*
 * Parses a baseline file. On success returns 0 and *out (free with baseline_free). On failure
 * returns -1, *out NULL, and "path:line:col: message" (or "path: message") in err.
 */
int baseline_load(const char *path, struct baseline **out, char *err, size_t errlen);

/* The entry for case_id, or NULL (also when b is NULL). */
const struct baseline_entry *baseline_find(const struct baseline *b, const char *case_id);

/*
 * The verdict a case gets given its raw verdict, and in *reason (if reason is not NULL) the
 * text that explains it, or NULL:
 *   no entry (or no baseline)               -> raw, reason NULL
 *   raw PASS                                -> XPASS, the entry's reason
 *   raw FAIL or ERROR, as expected          -> XFAIL, the entry's reason
 *   raw SKIP, expected SKIP                 -> SKIP, the entry's reason
 *   raw FAIL, ERROR or SKIP, not as expected -> raw, "baseline expected X: <reason>"
 *   raw XFAIL or XPASS (already applied)    -> raw, reason NULL
 */
enum verdict baseline_apply(const struct baseline *b, const char *case_id, enum verdict raw,
			    const char **reason);

/*
 * Entries whose case is not among the nran ids that ran, in file order: stale baselines.
 * Returns how many there are and stores the first max of them in out (out may be NULL when
 * max is 0).
 */
size_t baseline_unused(const struct baseline *b, const char *const *ran, size_t nran,
		       const struct baseline_entry **out, size_t max);

void baseline_free(struct baseline *b);

#endif
