/*
 * sm.c - the record entry point: ONC RPC checks in RFC 5531 s9 order, then NULL or COMPOUND.
 */
#include "sm_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Decode far enough to answer TOO_MANY_OPS rather than GARBAGE_ARGS (RFC 8881 s15.1.3.11). */
#define DECODE_MAX_OPS 4096u

void sm_limits_default(struct sm_limits *l)
{
	*l = (struct sm_limits){
		.lease_seconds = 90, .max_clients = 1024, .max_sessions_per_client = 16,
		.max_fore_slots = 64, .max_back_slots = 16, .max_ops = 128,
		.max_request_size = 1u << 20, .max_response_size = 1u << 20,
		.max_response_size_cached = 64u << 10, .max_conns_per_session = 16,
		.unconfirmed_seconds = 90, .reply_cache_cap = 64ull << 20};
}

uint64_t sm_now(const struct sm *s) { return s->clock.now_ms(s->clock.ctx); }

uint8_t *sm_scratch(struct sm_request *rq, size_t n)
{
	uint8_t *p;

	n = (n + 7) & ~(size_t)7;
	if (n > sizeof(rq->scratch) - rq->scratch_used)
		return NULL;
	p = rq->scratch + rq->scratch_used;
	rq->scratch_used += n;
	memset(p, 0, n); /* compound() leaves the scratch space uncleared */
	return p;
}

struct sm *sm_new(const struct sm_limits *l, const struct sm_clock *clock)
{
	struct sm *s = calloc(1, sizeof(*s));
	struct timespec ts;

	if (!s)
		return NULL;
	s->limits = *l;
	s->clock = *clock;
	/* Client ids and the server owner carry the incarnation: ids from an earlier boot are
	 * recognisably stale (RFC 8881 s2.4, s18.35.3). */
	s->boot_id = l->incarnation;
	if (s->boot_id == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		s->boot_id = (uint64_t)ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 20);
	}
	snprintf(s->server_owner, sizeof(s->server_owner), "nfs41refd-%08x", (uint32_t)s->boot_id);
	return s;
}

void sm_free(struct sm *s)
{
	if (!s)
		return;
	sm_deferred_free(s);
	sm_outbox_free(s);
	sm_sessions_free(s);
	sm_clients_free(s);
	free(s);
}

void sm_conn_open(struct sm *s, uint64_t conn)
{
	(void)s;
	(void)conn;
}

void sm_conn_close(struct sm *s, uint64_t conn)
{
	sm_conn_unbind_all(s, conn); /* a closed connection is unbound at once */
}

const double sm_duration_bounds[SM_DURATION_BUCKETS - 1] = {1, 10, 60, 600, 3600};

const char *sm_destroy_reason_name(enum sm_destroy_reason r)
{
	static const char *const names[] = {"destroy_session", "client_gone", "admin", "reaper",
						    "restart"};

	return (unsigned)r < SM_DESTROY_NREASONS ? names[r] : "unknown";
}

void sm_stats(const struct sm *s, struct sm_stats *out)
{
	struct slot_info si;

	*out = s->stats;
	out->slots_in_use = 0;
	for (const struct sm_session *x = s->sessions; x; x = x->next)
		for (uint32_t k = 0; k < x->slots.nslots; k++)
			if (slot_table_slot_info(&x->slots, k, &si) && si.state != SLOT_NEVER_USED)
				out->slots_in_use++;
}

void sm_set_log(struct sm *s, const struct sm_log *log) { s->log = *log; }

static void log_to(void (*sink)(void *, const char *), void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void log_to(void (*sink)(void *, const char *), void *ctx, const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	sink(ctx, line);
}

void sm_logf(struct sm *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->log.line)
		return;
	va_start(ap, fmt);
	log_to(s->log.line, s->log.ctx, fmt, ap);
	va_end(ap);
}

void sm_detailf(struct sm *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->log.detail)
		return;
	va_start(ap, fmt);
	log_to(s->log.detail, s->log.ctx, fmt, ap);
	va_end(ap);
}

/* ---- replies ------------------------------------------------------------------------------ */

static enum sm_action encode(const struct wire_msg *m, uint8_t **reply, size_t *len)
{
	size_t need = wire_msg_encode(m, NULL, 0);

	*reply = malloc(need ? need : 1);
	if (!*reply)
		return SM_CLOSE;
	*len = wire_msg_encode(m, *reply, need);
	return SM_REPLY;
}

static enum sm_action accepted(uint32_t xid, uint32_t stat, uint8_t **reply, size_t *len)
{
	struct wire_msg m = {.msg_type = ONCRPC_REPLY,
			     .reply = {.xid = xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
				       .accept_stat = stat}};

	if (stat == ONCRPC_PROG_MISMATCH) /* RFC 5531 s9: the versions we do serve */
		m.reply.mismatch_low = m.reply.mismatch_high = NFS_V4;
	return encode(&m, reply, len);
}

static enum sm_action denied(uint32_t xid, uint32_t reject, uint32_t auth_stat, uint8_t **reply,
			     size_t *len)
{
	struct wire_msg m = {.msg_type = ONCRPC_REPLY,
			     .reply = {.xid = xid, .reply_stat = ONCRPC_MSG_DENIED,
				       .reject_stat = reject, .auth_stat = auth_stat,
				       .mismatch_low = ONCRPC_VERSION, .mismatch_high = ONCRPC_VERSION}};

	return encode(&m, reply, len);
}

/* RFC 5531 s9-s10: AUTH_NONE and AUTH_SYS are served; a malformed or other credential is not. */
static uint32_t check_cred(const struct oncrpc_auth *cred, struct sm_principal *p)
{
	const struct oncrpc_authsys *sys = &cred->u.sys;

	*p = (struct sm_principal){.flavor = cred->flavor};
	switch (cred->flavor) {
	case ONCRPC_AUTH_NONE:
		return cred->body.len == 0 ? ONCRPC_AUTH_OK : ONCRPC_AUTH_BADCRED; /* RPC-12 */
	case ONCRPC_AUTH_SYS:
		if (!cred->body_ok)
			return ONCRPC_AUTH_BADCRED;
		p->uid = sys->uid;
		p->gid = sys->gid;
		p->ngids = sys->ngids;
		memcpy(p->gids, sys->gids, sizeof(p->gids));
		slot_sort_gids(p->gids, p->ngids); /* equal principals whatever the gid order */
		return ONCRPC_AUTH_OK;
	case ONCRPC_RPCSEC_GSS: /* no GSS contexts exist here (RFC 2203 s5.3.3.3) */
		return ONCRPC_RPCSEC_GSS_CREDPROBLEM;
	default:
		return ONCRPC_AUTH_REJECTEDCRED;
	}
}

/* COMPOUND4res alone, malloc'ed: what a slot caches and the reply carries (s2.10.6.1.3). */
static uint8_t *encode_res(const struct COMPOUND4res *res, size_t *len)
{
	struct xdr_enc e;
	uint8_t *buf;

	xdr_enc_init(&e, NULL, 0);
	nfs4_compound_res_encode(&e, res);
	buf = malloc(e.len ? e.len : 1);
	if (!buf)
		return NULL;
	xdr_enc_init(&e, buf, e.len);
	nfs4_compound_res_encode(&e, res);
	*len = e.len;
	return buf;
}

static enum sm_action compound(struct sm *s, uint64_t conn, const struct wire_msg *call,
			       size_t record_len, uint8_t **reply, size_t *len)
{
	struct sm_request *rq = malloc(sizeof(*rq));
	struct wire_msg m = {.msg_type = ONCRPC_REPLY,
			     .reply = {.xid = call->xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
				       .accept_stat = ONCRPC_SUCCESS}};
	struct COMPOUND4res res;
	uint8_t *body = NULL;
	size_t body_len = 0;
	enum sm_action act;

	if (!rq)
		return accepted(call->xid, ONCRPC_SYSTEM_ERR, reply, len);
	/* All but the scratch space, which sm_scratch() clears as it hands it out: a COMPOUND uses
	 * little of its 16 KiB, and clearing all of it cost more than most requests. */
	memset(rq, 0, offsetof(struct sm_request, scratch));
	rq->scratch_used = 0;
	rq->conn = conn;
	rq->call = &call->call;
	rq->record_len = record_len;
	check_cred(&call->call.cred, &rq->principal);
	s->rq = rq; /* so that destroying its session mid-COMPOUND forgets it (sm_session_destroy) */
	sm_compound(s, rq, &call->args, &res);
	sm_limit_reply(rq, &res);
	if (rq->replay) {
		m.body = (struct wire_opaque){rq->replay, (uint32_t)rq->replay_len};
	} else {
		body = encode_res(&res, &body_len);
		m.body = (struct wire_opaque){body, (uint32_t)body_len};
	}
	act = body || rq->replay ? encode(&m, reply, len)
				 : accepted(call->xid, ONCRPC_SYSTEM_ERR, reply, len);
	/* The slot is finished when the reply goes: now, or when the delay hook releases it. */
	if (body && act == SM_REPLY && sm_defer_reply(s, rq, body, body_len, *reply, *len)) {
		free(*reply);
		*reply = NULL;
		*len = 0;
		act = SM_NOTHING;
	} else if (body) {
		sm_sequence_finish(s, rq, body, body_len);
	}
	free(body);
	nfs4_compound_res_free(&res);
	s->rq = NULL;
	free(rq);
	s->stats.compounds++;
	return act;
}

/*
 * A COMPOUND for another minor version is answered MINOR_VERS_MISMATCH with zero results even
 * when its operations would not decode: the minor version decides how they are read (RFC 8881
 * s16.2.3, CMP-02). True, with the reply, when rec is such a COMPOUND.
 */
static bool other_minor_version(const uint8_t *rec, size_t len, uint32_t xid, uint8_t **reply,
				size_t *reply_len, enum sm_action *act)
{
	struct xdr_dec d;
	struct oncrpc_call c;
	struct COMPOUND4res res = {.status = NFS4ERR_MINOR_VERS_MISMATCH};
	uint32_t minor;
	uint8_t *body;
	size_t body_len;

	xdr_dec_init(&d, rec, len, 0);
	if (!oncrpc_call_decode(&d, &c) || !xdr_get_opaque(&d, "tag", UINT32_MAX, &res.tag) ||
	    !xdr_get_u32(&d, "minorversion", &minor) || minor == 1)
		return false;
	body = encode_res(&res, &body_len);
	if (!body) {
		*act = accepted(xid, ONCRPC_SYSTEM_ERR, reply, reply_len);
		return true;
	}
	struct wire_msg m = {.msg_type = ONCRPC_REPLY,
			     .reply = {.xid = xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
				       .accept_stat = ONCRPC_SUCCESS},
			     .body = {body, (uint32_t)body_len}};
	*act = encode(&m, reply, reply_len);
	free(body);
	return true;
}

/* Arguments that do not decode: GARBAGE_ARGS (RPC-09), unless a COMPOUND's minor version
 * already says MINOR_VERS_MISMATCH (CMP-02). */
static enum sm_action undecodable_args(const uint8_t *rec, size_t len, const struct wire_msg *m,
				       uint8_t **reply, size_t *reply_len)
{
	enum sm_action act;

	if (m->call.proc == NFSPROC4_COMPOUND &&
	    other_minor_version(rec, len, m->xid, reply, reply_len, &act))
		return act;
	return accepted(m->xid, ONCRPC_GARBAGE_ARGS, reply, reply_len);
}

static bool call_header_complete(const uint8_t *rec, size_t len)
{
	struct xdr_dec d;
	struct oncrpc_call c;

	xdr_dec_init(&d, rec, len, 0);
	return oncrpc_call_decode(&d, &c);
}

enum sm_action sm_handle(struct sm *s, uint64_t conn, const uint8_t *rec, size_t len,
			 uint8_t **reply, size_t *reply_len)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .max_ops = DECODE_MAX_OPS};
	struct wire_msg m;
	struct wire_error e;
	enum wire_status st = wire_msg_decode(rec, len, &o, &m, &e);
	struct sm_principal p;
	uint32_t auth;
	enum sm_action act;

	*reply = NULL;
	*reply_len = 0;
	if (m.msg_type == ONCRPC_REPLY) {
		/* The answer to a callback, or a stray reply: either way nothing is sent back
		 * (RFC 5531 s9: replies match calls by xid only). */
		(void)sm_callback_reply(s, conn, m.xid);
		wire_msg_free(&m);
		return SM_NOTHING;
	}
	/* A call header that does not decode cannot be answered: drop the connection (RPC-03). */
	if (m.msg_type != ONCRPC_CALL || !call_header_complete(rec, len)) {
		wire_msg_free(&m);
		return SM_CLOSE;
	}
	if (m.call.rpcvers != ONCRPC_VERSION)
		act = denied(m.xid, ONCRPC_RPC_MISMATCH, 0, reply, reply_len); /* RPC-05 */
	else if ((auth = check_cred(&m.call.cred, &p)) != ONCRPC_AUTH_OK)
		act = denied(m.xid, ONCRPC_AUTH_ERROR, auth, reply, reply_len); /* RPC-10 */
	else if (m.call.prog != NFS4_PROGRAM)
		act = accepted(m.xid, ONCRPC_PROG_UNAVAIL, reply, reply_len); /* RPC-06 */
	else if (m.call.vers != NFS_V4)
		act = accepted(m.xid, ONCRPC_PROG_MISMATCH, reply, reply_len); /* RPC-07 */
	else if (m.call.proc != NFSPROC4_NULL && m.call.proc != NFSPROC4_COMPOUND)
		act = accepted(m.xid, ONCRPC_PROC_UNAVAIL, reply, reply_len); /* RPC-08 */
	else if (st != WIRE_OK && st != WIRE_ERR_UNSUPPORTED)
		act = undecodable_args(rec, len, &m, reply, reply_len);
	else if (m.call.proc == NFSPROC4_NULL)
		act = accepted(m.xid, ONCRPC_SUCCESS, reply, reply_len); /* RPC-15 */
	else
		act = compound(s, conn, &m, len, reply, reply_len);
	wire_msg_free(&m);
	return act;
}
