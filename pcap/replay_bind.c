/* replay_bind.c - the binding table of `nfs41check pcap replay` (see replay_bind.h). */
#include "replay_bind.h"

#include <stdlib.h>
#include <string.h>

/* Slots per session whose seqids are rebased (RFC 8881 s18.36: ca_maxrequests). */
#define SLOTS_TRACKED 1024u
#define SCRATCH_MAX 64u     /* raw ops patched in one call */

/* A variable-length value (owner, filehandle) and what it maps to. */
struct blob_map {
	uint8_t cap[NFS4_OPAQUE_LIMIT], live[NFS4_OPAQUE_LIMIT];
	uint32_t cap_len, live_len;
};

struct client_map {
	uint64_t cap, live;
	uint32_t csa_delta; /* live csa_sequence - captured csa_sequence (mod 2^32) */
};

struct session_map {
	uint8_t cap[NFS4_SESSIONID_SIZE], live[NFS4_SESSIONID_SIZE];
	bool rebased;      /* the replay's own session: slots rebased at first use */
	bool *slot_seen;   /* SLOTS_TRACKED each, for rebased sessions */
	uint32_t *offset;  /* live seqid - captured seqid (mod 2^32) */
};

struct stateid_map {
	uint8_t cap[NFS4_OTHER_SIZE], live[NFS4_OTHER_SIZE];
};

struct replay_bindings {
	uint64_t nonce;
	bool keep_owners;
	struct client_map clients[BIND_MAX];
	unsigned nclients;
	struct session_map sessions[BIND_MAX];
	unsigned nsessions;
	struct stateid_map stateids[BIND_MAX];
	unsigned nstateids;
	struct blob_map *owners, *fhs; /* BIND_MAX each */
	unsigned nowners, nfhs;
	uint8_t *scratch[SCRATCH_MAX]; /* patched copies of raw op arguments, for one call */
	unsigned nscratch;
};

struct replay_bindings *bindings_new(uint64_t nonce, bool keep_owners)
{
	struct replay_bindings *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->owners = calloc(BIND_MAX, sizeof(*b->owners));
	b->fhs = calloc(BIND_MAX, sizeof(*b->fhs));
	if (!b->owners || !b->fhs) {
		bindings_free(b);
		return NULL;
	}
	b->nonce = nonce, b->keep_owners = keep_owners;
	return b;
}

static void scratch_clear(struct replay_bindings *b)
{
	for (unsigned i = 0; i < b->nscratch; i++)
		free(b->scratch[i]);
	b->nscratch = 0;
}

void bindings_free(struct replay_bindings *b)
{
	if (!b)
		return;
	scratch_clear(b);
	for (unsigned i = 0; i < b->nsessions; i++) {
		free(b->sessions[i].slot_seen);
		free(b->sessions[i].offset);
	}
	free(b->owners);
	free(b->fhs);
	free(b);
}

/* ---- lookups --------------------------------------------------------------------------------- */

static struct client_map *find_client(const struct replay_bindings *b, uint64_t cap)
{
	for (unsigned i = b->nclients; i-- > 0;)
		if (b->clients[i].cap == cap)
			return (struct client_map *)&b->clients[i];
	return NULL;
}

static struct session_map *find_session(const struct replay_bindings *b, const uint8_t *cap)
{
	for (unsigned i = b->nsessions; i-- > 0;)
		if (memcmp(b->sessions[i].cap, cap, NFS4_SESSIONID_SIZE) == 0)
			return (struct session_map *)&b->sessions[i];
	return NULL;
}

static struct stateid_map *find_stateid(const struct replay_bindings *b, const uint8_t *cap)
{
	for (unsigned i = b->nstateids; i-- > 0;)
		if (memcmp(b->stateids[i].cap, cap, NFS4_OTHER_SIZE) == 0)
			return (struct stateid_map *)&b->stateids[i];
	return NULL;
}

static struct blob_map *find_blob(struct blob_map *t, unsigned n, const struct wire_opaque *v)
{
	for (unsigned i = n; i-- > 0;)
		if (t[i].cap_len == v->len && memcmp(t[i].cap, v->data, v->len) == 0)
			return &t[i];
	return NULL;
}

/* ---- learning -------------------------------------------------------------------------------- */

static struct client_map *bind_client(struct replay_bindings *b, uint64_t cap, uint64_t live)
{
	struct client_map *c = find_client(b, cap);

	if (!c && b->nclients < BIND_MAX)
		c = &b->clients[b->nclients++];
	if (c)
		c->cap = cap, c->live = live;
	return c;
}

static struct session_map *bind_session(struct replay_bindings *b, const uint8_t *cap,
					const uint8_t *live)
{
	struct session_map *s = find_session(b, cap);

	if (!s && b->nsessions < BIND_MAX)
		s = &b->sessions[b->nsessions++];
	if (!s)
		return NULL;
	memcpy(s->cap, cap, NFS4_SESSIONID_SIZE);
	memcpy(s->live, live, NFS4_SESSIONID_SIZE);
	s->rebased = false;
	return s;
}

static void bind_blob(struct blob_map *t, unsigned *n, const struct wire_opaque *cap,
		      const struct wire_opaque *live)
{
	struct blob_map *m = find_blob(t, *n, cap);

	if (cap->len > NFS4_OPAQUE_LIMIT || live->len > NFS4_OPAQUE_LIMIT)
		return;
	if (!m && *n < BIND_MAX)
		m = &t[(*n)++];
	if (!m)
		return;
	memcpy(m->cap, cap->data, cap->len);
	memcpy(m->live, live->data, live->len);
	m->cap_len = cap->len, m->live_len = live->len;
}

static void bind_stateid(struct replay_bindings *b, const uint8_t *cap, const uint8_t *live)
{
	struct stateid_map *m = find_stateid(b, cap);

	if (!m && b->nstateids < BIND_MAX)
		m = &b->stateids[b->nstateids++];
	if (m) {
		memcpy(m->cap, cap, NFS4_OTHER_SIZE);
		memcpy(m->live, live, NFS4_OTHER_SIZE);
	}
}

void bindings_add_own_session(struct replay_bindings *b,
			      const uint8_t captured[NFS4_SESSIONID_SIZE],
			      const uint8_t live[NFS4_SESSIONID_SIZE])
{
	struct session_map *s = bind_session(b, captured, live);

	if (!s)
		return;
	free(s->slot_seen);
	free(s->offset);
	s->slot_seen = calloc(SLOTS_TRACKED, sizeof(*s->slot_seen));
	s->offset = calloc(SLOTS_TRACKED, sizeof(*s->offset));
	s->rebased = s->slot_seen && s->offset;
}

void bindings_add_own_client(struct replay_bindings *b, uint64_t captured, uint64_t live,
			     uint32_t captured_csa, uint32_t live_eir)
{
	struct client_map *c = bind_client(b, captured, live);

	if (c)
		c->csa_delta = live_eir - captured_csa;
}

/* Where an op's results start with the stateid the server handed out (RFC 8881 s18.16.2
 * OPEN4resok, s18.10.2 LOCK4resok, s18.18.2 OPEN_DOWNGRADE4resok), or -1. */
static int result_stateid_offset(uint32_t op)
{
	return op == OP_OPEN || op == OP_LOCK || op == OP_OPEN_DOWNGRADE ? 0 : -1;
}

static void learn_op(struct replay_bindings *b, const struct nfs_resop *cap,
		     const struct nfs_resop *live)
{
	int off = result_stateid_offset(cap->op);

	if (cap->op != live->op || cap->status != NFS4_OK || live->status != NFS4_OK)
		return;
	if (cap->op == OP_EXCHANGE_ID) {
		struct client_map *c = bind_client(b, cap->u.exchange_id.eir_clientid,
						   live->u.exchange_id.eir_clientid);
		if (c)
			c->csa_delta = live->u.exchange_id.eir_sequenceid -
				       cap->u.exchange_id.eir_sequenceid;
	} else if (cap->op == OP_CREATE_SESSION) {
		bind_session(b, cap->u.create_session.csr_sessionid,
			     live->u.create_session.csr_sessionid);
	} else if (cap->op == OP_GETFH) {
		bind_blob(b->fhs, &b->nfhs, &cap->u.getfh.object, &live->u.getfh.object);
	} else if (off >= 0 && cap->undecoded == live->undecoded &&
		   cap->u.raw.len >= (uint32_t)off + 16 && live->u.raw.len >= (uint32_t)off + 16) {
		bind_stateid(b, cap->u.raw.data + off + 4, live->u.raw.data + off + 4);
	}
}

void bindings_learn(struct replay_bindings *b, const struct wire_msg *cap_reply,
		    const struct wire_msg *live_reply)
{
	if (!cap_reply || !live_reply || !cap_reply->is_compound || !live_reply->is_compound)
		return;
	for (uint32_t i = 0; i < cap_reply->res.resarray_len && i < live_reply->res.resarray_len; i++)
		learn_op(b, &cap_reply->res.resarray[i], &live_reply->res.resarray[i]);
}

/* ---- what a call needs ---------------------------------------------------------------------- */

static const uint8_t *op_sessionid(const struct nfs_argop *a)
{
	switch (a->op) {
	case OP_SEQUENCE: return a->u.sequence.sa_sessionid;
	case OP_BIND_CONN_TO_SESSION: return a->u.bind_conn_to_session.bctsa_sessid;
	case OP_DESTROY_SESSION: return a->u.destroy_session.dsa_sessionid;
	default: return NULL;
	}
}

void bindings_missing(const struct replay_bindings *b, const struct wire_msg *call,
		      struct bind_need *need)
{
	memset(need, 0, sizeof(*need));
	if (!call->is_compound)
		return;
	for (uint32_t i = 0; i < call->args.argarray_len; i++) {
		const struct nfs_argop *a = &call->args.argarray[i];
		const uint8_t *sid = a->undecoded ? NULL : op_sessionid(a);

		if (sid && !need->session && !find_session(b, sid)) {
			need->session = true;
			memcpy(need->sessionid, sid, NFS4_SESSIONID_SIZE);
		}
		if (!a->undecoded && a->op == OP_CREATE_SESSION && !need->client &&
		    !find_client(b, a->u.create_session.csa_clientid)) {
			need->client = true;
			need->clientid = a->u.create_session.csa_clientid;
			need->csa_sequence = a->u.create_session.csa_sequence;
		}
		if (!a->undecoded && a->op == OP_DESTROY_CLIENTID && !need->client &&
		    !find_client(b, a->u.destroy_clientid.dca_clientid)) {
			need->client = true;
			need->clientid = a->u.destroy_clientid.dca_clientid;
		}
	}
}

int64_t bindings_seqid_offset(const struct replay_bindings *b,
			      const uint8_t captured[NFS4_SESSIONID_SIZE], uint32_t slot)
{
	const struct session_map *s = find_session(b, captured);

	if (!s || !s->rebased || slot >= SLOTS_TRACKED || !s->slot_seen[slot])
		return 0;
	return (int32_t)s->offset[slot];
}

/* ---- rewriting ------------------------------------------------------------------------------- */

static unsigned map_sessionid(const struct replay_bindings *b, uint8_t *sid)
{
	const struct session_map *s = find_session(b, sid);

	if (!s)
		return 0;
	memcpy(sid, s->live, NFS4_SESSIONID_SIZE);
	return 1;
}

static unsigned map_clientid(const struct replay_bindings *b, uint64_t *id)
{
	const struct client_map *c = find_client(b, *id);

	if (!c)
		return 0;
	*id = c->live;
	return 1;
}

/* SEQUENCE: the session, and the seqid rebased on the replay's own sessions (a slot's first
 * use becomes seqid 1, the next seqid of a fresh slot: RFC 8881 s2.10.6.1). */
static unsigned rewrite_sequence(struct replay_bindings *b, struct SEQUENCE4args *a)
{
	struct session_map *s = find_session(b, a->sa_sessionid);
	uint32_t slot = a->sa_slotid;

	if (!s)
		return 0;
	if (s->rebased && slot < SLOTS_TRACKED) {
		if (!s->slot_seen[slot]) {
			s->slot_seen[slot] = true;
			s->offset[slot] = 1u - a->sa_sequenceid;
		}
		a->sa_sequenceid += s->offset[slot];
	}
	memcpy(a->sa_sessionid, s->live, NFS4_SESSIONID_SIZE);
	return 1;
}

static unsigned rewrite_create_session(const struct replay_bindings *b,
				       struct CREATE_SESSION4args *a)
{
	const struct client_map *c = find_client(b, a->csa_clientid);

	if (!c)
		return 0;
	a->csa_clientid = c->live;
	a->csa_sequence += c->csa_delta;
	return 1;
}

/* A run-unique owner of the same length: its last bytes (up to 8) replaced by letters drawn
 * from the owner and the run's nonce, so distinct owners stay distinct and lengths (0, 1,
 * 1024, 1025 in the catalogue) keep their meaning. */
static void unique_owner(const struct replay_bindings *b, struct blob_map *m)
{
	uint64_t h = 1469598103934665603ull ^ b->nonce;

	for (uint32_t i = 0; i < m->cap_len; i++)
		h = (h ^ m->cap[i]) * 1099511628211ull;
	memcpy(m->live, m->cap, m->cap_len);
	for (uint32_t i = m->cap_len > 8 ? m->cap_len - 8 : 0; i < m->cap_len; i++, h >>= 5)
		m->live[i] = (uint8_t)('a' + (h % 26));
	m->live_len = m->cap_len;
}

static unsigned rewrite_owner(struct replay_bindings *b, struct wire_opaque *owner)
{
	struct blob_map *m;

	if (b->keep_owners || owner->len == 0 || owner->len > NFS4_OPAQUE_LIMIT)
		return 0;
	m = find_blob(b->owners, b->nowners, owner);
	if (!m && b->nowners < BIND_MAX) {
		m = &b->owners[b->nowners++];
		memcpy(m->cap, owner->data, owner->len);
		m->cap_len = owner->len;
		unique_owner(b, m);
	}
	if (!m)
		return 0;
	*owner = (struct wire_opaque){m->live, m->live_len};
	return 1;
}

static unsigned rewrite_fh(const struct replay_bindings *b, struct wire_opaque *fh)
{
	const struct blob_map *m = find_blob(b->fhs, b->nfhs, fh);

	if (!m)
		return 0;
	*fh = (struct wire_opaque){m->live, m->live_len};
	return 1;
}

/*
 * Where a raw op's arguments carry a stateid (RFC 8881 s18.2.1 CLOSE4args: seqid first;
 * s18.12.1 LOCKU4args: locktype and seqid first; s18.10.1 LOCK4args: the locker union after
 * 24 bytes; the others start with it), or -1.
 */
static int args_stateid_offset(const struct nfs_argop *a)
{
	switch (a->op) {
	case OP_CLOSE: return 4;
	case OP_LOCKU: return 8;
	case OP_READ: case OP_WRITE: case OP_SETATTR: case OP_DELEGRETURN:
	case OP_OPEN_DOWNGRADE: case OP_FREE_STATEID:
		return 0;
	case OP_LOCK: /* new_lock_owner: open_seqid then open_stateid; else lock_stateid */
		if (a->u.raw.len < 28)
			return -1;
		return a->u.raw.data[27] ? 32 : 28;
	default: return -1;
	}
}

static unsigned rewrite_raw_stateid(struct replay_bindings *b, struct nfs_argop *a)
{
	int off = args_stateid_offset(a);
	const struct stateid_map *m;
	uint8_t *copy;

	if (off < 0 || a->u.raw.len < (uint32_t)off + 16 || b->nscratch == SCRATCH_MAX)
		return 0;
	m = find_stateid(b, a->u.raw.data + off + 4);
	if (!m || !(copy = malloc(a->u.raw.len)))
		return 0;
	memcpy(copy, a->u.raw.data, a->u.raw.len);
	memcpy(copy + off + 4, m->live, NFS4_OTHER_SIZE);
	b->scratch[b->nscratch++] = copy;
	a->u.raw.data = copy;
	return 1;
}

static unsigned rewrite_op(struct replay_bindings *b, struct nfs_argop *a)
{
	if (a->undecoded)
		return 0;
	switch (a->op) {
	case OP_SEQUENCE: return rewrite_sequence(b, &a->u.sequence);
	case OP_BIND_CONN_TO_SESSION: return map_sessionid(b, a->u.bind_conn_to_session.bctsa_sessid);
	case OP_DESTROY_SESSION: return map_sessionid(b, a->u.destroy_session.dsa_sessionid);
	case OP_CREATE_SESSION: return rewrite_create_session(b, &a->u.create_session);
	case OP_DESTROY_CLIENTID: return map_clientid(b, &a->u.destroy_clientid.dca_clientid);
	case OP_EXCHANGE_ID: return rewrite_owner(b, &a->u.exchange_id.eia_clientowner.co_ownerid);
	case OP_PUTFH: return rewrite_fh(b, &a->u.putfh.object);
	default: return rewrite_raw_stateid(b, a);
	}
}

unsigned bindings_rewrite(struct replay_bindings *b, struct wire_msg *call)
{
	unsigned n = 0;

	scratch_clear(b);
	if (!call->is_compound)
		return 0;
	for (uint32_t i = 0; i < call->args.argarray_len; i++)
		n += rewrite_op(b, &call->args.argarray[i]);
	return n;
}
