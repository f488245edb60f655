/*
 * nfs4_xdr.c - the op table, the session-lifecycle op codecs and COMPOUND
 * (RFC 5662 XDR for NFSv4.1). Each decoder mirrors its encoder line for line.
 */
#include "nfs4_internal.h"

#include <stdlib.h>
#include <string.h>

#define NO_LIMIT UINT32_MAX /* XDR <> without a bound: only the input limits it */

/* ---- shared types ---------------------------------------------------- */

bool bitmap4_decode(struct xdr_dec *d, const char *field, struct bitmap4 *b)
{
	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_count(d, "count", WIRE_MAX_BITMAP_WORDS, 4, &b->count));
	for (uint32_t i = 0; i < b->count; i++)
		XDR_TRY(xdr_get_u32(d, "word", &b->map[i]));
	xdr_pop(d);
	return true;
}

void bitmap4_encode(struct xdr_enc *e, const struct bitmap4 *b)
{
	uint32_t n = xdr_min_u32(b->count, WIRE_MAX_BITMAP_WORDS);

	xdr_put_u32(e, n);
	for (uint32_t i = 0; i < n; i++)
		xdr_put_u32(e, b->map[i]);
}

bool stateid4_skip(struct xdr_dec *d, const char *field)
{
	uint32_t seqid;
	uint8_t other[NFS4_OTHER_SIZE];

	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_u32(d, "seqid", &seqid));
	XDR_TRY(xdr_get_fixed(d, "other", other, sizeof(other)));
	xdr_pop(d);
	return true;
}

bool fattr4_decode(struct xdr_dec *d, const char *field, struct fattr4 *f)
{
	xdr_push(d, field, -1);
	XDR_TRY(bitmap4_decode(d, "attrmask", &f->attrmask));
	XDR_TRY(xdr_get_opaque(d, "attr_vals", NO_LIMIT, &f->attr_vals));
	xdr_pop(d);
	return true;
}

void fattr4_encode(struct xdr_enc *e, const struct fattr4 *f)
{
	bitmap4_encode(e, &f->attrmask);
	xdr_put_slice(e, f->attr_vals);
}

bool fattr4_skip(struct xdr_dec *d, const char *field)
{
	struct fattr4 f;

	return fattr4_decode(d, field, &f);
}

static bool nfstime4_decode(struct xdr_dec *d, const char *field, struct nfstime4 *t)
{
	uint64_t s;

	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_u64(d, "seconds", &s));
	XDR_TRY(xdr_get_u32(d, "nseconds", &t->nseconds));
	t->seconds = (int64_t)s;
	xdr_pop(d);
	return true;
}

static void nfstime4_encode(struct xdr_enc *e, const struct nfstime4 *t)
{
	xdr_put_u64(e, (uint64_t)t->seconds);
	xdr_put_u32(e, t->nseconds);
}

/* T x<1>: an optional value, RFC 5662's idiom for "present or not". */
static bool optional_decode(struct xdr_dec *d, const char *field, bool *present)
{
	uint32_t n;

	XDR_TRY(xdr_get_count(d, field, 1, 4, &n));
	*present = n == 1;
	return true;
}

static bool impl_id_decode(struct xdr_dec *d, const char *field, bool *present,
			   struct nfs_impl_id4 *id)
{
	XDR_TRY(optional_decode(d, field, present));
	if (!*present)
		return true;
	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_opaque(d, "nii_domain", NO_LIMIT, &id->nii_domain));
	XDR_TRY(xdr_get_opaque(d, "nii_name", NO_LIMIT, &id->nii_name));
	XDR_TRY(nfstime4_decode(d, "nii_date", &id->nii_date));
	xdr_pop(d);
	return true;
}

static void impl_id_encode(struct xdr_enc *e, bool present, const struct nfs_impl_id4 *id)
{
	xdr_put_u32(e, present ? 1 : 0);
	if (!present)
		return;
	xdr_put_slice(e, id->nii_domain);
	xdr_put_slice(e, id->nii_name);
	nfstime4_encode(e, &id->nii_date);
}

static bool sp_ops_decode(struct xdr_dec *d, const char *field, struct state_protect_ops4 *o)
{
	xdr_push(d, field, -1);
	XDR_TRY(bitmap4_decode(d, "spo_must_enforce", &o->spo_must_enforce));
	XDR_TRY(bitmap4_decode(d, "spo_must_allow", &o->spo_must_allow));
	xdr_pop(d);
	return true;
}

static void sp_ops_encode(struct xdr_enc *e, const struct state_protect_ops4 *o)
{
	bitmap4_encode(e, &o->spo_must_enforce);
	bitmap4_encode(e, &o->spo_must_allow);
}

/* An array of opaque<> with an implementation cap (sec_oid4<>, gsshandle4_t<>), out of line. */
static bool opaque_array_decode(struct xdr_dec *d, const char *field, uint32_t cap,
				uint32_t *count, struct wire_opaque **items)
{
	XDR_TRY(xdr_get_count(d, field, cap, 4, count));
	*items = xdr_alloc(d, field, *count, sizeof(**items));
	if (*count && !*items)
		return false;
	for (uint32_t i = 0; i < *count; i++) {
		xdr_push(d, field, (int32_t)i);
		XDR_TRY(xdr_get_opaque(d, NULL, NO_LIMIT, &(*items)[i]));
		xdr_pop(d);
	}
	return true;
}

/* A NULL items array writes count empty opaques (nfs4_types.h: zeroed items). */
static void opaque_array_encode(struct xdr_enc *e, uint32_t count, uint32_t cap,
				const struct wire_opaque *items)
{
	uint32_t n = xdr_min_u32(count, cap);

	xdr_put_u32(e, n);
	for (uint32_t i = 0; i < n; i++)
		xdr_put_slice(e, items ? items[i] : (struct wire_opaque){0});
}

static bool sp_how_check(struct xdr_dec *d, const char *field, uint32_t how)
{
	if (how <= SP4_SSV)
		return true;
	d->pos -= 4;
	return xdr_fail(d, WIRE_ERR_VALUE, field, "unknown state_protect_how4 %u", how);
}

static bool sp4_a_decode(struct xdr_dec *d, struct state_protect4_a *sp)
{
	struct ssv_sp_parms4 *p = &sp->spa_ssv_parms;

	xdr_push(d, "eia_state_protect", -1);
	XDR_TRY(xdr_get_u32(d, "spa_how", &sp->spa_how));
	XDR_TRY(sp_how_check(d, "spa_how", sp->spa_how));
	if (sp->spa_how == SP4_MACH_CRED)
		XDR_TRY(sp_ops_decode(d, "spa_mach_ops", &sp->spa_mach_ops));
	if (sp->spa_how == SP4_SSV) {
		xdr_push(d, "spa_ssv_parms", -1);
		XDR_TRY(sp_ops_decode(d, "ssp_ops", &p->ssp_ops));
		XDR_TRY(opaque_array_decode(d, "ssp_hash_algs", WIRE_MAX_ALGS,
					    &p->ssp_hash_algs_count, &p->ssp_hash_algs));
		XDR_TRY(opaque_array_decode(d, "ssp_encr_algs", WIRE_MAX_ALGS,
					    &p->ssp_encr_algs_count, &p->ssp_encr_algs));
		XDR_TRY(xdr_get_u32(d, "ssp_window", &p->ssp_window));
		XDR_TRY(xdr_get_u32(d, "ssp_num_gss_handles", &p->ssp_num_gss_handles));
		xdr_pop(d);
	}
	xdr_pop(d);
	return true;
}

static void sp4_a_encode(struct xdr_enc *e, const struct state_protect4_a *sp)
{
	const struct ssv_sp_parms4 *p = &sp->spa_ssv_parms;

	xdr_put_u32(e, sp->spa_how);
	if (sp->spa_how == SP4_MACH_CRED)
		sp_ops_encode(e, &sp->spa_mach_ops);
	if (sp->spa_how == SP4_SSV) {
		sp_ops_encode(e, &p->ssp_ops);
		opaque_array_encode(e, p->ssp_hash_algs_count, WIRE_MAX_ALGS, p->ssp_hash_algs);
		opaque_array_encode(e, p->ssp_encr_algs_count, WIRE_MAX_ALGS, p->ssp_encr_algs);
		xdr_put_u32(e, p->ssp_window);
		xdr_put_u32(e, p->ssp_num_gss_handles);
	}
}

static bool sp4_r_decode(struct xdr_dec *d, struct state_protect4_r *sp)
{
	struct ssv_prot_info4 *i = &sp->spr_ssv_info;

	xdr_push(d, "eir_state_protect", -1);
	XDR_TRY(xdr_get_u32(d, "spr_how", &sp->spr_how));
	XDR_TRY(sp_how_check(d, "spr_how", sp->spr_how));
	if (sp->spr_how == SP4_MACH_CRED)
		XDR_TRY(sp_ops_decode(d, "spr_mach_ops", &sp->spr_mach_ops));
	if (sp->spr_how == SP4_SSV) {
		xdr_push(d, "spr_ssv_info", -1);
		XDR_TRY(sp_ops_decode(d, "spi_ops", &i->spi_ops));
		XDR_TRY(xdr_get_u32(d, "spi_hash_alg", &i->spi_hash_alg));
		XDR_TRY(xdr_get_u32(d, "spi_encr_alg", &i->spi_encr_alg));
		XDR_TRY(xdr_get_u32(d, "spi_ssv_len", &i->spi_ssv_len));
		XDR_TRY(xdr_get_u32(d, "spi_window", &i->spi_window));
		XDR_TRY(opaque_array_decode(d, "spi_handles", WIRE_MAX_GSS_HANDLES,
					    &i->spi_handles_count, &i->spi_handles));
		xdr_pop(d);
	}
	xdr_pop(d);
	return true;
}

static void sp4_r_encode(struct xdr_enc *e, const struct state_protect4_r *sp)
{
	const struct ssv_prot_info4 *i = &sp->spr_ssv_info;

	xdr_put_u32(e, sp->spr_how);
	if (sp->spr_how == SP4_MACH_CRED)
		sp_ops_encode(e, &sp->spr_mach_ops);
	if (sp->spr_how == SP4_SSV) {
		sp_ops_encode(e, &i->spi_ops);
		xdr_put_u32(e, i->spi_hash_alg);
		xdr_put_u32(e, i->spi_encr_alg);
		xdr_put_u32(e, i->spi_ssv_len);
		xdr_put_u32(e, i->spi_window);
		opaque_array_encode(e, i->spi_handles_count, WIRE_MAX_GSS_HANDLES, i->spi_handles);
	}
}

static bool channel_attrs_decode(struct xdr_dec *d, const char *field, struct channel_attrs4 *c)
{
	xdr_push(d, field, -1);
	XDR_TRY(xdr_get_u32(d, "ca_headerpadsize", &c->ca_headerpadsize));
	XDR_TRY(xdr_get_u32(d, "ca_maxrequestsize", &c->ca_maxrequestsize));
	XDR_TRY(xdr_get_u32(d, "ca_maxresponsesize", &c->ca_maxresponsesize));
	XDR_TRY(xdr_get_u32(d, "ca_maxresponsesize_cached", &c->ca_maxresponsesize_cached));
	XDR_TRY(xdr_get_u32(d, "ca_maxoperations", &c->ca_maxoperations));
	XDR_TRY(xdr_get_u32(d, "ca_maxrequests", &c->ca_maxrequests));
	XDR_TRY(optional_decode(d, "ca_rdma_ird", &c->ca_rdma_ird_present));
	if (c->ca_rdma_ird_present)
		XDR_TRY(xdr_get_u32(d, "ca_rdma_ird", &c->ca_rdma_ird));
	xdr_pop(d);
	return true;
}

static void channel_attrs_encode(struct xdr_enc *e, const struct channel_attrs4 *c)
{
	xdr_put_u32(e, c->ca_headerpadsize);
	xdr_put_u32(e, c->ca_maxrequestsize);
	xdr_put_u32(e, c->ca_maxresponsesize);
	xdr_put_u32(e, c->ca_maxresponsesize_cached);
	xdr_put_u32(e, c->ca_maxoperations);
	xdr_put_u32(e, c->ca_maxrequests);
	xdr_put_u32(e, c->ca_rdma_ird_present ? 1 : 0);
	if (c->ca_rdma_ird_present)
		xdr_put_u32(e, c->ca_rdma_ird);
}

static bool cb_sec_decode(struct xdr_dec *d, struct callback_sec_parms4 *s)
{
	struct gss_cb_handles4 *g = &s->cbsp_gss_handles;

	XDR_TRY(xdr_get_u32(d, "cb_secflavor", &s->cb_secflavor));
	switch (s->cb_secflavor) {
	case ONCRPC_AUTH_NONE:
		return true;
	case ONCRPC_AUTH_SYS:
		xdr_push(d, "cbsp_sys_cred", -1);
		XDR_TRY(oncrpc_authsys_decode(d, &s->cbsp_sys_cred));
		xdr_pop(d);
		return true;
	case ONCRPC_RPCSEC_GSS:
		xdr_push(d, "cbsp_gss_handles", -1);
		XDR_TRY(xdr_get_u32(d, "gcbp_service", &g->gcbp_service));
		XDR_TRY(xdr_get_opaque(d, "gcbp_handle_from_server", NO_LIMIT,
				       &g->gcbp_handle_from_server));
		XDR_TRY(xdr_get_opaque(d, "gcbp_handle_from_client", NO_LIMIT,
				       &g->gcbp_handle_from_client));
		xdr_pop(d);
		return true;
	default:
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_VALUE, "cb_secflavor",
				"flavor %u is not AUTH_NONE, AUTH_SYS or RPCSEC_GSS",
				s->cb_secflavor);
	}
}

static void cb_sec_encode(struct xdr_enc *e, const struct callback_sec_parms4 *s)
{
	const struct gss_cb_handles4 *g = &s->cbsp_gss_handles;

	xdr_put_u32(e, s->cb_secflavor);
	if (s->cb_secflavor == ONCRPC_AUTH_SYS)
		oncrpc_authsys_put(e, &s->cbsp_sys_cred);
	if (s->cb_secflavor == ONCRPC_RPCSEC_GSS) {
		xdr_put_u32(e, g->gcbp_service);
		xdr_put_slice(e, g->gcbp_handle_from_server);
		xdr_put_slice(e, g->gcbp_handle_from_client);
	}
}

/* callback_sec_parms4<>, out of line: 152 bytes an entry, WIRE_MAX_CB_SEC of them inline would
 * make every op of the nfs_argop union 1.3 KB. */
static bool cb_sec_array_decode(struct xdr_dec *d, const char *field, uint32_t *count,
				struct callback_sec_parms4 **items)
{
	XDR_TRY(xdr_get_count(d, field, WIRE_MAX_CB_SEC, 4, count));
	*items = xdr_alloc(d, field, *count, sizeof(**items));
	if (*count && !*items)
		return false;
	for (uint32_t i = 0; i < *count; i++) {
		xdr_push(d, field, (int32_t)i);
		XDR_TRY(cb_sec_decode(d, &(*items)[i]));
		xdr_pop(d);
	}
	return true;
}

/* A NULL items array writes count AUTH_NONE entries (nfs4_types.h: zeroed items). */
static void cb_sec_array_encode(struct xdr_enc *e, uint32_t count,
				const struct callback_sec_parms4 *items)
{
	static const struct callback_sec_parms4 none = {.cb_secflavor = ONCRPC_AUTH_NONE};
	uint32_t n = xdr_min_u32(count, WIRE_MAX_CB_SEC);

	xdr_put_u32(e, n);
	for (uint32_t i = 0; i < n; i++)
		cb_sec_encode(e, items ? &items[i] : &none);
}

/* ---- EXCHANGE_ID (RFC 8881 s18.35) ------------------------------------ */

static bool exchange_id_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	struct EXCHANGE_ID4args *a = &op->u.exchange_id;

	xdr_push(d, "eia_clientowner", -1);
	XDR_TRY(xdr_get_fixed(d, "co_verifier", a->eia_clientowner.co_verifier,
			      NFS4_VERIFIER_SIZE));
	XDR_TRY(xdr_get_opaque(d, "co_ownerid", NFS4_OPAQUE_LIMIT,
			       &a->eia_clientowner.co_ownerid));
	xdr_pop(d);
	XDR_TRY(xdr_get_u32(d, "eia_flags", &a->eia_flags));
	XDR_TRY(sp4_a_decode(d, &a->eia_state_protect));
	return impl_id_decode(d, "eia_client_impl_id", &a->eia_client_impl_id_present,
			      &a->eia_client_impl_id);
}

static void exchange_id_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	const struct EXCHANGE_ID4args *a = &op->u.exchange_id;

	xdr_put_fixed(e, a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE);
	xdr_put_slice(e, a->eia_clientowner.co_ownerid);
	xdr_put_u32(e, a->eia_flags);
	sp4_a_encode(e, &a->eia_state_protect);
	impl_id_encode(e, a->eia_client_impl_id_present, &a->eia_client_impl_id);
}

static bool exchange_id_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	struct EXCHANGE_ID4resok *r = &op->u.exchange_id;

	XDR_TRY(xdr_get_u64(d, "eir_clientid", &r->eir_clientid));
	XDR_TRY(xdr_get_u32(d, "eir_sequenceid", &r->eir_sequenceid));
	XDR_TRY(xdr_get_u32(d, "eir_flags", &r->eir_flags));
	XDR_TRY(sp4_r_decode(d, &r->eir_state_protect));
	xdr_push(d, "eir_server_owner", -1);
	XDR_TRY(xdr_get_u64(d, "so_minor_id", &r->eir_server_owner.so_minor_id));
	XDR_TRY(xdr_get_opaque(d, "so_major_id", NFS4_OPAQUE_LIMIT,
			       &r->eir_server_owner.so_major_id));
	xdr_pop(d);
	XDR_TRY(xdr_get_opaque(d, "eir_server_scope", NFS4_OPAQUE_LIMIT, &r->eir_server_scope));
	return impl_id_decode(d, "eir_server_impl_id", &r->eir_server_impl_id_present,
			      &r->eir_server_impl_id);
}

static void exchange_id_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	const struct EXCHANGE_ID4resok *r = &op->u.exchange_id;

	xdr_put_u64(e, r->eir_clientid);
	xdr_put_u32(e, r->eir_sequenceid);
	xdr_put_u32(e, r->eir_flags);
	sp4_r_encode(e, &r->eir_state_protect);
	xdr_put_u64(e, r->eir_server_owner.so_minor_id);
	xdr_put_slice(e, r->eir_server_owner.so_major_id);
	xdr_put_slice(e, r->eir_server_scope);
	impl_id_encode(e, r->eir_server_impl_id_present, &r->eir_server_impl_id);
}

/* ---- CREATE_SESSION (RFC 8881 s18.36) --------------------------------- */

static bool create_session_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	struct CREATE_SESSION4args *a = &op->u.create_session;

	XDR_TRY(xdr_get_u64(d, "csa_clientid", &a->csa_clientid));
	XDR_TRY(xdr_get_u32(d, "csa_sequence", &a->csa_sequence));
	XDR_TRY(xdr_get_u32(d, "csa_flags", &a->csa_flags));
	XDR_TRY(channel_attrs_decode(d, "csa_fore_chan_attrs", &a->csa_fore_chan_attrs));
	XDR_TRY(channel_attrs_decode(d, "csa_back_chan_attrs", &a->csa_back_chan_attrs));
	XDR_TRY(xdr_get_u32(d, "csa_cb_program", &a->csa_cb_program));
	return cb_sec_array_decode(d, "csa_sec_parms", &a->csa_sec_parms_count, &a->csa_sec_parms);
}

static void create_session_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	const struct CREATE_SESSION4args *a = &op->u.create_session;

	xdr_put_u64(e, a->csa_clientid);
	xdr_put_u32(e, a->csa_sequence);
	xdr_put_u32(e, a->csa_flags);
	channel_attrs_encode(e, &a->csa_fore_chan_attrs);
	channel_attrs_encode(e, &a->csa_back_chan_attrs);
	xdr_put_u32(e, a->csa_cb_program);
	cb_sec_array_encode(e, a->csa_sec_parms_count, a->csa_sec_parms);
}

static bool create_session_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	struct CREATE_SESSION4resok *r = &op->u.create_session;

	XDR_TRY(xdr_get_fixed(d, "csr_sessionid", r->csr_sessionid, NFS4_SESSIONID_SIZE));
	XDR_TRY(xdr_get_u32(d, "csr_sequence", &r->csr_sequence));
	XDR_TRY(xdr_get_u32(d, "csr_flags", &r->csr_flags));
	XDR_TRY(channel_attrs_decode(d, "csr_fore_chan_attrs", &r->csr_fore_chan_attrs));
	return channel_attrs_decode(d, "csr_back_chan_attrs", &r->csr_back_chan_attrs);
}

static void create_session_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	const struct CREATE_SESSION4resok *r = &op->u.create_session;

	xdr_put_fixed(e, r->csr_sessionid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(e, r->csr_sequence);
	xdr_put_u32(e, r->csr_flags);
	channel_attrs_encode(e, &r->csr_fore_chan_attrs);
	channel_attrs_encode(e, &r->csr_back_chan_attrs);
}

/* ---- DESTROY_SESSION, SEQUENCE, BIND_CONN_TO_SESSION ------------------ */

static bool destroy_session_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return xdr_get_fixed(d, "dsa_sessionid", op->u.destroy_session.dsa_sessionid,
			     NFS4_SESSIONID_SIZE);
}

static void destroy_session_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_fixed(e, op->u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE);
}

static bool sequence_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	struct SEQUENCE4args *a = &op->u.sequence;

	XDR_TRY(xdr_get_fixed(d, "sa_sessionid", a->sa_sessionid, NFS4_SESSIONID_SIZE));
	XDR_TRY(xdr_get_u32(d, "sa_sequenceid", &a->sa_sequenceid));
	XDR_TRY(xdr_get_u32(d, "sa_slotid", &a->sa_slotid));
	XDR_TRY(xdr_get_u32(d, "sa_highest_slotid", &a->sa_highest_slotid));
	return xdr_get_bool(d, "sa_cachethis", &a->sa_cachethis);
}

static void sequence_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	const struct SEQUENCE4args *a = &op->u.sequence;

	xdr_put_fixed(e, a->sa_sessionid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(e, a->sa_sequenceid);
	xdr_put_u32(e, a->sa_slotid);
	xdr_put_u32(e, a->sa_highest_slotid);
	xdr_put_bool(e, a->sa_cachethis);
}

static bool sequence_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	struct SEQUENCE4resok *r = &op->u.sequence;

	XDR_TRY(xdr_get_fixed(d, "sr_sessionid", r->sr_sessionid, NFS4_SESSIONID_SIZE));
	XDR_TRY(xdr_get_u32(d, "sr_sequenceid", &r->sr_sequenceid));
	XDR_TRY(xdr_get_u32(d, "sr_slotid", &r->sr_slotid));
	XDR_TRY(xdr_get_u32(d, "sr_highest_slotid", &r->sr_highest_slotid));
	XDR_TRY(xdr_get_u32(d, "sr_target_highest_slotid", &r->sr_target_highest_slotid));
	return xdr_get_u32(d, "sr_status_flags", &r->sr_status_flags);
}

static void sequence_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	const struct SEQUENCE4resok *r = &op->u.sequence;

	xdr_put_fixed(e, r->sr_sessionid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(e, r->sr_sequenceid);
	xdr_put_u32(e, r->sr_slotid);
	xdr_put_u32(e, r->sr_highest_slotid);
	xdr_put_u32(e, r->sr_target_highest_slotid);
	xdr_put_u32(e, r->sr_status_flags);
}

static bool bind_conn_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	struct BIND_CONN_TO_SESSION4args *a = &op->u.bind_conn_to_session;

	XDR_TRY(xdr_get_fixed(d, "bctsa_sessid", a->bctsa_sessid, NFS4_SESSIONID_SIZE));
	XDR_TRY(xdr_get_u32(d, "bctsa_dir", &a->bctsa_dir));
	return xdr_get_bool(d, "bctsa_use_conn_in_rdma_mode", &a->bctsa_use_conn_in_rdma_mode);
}

static void bind_conn_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	const struct BIND_CONN_TO_SESSION4args *a = &op->u.bind_conn_to_session;

	xdr_put_fixed(e, a->bctsa_sessid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(e, a->bctsa_dir);
	xdr_put_bool(e, a->bctsa_use_conn_in_rdma_mode);
}

static bool bind_conn_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	struct BIND_CONN_TO_SESSION4resok *r = &op->u.bind_conn_to_session;

	XDR_TRY(xdr_get_fixed(d, "bctsr_sessid", r->bctsr_sessid, NFS4_SESSIONID_SIZE));
	XDR_TRY(xdr_get_u32(d, "bctsr_dir", &r->bctsr_dir));
	return xdr_get_bool(d, "bctsr_use_conn_in_rdma_mode", &r->bctsr_use_conn_in_rdma_mode);
}

static void bind_conn_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	const struct BIND_CONN_TO_SESSION4resok *r = &op->u.bind_conn_to_session;

	xdr_put_fixed(e, r->bctsr_sessid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(e, r->bctsr_dir);
	xdr_put_bool(e, r->bctsr_use_conn_in_rdma_mode);
}

/* ---- DESTROY_CLIENTID, RECLAIM_COMPLETE, BACKCHANNEL_CTL -------------- */

static bool destroy_clientid_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return xdr_get_u64(d, "dca_clientid", &op->u.destroy_clientid.dca_clientid);
}

static void destroy_clientid_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_u64(e, op->u.destroy_clientid.dca_clientid);
}

static bool reclaim_complete_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return xdr_get_bool(d, "rca_one_fs", &op->u.reclaim_complete.rca_one_fs);
}

static void reclaim_complete_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_bool(e, op->u.reclaim_complete.rca_one_fs);
}

static bool backchannel_ctl_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	struct BACKCHANNEL_CTL4args *a = &op->u.backchannel_ctl;

	XDR_TRY(xdr_get_u32(d, "bca_cb_program", &a->bca_cb_program));
	return cb_sec_array_decode(d, "bca_sec_parms", &a->bca_sec_parms_count, &a->bca_sec_parms);
}

static void backchannel_ctl_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	const struct BACKCHANNEL_CTL4args *a = &op->u.backchannel_ctl;

	xdr_put_u32(e, a->bca_cb_program);
	cb_sec_array_encode(e, a->bca_sec_parms_count, a->bca_sec_parms);
}

/* ---- pseudo-root: PUTFH, GETFH, LOOKUP, GETATTR ----------------------- */

static bool putfh_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return xdr_get_opaque(d, "object", NFS4_FHSIZE, &op->u.putfh.object);
}

static void putfh_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_slice(e, op->u.putfh.object);
}

static bool getfh_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	return xdr_get_opaque(d, "object", NFS4_FHSIZE, &op->u.getfh.object);
}

static void getfh_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	xdr_put_slice(e, op->u.getfh.object);
}

static bool lookup_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return xdr_get_opaque(d, "objname", NO_LIMIT, &op->u.lookup.objname);
}

static void lookup_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_slice(e, op->u.lookup.objname);
}

static bool getattr_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	return bitmap4_decode(d, "attr_request", &op->u.getattr.attr_request);
}

static void getattr_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	bitmap4_encode(e, &op->u.getattr.attr_request);
}

static bool getattr_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	return fattr4_decode(d, "obj_attributes", &op->u.getattr.obj_attributes);
}

static void getattr_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	fattr4_encode(e, &op->u.getattr.obj_attributes);
}

/* ---- ops with void arguments or results ------------------------------- */

static bool void_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	(void)d;
	(void)op;
	return true;
}

static void void_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	(void)e;
	(void)op;
}

/* ---- ops kept raw: validated by nfs4_fileops.c, stored as a slice ----- */

static bool raw_dec_args(struct xdr_dec *d, struct nfs_argop *op)
{
	size_t start = d->pos;

	XDR_TRY(fileop_args_skip(d, op->op));
	op->u.raw = (struct wire_opaque){d->buf + start, (uint32_t)(d->pos - start)};
	return true;
}

static void raw_enc_args(struct xdr_enc *e, const struct nfs_argop *op)
{
	xdr_put_raw(e, op->u.raw.data, op->u.raw.len);
}

static bool raw_dec_resok(struct xdr_dec *d, struct nfs_resop *op)
{
	size_t start = d->pos;

	XDR_TRY(fileop_resok_skip(d, op->op));
	op->u.raw = (struct wire_opaque){d->buf + start, (uint32_t)(d->pos - start)};
	return true;
}

static void raw_enc_resok(struct xdr_enc *e, const struct nfs_resop *op)
{
	xdr_put_raw(e, op->u.raw.data, op->u.raw.len);
}

/* ---- the op table ------------------------------------------------------ */

/* Token pasting builds the codec names; the arguments cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define SESSION_OP(num, nm, fl, a, r)                                                          \
	[num] = {.op = num, .name = nm, .flags = fl, .dec_args = a##_dec_args,                 \
		 .enc_args = a##_enc_args, .dec_resok = r##_dec_resok, .enc_resok = r##_enc_resok, \
		 .print_args = print_##a##_args, .print_resok = print_##r##_resok}
#define ARGS_ONLY_OP(num, nm, fl, a)                                                           \
	[num] = {.op = num, .name = nm, .flags = fl, .dec_args = a##_dec_args,                 \
		 .enc_args = a##_enc_args, .print_args = print_##a##_args}
#define VOID_OP(num, nm, fl)                                                                   \
	[num] = {.op = num, .name = nm, .flags = fl, .dec_args = void_dec_args,                \
		 .enc_args = void_enc_args}
#define RAW_OP(num, nm)                                                                        \
	[num] = {.op = num, .name = nm, .flags = NFS4_OPF_RAW, .dec_args = raw_dec_args,       \
		 .enc_args = raw_enc_args, .dec_resok = raw_dec_resok,                         \
		 .enc_resok = raw_enc_resok, .print_args = print_raw_args,                     \
		 .print_resok = print_raw_resok}
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct nfs4_op_desc op_table[] = {
	RAW_OP(OP_ACCESS, "ACCESS"),
	RAW_OP(OP_CLOSE, "CLOSE"),
	RAW_OP(OP_COMMIT, "COMMIT"),
	RAW_OP(OP_CREATE, "CREATE"),
	RAW_OP(OP_DELEGRETURN, "DELEGRETURN"),
	{.op = OP_GETATTR, .name = "GETATTR", .flags = NFS4_OPF_PSEUDOFS,
	 .dec_args = getattr_dec_args, .enc_args = getattr_enc_args,
	 .dec_resok = getattr_dec_resok, .enc_resok = getattr_enc_resok,
	 .print_args = print_getattr_args, .print_resok = print_getattr_resok},
	{.op = OP_GETFH, .name = "GETFH", .flags = NFS4_OPF_PSEUDOFS, .dec_args = void_dec_args,
	 .enc_args = void_enc_args, .dec_resok = getfh_dec_resok, .enc_resok = getfh_enc_resok,
	 .print_resok = print_getfh_resok},
	RAW_OP(OP_LINK, "LINK"),
	RAW_OP(OP_LOCKU, "LOCKU"),
	ARGS_ONLY_OP(OP_LOOKUP, "LOOKUP", NFS4_OPF_PSEUDOFS, lookup),
	VOID_OP(OP_LOOKUPP, "LOOKUPP", NFS4_OPF_PSEUDOFS),
	RAW_OP(OP_OPEN, "OPEN"),
	RAW_OP(OP_OPEN_DOWNGRADE, "OPEN_DOWNGRADE"),
	ARGS_ONLY_OP(OP_PUTFH, "PUTFH", NFS4_OPF_PSEUDOFS, putfh),
	VOID_OP(OP_PUTPUBFH, "PUTPUBFH", NFS4_OPF_PSEUDOFS),
	VOID_OP(OP_PUTROOTFH, "PUTROOTFH", NFS4_OPF_PSEUDOFS),
	RAW_OP(OP_READ, "READ"),
	RAW_OP(OP_READDIR, "READDIR"),
	RAW_OP(OP_READLINK, "READLINK"),
	RAW_OP(OP_REMOVE, "REMOVE"),
	RAW_OP(OP_RENAME, "RENAME"),
	VOID_OP(OP_RESTOREFH, "RESTOREFH", NFS4_OPF_PSEUDOFS),
	VOID_OP(OP_SAVEFH, "SAVEFH", NFS4_OPF_PSEUDOFS),
	RAW_OP(OP_SECINFO, "SECINFO"),
	/* SETATTR4res is a struct, not a union: attrsset follows every status. */
	[OP_SETATTR] = {.op = OP_SETATTR, .name = "SETATTR",
			.flags = NFS4_OPF_RAW | NFS4_OPF_RES_ALWAYS, .dec_args = raw_dec_args,
			.enc_args = raw_enc_args, .dec_resok = raw_dec_resok,
			.enc_resok = raw_enc_resok, .print_args = print_raw_args,
			.print_resok = print_raw_resok},
	RAW_OP(OP_WRITE, "WRITE"),
	ARGS_ONLY_OP(OP_BACKCHANNEL_CTL, "BACKCHANNEL_CTL", 0, backchannel_ctl),
	SESSION_OP(OP_BIND_CONN_TO_SESSION, "BIND_CONN_TO_SESSION", NFS4_OPF_SESSIONLESS,
		   bind_conn, bind_conn),
	SESSION_OP(OP_EXCHANGE_ID, "EXCHANGE_ID", NFS4_OPF_SESSIONLESS, exchange_id,
		   exchange_id),
	SESSION_OP(OP_CREATE_SESSION, "CREATE_SESSION", NFS4_OPF_SESSIONLESS, create_session,
		   create_session),
	ARGS_ONLY_OP(OP_DESTROY_SESSION, "DESTROY_SESSION", NFS4_OPF_SESSIONLESS,
		     destroy_session),
	RAW_OP(OP_FREE_STATEID, "FREE_STATEID"),
	RAW_OP(OP_SECINFO_NO_NAME, "SECINFO_NO_NAME"),
	SESSION_OP(OP_SEQUENCE, "SEQUENCE", 0, sequence, sequence),
	RAW_OP(OP_TEST_STATEID, "TEST_STATEID"),
	ARGS_ONLY_OP(OP_DESTROY_CLIENTID, "DESTROY_CLIENTID", NFS4_OPF_SESSIONLESS,
		     destroy_clientid),
	ARGS_ONLY_OP(OP_RECLAIM_COMPLETE, "RECLAIM_COMPLETE", 0, reclaim_complete),
};

/* OP_ILLEGAL (10044) lives outside the dense table: void arguments, status-only result. */
static const struct nfs4_op_desc illegal_desc = {
	.op = OP_ILLEGAL, .name = "ILLEGAL", .dec_args = void_dec_args, .enc_args = void_enc_args,
};

/*
 * NFSv4.0-only ops (RFC 8881 s16.2.3, CMP-18): known by number, arguments not parsed (a 4.1
 * server answers NOTSUPP). Their results decode, so a client sees that answer: RENEW,
 * SETCLIENTID_CONFIRM and RELEASE_LOCKOWNER return a status only (RFC 7530 s16).
 */
static const struct nfs4_op_desc minor0_descs[] = {
	{.op = OP_OPEN_CONFIRM, .name = "OPEN_CONFIRM", .flags = NFS4_OPF_MINOR0_ONLY,
	 .dec_resok = raw_dec_resok, .enc_resok = raw_enc_resok, .print_resok = print_raw_resok},
	{.op = OP_RENEW, .name = "RENEW", .flags = NFS4_OPF_MINOR0_ONLY},
	{.op = OP_SETCLIENTID, .name = "SETCLIENTID", .flags = NFS4_OPF_MINOR0_ONLY,
	 .dec_resok = raw_dec_resok, .enc_resok = raw_enc_resok, .print_resok = print_raw_resok},
	{.op = OP_SETCLIENTID_CONFIRM, .name = "SETCLIENTID_CONFIRM", .flags = NFS4_OPF_MINOR0_ONLY},
	{.op = OP_RELEASE_LOCKOWNER, .name = "RELEASE_LOCKOWNER", .flags = NFS4_OPF_MINOR0_ONLY},
};

const struct nfs4_op_desc *nfs4_op_desc(uint32_t op)
{
	if (op == OP_ILLEGAL)
		return &illegal_desc;
	if (op < sizeof(op_table) / sizeof(op_table[0]) && op_table[op].name)
		return &op_table[op];
	for (size_t i = 0; i < sizeof(minor0_descs) / sizeof(minor0_descs[0]); i++)
		if (minor0_descs[i].op == op)
			return &minor0_descs[i];
	return NULL;
}

/* ---- one op ------------------------------------------------------------- */

static const char *op_label(uint32_t op)
{
	const char *name = nfs4_op_name(op);

	return name ? name : "op";
}

bool nfs4_argop_decode(struct xdr_dec *d, struct nfs_argop *a)
{
	const struct nfs4_op_desc *desc;

	memset(a, 0, sizeof(*a));
	XDR_TRY(xdr_get_u32(d, "argop", &a->op));
	desc = nfs4_op_desc(a->op);
	if (!desc || !desc->dec_args) {
		a->undecoded = true;
		if (!nfs4_op_name(a->op)) {
			d->pos -= 4; /* the error is the argop word itself */
			return xdr_fail(d, WIRE_ERR_UNSUPPORTED, "argop", "unknown operation %u",
					a->op);
		}
		return xdr_fail(d, WIRE_ERR_UNSUPPORTED, op_label(a->op),
				"arguments of operation %u are not parsed by this library", a->op);
	}
	xdr_push(d, desc->name, -1);
	if (!desc->dec_args(d, a)) {
		a->undecoded = true;
		return false;
	}
	xdr_pop(d);
	return true;
}

void nfs4_argop_encode(struct xdr_enc *e, const struct nfs_argop *a)
{
	const struct nfs4_op_desc *desc = nfs4_op_desc(a->op);

	xdr_put_u32(e, a->op);
	if (a->undecoded) /* arguments given as raw XDR (or none: decoding stopped here) */
		xdr_put_raw(e, a->u.raw.data, a->u.raw.len);
	else if (desc && desc->enc_args)
		desc->enc_args(e, a);
}

static bool has_result_body(const struct nfs4_op_desc *desc, uint32_t status)
{
	return desc->dec_resok && (status == NFS4_OK || (desc->flags & NFS4_OPF_RES_ALWAYS));
}

bool nfs4_resop_decode(struct xdr_dec *d, struct nfs_resop *r)
{
	const struct nfs4_op_desc *desc;

	memset(r, 0, sizeof(*r));
	XDR_TRY(xdr_get_u32(d, "resop", &r->op));
	desc = nfs4_op_desc(r->op);
	if (!desc) {
		r->undecoded = true;
		return xdr_fail(d, WIRE_ERR_UNSUPPORTED, op_label(r->op),
				"results of operation %u are not parsed", r->op);
	}
	xdr_push(d, desc->name, -1);
	XDR_TRY(xdr_get_u32(d, "status", &r->status));
	/* Every op here but SETATTR has a void arm for every error status. */
	if (has_result_body(desc, r->status) && !desc->dec_resok(d, r)) {
		r->undecoded = true;
		return false;
	}
	xdr_pop(d);
	return true;
}

void nfs4_resop_encode(struct xdr_enc *e, const struct nfs_resop *r)
{
	const struct nfs4_op_desc *desc = nfs4_op_desc(r->op);

	xdr_put_u32(e, r->op);
	xdr_put_u32(e, r->status);
	if (desc && has_result_body(desc, r->status) && !r->undecoded)
		desc->enc_resok(e, r);
}

/* ---- COMPOUND (RFC 8881 s16.2) ------------------------------------------ */

static uint32_t effective_max_ops(uint32_t max_ops)
{
	return max_ops ? max_ops : WIRE_MAX_OPS_DEFAULT;
}

/*
 * The op array grows with the ops that decode, from OPS_FIRST, doubling, up to the declared
 * count. Allocating the declared count at once let 4 bytes of input per op (all a count check
 * can ask) cost sizeof(op) per op, though decoding usually stops at the first bad op.
 */
#define OPS_FIRST 8u

/* Room for op number used (used == *cap: grown); NULL with the error when memory is short. */
static void *ops_room(struct xdr_dec *d, void *ops, uint32_t used, uint32_t *cap, uint32_t declared,
		      size_t size)
{
	uint32_t n;
	void *p;

	if (ops && used < *cap)
		return ops;
	n = ops ? (uint32_t)(2ull * *cap < declared ? 2ull * *cap : declared)
		: xdr_min_u32(OPS_FIRST, declared);
	if (n == 0)
		n = 1; /* an empty COMPOUND still has an array */
	p = ops ? realloc(ops, (size_t)n * size) : calloc(n, size);
	if (!p) {
		xdr_fail(d, WIRE_ERR_NOMEM, NULL, "cannot allocate %u operations", n);
		return NULL;
	}
	*cap = n;
	return p;
}

/* The ops, each zeroed by nfs4_argop_decode; a->argarray_len counts the one that failed. */
static bool argarray_decode(struct xdr_dec *d, struct COMPOUND4args *a)
{
	uint32_t cap = 0;
	struct nfs_argop *ops;

	if (!(a->argarray = ops_room(d, NULL, 0, &cap, a->declared_len, sizeof(*a->argarray))))
		return false;
	for (uint32_t i = 0; i < a->declared_len; i++) {
		bool ok;

		if (!(ops = ops_room(d, a->argarray, i, &cap, a->declared_len, sizeof(*ops))))
			return false;
		a->argarray = ops;
		xdr_push(d, "argarray", (int32_t)i);
		ok = nfs4_argop_decode(d, &a->argarray[i]);
		a->argarray_len = i + 1;
		if (!ok)
			return false;
		xdr_pop(d);
	}
	return true;
}

bool nfs4_compound_args_decode(struct xdr_dec *d, uint32_t max_ops, struct COMPOUND4args *a)
{
	struct xdr_block **outer = d->blocks;
	bool ok;

	memset(a, 0, sizeof(*a));
	xdr_push(d, "COMPOUND4args", -1);
	XDR_TRY(xdr_get_opaque(d, "tag", NO_LIMIT, &a->tag));
	XDR_TRY(xdr_get_u32(d, "minorversion", &a->minorversion));
	XDR_TRY(xdr_get_count(d, "argarray", effective_max_ops(max_ops), 4, &a->declared_len));
	xdr_pop(d);
	d->blocks = &a->blocks; /* the ops' out-of-line arrays belong to this COMPOUND */
	ok = argarray_decode(d, a);
	d->blocks = outer;
	return ok;
}

void nfs4_compound_args_encode(struct xdr_enc *e, const struct COMPOUND4args *a)
{
	xdr_put_slice(e, a->tag);
	xdr_put_u32(e, a->minorversion);
	xdr_put_u32(e, a->argarray_len);
	for (uint32_t i = 0; i < a->argarray_len; i++)
		nfs4_argop_encode(e, &a->argarray[i]);
}

static bool resarray_decode(struct xdr_dec *d, struct COMPOUND4res *r)
{
	uint32_t cap = 0;
	struct nfs_resop *ops;

	if (!(r->resarray = ops_room(d, NULL, 0, &cap, r->declared_len, sizeof(*r->resarray))))
		return false;
	for (uint32_t i = 0; i < r->declared_len; i++) {
		bool ok;

		if (!(ops = ops_room(d, r->resarray, i, &cap, r->declared_len, sizeof(*ops))))
			return false;
		r->resarray = ops;
		xdr_push(d, "resarray", (int32_t)i);
		ok = nfs4_resop_decode(d, &r->resarray[i]);
		r->resarray_len = i + 1;
		if (!ok)
			return false;
		xdr_pop(d);
	}
	return true;
}

bool nfs4_compound_res_decode(struct xdr_dec *d, uint32_t max_ops, struct COMPOUND4res *r)
{
	struct xdr_block **outer = d->blocks;
	bool ok;

	memset(r, 0, sizeof(*r));
	xdr_push(d, "COMPOUND4res", -1);
	XDR_TRY(xdr_get_u32(d, "status", &r->status));
	XDR_TRY(xdr_get_opaque(d, "tag", NO_LIMIT, &r->tag));
	/* Each result holds at least resop and status: 8 bytes. */
	XDR_TRY(xdr_get_count(d, "resarray", effective_max_ops(max_ops), 8, &r->declared_len));
	xdr_pop(d);
	d->blocks = &r->blocks;
	ok = resarray_decode(d, r);
	d->blocks = outer;
	return ok;
}

void nfs4_compound_res_encode(struct xdr_enc *e, const struct COMPOUND4res *r)
{
	xdr_put_u32(e, r->status);
	xdr_put_slice(e, r->tag);
	xdr_put_u32(e, r->resarray_len);
	for (uint32_t i = 0; i < r->resarray_len; i++)
		nfs4_resop_encode(e, &r->resarray[i]);
}

void nfs4_compound_args_free(struct COMPOUND4args *a)
{
	free(a->argarray);
	a->argarray = NULL;
	a->argarray_len = 0;
	xdr_blocks_free(&a->blocks);
}

void nfs4_compound_res_free(struct COMPOUND4res *r)
{
	free(r->resarray);
	r->resarray = NULL;
	r->resarray_len = 0;
	xdr_blocks_free(&r->blocks);
}
