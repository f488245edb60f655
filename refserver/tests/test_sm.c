/*
 * test_sm.c - the state machine in-process with a fake clock: RPC-level answers, EXCHANGE_ID,
 * CREATE_SESSION, SEQUENCE replays and the lease reaper, through real encoded records.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

static struct wire_msg rpc_only(struct sm *s, uint32_t prog, uint32_t vers, uint32_t proc)
{
	uint8_t buf[256], *reply = NULL;
	size_t len = harness_encode_call(9, prog, vers, proc, NULL, 0, buf, sizeof(buf)), rlen;
	struct wire_msg m = {0};
	struct wire_error e;

	CU_ASSERT_EQUAL(sm_handle(s, 1, buf, len, &reply, &rlen), SM_REPLY);
	if (reply)
		wire_msg_decode(reply, rlen, NULL, &m, &e);
	free(reply);
	return m;
}

static void test_rpc_level(void)
{
	struct sm *s = harness_sm(90);
	struct wire_msg m;
	uint8_t junk[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, *reply;
	size_t rlen;

	m = rpc_only(s, 100004, 4, 0);
	CU_ASSERT_EQUAL(m.reply.accept_stat, ONCRPC_PROG_UNAVAIL); /* RPC-06 */
	m = rpc_only(s, NFS4_PROGRAM, 3, 0);
	CU_ASSERT_EQUAL(m.reply.accept_stat, ONCRPC_PROG_MISMATCH); /* RPC-07 */
	CU_ASSERT(m.reply.mismatch_low == 4 && m.reply.mismatch_high == 4);
	m = rpc_only(s, NFS4_PROGRAM, 4, 2);
	CU_ASSERT_EQUAL(m.reply.accept_stat, ONCRPC_PROC_UNAVAIL); /* RPC-08 */
	m = rpc_only(s, NFS4_PROGRAM, 4, 0);
	CU_ASSERT(m.reply.reply_stat == ONCRPC_MSG_ACCEPTED && m.reply.accept_stat == ONCRPC_SUCCESS);
	/* A header cut short cannot be answered: the connection goes (RPC-03). */
	CU_ASSERT_EQUAL(sm_handle(s, 1, junk, sizeof(junk), &reply, &rlen), SM_CLOSE);
	sm_free(s);
}

static void test_exchange_id(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop a = harness_exchange_id("owner-1", EXCHGID4_FLAG_USE_NON_PNFS);
	struct wire_msg m;

	harness_call(s, 1, &a, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK); /* EXID-20: a new owner */
	REQUIRE(m.res.resarray_len == 1);
	CU_ASSERT_FALSE(m.res.resarray[0].u.exchange_id.eir_flags & EXCHGID4_FLAG_CONFIRMED_R);
	wire_msg_free(&m);
	a = harness_exchange_id("owner-2", 0x8);
	harness_call(s, 1, &a, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4ERR_INVAL); /* EXID-03 */
	wire_msg_free(&m);
	a = harness_exchange_id("owner-3", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);
	harness_call(s, 1, &a, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4ERR_NOENT); /* EXID-28 */
	wire_msg_free(&m);
	sm_free(s);
}

static void test_sequence_replay_and_misorder(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16] = {0}, *r1 = NULL, *r2 = NULL;
	size_t l1 = 0, l2 = 0;
	uint64_t clientid = 0;
	struct nfs_argop ops[2];
	struct wire_msg m;

	harness_open_session(s, 1, "owner-s", sid, &clientid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = (struct nfs_argop){.op = OP_PUTROOTFH};
	harness_call(s, 1, ops, 2, &m, &r1, &l1);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK);
	wire_msg_free(&m);
	harness_call(s, 1, ops, 2, &m, &r2, &l2); /* the same request again: the cached reply (SES-25) */
	CU_ASSERT(l1 == l2 && memcmp(r1, r2, l1) == 0);
	wire_msg_free(&m);
	free(r1);
	free(r2);
	ops[0] = harness_sequence(sid, 0, 3, false);
	harness_call(s, 1, ops, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4ERR_SEQ_MISORDERED); /* SES-15 */
	wire_msg_free(&m);
	ops[0] = harness_sequence(sid, 9, 1, false);
	harness_call(s, 1, ops, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4ERR_BADSLOT); /* SEQ-03 */
	wire_msg_free(&m);
	sm_free(s);
}

/* A lease that runs out takes the client's state with it; SEQUENCE renews (SEQ-08, SES-04). */
static void test_lease_and_reaper(void)
{
	struct sm *s = harness_sm(2);
	uint8_t sid[16] = {0};
	uint64_t clientid = 0;
	struct nfs_argop op;
	struct wire_msg m;
	struct sm_stats st;

	harness_open_session(s, 1, "owner-s", sid, &clientid);
	harness_now += 1500;
	op = harness_sequence(sid, 0, 1, false);
	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK); /* renewed for 2 s from here */
	wire_msg_free(&m);
	harness_now += 1500;
	sm_reap(s);
	sm_stats(s, &st);
	CU_ASSERT_EQUAL(st.sessions_active, 1);
	harness_now += 1000; /* 2.5 s without renewal */
	sm_reap(s);
	sm_stats(s, &st);
	CU_ASSERT_EQUAL(st.sessions_active, 0);
	CU_ASSERT_EQUAL(st.reaped_clients, 1);
	CU_ASSERT_EQUAL(st.destroyed_by[SM_BY_REAPER], 1);
	CU_ASSERT_EQUAL(st.duration_count, 1);
	CU_ASSERT_EQUAL(st.duration_buckets[1], 1); /* lived 4 s: the (1, 10] bucket */
	CU_ASSERT(st.sequences >= 1);
	op = harness_sequence(sid, 0, 2, false);
	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4ERR_BADSESSION); /* never NFS4ERR_EXPIRED */
	wire_msg_free(&m);
	sm_free(s);
}

/* SEQ4_STATUS_CB_PATH_DOWN without a back channel; a closed connection is unbound (s17). */
static void test_status_flags_and_conn_close(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16] = {0};
	uint64_t clientid = 0;
	struct nfs_argop op;
	struct wire_msg m;
	struct sm_session_info info;

	harness_open_session(s, 1, "owner-s", sid, &clientid);
	op = harness_sequence(sid, 0, 1, false);
	harness_call(s, 2, &op, 1, &m, NULL, NULL); /* on a second connection: bound implicitly (SES-08) */
	REQUIRE(m.res.resarray_len == 1);
	CU_ASSERT(m.res.resarray[0].u.sequence.sr_status_flags & SEQ4_STATUS_CB_PATH_DOWN);
	wire_msg_free(&m);
	CU_ASSERT_EQUAL(sm_list_sessions(s, clientid, &info, 1), 1);
	CU_ASSERT_EQUAL(info.nconns, 2);
	sm_conn_close(s, 2);
	sm_list_sessions(s, clientid, &info, 1);
	CU_ASSERT_EQUAL(info.nconns, 1);
	CU_ASSERT_EQUAL(info.slots_in_use, 1);
	sm_free(s);
}

/* RFC 8881 s18.36.4: phase 1 (stale id), phase 2 (replay, misorder), limits never raised. */
static void test_create_session(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop a = harness_exchange_id("owner-cs", 0), b;
	struct wire_msg m1, m2;
	uint64_t clientid;

	harness_call(s, 1, &a, 1, &m1, NULL, NULL);
	REQUIRE(m1.res.status == NFS4_OK && m1.res.resarray_len == 1);
	clientid = m1.res.resarray[0].u.exchange_id.eir_clientid;
	wire_msg_free(&m1);
	b = harness_create_session(clientid ^ 1, 1, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4ERR_STALE_CLIENTID); /* CS-04 */
	b = harness_create_session(clientid, 0, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4ERR_SEQ_MISORDERED); /* CS-05 */
	b = harness_create_session(clientid, 1, 1000);
	harness_call(s, 1, &b, 1, &m1, NULL, NULL);
	harness_call(s, 1, &b, 1, &m2, NULL, NULL); /* a replay: the same session (CS-07) */
	REQUIRE(m1.res.resarray_len == 1 && m2.res.resarray_len == 1);
	CU_ASSERT(!memcmp(m1.res.resarray[0].u.create_session.csr_sessionid,
			  m2.res.resarray[0].u.create_session.csr_sessionid, 16));
	CU_ASSERT_EQUAL(m1.res.resarray[0].u.create_session.csr_fore_chan_attrs.ca_maxrequests, 64);
	wire_msg_free(&m1);
	wire_msg_free(&m2);
	b = harness_create_session(clientid, 3, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4ERR_SEQ_MISORDERED); /* CS-09 */
	b = harness_create_session(clientid, 2, 4);
	b.u.create_session.csa_flags = 0x8;
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4ERR_INVAL); /* CS-16, not cached */
	b.u.create_session.csa_flags = 0;
	b.u.create_session.csa_fore_chan_attrs.ca_maxresponsesize = 0;
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4ERR_TOOSMALL); /* CS-24 */
	b = harness_create_session(clientid, 2, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &b, 1), NFS4_OK); /* CS-10: +1 makes a second session */
	sm_free(s);
}

/* DESTROY_SESSION, BIND_CONN_TO_SESSION, DESTROY_CLIENTID, RECLAIM_COMPLETE. */
static void test_session_ops(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16] = {0};
	uint64_t clientid = 0;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "owner-s", sid, &clientid);
	ops[0] = (struct nfs_argop){.op = OP_DESTROY_CLIENTID};
	ops[0].u.destroy_clientid.dca_clientid = clientid;
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4ERR_CLIENTID_BUSY); /* DCID-01 */
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = (struct nfs_argop){.op = OP_RECLAIM_COMPLETE};
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4_OK);
	ops[0] = harness_sequence(sid, 0, 2, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4ERR_COMPLETE_ALREADY); /* RC-03 */
	ops[0] = (struct nfs_argop){.op = OP_BIND_CONN_TO_SESSION};
	memcpy(ops[0].u.bind_conn_to_session.bctsa_sessid, sid, 16);
	ops[0].u.bind_conn_to_session.bctsa_dir = CDFC4_FORE;
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 1), NFS4_OK); /* BCTS-02 */
	ops[0].u.bind_conn_to_session.bctsa_dir = CDFC4_BACK;
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 1), NFS4ERR_INVAL); /* BCTS-07: a channel change */
	ops[0] = (struct nfs_argop){.op = OP_DESTROY_SESSION};
	memcpy(ops[0].u.destroy_session.dsa_sessionid, sid, 16);
	CU_ASSERT_EQUAL(harness_status(s, 3, ops, 1), NFS4ERR_CONN_NOT_BOUND_TO_SESSION); /* DS-04 */
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4_OK);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4ERR_BADSESSION); /* DS-01 */
	{
		struct sm_stats st;
		sm_stats(s, &st);
		CU_ASSERT_EQUAL(st.destroyed_by[SM_BY_CLIENT], 1);
		CU_ASSERT_EQUAL(st.slots_in_use, 0);
	}
	ops[0] = (struct nfs_argop){.op = OP_DESTROY_CLIENTID};
	ops[0].u.destroy_clientid.dca_clientid = clientid;
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4_OK);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4ERR_STALE_CLIENTID); /* DCID-06 */
	sm_free(s);
}

/* COMPOUND rules (RFC 8881 s16.2.3, s18.46.3). */
static void test_compound_rules(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop ops[2] = {{.op = OP_PUTROOTFH}, {.op = OP_GETFH}};

	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4ERR_OP_NOT_IN_SESSION); /* CMP-08 */
	ops[0] = harness_exchange_id("o", 0);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* CMP-10 */
	ops[0] = (struct nfs_argop){.op = 9999, .undecoded = true};
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 1), NFS4ERR_OP_ILLEGAL); /* CMP-09 */
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 0), NFS4_OK); /* CMP-19: an empty COMPOUND */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"RPC-level answers", test_rpc_level},
		{"EXCHANGE_ID", test_exchange_id},
		{"SEQUENCE replay, misorder, bad slot", test_sequence_replay_and_misorder},
		{"lease renewal and the reaper", test_lease_and_reaper},
		{"status flags and closed connections", test_status_flags_and_conn_close},
		{"CREATE_SESSION phases", test_create_session},
		{"DESTROY_SESSION, BIND_CONN, DESTROY_CLIENTID, RECLAIM_COMPLETE", test_session_ops},
		{"COMPOUND rules", test_compound_rules},
		{NULL, NULL}};

	tests_add_suite("state machine", tests);
}
