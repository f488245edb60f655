/*
 * test_sm_bind_conn.c - BIND_CONN_TO_SESSION (RFC 8881 s18.34): always alone, binds the carrying
 * connection in the directions of s18.34.3's table, idempotent, and what it does to the back
 * channel's status flags.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* What a BIND_CONN_TO_SESSION answered. */
struct bind_result {
	uint32_t status;
	struct BIND_CONN_TO_SESSION4resok ok;
};

static struct bind_result bind_conn(struct sm *s, uint64_t conn, const uint8_t sid[16],
				    uint32_t dir, bool rdma)
{
	struct nfs_argop op = harness_bind_conn(sid, dir);
	struct harness_reply r;
	struct bind_result b;

	memset(&b, 0, sizeof(b));
	op.u.bind_conn_to_session.bctsa_use_conn_in_rdma_mode = rdma;
	harness_compound(s, conn, &op, 1, &r);
	b.status = harness_reply_status(&r);
	if (b.status == NFS4_OK && harness_nres(&r) == 1)
		b.ok = harness_res(&r, 0)->u.bind_conn_to_session;
	harness_reply_free(&r);
	return b;
}

/* RFC 8881 s18.34.3: never with another op, not even after SEQUENCE. */
static void test_always_alone(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "bcts-alone", sid, &cid);
	ops[0] = harness_bind_conn(sid, CDFC4_FORE);
	ops[1] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 2, ops, 2), NFS4ERR_NOT_ONLY_OP); /* BCTS-01 */
	ops[1] = ops[0];
	ops[0] = harness_sequence(sid, 0, 1, false);
	harness_compound(s, 2, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_NOT_ONLY_OP); /* BCTS-01 */
	CHECK(harness_nres(&r) == 2 && harness_res(&r, 1)->op == OP_BIND_CONN_TO_SESSION,
	      "not on the second result"); /* BCTS-01 */
	harness_reply_free(&r);
	CHECK_U64(harness_conn_dir(s, sid, 2), CDFS4_FORE); /* only SEQUENCE's implicit binding */
	sm_free(s);
}

/* RFC 8881 s18.34.3: the connection it arrives on is bound, and only that one. */
static void test_binds_carrying_connection(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct bind_result b;

	harness_open_session(s, 1, "bcts-carry", sid, &cid);
	b = bind_conn(s, 2, sid, CDFC4_FORE, false);
	CHECK_STATUS(b.status, NFS4_OK);                     /* BCTS-02 */
	CHECK_U64(harness_conn_dir(s, sid, 2), CDFS4_FORE);  /* BCTS-02 */
	CHECK_U64(harness_conn_dir(s, sid, 1), CDFS4_FORE);  /* BCTS-02: A unchanged */
	CHECK_U64(harness_conn_dir(s, sid, 3), 0);           /* BCTS-02: only that one */
	CHECK(!memcmp(b.ok.bctsr_sessid, sid, 16), "bctsr_sessid"); /* BCTS-09 */
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 1, NULL), NFS4_OK);  /* BCTS-02 */
	sm_free(s);
}

/* RFC 8881 s18.34.3: under SP4_NONE any principal and flavor may bind. */
static void test_any_credential(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "bcts-cred", sid, &cid);
	harness_as(1234);
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_FORE, false).status, NFS4_OK); /* BCTS-03, SES-43 */
	harness_cred = (struct harness_cred){.flavor = ONCRPC_AUTH_NONE};
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_FORE, false).status, NFS4_OK); /* BCTS-03, SES-43 */
	sm_free(s);
}

/* RFC 8881 s18.34.3: the direction granted for each direction asked, on fresh connections. */
static void test_direction_table(void)
{
	static const struct {
		uint32_t asked, want1, want2;
	} table[] = {{CDFC4_FORE, CDFS4_FORE, CDFS4_FORE},
		     {CDFC4_BACK, CDFS4_BACK, CDFS4_BACK},
		     {CDFC4_FORE_OR_BOTH, CDFS4_FORE, CDFS4_BOTH},
		     {CDFC4_BACK_OR_BOTH, CDFS4_BACK, CDFS4_BOTH}};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "bcts-dir", sid, &cid);
	for (uint32_t i = 0; i < 4; i++) {
		struct bind_result b = bind_conn(s, 10 + i, sid, table[i].asked, false);
		CHECK_STATUS(b.status, NFS4_OK);
		CHECK(b.ok.bctsr_dir == table[i].want1 || b.ok.bctsr_dir == table[i].want2,
		      "asked %#x, got %#x", table[i].asked, b.ok.bctsr_dir); /* BCTS-05 */
		CHECK_U64(harness_conn_dir(s, sid, 10 + i), b.ok.bctsr_dir); /* BCTS-05 */
	}
	sm_free(s);
}

/* RFC 8881 s18.34.1, s15.1.1.1: directions outside the enum are refused. */
static void test_direction_values(void)
{
	static const uint32_t bad[] = {0, 4, 5, 6, 8, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "bcts-enum", sid, &cid);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t st = bind_conn(s, 2, sid, bad[i], false).status;
		/* BADXDR satisfies both BCTS-06 (BADXDR, INVAL or GARBAGE_ARGS) and CMP-20 (BADXDR or
		 * GARBAGE_ARGS: an undefined enum value is a decode error, never a valid value) */
		CHECK(st == NFS4ERR_BADXDR, "dir %#x: %s", bad[i],
		      harness_status_name(st)); /* BCTS-06, CMP-20 */
	}
	CHECK_U64(harness_conn_dir(s, sid, 2), 0);
	sm_free(s);
}

/* RFC 8881 s18.34.3: re-binding changes nothing and succeeds, unless it demands other channels. */
static void test_rebind(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct bind_result b;

	harness_open_session(s, 1, "bcts-rebind", sid, &cid);
	CHECK_STATUS(bind_conn(s, 1, sid, CDFC4_FORE, false).status, NFS4_OK);  /* BCTS-07 */
	CHECK_STATUS(bind_conn(s, 1, sid, CDFC4_BACK, false).status, NFS4ERR_INVAL); /* BCTS-07 */
	CHECK_U64(harness_conn_dir(s, sid, 1), CDFS4_FORE);                     /* BCTS-07 */
	b = bind_conn(s, 2, sid, CDFC4_FORE_OR_BOTH, false);
	CHECK_STATUS(b.status, NFS4_OK);
	if (b.ok.bctsr_dir == CDFS4_BOTH)
		CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_FORE_OR_BOTH, false).status, NFS4_OK); /* BCTS-07 */
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_FORE, false).status, NFS4ERR_INVAL); /* BCTS-07 */
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_BACK, false).status, NFS4_OK);
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_BACK, false).status, NFS4_OK); /* BCTS-07 */
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_FORE, false).status, NFS4ERR_INVAL); /* BCTS-07 */
	sm_free(s);
}

/*
 * RFC 8881 s18.34.3 (BCTS-07). FORE_OR_BOTH "will accept the connection being associated to just
 * the fore channel", so on a connection already bound to the fore channel it demands no change:
 * NFS4_OK (FORE, or BOTH if upgraded); the same for BACK_OR_BOTH on a back-bound connection.
 */
static void test_rebind_or_both(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct bind_result b;

	harness_open_session(s, 1, "bcts-orboth", sid, &cid);
	b = bind_conn(s, 1, sid, CDFC4_FORE_OR_BOTH, false); /* conn 1: FORE since CREATE_SESSION */
	CHECK_STATUS(b.status, NFS4_OK); /* BCTS-07 */
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_BACK, false).status, NFS4_OK);
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_BACK_OR_BOTH, false).status, NFS4_OK); /* BCTS-07 */
	sm_free(s);
}

/* RFC 8881 s15.2: an unknown or destroyed session. */
static void test_unknown_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], zero[16] = {0};
	uint64_t cid;
	struct nfs_argop ds;

	harness_open_session(s, 1, "bcts-bad", sid, &cid);
	CHECK_STATUS(bind_conn(s, 2, zero, CDFC4_FORE, false).status, NFS4ERR_BADSESSION); /* BCTS-08 */
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4_OK);
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_FORE, false).status, NFS4ERR_BADSESSION); /* BCTS-08 */
	sm_free(s);
}

/* RFC 8881 s18.34.3, s18.36.3: a TCP-only server never reports RDMA mode. */
static void test_rdma_mode(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct bind_result b;

	harness_open_session(s, 1, "bcts-rdma", sid, &cid);
	b = bind_conn(s, 2, sid, CDFC4_FORE, true);
	CHECK_STATUS(b.status, NFS4_OK);
	CHECK(!b.ok.bctsr_use_conn_in_rdma_mode, "RDMA mode over TCP"); /* BCTS-10 */
	sm_free(s);
}

/* The sr_status_flags of a SEQUENCE on conn 1. */
static uint32_t flags(struct sm *s, const uint8_t sid[16], uint32_t seqid)
{
	struct SEQUENCE4resok q;

	memset(&q, 0, sizeof(q));
	CHECK_STATUS(harness_seq(s, 1, sid, 0, seqid, &q), NFS4_OK);
	return q.sr_status_flags;
}

/* RFC 8881 s2.10.13.2.4, s18.46.3: a back-channel binding clears the path-down flags; losing it
 * raises them again. */
static void test_back_channel_flags(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	const uint32_t down = SEQ4_STATUS_CB_PATH_DOWN | SEQ4_STATUS_CB_PATH_DOWN_SESSION;

	harness_open_session(s, 1, "bcts-flags", sid, &cid);
	CHECK(flags(s, sid, 1) & SEQ4_STATUS_CB_PATH_DOWN, "no CB_PATH_DOWN at first"); /* SEQ-12 */
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_BACK_OR_BOTH, false).status, NFS4_OK);
	CHECK_U64(flags(s, sid, 2) & down, 0); /* BCTS-11 */
	sm_conn_close(s, 2);
	CHECK(flags(s, sid, 3) & SEQ4_STATUS_CB_PATH_DOWN, "not flagged after the loss"); /* SES-41 */
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_BACK, false).status, NFS4_OK);
	CHECK_U64(flags(s, sid, 4) & down, 0); /* BCTS-11, SES-41: repaired */
	sm_free(s);
}

/* RFC 8881 s18.34.3: no slot, no cache: the same request twice succeeds twice alike. */
static void test_idempotent(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct bind_result a, b;

	harness_open_session(s, 1, "bcts-twice", sid, &cid);
	a = bind_conn(s, 2, sid, CDFC4_FORE_OR_BOTH, false);
	b = bind_conn(s, 2, sid, CDFC4_FORE_OR_BOTH, false);
	CHECK_STATUS(a.status, NFS4_OK);                 /* BCTS-12 */
	CHECK_STATUS(b.status, NFS4_OK);                 /* BCTS-12 */
	CHECK_U64(b.ok.bctsr_dir, a.ok.bctsr_dir);        /* BCTS-12 */
	sm_free(s);
}

/* The session's connection cap: a further binding is told to wait; SEQUENCE still works. */
static void test_connection_cap(void)
{
	struct sm_limits l;
	struct sm *s;
	uint8_t sid[16];
	uint64_t cid;

	sm_limits_default(&l);
	l.max_conns_per_session = 2;
	s = harness_sm_limits(&l);
	harness_open_session(s, 1, "bcts-cap", sid, &cid);
	CHECK_STATUS(bind_conn(s, 2, sid, CDFC4_FORE, false).status, NFS4_OK);
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_FORE, false).status, NFS4ERR_DELAY);
	CHECK_U64(harness_conn_dir(s, sid, 3), 0);
	CHECK_STATUS(harness_seq(s, 3, sid, 0, 1, NULL), NFS4_OK); /* served, though not bound */
	sm_conn_close(s, 2);
	CHECK_STATUS(bind_conn(s, 3, sid, CDFC4_FORE, false).status, NFS4_OK);
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"always the only operation", test_always_alone},
		{"binds the carrying connection", test_binds_carrying_connection},
		{"any credential under SP4_NONE", test_any_credential},
		{"direction table", test_direction_table},
		{"direction enum values", test_direction_values},
		{"re-binding a bound connection", test_rebind},
		{"BCTS-07: FORE_OR_BOTH on a fore-bound connection", test_rebind_or_both},
		{"unknown or destroyed session", test_unknown_session},
		{"RDMA mode reported truthfully", test_rdma_mode},
		{"back-channel binding and the path-down flags", test_back_channel_flags},
		{"idempotent", test_idempotent},
		{"connection cap", test_connection_cap},
		{NULL, NULL}};

	tests_add_suite("state machine: BIND_CONN_TO_SESSION", tests);
}
