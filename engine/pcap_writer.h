/*
 * pcap_writer.h - records TCP stream bytes as a pcap of Ethernet/IPv4/TCP frames on loopback.
 *
 * The engine knows only what it sent and received on each socket; this
 * module wraps those bytes in the frames a loopback capture would show, so
 * tshark and Wireshark decode a test case's traffic as NFS over TCP. Each
 * connection runs between 127.0.0.1:cport (client) and 127.0.0.1:sport
 * (server): a three-way handshake, data segments of at most PCAP_WRITER_MSS
 * bytes (PSH|ACK, each answered by a pure ACK), and an orderly close or a
 * reset. Sequence numbers start at values derived from the ports and the
 * connection id, so the same run writes the same file.
 *
 * Every frame of one call carries the timestamp given to that call. The
 * writer is not thread-safe: one writer per thread, or a lock around it.
 */
#ifndef NFS41_ENGINE_PCAP_WRITER_H
#define NFS41_ENGINE_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define PCAP_WRITER_MSS 65495u    /* loopback MTU 65535 less IPv4 and TCP headers */
#define PCAP_WRITER_WINDOW 65535u /* advertised window, no scaling */

struct pcap_writer; /* opaque */

/*
 * Create (or truncate) path and write the pcap file header: link type
 * Ethernet, snap length 65549 (the largest frame: Ethernet header and a
 * 65535-byte IPv4 datagram). Returns NULL with err filled on failure.
 */
struct pcap_writer *pcap_writer_open(const char *path, char *err, size_t errlen);

/*
 * A new TCP connection from 127.0.0.1:cport to 127.0.0.1:sport: writes SYN,
 * SYN/ACK and ACK at time t. Returns the connection id (>= 0), or -1 with
 * pcap_writer_error() set.
 */
int pcap_writer_connect(struct pcap_writer *w, uint16_t cport, uint16_t sport,
			const struct timeval *t);

/*
 * Bytes that went on the wire on connection conn, client to server when
 * from_server is 0: split into PSH|ACK segments of at most PCAP_WRITER_MSS
 * bytes, each followed by the peer's ACK. len 0 writes nothing. Returns 0,
 * or -1 with pcap_writer_error() set (unknown or closed connection, write
 * failure).
 */
int pcap_writer_data(struct pcap_writer *w, int conn, int from_server, const uint8_t *bytes,
		     size_t len, const struct timeval *t);

/*
 * End connection conn, started by the client (from_server 0) or the server:
 * reset 0 writes FIN/ACK, the peer's FIN/ACK and the last ACK; reset 1 a
 * single RST/ACK. The connection accepts nothing afterwards. Returns 0, or
 * -1 with pcap_writer_error() set.
 */
int pcap_writer_close(struct pcap_writer *w, int conn, int from_server, int reset,
		      const struct timeval *t);

/*
 * Flush and close the file and free w (also after earlier errors). Returns
 * 0, or -1 with err filled when any write failed (the file is incomplete).
 * Errors of the calls above (bad ids, closed connections) do not count.
 */
int pcap_writer_finish(struct pcap_writer *w, char *err, size_t errlen);

/* Why the last call on w returned -1 ("" when none did). */
const char *pcap_writer_error(const struct pcap_writer *w);

#endif
