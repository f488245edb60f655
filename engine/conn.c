/* conn.c - TCP client connections with deadlines (see conn.h). */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rpc.h"

double conn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ms_until(double deadline)
{
	double left = deadline - conn_now();

	if (left <= 0)
		return 0;
	return left > 3600 ? 3600000 : (int)(left * 1000) + 1;
}

static int resolve(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len,
		   char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai;
	char service[8];
	int rc;

	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static uint16_t local_port_of(int fd)
{
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	/* getsockname() filled ss; the analyzer cannot see through the cast. */
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port); // NOLINT(clang-analyzer-core.CallAndMessage)
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port); // NOLINT(clang-analyzer-core.CallAndMessage)
}

/* Non-blocking connect bounded by the deadline. */
static int connect_by(int fd, const struct sockaddr_storage *ss, socklen_t len, double deadline)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (connect(fd, (const struct sockaddr *)ss, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (poll(&pfd, 1, ms_until(deadline)) <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
		errno = soerr ? soerr : errno;
		return -1;
	}
	return 0;
}

int conn_open(struct conn *c, int index, const char *host, uint16_t port, double deadline,
	      const struct conn_observer *obs, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	*c = (struct conn){.index = index, .fd = -1, .server_port = port, .obs = obs};
	if (resolve(host, port, &ss, &len, err, errlen) != 0)
		return -1;
	c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect_by(c->fd, &ss, len, deadline) != 0) {
		snprintf(err, errlen, "cannot connect to %s:%u: %s", host, port, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->local_port = local_port_of(c->fd);
	rm_reader_init(&c->rm, CONN_MAX_RECORD);
	if (obs && obs->on_open)
		obs->on_open(obs->ctx, index, c->local_port, port);
	return 0;
}

int conn_send_bytes(struct conn *c, const uint8_t *p, size_t n, char *err, size_t errlen)
{
	size_t done = 0;

	if (c->fd < 0) {
		snprintf(err, errlen, "the connection is closed");
		return -1;
	}
	if (c->obs && c->obs->on_bytes)
		c->obs->on_bytes(c->obs->ctx, c->index, 0, p, n);
	while (done < n) {
		ssize_t w = send(c->fd, p + done, n - done, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
			if (poll(&pfd, 1, 10000) <= 0) {
				snprintf(err, errlen, "send: the server does not read (10 s)");
				return -1;
			}
			continue;
		}
		if (w < 0) {
			snprintf(err, errlen, "send: %s", strerror(errno));
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

int conn_send_record(struct conn *c, const uint8_t *rec, size_t len, size_t frag, char *err,
		     size_t errlen)
{
	size_t need = rm_encoded_size(len, frag);
	uint8_t *buf = malloc(need);
	int rc;

	if (!buf) {
		snprintf(err, errlen, "out of memory for a %zu-byte record", len);
		return -1;
	}
	rm_encode(rec, len, frag, buf, need);
	rc = conn_send_bytes(c, buf, need, err, errlen);
	free(buf);
	return rc;
}

static int keep_reply(struct conn *c)
{
	size_t len;
	const uint8_t *rec = rm_record(&c->rm, &len);
	struct conn_reply *r;
	uint32_t xid = 0, type;

	if (c->nreplies == CONN_MAX_KEPT) { /* the older half was never asked for: let it go */
		size_t half = CONN_MAX_KEPT / 2;

		for (size_t i = 0; i < half; i++)
			free(c->replies[i].rec);
		memmove(&c->replies[0], &c->replies[half], (c->nreplies - half) * sizeof(*r));
		c->nreplies -= half;
		c->dropped += half;
	}
	if (c->nreplies == c->replies_cap) {
		size_t cap = c->replies_cap ? c->replies_cap * 2 : 16;

		if (!(r = realloc(c->replies, cap * sizeof(*r))))
			return -1;
		c->replies = r, c->replies_cap = cap;
	}
	r = &c->replies[c->nreplies];
	type = ONCRPC_REPLY;
	oncrpc_msg_type_peek(rec, len, &xid, &type);
	*r = (struct conn_reply){.xid = xid, .msg_type = type, .len = len, .at = conn_now()};
	r->rec = malloc(len ? len : 1);
	if (!r->rec)
		return -1;
	memcpy(r->rec, rec, len);
	c->nreplies++;
	return 0;
}

/* Read what is there and cut it into records. Returns -1 on EOF or a broken stream. */
static int pump(struct conn *c)
{
	uint8_t buf[65536];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	size_t off = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		c->peer_closed = true;
		if (c->obs && c->obs->on_close)
			c->obs->on_close(c->obs->ctx, c->index, 1);
		return -1;
	}
	if (c->obs && c->obs->on_bytes)
		c->obs->on_bytes(c->obs->ctx, c->index, 1, buf, (size_t)n);
	while (off < (size_t)n) {
		size_t used;
		enum rm_result r = rm_reader_feed(&c->rm, buf + off, (size_t)n - off, &used);
		if (r == RM_ERROR) {
			snprintf(c->broken, sizeof(c->broken), "reply stream: %s", c->rm.error);
			return -1;
		}
		if (r == RM_RECORD && keep_reply(c) != 0) {
			snprintf(c->broken, sizeof(c->broken), "out of memory");
			return -1;
		}
		off += used;
	}
	return 0;
}

/* Take the first kept message that is a call (want_call) or the reply with xid. */
static bool take_message(struct conn *c, bool want_call, uint32_t xid, struct conn_reply *out)
{
	for (size_t i = 0; i < c->nreplies; i++) {
		bool is_call = c->replies[i].msg_type == ONCRPC_CALL;
		if (is_call != want_call || (!want_call && c->replies[i].xid != xid))
			continue;
		*out = c->replies[i];
		memmove(&c->replies[i], &c->replies[i + 1], (c->nreplies - i - 1) * sizeof(*out));
		c->nreplies--;
		return true;
	}
	return false;
}

/*
 * Reads after the deadline: what already waits in the socket is still taken in (a caller may
 * pass "now"), but only this many reads of it, so a peer that never stops sending cannot hold
 * a wait past its deadline (4 MiB at most).
 */
#define LATE_READS 64

/* True when the deadline has passed and the late reads are used up. */
static bool past_deadline(double deadline, int *late_reads)
{
	return conn_now() >= deadline && ++*late_reads > LATE_READS;
}

static enum conn_wait wait_message(struct conn *c, bool want_call, uint32_t xid, double deadline,
				   struct conn_reply *out)
{
	int late_reads = 0;

	for (;;) {
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		if (take_message(c, want_call, xid, out))
			return CONN_GOT_REPLY;
		if (c->broken[0])
			return CONN_BROKEN;
		if (c->peer_closed || c->fd < 0)
			return CONN_CLOSED;
		if (past_deadline(deadline, &late_reads))
			return CONN_TIMEOUT;
		int rc = poll(&pfd, 1, ms_until(deadline));
		if (rc == 0)
			return CONN_TIMEOUT;
		if (rc < 0 && errno != EINTR) {
			snprintf(c->broken, sizeof(c->broken), "poll: %s", strerror(errno));
			return CONN_BROKEN;
		}
		if (rc > 0)
			pump(c);
	}
}

enum conn_wait conn_wait_reply(struct conn *c, uint32_t xid, double deadline,
			       struct conn_reply *out)
{
	return wait_message(c, false, xid, deadline, out);
}

enum conn_wait conn_wait_call(struct conn *c, double deadline, struct conn_reply *out)
{
	return wait_message(c, true, 0, deadline, out);
}

void conn_read_available(struct conn *c)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};

	for (int i = 0; i < LATE_READS && c->fd >= 0 && !c->peer_closed && !c->broken[0] &&
			poll(&pfd, 1, 0) > 0; i++)
		if (pump(c) != 0)
			return;
}

enum conn_wait conn_wait_close(struct conn *c, double deadline)
{
	int late_reads = 0;

	while (!c->peer_closed && !c->broken[0] && c->fd >= 0) {
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		if (past_deadline(deadline, &late_reads))
			return CONN_TIMEOUT;
		int rc = poll(&pfd, 1, ms_until(deadline));
		if (rc == 0)
			return CONN_TIMEOUT;
		if (rc > 0)
			pump(c);
	}
	return c->broken[0] ? CONN_BROKEN : CONN_CLOSED;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		if (!c->peer_closed && c->obs && c->obs->on_close)
			c->obs->on_close(c->obs->ctx, c->index, 0);
	}
	c->fd = -1;
	rm_reader_free(&c->rm);
	for (size_t i = 0; i < c->nreplies; i++)
		free(c->replies[i].rec);
	free(c->replies);
	c->replies = NULL;
	c->nreplies = c->replies_cap = 0;
}

int conn_parse_target(const char *target, char *host, size_t hostlen, uint16_t *port, char *err,
		      size_t errlen)
{
	const char *colon = strrchr(target, ':');
	char *end;
	long v;
	size_t n;

	if (!colon || colon == target) {
		snprintf(err, errlen, "--target wants HOST:PORT, not '%s'", target);
		return -1;
	}
	v = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || v <= 0 || v > 65535) {
		snprintf(err, errlen, "--target: bad port in '%s'", target);
		return -1;
	}
	n = (size_t)(colon - target);
	if (n >= 2 && target[0] == '[' && target[n - 1] == ']') /* [::1]:2049 */
		target++, n -= 2;
	if (n >= hostlen) {
		snprintf(err, errlen, "--target: host name too long in '%s'", target);
		return -1;
	}
	memcpy(host, target, n);
	host[n] = '\0';
	*port = (uint16_t)v;
	return 0;
}
