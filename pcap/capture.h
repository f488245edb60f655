/*
 * capture.h - a capture file (pcap or pcapng, any link type libpcap reads) as a sequence of
 * frames, from a path or from memory. libpcap does the file formats; this module numbers the
 * frames from 1 as Wireshark does and turns libpcap's errors into messages naming the file.
 */
#ifndef NFS41_PCAP_CAPTURE_H
#define NFS41_PCAP_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct capture; /* opaque */

struct capture_frame {
	uint64_t number;       /* 1, 2, ... in file order */
	struct timeval ts;
	const uint8_t *data;   /* valid until the next capture_next() */
	size_t caplen, wirelen;
};

/* Open path; NULL with err filled ("FILE: unknown file format", ...). */
struct capture *capture_open(const char *path, char *err, size_t errlen);
/* The same over len bytes at data (copied; for fuzzing and tests). */
struct capture *capture_open_memory(const uint8_t *data, size_t len, char *err, size_t errlen);
/* The link type (a libpcap DLT_ value) of the capture (pcapng: of its first interface). */
int capture_linktype(const struct capture *c);
const char *capture_name(const struct capture *c);
/* The next frame: 1, 0 at the end, -1 on a damaged file (err says where). */
int capture_next(struct capture *c, struct capture_frame *f, char *err, size_t errlen);
void capture_close(struct capture *c);

#endif
