/*
 * sm.h - the NFSv4.1 session-lifecycle state machine of nfs41refd.
 *
 * No sockets and no wall clock: the transport hands it whole RPC records
 * with a connection id and sends back what it returns; the clock is a
 * function the caller provides, so tests and fuzzers move time by hand.
 * Single-threaded: every call runs to completion on the caller's thread
 * and nothing inside blocks.
 */
#ifndef NFS41_REFSERVER_SM_H
#define NFS41_REFSERVER_SM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The limits the state machine enforces (filled from the server's configuration). */
struct sm_limits {
	uint32_t lease_seconds;            /* RFC 8881 s8.3; reported as lease_time */
	uint32_t max_clients;
	uint32_t max_sessions_per_client;
	uint32_t max_fore_slots;           /* ca_maxrequests is clamped to this */
	uint32_t max_back_slots;
	uint32_t max_ops;                  /* ca_maxoperations is clamped to this */
	uint32_t max_request_size;         /* ca_maxrequestsize */
	uint32_t max_response_size;        /* ca_maxresponsesize */
	uint32_t max_response_size_cached; /* ca_maxresponsesize_cached */
	uint32_t max_conns_per_session;
	uint32_t unconfirmed_seconds;      /* unconfirmed records dropped after this */
	uint64_t reply_cache_cap;          /* bytes of cached replies, all sessions */
	/* The server incarnation carried in client ids, session ids and the server owner: 0 takes
	 * it from the wall clock at sm_new (what nfs41refd does, so every restart is a new
	 * incarnation); any other value fixes it, so that tests and fuzzers get the same ids
	 * from the same input. */
	uint64_t incarnation;
};

/* Defaults per the reference-server profile (catalogue section 17). */
void sm_limits_default(struct sm_limits *l);

struct sm_clock {
	uint64_t (*now_ms)(void *ctx); /* monotonic milliseconds */
	void *ctx;
};

struct sm;

struct sm *sm_new(const struct sm_limits *l, const struct sm_clock *clock);
void sm_free(struct sm *s);

/* A transport connection opened or closed (a closed one is unbound from every session). */
void sm_conn_open(struct sm *s, uint64_t conn);
void sm_conn_close(struct sm *s, uint64_t conn);

enum sm_action {
	SM_REPLY,   /* send *reply (malloc'ed; the caller frees it) */
	SM_NOTHING, /* send nothing (a reply record the server received, say) */
	SM_CLOSE,   /* close the connection: the stream cannot be trusted (RFC 8881 s2.9.2) */
};

/* Decision log (session created/destroyed, replay served, false retry, misordered, reaped). */
struct sm_log {
	void (*line)(void *ctx, const char *msg); /* one line, no newline: lifecycle decisions */
	/* Per-request decisions (a replay served, a false retry, a misordered seqid): as many as
	 * the calls under load, so a separate, quieter sink; NULL drops them. */
	void (*detail)(void *ctx, const char *msg);
	void *ctx;
};

void sm_set_log(struct sm *s, const struct sm_log *log);

/* Handle one RPC record received on conn. */
enum sm_action sm_handle(struct sm *s, uint64_t conn, const uint8_t *rec, size_t len,
			 uint8_t **reply, size_t *reply_len);

/* Run the reaper: expired leases and stale unconfirmed records (RFC 8881 s8.3, s18.35.4). */
void sm_reap(struct sm *s);

/* Why a session went away (a metrics label with fixed values). */
enum sm_destroy_reason {
	SM_BY_CLIENT,      /* DESTROY_SESSION */
	SM_BY_CLIENT_GONE, /* DESTROY_CLIENTID, or a restarted client's old incarnation */
	SM_BY_ADMIN,       /* the admin API */
	SM_BY_REAPER,      /* the lease expired */
	SM_BY_RESTART,     /* the restart test hook, without state */
	SM_DESTROY_NREASONS
};

const char *sm_destroy_reason_name(enum sm_destroy_reason r);

/* Session lifetime histogram: upper bounds in seconds, then +Inf. */
#define SM_DURATION_BUCKETS 6
extern const double sm_duration_bounds[SM_DURATION_BUCKETS - 1];

/* Counters for metrics and tests. */
struct sm_stats {
	uint64_t clients_confirmed, clients_unconfirmed;
	uint64_t sessions_active, sessions_created, sessions_destroyed;
	uint64_t compounds, replays_served, false_retries, misordered;
	uint64_t reaper_runs, reaped_clients;
	uint64_t reply_cache_bytes;
	uint64_t sequences;                  /* SEQUENCE operations handled */
	uint64_t slots_in_use;               /* slots that have served a request, all sessions */
	uint64_t destroyed_by[SM_DESTROY_NREASONS];
	uint64_t duration_buckets[SM_DURATION_BUCKETS]; /* per bucket, not cumulative */
	uint64_t duration_count;
	double duration_sum;                 /* seconds */
};

void sm_stats(const struct sm *s, struct sm_stats *out);

/* ---- snapshots and administration (the admin API and nfs41ctl) ---- */

#define SM_MAX_CONN_INFO 16

struct sm_client_info {
	uint64_t clientid;
	bool confirmed;
	uint8_t owner[64]; /* the first bytes of co_ownerid */
	uint32_t owner_len; /* the full length */
	uint32_t nsessions;
	uint64_t created_ms, lease_expiry_ms;
};

struct sm_session_info {
	uint8_t sessionid[16];
	uint64_t clientid;
	uint32_t flags;                       /* csr_flags */
	uint32_t fore_slots, fore_max_ops, fore_max_request, fore_max_response, fore_max_cached;
	uint32_t back_slots, back_max_ops;
	uint32_t slots_in_use;                /* slots that have served a request */
	uint32_t highest_slotid, target_highest_slotid;
	uint64_t cached_bytes;
	uint32_t nconns;
	uint64_t conns[SM_MAX_CONN_INFO];     /* transport connection ids bound */
	uint32_t conn_dirs[SM_MAX_CONN_INFO]; /* CDFS4_FORE / CDFS4_BACK bits */
	uint64_t created_ms, last_used_ms;
};

/* Fill up to max entries; returns how many exist (which may be more than max). */
size_t sm_list_clients(const struct sm *s, struct sm_client_info *out, size_t max);
/* The sessions of clientid (all sessions when clientid is 0). */
size_t sm_list_sessions(const struct sm *s, uint64_t clientid, struct sm_session_info *out,
			size_t max);
/* Administrative destruction: 0, or -1 when there is no such client or session. */
int sm_admin_destroy_session(struct sm *s, uint64_t clientid, const uint8_t sessionid[16]);
int sm_admin_destroy_client(struct sm *s, uint64_t clientid);
/*
 * Test hooks (catalogue s17): each returns 0, or -1 when there is no such session, slot or
 * client (or a value is out of range). They bend state a client cannot reach by itself, so
 * cases can test what a server does then; nfs41refd offers them only with test_hooks on.
 */
/* Lower a session's target_highest_slotid (SES-18..SES-21). */
int sm_hook_set_target(struct sm *s, const uint8_t sessionid[16], uint32_t target);
/* Cut the enforced highest slot id at once: new requests above it get BAD_HIGH_SLOT (SES-19). */
int sm_hook_force_highest(struct sm *s, const uint8_t sessionid[16], uint32_t highest);
/* Preset a slot's last seqid, for the wrap at 2^32 (SES-12). */
int sm_hook_preset_slot(struct sm *s, const uint8_t sessionid[16], uint32_t slot, uint32_t seqid);
/* Hold the reply to the next new request on the slot for ms (1..SM_MAX_DELAY_MS); the slot
 * stays busy meanwhile, so a retry meets a request still executing (SES-34, DS-12). */
#define SM_MAX_DELAY_MS 60000u
int sm_hook_delay(struct sm *s, const uint8_t sessionid[16], uint32_t slot, uint32_t ms);
/* A restart as client clientid sees it (every client when clientid is 0). Without state the
 * client's record and sessions are forgotten (a whole-server restart also starts a new
 * incarnation: every earlier client and session id is stale, SES-39, SES-40). With state the
 * client record stays and its sessions become dead: replays are served from their caches, new
 * requests get NFS4ERR_DEADSESSION, and every connection is unbound (SES-37). Replies held by
 * the delay hook are lost either way, as in a crash. */
int sm_hook_restart(struct sm *s, uint64_t clientid, bool keep_state);
/* Revoke the client's state: SEQ4_STATUS_ADMIN_STATE_REVOKED on every reply until
 * FREE_STATEID names the stateid written to stateid_xdr (seqid then other, SEQ-15). */
int sm_hook_revoke(struct sm *s, uint64_t clientid, uint8_t stateid_xdr[16]);
/* The session lost its back channel's state: SEQ4_STATUS_BACKCHANNEL_FAULT from now on (SEQ-16). */
int sm_hook_backchannel_fault(struct sm *s, const uint8_t sessionid[16]);
/* The client may hold at most max sessions: CREATE_SESSION beyond gets NFS4ERR_NOSPC (CS-15). */
int sm_hook_session_cap(struct sm *s, uint64_t clientid, uint32_t max);

/* The client as if its EXCHANGE_ID had come over RPCSEC_GSS and been granted SP4_MACH_CRED
 * (SES-44): its creating principal becomes the machine credential. CREATE_SESSION,
 * DESTROY_SESSION, DESTROY_CLIENTID and (bind) BIND_CONN_TO_SESSION from another principal get
 * NFS4ERR_WRONG_CRED (DS-05, BCTS-04, DCID-09); while the lease lasts another principal's
 * EXCHANGE_ID cannot take the owner over (NFS4ERR_CLID_INUSE); with bind, SEQUENCE no longer
 * binds a connection implicitly: NFS4ERR_CONN_NOT_BOUND_TO_SESSION (SEQ-11). */
int sm_hook_mach_cred(struct sm *s, uint64_t clientid, bool bind);

/* Replies held by the delay hook: the time the next one is due (UINT64_MAX: none held). */
uint64_t sm_next_release_ms(const struct sm *s);
/* Release one held reply that is due: true with *conn and *reply (malloc'ed; the caller frees
 * it and sends it if the connection is still open); its slot is finished now. */
bool sm_release_due(struct sm *s, uint64_t *conn, uint8_t **reply, size_t *reply_len);
/* The current time of the state machine's clock, milliseconds. */
uint64_t sm_clock_ms(const struct sm *s);

#endif
