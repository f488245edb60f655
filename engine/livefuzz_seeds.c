/*
 * livefuzz_seeds.c - the seed pool of `nfs41check fuzz`: built-in grammar seeds (one
 * well-formed call per shape the case catalogue sends), the NFSv4 calls of captures (--seeds,
 * and the catalogue run of --cases, recorded as pcaps), deduplicated and capped.
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "livefuzz.h"
#include "rpcstream.h"
#include "wire.h"

/* Seeds differ from each other past their xid: compare from byte 4. */
static bool same_seed(const struct lf_seed *s, const uint8_t *rec, size_t len)
{
	return s->len == len && !memcmp(s->rec + 4, rec + 4, len - 4);
}

void lf_pool_add(struct lf_pool *p, const uint8_t *rec, size_t len)
{
	struct wire_decode_opts o = {.max_ops = LF_MAX_OPS};
	struct wire_msg w;
	struct wire_error err;
	bool ok;

	if (len < 8 || len > LF_MAX_RECORD - 1024) {
		p->rejected++;
		return;
	}
	memset(&w, 0, sizeof(w));
	ok = wire_msg_decode(rec, len, &o, &w, &err) == WIRE_OK && w.msg_type == ONCRPC_CALL &&
	     w.call.prog == NFS4_PROGRAM && w.call.vers == NFS_V4;
	wire_msg_free(&w);
	if (!ok || p->n >= LF_MAX_SEEDS) {
		p->rejected++;
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		if (same_seed(&p->v[i], rec, len)) {
			p->duplicates++;
			return;
		}
	if (p->n % 64 == 0) {
		struct lf_seed *v = realloc(p->v, (p->n + 64) * sizeof(*v));
		if (!v)
			return;
		p->v = v;
	}
	p->v[p->n].rec = malloc(len);
	if (!p->v[p->n].rec)
		return;
	memcpy(p->v[p->n].rec, rec, len);
	p->v[p->n++].len = len;
}

void lf_pool_free(struct lf_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].rec);
	free(p->v);
	*p = (struct lf_pool){0};
}

static int cmp_seed(const void *a, const void *b)
{
	const struct lf_seed *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->rec + 4, y->rec + 4, n - 4);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

void lf_pool_sort(struct lf_pool *p)
{
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), cmp_seed);
}

/* ---- built-in seeds ------------------------------------------------------------- */

static void add_call(struct lf_pool *p, uint32_t proc, const struct nfs_argop *ops, uint32_t n,
		     uint32_t minor)
{
	uint8_t buf[4096];
	size_t len = lf_build_call(0x5eed0000u + (uint32_t)p->n, proc, minor, ops, n, buf, sizeof(buf));

	if (len <= sizeof(buf))
		lf_pool_add(p, buf, len);
}

static void add_ops(struct lf_pool *p, const struct nfs_argop *ops, uint32_t n, uint32_t minor)
{
	add_call(p, NFSPROC4_COMPOUND, ops, n, minor);
}

static struct nfs_argop sequence(uint32_t slot, bool cachethis)
{
	struct nfs_argop op = {.op = OP_SEQUENCE};

	op.u.sequence.sa_slotid = slot;
	op.u.sequence.sa_highest_slotid = slot;
	op.u.sequence.sa_sequenceid = 1;
	op.u.sequence.sa_cachethis = cachethis;
	return op;
}

static struct nfs_argop noargs(uint32_t opnum)
{
	return (struct nfs_argop){.op = opnum};
}

static struct nfs_argop raw(uint32_t opnum, const uint8_t *p, uint32_t n)
{
	struct nfs_argop op = {.op = opnum, .undecoded = true};

	op.u.raw = (struct wire_opaque){p, n};
	return op;
}

static struct nfs_argop getattr(void)
{
	struct nfs_argop op = {.op = OP_GETATTR};

	bitmap4_set(&op.u.getattr.attr_request, 0);  /* supported_attrs */
	bitmap4_set(&op.u.getattr.attr_request, 1);  /* type */
	bitmap4_set(&op.u.getattr.attr_request, 10); /* lease_time */
	bitmap4_set(&op.u.getattr.attr_request, 20); /* fileid */
	return op;
}

static struct nfs_argop exchange_id(const char *owner, uint64_t verifier, uint32_t how)
{
	struct nfs_argop op = {.op = OP_EXCHANGE_ID};
	struct EXCHANGE_ID4args *a = &op.u.exchange_id;

	memcpy(a->eia_clientowner.co_verifier, &verifier, 8);
	a->eia_clientowner.co_ownerid = (struct wire_opaque){(const uint8_t *)owner, (uint32_t)strlen(owner)};
	a->eia_flags = EXCHGID4_FLAG_USE_NON_PNFS;
	a->eia_state_protect.spa_how = how;
	if (how == SP4_NONE) {
		static const char dom[] = "nfs41check.invalid", name[] = "nfs41check fuzz";
		a->eia_client_impl_id_present = true;
		a->eia_client_impl_id.nii_domain = (struct wire_opaque){(const uint8_t *)dom, sizeof(dom) - 1};
		a->eia_client_impl_id.nii_name = (struct wire_opaque){(const uint8_t *)name, sizeof(name) - 1};
	}
	return op;
}

/* sec: the callback security entry, the caller's until the op is encoded. */
static struct nfs_argop create_session(bool back, struct callback_sec_parms4 *sec)
{
	struct nfs_argop op = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *a = &op.u.create_session;

	a->csa_sequence = 1;
	a->csa_flags = back ? CREATE_SESSION4_FLAG_CONN_BACK_CHAN : 0;
	a->csa_fore_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 1049620, .ca_maxresponsesize = 1049480,
		.ca_maxresponsesize_cached = 7584, .ca_maxoperations = 16, .ca_maxrequests = 8};
	a->csa_back_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 4096, .ca_maxresponsesize = 4096, .ca_maxoperations = 2,
		.ca_maxrequests = 1};
	a->csa_cb_program = NFS4_CALLBACK;
	*sec = (struct callback_sec_parms4){.cb_secflavor = back ? ONCRPC_AUTH_SYS : ONCRPC_AUTH_NONE};
	a->csa_sec_parms_count = 1;
	a->csa_sec_parms = sec;
	return op;
}

void lf_pool_add_builtin(struct lf_pool *p, uint64_t seed)
{
	/* READDIR4args: cookie 0, cookieverf 0, dircount, maxcount, attr_request {type} */
	static const uint8_t readdir[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16,
					  0, 0, 0, 32, 0, 0, 0, 0, 1, 0, 0, 0, 2};
	static const uint8_t u32_zero[4], access_all[4] = {0, 0, 0, 0x3f};
	static const uint8_t stateid_list[4 + 16] = {0, 0, 0, 1};
	static const uint8_t stateid[16];
	static const uint8_t fh[4 + 8] = {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
	static const uint8_t name_x[8] = {0, 0, 0, 1, 'x'};
	char owner[64];
	struct nfs_argop v[8];
	struct callback_sec_parms4 sec; /* each op that points at it is encoded before the next */

	snprintf(owner, sizeof(owner), "nfs41check-fuzz-seed-%016llx", (unsigned long long)seed);
	add_call(p, NFSPROC4_NULL, NULL, 0, 1); /* RPC NULL */
	v[0] = exchange_id(owner, seed, SP4_NONE);
	add_ops(p, v, 1, 1);
	v[0] = exchange_id(owner, seed + 1, SP4_MACH_CRED);
	add_ops(p, v, 1, 1);
	v[0] = create_session(false, &sec);
	add_ops(p, v, 1, 1);
	v[0] = create_session(true, &sec);
	add_ops(p, v, 1, 1);
	v[0] = sequence(0, false);
	add_ops(p, v, 1, 1);
	v[1] = noargs(OP_PUTROOTFH), v[2] = noargs(OP_GETFH);
	add_ops(p, v, 3, 1);
	v[2] = getattr();
	add_ops(p, v, 3, 1);
	v[0] = sequence(1, true), v[2] = raw(OP_LOOKUP, name_x, sizeof(name_x)), v[3] = noargs(OP_GETFH);
	add_ops(p, v, 4, 1);
	v[2] = noargs(OP_SAVEFH), v[3] = noargs(OP_RESTOREFH), v[4] = noargs(OP_GETFH);
	add_ops(p, v, 5, 1);
	v[2] = noargs(OP_LOOKUPP);
	add_ops(p, v, 3, 1);
	v[2] = raw(OP_READDIR, readdir, sizeof(readdir));
	add_ops(p, v, 3, 1);
	v[2] = raw(OP_SECINFO_NO_NAME, u32_zero, 4);
	add_ops(p, v, 3, 1);
	v[2] = raw(OP_ACCESS, access_all, 4), v[3] = getattr();
	add_ops(p, v, 4, 1);
	v[1] = raw(OP_PUTFH, fh, sizeof(fh)), v[2] = getattr();
	add_ops(p, v, 3, 1);
	v[0] = sequence(0, false), v[1] = raw(OP_TEST_STATEID, stateid_list, sizeof(stateid_list));
	add_ops(p, v, 2, 1);
	v[1] = raw(OP_FREE_STATEID, stateid, sizeof(stateid));
	add_ops(p, v, 2, 1);
	v[1] = (struct nfs_argop){.op = OP_RECLAIM_COMPLETE};
	add_ops(p, v, 2, 1);
	v[1] = (struct nfs_argop){.op = OP_BACKCHANNEL_CTL};
	v[1].u.backchannel_ctl.bca_cb_program = NFS4_CALLBACK;
	v[1].u.backchannel_ctl.bca_sec_parms_count = 1;
	sec = (struct callback_sec_parms4){.cb_secflavor = ONCRPC_AUTH_NONE};
	v[1].u.backchannel_ctl.bca_sec_parms = &sec;
	add_ops(p, v, 2, 1);
	v[0] = (struct nfs_argop){.op = OP_BIND_CONN_TO_SESSION};
	v[0].u.bind_conn_to_session.bctsa_dir = CDFC4_FORE_OR_BOTH;
	add_ops(p, v, 1, 1);
	v[0] = (struct nfs_argop){.op = OP_DESTROY_SESSION};
	add_ops(p, v, 1, 1);
	v[0] = (struct nfs_argop){.op = OP_DESTROY_CLIENTID};
	add_ops(p, v, 1, 1);
	v[0] = noargs(OP_PUTROOTFH), v[1] = noargs(OP_GETFH); /* minor version 0 and 2 */
	add_ops(p, v, 2, 0);
	add_ops(p, v, 2, 2);
	add_ops(p, NULL, 0, 1); /* an empty COMPOUND (RFC 8881 s16.2.3) */
}

/* ---- captures ------------------------------------------------------------------- */

static void on_message(void *ctx, const struct rpc_message *m)
{
	if (m->dir == FLOW_TO_SERVER && m->msg_type == ONCRPC_CALL)
		lf_pool_add(ctx, m->rec, m->len);
}

int lf_pool_add_pcap(struct lf_pool *p, const char *path, uint16_t port, char *err, size_t errlen)
{
	struct capture *c = capture_open(path, err, errlen);
	struct rpc_read_opts o = {.port = port};
	struct rpc_sink sink = {.ctx = p, .message = on_message};
	struct rpc_stats st;
	int rc;

	if (!c)
		return -1;
	memset(&st, 0, sizeof(st));
	rc = rpc_read_capture(c, &o, &sink, &st, err, errlen);
	capture_close(c);
	return rc;
}
