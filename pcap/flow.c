/* flow.c - TCP reassembly per connection (see flow.h). */
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

struct flow_table {
	uint16_t server_port;
	size_t max_pending;
	struct flow_sink sink;
	struct flow *flows; /* newest first */
	uint64_t next_stream;
	struct flow_stats st;
};

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
	return t;
}

static bool same_endpoint(const struct flow *f, int side, const uint8_t *addr, uint16_t port)
{
	return f->port[side] == port && memcmp(f->addr[side], addr, PKT_ADDR_MAX) == 0;
}

/* The flow seg belongs to and the direction it travels, or NULL. */
static struct flow *find(struct flow_table *t, const struct pkt_tcp *seg, int *dir)
{
	for (struct flow *f = t->flows; f; f = f->next) {
		if (f->ip_version != seg->ip_version)
			continue;
		if (same_endpoint(f, 0, seg->src, seg->sport) && same_endpoint(f, 1, seg->dst, seg->dport)) {
			*dir = FLOW_TO_SERVER;
			return f;
		}
		if (same_endpoint(f, 1, seg->src, seg->sport) && same_endpoint(f, 0, seg->dst, seg->dport)) {
			*dir = FLOW_TO_CLIENT;
			return f;
		}
	}
	return NULL;
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
	struct flow *f = calloc(1, sizeof(*f));
	bool client = sender_is_client(t, seg);

	if (!f)
		return NULL;
	f->stream = t->next_stream++;
	f->ip_version = seg->ip_version;
	memcpy(f->addr[client ? 0 : 1], seg->src, PKT_ADDR_MAX);
	memcpy(f->addr[client ? 1 : 0], seg->dst, PKT_ADDR_MAX);
	f->port[client ? 0 : 1] = seg->sport;
	f->port[client ? 1 : 0] = seg->dport;
	f->next = t->flows;
	t->flows = f;
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

int flow_table_add(struct flow_table *t, const struct pkt_tcp *seg, uint64_t frame)
{
	int dir = FLOW_TO_SERVER;
	struct flow *f = find(t, seg, &dir);

	t->st.segments++;
	/* A new SYN on the 4-tuple of a finished connection is a new connection (port reuse). */
	if (!f || ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && closed(f)))
		f = new_flow(t, seg, &dir);
	if (!f)
		return -1;
	if (seg->flags & TCP_SYN) {
		f->half[dir].started = true;
		f->half[dir].next = seg->seq + 1u;
	}
	acked_gap(t, f, dir, seg); /* before seg's own data: a reply must find its call */
	if (add_payload(t, f, dir, seg, frame) != 0)
		return -1;
	if (seg->truncated)
		snap_gap(t, f, dir, seg, frame);
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
	free(t);
}
