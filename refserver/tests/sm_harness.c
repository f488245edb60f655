/* sm_harness.c - see sm_harness.h. */
#include "sm_harness.h"

#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "test_main.h"

uint64_t harness_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return harness_now;
}

struct sm *harness_sm_limits(const struct sm_limits *l)
{
	struct sm_clock c = {.now_ms = fake_clock};

	harness_now = 1000;
	return sm_new(l, &c);
}

struct sm *harness_sm(uint32_t lease_seconds)
{
	struct sm_limits l;

	sm_limits_default(&l);
	l.lease_seconds = lease_seconds;
	return harness_sm_limits(&l);
}

size_t harness_encode_call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
			   const struct nfs_argop *ops, uint32_t nops, uint8_t *buf, size_t cap)
{
	static const uint8_t sys[] = {0, 0, 0, 1, 0, 0, 0, 1, 'h', 0, 0, 0, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 0, 0};
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = {.xid = xid, .rpcvers = 2, .prog = prog, .vers = vers, .proc = proc,
				      .cred = {.flavor = ONCRPC_AUTH_SYS, .body = {sys, sizeof(sys)}}},
			     .is_compound = proc == NFSPROC4_COMPOUND,
			     .args = {.minorversion = 1, .argarray = (struct nfs_argop *)ops,
				      .argarray_len = nops}};

	return wire_msg_encode(&m, buf, cap);
}

enum sm_action harness_call(struct sm *s, uint64_t conn, const struct nfs_argop *ops,
			    uint32_t nops, struct wire_msg *out, uint8_t **raw, size_t *rawlen)
{
	uint8_t buf[8192];
	size_t len = harness_encode_call(7, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, ops, nops, buf,
					 sizeof(buf));
	uint8_t *reply = NULL;
	size_t rlen = 0;
	struct wire_error e;
	struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = NFSPROC4_COMPOUND};
	enum sm_action a = sm_handle(s, conn, buf, len, &reply, &rlen);

	memset(out, 0, sizeof(*out));
	if (a == SM_REPLY)
		CU_ASSERT_EQUAL(wire_msg_decode(reply, rlen, &o, out, &e), WIRE_OK);
	if (raw) {
		*raw = reply;
		*rawlen = rlen;
	} else {
		free(reply);
	}
	return a;
}

uint32_t harness_status(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops)
{
	struct wire_msg m;
	uint32_t st;

	harness_call(s, conn, ops, nops, &m, NULL, NULL);
	st = m.res.status;
	wire_msg_free(&m);
	return st;
}

struct nfs_argop harness_exchange_id(const char *owner, uint32_t flags)
{
	struct nfs_argop a = {.op = OP_EXCHANGE_ID};

	memcpy(a.u.exchange_id.eia_clientowner.co_verifier, "verifier", 8);
	a.u.exchange_id.eia_clientowner.co_ownerid =
		(struct wire_opaque){(const uint8_t *)owner, (uint32_t)strlen(owner)};
	a.u.exchange_id.eia_flags = flags;
	return a;
}

struct nfs_argop harness_create_session(uint64_t clientid, uint32_t seq, uint32_t slots)
{
	struct nfs_argop a = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *cs = &a.u.create_session;

	cs->csa_clientid = clientid;
	cs->csa_sequence = seq;
	cs->csa_fore_chan_attrs = (struct channel_attrs4){0, 65536, 65536, 4096, 8, slots, false, 0};
	cs->csa_back_chan_attrs = (struct channel_attrs4){0, 4096, 4096, 0, 2, 1, false, 0};
	cs->csa_sec_parms_count = 1;
	return a;
}

struct nfs_argop harness_sequence(const uint8_t sid[16], uint32_t slot, uint32_t seqid,
				  bool cachethis)
{
	struct nfs_argop a = {.op = OP_SEQUENCE};

	memcpy(a.u.sequence.sa_sessionid, sid, 16);
	a.u.sequence.sa_slotid = slot;
	a.u.sequence.sa_highest_slotid = slot;
	a.u.sequence.sa_sequenceid = seqid;
	a.u.sequence.sa_cachethis = cachethis;
	return a;
}

void harness_open_session(struct sm *s, uint64_t conn, const char *owner, uint8_t sid[16],
			  uint64_t *clientid)
{
	struct nfs_argop a = harness_exchange_id(owner, 0);
	struct wire_msg m;

	harness_call(s, conn, &a, 1, &m, NULL, NULL);
	REQUIRE(m.res.status == NFS4_OK && m.res.resarray_len == 1);
	*clientid = m.res.resarray[0].u.exchange_id.eir_clientid;
	wire_msg_free(&m);
	a = harness_create_session(*clientid, 1, 4);
	harness_call(s, conn, &a, 1, &m, NULL, NULL);
	REQUIRE(m.res.status == NFS4_OK && m.res.resarray_len == 1);
	memcpy(sid, m.res.resarray[0].u.create_session.csr_sessionid, 16);
	wire_msg_free(&m);
}
