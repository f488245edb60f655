/*
 * flow.h - TCP reassembly: the segments of a capture, in any order, become each connection's two
 * byte streams. One flow per connection, numbered in order of first appearance as Wireshark's
 * tcp.stream. Out-of-order segments wait (up to a byte cap per direction), retransmissions and
 * overlaps are trimmed (the first copy of a byte wins), sequence numbers wrap modulo 2^32, and
 * bytes that never appear are reported as a gap before the stream goes on after them.
 */
#ifndef NFS41_PCAP_FLOW_H
#define NFS41_PCAP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

enum { FLOW_TO_SERVER = 0, FLOW_TO_CLIENT = 1 };

struct flow_seg; /* a segment waiting for the bytes before it */

struct flow_half {
	bool started;        /* next is known (a SYN, or the first segment seen) */
	bool syn;            /* ... from a SYN, whose sequence number is isn */
	uint32_t isn;
	uint32_t next;       /* sequence number of the next in-order byte */
	struct flow_seg *pending; /* out-of-order segments, by sequence number */
	size_t pending_bytes;
	bool fin, rst;
};

struct flow {
	uint64_t stream;                  /* 0, 1, ... (tcp.stream) */
	int ip_version;
	uint8_t addr[2][PKT_ADDR_MAX];    /* [FLOW_TO_SERVER]: the client's, [FLOW_TO_CLIENT]: the server's */
	uint16_t port[2];                 /* the client's and the server's port */
	struct flow_half half[2];         /* by direction: FLOW_TO_SERVER, FLOW_TO_CLIENT */
	void *user;                       /* the consumer's state for this connection */
	struct flow *next;
};

struct flow_sink {
	void *ctx;
	/* n bytes of direction dir, in order; frame is the frame that carried the last of them. */
	void (*data)(void *ctx, struct flow *f, int dir, const uint8_t *p, size_t n, uint64_t frame);
	/* missing bytes of direction dir never appeared; the stream goes on after them. */
	void (*gap)(void *ctx, struct flow *f, int dir, uint64_t missing, uint64_t frame);
	/* Optional: direction dir sent its first FIN (or a RST: reset) in frame. */
	void (*closed)(void *ctx, struct flow *f, int dir, bool reset, uint64_t frame);
};

struct flow_stats {
	uint64_t segments;      /* TCP segments fed */
	uint64_t flows;
	uint64_t retransmitted; /* segments whose bytes had all been seen */
	uint64_t out_of_order;  /* segments that had to wait */
	uint64_t gaps, gap_bytes;
	uint64_t truncated;     /* segments cut by the snap length */
};

struct flow_table;

/* server_port: the side whose port this is is the server when no SYN says so (0: none).
 * max_pending: bytes of out-of-order data one direction may hold before its gap is declared. */
struct flow_table *flow_table_new(uint16_t server_port, size_t max_pending,
				  const struct flow_sink *sink);
/* One TCP segment, carried by frame. Returns -1 only when memory runs out. */
int flow_table_add(struct flow_table *t, const struct pkt_tcp *seg, uint64_t frame);
/* The end of the capture: data still waiting goes out after its gap. */
void flow_table_finish(struct flow_table *t);
const struct flow_stats *flow_table_stats(const struct flow_table *t);
/* Frees every flow, calling free_user(f->user) first when given. */
void flow_table_free(struct flow_table *t, void (*free_user)(void *user));

#endif
