/*
 * livefuzz_mutate.c - the PRNG, seed remapping and mutators of `nfs41check fuzz` (see the
 * header for the classes). Each mutator decodes with the wire library where it works at the
 * struct level, changes one thing, re-encodes and record-marks; the result is checked against
 * LF_MAX_RECORD / LF_MAX_WIRE before it is handed out.
 */
#include "livefuzz_mutate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

/* ---- PRNG ---------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void lf_rng_seed(struct lf_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t lf_rng_next(struct lf_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t lf_rng_below(struct lf_rng *r, uint32_t n)
{
	return n ? (uint32_t)(((lf_rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

bool lf_rng_one_in(struct lf_rng *r, uint32_t n)
{
	return lf_rng_below(r, n) == 0;
}

/* ---- names and expectations ---------------------------------------------- */

const char *lf_class_name(enum lf_class c)
{
	static const char *const names[LF_CLASS_COUNT] = {"none", "field", "oplist", "bytes",
							  "split", "framing"};
	return c < LF_CLASS_COUNT ? names[c] : "?";
}

const char *lf_expect_name(enum lf_expect e)
{
	static const char *const names[] = {"reply", "answer", "maybe", "any"};

	return e <= LF_EXPECT_ANY ? names[e] : "?";
}

enum lf_expect lf_expect_of_record(const uint8_t *rec, size_t len, uint32_t *xid)
{
	struct xdr_dec d;
	struct oncrpc_call c;
	uint32_t type;

	*xid = 0;
	if (!oncrpc_msg_type_peek(rec, len, xid, &type) || type != ONCRPC_CALL)
		return LF_EXPECT_MAYBE;
	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	xdr_dec_init(&d, rec, len, 0);
	if (!oncrpc_call_decode(&d, &c))
		return LF_EXPECT_MAYBE;
	/* RFC 2203 s5.3.3.1: a server may drop an RPCSEC_GSS call it cannot verify, silently. */
	if (c.cred.flavor == ONCRPC_RPCSEC_GSS)
		return LF_EXPECT_MAYBE;
	return LF_EXPECT_REPLY;
}

size_t lf_build_call(uint32_t xid, uint32_t proc, uint32_t minor, const struct nfs_argop *ops,
		     uint32_t n, uint8_t *buf, size_t cap)
{
	static const char machine[] = "nfs41check-fuzz";
	uint8_t authbuf[512];
	struct oncrpc_authsys sys = {.machinename = {(const uint8_t *)machine, sizeof(machine) - 1}};
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = {.xid = xid, .rpcvers = ONCRPC_VERSION, .prog = NFS4_PROGRAM,
				      .vers = NFS_V4, .proc = proc}};

	m.call.cred.flavor = ONCRPC_AUTH_SYS;
	m.call.cred.body = oncrpc_authsys_encode(&sys, authbuf, sizeof(authbuf));
	if (proc == NFSPROC4_COMPOUND) {
		m.is_compound = true;
		m.args.minorversion = minor;
		m.args.argarray = (struct nfs_argop *)ops; /* only read by the encoder */
		m.args.argarray_len = n;
	}
	return wire_msg_encode(&m, buf, cap);
}

/* ---- helpers --------------------------------------------------------------- */

static void say(struct lf_mutant *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct lf_mutant *m, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(m->what, sizeof(m->what), "%s ", lf_class_name(m->cls));

	va_start(ap, fmt);
	vsnprintf(m->what + n, sizeof(m->what) - (size_t)n, fmt, ap);
	va_end(ap);
}

static const uint32_t interesting32[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 400, 401, 1023, 1024,
	1025, 4096, 65535, 65536, 1u << 20, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
#define N_INTERESTING (sizeof(interesting32) / sizeof(interesting32[0]))

static uint32_t mutate_u32(struct lf_rng *r, uint32_t v)
{
	uint32_t n;

	switch (lf_rng_below(r, 5)) {
	case 0: n = v + 1 + lf_rng_below(r, 3); break;
	case 1: n = v - 1 - lf_rng_below(r, 3); break;
	case 2: n = v ^ (1u << lf_rng_below(r, 32)); break;
	case 3: n = interesting32[lf_rng_below(r, N_INTERESTING)]; break;
	default: n = (uint32_t)lf_rng_next(r); break;
	}
	return n != v ? n : v ^ 1u;
}

static uint64_t mutate_u64(struct lf_rng *r, uint64_t v)
{
	uint64_t n;

	switch (lf_rng_below(r, 4)) {
	case 0: n = v + 1; break;
	case 1: n = v ^ (1ull << lf_rng_below(r, 64)); break;
	case 2: n = lf_rng_one_in(r, 2) ? 0 : UINT64_MAX; break;
	default: n = lf_rng_next(r); break;
	}
	return n != v ? n : v ^ 1u;
}

/* Record-mark rec as one last fragment into m->wire. */
static void frame_whole(struct lf_mutant *m)
{
	xdr_store_be32(m->wire, RM_LAST_FRAGMENT | (uint32_t)m->rec_len);
	memcpy(m->wire + 4, m->rec, m->rec_len);
	m->wire_len = m->rec_len + 4;
}

/* What the final record is: strict COMPOUND decode for the shape oracle, and the expectation. */
void lf_describe(struct lf_mutant *m)
{
	struct wire_decode_opts o = {.flags = WIRE_STRICT, .max_ops = LF_MAX_OPS};
	struct wire_msg w;
	struct wire_error err;
	struct xdr_dec d;
	struct oncrpc_call c;

	m->expect = lf_expect_of_record(m->rec, m->rec_len, &m->xid);
	m->compound = false;
	m->nops = 0;
	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	xdr_dec_init(&d, m->rec, m->rec_len, 0);
	m->header = oncrpc_msg_type_peek(m->rec, m->rec_len, &m->xid, &c.xid) && c.xid == ONCRPC_CALL &&
		    oncrpc_call_decode(&d, &c);
	m->prog = c.prog, m->vers = c.vers, m->proc = c.proc;
	if (!m->header && m->rec_len >= 24 && xdr_load_be32(m->rec + 4) == ONCRPC_CALL) {
		/* the credential does not decode, but the procedure is known: its reply's shape too */
		m->prog = xdr_load_be32(m->rec + 12);
		m->vers = xdr_load_be32(m->rec + 16);
		m->proc = xdr_load_be32(m->rec + 20);
	}
	memset(&w, 0, sizeof(w));
	if (wire_msg_decode(m->rec, m->rec_len, &o, &w, &err) == WIRE_OK && w.msg_type == ONCRPC_CALL &&
	    w.is_compound && w.args.argarray_len <= LF_MAX_OPS) {
		m->compound = true;
		m->nops = w.args.argarray_len;
		m->minorversion = w.args.minorversion;
		for (uint32_t i = 0; i < m->nops; i++)
			m->ops[i] = w.args.argarray[i].op;
	}
	wire_msg_free(&w);
}

static int decode_call(const uint8_t *rec, size_t len, unsigned flags, struct wire_msg *w)
{
	struct wire_decode_opts o = {.flags = flags, .max_ops = LF_MAX_OPS};
	struct wire_error err;

	memset(w, 0, sizeof(*w));
	if (wire_msg_decode(rec, len, &o, w, &err) != WIRE_OK || w->msg_type != ONCRPC_CALL) {
		wire_msg_free(w);
		return -1;
	}
	return 0;
}

/* ---- remapping ------------------------------------------------------------- */

static void remap_sequence(struct SEQUENCE4args *s, const struct lf_ids *ids, struct lf_rng *r)
{
	/* the PRNG is drawn first, whatever the ids: the inputs depend on the seed alone */
	if (lf_rng_one_in(r, 16) || !ids->have_session)
		return; /* a stale or unknown session now and then: BADSESSION paths */
	memcpy(s->sa_sessionid, ids->sessionid, NFS4_SESSIONID_SIZE);
	s->sa_slotid %= ids->nslots ? ids->nslots : 1;
	s->sa_sequenceid = ids->slot_seqid[s->sa_slotid] + 1;
	if (s->sa_highest_slotid >= ids->nslots || s->sa_highest_slotid < s->sa_slotid)
		s->sa_highest_slotid = s->sa_slotid;
}

static void remap_op(struct nfs_argop *a, const struct lf_ids *ids, struct lf_rng *r)
{
	if (a->undecoded)
		return;
	switch (a->op) {
	case OP_SEQUENCE: remap_sequence(&a->u.sequence, ids, r); break;
	case OP_CREATE_SESSION:
		if (!lf_rng_one_in(r, 8) && ids->have_client) {
			a->u.create_session.csa_clientid = ids->clientid;
			a->u.create_session.csa_sequence = ids->csa_sequence;
		}
		break;
	case OP_BIND_CONN_TO_SESSION:
		if (!lf_rng_one_in(r, 8) && ids->have_session)
			memcpy(a->u.bind_conn_to_session.bctsa_sessid, ids->sessionid, NFS4_SESSIONID_SIZE);
		break;
	/* Destroying the fuzzer's own session or client is a real transition, but a costly one
	 * (it is set up again): one time in four. */
	case OP_DESTROY_SESSION:
		if (lf_rng_one_in(r, 4) && ids->have_session)
			memcpy(a->u.destroy_session.dsa_sessionid, ids->sessionid, NFS4_SESSIONID_SIZE);
		break;
	case OP_DESTROY_CLIENTID:
		if (lf_rng_one_in(r, 4) && ids->have_client)
			a->u.destroy_clientid.dca_clientid = ids->clientid;
		break;
	default: break;
	}
}

size_t lf_remap(const uint8_t *rec, size_t len, uint32_t xid, const struct lf_ids *ids,
		struct lf_rng *rng, uint8_t *out, size_t cap)
{
	struct wire_msg w;
	size_t n;

	if (decode_call(rec, len, 0, &w) != 0)
		return 0;
	w.call.xid = xid;
	w.xid = xid;
	for (uint32_t i = 0; w.is_compound && i < w.args.argarray_len; i++)
		remap_op(&w.args.argarray[i], ids, rng);
	n = wire_msg_encode(&w, out, cap);
	wire_msg_free(&w);
	return n <= cap ? n : 0;
}

/* ---- FIELD ----------------------------------------------------------------- */

/* FK_SECCOUNT: a callback_sec_parms4 count; its array is decoded out of line with exactly
 * that many entries, so a larger count first moves it to room for WIRE_MAX_CB_SEC. */
enum fkind { FK_U32, FK_U64, FK_BOOL, FK_FIXED, FK_OPAQUE, FK_RAW, FK_COUNT, FK_SECCOUNT };

struct field {
	char name[64];
	enum fkind kind;
	void *p;
	uint32_t n; /* FK_FIXED: size; FK_COUNT: the array's capacity */
	struct callback_sec_parms4 **sec; /* FK_SECCOUNT: the array p counts */
};

#define MAX_FIELDS 192

struct fields {
	struct field v[MAX_FIELDS];
	size_t n;
};

/* The field added, or NULL when the list is full. */
static struct field *add(struct fields *f, enum fkind k, void *p, uint32_t n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static struct field *add(struct fields *f, enum fkind k, void *p, uint32_t n, const char *fmt, ...)
{
	va_list ap;

	if (f->n == MAX_FIELDS)
		return NULL;
	f->v[f->n] = (struct field){.kind = k, .p = p, .n = n};
	va_start(ap, fmt);
	vsnprintf(f->v[f->n].name, sizeof(f->v[f->n].name), fmt, ap);
	va_end(ap);
	return &f->v[f->n++];
}

static void add_sec_count(struct fields *f, uint32_t *count, struct callback_sec_parms4 **sec,
			  const char *name)
{
	struct field *c = add(f, FK_SECCOUNT, count, WIRE_MAX_CB_SEC, "%s", name);

	if (c)
		c->sec = sec;
}

static void add_chan(struct fields *f, const char *op, const char *which, struct channel_attrs4 *c)
{
	add(f, FK_U32, &c->ca_headerpadsize, 0, "%s.%s.ca_headerpadsize", op, which);
	add(f, FK_U32, &c->ca_maxrequestsize, 0, "%s.%s.ca_maxrequestsize", op, which);
	add(f, FK_U32, &c->ca_maxresponsesize, 0, "%s.%s.ca_maxresponsesize", op, which);
	add(f, FK_U32, &c->ca_maxresponsesize_cached, 0, "%s.%s.ca_maxresponsesize_cached", op, which);
	add(f, FK_U32, &c->ca_maxoperations, 0, "%s.%s.ca_maxoperations", op, which);
	add(f, FK_U32, &c->ca_maxrequests, 0, "%s.%s.ca_maxrequests", op, which);
	add(f, FK_BOOL, &c->ca_rdma_ird_present, 0, "%s.%s.ca_rdma_ird_present", op, which);
}

static void add_create_session(struct fields *f, struct CREATE_SESSION4args *a)
{
	const char *op = "CREATE_SESSION";

	add(f, FK_U64, &a->csa_clientid, 0, "%s.csa_clientid", op);
	add(f, FK_U32, &a->csa_sequence, 0, "%s.csa_sequence", op);
	add(f, FK_U32, &a->csa_flags, 0, "%s.csa_flags", op);
	add_chan(f, op, "csa_fore_chan_attrs", &a->csa_fore_chan_attrs);
	add_chan(f, op, "csa_back_chan_attrs", &a->csa_back_chan_attrs);
	add(f, FK_U32, &a->csa_cb_program, 0, "%s.csa_cb_program", op);
	add_sec_count(f, &a->csa_sec_parms_count, &a->csa_sec_parms, "CREATE_SESSION.csa_sec_parms_count");
	if (a->csa_sec_parms_count > 0 && a->csa_sec_parms)
		add(f, FK_U32, &a->csa_sec_parms[0].cb_secflavor, 0, "%s.csa_sec_parms[0].cb_secflavor", op);
}

static void add_exchange_id(struct fields *f, struct EXCHANGE_ID4args *a)
{
	const char *op = "EXCHANGE_ID";

	add(f, FK_FIXED, a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE, "%s.co_verifier", op);
	add(f, FK_OPAQUE, &a->eia_clientowner.co_ownerid, 0, "%s.co_ownerid", op);
	add(f, FK_U32, &a->eia_flags, 0, "%s.eia_flags", op);
	add(f, FK_BOOL, &a->eia_client_impl_id_present, 0, "%s.eia_client_impl_id_present", op);
	if (a->eia_client_impl_id_present) {
		add(f, FK_OPAQUE, &a->eia_client_impl_id.nii_domain, 0, "%s.nii_domain", op);
		add(f, FK_OPAQUE, &a->eia_client_impl_id.nii_name, 0, "%s.nii_name", op);
	}
}

static void add_op(struct fields *f, struct nfs_argop *a)
{
	switch (a->undecoded ? UINT32_MAX : a->op) {
	case UINT32_MAX:
		if (a->u.raw.len)
			add(f, FK_RAW, &a->u.raw, 0, "%s(raw)", nfs4_op_name(a->op) ? nfs4_op_name(a->op) : "op");
		break;
	case OP_EXCHANGE_ID: add_exchange_id(f, &a->u.exchange_id); break;
	case OP_CREATE_SESSION: add_create_session(f, &a->u.create_session); break;
	case OP_DESTROY_SESSION:
		add(f, FK_FIXED, a->u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE,
		    "DESTROY_SESSION.dsa_sessionid");
		break;
	case OP_SEQUENCE:
		add(f, FK_FIXED, a->u.sequence.sa_sessionid, NFS4_SESSIONID_SIZE, "SEQUENCE.sa_sessionid");
		add(f, FK_U32, &a->u.sequence.sa_sequenceid, 0, "SEQUENCE.sa_sequenceid");
		add(f, FK_U32, &a->u.sequence.sa_slotid, 0, "SEQUENCE.sa_slotid");
		add(f, FK_U32, &a->u.sequence.sa_highest_slotid, 0, "SEQUENCE.sa_highest_slotid");
		add(f, FK_BOOL, &a->u.sequence.sa_cachethis, 0, "SEQUENCE.sa_cachethis");
		break;
	case OP_BIND_CONN_TO_SESSION:
		add(f, FK_FIXED, a->u.bind_conn_to_session.bctsa_sessid, NFS4_SESSIONID_SIZE,
		    "BIND_CONN_TO_SESSION.bctsa_sessid");
		add(f, FK_U32, &a->u.bind_conn_to_session.bctsa_dir, 0, "BIND_CONN_TO_SESSION.bctsa_dir");
		add(f, FK_BOOL, &a->u.bind_conn_to_session.bctsa_use_conn_in_rdma_mode, 0,
		    "BIND_CONN_TO_SESSION.bctsa_use_conn_in_rdma_mode");
		break;
	case OP_DESTROY_CLIENTID:
		add(f, FK_U64, &a->u.destroy_clientid.dca_clientid, 0, "DESTROY_CLIENTID.dca_clientid");
		break;
	case OP_RECLAIM_COMPLETE:
		add(f, FK_BOOL, &a->u.reclaim_complete.rca_one_fs, 0, "RECLAIM_COMPLETE.rca_one_fs");
		break;
	case OP_BACKCHANNEL_CTL:
		add(f, FK_U32, &a->u.backchannel_ctl.bca_cb_program, 0, "BACKCHANNEL_CTL.bca_cb_program");
		add_sec_count(f, &a->u.backchannel_ctl.bca_sec_parms_count,
			      &a->u.backchannel_ctl.bca_sec_parms, "BACKCHANNEL_CTL.bca_sec_parms_count");
		break;
	case OP_PUTFH: add(f, FK_OPAQUE, &a->u.putfh.object, 0, "PUTFH.object"); break;
	case OP_LOOKUP: add(f, FK_OPAQUE, &a->u.lookup.objname, 0, "LOOKUP.objname"); break;
	case OP_GETATTR:
		add(f, FK_COUNT, &a->u.getattr.attr_request.count, WIRE_MAX_BITMAP_WORDS,
		    "GETATTR.attr_request.count");
		if (a->u.getattr.attr_request.count > 0)
			add(f, FK_U32, &a->u.getattr.attr_request.map[0], 0, "GETATTR.attr_request[0]");
		break;
	default: break;
	}
}

static void collect_fields(struct fields *f, struct wire_msg *w)
{
	add(f, FK_U32, &w->call.rpcvers, 0, "rpc.rpcvers");
	add(f, FK_U32, &w->call.prog, 0, "rpc.prog");
	add(f, FK_U32, &w->call.vers, 0, "rpc.vers");
	add(f, FK_U32, &w->call.proc, 0, "rpc.proc");
	add(f, FK_U32, &w->call.cred.flavor, 0, "rpc.cred.flavor");
	add(f, FK_OPAQUE, &w->call.cred.body, 0, "rpc.cred.body");
	add(f, FK_U32, &w->call.verf.flavor, 0, "rpc.verf.flavor");
	add(f, FK_OPAQUE, &w->call.verf.body, 0, "rpc.verf.body");
	if (!w->is_compound)
		return;
	add(f, FK_OPAQUE, &w->args.tag, 0, "COMPOUND.tag");
	add(f, FK_U32, &w->args.minorversion, 0, "COMPOUND.minorversion");
	for (uint32_t i = 0; i < w->args.argarray_len; i++)
		add_op(f, &w->args.argarray[i]);
}

#define SCRATCH 4096u

/* A new value for an opaque or string: empty, cut, over a protocol limit, odd bytes. */
static void mutate_opaque(struct lf_rng *r, struct wire_opaque *o, uint8_t *scratch, char *how,
			  size_t hown)
{
	static const uint32_t limits[] = {255, 256, 400, 401, 1024, 1025, 2048};
	uint32_t n = o->len;

	if (o->len > SCRATCH - 64) { /* too long to grow here: halve it */
		snprintf(how, hown, "len %u -> %u", o->len, o->len / 2);
		o->len /= 2;
		return;
	}
	memcpy(scratch, o->data, o->len);
	switch (lf_rng_below(r, 6)) {
	case 0: n = 0; break;
	case 1: n = o->len / 2; break;
	case 2: n = limits[lf_rng_below(r, sizeof(limits) / sizeof(limits[0]))];
		memset(scratch + (o->len < n ? o->len : n), 'x', n > o->len ? n - o->len : 0);
		break;
	case 3:
		for (uint32_t i = 0; i < n; i++)
			scratch[i] = (uint8_t)lf_rng_next(r);
		break;
	case 4: /* a NUL, a slash or a byte that is not UTF-8 (RFC 8881 s14.4) */
		if (n == 0)
			n = 1;
		scratch[lf_rng_below(r, n)] = (uint8_t[]){0, '/', 0xff, 0xc0}[lf_rng_below(r, 4)];
		break;
	default: n = o->len + 1 + lf_rng_below(r, 16);
		for (uint32_t i = o->len; i < n; i++)
			scratch[i] = (uint8_t)('a' + lf_rng_below(r, 26));
		break;
	}
	if (n == o->len && (n == 0 || !memcmp(scratch, o->data, n)))
		scratch[n++] = 'z';
	snprintf(how, hown, "len %u -> %u", o->len, n);
	*o = (struct wire_opaque){scratch, n};
}

static void mutate_fixed(struct lf_rng *r, uint8_t *p, uint32_t n)
{
	uint8_t old[NFS4_SESSIONID_SIZE];

	memcpy(old, p, n);
	switch (lf_rng_below(r, 4)) {
	case 0: memset(p, 0, n); break;
	case 1: memset(p, 0xff, n); break;
	case 2: p[lf_rng_below(r, n)] ^= (uint8_t)(1u << lf_rng_below(r, 8)); break;
	default:
		for (uint32_t i = 0; i < n; i++)
			p[i] = (uint8_t)lf_rng_next(r);
		break;
	}
	if (!memcmp(old, p, n))
		p[0] ^= 1;
}

/* Copy a callback_sec_parms4 array into room (WIRE_MAX_CB_SEC entries, the rest AUTH_NONE),
 * so its count may grow to the cap; the decoded entries stay where they are. */
static void sec_to_room(struct field *f, struct callback_sec_parms4 *room)
{
	uint32_t n = xdr_min_u32(*(uint32_t *)f->p, WIRE_MAX_CB_SEC);

	memset(room, 0, WIRE_MAX_CB_SEC * sizeof(*room));
	if (*f->sec && n)
		memcpy(room, *f->sec, n * sizeof(*room));
	*f->sec = room;
}

static void mutate_field(struct lf_rng *r, struct field *f, uint8_t *scratch,
			 struct callback_sec_parms4 *room, char *how, size_t hown)
{
	switch (f->kind) {
	case FK_U32: {
		uint32_t *v = f->p, o = *v;
		*v = mutate_u32(r, o);
		snprintf(how, hown, "0x%x -> 0x%x", o, *v);
		break;
	}
	case FK_SECCOUNT:
	case FK_COUNT: { /* an array count the encoder follows: stays within the array */
		uint32_t *v = f->p, o = *v;
		if (f->kind == FK_SECCOUNT)
			sec_to_room(f, room);
		*v = (o + 1 + lf_rng_below(r, f->n)) % (f->n + 1);
		snprintf(how, hown, "%u -> %u", o, *v);
		break;
	}
	case FK_U64: {
		uint64_t *v = f->p, o = *v;
		*v = mutate_u64(r, o);
		snprintf(how, hown, "0x%llx -> 0x%llx", (unsigned long long)o, (unsigned long long)*v);
		break;
	}
	case FK_BOOL:
		*(bool *)f->p = !*(bool *)f->p;
		snprintf(how, hown, "-> %s", *(bool *)f->p ? "true" : "false");
		break;
	case FK_FIXED: mutate_fixed(r, f->p, f->n); snprintf(how, hown, "changed"); break;
	case FK_OPAQUE: mutate_opaque(r, f->p, scratch, how, hown); break;
	case FK_RAW: {
		struct wire_opaque *o = f->p;
		uint32_t at = lf_rng_below(r, o->len);
		if (o->len == 0) /* raw ops are collected only when they have bytes */
			break;
		if (o->len > SCRATCH) { /* too long to copy: cut it short instead */
			o->len = at & ~3u;
			snprintf(how, hown, "cut to %u bytes", o->len);
			break;
		}
		memcpy(scratch, o->data, o->len);
		scratch[at] ^= (uint8_t)(1u << lf_rng_below(r, 8));
		o->data = scratch;
		snprintf(how, hown, "byte %u", at);
		break;
	}
	}
}

static int finish_encoded(struct lf_mutant *m, const struct wire_msg *w)
{
	size_t n = wire_msg_encode(w, m->rec, sizeof(m->rec));

	if (n > sizeof(m->rec))
		return -1;
	m->rec_len = n;
	frame_whole(m);
	return 0;
}

static int mutate_fields(const uint8_t *base, size_t len, struct lf_rng *r, struct lf_mutant *m)
{
	static struct fields f; /* large; the mutators are not re-entrant (one fuzz loop) */
	uint8_t scratch[SCRATCH + 64];
	struct callback_sec_parms4 room[WIRE_MAX_CB_SEC];
	struct wire_msg w;
	char how[80] = "";
	int rc;

	if (decode_call(base, len, 0, &w) != 0)
		return -1;
	f.n = 0;
	collect_fields(&f, &w);
	/* Header fields are 8 of them: pick the ops' own fields three times in four. */
	size_t pick = f.n > 8 && !lf_rng_one_in(r, 4) ? 8 + lf_rng_below(r, (uint32_t)(f.n - 8))
						   : lf_rng_below(r, (uint32_t)f.n);
	mutate_field(r, &f.v[pick], scratch, room, how, sizeof(how));
	say(m, "%s %s", f.v[pick].name, how);
	rc = finish_encoded(m, &w);
	wire_msg_free(&w);
	return rc;
}

/* ---- OPLIST ---------------------------------------------------------------- */

static const uint8_t raw_renew[8] = {0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t raw_fh129[4 + 132] = {0, 0, 0, 129};

/* An op from the palette: no-argument ops, undefined numbers, v4.0-only ops, a known op with
 * its arguments missing, and a copy of one of the call's own ops. */
static struct nfs_argop palette_op(struct lf_rng *r, const struct COMPOUND4args *a)
{
	static const uint32_t noargs[] = {OP_PUTROOTFH, OP_PUTPUBFH, OP_GETFH, OP_SAVEFH,
					  OP_RESTOREFH, OP_LOOKUPP};
	static const uint32_t undefined[] = {0, 1, 2, 59, 77, 9999, OP_ILLEGAL};
	struct nfs_argop op = {.undecoded = true};

	switch (lf_rng_below(r, 7)) {
	case 0: op.op = noargs[lf_rng_below(r, sizeof(noargs) / sizeof(noargs[0]))]; break;
	case 1: op.op = undefined[lf_rng_below(r, sizeof(undefined) / sizeof(undefined[0]))]; break;
	case 2: op.op = OP_RENEW; op.u.raw = (struct wire_opaque){raw_renew, 8}; break;
	case 3: /* a known op with its arguments cut off: NFS4ERR_BADXDR or GARBAGE_ARGS */
		op.op = (uint32_t[]){OP_SEQUENCE, OP_READ, OP_CLOSE, OP_CREATE_SESSION,
				     OP_EXCHANGE_ID}[lf_rng_below(r, 5)];
		break;
	case 4: /* a filehandle over NFS4_FHSIZE (128, RFC 8881 s4.2.1) */
		op.op = OP_PUTFH;
		op.u.raw = (struct wire_opaque){raw_fh129, sizeof(raw_fh129)};
		break;
	case 5:
		op = (struct nfs_argop){.op = OP_GETATTR};
		bitmap4_set(&op.u.getattr.attr_request, 0);  /* supported_attrs */
		bitmap4_set(&op.u.getattr.attr_request, 1);  /* type */
		bitmap4_set(&op.u.getattr.attr_request, 10); /* lease_time */
		break;
	default:
		if (a->argarray_len == 0)
			op.op = OP_PUTROOTFH;
		else
			op = a->argarray[lf_rng_below(r, a->argarray_len)];
		break;
	}
	return op;
}

static const char *opname(uint32_t op)
{
	const char *n = nfs4_op_name(op);

	return n ? n : "undefined";
}

/* Edit the op list v (n ops, room for LF_MAX_OPS); returns the new count, says what it did. */
static uint32_t edit_ops(struct lf_rng *r, const struct COMPOUND4args *a, struct nfs_argop *v,
			 uint32_t n, struct lf_mutant *m)
{
	uint32_t i = n ? lf_rng_below(r, n) : 0, j = n ? lf_rng_below(r, n) : 0;
	struct nfs_argop op;

	switch (n == 0 ? 0 : lf_rng_below(r, 7)) {
	case 0:
		op = palette_op(r, a);
		i = lf_rng_below(r, n + 1);
		memmove(&v[i + 1], &v[i], (n - i) * sizeof(*v));
		v[i] = op;
		say(m, "insert %s at %u", opname(op.op), i);
		return n + 1;
	case 1:
		say(m, "delete %s at %u", opname(v[i].op), i);
		memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
		return n - 1;
	case 2:
		memmove(&v[i + 1], &v[i], (n - i) * sizeof(*v));
		say(m, "duplicate %s at %u", opname(v[i].op), i);
		return n + 1;
	case 3:
		if (n < 2 || v[i].op == v[j].op)
			j = (i + 1) % n, i = (j + n - 1) % n;
		op = v[i], v[i] = v[j], v[j] = op;
		say(m, "swap %u and %u (%s, %s)", i, j, opname(v[i].op), opname(v[j].op));
		return n;
	case 4:
		for (int k = 0; k < 4 && (k == 0 || op.op == v[i].op); k++)
			op = palette_op(r, a);
		if (op.op == v[i].op)
			op = (struct nfs_argop){.op = 9999, .undecoded = true};
		say(m, "replace %s at %u by %s", opname(v[i].op), i, opname(op.op));
		v[i] = op;
		return n;
	case 5: { /* many ops: past ca_maxoperations (RFC 8881 s2.10.6.4, NFS4ERR_TOO_MANY_OPS) */
		uint32_t k = 8 + lf_rng_below(r, LF_MAX_OPS - 8 - n + 1);
		op = v[n - 1].op != OP_SEQUENCE ? v[n - 1] : palette_op(r, a);
		for (uint32_t x = 0; x < k; x++)
			v[n + x] = op;
		say(m, "append %s x%u", opname(op.op), k);
		return n + k;
	}
	default:
		say(m, "empty COMPOUND (was %u ops)", n);
		return 0;
	}
}

/* Where the op count sits in an encoded COMPOUND call: after the header, the tag and the
 * minor version. */
static size_t count_offset(const struct wire_msg *w)
{
	uint8_t hdr[1024];
	struct xdr_enc e;

	xdr_enc_init(&e, hdr, sizeof(hdr));
	oncrpc_call_encode(&e, &w->call);
	return e.len + 4 + ((w->args.tag.len + 3u) & ~3u) + 4;
}

/* Overstate or understate the op count on the wire (the ops stay as they are). */
static int lie_about_count(struct lf_rng *r, struct wire_msg *w, struct lf_mutant *m)
{
	static const uint32_t big[] = {1025, 4096, 0x10000, 0x7fffffff, 0xffffffff};
	size_t at;
	uint32_t n = w->args.argarray_len, lie;

	if (finish_encoded(m, w) != 0)
		return -1;
	at = count_offset(w);
	if (at + 4 > m->rec_len)
		return -1;
	switch (lf_rng_below(r, 3)) {
	case 0: lie = n + 1 + lf_rng_below(r, 3); break;
	case 1: lie = n ? n - 1 : 1; break;
	default: lie = big[lf_rng_below(r, sizeof(big) / sizeof(big[0]))]; break;
	}
	xdr_store_be32(m->rec + at, lie);
	say(m, "op count %u on the wire for %u ops", lie, n);
	frame_whole(m);
	return 0;
}

static int mutate_oplist(const uint8_t *base, size_t len, struct lf_rng *r, struct lf_mutant *m)
{
	static struct nfs_argop v[LF_MAX_OPS * 2];
	struct nfs_argop *saved;
	struct wire_msg w;
	uint32_t n;
	int rc;

	if (decode_call(base, len, 0, &w) != 0)
		return -1;
	if (!w.is_compound || w.args.argarray_len > LF_MAX_OPS / 2) {
		wire_msg_free(&w);
		return -1;
	}
	if (lf_rng_one_in(r, 6)) {
		rc = lie_about_count(r, &w, m);
		wire_msg_free(&w);
		return rc;
	}
	memcpy(v, w.args.argarray, w.args.argarray_len * sizeof(*v));
	n = edit_ops(r, &w.args, v, w.args.argarray_len, m);
	saved = w.args.argarray;
	w.args.argarray = v;
	w.args.argarray_len = n;
	rc = finish_encoded(m, &w);
	w.args.argarray = saved; /* wire_msg_free frees the decoder's array */
	wire_msg_free(&w);
	return rc;
}

/* ---- BYTES ----------------------------------------------------------------- */

static int mutate_bytes(const uint8_t *base, size_t len, struct lf_rng *r, struct lf_mutant *m)
{
	uint32_t words = (uint32_t)(len / 4), at, k;

	if (len < 8 || len > LF_MAX_RECORD - 64)
		return -1;
	memcpy(m->rec, base, len);
	m->rec_len = len;
	at = 4 * (1 + lf_rng_below(r, words - 1)); /* never the xid: replies are matched by it */
	switch (lf_rng_below(r, 6)) {
	case 0: {
		uint32_t old = xdr_load_be32(m->rec + at), v = mutate_u32(r, old);
		if (at + 4 > len)
			return -1;
		xdr_store_be32(m->rec + at, v);
		say(m, "word at %u 0x%x -> 0x%x", at, old, v);
		break;
	}
	case 1:
		k = 4 + lf_rng_below(r, (uint32_t)len - 4);
		m->rec[k] ^= (uint8_t)(1u << lf_rng_below(r, 8));
		say(m, "bit flip at byte %u", k);
		break;
	case 2:
		k = 1 + lf_rng_below(r, (uint32_t)len - 4);
		m->rec_len = len - k;
		say(m, "cut %u bytes off the end (%zu left)", k, m->rec_len);
		break;
	case 3:
		k = 1 + lf_rng_below(r, 64);
		for (uint32_t i = 0; i < k; i++)
			m->rec[len + i] = lf_rng_one_in(r, 2) ? 0 : (uint8_t)lf_rng_next(r);
		m->rec_len = len + k;
		say(m, "append %u bytes", k);
		break;
	case 4:
		memmove(m->rec + at + 4, m->rec + at, len - at);
		xdr_store_be32(m->rec + at, (uint32_t)lf_rng_next(r));
		m->rec_len = len + 4;
		say(m, "insert a word at %u", at);
		break;
	default:
		if (at + 4 > len)
			return -1;
		memmove(m->rec + at, m->rec + at + 4, len - at - 4);
		m->rec_len = len - 4;
		say(m, "delete the word at %u", at);
		break;
	}
	frame_whole(m);
	return 0;
}

/* ---- SPLIT (valid record marking) -------------------------------------------- */

static int mutate_split(const uint8_t *base, size_t len, struct lf_rng *r, struct lf_mutant *m)
{
	static const uint32_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 13, 64, 100};
	uint32_t frag = sizes[lf_rng_below(r, sizeof(sizes) / sizeof(sizes[0]))];
	bool random_sizes = lf_rng_one_in(r, 3), zeros = lf_rng_one_in(r, 3);
	unsigned nfrag = 0, nzero = 0;
	size_t pos = 0, w = 0;

	if (len < 2 || len > LF_MAX_RECORD)
		return -1;
	if (frag >= len)
		frag = (uint32_t)len / 2;
	memcpy(m->rec, base, len);
	m->rec_len = len;
	while (pos < len) {
		/* room for this header, the rest of the payload, and two more headers */
		size_t spare = LF_MAX_WIRE - w - (len - pos) - 12;
		uint32_t n = random_sizes ? 1 + lf_rng_below(r, frag * 2) : frag;
		if (n > len - pos || spare < 64)
			n = (uint32_t)(len - pos);
		if (pos == 0 && n >= len) /* at least two fragments */
			n = (uint32_t)len / 2;
		if (zeros && spare >= 64 && lf_rng_one_in(r, 4)) {
			xdr_store_be32(m->wire + w, 0); /* a zero-length fragment, not the last */
			w += 4, nzero++;
		}
		bool last = pos + n == len && !(zeros && lf_rng_one_in(r, 4));
		xdr_store_be32(m->wire + w, (last ? RM_LAST_FRAGMENT : 0) | n);
		memcpy(m->wire + w + 4, base + pos, n);
		w += 4 + n, pos += n, nfrag++;
		if (pos == len && !last) {
			xdr_store_be32(m->wire + w, RM_LAST_FRAGMENT); /* an empty last fragment ends it */
			w += 4, nzero++;
		}
	}
	m->wire_len = w;
	say(m, "%u fragments of %s%u bytes, %u empty", nfrag, random_sizes ? "up to " : "",
	    random_sizes ? frag * 2 : frag, nzero);
	return 0;
}

/* ---- FRAMING (broken record marking) ----------------------------------------- */

static int mutate_framing(const uint8_t *base, size_t len, struct lf_rng *r, struct lf_mutant *m)
{
	uint32_t k;

	if (len < 8 || len > LF_MAX_RECORD)
		return -1;
	memcpy(m->rec, base, len);
	m->rec_len = len;
	frame_whole(m);
	switch (lf_rng_below(r, 8)) {
	case 0:
		xdr_store_be32(m->wire, (uint32_t)len); /* last-fragment bit missing: more is due */
		say(m, "last-fragment bit clear");
		break;
	case 1:
		k = lf_rng_one_in(r, 2) ? 1 + lf_rng_below(r, 64) : 1 + lf_rng_below(r, 1u << 20);
		xdr_store_be32(m->wire, RM_LAST_FRAGMENT | (uint32_t)(len + k));
		say(m, "fragment length %zu for %zu bytes", len + k, len);
		break;
	case 2:
		k = 1 + lf_rng_below(r, (uint32_t)len - 1);
		xdr_store_be32(m->wire, RM_LAST_FRAGMENT | (uint32_t)(len - k));
		say(m, "fragment length %zu for %zu bytes", len - k, len);
		break;
	case 3:
		xdr_store_be32(m->wire, lf_rng_one_in(r, 2) ? 0xffffffffu : RM_LENGTH_MASK);
		say(m, "fragment length 0x%x", xdr_load_be32(m->wire));
		break;
	case 4:
		m->wire_len = 1 + lf_rng_below(r, 3);
		say(m, "cut after %zu bytes of the fragment header", m->wire_len);
		break;
	case 5:
		m->wire_len = 4 + lf_rng_below(r, (uint32_t)len);
		say(m, "cut after %zu of %zu payload bytes", m->wire_len - 4, len);
		break;
	case 6:
		xdr_store_be32(m->wire, RM_LAST_FRAGMENT); /* an empty record: valid framing, no call */
		m->wire_len = 4;
		m->rec_len = 0;
		say(m, "empty record");
		return 0;
	default:
		k = 4 + lf_rng_below(r, 61);
		for (uint32_t i = 0; i < k; i++)
			m->wire[i] = (uint8_t)lf_rng_next(r);
		m->wire_len = k;
		say(m, "%u random bytes instead of a record", k);
		break;
	}
	return 1; /* framing broken */
}

/* ---- entry point ----------------------------------------------------------- */

int lf_mutate(const uint8_t *base, size_t len, enum lf_class cls, struct lf_rng *rng,
	      struct lf_mutant *m)
{
	int rc;

	m->cls = cls;
	m->what[0] = 0;
	if (len > LF_MAX_RECORD)
		return -1;
	switch (cls) {
	case LF_CLASS_NONE:
		memcpy(m->rec, base, len);
		m->rec_len = len;
		frame_whole(m);
		say(m, "seed as is");
		rc = 0;
		break;
	case LF_CLASS_FIELD: rc = mutate_fields(base, len, rng, m); break;
	case LF_CLASS_OPLIST: rc = mutate_oplist(base, len, rng, m); break;
	case LF_CLASS_BYTES: rc = mutate_bytes(base, len, rng, m); break;
	case LF_CLASS_SPLIT: rc = mutate_split(base, len, rng, m); break;
	case LF_CLASS_FRAMING: rc = mutate_framing(base, len, rng, m); break;
	default: return -1;
	}
	if (rc < 0)
		return -1;
	/* a mutation that changed nothing (a swap of equal ops, a duplicate count...) is not one */
	if (cls != LF_CLASS_NONE && m->rec_len == len && !memcmp(m->rec, base, len) &&
	    m->wire_len == len + 4 && xdr_load_be32(m->wire) == (RM_LAST_FRAGMENT | (uint32_t)len))
		return -1;
	lf_describe(m);
	if (rc == 1) { /* broken framing: whatever the record says, the stream is dead */
		m->expect = LF_EXPECT_ANY;
		m->compound = false;
	} else if (m->expect == LF_EXPECT_REPLY &&
		   (cls == LF_CLASS_FIELD || cls == LF_CLASS_OPLIST || cls == LF_CLASS_BYTES)) {
		m->expect = LF_EXPECT_ANSWER; /* content mutated: closing instead is allowed */
	}
	return 0;
}
