/*
 * exec.h - runs one compiled case against a server and fills its result.
 *
 * The executor is a loop over steps with one function per step kind. It
 * behaves like a careful client where the case does not say otherwise:
 * it fills every argument the case leaves out (the session and slot in
 * use, the next seqid of that slot, the client id and csa_sequence), and it
 * tracks what the server hands out (clientid, eir_sequenceid, sessionid,
 * slot seqids, filehandle, lease time) in variables the case can read.
 * One executor runs on one thread; several run in parallel on their own
 * connections.
 */
#ifndef NFS41_ENGINE_EXEC_H
#define NFS41_ENGINE_EXEC_H

#include <signal.h>

#include "case.h"
#include "result.h"

struct admin_client;

struct exec_opts {
	const char *host;
	uint16_t port;
	uint64_t seed;            /* random verifiers etc.: the same seed repeats a run */
	const char *run_tag;      /* part of every fresh client owner: unique per run */
	const char *pcap_path;    /* write this case's traffic here, or NULL */
	double reply_timeout;     /* default wait for one reply, seconds */
	volatile sig_atomic_t *stop; /* set by Ctrl-C: end the case as ERROR "interrupted" */
	const struct admin_client *admin; /* nfs41refd's admin API for `hook` steps, or NULL */
};

/* Run c; fills r (id, title, verdict, steps, ladder). Returns 0, or -1 when out of memory. */
int exec_case(const struct case_def *c, const struct exec_opts *o, struct case_result *r);

#endif
