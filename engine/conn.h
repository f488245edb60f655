/*
 * conn.h - one client TCP connection to the server under test.
 *
 * Sends whole RPC records (record-marked, split into fragments of any size)
 * and collects the replies with the wire library's record reader, keyed by
 * xid, so several calls may be in flight and their replies awaited in any
 * order. Every wait has a deadline: a silent or hanging server never blocks
 * a run. Bytes in both directions are reported to an observer (the pcap
 * recorder) exactly as they crossed the socket.
 */
#ifndef NFS41_ENGINE_CONN_H
#define NFS41_ENGINE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recmark.h"

#define CONN_MAX_RECORD (4u << 20)
#define CONN_MAX_KEPT 4096u /* messages received and not taken: a client that never asks for
			       them (a replay of calls whose replies it does not compare) */

struct conn_observer {
	void *ctx;
	void (*on_open)(void *ctx, int conn_index, uint16_t local_port, uint16_t server_port);
	void (*on_bytes)(void *ctx, int conn_index, int from_server, const uint8_t *p, size_t n);
	void (*on_close)(void *ctx, int conn_index, int by_server);
};

struct conn_reply {
	uint32_t xid;
	uint32_t msg_type; /* ONCRPC_REPLY, or ONCRPC_CALL: the server calling back (RFC 8881 s2.10.3.1) */
	uint8_t *rec;
	size_t len;
	double at; /* monotonic seconds when it completed */
};

struct conn {
	int index;            /* for the observer */
	int fd;               /* -1 when closed */
	bool peer_closed;     /* the server closed (or reset) the connection */
	char broken[200];     /* the stream is garbled: why (reads stop) */
	uint16_t local_port, server_port;
	struct rm_reader rm;
	struct conn_reply *replies; /* received, not yet taken (at most CONN_MAX_KEPT: the oldest go) */
	size_t nreplies, replies_cap;
	unsigned long dropped;      /* replies never taken, dropped past CONN_MAX_KEPT */
	const struct conn_observer *obs;
};

enum conn_wait {
	CONN_GOT_REPLY, /* the reply, or with conn_wait_call() the server's call */
	CONN_CLOSED,   /* the server closed the connection first */
	CONN_TIMEOUT,  /* nothing by the deadline */
	CONN_BROKEN,   /* garbled stream (see conn.broken) or a socket error */
};

double conn_now(void); /* monotonic seconds */

/* Split "HOST:PORT" ("[v6addr]:PORT" too) into host and port. Returns 0, or -1 with err. */
int conn_parse_target(const char *target, char *host, size_t hostlen, uint16_t *port, char *err,
		      size_t errlen);

/* Connect to host:port by the deadline. Returns 0, or -1 with err. */
int conn_open(struct conn *c, int index, const char *host, uint16_t port, double deadline,
	      const struct conn_observer *obs, char *err, size_t errlen);
/* Send bytes exactly as given (already record-marked). */
int conn_send_bytes(struct conn *c, const uint8_t *p, size_t n, char *err, size_t errlen);
/* Record-mark rec in fragments of frag bytes (0: one fragment) and send it. */
int conn_send_record(struct conn *c, const uint8_t *rec, size_t len, size_t frag, char *err,
		     size_t errlen);
/*
 * Wait for the reply with xid (the caller takes ownership of *out's rec).
 * Replies to other xids received meanwhile are kept for later.
 */
enum conn_wait conn_wait_reply(struct conn *c, uint32_t xid, double deadline,
			       struct conn_reply *out);
/* Wait for the oldest call the server made on this connection (a callback on the back channel;
 * the caller takes ownership of *out's rec). */
enum conn_wait conn_wait_call(struct conn *c, double deadline, struct conn_reply *out);
/* Read what has arrived without waiting (at most 64 reads: a peer that never stops sending
 * cannot hold it); completed replies join c->replies. */
void conn_read_available(struct conn *c);
/* Wait until the server closes the connection or the deadline passes. */
enum conn_wait conn_wait_close(struct conn *c, double deadline);
void conn_close(struct conn *c);

#endif
