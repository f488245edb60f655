/*
 * sm_compound.c - COMPOUND for minor version 1 (RFC 8881 s16.2.3, s18.46.3): the rules about
 * which op may come first and alone, then one handler per op in order, stopping at the first
 * error (s16.2.3, CMP-04).
 */
#include "sm_internal.h"

#include <stdlib.h>
#include <string.h>

/* The ops a minor-version-1 server knows (3..58) and ILLEGAL; anything else is OP_ILLEGAL. */
static bool op_defined(uint32_t op)
{
	return (op >= NFS4_FIRST_OP && op <= NFS41_LAST_OP) || op == OP_ILLEGAL;
}

static bool sessionless(uint32_t op)
{
	const struct nfs4_op_desc *d = nfs4_op_desc(op);

	return d && (d->flags & NFS4_OPF_SESSIONLESS);
}

/* SETATTR4res is a struct, not a union: attrsset follows every status (RFC 8881 s18.30.2-3).
 * This server sets no attributes, so it is always the empty bitmap4 (no words). */
static const uint8_t no_attrs[4];

/* One result; the COMPOUND's status is the last result's (s16.2.3, CMP-05). */
static void result(struct COMPOUND4res *res, uint32_t op, uint32_t status)
{
	struct nfs_resop *r = &res->resarray[res->resarray_len++];

	memset(r, 0, sizeof(*r));
	r->op = op;
	r->status = status;
	if (op == OP_SETATTR)
		r->u.raw = (struct wire_opaque){no_attrs, sizeof(no_attrs)};
	res->status = status;
}

/*
 * The first op decides whether the COMPOUND runs at all (RFC 8881 s18.46.3, s2.10.2): SEQUENCE,
 * or a sessionless op standing alone. Errors get one result, like Linux (catalogue s17).
 */
static bool first_op_allowed(const struct COMPOUND4args *a, struct COMPOUND4res *res)
{
	uint32_t op = a->argarray[0].op;

	if (!op_defined(op) || op == OP_ILLEGAL) {
		result(res, OP_ILLEGAL, NFS4ERR_OP_ILLEGAL); /* CMP-09: OP_ILLEGAL first */
		return false;
	}
	if (op == OP_SEQUENCE)
		return true;
	if (!sessionless(op)) {
		result(res, op, NFS4ERR_OP_NOT_IN_SESSION); /* CMP-08 */
		return false;
	}
	if (a->argarray_len > 1) {
		result(res, op, NFS4ERR_NOT_ONLY_OP); /* CMP-10 */
		return false;
	}
	return true;
}

static uint32_t run_op(struct sm *s, struct sm_request *rq, const struct COMPOUND4args *args,
		       uint32_t i, struct nfs_resop *r)
{
	const struct nfs_argop *a = &args->argarray[i];
	const struct nfs4_op_desc *d = nfs4_op_desc(a->op);

	if (d && (d->flags & NFS4_OPF_MINOR0_ONLY))
		return NFS4ERR_NOTSUPP; /* RFC 8881 s16.2.1 (CMP-18) */
	switch (a->op) {
	case OP_SEQUENCE:
		return sm_sequence(s, rq, args, &r->u.sequence);
	case OP_EXCHANGE_ID:
		return sm_exchange_id(s, rq, &a->u.exchange_id, &r->u.exchange_id);
	case OP_CREATE_SESSION:
		return sm_create_session(s, rq, &a->u.create_session, &r->u.create_session);
	case OP_DESTROY_SESSION:
		return sm_destroy_session(s, rq, &a->u.destroy_session, i + 1 == args->argarray_len);
	case OP_BIND_CONN_TO_SESSION:
		return sm_bind_conn(s, rq, &a->u.bind_conn_to_session, &r->u.bind_conn_to_session);
	case OP_DESTROY_CLIENTID:
		return sm_destroy_clientid(s, &a->u.destroy_clientid);
	case OP_RECLAIM_COMPLETE:
		return sm_reclaim_complete(rq, &a->u.reclaim_complete);
	case OP_PUTROOTFH:
	case OP_PUTPUBFH:
		return sm_putrootfh(rq);
	case OP_LOOKUPP:
		return sm_lookupp(rq);
	case OP_SAVEFH:
		return sm_savefh(rq);
	case OP_RESTOREFH:
		return sm_restorefh(rq);
	case OP_PUTFH:
		return sm_putfh(rq, &a->u.putfh);
	case OP_GETFH:
		return sm_getfh(rq, &r->u.getfh);
	case OP_LOOKUP:
		return sm_lookup(rq, &a->u.lookup);
	case OP_GETATTR:
		return sm_getattr(s, rq, &a->u.getattr, &r->u.getattr);
	case OP_FREE_STATEID:
		return sm_free_stateid(rq, &a->u.raw);
	case OP_OPEN:
		return sm_open(rq, &a->u.raw);
	default:
		return NFS4ERR_NOTSUPP;
	}
}

/*
 * The retry of an uncached reply: SEQUENCE's result, then the original second op with
 * NFS4ERR_RETRY_UNCACHED_REP - or OP_ILLEGAL / NOTSUPP where that op could never have run
 * (RFC 8881 s2.10.6.1.3, catalogue s17, SES-27..SES-29).
 */
static void uncached_second_op(const struct COMPOUND4args *args, struct COMPOUND4res *res)
{
	uint32_t op;
	const struct nfs4_op_desc *d;

	if (args->argarray_len < 2)
		return; /* SEQUENCE alone: its result is the whole reply */
	op = args->argarray[1].op;
	d = nfs4_op_desc(op);
	if (!op_defined(op) || op == OP_ILLEGAL)
		result(res, OP_ILLEGAL, NFS4ERR_OP_ILLEGAL);
	else if (d && (d->flags & NFS4_OPF_MINOR0_ONLY))
		result(res, op, NFS4ERR_NOTSUPP);
	else
		result(res, op, NFS4ERR_RETRY_UNCACHED_REP);
}

/* The RPC reply header before the COMPOUND: xid, mtype, reply_stat, AUTH_NONE verf, accept_stat. */
#define RPC_REPLY_HEADER 24u

static size_t resop_size(const struct nfs_resop *r)
{
	struct xdr_enc e;

	xdr_enc_init(&e, NULL, 0);
	nfs4_resop_encode(&e, r);
	return e.len;
}

/* The reply's bytes before the first result: RPC header, status, tag, result count. */
static size_t reply_head_size(uint32_t taglen)
{
	return RPC_REPLY_HEADER + 4 + 4 + ((taglen + 3u) & ~3u) + 4;
}

/* op, status, sessionid, sequenceid, slotid, highest, target, status_flags (s18.46.2) */
#define SEQUENCE_RESOK_SIZE (4u + 4u + NFS4_SESSIONID_SIZE + 5u * 4u)

size_t sm_sequence_reply_size(const struct COMPOUND4args *args)
{
	return reply_head_size(args->tag.len) + SEQUENCE_RESOK_SIZE;
}

/*
 * Results past ca_maxresponsesize end in NFS4ERR_REP_TOO_BIG on the op that crosses it, and past
 * ca_maxresponsesize_cached (with sa_cachethis) in NFS4ERR_REP_TOO_BIG_TO_CACHE (RFC 8881
 * s2.10.6.4, s15.1.3.6, s15.1.3.7; CMP-14, CMP-15).
 */
void sm_limit_reply(const struct sm_request *rq, struct COMPOUND4res *res)
{
	const struct sm_session *x = rq->session;
	size_t size = reply_head_size(res->tag.len);

	if (!x || !rq->slot_begun)
		return;
	for (uint32_t i = 0; i < res->resarray_len; i++) {
		uint32_t err = 0;
		size += resop_size(&res->resarray[i]);
		if (size > x->fore.ca_maxresponsesize)
			err = NFS4ERR_REP_TOO_BIG;
		else if (rq->cachethis && size > x->fore.ca_maxresponsesize_cached)
			err = NFS4ERR_REP_TOO_BIG_TO_CACHE;
		if (err && i > 0) { /* SEQUENCE's own result was checked before it ran */
			res->resarray[i].status = err;
			res->resarray_len = i + 1;
			res->status = err;
			return;
		}
	}
}

void sm_compound(struct sm *s, struct sm_request *rq, const struct COMPOUND4args *args,
		 struct COMPOUND4res *res)
{
	memset(res, 0, sizeof(*res));
	res->tag = args->tag; /* echoed unchanged (CMP-03) */
	res->resarray = calloc(args->argarray_len ? args->argarray_len : 1, sizeof(*res->resarray));
	if (!res->resarray) {
		res->status = NFS4ERR_SERVERFAULT;
		return;
	}
	if (args->minorversion != 1) {
		res->status = NFS4ERR_MINOR_VERS_MISMATCH; /* zero results (CMP-01, CMP-02) */
		return;
	}
	if (args->argarray_len == 0 || !first_op_allowed(args, res))
		return; /* an empty COMPOUND succeeds with no results (CMP-19) */
	for (uint32_t i = 0; i < args->argarray_len; i++) {
		const struct nfs_argop *a = &args->argarray[i];
		struct nfs_resop *r;
		if (!op_defined(a->op) || a->op == OP_ILLEGAL) {
			result(res, OP_ILLEGAL, NFS4ERR_OP_ILLEGAL); /* CMP-06 */
			return;
		}
		/* After SEQUENCE: no second SEQUENCE (CMP-11); BIND_CONN_TO_SESSION is always alone
		 * (s18.34.3, BCTS-01), while EXCHANGE_ID, CREATE_SESSION and the DESTROYs may follow
		 * a SEQUENCE (s18.35.3, s18.36.3, s18.37.3, s18.50.3). */
		if (i > 0 && (a->op == OP_SEQUENCE || a->op == OP_BIND_CONN_TO_SESSION)) {
			result(res, a->op, a->op == OP_SEQUENCE ? NFS4ERR_SEQUENCE_POS
								: NFS4ERR_NOT_ONLY_OP);
			return;
		}
		r = &res->resarray[res->resarray_len];
		result(res, a->op, NFS4_OK);
		r->status = run_op(s, rq, args, i, r);
		res->status = r->status;
		if (r->status != NFS4_OK || rq->replay)
			return;
		if (rq->retry_uncached) {
			uncached_second_op(args, res);
			return;
		}
	}
}
