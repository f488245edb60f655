/*
 * livefuzz.h - `nfs41check fuzz`: a grammar-aware fuzzer of a live NFSv4.1 server.
 *
 * Owns the fuzz loop: the seed pool, the fuzzer's own client and session (set up again at every
 * liveness check and whenever the server destroys it), sending each mutant (livefuzz_mutate.h),
 * the oracles (well-formed replies, liveness, reply time), the finding files and their replay.
 * Prints nothing: the CLI (livefuzz_cli.c) prints progress and the summary from lf_stats.
 */
#ifndef NFS41_ENGINE_LIVEFUZZ_H
#define NFS41_ENGINE_LIVEFUZZ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "livefuzz_mutate.h"

#define LF_MAX_SEEDS 4096u      /* seed pool cap */
#define LF_MAX_FINDINGS_CAP 1000u
#define LF_MAX_SIGNATURES 256u  /* distinct finding signatures remembered */

struct lf_seed {
	uint8_t *rec;
	size_t len;
};

struct lf_pool {
	struct lf_seed *v;
	size_t n;
	unsigned long duplicates, rejected; /* not added: seen already, or not an NFSv4 call */
};

/* Add a call record (copied) when it is an NFSv4 call, new and within the caps. */
void lf_pool_add(struct lf_pool *p, const uint8_t *rec, size_t len);
void lf_pool_free(struct lf_pool *p);
/* The built-in grammar seeds: one well-formed call per shape the catalogue uses. */
void lf_pool_add_builtin(struct lf_pool *p, uint64_t seed);
/* The NFSv4 calls of a capture (pcap, pcapng) to server port (0: 2049). 0, or -1 with err. */
int lf_pool_add_pcap(struct lf_pool *p, const char *path, uint16_t port, char *err,
		     size_t errlen);
/* Sort by bytes, so the pool (and the run) does not depend on the order seeds arrived in. */
void lf_pool_sort(struct lf_pool *p);

enum lf_finding_kind {
	LF_FIND_MALFORMED,  /* a reply that does not decode strictly, or of the wrong shape */
	LF_FIND_NO_REPLY,   /* no reply to a call with intact framing by --reply-timeout */
	LF_FIND_CLOSED,     /* the connection closed on a call with intact framing */
	LF_FIND_STUCK,      /* after an undecodable call the connection neither answers nor closes */
	LF_FIND_SETUP,      /* the fuzzer's own EXCHANGE_ID / CREATE_SESSION failed mid-run */
	LF_FIND_DEAD,       /* the liveness check failed: NULL or EXCHANGE_ID on a new connection */
	LF_FIND_KINDS
};

const char *lf_finding_kind_name(enum lf_finding_kind k);

struct lf_stats_view;

struct lf_opts {
	const char *host;
	uint16_t port;
	uint64_t seed;
	unsigned long count;     /* inputs at most */
	double time_limit;       /* seconds at most */
	double reply_timeout;    /* the reply-time bound */
	unsigned check_every;    /* liveness check every N inputs */
	const char *out_dir;     /* finding files */
	unsigned max_findings;   /* stop after this many saved */
	bool verbose;            /* every reply's summary on stderr, a finding's reply in full */
	const char *argv0;       /* for the replay line in finding files */
	volatile sig_atomic_t *stop;
	/* progress: called about 4 times a second (may be NULL) */
	void (*progress)(void *ctx, const struct lf_stats_view *v);
	void *progress_ctx;
};

#define LF_STATUS_BUCKETS 48

/* What the run did, for the progress line and the summary. */
struct lf_stats {
	unsigned long inputs, by_class[LF_CLASS_COUNT];
	unsigned long replies, closes, silences, callbacks, undecodable_by_us, reconnects;
	unsigned long sessions, checks;
	/* replies by status: "NFS4_OK", "NFS4ERR_BADXDR", "rpc GARBAGE_ARGS", ... */
	struct lf_status_count { char name[40]; unsigned long n; } status[LF_STATUS_BUCKETS];
	size_t nstatus;
	unsigned long findings, findings_saved, findings_repeated;
	double started, elapsed, slowest_reply;
	char first_finding[300];
	char finding_files[8][512];
	size_t nfinding_files;
	bool server_dead;
};

struct lf_stats_view {
	const struct lf_stats *s;
	const struct lf_opts *o;
};

/*
 * Fuzz the server with the pool. Returns 0 when the run happened (findings in st), or -1
 * with err when it could not run (no connection, no session, empty pool, --out unwritable).
 */
int lf_run(const struct lf_opts *o, const struct lf_pool *pool, struct lf_stats *st, char *err,
	   size_t errlen);

/*
 * Replay a finding file against the server with the same oracles. Returns 0 when it ran
 * (st->findings says whether the finding reproduced), or -1 with err.
 */
int lf_replay(const struct lf_opts *o, const char *file, struct lf_stats *st, char *err,
	      size_t errlen);

/* `nfs41check fuzz ARGS` (argv[0] is "fuzz"); argv0 names the program in finding files. */
int livefuzz_cli_main(int argc, char **argv, const char *argv0);

#endif
