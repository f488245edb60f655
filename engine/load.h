/*
 * load.h - a pipelined load generator for NFSv4.1 servers (`nfs41check load`).
 *
 * Opens one session per connection, keeps every granted slot busy with one
 * compound of the chosen mix, and measures completed compounds and the
 * latency of each (send to reply, on the client's monotonic clock). Every
 * reply is checked: RPC accepted, COMPOUND and SEQUENCE NFS4_OK, the
 * SEQUENCE result naming our session, slot and seqid (RFC 8881 s18.46.3);
 * in the replay mix, the retry's reply equal to the original's (s2.10.6.1.1).
 * Runs end at a deadline or a compound count; loopback targets only.
 */
#ifndef NFS41_ENGINE_LOAD_H
#define NFS41_ENGINE_LOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "latency.h"

#define LOAD_MAX_CONNECTIONS 256u
#define LOAD_MAX_SLOTS 1024u
#define LOAD_MAX_ERRORS 1000u /* a run stops early after this many bad replies */

enum load_mix {
	LOAD_MIX_SEQUENCE,  /* SEQUENCE alone (a lease renewal, s18.46) */
	LOAD_MIX_GETATTR,   /* SEQUENCE, PUTROOTFH, GETATTR */
	LOAD_MIX_CACHETHIS, /* the same with sa_cachethis: the server keeps every reply */
	LOAD_MIX_REPLAY,    /* cachethis, and every call sent twice: the second is a retry */
	LOAD_NMIXES
};

struct load_opts {
	const char *host;
	uint16_t port;
	unsigned connections;     /* one session each */
	unsigned slots;           /* asked for; the server may grant fewer */
	double duration;          /* seconds */
	uint64_t max_compounds;   /* 0: no limit */
	enum load_mix mix;
	bool raw;                 /* the target echoes (bench_echo): no session, xid checks only */
	double reply_timeout;     /* a call unanswered this long fails the run (0: 10 s) */
	const char *owner_prefix; /* client owners are PREFIX-PID-N (NULL: "nfs41check-load") */
	/* Called about once a second while the run goes, with the compounds done (sessions held
	 * in load_hold_sessions); may be NULL. */
	void (*progress)(void *ctx, double elapsed, uint64_t done, uint64_t errors);
	void *progress_ctx;
	const volatile sig_atomic_t *stop; /* non-zero: end the run now (may be NULL) */
};

struct load_result {
	uint64_t compounds;     /* completed and checked, within the duration */
	uint64_t errors;        /* replies that failed a check, calls never answered */
	double elapsed;         /* seconds from the first call to the end */
	unsigned slots_granted; /* the fewest slots any session got */
	unsigned reply_bytes;   /* size of the last good reply (record, without the mark) */
	unsigned call_bytes;    /* size of one call (record, without the mark) */
	struct latency_hist hist;
	char first_error[256];
};

const char *load_mix_name(enum load_mix m);
/* The mix named s, or LOAD_NMIXES. */
enum load_mix load_mix_parse(const char *s);

/* Run the load. Returns 0 (see r->errors), or -1 with err when it could not start or broke. */
int load_run(const struct load_opts *o, struct load_result *r, char *err, size_t errlen);
/*
 * Open o->connections sessions of o->slots slots one after the other, use each
 * slot once with sa_cachethis (so every slot holds a cached reply) and leave
 * them open: the server's memory can then be read. Returns 0 or -1 with err.
 */
int load_hold_sessions(const struct load_opts *o, struct load_result *r, char *err,
		       size_t errlen);

#endif
