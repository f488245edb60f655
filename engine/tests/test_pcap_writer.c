/* test_pcap_writer.c - pcap_writer's captures, checked frame by frame with libpcap and tshark. */
#include <CUnit/CUnit.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcap_writer.h"
#include "test_main.h"
#include "wire.h"

/*
 * tshark finds RPC on port 2049 only heuristically, and a heuristic RPC
 * dissector does not wait for the rest of a non-first record-marking fragment
 * that crosses a segment boundary; -d tcp.port==2049,rpc makes it wait.
 */
#define NFS_PORT 2049u
#define CPORT_A 40001u        /* NULL and COMPOUND calls, orderly close */
#define CPORT_B 40002u        /* one record over the MSS, then the server resets */
#define BIG_WRITE_LEN 100000u /* WRITE data: the record spans two segments */
#define BIG_FRAG_SIZE 32768u  /* and four record-marking fragments */
#define ENC_CAP ((size_t)256 * 1024)
#define MAX_CONNS 4
#define MAX_XIDS 16
#define FRAME_MIN 54u         /* Ethernet, IPv4 and TCP headers */
#define LOOPBACK 0x7f000001u

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10 };

/* ---- assertions with formatted messages ------------------------------------ */


/* ---- what the test sent -------------------------------------------------------- */

struct stream {
	uint8_t *data;
	size_t len, cap;
};

/* Every byte sent per connection and direction, and the RPC xids in wire order. */
struct traffic {
	struct stream sent[MAX_CONNS][2];
	int nconns;
	uint32_t xids[MAX_XIDS];
	size_t nxids;
};

static void stream_append(struct stream *s, const uint8_t *p, size_t n)
{
	if (!n)
		return;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		uint8_t *grown;

		while (cap < s->len + n)
			cap *= 2;
		grown = realloc(s->data, cap);
		if (!grown) {
			CU_FAIL("out of memory");
			return;
		}
		s->data = grown;
		s->cap = cap;
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
}

static void traffic_free(struct traffic *tr)
{
	for (int c = 0; c < MAX_CONNS; c++)
		for (int d = 0; d < 2; d++)
			free(tr->sent[c][d].data);
}

static void tick(struct timeval *t)
{
	t->tv_usec += 1000;
	if (t->tv_usec >= 1000000) {
		t->tv_usec -= 1000000;
		t->tv_sec++;
	}
}

/* ---- NFSv4.1 messages built with the wire library ----------------------------- */

static struct oncrpc_call nfs_call(uint32_t xid, uint32_t proc)
{
	return (struct oncrpc_call){
		.xid = xid,
		.rpcvers = ONCRPC_VERSION,
		.prog = NFS4_PROGRAM,
		.vers = 4,
		.proc = proc,
		.cred = {.flavor = ONCRPC_AUTH_NONE},
		.verf = {.flavor = ONCRPC_AUTH_NONE},
	};
}

static struct oncrpc_reply nfs_reply(uint32_t xid)
{
	return (struct oncrpc_reply){
		.xid = xid,
		.reply_stat = ONCRPC_MSG_ACCEPTED,
		.verf = {.flavor = ONCRPC_AUTH_NONE},
		.accept_stat = ONCRPC_SUCCESS,
	};
}

static struct nfs_argop sequence_arg(void)
{
	struct nfs_argop a = {.op = OP_SEQUENCE};

	memset(a.u.sequence.sa_sessionid, 0x5e, NFS4_SESSIONID_SIZE);
	a.u.sequence.sa_sequenceid = 1;
	return a;
}

/* WRITE4args (RFC 8881 s18.32.1), kept raw by the wire library: the anonymous stateid,
 * offset 0, FILE_SYNC4, then data<len>. */
static struct nfs_argop write_arg(uint8_t *buf, size_t cap, const uint8_t *data, uint32_t len)
{
	static const uint8_t anonymous_other[NFS4_OTHER_SIZE];
	struct nfs_argop a = {.op = OP_WRITE};
	struct xdr_enc e;

	xdr_enc_init(&e, buf, cap);
	xdr_put_u32(&e, 0);
	xdr_put_fixed(&e, anonymous_other, NFS4_OTHER_SIZE);
	xdr_put_u64(&e, 0);
	xdr_put_u32(&e, 2); /* FILE_SYNC4 */
	xdr_put_opaque(&e, data, len);
	CU_ASSERT_FATAL(!xdr_enc_overflow(&e));
	a.u.raw = (struct wire_opaque){buf, (uint32_t)e.len};
	return a;
}

/* Encode m, record-mark it (frag_size 0: one fragment) and send it on conn. */
static void send_msg(struct pcap_writer *w, struct traffic *tr, int conn, int from_server,
		     const struct wire_msg *m, size_t frag_size, const struct timeval *t)
{
	static uint8_t rec[ENC_CAP], out[ENC_CAP + 64];
	size_t n = wire_msg_encode(m, rec, sizeof(rec));
	size_t marked = SIZE_MAX;

	if (n <= sizeof(rec))
		marked = rm_encode(rec, n, frag_size, out, sizeof(out));
	if (!CHECK(marked <= sizeof(out) && tr->nxids < MAX_XIDS, "record of %zu bytes", n))
		return;
	CHECK(pcap_writer_data(w, conn, from_server, out, marked, t) == 0, "data on %d: %s", conn,
	      pcap_writer_error(w));
	stream_append(&tr->sent[conn][from_server], out, marked);
	tr->xids[tr->nxids++] = m->msg_type == ONCRPC_CALL ? m->call.xid : m->reply.xid;
}

static void send_null(struct pcap_writer *w, struct traffic *tr, int conn, uint32_t xid,
		      struct timeval *t)
{
	const struct wire_msg call = {.msg_type = ONCRPC_CALL,
				      .call = nfs_call(xid, NFSPROC4_NULL)};
	const struct wire_msg reply = {.msg_type = ONCRPC_REPLY, .reply = nfs_reply(xid)};

	send_msg(w, tr, conn, 0, &call, 0, t);
	tick(t);
	send_msg(w, tr, conn, 1, &reply, 0, t);
	tick(t);
}

/* COMPOUND { SEQUENCE, PUTROOTFH } and its NFS4_OK reply. */
static void send_compound(struct pcap_writer *w, struct traffic *tr, int conn, uint32_t xid,
			  struct timeval *t)
{
	struct nfs_argop args[] = {sequence_arg(), {.op = OP_PUTROOTFH}};
	struct nfs_resop res[] = {{.op = OP_SEQUENCE}, {.op = OP_PUTROOTFH}};
	struct wire_msg call = {.msg_type = ONCRPC_CALL, .call = nfs_call(xid, NFSPROC4_COMPOUND),
				.is_compound = true};
	struct wire_msg reply = {.msg_type = ONCRPC_REPLY, .reply = nfs_reply(xid),
				 .is_compound = true};

	call.args = (struct COMPOUND4args){.minorversion = 1, .argarray_len = 2, .argarray = args};
	memcpy(res[0].u.sequence.sr_sessionid, args[0].u.sequence.sa_sessionid,
	       NFS4_SESSIONID_SIZE);
	res[0].u.sequence.sr_sequenceid = 1;
	res[0].u.sequence.sr_highest_slotid = res[0].u.sequence.sr_target_highest_slotid = 63;
	reply.res = (struct COMPOUND4res){.status = NFS4_OK, .resarray_len = 2, .resarray = res};
	send_msg(w, tr, conn, 0, &call, 0, t);
	tick(t);
	send_msg(w, tr, conn, 1, &reply, 0, t);
	tick(t);
}

/* COMPOUND { SEQUENCE, PUTROOTFH, WRITE } over the MSS, in several fragments. */
static void send_big_write(struct pcap_writer *w, struct traffic *tr, int conn, uint32_t xid,
			   struct timeval *t)
{
	static uint8_t data[BIG_WRITE_LEN], op[BIG_WRITE_LEN + 64];
	struct nfs_argop args[3] = {sequence_arg(), {.op = OP_PUTROOTFH}};
	struct wire_msg call = {.msg_type = ONCRPC_CALL, .call = nfs_call(xid, NFSPROC4_COMPOUND),
				.is_compound = true};

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	args[2] = write_arg(op, sizeof(op), data, BIG_WRITE_LEN);
	call.args = (struct COMPOUND4args){.minorversion = 1, .argarray_len = 3, .argarray = args};
	send_msg(w, tr, conn, 0, &call, BIG_FRAG_SIZE, t);
	tick(t);
}

static struct pcap_writer *open_capture(const char *path)
{
	char err[256] = "";
	struct pcap_writer *w = pcap_writer_open(path, err, sizeof(err));

	CHECK(w != NULL, "pcap_writer_open(%s): %s", path, err);
	return w;
}

static void finish_capture(struct pcap_writer *w)
{
	char err[256] = "";

	CHECK(pcap_writer_finish(w, err, sizeof(err)) == 0, "pcap_writer_finish: %s", err);
}

static int connect_at(struct pcap_writer *w, struct traffic *tr, uint16_t cport,
		      struct timeval *t)
{
	int id = pcap_writer_connect(w, cport, NFS_PORT, t);

	CHECK(id == tr->nconns, "connect %u: id %d, expected %d (%s)", cport, id, tr->nconns,
	      pcap_writer_error(w));
	CU_ASSERT_FATAL(id >= 0 && id < MAX_CONNS);
	tr->nconns++;
	tick(t);
	return id;
}

/* Two interleaved connections: NFS calls closed by the client, a big record reset by the server. */
static bool write_nfs_capture(const char *path, struct traffic *tr)
{
	struct timeval t = {.tv_sec = 1700000000};
	struct pcap_writer *w = open_capture(path);
	int a, b;

	if (!w)
		return false;
	a = connect_at(w, tr, CPORT_A, &t);
	b = connect_at(w, tr, CPORT_B, &t);
	send_null(w, tr, a, 0x4e110001u, &t);
	send_big_write(w, tr, b, 0x4e110002u, &t);
	send_compound(w, tr, a, 0x4e110003u, &t);
	CHECK(pcap_writer_close(w, b, 1, 1, &t) == 0, "reset: %s", pcap_writer_error(w));
	tick(&t);
	CHECK(pcap_writer_close(w, a, 0, 0, &t) == 0, "close: %s", pcap_writer_error(w));
	finish_capture(w);
	return true;
}

/* ---- reading a capture back ------------------------------------------------------- */

/* One connection as seen in the capture. */
struct flow {
	uint16_t cport;
	uint32_t next_seq[2]; /* by direction: 0 client to server */
	bool synack_seen, fin[2], rst, last_ack;
	int await_ack;        /* direction whose data segment awaits the peer's ACK, or -1 */
	struct stream got[2];
	unsigned data_segments[2];
};

struct readback {
	struct flow flows[MAX_CONNS];
	int nflows;
	unsigned frames;
	uint16_t last_ip_id;
};

struct tcp_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	unsigned hdr_len;
	uint8_t flags;
	uint16_t window;
	const uint8_t *payload;
	size_t len;
	int dir; /* 0 client to server */
};

static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return get16(p) << 16 | get16(p + 2); }

/* The one's-complement sum of n bytes, folded: 0xffff over data that carries its checksum. */
static uint32_t ones_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return sum;
}

static bool check_ipv4(struct readback *rb, const uint8_t *ip, size_t n)
{
	uint16_t id = (uint16_t)get16(ip + 4);
	bool ok = CHECK(ip[0] == 0x45 && ip[9] == 6, "frame %u: version/IHL %#x, protocol %u",
			rb->frames, ip[0], ip[9]);

	ok &= CHECK(get16(ip + 2) == n, "frame %u: IPv4 total length %u, frame carries %zu",
		    rb->frames, get16(ip + 2), n);
	ok &= CHECK(ones_sum(0, ip, 20) == 0xffff, "frame %u: bad IPv4 header checksum %#x",
		    rb->frames, get16(ip + 10));
	ok &= CHECK(get16(ip + 6) == 0x4000 && ip[8] == 64, "frame %u: flags %#x, TTL %u",
		    rb->frames, get16(ip + 6), ip[8]);
	ok &= CHECK(get32(ip + 12) == LOOPBACK && get32(ip + 16) == LOOPBACK,
		    "frame %u: addresses not 127.0.0.1", rb->frames);
	ok &= CHECK(rb->frames == 1 || id == (uint16_t)(rb->last_ip_id + 1),
		    "frame %u: IP id %u after %u", rb->frames, id, rb->last_ip_id);
	rb->last_ip_id = id;
	return ok;
}

static bool parse_tcp(const struct readback *rb, const uint8_t *tcp, size_t n, struct tcp_seg *s)
{
	uint8_t pseudo[12] = {127, 0, 0, 1, 127, 0, 0, 1, 0, 6, (uint8_t)(n >> 8), (uint8_t)n};
	bool ok;

	*s = (struct tcp_seg){.sport = (uint16_t)get16(tcp), .dport = (uint16_t)get16(tcp + 2),
			      .seq = get32(tcp + 4), .ack = get32(tcp + 8),
			      .hdr_len = (unsigned)(tcp[12] >> 4) * 4, .flags = tcp[13],
			      .window = (uint16_t)get16(tcp + 14)};
	if (!CHECK(s->hdr_len >= 20 && s->hdr_len <= n, "frame %u: TCP header length %u",
		   rb->frames, s->hdr_len))
		return false;
	s->payload = tcp + s->hdr_len;
	s->len = n - s->hdr_len;
	s->dir = s->sport == NFS_PORT;
	ok = CHECK(ones_sum(ones_sum(0, pseudo, 12), tcp, n) == 0xffff,
		   "frame %u: bad TCP checksum %#x", rb->frames, get16(tcp + 16));
	ok &= CHECK(s->window == PCAP_WRITER_WINDOW, "frame %u: window %u", rb->frames, s->window);
	ok &= CHECK((s->dir ? s->dport : s->sport) != NFS_PORT, "frame %u: ports %u > %u",
		    rb->frames, s->sport, s->dport);
	return ok;
}

/* Header length 24 with the MSS option exactly on SYNs, 20 otherwise. */
static bool check_options(const struct readback *rb, const uint8_t *tcp, const struct tcp_seg *s)
{
	if (!(s->flags & TCP_SYN))
		return CHECK(s->hdr_len == 20, "frame %u: options on a non-SYN", rb->frames);
	return CHECK(s->hdr_len == 24 && tcp[20] == 2 && tcp[21] == 4 &&
			     get16(tcp + 22) == PCAP_WRITER_MSS,
		     "frame %u: SYN without the MSS option", rb->frames);
}

static struct flow *flow_for(struct readback *rb, const struct tcp_seg *s)
{
	uint16_t cport = s->dir ? s->dport : s->sport;

	for (int i = 0; i < rb->nflows; i++)
		if (rb->flows[i].cport == cport)
			return &rb->flows[i];
	if (!CHECK(s->flags == TCP_SYN && rb->nflows < MAX_CONNS,
		   "frame %u: flags %#x on unknown connection from port %u", rb->frames, s->flags,
		   cport))
		return NULL;
	rb->flows[rb->nflows] = (struct flow){.cport = cport, .await_ack = -1};
	rb->flows[rb->nflows].next_seq[0] = s->seq;
	return &rb->flows[rb->nflows++];
}

/* Flags allowed after the handshake: data, pure ACK, FIN or RST, each with ACK. */
static bool check_flags(const struct readback *rb, const struct flow *f, const struct tcp_seg *s)
{
	bool data = s->flags == (TCP_PSH | TCP_ACK), ok;

	if (f->await_ack >= 0)
		return CHECK(s->flags == TCP_ACK && s->dir != f->await_ack && s->len == 0,
			     "frame %u: data not followed by the peer's ACK", rb->frames);
	if (s->flags == TCP_SYN)
		return CHECK(s->dir == 0 && !f->synack_seen, "frame %u: stray SYN", rb->frames);
	if (s->flags == (TCP_SYN | TCP_ACK))
		return CHECK(s->dir == 1 && !f->synack_seen, "frame %u: stray SYN/ACK", rb->frames);
	ok = CHECK(f->synack_seen && !f->rst && !f->last_ack, "frame %u: outside the connection",
		   rb->frames);
	ok &= CHECK(data || s->flags == TCP_ACK || s->flags == (TCP_FIN | TCP_ACK) ||
			    s->flags == (TCP_RST | TCP_ACK),
		    "frame %u: flags %#x", rb->frames, s->flags);
	ok &= CHECK(data ? s->len > 0 && s->len <= PCAP_WRITER_MSS : s->len == 0,
		    "frame %u: flags %#x with %zu payload bytes", rb->frames, s->flags, s->len);
	return ok;
}

/* Sequence and acknowledgement numbers continue each direction; record payload and state. */
static void advance_flow(struct readback *rb, struct flow *f, const struct tcp_seg *s)
{
	int d = s->dir;

	if (s->flags == (TCP_SYN | TCP_ACK))
		f->next_seq[1] = s->seq;
	CHECK(s->seq == f->next_seq[d], "frame %u: seq %u, expected %u", rb->frames, s->seq,
	      f->next_seq[d]);
	f->next_seq[d] = s->seq + (uint32_t)s->len + !!(s->flags & (TCP_SYN | TCP_FIN));
	if (s->flags & TCP_ACK)
		CHECK(s->ack == f->next_seq[!d], "frame %u: ack %u, expected %u", rb->frames,
		      s->ack, f->next_seq[!d]);
	else
		CHECK(s->ack == 0, "frame %u: ack %u without the ACK flag", rb->frames, s->ack);
	f->last_ack = s->flags == TCP_ACK && f->fin[0] && f->fin[1];
	f->synack_seen |= (s->flags & TCP_SYN) && (s->flags & TCP_ACK);
	f->fin[d] |= !!(s->flags & TCP_FIN);
	f->rst |= !!(s->flags & TCP_RST);
	f->await_ack = s->len ? d : -1;
	if (s->len) {
		stream_append(&f->got[d], s->payload, s->len);
		f->data_segments[d]++;
	}
}

static void check_frame(struct readback *rb, const struct pcap_pkthdr *h, const uint8_t *p)
{
	const uint8_t *tcp = p + 34;
	struct tcp_seg s;
	struct flow *f;

	rb->frames++;
	if (!CHECK(h->caplen == h->len && h->len >= FRAME_MIN && get16(p + 12) == 0x0800,
		   "frame %u: caplen %u len %u ethertype %#x", rb->frames, h->caplen, h->len,
		   h->len >= FRAME_MIN ? get16(p + 12) : 0) ||
	    !check_ipv4(rb, p + 14, h->len - 14) || !parse_tcp(rb, tcp, h->len - 34, &s) ||
	    !check_options(rb, tcp, &s))
		return;
	f = flow_for(rb, &s);
	if (f && check_flags(rb, f, &s))
		advance_flow(rb, f, &s);
}

static bool read_capture(const char *path, struct readback *rb)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (!CHECK(p != NULL, "pcap_open_offline(%s): %s", path, err))
		return false;
	CHECK(pcap_datalink(p) == DLT_EN10MB, "link type %d", pcap_datalink(p));
	CHECK(pcap_snapshot(p) >= (int)(FRAME_MIN + PCAP_WRITER_MSS), "snap length %d",
	      pcap_snapshot(p));
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		check_frame(rb, h, data);
	CHECK(rc == PCAP_ERROR_BREAK, "reading %s: %s", path, pcap_geterr(p));
	pcap_close(p);
	return true;
}

static void readback_free(struct readback *rb)
{
	for (int i = 0; i < rb->nflows; i++)
		for (int d = 0; d < 2; d++)
			free(rb->flows[i].got[d].data);
}

/* Each direction of each connection carried exactly the bytes sent, in order. */
static void check_streams(const struct readback *rb, const struct traffic *tr)
{
	CHECK(rb->nflows == tr->nconns, "%d connections in the capture, %d made", rb->nflows,
	      tr->nconns);
	for (int c = 0; c < rb->nflows && c < tr->nconns; c++) {
		for (int d = 0; d < 2; d++) {
			const struct stream *got = &rb->flows[c].got[d], *sent = &tr->sent[c][d];

			CHECK(got->len == sent->len &&
				      (!sent->len || memcmp(got->data, sent->data, sent->len) == 0),
			      "connection %d direction %d: %zu bytes captured, %zu sent", c, d,
			      got->len, sent->len);
		}
		CHECK(rb->flows[c].await_ack < 0, "connection %d: last data never ACKed", c);
	}
}

/* ---- temporary files and tshark ---------------------------------------------------- */

static bool temp_path(char *path, size_t n)
{
	int fd;

	snprintf(path, n, "/tmp/test_pcap_writer_XXXXXX.pcap");
	fd = mkstemps(path, 5);
	if (!CHECK(fd >= 0, "mkstemps %s failed", path))
		return false;
	close(fd);
	return true;
}

/* Keep a capture that a test failed on, for a look with tshark or Wireshark. */
static void remove_if_passed(const char *path, unsigned failures_before)
{
	if (CU_get_number_of_failures() == failures_before)
		unlink(path);
	else
		fprintf(stderr, "kept %s\n", path);
}

/* Run tshark on path with args; its stdout goes to out. Returns its exit status, -1 on error. */
static int run_tshark(const char *path, const char *args, char *out, size_t cap)
{
	char cmd[1024];
	size_t len = 0, got;
	FILE *f;
	int status;

	snprintf(cmd, sizeof(cmd),
		 "tshark -n -d tcp.port==%u,rpc -o tcp.check_checksum:TRUE "
		 "-o ip.check_checksum:TRUE -r '%s' %s 2>/dev/null",
		 NFS_PORT, path, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len + 1 < cap && (got = fread(out + len, 1, cap - 1 - len, f)) > 0)
		len += got;
	out[len] = '\0';
	status = pclose(f);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool have_tshark(void)
{
	return CHECK(system("command -v tshark >/dev/null 2>&1") == 0,
		     "tshark is not on PATH: ci/install-deps installs it");
}

/* The xids tshark lists, one frame per line (several in a frame are comma-separated). */
static size_t parse_xids(char *text, uint32_t *xids, size_t max)
{
	size_t n = 0;
	char *end;

	for (char *p = text; *p && n < max; p = end) {
		while (*p == '\n' || *p == ',')
			p++;
		if (!*p)
			break;
		xids[n++] = (uint32_t)strtoul(p, &end, 0);
		if (end == p)
			break;
	}
	return n;
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_frames_read_back(void)
{
	unsigned failures = CU_get_number_of_failures();
	struct traffic tr = {0};
	struct readback rb = {0};
	char path[64];

	if (!temp_path(path, sizeof(path)))
		return;
	if (write_nfs_capture(path, &tr) && read_capture(path, &rb)) {
		check_streams(&rb, &tr);
		CHECK(rb.flows[0].fin[0] && rb.flows[0].fin[1] && rb.flows[0].last_ack &&
			      !rb.flows[0].rst,
		      "connection 0 not closed by FIN/ACK both ways");
		CHECK(rb.flows[1].rst && !rb.flows[1].fin[0] && !rb.flows[1].fin[1],
		      "connection 1 not reset");
		CHECK(rb.flows[1].data_segments[0] == 2, "big record in %u segments, expected 2",
		      rb.flows[1].data_segments[0]);
		/* A handshake of 3 per connection, 2 frames per data segment, FIN/FIN/ACK, RST. */
		CHECK(rb.frames == 6 + 2 * (4 + 2) + 3 + 1, "%u frames", rb.frames);
	}
	readback_free(&rb);
	traffic_free(&tr);
	remove_if_passed(path, failures);
}

/* Payloads at and around the MSS: 0 writes nothing, MSS + 1 needs two segments. */
static void test_segment_boundaries(void)
{
	unsigned failures = CU_get_number_of_failures();
	static const size_t sizes[] = {0, 1, PCAP_WRITER_MSS - 1, PCAP_WRITER_MSS,
				       PCAP_WRITER_MSS + 1, 2 * PCAP_WRITER_MSS + 1};
	static uint8_t bytes[2 * PCAP_WRITER_MSS + 1];
	struct timeval t = {.tv_sec = 1};
	struct traffic tr = {0};
	struct readback rb = {0};
	struct pcap_writer *w;
	char path[64];
	int c;

	if (!temp_path(path, sizeof(path)) || !(w = open_capture(path)))
		return;
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i % 253);
	c = connect_at(w, &tr, CPORT_A, &t);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK(pcap_writer_data(w, c, (int)(i % 2), bytes, sizes[i], &t) == 0,
		      "size %zu: %s", sizes[i], pcap_writer_error(w));
		stream_append(&tr.sent[c][i % 2], bytes, sizes[i]);
	}
	CHECK(pcap_writer_close(w, c, 1, 0, &t) == 0, "close: %s", pcap_writer_error(w));
	finish_capture(w);
	if (read_capture(path, &rb)) {
		check_streams(&rb, &tr);
		const unsigned *segs = rb.flows[0].data_segments;

		CHECK(segs[0] == 0 + 1 + 2 && segs[1] == 1 + 1 + 3, "segments %u and %u", segs[0],
		      segs[1]);
		CHECK(rb.flows[0].last_ack, "close from the server not completed");
	}
	readback_free(&rb);
	traffic_free(&tr);
	remove_if_passed(path, failures);
}

/* Misuse returns -1 with a reason and leaves the file intact; a bad path fails to open. */
static void test_errors(void)
{
	unsigned failures = CU_get_number_of_failures();
	struct timeval t = {.tv_sec = 1};
	struct traffic tr = {0};
	struct readback rb = {0};
	uint8_t byte = 0;
	char path[64], err[256] = "";
	struct pcap_writer *w;
	int c;

	CU_ASSERT_PTR_NULL(pcap_writer_open("/nonexistent-dir/x.pcap", err, sizeof(err)));
	CHECK(err[0] != '\0', "no reason for the failed open");
	if (!temp_path(path, sizeof(path)) || !(w = open_capture(path)))
		return;
	c = connect_at(w, &tr, CPORT_A, &t);
	CU_ASSERT_EQUAL(pcap_writer_data(w, c + 1, 0, &byte, 1, &t), -1);
	CHECK(strstr(pcap_writer_error(w), "no connection") != NULL, "%s", pcap_writer_error(w));
	CU_ASSERT_EQUAL(pcap_writer_data(w, c, 0, &byte, 1, NULL), -1);
	CU_ASSERT_EQUAL(pcap_writer_data(w, c, 0, NULL, 1, &t), -1);
	CU_ASSERT_EQUAL(pcap_writer_close(w, c, 0, 1, &t), 0);
	CU_ASSERT_STRING_EQUAL(pcap_writer_error(w), "");
	CU_ASSERT_EQUAL(pcap_writer_data(w, c, 1, &byte, 1, &t), -1);
	CHECK(strstr(pcap_writer_error(w), "closed") != NULL, "%s", pcap_writer_error(w));
	CU_ASSERT_EQUAL(pcap_writer_close(w, c, 1, 0, &t), -1);
	CU_ASSERT_EQUAL(pcap_writer_connect(w, CPORT_B, NFS_PORT, &t), 1);
	finish_capture(w);
	if (read_capture(path, &rb))
		CHECK(rb.frames == 3 + 1 + 3 && rb.nflows == 2, "%u frames, %d connections",
		      rb.frames, rb.nflows);
	readback_free(&rb);
	traffic_free(&tr);
	remove_if_passed(path, failures);
}

/* A full disk: the call that hits it, every later call and the finish report it. */
static void test_write_failure(void)
{
	static uint8_t bytes[4 * PCAP_WRITER_MSS];
	struct timeval t = {.tv_sec = 1};
	struct pcap_writer *w = open_capture("/dev/full");
	char err[256] = "";
	int c;

	if (!w)
		return;
	c = pcap_writer_connect(w, CPORT_A, NFS_PORT, &t);
	CU_ASSERT_EQUAL(c, 0); /* the header and handshake still fit in stdio's buffer */
	CU_ASSERT_EQUAL(pcap_writer_data(w, c, 0, bytes, sizeof(bytes), &t), -1);
	CHECK(strstr(pcap_writer_error(w), "No space left") != NULL, "%s", pcap_writer_error(w));
	CU_ASSERT_EQUAL(pcap_writer_close(w, c, 0, 0, &t), -1);
	CHECK(strstr(pcap_writer_error(w), "earlier write failed") != NULL, "%s",
	      pcap_writer_error(w));
	CU_ASSERT_EQUAL(pcap_writer_finish(w, err, sizeof(err)), -1);
	CHECK(strstr(err, "/dev/full: write failed") != NULL, "%s", err);
}

/* tshark finds nothing malformed (checksums checked too), every xid sent and the whole WRITE. */
static void check_with_tshark(const char *path, const struct traffic *tr)
{
	static char out[64 * 1024];
	uint32_t xids[MAX_XIDS];
	size_t n;

	CHECK(run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= error' "
			       "-T fields -e frame.number",
			 out, sizeof(out)) == 0,
	      "tshark failed on %s", path);
	CHECK(out[0] == '\0', "tshark flags frames of %s: %s", path, out);
	CHECK(run_tshark(path, "-Y rpc -T fields -e rpc.xid", out, sizeof(out)) == 0,
	      "tshark failed on %s", path);
	n = parse_xids(out, xids, MAX_XIDS);
	CHECK(n == tr->nxids && memcmp(xids, tr->xids, n * sizeof(xids[0])) == 0,
	      "tshark lists %zu xids, %zu sent: %s", n, tr->nxids, out);
	CHECK(run_tshark(path, "-Y 'nfs.opcode == 38' -T fields -e nfs.write.data_length", out,
			 sizeof(out)) == 0 &&
		      strtoul(out, NULL, 10) == BIG_WRITE_LEN,
	      "tshark did not reassemble the WRITE: '%s'", out);
}

static void test_tshark_decodes(void)
{
	unsigned failures = CU_get_number_of_failures();
	struct traffic tr = {0};
	char path[64];

	if (!have_tshark() || !temp_path(path, sizeof(path)))
		return;
	if (write_nfs_capture(path, &tr))
		check_with_tshark(path, &tr);
	traffic_free(&tr);
	remove_if_passed(path, failures);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"read back: checksums, sequence numbers, flags, payload", test_frames_read_back},
		{"segments at the MSS boundaries", test_segment_boundaries},
		{"errors", test_errors},
		{"write failure", test_write_failure},
		{"tshark: nothing malformed, every xid", test_tshark_decodes},
		{NULL, NULL},
	};

	tests_add_suite("pcap_writer", tests);
}
