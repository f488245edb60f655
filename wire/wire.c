/* wire.c - whole RPC messages: decode, encode, one-line summary, detailed print. */
#include "wire.h"

#include <stdarg.h>
#include <string.h>

static bool is_nfs4(const struct oncrpc_call *c)
{
	return c->prog == NFS4_PROGRAM && c->vers == NFS_V4;
}

static bool decode_call(struct xdr_dec *d, const struct wire_decode_opts *o, struct wire_msg *m)
{
	XDR_TRY(oncrpc_call_decode(d, &m->call));
	m->proc = m->call.proc;
	m->body = (struct wire_opaque){d->buf + d->pos, (uint32_t)xdr_remaining(d)};
	if (!is_nfs4(&m->call) || m->call.rpcvers != ONCRPC_VERSION)
		return true; /* the server answers PROG_UNAVAIL / PROG_MISMATCH / RPC_MISMATCH */
	if (m->proc == NFSPROC4_COMPOUND) {
		m->is_compound = true;
		XDR_TRY(nfs4_compound_args_decode(d, o->max_ops, &m->args));
	}
	if (m->proc == NFSPROC4_NULL || m->proc == NFSPROC4_COMPOUND)
		return xdr_expect_end(d);
	return true; /* PROC_UNAVAIL: the body is not ours to judge */
}

static bool decode_reply(struct xdr_dec *d, const struct wire_decode_opts *o, struct wire_msg *m)
{
	XDR_TRY(oncrpc_reply_decode(d, &m->reply));
	m->body = (struct wire_opaque){d->buf + d->pos, (uint32_t)xdr_remaining(d)};
	m->proc = o->reply_proc;
	if (m->reply.reply_stat != ONCRPC_MSG_ACCEPTED || m->reply.accept_stat != ONCRPC_SUCCESS)
		return xdr_expect_end(d);
	if (m->proc == WIRE_PROC_UNKNOWN)
		m->proc = xdr_remaining(d) == 0 ? NFSPROC4_NULL : NFSPROC4_COMPOUND;
	if (m->proc == NFSPROC4_COMPOUND) {
		m->is_compound = true;
		XDR_TRY(nfs4_compound_res_decode(d, o->max_ops, &m->res));
	}
	return xdr_expect_end(d);
}

enum wire_status wire_msg_decode(const uint8_t *buf, size_t len, const struct wire_decode_opts *o,
				 struct wire_msg *m, struct wire_error *err)
{
	static const struct wire_decode_opts defaults = {.reply_proc = WIRE_PROC_UNKNOWN};
	struct xdr_dec d;
	uint32_t xid, type;
	bool ok;

	if (!o)
		o = &defaults;
	memset(m, 0, sizeof(*m));
	memset(err, 0, sizeof(*err));
	xdr_dec_init(&d, buf, len, o->flags);
	if (!oncrpc_msg_type_peek(buf, len, &xid, &type)) {
		xdr_fail(&d, WIRE_ERR_SHORT, "rpc_msg", "%zu bytes: shorter than xid and mtype", len);
		*err = d.error;
		return err->status;
	}
	m->xid = xid;
	m->msg_type = type;
	if (type == ONCRPC_CALL)
		ok = decode_call(&d, o, m);
	else if (type == ONCRPC_REPLY)
		ok = decode_reply(&d, o, m);
	else {
		d.pos = 4; /* at mtype: the peek read it with its own cursor */
		ok = xdr_fail(&d, WIRE_ERR_VALUE, "mtype", "message type %u is neither CALL nor REPLY",
			      type);
	}
	m->warnings = d.warnings;
	m->warning = d.warning;
	if (ok)
		return WIRE_OK;
	*err = d.error;
	return err->status;
}

size_t wire_msg_encode(const struct wire_msg *m, uint8_t *buf, size_t cap)
{
	struct xdr_enc e;

	xdr_enc_init(&e, buf, cap);
	if (m->msg_type == ONCRPC_CALL) {
		oncrpc_call_encode(&e, &m->call);
		if (m->is_compound)
			nfs4_compound_args_encode(&e, &m->args);
		else
			xdr_put_raw(&e, m->body.data, m->body.len);
	} else {
		oncrpc_reply_encode(&e, &m->reply);
		if (m->is_compound)
			nfs4_compound_res_encode(&e, &m->res);
		else
			xdr_put_raw(&e, m->body.data, m->body.len);
	}
	return e.len;
}

void wire_msg_free(struct wire_msg *m)
{
	nfs4_compound_args_free(&m->args);
	nfs4_compound_res_free(&m->res);
}

/* ---- printing ------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t n, used;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (s->used >= s->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(s->p + s->used, s->n - s->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		s->used += (size_t)w;
}

/* Plain text appended without a format (the summary is on the pcap decoder's hot path). */
static void sb_puts(struct sbuf *s, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;

	if (s->used + la + lb >= s->n) {
		sb_printf(s, "%s%s", a, b ? b : "");
		return;
	}
	memcpy(s->p + s->used, a, la);
	if (lb)
		memcpy(s->p + s->used + la, b, lb);
	s->used += la + lb;
	s->p[s->used] = '\0';
}

static const char *op_name(uint32_t op)
{
	const char *n = nfs4_op_name(op);

	return n ? n : "OP_?";
}

static const char *status_name(uint32_t st)
{
	const char *n = nfs4_status_name(st);

	return n ? n : "NFS4ERR_?";
}

static void summary_call(struct sbuf *s, const struct wire_msg *m)
{
	const struct oncrpc_call *c = &m->call;

	if (!is_nfs4(c)) {
		sb_printf(s, "RPC Call xid 0x%08x prog %u vers %u proc %u", m->xid, c->prog, c->vers,
			  c->proc);
		return;
	}
	sb_printf(s, "V4 Call xid 0x%08x", m->xid);
	if (!m->is_compound) {
		sb_printf(s, m->proc == NFSPROC4_NULL ? " NULL" : " proc %u", m->proc);
		return;
	}
	sb_printf(s, " COMPOUND v4.%u", m->args.minorversion);
	for (uint32_t i = 0; i < m->args.argarray_len; i++) {
		sb_puts(s, " ", op_name(m->args.argarray[i].op));
		if (m->args.argarray[i].undecoded)
			sb_puts(s, "(undecoded)", NULL);
	}
}

static void summary_reply(struct sbuf *s, const struct wire_msg *m)
{
	const struct oncrpc_reply *r = &m->reply;

	if (r->reply_stat == ONCRPC_MSG_DENIED) {
		sb_printf(s, "RPC Reply xid 0x%08x MSG_DENIED %s", m->xid,
			  r->reject_stat == ONCRPC_AUTH_ERROR ? oncrpc_auth_stat_name(r->auth_stat)
							      : "RPC_MISMATCH");
		return;
	}
	if (r->accept_stat != ONCRPC_SUCCESS) {
		sb_printf(s, "RPC Reply xid 0x%08x %s", m->xid, oncrpc_accept_stat_name(r->accept_stat));
		return;
	}
	sb_printf(s, "V4 Reply xid 0x%08x", m->xid);
	if (!m->is_compound) {
		sb_printf(s, m->proc == NFSPROC4_NULL ? " NULL" : " proc %u", m->proc);
		return;
	}
	sb_printf(s, " COMPOUND %s", status_name(m->res.status));
	for (uint32_t i = 0; i < m->res.resarray_len; i++) {
		const struct nfs_resop *op = &m->res.resarray[i];
		sb_puts(s, " ", op_name(op->op));
		if (op->status != NFS4_OK) {
			sb_puts(s, "(", status_name(op->status));
			sb_puts(s, ")", NULL);
		}
	}
}

char *wire_msg_summary(const struct wire_msg *m, char *buf, size_t n)
{
	struct sbuf s = {buf, n, 0};

	if (n)
		buf[0] = '\0';
	if (m->msg_type == ONCRPC_CALL)
		summary_call(&s, m);
	else
		summary_reply(&s, m);
	return buf;
}

static void print_auth(FILE *out, const char *what, const struct oncrpc_auth *a)
{
	fprintf(out, "  %s %s, %u bytes", what, oncrpc_flavor_name(a->flavor), a->body.len);
	if (a->flavor == ONCRPC_AUTH_SYS && a->body_ok) {
		const struct oncrpc_authsys *s = &a->u.sys;
		fprintf(out, ": stamp %u machine \"%.*s\" uid %u gid %u gids [", s->stamp,
			(int)s->machinename.len, (const char *)s->machinename.data, s->uid, s->gid);
		for (uint32_t i = 0; i < s->ngids; i++)
			fprintf(out, "%s%u", i ? " " : "", s->gids[i]);
		fputc(']', out);
	} else if (a->flavor == ONCRPC_RPCSEC_GSS && a->body_ok) {
		fprintf(out, ": gss_proc %u seq %u service %u", a->u.gss.gss_proc, a->u.gss.seq_num,
			a->u.gss.service);
	}
	if (!a->body_ok && a->problem.status != WIRE_OK) {
		char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		fprintf(out, " (malformed: %s)", wire_error_format(&a->problem, msg, sizeof(msg)));
	}
	fputc('\n', out);
}

static void print_args(FILE *out, const struct COMPOUND4args *a)
{
	fprintf(out, "COMPOUND4args tag \"%.*s\" minorversion %u, %u ops\n", (int)a->tag.len,
		(const char *)a->tag.data, a->minorversion, a->declared_len);
	for (uint32_t i = 0; i < a->argarray_len; i++) {
		const struct nfs_argop *op = &a->argarray[i];
		const struct nfs4_op_desc *desc = nfs4_op_desc(op->op);
		fprintf(out, "  [%u] %s (%u)%s\n", i, op_name(op->op), op->op,
			op->undecoded ? " - arguments not decoded" : "");
		if (desc && desc->print_args && !op->undecoded)
			desc->print_args(out, op);
	}
}

static void print_res(FILE *out, const struct COMPOUND4res *r)
{
	fprintf(out, "COMPOUND4res status %s tag \"%.*s\", %u results\n", status_name(r->status),
		(int)r->tag.len, (const char *)r->tag.data, r->declared_len);
	for (uint32_t i = 0; i < r->resarray_len; i++) {
		const struct nfs_resop *op = &r->resarray[i];
		const struct nfs4_op_desc *desc = nfs4_op_desc(op->op);
		fprintf(out, "  [%u] %s %s%s\n", i, op_name(op->op), status_name(op->status),
			op->undecoded ? " - result not decoded" : "");
		if (desc && desc->print_resok && !op->undecoded && op->status == NFS4_OK)
			desc->print_resok(out, op);
	}
}

void wire_msg_print(FILE *out, const struct wire_msg *m)
{
	if (m->msg_type == ONCRPC_CALL) {
		const struct oncrpc_call *c = &m->call;
		fprintf(out, "RPC call xid 0x%08x rpcvers %u prog %u vers %u proc %u\n", m->xid,
			c->rpcvers, c->prog, c->vers, c->proc);
		print_auth(out, "cred", &c->cred);
		print_auth(out, "verf", &c->verf);
		if (m->is_compound)
			print_args(out, &m->args);
		return;
	}
	const struct oncrpc_reply *r = &m->reply;
	fprintf(out, "RPC reply xid 0x%08x %s", m->xid,
		r->reply_stat == ONCRPC_MSG_ACCEPTED ? "MSG_ACCEPTED" : "MSG_DENIED");
	if (r->reply_stat == ONCRPC_MSG_ACCEPTED) {
		fprintf(out, " %s", oncrpc_accept_stat_name(r->accept_stat));
		if (r->accept_stat == ONCRPC_PROG_MISMATCH)
			fprintf(out, " low %u high %u", r->mismatch_low, r->mismatch_high);
	} else if (r->reject_stat == ONCRPC_AUTH_ERROR) {
		fprintf(out, " AUTH_ERROR %s", oncrpc_auth_stat_name(r->auth_stat));
	} else {
		fprintf(out, " RPC_MISMATCH low %u high %u", r->mismatch_low, r->mismatch_high);
	}
	fputc('\n', out);
	if (r->reply_stat == ONCRPC_MSG_ACCEPTED)
		print_auth(out, "verf", &r->verf);
	if (m->is_compound)
		print_res(out, &m->res);
}
