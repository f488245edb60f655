/*
 * nfs4_print.c - the detailed per-op printers the op table points at.
 *
 * One field per line, RFC 5662 names, indented under the op. Opaque data
 * prints as hex (sessionids, verifiers, handles) or as a quoted string when
 * the XDR type is a string (owner ids, names, tags).
 */
#include "nfs4_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#define INDENT "      "
#define MAX_HEX_BYTES 64u

static void field(FILE *out, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field(FILE *out, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, INDENT "%s ", name);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static void hex(FILE *out, const uint8_t *p, uint32_t n)
{
	uint32_t shown = xdr_min_u32(n, MAX_HEX_BYTES);

	if (n == 0)
		fputs("(empty)", out);
	for (uint32_t i = 0; i < shown; i++)
		fprintf(out, "%02x", p[i]);
	if (shown < n)
		fprintf(out, "... (%u bytes)", n);
}

static void hex_field(FILE *out, const char *name, const uint8_t *p, uint32_t n)
{
	fprintf(out, INDENT "%s ", name);
	hex(out, p, n);
	fputc('\n', out);
}

/* A string-typed opaque: quoted, non-printable bytes escaped. */
static void str_field(FILE *out, const char *name, struct wire_opaque s)
{
	fprintf(out, INDENT "%s \"", name);
	for (uint32_t i = 0; i < s.len && i < 256; i++) {
		uint8_t c = s.data[i];
		if (isprint(c) && c != '"' && c != '\\')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputs(s.len > 256 ? "\"...\n" : "\"\n", out);
}

static void flags_field(FILE *out, const char *name, const struct nfs4_named *tbl, uint32_t v)
{
	char buf[512];

	field(out, name, "0x%08x %s", v, nfs4_flags_format(tbl, v, buf, sizeof(buf)));
}

static void bitmap_field(FILE *out, const char *name, const struct bitmap4 *b)
{
	fprintf(out, INDENT "%s {", name);
	for (uint32_t i = 0; i < b->count; i++)
		fprintf(out, "%s0x%08x", i ? ", " : "", b->map[i]);
	fputs("}\n", out);
}

static void impl_id_field(FILE *out, const char *name, bool present,
			  const struct nfs_impl_id4 *id)
{
	if (!present) {
		field(out, name, "(absent)");
		return;
	}
	fprintf(out, INDENT "%s\n", name);
	str_field(out, "  nii_domain", id->nii_domain);
	str_field(out, "  nii_name", id->nii_name);
	field(out, "  nii_date", "%" PRId64 ".%09u", id->nii_date.seconds, id->nii_date.nseconds);
}

static const char *sp_how_name(uint32_t how)
{
	static const char *const names[] = {"SP4_NONE", "SP4_MACH_CRED", "SP4_SSV"};

	return how < 3 ? names[how] : "SP4_?";
}

static void channel_field(FILE *out, const char *name, const struct channel_attrs4 *c)
{
	fprintf(out, INDENT "%s\n", name);
	field(out, "  ca_headerpadsize", "%u", c->ca_headerpadsize);
	field(out, "  ca_maxrequestsize", "%u", c->ca_maxrequestsize);
	field(out, "  ca_maxresponsesize", "%u", c->ca_maxresponsesize);
	field(out, "  ca_maxresponsesize_cached", "%u", c->ca_maxresponsesize_cached);
	field(out, "  ca_maxoperations", "%u", c->ca_maxoperations);
	field(out, "  ca_maxrequests", "%u", c->ca_maxrequests);
	if (c->ca_rdma_ird_present)
		field(out, "  ca_rdma_ird", "%u", c->ca_rdma_ird);
	else
		field(out, "  ca_rdma_ird", "(absent)");
}

/* A NULL array stands for n AUTH_NONE entries, as the encoder writes it (nfs4_types.h). */
static void cb_sec_fields(FILE *out, const char *name, uint32_t n,
			  const struct callback_sec_parms4 *p)
{
	static const struct callback_sec_parms4 none = {.cb_secflavor = ONCRPC_AUTH_NONE};

	field(out, name, "%u entries", n);
	for (uint32_t i = 0; i < n && i < WIRE_MAX_CB_SEC; i++) {
		const struct callback_sec_parms4 *e = p ? &p[i] : &none;
		const struct oncrpc_authsys *s = &e->cbsp_sys_cred;
		fprintf(out, INDENT "  [%u] %s", i, oncrpc_flavor_name(e->cb_secflavor));
		if (e->cb_secflavor == ONCRPC_AUTH_SYS)
			fprintf(out, " uid %u gid %u, %u gids", s->uid, s->gid, s->ngids);
		if (e->cb_secflavor == ONCRPC_RPCSEC_GSS)
			fprintf(out, " service %u", e->cbsp_gss_handles.gcbp_service);
		fputc('\n', out);
	}
}

void print_exchange_id_args(FILE *out, const struct nfs_argop *op)
{
	const struct EXCHANGE_ID4args *a = &op->u.exchange_id;

	hex_field(out, "co_verifier", a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE);
	str_field(out, "co_ownerid", a->eia_clientowner.co_ownerid);
	flags_field(out, "eia_flags", nfs4_exchgid_flags, a->eia_flags);
	field(out, "spa_how", "%s", sp_how_name(a->eia_state_protect.spa_how));
	impl_id_field(out, "eia_client_impl_id", a->eia_client_impl_id_present,
		      &a->eia_client_impl_id);
}

void print_exchange_id_resok(FILE *out, const struct nfs_resop *op)
{
	const struct EXCHANGE_ID4resok *r = &op->u.exchange_id;

	field(out, "eir_clientid", "0x%016" PRIx64, r->eir_clientid);
	field(out, "eir_sequenceid", "%u", r->eir_sequenceid);
	flags_field(out, "eir_flags", nfs4_exchgid_flags, r->eir_flags);
	field(out, "spr_how", "%s", sp_how_name(r->eir_state_protect.spr_how));
	field(out, "so_minor_id", "%" PRIu64, r->eir_server_owner.so_minor_id);
	str_field(out, "so_major_id", r->eir_server_owner.so_major_id);
	str_field(out, "eir_server_scope", r->eir_server_scope);
	impl_id_field(out, "eir_server_impl_id", r->eir_server_impl_id_present,
		      &r->eir_server_impl_id);
}

void print_create_session_args(FILE *out, const struct nfs_argop *op)
{
	const struct CREATE_SESSION4args *a = &op->u.create_session;

	field(out, "csa_clientid", "0x%016" PRIx64, a->csa_clientid);
	field(out, "csa_sequence", "%u", a->csa_sequence);
	flags_field(out, "csa_flags", nfs4_create_session_flags, a->csa_flags);
	channel_field(out, "csa_fore_chan_attrs", &a->csa_fore_chan_attrs);
	channel_field(out, "csa_back_chan_attrs", &a->csa_back_chan_attrs);
	field(out, "csa_cb_program", "0x%08x", a->csa_cb_program);
	cb_sec_fields(out, "csa_sec_parms", a->csa_sec_parms_count, a->csa_sec_parms);
}

void print_create_session_resok(FILE *out, const struct nfs_resop *op)
{
	const struct CREATE_SESSION4resok *r = &op->u.create_session;

	hex_field(out, "csr_sessionid", r->csr_sessionid, NFS4_SESSIONID_SIZE);
	field(out, "csr_sequence", "%u", r->csr_sequence);
	flags_field(out, "csr_flags", nfs4_create_session_flags, r->csr_flags);
	channel_field(out, "csr_fore_chan_attrs", &r->csr_fore_chan_attrs);
	channel_field(out, "csr_back_chan_attrs", &r->csr_back_chan_attrs);
}

void print_destroy_session_args(FILE *out, const struct nfs_argop *op)
{
	hex_field(out, "dsa_sessionid", op->u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE);
}

void print_sequence_args(FILE *out, const struct nfs_argop *op)
{
	const struct SEQUENCE4args *a = &op->u.sequence;

	hex_field(out, "sa_sessionid", a->sa_sessionid, NFS4_SESSIONID_SIZE);
	field(out, "sa_sequenceid", "%u", a->sa_sequenceid);
	field(out, "sa_slotid", "%u", a->sa_slotid);
	field(out, "sa_highest_slotid", "%u", a->sa_highest_slotid);
	field(out, "sa_cachethis", "%s", a->sa_cachethis ? "TRUE" : "FALSE");
}

void print_sequence_resok(FILE *out, const struct nfs_resop *op)
{
	const struct SEQUENCE4resok *r = &op->u.sequence;

	hex_field(out, "sr_sessionid", r->sr_sessionid, NFS4_SESSIONID_SIZE);
	field(out, "sr_sequenceid", "%u", r->sr_sequenceid);
	field(out, "sr_slotid", "%u", r->sr_slotid);
	field(out, "sr_highest_slotid", "%u", r->sr_highest_slotid);
	field(out, "sr_target_highest_slotid", "%u", r->sr_target_highest_slotid);
	flags_field(out, "sr_status_flags", nfs4_seq_status_flags, r->sr_status_flags);
}

static const char *enum_name(uint32_t v, const char *prefix)
{
	for (const struct nfs4_named *n = nfs4_enum_values; n->name; n++)
		if (n->value == v && strncmp(n->name, prefix, strlen(prefix)) == 0)
			return n->name;
	return "?";
}

void print_bind_conn_args(FILE *out, const struct nfs_argop *op)
{
	const struct BIND_CONN_TO_SESSION4args *a = &op->u.bind_conn_to_session;

	hex_field(out, "bctsa_sessid", a->bctsa_sessid, NFS4_SESSIONID_SIZE);
	field(out, "bctsa_dir", "%s (%u)", enum_name(a->bctsa_dir, "CDFC4_"), a->bctsa_dir);
	field(out, "bctsa_use_conn_in_rdma_mode", "%s",
	      a->bctsa_use_conn_in_rdma_mode ? "TRUE" : "FALSE");
}

void print_bind_conn_resok(FILE *out, const struct nfs_resop *op)
{
	const struct BIND_CONN_TO_SESSION4resok *r = &op->u.bind_conn_to_session;

	hex_field(out, "bctsr_sessid", r->bctsr_sessid, NFS4_SESSIONID_SIZE);
	field(out, "bctsr_dir", "%s (%u)", enum_name(r->bctsr_dir, "CDFS4_"), r->bctsr_dir);
	field(out, "bctsr_use_conn_in_rdma_mode", "%s",
	      r->bctsr_use_conn_in_rdma_mode ? "TRUE" : "FALSE");
}

void print_destroy_clientid_args(FILE *out, const struct nfs_argop *op)
{
	field(out, "dca_clientid", "0x%016" PRIx64, op->u.destroy_clientid.dca_clientid);
}

void print_reclaim_complete_args(FILE *out, const struct nfs_argop *op)
{
	field(out, "rca_one_fs", "%s", op->u.reclaim_complete.rca_one_fs ? "TRUE" : "FALSE");
}

void print_backchannel_ctl_args(FILE *out, const struct nfs_argop *op)
{
	const struct BACKCHANNEL_CTL4args *a = &op->u.backchannel_ctl;

	field(out, "bca_cb_program", "0x%08x", a->bca_cb_program);
	cb_sec_fields(out, "bca_sec_parms", a->bca_sec_parms_count, a->bca_sec_parms);
}

void print_putfh_args(FILE *out, const struct nfs_argop *op)
{
	hex_field(out, "object", op->u.putfh.object.data, op->u.putfh.object.len);
}

void print_getfh_resok(FILE *out, const struct nfs_resop *op)
{
	hex_field(out, "object", op->u.getfh.object.data, op->u.getfh.object.len);
}

void print_lookup_args(FILE *out, const struct nfs_argop *op)
{
	str_field(out, "objname", op->u.lookup.objname);
}

void print_getattr_args(FILE *out, const struct nfs_argop *op)
{
	bitmap_field(out, "attr_request", &op->u.getattr.attr_request);
}

static void attrs_fields(FILE *out, const struct nfs4_attrs *a)
{
	const struct bitmap4 *h = &a->has;

	if (bitmap4_isset(h, FATTR4_SUPPORTED_ATTRS))
		bitmap_field(out, "  supported_attrs", &a->supported_attrs);
	if (bitmap4_isset(h, FATTR4_TYPE))
		field(out, "  type", "%s (%u)", enum_name(a->type, "NF4"), a->type);
	if (bitmap4_isset(h, FATTR4_FH_EXPIRE_TYPE))
		field(out, "  fh_expire_type", "0x%x", a->fh_expire_type);
	if (bitmap4_isset(h, FATTR4_CHANGE))
		field(out, "  change", "%" PRIu64, a->change);
	if (bitmap4_isset(h, FATTR4_SIZE))
		field(out, "  size", "%" PRIu64, a->size);
	if (bitmap4_isset(h, FATTR4_FSID))
		field(out, "  fsid", "%" PRIu64 ".%" PRIu64, a->fsid_major, a->fsid_minor);
	if (bitmap4_isset(h, FATTR4_LEASE_TIME))
		field(out, "  lease_time", "%u", a->lease_time);
	if (bitmap4_isset(h, FATTR4_RDATTR_ERROR))
		field(out, "  rdattr_error", "%s", nfs4_status_name(a->rdattr_error));
	if (bitmap4_isset(h, FATTR4_FILEHANDLE))
		hex_field(out, "  filehandle", a->filehandle.data, a->filehandle.len);
	if (bitmap4_isset(h, FATTR4_FILEID))
		field(out, "  fileid", "%" PRIu64, a->fileid);
	if (bitmap4_isset(h, FATTR4_MODE))
		field(out, "  mode", "0%o", a->mode);
	if (bitmap4_isset(h, FATTR4_NUMLINKS))
		field(out, "  numlinks", "%u", a->numlinks);
}

void print_getattr_resok(FILE *out, const struct nfs_resop *op)
{
	const struct fattr4 *f = &op->u.getattr.obj_attributes;
	struct nfs4_attrs attrs;
	struct wire_error err;

	bitmap_field(out, "attrmask", &f->attrmask);
	field(out, "attr_vals", "%u bytes", f->attr_vals.len);
	if (fattr4_unpack(f, 0, &attrs, &err)) {
		attrs_fields(out, &attrs);
	} else {
		char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		field(out, "  (not unpacked:", "%s)", wire_error_format(&err, msg, sizeof(msg)));
	}
}

void print_raw_args(FILE *out, const struct nfs_argop *op)
{
	hex_field(out, "args (XDR)", op->u.raw.data, op->u.raw.len);
}

void print_raw_resok(FILE *out, const struct nfs_resop *op)
{
	hex_field(out, "resok (XDR)", op->u.raw.data, op->u.raw.len);
}
