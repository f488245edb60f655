/* sm_harness.c - see sm_harness.h. */
#include "sm_harness.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_main.h"

/* The accepted-reply header before a COMPOUND4res: xid, mtype, reply_stat, verf (2), stat. */
#define ACCEPTED_HEADER 24u
#define RECORD_MAX 16384u

uint64_t harness_now;
struct harness_cred harness_cred;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return harness_now;
}

struct sm *harness_sm_limits(const struct sm_limits *l)
{
	struct sm_clock c = {.now_ms = fake_clock};

	harness_now = 1000;
	harness_as(0);
	return sm_new(l, &c);
}

struct sm *harness_sm(uint32_t lease_seconds)
{
	struct sm_limits l;

	sm_limits_default(&l);
	l.lease_seconds = lease_seconds;
	return harness_sm_limits(&l);
}

void harness_as(uint32_t uid)
{
	harness_cred = (struct harness_cred){.flavor = ONCRPC_AUTH_SYS, .stamp = 1, .uid = uid,
					     .gid = uid};
}

/* ---- records -------------------------------------------------------------------------------- */

struct harness_rpc harness_rpc(void)
{
	return (struct harness_rpc){.xid = 7, .rpcvers = ONCRPC_VERSION, .prog = NFS4_PROGRAM,
				    .vers = NFS_V4, .proc = NFSPROC4_COMPOUND, .minorversion = 1};
}

/* harness_cred as an opaque_auth whose body lives in buf. */
static struct oncrpc_auth cred_of(const struct harness_cred *c, uint8_t *buf, size_t cap)
{
	const char *machine = c->machine ? c->machine : "h";
	struct oncrpc_authsys sys = {.stamp = c->stamp, .uid = c->uid, .gid = c->gid,
				     .ngids = c->ngids,
				     .machinename = {(const uint8_t *)machine,
						     (uint32_t)strlen(machine)}};
	struct oncrpc_auth a = {.flavor = c->flavor};

	memcpy(sys.gids, c->gids, sizeof(sys.gids));
	if (c->flavor == ONCRPC_AUTH_SYS)
		a.body = oncrpc_authsys_encode(&sys, buf, cap);
	return a;
}

size_t harness_encode(const struct harness_rpc *r, const struct nfs_argop *ops, uint32_t nops,
		      uint8_t *buf, size_t cap)
{
	uint8_t body[ONCRPC_MAX_AUTH_BYTES + 128];
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = {.xid = r->xid, .rpcvers = r->rpcvers, .prog = r->prog,
				      .vers = r->vers, .proc = r->proc},
			     .is_compound = r->proc == NFSPROC4_COMPOUND,
			     .args = {.tag = r->tag, .minorversion = r->minorversion,
				      .argarray = (struct nfs_argop *)ops, .argarray_len = nops}};

	m.call.cred = r->cred ? *r->cred : cred_of(&harness_cred, body, sizeof(body));
	return wire_msg_encode(&m, buf, cap);
}

size_t harness_encode_call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
			   const struct nfs_argop *ops, uint32_t nops, uint8_t *buf, size_t cap)
{
	struct harness_rpc r = harness_rpc();

	r.xid = xid;
	r.prog = prog;
	r.vers = vers;
	r.proc = proc;
	return harness_encode(&r, ops, nops, buf, cap);
}

/* ---- replies -------------------------------------------------------------------------------- */

void harness_send(struct sm *s, uint64_t conn, const uint8_t *rec, size_t len,
		  struct harness_reply *out)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = WIRE_PROC_UNKNOWN};
	struct wire_error e;
	enum wire_status st;

	memset(out, 0, sizeof(*out));
	out->action = sm_handle(s, conn, rec, len, &out->raw, &out->len);
	if (out->action != SM_REPLY)
		return;
	st = wire_msg_decode(out->raw, out->len, &o, &out->m, &e);
	out->decoded = st == WIRE_OK;
	CHECK(out->decoded, "the reply does not decode: %s", wire_status_name(st));
}

void harness_rpc_call(struct sm *s, uint64_t conn, const struct harness_rpc *r,
		      const struct nfs_argop *ops, uint32_t nops, struct harness_reply *out)
{
	uint8_t *buf = malloc(RECORD_MAX);
	size_t len;

	if (!buf)
		abort();
	len = harness_encode(r, ops, nops, buf, RECORD_MAX);
	if (!CHECK(len <= RECORD_MAX, "the call needs %zu bytes", len)) {
		memset(out, 0, sizeof(*out));
		out->action = SM_CLOSE;
		free(buf);
		return;
	}
	harness_send(s, conn, buf, len, out);
	free(buf);
}

void harness_compound(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops,
		      struct harness_reply *out)
{
	struct harness_rpc r = harness_rpc();

	harness_rpc_call(s, conn, &r, ops, nops, out);
}

void harness_reply_free(struct harness_reply *r)
{
	if (r->decoded)
		wire_msg_free(&r->m);
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

static bool is_compound_reply(const struct harness_reply *r)
{
	return r->decoded && r->m.is_compound;
}

uint32_t harness_reply_status(const struct harness_reply *r)
{
	return is_compound_reply(r) ? r->m.res.status : UINT32_MAX;
}

uint32_t harness_nres(const struct harness_reply *r)
{
	return is_compound_reply(r) ? r->m.res.resarray_len : 0;
}

const struct nfs_resop *harness_res(const struct harness_reply *r, uint32_t i)
{
	return i < harness_nres(r) ? &r->m.res.resarray[i] : NULL;
}

const uint8_t *harness_res_bytes(const struct harness_reply *r, size_t *len)
{
	if (!is_compound_reply(r) || r->len < ACCEPTED_HEADER) {
		*len = 0;
		return NULL;
	}
	*len = r->len - ACCEPTED_HEADER;
	return r->raw + ACCEPTED_HEADER;
}

/* The record of the last harness_call without raw: its reply's slices point into it. */
static uint8_t *kept_reply;

enum sm_action harness_call(struct sm *s, uint64_t conn, const struct nfs_argop *ops,
			    uint32_t nops, struct wire_msg *out, uint8_t **raw, size_t *rawlen)
{
	struct harness_reply r;

	harness_compound(s, conn, ops, nops, &r);
	*out = r.m; /* zeroed when nothing decoded */
	free(kept_reply);
	kept_reply = NULL;
	if (raw) {
		*raw = r.raw;
		*rawlen = r.len;
	} else {
		kept_reply = r.raw;
	}
	return r.action;
}

uint32_t harness_status(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops)
{
	struct harness_reply r;
	uint32_t st;

	harness_compound(s, conn, ops, nops, &r);
	st = harness_reply_status(&r);
	harness_reply_free(&r);
	return st;
}

/* ---- op builders ---------------------------------------------------------------------------- */

struct nfs_argop harness_exchange_id_bytes(const uint8_t *owner, uint32_t len, const char *verifier,
					   uint32_t flags)
{
	struct nfs_argop a = {.op = OP_EXCHANGE_ID};

	memcpy(a.u.exchange_id.eia_clientowner.co_verifier, verifier, NFS4_VERIFIER_SIZE);
	a.u.exchange_id.eia_clientowner.co_ownerid = (struct wire_opaque){owner, len};
	a.u.exchange_id.eia_flags = flags;
	return a;
}

struct nfs_argop harness_exchange_id(const char *owner, uint32_t flags)
{
	return harness_exchange_id_bytes((const uint8_t *)owner, (uint32_t)strlen(owner),
					 "verifier", flags);
}

struct nfs_argop harness_create_session(uint64_t clientid, uint32_t seq, uint32_t slots)
{
	struct nfs_argop a = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *cs = &a.u.create_session;

	cs->csa_clientid = clientid;
	cs->csa_sequence = seq;
	cs->csa_fore_chan_attrs = (struct channel_attrs4){0, 65536, 65536, 4096, 8, slots, false, 0};
	cs->csa_back_chan_attrs = (struct channel_attrs4){0, 4096, 4096, 0, 2, 1, false, 0};
	/* One entry and no array: encoded as AUTH_NONE (nfs4_types.h). A test that sets entries
	 * points csa_sec_parms at its own. */
	cs->csa_sec_parms_count = 1;
	return a;
}

struct nfs_argop harness_sequence(const uint8_t sid[16], uint32_t slot, uint32_t seqid,
				  bool cachethis)
{
	struct nfs_argop a = {.op = OP_SEQUENCE};

	memcpy(a.u.sequence.sa_sessionid, sid, 16);
	a.u.sequence.sa_slotid = slot;
	a.u.sequence.sa_highest_slotid = slot;
	a.u.sequence.sa_sequenceid = seqid;
	a.u.sequence.sa_cachethis = cachethis;
	return a;
}

struct nfs_argop harness_destroy_session(const uint8_t sid[16])
{
	struct nfs_argop a = {.op = OP_DESTROY_SESSION};

	memcpy(a.u.destroy_session.dsa_sessionid, sid, 16);
	return a;
}

struct nfs_argop harness_bind_conn(const uint8_t sid[16], uint32_t dir)
{
	struct nfs_argop a = {.op = OP_BIND_CONN_TO_SESSION};

	memcpy(a.u.bind_conn_to_session.bctsa_sessid, sid, 16);
	a.u.bind_conn_to_session.bctsa_dir = dir;
	return a;
}

struct nfs_argop harness_destroy_clientid(uint64_t clientid)
{
	struct nfs_argop a = {.op = OP_DESTROY_CLIENTID};

	a.u.destroy_clientid.dca_clientid = clientid;
	return a;
}

struct nfs_argop harness_reclaim_complete(bool one_fs)
{
	struct nfs_argop a = {.op = OP_RECLAIM_COMPLETE};

	a.u.reclaim_complete.rca_one_fs = one_fs;
	return a;
}

struct nfs_argop harness_op(uint32_t op)
{
	return (struct nfs_argop){.op = op};
}

struct nfs_argop harness_raw_op(uint32_t op)
{
	return (struct nfs_argop){.op = op, .undecoded = true};
}

struct nfs_argop harness_lookup_len(const uint8_t *name, uint32_t len)
{
	struct nfs_argop a = {.op = OP_LOOKUP};

	a.u.lookup.objname = (struct wire_opaque){name, len};
	return a;
}

struct nfs_argop harness_lookup(const char *name)
{
	return harness_lookup_len((const uint8_t *)name, (uint32_t)strlen(name));
}

struct nfs_argop harness_putfh(const uint8_t *fh, uint32_t len)
{
	struct nfs_argop a = {.op = OP_PUTFH};

	a.u.putfh.object = (struct wire_opaque){fh, len};
	return a;
}

struct nfs_argop harness_getattr(const uint32_t *attrs)
{
	struct nfs_argop a = {.op = OP_GETATTR};

	for (; *attrs != UINT32_MAX; attrs++)
		bitmap4_set(&a.u.getattr.attr_request, *attrs);
	return a;
}

/* ---- whole steps ---------------------------------------------------------------------------- */

uint64_t harness_new_client(struct sm *s, uint64_t conn, const char *owner)
{
	struct nfs_argop a = harness_exchange_id(owner, 0);
	struct harness_reply r;
	uint64_t id = 0;

	harness_compound(s, conn, &a, 1, &r);
	if (CHECK(harness_reply_status(&r) == NFS4_OK && harness_nres(&r) == 1,
		  "EXCHANGE_ID(%s): %s", owner, harness_status_name(harness_reply_status(&r))))
		id = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	harness_reply_free(&r);
	return id;
}

uint32_t harness_create(struct sm *s, uint64_t conn, const struct nfs_argop *cs, uint8_t sid[16],
			struct CREATE_SESSION4resok *res)
{
	struct harness_reply r;
	uint32_t st;

	harness_compound(s, conn, cs, 1, &r);
	st = harness_reply_status(&r);
	if (st == NFS4_OK && harness_nres(&r) == 1) {
		memcpy(sid, harness_res(&r, 0)->u.create_session.csr_sessionid, 16);
		if (res)
			*res = harness_res(&r, 0)->u.create_session;
	}
	harness_reply_free(&r);
	return st;
}

void harness_open_session(struct sm *s, uint64_t conn, const char *owner, uint8_t sid[16],
			  uint64_t *clientid)
{
	struct nfs_argop cs;

	memset(sid, 0, 16);
	*clientid = harness_new_client(s, conn, owner);
	cs = harness_create_session(*clientid, 1, 4);
	CHECK_STATUS(harness_create(s, conn, &cs, sid, NULL), NFS4_OK);
}

struct channel_attrs4 harness_fore_default(void)
{
	return harness_create_session(0, 1, 4).u.create_session.csa_fore_chan_attrs;
}

void harness_open_session_fore(struct sm *s, uint64_t conn, const char *owner,
			       const struct channel_attrs4 *fore, uint8_t sid[16],
			       struct channel_attrs4 *granted)
{
	struct CREATE_SESSION4resok res;
	struct nfs_argop cs;

	memset(sid, 0, 16);
	cs = harness_create_session(harness_new_client(s, conn, owner), 1, 4);
	cs.u.create_session.csa_fore_chan_attrs = *fore;
	memset(&res, 0, sizeof(res));
	CHECK_STATUS(harness_create(s, conn, &cs, sid, &res), NFS4_OK);
	if (granted)
		*granted = res.csr_fore_chan_attrs;
}

uint32_t harness_seq(struct sm *s, uint64_t conn, const uint8_t sid[16], uint32_t slot,
		     uint32_t seqid, struct SEQUENCE4resok *res)
{
	struct nfs_argop op = harness_sequence(sid, slot, seqid, false);
	struct harness_reply r;
	uint32_t st;

	harness_compound(s, conn, &op, 1, &r);
	st = harness_reply_status(&r);
	if (res && st == NFS4_OK && harness_nres(&r) == 1)
		*res = harness_res(&r, 0)->u.sequence;
	harness_reply_free(&r);
	return st;
}

/* ---- snapshots ------------------------------------------------------------------------------ */

#define SNAP_MAX 512u

bool harness_client_info(const struct sm *s, uint64_t clientid, struct sm_client_info *out)
{
	struct sm_client_info *all = calloc(SNAP_MAX, sizeof(*all));
	size_t n = sm_list_clients(s, all, SNAP_MAX);
	bool found = false;

	for (size_t i = 0; all && i < n && i < SNAP_MAX && !found; i++)
		if (all[i].clientid == clientid) {
			*out = all[i];
			found = true;
		}
	free(all);
	return found;
}

bool harness_session_info(const struct sm *s, const uint8_t sid[16], struct sm_session_info *out)
{
	struct sm_session_info *all = calloc(SNAP_MAX, sizeof(*all));
	size_t n = sm_list_sessions(s, 0, all, SNAP_MAX);
	bool found = false;

	for (size_t i = 0; all && i < n && i < SNAP_MAX && !found; i++)
		if (!memcmp(all[i].sessionid, sid, 16)) {
			*out = all[i];
			found = true;
		}
	free(all);
	return found;
}

size_t harness_nclients(const struct sm *s)
{
	return sm_list_clients(s, NULL, 0);
}

size_t harness_nsessions(const struct sm *s)
{
	return sm_list_sessions(s, 0, NULL, 0);
}

uint32_t harness_conn_dir(const struct sm *s, const uint8_t sid[16], uint64_t conn)
{
	struct sm_session_info i;

	if (!harness_session_info(s, sid, &i))
		return 0;
	for (uint32_t k = 0; k < i.nconns; k++)
		if (i.conns[k] == conn)
			return i.conn_dirs[k];
	return 0;
}

/* ---- assertions ----------------------------------------------------------------------------- */

const char *harness_status_name(uint32_t status)
{
	static char bufs[4][24];
	static unsigned next;
	const char *name = nfs4_status_name(status);
	char *b;

	if (name)
		return name;
	b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%u", status);
	return b;
}

bool harness_check_status(uint32_t got, uint32_t want, const char *what, const char *file,
			  unsigned line)
{
	return test_check(got == want, file, line, "%s: expected %s, got %s", what,
			  harness_status_name(want), harness_status_name(got));
}

bool harness_check_u64(uint64_t got, uint64_t want, const char *what, const char *file,
		       unsigned line)
{
	return test_check(got == want, file, line, "%s: expected %llu (0x%llx), got %llu (0x%llx)",
			  what, (unsigned long long)want, (unsigned long long)want,
			  (unsigned long long)got, (unsigned long long)got);
}
