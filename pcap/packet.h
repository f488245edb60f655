/*
 * packet.h - the packet layer of the capture reader: from one captured frame (a link-layer
 * header, IPv4 or IPv6, TCP) to the TCP segment inside it. It owns link-type dispatch
 * (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback), the IP headers and
 * IPv6 extension-header walk, and the TCP header; it bounds-checks every read against the
 * captured length and tells snaplen truncation apart from a damaged frame. It does not
 * reassemble IP fragments (they are skipped) nor TCP streams (the caller's job).
 */
#ifndef NFS41_PCAP_PACKET_H
#define NFS41_PCAP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_ADDR_MAX 16

/* LINKTYPE_RAW as stored in capture files; libpcap maps it to its DLT_RAW, both are accepted. */
#define PKT_LINKTYPE_RAW 101

enum pkt_kind { PKT_TCP, PKT_SKIPPED, PKT_MALFORMED };

/* TCP flag bits of pkt_tcp.flags (byte 13 of the TCP header). */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

struct pkt_tcp {
	int ip_version;                 /* 4 or 6 */
	uint8_t src[PKT_ADDR_MAX], dst[PKT_ADDR_MAX]; /* IPv4 in the first 4 bytes, rest zero */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;                  /* TCP flag byte: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	const uint8_t *payload;         /* points into the frame */
	size_t payload_len;             /* bytes present in the capture */
	size_t payload_wire_len;        /* bytes the segment carried on the wire (> payload_len when snaplen cut it) */
	bool truncated;                 /* the capture holds less than the segment (snaplen) */
};

/*
 * Parse one frame of link type linktype (libpcap DLT_ value). caplen bytes are present, wirelen
 * were on the wire. PKT_TCP fills out; PKT_SKIPPED: not IPv4/IPv6 TCP (ARP, UDP, ICMP, an IP
 * fragment...) with why[] saying what; PKT_MALFORMED: why[] says what is wrong and at which
 * byte offset of the frame ("IPv4 header length 12 < 20 at offset 14"). A frame cut inside a
 * header is malformed; one cut inside the TCP payload is a PKT_TCP with truncated set. why may
 * be NULL (whylen 0); on PKT_TCP it is set to "".
 */
enum pkt_kind pkt_parse(int linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
			struct pkt_tcp *out, char *why, size_t whylen);

/* A printable address "127.0.0.1" / "::1" (inet_ntop) for messages; buf, or "?" if n is too small. */
const char *pkt_addr_str(int ip_version, const uint8_t *addr, char *buf, size_t n);

#endif
