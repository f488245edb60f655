/*
 * test_replay.c - the two pure parts of `nfs41check pcap replay`, through their headers only:
 * the binding table (replay_bind.h: captured client ids, csa_sequence, session ids, slot seqids,
 * client owners, filehandles and stateids mapped to the live server's) and the reply comparison
 * (replay_diff.h: replies flattened into named fields, echo fields made relative to the call,
 * the default mask, OP_NOT_IN_SESSION's two result shapes, a missing reply, the side-by-side
 * listing). Messages are built as structs, no network and no capture file.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_bind.h"
#include "replay_diff.h"
#include "test_main.h"

/* ---- messages ------------------------------------------------------------------------------ */

static struct wire_msg call_of(struct nfs_argop *ops, uint32_t n)
{
	return (struct wire_msg){
		.msg_type = ONCRPC_CALL,
		.proc = NFSPROC4_COMPOUND,
		.is_compound = true,
		.args = {.minorversion = 1, .argarray_len = n, .declared_len = n, .argarray = ops}};
}

/* An accepted COMPOUND reply with n results (declared as n, like a decoded reply). */
static struct wire_msg reply_of(struct nfs_resop *ops, uint32_t n, uint32_t status)
{
	return (struct wire_msg){
		.msg_type = ONCRPC_REPLY,
		.proc = NFSPROC4_COMPOUND,
		.is_compound = true,
		.reply = {.reply_stat = ONCRPC_MSG_ACCEPTED,
			  .verf = {.flavor = ONCRPC_AUTH_NONE},
			  .accept_stat = ONCRPC_SUCCESS},
		.res = {.status = status, .resarray_len = n, .declared_len = n, .resarray = ops}};
}

static void fill_sid(uint8_t sid[NFS4_SESSIONID_SIZE], uint8_t v)
{
	memset(sid, v, NFS4_SESSIONID_SIZE);
	sid[0] = 0x5e; /* so no id is all one byte value */
}

static struct nfs_argop sequence_arg(const uint8_t *sid, uint32_t seqid, uint32_t slot)
{
	struct nfs_argop a = {.op = OP_SEQUENCE};

	memcpy(a.u.sequence.sa_sessionid, sid, NFS4_SESSIONID_SIZE);
	a.u.sequence.sa_sequenceid = seqid;
	a.u.sequence.sa_slotid = slot;
	a.u.sequence.sa_highest_slotid = slot;
	return a;
}

static struct nfs_argop create_session_arg(uint64_t clientid, uint32_t csa_sequence)
{
	struct nfs_argop a = {.op = OP_CREATE_SESSION};

	a.u.create_session.csa_clientid = clientid;
	a.u.create_session.csa_sequence = csa_sequence;
	return a;
}

/* The seqid the live server gets for a captured SEQUENCE (rewritten alone in its compound). */
static uint32_t rewritten_seqid(struct replay_bindings *b, const uint8_t *sid, uint32_t seqid,
				uint32_t slot, const uint8_t *want_sid)
{
	struct nfs_argop a = sequence_arg(sid, seqid, slot);
	struct wire_msg call = call_of(&a, 1);

	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_EQUAL(memcmp(a.u.sequence.sa_sessionid, want_sid, NFS4_SESSIONID_SIZE), 0);
	CU_ASSERT_EQUAL(a.u.sequence.sa_slotid, slot);
	return a.u.sequence.sa_sequenceid;
}

/* ---- binding table -------------------------------------------------------------------------- */

#define CLIENT_A 0x1111000000000001ull
#define CLIENT_B 0x2222000000000002ull
#define CLIENT_C 0x3333000000000003ull
#define CLIENT_D 0x4444000000000004ull

/* RFC 8881 s18.36.4: CREATE_SESSION's csa_sequence follows eir_sequenceid, so the captured one
 * is moved by (live eir_sequenceid - captured eir_sequenceid), a misordered one included. */
static void test_bind_client_ids(void)
{
	struct replay_bindings *b = bindings_new(1, false);
	struct nfs_resop cap = {.op = OP_EXCHANGE_ID, .status = NFS4_OK};
	struct nfs_resop live = {.op = OP_EXCHANGE_ID, .status = NFS4_OK};
	struct wire_msg cap_reply, live_reply;
	struct nfs_argop a;
	struct wire_msg call = call_of(&a, 1);
	struct bind_need need;

	REQUIRE(b);
	cap.u.exchange_id.eir_clientid = CLIENT_A, cap.u.exchange_id.eir_sequenceid = 5;
	live.u.exchange_id.eir_clientid = CLIENT_B, live.u.exchange_id.eir_sequenceid = 9;
	cap_reply = reply_of(&cap, 1, NFS4_OK), live_reply = reply_of(&live, 1, NFS4_OK);
	bindings_learn(b, &cap_reply, &live_reply);

	a = create_session_arg(CLIENT_A, 5);
	bindings_missing(b, &call, &need);
	CU_ASSERT_FALSE(need.client);
	CU_ASSERT_FALSE(need.session);
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_EQUAL(a.u.create_session.csa_clientid, CLIENT_B);
	CU_ASSERT_EQUAL(a.u.create_session.csa_sequence, 9);

	a = create_session_arg(CLIENT_A, 6); /* misordered (+1): stays misordered by one */
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_EQUAL(a.u.create_session.csa_clientid, CLIENT_B);
	CU_ASSERT_EQUAL(a.u.create_session.csa_sequence, 10);

	a = create_session_arg(CLIENT_C, 3); /* a client id the capture never got */
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 0);
	CU_ASSERT_EQUAL(a.u.create_session.csa_clientid, CLIENT_C);
	CU_ASSERT_EQUAL(a.u.create_session.csa_sequence, 3);
	bindings_missing(b, &call, &need);
	CU_ASSERT_TRUE(need.client);
	CU_ASSERT_EQUAL(need.clientid, CLIENT_C);
	CU_ASSERT_EQUAL(need.csa_sequence, 3);
	CU_ASSERT_FALSE(need.session);

	/* The replay's own client for C: captured csa 3 is the live eir_sequenceid 1. */
	bindings_add_own_client(b, CLIENT_C, CLIENT_D, 3, 1);
	a = create_session_arg(CLIENT_C, 3);
	bindings_missing(b, &call, &need);
	CU_ASSERT_FALSE(need.client);
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_EQUAL(a.u.create_session.csa_clientid, CLIENT_D);
	CU_ASSERT_EQUAL(a.u.create_session.csa_sequence, 1);
	bindings_free(b);
}

/* A session the capture created (s18.36): every op naming it gets the live id; slot seqids are
 * unchanged because both servers start every slot at 1 (s2.10.6.1). */
static void test_bind_session_ids(void)
{
	struct replay_bindings *b = bindings_new(1, false);
	struct nfs_resop cap = {.op = OP_CREATE_SESSION, .status = NFS4_OK};
	struct nfs_resop live = {.op = OP_CREATE_SESSION, .status = NFS4_OK};
	struct wire_msg cap_reply, live_reply;
	uint8_t s1[NFS4_SESSIONID_SIZE], l1[NFS4_SESSIONID_SIZE], s9[NFS4_SESSIONID_SIZE];
	struct nfs_argop ops[3];
	struct wire_msg call = call_of(ops, 3);
	struct bind_need need;

	REQUIRE(b);
	fill_sid(s1, 0x51), fill_sid(l1, 0x11), fill_sid(s9, 0x99);
	memcpy(cap.u.create_session.csr_sessionid, s1, NFS4_SESSIONID_SIZE);
	memcpy(live.u.create_session.csr_sessionid, l1, NFS4_SESSIONID_SIZE);
	cap_reply = reply_of(&cap, 1, NFS4_OK), live_reply = reply_of(&live, 1, NFS4_OK);
	bindings_learn(b, &cap_reply, &live_reply);

	ops[0] = sequence_arg(s1, 17, 2);
	ops[1] = (struct nfs_argop){.op = OP_BIND_CONN_TO_SESSION};
	memcpy(ops[1].u.bind_conn_to_session.bctsa_sessid, s1, NFS4_SESSIONID_SIZE);
	ops[2] = (struct nfs_argop){.op = OP_DESTROY_SESSION};
	memcpy(ops[2].u.destroy_session.dsa_sessionid, s1, NFS4_SESSIONID_SIZE);
	bindings_missing(b, &call, &need);
	CU_ASSERT_FALSE(need.session);
	CU_ASSERT_FALSE(need.client);
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 3);
	CU_ASSERT_EQUAL(memcmp(ops[0].u.sequence.sa_sessionid, l1, NFS4_SESSIONID_SIZE), 0);
	CU_ASSERT_EQUAL(ops[0].u.sequence.sa_sequenceid, 17);
	CU_ASSERT_EQUAL(ops[0].u.sequence.sa_slotid, 2);
	CU_ASSERT_EQUAL(memcmp(ops[1].u.bind_conn_to_session.bctsa_sessid, l1, NFS4_SESSIONID_SIZE),
			0);
	CU_ASSERT_EQUAL(memcmp(ops[2].u.destroy_session.dsa_sessionid, l1, NFS4_SESSIONID_SIZE), 0);
	CU_ASSERT_EQUAL(bindings_seqid_offset(b, s1, 2), 0);

	ops[0] = sequence_arg(s9, 4, 0); /* a session the capture never created */
	call.args.argarray_len = 1;
	bindings_missing(b, &call, &need);
	CU_ASSERT_TRUE(need.session);
	CU_ASSERT_EQUAL(memcmp(need.sessionid, s9, NFS4_SESSIONID_SIZE), 0);
	CU_ASSERT_FALSE(need.client);
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 0);
	CU_ASSERT_EQUAL(memcmp(ops[0].u.sequence.sa_sessionid, s9, NFS4_SESSIONID_SIZE), 0);
	CU_ASSERT_EQUAL(ops[0].u.sequence.sa_sequenceid, 4);
	bindings_free(b);
}

/* A session the replay created itself: each slot's first use becomes seqid 1, the next seqid of
 * a fresh slot (s2.10.6.1), and later uses (a replay included) keep their distance. */
static void test_bind_own_session_rebases_slots(void)
{
	struct replay_bindings *b = bindings_new(1, false);
	uint8_t s2[NFS4_SESSIONID_SIZE], l2[NFS4_SESSIONID_SIZE];

	REQUIRE(b);
	fill_sid(s2, 0x52), fill_sid(l2, 0x22);
	bindings_add_own_session(b, s2, l2);
	CU_ASSERT_EQUAL(bindings_seqid_offset(b, s2, 0), 0); /* not used yet */
	CU_ASSERT_EQUAL(rewritten_seqid(b, s2, 41, 0, l2), 1);
	CU_ASSERT_EQUAL(rewritten_seqid(b, s2, 42, 0, l2), 2);
	CU_ASSERT_EQUAL(rewritten_seqid(b, s2, 42, 0, l2), 2); /* the capture's replay */
	CU_ASSERT_EQUAL(rewritten_seqid(b, s2, 7, 3, l2), 1);
	CU_ASSERT_EQUAL(rewritten_seqid(b, s2, 8, 3, l2), 2);
	CU_ASSERT_EQUAL(bindings_seqid_offset(b, s2, 0), -40);
	CU_ASSERT_EQUAL(bindings_seqid_offset(b, s2, 3), -6);
	CU_ASSERT_EQUAL(bindings_seqid_offset(b, s2, 1), 0);
	bindings_free(b);
}

struct owner {
	uint8_t bytes[32];
	uint32_t len;
	unsigned replaced;
};

/* The owner an EXCHANGE_ID call carries after rewriting (copied: the slice points into b). */
static struct owner rewritten_owner(struct replay_bindings *b, const char *captured)
{
	struct nfs_argop a = {.op = OP_EXCHANGE_ID};
	struct wire_msg call = call_of(&a, 1);
	struct owner o = {0};

	a.u.exchange_id.eia_clientowner.co_ownerid =
		(struct wire_opaque){(const uint8_t *)captured, (uint32_t)strlen(captured)};
	o.replaced = bindings_rewrite(b, &call);
	o.len = a.u.exchange_id.eia_clientowner.co_ownerid.len;
	if (o.len <= sizeof(o.bytes) && o.len)
		memcpy(o.bytes, a.u.exchange_id.eia_clientowner.co_ownerid.data, o.len);
	return o;
}

static struct owner owner_in_run(uint64_t nonce, bool keep_owners, const char *captured)
{
	struct replay_bindings *b = bindings_new(nonce, keep_owners);
	struct owner o = {0};

	if (!b) {
		CU_FAIL("bindings_new");
		return o;
	}
	o = rewritten_owner(b, captured);
	bindings_free(b);
	return o;
}

static bool same_owner(const struct owner *x, const struct owner *y)
{
	return x->len == y->len && memcmp(x->bytes, y->bytes, x->len) == 0;
}

/* Client owners are made unique to the run (s2.4: a second replay against a long-lived server
 * must not look like the first client restarting), same length, stable within the run. */
static void test_bind_client_owners(void)
{
	struct replay_bindings *b = bindings_new(7, false);
	struct owner first, again, other, same_nonce, other_nonce, empty, kept;

	REQUIRE(b);
	first = rewritten_owner(b, "client-one");
	again = rewritten_owner(b, "client-one");
	other = rewritten_owner(b, "client-two");
	empty = rewritten_owner(b, "");
	bindings_free(b);
	same_nonce = owner_in_run(7, false, "client-one");
	other_nonce = owner_in_run(8, false, "client-one");
	kept = owner_in_run(7, true, "client-one");

	CU_ASSERT_EQUAL(first.replaced, 1);
	CU_ASSERT_EQUAL(first.len, 10);
	CU_ASSERT_NOT_EQUAL(memcmp(first.bytes, "client-one", 10), 0);
	CU_ASSERT_TRUE(same_owner(&first, &again));
	CU_ASSERT_TRUE(same_owner(&first, &same_nonce));
	CU_ASSERT_EQUAL(other_nonce.len, 10);
	CU_ASSERT_FALSE(same_owner(&first, &other_nonce));
	CU_ASSERT_EQUAL(other.replaced, 1);
	CU_ASSERT_EQUAL(other.len, 10);
	CU_ASSERT_FALSE(same_owner(&first, &other));
	CU_ASSERT_EQUAL(empty.replaced, 0);
	CU_ASSERT_EQUAL(empty.len, 0);
	CU_ASSERT_EQUAL(kept.replaced, 0);
	CU_ASSERT_EQUAL(kept.len, 10);
	CU_ASSERT_EQUAL(memcmp(kept.bytes, "client-one", 10), 0);
}

/* GETFH results (s18.8) bind the filehandles PUTFH (s18.19) sends, length included. */
static void test_bind_filehandles(void)
{
	static const uint8_t f[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const uint8_t g[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
				      0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
	static const uint8_t unknown[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	struct replay_bindings *b = bindings_new(1, false);
	struct nfs_resop cap[2] = {{.op = OP_PUTROOTFH, .status = NFS4_OK},
				   {.op = OP_GETFH, .status = NFS4_OK}};
	struct nfs_resop live[2] = {{.op = OP_PUTROOTFH, .status = NFS4_OK},
				    {.op = OP_GETFH, .status = NFS4_OK}};
	struct wire_msg cap_reply, live_reply;
	struct nfs_argop a = {.op = OP_PUTFH};
	struct wire_msg call = call_of(&a, 1);

	REQUIRE(b);
	cap[1].u.getfh.object = (struct wire_opaque){f, sizeof(f)};
	live[1].u.getfh.object = (struct wire_opaque){g, sizeof(g)};
	cap_reply = reply_of(cap, 2, NFS4_OK), live_reply = reply_of(live, 2, NFS4_OK);
	bindings_learn(b, &cap_reply, &live_reply);

	a.u.putfh.object = (struct wire_opaque){f, sizeof(f)};
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_EQUAL(a.u.putfh.object.len, sizeof(g));
	CU_ASSERT_TRUE(a.u.putfh.object.len == sizeof(g) &&
		       memcmp(a.u.putfh.object.data, g, sizeof(g)) == 0);

	a.u.putfh.object = (struct wire_opaque){unknown, sizeof(unknown)};
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 0);
	CU_ASSERT_PTR_EQUAL(a.u.putfh.object.data, unknown);
	CU_ASSERT_EQUAL(a.u.putfh.object.len, sizeof(unknown));
	bindings_free(b);
}

/* OPEN4resok starts with the open stateid (s18.16.2); CLOSE4args is seqid then open_stateid
 * (s18.2.1). Only the stateid's "other" is mapped: its seqid is the client's to follow. */
static void test_bind_stateids(void)
{
	uint8_t cap_open[24], live_open[24], close_args[20], before[20];
	static const uint8_t close_seqid[4] = {0, 0, 0, 5}, open_seqid[4] = {0, 0, 0, 2};
	struct replay_bindings *b = bindings_new(1, false);
	struct nfs_resop cap = {.op = OP_OPEN, .status = NFS4_OK};
	struct nfs_resop live = {.op = OP_OPEN, .status = NFS4_OK};
	struct wire_msg cap_reply, live_reply;
	struct nfs_argop a = {.op = OP_CLOSE};
	struct wire_msg call = call_of(&a, 1);

	REQUIRE(b);
	for (unsigned i = 0; i < sizeof(cap_open); i++)
		cap_open[i] = (uint8_t)(0x40 + i), live_open[i] = (uint8_t)(0x80 + i);
	memcpy(live_open, cap_open, 4); /* same stateid seqid, another "other" */
	cap.u.raw = (struct wire_opaque){cap_open, sizeof(cap_open)};
	live.u.raw = (struct wire_opaque){live_open, sizeof(live_open)};
	cap_reply = reply_of(&cap, 1, NFS4_OK), live_reply = reply_of(&live, 1, NFS4_OK);
	bindings_learn(b, &cap_reply, &live_reply);

	memcpy(close_args, close_seqid, 4);          /* CLOSE seqid 5 */
	memcpy(close_args + 4, open_seqid, 4);       /* open_stateid.seqid 2 */
	memcpy(close_args + 8, cap_open + 4, 12); /* open_stateid.other (captured) */
	memcpy(before, close_args, sizeof(before));
	a.u.raw = (struct wire_opaque){close_args, sizeof(close_args)};
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 1);
	CU_ASSERT_PTR_NOT_EQUAL(a.u.raw.data, close_args);
	CU_ASSERT_EQUAL(a.u.raw.len, sizeof(close_args));
	CU_ASSERT_EQUAL(memcmp(a.u.raw.data, before, 8), 0); /* both seqids */
	CU_ASSERT_EQUAL(memcmp(a.u.raw.data + 8, live_open + 4, 12), 0);
	CU_ASSERT_EQUAL(memcmp(close_args, before, sizeof(before)), 0); /* captured bytes intact */

	close_args[8] ^= 0xff; /* a stateid no OPEN handed out */
	a.u.raw = (struct wire_opaque){close_args, sizeof(close_args)};
	CU_ASSERT_EQUAL(bindings_rewrite(b, &call), 0);
	CU_ASSERT_PTR_EQUAL(a.u.raw.data, close_args);
	bindings_free(b);
}

/* ---- reply comparison ----------------------------------------------------------------------- */

static void test_diff_default_mask(void)
{
	struct diff_mask m;

	diff_mask_default(&m);
	CU_ASSERT_TRUE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_target_highest_slotid"));
	CU_ASSERT_TRUE(
		diff_mask_covers(&m, "op[2].CREATE_SESSION.csr_fore_chan_attrs.ca_maxrequests"));
	CU_ASSERT_TRUE(diff_mask_covers(&m, "rpc.verf"));
	CU_ASSERT_TRUE(diff_mask_covers(&m, "op[0].EXCHANGE_ID.eir_clientid"));
	CU_ASSERT_FALSE(diff_mask_covers(&m, "status"));
	CU_ASSERT_FALSE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_status_flags"));
	CU_ASSERT_FALSE(diff_mask_covers(&m, "op[1].PUTFH.status"));
	CU_ASSERT_FALSE(diff_mask_covers(&m, "op[0].EXCHANGE_ID.eir_flags"));

	CU_ASSERT_EQUAL(diff_mask_set(&m, "sr_target_highest_slotid", true), 0);
	CU_ASSERT_FALSE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_target_highest_slotid"));
	CU_ASSERT_TRUE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_highest_slotid"));
	CU_ASSERT_EQUAL(diff_mask_set(&m, "sr_status_flags", false), 0);
	CU_ASSERT_TRUE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_status_flags"));
	CU_ASSERT_FALSE(diff_mask_covers(&m, "op[0].SEQUENCE.sr_slotid"));
}

/* One server's SEQUENCE exchange: its call and its reply, which echoes the call. */
struct seq_exchange {
	struct nfs_argop arg;
	struct nfs_resop res;
	struct wire_msg call, reply;
};

static void seq_exchange_init(struct seq_exchange *x, uint8_t sid_byte, uint32_t seqid,
			      uint32_t target)
{
	uint8_t sid[NFS4_SESSIONID_SIZE];

	fill_sid(sid, sid_byte);
	x->arg = sequence_arg(sid, seqid, 0);
	x->res = (struct nfs_resop){.op = OP_SEQUENCE, .status = NFS4_OK};
	memcpy(x->res.u.sequence.sr_sessionid, sid, NFS4_SESSIONID_SIZE);
	x->res.u.sequence.sr_sequenceid = seqid;
	x->res.u.sequence.sr_slotid = 0;
	x->res.u.sequence.sr_highest_slotid = target;
	x->res.u.sequence.sr_target_highest_slotid = target;
	x->call = call_of(&x->arg, 1);
	x->reply = reply_of(&x->res, 1, NFS4_OK);
}

/* Flatten both sides and compare under the default mask. */
static size_t mismatches(const struct wire_msg *cap_reply, const struct wire_msg *cap_call,
			 const struct wire_msg *live_reply, const struct wire_msg *live_call,
			 struct diff_mismatch *out, size_t max, struct diff_fields *cf,
			 struct diff_fields *lf)
{
	struct diff_mask m;

	diff_mask_default(&m);
	CU_ASSERT_EQUAL(diff_fields_of_reply(cap_reply, "no reply", cap_call, cf), 0);
	CU_ASSERT_EQUAL(diff_fields_of_reply(live_reply, "no reply", live_call, lf), 0);
	return diff_compare(cf, lf, &m, out, max);
}

static const char *field_value(const struct diff_fields *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

static const char *or_absent(const char *value)
{
	return value ? value : "(absent)";
}

static bool str_is(const char *got, const char *want)
{
	return got && strcmp(got, want) == 0;
}

/* Echo fields (sr_sessionid, sr_sequenceid, sr_slotid: s18.46.3) compare relative to each side's
 * own call, and the slot table size is the server's choice (masked). */
static void test_diff_sequence_echo(void)
{
	struct seq_exchange cap, live;
	struct diff_mismatch mm[8];
	struct diff_fields cf, lf;
	size_t n;

	seq_exchange_init(&cap, 0x51, 41, 7);
	seq_exchange_init(&live, 0x11, 1, 63);
	n = mismatches(&cap.reply, &cap.call, &live.reply, &live.call, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_TRUE(str_is(field_value(&cf, "op[0].SEQUENCE.sr_sessionid"), "= call"));
	CU_ASSERT_TRUE(str_is(field_value(&lf, "op[0].SEQUENCE.sr_sequenceid"), "= call"));
	CU_ASSERT_TRUE(str_is(field_value(&cf, "op[0].SEQUENCE.sr_target_highest_slotid"), "7"));
	CU_ASSERT_TRUE(str_is(field_value(&lf, "op[0].SEQUENCE.sr_target_highest_slotid"), "63"));
	diff_fields_free(&cf), diff_fields_free(&lf);

	live.res.u.sequence.sr_status_flags = SEQ4_STATUS_CB_PATH_DOWN;
	n = mismatches(&cap.reply, &cap.call, &live.reply, &live.call, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_STRING_EQUAL(mm[0].name, "op[0].SEQUENCE.sr_status_flags");
		CU_ASSERT_STRING_EQUAL(mm[0].captured, "0");
		CU_ASSERT_STRING_EQUAL(mm[0].live, "SEQ4_STATUS_CB_PATH_DOWN");
	}
	diff_fields_free(&cf), diff_fields_free(&lf);

	live.res.u.sequence.sr_status_flags = 0;
	live.res.u.sequence.sr_sequenceid = 2; /* the call had 1 */
	n = mismatches(&cap.reply, &cap.call, &live.reply, &live.call, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_STRING_EQUAL(mm[0].name, "op[0].SEQUENCE.sr_sequenceid");
		CU_ASSERT_STRING_EQUAL(mm[0].captured, "= call");
		CU_ASSERT_STRING_EQUAL(mm[0].live, "call +1");
	}
	diff_fields_free(&cf), diff_fields_free(&lf);
}

/* OP_NOT_IN_SESSION may come with no result or the failing op's (s18.46.3, s16.2.3: servers
 * read it both ways); other errors keep their result count. */
static void test_diff_not_in_session_shapes(void)
{
	struct nfs_resop one = {.op = OP_PUTROOTFH, .status = NFS4ERR_OP_NOT_IN_SESSION};
	struct nfs_resop bad = {.op = OP_SEQUENCE, .status = NFS4ERR_BADSESSION};
	struct wire_msg none = reply_of(NULL, 0, NFS4ERR_OP_NOT_IN_SESSION);
	struct wire_msg first = reply_of(&one, 1, NFS4ERR_OP_NOT_IN_SESSION);
	struct wire_msg bad_none = reply_of(NULL, 0, NFS4ERR_BADSESSION);
	struct wire_msg bad_first = reply_of(&bad, 1, NFS4ERR_BADSESSION);
	struct diff_mismatch mm[8];
	struct diff_fields cf, lf;
	size_t n;

	n = mismatches(&none, NULL, &first, NULL, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 0);
	diff_fields_free(&cf), diff_fields_free(&lf);
	n = mismatches(&first, NULL, &none, NULL, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 0);
	diff_fields_free(&cf), diff_fields_free(&lf);

	n = mismatches(&bad_none, NULL, &bad_first, NULL, mm, 8, &cf, &lf);
	CU_ASSERT_EQUAL(n, 2); /* the result count, and the SEQUENCE result only live has */
	if (n == 2) {
		CU_ASSERT_STRING_EQUAL(mm[0].name, "resarray");
		CU_ASSERT_STRING_EQUAL(mm[0].captured, "0 results");
		CU_ASSERT_STRING_EQUAL(mm[0].live, "1 results");
		CU_ASSERT_STRING_EQUAL(mm[1].name, "op[0].SEQUENCE.status");
		CU_ASSERT_STRING_EQUAL(mm[1].captured, "(absent)");
		CU_ASSERT_STRING_EQUAL(mm[1].live, "NFS4ERR_BADSESSION");
	}
	diff_fields_free(&cf), diff_fields_free(&lf);
}

static bool has_mismatch(const struct diff_mismatch *mm, size_t n, const char *name,
			 const char *captured, const char *live)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(mm[i].name, name) == 0)
			return strcmp(mm[i].captured, captured) == 0 &&
			       strcmp(mm[i].live, live) == 0;
	return false;
}

/* No live reply: every captured field is missing and the live side says why. */
static void test_diff_missing_reply_and_listing(void)
{
	struct seq_exchange cap;
	struct diff_mismatch mm[32];
	struct diff_fields cf, lf;
	struct diff_mask m;
	char *text = NULL;
	size_t n, size = 0;
	FILE *out;

	seq_exchange_init(&cap, 0x51, 41, 7);
	diff_mask_default(&m);
	CU_ASSERT_EQUAL(diff_fields_of_reply(&cap.reply, NULL, &cap.call, &cf), 0);
	CU_ASSERT_EQUAL(diff_fields_of_reply(NULL, "no reply within 5 s", NULL, &lf), 0);
	CU_ASSERT_EQUAL(lf.n, 1);
	CU_ASSERT_TRUE(str_is(field_value(&lf, "reply"), "no reply within 5 s"));
	n = diff_compare(&cf, &lf, &m, mm, 32);
	/* rpc.reply_stat, rpc.accept_stat, status, tag, resarray, and SEQUENCE's status,
	 * sr_sessionid, sr_sequenceid, sr_slotid, sr_status_flags; and live's "reply" */
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_TRUE(has_mismatch(mm, n, "reply", "(absent)", "no reply within 5 s"));
	CU_ASSERT_TRUE(has_mismatch(mm, n, "status", "NFS4_OK", "(absent)"));
	CU_ASSERT_FALSE(has_mismatch(mm, n, "rpc.verf", "AUTH_NONE", "(absent)"));

	out = open_memstream(&text, &size);
	REQUIRE(out);
	diff_print_side_by_side(out, &cf, &lf, &m);
	fclose(out);
	diff_fields_free(&cf), diff_fields_free(&lf);
	REQUIRE(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    ! status "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    ! op[0].SEQUENCE.sr_status_flags "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    ! reply "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    ~ rpc.verf "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    ~ op[0].SEQUENCE.sr_target_highest_slotid "));
	CU_ASSERT_PTR_NULL(strstr(text, "\n    ! rpc.verf "));
	free(text);
}

/*
 * Documents correct behaviour that replay_diff.c does not have yet (this test fails until then):
 * a field name longer than DIFF_NAME_MAX - 1 is cut, so the 66-character
 * "op[2].CREATE_SESSION.csr_fore_chan_attrs.ca_maxresponsesize_cached" is listed as
 * "...ca_maxresponsesize_cac" and a --mask entry naming the whole field does not match it.
 */
static void test_diff_long_field_names_whole(void)
{
	static const char *const want =
		"op[2].CREATE_SESSION.csr_fore_chan_attrs.ca_maxresponsesize_cached";
	struct nfs_resop res[3] = {{.op = OP_SEQUENCE, .status = NFS4_OK},
				   {.op = OP_PUTROOTFH, .status = NFS4_OK},
				   {.op = OP_CREATE_SESSION, .status = NFS4_OK}};
	struct wire_msg reply;
	struct diff_fields f;

	res[2].u.create_session.csr_fore_chan_attrs.ca_maxresponsesize_cached = 4096;
	reply = reply_of(res, 3, NFS4_OK);
	CU_ASSERT_EQUAL(diff_fields_of_reply(&reply, NULL, NULL, &f), 0);
	CHECK(str_is(field_value(&f, want), "4096"), "no field %s (names cut at %d characters)",
	      want, DIFF_NAME_MAX - 1);
	diff_fields_free(&f);
}

/*
 * Documents correct behaviour that replay_diff.c does not have yet (this test fails until then):
 * sr_status_flags (s18.46.3) rendered as names is cut at DIFF_VALUE_MAX - 1 characters, so two
 * replies differing in a fourth flag (EXPIRED_ALL_STATE_REVOKED) render alike and compare equal.
 */
static void test_diff_long_flag_values_compared(void)
{
	struct seq_exchange cap, live;
	struct diff_mismatch mm[8];
	struct diff_fields cf, lf;
	size_t n;

	seq_exchange_init(&cap, 0x51, 41, 7);
	seq_exchange_init(&live, 0x11, 1, 63);
	cap.res.u.sequence.sr_status_flags = SEQ4_STATUS_CB_PATH_DOWN |
					     SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRING |
					     SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRED;
	live.res.u.sequence.sr_status_flags =
		cap.res.u.sequence.sr_status_flags | SEQ4_STATUS_EXPIRED_ALL_STATE_REVOKED;
	n = mismatches(&cap.reply, &cap.call, &live.reply, &live.call, mm, 8, &cf, &lf);
	CHECK(n == 1, "%zu mismatches for sr_status_flags 0x7 vs 0xf; captured \"%s\" live \"%s\"",
	      n, or_absent(field_value(&cf, "op[0].SEQUENCE.sr_status_flags")),
	      or_absent(field_value(&lf, "op[0].SEQUENCE.sr_status_flags")));
	if (n == 1)
		CU_ASSERT_STRING_EQUAL(mm[0].name, "op[0].SEQUENCE.sr_status_flags");
	diff_fields_free(&cf), diff_fields_free(&lf);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"bind: client ids and csa_sequence", test_bind_client_ids},
		{"bind: session ids", test_bind_session_ids},
		{"bind: own session, slot seqids rebased", test_bind_own_session_rebases_slots},
		{"bind: client owners unique to the run", test_bind_client_owners},
		{"bind: filehandles", test_bind_filehandles},
		{"bind: stateids of raw ops", test_bind_stateids},
		{"diff: default mask", test_diff_default_mask},
		{"diff: SEQUENCE echo fields", test_diff_sequence_echo},
		{"diff: OP_NOT_IN_SESSION result shapes", test_diff_not_in_session_shapes},
		{"diff: missing reply, side by side", test_diff_missing_reply_and_listing},
		{"diff: long field names kept whole (fails: bug)",
		 test_diff_long_field_names_whole},
		{"diff: long flag values still compared (fails: bug)",
		 test_diff_long_flag_values_compared},
		{NULL, NULL}};

	tests_add_suite("pcap: replay bindings and reply diff", tests);
}
