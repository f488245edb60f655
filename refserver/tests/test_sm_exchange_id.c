/*
 * test_sm_exchange_id.c - EXCHANGE_ID (RFC 8881 s18.35): argument checks, the result's flags and
 * identity, state protection, and the nine cases of s18.35.4 in order.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* What an EXCHANGE_ID answered, copied out of the reply. */
struct exid {
	uint32_t status;
	uint64_t clientid;
	uint32_t sequenceid, flags, spr_how;
	uint8_t major[NFS4_OPAQUE_LIMIT], scope[NFS4_OPAQUE_LIMIT];
	uint32_t major_len, scope_len;
	bool impl_id;
};

static struct exid exid_send(struct sm *s, uint64_t conn, const struct nfs_argop *op)
{
	struct harness_reply r;
	struct exid e;
	const struct EXCHANGE_ID4resok *ok;

	memset(&e, 0, sizeof(e));
	harness_compound(s, conn, op, 1, &r);
	e.status = harness_reply_status(&r);
	if (e.status == NFS4_OK && harness_nres(&r) == 1) {
		ok = &harness_res(&r, 0)->u.exchange_id;
		e.clientid = ok->eir_clientid;
		e.sequenceid = ok->eir_sequenceid;
		e.flags = ok->eir_flags;
		e.spr_how = ok->eir_state_protect.spr_how;
		e.major_len = ok->eir_server_owner.so_major_id.len;
		e.scope_len = ok->eir_server_scope.len;
		if (e.major_len <= sizeof(e.major) && e.major_len)
			memcpy(e.major, ok->eir_server_owner.so_major_id.data, e.major_len);
		if (e.scope_len <= sizeof(e.scope) && e.scope_len)
			memcpy(e.scope, ok->eir_server_scope.data, e.scope_len);
		e.impl_id = ok->eir_server_impl_id_present;
	}
	harness_reply_free(&r);
	return e;
}

static struct exid exid(struct sm *s, const char *owner, uint32_t flags)
{
	struct nfs_argop op = harness_exchange_id(owner, flags);

	return exid_send(s, 1, &op);
}

/* The same with verifier v. */
static struct exid exid_v(struct sm *s, const char *owner, const char *v, uint32_t flags)
{
	struct nfs_argop op = harness_exchange_id_bytes((const uint8_t *)owner,
							(uint32_t)strlen(owner), v, flags);

	return exid_send(s, 1, &op);
}

/* CREATE_SESSION confirming clientid at csa_sequence seq on conn 1: its status; sid filled. */
static uint32_t confirm(struct sm *s, uint64_t clientid, uint32_t seq, uint8_t sid[16])
{
	struct nfs_argop cs = harness_create_session(clientid, seq, 4);

	return harness_create(s, 1, &cs, sid, NULL);
}

static bool is_confirmed(const struct sm *s, uint64_t clientid)
{
	struct sm_client_info ci;

	return harness_client_info(s, clientid, &ci) && ci.confirmed;
}

/* RFC 8881 s18.35.4 case 1: a new owner gets a new unconfirmed record. */
static void test_new_owner(void)
{
	struct sm *s = harness_sm(90);
	struct exid a = exid(s, "owner-a", 0), b = exid(s, "owner-b", 0);
	struct sm_client_info ci;

	CHECK_STATUS(a.status, NFS4_OK);                          /* EXID-20 */
	CHECK_U64(a.flags & EXCHGID4_FLAG_CONFIRMED_R, 0);        /* EXID-20, EXID-05 */
	CHECK_U64(a.sequenceid, 1);                               /* EXID-20, CS-06 */
	CHECK(a.clientid != 0 && a.clientid != b.clientid, "client ids %llx %llx",
	      (unsigned long long)a.clientid, (unsigned long long)b.clientid); /* EXID-20 */
	CHECK(harness_client_info(s, a.clientid, &ci) && !ci.confirmed, "record"); /* EXID-20 */
	CHECK_U64(ci.owner_len, 7);
	CHECK(!memcmp(ci.owner, "owner-a", 7), "owner");
	sm_free(s);
}

/* RFC 8881 s18.35.3: undefined flag bits are NFS4ERR_INVAL and create nothing. */
static void test_undefined_flags(void)
{
	static const uint32_t bad[] = {0x4, 0x8, 0x1000, 0x20000000u, 0x00080000u,
				       EXCHGID4_FLAG_CONFIRMED_R};
	struct sm *s = harness_sm(90);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct exid e = exid(s, "flags", bad[i]);
		if (bad[i] == EXCHGID4_FLAG_CONFIRMED_R) /* EXID-04: result-only; INVAL or ignored */
			CHECK(e.status == NFS4ERR_INVAL || e.status == NFS4_OK, "CONFIRMED_R: %s",
			      harness_status_name(e.status));
		else
			CHECK(e.status == NFS4ERR_INVAL, "flags %#x: %s", bad[i],
			      harness_status_name(e.status)); /* EXID-03 */
	}
	CHECK(harness_nclients(s) <= 1, "records created"); /* EXID-03 */
	sm_free(s);
}

/* RFC 8881 s18.35.3, s13.1: the result's flags: CONFIRMED_R, never UPD, a permitted pNFS role
 * (USE_NON_PNFS here), no referral or migration support (catalogue s17). */
static void test_result_flags(void)
{
	static const uint32_t asked[] = {0, EXCHGID4_FLAG_USE_PNFS_MDS, EXCHGID4_FLAG_USE_PNFS_DS,
					 EXCHGID4_FLAG_MASK_PNFS,
					 EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_SUPP_MOVED_MIGR,
					 EXCHGID4_FLAG_BIND_PRINC_STATEID};
	struct sm *s = harness_sm(90);
	char owner[16];

	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		struct exid e;
		memcpy(owner, "roles-0", 8);
		owner[6] = (char)('0' + i);
		e = exid(s, owner, asked[i]);
		CHECK_STATUS(e.status, NFS4_OK); /* EXID-09: BIND_PRINC_STATEID accepted */
		CHECK_U64(e.flags & EXCHGID4_FLAG_MASK_PNFS, EXCHGID4_FLAG_USE_NON_PNFS); /* EXID-07 */
		CHECK_U64(e.flags & EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, 0);              /* EXID-04 */
		CHECK_U64(e.flags & (EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_SUPP_MOVED_MIGR),
			  0); /* EXID-08 */
		CHECK_U64(e.flags & EXCHGID4_FLAG_BIND_PRINC_STATEID, 0); /* EXID-09: not granted */
	}
	sm_free(s);
}

/* RFC 8881 s18.35.3: CONFIRMED_R exactly when the client id returned is confirmed. */
static void test_confirmed_flag(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct exid first = exid(s, "confirm-flag", 0), again;

	CHECK_U64(first.flags & EXCHGID4_FLAG_CONFIRMED_R, 0); /* EXID-05 */
	CHECK_STATUS(confirm(s, first.clientid, first.sequenceid, sid), NFS4_OK);
	again = exid(s, "confirm-flag", 0);
	CHECK_STATUS(again.status, NFS4_OK);
	CHECK_U64(again.clientid, first.clientid);                         /* EXID-05 */
	CHECK_U64(again.flags & EXCHGID4_FLAG_CONFIRMED_R, EXCHGID4_FLAG_CONFIRMED_R); /* EXID-05 */
	/* EXID-06: eir_sequenceid is meaningless now; nothing is asserted about it */
	sm_free(s);
}

/* RFC 8881 s18.35.3: an empty implementation id, or one, is accepted and changes nothing. */
static void test_implementation_id(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop with = harness_exchange_id("impl-with", 0);
	struct exid a, b;

	with.u.exchange_id.eia_client_impl_id_present = true;
	with.u.exchange_id.eia_client_impl_id.nii_domain = (struct wire_opaque){(const uint8_t *)"example.org", 11};
	with.u.exchange_id.eia_client_impl_id.nii_name = (struct wire_opaque){(const uint8_t *)"client 1.0", 10};
	a = exid(s, "impl-without", 0);
	b = exid_send(s, 1, &with);
	CHECK_STATUS(a.status, NFS4_OK); /* EXID-10 */
	CHECK_STATUS(b.status, NFS4_OK); /* EXID-11: one element */
	CHECK_U64(b.flags, a.flags);     /* EXID-12 */
	CHECK_U64(b.spr_how, a.spr_how); /* EXID-12 */
	CHECK_U64(b.sequenceid, a.sequenceid);
	sm_free(s);
}

/* RFC 8881 s2.4, s18.35.1: co_ownerid is 1..1024 octets here (0 is INVAL, catalogue s17). */
static void test_owner_length(void)
{
	static const uint32_t lens[] = {0, 1, 2, 1023, 1024, 1025, 4096};
	static uint8_t owner[4096];
	struct sm *s = harness_sm(90);
	struct harness_reply r;

	memset(owner, 'o', sizeof(owner));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct nfs_argop op = harness_exchange_id_bytes(owner, lens[i], "verifier", 0);
		owner[0] = (uint8_t)('a' + i); /* a distinct owner each time */
		harness_compound(s, 1, &op, 1, &r);
		if (lens[i] == 0)
			CHECK(harness_reply_status(&r) == NFS4ERR_INVAL ||
			      harness_reply_status(&r) == NFS4_OK, "0 octets"); /* EXID-14 */
		else if (lens[i] <= NFS4_OPAQUE_LIMIT)
			CHECK(harness_reply_status(&r) == NFS4_OK, "%u octets: %s", lens[i],
			      harness_status_name(harness_reply_status(&r))); /* EXID-14 */
		else
			CHECK(harness_reply_status(&r) == NFS4ERR_BADXDR ||
			      (r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS) ||
			      r.action == SM_CLOSE, "%u octets accepted", lens[i]); /* EXID-14 */
		harness_reply_free(&r);
	}
	CHECK_U64(harness_nclients(s), 4);
	sm_free(s);
}

/* RFC 8881 s18.35.3: state protection: SP4_NONE only (catalogue s17). */
static void test_state_protection(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop op = harness_exchange_id("sp4", 0);
	struct ssv_sp_parms4 *ssv = &op.u.exchange_id.eia_state_protect.spa_ssv_parms;
	static const uint8_t oid[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
	struct wire_opaque alg = {oid, sizeof(oid)}; /* sec_oid4 id-sha256, out of line */
	struct exid e;

	e = exid_send(s, 1, &op);
	CHECK_STATUS(e.status, NFS4_OK);
	CHECK_U64(e.spr_how, SP4_NONE); /* EXID-15 */
	op.u.exchange_id.eia_state_protect.spa_how = SP4_MACH_CRED;
	bitmap4_set(&op.u.exchange_id.eia_state_protect.spa_mach_ops.spo_must_enforce,
		    OP_DESTROY_SESSION);
	CHECK_STATUS(exid_send(s, 1, &op).status, NFS4ERR_INVAL); /* EXID-16: AUTH_SYS, no GSS */
	op = harness_exchange_id("sp4-ssv", 0);
	op.u.exchange_id.eia_state_protect.spa_how = SP4_SSV;
	ssv->ssp_hash_algs_count = 1;
	ssv->ssp_hash_algs = &alg;
	ssv->ssp_encr_algs_count = 1;
	ssv->ssp_encr_algs = &alg;
	ssv->ssp_window = 1;
	ssv->ssp_num_gss_handles = 1;
	e = exid_send(s, 1, &op);
	CHECK(e.status == NFS4ERR_ENCR_ALG_UNSUPP || e.status == NFS4ERR_HASH_ALG_UNSUPP,
	      "well-formed SP4_SSV: %s", harness_status_name(e.status)); /* EXID-18 */
	CHECK_U64(harness_nclients(s), 1); /* EXID-16, EXID-18: no record */
	sm_free(s);
}

/*
 * RFC 8881 s18.35.3 (EXID-18, catalogue s17 "well-formed SP4_SSV -> ENCR_ALG_UNSUPP (after INVAL
 * checks)"). An empty ssp_hash_algs or ssp_encr_algs, or ssp_window 0, is NFS4ERR_INVAL.
 */
static void test_ssv_invalid_parameters(void)
{
	struct sm *s = harness_sm(90);
	static const uint8_t oid[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
	struct wire_opaque alg = {oid, sizeof(oid)}; /* sec_oid4 id-sha256, out of line */

	for (int variant = 0; variant < 3; variant++) {
		struct nfs_argop op = harness_exchange_id("sp4-ssv-inval", 0);
		struct ssv_sp_parms4 *ssv = &op.u.exchange_id.eia_state_protect.spa_ssv_parms;
		op.u.exchange_id.eia_state_protect.spa_how = SP4_SSV;
		ssv->ssp_hash_algs_count = variant == 0 ? 0 : 1;
		ssv->ssp_hash_algs = &alg;
		ssv->ssp_encr_algs_count = variant == 1 ? 0 : 1;
		ssv->ssp_encr_algs = &alg;
		ssv->ssp_window = variant == 2 ? 0 : 1;
		CHECK(exid_send(s, 1, &op).status == NFS4ERR_INVAL,
		      "EXID-18: variant %d (0: no hash algs, 1: no encr algs, 2: window 0) "
		      "not NFS4ERR_INVAL", variant);
	}
	sm_free(s);
}

/* RFC 8881 s18.35.3: properties are frozen once confirmed: an update asking for SP4_MACH_CRED
 * fails and the record keeps SP4_NONE. */
static void test_frozen_properties(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct exid e = exid(s, "frozen", 0);
	struct nfs_argop op = harness_exchange_id("frozen", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);

	CHECK_STATUS(confirm(s, e.clientid, 1, sid), NFS4_OK);
	op.u.exchange_id.eia_state_protect.spa_how = SP4_MACH_CRED;
	CHECK(exid_send(s, 1, &op).status != NFS4_OK, "state protection changed"); /* EXID-19 */
	e = exid(s, "frozen", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);
	CHECK_STATUS(e.status, NFS4_OK);
	CHECK_U64(e.spr_how, SP4_NONE); /* EXID-19 */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 2: the same owner, verifier and principal as a confirmed record. */
static void test_case2_retry(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct nfs_argop op = harness_exchange_id("case2", 0);
	struct exid first = exid(s, "case2", 0), again;

	CHECK_STATUS(confirm(s, first.clientid, 1, sid), NFS4_OK);
	first = exid(s, "case2", 0);
	again = exid_send(s, 2, &op); /* over another connection (EXID-32) */
	CHECK_STATUS(again.status, NFS4_OK);                        /* EXID-21 */
	CHECK_U64(again.clientid, first.clientid);                  /* EXID-21, EXID-32 */
	CHECK(again.flags & EXCHGID4_FLAG_CONFIRMED_R, "CONFIRMED_R"); /* EXID-21 */
	CHECK(again.major_len == first.major_len && !memcmp(again.major, first.major, first.major_len),
	      "so_major_id changed"); /* EXID-21, EXID-32 */
	CHECK(again.scope_len == first.scope_len && !memcmp(again.scope, first.scope, first.scope_len),
	      "eir_server_scope changed"); /* EXID-21, EXID-32 */
	CHECK(first.major_len <= NFS4_OPAQUE_LIMIT && first.scope_len <= NFS4_OPAQUE_LIMIT &&
	      first.major_len > 0, "server identity sizes"); /* EXID-33 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* EXID-21: sessions keep working */
	CHECK_U64(harness_nclients(s), 1);
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 3: another principal, the old client without state. */
static void test_case3_idle(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct exid old = exid(s, "case3", 0), fresh;
	struct nfs_argop ds;

	CHECK_STATUS(confirm(s, old.clientid, 1, sid), NFS4_OK);
	ds = harness_destroy_session(sid);
	CHECK_STATUS(harness_status(s, 1, &ds, 1), NFS4_OK); /* no state left */
	harness_as(1000);
	fresh = exid(s, "case3", 0);
	CHECK_STATUS(fresh.status, NFS4_OK);                 /* EXID-22 */
	CHECK(fresh.clientid != old.clientid, "same id");    /* EXID-22 */
	CHECK_U64(fresh.flags & EXCHGID4_FLAG_CONFIRMED_R, 0); /* EXID-22 */
	harness_as(0);
	CHECK_STATUS(confirm(s, old.clientid, 2, sid), NFS4ERR_STALE_CLIENTID); /* EXID-22 */
	sm_free(s);
}

/*
 * RFC 8881 s18.35.4 case 3 (EXID-22, EXID-23). When the old client "has state but the lease has
 * expired", the collision is the new-owner case: the old record and its sessions go and a new
 * unconfirmed record is made, whether or not the reaper has run yet.
 */
static void test_case3_expired_lease(void)
{
	struct sm *s = harness_sm(2);
	uint8_t sid[16];
	uint64_t cid;
	struct exid fresh;

	harness_open_session(s, 1, "case3-expired", sid, &cid);
	harness_now += 3000; /* the lease has expired; the reaper has not run */
	harness_as(1000);
	fresh = exid(s, "case3-expired", 0);
	CHECK_STATUS(fresh.status, NFS4_OK); /* EXID-22 */
	CHECK(fresh.clientid != cid, "same id");
	harness_as(0);
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4ERR_BADSESSION); /* EXID-22 */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 3, s2.4.3: another principal while the old client holds state. */
static void test_case3_active(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "case3-active", sid, &cid);
	harness_as(1000);
	CHECK_STATUS(exid(s, "case3-active", 0).status, NFS4ERR_CLID_INUSE); /* EXID-23 */
	harness_cred.flavor = ONCRPC_AUTH_NONE; /* another flavor is another principal (EXID-34) */
	CHECK_STATUS(exid(s, "case3-active", 0).status, NFS4ERR_CLID_INUSE); /* EXID-23, EXID-34 */
	harness_as(0);
	harness_cred.machine = "elsewhere"; /* machine name and stamp are not the principal */
	harness_cred.stamp = 77;
	CHECK_STATUS(exid(s, "case3-active", 0).status, NFS4_OK); /* EXID-34: case 2 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* EXID-23: still works */
	CHECK(is_confirmed(s, cid), "record changed");             /* EXID-23 */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 4: an unconfirmed record is replaced, whatever changed. */
static void test_case4_replace_unconfirmed(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct exid a = exid(s, "case4", 0), b, c, d;

	b = exid(s, "case4", 0); /* the same again */
	c = exid_v(s, "case4", "verif-02", 0);
	harness_as(1000);
	d = exid(s, "case4", 0); /* another principal */
	CHECK(a.clientid != b.clientid && b.clientid != c.clientid && c.clientid != d.clientid,
	      "client id reused"); /* EXID-24 */
	CHECK_U64(harness_nclients(s), 1); /* EXID-24: one unconfirmed record */
	CHECK_STATUS(confirm(s, a.clientid, 1, sid), NFS4ERR_STALE_CLIENTID); /* EXID-24 */
	CHECK_STATUS(confirm(s, c.clientid, 1, sid), NFS4ERR_STALE_CLIENTID); /* EXID-24 */
	CHECK_STATUS(confirm(s, d.clientid, 1, sid), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 5, s18.36.4: a restarted client replaces its old incarnation when the
 * new client id is confirmed, not before. */
static void test_case5_restart(void)
{
	struct sm *s = harness_sm(90);
	uint8_t old_sid[16], new_sid[16];
	uint64_t old_id;
	struct exid e;

	harness_open_session(s, 1, "case5", old_sid, &old_id);
	e = exid_v(s, "case5", "reboot-1", 0);
	CHECK_STATUS(e.status, NFS4_OK);
	CHECK(e.clientid != old_id, "the new incarnation has the old id"); /* EXID-13, EXID-25 */
	CHECK_U64(e.flags & EXCHGID4_FLAG_CONFIRMED_R, 0);
	CHECK_STATUS(harness_seq(s, 1, old_sid, 0, 1, NULL), NFS4_OK); /* EXID-25: not yet */
	CHECK_U64(harness_nclients(s), 2);
	CHECK_STATUS(confirm(s, e.clientid, e.sequenceid, new_sid), NFS4_OK); /* CS-12 */
	CHECK_STATUS(harness_seq(s, 1, old_sid, 0, 2, NULL), NFS4ERR_BADSESSION); /* EXID-25, CS-12 */
	CHECK_STATUS(confirm(s, old_id, 2, old_sid), NFS4ERR_STALE_CLIENTID);    /* CS-12 */
	CHECK_U64(harness_nclients(s), 1);
	CHECK(is_confirmed(s, e.clientid), "new record unconfirmed"); /* CS-12 */
	CHECK_STATUS(harness_seq(s, 1, new_sid, 0, 1, NULL), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 5: another EXCHANGE_ID while both records exist. */
static void test_case5_interrupted(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t old_id;
	struct exid restart, again;

	harness_open_session(s, 1, "case5-int", sid, &old_id);
	restart = exid_v(s, "case5-int", "reboot-1", 0);
	again = exid(s, "case5-int", 0); /* the old verifier again: case 2 on the confirmed record */
	CHECK_STATUS(again.status, NFS4_OK);
	CHECK(again.clientid == old_id || again.clientid != restart.clientid,
	      "inconsistent with case 2 or 5"); /* EXID-26 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* EXID-26 */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 6: an update by the owner, verifier and principal of the record. */
static void test_case6_update(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct exid e;

	harness_open_session(s, 1, "case6", sid, &cid);
	e = exid(s, "case6", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);
	CHECK_STATUS(e.status, NFS4_OK);                                          /* EXID-27 */
	CHECK_U64(e.clientid, cid);                                               /* EXID-27 */
	CHECK(e.flags & EXCHGID4_FLAG_CONFIRMED_R, "CONFIRMED_R");                /* EXID-27 */
	e = exid(s, "case6", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A | EXCHGID4_FLAG_USE_PNFS_MDS |
				     EXCHGID4_FLAG_SUPP_MOVED_REFER);
	CHECK_STATUS(e.status, NFS4_OK);                                          /* EXID-35 */
	CHECK_U64(e.flags & EXCHGID4_FLAG_MASK_PNFS, EXCHGID4_FLAG_USE_NON_PNFS); /* EXID-35 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK);
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 7: an update with no confirmed record; unconfirmed ones stay. */
static void test_case7_update_unknown(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	struct exid pending = exid(s, "case7", 0);

	CHECK_STATUS(exid(s, "case7", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A).status, NFS4ERR_NOENT); /* EXID-28 */
	CHECK_STATUS(exid(s, "case7-none", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A).status,
		     NFS4ERR_NOENT); /* EXID-28 */
	CHECK_STATUS(confirm(s, pending.clientid, 1, sid), NFS4_OK); /* EXID-28: left intact */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 8: an update with another verifier (also by another principal,
 * catalogue s17). */
static void test_case8_wrong_verifier(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "case8", sid, &cid);
	CHECK_STATUS(exid_v(s, "case8", "verif-99", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A).status,
		     NFS4ERR_NOT_SAME); /* EXID-29 */
	harness_as(1000);
	CHECK_STATUS(exid_v(s, "case8", "verif-99", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A).status,
		     NFS4ERR_NOT_SAME); /* EXID-29 */
	harness_as(0);
	CHECK(is_confirmed(s, cid), "record changed");             /* EXID-29 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* EXID-29 */
	sm_free(s);
}

/* RFC 8881 s18.35.4 case 9: an update by another principal. */
static void test_case9_wrong_principal(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;

	harness_open_session(s, 1, "case9", sid, &cid);
	harness_as(1000);
	CHECK_STATUS(exid(s, "case9", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A).status, NFS4ERR_PERM); /* EXID-30 */
	harness_as(0);
	CHECK(is_confirmed(s, cid), "record changed");             /* EXID-30 */
	CHECK_STATUS(harness_seq(s, 1, sid, 0, 1, NULL), NFS4_OK); /* EXID-30 */
	sm_free(s);
}

/* RFC 8881 s18.35.3: EXCHANGE_ID after SEQUENCE runs once and is cached like anything else. */
static void test_inside_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t sid[16];
	uint64_t cid;
	struct nfs_argop ops[2];
	struct harness_reply a, b;
	size_t la, lb;
	const uint8_t *ra, *rb;

	harness_open_session(s, 1, "inside", sid, &cid);
	ops[0] = harness_sequence(sid, 0, 1, true);
	ops[1] = harness_exchange_id("inside", EXCHGID4_FLAG_UPD_CONFIRMED_REC_A);
	harness_compound(s, 1, ops, 2, &a);
	CHECK_STATUS(harness_reply_status(&a), NFS4_OK); /* EXID-02 */
	harness_compound(s, 1, ops, 2, &b);
	ra = harness_res_bytes(&a, &la);
	rb = harness_res_bytes(&b, &lb);
	CHECK(ra && rb && la == lb && !memcmp(ra, rb, la), "not the cached result"); /* EXID-02 */
	harness_reply_free(&a);
	harness_reply_free(&b);
	sm_free(s);
}

/* A full client table: EXCHANGE_ID for a new owner is told to come back later. */
static void test_client_table_full(void)
{
	struct sm_limits l;
	struct sm *s;
	struct exid e;

	sm_limits_default(&l);
	l.max_clients = 2;
	s = harness_sm_limits(&l);
	CHECK_STATUS(exid(s, "full-1", 0).status, NFS4_OK);
	CHECK_STATUS(exid(s, "full-2", 0).status, NFS4_OK);
	CHECK_STATUS(exid(s, "full-3", 0).status, NFS4ERR_DELAY);
	e = exid(s, "full-2", 0); /* case 4 replaces a record: no new room needed */
	CHECK_STATUS(e.status, NFS4_OK);
	CHECK_U64(harness_nclients(s), 2);
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"case 1: new owner", test_new_owner},
		{"undefined flag bits", test_undefined_flags},
		{"result flags", test_result_flags},
		{"CONFIRMED_R reflects confirmation", test_confirmed_flag},
		{"implementation id", test_implementation_id},
		{"co_ownerid length", test_owner_length},
		{"state protection", test_state_protection},
		{"EXID-18: SP4_SSV parameter checks", test_ssv_invalid_parameters},
		{"properties frozen after confirmation", test_frozen_properties},
		{"case 2: retry on a confirmed record", test_case2_retry},
		{"case 3: collision, old client idle", test_case3_idle},
		{"EXID-22: case 3 with an expired lease", test_case3_expired_lease},
		{"case 3: collision, old client active", test_case3_active},
		{"case 4: replace an unconfirmed record", test_case4_replace_unconfirmed},
		{"case 5: client restart", test_case5_restart},
		{"case 5 interrupted", test_case5_interrupted},
		{"case 6: update", test_case6_update},
		{"case 7: update without a confirmed record", test_case7_update_unknown},
		{"case 8: update with the wrong verifier", test_case8_wrong_verifier},
		{"case 9: update by another principal", test_case9_wrong_principal},
		{"EXCHANGE_ID inside a session", test_inside_session},
		{"full client table", test_client_table_full},
		{NULL, NULL}};

	tests_add_suite("state machine: EXCHANGE_ID", tests);
}
