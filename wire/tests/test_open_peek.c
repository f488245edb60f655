/*
 * test_open_peek.c - nfs4_open_args_peek(): the fields a server reads from OPEN4args kept raw
 * (RFC 8881 s18.16.1), on well-formed, truncated and garbage arguments.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "test_main.h"
#include "wire.h"

/* What one peek reported. */
struct peeked {
	bool ok;
	uint32_t share_access, opentype, createmode, claim;
	struct wire_opaque file;
	struct wire_error err;
};

static struct peeked peek(const uint8_t *buf, size_t len)
{
	struct peeked p;
	struct wire_opaque raw = {buf, (uint32_t)len};

	memset(&p, 0, sizeof(p));
	p.ok = nfs4_open_args_peek(&raw, &p.share_access, &p.opentype, &p.createmode, &p.claim,
				   &p.file, &p.err);
	return p;
}

/* seqid 0, share_access BOTH, deny NONE, open_owner4 {clientid 0, "own"}. */
static void put_head(struct xdr_enc *e)
{
	xdr_put_u32(e, 0);
	xdr_put_u32(e, 3);
	xdr_put_u32(e, 0);
	xdr_put_u64(e, 0);
	xdr_put_opaque(e, "own", 3);
}

/* OPEN4_CREATE UNCHECKED4 with an empty fattr4, CLAIM_NULL "file1". */
static size_t create_null(uint8_t *buf, size_t cap)
{
	struct xdr_enc e;

	xdr_enc_init(&e, buf, cap);
	put_head(&e);
	xdr_put_u32(&e, 1); /* OPEN4_CREATE */
	xdr_put_u32(&e, 0); /* UNCHECKED4 */
	xdr_put_u32(&e, 0); /* attrmask: no words */
	xdr_put_u32(&e, 0); /* attr_vals: empty */
	xdr_put_u32(&e, 0); /* CLAIM_NULL */
	xdr_put_opaque(&e, "file1", 5);
	return e.len;
}

static void test_create_claim_null(void)
{
	uint8_t buf[128];
	size_t n = create_null(buf, sizeof(buf));
	struct peeked p = peek(buf, n);

	REQUIRE(p.ok);
	CU_ASSERT_EQUAL(p.share_access, 3);
	CU_ASSERT_EQUAL(p.opentype, 1);
	CU_ASSERT_EQUAL(p.createmode, 0);
	CU_ASSERT_EQUAL(p.claim, 0);
	REQUIRE(p.file.len == 5);
	CU_ASSERT(memcmp(p.file.data, "file1", 5) == 0);
	CU_ASSERT(p.file.data >= buf && p.file.data < buf + n); /* a slice of the input */
}

/* OPEN4_NOCREATE, CLAIM_PREVIOUS (delegate_type OPEN_DELEGATE_NONE): no mode, no name. */
static void test_nocreate_claim_previous(void)
{
	uint8_t buf[64];
	struct xdr_enc e;
	struct peeked p;

	xdr_enc_init(&e, buf, sizeof(buf));
	put_head(&e);
	xdr_put_u32(&e, 0); /* OPEN4_NOCREATE */
	xdr_put_u32(&e, 1); /* CLAIM_PREVIOUS */
	xdr_put_u32(&e, 0); /* OPEN_DELEGATE_NONE */
	p = peek(buf, e.len);
	REQUIRE(p.ok);
	CU_ASSERT_EQUAL(p.opentype, 0);
	CU_ASSERT_EQUAL(p.createmode, UINT32_MAX);
	CU_ASSERT_EQUAL(p.claim, 1);
	CU_ASSERT_EQUAL(p.file.len, 0);
}

/* CLAIM_DELEGATE_CUR: the name comes after the delegation stateid. */
static void test_claim_delegate_cur_name(void)
{
	uint8_t buf[96], other[12] = {0};
	struct xdr_enc e;
	struct peeked p;

	xdr_enc_init(&e, buf, sizeof(buf));
	put_head(&e);
	xdr_put_u32(&e, 0); /* OPEN4_NOCREATE */
	xdr_put_u32(&e, 2); /* CLAIM_DELEGATE_CUR */
	xdr_put_u32(&e, 1); /* stateid4.seqid */
	xdr_put_fixed(&e, other, sizeof(other));
	xdr_put_opaque(&e, "abc", 3);
	p = peek(buf, e.len);
	REQUIRE(p.ok);
	CU_ASSERT_EQUAL(p.claim, 2);
	REQUIRE(p.file.len == 3);
	CU_ASSERT(memcmp(p.file.data, "abc", 3) == 0);
}

/* Every proper prefix is short; one byte more is trailing garbage. */
static void test_truncated_and_trailing(void)
{
	uint8_t buf[128];
	size_t n = create_null(buf, sizeof(buf) - 4);
	struct peeked p;

	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *copy = test_exact_copy(buf, cut);

		p = peek(copy, cut);
		CHECK(!p.ok && p.err.status == WIRE_ERR_SHORT, "prefix of %zu bytes: ok %d status %s",
		      cut, p.ok, wire_status_name(p.err.status));
		free(copy);
	}
	memset(buf + n, 0, 4);
	p = peek(buf, n + 4);
	CU_ASSERT(!p.ok && p.err.status == WIRE_ERR_TRAILING);
}

/* Undefined discriminants: opentype 2, createmode 4, claim 7. */
static void test_garbage_discriminants(void)
{
	static const size_t opentype_at = 12 + 8 + 4 + 4; /* seqid..deny, clientid, owner "own" */
	uint8_t buf[128];
	size_t n = create_null(buf, sizeof(buf));
	uint8_t bad[128];
	struct {
		size_t at;
		uint8_t value;
		const char *field;
	} cases[] = {{opentype_at + 3, 2, "opentype"},
		     {opentype_at + 7, 4, "createmode"},
		     {opentype_at + 19, 7, "claim"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct peeked p;

		memcpy(bad, buf, n);
		bad[cases[i].at] = cases[i].value;
		p = peek(bad, n);
		CHECK(!p.ok && p.err.status == WIRE_ERR_VALUE &&
			      strstr(p.err.path, cases[i].field) != NULL,
		      "%s: ok %d status %s path %s", cases[i].field, p.ok,
		      wire_status_name(p.err.status), p.err.path);
	}
}

/* The slice the COMPOUND decoder keeps for OPEN is what the peek reads. */
static void test_decoder_slice(void)
{
	uint8_t args[128], rec[136];
	size_t n = create_null(args, sizeof(args));
	struct xdr_enc e;
	struct xdr_dec d;
	struct nfs_argop op;
	struct peeked p;

	xdr_enc_init(&e, rec, sizeof(rec));
	xdr_put_u32(&e, OP_OPEN);
	xdr_put_raw(&e, args, n);
	xdr_dec_init(&d, rec, e.len, WIRE_STRICT);
	REQUIRE(nfs4_argop_decode(&d, &op));
	CU_ASSERT_EQUAL(op.u.raw.len, n);
	p = peek(op.u.raw.data, op.u.raw.len);
	CU_ASSERT(p.ok && p.opentype == 1 && p.claim == 0 && p.file.len == 5);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"OPEN4_CREATE UNCHECKED4, CLAIM_NULL", test_create_claim_null},
		{"OPEN4_NOCREATE, CLAIM_PREVIOUS", test_nocreate_claim_previous},
		{"CLAIM_DELEGATE_CUR name after the stateid", test_claim_delegate_cur_name},
		{"truncated and trailing", test_truncated_and_trailing},
		{"undefined discriminants", test_garbage_discriminants},
		{"the decoder's raw slice", test_decoder_slice},
		{NULL, NULL}};

	tests_add_suite("wire: OPEN4args peek", tests);
}
