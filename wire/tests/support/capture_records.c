/* capture_records.c - RPC records from the shared loopback captures (test support). */
#include "capture_records.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recmark.h"

#define MAX_FLOWS 64
#define MAX_RECORD (4u << 20)

struct flow {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	unsigned stream;
	struct rm_reader rm;
};

struct loader {
	struct capture *c;
	struct flow flows[MAX_FLOWS];
	unsigned nflows, nstreams;
	char *err;
	size_t errlen;
};

const char *capture_dir(void) { return NFS41_SHARED_DIR "/pcaps"; }

static unsigned stream_of(struct loader *l, uint32_t sa, uint32_t da, uint16_t sp, uint16_t dp)
{
	for (unsigned i = 0; i < l->nflows; i++) {
		struct flow *f = &l->flows[i];
		if (f->saddr == da && f->daddr == sa && f->sport == dp && f->dport == sp)
			return f->stream;
	}
	return l->nstreams++;
}

static struct flow *flow_of(struct loader *l, uint32_t sa, uint32_t da, uint16_t sp, uint16_t dp)
{
	for (unsigned i = 0; i < l->nflows; i++) {
		struct flow *f = &l->flows[i];
		if (f->saddr == sa && f->daddr == da && f->sport == sp && f->dport == dp)
			return f;
	}
	if (l->nflows == MAX_FLOWS)
		return NULL;
	struct flow *f = &l->flows[l->nflows];
	f->stream = stream_of(l, sa, da, sp, dp);
	l->nflows++;
	f->saddr = sa, f->daddr = da, f->sport = sp, f->dport = dp;
	rm_reader_init(&f->rm, MAX_RECORD);
	return f;
}

static int add_record(struct loader *l, const struct flow *f, unsigned frame)
{
	struct capture *c = l->c;
	struct capture_record *r;
	size_t len;
	const uint8_t *rec = rm_record(&f->rm, &len);

	r = realloc(c->records, (c->count + 1) * sizeof(*r));
	if (!r)
		return -1;
	c->records = r;
	r = &c->records[c->count++];
	r->frame = frame;
	r->stream = f->stream;
	r->src_port = f->sport;
	r->dst_port = f->dport;
	r->len = len;
	r->data = malloc(len ? len : 1);
	if (!r->data)
		return -1;
	memcpy(r->data, rec, len);
	return 0;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One Ethernet/IPv4/TCP frame: feed its payload to the flow's record reader. */
static int take_frame(struct loader *l, const uint8_t *p, size_t caplen, unsigned frame)
{
	size_t ihl, thl, iplen;
	struct flow *f;

	if (caplen < 14 + 20 || be16(p + 12) != 0x0800)
		return 0; /* not IPv4 */
	p += 14, caplen -= 14;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	iplen = be16(p + 2);
	if (p[9] != 6 || ihl < 20 || iplen > caplen || iplen < ihl + 20)
		return 0; /* not TCP, or cut */
	thl = (size_t)(p[ihl + 12] >> 4) * 4;
	if (thl < 20 || ihl + thl > iplen || ihl + thl == iplen)
		return 0; /* no payload */
	f = flow_of(l, be32(p + 12), be32(p + 16), be16(p + ihl), be16(p + ihl + 2));
	if (!f) {
		snprintf(l->err, l->errlen, "frame %u: more than %d TCP flows", frame, MAX_FLOWS);
		return -1;
	}
	const uint8_t *data = p + ihl + thl;
	size_t left = iplen - ihl - thl;
	while (left) {
		size_t used;
		enum rm_result res = rm_reader_feed(&f->rm, data, left, &used);
		if (res == RM_ERROR) {
			snprintf(l->err, l->errlen, "frame %u: %s", frame, f->rm.error);
			return -1;
		}
		if (res == RM_RECORD && add_record(l, f, frame) != 0) {
			snprintf(l->err, l->errlen, "out of memory");
			return -1;
		}
		data += used, left -= used;
	}
	return 0;
}

int capture_load(const char *path, struct capture *c, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct loader l = {.c = c, .err = err, .errlen = errlen};
	struct pcap_pkthdr *h;
	const uint8_t *pkt;
	unsigned frame = 0;
	int rc = 0;
	pcap_t *p;

	memset(c, 0, sizeof(*c));
	p = pcap_open_offline(path, perr);
	if (!p) {
		snprintf(err, errlen, "%s", perr);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "%s: link type %d, expected Ethernet", path, pcap_datalink(p));
		rc = -1;
	}
	while (rc == 0 && pcap_next_ex(p, &h, &pkt) == 1)
		rc = take_frame(&l, pkt, h->caplen, ++frame);
	for (unsigned i = 0; i < l.nflows; i++)
		rm_reader_free(&l.flows[i].rm);
	pcap_close(p);
	if (rc != 0)
		capture_free(c);
	return rc;
}

void capture_free(struct capture *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->records[i].data);
	free(c->records);
	c->records = NULL;
	c->count = 0;
}
