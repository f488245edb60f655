/*
 * test_sm_hooks.c - the test hooks of catalogue section 17, in-process: each bends the state the
 * way the admin API does, and the assertions are the RFC behaviour a case then observes.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* SEQUENCE alone on conn: its sr_status_flags (and the COMPOUND status in *status). */
static uint32_t sequence_flags(struct sm *s, uint64_t conn, const uint8_t sid[16], uint32_t slot,
			       uint32_t seqid, uint32_t *status)
{
	struct nfs_argop op = harness_sequence(sid, slot, seqid, false);
	struct wire_msg m;
	uint32_t flags = 0;

	harness_call(s, conn, &op, 1, &m, NULL, NULL);
	*status = m.res.status;
	if (m.res.status == NFS4_OK && m.res.resarray_len == 1)
		flags = m.res.resarray[0].u.sequence.sr_status_flags;
	wire_msg_free(&m);
	return flags;
}

/* The wrap at 2^32 with the slot preset to 0xFFFFFFFF (RFC 8881 s2.10.6.1). */
static void test_preset_wrap(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;

	harness_open_session(s, 1, "wrap", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_preset_slot(s, sid, 0, 0xFFFFFFFFu), 0);
	CU_ASSERT_EQUAL(sm_hook_preset_slot(s, sid, 9, 1), -1); /* no slot 9 */
	op = harness_sequence(sid, 0, 1, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_SEQ_MISORDERED); /* SES-12 */
	op = harness_sequence(sid, 0, 0xFFFFFFFEu, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_SEQ_MISORDERED); /* SES-12 */
	op = harness_sequence(sid, 0, 0, true);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-12: 0 follows 0xFFFFFFFF */
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4_OK); /* the replay of seqid 0 */
	op = harness_sequence(sid, 0, 0xFFFFFFFFu, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_SEQ_MISORDERED);
	sm_free(s);
}

/* A lowered target is not retroactive; the cut retires slots only once the client saw it. */
static void test_target_and_forced_cut(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct wire_msg m;

	harness_open_session(s, 1, "target", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_set_target(s, sid, 1), 0);
	op = harness_sequence(sid, 3, 1, false);
	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK); /* SES-18: slot 3 still served */
	REQUIRE(m.res.resarray_len == 1);
	CU_ASSERT_EQUAL(m.res.resarray[0].u.sequence.sr_target_highest_slotid, 1);
	wire_msg_free(&m);
	op = harness_sequence(sid, 0, 1, false); /* sa_highest_slotid 0: the client saw the cut */
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4_OK);
	op = harness_sequence(sid, 3, 2, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_BADSLOT); /* SES-20, SES-21 */

	CU_ASSERT_EQUAL(sm_hook_force_highest(s, sid, 0), 0);
	CU_ASSERT_EQUAL(sm_hook_force_highest(s, sid, 4), -1); /* not below the slot count */
	op = harness_sequence(sid, 0, 2, false);
	op.u.sequence.sa_highest_slotid = 1;
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_BAD_HIGH_SLOT); /* SES-19 */
	sm_free(s);
}

/* A retry while the original still executes gets DELAY, and so does DESTROY_SESSION; once the
 * held reply goes out, the retry gets the cached reply (RFC 8881 s2.10.6.2, s18.37.3). */
static void test_delay(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], *held = NULL, *retry = NULL;
	size_t held_len = 0, retry_len = 0;
	uint64_t cid, conn = 0;
	struct nfs_argop ops[2], ds = {.op = OP_DESTROY_SESSION};
	struct wire_msg m;

	harness_open_session(s, 1, "delay", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 0, 0), -1);
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 0, SM_MAX_DELAY_MS + 1), -1);
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 0, 100), 0);
	CU_ASSERT_EQUAL(sm_next_release_ms(s), UINT64_MAX);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = (struct nfs_argop){.op = OP_PUTROOTFH};
	CU_ASSERT_EQUAL(harness_call(s, 1, ops, 2, &m, NULL, NULL), SM_NOTHING);
	CU_ASSERT_EQUAL(sm_next_release_ms(s), harness_now + 100);
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 2), NFS4ERR_DELAY); /* SES-34 */
	memcpy(ds.u.destroy_session.dsa_sessionid, sid, 16);
	CU_ASSERT_EQUAL(harness_status(s, 1, &ds, 1), NFS4ERR_DELAY); /* DS-12 */
	CU_ASSERT_FALSE(sm_release_due(s, &conn, &held, &held_len)); /* not yet */
	harness_now += 100;
	REQUIRE(sm_release_due(s, &conn, &held, &held_len));
	CU_ASSERT_EQUAL(conn, 1);
	CU_ASSERT_EQUAL(sm_next_release_ms(s), UINT64_MAX);
	/* the original's result was cached normally: the retry gets the same COMPOUND bytes */
	harness_call(s, 2, ops, 2, &m, &retry, &retry_len);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK); /* SES-34 */
	CU_ASSERT(held_len == retry_len && memcmp(held, retry, held_len) == 0);
	wire_msg_free(&m);
	free(held);
	free(retry);
	CU_ASSERT_EQUAL(harness_status(s, 1, &ds, 1), NFS4_OK); /* no longer busy */
	sm_free(s);
}

/* A held reply whose session is destroyed meanwhile still goes out; sm_free frees held ones. */
static void test_delay_outlives_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], *reply = NULL;
	size_t len = 0;
	uint64_t cid, conn = 0;
	struct nfs_argop op;
	struct wire_msg m;

	harness_open_session(s, 1, "delay2", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 1, 50), 0);
	op = harness_sequence(sid, 1, 1, false);
	CU_ASSERT_EQUAL(harness_call(s, 1, &op, 1, &m, NULL, NULL), SM_NOTHING);
	CU_ASSERT_EQUAL(sm_admin_destroy_session(s, cid, sid), 0);
	harness_now += 50;
	REQUIRE(sm_release_due(s, &conn, &reply, &len));
	CU_ASSERT(len > 0);
	free(reply);
	/* and one left held at exit */
	harness_open_session(s, 1, "delay3", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 0, 50), 0);
	op = harness_sequence(sid, 0, 1, false);
	CU_ASSERT_EQUAL(harness_call(s, 1, &op, 1, &m, NULL, NULL), SM_NOTHING);
	sm_free(s); /* ASan: nothing leaks */
}

/* A restart without state: every id from before is stale (RFC 8881 s2.4, s2.10.13.1.4). */
static void test_restart_without_state(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op, ds = {.op = OP_DESTROY_SESSION}, bc = {.op = OP_BIND_CONN_TO_SESSION};
	struct wire_msg m;
	struct sm_stats st;

	harness_open_session(s, 1, "restart", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_restart(s, cid + 1000, false), -1); /* no such client */
	CU_ASSERT_EQUAL(sm_hook_restart(s, 0, false), 0);
	op = harness_sequence(sid, 0, 1, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_BADSESSION); /* SES-39 */
	memcpy(ds.u.destroy_session.dsa_sessionid, sid, 16);
	CU_ASSERT_EQUAL(harness_status(s, 1, &ds, 1), NFS4ERR_BADSESSION); /* SES-39 */
	memcpy(bc.u.bind_conn_to_session.bctsa_sessid, sid, 16);
	bc.u.bind_conn_to_session.bctsa_dir = CDFC4_FORE;
	CU_ASSERT_EQUAL(harness_status(s, 1, &bc, 1), NFS4ERR_BADSESSION); /* SES-39 */
	op = harness_create_session(cid, 2, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_STALE_CLIENTID); /* SES-40 */
	op = harness_exchange_id("restart", 0);
	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	REQUIRE(m.res.status == NFS4_OK && m.res.resarray_len == 1);
	CU_ASSERT_NOT_EQUAL(m.res.resarray[0].u.exchange_id.eir_clientid, cid); /* SES-40 */
	CU_ASSERT_NOT_EQUAL(m.res.resarray[0].u.exchange_id.eir_clientid >> 32, cid >> 32);
	wire_msg_free(&m);
	sm_stats(s, &st);
	CU_ASSERT_EQUAL(st.destroyed_by[SM_BY_RESTART], 1);
	sm_free(s);
}

/* A restart as one client sees it leaves the others alone. */
static void test_restart_one_client(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t ca, cb;
	struct nfs_argop op;

	harness_open_session(s, 1, "one", a, &ca);
	harness_open_session(s, 2, "other", b, &cb);
	CU_ASSERT_EQUAL(sm_hook_restart(s, ca, false), 0);
	op = harness_sequence(a, 0, 1, false);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_BADSESSION); /* SES-39 */
	op = harness_sequence(b, 0, 1, false);
	CU_ASSERT_EQUAL(harness_status(s, 2, &op, 1), NFS4_OK);
	sm_free(s);
}

/* With state the session is dead: retries from the cache, new requests DEADSESSION (s2.10.6.5). */
static void test_restart_with_state(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], *r1 = NULL, *r2 = NULL;
	size_t l1 = 0, l2 = 0;
	uint64_t cid;
	struct nfs_argop ops[2];
	struct wire_msg m;
	struct sm_session_info info;

	harness_open_session(s, 1, "persist", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = (struct nfs_argop){.op = OP_PUTROOTFH};
	harness_call(s, 1, ops, 2, &m, &r1, &l1);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK);
	wire_msg_free(&m);
	/* a request on slot 1 held when the restart comes: lost, so its retry is a new request */
	CU_ASSERT_EQUAL(sm_hook_delay(s, sid, 1, 1000), 0);
	ops[0] = harness_sequence(sid, 1, 1, false);
	CU_ASSERT_EQUAL(harness_call(s, 1, ops, 1, &m, NULL, NULL), SM_NOTHING);
	CU_ASSERT_EQUAL(sm_hook_restart(s, cid, true), 0);
	CU_ASSERT_EQUAL(sm_next_release_ms(s), UINT64_MAX);
	CU_ASSERT_EQUAL(sm_list_sessions(s, cid, &info, 1), 1);
	CU_ASSERT_EQUAL(info.nconns, 0); /* connections do not survive a restart */
	ops[0] = harness_sequence(sid, 0, 1, true);
	harness_call(s, 2, ops, 2, &m, &r2, &l2);
	CU_ASSERT_EQUAL(m.res.status, NFS4_OK); /* SES-37: the replay is served */
	CU_ASSERT_EQUAL(l1, l2);
	wire_msg_free(&m);
	ops[0] = harness_sequence(sid, 0, 2, false);
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 2), NFS4ERR_DEADSESSION); /* SES-37 */
	ops[0] = harness_sequence(sid, 1, 1, false);
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 1), NFS4ERR_DEADSESSION); /* SES-37 */
	ops[0] = harness_create_session(cid, 2, 4); /* the client record survived */
	CU_ASSERT_EQUAL(harness_status(s, 2, ops, 1), NFS4_OK);
	free(r1);
	free(r2);
	sm_free(s);
}

static struct nfs_argop free_stateid_op(const uint8_t stateid[16])
{
	struct nfs_argop a = {.op = OP_FREE_STATEID};

	a.u.raw = (struct wire_opaque){stateid, 16};
	return a;
}

/* ADMIN_STATE_REVOKED is sticky until FREE_STATEID of the revoked stateid (s18.46.3). */
static void test_revoke(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], stateid[16], wrong[16];
	uint64_t cid;
	uint32_t st, seq = 1;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "revoke", sid, &cid);
	CU_ASSERT_FALSE(sequence_flags(s, 1, sid, 0, seq++, &st) & SEQ4_STATUS_ADMIN_STATE_REVOKED);
	CU_ASSERT_EQUAL(sm_hook_revoke(s, cid + 1000, stateid), -1);
	CU_ASSERT_EQUAL(sm_hook_revoke(s, cid, stateid), 0);
	for (int i = 0; i < 3; i++) /* SEQ-15: on every reply */
		CU_ASSERT(sequence_flags(s, 1, sid, 0, seq++, &st) & SEQ4_STATUS_ADMIN_STATE_REVOKED);
	memcpy(wrong, stateid, 16);
	wrong[15] ^= 1;
	ops[0] = harness_sequence(sid, 0, seq++, false);
	ops[1] = free_stateid_op(wrong);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4ERR_BAD_STATEID);
	CU_ASSERT(sequence_flags(s, 1, sid, 0, seq++, &st) & SEQ4_STATUS_ADMIN_STATE_REVOKED);
	ops[0] = harness_sequence(sid, 0, seq++, false);
	ops[1] = free_stateid_op(stateid);
	CU_ASSERT_EQUAL(harness_status(s, 1, ops, 2), NFS4_OK);
	CU_ASSERT_FALSE(sequence_flags(s, 1, sid, 0, seq++, &st) &
			SEQ4_STATUS_ADMIN_STATE_REVOKED); /* SEQ-15: cleared by FREE_STATEID */
	CU_ASSERT_EQUAL(st, NFS4_OK);
	sm_free(s);
}

static void test_backchannel_fault(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], other[16];
	uint64_t cid, cid2;
	uint32_t st;

	harness_open_session(s, 1, "bcfault", sid, &cid);
	harness_open_session(s, 1, "bcfault-other", other, &cid2);
	CU_ASSERT_FALSE(sequence_flags(s, 1, sid, 0, 1, &st) & SEQ4_STATUS_BACKCHANNEL_FAULT);
	CU_ASSERT_EQUAL(sm_hook_backchannel_fault(s, sid), 0);
	CU_ASSERT(sequence_flags(s, 1, sid, 0, 2, &st) & SEQ4_STATUS_BACKCHANNEL_FAULT); /* SEQ-16 */
	CU_ASSERT(sequence_flags(s, 1, sid, 0, 3, &st) & SEQ4_STATUS_BACKCHANNEL_FAULT); /* SEQ-16 */
	CU_ASSERT_FALSE(sequence_flags(s, 1, other, 0, 1, &st) & SEQ4_STATUS_BACKCHANNEL_FAULT);
	sm_free(s);
}

/* No room for another session's reply cache: NOSPC, a cached phase-4 result (s18.36.4). */
static void test_session_cap(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;

	harness_open_session(s, 1, "cap", sid, &cid);
	CU_ASSERT_EQUAL(sm_hook_session_cap(s, cid + 1000, 1), -1);
	CU_ASSERT_EQUAL(sm_hook_session_cap(s, cid, 1), 0);
	op = harness_create_session(cid, 2, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_NOSPC); /* CS-15 */
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4ERR_NOSPC); /* its replay */
	CU_ASSERT_EQUAL(sm_hook_session_cap(s, cid, 2), 0);
	op = harness_create_session(cid, 3, 4);
	CU_ASSERT_EQUAL(harness_status(s, 1, &op, 1), NFS4_OK);
	sm_free(s);
}

/* Losing the last back connection flags the session and the client until one is bound again. */
static void test_back_channel_lost(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	uint32_t st, f;
	struct nfs_argop op = harness_exchange_id("backchan", 0), bc = {.op = OP_BIND_CONN_TO_SESSION};
	struct wire_msg m;

	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	REQUIRE(m.res.status == NFS4_OK && m.res.resarray_len == 1);
	cid = m.res.resarray[0].u.exchange_id.eir_clientid;
	wire_msg_free(&m);
	op = harness_create_session(cid, 1, 4);
	op.u.create_session.csa_flags = CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
	harness_call(s, 1, &op, 1, &m, NULL, NULL);
	REQUIRE(m.res.status == NFS4_OK && m.res.resarray_len == 1);
	memcpy(sid, m.res.resarray[0].u.create_session.csr_sessionid, 16);
	wire_msg_free(&m);
	f = sequence_flags(s, 2, sid, 0, 1, &st);
	CU_ASSERT_FALSE(f & (SEQ4_STATUS_CB_PATH_DOWN | SEQ4_STATUS_CB_PATH_DOWN_SESSION)); /* SEQ-12 */
	sm_conn_close(s, 1);
	f = sequence_flags(s, 2, sid, 0, 2, &st);
	CU_ASSERT(f & SEQ4_STATUS_CB_PATH_DOWN);         /* SES-41 */
	CU_ASSERT(f & SEQ4_STATUS_CB_PATH_DOWN_SESSION); /* SES-41 */
	memcpy(bc.u.bind_conn_to_session.bctsa_sessid, sid, 16);
	bc.u.bind_conn_to_session.bctsa_dir = CDFC4_BACK;
	CU_ASSERT_EQUAL(harness_status(s, 3, &bc, 1), NFS4_OK);
	f = sequence_flags(s, 2, sid, 0, 3, &st);
	CU_ASSERT_FALSE(f & (SEQ4_STATUS_CB_PATH_DOWN | SEQ4_STATUS_CB_PATH_DOWN_SESSION)); /* SES-41 */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"preset: seqid wrap at 2^32", test_preset_wrap},
		{"target and forced cut", test_target_and_forced_cut},
		{"delay: retry and DESTROY_SESSION meet a busy slot", test_delay},
		{"delay: a held reply outlives its session", test_delay_outlives_session},
		{"restart without state", test_restart_without_state},
		{"restart of one client", test_restart_one_client},
		{"restart with state: dead sessions", test_restart_with_state},
		{"revoke and FREE_STATEID", test_revoke},
		{"backchannel fault", test_backchannel_fault},
		{"session cap: NOSPC", test_session_cap},
		{"lost back channel", test_back_channel_lost},
		{NULL, NULL}};

	tests_add_suite("state machine test hooks", tests);
}
