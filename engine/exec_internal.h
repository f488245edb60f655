/*
 * exec_internal.h - the executor's state, shared by exec*.c (not API).
 *
 * exec.c: the loop and the simple steps; exec_send.c: building and sending
 * calls; exec_expect.c: matching replies; exec_hook.c: calls to the admin
 * API's test hooks; exec_client.c: the client state
 * (argument defaults, tracking what the server hands out); exec_record.c:
 * the pcap recording of a case's traffic.
 */
#ifndef NFS41_ENGINE_EXEC_INTERNAL_H
#define NFS41_ENGINE_EXEC_INTERNAL_H

#include "conn.h"
#include "exec.h"
#include "fields.h"
#include "wire.h"

#define EXEC_MAX_CONNS 16
#define EXEC_MAX_LOOPS 8

struct xconn {
	const char *name;  /* owned by the case */
	struct conn c;
	bool used;         /* opened at least once */
	const struct arg *defaults; /* `connect c2 uid=..`: call settings for every send */
	size_t ndefaults;
	bool has_callback;  /* a `callback` expect took a server call: `reply` answers it */
	uint32_t cb_xid, cb_proc;
};

/* A call that went out: what an expect or a resend refers to. */
struct sent_call {
	const char *label; /* owned by the case, or NULL */
	struct xconn *conn;
	uint32_t xid;
	uint32_t proc;     /* NFSPROC4_NULL / NFSPROC4_COMPOUND, for decoding the reply */
	uint8_t *bytes;    /* the record as sent (after mutations), without record marking */
	size_t len;
	bool answered;
	double at;
};

/* The last seqid the client used successfully on a slot of a session. */
struct slot_seq {
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t slot;
	uint32_t seqid;
};

struct loop {
	size_t start;
	uint64_t count, i;
};

struct pcap_writer;

struct exec {
	const struct case_def *c;
	const struct exec_opts *o;
	struct case_result *r;
	const struct step *step;
	double t0, step_t0, deadline;
	bool failed;
	struct env env;
	struct arena arena;
	struct xconn conns[EXEC_MAX_CONNS];
	size_t nconns;
	struct sent_call *sent;
	size_t nsent;
	struct slot_seq *slots;
	size_t nslots;
	struct loop loops[EXEC_MAX_LOOPS];
	size_t nloops;
	uint32_t next_xid;
	struct conn_observer observer;
	struct pcap_writer *pcap;
	int pcap_conn[EXEC_MAX_CONNS];
};

/* exec.c */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *msg_detail(const uint8_t *rec, size_t len, uint32_t reply_proc);
int step_fail(struct exec *x, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ladder_add(struct exec *x, const char *conn, int from_server, const uint8_t *rec, size_t len,
		uint32_t reply_proc);
int eval_int(struct exec *x, const struct expr *e, uint64_t *out);
struct xconn *conn_find(struct exec *x, const char *name);
struct xconn *conn_for(struct exec *x, const char *name, bool open);

/* exec_send.c / exec_expect.c / exec_hook.c */
int step_send(struct exec *x, const struct step *s);
int step_expect(struct exec *x, const struct step *s);
int step_hook(struct exec *x, const struct step *s);

/* exec_client.c */
int client_defaults(struct exec *x, const struct op_spec *spec, struct nfs_argop *a);
int client_finish_args(struct exec *x, const struct op_spec *spec, struct nfs_argop *a);
void client_track_reply(struct exec *x, const struct wire_msg *call, const struct wire_msg *reply);
bool spec_sets(const struct op_spec *spec, const char *field);
/* The last seqid used on a slot is now seqid (a SEQUENCE that succeeded, a preset hook). */
void client_track_seqid(struct exec *x, const uint8_t *sessionid, uint32_t slot, uint32_t seqid);

/* exec_record.c */
void recorder_start(struct exec *x);
void recorder_finish(struct exec *x);

#endif
