/* test_transport.c - the nfs41refd transport over real 127.0.0.1 sockets, friendly and hostile peers. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "recmark.h"
#include "test_main.h"
#include "transport.h"

#define MAX_IDS 4096
#define BIG_REPLY ((size_t)64 * 1024)

/* The handler's view: what opened, what closed and why, the last log line. */
struct fixture {
	struct transport *t;
	unsigned opens, closes;
	int reason_of[MAX_IDS]; /* -1: not closed */
	uint64_t max_id;
	bool ids_increasing;
	unsigned logs;
	char last_log[512];
};

struct client {
	int fd;
	struct rm_reader rd;
	uint8_t pend[65536];
	size_t pend_off, pend_len;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_open(void *ctx, uint64_t id, const char *peer)
{
	struct fixture *f = ctx;

	(void)peer;
	f->opens++;
	if (id <= f->max_id)
		f->ids_increasing = false;
	f->max_id = id;
}

static void on_close(void *ctx, uint64_t id, enum transport_close_reason reason)
{
	struct fixture *f = ctx;

	f->closes++;
	if (id < MAX_IDS)
		f->reason_of[id] = (int)reason;
}

static volatile sig_atomic_t stop_flag;

/* "stop": set stop_flag, no reply; "close": reply "bye" and close; "!big": a 64 KiB reply; otherwise the record reversed. */
static enum transport_action on_record(void *ctx, uint64_t id, const uint8_t *rec, size_t len,
				       uint8_t **reply, size_t *reply_len)
{
	(void)ctx;
	(void)id;
	if (len == 4 && memcmp(rec, "stop", 4) == 0) {
		stop_flag = 1;
		return TRANSPORT_NONE;
	}
	if (len == 5 && memcmp(rec, "close", 5) == 0) {
		*reply = malloc(3);
		if (*reply)
			memcpy(*reply, "bye", 3);
		*reply_len = 3;
		return TRANSPORT_CLOSE;
	}
	*reply_len = len == 4 && memcmp(rec, "!big", 4) == 0 ? BIG_REPLY : len;
	*reply = malloc(*reply_len ? *reply_len : 1);
	if (!*reply)
		return TRANSPORT_CLOSE;
	for (size_t i = 0; i < *reply_len; i++)
		(*reply)[i] = *reply_len == len ? rec[len - 1 - i] : (uint8_t)i;
	return TRANSPORT_REPLY;
}

static void on_log(void *ctx, enum transport_log_level level, const char *msg)
{
	struct fixture *f = ctx;

	f->logs++;
	snprintf(f->last_log, sizeof(f->last_log), "%s", msg);
	if (getenv("TRANSPORT_TEST_VERBOSE"))
		fprintf(stderr, "[%d] %s\n", (int)level, msg);
}

static struct fixture *fixture_new(struct transport_opts o)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct transport_handler h = {.on_open = on_open, .on_record = on_record,
				      .on_close = on_close};
	char err[256];

	if (!f)
		abort();
	for (int i = 0; i < MAX_IDS; i++)
		f->reason_of[i] = -1;
	f->ids_increasing = true;
	h.ctx = f;
	o.log = on_log;
	o.log_ctx = f;
	f->t = transport_new(&o, &h, err, sizeof(err));
	if (!CHECK(f->t != NULL, "transport_new: %s", err)) {
		free(f);
		return NULL;
	}
	return f;
}

static void fixture_free(struct fixture *f)
{
	if (!f)
		return;
	transport_free(f->t);
	free(f);
}

static struct client *cli_connect(struct fixture *f)
{
	struct client *c = calloc(1, sizeof(*c));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(transport_port(f->t)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	if (!c)
		abort();
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	/* The kernel completes the handshake from the listen backlog: no loop turn needed. */
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		CHECK(false, "connect: %s", strerror(errno));
		abort();
	}
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	rm_reader_init(&c->rd, (size_t)16 * 1024 * 1024);
	return c;
}

static void cli_free(struct client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	rm_reader_free(&c->rd);
	free(c);
}

static void pump(struct fixture *f, int ms)
{
	transport_run_once(f->t, ms);
}

/* Send all of data, turning the loop whenever the socket is full. */
static bool cli_write(struct fixture *f, struct client *c, const uint8_t *data, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
		if (w > 0) {
			data += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pump(f, 1);
		} else {
			return false;
		}
	}
	return true;
}

/* Send one record as a single fragment. */
static bool cli_send_record(struct fixture *f, struct client *c, const void *rec, size_t len)
{
	size_t n = rm_encoded_size(len, 0);
	uint8_t *buf = malloc(n);
	bool ok;

	if (!buf)
		abort();
	rm_encode(rec, len, 0, buf, n);
	ok = cli_write(f, c, buf, n);
	free(buf);
	return ok;
}

/* 1: a record (rm_record(&c->rd)), 0: the server closed, -1: timeout or bad stream. */
static int cli_next(struct fixture *f, struct client *c, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		while (c->pend_len > 0) {
			size_t used;
			enum rm_result r = rm_reader_feed(&c->rd, c->pend + c->pend_off, c->pend_len,
							  &used);
			c->pend_off += used;
			c->pend_len -= used;
			if (r != RM_NEED_MORE)
				return r == RM_RECORD ? 1 : -1;
		}
		ssize_t n = recv(c->fd, c->pend, sizeof(c->pend), 0);
		if (n > 0) {
			c->pend_off = 0;
			c->pend_len = (size_t)n;
			continue;
		}
		if (n == 0 || errno == ECONNRESET)
			return 0;
		if (now_ms() > deadline)
			return -1;
		pump(f, 2);
	}
}

/* Discard input until the server closes; the elapsed ms, or -1 on timeout. */
static int64_t cli_wait_closed(struct fixture *f, struct client *c, int timeout_ms)
{
	int64_t start = now_ms();
	int r;

	while ((r = cli_next(f, c, timeout_ms)) == 1)
		;
	return r == 0 ? now_ms() - start : -1;
}

/* One round trip: the reply must be the record reversed. */
static bool cli_echo(struct fixture *f, struct client *c, const char *text)
{
	size_t len = strlen(text), got;
	const uint8_t *rec;

	if (!cli_send_record(f, c, text, len) || cli_next(f, c, 2000) != 1)
		return false;
	rec = rm_record(&c->rd, &got);
	for (size_t i = 0; i < len; i++)
		if (got != len || rec[i] != (uint8_t)text[len - 1 - i])
			return false;
	return true;
}

static void pump_until_closes(struct fixture *f, unsigned closes, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (f->closes < closes && now_ms() < deadline)
		pump(f, 5);
}

#define NCLIENTS 50
#define NRECORDS 20

static size_t echo_len(unsigned i, unsigned j)
{
	return (i * 37u + j * 11u) % 3000u;
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (uint8_t)((size_t)seed * 31 + k * 7);
}

/* Every pipelined request of client i, each a single fragment, back to back. */
static uint8_t *pipelined(unsigned i, size_t *total)
{
	uint8_t *buf, rec[3000];
	size_t n = 0, off = 0;

	for (unsigned j = 0; j < NRECORDS; j++)
		n += rm_encoded_size(echo_len(i, j), 0);
	buf = malloc(n);
	if (!buf)
		abort();
	for (unsigned j = 0; j < NRECORDS; j++) {
		fill(rec, echo_len(i, j), i * NRECORDS + j);
		off += rm_encode(rec, echo_len(i, j), 0, buf + off, n - off);
	}
	*total = n;
	return buf;
}

static bool check_reply(const uint8_t *got, size_t got_len, unsigned i, unsigned j)
{
	uint8_t want[3000];
	size_t len = echo_len(i, j);

	fill(want, len, i * NRECORDS + j);
	if (got_len != len)
		return false;
	for (size_t k = 0; k < len; k++)
		if (got[k] != want[len - 1 - k])
			return false;
	return true;
}

static void test_echo_concurrent(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.max_record = 65536});
	struct client *c[NCLIENTS];
	struct transport_stats st;
	unsigned bad = 0;

	if (!f)
		return;
	for (unsigned i = 0; i < NCLIENTS; i++)
		c[i] = cli_connect(f);
	for (unsigned i = 0; i < NCLIENTS; i++) {
		size_t n;
		uint8_t *buf = pipelined(i, &n);
		CHECK(cli_write(f, c[i], buf, n), "client %u: write", i);
		free(buf);
	}
	for (unsigned i = 0; i < NCLIENTS; i++) {
		for (unsigned j = 0; j < NRECORDS; j++) {
			size_t len;
			const uint8_t *rec;
			if (cli_next(f, c[i], 3000) != 1) {
				bad++;
				break;
			}
			rec = rm_record(&c[i]->rd, &len);
			bad += !check_reply(rec, len, i, j);
		}
	}
	CHECK(bad == 0, "%u bad or missing replies", bad);
	CHECK(f->opens == NCLIENTS && f->ids_increasing, "opens %u, increasing %d", f->opens,
	      f->ids_increasing);
	transport_stats(f->t, &st);
	CHECK(st.records_in == (uint64_t)NCLIENTS * NRECORDS &&
		      st.replies_out == (uint64_t)NCLIENTS * NRECORDS,
	      "records %llu replies %llu", (unsigned long long)st.records_in,
	      (unsigned long long)st.replies_out);
	CHECK(st.connections == NCLIENTS && st.out_queued == 0, "conns %u, queued %zu",
	      st.connections, st.out_queued);
	CHECK(st.in_buffered <= (size_t)NCLIENTS * 65536, "in buffered %zu", st.in_buffered);
	for (unsigned i = 0; i < NCLIENTS; i++)
		cli_free(c[i]);
	pump_until_closes(f, NCLIENTS, 2000);
	CHECK(f->closes == NCLIENTS && f->reason_of[1] == TRANSPORT_CLOSE_PEER, "closes %u",
	      f->closes);
	transport_stats(f->t, &st);
	CHECK(st.connections == 0 && st.in_buffered == 0 && st.closed[TRANSPORT_CLOSE_PEER] ==
	      NCLIENTS, "after: conns %u, buffered %zu", st.connections, st.in_buffered);
	fixture_free(f);
}

/* Append a fragment header (and payload) to buf at *off. */
static void put_fragment(uint8_t *buf, size_t *off, const uint8_t *p, uint32_t n, bool last)
{
	uint32_t h = n | (last ? RM_LAST_FRAGMENT : 0);

	buf[(*off)++] = (uint8_t)(h >> 24);
	buf[(*off)++] = (uint8_t)(h >> 16);
	buf[(*off)++] = (uint8_t)(h >> 8);
	buf[(*off)++] = (uint8_t)h;
	if (n)
		memcpy(buf + *off, p, n);
	*off += n;
}

/* Send byte by byte, turning the loop between writes. */
static bool cli_trickle(struct fixture *f, struct client *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cli_write(f, c, p + i, 1))
			return false;
		pump(f, 0);
	}
	return true;
}

static void test_split_writes(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.max_record = 65536});
	static uint8_t rec[3000], wire[3000 * 9 + 16];
	struct client *c;
	size_t n, len;
	const uint8_t *got;

	if (!f)
		return;
	c = cli_connect(f);
	fill(rec, sizeof(rec), 7);
	/* 3000 bytes in 7-byte fragments, one byte per TCP write. */
	n = rm_encode(rec, sizeof(rec), 7, wire, sizeof(wire));
	CHECK(cli_trickle(f, c, wire, n) && cli_next(f, c, 2000) == 1, "7-byte fragments");
	got = rm_record(&c->rd, &len);
	CHECK(len == 3000 && got[0] == rec[2999] && got[2999] == rec[0], "reply len %zu", len);
	/* 500 bytes, each in its own fragment after a zero-length one: 1001 fragments. */
	n = 0;
	for (size_t i = 0; i < 500; i++) {
		put_fragment(wire, &n, NULL, 0, false);
		put_fragment(wire, &n, rec + i, 1, false);
	}
	put_fragment(wire, &n, NULL, 0, true);
	CHECK(cli_write(f, c, wire, n) && cli_next(f, c, 2000) == 1, "1-byte fragments");
	got = rm_record(&c->rd, &len);
	CHECK(len == 500 && got[0] == rec[499] && got[499] == rec[0], "reply len %zu", len);
	/* A zero-length record is a record. */
	CHECK(cli_send_record(f, c, "", 0) && cli_next(f, c, 2000) == 1, "empty record");
	CHECK(rm_record(&c->rd, &len) && len == 0, "empty reply len %zu", len);
	cli_free(c);
	fixture_free(f);
}

static void test_oversized_record(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.max_record = 4096});
	static const uint8_t over[4] = {0x80, 0x00, 0x10, 0x01}; /* last, 4097 bytes */
	static uint8_t wire[8192], payload[3000];
	struct client *ok, *big, *sum;
	size_t n = 0;

	if (!f)
		return;
	ok = cli_connect(f);
	big = cli_connect(f);
	sum = cli_connect(f);
	CHECK(cli_echo(f, ok, "before"), "echo before");
	CHECK(cli_write(f, big, over, 4) && cli_wait_closed(f, big, 2000) >= 0,
	      "a 4097-byte record closes the connection");
	CHECK(strstr(f->last_log, "conn 2 (127.0.0.1:") &&
		      strstr(f->last_log, "closing (bad-record): stream offset 0: record-marking "
					  "fragment of 4097 bytes makes the record exceed the "
					  "4096-byte limit"),
	      "log: %s", f->last_log);
	/* 3000 + 2000 in two fragments: the second header crosses the limit. */
	put_fragment(wire, &n, payload, 3000, false);
	put_fragment(wire, &n, payload, 2000, true);
	CHECK(cli_write(f, sum, wire, n) && cli_wait_closed(f, sum, 2000) >= 0,
	      "fragments summing over the limit close the connection");
	CHECK(strstr(f->last_log, "stream offset 3004: record-marking fragment of 2000 bytes") !=
		      NULL,
	      "log: %s", f->last_log);
	CHECK(cli_echo(f, ok, "after"), "the other connection still works");
	pump_until_closes(f, 2, 1000);
	CHECK(f->reason_of[2] == TRANSPORT_CLOSE_BAD_RECORD &&
		      f->reason_of[3] == TRANSPORT_CLOSE_BAD_RECORD && f->reason_of[1] == -1,
	      "reasons %d %d %d", f->reason_of[1], f->reason_of[2], f->reason_of[3]);
	cli_free(ok);
	cli_free(big);
	cli_free(sum);
	fixture_free(f);
}

static void test_fragment_cap(void)
{
	struct fixture *f =
		fixture_new((struct transport_opts){.max_record = 65536, .max_fragments = 16});
	static uint8_t wire[4 * 5000 + 64];
	struct client *exact, *endless;
	struct transport_stats st;
	size_t n = 0;

	if (!f)
		return;
	exact = cli_connect(f);
	endless = cli_connect(f);
	/* 15 empty fragments and a final one: exactly the 16 allowed. */
	for (int i = 0; i < 15; i++)
		put_fragment(wire, &n, NULL, 0, false);
	put_fragment(wire, &n, (const uint8_t *)"ab", 2, true);
	CHECK(cli_write(f, exact, wire, n) && cli_next(f, exact, 2000) == 1,
	      "16 fragments are allowed");
	/* Empty non-final fragments forever: no bytes for the size limit, so the cap ends it. */
	n = 0;
	for (int i = 0; i < 5000; i++)
		put_fragment(wire, &n, NULL, 0, false);
	CHECK(cli_write(f, endless, wire, n) && cli_wait_closed(f, endless, 2000) >= 0,
	      "endless empty fragments close the connection");
	CHECK(strstr(f->last_log, "closing (too-many-fragments): more than 16 record-marking "
				  "fragments in one record") != NULL,
	      "log: %s", f->last_log);
	CHECK(cli_echo(f, exact, "still here"), "the other connection still works");
	transport_stats(f->t, &st);
	CHECK(st.closed[TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS] == 1 && st.in_buffered <= 65536,
	      "closed %llu, buffered %zu",
	      (unsigned long long)st.closed[TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS], st.in_buffered);
	cli_free(exact);
	cli_free(endless);
	fixture_free(f);
}

static void test_idle_timeout(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.idle_timeout_ms = 200});
	static const uint8_t half[4 + 50] = {0x80, 0, 0, 100}; /* 100 bytes promised, 50 sent */
	struct client *busy, *halfway, *silent;
	int64_t start, closed_after = -1;
	int r = -1;

	if (!f)
		return;
	busy = cli_connect(f);
	halfway = cli_connect(f);
	silent = cli_connect(f);
	CHECK(cli_write(f, halfway, half, sizeof(half)), "write half");
	start = now_ms();
	/* The busy client sends a record every 50 ms for 600 ms and is never idle. */
	while (now_ms() - start < 600) {
		CHECK(cli_echo(f, busy, "ping"), "busy client echo");
		if (closed_after < 0 && (r = cli_next(f, halfway, 50)) == 0)
			closed_after = now_ms() - start;
	}
	CHECK(closed_after >= 150 && closed_after < 500, "half record closed after %lld ms (r %d)",
	      (long long)closed_after, r);
	CHECK(cli_wait_closed(f, silent, 1000) >= 0, "silent connection closed");
	pump_until_closes(f, 2, 1000);
	CHECK(f->reason_of[1] == -1 && f->reason_of[2] == TRANSPORT_CLOSE_IDLE &&
		      f->reason_of[3] == TRANSPORT_CLOSE_IDLE,
	      "reasons %d %d %d", f->reason_of[1], f->reason_of[2], f->reason_of[3]);
	cli_free(busy);
	cli_free(halfway);
	cli_free(silent);
	fixture_free(f);
}

static void test_idle_log_lines(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.idle_timeout_ms = 100});
	static const uint8_t hdr[6] = {0x80, 0, 0, 9, 'x', 'y'};
	struct client *c;

	if (!f)
		return;
	c = cli_connect(f);
	CHECK(cli_write(f, c, hdr, sizeof(hdr)) && cli_wait_closed(f, c, 1000) >= 0, "closed");
	CHECK(strstr(f->last_log, "closing (idle): idle for ") &&
		      strstr(f->last_log, " ms in the middle of a record"),
	      "log: %s", f->last_log);
	cli_free(c);
	c = cli_connect(f);
	CHECK(cli_wait_closed(f, c, 1000) >= 0, "closed");
	CHECK(strstr(f->last_log, "closing (idle): idle for ") &&
		      !strstr(f->last_log, "middle"),
	      "log: %s", f->last_log);
	cli_free(c);
	fixture_free(f);
}

static void test_connection_cap(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.max_connections = 4});
	struct client *c[6], *late;
	struct transport_stats st;

	if (!f)
		return;
	for (int i = 0; i < 4; i++) {
		c[i] = cli_connect(f);
		CHECK(cli_echo(f, c[i], "in"), "client %d served", i);
	}
	for (int i = 4; i < 6; i++) {
		c[i] = cli_connect(f);
		CHECK(cli_wait_closed(f, c[i], 1000) >= 0, "client %d refused", i);
	}
	CHECK(strstr(f->last_log, "refused 127.0.0.1:") &&
		      strstr(f->last_log, ": 4 connections open (max_connections)"),
	      "log: %s", f->last_log);
	transport_stats(f->t, &st);
	CHECK(st.refused == 2 && st.accepted == 4 && f->opens == 4 && f->closes == 0,
	      "refused %llu accepted %llu", (unsigned long long)st.refused,
	      (unsigned long long)st.accepted);
	for (int i = 0; i < 4; i++)
		CHECK(cli_echo(f, c[i], "still"), "client %d still served", i);
	cli_free(c[0]);
	c[0] = NULL;
	pump_until_closes(f, 1, 1000);
	late = cli_connect(f);
	CHECK(cli_echo(f, late, "room again"), "a freed slot takes a new connection");
	CHECK(f->max_id == 5, "ids: refused connections take none, max %llu",
	      (unsigned long long)f->max_id);
	for (int i = 0; i < 6; i++)
		cli_free(c[i]);
	cli_free(late);
	fixture_free(f);
}

static void test_non_reading_client(void)
{
	const size_t cap = (size_t)256 * 1024;
	struct fixture *f = fixture_new((struct transport_opts){.max_output = cap});
	struct client *reader, *lazy;
	struct transport_stats st;
	int rcvbuf = 4096;
	int64_t deadline;

	if (!f)
		return;
	reader = cli_connect(f);
	lazy = cli_connect(f);
	setsockopt(lazy->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	deadline = now_ms() + 5000;
	/* Each 4-byte request asks for 64 KiB; the lazy client never reads. */
	for (int i = 0; i < 2000 && f->closes == 0 && now_ms() < deadline; i++) {
		if (!cli_send_record(f, lazy, "!big", 4))
			break;
		pump(f, 0);
		transport_stats(f->t, &st);
		if (!CHECK(st.out_queued <= cap, "queued %zu over the cap", st.out_queued))
			break;
	}
	pump_until_closes(f, 1, 2000);
	CHECK(f->reason_of[2] == TRANSPORT_CLOSE_OUTPUT_FULL, "reason %d, log %s", f->reason_of[2],
	      f->last_log);
	CHECK(strstr(f->last_log, "pass the 262144-byte cap (peer not reading)") != NULL, "log: %s",
	      f->last_log);
	transport_stats(f->t, &st);
	CHECK(st.out_queued_peak_conn <= cap && st.out_queued == 0, "peak %zu, now %zu",
	      st.out_queued_peak_conn, st.out_queued);
	CHECK(cli_echo(f, reader, "unaffected"), "the reading client still works");
	cli_free(reader);
	cli_free(lazy);
	fixture_free(f);
}

static void test_handler_close_and_push(void)
{
	struct fixture *f = fixture_new((struct transport_opts){0});
	struct client *a, *b, *c;
	size_t len;
	const uint8_t *rec;

	if (!f)
		return;
	a = cli_connect(f);
	b = cli_connect(f);
	CHECK(cli_send_record(f, a, "close", 5) && cli_next(f, a, 2000) == 1, "bye record");
	rec = rm_record(&a->rd, &len);
	CHECK(len == 3 && memcmp(rec, "bye", 3) == 0, "bye");
	CHECK(cli_wait_closed(f, a, 2000) >= 0, "closed after the reply");
	CHECK(cli_echo(f, b, "b"), "b open");
	CHECK(transport_send(f->t, 2, (const uint8_t *)"push", 4) == 0 && cli_next(f, b, 2000) == 1,
	      "server push");
	rec = rm_record(&b->rd, &len);
	CHECK(len == 4 && memcmp(rec, "push", 4) == 0, "push content");
	CHECK(transport_send(f->t, 1, (const uint8_t *)"x", 1) == -1, "send to a closed id");
	CHECK(transport_send(f->t, 99, (const uint8_t *)"x", 1) == -1, "send to an unknown id");
	CHECK(transport_close(f->t, 2) == 0, "close");
	CHECK(transport_close(f->t, 2) == -1, "close once only");
	CHECK(cli_wait_closed(f, b, 2000) >= 0, "transport_close closes");
	pump_until_closes(f, 2, 1000);
	CHECK(f->reason_of[1] == TRANSPORT_CLOSE_HANDLER && f->reason_of[2] == TRANSPORT_CLOSE_HANDLER,
	      "reasons %d %d", f->reason_of[1], f->reason_of[2]);
	c = cli_connect(f);
	CHECK(cli_echo(f, c, "c") && f->max_id == 3, "ids are never reused: %llu",
	      (unsigned long long)f->max_id);
	cli_free(a);
	cli_free(b);
	cli_free(c);
	fixture_free(f);
}

/* transport_run() serves until the flag is set (here by the handler itself). */
static void test_run_until_stopped(void)
{
	struct fixture *f = fixture_new((struct transport_opts){0});
	struct client *c;
	int64_t start;

	if (!f)
		return;
	c = cli_connect(f);
	stop_flag = 0;
	CHECK(cli_send_record(f, c, "abc", 3) && cli_send_record(f, c, "stop", 4), "send");
	start = now_ms();
	CHECK(transport_run(f->t, &stop_flag) == 0 && stop_flag, "run returns once stopped");
	CHECK(now_ms() - start < 2000, "stopped after %lld ms", (long long)(now_ms() - start));
	CHECK(cli_next(f, c, 1000) == 1, "the record before stop was answered");
	cli_free(c);
	fixture_free(f);
}

static void test_memory_released(void)
{
	struct fixture *f = fixture_new((struct transport_opts){.max_record = 1u << 20});
	struct client *c[8];
	struct transport_stats st;
	uint8_t *big = calloc(1, 1u << 20);
	size_t len;

	if (!f || !big) {
		free(big);
		fixture_free(f);
		return;
	}
	for (int i = 0; i < 8; i++)
		c[i] = cli_connect(f);
	for (int i = 0; i < 8; i++) {
		CHECK(cli_send_record(f, c[i], big, 1u << 20) && cli_next(f, c[i], 3000) == 1,
		      "client %d: 1 MiB echo", i);
		CHECK(rm_record(&c[i]->rd, &len) && len == 1u << 20, "len %zu", len);
		transport_stats(f->t, &st);
		CHECK(st.in_buffered <= (1u << 20) && st.out_queued <= (1u << 20) + 4,
		      "in %zu out %zu", st.in_buffered, st.out_queued);
	}
	transport_stats(f->t, &st);
	CHECK(st.in_buffered == 0 && st.out_queued == 0, "big buffers released: in %zu out %zu",
	      st.in_buffered, st.out_queued);
	for (int i = 0; i < 8; i++)
		cli_free(c[i]);
	free(big);
	fixture_free(f);
}

static void test_new_errors(void)
{
	struct transport_handler h = {.on_record = on_record};
	struct transport_opts o = {.listen_addr = "not-an-ip"};
	struct transport *t, *t2;
	char err[256] = "";

	t = transport_new(&o, &h, err, sizeof(err));
	CHECK(t == NULL && strncmp(err, "listen address 'not-an-ip': ", 28) == 0, "err %s", err);
	o.listen_addr = "::1";
	t = transport_new(&o, &h, err, sizeof(err));
	if (t) /* no IPv6 loopback in some containers */
		CHECK(transport_port(t) != 0, "IPv6 port");
	transport_free(t);
	o.listen_addr = NULL;
	t = transport_new(&o, &h, err, sizeof(err));
	if (!CHECK(t != NULL, "new: %s", err))
		return;
	o.port = transport_port(t);
	t2 = transport_new(&o, &h, err, sizeof(err));
	CHECK(t2 == NULL && strstr(err, "Address already in use"), "err %s", err);
	transport_free(t2);
	h.on_record = NULL;
	o.port = 0;
	CHECK(transport_new(&o, &h, err, sizeof(err)) == NULL &&
		      strcmp(err, "transport: no on_record handler") == 0,
	      "err %s", err);
	transport_free(t);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"50 clients, pipelined echo", test_echo_concurrent},
		{"1-byte writes, many fragments", test_split_writes},
		{"record over the limit", test_oversized_record},
		{"fragment cap", test_fragment_cap},
		{"idle timeout: half a record, silence", test_idle_timeout},
		{"idle log lines", test_idle_log_lines},
		{"connection cap", test_connection_cap},
		{"client that never reads", test_non_reading_client},
		{"handler close, push, ids", test_handler_close_and_push},
		{"transport_run until stopped", test_run_until_stopped},
		{"big buffers released", test_memory_released},
		{"transport_new errors", test_new_errors},
		{NULL, NULL},
	};

	tests_add_suite("transport", tests);
}
