/*
 * fuzz_pcap.c - any bytes as a capture file, from memory (capture_open_memory: fmemopen into
 * libpcap), down the whole read path `nfs41check pcap decode` takes: frames -> packets
 * (packet.c) -> TCP reassembly (flow.c) -> RPC records and call/reply matching (rpcstream.c)
 * -> NFS decoding and printing (decode.c), with small limits so memory stays bounded.
 *
 * Three passes over each capture: the frames and TCP segments into a flow table whose sink
 * checks reassembly against the segments captured; the RPC messages into a sink that checks
 * them and re-encodes what decodes; `pcap decode` in the format the option byte picks, which
 * must count what the second pass counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "flow.h"
#include "fuzz.h"
#include "packet.h"
#include "rpcstream.h"
#include "wire.h"

#define MAX_INPUT (1u << 20)
#define NFS_PORT 2049u

static FILE *sink;

struct options {
	enum decode_format format;
	struct rpc_read_opts read;
	bool stats;
};

/* Byte 0: bits 0-1 the decode format, bit 2 callbacks too, bit 3 statistics, bits 4-5 the
 * record size limit, bits 6-7 the out-of-order byte limit per direction (0: the defaults). */
static struct options options_of(uint8_t b)
{
	static const size_t max_record[] = {0, 64, 1024, 65536};
	static const size_t max_pending[] = {0, 1, 512, 16384};

	return (struct options){.format = (enum decode_format)(b & 3),
				.read = {.port = NFS_PORT, .callbacks = b >> 2 & 1,
					 .max_record = max_record[b >> 4 & 3],
					 .max_pending = max_pending[b >> 6]},
				.stats = b >> 3 & 1};
}

/* ---- pass 1: TCP reassembly against what was captured --------------------------------------- */

struct captured {
	uint32_t seq;
	uint8_t *data; /* a copy: frames are valid until the next one only */
	size_t len;
};

/* What was captured travelling one way on a 4-tuple (every flow that reuses it shares it). */
struct way {
	int ip_version;
	uint8_t src[PKT_ADDR_MAX], dst[PKT_ADDR_MAX];
	uint16_t sport, dport;
	struct captured *segs;
	size_t nsegs;
	uint64_t captured, delivered;
};

/* Where one direction of one flow stands (struct flow's user pointer holds two). */
struct half_model {
	bool positioned; /* pos is known: after the first data or gap */
	uint32_t pos;    /* sequence number of the next byte the sink should get */
	bool closed;
};

struct reassembly {
	struct way *ways;
	size_t nways;
	uint64_t gaps, gap_bytes;
};

static struct way *way_find(struct reassembly *r, int ipv, const uint8_t *src, uint16_t sport,
			    const uint8_t *dst, uint16_t dport)
{
	for (size_t i = 0; i < r->nways; i++) {
		struct way *w = &r->ways[i];
		if (w->ip_version == ipv && w->sport == sport && w->dport == dport &&
		    !memcmp(w->src, src, PKT_ADDR_MAX) && !memcmp(w->dst, dst, PKT_ADDR_MAX))
			return w;
	}
	return NULL;
}

/* Remember seg's payload before the table takes it (it may deliver at once). */
static void remember(struct reassembly *r, const struct pkt_tcp *seg)
{
	struct way *w = way_find(r, seg->ip_version, seg->src, seg->sport, seg->dst, seg->dport);
	struct captured c = {.seq = seg->seq + ((seg->flags & PKT_TCP_SYN) ? 1u : 0u),
			     .len = seg->payload_len};

	if (!w) {
		struct way *ways = realloc(r->ways, (r->nways + 1) * sizeof(*ways));
		if (!ways)
			abort();
		r->ways = ways;
		w = &r->ways[r->nways++];
		*w = (struct way){.ip_version = seg->ip_version, .sport = seg->sport,
				  .dport = seg->dport};
		memcpy(w->src, seg->src, PKT_ADDR_MAX);
		memcpy(w->dst, seg->dst, PKT_ADDR_MAX);
	}
	if (!seg->payload_len)
		return;
	struct captured *segs = realloc(w->segs, (w->nsegs + 1) * sizeof(*segs));
	if (!segs || !(c.data = malloc(c.len)))
		abort();
	memcpy(c.data, seg->payload, c.len);
	w->segs = segs;
	w->segs[w->nsegs++] = c;
	w->captured += c.len;
}

static struct half_model *half_of(struct flow *f, int dir)
{
	if (dir != FLOW_TO_SERVER && dir != FLOW_TO_CLIENT)
		abort();
	if (!f->user && !(f->user = calloc(2, sizeof(struct half_model))))
		abort();
	return &((struct half_model *)f->user)[dir];
}

/* The longest run at seq..seq+n matching a segment of w that covers seq (0: none). */
static size_t captured_run(const struct way *w, uint32_t seq, const uint8_t *p, size_t n)
{
	size_t best = 0;

	for (size_t i = 0; i < w->nsegs && best < n; i++) {
		const struct captured *c = &w->segs[i];
		uint32_t off = seq - c->seq; /* modulo 2^32 */
		size_t run = 0;
		if (off >= c->len)
			continue;
		while (run < n && off + run < c->len && c->data[off + run] == p[run])
			run++;
		if (run > best)
			best = run;
	}
	return best;
}

/* Data comes in order, right where the stream stands, and every byte of it was captured at
 * that sequence number on that connection (retransmissions and overlaps trimmed, flow.h). */
static void on_data(void *ctx, struct flow *f, int dir, const uint8_t *p, size_t n, uint64_t frame)
{
	struct half_model *h = half_of(f, dir);
	struct way *w = way_find(ctx, f->ip_version, f->addr[dir], f->port[dir], f->addr[!dir],
				 f->port[!dir]);
	uint32_t start = f->half[dir].next - (uint32_t)n;

	(void)frame;
	if (n == 0 || !w || (h->positioned && start != h->pos))
		abort();
	for (size_t done = 0, run; done < n; done += run)
		if (!(run = captured_run(w, start + (uint32_t)done, p + done, n - done)))
			abort();
	if ((w->delivered += n) > w->captured)
		abort();
	h->positioned = true;
	h->pos = f->half[dir].next;
}

/* A gap starts where the stream stands. */
static void on_gap(void *ctx, struct flow *f, int dir, uint64_t missing, uint64_t frame)
{
	struct reassembly *r = ctx;
	struct half_model *h = half_of(f, dir);

	(void)frame;
	if (missing == 0 || missing > UINT32_MAX || (h->positioned && f->half[dir].next != h->pos))
		abort();
	h->positioned = true;
	h->pos = f->half[dir].next + (uint32_t)missing;
	r->gaps++;
	r->gap_bytes += missing;
}

/* Each direction closes once. */
static void on_closed(void *ctx, struct flow *f, int dir, bool reset, uint64_t frame)
{
	struct half_model *h = half_of(f, dir);

	(void)ctx, (void)reset, (void)frame;
	if (h->closed)
		abort();
	h->closed = true;
}

/* The parser's promises about one frame (packet.h). */
static void check_packet(enum pkt_kind kind, const struct capture_frame *fr,
			 const struct pkt_tcp *seg, const char *why)
{
	char addr[64];

	if (kind != PKT_TCP) {
		if (!why[0])
			abort();
		return;
	}
	if (why[0] || (seg->ip_version != 4 && seg->ip_version != 6) ||
	    seg->payload < fr->data || seg->payload_len > fr->caplen ||
	    seg->payload - fr->data > (ptrdiff_t)(fr->caplen - seg->payload_len) ||
	    seg->payload_len > seg->payload_wire_len ||
	    seg->truncated != (seg->payload_len < seg->payload_wire_len))
		abort();
	fprintf(sink, "%s:%u > ", pkt_addr_str(seg->ip_version, seg->src, addr, sizeof(addr)),
		seg->sport);
	fprintf(sink, "%s:%u\n", pkt_addr_str(seg->ip_version, seg->dst, addr, sizeof(addr)),
		seg->dport);
}

static void reassembly_free(struct reassembly *r)
{
	for (size_t i = 0; i < r->nways; i++) {
		for (size_t j = 0; j < r->ways[i].nsegs; j++)
			free(r->ways[i].segs[j].data);
		free(r->ways[i].segs);
	}
	free(r->ways);
}

/* Pass 1: every TCP segment (any port) through a flow table; returns the frames read. */
static uint64_t pass_reassembly(const uint8_t *cap, size_t len, const struct options *o)
{
	struct reassembly r = {0};
	struct flow_sink fs = {.ctx = &r, .data = on_data, .gap = on_gap, .closed = on_closed};
	size_t max_pending = o->read.max_pending ? o->read.max_pending : 1u << 20;
	struct capture_frame fr;
	struct flow_table *t;
	struct capture *c;
	uint64_t frames = 0, segments = 0;
	char err[512] = "", why[200];

	if (!(c = capture_open_memory(cap, len, err, sizeof(err))))
		return 0;
	if (!(t = flow_table_new(NFS_PORT, max_pending, &fs)))
		abort();
	while (capture_next(c, &fr, err, sizeof(err)) == 1) {
		struct pkt_tcp seg;
		enum pkt_kind kind = pkt_parse(capture_linktype(c), fr.data, fr.caplen, fr.wirelen,
					       &seg, why, sizeof(why));
		if (fr.number != ++frames)
			abort();
		check_packet(kind, &fr, &seg, why);
		if (kind != PKT_TCP)
			continue;
		segments++;
		remember(&r, &seg);
		if (flow_table_add(t, &seg, fr.number) != 0)
			abort();
	}
	flow_table_finish(t);
	const struct flow_stats *st = flow_table_stats(t);
	if (st->segments != segments || st->gaps != r.gaps || st->gap_bytes != r.gap_bytes ||
	    st->flows > segments)
		abort();
	flow_table_free(t, free);
	reassembly_free(&r);
	capture_close(c);
	return frames;
}

/* ---- pass 2: RPC messages, decoded and re-encoded --------------------------------------------- */

struct messages {
	const struct options *o;
	uint64_t frames_seen; /* the highest frame number a message named */
	uint64_t messages, warnings;
};

/* Encode m into an exact-size heap buffer; *len gets its size. */
static uint8_t *encode(const struct wire_msg *m, size_t *len)
{
	uint8_t *buf;

	*len = wire_msg_encode(m, NULL, 0);
	if (!(buf = malloc(*len ? *len : 1)) || wire_msg_encode(m, buf, *len) != *len)
		abort();
	return buf;
}

/* A message that decodes re-encodes to bytes that decode and re-encode to the same bytes. */
static void reencode(const struct wire_msg *w, const struct wire_decode_opts *wo)
{
	struct wire_msg again;
	struct wire_error e;
	size_t len, len2;
	uint8_t *enc = encode(w, &len), *enc2;

	if (wire_msg_decode(enc, len, wo, &again, &e) != WIRE_OK)
		abort();
	enc2 = encode(&again, &len2);
	if (len2 != len || memcmp(enc, enc2, len) != 0)
		abort();
	wire_msg_free(&again);
	free(enc2);
	free(enc);
}

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct messages *x = ctx;
	size_t max_record = x->o->read.max_record ? x->o->read.max_record : 4u << 20;
	struct wire_decode_opts wo = {.reply_proc = m->proc};
	struct wire_msg w;
	struct wire_error e;
	char line[96];

	if (!m->flow || !m->rec || m->len > max_record || m->len < 8 || m->fragments == 0 ||
	    (m->dir != FLOW_TO_SERVER && m->dir != FLOW_TO_CLIENT) || m->first_frame > m->frame ||
	    m->first_frame == 0 || m->msg_type > ONCRPC_REPLY ||
	    (m->matched && (m->msg_type != ONCRPC_REPLY || m->call_frame == 0)))
		abort(); /* (a call may complete after its reply: bytes held to the end go by flow) */
	if (m->frame > x->frames_seen)
		x->frames_seen = m->frame;
	x->messages++;
	if (wire_msg_decode(m->rec, m->len, &wo, &w, &e) == WIRE_OK)
		reencode(&w, &wo);
	if (wire_msg_summary(&w, line, sizeof(line)) != line || strlen(line) >= sizeof(line))
		abort();
	fprintf(sink, "%s\n", line);
	wire_msg_free(&w);
}

static void on_warning(void *ctx, uint64_t frame, const char *text)
{
	struct messages *x = ctx;

	(void)frame;
	if (!text[0])
		abort();
	x->warnings++;
}

/* Pass 2; the statistics go to st for pass 3 to match. */
static uint64_t pass_messages(const uint8_t *cap, size_t len, const struct options *o,
			      uint64_t frames, struct rpc_stats *st)
{
	struct messages x = {.o = o};
	struct rpc_sink rs = {.ctx = &x, .message = on_message, .warning = on_warning};
	struct capture *c;
	char err[512] = "";

	memset(st, 0, sizeof(*st));
	if (!(c = capture_open_memory(cap, len, err, sizeof(err))))
		return 0;
	if (rpc_read_capture(c, &o->read, &rs, st, err, sizeof(err)) != 0 && !err[0])
		abort();
	if (st->frames != frames || x.frames_seen > frames ||
	    st->tcp_frames + st->other_tcp_frames + st->skipped_frames + st->malformed_frames !=
		    st->frames ||
	    st->tcp.segments != st->tcp_frames || st->calls + st->replies > st->records ||
	    st->unmatched_replies > st->replies || st->other_program > st->calls + st->replies ||
	    x.messages != st->calls + st->replies - st->other_program)
		abort();
	capture_close(c);
	return x.messages;
}

/* ---- pass 3: `pcap decode` ------------------------------------------------------------------ */

/* The product's decoder counts what pass 2 counted. */
static void pass_decode(const uint8_t *cap, size_t len, const struct options *o,
			uint64_t messages, const struct rpc_stats *st)
{
	struct decode_opts d = {.format = o->format, .read = o->read, .stats = o->stats};
	struct decode_result res;
	struct capture *c;
	char err[512] = "";

	if (!(c = capture_open_memory(cap, len, err, sizeof(err))))
		return;
	if (pcap_decode_capture(c, &d, sink, sink, &res, err, sizeof(err)) != 0 && !err[0])
		abort();
	if (res.messages != messages || memcmp(&res.st, st, sizeof(*st)) != 0 ||
	    res.undecodable > res.messages || res.warnings < res.undecodable)
		abort();
	capture_close(c);
}

/* Input: the option byte (options_of), then the capture file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_stats st;
	struct options o;
	uint64_t frames, messages;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	o = options_of(data[0]);
	frames = pass_reassembly(data + 1, size - 1, &o);
	messages = pass_messages(data + 1, size - 1, &o, frames, &st);
	pass_decode(data + 1, size - 1, &o, messages, &st);
	return 0;
}
