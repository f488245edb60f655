/*
 * nfs4_internal.h - what the op table's modules share inside wire/ (not API).
 *
 * nfs4_xdr.c holds the table and the session-lifecycle codecs,
 * nfs4_fileops.c the validators of ops kept raw, nfs4_print.c the printers.
 */
#ifndef NFS41_WIRE_NFS4_INTERNAL_H
#define NFS41_WIRE_NFS4_INTERNAL_H

#include "nfs4_xdr.h"

/* Shared XDR pieces. */
bool stateid4_skip(struct xdr_dec *d, const char *field);
bool fattr4_decode(struct xdr_dec *d, const char *field, struct fattr4 *f);
void fattr4_encode(struct xdr_enc *e, const struct fattr4 *f);
bool fattr4_skip(struct xdr_dec *d, const char *field);

/* Validators for ops kept as raw XDR: consume exactly the op's arguments or resok. */
bool fileop_args_skip(struct xdr_dec *d, uint32_t op);
bool fileop_resok_skip(struct xdr_dec *d, uint32_t op);

/* Printers used by the op table. */
void print_exchange_id_args(FILE *out, const struct nfs_argop *op);
void print_exchange_id_resok(FILE *out, const struct nfs_resop *op);
void print_create_session_args(FILE *out, const struct nfs_argop *op);
void print_create_session_resok(FILE *out, const struct nfs_resop *op);
void print_destroy_session_args(FILE *out, const struct nfs_argop *op);
void print_sequence_args(FILE *out, const struct nfs_argop *op);
void print_sequence_resok(FILE *out, const struct nfs_resop *op);
void print_bind_conn_args(FILE *out, const struct nfs_argop *op);
void print_bind_conn_resok(FILE *out, const struct nfs_resop *op);
void print_destroy_clientid_args(FILE *out, const struct nfs_argop *op);
void print_reclaim_complete_args(FILE *out, const struct nfs_argop *op);
void print_backchannel_ctl_args(FILE *out, const struct nfs_argop *op);
void print_putfh_args(FILE *out, const struct nfs_argop *op);
void print_getfh_resok(FILE *out, const struct nfs_resop *op);
void print_lookup_args(FILE *out, const struct nfs_argop *op);
void print_getattr_args(FILE *out, const struct nfs_argop *op);
void print_getattr_resok(FILE *out, const struct nfs_resop *op);
void print_raw_args(FILE *out, const struct nfs_argop *op);
void print_raw_resok(FILE *out, const struct nfs_resop *op);

#endif
