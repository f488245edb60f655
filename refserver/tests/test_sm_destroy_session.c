/*
 * test_sm_destroy_session.c - DESTROY_SESSION (RFC 8881 s18.37): what goes with the session and
 * what survives it, the bound-connection rule, and its position in a COMPOUND.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

static uint32_t destroy(struct sm *s, uint64_t conn, const uint8_t sid[16])
{
	struct nfs_argop op = harness_destroy_session(sid);

	return harness_status(s, conn, &op, 1);
}

/* RFC 8881 s18.37.3: the session and its reply cache go; every op naming it is BADSESSION. */
static void test_session_destroyed(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2], bind;
	struct sm_stats st;

	harness_open_session(s, 1, "ds", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
	sm_stats(s, &st);
	CHECK(st.reply_cache_bytes > 0, "nothing cached");
	CHECK_STATUS(destroy(s, 1, sid), NFS4_OK); /* DS-01 */
	sm_stats(s, &st);
	CHECK_U64(st.reply_cache_bytes, 0);        /* DS-01: the cache went too */
	CHECK_U64(st.destroyed_by[SM_BY_CLIENT], 1);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_BADSESSION); /* DS-01: even the replay */
	bind = harness_bind_conn(sid, CDFC4_FORE);
	CHECK_STATUS(harness_status(s, 1, &bind, 1), NFS4ERR_BADSESSION); /* DS-01 */
	CHECK_STATUS(destroy(s, 1, sid), NFS4ERR_BADSESSION);            /* DS-01, DS-10 */
	sm_free(s);
}

/* RFC 8881 s18.37.3: the client id, its lease and its CREATE_SESSION slot survive. */
static void test_client_survives(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], sid2[16];
	uint64_t cid;
	struct sm_client_info before, after;
	struct nfs_argop cs;

	harness_open_session(s, 1, "ds-client", sid, &cid);
	REQUIRE(harness_client_info(s, cid, &before));
	CHECK_STATUS(destroy(s, 1, sid), NFS4_OK);
	CHECK(harness_client_info(s, cid, &after) && after.confirmed, "client gone"); /* DS-02 */
	CHECK_U64(after.lease_expiry_ms, before.lease_expiry_ms);                    /* DS-02 */
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4_OK); /* DS-02 */
	CHECK_STATUS(harness_seq(s, 1, sid2, 0, 1, NULL), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.37.3: its connections are released; they may serve other sessions. */
static void test_connections_released(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t ca, cb;
	struct sm_session_info info;

	harness_open_session(s, 1, "ds-conn-a", a, &ca);
	harness_open_session(s, 1, "ds-conn-b", b, &cb);
	CHECK_STATUS(harness_seq(s, 2, a, 0, 1, NULL), NFS4_OK); /* conns 1 and 2 bound to a */
	CHECK_STATUS(destroy(s, 1, a), NFS4_OK);
	CHECK(!harness_session_info(s, a, &info), "session a listed"); /* DS-03 */
	CHECK_U64(harness_conn_dir(s, b, 1), CDFS4_FORE);             /* DS-03: b keeps conn 1 */
	CHECK_STATUS(harness_seq(s, 1, b, 0, 1, NULL), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.37.3: DESTROY_SESSION must come on a connection bound to the session (catalogue
 * s17: CONN_NOT_BOUND_TO_SESSION otherwise). */
static void test_bound_connection(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "ds-bound", sid, &cid);
	CHECK_STATUS(destroy(s, 2, sid), NFS4ERR_CONN_NOT_BOUND_TO_SESSION); /* DS-04 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);           /* DS-04: survives */
	harness_as(4242); /* SP4_NONE: any principal (SES-43) */
	CHECK_STATUS(destroy(s, 1, sid), NFS4_OK); /* DS-04, SES-43 */
	sm_free(s);
}

/*
 * RFC 8881 s18.37.3 (DS-04): "DESTROY_SESSION MUST be invoked on a connection that is associated
 * with the session being destroyed" - also after a SEQUENCE for another session:
 * [SEQUENCE(X), DESTROY_SESSION(Y)] on a connection bound to X alone leaves Y alone.
 */
static void test_bound_connection_after_sequence(void)
{
	struct sm *s = harness_sm(90);
	uint8_t x[16], y[16];
	uint64_t cx, cy;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "ds-x", x, &cx);
	harness_open_session(s, 2, "ds-y", y, &cy);
	ops[0] = harness_sequence(x, 0, 1, false);
	ops[1] = harness_destroy_session(y);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_CONN_NOT_BOUND_TO_SESSION); /* DS-04 */
	CHECK_STATUS(harness_seq(s, 2, y, 0, 1, NULL), NFS4_OK); /* DS-04: y survives */
	sm_free(s);
}

/* RFC 8881 s18.37.3: after SEQUENCE on the same session DESTROY_SESSION must be last. */
static void test_own_session_last(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[3];
	struct harness_reply r;

	harness_open_session(s, 1, "ds-last", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_destroy_session(sid);
	ops[2] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 3, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_NOT_ONLY_OP); /* DS-06 */
	CHECK_U64(harness_nres(&r), 2);                              /* DS-06: on DESTROY_SESSION */
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 2, NULL), NFS4_OK); /* DS-06: the session survived */
	ops[0] = harness_sequence(sid, 0, 3, true);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK); /* DS-06: last is fine */
	CHECK_U64(harness_nsessions(s), 0);
	/* its retry finds neither session nor cache */
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_BADSESSION); /* DS-11 */
	sm_free(s);
}

/* RFC 8881 s18.37.3: another session (of any client) may be destroyed anywhere after SEQUENCE. */
static void test_other_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t x[16], y[16], z[16];
	uint64_t cx, cy;
	struct nfs_argop ops[4];
	struct harness_reply r;

	harness_open_session(s, 1, "ds-other-x", x, &cx);
	harness_open_session(s, 1, "ds-other-y", y, &cy);
	ops[0] = harness_create_session(cx, 2, 4);
	CHECK_STATUS(harness_create(s, 1, ops, z, NULL), NFS4_OK); /* x's client, second session */
	ops[0] = harness_sequence(x, 0, 1, false);
	ops[1] = harness_destroy_session(y); /* another client's */
	ops[2] = harness_destroy_session(z); /* the same client's */
	ops[3] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 4, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* DS-07 */
	CHECK_U64(harness_nres(&r), 4);                  /* DS-07 */
	harness_reply_free(&r);
	CHECK_U64(harness_nsessions(s), 1);
	CHECK_STATUS(harness_seq(s, 1, x, 0, 2, NULL), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s15.1.11.1: a session the server does not know. */
static void test_unknown_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t zero[16] = {0}, sid[16], other[16];
	uint64_t cid;

	harness_open_session(s, 1, "ds-unknown", sid, &cid);
	memcpy(other, sid, 16);
	other[0] ^= 1;
	CHECK_STATUS(destroy(s, 1, zero), NFS4ERR_BADSESSION);  /* DS-10 */
	CHECK_STATUS(destroy(s, 1, other), NFS4ERR_BADSESSION); /* DS-10 */
	CHECK_U64(harness_nsessions(s), 1);
	sm_free(s);
}

/* RFC 8881 s18.37.3: a session with a back channel is destroyed all the same (no callbacks are
 * ever outstanding here). */
static void test_with_back_channel(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop bind;

	harness_open_session(s, 1, "ds-back", sid, &cid);
	bind = harness_bind_conn(sid, CDFC4_BACK);
	CHECK_STATUS(harness_status(s, 2, &bind, 1), NFS4_OK);
	CHECK_STATUS(destroy(s, 2, sid), NFS4_OK); /* DS-09: not refused; back-bound counts (DS-04) */
	sm_free(s);
}

/* RFC 8881 s18.37: a request still executing on the session makes DESTROY_SESSION wait
 * (catalogue s17: DELAY). */
static void test_requests_in_flight(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], *held = NULL;
	size_t len = 0;
	uint64_t cid, conn = 0;
	struct nfs_argop op;
	struct harness_reply r;

	harness_open_session(s, 1, "ds-busy", sid, &cid);
	CHECK_U64(sm_hook_delay(s, sid, 1, 50), 0);
	op = harness_sequence(sid, 1, 1, false);
	harness_compound(s, 1, &op, 1, &r);
	CHECK_U64(r.action, SM_NOTHING);
	harness_reply_free(&r);
	CHECK_STATUS(destroy(s, 1, sid), NFS4ERR_DELAY); /* DS-12 */
	harness_now += 50;
	REQUIRE(sm_release_due(s, &conn, &held, &len));
	free(held);
	CHECK_STATUS(destroy(s, 1, sid), NFS4_OK); /* DS-12: the slow request completed */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"session and reply cache destroyed", test_session_destroyed},
		{"client state survives", test_client_survives},
		{"connections released", test_connections_released},
		{"sent on a bound connection", test_bound_connection},
		{"DS-04: bound connection after a SEQUENCE",
		 test_bound_connection_after_sequence},
		{"own session must be last", test_own_session_last},
		{"destroying other sessions", test_other_session},
		{"unknown session", test_unknown_session},
		{"session with a back channel", test_with_back_channel},
		{"requests in flight", test_requests_in_flight},
		{NULL, NULL}};

	tests_add_suite("state machine: DESTROY_SESSION", tests);
}
