/*
 * nfs4_attr.c - fattr4 attr_vals for the attributes the session tool needs
 * (RFC 8881 s5.6 REQUIRED attributes, plus lease_time, fileid, mode, numlinks).
 *
 * Values are packed in attribute-number order with no per-attribute length,
 * so unpacking stops at the first attribute whose type is unknown here.
 */
#include "nfs4_internal.h"

#include <string.h>

static bool attr_decode(struct xdr_dec *d, uint32_t bit, struct nfs4_attrs *a)
{
	switch (bit) {
	case FATTR4_SUPPORTED_ATTRS:
		return bitmap4_decode(d, "supported_attrs", &a->supported_attrs);
	case FATTR4_TYPE:
		return xdr_get_u32(d, "type", &a->type);
	case FATTR4_FH_EXPIRE_TYPE:
		return xdr_get_u32(d, "fh_expire_type", &a->fh_expire_type);
	case FATTR4_CHANGE:
		return xdr_get_u64(d, "change", &a->change);
	case FATTR4_SIZE:
		return xdr_get_u64(d, "size", &a->size);
	case FATTR4_LINK_SUPPORT:
		return xdr_get_bool(d, "link_support", &a->link_support);
	case FATTR4_SYMLINK_SUPPORT:
		return xdr_get_bool(d, "symlink_support", &a->symlink_support);
	case FATTR4_NAMED_ATTR:
		return xdr_get_bool(d, "named_attr", &a->named_attr);
	case FATTR4_FSID:
		XDR_TRY(xdr_get_u64(d, "fsid.major", &a->fsid_major));
		return xdr_get_u64(d, "fsid.minor", &a->fsid_minor);
	case FATTR4_UNIQUE_HANDLES:
		return xdr_get_bool(d, "unique_handles", &a->unique_handles);
	case FATTR4_LEASE_TIME:
		return xdr_get_u32(d, "lease_time", &a->lease_time);
	case FATTR4_RDATTR_ERROR:
		return xdr_get_u32(d, "rdattr_error", &a->rdattr_error);
	case FATTR4_FILEHANDLE:
		return xdr_get_opaque(d, "filehandle", NFS4_FHSIZE, &a->filehandle);
	case FATTR4_FILEID:
		return xdr_get_u64(d, "fileid", &a->fileid);
	case FATTR4_MODE:
		return xdr_get_u32(d, "mode", &a->mode);
	case FATTR4_NUMLINKS:
		return xdr_get_u32(d, "numlinks", &a->numlinks);
	case FATTR4_SUPPATTR_EXCLCREAT:
		return bitmap4_decode(d, "suppattr_exclcreat", &a->suppattr_exclcreat);
	default:
		return xdr_fail(d, WIRE_ERR_UNSUPPORTED, NULL,
				"attribute %u is not understood by this library", bit);
	}
}

bool fattr4_unpack(const struct fattr4 *f, unsigned flags, struct nfs4_attrs *out,
		   struct wire_error *err)
{
	struct xdr_dec d;

	memset(out, 0, sizeof(*out));
	xdr_dec_init(&d, f->attr_vals.data, f->attr_vals.len, flags);
	xdr_push(&d, "attr_vals", -1);
	for (uint32_t bit = 0; bit < f->attrmask.count * 32; bit++) {
		if (!bitmap4_isset(&f->attrmask, bit))
			continue;
		if (!attr_decode(&d, bit, out)) {
			*err = d.error;
			return false;
		}
		bitmap4_set(&out->has, bit);
	}
	xdr_pop(&d);
	if (!xdr_expect_end(&d)) {
		*err = d.error;
		return false;
	}
	return true;
}

static void attr_encode(struct xdr_enc *e, uint32_t bit, const struct nfs4_attrs *a)
{
	switch (bit) {
	case FATTR4_SUPPORTED_ATTRS: bitmap4_encode(e, &a->supported_attrs); break;
	case FATTR4_TYPE: xdr_put_u32(e, a->type); break;
	case FATTR4_FH_EXPIRE_TYPE: xdr_put_u32(e, a->fh_expire_type); break;
	case FATTR4_CHANGE: xdr_put_u64(e, a->change); break;
	case FATTR4_SIZE: xdr_put_u64(e, a->size); break;
	case FATTR4_LINK_SUPPORT: xdr_put_bool(e, a->link_support); break;
	case FATTR4_SYMLINK_SUPPORT: xdr_put_bool(e, a->symlink_support); break;
	case FATTR4_NAMED_ATTR: xdr_put_bool(e, a->named_attr); break;
	case FATTR4_FSID:
		xdr_put_u64(e, a->fsid_major);
		xdr_put_u64(e, a->fsid_minor);
		break;
	case FATTR4_UNIQUE_HANDLES: xdr_put_bool(e, a->unique_handles); break;
	case FATTR4_LEASE_TIME: xdr_put_u32(e, a->lease_time); break;
	case FATTR4_RDATTR_ERROR: xdr_put_u32(e, a->rdattr_error); break;
	case FATTR4_FILEHANDLE: xdr_put_slice(e, a->filehandle); break;
	case FATTR4_FILEID: xdr_put_u64(e, a->fileid); break;
	case FATTR4_MODE: xdr_put_u32(e, a->mode); break;
	case FATTR4_NUMLINKS: xdr_put_u32(e, a->numlinks); break;
	case FATTR4_SUPPATTR_EXCLCREAT: bitmap4_encode(e, &a->suppattr_exclcreat); break;
	default: break; /* not representable: fattr4_pack() leaves it out of the mask */
	}
}

static bool attr_known(uint32_t bit)
{
	return bit <= FATTR4_RDATTR_ERROR || bit == FATTR4_FILEHANDLE || bit == FATTR4_FILEID ||
	       bit == FATTR4_MODE || bit == FATTR4_NUMLINKS || bit == FATTR4_SUPPATTR_EXCLCREAT;
}

size_t fattr4_pack(const struct nfs4_attrs *in, uint8_t *buf, size_t cap, struct fattr4 *out)
{
	struct xdr_enc e;

	memset(out, 0, sizeof(*out));
	xdr_enc_init(&e, buf, cap);
	/* Set bits only, lowest first (the order of fattr4's values, s3.3.11). */
	for (uint32_t w = 0; w < in->has.count && w < WIRE_MAX_BITMAP_WORDS; w++) {
		for (uint32_t left = in->has.map[w]; left; left &= left - 1) {
			uint32_t bit = w * 32 + (uint32_t)__builtin_ctz(left);

			if (!attr_known(bit))
				continue;
			attr_encode(&e, bit, in);
			bitmap4_set(&out->attrmask, bit);
		}
	}
	out->attr_vals = (struct wire_opaque){buf, xdr_enc_overflow(&e) ? 0 : (uint32_t)e.len};
	return e.len;
}
