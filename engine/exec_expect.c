/* exec_expect.c - waiting for a reply and matching it against an expect step. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"

/* What came back for a call: a decoded reply, or the connection's fate. */
struct arrival {
	enum conn_wait how;
	struct conn_reply rep;
	struct wire_msg m;
	bool decoded;
};

static struct sent_call *target_call(struct exec *x, const struct expect_spec *e,
				     const struct xconn *c)
{
	for (size_t i = 0; i < x->nsent; i++) {
		struct sent_call *s = &x->sent[i];
		if (e->label ? s->label && !strcmp(s->label, e->label)
			     : !s->answered && s->conn == c)
			return s;
	}
	return NULL;
}

static bool allows(const struct expect_spec *e, enum outcome_kind k)
{
	for (size_t i = 0; i < e->noutcomes; i++)
		if (e->outcomes[i].kind == k)
			return true;
	return false;
}

static double wait_deadline(struct exec *x, const struct expect_spec *e)
{
	double d = conn_now() + (x->o->reply_timeout > 0 ? x->o->reply_timeout : 10);
	uint64_t ms;

	if (e->within && eval_int(x, e->within, &ms) == 0)
		d = conn_now() + (double)ms / 1000;
	return d < x->deadline ? d : x->deadline;
}

static const char *outcome_text(const struct outcome *o, const struct expect_spec *e, char *buf,
				size_t n)
{
	size_t used = 0;

	switch (o->kind) {
	case OUT_COMPOUND:
		if (!e->nstatuses)
			return "a COMPOUND reply";
		for (size_t i = 0; i < e->nstatuses && used < n; i++)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " or " : "",
						 nfs4_status_name(e->statuses[i]));
		return buf;
	case OUT_NULL_OK: return "a NULL reply";
	case OUT_ACCEPT:
		snprintf(buf, n, "rpc %s", oncrpc_accept_stat_name(o->code));
		return buf;
	case OUT_DENIED:
		snprintf(buf, n, "rpc %s%s%s",
			 o->code == ONCRPC_AUTH_ERROR ? "AUTH_ERROR" : "RPC_MISMATCH",
			 o->any_aux || o->code != ONCRPC_AUTH_ERROR ? "" : " ",
			 o->any_aux || o->code != ONCRPC_AUTH_ERROR ? "" : oncrpc_auth_stat_name(o->aux));
		return buf;
	case OUT_CLOSED: return "the connection closed";
	case OUT_NOTHING: return "no reply";
	case OUT_CALLBACK: return "a call from the server (callback)";
	}
	return "?";
}

static char *expected_text(const struct expect_spec *e)
{
	char buf[1024], one[512];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->noutcomes && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " | " : "",
					 outcome_text(&e->outcomes[i], e, one, sizeof(one)));
	return xstrdup(buf);
}

static void actual_text(const struct arrival *a, char *buf, size_t n)
{
	if (a->how == CONN_CLOSED)
		snprintf(buf, n, "the server closed the connection");
	else if (a->how == CONN_TIMEOUT)
		snprintf(buf, n, "no reply");
	else if (a->how == CONN_BROKEN)
		snprintf(buf, n, "a garbled reply stream");
	else
		wire_msg_summary(&a->m, buf, n);
}

static bool outcome_matches(const struct outcome *o, const struct expect_spec *e,
			    const struct arrival *a)
{
	const struct oncrpc_reply *r = &a->m.reply;

	if (o->kind == OUT_CLOSED)
		return a->how == CONN_CLOSED;
	if (o->kind == OUT_NOTHING)
		return a->how == CONN_TIMEOUT;
	if (a->how != CONN_GOT_REPLY || !a->decoded)
		return false;
	if (o->kind == OUT_DENIED)
		return r->reply_stat == ONCRPC_MSG_DENIED && r->reject_stat == o->code &&
		       (o->code != ONCRPC_AUTH_ERROR || o->any_aux || r->auth_stat == o->aux);
	if (r->reply_stat != ONCRPC_MSG_ACCEPTED)
		return false;
	if (o->kind == OUT_ACCEPT)
		return r->accept_stat == o->code;
	if (r->accept_stat != ONCRPC_SUCCESS)
		return false;
	if (o->kind == OUT_NULL_OK)
		return !a->m.is_compound;
	if (!a->m.is_compound)
		return false;
	for (size_t i = 0; i < e->nstatuses; i++)
		if (e->statuses[i] == a->m.res.status)
			return true;
	return e->nstatuses == 0;
}

/* The call and the reply, decoded, for a failure message. */
static char *transcript(const struct sent_call *sc, const struct arrival *a)
{
	if (!sc) { /* a callback: the server's call is all there is */
		char *got = a->how == CONN_GOT_REPLY
				    ? msg_detail(a->rep.rec, a->rep.len, WIRE_PROC_UNKNOWN) : NULL;
		char *t = xasprintf("\n--- received from the server\n%s", got ? got : "(nothing)\n");
		free(got);
		return t;
	}
	char *call = msg_detail(sc->bytes, sc->len, WIRE_PROC_UNKNOWN);
	char *reply = a->how == CONN_GOT_REPLY ? msg_detail(a->rep.rec, a->rep.len, sc->proc) : NULL;
	char *t = xasprintf("\n--- sent\n%s--- received\n%s", call ? call : "",
			    reply ? reply : "(nothing)\n");

	free(call);
	free(reply);
	return t;
}

static int mismatch(struct exec *x, const struct sent_call *sc, const struct arrival *a,
		    const char *what)
{
	char *t = transcript(sc, a);
	int rc = step_fail(x, VERDICT_FAIL, "%s%s", what, t ? t : "");

	free(t);
	return rc;
}

/* COMPOUND result list: the opcodes in order; every op before the last succeeded (s16.2.3). */
static int check_resops(struct exec *x, const struct expect_spec *e, const struct sent_call *sc,
			const struct arrival *a)
{
	const struct COMPOUND4res *res = &a->m.res;
	char msg[512];
	size_t used = 0;
	bool same = res->resarray_len == e->nresops;

	for (size_t i = 0; same && i < e->nresops; i++)
		same = res->resarray[i].op == e->resops[i];
	if (same)
		return 0;
	used += (size_t)snprintf(msg, sizeof(msg), "results: expected [");
	for (size_t i = 0; i < e->nresops && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s%s", i ? " " : "",
					 nfs4_op_name(e->resops[i]));
	used += (size_t)snprintf(msg + used, used < sizeof(msg) ? sizeof(msg) - used : 0, "], got [");
	for (size_t i = 0; i < res->resarray_len && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s%s", i ? " " : "",
					 nfs4_op_name(res->resarray[i].op) ? nfs4_op_name(res->resarray[i].op) : "?");
	if (used < sizeof(msg))
		snprintf(msg + used, sizeof(msg) - used, "]");
	return mismatch(x, sc, a, msg);
}

static const struct nfs_resop *find_resop(const struct COMPOUND4res *res, uint32_t op)
{
	for (size_t i = 0; i < res->resarray_len; i++)
		if (res->resarray[i].op == op)
			return &res->resarray[i];
	return NULL;
}

static int getattr_value(const struct nfs_resop *r, const char *attr, struct value *out, char *err,
			 size_t errlen)
{
	struct nfs4_attrs at;
	struct wire_error we;
	static const struct { const char *name; uint32_t bit; } attrs[] = {
		{"type", FATTR4_TYPE}, {"fh_expire_type", FATTR4_FH_EXPIRE_TYPE},
		{"change", FATTR4_CHANGE}, {"size", FATTR4_SIZE}, {"lease_time", FATTR4_LEASE_TIME},
		{"fileid", FATTR4_FILEID}, {"mode", FATTR4_MODE}, {"numlinks", FATTR4_NUMLINKS},
		{"rdattr_error", FATTR4_RDATTR_ERROR}, {"filehandle", FATTR4_FILEHANDLE}};

	if (!fattr4_unpack(&r->u.getattr.obj_attributes, 0, &at, &we)) {
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		snprintf(err, errlen, "GETATTR attributes: %s", wire_error_format(&we, es, sizeof(es)));
		return -1;
	}
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (strcmp(attrs[i].name, attr) != 0)
			continue;
		if (!bitmap4_isset(&at.has, attrs[i].bit)) {
			snprintf(err, errlen, "GETATTR returned no %s", attr);
			return -1;
		}
		switch (attrs[i].bit) {
		case FATTR4_TYPE: *out = value_int(at.type); return 0;
		case FATTR4_FH_EXPIRE_TYPE: *out = value_int(at.fh_expire_type); return 0;
		case FATTR4_CHANGE: *out = value_int(at.change); return 0;
		case FATTR4_SIZE: *out = value_int(at.size); return 0;
		case FATTR4_LEASE_TIME: *out = value_int(at.lease_time); return 0;
		case FATTR4_FILEID: *out = value_int(at.fileid); return 0;
		case FATTR4_MODE: *out = value_int(at.mode); return 0;
		case FATTR4_NUMLINKS: *out = value_int(at.numlinks); return 0;
		case FATTR4_RDATTR_ERROR: *out = value_int(at.rdattr_error); return 0;
		default:
			*out = (struct value){.kind = VAL_BYTES, .len = at.filehandle.len,
					      .bytes = malloc(at.filehandle.len + 1)};
			if (!out->bytes)
				return -1;
			memcpy(out->bytes, at.filehandle.data, at.filehandle.len);
			return 0;
		}
	}
	snprintf(err, errlen, "GETATTR has no attribute '%s' here", attr);
	return -1;
}

/* RPC reply header fields: accept_stat, reject_stat, auth_stat, mismatch_low/high (RFC 5531 s9). */
static bool rpc_value(const struct oncrpc_reply *r, const char *path, struct value *out)
{
	const struct {
		const char *name;
		uint32_t v;
	} f[] = {{"accept_stat", r->accept_stat}, {"reject_stat", r->reject_stat},
		 {"auth_stat", r->auth_stat},	  {"mismatch_low", r->mismatch_low},
		 {"mismatch_high", r->mismatch_high}};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(path, f[i].name)) {
			*out = value_int(f[i].v);
			return true;
		}
	return false;
}

/* The fields of a call the server made (`callback`): RPC header and credential (RFC 5531 s9). */
static int call_value(const struct wire_msg *m, const char *path, struct value *out, char *err,
		      size_t errlen)
{
	const struct oncrpc_call *c = &m->call;
	const struct oncrpc_authsys *sys = &c->cred.u.sys;
	bool is_sys = c->cred.flavor == ONCRPC_AUTH_SYS && c->cred.body_ok;

	if (m->msg_type != ONCRPC_CALL) {
		snprintf(err, errlen, "%s: this is a reply, not a call from the server", path);
		return -1;
	}
	const struct {
		const char *name;
		uint32_t v;
	} hdr[] = {{"prog", c->prog}, {"vers", c->vers}, {"proc", c->proc}, {"flavor", c->cred.flavor}};

	for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		if (!strcmp(path, hdr[i].name)) {
			*out = value_int(hdr[i].v);
			return 0;
		}
	if (!is_sys) {
		snprintf(err, errlen, "call.%s: the call's credential is %s, not AUTH_SYS", path,
			 oncrpc_flavor_name(c->cred.flavor));
		return -1;
	}
	if (!strcmp(path, "machinename")) {
		*out = (struct value){.kind = VAL_BYTES, .len = sys->machinename.len,
				      .bytes = malloc(sys->machinename.len + 1)};
		if (!out->bytes)
			return -1;
		memcpy(out->bytes, sys->machinename.data, sys->machinename.len);
		return 0;
	}
	*out = value_int(!strcmp(path, "uid") ? sys->uid : sys->gid);
	return 0;
}

/* A reply field by path: xid, RPC header fields, status, results, tag, OP.status, OP.field, GETATTR.attr. */
static int reply_value(const struct wire_msg *m, const char *path, struct value *out, char *err,
		       size_t errlen)
{
	const char *dot = strchr(path, '.');
	const struct nfs_resop *r;
	char opname[64];
	uint32_t op;

	if (!strcmp(path, "xid")) {
		*out = value_int(m->xid);
		return 0;
	}
	if (!strncmp(path, "call.", 5))
		return call_value(m, path + 5, out, err, errlen);
	if (m->msg_type == ONCRPC_CALL) {
		snprintf(err, errlen, "%s: a call from the server has no reply fields (call.*)", path);
		return -1;
	}
	if (rpc_value(&m->reply, path, out))
		return 0;
	if (!m->is_compound) {
		snprintf(err, errlen, "%s: the reply carries no COMPOUND result", path);
		return -1;
	}
	if (!strcmp(path, "status")) {
		*out = value_int(m->res.status);
		return 0;
	}
	if (!strcmp(path, "results")) {
		*out = value_int(m->res.resarray_len);
		return 0;
	}
	if (!strcmp(path, "tag")) {
		*out = (struct value){.kind = VAL_BYTES, .len = m->res.tag.len,
				      .bytes = malloc(m->res.tag.len + 1)};
		if (out->bytes && m->res.tag.len)
			memcpy(out->bytes, m->res.tag.data, m->res.tag.len);
		return out->bytes ? 0 : -1;
	}
	snprintf(opname, sizeof(opname), "%.*s", dot ? (int)(dot - path) : 0, path);
	if (!dot || !nfs4_op_parse(opname, &op) || !(r = find_resop(&m->res, op))) {
		snprintf(err, errlen, "the reply has no %s result", dot ? opname : path);
		return -1;
	}
	if (op == OP_GETATTR && strcmp(dot + 1, "status") != 0 &&
	    strncmp(dot + 1, "obj_attributes", 14) != 0) {
		if (r->status != NFS4_OK) {
			snprintf(err, errlen, "GETATTR failed (%s)", nfs4_status_name(r->status));
			return -1;
		}
		return getattr_value(r, dot + 1, out, err, errlen);
	}
	return fields_get_res(r, dot + 1, out, err, errlen);
}

/* 32-bit fields compare modulo 2^32, so `$seq + 1` matches a wrapped sequence id. */
static uint64_t as_width(uint64_t want, const struct value *got)
{
	return got->i <= UINT32_MAX && want > UINT32_MAX ? want & UINT32_MAX : want;
}

static bool check_one(enum check_op op, const struct value *got, const struct value *want)
{
	uint64_t w;

	if (got->kind != want->kind) /* e.g. `expect CS.ca_rdma_ird == absent` on a present field */
		return op == CHK_NE;
	if (got->kind == VAL_NONE)
		return op == CHK_EQ || op == CHK_IN;
	if (got->kind == VAL_BYTES)
		return (op == CHK_EQ || op == CHK_IN) ? value_equal(got, want)
		       : op == CHK_NE			? !value_equal(got, want)
							: false;
	w = as_width(want->i, got);
	switch (op) {
	case CHK_EQ: case CHK_IN: return got->i == w;
	case CHK_NE: return got->i != w;
	case CHK_LT: return got->i < w;
	case CHK_LE: return got->i <= w;
	case CHK_GT: return got->i > w;
	case CHK_GE: return got->i >= w;
	case CHK_HAS: return (got->i & w) == w;
	case CHK_LACKS: return (got->i & w) == 0;
	}
	return false;
}

static const char *check_op_text(enum check_op op)
{
	static const char *const t[] = {"==", "!=", "<", "<=", ">", ">=", "has", "lacks", "in"};

	return t[op];
}

/* `PATH & MASK`: only the masked bits take part (e.g. the pNFS role bits of eir_flags). */
static int apply_mask(struct exec *x, const struct check *k, struct value *got)
{
	uint64_t mask;

	if (!k->mask)
		return 0;
	if (got->kind != VAL_INT)
		return step_fail(x, VERDICT_ERROR, "expect %s & ...: the field is not a number", k->path);
	if (eval_int(x, k->mask, &mask) != 0)
		return -1;
	got->i &= mask;
	return 0;
}

/* Whether the reply satisfies k; got receives the field's value. -1: an expression failed. */
static int check_holds(struct exec *x, const struct check *k, struct value *got, bool *ok)
{
	struct value want;
	char err[256];

	*ok = false;
	if (apply_mask(x, k, got) != 0)
		return -1;
	for (size_t i = 0; i < k->nvalues && !*ok; i++) {
		if (expr_eval(k->values[i], &x->env, &want, err, sizeof(err)) != 0)
			return step_fail(x, VERDICT_ERROR, "expect %s: %s", k->path, err);
		*ok = check_one(k->op, got, &want);
		value_free(&want);
	}
	return 0;
}

/* A guard (`if status == NFS4_OK`) holds only when its field exists and matches. */
static int guard_holds(struct exec *x, const struct check *g, const struct arrival *a, bool *ok)
{
	struct value got;
	char err[256];
	int rc;

	*ok = false;
	if (reply_value(&a->m, g->path, &got, err, sizeof(err)) != 0)
		return 0;
	rc = check_holds(x, g, &got, ok);
	value_free(&got);
	return rc;
}

static int run_check(struct exec *x, const struct check *k, const struct sent_call *sc,
		     const struct arrival *a)
{
	struct value got;
	char err[256], gs[256], ws[256], msg[800];
	bool ok = false;

	if (k->guard && (guard_holds(x, k->guard, a, &ok) != 0 || !ok))
		return x->failed ? -1 : 0; /* not the alternative this check is about */
	if (reply_value(&a->m, k->path, &got, err, sizeof(err)) != 0)
		return mismatch(x, sc, a, err);
	if (check_holds(x, k, &got, &ok) != 0) {
		value_free(&got);
		return -1;
	}
	if (ok) {
		value_free(&got);
		return 0;
	}
	value_format(&got, gs, sizeof(gs));
	snprintf(ws, sizeof(ws), "%s", k->nvalues ? k->values[0]->text : "");
	snprintf(msg, sizeof(msg), "expect %s%s%s %s %s%s: got %s (line %u)", k->path,
		 k->mask ? " & " : "", k->mask ? k->mask->text : "", check_op_text(k->op), ws,
		 k->nvalues > 1 ? ", ..." : "", gs, k->loc.line);
	value_free(&got);
	return mismatch(x, sc, a, msg);
}

static int run_saves(struct exec *x, const struct expect_spec *e, const struct sent_call *sc,
		     const struct arrival *a)
{
	for (size_t i = 0; i < e->nsaves; i++) {
		struct value v;
		char err[256];
		if (reply_value(&a->m, e->saves[i].path, &v, err, sizeof(err)) != 0)
			return mismatch(x, sc, a, err);
		int rc = env_set(&x->env, e->saves[i].var, &v);
		value_free(&v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Where the RFC allowed several answers (or any auth_stat), record the one the server chose. */
static void note_observed(struct exec *x, const struct expect_spec *e, const struct outcome *hit,
			  const struct arrival *a)
{
	char buf[256];

	if (e->noutcomes < 2 && e->nstatuses < 2 && !(hit->kind == OUT_DENIED && hit->any_aux))
		return;
	actual_text(a, buf, sizeof(buf));
	x->r->steps[x->r->nsteps - 1].observed = xstrdup(buf);
}

static void arrive(struct exec *x, struct xconn *c, struct sent_call *sc, const struct expect_spec *e,
		   struct arrival *a)
{
	struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = sc->proc};
	struct wire_error err;

	a->how = conn_wait_reply(&c->c, sc->xid, wait_deadline(x, e), &a->rep);
	if (a->how != CONN_GOT_REPLY)
		return;
	ladder_add(x, c->name, 1, a->rep.rec, a->rep.len, sc->proc);
	a->decoded = wire_msg_decode(a->rep.rec, a->rep.len, &o, &a->m, &err) == WIRE_OK;
	if (!a->decoded) {
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		step_fail(x, VERDICT_ERROR, "undecodable reply to xid 0x%08x: %s", sc->xid,
			  wire_error_format(&err, es, sizeof(es)));
		return;
	}
	if (sc->proc == NFSPROC4_COMPOUND) {
		/* A call that stops decoding at an undefined or raw op still tracks its SEQUENCE. */
		struct wire_msg call;
		struct wire_error ce;
		wire_msg_decode(sc->bytes, sc->len, NULL, &call, &ce);
		if (call.is_compound)
			client_track_reply(x, &call, &a->m);
		wire_msg_free(&call);
	}
}

/* A reply whose xid matches no call sent on its connection breaks RFC 5531 s9 (RPC-04). */
static bool stray_reply(struct exec *x, const struct sent_call *sc)
{
	const struct conn *c = &sc->conn->c;

	for (size_t i = 0; i < c->nreplies; i++) {
		bool known = c->replies[i].msg_type == ONCRPC_CALL; /* a callback, not a reply */
		for (size_t j = 0; j < x->nsent && !known; j++)
			known = x->sent[j].conn == sc->conn && x->sent[j].xid == c->replies[i].xid;
		if (!known) {
			step_fail(x, VERDICT_FAIL,
				  "no reply to xid 0x%08x, but a reply with xid 0x%08x, which matches no "
				  "call on this connection (RFC 5531 s9: the reply xid is the call's)",
				  sc->xid, c->replies[i].xid);
			return true;
		}
	}
	return false;
}

static int match(struct exec *x, const struct expect_spec *e, struct sent_call *sc,
		 const struct arrival *a)
{
	const struct outcome *hit = NULL;

	for (size_t i = 0; i < e->noutcomes && !hit; i++)
		if (outcome_matches(&e->outcomes[i], e, a))
			hit = &e->outcomes[i];
	if (!hit && a->how == CONN_TIMEOUT && stray_reply(x, sc))
		return -1;
	if (!hit) {
		char got[512], *want = expected_text(e), msg[1200];
		enum verdict v = a->how == CONN_GOT_REPLY ? VERDICT_FAIL : VERDICT_ERROR;
		actual_text(a, got, sizeof(got));
		snprintf(msg, sizeof(msg), "expected %s, got %s", want ? want : "?", got);
		free(want);
		if (v == VERDICT_FAIL)
			return mismatch(x, sc, a, msg);
		return step_fail(x, v, "%s (xid 0x%08x)", msg, sc->xid);
	}
	note_observed(x, e, hit, a);
	if (a->how != CONN_GOT_REPLY)
		return 0; /* closed or silent, as allowed: there is no reply to check */
	if (hit->kind == OUT_COMPOUND && e->resops_given && check_resops(x, e, sc, a) != 0)
		return -1;
	for (size_t i = 0; i < e->nchecks; i++)
		if (run_check(x, &e->checks[i], sc, a) != 0)
			return -1;
	return run_saves(x, e, sc, a);
}

static const struct outcome *callback_outcome(const struct expect_spec *e, enum conn_wait how)
{
	for (size_t i = 0; i < e->noutcomes; i++) {
		enum outcome_kind k = e->outcomes[i].kind;
		if ((k == OUT_CALLBACK && how == CONN_GOT_REPLY) ||
		    (k == OUT_NOTHING && how == CONN_TIMEOUT) || (k == OUT_CLOSED && how == CONN_CLOSED))
			return &e->outcomes[i];
	}
	return NULL;
}

/* Decode the server's call and remember it on c for a later `reply`. */
static int take_callback(struct exec *x, struct xconn *c, struct arrival *a)
{
	struct wire_error err;

	ladder_add(x, c->name, 1, a->rep.rec, a->rep.len, WIRE_PROC_UNKNOWN);
	a->decoded = wire_msg_decode(a->rep.rec, a->rep.len, NULL, &a->m, &err) == WIRE_OK ||
		     a->m.msg_type == ONCRPC_CALL;
	if (!a->decoded || !a->m.call.cred.body_ok) {
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		return step_fail(x, VERDICT_FAIL, "undecodable call from the server (xid 0x%08x): %s",
				 a->rep.xid, wire_error_format(&err, es, sizeof(es)));
	}
	c->has_callback = true;
	c->cb_xid = a->m.xid;
	c->cb_proc = a->m.call.proc;
	return 0;
}

/* `c2 < callback [| nothing 2s]`: the oldest call the server made on c2 (RFC 8881 s2.10.3.1). */
static int expect_callback(struct exec *x, const struct expect_spec *e, struct xconn *c)
{
	struct arrival a = {0};
	const struct outcome *hit;

	a.how = conn_wait_call(&c->c, wait_deadline(x, e), &a.rep);
	if (a.how == CONN_GOT_REPLY && take_callback(x, c, &a) != 0)
		goto out;
	hit = callback_outcome(e, a.how);
	if (!hit) {
		char got[512], *want = expected_text(e);
		actual_text(&a, got, sizeof(got));
		if (a.how == CONN_TIMEOUT)
			snprintf(got, sizeof(got), "no call from the server");
		step_fail(x, a.how == CONN_BROKEN ? VERDICT_ERROR : VERDICT_FAIL, "expected %s, got %s",
			  want ? want : "?", got);
		free(want);
		goto out;
	}
	note_observed(x, e, hit, &a);
	if (a.how != CONN_GOT_REPLY)
		goto out;
	for (size_t i = 0; i < e->nchecks && !x->failed; i++)
		run_check(x, &e->checks[i], NULL, &a);
	if (!x->failed)
		run_saves(x, e, NULL, &a);
out:
	free(a.rep.rec);
	wire_msg_free(&a.m);
	return x->failed ? -1 : 0;
}

int step_expect(struct exec *x, const struct step *st)
{
	const struct expect_spec *e = &st->u.expect;
	struct xconn *c = conn_find(x, st->conn);
	struct sent_call *sc;
	struct arrival a = {0};
	int rc;

	if (!c || !c->used)
		return step_fail(x, VERDICT_ERROR, "%s: nothing was sent on this connection", st->conn);
	if (allows(e, OUT_CALLBACK))
		return expect_callback(x, e, c);
	sc = target_call(x, e, c);
	if (!sc && allows(e, OUT_NOTHING) && e->noutcomes == 1 && !e->label)
		return expect_callback(x, e, c); /* `nothing` with no call waiting: not even a callback */
	if (!sc)
		return step_fail(x, VERDICT_ERROR, "%s: no call is waiting for a reply", st->conn);
	if (allows(e, OUT_CLOSED) && e->noutcomes == 1) {
		a.how = conn_wait_close(&c->c, wait_deadline(x, e));
	} else {
		arrive(x, c, sc, e, &a);
		if (x->failed)
			goto out;
	}
	sc->answered = true;
	rc = match(x, e, sc, &a);
	(void)rc;
out:
	free(a.rep.rec);
	wire_msg_free(&a.m);
	return x->failed ? -1 : 0;
}
