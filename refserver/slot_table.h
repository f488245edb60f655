/*
 * slot_table.h - one session's fore-channel slot table and reply cache (RFC 8881 s2.10.6.1).
 *
 * A pure module: no sockets, no clock, no globals, no locks. The caller owns
 * the struct slot_table (zeroed or initialised) and serialises every call on
 * one table; nfs41refd runs one event loop, so nothing here needs a lock.
 *
 * The life of one request on a slot:
 *
 *   slot_table_begin()  -> SEQ_NEW: the slot is IN PROGRESS; its seqid,
 *                          cached reply and replay key are still the previous
 *                          request's. Then exactly one of:
 *   slot_table_finish() -> the request's seqid, key and reply (or the
 *                          "not cached" marker) replace the previous ones;
 *                          the slot is idle again. Call it for every request
 *                          that executed, whatever its COMPOUND status.
 *   slot_table_abort()  -> SEQUENCE itself failed after begin (REQ_TOO_BIG,
 *                          REP_TOO_BIG, TOO_MANY_OPS on SEQUENCE, ...): the
 *                          slot returns to idle exactly as it was before
 *                          begin, so a SEQUENCE error never touches the slot
 *                          (RFC 8881 s2.10.6.1.2, s18.46.3 (SES-23)). Never
 *                          abort a request that executed any operation after
 *                          SEQUENCE: its retry would run again (SES-24).
 *
 * Every other outcome of begin changes nothing on any slot.
 *
 * Slot ids: slots 0..highest are live; highest (sr_highest_slotid) starts at
 * nslots - 1 and target (sr_target_highest_slotid) with it. Lowering the
 * target refuses nothing (SES-18); slots above it are retired, and answer
 * BADSLOT, only when a new request shows that the client has seen the cut
 * (sa_highest_slotid <= target, SES-20, SES-21). A forced cut (test hook,
 * SES-19) lowers the enforced highest slot at once and answers new requests
 * above it BAD_HIGH_SLOT, while retries there are still served.
 */
#ifndef NFS41_REFSERVER_SLOT_TABLE_H
#define NFS41_REFSERVER_SLOT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_CRED_MAX_GIDS 16u       /* authsys_parms.gids<16> (RFC 5531 appendix A) */
#define SLOT_TABLE_MAX_SLOTS 65536u /* sanity bound; the configured max is applied at CREATE_SESSION */

/* ---- the seqid predicate: SEQUENCE slots and CREATE_SESSION's per-client slot ---- */

enum slot_verdict {
	SLOT_MISORDERED = 0, /* NFS4ERR_SEQ_MISORDERED */
	SLOT_NEW,            /* execute; the slot takes req_seqid */
	SLOT_REPLAY,         /* a retry: answer from the cache */
};

/*
 * NEW when req_seqid == slot_seqid + 1 (mod 2^32); REPLAY when equal and a
 * request has completed on the slot (slot_used); MISORDERED otherwise, which
 * includes seqid 0 on a never-used slot (seqid 0): RFC 8881 s2.10.6.1 (SES-11).
 * For CREATE_SESSION pass the client's slot as eir_sequenceid - 1 with
 * slot_used false until a CREATE_SESSION has completed (s18.36.4 phase 2).
 */
enum slot_verdict slot_check_seqid(uint32_t slot_seqid, bool slot_used, uint32_t req_seqid);

/* Sort AUTH_SYS supplementary gids: credentials compare them as a set, whatever their order. */
void slot_sort_gids(uint32_t *gids, uint32_t n);

/* ---- the replay key: what must match for a retry to be a true retry ---- */

/*
 * The RPC credential after any squashing. AUTH_SYS equality is flavor + uid +
 * gid + supplementary gids, stamp and machine name ignored (catalogue s17);
 * the gids compare as a multiset. Map other flavors into uid/gid yourself.
 * ngids above SLOT_CRED_MAX_GIDS counts as SLOT_CRED_MAX_GIDS.
 */
struct slot_cred {
	uint32_t flavor;
	uint32_t uid, gid;
	uint32_t ngids;
	uint32_t gids[SLOT_CRED_MAX_GIDS];
};

struct replay_key {
	struct slot_cred cred;
	bool cachethis;          /* sa_cachethis */
	uint32_t nops;           /* operations in the COMPOUND, SEQUENCE included */
	const uint32_t *opcodes; /* nops opcodes (NULL when nops is 0); read only during the call */
};

/* ---- the table ---- */

enum seq_outcome {
	SEQ_NEW = 0,        /* slot in progress: execute, then finish or abort */
	SEQ_REPLAY,         /* *cached / *cached_len: the reply to resend, byte for byte */
	SEQ_RETRY_UNCACHED, /* a true retry of a reply that was not cached */
	SEQ_BADSLOT,        /* NFS4ERR_BADSLOT */
	SEQ_MISORDERED,     /* NFS4ERR_SEQ_MISORDERED */
	SEQ_FALSE_RETRY,    /* NFS4ERR_SEQ_FALSE_RETRY */
	SEQ_DELAY,          /* NFS4ERR_DELAY: the original is still executing */
	SEQ_BAD_HIGH_SLOT,  /* NFS4ERR_BAD_HIGH_SLOT (only after a forced cut) */
};

enum slot_finish_result {
	SLOT_FINISHED = 0,
	SLOT_FINISH_TOO_BIG,   /* cachethis and len > ca_maxresponsesize_cached: nothing changed */
	SLOT_FINISH_NOMEM,     /* the copy failed: nothing changed */
	SLOT_FINISH_BAD_STATE, /* slotid out of range or not in progress: nothing changed */
};

enum slot_state {
	SLOT_NEVER_USED = 0, /* fresh (or retired): seqid 0, nothing cached */
	SLOT_IDLE,           /* a request has completed at seqid */
	SLOT_IN_PROGRESS,    /* a new request is executing */
};

/* A snapshot of one slot, for the admin API, metrics and tests. */
struct slot_info {
	enum slot_state state;
	uint32_t seqid;       /* last completed seqid (0 when never used) */
	bool cached;          /* the reply at seqid is cached */
	size_t cached_len;    /* its length */
	uint32_t pending_seqid; /* SLOT_IN_PROGRESS only */
};

struct slot; /* private to slot_table.c */

struct slot_table {
	struct slot *slots;
	uint32_t nslots;       /* granted ca_maxrequests; slot ids >= this are BADSLOT */
	uint32_t live_highest; /* slots above it are retired: BADSLOT */
	uint32_t enforced;     /* sr_highest_slotid; below live_highest only during a forced cut */
	uint32_t target;       /* sr_target_highest_slotid; target <= enforced <= live_highest */
	size_t max_cached;     /* ca_maxresponsesize_cached */
	size_t cached_bytes;   /* sum of the cached replies */
};

/* nslots in 1..SLOT_TABLE_MAX_SLOTS, all fresh. False (t zeroed) on a bad count or no memory. */
bool slot_table_init(struct slot_table *t, uint32_t nslots, size_t max_cached_per_reply);
/* Frees every cached reply; t is zeroed. Safe on a zeroed table and twice. */
void slot_table_free(struct slot_table *t);

/*
 * SEQUENCE's slot processing for (slotid, seqid) with the client's
 * sa_highest_slotid and replay key. Checks run in this order: BADSLOT,
 * in progress (DELAY for its seqid, MISORDERED for any other), the seqid
 * verdict, then for a retry FALSE_RETRY / RETRY_UNCACHED / REPLAY and for a
 * new request BAD_HIGH_SLOT / NEW. Only SEQ_NEW changes the slot (to in
 * progress) and may retire slots above the target. On SEQ_REPLAY *cached
 * points into the table: send or copy it before the next call that changes
 * the table. key must not be NULL. cached and cached_len may be NULL; they
 * are set to NULL/0 on every other outcome.
 */
enum seq_outcome slot_table_begin(struct slot_table *t, uint32_t slotid, uint32_t seqid,
				  uint32_t highest_slotid, const struct replay_key *key,
				  const uint8_t **cached, size_t *cached_len);

/*
 * Complete the request in progress on slotid: with cachethis the len bytes
 * of reply are copied (len must pass slot_table_fits_cache()), without it the
 * slot records "executed, not cached". Either way the previous reply is freed
 * and the slot takes the request's seqid and key. On SLOT_FINISH_NOMEM the
 * slot is still in progress: finish it again without cachethis (a retry then
 * gets RETRY_UNCACHED_REP, never a second execution).
 */
enum slot_finish_result slot_table_finish(struct slot_table *t, uint32_t slotid,
					  const uint8_t *reply, size_t len, bool cachethis);

/* Undo begin's SEQ_NEW (see the top of this file). False if slotid is not in progress. */
bool slot_table_abort(struct slot_table *t, uint32_t slotid);

/*
 * Would a reply of len bytes fit ca_maxresponsesize_cached? If not, with
 * sa_cachethis the caller answers NFS4ERR_REP_TOO_BIG_TO_CACHE on the operation
 * that crosses the limit and caches that shorter reply, or, when it is
 * SEQUENCE's own error, aborts: RFC 8881 s2.10.6.4, s15.1.3.7 (CMP-15).
 */
bool slot_table_fits_cache(const struct slot_table *t, size_t len);
/* Bytes of cached replies held by the table, for a server-wide reply-cache cap. */
size_t slot_table_cached_bytes(const struct slot_table *t);

/* sr_highest_slotid and sr_target_highest_slotid for the next reply. */
uint32_t slot_table_highest(const struct slot_table *t);
uint32_t slot_table_target(const struct slot_table *t);

/*
 * Move the target (clamped to nslots - 1). Lowering refuses nothing yet
 * (SES-18); raising above the enforced highest lifts a forced cut, and above
 * the live slots re-grows retired slots as fresh ones (seqid 0).
 */
void slot_table_set_target(struct slot_table *t, uint32_t target);
/* Test hook (SES-19): enforce highest now (clamped to the live slots); target follows down. */
void slot_table_force_highest(struct slot_table *t, uint32_t highest);
/* Test hook (SES-12): slot becomes idle at seqid with no reply and no key. False if
 * slotid is not live or is in progress. */
bool slot_table_preset(struct slot_table *t, uint32_t slotid, uint32_t seqid);

/* Snapshot of slotid; false when slotid >= nslots. */
bool slot_table_slot_info(const struct slot_table *t, uint32_t slotid, struct slot_info *out);
/* "SEQ_NEW", "SEQ_REPLAY", ... for logs and test messages. */
const char *seq_outcome_name(enum seq_outcome o);

#endif
