/*
 * test_sm_callback.c - the back channel (RFC 8881 s18.36.3, s2.10.8.2, s2.10.6.2): the CB_NULL
 * probe on the program and with a credential the client offered, its retransmission when the
 * connection it went on closes, and the end of it when the client answers.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_callback.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* The record of the last call next_call() took: the decoded call's slices point into it. */
static uint8_t *last_rec;

static void release_last_call(void)
{
	free(last_rec);
	last_rec = NULL;
}

/* The next server-initiated call, decoded (valid until the next call or release_last_call());
 * false when there is none. */
static bool next_call(struct sm *s, uint64_t *conn, struct oncrpc_call *call)
{
	size_t len;
	struct xdr_dec d;
	bool ok;

	release_last_call();
	if (!sm_outgoing_take(s, conn, &last_rec, &len))
		return false;
	xdr_dec_init(&d, last_rec, len, 0);
	ok = oncrpc_call_decode(&d, call) && d.pos == len;
	CHECK(ok, "the callback record decodes to its end");
	return ok;
}

/* A client answering the callback xid on conn: MSG_ACCEPTED, SUCCESS, no results. */
static void answer(struct sm *s, uint64_t conn, uint32_t xid)
{
	struct oncrpc_reply r = {.xid = xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
				 .accept_stat = ONCRPC_SUCCESS};
	uint8_t buf[64], *reply = NULL;
	size_t len = 0;
	struct xdr_enc e;

	r.verf.flavor = ONCRPC_AUTH_NONE;
	xdr_enc_init(&e, buf, sizeof(buf));
	oncrpc_reply_encode(&e, &r);
	CHECK_U64(sm_handle(s, conn, buf, e.len, &reply, &len), SM_NOTHING); /* nothing goes back */
	CHECK(reply == NULL, "no reply to a reply");
}

/* A session on conn 1 asking for the back channel too, with csa_cb_program = prog. */
static void session_with_back(struct sm *s, const char *owner, uint32_t prog,
			      const struct callback_sec_parms4 *sec, uint8_t sid[16])
{
	uint64_t cid = harness_new_client(s, 1, owner);
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct callback_sec_parms4 one;

	cs.u.create_session.csa_flags = CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
	cs.u.create_session.csa_cb_program = prog;
	if (sec) {
		one = *sec;
		cs.u.create_session.csa_sec_parms = &one;
	}
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4_OK);
}

/* s18.36.3: CB_NULL to csa_cb_program, version 1, AUTH_NONE as the client offered (CS-31). */
static void test_probe_program_auth_none(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct oncrpc_call call = {0};
	uint64_t conn = 0;

	session_with_back(s, "cb-none", 0x40000123, NULL, sid);
	CHECK(next_call(s, &conn, &call), "a probe after CREATE_SESSION with CONN_BACK_CHAN");
	CHECK_U64(conn, 1);
	CHECK_U64(call.prog, 0x40000123); /* CS-31 */
	CHECK_U64(call.vers, 1);
	CHECK_U64(call.proc, 0);
	CHECK_U64(call.cred.flavor, ONCRPC_AUTH_NONE); /* SES-45 */
	CHECK(!next_call(s, &conn, &call), "one probe only");
	release_last_call();
	sm_free(s);
}

/* s2.10.8.2: exactly the AUTH_SYS credential csa_sec_parms offered (SES-45). */
static void test_probe_auth_sys_as_offered(void)
{
	struct sm *s = harness_sm(90);
	struct callback_sec_parms4 sec = {.cb_secflavor = ONCRPC_AUTH_SYS};
	uint8_t sid[16];
	struct oncrpc_call call = {0};
	uint64_t conn = 0;

	sec.cbsp_sys_cred = (struct oncrpc_authsys){
		.stamp = 9, .machinename = {(const uint8_t *)"cbhost", 6}, .uid = 4242, .gid = 4343,
		.ngids = 2, .gids = {5, 6}};
	session_with_back(s, "cb-sys", NFS4_CALLBACK, &sec, sid);
	CHECK(next_call(s, &conn, &call), "a probe");
	CHECK_U64(call.cred.flavor, ONCRPC_AUTH_SYS);
	CHECK(call.cred.body_ok, "the AUTH_SYS body decodes");
	CHECK_U64(call.cred.u.sys.uid, 4242);
	CHECK_U64(call.cred.u.sys.gid, 4343);
	CHECK_U64(call.cred.u.sys.ngids, 2);
	CHECK_U64(call.cred.u.sys.gids[1], 6);
	CHECK(call.cred.u.sys.machinename.len == 6 &&
		      memcmp(call.cred.u.sys.machinename.data, "cbhost", 6) == 0,
	      "the machine name offered");
	release_last_call();
	sm_free(s);
}

/* No back channel asked for: no probe; one bound later by BIND_CONN_TO_SESSION gets it. */
static void test_probe_on_bind(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid, conn = 0;
	struct oncrpc_call call = {0};
	struct nfs_argop bind;

	harness_open_session(s, 1, "cb-bind", sid, &cid);
	CHECK(!next_call(s, &conn, &call), "no back channel, no probe");
	bind = harness_bind_conn(sid, CDFC4_BACK);
	CHECK_STATUS(harness_status(s, 2, &bind, 1), NFS4_OK);
	CHECK(next_call(s, &conn, &call), "a probe on the new back connection");
	CHECK_U64(conn, 2);
	release_last_call();
	sm_free(s);
}

/* s2.10.6.2: an unanswered probe whose connection closed is owed (CB_PATH_DOWN_SESSION, SES-42)
 * and goes out again, same xid, on the next back connection; answered, it is done. */
static void test_probe_resent_after_close(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid, conn = 0;
	struct oncrpc_call first = {0}, again = {0};
	struct SEQUENCE4resok res;
	struct nfs_argop bind = {0};

	harness_open_session(s, 1, "cb-resend", sid, &cid);
	bind = harness_bind_conn(sid, CDFC4_BACK);
	CHECK_STATUS(harness_status(s, 2, &bind, 1), NFS4_OK);
	CHECK(next_call(s, &conn, &first), "the probe");
	sm_conn_close(s, 2);
	CHECK(!next_call(s, &conn, &again), "no back connection: nothing to send it on");
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, &res), NFS4_OK);
	CHECK(res.sr_status_flags & SEQ4_STATUS_CB_PATH_DOWN_SESSION, "CB_PATH_DOWN_SESSION");
	CHECK_STATUS(harness_status(s, 3, &bind, 1), NFS4_OK);
	CHECK(next_call(s, &conn, &again), "the owed probe on the new back connection");
	CHECK_U64(conn, 3);
	CHECK_U64(again.xid, first.xid); /* a retransmission */
	answer(s, 3, again.xid);
	sm_conn_close(s, 3);
	CHECK_STATUS(harness_status(s, 4, &bind, 1), NFS4_OK);
	CHECK(next_call(s, &conn, &again), "a fresh probe for the next back connection");
	CHECK(again.xid != first.xid, "answered: the next probe is a new call");
	release_last_call();
	sm_free(s);
}

/* Replies that answer nothing the server sent are ignored, never answered (RFC 5531 s9). */
static void test_stray_reply_ignored(void)
{
	struct sm *s = harness_sm(90);

	answer(s, 5, 0x1234);
	CHECK_U64(harness_nclients(s), 0);
	release_last_call();
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"CB_NULL on csa_cb_program with AUTH_NONE", test_probe_program_auth_none},
		{"CB_NULL with the AUTH_SYS credential offered", test_probe_auth_sys_as_offered},
		{"CB_NULL when BIND_CONN_TO_SESSION binds the back channel", test_probe_on_bind},
		{"an unanswered probe is re-sent after its connection closed",
		 test_probe_resent_after_close},
		{"a stray reply is ignored", test_stray_reply_ignored},
		{NULL, NULL}};

	tests_add_suite("state machine: the back channel", tests);
}
