/*
 * test_sm_mach_cred.c - SP4_MACH_CRED enforcement (RFC 8881 s2.10.8.3, s18.35.3), reached through
 * the mach-cred test hook since the server speaks no RPCSEC_GSS: the machine credential is the
 * AUTH_SYS principal that created the client ID (uid 0 here), another principal is uid 1000.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

#define OTHER_UID 1000u

/* A client and a session on conn 1 made by uid 0, then put under SP4_MACH_CRED. */
static struct sm *protected_session(const char *owner, bool bind, uint8_t sid[16], uint64_t *cid)
{
	struct sm *s = harness_sm(90);

	harness_open_session(s, 1, owner, sid, cid);
	CU_ASSERT_EQUAL(sm_hook_mach_cred(s, *cid, bind), 0);
	return s;
}

static uint32_t one_op(struct sm *s, uint64_t conn, struct nfs_argop op)
{
	return harness_status(s, conn, &op, 1);
}

/* SEQUENCE then op, as the current harness credential: the COMPOUND status. */
static uint32_t in_session(struct sm *s, uint64_t conn, const uint8_t sid[16], uint32_t seqid,
			   struct nfs_argop op)
{
	struct nfs_argop ops[2] = {harness_sequence(sid, 0, seqid, false), op};

	return harness_status(s, conn, ops, 2);
}

/* EXCHANGE_ID(owner) as the current harness credential: its status, and the result in *r. */
static uint32_t exchange(struct sm *s, const char *owner, struct EXCHANGE_ID4resok *r)
{
	struct nfs_argop op = harness_exchange_id(owner, EXCHGID4_FLAG_USE_NON_PNFS);
	struct harness_reply rep;
	uint32_t st;

	harness_compound(s, 1, &op, 1, &rep);
	st = harness_reply_status(&rep);
	memset(r, 0, sizeof(*r));
	if (st == NFS4_OK && harness_nres(&rep) == 1)
		*r = harness_res(&rep, 0)->u.exchange_id;
	harness_reply_free(&rep);
	return st;
}

static void test_unknown_client(void)
{
	struct sm *s = harness_sm(90);

	CU_ASSERT_EQUAL(sm_hook_mach_cred(s, 0x1234, true), -1);
	sm_free(s);
}

/* RFC 8881 s18.37.3: the machine principal alone destroys the session (DS-05). */
static void test_destroy_session(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-ds", true, sid, &cid);

	harness_as(OTHER_UID);
	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4ERR_WRONG_CRED); /* DS-05 */
	CHECK_STATUS(in_session(s, 1, sid, 1, harness_destroy_session(sid)),
		     NFS4ERR_WRONG_CRED);                                  /* DS-05, SES-44 */
	CHECK_U64(harness_nsessions(s), 1);
	harness_as(0);
	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4_OK); /* DS-05 */
	CHECK_U64(harness_nsessions(s), 0);
	sm_free(s);
}

/* Under SP4_NONE any principal may destroy it (SES-43): the hook made the difference. */
static void test_sp4_none_unprotected(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "mc-none", sid, &cid);
	harness_as(OTHER_UID);
	CHECK_STATUS(one_op(s, 2, harness_bind_conn(sid, CDFC4_FORE)), NFS4_OK); /* SES-43 */
	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4_OK);      /* SES-43 */
	CHECK_STATUS(one_op(s, 1, harness_destroy_clientid(cid)), NFS4_OK);     /* SES-43 */
	sm_free(s);
}

/* RFC 8881 s18.34.3: with BIND_CONN_TO_SESSION enforced, only the machine credential binds. */
static void test_bind_conn(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-bind", true, sid, &cid);

	harness_as(OTHER_UID);
	CHECK_STATUS(one_op(s, 2, harness_bind_conn(sid, CDFC4_FORE)), NFS4ERR_WRONG_CRED); /* BCTS-04 */
	CHECK_U64(harness_conn_dir(s, sid, 2), 0);
	harness_as(0);
	CHECK_STATUS(one_op(s, 2, harness_bind_conn(sid, CDFC4_FORE)), NFS4_OK); /* BCTS-04 */
	CHECK_U64(harness_conn_dir(s, sid, 2), CDFS4_FORE);
	sm_free(s);
}

/* Without BIND_CONN_TO_SESSION in the set, any principal binds, as under SP4_NONE (SES-44). */
static void test_bind_conn_not_enforced(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-nobind", false, sid, &cid);

	harness_as(OTHER_UID);
	CHECK_STATUS(one_op(s, 2, harness_bind_conn(sid, CDFC4_FORE)), NFS4_OK); /* SES-44 */
	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4ERR_WRONG_CRED); /* DS-05 */
	sm_free(s);
}

/* RFC 8881 s18.46.3: with binding enforced, SEQUENCE on an unbound connection binds nothing
 * and leaves the slot alone (SEQ-11); after BIND_CONN_TO_SESSION it is served. */
static void test_sequence_unbound(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-seq", true, sid, &cid);

	CHECK_STATUS(harness_seq(s, 2, sid, 0, 1, NULL), NFS4ERR_CONN_NOT_BOUND_TO_SESSION); /* SEQ-11 */
	CHECK_U64(harness_conn_dir(s, sid, 2), 0);                                          /* SEQ-11 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* seqid 1 is still new */
	CHECK_STATUS(one_op(s, 2, harness_bind_conn(sid, CDFC4_FORE)), NFS4_OK);
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 2, NULL), NFS4_OK); /* SEQ-11 */
	/* SEQUENCE is not in the set: another principal works on a bound connection */
	harness_as(OTHER_UID);
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 3, NULL), NFS4_OK); /* SES-44 */
	CHECK_STATUS(harness_seq(s, 3, sid, 0, 4, NULL), NFS4ERR_CONN_NOT_BOUND_TO_SESSION);
	sm_free(s);
}

/* Binding not enforced: SEQUENCE still binds implicitly (SES-08). */
static void test_sequence_implicit_without_bind(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-seq-nobind", false, sid, &cid);

	CHECK_STATUS(harness_seq(s, 2, sid, 0, 1, NULL), NFS4_OK); /* SES-08 */
	CHECK_U64(harness_conn_dir(s, sid, 2), CDFS4_FORE);         /* SES-08 */
	sm_free(s);
}

/* RFC 8881 s2.10.8.3, s18.35.3: DESTROY_CLIENTID in the set (DCID-09). */
static void test_destroy_clientid(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-dcid", true, sid, &cid);

	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4_OK);
	harness_as(OTHER_UID);
	CHECK_STATUS(one_op(s, 1, harness_destroy_clientid(cid)), NFS4ERR_WRONG_CRED); /* DCID-09 */
	CHECK_U64(harness_nclients(s), 1);
	CHECK_STATUS(one_op(s, 1, harness_destroy_clientid(cid + 1000)), NFS4ERR_STALE_CLIENTID);
	harness_as(0);
	CHECK_STATUS(one_op(s, 1, harness_destroy_clientid(cid)), NFS4_OK); /* DCID-09 */
	CHECK_U64(harness_nclients(s), 0);
	sm_free(s);
}

/* CREATE_SESSION in the set: another principal neither creates a session nor uses the
 * CREATE_SESSION slot (SES-44; under SP4_NONE it could, CS-14). */
static void test_create_session(void)
{
	uint8_t sid[16], sid2[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-cs", true, sid, &cid);
	struct nfs_argop cs = harness_create_session(cid, 2, 4);

	harness_as(OTHER_UID);
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4ERR_WRONG_CRED); /* SES-44 */
	cs = harness_create_session(cid, 1, 4); /* nor is the last reply replayed to it */
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4ERR_WRONG_CRED); /* SES-44 */
	CHECK_U64(harness_nsessions(s), 1);
	harness_as(0);
	cs = harness_create_session(cid, 2, 4); /* the slot did not move: 2 is new */
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4_OK); /* SES-44 */
	CHECK_U64(harness_nsessions(s), 2);
	sm_free(s);
}

/*
 * RFC 8881 s18.35.3: while the lease lasts, the owner's EXCHANGE_IDs must use the machine
 * credential. Another principal is refused even when the client holds no session (under SP4_NONE
 * case 3 would hand it a new record, EXID-22); once the lease expired it may take over.
 */
static void test_exchange_id_other_principal(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-exid", true, sid, &cid);
	struct EXCHANGE_ID4resok r;

	CHECK_STATUS(one_op(s, 1, harness_destroy_session(sid)), NFS4_OK);
	harness_as(OTHER_UID);
	CHECK_STATUS(exchange(s, "mc-exid", &r), NFS4ERR_CLID_INUSE); /* SES-44 */
	harness_as(0);
	CHECK_STATUS(exchange(s, "mc-exid", &r), NFS4_OK); /* case 2, the machine credential */
	CHECK_U64(r.eir_clientid, cid);
	harness_now += 91000; /* the lease is over: the protection with it */
	harness_as(OTHER_UID);
	CHECK_STATUS(exchange(s, "mc-exid", &r), NFS4_OK); /* SES-44, EXID-22 */
	CU_ASSERT_NOT_EQUAL(r.eir_clientid, cid);
	CU_ASSERT_EQUAL(r.eir_state_protect.spr_how, SP4_NONE);
	sm_free(s);
}

/* The record keeps reporting what it has (EXID-19), with the mandatory set (EXID-17). */
static void test_exchange_id_reports_protection(void)
{
	uint8_t sid[16];
	uint64_t cid;
	struct sm *s = protected_session("mc-report", false, sid, &cid);
	struct EXCHANGE_ID4resok r;
	const struct bitmap4 *b = &r.eir_state_protect.spr_mach_ops.spo_must_enforce;

	CHECK_STATUS(exchange(s, "mc-report", &r), NFS4_OK);
	CHECK_U64(r.eir_state_protect.spr_how, SP4_MACH_CRED); /* EXID-19 */
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_EXCHANGE_ID));       /* EXID-17 */
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_CREATE_SESSION));
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_DESTROY_SESSION));
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_DESTROY_CLIENTID));
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_DELEGPURGE));
	CU_ASSERT_FALSE(bitmap4_isset(b, OP_BIND_CONN_TO_SESSION)); /* bind=false */
	CU_ASSERT_FALSE(bitmap4_isset(b, OP_SEQUENCE));
	CU_ASSERT_EQUAL(r.eir_state_protect.spr_mach_ops.spo_must_allow.count, 0);
	CU_ASSERT_EQUAL(sm_hook_mach_cred(s, cid, true), 0);
	CHECK_STATUS(exchange(s, "mc-report", &r), NFS4_OK);
	CU_ASSERT_TRUE(bitmap4_isset(b, OP_BIND_CONN_TO_SESSION)); /* EXID-17 */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"hook on an unknown client", test_unknown_client},
		{"DS-05: DESTROY_SESSION needs the machine credential", test_destroy_session},
		{"SES-43: SP4_NONE protects nothing", test_sp4_none_unprotected},
		{"BCTS-04: BIND_CONN_TO_SESSION needs the machine credential", test_bind_conn},
		{"SES-44: BIND_CONN_TO_SESSION outside the set", test_bind_conn_not_enforced},
		{"SEQ-11: SEQUENCE on an unbound connection", test_sequence_unbound},
		{"SES-08: implicit binding when binding is not enforced",
		 test_sequence_implicit_without_bind},
		{"DCID-09: DESTROY_CLIENTID needs the machine credential", test_destroy_clientid},
		{"SES-44: CREATE_SESSION needs the machine credential", test_create_session},
		{"SES-44: EXCHANGE_ID from another principal", test_exchange_id_other_principal},
		{"EXID-19: EXCHANGE_ID reports SP4_MACH_CRED", test_exchange_id_reports_protection},
		{NULL, NULL}};

	tests_add_suite("SP4_MACH_CRED through the mach-cred hook", tests);
}
