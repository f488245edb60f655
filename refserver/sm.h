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

/* Handle one RPC record received on conn. */
enum sm_action sm_handle(struct sm *s, uint64_t conn, const uint8_t *rec, size_t len,
			 uint8_t **reply, size_t *reply_len);

/* Run the reaper: expired leases and stale unconfirmed records (RFC 8881 s8.3, s18.35.4). */
void sm_reap(struct sm *s);

/* Counters for metrics and tests. */
struct sm_stats {
	uint64_t clients_confirmed, clients_unconfirmed;
	uint64_t sessions_active, sessions_created, sessions_destroyed;
	uint64_t compounds, replays_served, false_retries, misordered;
	uint64_t reaper_runs, reaped_clients;
	uint64_t reply_cache_bytes;
};

void sm_stats(const struct sm *s, struct sm_stats *out);

#endif
