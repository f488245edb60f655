/*
 * result.h - the outcome of a run: the one model every report writer reads.
 *
 * The engine fills it, the writers in reports/ only read it (JUnit, TAP,
 * JSON, coverage matrix, HTML, terminal summary). Strings are owned by the
 * model (heap, NUL-terminated) and freed by run_result_free(); NULL means
 * "not applicable". Times are seconds as doubles.
 */
#ifndef NFS41_REPORTS_RESULT_H
#define NFS41_REPORTS_RESULT_H

#include <stddef.h>
#include <stdint.h>

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_XFAIL, /* failed as the baseline expects */
	VERDICT_XPASS, /* passed although the baseline expects a failure */
	VERDICT_SKIP,  /* not run: the server lacks a `requires` feature, or filtered at run time */
	VERDICT_ERROR, /* the harness or transport failed: refused, timeout, undecodable reply */
	VERDICT_COUNT
};

const char *verdict_name(enum verdict v); /* "PASS", "FAIL", ... */

/* One message on the ladder diagram: who sent what, when. */
struct ladder_event {
	double t;           /* seconds since the case started */
	char *conn;         /* connection name, e.g. "c1" */
	int from_server;    /* 0: client -> server (call), 1: server -> client (reply) */
	uint32_t xid;
	int has_slot;       /* SEQUENCE present: slot and seqid below are meaningful */
	uint32_t slot, seqid;
	char *summary;      /* the wire printer's one-line summary */
	char *detail;       /* the wire printer's detailed form (may be NULL) */
};

/* One executed step of a case. */
struct step_result {
	unsigned line;      /* line in the case file */
	char *source;       /* the step's text as written */
	enum verdict verdict; /* PASS, FAIL, ERROR, or SKIP when not reached */
	char *message;      /* on FAIL/ERROR: expected versus actual */
	char *observed;     /* where several outcomes were allowed: which one was seen */
	double elapsed;
};

struct case_result {
	char *id;
	char *title;
	char *file;         /* path of the case file */
	char *group;        /* operation folder, e.g. "sequence" (JUnit testsuite) */
	char *level;        /* MUST / SHOULD / MAY ... */
	char **requirements;/* requirement ids, e.g. "SEQ-07" */
	size_t nrequirements;
	char **tags;
	size_t ntags;
	enum verdict verdict;
	enum verdict raw_verdict; /* before the baseline was applied (PASS/FAIL/...) */
	char *reason;       /* FAIL/ERROR: first failure; SKIP: why; XFAIL/XPASS: baseline reason */
	char *rfc_section;  /* section of the failing requirement, e.g. "RFC 8881 s18.46.3" */
	char *repro;        /* a command that re-runs just this case */
	double elapsed;
	struct step_result *steps;
	size_t nsteps;
	struct ladder_event *events;
	size_t nevents;
};

/* One line of the requirement index (spec/requirements.tsv). */
struct requirement {
	char *id;       /* "SEQ-07" */
	char *level;    /* "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY" */
	char *section;  /* "§18.46.3" as the catalogue writes it */
	char *title;    /* one line */
};

/*
 * One waiver (spec/waivers.tsv): why a SHOULD-class (or MAY) requirement has no case. A
 * waiver stands in for a case in the coverage verdicts; MUST-class ids cannot be waived.
 */
struct waiver {
	char *id;       /* "SEQ-09" */
	char *reason;   /* one line: why no case can observe it over the wire */
	unsigned line;  /* line in the waiver file, for messages */
};

struct run_result {
	char *tool_version;
	char *target;       /* "127.0.0.1:2049" */
	char *started;      /* ISO 8601 UTC */
	double elapsed;
	unsigned jobs;
	char *baseline;     /* baseline file used, or NULL */
	struct case_result *cases;
	size_t ncases;
	const struct requirement *requirements; /* the index, for coverage (not owned) */
	size_t nrequirements;
	const struct waiver *waivers; /* the waivers for coverage (not owned; may be NULL) */
	size_t nwaivers;
	int interrupted;    /* Ctrl-C: the results cover what ran */
};

/* Counts per verdict over r->cases. */
void run_result_count(const struct run_result *r, size_t counts[VERDICT_COUNT]);
/* Whether a requirement level is MUST-class (MUST, MUST NOT). */
int requirement_is_must(const char *level);
/* Whether a requirement level is SHOULD-class (SHOULD, SHOULD NOT). */
int requirement_is_should(const char *level);
void case_result_free(struct case_result *c);
void run_result_free(struct run_result *r);

#endif
