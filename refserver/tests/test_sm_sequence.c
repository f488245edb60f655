/*
 * test_sm_sequence.c - SEQUENCE (RFC 8881 s18.46) and the session's slots (s2.10.6.1): seqid
 * verdicts and the wrap, the reply cache and exactly-once execution, false retries, uncached
 * retries, highest/target slot ids, implicit binding, status flags and the lease it renews.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

#define DEFINED_STATUS_FLAGS 0x00001FFFu

static struct nfs_argop seq_hi(const uint8_t sid[16], uint32_t slot, uint32_t seqid,
			       uint32_t highest, bool cachethis)
{
	struct nfs_argop op = harness_sequence(sid, slot, seqid, cachethis);

	op.u.sequence.sa_highest_slotid = highest;
	return op;
}

/* Solo SEQUENCEs on slot with seqids 1..upto, all expected to succeed. */
static void advance(struct sm *s, const uint8_t sid[16], uint32_t slot, uint32_t upto)
{
	for (uint32_t q = 1; q <= upto; q++)
		CHECK(harness_seq(s, 1, sid, slot, q, NULL) == NFS4_OK, "slot %u seqid %u", slot, q);
}

static bool same_res_bytes(const struct harness_reply *a, const struct harness_reply *b)
{
	size_t la, lb;
	const uint8_t *ra = harness_res_bytes(a, &la), *rb = harness_res_bytes(b, &lb);

	return ra && rb && la == lb && !memcmp(ra, rb, la);
}

static const struct SEQUENCE4resok *seq_res(const struct harness_reply *r)
{
	const struct nfs_resop *res = harness_res(r, 0);

	return res && res->op == OP_SEQUENCE && res->status == NFS4_OK ? &res->u.sequence : NULL;
}

/* RFC 8881 s18.46.3: sr_sessionid, sr_sequenceid and sr_slotid echo the arguments. */
static void test_echoed_identifiers(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct harness_reply r;
	const struct SEQUENCE4resok *q;

	harness_open_session(s, 1, "echo", sid, &cid);
	op = seq_hi(sid, 2, 1, 3, false);
	harness_compound(s, 1, &op, 1, &r);
	q = seq_res(&r);
	REQUIRE(q);
	CHECK(!memcmp(q->sr_sessionid, sid, 16), "sr_sessionid"); /* SEQ-01 */
	CHECK_U64(q->sr_sequenceid, 1);                            /* SEQ-01 */
	CHECK_U64(q->sr_slotid, 2);                                /* SEQ-01 */
	CHECK(q->sr_highest_slotid >= 3, "sr_highest_slotid %u", q->sr_highest_slotid); /* SEQ-09 */
	CHECK_U64(q->sr_status_flags & ~DEFINED_STATUS_FLAGS, 0); /* SEQ-17 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s15.1.11.1: a session the server does not know. */
static void test_unknown_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], zero[16] = {0}, other[16];
	uint64_t cid;
	struct nfs_argop ds;

	harness_open_session(s, 1, "badsession", sid, &cid);
	memcpy(other, sid, 16);
	other[15] ^= 0x80;
	CHECK_STATUS(harness_seq(s, 1, zero, 0, 1, NULL), NFS4ERR_BADSESSION);  /* SEQ-02 */
	CHECK_STATUS(harness_seq(s, 1, other, 0, 1, NULL), NFS4ERR_BADSESSION); /* SEQ-02 */
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4_OK);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION); /* SEQ-02, SES-39 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1, s15.1.11.2: slot ids 0..granted-1; beyond is BADSLOT, nothing changes. */
static void test_slot_range(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16];
	struct sm_session_info info;

	fore.ca_maxrequests = 8;
	harness_open_session_fore(s, 1, "slots", &fore, sid, &got);
	CHECK_U64(got.ca_maxrequests, 8);
	CHECK_STATUS(harness_seq(s, 1, sid, 8, 1, NULL), NFS4ERR_BADSLOT);           /* SEQ-03 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0xFFFFFFFFu, 1, NULL), NFS4ERR_BADSLOT); /* SEQ-03 */
	CHECK_STATUS(harness_seq(s, 1, sid, 1u << 16, 1, NULL), NFS4ERR_BADSLOT);    /* SEQ-03 */
	CHECK(harness_session_info(s, sid, &info) && info.slots_in_use == 0, "a slot changed"); /* SEQ-03 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* SES-10 */
	CHECK_STATUS(harness_seq(s, 1, sid, 7, 1, NULL), NFS4_OK); /* SES-10 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1: a new slot is at seqid 0 with SEQ_MISORDERED as its stand-in result. */
static void test_fresh_slot(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "fresh", sid, &cid);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 0, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-11, SES-28 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 2, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-11 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 0xFFFFFFFFu, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-11 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* SES-11 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1: seqids are judged modulo 2^32 (slots preset by the test hook). */
static void test_seqid_wrap(void)
{
	static const struct {
		uint32_t seqid, status;
	} vectors[] = {{0, NFS4_OK},
		       {0xFFFFFFFFu, NFS4_OK}, /* the retry of the preset request: uncached */
		       {1, NFS4ERR_SEQ_MISORDERED},
		       {0xFFFFFFFEu, NFS4ERR_SEQ_MISORDERED}};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "wrap", sid, &cid);
	for (uint32_t i = 0; i < 4; i++) {
		CHECK_U64(sm_hook_preset_slot(s, sid, i, 0xFFFFFFFFu), 0);
		CHECK_STATUS(harness_seq(s, 1, sid, i, vectors[i].seqid, NULL), vectors[i].status); /* SES-12 */
	}
	/* the retry of a preset (uncached) request: SEQUENCE succeeds, the next op says so */
	CHECK_U64(sm_hook_preset_slot(s, sid, 1, 0xFFFFFFFFu), 0);
	ops[0] = harness_sequence(sid, 1, 0xFFFFFFFFu, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 2, &r);
	CHECK_STATUS(harness_nres(&r) ? harness_res(&r, 0)->status : UINT32_MAX, NFS4_OK); /* SES-28 */
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_RETRY_UNCACHED_REP); /* SES-12, SES-27 */
	harness_reply_free(&r);
	/* walking across the wrap one request at a time */
	CHECK_U64(sm_hook_preset_slot(s, sid, 2, 0xFFFFFFFEu), 0);
	CHECK_STATUS(harness_seq(s, 1, sid, 2, 0xFFFFFFFFu, NULL), NFS4_OK); /* SES-12, SES-13 */
	CHECK_STATUS(harness_seq(s, 1, sid, 2, 0, NULL), NFS4_OK);           /* SES-12 */
	CHECK_STATUS(harness_seq(s, 1, sid, 2, 1, NULL), NFS4_OK);           /* SES-12 */
	CHECK_STATUS(harness_seq(s, 1, sid, 2, 0xFFFFFFFFu, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-12 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1, s18.46.3: seqid + 1 is new and executes; the slot moves by one. */
static void test_new_requests(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct harness_reply r;

	harness_open_session(s, 1, "new", sid, &cid);
	for (uint32_t q = 1; q <= 3; q++) {
		op = harness_sequence(sid, 0, q, false);
		harness_compound(s, 1, &op, 1, &r); /* every call has xid 7: XIDs play no part (SES-16) */
		CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* SES-13, SEQ-06 */
		CHECK_U64(harness_nres(&r), 1);                  /* SEQ-06 */
		CHECK(seq_res(&r) && seq_res(&r)->sr_sequenceid == q, "sr_sequenceid"); /* SES-13 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s2.10.6.1: behind the slot, or two or more ahead, is misordered; the slot stays. */
static void test_misordered(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "misorder", sid, &cid);
	advance(s, sid, 0, 5);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 4, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-14, SEQ-04 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-14 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 0, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-14 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 7, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-15, SEQ-04 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 0x80000005u, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-15 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 6, NULL), NFS4_OK); /* SES-14, SES-15, SES-23 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3: with cachethis the whole reply is cached, whatever it holds. */
static void test_cached_replay(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop lists[4][3];
	static const uint32_t counts[4] = {3, 3, 2, 1};
	struct harness_reply a, b;
	struct sm_stats st;

	harness_open_session(s, 1, "replay", sid, &cid);
	for (uint32_t i = 0; i < 4; i++)
		lists[i][0] = harness_sequence(sid, i, 1, true);
	lists[0][1] = harness_op(OP_PUTROOTFH); /* succeeds */
	lists[0][2] = harness_op(OP_GETFH);
	lists[1][1] = harness_op(OP_PUTROOTFH); /* fails */
	lists[1][2] = harness_lookup("missing");
	lists[2][1] = harness_raw_op(59);       /* an illegal op */
	for (uint32_t i = 0; i < 4; i++) {      /* the last: SEQUENCE alone */
		harness_compound(s, 1, lists[i], counts[i], &a);
		harness_compound(s, 1, lists[i], counts[i], &b);
		CHECK(same_res_bytes(&a, &b), "list %u: the replay differs", i); /* SES-25, SEQ-05 */
		CHECK_U64(harness_nres(&b), harness_nres(&a));
		harness_reply_free(&a);
		harness_reply_free(&b);
	}
	sm_stats(s, &st);
	CHECK_U64(st.replays_served, 4);
	sm_free(s);
}

/* RFC 8881 s2.10.6.1: the cached reply lives until the slot moves on, however long that takes. */
static void test_cache_lifetime(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply a, b;

	harness_open_session(s, 1, "lifetime", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_GETFH); /* NOFILEHANDLE, cached */
	harness_compound(s, 1, ops, 2, &a);
	for (uint32_t q = 1; q <= 1000; q++)
		if (harness_seq(s, 1, sid, 1, q, NULL) != NFS4_OK)
			CU_FAIL("slot 1 refused a new request");
	harness_now += 60000; /* idle, well inside the lease renewed by slot 1 */
	harness_compound(s, 1, ops, 2, &b);
	CHECK(same_res_bytes(&a, &b), "the cached reply is gone"); /* SES-17 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.1: a replay's SEQUENCE identifiers are the original's; the flags are now's. */
static void test_replay_recomputes_flags(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2], bind;
	struct harness_rpc rpc = harness_rpc();
	struct harness_reply a, b;
	const struct SEQUENCE4resok *qa, *qb;

	harness_open_session(s, 1, "flags-replay", sid, &cid);
	rpc.tag = (struct wire_opaque){(const uint8_t *)"odd-5", 5}; /* padding before the flags */
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_rpc_call(s, 1, &rpc, ops, 2, &a);
	bind = harness_bind_conn(sid, CDFC4_BACK);
	CHECK_STATUS(harness_status(s, 2, &bind, 1), NFS4_OK);
	harness_rpc_call(s, 1, &rpc, ops, 2, &b);
	qa = seq_res(&a);
	qb = seq_res(&b);
	REQUIRE(qa && qb);
	CHECK(!memcmp(qa->sr_sessionid, qb->sr_sessionid, 16), "sr_sessionid"); /* SES-22 */
	CHECK_U64(qb->sr_sequenceid, qa->sr_sequenceid);                         /* SES-22 */
	CHECK_U64(qb->sr_slotid, qa->sr_slotid);                                 /* SES-22 */
	CHECK(qa->sr_status_flags & SEQ4_STATUS_CB_PATH_DOWN, "original: no CB_PATH_DOWN");
	CHECK_U64(qb->sr_status_flags & SEQ4_STATUS_CB_PATH_DOWN, 0); /* SES-22: as things are now */
	CHECK_U64(qb->sr_highest_slotid, qa->sr_highest_slotid);
	CHECK_U64(qb->sr_target_highest_slotid, qa->sr_target_highest_slotid);
	CHECK_U64(harness_nres(&b), 2);
	CHECK(b.decoded && b.m.res.tag.len == 5 && !memcmp(b.m.res.tag.data, "odd-5", 5), "tag");
	harness_reply_free(&a);
	harness_reply_free(&b);
	sm_free(s);
}

/* The session's fore channel: maxops 4, maxrequestsize 512. */
static void small_session(struct sm *s, const char *owner, uint8_t sid[16])
{
	struct channel_attrs4 fore = harness_fore_default();

	fore.ca_maxoperations = 4;
	fore.ca_maxrequestsize = 512;
	harness_open_session_fore(s, 1, owner, &fore, sid, NULL);
}

/* RFC 8881 s2.10.6.1.2, s18.46.3: a failing SEQUENCE changes neither seqid nor cached reply. */
static void test_errors_leave_slot(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], name[500];
	struct nfs_argop ops[5], big[3];
	struct harness_reply a, b;

	small_session(s, "untouched", sid);
	memset(name, 'n', sizeof(name));
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 2, &a);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 3, NULL), NFS4ERR_SEQ_MISORDERED);
	CHECK_STATUS(harness_seq(s, 1, sid, 9, 2, NULL), NFS4ERR_BADSLOT);
	big[0] = harness_sequence(sid, 0, 2, true);
	big[1] = harness_op(OP_PUTROOTFH);
	big[2] = harness_lookup_len(name, sizeof(name));
	CHECK_STATUS(harness_status(s, 1, big, 3), NFS4ERR_REQ_TOO_BIG);
	ops[0] = harness_sequence(sid, 0, 2, true);
	for (int i = 2; i < 5; i++)
		ops[i] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, ops, 5), NFS4ERR_TOO_MANY_OPS);
	ops[0] = harness_sequence(sid, 0, 1, true);
	harness_compound(s, 1, ops, 2, &b);
	CHECK(same_res_bytes(&a, &b), "the cached reply changed"); /* SES-23 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 2, NULL), NFS4_OK); /* SES-23, SEQ-18 */
	sm_free(s);
}

/* RFC 8881 s2.10.6: a retry never executes again, cached or not (exactly once). */
static void test_exactly_once(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid, other;
	struct nfs_argop ops[2];
	struct sm_stats before, after;

	harness_open_session(s, 1, "once", sid, &cid);
	for (int cachethis = 0; cachethis < 2; cachethis++) {
		char owner[16] = "once-new-0";
		owner[9] = (char)('0' + cachethis);
		ops[0] = harness_sequence(sid, (uint32_t)cachethis, 1, cachethis);
		ops[1] = harness_exchange_id(owner, 0);
		CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
		CHECK_U64(harness_nclients(s), 2u + (unsigned)cachethis);
		harness_status(s, 1, ops, 2); /* the retry */
		CHECK_U64(harness_nclients(s), 2u + (unsigned)cachethis); /* SES-24 */
	}
	other = harness_new_client(s, 1, "once-cs");
	ops[0] = harness_sequence(sid, 2, 1, false);
	ops[1] = harness_create_session(other, 1, 4);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
	sm_stats(s, &before);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_RETRY_UNCACHED_REP); /* SES-27 */
	sm_stats(s, &after);
	CHECK_U64(after.sessions_created, before.sessions_created); /* SES-24 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3: cachethis does not change how the slot advances. */
static void test_cachethis_and_slot(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;

	harness_open_session(s, 1, "cachethis", sid, &cid);
	op = harness_sequence(sid, 0, 1, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-26 */
	op = harness_sequence(sid, 0, 2, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-26 */
	op = harness_sequence(sid, 0, 3, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-26 */
	op = harness_sequence(sid, 0, 2, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4ERR_SEQ_MISORDERED); /* SES-26 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3: without cachethis a retry gets SEQUENCE plus RETRY_UNCACHED_REP. */
static void test_uncached_retry(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[3];
	struct harness_reply r;

	harness_open_session(s, 1, "uncached", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[2] = harness_op(OP_GETFH);
	CHECK_STATUS(harness_status(s, 1, ops, 3), NFS4_OK);
	harness_compound(s, 1, ops, 3, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_RETRY_UNCACHED_REP); /* SES-27 */
	CHECK_U64(harness_nres(&r), 2);                                     /* SES-27 */
	CHECK(seq_res(&r) != NULL, "SEQUENCE failed on the retry");         /* SES-28 */
	CHECK(harness_nres(&r) < 2 || harness_res(&r, 1)->op == OP_PUTROOTFH, "second op");
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 1, sid, 1, 1, NULL), NFS4_OK); /* SEQUENCE alone, uncached */
	ops[0] = harness_sequence(sid, 1, 1, false);
	harness_compound(s, 1, ops, 1, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* SES-27: SEQUENCE's result is the reply */
	CHECK_U64(harness_nres(&r), 1);
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3: an uncached retry never puts RETRY_UNCACHED_REP on an illegal op. */
static void test_uncached_illegal_second_op(void)
{
	static const uint32_t second[] = {59, OP_ILLEGAL, OP_RENEW, OP_SETCLIENTID_CONFIRM};
	static const uint32_t want[] = {NFS4ERR_OP_ILLEGAL, NFS4ERR_OP_ILLEGAL, NFS4ERR_NOTSUPP,
					NFS4ERR_NOTSUPP};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "uncached-illegal", sid, &cid);
	for (uint32_t i = 0; i < 4; i++) {
		ops[0] = harness_sequence(sid, i, 1, false);
		ops[1] = harness_raw_op(second[i]);
		CHECK_STATUS(harness_status(s, 1, ops, 2), want[i]);
		CHECK_STATUS(harness_status(s, 1, ops, 2), want[i]); /* SES-29: the retry */
	}
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3: stateless errors may stand in for RETRY_UNCACHED_REP. */
static void test_uncached_sequence_pos(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	uint32_t st;

	harness_open_session(s, 1, "uncached-seqpos", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_sequence(sid, 1, 1, false);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQUENCE_POS);
	st = harness_status(s, 1, ops, 2);
	CHECK(st == NFS4ERR_SEQUENCE_POS || st == NFS4ERR_RETRY_UNCACHED_REP, "retry: %s",
	      harness_status_name(st)); /* SES-30 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3.1: the same slot and seqid with another request (catalogue s17). */
static void test_false_retry(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop orig[2], other[3];
	struct sm_stats st;

	harness_open_session(s, 1, "false", sid, &cid);
	orig[0] = harness_sequence(sid, 0, 1, true);
	orig[1] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, orig, 2), NFS4_OK);
	other[0] = orig[0];
	other[1] = harness_op(OP_GETFH);
	CHECK_STATUS(harness_status(s, 1, other, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-31: opcodes */
	other[1] = orig[1];
	other[2] = harness_op(OP_GETFH);
	CHECK_STATUS(harness_status(s, 1, other, 3), NFS4ERR_SEQ_FALSE_RETRY); /* SES-31: count */
	other[0] = harness_sequence(sid, 0, 1, false);
	CHECK_STATUS(harness_status(s, 1, other, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-31: cachethis */
	other[0] = orig[0];
	other[1] = harness_exchange_id("false-new", 0);
	CHECK_STATUS(harness_status(s, 1, other, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-31 */
	CHECK_U64(harness_nclients(s), 1); /* SES-31: never executed */
	CHECK_STATUS(harness_status(s, 1, orig, 2), NFS4_OK); /* the true retry still replays */
	sm_stats(s, &st);
	CHECK_U64(st.false_retries, 4);
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3.1: a retry by another user is always a false retry. */
static void test_false_retry_other_user(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "user", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_as(1000);
	harness_cred.ngids = 2;
	harness_cred.gids[0] = 5;
	harness_cred.gids[1] = 6;
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
	harness_cred.gids[0] = 6; /* the same groups in another order: the same user (catalogue s17) */
	harness_cred.gids[1] = 5;
	harness_cred.machine = "another-host"; /* machine name and stamp are ignored */
	harness_cred.stamp = 99;
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
	harness_as(1001);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-32: uid */
	harness_as(1000);
	harness_cred.gid = 1;
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-32: gid */
	harness_as(1000);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-32: gids */
	harness_cred = (struct harness_cred){.flavor = ONCRPC_AUTH_NONE};
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-32: flavor */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1.3.1: a false retry holding an illegal op; another user makes it 10076. */
static void test_false_retry_illegal(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	uint32_t st;

	harness_open_session(s, 1, "false-illegal", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK);
	ops[1] = harness_raw_op(59);
	st = harness_status(s, 1, ops, 2);
	CHECK(st == NFS4ERR_SEQ_FALSE_RETRY || st == NFS4ERR_OP_ILLEGAL || st == NFS4ERR_BADXDR ||
	      st == NFS4ERR_NOTSUPP, "%s", harness_status_name(st)); /* SES-33 */
	harness_as(4242);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_SEQ_FALSE_RETRY); /* SES-33, SES-32 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.2: a retry over another connection is still a retry. */
static void test_retry_other_connection(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply a, b;

	harness_open_session(s, 1, "otherconn", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_exchange_id("otherconn-new", 0);
	harness_compound(s, 1, ops, 2, &a);
	sm_conn_close(s, 1); /* the reply was lost with the connection */
	harness_compound(s, 2, ops, 2, &b);
	CHECK(same_res_bytes(&a, &b), "not the cached reply"); /* SES-35 */
	CHECK_U64(harness_nclients(s), 2);                     /* SES-35: executed once */
	harness_reply_free(&a);
	harness_reply_free(&b);
	sm_free(s);
}

/* RFC 8881 s15.1.1.3: DELAY from an op after SEQUENCE is an ordinary, cached result. */
static void test_delay_from_later_op(void)
{
	struct sm_limits l;
	struct sm *s;
	uint8_t sid[16];
	uint64_t cid, filler;
	struct nfs_argop ops[2], dc;
	struct harness_reply a, b;

	sm_limits_default(&l);
	l.max_clients = 2;
	s = harness_sm_limits(&l);
	harness_open_session(s, 1, "delay-a", sid, &cid);
	filler = harness_new_client(s, 1, "delay-filler");
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_exchange_id("delay-new", 0);
	harness_compound(s, 1, ops, 2, &a); /* the client table is full */
	CHECK_STATUS(harness_reply_status(&a), NFS4ERR_DELAY);
	dc = harness_destroy_clientid(filler);
	CHECK_STATUS(harness_status(s, 1, &dc, 1), NFS4_OK); /* room again */
	harness_compound(s, 1, ops, 2, &b);
	CHECK(same_res_bytes(&a, &b), "the DELAY was not cached"); /* SES-36 */
	CHECK_U64(harness_nclients(s), 1);                         /* SES-36: not re-executed */
	harness_reply_free(&a);
	harness_reply_free(&b);
	ops[0] = harness_sequence(sid, 0, 2, true);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK); /* SES-36: a new seqid executes */
	sm_free(s);
}

/* RFC 8881 s2.10.6.2: a retry while the original executes (the delay hook holds it). */
static void test_retry_while_executing(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], *held = NULL;
	size_t held_len = 0;
	uint64_t cid, conn = 0;
	struct nfs_argop op;
	struct harness_reply r;

	harness_open_session(s, 1, "busy", sid, &cid);
	CHECK_U64(sm_hook_delay(s, sid, 0, 100), 0);
	op = harness_sequence(sid, 0, 1, true);
	harness_compound(s, 1, &op, 1, &r);
	CHECK_U64(r.action, SM_NOTHING);
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 1, NULL), NFS4ERR_DELAY); /* SES-34 */
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 2, NULL), NFS4ERR_SEQ_MISORDERED); /* SES-34 */
	CHECK_STATUS(harness_seq(s, 2, sid, 1, 1, NULL), NFS4_OK); /* other slots run */
	harness_now += 100;
	REQUIRE(sm_release_due(s, &conn, &held, &held_len));
	free(held);
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 2, NULL), NFS4_OK); /* SES-34: nothing was cached */
	sm_free(s);
}

/* RFC 8881 s18.46.3, s8.3: a successful SEQUENCE renews the lease; a failing one does not. */
static void test_lease_renewal(void)
{
	struct sm *s = harness_sm(10);
	uint8_t sid[16];
	uint64_t cid, expiry;
	struct sm_client_info ci;

	harness_open_session(s, 1, "renew", sid, &cid);
	harness_now += 4000;
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);
	REQUIRE(harness_client_info(s, cid, &ci));
	CHECK_U64(ci.lease_expiry_ms, harness_now + 10000); /* SEQ-08, SES-04 */
	expiry = ci.lease_expiry_ms;
	harness_now += 3000;
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 5, NULL), NFS4ERR_SEQ_MISORDERED);
	CHECK_STATUS(harness_seq(s, 1, sid, 9, 1, NULL), NFS4ERR_BADSLOT);
	REQUIRE(harness_client_info(s, cid, &ci));
	CHECK_U64(ci.lease_expiry_ms, expiry); /* SEQ-07 */
	sm_free(s);
}

/* RFC 8881 s18.46.3: only misordered SEQUENCEs for longer than the lease lose the client. */
static void test_errors_do_not_keep_lease(void)
{
	struct sm *s = harness_sm(10);
	uint8_t sid[16];
	uint64_t cid;
	struct sm_client_info ci;

	harness_open_session(s, 1, "no-renew", sid, &cid);
	for (int i = 0; i < 3; i++) { /* 3 s apart, for 9 s of a 10 s lease */
		harness_now += 3000;
		CHECK_STATUS(harness_seq(s, 1, sid, 0, 7, NULL), NFS4ERR_SEQ_MISORDERED); /* SEQ-07 */
		sm_reap(s);
	}
	harness_now += 1000; /* 10 s after the lease was last renewed */
	sm_reap(s);
	CHECK(!harness_client_info(s, cid, &ci), "the client outlived its lease"); /* SEQ-07 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION);
	sm_free(s);
}

/*
 * RFC 8881 s2.10.2.2, s8.3 (SES-04). A SEQUENCE that returns NFS4_OK from the reply cache (or
 * as an uncached retry) renews the lease too.
 */
static void test_replay_renews_lease(void)
{
	struct sm *s = harness_sm(10);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct sm_client_info ci;

	harness_open_session(s, 1, "replay-renew", sid, &cid);
	op = harness_sequence(sid, 0, 1, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK);
	harness_now += 6000;
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* the replay */
	REQUIRE(harness_client_info(s, cid, &ci));
	CHECK_U64(ci.lease_expiry_ms, harness_now + 10000); /* SES-04 */
	sm_free(s);
}

/* RFC 8881 s18.46.3, s2.10.6.1: sr_highest_slotid is not below sa_highest_slotid. */
static void test_highest_slotid(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct harness_reply r;

	harness_open_session(s, 1, "highest", sid, &cid);
	for (uint32_t hi = 0; hi < 4; hi++) {
		op = seq_hi(sid, 0, hi + 1, hi, false);
		harness_compound(s, 1, &op, 1, &r);
		CHECK(seq_res(&r) && seq_res(&r)->sr_highest_slotid >= hi, "sa_highest %u", hi); /* SEQ-09 */
		CHECK(seq_res(&r) && seq_res(&r)->sr_target_highest_slotid == 3, "target"); /* SEQ-10 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s18.46.1: sa_highest_slotid below sa_slotid is processed normally (de facto). */
static void test_highest_below_slot(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;

	harness_open_session(s, 1, "below", sid, &cid);
	op = seq_hi(sid, 3, 1, 0, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SEQ-20 */
	op = seq_hi(sid, 3, 2, 0, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SEQ-20 */
	sm_free(s);
}

/* The sr_target_highest_slotid of a SEQUENCE on slot with sa_highest_slotid hi (or its status). */
static uint32_t target_of(struct sm *s, const uint8_t sid[16], uint32_t slot, uint32_t seqid,
			  uint32_t hi, uint32_t *status)
{
	struct nfs_argop op = seq_hi(sid, slot, seqid, hi, true);
	struct harness_reply r;
	uint32_t t = UINT32_MAX;

	harness_compound(s, 1, &op, 1, &r);
	*status = harness_reply_status(&r);
	if (seq_res(&r))
		t = seq_res(&r)->sr_target_highest_slotid;
	harness_reply_free(&r);
	return t;
}

/* RFC 8881 s2.10.6.1: a lowered target refuses nothing until the client shows it saw it; then
 * the slots above are retired (BADSLOT, caches gone) together; raising re-grows fresh slots. */
static void test_target_lowered(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	uint32_t st;
	struct nfs_argop op;
	struct sm_stats before, after;

	harness_open_session(s, 1, "target", sid, &cid);
	op = seq_hi(sid, 3, 1, 3, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* slot 3 has a cached reply */
	CHECK_U64(sm_hook_set_target(s, sid, 1), 0);
	CHECK_U64(target_of(s, sid, 2, 1, 3, &st), 1); /* SEQ-10: the target moved down */
	CHECK_STATUS(st, NFS4_OK);                      /* SES-18: slot 2 still served */
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-21: slot 3's replay still cached */
	sm_stats(s, &before);
	CHECK_U64(target_of(s, sid, 0, 1, 1, &st), 1); /* sa_highest_slotid 1: the client saw it */
	CHECK_STATUS(st, NFS4_OK);
	sm_stats(s, &after);
	CHECK(after.reply_cache_bytes < before.reply_cache_bytes, "retired caches kept"); /* SES-20 */
	op = seq_hi(sid, 3, 2, 3, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4ERR_BADSLOT); /* SES-20 */
	op = seq_hi(sid, 3, 1, 3, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4ERR_BADSLOT); /* SES-20: the cache went too */
	CHECK_U64(sm_hook_set_target(s, sid, 3), 0);
	CHECK_U64(target_of(s, sid, 0, 2, 1, &st), 3); /* SEQ-10: and up again */
	CHECK_STATUS(harness_seq(s, 1, sid, 3, 1, NULL), NFS4_OK); /* SES-21: re-grown at seqid 0 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.1, s15.1.11.3: a forced cut refuses new requests above it; retries pass. */
static void test_forced_cut(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply a, b;

	harness_open_session(s, 1, "cut", sid, &cid);
	ops[0] = seq_hi(sid, 3, 1, 3, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 2, &a);
	CHECK_U64(sm_hook_force_highest(s, sid, 1), 0);
	ops[0] = seq_hi(sid, 0, 1, 3, false);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4ERR_BAD_HIGH_SLOT); /* SES-19 */
	ops[0] = seq_hi(sid, 2, 1, 2, false);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4ERR_BAD_HIGH_SLOT); /* SES-19 */
	ops[0] = seq_hi(sid, 3, 1, 3, true);
	harness_compound(s, 1, ops, 2, &b);
	CHECK(same_res_bytes(&a, &b), "the retry above the cut was not served"); /* SES-19 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	ops[0] = seq_hi(sid, 0, 1, 1, false);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK); /* SES-19: within the cut */
	sm_free(s);
}

/* RFC 8881 s2.10.3.1: under SP4_NONE a SEQUENCE binds its connection to the fore channel. */
static void test_implicit_binding(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct sm_session_info info;

	harness_open_session(s, 1, "implicit", sid, &cid);
	CHECK_U64(harness_conn_dir(s, sid, 2), 0);
	CHECK_STATUS(harness_seq(s, 2, sid, 0, 1, NULL), NFS4_OK); /* SES-08 */
	CHECK_U64(harness_conn_dir(s, sid, 2), CDFS4_FORE);        /* SES-08 */
	CHECK_U64(harness_conn_dir(s, sid, 1), CDFS4_FORE);        /* SES-07 */
	sm_conn_close(s, 2); /* a closed connection is unbound at once */
	CHECK_U64(harness_conn_dir(s, sid, 2), 0);
	CHECK(harness_session_info(s, sid, &info) && info.nconns == 1 && info.slots_in_use == 1,
	      "session snapshot after the close");
	sm_free(s);
}

/* RFC 8881 s2.10.3.1: one connection may serve sessions of several clients. */
static void test_one_connection_many_sessions(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t ca, cb;

	harness_open_session(s, 1, "conn-a", a, &ca);
	harness_open_session(s, 2, "conn-b", b, &cb);
	for (uint32_t q = 1; q <= 3; q++) {
		CHECK_STATUS(harness_seq(s, 3, a, 0, q, NULL), NFS4_OK); /* SES-09 */
		CHECK_STATUS(harness_seq(s, 3, b, 0, q, NULL), NFS4_OK); /* SES-09 */
	}
	CHECK_U64(harness_conn_dir(s, a, 3), CDFS4_FORE);
	CHECK_U64(harness_conn_dir(s, b, 3), CDFS4_FORE);
	sm_free(s);
}

/* The sr_status_flags of a SEQUENCE (UINT32_MAX when it failed). */
static uint32_t flags_of(struct sm *s, uint64_t conn, const uint8_t sid[16], uint32_t slot,
			 uint32_t seqid)
{
	struct SEQUENCE4resok q;

	return harness_seq(s, conn, sid, slot, seqid, &q) == NFS4_OK ? q.sr_status_flags
								       : UINT32_MAX;
}

/* RFC 8881 s18.46.3: CB_PATH_DOWN on every session of a client without a back channel
 * (catalogue s17), until one exists; no undefined bits ever. */
static void test_cb_path_down(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t cid;
	struct nfs_argop cs, bind;
	uint32_t f;

	harness_open_session(s, 1, "cbpath", a, &cid);
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, b, NULL), NFS4_OK);
	f = flags_of(s, 1, a, 0, 1);
	CHECK(f != UINT32_MAX && (f & SEQ4_STATUS_CB_PATH_DOWN), "session a: %#x", f); /* SEQ-12 */
	f = flags_of(s, 1, b, 0, 1);
	CHECK(f != UINT32_MAX && (f & SEQ4_STATUS_CB_PATH_DOWN), "session b: %#x", f); /* SEQ-12 */
	CHECK_U64(f & ~DEFINED_STATUS_FLAGS, 0);                                      /* SEQ-17 */
	CHECK_U64(f & SEQ4_STATUS_RESTART_RECLAIM_NEEDED, 0);                         /* SEQ-14 */
	bind = harness_bind_conn(b, CDFC4_BACK);
	CHECK_STATUS(harness_status(s, 2, &bind, 1), NFS4_OK);
	CHECK_U64(flags_of(s, 1, a, 0, 2) & SEQ4_STATUS_CB_PATH_DOWN, 0); /* SEQ-12: client-wide */
	CHECK_U64(flags_of(s, 1, b, 0, 2) & SEQ4_STATUS_CB_PATH_DOWN, 0); /* SEQ-12, BCTS-11 */
	sm_conn_close(s, 2);
	f = flags_of(s, 1, a, 0, 3);
	CHECK(f != UINT32_MAX && (f & SEQ4_STATUS_CB_PATH_DOWN), "after close: %#x", f); /* SES-41 */
	CHECK_U64(f & SEQ4_STATUS_CB_PATH_DOWN_SESSION, 0); /* SEQ-13: a never had a back channel */
	f = flags_of(s, 1, b, 0, 3);
	CHECK(f != UINT32_MAX && (f & SEQ4_STATUS_CB_PATH_DOWN_SESSION), "b: %#x", f); /* SEQ-13, SES-41 */
	CHECK_U64(f & ~DEFINED_STATUS_FLAGS, 0); /* SEQ-17 */
	sm_free(s);
}

/*
 * The server-wide cap on reply-cache bytes is applied when a session is made (each slot holds
 * room for one reply of ca_maxresponsesize_cached): fewer slots when the table does not fit,
 * NOSPC when not one slot does; a cachethis reply is then always cached (SES-25, CS-15).
 */
static void test_reply_cache_cap(void)
{
	struct sm_limits l;
	struct sm *s;
	uint8_t sid[16], sid2[16];
	uint64_t cid, cid2;
	struct nfs_argop ops[2], cs;
	struct sm_session_info info;
	struct harness_reply r1, r2;

	sm_limits_default(&l);
	l.reply_cache_cap = 10000; /* room for two 4096-byte slots */
	s = harness_sm_limits(&l);
	harness_open_session(s, 1, "cap", sid, &cid); /* asks for 4 slots of 4096 cached bytes */
	REQUIRE(sm_list_sessions(s, cid, &info, 1) == 1);
	CHECK_U64(info.fore_slots, 2); /* lowered, never raised (CS-20) */
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_exchange_id("cap-new", 0);
	harness_compound(s, 1, ops, 2, &r1);
	harness_compound(s, 1, ops, 2, &r2);
	CHECK_STATUS(harness_reply_status(&r2), NFS4_OK); /* SES-25: served from the cache */
	CHECK(r1.len == r2.len && memcmp(r1.raw, r2.raw, r1.len) == 0, "replay differs");
	CHECK_U64(harness_nclients(s), 2); /* SES-24: never executed twice */
	harness_reply_free(&r1);
	harness_reply_free(&r2);
	cid2 = harness_new_client(s, 1, "cap-2");
	cs = harness_create_session(cid2, 1, 4);
	CHECK_STATUS(harness_status(s, 1, &cs, 1), NFS4ERR_NOSPC); /* CS-15: no room left */
	CHECK_U64(sm_admin_destroy_session(s, cid, sid), 0);
	cs = harness_create_session(cid2, 2, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4_OK); /* the room came back */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"echoed identifiers", test_echoed_identifiers},
		{"unknown session", test_unknown_session},
		{"slot id range", test_slot_range},
		{"fresh slot", test_fresh_slot},
		{"seqid wraparound", test_seqid_wrap},
		{"new requests advance the slot", test_new_requests},
		{"misordered seqids", test_misordered},
		{"cachethis: the whole reply replayed", test_cached_replay},
		{"cached reply lives until the slot moves on", test_cache_lifetime},
		{"replay recomputes status flags", test_replay_recomputes_flags},
		{"SEQUENCE errors leave the slot untouched", test_errors_leave_slot},
		{"exactly-once execution", test_exactly_once},
		{"cachethis and slot accounting", test_cachethis_and_slot},
		{"uncached retry", test_uncached_retry},
		{"uncached retry with an illegal second op", test_uncached_illegal_second_op},
		{"uncached retry with SEQUENCE second", test_uncached_sequence_pos},
		{"false retry", test_false_retry},
		{"false retry by another user", test_false_retry_other_user},
		{"false retry with an illegal op", test_false_retry_illegal},
		{"retry over another connection", test_retry_other_connection},
		{"DELAY from a later op is cached", test_delay_from_later_op},
		{"retry while the original executes", test_retry_while_executing},
		{"lease renewal", test_lease_renewal},
		{"SEQUENCE errors do not keep the lease", test_errors_do_not_keep_lease},
		{"SES-04: a replay renews the lease", test_replay_renews_lease},
		{"sr_highest_slotid", test_highest_slotid},
		{"sa_highest_slotid below sa_slotid", test_highest_below_slot},
		{"target lowered and raised", test_target_lowered},
		{"forced cut and BAD_HIGH_SLOT", test_forced_cut},
		{"implicit binding", test_implicit_binding},
		{"one connection, many sessions", test_one_connection_many_sessions},
		{"CB_PATH_DOWN and CB_PATH_DOWN_SESSION", test_cb_path_down},
		{"server-wide reply cache cap", test_reply_cache_cap},
		{NULL, NULL}};

	tests_add_suite("state machine: SEQUENCE and slots", tests);
}
