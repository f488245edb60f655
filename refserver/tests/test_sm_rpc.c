/*
 * test_sm_rpc.c - the state machine's ONC RPC layer (RFC 5531 s9-s11, RFC 8881 s2.9, s16.1):
 * version, program, procedure and credential checks in RFC 5531 order, NULL, undecodable
 * records, xids, and the request size a session counts.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* A call of prog/vers/proc (no COMPOUND ops for other procedures) with rpc's other fields. */
static void call(struct sm *s, struct harness_rpc r, uint32_t prog, uint32_t vers, uint32_t proc,
		 struct harness_reply *out)
{
	r.prog = prog;
	r.vers = vers;
	r.proc = proc;
	harness_rpc_call(s, 1, &r, NULL, 0, out);
}

/* A call with the credential cred (flavor and raw body). */
static void call_with_cred(struct sm *s, uint32_t flavor, const uint8_t *body, uint32_t len,
			   struct harness_reply *out)
{
	struct oncrpc_auth cred = {.flavor = flavor, .body = {body, len}};
	struct harness_rpc r = harness_rpc();
	struct nfs_argop op = harness_exchange_id("cred", 0);

	r.cred = &cred;
	harness_rpc_call(s, 1, &r, &op, 1, out);
}

static bool auth_error(const struct harness_reply *r)
{
	return r->action == SM_REPLY && r->decoded && r->m.reply.reply_stat == ONCRPC_MSG_DENIED &&
	       r->m.reply.reject_stat == ONCRPC_AUTH_ERROR;
}

/* An AUTH_SYS body by hand: stamp, machine name of name_len 'm's, uid 0, gid 0, ngids gids;
 * its length (the buffer holds ONCRPC_MAX_AUTH_BYTES + 64). */
static uint32_t authsys_body(uint8_t *buf, uint32_t name_len, uint32_t ngids)
{
	struct xdr_enc e;
	uint8_t name[300];

	memset(name, 'm', sizeof(name));
	xdr_enc_init(&e, buf, ONCRPC_MAX_AUTH_BYTES + 64);
	xdr_put_u32(&e, 1);
	xdr_put_opaque(&e, name, name_len);
	xdr_put_u32(&e, 0);
	xdr_put_u32(&e, 0);
	xdr_put_u32(&e, ngids);
	for (uint32_t i = 0; i < ngids; i++)
		xdr_put_u32(&e, 100 + i);
	return (uint32_t)e.len;
}

/* RFC 8881 s16.1: NULL needs no client or session, returns nothing and changes nothing. */
static void test_null_procedure(void)
{
	struct sm *s = harness_sm(90);
	struct harness_reply r;
	struct sm_stats before, after;
	struct harness_cred none = {.flavor = ONCRPC_AUTH_NONE};

	sm_stats(s, &before);
	call(s, harness_rpc(), NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, &r);
	REQUIRE(r.action == SM_REPLY && r.decoded);
	CHECK_U64(r.m.reply.reply_stat, ONCRPC_MSG_ACCEPTED);      /* RPC-15 */
	CHECK_U64(r.m.reply.accept_stat, ONCRPC_SUCCESS);          /* RPC-15 */
	CHECK_U64(r.len, 24);                                      /* RPC-15: an empty body */
	CHECK_U64(r.m.reply.verf.flavor, ONCRPC_AUTH_NONE);        /* RPC-12, RPC-14 */
	CHECK_U64(r.m.reply.verf.body.len, 0);                     /* RPC-12 */
	harness_reply_free(&r);
	harness_cred = none; /* and with AUTH_NONE */
	call(s, harness_rpc(), NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS, "NULL as AUTH_NONE"); /* RPC-15 */
	harness_reply_free(&r);
	sm_stats(s, &after);
	CHECK_U64(after.compounds, before.compounds); /* RPC-15: no state changes */
	CHECK_U64(harness_nclients(s), 0);            /* RPC-15 */
	sm_free(s);
}

/* RFC 5531 s9: only RPC version 2; the reply says 2..2. */
static void test_rpc_version(void)
{
	static const uint32_t bad[] = {0, 1, 3, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct harness_rpc rpc = harness_rpc();
		rpc.rpcvers = bad[i];
		call(s, rpc, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, &r);
		REQUIRE(r.action == SM_REPLY && r.decoded);
		CHECK_U64(r.m.reply.reply_stat, ONCRPC_MSG_DENIED);  /* RPC-05 */
		CHECK_U64(r.m.reply.reject_stat, ONCRPC_RPC_MISMATCH); /* RPC-05 */
		CHECK_U64(r.m.reply.mismatch_low, 2);                /* RPC-05 */
		CHECK_U64(r.m.reply.mismatch_high, 2);               /* RPC-05 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 5531 s9: a program the server does not offer. */
static void test_unknown_program(void)
{
	static const uint32_t progs[] = {0, 100005, 100004, NFS4_PROGRAM + 1, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		call(s, harness_rpc(), progs[i], NFS_V4, NFSPROC4_NULL, &r);
		REQUIRE(r.action == SM_REPLY && r.decoded);
		CHECK_U64(r.m.reply.reply_stat, ONCRPC_MSG_ACCEPTED); /* RPC-06 */
		CHECK_U64(r.m.reply.accept_stat, ONCRPC_PROG_UNAVAIL); /* RPC-06 */
		CHECK_U64(r.len, 24);                                  /* RPC-06: no result body */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 5531 s9: NFS versions other than 4, answered with the range served: {4, 4}. */
static void test_version_mismatch(void)
{
	static const uint32_t vers[] = {0, 2, 3, 5, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		call(s, harness_rpc(), NFS4_PROGRAM, vers[i], NFSPROC4_COMPOUND, &r);
		REQUIRE(r.action == SM_REPLY && r.decoded);
		CHECK_U64(r.m.reply.accept_stat, ONCRPC_PROG_MISMATCH); /* RPC-07 */
		CHECK_U64(r.m.reply.mismatch_low, NFS_V4);              /* RPC-07 */
		CHECK_U64(r.m.reply.mismatch_high, NFS_V4);             /* RPC-07 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 5531 s9, RFC 8881 s16: procedures 0 and 1 only. */
static void test_unknown_procedure(void)
{
	static const uint32_t procs[] = {2, 3, 0x7FFFFFFFu, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		call(s, harness_rpc(), NFS4_PROGRAM, NFS_V4, procs[i], &r);
		REQUIRE(r.action == SM_REPLY && r.decoded);
		CHECK_U64(r.m.reply.accept_stat, ONCRPC_PROC_UNAVAIL); /* RPC-08 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 5662, RFC 8881 s16: program 100003 version 4, NULL 0, COMPOUND 1, minor version 1. */
static void test_program_numbers(void)
{
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	call(s, harness_rpc(), 100003, 4, 0, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS, "100003/4/0"); /* RPC-22 */
	harness_reply_free(&r);
	call(s, harness_rpc(), 100003, 4, 1, &r); /* an empty minor-1 COMPOUND */
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS && r.m.is_compound,
	      "100003/4/1"); /* RPC-22 */
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK);
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 5531 s9, RFC 8881 s16.2.3: arguments that do not decode, and nothing executed. */
static void test_garbage_args(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop op = harness_exchange_id("garbage", 0);
	struct harness_rpc rpc = harness_rpc();
	uint8_t buf[512];
	size_t len = harness_encode(&rpc, &op, 1, buf, sizeof(buf));
	struct harness_reply r;

	REQUIRE(len < sizeof(buf) - 8);
	/* cut inside the op's arguments (its impl_id count), then 4 bytes too long */
	harness_send(s, 1, buf, len - 4, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS, "op cut"); /* RPC-09 */
	harness_reply_free(&r);
	harness_send(s, 1, buf, len - 1, &r); /* not even a whole XDR unit */
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS, "odd cut"); /* RPC-09 */
	harness_reply_free(&r);
	memset(buf + len, 0, 4);
	harness_send(s, 1, buf, len + 4, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS, "trailing"); /* RPC-09 */
	harness_reply_free(&r);
	CHECK_U64(harness_nclients(s), 0); /* RPC-09: never executed */
	sm_free(s);
}

/* RFC 5531 s9: a COMPOUND whose argument array stops after the minor version. */
static void test_garbage_compound_header(void)
{
	struct sm *s = harness_sm(90);
	struct harness_rpc rpc = harness_rpc();
	uint8_t buf[256];
	size_t len = harness_encode(&rpc, NULL, 0, buf, sizeof(buf));
	struct harness_reply r;

	REQUIRE(len >= 4 && len < sizeof(buf));
	harness_send(s, 1, buf, len - 4, &r); /* no op count */
	REQUIRE(r.action == SM_REPLY && r.decoded);
	CHECK_U64(r.m.reply.accept_stat, ONCRPC_GARBAGE_ARGS); /* RPC-09 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 5531 s8.2, s9: flavors the server does not accept. */
static void test_auth_flavors(void)
{
	static const uint32_t flavors[] = {ONCRPC_AUTH_SHORT, ONCRPC_AUTH_DH, ONCRPC_RPCSEC_GSS,
					   4, 99, 0xFFFFFFFFu};
	static const uint8_t body[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(flavors) / sizeof(flavors[0]); i++) {
		call_with_cred(s, flavors[i], body, sizeof(body), &r);
		CHECK(auth_error(&r), "flavor %u: not AUTH_ERROR", flavors[i]); /* RPC-10 */
		CHECK(r.m.reply.auth_stat != ONCRPC_AUTH_OK, "flavor %u: auth_stat", flavors[i]);
		harness_reply_free(&r);
	}
	CHECK_U64(harness_nclients(s), 0); /* RPC-10: no procedure ran */
	sm_free(s);
}

/* RFC 5531 s10.1: AUTH_NONE has an empty body. */
static void test_auth_none(void)
{
	static const uint8_t junk[4] = {1, 2, 3, 4};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	call_with_cred(s, ONCRPC_AUTH_NONE, NULL, 0, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS, "AUTH_NONE"); /* RPC-12 */
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK);
	CHECK_U64(r.m.reply.verf.flavor, ONCRPC_AUTH_NONE); /* RPC-12 */
	harness_reply_free(&r);
	call_with_cred(s, ONCRPC_AUTH_NONE, junk, sizeof(junk), &r);
	CHECK(auth_error(&r), "AUTH_NONE with a body");          /* RPC-12 */
	CHECK_U64(r.m.reply.auth_stat, ONCRPC_AUTH_BADCRED);     /* RPC-12 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 5531 appendix A: machine name up to 255 octets, up to 16 gids, a body that adds up. */
static void test_auth_sys_layout(void)
{
	struct sm *s = harness_sm(90);
	uint8_t body[ONCRPC_MAX_AUTH_BYTES + 64];
	uint32_t len;
	struct harness_reply r;

	len = authsys_body(body, 255, 16); /* the largest valid body */
	call_with_cred(s, ONCRPC_AUTH_SYS, body, len, &r);
	CHECK(r.decoded && r.m.reply.accept_stat == ONCRPC_SUCCESS, "255/16"); /* RPC-13 */
	CHECK_U64(r.m.reply.verf.flavor, ONCRPC_AUTH_NONE); /* RPC-14: never AUTH_SHORT */
	harness_reply_free(&r);
	len = authsys_body(body, 1, 17);
	call_with_cred(s, ONCRPC_AUTH_SYS, body, len, &r);
	CHECK(auth_error(&r) && r.m.reply.auth_stat == ONCRPC_AUTH_BADCRED, "17 gids"); /* RPC-13 */
	harness_reply_free(&r);
	len = authsys_body(body, 256, 0);
	call_with_cred(s, ONCRPC_AUTH_SYS, body, len, &r);
	CHECK(auth_error(&r) && r.m.reply.auth_stat == ONCRPC_AUTH_BADCRED, "256-octet name"); /* RPC-13 */
	harness_reply_free(&r);
	len = authsys_body(body, 1, 0);
	memset(body + len, 0, 4);
	call_with_cred(s, ONCRPC_AUTH_SYS, body, len + 4, &r); /* 4 bytes more than it holds */
	CHECK(auth_error(&r) && r.m.reply.auth_stat == ONCRPC_AUTH_BADCRED, "long body"); /* RPC-13 */
	harness_reply_free(&r);
	call_with_cred(s, ONCRPC_AUTH_SYS, body, len - 4, &r); /* cut inside the gid count */
	CHECK(auth_error(&r) && r.m.reply.auth_stat == ONCRPC_AUTH_BADCRED, "short body"); /* RPC-13 */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 5531 s8.2: opaque_auth bodies are at most 400 octets. */
static void test_cred_size_limit(void)
{
	struct sm *s = harness_sm(90);
	uint8_t body[ONCRPC_MAX_AUTH_BYTES + 64];
	struct harness_reply r;

	memset(body, 0, sizeof(body));
	call_with_cred(s, ONCRPC_AUTH_NONE, body, ONCRPC_MAX_AUTH_BYTES + 1, &r);
	CHECK(r.action == SM_CLOSE || auth_error(&r) ||
	      (r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS),
	      "a 401-octet credential was accepted"); /* RPC-11 */
	harness_reply_free(&r);
	call_with_cred(s, ONCRPC_AUTH_SYS, body, ONCRPC_MAX_AUTH_BYTES + 4, &r);
	CHECK(r.action != SM_REPLY || !r.decoded || r.m.reply.reply_stat != ONCRPC_MSG_ACCEPTED ||
	      r.m.reply.accept_stat != ONCRPC_SUCCESS, "a 404-octet AUTH_SYS body succeeded"); /* RPC-11 */
	harness_reply_free(&r);
	CHECK_U64(harness_nclients(s), 0);
	sm_free(s);
}

/* RFC 5531 s9: every reply carries its call's xid, whatever the outcome. */
static void test_xid_echoed(void)
{
	static const uint32_t xids[] = {0, 1, 0x80000000u, 0xFFFFFFFFu};
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	for (size_t i = 0; i < sizeof(xids) / sizeof(xids[0]); i++) {
		struct harness_rpc rpc = harness_rpc();
		rpc.xid = xids[i];
		call(s, rpc, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, &r);
		CHECK(r.decoded && r.m.xid == xids[i], "NULL xid %u", xids[i]);        /* RPC-04 */
		harness_reply_free(&r);
		call(s, rpc, 100005, NFS_V4, NFSPROC4_NULL, &r);
		CHECK(r.decoded && r.m.xid == xids[i], "PROG_UNAVAIL xid %u", xids[i]); /* RPC-04 */
		harness_reply_free(&r);
		rpc.rpcvers = 3;
		call(s, rpc, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, &r);
		CHECK(r.decoded && r.m.xid == xids[i], "RPC_MISMATCH xid %u", xids[i]); /* RPC-04 */
		harness_reply_free(&r);
		rpc.rpcvers = 2;
		call(s, rpc, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, &r);
		CHECK(r.decoded && r.m.xid == xids[i], "COMPOUND xid %u", xids[i]);     /* RPC-04 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* RFC 5531 s9, RFC 8881 s2.10.6.1: a reply from the cache carries the retry's xid. */
static void test_xid_of_replay(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_rpc rpc = harness_rpc();
	struct harness_reply a, b;
	const uint8_t *ra, *rb;
	size_t la, lb;

	harness_open_session(s, 1, "xid", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_op(OP_PUTROOTFH);
	rpc.xid = 100;
	harness_rpc_call(s, 1, &rpc, ops, 2, &a);
	rpc.xid = 200;
	harness_rpc_call(s, 1, &rpc, ops, 2, &b);
	CHECK_U64(a.m.xid, 100);
	CHECK_U64(b.m.xid, 200); /* RPC-04 */
	ra = harness_res_bytes(&a, &la);
	rb = harness_res_bytes(&b, &lb);
	CHECK(ra && rb && la == lb && !memcmp(ra, rb, la), "the replay differs"); /* SES-16 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	sm_free(s);
}

/* RFC 8881 s2.9.2: what cannot be answered closes the connection; replies are ignored. */
static void test_undecodable_records(void)
{
	struct sm *s = harness_sm(90);
	uint8_t buf[128];
	struct harness_rpc rpc = harness_rpc();
	size_t len = harness_encode(&rpc, NULL, 0, buf, sizeof(buf));
	struct harness_reply r;
	static const uint8_t reply_rec[] = {0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t bad_type[] = {0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 2};

	REQUIRE(len <= sizeof(buf));
	for (size_t cut = 0; cut < 40 && cut < len; cut++) { /* inside the call header */
		harness_send(s, 1, buf, cut, &r);
		CHECK(r.action == SM_CLOSE, "header cut at %zu: action %d", cut, (int)r.action); /* RPC-03 */
		harness_reply_free(&r);
	}
	harness_send(s, 1, bad_type, sizeof(bad_type), &r);
	CHECK_U64(r.action, SM_CLOSE); /* RPC-03: neither CALL nor REPLY */
	harness_reply_free(&r);
	harness_send(s, 1, reply_rec, sizeof(reply_rec), &r);
	CHECK_U64(r.action, SM_NOTHING); /* a REPLY record: no callbacks were sent */
	harness_reply_free(&r);
	sm_free(s);
}

/* RFC 8881 s2.9.2: every well-formed call is answered, retries and errors included. */
static void test_no_silent_drops(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], zero[16] = {0};
	uint64_t cid;
	struct nfs_argop ops[4];
	struct harness_reply r;

	harness_open_session(s, 1, "drops", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_sequence(sid, 0, 1, false);  /* the retry of an uncached reply */
	ops[2] = harness_sequence(sid, 0, 5, false);  /* misordered */
	ops[3] = harness_sequence(zero, 0, 1, false); /* unknown session */
	for (int i = 0; i < 4; i++) {
		harness_compound(s, 1, &ops[i], 1, &r);
		CHECK(r.action == SM_REPLY && r.decoded, "call %d unanswered", i); /* RPC-19 */
		harness_reply_free(&r);
	}
	sm_free(s);
}

/* A session whose fore channel allows requests of max_req bytes. */
static void session_with_max_request(struct sm *s, uint64_t conn, const char *owner,
				     uint32_t max_req, uint8_t sid[16])
{
	uint64_t cid = harness_new_client(s, conn, owner);
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct CREATE_SESSION4resok res;

	cs.u.create_session.csa_fore_chan_attrs.ca_maxrequestsize = max_req;
	CHECK_STATUS(harness_create(s, conn, &cs, sid, &res), NFS4_OK);
	CHECK_U64(res.csr_fore_chan_attrs.ca_maxrequestsize, max_req);
}

/* RFC 8881 s18.36.3: ca_maxrequestsize counts the whole RPC message, not the record mark. */
static void test_request_size_exact(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], tag[20];
	struct nfs_argop ops[2];
	struct harness_rpc rpc = harness_rpc();
	uint8_t buf[512];
	uint32_t exact;
	struct harness_reply r;

	memset(sid, 0, sizeof(sid));
	memset(tag, 't', sizeof(tag));
	rpc.tag = (struct wire_opaque){tag, 16};
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = harness_op(OP_PUTROOTFH);
	exact = (uint32_t)harness_encode(&rpc, ops, 2, buf, sizeof(buf));
	session_with_max_request(s, 1, "reqsize", exact, sid);
	ops[0] = harness_sequence(sid, 0, 1, false);
	harness_rpc_call(s, 1, &rpc, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* RPC-21: exactly the limit */
	harness_reply_free(&r);
	rpc.tag = (struct wire_opaque){tag, 20}; /* one XDR unit more */
	ops[0] = harness_sequence(sid, 0, 2, false);
	harness_rpc_call(s, 1, &rpc, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4ERR_REQ_TOO_BIG); /* RPC-21, CMP-13 */
	CHECK_U64(harness_nres(&r), 1);
	harness_reply_free(&r);
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"NULL procedure", test_null_procedure},
		{"RPC version must be 2", test_rpc_version},
		{"unknown program", test_unknown_program},
		{"unsupported NFS version", test_version_mismatch},
		{"unknown procedure", test_unknown_procedure},
		{"program, version and procedure numbers", test_program_numbers},
		{"undecodable arguments", test_garbage_args},
		{"COMPOUND header cut short", test_garbage_compound_header},
		{"unaccepted credential flavors", test_auth_flavors},
		{"AUTH_NONE form", test_auth_none},
		{"AUTH_SYS layout", test_auth_sys_layout},
		{"opaque_auth size limit", test_cred_size_limit},
		{"xid echoed", test_xid_echoed},
		{"xid of a replay", test_xid_of_replay},
		{"undecodable records close the connection", test_undecodable_records},
		{"no silent drops", test_no_silent_drops},
		{"request size at exactly ca_maxrequestsize", test_request_size_exact},
		{NULL, NULL}};

	tests_add_suite("state machine: ONC RPC", tests);
}
