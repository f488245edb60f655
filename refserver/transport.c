/* transport.c - the nfs41refd epoll loop: accept, read records, call the handler, queue replies. */
#include "transport.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "recmark.h"

#define READ_CHUNK ((size_t)64 * 1024)   /* one recv per readiness event */
#define KEEP_BUFFER ((size_t)64 * 1024)  /* larger idle buffers are released */
#define MAX_EVENTS 64
#define ACCEPTS_PER_EVENT 64
#define ACCEPT_PAUSE_MS 100        /* after EMFILE and friends */
#define PEER_MAX (INET6_ADDRSTRLEN + 8)

struct conn {
	uint64_t id;
	int fd;
	uint32_t events;             /* the epoll mask registered now */
	bool dead;                   /* on the dead list, reaped at the end of run_once */
	bool draining;               /* no more input: close once the output is sent */
	bool reading;                /* in conn_read: replies queue, one send after the chunk */
	enum transport_close_reason reason; /* why it died, or will when drained */
	int64_t last_ms;             /* the last byte moved, either way */
	struct rm_reader rd;
	uint8_t *out;                /* queued output: out[out_off .. out_off + out_len) */
	size_t out_off, out_len, out_cap;
	struct conn *prev, *next;    /* activity list, oldest first; live connections only */
	struct conn *hnext;          /* id hash chain, until reaped */
	struct conn *dnext;          /* dead list */
	char peer[PEER_MAX];
};

struct transport {
	struct transport_opts o;
	struct transport_handler h;
	int ep, lfd;
	uint16_t port;
	uint64_t next_id;
	int in_callback;             /* depth of handler calls: loop re-entry is forbidden */
	bool accept_paused;
	int64_t accept_resume_ms;
	unsigned nconns;             /* in the hash, dead or alive */
	struct conn *oldest, *newest;
	struct conn **hash;
	size_t hmask;
	struct conn *dead;
	struct transport_stats st;
	uint8_t rbuf[READ_CHUNK];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tlog(const struct transport *t, enum transport_log_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tlog(const struct transport *t, enum transport_log_level l, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!t->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->o.log(t->o.log_ctx, l, msg);
}

const char *transport_close_reason_name(enum transport_close_reason r)
{
	static const char *const names[TRANSPORT_CLOSE_NREASONS] = {
		[TRANSPORT_CLOSE_PEER] = "peer",
		[TRANSPORT_CLOSE_IO_ERROR] = "io-error",
		[TRANSPORT_CLOSE_BAD_RECORD] = "bad-record",
		[TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS] = "too-many-fragments",
		[TRANSPORT_CLOSE_IDLE] = "idle",
		[TRANSPORT_CLOSE_OUTPUT_FULL] = "output-full",
		[TRANSPORT_CLOSE_HANDLER] = "handler",
		[TRANSPORT_CLOSE_SHUTDOWN] = "shutdown",
	};

	return (unsigned)r < TRANSPORT_CLOSE_NREASONS ? names[r] : "?";
}

/* ---- connection bookkeeping: activity list, id hash, dead list ---- */

static void lru_remove(struct transport *t, struct conn *c)
{
	*(c->prev ? &c->prev->next : &t->oldest) = c->next;
	*(c->next ? &c->next->prev : &t->newest) = c->prev;
	c->prev = c->next = NULL;
}

static void lru_append(struct transport *t, struct conn *c)
{
	c->prev = t->newest;
	c->next = NULL;
	*(t->newest ? &t->newest->next : &t->oldest) = c;
	t->newest = c;
}

static void touch(struct transport *t, struct conn *c)
{
	c->last_ms = now_ms();
	lru_remove(t, c);
	lru_append(t, c);
}

static struct conn *lookup(const struct transport *t, uint64_t id)
{
	struct conn *c = t->hash[id & t->hmask];

	while (c && c->id != id)
		c = c->hnext;
	return c;
}

static void hash_remove(struct transport *t, const struct conn *c)
{
	struct conn **pp = &t->hash[c->id & t->hmask];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
}

/* Mark c for closing; it is reaped (on_close, fd closed, freed) at the end of run_once. */
static void conn_kill(struct transport *t, struct conn *c, enum transport_close_reason reason,
		      enum transport_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void conn_kill(struct transport *t, struct conn *c, enum transport_close_reason reason,
		      enum transport_log_level level, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (c->dead)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlog(t, level, "conn %llu (%s): closing (%s): %s", (unsigned long long)c->id, c->peer,
	     transport_close_reason_name(reason), msg);
	c->dead = true;
	c->reason = reason;
	lru_remove(t, c);
	c->dnext = t->dead;
	t->dead = c;
}

static void set_events(struct transport *t, struct conn *c)
{
	uint32_t want = (c->draining ? 0 : EPOLLIN) | (c->out_len ? EPOLLOUT : 0);
	struct epoll_event ev = {.events = want, .data.ptr = c};

	if (want == c->events || c->dead)
		return;
	if (epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		conn_kill(t, c, TRANSPORT_CLOSE_IO_ERROR, TRANSPORT_LOG_ERROR, "epoll_ctl: %s",
			  strerror(errno));
		return;
	}
	c->events = want;
}

static void resume_accept(struct transport *t)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = t};

	if (t->accept_paused && epoll_ctl(t->ep, EPOLL_CTL_MOD, t->lfd, &ev) == 0)
		t->accept_paused = false;
}

static void reap_one(struct transport *t, struct conn *c)
{
	epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	hash_remove(t, c);
	t->nconns--;
	t->st.closed[c->reason]++;
	if (t->h.on_close) {
		t->in_callback++;
		t->h.on_close(t->h.ctx, c->id, c->reason);
		t->in_callback--;
	}
	rm_reader_free(&c->rd);
	free(c->out);
	free(c);
}

/* Close everything killed so far; on_close may kill more, so pop until empty. */
static void reap(struct transport *t)
{
	bool any = t->dead != NULL;

	while (t->dead) {
		struct conn *c = t->dead;
		t->dead = c->dnext;
		reap_one(t, c);
	}
	if (any)
		resume_accept(t);
}

/* ---- output ---- */

/* Room for need more bytes after the queue: compact first, then grow. */
static int out_reserve(struct conn *c, size_t need)
{
	size_t cap;
	uint8_t *p;

	if (c->out_off + c->out_len + need <= c->out_cap)
		return 0;
	if (c->out_off) {
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	if (c->out_len + need <= c->out_cap)
		return 0;
	cap = c->out_cap ? c->out_cap : 4096;
	while (cap < c->out_len + need)
		cap *= 2;
	p = realloc(c->out, cap);
	if (!p)
		return -1;
	c->out = p;
	c->out_cap = cap;
	return 0;
}

/* The queue emptied: release a big buffer, finish a drain. */
static void out_drained(struct transport *t, struct conn *c)
{
	c->out_off = 0;
	if (c->out_cap > KEEP_BUFFER) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	if (c->draining)
		conn_kill(t, c, c->reason, TRANSPORT_LOG_DEBUG, "output sent");
}

/* Send what the socket takes now. */
static void conn_write(struct transport *t, struct conn *c)
{
	while (c->out_len > 0 && !c->dead) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL);
		if (n > 0) {
			c->out_off += (size_t)n;
			c->out_len -= (size_t)n;
			t->st.bytes_out += (uint64_t)n;
			touch(t, c);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			conn_kill(t, c, errno == EPIPE || errno == ECONNRESET ? TRANSPORT_CLOSE_PEER
									   : TRANSPORT_CLOSE_IO_ERROR,
				  TRANSPORT_LOG_INFO, "send: %s", strerror(errno));
			return;
		}
	}
	if (c->out_len == 0 && !c->dead)
		out_drained(t, c);
	set_events(t, c);
}

/* Record-mark rec onto c's queue and try to send it. */
static int enqueue(struct transport *t, struct conn *c, const uint8_t *rec, size_t len)
{
	size_t need = rm_encoded_size(len, 0);

	if (c->dead || c->draining)
		return -1;
	if (len > RM_LENGTH_MASK || c->out_len + need > t->o.max_output) {
		conn_kill(t, c, TRANSPORT_CLOSE_OUTPUT_FULL, TRANSPORT_LOG_WARN,
			  "%zu reply bytes queued, %zu more would pass the %zu-byte cap "
			  "(peer not reading)",
			  c->out_len, need, t->o.max_output);
		return -1;
	}
	if (out_reserve(c, need) != 0) {
		conn_kill(t, c, TRANSPORT_CLOSE_IO_ERROR, TRANSPORT_LOG_ERROR,
			  "out of memory queueing %zu bytes", need);
		return -1;
	}
	rm_encode(rec, len, 0, c->out + c->out_off + c->out_len, need);
	c->out_len += need;
	t->st.replies_out++;
	if (c->out_len > t->st.out_queued_peak_conn)
		t->st.out_queued_peak_conn = c->out_len;
	if (!c->reading)
		conn_write(t, c);
	return 0;
}

/* Stop reading; close with reason once the queued output is sent. */
static void conn_drain(struct transport *t, struct conn *c, enum transport_close_reason reason)
{
	if (c->dead)
		return;
	c->draining = true;
	c->reason = reason;
	if (c->out_len == 0)
		out_drained(t, c);
	else
		set_events(t, c);
}

/* ---- input ---- */

static void dispatch(struct transport *t, struct conn *c)
{
	static const uint8_t empty[1];
	enum transport_action act;
	uint8_t *reply = NULL;
	size_t len, reply_len = 0;
	const uint8_t *rec = rm_record(&c->rd, &len);

	t->st.records_in++;
	t->in_callback++;
	act = t->h.on_record(t->h.ctx, c->id, rec ? rec : empty, len, &reply, &reply_len);
	t->in_callback--;
	if (reply && act != TRANSPORT_NONE)
		enqueue(t, c, reply, reply_len);
	free(reply);
	if (act == TRANSPORT_CLOSE)
		conn_drain(t, c, TRANSPORT_CLOSE_HANDLER);
	/* The record is consumed: do not keep a big buffer for the next one. */
	if (c->rd.cap > KEEP_BUFFER)
		rm_reader_free(&c->rd);
}

/* Feed received bytes to the record reader, dispatching each whole record. */
static void conn_feed(struct transport *t, struct conn *c, const uint8_t *p, size_t n)
{
	while (n > 0 && !c->dead && !c->draining) {
		size_t used = 0;
		enum rm_result r = rm_reader_feed(&c->rd, p, n, &used);

		p += used;
		n -= used;
		if (r == RM_ERROR) {
			conn_kill(t, c, TRANSPORT_CLOSE_BAD_RECORD, TRANSPORT_LOG_WARN, "%s",
				  c->rd.error);
			return;
		}
		if (c->rd.fragments > t->o.max_fragments) {
			conn_kill(t, c, TRANSPORT_CLOSE_TOO_MANY_FRAGMENTS, TRANSPORT_LOG_WARN,
				  "more than %u record-marking fragments in one record",
				  t->o.max_fragments);
			return;
		}
		if (r == RM_RECORD)
			dispatch(t, c);
	}
}

static void peer_eof(struct transport *t, struct conn *c)
{
	if (!rm_reader_idle(&c->rd)) {
		conn_kill(t, c, TRANSPORT_CLOSE_PEER, TRANSPORT_LOG_INFO,
			  "peer closed in the middle of a record");
		return;
	}
	tlog(t, TRANSPORT_LOG_DEBUG, "conn %llu (%s): peer closed", (unsigned long long)c->id,
	     c->peer);
	conn_drain(t, c, TRANSPORT_CLOSE_PEER);
}

static void conn_read(struct transport *t, struct conn *c)
{
	ssize_t n = recv(c->fd, t->rbuf, sizeof(t->rbuf), 0);

	if (n > 0) {
		/*
		 * The replies to every record in this chunk go out in one send: a client
		 * with many slots in flight sends its calls together, and one send per
		 * reply made the syscall, not the NFS work, the cost of a compound.
		 */
		t->st.bytes_in += (uint64_t)n;
		touch(t, c);
		c->reading = true;
		conn_feed(t, c, t->rbuf, (size_t)n);
		c->reading = false;
		if (!c->dead && c->out_len)
			conn_write(t, c);
	} else if (n == 0) {
		peer_eof(t, c);
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		conn_kill(t, c, errno == ECONNRESET ? TRANSPORT_CLOSE_PEER : TRANSPORT_CLOSE_IO_ERROR,
			  TRANSPORT_LOG_INFO, "recv: %s", strerror(errno));
	}
}

/* ---- accepting ---- */

static void format_peer(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
	}
	snprintf(out, n, "%s:%u", host, port);
}

static void conn_open(struct transport *t, int fd, const char *peer)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct epoll_event ev = {.events = EPOLLIN};
	int one = 1;

	if (!c) {
		tlog(t, TRANSPORT_LOG_ERROR, "refused %s: out of memory", peer);
		close(fd);
		return;
	}
	c->fd = fd;
	c->events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		tlog(t, TRANSPORT_LOG_ERROR, "refused %s: epoll_ctl: %s", peer, strerror(errno));
		close(fd);
		free(c);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->id = t->next_id++;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	rm_reader_init(&c->rd, t->o.max_record);
	c->hnext = t->hash[c->id & t->hmask];
	t->hash[c->id & t->hmask] = c;
	t->nconns++;
	t->st.accepted++;
	c->last_ms = now_ms();
	lru_append(t, c);
	tlog(t, TRANSPORT_LOG_DEBUG, "conn %llu (%s): open", (unsigned long long)c->id, c->peer);
	if (t->h.on_open) {
		t->in_callback++;
		t->h.on_open(t->h.ctx, c->id, c->peer);
		t->in_callback--;
	}
}

/* Out of descriptors or memory: stop polling the listener for a while. */
static void pause_accept(struct transport *t, int err)
{
	struct epoll_event ev = {.events = 0, .data.ptr = t};

	tlog(t, TRANSPORT_LOG_ERROR, "accept: %s; pausing accepts for %d ms", strerror(err),
	     ACCEPT_PAUSE_MS);
	if (epoll_ctl(t->ep, EPOLL_CTL_MOD, t->lfd, &ev) == 0) {
		t->accept_paused = true;
		t->accept_resume_ms = now_ms() + ACCEPT_PAUSE_MS;
	}
}

/* Accept one connection; false when the backlog is empty or accepting must stop. */
static bool accept_one(struct transport *t)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char peer[PEER_MAX];
	int fd = accept4(t->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			return true;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			pause_accept(t, errno);
		else if (errno != EAGAIN && errno != EWOULDBLOCK)
			tlog(t, TRANSPORT_LOG_ERROR, "accept: %s", strerror(errno));
		return false;
	}
	format_peer(&ss, peer, sizeof(peer));
	if (t->nconns >= t->o.max_connections) {
		close(fd);
		t->st.refused++;
		tlog(t, TRANSPORT_LOG_WARN, "refused %s: %u connections open (max_connections)",
		     peer, t->nconns);
		return true;
	}
	conn_open(t, fd, peer);
	return true;
}

static void accept_some(struct transport *t)
{
	for (int i = 0; i < ACCEPTS_PER_EVENT && accept_one(t); i++)
		;
}

/* ---- the loop ---- */

static void handle_event(struct transport *t, const struct epoll_event *ev)
{
	struct conn *c = ev->data.ptr;

	if (ev->data.ptr == t) {
		accept_some(t);
		return;
	}
	if (c->dead)
		return;
	if (c->draining && (ev->events & (EPOLLHUP | EPOLLERR)) && !(ev->events & EPOLLOUT)) {
		conn_kill(t, c, TRANSPORT_CLOSE_PEER, TRANSPORT_LOG_INFO,
			  "hung up with %zu reply bytes unsent", c->out_len);
		return;
	}
	if (!c->draining && (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_read(t, c);
	if (!c->dead && (ev->events & (EPOLLOUT | EPOLLERR)))
		conn_write(t, c);
}

static void expire_idle(struct transport *t, int64_t now)
{
	int64_t idle = t->o.idle_timeout_ms;

	while (idle && t->oldest && t->oldest->last_ms + idle <= now) {
		struct conn *c = t->oldest;
		conn_kill(t, c, TRANSPORT_CLOSE_IDLE, TRANSPORT_LOG_WARN,
			  "idle for %lld ms%s", (long long)(now - c->last_ms),
			  rm_reader_idle(&c->rd) ? "" : " in the middle of a record");
	}
}

/* The epoll timeout: the caller's, shortened to the next idle expiry or accept resume. */
static int next_timeout(const struct transport *t, int timeout_ms, int64_t now)
{
	int64_t tmo = timeout_ms < 0 ? -1 : timeout_ms, d;

	if (t->dead)
		return 0;
	if (t->o.idle_timeout_ms && t->oldest) {
		d = t->oldest->last_ms + t->o.idle_timeout_ms - now;
		d = d < 0 ? 0 : d;
		tmo = tmo < 0 || d < tmo ? d : tmo;
	}
	if (t->accept_paused) {
		d = t->accept_resume_ms - now;
		d = d < 0 ? 0 : d;
		tmo = tmo < 0 || d < tmo ? d : tmo;
	}
	return tmo > INT_MAX ? INT_MAX : (int)tmo;
}

int transport_run_once(struct transport *t, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int64_t now = now_ms();
	int n;

	assert(t->in_callback == 0 && "transport_run_once called from a callback");
	if (t->accept_paused && now >= t->accept_resume_ms)
		resume_accept(t);
	n = epoll_wait(t->ep, ev, MAX_EVENTS, next_timeout(t, timeout_ms, now));
	if (n < 0 && errno != EINTR)
		return -1;
	for (int i = 0; i < n; i++)
		handle_event(t, &ev[i]);
	expire_idle(t, now_ms());
	reap(t);
	return n < 0 ? 0 : n;
}

int transport_run(struct transport *t, const volatile sig_atomic_t *stop)
{
	while (!*stop)
		if (transport_run_once(t, 200) < 0)
			return -1;
	return 0;
}

/* ---- setup and the public calls ---- */

static void apply_defaults(struct transport_opts *o)
{
	if (!o->listen_addr)
		o->listen_addr = "127.0.0.1";
	if (!o->max_connections)
		o->max_connections = 1024;
	if (!o->max_record)
		o->max_record = (size_t)4 * 1024 * 1024;
	if (o->max_record > RM_LENGTH_MASK)
		o->max_record = RM_LENGTH_MASK;
	if (!o->max_fragments)
		o->max_fragments = 4096;
	if (!o->max_output)
		o->max_output = o->max_record + 4;
}

static int bind_listener(struct transport *t, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	char port[8];
	int one = 1, rc;

	snprintf(port, sizeof(port), "%u", (unsigned)t->o.port);
	rc = getaddrinfo(t->o.listen_addr, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "listen address '%s': %s", t->o.listen_addr, gai_strerror(rc));
		return -1;
	}
	t->lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->lfd < 0 ||
	    setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(t->lfd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(t->lfd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "listen on %s port %s: %s", t->o.listen_addr, port,
			 strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return 0;
}

static int read_port(struct transport *t, char *err, size_t errlen)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl = sizeof(ss);

	if (getsockname(t->lfd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		return -1;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 s6;
		memcpy(&s6, &ss, sizeof(s6));
		t->port = ntohs(s6.sin6_port);
	} else {
		struct sockaddr_in s4;
		memcpy(&s4, &ss, sizeof(s4));
		t->port = ntohs(s4.sin_port);
	}
	return 0;
}

static int setup(struct transport *t, char *err, size_t errlen)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = t};
	size_t nhash = 16;

	while (nhash < 2 * (size_t)t->o.max_connections)
		nhash *= 2;
	t->hash = calloc(nhash, sizeof(struct conn *));
	t->hmask = nhash - 1;
	if (!t->hash) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (bind_listener(t, err, errlen) != 0 || read_port(t, err, errlen) != 0)
		return -1;
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep < 0 || epoll_ctl(t->ep, EPOLL_CTL_ADD, t->lfd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct transport *transport_new(const struct transport_opts *o, const struct transport_handler *h,
				char *err, size_t errlen)
{
	struct transport *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->o = *o;
	t->h = *h;
	t->ep = t->lfd = -1;
	t->next_id = 1;
	apply_defaults(&t->o);
	if (!h->on_record) {
		snprintf(err, errlen, "transport: no on_record handler");
		transport_free(t);
		return NULL;
	}
	if (setup(t, err, errlen) != 0) {
		transport_free(t);
		return NULL;
	}
	tlog(t, TRANSPORT_LOG_INFO, "listening on %s port %u", t->o.listen_addr, t->port);
	return t;
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	assert(t->in_callback == 0 && "transport_free called from a callback");
	while (t->oldest)
		conn_kill(t, t->oldest, TRANSPORT_CLOSE_SHUTDOWN, TRANSPORT_LOG_DEBUG, "shutdown");
	reap(t);
	if (t->lfd >= 0)
		close(t->lfd);
	if (t->ep >= 0)
		close(t->ep);
	free(t->hash);
	free(t);
}

uint16_t transport_port(const struct transport *t)
{
	return t->port;
}

int transport_send(struct transport *t, uint64_t conn_id, const uint8_t *rec, size_t len)
{
	struct conn *c = lookup(t, conn_id);

	if (!c)
		return -1;
	return enqueue(t, c, rec, len);
}

int transport_close(struct transport *t, uint64_t conn_id)
{
	struct conn *c = lookup(t, conn_id);

	if (!c || c->dead)
		return -1;
	conn_kill(t, c, TRANSPORT_CLOSE_HANDLER, TRANSPORT_LOG_DEBUG, "closed by the server");
	return 0;
}

void transport_stats(const struct transport *t, struct transport_stats *s)
{
	*s = t->st;
	s->connections = t->nconns;
	s->in_buffered = 0;
	s->out_queued = 0;
	/*
	 * The activity list, not the id hash: nfs41refd reads these after every loop turn, and
	 * walking every bucket of a hash sized for max_connections was 3 % of a busy server's
	 * time. Only connections that died during the current turn (reaped at its end) are
	 * missing from the list.
	 */
	for (const struct conn *c = t->oldest; c; c = c->next) {
		s->in_buffered += c->rd.cap;
		s->out_queued += c->out_len;
	}
}
