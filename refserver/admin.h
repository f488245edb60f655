/*
 * admin.h - nfs41refd's admin HTTP API and /metrics (libmicrohttpd, JSON via jansson).
 *
 * Endpoints (ids in hex: a clientid is 16 hex digits, a sessionid 32):
 *   GET    /metrics                                   Prometheus text (no token)
 *   GET    /api/v1/clients                            every client record
 *   GET    /api/v1/clients/{clientid}/sessions        its sessions: slots, channels, connections
 *   DELETE /api/v1/clients/{clientid}/sessions/{sessionid}
 *   DELETE /api/v1/clients/{clientid}                 the client and all its sessions
 *   POST   /api/v1/hooks/target  {"sessionid":HEX, "target":N}         (test_hooks only)
 *   POST   /api/v1/hooks/preset  {"sessionid":HEX, "slot":N, "seqid":N} (test_hooks only)
 * Every request that changes state (DELETE, POST) needs `Authorization:
 * Bearer <token>`, the token being the first line of the token file: 401
 * without it or with a wrong one; 403 when no token file is configured (state
 * changes are then refused altogether). With test_hooks off the hook paths
 * are 404. Errors are JSON: {"error": "message"} with a fitting status.
 *
 * Threading. The state machine (sm.h) and the transport snapshot are not
 * thread-safe; libmicrohttpd runs its handlers on its own internal polling
 * thread. So the caller passes one mutex, `lock`, and must hold it around
 * EVERY sm_* call it makes itself (sm_handle, sm_conn_open, sm_conn_close,
 * sm_reap, ...) and while it writes *tstats; the admin handlers take the same
 * lock around each of their sm_* calls and while they read *tstats. The lock
 * is never held across I/O. lock may be NULL when only one thread exists
 * (unit tests calling admin_handle() directly).
 */
#ifndef NFS41_REFSERVER_ADMIN_H
#define NFS41_REFSERVER_ADMIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sm.h"
#include "transport.h"

struct admin_opts {
	const char *listen_addr;     /* numeric IPv4 address; NULL: 127.0.0.1 */
	uint16_t port;               /* the admin port (must not be 0 for admin_listen ...) */
	bool any_port;               /* ... unless this is set: pick a free one (admin_port()) */
	const char *token_file;      /* NULL or "": no token, state changes refused (403) */
	bool test_hooks;             /* serve /api/v1/hooks/... */
	struct sm *sm;
	pthread_mutex_t *lock;       /* guards sm and *tstats; see above */
	const struct transport_stats *tstats; /* the loop's latest snapshot; NULL: none */
};

struct admin;

/*
 * Read the token file (its first line, without the newline; it must not be
 * empty) and build the request handler. Returns NULL with err set on failure.
 */
struct admin *admin_new(const struct admin_opts *o, char *err, size_t errlen);
/* Start serving HTTP on listen_addr:port (an internal polling thread). 0, or -1 with err set. */
/* The port admin_listen() bound (the one picked with any_port). */
uint16_t admin_port(const struct admin *a);
int admin_listen(struct admin *a, char *err, size_t errlen);
/* Stop the HTTP thread (if started) and free a. NULL is fine. */
void admin_free(struct admin *a);

/* One request, transport-independent (the HTTP thread and the unit tests use it). */
struct admin_request {
	const char *method;        /* "GET", "DELETE", "POST", ... */
	const char *url;           /* the path, e.g. "/api/v1/clients" */
	const char *authorization; /* the Authorization header, or NULL */
	const char *body;          /* the request body (not NUL-terminated), or NULL */
	size_t body_len;
};

struct admin_reply {
	unsigned status;          /* HTTP status */
	const char *content_type; /* static string */
	char *body;               /* malloc'ed, NUL-terminated; the caller frees it */
	size_t body_len;
};

/* Handle rq into rp (always filled; rp->body may be NULL only when out of memory). */
void admin_handle(struct admin *a, const struct admin_request *rq, struct admin_reply *rp);

#endif
