/* pcap_writer.c - wraps recorded TCP stream bytes in loopback Ethernet/IPv4/TCP frames for pcap. */
#include "pcap_writer.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_HDR_LEN 14u
#define IPV4_HDR_LEN 20u
#define TCP_HDR_LEN 20u
#define TCP_MSS_OPT_LEN 4u /* kind 2, length 4, the MSS */
#define ETHERTYPE_IPV4 0x0800u
#define IPV4_DONT_FRAGMENT 0x4000u
#define IPV4_TTL 64u
#define IPPROTO_TCP_NUM 6u
#define LOOPBACK_ADDR 0x7f000001u /* 127.0.0.1 */
/* The largest frame: an IPv4 datagram of the loopback MTU (65535) behind Ethernet. */
#define FRAME_MAX (ETH_HDR_LEN + IPV4_HDR_LEN + TCP_HDR_LEN + PCAP_WRITER_MSS)

enum tcp_flags {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
};

enum side { CLIENT = 0, SERVER = 1 };

static enum side peer(enum side s)
{
	return s == CLIENT ? SERVER : CLIENT;
}

struct tcp_conn {
	uint16_t port[2];     /* by side */
	uint32_t next_seq[2]; /* the next sequence number each side sends */
	bool closed;
};

/* One frame to write: who sends it, its flags and payload. */
struct segment {
	enum side from;
	uint8_t flags;
	const uint8_t *payload;
	size_t len;
};

struct pcap_writer {
	char *path;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	struct tcp_conn *conns;
	size_t nconns, cap;
	uint16_t ip_id;
	int write_errno; /* a write failed, the file is incomplete: finish reports it */
	char error[256];
	uint8_t frame[FRAME_MAX];
};

static int fail(struct pcap_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pcap_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->error, sizeof(w->error), fmt, ap);
	va_end(ap);
	return -1;
}

const char *pcap_writer_error(const struct pcap_writer *w)
{
	return w ? w->error : "no writer";
}

/* ---- byte order and checksums ------------------------------------------- */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Add big-endian 16-bit words to a one's-complement sum (an odd last byte is padded). */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- frame layout ---------------------------------------------------------- */

static void put_ethernet(uint8_t *p)
{
	memset(p, 0, 12); /* destination and source MAC: loopback has none */
	put16(p + 12, ETHERTYPE_IPV4);
}

static void put_ipv4(uint8_t *p, uint16_t id, size_t total_len)
{
	p[0] = 0x45; /* version 4, 5 words */
	p[1] = 0;    /* DSCP/ECN */
	put16(p + 2, (uint32_t)total_len);
	put16(p + 4, id);
	put16(p + 6, IPV4_DONT_FRAGMENT);
	p[8] = IPV4_TTL;
	p[9] = IPPROTO_TCP_NUM;
	put16(p + 10, 0);
	put32(p + 12, LOOPBACK_ADDR);
	put32(p + 16, LOOPBACK_ADDR);
	put16(p + 10, csum_fold(csum_add(0, p, IPV4_HDR_LEN)));
}

/* RFC 9293 s3.1: the checksum covers a pseudo-header (addresses, protocol, length). */
static uint16_t tcp_checksum(const uint8_t *tcp, size_t len)
{
	uint8_t pseudo[12];

	put32(pseudo, LOOPBACK_ADDR);
	put32(pseudo + 4, LOOPBACK_ADDR);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP_NUM;
	put16(pseudo + 10, (uint32_t)len);
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), tcp, len));
}

/* The TCP header (with the MSS option on SYNs) and payload; returns the segment length. */
static size_t put_tcp(uint8_t *p, const struct tcp_conn *c, const struct segment *s)
{
	size_t hdr_len = TCP_HDR_LEN + (s->flags & TCP_SYN ? TCP_MSS_OPT_LEN : 0);
	enum side to = peer(s->from);

	put16(p, c->port[s->from]);
	put16(p + 2, c->port[to]);
	put32(p + 4, c->next_seq[s->from]);
	put32(p + 8, s->flags & TCP_ACK ? c->next_seq[to] : 0);
	p[12] = (uint8_t)(hdr_len / 4 << 4);
	p[13] = s->flags;
	put16(p + 14, PCAP_WRITER_WINDOW);
	put16(p + 16, 0); /* checksum, filled below */
	put16(p + 18, 0); /* urgent pointer */
	if (s->flags & TCP_SYN) {
		p[20] = 2; /* kind: maximum segment size */
		p[21] = TCP_MSS_OPT_LEN;
		put16(p + 22, PCAP_WRITER_MSS);
	}
	if (s->len)
		memcpy(p + hdr_len, s->payload, s->len);
	put16(p + 16, tcp_checksum(p, hdr_len + s->len));
	return hdr_len + s->len;
}

/* ---- writing frames ---------------------------------------------------------- */

static int emit(struct pcap_writer *w, struct tcp_conn *c, const struct segment *s,
		const struct timeval *t)
{
	uint8_t *ip = w->frame + ETH_HDR_LEN;
	size_t tcp_len = put_tcp(ip + IPV4_HDR_LEN, c, s);
	struct pcap_pkthdr h = {.ts = *t};

	put_ethernet(w->frame);
	put_ipv4(ip, w->ip_id++, IPV4_HDR_LEN + tcp_len);
	h.caplen = h.len = (bpf_u_int32)(ETH_HDR_LEN + IPV4_HDR_LEN + tcp_len);
	errno = 0;
	pcap_dump((u_char *)w->dumper, &h, w->frame);
	if (ferror(pcap_dump_file(w->dumper))) {
		w->write_errno = errno ? errno : EIO;
		return fail(w, "%s: write failed: %s", w->path, strerror(w->write_errno));
	}
	/* SYN and FIN each take one sequence number. */
	c->next_seq[s->from] += (uint32_t)s->len + !!(s->flags & (TCP_SYN | TCP_FIN));
	return 0;
}

static int emit_flags(struct pcap_writer *w, struct tcp_conn *c, enum side from, uint8_t flags,
		      const struct timeval *t)
{
	const struct segment s = {.from = from, .flags = flags};

	return emit(w, c, &s, t);
}

/* ---- connections ----------------------------------------------------------------- */

/* A deterministic, well-mixed initial sequence number (murmur3's finaliser). */
static uint32_t initial_seq(uint16_t cport, uint16_t sport, size_t id, enum side side)
{
	uint32_t x = ((uint32_t)cport << 16 | sport) ^ (uint32_t)id * 0x9e3779b9u;

	x ^= side == SERVER ? 0x5bd1e995u : 0;
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

static struct tcp_conn *new_conn(struct pcap_writer *w)
{
	if (w->nconns == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct tcp_conn *p;

		if (cap > INT_MAX)
			return NULL;
		p = realloc(w->conns, cap * sizeof(*p));
		if (!p)
			return NULL;
		w->conns = p;
		w->cap = cap;
	}
	return &w->conns[w->nconns++];
}

/* The open connection conn, or NULL with the error set. */
static struct tcp_conn *lookup(struct pcap_writer *w, int conn)
{
	if (conn < 0 || (size_t)conn >= w->nconns) {
		fail(w, "no connection %d", conn);
		return NULL;
	}
	if (w->conns[conn].closed) {
		fail(w, "connection %d is closed", conn);
		return NULL;
	}
	return &w->conns[conn];
}

static int check_call(struct pcap_writer *w, const struct timeval *t)
{
	if (!w)
		return -1;
	w->error[0] = '\0';
	if (w->write_errno)
		return fail(w, "%s: an earlier write failed: %s", w->path,
			    strerror(w->write_errno));
	if (!t)
		return fail(w, "no timestamp");
	return 0;
}

int pcap_writer_connect(struct pcap_writer *w, uint16_t cport, uint16_t sport,
			const struct timeval *t)
{
	struct tcp_conn *c;
	size_t id;

	if (check_call(w, t) < 0)
		return -1;
	id = w->nconns;
	c = new_conn(w);
	if (!c)
		return fail(w, "cannot allocate connection %zu", id);
	*c = (struct tcp_conn){.port = {cport, sport}};
	c->next_seq[CLIENT] = initial_seq(cport, sport, id, CLIENT);
	c->next_seq[SERVER] = initial_seq(cport, sport, id, SERVER);
	if (emit_flags(w, c, CLIENT, TCP_SYN, t) < 0 ||
	    emit_flags(w, c, SERVER, TCP_SYN | TCP_ACK, t) < 0 ||
	    emit_flags(w, c, CLIENT, TCP_ACK, t) < 0)
		return -1;
	return (int)id;
}

int pcap_writer_data(struct pcap_writer *w, int conn, int from_server, const uint8_t *bytes,
		     size_t len, const struct timeval *t)
{
	enum side from = from_server ? SERVER : CLIENT;
	struct tcp_conn *c;

	if (check_call(w, t) < 0)
		return -1;
	c = lookup(w, conn);
	if (!c)
		return -1;
	if (!bytes && len)
		return fail(w, "no data");
	for (size_t off = 0; off < len; off += PCAP_WRITER_MSS) {
		size_t n = len - off < PCAP_WRITER_MSS ? len - off : PCAP_WRITER_MSS;
		const struct segment s = {.from = from, .flags = TCP_PSH | TCP_ACK,
					  .payload = bytes + off, .len = n};

		if (emit(w, c, &s, t) < 0 || emit_flags(w, c, peer(from), TCP_ACK, t) < 0)
			return -1;
	}
	return 0;
}

int pcap_writer_close(struct pcap_writer *w, int conn, int from_server, int reset,
		      const struct timeval *t)
{
	enum side from = from_server ? SERVER : CLIENT;
	struct tcp_conn *c;
	int rc;

	if (check_call(w, t) < 0)
		return -1;
	c = lookup(w, conn);
	if (!c)
		return -1;
	if (reset)
		rc = emit_flags(w, c, from, TCP_RST | TCP_ACK, t);
	else if (emit_flags(w, c, from, TCP_FIN | TCP_ACK, t) < 0 ||
		 emit_flags(w, c, peer(from), TCP_FIN | TCP_ACK, t) < 0)
		rc = -1;
	else
		rc = emit_flags(w, c, from, TCP_ACK, t);
	c->closed = true;
	return rc;
}

/* ---- the file ------------------------------------------------------------------------ */

static void writer_free(struct pcap_writer *w)
{
	if (w->dead)
		pcap_close(w->dead);
	free(w->conns);
	free(w->path);
	free(w);
}

struct pcap_writer *pcap_writer_open(const char *path, char *err, size_t errlen)
{
	struct pcap_writer *w;

	if (!path) {
		snprintf(err, errlen, "no capture path");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w)
		w->path = strdup(path);
	if (!w || !w->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(w);
		return NULL;
	}
	/*
	 * The snap length is the largest frame written (65549 bytes): at 65535,
	 * readers would cut the 14 bytes of Ethernet header off every full segment.
	 */
	w->dead = pcap_open_dead(DLT_EN10MB, (int)FRAME_MAX);
	if (!w->dead) {
		snprintf(err, errlen, "%s: pcap_open_dead failed", path);
		writer_free(w);
		return NULL;
	}
	w->dumper = pcap_dump_open(w->dead, path);
	if (!w->dumper) {
		snprintf(err, errlen, "%s", pcap_geterr(w->dead));
		writer_free(w);
		return NULL;
	}
	return w;
}

int pcap_writer_finish(struct pcap_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (!w) {
		snprintf(err, errlen, "no writer");
		return -1;
	}
	errno = 0;
	if (!w->write_errno && pcap_dump_flush(w->dumper) < 0)
		w->write_errno = errno ? errno : EIO;
	if (w->write_errno) {
		snprintf(err, errlen, "%s: write failed: %s", w->path, strerror(w->write_errno));
		rc = -1;
	}
	pcap_dump_close(w->dumper);
	writer_free(w);
	return rc;
}
