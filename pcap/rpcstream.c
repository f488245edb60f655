/* rpcstream.c - ONC RPC messages out of a capture's TCP streams (see rpcstream.h). */
#include "rpcstream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define NFS_PROGRAM 100003u
#define CALL_BUCKETS 64u
#define DEFAULT_PORT 2049u
#define DEFAULT_MAX_RECORD (4u << 20)
#define DEFAULT_MAX_PENDING (8u << 20)

/* A call seen on a connection, for the replies that follow (RFC 5531 s9: matched by xid). */
struct call_entry {
	uint32_t xid, prog, vers, proc;
	uint64_t frame;
	bool answered;
	struct call_entry *next;
};

/* What one connection's reader keeps. */
struct rpc_conn {
	struct rm_reader rm[2];
	bool hunting[2];         /* after a gap or a bad record: waiting for a record to start */
	uint64_t first_frame[2]; /* the frame that carried the current record's first byte */
	uint64_t last_frame[2];  /* the latest frame that carried bytes of it: completes it */
	struct call_entry *calls[CALL_BUCKETS];
};

struct reader {
	struct rpc_read_opts o;
	const struct rpc_sink *sink;
	struct rpc_stats *st;
	bool oom;
	uint64_t frame; /* the frame being read; 0 at the end of the capture */
	struct timeval ts; /* its time (the last frame's at the end) */
};

static const char *dir_name(int dir) { return dir == FLOW_TO_SERVER ? "client->server" : "server->client"; }

static void warnf(struct reader *r, uint64_t frame, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warnf(struct reader *r, uint64_t frame, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (!r->sink->warning)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->sink->warning(r->sink->ctx, frame, text);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct rpc_conn *conn_of(struct reader *r, struct flow *f)
{
	struct rpc_conn *c = f->user;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c) {
		r->oom = true;
		return NULL;
	}
	rm_reader_init(&c->rm[0], r->o.max_record);
	rm_reader_init(&c->rm[1], r->o.max_record);
	f->user = c;
	return c;
}

static void conn_free(void *user)
{
	struct rpc_conn *c = user;

	if (!c)
		return;
	for (unsigned i = 0; i < CALL_BUCKETS; i++)
		for (struct call_entry *e = c->calls[i], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	rm_reader_free(&c->rm[0]);
	rm_reader_free(&c->rm[1]);
	free(c);
}

static struct call_entry *call_find(struct rpc_conn *c, uint32_t xid)
{
	for (struct call_entry *e = c->calls[xid % CALL_BUCKETS]; e; e = e->next)
		if (e->xid == xid)
			return e;
	return NULL;
}

/*
 * After a gap, bytes arrive from the middle of a record: a chunk is taken as the start of a new
 * one only when it begins with a plausible record mark followed by an RPC header (xid, a
 * message type of 0 or 1, and RPC version 2 for a call).
 */
static bool record_starts(const struct reader *r, const uint8_t *p, size_t n)
{
	uint32_t len, type;

	if (n < 16)
		return false;
	len = be32(p) & RM_LENGTH_MASK;
	type = be32(p + 8);
	if (len < 12 || len > r->o.max_record || type > ONCRPC_REPLY)
		return false;
	return type == ONCRPC_REPLY || be32(p + 12) == ONCRPC_VERSION;
}

static void restart_reader(struct reader *r, struct rpc_conn *c, int dir)
{
	rm_reader_free(&c->rm[dir]);
	rm_reader_init(&c->rm[dir], r->o.max_record);
}

/* A call: remember it for its reply; NFS calls go to the sink. */
static void got_call(struct reader *r, struct rpc_conn *c, struct rpc_message *m)
{
	struct oncrpc_call call;
	struct xdr_dec d;
	struct call_entry *e;

	xdr_dec_init(&d, m->rec, m->len, 0);
	if (!oncrpc_call_decode(&d, &call)) {
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		warnf(r, m->frame, "stream %llu %s: a call (xid 0x%08x) whose RPC header does not "
			  "decode: %s", (unsigned long long)m->flow->stream, dir_name(m->dir), m->xid,
		      wire_error_format(&d.error, es, sizeof(es)));
		r->st->bad_records++;
		return;
	}
	m->prog = call.prog, m->vers = call.vers, m->proc = call.proc;
	e = call_find(c, m->xid);
	m->retransmission = e && !e->answered;
	if (!e && (e = calloc(1, sizeof(*e))) != NULL) {
		e->xid = m->xid;
		e->next = c->calls[m->xid % CALL_BUCKETS];
		c->calls[m->xid % CALL_BUCKETS] = e;
	}
	if (!e) {
		r->oom = true;
		return;
	}
	*e = (struct call_entry){.xid = m->xid, .prog = call.prog, .vers = call.vers,
				 .proc = call.proc, .frame = m->frame, .next = e->next};
	r->st->calls++;
	if (call.prog != NFS_PROGRAM && !(r->o.callbacks && m->dir == FLOW_TO_CLIENT)) {
		r->st->other_program++;
		return;
	}
	r->sink->message(r->sink->ctx, m);
}

/* A reply: its call says what it answers; replies to other programs are skipped. */
static void got_reply(struct reader *r, struct rpc_conn *c, struct rpc_message *m)
{
	struct call_entry *e = call_find(c, m->xid);

	r->st->replies++;
	m->prog = NFS_PROGRAM, m->vers = 4, m->proc = WIRE_PROC_UNKNOWN;
	if (e) {
		m->matched = true;
		m->prog = e->prog, m->vers = e->vers, m->proc = e->proc;
		m->call_frame = e->frame;
		e->answered = true;
	} else {
		r->st->unmatched_replies++;
	}
	if (m->prog != NFS_PROGRAM && !(r->o.callbacks && m->dir == FLOW_TO_SERVER)) {
		r->st->other_program++;
		return;
	}
	r->sink->message(r->sink->ctx, m);
}

static void got_record(struct reader *r, struct flow *f, int dir, uint64_t frame)
{
	struct rpc_conn *c = f->user;
	struct rpc_message m = {.frame = c->last_frame[dir] > frame ? c->last_frame[dir] : frame,
				.first_frame = c->first_frame[dir], .flow = f, .dir = dir, .ts = r->ts};

	m.rec = rm_record(&c->rm[dir], &m.len);
	m.fragments = c->rm[dir].fragments;
	r->st->records++;
	if (!oncrpc_msg_type_peek(m.rec, m.len, &m.xid, &m.msg_type) || m.msg_type > ONCRPC_REPLY) {
		warnf(r, m.frame, "stream %llu %s: a record of %zu bytes that is no RPC message",
		      (unsigned long long)f->stream, dir_name(dir), m.len);
		r->st->bad_records++;
		return;
	}
	if (m.msg_type == ONCRPC_CALL)
		got_call(r, c, &m);
	else
		got_reply(r, c, &m);
}

static void on_data(void *ctx, struct flow *f, int dir, const uint8_t *p, size_t n, uint64_t frame)
{
	struct reader *r = ctx;
	struct rpc_conn *c = conn_of(r, f);
	/* Bytes that waited for a hole to fill came with an earlier frame; their record is complete
	 * at the frame that filled the hole (as Wireshark reassembles). At the end of the capture,
	 * waiting bytes go in sequence order, not frame order: a record is complete at the latest
	 * frame of its bytes (never before the frame of its first byte). */
	uint64_t now = r->frame ? r->frame : frame;

	if (!c)
		return;
	if (c->hunting[dir]) {
		if (!record_starts(r, p, n)) {
			r->st->dropped_bytes += n;
			return;
		}
		c->hunting[dir] = false;
		restart_reader(r, c, dir);
	}
	while (n > 0) {
		size_t used = 0;
		enum rm_result res;

		if (rm_reader_idle(&c->rm[dir]))
			c->first_frame[dir] = c->last_frame[dir] = frame;
		if (now > c->last_frame[dir])
			c->last_frame[dir] = now;
		res = rm_reader_feed(&c->rm[dir], p, n, &used);
		if (res == RM_ERROR) {
			warnf(r, now, "stream %llu %s: record marking: %s; looking for the next record",
			      (unsigned long long)f->stream, dir_name(dir), c->rm[dir].error);
			r->st->bad_records++;
			r->st->dropped_bytes += n;
			c->hunting[dir] = true;
			return;
		}
		if (res == RM_RECORD)
			got_record(r, f, dir, now);
		p += used;
		n -= used;
	}
}

static void on_gap(void *ctx, struct flow *f, int dir, uint64_t missing, uint64_t frame)
{
	struct reader *r = ctx;
	struct rpc_conn *c = conn_of(r, f);

	warnf(r, frame, "stream %llu %s: %llu bytes missing (not in the capture)",
	      (unsigned long long)f->stream, dir_name(dir), (unsigned long long)missing);
	if (c)
		c->hunting[dir] = true; /* what follows may start mid-record */
}

static void on_closed(void *ctx, struct flow *f, int dir, bool reset, uint64_t frame)
{
	struct reader *r = ctx;

	if (r->sink->closed && f->user) /* a connection with NFS traffic */
		r->sink->closed(r->sink->ctx, f, dir, reset, frame, r->ts);
}

static void read_frame(struct reader *r, struct flow_table *t, int linktype,
		       const struct capture_frame *fr)
{
	struct pkt_tcp seg;
	char why[200];

	r->st->frames++;
	switch (pkt_parse(linktype, fr->data, fr->caplen, fr->wirelen, &seg, why, sizeof(why))) {
	case PKT_MALFORMED:
		r->st->malformed_frames++;
		warnf(r, fr->number, "malformed frame: %s", why);
		return;
	case PKT_SKIPPED:
		r->st->skipped_frames++;
		return;
	case PKT_TCP:
		break;
	}
	if (seg.sport != r->o.port && seg.dport != r->o.port) {
		r->st->other_tcp_frames++;
		return;
	}
	r->st->tcp_frames++;
	r->frame = fr->number;
	r->ts = fr->ts;
	if (flow_table_add(t, &seg, fr->number) != 0)
		r->oom = true;
}

int rpc_read_capture(struct capture *c, const struct rpc_read_opts *o, const struct rpc_sink *sink,
		     struct rpc_stats *st, char *err, size_t errlen)
{
	struct reader r = {.sink = sink, .st = st};
	struct flow_sink fs = {.ctx = &r, .data = on_data, .gap = on_gap, .closed = on_closed};
	struct capture_frame fr;
	struct flow_table *t;
	int linktype = capture_linktype(c), rc;

	memset(st, 0, sizeof(*st));
	r.o = o ? *o : (struct rpc_read_opts){0};
	r.o.port = r.o.port ? r.o.port : DEFAULT_PORT;
	r.o.max_record = r.o.max_record ? r.o.max_record : DEFAULT_MAX_RECORD;
	r.o.max_pending = r.o.max_pending ? r.o.max_pending : DEFAULT_MAX_PENDING;
	t = flow_table_new(r.o.port, r.o.max_pending, &fs);
	if (!t) {
		snprintf(err, errlen, "%s: out of memory", capture_name(c));
		return -1;
	}
	while ((rc = capture_next(c, &fr, err, errlen)) == 1 && !r.oom)
		read_frame(&r, t, linktype, &fr);
	r.frame = 0;
	if (rc >= 0 || !r.oom)
		flow_table_finish(t);
	st->tcp = *flow_table_stats(t);
	flow_table_free(t, conn_free);
	if (r.oom) {
		snprintf(err, errlen, "%s: out of memory at frame %llu", capture_name(c),
			 (unsigned long long)st->frames);
		return -1;
	}
	return rc < 0 ? -1 : 0;
}
