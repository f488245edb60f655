/*
 * case.h - a compiled case: the header and a flat list of steps.
 *
 * The parser (case_parse.c) turns a case file into this model; the executor
 * (exec.c) switches on step kind; `nfs41check show` prints it. Every step
 * carries its file:line:col so every later message can point at the source.
 * Fixtures are expanded and loops kept as REPEAT ... END pairs, so the
 * executor never reads files. The language is documented in
 * docs/case-language.md.
 */
#ifndef NFS41_ENGINE_CASE_H
#define NFS41_ENGINE_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "hooks.h"

struct src_loc {
	const char *file; /* owned by the case (case_def.file or a fixture path) */
	unsigned line, col;
};

/* One `name=expr` argument of an op, or of the call itself (tag, minor, cred...). */
struct arg {
	char *name;
	struct expr *value;
	struct src_loc loc;
};

struct op_spec {
	uint32_t op;
	struct arg *args;
	size_t nargs;
	struct src_loc loc;
};

/* Byte-level mutations applied to an encoded record before it is sent. */
enum mutation_kind {
	MUT_TRUNCATE, /* drop the last n bytes */
	MUT_PAD,      /* append n zero bytes */
	MUT_POKE32,   /* overwrite the big-endian u32 at offset */
	MUT_POKE8,    /* overwrite one byte at offset */
};

struct mutation {
	enum mutation_kind kind;
	struct expr *offset; /* POKE */
	struct expr *value;  /* TRUNCATE/PAD: count; POKE: the value */
};

/* What a SEND step puts on the wire. */
struct send_spec {
	char *label;          /* "@a" without the '@', or NULL */
	struct arg *callargs; /* tag=, minor=, xid=, prog=, vers=, proc=, rpcvers=, cred=, uid=... */
	size_t ncallargs;
	bool null_proc;       /* `NULL`: the NULL procedure, no COMPOUND */
	bool cb_reply;        /* `reply`: answer the last callback taken on this connection */
	struct op_spec *ops;
	size_t nops;
	struct mutation *mutations;
	size_t nmutations;
	struct expr *fragment; /* `with fragments N`: record-marking fragment size */
	struct expr *hex;      /* `hex ...`: raw record bytes, no encoding at all */
	bool unmarked;         /* `with raw`: send the bytes without record marking */
	bool resend;           /* `resend @x`: the bytes of an earlier send */
	bool new_xid;          /* `resend @x newxid` */
	char *resend_of;
};

/* RPC-level outcomes an EXPECT may name instead of (or besides) a COMPOUND status. */
enum outcome_kind {
	OUT_COMPOUND, /* an accepted, successful reply carrying a COMPOUND4res */
	OUT_NULL_OK,  /* a successful NULL reply */
	OUT_ACCEPT,   /* MSG_ACCEPTED with the accept_stat in `code` (GARBAGE_ARGS, ...) */
	OUT_DENIED,   /* MSG_DENIED: RPC_MISMATCH (code 0) or AUTH_ERROR with auth_stat in aux */
	OUT_CLOSED,   /* the server closed the connection */
	OUT_NOTHING,  /* no reply within the step's timeout */
	OUT_CALLBACK, /* a call from the server on this connection (the back channel) */
};

struct outcome {
	enum outcome_kind kind;
	uint32_t code;
	uint32_t aux;
	bool any_aux; /* AUTH_ERROR without a specific auth_stat */
};

/* A check on a decoded reply field: `expect PATH OP VALUE`. */
enum check_op { CHK_EQ, CHK_NE, CHK_LT, CHK_LE, CHK_GT, CHK_GE, CHK_HAS, CHK_LACKS, CHK_IN };

struct check {
	char *path;           /* "SEQUENCE.sr_status_flags", "results", "tag", "xid" */
	enum check_op op;
	struct expr **values; /* one, or several for CHK_IN */
	size_t nvalues;
	struct src_loc loc;
	struct check *guard;  /* `... if status == NFS4_OK`: checked only when this holds */
	struct expr *mask;    /* `PATH & MASK OP VALUE`: the field ANDed with MASK first */
};

/* `save NAME = PATH`: capture a reply field into a variable. */
struct save {
	char *var;
	char *path;
	struct src_loc loc;
};

struct expect_spec {
	char *label;            /* the send being answered; NULL: the oldest unanswered */
	struct outcome *outcomes; /* alternatives: any one may occur (the result records which) */
	size_t noutcomes;
	uint32_t *statuses;     /* OUT_COMPOUND: allowed COMPOUND statuses; 0 entries = any */
	size_t nstatuses;
	uint32_t *resops;       /* after ':': the expected result opcodes, in order */
	size_t nresops;
	bool resops_given;
	struct check *checks;
	size_t nchecks;
	struct save *saves;
	size_t nsaves;
	struct expr *within;    /* OUT_NOTHING: how long to wait */
};

enum step_kind {
	STEP_CONNECT,
	STEP_DISCONNECT,
	STEP_RECONNECT,
	STEP_SEND,
	STEP_EXPECT,
	STEP_SLEEP,
	STEP_SET,
	STEP_REPEAT, /* repeat count; body runs to the matching STEP_END */
	STEP_END,
	STEP_HOOK,   /* a test hook of nfs41refd's admin API (hooks.h) */
};

struct step {
	enum step_kind kind;
	struct src_loc loc;
	char *source;  /* the line as written (for reports) */
	char *conn;    /* connection name for CONNECT..EXPECT */
	union {
		struct send_spec send;
		struct expect_spec expect;
		struct {
			struct expr *amount;
			bool in_leases; /* `sleep 1.5 lease` */
			double unit;    /* seconds per unit: 1, 0.001 */
		} sleep;
		struct {
			char *var;
			struct expr *value;
		} set;
		struct {
			struct expr *count;
			size_t end; /* index of the matching STEP_END */
		} repeat;
		struct {
			size_t start; /* index of the matching STEP_REPEAT */
		} end;
		struct {
			const struct hook_def *def; /* a row of the static table in hooks.c */
			struct arg *args;           /* key=value, each a member of the hook's body */
			size_t nargs;
		} hook;
	} u;
};

struct case_def {
	char *file;
	char *id;
	char *title;
	char **requirements;
	size_t nrequirements;
	char *level;
	char **tags;
	size_t ntags;
	char **requires;
	size_t nrequires;
	double timeout;   /* seconds for the whole case */
	char *group;      /* the folder under cases/, e.g. "sequence" */
	struct step *steps;
	size_t nsteps;
	char **fixture_files; /* every fixture file read, owned (steps point into them) */
	size_t nfixture_files;
};

void case_free(struct case_def *c);
/* Whether the case's `requires:` header names feature. */
bool case_requires(const struct case_def *c, const char *feature);
void args_free(struct arg *a, size_t n);
void check_free(struct check *k); /* its contents and guard, not k itself */
const char *step_kind_name(enum step_kind k);

#endif
