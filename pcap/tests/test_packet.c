/* test_packet.c - the packet layer: hand-built frames of every link type, VLAN tags, IPv6
 * extension headers, Ethernet padding, snaplen truncation, frames cut at every byte offset,
 * skipped and malformed frames, and one real capture read with libpcap. Every frame is parsed
 * from an exact-size heap copy so the ASan build catches any read past caplen. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "test_main.h"

#define REAL_CAPTURE NFS41_SHARED_DIR "/pcaps/ganesha-session-lifecycle.pcap"

/* ---- frame builder ------------------------------------------------------ */

struct frame {
	uint8_t b[512];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t n)
{
	if (f->n + n > sizeof(f->b))
		abort(); /* a test bug, not a finding */
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct frame *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void put_zeros(struct frame *f, size_t n)
{
	while (n--)
		put8(f, 0);
}

static const uint8_t v4_cli[4] = {10, 0, 0, 1};
static const uint8_t v4_srv[4] = {10, 0, 0, 2};
static const uint8_t v6_cli[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t v6_srv[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

/* A TCP segment to build, and what the parser must find in it. */
struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	size_t optlen;       /* multiple of 4: NOP options */
	const char *payload;
};

static const struct seg hello = {
	.sport = 700, .dport = 2049, .seq = 0x01020304, .ack = 0xa0b0c0d0,
	.flags = PKT_TCP_PSH | PKT_TCP_ACK, .payload = "hello, nfs",
};

static size_t seg_len(const struct seg *s) { return 20 + s->optlen + strlen(s->payload); }

static void put_tcp(struct frame *f, const struct seg *s)
{
	put16(f, s->sport);
	put16(f, s->dport);
	put32(f, s->seq);
	put32(f, s->ack);
	put8(f, (unsigned)(5 + s->optlen / 4) << 4);
	put8(f, s->flags);
	put16(f, 65535); /* window */
	put16(f, 0);     /* checksum: not checked (offload leaves it wrong in captures) */
	put16(f, 0);     /* urgent pointer */
	for (size_t i = 0; i < s->optlen; i++)
		put8(f, 1);      /* NOP */
	put(f, s->payload, strlen(s->payload));
}

/* IPv4 header (no options) for l4len bytes of protocol proto; frag: flags and offset field. */
static void put_ipv4(struct frame *f, unsigned proto, size_t l4len, unsigned frag)
{
	put8(f, 0x45);
	put8(f, 0);
	put16(f, (unsigned)(20 + l4len));
	put16(f, 1); /* id */
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, v4_cli, 4);
	put(f, v4_srv, 4);
}

static void put_ipv6(struct frame *f, unsigned next, size_t plen)
{
	put32(f, 0x60000000);
	put16(f, (unsigned)plen);
	put8(f, next);
	put8(f, 64);
	put(f, v6_cli, 16);
	put(f, v6_srv, 16);
}

static void put_eth(struct frame *f, unsigned type)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};

	put(f, macs, sizeof(macs));
	put16(f, type);
}

/* A VLAN tag after a tagged EtherType: tag control (vid), then the next EtherType. */
static void put_vlan(struct frame *f, unsigned vid, unsigned next)
{
	put16(f, vid);
	put16(f, next);
}

static void put_sll(struct frame *f, unsigned proto)
{
	put16(f, 0);   /* to us */
	put16(f, 772); /* ARPHRD_LOOPBACK */
	put16(f, 6);
	put_zeros(f, 8);
	put16(f, proto);
}

static void put_sll2(struct frame *f, unsigned proto)
{
	put16(f, proto);
	put16(f, 0);   /* reserved */
	put32(f, 1);   /* ifindex */
	put16(f, 772);
	put8(f, 0);
	put8(f, 6);
	put_zeros(f, 8);
}

static void put_family(struct frame *f, uint32_t family, bool little_endian)
{
	if (!little_endian) {
		put32(f, family);
		return;
	}
	for (int i = 0; i < 4; i++)
		put8(f, (family >> (8 * i)) & 0xff);
}

/* Link headers of the templates below. */
enum link { L_ETH, L_VLAN2, L_SLL, L_SLL2, L_NULL_LE, L_LOOP, L_RAW };

static int link_put(struct frame *f, enum link l, int ip_version)
{
	unsigned type = ip_version == 4 ? 0x0800 : 0x86dd;
	uint32_t family = ip_version == 4 ? 2 : 28;

	switch (l) {
	case L_ETH: put_eth(f, type); return DLT_EN10MB;
	case L_VLAN2: put_eth(f, 0x88a8); put_vlan(f, 10, 0x8100); put_vlan(f, 20, type);
		return DLT_EN10MB;
	case L_SLL: put_sll(f, type); return DLT_LINUX_SLL;
	case L_SLL2: put_sll2(f, type); return DLT_LINUX_SLL2;
	case L_NULL_LE: put_family(f, family, true); return DLT_NULL;
	case L_LOOP: put_family(f, family, false); return DLT_LOOP;
	case L_RAW: return DLT_RAW;
	}
	return -1;
}

/* IPv6 with a hop-by-hop header (8 bytes) and destination options (16 bytes) before TCP. */
static void put_ipv6_ext(struct frame *f, size_t l4len)
{
	put_ipv6(f, 0, 8 + 16 + l4len);
	put8(f, 60);
	put8(f, 0);
	put_zeros(f, 6);
	put8(f, 6);
	put8(f, 1);
	put_zeros(f, 14);
}

/* link + IP + TCP segment s; returns the link type, *hdr = bytes before the payload. */
static int build(struct frame *f, enum link l, int ip_version, bool ext, const struct seg *s,
		 size_t *hdr)
{
	int linktype = link_put(f, l, ip_version);

	if (ip_version == 4)
		put_ipv4(f, 6, seg_len(s), 0);
	else if (ext)
		put_ipv6_ext(f, seg_len(s));
	else
		put_ipv6(f, 6, seg_len(s));
	*hdr = f->n + 20 + s->optlen;
	put_tcp(f, s);
	return linktype;
}

/* ---- parsing and checking ----------------------------------------------- */

struct parsed {
	enum pkt_kind kind;
	struct pkt_tcp tcp;
	char why[200];
	uint8_t *copy; /* the bytes parsed; tcp.payload points into them */
};

/* Parse an exact-size heap copy of the first caplen bytes of f. Free with done(). */
static void parse(struct parsed *r, int linktype, const struct frame *f, size_t caplen,
		  size_t wirelen)
{
	memset(r, 0, sizeof(*r));
	r->copy = test_exact_copy(f->b, caplen);
	r->kind = pkt_parse(linktype, r->copy, caplen, wirelen, &r->tcp, r->why, sizeof(r->why));
}

static void done(struct parsed *r)
{
	free(r->copy);
	r->copy = NULL;
}

/* The parse found segment s over IP version v with payload_len bytes of its payload present. */
static bool expect_tcp(const struct parsed *r, const struct seg *s, int v, size_t payload_len,
		       const char *what)
{
	const struct pkt_tcp *t = &r->tcp;
	size_t wire = strlen(s->payload);
	const uint8_t *src = v == 4 ? v4_cli : v6_cli, *dst = v == 4 ? v4_srv : v6_srv;
	size_t alen = v == 4 ? 4 : 16;
	static const uint8_t zero[PKT_ADDR_MAX];

	if (!CHECK(r->kind == PKT_TCP, "%s: kind %d (%s)", what, r->kind, r->why))
		return false;
	return CHECK(r->why[0] == '\0', "%s: why \"%s\" on PKT_TCP", what, r->why) &&
	       CHECK(t->ip_version == v, "%s: ip_version %d", what, t->ip_version) &&
	       CHECK(memcmp(t->src, src, alen) == 0 && memcmp(t->dst, dst, alen) == 0 &&
			     memcmp(t->src + alen, zero, PKT_ADDR_MAX - alen) == 0,
		     "%s: addresses", what) &&
	       CHECK(t->sport == s->sport && t->dport == s->dport, "%s: ports %u > %u", what,
		     t->sport, t->dport) &&
	       CHECK(t->seq == s->seq && t->ack == s->ack && t->flags == s->flags,
		     "%s: seq %u ack %u flags 0x%02x", what, t->seq, t->ack, t->flags) &&
	       CHECK(t->payload_len == payload_len && t->payload_wire_len == wire &&
			     t->truncated == (payload_len < wire),
		     "%s: payload %zu of %zu (want %zu of %zu), truncated %d", what,
		     t->payload_len, t->payload_wire_len, payload_len, wire, t->truncated) &&
	       CHECK(payload_len == 0 || memcmp(t->payload, s->payload, payload_len) == 0,
		     "%s: payload bytes", what);
}

/* out is all zero (what pkt_parse leaves there unless it found TCP). */
static bool cleared(const struct pkt_tcp *t)
{
	static const uint8_t zero[PKT_ADDR_MAX];

	return t->ip_version == 0 && memcmp(t->src, zero, sizeof(zero)) == 0 &&
	       memcmp(t->dst, zero, sizeof(zero)) == 0 && t->sport == 0 && t->dport == 0 &&
	       t->seq == 0 && t->ack == 0 && t->flags == 0 && t->payload == NULL &&
	       t->payload_len == 0 && t->payload_wire_len == 0 && !t->truncated;
}

static bool expect(const struct parsed *r, enum pkt_kind kind, const char *why, const char *what)
{
	return CHECK(r->kind == kind, "%s: kind %d, want %d (%s)", what, r->kind, kind, r->why) &&
	       CHECK(strstr(r->why, why) != NULL, "%s: why \"%s\" lacks \"%s\"", what, r->why, why) &&
	       CHECK(cleared(&r->tcp), "%s: out not cleared", what);
}

/* The whole frame f parses as segment s. */
static void check_whole(int linktype, const struct frame *f, const struct seg *s, int v,
			const char *what)
{
	struct parsed r;

	parse(&r, linktype, f, f->n, f->n);
	expect_tcp(&r, s, v, strlen(s->payload), what);
	done(&r);
}

/* ---- tests: link types -------------------------------------------------- */

static void test_ethernet_ipv4(void)
{
	struct frame f = {0};
	struct parsed r;
	size_t hdr;
	char buf[64];

	build(&f, L_ETH, 4, false, &hello, &hdr);
	CHECK(hdr == 54, "header bytes %zu", hdr);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect_tcp(&r, &hello, 4, strlen(hello.payload), "Ethernet IPv4");
	CHECK(r.tcp.payload == r.copy + 54, "payload points into the frame at 54");
	CHECK(strcmp(pkt_addr_str(4, r.tcp.src, buf, sizeof(buf)), "10.0.0.1") == 0, "src %s", buf);
	done(&r);
}

static void test_every_link_type(void)
{
	static const struct { enum link l; const char *name; } links[] = {
		{L_ETH, "Ethernet"}, {L_VLAN2, "802.1ad+802.1Q"}, {L_SLL, "SLL"},
		{L_SLL2, "SLL2"}, {L_NULL_LE, "NULL"}, {L_LOOP, "LOOP"}, {L_RAW, "raw"},
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int v = 4; v <= 6; v += 2) {
			int last_ext = v == 6 ? 1 : 0; /* IPv6 with and without */

			for (int ext = 0; ext <= last_ext; ext++) {
				struct frame f = {0};
				char what[64];
				size_t hdr;
				int lt = build(&f, links[i].l, v, ext, &hello, &hdr);

				snprintf(what, sizeof(what), "%s IPv%d%s", links[i].name, v,
					 ext ? " + extension headers" : "");
				check_whole(lt, &f, &hello, v, what);
			}
		}
	}
}

static void test_raw_link_types(void)
{
	static const int types[] = {DLT_RAW, PKT_LINKTYPE_RAW, DLT_IPV4, DLT_IPV6};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (int v = 4; v <= 6; v += 2) {
			struct frame f = {0};
			char what[64];
			size_t hdr;

			build(&f, L_RAW, v, false, &hello, &hdr);
			snprintf(what, sizeof(what), "link type %d IPv%d", types[i], v);
			check_whole(types[i], &f, &hello, v, what);
		}
	}
}

static void test_vlan_tags(void)
{
	/* One 802.1Q tag; the pre-standard 0x9100 outer tag over 802.1Q; three stacked. */
	static const unsigned stacks[][4] = {
		{0x8100, 0}, {0x9100, 0x8100, 0}, {0x88a8, 0x8100, 0x8100, 0},
	};

	for (size_t i = 0; i < sizeof(stacks) / sizeof(stacks[0]); i++) {
		for (int v = 4; v <= 6; v += 2) {
			struct frame f = {0};
			char what[64];

			put_eth(&f, stacks[i][0]);
			for (size_t t = 1; stacks[i][t - 1]; t++)
				put_vlan(&f, (unsigned)(100 + t),
					 stacks[i][t] ? stacks[i][t] : (v == 4 ? 0x0800u : 0x86ddu));
			if (v == 4)
				put_ipv4(&f, 6, seg_len(&hello), 0);
			else
				put_ipv6(&f, 6, seg_len(&hello));
			put_tcp(&f, &hello);
			snprintf(what, sizeof(what), "VLAN stack %zu IPv%d", i, v);
			check_whole(DLT_EN10MB, &f, &hello, v, what);
		}
	}
}

static void test_bsd_loopback_families(void)
{
	static const struct { int linktype; uint32_t family; bool le; int v; } cases[] = {
		{DLT_NULL, 2, true, 4},   {DLT_NULL, 2, false, 4},  {DLT_NULL, 24, true, 6},
		{DLT_NULL, 28, false, 6}, {DLT_NULL, 30, true, 6},  {DLT_LOOP, 2, false, 4},
		{DLT_LOOP, 24, false, 6}, {DLT_LOOP, 30, false, 6},
	};
	struct frame f = {0};
	struct parsed r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64];

		f.n = 0;
		put_family(&f, cases[i].family, cases[i].le);
		if (cases[i].v == 4)
			put_ipv4(&f, 6, seg_len(&hello), 0);
		else
			put_ipv6(&f, 6, seg_len(&hello));
		put_tcp(&f, &hello);
		snprintf(what, sizeof(what), "link %d family %u %s", cases[i].linktype,
			 cases[i].family, cases[i].le ? "LE" : "BE");
		check_whole(cases[i].linktype, &f, &hello, cases[i].v, what);
	}
	/* AF_INET6 of Linux (10) is no BSD family; DLT_LOOP is network order only. */
	f.n = 0;
	put_family(&f, 10, true);
	put_ipv6(&f, 6, seg_len(&hello));
	put_tcp(&f, &hello);
	parse(&r, DLT_NULL, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "family 10", "NULL family 10");
	done(&r);
	f.n = 0;
	put_family(&f, 2, true);
	put_ipv4(&f, 6, seg_len(&hello), 0);
	put_tcp(&f, &hello);
	parse(&r, DLT_LOOP, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "BSD loopback address family", "LOOP little-endian");
	done(&r);
}

static void test_ipv6_extension_headers(void)
{
	struct frame f = {0};
	struct parsed r;
	size_t l4 = seg_len(&hello);

	/* routing (43, 8 bytes) -> AH (51, (4 + 2) * 4 = 24 bytes) -> TCP */
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 43, 8 + 24 + l4);
	put8(&f, 51);
	put8(&f, 0);
	put_zeros(&f, 6);
	put8(&f, 6);
	put8(&f, 4);
	put_zeros(&f, 22);
	put_tcp(&f, &hello);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect_tcp(&r, &hello, 6, strlen(hello.payload), "routing + AH");
	CHECK(r.tcp.payload == r.copy + 14 + 40 + 32 + 20, "payload after the chain");
	done(&r);

	/* A fragment header (even the first fragment) is skipped. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 44, 8 + l4);
	put8(&f, 6);
	put8(&f, 0);
	put16(&f, 1); /* offset 0, M set */
	put32(&f, 7);
	put_tcp(&f, &hello);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "IPv6 fragment", "IPv6 fragment");
	done(&r);

	/* Destination options claiming 16 bytes where the payload length leaves 8. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 60, 8);
	put8(&f, 6);
	put8(&f, 1);
	put_zeros(&f, 14);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_MALFORMED, "IPv6 extension header of 16 bytes at offset 54 runs past",
	       "extension header past the payload length");
	done(&r);
}

/* ---- tests: lengths ----------------------------------------------------- */

/* Frames under 60 bytes are padded on Ethernet; the padding is no payload. */
static void test_ethernet_padding(void)
{
	struct seg ack = hello, two = hello;
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	ack.payload = "";
	ack.flags = PKT_TCP_ACK;
	build(&f, L_ETH, 4, false, &ack, &hdr);
	put_zeros(&f, 60 - f.n);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect_tcp(&r, &ack, 4, 0, "pure ACK padded to 60");
	done(&r);

	two.payload = "ab";
	f.n = 0;
	build(&f, L_ETH, 4, false, &two, &hdr);
	put8(&f, 0xee);
	put8(&f, 0xee);
	put8(&f, 0xee);
	put8(&f, 0xee);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect_tcp(&r, &two, 4, 2, "2-byte payload padded to 60");
	done(&r);

	/* IPv6 with a trailing frame check sequence: the payload length bounds the segment. */
	f.n = 0;
	build(&f, L_ETH, 6, false, &hello, &hdr);
	put32(&f, 0xdeadbeef);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect_tcp(&r, &hello, 6, strlen(hello.payload), "IPv6 with an FCS trailer");
	done(&r);
}

static void test_snaplen_truncation(void)
{
	static const char big[] = "0123456789abcdef0123456789abcdef0123456789abcdef"
				  "0123456789abcdef0123456789abcdef0123456789abcdef";
	struct seg s = hello;
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	s.payload = big;
	for (int v = 4; v <= 6; v += 2) {
		f.n = 0;
		build(&f, L_ETH, v, false, &s, &hdr);
		parse(&r, DLT_EN10MB, &f, 96, f.n); /* tcpdump's old default snaplen */
		expect_tcp(&r, &s, v, 96 - hdr, v == 4 ? "snaplen 96 IPv4" : "snaplen 96 IPv6");
		CHECK(r.tcp.truncated && r.tcp.payload_wire_len == strlen(big), "truncated");
		done(&r);
	}
}

/* A frame that was short on the wire too (caplen == wirelen) is damaged, not truncated. */
static void test_short_on_the_wire(void)
{
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	build(&f, L_ETH, 4, false, &hello, &hdr);
	parse(&r, DLT_EN10MB, &f, f.n - 3, f.n - 3);
	expect(&r, PKT_MALFORMED, "IPv4 total length 50 exceeds the 47 bytes", "short IPv4");
	done(&r);
	f.n = 0;
	build(&f, L_ETH, 6, false, &hello, &hdr);
	parse(&r, DLT_EN10MB, &f, f.n - 1, f.n - 1);
	expect(&r, PKT_MALFORMED, "IPv6 payload length 30 exceeds", "short IPv6");
	done(&r);
}

/* Cut a valid frame at every byte: inside the headers it is malformed, after them a truncated
 * segment; no cut may read past caplen (the copies are exact-size: ASan watches). */
static void cut_everywhere(enum link l, int v, bool ext, const struct seg *s, const char *name)
{
	struct frame f = {0};
	size_t hdr;
	int linktype = build(&f, l, v, ext, s, &hdr);

	for (size_t n = 0; n <= f.n; n++) {
		struct parsed r;
		char what[96];

		snprintf(what, sizeof(what), "%s cut at %zu of %zu", name, n, f.n);
		parse(&r, linktype, &f, n, f.n);
		if (n < hdr)
			expect(&r, PKT_MALFORMED, "frame ends inside the ", what);
		else
			expect_tcp(&r, s, v, n - hdr, what);
		done(&r);
	}
}

static void test_cut_at_every_offset(void)
{
	struct seg opts = hello;
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	opts.optlen = 12;
	cut_everywhere(L_ETH, 4, false, &hello, "Ethernet/IPv4/TCP");
	cut_everywhere(L_ETH, 4, false, &opts, "Ethernet/IPv4/TCP with options");
	cut_everywhere(L_VLAN2, 6, true, &opts, "QinQ/IPv6+ext/TCP with options");
	cut_everywhere(L_SLL, 4, false, &hello, "SLL/IPv4");
	cut_everywhere(L_SLL2, 6, false, &hello, "SLL2/IPv6");
	cut_everywhere(L_NULL_LE, 6, true, &hello, "NULL/IPv6+ext");
	cut_everywhere(L_LOOP, 4, false, &hello, "LOOP/IPv4");
	cut_everywhere(L_RAW, 4, false, &opts, "raw/IPv4");
	cut_everywhere(L_RAW, 6, false, &hello, "raw/IPv6");

	/* The messages name the header and the bytes present of those needed. */
	build(&f, L_ETH, 4, false, &hello, &hdr);
	parse(&r, DLT_EN10MB, &f, 34, f.n);
	expect(&r, PKT_MALFORMED, "frame ends inside the TCP header (34 of 54 bytes)", "cut at 34");
	done(&r);
	parse(&r, DLT_EN10MB, &f, 20, f.n);
	expect(&r, PKT_MALFORMED, "frame ends inside the IPv4 header (20 of 34 bytes)", "cut at 20");
	done(&r);
	parse(&r, DLT_EN10MB, &f, 13, f.n);
	expect(&r, PKT_MALFORMED, "frame ends inside the Ethernet header (13 of 14 bytes)", "at 13");
	done(&r);
	f.n = 0;
	build(&f, L_ETH, 6, true, &hello, &hdr); /* destination options at 62..78 */
	parse(&r, DLT_EN10MB, &f, 70, f.n);
	expect(&r, PKT_MALFORMED, "frame ends inside the IPv6 extension header (70 of 78 bytes)",
	       "cut in the destination options");
	done(&r);
	f.n = 0;
	put_eth(&f, 0x8100);
	put_vlan(&f, 1, 0x0800);
	parse(&r, DLT_EN10MB, &f, 16, 60);
	expect(&r, PKT_MALFORMED, "frame ends inside the VLAN tag (16 of 18 bytes)", "VLAN cut");
	done(&r);
}

/* ---- tests: malformed and skipped --------------------------------------- */

/* Build Ethernet/IPv4/TCP hello, let edit() damage it, expect malformed with why. */
static void damaged(size_t at, uint8_t value, const char *why)
{
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	build(&f, L_ETH, 4, false, &hello, &hdr);
	f.b[at] = value;
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_MALFORMED, why, why);
	done(&r);
}

static void test_malformed_headers(void)
{
	struct frame f = {0};
	struct parsed r;
	size_t hdr;

	damaged(14, 0x43, "IPv4 header length 12 < 20 at offset 14");
	damaged(14, 0x55, "IPv4 header with version 5 at offset 14");
	damaged(14, 0x4f, "frame ends inside the IPv4 header (64 of 74 bytes)");
	damaged(17, 19, "IPv4 total length 19 < header length 20 at offset 14");
	damaged(17, 30, "TCP segment of 10 bytes < 20-byte header at offset 34");
	damaged(46, 0x40, "TCP header length 16 < 20 at offset 34");
	damaged(46, 0xf0, "TCP header length 60 exceeds the 30-byte segment at offset 34");

	build(&f, L_ETH, 6, false, &hello, &hdr);
	f.b[14] = 0x40;
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_MALFORMED, "IPv6 header with version 4 at offset 14", "IPv6 version");
	done(&r);

	f.n = 0;
	build(&f, L_RAW, 4, false, &hello, &hdr);
	f.b[0] = 0x55;
	parse(&r, DLT_RAW, &f, f.n, f.n);
	expect(&r, PKT_MALFORMED, "raw IP packet with version 5 at offset 0", "raw version");
	done(&r);
	parse(&r, DLT_RAW, &f, 0, 0);
	expect(&r, PKT_MALFORMED, "frame ends inside the IP header (0 of 1 bytes)", "empty raw");
	done(&r);

	/* Without a why buffer the verdict still comes back. */
	CHECK(pkt_parse(DLT_EN10MB, f.b, 10, 10, &r.tcp, NULL, 0) == PKT_MALFORMED, "why NULL");
}

static void test_skipped(void)
{
	struct frame f = {0};
	struct parsed r;

	put_eth(&f, 0x0800);
	put_ipv4(&f, 17, 8 + 4, 0);
	put16(&f, 700);
	put16(&f, 2049);
	put16(&f, 12);
	put16(&f, 0);
	put32(&f, 0);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "IPv4 protocol 17 (UDP), not TCP", "UDP");
	done(&r);

	f.n = 0;
	put_eth(&f, 0x0806);
	put16(&f, 1);
	put16(&f, 0x0800);
	put_zeros(&f, 24);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "ARP", "ARP");
	done(&r);

	for (int i = 0; i < 2; i++) {
		unsigned frag = i == 0 ? 0x2000 : 0x00b9; /* MF, first; no MF, offset 1480 */

		f.n = 0;
		put_eth(&f, 0x0800);
		put_ipv4(&f, 6, seg_len(&hello), frag);
		put_tcp(&f, &hello);
		parse(&r, DLT_EN10MB, &f, f.n, f.n);
		expect(&r, PKT_SKIPPED, i == 0 ? "IPv4 fragment (offset 0, more follow)"
					       : "IPv4 fragment (offset 1480)", "IPv4 fragment");
		CHECK(strstr(r.why, "reassembly is not supported") != NULL, "says why: %s", r.why);
		done(&r);
	}

	f.n = 0;
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 58, 8);
	put_zeros(&f, 8);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "IPv6 next header 58 (ICMPv6)", "ICMPv6");
	done(&r);

	f.n = 0;
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 0, 0);
	put_zeros(&f, 8);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "jumbogram", "jumbogram");
	done(&r);

	f.n = 0;
	put_eth(&f, 0x0026); /* 802.3 length */
	put_zeros(&f, 46);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "802.3/LLC", "802.3");
	done(&r);

	f.n = 0;
	put_eth(&f, 0x88cc); /* LLDP */
	put_zeros(&f, 46);
	parse(&r, DLT_EN10MB, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "EtherType 0x88cc", "LLDP");
	done(&r);

	parse(&r, 105 /* IEEE 802.11 */, &f, f.n, f.n);
	expect(&r, PKT_SKIPPED, "link type 105 is not supported", "802.11");
	done(&r);
}

static void test_addr_str(void)
{
	static const uint8_t lo4[PKT_ADDR_MAX] = {127, 0, 0, 1};
	static const uint8_t lo6[PKT_ADDR_MAX] = {[15] = 1};
	char buf[64], tiny[4];

	CHECK(strcmp(pkt_addr_str(4, lo4, buf, sizeof(buf)), "127.0.0.1") == 0, "v4 %s", buf);
	CHECK(strcmp(pkt_addr_str(6, lo6, buf, sizeof(buf)), "::1") == 0, "v6 %s", buf);
	CHECK(strcmp(pkt_addr_str(6, v6_srv, buf, sizeof(buf)), "2001:db8::2") == 0, "%s", buf);
	CHECK(strcmp(pkt_addr_str(4, lo4, tiny, sizeof(tiny)), "?") == 0, "too small");
	CHECK(strcmp(pkt_addr_str(5, lo4, buf, sizeof(buf)), "?") == 0, "version 5");
}

/* ---- a real capture ----------------------------------------------------- */

/* tshark 4.0 on the same file: 40 frames, 2916 TCP payload bytes, 2 SYN-only frames, and
 * frame 1 a SYN with raw sequence number 2124025494. */
static void test_real_capture(void)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline(REAL_CAPTURE, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t frames = 0, bytes = 0, syns = 0;
	uint32_t first_seq = 0;
	int rc;

	if (!CHECK(p != NULL, "%s: %s", REAL_CAPTURE, err))
		return;
	CHECK(pcap_datalink(p) == DLT_EN10MB, "link type %d", pcap_datalink(p));
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		struct frame f = {0};
		struct parsed r;

		frames++;
		if (!CHECK(h->caplen <= sizeof(f.b), "frame %zu: caplen %u", frames, h->caplen))
			break;
		put(&f, data, h->caplen);
		parse(&r, pcap_datalink(p), &f, h->caplen, h->len);
		if (CHECK(r.kind == PKT_TCP, "frame %zu: %d %s", frames, r.kind, r.why)) {
			char a[64], b[64];

			CHECK(r.tcp.sport == 2049 || r.tcp.dport == 2049, "frame %zu: ports %u %u",
			      frames, r.tcp.sport, r.tcp.dport);
			CHECK(r.tcp.ip_version == 4 && !r.tcp.truncated &&
				      strcmp(pkt_addr_str(4, r.tcp.src, a, sizeof(a)), "127.0.0.1") == 0 &&
				      strcmp(pkt_addr_str(4, r.tcp.dst, b, sizeof(b)), "127.0.0.1") == 0,
			      "frame %zu: IPv%d %s > %s truncated %d", frames, r.tcp.ip_version, a, b,
			      r.tcp.truncated);
			bytes += r.tcp.payload_len;
			syns += r.tcp.flags == PKT_TCP_SYN;
			if (frames == 1)
				first_seq = r.tcp.seq;
		}
		done(&r);
	}
	CHECK(rc == PCAP_ERROR_BREAK, "pcap_next_ex: %d %s", rc, pcap_geterr(p));
	CHECK(frames == 40 && bytes == 2916 && syns == 2 && first_seq == 2124025494u,
	      "frames %zu, payload bytes %zu, SYNs %zu, first seq %u", frames, bytes, syns,
	      first_seq);
	pcap_close(p);
}

void tests_register(void)
{
	static const struct test_entry link_types[] = {
		{"Ethernet IPv4", test_ethernet_ipv4},
		{"every link type, IPv4 and IPv6", test_every_link_type},
		{"raw IP link types", test_raw_link_types},
		{"VLAN tags", test_vlan_tags},
		{"BSD loopback families", test_bsd_loopback_families},
		{"IPv6 extension headers", test_ipv6_extension_headers},
		{NULL, NULL},
	};
	static const struct test_entry lengths[] = {
		{"Ethernet padding", test_ethernet_padding},
		{"snaplen truncation", test_snaplen_truncation},
		{"short on the wire", test_short_on_the_wire},
		{"cut at every offset", test_cut_at_every_offset},
		{NULL, NULL},
	};
	static const struct test_entry verdicts[] = {
		{"malformed headers", test_malformed_headers},
		{"skipped frames", test_skipped},
		{"address strings", test_addr_str},
		{NULL, NULL},
	};
	static const struct test_entry real[] = {
		{"ganesha-session-lifecycle.pcap", test_real_capture},
		{NULL, NULL},
	};

	tests_add_suite("packet: link types", link_types);
	tests_add_suite("packet: lengths", lengths);
	tests_add_suite("packet: verdicts", verdicts);
	tests_add_suite("packet: real capture", real);
}
