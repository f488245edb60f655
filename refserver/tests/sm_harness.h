/*
 * sm_harness.h - drive the state machine in-process for unit tests: a fake clock, real encoded
 * RPC records in (any header, credential, tag or minor version), decoded replies out, and
 * builders for every op the reference server serves.
 *
 * Its only state is harness_now and harness_cred, which harness_sm*() reset, and the record of
 * the last harness_call(). Replies live in a struct harness_reply that owns the reply record, so
 * the opaque slices of the decoded reply (filehandles, tags, server owner) stay valid until
 * harness_reply_free(). Single-threaded, like the state machine.
 */
#ifndef NFS41_REFSERVER_SM_HARNESS_H
#define NFS41_REFSERVER_SM_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sm.h"
#include "test_main.h"
#include "wire.h"

/* The fake clock every harness state machine reads (milliseconds; starts at 1000). */
extern uint64_t harness_now;

/* A state machine with the profile's defaults and the given lease; or with limits l. */
struct sm *harness_sm(uint32_t lease_seconds);
struct sm *harness_sm_limits(const struct sm_limits *l);

/* ---- credentials ---------------------------------------------------------------------------- */

/* The AUTH_SYS (or AUTH_NONE) credential every harness call sends. */
struct harness_cred {
	uint32_t flavor; /* ONCRPC_AUTH_SYS or ONCRPC_AUTH_NONE */
	uint32_t stamp;
	const char *machine; /* machinename; NULL: "h" */
	uint32_t uid, gid;
	uint32_t ngids;
	uint32_t gids[ONCRPC_MAX_GIDS];
};

/* What the next calls send; harness_sm*() reset it to AUTH_SYS uid 0 gid 0, no gids. */
extern struct harness_cred harness_cred;
/* AUTH_SYS as uid (gid uid, no supplementary gids). */
void harness_as(uint32_t uid);

/* ---- records -------------------------------------------------------------------------------- */

/* The RPC header and COMPOUND header of a call. */
struct harness_rpc {
	uint32_t xid, rpcvers, prog, vers, proc;
	uint32_t minorversion;
	struct wire_opaque tag;
	const struct oncrpc_auth *cred; /* NULL: harness_cred */
};

/* xid 7, RPC 2, NFSv4 COMPOUND, minor version 1, empty tag, harness_cred. */
struct harness_rpc harness_rpc(void);

/* Encode the call with ops as its COMPOUND (no ops for other procedures); returns the size
 * needed, which may exceed cap (the record is then unusable). */
size_t harness_encode(const struct harness_rpc *r, const struct nfs_argop *ops, uint32_t nops,
		      uint8_t *buf, size_t cap);
/* The old entry point: harness_rpc() with xid/prog/vers/proc replaced. */
size_t harness_encode_call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
			   const struct nfs_argop *ops, uint32_t nops, uint8_t *buf, size_t cap);

/* ---- replies -------------------------------------------------------------------------------- */

struct harness_reply {
	enum sm_action action;
	uint8_t *raw; /* the reply record (SM_REPLY), owned */
	size_t len;
	bool decoded; /* m holds the decoded reply */
	struct wire_msg m;
};

/* Hand rec to the state machine on conn; the reply decoded as a COMPOUND (or NULL) reply. */
void harness_send(struct sm *s, uint64_t conn, const uint8_t *rec, size_t len,
		  struct harness_reply *out);
/* Encode (r, ops) and send it. */
void harness_rpc_call(struct sm *s, uint64_t conn, const struct harness_rpc *r,
		      const struct nfs_argop *ops, uint32_t nops, struct harness_reply *out);
/* ops as a minor-version-1 COMPOUND with harness_rpc()'s header. */
void harness_compound(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops,
		      struct harness_reply *out);
void harness_reply_free(struct harness_reply *r);

/* The COMPOUND status (UINT32_MAX when no COMPOUND reply came). */
uint32_t harness_reply_status(const struct harness_reply *r);
/* The number of results, and result i or NULL. */
uint32_t harness_nres(const struct harness_reply *r);
const struct nfs_resop *harness_res(const struct harness_reply *r, uint32_t i);
/* The COMPOUND4res bytes of the reply (after the 24-byte accepted-reply header), for byte
 * comparisons that ignore the xid. */
const uint8_t *harness_res_bytes(const struct harness_reply *r, size_t *len);

/*
 * The old entry points. harness_call: the decoded reply in *out (wire_msg_free it), the raw
 * record in *raw when raw is not NULL (free it); when raw is NULL the record is kept until the
 * next harness_call, so the slices of *out stay valid until then.
 */
enum sm_action harness_call(struct sm *s, uint64_t conn, const struct nfs_argop *ops,
			    uint32_t nops, struct wire_msg *out, uint8_t **raw, size_t *rawlen);
/* The COMPOUND status of sending ops on conn. */
uint32_t harness_status(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops);

/* ---- op builders ---------------------------------------------------------------------------- */

/* EXCHANGE_ID for owner (a C string) with verifier "verifier", SP4_NONE. */
struct nfs_argop harness_exchange_id(const char *owner, uint32_t flags);
/* The same with any owner bytes and verifier (8 bytes). */
struct nfs_argop harness_exchange_id_bytes(const uint8_t *owner, uint32_t len, const char *verifier,
					   uint32_t flags);
/* CREATE_SESSION: fore {pad 0, 65536, 65536, 4096, 8 ops, slots}, back {0, 4096, 4096, 0, 2, 1},
 * one AUTH_NONE callback security entry. */
struct nfs_argop harness_create_session(uint64_t clientid, uint32_t seq, uint32_t slots);
/* SEQUENCE with sa_highest_slotid = slot. */
struct nfs_argop harness_sequence(const uint8_t sid[16], uint32_t slot, uint32_t seqid,
				  bool cachethis);
struct nfs_argop harness_destroy_session(const uint8_t sid[16]);
struct nfs_argop harness_bind_conn(const uint8_t sid[16], uint32_t dir);
struct nfs_argop harness_destroy_clientid(uint64_t clientid);
struct nfs_argop harness_reclaim_complete(bool one_fs);
/* An op without arguments (PUTROOTFH, GETFH, ...). */
struct nfs_argop harness_op(uint32_t op);
/* An op number sent with no arguments as raw XDR (undefined ops, OP_ILLEGAL, ...). */
struct nfs_argop harness_raw_op(uint32_t op);
struct nfs_argop harness_lookup(const char *name);
struct nfs_argop harness_lookup_len(const uint8_t *name, uint32_t len);
struct nfs_argop harness_putfh(const uint8_t *fh, uint32_t len);
/* GETATTR of the attributes listed (ending with UINT32_MAX). */
struct nfs_argop harness_getattr(const uint32_t *attrs);

/* ---- whole steps ---------------------------------------------------------------------------- */

/* EXCHANGE_ID(owner) on conn as harness_cred: the new client id (0 on failure, a CU failure). */
uint64_t harness_new_client(struct sm *s, uint64_t conn, const char *owner);
/* Send the CREATE_SESSION op cs on conn: its status; on NFS4_OK the result in *res (may be
 * NULL) and the session id in sid. */
uint32_t harness_create(struct sm *s, uint64_t conn, const struct nfs_argop *cs, uint8_t sid[16],
			struct CREATE_SESSION4resok *res);
/* EXCHANGE_ID(owner) + CREATE_SESSION (4 fore slots) on conn: the session id and client id. */
void harness_open_session(struct sm *s, uint64_t conn, const char *owner, uint8_t sid[16],
			  uint64_t *clientid);
/* The fore channel harness_create_session asks for: {0, 65536, 65536, 4096, 8 ops, 4 slots}. */
struct channel_attrs4 harness_fore_default(void);
/* A new client (owner) and a session on conn asking for fore; the granted fore channel in
 * *granted when granted is not NULL. A CU failure when either step fails. */
void harness_open_session_fore(struct sm *s, uint64_t conn, const char *owner,
			       const struct channel_attrs4 *fore, uint8_t sid[16],
			       struct channel_attrs4 *granted);
/* SEQUENCE alone: its status; its result in *res when res is not NULL and it succeeded. */
uint32_t harness_seq(struct sm *s, uint64_t conn, const uint8_t sid[16], uint32_t slot,
		     uint32_t seqid, struct SEQUENCE4resok *res);

/* ---- snapshots ------------------------------------------------------------------------------ */

/* The client record clientid (false when there is none). */
bool harness_client_info(const struct sm *s, uint64_t clientid, struct sm_client_info *out);
/* The session sid (false when there is none). */
bool harness_session_info(const struct sm *s, const uint8_t sid[16], struct sm_session_info *out);
/* How many client records (confirmed or not) and sessions exist. */
size_t harness_nclients(const struct sm *s);
size_t harness_nsessions(const struct sm *s);
/* The channel directions conn is bound with on session sid (0: not bound). */
uint32_t harness_conn_dir(const struct sm *s, const uint8_t sid[16], uint64_t conn);

/* ---- assertions ----------------------------------------------------------------------------- */

/* "NFS4ERR_BADSESSION" or the number; up to four results may be live at once. */
const char *harness_status_name(uint32_t status);

/* A status against the expected one, both named in a failure; got is evaluated once. */
bool harness_check_status(uint32_t got, uint32_t want, const char *what, const char *file,
			  unsigned line);
#define CHECK_STATUS(got, want) harness_check_status((got), (want), #got, __FILE__, __LINE__)
/* Two unsigned values, both printed on failure; got is evaluated once. */
bool harness_check_u64(uint64_t got, uint64_t want, const char *what, const char *file,
		       unsigned line);
#define CHECK_U64(got, want) harness_check_u64((got), (want), #got, __FILE__, __LINE__)

#endif
