/*
 * fuzz_sm.c - the NFSv4.1 session state machine (refserver's nfs41sm) driven in-process, with
 * RFC 8881 rules as oracles that abort().
 *
 * Input: messages separated by the 6-byte token SEP ("\xfe" "SMSG" "\xef", in dict/sm.dict);
 * at most MAX_MSGS are run. Each message is copied into its own exact-size heap buffer (so ASan
 * sees over-reads) and is:
 *
 *   byte 0   bits 0-1  which of NCONN fake connections it arrives on
 *            bit 2     close that connection first (sm_conn_close), then reopen it
 *            bit 3     run sm_reap first (after the clock moved)
 *            bit 4     remap ids: when the record decodes strictly as a COMPOUND call, a client id
 *                      or session id the state machine has not handed out in this input becomes
 *                      known[value % n] (CREATE_SESSION csa_clientid, DESTROY_CLIENTID; SEQUENCE,
 *                      DESTROY_SESSION, BIND_CONN_TO_SESSION session ids), then it is re-encoded;
 *                      so seeds from real traffic (other servers' ids) still reach sessions
 *            bits 6-7  clock unit: 1 ms, 64 ms, 1 s, 16 s
 *   byte 1   clock advance, in units (up to 68 min: well past the 5 s lease)
 *   rest     one RPC record (no record marking: sm_handle takes whole records)
 *
 * The state machine runs with small limits (LIMITS below) so that every limit is reached, and a
 * fixed incarnation so that an input always yields the same ids. The bytes actually sent (after
 * remapping) and the replies are what the oracles look at, checked after every message; each
 * failure prints one line naming the oracle and aborts:
 *
 *  (a) a byte-identical retransmission of the last request a (session, slot) executed gets the
 *      cached reply: the same bytes except sr_highest_slotid, sr_target_highest_slotid and
 *      sr_status_flags, which a replay may recompute (s2.10.6.1.1); when the original had
 *      sa_cachethis FALSE, also SEQUENCE's result alone or followed by the second op with
 *      NFS4ERR_RETRY_UNCACHED_REP (or, for an op that never runs, OP_ILLEGAL / NOTSUPP /
 *      SEQUENCE_POS / NOT_ONLY_OP: s2.10.6.1.3). Exempt: the session is gone after the message.
 *  (b) slot seqids follow s2.10.6.1: SEQUENCE NFS4_OK only for last+1 (mod 2^32; 1 on a fresh
 *      slot) or, on a used slot, a retry of last; SEQ_MISORDERED never for those two;
 *      SEQ_FALSE_RETRY only for a retry of last; errors do not move the slot; the result echoes
 *      the session, seqid and slot (s18.46.3); SEQUENCE OK only on a slot of the table.
 *  (c) an op naming a destroyed session (DESTROY_SESSION, DESTROY_CLIENTID, reaped: gone from a
 *      snapshot, or destroyed earlier in the same COMPOUND) gets NFS4ERR_BADSESSION, or an error
 *      given before it is evaluated (SEQUENCE_POS, NOT_ONLY_OP, REP_TOO_BIG(_TO_CACHE),
 *      RETRY_UNCACHED_REP); replays from a reply cache are exempt (they resend old results).
 *      NFS4ERR_BADSESSION never names a session that still exists after the message, and
 *      SEQUENCE never succeeds on a session the state machine never had.
 *  (d) CREATE_SESSION: csr_sequence echoes csa_sequence (s18.36.3); a new session's attributes
 *      never exceed the request (header padding, sizes, cached size, ops, slots; rdma_ird only
 *      if asked) nor the limits; the back channel's ca_maxoperations and ca_maxrequests are the
 *      client's (CS-21..CS-28); csr_flags only CONN_BACK_CHAN and only when asked (CS-17..19);
 *      a replay of the CREATE_SESSION slot returns the first result unchanged (CS-07).
 *  (e) sm_stats / snapshots: reply-cache bytes within reply_cache_cap and equal to the sum over
 *      the sessions; clients, sessions per client, connections per session and fore slots
 *      within the limits; sessions_active and the client counters match the snapshots; a closed
 *      connection is bound to no session (s2.10.3.1).
 *  (f) every reply re-decodes strictly as a reply to the procedure called and re-encodes to the
 *      same bytes; its xid is the call's; a call is never left unanswered; a COMPOUND's results
 *      are no more than its ops, each naming its op (OP_ILLEGAL for an undefined one) and the
 *      COMPOUND status is the last result's (s16.2.3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sm.h"
#include "sm_callback.h"
#include "wire.h"

#define MAX_INPUT (1u << 16)
#define MAX_MSGS 64
#define NCONN 4
#define MAX_IDS 256     /* client ids / sessions remembered per input */
#define MODEL_SLOTS 8   /* slots modelled per session (the limit grants 4) */
#define MAX_SNAP 32
#define HDR 2
/* The harness decodes COMPOUNDs of up to this many ops (the state machine: 4096). Longer ones
 * never execute: ca_maxoperations is at most LIMITS.max_ops, and sessionless ops stand alone
 * (s2.10.6.4, s18.46.3), so the model loses nothing; their op arrays cost megabytes. */
#define HARNESS_MAX_OPS 64

static const uint8_t SEP[] = {0xfe, 'S', 'M', 'S', 'G', 0xef};
static const uint64_t clock_units[] = {1, 64, 1000, 16000};

static const struct sm_limits LIMITS = {
	.lease_seconds = 5, .max_clients = 3, .max_sessions_per_client = 2, .max_fore_slots = 4,
	.max_back_slots = 2, .max_ops = 8, .max_request_size = 4096, .max_response_size = 4096,
	.max_response_size_cached = 1024, .max_conns_per_session = 2, .unconfirmed_seconds = 5,
	.reply_cache_cap = 6144, .incarnation = 0x5eed41};

/* ---- the model: what the harness has seen ------------------------------------------------- */

struct slot_model {
	uint32_t seqid;
	bool used;
	bool cachethis;  /* of the last executed request */
	uint8_t *req;    /* the last executed request, as sent */
	size_t req_len;
	uint8_t *rep;    /* and its reply */
	size_t rep_len;
};

struct session_model {
	uint8_t id[NFS4_SESSIONID_SIZE];
	bool alive;
	bool cs_known;   /* cs holds the CREATE_SESSION result that made it */
	struct CREATE_SESSION4resok cs;
	uint32_t nslots;
	struct slot_model slot[MODEL_SLOTS];
};

static struct {
	uint64_t now;
	uint64_t clients[MAX_IDS];
	unsigned nclients;
	struct session_model sess[MAX_IDS];
	unsigned nsess;
	bool full;       /* a session could not be remembered: "never created" is unknown */
	struct sm_session_info snap[MAX_SNAP];
	size_t nsnap;
	struct sm_client_info csnap[MAX_SNAP];
} g;

/* FUZZ_SM_TRACE set: one line per call and reply on stderr (to see what an input reaches). */
static int trace = -1;

static void trace_msg(const char *dir, uint64_t conn, const struct wire_msg *m)
{
	if (trace) {
		char line[512];

		fprintf(stderr, "  %s c%llu %s\n", dir, (unsigned long long)conn,
			wire_msg_summary(m, line, sizeof(line)));
	}
	if (trace > 1)
		wire_msg_print(stderr, m);
}

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return g.now;
}

static void fail(const char *oracle, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(const char *oracle, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_sm: oracle %s: ", oracle);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static uint8_t *copy_of(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		abort();
	memcpy(c, p, n);
	return c;
}

static struct session_model *session_of(const uint8_t id[NFS4_SESSIONID_SIZE])
{
	for (unsigned i = 0; i < g.nsess; i++)
		if (!memcmp(g.sess[i].id, id, NFS4_SESSIONID_SIZE))
			return &g.sess[i];
	return NULL;
}

static struct session_model *session_add(const uint8_t id[NFS4_SESSIONID_SIZE], uint32_t nslots)
{
	struct session_model *x;

	if (g.nsess == MAX_IDS) {
		g.full = true;
		return NULL;
	}
	x = &g.sess[g.nsess++];
	memset(x, 0, sizeof(*x));
	memcpy(x->id, id, NFS4_SESSIONID_SIZE);
	x->alive = true;
	x->nslots = nslots < MODEL_SLOTS ? nslots : MODEL_SLOTS;
	return x;
}

static bool client_known(uint64_t id)
{
	for (unsigned i = 0; i < g.nclients; i++)
		if (g.clients[i] == id)
			return true;
	return false;
}

static void client_add(uint64_t id)
{
	if (!client_known(id) && g.nclients < MAX_IDS)
		g.clients[g.nclients++] = id;
}

static void model_reset(void)
{
	for (unsigned i = 0; i < g.nsess; i++)
		for (unsigned k = 0; k < MODEL_SLOTS; k++) {
			free(g.sess[i].slot[k].req);
			free(g.sess[i].slot[k].rep);
		}
	g.nsess = g.nclients = 0;
	g.full = false;
	g.now = 1000;
}

/* ---- remapping ids ------------------------------------------------------------------------ */

static bool remap_client(uint64_t *id)
{
	if (g.nclients == 0 || client_known(*id))
		return false;
	*id = g.clients[*id % g.nclients];
	return true;
}

static bool remap_session(uint8_t id[NFS4_SESSIONID_SIZE])
{
	uint64_t v = 0;

	if (g.nsess == 0 || session_of(id))
		return false;
	for (unsigned i = 0; i < NFS4_SESSIONID_SIZE; i++)
		v = v * 31 + id[i];
	memcpy(id, g.sess[v % g.nsess].id, NFS4_SESSIONID_SIZE);
	return true;
}

/*
 * Decode rec (strictly, as the state machine does) into *m; with remap asked and ids changed,
 * re-encode it into a new heap buffer, returned (and decoded again into *m); else rec.
 */
static uint8_t *decode_remapped(uint8_t *rec, size_t *len, bool want_remap, struct wire_msg *m,
				enum wire_status *st)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .max_ops = HARNESS_MAX_OPS};
	struct wire_error e;
	bool changed = false;
	uint8_t *out;
	size_t n;

	*st = wire_msg_decode(rec, *len, &o, m, &e);
	if (!want_remap || *st != WIRE_OK || m->msg_type != ONCRPC_CALL || !m->is_compound)
		return rec;
	for (uint32_t i = 0; i < m->args.argarray_len; i++) {
		struct nfs_argop *a = &m->args.argarray[i];
		switch (a->op) {
		case OP_CREATE_SESSION:
			changed |= remap_client(&a->u.create_session.csa_clientid);
			break;
		case OP_DESTROY_CLIENTID:
			changed |= remap_client(&a->u.destroy_clientid.dca_clientid);
			break;
		case OP_SEQUENCE:
			changed |= remap_session(a->u.sequence.sa_sessionid);
			break;
		case OP_DESTROY_SESSION:
			changed |= remap_session(a->u.destroy_session.dsa_sessionid);
			break;
		case OP_BIND_CONN_TO_SESSION:
			changed |= remap_session(a->u.bind_conn_to_session.bctsa_sessid);
			break;
		default:
			break;
		}
	}
	if (!changed)
		return rec;
	n = wire_msg_encode(m, NULL, 0);
	out = malloc(n ? n : 1);
	if (!out || wire_msg_encode(m, out, n) != n)
		abort();
	wire_msg_free(m);
	*len = n;
	*st = wire_msg_decode(out, n, &o, m, &e); /* the slices now point into out */
	return out;
}

/* ---- snapshots (e) ------------------------------------------------------------------------ */

static const struct sm_session_info *snap_find(const uint8_t id[NFS4_SESSIONID_SIZE])
{
	for (size_t i = 0; i < g.nsnap && i < MAX_SNAP; i++)
		if (!memcmp(g.snap[i].sessionid, id, NFS4_SESSIONID_SIZE))
			return &g.snap[i];
	return NULL;
}

static void take_snapshot(struct sm *s)
{
	g.nsnap = sm_list_sessions(s, 0, g.snap, MAX_SNAP);
	if (g.nsnap > MAX_SNAP)
		fail("e", "%zu sessions exist", g.nsnap);
}

/* (e) the limits and the accounting hold. */
static void check_limits(struct sm *s)
{
	struct sm_stats st;
	size_t nc = sm_list_clients(s, g.csnap, MAX_SNAP);
	uint64_t cached = 0;

	sm_stats(s, &st);
	if (st.reply_cache_bytes > LIMITS.reply_cache_cap)
		fail("e", "reply cache %llu bytes over the cap %llu",
		     (unsigned long long)st.reply_cache_bytes,
		     (unsigned long long)LIMITS.reply_cache_cap);
	if (nc > LIMITS.max_clients || st.clients_confirmed + st.clients_unconfirmed != nc)
		fail("e", "%zu client records (limit %u, counters %llu+%llu)", nc, LIMITS.max_clients,
		     (unsigned long long)st.clients_confirmed,
		     (unsigned long long)st.clients_unconfirmed);
	for (size_t i = 0; i < nc; i++)
		if (g.csnap[i].nsessions > LIMITS.max_sessions_per_client)
			fail("e", "client %016llx has %u sessions (limit %u)",
			     (unsigned long long)g.csnap[i].clientid, g.csnap[i].nsessions,
			     LIMITS.max_sessions_per_client);
	if (st.sessions_active != g.nsnap)
		fail("e", "sessions_active %llu but %zu sessions listed",
		     (unsigned long long)st.sessions_active, g.nsnap);
	for (size_t i = 0; i < g.nsnap; i++) {
		const struct sm_session_info *x = &g.snap[i];
		if (x->nconns > LIMITS.max_conns_per_session)
			fail("e", "session has %u connections (limit %u)", x->nconns,
			     LIMITS.max_conns_per_session);
		if (x->fore_slots > LIMITS.max_fore_slots || x->fore_slots == 0)
			fail("e", "session has %u fore slots (limit %u)", x->fore_slots,
			     LIMITS.max_fore_slots);
		cached += x->cached_bytes;
	}
	if (cached != st.reply_cache_bytes)
		fail("e", "sessions cache %llu bytes, reply_cache_bytes says %llu",
		     (unsigned long long)cached, (unsigned long long)st.reply_cache_bytes);
}

/* (c) the model learns which sessions exist now: gone ones are destroyed, new ones known. */
static void update_alive(void)
{
	for (unsigned i = 0; i < g.nsess; i++)
		if (g.sess[i].alive && !snap_find(g.sess[i].id))
			g.sess[i].alive = false;
	for (size_t i = 0; i < g.nsnap; i++)
		if (!session_of(g.snap[i].sessionid))
			session_add(g.snap[i].sessionid, g.snap[i].fore_slots);
}

/* (e) a closed connection is unbound from every session at once (s2.10.3.1). */
static void check_unbound(struct sm *s, uint64_t conn)
{
	take_snapshot(s);
	for (size_t i = 0; i < g.nsnap; i++)
		for (uint32_t k = 0; k < g.snap[i].nconns && k < SM_MAX_CONN_INFO; k++)
			if (g.snap[i].conns[k] == conn)
				fail("e", "closed connection %llu still bound", (unsigned long long)conn);
}

/* ---- (f) the reply itself ------------------------------------------------------------------ */

/* Decoding stopped at the last declared result, on an op the wire library does not describe. */
static bool unparsed_last_result(const struct wire_msg *r)
{
	const struct COMPOUND4res *res = &r->res;

	return r->is_compound && res->resarray_len > 0 && res->resarray_len == res->declared_len &&
	       res->resarray[res->resarray_len - 1].undecoded &&
	       !nfs4_op_desc(res->resarray[res->resarray_len - 1].op);
}

/*
 * s16.2.3: results in op order, each naming its op (OP_ILLEGAL, with NFS4ERR_OP_ILLEGAL, only for
 * an op number outside the minor version's range, s15.2), the COMPOUND stopping at its first
 * error: every result before the last is NFS4_OK, fewer results than ops only after an error,
 * and the COMPOUND status is the last result's. partial: a last (failed) result the wire library
 * could not parse was dropped, so every result left is NFS4_OK.
 */
static void check_compound_shape(const struct COMPOUND4args *a, const struct COMPOUND4res *x,
				 bool partial)
{
	uint32_t n = x->resarray_len;

	if (n > a->declared_len)
		fail("f", "%u results for %u ops", n, a->declared_len);
	for (uint32_t i = 0; i < n && i < a->argarray_len; i++) {
		uint32_t aop = a->argarray[i].op, rop = x->resarray[i].op;
		bool undefined = aop < NFS4_FIRST_OP || aop > NFS41_LAST_OP;

		if (rop != aop && !(rop == OP_ILLEGAL && undefined &&
				    x->resarray[i].status == NFS4ERR_OP_ILLEGAL))
			fail("f", "result %u is op %u (status %u) for op %u", i, rop,
			     x->resarray[i].status, aop);
		if ((i + 1 < n || partial) && x->resarray[i].status != NFS4_OK)
			fail("f", "result %u failed (%u) but the COMPOUND went on", i,
			     x->resarray[i].status);
	}
	if (partial)
		return;
	if (n && x->status != x->resarray[n - 1].status)
		fail("f", "COMPOUND status %u, last result %u", x->status, x->resarray[n - 1].status);
	if (n < a->declared_len && x->status == NFS4_OK)
		fail("f", "NFS4_OK with %u results for %u ops", n, a->declared_len);
}
static void check_reply_form(const struct wire_msg *call, bool call_decoded, const uint8_t *rep,
			     size_t len, struct wire_msg *r, bool *partial)
{
	uint32_t proc = call->call.proc;
	struct wire_decode_opts o = {
		.flags = WIRE_STRICT, .max_ops = HARNESS_MAX_OPS,
		.reply_proc = proc == NFSPROC4_NULL || proc == NFSPROC4_COMPOUND ? proc
										 : WIRE_PROC_UNKNOWN};
	struct wire_error e;
	enum wire_status st = wire_msg_decode(rep, len, &o, r, &e);
	if (st == WIRE_ERR_UNSUPPORTED && unparsed_last_result(r)) {
		/* The wire library has no layout for this op's results; the state machine can
		 * only have failed it, so it ends the COMPOUND (s16.2.3) and the rest parsed. */
		r->res.resarray_len--;
		*partial = true;
	} else if (st != WIRE_OK) {
		fail("f", "reply does not decode strictly: %s at %zu", wire_status_name(st),
		     (size_t)e.offset);
	}
	if (r->msg_type != ONCRPC_REPLY || r->xid != call->xid)
		fail("f", "reply xid %08x type %u to call xid %08x", r->xid, r->msg_type, call->xid);
	if (!*partial) {
		size_t n = wire_msg_encode(r, NULL, 0);
		uint8_t *again = malloc(n ? n : 1);

		if (!again)
			abort();
		if (wire_msg_encode(r, again, n) != n || n != len || memcmp(again, rep, len) != 0)
			fail("f", "reply re-encodes differently (%zu vs %zu bytes)", n, len);
		free(again);
	}
	if (r->is_compound && call->is_compound && call_decoded)
		check_compound_shape(&call->args, &r->res, *partial);
}

/* ---- (a) replays ---------------------------------------------------------------------------- */

/* Byte offset of sr_highest_slotid in a COMPOUND reply whose first result is SEQUENCE NFS4_OK. */
static size_t seq_fields_at(const struct wire_msg *r, const uint8_t *rep)
{
	size_t body = (size_t)(r->body.data - rep);

	return body + 4 + 4 + ((r->res.tag.len + 3u) & ~3u) + 4 + 4 + 4 + NFS4_SESSIONID_SIZE + 8;
}

/* The cached reply: equal bytes but for highest slot, target and status flags (s2.10.6.1.1). */
static bool same_cached(const struct slot_model *sl, const struct wire_msg *r, const uint8_t *rep,
			size_t len)
{
	size_t at = seq_fields_at(r, rep);

	return len == sl->rep_len && at + 12 <= len && !memcmp(rep, sl->rep, at) &&
	       !memcmp(rep + at + 12, sl->rep + at + 12, len - at - 12);
}

/* What the second result of an uncached retry may be (s2.10.6.1.3; SES-27, SES-29, SES-30). */
static bool uncached_second_ok(uint32_t aop, const struct nfs_resop *x)
{
	const struct nfs4_op_desc *d = nfs4_op_desc(aop);

	if (x->status == NFS4ERR_RETRY_UNCACHED_REP && x->op == aop)
		return true;
	if (x->op == OP_ILLEGAL && x->status == NFS4ERR_OP_ILLEGAL) /* not a 4.1 op (s18.52) */
		return aop < NFS4_FIRST_OP || aop > NFS41_LAST_OP;
	if (x->op != aop)
		return false;
	return (x->status == NFS4ERR_NOTSUPP && d && (d->flags & NFS4_OPF_MINOR0_ONLY)) ||
	       (x->status == NFS4ERR_SEQUENCE_POS && aop == OP_SEQUENCE) ||
	       (x->status == NFS4ERR_NOT_ONLY_OP && aop == OP_BIND_CONN_TO_SESSION);
}

/* The SEQUENCE-only (plus RETRY_UNCACHED_REP) answer to a retry of an uncached reply. */
static bool uncached_form(const struct wire_msg *call, const struct wire_msg *r, bool partial)
{
	const struct COMPOUND4res *res = &r->res;
	uint32_t want = call->args.argarray_len >= 2 ? 2 : 1;

	if (res->resarray_len + partial != want || res->resarray[0].status != NFS4_OK)
		return false;
	return want == 1 || partial ||
	       uncached_second_ok(call->args.argarray[1].op, &res->resarray[1]);
}

static void check_retransmission(const struct slot_model *sl, const struct wire_msg *call,
				 const struct wire_msg *r, const uint8_t *rep, size_t len, bool partial)
{
	if (same_cached(sl, r, rep, len))
		return;
	if (!sl->cachethis && uncached_form(call, r, partial))
		return;
	fail("a", "retransmission on slot %u seqid %u: reply differs from the cached one (%zu vs "
		  "%zu bytes, cachethis %d)",
	     call->args.argarray[0].u.sequence.sa_slotid,
	     call->args.argarray[0].u.sequence.sa_sequenceid, len, sl->rep_len, sl->cachethis);
}

/* ---- (b) the slot's seqid ----------------------------------------------------------------- */

/* Returns true when the reply is served from the slot's reply cache (a retry). */
static bool check_sequence(const struct wire_msg *call, const uint8_t *req, size_t req_len,
			   const struct wire_msg *r, const uint8_t *rep, size_t rep_len, bool partial)
{
	const struct SEQUENCE4args *a = &call->args.argarray[0].u.sequence;
	const struct nfs_resop *x = &r->res.resarray[0];
	struct session_model *m = session_of(a->sa_sessionid);
	struct slot_model *sl;
	bool is_new, is_retry;

	if (x->status != NFS4_OK && x->status != NFS4ERR_SEQ_MISORDERED &&
	    x->status != NFS4ERR_SEQ_FALSE_RETRY)
		return false;
	if ((!m && !g.full) || (m && x->status == NFS4_OK && !m->alive))
		fail("c", "SEQUENCE status %u on a session %s", x->status,
		     m ? "destroyed" : "never created");
	if (!m || !m->alive) /* (c) judges what a destroyed session gets */
		return false;
	if (a->sa_slotid >= m->nslots) {
		if (x->status == NFS4_OK)
			fail("b", "SEQUENCE OK on slot %u of %u", a->sa_slotid, m->nslots);
		return false;
	}
	sl = &m->slot[a->sa_slotid];
	is_new = a->sa_sequenceid == sl->seqid + 1u;
	is_retry = sl->used && a->sa_sequenceid == sl->seqid;
	if (x->status == NFS4ERR_SEQ_MISORDERED && (is_new || is_retry))
		fail("b", "SEQ_MISORDERED for seqid %u on slot %u at %u (used %d)", a->sa_sequenceid,
		     a->sa_slotid, sl->seqid, sl->used);
	if (x->status == NFS4ERR_SEQ_FALSE_RETRY && !is_retry)
		fail("b", "SEQ_FALSE_RETRY for seqid %u on slot %u at %u", a->sa_sequenceid,
		     a->sa_slotid, sl->seqid);
	if (x->status != NFS4_OK)
		return false;
	if (memcmp(x->u.sequence.sr_sessionid, a->sa_sessionid, NFS4_SESSIONID_SIZE) != 0 ||
	    x->u.sequence.sr_sequenceid != a->sa_sequenceid || x->u.sequence.sr_slotid != a->sa_slotid)
		fail("b", "SEQUENCE result does not echo session/seqid/slot");
	if (is_new) {
		sl->seqid = a->sa_sequenceid;
		sl->used = true;
		sl->cachethis = a->sa_cachethis;
		free(sl->req);
		free(sl->rep);
		sl->req = copy_of(req, req_len);
		sl->req_len = req_len;
		sl->rep = copy_of(rep, rep_len);
		sl->rep_len = rep_len;
		return false;
	}
	if (!is_retry)
		fail("b", "SEQUENCE OK for seqid %u on slot %u at %u (used %d)", a->sa_sequenceid,
		     a->sa_slotid, sl->seqid, sl->used);
	if (req_len == sl->req_len && !memcmp(req, sl->req, req_len))
		check_retransmission(sl, call, r, rep, rep_len, partial);
	return true;
}

/* (a) a retransmission whose session outlived the message must have got NFS4_OK. */
static void check_retransmission_answered(const struct wire_msg *call, const uint8_t *req,
					  size_t req_len, const struct wire_msg *r)
{
	const struct SEQUENCE4args *a = &call->args.argarray[0].u.sequence;
	struct session_model *m = session_of(a->sa_sessionid);
	const struct slot_model *sl;

	if (!m || !m->alive || !snap_find(a->sa_sessionid) || a->sa_slotid >= m->nslots)
		return;
	sl = &m->slot[a->sa_slotid];
	if (!sl->used || sl->req_len != req_len || memcmp(sl->req, req, req_len) != 0)
		return;
	if (r->res.resarray_len == 0 || r->res.resarray[0].status != NFS4_OK)
		fail("a", "retransmission on live slot %u got status %u", a->sa_slotid,
		     r->res.resarray_len ? r->res.resarray[0].status : r->res.status);
}

/* ---- (c) destroyed sessions, (d) CREATE_SESSION ---------------------------------------------- */

static const uint8_t *named_session(const struct nfs_argop *a)
{
	switch (a->op) {
	case OP_SEQUENCE: return a->u.sequence.sa_sessionid;
	case OP_DESTROY_SESSION: return a->u.destroy_session.dsa_sessionid;
	case OP_BIND_CONN_TO_SESSION: return a->u.bind_conn_to_session.bctsa_sessid;
	default: return NULL;
	}
}

/* What an op naming a destroyed session may get besides BADSESSION: errors the COMPOUND gives
 * it before the op is evaluated (position, s16.2.3; reply size, s2.10.6.4; the uncached
 * retry's second op, s2.10.6.1.3). */
static bool pre_evaluation_error(uint32_t status, uint32_t i)
{
	return status == NFS4ERR_BADSESSION || status == NFS4ERR_SEQUENCE_POS ||
	       status == NFS4ERR_NOT_ONLY_OP || status == NFS4ERR_REP_TOO_BIG ||
	       status == NFS4ERR_REP_TOO_BIG_TO_CACHE ||
	       (i == 1 && status == NFS4ERR_RETRY_UNCACHED_REP);
}

/* (c) RFC 8881 s18.46.3, s18.37.3, s18.34.3: a session that no longer exists is answered
 * NFS4ERR_BADSESSION, and one that exists never is. A reply from a slot's cache is exempt. */
static void check_destroyed(const struct wire_msg *call, const struct wire_msg *r, bool replay)
{
	const uint8_t *gone[MAX_IDS];
	unsigned ngone = 0;

	for (uint32_t i = 0; i < r->res.resarray_len && i < call->args.argarray_len; i++) {
		const struct nfs_argop *a = &call->args.argarray[i];
		const struct nfs_resop *x = &r->res.resarray[i];
		const uint8_t *id = named_session(a);
		const struct session_model *m;
		bool destroyed = false;

		if (!id || x->op != a->op || replay)
			continue;
		m = session_of(id);
		for (unsigned k = 0; k < ngone; k++)
			destroyed |= !memcmp(gone[k], id, NFS4_SESSIONID_SIZE);
		destroyed |= m && !m->alive;
		if (x->status == NFS4ERR_BADSESSION && m && m->alive && snap_find(id))
			fail("c", "op %u: BADSESSION for a session that exists", a->op);
		if (destroyed && !pre_evaluation_error(x->status, i))
			fail("c", "op %u named a destroyed session: status %u", a->op, x->status);
		if (a->op == OP_DESTROY_SESSION && x->status == NFS4_OK && ngone < MAX_IDS)
			gone[ngone++] = id;
	}
}

/* (d) RFC 8881 s18.36.3 (CS-21..CS-28): the server may lower, never raise, each attribute; the
 * back channel's ca_maxoperations and ca_maxrequests are the client's to choose. */
static void check_attrs(const char *chan, const struct channel_attrs4 *got,
			const struct channel_attrs4 *asked, const struct sm_limits *l, bool fore)
{
	const char *bad = NULL;

	if (got->ca_headerpadsize > asked->ca_headerpadsize)
		bad = "ca_headerpadsize";
	else if (got->ca_maxrequestsize > asked->ca_maxrequestsize ||
		 (fore && got->ca_maxrequestsize > l->max_request_size))
		bad = "ca_maxrequestsize";
	else if (got->ca_maxresponsesize > asked->ca_maxresponsesize ||
		 (fore && got->ca_maxresponsesize > l->max_response_size))
		bad = "ca_maxresponsesize";
	else if (got->ca_maxresponsesize_cached > asked->ca_maxresponsesize_cached ||
		 (fore && got->ca_maxresponsesize_cached > l->max_response_size_cached))
		bad = "ca_maxresponsesize_cached";
	else if (fore ? got->ca_maxoperations > asked->ca_maxoperations ||
				got->ca_maxoperations > l->max_ops
		      : got->ca_maxoperations != asked->ca_maxoperations)
		bad = "ca_maxoperations";
	else if (fore ? got->ca_maxrequests > asked->ca_maxrequests ||
				got->ca_maxrequests > l->max_fore_slots || got->ca_maxrequests == 0
		      : got->ca_maxrequests != asked->ca_maxrequests)
		bad = "ca_maxrequests";
	else if (got->ca_rdma_ird_present &&
		 (!asked->ca_rdma_ird_present || got->ca_rdma_ird > asked->ca_rdma_ird))
		bad = "ca_rdma_ird";
	if (bad)
		fail("d", "CREATE_SESSION %s channel %s not within the request and limits", chan, bad);
}

static bool attrs_equal(const struct channel_attrs4 *a, const struct channel_attrs4 *b)
{
	return a->ca_headerpadsize == b->ca_headerpadsize &&
	       a->ca_maxrequestsize == b->ca_maxrequestsize &&
	       a->ca_maxresponsesize == b->ca_maxresponsesize &&
	       a->ca_maxresponsesize_cached == b->ca_maxresponsesize_cached &&
	       a->ca_maxoperations == b->ca_maxoperations && a->ca_maxrequests == b->ca_maxrequests &&
	       a->ca_rdma_ird_present == b->ca_rdma_ird_present &&
	       (!a->ca_rdma_ird_present || a->ca_rdma_ird == b->ca_rdma_ird);
}

static bool cs_equal(const struct CREATE_SESSION4resok *a, const struct CREATE_SESSION4resok *b)
{
	return !memcmp(a->csr_sessionid, b->csr_sessionid, NFS4_SESSIONID_SIZE) &&
	       a->csr_sequence == b->csr_sequence && a->csr_flags == b->csr_flags &&
	       attrs_equal(&a->csr_fore_chan_attrs, &b->csr_fore_chan_attrs) &&
	       attrs_equal(&a->csr_back_chan_attrs, &b->csr_back_chan_attrs);
}

static void check_create_session(const struct CREATE_SESSION4args *a,
				 const struct CREATE_SESSION4resok *r)
{
	struct session_model *m = session_of(r->csr_sessionid);

	if (r->csr_sequence != a->csa_sequence)
		fail("d", "csr_sequence %u for csa_sequence %u", r->csr_sequence, a->csa_sequence);
	if (m && m->cs_known) { /* a replay of the CREATE_SESSION slot (s18.36.4 phase 2) */
		if (!cs_equal(&m->cs, r))
			fail("d", "CREATE_SESSION replay differs from the first result");
		return;
	}
	if (m) { /* seen in a snapshot first: this may be a replay of other arguments */
		m->cs = *r;
		m->cs_known = true;
		return;
	}
	check_attrs("fore", &r->csr_fore_chan_attrs, &a->csa_fore_chan_attrs, &LIMITS, true);
	check_attrs("back", &r->csr_back_chan_attrs, &a->csa_back_chan_attrs, &LIMITS, false);
	if (r->csr_flags & ~(a->csa_flags & CREATE_SESSION4_FLAG_CONN_BACK_CHAN))
		fail("d", "csr_flags %x for csa_flags %x", r->csr_flags, a->csa_flags);
	if ((m = session_add(r->csr_sessionid, r->csr_fore_chan_attrs.ca_maxrequests)) != NULL) {
		m->cs = *r;
		m->cs_known = true;
	}
}

/* Ids handed out: client ids by EXCHANGE_ID, sessions by CREATE_SESSION (checked as (d)). */
static void learn(const struct wire_msg *call, const struct wire_msg *r, bool replay)
{
	for (uint32_t i = 0; i < r->res.resarray_len && i < call->args.argarray_len; i++) {
		const struct nfs_argop *a = &call->args.argarray[i];
		const struct nfs_resop *x = &r->res.resarray[i];

		if (x->op != a->op || x->status != NFS4_OK)
			continue;
		if (a->op == OP_EXCHANGE_ID)
			client_add(x->u.exchange_id.eir_clientid);
		else if (a->op == OP_CREATE_SESSION && !replay)
			check_create_session(&a->u.create_session, &x->u.create_session);
	}
}

/* ---- one message -------------------------------------------------------------------------- */

static void check_compound(const struct wire_msg *call, const uint8_t *req, size_t req_len,
			   const struct wire_msg *r, const uint8_t *rep, size_t rep_len, bool partial)
{
	bool replay = false, seq_first;

	if (!call->is_compound || !r->is_compound || r->reply.reply_stat != ONCRPC_MSG_ACCEPTED ||
	    r->reply.accept_stat != ONCRPC_SUCCESS)
		return;
	seq_first = call->args.argarray_len > 0 && call->args.argarray[0].op == OP_SEQUENCE;
	if (seq_first && r->res.resarray_len > 0 && r->res.resarray[0].op == OP_SEQUENCE)
		replay = check_sequence(call, req, req_len, r, rep, rep_len, partial);
	if (seq_first)
		check_retransmission_answered(call, req, req_len, r);
	check_destroyed(call, r, replay);
	learn(call, r, replay);
}

static void run_message(struct sm *s, const uint8_t *msg, size_t len)
{
	uint64_t conn = (uint64_t)(msg[0] & 3) + 1;
	size_t rec_len = len - HDR, rep_len = 0;
	uint8_t *rec = copy_of(msg + HDR, rec_len), *sent, *rep = NULL;
	struct wire_msg call, r;
	enum wire_status st;
	enum sm_action act;

	g.now += clock_units[msg[0] >> 6] * msg[1];
	if (msg[0] & 4) {
		sm_conn_close(s, conn);
		check_unbound(s, conn);
		sm_conn_open(s, conn);
	}
	if (msg[0] & 8)
		sm_reap(s);
	if (msg[0] & 12) { /* (c) sessions reaped or left without a connection before this call */
		take_snapshot(s);
		update_alive();
	}
	sent = decode_remapped(rec, &rec_len, msg[0] & 16, &call, &st);
	trace_msg(">", conn, &call);
	act = sm_handle(s, conn, sent, rec_len, &rep, &rep_len);
	take_snapshot(s);
	if (act == SM_REPLY) {
		if (call.msg_type != ONCRPC_CALL)
			fail("f", "a reply to a reply record");
		bool partial = false;
		bool decoded = st == WIRE_OK || st == WIRE_ERR_UNSUPPORTED;
		check_reply_form(&call, decoded, rep, rep_len, &r, &partial);
		trace_msg("<", conn, &r);
		if (decoded)
			check_compound(&call, sent, rec_len, &r, rep, rep_len, partial);
		wire_msg_free(&r);
	} else if (act == SM_NOTHING && call.msg_type == ONCRPC_CALL) {
		fail("f", "a call (xid %08x) left unanswered", call.xid);
	} else if (act == SM_CLOSE) {
		sm_conn_close(s, conn);
		check_unbound(s, conn);
		sm_conn_open(s, conn);
	}
	free(rep);
	wire_msg_free(&call);
	for (uint64_t c; ; ) { /* server-initiated calls (CB_NULL probes): nobody answers */
		uint8_t *cb;
		size_t cb_len;
		if (!sm_outgoing_take(s, &c, &cb, &cb_len))
			break;
		free(cb);
	}
	update_alive();
	check_limits(s);
	if (sent != rec)
		free(sent);
	free(rec);
}

/* The next separator at or after p, or end. */
static const uint8_t *next_sep(const uint8_t *p, const uint8_t *end)
{
	while ((size_t)(end - p) >= sizeof(SEP)) {
		const uint8_t *q = memchr(p, SEP[0], (size_t)(end - p) - sizeof(SEP) + 1);
		if (!q)
			break;
		if (!memcmp(q, SEP, sizeof(SEP)))
			return q;
		p = q + 1;
	}
	return end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sm_clock clock = {fake_now, NULL};
	const uint8_t *p = data, *end = data + size;
	struct sm *s;
	unsigned n = 0;

	if (size > MAX_INPUT)
		return 0;
	if (trace < 0) {
		const char *t = getenv("FUZZ_SM_TRACE");

		trace = t ? atoi(t) : 0;
	}
	model_reset();
	if (!(s = sm_new(&LIMITS, &clock)))
		abort();
	for (unsigned c = 1; c <= NCONN; c++)
		sm_conn_open(s, c);
	while (p < end && n < MAX_MSGS) {
		const uint8_t *q = next_sep(p, end);
		if ((size_t)(q - p) > HDR) {
			uint8_t *msg = copy_of(p, (size_t)(q - p)); /* exact size: ASan sees over-reads */
			run_message(s, msg, (size_t)(q - p));
			free(msg);
			n++;
		}
		p = q == end ? end : q + sizeof(SEP);
	}
	sm_free(s);
	model_reset();
	return 0;
}
