/*
 * rpcstream.h - the ONC RPC messages of a capture: frames -> TCP segments (packet.h) ->
 * reassembled streams (flow.h) -> records (the wire library's record-marking reader, one per
 * direction) -> calls and replies matched by xid per connection (RFC 5531 s9). Only connections
 * with the NFS port on one side are read; messages of programs other than NFS (100003) are
 * skipped and counted. Nothing here decodes NFS: the consumer gets each record with what the
 * matching knows (the call's program and procedure for a reply) and decodes it with wire.h.
 */
#ifndef NFS41_PCAP_RPCSTREAM_H
#define NFS41_PCAP_RPCSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "flow.h"

struct rpc_message {
	uint64_t frame;          /* the frame that completed the record */
	uint64_t first_frame;    /* the frame that carried its first byte */
	struct timeval ts;       /* the capture time of the frame that completed it */
	const struct flow *flow; /* the connection: stream number, addresses, ports */
	int dir;                 /* FLOW_TO_SERVER or FLOW_TO_CLIENT */
	const uint8_t *rec;      /* the record, without record marking; valid during the callback */
	size_t len;
	unsigned fragments;
	uint32_t xid, msg_type;  /* ONCRPC_CALL or ONCRPC_REPLY */
	uint32_t prog, vers, proc; /* a call's own; a reply's call's (proc WIRE_PROC_UNKNOWN: no call) */
	bool matched;            /* a reply whose call is in the capture */
	uint64_t call_frame;     /* ... and the frame of that call */
	bool retransmission;     /* a call whose xid was called before on this connection */
};

struct rpc_stats {
	uint64_t frames, tcp_frames, skipped_frames, malformed_frames, other_tcp_frames;
	uint64_t records, calls, replies, other_program, unmatched_replies;
	uint64_t bad_records;    /* record-marking errors: the direction resynchronises */
	uint64_t dropped_bytes;  /* bytes passed over while resynchronising */
	struct flow_stats tcp;
};

struct rpc_sink {
	void *ctx;
	void (*message)(void *ctx, const struct rpc_message *m);
	/* Something in the capture that is not as it should be, at frame (0: the whole file). */
	void (*warning)(void *ctx, uint64_t frame, const char *text);
	/* Optional: one side of a connection closed (FIN) or reset it (RST), in frame at ts. */
	void (*closed)(void *ctx, const struct flow *f, int dir, bool reset, uint64_t frame,
		       struct timeval ts);
};

struct rpc_read_opts {
	uint16_t port;       /* the NFS server's TCP port (0: 2049) */
	size_t max_record;   /* record size limit (0: 4 MiB) */
	size_t max_pending;  /* out-of-order bytes per direction before a gap (0: 8 MiB) */
	bool callbacks;      /* also the back channel: calls from the server and the client's
				replies to them, whatever their program (RFC 8881 s2.10.3.1) */
};

/* Read the whole capture, calling sink for every NFS message in order of completion.
 * Returns 0, or -1 with err filled when the file itself cannot be read on (what was read
 * before is delivered; the statistics count it). */
int rpc_read_capture(struct capture *c, const struct rpc_read_opts *o, const struct rpc_sink *sink,
		     struct rpc_stats *st, char *err, size_t errlen);

#endif
