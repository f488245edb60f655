/*
 * load.c - the pipelined load generator (see load.h).
 *
 * Calls are not encoded one by one: each connection encodes its compound once
 * and patches the three words that change between calls (xid, slot id and
 * seqid) into a copy, found by encoding twice with different values. Calls
 * made ready in one pass go out in one send; replies are read when poll()
 * says so. That keeps the generator's own cost per compound low, which
 * matters when it shares two cores with the server it measures.
 */
#include "load.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "wire.h"

#define XID_SLOT_BITS 10u /* xid = generation << 10 | slot: LOAD_MAX_SLOTS is 1024 */
#define SETUP_TIMEOUT 10.0
#define DRAIN_TIMEOUT 2.0 /* after the deadline: wait this long for calls in flight */
#define CALL_CAP 1024u    /* a call of any mix fits */

struct load_slot {
	uint32_t seqid;      /* of the call in flight or last answered */
	uint32_t xid;        /* of the call in flight; 0 when idle */
	double sent_at;
	bool retry;          /* replay mix: the call in flight is the retry */
	uint8_t *first;      /* replay mix: the original's reply after its xid */
	size_t first_len;
};

struct load_conn {
	struct conn c;
	uint8_t sid[NFS4_SESSIONID_SIZE];
	uint64_t clientid;
	uint32_t nslots, generation;
	struct load_slot *slot;
	uint8_t call[CALL_CAP + 4]; /* record-marked call of this connection's mix */
	size_t call_len;            /* with the mark */
	size_t off_slot, off_seqid; /* of sa_slotid and sa_sequenceid in call[] */
	uint8_t *out;               /* calls waiting for the next send */
	size_t out_len, out_cap;
	bool checked_once;          /* the first reply got a full strict decode */
};

struct load_run_state {
	const struct load_opts *o;
	struct load_result *r;
	struct load_conn *conns;
	unsigned n;
	uint64_t issued;
	bool issuing; /* false once the deadline, the count or a stop is reached */
	double t0, t_end;
};

static const char *const mix_names[LOAD_NMIXES] = {"sequence", "getattr", "cachethis", "replay"};

const char *load_mix_name(enum load_mix m)
{
	return m < LOAD_NMIXES ? mix_names[m] : "?";
}

enum load_mix load_mix_parse(const char *s)
{
	for (unsigned m = 0; m < LOAD_NMIXES; m++)
		if (!strcmp(s, mix_names[m]))
			return (enum load_mix)m;
	return LOAD_NMIXES;
}

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- encoding ------------------------------------------------------------------------- */

static const uint8_t authsys_body[] = {0, 0, 0, 1, 0, 0, 0, 4, 'l', 'o', 'a', 'd',
				       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

/* Encode ops as a record-marked COMPOUND call (AUTH_SYS, uid 0). Returns the length or 0. */
static size_t encode_call(uint32_t xid, const struct nfs_argop *ops, uint32_t n, uint8_t *buf,
			  size_t cap)
{
	struct wire_msg m = {
		.msg_type = ONCRPC_CALL,
		.call = {.xid = xid, .rpcvers = ONCRPC_VERSION, .prog = NFS4_PROGRAM, .vers = NFS_V4,
			 .proc = NFSPROC4_COMPOUND,
			 .cred = {.flavor = ONCRPC_AUTH_SYS,
				  .body = {authsys_body, sizeof(authsys_body)}}},
		.is_compound = true,
		.args = {.minorversion = 1, .argarray = (struct nfs_argop *)ops, .argarray_len = n}};
	size_t len = wire_msg_encode(&m, buf + 4, cap - 4);

	if (len > cap - 4)
		return 0;
	xdr_store_be32(buf, RM_LAST_FRAGMENT | (uint32_t)len);
	return len + 4;
}

/* The ops of one call of the mix; returns their number. */
static uint32_t mix_ops(enum load_mix mix, const struct load_conn *lc, uint32_t slot,
			uint32_t seqid, struct nfs_argop ops[3])
{
	struct SEQUENCE4args *s = &ops[0].u.sequence;

	memset(ops, 0, 3 * sizeof(*ops));
	ops[0].op = OP_SEQUENCE;
	memcpy(s->sa_sessionid, lc->sid, NFS4_SESSIONID_SIZE);
	s->sa_slotid = slot;
	s->sa_sequenceid = seqid;
	s->sa_highest_slotid = lc->nslots - 1;
	s->sa_cachethis = mix == LOAD_MIX_CACHETHIS || mix == LOAD_MIX_REPLAY;
	if (mix == LOAD_MIX_SEQUENCE)
		return 1;
	ops[1].op = OP_PUTROOTFH;
	ops[2].op = OP_GETATTR;
	/* what a client asks of a directory it revalidates (s5.6 REQUIRED and RECOMMENDED) */
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_TYPE);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_CHANGE);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_SIZE);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_FSID);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_FILEID);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_MODE);
	return 3;
}

/* The offset of the one 4-byte word where a and b differ, or 0 if they differ otherwise. */
static size_t differing_word(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t first = len, last = 0;

	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i]) {
			first = first == len ? i : first;
			last = i;
		}
	return first < len && last - first < 4 && first + 4 <= len ? first : 0;
}

/*
 * Encode the connection's call once with slot 0 / seqid 0, and again with each changed, to
 * learn where the two words sit (the encoder's layout stays the encoder's business).
 */
static int build_template(const struct load_opts *o, struct load_conn *lc, struct load_result *r,
			  char *err, size_t errlen)
{
	struct nfs_argop ops[3];
	uint8_t other[CALL_CAP + 4];
	uint32_t n = mix_ops(o->mix, lc, 0, 0, ops);
	size_t len = encode_call(0, ops, n, lc->call, sizeof(lc->call));

	n = mix_ops(o->mix, lc, 0xffffffffu, 0, ops);
	if (len == 0 || encode_call(0, ops, n, other, sizeof(other)) != len ||
	    !(lc->off_slot = differing_word(lc->call, other, len))) {
		fail(err, errlen, "cannot encode the %s call", load_mix_name(o->mix));
		return -1;
	}
	n = mix_ops(o->mix, lc, 0, 0xffffffffu, ops);
	if (encode_call(0, ops, n, other, sizeof(other)) != len ||
	    !(lc->off_seqid = differing_word(lc->call, other, len))) {
		fail(err, errlen, "cannot encode the %s call", load_mix_name(o->mix));
		return -1;
	}
	lc->call_len = len;
	r->call_bytes = (unsigned)(len - 4);
	return 0;
}

/* ---- session set-up and tear-down ---------------------------------------------------- */

/*
 * Send ops on c and wait for their reply; returns the COMPOUND status, or -1 with err. Only
 * with NFS4_OK is *m left decoded (the caller frees it).
 */
static int call_once(struct load_conn *lc, uint32_t xid, const struct nfs_argop *ops, uint32_t n,
		     struct wire_msg *m, char *err, size_t errlen)
{
	uint8_t buf[CALL_CAP + 4];
	size_t len = encode_call(xid, ops, n, buf, sizeof(buf));
	struct conn_reply rep;
	struct wire_error e;
	const char *what = nfs4_op_name(ops[0].op);

	if (len == 0 || conn_send_bytes(&lc->c, buf, len, err, errlen) != 0)
		return -1;
	if (conn_wait_reply(&lc->c, xid, conn_now() + SETUP_TIMEOUT, &rep) != CONN_GOT_REPLY) {
		fail(err, errlen, "%s: no reply within %.0f s%s%s", what, SETUP_TIMEOUT,
		     lc->c.broken[0] ? ": " : "", lc->c.broken);
		return -1;
	}
	if (wire_msg_decode(rep.rec, rep.len, NULL, m, &e) != WIRE_OK || !m->is_compound) {
		char why[300];

		fail(err, errlen, "%s: the reply does not decode: %s", what,
		     m->is_compound ? wire_error_format(&e, why, sizeof(why)) : "not a COMPOUND reply");
		wire_msg_free(m);
		free(rep.rec);
		return -1;
	}
	free(rep.rec);
	if (m->res.status != NFS4_OK) {
		int status = (int)m->res.status;

		fail(err, errlen, "%s: %s", what, nfs4_status_name(m->res.status));
		wire_msg_free(m);
		return status;
	}
	if (m->res.resarray_len < n || m->res.resarray[0].op != ops[0].op) {
		fail(err, errlen, "%s: NFS4_OK with %u results, the first for %s", what,
		     m->res.resarray_len, m->res.resarray_len ? nfs4_op_name(m->res.resarray[0].op) : "none");
		wire_msg_free(m);
		return -1;
	}
	return NFS4_OK;
}

/* EXCHANGE_ID for a new owner; *csa_sequence gets eir_sequenceid (s18.36.4). */
static int exchange_id(const struct load_opts *o, struct load_conn *lc, unsigned index,
		       uint32_t *csa_sequence, char *err, size_t errlen)
{
	char owner[96];
	struct nfs_argop op = {.op = OP_EXCHANGE_ID};
	struct EXCHANGE_ID4args *a = &op.u.exchange_id;
	struct wire_msg m;

	snprintf(owner, sizeof(owner), "%s-%ld-%u", o->owner_prefix ? o->owner_prefix : "nfs41check-load",
		 (long)getpid(), index);
	a->eia_clientowner.co_ownerid = (struct wire_opaque){(const uint8_t *)owner, (uint32_t)strlen(owner)};
	memcpy(a->eia_clientowner.co_verifier, "loadverf", NFS4_VERIFIER_SIZE);
	a->eia_flags = EXCHGID4_FLAG_USE_NON_PNFS;
	if (call_once(lc, 1, &op, 1, &m, err, errlen) != NFS4_OK)
		return -1;
	lc->clientid = m.res.resarray[0].u.exchange_id.eir_clientid;
	*csa_sequence = m.res.resarray[0].u.exchange_id.eir_sequenceid;
	wire_msg_free(&m);
	return 0;
}

static int create_session(struct load_conn *lc, uint32_t csa_sequence, uint32_t slots, char *err,
			  size_t errlen)
{
	struct nfs_argop op = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *a = &op.u.create_session;
	struct wire_msg m;
	uint32_t granted;

	a->csa_clientid = lc->clientid;
	a->csa_sequence = csa_sequence;
	a->csa_fore_chan_attrs = (struct channel_attrs4){0, 1048576, 1048576, 65536, 16, slots, false, 0};
	a->csa_back_chan_attrs = (struct channel_attrs4){0, 4096, 4096, 0, 2, 1, false, 0};
	a->csa_sec_parms_count = 1; /* AUTH_NONE for the (unused) back channel */
	if (call_once(lc, 2, &op, 1, &m, err, errlen) != NFS4_OK)
		return -1;
	memcpy(lc->sid, m.res.resarray[0].u.create_session.csr_sessionid, NFS4_SESSIONID_SIZE);
	granted = m.res.resarray[0].u.create_session.csr_fore_chan_attrs.ca_maxrequests;
	wire_msg_free(&m);
	if (granted == 0) {
		fail(err, errlen, "CREATE_SESSION granted no slot (ca_maxrequests 0)");
		return -1;
	}
	lc->nslots = granted < slots ? granted : slots;
	return 0;
}

static int open_conn(const struct load_opts *o, struct load_conn *lc, unsigned index,
		     struct load_result *r, char *err, size_t errlen)
{
	char why[256];
	uint32_t seq;

	if (conn_open(&lc->c, (int)index, o->host, o->port, conn_now() + SETUP_TIMEOUT, NULL, why,
		      sizeof(why)) != 0) {
		fail(err, errlen, "connection %u: %s", index + 1, why);
		return -1;
	}
	lc->nslots = o->slots;
	if (!o->raw) {
		if (exchange_id(o, lc, index, &seq, why, sizeof(why)) != 0 ||
		    create_session(lc, seq, o->slots, why, sizeof(why)) != 0) {
			fail(err, errlen, "connection %u: %s", index + 1, why);
			return -1;
		}
	}
	lc->slot = calloc(lc->nslots, sizeof(*lc->slot));
	if (!lc->slot) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	if (r->slots_granted == 0 || lc->nslots < r->slots_granted)
		r->slots_granted = lc->nslots;
	return build_template(o, lc, r, err, errlen);
}

/* Best effort, so that repeated runs do not pile up state on the server (s18.37, s18.50). */
static void close_conn(const struct load_opts *o, struct load_conn *lc)
{
	if (lc->c.fd >= 0 && !o->raw && lc->clientid) {
		struct nfs_argop op = {.op = OP_DESTROY_SESSION};
		struct wire_msg m;
		char why[256];

		memcpy(op.u.destroy_session.dsa_sessionid, lc->sid, NFS4_SESSIONID_SIZE);
		if (call_once(lc, 3, &op, 1, &m, why, sizeof(why)) == NFS4_OK)
			wire_msg_free(&m);
		op = (struct nfs_argop){.op = OP_DESTROY_CLIENTID};
		op.u.destroy_clientid.dca_clientid = lc->clientid;
		if (call_once(lc, 4, &op, 1, &m, why, sizeof(why)) == NFS4_OK)
			wire_msg_free(&m);
	}
	conn_close(&lc->c);
	for (uint32_t s = 0; lc->slot && s < lc->nslots; s++)
		free(lc->slot[s].first);
	free(lc->slot);
	free(lc->out);
}

/* ---- the run ------------------------------------------------------------------------- */

static void note_error(struct load_run_state *st, const struct load_conn *lc, uint32_t slot,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void note_error(struct load_run_state *st, const struct load_conn *lc, uint32_t slot,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st->r->errors++ > 0)
		return;
	n = snprintf(st->r->first_error, sizeof(st->r->first_error), "connection %d slot %u seqid %u: ",
		     lc->c.index + 1, slot, lc->slot[slot].seqid);
	if (n < 0 || (size_t)n >= sizeof(st->r->first_error))
		return;
	va_start(ap, fmt);
	vsnprintf(st->r->first_error + n, sizeof(st->r->first_error) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Queue the slot's next call (or the retry of its last one) for the next send. */
static int queue_call(struct load_run_state *st, struct load_conn *lc, uint32_t slot, bool retry)
{
	struct load_slot *s = &lc->slot[slot];
	uint8_t *p;

	if (lc->out_len + lc->call_len > lc->out_cap) {
		size_t cap = lc->out_cap ? lc->out_cap * 2 : lc->call_len * 64;
		uint8_t *more = realloc(lc->out, cap);

		if (!more)
			return -1;
		lc->out = more;
		lc->out_cap = cap;
	}
	if (!retry)
		s->seqid++;
	s->retry = retry;
	s->xid = (++lc->generation << XID_SLOT_BITS) | slot;
	if (s->xid >> XID_SLOT_BITS == 0) /* wrapped: never use xid 0 */
		s->xid = (++lc->generation << XID_SLOT_BITS) | slot;
	p = lc->out + lc->out_len;
	memcpy(p, lc->call, lc->call_len);
	xdr_store_be32(p + 4, s->xid);
	xdr_store_be32(p + lc->off_slot, slot);
	xdr_store_be32(p + lc->off_seqid, s->seqid);
	lc->out_len += lc->call_len;
	s->sent_at = conn_now();
	if (!retry)
		st->issued++;
	return 0;
}

static int flush_calls(struct load_conn *lc, char *err, size_t errlen)
{
	int rc = lc->out_len ? conn_send_bytes(&lc->c, lc->out, lc->out_len, err, errlen) : 0;

	lc->out_len = 0;
	return rc;
}

/* The whole reply, decoded strictly once per connection: the light check below trusts its shape. */
static const char *strict_decode(const uint8_t *rec, size_t len, char *why, size_t n)
{
	struct wire_decode_opts d = {.flags = WIRE_STRICT, .reply_proc = NFSPROC4_COMPOUND};
	struct wire_msg m;
	struct wire_error e;
	enum wire_status s = wire_msg_decode(rec, len, &d, &m, &e);
	char detail[300];

	wire_msg_free(&m);
	if (s == WIRE_OK)
		return NULL;
	snprintf(why, n, "the reply does not decode strictly: %s", wire_error_format(&e, detail, sizeof(detail)));
	return why;
}

/*
 * Check one reply to the slot's call without a full decode: accepted, COMPOUND
 * NFS4_OK, first result a SEQUENCE4resok for our session, slot and seqid. NULL if good.
 */
static const char *check_reply(const struct load_conn *lc, uint32_t slot, const uint8_t *rec,
			       size_t len, char *why, size_t n)
{
	struct xdr_dec d = {0};
	struct oncrpc_reply rh;
	uint32_t status, count, op, op_status, seqid = 0, slotid = 0;
	uint8_t sid[NFS4_SESSIONID_SIZE];

	xdr_dec_init(&d, rec, len, 0);
	if (!oncrpc_reply_decode(&d, &rh) || rh.reply_stat != ONCRPC_MSG_ACCEPTED ||
	    rh.accept_stat != ONCRPC_SUCCESS) {
		char detail[300];

		snprintf(why, n, "RPC reply not accepted/SUCCESS%s%s", xdr_ok(&d) ? "" : ": ",
			 xdr_ok(&d) ? "" : wire_error_format(&d.error, detail, sizeof(detail)));
		return why;
	}
	if (!xdr_get_u32(&d, "status", &status) || !xdr_skip_opaque(&d, "tag", 4096) ||
	    !xdr_get_u32(&d, "resarray", &count) || count == 0 || !xdr_get_u32(&d, "resop", &op) ||
	    !xdr_get_u32(&d, "status", &op_status)) {
		snprintf(why, n, "truncated COMPOUND reply (%zu bytes)", len);
		return why;
	}
	if (op != OP_SEQUENCE || op_status != NFS4_OK || status != NFS4_OK) {
		snprintf(why, n, "%s %s, COMPOUND %s", nfs4_op_name(op), nfs4_status_name(op_status),
			 nfs4_status_name(status));
		return why;
	}
	if (!xdr_get_fixed(&d, "sr_sessionid", sid, sizeof(sid)) ||
	    !xdr_get_u32(&d, "sr_sequenceid", &seqid) || !xdr_get_u32(&d, "sr_slotid", &slotid) ||
	    memcmp(sid, lc->sid, sizeof(sid)) != 0 || seqid != lc->slot[slot].seqid || slotid != slot) {
		snprintf(why, n, "SEQUENCE result for another session, slot or seqid (slot %u seqid %u)",
			 slotid, seqid);
		return why;
	}
	return NULL;
}

/* Replay mix: keep the original reply (after the xid), or compare the retry's with it. */
static const char *check_replay(struct load_slot *s, const uint8_t *rec, size_t len, char *why,
				size_t n)
{
	if (!s->retry) {
		uint8_t *copy = realloc(s->first, len - 4);

		if (!copy)
			return "out of memory";
		memcpy(copy, rec + 4, len - 4);
		s->first = copy;
		s->first_len = len - 4;
		return NULL;
	}
	if (len - 4 != s->first_len || memcmp(rec + 4, s->first, s->first_len) != 0) {
		size_t at = 0;

		while (at < s->first_len && at < len - 4 && rec[4 + at] == s->first[at])
			at++;
		snprintf(why, n, "the retry's reply differs from the original's at byte %zu (%zu vs %zu bytes)",
			 at + 4, len, s->first_len + 4);
		return why;
	}
	return NULL;
}

static void count_reply(struct load_run_state *st, struct load_conn *lc, uint32_t slot,
			const struct conn_reply *rep)
{
	struct load_slot *s = &lc->slot[slot];

	if (!st->o->raw) {
		char why[200];
		const char *bad = check_reply(lc, slot, rep->rec, rep->len, why, sizeof(why));

		if (!bad && !lc->checked_once) {
			lc->checked_once = true;
			bad = strict_decode(rep->rec, rep->len, why, sizeof(why));
		}
		if (!bad && st->o->mix == LOAD_MIX_REPLAY)
			bad = check_replay(s, rep->rec, rep->len, why, sizeof(why));
		if (bad) {
			note_error(st, lc, slot, "%s", bad);
			return;
		}
	}
	st->r->reply_bytes = (unsigned)rep->len;
	if (rep->at <= st->t_end) {
		st->r->compounds++;
		latency_hist_add(&st->r->hist, (uint64_t)((rep->at - s->sent_at) * 1e9));
	}
}

/* Take every reply the connection has read; queue each slot's next call. */
static int take_replies(struct load_run_state *st, struct load_conn *lc)
{
	for (size_t i = 0; i < lc->c.nreplies; i++) {
		struct conn_reply *rep = &lc->c.replies[i];
		uint32_t slot = rep->xid & ((1u << XID_SLOT_BITS) - 1);
		bool again;

		if (slot >= lc->nslots || lc->slot[slot].xid != rep->xid) {
			note_error(st, lc, slot < lc->nslots ? slot : 0, "a reply to xid 0x%08x, never sent or answered twice", rep->xid);
			free(rep->rec);
			continue;
		}
		count_reply(st, lc, slot, rep);
		free(rep->rec);
		lc->slot[slot].xid = 0;
		again = st->o->mix == LOAD_MIX_REPLAY && !lc->slot[slot].retry;
		if (!again && st->issuing && st->o->max_compounds && st->issued >= st->o->max_compounds)
			st->issuing = false;
		if ((st->issuing || again) && queue_call(st, lc, slot, again) != 0)
			return -1;
	}
	lc->c.nreplies = 0;
	return 0;
}

static bool in_flight(const struct load_run_state *st)
{
	for (unsigned i = 0; i < st->n; i++)
		for (uint32_t s = 0; s < st->conns[i].nslots; s++)
			if (st->conns[i].slot[s].xid)
				return true;
	return false;
}

/* Calls unanswered for longer than the reply timeout are errors, and end the run. */
static bool overdue(struct load_run_state *st, double now)
{
	double limit = st->o->reply_timeout > 0 ? st->o->reply_timeout : 10.0;

	for (unsigned i = 0; i < st->n; i++) {
		struct load_conn *lc = &st->conns[i];

		for (uint32_t s = 0; s < lc->nslots; s++)
			if (lc->slot[s].xid && now - lc->slot[s].sent_at > limit) {
				note_error(st, lc, s, "no reply within %.1f s%s%s", limit,
					   lc->c.peer_closed ? " (the server closed the connection)" : "",
					   lc->c.broken);
				return true;
			}
	}
	return false;
}

/* Calls still unanswered when the run ends (after the drain wait) are errors. */
static void count_unanswered(struct load_run_state *st)
{
	for (unsigned i = 0; i < st->n; i++)
		for (uint32_t s = 0; s < st->conns[i].nslots; s++)
			if (st->conns[i].slot[s].xid)
				note_error(st, &st->conns[i], s, "no reply %.0f s after the run ended",
					   DRAIN_TIMEOUT);
}

static void update_issuing(struct load_run_state *st, double now)
{
	const struct load_opts *o = st->o;

	if (now >= st->t_end || (o->stop && *o->stop) || st->r->errors >= LOAD_MAX_ERRORS ||
	    (o->max_compounds && st->issued >= o->max_compounds))
		st->issuing = false;
}

/* One poll() over every connection, then their replies. Returns -1 on a broken connection. */
static int pump(struct load_run_state *st, struct pollfd *pfd, char *err, size_t errlen)
{
	int ready = poll(pfd, st->n, 50);

	if (ready < 0 && errno != EINTR) {
		fail(err, errlen, "poll: %s", strerror(errno));
		return -1;
	}
	for (unsigned i = 0; ready > 0 && i < st->n; i++) {
		struct load_conn *lc = &st->conns[i];

		if (!pfd[i].revents)
			continue;
		conn_read_available(&lc->c);
		update_issuing(st, conn_now());
		if (take_replies(st, lc) != 0) {
			fail(err, errlen, "out of memory");
			return -1;
		}
		if (flush_calls(lc, err, errlen) != 0)
			return -1;
		if (lc->c.broken[0] || (lc->c.peer_closed && !lc->c.nreplies)) {
			fail(err, errlen, "connection %u: %s", i + 1,
			     lc->c.broken[0] ? lc->c.broken : "the server closed the connection");
			return -1;
		}
	}
	return 0;
}

static int run_loop(struct load_run_state *st, char *err, size_t errlen)
{
	struct pollfd *pfd = calloc(st->n, sizeof(*pfd));
	double next_progress, next_overdue_check = 0, drain_end = 0, now_end;
	int rc = 0;

	if (!pfd) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < st->n; i++)
		pfd[i] = (struct pollfd){.fd = st->conns[i].c.fd, .events = POLLIN};
	st->issuing = true;
	st->t0 = conn_now();
	st->t_end = st->t0 + st->o->duration;
	next_progress = st->t0 + 1;
	for (unsigned i = 0; i < st->n && rc == 0; i++) {
		for (uint32_t s = 0; s < st->conns[i].nslots && st->issuing && rc == 0; s++) {
			if ((rc = queue_call(st, &st->conns[i], s, false)) != 0)
				fail(err, errlen, "out of memory");
			update_issuing(st, conn_now());
		}
		if (rc == 0)
			rc = flush_calls(&st->conns[i], err, errlen);
	}
	while (rc == 0) {
		double now = conn_now();

		update_issuing(st, now);
		if (!st->issuing && drain_end == 0)
			drain_end = now + DRAIN_TIMEOUT;
		if (drain_end && (!in_flight(st) || now > drain_end))
			break;
		if (now >= next_overdue_check) { /* a walk over every slot: not on every wake-up */
			if (overdue(st, now))
				break;
			next_overdue_check = now + 0.1;
		}
		if (st->o->progress && now >= next_progress) {
			st->o->progress(st->o->progress_ctx, now - st->t0, st->r->compounds, st->r->errors);
			next_progress += 1;
		}
		rc = pump(st, pfd, err, errlen);
	}
	now_end = conn_now();
	st->r->elapsed = (now_end < st->t_end ? now_end : st->t_end) - st->t0;
	count_unanswered(st);
	free(pfd);
	return rc;
}

static int check_opts(const struct load_opts *o, unsigned max_conns, char *err, size_t errlen)
{
	if (o->connections < 1 || o->connections > max_conns || o->slots < 1 ||
	    o->slots > LOAD_MAX_SLOTS || o->mix >= LOAD_NMIXES || !(o->duration > 0)) {
		fail(err, errlen, "bad load options (connections 1..%u, slots 1..%u, duration > 0)",
		     max_conns, LOAD_MAX_SLOTS);
		return -1;
	}
	return 0;
}

int load_run(const struct load_opts *o, struct load_result *r, char *err, size_t errlen)
{
	struct load_run_state st = {.o = o, .r = r, .n = o->connections};
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (check_opts(o, LOAD_MAX_CONNECTIONS, err, errlen) != 0)
		return -1;
	st.conns = calloc(o->connections, sizeof(*st.conns));
	if (!st.conns) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < o->connections; i++)
		st.conns[i].c.fd = -1;
	for (unsigned i = 0; i < o->connections && rc == 0; i++)
		rc = open_conn(o, &st.conns[i], i, r, err, errlen);
	if (rc == 0)
		rc = run_loop(&st, err, errlen);
	for (unsigned i = 0; i < o->connections; i++)
		close_conn(o, &st.conns[i]);
	free(st.conns);
	return rc;
}

/* Every slot once with sa_cachethis, all in flight together; then wait for the replies. */
static int fill_slots(struct load_run_state *st, struct load_conn *lc, char *err, size_t errlen)
{
	double deadline = conn_now() + SETUP_TIMEOUT;

	st->t_end = deadline;
	st->issuing = false;
	for (uint32_t s = 0; s < lc->nslots; s++)
		if (queue_call(st, lc, s, false) != 0) {
			fail(err, errlen, "out of memory");
			return -1;
		}
	if (flush_calls(lc, err, errlen) != 0)
		return -1;
	while (in_flight(st) && conn_now() < deadline && !lc->c.broken[0] && !lc->c.peer_closed) {
		struct pollfd p = {.fd = lc->c.fd, .events = POLLIN};

		if (poll(&p, 1, 50) > 0)
			conn_read_available(&lc->c);
		if (take_replies(st, lc) != 0)
			return -1;
	}
	if (in_flight(st)) {
		fail(err, errlen, "slots still unanswered after %.0f s", SETUP_TIMEOUT);
		return -1;
	}
	return 0;
}

int load_hold_sessions(const struct load_opts *o, struct load_result *r, char *err, size_t errlen)
{
	struct load_opts one = *o;
	double next_progress;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	one.mix = LOAD_MIX_CACHETHIS;
	one.raw = false;
	if (check_opts(&one, 1000000u, err, errlen) != 0)
		return -1;
	r->elapsed = conn_now();
	next_progress = r->elapsed + 1;
	for (unsigned i = 0; i < o->connections && rc == 0 && !(o->stop && *o->stop); i++) {
		struct load_conn lc = {.c.fd = -1};
		struct load_run_state st = {.o = &one, .r = r, .conns = &lc, .n = 1};

		rc = open_conn(&one, &lc, i, r, err, errlen);
		if (rc == 0)
			rc = fill_slots(&st, &lc, err, errlen);
		if (rc == 0 && r->errors) {
			fail(err, errlen, "session %u: %s", i + 1, r->first_error);
			rc = -1;
		}
		lc.clientid = 0; /* leave the session and its client on the server */
		close_conn(&one, &lc);
		if (o->progress && conn_now() >= next_progress) {
			o->progress(o->progress_ctx, conn_now() - r->elapsed, i + 1, r->errors);
			next_progress += 1;
		}
	}
	r->elapsed = conn_now() - r->elapsed;
	return rc;
}
