/*
 * capture_records.h - test support: the RPC records of a capture file.
 *
 * Reads a pcap with libpcap (Ethernet/IPv4/TCP, as the shared captures are),
 * appends each TCP flow's payload in capture order and cuts it into records
 * with the wire library's record-marking reader. It assumes no loss or
 * reordering (true of the loopback captures in shared/pcaps) and is not the
 * product's pcap reader: pcap/ owns real TCP reassembly.
 */
#ifndef NFS41_TESTS_CAPTURE_RECORDS_H
#define NFS41_TESTS_CAPTURE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

struct capture_record {
	unsigned frame;      /* 1-based frame number where the record completed */
	unsigned stream;     /* 0-based TCP stream index, in order of first packet */
	uint16_t src_port, dst_port;
	uint8_t *data;       /* the record (without record-marking headers) */
	size_t len;
};

struct capture {
	struct capture_record *records;
	size_t count;
};

/* Load path; on failure returns -1 with a message in err. */
int capture_load(const char *path, struct capture *c, char *err, size_t errlen);
void capture_free(struct capture *c);

/* The shared captures directory (NFS41_SHARED_DIR/pcaps), set by the build. */
const char *capture_dir(void);

#endif
