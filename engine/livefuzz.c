/*
 * livefuzz.c - the fuzz loop of `nfs41check fuzz`: connections, the fuzzer's own session, the
 * oracles, liveness checks, finding files and their replay (see livefuzz.h).
 *
 * Windows: the run is cut into windows of --check-every inputs. Each window starts on a new
 * connection with a new client and session of the fuzzer's own (EXCHANGE_ID, CREATE_SESSION)
 * and ends with a liveness check (RPC NULL and a fresh EXCHANGE_ID on a connection of its
 * own). Everything sent in a window is kept, so a finding file holds every byte since the last
 * check that passed, and replays on its own against a fresh server.
 */
#include "livefuzz.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "hex.h"
#include "runner.h" /* mkdir_p */
#include "wire.h"

#define MAX_CONNS 32            /* connections a replay may name */
#define ANY_GRACE 0.01          /* seconds to watch a stream after broken framing */
#define MAX_BAD_SEQUENCES 8     /* non-OK SEQUENCE results in a row before probing the session */
#define SETUP_SLOTS 8u
#define MAX_LOG_BYTES (64u << 20) /* a window's bytes: past this, the window ends early */

/* ---- the window log -------------------------------------------------------- */

enum log_kind { LOG_OPEN, LOG_SESSION, LOG_SEND, LOG_CLOSE };

struct log_entry {
	enum log_kind kind;
	int conn;
	enum lf_expect expect;
	enum lf_class cls;
	unsigned long input;
	uint8_t *bytes;
	size_t len;
	char *what;
	uint64_t clientid;
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
};

struct wlog {
	struct log_entry *v;
	size_t n, cap;
	size_t bytes; /* sent bytes kept */
};

static void wlog_clear(struct wlog *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].bytes);
		free(l->v[i].what);
	}
	l->n = 0;
	l->bytes = 0;
}

static struct log_entry *wlog_add(struct wlog *l, enum log_kind k, int conn)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct log_entry *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v, l->cap = cap;
	}
	l->v[l->n] = (struct log_entry){.kind = k, .conn = conn};
	return &l->v[l->n++];
}

/* ---- state ------------------------------------------------------------------- */

struct lf {
	const struct lf_opts *o;
	struct lf_stats *st;
	struct lf_rng rng;
	struct conn fz;          /* the fuzz connection (fd -1: closed) */
	int fz_index;
	int next_index;
	struct lf_ids ids;
	uint32_t next_xid;
	unsigned generation;
	uint64_t run_nonce;
	unsigned bad_sequences;
	bool replaying;
	struct wlog log;
	struct lf_mutant *m;     /* the current input */
	uint8_t base[LF_MAX_RECORD];
	/* finding signatures already saved */
	char sigs[LF_MAX_SIGNATURES][96];
	size_t nsigs;
	/* the current finding of this input, if any */
	bool found;
	enum lf_finding_kind fkind;
	char ftext[400];
	/* replay: recorded ids -> live ids */
	uint64_t rec_clientid[MAX_CONNS];
	uint8_t rec_sessionid[MAX_CONNS][NFS4_SESSIONID_SIZE];
	uint64_t live_clientid[MAX_CONNS];
	uint8_t live_sessionid[MAX_CONNS][NFS4_SESSIONID_SIZE];
	size_t nmaps;
	struct conn rconn[MAX_CONNS];
	bool ropen[MAX_CONNS];
};

const char *lf_finding_kind_name(enum lf_finding_kind k)
{
	static const char *const names[LF_FIND_KINDS] = {"malformed-reply", "no-reply", "closed",
							 "stuck", "setup", "dead"};
	return k < LF_FIND_KINDS ? names[k] : "?";
}

static void finding(struct lf *f, enum lf_finding_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void finding(struct lf *f, enum lf_finding_kind k, const char *fmt, ...)
{
	va_list ap;

	if (f->found)
		return; /* the first oracle that fails names the finding */
	f->found = true;
	f->fkind = k;
	va_start(ap, fmt);
	vsnprintf(f->ftext, sizeof(f->ftext), fmt, ap);
	va_end(ap);
}

static void count_status(struct lf_stats *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nstatus; i++)
		if (!strcmp(st->status[i].name, name))
			break;
	if (i == st->nstatus) {
		if (st->nstatus == LF_STATUS_BUCKETS)
			i = LF_STATUS_BUCKETS - 1, name = "(other)";
		else
			st->nstatus++;
		snprintf(st->status[i].name, sizeof(st->status[i].name), "%s", name);
	}
	st->status[i].n++;
}

/* ---- calls the fuzzer builds itself -------------------------------------------- */

static size_t build_call(uint32_t xid, uint32_t proc, struct nfs_argop *ops, uint32_t n,
			 uint8_t *buf, size_t cap)
{
	return lf_build_call(xid, proc, 1, ops, n, buf, cap);
}

static uint32_t new_xid(struct lf *f)
{
	return f->next_xid++;
}

/* Send a call the fuzzer built and wait for a COMPOUND reply; 0 with *w decoded, else -1. */
static int own_call(struct lf *f, struct conn *c, struct nfs_argop *ops, uint32_t n,
		    struct wire_msg *w, struct conn_reply *rep, char *err, size_t errlen)
{
	uint8_t buf[2048];
	uint32_t xid = new_xid(f);
	size_t len = build_call(xid, n ? NFSPROC4_COMPOUND : NFSPROC4_NULL, ops, n, buf, sizeof(buf));
	struct wire_decode_opts o = {.flags = WIRE_STRICT,
				     .reply_proc = n ? NFSPROC4_COMPOUND : NFSPROC4_NULL};
	struct wire_error we;
	enum conn_wait r;

	memset(w, 0, sizeof(*w));
	*rep = (struct conn_reply){0};
	if (conn_send_record(c, buf, len, 0, err, errlen) != 0)
		return -1;
	r = conn_wait_reply(c, xid, conn_now() + f->o->reply_timeout, rep);
	if (r != CONN_GOT_REPLY) {
		snprintf(err, errlen, "%s", r == CONN_CLOSED    ? "the server closed the connection"
					    : r == CONN_TIMEOUT ? "no reply by the reply timeout"
								: c->broken[0] ? c->broken : "socket error");
		return -1;
	}
	if (wire_msg_decode(rep->rec, rep->len, &o, w, &we) != WIRE_OK) {
		char e[300];
		snprintf(err, errlen, "undecodable reply: %s", wire_error_format(&we, e, sizeof(e)));
		return -1;
	}
	if (w->reply.reply_stat != ONCRPC_MSG_ACCEPTED || w->reply.accept_stat != ONCRPC_SUCCESS) {
		snprintf(err, errlen, "RPC error (reply_stat %u, accept_stat %u)", w->reply.reply_stat,
			 w->reply.accept_stat);
		return -1;
	}
	return 0;
}

static void release(struct wire_msg *w, struct conn_reply *rep)
{
	wire_msg_free(w);
	free(rep->rec);
	rep->rec = NULL;
}

/* EXCHANGE_ID with owner; 0 with the client id and sequence id, else -1 with err. */
static int exchange_id(struct lf *f, struct conn *c, const char *owner, uint64_t verifier,
		       uint64_t *clientid, uint32_t *seq, char *err, size_t errlen)
{
	struct nfs_argop op = {.op = OP_EXCHANGE_ID};
	struct EXCHANGE_ID4args *a = &op.u.exchange_id;
	struct wire_msg w;
	struct conn_reply rep;
	int rc;

	for (int i = 0; i < 8; i++)
		a->eia_clientowner.co_verifier[i] = (uint8_t)(verifier >> (8 * i));
	a->eia_clientowner.co_ownerid = (struct wire_opaque){(const uint8_t *)owner, (uint32_t)strlen(owner)};
	a->eia_flags = EXCHGID4_FLAG_USE_NON_PNFS;
	a->eia_state_protect.spa_how = SP4_NONE;
	rc = own_call(f, c, &op, 1, &w, &rep, err, errlen);
	if (rc == 0 && (w.res.status != NFS4_OK || w.res.resarray_len != 1)) {
		snprintf(err, errlen, "EXCHANGE_ID: %s", nfs4_status_name(w.res.status));
		rc = -1;
	}
	if (rc == 0) {
		*clientid = w.res.resarray[0].u.exchange_id.eir_clientid;
		*seq = w.res.resarray[0].u.exchange_id.eir_sequenceid;
	}
	release(&w, &rep);
	return rc;
}

static int create_session(struct lf *f, struct conn *c, uint64_t clientid, uint32_t seq,
			  uint8_t sessionid[NFS4_SESSIONID_SIZE], uint32_t *nslots, char *err,
			  size_t errlen)
{
	struct nfs_argop op = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *a = &op.u.create_session;
	struct callback_sec_parms4 sec = {.cb_secflavor = ONCRPC_AUTH_NONE};
	struct wire_msg w;
	struct conn_reply rep;
	int rc;

	a->csa_clientid = clientid;
	a->csa_sequence = seq;
	a->csa_fore_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 1049620, .ca_maxresponsesize = 1049480,
		.ca_maxresponsesize_cached = 7584, .ca_maxoperations = 16, .ca_maxrequests = SETUP_SLOTS};
	a->csa_back_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 4096, .ca_maxresponsesize = 4096, .ca_maxoperations = 2,
		.ca_maxrequests = 1};
	a->csa_cb_program = NFS4_CALLBACK;
	a->csa_sec_parms_count = 1;
	a->csa_sec_parms = &sec; /* own_call encodes it before we return */
	rc = own_call(f, c, &op, 1, &w, &rep, err, errlen);
	if (rc == 0 && (w.res.status != NFS4_OK || w.res.resarray_len != 1)) {
		snprintf(err, errlen, "CREATE_SESSION: %s", nfs4_status_name(w.res.status));
		rc = -1;
	}
	if (rc == 0) {
		const struct CREATE_SESSION4resok *r = &w.res.resarray[0].u.create_session;
		memcpy(sessionid, r->csr_sessionid, NFS4_SESSIONID_SIZE);
		*nslots = r->csr_fore_chan_attrs.ca_maxrequests;
		if (*nslots > LF_MAX_SLOTS)
			*nslots = LF_MAX_SLOTS;
		if (*nslots == 0)
			*nslots = 1;
	}
	release(&w, &rep);
	return rc;
}

/* A client and session of the fuzzer's own on c: ids filled. */
static int setup_session(struct lf *f, struct conn *c, const char *owner, uint64_t verifier,
			 struct lf_ids *ids, char *err, size_t errlen)
{
	uint32_t seq;

	memset(ids, 0, sizeof(*ids));
	if (exchange_id(f, c, owner, verifier, &ids->clientid, &seq, err, errlen) != 0)
		return -1;
	ids->have_client = true;
	ids->csa_sequence = seq;
	if (create_session(f, c, ids->clientid, seq, ids->sessionid, &ids->nslots, err, errlen) != 0)
		return -1;
	ids->csa_sequence = seq + 1;
	ids->have_session = true;
	f->st->sessions++;
	return 0;
}

/* ---- connections ---------------------------------------------------------------- */

static int open_conn(struct lf *f, struct conn *c, int index, char *err, size_t errlen)
{
	if (conn_open(c, index, f->o->host, f->o->port, conn_now() + f->o->reply_timeout, NULL, err,
		      errlen) != 0) {
		conn_close(c);
		return -1;
	}
	return 0;
}

static void close_fz(struct lf *f)
{
	if (f->fz.fd >= 0 || f->fz.replies) {
		conn_close(&f->fz);
		wlog_add(&f->log, LOG_CLOSE, f->fz_index);
	}
	f->fz.fd = -1;
}

/* The fuzz connection, opened (and its session set up) when needed. */
static int ensure_fz(struct lf *f, char *err, size_t errlen)
{
	char owner[96];
	struct log_entry *e;

	if (f->fz.fd >= 0)
		return 0;
	f->fz_index = f->next_index++;
	if (open_conn(f, &f->fz, f->fz_index, err, errlen) != 0)
		return -1;
	f->st->reconnects++;
	wlog_add(&f->log, LOG_OPEN, f->fz_index);
	if (f->ids.have_session)
		return 0; /* RFC 8881 s2.10.3.1: with SP4_NONE a new connection binds on first use */
	/* unique to the run (not part of the inputs): a second run with the same seed against the
	 * same server must not find its clients confirmed already (RFC 8881 s18.35.4) */
	snprintf(owner, sizeof(owner), "nfs41check-fuzz-%016llx-%llx-%u", (unsigned long long)f->o->seed,
		 (unsigned long long)f->run_nonce, f->generation++);
	if (setup_session(f, &f->fz, owner, f->o->seed ^ f->generation, &f->ids, err, errlen) != 0)
		return -1;
	e = wlog_add(&f->log, LOG_SESSION, f->fz_index);
	if (e) {
		e->clientid = f->ids.clientid;
		memcpy(e->sessionid, f->ids.sessionid, NFS4_SESSIONID_SIZE);
	}
	return 0;
}

/* Bytes as hex text: finding files, and a finding's undecodable reply with --verbose. */
static void put_hex(FILE *out, const uint8_t *p, size_t n)
{
	char text[2 * 1024 + 1];

	for (size_t i = 0; i < n; i += 1024) {
		size_t k = n - i < 1024 ? n - i : 1024;
		fputs(hex_encode(p + i, k, text), out);
	}
}

/* ---- oracles ------------------------------------------------------------------- */

static void count_reply(struct lf *f, const struct wire_msg *w)
{
	char name[40];

	if (w->reply.reply_stat == ONCRPC_MSG_DENIED)
		snprintf(name, sizeof(name), "rpc %s", w->reply.reject_stat == ONCRPC_RPC_MISMATCH
							 ? "RPC_MISMATCH"
							 : oncrpc_auth_stat_name(w->reply.auth_stat));
	else if (w->reply.accept_stat != ONCRPC_SUCCESS)
		snprintf(name, sizeof(name), "rpc %s", oncrpc_accept_stat_name(w->reply.accept_stat));
	else if (w->is_compound)
		snprintf(name, sizeof(name), "%s", nfs4_status_name(w->res.status) ? nfs4_status_name(w->res.status) : "NFS4ERR_?");
	else
		snprintf(name, sizeof(name), "NULL");
	count_status(f->st, name);
}

/* RFC 8881 s16.2.3 (CMP-04, CMP-05, CMP-06): results in order of the ops, evaluation stops at
 * the first error, the COMPOUND status is the last result's. */
static void check_shape(struct lf *f, const struct lf_mutant *m, const struct COMPOUND4res *r)
{
	uint32_t n = r->resarray_len;

	if (n > m->nops) {
		finding(f, LF_FIND_MALFORMED, "%u results for %u ops (RFC 8881 s16.2.3)", n, m->nops);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct nfs_resop *x = &r->resarray[i];
		if (x->op != m->ops[i] && x->op != OP_ILLEGAL)
			finding(f, LF_FIND_MALFORMED, "result %u is for op %u, op %u was sent (RFC 8881 s16.2.3)",
				i, x->op, m->ops[i]);
		if (i + 1 < n && x->status != NFS4_OK)
			finding(f, LF_FIND_MALFORMED, "result %u is %s but evaluation went on (RFC 8881 s16.2.3)",
				i, nfs4_status_name(x->status));
	}
	if (n > 0 && r->status != r->resarray[n - 1].status)
		finding(f, LF_FIND_MALFORMED, "COMPOUND status %u differs from the last result's %u "
			"(RFC 8881 s16.2.3)", r->status, r->resarray[n - 1].status);
	if (r->status == NFS4_OK && n != m->nops)
		finding(f, LF_FIND_MALFORMED, "NFS4_OK with %u results for %u ops (RFC 8881 s16.2.3)", n,
			m->nops);
}

/*
 * A reply that may come from a slot's reply cache, whose results need not match this call's ops:
 * a server that does not detect a false retry (RFC 8881 s2.10.6.1.3.1: it MAY) answers a
 * different call with the cached reply of the earlier one. That is the case when SEQUENCE
 * succeeded on the fuzzer's session without moving the slot's seqid (a retry, s2.10.6.1.3), and
 * it cannot be ruled out when SEQUENCE succeeded on any other session (a seed's own session from
 * a --cases or --seeds capture, still alive on the server): the fuzzer does not know its slots.
 */
static bool may_be_cached_reply(const struct lf *f, const struct COMPOUND4res *r)
{
	const struct SEQUENCE4resok *s;

	if (r->resarray_len == 0 || r->resarray[0].op != OP_SEQUENCE || r->resarray[0].status != NFS4_OK)
		return false;
	s = &r->resarray[0].u.sequence;
	if (!f->ids.have_session || memcmp(s->sr_sessionid, f->ids.sessionid, NFS4_SESSIONID_SIZE) != 0)
		return true;
	return s->sr_slotid < f->ids.nslots && s->sr_sequenceid == f->ids.slot_seqid[s->sr_slotid];
}

/* What the fuzzer's session learns from a reply: slot seqids, and whether to probe it. */
static void learn(struct lf *f, const struct wire_msg *w)
{
	const struct COMPOUND4res *r = &w->res;

	if (!w->is_compound || r->resarray_len == 0)
		return;
	for (uint32_t i = 0; i < r->resarray_len; i++) {
		uint32_t op = r->resarray[i].op;
		if (r->resarray[i].status == NFS4_OK &&
		    (op == OP_DESTROY_SESSION || op == OP_DESTROY_CLIENTID || op == OP_EXCHANGE_ID ||
		     op == OP_CREATE_SESSION))
			f->bad_sequences = MAX_BAD_SEQUENCES; /* our session may be gone: probe it */
	}
	if (r->resarray[0].op != OP_SEQUENCE || r->resarray[0].undecoded)
		return;
	if (r->resarray[0].status == NFS4_OK) {
		const struct SEQUENCE4resok *s = &r->resarray[0].u.sequence;
		if (f->ids.have_session && !memcmp(s->sr_sessionid, f->ids.sessionid, NFS4_SESSIONID_SIZE) &&
		    s->sr_slotid < f->ids.nslots) {
			f->ids.slot_seqid[s->sr_slotid] = s->sr_sequenceid;
			f->bad_sequences = 0;
		}
	} else if (f->bad_sequences < MAX_BAD_SEQUENCES) {
		f->bad_sequences++;
	}
}

/* Every message the server sends must decode strictly (RFC 5531 s9 reply shapes). */
static void check_reply(struct lf *f, const struct lf_mutant *m, const struct conn_reply *rep)
{
	struct wire_decode_opts o = {.flags = WIRE_STRICT, .max_ops = 4096,
				     .reply_proc = WIRE_PROC_UNKNOWN};
	struct wire_msg w;
	struct wire_error we;
	enum wire_status s;
	char e[300];

	if (m && m->rec_len >= 24 && m->prog == NFS4_PROGRAM && m->vers == NFS_V4 && m->proc <= 1)
		o.reply_proc = m->proc;
	f->st->replies++;
	memset(&w, 0, sizeof(w));
	s = wire_msg_decode(rep->rec, rep->len, &o, &w, &we);
	if (s == WIRE_ERR_UNSUPPORTED) {
		f->st->undecodable_by_us++; /* results of an op the wire library does not parse */
		count_reply(f, &w);
		learn(f, &w); /* the results before it are decoded: a SEQUENCE moved the slot all the same */
	} else if (s != WIRE_OK) {
		finding(f, LF_FIND_MALFORMED, "reply to xid 0x%08x does not decode: %s (RFC 5531 s9)",
			rep->xid, wire_error_format(&we, e, sizeof(e)));
	} else if (w.msg_type != ONCRPC_REPLY) {
		finding(f, LF_FIND_MALFORMED, "xid 0x%08x: a call where a reply was due", rep->xid);
	} else {
		count_reply(f, &w);
		if (m && m->compound && w.is_compound && w.reply.reply_stat == ONCRPC_MSG_ACCEPTED &&
		    w.reply.accept_stat == ONCRPC_SUCCESS && !may_be_cached_reply(f, &w.res))
			check_shape(f, m, &w.res);
		learn(f, &w); /* whatever the call was: the server's slot moved if SEQUENCE succeeded */
	}
	if (f->o->verbose && f->found && s == WIRE_OK) {
		wire_msg_print(stderr, &w);
	} else if (f->o->verbose && f->found) { /* "a finding's reply in full": its bytes */
		fprintf(stderr, "  reply (%zu bytes, %s): ", rep->len, wire_status_name(s));
		put_hex(stderr, rep->rec, rep->len);
		fputc('\n', stderr);
	} else if (f->o->verbose) {
		char line[300];
		fprintf(stderr, "  reply: %s\n", s == WIRE_OK ? wire_msg_summary(&w, line, sizeof(line))
							 : wire_status_name(s));
	}
	wire_msg_free(&w);
}

/* Whatever else arrived on c (replies to nothing we wait for, callbacks): check and drop. */
static void drain(struct lf *f, struct conn *c)
{
	conn_read_available(c);
	for (size_t i = 0; i < c->nreplies; i++) {
		if (c->replies[i].msg_type == ONCRPC_CALL)
			f->st->callbacks++; /* the server calling back (RFC 8881 s2.10.3.1) */
		else
			check_reply(f, NULL, &c->replies[i]);
		free(c->replies[i].rec);
	}
	c->nreplies = 0;
}

static const char *wait_name(enum conn_wait w, const struct conn *c)
{
	return w == CONN_CLOSED ? "closed" : w == CONN_TIMEOUT ? "timeout" : c->broken[0] ? c->broken : "error";
}

/* After a call whose header does not decode: the connection answers a NULL or is closed. */
static void probe_after_maybe(struct lf *f, struct conn *c, const struct lf_mutant *m)
{
	uint8_t buf[256];
	uint32_t xid = new_xid(f);
	size_t len = build_call(xid, NFSPROC4_NULL, NULL, 0, buf, sizeof(buf));
	struct conn_reply rep = {0};
	char err[200];
	enum conn_wait w;

	if (conn_send_record(c, buf, len, 0, err, sizeof(err)) != 0) {
		f->st->closes++;
		return;
	}
	w = conn_wait_reply(c, xid, conn_now() + f->o->reply_timeout, &rep);
	if (w == CONN_GOT_REPLY) {
		struct conn_reply mine = {0};
		if (m->rec_len >= 4 && conn_wait_reply(c, m->xid, conn_now(), &mine) == CONN_GOT_REPLY) {
			check_reply(f, m, &mine);
			free(mine.rec);
		} else {
			f->st->silences++;
		}
		check_reply(f, NULL, &rep);
	} else if (w == CONN_CLOSED) {
		f->st->closes++;
	} else {
		finding(f, w == CONN_TIMEOUT ? LF_FIND_STUCK : LF_FIND_MALFORMED,
			"after a record that is not a decodable call (%s) the connection neither "
			"answers a NULL nor closes within %.1f s: %s (RFC 5531 s11)", m->what,
			f->o->reply_timeout, wait_name(w, c));
	}
	free(rep.rec);
}

/* Send m on c and apply the oracle of its expectation. Returns true when c must be dropped. */
static bool send_and_check(struct lf *f, struct conn *c, const struct lf_mutant *m)
{
	struct conn_reply rep = {0};
	char err[200];
	double t0 = conn_now();
	enum conn_wait w;

	if (conn_send_bytes(c, m->wire, m->wire_len, err, sizeof(err)) != 0) {
		f->st->closes++; /* closed after an earlier input: its check saw it */
		return true;
	}
	switch (m->expect) {
	case LF_EXPECT_REPLY:
	case LF_EXPECT_ANSWER:
		w = conn_wait_reply(c, m->xid, t0 + f->o->reply_timeout, &rep);
		if (w == CONN_GOT_REPLY) {
			if (rep.at - t0 > f->st->slowest_reply)
				f->st->slowest_reply = rep.at - t0;
			check_reply(f, m, &rep);
		} else if (w == CONN_CLOSED && m->expect == LF_EXPECT_ANSWER) {
			f->st->closes++; /* RPC-03: it would not answer a mutated call */
		} else if (w == CONN_CLOSED) {
			f->st->closes++;
			finding(f, LF_FIND_CLOSED, "the server closed the connection on a well-framed call "
				"(%s) instead of answering it (RFC 5531 s9)", m->what);
		} else if (w == CONN_TIMEOUT) {
			f->st->silences++;
			finding(f, LF_FIND_NO_REPLY, "no reply to xid 0x%08x within %.1f s (%s)", m->xid,
				f->o->reply_timeout, m->what);
		} else {
			finding(f, LF_FIND_MALFORMED, "the reply stream broke: %s", wait_name(w, c));
		}
		free(rep.rec);
		break;
	case LF_EXPECT_MAYBE:
		probe_after_maybe(f, c, m);
		break;
	default: /* broken framing: watch briefly, check what came, drop the connection */
		w = conn_wait_close(c, t0 + ANY_GRACE);
		if (w == CONN_CLOSED)
			f->st->closes++;
		else
			f->st->silences++;
		break;
	}
	drain(f, c);
	/* bytes after the last whole record that are not record marking (or a record over the
	 * reader's limit): whatever the input, the server's own stream is garbled (RFC 5531 s11) */
	if (c->broken[0])
		finding(f, LF_FIND_MALFORMED, "the server's reply stream broke after %s: %s", m->what,
			c->broken);
	return m->expect == LF_EXPECT_ANY || f->found || c->peer_closed || c->broken[0];
}

/* ---- liveness -------------------------------------------------------------------- */

/* RPC NULL and a fresh EXCHANGE_ID on a new connection: the server still serves. */
static int liveness(struct lf *f, char *why, size_t whylen)
{
	struct conn c;
	struct wire_msg w;
	struct conn_reply rep;
	char owner[80];
	uint64_t clientid;
	uint32_t seq;
	int rc = -1;

	f->st->checks++;
	snprintf(owner, sizeof(owner), "nfs41check-fuzz-live-%016llx", (unsigned long long)f->o->seed);
	if (open_conn(f, &c, 999, why, whylen) != 0)
		return -1;
	if (own_call(f, &c, NULL, 0, &w, &rep, why, whylen) == 0) {
		release(&w, &rep);
		for (int attempt = 0; attempt < 3 && rc != 0; attempt++) {
			rc = exchange_id(f, &c, owner, f->o->seed, &clientid, &seq, why, whylen);
			if (rc != 0 && strstr(why, "NFS4ERR_DELAY")) {
				nanosleep(&(struct timespec){0, 100000000}, NULL);
				continue;
			}
			break;
		}
	} else {
		release(&w, &rep);
	}
	conn_close(&c);
	return rc;
}

/* ---- finding files ---------------------------------------------------------------- */

static bool mentions(const struct log_entry *e, const struct lf_ids *ids)
{
	for (size_t i = 0; e->bytes && ids->have_session && i + NFS4_SESSIONID_SIZE <= e->len; i++)
		if (!memcmp(e->bytes + i, ids->sessionid, NFS4_SESSIONID_SIZE))
			return true;
	return false;
}

/* A case file with the same bytes (docs/case-language.md: `hex` with `with raw`) and the
 * liveness check as its expectation. */
static int write_case(struct lf *f, const char *path, unsigned n)
{
	FILE *out = fopen(path, "w");
	bool approx = false;

	if (!out)
		return -1;
	fprintf(out, "id: fuzz-finding-%llx-%u\n", (unsigned long long)f->o->seed, n);
	fprintf(out, "title: nfs41check fuzz finding %u (%s): the server keeps serving\n", n,
		lf_finding_kind_name(f->fkind));
	fprintf(out, "requirements: RPC-09\nlevel: MUST\ntags: fuzz\ntimeout: 60s\n\n");
	fprintf(out, "# Written by nfs41check fuzz --seed %llu: %s\n", (unsigned long long)f->o->seed,
		f->ftext);
	fprintf(out, "# The bytes of every input since the last liveness check, as sent (record marking\n"
		     "# included), then the liveness check: RPC NULL and EXCHANGE_ID on a new connection.\n");
	for (size_t i = 0; i < f->log.n; i++)
		if (f->log.v[i].kind == LOG_SEND)
			approx |= mentions(&f->log.v[i], &f->ids);
	if (approx)
		fprintf(out, "# Some inputs name the fuzzer's own session, which this case does not create:\n"
			     "# they reach BADSESSION here. `nfs41check fuzz --replay` maps them exactly.\n");
	size_t last = 0;
	bool used[9] = {false};

	for (size_t i = 0; i < f->log.n; i++)
		if (f->log.v[i].kind == LOG_SEND)
			last = i;
	for (size_t i = 0; i < f->log.n; i++) {
		const struct log_entry *e = &f->log.v[i];
		int cn = e->conn % 8 + 1;
		if (e->kind == LOG_OPEN)
			fprintf(out, "%s c%d\n", used[cn] ? "reconnect" : "connect", cn);
		used[cn] = true;
		if (e->kind != LOG_SEND)
			continue;
		fprintf(out, "# input %lu: %s\nc%d > hex hex:", e->input, e->what ? e->what : "", cn);
		put_hex(out, e->bytes, e->len);
		fprintf(out, "\n    with raw\n");
		if (i == last && (e->expect == LF_EXPECT_REPLY || e->expect == LF_EXPECT_ANSWER))
			/* the input that found it: any reply (or, for a mutated call, a close) */
			fprintf(out, "c%d < ... | NULL | rpc GARBAGE_ARGS | rpc PROG_UNAVAIL | rpc PROG_MISMATCH "
				"| rpc PROC_UNAVAIL | rpc SYSTEM_ERR | rpc RPC_MISMATCH | rpc AUTH_ERROR%s\n",
				cn, e->expect == LF_EXPECT_ANSWER ? " | closed" : "");
		else
			fprintf(out, "sleep 10ms\n");
	}
	fprintf(out, "c9 > NULL\nc9 < NULL\nc9 > EXCHANGE_ID\nc9 < NFS4_OK: EXCHANGE_ID\n");
	return fclose(out) == 0 ? 0 : -1;
}

static int write_finding_file(struct lf *f, const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -1;
	fprintf(out, "nfs41check-fuzz-finding 1\n");
	fprintf(out, "# replay: %s fuzz --replay %s --target HOST:PORT\n",
		f->o->argv0 ? f->o->argv0 : "nfs41check", path);
	fprintf(out, "seed %llu\nfinding %s %s\n", (unsigned long long)f->o->seed,
		lf_finding_kind_name(f->fkind), f->ftext);
	for (size_t i = 0; i < f->log.n; i++) {
		const struct log_entry *e = &f->log.v[i];
		switch (e->kind) {
		case LOG_OPEN: fprintf(out, "open %d\n", e->conn); break;
		case LOG_CLOSE: fprintf(out, "close %d\n", e->conn); break;
		case LOG_SESSION:
			fprintf(out, "session %d %016llx ", e->conn, (unsigned long long)e->clientid);
			put_hex(out, e->sessionid, NFS4_SESSIONID_SIZE);
			fputc('\n', out);
			break;
		case LOG_SEND:
			fprintf(out, "# input %lu: %s\nsend %d %s ", e->input, e->what ? e->what : "",
				e->conn, lf_expect_name(e->expect));
			put_hex(out, e->bytes, e->len);
			fputc('\n', out);
			break;
		}
	}
	return fclose(out) == 0 ? 0 : -1;
}

/* A signature per kind and class and the first words of the text, so a bug found a thousand
 * times is saved once. */
static bool seen_before(struct lf *f)
{
	char sig[96];
	size_t n;

	snprintf(sig, sizeof(sig), "%s|%s|%.60s", lf_finding_kind_name(f->fkind),
		 f->fkind == LF_FIND_MALFORMED ? "" : lf_class_name(f->m->cls), f->ftext);
	for (char *p = sig; *p; p++) { /* numbers vary: keep the words */
		if (p[0] == '0' && p[1] == 'x')
			for (p[1] = '#'; isxdigit((unsigned char)p[2]); p++)
				p[2] = '#';
		if (*p >= '0' && *p <= '9')
			*p = '#';
	}
	for (n = 0; n < f->nsigs; n++)
		if (!strcmp(f->sigs[n], sig))
			return true;
	if (f->nsigs < LF_MAX_SIGNATURES)
		snprintf(f->sigs[f->nsigs++], sizeof(f->sigs[0]), "%s", sig);
	return false;
}

static void save_finding(struct lf *f)
{
	struct lf_stats *st = f->st;
	char path[600], casepath[620];
	unsigned n;

	st->findings++;
	if (!st->first_finding[0])
		snprintf(st->first_finding, sizeof(st->first_finding), "%s: %.280s",
			 lf_finding_kind_name(f->fkind), f->ftext);
	if (f->replaying)
		return;
	if (f->fkind != LF_FIND_DEAD && seen_before(f)) {
		st->findings_repeated++;
		return;
	}
	n = (unsigned)++st->findings_saved;
	snprintf(path, sizeof(path), "%s/finding-%03u-%s.nfz", f->o->out_dir, n,
		 lf_finding_kind_name(f->fkind));
	snprintf(casepath, sizeof(casepath), "%s/finding-%03u-%s.case", f->o->out_dir, n,
		 lf_finding_kind_name(f->fkind));
	if (write_finding_file(f, path) != 0 || write_case(f, casepath, n) != 0)
		snprintf(path, sizeof(path), "(could not write %s/finding-%03u: %s)", f->o->out_dir, n,
			 strerror(errno));
	if (st->nfinding_files < sizeof(st->finding_files) / sizeof(st->finding_files[0]))
		snprintf(st->finding_files[st->nfinding_files++], sizeof(st->finding_files[0]),
			 "%.300s: %s: %.180s", path, lf_finding_kind_name(f->fkind), f->ftext);
}

/* ---- the loop --------------------------------------------------------------------- */

static void log_send(struct lf *f, const struct lf_mutant *m)
{
	struct log_entry *e = wlog_add(&f->log, LOG_SEND, f->fz_index);

	if (!e)
		return;
	e->expect = m->expect;
	e->cls = m->cls;
	e->input = f->st->inputs;
	e->bytes = malloc(m->wire_len ? m->wire_len : 1);
	if (e->bytes)
		memcpy(e->bytes, m->wire, m->wire_len);
	e->len = e->bytes ? m->wire_len : 0;
	e->what = strdup(m->what);
	f->log.bytes += e->len;
}

/* One class, weighted: struct-level mutations most, framing least (they cost a connection). */
static enum lf_class pick_class(struct lf_rng *r)
{
	static const enum lf_class w[] = {LF_CLASS_NONE, LF_CLASS_FIELD, LF_CLASS_FIELD,
					  LF_CLASS_FIELD, LF_CLASS_FIELD, LF_CLASS_OPLIST,
					  LF_CLASS_OPLIST, LF_CLASS_OPLIST, LF_CLASS_BYTES,
					  LF_CLASS_BYTES, LF_CLASS_SPLIT, LF_CLASS_FRAMING};
	return w[lf_rng_below(r, sizeof(w) / sizeof(w[0]))];
}

/* Build the next input from the pool: remap a seed, mutate it (1 to 3 stacked FIELD/OPLIST
 * edits are done as successive inputs would be: one per input keeps findings attributable). */
static int next_input(struct lf *f, const struct lf_pool *pool)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		const struct lf_seed *s = &pool->v[lf_rng_below(&f->rng, (uint32_t)pool->n)];
		size_t n = lf_remap(s->rec, s->len, new_xid(f), &f->ids, &f->rng, f->base, sizeof(f->base));
		if (n && lf_mutate(f->base, n, pick_class(&f->rng), &f->rng, f->m) == 0)
			return 0;
	}
	return -1;
}

/* Probe the fuzzer's session with a plain SEQUENCE; set it up again when it is gone. */
static void probe_session(struct lf *f)
{
	struct nfs_argop op = {.op = OP_SEQUENCE};
	struct wire_msg w;
	struct conn_reply rep;
	char err[300];
	uint32_t slot = 0;

	f->bad_sequences = 0;
	if (!f->ids.have_session || f->fz.fd < 0)
		return;
	memcpy(op.u.sequence.sa_sessionid, f->ids.sessionid, NFS4_SESSIONID_SIZE);
	op.u.sequence.sa_sequenceid = f->ids.slot_seqid[slot] + 1;
	if (own_call(f, &f->fz, &op, 1, &w, &rep, err, sizeof(err)) == 0 && w.res.status == NFS4_OK &&
	    w.res.resarray_len == 1) {
		f->ids.slot_seqid[slot] = op.u.sequence.sa_sequenceid;
	} else {
		f->ids.have_session = false; /* gone or out of step: a new one on a new connection */
		close_fz(f);
	}
	release(&w, &rep);
}

/* End a window: the liveness check; on success a new window starts. Returns -1 when dead. */
static int end_window(struct lf *f)
{
	char why[300];

	close_fz(f);
	if (liveness(f, why, sizeof(why)) != 0) {
		f->found = false;
		finding(f, LF_FIND_DEAD, "liveness check failed: %s (RFC 5531 s9: NULL is always "
			"answered; RFC 8881 s18.35)", why);
		save_finding(f);
		f->st->server_dead = true;
		return -1;
	}
	wlog_clear(&f->log);
	f->ids.have_session = false; /* each window has its own client and session */
	return 0;
}

static void progress(struct lf *f, double *next)
{
	double now = conn_now();

	f->st->elapsed = now - f->st->started;
	if (f->o->progress && now >= *next) {
		struct lf_stats_view v = {f->st, f->o};
		f->o->progress(f->o->progress_ctx, &v);
		*next = now + 0.25;
	}
}

static bool keep_going(struct lf *f)
{
	const struct lf_opts *o = f->o;

	return f->st->inputs < o->count && conn_now() - f->st->started < o->time_limit &&
	       !(o->stop && *o->stop) && !f->st->server_dead && f->st->findings_saved < o->max_findings;
}

static int lf_init(struct lf *f, const struct lf_opts *o, struct lf_stats *st)
{
	memset(f, 0, sizeof(*f));
	memset(st, 0, sizeof(*st));
	f->o = o;
	f->st = st;
	f->fz.fd = -1;
	f->m = calloc(1, sizeof(*f->m)); /* a replayed input leaves some fields unset */
	lf_rng_seed(&f->rng, o->seed);
	f->next_xid = (uint32_t)(o->seed * 2654435761u) | 1u;
	f->run_nonce = (uint64_t)time(NULL) << 24 ^ (uint64_t)getpid();
	st->started = conn_now();
	return f->m ? 0 : -1;
}

static void lf_fini(struct lf *f)
{
	conn_close(&f->fz);
	wlog_clear(&f->log);
	free(f->log.v);
	free(f->m);
}

static void one_input(struct lf *f, const struct lf_pool *pool)
{
	char err[300];

	if (ensure_fz(f, err, sizeof(err)) != 0) {
		f->found = false;
		finding(f, LF_FIND_SETUP, "cannot set up a connection and session: %s", err);
		return;
	}
	if (next_input(f, pool) != 0)
		return;
	f->st->inputs++;
	f->st->by_class[f->m->cls]++;
	log_send(f, f->m);
	if (send_and_check(f, &f->fz, f->m))
		close_fz(f);
	if (!f->found && f->bad_sequences >= MAX_BAD_SEQUENCES)
		probe_session(f);
}

int lf_run(const struct lf_opts *o, const struct lf_pool *pool, struct lf_stats *st, char *err,
	   size_t errlen)
{
	struct lf f;
	double next = 0;
	unsigned since_check = 0;
	int rc = 0;

	if (pool->n == 0) {
		snprintf(err, errlen, "the seed pool is empty");
		return -1;
	}
	if (mkdir_p(o->out_dir) != 0) {
		snprintf(err, errlen, "--out %s: %s", o->out_dir, strerror(errno));
		return -1;
	}
	if (lf_init(&f, o, st) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (liveness(&f, err, errlen) != 0 || ensure_fz(&f, err, errlen) != 0) {
		lf_fini(&f);
		return -1; /* could not run: the server was not serving before the first input */
	}
	while (keep_going(&f)) {
		f.found = false;
		one_input(&f, pool);
		if (f.found) {
			close_fz(&f);
			if (f.fkind != LF_FIND_DEAD)
				save_finding(&f);
			since_check = o->check_every; /* check now: did the input also hurt the server? */
		}
		if (++since_check >= o->check_every || f.log.bytes > MAX_LOG_BYTES ||
		    (f.found && f.fkind == LF_FIND_DEAD)) {
			since_check = 0;
			f.found = false;
			if (end_window(&f) != 0)
				break;
		}
		progress(&f, &next);
	}
	if (!st->server_dead && !(o->stop && *o->stop)) {
		f.found = false;
		end_window(&f); /* the last inputs get their check too */
	}
	st->elapsed = conn_now() - st->started;
	lf_fini(&f);
	return rc;
}

/* ---- replay ------------------------------------------------------------------------- */

static int hex_to_bytes(const char *h, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(h);

	while (len && (h[len - 1] == '\n' || h[len - 1] == '\r' || h[len - 1] == ' '))
		len--;
	if (len % 2 || len / 2 > cap || hex_decode(h, len, out) != 0)
		return -1;
	*n = len / 2;
	return 0;
}

static void substitute(uint8_t *p, size_t n, const uint8_t *from, const uint8_t *to, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, from, k)) {
			memcpy(p + i, to, k);
			i += k - 1;
		}
}

static void be64(uint64_t v, uint8_t out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* The recorded client and session ids in the bytes, replaced by the replay's own. */
static void map_ids(struct lf *f, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < f->nmaps; i++) {
		uint8_t a[8], b[8];
		be64(f->rec_clientid[i], a);
		be64(f->live_clientid[i], b);
		substitute(p, n, f->rec_sessionid[i], f->live_sessionid[i], NFS4_SESSIONID_SIZE);
		substitute(p, n, a, b, 8);
	}
}

/* The record inside well-framed bytes (for the oracle); false when the framing is broken. */
static bool deframe(const uint8_t *wire, size_t n, uint8_t *rec, size_t cap, size_t *len)
{
	struct rm_reader r;
	size_t used;
	bool ok = false;

	rm_reader_init(&r, cap);
	if (rm_reader_feed(&r, wire, n, &used) == RM_RECORD && used == n) {
		const uint8_t *p = rm_record(&r, len);
		memcpy(rec, p, *len);
		ok = true;
	}
	rm_reader_free(&r);
	return ok;
}

/* `open C`: a new connection; when the server served before, not connecting is a finding. */
static int replay_open(struct lf *f, int c, int slot, char *err, size_t errlen)
{
	if (f->ropen[slot])
		conn_close(&f->rconn[slot]);
	f->ropen[slot] = open_conn(f, &f->rconn[slot], c, err, errlen) == 0;
	if (!f->ropen[slot] && f->st->inputs > 0) { /* it served before: the inputs killed it */
		finding(f, LF_FIND_DEAD, "cannot connect any more: %s", err);
		save_finding(f);
		f->st->server_dead = true;
		return 0;
	}
	return f->ropen[slot] ? 0 : -1;
}

/* `session C CLIENTID SESSIONID`: set up our own and map the recorded ids onto it. */
static int replay_session(struct lf *f, int slot, const char *args, char *err, size_t errlen)
{
	char owner[96], sid[40];
	unsigned long long cid;
	size_t k = f->nmaps < MAX_CONNS ? f->nmaps : MAX_CONNS - 1, got;
	struct lf_ids ids;
	uint64_t nonce;

	if (sscanf(args, "%llx %39s", &cid, sid) != 2 ||
	    hex_to_bytes(sid, f->rec_sessionid[k], NFS4_SESSIONID_SIZE, &got) != 0 ||
	    got != NFS4_SESSIONID_SIZE) {
		snprintf(err, errlen, "bad session line: %.60s", args);
		return -1;
	}
	/* unique to this replay, so an earlier replay's client is not found again */
	nonce = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() << 8 ^ k;
	snprintf(owner, sizeof(owner), "nfs41check-fuzz-replay-%llx", (unsigned long long)nonce);
	if (setup_session(f, &f->rconn[slot], owner, nonce, &ids, err, errlen) != 0)
		return -1;
	f->ids = ids; /* the slot tracking and cached-replay test follow the live session */
	f->rec_clientid[k] = cid;
	f->live_clientid[k] = ids.clientid;
	memcpy(f->live_sessionid[k], ids.sessionid, NFS4_SESSIONID_SIZE);
	f->nmaps = k + 1;
	return 0;
}

/* `send C EXPECT HEX`: the recorded bytes, ids mapped, under the same oracle. */
static int replay_send(struct lf *f, int c, int slot, const char *args, char *err, size_t errlen)
{
	struct lf_mutant *m = f->m;
	char expect[16];
	const char *hex;

	if (sscanf(args, "%15s", expect) != 1 || !(hex = strstr(args, expect))) {
		snprintf(err, errlen, "bad send line: %.60s", args);
		return -1;
	}
	hex += strlen(expect);
	while (*hex == ' ')
		hex++;
	if (hex_to_bytes(hex, m->wire, sizeof(m->wire), &m->wire_len) != 0) {
		snprintf(err, errlen, "bad bytes in: %.60s", args);
		return -1;
	}
	map_ids(f, m->wire, m->wire_len);
	snprintf(m->what, sizeof(m->what), "replayed input");
	if (strcmp(expect, "any") != 0 &&
	    deframe(m->wire, m->wire_len, m->rec, sizeof(m->rec), &m->rec_len)) {
		lf_describe(m);
		if (m->expect == LF_EXPECT_REPLY && strcmp(expect, "answer") == 0)
			m->expect = LF_EXPECT_ANSWER;
	} else {
		m->rec_len = 0;
		m->expect = LF_EXPECT_ANY;
		m->compound = false;
	}
	f->st->inputs++;
	if (f->o->verbose)
		fprintf(stderr, "send %d %s (%zu bytes)\n", c, expect, m->wire_len);
	if (send_and_check(f, &f->rconn[slot], m)) {
		conn_close(&f->rconn[slot]);
		f->ropen[slot] = false;
	}
	if (f->found)
		save_finding(f);
	f->found = false;
	return 0;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int replay_line(struct lf *f, const char *line, char *err, size_t errlen)
{
	char kind[16];
	int c, off = 0, slot;

	if (line[0] == '#' || line[0] == '\n' || starts(line, "nfs41check-fuzz-finding") ||
	    starts(line, "seed ") || starts(line, "finding "))
		return 0;
	if (sscanf(line, "%15s %d%n", kind, &c, &off) != 2 || c < 0) {
		snprintf(err, errlen, "cannot read: %.60s", line);
		return -1;
	}
	slot = c % MAX_CONNS;
	if (strcmp(kind, "open") == 0)
		return replay_open(f, c, slot, err, errlen);
	if (strcmp(kind, "close") == 0) { /* the replay may have dropped it already */
		if (f->ropen[slot])
			conn_close(&f->rconn[slot]);
		f->ropen[slot] = false;
		return 0;
	}
	if (!f->ropen[slot]) { /* the server closed it here but not in the recorded run */
		f->ropen[slot] = open_conn(f, &f->rconn[slot], c, err, errlen) == 0;
		if (!f->ropen[slot])
			return -1;
	}
	if (strcmp(kind, "session") == 0)
		return replay_session(f, slot, line + off, err, errlen);
	if (strcmp(kind, "send") == 0)
		return replay_send(f, c, slot, line + off, err, errlen);
	snprintf(err, errlen, "unknown line: %.60s", line);
	return -1;
}

int lf_replay(const struct lf_opts *o, const char *file, struct lf_stats *st, char *err,
	      size_t errlen)
{
	struct lf f;
	FILE *in = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!in) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (lf_init(&f, o, st) != 0) {
		fclose(in);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f.replaying = true;
	if (getline(&line, &cap, in) < 0 || !starts(line, "nfs41check-fuzz-finding 1")) {
		snprintf(err, errlen, "%s: not a finding file of nfs41check fuzz", file);
		rc = -1;
	}
	while (rc == 0 && getline(&line, &cap, in) >= 0 && !st->server_dead)
		if (replay_line(&f, line, err, errlen) != 0) {
			char e2[300];
			snprintf(e2, sizeof(e2), "%s: %s", file, err);
			snprintf(err, errlen, "%s", e2);
			rc = -1;
		}
	for (int i = 0; i < MAX_CONNS; i++)
		if (f.ropen[i])
			conn_close(&f.rconn[i]);
	if (rc == 0)
		end_window(&f);
	free(line);
	fclose(in);
	st->elapsed = conn_now() - st->started;
	lf_fini(&f);
	return rc;
}
