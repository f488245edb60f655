/* bench_decode.c - decode and encode rates of the wire library on captured and built messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_records.h"
#include "wire.h"

#define TARGET_RATE 1e6 /* SEQUENCE+PUTROOTFH+GETATTR call decodes per second per core */
#define BATCH 4096      /* messages between clock reads */

/* A set of records, each with its decoded form (for the encode loop). */
struct set {
	const uint8_t **data;
	size_t *len;
	struct wire_msg *msg;
	size_t n, bytes;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench_decode: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void add(struct set *s, const uint8_t *data, size_t len)
{
	struct wire_error err;

	s->data = realloc(s->data, (s->n + 1) * sizeof(*s->data));
	s->len = realloc(s->len, (s->n + 1) * sizeof(*s->len));
	s->msg = realloc(s->msg, (s->n + 1) * sizeof(*s->msg));
	if (!s->data || !s->len || !s->msg)
		abort();
	if (wire_msg_decode(data, len, NULL, &s->msg[s->n], &err) != WIRE_OK) {
		char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		die("a record does not decode: %s", wire_error_format(&err, msg, sizeof(msg)));
	}
	s->data[s->n] = data, s->len[s->n] = len, s->bytes += len, s->n++;
}

/* Decode (or encode) every message of s, over and over for secs seconds: messages per second. */
static double rate(const struct set *s, double secs, int encode)
{
	static uint8_t out[1 << 16];
	struct wire_msg m;
	struct wire_error err;
	unsigned long done = 0;
	double start = now(), t;
	size_t i = 0;

	do {
		for (size_t k = 0; k < BATCH; k++, i = i + 1 < s->n ? i + 1 : 0) {
			if (encode) {
				if (wire_msg_encode(&s->msg[i], out, sizeof(out)) > sizeof(out))
					abort();
				continue;
			}
			if (wire_msg_decode(s->data[i], s->len[i], NULL, &m, &err) != WIRE_OK)
				abort();
			wire_msg_free(&m);
		}
		done += BATCH;
	} while ((t = now() - start) < secs);
	return (double)done / t;
}

/* SEQUENCE + PUTROOTFH + GETATTR (2-word bitmap) as a Linux client sends it, AUTH_SYS. */
static size_t build_sequence_putrootfh_getattr(uint8_t *buf, size_t cap)
{
	static uint8_t auth[ONCRPC_MAX_AUTH_BYTES];
	struct oncrpc_authsys sys = {.stamp = 1, .machinename = {(const uint8_t *)"bench", 5}};
	struct nfs_argop ops[3] = {
		{.op = OP_SEQUENCE, .u.sequence = {.sa_sequenceid = 7, .sa_highest_slotid = 7}},
		{.op = OP_PUTROOTFH},
		{.op = OP_GETATTR, .u.getattr.attr_request = {2, {0x0010011a, 0x00b0a23a}}},
	};
	struct wire_msg m = {.msg_type = ONCRPC_CALL, .is_compound = true,
			     .call = {.xid = 0x5eed, .rpcvers = ONCRPC_VERSION, .prog = NFS4_PROGRAM,
				      .vers = NFS_V4, .proc = NFSPROC4_COMPOUND},
			     .args = {.minorversion = 1, .argarray_len = 3, .argarray = ops}};

	memcpy(ops[0].u.sequence.sa_sessionid, "session-id-16byt", NFS4_SESSIONID_SIZE);
	m.call.cred.flavor = ONCRPC_AUTH_SYS;
	m.call.cred.body = oncrpc_authsys_encode(&sys, auth, sizeof(auth));
	return wire_msg_encode(&m, buf, cap);
}

/* One line of figures for s; returns its decode rate. */
static double report(const char *what, const struct set *s, double secs)
{
	double dec = rate(s, secs, 0), enc = rate(s, secs, 1);

	printf("%-28s %5zu msgs %6zu B  decode %10.0f msg/s %7.1f MB/s  encode %10.0f msg/s\n", what,
	       s->n, s->bytes, dec, dec * (double)s->bytes / (double)s->n / 1e6, enc);
	return dec;
}

int main(int argc, char **argv)
{
	struct set calls = {0}, replies = {0}, spg = {0};
	struct capture caps[8];
	static uint8_t spg_buf[512];
	char err[256];
	double secs = argc > 1 ? atof(argv[1]) : 0;
	int ncaps = argc - 2;

	if (argc < 3 || ncaps > 8 || secs <= 0) {
		fprintf(stderr, "usage: %s SECONDS PCAP...  (at most 8 captures)\n", argv[0]);
		return 2;
	}
	for (int i = 0; i < ncaps; i++) {
		if (capture_load(argv[i + 2], &caps[i], err, sizeof(err)) != 0)
			die("%s: %s", argv[i + 2], err);
		for (size_t r = 0; r < caps[i].count; r++) {
			uint32_t xid, type;
			const struct capture_record *rec = &caps[i].records[r];
			if (oncrpc_msg_type_peek(rec->data, rec->len, &xid, &type))
				add(type == ONCRPC_CALL ? &calls : &replies, rec->data, rec->len);
		}
	}
	add(&spg, spg_buf, build_sequence_putrootfh_getattr(spg_buf, sizeof(spg_buf)));
	if (!calls.n || !replies.n || spg.msg[0].args.argarray_len != 3 ||
	    spg.msg[0].args.argarray[2].op != OP_GETATTR)
		die("no calls or replies, or a bad built message");
	printf("bench_decode: %s build, one thread, %.2f s per figure, %d captures\n", BENCH_BUILD,
	       secs, ncaps);
	report("capture calls", &calls, secs);
	report("capture replies", &replies, secs);
	double r = report("SEQUENCE+PUTROOTFH+GETATTR", &spg, secs);
	printf("SEQUENCE+PUTROOTFH+GETATTR call decodes per second per core: %.0f (target %.0f: %s)\n",
	       r, TARGET_RATE, r >= TARGET_RATE ? "met" : "MISSED");
	struct set *sets[] = {&calls, &replies, &spg};
	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		for (size_t i = 0; i < sets[k]->n; i++)
			wire_msg_free(&sets[k]->msg[i]);
		free(sets[k]->data), free(sets[k]->len), free(sets[k]->msg);
	}
	for (int i = 0; i < ncaps; i++)
		capture_free(&caps[i]);
	return 0;
}
