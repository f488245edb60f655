/*
 * rpcgen_adapter.c - decodes a record with libtirpc and the rpcgen code of
 * nfs41_subset.x, and converts the result into our wire structs.
 *
 * The only translation unit that sees the rpcgen types beside ours: the
 * "dx_"/"DX_" prefix of nfs41_subset.x keeps the three name sets (rpcgen,
 * libtirpc, wire/) apart. Layers: the RPC header (RFC 5531 s9) through
 * libtirpc's xdr_callmsg/xdr_replymsg and xdr_authunix_parms; the COMPOUND
 * (RFC 8881 s16.2) through xdr_dx_COMPOUND4args/res; then one converter per
 * op, or an rpcgen re-encoding for the ops our library keeps raw.
 */
#include "rpcgen_adapter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfs41_subset.h"

struct rx_private {
	struct rpc_msg hdr;
	char cred_body[MAX_AUTH_BYTES]; /* libtirpc decodes opaque_auth bodies here */
	char verf_body[MAX_AUTH_BYTES];
	struct authunix_parms cred_sys; /* libtirpc's parse of an AUTH_SYS credential */
	struct authunix_parms verf_sys; /* ... and of a verifier (unusual, but ours parses it) */
	dx_COMPOUND4args args;
	dx_COMPOUND4res res;
	uint8_t *arena; /* rpcgen re-encodings of raw-kept ops */
	size_t arena_used, arena_cap;
};

/* Where a conversion writes and how it reports failure. */
struct conv {
	struct rx_private *p;
	char *err;
	size_t errlen;
	struct xdr_block **blocks; /* the COMPOUND's out-of-line arrays (nfs4_types.h) */
};

static bool fail(struct conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Zeroed room for n items of an array our structs keep out of line, linked into the COMPOUND's
 * blocks as our decoder does, so wire_msg_free() frees it; NULL for n == 0 or out of memory.
 */
static void *items_alloc(struct conv *c, u_int n, size_t size)
{
	struct xdr_block *b;

	if (n == 0 || !(b = calloc(1, sizeof(*b) + (size_t)n * size)))
		return NULL;
	b->next = *c->blocks;
	*c->blocks = b;
	return b->items;
}

static struct wire_opaque slice(const char *p, u_int len)
{
	return (struct wire_opaque){(const uint8_t *)p, len};
}

/* rpcgen names an opaque<> typedef's members after the typedef. */
#define SLICE(o, type) slice((o).type##_val, (o).type##_len)

/* ---- ops kept raw: rpcgen re-encodes them into the arena --------------- */

typedef bool_t (*raw_codec)(XDR *x, void *obj);

/* Typed wrappers: a call through a mismatched function pointer type is undefined. */
#define RAW_CODEC(type)                                                                        \
	static bool_t raw_##type(XDR *x, void *obj) { return xdr_dx_##type(x, obj); }
RAW_CODEC(CLOSE4args)
RAW_CODEC(CLOSE4res)
RAW_CODEC(CREATE4args)
RAW_CODEC(CREATE4res)
RAW_CODEC(OPEN4args)
RAW_CODEC(OPEN4res)
RAW_CODEC(READDIR4args)
RAW_CODEC(READDIR4res)
RAW_CODEC(RENAME4args)
RAW_CODEC(RENAME4res)
RAW_CODEC(WRITE4args)
RAW_CODEC(WRITE4res)

/*
 * Encode obj with rpcgen into the arena and slice it, dropping the first
 * skip bytes (4 for a result: its nfsstat4 word, leaving the resok arm).
 */
static bool raw_encode(struct conv *c, raw_codec codec, const void *obj, u_int skip,
		       struct wire_opaque *out)
{
	struct rx_private *p = c->p;
	XDR x;
	u_int used;

	xdrmem_create(&x, (char *)p->arena + p->arena_used, (u_int)(p->arena_cap - p->arena_used),
		      XDR_ENCODE);
	if (!codec(&x, (void *)obj)) {
		xdr_destroy(&x);
		return fail(c, "rpcgen re-encoding failed (larger than the %zu-byte record?)",
			    p->arena_cap);
	}
	used = XDR_GETPOS(&x);
	xdr_destroy(&x);
	*out = (struct wire_opaque){p->arena + p->arena_used + skip, used - skip};
	p->arena_used += used;
	return true;
}

/* ---- shared types ------------------------------------------------------- */

static bool bitmap_conv(struct conv *c, const char *what, const dx_bitmap4 *in,
			struct bitmap4 *out)
{
	if (in->dx_bitmap4_len > WIRE_MAX_BITMAP_WORDS)
		return fail(c, "%s: %u words, over our cap %u", what, in->dx_bitmap4_len,
			    WIRE_MAX_BITMAP_WORDS);
	out->count = in->dx_bitmap4_len;
	for (u_int i = 0; i < in->dx_bitmap4_len; i++)
		out->map[i] = in->dx_bitmap4_val[i];
	return true;
}

static bool sp_ops_conv(struct conv *c, const dx_state_protect_ops4 *in,
			struct state_protect_ops4 *out)
{
	return bitmap_conv(c, "spo_must_enforce", &in->spo_must_enforce, &out->spo_must_enforce) &&
	       bitmap_conv(c, "spo_must_allow", &in->spo_must_allow, &out->spo_must_allow);
}

static bool oids_conv(struct conv *c, const char *what, const dx_sec_oid4 *in, u_int n,
		      uint32_t *count, struct wire_opaque **items)
{
	struct wire_opaque *out = NULL;

	if (n > WIRE_MAX_ALGS)
		return fail(c, "%s: %u entries, over our cap %u", what, n, WIRE_MAX_ALGS);
	if (n && !(out = *items = items_alloc(c, n, sizeof(*out))))
		return fail(c, "out of memory");
	*count = n;
	for (u_int i = 0; i < n; i++)
		out[i] = SLICE(in[i], dx_sec_oid4);
	return true;
}

static bool handles_conv(struct conv *c, const dx_gsshandle4_t *in, u_int n, uint32_t *count,
			 struct wire_opaque **items)
{
	struct wire_opaque *out = NULL;

	if (n > WIRE_MAX_GSS_HANDLES)
		return fail(c, "spi_handles: %u entries, over our cap %u", n, WIRE_MAX_GSS_HANDLES);
	if (n && !(out = *items = items_alloc(c, n, sizeof(*out))))
		return fail(c, "out of memory");
	*count = n;
	for (u_int i = 0; i < n; i++)
		out[i] = SLICE(in[i], dx_gsshandle4_t);
	return true;
}

/* nfs_impl_id4 x<1>: RFC 5662's optional value. */
static void impl_id_conv(const dx_nfs_impl_id4 *in, u_int n, bool *present,
			 struct nfs_impl_id4 *out)
{
	*present = n == 1;
	if (!*present)
		return;
	out->nii_domain = SLICE(in->nii_domain, dx_utf8string);
	out->nii_name = SLICE(in->nii_name, dx_utf8string);
	out->nii_date.seconds = in->nii_date.seconds;
	out->nii_date.nseconds = in->nii_date.nseconds;
}

static void channel_attrs_conv(const dx_channel_attrs4 *in, struct channel_attrs4 *out)
{
	out->ca_headerpadsize = in->ca_headerpadsize;
	out->ca_maxrequestsize = in->ca_maxrequestsize;
	out->ca_maxresponsesize = in->ca_maxresponsesize;
	out->ca_maxresponsesize_cached = in->ca_maxresponsesize_cached;
	out->ca_maxoperations = in->ca_maxoperations;
	out->ca_maxrequests = in->ca_maxrequests;
	out->ca_rdma_ird_present = in->ca_rdma_ird.ca_rdma_ird_len == 1;
	if (out->ca_rdma_ird_present)
		out->ca_rdma_ird = in->ca_rdma_ird.ca_rdma_ird_val[0];
}

/* authsys_parms (RFC 5531 appendix A), decoded by rpcgen inside callback_sec_parms4. */
static void authsys_conv(const dx_authsys_parms *in, struct oncrpc_authsys *out)
{
	out->stamp = in->stamp;
	out->machinename = slice(in->machinename, (u_int)strlen(in->machinename));
	out->uid = in->uid;
	out->gid = in->gid;
	out->ngids = in->gids.gids_len; /* gids<16>: rpcgen enforced the bound */
	for (u_int i = 0; i < in->gids.gids_len; i++)
		out->gids[i] = in->gids.gids_val[i];
}

/* callback_sec_parms4<> of CREATE_SESSION and BACKCHANNEL_CTL (RFC 8881 s18.36.1). */
static bool cb_sec_conv(struct conv *c, const dx_callback_sec_parms4 *in, u_int n,
			uint32_t *count, struct callback_sec_parms4 **items)
{
	struct callback_sec_parms4 *out = NULL;

	if (n > WIRE_MAX_CB_SEC)
		return fail(c, "sec_parms: %u entries, over our cap %u", n, WIRE_MAX_CB_SEC);
	if (n && !(out = *items = items_alloc(c, n, sizeof(*out))))
		return fail(c, "out of memory");
	*count = n;
	for (u_int i = 0; i < n; i++) {
		const dx_gss_cb_handles4 *g = &in[i].dx_callback_sec_parms4_u.cbsp_gss_handles;

		out[i].cb_secflavor = in[i].cb_secflavor;
		if (in[i].cb_secflavor == DX_AUTH_SYS)
			authsys_conv(&in[i].dx_callback_sec_parms4_u.cbsp_sys_cred,
				     &out[i].cbsp_sys_cred);
		if (in[i].cb_secflavor == DX_RPCSEC_GSS) {
			out[i].cbsp_gss_handles.gcbp_service = g->gcbp_service;
			out[i].cbsp_gss_handles.gcbp_handle_from_server =
				SLICE(g->gcbp_handle_from_server, dx_gsshandle4_t);
			out[i].cbsp_gss_handles.gcbp_handle_from_client =
				SLICE(g->gcbp_handle_from_client, dx_gsshandle4_t);
		}
	}
	return true;
}

/* ---- session operation arguments (RFC 8881 s18.33 to s18.51) ------------ */

static bool sp4_a_conv(struct conv *c, const dx_state_protect4_a *in, struct state_protect4_a *out)
{
	const dx_ssv_sp_parms4 *ssv = &in->dx_state_protect4_a_u.spa_ssv_parms;
	struct ssv_sp_parms4 *o = &out->spa_ssv_parms;

	out->spa_how = in->spa_how;
	if (in->spa_how == DX_SP4_MACH_CRED)
		return sp_ops_conv(c, &in->dx_state_protect4_a_u.spa_mach_ops, &out->spa_mach_ops);
	if (in->spa_how != DX_SP4_SSV)
		return true;
	o->ssp_window = ssv->ssp_window;
	o->ssp_num_gss_handles = ssv->ssp_num_gss_handles;
	return sp_ops_conv(c, &ssv->ssp_ops, &o->ssp_ops) &&
	       oids_conv(c, "ssp_hash_algs", ssv->ssp_hash_algs.ssp_hash_algs_val,
			 ssv->ssp_hash_algs.ssp_hash_algs_len, &o->ssp_hash_algs_count,
			 &o->ssp_hash_algs) &&
	       oids_conv(c, "ssp_encr_algs", ssv->ssp_encr_algs.ssp_encr_algs_val,
			 ssv->ssp_encr_algs.ssp_encr_algs_len, &o->ssp_encr_algs_count,
			 &o->ssp_encr_algs);
}

static bool exchange_id_args(struct conv *c, const dx_EXCHANGE_ID4args *in,
			     struct EXCHANGE_ID4args *out)
{
	memcpy(out->eia_clientowner.co_verifier, in->eia_clientowner.co_verifier,
	       NFS4_VERIFIER_SIZE);
	out->eia_clientowner.co_ownerid = SLICE(in->eia_clientowner.co_ownerid, co_ownerid);
	out->eia_flags = in->eia_flags;
	impl_id_conv(in->eia_client_impl_id.eia_client_impl_id_val,
		     in->eia_client_impl_id.eia_client_impl_id_len,
		     &out->eia_client_impl_id_present, &out->eia_client_impl_id);
	return sp4_a_conv(c, &in->eia_state_protect, &out->eia_state_protect);
}

static bool create_session_args(struct conv *c, const dx_CREATE_SESSION4args *in,
				struct CREATE_SESSION4args *out)
{
	out->csa_clientid = in->csa_clientid;
	out->csa_sequence = in->csa_sequence;
	out->csa_flags = in->csa_flags;
	channel_attrs_conv(&in->csa_fore_chan_attrs, &out->csa_fore_chan_attrs);
	channel_attrs_conv(&in->csa_back_chan_attrs, &out->csa_back_chan_attrs);
	out->csa_cb_program = in->csa_cb_program;
	return cb_sec_conv(c, in->csa_sec_parms.csa_sec_parms_val,
			   in->csa_sec_parms.csa_sec_parms_len, &out->csa_sec_parms_count,
			   &out->csa_sec_parms);
}

static void sequence_args(const dx_SEQUENCE4args *in, struct SEQUENCE4args *out)
{
	memcpy(out->sa_sessionid, in->sa_sessionid, NFS4_SESSIONID_SIZE);
	out->sa_sequenceid = in->sa_sequenceid;
	out->sa_slotid = in->sa_slotid;
	out->sa_highest_slotid = in->sa_highest_slotid;
	out->sa_cachethis = in->sa_cachethis;
}

static void bind_conn_args(const dx_BIND_CONN_TO_SESSION4args *in,
			   struct BIND_CONN_TO_SESSION4args *out)
{
	memcpy(out->bctsa_sessid, in->bctsa_sessid, NFS4_SESSIONID_SIZE);
	out->bctsa_dir = in->bctsa_dir;
	out->bctsa_use_conn_in_rdma_mode = in->bctsa_use_conn_in_rdma_mode;
}

static bool backchannel_ctl_args(struct conv *c, const dx_BACKCHANNEL_CTL4args *in,
				 struct BACKCHANNEL_CTL4args *out)
{
	out->bca_cb_program = in->bca_cb_program;
	return cb_sec_conv(c, in->bca_sec_parms.bca_sec_parms_val,
			   in->bca_sec_parms.bca_sec_parms_len, &out->bca_sec_parms_count,
			   &out->bca_sec_parms);
}

/* One nfs_argop4: its union arm converted, or re-encoded raw. */
static bool argop_conv(struct conv *c, const dx_nfs_argop4 *in, struct nfs_argop *out)
{
	const __typeof__(in->dx_nfs_argop4_u) *u = &in->dx_nfs_argop4_u;

	out->op = in->argop;
	switch (in->argop) {
	case DX_OP_EXCHANGE_ID:
		return exchange_id_args(c, &u->opexchange_id, &out->u.exchange_id);
	case DX_OP_CREATE_SESSION:
		return create_session_args(c, &u->opcreate_session, &out->u.create_session);
	case DX_OP_DESTROY_SESSION:
		memcpy(out->u.destroy_session.dsa_sessionid, u->opdestroy_session.dsa_sessionid,
		       NFS4_SESSIONID_SIZE);
		return true;
	case DX_OP_SEQUENCE:
		sequence_args(&u->opsequence, &out->u.sequence);
		return true;
	case DX_OP_BIND_CONN_TO_SESSION:
		bind_conn_args(&u->opbind_conn_to_session, &out->u.bind_conn_to_session);
		return true;
	case DX_OP_DESTROY_CLIENTID:
		out->u.destroy_clientid.dca_clientid = u->opdestroy_clientid.dca_clientid;
		return true;
	case DX_OP_RECLAIM_COMPLETE:
		out->u.reclaim_complete.rca_one_fs = u->opreclaim_complete.rca_one_fs;
		return true;
	case DX_OP_BACKCHANNEL_CTL:
		return backchannel_ctl_args(c, &u->opbackchannel_ctl, &out->u.backchannel_ctl);
	case DX_OP_PUTFH:
		out->u.putfh.object = SLICE(u->opputfh.object, dx_nfs_fh4);
		return true;
	case DX_OP_LOOKUP:
		out->u.lookup.objname = SLICE(u->oplookup.objname, dx_utf8string);
		return true;
	case DX_OP_GETATTR:
		return bitmap_conv(c, "attr_request", &u->opgetattr.attr_request,
				   &out->u.getattr.attr_request);
	case DX_OP_GETFH:
	case DX_OP_PUTROOTFH:
	case DX_OP_RESTOREFH:
	case DX_OP_SAVEFH:
	case DX_OP_ILLEGAL:
		return true; /* void arguments */
	case DX_OP_CLOSE:
		return raw_encode(c, raw_CLOSE4args, &u->opclose, 0, &out->u.raw);
	case DX_OP_CREATE:
		return raw_encode(c, raw_CREATE4args, &u->opcreate, 0, &out->u.raw);
	case DX_OP_OPEN:
		return raw_encode(c, raw_OPEN4args, &u->opopen, 0, &out->u.raw);
	case DX_OP_READDIR:
		return raw_encode(c, raw_READDIR4args, &u->opreaddir, 0, &out->u.raw);
	case DX_OP_RENAME:
		return raw_encode(c, raw_RENAME4args, &u->oprename, 0, &out->u.raw);
	case DX_OP_WRITE:
		return raw_encode(c, raw_WRITE4args, &u->opwrite, 0, &out->u.raw);
	}
	return fail(c, "argop %u: rpcgen decoded an op the adapter does not know", in->argop);
}

static bool compound_args_conv(struct conv *c, const dx_COMPOUND4args *in,
			       struct COMPOUND4args *out)
{
	u_int n = in->argarray.argarray_len;

	out->tag = SLICE(in->tag, dx_utf8string);
	out->minorversion = in->minorversion;
	c->blocks = &out->blocks;
	out->argarray = calloc(n ? n : 1, sizeof(*out->argarray));
	if (!out->argarray)
		return fail(c, "out of memory");
	out->argarray_len = out->declared_len = n;
	for (u_int i = 0; i < n; i++)
		if (!argop_conv(c, &in->argarray.argarray_val[i], &out->argarray[i]))
			return false;
	return true;
}

/* ---- session operation results ------------------------------------------ */

static bool sp4_r_conv(struct conv *c, const dx_state_protect4_r *in, struct state_protect4_r *out)
{
	const dx_ssv_prot_info4 *ssv = &in->dx_state_protect4_r_u.spr_ssv_info;
	struct ssv_prot_info4 *o = &out->spr_ssv_info;

	out->spr_how = in->spr_how;
	if (in->spr_how == DX_SP4_MACH_CRED)
		return sp_ops_conv(c, &in->dx_state_protect4_r_u.spr_mach_ops, &out->spr_mach_ops);
	if (in->spr_how != DX_SP4_SSV)
		return true;
	o->spi_hash_alg = ssv->spi_hash_alg;
	o->spi_encr_alg = ssv->spi_encr_alg;
	o->spi_ssv_len = ssv->spi_ssv_len;
	o->spi_window = ssv->spi_window;
	return sp_ops_conv(c, &ssv->spi_ops, &o->spi_ops) &&
	       handles_conv(c, ssv->spi_handles.spi_handles_val, ssv->spi_handles.spi_handles_len,
			    &o->spi_handles_count, &o->spi_handles);
}

static bool exchange_id_resok(struct conv *c, const dx_EXCHANGE_ID4resok *in,
			      struct EXCHANGE_ID4resok *out)
{
	out->eir_clientid = in->eir_clientid;
	out->eir_sequenceid = in->eir_sequenceid;
	out->eir_flags = in->eir_flags;
	out->eir_server_owner.so_minor_id = in->eir_server_owner.so_minor_id;
	out->eir_server_owner.so_major_id = SLICE(in->eir_server_owner.so_major_id, so_major_id);
	out->eir_server_scope = SLICE(in->eir_server_scope, eir_server_scope);
	impl_id_conv(in->eir_server_impl_id.eir_server_impl_id_val,
		     in->eir_server_impl_id.eir_server_impl_id_len,
		     &out->eir_server_impl_id_present, &out->eir_server_impl_id);
	return sp4_r_conv(c, &in->eir_state_protect, &out->eir_state_protect);
}

static void create_session_resok(const dx_CREATE_SESSION4resok *in,
				 struct CREATE_SESSION4resok *out)
{
	memcpy(out->csr_sessionid, in->csr_sessionid, NFS4_SESSIONID_SIZE);
	out->csr_sequence = in->csr_sequence;
	out->csr_flags = in->csr_flags;
	channel_attrs_conv(&in->csr_fore_chan_attrs, &out->csr_fore_chan_attrs);
	channel_attrs_conv(&in->csr_back_chan_attrs, &out->csr_back_chan_attrs);
}

static void sequence_resok(const dx_SEQUENCE4resok *in, struct SEQUENCE4resok *out)
{
	memcpy(out->sr_sessionid, in->sr_sessionid, NFS4_SESSIONID_SIZE);
	out->sr_sequenceid = in->sr_sequenceid;
	out->sr_slotid = in->sr_slotid;
	out->sr_highest_slotid = in->sr_highest_slotid;
	out->sr_target_highest_slotid = in->sr_target_highest_slotid;
	out->sr_status_flags = in->sr_status_flags;
}

static void bind_conn_resok(const dx_BIND_CONN_TO_SESSION4resok *in,
			    struct BIND_CONN_TO_SESSION4resok *out)
{
	memcpy(out->bctsr_sessid, in->bctsr_sessid, NFS4_SESSIONID_SIZE);
	out->bctsr_dir = in->bctsr_dir;
	out->bctsr_use_conn_in_rdma_mode = in->bctsr_use_conn_in_rdma_mode;
}

/*
 * Every nfs_resop4 arm in RFC 5662 begins with its nfsstat4 (as a union
 * discriminant or a struct's only field), so the status sits at the start
 * of whichever arm rpcgen filled.
 */
static uint32_t resop_status(const dx_nfs_resop4 *in)
{
	return (uint32_t)*(const dx_nfsstat4 *)(const void *)&in->dx_nfs_resop4_u;
}

/* The resok arm of an NFS4_OK result (void arms were handled by the caller). */
static bool resok_conv(struct conv *c, const dx_nfs_resop4 *in, struct nfs_resop *out)
{
	const __typeof__(in->dx_nfs_resop4_u) *u = &in->dx_nfs_resop4_u;

	switch (in->resop) {
	case DX_OP_EXCHANGE_ID:
		return exchange_id_resok(c, &u->opexchange_id.dx_EXCHANGE_ID4res_u.eir_resok4,
					 &out->u.exchange_id);
	case DX_OP_CREATE_SESSION:
		create_session_resok(&u->opcreate_session.dx_CREATE_SESSION4res_u.csr_resok4,
				     &out->u.create_session);
		return true;
	case DX_OP_SEQUENCE:
		sequence_resok(&u->opsequence.dx_SEQUENCE4res_u.sr_resok4, &out->u.sequence);
		return true;
	case DX_OP_BIND_CONN_TO_SESSION:
		bind_conn_resok(
			&u->opbind_conn_to_session.dx_BIND_CONN_TO_SESSION4res_u.bctsr_resok4,
			&out->u.bind_conn_to_session);
		return true;
	case DX_OP_GETFH:
		out->u.getfh.object = SLICE(u->opgetfh.dx_GETFH4res_u.resok4.object, dx_nfs_fh4);
		return true;
	case DX_OP_GETATTR: {
		const dx_fattr4 *f = &u->opgetattr.dx_GETATTR4res_u.resok4.obj_attributes;
		struct fattr4 *o = &out->u.getattr.obj_attributes;

		o->attr_vals = SLICE(f->attr_vals, dx_attrlist4);
		return bitmap_conv(c, "attrmask", &f->attrmask, &o->attrmask);
	}
	case DX_OP_CLOSE:
		return raw_encode(c, raw_CLOSE4res, &u->opclose, 4, &out->u.raw);
	case DX_OP_CREATE:
		return raw_encode(c, raw_CREATE4res, &u->opcreate, 4, &out->u.raw);
	case DX_OP_OPEN:
		return raw_encode(c, raw_OPEN4res, &u->opopen, 4, &out->u.raw);
	case DX_OP_READDIR:
		return raw_encode(c, raw_READDIR4res, &u->opreaddir, 4, &out->u.raw);
	case DX_OP_RENAME:
		return raw_encode(c, raw_RENAME4res, &u->oprename, 4, &out->u.raw);
	case DX_OP_WRITE:
		return raw_encode(c, raw_WRITE4res, &u->opwrite, 4, &out->u.raw);
	default:
		return true; /* status-only results */
	}
}

static bool resop_conv(struct conv *c, const dx_nfs_resop4 *in, struct nfs_resop *out)
{
	out->op = in->resop;
	out->status = resop_status(in);
	if (out->status != NFS4_OK)
		return true; /* every result here has a void arm for errors */
	return resok_conv(c, in, out);
}

static bool compound_res_conv(struct conv *c, const dx_COMPOUND4res *in, struct COMPOUND4res *out)
{
	u_int n = in->resarray.resarray_len;

	out->status = in->status;
	out->tag = SLICE(in->tag, dx_utf8string);
	c->blocks = &out->blocks;
	out->resarray = calloc(n ? n : 1, sizeof(*out->resarray));
	if (!out->resarray)
		return fail(c, "out of memory");
	out->resarray_len = out->declared_len = n;
	for (u_int i = 0; i < n; i++)
		if (!resop_conv(c, &in->resarray.resarray_val[i], &out->resarray[i]))
			return false;
	return true;
}

/* ---- the RPC header, by libtirpc (RFC 5531 s9) --------------------------- */

/* An AUTH_SYS body, parsed by libtirpc's own xdr_authunix_parms into s. */
static void authsys_body_parse(struct authunix_parms *s, struct oncrpc_auth *a)
{
	struct oncrpc_authsys *o = &a->u.sys;
	XDR x;

	xdrmem_create(&x, (char *)a->body.data, a->body.len, XDR_DECODE);
	a->body_ok = xdr_authunix_parms(&x, s) && XDR_GETPOS(&x) == a->body.len;
	xdr_destroy(&x);
	if (!a->body_ok)
		return;
	o->stamp = (uint32_t)s->aup_time;
	o->machinename = slice(s->aup_machname, (u_int)strlen(s->aup_machname));
	o->uid = s->aup_uid;
	o->gid = s->aup_gid;
	o->ngids = s->aup_len; /* xdr_authunix_parms bounds it by NGRPS (16) */
	for (u_int i = 0; i < s->aup_len; i++)
		o->gids[i] = s->aup_gids[i];
}

static void auth_conv(const struct opaque_auth *in, struct authunix_parms *sys,
		      struct oncrpc_auth *out)
{
	out->flavor = (uint32_t)in->oa_flavor;
	out->body = slice(in->oa_base, in->oa_length);
	if (out->flavor == ONCRPC_AUTH_NONE)
		out->body_ok = in->oa_length == 0;
	if (out->flavor == ONCRPC_AUTH_SYS)
		authsys_body_parse(sys, out);
}

/* The rest of the record after the header, as wire_msg.body. */
static struct wire_opaque rest(XDR *x, const uint8_t *buf, size_t len)
{
	u_int pos = XDR_GETPOS(x);

	return (struct wire_opaque){buf + pos, (uint32_t)(len - pos)};
}

static bool is_nfs4_compound(const struct oncrpc_call *c)
{
	return c->prog == NFS4_PROGRAM && c->vers == NFS_V4 && c->proc == NFSPROC4_COMPOUND;
}

static bool decode_call(struct conv *c, XDR *x, const uint8_t *buf, size_t len, struct wire_msg *w)
{
	struct rx_private *p = c->p;
	const struct call_body *cb = &p->hdr.rm_call;

	p->hdr.rm_call.cb_cred.oa_base = p->cred_body;
	p->hdr.rm_call.cb_verf.oa_base = p->verf_body;
	if (!xdr_callmsg(x, &p->hdr))
		return fail(c, "libtirpc xdr_callmsg rejected the call header");
	w->xid = p->hdr.rm_xid;
	w->msg_type = ONCRPC_CALL;
	w->call = (struct oncrpc_call){.xid = p->hdr.rm_xid, .rpcvers = cb->cb_rpcvers,
				       .prog = cb->cb_prog, .vers = cb->cb_vers,
				       .proc = cb->cb_proc};
	auth_conv(&cb->cb_cred, &p->cred_sys, &w->call.cred);
	auth_conv(&cb->cb_verf, &p->verf_sys, &w->call.verf);
	w->proc = cb->cb_proc;
	w->body = rest(x, buf, len);
	if (!is_nfs4_compound(&w->call))
		return true; /* NULL: an empty body, checked by the caller */
	w->is_compound = true;
	if (!xdr_dx_COMPOUND4args(x, &p->args))
		return fail(c, "rpcgen xdr_dx_COMPOUND4args failed at or after offset %u",
			    XDR_GETPOS(x));
	return compound_args_conv(c, &p->args, &w->args);
}

static void reply_header_conv(struct rx_private *p, struct oncrpc_reply *r)
{
	const struct rpc_msg *h = &p->hdr;
	const struct accepted_reply *ar = &h->acpted_rply;
	const struct rejected_reply *rj = &h->rjcted_rply;

	r->xid = h->rm_xid;
	r->reply_stat = h->rm_reply.rp_stat;
	if (r->reply_stat == MSG_ACCEPTED) {
		auth_conv(&ar->ar_verf, &p->verf_sys, &r->verf);
		r->accept_stat = ar->ar_stat;
		if (ar->ar_stat == PROG_MISMATCH) {
			r->mismatch_low = ar->ar_vers.low;
			r->mismatch_high = ar->ar_vers.high;
		}
		return;
	}
	r->reject_stat = rj->rj_stat;
	if (rj->rj_stat == AUTH_ERROR) {
		r->auth_stat = rj->rj_why;
	} else {
		r->mismatch_low = rj->rj_vers.low;
		r->mismatch_high = rj->rj_vers.high;
	}
}

/* xdr_replymsg's results procedure: the COMPOUND4res is decoded separately, after it. */
static bool_t results_later(XDR *x, ...)
{
	(void)x;
	return TRUE;
}

static bool decode_reply(struct conv *c, XDR *x, const uint8_t *buf, size_t len,
			 struct wire_msg *w)
{
	struct rx_private *p = c->p;

	p->hdr.acpted_rply.ar_verf.oa_base = p->verf_body;
	p->hdr.acpted_rply.ar_results.where = NULL;
	p->hdr.acpted_rply.ar_results.proc = results_later;
	if (!xdr_replymsg(x, &p->hdr))
		return fail(c, "libtirpc xdr_replymsg rejected the reply header");
	w->xid = p->hdr.rm_xid;
	w->msg_type = ONCRPC_REPLY;
	reply_header_conv(p, &w->reply);
	w->body = rest(x, buf, len);
	/* A reply does not name its procedure: a refusal leaves it unknown, results infer it. */
	w->proc = WIRE_PROC_UNKNOWN;
	if (w->reply.reply_stat != MSG_ACCEPTED || w->reply.accept_stat != SUCCESS)
		return true;
	w->proc = w->body.len == 0 ? NFSPROC4_NULL : NFSPROC4_COMPOUND;
	if (w->proc == NFSPROC4_NULL)
		return true;
	w->is_compound = true;
	if (!xdr_dx_COMPOUND4res(x, &p->res))
		return fail(c, "rpcgen xdr_dx_COMPOUND4res failed at or after offset %u",
			    XDR_GETPOS(x));
	return compound_res_conv(c, &p->res, &w->res);
}

static uint32_t load_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

bool rx_msg_decode(const uint8_t *buf, size_t len, struct rx_msg *m, char *err, size_t errlen)
{
	struct conv c = {.err = err, .errlen = errlen};
	XDR x;
	bool ok;

	memset(m, 0, sizeof(*m));
	c.p = m->priv = calloc(1, sizeof(*m->priv));
	if (!c.p || !(c.p->arena = malloc(len ? len : 1)))
		return fail(&c, "out of memory");
	c.p->arena_cap = len;
	if (len < 8)
		return fail(&c, "%zu bytes: no room for xid and msg_type", len);
	xdrmem_create(&x, (char *)buf, (u_int)len, XDR_DECODE);
	if (load_be32(buf + 4) == CALL)
		ok = decode_call(&c, &x, buf, len, &m->msg);
	else
		ok = decode_reply(&c, &x, buf, len, &m->msg);
	if (ok && XDR_GETPOS(&x) != len)
		ok = fail(&c, "%zu bytes left after offset %u", len - XDR_GETPOS(&x),
			  XDR_GETPOS(&x));
	xdr_destroy(&x);
	return ok;
}

void rx_msg_free(struct rx_msg *m)
{
	struct rx_private *p = m->priv;

	wire_msg_free(&m->msg);
	if (!p)
		return;
	xdr_free((xdrproc_t)xdr_authunix_parms, &p->cred_sys);
	xdr_free((xdrproc_t)xdr_authunix_parms, &p->verf_sys);
	xdr_free((xdrproc_t)xdr_dx_COMPOUND4args, &p->args);
	xdr_free((xdrproc_t)xdr_dx_COMPOUND4res, &p->res);
	free(p->arena);
	free(p);
	m->priv = NULL;
}
