/*
 * tocase.h - `nfs41check pcap to-case`: a capture as a case file (docs/case-language.md), so a
 * captured failure becomes a permanent regression case. Every NFS call becomes a send on the
 * connection it used (c1 for tcp.stream 0, ...), every reply an expect with the captured status
 * and result ops. What the server handed out becomes variables: client ids, session ids and
 * filehandles are saved from the replies and used where the capture used them; seqids and
 * csa_sequence are written relative to what the engine tracks ($seqid[N] + 1), so misordered and
 * replayed requests stay misordered and replayed against another server. A retransmission
 * (the same xid again) is a `resend`. Ops the case language has no fields for go as raw XDR.
 */
#ifndef NFS41_PCAP_TOCASE_H
#define NFS41_PCAP_TOCASE_H

#include <stdio.h>

#include "rpcstream.h"

struct tocase_opts {
	const char *id;           /* the case id (default: from the file name) */
	const char *requirements; /* requirement ids (default: CMP-22) */
	struct rpc_read_opts read;
};

struct tocase_result {
	struct rpc_stats st;
	unsigned long calls, replies, raw_ops, unmatched;
};

/* Write the case for the capture at path onto out. Returns 0, or -1 with err filled. */
int pcap_to_case_file(const char *path, const struct tocase_opts *o, FILE *out,
		      struct tocase_result *res, char *err, size_t errlen);

#endif
