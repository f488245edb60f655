/*
 * bench_refd.c - load on an NFSv4.1 server: C connections, each with its own session and S slots
 * kept busy with SEQUENCE+PUTROOTFH+GETATTR for D seconds; prints compounds/s and latency
 * percentiles. With --sessions N it instead opens N sessions and leaves them, so the server's
 * RSS can be read. Loopback only; bounded in time.
 *
 *   bench_refd HOST:PORT [--conns C] [--slots S] [--seconds D] [--sessions N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "wire.h"

#define MAX_CONNS 64
#define MAX_SLOTS 64

struct client {
	struct conn c;
	uint8_t sid[NFS4_SESSIONID_SIZE];
	uint32_t seqid[MAX_SLOTS];
	double sent_at[MAX_SLOTS];
	uint32_t xid;
};

static const uint8_t authsys[] = {0, 0, 0, 1, 0, 0, 0, 5, 'b', 'e', 'n', 'c', 'h', 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

/* Encode ops as a COMPOUND call with AUTH_SYS uid 0 and send it. */
static int send_ops(struct client *cl, uint32_t xid, struct nfs_argop *ops, uint32_t n)
{
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = {.xid = xid, .rpcvers = 2, .prog = NFS4_PROGRAM, .vers = NFS_V4,
				      .proc = NFSPROC4_COMPOUND,
				      .cred = {.flavor = ONCRPC_AUTH_SYS, .body = {authsys, sizeof(authsys)}}},
			     .is_compound = true,
			     .args = {.minorversion = 1, .argarray = ops, .argarray_len = n}};
	uint8_t buf[1024];
	size_t len = wire_msg_encode(&m, buf, sizeof(buf));
	char err[200];

	return len > sizeof(buf) ? -1 : conn_send_record(&cl->c, buf, len, 0, err, sizeof(err));
}

/* Wait for xid's reply and decode it; returns the COMPOUND status or -1. */
static int await(struct client *cl, uint32_t xid, struct wire_msg *m)
{
	struct conn_reply r;
	struct wire_error e;
	int st;

	if (conn_wait_reply(&cl->c, xid, conn_now() + 10, &r) != CONN_GOT_REPLY)
		return -1;
	st = wire_msg_decode(r.rec, r.len, NULL, m, &e) == WIRE_OK && m->is_compound
		     ? (int)m->res.status : -1;
	free(r.rec);
	return st;
}

static int open_session(struct client *cl, const char *host, uint16_t port, unsigned id,
			uint32_t slots)
{
	char owner[64], err[200];
	struct nfs_argop op = {.op = OP_EXCHANGE_ID};
	struct wire_msg m;
	uint64_t clientid;

	if (conn_open(&cl->c, (int)id, host, port, conn_now() + 5, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_refd: %s\n", err);
		return -1;
	}
	snprintf(owner, sizeof(owner), "bench-%ld-%u", (long)getpid(), id);
	op.u.exchange_id.eia_clientowner.co_ownerid =
		(struct wire_opaque){(const uint8_t *)owner, (uint32_t)strlen(owner)};
	if (send_ops(cl, ++cl->xid, &op, 1) != 0 || await(cl, cl->xid, &m) != 0)
		return -1;
	clientid = m.res.resarray[0].u.exchange_id.eir_clientid;
	wire_msg_free(&m);
	op = (struct nfs_argop){.op = OP_CREATE_SESSION};
	op.u.create_session = (struct CREATE_SESSION4args){
		.csa_clientid = clientid, .csa_sequence = 1, .csa_sec_parms_count = 1,
		.csa_fore_chan_attrs = {0, 65536, 65536, 8192, 8, slots, false, 0},
		.csa_back_chan_attrs = {0, 4096, 4096, 0, 2, 1, false, 0}};
	if (send_ops(cl, ++cl->xid, &op, 1) != 0 || await(cl, cl->xid, &m) != 0)
		return -1;
	memcpy(cl->sid, m.res.resarray[0].u.create_session.csr_sessionid, NFS4_SESSIONID_SIZE);
	wire_msg_free(&m);
	return 0;
}

/* xid encodes the slot: slot in the low byte, a counter above it. */
static int send_work(struct client *cl, uint32_t slot, uint32_t slots)
{
	struct nfs_argop ops[3] = {{.op = OP_SEQUENCE}, {.op = OP_PUTROOTFH}, {.op = OP_GETATTR}};

	memcpy(ops[0].u.sequence.sa_sessionid, cl->sid, NFS4_SESSIONID_SIZE);
	ops[0].u.sequence.sa_slotid = slot;
	ops[0].u.sequence.sa_highest_slotid = slots - 1;
	ops[0].u.sequence.sa_sequenceid = ++cl->seqid[slot];
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_TYPE);
	bitmap4_set(&ops[2].u.getattr.attr_request, FATTR4_LEASE_TIME);
	cl->sent_at[slot] = conn_now();
	return send_ops(cl, (++cl->xid << 8) | slot, ops, 3);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned conns = 4, slots = 16, seconds = 3, sessions = 0;
	char host[64] = "127.0.0.1";
	unsigned port = 0;
	static struct client cls[MAX_CONNS];
	double *lat = NULL, t_end;
	size_t nlat = 0, cap = 0, done = 0;

	if (argc < 2 || sscanf(argv[1], "%63[^:]:%u", host, &port) != 2) {
		fprintf(stderr, "usage: bench_refd HOST:PORT [--conns C] [--slots S] [--seconds D] [--sessions N]\n");
		return 64;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		unsigned v = (unsigned)strtoul(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "--conns"))
			conns = v < 1 ? 1 : v > MAX_CONNS ? MAX_CONNS : v;
		else if (!strcmp(argv[i], "--slots"))
			slots = v < 1 ? 1 : v > MAX_SLOTS ? MAX_SLOTS : v;
		else if (!strcmp(argv[i], "--seconds"))
			seconds = v < 1 ? 1 : v > 60 ? 60 : v;
		else if (!strcmp(argv[i], "--sessions"))
			sessions = v > 100000 ? 100000 : v;
	}
	if (sessions) { /* N sessions held open, one connection each at a time */
		for (unsigned i = 0; i < sessions; i++) {
			struct client one = {0};
			if (open_session(&one, host, (uint16_t)port, i, slots) != 0)
				return 1;
			conn_close(&one.c);
		}
		printf("bench_refd: %u sessions open (%u slots each)\n", sessions, slots);
		return 0;
	}
	for (unsigned i = 0; i < conns; i++)
		if (open_session(&cls[i], host, (uint16_t)port, i, slots) != 0)
			return 1;
	for (unsigned i = 0; i < conns; i++)
		for (uint32_t s = 0; s < slots; s++)
			if (send_work(&cls[i], s, slots) != 0)
				return 1;
	t_end = conn_now() + seconds;
	while (conn_now() < t_end) {
		for (unsigned i = 0; i < conns; i++) {
			struct client *cl = &cls[i];
			conn_read_available(&cl->c);
			while (cl->c.nreplies) {
				struct conn_reply *r = &cl->c.replies[0];
				uint32_t slot = r->xid & 0xff;
				if (nlat == cap) {
					double *more = realloc(lat, (cap ? cap * 2 : 1 << 16) * sizeof(*lat));
					if (!more) {
						free(lat);
						return 1;
					}
					lat = more;
					cap = cap ? cap * 2 : 1 << 16;
				}
				lat[nlat++] = r->at - cl->sent_at[slot];
				free(r->rec);
				memmove(r, r + 1, (cl->c.nreplies - 1) * sizeof(*r));
				cl->c.nreplies--;
				done++;
				if (send_work(cl, slot, slots) != 0) {
					free(lat);
					return 1;
				}
			}
		}
	}
	if (nlat)
		qsort(lat, nlat, sizeof(*lat), cmp_double);
	printf("bench_refd: %u conns x %u slots, %u s: %.0f compounds/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
	       conns, slots, seconds, (double)done / seconds, nlat ? lat[nlat / 2] * 1e3 : 0,
	       nlat ? lat[nlat * 99 / 100] * 1e3 : 0, nlat ? lat[nlat - 1] * 1e3 : 0);
	free(lat);
	return 0;
}
