/*
 * nfs4_types.h - NFSv4.1 COMPOUND arguments and results as plain C structs.
 *
 * Field names follow RFC 5662 so a reader can hold the XDR beside them.
 * Variable-length data are wire_opaque slices: after decoding they point into
 * the input buffer, which must outlive the struct; when encoding they point
 * at the caller's memory. Arrays the XDR leaves unbounded carry a fixed
 * implementation cap (WIRE_MAX_*), and decoding fails with WIRE_ERR_LIMIT
 * beyond it.
 *
 * Arrays of large items (csa_sec_parms, bca_sec_parms, ssp_hash_algs,
 * ssp_encr_algs, spi_handles) are a count and a pointer, not inline, so that
 * every op of the nfs_argop / nfs_resop unions does not pay for them. Decoded,
 * the pointer is into memory the COMPOUND owns (its blocks list, freed with
 * its op array by nfs4_compound_*_free / wire_msg_free): copy what must
 * outlive the message. To encode, point at your own memory (count items,
 * at most the cap is written); a NULL array encodes as count zeroed items.
 *
 * Ops outside the session lifecycle that real traffic carries (OPEN, WRITE,
 * READDIR, ...) are validated to their end and kept as a raw slice of their
 * XDR, so a capture re-encodes byte for byte and later ops stay visible.
 */
#ifndef NFS41_WIRE_NFS4_TYPES_H
#define NFS41_WIRE_NFS4_TYPES_H

#include "nfs4_const.h"
#include "rpc.h"
#include "xdr.h"

#define WIRE_MAX_BITMAP_WORDS 8u /* bitmap4: 256 attributes or operations */
#define WIRE_MAX_ALGS 8u         /* ssp_hash_algs / ssp_encr_algs */
#define WIRE_MAX_GSS_HANDLES 8u  /* spi_handles */
#define WIRE_MAX_CB_SEC 8u       /* csa_sec_parms / bca_sec_parms */
#define WIRE_MAX_OPS_DEFAULT 1024u

struct bitmap4 {
	uint32_t count;
	uint32_t map[WIRE_MAX_BITMAP_WORDS];
};

struct nfstime4 {
	int64_t seconds;
	uint32_t nseconds;
};

struct stateid4 {
	uint32_t seqid;
	uint8_t other[NFS4_OTHER_SIZE];
};

struct state_protect_ops4 {
	struct bitmap4 spo_must_enforce;
	struct bitmap4 spo_must_allow;
};

struct ssv_sp_parms4 {
	struct state_protect_ops4 ssp_ops;
	uint32_t ssp_hash_algs_count;
	struct wire_opaque *ssp_hash_algs; /* sec_oid4<WIRE_MAX_ALGS>, out of line (see top) */
	uint32_t ssp_encr_algs_count;
	struct wire_opaque *ssp_encr_algs;
	uint32_t ssp_window;
	uint32_t ssp_num_gss_handles;
};

struct state_protect4_a {
	uint32_t spa_how; /* enum state_protect_how4 */
	struct state_protect_ops4 spa_mach_ops; /* SP4_MACH_CRED */
	struct ssv_sp_parms4 spa_ssv_parms;     /* SP4_SSV */
};

struct ssv_prot_info4 {
	struct state_protect_ops4 spi_ops;
	uint32_t spi_hash_alg;
	uint32_t spi_encr_alg;
	uint32_t spi_ssv_len;
	uint32_t spi_window;
	uint32_t spi_handles_count;
	struct wire_opaque *spi_handles; /* <WIRE_MAX_GSS_HANDLES>, out of line (see top) */
};

struct state_protect4_r {
	uint32_t spr_how;
	struct state_protect_ops4 spr_mach_ops; /* SP4_MACH_CRED */
	struct ssv_prot_info4 spr_ssv_info;     /* SP4_SSV */
};

struct nfs_impl_id4 {
	struct wire_opaque nii_domain;
	struct wire_opaque nii_name;
	struct nfstime4 nii_date;
};

struct client_owner4 {
	uint8_t co_verifier[NFS4_VERIFIER_SIZE];
	struct wire_opaque co_ownerid;
};

struct server_owner4 {
	uint64_t so_minor_id;
	struct wire_opaque so_major_id;
};

struct EXCHANGE_ID4args {
	struct client_owner4 eia_clientowner;
	uint32_t eia_flags;
	struct state_protect4_a eia_state_protect;
	bool eia_client_impl_id_present; /* nfs_impl_id4 eia_client_impl_id<1> */
	struct nfs_impl_id4 eia_client_impl_id;
};

struct EXCHANGE_ID4resok {
	uint64_t eir_clientid;
	uint32_t eir_sequenceid;
	uint32_t eir_flags;
	struct state_protect4_r eir_state_protect;
	struct server_owner4 eir_server_owner;
	struct wire_opaque eir_server_scope;
	bool eir_server_impl_id_present;
	struct nfs_impl_id4 eir_server_impl_id;
};

struct channel_attrs4 {
	uint32_t ca_headerpadsize;
	uint32_t ca_maxrequestsize;
	uint32_t ca_maxresponsesize;
	uint32_t ca_maxresponsesize_cached;
	uint32_t ca_maxoperations;
	uint32_t ca_maxrequests;
	bool ca_rdma_ird_present; /* uint32_t ca_rdma_ird<1> */
	uint32_t ca_rdma_ird;
};

struct gss_cb_handles4 {
	uint32_t gcbp_service; /* enum rpc_gss_svc_t */
	struct wire_opaque gcbp_handle_from_server;
	struct wire_opaque gcbp_handle_from_client;
};

struct callback_sec_parms4 {
	uint32_t cb_secflavor; /* AUTH_NONE, AUTH_SYS or RPCSEC_GSS */
	struct oncrpc_authsys cbsp_sys_cred;
	struct gss_cb_handles4 cbsp_gss_handles;
};

struct CREATE_SESSION4args {
	uint64_t csa_clientid;
	uint32_t csa_sequence;
	uint32_t csa_flags;
	struct channel_attrs4 csa_fore_chan_attrs;
	struct channel_attrs4 csa_back_chan_attrs;
	uint32_t csa_cb_program;
	uint32_t csa_sec_parms_count;
	struct callback_sec_parms4 *csa_sec_parms; /* <WIRE_MAX_CB_SEC>, out of line (see top) */
};

struct CREATE_SESSION4resok {
	uint8_t csr_sessionid[NFS4_SESSIONID_SIZE];
	uint32_t csr_sequence;
	uint32_t csr_flags;
	struct channel_attrs4 csr_fore_chan_attrs;
	struct channel_attrs4 csr_back_chan_attrs;
};

struct DESTROY_SESSION4args {
	uint8_t dsa_sessionid[NFS4_SESSIONID_SIZE];
};

struct SEQUENCE4args {
	uint8_t sa_sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sa_sequenceid;
	uint32_t sa_slotid;
	uint32_t sa_highest_slotid;
	bool sa_cachethis;
};

struct SEQUENCE4resok {
	uint8_t sr_sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sr_sequenceid;
	uint32_t sr_slotid;
	uint32_t sr_highest_slotid;
	uint32_t sr_target_highest_slotid;
	uint32_t sr_status_flags;
};

struct BIND_CONN_TO_SESSION4args {
	uint8_t bctsa_sessid[NFS4_SESSIONID_SIZE];
	uint32_t bctsa_dir; /* enum channel_dir_from_client4 */
	bool bctsa_use_conn_in_rdma_mode;
};

struct BIND_CONN_TO_SESSION4resok {
	uint8_t bctsr_sessid[NFS4_SESSIONID_SIZE];
	uint32_t bctsr_dir; /* enum channel_dir_from_server4 */
	bool bctsr_use_conn_in_rdma_mode;
};

struct DESTROY_CLIENTID4args {
	uint64_t dca_clientid;
};

struct RECLAIM_COMPLETE4args {
	bool rca_one_fs;
};

struct BACKCHANNEL_CTL4args {
	uint32_t bca_cb_program;
	uint32_t bca_sec_parms_count;
	struct callback_sec_parms4 *bca_sec_parms; /* <WIRE_MAX_CB_SEC>, out of line (see top) */
};

struct PUTFH4args {
	struct wire_opaque object; /* nfs_fh4 */
};

struct GETFH4resok {
	struct wire_opaque object;
};

struct LOOKUP4args {
	struct wire_opaque objname; /* component4 */
};

/* fattr4: the mask and the packed values; fattr4_unpack() reads the values. */
struct fattr4 {
	struct bitmap4 attrmask;
	struct wire_opaque attr_vals;
};

struct GETATTR4args {
	struct bitmap4 attr_request;
};

struct GETATTR4resok {
	struct fattr4 obj_attributes;
};

/* Union of every argument type, tagged by nfs_argop.op. */
struct nfs_argop {
	uint32_t op;
	/*
	 * Decoding stopped at this op: its number is unknown (answered with
	 * NFS4ERR_OP_ILLEGAL) or its arguments are not parsed by this library.
	 * When encoding, u.raw (possibly empty) is written as its arguments.
	 */
	bool undecoded;
	union {
		struct EXCHANGE_ID4args exchange_id;
		struct CREATE_SESSION4args create_session;
		struct DESTROY_SESSION4args destroy_session;
		struct SEQUENCE4args sequence;
		struct BIND_CONN_TO_SESSION4args bind_conn_to_session;
		struct DESTROY_CLIENTID4args destroy_clientid;
		struct RECLAIM_COMPLETE4args reclaim_complete;
		struct BACKCHANNEL_CTL4args backchannel_ctl;
		struct PUTFH4args putfh;
		struct LOOKUP4args lookup;
		struct GETATTR4args getattr;
		struct wire_opaque raw; /* ops kept as validated XDR (see top of file) */
	} u;
};

/* Result of one op: status, and the resok arm when status is NFS4_OK. */
struct nfs_resop {
	uint32_t op;
	uint32_t status;
	bool undecoded;
	union {
		struct EXCHANGE_ID4resok exchange_id;
		struct CREATE_SESSION4resok create_session;
		struct SEQUENCE4resok sequence;
		struct BIND_CONN_TO_SESSION4resok bind_conn_to_session;
		struct GETFH4resok getfh;
		struct GETATTR4resok getattr;
		struct wire_opaque raw;
	} u;
};

struct COMPOUND4args {
	struct wire_opaque tag;
	uint32_t minorversion;
	uint32_t argarray_len; /* ops decoded (or to encode) */
	uint32_t declared_len; /* the count on the wire; > argarray_len if decoding stopped */
	struct nfs_argop *argarray;
	struct xdr_block *blocks; /* decoded: the out-of-line arrays the ops point into */
};

struct COMPOUND4res {
	uint32_t status;
	struct wire_opaque tag;
	uint32_t resarray_len;
	uint32_t declared_len;
	struct nfs_resop *resarray;
	struct xdr_block *blocks; /* decoded: the out-of-line arrays the results point into */
};

/*
 * The attributes fattr4_unpack() understands: RFC 8881 s5.6 REQUIRED ones,
 * plus lease_time, fileid, mode and numlinks. has is the attribute mask
 * actually decoded.
 */
struct nfs4_attrs {
	struct bitmap4 has;
	struct bitmap4 supported_attrs;
	uint32_t type;
	uint32_t fh_expire_type;
	uint64_t change;
	uint64_t size;
	bool link_support, symlink_support, named_attr, unique_handles;
	uint64_t fsid_major, fsid_minor;
	uint32_t lease_time;
	uint32_t rdattr_error;
	struct wire_opaque filehandle;
	uint64_t fileid;
	uint32_t mode;
	uint32_t numlinks;
	struct bitmap4 suppattr_exclcreat;
};

static inline bool bitmap4_isset(const struct bitmap4 *b, uint32_t bit)
{
	return bit / 32 < b->count && (b->map[bit / 32] >> (bit % 32) & 1u);
}

static inline void bitmap4_set(struct bitmap4 *b, uint32_t bit)
{
	if (bit / 32 >= WIRE_MAX_BITMAP_WORDS)
		return;
	while (b->count <= bit / 32)
		b->map[b->count++] = 0;
	b->map[bit / 32] |= 1u << (bit % 32);
}

#endif
