/*
 * test_flow.c - TCP reassembly (flow.h): in-order delivery whatever order segments come in,
 * retransmissions and overlaps trimmed, sequence wrap, gaps reported (cap, end of capture,
 * snap length), client/server orientation and stream numbering.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "test_main.h"

#define SYN 0x02u
#define ACK 0x10u
#define FIN 0x01u

/* What the sink saw: the bytes of each direction of each stream, and the gaps. */
struct seen {
	uint8_t bytes[4][2][256];
	size_t len[4][2];
	uint64_t gaps, gap_bytes, last_frame;
	int gap_dir;
};

static void on_data(void *ctx, struct flow *f, int dir, const uint8_t *p, size_t n, uint64_t frame)
{
	struct seen *s = ctx;
	size_t *len = &s->len[f->stream % 4][dir];

	CU_ASSERT_TRUE_FATAL(*len + n <= sizeof(s->bytes[0][0]));
	memcpy(s->bytes[f->stream % 4][dir] + *len, p, n);
	*len += n;
	s->last_frame = frame;
}

static void on_gap(void *ctx, struct flow *f, int dir, uint64_t missing, uint64_t frame)
{
	struct seen *s = ctx;

	(void)f;
	(void)frame;
	s->gaps++;
	s->gap_bytes += missing;
	s->gap_dir = dir;
}

static struct flow_table *table(struct seen *s, size_t max_pending)
{
	struct flow_sink sink = {.ctx = s, .data = on_data, .gap = on_gap};

	memset(s, 0, sizeof(*s));
	return flow_table_new(2049, max_pending, &sink);
}

/* A segment from client port cport (to 2049) or, with to_client, the reverse. */
static struct pkt_tcp seg(uint16_t cport, bool to_client, uint32_t seq, uint8_t flags,
			  const char *data)
{
	struct pkt_tcp t = {.ip_version = 4, .seq = seq, .flags = flags | ACK};
	uint8_t a[4] = {127, 0, 0, 1}, b[4] = {127, 0, 0, 2};

	memcpy(to_client ? t.dst : t.src, a, 4);
	memcpy(to_client ? t.src : t.dst, b, 4);
	t.sport = to_client ? 2049 : cport;
	t.dport = to_client ? cport : 2049;
	if (flags == SYN)
		t.flags = SYN;
	t.payload = (const uint8_t *)data;
	t.payload_len = t.payload_wire_len = data ? strlen(data) : 0;
	return t;
}

static void add(struct flow_table *t, struct pkt_tcp s, uint64_t frame)
{
	CU_ASSERT_EQUAL(flow_table_add(t, &s, frame), 0);
}

static bool stream_is(const struct seen *s, unsigned stream, int dir, const char *want)
{
	return s->len[stream][dir] == strlen(want) &&
	       memcmp(s->bytes[stream][dir], want, strlen(want)) == 0;
}

static void test_in_order_and_out_of_order(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);

	add(t, seg(700, false, 99, SYN, NULL), 1);
	add(t, seg(700, false, 100, 0, "abc"), 2);
	add(t, seg(700, false, 106, 0, "ghi"), 3); /* early: waits */
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abc"), "only the in-order part so far");
	add(t, seg(700, false, 103, 0, "def"), 4);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abcdefghi"), "the hole filled, all in order");
	CU_ASSERT_EQUAL(s.last_frame, 3); /* the last bytes came with frame 3 */
	CU_ASSERT_EQUAL(flow_table_stats(t)->out_of_order, 1);
	CU_ASSERT_EQUAL(s.gaps, 0);
	flow_table_free(t, NULL);
}

static void test_retransmission_and_overlap(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);

	add(t, seg(701, false, 1000, 0, "hello"), 1); /* no SYN: starts mid-stream */
	add(t, seg(701, false, 1000, 0, "hello"), 2); /* a retransmission */
	add(t, seg(701, false, 1003, 0, "loXYZ"), 3); /* overlaps by two bytes */
	add(t, seg(701, false, 1003, 0, "QQ"), 4);    /* old bytes, other content: the first wins */
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "helloXYZ"), "each byte once");
	CU_ASSERT_EQUAL(flow_table_stats(t)->retransmitted, 2);
	flow_table_free(t, NULL);
}

/* RFC 9293 s3.4: sequence numbers are compared modulo 2^32. */
static void test_sequence_wrap(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);

	add(t, seg(702, false, 0xfffffffcu, SYN, NULL), 1);
	add(t, seg(702, false, 0x00000001u, 0, "efgh"), 2); /* after the wrap, early */
	add(t, seg(702, false, 0xfffffffdu, 0, "abcd"), 3);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abcdefgh"), "across 2^32");
	flow_table_free(t, NULL);
}

static void test_gaps(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 4);

	add(t, seg(703, false, 10, 0, "ab"), 1);
	add(t, seg(703, false, 20, 0, "xyz"), 2);   /* 8 bytes missing; 3 wait */
	CU_ASSERT_EQUAL(s.gaps, 0);
	add(t, seg(703, false, 23, 0, "uv"), 3);    /* 5 waiting > 4: the gap is declared */
	CU_ASSERT_EQUAL(s.gaps, 1);
	CU_ASSERT_EQUAL(s.gap_bytes, 8);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abxyzuv"), "the stream goes on after the gap");
	add(t, seg(703, true, 500, 0, "r1"), 4);
	add(t, seg(703, true, 510, 0, "r2"), 5);    /* waits until the end of the capture */
	flow_table_finish(t);
	CU_ASSERT_EQUAL(s.gaps, 2);
	CU_ASSERT_EQUAL(s.gap_dir, FLOW_TO_CLIENT);
	CHECK(stream_is(&s, 0, FLOW_TO_CLIENT, "r1r2"), "flushed at the end");
	flow_table_free(t, NULL);
}

/* A segment cut by the snap length: its missing tail is a gap, the next segment follows it. */
static void test_snaplen_cut(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);
	struct pkt_tcp cut = seg(704, false, 0, 0, "abcd");

	cut.payload_wire_len = 10;
	cut.truncated = true;
	add(t, cut, 1);
	add(t, seg(704, false, 10, 0, "KLM"), 2);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abcdKLM"), "what the capture holds, in order");
	CU_ASSERT_EQUAL(s.gap_bytes, 6);
	CU_ASSERT_EQUAL(flow_table_stats(t)->truncated, 1);
	flow_table_free(t, NULL);
}

/* The SYN's sender is the client even on odd ports; a new SYN after a close is a new stream. */
static void test_orientation_and_streams(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);
	struct pkt_tcp fin = seg(705, false, 101, FIN, NULL);

	add(t, seg(705, true, 7, 0, "from server first"), 1); /* mid-capture: by the port */
	add(t, seg(706, false, 99, SYN, NULL), 2);
	add(t, seg(706, false, 100, 0, "c"), 3);
	CHECK(stream_is(&s, 0, FLOW_TO_CLIENT, "from server first"), "stream 0, toward the client");
	CHECK(stream_is(&s, 1, FLOW_TO_SERVER, "c"), "stream 1");
	add(t, fin, 4);
	add(t, seg(705, true, 24, FIN, NULL), 5);
	add(t, seg(705, false, 5000, SYN, NULL), 6);          /* the 4-tuple again */
	add(t, seg(705, false, 5001, 0, "new"), 7);
	CHECK(stream_is(&s, 2, FLOW_TO_SERVER, "new"), "a new connection, stream 2");
	CU_ASSERT_EQUAL(flow_table_stats(t)->flows, 3);
	flow_table_free(t, NULL);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"in order, out of order", test_in_order_and_out_of_order},
		{"retransmissions and overlaps", test_retransmission_and_overlap},
		{"sequence wrap", test_sequence_wrap},
		{"gaps: cap and end of capture", test_gaps},
		{"snap length cut", test_snaplen_cut},
		{"orientation and stream numbers", test_orientation_and_streams},
		{NULL, NULL}};

	tests_add_suite("pcap: TCP reassembly", tests);
}
