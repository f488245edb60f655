/*
 * transport.h - the nfs41refd TCP transport: one epoll loop, record marking in, replies out.
 *
 * Concurrency: none. One thread creates the transport, runs the loop and
 * frees it; every function here must be called from that thread, and every
 * callback runs on it, from inside transport_run_once(). Nothing blocks:
 * sockets are non-blocking and each readiness event reads at most 64 KiB,
 * so one busy connection cannot starve the others.
 *
 * What callbacks may do (redis ae.c style):
 *   - call transport_send() and transport_close() on any connection,
 *     their own included, and transport_stats() / transport_port();
 *   - NOT call transport_run_once(), transport_run() or transport_free()
 *     (asserted). A close requested inside a callback takes effect after
 *     the callback returns: the connection gets no further records, and its
 *     on_close runs once, from the same run_once call.
 *
 * Connection ids are 64-bit, start at 1 and are never reused.
 *
 * Hostile peers. Each case closes that connection only, with one log line
 * and an on_close reason; the others keep being served:
 *   - a fragment header that takes the record over max_record (checked by
 *     rm_reader before any allocation for it): TRANSPORT_CLOSE_BAD_RECORD;
 *   - more than max_fragments fragments in one record. Zero-length
 *     non-final fragments add no bytes, so the byte limit never stops
 *     them and, arriving steadily, they would keep the idle timer reset:
 *     the fragment cap is what ends them (TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS);
 *   - no byte received or sent for idle_timeout_ms, whether between
 *     records or half-way through one (TRANSPORT_CLOSE_IDLE). A peer
 *     trickling one byte per period is not caught; max_connections bounds
 *     what it costs;
 *   - queued reply bytes that would exceed max_output because the peer does
 *     not read (TRANSPORT_CLOSE_OUTPUT_FULL);
 *   - connections beyond max_connections are accepted and closed at once
 *     (counted as refused; no on_open, no on_close).
 * Memory is bounded by max_connections * (max_record + max_output) plus a
 * fixed 64 KiB read buffer; record and output buffers over 64 KiB are
 * released once they empty.
 */
#ifndef NFS41_REFSERVER_TRANSPORT_H
#define NFS41_REFSERVER_TRANSPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

enum transport_log_level { TRANSPORT_LOG_ERROR, TRANSPORT_LOG_WARN, TRANSPORT_LOG_INFO,
			   TRANSPORT_LOG_DEBUG };

struct transport_opts {
	const char *listen_addr;   /* numeric IPv4 or IPv6; NULL: 127.0.0.1 */
	uint16_t port;             /* 0: pick a free port (see transport_port()) */
	unsigned max_connections;  /* 0: 1024 */
	size_t max_record;         /* record payload limit; 0: 4 MiB */
	unsigned max_fragments;    /* fragments per record; 0: 4096 */
	unsigned idle_timeout_ms;  /* no byte moved either way for this long; 0: never */
	size_t max_output;         /* queued reply bytes per connection; 0: max_record + 4 */
	/* Log sink; NULL discards. msg is one line without a newline. */
	void (*log)(void *log_ctx, enum transport_log_level level, const char *msg);
	void *log_ctx;
};

enum transport_action {
	TRANSPORT_NONE,  /* no reply (yet): transport_send() may send one later */
	TRANSPORT_REPLY, /* send *reply (one record) */
	TRANSPORT_CLOSE, /* close the connection (after sending *reply, if set) */
};

enum transport_close_reason {
	TRANSPORT_CLOSE_PEER,               /* the peer closed or reset */
	TRANSPORT_CLOSE_IO_ERROR,           /* recv or send failed */
	TRANSPORT_CLOSE_BAD_RECORD,         /* record over max_record (or no memory for it) */
	TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS, /* more than max_fragments in one record */
	TRANSPORT_CLOSE_IDLE,               /* idle_timeout_ms without a byte */
	TRANSPORT_CLOSE_OUTPUT_FULL,        /* the peer does not read its replies */
	TRANSPORT_CLOSE_HANDLER,            /* TRANSPORT_CLOSE or transport_close() */
	TRANSPORT_CLOSE_SHUTDOWN,           /* transport_free() */
	TRANSPORT_CLOSE_NREASONS
};

struct transport_handler {
	void *ctx;
	/* A connection was accepted; peer is "addr:port". May be NULL. */
	void (*on_open)(void *ctx, uint64_t conn_id, const char *peer);
	/*
	 * One whole record (rec valid only during the call, never NULL, len may
	 * be 0). To reply, set *reply to a malloc'd buffer of *reply_len bytes:
	 * the transport owns it from then on, whatever the action, and
	 * record-marks it as one fragment.
	 */
	enum transport_action (*on_record)(void *ctx, uint64_t conn_id, const uint8_t *rec,
					   size_t len, uint8_t **reply, size_t *reply_len);
	/* The connection is gone (its id is dead from now on). May be NULL. */
	void (*on_close)(void *ctx, uint64_t conn_id, enum transport_close_reason reason);
};

struct transport_stats {
	unsigned connections;          /* open now */
	uint64_t accepted, refused;    /* refused: over max_connections */
	uint64_t closed[TRANSPORT_CLOSE_NREASONS];
	uint64_t records_in, replies_out;
	uint64_t bytes_in, bytes_out;
	size_t in_buffered;            /* record buffers allocated now, all connections */
	size_t out_queued;             /* reply bytes queued now, all connections */
	size_t out_queued_peak_conn;   /* the most one connection ever had queued */
};

struct transport;

/*
 * Listen on o->listen_addr:o->port. Returns NULL with err set on failure
 * (bad address, bind or listen error). h is copied.
 */
struct transport *transport_new(const struct transport_opts *o, const struct transport_handler *h,
				char *err, size_t errlen);
/* Close every connection (on_close with TRANSPORT_CLOSE_SHUTDOWN) and the listener. */
void transport_free(struct transport *t);

/* The port actually bound (useful with port 0). */
uint16_t transport_port(const struct transport *t);

/*
 * Wait up to timeout_ms (-1: until something happens) and handle what is
 * ready: accepts, reads and callbacks, writes, idle timeouts, closes.
 * Returns the number of readiness events handled, or -1 if epoll failed
 * (EINTR is not a failure: it returns 0).
 */
int transport_run_once(struct transport *t, int timeout_ms);
/* Loop until *stop becomes non-zero (checked at least every 200 ms). Returns 0, or -1 as above. */
int transport_run(struct transport *t, const volatile sig_atomic_t *stop);

/*
 * Queue one record for conn_id (copied, record-marked). Returns 0, or -1 when
 * the connection is unknown or closing, or the queue would overflow (which
 * closes it with TRANSPORT_CLOSE_OUTPUT_FULL).
 */
int transport_send(struct transport *t, uint64_t conn_id, const uint8_t *rec, size_t len);
/* Close conn_id (reason TRANSPORT_CLOSE_HANDLER). Returns 0, or -1 if unknown. */
int transport_close(struct transport *t, uint64_t conn_id);

void transport_stats(const struct transport *t, struct transport_stats *s);
/* "peer", "io-error", "bad-record", ... */
const char *transport_close_reason_name(enum transport_close_reason r);

#endif
