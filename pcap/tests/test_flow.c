/*
 * test_flow.c - TCP reassembly (flow.h): in-order delivery whatever order segments come in,
 * retransmissions and overlaps trimmed, sequence wrap, gaps reported (cap, end of capture,
 * snap length), client/server orientation and stream numbering, which SYNs open a new
 * connection, and thousands of connections
 * at once (IPv4 and IPv6, interleaved) each found by its 4-tuple.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
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

/* RFC 9293 s3.5: which SYNs open a new connection on a 4-tuple and which are copies. */
static void test_syn_rules(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);

	/* a SYN retransmitted after data: a copy, the stream stays where it is */
	add(t, seg(710, false, 99, SYN, NULL), 1);
	add(t, seg(710, false, 100, 0, "abc"), 2);
	add(t, seg(710, false, 99, SYN, NULL), 3);
	add(t, seg(710, false, 103, 0, "def"), 4);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "abcdef"), "a repeated SYN moves nothing");
	CU_ASSERT_EQUAL(flow_table_stats(t)->flows, 1);
	/* a capture of the server's side only, the client port reused: each SYN/ACK with a new ISN
	 * is a new connection (its data must not be taken for old bytes or a gap) */
	add(t, seg(711, true, 1000, SYN | ACK, NULL), 5);
	add(t, seg(711, true, 1001, 0, "one"), 6);
	add(t, seg(711, true, 1000, SYN | ACK, NULL), 7); /* a retransmitted SYN/ACK: a copy */
	add(t, seg(711, true, 7000, SYN | ACK, NULL), 8);
	add(t, seg(711, true, 7001, 0, "two"), 9);
	CHECK(stream_is(&s, 1, FLOW_TO_CLIENT, "one"), "the first connection");
	CHECK(stream_is(&s, 2, FLOW_TO_CLIENT, "two"), "the second, after a new SYN/ACK");
	CU_ASSERT_EQUAL(s.gaps, 0);
	/* a bare SYN with a new ISN while the old connection still runs: the capture missed its end */
	add(t, seg(710, false, 5000, SYN, NULL), 10);
	add(t, seg(710, false, 5001, 0, "new"), 11);
	CHECK(stream_is(&s, 3, FLOW_TO_SERVER, "new"), "a new connection");
	CU_ASSERT_EQUAL(flow_table_stats(t)->flows, 4);
	flow_table_free(t, NULL);
}

/* Simultaneous open (RFC 9293 s3.5 figure 8): two bare SYNs, one connection. */
static void test_simultaneous_open(void)
{
	struct seen s;
	struct flow_table *t = table(&s, 1 << 20);
	struct pkt_tcp server_syn = seg(712, true, 7, SYN, NULL);

	add(t, seg(712, false, 99, SYN, NULL), 1);
	add(t, server_syn, 2);
	add(t, seg(712, false, 100, 0, "call"), 3);
	add(t, seg(712, true, 8, 0, "reply"), 4);
	CHECK(stream_is(&s, 0, FLOW_TO_SERVER, "call"), "the client's bytes");
	CHECK(stream_is(&s, 0, FLOW_TO_CLIENT, "reply"), "the server's bytes, same stream");
	CU_ASSERT_EQUAL(flow_table_stats(t)->flows, 1);
	flow_table_free(t, NULL);
}

/*
 * Many connections at once: MANY of them, the first half IPv4, the second IPv6. Connection i
 * is numbered by its order of first appearance (a shuffle, so not i). Its segments come
 * interleaved with every other connection's; each carries 8 bytes naming its connection,
 * direction and round, so the sink can tell whether it came out on the right flow.
 */
#define MANY 5000
#define MANY_SERVER_PORT 2049

struct many_conn {      /* the sender's side of connection i */
	uint32_t seq[2];    /* next sequence number, by direction */
	uint8_t round[2];   /* next round to send, by direction */
};

struct many_seen {      /* what the sink saw of connection i */
	uint64_t stream;    /* the stream it must come out on */
	struct flow *flow;  /* the flow its bytes came on so far */
	uint8_t got[2];     /* rounds delivered, by direction */
};

struct many {
	struct flow_table *t;
	struct many_conn c[MANY];
	struct many_seen s[MANY];
	unsigned perm[MANY];
	uint32_t rng;
	uint64_t frame, segments;
	unsigned bad;
	char why[160];
};

static uint16_t many_cport(unsigned i) { return (uint16_t)(1024 + i % (MANY / 2) % 61); }
static int many_ip_version(unsigned i) { return i < MANY / 2 ? 4 : 6; }

/*
 * The addresses of connection i. The IPv6 twin of an even IPv4 connection has the same bytes
 * (an IPv4 address is stored zero-padded) and the same ports: only the IP version tells them
 * apart. One third of the connections have their server above the client in address order;
 * the IPv6 ones of host 1 share their server's address (fd00::1): only the ports order them.
 */
static void many_addrs(unsigned i, uint8_t client[PKT_ADDR_MAX], uint8_t server[PKT_ADDR_MAX])
{
	unsigned k = i % (MANY / 2), host = k / 61;
	bool v6_own = i >= MANY / 2 && k % 2;

	memset(client, 0, PKT_ADDR_MAX);
	memset(server, 0, PKT_ADDR_MAX);
	if (v6_own) {
		client[0] = server[0] = 0xfd;
		client[14] = (uint8_t)(host >> 8);
		client[15] = (uint8_t)host;
		server[1] = k % 3 ? 0x00 : 0xff;
		server[15] = 1;
		return;
	}
	client[0] = server[0] = 10;
	client[1] = 1;
	client[2] = (uint8_t)(host >> 8);
	client[3] = (uint8_t)host;
	server[1] = k % 3 ? 0 : 255;
	server[3] = 1;
}

static void many_bad(struct many *m, const char *what, unsigned id, int dir)
{
	if (!m->bad++)
		snprintf(m->why, sizeof(m->why), "frame %llu, connection %u, dir %d: %s",
			 (unsigned long long)m->frame, id, dir, what);
}

static unsigned many_id(const uint8_t *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* The flow's consumer state names its connection (and is freed by flow_table_free). */
static bool many_user_is(struct flow *f, unsigned id)
{
	unsigned *u = f->user;

	if (!u) {
		if (!(u = malloc(sizeof(*u))))
			return false;
		*u = id;
		f->user = u;
	}
	return *u == id;
}

/* What is wrong with n bytes of direction dir coming out on f, or NULL. */
static const char *many_misdelivery(struct many *m, const struct flow *f, int dir,
				    const uint8_t *p, size_t n)
{
	unsigned id = many_id(p);
	const struct many_seen *s = &m->s[id];

	if (f->stream != s->stream || (s->flow && s->flow != f))
		return "on the wrong flow";
	if (f->ip_version != many_ip_version(id) || f->port[FLOW_TO_SERVER] != many_cport(id) ||
	    f->port[FLOW_TO_CLIENT] != MANY_SERVER_PORT)
		return "on a flow of other endpoints";
	if (p[4] != dir || p[5] != s->got[dir] || n != 8)
		return "in the wrong direction or out of order";
	return NULL;
}

static void many_data(void *ctx, struct flow *f, int dir, const uint8_t *p, size_t n, uint64_t frame)
{
	struct many *m = ctx;
	unsigned id = n >= 8 ? many_id(p) : MANY;
	const char *wrong;

	(void)frame;
	if (id >= MANY)
		wrong = "not one whole segment";
	else if (!many_user_is(f, id))
		wrong = "on a flow of another connection";
	else
		wrong = many_misdelivery(m, f, dir, p, n);
	if (wrong) {
		many_bad(m, wrong, id, dir);
		return;
	}
	m->s[id].flow = f;
	m->s[id].got[dir]++;
}

static void many_gap(void *ctx, struct flow *f, int dir, uint64_t missing, uint64_t frame)
{
	(void)missing;
	(void)frame;
	many_bad(ctx, "a gap", f->user ? *(unsigned *)f->user : MANY, dir);
}

/* A new order of the connections (Fisher-Yates with a fixed xorshift: the same every run). */
static void many_shuffle(struct many *m)
{
	for (unsigned i = 0; i < MANY; i++)
		m->perm[i] = i;
	for (unsigned i = MANY - 1; i > 0; i--) {
		unsigned j, tmp;

		m->rng ^= m->rng << 13;
		m->rng ^= m->rng >> 17;
		m->rng ^= m->rng << 5;
		j = m->rng % (i + 1);
		tmp = m->perm[i];
		m->perm[i] = m->perm[j];
		m->perm[j] = tmp;
	}
}

/* Feed a segment of connection i in direction dir at its next sequence number. */
static void many_feed(struct many *m, unsigned i, int dir, uint8_t flags, const uint8_t *p,
		      size_t len)
{
	uint8_t client[PKT_ADDR_MAX], server[PKT_ADDR_MAX];
	struct pkt_tcp t = {.ip_version = many_ip_version(i), .seq = m->c[i].seq[dir],
			    .flags = flags, .payload = p, .payload_len = len, .payload_wire_len = len};
	bool up = dir == FLOW_TO_SERVER;

	many_addrs(i, client, server);
	memcpy(t.src, up ? client : server, PKT_ADDR_MAX);
	memcpy(t.dst, up ? server : client, PKT_ADDR_MAX);
	t.sport = up ? many_cport(i) : MANY_SERVER_PORT;
	t.dport = up ? MANY_SERVER_PORT : many_cport(i);
	m->segments++;
	if (flow_table_add(m->t, &t, ++m->frame) != 0)
		many_bad(m, "flow_table_add failed", i, dir);
	m->c[i].seq[dir] += (uint32_t)len + ((flags & (SYN | FIN)) ? 1u : 0u);
}

/* The next round of data of connection i in direction dir; skip: sent after the round after. */
static void many_round(struct many *m, unsigned i, int dir, bool skip)
{
	struct many_conn *c = &m->c[i];
	uint8_t p[8] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i,
			(uint8_t)dir, (uint8_t)(c->round[dir] + skip), 0, 0};

	if (skip) { /* out of order: 8 bytes ahead, the sequence number stays */
		c->seq[dir] += 8;
		many_feed(m, i, dir, ACK, p, sizeof(p));
		c->seq[dir] -= 16;
		return;
	}
	many_feed(m, i, dir, ACK, p, sizeof(p));
	c->round[dir]++;
}

/* Every connection's first segment, in a shuffled order that numbers them: a client's SYN, a
 * server's bare ACK (a capture that starts mid-connection: the port says who is who) or a
 * client's bare ACK. */
static void many_open(struct many *m)
{
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++) {
		unsigned i = m->perm[k];

		m->c[i].seq[FLOW_TO_SERVER] = i * 2654435761u;
		m->c[i].seq[FLOW_TO_CLIENT] = ~(i * 2654435761u);
		m->s[i].stream = k;
		if (i % 3 == 0)
			many_feed(m, i, FLOW_TO_SERVER, SYN, NULL, 0);
		else
			many_feed(m, i, i % 3 == 1 ? FLOW_TO_CLIENT : FLOW_TO_SERVER, ACK, NULL, 0);
	}
}

/* A call and its reply on every connection, in a new order. */
static void many_calls(struct many *m)
{
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++) {
		many_round(m, m->perm[k], FLOW_TO_SERVER, false);
		many_round(m, m->perm[k], FLOW_TO_CLIENT, false);
	}
}

/* Two calls per connection, the second one first: every connection holds data at once. */
static void many_calls_reordered(struct many *m)
{
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++)
		many_round(m, m->perm[k], FLOW_TO_SERVER, true);
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++) {
		many_round(m, m->perm[k], FLOW_TO_SERVER, false);
		m->c[m->perm[k]].seq[FLOW_TO_SERVER] += 8;
		m->c[m->perm[k]].round[FLOW_TO_SERVER]++;
	}
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++) {
		many_round(m, m->perm[k], FLOW_TO_CLIENT, false);
		many_round(m, m->perm[k], FLOW_TO_CLIENT, false);
	}
}

/* Every tenth connection closes (FINs both ways) and its 4-tuple opens again with a SYN: a new
 * stream, numbered after all the others, that its later segments must come out on. */
static unsigned many_reuse(struct many *m)
{
	unsigned reused = 0;

	for (int dir = 0; dir < 2; dir++) {
		many_shuffle(m);
		for (unsigned k = 0; k < MANY; k++)
			if (m->perm[k] % 10 == 0)
				many_feed(m, m->perm[k], dir, FIN | ACK, NULL, 0);
	}
	many_shuffle(m);
	for (unsigned k = 0; k < MANY; k++) {
		unsigned i = m->perm[k];

		if (i % 10)
			continue;
		m->c[i].seq[FLOW_TO_SERVER] += 100000;
		m->c[i].seq[FLOW_TO_CLIENT] -= 100000;
		memset(m->c[i].round, 0, sizeof(m->c[i].round));
		m->s[i] = (struct many_seen){.stream = MANY + reused++};
		many_feed(m, i, FLOW_TO_SERVER, SYN, NULL, 0);
	}
	return reused;
}

static void test_many_connections(void)
{
	struct many *m = calloc(1, sizeof(*m));
	struct flow_sink sink = {.ctx = m, .data = many_data, .gap = many_gap};
	const struct flow_stats *st;
	unsigned reused, wrong = MANY;

	REQUIRE(m);
	m->rng = 2463534242u;
	m->t = flow_table_new(MANY_SERVER_PORT, 1 << 20, &sink);
	REQUIRE(m->t);
	many_open(m);
	many_calls(m);
	many_calls_reordered(m);
	reused = many_reuse(m);
	many_calls(m);
	flow_table_finish(m->t);
	st = flow_table_stats(m->t);
	CHECK(!m->bad, "%u segments delivered wrong; first: %s", m->bad, m->why);
	for (unsigned i = 0; i < MANY && wrong == MANY; i++)
		if (m->s[i].got[0] != (i % 10 ? 4 : 1) || m->s[i].got[1] != m->s[i].got[0])
			wrong = i;
	CHECK(wrong == MANY, "connection %u: %u calls and %u replies delivered", wrong,
	      m->s[wrong % MANY].got[0], m->s[wrong % MANY].got[1]);
	CU_ASSERT_EQUAL(reused, MANY / 10);
	CU_ASSERT_EQUAL(st->flows, MANY + MANY / 10);
	CU_ASSERT_EQUAL(st->segments, m->segments);
	CU_ASSERT_EQUAL(st->out_of_order, MANY);
	CU_ASSERT_EQUAL(st->retransmitted, 0);
	CU_ASSERT_EQUAL(st->gaps, 0);
	flow_table_free(m->t, free);
	free(m);
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
		{"SYN copies and new connections on one 4-tuple", test_syn_rules},
		{"simultaneous open", test_simultaneous_open},
		{"5000 connections, IPv4 and IPv6, interleaved", test_many_connections},
		{NULL, NULL}};

	tests_add_suite("pcap: TCP reassembly", tests);
}
