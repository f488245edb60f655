/* rpc.c - ONC RPC call/reply headers and credentials (RFC 5531, RFC 2203 s5). */
#include "rpc.h"

#include <string.h>

#define NAME_OR(tbl, i, dflt)                                                                  \
	((i) < sizeof(tbl) / sizeof((tbl)[0]) && (tbl)[i] ? (tbl)[i] : (dflt))

const char *oncrpc_flavor_name(uint32_t flavor)
{
	static const char *const names[] = {"AUTH_NONE", "AUTH_SYS", "AUTH_SHORT", "AUTH_DH",
					    NULL, NULL, "RPCSEC_GSS"};
	return NAME_OR(names, flavor, "AUTH_?");
}

const char *oncrpc_accept_stat_name(uint32_t s)
{
	static const char *const names[] = {"SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH",
					    "PROC_UNAVAIL", "GARBAGE_ARGS", "SYSTEM_ERR"};
	return NAME_OR(names, s, "ACCEPT_STAT_?");
}

const char *oncrpc_auth_stat_name(uint32_t s)
{
	static const char *const names[] = {
		"AUTH_OK",	"AUTH_BADCRED",	   "AUTH_REJECTEDCRED", "AUTH_BADVERF",
		"AUTH_REJECTEDVERF", "AUTH_TOOWEAK", "AUTH_INVALIDRESP", "AUTH_FAILED",
		"AUTH_KERB_GENERIC", "AUTH_TIMEEXPIRE", "AUTH_TKT_FILE", "AUTH_DECODE",
		"AUTH_NET_ADDR", "RPCSEC_GSS_CREDPROBLEM", "RPCSEC_GSS_CTXPROBLEM"};
	return NAME_OR(names, s, "AUTH_STAT_?");
}

bool oncrpc_msg_type_peek(const uint8_t *buf, size_t len, uint32_t *xid, uint32_t *type)
{
	struct xdr_dec d;

	xdr_dec_init(&d, buf, len, 0);
	return xdr_get_u32(&d, "xid", xid) && xdr_get_u32(&d, "mtype", type);
}

/* authsys_parms inside a credential body: RFC 5531 appendix A. */
bool oncrpc_authsys_decode(struct xdr_dec *d, struct oncrpc_authsys *s)
{
	XDR_TRY(xdr_get_u32(d, "stamp", &s->stamp));
	XDR_TRY(xdr_get_opaque(d, "machinename", ONCRPC_MAX_MACHINE_NAME, &s->machinename));
	XDR_TRY(xdr_get_u32(d, "uid", &s->uid));
	XDR_TRY(xdr_get_u32(d, "gid", &s->gid));
	XDR_TRY(xdr_get_count(d, "gids", ONCRPC_MAX_GIDS, 4, &s->ngids));
	for (uint32_t i = 0; i < s->ngids; i++)
		XDR_TRY(xdr_get_u32(d, "gids", &s->gids[i]));
	return true;
}

/* rpc_gss_cred_t: version, then rpc_gss_cred_vers_1_t (RFC 2203 s5). */
static bool gss_cred_decode(struct xdr_dec *d, struct oncrpc_gss_cred *g)
{
	XDR_TRY(xdr_get_u32(d, "version", &g->version));
	if (g->version != ONCRPC_GSS_VERSION)
		return xdr_fail(d, WIRE_ERR_VALUE, "version", "RPCSEC_GSS version %u, not 1",
				g->version);
	XDR_TRY(xdr_get_u32(d, "gss_proc", &g->gss_proc));
	XDR_TRY(xdr_get_u32(d, "seq_num", &g->seq_num));
	XDR_TRY(xdr_get_u32(d, "service", &g->service));
	return xdr_get_opaque(d, "handle", ONCRPC_MAX_AUTH_BYTES, &g->handle);
}

/* Parse a known flavor's body with its own decoder; a bad body is a problem, not an error. */
static void auth_body_parse(struct oncrpc_auth *a, const char *field, size_t body_offset,
			    unsigned flags)
{
	struct xdr_dec b;
	bool ok;

	a->body_ok = a->flavor == ONCRPC_AUTH_NONE ? a->body.len == 0 : false;
	if (a->flavor != ONCRPC_AUTH_SYS && a->flavor != ONCRPC_RPCSEC_GSS)
		return;
	xdr_dec_init(&b, a->body.data, a->body.len, flags | WIRE_STRICT);
	b.base = body_offset;
	xdr_push(&b, field, -1);
	xdr_push(&b, a->flavor == ONCRPC_AUTH_SYS ? "authsys" : "rpcsec_gss", -1);
	ok = a->flavor == ONCRPC_AUTH_SYS ? oncrpc_authsys_decode(&b, &a->u.sys)
					  : gss_cred_decode(&b, &a->u.gss);
	a->body_ok = ok && xdr_expect_end(&b);
	a->problem = b.error;
}

static bool auth_decode(struct xdr_dec *d, const char *field, struct oncrpc_auth *a)
{
	size_t body_offset;

	memset(a, 0, sizeof(*a));
	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_u32(d, "flavor", &a->flavor));
	body_offset = d->base + d->pos + 4;
	XDR_TRY(xdr_get_opaque(d, "body", ONCRPC_MAX_AUTH_BYTES, &a->body));
	xdr_pop(d);
	auth_body_parse(a, field, body_offset, d->flags);
	return true;
}

bool oncrpc_call_decode(struct xdr_dec *d, struct oncrpc_call *c)
{
	uint32_t mtype;

	XDR_TRY(xdr_get_u32(d, "xid", &c->xid));
	XDR_TRY(xdr_get_u32(d, "mtype", &mtype));
	if (mtype != ONCRPC_CALL)
		return xdr_fail(d, WIRE_ERR_VALUE, "mtype", "message type %u is not CALL", mtype);
	/* rpcvers is reported, not enforced: the server answers RPC_MISMATCH (RPC-05). */
	XDR_TRY(xdr_get_u32(d, "rpcvers", &c->rpcvers));
	XDR_TRY(xdr_get_u32(d, "prog", &c->prog));
	XDR_TRY(xdr_get_u32(d, "vers", &c->vers));
	XDR_TRY(xdr_get_u32(d, "proc", &c->proc));
	XDR_TRY(auth_decode(d, "cred", &c->cred));
	return auth_decode(d, "verf", &c->verf);
}

static bool accepted_decode(struct xdr_dec *d, struct oncrpc_reply *r)
{
	XDR_TRY(auth_decode(d, "verf", &r->verf));
	XDR_TRY(xdr_get_u32(d, "accept_stat", &r->accept_stat));
	switch (r->accept_stat) {
	case ONCRPC_SUCCESS: /* results follow: the caller decodes them */
	case ONCRPC_PROG_UNAVAIL:
	case ONCRPC_PROC_UNAVAIL:
	case ONCRPC_GARBAGE_ARGS:
	case ONCRPC_SYSTEM_ERR:
		return true;
	case ONCRPC_PROG_MISMATCH:
		XDR_TRY(xdr_get_u32(d, "mismatch_info.low", &r->mismatch_low));
		return xdr_get_u32(d, "mismatch_info.high", &r->mismatch_high);
	default:
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_VALUE, "accept_stat", "unknown accept_stat %u",
				r->accept_stat);
	}
}

static bool denied_decode(struct xdr_dec *d, struct oncrpc_reply *r)
{
	XDR_TRY(xdr_get_u32(d, "reject_stat", &r->reject_stat));
	switch (r->reject_stat) {
	case ONCRPC_RPC_MISMATCH:
		XDR_TRY(xdr_get_u32(d, "mismatch_info.low", &r->mismatch_low));
		return xdr_get_u32(d, "mismatch_info.high", &r->mismatch_high);
	case ONCRPC_AUTH_ERROR:
		return xdr_get_u32(d, "auth_stat", &r->auth_stat);
	default:
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_VALUE, "reject_stat", "unknown reject_stat %u",
				r->reject_stat);
	}
}

bool oncrpc_reply_decode(struct xdr_dec *d, struct oncrpc_reply *r)
{
	uint32_t mtype;

	memset(r, 0, sizeof(*r));
	XDR_TRY(xdr_get_u32(d, "xid", &r->xid));
	XDR_TRY(xdr_get_u32(d, "mtype", &mtype));
	if (mtype != ONCRPC_REPLY)
		return xdr_fail(d, WIRE_ERR_VALUE, "mtype", "message type %u is not REPLY", mtype);
	XDR_TRY(xdr_get_u32(d, "reply_stat", &r->reply_stat));
	if (r->reply_stat == ONCRPC_MSG_ACCEPTED)
		return accepted_decode(d, r);
	if (r->reply_stat == ONCRPC_MSG_DENIED)
		return denied_decode(d, r);
	d->pos -= 4;
	return xdr_fail(d, WIRE_ERR_VALUE, "reply_stat", "unknown reply_stat %u", r->reply_stat);
}

static void auth_encode(struct xdr_enc *e, const struct oncrpc_auth *a)
{
	xdr_put_u32(e, a->flavor);
	xdr_put_slice(e, a->body);
}

void oncrpc_call_encode(struct xdr_enc *e, const struct oncrpc_call *c)
{
	xdr_put_u32(e, c->xid);
	xdr_put_u32(e, ONCRPC_CALL);
	xdr_put_u32(e, c->rpcvers);
	xdr_put_u32(e, c->prog);
	xdr_put_u32(e, c->vers);
	xdr_put_u32(e, c->proc);
	auth_encode(e, &c->cred);
	auth_encode(e, &c->verf);
}

void oncrpc_reply_encode(struct xdr_enc *e, const struct oncrpc_reply *r)
{
	xdr_put_u32(e, r->xid);
	xdr_put_u32(e, ONCRPC_REPLY);
	xdr_put_u32(e, r->reply_stat);
	if (r->reply_stat == ONCRPC_MSG_DENIED) {
		xdr_put_u32(e, r->reject_stat);
		if (r->reject_stat == ONCRPC_AUTH_ERROR) {
			xdr_put_u32(e, r->auth_stat);
		} else {
			xdr_put_u32(e, r->mismatch_low);
			xdr_put_u32(e, r->mismatch_high);
		}
		return;
	}
	auth_encode(e, &r->verf);
	xdr_put_u32(e, r->accept_stat);
	if (r->accept_stat == ONCRPC_PROG_MISMATCH) {
		xdr_put_u32(e, r->mismatch_low);
		xdr_put_u32(e, r->mismatch_high);
	}
}

void oncrpc_authsys_put(struct xdr_enc *e, const struct oncrpc_authsys *s)
{
	uint32_t ngids = xdr_min_u32(s->ngids, ONCRPC_MAX_GIDS);

	xdr_put_u32(e, s->stamp);
	xdr_put_slice(e, s->machinename);
	xdr_put_u32(e, s->uid);
	xdr_put_u32(e, s->gid);
	xdr_put_u32(e, ngids);
	for (uint32_t i = 0; i < ngids; i++)
		xdr_put_u32(e, s->gids[i]);
}

struct wire_opaque oncrpc_authsys_encode(const struct oncrpc_authsys *s, uint8_t *buf, size_t cap)
{
	struct xdr_enc e;

	xdr_enc_init(&e, buf, cap);
	oncrpc_authsys_put(&e, s);
	return (struct wire_opaque){buf, xdr_enc_overflow(&e) ? 0 : (uint32_t)e.len};
}
