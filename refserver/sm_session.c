/*
 * sm_session.c - sessions: CREATE_SESSION (RFC 8881 s18.36, phases 1-4), DESTROY_SESSION
 * (s18.37), BIND_CONN_TO_SESSION (s18.34), DESTROY_CLIENTID (s18.50), RECLAIM_COMPLETE
 * (s18.51), the connections bound to each session, and the reaper.
 */
#include "sm_internal.h"

#include <stdlib.h>
#include <string.h>

#define MIN_MSG_SIZE 128u /* below this no SEQUENCE fits: NFS4ERR_TOOSMALL (s18.36.3) */
#define CSA_FLAGS_DEFINED                                                                      \
	(CREATE_SESSION4_FLAG_PERSIST | CREATE_SESSION4_FLAG_CONN_BACK_CHAN |                   \
	 CREATE_SESSION4_FLAG_CONN_RDMA)

/* ---- lookup and connections ---------------------------------------------------------------- */

/* FNV-1a over the id: ids come from clients too, so every byte counts. */
static uint32_t bucket_of(const uint8_t id[NFS4_SESSIONID_SIZE])
{
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < NFS4_SESSIONID_SIZE; i++)
		h = (h ^ id[i]) * 16777619u;
	return h & (SM_SESSION_BUCKETS - 1);
}

struct sm_session *sm_session_find(struct sm *s, const uint8_t id[NFS4_SESSIONID_SIZE])
{
	for (struct sm_session *x = s->session_hash[bucket_of(id)]; x; x = x->hnext)
		if (!memcmp(x->id, id, NFS4_SESSIONID_SIZE))
			return x;
	return NULL;
}

static void hash_insert(struct sm *s, struct sm_session *x)
{
	struct sm_session **b = &s->session_hash[bucket_of(x->id)];

	x->hnext = *b;
	*b = x;
}

static void hash_remove(struct sm *s, const struct sm_session *x)
{
	for (struct sm_session **p = &s->session_hash[bucket_of(x->id)]; *p; p = &(*p)->hnext)
		if (*p == x) {
			*p = x->hnext;
			return;
		}
}

static struct sm_binding *binding_of(struct sm_session *x, uint64_t conn)
{
	for (uint32_t i = 0; i < x->nconns; i++)
		if (x->conns[i].conn == conn)
			return &x->conns[i];
	return NULL;
}

/* Bind conn for dir (CDFS4_*); false when the session's connection cap is reached. */
bool sm_session_bind(struct sm *s, struct sm_session *x, uint64_t conn, uint32_t dir)
{
	struct sm_binding *b = binding_of(x, conn);
	bool new_back = (dir & CDFS4_BACK) && !(b && (b->dir & CDFS4_BACK));

	if (!b && x->nconns >= s->limits.max_conns_per_session)
		return false;
	if (b)
		b->dir |= dir;
	else
		x->conns[x->nconns++] = (struct sm_binding){conn, dir};
	x->had_back |= (dir & CDFS4_BACK) != 0;
	if (new_back)
		sm_callback_bound(s, x, conn);
	return true;
}

bool sm_session_bound(struct sm_session *x, uint64_t conn) { return binding_of(x, conn) != NULL; }

void sm_conn_unbind_all(struct sm *s, uint64_t conn)
{
	for (struct sm_session *x = s->sessions; x; x = x->next) {
		struct sm_binding *b = binding_of(x, conn);
		bool was_back;

		if (!b)
			continue;
		was_back = (b->dir & CDFS4_BACK) != 0;
		*b = x->conns[--x->nconns];
		if (was_back)
			sm_callback_conn_lost(s, x, conn);
	}
}

static bool session_has_back(const struct sm_session *x)
{
	for (uint32_t i = 0; i < x->nconns; i++)
		if (x->conns[i].dir & CDFS4_BACK)
			return true;
	return false;
}

/*
 * Any back-channel connection bound to a session of x's client. Every SEQUENCE asks, so the
 * walk over all the server's sessions happens only for a client with several: with 10,000
 * single-session clients it took two thirds of nfs41refd's time.
 */
static bool client_has_back(const struct sm *s, const struct sm_session *x)
{
	if (session_has_back(x))
		return true;
	if (x->client->nsessions <= 1)
		return false;
	for (const struct sm_session *o = s->sessions; o; o = o->next)
		if (o->client == x->client && o != x && session_has_back(o))
			return true;
	return false;
}

/*
 * sr_status_flags as things are now (RFC 8881 s18.46.3): CB_PATH_DOWN until some session of the
 * client has a back channel (catalogue s17, SEQ-12); CB_PATH_DOWN_SESSION once this session's
 * last back connection went (SES-41); the test hooks' revocation (SEQ-15) and fault (SEQ-16).
 */
uint32_t sm_status_flags(struct sm *s, const struct sm_session *x)
{
	uint32_t f = 0;

	if (!client_has_back(s, x))
		f |= SEQ4_STATUS_CB_PATH_DOWN;
	if (x->had_back && !session_has_back(x))
		f |= SEQ4_STATUS_CB_PATH_DOWN_SESSION;
	if (x->client->revoked)
		f |= SEQ4_STATUS_ADMIN_STATE_REVOKED;
	if (x->bc_fault)
		f |= SEQ4_STATUS_BACKCHANNEL_FAULT;
	return f;
}

bool sm_session_busy(const struct sm_session *x, uint32_t except_slot)
{
	struct slot_info si;

	for (uint32_t k = 0; k < x->slots.nslots; k++)
		if (k != except_slot && slot_table_slot_info(&x->slots, k, &si) &&
		    si.state == SLOT_IN_PROGRESS)
			return true;
	return false;
}

static void observe_duration(struct sm *s, const struct sm_session *x, enum sm_destroy_reason why)
{
	double secs = (double)(sm_now(s) - x->created_ms) / 1000;
	unsigned b = 0;

	while (b < SM_DURATION_BUCKETS - 1 && secs > sm_duration_bounds[b])
		b++;
	s->stats.duration_buckets[b]++;
	s->stats.duration_count++;
	s->stats.duration_sum += secs;
	s->stats.destroyed_by[why]++;
}

void sm_session_destroy(struct sm *s, struct sm_session *x, enum sm_destroy_reason why)
{
	for (struct sm_session **p = &s->sessions; *p; p = &(*p)->next) {
		if (*p != x)
			continue;
		sm_logf(s, "session destroyed: client %016llx (%s)",
			(unsigned long long)x->client->clientid, sm_destroy_reason_name(why));
		observe_duration(s, x, why);
		/* The COMPOUND running on x (a restarted client confirmed from its old session, say,
		 * or DESTROY_SESSION of its own session) has no slot left to finish. */
		if (s->rq && s->rq->session == x)
			s->rq->session = NULL;
		hash_remove(s, x);
		*p = x->next;
		x->client->nsessions--;
		s->stats.reply_cache_bytes -= slot_table_cached_bytes(&x->slots);
		s->cache_reserved -= x->cache_reserve;
		slot_table_free(&x->slots);
		free(x->conns);
		free(x);
		s->stats.sessions_active--;
		s->stats.sessions_destroyed++;
		return;
	}
}

void sm_client_destroy(struct sm *s, struct sm_client *c, enum sm_destroy_reason why)
{
	struct sm_session *x = s->sessions, *next;

	for (; x; x = next) {
		next = x->next;
		if (x->client == c)
			sm_session_destroy(s, x, why);
	}
	sm_client_remove(s, c);
}

void sm_sessions_free(struct sm *s)
{
	while (s->sessions)
		sm_session_destroy(s, s->sessions, SM_BY_ADMIN);
}

/* ---- CREATE_SESSION ------------------------------------------------------------------------- */

/* Arguments checked before phase 1 and never cached (catalogue s17, CS-16, CS-24, CS-25). */
static uint32_t check_create_args(const struct CREATE_SESSION4args *a)
{
	const struct channel_attrs4 *f = &a->csa_fore_chan_attrs, *b = &a->csa_back_chan_attrs;
	bool sec_ok = false;

	if (a->csa_flags & ~CSA_FLAGS_DEFINED)
		return NFS4ERR_INVAL;
	/* Below these no SEQUENCE / CB_SEQUENCE and its reply fit, on either channel (CS-24, CS-25). */
	if (f->ca_maxrequestsize < MIN_MSG_SIZE || f->ca_maxresponsesize < MIN_MSG_SIZE ||
	    b->ca_maxrequestsize < MIN_MSG_SIZE || b->ca_maxresponsesize < MIN_MSG_SIZE ||
	    f->ca_maxoperations == 0 || f->ca_maxrequests == 0 || b->ca_maxrequests == 0 ||
	    b->ca_maxoperations == 0)
		return NFS4ERR_TOOSMALL;
	for (uint32_t i = 0; i < a->csa_sec_parms_count && i < WIRE_MAX_CB_SEC; i++)
		sec_ok |= a->csa_sec_parms[i].cb_secflavor != ONCRPC_RPCSEC_GSS;
	/* No GSS context exists here, so a GSS-only list names handles we do not have (CS-32). */
	return sec_ok || a->csa_sec_parms_count == 0 ? NFS4_OK : NFS4ERR_NOENT;
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Never raise a value the client asked for (s18.36.3, CS-21..CS-28). */
static void negotiate(const struct sm_limits *l, const struct CREATE_SESSION4args *a,
		      struct CREATE_SESSION4resok *r)
{
	const struct channel_attrs4 *f = &a->csa_fore_chan_attrs, *b = &a->csa_back_chan_attrs;

	r->csr_fore_chan_attrs = (struct channel_attrs4){
		.ca_headerpadsize = 0,
		.ca_maxrequestsize = min_u32(f->ca_maxrequestsize, l->max_request_size),
		.ca_maxresponsesize = min_u32(f->ca_maxresponsesize, l->max_response_size),
		.ca_maxresponsesize_cached =
			min_u32(f->ca_maxresponsesize_cached, l->max_response_size_cached),
		.ca_maxoperations = min_u32(f->ca_maxoperations, l->max_ops),
		.ca_maxrequests = min_u32(f->ca_maxrequests, l->max_fore_slots)};
	/* The back channel's counts are the client's to choose (catalogue s17, CS-27, CS-28). */
	r->csr_back_chan_attrs = (struct channel_attrs4){
		.ca_headerpadsize = 0,
		.ca_maxrequestsize = min_u32(b->ca_maxrequestsize, l->max_request_size),
		.ca_maxresponsesize = min_u32(b->ca_maxresponsesize, l->max_response_size),
		.ca_maxresponsesize_cached =
			min_u32(b->ca_maxresponsesize_cached, l->max_response_size_cached),
		.ca_maxoperations = b->ca_maxoperations,
		.ca_maxrequests = b->ca_maxrequests};
	/* PERSIST and CONN_RDMA are never granted; CONN_BACK_CHAN when asked (CS-17..CS-19). */
	r->csr_flags = a->csa_flags & CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
}

static void new_sessionid(struct sm *s, uint8_t id[NFS4_SESSIONID_SIZE])
{
	uint64_t n = ++s->next_session;

	for (int i = 0; i < 8; i++) {
		id[i] = (uint8_t)(s->boot_id >> (56 - 8 * i));
		id[8 + i] = (uint8_t)(n >> (56 - 8 * i));
	}
}

static uint64_t reply_cache_need(const struct channel_attrs4 *fore)
{
	return (uint64_t)fore->ca_maxrequests * fore->ca_maxresponsesize_cached;
}

/* Phase 4: the session itself; its connection is bound (SES-07). */
static uint32_t create(struct sm *s, struct sm_request *rq, struct sm_client *c,
		       const struct CREATE_SESSION4args *a, struct CREATE_SESSION4resok *r)
{
	struct sm_session *x;

	x = calloc(1, sizeof(*x));
	if (!x || !(x->conns = calloc(s->limits.max_conns_per_session, sizeof(*x->conns))) ||
	    !slot_table_init(&x->slots, r->csr_fore_chan_attrs.ca_maxrequests,
			     r->csr_fore_chan_attrs.ca_maxresponsesize_cached)) {
		if (x)
			free(x->conns);
		free(x);
		return NFS4ERR_SERVERFAULT;
	}
	new_sessionid(s, x->id);
	memcpy(r->csr_sessionid, x->id, NFS4_SESSIONID_SIZE);
	r->csr_sequence = a->csa_sequence; /* CS-03 */
	x->client = c;
	x->cache_reserve = reply_cache_need(&r->csr_fore_chan_attrs);
	s->cache_reserved += x->cache_reserve;
	x->fore = r->csr_fore_chan_attrs;
	x->back = r->csr_back_chan_attrs;
	x->flags = r->csr_flags;
	x->created_ms = x->last_used_ms = sm_now(s);
	sm_callback_setup(x, a);
	sm_session_bind(s, x, rq->conn,
			CDFS4_FORE | (x->flags & CREATE_SESSION4_FLAG_CONN_BACK_CHAN ? CDFS4_BACK : 0));
	x->next = s->sessions;
	s->sessions = x;
	hash_insert(s, x);
	c->nsessions++;
	s->stats.sessions_active++;
	s->stats.sessions_created++;
	sm_logf(s, "session created: client %016llx, %u slots", (unsigned long long)c->clientid,
		x->fore.ca_maxrequests);
	return NFS4_OK;
}

/* Phase 3: only the principal that made an unconfirmed record may confirm it (CS-13). */
static uint32_t check_confirm(const struct sm_client *c, const struct sm_request *rq)
{
	if (c->confirmed)
		return NFS4_OK; /* phase 3 is skipped: any principal may add a session (CS-14) */
	return sm_principal_equal(&c->principal, &rq->principal) ? NFS4_OK : NFS4ERR_CLID_INUSE;
}

/* Phase 4's room check, made before phase 3 changes anything: a failed creation leaves the
 * record unconfirmed and an earlier incarnation alive (s18.36.4, CS-12). */
static uint32_t check_room(const struct sm *s, const struct sm_client *c)
{
	if (c->nsessions >= (c->capped ? c->session_cap : s->limits.max_sessions_per_client))
		return NFS4ERR_NOSPC; /* no room for another reply cache (CS-15) */
	return NFS4_OK;
}

/*
 * Room for the session's reply cache within reply_cache_bytes: fewer slots when the whole table
 * does not fit (lowering a value is the server's right, s18.36.3), NOSPC when not even one slot
 * does (s18.36.4 phase 4, CS-15).
 */
static uint32_t fit_reply_cache(const struct sm *s, struct channel_attrs4 *fore)
{
	uint64_t room = s->limits.reply_cache_cap - s->cache_reserved;
	uint64_t per_slot = fore->ca_maxresponsesize_cached;

	if (per_slot == 0 || reply_cache_need(fore) <= room)
		return NFS4_OK;
	if (room / per_slot == 0)
		return NFS4ERR_NOSPC;
	fore->ca_maxrequests = (uint32_t)(room / per_slot);
	return NFS4_OK;
}

/* Phase 3 proper: confirm the record; a restarted client's old incarnation goes now
 * (s18.35.4 case 5, EXID-25). */
static void confirm(struct sm *s, struct sm_client *c)
{
	struct sm_client *old;

	if (c->confirmed)
		return;
	while ((old = sm_client_confirmed_owner(s, c)) != NULL)
		sm_client_destroy(s, old, SM_BY_CLIENT_GONE);
	c->confirmed = true;
	s->stats.clients_unconfirmed--;
	s->stats.clients_confirmed++;
}

/*
 * Under SP4_MACH_CRED an operation in the granted spo_must_enforce set must come with the
 * machine credential, else NFS4ERR_WRONG_CRED (RFC 8881 s2.10.8.3, s18.35.3; SES-44). Only the
 * mach-cred test hook grants it here (no RPCSEC_GSS), so the principal is compared with the
 * AUTH_SYS equality of catalogue s17; under SP4_NONE the set is empty (SES-43).
 */
static bool not_machine_cred(const struct sm_client *c, const struct sm_request *rq, uint32_t op)
{
	return bitmap4_isset(&c->must_enforce, op) &&
	       !sm_principal_equal(&c->mach_principal, &rq->principal);
}

uint32_t sm_create_session(struct sm *s, struct sm_request *rq,
			   const struct CREATE_SESSION4args *a, struct CREATE_SESSION4resok *r)
{
	struct sm_client *c;
	uint32_t st = check_create_args(a);

	if (st != NFS4_OK)
		return st;
	c = sm_client_find(s, a->csa_clientid);
	/* Under SP4_MACH_CRED another principal neither reads nor advances the slot (SES-44). */
	if (c && not_machine_cred(c, rq, OP_CREATE_SESSION))
		return NFS4ERR_WRONG_CRED;
	if (!c)
		return NFS4ERR_STALE_CLIENTID; /* phase 1 (CS-04) */
	switch (slot_check_seqid(c->cs_seqid, c->cs_used, a->csa_sequence)) { /* phase 2 */
	case SLOT_REPLAY:
		*r = c->cs_reply; /* CS-07: the cached result, success or error */
		return c->cs_status;
	case SLOT_MISORDERED:
		return NFS4ERR_SEQ_MISORDERED; /* CS-05, CS-09 */
	case SLOT_NEW:
		break;
	}
	st = check_confirm(c, rq);
	if (st == NFS4_OK)
		st = check_room(s, c);
	if (st == NFS4_OK) {
		negotiate(&s->limits, a, r);
		st = fit_reply_cache(s, &r->csr_fore_chan_attrs);
	}
	if (st == NFS4_OK) {
		confirm(s, c);
		st = create(s, rq, c, a, r);
	}
	/* From phase 2 on, the result is this slot's cached reply (CS-11). */
	c->cs_seqid = a->csa_sequence;
	c->cs_used = true;
	c->cs_status = st;
	c->cs_reply = st == NFS4_OK ? *r : (struct CREATE_SESSION4resok){0};
	if (st == NFS4_OK)
		c->lease_expiry_ms = sm_now(s) + (uint64_t)s->limits.lease_seconds * 1000;
	return st;
}

/* ---- DESTROY_SESSION, BIND_CONN_TO_SESSION ---------------------------------------------------- */

/* DESTROY_SESSION once the credential is not in question. */
static uint32_t destroy_session(struct sm *s, struct sm_request *rq,
				const struct DESTROY_SESSION4args *a, bool last_op)
{
	struct sm_session *x = sm_session_find(s, a->dsa_sessionid);

	if (!x)
		return NFS4ERR_BADSESSION; /* DS-01 */
	if (rq->session == x && !last_op)
		return NFS4ERR_NOT_ONLY_OP; /* the compound's own session: last op only (DS-06) */
	/* On a connection bound to x, whichever session the COMPOUND's SEQUENCE named (s18.37.3;
	 * catalogue s17, DS-04); SEQUENCE of x itself has bound it already (SES-08). */
	if (!sm_session_bound(x, rq->conn))
		return NFS4ERR_CONN_NOT_BOUND_TO_SESSION;
	/* Another request still executes on it (the delay hook): try again later (DS-12). */
	if (sm_session_busy(x, rq->session == x ? rq->slot : UINT32_MAX))
		return NFS4ERR_DELAY;
	sm_session_destroy(s, x, SM_BY_CLIENT); /* its slot goes with it: nothing to finish */
	return NFS4_OK;
}

uint32_t sm_destroy_session(struct sm *s, struct sm_request *rq,
			    const struct DESTROY_SESSION4args *a, bool last_op)
{
	const struct sm_session *x = sm_session_find(s, a->dsa_sessionid);

	/* s18.37.3: under SP4_MACH_CRED the machine principal alone destroys it (DS-05) */
	if (x && not_machine_cred(x->client, rq, OP_DESTROY_SESSION))
		return NFS4ERR_WRONG_CRED;
	return destroy_session(s, rq, a, last_op);
}

static uint32_t dir_from_client(uint32_t d)
{
	switch (d) {
	case CDFC4_FORE: return CDFS4_FORE;
	case CDFC4_BACK: return CDFS4_BACK;
	case CDFC4_FORE_OR_BOTH:
	case CDFC4_BACK_OR_BOTH: return CDFS4_BOTH;
	default: return 0;
	}
}

/* FORE_OR_BOTH accepts a connection already bound fore (alone or both), BACK_OR_BOTH one already
 * bound back: rebinding it changes no channel. */
static bool or_both_satisfied(uint32_t client_dir, uint32_t bound)
{
	return (client_dir == CDFC4_FORE_OR_BOTH && (bound & CDFS4_FORE)) ||
	       (client_dir == CDFC4_BACK_OR_BOTH && (bound & CDFS4_BACK));
}

uint32_t sm_bind_conn(struct sm *s, struct sm_request *rq, const struct BIND_CONN_TO_SESSION4args *a,
		      struct BIND_CONN_TO_SESSION4resok *r)
{
	struct sm_session *x = sm_session_find(s, a->bctsa_sessid);
	uint32_t dir = dir_from_client(a->bctsa_dir);
	struct sm_binding *b;

	if (!x)
		return NFS4ERR_BADSESSION; /* BCTS-08 */
	if (!dir)
		return NFS4ERR_BADXDR; /* not a channel_dir_from_client4 value (s15.1.1.1, CMP-20) */
	if (not_machine_cred(x->client, rq, OP_BIND_CONN_TO_SESSION))
		return NFS4ERR_WRONG_CRED; /* s18.34.3: the machine credential binds (BCTS-04) */
	b = binding_of(x, rq->conn);
	if (b && or_both_satisfied(a->bctsa_dir, b->dir))
		dir = b->dir; /* "the client will accept" the channel it already has (s18.34.3) */
	else if (b && b->dir != dir)
		return NFS4ERR_INVAL; /* already bound to other channels (BCTS-07, catalogue s17) */
	if (!b && !sm_session_bind(s, x, rq->conn, dir))
		return NFS4ERR_DELAY; /* the session's connection cap: try later */
	memcpy(r->bctsr_sessid, x->id, NFS4_SESSIONID_SIZE);
	r->bctsr_dir = dir;
	r->bctsr_use_conn_in_rdma_mode = false; /* TCP only (BCTS-10) */
	x->client->lease_expiry_ms = sm_now(s) + (uint64_t)s->limits.lease_seconds * 1000;
	return NFS4_OK;
}

/* ---- DESTROY_CLIENTID, RECLAIM_COMPLETE -------------------------------------------------------- */

/* DESTROY_CLIENTID once the credential is not in question. */
static uint32_t destroy_clientid(struct sm *s, const struct DESTROY_CLIENTID4args *a)
{
	struct sm_client *c = sm_client_find(s, a->dca_clientid);

	if (!c)
		return NFS4ERR_STALE_CLIENTID; /* DCID-06 */
	if (c->nsessions)
		return NFS4ERR_CLIENTID_BUSY; /* DCID-01, DCID-02 */
	sm_client_destroy(s, c, SM_BY_CLIENT_GONE);
	return NFS4_OK;
}

uint32_t sm_destroy_clientid(struct sm *s, const struct DESTROY_CLIENTID4args *a)
{
	const struct sm_client *c = sm_client_find(s, a->dca_clientid);

	/* s2.10.8.3, s18.35.3: under SP4_MACH_CRED the machine credential alone destroys it
	 * (DCID-09); s->rq is this COMPOUND, the only one that runs */
	if (c && not_machine_cred(c, s->rq, OP_DESTROY_CLIENTID))
		return NFS4ERR_WRONG_CRED;
	return destroy_clientid(s, a);
}

uint32_t sm_reclaim_complete(struct sm_request *rq, const struct RECLAIM_COMPLETE4args *a)
{
	struct sm_client *c = rq->session->client;

	if (a->rca_one_fs)
		return rq->has_fh ? NFS4_OK : NFS4ERR_NOFILEHANDLE; /* catalogue s17 (RC-04) */
	if (c->reclaim_complete)
		return NFS4ERR_COMPLETE_ALREADY; /* RC-03 */
	c->reclaim_complete = true;
	return NFS4_OK;
}

/* ---- the reaper ---------------------------------------------------------------------------------- */

/* A confirmed client whose lease ran out loses its state; stale unconfirmed records go too. */
bool sm_client_expired(const struct sm *s, const struct sm_client *c)
{
	return c->lease_expiry_ms <= sm_now(s);
}

void sm_reap(struct sm *s)
{
	struct sm_client *c = s->clients, *next;

	s->stats.reaper_runs++;
	for (; c; c = next) {
		next = c->next;
		if (!sm_client_expired(s, c))
			continue;
		sm_logf(s, "reaped: client %016llx (%s)", (unsigned long long)c->clientid,
			c->confirmed ? "lease expired" : "never confirmed");
		sm_client_destroy(s, c, SM_BY_REAPER);
		s->stats.reaped_clients++;
	}
}
