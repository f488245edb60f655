/*
 * sm_sequence.c - SEQUENCE (RFC 8881 s18.46): the session, the size limits, then the slot's
 * verdict (slot_table.c) before anything runs; caching the COMPOUND's result afterwards.
 */
#include "sm_internal.h"

#include <string.h>

static void replay_key(const struct sm_request *rq, const struct COMPOUND4args *args,
		       uint32_t *ops, struct replay_key *k)
{
	const struct sm_principal *p = &rq->principal;

	memset(k, 0, sizeof(*k));
	k->cred.flavor = p->flavor;
	k->cred.uid = p->uid;
	k->cred.gid = p->gid;
	k->cred.ngids = p->ngids;
	memcpy(k->cred.gids, p->gids, sizeof(k->cred.gids));
	k->cachethis = args->argarray[0].u.sequence.sa_cachethis;
	k->nops = args->argarray_len;
	for (uint32_t i = 0; i < args->argarray_len; i++)
		ops[i] = args->argarray[i].op;
	k->opcodes = ops;
}

static void fill(struct sm *s, const struct sm_session *x, const struct SEQUENCE4args *a,
		 struct SEQUENCE4resok *r)
{
	memcpy(r->sr_sessionid, x->id, NFS4_SESSIONID_SIZE); /* SEQ-01 */
	r->sr_sequenceid = a->sa_sequenceid;
	r->sr_slotid = a->sa_slotid;
	r->sr_highest_slotid = slot_table_highest(&x->slots);
	r->sr_target_highest_slotid = slot_table_target(&x->slots);
	r->sr_status_flags = sm_status_flags(s, x);
}

/*
 * A cached reply is resent byte for byte, except sr_status_flags, which say how things are now
 * (s2.10.6.1.1, SES-22). The SEQUENCE resok sits at a fixed offset after the tag.
 */
static void replay(struct sm *s, struct sm_request *rq, const struct sm_session *x,
		   const uint8_t *cached, size_t len)
{
	uint8_t *copy = sm_scratch(rq, len);
	size_t taglen, at;
	uint32_t flags = sm_status_flags(s, x);

	rq->replay = cached;
	rq->replay_len = len;
	if (!copy || len < 8)
		return;
	memcpy(copy, cached, len);
	taglen = (size_t)copy[4] << 24 | (size_t)copy[5] << 16 | (size_t)copy[6] << 8 | copy[7];
	at = 8 + ((taglen + 3) & ~(size_t)3) + 4 + 8 + NFS4_SESSIONID_SIZE + 16;
	if (at + 4 <= len) {
		for (int i = 0; i < 4; i++)
			copy[at + (size_t)i] = (uint8_t)(flags >> (24 - 8 * i));
		rq->replay = copy;
	}
}

/* A SEQUENCE that succeeds renews its client's lease, a retry included (RFC 8881 s8.3, SES-04). */
static void renew_lease(struct sm *s, struct sm_client *c)
{
	c->lease_expiry_ms = sm_now(s) + (uint64_t)s->limits.lease_seconds * 1000;
}

/* Every outcome but a new request: an error, the cached reply, or an uncached retry. */
static uint32_t not_new(struct sm *s, struct sm_request *rq, const struct sm_session *x,
			const struct SEQUENCE4args *a, enum seq_outcome outcome, const uint8_t *cached,
			size_t cached_len, struct SEQUENCE4resok *r)
{
	switch (outcome) {
	case SEQ_BADSLOT: return NFS4ERR_BADSLOT;             /* SEQ-03 */
	case SEQ_DELAY: return NFS4ERR_DELAY;                 /* SES-34, catalogue s17 */
	case SEQ_BAD_HIGH_SLOT: return NFS4ERR_BAD_HIGH_SLOT; /* SES-19 */
	case SEQ_MISORDERED:
		s->stats.misordered++;
		sm_detailf(s, "misordered: slot %u seqid %u", a->sa_slotid, a->sa_sequenceid);
		return NFS4ERR_SEQ_MISORDERED; /* SES-14, SES-15 */
	case SEQ_FALSE_RETRY:
		s->stats.false_retries++;
		sm_detailf(s, "false retry: slot %u seqid %u", a->sa_slotid, a->sa_sequenceid);
		return NFS4ERR_SEQ_FALSE_RETRY; /* SES-31, SES-32 */
	case SEQ_REPLAY:
		renew_lease(s, x->client);
		s->stats.replays_served++;
		sm_detailf(s, "replay served: slot %u seqid %u", a->sa_slotid, a->sa_sequenceid);
		replay(s, rq, x, cached, cached_len); /* SES-25 */
		return NFS4_OK;
	case SEQ_RETRY_UNCACHED:
		renew_lease(s, x->client);
		s->stats.replays_served++;
		rq->retry_uncached = true; /* SES-27 */
		fill(s, x, a, r);
		return NFS4_OK;
	case SEQ_NEW:
		break;
	}
	return NFS4ERR_SERVERFAULT;
}

/*
 * A connection not yet bound to x is bound by SEQUENCE itself under SP4_NONE (s2.10.3.1, SES-08).
 * When BIND_CONN_TO_SESSION is in the client's enforced set (SP4_MACH_CRED, through the mach-cred
 * test hook) binding is the machine credential's alone: nothing is bound and the request fails
 * before its slot is looked at (s18.46.3, s18.34.3; SEQ-11, SES-44). A client whose lease ran
 * out has no state left to protect: it gets BADSESSION like any other (SEQ-08).
 */
static bool binding_refused(const struct sm *s, const struct sm_request *rq,
			    struct sm_session *x)
{
	return bitmap4_isset(&x->client->must_enforce, OP_BIND_CONN_TO_SESSION) &&
	       !sm_session_bound(x, rq->conn) && !sm_client_expired(s, x->client);
}

uint32_t sm_sequence(struct sm *s, struct sm_request *rq, const struct COMPOUND4args *args,
		     struct SEQUENCE4resok *r)
{
	const struct SEQUENCE4args *a = &args->argarray[0].u.sequence;
	struct sm_session *x = sm_session_find(s, a->sa_sessionid);
	uint32_t ops[4096];

	s->stats.sequences++;
	struct replay_key key;
	const uint8_t *cached;
	size_t cached_len, cache_before;
	enum seq_outcome outcome;

	if (!x)
		return NFS4ERR_BADSESSION; /* SEQ-02 */
	if (binding_refused(s, rq, x))
		return NFS4ERR_CONN_NOT_BOUND_TO_SESSION; /* s18.46.3 (SEQ-11) */
	if (sm_client_expired(s, x->client)) {
		sm_reap(s); /* lease over: its state is gone, as if the reaper had run (SEQ-08) */
		return NFS4ERR_BADSESSION;
	}
	/* Size errors on SEQUENCE leave nothing executed and the slot untouched (SEQ-18). */
	if (args->argarray_len > x->fore.ca_maxoperations)
		return NFS4ERR_TOO_MANY_OPS; /* CMP-12 */
	if (rq->record_len > x->fore.ca_maxrequestsize)
		return NFS4ERR_REQ_TOO_BIG; /* CMP-13 */
	/* SEQUENCE's own reply must fit too (s2.10.6.4): a long tag, a tiny cached size. */
	if (sm_sequence_reply_size(args) > x->fore.ca_maxresponsesize)
		return NFS4ERR_REP_TOO_BIG; /* CMP-14 */
	if (a->sa_cachethis && sm_sequence_reply_size(args) > x->fore.ca_maxresponsesize_cached)
		return NFS4ERR_REP_TOO_BIG_TO_CACHE; /* CMP-15 */
	if (!sm_session_bound(x, rq->conn))
		sm_session_bind(s, x, rq->conn, CDFS4_FORE); /* SP4_NONE binds implicitly (SES-08) */
	replay_key(rq, args, ops, &key);
	cache_before = slot_table_cached_bytes(&x->slots);
	outcome = slot_table_begin(&x->slots, a->sa_slotid, a->sa_sequenceid, a->sa_highest_slotid,
				   &key, &cached, &cached_len);
	/* A new request may retire slots above the target, freeing their caches (SES-20). */
	s->stats.reply_cache_bytes -= cache_before - slot_table_cached_bytes(&x->slots);
	if (outcome != SEQ_NEW)
		return not_new(s, rq, x, a, outcome, cached, cached_len, r);
	if (x->dead) { /* restarted: only retries are answered (s2.10.6.5, SES-37) */
		slot_table_abort(&x->slots, a->sa_slotid);
		return NFS4ERR_DEADSESSION;
	}
	rq->session = x;
	rq->slot = a->sa_slotid;
	rq->cachethis = a->sa_cachethis;
	rq->slot_begun = true;
	x->last_used_ms = sm_now(s);
	renew_lease(s, x->client); /* SES-04 */
	fill(s, x, a, r);
	return NFS4_OK;
}

void sm_slot_finish(struct sm *s, struct sm_session *x, uint32_t slot, bool cachethis,
		    const uint8_t *res, size_t len)
{
	struct slot_table *t = &x->slots;
	size_t before = slot_table_cached_bytes(t);
	/*
	 * Room was reserved for every slot at CREATE_SESSION (fit_reply_cache), and sm_limit_reply
	 * answered REP_TOO_BIG_TO_CACHE to what exceeds the slot's share, so a cachethis reply
	 * fits (SES-25). Should it not (no memory), it is kept as "executed, not cached": a retry
	 * then gets RETRY_UNCACHED_REP, never a second execution.
	 */
	bool cache = cachethis && slot_table_fits_cache(t, len);

	if (slot_table_finish(t, slot, res, len, cache) == SLOT_FINISH_NOMEM)
		slot_table_finish(t, slot, res, len, false);
	s->stats.reply_cache_bytes += slot_table_cached_bytes(t);
	s->stats.reply_cache_bytes -= before;
}

void sm_sequence_finish(struct sm *s, struct sm_request *rq, const uint8_t *res, size_t len)
{
	if (!rq->slot_begun || !rq->session)
		return; /* no new request, or its session was destroyed by the COMPOUND itself */
	sm_slot_finish(s, rq->session, rq->slot, rq->cachethis, res, len);
}

/*
 * FREE_STATEID (RFC 8881 s18.38): this server holds no opens, locks or delegations, so the only
 * stateid that exists is the one the revoke hook handed out; freeing it is the client's
 * acknowledgement that clears SEQ4_STATUS_ADMIN_STATE_REVOKED (s18.46.3, SEQ-15).
 */
uint32_t sm_free_stateid(struct sm_request *rq, const struct wire_opaque *args)
{
	struct sm_client *c = rq->session ? rq->session->client : NULL;

	if (args->len != 4 + NFS4_OTHER_SIZE)
		return NFS4ERR_BADXDR; /* the wire layer validated it; defensive */
	if (!c || !c->revoked || memcmp(args->data + 4, c->revoked_other, NFS4_OTHER_SIZE) != 0)
		return NFS4ERR_BAD_STATEID;
	c->revoked = false;
	return NFS4_OK;
}
