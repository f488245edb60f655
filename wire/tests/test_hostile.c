/* test_hostile.c - hostile input for the wire decoders: every truncation, huge lengths and counts, bad discriminants, padding, trailing bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_records.h"
#include "test_main.h"
#include "wire.h"

/* ---- helpers ------------------------------------------------------------ */

/* Compare "path: detail at offset N" with want; print both when they differ. */
static void expect_text(const struct wire_error *e, const char *want)
{
	char got[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];

	wire_error_format(e, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n    expected: %s\n    got:      %s\n", want, got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static int load(const char *name, struct capture *c)
{
	char path[1024], err[256];

	snprintf(path, sizeof(path), "%s/%s", capture_dir(), name);
	if (capture_load(path, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n    %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

/* ---- (a) captured records truncated at every offset --------------------- */

/* What one decode gave, kept after the message and its buffer are gone. */
struct outcome {
	enum wire_status status;
	struct wire_error err;
	uint32_t msg_type, proc;
	size_t body_len;
	bool success_reply;
};

static struct outcome decode_copy(const uint8_t *rec, size_t len, const struct wire_decode_opts *o)
{
	uint8_t *copy = test_exact_copy(rec, len);
	struct outcome out;
	struct wire_msg m;

	out.status = wire_msg_decode(copy, len, o, &m, &out.err);
	out.msg_type = m.msg_type;
	out.proc = m.proc;
	out.body_len = m.body.len;
	out.success_reply = m.msg_type == ONCRPC_REPLY &&
			    m.reply.reply_stat == ONCRPC_MSG_ACCEPTED &&
			    m.reply.accept_stat == ONCRPC_SUCCESS;
	wire_msg_free(&m);
	free(copy);
	return out;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The procedure of the call with this xid (replies do not carry it): call offset 20. */
static uint32_t call_proc(const struct capture *c, uint32_t xid)
{
	for (size_t i = 0; i < c->count; i++) {
		const struct capture_record *r = &c->records[i];
		if (r->len >= 24 && be32(r->data) == xid && be32(r->data + 4) == ONCRPC_CALL)
			return be32(r->data + 20);
	}
	return WIRE_PROC_UNKNOWN;
}

struct trunc_stats {
	size_t checked, bad, ok_as_null;
};

static void report(const struct capture_record *r, size_t t, const struct outcome *out)
{
	char buf[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];

	fprintf(stderr, "\n    frame %u (%zu bytes) cut at %zu: %s: %s\n", r->frame, r->len, t,
		wire_status_name(out->status), wire_error_format(&out->err, buf, sizeof(buf)));
}

/*
 * Every prefix 0..len-1 must fail with WIRE_ERR_SHORT, at an offset inside
 * the prefix and with a path; a cut that leaves a length or count claiming
 * more than the bytes left is WIRE_ERR_SHORT too (the check against the input
 * comes after the protocol limit, which real values pass). The one
 * documented exception: with the reply's
 * procedure unknown (ok_at), a COMPOUND reply cut right after its RPC header
 * is a complete NULL reply, and must decode as one.
 */
static void truncate_all(const struct capture_record *r, const struct wire_decode_opts *o,
			 size_t ok_at, struct trunc_stats *st)
{
	for (size_t t = 0; t < r->len; t++) {
		struct outcome out = decode_copy(r->data, t, o);
		bool good;

		if (t == ok_at)
			good = out.status == WIRE_OK && out.proc == NFSPROC4_NULL;
		else
			good = out.status == WIRE_ERR_SHORT && out.err.offset <= t &&
			       out.err.path[0] != '\0' && out.err.detail[0] != '\0';
		st->ok_as_null += t == ok_at && good;
		st->checked++;
		if (!good && st->bad++ < 5)
			report(r, t, &out);
	}
}

/* One capture, strict and lenient, with the reply's procedure known and unknown. */
static void truncate_capture(const char *name, size_t want_records)
{
	struct trunc_stats st = {0, 0, 0};
	size_t bytes = 0, compound_replies = 0;
	struct capture c;

	if (load(name, &c) != 0) {
		CU_FAIL("capture not loaded");
		return;
	}
	CU_ASSERT_EQUAL(c.count, want_records);
	for (size_t i = 0; i < c.count; i++) {
		const struct capture_record *r = &c.records[i];
		struct wire_decode_opts known = {.flags = WIRE_STRICT};
		struct wire_decode_opts lenient = {.flags = 0};
		struct wire_decode_opts unknown = {.flags = WIRE_STRICT, .reply_proc = WIRE_PROC_UNKNOWN};
		struct outcome full;
		size_t ok_at = SIZE_MAX;

		known.reply_proc = lenient.reply_proc = call_proc(&c, be32(r->data));
		full = decode_copy(r->data, r->len, &unknown);
		CU_ASSERT_EQUAL_FATAL(full.status, WIRE_OK);
		if (full.success_reply && full.body_len > 0) {
			ok_at = r->len - full.body_len;
			compound_replies++;
		}
		truncate_all(r, &known, SIZE_MAX, &st);
		truncate_all(r, &lenient, SIZE_MAX, &st);
		truncate_all(r, &unknown, ok_at, &st);
		bytes += r->len;
	}
	CU_ASSERT_EQUAL(st.bad, 0);
	CU_ASSERT_EQUAL(st.checked, 3 * bytes);
	CU_ASSERT(compound_replies > 0);
	CU_ASSERT_EQUAL(st.ok_as_null, compound_replies);
	capture_free(&c);
}

static void test_truncate_lifecycle(void)
{
	truncate_capture("ganesha-session-lifecycle.pcap", 24);
}

static void test_truncate_pynfs(void)
{
	truncate_capture("ganesha-pynfs-session-errors.pcap", 294);
}

/* ---- (b) hand-built vectors ------------------------------------------------ */

struct vec {
	uint8_t b[2048];
	size_t n;
};

static void put_words(struct vec *v, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++, v->n += 4) {
		CU_ASSERT_FATAL(v->n + 4 <= sizeof(v->b));
		v->b[v->n] = (uint8_t)(w[i] >> 24);
		v->b[v->n + 1] = (uint8_t)(w[i] >> 16);
		v->b[v->n + 2] = (uint8_t)(w[i] >> 8);
		v->b[v->n + 3] = (uint8_t)w[i];
	}
}

#define W(v, ...)                                                                              \
	put_words((v), (const uint32_t[]){__VA_ARGS__},                                        \
		  sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

static void put_fill(struct vec *v, uint8_t byte, size_t n)
{
	CU_ASSERT_FATAL(v->n + n <= sizeof(v->b));
	memset(v->b + v->n, byte, n);
	v->n += n;
}

/* 0..39: xid 1, CALL, rpcvers 2, prog 100003, vers 4, proc, cred AUTH_NONE<0>, verf AUTH_NONE<0>. */
static void call_hdr(struct vec *v, uint32_t proc)
{
	W(v, 1, ONCRPC_CALL, 2, NFS4_PROGRAM, NFS_V4, proc, 0, 0, 0, 0);
}

/* call_hdr COMPOUND, then tag "" (40), minorversion 1 (44), argarray count (48): ops from 52. */
static void compound_hdr(struct vec *v, uint32_t nops)
{
	call_hdr(v, NFSPROC4_COMPOUND);
	W(v, 0, 1, nops);
}

/*
 * compound_hdr(1), argarray[0] CREATE_SESSION (52): csa_clientid 0x1122334455667788 (56),
 * csa_sequence 1 (64), csa_flags 0 (68), csa_fore_chan_attrs {0, 1M, 1M, 4096, 16 ops,
 * 8 reqs, ca_rdma_ird<0>} (72..99), csa_back_chan_attrs {same} (100..127),
 * csa_cb_program 0x40000000 (128); csa_sec_parms follows at 132.
 */
static void create_session_head(struct vec *v)
{
	compound_hdr(v, 1);
	W(v, OP_CREATE_SESSION, 0x11223344, 0x55667788, 1, 0);
	W(v, 0, 1048576, 1048576, 4096, 16, 8, 0);
	W(v, 0, 1048576, 1048576, 4096, 16, 8, 0);
	W(v, 0x40000000);
}

/* A decoded vector; the message's slices point into buf. */
struct decoded {
	uint8_t *buf;
	enum wire_status status;
	struct wire_msg m;
	struct wire_error err;
};

static void decode_opts(struct decoded *x, const struct vec *v, const struct wire_decode_opts *o)
{
	uint8_t *buf = test_exact_copy(v->b, v->n);

	x->status = wire_msg_decode(buf, v->n, o, &x->m, &x->err);
	x->buf = buf;
}

static void decode_strict(struct decoded *x, const struct vec *v)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = WIRE_PROC_UNKNOWN};

	decode_opts(x, v, &o);
}

static void decoded_free(struct decoded *x)
{
	wire_msg_free(&x->m);
	free(x->buf);
}

/* Decode v strictly and expect status s with exactly this error text. */
static void expect_fail(const struct vec *v, enum wire_status s, const char *text)
{
	struct decoded x;

	decode_strict(&x, v);
	CU_ASSERT_EQUAL(x.status, s);
	expect_text(&x.err, text);
	decoded_free(&x);
}

static void test_rdma_ird_count(void)
{
	struct vec v = {.n = 0};

	/* argarray[0] CREATE_SESSION (52), clientid (56), sequence 1 (64), flags 0 (68),
	 * fore attrs 0, 1M, 1M, 4096, 16, 8 (72..95), ca_rdma_ird<> count 5 (96), 5 words */
	compound_hdr(&v, 1);
	W(&v, OP_CREATE_SESSION, 0x11223344, 0x55667788, 1, 0);
	W(&v, 0, 1048576, 1048576, 4096, 16, 8, 5, 1, 2, 3, 4, 5);
	expect_fail(&v, WIRE_ERR_LIMIT,
		    "argarray[0].CREATE_SESSION.csa_fore_chan_attrs.ca_rdma_ird: count 5 > 1 at "
		    "offset 96");
}

static void test_create_session_ok(void)
{
	struct vec v = {.n = 0};
	struct decoded x;

	/* create_session_head, csa_sec_parms<1> (132): AUTH_SYS (136) stamp 7 (140),
	 * machinename "abc"+pad (144), uid 0 (152), gid 0 (156), gids<16> (160..227) */
	create_session_head(&v);
	W(&v, 1, ONCRPC_AUTH_SYS, 7, 3, 0x61626300, 0, 0, 16);
	for (uint32_t i = 0; i < 16; i++)
		W(&v, i);
	decode_strict(&x, &v);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.args.argarray_len, 1);
	CU_ASSERT_EQUAL(x.m.args.argarray[0].u.create_session.csa_sec_parms[0].cbsp_sys_cred.ngids,
			16);
	decoded_free(&x);
}

static void test_cb_secflavor(void)
{
	struct vec v = {.n = 0};

	/* create_session_head, csa_sec_parms<1> (132), cb_secflavor 2 = AUTH_SHORT (136) */
	create_session_head(&v);
	W(&v, 1, 2, 0, 0);
	expect_fail(&v, WIRE_ERR_VALUE,
		    "argarray[0].CREATE_SESSION.csa_sec_parms[0].cb_secflavor: flavor 2 is not "
		    "AUTH_NONE, AUTH_SYS or RPCSEC_GSS at offset 136");
}

static void test_sec_parms_counts(void)
{
	struct vec v = {.n = 0}, w = {.n = 0};

	/* create_session_head, csa_sec_parms count 0xFFFFFFFF (132), one AUTH_NONE */
	create_session_head(&v);
	W(&v, 0xFFFFFFFF, 0);
	expect_fail(&v, WIRE_ERR_LIMIT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms: count 4294967295 > 8 at offset 132");
	/* create_session_head, csa_sec_parms count 8 (within the cap) (132), one AUTH_NONE */
	create_session_head(&w);
	W(&w, 8, 0);
	expect_fail(&w, WIRE_ERR_SHORT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms: count 8 needs at least 32 bytes, "
		    "4 left at offset 132");
}

/* create_session_head, csa_sec_parms<1> (132): AUTH_SYS (136), stamp 7 (140), then the rest. */
static void cb_sys_head(struct vec *v)
{
	create_session_head(v);
	W(v, 1, ONCRPC_AUTH_SYS, 7);
}

static void test_cb_sys_cred_limits(void)
{
	struct vec name = {.n = 0}, many = {.n = 0}, huge = {.n = 0}, short_gids = {.n = 0};

	/* cb_sys_head, machinename<256> (144) 256 x 'm' (148..403), uid, gid, gids<0> */
	cb_sys_head(&name);
	W(&name, 256);
	put_fill(&name, 'm', 256);
	W(&name, 0, 0, 0);
	expect_fail(&name, WIRE_ERR_LIMIT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms[0].cbsp_sys_cred.machinename: length "
		    "256 > 255 at offset 144");
	/* cb_sys_head, machinename<0> (144), uid (148), gid (152), gids<17> (156), 17 words */
	cb_sys_head(&many);
	W(&many, 0, 0, 0, 17);
	for (uint32_t i = 0; i < 17; i++)
		W(&many, i);
	expect_fail(&many, WIRE_ERR_LIMIT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms[0].cbsp_sys_cred.gids: count 17 > 16 "
		    "at offset 156");
	/* cb_sys_head, machinename<0>, uid, gid, gids count 0xFFFFFFFF (156) */
	cb_sys_head(&huge);
	W(&huge, 0, 0, 0, 0xFFFFFFFF);
	expect_fail(&huge, WIRE_ERR_LIMIT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms[0].cbsp_sys_cred.gids: count "
		    "4294967295 > 16 at offset 156");
	/* cb_sys_head, machinename<0>, uid, gid, gids<16> (156) but only 2 words follow */
	cb_sys_head(&short_gids);
	W(&short_gids, 0, 0, 0, 16, 1, 2);
	expect_fail(&short_gids, WIRE_ERR_SHORT,
		    "argarray[0].CREATE_SESSION.csa_sec_parms[0].cbsp_sys_cred.gids: count 16 needs "
		    "at least 64 bytes, 8 left at offset 156");
}

/* 0..31: NULL call with cred AUTH_SYS (24) body<body_len> (28); the body starts at 32. */
static void sys_cred_hdr(struct vec *v, uint32_t body_len)
{
	W(v, 1, ONCRPC_CALL, 2, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, ONCRPC_AUTH_SYS, body_len);
}

/* A credential body the RPC layer keeps: the message decodes, the problem is reported. */
static void expect_cred_problem(const struct vec *v, enum wire_status s, const char *text)
{
	struct decoded x;

	decode_strict(&x, v);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.call.cred.flavor, ONCRPC_AUTH_SYS);
	CU_ASSERT_FALSE(x.m.call.cred.body_ok);
	CU_ASSERT_EQUAL(x.m.call.cred.problem.status, s);
	expect_text(&x.m.call.cred.problem, text);
	decoded_free(&x);
}

static void test_auth_sys_cred(void)
{
	struct vec name = {.n = 0}, gids = {.n = 0}, huge = {.n = 0}, ok = {.n = 0};
	struct decoded x;

	/* sys_cred_hdr(276): stamp 7 (32), machinename<256> (36) 'm' x 256 (40..295),
	 * uid 0 (296), gid 0 (300), gids<0> (304); verf AUTH_NONE<0> (308) */
	sys_cred_hdr(&name, 276);
	W(&name, 7, 256);
	put_fill(&name, 'm', 256);
	W(&name, 0, 0, 0, 0, 0);
	expect_cred_problem(&name, WIRE_ERR_LIMIT,
			    "cred.authsys.machinename: length 256 > 255 at offset 36");
	/* sys_cred_hdr(88): stamp (32), machinename<0> (36), uid (40), gid (44),
	 * gids<17> (48), 17 words (52..119); verf AUTH_NONE<0> */
	sys_cred_hdr(&gids, 88);
	W(&gids, 7, 0, 0, 0, 17);
	for (uint32_t i = 0; i < 17; i++)
		W(&gids, i);
	W(&gids, 0, 0);
	expect_cred_problem(&gids, WIRE_ERR_LIMIT, "cred.authsys.gids: count 17 > 16 at offset 48");
	/* sys_cred_hdr(20): stamp, machinename<0>, uid, gid, gids count 0xFFFFFFFF (48); verf */
	sys_cred_hdr(&huge, 20);
	W(&huge, 7, 0, 0, 0, 0xFFFFFFFF, 0, 0);
	expect_cred_problem(&huge, WIRE_ERR_LIMIT,
			    "cred.authsys.gids: count 4294967295 > 16 at offset 48");
	/* sys_cred_hdr(276): machinename<255> 'm' x 255 + 1 zero pad: the largest allowed */
	sys_cred_hdr(&ok, 276);
	W(&ok, 7, 255);
	put_fill(&ok, 'm', 255);
	put_fill(&ok, 0, 1);
	W(&ok, 0, 0, 0, 0, 0);
	decode_strict(&x, &ok);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_TRUE(x.m.call.cred.body_ok);
	CU_ASSERT_EQUAL(x.m.call.cred.u.sys.machinename.len, 255);
	decoded_free(&x);
}

static void test_auth_body_over_400(void)
{
	struct vec cred = {.n = 0}, verf = {.n = 0};

	/* NULL call, cred AUTH_SYS (24) body<404> (28) with 404 zero bytes, verf AUTH_NONE<0> */
	sys_cred_hdr(&cred, 404);
	put_fill(&cred, 0, 404);
	W(&cred, 0, 0);
	expect_fail(&cred, WIRE_ERR_LIMIT, "cred.body: length 404 > 400 at offset 28");
	/* NULL call, cred AUTH_NONE<0> (24), verf AUTH_NONE (32) body<401> (36), 404 bytes */
	W(&verf, 1, ONCRPC_CALL, 2, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, 0, 0, 0, 401);
	put_fill(&verf, 0, 404);
	expect_fail(&verf, WIRE_ERR_LIMIT, "verf.body: length 401 > 400 at offset 36");
}

static void test_opaque_lengths_near_2_32(void)
{
	struct vec tag1 = {.n = 0}, tag4 = {.n = 0}, name = {.n = 0}, cred = {.n = 0};

	/* call_hdr COMPOUND, tag length 0xFFFFFFFF (40), then 8 bytes */
	call_hdr(&tag1, NFSPROC4_COMPOUND);
	W(&tag1, 0xFFFFFFFF, 1, 0);
	expect_fail(&tag1, WIRE_ERR_SHORT,
		    "COMPOUND4args.tag: length 4294967295 but 8 bytes left at offset 40");
	/* call_hdr COMPOUND, tag length 0xFFFFFFFC (a multiple of 4: no padding) (40), 8 bytes */
	call_hdr(&tag4, NFSPROC4_COMPOUND);
	W(&tag4, 0xFFFFFFFC, 1, 0);
	expect_fail(&tag4, WIRE_ERR_SHORT,
		    "COMPOUND4args.tag: length 4294967292 but 8 bytes left at offset 40");
	/* compound_hdr(1), LOOKUP (52), objname length 0xFFFFFFFC (56), "abcd" */
	compound_hdr(&name, 1);
	W(&name, OP_LOOKUP, 0xFFFFFFFC, 0x61626364);
	expect_fail(&name, WIRE_ERR_SHORT,
		    "argarray[0].LOOKUP.objname: length 4294967292 but 4 bytes left at offset 56");
	/* NULL call, cred AUTH_SYS (24), body length 0xFFFFFFFF (28), 8 bytes */
	sys_cred_hdr(&cred, 0xFFFFFFFF);
	W(&cred, 0, 0);
	expect_fail(&cred, WIRE_ERR_LIMIT, "cred.body: length 4294967295 > 400 at offset 28");
}

/* The primitives alone: lengths and counts whose byte size overflows 32 bits. */
static void test_xdr_primitives_near_2_32(void)
{
	static const uint32_t lens[] = {0x7FFFFFFF, 0x80000000, 0xFFFFFFFC,
					0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF};

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		/* length lens[i], then "abcd" */
		struct vec v = {.n = 0};
		struct wire_opaque o = {NULL, 0};
		struct xdr_dec d;
		char want[96];
		uint8_t *buf;

		W(&v, lens[i], 0x61626364);
		buf = test_exact_copy(v.b, v.n);
		xdr_dec_init(&d, buf, v.n, WIRE_STRICT);
		CU_ASSERT_FALSE(xdr_get_opaque(&d, "f", UINT32_MAX, &o));
		CU_ASSERT_EQUAL(d.error.status, WIRE_ERR_SHORT);
		snprintf(want, sizeof(want), "f: length %u but 4 bytes left at offset 0", lens[i]);
		expect_text(&d.error, want);
		CU_ASSERT_PTR_NULL(o.data);
		free(buf);
	}
}

static void test_xdr_count_overflow(void)
{
	/* count 0x10000000 of 16-byte items = 2^32 bytes (0 in 32-bit arithmetic), then 4 bytes */
	struct vec v = {.n = 0};
	struct xdr_dec d;
	uint32_t n = 7;
	uint8_t *buf;

	W(&v, 0x10000000, 0);
	buf = test_exact_copy(v.b, v.n);
	xdr_dec_init(&d, buf, v.n, 0);
	CU_ASSERT_FALSE(xdr_get_count(&d, "c", UINT32_MAX, 16, &n));
	CU_ASSERT_EQUAL(d.error.status, WIRE_ERR_SHORT);
	CU_ASSERT_EQUAL(n, 7);
	expect_text(&d.error, "c: count 268435456 needs at least 4294967296 bytes, 4 left at offset 0");
	/* later reads fail too and keep the first error */
	CU_ASSERT_FALSE(xdr_get_u32(&d, "x", &n));
	CU_ASSERT_STRING_EQUAL(d.error.path, "c");
	free(buf);
}

static void test_xdr_just_beyond(void)
{
	/* count 2 of 4-byte items, then one word: 8 bytes needed, 4 left after the count */
	struct vec v = {.n = 0}, o = {.n = 0};
	struct wire_opaque slice = {NULL, 0};
	struct xdr_dec d;
	uint32_t n = 0;
	uint8_t *buf;

	W(&v, 2, 0);
	buf = test_exact_copy(v.b, v.n);
	xdr_dec_init(&d, buf, v.n, 0);
	CU_ASSERT_FALSE(xdr_get_count(&d, "c", 16, 4, &n));
	expect_text(&d.error, "c: count 2 needs at least 8 bytes, 4 left at offset 0");
	free(buf);
	/* opaque length 5, then "abcd": one byte short of the data, padding aside */
	W(&o, 5, 0x61626364);
	buf = test_exact_copy(o.b, o.n);
	xdr_dec_init(&d, buf, o.n, 0);
	CU_ASSERT_FALSE(xdr_get_opaque(&d, "o", 16, &slice));
	expect_text(&d.error, "o: length 5 but 4 bytes left at offset 0");
	free(buf);
}

static void test_array_counts(void)
{
	struct vec ops = {.n = 0}, ops_short = {.n = 0}, bm = {.n = 0}, bm_short = {.n = 0};

	/* call_hdr COMPOUND, tag "", minorversion 1, argarray count 0xFFFFFFFF (48), PUTROOTFH */
	compound_hdr(&ops, 0xFFFFFFFF);
	W(&ops, OP_PUTROOTFH);
	expect_fail(&ops, WIRE_ERR_LIMIT, "COMPOUND4args.argarray: count 4294967295 > 1024 at offset 48");
	/* compound_hdr(1000) (within max_ops), one PUTROOTFH (52) */
	compound_hdr(&ops_short, 1000);
	W(&ops_short, OP_PUTROOTFH);
	expect_fail(&ops_short, WIRE_ERR_SHORT,
		    "COMPOUND4args.argarray: count 1000 needs at least 4000 bytes, 4 left at offset 48");
	/* compound_hdr(1), GETATTR (52), attr_request count 0xFFFFFFFF (56), one word */
	compound_hdr(&bm, 1);
	W(&bm, OP_GETATTR, 0xFFFFFFFF, 0);
	expect_fail(&bm, WIRE_ERR_LIMIT,
		    "argarray[0].GETATTR.attr_request.count: count 4294967295 > 8 at offset 56");
	/* compound_hdr(1), GETATTR (52), attr_request count 3 (56), one word */
	compound_hdr(&bm_short, 1);
	W(&bm_short, OP_GETATTR, 3, 0x00100000);
	expect_fail(&bm_short, WIRE_ERR_SHORT,
		    "argarray[0].GETATTR.attr_request.count: count 3 needs at least 12 bytes, 4 left "
		    "at offset 56");
}

static void test_resarray_counts(void)
{
	struct vec huge = {.n = 0}, beyond = {.n = 0};

	/* reply xid 1, MSG_ACCEPTED, verf AUTH_NONE<0>, SUCCESS (0..23); COMPOUND4res status 0
	 * (24), tag "" (28), resarray count 0xFFFFFFFF (32), 8 bytes */
	W(&huge, 1, ONCRPC_REPLY, 0, 0, 0, 0, 0, 0, 0xFFFFFFFF, OP_PUTROOTFH, 0);
	expect_fail(&huge, WIRE_ERR_LIMIT, "COMPOUND4res.resarray: count 4294967295 > 1024 at offset 32");
	/* the same with resarray count 100 (8 bytes each at least), 8 bytes */
	W(&beyond, 1, ONCRPC_REPLY, 0, 0, 0, 0, 0, 0, 100, OP_PUTROOTFH, 0);
	expect_fail(&beyond, WIRE_ERR_SHORT,
		    "COMPOUND4res.resarray: count 100 needs at least 800 bytes, 8 left at offset 32");
}

static void test_spa_how(void)
{
	struct vec v = {.n = 0};

	/* compound_hdr(1), EXCHANGE_ID (52), co_verifier 8 bytes (56), co_ownerid<4> "ownr"
	 * (64), eia_flags 0 (72), spa_how 3 (76), eia_client_impl_id<0> (80) */
	compound_hdr(&v, 1);
	W(&v, OP_EXCHANGE_ID, 1, 2, 4, 0x6f776e72, 0, 3, 0);
	expect_fail(&v, WIRE_ERR_VALUE,
		    "argarray[0].EXCHANGE_ID.eia_state_protect.spa_how: unknown state_protect_how4 "
		    "3 at offset 76");
}

static void test_rpc_discriminants(void)
{
	struct vec mtype = {.n = 0}, reply_stat = {.n = 0}, accept = {.n = 0}, reject = {.n = 0};

	/* xid 1, mtype 2 (4), four more words */
	W(&mtype, 1, 2, 0, 0, 0, 0);
	expect_fail(&mtype, WIRE_ERR_VALUE, "mtype: message type 2 is neither CALL nor REPLY at offset 4");
	/* xid 1, REPLY, reply_stat 2 (8), three more words */
	W(&reply_stat, 1, ONCRPC_REPLY, 2, 0, 0, 0);
	expect_fail(&reply_stat, WIRE_ERR_VALUE, "reply_stat: unknown reply_stat 2 at offset 8");
	/* xid 1, REPLY, MSG_ACCEPTED, verf AUTH_NONE<0> (12), accept_stat 6 (20) */
	W(&accept, 1, ONCRPC_REPLY, ONCRPC_MSG_ACCEPTED, 0, 0, 6);
	expect_fail(&accept, WIRE_ERR_VALUE, "accept_stat: unknown accept_stat 6 at offset 20");
	/* xid 1, REPLY, MSG_DENIED, reject_stat 2 (12), two more words */
	W(&reject, 1, ONCRPC_REPLY, ONCRPC_MSG_DENIED, 2, 0, 0);
	expect_fail(&reject, WIRE_ERR_VALUE, "reject_stat: unknown reject_stat 2 at offset 12");
}

static void test_rpc_discriminant_bounds(void)
{
	struct vec sys_err = {.n = 0}, auth = {.n = 0};
	struct decoded x;

	/* xid 1, REPLY, MSG_ACCEPTED, verf AUTH_NONE<0>, SYSTEM_ERR (5): the largest accept_stat */
	W(&sys_err, 1, ONCRPC_REPLY, ONCRPC_MSG_ACCEPTED, 0, 0, ONCRPC_SYSTEM_ERR);
	decode_strict(&x, &sys_err);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.reply.accept_stat, ONCRPC_SYSTEM_ERR);
	decoded_free(&x);
	/* xid 1, REPLY, MSG_DENIED, AUTH_ERROR (1), AUTH_BADCRED */
	W(&auth, 1, ONCRPC_REPLY, ONCRPC_MSG_DENIED, ONCRPC_AUTH_ERROR, ONCRPC_AUTH_BADCRED);
	decode_strict(&x, &auth);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.reply.auth_stat, ONCRPC_AUTH_BADCRED);
	decoded_free(&x);
}

static void test_cachethis_boolean(void)
{
	struct vec v = {.n = 0};

	/* compound_hdr(1), SEQUENCE (52), sa_sessionid 16 bytes (56), sa_sequenceid 1 (72),
	 * sa_slotid 0 (76), sa_highest_slotid 0 (80), sa_cachethis 2 (84) */
	compound_hdr(&v, 1);
	W(&v, OP_SEQUENCE, 1, 2, 3, 4, 1, 0, 0, 2);
	expect_fail(&v, WIRE_ERR_VALUE,
		    "argarray[0].SEQUENCE.sa_cachethis: boolean 2 is neither 0 nor 1 at offset 84");
}

/* call_hdr COMPOUND, tag<3> "abc" + padding byte 0x01 (40..47), minorversion 1, argarray<0>. */
static void bad_tag_padding(struct vec *v)
{
	call_hdr(v, NFSPROC4_COMPOUND);
	W(v, 3, 0x61626301, 1, 0);
}

static void test_padding_strict(void)
{
	struct vec v = {.n = 0};

	bad_tag_padding(&v);
	expect_fail(&v, WIRE_ERR_PADDING, "COMPOUND4args.tag: padding byte 0x01 at offset 47");
}

static void test_padding_lenient(void)
{
	const struct wire_decode_opts lenient = {.reply_proc = WIRE_PROC_UNKNOWN};
	struct vec v = {.n = 0}, two = {.n = 0};
	struct decoded x;

	bad_tag_padding(&v);
	decode_opts(&x, &v, &lenient);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.warnings, 1);
	CU_ASSERT_EQUAL(x.m.warning.status, WIRE_ERR_PADDING);
	expect_text(&x.m.warning, "COMPOUND4args.tag: padding byte 0x01 at offset 47");
	CU_ASSERT_EQUAL(x.m.args.tag.len, 3);
	CU_ASSERT_NSTRING_EQUAL(x.m.args.tag.data, "abc", 3);
	decoded_free(&x);
	/* call_hdr COMPOUND, tag<1> "a" + padding 00 00 02 (40..47), minorversion 1,
	 * argarray<1> (52): LOOKUP (56) objname<2> "xy" + padding ff ff (60..67) */
	call_hdr(&two, NFSPROC4_COMPOUND);
	W(&two, 1, 0x61000002, 1, 1, OP_LOOKUP, 2, 0x7879ffff);
	decode_opts(&x, &two, &lenient);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.warnings, 2);
	expect_text(&x.m.warning, "COMPOUND4args.tag: padding byte 0x02 at offset 47");
	CU_ASSERT_EQUAL(x.m.args.argarray[0].u.lookup.objname.len, 2);
	decoded_free(&x);
}

static void test_trailing(void)
{
	const struct wire_decode_opts lenient = {.reply_proc = WIRE_PROC_UNKNOWN};
	struct vec null_call = {.n = 0}, compound = {.n = 0};
	struct decoded x;

	/* call_hdr NULL (0..39), then 4 bytes 0xdeadbeef */
	call_hdr(&null_call, NFSPROC4_NULL);
	W(&null_call, 0xdeadbeef);
	expect_fail(&null_call, WIRE_ERR_TRAILING, "4 bytes after the end of the message at offset 40");
	decode_opts(&x, &null_call, &lenient);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.warnings, 1);
	CU_ASSERT_EQUAL(x.m.warning.status, WIRE_ERR_TRAILING);
	CU_ASSERT_EQUAL(x.m.warning.offset, 40);
	decoded_free(&x);
	/* compound_hdr(1), PUTROOTFH (52), then 8 bytes */
	compound_hdr(&compound, 1);
	W(&compound, OP_PUTROOTFH, 0, 0);
	expect_fail(&compound, WIRE_ERR_TRAILING, "8 bytes after the end of the message at offset 56");
}

/* Decode v: unsupported at text, with n ops kept and the last one undecoded as op. */
static void expect_unsupported(const struct vec *v, const char *text, uint32_t n, uint32_t op)
{
	struct decoded x;

	decode_strict(&x, v);
	CU_ASSERT_EQUAL(x.status, WIRE_ERR_UNSUPPORTED);
	expect_text(&x.err, text);
	CU_ASSERT_TRUE(x.m.is_compound);
	CU_ASSERT_EQUAL_FATAL(x.m.args.argarray_len, n);
	CU_ASSERT_EQUAL(x.m.args.argarray[n - 1].op, op);
	CU_ASSERT_TRUE(x.m.args.argarray[n - 1].undecoded);
	for (uint32_t i = 0; i + 1 < n; i++)
		CU_ASSERT_FALSE(x.m.args.argarray[i].undecoded);
	decoded_free(&x);
}

static void test_unknown_opcodes(void)
{
	struct vec op9999 = {.n = 0}, op2 = {.n = 0};

	/* compound_hdr(3): PUTROOTFH (52), op 9999 (56), GETFH (60) */
	compound_hdr(&op9999, 3);
	W(&op9999, OP_PUTROOTFH, 9999, OP_GETFH);
	expect_unsupported(&op9999, "argarray[1].argop: unknown operation 9999 at offset 56", 2,
			   9999);
	/* compound_hdr(1): op 2 (52), undefined in every minor version */
	compound_hdr(&op2, 1);
	W(&op2, 2);
	expect_unsupported(&op2, "argarray[0].argop: unknown operation 2 at offset 52", 1, 2);
}

static void test_unparsed_opcodes(void)
{
	struct vec renew = {.n = 0}, lock = {.n = 0};

	/* compound_hdr(2): PUTROOTFH (52), RENEW (56) clientid 0x0000000100000002 (60..67) */
	compound_hdr(&renew, 2);
	W(&renew, OP_PUTROOTFH, OP_RENEW, 1, 2);
	expect_unsupported(&renew,
			   "argarray[1].RENEW: arguments of operation 30 are not parsed by this "
			   "library at offset 60",
			   2, OP_RENEW);
	/* compound_hdr(1): LOCK (52), a v4.1 op this library does not parse, 4 bytes */
	compound_hdr(&lock, 1);
	W(&lock, OP_LOCK, 0);
	expect_unsupported(&lock,
			   "argarray[0].LOCK: arguments of operation 12 are not parsed by this "
			   "library at offset 56",
			   1, OP_LOCK);
}

static void test_max_ops_option(void)
{
	const struct wire_decode_opts two = {.flags = WIRE_STRICT, .max_ops = 2};
	struct vec three = {.n = 0}, ok = {.n = 0};
	struct decoded x;

	/* compound_hdr(3) (count at 48): PUTROOTFH, GETFH, GETFH */
	compound_hdr(&three, 3);
	W(&three, OP_PUTROOTFH, OP_GETFH, OP_GETFH);
	decode_opts(&x, &three, &two);
	CU_ASSERT_EQUAL(x.status, WIRE_ERR_LIMIT);
	expect_text(&x.err, "COMPOUND4args.argarray: count 3 > 2 at offset 48");
	CU_ASSERT_PTR_NULL(x.m.args.argarray);
	decoded_free(&x);
	/* compound_hdr(2): PUTROOTFH, GETFH: at the limit */
	compound_hdr(&ok, 2);
	W(&ok, OP_PUTROOTFH, OP_GETFH);
	decode_opts(&x, &ok, &two);
	CU_ASSERT_EQUAL(x.status, WIRE_OK);
	CU_ASSERT_EQUAL(x.m.args.argarray_len, 2);
	decoded_free(&x);
}

/* ---- (c) memory bound: counts are checked before the op array is allocated -- */

/* Run the COMPOUND4args decoder alone on v; return the error, check nothing was allocated. */
static struct wire_error args_alone(const struct vec *v, uint32_t max_ops)
{
	uint8_t *buf = test_exact_copy(v->b, v->n);
	struct COMPOUND4args a;
	struct xdr_dec d;

	xdr_dec_init(&d, buf, v->n, WIRE_STRICT);
	CU_ASSERT_FALSE(nfs4_compound_args_decode(&d, max_ops, &a));
	CU_ASSERT_PTR_NULL(a.argarray);
	CU_ASSERT_EQUAL(a.argarray_len, 0);
	nfs4_compound_args_free(&a);
	free(buf);
	return d.error;
}

static void test_memory_bound(void)
{
	struct vec v = {.n = 0}, r = {.n = 0};
	struct wire_error e;
	struct COMPOUND4res res;
	struct xdr_dec d;
	uint8_t *buf;

	/* 16 bytes: tag "" (0), minorversion 1 (4), argarray count 0xFFFFFFFF (8), PUTROOTFH (12) */
	W(&v, 0, 1, 0xFFFFFFFF, OP_PUTROOTFH);
	CU_ASSERT_EQUAL(v.n, 16);
	e = args_alone(&v, 0); /* default max_ops */
	CU_ASSERT_EQUAL(e.status, WIRE_ERR_LIMIT);
	expect_text(&e, "COMPOUND4args.argarray: count 4294967295 > 1024 at offset 8");
	/* With no op limit, only the input bounds the count: still nothing allocated
	 * (an attempt at 2^32 ops would abort under ASan) */
	e = args_alone(&v, UINT32_MAX);
	CU_ASSERT_EQUAL(e.status, WIRE_ERR_SHORT);
	expect_text(&e, "COMPOUND4args.argarray: count 4294967295 needs at least 17179869180 "
			"bytes, 4 left at offset 8");
	/* 16 bytes of COMPOUND4res: status 0, tag "", resarray count 0xFFFFFFFF (8), 4 bytes */
	W(&r, 0, 0, 0xFFFFFFFF, OP_PUTROOTFH);
	buf = test_exact_copy(r.b, r.n);
	xdr_dec_init(&d, buf, r.n, WIRE_STRICT);
	CU_ASSERT_FALSE(nfs4_compound_res_decode(&d, UINT32_MAX, &res));
	CU_ASSERT_PTR_NULL(res.resarray);
	expect_text(&d.error, "COMPOUND4res.resarray: count 4294967295 needs at least 34359738360 "
			      "bytes, 4 left at offset 8");
	nfs4_compound_res_free(&res);
	free(buf);
}

void tests_register(void)
{
	static const struct test_entry truncation[] = {
		{"lifecycle capture, every record cut at every offset", test_truncate_lifecycle},
		{"pynfs capture, every record cut at every offset", test_truncate_pynfs},
		{NULL, NULL},
	};
	static const struct test_entry vectors[] = {
		{"ca_rdma_ird count 5", test_rdma_ird_count},
		{"CREATE_SESSION with 16 callback gids decodes", test_create_session_ok},
		{"cb_secflavor 2", test_cb_secflavor},
		{"csa_sec_parms counts", test_sec_parms_counts},
		{"cbsp_sys_cred machine name and gids", test_cb_sys_cred_limits},
		{"AUTH_SYS credential body problems", test_auth_sys_cred},
		{"auth body over 400 bytes", test_auth_body_over_400},
		{"opaque lengths near 2^32", test_opaque_lengths_near_2_32},
		{"xdr_get_opaque lengths near 2^32", test_xdr_primitives_near_2_32},
		{"xdr_get_count byte size over 2^32", test_xdr_count_overflow},
		{"counts and lengths just beyond the input", test_xdr_just_beyond},
		{"argarray and bitmap4 counts", test_array_counts},
		{"resarray counts", test_resarray_counts},
		{"spa_how 3", test_spa_how},
		{"mtype, reply_stat, accept_stat, reject_stat", test_rpc_discriminants},
		{"largest valid RPC discriminants", test_rpc_discriminant_bounds},
		{"sa_cachethis boolean 2", test_cachethis_boolean},
		{"nonzero padding, strict", test_padding_strict},
		{"nonzero padding, lenient", test_padding_lenient},
		{"trailing bytes", test_trailing},
		{"unknown opcodes 9999 and 2", test_unknown_opcodes},
		{"RENEW and LOCK kept undecoded", test_unparsed_opcodes},
		{"max_ops option", test_max_ops_option},
		{NULL, NULL},
	};
	static const struct test_entry memory[] = {
		{"2^32-1 ops in 16 bytes fail before allocation", test_memory_bound},
		{NULL, NULL},
	};

	tests_add_suite("hostile: truncation", truncation);
	tests_add_suite("hostile: vectors", vectors);
	tests_add_suite("hostile: memory bound", memory);
}
