/*
 * test_sm_create_session.c - CREATE_SESSION (RFC 8881 s18.36): argument checks before phase 1,
 * the client's one-slot reply cache (phases 1-2), confirmation (phase 3), the session itself
 * (phase 4) and channel-attribute negotiation at its edges.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* The CREATE_SESSION result, copied out of the reply. */
struct cs_result {
	uint32_t status;
	struct CREATE_SESSION4resok ok;
	uint8_t bytes[512]; /* the COMPOUND4res */
	size_t len;
};

static struct cs_result cs_send(struct sm *s, uint64_t conn, const struct nfs_argop *op)
{
	struct harness_reply r;
	struct cs_result c;
	const uint8_t *b;

	memset(&c, 0, sizeof(c));
	harness_compound(s, conn, op, 1, &r);
	c.status = harness_reply_status(&r);
	if (c.status == NFS4_OK && harness_nres(&r) == 1)
		c.ok = harness_res(&r, 0)->u.create_session;
	b = harness_res_bytes(&r, &c.len);
	if (b && c.len <= sizeof(c.bytes))
		memcpy(c.bytes, b, c.len);
	harness_reply_free(&r);
	return c;
}

static bool is_confirmed(const struct sm *s, uint64_t clientid)
{
	struct sm_client_info ci;

	return harness_client_info(s, clientid, &ci) && ci.confirmed;
}

/* RFC 8881 s18.36.3: CREATE_SESSION after SEQUENCE, for another client. */
static void test_after_sequence(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16], b[16];
	uint64_t ca, cb;
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "after-seq-a", a, &ca);
	cb = harness_new_client(s, 1, "after-seq-b");
	ops[0] = harness_sequence(a, 0, 1, false);
	ops[1] = harness_create_session(cb, 1, 4);
	harness_compound(s, 1, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* CS-02 */
	REQUIRE(harness_nres(&r) == 2);
	memcpy(b, harness_res(&r, 1)->u.create_session.csr_sessionid, 16);
	harness_reply_free(&r);
	CHECK(is_confirmed(s, cb), "B unconfirmed"); /* CS-02 */
	CHECK_STATUS(harness_seq(s, 1, b, 0, 1, NULL), NFS4_OK); /* CS-02 */
	sm_free(s);
}

/* RFC 8881 s18.36.3: csr_sequence echoes csa_sequence, replays included. */
static void test_sequence_echoed(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "echo");

	for (uint32_t seq = 1; seq <= 3; seq++) {
		struct nfs_argop cs = harness_create_session(cid, seq, 4);
		struct cs_result a = cs_send(s, 1, &cs), b = cs_send(s, 1, &cs);
		CHECK_STATUS(a.status, NFS4_OK);
		CHECK_U64(a.ok.csr_sequence, seq); /* CS-03 */
		CHECK_U64(b.ok.csr_sequence, seq); /* CS-03: the replay */
	}
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 1: a client id nobody has. */
static void test_unknown_clientid(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "stale");
	const uint64_t ids[] = {0, ~0ull, cid ^ 1, cid + 1000, cid ^ (1ull << 63)};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct nfs_argop cs = harness_create_session(ids[i], 1, 4);
		CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_STALE_CLIENTID); /* CS-04 */
	}
	CHECK(!is_confirmed(s, cid), "changed"); /* CS-04: nothing changes */
	CHECK_U64(harness_nsessions(s), 0);
	sm_free(s);
}

/* RFC 8881 s18.36.4: the contrived reply at eir_sequenceid - 1; the first CREATE_SESSION uses
 * eir_sequenceid. */
static void test_first_sequence(void)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop ex = harness_exchange_id("first", 0), cs;
	struct harness_reply r;
	uint64_t cid;
	uint32_t eir;

	harness_compound(s, 1, &ex, 1, &r);
	REQUIRE(harness_nres(&r) == 1);
	cid = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	eir = harness_res(&r, 0)->u.exchange_id.eir_sequenceid;
	harness_reply_free(&r);
	cs = harness_create_session(cid, eir - 1, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_SEQ_MISORDERED); /* CS-05 */
	CHECK(!is_confirmed(s, cid), "confirmed by the contrived slot");   /* CS-05 */
	cs = harness_create_session(cid, eir + 1, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_SEQ_MISORDERED); /* CS-06 */
	cs = harness_create_session(cid, eir, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-06 */
	CHECK(is_confirmed(s, cid), "not confirmed");     /* CS-12 */
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 2: a replay returns the cached result and creates nothing. */
static void test_replay(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-replay");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct cs_result a = cs_send(s, 1, &cs), b = cs_send(s, 2, &cs);
	struct sm_stats st;

	CHECK_STATUS(a.status, NFS4_OK);
	CHECK(a.len == b.len && !memcmp(a.bytes, b.bytes, a.len), "the replay differs"); /* CS-07 */
	CHECK_U64(harness_nsessions(s), 1); /* CS-07 */
	sm_stats(s, &st);
	CHECK_U64(st.sessions_created, 1);
	sm_free(s);
}

/* RFC 8881 s18.36.4: the CREATE_SESSION cache is the client's, apart from any session slot. */
static void test_separate_cache(void)
{
	struct sm *s = harness_sm(90);
	uint8_t a[16];
	uint64_t ca, cb;
	struct nfs_argop ops[2];
	struct harness_reply r;
	struct cs_result alone, after;

	harness_open_session(s, 1, "cache-a", a, &ca);
	cb = harness_new_client(s, 1, "cache-b");
	ops[1] = harness_create_session(cb, 1, 4);
	alone = cs_send(s, 1, &ops[1]); /* the original alone */
	ops[0] = harness_sequence(a, 0, 1, false);
	harness_compound(s, 1, ops, 2, &r); /* its replay after a SEQUENCE with a new seqid */
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK);
	CHECK(harness_nres(&r) == 2 && !memcmp(harness_res(&r, 1)->u.create_session.csr_sessionid,
					       alone.ok.csr_sessionid, 16), "not the cached session"); /* CS-08 */
	harness_reply_free(&r);
	ops[0] = harness_sequence(a, 0, 2, false);
	ops[1] = harness_create_session(cb, 2, 4);
	harness_compound(s, 1, ops, 2, &r); /* a new one after SEQUENCE */
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK);
	harness_reply_free(&r);
	after = cs_send(s, 1, &ops[1]); /* and its replay alone */
	CHECK_STATUS(after.status, NFS4_OK); /* CS-08 */
	CHECK_U64(harness_nsessions(s), 3);  /* CS-08 */
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 2: neither the slot value nor slot + 1 is misordered; nothing moves. */
static void test_misordered(void)
{
	static const uint32_t bad[] = {3, 0, 0xFFFFFFFFu, 100, 0x80000001u};
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-misorder");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);

	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs = harness_create_session(cid, bad[i], 4);
		CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_SEQ_MISORDERED); /* CS-09 */
	}
	CHECK_U64(harness_nsessions(s), 1);
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-09, CS-10 */
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 2, s2.10.1: s, s + 1, s + 2 make three sessions that all work. */
static void test_next_sequence(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-next");
	uint8_t sids[3][16];

	for (uint32_t i = 0; i < 3; i++) {
		struct nfs_argop cs = harness_create_session(cid, i + 1, 4);
		CHECK_STATUS(harness_create(s, 1, &cs, sids[i], NULL), NFS4_OK); /* CS-10 */
	}
	CHECK(memcmp(sids[0], sids[1], 16) != 0 && memcmp(sids[1], sids[2], 16) != 0 &&
	      memcmp(sids[0], sids[2], 16) != 0, "session ids repeat"); /* CS-10, SES-03 */
	for (uint32_t i = 0; i < 3; i++)
		CHECK_STATUS(harness_seq(s, 1, sids[i], 0, 1, NULL), NFS4_OK); /* SES-03 */
	sm_free(s);
}

/* RFC 8881 s18.36.4 phases 2-4: errors after sequence processing are cached (catalogue s17:
 * confirmation errors are; malformed arguments are checked first and never cached). */
static void test_errors_cached(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-errors");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct callback_sec_parms4 gss_only = {.cb_secflavor = ONCRPC_RPCSEC_GSS};

	harness_as(1001);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_CLID_INUSE); /* CS-13 */
	harness_as(0);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_CLID_INUSE); /* CS-11: the cached result */
	CHECK(!is_confirmed(s, cid), "confirmed by a replay");
	cs = harness_create_session(cid, 2, 4);
	cs.u.create_session.csa_flags = 0x8;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_INVAL); /* CS-16 */
	cs.u.create_session.csa_flags = 0;
	cs.u.create_session.csa_fore_chan_attrs.ca_maxrequestsize = 20;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_TOOSMALL); /* CS-25 */
	cs = harness_create_session(cid, 2, 4);
	cs.u.create_session.csa_sec_parms = &gss_only;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_NOENT); /* CS-32 */
	cs = harness_create_session(cid, 2, 4); /* none of those consumed seqid 2 (CS-11) */
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-11 */
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 3: confirmation only by the record's principal; later sessions by
 * anyone (SP4_NONE). */
static void test_principals(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid;
	struct nfs_argop cs;

	harness_as(1000);
	cid = harness_new_client(s, 1, "cs-principal");
	harness_as(1001);
	cs = harness_create_session(cid, 1, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_CLID_INUSE); /* CS-13 */
	CHECK(!is_confirmed(s, cid), "confirmed");                   /* CS-13 */
	harness_cred = (struct harness_cred){.flavor = ONCRPC_AUTH_NONE};
	cs = harness_create_session(cid, 2, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_CLID_INUSE); /* CS-13: another flavor */
	harness_as(1000);
	harness_cred.gids[0] = 7;
	harness_cred.ngids = 1;
	cs = harness_create_session(cid, 3, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_CLID_INUSE); /* CS-13: other gids */
	harness_as(1000);
	cs = harness_create_session(cid, 4, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-12 */
	{ /* the same supplementary gids in another order are the same principal (catalogue s17) */
		uint64_t cid2;
		harness_cred = (struct harness_cred){.flavor = ONCRPC_AUTH_SYS, .uid = 5, .gid = 5,
						     .ngids = 2, .gids = {20, 10}};
		cid2 = harness_new_client(s, 1, "cs-gid-order");
		harness_cred.gids[0] = 10;
		harness_cred.gids[1] = 20;
		cs = harness_create_session(cid2, 1, 4);
		CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-13 */
		harness_as(1000);
	}
	harness_as(1001);
	cs = harness_create_session(cid, 5, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-14 */
	CHECK_U64(harness_nsessions(s), 3);
	sm_free(s);
}

/* RFC 8881 s18.36.4 phase 4: no room for another session's reply cache. */
static void test_no_space(void)
{
	struct sm_limits l;
	struct sm *s;
	uint64_t cid;
	struct nfs_argop cs;

	sm_limits_default(&l);
	l.max_sessions_per_client = 2;
	s = harness_sm_limits(&l);
	cid = harness_new_client(s, 1, "cs-nospc");
	for (uint32_t seq = 1; seq <= 2; seq++) {
		cs = harness_create_session(cid, seq, 4);
		CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK);
	}
	cs = harness_create_session(cid, 3, 4);
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_NOSPC); /* CS-15 */
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_NOSPC); /* CS-15, CS-11: cached */
	CHECK_U64(harness_nsessions(s), 2);
	sm_free(s);
}

/*
 * RFC 8881 s18.36.4 phase 3/4 (CS-12): "if session creation fails, no record changes". With room
 * for no session (session cap 0), CREATE_SESSION answers NOSPC, the new record stays unconfirmed
 * and the old incarnation (case 5) keeps its working session.
 */
static void test_failed_creation_changes_nothing(void)
{
	struct sm *s = harness_sm(90);
	uint8_t old_sid[16], sid[16];
	uint64_t old_id;
	struct nfs_argop ex = harness_exchange_id_bytes((const uint8_t *)"cs-atomic", 9, "reboot-1", 0);
	struct harness_reply r;
	uint64_t new_id;
	struct nfs_argop cs;

	harness_open_session(s, 1, "cs-atomic", old_sid, &old_id);
	harness_compound(s, 1, &ex, 1, &r); /* case 5: a restarted client */
	REQUIRE(harness_nres(&r) == 1);
	new_id = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	harness_reply_free(&r);
	CHECK_U64(sm_hook_session_cap(s, new_id, 0), 0);
	cs = harness_create_session(new_id, 1, 4);
	CHECK_STATUS(harness_create(s, 1, &cs, sid, NULL), NFS4ERR_NOSPC); /* CS-15 */
	CHECK(!is_confirmed(s, new_id), "CS-12: the record was confirmed"); /* CS-12 */
	CHECK_STATUS(harness_seq(s, 1, old_sid, 0, 1, NULL), NFS4_OK); /* CS-12: old state intact */
	sm_free(s);
}

/* RFC 8881 s18.36.3: undefined csa_flags bits (de facto). */
static void test_undefined_flags(void)
{
	static const uint32_t bad[] = {0x8, 0x10, 0x80000000u, 0xFFFFFFF8u};
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-flags");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nfs_argop cs = harness_create_session(cid, 1, 4);
		cs.u.create_session.csa_flags = bad[i] | CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
		CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_INVAL); /* CS-16 */
	}
	CHECK(!is_confirmed(s, cid), "confirmed");
	sm_free(s);
}

/* RFC 8881 s18.36.3, s2.10.6.5: PERSIST and CONN_RDMA never granted; CONN_BACK_CHAN when asked,
 * and then the connection carries the back channel too (catalogue s17). */
static void test_granted_flags(void)
{
	static const uint32_t asked[] = {0, CREATE_SESSION4_FLAG_PERSIST,
					 CREATE_SESSION4_FLAG_CONN_BACK_CHAN,
					 CREATE_SESSION4_FLAG_CONN_RDMA, 0x7};
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cs-granted");

	for (uint32_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		struct nfs_argop cs = harness_create_session(cid, i + 1, 4);
		struct cs_result c;
		uint32_t dir;
		cs.u.create_session.csa_flags = asked[i];
		c = cs_send(s, 10 + i, &cs);
		CHECK_STATUS(c.status, NFS4_OK); /* SES-06: not refused */
		CHECK_U64(c.ok.csr_flags & CREATE_SESSION4_FLAG_PERSIST, 0);  /* CS-17 */
		CHECK_U64(c.ok.csr_flags & CREATE_SESSION4_FLAG_CONN_RDMA, 0); /* CS-19 */
		CHECK_U64(c.ok.csr_flags & CREATE_SESSION4_FLAG_CONN_BACK_CHAN,
			  asked[i] & CREATE_SESSION4_FLAG_CONN_BACK_CHAN); /* CS-18 */
		dir = harness_conn_dir(s, c.ok.csr_sessionid, 10 + i);
		CHECK_U64(dir, asked[i] & CREATE_SESSION4_FLAG_CONN_BACK_CHAN ? CDFS4_BOTH
									       : CDFS4_FORE); /* SES-07, CS-18 */
	}
	sm_free(s);
}

/* One CREATE_SESSION on a new client with the given channels: the status and granted result. */
static struct cs_result negotiate(const struct channel_attrs4 *fore,
				  const struct channel_attrs4 *back)
{
	struct sm *s = harness_sm(90);
	struct nfs_argop cs = harness_create_session(harness_new_client(s, 1, "negotiate"), 1, 4);
	struct cs_result c;

	if (fore)
		cs.u.create_session.csa_fore_chan_attrs = *fore;
	if (back)
		cs.u.create_session.csa_back_chan_attrs = *back;
	c = cs_send(s, 1, &cs);
	sm_free(s);
	return c;
}

static struct channel_attrs4 back_default(void)
{
	return harness_create_session(0, 1, 4).u.create_session.csa_back_chan_attrs;
}

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

static const uint32_t edge_sizes[] = {128, 129, 1024, (1u << 20) - 1, 1u << 20, (1u << 20) + 1,
				      0x7FFFFFFFu, 0xFFFFFFFFu};

/* RFC 8881 s18.36.3: sizes may be lowered, never raised, on both channels. */
static void test_sizes_never_raised(void)
{
	struct sm_limits l;

	sm_limits_default(&l);
	for (size_t i = 0; i < sizeof(edge_sizes) / sizeof(edge_sizes[0]); i++) {
		uint32_t v = edge_sizes[i];
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		struct cs_result c;
		f.ca_maxrequestsize = f.ca_maxresponsesize = f.ca_maxresponsesize_cached = v;
		b.ca_maxrequestsize = b.ca_maxresponsesize = b.ca_maxresponsesize_cached = v;
		c = negotiate(&f, &b);
		if (!CHECK(c.status == NFS4_OK, "size %u: %s", v, harness_status_name(c.status)))
			continue;
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxrequestsize, min32(v, l.max_request_size)); /* CS-22 */
		CHECK_U64(c.ok.csr_back_chan_attrs.ca_maxrequestsize, min32(v, l.max_request_size)); /* CS-22 */
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxresponsesize, min32(v, l.max_response_size)); /* CS-23 */
		CHECK_U64(c.ok.csr_back_chan_attrs.ca_maxresponsesize, min32(v, l.max_response_size)); /* CS-23 */
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxresponsesize_cached,
			  min32(v, l.max_response_size_cached)); /* CS-26 */
		CHECK(c.ok.csr_back_chan_attrs.ca_maxresponsesize_cached <= v, "back cached raised"); /* CS-26 */
	}
}

/* RFC 8881 s18.36.3: ca_maxresponsesize_cached of 0 and 1 stay as asked (never raised). */
static void test_cached_size_small(void)
{
	for (uint32_t v = 0; v <= 1; v++) {
		struct channel_attrs4 f = harness_fore_default();
		struct cs_result c;
		f.ca_maxresponsesize_cached = v;
		c = negotiate(&f, NULL);
		CHECK_STATUS(c.status, NFS4_OK);
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxresponsesize_cached, v); /* CS-26 */
	}
}

/* RFC 8881 s18.36.3: the header padding returned is never above the request (0 here). */
static void test_header_pad(void)
{
	static const uint32_t pads[] = {0, 1, 4, 0xFFFFFFFFu};

	for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		struct cs_result c;
		f.ca_headerpadsize = b.ca_headerpadsize = pads[i];
		c = negotiate(&f, &b);
		CHECK_STATUS(c.status, NFS4_OK);
		CHECK(c.ok.csr_fore_chan_attrs.ca_headerpadsize <= pads[i] &&
		      c.ok.csr_back_chan_attrs.ca_headerpadsize <= pads[i], "pad %u raised", pads[i]); /* CS-21 */
	}
}

/* RFC 8881 s18.36.3: too small to carry any request or reply: TOOSMALL; the minimum is fine. */
static void test_too_small(void)
{
	static const uint32_t small[] = {0, 1, 20, 127};

	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		struct channel_attrs4 f = harness_fore_default();
		f.ca_maxresponsesize = small[i];
		CHECK_STATUS(negotiate(&f, NULL).status, NFS4ERR_TOOSMALL); /* CS-24 */
		f = harness_fore_default();
		f.ca_maxrequestsize = small[i];
		CHECK_STATUS(negotiate(&f, NULL).status, NFS4ERR_TOOSMALL); /* CS-25 */
	}
	{
		struct channel_attrs4 f = harness_fore_default();
		f.ca_maxrequestsize = f.ca_maxresponsesize = 128;
		CHECK_STATUS(negotiate(&f, NULL).status, NFS4_OK); /* CS-24, CS-25: the minimum */
	}
}

/* RFC 8881 s18.36.3: fore ca_maxoperations may be lowered; back ca_maxoperations never changes. */
static void test_max_operations(void)
{
	static const uint32_t ops[] = {1, 2, 127, 128, 129, 0xFFFFFFFFu};
	struct sm_limits l;

	sm_limits_default(&l);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		struct cs_result c;
		f.ca_maxoperations = b.ca_maxoperations = ops[i];
		c = negotiate(&f, &b);
		CHECK_STATUS(c.status, NFS4_OK);
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxoperations, min32(ops[i], l.max_ops)); /* CS-20 */
		CHECK_U64(c.ok.csr_back_chan_attrs.ca_maxoperations, ops[i]); /* CS-27 */
	}
	{
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		f.ca_maxoperations = 0;
		CHECK_STATUS(negotiate(&f, NULL).status, NFS4ERR_TOOSMALL); /* catalogue s17 */
		b.ca_maxoperations = 0;
		CHECK_STATUS(negotiate(NULL, &b).status, NFS4ERR_TOOSMALL); /* CS-27: refused, not altered */
	}
}

/* RFC 8881 s18.36.3: fore ca_maxrequests may be lowered (to 64 by default); back never changes;
 * zero slots is TOOSMALL (catalogue s17). */
static void test_max_requests(void)
{
	static const uint32_t slots[] = {1, 2, 63, 64, 65, 2049, 0xFFFFFFFFu};
	struct sm_limits l;

	sm_limits_default(&l);
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		struct cs_result c;
		f.ca_maxrequests = b.ca_maxrequests = slots[i];
		c = negotiate(&f, &b);
		CHECK_STATUS(c.status, NFS4_OK);
		CHECK_U64(c.ok.csr_fore_chan_attrs.ca_maxrequests, min32(slots[i], l.max_fore_slots)); /* CS-28 */
		CHECK_U64(c.ok.csr_back_chan_attrs.ca_maxrequests, slots[i]); /* CS-28 */
	}
	{
		struct channel_attrs4 f = harness_fore_default(), b = back_default();
		f.ca_maxrequests = 0;
		CHECK_STATUS(negotiate(&f, NULL).status, NFS4ERR_TOOSMALL); /* CS-29 */
		b.ca_maxrequests = 0;
		CHECK_STATUS(negotiate(NULL, &b).status, NFS4ERR_TOOSMALL); /* CS-28: refused, not altered */
	}
}

/* RFC 8881 s18.36.3: the returned attributes are the ones enforced. */
static void test_granted_attributes_enforced(void)
{
	struct sm *s = harness_sm(90);
	struct channel_attrs4 f = harness_fore_default(), got;
	uint8_t sid[16];
	struct nfs_argop ops[4];

	f.ca_maxoperations = 3;
	f.ca_maxrequests = 2;
	harness_open_session_fore(s, 1, "enforced", &f, sid, &got);
	CHECK_U64(got.ca_maxrequests, 2);
	CHECK_STATUS(harness_seq(s, 1, sid, 1, 1, NULL), NFS4_OK);          /* CS-20 */
	CHECK_STATUS(harness_seq(s, 1, sid, 2, 1, NULL), NFS4ERR_BADSLOT);  /* CS-20, SES-10 */
	ops[0] = harness_sequence(sid, 0, 1, false);
	ops[1] = ops[2] = ops[3] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(harness_status(s, 1, ops, 4), NFS4ERR_TOO_MANY_OPS); /* CS-20 */
	CHECK_STATUS(harness_status(s, 1, ops, 3), NFS4_OK);              /* CS-20 */
	sm_free(s);
}

/* The offset of the first occurrence of the 4 bytes of v in buf, or len. */
static size_t find_u32(const uint8_t *buf, size_t len, uint32_t v)
{
	const uint8_t want[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	for (size_t i = 0; i + 4 <= len; i++)
		if (!memcmp(buf + i, want, 4))
			return i;
	return len;
}

/* RFC 8881 s18.36.1: ca_rdma_ird has at most one element, never raised. */
static void test_rdma_ird(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "rdma-ird");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct harness_rpc rpc = harness_rpc();
	struct cs_result c;
	uint8_t buf[512];
	size_t len, at;
	struct harness_reply r;

	cs.u.create_session.csa_fore_chan_attrs.ca_rdma_ird_present = true;
	cs.u.create_session.csa_fore_chan_attrs.ca_rdma_ird = 0xA5A5A5A5u;
	len = harness_encode(&rpc, &cs, 1, buf, sizeof(buf));
	at = find_u32(buf, len, 0xA5A5A5A5u);
	REQUIRE(len <= sizeof(buf) && at >= 4 && at < len);
	buf[at - 1] = 2; /* two elements */
	harness_send(s, 1, buf, len, &r);
	CHECK((r.decoded && r.m.reply.accept_stat == ONCRPC_GARBAGE_ARGS) ||
	      harness_reply_status(&r) == NFS4ERR_BADXDR, "two ca_rdma_ird elements"); /* CS-30 */
	harness_reply_free(&r);
	c = cs_send(s, 1, &cs);
	CHECK_STATUS(c.status, NFS4_OK); /* CS-30: one element */
	CHECK(!c.ok.csr_fore_chan_attrs.ca_rdma_ird_present ||
	      c.ok.csr_fore_chan_attrs.ca_rdma_ird <= 0xA5A5A5A5u, "ca_rdma_ird raised"); /* CS-30 */
	sm_free(s);
}

/* RFC 8881 s18.36.3: callback security: AUTH_NONE and AUTH_SYS accepted; only GSS handles the
 * server cannot have is NOENT. */
static void test_callback_security(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "cb-sec");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct CREATE_SESSION4args *a = &cs.u.create_session;
	struct callback_sec_parms4 sec[2] = {{0}};
	uint32_t seq = 1;

	a->csa_sec_parms = sec;
	a->csa_sec_parms[0].cb_secflavor = ONCRPC_RPCSEC_GSS;
	a->csa_sec_parms[0].cbsp_gss_handles.gcbp_service = RPC_GSS_SVC_INTEGRITY;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4ERR_NOENT); /* CS-32 */
	a->csa_sec_parms_count = 2;
	a->csa_sec_parms[1].cb_secflavor = ONCRPC_AUTH_SYS;
	a->csa_sec_parms[1].cbsp_sys_cred.machinename = (struct wire_opaque){(const uint8_t *)"cb", 2};
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-32: an AUTH_SYS entry too */
	a->csa_sequence = ++seq;
	a->csa_sec_parms_count = 0;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-32: none at all */
	a->csa_sequence = ++seq;
	a->csa_sec_parms_count = 1;
	a->csa_sec_parms[0].cb_secflavor = ONCRPC_AUTH_NONE;
	CHECK_STATUS(cs_send(s, 1, &cs).status, NFS4_OK); /* CS-32 */
	sm_free(s);
}

/* RFC 8881 s18.36.4: duplicates one after another make one session, each answer the same. */
static void test_duplicates(void)
{
	struct sm *s = harness_sm(90);
	uint64_t cid = harness_new_client(s, 1, "dups");
	struct nfs_argop cs = harness_create_session(cid, 1, 4);
	struct cs_result first = cs_send(s, 1, &cs);

	for (uint64_t conn = 2; conn <= 6; conn++) {
		struct cs_result again = cs_send(s, conn, &cs);
		CHECK(again.status == NFS4_OK &&
		      !memcmp(again.ok.csr_sessionid, first.ok.csr_sessionid, 16), "conn %llu",
		      (unsigned long long)conn); /* CS-33 */
	}
	CHECK_U64(harness_nsessions(s), 1); /* CS-33 */
	sm_free(s);
}

/* RFC 8881 s2.10.13.1.4: session ids are never shared, across clients and restarts. */
static void test_unique_session_ids(void)
{
	enum { CLIENTS = 20, PER_CLIENT = 10, ROUNDS = 2 };
	struct sm *s = harness_sm(90);
	static uint8_t ids[ROUNDS * CLIENTS * PER_CLIENT][16];
	size_t n = 0;

	for (int round = 0; round < ROUNDS; round++) {
		for (int c = 0; c < CLIENTS; c++) {
			char owner[32];
			uint64_t cid;
			snprintf(owner, sizeof(owner), "uniq-%d-%d", round, c);
			cid = harness_new_client(s, 1, owner);
			for (uint32_t k = 0; k < PER_CLIENT; k++) {
				struct nfs_argop cs = harness_create_session(cid, k + 1, 1);
				CHECK_STATUS(harness_create(s, 1, &cs, ids[n++], NULL), NFS4_OK);
			}
		}
		CHECK_U64(sm_hook_restart(s, 0, false), 0); /* a server restart between rounds */
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!memcmp(ids[i], ids[j], 16))
				CU_FAIL("a session id repeats"); /* CS-34 */
	sm_free(s);
}

/*
 * RFC 8881 s18.36.4 (CS-12) with s18.36.3 (CS-02). [SEQUENCE(old incarnation's session),
 * CREATE_SESSION confirming the restarted client's new id] destroys the old client and with it
 * the session the COMPOUND runs on: the COMPOUND completes and the old session is gone afterwards
 * (under ASan this once was a heap-use-after-free of the slot table).
 */
static void test_confirm_destroys_own_session(void)
{
	struct sm *s = harness_sm(90);
	uint8_t old_sid[16];
	uint64_t old_id, new_id;
	struct nfs_argop ex = harness_exchange_id_bytes((const uint8_t *)"cs-uaf", 6, "reboot-1", 0);
	struct nfs_argop ops[2];
	struct harness_reply r;

	harness_open_session(s, 1, "cs-uaf", old_sid, &old_id);
	harness_compound(s, 1, &ex, 1, &r);
	REQUIRE(harness_nres(&r) == 1);
	new_id = harness_res(&r, 0)->u.exchange_id.eir_clientid;
	harness_reply_free(&r);
	ops[0] = harness_sequence(old_sid, 0, 1, true);
	ops[1] = harness_create_session(new_id, 1, 4);
	harness_compound(s, 1, ops, 2, &r);
	CHECK_STATUS(harness_reply_status(&r), NFS4_OK); /* CS-02, CS-12 */
	CHECK_U64(harness_nres(&r), 2);
	harness_reply_free(&r);
	CHECK_STATUS(harness_seq(s, 1, old_sid, 0, 2, NULL), NFS4ERR_BADSESSION); /* CS-12 */
	sm_free(s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"CREATE_SESSION after SEQUENCE", test_after_sequence},
		{"csr_sequence echoed", test_sequence_echoed},
		{"phase 1: unknown client id", test_unknown_clientid},
		{"contrived reply and the first csa_sequence", test_first_sequence},
		{"phase 2: replay", test_replay},
		{"separate per-client reply cache", test_separate_cache},
		{"phase 2: misordered", test_misordered},
		{"phase 2: slot + 1 makes new sessions", test_next_sequence},
		{"errors cached after phase 2, argument errors not", test_errors_cached},
		{"phase 3: principals", test_principals},
		{"phase 4: no space", test_no_space},
		{"CS-12: a failed creation confirms the record",
		 test_failed_creation_changes_nothing},
		{"undefined csa_flags", test_undefined_flags},
		{"granted csr_flags", test_granted_flags},
		{"sizes never raised", test_sizes_never_raised},
		{"ca_maxresponsesize_cached 0 and 1", test_cached_size_small},
		{"ca_headerpadsize", test_header_pad},
		{"TOOSMALL", test_too_small},
		{"ca_maxoperations", test_max_operations},
		{"ca_maxrequests", test_max_requests},
		{"granted attributes are enforced", test_granted_attributes_enforced},
		{"ca_rdma_ird", test_rdma_ird},
		{"callback security parameters", test_callback_security},
		{"duplicates make one session", test_duplicates},
		{"unique session ids", test_unique_session_ids},
		{"CS-12: confirming a restart from the old session (use after free)",
		 test_confirm_destroys_own_session},
		{NULL, NULL}};

	tests_add_suite("state machine: CREATE_SESSION", tests);
}
