/*
 * test_sm_open.c - OPEN on the read-only pseudo-root (sm_open.c): the RECLAIM_COMPLETE grace
 * rules (RFC 8881 s18.51.3, RC-01, RC-02) and the errors after them (s18.16.3, s18.16.4).
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* open_claim_type4 (RFC 5662). */
enum { C_NULL, C_PREVIOUS, C_DELEGATE_CUR, C_DELEGATE_PREV, C_FH, C_DELEG_CUR_FH, C_DELEG_PREV_FH };
enum { READ = 1, BOTH = 3 };

/* One OPEN4args, encoded into buf. */
struct open_spec {
	uint32_t share_access;
	bool create;
	uint32_t claim;
	const char *name; /* for the claims that carry one */
};

/* What the current filehandle is before OPEN. */
enum where { NO_FH, ROOT, README };

/* A session on conn 1 of its own client and the next seqid on its slot 0. */
struct cl {
	struct sm *s;
	uint8_t sid[16];
	uint32_t seq;
};

static void cl_open(struct sm *s, const char *owner, struct cl *c)
{
	uint64_t cid;

	c->s = s;
	c->seq = 1;
	harness_open_session(s, 1, owner, c->sid, &cid);
}

static size_t encode_open(const struct open_spec *o, uint8_t *buf, size_t cap)
{
	static const uint8_t stateid_other[12] = {0};
	struct xdr_enc e;
	bool named = o->claim == C_NULL || o->claim == C_DELEGATE_CUR || o->claim == C_DELEGATE_PREV;

	xdr_enc_init(&e, buf, cap);
	xdr_put_u32(&e, 0);               /* seqid: ignored in 4.1 (s18.16.3) */
	xdr_put_u32(&e, o->share_access); /* share_access */
	xdr_put_u32(&e, 0);               /* share_deny NONE */
	xdr_put_u64(&e, 0);               /* owner.clientid: ignored under sessions (s18.16.3) */
	xdr_put_opaque(&e, "o", 1);
	xdr_put_u32(&e, o->create);
	if (o->create) {
		xdr_put_u32(&e, 0); /* UNCHECKED4 */
		xdr_put_u32(&e, 0); /* attrmask <> */
		xdr_put_u32(&e, 0); /* attr_vals <> */
	}
	xdr_put_u32(&e, o->claim);
	if (o->claim == C_PREVIOUS)
		xdr_put_u32(&e, 0); /* delegate_type OPEN_DELEGATE_NONE */
	if (o->claim == C_DELEGATE_CUR || o->claim == C_DELEG_CUR_FH) {
		xdr_put_u32(&e, 1);
		xdr_put_fixed(&e, stateid_other, sizeof(stateid_other));
	}
	if (named)
		xdr_put_opaque(&e, o->name, (uint32_t)strlen(o->name));
	return e.len;
}

/* [SEQUENCE, (PUTROOTFH (, LOOKUP README)), OPEN]: OPEN's status (UINT32_MAX if it did not run). */
static uint32_t open_at(struct cl *c, enum where w, const struct open_spec *o)
{
	uint8_t args[256];
	struct nfs_argop ops[4];
	struct harness_reply r;
	uint32_t n = 0, st = UINT32_MAX;

	ops[n++] = harness_sequence(c->sid, 0, c->seq++, false);
	if (w != NO_FH)
		ops[n++] = harness_op(OP_PUTROOTFH);
	if (w == README)
		ops[n++] = harness_lookup("README");
	ops[n] = (struct nfs_argop){.op = OP_OPEN};
	ops[n++].u.raw = (struct wire_opaque){args, (uint32_t)encode_open(o, args, sizeof(args))};
	harness_compound(c->s, 1, ops, n, &r);
	if (harness_nres(&r) == n && harness_res(&r, n - 1)->op == OP_OPEN)
		st = harness_res(&r, n - 1)->status;
	harness_reply_free(&r);
	return st;
}

static uint32_t reclaim_complete(struct cl *c)
{
	struct nfs_argop ops[2] = {harness_sequence(c->sid, 0, c->seq++, false),
				   harness_reclaim_complete(false)};

	return harness_status(c->s, 1, ops, 2);
}

static const struct open_spec create_null = {BOTH, true, C_NULL, "new"};
static const struct open_spec open_fh = {BOTH, false, C_FH, NULL};
static const struct open_spec reclaims[] = {{BOTH, false, C_PREVIOUS, NULL},
					    {BOTH, false, C_DELEGATE_PREV, "README"},
					    {BOTH, false, C_DELEG_PREV_FH, NULL}};
#define NRECLAIMS (sizeof(reclaims) / sizeof(reclaims[0]))

/* s15.1.2.5: no current filehandle comes first, before any grace rule. */
static void test_no_filehandle(void)
{
	struct sm *s = harness_sm(90);
	struct cl c;

	cl_open(s, "open-nofh", &c);
	CHECK_STATUS(open_at(&c, NO_FH, &create_null), NFS4ERR_NOFILEHANDLE);
	CHECK_STATUS(open_at(&c, NO_FH, &reclaims[0]), NFS4ERR_NOFILEHANDLE);
	CHECK_STATUS(reclaim_complete(&c), NFS4_OK);
	CHECK_STATUS(open_at(&c, NO_FH, &create_null), NFS4ERR_NOFILEHANDLE);
	sm_free(s);
}

/* RC-01 (s18.51.3): every non-reclaim claim before the global RECLAIM_COMPLETE is GRACE. */
static void test_grace_before_reclaim_complete(void)
{
	static const struct open_spec non_reclaims[] = {
		{BOTH, true, C_NULL, "new"},        {READ, false, C_NULL, "export"},
		{BOTH, false, C_FH, NULL},          {BOTH, false, C_DELEGATE_CUR, "README"},
		{BOTH, false, C_DELEG_CUR_FH, NULL}};
	struct sm *s = harness_sm(90);
	struct cl c;

	cl_open(s, "open-grace", &c);
	for (size_t i = 0; i < sizeof(non_reclaims) / sizeof(non_reclaims[0]); i++)
		CHECK_STATUS(open_at(&c, ROOT, &non_reclaims[i]), NFS4ERR_GRACE);
	CHECK_STATUS(reclaim_complete(&c), NFS4_OK);
	CHECK_STATUS(open_at(&c, ROOT, &create_null), NFS4ERR_ROFS); /* RC-01: allowed now */
	sm_free(s);
}

/* RC-02 (s18.51.3, s15.1.9.3/4): reclaims are RECLAIM_BAD before, NO_GRACE after. */
static void test_reclaims(void)
{
	struct sm *s = harness_sm(90);
	struct cl c;

	cl_open(s, "open-reclaim", &c);
	for (size_t i = 0; i < NRECLAIMS; i++)
		CHECK_STATUS(open_at(&c, README, &reclaims[i]), NFS4ERR_RECLAIM_BAD);
	CHECK_STATUS(reclaim_complete(&c), NFS4_OK);
	for (size_t i = 0; i < NRECLAIMS; i++)
		CHECK_STATUS(open_at(&c, README, &reclaims[i]), NFS4ERR_NO_GRACE);
	sm_free(s);
}

/* s18.16.3, s18.16.4: after RECLAIM_COMPLETE, what the pseudo-root answers for each claim. */
static void test_after_reclaim_complete(void)
{
	struct sm *s = harness_sm(90);
	struct cl c;

	cl_open(s, "open-after", &c);
	CHECK_STATUS(reclaim_complete(&c), NFS4_OK);
	CHECK_STATUS(open_at(&c, ROOT, &create_null), NFS4ERR_ROFS);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){BOTH, true, C_NULL, "README"}),
		     NFS4ERR_ROFS);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){READ, false, C_NULL, "export"}),
		     NFS4ERR_ISDIR);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){READ, false, C_NULL, "absent"}),
		     NFS4ERR_NOENT);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){READ, false, C_NULL, ""}),
		     NFS4ERR_INVAL);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){BOTH, false, C_NULL, "README"}),
		     NFS4ERR_ROFS);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){READ, false, C_NULL, "README"}),
		     NFS4ERR_ACCESS);
	CHECK_STATUS(open_at(&c, README, &create_null), NFS4ERR_NOTDIR);
	CHECK_STATUS(open_at(&c, ROOT, &open_fh), NFS4ERR_ISDIR);
	CHECK_STATUS(open_at(&c, README, &open_fh), NFS4ERR_ROFS);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){BOTH, true, C_FH, NULL}), NFS4ERR_INVAL);
	CHECK_STATUS(open_at(&c, ROOT, &(struct open_spec){READ, false, C_DELEGATE_CUR, "README"}),
		     NFS4ERR_BAD_STATEID);
	CHECK_STATUS(open_at(&c, README, &(struct open_spec){READ, false, C_DELEG_CUR_FH, NULL}),
		     NFS4ERR_BAD_STATEID);
	sm_free(s);
}

/* RC-01, RC-07 (s2.4): the completed reclaim belongs to the client ID that sent it. */
static void test_per_client(void)
{
	struct sm *s = harness_sm(90);
	struct cl a, b;

	cl_open(s, "open-a", &a);
	cl_open(s, "open-b", &b);
	CHECK_STATUS(reclaim_complete(&a), NFS4_OK);
	CHECK_STATUS(open_at(&a, ROOT, &create_null), NFS4ERR_ROFS);
	CHECK_STATUS(open_at(&b, ROOT, &create_null), NFS4ERR_GRACE);
	CHECK_STATUS(open_at(&b, README, &reclaims[0]), NFS4ERR_RECLAIM_BAD);
	CHECK_STATUS(open_at(&a, README, &reclaims[0]), NFS4ERR_NO_GRACE);
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"no current filehandle first", test_no_filehandle},
		{"GRACE before RECLAIM_COMPLETE", test_grace_before_reclaim_complete},
		{"reclaims: RECLAIM_BAD, then NO_GRACE", test_reclaims},
		{"after RECLAIM_COMPLETE", test_after_reclaim_complete},
		{"per client", test_per_client},
		{NULL, NULL}};

	tests_add_suite("state machine: OPEN", tests);
}
