/* test_recmark.c - record marking: captured streams re-fragmented and fed in every chunking, zero-length fragments, the record limit, the encoder's size contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_records.h"
#include "test_main.h"
#include "wire.h"

/* The limit the capture loader uses; the reader has no built-in default. */
#define LIMIT (4u << 20)

/* ---- helpers ------------------------------------------------------------ */

/* Fragments rm_encode() makes for len bytes at frag_size (0: one fragment). */
static size_t fragments_of(size_t len, size_t frag_size)
{
	if (frag_size == 0 || len == 0)
		return 1;
	return (len + frag_size - 1) / frag_size;
}

/* Chunk sizes: a fixed size, or pseudo-random 1..700 from a fixed seed. */
struct chunker {
	size_t fixed;
	uint32_t state;
};

static size_t next_chunk(struct chunker *c)
{
	if (c->fixed)
		return c->fixed;
	c->state ^= c->state << 13; /* xorshift32 */
	c->state ^= c->state >> 17;
	c->state ^= c->state << 5;
	return 1 + c->state % 700;
}

/* What the reader yielded from one stream. */
struct yield {
	const struct capture_record *const *want; /* expected records, in order */
	size_t nwant, got, bad;
	size_t frag_size;
	int error;
};

static void take_record(struct yield *y, const struct rm_reader *r)
{
	size_t len;
	const uint8_t *rec = rm_record(r, &len);
	const struct capture_record *w = y->got < y->nwant ? y->want[y->got] : NULL;

	if (!w || len != w->len || (len && memcmp(rec, w->data, len) != 0) ||
	    r->fragments != fragments_of(len, y->frag_size))
		y->bad++;
	y->got++;
}

/* Feed one chunk (an exact-size heap copy, so ASan sees overreads) until it is used up. */
static void feed_chunk(struct rm_reader *r, const uint8_t *chunk, size_t n, struct yield *y)
{
	uint8_t *copy = test_exact_copy(chunk, n);
	size_t off = 0;

	while (off < n && !y->error) {
		size_t used = SIZE_MAX;
		enum rm_result res = rm_reader_feed(r, copy + off, n - off, &used);
		if (res == RM_ERROR || used > n - off ||
		    (res == RM_NEED_MORE && used != n - off) || (res == RM_RECORD && used == 0)) {
			y->error = 1;
			break;
		}
		off += used;
		if (res == RM_RECORD)
			take_record(y, r);
	}
	free(copy);
}

/* Feed a whole stream in chunks; the reader must end idle with every record seen. */
static void feed_stream(const uint8_t *s, size_t n, struct chunker ch, struct yield *y)
{
	struct rm_reader r;

	rm_reader_init(&r, LIMIT);
	for (size_t pos = 0; pos < n && !y->error;) {
		size_t k = next_chunk(&ch);
		if (k > n - pos)
			k = n - pos;
		feed_chunk(&r, s + pos, k, y);
		pos += k;
	}
	if (!rm_reader_idle(&r))
		y->error = 1;
	rm_reader_free(&r);
}

/* ---- captured streams, re-fragmented and re-chunked ----------------------- */

/* One direction of one TCP connection: its records in capture order. */
struct direction {
	unsigned stream;
	uint16_t src_port;
	const struct capture_record **recs;
	size_t n;
};

static size_t directions_of(const struct capture *c, struct direction *dirs, size_t max)
{
	size_t nd = 0;

	for (size_t i = 0; i < c->count; i++) {
		const struct capture_record *r = &c->records[i];
		size_t k = 0;
		while (k < nd && (dirs[k].stream != r->stream || dirs[k].src_port != r->src_port))
			k++;
		if (k == nd) {
			if (nd == max)
				abort();
			dirs[nd++] = (struct direction){r->stream, r->src_port,
							calloc(c->count, sizeof(const struct capture_record *)), 0};
			if (!dirs[nd - 1].recs)
				abort();
		}
		dirs[k].recs[dirs[k].n++] = r;
	}
	return nd;
}

/* The direction's records, each encoded in fragments of frag_size, back to back. */
static uint8_t *encode_stream(const struct direction *d, size_t frag_size, size_t *len)
{
	size_t total = 0, off = 0;
	uint8_t *s;

	for (size_t i = 0; i < d->n; i++)
		total += rm_encoded_size(d->recs[i]->len, frag_size);
	s = malloc(total ? total : 1); /* total >= 4 per record; chunks get exact copies */
	if (!s)
		abort();
	for (size_t i = 0; i < d->n; i++)
		off += rm_encode(d->recs[i]->data, d->recs[i]->len, frag_size, s + off, total - off);
	CU_ASSERT_EQUAL(off, total);
	*len = total;
	return s;
}

static const size_t frag_sizes[] = {0, 1, 3, 4, 7, 100};
static const size_t chunk_sizes[] = {1, 2, 3, 5, 4096, 0 /* random */};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every direction x fragment size x chunking yields exactly the captured records. */
static void refragment_capture(const char *name, size_t want_records)
{
	char path[1024], err[256];
	struct direction dirs[16];
	size_t nd, yielded = 0, bad = 0, errors = 0;
	struct capture c;

	snprintf(path, sizeof(path), "%s/%s", capture_dir(), name);
	if (capture_load(path, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n    %s: %s\n", path, err);
		CU_FAIL("capture not loaded");
		return;
	}
	CU_ASSERT_EQUAL(c.count, want_records);
	nd = directions_of(&c, dirs, COUNT(dirs));
	for (size_t k = 0; k < nd; k++) {
		for (size_t f = 0; f < COUNT(frag_sizes); f++) {
			size_t len;
			uint8_t *s = encode_stream(&dirs[k], frag_sizes[f], &len);
			for (size_t ci = 0; ci < COUNT(chunk_sizes); ci++) {
				struct chunker ch = {chunk_sizes[ci], 0x9e3779b9u};
				struct yield y = {dirs[k].recs, dirs[k].n, 0, 0, frag_sizes[f], 0};
				feed_stream(s, len, ch, &y);
				yielded += y.got;
				bad += y.bad + (y.got != y.nwant);
				errors += (size_t)y.error;
			}
			free(s);
		}
		free(dirs[k].recs);
	}
	CU_ASSERT(nd >= 2);
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(yielded, want_records * COUNT(frag_sizes) * COUNT(chunk_sizes));
	capture_free(&c);
}

static void test_lifecycle_streams(void)
{
	refragment_capture("ganesha-session-lifecycle.pcap", 24);
}

static void test_pynfs_streams(void)
{
	refragment_capture("ganesha-pynfs-session-errors.pcap", 294);
}

/* The largest captured record in 1-byte fragments, fed whole and one byte at a time. */
static void test_one_byte_fragments(void)
{
	char path[1024], err[256];
	const struct capture_record *big = NULL;
	struct capture c;

	snprintf(path, sizeof(path), "%s/ganesha-pynfs-session-errors.pcap", capture_dir());
	CU_ASSERT_EQUAL_FATAL(capture_load(path, &c, err, sizeof(err)), 0);
	for (size_t i = 0; i < c.count; i++)
		if (!big || c.records[i].len > big->len)
			big = &c.records[i];
	if (!big || big->len <= 100) {
		CU_FAIL("no record over 100 bytes");
		capture_free(&c);
		return;
	}
	for (size_t chunk = 1; chunk <= 4096; chunk += 4095) {
		const struct capture_record *want[] = {big};
		struct direction d = {0, 0, want, 1};
		struct yield y = {want, 1, 0, 0, 1, 0};
		struct chunker ch = {chunk, 0};
		size_t len;
		uint8_t *s = encode_stream(&d, 1, &len);

		CU_ASSERT_EQUAL(len, 5 * big->len);
		feed_stream(s, len, ch, &y);
		CU_ASSERT_EQUAL(y.error, 0);
		CU_ASSERT_EQUAL(y.got, 1);
		CU_ASSERT_EQUAL(y.bad, 0);
		free(s);
	}
	capture_free(&c);
}

/* ---- hand-made streams ----------------------------------------------------- */

/* Feed all of s at once (or byte by byte); collect the records' bytes and lengths. */
struct collected {
	uint8_t bytes[256];
	size_t lens[8];
	unsigned frags[8];
	size_t n, total;
	enum rm_result last;
};

static void collect(struct rm_reader *r, const uint8_t *s, size_t n, size_t chunk,
		    struct collected *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t pos = 0; pos < n;) {
		size_t used, k = chunk && chunk < n - pos ? chunk : n - pos;
		uint8_t *copy = test_exact_copy(s + pos, k);

		out->last = rm_reader_feed(r, copy, k, &used);
		free(copy);
		pos += used;
		if (out->last == RM_ERROR)
			return;
		if (out->last == RM_RECORD && out->n < 8) {
			size_t len;
			const uint8_t *rec = rm_record(r, &len);
			if (len)
				memcpy(out->bytes + out->total, rec, len);
			out->frags[out->n] = r->fragments;
			out->lens[out->n++] = len;
			out->total += len;
		}
	}
}

static void test_zero_length_fragments(void)
{
	/* [last, 0] : one empty record */
	static const uint8_t alone[] = {0x80, 0, 0, 0};
	/* [3 "abc"] [0] [last, 2 "de"] : "abcde" in 3 fragments */
	static const uint8_t between[] = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0,
					  0x80, 0, 0, 2, 'd', 'e'};
	/* [0] [last, 0] [last, 0] : two empty records, the first in 2 fragments */
	static const uint8_t empties[] = {0, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0};

	for (size_t chunk = 0; chunk <= 1; chunk++) {
		struct rm_reader r;
		struct collected got;

		rm_reader_init(&r, 16);
		collect(&r, alone, sizeof(alone), chunk, &got);
		CU_ASSERT_EQUAL(got.n, 1);
		CU_ASSERT_EQUAL(got.lens[0], 0);
		CU_ASSERT_EQUAL(got.frags[0], 1);
		CU_ASSERT_TRUE(rm_reader_idle(&r));
		collect(&r, between, sizeof(between), chunk, &got);
		CU_ASSERT_EQUAL(got.n, 1);
		CU_ASSERT_EQUAL(got.lens[0], 5);
		CU_ASSERT_EQUAL(got.frags[0], 3);
		CU_ASSERT_NSTRING_EQUAL(got.bytes, "abcde", 5);
		collect(&r, empties, sizeof(empties), chunk, &got);
		CU_ASSERT_EQUAL(got.n, 2);
		CU_ASSERT_EQUAL(got.lens[0] + got.lens[1], 0);
		CU_ASSERT_EQUAL(got.frags[0], 2);
		CU_ASSERT_EQUAL(got.frags[1], 1);
		CU_ASSERT_EQUAL(r.stream_pos, sizeof(alone) + sizeof(between) + sizeof(empties));
		rm_reader_free(&r);
	}
}

static void test_many_empty_fragments(void)
{
	/* 1000 x [0], then [last, 1 "x"]: a 1-byte record in 1001 fragments, bounded memory */
	uint8_t *s = calloc(1000 * 4 + 5, 1);
	struct rm_reader r;
	struct collected got;

	if (!s)
		abort();
	memcpy(s + 4000, (const uint8_t[]){0x80, 0, 0, 1, 'x'}, 5);
	rm_reader_init(&r, 1);
	collect(&r, s, 4005, 0, &got);
	CU_ASSERT_EQUAL(got.n, 1);
	CU_ASSERT_EQUAL(got.frags[0], 1001);
	CU_ASSERT_EQUAL(got.bytes[0], 'x');
	CU_ASSERT(r.cap <= 1);
	rm_reader_free(&r);
	free(s);
}

static void test_last_fragment_bit(void)
{
	/* [2 "ab"] [2 "cd"]: no last bit, so no record however many bytes arrive */
	static const uint8_t open[] = {0, 0, 0, 2, 'a', 'b', 0, 0, 0, 2, 'c', 'd'};
	/* [last, 1 "e"] */
	static const uint8_t close[] = {0x80, 0, 0, 1, 'e'};
	struct rm_reader r;
	struct collected got;

	rm_reader_init(&r, 16);
	collect(&r, open, sizeof(open), 0, &got);
	CU_ASSERT_EQUAL(got.n, 0);
	CU_ASSERT_EQUAL(got.last, RM_NEED_MORE);
	CU_ASSERT_FALSE(rm_reader_idle(&r));
	collect(&r, close, sizeof(close), 0, &got);
	CU_ASSERT_EQUAL(got.n, 1);
	CU_ASSERT_EQUAL(got.lens[0], 5);
	CU_ASSERT_EQUAL(got.frags[0], 3);
	CU_ASSERT_NSTRING_EQUAL(got.bytes, "abcde", 5);
	rm_reader_free(&r);
}

/* ---- the record limit -------------------------------------------------------- */

static void test_limit_single_fragment(void)
{
	/* [last, 0] [last, 0] at 0 and 4, then [last, 17] at stream offset 8 with 17 bytes */
	uint8_t s[12 + 17] = {0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 17};

	for (size_t chunk = 0; chunk <= 1; chunk++) {
		struct rm_reader r;
		struct collected got;

		rm_reader_init(&r, 16);
		collect(&r, s, sizeof(s), chunk, &got);
		CU_ASSERT_EQUAL(got.n, 2);
		CU_ASSERT_EQUAL(got.last, RM_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "stream offset 8:"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "16-byte limit"));
		CU_ASSERT_EQUAL(r.stream_pos, 12); /* stopped right after the bad header */
		CU_ASSERT_EQUAL(r.cap, 0);         /* nothing allocated */
		CU_ASSERT_PTR_NULL(r.buf);
		rm_reader_free(&r);
	}
}

static void test_limit_at_boundary(void)
{
	/* [last, 16] + 16 bytes: exactly the limit */
	uint8_t s[4 + 16] = {0x80, 0, 0, 16};
	struct rm_reader r;
	struct collected got;

	rm_reader_init(&r, 16);
	collect(&r, s, sizeof(s), 0, &got);
	CU_ASSERT_EQUAL(got.n, 1);
	CU_ASSERT_EQUAL(got.lens[0], 16);
	CU_ASSERT(r.cap <= 16);
	rm_reader_free(&r);
}

static void test_limit_fragment_sum(void)
{
	/* [10] + 10 bytes (0), [6] + 6 bytes (14): 16 so far, at the limit;
	 * [last, 1] at stream offset 24 makes 17 */
	uint8_t s[14 + 10 + 5] = {0, 0, 0, 10};

	s[14] = 0, s[17] = 6;
	s[24] = 0x80, s[27] = 1;
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		struct rm_reader r;
		struct collected got;

		rm_reader_init(&r, 16);
		collect(&r, s, sizeof(s), chunk, &got);
		CU_ASSERT_EQUAL(got.n, 0);
		CU_ASSERT_EQUAL(got.last, RM_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "stream offset 24:"));
		CU_ASSERT_EQUAL(r.len, 16);
		CU_ASSERT(r.cap <= 16); /* never grown past the limit */
		rm_reader_free(&r);
	}
}

static void test_huge_fragment(void)
{
	/* [last, 0x7fffffff] and [0x7fffffff] (not last), each with 4 bytes after */
	static const uint8_t last[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4};
	static const uint8_t more[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4};
	const uint8_t *streams[] = {last, more};

	for (size_t i = 0; i < 2; i++) {
		struct rm_reader r;
		struct collected got;

		rm_reader_init(&r, LIMIT);
		collect(&r, streams[i], 8, 0, &got);
		CU_ASSERT_EQUAL(got.last, RM_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "stream offset 0:"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "2147483647"));
		CU_ASSERT_EQUAL(r.cap, 0);
		rm_reader_free(&r);
	}
}

static void test_dead_after_error(void)
{
	/* [last, 17] over a 16-byte limit, then bytes that must not be taken as payload */
	static const uint8_t bad[] = {0x80, 0, 0, 17};
	static const uint8_t after[] = {'a', 'b', 'c', 'd', 0x80, 0, 0, 0};
	struct rm_reader r;
	size_t used = 99;
	char first[sizeof(r.error)];

	rm_reader_init(&r, 16);
	CU_ASSERT_EQUAL(rm_reader_feed(&r, bad, sizeof(bad), &used), RM_ERROR);
	memcpy(first, r.error, sizeof(first));
	CU_ASSERT_EQUAL(rm_reader_feed(&r, after, sizeof(after), &used), RM_ERROR);
	CU_ASSERT_EQUAL(used, 0);
	CU_ASSERT_STRING_EQUAL(r.error, first);
	CU_ASSERT_EQUAL(r.len, 0);
	rm_reader_free(&r);
}

/* ---- rm_reader_idle ---------------------------------------------------------- */

static void feed_expect(struct rm_reader *r, const uint8_t *p, size_t n, enum rm_result want)
{
	size_t used;

	CU_ASSERT_EQUAL(rm_reader_feed(r, p, n, &used), want);
	CU_ASSERT_EQUAL(used, n);
}

static void test_idle(void)
{
	/* [1 "a"] then [last, 1 "b"], fed piece by piece */
	static const uint8_t s[] = {0, 0, 0, 1, 'a', 0x80, 0, 0, 1, 'b'};
	/* a zero-length fragment without the last bit: a record has begun */
	static const uint8_t empty_more[] = {0, 0, 0, 0};
	struct rm_reader r;

	rm_reader_init(&r, 16);
	CU_ASSERT_TRUE(rm_reader_idle(&r));
	feed_expect(&r, s, 2, RM_NEED_MORE); /* half a header */
	CU_ASSERT_FALSE(rm_reader_idle(&r));
	feed_expect(&r, s + 2, 2, RM_NEED_MORE); /* a header, payload due */
	CU_ASSERT_FALSE(rm_reader_idle(&r));
	feed_expect(&r, s + 4, 1, RM_NEED_MORE); /* a non-last fragment buffered */
	CU_ASSERT_FALSE(rm_reader_idle(&r));
	feed_expect(&r, s + 5, 5, RM_RECORD); /* the record is whole: between records */
	CU_ASSERT_TRUE(rm_reader_idle(&r));
	feed_expect(&r, empty_more, 4, RM_NEED_MORE);
	CU_ASSERT_FALSE(rm_reader_idle(&r));
	rm_reader_free(&r);
	rm_reader_init(&r, 16);
	feed_expect(&r, (const uint8_t[]){0x80, 0, 0, 17}, 4, RM_ERROR);
	CU_ASSERT_FALSE(rm_reader_idle(&r)); /* a dead stream is not a clean end */
	rm_reader_free(&r);
}

/* ---- the encoder ------------------------------------------------------------- */

/* Walk the fragments of an encoded record: sizes, last bits and payload. */
static int check_fragments(const uint8_t *enc, size_t n, const uint8_t *rec, size_t len,
			   size_t frag_size)
{
	size_t off = 0, got = 0, frags = 0;

	while (off + 4 <= n) {
		uint32_t h = (uint32_t)enc[off] << 24 | (uint32_t)enc[off + 1] << 16 |
		    (uint32_t)enc[off + 2] << 8 | enc[off + 3];
		size_t flen = h & RM_LENGTH_MASK;
		off += 4;
		frags++;
		if (flen > n - off || (frag_size && flen > frag_size) ||
		    (off + flen < n) == ((h & RM_LAST_FRAGMENT) != 0) ||
		    memcmp(enc + off, rec + got, flen) != 0)
			return 0;
		off += flen;
		got += flen;
	}
	return off == n && got == len && frags == fragments_of(len, frag_size);
}

static void test_encoded_size(void)
{
	static const size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 99, 100, 101, 1000};
	static const size_t frags[] = {0, 1, 2, 3, 4, 7, 100, 1000, RM_LENGTH_MASK,
				       (size_t)RM_LENGTH_MASK + 1, SIZE_MAX};
	uint8_t rec[1000];

	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < COUNT(lens); i++) {
		for (size_t j = 0; j < COUNT(frags); j++) {
			size_t fs = frags[j] > RM_LENGTH_MASK ? 0 : frags[j];
			size_t need = rm_encoded_size(lens[i], frags[j]);
			uint8_t *out = malloc(need);

			CU_ASSERT_FATAL(out != NULL);
			CU_ASSERT_EQUAL(need, lens[i] + 4 * fragments_of(lens[i], fs));
			CU_ASSERT_EQUAL(rm_encode(rec, lens[i], frags[j], out, need), need);
			CU_ASSERT_TRUE(check_fragments(out, need, rec, lens[i], fs));
			free(out);
		}
	}
}

static void test_encode_cap_too_small(void)
{
	static const uint8_t rec[] = "0123456789"; /* 10 bytes in fragments of 3: 4 x (4 + <=3) */
	size_t need = rm_encoded_size(10, 3);

	CU_ASSERT_EQUAL(need, 26);
	CU_ASSERT_EQUAL(rm_encode(rec, 10, 3, NULL, 0), need); /* the size query */
	for (size_t cap = 0; cap < need; cap++) {
		uint8_t canary[64];
		uint8_t *exact = malloc(cap ? cap : 1);
		int untouched = 1;

		CU_ASSERT_FATAL(exact != NULL);
		memset(canary, 0xA5, sizeof(canary));
		CU_ASSERT_EQUAL(rm_encode(rec, 10, 3, canary, cap), need);
		for (size_t i = cap; i < sizeof(canary); i++)
			untouched &= canary[i] == 0xA5;
		CU_ASSERT_TRUE(untouched);
		CU_ASSERT_EQUAL(rm_encode(rec, 10, 3, exact, cap), need); /* ASan: no write past cap */
		free(exact);
	}
}

void tests_register(void)
{
	static const struct test_entry captured[] = {
		{"lifecycle streams, every fragment size and chunking", test_lifecycle_streams},
		{"pynfs stream, every fragment size and chunking", test_pynfs_streams},
		{"a real record in 1-byte fragments", test_one_byte_fragments},
		{NULL, NULL},
	};
	static const struct test_entry fragments[] = {
		{"zero-length fragments", test_zero_length_fragments},
		{"1000 empty fragments", test_many_empty_fragments},
		{"last-fragment bit", test_last_fragment_bit},
		{NULL, NULL},
	};
	static const struct test_entry limit[] = {
		{"one fragment over the limit", test_limit_single_fragment},
		{"a record exactly at the limit", test_limit_at_boundary},
		{"fragments summing over the limit", test_limit_fragment_sum},
		{"0x7fffffff fragment", test_huge_fragment},
		{"the stream stays dead after an error", test_dead_after_error},
		{NULL, NULL},
	};
	static const struct test_entry reader[] = {
		{"rm_reader_idle", test_idle},
		{NULL, NULL},
	};
	static const struct test_entry encoder[] = {
		{"rm_encoded_size matches rm_encode", test_encoded_size},
		{"cap too small", test_encode_cap_too_small},
		{NULL, NULL},
	};

	tests_add_suite("recmark: captured streams", captured);
	tests_add_suite("recmark: fragments", fragments);
	tests_add_suite("recmark: record limit", limit);
	tests_add_suite("recmark: reader state", reader);
	tests_add_suite("recmark: encoder", encoder);
}
