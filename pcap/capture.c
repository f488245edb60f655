/* capture.c - capture files through libpcap (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_IOBUF ((size_t)1 << 20)

struct capture {
	pcap_t *p;
	FILE *mem;       /* the stream libpcap is given, until it owns it (then it closes it) */
	uint8_t *copy;   /* ... over this copy of the bytes */
	char *iobuf;     /* capture_open: the stream's buffer (glibc ignores a size without one) */
	uint64_t frames;
	char name[4096]; /* the path as given (decode --json prints it) */
};

static struct capture *opened(struct capture *c, pcap_t *p, const char *errbuf, char *err,
			      size_t errlen)
{
	if (!p) {
		snprintf(err, errlen, "%s: %s", c->name, errbuf[0] ? errbuf : "cannot be read");
		if (c->mem)
			fclose(c->mem);
		free(c->iobuf);
		free(c->copy);
		free(c);
		return NULL;
	}
	c->p = p;
	return c;
}

struct capture *capture_open(const char *path, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(c->name, sizeof(c->name), "%s", path);
	if (!strcmp(path, "-")) /* libpcap's name for standard input */
		return opened(c, pcap_open_offline(path, errbuf), errbuf, err, errlen);
	/*
	 * Our own stream with a 1 MiB buffer: libpcap reads each frame with fread, and through
	 * stdio's default 4 KiB buffer a large capture cost one read(2) per 4 KiB - a quarter of
	 * `pcap decode`'s time went to the kernel.
	 */
	c->mem = fopen(path, "rb");
	if (!c->mem) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	c->iobuf = malloc(CAPTURE_IOBUF);
	if (c->iobuf)
		setvbuf(c->mem, c->iobuf, _IOFBF, CAPTURE_IOBUF);
	pcap_t *p = pcap_fopen_offline(c->mem, errbuf);
	if (p)
		c->mem = NULL; /* pcap_close() closes it now */
	return opened(c, p, errbuf, err, errlen);
}

struct capture *capture_open_memory(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));

	if (!c || !(c->copy = malloc(len ? len : 1))) {
		free(c);
		snprintf(err, errlen, "(memory): out of memory");
		return NULL;
	}
	snprintf(c->name, sizeof(c->name), "(memory)");
	if (len) /* data may be NULL when len is 0; memcpy's arguments may not (C11 7.24.1) */
		memcpy(c->copy, data, len);
	c->mem = fmemopen(c->copy, len ? len : 1, "rb");
	if (!c->mem) {
		free(c->copy);
		free(c);
		snprintf(err, errlen, "(memory): fmemopen failed");
		return NULL;
	}
	if (len == 0) /* fmemopen cannot open an empty buffer: read from a stream at EOF */
		fseek(c->mem, 0, SEEK_END);
	pcap_t *p = pcap_fopen_offline(c->mem, errbuf);
	if (p)
		c->mem = NULL; /* pcap_close() closes it now */
	return opened(c, p, errbuf, err, errlen);
}

int capture_linktype(const struct capture *c) { return pcap_datalink(c->p); }

const char *capture_name(const struct capture *c) { return c->name; }

int capture_next(struct capture *c, struct capture_frame *f, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(c->p, &h, &data);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, errlen, "%s: after frame %llu: %s", c->name,
			 (unsigned long long)c->frames, pcap_geterr(c->p));
		return -1;
	}
	*f = (struct capture_frame){.number = ++c->frames, .ts = h->ts, .data = data,
				    .caplen = h->caplen, .wirelen = h->len};
	return 1;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p); /* closes the stream before its buffer goes */
	free(c->iobuf);
	free(c->copy);
	free(c);
}
