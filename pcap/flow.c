/* flow.c - TCP reassembly per connection (see flow.h), its flows found by a hash of the 4-tuple. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_ACK 0x10u

struct flow_seg {
	uint32_t seq;
	uint8_t *data;
	size_t len;
	uint64_t frame;
	struct flow_seg *next;
};

/* One slot of the 4-tuple index: a flow and the hash of its 4-tuple (NULL flow: empty). */
struct flow_slot {
	uint64_t hash;
	struct flow *flow;
};

/*
 * Flows live on one list (newest first: flow_table_finish and flow_table_free walk it) and are
 * found through an open-addressing index by 4-tuple, so a capture of thousands of connections
 * costs O(1) per segment on average. The index holds the newest flow of each 4-tuple only (an
 * older one reused by a new SYN is never looked up again); it never loses entries, so linear
 * probing needs no tombstones.
 */
struct flow_table {
	uint16_t server_port;
	size_t max_pending;
	struct flow_sink sink;
	struct flow *flows; /* newest first */
	struct flow_slot *slots;
	size_t nslots;      /* a power of two, or 0 before the first flow */
	size_t nkeys;       /* slots in use: distinct 4-tuples */
	uint64_t seed;      /* from the table's address (ASLR): no fixed hash to craft against */
	uint64_t next_stream;
	struct flow_stats st;
};

#define FLOW_SLOTS_MIN 64u

/* Sequence arithmetic modulo 2^32 (RFC 9293 s3.4): how far b is ahead of a. */
static int64_t seq_diff(uint32_t b, uint32_t a) { return (int32_t)(b - a); }

struct flow_table *flow_table_new(uint16_t server_port, size_t max_pending,
				  const struct flow_sink *sink)
{
	struct flow_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->server_port = server_port;
	t->max_pending = max_pending;
	t->sink = *sink;
	t->seed = (uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15u;
	return t;
}

static bool same_endpoint(const struct flow *f, int side, const uint8_t *addr, uint16_t port)
{
	return f->port[side] == port && memcmp(f->addr[side], addr, PKT_ADDR_MAX) == 0;
}

/* Whether seg travels on f's connection, and then in which direction. */
static bool seg_on_flow(const struct flow *f, const struct pkt_tcp *seg, int *dir)
{
	if (f->ip_version != seg->ip_version)
		return false;
	if (same_endpoint(f, 0, seg->src, seg->sport) && same_endpoint(f, 1, seg->dst, seg->dport)) {
		*dir = FLOW_TO_SERVER;
		return true;
	}
	if (same_endpoint(f, 1, seg->src, seg->sport) && same_endpoint(f, 0, seg->dst, seg->dport)) {
		*dir = FLOW_TO_CLIENT;
		return true;
	}
	return false;
}

/* A bijective 64-bit mix (the MurmurHash3 finalizer constants): it spreads each input bit over
 * the whole word, so the low bits that pick a slot depend on the whole 4-tuple. */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_addr(uint64_t h, const uint8_t *addr)
{
	for (size_t i = 0; i < PKT_ADDR_MAX; i += sizeof(uint64_t)) {
		uint64_t w;

		memcpy(&w, addr + i, sizeof(w));
		h = mix64(h ^ w);
	}
	return h;
}

/*
 * The hash of a 4-tuple in either direction: the two endpoints are taken in a canonical order
 * (lower address first, then lower port), so a segment and its reply hash alike. The IP version
 * is part of it, as in seg_on_flow: an IPv4 address is stored zero-padded and may equal an IPv6
 * one byte for byte.
 */
static uint64_t tuple_hash(const struct flow_table *t, int ip_version, const uint8_t *a,
			   uint16_t aport, const uint8_t *b, uint16_t bport)
{
	int cmp = memcmp(a, b, PKT_ADDR_MAX);
	uint64_t h = t->seed ^ (uint64_t)(unsigned)ip_version;

	if (cmp > 0 || (cmp == 0 && aport > bport)) {
		const uint8_t *ta = a;
		uint16_t tp = aport;

		a = b;
		aport = bport;
		b = ta;
		bport = tp;
	}
	h = hash_addr(h, a);
	h = hash_addr(h, b);
	return mix64(h ^ ((uint64_t)aport << 16 | bport));
}

static uint64_t seg_hash(const struct flow_table *t, const struct pkt_tcp *seg)
{
	return tuple_hash(t, seg->ip_version, seg->src, seg->sport, seg->dst, seg->dport);
}

/* The slot holding seg's 4-tuple, else the empty slot where it goes. The index is never full
 * (grow_index keeps the load at most 1/2), so the probe ends. */
static struct flow_slot *probe(const struct flow_table *t, uint64_t hash,
			       const struct pkt_tcp *seg, int *dir)
{
	size_t mask = t->nslots - 1;

	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct flow_slot *s = &t->slots[i];

		if (!s->flow || (s->hash == hash && seg_on_flow(s->flow, seg, dir)))
			return s;
	}
}

/* The flow seg belongs to (the newest one on its 4-tuple) and the direction it travels, or NULL. */
static struct flow *find(const struct flow_table *t, const struct pkt_tcp *seg, int *dir)
{
	if (!t->nslots)
		return NULL;
	return probe(t, seg_hash(t, seg), seg, dir)->flow;
}

/* Room for one more 4-tuple at a load of at most 1/2: double the index and rehash. Every
 * 4-tuple in the index is distinct, so each goes to the first empty slot of its probe.
 * -1: out of memory (the index is left as it was). */
static int grow_index(struct flow_table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : FLOW_SLOTS_MIN;
	struct flow_slot *slots;

	if ((t->nkeys + 1) * 2 <= t->nslots)
		return 0;
	if (n < t->nslots || !(slots = calloc(n, sizeof(*slots))))
		return -1;
	for (size_t i = 0; i < t->nslots; i++) {
		const struct flow_slot *old = &t->slots[i];
		size_t j = (size_t)old->hash & (n - 1);

		if (!old->flow)
			continue;
		while (slots[j].flow)
			j = (j + 1) & (n - 1);
		slots[j] = *old;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

/* f, just made for seg, becomes the flow of its 4-tuple (in place of an older one, if any). */
static void index_flow(struct flow_table *t, struct flow *f, const struct pkt_tcp *seg)
{
	int dir;
	uint64_t hash = seg_hash(t, seg);
	struct flow_slot *s = probe(t, hash, seg, &dir);

	if (!s->flow)
		t->nkeys++;
	s->hash = hash;
	s->flow = f;
}

/* Who is the client: the sender of a bare SYN, the receiver of a SYN/ACK, else the side that is
 * not on the server port, else the first sender. */
static bool sender_is_client(const struct flow_table *t, const struct pkt_tcp *seg)
{
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		return true;
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		return false;
	if (t->server_port && seg->sport == t->server_port && seg->dport != t->server_port)
		return false;
	return true;
}

static struct flow *new_flow(struct flow_table *t, const struct pkt_tcp *seg, int *dir)
{
	bool client = sender_is_client(t, seg);
	struct flow *f;

	if (grow_index(t) != 0 || !(f = calloc(1, sizeof(*f))))
		return NULL;
	f->stream = t->next_stream++;
	f->ip_version = seg->ip_version;
	memcpy(f->addr[client ? 0 : 1], seg->src, PKT_ADDR_MAX);
	memcpy(f->addr[client ? 1 : 0], seg->dst, PKT_ADDR_MAX);
	f->port[client ? 0 : 1] = seg->sport;
	f->port[client ? 1 : 0] = seg->dport;
	f->next = t->flows;
	t->flows = f;
	index_flow(t, f, seg);
	t->st.flows++;
	*dir = client ? FLOW_TO_SERVER : FLOW_TO_CLIENT;
	return f;
}

static bool closed(const struct flow *f)
{
	return f->half[0].rst || f->half[1].rst || (f->half[0].fin && f->half[1].fin);
}

/* Deliver the part of [seq, seq+len) not seen yet; returns whether anything was new. */
static bool deliver(struct flow_table *t, struct flow *f, int dir, uint32_t seq,
		    const uint8_t *p, size_t len, uint64_t frame)
{
	struct flow_half *h = &f->half[dir];
	int64_t behind = -seq_diff(seq, h->next);

	if (behind >= (int64_t)len)
		return false; /* all seen: a retransmission */
	if (behind > 0) {
		p += behind;
		len -= (size_t)behind;
	}
	h->next += (uint32_t)len;
	t->sink.data(t->sink.ctx, f, dir, p, len, frame);
	return true;
}

/* Deliver waiting segments that have become contiguous. */
static void drain(struct flow_table *t, struct flow *f, int dir)
{
	struct flow_half *h = &f->half[dir];
	struct flow_seg *s;

	while ((s = h->pending) && seq_diff(s->seq, h->next) <= 0) {
		h->pending = s->next;
		h->pending_bytes -= s->len;
		deliver(t, f, dir, s->seq, s->data, s->len, s->frame);
		free(s->data);
		free(s);
	}
}

/* The bytes up to the first waiting segment are not in the capture: say so and skip them. */
static void skip_gap(struct flow_table *t, struct flow *f, int dir, uint64_t frame)
{
	struct flow_half *h = &f->half[dir];
	uint32_t missing = h->pending ? (uint32_t)seq_diff(h->pending->seq, h->next) : 0;

	if (!missing)
		return;
	t->st.gaps++;
	t->st.gap_bytes += missing;
	t->sink.gap(t->sink.ctx, f, dir, missing, frame);
	h->next += missing;
	drain(t, f, dir);
}

static int hold(struct flow_table *t, struct flow *f, int dir, uint32_t seq, const uint8_t *p,
		size_t len, uint64_t frame)
{
	struct flow_half *h = &f->half[dir];
	struct flow_seg *s = calloc(1, sizeof(*s)), **at;

	if (!s || !(s->data = malloc(len))) {
		free(s);
		return -1;
	}
	memcpy(s->data, p, len);
	s->seq = seq;
	s->len = len;
	s->frame = frame;
	for (at = &h->pending; *at && seq_diff((*at)->seq, h->next) <= seq_diff(seq, h->next);
	     at = &(*at)->next)
		;
	s->next = *at;
	*at = s;
	h->pending_bytes += len;
	t->st.out_of_order++;
	while (h->pending_bytes > t->max_pending && h->pending)
		skip_gap(t, f, dir, frame);
	return 0;
}

static int add_payload(struct flow_table *t, struct flow *f, int dir, const struct pkt_tcp *seg,
		       uint64_t frame)
{
	struct flow_half *h = &f->half[dir];
	uint32_t seq = seg->seq + ((seg->flags & TCP_SYN) ? 1u : 0u);

	if (!h->started) { /* a capture that starts mid-connection starts here */
		h->started = true;
		h->next = seq;
	}
	if (seg->payload_len == 0)
		return 0;
	if (seq_diff(seq, h->next) > 0)
		return hold(t, f, dir, seq, seg->payload, seg->payload_len, frame);
	if (!deliver(t, f, dir, seq, seg->payload, seg->payload_len, frame))
		t->st.retransmitted++;
	drain(t, f, dir);
	return 0;
}

/* A segment cut by the snap length: what is missing of it is a gap (counted as such). */
static void snap_gap(struct flow_table *t, struct flow *f, int dir, const struct pkt_tcp *seg,
		     uint64_t frame)
{
	struct flow_half *h = &f->half[dir];
	uint32_t end = seg->seq + ((seg->flags & TCP_SYN) ? 1u : 0u) + (uint32_t)seg->payload_wire_len;
	int64_t missing = seq_diff(end, h->next);

	t->st.truncated++;
	if (missing <= 0 || h->pending)
		return; /* already past it, or later bytes wait: the gap shows when they go */
	t->st.gaps++;
	t->st.gap_bytes += (uint64_t)missing;
	t->sink.gap(t->sink.ctx, f, dir, (uint64_t)missing, frame);
	h->next = end;
}

/*
 * seg acknowledges bytes of the other direction (RFC 9293 s3.4: the ACK is the next sequence
 * number its sender expects) past a hole that the capture holds later data of: the peer got the
 * hole, the capture missed it and will not show it. Declare the gap now rather than hold the
 * rest of that direction to the end of the capture (its calls would come after their replies).
 */
static void acked_gap(struct flow_table *t, struct flow *f, int dir, const struct pkt_tcp *seg)
{
	struct flow_half *o = &f->half[!dir];

	if (!(seg->flags & TCP_ACK) || !o->started)
		return;
	while (o->pending && seq_diff(o->pending->seq, o->next) > 0 &&
	       seq_diff(seg->ack, o->pending->seq) >= 0)
		skip_gap(t, f, !dir, o->pending->frame);
}

/*
 * A SYN fixes where a direction's stream starts (RFC 9293 s3.4: the ISN; data starts at ISN+1)
 * once. A copy with the same ISN is a retransmission; a later SYN must not move the stream back
 * or on under bytes already delivered.
 */
static void take_syn(struct flow_half *h, const struct pkt_tcp *seg)
{
	if (h->started)
		return;
	h->started = h->syn = true;
	h->isn = seg->seq;
	h->next = seg->seq + 1u;
}

/*
 * A SYN starts a new connection on the 4-tuple when its direction already runs and it is no copy
 * of the SYN that started it (same ISN): no side opens one connection twice, so the capture
 * missed the old one's end - port reuse seen from one direction only, or a SYN/ACK after a
 * challenge ACK (RFC 5961 s4). A bare SYN after the old connection finished is a new one even
 * with the same ISN (some stacks retry a SYN unchanged after an RST).
 */
static bool new_connection(const struct flow *f, int dir, const struct pkt_tcp *seg)
{
	const struct flow_half *h = &f->half[dir];
	bool copy = h->syn && h->isn == seg->seq;

	if (!(seg->flags & TCP_SYN))
		return false;
	if (!(seg->flags & TCP_ACK) && closed(f))
		return true;
	return h->started && !copy;
}

int flow_table_add(struct flow_table *t, const struct pkt_tcp *seg, uint64_t frame)
{
	int dir = FLOW_TO_SERVER;
	struct flow *f = find(t, seg, &dir);

	t->st.segments++;
	if (!f || new_connection(f, dir, seg))
		f = new_flow(t, seg, &dir);
	if (!f)
		return -1;
	if (seg->flags & TCP_SYN)
		take_syn(&f->half[dir], seg);
	acked_gap(t, f, dir, seg); /* before seg's own data: a reply must find its call */
	if (add_payload(t, f, dir, seg, frame) != 0)
		return -1;
	if (seg->truncated)
		snap_gap(t, f, dir, seg, frame);
	if ((seg->flags & (TCP_FIN | TCP_RST)) && !f->half[dir].fin && !f->half[dir].rst &&
	    t->sink.closed)
		t->sink.closed(t->sink.ctx, f, dir, (seg->flags & TCP_RST) != 0, frame);
	f->half[dir].fin |= (seg->flags & TCP_FIN) != 0;
	f->half[dir].rst |= (seg->flags & TCP_RST) != 0;
	return 0;
}

void flow_table_finish(struct flow_table *t)
{
	for (struct flow *f = t->flows; f; f = f->next)
		for (int dir = 0; dir < 2; dir++)
			while (f->half[dir].pending)
				skip_gap(t, f, dir, f->half[dir].pending->frame);
}

const struct flow_stats *flow_table_stats(const struct flow_table *t) { return &t->st; }

void flow_table_free(struct flow_table *t, void (*free_user)(void *user))
{
	struct flow *f, *next;

	if (!t)
		return;
	for (f = t->flows; f; f = next) {
		next = f->next;
		for (int dir = 0; dir < 2; dir++) {
			struct flow_seg *s, *sn;
			for (s = f->half[dir].pending; s; s = sn) {
				sn = s->next;
				free(s->data);
				free(s);
			}
		}
		if (free_user)
			free_user(f->user);
		free(f);
	}
	free(t->slots);
	free(t);
}
