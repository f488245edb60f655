/*
 * bench_echo.c - the floor under nfs41refd's throughput: nfs41refd's own
 * transport (the same epoll loop, record reader and reply queue) with a handler
 * that does no NFS work. Every record is answered at once with an accepted RPC
 * reply of --reply-bytes bytes carrying the call's xid, so `nfs41check load
 * --raw` measures it exactly as it measures a server, with the same message
 * sizes. The gap between the two is what the state machine costs.
 *
 *   bench_echo [--port P] [--reply-bytes N] [--seconds S]
 *
 * Prints "port=P" once listening; stops on SIGTERM or SIGINT, or after S
 * seconds (default 600). Listens on 127.0.0.1 only.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transport.h"
#include "xdr.h"

#define MIN_REPLY 24u /* xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct echo {
	size_t reply_bytes;
};

/* A reply as a server's would be built: a fresh buffer the transport then owns. */
static enum transport_action on_record(void *ctx, uint64_t conn, const uint8_t *rec, size_t len,
				       uint8_t **reply, size_t *reply_len)
{
	const struct echo *e = ctx;
	uint8_t *r;

	(void)conn;
	if (len < 4)
		return TRANSPORT_CLOSE;
	r = calloc(1, e->reply_bytes);
	if (!r)
		return TRANSPORT_CLOSE;
	memcpy(r, rec, 4);  /* xid */
	xdr_store_be32(r + 4, 1); /* REPLY; MSG_ACCEPTED, AUTH_NONE, empty verifier, SUCCESS are zeros */
	*reply = r;
	*reply_len = e->reply_bytes;
	return TRANSPORT_REPLY;
}

static int parse_args(int argc, char **argv, struct transport_opts *o, struct echo *e,
		      double *seconds)
{
	for (int i = 1; i < argc; i += 2) {
		char *end;
		double v = i + 1 < argc ? strtod(argv[i + 1], &end) : -1;

		if (i + 1 >= argc || *end || v < 0) {
			fprintf(stderr, "bench_echo: %s wants a number\n", argv[i]);
			return -1;
		}
		if (!strcmp(argv[i], "--port") && v <= 65535)
			o->port = (uint16_t)v;
		else if (!strcmp(argv[i], "--reply-bytes") && v >= MIN_REPLY && v <= 65536)
			e->reply_bytes = (size_t)v / 4 * 4;
		else if (!strcmp(argv[i], "--seconds") && v > 0 && v <= 86400)
			*seconds = v;
		else {
			fprintf(stderr, "usage: bench_echo [--port P] [--reply-bytes 24..65536] [--seconds S]\n");
			return -1;
		}
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct echo e = {.reply_bytes = 160};
	struct transport_opts o = {.listen_addr = "127.0.0.1"};
	struct transport_handler h = {.ctx = &e, .on_record = on_record};
	struct sigaction sa = {.sa_handler = on_signal};
	struct transport *t;
	char err[256];
	double seconds = 600, end;

	if (parse_args(argc, argv, &o, &e, &seconds) != 0)
		return 64;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	t = transport_new(&o, &h, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "bench_echo: %s\n", err);
		return 1;
	}
	printf("port=%u\n", transport_port(t));
	fflush(stdout);
	end = now_s() + seconds;
	while (!stop_requested && now_s() < end)
		if (transport_run_once(t, 200) < 0)
			break;
	transport_free(t);
	return 0;
}
