/*
 * nfs4_fileops.c - validators for ops outside the session lifecycle (RFC 5662).
 *
 * Real traffic mixes file ops into session COMPOUNDs. These functions walk
 * an op's arguments or resok arm to its exact end, checking every length,
 * discriminant and padding, so the caller can keep the bytes as a slice and
 * go on to the next op. Nothing here is stored: only the shape is checked;
 * nfs4_open_args_peek() walks OPEN's arguments the same way and reports the
 * few fields a server decides OPEN's first errors on.
 */
#include "nfs4_internal.h"

#define NO_LIMIT UINT32_MAX

static bool u32(struct xdr_dec *d, const char *field)
{
	uint32_t v;

	return xdr_get_u32(d, field, &v);
}

static bool u64(struct xdr_dec *d, const char *field)
{
	uint64_t v;

	return xdr_get_u64(d, field, &v);
}

static bool boolean(struct xdr_dec *d, const char *field)
{
	bool v;

	return xdr_get_bool(d, field, &v);
}

static bool verifier(struct xdr_dec *d, const char *field)
{
	uint8_t v[NFS4_VERIFIER_SIZE];

	return xdr_get_fixed(d, field, v, sizeof(v));
}

static bool component(struct xdr_dec *d, const char *field)
{
	return xdr_skip_opaque(d, field, NO_LIMIT);
}

static bool bitmap(struct xdr_dec *d, const char *field)
{
	struct bitmap4 b;

	return bitmap4_decode(d, field, &b);
}

/* change_info4: atomic, before, after. */
static bool change_info(struct xdr_dec *d, const char *field)
{
	xdr_push(d, field, -1);
	XDR_TRY(boolean(d, "atomic"));
	XDR_TRY(u64(d, "before"));
	XDR_TRY(u64(d, "after"));
	xdr_pop(d);
	return true;
}

static bool bad_arm(struct xdr_dec *d, const char *field, const char *type, uint32_t v)
{
	d->pos -= 4;
	return xdr_fail(d, WIRE_ERR_VALUE, field, "unknown %s %u", type, v);
}

/* createtype4: the object type, with link text or device numbers where due. */
static bool createtype(struct xdr_dec *d)
{
	uint32_t type;

	XDR_TRY(xdr_get_u32(d, "objtype", &type));
	switch (type) {
	case NF4LNK:
		return xdr_skip_opaque(d, "linkdata", NO_LIMIT);
	case NF4BLK:
	case NF4CHR:
		XDR_TRY(u32(d, "specdata1"));
		return u32(d, "specdata2");
	default: /* NF4SOCK, NF4FIFO, NF4DIR and the rest: void */
		return true;
	}
}

/* openflag4: OPEN4_CREATE (1) carries createhow4. *mode is UINT32_MAX without one. */
static bool openflag(struct xdr_dec *d, uint32_t *opentype, uint32_t *mode)
{
	*mode = UINT32_MAX;
	XDR_TRY(xdr_get_u32(d, "opentype", opentype));
	if (*opentype == 0) /* OPEN4_NOCREATE */
		return true;
	if (*opentype != 1)
		return bad_arm(d, "opentype", "opentype4", *opentype);
	XDR_TRY(xdr_get_u32(d, "createmode", mode));
	switch (*mode) {
	case 0: /* UNCHECKED4 */
	case 1: /* GUARDED4 */
		return fattr4_skip(d, "createattrs");
	case 2: /* EXCLUSIVE4 */
		return verifier(d, "createverf");
	case 3: /* EXCLUSIVE4_1 */
		XDR_TRY(verifier(d, "cva_verf"));
		return fattr4_skip(d, "cva_attrs");
	default:
		return bad_arm(d, "createmode", "createmode4", *mode);
	}
}

/* open_claim4: the claim type, and the component name of the arms that carry one. */
static bool open_claim(struct xdr_dec *d, uint32_t *claim, struct wire_opaque *file)
{
	*file = (struct wire_opaque){NULL, 0};
	XDR_TRY(xdr_get_u32(d, "claim", claim));
	switch (*claim) {
	case 0: /* CLAIM_NULL */
	case 3: /* CLAIM_DELEGATE_PREV */
		return xdr_get_opaque(d, "file", NO_LIMIT, file);
	case 1: /* CLAIM_PREVIOUS */
		return u32(d, "delegate_type");
	case 2: /* CLAIM_DELEGATE_CUR */
		XDR_TRY(stateid4_skip(d, "delegate_stateid"));
		return xdr_get_opaque(d, "file", NO_LIMIT, file);
	case 4: /* CLAIM_FH */
	case 6: /* CLAIM_DELEG_PREV_FH */
		return true;
	case 5: /* CLAIM_DELEG_CUR_FH (RFC 5662: = 5, carries the delegation stateid) */
		return stateid4_skip(d, "oc_delegate_stateid");
	default:
		return bad_arm(d, "claim", "open_claim_type4", *claim);
	}
}

/* OPEN4args, reporting the fields a server's first decisions need. */
static bool open_fields(struct xdr_dec *d, uint32_t *share_access, uint32_t *opentype,
			uint32_t *createmode, uint32_t *claim, struct wire_opaque *file)
{
	XDR_TRY(u32(d, "seqid"));
	XDR_TRY(xdr_get_u32(d, "share_access", share_access));
	XDR_TRY(u32(d, "share_deny"));
	xdr_push(d, "owner", -1);
	XDR_TRY(u64(d, "clientid"));
	XDR_TRY(xdr_skip_opaque(d, "owner", NFS4_OPAQUE_LIMIT));
	xdr_pop(d);
	XDR_TRY(openflag(d, opentype, createmode));
	return open_claim(d, claim, file);
}

static bool open_args(struct xdr_dec *d)
{
	uint32_t share_access, opentype, createmode, claim;
	struct wire_opaque file;

	return open_fields(d, &share_access, &opentype, &createmode, &claim, &file);
}

bool nfs4_open_args_peek(const struct wire_opaque *raw, uint32_t *share_access, uint32_t *opentype,
			 uint32_t *createmode, uint32_t *claim, struct wire_opaque *file,
			 struct wire_error *err)
{
	struct xdr_dec d;

	/* Lenient like the COMPOUND decoder that kept the slice; only the length must match. */
	xdr_dec_init(&d, raw->data, raw->len, 0);
	xdr_push(&d, "OPEN", -1);
	if (open_fields(&d, share_access, opentype, createmode, claim, file) &&
	    xdr_remaining(&d) != 0)
		xdr_fail(&d, WIRE_ERR_TRAILING, NULL, "%zu bytes after OPEN4args",
			 xdr_remaining(&d));
	*err = d.error;
	return xdr_ok(&d);
}

/* nfsace4: type, flag, access mask, who. */
static bool nfsace(struct xdr_dec *d, const char *field)
{
	xdr_push(d, field, -1);
	XDR_TRY(u32(d, "type"));
	XDR_TRY(u32(d, "flag"));
	XDR_TRY(u32(d, "access_mask"));
	XDR_TRY(xdr_skip_opaque(d, "who", NO_LIMIT));
	xdr_pop(d);
	return true;
}

static bool space_limit(struct xdr_dec *d)
{
	uint32_t limitby;

	XDR_TRY(xdr_get_u32(d, "limitby", &limitby));
	if (limitby == 1) /* NFS_LIMIT_SIZE */
		return u64(d, "filesize");
	if (limitby == 2) { /* NFS_LIMIT_BLOCKS */
		XDR_TRY(u32(d, "num_blocks"));
		return u32(d, "bytes_per_block");
	}
	return bad_arm(d, "limitby", "limit_by4", limitby);
}

static bool open_delegation(struct xdr_dec *d)
{
	uint32_t type, why;

	xdr_push(d, "delegation", -1);
	XDR_TRY(xdr_get_u32(d, "delegation_type", &type));
	switch (type) {
	case 0: /* OPEN_DELEGATE_NONE */
		break;
	case 1: /* OPEN_DELEGATE_READ */
	case 2: /* OPEN_DELEGATE_WRITE */
		XDR_TRY(stateid4_skip(d, "stateid"));
		XDR_TRY(boolean(d, "recall"));
		if (type == 2)
			XDR_TRY(space_limit(d));
		XDR_TRY(nfsace(d, "permissions"));
		break;
	case 3: /* OPEN_DELEGATE_NONE_EXT: why_no_delegation4 */
		XDR_TRY(xdr_get_u32(d, "ond_why", &why));
		if (why == 1 || why == 2) /* WND4_CONTENTION, WND4_RESOURCE */
			XDR_TRY(boolean(d, "ond_server_will_push_deleg"));
		break;
	default:
		return bad_arm(d, "delegation_type", "open_delegation_type4", type);
	}
	xdr_pop(d);
	return true;
}

/* dirlist4: a linked list of entry4 as XDR optional-data, then eof. */
static bool dirlist(struct xdr_dec *d)
{
	bool more;
	int32_t i = 0;

	XDR_TRY(xdr_get_bool(d, "entries", &more));
	while (more) {
		xdr_push(d, "entries", i++);
		XDR_TRY(u64(d, "cookie"));
		XDR_TRY(component(d, "name"));
		XDR_TRY(fattr4_skip(d, "attrs"));
		XDR_TRY(xdr_get_bool(d, "nextentry", &more));
		xdr_pop(d);
	}
	return boolean(d, "eof");
}

/* secinfo4<>: flavor, and for RPCSEC_GSS the mechanism. */
static bool secinfo_list(struct xdr_dec *d)
{
	uint32_t n, flavor;

	XDR_TRY(xdr_get_count(d, "secinfo", NO_LIMIT, 4, &n));
	for (uint32_t i = 0; i < n; i++) {
		xdr_push(d, "secinfo", (int32_t)i);
		XDR_TRY(xdr_get_u32(d, "flavor", &flavor));
		if (flavor == ONCRPC_RPCSEC_GSS) {
			XDR_TRY(xdr_skip_opaque(d, "oid", NO_LIMIT));
			XDR_TRY(u32(d, "qop"));
			XDR_TRY(u32(d, "service"));
		}
		xdr_pop(d);
	}
	return true;
}

static bool stateid_list(struct xdr_dec *d, const char *field)
{
	uint32_t n;

	XDR_TRY(xdr_get_count(d, field, NO_LIMIT, 16, &n));
	for (uint32_t i = 0; i < n; i++)
		XDR_TRY(stateid4_skip(d, field));
	return true;
}

static bool u32_list(struct xdr_dec *d, const char *field)
{
	uint32_t n;

	XDR_TRY(xdr_get_count(d, field, NO_LIMIT, 4, &n));
	for (uint32_t i = 0; i < n; i++)
		XDR_TRY(u32(d, field));
	return true;
}

bool fileop_args_skip(struct xdr_dec *d, uint32_t op)
{
	switch (op) {
	case OP_ACCESS:
		return u32(d, "access");
	case OP_CLOSE:
		XDR_TRY(u32(d, "seqid"));
		return stateid4_skip(d, "open_stateid");
	case OP_COMMIT:
		XDR_TRY(u64(d, "offset"));
		return u32(d, "count");
	case OP_CREATE:
		XDR_TRY(createtype(d));
		XDR_TRY(component(d, "objname"));
		return fattr4_skip(d, "createattrs");
	case OP_DELEGRETURN:
	case OP_FREE_STATEID:
		return stateid4_skip(d, "stateid");
	case OP_LINK:
		return component(d, "newname");
	case OP_LOCKU:
		XDR_TRY(u32(d, "locktype"));
		XDR_TRY(u32(d, "seqid"));
		XDR_TRY(stateid4_skip(d, "lock_stateid"));
		XDR_TRY(u64(d, "offset"));
		return u64(d, "length");
	case OP_OPEN:
		return open_args(d);
	case OP_OPEN_DOWNGRADE:
		XDR_TRY(stateid4_skip(d, "open_stateid"));
		XDR_TRY(u32(d, "seqid"));
		XDR_TRY(u32(d, "share_access"));
		return u32(d, "share_deny");
	case OP_READ:
		XDR_TRY(stateid4_skip(d, "stateid"));
		XDR_TRY(u64(d, "offset"));
		return u32(d, "count");
	case OP_READDIR:
		XDR_TRY(u64(d, "cookie"));
		XDR_TRY(verifier(d, "cookieverf"));
		XDR_TRY(u32(d, "dircount"));
		XDR_TRY(u32(d, "maxcount"));
		return bitmap(d, "attr_request");
	case OP_READLINK:
		return true;
	case OP_REMOVE:
		return component(d, "target");
	case OP_RENAME:
		XDR_TRY(component(d, "oldname"));
		return component(d, "newname");
	case OP_SECINFO:
		return component(d, "name");
	case OP_SECINFO_NO_NAME:
		return u32(d, "style");
	case OP_SETATTR:
		XDR_TRY(stateid4_skip(d, "stateid"));
		return fattr4_skip(d, "obj_attributes");
	case OP_TEST_STATEID:
		return stateid_list(d, "ts_stateids");
	case OP_WRITE:
		XDR_TRY(stateid4_skip(d, "stateid"));
		XDR_TRY(u64(d, "offset"));
		XDR_TRY(u32(d, "stable"));
		return xdr_skip_opaque(d, "data", NO_LIMIT);
	default:
		return xdr_fail(d, WIRE_ERR_UNSUPPORTED, NULL, "no validator for operation %u", op);
	}
}

bool fileop_resok_skip(struct xdr_dec *d, uint32_t op)
{
	switch (op) {
	case OP_ACCESS:
		XDR_TRY(u32(d, "supported"));
		return u32(d, "access");
	case OP_CLOSE:
	case OP_LOCKU:
	case OP_OPEN_DOWNGRADE:
	case OP_OPEN_CONFIRM:
		return stateid4_skip(d, "stateid");
	case OP_SETCLIENTID: /* SETCLIENTID4resok: clientid, setclientid_confirm (RFC 7530) */
		XDR_TRY(u64(d, "clientid"));
		return verifier(d, "setclientid_confirm");
	case OP_COMMIT:
		return verifier(d, "writeverf");
	case OP_CREATE:
		XDR_TRY(change_info(d, "cinfo"));
		return bitmap(d, "attrset");
	case OP_DELEGRETURN:
	case OP_FREE_STATEID:
		return true;
	case OP_LINK:
	case OP_REMOVE:
		return change_info(d, "cinfo");
	case OP_OPEN:
		XDR_TRY(stateid4_skip(d, "stateid"));
		XDR_TRY(change_info(d, "cinfo"));
		XDR_TRY(u32(d, "rflags"));
		XDR_TRY(bitmap(d, "attrset"));
		return open_delegation(d);
	case OP_READ:
		XDR_TRY(boolean(d, "eof"));
		return xdr_skip_opaque(d, "data", NO_LIMIT);
	case OP_READDIR:
		XDR_TRY(verifier(d, "cookieverf"));
		return dirlist(d);
	case OP_READLINK:
		return xdr_skip_opaque(d, "link", NO_LIMIT);
	case OP_RENAME:
		XDR_TRY(change_info(d, "source_cinfo"));
		return change_info(d, "target_cinfo");
	case OP_SECINFO:
	case OP_SECINFO_NO_NAME:
		return secinfo_list(d);
	case OP_SETATTR:
		return bitmap(d, "attrsset");
	case OP_TEST_STATEID:
		return u32_list(d, "tsr_status_codes");
	case OP_WRITE:
		XDR_TRY(u32(d, "count"));
		XDR_TRY(u32(d, "committed"));
		return verifier(d, "writeverf");
	default:
		return xdr_fail(d, WIRE_ERR_UNSUPPORTED, NULL, "no validator for operation %u", op);
	}
}
