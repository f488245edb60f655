/*
 * packet.c - one captured frame to the TCP segment inside it (see packet.h).
 *
 * Every read is preceded by need(), which checks it against the captured length; lengths the
 * headers declare (IPv4 total length, IPv6 payload length, TCP data offset) are checked
 * against each other and against the frame's length on the wire, and only then used. The
 * captured length decides how much of the segment is present, the IP lengths how much there
 * was: so Ethernet padding never reaches the payload and snaplen truncation is visible.
 */
#include "packet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Link types an older <pcap/dlt.h> may lack (values from the tcpdump.org LINKTYPE_ list). */
#ifndef DLT_LOOP
#define DLT_LOOP 108
#endif
#ifndef DLT_LINUX_SLL
#define DLT_LINUX_SLL 113
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* EtherTypes (IEEE 802 registry). */
#define ETHERTYPE_MIN 0x0600       /* smaller values are 802.3 length fields */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_8021Q 0x8100     /* customer VLAN tag */
#define ETHERTYPE_8021AD 0x88a8    /* service VLAN tag (QinQ) */
#define ETHERTYPE_QINQ_OLD 0x9100  /* pre-802.1ad stacked tag, still seen */
#define ETHERTYPE_IPV6 0x86dd

/* Header sizes. */
#define ETH_HDR 14
#define VLAN_TAG 4
#define SLL_HDR 16
#define SLL2_HDR 20
#define NULL_HDR 4
#define IPV4_MIN_HDR 20
#define IPV6_HDR 40
#define TCP_MIN_HDR 20

/* BSD loopback address families: AF_INET is 2 everywhere, AF_INET6 differs by OS. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_NETBSD 24 /* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

/* One frame being parsed. */
struct frame {
	const uint8_t *p;
	size_t caplen;
	size_t wirelen;      /* never less than caplen */
	struct pkt_tcp *out;
	char *why;
	size_t whylen;
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

__attribute__((format(printf, 3, 0)))
static enum pkt_kind vverdict(struct frame *f, enum pkt_kind kind, const char *fmt, va_list ap)
{
	if (f->why && f->whylen)
		vsnprintf(f->why, f->whylen, fmt, ap);
	return kind;
}

/* PKT_SKIPPED with why[] saying what the frame is. */
__attribute__((format(printf, 2, 3)))
static enum pkt_kind skipped(struct frame *f, const char *fmt, ...)
{
	va_list ap;
	enum pkt_kind kind;

	va_start(ap, fmt);
	kind = vverdict(f, PKT_SKIPPED, fmt, ap);
	va_end(ap);
	return kind;
}

/* PKT_MALFORMED with why[] saying what is wrong and where. */
__attribute__((format(printf, 2, 3)))
static enum pkt_kind malformed(struct frame *f, const char *fmt, ...)
{
	va_list ap;
	enum pkt_kind kind;

	va_start(ap, fmt);
	kind = vverdict(f, PKT_MALFORMED, fmt, ap);
	va_end(ap);
	return kind;
}

/* Are len bytes from off captured? If not, why[] names the header the frame ends in. */
static bool need(struct frame *f, size_t off, size_t len, const char *header)
{
	if (len <= f->caplen && off <= f->caplen - len)
		return true;
	malformed(f, "frame ends inside the %s (%zu of %zu bytes)", header, f->caplen, off + len);
	return false;
}

static const char *ip_proto_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_IGMP: return "IGMP";
	case IPPROTO_IPIP: return "IP in IP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_IPV6: return "IPv6 in IP";
	case IPPROTO_GRE: return "GRE";
	case IPPROTO_ESP: return "ESP";
	case IPPROTO_AH: return "AH";
	case IPPROTO_ICMPV6: return "ICMPv6";
	case IPPROTO_NONE: return "no next header";
	case IPPROTO_SCTP: return "SCTP";
	default: return "other";
	}
}

/* ---- TCP (RFC 9293 section 3.1) ------------------------------------------ */

/* The segment at off, seg_len bytes long on the wire according to the IP header. */
static enum pkt_kind tcp(struct frame *f, size_t off, size_t seg_len)
{
	struct pkt_tcp *out = f->out;
	const uint8_t *th;
	size_t doff, present;

	if (seg_len < TCP_MIN_HDR)
		return malformed(f, "TCP segment of %zu bytes < 20-byte header at offset %zu",
				 seg_len, off);
	if (!need(f, off, TCP_MIN_HDR, "TCP header"))
		return PKT_MALFORMED;
	th = f->p + off;
	doff = (size_t)(th[12] >> 4) * 4;
	if (doff < TCP_MIN_HDR)
		return malformed(f, "TCP header length %zu < 20 at offset %zu", doff, off);
	if (doff > seg_len)
		return malformed(f, "TCP header length %zu exceeds the %zu-byte segment at offset %zu",
				 doff, seg_len, off);
	if (!need(f, off, doff, "TCP header"))
		return PKT_MALFORMED;
	present = f->caplen - off < seg_len ? f->caplen - off : seg_len;
	out->sport = be16(th);
	out->dport = be16(th + 2);
	out->seq = be32(th + 4);
	out->ack = be32(th + 8);
	out->flags = th[13];
	out->payload = th + doff;
	out->payload_len = present - doff;
	out->payload_wire_len = seg_len - doff;
	out->truncated = out->payload_len < out->payload_wire_len;
	return PKT_TCP;
}

/* ---- IPv4 (RFC 791) ------------------------------------------------------- */

static enum pkt_kind ipv4(struct frame *f, size_t off)
{
	const uint8_t *ip;
	size_t ihl, total;
	unsigned frag;

	if (!need(f, off, IPV4_MIN_HDR, "IPv4 header"))
		return PKT_MALFORMED;
	ip = f->p + off;
	if (ip[0] >> 4 != 4)
		return malformed(f, "IPv4 header with version %u at offset %zu", ip[0] >> 4u, off);
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < IPV4_MIN_HDR)
		return malformed(f, "IPv4 header length %zu < 20 at offset %zu", ihl, off);
	if (!need(f, off, ihl, "IPv4 header"))
		return PKT_MALFORMED;
	total = be16(ip + 2);
	if (total < ihl)
		return malformed(f, "IPv4 total length %zu < header length %zu at offset %zu", total,
				 ihl, off);
	if (total > f->wirelen - off)
		return malformed(f, "IPv4 total length %zu exceeds the %zu bytes the frame carried "
				 "from offset %zu", total, f->wirelen - off, off);
	if (ip[9] != IPPROTO_TCP)
		return skipped(f, "IPv4 protocol %u (%s), not TCP", ip[9], ip_proto_name(ip[9]));
	/* Flags and fragment offset: MF (0x2000) or a non-zero offset is a fragment. */
	frag = be16(ip + 6);
	if (frag & 0x3fff)
		return skipped(f, "IPv4 fragment (offset %u%s): IP fragment reassembly is not "
			       "supported", (frag & 0x1fffu) * 8, frag & 0x2000 ? ", more follow" : "");
	f->out->ip_version = 4;
	memcpy(f->out->src, ip + 12, 4);
	memcpy(f->out->dst, ip + 16, 4);
	return tcp(f, off + ihl, total - ihl);
}

/* ---- IPv6 (RFC 8200) ------------------------------------------------------ */

/* Walk the extension headers from off (next: the type of the one there) to TCP; end is
 * where the payload ends according to the payload length (RFC 8200 section 4). */
static enum pkt_kind ipv6_chain(struct frame *f, unsigned next, size_t off, size_t end)
{
	for (;;) {
		size_t len;

		switch (next) {
		case IPPROTO_TCP:
			return tcp(f, off, end - off);
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
			break;
		case IPPROTO_FRAGMENT:
			return skipped(f, "IPv6 fragment header at offset %zu: IP fragment reassembly "
				       "is not supported", off);
		default:
			return skipped(f, "IPv6 next header %u (%s), not TCP", next,
				       ip_proto_name(next));
		}
		if (end - off < 2)
			return malformed(f, "IPv6 extension header at offset %zu runs past the "
					 "payload length", off);
		if (!need(f, off, 2, "IPv6 extension header"))
			return PKT_MALFORMED;
		/* AH counts 4-byte units minus 2 (RFC 4302 section 2.2), the others 8-byte
		 * units minus 1; either way at least 8 bytes, so the walk moves on. */
		if (next == IPPROTO_AH)
			len = ((size_t)f->p[off + 1] + 2) * 4;
		else
			len = ((size_t)f->p[off + 1] + 1) * 8;
		if (len > end - off)
			return malformed(f, "IPv6 extension header of %zu bytes at offset %zu runs "
					 "past the payload length", len, off);
		if (!need(f, off, len, "IPv6 extension header"))
			return PKT_MALFORMED;
		next = f->p[off];
		off += len;
	}
}

static enum pkt_kind ipv6(struct frame *f, size_t off)
{
	const uint8_t *ip;
	size_t plen;

	if (!need(f, off, IPV6_HDR, "IPv6 header"))
		return PKT_MALFORMED;
	ip = f->p + off;
	if (ip[0] >> 4 != 6)
		return malformed(f, "IPv6 header with version %u at offset %zu", ip[0] >> 4u, off);
	plen = be16(ip + 4);
	if (plen == 0)
		return skipped(f, "IPv6 payload length 0 (jumbogram, RFC 2675): not supported");
	if (plen > f->wirelen - off - IPV6_HDR)
		return malformed(f, "IPv6 payload length %zu exceeds the %zu bytes the frame carried "
				 "after the header at offset %zu", plen,
				 f->wirelen - off - IPV6_HDR, off);
	f->out->ip_version = 6;
	memcpy(f->out->src, ip + 8, 16);
	memcpy(f->out->dst, ip + 24, 16);
	return ipv6_chain(f, ip[6], off + IPV6_HDR, off + IPV6_HDR + plen);
}

/* ---- link layers ---------------------------------------------------------- */

/* Raw IP at off: the version nibble says which. */
static enum pkt_kind raw_ip(struct frame *f, size_t off)
{
	unsigned version;

	if (!need(f, off, 1, "IP header"))
		return PKT_MALFORMED;
	version = f->p[off] >> 4;
	if (version == 4)
		return ipv4(f, off);
	if (version == 6)
		return ipv6(f, off);
	return malformed(f, "raw IP packet with version %u at offset %zu", version, off);
}

/* The packet of EtherType type at off, behind any number of 802.1Q / 802.1ad tags (each: a
 * 2-byte tag control field, then the EtherType of what follows). */
static enum pkt_kind by_ethertype(struct frame *f, unsigned type, size_t off)
{
	while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
	       type == ETHERTYPE_QINQ_OLD) {
		if (!need(f, off, VLAN_TAG, "VLAN tag"))
			return PKT_MALFORMED;
		type = be16(f->p + off + 2);
		off += VLAN_TAG;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		return ipv4(f, off);
	case ETHERTYPE_IPV6:
		return ipv6(f, off);
	case ETHERTYPE_ARP:
		return skipped(f, "ARP");
	default:
		if (type < ETHERTYPE_MIN)
			return skipped(f, "802.3/LLC frame (type/length 0x%04x), not IP", type);
		return skipped(f, "EtherType 0x%04x, not IPv4/IPv6", type);
	}
}

static enum pkt_kind ethernet(struct frame *f)
{
	if (!need(f, 0, ETH_HDR, "Ethernet header"))
		return PKT_MALFORMED;
	return by_ethertype(f, be16(f->p + 12), ETH_HDR);
}

/* Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, protocol. */
static enum pkt_kind linux_sll(struct frame *f)
{
	if (!need(f, 0, SLL_HDR, "Linux cooked (SLL) header"))
		return PKT_MALFORMED;
	return by_ethertype(f, be16(f->p + 14), SLL_HDR);
}

/* Linux cooked v2: protocol first, then reserved, ifindex, ARPHRD, type, address. */
static enum pkt_kind linux_sll2(struct frame *f)
{
	if (!need(f, 0, SLL2_HDR, "Linux cooked v2 (SLL2) header"))
		return PKT_MALFORMED;
	return by_ethertype(f, be16(f->p), SLL2_HDR);
}

/* BSD loopback: a 4-byte address family, in network order (DLT_LOOP) or in the capturing
 * machine's order (DLT_NULL). Families fit 16 bits, so a value that does not when read
 * little-endian was written big-endian. */
static enum pkt_kind bsd_loopback(struct frame *f, bool network_order)
{
	uint32_t family;

	if (!need(f, 0, NULL_HDR, "BSD loopback header"))
		return PKT_MALFORMED;
	family = network_order ? be32(f->p) : le32(f->p);
	if (family > 0xffff)
		family = be32(f->p);
	switch (family) {
	case BSD_AF_INET:
		return ipv4(f, NULL_HDR);
	case BSD_AF_INET6_NETBSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return ipv6(f, NULL_HDR);
	default:
		return skipped(f, "BSD loopback address family %u, not IPv4/IPv6", family);
	}
}

static enum pkt_kind link_layer(struct frame *f, int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
		return ethernet(f);
	case DLT_LINUX_SLL:
		return linux_sll(f);
	case DLT_LINUX_SLL2:
		return linux_sll2(f);
	case DLT_RAW:
#if DLT_RAW != PKT_LINKTYPE_RAW
	case PKT_LINKTYPE_RAW:
#endif
	case DLT_IPV4:
	case DLT_IPV6:
		return raw_ip(f, 0);
	case DLT_NULL:
		return bsd_loopback(f, false);
#if DLT_LOOP != DLT_RAW
	case DLT_LOOP:
		return bsd_loopback(f, true);
#endif
	default:
		return skipped(f, "link type %d is not supported", linktype);
	}
}

enum pkt_kind pkt_parse(int linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
			struct pkt_tcp *out, char *why, size_t whylen)
{
	struct frame f = {
		.p = frame,
		.caplen = caplen,
		.wirelen = wirelen > caplen ? wirelen : caplen,
		.out = out,
		.why = why,
		.whylen = whylen,
	};
	enum pkt_kind kind;

	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = '\0';
	kind = link_layer(&f, linktype);
	if (kind != PKT_TCP)
		memset(out, 0, sizeof(*out));
	return kind;
}

const char *pkt_addr_str(int ip_version, const uint8_t *addr, char *buf, size_t n)
{
	if (ip_version != 4 && ip_version != 6)
		return "?";
	if (n > INET6_ADDRSTRLEN)
		n = INET6_ADDRSTRLEN; /* room for any address, and fits socklen_t */
	if (!inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)n))
		return "?";
	return buf;
}
