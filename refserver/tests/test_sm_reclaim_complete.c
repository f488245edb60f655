/*
 * test_sm_reclaim_complete.c - RECLAIM_COMPLETE (RFC 8881 s18.51): once per client incarnation,
 * the per-fs form, and the session deciding which client it is for.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* [SEQUENCE(sid, slot, seqid), RECLAIM_COMPLETE(one_fs)], with PUTROOTFH between when fh. */
static uint32_t reclaim(struct sm *s, const uint8_t sid[16], uint32_t slot, uint32_t seqid,
			bool one_fs, bool fh)
{
	struct nfs_argop ops[3];
	uint32_t n = 0;

	ops[n++] = harness_sequence(sid, slot, seqid, true);
	if (fh)
		ops[n++] = harness_op(OP_PUTROOTFH);
	ops[n++] = harness_reclaim_complete(one_fs);
	return harness_status(s, 1, ops, n);
}

/* RFC 8881 s18.51.4: a second global RECLAIM_COMPLETE is COMPLETE_ALREADY; the replay of the
 * first is its cached NFS4_OK. */
static void test_second_global(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16], sid2[16];
	uint64_t cid;
	struct nfs_argop cs;

	harness_open_session(s, 1, "rc-twice", sid, &cid);
	CHECK_STATUS(reclaim(s, sid, 0, 1, false, false), NFS4_OK);
	CHECK_STATUS(reclaim(s, sid, 0, 1, false, false), NFS4_OK);                   /* RC-03: replay */
	CHECK_STATUS(reclaim(s, sid, 0, 2, false, false), NFS4ERR_COMPLETE_ALREADY); /* RC-03 */
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid2, NULL), NFS4_OK);
	CHECK_STATUS(reclaim(s, sid2, 0, 1, false, false), NFS4ERR_COMPLETE_ALREADY); /* RC-03: per client */
	sm_free(s);
}

/* RFC 8881 s18.51.3: the per-fs form names the file system by the current filehandle. */
static void test_per_fs_needs_filehandle(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "rc-fh", sid, &cid);
	CHECK_STATUS(reclaim(s, sid, 0, 1, true, false), NFS4ERR_NOFILEHANDLE); /* RC-04 */
	CHECK_STATUS(reclaim(s, sid, 0, 2, true, true), NFS4_OK);               /* RC-04 */
	CHECK_STATUS(reclaim(s, sid, 0, 3, true, true), NFS4_OK);               /* RC-05: again */
	CHECK_STATUS(reclaim(s, sid, 0, 4, false, false), NFS4_OK); /* the global one still pending */
	sm_free(s);
}

/* RFC 8881 s18.46.3: RECLAIM_COMPLETE needs a session. */
static void test_needs_session(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop op = harness_reclaim_complete(false);

	harness_new_client(s, 1, "rc-nosession");
	CHECK_STATUS(harness_status(s, 1, &op, 1), NFS4ERR_OP_NOT_IN_SESSION); /* RC-06, CMP-08 */
	sm_free(s);
}

/* RFC 8881 s18.46.4, s2.10.1: the session's client is the one marked, no other. */
static void test_applies_to_session_client(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t ca, cb;

	harness_open_session(s, 1, "rc-a", a, &ca);
	harness_open_session(s, 1, "rc-b", b, &cb);
	CHECK_STATUS(reclaim(s, a, 0, 1, false, false), NFS4_OK);
	CHECK_STATUS(reclaim(s, b, 0, 1, false, false), NFS4_OK); /* SES-46, SES-02, RC-06 */
	CHECK_STATUS(reclaim(s, a, 0, 2, false, false), NFS4ERR_COMPLETE_ALREADY);
	sm_free(s);
}

/* RFC 8881 s18.51.3, s2.4: a new incarnation sends its own RECLAIM_COMPLETE. */
static void test_per_incarnation(void)
{
	struct sm *s = harness_sm(90);
	uint8_t old_sid[16], sid[16];
	uint64_t old_id, new_id;
	struct nfs_argop ex = harness_exchange_id_bytes((const uint8_t *)"rc-restart", 10, "reboot-1", 0);
	struct nfs_argop cs;
	struct harness_reply r;

	harness_open_session(s, 1, "rc-restart", old_sid, &old_id);
	CHECK_STATUS(reclaim(s, old_sid, 0, 1, false, false), NFS4_OK);
	harness_compound(s, 1, &ex, 1, &r); /* case 5 */
	REQUIRE(harness_nres(&r) == 1);
	new_id = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	harness_reply_free(&r);
	cs = harness_create_session(new_id, 1, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4_OK);
	CHECK_STATUS(reclaim(s, sid, 0, 1, false, false), NFS4_OK); /* RC-07 */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"second global RECLAIM_COMPLETE", test_second_global},
		{"per-fs form needs a filehandle", test_per_fs_needs_filehandle},
		{"needs a session", test_needs_session},
		{"applies to the session's client", test_applies_to_session_client},
		{"per client incarnation", test_per_incarnation},
		{NULL, NULL}};

	tests_add_suite("state machine: RECLAIM_COMPLETE", tests);
}
