/*
 * rpc.h - ONC RPC version 2 message headers (RFC 5531 s9, s10, appendix A).
 *
 * Owns call and reply headers in every shape the RFC defines, the AUTH_NONE
 * and AUTH_SYS credentials, and enough of RPCSEC_GSS (RFC 2203) to recognise
 * it and reject it. Names carry an ONCRPC_ prefix because libtirpc's headers
 * already use the RFC's bare names (SUCCESS, AUTH_ERROR, ...).
 */
#ifndef NFS41_WIRE_RPC_H
#define NFS41_WIRE_RPC_H

#include "xdr.h"

#define ONCRPC_VERSION 2u
#define ONCRPC_MAX_AUTH_BYTES 400u   /* opaque_auth body<400>, RFC 5531 s8.2 */
#define ONCRPC_MAX_MACHINE_NAME 255u /* authsys_parms.machinename<255> */
#define ONCRPC_MAX_GIDS 16u          /* authsys_parms.gids<16> */
#define ONCRPC_GSS_VERSION 1u        /* rpc_gss_cred_t version, RFC 2203 s5 */

enum oncrpc_msg_type { ONCRPC_CALL = 0, ONCRPC_REPLY = 1 };
enum oncrpc_reply_stat { ONCRPC_MSG_ACCEPTED = 0, ONCRPC_MSG_DENIED = 1 };
enum oncrpc_accept_stat {
	ONCRPC_SUCCESS = 0,
	ONCRPC_PROG_UNAVAIL = 1,
	ONCRPC_PROG_MISMATCH = 2,
	ONCRPC_PROC_UNAVAIL = 3,
	ONCRPC_GARBAGE_ARGS = 4,
	ONCRPC_SYSTEM_ERR = 5,
};
enum oncrpc_reject_stat { ONCRPC_RPC_MISMATCH = 0, ONCRPC_AUTH_ERROR = 1 };
enum oncrpc_auth_stat {
	ONCRPC_AUTH_OK = 0,
	ONCRPC_AUTH_BADCRED = 1,
	ONCRPC_AUTH_REJECTEDCRED = 2,
	ONCRPC_AUTH_BADVERF = 3,
	ONCRPC_AUTH_REJECTEDVERF = 4,
	ONCRPC_AUTH_TOOWEAK = 5,
	ONCRPC_AUTH_INVALIDRESP = 6,
	ONCRPC_AUTH_FAILED = 7,
	ONCRPC_AUTH_KERB_GENERIC = 8,
	ONCRPC_AUTH_TIMEEXPIRE = 9,
	ONCRPC_AUTH_TKT_FILE = 10,
	ONCRPC_AUTH_DECODE = 11,
	ONCRPC_AUTH_NET_ADDR = 12,
	ONCRPC_RPCSEC_GSS_CREDPROBLEM = 13,
	ONCRPC_RPCSEC_GSS_CTXPROBLEM = 14,
};
enum oncrpc_auth_flavor {
	ONCRPC_AUTH_NONE = 0,
	ONCRPC_AUTH_SYS = 1,
	ONCRPC_AUTH_SHORT = 2,
	ONCRPC_AUTH_DH = 3,
	ONCRPC_RPCSEC_GSS = 6,
};

/* authsys_parms (RFC 5531 appendix A). */
struct oncrpc_authsys {
	uint32_t stamp;
	struct wire_opaque machinename;
	uint32_t uid, gid;
	uint32_t ngids;
	uint32_t gids[ONCRPC_MAX_GIDS];
};

/* rpc_gss_cred_vers_1_t (RFC 2203 s5): decoded only to recognise and reject. */
struct oncrpc_gss_cred {
	uint32_t version;
	uint32_t gss_proc;
	uint32_t seq_num;
	uint32_t service;
	struct wire_opaque handle;
};

/*
 * A credential or verifier (opaque_auth). body is always the raw bytes; for
 * AUTH_SYS and RPCSEC_GSS the parsed form is filled when body_ok. A body
 * that does not parse leaves the message decodable (the server answers
 * AUTH_ERROR/AUTH_BADCRED) and says why in problem.
 */
struct oncrpc_auth {
	uint32_t flavor;
	struct wire_opaque body;
	bool body_ok;
	struct wire_error problem;
	union {
		struct oncrpc_authsys sys;
		struct oncrpc_gss_cred gss;
	} u;
};

struct oncrpc_call {
	uint32_t xid;
	uint32_t rpcvers;
	uint32_t prog, vers, proc;
	struct oncrpc_auth cred;
	struct oncrpc_auth verf;
};

struct oncrpc_reply {
	uint32_t xid;
	uint32_t reply_stat;  /* enum oncrpc_reply_stat */
	struct oncrpc_auth verf; /* MSG_ACCEPTED only */
	uint32_t accept_stat; /* MSG_ACCEPTED: enum oncrpc_accept_stat */
	uint32_t reject_stat; /* MSG_DENIED: enum oncrpc_reject_stat */
	uint32_t mismatch_low, mismatch_high; /* PROG_MISMATCH or RPC_MISMATCH */
	uint32_t auth_stat;   /* AUTH_ERROR */
};

/* Decode the header that starts a message; d is left at the procedure body. */
bool oncrpc_msg_type_peek(const uint8_t *buf, size_t len, uint32_t *xid, uint32_t *type);
bool oncrpc_call_decode(struct xdr_dec *d, struct oncrpc_call *c);
bool oncrpc_reply_decode(struct xdr_dec *d, struct oncrpc_reply *r);

void oncrpc_call_encode(struct xdr_enc *e, const struct oncrpc_call *c);
void oncrpc_reply_encode(struct xdr_enc *e, const struct oncrpc_reply *r);
/* authsys_parms alone (also inside CREATE_SESSION's callback_sec_parms4). */
bool oncrpc_authsys_decode(struct xdr_dec *d, struct oncrpc_authsys *s);
void oncrpc_authsys_put(struct xdr_enc *e, const struct oncrpc_authsys *s);
/* Encode an AUTH_SYS body into the caller's buf (>= 400 bytes); returns a slice over it. */
struct wire_opaque oncrpc_authsys_encode(const struct oncrpc_authsys *s, uint8_t *buf, size_t cap);

const char *oncrpc_flavor_name(uint32_t flavor);
const char *oncrpc_accept_stat_name(uint32_t s);
const char *oncrpc_auth_stat_name(uint32_t s);

#endif
