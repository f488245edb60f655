/*
 * test_sm_compound.c - COMPOUND rules for minor version 1 (RFC 8881 s16.2.3, s18.46.3, s2.10.6.4):
 * minor version, tag, evaluation order, illegal and 4.0-only ops, what may come first and alone,
 * and the session's count and size limits.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

static const uint32_t all_attrs[] = {
	FATTR4_SUPPORTED_ATTRS, FATTR4_TYPE, FATTR4_FH_EXPIRE_TYPE, FATTR4_CHANGE, FATTR4_SIZE,
	FATTR4_LINK_SUPPORT, FATTR4_SYMLINK_SUPPORT, FATTR4_NAMED_ATTR, FATTR4_FSID,
	FATTR4_UNIQUE_HANDLES, FATTR4_LEASE_TIME, FATTR4_RDATTR_ERROR, FATTR4_FILEHANDLE,
	FATTR4_FILEID, FATTR4_MODE, FATTR4_NUMLINKS, UINT32_MAX};

/* ops sent with another minor version (and tag). */
static void minor_call(struct sm *s, uint32_t minor, const struct nfs_argop *ops, uint32_t nops,
		       struct harness_reply *r)
{
	struct harness_rpc rpc = harness_rpc();

	rpc.minorversion = minor;
	rpc.tag = (struct wire_opaque){(const uint8_t *)"mv", 2};
	harness_rpc_call(s, 1, &rpc, ops, nops, r);
}

/* The overall status is the last result's, and there is one result per evaluated op (CMP-05). */
static bool status_is_last(const struct harness_reply *r)
{
	uint32_t n = harness_nres(r);

	return n == 0 || harness_res(r, n - 1)->status == harness_reply_status(r);
}

/* RFC 8881 s16.2.3, s15.1.3.2: unsupported minor versions fail as a whole, zero results. */
static void test_minor_version_mismatch(void)
{
	static const uint32_t minors[] = {0, 2, 50, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct nfs_argop op = harness_exchange_id("minor", 0);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		minor_call(s, minors[i], &op, 1, &r);
		CHECK_STATUS(harness_reply_status(&r), NFS4ERR_MINOR_VERS_MISMATCH); /* CMP-01 */
		CHECK_U64(harness_nres(&r), 0);                                      /* CMP-01 */
		CHECK(r.decoded && r.m.res.tag.len == 2 && !memcmp(r.m.res.tag.data, "mv", 2),
		      "minor %u: tag not echoed", minors[i]); /* CMP-01, CMP-03 */
		harness_reply_free(&r);
	}
	CHECK_U64(harness_nclients(s), 0); /* CMP-01: nothing ran */
	sm_free(s);
}

/* RFC 8881 s16.2.3: the minor-version error wins over illegal ops; minor 0 has no session ops. */
static void test_minor_version_precedence(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16] = {0};
	struct nfs_argop ops[2] = {harness_raw_op(2), harness_raw_op(OP_ILLEGAL)};
	struct harness_reply r;

	minor_call(s, 50, ops, 1, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_MINOR_VERS_MISMATCH); /* CMP-02: op 2 */
	CHECK_U64(harness_nres(&r), 0);
	harness_reply_free(&r);
	minor_call(s, 50, &ops[1], 1, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_MINOR_VERS_MISMATCH); /* CMP-02: OP_ILLEGAL */
	CHECK_U64(harness_nres(&r), 0);
	harness_reply_free(&r);
	ops[0] = harness_sequence(sid, 0, 1, false);
	minor_call(s, 0, ops, 1, &r);
	CHECK(harness_reply_status(&r) == NFS4ERR_MINOR_VERS_MISMATCH ||
	      harness_reply_status(&r) == NFS4ERR_OP_ILLEGAL,
	      "minor 0 SEQUENCE: %s", harness_status_name(harness_reply_status(&r))); /* CMP-21 */
	harness_reply_free(&r);
	sm_free(s);
}

/*
 * RFC 8881 s16.2.3 (CMP-02). With minorversion 50 and op arguments that do not decode, the reply
 * is still NFS4ERR_MINOR_VERS_MISMATCH with zero results, not GARBAGE_ARGS: the minor version
 * decides how the operations would be read.
 */
static void test_minor_version_before_garbage_args(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16] = {0}, buf[256];
	struct nfs_argop op = harness_sequence(sid, 0, 1, false);
	struct harness_rpc rpc = harness_rpc();
	size_t len;
	struct harness_reply r;

	rpc.minorversion = 50;
	len = harness_encode(&rpc, &op, 1, buf, sizeof(buf));
	REQUIRE(len > 8 && len <= sizeof(buf));
	harness_send(s, 1, buf, len - 8, &r); /* SEQUENCE's arguments cut short */
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS,
	      "CMP-02: accept_stat %u (4 = GARBAGE_ARGS), expected SUCCESS with "
	      "NFS4ERR_MINOR_VERS_MISMATCH", r.m.reply.accept_stat);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_MINOR_VERS_MISMATCH); /* CMP-02 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s16.2.3: the tag comes back unchanged, whatever the outcome. */
static void test_tag_echoed(void)
{
	struct sm *s = harness_sm(90);
	uint8_t long_tag[64], odd[3] = {0xff, 0x00, 0xfe};
	struct wire_opaque tags[] = {{(const uint8_t *)"tag test", 8}, {long_tag, 64}, {odd, 3},
				     {NULL, 0}};
	struct nfs_argop ok = harness_exchange_id("tag", 0), bad = harness_op(OP_PUTROOTFH);
	struct harness_reply r;

	memset(long_tag, 'x', sizeof(long_tag));
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct harness_rpc rpc = harness_rpc();
		rpc.tag = tags[i];
		harness_rpc_call(s, 1, &rpc, &ok, 1, &r);
		CHECK(r.decoded && r.m.res.tag.len == tags[i].len &&
		      (tags[i].len == 0 || !memcmp(r.m.res.tag.data, tags[i].data, tags[i].len)),
		      "tag %zu not echoed on success", i); /* CMP-03 */
		harness_reply_free(&r);
		harness_rpc_call(s, 1, &rpc, &bad, 1, &r);
		CHECK(r.decoded && r.m.res.tag.len == tags[i].len &&
		      (tags[i].len == 0 || !memcmp(r.m.res.tag.data, tags[i].data, tags[i].len)),
		      "tag %zu not echoed on error", i); /* CMP-03 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s16.2.3: ops run in order and evaluation stops at the first error. */
static void test_stop_at_first_error(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[4];
	struct harness_reply r;

	harness_open_session(s, 1, "order", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[2] = harness_lookup("nonexistent");
	ops[3] = harness_op(OP_GETFH);
	harness_compound(s, 1, ops, 4, &r);
	CHECK_U64(harness_nres(&r), 3);                               /* CMP-04 */
	CHECK_STATUS(harness_res(&r, 2)->status, NFS4ERR_NOENT);      /* CMP-04 */
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_NOENT);        /* CMP-05 */
	CHECK(status_is_last(&r), "overall status is not the last result's"); /* CMP-05 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s16.2.3: the overall status equals the last result's on every reply, and is NFS4_OK
 * only when every op succeeded. */
static void test_overall_status(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop tails[4][2] = {
		{harness_op(OP_PUTROOTFH), harness_lookup("export")},
		{harness_op(OP_GETFH), harness_op(OP_PUTROOTFH)},    /* NOFILEHANDLE */
		{harness_raw_op(59), harness_op(OP_PUTROOTFH)},      /* OP_ILLEGAL */
		{harness_op(OP_PUTROOTFH), harness_lookup("README")}};
	static const bool ok[4] = {true, false, false, true};
	struct nfs_argop ops[3];
	struct harness_reply r;

	harness_open_session(s, 1, "overall", sid, &cid);
	for (uint32_t v = 0; v < 4; v++) {
		ops[0] = harness_sequence(sid, 0, v + 1, false);
		memcpy(ops + 1, tails[v], sizeof(tails[v]));
		harness_compound(s, 1, ops, 3, &r);
		CHECK(status_is_last(&r), "variant %u: overall %s", v,
		      harness_status_name(harness_reply_status(&r))); /* CMP-05 */
		CHECK((harness_reply_status(&r) == NFS4_OK) == ok[v], "variant %u: %s", v,
		      harness_status_name(harness_reply_status(&r))); /* CMP-05 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s16.2.3, s18.52: undefined op numbers answer as OP_ILLEGAL and stop the COMPOUND. */
static void test_illegal_op_in_session(void)
{
	static const uint32_t illegal[] = {0, 1, 2, 59, 60, 1000, OP_ILLEGAL, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[3];
	struct harness_reply r;

	harness_open_session(s, 1, "illegal", sid, &cid);
	for (uint32_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
		ops[0] = harness_sequence(sid, 0, i + 1, false);
		ops[1] = harness_raw_op(illegal[i]);
		ops[2] = harness_op(OP_PUTROOTFH);
		harness_compound(s, 1, ops, 3, &r);
		CHECK(harness_nres(&r) == 2, "op %u: %u results", illegal[i], harness_nres(&r));
		if (harness_nres(&r) == 2) {
			CHECK_U64(harness_res(&r, 1)->op, OP_ILLEGAL);                 /* CMP-06 */
			CHECK_STATUS(harness_res(&r, 1)->status, NFS4ERR_OP_ILLEGAL); /* CMP-06 */
		}
		CHECK_STATUS(harness_reply_status(&r), NFS4ERR_OP_ILLEGAL); /* CMP-06, CMP-07 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s18.46.3, s2.10.2: without SEQUENCE only the session-less ops may come first. */
static void test_first_op_not_in_session(void)
{
	static const uint32_t ops_first[] = {OP_PUTROOTFH, OP_GETFH, OP_GETATTR, OP_LOOKUP,
					     OP_PUTFH, OP_RECLAIM_COMPLETE, OP_SECINFO_NO_NAME,
					     OP_FREE_STATEID, OP_BACKCHANNEL_CTL};
	struct sm *s = harness_sm(90);
	struct harness_reply r;
	static const uint8_t fh[16] = {0}; /* also a stateid and a secinfo_style4 */

	for (size_t i = 0; i < sizeof(ops_first) / sizeof(ops_first[0]); i++) {
		struct nfs_argop op = harness_op(ops_first[i]);
		if (ops_first[i] == OP_LOOKUP)
			op = harness_lookup("export");
		else if (ops_first[i] == OP_PUTFH)
			op = harness_putfh(fh, sizeof(fh));
		else if (ops_first[i] == OP_RECLAIM_COMPLETE)
			op = harness_reclaim_complete(false);
		else if (ops_first[i] == OP_SECINFO_NO_NAME || ops_first[i] == OP_FREE_STATEID) {
			op = harness_raw_op(ops_first[i]);
			op.u.raw = (struct wire_opaque){fh, ops_first[i] == OP_FREE_STATEID ? 16 : 4};
		}
		harness_compound(s, 1, &op, 1, &r);
		CHECK(harness_reply_status(&r) == NFS4ERR_OP_NOT_IN_SESSION, "op %u first: %s",
		      ops_first[i], harness_status_name(harness_reply_status(&r))); /* CMP-08 */
		CHECK_U64(harness_nres(&r), 1); /* one result, like Linux (catalogue s17) */
		CHECK(harness_nres(&r) != 1 || harness_res(&r, 0)->op == ops_first[i],
		      "op %u: result names another op", ops_first[i]);
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s16.2.3 vs s18.46.3: an illegal first op is OP_ILLEGAL (catalogue s17). */
static void test_illegal_first_op(void)
{
	static const uint32_t illegal[] = {0, 1, 2, 59, OP_ILLEGAL};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
		struct nfs_argop op = harness_raw_op(illegal[i]);
		harness_compound(s, 1, &op, 1, &r);
		CHECK_STATUS(harness_reply_status(&r), NFS4ERR_OP_ILLEGAL); /* CMP-09 */
		CHECK(harness_nres(&r) == 1 && harness_res(&r, 0)->op == OP_ILLEGAL,
		      "op %u: not one OP_ILLEGAL result", illegal[i]); /* CMP-09, CMP-06 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 8881 s18.34.3, s18.35.3, s18.36.3, s18.37.3, s18.50.3: a session-less op stands alone. */
static void test_sessionless_alone(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid, fresh;
	struct nfs_argop ops[2];
	struct harness_reply r;
	struct sm_client_info ci;

	harness_open_session(s, 1, "alone", sid, &cid);
	fresh = harness_new_client(s, 1, "alone-unconfirmed");
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[0] = harness_exchange_id("alone-new", 0);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* CMP-10, EXID-01 */
	CHECK_U64(harness_nclients(s), 2); /* EXID-01: no record created */
	ops[0] = harness_create_session(fresh, 1, 4);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* CMP-10, CS-01 */
	CHECK(harness_client_info(s, fresh, &ci) && !ci.confirmed, "confirmed"); /* CS-01 */
	ops[0] = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* CMP-10, DS-08 */
	CHECK_U64(harness_nsessions(s), 1);
	ops[0] = harness_destroy_clientid(fresh);
	ops[1] = harness_reclaim_complete(false);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_NOT_ONLY_OP); /* CMP-10, DCID-04 */
	CHECK_U64(harness_nclients(s), 2);
	ops[0] = harness_bind_conn(sid, CDFC4_FORE);
	ops[1] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 2, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_NOT_ONLY_OP); /* CMP-10, BCTS-01 */
	CHECK(harness_nres(&r) == 1 && harness_res(&r, 0)->op == OP_BIND_CONN_TO_SESSION,
	      "one result naming the first op (catalogue s17)");
	harness_reply_free(&r);
	CHECK_U64(harness_conn_dir(s, sid, 2), 0); /* BCTS-01: not bound */
	ops[0] = harness_create_session(fresh, 1, 4); /* CS-01: csa_sequence 1 not consumed */
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.46.3, s15.1.3.10: SEQUENCE only first; earlier results stay, its slot untouched. */
static void test_sequence_position(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[3];
	struct harness_reply r;

	harness_open_session(s, 1, "seqpos", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[2] = harness_sequence(sid, 1, 1, false);
	harness_compound(s, 1, ops, 3, &r);
	CHECK_U64(harness_nres(&r), 3);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_SEQUENCE_POS); /* CMP-11 */
	if (harness_nres(&r) == 3) {
		CHECK_STATUS(harness_res(&r, 0)->status, NFS4_OK); /* CMP-11 */
		CHECK_STATUS(harness_res(&r, 1)->status, NFS4_OK); /* CMP-11 */
		CHECK_STATUS(harness_res(&r, 2)->status, NFS4ERR_SEQUENCE_POS);
		CHECK_U64(harness_res(&r, 2)->op, OP_SEQUENCE);
	}
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 1, sid, 1, 1, NULL), NFS4_OK); /* CMP-11: slot 1 still fresh */
	sm_free(s);
}

/* RFC 8881 s18.36.3, s15.1.3.11: more ops than ca_maxoperations fail on SEQUENCE. */
static void test_too_many_ops(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16];
	struct nfs_argop ops[6];
	struct harness_reply r;

	fore.ca_maxoperations = 4;
	harness_open_session_fore(s, 1, "maxops", &fore, sid, &got);
	CHECK_U64(got.ca_maxoperations, 4);
	ops[0] = harness_sequence(sid, 0, 1, false);
	for (int i = 1; i < 6; i++)
		ops[i] = harness_op(OP_PUTROOTFH);
	harness_compound(s, 1, ops, 5, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_TOO_MANY_OPS); /* CMP-12: 5 ops */
	CHECK(harness_nres(&r) == 1 && harness_res(&r, 0)->op == OP_SEQUENCE,
	      "not reported on SEQUENCE (catalogue s17)"); /* CMP-12 */
	harness_reply_free(&r);
	CHECK_STATUS(harness_status(s, 1, ops, 4), NFS4_OK); /* CMP-12: exactly 4; SEQ-18: seqid 1 */
	sm_free(s);
}

/* ca_maxoperations 1: SEQUENCE alone is all a request may hold. */
static void test_too_many_ops_one(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16];
	struct nfs_argop ops[2];

	fore.ca_maxoperations = 1;
	harness_open_session_fore(s, 1, "maxops1", &fore, sid, &got);
	CHECK_U64(got.ca_maxoperations, 1);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4ERR_TOO_MANY_OPS); /* CMP-12 */
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK);              /* CMP-12, SEQ-18 */
	sm_free(s);
}

/* RFC 8881 s2.10.6.4, s15.1.3.8: a request over ca_maxrequestsize, nothing executed. */
static void test_request_too_big(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16], name[500];
	struct nfs_argop ops[3];
	struct harness_reply r;

	memset(name, 'n', sizeof(name));
	fore.ca_maxrequestsize = 512;
	harness_open_session_fore(s, 1, "reqbig", &fore, sid, &got);
	CHECK_U64(got.ca_maxrequestsize, 512);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[2] = harness_lookup_len(name, sizeof(name));
	harness_compound(s, 1, ops, 3, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_REQ_TOO_BIG); /* CMP-13 */
	CHECK_U64(harness_nres(&r), 1);                              /* SEQ-18: on SEQUENCE */
	harness_reply_free(&r);
	ops[2] = harness_lookup("export");
	CHECK_STATUS(harness_status(s, 1, ops, 3), NFS4_OK); /* SEQ-18, SES-23: seqid 1 is new */
	sm_free(s);
}

/* The reply length of ops on a fresh session with a large response limit. */
static size_t reply_len_of(const struct nfs_argop *tail, uint32_t ntail, bool cachethis)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[8];
	struct harness_reply r;
	size_t len;

	harness_open_session(s, 1, "measure", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, cachethis);
	memcpy(ops + 1, tail, ntail * sizeof(*tail));
	harness_compound(s, 1, ops, ntail + 1, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK);
	len = r.len;
	harness_reply_free(&r);
	sm_free(s);
	return len;
}

/* RFC 8881 s2.10.6.4, s15.1.3.6: the op whose result crosses ca_maxresponsesize fails. */
static void test_reply_too_big(void)
{
	struct nfs_argop tail[3] = {harness_op(OP_PUTROOTFH), harness_getattr(all_attrs),
				    harness_getattr(all_attrs)};
	size_t full = reply_len_of(tail, 3, false);
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default();
	uint8_t sid[16];
	struct nfs_argop ops[4];
	struct harness_reply r;

	ops[0] = harness_sequence(sid, 0, 1, false);
	memcpy(ops + 1, tail, sizeof(tail));
	fore.ca_maxresponsesize = (uint32_t)full;
	harness_open_session_fore(s, 1, "repbig-exact", &fore, sid, NULL);
	ops[0] = harness_sequence(sid, 0, 1, false);
	harness_compound(s, 1, ops, 4, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* CMP-14: exactly the limit */
	CHECK_U64(r.len, full);
	harness_reply_free(&r);
	fore.ca_maxresponsesize = (uint32_t)full - 1;
	harness_open_session_fore(s, 1, "repbig-over", &fore, sid, NULL);
	ops[0] = harness_sequence(sid, 0, 1, false);
	harness_compound(s, 1, ops, 4, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_REP_TOO_BIG); /* CMP-14 */
	CHECK_U64(harness_nres(&r), 4);                 /* CMP-14: on the op that crosses */
	CHECK(r.len <= full - 1, "reply of %zu bytes over the limit", r.len); /* CMP-14 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s2.10.6.4, s15.1.3.7: with cachethis, past ca_maxresponsesize_cached; the shorter
 * reply that ends in the error is what the slot caches. */
static void test_reply_too_big_to_cache(void)
{
	struct nfs_argop tail[2] = {harness_op(OP_PUTROOTFH), harness_getattr(all_attrs)};
	size_t full = reply_len_of(tail, 2, true);
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16];
	struct nfs_argop ops[3];
	struct harness_reply a, b;
	const uint8_t *ra, *rb;
	size_t la, lb;

	fore.ca_maxresponsesize_cached = (uint32_t)full;
	harness_open_session_fore(s, 1, "cache-exact", &fore, sid, &got);
	CHECK_U64(got.ca_maxresponsesize_cached, full);
	ops[0] = harness_sequence(sid, 0, 1, true);
	memcpy(ops + 1, tail, sizeof(tail));
	CHECK_STATUS(harness_status(s, 1, ops, 3), NFS4_OK); /* CMP-15: exactly the limit */
	fore.ca_maxresponsesize_cached = (uint32_t)full - 1;
	harness_open_session_fore(s, 1, "cache-over", &fore, sid, NULL);
	ops[0] = harness_sequence(sid, 0, 1, true);
	harness_compound(s, 1, ops, 3, &a);
	CHECK_STATUS(harness_reply_status(&a), NFS4ERR_REP_TOO_BIG_TO_CACHE); /* CMP-15 */
	CHECK_U64(harness_nres(&a), 3);
	harness_compound(s, 1, ops, 3, &b); /* the retry: the identical partial reply (CMP-15) */
	ra = harness_res_bytes(&a, &la);
	rb = harness_res_bytes(&b, &lb);
	CHECK(ra && rb && la == lb && !memcmp(ra, rb, la), "replay differs"); /* CMP-15 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	ops[0] = harness_sequence(sid, 0, 2, false); /* without cachethis the limit does not apply */
	CHECK_STATUS(harness_status(s, 1, ops, 3), NFS4_OK); /* CMP-15 */
	sm_free(s);
}

/*
 * RFC 8881 s2.10.6.4, s15.1.3.7 (CMP-15; pynfs CSESS27). With ca_maxresponsesize_cached below
 * the size of SEQUENCE's own reply, a cachethis SEQUENCE fails with NFS4ERR_REP_TOO_BIG_TO_CACHE
 * and leaves the slot untouched (SES-23), rather than succeeding with its reply left uncached.
 */
static void test_sequence_too_big_to_cache(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default(), got;
	uint8_t sid[16];
	struct nfs_argop op;

	fore.ca_maxresponsesize_cached = 10;
	harness_open_session_fore(s, 1, "cache-10", &fore, sid, &got);
	CHECK_U64(got.ca_maxresponsesize_cached, 10); /* CS-26: never raised */
	op = harness_sequence(sid, 0, 1, true);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4ERR_REP_TOO_BIG_TO_CACHE); /* CMP-15 */
	op = harness_sequence(sid, 0, 1, false);
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4_OK); /* SES-23: seqid 1 still new */
	sm_free(s);
}

/*
 * RFC 8881 s2.10.6.4, s15.1.3.6 (CMP-14). A SEQUENCE whose own reply exceeds ca_maxresponsesize
 * (a long tag makes it so at the 128-byte minimum) gets NFS4ERR_REP_TOO_BIG: a reply longer than
 * the negotiated limit never goes out.
 */
static void test_sequence_reply_too_big(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 fore = harness_fore_default();
	uint8_t sid[16], tag[100];
	struct nfs_argop op;
	struct harness_rpc rpc = harness_rpc();
	struct harness_reply r;

	memset(tag, 'T', sizeof(tag));
	fore.ca_maxresponsesize = 128;
	harness_open_session_fore(s, 1, "rep-128", &fore, sid, NULL);
	rpc.tag = (struct wire_opaque){tag, sizeof(tag)};
	op = harness_sequence(sid, 0, 1, false);
	harness_rpc_call(s, 1, &rpc, &op, 1, &r);
	CHECK(r.len <= 128 || harness_reply_status(&r) == NFS4ERR_REP_TOO_BIG,
	      "CMP-14: a %zu-byte reply with status %s on a 128-byte session", r.len,
	      harness_status_name(harness_reply_status(&r)));
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s15.2, s16.2.1: NFSv4.0-only ops are not implemented in 4.1. */
static void test_minor0_ops(void)
{
	static const uint32_t v40[] = {OP_OPEN_CONFIRM, OP_RENEW, OP_SETCLIENTID,
				       OP_SETCLIENTID_CONFIRM, OP_RELEASE_LOCKOWNER};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "minor0", sid, &cid);
	for (uint32_t i = 0; i < sizeof(v40) / sizeof(v40[0]); i++) {
		ops[0] = harness_sequence(sid, 0, i + 1, false);
		ops[1] = harness_raw_op(v40[i]);
		harness_compound(s, 1, ops, 2, &r);
		CHECK(harness_nres(&r) == 2 && harness_res(&r, 1)->op == v40[i],
		      "op %u: result shape", v40[i]);
		CHECK_STATUS(harness_reply_status(&r), NFS4ERR_NOTSUPP); /* CMP-18 */
		harness_reply_free(&r);
		CHECK_STATUS(harness_status(s, 1, &ops[1], 1), NFS4ERR_OP_NOT_IN_SESSION); /* CMP-18 */
	}
	sm_free(s);
}

/* RFC 8881 s16.2.3: an empty minor-1 COMPOUND succeeds with no results (de facto). */
static void test_empty_compound(void)
{
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	harness_compound(s, 1, NULL, 0, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* CMP-19 */
	CHECK_U64(harness_nres(&r), 0);                  /* CMP-19 */
	harness_reply_free(&r);
	minor_call(s, 0, NULL, 0, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_MINOR_VERS_MISMATCH); /* CMP-01 */
	harness_reply_free(&r);
	sm_free(s);
}

/* A copy of the encoded ops with the 4 bytes at (len - from_end) set to v, sent on conn 1. */
static void send_patched(struct sm *s, const struct nfs_argop *ops, uint32_t nops,
			 size_t from_end, uint32_t v, struct harness_reply *r)
{
	struct harness_rpc rpc = harness_rpc();
	uint8_t buf[512];
	size_t len = harness_encode(&rpc, ops, nops, buf, sizeof(buf));

	memset(r, 0, sizeof(*r));
	if (!CHECK(len <= sizeof(buf) && len >= from_end, "record of %zu bytes", len))
		return;
	for (int i = 0; i < 4; i++)
		buf[len - from_end + (size_t)i] = (uint8_t)(v >> (24 - 8 * i));
	harness_send(s, 1, buf, len, r);
}

static bool xdr_error(const struct harness_reply *r)
{
	return (r->decoded && r->m.reply.accept_stat == ONCRPC_GARBAGE_ARGS) ||
	       harness_reply_status(r) == NFS4ERR_BADXDR;
}

/* RFC 8881 s15.1.1.1, s16.2.3: values outside an enum or a boolean are decode errors. */
static void test_invalid_enum_values(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop op;
	struct harness_reply r;

	harness_open_session(s, 1, "enums", sid, &cid);
	op = harness_sequence(sid, 0, 1, false);
	send_patched(s, &op, 1, 4, 2, &r); /* sa_cachethis = 2 */
	CHECK(xdr_error(&r), "sa_cachethis 2 accepted"); /* CMP-20 */
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* CMP-20: nothing ran */
	op = harness_exchange_id("enum-owner", 0);
	send_patched(s, &op, 1, 8, 7, &r); /* spa_how = 7 */
	CHECK(xdr_error(&r), "spa_how 7 accepted"); /* CMP-20 */
	harness_reply_free(&r);
	CHECK_U64(harness_nclients(s), 1);
	sm_free(s);
}

/* RFC 8881 s2.10.2, s16.2: SEQUENCE, PUTROOTFH, GETFH, GETATTR on a session all succeed. */
static void test_baseline_compound(void)
{
	static const uint32_t asked[] = {FATTR4_TYPE, FATTR4_LEASE_TIME, FATTR4_FILEID, UINT32_MAX};
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[4];
	struct harness_reply r;

	harness_open_session(s, 1, "baseline", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	ops[2] = harness_op(OP_GETFH);
	ops[3] = harness_getattr(asked);
	harness_compound(s, 1, ops, 4, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* CMP-22 */
	REQUIRE(harness_nres(&r) == 4);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_STATUS(harness_res(&r, i)->status, NFS4_OK); /* CMP-22 */
	CHECK(harness_res(&r, 2)->u.getfh.object.len <= NFS4_FHSIZE, "filehandle too long"); /* CMP-22 */
	CHECK(!memcmp(&harness_res(&r, 3)->u.getattr.obj_attributes.attrmask,
		      &ops[3].u.getattr.attr_request, sizeof(struct bitmap4)),
	      "GETATTR returned another bitmap"); /* CMP-22 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s2.10: every session operation is implemented (none answers NOTSUPP). */
static void test_session_ops_implemented(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], sid2[16];
	uint64_t cid, other;
	struct nfs_argop ops[2];

	harness_open_session(s, 1, "implemented", sid, &cid); /* EXCHANGE_ID, CREATE_SESSION */
	other = harness_new_client(s, 1, "implemented-2");
	CHECK(cid != 0 && other != 0, "EXCHANGE_ID"); /* SES-01 */
	ops[0] = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(s, 1, ops, sid2, NULL), NFS4_OK); /* SES-01 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);    /* SES-01 */
	ops[0] = harness_sequence(sid, 0, 2, false);
	ops[1] = harness_reclaim_complete(false);
	CHECK_STATUS(harness_status(s, 1, ops, 2), NFS4_OK); /* SES-01 */
	ops[0] = harness_bind_conn(sid, CDFC4_FORE);
	CHECK_STATUS(harness_status(s, 2, ops, 1), NFS4_OK); /* SES-01 */
	ops[0] = harness_destroy_session(sid2);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK); /* SES-01 */
	ops[0] = harness_destroy_clientid(other);
	CHECK_STATUS(harness_status(s, 1, ops, 1), NFS4_OK); /* SES-01 */
	sm_free(s);
}

/* SETATTR with an anonymous stateid and no attributes (stateid4, fattr4), as raw XDR. */
static struct nfs_argop setattr_nothing(void)
{
	static const uint8_t args[16 + 4 + 4] = {0};
	struct nfs_argop op = harness_raw_op(OP_SETATTR);

	op.u.raw = (struct wire_opaque){args, sizeof(args)};
	return op;
}

/* The SETATTR result at i: its status, and attrsset present and empty (zero bitmap words). */
static bool empty_attrsset(const struct harness_reply *r, uint32_t i, uint32_t status)
{
	const struct nfs_resop *x = harness_res(r, i);
	static const uint8_t none[4] = {0};

	return x && x->op == OP_SETATTR && x->status == status && x->u.raw.len == 4 &&
	       !memcmp(x->u.raw.data, none, 4);
}

/*
 * RFC 8881 s18.30.2-3: SETATTR4res is a struct, not a union: attrsset follows every status, so
 * an error on SETATTR still carries an (empty) bitmap - first op, not supported, or the retry of
 * an uncached reply. Found by fuzz_sm (the reply did not decode).
 */
static void test_setattr_result_has_attrsset(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply r;

	ops[0] = setattr_nothing();
	harness_compound(s, 1, ops, 1, &r); /* decoded strictly by the harness */
	CHECK(empty_attrsset(&r, 0, NFS4ERR_OP_NOT_IN_SESSION), "SETATTR first: no attrsset");
	harness_reply_free(&r);
	harness_open_session(s, 1, "setattr", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = setattr_nothing();
	harness_compound(s, 1, ops, 2, &r);
	CHECK(empty_attrsset(&r, 1, NFS4ERR_NOTSUPP), "SETATTR in a session: no attrsset");
	harness_reply_free(&r);
	harness_compound(s, 1, ops, 2, &r); /* the retry of an uncached reply (SES-27) */
	CHECK(empty_attrsset(&r, 1, NFS4ERR_RETRY_UNCACHED_REP), "SETATTR retried: no attrsset");
	harness_reply_free(&r);
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"unsupported minor version", test_minor_version_mismatch},
		{"minor-version error takes precedence", test_minor_version_precedence},
		{"CMP-02: minor version before GARBAGE_ARGS",
		 test_minor_version_before_garbage_args},
		{"tag echoed", test_tag_echoed},
		{"stop at the first error", test_stop_at_first_error},
		{"overall status is the last result's", test_overall_status},
		{"illegal op inside a session", test_illegal_op_in_session},
		{"first op must be SEQUENCE", test_first_op_not_in_session},
		{"illegal first op", test_illegal_first_op},
		{"session-less ops stand alone", test_sessionless_alone},
		{"SEQUENCE only in first position", test_sequence_position},
		{"too many operations", test_too_many_ops},
		{"ca_maxoperations 1", test_too_many_ops_one},
		{"request too big", test_request_too_big},
		{"reply too big", test_reply_too_big},
		{"reply too big to cache", test_reply_too_big_to_cache},
		{"CMP-15: SEQUENCE's own reply too big to cache",
		 test_sequence_too_big_to_cache},
		{"CMP-14: SEQUENCE's own reply too big", test_sequence_reply_too_big},
		{"NFSv4.0-only operations", test_minor0_ops},
		{"empty COMPOUND", test_empty_compound},
		{"invalid enum and boolean values", test_invalid_enum_values},
		{"baseline session compound", test_baseline_compound},
		{"session operations are implemented", test_session_ops_implemented},
		{"SETATTR results carry attrsset", test_setattr_result_has_attrsset},
		{NULL, NULL}};

	tests_add_suite("state machine: COMPOUND", tests);
}
