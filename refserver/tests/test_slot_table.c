/* test_slot_table.c - the slot table: seqid verdicts and wrap, BADSLOT edges, replay bytes, false retries, DELAY, abort, retirement and byte accounting (RFC 8881 s2.10.6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slot_table.h"
#include "test_main.h"

#define NSLOTS 8u
#define MAXC 256u /* ca_maxresponsesize_cached */

/* Opcodes (RFC 5662): SEQUENCE 53, PUTROOTFH 24, GETATTR 9, LOOKUP 15, RECLAIM_COMPLETE 58. */
static const uint32_t ops_solo[] = {53};
static const uint32_t ops_getattr[] = {53, 24, 9};
static const uint32_t ops_lookup[] = {53, 24, 15};
static const uint32_t ops_getattr4[] = {53, 24, 9, 9};

/* ---- helpers ------------------------------------------------------------ */

/* AUTH_SYS uid/gid with gids {100, 200}, three ops [SEQUENCE, PUTROOTFH, GETATTR]. */
static struct replay_key key_of(uint32_t uid, bool cachethis)
{
	struct replay_key k = {
		.cred = {.flavor = 1, .uid = uid, .gid = uid, .ngids = 2, .gids = {100, 200}},
		.cachethis = cachethis,
		.nops = 3,
		.opcodes = ops_getattr,
	};
	return k;
}

/* A reply unique to (slot, seqid) whose length also varies with them: 20..83 bytes. */
static size_t reply_for(uint32_t slot, uint32_t seqid, uint8_t buf[128])
{
	size_t len = 20 + (slot * 7u + seqid) % 64u;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(slot * 31u + seqid * 17u + i);
	return len;
}

static enum seq_outcome begin(struct slot_table *t, uint32_t slot, uint32_t seqid,
			      uint32_t highest, const struct replay_key *k)
{
	return slot_table_begin(t, slot, seqid, highest, k, NULL, NULL);
}

/* Expect an outcome, naming both on failure. */
#define EXPECT(t, slot, seqid, highest, k, want)                                            \
	do {                                                                                \
		enum seq_outcome got_ = begin((t), (slot), (seqid), (highest), (k));        \
		CHECK(got_ == (want), "slot %u seqid %#x: expected %s, got %s",             \
		      (unsigned)(slot), (unsigned)(seqid), seq_outcome_name(want),          \
		      seq_outcome_name(got_));                                              \
	} while (0)

/* A whole new request: begin must say NEW, then finish with reply_for(slot, seqid). */
static bool run(struct slot_table *t, uint32_t slot, uint32_t seqid, const struct replay_key *k)
{
	uint8_t buf[128];
	size_t len = reply_for(slot, seqid, buf);
	enum seq_outcome o = begin(t, slot, seqid, slot, k);

	if (!CHECK(o == SEQ_NEW, "slot %u seqid %#x: expected SEQ_NEW, got %s", slot, seqid,
		   seq_outcome_name(o)))
		return false;
	return CHECK(slot_table_finish(t, slot, buf, len, k->cachethis) == SLOT_FINISHED,
		     "finish slot %u seqid %#x", slot, seqid);
}

/* A retry must return exactly reply_for(slot, seqid). */
static void expect_replay(struct slot_table *t, uint32_t slot, uint32_t seqid,
			  const struct replay_key *k)
{
	uint8_t want[128];
	size_t want_len = reply_for(slot, seqid, want), len = 99;
	const uint8_t *got = NULL;
	enum seq_outcome o = slot_table_begin(t, slot, seqid, slot, k, &got, &len);

	CHECK(o == SEQ_REPLAY, "slot %u seqid %#x: expected SEQ_REPLAY, got %s", slot, seqid,
	      seq_outcome_name(o));
	CHECK(got && len == want_len && memcmp(got, want, len) == 0,
	      "slot %u seqid %#x: cached reply %zu bytes, expected %zu identical bytes", slot,
	      seqid, len, want_len);
}

static void expect_slot(const struct slot_table *t, uint32_t slot, enum slot_state state,
			uint32_t seqid)
{
	struct slot_info info;

	if (!CHECK(slot_table_slot_info(t, slot, &info), "slot_info(%u)", slot))
		return;
	CHECK(info.state == state && info.seqid == seqid,
	      "slot %u: expected state %d seqid %#x, got state %d seqid %#x", slot, state, seqid,
	      info.state, info.seqid);
}

static void table(struct slot_table *t, uint32_t nslots)
{
	CU_ASSERT_FATAL(slot_table_init(t, nslots, MAXC));
}

/* ---- the predicate ------------------------------------------------------ */

static void test_verdict_vectors(void)
{
	static const struct {
		uint32_t slot;
		bool used;
		uint32_t req;
		enum slot_verdict want;
	} v[] = {
		{0, false, 1, SLOT_NEW},                   /* SES-11 first request */
		{0, false, 0, SLOT_MISORDERED},            /* SES-11: nothing to replay */
		{0, false, 2, SLOT_MISORDERED},
		{0, false, 0xffffffffu, SLOT_MISORDERED},
		{0, true, 0, SLOT_REPLAY},                 /* used slot wrapped to 0 */
		{5, true, 6, SLOT_NEW},                    /* SES-13 */
		{5, true, 5, SLOT_REPLAY},                 /* SEQ-05 */
		{5, true, 4, SLOT_MISORDERED},             /* SES-14 */
		{5, true, 7, SLOT_MISORDERED},             /* SES-15 */
		{5, true, 0x80000005u, SLOT_MISORDERED},   /* half way round */
		{0xfffffffeu, true, 0xffffffffu, SLOT_NEW},
		{0xffffffffu, true, 0, SLOT_NEW},          /* SES-12 wrap */
		{0xffffffffu, true, 0xffffffffu, SLOT_REPLAY},
		{0xffffffffu, true, 1, SLOT_MISORDERED},
		{0xffffffffu, true, 0xfffffffeu, SLOT_MISORDERED},
		{0xffffffffu, false, 0, SLOT_NEW},         /* CREATE_SESSION: eir_sequenceid 0 */
		{0xffffffffu, false, 0xffffffffu, SLOT_MISORDERED},
		{0, true, 1, SLOT_NEW},
		{0, true, 0xffffffffu, SLOT_MISORDERED},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		enum slot_verdict got = slot_check_seqid(v[i].slot, v[i].used, v[i].req);

		CHECK(got == v[i].want, "slot %#x used %d req %#x: expected %d, got %d", v[i].slot,
		      v[i].used, v[i].req, v[i].want, got);
	}
}

/* Exhaustive around the wrap: exactly one NEW and (if used) one REPLAY in any window. */
static void test_verdict_window(void)
{
	for (uint32_t base = 0xfffffff0u; base != 0x10u; base++) {
		unsigned news = 0, replays = 0;

		for (uint32_t d = 0xfffffff8u; d != 9u; d++) {
			enum slot_verdict got = slot_check_seqid(base, true, base + d);

			news += got == SLOT_NEW;
			replays += got == SLOT_REPLAY;
			if (got == SLOT_NEW)
				CHECK(d == 1, "base %#x: NEW at offset %#x", base, d);
			if (got == SLOT_REPLAY)
				CHECK(d == 0, "base %#x: REPLAY at offset %#x", base, d);
		}
		CHECK(news == 1 && replays == 1, "base %#x: %u NEW, %u REPLAY", base, news, replays);
	}
}

/* ---- seqids on the table ------------------------------------------------ */

static void test_fresh_slot(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	/* SES-11: 0, 2 and 0xffffffff are misordered on a fresh slot; nothing changes. */
	EXPECT(&t, 0, 0, 0, &k, SEQ_MISORDERED);
	EXPECT(&t, 0, 2, 0, &k, SEQ_MISORDERED);
	EXPECT(&t, 0, 0xffffffffu, 0, &k, SEQ_MISORDERED);
	expect_slot(&t, 0, SLOT_NEVER_USED, 0);
	CHECK(slot_table_cached_bytes(&t) == 0, "fresh table caches nothing");
	run(&t, 0, 1, &k);
	expect_slot(&t, 0, SLOT_IDLE, 1);
	slot_table_free(&t);
}

static void test_new_advances(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	/* SES-13: 1, 2, 3 ... each new, the slot moves by exactly one. */
	for (uint32_t s = 1; s <= 100; s++) {
		run(&t, 3, s, &k);
		expect_slot(&t, 3, SLOT_IDLE, s);
	}
	expect_replay(&t, 3, 100, &k);
	slot_table_free(&t);
}

static void test_misordered_leaves_slot(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);
	size_t bytes;

	table(&t, NSLOTS);
	for (uint32_t s = 1; s <= 5; s++)
		run(&t, 2, s, &k);
	bytes = slot_table_cached_bytes(&t);
	/* SES-14, SES-15, SES-23: -1, +2, 0 and far away, then the slot is as it was. */
	EXPECT(&t, 2, 4, 2, &k, SEQ_MISORDERED);
	EXPECT(&t, 2, 7, 2, &k, SEQ_MISORDERED);
	EXPECT(&t, 2, 0, 2, &k, SEQ_MISORDERED);
	EXPECT(&t, 2, 0x80000005u, 2, &k, SEQ_MISORDERED);
	expect_slot(&t, 2, SLOT_IDLE, 5);
	CHECK(slot_table_cached_bytes(&t) == bytes, "misordered requests changed the cache");
	expect_replay(&t, 2, 5, &k);
	run(&t, 2, 6, &k);
	slot_table_free(&t);
}

static void test_wrap(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	/* SES-12: from 0xfffffffe through the wrap, with real replies. */
	CU_ASSERT_FATAL(slot_table_preset(&t, 1, 0xfffffffeu));
	run(&t, 1, 0xffffffffu, &k);
	expect_replay(&t, 1, 0xffffffffu, &k);
	EXPECT(&t, 1, 1, 1, &k, SEQ_MISORDERED);
	EXPECT(&t, 1, 0xfffffffeu, 1, &k, SEQ_MISORDERED);
	run(&t, 1, 0, &k);
	expect_replay(&t, 1, 0, &k);
	EXPECT(&t, 1, 0xffffffffu, 1, &k, SEQ_MISORDERED);
	run(&t, 1, 1, &k);
	expect_slot(&t, 1, SLOT_IDLE, 1);
	slot_table_free(&t);
}

static void test_preset_hook(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true), other = key_of(1001, false);

	table(&t, NSLOTS);
	/* Catalogue SES-12 vectors with the slot preset to 0xffffffff. The preset
	 * slot has no reply and no key: a retry is an uncached true retry. */
	CU_ASSERT_FATAL(slot_table_preset(&t, 4, 0xffffffffu));
	EXPECT(&t, 4, 0xffffffffu, 4, &k, SEQ_RETRY_UNCACHED);
	EXPECT(&t, 4, 0xffffffffu, 4, &other, SEQ_RETRY_UNCACHED);
	EXPECT(&t, 4, 1, 4, &k, SEQ_MISORDERED);
	EXPECT(&t, 4, 0xfffffffeu, 4, &k, SEQ_MISORDERED);
	run(&t, 4, 0, &k);
	/* Preset drops the cached reply and refuses out-of-range or busy slots. */
	CU_ASSERT_FATAL(slot_table_preset(&t, 4, 7));
	CHECK(slot_table_cached_bytes(&t) == 0, "preset kept %zu cached bytes",
	      slot_table_cached_bytes(&t));
	CHECK(!slot_table_preset(&t, NSLOTS, 1), "preset of slot N accepted");
	EXPECT(&t, 4, 8, 4, &k, SEQ_NEW);
	CHECK(!slot_table_preset(&t, 4, 1), "preset of a slot in progress accepted");
	slot_table_free(&t);
}

/* ---- BADSLOT ------------------------------------------------------------ */

static void test_badslot(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);
	static const uint32_t bad[] = {NSLOTS, NSLOTS + 1, 0x7fffffffu, 0xfffffffeu, 0xffffffffu};

	table(&t, NSLOTS);
	/* SES-10: 0 and N-1 accept seqid 1. */
	run(&t, 0, 1, &k);
	run(&t, NSLOTS - 1, 1, &k);
	/* SEQ-03: N and beyond, with any seqid, are BADSLOT and change nothing. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT(&t, bad[i], 1, bad[i], &k, SEQ_BADSLOT);
		EXPECT(&t, bad[i], 2, 0, &k, SEQ_BADSLOT);
		EXPECT(&t, bad[i], 0, 0, &k, SEQ_BADSLOT);
		CHECK(slot_table_finish(&t, bad[i], NULL, 0, false) == SLOT_FINISH_BAD_STATE,
		      "finish slot %#x", bad[i]);
		CHECK(!slot_table_abort(&t, bad[i]), "abort slot %#x", bad[i]);
	}
	expect_slot(&t, 0, SLOT_IDLE, 1);
	expect_slot(&t, NSLOTS - 1, SLOT_IDLE, 1);
	expect_replay(&t, NSLOTS - 1, 1, &k);
	slot_table_free(&t);
}

static void test_one_slot_table(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, 1);
	CHECK(slot_table_highest(&t) == 0 && slot_table_target(&t) == 0, "one slot: highest 0");
	run(&t, 0, 1, &k);
	EXPECT(&t, 1, 1, 0, &k, SEQ_BADSLOT);
	slot_table_free(&t);
}

static void test_init_bounds(void)
{
	struct slot_table t;

	CHECK(!slot_table_init(&t, 0, MAXC), "0 slots accepted");
	CHECK(t.slots == NULL && t.nslots == 0, "failed init left state");
	CHECK(!slot_table_init(&t, SLOT_TABLE_MAX_SLOTS + 1, MAXC), "too many slots accepted");
	CHECK(slot_table_init(&t, SLOT_TABLE_MAX_SLOTS, MAXC), "max slots refused");
	CHECK(slot_table_highest(&t) == SLOT_TABLE_MAX_SLOTS - 1, "highest of a max table");
	slot_table_free(&t);
	slot_table_free(&t); /* twice is safe */
	/* Hooks on a zeroed table do nothing. */
	slot_table_set_target(&t, 3);
	slot_table_force_highest(&t, 0);
	CHECK(!slot_table_preset(&t, 0, 1), "preset on an empty table");
}

/* ---- the reply cache ---------------------------------------------------- */

static void test_replay_identical(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);
	struct replay_key kp = key_of(1000, true);

	table(&t, NSLOTS);
	run(&t, 5, 1, &k);
	/* SES-25, SES-16: repeated retries return the same bytes; the slot stays put. */
	for (int i = 0; i < 3; i++)
		expect_replay(&t, 5, 1, &k);
	expect_slot(&t, 5, SLOT_IDLE, 1);
	/* SES-17: after thousands of requests on other slots, still cached. */
	for (uint32_t s = 1; s <= 3000; s++)
		run(&t, 6, s, &k);
	expect_replay(&t, 5, 1, &k);
	/* A true retry is the same request: gids in another order are the same user. */
	kp.cred.gids[0] = 200;
	kp.cred.gids[1] = 100;
	expect_replay(&t, 5, 1, &kp);
	/* The new request replaces the cache (SES-17: the reply lives until then). */
	run(&t, 5, 2, &k);
	EXPECT(&t, 5, 1, 5, &k, SEQ_MISORDERED);
	expect_replay(&t, 5, 2, &k);
	slot_table_free(&t);
}

static void test_uncached(void)
{
	struct slot_table t;
	struct replay_key nc = key_of(1000, false), c = key_of(1000, true);
	const uint8_t *got = (const uint8_t *)"x";
	size_t len = 99;

	table(&t, NSLOTS);
	/* SES-27: executed, not cached: a retry is RETRY_UNCACHED with no bytes. */
	run(&t, 0, 1, &nc);
	CHECK(slot_table_cached_bytes(&t) == 0, "uncached reply counted");
	CHECK(slot_table_begin(&t, 0, 1, 0, &nc, &got, &len) == SEQ_RETRY_UNCACHED,
	      "uncached retry");
	CHECK(got == NULL && len == 0, "uncached retry returned bytes");
	/* SES-26: cachethis F, T, F on 1, 2, 3 all advance; 2 is misordered after 3. */
	run(&t, 0, 2, &c);
	expect_replay(&t, 0, 2, &c);
	run(&t, 0, 3, &nc);
	CHECK(slot_table_cached_bytes(&t) == 0, "uncached request kept the old reply");
	EXPECT(&t, 0, 2, 0, &c, SEQ_MISORDERED);
	EXPECT(&t, 0, 3, 0, &nc, SEQ_RETRY_UNCACHED);
	slot_table_free(&t);
}

static void test_false_retry(void)
{
	struct slot_table t;
	struct replay_key orig = key_of(1000, true), k;
	static const uint32_t gids3[] = {100, 200, 300};
	size_t bytes;

	table(&t, NSLOTS);
	run(&t, 1, 1, &orig);
	bytes = slot_table_cached_bytes(&t);
	/* SES-32: a different user, by each part of the AUTH_SYS principal (s17). */
	k = orig, k.cred.uid = 1001;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.gid = 1001;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.flavor = 0;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.ngids = 1;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.ngids = 3;
	memcpy(k.cred.gids, gids3, sizeof(gids3));
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.gids[1] = 201;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cred.ngids = 0;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	/* SES-31 (profile s17): op count, opcode list, cachethis. */
	k = orig, k.nops = 4, k.opcodes = ops_getattr4;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.nops = 1, k.opcodes = ops_solo;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.opcodes = ops_lookup;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	k = orig, k.cachethis = false;
	EXPECT(&t, 1, 1, 1, &k, SEQ_FALSE_RETRY);
	/* Ignored: stamp and machine name are not in the key; gids past 16 cannot be. */
	k = orig, k.cred.gids[5] = 555;
	expect_replay(&t, 1, 1, &k);
	/* None of that touched the slot (SES-23). */
	CHECK(slot_table_cached_bytes(&t) == bytes, "false retries changed the cache");
	expect_replay(&t, 1, 1, &orig);
	run(&t, 1, 2, &orig);
	slot_table_free(&t);
}

static void test_false_retry_uncached(void)
{
	struct slot_table t;
	struct replay_key orig = key_of(1000, false), k = key_of(1001, false);

	table(&t, NSLOTS);
	/* The key is checked before the "not cached" answer: another user never
	 * learns that the slot executed (SES-32 before SES-27). */
	run(&t, 2, 1, &orig);
	EXPECT(&t, 2, 1, 2, &k, SEQ_FALSE_RETRY);
	EXPECT(&t, 2, 1, 2, &orig, SEQ_RETRY_UNCACHED);
	slot_table_free(&t);
}

static void test_gids_clamped(void)
{
	struct slot_table t;
	struct replay_key a = key_of(1000, true), b;

	/* authsys_parms.gids<16>: a decoder never yields more; if one did, the
	 * first 16 are the key and a count above 16 reads as 16. */
	for (uint32_t i = 0; i < SLOT_CRED_MAX_GIDS; i++)
		a.cred.gids[i] = 16 - i;
	a.cred.ngids = 40;
	b = a;
	b.cred.ngids = SLOT_CRED_MAX_GIDS;
	table(&t, NSLOTS);
	run(&t, 0, 1, &a);
	expect_replay(&t, 0, 1, &b);
	b.cred.gids[15] = 99;
	EXPECT(&t, 0, 1, 0, &b, SEQ_FALSE_RETRY);
	b = a, b.cred.ngids = 15;
	EXPECT(&t, 0, 1, 0, &b, SEQ_FALSE_RETRY);
	/* Duplicates count: {5, 5} is not {5, 6}. */
	a.cred.ngids = 2, a.cred.gids[0] = 5, a.cred.gids[1] = 5;
	b = a, b.cred.gids[1] = 6;
	run(&t, 1, 1, &a);
	EXPECT(&t, 1, 1, 1, &b, SEQ_FALSE_RETRY);
	expect_replay(&t, 1, 1, &a);
	slot_table_free(&t);
}

/* ---- in progress, finish, abort ----------------------------------------- */

static void test_delay_in_progress(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true), other = key_of(1001, true);
	struct slot_info info;
	uint8_t buf[128];
	size_t len;

	table(&t, NSLOTS);
	run(&t, 3, 1, &k);
	EXPECT(&t, 3, 2, 3, &k, SEQ_NEW);
	CHECK(slot_table_slot_info(&t, 3, &info) && info.state == SLOT_IN_PROGRESS &&
		      info.seqid == 1 && info.pending_seqid == 2,
	      "in progress: state %d seqid %u pending %u", info.state, info.seqid,
	      info.pending_seqid);
	/* SES-34 (profile s17): the same seqid again is DELAY, even from another user
	 * (nothing to compare against yet); others are misordered. Neither is cached. */
	EXPECT(&t, 3, 2, 3, &k, SEQ_DELAY);
	EXPECT(&t, 3, 2, 3, &other, SEQ_DELAY);
	EXPECT(&t, 3, 1, 3, &k, SEQ_MISORDERED);
	EXPECT(&t, 3, 3, 3, &k, SEQ_MISORDERED);
	EXPECT(&t, 3, 0, 3, &k, SEQ_MISORDERED);
	/* Other slots are unaffected. */
	run(&t, 4, 1, &k);
	/* The original's result is cached normally. */
	len = reply_for(3, 2, buf);
	CHECK(slot_table_finish(&t, 3, buf, len, true) == SLOT_FINISHED, "finish");
	expect_replay(&t, 3, 2, &k);
	CHECK(slot_table_finish(&t, 3, buf, len, true) == SLOT_FINISH_BAD_STATE,
	      "second finish accepted");
	slot_table_free(&t);
}

static void test_abort_restores(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true), lookup = key_of(1000, true);
	size_t bytes;

	table(&t, NSLOTS);
	/* SES-23: an aborted first request leaves a fresh slot fresh. */
	EXPECT(&t, 0, 1, 0, &k, SEQ_NEW);
	CHECK(slot_table_abort(&t, 0), "abort");
	expect_slot(&t, 0, SLOT_NEVER_USED, 0);
	EXPECT(&t, 0, 0, 0, &k, SEQ_MISORDERED);
	run(&t, 0, 1, &k);
	run(&t, 0, 2, &k);
	bytes = slot_table_cached_bytes(&t);
	/* A new request with other ops starts and aborts: the old reply and key stay. */
	lookup.opcodes = ops_lookup;
	EXPECT(&t, 0, 3, 0, &lookup, SEQ_NEW);
	CHECK(slot_table_abort(&t, 0), "abort");
	CHECK(!slot_table_abort(&t, 0), "second abort accepted");
	expect_slot(&t, 0, SLOT_IDLE, 2);
	CHECK(slot_table_cached_bytes(&t) == bytes, "abort changed the cache");
	expect_replay(&t, 0, 2, &k);
	EXPECT(&t, 0, 2, 0, &lookup, SEQ_FALSE_RETRY);
	run(&t, 0, 3, &lookup);
	CHECK(!slot_table_abort(&t, 0), "abort of an idle slot accepted");
	slot_table_free(&t);
}

static void test_finish_limits(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);
	uint8_t *big = calloc(1, MAXC + 1);
	const uint8_t *got;
	size_t len;

	CU_ASSERT_FATAL(big != NULL);
	table(&t, NSLOTS);
	/* CMP-15: the helper's boundary is ca_maxresponsesize_cached itself. */
	CHECK(slot_table_fits_cache(&t, 0) && slot_table_fits_cache(&t, MAXC), "fits at MAXC");
	CHECK(!slot_table_fits_cache(&t, MAXC + 1), "fits at MAXC + 1");
	CHECK(!slot_table_fits_cache(&t, (size_t)-1), "fits at SIZE_MAX");
	/* Too big with cachethis: refused, slot still in progress. */
	EXPECT(&t, 0, 1, 0, &k, SEQ_NEW);
	CHECK(slot_table_finish(&t, 0, big, MAXC + 1, true) == SLOT_FINISH_TOO_BIG, "too big");
	expect_slot(&t, 0, SLOT_IN_PROGRESS, 0);
	/* Exactly MAXC is cached. */
	big[MAXC - 1] = 0xa5;
	CHECK(slot_table_finish(&t, 0, big, MAXC, true) == SLOT_FINISHED, "MAXC bytes");
	CHECK(slot_table_cached_bytes(&t) == MAXC, "cached %zu", slot_table_cached_bytes(&t));
	CHECK(slot_table_begin(&t, 0, 1, 0, &k, &got, &len) == SEQ_REPLAY && len == MAXC &&
		      got[MAXC - 1] == 0xa5,
	      "MAXC replay");
	/* Without cachethis the size does not matter: nothing is stored. */
	k.cachethis = false;
	EXPECT(&t, 0, 2, 0, &k, SEQ_NEW);
	CHECK(slot_table_finish(&t, 0, big, MAXC + 1, false) == SLOT_FINISHED, "uncached big");
	CHECK(slot_table_cached_bytes(&t) == 0, "uncached big counted");
	/* A zero-length cached reply replays as zero bytes. */
	k.cachethis = true;
	EXPECT(&t, 0, 3, 0, &k, SEQ_NEW);
	CHECK(slot_table_finish(&t, 0, NULL, 0, true) == SLOT_FINISHED, "empty reply");
	CHECK(slot_table_begin(&t, 0, 3, 0, &k, &got, &len) == SEQ_REPLAY && len == 0,
	      "empty replay");
	slot_table_free(&t);
	free(big);
}

/* ---- accounting and independence ---------------------------------------- */

static void test_byte_accounting(void)
{
	struct slot_table t;
	struct replay_key c = key_of(1000, true), nc = key_of(1000, false);
	uint8_t buf[128];
	size_t want = 0;

	table(&t, NSLOTS);
	for (uint32_t s = 0; s < NSLOTS; s++) {
		run(&t, s, 1, &c);
		want += reply_for(s, 1, buf);
	}
	CHECK(slot_table_cached_bytes(&t) == want, "cached %zu, expected %zu",
	      slot_table_cached_bytes(&t), want);
	/* Replacing a reply swaps its length; an uncached reply frees it. */
	run(&t, 2, 2, &c);
	want = want - reply_for(2, 1, buf) + reply_for(2, 2, buf);
	CHECK(slot_table_cached_bytes(&t) == want, "after replace: %zu, expected %zu",
	      slot_table_cached_bytes(&t), want);
	run(&t, 3, 2, &nc);
	want -= reply_for(3, 1, buf);
	CHECK(slot_table_cached_bytes(&t) == want, "after uncached: %zu, expected %zu",
	      slot_table_cached_bytes(&t), want);
	/* In progress keeps the old reply counted (an abort must give it back). */
	EXPECT(&t, 4, 2, 4, &c, SEQ_NEW);
	CHECK(slot_table_cached_bytes(&t) == want, "in progress: %zu", slot_table_cached_bytes(&t));
	slot_table_abort(&t, 4);
	/* Retirement frees the retired slots' replies. */
	slot_table_set_target(&t, 3);
	EXPECT(&t, 0, 2, 3, &c, SEQ_NEW);
	for (uint32_t s = 4; s < NSLOTS; s++)
		want -= reply_for(s, 1, buf);
	CHECK(slot_table_cached_bytes(&t) == want, "after retirement: %zu, expected %zu",
	      slot_table_cached_bytes(&t), want);
	slot_table_free(&t);
	CHECK(slot_table_cached_bytes(&t) == 0, "after free");
}

static void test_slots_independent(void)
{
	struct slot_table t;
	struct replay_key k[NSLOTS];

	table(&t, NSLOTS);
	/* Slot s runs s+1 requests as user 1000+s; every slot keeps its own state. */
	for (uint32_t s = 0; s < NSLOTS; s++)
		k[s] = key_of(1000 + s, s % 2 == 0);
	for (uint32_t round = 1; round <= NSLOTS; round++)
		for (uint32_t s = round - 1; s < NSLOTS; s++)
			run(&t, s, round, &k[s]);
	for (uint32_t s = 0; s < NSLOTS; s++) {
		uint32_t last = s + 1; /* round r starts at slot r-1: slot s saw 1..s+1 */

		expect_slot(&t, s, SLOT_IDLE, last);
		if (k[s].cachethis)
			expect_replay(&t, s, last, &k[s]);
		else
			EXPECT(&t, s, last, s, &k[s], SEQ_RETRY_UNCACHED);
		EXPECT(&t, s, last, s, &k[(s + 1) % NSLOTS], SEQ_FALSE_RETRY);
		EXPECT(&t, s, last + 2, s, &k[s], SEQ_MISORDERED);
	}
	/* One slot in progress blocks only itself. */
	EXPECT(&t, 0, 2, 0, &k[0], SEQ_NEW);
	for (uint32_t s = 1; s < NSLOTS; s++)
		run(&t, s, s + 2, &k[s]);
	EXPECT(&t, 0, 2, 0, &k[0], SEQ_DELAY);
	slot_table_free(&t);
}

/* ---- highest and target ------------------------------------------------- */

static void test_target_not_retroactive(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	CHECK(slot_table_highest(&t) == NSLOTS - 1 && slot_table_target(&t) == NSLOTS - 1,
	      "initial highest %u target %u", slot_table_highest(&t), slot_table_target(&t));
	run(&t, 6, 1, &k);
	slot_table_set_target(&t, 3);
	CHECK(slot_table_target(&t) == 3 && slot_table_highest(&t) == NSLOTS - 1,
	      "after target 3: highest %u target %u", slot_table_highest(&t),
	      slot_table_target(&t));
	/* SES-18: the client has not seen the cut (sa_highest_slotid 7): all still served. */
	CHECK(begin(&t, 7, 1, 7, &k) == SEQ_NEW, "slot 7 new above target");
	slot_table_finish(&t, 7, NULL, 0, false);
	expect_replay(&t, 6, 1, &k);
	run(&t, 6, 2, &k);
	CHECK(slot_table_highest(&t) == NSLOTS - 1, "highest moved before the client saw the cut");
	/* A retry does not count as the client's acknowledgement. */
	CHECK(begin(&t, 0, 0, 0, &k) == SEQ_MISORDERED, "fresh slot 0 seqid 0");
	CHECK(slot_table_highest(&t) == NSLOTS - 1, "a failed request retired slots");
	slot_table_free(&t);
}

static void test_retire_on_acknowledgement(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	for (uint32_t s = 0; s < NSLOTS; s++)
		run(&t, s, 1, &k);
	slot_table_set_target(&t, 3);
	/* Slot 5 is executing when the client acknowledges: it survives. */
	EXPECT(&t, 5, 2, 5, &k, SEQ_NEW);
	/* SES-21: a new request with sa_highest_slotid <= target retires 4..7 ... */
	EXPECT(&t, 1, 2, 3, &k, SEQ_NEW);
	CHECK(slot_table_highest(&t) == 5, "highest %u, expected 5 (slot 5 busy)",
	      slot_table_highest(&t));
	/* ... SES-20: retired slots answer BADSLOT for new requests and replays alike;
	 * slot 4, below the busy slot, stays live and intact. */
	EXPECT(&t, 7, 1, 3, &k, SEQ_BADSLOT);
	EXPECT(&t, 6, 2, 3, &k, SEQ_BADSLOT);
	expect_slot(&t, 7, SLOT_NEVER_USED, 0);
	expect_slot(&t, 6, SLOT_NEVER_USED, 0);
	expect_replay(&t, 4, 1, &k);
	/* The busy slot finishes and its reply is served until the next acknowledgement. */
	slot_table_finish(&t, 5, NULL, 0, true);
	slot_table_finish(&t, 1, NULL, 0, true);
	EXPECT(&t, 5, 2, 5, &k, SEQ_REPLAY);
	EXPECT(&t, 2, 2, 3, &k, SEQ_NEW);
	slot_table_finish(&t, 2, NULL, 0, true);
	CHECK(slot_table_highest(&t) == 3, "highest %u, expected 3", slot_table_highest(&t));
	EXPECT(&t, 5, 2, 3, &k, SEQ_BADSLOT);
	EXPECT(&t, 4, 1, 3, &k, SEQ_BADSLOT);
	EXPECT(&t, 4, 2, 3, &k, SEQ_BADSLOT);
	/* Growing again: re-grown slots are fresh (catalogue s15 item 13). */
	slot_table_set_target(&t, 100);
	CHECK(slot_table_target(&t) == NSLOTS - 1 && slot_table_highest(&t) == NSLOTS - 1,
	      "regrow: highest %u target %u", slot_table_highest(&t), slot_table_target(&t));
	EXPECT(&t, 5, 2, 7, &k, SEQ_MISORDERED);
	EXPECT(&t, 5, 0, 7, &k, SEQ_MISORDERED);
	run(&t, 5, 1, &k);
	/* Slots at or below the cut kept everything. */
	expect_replay(&t, 0, 1, &k);
	expect_slot(&t, 3, SLOT_IDLE, 1);
	slot_table_free(&t);
}

static void test_aborted_acknowledgement(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	run(&t, 0, 1, &k);
	run(&t, 6, 1, &k);
	slot_table_set_target(&t, 2);
	/* The acknowledgement retires slots even if SEQUENCE then fails: the client
	 * said it has nothing outstanding above 2. Its own slot is untouched. */
	EXPECT(&t, 0, 2, 2, &k, SEQ_NEW);
	slot_table_abort(&t, 0);
	expect_slot(&t, 0, SLOT_IDLE, 1);
	expect_replay(&t, 0, 1, &k);
	CHECK(slot_table_highest(&t) == 2, "highest %u", slot_table_highest(&t));
	EXPECT(&t, 6, 1, 2, &k, SEQ_BADSLOT);
	slot_table_free(&t);
}

static void test_forced_cut(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	for (uint32_t s = 0; s < NSLOTS; s++)
		run(&t, s, 1, &k);
	/* SES-19: enforced highest 3 at once; target follows. */
	slot_table_force_highest(&t, 3);
	CHECK(slot_table_highest(&t) == 3 && slot_table_target(&t) == 3,
	      "forced: highest %u target %u", slot_table_highest(&t), slot_table_target(&t));
	/* New requests claiming slots above the cut: BAD_HIGH_SLOT, slot untouched. */
	EXPECT(&t, 6, 2, 6, &k, SEQ_BAD_HIGH_SLOT);
	EXPECT(&t, 1, 2, 7, &k, SEQ_BAD_HIGH_SLOT);
	EXPECT(&t, 6, 2, 3, &k, SEQ_BAD_HIGH_SLOT); /* SEQ-20: sa_highest below sa_slotid */
	expect_slot(&t, 6, SLOT_IDLE, 1);
	expect_slot(&t, 1, SLOT_IDLE, 1);
	/* Retries above the cut are exempt; misordered is still misordered. */
	expect_replay(&t, 6, 1, &k);
	EXPECT(&t, 6, 5, 6, &k, SEQ_MISORDERED);
	/* SES-21: the client acknowledges; 4..7 retire together with BADSLOT (SES-20). */
	run(&t, 1, 2, &k);
	EXPECT(&t, 6, 1, 3, &k, SEQ_BADSLOT);
	EXPECT(&t, 4, 2, 3, &k, SEQ_BADSLOT);
	CHECK(slot_table_highest(&t) == 3, "highest %u", slot_table_highest(&t));
	/* Force can only lower within the live slots; clamping. */
	slot_table_force_highest(&t, 100);
	CHECK(slot_table_highest(&t) == 3, "force above live: highest %u",
	      slot_table_highest(&t));
	/* Raising the target lifts a cut. */
	slot_table_force_highest(&t, 1);
	EXPECT(&t, 2, 2, 2, &k, SEQ_BAD_HIGH_SLOT);
	slot_table_set_target(&t, 2);
	CHECK(slot_table_highest(&t) == 2, "lifted to %u", slot_table_highest(&t));
	EXPECT(&t, 2, 2, 2, &k, SEQ_NEW);
	slot_table_abort(&t, 2);
	slot_table_free(&t);
}

static void test_forced_cut_ack_at_enforced(void)
{
	struct slot_table t;
	struct replay_key k = key_of(1000, true);

	table(&t, NSLOTS);
	run(&t, 5, 1, &k);
	slot_table_force_highest(&t, 4);
	slot_table_set_target(&t, 2);
	/* sa_highest 4: within the enforced cut but above the target: retire 5..7 only. */
	run(&t, 4, 1, &k);
	CHECK(slot_table_highest(&t) == 4 && slot_table_target(&t) == 2,
	      "highest %u target %u", slot_table_highest(&t), slot_table_target(&t));
	EXPECT(&t, 5, 1, 4, &k, SEQ_BADSLOT);
	EXPECT(&t, 3, 1, 4, &k, SEQ_NEW);
	slot_table_abort(&t, 3);
	slot_table_free(&t);
}

/* ---- a random walk against a model -------------------------------------- */

struct model_slot {
	uint32_t seqid;
	bool used, busy, cached, keyed;
	uint32_t uid;          /* key of the request at seqid: uid and cachethis */
	bool cachethis;
	uint32_t pending, pending_uid;
	bool pending_cachethis;
};

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static enum seq_outcome model_begin(const struct model_slot *m, uint32_t seqid, uint32_t uid,
				    bool cachethis)
{
	if (m->busy)
		return seqid == m->pending ? SEQ_DELAY : SEQ_MISORDERED;
	if (seqid == m->seqid + 1u)
		return SEQ_NEW;
	if (seqid != m->seqid || !m->used)
		return SEQ_MISORDERED;
	if (m->keyed && (uid != m->uid || cachethis != m->cachethis))
		return SEQ_FALSE_RETRY;
	return m->cached ? SEQ_REPLAY : SEQ_RETRY_UNCACHED;
}

/* End slot's request: abort one time in four, else finish, cached or not at random. */
static void model_end(struct slot_table *t, struct model_slot *m, uint32_t slot, uint32_t r)
{
	bool cache = (r >> 24) % 2 == 0;

	m->busy = false;
	if ((r >> 22) % 4 == 0) {
		CHECK(slot_table_abort(t, slot), "abort slot %u", slot);
		return;
	}
	CHECK(slot_table_finish(t, slot, (const uint8_t *)&r, sizeof(r), cache) == SLOT_FINISHED,
	      "finish slot %u", slot);
	m->seqid = m->pending, m->used = true, m->keyed = true, m->cached = cache;
	m->uid = m->pending_uid, m->cachethis = m->pending_cachethis;
}

static void test_random_walk(void)
{
	struct slot_table t;
	struct model_slot m[4] = {{0}};
	uint32_t rng = 0x2545f491u;
	unsigned bad = 0;

	table(&t, 4);
	slot_table_preset(&t, 3, 0xfffffffcu);
	m[3].seqid = 0xfffffffcu, m[3].used = true;
	for (unsigned i = 0; i < 200000 && bad < 5; i++) {
		uint32_t r = xorshift(&rng), slot = r % 4, uid = 1000 + (r >> 8) % 2;
		uint32_t seqid = (m[slot].busy ? m[slot].pending : m[slot].seqid) + (r >> 12) % 4 - 1;
		struct replay_key k = key_of(uid, (r >> 16) % 3 != 0);
		enum seq_outcome want = model_begin(&m[slot], seqid, uid, k.cachethis), got;

		got = begin(&t, slot, seqid, 3, &k);
		if (!CHECK(got == want, "step %u slot %u seqid %#x: expected %s, got %s", i, slot,
			   seqid, seq_outcome_name(want), seq_outcome_name(got)))
			bad++;
		if (got == SEQ_NEW) {
			m[slot].busy = true, m[slot].pending = seqid;
			m[slot].pending_uid = uid, m[slot].pending_cachethis = k.cachethis;
		}
		if (m[slot].busy && (r >> 20) % 3 == 0)
			model_end(&t, &m[slot], slot, r);
	}
	/* The walk must have crossed the wrap on slot 3 (preset near 2^32). */
	CHECK(m[3].seqid < 0x80000000u, "slot 3 did not wrap: %#x", m[3].seqid);
	slot_table_free(&t);
}

void tests_register(void)
{
	static const struct test_entry verdict[] = {
		{"vectors, wrap and fresh slots", test_verdict_vectors},
		{"one NEW and one REPLAY per window around 2^32", test_verdict_window},
		{NULL, NULL},
	};
	static const struct test_entry seqids[] = {
		{"fresh slot: 0, 2, 0xffffffff misordered, 1 new", test_fresh_slot},
		{"new requests advance by one", test_new_advances},
		{"-1, +2 misordered and leave the slot", test_misordered_leaves_slot},
		{"wrap 0xfffffffe -> 0xffffffff -> 0 -> 1", test_wrap},
		{"preset hook (SES-12 vectors)", test_preset_hook},
		{"BADSLOT at N .. 2^32-1", test_badslot},
		{"a one-slot table", test_one_slot_table},
		{"init bounds, double free, empty table", test_init_bounds},
		{NULL, NULL},
	};
	static const struct test_entry cache[] = {
		{"replay is byte-identical and lasts", test_replay_identical},
		{"uncached replies: RETRY_UNCACHED, slot advances", test_uncached},
		{"false retry by credential, ops, cachethis", test_false_retry},
		{"false retry checked before uncached", test_false_retry_uncached},
		{"gids: a multiset of at most 16", test_gids_clamped},
		{"DELAY while in progress", test_delay_in_progress},
		{"abort restores the slot", test_abort_restores},
		{"ca_maxresponsesize_cached boundary", test_finish_limits},
		{"byte accounting", test_byte_accounting},
		{"every slot independent", test_slots_independent},
		{NULL, NULL},
	};
	static const struct test_entry slots[] = {
		{"target reduction is not retroactive", test_target_not_retroactive},
		{"retire on acknowledgement, busy slot kept, regrow fresh",
		 test_retire_on_acknowledgement},
		{"acknowledgement in an aborted SEQUENCE", test_aborted_acknowledgement},
		{"forced cut: BAD_HIGH_SLOT, retries exempt", test_forced_cut},
		{"forced cut acknowledged at the enforced value", test_forced_cut_ack_at_enforced},
		{NULL, NULL},
	};
	static const struct test_entry walk[] = {
		{"200000 random steps against a model", test_random_walk},
		{NULL, NULL},
	};

	tests_add_suite("slot_check_seqid", verdict);
	tests_add_suite("slot table seqids", seqids);
	tests_add_suite("reply cache", cache);
	tests_add_suite("highest and target slot", slots);
	tests_add_suite("model", walk);
}
