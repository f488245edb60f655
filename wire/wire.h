/*
 * wire.h - whole ONC RPC messages carrying NFSv4 (the API most callers want).
 *
 * A wire_msg is one RPC record: the call or reply header and, for NFSv4
 * COMPOUND, the decoded arguments or results. The server decodes calls and
 * encodes replies, the engine the reverse, the pcap reader decodes both.
 */
#ifndef NFS41_WIRE_WIRE_H
#define NFS41_WIRE_WIRE_H

#include <stdio.h>

#include "nfs4_xdr.h"
#include "recmark.h"
#include "rpc.h"
#include "xdr.h"

/* A reply does not say which procedure it answers; the caller may know. */
#define WIRE_PROC_UNKNOWN UINT32_MAX

struct wire_decode_opts {
	unsigned flags;      /* WIRE_STRICT, or 0 for lenient (warnings) */
	uint32_t max_ops;    /* op-count limit for COMPOUND (0: WIRE_MAX_OPS_DEFAULT) */
	uint32_t reply_proc; /* replies: NFSPROC4_NULL, NFSPROC4_COMPOUND or WIRE_PROC_UNKNOWN
				(then an empty body means NULL, any other a COMPOUND) */
};

struct wire_msg {
	uint32_t xid;
	uint32_t msg_type; /* ONCRPC_CALL or ONCRPC_REPLY */
	struct oncrpc_call call;
	struct oncrpc_reply reply;
	uint32_t proc;           /* the procedure (for replies: given or inferred) */
	bool is_compound;        /* args (call) or res (reply) below are filled */
	struct COMPOUND4args args;
	struct COMPOUND4res res;
	struct wire_opaque body; /* the procedure's arguments or results, undecoded */
	unsigned warnings;       /* lenient mode: padding/trailing problems */
	struct wire_error warning;
};

/*
 * Decode one record. Returns WIRE_OK or the error, with *err filled (field
 * path, offset). On error m still holds what decoded; always wire_msg_free().
 * Calls to programs or versions other than NFSv4 decode the RPC header only.
 */
enum wire_status wire_msg_decode(const uint8_t *buf, size_t len, const struct wire_decode_opts *o,
				 struct wire_msg *m, struct wire_error *err);
/* Encode m into buf; returns the size needed (> cap: output unusable). */
size_t wire_msg_encode(const struct wire_msg *m, uint8_t *buf, size_t cap);
void wire_msg_free(struct wire_msg *m);

/* One line like Wireshark's Info column:
 * "V4 Call xid 0x1e9819cd COMPOUND v4.1 SEQUENCE PUTROOTFH GETFH". */
char *wire_msg_summary(const struct wire_msg *m, char *buf, size_t n);
/* Every field, one per line, indented. */
void wire_msg_print(FILE *out, const struct wire_msg *m);

#endif
