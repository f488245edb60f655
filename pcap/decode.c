/* decode.c - `nfs41check pcap decode` (see decode.h). */
#include "decode.h"

#include <jansson.h>
#include <string.h>

#include "wire.h"

struct decoder {
	const struct decode_opts *o;
	FILE *out, *warn;
	struct decode_result *res;
	json_t *messages, *warnings; /* DECODE_JSON */
};

static uint16_t src_port(const struct rpc_message *m) { return m->flow->port[m->dir]; }
static uint16_t dst_port(const struct rpc_message *m) { return m->flow->port[!m->dir]; }

/* ---- text -------------------------------------------------------------------------------- */

static void print_line(struct decoder *d, const struct rpc_message *m, const struct wire_msg *w,
		       const char *problem)
{
	char summary[1024];

	fprintf(d->out, "%6llu  %3llu  %5u > %-5u  %s", (unsigned long long)m->frame,
		(unsigned long long)m->flow->stream, src_port(m), dst_port(m),
		wire_msg_summary(w, summary, sizeof(summary)));
	if (m->retransmission)
		fputs("  [retransmission]", d->out);
	if (m->msg_type == ONCRPC_REPLY && !m->matched)
		fputs("  [no call in the capture]", d->out);
	if (problem)
		fprintf(d->out, "  [malformed: %s]", problem);
	fputc('\n', d->out);
	if (d->o->format == DECODE_VERBOSE) {
		wire_msg_print(d->out, w);
		fputc('\n', d->out);
	}
}

/* ---- tshark's field columns ---------------------------------------------------------------- */

static const char tsv_header[] = "frame.number\ttcp.stream\ttcp.srcport\ttcp.dstport\trpc.xid\t"
				 "rpc.msgtyp\tnfs.minorversion\tnfs.opcode\tnfs.nfsstat4\n";

static void print_tsv(struct decoder *d, const struct rpc_message *m, const struct wire_msg *w)
{
	FILE *f = d->out;

	fprintf(f, "%llu\t%llu\t%u\t%u\t0x%08x\t%u\t", (unsigned long long)m->frame,
		(unsigned long long)m->flow->stream, src_port(m), dst_port(m), m->xid, m->msg_type);
	if (w->is_compound && m->msg_type == ONCRPC_CALL) {
		fprintf(f, "%u\t", w->args.minorversion);
		for (uint32_t i = 0; i < w->args.argarray_len; i++)
			fprintf(f, "%s%u", i ? "," : "", w->args.argarray[i].op);
		fputs("\t\n", f);
		return;
	}
	fputc('\t', f);
	if (w->is_compound) {
		for (uint32_t i = 0; i < w->res.resarray_len; i++)
			fprintf(f, "%s%u", i ? "," : "", w->res.resarray[i].op);
		fprintf(f, "\t%u", w->res.status);
		for (uint32_t i = 0; i < w->res.resarray_len; i++)
			fprintf(f, ",%u", w->res.resarray[i].status);
		fputc('\n', f);
		return;
	}
	fputs("\t\n", f);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static json_t *json_ops(const struct wire_msg *w)
{
	json_t *ops = json_array();
	bool call = w->msg_type == ONCRPC_CALL;
	uint32_t n = call ? w->args.argarray_len : w->res.resarray_len;

	for (uint32_t i = 0; i < n && ops; i++) {
		uint32_t op = call ? w->args.argarray[i].op : w->res.resarray[i].op;
		const char *name = nfs4_op_name(op);
		json_t *o = name ? json_string(name) : json_integer(op);
		if (!call)
			o = json_pack("{s:o, s:s}", "op", o, "status",
				      nfs4_status_name(w->res.resarray[i].status)
					      ? nfs4_status_name(w->res.resarray[i].status) : "?");
		json_array_append_new(ops, o);
	}
	return ops;
}

static void add_json(struct decoder *d, const struct rpc_message *m, const struct wire_msg *w,
		     const char *problem)
{
	char summary[1024], xid[16];
	json_t *o;

	snprintf(xid, sizeof(xid), "0x%08x", m->xid);
	o = json_pack("{s:I, s:I, s:I, s:i, s:i, s:s, s:s, s:s}", "frame", (json_int_t)m->frame,
		      "first_frame", (json_int_t)m->first_frame, "stream", (json_int_t)m->flow->stream,
		      "src_port", src_port(m), "dst_port", dst_port(m), "type",
		      m->msg_type == ONCRPC_CALL ? "call" : "reply", "xid", xid, "summary",
		      wire_msg_summary(w, summary, sizeof(summary)));
	if (!o)
		return;
	if (w->is_compound) {
		if (m->msg_type == ONCRPC_CALL)
			json_object_set_new(o, "minorversion", json_integer(w->args.minorversion));
		else
			json_object_set_new(o, "status", json_string(nfs4_status_name(w->res.status)
								     ? nfs4_status_name(w->res.status) : "?"));
		json_object_set_new(o, "ops", json_ops(w));
	} else {
		json_object_set_new(o, "proc", m->proc == WIRE_PROC_UNKNOWN ? json_null()
								   : json_integer(m->proc));
	}
	if (m->retransmission)
		json_object_set_new(o, "retransmission", json_true());
	if (m->msg_type == ONCRPC_REPLY)
		json_object_set_new(o, "matched", json_boolean(m->matched));
	if (problem)
		json_object_set_new(o, "malformed", json_string(problem));
	json_array_append_new(d->messages, o);
}

/* ---- the sink ------------------------------------------------------------------------------- */

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct decoder *d = ctx;
	struct wire_decode_opts wo = {.flags = 0, .reply_proc = m->proc};
	struct wire_msg w;
	struct wire_error e;
	char problem[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
	enum wire_status st = wire_msg_decode(m->rec, m->len, &wo, &w, &e);
	/* An op this library does not know stops decoding where it stands, as it stops a server
	 * (OP_ILLEGAL): the message is whole, the op is shown by number. */
	bool ok = st == WIRE_OK || st == WIRE_ERR_UNSUPPORTED;

	if (!ok) {
		wire_error_format(&e, problem, sizeof(problem));
		d->res->undecodable++;
		d->res->warnings++;
		if (d->o->format != DECODE_JSON)
			fprintf(d->warn, "frame %llu: xid 0x%08x: %s\n", (unsigned long long)m->frame,
				m->xid, problem);
	}
	d->res->messages++;
	switch (d->o->format) {
	case DECODE_TEXT:
	case DECODE_VERBOSE: print_line(d, m, &w, ok ? NULL : problem); break;
	case DECODE_TSV: print_tsv(d, m, &w); break;
	case DECODE_JSON: add_json(d, m, &w, ok ? NULL : problem); break;
	}
	wire_msg_free(&w);
}

static void on_warning(void *ctx, uint64_t frame, const char *text)
{
	struct decoder *d = ctx;

	d->res->warnings++;
	if (d->o->format == DECODE_JSON)
		json_array_append_new(d->warnings, json_pack("{s:I, s:s}", "frame", (json_int_t)frame,
							     "text", text));
	else
		fprintf(d->warn, "frame %llu: %s\n", (unsigned long long)frame, text);
}

static json_t *json_stats(const struct decode_result *r)
{
	const struct rpc_stats *s = &r->st;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "frames", (json_int_t)s->frames, "tcp_frames", (json_int_t)s->tcp_frames,
			 "skipped_frames", (json_int_t)s->skipped_frames,
			 "malformed_frames", (json_int_t)s->malformed_frames,
			 "other_tcp_frames", (json_int_t)s->other_tcp_frames,
			 "connections", (json_int_t)s->tcp.flows, "records", (json_int_t)s->records,
			 "nfs_messages", (json_int_t)r->messages,
			 "undecodable", (json_int_t)r->undecodable,
			 "other_program", (json_int_t)s->other_program,
			 "unmatched_replies", (json_int_t)s->unmatched_replies,
			 "retransmitted_segments", (json_int_t)s->tcp.retransmitted,
			 "out_of_order_segments", (json_int_t)s->tcp.out_of_order,
			 "gaps", (json_int_t)s->tcp.gaps);
}

static void print_stats(FILE *f, const struct decode_result *r)
{
	const struct rpc_stats *s = &r->st;

	fprintf(f,
		"%llu frames (%llu TCP on the NFS port, %llu other TCP, %llu not TCP, %llu malformed), "
		"%llu connections, %llu RPC records: %llu NFS messages (%llu undecodable), %llu of "
		"other programs, %llu replies without their call; TCP: %llu retransmitted and %llu "
		"out-of-order segments, %llu gaps (%llu bytes), %llu segments cut by the snap length\n",
		(unsigned long long)s->frames, (unsigned long long)s->tcp_frames,
		(unsigned long long)s->other_tcp_frames, (unsigned long long)s->skipped_frames,
		(unsigned long long)s->malformed_frames, (unsigned long long)s->tcp.flows,
		(unsigned long long)s->records, (unsigned long long)r->messages,
		(unsigned long long)r->undecodable, (unsigned long long)s->other_program,
		(unsigned long long)s->unmatched_replies, (unsigned long long)s->tcp.retransmitted,
		(unsigned long long)s->tcp.out_of_order, (unsigned long long)s->tcp.gaps,
		(unsigned long long)s->tcp.gap_bytes, (unsigned long long)s->tcp.truncated);
}

static void finish_json(struct decoder *d, const char *path, const char *err)
{
	json_t *doc = json_pack("{s:s, s:o, s:o, s:o}", "file", path, "messages", d->messages,
				"warnings", d->warnings, "stats", json_stats(d->res));

	if (err)
		json_object_set_new(doc, "error", json_string(err));
	json_dumpf(doc, d->out, JSON_INDENT(1));
	fputc('\n', d->out);
	json_decref(doc);
}

int pcap_decode_capture(struct capture *c, const struct decode_opts *o, FILE *out, FILE *warn,
			struct decode_result *res, char *err, size_t errlen)
{
	struct decoder d = {.o = o, .out = out, .warn = warn, .res = res};
	struct rpc_sink sink = {.ctx = &d, .message = on_message, .warning = on_warning};
	int rc;

	memset(res, 0, sizeof(*res));
	if (o->format == DECODE_JSON) {
		d.messages = json_array();
		d.warnings = json_array();
	}
	if (o->format == DECODE_TSV)
		fputs(tsv_header, out);
	rc = rpc_read_capture(c, &o->read, &sink, &res->st, err, errlen);
	if (o->format == DECODE_JSON)
		finish_json(&d, capture_name(c), rc ? err : NULL);
	else if (o->stats)
		print_stats(warn, res);
	return rc;
}

int pcap_decode_file(const char *path, const struct decode_opts *o, FILE *out, FILE *warn,
		     struct decode_result *res, char *err, size_t errlen)
{
	struct capture *c = capture_open(path, err, errlen);
	int rc;

	if (!c) {
		memset(res, 0, sizeof(*res));
		return -1;
	}
	rc = pcap_decode_capture(c, o, out, warn, res, err, errlen);
	capture_close(c);
	return rc;
}
