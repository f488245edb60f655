/* test_roundtrip.c - every type the wire library encodes survives encode, decode, re-encode. */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_main.h"
#include "wire.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIG ((size_t)64 * 1024)
#define PATTERN_LEN 4096u

/* ---- assertions with formatted messages ------------------------------ */


/* ---- value sets: typical, then the boundaries 0, 1 and the maximum --------- */

enum vals { V_TYPICAL, V_ZERO, V_ONE, V_MAX, V_COUNT };

static const char *const val_names[V_COUNT] = {"typical", "zero", "one", "max"};

static uint32_t u32v(enum vals k, uint32_t typical)
{
	static const uint32_t fixed[V_COUNT] = {0, 0, 1, UINT32_MAX};

	return k == V_TYPICAL ? typical : fixed[k];
}

static uint64_t u64v(enum vals k, uint64_t typical)
{
	static const uint64_t fixed[V_COUNT] = {0, 0, 1, UINT64_MAX};

	return k == V_TYPICAL ? typical : fixed[k];
}

/* A length or count: typical, 0, 1 or the protocol/implementation maximum. */
static uint32_t lenv(enum vals k, uint32_t typical, uint32_t max)
{
	return k == V_TYPICAL ? typical : k == V_ZERO ? 0 : k == V_ONE ? 1 : max;
}

static bool boolv(enum vals k, bool typical) { return k == V_TYPICAL ? typical : k != V_ZERO; }

/* Fixed-size opaques (sessionids, verifiers): 00.., 01.., ff.. or a counting pattern. */
static void fill(uint8_t *p, size_t n, enum vals k, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = k == V_TYPICAL ? (uint8_t)(seed + i) : k == V_ZERO ? 0 : k == V_ONE ? 1
											: 0xff;
}

/* Variable-length data: slices of one pattern, at different offsets per field. */
static struct wire_opaque blob(uint32_t len, uint32_t offset)
{
	static uint8_t pattern[PATTERN_LEN];
	static bool ready;

	if (!ready) {
		for (size_t i = 0; i < PATTERN_LEN; i++)
			pattern[i] = (uint8_t)(i * 37 + 11);
		ready = true;
	}
	return (struct wire_opaque){pattern + offset % (PATTERN_LEN - NFS4_OPAQUE_LIMIT), len};
}

static struct wire_opaque str(const char *s)
{
	return (struct wire_opaque){(const uint8_t *)s, (uint32_t)strlen(s)};
}

/* ---- field comparison ------------------------------------------------------ */

static bool opaque_eq(struct wire_opaque a, struct wire_opaque b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static void cmp_bitmap(const struct bitmap4 *a, const struct bitmap4 *b)
{
	if (!CHECK(a->count == b->count, "bitmap4: %u words, decoded %u", a->count, b->count))
		return;
	for (uint32_t i = 0; i < a->count; i++)
		CHECK(a->map[i] == b->map[i], "bitmap4 word %u: 0x%x, decoded 0x%x", i, a->map[i],
		      b->map[i]);
}

static void cmp_sp_ops(const struct state_protect_ops4 *a, const struct state_protect_ops4 *b)
{
	cmp_bitmap(&a->spo_must_enforce, &b->spo_must_enforce);
	cmp_bitmap(&a->spo_must_allow, &b->spo_must_allow);
}

static void cmp_opaque_array(uint32_t na, const struct wire_opaque *a, uint32_t nb,
			     const struct wire_opaque *b)
{
	if (!CHECK(na == nb, "array of %u opaques, decoded %u", na, nb))
		return;
	for (uint32_t i = 0; i < na; i++)
		CHECK(opaque_eq(a[i], b[i]), "opaque [%u] differs", i);
}

static void cmp_sp4_a(const struct state_protect4_a *a, const struct state_protect4_a *b)
{
	const struct ssv_sp_parms4 *p = &a->spa_ssv_parms, *q = &b->spa_ssv_parms;

	if (!CHECK(a->spa_how == b->spa_how, "spa_how %u, decoded %u", a->spa_how, b->spa_how))
		return;
	if (a->spa_how == SP4_MACH_CRED)
		cmp_sp_ops(&a->spa_mach_ops, &b->spa_mach_ops);
	if (a->spa_how != SP4_SSV)
		return;
	cmp_sp_ops(&p->ssp_ops, &q->ssp_ops);
	cmp_opaque_array(p->ssp_hash_algs_count, p->ssp_hash_algs, q->ssp_hash_algs_count,
			 q->ssp_hash_algs);
	cmp_opaque_array(p->ssp_encr_algs_count, p->ssp_encr_algs, q->ssp_encr_algs_count,
			 q->ssp_encr_algs);
	CU_ASSERT_EQUAL(p->ssp_window, q->ssp_window);
	CU_ASSERT_EQUAL(p->ssp_num_gss_handles, q->ssp_num_gss_handles);
}

static void cmp_sp4_r(const struct state_protect4_r *a, const struct state_protect4_r *b)
{
	const struct ssv_prot_info4 *p = &a->spr_ssv_info, *q = &b->spr_ssv_info;

	if (!CHECK(a->spr_how == b->spr_how, "spr_how %u, decoded %u", a->spr_how, b->spr_how))
		return;
	if (a->spr_how == SP4_MACH_CRED)
		cmp_sp_ops(&a->spr_mach_ops, &b->spr_mach_ops);
	if (a->spr_how != SP4_SSV)
		return;
	cmp_sp_ops(&p->spi_ops, &q->spi_ops);
	CU_ASSERT_EQUAL(p->spi_hash_alg, q->spi_hash_alg);
	CU_ASSERT_EQUAL(p->spi_encr_alg, q->spi_encr_alg);
	CU_ASSERT_EQUAL(p->spi_ssv_len, q->spi_ssv_len);
	CU_ASSERT_EQUAL(p->spi_window, q->spi_window);
	cmp_opaque_array(p->spi_handles_count, p->spi_handles, q->spi_handles_count,
			 q->spi_handles);
}

static void cmp_impl_id(bool pa, const struct nfs_impl_id4 *a, bool pb,
			const struct nfs_impl_id4 *b)
{
	if (!CHECK(pa == pb, "impl_id present %d, decoded %d", pa, pb) || !pa)
		return;
	CU_ASSERT(opaque_eq(a->nii_domain, b->nii_domain));
	CU_ASSERT(opaque_eq(a->nii_name, b->nii_name));
	CU_ASSERT(a->nii_date.seconds == b->nii_date.seconds);
	CU_ASSERT_EQUAL(a->nii_date.nseconds, b->nii_date.nseconds);
}

static void cmp_channel(const struct channel_attrs4 *a, const struct channel_attrs4 *b)
{
	CU_ASSERT_EQUAL(a->ca_headerpadsize, b->ca_headerpadsize);
	CU_ASSERT_EQUAL(a->ca_maxrequestsize, b->ca_maxrequestsize);
	CU_ASSERT_EQUAL(a->ca_maxresponsesize, b->ca_maxresponsesize);
	CU_ASSERT_EQUAL(a->ca_maxresponsesize_cached, b->ca_maxresponsesize_cached);
	CU_ASSERT_EQUAL(a->ca_maxoperations, b->ca_maxoperations);
	CU_ASSERT_EQUAL(a->ca_maxrequests, b->ca_maxrequests);
	CU_ASSERT_EQUAL(a->ca_rdma_ird_present, b->ca_rdma_ird_present);
	if (a->ca_rdma_ird_present)
		CU_ASSERT_EQUAL(a->ca_rdma_ird, b->ca_rdma_ird);
}

static void cmp_authsys(const struct oncrpc_authsys *a, const struct oncrpc_authsys *b)
{
	CU_ASSERT_EQUAL(a->stamp, b->stamp);
	CU_ASSERT(opaque_eq(a->machinename, b->machinename));
	CU_ASSERT_EQUAL(a->uid, b->uid);
	CU_ASSERT_EQUAL(a->gid, b->gid);
	if (!CHECK(a->ngids == b->ngids, "%u gids, decoded %u", a->ngids, b->ngids))
		return;
	for (uint32_t i = 0; i < a->ngids; i++)
		CHECK(a->gids[i] == b->gids[i], "gids[%u] %u, decoded %u", i, a->gids[i],
		      b->gids[i]);
}

static void cmp_cb_sec(uint32_t na, const struct callback_sec_parms4 *a, uint32_t nb,
		       const struct callback_sec_parms4 *b)
{
	if (!CHECK(na == nb, "%u callback_sec_parms4, decoded %u", na, nb))
		return;
	for (uint32_t i = 0; i < na; i++) {
		const struct gss_cb_handles4 *g = &a[i].cbsp_gss_handles;
		const struct gss_cb_handles4 *h = &b[i].cbsp_gss_handles;
		if (!CHECK(a[i].cb_secflavor == b[i].cb_secflavor,
			   "[%u] cb_secflavor %u, decoded %u", i, a[i].cb_secflavor,
			   b[i].cb_secflavor))
			continue;
		if (a[i].cb_secflavor == ONCRPC_AUTH_SYS)
			cmp_authsys(&a[i].cbsp_sys_cred, &b[i].cbsp_sys_cred);
		if (a[i].cb_secflavor != ONCRPC_RPCSEC_GSS)
			continue;
		CU_ASSERT_EQUAL(g->gcbp_service, h->gcbp_service);
		CU_ASSERT(opaque_eq(g->gcbp_handle_from_server, h->gcbp_handle_from_server));
		CU_ASSERT(opaque_eq(g->gcbp_handle_from_client, h->gcbp_handle_from_client));
	}
}

/* ---- per-op comparison ------------------------------------------------------ */

static void cmp_exchange_id_args(const struct EXCHANGE_ID4args *a, const struct EXCHANGE_ID4args *b)
{
	CU_ASSERT(memcmp(a->eia_clientowner.co_verifier, b->eia_clientowner.co_verifier,
			 NFS4_VERIFIER_SIZE) == 0);
	CU_ASSERT(opaque_eq(a->eia_clientowner.co_ownerid, b->eia_clientowner.co_ownerid));
	CU_ASSERT_EQUAL(a->eia_flags, b->eia_flags);
	cmp_sp4_a(&a->eia_state_protect, &b->eia_state_protect);
	cmp_impl_id(a->eia_client_impl_id_present, &a->eia_client_impl_id,
		    b->eia_client_impl_id_present, &b->eia_client_impl_id);
}

static void cmp_create_session_args(const struct CREATE_SESSION4args *a,
				    const struct CREATE_SESSION4args *b)
{
	CU_ASSERT(a->csa_clientid == b->csa_clientid);
	CU_ASSERT_EQUAL(a->csa_sequence, b->csa_sequence);
	CU_ASSERT_EQUAL(a->csa_flags, b->csa_flags);
	cmp_channel(&a->csa_fore_chan_attrs, &b->csa_fore_chan_attrs);
	cmp_channel(&a->csa_back_chan_attrs, &b->csa_back_chan_attrs);
	CU_ASSERT_EQUAL(a->csa_cb_program, b->csa_cb_program);
	cmp_cb_sec(a->csa_sec_parms_count, a->csa_sec_parms, b->csa_sec_parms_count,
		   b->csa_sec_parms);
}

static void cmp_sequence_args(const struct SEQUENCE4args *a, const struct SEQUENCE4args *b)
{
	CU_ASSERT(memcmp(a->sa_sessionid, b->sa_sessionid, NFS4_SESSIONID_SIZE) == 0);
	CU_ASSERT_EQUAL(a->sa_sequenceid, b->sa_sequenceid);
	CU_ASSERT_EQUAL(a->sa_slotid, b->sa_slotid);
	CU_ASSERT_EQUAL(a->sa_highest_slotid, b->sa_highest_slotid);
	CU_ASSERT_EQUAL(a->sa_cachethis, b->sa_cachethis);
}

static void cmp_bind_conn_args(const struct BIND_CONN_TO_SESSION4args *a,
			       const struct BIND_CONN_TO_SESSION4args *b)
{
	CU_ASSERT(memcmp(a->bctsa_sessid, b->bctsa_sessid, NFS4_SESSIONID_SIZE) == 0);
	CU_ASSERT_EQUAL(a->bctsa_dir, b->bctsa_dir);
	CU_ASSERT_EQUAL(a->bctsa_use_conn_in_rdma_mode, b->bctsa_use_conn_in_rdma_mode);
}

static void cmp_argop(const struct nfs_argop *a, const struct nfs_argop *b)
{
	const struct BACKCHANNEL_CTL4args *bc = &a->u.backchannel_ctl, *bd = &b->u.backchannel_ctl;

	if (!CHECK(a->op == b->op && !b->undecoded, "op %u, decoded %u%s", a->op, b->op,
		   b->undecoded ? " (undecoded)" : ""))
		return;
	switch (a->op) {
	case OP_EXCHANGE_ID: cmp_exchange_id_args(&a->u.exchange_id, &b->u.exchange_id); break;
	case OP_CREATE_SESSION:
		cmp_create_session_args(&a->u.create_session, &b->u.create_session);
		break;
	case OP_SEQUENCE: cmp_sequence_args(&a->u.sequence, &b->u.sequence); break;
	case OP_BIND_CONN_TO_SESSION:
		cmp_bind_conn_args(&a->u.bind_conn_to_session, &b->u.bind_conn_to_session);
		break;
	case OP_DESTROY_SESSION:
		CU_ASSERT(memcmp(a->u.destroy_session.dsa_sessionid,
				 b->u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE) == 0);
		break;
	case OP_DESTROY_CLIENTID:
		CU_ASSERT(a->u.destroy_clientid.dca_clientid == b->u.destroy_clientid.dca_clientid);
		break;
	case OP_RECLAIM_COMPLETE:
		CU_ASSERT_EQUAL(a->u.reclaim_complete.rca_one_fs, b->u.reclaim_complete.rca_one_fs);
		break;
	case OP_BACKCHANNEL_CTL:
		CU_ASSERT_EQUAL(bc->bca_cb_program, bd->bca_cb_program);
		cmp_cb_sec(bc->bca_sec_parms_count, bc->bca_sec_parms, bd->bca_sec_parms_count,
			   bd->bca_sec_parms);
		break;
	case OP_PUTFH: CU_ASSERT(opaque_eq(a->u.putfh.object, b->u.putfh.object)); break;
	case OP_LOOKUP: CU_ASSERT(opaque_eq(a->u.lookup.objname, b->u.lookup.objname)); break;
	case OP_GETATTR: cmp_bitmap(&a->u.getattr.attr_request, &b->u.getattr.attr_request); break;
	default: break; /* GETFH, PUTROOTFH, ILLEGAL: void arguments */
	}
}

static void cmp_exchange_id_resok(const struct EXCHANGE_ID4resok *a,
				  const struct EXCHANGE_ID4resok *b)
{
	CU_ASSERT(a->eir_clientid == b->eir_clientid);
	CU_ASSERT_EQUAL(a->eir_sequenceid, b->eir_sequenceid);
	CU_ASSERT_EQUAL(a->eir_flags, b->eir_flags);
	cmp_sp4_r(&a->eir_state_protect, &b->eir_state_protect);
	CU_ASSERT(a->eir_server_owner.so_minor_id == b->eir_server_owner.so_minor_id);
	CU_ASSERT(opaque_eq(a->eir_server_owner.so_major_id, b->eir_server_owner.so_major_id));
	CU_ASSERT(opaque_eq(a->eir_server_scope, b->eir_server_scope));
	cmp_impl_id(a->eir_server_impl_id_present, &a->eir_server_impl_id,
		    b->eir_server_impl_id_present, &b->eir_server_impl_id);
}

static void cmp_create_session_resok(const struct CREATE_SESSION4resok *a,
				     const struct CREATE_SESSION4resok *b)
{
	CU_ASSERT(memcmp(a->csr_sessionid, b->csr_sessionid, NFS4_SESSIONID_SIZE) == 0);
	CU_ASSERT_EQUAL(a->csr_sequence, b->csr_sequence);
	CU_ASSERT_EQUAL(a->csr_flags, b->csr_flags);
	cmp_channel(&a->csr_fore_chan_attrs, &b->csr_fore_chan_attrs);
	cmp_channel(&a->csr_back_chan_attrs, &b->csr_back_chan_attrs);
}

static void cmp_sequence_resok(const struct SEQUENCE4resok *a, const struct SEQUENCE4resok *b)
{
	CU_ASSERT(memcmp(a->sr_sessionid, b->sr_sessionid, NFS4_SESSIONID_SIZE) == 0);
	CU_ASSERT_EQUAL(a->sr_sequenceid, b->sr_sequenceid);
	CU_ASSERT_EQUAL(a->sr_slotid, b->sr_slotid);
	CU_ASSERT_EQUAL(a->sr_highest_slotid, b->sr_highest_slotid);
	CU_ASSERT_EQUAL(a->sr_target_highest_slotid, b->sr_target_highest_slotid);
	CU_ASSERT_EQUAL(a->sr_status_flags, b->sr_status_flags);
}

static void cmp_bind_conn_resok(const struct BIND_CONN_TO_SESSION4resok *a,
				const struct BIND_CONN_TO_SESSION4resok *b)
{
	CU_ASSERT(memcmp(a->bctsr_sessid, b->bctsr_sessid, NFS4_SESSIONID_SIZE) == 0);
	CU_ASSERT_EQUAL(a->bctsr_dir, b->bctsr_dir);
	CU_ASSERT_EQUAL(a->bctsr_use_conn_in_rdma_mode, b->bctsr_use_conn_in_rdma_mode);
}

static void cmp_resop(const struct nfs_resop *a, const struct nfs_resop *b)
{
	const struct fattr4 *fa = &a->u.getattr.obj_attributes, *fb = &b->u.getattr.obj_attributes;

	if (!CHECK(a->op == b->op && a->status == b->status && !b->undecoded,
		   "result op %u status %u, decoded op %u status %u%s", a->op, a->status, b->op,
		   b->status, b->undecoded ? " (undecoded)" : ""))
		return;
	if (a->status != NFS4_OK)
		return;
	switch (a->op) {
	case OP_EXCHANGE_ID: cmp_exchange_id_resok(&a->u.exchange_id, &b->u.exchange_id); break;
	case OP_CREATE_SESSION:
		cmp_create_session_resok(&a->u.create_session, &b->u.create_session);
		break;
	case OP_SEQUENCE: cmp_sequence_resok(&a->u.sequence, &b->u.sequence); break;
	case OP_BIND_CONN_TO_SESSION:
		cmp_bind_conn_resok(&a->u.bind_conn_to_session, &b->u.bind_conn_to_session);
		break;
	case OP_GETFH: CU_ASSERT(opaque_eq(a->u.getfh.object, b->u.getfh.object)); break;
	case OP_GETATTR:
		cmp_bitmap(&fa->attrmask, &fb->attrmask);
		CU_ASSERT(opaque_eq(fa->attr_vals, fb->attr_vals));
		break;
	default: break; /* status-only results */
	}
}

/* ---- whole messages ------------------------------------------------------------ */

static void cmp_auth(const struct oncrpc_auth *a, const struct oncrpc_auth *b)
{
	const struct oncrpc_gss_cred *g = &a->u.gss, *h = &b->u.gss;

	CU_ASSERT_EQUAL(a->flavor, b->flavor);
	CU_ASSERT(opaque_eq(a->body, b->body));
	CU_ASSERT_EQUAL(a->body_ok, b->body_ok);
	if (a->flavor == ONCRPC_AUTH_SYS && a->body_ok)
		cmp_authsys(&a->u.sys, &b->u.sys);
	if (a->flavor != ONCRPC_RPCSEC_GSS || !a->body_ok)
		return;
	CU_ASSERT_EQUAL(g->version, h->version);
	CU_ASSERT_EQUAL(g->gss_proc, h->gss_proc);
	CU_ASSERT_EQUAL(g->seq_num, h->seq_num);
	CU_ASSERT_EQUAL(g->service, h->service);
	CU_ASSERT(opaque_eq(g->handle, h->handle));
}

static void cmp_call(const struct wire_msg *a, const struct wire_msg *b)
{
	const struct COMPOUND4args *x = &a->args, *y = &b->args;

	CU_ASSERT_EQUAL(b->call.xid, a->call.xid);
	CU_ASSERT_EQUAL(b->call.rpcvers, a->call.rpcvers);
	CU_ASSERT_EQUAL(b->call.prog, a->call.prog);
	CU_ASSERT_EQUAL(b->call.vers, a->call.vers);
	CU_ASSERT_EQUAL(b->call.proc, a->call.proc);
	CU_ASSERT_EQUAL(b->proc, a->call.proc);
	cmp_auth(&a->call.cred, &b->call.cred);
	cmp_auth(&a->call.verf, &b->call.verf);
	if (!a->is_compound) {
		CU_ASSERT(opaque_eq(a->body, b->body));
		return;
	}
	CU_ASSERT(opaque_eq(x->tag, y->tag));
	CU_ASSERT_EQUAL(x->minorversion, y->minorversion);
	CU_ASSERT_EQUAL(y->declared_len, x->argarray_len);
	if (!CHECK(x->argarray_len == y->argarray_len, "%u ops, decoded %u", x->argarray_len,
		   y->argarray_len))
		return;
	for (uint32_t i = 0; i < x->argarray_len; i++)
		cmp_argop(&x->argarray[i], &y->argarray[i]);
}

static void cmp_mismatch(const struct oncrpc_reply *a, const struct oncrpc_reply *b)
{
	CU_ASSERT_EQUAL(b->mismatch_low, a->mismatch_low);
	CU_ASSERT_EQUAL(b->mismatch_high, a->mismatch_high);
}

static void cmp_reply_header(const struct oncrpc_reply *a, const struct oncrpc_reply *b)
{
	CU_ASSERT_EQUAL(b->xid, a->xid);
	if (!CHECK(a->reply_stat == b->reply_stat, "reply_stat %u, decoded %u", a->reply_stat,
		   b->reply_stat))
		return;
	if (a->reply_stat == ONCRPC_MSG_DENIED) {
		CU_ASSERT_EQUAL(b->reject_stat, a->reject_stat);
		if (a->reject_stat == ONCRPC_AUTH_ERROR)
			CU_ASSERT_EQUAL(b->auth_stat, a->auth_stat);
		if (a->reject_stat == ONCRPC_RPC_MISMATCH)
			cmp_mismatch(a, b);
		return;
	}
	cmp_auth(&a->verf, &b->verf);
	CU_ASSERT_EQUAL(b->accept_stat, a->accept_stat);
	if (a->accept_stat == ONCRPC_PROG_MISMATCH)
		cmp_mismatch(a, b);
}

static void cmp_reply(const struct wire_msg *a, const struct wire_msg *b)
{
	const struct COMPOUND4res *x = &a->res, *y = &b->res;

	cmp_reply_header(&a->reply, &b->reply);
	if (!a->is_compound) {
		CU_ASSERT(opaque_eq(a->body, b->body));
		return;
	}
	CU_ASSERT_EQUAL(b->proc, NFSPROC4_COMPOUND);
	CU_ASSERT_EQUAL(y->status, x->status);
	CU_ASSERT(opaque_eq(x->tag, y->tag));
	CU_ASSERT_EQUAL(y->declared_len, x->resarray_len);
	if (!CHECK(x->resarray_len == y->resarray_len, "%u results, decoded %u", x->resarray_len,
		   y->resarray_len))
		return;
	for (uint32_t i = 0; i < x->resarray_len; i++)
		cmp_resop(&x->resarray[i], &y->resarray[i]);
}

static void cmp_msg(const struct wire_msg *a, const struct wire_msg *b)
{
	CU_ASSERT_EQUAL(b->xid, a->msg_type == ONCRPC_CALL ? a->call.xid : a->reply.xid);
	if (!CHECK(a->msg_type == b->msg_type && a->is_compound == b->is_compound,
		   "msg type %u compound %d, decoded %u compound %d", a->msg_type, a->is_compound,
		   b->msg_type, b->is_compound))
		return;
	if (a->msg_type == ONCRPC_CALL)
		cmp_call(a, b);
	else
		cmp_reply(a, b);
}

/* ---- the round trip ----------------------------------------------------------- */

/* The encoder, short of space, reports the size needed and writes nothing past cap. */
static void check_too_small(const struct wire_msg *in, size_t need)
{
	uint8_t *buf = malloc(need);
	size_t got;

	if (!CHECK(buf != NULL && need > 0, "nothing encoded"))
		goto out;
	memset(buf, 0xa5, need);
	got = wire_msg_encode(in, buf, need - 1);
	CHECK(got == need, "cap %zu: encoder says %zu, need %zu", need - 1, got, need);
	CHECK(buf[need - 1] == 0xa5, "encoder wrote past cap %zu", need - 1);
	CHECK(wire_msg_encode(in, buf, 0) == need, "cap 0: wrong size needed");
out:
	free(buf);
}

/* Encode into an exact-size buffer (slices of the decoded form point into it). */
static uint8_t *encode_exact(const struct wire_msg *in, size_t *len)
{
	uint8_t *big = malloc(BIG), *exact = NULL;
	size_t n;

	if (!big)
		return NULL;
	n = wire_msg_encode(in, big, BIG);
	if (CHECK(n <= BIG, "message needs %zu bytes", n) && (exact = malloc(n ? n : 1)) != NULL) {
		CHECK(wire_msg_encode(in, exact, n) == n, "second encoding differs in size");
		CHECK(memcmp(exact, big, n) == 0, "second encoding differs");
		*len = n;
	}
	free(big);
	return exact;
}

/* Decode strictly, compare every field with in, re-encode and compare bytes. */
static void roundtrip_decoded(const struct wire_msg *in, const uint8_t *buf, size_t len)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = WIRE_PROC_UNKNOWN};
	char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
	struct wire_error err;
	struct wire_msg m;
	uint8_t *again = malloc(len ? len : 1);
	enum wire_status st = wire_msg_decode(buf, len, &o, &m, &err);

	if (CHECK(st == WIRE_OK, "strict decode: %s", wire_error_format(&err, msg, sizeof(msg))) &&
	    again) {
		CU_ASSERT_EQUAL(m.warnings, 0);
		cmp_msg(in, &m);
		CHECK(wire_msg_encode(&m, again, len) == len, "re-encoded size differs");
		CHECK(memcmp(again, buf, len) == 0, "re-encoded bytes differ");
	}
	free(again);
	wire_msg_free(&m);
}

static void roundtrip(const char *label, const struct wire_msg *in)
{
	unsigned before = CU_get_number_of_failures();
	size_t len = 0;
	uint8_t *buf = encode_exact(in, &len);

	if (buf) {
		check_too_small(in, len);
		roundtrip_decoded(in, buf, len);
	}
	free(buf);
	CHECK(CU_get_number_of_failures() == before, "round trip of %s failed (see above)", label);
}

/* ---- message builders ------------------------------------------------------------ */

static struct wire_msg call_msg(struct nfs_argop *ops, uint32_t n, enum vals k)
{
	struct wire_msg m = {.msg_type = ONCRPC_CALL, .proc = NFSPROC4_COMPOUND,
			     .is_compound = true};

	m.call = (struct oncrpc_call){.xid = u32v(k, 0x1e9819cd), .rpcvers = ONCRPC_VERSION,
				      .prog = NFS4_PROGRAM, .vers = NFS_V4,
				      .proc = NFSPROC4_COMPOUND};
	m.call.cred.body_ok = m.call.verf.body_ok = true; /* AUTH_NONE, empty */
	m.args = (struct COMPOUND4args){.tag = blob(lenv(k, 9, 64), 5), .minorversion = 1,
					.argarray_len = n, .argarray = ops};
	return m;
}

static struct wire_msg reply_msg(struct nfs_resop *res, uint32_t n, uint32_t status, enum vals k)
{
	struct wire_msg m = {.msg_type = ONCRPC_REPLY, .proc = NFSPROC4_COMPOUND,
			     .is_compound = true};

	m.reply = (struct oncrpc_reply){.xid = u32v(k, 0x98035c01)};
	m.reply.verf.body_ok = true;
	m.res = (struct COMPOUND4res){.status = status, .tag = blob(lenv(k, 10, 64), 9),
				      .resarray_len = n, .resarray = res};
	return m;
}

static void roundtrip_ops(const char *label, struct nfs_argop *ops, uint32_t n, enum vals k)
{
	struct wire_msg m = call_msg(ops, n, k);

	roundtrip(label, &m);
}

static void roundtrip_res(const char *label, struct nfs_resop *res, uint32_t n, enum vals k)
{
	struct wire_msg m = reply_msg(res, n, n ? res[n - 1].status : NFS4_OK, k);

	roundtrip(label, &m);
}

/* spo_must_enforce / spo_must_allow: typical words from the catalogue (14.2). */
static void build_bitmap(struct bitmap4 *b, enum vals k, uint32_t w0, uint32_t w1)
{
	memset(b, 0, sizeof(*b));
	b->count = lenv(k, 2, WIRE_MAX_BITMAP_WORDS);
	for (uint32_t i = 0; i < b->count; i++)
		b->map[i] = k == V_TYPICAL ? (i ? w1 : w0) : k == V_ONE ? 1 : UINT32_MAX;
}

static void build_sp_ops(struct state_protect_ops4 *o, enum vals k)
{
	/* enforce: BIND_CONN_TO_SESSION, EXCHANGE_ID, CREATE_SESSION, DESTROY_SESSION, and
	 * DESTROY_CLIENTID */
	build_bitmap(&o->spo_must_enforce, k, 0, 0x02001e00);
	/* allow: CLOSE, DELEGPURGE, DELEGRETURN, LOCKU, OPEN_DOWNGRADE; FREE_STATEID and
	 * TEST_STATEID */
	build_bitmap(&o->spo_must_allow, k, 0x00204190, 0x00802000);
}

/* sec_oid4 values (DER). */
/* 2.16.840.1.101.3.4.2.1 (id-sha256) */
static const uint8_t oid_sha256[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x01};
/* 1.3.14.3.2.26 (id-sha1) */
static const uint8_t oid_sha1[] = {0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a};
/* 2.16.840.1.101.3.4.1.42 (aes256-CBC) */
static const uint8_t oid_aes256cbc[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
					0x65, 0x03, 0x04, 0x01, 0x2a};

/*
 * The out-of-line arrays the builders fill (nfs4_types.h: the caller's memory when encoding):
 * one of each per op kind, enough since a COMPOUND here holds at most one op of each.
 */
static struct wire_opaque hash_room[WIRE_MAX_ALGS], encr_room[WIRE_MAX_ALGS];
static struct wire_opaque handles_room[WIRE_MAX_GSS_HANDLES];
static struct callback_sec_parms4 csa_room[WIRE_MAX_CB_SEC], bca_room[WIRE_MAX_CB_SEC];

/* An array of opaques: typical entries, or 0, 1 or cap entries of varied lengths. */
static uint32_t build_opaques(struct wire_opaque *items, uint32_t cap, enum vals k,
			      const struct wire_opaque *typical, uint32_t ntypical)
{
	uint32_t n = lenv(k, ntypical, cap);

	for (uint32_t i = 0; i < n; i++)
		items[i] = k == V_TYPICAL ? typical[i] : blob(k == V_ONE ? 1 : i * 9, 100 + i * 64);
	return n;
}

static void build_ssv_parms(struct ssv_sp_parms4 *p, enum vals k)
{
	const struct wire_opaque hash[] = {{oid_sha256, sizeof(oid_sha256)},
					   {oid_sha1, sizeof(oid_sha1)}};
	const struct wire_opaque encr[] = {{oid_aes256cbc, sizeof(oid_aes256cbc)}};

	build_sp_ops(&p->ssp_ops, k);
	p->ssp_hash_algs = hash_room;
	p->ssp_hash_algs_count = build_opaques(hash_room, WIRE_MAX_ALGS, k, hash, 2);
	p->ssp_encr_algs = encr_room;
	p->ssp_encr_algs_count = build_opaques(encr_room, WIRE_MAX_ALGS, k, encr, 1);
	p->ssp_window = u32v(k, 16);
	p->ssp_num_gss_handles = u32v(k, 2);
}

static void build_ssv_info(struct ssv_prot_info4 *i, enum vals k)
{
	const struct wire_opaque handles[] = {blob(16, 7), blob(5, 30)};

	build_sp_ops(&i->spi_ops, k);
	i->spi_hash_alg = u32v(k, 0);
	i->spi_encr_alg = u32v(k, 0);
	i->spi_ssv_len = u32v(k, 32);
	i->spi_window = u32v(k, 16);
	i->spi_handles = handles_room;
	i->spi_handles_count = build_opaques(handles_room, WIRE_MAX_GSS_HANDLES, k, handles, 2);
}

static void build_impl_id(struct nfs_impl_id4 *id, enum vals k)
{
	static const struct nfstime4 dates[V_COUNT] = {
		/* -1 is 2^64-1 on the wire */
		{1700000000, 123456789}, {0, 0}, {1, 1}, {-1, UINT32_MAX},
	};

	id->nii_domain =
		k == V_TYPICAL ? str("kernel.org") : blob(lenv(k, 0, NFS4_OPAQUE_LIMIT), 1);
	id->nii_name = k == V_TYPICAL ? str("Linux 6.1.0-13-amd64") : blob(lenv(k, 0, 1000), 2);
	id->nii_date = dates[k];
}

static void build_exchange_id_args(struct nfs_argop *op, uint32_t how, bool impl,
				   uint32_t owner_len, enum vals k)
{
	struct EXCHANGE_ID4args *a = &op->u.exchange_id;

	memset(op, 0, sizeof(*op));
	op->op = OP_EXCHANGE_ID;
	fill(a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE, k, 0x29);
	a->eia_clientowner.co_ownerid = blob(owner_len, 3);
	a->eia_flags = u32v(k, EXCHGID4_FLAG_USE_NON_PNFS | EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);
	a->eia_state_protect.spa_how = how;
	if (how == SP4_MACH_CRED)
		build_sp_ops(&a->eia_state_protect.spa_mach_ops, k);
	if (how == SP4_SSV)
		build_ssv_parms(&a->eia_state_protect.spa_ssv_parms, k);
	a->eia_client_impl_id_present = impl;
	if (impl)
		build_impl_id(&a->eia_client_impl_id, k);
}

static void build_exchange_id_resok(struct nfs_resop *op, uint32_t how, bool impl,
				    uint32_t major_len, enum vals k)
{
	struct EXCHANGE_ID4resok *r = &op->u.exchange_id;

	memset(op, 0, sizeof(*op));
	op->op = OP_EXCHANGE_ID;
	r->eir_clientid = u64v(k, 0x6b08134100000001);
	r->eir_sequenceid = u32v(k, 1);
	r->eir_flags = u32v(k, EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_USE_NON_PNFS |
				       EXCHGID4_FLAG_CONFIRMED_R);
	r->eir_state_protect.spr_how = how;
	if (how == SP4_MACH_CRED)
		build_sp_ops(&r->eir_state_protect.spr_mach_ops, k);
	if (how == SP4_SSV)
		build_ssv_info(&r->eir_state_protect.spr_ssv_info, k);
	r->eir_server_owner.so_minor_id = u64v(k, 0);
	r->eir_server_owner.so_major_id = blob(major_len, 11);
	r->eir_server_scope =
		k == V_TYPICAL ? str("vm_NFS-Ganesha") : blob(lenv(k, 0, NFS4_OPAQUE_LIMIT), 13);
	r->eir_server_impl_id_present = impl;
	if (impl)
		build_impl_id(&r->eir_server_impl_id, k);
}

static const uint32_t how_values[] = {SP4_NONE, SP4_MACH_CRED, SP4_SSV};
static const uint32_t owner_lengths[] = {0, 1, 45, NFS4_OPAQUE_LIMIT};

/* EXCHANGE_ID variants: state protection x impl id present x owner length x value set. */
struct eid_variant {
	uint32_t how;
	bool impl;
	uint32_t owner_len;
	enum vals k;
};

#define EID_VARIANTS (COUNT(how_values) * 2 * COUNT(owner_lengths) * V_COUNT)

static struct eid_variant eid_variant(size_t v)
{
	struct eid_variant e;

	e.k = (enum vals)(v % V_COUNT);
	v /= V_COUNT;
	e.owner_len = owner_lengths[v % COUNT(owner_lengths)];
	v /= COUNT(owner_lengths);
	e.impl = v % 2;
	e.how = how_values[v / 2];
	return e;
}

static void test_exchange_id_args(void)
{
	struct nfs_argop op;
	char label[128];

	for (size_t v = 0; v < EID_VARIANTS; v++) {
		struct eid_variant e = eid_variant(v);
		build_exchange_id_args(&op, e.how, e.impl, e.owner_len, e.k);
		snprintf(label, sizeof(label), "EXCHANGE_ID4args how %u impl %d owner %u %s", e.how,
			 e.impl, e.owner_len, val_names[e.k]);
		roundtrip_ops(label, &op, 1, e.k);
	}
}

static void test_exchange_id_resok(void)
{
	struct nfs_resop op;
	char label[128];

	for (size_t v = 0; v < EID_VARIANTS; v++) {
		struct eid_variant e = eid_variant(v);
		build_exchange_id_resok(&op, e.how, e.impl, e.owner_len, e.k);
		snprintf(label, sizeof(label), "EXCHANGE_ID4resok how %u impl %d major %u %s",
			 e.how, e.impl, e.owner_len, val_names[e.k]);
		roundtrip_res(label, &op, 1, e.k);
	}
}

/* ---- CREATE_SESSION, BACKCHANNEL_CTL ---------------------------------------------- */

static void build_channel(struct channel_attrs4 *c, bool rdma, enum vals k, uint32_t slots)
{
	c->ca_headerpadsize = u32v(k, 0);
	c->ca_maxrequestsize = u32v(k, 1049620);
	c->ca_maxresponsesize = u32v(k, 1049480);
	c->ca_maxresponsesize_cached = u32v(k, 7584);
	c->ca_maxoperations = u32v(k, 16);
	c->ca_maxrequests = u32v(k, slots);
	c->ca_rdma_ird_present = rdma;
	c->ca_rdma_ird = rdma ? u32v(k, 4) : 0;
}

/* AUTH_SYS: typical and max carry 16 gids and a 255-byte machine name. */
static void build_authsys(struct oncrpc_authsys *s, enum vals k)
{
	s->stamp = u32v(k, 1795691330);
	s->machinename = blob(lenv(k, ONCRPC_MAX_MACHINE_NAME, ONCRPC_MAX_MACHINE_NAME), 17);
	s->uid = u32v(k, 1000);
	s->gid = u32v(k, 100);
	s->ngids = lenv(k, ONCRPC_MAX_GIDS, ONCRPC_MAX_GIDS);
	for (uint32_t i = 0; i < s->ngids; i++)
		s->gids[i] = k == V_TYPICAL ? 100 + i : u32v(k, 0);
}

static void build_gss_handles(struct gss_cb_handles4 *g, enum vals k)
{
	g->gcbp_service = k == V_TYPICAL ? RPC_GSS_SVC_INTEGRITY : u32v(k, 0);
	g->gcbp_handle_from_server = blob(lenv(k, 24, 400), 19);
	g->gcbp_handle_from_client = blob(lenv(k, 7, 399), 23);
}

enum secv { SEC_EMPTY, SEC_NONE, SEC_SYS, SEC_GSS, SEC_MIXED, SEC_COUNT };

static const char *const sec_names[SEC_COUNT] = {"no entries", "AUTH_NONE", "AUTH_SYS",
						 "RPCSEC_GSS", "8 mixed"};

static void build_cb_sec_one(struct callback_sec_parms4 *p, uint32_t flavor, enum vals k)
{
	memset(p, 0, sizeof(*p));
	p->cb_secflavor = flavor;
	if (flavor == ONCRPC_AUTH_SYS)
		build_authsys(&p->cbsp_sys_cred, k);
	if (flavor == ONCRPC_RPCSEC_GSS)
		build_gss_handles(&p->cbsp_gss_handles, k);
}

static uint32_t build_cb_sec(struct callback_sec_parms4 *p, enum secv s, enum vals k)
{
	static const uint32_t one[SEC_COUNT] = {0, ONCRPC_AUTH_NONE, ONCRPC_AUTH_SYS,
						ONCRPC_RPCSEC_GSS, 0};
	static const uint32_t mixed[] = {ONCRPC_AUTH_SYS, ONCRPC_RPCSEC_GSS, ONCRPC_AUTH_NONE};

	if (s == SEC_EMPTY)
		return 0;
	if (s != SEC_MIXED) {
		build_cb_sec_one(p, one[s], k);
		return 1;
	}
	for (uint32_t i = 0; i < WIRE_MAX_CB_SEC; i++)
		build_cb_sec_one(&p[i], mixed[i % COUNT(mixed)], k);
	return WIRE_MAX_CB_SEC;
}

static void build_create_session_args(struct nfs_argop *op, bool rdma, enum secv s, enum vals k)
{
	struct CREATE_SESSION4args *a = &op->u.create_session;

	memset(op, 0, sizeof(*op));
	op->op = OP_CREATE_SESSION;
	a->csa_clientid = u64v(k, 0x6b08134100000001);
	a->csa_sequence = u32v(k, 1);
	a->csa_flags = u32v(k, CREATE_SESSION4_FLAG_CONN_BACK_CHAN);
	build_channel(&a->csa_fore_chan_attrs, rdma, k, 8);
	build_channel(&a->csa_back_chan_attrs, !rdma, k, 1);
	a->csa_cb_program = u32v(k, NFS4_CALLBACK);
	a->csa_sec_parms = csa_room;
	a->csa_sec_parms_count = build_cb_sec(csa_room, s, k);
}

static void test_create_session_args(void)
{
	struct nfs_argop op;
	char label[128];

	for (int rdma = 0; rdma < 2; rdma++)
		for (enum secv s = 0; s < SEC_COUNT; s++)
			for (enum vals k = 0; k < V_COUNT; k++) {
				build_create_session_args(&op, rdma, s, k);
				snprintf(label, sizeof(label),
					 "CREATE_SESSION4args rdma %d sec %s %s", rdma,
					 sec_names[s], val_names[k]);
				roundtrip_ops(label, &op, 1, k);
			}
}

static void test_create_session_resok(void)
{
	struct nfs_resop op;
	char label[128];

	for (int rdma = 0; rdma < 2; rdma++)
		for (enum vals k = 0; k < V_COUNT; k++) {
			struct CREATE_SESSION4resok *r = &op.u.create_session;
			memset(&op, 0, sizeof(op));
			op.op = OP_CREATE_SESSION;
			fill(r->csr_sessionid, NFS4_SESSIONID_SIZE, k, 0x41);
			r->csr_sequence = u32v(k, 1);
			r->csr_flags = u32v(k, CREATE_SESSION4_FLAG_PERSIST);
			build_channel(&r->csr_fore_chan_attrs, rdma, k, 64);
			build_channel(&r->csr_back_chan_attrs, rdma, k, 2);
			snprintf(label, sizeof(label), "CREATE_SESSION4resok rdma %d %s", rdma,
				 val_names[k]);
			roundtrip_res(label, &op, 1, k);
		}
}

static void test_backchannel_ctl(void)
{
	struct nfs_argop op;
	char label[128];

	for (enum secv s = 0; s < SEC_COUNT; s++)
		for (enum vals k = 0; k < V_COUNT; k++) {
			memset(&op, 0, sizeof(op));
			op.op = OP_BACKCHANNEL_CTL;
			op.u.backchannel_ctl.bca_cb_program = u32v(k, 0x40000001);
			op.u.backchannel_ctl.bca_sec_parms = bca_room;
			op.u.backchannel_ctl.bca_sec_parms_count = build_cb_sec(bca_room, s, k);
			snprintf(label, sizeof(label), "BACKCHANNEL_CTL4args sec %s %s",
				 sec_names[s], val_names[k]);
			roundtrip_ops(label, &op, 1, k);
		}
}

/* ---- SEQUENCE, BIND_CONN_TO_SESSION, DESTROY_*, RECLAIM_COMPLETE ------------------- */

static void build_sequence_args(struct nfs_argop *op, enum vals k)
{
	struct SEQUENCE4args *a = &op->u.sequence;

	memset(op, 0, sizeof(*op));
	op->op = OP_SEQUENCE;
	fill(a->sa_sessionid, NFS4_SESSIONID_SIZE, k, 0x01);
	a->sa_sequenceid = u32v(k, 2);
	a->sa_slotid = u32v(k, 3);
	a->sa_highest_slotid = u32v(k, 7);
	a->sa_cachethis = boolv(k, true);
}

static void build_sequence_resok(struct nfs_resop *op, enum vals k)
{
	struct SEQUENCE4resok *r = &op->u.sequence;

	memset(op, 0, sizeof(*op));
	op->op = OP_SEQUENCE;
	fill(r->sr_sessionid, NFS4_SESSIONID_SIZE, k, 0x01);
	r->sr_sequenceid = u32v(k, 2);
	r->sr_slotid = u32v(k, 3);
	r->sr_highest_slotid = u32v(k, 7);
	r->sr_target_highest_slotid = u32v(k, 63);
	r->sr_status_flags = u32v(k, SEQ4_STATUS_CB_PATH_DOWN | SEQ4_STATUS_RESTART_RECLAIM_NEEDED);
}

static void test_sequence(void)
{
	struct nfs_argop a;
	struct nfs_resop r;
	char label[64];

	for (enum vals k = 0; k < V_COUNT; k++) {
		build_sequence_args(&a, k);
		build_sequence_resok(&r, k);
		snprintf(label, sizeof(label), "SEQUENCE4args %s", val_names[k]);
		roundtrip_ops(label, &a, 1, k);
		snprintf(label, sizeof(label), "SEQUENCE4resok %s", val_names[k]);
		roundtrip_res(label, &r, 1, k);
	}
}

static void test_bind_conn_to_session(void)
{
	static const uint32_t cdfc[] = {CDFC4_FORE, CDFC4_BACK, CDFC4_FORE_OR_BOTH,
					CDFC4_BACK_OR_BOTH};
	static const uint32_t cdfs[] = {CDFS4_FORE, CDFS4_BACK, CDFS4_BOTH, CDFS4_BOTH};
	struct nfs_argop a;
	struct nfs_resop r;
	char label[64];

	for (size_t d = 0; d < COUNT(cdfc); d++)
		for (enum vals k = 0; k < V_COUNT; k++) {
			memset(&a, 0, sizeof(a));
			memset(&r, 0, sizeof(r));
			a.op = r.op = OP_BIND_CONN_TO_SESSION;
			fill(a.u.bind_conn_to_session.bctsa_sessid, NFS4_SESSIONID_SIZE, k, 0x10);
			fill(r.u.bind_conn_to_session.bctsr_sessid, NFS4_SESSIONID_SIZE, k, 0x10);
			a.u.bind_conn_to_session.bctsa_dir = k == V_TYPICAL ? cdfc[d] : u32v(k, 0);
			r.u.bind_conn_to_session.bctsr_dir = k == V_TYPICAL ? cdfs[d] : u32v(k, 0);
			a.u.bind_conn_to_session.bctsa_use_conn_in_rdma_mode = boolv(k, d & 1);
			r.u.bind_conn_to_session.bctsr_use_conn_in_rdma_mode = boolv(k, d & 1);
			snprintf(label, sizeof(label), "BIND_CONN_TO_SESSION dir %u %s", cdfc[d],
				 val_names[k]);
			roundtrip_ops(label, &a, 1, k);
			roundtrip_res(label, &r, 1, k);
		}
}

/* Ops whose results are a bare status: DESTROY_SESSION, DESTROY_CLIENTID, RECLAIM_COMPLETE. */
static void test_destroy_and_reclaim(void)
{
	struct nfs_argop a[3];
	struct nfs_resop r[3];
	char label[64];

	for (enum vals k = 0; k < V_COUNT; k++) {
		memset(a, 0, sizeof(a));
		memset(r, 0, sizeof(r));
		a[0].op = r[0].op = OP_DESTROY_SESSION;
		fill(a[0].u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE, k, 0x20);
		a[1].op = r[1].op = OP_DESTROY_CLIENTID;
		a[1].u.destroy_clientid.dca_clientid = u64v(k, 0x6b08134100000001);
		a[2].op = r[2].op = OP_RECLAIM_COMPLETE;
		a[2].u.reclaim_complete.rca_one_fs = boolv(k, false);
		for (int i = 0; i < 3; i++) {
			snprintf(label, sizeof(label), "%s args %s", nfs4_op_name(a[i].op),
				 val_names[k]);
			roundtrip_ops(label, &a[i], 1, k);
			r[i].status = k == V_TYPICAL ? NFS4_OK : NFS4ERR_BADSESSION;
			snprintf(label, sizeof(label), "%s result %s", nfs4_op_name(a[i].op),
				 val_names[k]);
			roundtrip_res(label, &r[i], 1, k);
		}
	}
}

/* ---- PUTFH, GETFH, LOOKUP, GETATTR, PUTROOTFH, ILLEGAL ------------------------------- */

static void test_filehandles(void)
{
	static const uint32_t lengths[] = {0, 1, 28, NFS4_FHSIZE - 1, NFS4_FHSIZE};
	struct nfs_argop a;
	struct nfs_resop r;
	char label[64];

	for (size_t i = 0; i < COUNT(lengths); i++) {
		memset(&a, 0, sizeof(a));
		memset(&r, 0, sizeof(r));
		a.op = OP_PUTFH;
		a.u.putfh.object = blob(lengths[i], 40);
		r.op = OP_GETFH;
		r.u.getfh.object = blob(lengths[i], 41);
		snprintf(label, sizeof(label), "PUTFH fh %u bytes", lengths[i]);
		roundtrip_ops(label, &a, 1, V_TYPICAL);
		snprintf(label, sizeof(label), "GETFH fh %u bytes", lengths[i]);
		roundtrip_res(label, &r, 1, V_TYPICAL);
	}
}

static void test_lookup(void)
{
	static const char *const names[] = {"", "a", "tree", "export", "a name with spaces.txt"};
	struct nfs_argop a;
	char label[64];

	for (size_t i = 0; i < COUNT(names); i++) {
		memset(&a, 0, sizeof(a));
		a.op = OP_LOOKUP;
		a.u.lookup.objname = str(names[i]);
		snprintf(label, sizeof(label), "LOOKUP \"%s\"", names[i]);
		roundtrip_ops(label, &a, 1, V_TYPICAL);
	}
	a.u.lookup.objname = blob(NFS4_OPAQUE_LIMIT, 0);
	roundtrip_ops("LOOKUP 1024-byte name", &a, 1, V_TYPICAL);
}

static void test_getattr_args(void)
{
	struct nfs_argop a;
	char label[64];

	for (enum vals k = 0; k < V_COUNT; k++) {
		memset(&a, 0, sizeof(a));
		a.op = OP_GETATTR;
		/* typical: supported_attrs, type, ..., rdattr_error; fileid */
		build_bitmap(&a.u.getattr.attr_request, k, 0x00100fff, 0x0000000a);
		snprintf(label, sizeof(label), "GETATTR4args %s", val_names[k]);
		roundtrip_ops(label, &a, 1, k);
	}
}

/* PUTROOTFH and GETFH have void arguments; ILLEGAL void arguments, status-only result. */
static void test_void_ops(void)
{
	struct nfs_argop a[3] = {{.op = OP_PUTROOTFH}, {.op = OP_GETFH}, {.op = OP_ILLEGAL}};
	struct nfs_resop r[2] = {{.op = OP_PUTROOTFH, .status = NFS4_OK},
				 {.op = OP_ILLEGAL, .status = NFS4ERR_OP_ILLEGAL}};

	roundtrip_ops("PUTROOTFH GETFH ILLEGAL", a, 3, V_TYPICAL);
	roundtrip_res("PUTROOTFH, ILLEGAL results", r, 2, V_TYPICAL);
	r[0].status = NFS4ERR_DELAY;
	roundtrip_res("PUTROOTFH DELAY", r, 1, V_ONE);
}

/* ---- fattr4 ------------------------------------------------------------------------- */

static const uint32_t attr_bits[] = {
	FATTR4_SUPPORTED_ATTRS, FATTR4_TYPE,	     FATTR4_FH_EXPIRE_TYPE, FATTR4_CHANGE,
	FATTR4_SIZE,		FATTR4_LINK_SUPPORT, FATTR4_SYMLINK_SUPPORT, FATTR4_NAMED_ATTR,
	FATTR4_FSID,		FATTR4_UNIQUE_HANDLES, FATTR4_LEASE_TIME,   FATTR4_RDATTR_ERROR,
	FATTR4_FILEHANDLE,	FATTR4_FILEID,	     FATTR4_MODE,	    FATTR4_NUMLINKS,
	FATTR4_SUPPATTR_EXCLCREAT,
};

static void build_attrs(struct nfs4_attrs *a, enum vals k)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < COUNT(attr_bits); i++)
		bitmap4_set(&a->has, attr_bits[i]);
	build_bitmap(&a->supported_attrs, k, 0x00100fff, 0x0000000a);
	a->type = k == V_TYPICAL ? NF4DIR : u32v(k, 0);
	a->fh_expire_type = u32v(k, 0);
	a->change = u64v(k, 1795691330000000000ull);
	a->size = u64v(k, 4096);
	a->link_support = boolv(k, true);
	a->symlink_support = boolv(k, true);
	a->named_attr = boolv(k, false);
	a->fsid_major = u64v(k, 152);
	a->fsid_minor = u64v(k, 152);
	a->unique_handles = boolv(k, true);
	a->lease_time = u32v(k, 20);
	a->rdattr_error = k == V_TYPICAL ? NFS4ERR_NOENT : u32v(k, 0);
	a->filehandle = blob(lenv(k, 28, NFS4_FHSIZE), 50);
	a->fileid = u64v(k, 1);
	a->mode = k == V_TYPICAL ? 0755 : u32v(k, 0);
	a->numlinks = u32v(k, 2);
	build_bitmap(&a->suppattr_exclcreat, k, 0x00000012, 0x00000000);
}

static void cmp_attr_scalars(const struct nfs4_attrs *a, const struct nfs4_attrs *b)
{
	CU_ASSERT_EQUAL(a->type, b->type);
	CU_ASSERT_EQUAL(a->fh_expire_type, b->fh_expire_type);
	CU_ASSERT(a->change == b->change);
	CU_ASSERT(a->size == b->size);
	CU_ASSERT_EQUAL(a->link_support, b->link_support);
	CU_ASSERT_EQUAL(a->symlink_support, b->symlink_support);
	CU_ASSERT_EQUAL(a->named_attr, b->named_attr);
	CU_ASSERT(a->fsid_major == b->fsid_major && a->fsid_minor == b->fsid_minor);
	CU_ASSERT_EQUAL(a->unique_handles, b->unique_handles);
	CU_ASSERT_EQUAL(a->lease_time, b->lease_time);
	CU_ASSERT_EQUAL(a->rdattr_error, b->rdattr_error);
	CU_ASSERT(opaque_eq(a->filehandle, b->filehandle));
	CU_ASSERT(a->fileid == b->fileid);
	CU_ASSERT_EQUAL(a->mode, b->mode);
	CU_ASSERT_EQUAL(a->numlinks, b->numlinks);
}

static void cmp_attrs(const struct nfs4_attrs *a, const struct nfs4_attrs *b)
{
	cmp_bitmap(&a->has, &b->has);
	cmp_bitmap(&a->supported_attrs, &b->supported_attrs);
	cmp_attr_scalars(a, b);
	cmp_bitmap(&a->suppattr_exclcreat, &b->suppattr_exclcreat);
}

/* Pack, check the size report on a short buffer, carry in GETATTR, decode, unpack. */
static void roundtrip_attrs(const struct nfs4_attrs *in, enum vals k)
{
	uint8_t vals[2048], *small;
	struct nfs_resop r = {.op = OP_GETATTR};
	struct fattr4 *f = &r.u.getattr.obj_attributes, tiny;
	size_t n = fattr4_pack(in, vals, sizeof(vals), f);
	char label[64];

	CU_ASSERT_FATAL(n <= sizeof(vals));
	CU_ASSERT_EQUAL(f->attr_vals.len, n);
	cmp_bitmap(&in->has, &f->attrmask);
	small = malloc(n);
	CU_ASSERT_FATAL(small != NULL);
	CU_ASSERT_EQUAL(fattr4_pack(in, small, n - 1, &tiny), n);
	CU_ASSERT_EQUAL(tiny.attr_vals.len, 0);
	free(small);
	snprintf(label, sizeof(label), "GETATTR4resok fattr4 %s", val_names[k]);
	roundtrip_res(label, &r, 1, k);
}

/* After a strict decode of the GETATTR reply, fattr4_unpack() gives the values back. */
static void unpack_from_wire(const struct nfs4_attrs *in, enum vals k)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = NFSPROC4_COMPOUND};
	uint8_t vals[2048], wire[4096];
	struct nfs_resop r = {.op = OP_GETATTR};
	struct wire_msg src = reply_msg(&r, 1, NFS4_OK, k), m;
	struct wire_error err;
	struct nfs4_attrs out;
	size_t n;

	fattr4_pack(in, vals, sizeof(vals), &r.u.getattr.obj_attributes);
	n = wire_msg_encode(&src, wire, sizeof(wire));
	CU_ASSERT_FATAL(n <= sizeof(wire));
	if (CHECK(wire_msg_decode(wire, n, &o, &m, &err) == WIRE_OK, "decode: %s", err.detail) &&
	    CHECK(fattr4_unpack(&m.res.resarray[0].u.getattr.obj_attributes, WIRE_STRICT, &out,
				&err),
		  "fattr4_unpack: %s", err.detail))
		cmp_attrs(in, &out);
	wire_msg_free(&m);
}

static void test_fattr4(void)
{
	struct nfs4_attrs in;

	for (enum vals k = 0; k < V_COUNT; k++) {
		build_attrs(&in, k);
		roundtrip_attrs(&in, k);
		unpack_from_wire(&in, k);
	}
}

/* Attributes outside struct nfs4_attrs are left out by pack and stop unpack, named. */
static void test_fattr4_unknown_attr(void)
{
	static const uint8_t acl_vals[] = {0, 0, 0, 0}; /* acl: nfsace4<> with 0 entries */
	uint8_t vals[256];
	struct nfs4_attrs in, out;
	struct fattr4 f;
	struct wire_error err;

	memset(&in, 0, sizeof(in));
	bitmap4_set(&in.has, FATTR4_TYPE);
	bitmap4_set(&in.has, 12); /* acl */
	in.type = NF4REG;
	CU_ASSERT_EQUAL(fattr4_pack(&in, vals, sizeof(vals), &f), 4);
	CU_ASSERT(bitmap4_isset(&f.attrmask, FATTR4_TYPE));
	CU_ASSERT_FALSE(bitmap4_isset(&f.attrmask, 12));
	f = (struct fattr4){.attr_vals = {acl_vals, sizeof(acl_vals)}};
	bitmap4_set(&f.attrmask, 12);
	CU_ASSERT_FALSE(fattr4_unpack(&f, WIRE_STRICT, &out, &err));
	CU_ASSERT_EQUAL(err.status, WIRE_ERR_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "attribute 12"));
}

/* ---- COMPOUND envelopes: tags, minor versions, many ops, error results -------------- */

static void test_compound_header(void)
{
	static const uint32_t minors[] = {0, 1, 2, UINT32_MAX};
	struct nfs_argop a = {.op = OP_PUTROOTFH};
	char label[64];

	for (size_t i = 0; i < COUNT(minors); i++)
		for (enum vals k = 0; k < V_COUNT; k++) {
			struct wire_msg m = call_msg(&a, 1, k);
			m.args.minorversion = minors[i];
			snprintf(label, sizeof(label), "COMPOUND4args minor %u %s", minors[i],
				 val_names[k]);
			roundtrip(label, &m);
		}
}

/* Every op in one COMPOUND, and every result in one reply. */
static void test_compound_all_ops(void)
{
	struct nfs_argop a[12];
	struct nfs_resop r[7];

	build_sequence_args(&a[0], V_TYPICAL);
	build_exchange_id_args(&a[1], SP4_SSV, true, 45, V_TYPICAL);
	build_create_session_args(&a[2], true, SEC_MIXED, V_TYPICAL);
	a[3] = (struct nfs_argop){.op = OP_PUTROOTFH};
	a[4] = (struct nfs_argop){.op = OP_PUTFH, .u.putfh.object = blob(NFS4_FHSIZE, 60)};
	a[5] = (struct nfs_argop){.op = OP_LOOKUP, .u.lookup.objname = str("export")};
	a[6] = (struct nfs_argop){.op = OP_GETFH};
	a[7] = (struct nfs_argop){.op = OP_GETATTR};
	build_bitmap(&a[7].u.getattr.attr_request, V_TYPICAL, 0x0010011a, 0x0000000a);
	a[8] = (struct nfs_argop){.op = OP_RECLAIM_COMPLETE, .u.reclaim_complete.rca_one_fs = true};
	a[9] = (struct nfs_argop){.op = OP_DESTROY_CLIENTID, .u.destroy_clientid.dca_clientid = 7};
	a[10] = (struct nfs_argop){.op = OP_BACKCHANNEL_CTL};
	a[10].u.backchannel_ctl.bca_sec_parms = bca_room;
	a[10].u.backchannel_ctl.bca_sec_parms_count = build_cb_sec(bca_room, SEC_GSS, V_TYPICAL);
	a[11] = (struct nfs_argop){.op = OP_ILLEGAL};
	roundtrip_ops("COMPOUND of every op", a, COUNT(a), V_TYPICAL);

	build_sequence_resok(&r[0], V_TYPICAL);
	build_exchange_id_resok(&r[1], SP4_MACH_CRED, true, 2, V_TYPICAL);
	memset(&r[2], 0, sizeof(r[2]));
	r[2].op = OP_CREATE_SESSION;
	build_channel(&r[2].u.create_session.csr_fore_chan_attrs, false, V_TYPICAL, 8);
	r[3] = (struct nfs_resop){.op = OP_PUTROOTFH};
	r[4] = (struct nfs_resop){.op = OP_GETFH, .u.getfh.object = blob(20, 61)};
	r[5] = (struct nfs_resop){.op = OP_LOOKUP, .status = NFS4ERR_NOENT};
	r[6] = (struct nfs_resop){.op = OP_SEQUENCE, .status = NFS4ERR_SEQUENCE_POS};
	roundtrip_res("COMPOUND4res of every result", r, COUNT(r), V_TYPICAL);
}

/* Error statuses carry no result body; a reply may hold no results at all. */
static void test_compound_errors(void)
{
	static const uint32_t errors[] = {NFS4ERR_BADSESSION, NFS4ERR_BADSLOT,
					  NFS4ERR_SEQ_MISORDERED, NFS4ERR_DELAY,
					  NFS4ERR_STALE_CLIENTID, UINT32_MAX};
	struct nfs_resop r;
	struct wire_msg m;
	char label[64];

	for (size_t i = 0; i < COUNT(errors); i++) {
		build_sequence_resok(&r, V_TYPICAL); /* the resok arm must not be sent */
		r.status = errors[i];
		snprintf(label, sizeof(label), "SEQUENCE status %u", errors[i]);
		roundtrip_res(label, &r, 1, V_TYPICAL);
	}
	m = reply_msg(NULL, 0, NFS4ERR_NOT_ONLY_OP, V_TYPICAL);
	roundtrip("COMPOUND4res NOT_ONLY_OP, no results", &m);
	m = reply_msg(NULL, 0, NFS4ERR_OP_NOT_IN_SESSION, V_ZERO);
	roundtrip("COMPOUND4res OP_NOT_IN_SESSION, empty tag", &m);
}

/* ---- RPC headers --------------------------------------------------------------------- */

/* An RPCSEC_GSS credential body (RFC 2203 s5): version 1, proc, seq, service, handle. */
static struct wire_opaque gss_body(struct oncrpc_gss_cred *g, uint8_t *buf, size_t cap, enum vals k)
{
	struct xdr_enc e;

	*g = (struct oncrpc_gss_cred){.version = ONCRPC_GSS_VERSION, .gss_proc = u32v(k, 0),
				      .seq_num = u32v(k, 5), .service = u32v(k, RPC_GSS_SVC_NONE),
				      .handle = blob(lenv(k, 16, 300), 70)};
	xdr_enc_init(&e, buf, cap);
	xdr_put_u32(&e, g->version);
	xdr_put_u32(&e, g->gss_proc);
	xdr_put_u32(&e, g->seq_num);
	xdr_put_u32(&e, g->service);
	xdr_put_slice(&e, g->handle);
	return (struct wire_opaque){buf, (uint32_t)e.len};
}

static void test_call_credentials(void)
{
	uint8_t body[ONCRPC_MAX_AUTH_BYTES];
	struct nfs_argop a = {.op = OP_PUTROOTFH};
	char label[64];

	for (enum vals k = 0; k < V_COUNT; k++) {
		struct wire_msg m = call_msg(&a, 1, k);
		struct oncrpc_auth *cred = &m.call.cred;

		snprintf(label, sizeof(label), "call AUTH_NONE %s", val_names[k]);
		roundtrip(label, &m);
		cred->flavor = ONCRPC_AUTH_SYS;
		build_authsys(&cred->u.sys, k);
		cred->body = oncrpc_authsys_encode(&cred->u.sys, body, sizeof(body));
		CU_ASSERT(cred->body.len > 0);
		snprintf(label, sizeof(label), "call AUTH_SYS %s", val_names[k]);
		roundtrip(label, &m);
		cred->flavor = ONCRPC_RPCSEC_GSS;
		cred->body = gss_body(&cred->u.gss, body, sizeof(body), k);
		snprintf(label, sizeof(label), "call RPCSEC_GSS %s", val_names[k]);
		roundtrip(label, &m);
	}
}

/* NULL, an unknown NFS procedure and another program: the body travels undecoded. */
static void test_call_not_compound(void)
{
	/* mapping {prog 100003, vers 4, prot 6 (TCP), port 0} */
	static const uint8_t pmap_getport[] = {0, 1, 0x86, 0xa3, 0, 0, 0, 4,
					       0, 0, 0, 6, 0, 0, 0, 0};
	struct wire_msg m = call_msg(NULL, 0, V_TYPICAL);

	m.is_compound = false;
	m.call.proc = m.proc = NFSPROC4_NULL;
	roundtrip("NULL call", &m);
	m.call.proc = m.proc = 2;
	m.body = blob(12, 80);
	roundtrip("NFSv4 procedure 2 call", &m);
	m.call.prog = 100000, m.call.vers = 2, m.call.proc = m.proc = 3;
	m.body = (struct wire_opaque){pmap_getport, sizeof(pmap_getport)};
	roundtrip("portmapper GETPORT call", &m);
	m.call.prog = NFS4_PROGRAM, m.call.vers = 3, m.call.proc = m.proc = 0;
	m.body = (struct wire_opaque){NULL, 0};
	roundtrip("NFSv3 NULL call", &m);
}

static struct wire_msg rpc_reply(uint32_t xid, uint32_t reply_stat, uint32_t stat)
{
	struct wire_msg m = {.msg_type = ONCRPC_REPLY, .proc = WIRE_PROC_UNKNOWN};

	m.reply = (struct oncrpc_reply){.xid = xid, .reply_stat = reply_stat};
	m.reply.verf.body_ok = true;
	if (reply_stat == ONCRPC_MSG_ACCEPTED)
		m.reply.accept_stat = stat;
	else
		m.reply.reject_stat = stat;
	return m;
}

static void test_reply_accepted(void)
{
	static const uint32_t stats[] = {ONCRPC_PROG_UNAVAIL, ONCRPC_PROG_MISMATCH,
					 ONCRPC_PROC_UNAVAIL, ONCRPC_GARBAGE_ARGS,
					 ONCRPC_SYSTEM_ERR};
	static const uint8_t short_verf[] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1};
	char label[64];

	for (size_t i = 0; i < COUNT(stats); i++)
		for (enum vals k = 0; k < V_COUNT; k++) {
			struct wire_msg m =
				rpc_reply(u32v(k, 0x98035c00), ONCRPC_MSG_ACCEPTED, stats[i]);
			m.reply.mismatch_low = u32v(k, 4);
			m.reply.mismatch_high = k == V_MAX ? 0 : u32v(k, 4) ^ 1;
			snprintf(label, sizeof(label), "reply %s %s",
				 oncrpc_accept_stat_name(stats[i]), val_names[k]);
			roundtrip(label, &m);
		}
	struct wire_msg m = rpc_reply(1, ONCRPC_MSG_ACCEPTED, ONCRPC_SUCCESS);
	roundtrip("reply SUCCESS, NULL", &m);
	m.reply.verf = (struct oncrpc_auth){.flavor = ONCRPC_AUTH_SHORT,
					    .body = {short_verf, sizeof(short_verf)}};
	roundtrip("reply SUCCESS, NULL, AUTH_SHORT verifier", &m);
}

static void test_reply_denied(void)
{
	char label[64];

	for (enum vals k = 0; k < V_COUNT; k++) {
		struct wire_msg m = rpc_reply(u32v(k, 7), ONCRPC_MSG_DENIED, ONCRPC_RPC_MISMATCH);
		m.reply.mismatch_low = u32v(k, 2);
		m.reply.mismatch_high = u32v(k, 2);
		snprintf(label, sizeof(label), "reply RPC_MISMATCH %s", val_names[k]);
		roundtrip(label, &m);
	}
	for (uint32_t s = ONCRPC_AUTH_OK; s <= ONCRPC_RPCSEC_GSS_CTXPROBLEM; s++) {
		struct wire_msg m = rpc_reply(s, ONCRPC_MSG_DENIED, ONCRPC_AUTH_ERROR);
		m.reply.auth_stat = s;
		snprintf(label, sizeof(label), "reply AUTH_ERROR %s", oncrpc_auth_stat_name(s));
		roundtrip(label, &m);
	}
}

/* ---- known byte vectors: the encoder's output checked by hand, not only by the decoder ---- */

static void check_bytes(const char *label, const struct wire_msg *m, const uint8_t *want, size_t n)
{
	uint8_t buf[512];
	size_t got = wire_msg_encode(m, buf, sizeof(buf));

	if (CHECK(got == n, "%s: %zu bytes, want %zu", label, got, n))
		CHECK(memcmp(buf, want, n) == 0, "%s: bytes differ", label);
	roundtrip(label, m);
}

static void test_known_vectors(void)
{
	static const uint8_t tooweak[] = {
		0x01, 0x02, 0x03, 0x04, /* xid */
		0, 0, 0, 1,             /* REPLY */
		0, 0, 0, 1,             /* MSG_DENIED */
		0, 0, 0, 1,             /* AUTH_ERROR */
		0, 0, 0, 5,             /* AUTH_TOOWEAK */
	};
	static const uint8_t prog_mismatch[] = {
		0, 0, 0, 9,                 /* xid */
		0, 0, 0, 1, 0, 0, 0, 0,     /* REPLY, MSG_ACCEPTED */
		0, 0, 0, 0, 0, 0, 0, 0,     /* verf AUTH_NONE, 0 bytes */
		0, 0, 0, 2,                 /* PROG_MISMATCH */
		0, 0, 0, 4, 0, 0, 0, 4,     /* low 4, high 4 */
	};
	struct wire_msg m = rpc_reply(0x01020304, ONCRPC_MSG_DENIED, ONCRPC_AUTH_ERROR);

	m.reply.auth_stat = ONCRPC_AUTH_TOOWEAK;
	check_bytes("AUTH_TOOWEAK vector", &m, tooweak, sizeof(tooweak));
	m = rpc_reply(9, ONCRPC_MSG_ACCEPTED, ONCRPC_PROG_MISMATCH);
	m.reply.mismatch_low = m.reply.mismatch_high = 4;
	check_bytes("PROG_MISMATCH vector", &m, prog_mismatch, sizeof(prog_mismatch));
}

static void test_known_sequence_call(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 2,      /* xid 42, CALL, rpcvers 2 */
		0, 1, 0x86, 0xa3, 0, 0, 0, 4, 0, 0, 0, 1,   /* prog 100003, vers 4, proc COMPOUND */
		0, 0, 0, 0, 0, 0, 0, 0,                     /* cred AUTH_NONE, 0 bytes */
		0, 0, 0, 0, 0, 0, 0, 0,                     /* verf AUTH_NONE, 0 bytes */
		0, 0, 0, 3, 't', 'a', 'g', 0,               /* tag "tag" + 1 byte padding */
		0, 0, 0, 1, 0, 0, 0, 3,                     /* minorversion 1, 3 ops */
		0, 0, 0, 0x35,                              /* SEQUENCE */
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, /* sa_sessionid */
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,         /* sequenceid 1, slotid 0, highest 0 */
		0, 0, 0, 1,                                 /* sa_cachethis TRUE */
		0, 0, 0, 0x18,                              /* PUTROOTFH */
		0, 0, 0, 0x0f, 0, 0, 0, 2, 'a', 'b', 0, 0,  /* LOOKUP "ab" + 2 bytes padding */
	};
	struct nfs_argop ops[3] = {{.op = OP_SEQUENCE}, {.op = OP_PUTROOTFH}, {.op = OP_LOOKUP}};
	struct wire_msg m = call_msg(ops, 3, V_TYPICAL);

	for (uint8_t i = 0; i < NFS4_SESSIONID_SIZE; i++)
		ops[0].u.sequence.sa_sessionid[i] = i;
	ops[0].u.sequence.sa_sequenceid = 1;
	ops[0].u.sequence.sa_cachethis = true;
	/* m refers to ops: cppcheck does not follow the pointer. */
	// cppcheck-suppress unreadVariable
	ops[2].u.lookup.objname = str("ab");
	m.call.xid = 42;
	m.args.tag = str("tag");
	check_bytes("SEQUENCE PUTROOTFH LOOKUP vector", &m, want, sizeof(want));
}

/* One op's XDR checked by hand, then the op round-trips inside a COMPOUND. */
static void check_op_bytes(const char *label, struct nfs_argop *op, const uint8_t *want, size_t n)
{
	uint8_t buf[512];
	struct xdr_enc e;

	xdr_enc_init(&e, buf, sizeof(buf));
	nfs4_argop_encode(&e, op);
	if (CHECK(e.len == n, "%s: %zu bytes, want %zu", label, e.len, n))
		CHECK(memcmp(buf, want, n) == 0, "%s: bytes differ", label);
	roundtrip_ops(label, op, 1, V_TYPICAL);
}

static void test_known_exchange_id_ssv(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 0x2a,                                 /* EXCHANGE_ID */
		1, 2, 3, 4, 5, 6, 7, 8,                        /* co_verifier */
		0, 0, 0, 3, 'a', 'b', 'c', 0,                  /* co_ownerid "abc" */
		0, 1, 0, 0,                                    /* eia_flags USE_NON_PNFS */
		0, 0, 0, 2,                                    /* spa_how SP4_SSV */
		0, 0, 0, 0,                                    /* spo_must_enforce {} */
		0, 0, 0, 1, 0, 0, 0, 0x10,                     /* spo_must_allow {CLOSE} */
		0, 0, 0, 1,                                    /* ssp_hash_algs: 1 */
		0, 0, 0, 7, 6, 5, 0x2b, 0x0e, 3, 2, 0x1a, 0,   /* id-sha1 1.3.14.3.2.26 */
		0, 0, 0, 0,                                    /* ssp_encr_algs: 0 */
		0, 0, 0, 0x10, 0, 0, 0, 2,                     /* ssp_window 16, 2 gss handles */
		0, 0, 0, 1,                                    /* eia_client_impl_id<1>: present */
		0, 0, 0, 5, 'x', '.', 'o', 'r', 'g', 0, 0, 0,  /* nii_domain "x.org" */
		0, 0, 0, 1, 'n', 0, 0, 0,                      /* nii_name "n" */
		0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2,            /* nii_date 1 s 2 ns */
	};
	struct nfs_argop op = {.op = OP_EXCHANGE_ID};
	struct EXCHANGE_ID4args *a = &op.u.exchange_id;
	struct ssv_sp_parms4 *p = &a->eia_state_protect.spa_ssv_parms;
	struct wire_opaque hash[1] = {{oid_sha1, sizeof(oid_sha1)}};

	for (uint8_t i = 0; i < NFS4_VERIFIER_SIZE; i++)
		a->eia_clientowner.co_verifier[i] = i + 1;
	a->eia_clientowner.co_ownerid = str("abc");
	a->eia_flags = EXCHGID4_FLAG_USE_NON_PNFS;
	a->eia_state_protect.spa_how = SP4_SSV;
	bitmap4_set(&p->ssp_ops.spo_must_allow, OP_CLOSE);
	p->ssp_hash_algs_count = 1;
	p->ssp_hash_algs = hash;
	p->ssp_window = 16;
	p->ssp_num_gss_handles = 2;
	a->eia_client_impl_id_present = true;
	a->eia_client_impl_id = (struct nfs_impl_id4){str("x.org"), str("n"), {1, 2}};
	check_op_bytes("EXCHANGE_ID SP4_SSV vector", &op, want, sizeof(want));
}

static void test_known_create_session(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 0x2b,                                 /* CREATE_SESSION */
		1, 2, 3, 4, 5, 6, 7, 8,                        /* csa_clientid 0x0102030405060708 */
		0, 0, 0, 1, 0, 0, 0, 2,                   /* csa_sequence 1, flags CONN_BACK_CHAN */
		0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0, /* fore: pad 0, maxreq/maxresp 1 MiB */
		0, 0, 0x10, 0, 0, 0, 0, 8, 0, 0, 0, 0x10, /*   cached 4096, maxops 8, maxreqs 16 */
		0, 0, 0, 1, 0, 0, 0, 4,                        /*   ca_rdma_ird<1> = {4} */
		0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, /* back: pad 0, maxreq/maxresp 4096 */
		0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1,            /*   cached 0, maxops 2, maxreqs 1 */
		0, 0, 0, 0,                                    /*   ca_rdma_ird<1> = {} */
		0x40, 0, 0, 0,                                 /* csa_cb_program 0x40000000 */
		0, 0, 0, 2,                                    /* csa_sec_parms: 2 */
		0, 0, 0, 1, 0, 0, 0, 0x2a,                     /* AUTH_SYS, stamp 42 */
		0, 0, 0, 2, 'v', 'm', 0, 0,                    /*   machinename "vm" */
		0, 0, 0, 0, 0, 0, 0, 0,                        /*   uid 0, gid 0 */
		0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x11,         /*   gids {3, 17} */
		0, 0, 0, 6, 0, 0, 0, 2,                        /* RPCSEC_GSS, service INTEGRITY */
		0, 0, 0, 2, 's', '1', 0, 0,                    /*   handle from server "s1" */
		0, 0, 0, 0,                                    /*   handle from client "" */
	};
	struct nfs_argop op = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *a = &op.u.create_session;
	struct callback_sec_parms4 s[2] = {
		{.cb_secflavor = ONCRPC_AUTH_SYS,
		 .cbsp_sys_cred = {.stamp = 42, .machinename = str("vm"), .ngids = 2, .gids = {3, 17}}},
		{.cb_secflavor = ONCRPC_RPCSEC_GSS,
		 .cbsp_gss_handles = {RPC_GSS_SVC_INTEGRITY, str("s1"), str("")}},
	};

	a->csa_clientid = 0x0102030405060708ull;
	a->csa_sequence = 1;
	a->csa_flags = CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
	a->csa_fore_chan_attrs =
		(struct channel_attrs4){0, 1u << 20, 1u << 20, 4096, 8, 16, true, 4};
	a->csa_back_chan_attrs = (struct channel_attrs4){0, 4096, 4096, 0, 2, 1, false, 0};
	a->csa_cb_program = NFS4_CALLBACK;
	a->csa_sec_parms_count = 2;
	a->csa_sec_parms = s;
	check_op_bytes("CREATE_SESSION vector", &op, want, sizeof(want));
}

/* ---- out-of-line arrays and the op array (nfs4_types.h) ------------------------- */

/* Encode m and decode it back (lenient); false, with a failure, when either step fails. */
static bool encode_decode(const struct wire_msg *m, uint8_t **buf, struct wire_msg *d)
{
	struct wire_error err;
	size_t len = 0;

	*buf = encode_exact(m, &len);
	if (!*buf) {
		memset(d, 0, sizeof(*d));
		CU_FAIL("encoding failed");
		return false;
	}
	return CHECK(wire_msg_decode(*buf, len, NULL, d, &err) == WIRE_OK, "decoding failed");
}

/* Decoded, an array kept out of line lives in the COMPOUND's blocks, not in the encoder's
 * memory; wire_msg_free frees it (ASan's leak check) and empties the list. */
static void test_decoded_arrays_owned(void)
{
	struct nfs_argop ops[2];
	struct wire_msg m, d;
	uint8_t *buf;

	build_create_session_args(&ops[0], false, SEC_MIXED, V_TYPICAL);
	build_exchange_id_args(&ops[1], SP4_SSV, false, 4, V_TYPICAL);
	m = call_msg(ops, 2, V_TYPICAL);
	if (encode_decode(&m, &buf, &d) && CHECK(d.args.argarray_len == 2, "ops lost")) {
		const struct CREATE_SESSION4args *a = &d.args.argarray[0].u.create_session;
		const struct ssv_sp_parms4 *p =
			&d.args.argarray[1].u.exchange_id.eia_state_protect.spa_ssv_parms;
		CU_ASSERT_EQUAL(a->csa_sec_parms_count, WIRE_MAX_CB_SEC);
		CHECK(a->csa_sec_parms && a->csa_sec_parms != csa_room, "csa_sec_parms not owned");
		CHECK(p->ssp_hash_algs && p->ssp_hash_algs != hash_room, "ssp_hash_algs not owned");
		CHECK(d.args.blocks != NULL, "no blocks list");
	}
	wire_msg_free(&d);
	CU_ASSERT_PTR_NULL(d.args.blocks);
	free(buf);
}

/* To encode, a NULL array stands for count zeroed items (AUTH_NONE, empty opaques), and no
 * more than the cap is written, as with the inline arrays before. */
static void test_null_arrays_encode_zeroed(void)
{
	struct nfs_argop ops[3] = {{.op = OP_CREATE_SESSION}, {.op = OP_BACKCHANNEL_CTL}};
	struct wire_msg m, d;
	uint8_t *buf;

	ops[0].u.create_session.csa_sec_parms_count = 2;
	ops[1].u.backchannel_ctl.bca_sec_parms_count = WIRE_MAX_CB_SEC + 1;
	build_exchange_id_args(&ops[2], SP4_SSV, false, 4, V_TYPICAL);
	ops[2].u.exchange_id.eia_state_protect.spa_ssv_parms.ssp_hash_algs = NULL;
	ops[2].u.exchange_id.eia_state_protect.spa_ssv_parms.ssp_hash_algs_count = 1;
	m = call_msg(ops, 3, V_TYPICAL);
	if (encode_decode(&m, &buf, &d) && CHECK(d.args.argarray_len == 3, "ops lost")) {
		const struct CREATE_SESSION4args *a = &d.args.argarray[0].u.create_session;
		const struct BACKCHANNEL_CTL4args *b = &d.args.argarray[1].u.backchannel_ctl;
		const struct ssv_sp_parms4 *p =
			&d.args.argarray[2].u.exchange_id.eia_state_protect.spa_ssv_parms;
		CU_ASSERT_EQUAL(a->csa_sec_parms_count, 2);
		for (uint32_t i = 0; i < a->csa_sec_parms_count && a->csa_sec_parms; i++)
			CU_ASSERT_EQUAL(a->csa_sec_parms[i].cb_secflavor, ONCRPC_AUTH_NONE);
		CU_ASSERT_EQUAL(b->bca_sec_parms_count, WIRE_MAX_CB_SEC);
		if (CHECK(p->ssp_hash_algs_count == 1 && p->ssp_hash_algs, "ssp_hash_algs lost"))
			CU_ASSERT_EQUAL(p->ssp_hash_algs[0].len, 0);
	}
	wire_msg_free(&d);
	free(buf);
}

/* The op array grows with the ops that decode: 100 ops cross several doublings; a count of
 * 1000 with the fourth op undefined keeps four. */
static void test_op_array_grows(void)
{
	struct nfs_argop *ops = calloc(1000, sizeof(*ops));
	struct wire_msg m, d;
	struct wire_error err;
	uint8_t *buf = NULL;
	size_t len = 0;

	REQUIRE(ops);
	for (uint32_t i = 0; i < 100; i++) {
		ops[i].op = i % 2 ? OP_GETATTR : OP_PUTROOTFH;
		bitmap4_set(&ops[i].u.getattr.attr_request, i);
	}
	roundtrip_ops("COMPOUND of 100 ops", ops, 100, V_TYPICAL);
	for (uint32_t i = 3; i < 1000; i++)
		ops[i] = (struct nfs_argop){.op = 9999, .undecoded = true};
	m = call_msg(ops, 1000, V_TYPICAL);
	buf = encode_exact(&m, &len);
	if (buf) {
		CU_ASSERT_EQUAL(wire_msg_decode(buf, len, NULL, &d, &err), WIRE_ERR_UNSUPPORTED);
		CU_ASSERT_EQUAL(d.args.declared_len, 1000);
		CU_ASSERT_EQUAL(d.args.argarray_len, 4);
		CU_ASSERT_EQUAL(d.args.argarray[3].op, 9999);
		wire_msg_free(&d);
	}
	free(buf);
	free(ops);
}

/* Every decoded op is one nfs_argop, zeroed and often allocated per op: the union stays near
 * its largest member (EXCHANGE_ID4args), not the 1.3 KB of inline callback_sec_parms4. */
static void test_op_unions_small(void)
{
	CHECK(sizeof(struct nfs_argop) <= 320, "sizeof(struct nfs_argop) %zu > 320",
	      sizeof(struct nfs_argop));
	CHECK(sizeof(struct nfs_resop) <= 320, "sizeof(struct nfs_resop) %zu > 320",
	      sizeof(struct nfs_resop));
}

void tests_register(void)
{
	static const struct test_entry session[] = {
		{"EXCHANGE_ID args: state protection, impl id, owner", test_exchange_id_args},
		{"EXCHANGE_ID resok: state protection, impl id, owner", test_exchange_id_resok},
		{"CREATE_SESSION args: rdma ird, callback security", test_create_session_args},
		{"CREATE_SESSION resok", test_create_session_resok},
		{"BACKCHANNEL_CTL args", test_backchannel_ctl},
		{"SEQUENCE args and resok", test_sequence},
		{"BIND_CONN_TO_SESSION args and resok", test_bind_conn_to_session},
		{"DESTROY_SESSION, DESTROY_CLIENTID, RECLAIM_COMPLETE", test_destroy_and_reclaim},
		{NULL, NULL},
	};
	static const struct test_entry pseudofs[] = {
		{"PUTFH and GETFH, 0 to 128 bytes", test_filehandles},
		{"LOOKUP", test_lookup},
		{"GETATTR args", test_getattr_args},
		{"PUTROOTFH, GETFH, ILLEGAL", test_void_ops},
		{"fattr4 pack, carry, unpack", test_fattr4},
		{"fattr4 unknown attribute", test_fattr4_unknown_attr},
		{NULL, NULL},
	};
	static const struct test_entry compound[] = {
		{"tag and minorversion", test_compound_header},
		{"every op in one COMPOUND", test_compound_all_ops},
		{"error results", test_compound_errors},
		{NULL, NULL},
	};
	static const struct test_entry rpc[] = {
		{"call credentials", test_call_credentials},
		{"calls that are not COMPOUND", test_call_not_compound},
		{"MSG_ACCEPTED replies", test_reply_accepted},
		{"MSG_DENIED replies, every auth_stat", test_reply_denied},
		{"known reply vectors", test_known_vectors},
		{"known COMPOUND call vector", test_known_sequence_call},
		{"known EXCHANGE_ID SP4_SSV vector", test_known_exchange_id_ssv},
		{"known CREATE_SESSION vector", test_known_create_session},
		{NULL, NULL},
	};

	static const struct test_entry out_of_line[] = {
		{"decoded arrays belong to the COMPOUND", test_decoded_arrays_owned},
		{"NULL arrays encode zeroed items", test_null_arrays_encode_zeroed},
		{"the op array grows with the ops decoded", test_op_array_grows},
		{"op unions stay small", test_op_unions_small},
		{NULL, NULL},
	};

	tests_add_suite("session ops", session);
	tests_add_suite("pseudo-root ops", pseudofs);
	tests_add_suite("COMPOUND", compound);
	tests_add_suite("RPC", rpc);
	tests_add_suite("out-of-line arrays", out_of_line);
}
