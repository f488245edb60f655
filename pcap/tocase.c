/* tocase.c - `nfs41check pcap to-case` (see tocase.h). */
#include "tocase.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define MAX_IDS 64  /* distinct client ids, session ids, filehandles, owners tracked */
#define MAX_SLOTS 1024

/* A value the server handed out (or the client chose) and the variable that stands for it. */
struct binding {
	uint8_t bytes[NFS4_FHSIZE];
	uint32_t len;
	char var[16];
};

struct bindings {
	struct binding b[MAX_IDS];
	unsigned n;
	const char *prefix;
};

/* A call waiting for its reply: what the reply's bookkeeping needs. */
struct pending {
	uint64_t stream;
	uint32_t xid;
	unsigned label;
	bool answered;
	bool seq, seq_current; /* SEQUENCE first, on the engine's current session */
	uint32_t slot, seqid;
	struct pending *next;
};

struct converter {
	const struct tocase_opts *o;
	struct tocase_result *res;
	FILE *body;
	struct bindings clients, sessions, fhs, owners, verifiers;
	bool have_current;              /* the engine's $sessionid is set (by CREATE_SESSION) */
	uint8_t current[NFS4_SESSIONID_SIZE];
	bool needs_fixture;             /* a session the capture never created: fixture session */
	bool current_is_fixture;        /* ... and it is the engine's $sessionid */
	bool seq_known[MAX_SLOTS];      /* the engine's $seqid[N] of the current session */
	uint32_t seq_last[MAX_SLOTS];
	bool have_csa;                  /* the engine's $csa_sequence */
	uint32_t csa;
	unsigned next_label;
	struct pending *pending;
};

/* ---- values ------------------------------------------------------------------------------ */

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
	fputs("hex:", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* A string literal when the bytes are printable, hex otherwise. */
static void put_bytes(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\') {
			put_hex(f, p, n);
			return;
		}
	fprintf(f, "\"%.*s\"", (int)n, (const char *)p);
}

static struct binding *lookup(struct bindings *t, const uint8_t *p, uint32_t len)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->b[i].len == len && memcmp(t->b[i].bytes, p, len) == 0)
			return &t->b[i];
	return NULL;
}

/* Bind a value to a new variable (prefix + number); NULL when the table is full. */
static struct binding *bind(struct bindings *t, const uint8_t *p, uint32_t len)
{
	struct binding *b = lookup(t, p, len);

	if (b || t->n == MAX_IDS || len > sizeof(b->bytes))
		return b;
	b = &t->b[t->n++];
	memcpy(b->bytes, p, len);
	b->len = len;
	snprintf(b->var, sizeof(b->var), "%s%u", t->prefix, t->n);
	return b;
}

static void be64(uint64_t v, uint8_t out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ---- call settings and ops ---------------------------------------------------------------- */

static void put_call_settings(struct converter *x, const struct wire_msg *w)
{
	const struct oncrpc_call *c = &w->call;
	const struct oncrpc_authsys *sys = &c->cred.u.sys;
	FILE *f = x->body;

	if (c->rpcvers != ONCRPC_VERSION)
		fprintf(f, " rpcvers=%u", c->rpcvers);
	if (c->vers != NFS_V4)
		fprintf(f, " vers=%u", c->vers);
	if (c->cred.flavor == ONCRPC_AUTH_NONE)
		fputs(" cred=none", f);
	else if (c->cred.flavor == ONCRPC_AUTH_SYS && c->cred.body_ok) {
		if (sys->uid)
			fprintf(f, " uid=%u", sys->uid);
		if (sys->gid)
			fprintf(f, " gid=%u", sys->gid);
		for (uint32_t i = 0; i < sys->ngids; i++)
			fprintf(f, " gids=%u", sys->gids[i]);
	} else if (c->cred.flavor == ONCRPC_RPCSEC_GSS)
		fputs(" cred=gss", f);
	if (!w->is_compound)
		return;
	if (w->args.minorversion != 1)
		fprintf(f, " minor=%u", w->args.minorversion);
	if (w->args.tag.len) {
		fputs(" tag=", f);
		put_bytes(f, w->args.tag.data, w->args.tag.len);
	}
}

/* The op's arguments as raw XDR (what the case language has no fields for). */
static void put_raw_args(struct converter *x, const struct nfs_argop *a)
{
	uint8_t buf[65536];
	struct xdr_enc e;

	if (a->undecoded) {
		put_hex(x->body, a->u.raw.data, a->u.raw.len);
		return;
	}
	xdr_enc_init(&e, buf, sizeof(buf));
	nfs4_argop_encode(&e, a);
	if (xdr_enc_overflow(&e) || e.len < 4) {
		fputs("hex:", x->body); /* cannot happen for a decoded op: keep the case parseable */
		return;
	}
	put_hex(x->body, buf + 4, e.len - 4); /* after the opcode */
}

static void put_session(struct converter *x, const char *field, const uint8_t id[16])
{
	struct binding *b = lookup(&x->sessions, id, NFS4_SESSIONID_SIZE);

	if (x->have_current && memcmp(id, x->current, NFS4_SESSIONID_SIZE) == 0)
		return; /* the engine's default, $sessionid */
	if (b) {
		fprintf(x->body, " %s=$%s", field, b->var);
		return;
	}
	/* Before any CREATE_SESSION: a session made before the capture began, so the case starts
	 * with one of its own. Later, an unknown id is a client's mistake: sent as captured. */
	if (!x->have_current) {
		x->needs_fixture = true;
		x->have_current = x->current_is_fixture = true;
		memcpy(x->current, id, NFS4_SESSIONID_SIZE);
		return;
	}
	fprintf(x->body, " %s=", field);
	put_hex(x->body, id, NFS4_SESSIONID_SIZE);
}

static void put_clientid(struct converter *x, const char *field, uint64_t id)
{
	uint8_t b8[8];
	struct binding *b;

	be64(id, b8);
	b = lookup(&x->clients, b8, 8);
	if (b)
		fprintf(x->body, " %s=$%s", field, b->var);
	else
		fprintf(x->body, " %s=0x%016" PRIx64, field, id); /* never handed out in the capture */
}

static void put_sequence(struct converter *x, const struct SEQUENCE4args *a, struct pending *p)
{
	FILE *f = x->body;
	bool current, known;

	put_session(x, "sessionid", a->sa_sessionid);
	current = x->have_current && !memcmp(a->sa_sessionid, x->current, NFS4_SESSIONID_SIZE);
	known = current && a->sa_slotid < MAX_SLOTS && x->seq_known[a->sa_slotid];
	fprintf(f, " slotid=%u", a->sa_slotid);
	if (known) {
		uint32_t delta = a->sa_sequenceid - x->seq_last[a->sa_slotid];
		if (delta == 0)
			fprintf(f, " sequenceid=$seqid[%u]", a->sa_slotid);
		else if (delta != 1) /* 1 is the engine's default */
			fprintf(f, " sequenceid=$seqid[%u] + %u", a->sa_slotid, delta);
	} else if (!(current && x->current_is_fixture)) {
		/* A session of the capture's own: its seqids as captured. In the fixture's session
		 * the engine's first seqid stands for the captured one, and the rest follow it. */
		fprintf(f, " sequenceid=%u", a->sa_sequenceid);
	}
	if (a->sa_highest_slotid != a->sa_slotid)
		fprintf(f, " highest_slotid=%u", a->sa_highest_slotid);
	if (a->sa_cachethis)
		fputs(" cachethis=true", f);
	*p = (struct pending){.seq = true, .seq_current = current, .slot = a->sa_slotid,
			      .seqid = a->sa_sequenceid};
}

static void put_exchange_id(struct converter *x, const struct EXCHANGE_ID4args *a)
{
	const struct client_owner4 *o = &a->eia_clientowner;
	struct binding *owner = lookup(&x->owners, o->co_ownerid.data, o->co_ownerid.len);
	struct binding *verf = lookup(&x->verifiers, o->co_verifier, NFS4_VERIFIER_SIZE);

	/* The first owner and verifier are the engine's $owner and $verifier; others get fresh
	 * ones, declared before the send (see declare_exchange_id). */
	if (owner && strcmp(owner->var, "owner1") != 0)
		fprintf(x->body, " eia_clientowner.co_ownerid=$%s", owner->var);
	if (verf && strcmp(verf->var, "verifier1") != 0)
		fprintf(x->body, " eia_clientowner.co_verifier=$%s", verf->var);
	if (a->eia_flags != EXCHGID4_FLAG_USE_NON_PNFS)
		fprintf(x->body, " eia_flags=0x%x", a->eia_flags);
	if (a->eia_state_protect.spa_how != SP4_NONE)
		fprintf(x->body, " eia_state_protect.spa_how=%u", a->eia_state_protect.spa_how);
}

/* New owners and verifiers: `set` lines before the send that uses them. */
static void declare_exchange_id(struct converter *x, const struct EXCHANGE_ID4args *a)
{
	const struct client_owner4 *o = &a->eia_clientowner;
	bool new_owner = !lookup(&x->owners, o->co_ownerid.data, o->co_ownerid.len);
	bool new_verf = !lookup(&x->verifiers, o->co_verifier, NFS4_VERIFIER_SIZE);
	struct binding *b;

	if (new_owner && (b = bind(&x->owners, o->co_ownerid.data, o->co_ownerid.len)) &&
	    strcmp(b->var, "owner1") != 0)
		fprintf(x->body, "set %s = fresh()\n", b->var);
	if (new_verf && (b = bind(&x->verifiers, o->co_verifier, NFS4_VERIFIER_SIZE)) &&
	    strcmp(b->var, "verifier1") != 0)
		fprintf(x->body, "set %s = random(8)\n", b->var);
}

static void put_channel(FILE *f, const char *which, const struct channel_attrs4 *c,
			const struct channel_attrs4 *dflt)
{
	const struct {
		const char *name;
		uint32_t v, d;
	} fields[] = {{"ca_headerpadsize", c->ca_headerpadsize, dflt->ca_headerpadsize},
		      {"ca_maxrequestsize", c->ca_maxrequestsize, dflt->ca_maxrequestsize},
		      {"ca_maxresponsesize", c->ca_maxresponsesize, dflt->ca_maxresponsesize},
		      {"ca_maxresponsesize_cached", c->ca_maxresponsesize_cached,
		       dflt->ca_maxresponsesize_cached},
		      {"ca_maxoperations", c->ca_maxoperations, dflt->ca_maxoperations},
		      {"ca_maxrequests", c->ca_maxrequests, dflt->ca_maxrequests}};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].v != fields[i].d)
			fprintf(f, " %s.%s=%u", which, fields[i].name, fields[i].v);
}

static void put_create_session(struct converter *x, const struct CREATE_SESSION4args *a)
{
	/* The engine's defaults (docs/case-language.md, "What the engine fills in"). */
	static const struct channel_attrs4 fore = {0, 1049620, 1049480, 7584, 16, 8, false, 0};
	static const struct channel_attrs4 back = {0, 4096, 4096, 0, 2, 1, false, 0};

	put_clientid(x, "csa_clientid", a->csa_clientid);
	if (x->have_csa && a->csa_sequence != x->csa)
		fprintf(x->body, " csa_sequence=$csa_sequence + %u", a->csa_sequence - x->csa);
	else if (!x->have_csa)
		fprintf(x->body, " csa_sequence=%u", a->csa_sequence);
	if (a->csa_flags)
		fprintf(x->body, " csa_flags=0x%x", a->csa_flags);
	put_channel(x->body, "csa_fore_chan_attrs", &a->csa_fore_chan_attrs, &fore);
	put_channel(x->body, "csa_back_chan_attrs", &a->csa_back_chan_attrs, &back);
	if (a->csa_cb_program != NFS4_CALLBACK)
		fprintf(x->body, " csa_cb_program=0x%x", a->csa_cb_program);
}

static void put_putfh(struct converter *x, const struct PUTFH4args *a)
{
	struct binding *b = lookup(&x->fhs, a->object.data, a->object.len);

	if (b) {
		fprintf(x->body, " object=$%s", b->var);
		return;
	}
	fputs(" object=", x->body);
	put_hex(x->body, a->object.data, a->object.len);
}

/* One op with its arguments; *p records what the reply's bookkeeping needs. */
static void put_op(struct converter *x, const struct nfs_argop *a, struct pending *p)
{
	const char *name = nfs4_op_name(a->op);
	FILE *f = x->body;

	if (!name || a->op == OP_ILLEGAL) {
		fprintf(f, "%u", a->op);
		if (a->undecoded && a->u.raw.len) {
			fputs(" xdr=", f);
			put_hex(f, a->u.raw.data, a->u.raw.len);
		}
		return;
	}
	fputs(name, f);
	if (a->undecoded) {
		fputs(" xdr=", f);
		put_raw_args(x, a);
		x->res->raw_ops++;
		return;
	}
	switch (a->op) {
	case OP_SEQUENCE: put_sequence(x, &a->u.sequence, p); break;
	case OP_EXCHANGE_ID: put_exchange_id(x, &a->u.exchange_id); break;
	case OP_CREATE_SESSION: put_create_session(x, &a->u.create_session); break;
	case OP_DESTROY_SESSION: put_session(x, "dsa_sessionid", a->u.destroy_session.dsa_sessionid); break;
	case OP_BIND_CONN_TO_SESSION:
		put_session(x, "bctsa_sessid", a->u.bind_conn_to_session.bctsa_sessid);
		fprintf(f, " bctsa_dir=%u", a->u.bind_conn_to_session.bctsa_dir);
		if (a->u.bind_conn_to_session.bctsa_use_conn_in_rdma_mode)
			fputs(" bctsa_use_conn_in_rdma_mode=true", f);
		break;
	case OP_DESTROY_CLIENTID: put_clientid(x, "dca_clientid", a->u.destroy_clientid.dca_clientid); break;
	case OP_RECLAIM_COMPLETE:
		fprintf(f, " rca_one_fs=%s", a->u.reclaim_complete.rca_one_fs ? "true" : "false");
		break;
	case OP_PUTFH: put_putfh(x, &a->u.putfh); break;
	case OP_LOOKUP:
		fputs(" objname=", f);
		put_bytes(f, a->u.lookup.objname.data, a->u.lookup.objname.len);
		break;
	case OP_PUTROOTFH: case OP_PUTPUBFH: case OP_GETFH: case OP_SAVEFH: case OP_RESTOREFH:
	case OP_LOOKUPP:
		break;
	default: /* GETATTR and the rest: the captured arguments as they were */
		fputs(" xdr=", f);
		put_raw_args(x, a);
		x->res->raw_ops++;
		break;
	}
}

/* ---- calls and replies --------------------------------------------------------------------- */

static struct pending *find_pending(struct converter *x, uint64_t stream, uint32_t xid)
{
	struct pending *hit = NULL;

	for (struct pending *p = x->pending; p; p = p->next)
		if (p->stream == stream && p->xid == xid && (!hit || !p->answered))
			hit = p; /* the oldest unanswered call with that xid (the list is newest first) */
	return hit;
}

static void on_call(struct converter *x, const struct rpc_message *m, const struct wire_msg *w)
{
	char conn[24];
	struct pending *p = calloc(1, sizeof(*p)), *orig = find_pending(x, m->flow->stream, m->xid);

	if (!p)
		return;
	snprintf(conn, sizeof(conn), "c%llu", (unsigned long long)m->flow->stream + 1);
	for (uint32_t i = 0; w->is_compound && i < w->args.argarray_len; i++)
		if (w->args.argarray[i].op == OP_EXCHANGE_ID && !w->args.argarray[i].undecoded)
			declare_exchange_id(x, &w->args.argarray[i].u.exchange_id);
	p->stream = m->flow->stream;
	p->xid = m->xid;
	p->label = ++x->next_label;
	x->res->calls++;
	fprintf(x->body, "%s > @x%u", conn, p->label);
	if (m->retransmission && orig) { /* the same xid again: a retransmission (RFC 5531 s9) */
		fprintf(x->body, " resend @x%u   # frame %llu\n", orig->label,
			(unsigned long long)m->frame);
		p->seq = orig->seq, p->seq_current = orig->seq_current;
		p->slot = orig->slot, p->seqid = orig->seqid;
	} else {
		put_call_settings(x, w);
		if (!w->is_compound)
			fputs(" NULL", x->body);
		else if (w->args.argarray_len == 0)
			fputs(" COMPOUND", x->body);
		for (uint32_t i = 0; w->is_compound && i < w->args.argarray_len; i++) {
			struct pending seq = {0};
			fputs(i ? " ; " : " ", x->body);
			put_op(x, &w->args.argarray[i], &seq);
			if (i == 0 && seq.seq)
				p->seq = true, p->seq_current = seq.seq_current, p->slot = seq.slot,
				p->seqid = seq.seqid;
		}
		fprintf(x->body, "   # frame %llu\n", (unsigned long long)m->frame);
	}
	p->next = x->pending;
	x->pending = p;
}

static void put_outcome(struct converter *x, const struct wire_msg *w)
{
	const struct oncrpc_reply *r = &w->reply;
	FILE *f = x->body;

	if (r->reply_stat == ONCRPC_MSG_DENIED) {
		fprintf(f, "rpc %s", r->reject_stat == ONCRPC_AUTH_ERROR ? "AUTH_ERROR" : "RPC_MISMATCH");
		return;
	}
	if (r->accept_stat != ONCRPC_SUCCESS) {
		fprintf(f, "rpc %s", oncrpc_accept_stat_name(r->accept_stat));
		return;
	}
	if (!w->is_compound) {
		fputs("NULL", f);
		return;
	}
	fprintf(f, "%s:", nfs4_status_name(w->res.status) ? nfs4_status_name(w->res.status) : "...");
	for (uint32_t i = 0; i < w->res.resarray_len; i++) {
		const char *n = nfs4_op_name(w->res.resarray[i].op);
		fprintf(f, " %s", n ? n : "OP_ILLEGAL");
	}
}

/* What the engine learns from a reply, learned here the same way (docs/case-language.md). */
static void track_reply(struct converter *x, const struct pending *p, const struct wire_msg *w)
{
	for (uint32_t i = 0; w->is_compound && i < w->res.resarray_len; i++) {
		const struct nfs_resop *r = &w->res.resarray[i];
		uint8_t b8[8];
		struct binding *b;

		if (r->status != NFS4_OK || r->undecoded)
			continue;
		switch (r->op) {
		case OP_SEQUENCE:
			if (i == 0 && p->seq && p->seq_current && p->slot < MAX_SLOTS)
				x->seq_known[p->slot] = true, x->seq_last[p->slot] = p->seqid;
			break;
		case OP_EXCHANGE_ID:
			be64(r->u.exchange_id.eir_clientid, b8);
			if ((b = bind(&x->clients, b8, 8)))
				fprintf(x->body, "    save %s = EXCHANGE_ID.eir_clientid\n", b->var);
			if (!(r->u.exchange_id.eir_flags & EXCHGID4_FLAG_CONFIRMED_R))
				x->have_csa = true, x->csa = r->u.exchange_id.eir_sequenceid;
			break;
		case OP_CREATE_SESSION:
			if ((b = bind(&x->sessions, r->u.create_session.csr_sessionid, 16)))
				fprintf(x->body, "    save %s = CREATE_SESSION.csr_sessionid\n", b->var);
			x->have_current = true;
			x->current_is_fixture = false;
			memcpy(x->current, r->u.create_session.csr_sessionid, 16);
			memset(x->seq_known, 0, sizeof(x->seq_known));
			x->csa++;
			break;
		case OP_GETFH:
			if ((b = bind(&x->fhs, r->u.getfh.object.data, r->u.getfh.object.len)))
				fprintf(x->body, "    save %s = GETFH.object\n", b->var);
			break;
		default:
			break;
		}
	}
}

static void on_reply(struct converter *x, const struct rpc_message *m, const struct wire_msg *w)
{
	struct pending *p = find_pending(x, m->flow->stream, m->xid);

	if (!p) {
		fprintf(x->body, "# frame %llu: a reply (xid 0x%08x) whose call is not in the capture\n",
			(unsigned long long)m->frame, m->xid);
		x->res->unmatched++;
		return;
	}
	x->res->replies++;
	p->answered = true;
	fprintf(x->body, "c%llu < @x%u ", (unsigned long long)m->flow->stream + 1, p->label);
	put_outcome(x, w);
	fprintf(x->body, "   # frame %llu\n", (unsigned long long)m->frame);
	track_reply(x, p, w);
}

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct converter *x = ctx;
	struct wire_decode_opts wo = {.reply_proc = m->proc};
	struct wire_msg w;
	struct wire_error e;

	enum wire_status st = wire_msg_decode(m->rec, m->len, &wo, &w, &e);

	if (st != WIRE_OK && st != WIRE_ERR_UNSUPPORTED) { /* unknown ops: sent by number */
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		fprintf(x->body, "# frame %llu: xid 0x%08x does not decode (%s): left out\n",
			(unsigned long long)m->frame, m->xid, wire_error_format(&e, es, sizeof(es)));
	} else if (m->msg_type == ONCRPC_CALL) {
		on_call(x, m, &w);
	} else {
		on_reply(x, m, &w);
	}
	wire_msg_free(&w);
}

/* ---- the file -------------------------------------------------------------------------------- */

static void default_id(const char *path, char *id, size_t n)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t j = 0;

	j += (size_t)snprintf(id, n, "pcap-");
	for (size_t i = 0; base[i] && base[i] != '.' && j + 1 < n; i++)
		id[j++] = (char)((base[i] >= 'a' && base[i] <= 'z') || (base[i] >= '0' && base[i] <= '9') ||
					 base[i] == '-' ? base[i] : base[i] >= 'A' && base[i] <= 'Z' ? base[i] + 32 : '-');
	id[j] = '\0';
}

static void write_case(const char *path, const struct converter *x, const char *body, FILE *out)
{
	char id[128];

	if (x->o->id)
		snprintf(id, sizeof(id), "%s", x->o->id);
	else
		default_id(path, id, sizeof(id));
	fprintf(out, "id: %s\ntitle: Replays the NFSv4.1 traffic captured in %s\n", id,
		strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fprintf(out, "requirements: %s\nlevel: MUST\ntags: pcap\ntimeout: 60s\n\n",
		x->o->requirements ? x->o->requirements : "CMP-22");
	fprintf(out, "# Made by `nfs41check pcap to-case` from %s:\n# %lu calls, %lu replies. The "
		     "statuses are what the captured server answered;\n# the ids it handed out are "
		     "variables.\n", path, x->res->calls, x->res->replies);
	if (x->needs_fixture)
		fputs("# The capture starts inside a session: the case makes its own first.\n"
		      "c1 > EXCHANGE_ID\nc1 < NFS4_OK: EXCHANGE_ID\n"
		      "c1 > CREATE_SESSION\nc1 < NFS4_OK: CREATE_SESSION\n", out);
	fputs(body, out);
}

int pcap_to_case_file(const char *path, const struct tocase_opts *o, FILE *out,
		      struct tocase_result *res, char *err, size_t errlen)
{
	struct converter *x = calloc(1, sizeof(*x));
	struct rpc_sink sink = {.ctx = x, .message = on_message};
	char *body = NULL;
	size_t body_len = 0;
	struct capture *c;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!x || !(x->body = open_memstream(&body, &body_len))) {
		free(x);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	x->o = o, x->res = res;
	x->clients.prefix = "clientid", x->sessions.prefix = "session", x->fhs.prefix = "fh";
	x->owners.prefix = "owner", x->verifiers.prefix = "verifier";
	if ((c = capture_open(path, err, errlen)) != NULL) {
		rc = rpc_read_capture(c, &o->read, &sink, &res->st, err, errlen);
		capture_close(c);
	}
	fclose(x->body);
	if (rc == 0)
		write_case(path, x, body ? body : "", out);
	free(body);
	for (struct pending *p = x->pending, *n; p; p = n) {
		n = p->next;
		free(p);
	}
	free(x);
	return rc;
}
