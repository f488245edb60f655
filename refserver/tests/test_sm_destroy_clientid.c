/*
 * test_sm_destroy_clientid.c - DESTROY_CLIENTID (RFC 8881 s18.50): busy client ids, unknown
 * ones, unconfirmed ones, and a server that forgets the id afterwards.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

static uint32_t destroy_clientid(struct sm *s, uint64_t conn, uint64_t clientid)
{
	struct nfs_argop op = harness_destroy_clientid(clientid);

	return harness_status(s, conn, &op, 1);
}

/* RFC 8881 s18.50.3: a client id with sessions is busy; nothing changes. */
static void test_busy(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "dcid-busy", sid, &cid);
	CHECK_STATUS(destroy_clientid(s, 1, cid), NFS4ERR_CLIENTID_BUSY); /* DCID-01 */
	CHECK_STATUS(destroy_clientid(s, 2, cid), NFS4ERR_CLIENTID_BUSY); /* DCID-01 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);        /* DCID-01: still usable */
	sm_free(s);
}

/* RFC 8881 s18.50.3: inside one of its own sessions the client id is busy. */
static void test_own_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "dcid-own", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_destroy_clientid(cid);
	harness_compound(s, 1, ops, 2, &r);
	CHECK_U64(harness_nres(&r), 2);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_CLIENTID_BUSY); /* DCID-02 */
	harness_reply_free(&r);
	CHECK_U64(harness_nclients(s), 1);
	sm_free(s);
}

/* RFC 8881 s18.50.3: inside another client's session. */
static void test_other_clients_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t a, b;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "dcid-a", sid, &a);
	b = harness_new_client(s, 1, "dcid-b");
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_destroy_clientid(b);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK); /* DCID-03 */
	CHECK_U64(harness_nclients(s), 1);
	sm_free(s);
}

/* RFC 8881 s18.50.3: session-less, it stands alone (catalogue s17: one result). */
static void test_alone(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "dcid-alone");
	struct nfs_argop ops[2] = {harness_destroy_clientid(cid), harness_reclaim_complete(false)};

	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* DCID-04 */
	CHECK_U64(harness_nclients(s), 1);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK); /* alone it is allowed first (CMP-08) */
	sm_free(s);
}

/* RFC 8881 s15.2, s15.1.13.5: unknown client ids, and a second destruction. */
static void test_unknown(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "dcid-unknown");

	CHECK_STATUS(destroy_clientid(s, 1, 0), NFS4ERR_STALE_CLIENTID);        /* DCID-05 */
	CHECK_STATUS(destroy_clientid(s, 1, ~0ull), NFS4ERR_STALE_CLIENTID);    /* DCID-05 */
	CHECK_STATUS(destroy_clientid(s, 1, cid ^ 1), NFS4ERR_STALE_CLIENTID);  /* DCID-05 */
	CHECK_STATUS(destroy_clientid(s, 1, cid), NFS4_OK);
	CHECK_STATUS(destroy_clientid(s, 1, cid), NFS4ERR_STALE_CLIENTID); /* DCID-05, DCID-10 */
	sm_free(s);
}

/* RFC 8881 s18.50.3: an unconfirmed client id, without state, can be destroyed. */
static void test_unconfirmed(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "dcid-unconfirmed");
	uint8_t sid[16];
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct sm_stats st;

	CHECK_STATUS(destroy_clientid(s, 1, cid), NFS4_OK); /* DCID-06 */
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4ERR_STALE_CLIENTID); /* DCID-06 */
	sm_stats(s, &st);
	CHECK_U64(st.clients_unconfirmed, 0);
	sm_free(s);
}

/* RFC 8881 s18.50.4, s18.35.4: after destruction the owner is new again (case 1). */
static void test_forgotten(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid, again;
	struct nfs_argop ds, ex = harness_exchange_id("dcid-forget", 0);
	struct harness_reply r;

	harness_open_session(s, 1, "dcid-forget", sid, &cid);
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4_OK);
	harness_as(777); /* SP4_NONE: any principal may destroy it (SES-43) */
	CHECK_STATUS(destroy_clientid(s, 2, cid), NFS4_OK); /* SES-43 */
	harness_as(0);
	harness_compound(s, 1, &ex, 1, &r);
	REQUIRE(harness_nres(&r) == 1);
	again = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	CHECK_U64(harness_res(&r, 0)->u.exchange_id.eir_flags & EXCHGID4_FLAG_CONFIRMED_R, 0); /* DCID-07 */
	harness_reply_free(&r);
	CHECK(again != cid, "the forgotten id came back at once"); /* DCID-07 (DCID-08 allows later) */
	sm_free(s);
}

/* RFC 8881 s2.4.2: a client that keeps renewing its lease is never released. */
static void test_never_released_while_renewing(void)
{
	struct sm *s = harness_sm(10);
	uint8_t sid[16];
	uint64_t cid;
	struct sm_client_info ci;

	harness_open_session(s, 1, "dcid-renew", sid, &cid);
	for (uint32_t q = 1; q <= 6; q++) { /* every lease/2, for 3 leases */
		harness_now += 5000;
		sm_reap(s);
		CHECK_STATUS(harness_seq(s, 1, sid, 0, q, NULL), NFS4_OK); /* DCID-11 */
	}
	CHECK(harness_client_info(s, cid, &ci) && ci.nsessions == 1, "released"); /* DCID-11 */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"busy client id", test_busy},
		{"inside its own session", test_own_session},
		{"inside another client's session", test_other_clients_session},
		{"session-less DESTROY_CLIENTID is alone", test_alone},
		{"unknown client id", test_unknown},
		{"unconfirmed client id", test_unconfirmed},
		{"forgotten after destruction", test_forgotten},
		{"never released while renewing", test_never_released_while_renewing},
		{NULL, NULL}};

	tests_add_suite("state machine: DESTROY_CLIENTID", tests);
}
