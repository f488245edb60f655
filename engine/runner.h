/*
 * runner.h - finding, selecting and running cases; the run as a whole.
 *
 * Finds *.case files under the paths given, parses them all first (a broken
 * case file stops the run before any traffic), selects by tag, filter and
 * shard, runs them on N worker threads with a live progress line, applies the
 * baseline and fills the run result the report writers read.
 *
 * Concurrency: each worker thread takes the next case index from a counter
 * under runner.lock and runs it alone (its own connections and variables);
 * only the progress counters and the results array slot of that case are
 * shared, both written under the lock.
 */
#ifndef NFS41_ENGINE_RUNNER_H
#define NFS41_ENGINE_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "result.h"

struct admin_client;

struct case_set {
	struct case_def *cases;
	size_t n;
};

struct select_opts {
	const char *const *tags; /* a case is kept when it has any of these (none: all) */
	size_t ntags;
	const char *filter;      /* glob over case id, title, file and requirement ids */
	unsigned shard_index;    /* 1-based; 0: no sharding */
	unsigned shard_count;
};

/* Parse every *.case under paths (files or folders, sorted). Errors: file:line:col lines in err. */
int cases_load(const char *const *paths, size_t npaths, struct case_set *set, char **errors);
void cases_free(struct case_set *set);
/* Keep the selected cases (in place). */
void cases_select(struct case_set *set, const struct select_opts *o);
bool requirement_known(const char *id);
/* mkdir -p; returns 0 or -1 with errno. */
int mkdir_p(const char *path);

struct run_opts {
	const char *host;
	uint16_t port;
	unsigned jobs;
	double reply_timeout;
	uint64_t seed;
	const char *baseline;          /* path or NULL */
	const char *record_pcap_dir;   /* or NULL */
	const char *const *without;    /* features the server lacks: cases requiring them SKIP */
	size_t nwithout;
	/* nfs41refd's admin API: without it, cases requiring `hooks` SKIP (NULL: none given) */
	const struct admin_client *admin;
	bool progress_tty;             /* a live bar (else one plain line per case) */
	bool verbose;
	const char *argv0;             /* for repro commands */
	volatile sig_atomic_t *stop;
};

/* Run the set; fills r. Returns 0, or -1 with err (baseline unreadable, out of memory). */
int run_cases(const struct case_set *set, const struct run_opts *o, struct run_result *r,
	      char *err, size_t errlen);

#endif
