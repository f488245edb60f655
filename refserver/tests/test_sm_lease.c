/*
 * test_sm_lease.c - leases (RFC 8881 s8.3) and the reaper: what renews a lease, its exact end,
 * what the reaper takes (expired clients, stale unconfirmed records), what SEQUENCE answers in
 * between, and ids that outlive their state.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

static bool client_exists(const struct sm *s, uint64_t clientid)
{
	struct sm_client_info ci;

	return harness_client_info(s, clientid, &ci);
}

/* RFC 8881 s8.3, s18.46.3: SEQUENCE renews; an unrenewed lease ends the client's state. */
static void test_lease_and_reaper(void)
{
	struct sm *s = harness_sm(2);
	uint8_t sid[16];
	uint64_t clientid;
	struct sm_stats st;

	harness_open_session(s, 1, "owner-s", sid, &clientid);
	harness_now += 1500;
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* renewed for 2 s from here */
	harness_now += 1500;
	sm_reap(s);
	sm_stats(s, &st);
	CHECK_U64(st.sessions_active, 1); /* SEQ-08, SES-04 */
	harness_now += 1000;              /* 2.5 s without renewal */
	sm_reap(s);
	sm_stats(s, &st);
	CHECK_U64(st.sessions_active, 0);
	CHECK_U64(st.reaped_clients, 1);
	CHECK_U64(st.destroyed_by[SM_BY_REAPER], 1);
	CHECK_U64(st.duration_count, 1);
	CHECK_U64(st.duration_buckets[1], 1); /* lived 4 s: the (1, 10] bucket */
	CHECK(st.sequences >= 1, "no SEQUENCE counted");
	CHECK(st.reaper_runs >= 2, "reaper runs not counted");
	/* never NFS4ERR_EXPIRED: the state is gone (SEQ-08, SES-39) */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 2, NULL), NFS4ERR_BADSESSION);
	sm_free(s);
}

/* The lease ends exactly lease_time after the last renewal. */
static void test_lease_boundary(void)
{
	struct sm *s = harness_sm(10);
	uint8_t sid[16];
	uint64_t cid, renewed;
	struct sm_client_info ci;

	harness_open_session(s, 1, "boundary", sid, &cid);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);
	renewed = harness_now;
	REQUIRE(harness_client_info(s, cid, &ci));
	CHECK_U64(ci.lease_expiry_ms, renewed + 10000); /* SEQ-08 */
	harness_now = renewed + 9999;
	sm_reap(s);
	CHECK(client_exists(s, cid), "reaped 1 ms early"); /* SEQ-08 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 2, NULL), NFS4_OK); /* SES-38: idle just under the lease */
	harness_now += 10000;
	sm_reap(s);
	CHECK(!client_exists(s, cid), "lease outlived"); /* SEQ-08 */
	sm_free(s);
}

/* RFC 8881 s18.46.3: between expiry and the reaper, SEQUENCE takes the state away itself. */
static void test_expired_before_reaper(void)
{
	struct sm *s = harness_sm(2);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop cs;

	harness_open_session(s, 1, "expired", sid, &cid);
	harness_now += 2000;
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION); /* SEQ-08: not EXPIRED */
	CHECK(!client_exists(s, cid), "the expired client is still there");
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4ERR_STALE_CLIENTID); /* SES-40 */
	sm_free(s);
}

/* RFC 8881 s18.35.4: an unconfirmed record nobody confirms goes after unconfirmed_seconds. */
static void test_unconfirmed_expire(void)
{
	struct sm_limits l;
	struct sm *s;
	uint64_t cid;
	uint8_t sid[16];
	struct nfs_argop cs;

	sm_limits_default(&l);
	l.lease_seconds = 90;
	l.unconfirmed_seconds = 5;
	s = harness_sm_limits(&l);
	cid = harness_new_client(s, 1, "unconfirmed");
	harness_now += 4999;
	sm_reap(s);
	CHECK(client_exists(s, cid), "dropped early"); /* EXID-31 */
	harness_now += 1;
	sm_reap(s);
	CHECK(!client_exists(s, cid), "kept past unconfirmed_seconds"); /* EXID-31 */
	cs = harness_create_session(cid, 1, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4ERR_STALE_CLIENTID); /* EXID-31 */
	sm_free(s);
}

/* Confirmation starts a full lease (RFC 8881 s8.3); an idle confirmed client without sessions is
 * reaped when it ends. */
static void test_confirmation_starts_lease(void)
{
	struct sm_limits l;
	struct sm *s;
	uint64_t cid;
	uint8_t sid[16];
	struct nfs_argop cs, ds;
	struct sm_client_info ci;

	sm_limits_default(&l);
	l.lease_seconds = 30;
	l.unconfirmed_seconds = 5;
	s = harness_sm_limits(&l);
	cid = harness_new_client(s, 1, "confirm-lease");
	harness_now += 4000;
	cs = harness_create_session(cid, 1, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4_OK);
	REQUIRE(harness_client_info(s, cid, &ci));
	CHECK_U64(ci.lease_expiry_ms, harness_now + 30000);
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4_OK);
	harness_now += 29999;
	sm_reap(s);
	CHECK(client_exists(s, cid), "reaped early");
	harness_now += 1;
	sm_reap(s);
	CHECK(!client_exists(s, cid), "kept past its lease");
	sm_free(s);
}

/* RFC 8881 s2.10.2.2: a client using only SEQUENCE every lease/2 keeps everything. */
static void test_sequence_keeps_client(void)
{
	struct sm *s = harness_sm(4);
	uint8_t a[16], b[16];
	uint64_t ca, cb;

	harness_open_session(s, 1, "keep", a, &ca);
	harness_open_session(s, 1, "lose", b, &cb);
	for (uint32_t q = 1; q <= 6; q++) { /* 3 leases */
		harness_now += 2000;
		CHECK_STATUS(harness_seq(s, 1, a, 0, q, NULL), NFS4_OK); /* SES-04 */
		sm_reap(s);
	}
	CHECK(client_exists(s, ca), "the renewing client was reaped"); /* SES-04 */
	CHECK(!client_exists(s, cb), "the idle client outlived its lease");
	sm_free(s);
}

/* RFC 8881 s2.10.13.1.4: a purged session answers BADSESSION everywhere. */
static void test_purged_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ds, bind;

	harness_open_session(s, 1, "purged", sid, &cid);
	CHECK_U64(sm_admin_destroy_session(s, cid, sid), 0);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION); /* SES-39 */
	bind = harness_bind_conn(sid, CDFC4_FORE);
	CHECK_STATUS(harness_status(s, 1, &bind, 1), NFS4ERR_BADSESSION); /* SES-39 */
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4ERR_BADSESSION); /* SES-39 */
	CHECK(client_exists(s, cid), "the client went with its session");
	sm_free(s);
}

/* RFC 8881 s2.4: ids from a server that restarted are stale on the new one. */
static void test_ids_across_restart(void)
{
	struct sm *before = harness_sm(90), *after;
	uint8_t sid[16], fresh_sid[16];
	uint64_t cid;
	struct nfs_argop cs;

	harness_open_session(before, 1, "restart", sid, &cid);
	sm_free(before);
	after = harness_sm(90); /* a new server process */
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(after, 1, &cs, fresh_sid, NULL), NFS4ERR_STALE_CLIENTID); /* SES-40 */
	CHECK_STATUS(harness_seq(after, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION);              /* SES-39 */
	sm_free(after);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"lease renewal and the reaper", test_lease_and_reaper},
		{"the lease's exact end", test_lease_boundary},
		{"expired before the reaper ran", test_expired_before_reaper},
		{"unconfirmed records expire", test_unconfirmed_expire},
		{"confirmation starts a lease", test_confirmation_starts_lease},
		{"SEQUENCE alone keeps the client", test_sequence_keeps_client},
		{"purged session", test_purged_session},
		{"ids across a restart", test_ids_across_restart},
		{NULL, NULL}};

	tests_add_suite("state machine: leases and the reaper", tests);
}
