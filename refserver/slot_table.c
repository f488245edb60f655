/* slot_table.c - one session's fore-channel slots and reply cache: seqid verdicts, replay keys, retirement (RFC 8881 s2.10.6.1). */
#include "slot_table.h"

#include <stdlib.h>
#include <string.h>

/* What identifies the request that produced a slot's cached reply. */
struct slot_key {
	struct slot_cred cred; /* gids sorted, unused entries zero */
	bool cachethis;
	uint32_t nops;
	uint64_t ops_digest; /* FNV-1a over the opcode list */
};

struct slot {
	uint32_t seqid;      /* last completed request (0 when fresh) */
	bool used;           /* a request completed at seqid (SES-11) */
	bool busy;           /* a new request is executing at pending_seqid */
	bool has_key;        /* false after a preset: any key is a true retry */
	bool reply_cached;   /* reply holds the reply to seqid */
	uint8_t *reply;
	size_t reply_len;
	struct slot_key key; /* of the request at seqid */
	uint32_t pending_seqid;
	struct slot_key pending_key;
};

/* ---- the seqid predicate ---- */

enum slot_verdict slot_check_seqid(uint32_t slot_seqid, bool slot_used, uint32_t req_seqid)
{
	/* RFC 8881 s2.10.6.1 (SES-13, SES-12): one ahead is new; uint32_t wraps 0xffffffff -> 0. */
	if (req_seqid == (uint32_t)(slot_seqid + 1u))
		return SLOT_NEW;
	/* RFC 8881 s2.10.6.1 (SEQ-05): equal is a retry, but a fresh slot has nothing to
	 * retry: its stand-in result is SEQ_MISORDERED (SES-11). */
	if (req_seqid == slot_seqid && slot_used)
		return SLOT_REPLAY;
	/* RFC 8881 s2.10.6.1 (SES-14, SES-15): behind, or two or more ahead. */
	return SLOT_MISORDERED;
}

/* ---- replay keys ---- */

static uint64_t ops_digest(const uint32_t *ops, uint32_t nops)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a 64 over each opcode's 4 bytes */

	for (uint32_t i = 0; ops && i < nops; i++)
		for (unsigned b = 0; b < 4; b++) {
			h ^= (ops[i] >> (8 * b)) & 0xffu;
			h *= 0x100000001b3u;
		}
	return h;
}

/* Insertion sort: at most SLOT_CRED_MAX_GIDS entries. */
void slot_sort_gids(uint32_t *gids, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint32_t g = gids[i], j = i;

		for (; j > 0 && gids[j - 1] > g; j--)
			gids[j] = gids[j - 1];
		gids[j] = g;
	}
}

/* Copy cred with its gids sorted (a multiset compare) and unused entries zeroed. */
static void cred_normalise(struct slot_cred *out, const struct slot_cred *in)
{
	uint32_t n = in->ngids;

	if (n > SLOT_CRED_MAX_GIDS)
		n = SLOT_CRED_MAX_GIDS;
	memset(out, 0, sizeof(*out));
	out->flavor = in->flavor;
	out->uid = in->uid;
	out->gid = in->gid;
	out->ngids = n;
	memcpy(out->gids, in->gids, n * sizeof(out->gids[0]));
	slot_sort_gids(out->gids, n);
}

static void key_from_request(struct slot_key *out, const struct replay_key *in)
{
	cred_normalise(&out->cred, &in->cred);
	out->cachethis = in->cachethis;
	out->nops = in->nops;
	out->ops_digest = ops_digest(in->opcodes, in->nops);
}

/*
 * RFC 8881 s2.10.6.1.3.1: a different user is always a false retry (SES-32);
 * the profile also compares op count, opcodes and cachethis (SES-31, s17). An
 * opcode digest collision makes a false retry look true, which SES-31 permits.
 */
static bool key_equal(const struct slot_key *a, const struct slot_key *b)
{
	const struct slot_cred *x = &a->cred, *y = &b->cred;

	if (x->flavor != y->flavor || x->uid != y->uid || x->gid != y->gid ||
	    x->ngids != y->ngids || memcmp(x->gids, y->gids, x->ngids * sizeof(x->gids[0])) != 0)
		return false;
	return a->cachethis == b->cachethis && a->nops == b->nops &&
	       a->ops_digest == b->ops_digest;
}

/* ---- slots ---- */

static void slot_drop_reply(struct slot_table *t, struct slot *s)
{
	t->cached_bytes -= s->reply_len;
	free(s->reply);
	s->reply = NULL;
	s->reply_len = 0;
	s->reply_cached = false;
}

/* Back to a fresh slot: seqid 0, nothing cached (SES-11). */
static void slot_reset(struct slot_table *t, struct slot *s)
{
	slot_drop_reply(t, s);
	memset(s, 0, sizeof(*s));
}

bool slot_table_init(struct slot_table *t, uint32_t nslots, size_t max_cached_per_reply)
{
	memset(t, 0, sizeof(*t));
	if (nslots == 0 || nslots > SLOT_TABLE_MAX_SLOTS)
		return false;
	t->slots = calloc(nslots, sizeof(t->slots[0]));
	if (!t->slots)
		return false;
	t->nslots = nslots;
	t->live_highest = t->enforced = t->target = nslots - 1;
	t->max_cached = max_cached_per_reply;
	return true;
}

void slot_table_free(struct slot_table *t)
{
	for (uint32_t i = 0; t->slots && i < t->nslots; i++)
		free(t->slots[i].reply);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- retirement (RFC 8881 s2.10.6.1) ---- */

/*
 * Retire the slots above cut: they answer BADSLOT from now on and their caches
 * go, together (SES-20). A slot still in progress, and every slot below it,
 * stays live and intact until a later acknowledgement: the boundary is one id.
 */
static void retire_above(struct slot_table *t, uint32_t cut)
{
	uint32_t live = cut;

	for (uint32_t i = cut + 1; i <= t->live_highest; i++)
		if (t->slots[i].busy)
			live = i;
	for (uint32_t i = live + 1; i <= t->live_highest; i++)
		slot_reset(t, &t->slots[i]);
	t->live_highest = live;
	if (t->enforced > live)
		t->enforced = live;
}

/*
 * RFC 8881 s2.10.6.1 (SES-21): keep slots above a lowered limit until a request
 * shows the client has seen it (sa_highest_slotid at or below it): the target,
 * or during a forced cut the enforced highest.
 */
static void retire_if_acknowledged(struct slot_table *t, uint32_t highest_slotid)
{
	uint32_t cut = highest_slotid <= t->target ? t->target : t->enforced;

	if (highest_slotid <= cut && cut < t->live_highest)
		retire_above(t, cut);
}

/* ---- begin / finish / abort ---- */

static enum seq_outcome begin_busy(const struct slot *s, uint32_t seqid)
{
	/* RFC 8881 s2.10.6.2 (SES-34): a retry of the executing request gets
	 * NFS4ERR_DELAY (profile s17); any other seqid cannot be right. */
	return seqid == s->pending_seqid ? SEQ_DELAY : SEQ_MISORDERED;
}

static enum seq_outcome begin_retry(const struct slot *s, const struct replay_key *key,
				    const uint8_t **cached, size_t *cached_len)
{
	struct slot_key k;

	key_from_request(&k, key);
	/* RFC 8881 s2.10.6.1.3.1 (SES-31, SES-32): same slot and seqid, different request. */
	if (s->has_key && !key_equal(&s->key, &k))
		return SEQ_FALSE_RETRY;
	/* RFC 8881 s2.10.6.1.3 (SES-27): executed but not cached: never re-execute. */
	if (!s->reply_cached)
		return SEQ_RETRY_UNCACHED;
	/* RFC 8881 s2.10.6.1.3 (SES-25): the cached reply, unchanged. */
	*cached = s->reply;
	*cached_len = s->reply_len;
	return SEQ_REPLAY;
}

static enum seq_outcome begin_new(struct slot_table *t, uint32_t slotid, uint32_t seqid,
				  uint32_t highest_slotid, const struct replay_key *key)
{
	struct slot *s = &t->slots[slotid];

	/* RFC 8881 s2.10.6.1, s15.1.11.3 (SES-19): after a forced cut, new requests
	 * beyond the enforced highest slot are refused; retries never reach here. */
	if (t->enforced < t->live_highest && (highest_slotid > t->enforced || slotid > t->enforced))
		return SEQ_BAD_HIGH_SLOT;
	/* RFC 8881 s2.10.6.1 (SES-13): the new seqid is committed by finish, so an
	 * abort leaves the slot as it was (SES-23). */
	s->busy = true;
	s->pending_seqid = seqid;
	key_from_request(&s->pending_key, key);
	retire_if_acknowledged(t, highest_slotid);
	return SEQ_NEW;
}

enum seq_outcome slot_table_begin(struct slot_table *t, uint32_t slotid, uint32_t seqid,
				  uint32_t highest_slotid, const struct replay_key *key,
				  const uint8_t **cached, size_t *cached_len)
{
	const uint8_t *dummy_bytes = NULL;
	size_t dummy_len = 0;
	const struct slot *s;

	cached = cached ? cached : &dummy_bytes;
	cached_len = cached_len ? cached_len : &dummy_len;
	*cached = NULL;
	*cached_len = 0;
	/* RFC 8881 s2.10.6.1, s15.1.11.2 (SES-10, SEQ-03, SES-20): outside the table or retired. */
	if (slotid >= t->nslots || slotid > t->live_highest)
		return SEQ_BADSLOT;
	s = &t->slots[slotid];
	if (s->busy)
		return begin_busy(s, seqid);
	switch (slot_check_seqid(s->seqid, s->used, seqid)) {
	case SLOT_NEW:
		return begin_new(t, slotid, seqid, highest_slotid, key);
	case SLOT_REPLAY:
		return begin_retry(s, key, cached, cached_len);
	case SLOT_MISORDERED:
		break;
	}
	/* RFC 8881 s2.10.6.1 (SES-14, SES-15). */
	return SEQ_MISORDERED;
}

static struct slot *slot_in_progress(struct slot_table *t, uint32_t slotid)
{
	if (slotid >= t->nslots || !t->slots[slotid].busy)
		return NULL;
	return &t->slots[slotid];
}

enum slot_finish_result slot_table_finish(struct slot_table *t, uint32_t slotid,
					  const uint8_t *reply, size_t len, bool cachethis)
{
	struct slot *s = slot_in_progress(t, slotid);
	uint8_t *copy = NULL;

	if (!s)
		return SLOT_FINISH_BAD_STATE;
	/* RFC 8881 s2.10.6.4, s15.1.3.7 (CMP-15): the caller must shorten it first. */
	if (cachethis && !slot_table_fits_cache(t, len))
		return SLOT_FINISH_TOO_BIG;
	if (cachethis && len > 0) {
		copy = malloc(len);
		if (!copy)
			return SLOT_FINISH_NOMEM;
		memcpy(copy, reply, len);
	}
	/* RFC 8881 s2.10.6.1 (SES-17): the previous reply lives until now. */
	slot_drop_reply(t, s);
	s->reply = copy;
	s->reply_len = cachethis ? len : 0;
	/* RFC 8881 s2.10.6.1.3 (SES-26, SES-27): cached or not, the slot advances. */
	s->reply_cached = cachethis;
	t->cached_bytes += s->reply_len;
	s->seqid = s->pending_seqid;
	s->key = s->pending_key;
	s->has_key = true;
	s->used = true;
	s->busy = false;
	return SLOT_FINISHED;
}

bool slot_table_abort(struct slot_table *t, uint32_t slotid)
{
	struct slot *s = slot_in_progress(t, slotid);

	if (!s)
		return false;
	/* RFC 8881 s2.10.6.1.2, s18.46.3 (SES-23): seqid, reply and key untouched. */
	s->busy = false;
	return true;
}

/* ---- limits, accounting, highest/target ---- */

bool slot_table_fits_cache(const struct slot_table *t, size_t len)
{
	return len <= t->max_cached;
}

size_t slot_table_cached_bytes(const struct slot_table *t)
{
	return t->cached_bytes;
}

uint32_t slot_table_highest(const struct slot_table *t)
{
	return t->enforced;
}

uint32_t slot_table_target(const struct slot_table *t)
{
	return t->target;
}

void slot_table_set_target(struct slot_table *t, uint32_t target)
{
	if (t->nslots == 0)
		return;
	/* RFC 8881 s18.46.3 (SEQ-10): the target may move either way in any reply. */
	t->target = target < t->nslots ? target : t->nslots - 1;
	/* Catalogue s15 item 13 (SES-21): re-grown slots were reset when retired,
	 * so they start fresh at seqid 0 like new slots (SES-11). */
	if (t->target > t->live_highest)
		t->live_highest = t->target;
	/* Lowering enforces nothing yet (SES-18); raising lifts a forced cut. */
	if (t->target > t->enforced)
		t->enforced = t->target;
}

void slot_table_force_highest(struct slot_table *t, uint32_t highest)
{
	if (t->nslots == 0)
		return;
	/* RFC 8881 s2.10.6.1 (SES-19): slots above stay until acknowledged (SES-21). */
	t->enforced = highest < t->live_highest ? highest : t->live_highest;
	if (t->target > t->enforced)
		t->target = t->enforced;
}

bool slot_table_preset(struct slot_table *t, uint32_t slotid, uint32_t seqid)
{
	struct slot *s;

	if (slotid >= t->nslots || slotid > t->live_highest || t->slots[slotid].busy)
		return false;
	s = &t->slots[slotid];
	slot_reset(t, s);
	/* SES-12 hook: a completed request at seqid whose reply was not cached. */
	s->seqid = seqid;
	s->used = true;
	return true;
}

bool slot_table_slot_info(const struct slot_table *t, uint32_t slotid, struct slot_info *out)
{
	const struct slot *s;

	if (slotid >= t->nslots)
		return false;
	s = &t->slots[slotid];
	out->state = s->busy ? SLOT_IN_PROGRESS : s->used ? SLOT_IDLE : SLOT_NEVER_USED;
	out->seqid = s->seqid;
	out->cached = s->reply_cached;
	out->cached_len = s->reply_len;
	out->pending_seqid = s->busy ? s->pending_seqid : 0;
	return true;
}

const char *seq_outcome_name(enum seq_outcome o)
{
	static const char *const names[] = {
		[SEQ_NEW] = "SEQ_NEW",
		[SEQ_REPLAY] = "SEQ_REPLAY",
		[SEQ_RETRY_UNCACHED] = "SEQ_RETRY_UNCACHED",
		[SEQ_BADSLOT] = "SEQ_BADSLOT",
		[SEQ_MISORDERED] = "SEQ_MISORDERED",
		[SEQ_FALSE_RETRY] = "SEQ_FALSE_RETRY",
		[SEQ_DELAY] = "SEQ_DELAY",
		[SEQ_BAD_HIGH_SLOT] = "SEQ_BAD_HIGH_SLOT",
	};

	if ((unsigned)o < sizeof(names) / sizeof(names[0]) && names[o])
		return names[o];
	return "SEQ_?";
}
