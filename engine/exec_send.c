/* exec_send.c - building a call from a send step, mutating it, putting it on the wire. */
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"

#define MACHINE_NAME "nfs41check"

/* The RPC call header settings of one send: defaults, the connection's, then the step's. */
struct call_settings {
	struct value tag;
	uint64_t minor, prog, vers, proc, rpcvers, flavor, uid, gid, stamp;
	bool xid_set;
	uint64_t xid;
	uint32_t gids[ONCRPC_MAX_GIDS];
	uint32_t ngids;
	bool gids_given;
	struct value machine;
};

static int apply_callarg(struct exec *x, const struct arg *a, struct call_settings *cs)
{
	struct value v;
	char err[256];
	struct {
		const char *name;
		uint64_t *slot;
	} ints[] = {{"minor", &cs->minor}, {"prog", &cs->prog},	   {"vers", &cs->vers},
		    {"proc", &cs->proc},   {"rpcvers", &cs->rpcvers}, {"cred", &cs->flavor},
		    {"uid", &cs->uid},	   {"gid", &cs->gid},	   {"stamp", &cs->stamp},
		    {"xid", &cs->xid}};

	if (expr_eval(a->value, &x->env, &v, err, sizeof(err)) != 0)
		return step_fail(x, VERDICT_ERROR, "%s: %s", a->name, err);
	if (!strcmp(a->name, "tag") || !strcmp(a->name, "machine")) {
		struct value *dst = a->name[0] == 't' ? &cs->tag : &cs->machine;
		if (v.kind != VAL_BYTES) {
			value_free(&v);
			return step_fail(x, VERDICT_ERROR, "%s takes a string", a->name);
		}
		value_free(dst);
		*dst = v;
		return 0;
	}
	if (v.kind != VAL_INT) {
		value_free(&v);
		return step_fail(x, VERDICT_ERROR, "%s takes a number", a->name);
	}
	if (!strcmp(a->name, "gids")) {
		if (!cs->gids_given)
			cs->ngids = 0, cs->gids_given = true;
		if (cs->ngids == ONCRPC_MAX_GIDS)
			return step_fail(x, VERDICT_ERROR, "AUTH_SYS carries at most 16 gids");
		cs->gids[cs->ngids++] = (uint32_t)v.i;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(a->name, ints[i].name))
			*ints[i].slot = v.i;
	cs->xid_set |= !strcmp(a->name, "xid");
	return 0;
}

static int call_settings(struct exec *x, const struct xconn *c, const struct send_spec *s,
			 struct call_settings *cs)
{
	*cs = (struct call_settings){.minor = 1, .prog = NFS4_PROGRAM, .vers = NFS_V4,
				     .proc = s->null_proc ? NFSPROC4_NULL : NFSPROC4_COMPOUND,
				     .rpcvers = ONCRPC_VERSION, .flavor = ONCRPC_AUTH_SYS,
				     .stamp = (uint32_t)x->t0};
	for (size_t i = 0; i < c->ndefaults; i++)
		if (apply_callarg(x, &c->defaults[i], cs) != 0)
			return -1;
	for (size_t i = 0; i < s->ncallargs; i++)
		if (apply_callarg(x, &s->callargs[i], cs) != 0)
			return -1;
	return 0;
}

/* opaque_auth for the chosen flavor; RPCSEC_GSS is a well-formed but unknown context. */
static void build_cred(struct exec *x, const struct call_settings *cs, struct oncrpc_auth *cred)
{
	static const uint8_t gss_body[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,
					   0, 0, 0, 4, 'n', 'f', 's', '4'};
	struct oncrpc_authsys sys = {.stamp = (uint32_t)cs->stamp, .uid = (uint32_t)cs->uid,
				     .gid = (uint32_t)cs->gid, .ngids = cs->ngids};
	uint8_t buf[ONCRPC_MAX_AUTH_BYTES];

	*cred = (struct oncrpc_auth){.flavor = (uint32_t)cs->flavor};
	if (cs->flavor == ONCRPC_RPCSEC_GSS) {
		cred->body = (struct wire_opaque){gss_body, sizeof(gss_body)};
		return;
	}
	if (cs->flavor != ONCRPC_AUTH_SYS)
		return;
	memcpy(sys.gids, cs->gids, sizeof(sys.gids));
	sys.machinename = cs->machine.kind == VAL_BYTES
				  ? (struct wire_opaque){cs->machine.bytes, (uint32_t)cs->machine.len}
				  : (struct wire_opaque){(const uint8_t *)MACHINE_NAME,
							 sizeof(MACHINE_NAME) - 1};
	cred->body = oncrpc_authsys_encode(&sys, buf, sizeof(buf));
	cred->body.data = arena_dup(&x->arena, buf, cred->body.len);
}

/* `OP xdr=hex:..`: the op's arguments as raw XDR (NFSv4.0-only ops, undefined opcodes). */
static int set_raw_args(struct exec *x, struct nfs_argop *a, const struct value *v)
{
	if (v->kind != VAL_BYTES)
		return step_fail(x, VERDICT_ERROR, "xdr= takes bytes (hex:...)");
	a->undecoded = true;
	a->u.raw = (struct wire_opaque){arena_dup(&x->arena, v->bytes, v->len), (uint32_t)v->len};
	return 0;
}

static int build_ops(struct exec *x, const struct send_spec *s, struct COMPOUND4args *args)
{
	args->argarray = calloc(s->nops ? s->nops : 1, sizeof(*args->argarray));
	if (!args->argarray)
		return -1;
	args->argarray_len = (uint32_t)s->nops;
	for (size_t i = 0; i < s->nops; i++) {
		const struct op_spec *spec = &s->ops[i];
		struct nfs_argop *a = &args->argarray[i];
		a->op = spec->op;
		if (client_defaults(x, spec, a) != 0)
			return -1;
		for (size_t j = 0; j < spec->nargs; j++) {
			struct value v;
			char err[256];
			int rc;
			if (expr_eval(spec->args[j].value, &x->env, &v, err, sizeof(err)) != 0)
				return step_fail(x, VERDICT_ERROR, "%s %s: %s", nfs4_op_name(a->op),
						 spec->args[j].name, err);
			if (strcmp(spec->args[j].name, "xdr") == 0)
				rc = set_raw_args(x, a, &v);
			else
				rc = fields_set_arg(a, spec->args[j].name, &v, &x->arena, err, sizeof(err));
			value_free(&v);
			if (rc != 0)
				return x->failed ? -1 : step_fail(x, VERDICT_ERROR, "%s", err);
		}
		if (client_finish_args(x, spec, a) != 0)
			return -1;
	}
	return 0;
}

/* Encode the call; *out is malloc'ed. */
static int encode_call(struct exec *x, const struct xconn *c, const struct send_spec *s,
		       uint8_t **out, size_t *len, uint32_t *proc)
{
	struct call_settings cs;
	struct wire_msg m = {.msg_type = ONCRPC_CALL};
	size_t need;

	if (call_settings(x, c, s, &cs) != 0)
		return -1;
	m.call = (struct oncrpc_call){.xid = cs.xid_set ? (uint32_t)cs.xid : ++x->next_xid,
				      .rpcvers = (uint32_t)cs.rpcvers, .prog = (uint32_t)cs.prog,
				      .vers = (uint32_t)cs.vers, .proc = (uint32_t)cs.proc};
	build_cred(x, &cs, &m.call.cred);
	*proc = m.call.proc;
	m.is_compound = !s->null_proc;
	m.args.minorversion = (uint32_t)cs.minor;
	m.args.tag = cs.tag.kind == VAL_BYTES
			     ? (struct wire_opaque){cs.tag.bytes, (uint32_t)cs.tag.len}
			     : (struct wire_opaque){(const uint8_t *)x->c->id, (uint32_t)strlen(x->c->id)};
	if (m.is_compound && build_ops(x, s, &m.args) != 0) {
		nfs4_compound_args_free(&m.args);
		value_free(&cs.tag);
		value_free(&cs.machine);
		return -1;
	}
	need = wire_msg_encode(&m, NULL, 0);
	*out = malloc(need + 64); /* room for `with pad` grows later */
	if (*out) {
		wire_msg_encode(&m, *out, need);
		*len = need;
	}
	nfs4_compound_args_free(&m.args);
	value_free(&cs.tag);
	value_free(&cs.machine);
	return *out ? 0 : -1;
}

static int apply_mutation(struct exec *x, const struct mutation *m, uint8_t **buf, size_t *len)
{
	uint64_t off = 0, v = 0;

	if (!*buf)
		return step_fail(x, VERDICT_ERROR, "nothing to mutate: the record is empty");
	if ((m->offset && eval_int(x, m->offset, &off) != 0) || eval_int(x, m->value, &v) != 0)
		return -1;
	switch (m->kind) {
	case MUT_TRUNCATE:
		*len -= v < *len ? v : *len;
		return 0;
	case MUT_PAD: {
		uint8_t *p = v > (1u << 20) ? NULL : realloc(*buf, *len + v + 1);
		if (!p)
			return step_fail(x, VERDICT_ERROR, "cannot pad by %llu bytes",
					 (unsigned long long)v);
		memset(p + *len, 0, v);
		*buf = p;
		*len += v;
		return 0;
	}
	case MUT_POKE32:
	case MUT_POKE8:
		if (off + (m->kind == MUT_POKE32 ? 4 : 1) > *len)
			return step_fail(x, VERDICT_ERROR, "poke at offset %llu is past the %zu-byte record",
					 (unsigned long long)off, *len);
		if (m->kind == MUT_POKE8) {
			(*buf)[off] = (uint8_t)v;
			return 0;
		}
		for (int i = 0; i < 4; i++)
			(*buf)[off + (uint64_t)i] = (uint8_t)(v >> (24 - 8 * i));
		return 0;
	}
	return 0;
}

static const struct sent_call *find_sent(const struct exec *x, const char *label)
{
	for (size_t i = x->nsent; i-- > 0;)
		if (x->sent[i].label && strcmp(x->sent[i].label, label) == 0)
			return &x->sent[i];
	return NULL;
}

/* The bytes to send: a fresh encoding, raw hex, or an earlier call's bytes. */
static int call_bytes(struct exec *x, const struct xconn *c, const struct send_spec *s,
		      uint8_t **buf, size_t *len, uint32_t *proc)
{
	struct value v;
	char err[256];

	if (s->resend) {
		const struct sent_call *orig = find_sent(x, s->resend_of);
		if (!orig)
			return step_fail(x, VERDICT_ERROR, "@%s was not sent", s->resend_of);
		*buf = malloc(orig->len + 1);
		if (!*buf)
			return -1;
		memcpy(*buf, orig->bytes, orig->len);
		*len = orig->len;
		*proc = orig->proc;
		if (s->new_xid && *len >= 4) {
			uint32_t xid = ++x->next_xid;
			for (int i = 0; i < 4; i++)
				(*buf)[i] = (uint8_t)(xid >> (24 - 8 * i));
		}
		return 0;
	}
	if (!s->hex)
		return encode_call(x, c, s, buf, len, proc);
	if (expr_eval(s->hex, &x->env, &v, err, sizeof(err)) != 0 || v.kind != VAL_BYTES) {
		value_free(&v);
		return step_fail(x, VERDICT_ERROR, "hex: %s", err);
	}
	*buf = v.bytes;
	*len = v.len;
	*proc = WIRE_PROC_UNKNOWN;
	return 0;
}

static int remember(struct exec *x, const struct send_spec *s, struct xconn *c, uint8_t *buf,
		    size_t len, uint32_t proc)
{
	struct sent_call *sc = realloc(x->sent, (x->nsent + 1) * sizeof(*sc));
	/* `with raw` bytes start with their own record mark: the xid follows it. */
	size_t xid_at = s->unmarked ? 4 : 0;

	if (!sc) {
		free(buf);
		return -1;
	}
	x->sent = sc;
	sc = &sc[x->nsent++];
	*sc = (struct sent_call){.label = s->label, .conn = c, .bytes = buf, .len = len,
				 .proc = proc, .at = conn_now()};
	if (len >= xid_at + 4)
		sc->xid = (uint32_t)buf[xid_at] << 24 | (uint32_t)buf[xid_at + 1] << 16 |
			  (uint32_t)buf[xid_at + 2] << 8 | buf[xid_at + 3];
	return 0;
}

/* `c2 > reply`: MSG_ACCEPTED, SUCCESS, AUTH_NONE verifier, no results - the answer to the
 * CB_NULL the last `callback` expect took on c2 (RFC 5531 s9; RFC 8881 s20.1). */
static int send_callback_reply(struct exec *x, const struct step *st, struct xconn *c)
{
	struct oncrpc_reply r = {.reply_stat = ONCRPC_MSG_ACCEPTED, .accept_stat = ONCRPC_SUCCESS};
	uint8_t buf[64];
	struct xdr_enc e;
	char err[256];

	if (!c->has_callback)
		return step_fail(x, VERDICT_ERROR, "%s: no callback to reply to (expect `%s < callback` "
				 "first)", st->conn, st->conn);
	if (c->cb_proc != 0)
		return step_fail(x, VERDICT_ERROR, "%s: `reply` answers CB_NULL only, the server "
				 "called procedure %u", st->conn, c->cb_proc);
	r.xid = c->cb_xid;
	r.verf.flavor = ONCRPC_AUTH_NONE;
	xdr_enc_init(&e, buf, sizeof(buf));
	oncrpc_reply_encode(&e, &r);
	ladder_add(x, st->conn, 0, buf, e.len, NFSPROC4_NULL);
	c->has_callback = false;
	if (conn_send_record(&c->c, buf, e.len, 0, err, sizeof(err)) != 0)
		return step_fail(x, VERDICT_ERROR, "%s: %s", st->conn, err);
	return 0;
}

int step_send(struct exec *x, const struct step *st)
{
	const struct send_spec *s = &st->u.send;
	struct xconn *c = conn_for(x, st->conn, true);
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t frag = 0;
	uint32_t proc = WIRE_PROC_UNKNOWN;
	char err[256];

	if (!c)
		return -1;
	if (c->c.fd < 0)
		return step_fail(x, VERDICT_ERROR, "%s is closed (use reconnect)", st->conn);
	if (s->cb_reply)
		return send_callback_reply(x, st, c);
	if (call_bytes(x, c, s, &buf, &len, &proc) != 0)
		return -1;
	for (size_t i = 0; i < s->nmutations; i++)
		if (apply_mutation(x, &s->mutations[i], &buf, &len) != 0) {
			free(buf);
			return -1;
		}
	if (s->fragment && eval_int(x, s->fragment, &frag) != 0) {
		free(buf);
		return -1;
	}
	ladder_add(x, st->conn, 0, buf, len, proc);
	int rc = s->unmarked ? conn_send_bytes(&c->c, buf, len, err, sizeof(err))
			     : conn_send_record(&c->c, buf, len, (size_t)frag, err, sizeof(err));
	if (rc != 0) {
		free(buf);
		return step_fail(x, VERDICT_ERROR, "%s: %s", st->conn, err);
	}
	return remember(x, s, c, buf, len, proc);
}
