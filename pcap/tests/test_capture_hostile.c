/*
 * test_capture_hostile.c - the capture reader (rpcstream.h, and decode.h for a few) against awkward
 * and hostile captures. Each case WRITES a capture with libpcap (pcap_open_dead + a dumper on
 * open_memstream, or on a file in a mkdtemp() directory) holding real NFSv4.1 RPC records built
 * with the wire library, reads it back and checks every message delivered (frame, xid, call or
 * reply, matching), every warning and the counters: records split at every byte, record-marking
 * fragments, out-of-order / duplicated / overlapping segments, lost segments and
 * resynchronisation, IPv6 over Linux cooked v2 and raw IP, snap-length cuts, damaged files,
 * other RPC programs, unmatched replies, retransmitted calls and the port option.
 *
 * Frames are numbered from 1 as the reader numbers them; every case notes which frame is what.
 */
#include <CUnit/TestRun.h>
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "rpcstream.h"
#include "test_main.h"
#include "wire.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276 /* tcpdump.org LINKTYPE_LINUX_SLL2 */
#endif

#define NFS_PORT 2049
#define CLIENT_PORT 871
#define ALT_PORT 20490
#define NFS_ACL_PROGRAM 100227u /* NFS_ACL (Solaris/Linux side protocol), version 3 */
#define PORTMAP_PROGRAM 100000u /* rpcbind/portmapper, version 2 */

/* ---- capture writer: libpcap dumper onto memory or a file ------------------------------------ */

struct writer {
	pcap_t *dead;
	pcap_dumper_t *dump;
	char *mem;          /* open_memstream buffer: the whole capture after writer_close() */
	size_t memlen;
	uint64_t frames;    /* frames written: the number of the last one */
	struct timeval ts;
	bool twice;         /* every frame captured twice (as on Linux "any" with a bridge) */
};

/* path NULL: into memory (w->mem, w->memlen after writer_close()). */
static bool writer_open(struct writer *w, int linktype, const char *path)
{
	FILE *f;

	memset(w, 0, sizeof(*w));
	w->ts.tv_sec = 1700000000;
	w->dead = pcap_open_dead(linktype, 65535);
	if (!w->dead)
		return false;
	if (path) {
		w->dump = pcap_dump_open(w->dead, path);
	} else if ((f = open_memstream(&w->mem, &w->memlen)) != NULL) {
		w->dump = pcap_dump_fopen(w->dead, f);
		if (!w->dump)
			fclose(f);
	}
	return CHECK(w->dump != NULL, "pcap dumper: %s", pcap_geterr(w->dead));
}

/* One frame of which caplen bytes are kept out of wirelen (a snap-length cut when less). */
static uint64_t writer_frame(struct writer *w, const uint8_t *b, size_t caplen, size_t wirelen)
{
	struct pcap_pkthdr h = {.ts = w->ts, .caplen = (bpf_u_int32)caplen,
				.len = (bpf_u_int32)wirelen};

	pcap_dump((u_char *)w->dump, &h, b);
	if (w->twice)
		pcap_dump((u_char *)w->dump, &h, b);
	w->ts.tv_usec += 250;
	w->frames += w->twice ? 2 : 1;
	return w->twice ? w->frames - 1 : w->frames; /* the first copy */
}

static void writer_close(struct writer *w)
{
	if (w->dump)
		pcap_dump_close(w->dump); /* fcloses the stream: w->mem is complete */
	if (w->dead)
		pcap_close(w->dead);
	w->dump = NULL;
	w->dead = NULL;
}

static void writer_free(struct writer *w)
{
	writer_close(w);
	free(w->mem);
	w->mem = NULL;
}

/* ---- frame builders: link header, IPv4 / IPv6, TCP (RFC 9293 s3.1) ------------------------- */

#define FRAME_MAX 8192

struct frame {
	uint8_t b[FRAME_MAX];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t n)
{
	if (f->n + n > sizeof(f->b))
		abort(); /* a test bug, not a finding */
	if (n)
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

enum link { L_ETH, L_SLL2, L_RAW };

static int link_dlt(enum link l)
{
	return l == L_ETH ? DLT_EN10MB : l == L_SLL2 ? DLT_LINUX_SLL2 : DLT_RAW;
}

static void put_link(struct frame *f, enum link l, int ipv, bool outgoing)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
	unsigned type = ipv == 4 ? 0x0800 : 0x86dd;

	switch (l) {
	case L_ETH:
		put(f, macs, sizeof(macs));
		put16(f, type);
		break;
	case L_SLL2: /* protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address */
		put16(f, type);
		put16(f, 0);
		put32(f, 2);
		put16(f, 1);
		put8(f, outgoing ? 4 : 0);
		put8(f, 6);
		put(f, macs, 8);
		break;
	case L_RAW:
		break;
	}
}

/* One TCP connection being written: [0] the client, [1] the server. */
struct conn {
	enum link link;
	int ipv;
	uint8_t addr[2][16];
	uint16_t port[2];
	uint32_t isn[2];
	size_t sent[2];      /* stream bytes each side has sent so far (the highest offset) */
};

enum { C2S = FLOW_TO_SERVER, S2C = FLOW_TO_CLIENT };

static struct conn conn_new(enum link l, int ipv, uint16_t server_port)
{
	struct conn c = {.link = l, .ipv = ipv, .port = {CLIENT_PORT, server_port},
			 .isn = {0x10000000u, 0xfffffff0u}}; /* the server's wraps (RFC 9293 s3.4) */
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};

	if (ipv == 4) {
		memcpy(c.addr[0], (uint8_t[]){192, 0, 2, 10}, 4);
		memcpy(c.addr[1], (uint8_t[]){192, 0, 2, 20}, 4);
	} else {
		memcpy(c.addr[0], v6, 16);
		memcpy(c.addr[1], v6, 16);
		c.addr[0][15] = 10;
		c.addr[1][15] = 20;
	}
	return c;
}

static void put_ip(struct frame *f, const struct conn *c, int dir, size_t l4len)
{
	size_t alen = c->ipv == 4 ? 4 : 16;

	if (c->ipv == 4) {
		put8(f, 0x45);
		put8(f, 0);
		put16(f, (unsigned)(20 + l4len));
		put16(f, 0x1234); /* id */
		put16(f, 0x4000); /* DF, offset 0 */
		put8(f, 64);
		put8(f, 6);       /* TCP */
		put16(f, 0);      /* checksum: not checked by the reader */
	} else {
		put32(f, 0x60000000);
		put16(f, (unsigned)l4len);
		put8(f, 6);
		put8(f, 64);
	}
	put(f, c->addr[dir], alen);
	put(f, c->addr[!dir], alen);
}

/*
 * A segment of direction dir at stream offset off (sequence number ISN + 1 + off: the SYN takes
 * one, RFC 9293 s3.4) carrying n payload bytes, acknowledging all the peer has sent. cut: how
 * many bytes of the frame the capture keeps (0: all). Returns the frame number.
 */
static uint64_t segment(struct writer *w, struct conn *c, int dir, uint8_t flags, size_t off,
			const uint8_t *p, size_t n, size_t cut)
{
	static struct frame f;
	bool syn = flags & PKT_TCP_SYN;
	uint32_t seq = c->isn[dir] + (syn ? 0u : 1u + (uint32_t)off);
	uint32_t ack = (flags & PKT_TCP_ACK) ? c->isn[!dir] + 1u + (uint32_t)c->sent[!dir] : 0;

	f.n = 0;
	put_link(&f, c->link, c->ipv, dir == C2S);
	put_ip(&f, c, dir, 20 + n);
	put16(&f, c->port[dir]);
	put16(&f, c->port[!dir]);
	put32(&f, seq);
	put32(&f, ack);
	put8(&f, 5 << 4);
	put8(&f, flags);
	put16(&f, 65535);
	put16(&f, 0);
	put16(&f, 0);
	put(&f, p, n);
	if (!syn && off + n > c->sent[dir])
		c->sent[dir] = off + n;
	return writer_frame(w, f.b, cut && cut < f.n ? cut : f.n, f.n);
}

/* The bytes before the TCP payload of a frame of c (for snap-length cuts). */
static size_t header_len(const struct conn *c)
{
	size_t link = c->link == L_ETH ? 14 : c->link == L_SLL2 ? 20 : 0;

	return link + (c->ipv == 4 ? 20 : 40) + 20;
}

/* SYN, SYN/ACK, ACK: frames 1 to 3. */
static void handshake(struct writer *w, struct conn *c)
{
	segment(w, c, C2S, PKT_TCP_SYN, 0, NULL, 0, 0);
	segment(w, c, S2C, PKT_TCP_SYN | PKT_TCP_ACK, 0, NULL, 0, 0);
	segment(w, c, C2S, PKT_TCP_ACK, 0, NULL, 0, 0);
}

/* The next n bytes of direction dir in one segment. */
static uint64_t send_bytes(struct writer *w, struct conn *c, int dir, const uint8_t *p, size_t n)
{
	return segment(w, c, dir, PKT_TCP_PSH | PKT_TCP_ACK, c->sent[dir], p, n, 0);
}

/* n bytes at stream offset off (before or after what was sent: reordering, retransmission). */
static uint64_t send_at(struct writer *w, struct conn *c, int dir, size_t off, const uint8_t *p,
			size_t n)
{
	return segment(w, c, dir, PKT_TCP_PSH | PKT_TCP_ACK, off, p, n, 0);
}

/* ---- RPC records built with the wire library (RFC 5531 s9, NFSv4.1 COMPOUND) -------------- */

struct bytes {
	uint8_t b[4096];
	size_t n;
};

static void cat(struct bytes *to, const void *p, size_t n)
{
	if (to->n + n > sizeof(to->b))
		abort();
	memcpy(to->b + to->n, p, n);
	to->n += n;
}

static struct bytes encode(const struct wire_msg *m)
{
	struct bytes r = {.n = 0};

	r.n = wire_msg_encode(m, r.b, sizeof(r.b));
	if (r.n > sizeof(r.b))
		abort();
	return r;
}

static struct oncrpc_call rpc_call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	return (struct oncrpc_call){.xid = xid, .rpcvers = ONCRPC_VERSION, .prog = prog,
				    .vers = vers, .proc = proc,
				    .cred = {.flavor = ONCRPC_AUTH_NONE},
				    .verf = {.flavor = ONCRPC_AUTH_NONE}};
}

static struct oncrpc_reply rpc_reply(uint32_t xid)
{
	return (struct oncrpc_reply){.xid = xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
				     .verf = {.flavor = ONCRPC_AUTH_NONE},
				     .accept_stat = ONCRPC_SUCCESS};
}

/* COMPOUND v4.1 { SEQUENCE, PUTROOTFH } (RFC 8881 s18.46, s18.21). */
static struct bytes nfs_call(uint32_t xid)
{
	struct nfs_argop ops[2] = {{.op = OP_SEQUENCE, .u.sequence = {.sa_sequenceid = xid}},
				   {.op = OP_PUTROOTFH}};
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = rpc_call(xid, NFS4_PROGRAM, 4, NFSPROC4_COMPOUND),
			     .is_compound = true,
			     .args = {.minorversion = 1, .argarray_len = 2, .argarray = ops}};

	memset(ops[0].u.sequence.sa_sessionid, 0x5e, NFS4_SESSIONID_SIZE);
	return encode(&m);
}

/* Its NFS4_OK reply. */
static struct bytes nfs_reply(uint32_t xid)
{
	struct nfs_resop res[2] = {{.op = OP_SEQUENCE,
				    .u.sequence = {.sr_sequenceid = xid, .sr_highest_slotid = 7,
						   .sr_target_highest_slotid = 7}},
				   {.op = OP_PUTROOTFH}};
	struct wire_msg m = {.msg_type = ONCRPC_REPLY, .reply = rpc_reply(xid), .is_compound = true,
			     .res = {.status = NFS4_OK, .resarray_len = 2, .resarray = res}};

	memset(res[0].u.sequence.sr_sessionid, 0x5e, NFS4_SESSIONID_SIZE);
	return encode(&m);
}

/* A NULL call of another program (its procedure 0 takes no arguments) and an empty reply. */
static struct bytes other_call(uint32_t xid, uint32_t prog, uint32_t vers)
{
	struct wire_msg m = {.msg_type = ONCRPC_CALL, .call = rpc_call(xid, prog, vers, 0)};

	return encode(&m);
}

static struct bytes empty_reply(uint32_t xid)
{
	struct wire_msg m = {.msg_type = ONCRPC_REPLY, .reply = rpc_reply(xid)};

	return encode(&m);
}

/* Record marking (RFC 5531 s11): the record as fragments of at most frag bytes (0: one). */
static struct bytes mark(const struct bytes *rec, size_t frag)
{
	struct bytes m = {.n = 0};

	m.n = rm_encode(rec->b, rec->n, frag, m.b, sizeof(m.b));
	if (m.n > sizeof(m.b))
		abort();
	return m;
}

/* A fragment header: the last-fragment bit and a 31-bit length. */
static void put_mark(struct bytes *to, bool last, uint32_t len)
{
	uint32_t h = len | (last ? RM_LAST_FRAGMENT : 0);
	uint8_t b[4] = {(uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h};

	cat(to, b, 4);
}

static struct bytes marked_call(uint32_t xid)
{
	struct bytes r = nfs_call(xid);

	return mark(&r, 0);
}

static struct bytes marked_reply(uint32_t xid)
{
	struct bytes r = nfs_reply(xid);

	return mark(&r, 0);
}

/* ---- reading back: what the sink was given --------------------------------------------------- */

#define MAX_MSGS 64
#define MAX_WARNINGS 16

struct got_msg {
	uint64_t frame, first_frame, stream, call_frame;
	int dir, ip_version;
	uint16_t port[2];
	uint32_t xid, type, prog, vers, proc;
	unsigned fragments;
	size_t len;
	bool matched, retransmission, decodes;
};

struct got {
	struct got_msg m[MAX_MSGS];
	size_t n;
	char warning[MAX_WARNINGS][512];
	uint64_t warning_frame[MAX_WARNINGS];
	size_t nwarnings;
	struct rpc_stats st;
	int rc;
	char err[512];
};

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct got *g = ctx;
	struct got_msg *o;
	struct wire_decode_opts wo = {.flags = WIRE_STRICT, .reply_proc = m->proc};
	struct wire_msg w;
	struct wire_error e;

	if (!CHECK(g->n < MAX_MSGS, "more than %d messages", MAX_MSGS))
		return;
	o = &g->m[g->n++];
	*o = (struct got_msg){.frame = m->frame, .first_frame = m->first_frame,
			      .stream = m->flow->stream, .call_frame = m->call_frame, .dir = m->dir,
			      .ip_version = m->flow->ip_version,
			      .port = {m->flow->port[0], m->flow->port[1]}, .xid = m->xid,
			      .type = m->msg_type, .prog = m->prog, .vers = m->vers, .proc = m->proc,
			      .fragments = m->fragments, .len = m->len, .matched = m->matched,
			      .retransmission = m->retransmission};
	/* The record handed over is whole: it decodes strictly with the wire library. */
	o->decodes = wire_msg_decode(m->rec, m->len, &wo, &w, &e) == WIRE_OK;
	wire_msg_free(&w);
}

static void on_warning(void *ctx, uint64_t frame, const char *text)
{
	struct got *g = ctx;

	if (g->nwarnings < MAX_WARNINGS) {
		snprintf(g->warning[g->nwarnings], sizeof(g->warning[0]), "%s", text);
		g->warning_frame[g->nwarnings] = frame;
	}
	g->nwarnings++;
}

/* Read the capture w wrote into memory with rpc_read_capture(); rc -2: it did not open. */
static void read_back(const struct writer *w, const struct rpc_read_opts *o, struct got *g)
{
	struct rpc_sink sink = {.ctx = g, .message = on_message, .warning = on_warning};
	struct capture *c;

	memset(g, 0, sizeof(*g));
	c = capture_open_memory((const uint8_t *)w->mem, w->memlen, g->err, sizeof(g->err));
	if (!CHECK(c != NULL, "the capture does not open: %s", g->err)) {
		g->rc = -2;
		return;
	}
	g->rc = rpc_read_capture(c, o, &sink, &g->st, g->err, sizeof(g->err));
	capture_close(c);
}

/* With NFS41_KEEP_CAPTURES=DIR, every capture written in memory is also saved there as
 * <test>-<n>.pcap, to look at with tshark or `nfs41check pcap decode`. */
static void keep_capture(const struct writer *w)
{
	const char *dir = getenv("NFS41_KEEP_CAPTURES");
	CU_pTest test = CU_get_current_test();
	static unsigned n;
	char path[512], name[64];
	FILE *f;

	if (!dir || !*dir)
		return;
	snprintf(name, sizeof(name), "%s", test && test->pName ? test->pName : "capture");
	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '-';
	snprintf(path, sizeof(path), "%s/%s-%03u.pcap", dir, name, ++n);
	f = fopen(path, "wb");
	if (f) {
		fwrite(w->mem, 1, w->memlen, f);
		fclose(f);
	}
}

/* Write-then-read for the cases that build a capture in memory. */
static void finish_and_read(struct writer *w, const struct rpc_read_opts *o, struct got *g)
{
	writer_close(w);
	keep_capture(w);
	read_back(w, o, g);
	writer_free(w);
}

/* ---- expectations ---------------------------------------------------------------------------- */

enum { CALL = ONCRPC_CALL, REPLY = ONCRPC_REPLY };

/* A message expected: the frame that completed it, xid, call or reply. */
struct want {
	uint64_t frame;
	uint32_t xid, type;
};

static void dump_got(const struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		fprintf(stderr, "    got message %zu: frame %llu xid 0x%08x %s\n", i,
			(unsigned long long)g->m[i].frame, g->m[i].xid,
			g->m[i].type == CALL ? "call" : "reply");
	for (size_t i = 0; i < g->nwarnings && i < MAX_WARNINGS; i++)
		fprintf(stderr, "    got warning at frame %llu: %s\n",
			(unsigned long long)g->warning_frame[i], g->warning[i]);
}

/* Exactly these messages, in this order, each decoding, and nwarnings warnings; rc 0. */
static bool expect(const struct got *g, const char *what, const struct want *w, size_t n,
		   size_t nwarnings)
{
	bool ok = CHECK(g->rc == 0, "%s: rpc_read_capture returned %d (%s)", what, g->rc, g->err);

	ok &= CHECK(g->n == n, "%s: %zu messages, want %zu", what, g->n, n);
	for (size_t i = 0; i < g->n && i < n; i++) {
		const struct got_msg *m = &g->m[i];
		ok &= CHECK(m->frame == w[i].frame && m->xid == w[i].xid && m->type == w[i].type,
			    "%s: message %zu is frame %llu xid 0x%08x type %u, want frame %llu "
			    "xid 0x%08x type %u", what, i, (unsigned long long)m->frame, m->xid,
			    m->type, (unsigned long long)w[i].frame, w[i].xid, w[i].type);
		ok &= CHECK(m->decodes, "%s: message %zu (xid 0x%08x) does not decode", what, i,
			    m->xid);
	}
	ok &= CHECK(g->nwarnings == nwarnings, "%s: %zu warnings, want %zu", what, g->nwarnings,
		    nwarnings);
	if (!ok)
		dump_got(g);
	return ok;
}

/* Some warning contains every one of the fragments (NULL-terminated). */
static bool warned(const struct got *g, const char *const *frags)
{
	for (size_t i = 0; i < g->nwarnings && i < MAX_WARNINGS; i++) {
		bool all = true;
		for (const char *const *f = frags; *f && all; f++)
			all = strstr(g->warning[i], *f) != NULL;
		if (all)
			return true;
	}
	return false;
}

#define WARNED(g, ...) warned((g), (const char *const[]){__VA_ARGS__, NULL})

/* The reply at index i answers the call of frame call_frame. */
static bool reply_matched(const struct got *g, size_t i, uint64_t call_frame)
{
	return i < g->n && g->m[i].type == REPLY && g->m[i].matched &&
	       g->m[i].call_frame == call_frame && g->m[i].prog == NFS4_PROGRAM &&
	       g->m[i].proc == NFSPROC4_COMPOUND;
}

/* ---- a temporary directory for the file-based cases ----------------------------------------- */

struct tmpdir {
	char dir[64];
	char files[8][128];
	size_t nfiles;
};

static bool tmpdir_make(struct tmpdir *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/nfs41-hostile-XXXXXX");
	return CHECK(mkdtemp(t->dir) != NULL, "mkdtemp: %s", strerror(errno));
}

/* A path in the directory (removed by tmpdir_remove()). */
static const char *tmpdir_file(struct tmpdir *t, const char *name)
{
	if (t->nfiles >= sizeof(t->files) / sizeof(t->files[0]))
		abort();
	char path[sizeof(t->files[0])];

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	memcpy(t->files[t->nfiles], path, sizeof(path));
	return t->files[t->nfiles++];
}

static void tmpdir_remove(struct tmpdir *t)
{
	for (size_t i = 0; i < t->nfiles; i++)
		unlink(t->files[i]);
	rmdir(t->dir);
}

static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(p, 1, n, f) == n;

	if (f)
		ok &= fclose(f) == 0;
	return CHECK(ok, "cannot write %s", path);
}

/* decode.h over a file: the text output and warnings in memory. */
struct decoded {
	char *out, *warn;
	size_t outlen, warnlen;
	struct decode_result res;
	int rc;
	char err[512];
};

static void decode_file(const char *path, enum decode_format fmt, uint16_t port, struct decoded *d)
{
	struct decode_opts o = {.format = fmt, .read = {.port = port}, .stats = true};
	FILE *out, *warn;

	memset(d, 0, sizeof(*d));
	out = open_memstream(&d->out, &d->outlen);
	warn = open_memstream(&d->warn, &d->warnlen);
	if (!out || !warn)
		abort();
	d->rc = pcap_decode_file(path, &o, out, warn, &d->res, d->err, sizeof(d->err));
	fclose(out);
	fclose(warn);
}

static void decoded_free(struct decoded *d)
{
	free(d->out);
	free(d->warn);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* ==== 1. records split at every byte offset ================================================== */

/*
 * A call split in two segments at offset k, then its reply in one: frames 1-3 handshake, 4 the
 * first part, 5 the rest, 6 the reply. k runs over every offset of the record, so over each byte
 * of the 4-byte record mark (RFC 5531 s11) and of the RPC call header (s9).
 */
static bool split_call_at(size_t k, const struct bytes *call, const struct bytes *reply)
{
	static const struct want want[] = {{5, 0xa1, CALL}, {6, 0xa1, REPLY}};
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	char what[64];
	bool ok;

	if (!writer_open(&w, DLT_EN10MB, NULL))
		return false;
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, call->b, k);
	send_bytes(&w, &c, C2S, call->b + k, call->n - k);
	send_bytes(&w, &c, S2C, reply->b, reply->n);
	finish_and_read(&w, NULL, &g);
	snprintf(what, sizeof(what), "call split at byte %zu", k);
	ok = expect(&g, what, want, 2, 0);
	ok &= CHECK(g.n == 2 && g.m[0].first_frame == 4 && g.m[0].fragments == 1 &&
			    reply_matched(&g, 1, 5),
		    "%s: the call starts in frame 4, the reply answers frame 5", what);
	ok &= CHECK(g.st.records == 2 && g.st.calls == 1 && g.st.replies == 1 &&
			    g.st.tcp.segments == 6 && g.st.tcp.flows == 1 && g.st.tcp.gaps == 0 &&
			    g.st.tcp_frames == 6 && g.st.frames == 6,
		    "%s: stats", what);
	return ok;
}

/* The reply split at k: frames 4 the call, 5 and 6 the reply's parts. */
static bool split_reply_at(size_t k, const struct bytes *call, const struct bytes *reply)
{
	static const struct want want[] = {{4, 0xa1, CALL}, {6, 0xa1, REPLY}};
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	char what[64];

	if (!writer_open(&w, DLT_EN10MB, NULL))
		return false;
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, call->b, call->n);
	send_bytes(&w, &c, S2C, reply->b, k);
	send_bytes(&w, &c, S2C, reply->b + k, reply->n - k);
	finish_and_read(&w, NULL, &g);
	snprintf(what, sizeof(what), "reply split at byte %zu", k);
	return expect(&g, what, want, 2, 0) &&
	       CHECK(g.m[1].first_frame == 5 && reply_matched(&g, 1, 4), "%s: frames", what);
}

static void test_split_at_every_offset(void)
{
	struct bytes call = marked_call(0xa1), reply = marked_reply(0xa1);
	size_t bad = 0;

	for (size_t k = 1; k < call.n; k++)
		bad += !split_call_at(k, &call, &reply);
	for (size_t k = 1; k < reply.n; k++)
		bad += !split_reply_at(k, &call, &reply);
	CHECK(bad == 0, "%zu of %zu splits read wrong", bad, call.n + reply.n - 2);
}

/* The call one byte per segment: frames 4 .. 3+n; the message is in the last one. */
static void test_one_byte_segments(void)
{
	struct bytes call = marked_call(0xa2), reply = marked_reply(0xa2);
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	uint64_t last = 0, rframe;

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	for (size_t i = 0; i < call.n; i++)
		last = send_bytes(&w, &c, C2S, call.b + i, 1);
	rframe = send_bytes(&w, &c, S2C, reply.b, reply.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "one byte per segment", (struct want[]){{last, 0xa2, CALL}, {rframe, 0xa2, REPLY}},
	       2, 0);
	CHECK(g.n == 2 && g.m[0].first_frame == 4 && reply_matched(&g, 1, last),
	      "first frame 4, reply matched to frame %llu", (unsigned long long)last);
}

/* ==== 2. record-marking fragments; several records in one segment =========================== */

/*
 * RFC 5531 s11: a record is fragments, the last flagged; a fragment may be empty.
 * Frames: 4 and 5 record b1 in three fragments, cut 2 bytes into the second fragment's header;
 * 6 record b2 as [half][empty fragment][rest, last]; 7 calls b3 b4 b5 together; 8 their
 * replies, newest first (matched by xid, RFC 5531 s9); 9 the replies of b1 and b2 together.
 */
static void test_fragments_and_batches(void)
{
	struct bytes r1 = nfs_call(0xb1), r2 = nfs_call(0xb2);
	struct bytes f1 = mark(&r1, (r1.n + 2) / 3), f2 = {.n = 0}, batch = {.n = 0}, replies = {.n = 0};
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	size_t half = r2.n / 2, cut = 4 + (r1.n + 2) / 3 + 2;

	put_mark(&f2, false, (uint32_t)half);
	cat(&f2, r2.b, half);
	put_mark(&f2, false, 0);
	put_mark(&f2, true, (uint32_t)(r2.n - half));
	cat(&f2, r2.b + half, r2.n - half);
	for (uint32_t x = 0xb3; x <= 0xb5; x++) {
		struct bytes one = marked_call(x), rep = marked_reply(0xb3 + 0xb5 - x);
		cat(&batch, one.b, one.n);
		cat(&replies, rep.b, rep.n);
	}
	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, f1.b, cut);
	send_bytes(&w, &c, C2S, f1.b + cut, f1.n - cut);
	send_bytes(&w, &c, C2S, f2.b, f2.n);
	send_bytes(&w, &c, C2S, batch.b, batch.n);
	send_bytes(&w, &c, S2C, replies.b, replies.n);
	{
		struct bytes a = marked_reply(0xb1), b = marked_reply(0xb2), ab = {.n = 0};
		cat(&ab, a.b, a.n);
		cat(&ab, b.b, b.n);
		send_bytes(&w, &c, S2C, ab.b, ab.n);
	}
	finish_and_read(&w, NULL, &g);
	expect(&g, "fragments and batches",
	       (struct want[]){{5, 0xb1, CALL}, {6, 0xb2, CALL}, {7, 0xb3, CALL}, {7, 0xb4, CALL},
			       {7, 0xb5, CALL}, {8, 0xb5, REPLY}, {8, 0xb4, REPLY}, {8, 0xb3, REPLY},
			       {9, 0xb1, REPLY}, {9, 0xb2, REPLY}},
	       10, 0);
	REQUIRE(g.n == 10);
	CHECK(g.m[0].fragments == 3 && g.m[0].len == r1.n && g.m[0].first_frame == 4,
	      "b1: 3 fragments, %zu bytes: got %u, %zu", r1.n, g.m[0].fragments, g.m[0].len);
	CHECK(g.m[1].fragments == 3 && g.m[1].len == r2.n, "b2: 3 fragments (one empty): got %u",
	      g.m[1].fragments);
	CHECK(g.m[2].fragments == 1 && g.m[2].first_frame == 7, "b3: one fragment");
	CHECK(reply_matched(&g, 5, 7) && reply_matched(&g, 7, 7) && reply_matched(&g, 8, 5) &&
		      reply_matched(&g, 9, 6),
	      "each reply found its call by xid");
	CHECK(g.st.records == 10 && g.st.calls == 5 && g.st.replies == 5 &&
		      g.st.unmatched_replies == 0 && g.st.bad_records == 0,
	      "stats: %llu records", (unsigned long long)g.st.records);
}

/* ---- a short exchange used by several cases --------------------------------------------- */

/* Frames 1-3 handshake, 4 call, 5 reply, 6 call split 7 (the rest), 8 reply. */
static void exchange(struct writer *w, struct conn *c, uint32_t x1, uint32_t x2)
{
	struct bytes a = marked_call(x1), ra = marked_reply(x1);
	struct bytes b = marked_call(x2), rb = marked_reply(x2);

	handshake(w, c);
	send_bytes(w, c, C2S, a.b, a.n);
	send_bytes(w, c, S2C, ra.b, ra.n);
	send_bytes(w, c, C2S, b.b, 2);
	send_bytes(w, c, C2S, b.b + 2, b.n - 2);
	send_bytes(w, c, S2C, rb.b, rb.n);
}

static const struct want exchange_want[] = {
	{4, 0xf1, CALL}, {5, 0xf1, REPLY}, {7, 0xf2, CALL}, {8, 0xf2, REPLY}};

/* ==== 3. out-of-order, duplicated and overlapping segments ================================== */

/* Calls c1 c2 c3 (96 bytes each with their marks) back to back, cut into 40-byte pieces: c1
 * ends in piece 2, c2 in piece 4, c3 in piece 7 (8 bytes); the replies in one segment after. */
#define PIECE 40

struct three_calls {
	struct bytes calls, replies;
	size_t end[3]; /* stream offset where each call record ends */
	size_t pieces;
};

static struct three_calls three_calls(void)
{
	struct three_calls t = {.calls = {.n = 0}};

	for (uint32_t i = 0; i < 3; i++) {
		struct bytes c = marked_call(0xc1 + i), r = marked_reply(0xc1 + i);
		cat(&t.calls, c.b, c.n);
		cat(&t.replies, r.b, r.n);
		t.end[i] = t.calls.n;
	}
	t.pieces = (t.calls.n + PIECE - 1) / PIECE;
	return t;
}

static size_t piece_len(const struct three_calls *t, size_t i)
{
	size_t off = i * PIECE;

	return off >= t->calls.n ? 0 : t->calls.n - off < PIECE ? t->calls.n - off : PIECE;
}

static uint64_t send_piece(struct writer *w, struct conn *c, const struct three_calls *t, size_t i)
{
	return send_at(w, c, C2S, i * PIECE, t->calls.b + i * PIECE, piece_len(t, i));
}

/* Frames 4-11 the pieces in order, 12 the replies. */
static void test_in_order_reference(void)
{
	struct three_calls t = three_calls();
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;

	REQUIRE(t.pieces == 8 && t.end[0] == 96 && t.end[1] == 192 && t.end[2] == 288);
	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	for (size_t i = 0; i < t.pieces; i++)
		send_piece(&w, &c, &t, i);
	send_bytes(&w, &c, S2C, t.replies.b, t.replies.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "in order",
	       (struct want[]){{6, 0xc1, CALL}, {8, 0xc2, CALL}, {11, 0xc3, CALL},
			       {12, 0xc1, REPLY}, {12, 0xc2, REPLY}, {12, 0xc3, REPLY}},
	       6, 0);
	CHECK(g.st.tcp.out_of_order == 0 && g.st.tcp.retransmitted == 0, "no reordering counted");
}

/*
 * The same bytes in a hostile order (RFC 9293 s3.10.7.4: segments are taken in sequence order,
 * what was seen already is trimmed). Frames:
 *    4 piece 2 (early: waits)     5 piece 1 (early: waits)
 *    6 piece 0: 0-120 in order, c1 (ends at 96) complete
 *    7 piece 0 again (all seen)   8 piece 4 (early: waits)
 *    9 bytes 50-160: 50-120 seen, 120-160 new, then piece 4 follows: c2 (ends at 192) complete
 *   10 piece 2 again (all seen)  11 piece 5   12 piece 5 again (all seen)   13 piece 6
 *   14 piece 7: c3 complete      15 the replies
 * The messages are those of the in-order capture; each is in the frame whose arrival completed
 * its record (rpcstream.h: "the frame that completed the record"; Wireshark reassembles there).
 */
static void test_reordered_duplicated_overlapping(void)
{
	struct three_calls t = three_calls();
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;

	REQUIRE(t.pieces == 8 && t.end[0] == 96 && t.end[1] == 192 && t.end[2] == 288);
	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_piece(&w, &c, &t, 2);
	send_piece(&w, &c, &t, 1);
	send_piece(&w, &c, &t, 0);
	send_piece(&w, &c, &t, 0);
	send_piece(&w, &c, &t, 4);
	send_at(&w, &c, C2S, 50, t.calls.b + 50, 160 - 50);
	send_piece(&w, &c, &t, 2);
	send_piece(&w, &c, &t, 5);
	send_piece(&w, &c, &t, 5);
	send_piece(&w, &c, &t, 6);
	send_piece(&w, &c, &t, 7);
	send_bytes(&w, &c, S2C, t.replies.b, t.replies.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "reordered",
	       (struct want[]){{6, 0xc1, CALL}, {9, 0xc2, CALL}, {14, 0xc3, CALL},
			       {15, 0xc1, REPLY}, {15, 0xc2, REPLY}, {15, 0xc3, REPLY}},
	       6, 0);
	CHECK(g.st.tcp.out_of_order == 3, "3 segments waited, got %llu",
	      (unsigned long long)g.st.tcp.out_of_order);
	CHECK(g.st.tcp.retransmitted == 3, "3 segments held only seen bytes, got %llu",
	      (unsigned long long)g.st.tcp.retransmitted);
	CHECK(g.st.tcp.gaps == 0 && g.st.records == 6 && g.st.bad_records == 0 &&
		      g.st.tcp.segments == 15,
	      "no gap, 6 records, 15 segments");
	CHECK(g.n == 6 && g.m[0].first_frame == 6 && reply_matched(&g, 3, g.m[0].frame) &&
		      reply_matched(&g, 5, g.m[2].frame),
	      "c1 starts in frame 6 (piece 0); the replies find their calls");
}

/*
 * Every frame captured twice, handshake included: each copy's bytes were all seen, so the
 * messages are those of the single capture, in the first copies (frames 7, 9, 13, 15).
 */
static void test_every_frame_twice(void)
{
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	w.twice = true;
	exchange(&w, &c, 0xf1, 0xf2);
	finish_and_read(&w, NULL, &g);
	expect(&g, "every frame twice",
	       (struct want[]){{7, 0xf1, CALL}, {9, 0xf1, REPLY}, {13, 0xf2, CALL}, {15, 0xf2, REPLY}},
	       4, 0);
	CHECK(g.st.tcp.retransmitted == 5 && g.st.tcp.out_of_order == 0 && g.st.tcp.segments == 16 &&
		      g.st.tcp.flows == 1,
	      "5 retransmitted data segments, one connection: %llu, %llu",
	      (unsigned long long)g.st.tcp.retransmitted, (unsigned long long)g.st.tcp.flows);
	CHECK(g.n == 4 && !g.m[0].retransmission && reply_matched(&g, 3, 13),
	      "TCP duplicates are not RPC retransmissions");
}

/* ==== 4. a lost segment: gap, the record lost, resynchronisation ============================= */

/*
 * RFC 9293 gives a capture no way to recover bytes it never saw; the reader must report them
 * and find the next record. Client->server, frames:
 *   4 call d1          5 reply d1         6 the first 40 bytes of call d2
 *   (never captured: d2's next 40 bytes)
 *   7 the rest of d2 and the first 20 bytes of call d3 (d3 does not start a segment: lost too)
 *   8 the rest of d3   9 call d4 (starts a segment: read again)   10 call d5
 * The missing bytes show when the capture ends (nothing acknowledges past them here).
 */
static void test_gap_and_resync(void)
{
	struct bytes d1 = marked_call(0xd1), d2 = marked_call(0xd2), d3 = marked_call(0xd3);
	struct bytes d4 = marked_call(0xd4), d5 = marked_call(0xd5), r1 = marked_reply(0xd1);
	struct bytes seg7 = {.n = 0};
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	size_t base;
	char bytes_missing[64];

	cat(&seg7, d2.b + 80, d2.n - 80);
	cat(&seg7, d3.b, 20);
	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, d1.b, d1.n);
	segment(&w, &c, S2C, PKT_TCP_PSH | PKT_TCP_ACK, 0, r1.b, r1.n, 0);
	base = c.sent[C2S];
	send_at(&w, &c, C2S, base, d2.b, 40);
	send_at(&w, &c, C2S, base + 80, seg7.b, seg7.n);
	send_at(&w, &c, C2S, base + d2.n + 20, d3.b + 20, d3.n - 20);
	send_at(&w, &c, C2S, base + d2.n + d3.n, d4.b, d4.n);
	send_at(&w, &c, C2S, base + d2.n + d3.n + d4.n, d5.b, d5.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "gap",
	       (struct want[]){{4, 0xd1, CALL}, {5, 0xd1, REPLY}, {9, 0xd4, CALL}, {10, 0xd5, CALL}},
	       4, 1);
	snprintf(bytes_missing, sizeof(bytes_missing), " 40 bytes missing");
	CHECK(WARNED(&g, "stream 0", "client->server", bytes_missing),
	      "a warning names the stream, the direction and the 40 missing bytes");
	CHECK(g.nwarnings == 1 && g.warning_frame[0] == 7, "the warning is at frame 7 (got %llu)",
	      (unsigned long long)g.warning_frame[0]);
	CHECK(g.st.tcp.gaps == 1 && g.st.tcp.gap_bytes == 40, "1 gap of 40 bytes: %llu, %llu",
	      (unsigned long long)g.st.tcp.gaps, (unsigned long long)g.st.tcp.gap_bytes);
	CHECK(g.st.dropped_bytes == seg7.n + d3.n - 20,
	      "frames 7 and 8 passed over while resynchronising: %llu bytes, want %zu",
	      (unsigned long long)g.st.dropped_bytes, seg7.n + d3.n - 20);
	CHECK(g.st.records == 4 && g.st.calls == 3 && g.st.bad_records == 0, "4 records read");
	CHECK(g.n == 4 && g.m[2].first_frame == 9, "d4 starts in frame 9");
}

/*
 * The same loss with the server answering as it goes: its segments acknowledge the client's
 * bytes past the hole (RFC 9293 s3.4: the ACK is the next sequence number expected), so the
 * capture will never show them and the reader can go on at once instead of holding the rest
 * of the connection to the end. Frames: 4 call e1, 5 reply e1, 6 the first 40 bytes of e2,
 * (40 lost), 7 the rest of e2, 8 the reply to e2 (acknowledges it all), 9 call e3, 10 reply e3.
 * Expected: e2 lost (its reply has no call), e3 and its reply matched, in frame order.
 */
static void test_gap_acknowledged_by_peer(void)
{
	struct bytes e1 = marked_call(0xe1), e2 = marked_call(0xe2), e3 = marked_call(0xe3);
	struct bytes r1 = marked_reply(0xe1), r2 = marked_reply(0xe2), r3 = marked_reply(0xe3);
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	size_t base;

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, e1.b, e1.n);
	send_bytes(&w, &c, S2C, r1.b, r1.n);
	base = c.sent[C2S];
	send_at(&w, &c, C2S, base, e2.b, 40);
	send_at(&w, &c, C2S, base + 80, e2.b + 80, e2.n - 80);
	send_bytes(&w, &c, S2C, r2.b, r2.n); /* acks base + e2.n */
	send_bytes(&w, &c, C2S, e3.b, e3.n);
	send_bytes(&w, &c, S2C, r3.b, r3.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "gap acknowledged",
	       (struct want[]){{4, 0xe1, CALL}, {5, 0xe1, REPLY}, {8, 0xe2, REPLY}, {9, 0xe3, CALL},
			       {10, 0xe3, REPLY}},
	       5, 1);
	CHECK(WARNED(&g, "stream 0", "client->server", " 40 bytes missing"), "the gap is reported");
	CHECK(g.n == 5 && !g.m[2].matched && reply_matched(&g, 4, 9),
	      "e2's reply has no call (lost), e3's reply answers frame 9");
	CHECK(g.st.unmatched_replies == 1, "1 unmatched reply, got %llu",
	      (unsigned long long)g.st.unmatched_replies);
}

/* ==== 5. IPv6 over Linux cooked v2; raw IPv4 ================================================ */

static void check_link(enum link l, int ipv, const char *what)
{
	struct writer w;
	struct conn c = conn_new(l, ipv, NFS_PORT);
	struct got g;

	REQUIRE(writer_open(&w, link_dlt(l), NULL));
	exchange(&w, &c, 0xf1, 0xf2);
	finish_and_read(&w, NULL, &g);
	expect(&g, what, exchange_want, 4, 0);
	CHECK(g.n == 4 && g.m[0].ip_version == ipv && g.m[0].port[0] == CLIENT_PORT &&
		      g.m[0].port[1] == NFS_PORT && g.m[1].dir == S2C && reply_matched(&g, 3, 7),
	      "%s: IPv%d, client %u -> server %u", what, ipv, CLIENT_PORT, NFS_PORT);
	CHECK(g.st.tcp_frames == 8 && g.st.malformed_frames == 0 && g.st.skipped_frames == 0,
	      "%s: 8 TCP frames", what);
}

static void test_ipv6_sll2_and_raw_ip(void)
{
	struct tmpdir t;
	struct writer w;
	struct conn c = conn_new(L_SLL2, 6, NFS_PORT);
	struct decoded d;
	const char *path;

	check_link(L_SLL2, 6, "IPv6 over SLL2");
	check_link(L_RAW, 4, "raw IPv4");
	check_link(L_RAW, 6, "raw IPv6");
	/* And the whole decode of the SLL2 capture from a file. */
	REQUIRE(tmpdir_make(&t));
	path = tmpdir_file(&t, "sll2-v6.pcap");
	if (writer_open(&w, DLT_LINUX_SLL2, path)) {
		exchange(&w, &c, 0xf1, 0xf2);
		writer_free(&w);
		decode_file(path, DECODE_TEXT, 0, &d);
		CHECK(d.rc == 0 && d.res.messages == 4 && d.res.warnings == 0 &&
			      d.res.undecodable == 0 && count_lines(d.out) == 4,
		      "decode: rc %d, %llu messages, %llu warnings: %s", d.rc,
		      (unsigned long long)d.res.messages, (unsigned long long)d.res.warnings, d.err);
		CHECK(d.out && strstr(d.out, "SEQUENCE PUTROOTFH") && strstr(d.out, "871 > 2049") &&
			      strstr(d.out, "2049 > 871"),
		      "decode output:\n%s", d.out ? d.out : "");
		decoded_free(&d);
	}
	tmpdir_remove(&t);
}

/* ==== 6. a frame cut by the snap length inside a record ===================================== */

/*
 * Frames: 4 call g1, 5 call g2 of which the capture keeps 30 bytes of TCP payload, 6 call g3,
 * 7-9 the three replies. g2 is lost (its reply has no call); g3 starts a segment: read again.
 */
static void test_snaplen_cut_record(void)
{
	struct bytes g1 = marked_call(0x71), g2 = marked_call(0x72), g3 = marked_call(0x73);
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	char missing[64];

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, g1.b, g1.n);
	segment(&w, &c, C2S, PKT_TCP_PSH | PKT_TCP_ACK, c.sent[C2S], g2.b, g2.n, header_len(&c) + 30);
	send_bytes(&w, &c, C2S, g3.b, g3.n);
	for (uint32_t x = 0x71; x <= 0x73; x++) {
		struct bytes r = marked_reply(x);
		send_bytes(&w, &c, S2C, r.b, r.n);
	}
	finish_and_read(&w, NULL, &g);
	expect(&g, "snap length",
	       (struct want[]){{4, 0x71, CALL}, {6, 0x73, CALL}, {7, 0x71, REPLY}, {8, 0x72, REPLY},
			       {9, 0x73, REPLY}},
	       5, 1);
	snprintf(missing, sizeof(missing), " %zu bytes missing", g2.n - 30);
	CHECK(WARNED(&g, "stream 0", "client->server", missing), "the cut is reported: %s",
	      missing);
	CHECK(g.n == 5 && reply_matched(&g, 2, 4) && !g.m[3].matched && reply_matched(&g, 4, 6),
	      "g1 and g3 matched, g2's reply alone");
	CHECK(g.st.tcp.truncated == 1 && g.st.tcp.gaps == 1 && g.st.tcp.gap_bytes == g2.n - 30 &&
		      g.st.unmatched_replies == 1 && g.st.malformed_frames == 0,
	      "stats: truncated %llu, gaps %llu (%llu bytes)", (unsigned long long)g.st.tcp.truncated,
	      (unsigned long long)g.st.tcp.gaps, (unsigned long long)g.st.tcp.gap_bytes);
}

/* ==== 7. damaged files and garbage payloads ================================================== */

/* The error of a capture that does not open from memory and from a file, both naming it. */
static void check_unopenable(struct tmpdir *t, const char *name, const uint8_t *p, size_t n)
{
	char err[512] = "";
	struct capture *c = capture_open_memory(p, n, err, sizeof(err));
	const char *path = tmpdir_file(t, name);

	CHECK(c == NULL && err[0] && strstr(err, "(memory)"), "%s from memory: %s", name, err);
	capture_close(c);
	err[0] = '\0';
	if (!write_file(path, p, n))
		return;
	c = capture_open(path, err, sizeof(err));
	CHECK(c == NULL && err[0] && strstr(err, path), "%s from a file: '%s'", name, err);
	capture_close(c);
}

/* A capture that opens but breaks while read: -1 with the file named, frames before it read. */
static void check_breaks(struct tmpdir *t, const char *name, const uint8_t *p, size_t n,
			 uint64_t frames_before)
{
	struct writer mem = {.mem = (char *)p, .memlen = n};
	struct rpc_sink sink;
	struct got g;
	struct capture *c;
	const char *path = tmpdir_file(t, name);

	read_back(&mem, NULL, &g);
	CHECK(g.rc == -1 && g.err[0] && strstr(g.err, "(memory)"), "%s from memory: rc %d, '%s'",
	      name, g.rc, g.err);
	CHECK(g.st.frames == frames_before, "%s: %llu frames read before the damage, want %llu",
	      name, (unsigned long long)g.st.frames, (unsigned long long)frames_before);
	if (!write_file(path, p, n))
		return;
	memset(&g, 0, sizeof(g));
	sink = (struct rpc_sink){.ctx = &g, .message = on_message, .warning = on_warning};
	c = capture_open(path, g.err, sizeof(g.err));
	if (!CHECK(c != NULL, "%s: does not open from a file: %s", name, g.err))
		return;
	g.rc = rpc_read_capture(c, NULL, &sink, &g.st, g.err, sizeof(g.err));
	capture_close(c);
	CHECK(g.rc == -1 && strstr(g.err, path), "%s from a file: rc %d, '%s'", name, g.rc, g.err);
}

/*
 * capture_open_memory(NULL, 0): an empty input given as a null pointer (as a fuzzer or a caller
 * with nothing read may pass) must fail cleanly. Run in a child, since the sanitizers end the
 * process on undefined behaviour (memcpy from a null pointer, even of 0 bytes, C11 7.24.1p2).
 */
static void check_null_empty_memory(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		char err[256] = "";
		struct capture *c = capture_open_memory(NULL, 0, err, sizeof(err));
		_exit(c == NULL && strstr(err, "(memory)") ? 0 : 3);
	}
	REQUIRE(pid > 0);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "capture_open_memory(NULL, 0) in a child: %s %d", WIFEXITED(status) ? "exit" : "signal",
	      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Ten bytes that are no capture file (no pcap or pcapng magic) and no RPC either. */
static const uint8_t random10[10] = {0x9c, 0x3e, 0x01, 0xf7, 0x55, 0xa0, 0x12, 0xee, 0x7b, 0x04};

/* pcapng blocks (little-endian): type, total length, body, total length again. */
static void pcapng_block(struct bytes *b, uint32_t type, const void *body, size_t n,
			 uint32_t declared)
{
	uint32_t head[2] = {type, declared};

	cat(b, head, sizeof(head));
	cat(b, body, n);
	cat(b, &declared, 4);
}

/* Section header (magic, version 1.0, length unknown) and an Ethernet interface. */
static struct bytes pcapng_start(uint32_t shb_length)
{
	struct bytes b = {.n = 0};
	const uint32_t shb[4] = {0x1a2b3c4d, 0x00000001, 0xffffffff, 0xffffffff};
	const uint32_t idb[2] = {DLT_EN10MB, 65535}; /* linktype + reserved, snaplen */

	pcapng_block(&b, 0x0a0d0d0a, shb, sizeof(shb), shb_length);
	pcapng_block(&b, 1, idb, sizeof(idb), 20);
	return b;
}

static void test_damaged_files(void)
{
	struct tmpdir t;
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct bytes call = marked_call(0x81);
	uint8_t empty[1] = {0};

	REQUIRE(tmpdir_make(&t));
	check_unopenable(&t, "empty.pcap", empty, 0);
	check_null_empty_memory();
	check_unopenable(&t, "random10.pcap", random10, sizeof(random10));
	{
		struct bytes bad = pcapng_start(12); /* a section header cannot be 12 bytes */
		check_unopenable(&t, "bad-shb.pcapng", bad.b, bad.n);
	}
	{
		/* A good section and interface, then a packet block claiming 13 bytes. */
		struct bytes ng = pcapng_start(28);
		const uint32_t epb[5] = {0, 0, 0, 0, 0};
		pcapng_block(&ng, 6, epb, sizeof(epb), 13);
		check_breaks(&t, "bad-epb.pcapng", ng.b, ng.n, 0);
	}
	/* A good pcap of 4 frames, cut inside the last packet's data, then inside its header. */
	if (writer_open(&w, DLT_EN10MB, NULL)) {
		handshake(&w, &c);
		send_bytes(&w, &c, C2S, call.b, call.n);
		writer_close(&w);
		check_breaks(&t, "cut-data.pcap", (uint8_t *)w.mem, w.memlen - 10, 3);
		check_breaks(&t, "cut-header.pcap", (uint8_t *)w.mem,
			     w.memlen - call.n - header_len(&c) - 8, 3);
		/* The 24-byte file header alone is a valid, empty capture. */
		{
			struct writer head = {.mem = w.mem, .memlen = 24};
			struct got g;
			read_back(&head, NULL, &g);
			expect(&g, "file header alone", NULL, 0, 0);
			CHECK(g.st.frames == 0, "no frames");
		}
		writer_free(&w);
	}
	tmpdir_remove(&t);
}

/*
 * Not RPC on the NFS port. Frames: 4 an HTTP request (its first 4 bytes read as a fragment of
 * 1.2 GB: a record-marking error, RFC 5531 s11), 5 ten random bytes (passed over), 6 call h1
 * (starts a segment: read again), 7 a well-framed record of 8 bytes that is no RPC message,
 * 8 a 16-byte call whose header stops after the program number, 9 call h2, 10 and 11 replies.
 */
static void test_garbage_payload(void)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: nfs\r\n\r\n";
	struct bytes h1 = marked_call(0x91), h2 = marked_call(0x92);
	struct bytes notrpc = {.n = 0}, short_call = {.n = 0};
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	const uint32_t hdr[4] = {htonl(0x93), htonl(ONCRPC_CALL), htonl(ONCRPC_VERSION),
				 htonl(NFS4_PROGRAM)};

	put_mark(&notrpc, true, 8);
	cat(&notrpc, "abcdefgh", 8);
	put_mark(&short_call, true, sizeof(hdr));
	cat(&short_call, hdr, sizeof(hdr));
	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, (const uint8_t *)http, sizeof(http) - 1);
	send_bytes(&w, &c, C2S, random10, sizeof(random10));
	send_bytes(&w, &c, C2S, h1.b, h1.n);
	send_bytes(&w, &c, C2S, notrpc.b, notrpc.n);
	send_bytes(&w, &c, C2S, short_call.b, short_call.n);
	send_bytes(&w, &c, C2S, h2.b, h2.n);
	for (uint32_t x = 0x91; x <= 0x92; x++) {
		struct bytes r = marked_reply(x);
		send_bytes(&w, &c, S2C, r.b, r.n);
	}
	finish_and_read(&w, NULL, &g);
	expect(&g, "garbage payload",
	       (struct want[]){{6, 0x91, CALL}, {9, 0x92, CALL}, {10, 0x91, REPLY}, {11, 0x92, REPLY}},
	       4, 3);
	CHECK(WARNED(&g, "stream 0", "client->server", "record marking"),
	      "the HTTP request is a record-marking error");
	CHECK(WARNED(&g, "record of 8 bytes", "no RPC message"), "the 8-byte record is named");
	CHECK(WARNED(&g, "xid 0x00000093", "does not decode"), "the short call is named");
	CHECK(g.st.bad_records == 3 && g.st.records == 6 && g.st.calls == 2 &&
		      g.st.dropped_bytes == sizeof(http) - 1 + sizeof(random10),
	      "stats: %llu bad records, %llu records, %llu dropped",
	      (unsigned long long)g.st.bad_records, (unsigned long long)g.st.records,
	      (unsigned long long)g.st.dropped_bytes);
}

/* Only noise, both ways, 20 segments of pseudo-random bytes: warnings, no message, no crash. */
static void test_noise_only(void)
{
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	uint32_t x = 2463534242u; /* xorshift32 */
	uint8_t noise[200];

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	for (int s = 0; s < 20; s++) {
		for (size_t i = 0; i < sizeof(noise); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			noise[i] = (uint8_t)x;
		}
		noise[0] |= 0x01; /* a fragment length >= 16 MiB: over the 4 MiB record limit */
		send_bytes(&w, &c, s % 2 ? S2C : C2S, noise, sizeof(noise));
	}
	finish_and_read(&w, NULL, &g);
	CHECK(g.rc == 0 && g.n == 0, "rc %d, %zu messages", g.rc, g.n);
	CHECK(g.nwarnings == 2 && WARNED(&g, "client->server", "record marking") &&
		      WARNED(&g, "server->client", "record marking"),
	      "one record-marking warning per direction, got %zu", g.nwarnings);
	CHECK(g.st.dropped_bytes == 20 * sizeof(noise) && g.st.records == 0,
	      "all %zu bytes dropped: %llu", 20 * sizeof(noise), (unsigned long long)g.st.dropped_bytes);
}

/* ==== 8. other RPC programs on the NFS port; a reply without its call ======================== */

/*
 * Frames: 4 NFS call i1, 5 its reply, 6 NFS_ACL v3 NULL call, 7 its reply, 8 portmapper v2 NULL
 * call, 9 its reply, 10 NFS call i4, 11 its reply, 12 a reply to xid i5 (no call in the capture).
 */
static void test_other_programs_and_orphan_reply(void)
{
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;
	struct bytes acl = other_call(0xa2, NFS_ACL_PROGRAM, 3);
	struct bytes pmap = other_call(0xa3, PORTMAP_PROGRAM, 2);
	struct bytes racl = empty_reply(0xa2), rpmap = empty_reply(0xa3);
	struct bytes m[] = {marked_call(0xa1), marked_reply(0xa1), mark(&acl, 0), mark(&racl, 0),
			    mark(&pmap, 0), mark(&rpmap, 0), marked_call(0xa4), marked_reply(0xa4),
			    marked_reply(0xa5)};

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		send_bytes(&w, &c, i % 2 || i == 8 ? S2C : C2S, m[i].b, m[i].n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "other programs",
	       (struct want[]){{4, 0xa1, CALL}, {5, 0xa1, REPLY}, {10, 0xa4, CALL}, {11, 0xa4, REPLY},
			       {12, 0xa5, REPLY}},
	       5, 0);
	REQUIRE(g.n == 5);
	CHECK(reply_matched(&g, 1, 4) && reply_matched(&g, 3, 10), "NFS replies matched");
	CHECK(!g.m[4].matched && g.m[4].proc == WIRE_PROC_UNKNOWN && g.m[4].prog == NFS4_PROGRAM,
	      "the orphan reply: not matched, procedure unknown");
	CHECK(g.st.other_program == 4 && g.st.unmatched_replies == 1 && g.st.calls == 4 &&
		      g.st.replies == 5 && g.st.records == 9,
	      "stats: other_program %llu, unmatched %llu, calls %llu, replies %llu",
	      (unsigned long long)g.st.other_program, (unsigned long long)g.st.unmatched_replies,
	      (unsigned long long)g.st.calls, (unsigned long long)g.st.replies);
}

/* ==== 9. a retransmitted call ================================================================ */

/*
 * The client sends call j1 twice before its reply (the same xid: RFC 5531 s9, a retransmission
 * the server's duplicate request cache recognises), then j2. Frames: 4 j1, 5 j1 again, 6 reply
 * j1, 7 j2, 8 reply j2, 9 j1's xid once more after its reply (xid reuse, not flagged).
 */
static void test_retransmitted_call(void)
{
	struct bytes j1 = marked_call(0xb71), j2 = marked_call(0xb72);
	struct bytes r1 = marked_reply(0xb71), r2 = marked_reply(0xb72);
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, NFS_PORT);
	struct got g;

	REQUIRE(writer_open(&w, DLT_EN10MB, NULL));
	handshake(&w, &c);
	send_bytes(&w, &c, C2S, j1.b, j1.n);
	send_bytes(&w, &c, C2S, j1.b, j1.n);
	send_bytes(&w, &c, S2C, r1.b, r1.n);
	send_bytes(&w, &c, C2S, j2.b, j2.n);
	send_bytes(&w, &c, S2C, r2.b, r2.n);
	send_bytes(&w, &c, C2S, j1.b, j1.n);
	finish_and_read(&w, NULL, &g);
	expect(&g, "retransmitted call",
	       (struct want[]){{4, 0xb71, CALL}, {5, 0xb71, CALL}, {6, 0xb71, REPLY}, {7, 0xb72, CALL},
			       {8, 0xb72, REPLY}, {9, 0xb71, CALL}},
	       6, 0);
	REQUIRE(g.n == 6);
	CHECK(!g.m[0].retransmission && g.m[1].retransmission && !g.m[3].retransmission &&
		      !g.m[5].retransmission,
	      "only the second j1 is a retransmission");
	/* Which transmission a reply answers, RFC 5531 does not say: either is accepted. */
	CHECK(reply_matched(&g, 2, 4) || reply_matched(&g, 2, 5), "j1's reply matched (frame %llu)",
	      (unsigned long long)g.m[2].call_frame);
	CHECK(reply_matched(&g, 4, 7), "j2's reply matched");
	CHECK(g.st.calls == 4 && g.st.replies == 2 && g.st.tcp.retransmitted == 0,
	      "RPC retransmissions are not TCP retransmissions");
}

/* ==== 10. the port option ==================================================================== */

static void test_port_selection(void)
{
	struct tmpdir t;
	struct writer w;
	struct conn c = conn_new(L_ETH, 4, ALT_PORT);
	struct got g;
	struct decoded d;
	const char *path;

	REQUIRE(tmpdir_make(&t));
	path = tmpdir_file(&t, "port-20490.pcap");
	if (writer_open(&w, DLT_EN10MB, path)) {
		exchange(&w, &c, 0xf1, 0xf2);
		writer_close(&w);
		/* Read the file into memory for rpc_read_capture. */
		FILE *f = fopen(path, "rb");
		static uint8_t buf[1 << 16];
		w.memlen = f ? fread(buf, 1, sizeof(buf), f) : 0;
		w.mem = (char *)buf;
		if (f)
			fclose(f);
		read_back(&w, NULL, &g);
		expect(&g, "port 20490, default options", NULL, 0, 0);
		CHECK(g.st.other_tcp_frames == 8 && g.st.tcp_frames == 0 && g.st.tcp.flows == 0,
		      "8 other-TCP frames, none read: %llu", (unsigned long long)g.st.other_tcp_frames);
		read_back(&w, &(struct rpc_read_opts){.port = NFS_PORT}, &g);
		expect(&g, "port 20490, --port 2049", NULL, 0, 0);
		read_back(&w, &(struct rpc_read_opts){.port = ALT_PORT}, &g);
		expect(&g, "port 20490, --port 20490", exchange_want, 4, 0);
		CHECK(g.n == 4 && g.m[0].port[1] == ALT_PORT && g.st.other_tcp_frames == 0,
		      "the server port is 20490");
		w.mem = NULL;
		decode_file(path, DECODE_TSV, ALT_PORT, &d);
		CHECK(d.rc == 0 && count_lines(d.out) == 5 && d.out && strstr(d.out, "\t871\t20490\t"),
		      "decode --tsv --port 20490: 4 rows and a header:\n%s", d.out ? d.out : "");
		decoded_free(&d);
		decode_file(path, DECODE_TSV, 0, &d);
		CHECK(d.rc == 0 && count_lines(d.out) == 1 && d.res.st.other_tcp_frames == 8,
		      "decode --tsv: the header alone");
		decoded_free(&d);
	}
	tmpdir_remove(&t);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"1. split at every byte offset", test_split_at_every_offset},
		{"1. one byte per segment", test_one_byte_segments},
		{"2. fragments, empty fragment, several records per segment", test_fragments_and_batches},
		{"3. in order (reference)", test_in_order_reference},
		{"3. reordered, duplicated, overlapping", test_reordered_duplicated_overlapping},
		{"3. every frame captured twice", test_every_frame_twice},
		{"4. gap: record lost, resynchronisation", test_gap_and_resync},
		{"4. gap acknowledged by the peer", test_gap_acknowledged_by_peer},
		{"5. IPv6 over SLL2, raw IP", test_ipv6_sll2_and_raw_ip},
		{"6. snap length cut inside a record", test_snaplen_cut_record},
		{"7. damaged files", test_damaged_files},
		{"7. garbage TCP payload", test_garbage_payload},
		{"7. noise only", test_noise_only},
		{"8. other programs, reply without call", test_other_programs_and_orphan_reply},
		{"9. retransmitted call", test_retransmitted_call},
		{"10. port selection", test_port_selection},
		{NULL, NULL}};

	tests_add_suite("pcap: hostile captures", tests);
}
