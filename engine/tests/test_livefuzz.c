/*
 * test_livefuzz.c - the mutators of `nfs41check fuzz`: deterministic for a seed, never above the
 * record caps, and each class changes what it says it changes; the PRNG, remapping onto the
 * fuzzer's own ids, and the built-in seed pool.
 */
#include <stdlib.h>
#include <string.h>

#include "livefuzz.h"
#include "livefuzz_mutate.h"
#include "test_main.h"
#include "wire.h"

static struct lf_pool pool;

static void load_pool(void)
{
	if (pool.n == 0)
		lf_pool_add_builtin(&pool, 42);
}

/* Two mutants (large: static, so no test leaks one on an early return). */
static struct lf_mutant mutants[2];
static unsigned next_mutant;

static struct lf_mutant *new_mutant(void)
{
	struct lf_mutant *m = &mutants[next_mutant++ % 2];

	memset(m, 0, sizeof(*m));
	return m;
}

/* A SEQUENCE ; PUTROOTFH ; GETFH call, xid 0x01020304. */
static size_t sample_call(uint8_t *buf, size_t cap)
{
	struct nfs_argop ops[3] = {{.op = OP_SEQUENCE}, {.op = OP_PUTROOTFH}, {.op = OP_GETFH}};

	ops[0].u.sequence.sa_sequenceid = 1;
	return lf_build_call(0x01020304, NFSPROC4_COMPOUND, 1, ops, 3, buf, cap);
}

static void test_rng(void)
{
	struct lf_rng a, b, c;
	unsigned hist[10] = {0};

	lf_rng_seed(&a, 7);
	lf_rng_seed(&b, 7);
	lf_rng_seed(&c, 8);
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(lf_rng_next(&a), lf_rng_next(&b));
	CU_ASSERT_NOT_EQUAL(lf_rng_next(&a), lf_rng_next(&c));
	for (int i = 0; i < 10000; i++) {
		uint32_t v = lf_rng_below(&a, 10);
		REQUIRE(v < 10);
		hist[v]++;
	}
	for (int i = 0; i < 10; i++)
		CHECK(hist[i] > 800 && hist[i] < 1200, "bucket %d: %u of 10000", i, hist[i]);
	CU_ASSERT_EQUAL(lf_rng_below(&a, 0), 0);
}

static void test_builtin_pool(void)
{
	load_pool();
	CHECK(pool.n >= 20, "only %zu built-in seeds", pool.n);
	for (size_t i = 0; i < pool.n; i++) {
		struct lf_mutant *m = new_mutant();
		memcpy(m->rec, pool.v[i].rec, pool.v[i].len);
		m->rec_len = pool.v[i].len;
		lf_describe(m);
		CHECK(m->expect == LF_EXPECT_REPLY, "seed %zu: a well-formed call wants a reply", i);
		CHECK(m->header && m->prog == NFS4_PROGRAM, "seed %zu: NFSv4 call header", i);
	}
	/* adding a seed twice keeps one */
	size_t n = pool.n;
	lf_pool_add(&pool, pool.v[0].rec, pool.v[0].len);
	CU_ASSERT_EQUAL(pool.n, n);
	CU_ASSERT(pool.duplicates >= 1);
}

/* Same seed, same input: the mutant bytes and description are a function of (input, rng). */
static void test_deterministic(void)
{
	load_pool();
	for (int cls = 0; cls < LF_CLASS_COUNT; cls++) {
		struct lf_mutant *a = new_mutant(), *b = new_mutant();
		struct lf_rng ra, rb;
		for (size_t i = 0; i < pool.n; i++) {
			lf_rng_seed(&ra, 1000 + i);
			lf_rng_seed(&rb, 1000 + i);
			int x = lf_mutate(pool.v[i].rec, pool.v[i].len, (enum lf_class)cls, &ra, a);
			int y = lf_mutate(pool.v[i].rec, pool.v[i].len, (enum lf_class)cls, &rb, b);
			CU_ASSERT_EQUAL(x, y);
			if (x != 0)
				continue;
			CHECK(a->wire_len == b->wire_len && !memcmp(a->wire, b->wire, a->wire_len),
			      "class %s seed %zu: different bytes", lf_class_name((enum lf_class)cls), i);
			CU_ASSERT_STRING_EQUAL(a->what, b->what);
			CU_ASSERT_EQUAL(a->expect, b->expect);
		}
	}
}

/* Many mutations of every seed, and of a near-cap record: never over LF_MAX_RECORD/LF_MAX_WIRE. */
static void test_caps(void)
{
	struct lf_mutant *m = new_mutant();
	struct lf_rng r;
	uint8_t *big = calloc(1, LF_MAX_RECORD);
	size_t n;

	if (!big)
		abort();
	load_pool();
	lf_rng_seed(&r, 99);
	for (int round = 0; round < 400; round++)
		for (size_t i = 0; i < pool.n; i++) {
			enum lf_class cls = (enum lf_class)lf_rng_below(&r, LF_CLASS_COUNT);
			if (lf_mutate(pool.v[i].rec, pool.v[i].len, cls, &r, m) != 0)
				continue;
			CU_ASSERT(m->rec_len <= LF_MAX_RECORD && m->wire_len <= LF_MAX_WIRE &&
				  m->wire_len > 0);
		}
	/* a record close to the cap: a COMPOUND call followed by zeros */
	n = sample_call(big, LF_MAX_RECORD);
	for (int round = 0; round < 200; round++) {
		enum lf_class cls = (enum lf_class)(round % LF_CLASS_COUNT);
		size_t len = LF_MAX_RECORD - (size_t)lf_rng_below(&r, 64);
		if (lf_mutate(big, len < n ? n : len, cls, &r, m) != 0)
			continue;
		CU_ASSERT(m->rec_len <= LF_MAX_RECORD && m->wire_len <= LF_MAX_WIRE);
	}
	CU_ASSERT_EQUAL(lf_mutate(big, LF_MAX_RECORD + 1, LF_CLASS_BYTES, &r, m), -1);
	free(big);
}

/* The record inside well-framed bytes. */
static size_t deframe(const struct lf_mutant *m, uint8_t *out, size_t cap, bool *ok)
{
	struct rm_reader rd;
	size_t used = 0, len = 0;

	rm_reader_init(&rd, cap);
	*ok = rm_reader_feed(&rd, m->wire, m->wire_len, &used) == RM_RECORD && used == m->wire_len;
	if (*ok) {
		const uint8_t *p = rm_record(&rd, &len);
		if (len)
			memcpy(out, p, len);
	}
	rm_reader_free(&rd);
	return len;
}

static void test_classes_change(void)
{
	struct lf_mutant *m = new_mutant();
	static uint8_t rec[LF_MAX_RECORD];
	uint8_t base[1024];
	size_t n = sample_call(base, sizeof(base));
	struct lf_rng r;
	bool ok;

	lf_rng_seed(&r, 5);
	for (int i = 0; i < 300; i++) {
		/* NONE: the record as given, one fragment, a reply wanted */
		REQUIRE(lf_mutate(base, n, LF_CLASS_NONE, &r, m) == 0);
		CU_ASSERT(m->rec_len == n && !memcmp(m->rec, base, n));
		CU_ASSERT_EQUAL(m->expect, LF_EXPECT_REPLY);
		CU_ASSERT(m->compound && m->nops == 3);
		/* FIELD and OPLIST: the record changes; the framing stays valid */
		for (int cls = LF_CLASS_FIELD; cls <= LF_CLASS_OPLIST; cls++) {
			REQUIRE(lf_mutate(base, n, (enum lf_class)cls, &r, m) == 0);
			CHECK(m->rec_len != n || memcmp(m->rec, base, n) != 0, "%s did not change: %s",
			      lf_class_name((enum lf_class)cls), m->what);
			size_t k = deframe(m, rec, sizeof(rec), &ok);
			CU_ASSERT(ok && k == m->rec_len && !memcmp(rec, m->rec, k));
			/* content mutated, header intact: a reply or a close (RPC-03), not silence */
			CU_ASSERT(m->expect == LF_EXPECT_ANSWER || m->expect == LF_EXPECT_MAYBE);
			CU_ASSERT_PTR_NOT_NULL(strstr(m->what, lf_class_name((enum lf_class)cls)));
		}
		/* BYTES: changed, the xid kept */
		REQUIRE(lf_mutate(base, n, LF_CLASS_BYTES, &r, m) == 0);
		CU_ASSERT(m->rec_len != n || memcmp(m->rec, base, n) != 0);
		CU_ASSERT(!memcmp(m->rec, base, 4));
		/* SPLIT: the same record in more than one fragment */
		REQUIRE(lf_mutate(base, n, LF_CLASS_SPLIT, &r, m) == 0);
		size_t k = deframe(m, rec, sizeof(rec), &ok);
		CU_ASSERT(ok && k == n && !memcmp(rec, base, n));
		CU_ASSERT(m->wire_len >= n + 8);
		CU_ASSERT_EQUAL(m->expect, LF_EXPECT_REPLY);
		/* FRAMING: no longer exactly one well-formed record (or an empty one) */
		REQUIRE(lf_mutate(base, n, LF_CLASS_FRAMING, &r, m) == 0);
		k = deframe(m, rec, sizeof(rec), &ok);
		CHECK(!ok || k == 0, "framing kept a record: %s", m->what);
		CU_ASSERT(m->expect == LF_EXPECT_ANY || (k == 0 && m->expect == LF_EXPECT_MAYBE));
	}
}

/* FIELD names the field it changed, and the decoded value differs. */
static void test_field_names(void)
{
	struct lf_mutant *m = new_mutant();
	uint8_t base[1024];
	size_t n = sample_call(base, sizeof(base));
	struct lf_rng r;
	unsigned seq = 0;

	lf_rng_seed(&r, 11);
	for (int i = 0; i < 500; i++) {
		REQUIRE(lf_mutate(base, n, LF_CLASS_FIELD, &r, m) == 0);
		if (strstr(m->what, "SEQUENCE.sa_slotid")) {
			struct wire_msg w;
			struct wire_error e;
			struct wire_decode_opts o = {0};
			memset(&w, 0, sizeof(w));
			REQUIRE(wire_msg_decode(m->rec, m->rec_len, &o, &w, &e) == WIRE_OK);
			CU_ASSERT_NOT_EQUAL(w.args.argarray[0].u.sequence.sa_slotid, 0);
			wire_msg_free(&w);
			seq++;
		}
	}
	CHECK(seq > 0, "SEQUENCE.sa_slotid never picked in 500 field mutations");
}

/* Remapping puts the fuzzer's own session, slot seqid and client id in (most of the time). */
static void test_remap(void)
{
	struct lf_ids ids = {.have_client = true, .have_session = true, .clientid = 0x1122334455667788ull,
			     .csa_sequence = 9, .nslots = 4};
	uint8_t base[1024], out[2048];
	size_t n = sample_call(base, sizeof(base));
	struct lf_rng r;
	unsigned mapped = 0;

	memset(ids.sessionid, 0xab, sizeof(ids.sessionid));
	ids.slot_seqid[0] = 41;
	lf_rng_seed(&r, 3);
	for (int i = 0; i < 200; i++) {
		struct wire_msg w;
		struct wire_error e;
		struct wire_decode_opts o = {0};
		size_t k = lf_remap(base, n, 0xabcdef00u + (uint32_t)i, &ids, &r, out, sizeof(out));
		REQUIRE(k > 0);
		memset(&w, 0, sizeof(w));
		REQUIRE(wire_msg_decode(out, k, &o, &w, &e) == WIRE_OK);
		CU_ASSERT_EQUAL(w.call.xid, 0xabcdef00u + (uint32_t)i);
		const struct SEQUENCE4args *s = &w.args.argarray[0].u.sequence;
		if (!memcmp(s->sa_sessionid, ids.sessionid, NFS4_SESSIONID_SIZE)) {
			CU_ASSERT_EQUAL(s->sa_sequenceid, 42);
			mapped++;
		}
		wire_msg_free(&w);
	}
	CHECK(mapped > 150 && mapped < 200, "%u of 200 remapped (want most, not all)", mapped);
	CU_ASSERT_EQUAL(lf_remap((const uint8_t *)"\0\0\0\1", 4, 1, &ids, &r, out, sizeof(out)), 0);
}

static void cleanup(void)
{
	lf_pool_free(&pool);
}

static void test_cleanup(void)
{
	cleanup();
	CU_PASS("pool freed");
}

void tests_register(void)
{
	static const struct test_entry t[] = {
		{"PRNG: seeded, uniform", test_rng},
		{"built-in seeds are well-formed calls", test_builtin_pool},
		{"mutators are deterministic for a seed", test_deterministic},
		{"no record above the caps", test_caps},
		{"each class changes what it says", test_classes_change},
		{"FIELD names the field it changed", test_field_names},
		{"remapping onto the fuzzer's ids", test_remap},
		{"cleanup", test_cleanup},
		{NULL, NULL}};

	tests_add_suite("live fuzz mutators", t);
}
