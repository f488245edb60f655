/*
 * nfs4_xdr.h - NFSv4.1 COMPOUND4args / COMPOUND4res codec and the op table.
 *
 * One table (nfs4_op_table) describes every operation: name, COMPOUND-rule
 * flags, argument and result codecs and printers. The server's COMPOUND
 * rules, the case parser and the pcap decoder read the same table.
 *
 * Decoders return true on success. On failure the error (field path and
 * offset) is in d->error and the structs hold what was decoded so far: a
 * COMPOUND whose op N could not be parsed still has ops 0..N, the last one
 * marked undecoded, so a server can answer with OP_ILLEGAL or NOTSUPP.
 */
#ifndef NFS41_WIRE_NFS4_XDR_H
#define NFS41_WIRE_NFS4_XDR_H

#include <stdio.h>

#include "nfs4_types.h"

/* Op flags for COMPOUND rules (RFC 8881 s18.46.3, s16.2.3). */
#define NFS4_OPF_SESSIONLESS 0x1u /* may be the first op without SEQUENCE, alone (CMP-10) */
#define NFS4_OPF_MINOR0_ONLY 0x2u /* NFSv4.0 op: MUST NOT be implemented in 4.1 (CMP-18) */
#define NFS4_OPF_RAW 0x4u         /* arguments/results kept as validated XDR bytes */
#define NFS4_OPF_PSEUDOFS 0x8u    /* served by the reference server's pseudo-root */
#define NFS4_OPF_RES_ALWAYS 0x10u /* the result body follows every status, not only NFS4_OK */

struct nfs4_op_desc {
	uint32_t op;
	const char *name;
	unsigned flags;
	bool (*dec_args)(struct xdr_dec *d, struct nfs_argop *a);
	void (*enc_args)(struct xdr_enc *e, const struct nfs_argop *a);
	/* the resok arm (or, with NFS4_OPF_RES_ALWAYS, the body after status) */
	bool (*dec_resok)(struct xdr_dec *d, struct nfs_resop *r);
	void (*enc_resok)(struct xdr_enc *e, const struct nfs_resop *r);
	void (*print_args)(FILE *out, const struct nfs_argop *a);
	void (*print_resok)(FILE *out, const struct nfs_resop *r);
};

/* The table entry for op, or NULL when this library cannot parse that op. */
const struct nfs4_op_desc *nfs4_op_desc(uint32_t op);

/*
 * COMPOUND codec. argarray/resarray and the out-of-line arrays their ops point into (the blocks
 * list, see nfs4_types.h) are allocated: free both with *_free(). Built for encoding, a
 * COMPOUND has no blocks; *_free() then frees only the op array.
 */
bool nfs4_compound_args_decode(struct xdr_dec *d, uint32_t max_ops, struct COMPOUND4args *a);
bool nfs4_compound_res_decode(struct xdr_dec *d, uint32_t max_ops, struct COMPOUND4res *r);
void nfs4_compound_args_encode(struct xdr_enc *e, const struct COMPOUND4args *a);
void nfs4_compound_res_encode(struct xdr_enc *e, const struct COMPOUND4res *r);
void nfs4_compound_args_free(struct COMPOUND4args *a);
void nfs4_compound_res_free(struct COMPOUND4res *r);

/*
 * One op alone (used by the COMPOUND codec). An op's out-of-line arrays are linked into
 * *d->blocks: set it before decoding (or the op fails with WIRE_ERR_NOMEM), free with
 * xdr_blocks_free() once the op is no longer read.
 */
bool nfs4_argop_decode(struct xdr_dec *d, struct nfs_argop *a);
bool nfs4_resop_decode(struct xdr_dec *d, struct nfs_resop *r);
void nfs4_argop_encode(struct xdr_enc *e, const struct nfs_argop *a);
void nfs4_resop_encode(struct xdr_enc *e, const struct nfs_resop *r);

/*
 * What a server decides OPEN's first errors on, read from OPEN4args kept raw (u.raw; RFC 8881
 * s18.16.1): share_access, opentype (OPEN4_NOCREATE 0, OPEN4_CREATE 1), createmode (UINT32_MAX
 * without OPEN4_CREATE), the open_claim_type4, and for CLAIM_NULL, CLAIM_DELEGATE_CUR and
 * CLAIM_DELEGATE_PREV the component name (a slice of raw; empty for the other claims). False,
 * with *err, when raw is not exactly one well-formed OPEN4args.
 */
bool nfs4_open_args_peek(const struct wire_opaque *raw, uint32_t *share_access, uint32_t *opentype,
			 uint32_t *createmode, uint32_t *claim, struct wire_opaque *file,
			 struct wire_error *err);

/* bitmap4 and fattr4, shared by GETATTR, CREATE, OPEN, READDIR and the printer. */
bool bitmap4_decode(struct xdr_dec *d, const char *field, struct bitmap4 *b);
void bitmap4_encode(struct xdr_enc *e, const struct bitmap4 *b);
/*
 * Unpack attr_vals for the attributes in struct nfs4_attrs. Fails at the
 * first attribute it does not know (their sizes are unknown), naming it.
 */
bool fattr4_unpack(const struct fattr4 *f, unsigned flags, struct nfs4_attrs *out,
		   struct wire_error *err);
/* Pack in->has into buf; returns the length needed (> cap: nothing usable). */
size_t fattr4_pack(const struct nfs4_attrs *in, uint8_t *buf, size_t cap, struct fattr4 *out);

#endif
