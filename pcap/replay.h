/*
 * replay.h - `nfs41check pcap replay`: a capture's NFS calls sent again to a live server, each
 * live reply compared with the captured one.
 *
 * Every captured TCP connection gets its own fresh connection to the target, opened at its
 * first call; calls are sent and replies awaited in the order the capture completed them, so
 * calls that were in flight together are in flight together again. Before a call is sent, the
 * binding table (replay_bind.h) rewrites what the captured server had handed out into what the
 * live server handed out; when the capture starts inside a session (a session or client id it
 * never created), the replay creates its own with the same credential and rebases slot seqids.
 * A captured retransmission (the same xid again on a connection) is sent as one: the same live
 * xid and, when the captured bytes were identical, the same bytes. Other calls get fresh xids.
 * Calls that did not decode are sent as captured with only the xid changed. The client's
 * closes are replayed, and pauses longer than gap_min (a lease left to expire) are kept.
 *
 * Each captured reply is compared with the live one field by field (replay_diff.h). The result
 * is a run_result with one case per call that has a captured reply (id <capture>-f<frame>), so
 * the engine's baselines and report writers apply unchanged.
 */
#ifndef NFS41_PCAP_REPLAY_H
#define NFS41_PCAP_REPLAY_H

#include <stdio.h>

#include "replay_diff.h"
#include "result.h"
#include "rpcstream.h"

struct replay_opts {
	const char *host;        /* the live server */
	uint16_t port;
	struct rpc_read_opts read;
	double reply_timeout;    /* seconds to wait for each live reply (0: 5) */
	double gap_min;          /* captured pauses this long or longer are kept (< 0: none) */
	double max_pause;        /* ... up to this many seconds in all */
	struct diff_mask mask;
	bool keep_owners;        /* client owners as captured (default: unique to the run) */
	uint64_t nonce;          /* makes owners and xids unique to the run (0: from the clock) */
	bool verbose;            /* a line per message, not only per mismatch */
	FILE *out;               /* per-message lines and side-by-side mismatches (NULL: none) */
};

struct replay_stats {
	unsigned long calls;           /* NFS calls in the capture */
	unsigned long sent;            /* ... sent to the live server */
	unsigned long retransmissions; /* ... of which as retransmissions */
	unsigned long raw_sent;        /* ... sent as captured (did not decode): not remapped */
	unsigned long compared;        /* captured replies compared with a live one */
	unsigned long agreed, differed, unanswered; /* ... outcomes (unanswered: no live reply) */
	unsigned long no_captured_reply; /* calls the capture has no reply to */
	unsigned long own_sessions, own_clients; /* created for captures that start mid-session */
	unsigned long rewritten;       /* values replaced by the binding table */
	unsigned long connections;
	unsigned long callbacks;       /* the captured server's callbacks looked for live */
	double paused;                 /* seconds spent keeping captured pauses */
	unsigned long pauses_cut;      /* pauses shortened by max_pause */
};

/* Replay the capture at path; fills r (free with run_result_free) and st. Returns 0, or -1 with
 * err when the capture cannot be read or the target cannot be reached at all. */
int pcap_replay_file(const char *path, const struct replay_opts *o, struct run_result *r,
		     struct replay_stats *st, char *err, size_t errlen);

#endif
