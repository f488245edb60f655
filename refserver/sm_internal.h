/*
 * sm_internal.h - the state machine's records, shared by sm_*.c (not API).
 *
 * sm.c: RPC-level checks and the record entry point; sm_compound.c: COMPOUND
 * rules and the op dispatch; sm_client.c: client records and EXCHANGE_ID;
 * sm_pseudofs.c: the read-only pseudo-root. All state lives in struct sm.
 */
#ifndef NFS41_REFSERVER_SM_INTERNAL_H
#define NFS41_REFSERVER_SM_INTERNAL_H

#include "slot_table.h"
#include "sm.h"
#include "wire.h"

/* AUTH_SYS principal equality: flavor + uid + gid + gids (catalogue section 17). */
struct sm_principal {
	uint32_t flavor;
	uint32_t uid, gid;
	uint32_t ngids;
	uint32_t gids[ONCRPC_MAX_GIDS];
};

struct sm_client {
	uint64_t clientid;
	uint8_t *owner; /* co_ownerid */
	uint32_t owner_len;
	uint8_t verifier[NFS4_VERIFIER_SIZE];
	struct sm_principal principal;
	bool confirmed;
	uint32_t eir_sequenceid;  /* what EXCHANGE_ID reported: the first csa_sequence */
	uint64_t lease_expiry_ms; /* renewed by SEQUENCE and confirmation (RFC 8881 s8.3) */
	uint64_t created_ms;
	uint32_t nsessions;
	bool reclaim_complete;
	/* Test hooks (catalogue s17): state revoked by the administrator, sticky until
	 * FREE_STATEID names the revoked stateid (SEQ-15); a per-client session cap (CS-15). */
	bool revoked;
	uint8_t revoked_other[NFS4_OTHER_SIZE]; /* stateid4.other */
	bool capped;
	uint32_t session_cap;
	/* SP4_MACH_CRED as the mach-cred test hook grants it (RFC 8881 s2.10.8.3, s18.35.3):
	 * mach_principal must send the ops in must_enforce, else NFS4ERR_WRONG_CRED. */
	bool mach_cred;
	struct sm_principal mach_principal;
	struct bitmap4 must_enforce;
	/* The CREATE_SESSION slot (s18.36.4): last csa_sequence and its cached result. */
	uint32_t cs_seqid;
	bool cs_used;
	uint32_t cs_status;
	struct CREATE_SESSION4resok cs_reply;
	struct sm_client *next;
};

struct sm_binding {
	uint64_t conn;
	uint32_t dir; /* CDFS4_FORE / CDFS4_BACK bits */
};

struct sm_session {
	uint8_t id[NFS4_SESSIONID_SIZE];
	struct sm_client *client;
	struct channel_attrs4 fore, back;
	uint32_t flags;
	struct slot_table slots;
	struct sm_binding *conns; /* max_conns_per_session entries */
	uint32_t nconns;
	uint64_t created_ms, last_used_ms;
	bool had_back;   /* a back-channel connection was bound once (SES-41) */
	uint64_t cache_reserve; /* slots x ca_maxresponsesize_cached, held in sm.cache_reserved */
	/* Test hooks (catalogue s17). dead: the server "restarted" keeping this session: retries
	 * are served from the cache, new requests get NFS4ERR_DEADSESSION (s2.10.6.5, SES-37).
	 * bc_fault: SEQ4_STATUS_BACKCHANNEL_FAULT from now on (SEQ-16). delay_ms: the next new
	 * request on slot delay_slot has its reply held that long, the slot busy (SES-34). */
	bool dead;
	bool bc_fault;
	uint32_t delay_slot, delay_ms;
	/* The back channel (s18.36.3, s2.10.8.2): callbacks go to cb_program with a credential
	 * the client offered; cb_xid is the CB_NULL probe in flight (0: none), cb_conn where it
	 * went; cb_pending: one is owed but no back-channel connection is bound (SES-42). */
	uint32_t cb_program;
	uint32_t cb_flavor; /* AUTH_NONE or AUTH_SYS */
	struct sm_principal cb_cred;
	char cb_machine[256];
	uint32_t cb_stamp;
	uint32_t cb_xid;
	uint64_t cb_conn;
	bool cb_pending;
	struct sm_session *next;
	struct sm_session *hnext; /* the same hash bucket (struct sm.session_hash) */
};

/* A call the server starts (a callback) and the connection it goes on. */
struct sm_outgoing {
	uint64_t conn;
	uint8_t *rec; /* the RPC message, without record marking */
	size_t len;
	struct sm_outgoing *next;
};

/* A reply held back by the delay hook: the slot stays in progress until it is released. */
struct sm_deferred {
	uint64_t conn;
	uint64_t due_ms;
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t slot;
	bool cachethis;
	uint8_t *body; /* the COMPOUND4res, for the slot's cache */
	size_t body_len;
	uint8_t *reply; /* the whole RPC reply record */
	size_t reply_len;
	struct sm_deferred *next;
};

/* Sessions are found by id on every SEQUENCE: a fixed hash table in front of the list. */
#define SM_SESSION_BUCKETS 4096u

#define SM_SCRATCH 16384

/* The current request: what an op handler may read and change. */
struct sm_request {
	uint64_t conn;
	const struct oncrpc_call *call;
	struct sm_principal principal;
	size_t record_len;       /* the request's size, for ca_maxrequestsize (s18.36.3) */
	bool has_fh;             /* current filehandle (pseudo-root) */
	uint32_t fh;             /* pseudo-root node index */
	bool has_saved_fh;       /* SAVEFH */
	uint32_t saved_fh;
	struct sm_session *session; /* the SEQUENCE's session; NULL once destroyed */
	uint32_t slot;           /* the SEQUENCE's slot, to finish with the reply */
	bool cachethis;
	bool slot_begun;         /* slot_table_begin() said NEW: finish or abort it */
	bool retry_uncached;     /* a true retry of an uncached reply (s2.10.6.1.3) */
	const uint8_t *replay;   /* a reply from the cache: send these bytes as the result */
	size_t replay_len;
	uint8_t scratch[SM_SCRATCH]; /* reply bytes the slices point into; cleared as handed out */
	size_t scratch_used;
};

/* n bytes of the request's scratch space, or NULL when it is full. */
uint8_t *sm_scratch(struct sm_request *rq, size_t n);

struct sm {
	struct sm_limits limits;
	struct sm_clock clock;
	uint64_t boot_id;         /* server incarnation: in clientids and the server owner */
	uint32_t next_client;
	char server_owner[48];
	struct sm_client *clients;
	struct sm_session *sessions;
	struct sm_session *session_hash[SM_SESSION_BUCKETS];
	uint64_t next_session;
	struct sm_stats stats;
	struct sm_log log;
	struct sm_deferred *deferred; /* held replies, in arrival order */
	struct sm_request *rq;        /* the COMPOUND being executed, NULL between records */
	/* Reply-cache bytes promised to sessions: every slot can cache a reply of its session's
	 * ca_maxresponsesize_cached, so a cachethis reply is never refused for room (SES-25). */
	uint64_t cache_reserved;
	uint32_t next_stateid;
	struct sm_outgoing *outbox; /* server-initiated calls to send, in order (sm_callback.c) */
	uint32_t next_cb_xid;
};

/* One decision-log line (nothing when no log is set). */
void sm_logf(struct sm *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A per-request decision (sm_log.detail; formatted only when someone listens). */
void sm_detailf(struct sm *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint64_t sm_now(const struct sm *s);

/* sm_compound.c */
void sm_compound(struct sm *s, struct sm_request *rq, const struct COMPOUND4args *args,
		 struct COMPOUND4res *res);
/* The size of a reply whose only result is SEQUENCE's resok: what no session limit may refuse. */
size_t sm_sequence_reply_size(const struct COMPOUND4args *args);
/* Cut the results at the session's reply size limits (call after sm_compound). */
void sm_limit_reply(const struct sm_request *rq, struct COMPOUND4res *res);

/* sm_client.c */
uint32_t sm_exchange_id(struct sm *s, struct sm_request *rq, const struct EXCHANGE_ID4args *a,
			struct EXCHANGE_ID4resok *r);
struct sm_client *sm_client_find(struct sm *s, uint64_t clientid);
void sm_client_remove(struct sm *s, struct sm_client *gone);
/* Another confirmed record of c's owner (an earlier incarnation), or NULL. */
struct sm_client *sm_client_confirmed_owner(struct sm *s, const struct sm_client *c);

/* sm_session.c */
struct sm_session *sm_session_find(struct sm *s, const uint8_t id[NFS4_SESSIONID_SIZE]);
bool sm_session_bind(struct sm *s, struct sm_session *x, uint64_t conn, uint32_t dir);
bool sm_session_bound(struct sm_session *x, uint64_t conn);
void sm_session_destroy(struct sm *s, struct sm_session *x, enum sm_destroy_reason why);
void sm_client_destroy(struct sm *s, struct sm_client *c, enum sm_destroy_reason why);
void sm_conn_unbind_all(struct sm *s, uint64_t conn);
uint32_t sm_status_flags(struct sm *s, const struct sm_session *x);
/* True while a request executes on one of x's slots other than except_slot. */
bool sm_session_busy(const struct sm_session *x, uint32_t except_slot);
bool sm_client_expired(const struct sm *s, const struct sm_client *c);
void sm_sessions_free(struct sm *s);
uint32_t sm_create_session(struct sm *s, struct sm_request *rq,
			   const struct CREATE_SESSION4args *a, struct CREATE_SESSION4resok *r);
uint32_t sm_destroy_session(struct sm *s, struct sm_request *rq,
			    const struct DESTROY_SESSION4args *a, bool last_op);
uint32_t sm_bind_conn(struct sm *s, struct sm_request *rq, const struct BIND_CONN_TO_SESSION4args *a,
		      struct BIND_CONN_TO_SESSION4resok *r);
uint32_t sm_destroy_clientid(struct sm *s, const struct DESTROY_CLIENTID4args *a);
uint32_t sm_reclaim_complete(struct sm_request *rq, const struct RECLAIM_COMPLETE4args *a);

/* sm_admin.c: replies held by the delay hook */
/* Hold rq's reply (the hook armed on its slot): true when held, and the caller sends nothing. */
bool sm_defer_reply(struct sm *s, struct sm_request *rq, const uint8_t *body, size_t body_len,
		    const uint8_t *reply, size_t reply_len);
/* Drop the held replies of x's slots, returning those slots to idle (a restart lost them). */
void sm_deferred_drop_session(struct sm *s, struct sm_session *x);
void sm_deferred_free(struct sm *s);

/* sm_sequence.c */
uint32_t sm_sequence(struct sm *s, struct sm_request *rq, const struct COMPOUND4args *args,
		     struct SEQUENCE4resok *r);
/* After the COMPOUND ran: cache (or not) its encoded result on the SEQUENCE's slot. */
void sm_sequence_finish(struct sm *s, struct sm_request *rq, const uint8_t *res, size_t len);
/* Finish a new request on x's slot: cache res when cachethis and it fits (or mark it uncached). */
void sm_slot_finish(struct sm *s, struct sm_session *x, uint32_t slot, bool cachethis,
		    const uint8_t *res, size_t len);
/* FREE_STATEID (s18.38): only the stateid the revoke hook handed out exists here. */
uint32_t sm_free_stateid(struct sm_request *rq, const struct wire_opaque *args);
void sm_clients_free(struct sm *s);
bool sm_principal_equal(const struct sm_principal *a, const struct sm_principal *b);

/* sm_open.c: OPEN on the read-only pseudo-root, for the grace rules (s18.51.3, RC-01, RC-02). */
uint32_t sm_open(struct sm_request *rq, const struct wire_opaque *args);

/* sm_callback.c: the back channel */
/* Remember csa_cb_program and the first csa_sec_parms entry this server can use (s18.36.3). */
void sm_callback_setup(struct sm_session *x, const struct CREATE_SESSION4args *a);
/* x got conn bound for callbacks: probe it with CB_NULL unless one is in flight. */
void sm_callback_bound(struct sm *s, struct sm_session *x, uint64_t conn);
/* conn went away: a probe in flight on it is owed again, on another back connection or later. */
void sm_callback_conn_lost(struct sm *s, struct sm_session *x, uint64_t conn);
/* A reply record from the client: true when it answers a callback in flight. */
bool sm_callback_reply(struct sm *s, uint64_t conn, uint32_t xid);
void sm_outbox_free(struct sm *s);

/* sm_pseudofs.c */
/* The type (NF4DIR, NF4REG) of the current filehandle's node; only with rq->has_fh. */
uint32_t sm_current_type(const struct sm_request *rq);
uint32_t sm_putrootfh(struct sm_request *rq);
uint32_t sm_putfh(struct sm_request *rq, const struct PUTFH4args *a);
uint32_t sm_getfh(struct sm_request *rq, struct GETFH4resok *r);
uint32_t sm_lookup(struct sm_request *rq, const struct LOOKUP4args *a);
uint32_t sm_lookupp(struct sm_request *rq);
uint32_t sm_savefh(struct sm_request *rq);
uint32_t sm_restorefh(struct sm_request *rq);
uint32_t sm_getattr(struct sm *s, struct sm_request *rq, const struct GETATTR4args *a,
		    struct GETATTR4resok *r);

#endif
