/*
 * decode.h - `nfs41check pcap decode`: every NFS message of a capture, one line each (frame,
 * stream, ports, the wire printer's summary), every field with -v, a JSON document with --json,
 * or tshark's field columns with --tsv (to compare with `tshark -T fields`). Warnings for
 * malformed frames, gaps and undecodable messages go to their own stream; nothing stops the run
 * but a file libpcap cannot read on.
 */
#ifndef NFS41_PCAP_DECODE_H
#define NFS41_PCAP_DECODE_H

#include <stdio.h>

#include "rpcstream.h"

enum decode_format { DECODE_TEXT, DECODE_VERBOSE, DECODE_JSON, DECODE_TSV };

struct decode_opts {
	enum decode_format format;
	struct rpc_read_opts read;
	bool stats;              /* a summary of what was read at the end (text formats: to warn) */
};

struct decode_result {
	struct rpc_stats st;
	uint64_t messages;       /* NFS messages printed */
	uint64_t undecodable;    /* ... of which the NFS part did not decode */
	uint64_t warnings;
};

/* Decode the capture at path onto out (warnings onto warn). Returns 0, or -1 with err filled
 * when the file cannot be opened or read on (what was read is printed). */
int pcap_decode_file(const char *path, const struct decode_opts *o, FILE *out, FILE *warn,
		     struct decode_result *res, char *err, size_t errlen);
/* The same over an open capture (capture_open_memory: fuzzing, tests); the caller closes it. */
int pcap_decode_capture(struct capture *c, const struct decode_opts *o, FILE *out, FILE *warn,
			struct decode_result *res, char *err, size_t errlen);

#endif
