/*
 * main.c - nfs41refd: the configuration, the transport's event loop feeding the state machine,
 * the reaper on a timer, and a clean stop on SIGTERM or SIGINT.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "config.h"
#include "sm.h"
#include "sm_callback.h"
#include "transport.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct refd {
	struct refd_config cfg;
	struct sm *sm;
	struct transport *t;
	struct admin *admin; /* NULL when admin_port is 0 */
	/* Guards sm and tstats: the admin API's thread uses them too (admin.h). */
	pthread_mutex_t lock;
	struct transport_stats tstats; /* refreshed after each loop turn, for /metrics */
};

static uint64_t monotonic_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void log_line(void *ctx, enum transport_log_level level, const char *msg)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	const struct refd *r = ctx;

	if ((int)level <= (int)r->cfg.log_level)
		fprintf(stderr, "nfs41refd: %s: %s\n", names[level], msg);
}

/* The state machine's lifecycle lines (sessions, clients, reaping) at info level. */
static void sm_log_line(void *ctx, const char *msg)
{
	log_line(ctx, TRANSPORT_LOG_INFO, msg);
}

/* Its per-request lines (replays, false retries, misordered seqids) at debug level: one per
 * call under load, they halved the replay mix's throughput at info. */
static void sm_detail_line(void *ctx, const char *msg)
{
	log_line(ctx, TRANSPORT_LOG_DEBUG, msg);
}

static enum transport_action on_record(void *ctx, uint64_t conn, const uint8_t *rec, size_t len,
				       uint8_t **reply, size_t *reply_len)
{
	struct refd *r = ctx;
	enum sm_action act;

	pthread_mutex_lock(&r->lock);
	act = sm_handle(r->sm, conn, rec, len, reply, reply_len);
	pthread_mutex_unlock(&r->lock);
	switch (act) {
	case SM_REPLY: return TRANSPORT_REPLY;
	case SM_NOTHING: return TRANSPORT_NONE;
	case SM_CLOSE: break;
	}
	return TRANSPORT_CLOSE;
}

static void on_open(void *ctx, uint64_t conn, const char *peer)
{
	struct refd *r = ctx;

	(void)peer;
	pthread_mutex_lock(&r->lock);
	sm_conn_open(r->sm, conn);
	pthread_mutex_unlock(&r->lock);
}

static void on_close(void *ctx, uint64_t conn, enum transport_close_reason why)
{
	struct refd *r = ctx;

	(void)why;
	pthread_mutex_lock(&r->lock);
	sm_conn_close(r->sm, conn);
	pthread_mutex_unlock(&r->lock);
}

static void limits_from_config(const struct refd_config *c, struct sm_limits *l)
{
	sm_limits_default(l);
	l->lease_seconds = c->lease_seconds;
	l->max_clients = c->max_clients;
	l->max_sessions_per_client = c->max_sessions_per_client;
	l->max_fore_slots = c->max_fore_slots;
	l->max_back_slots = c->max_back_slots;
	l->max_ops = c->max_ops;
	l->max_request_size = c->max_request_size;
	l->max_response_size = c->max_response_size;
	l->max_response_size_cached = c->max_response_size_cached;
	l->max_conns_per_session = c->max_conns_per_session;
	l->unconfirmed_seconds = refd_config_unconfirmed_timeout(c);
	l->reply_cache_cap = c->reply_cache_bytes;
}

/* The admin API and /metrics on 127.0.0.1:admin_port (admin.h), when the port is not 0. */
static int start_admin(struct refd *r)
{
	bool any = r->cfg.admin_port == REFD_PORT_AUTO;
	struct admin_opts ao = {.listen_addr = r->cfg.admin_listen,
				.port = any ? 0 : (uint16_t)r->cfg.admin_port, .any_port = any,
				.token_file = r->cfg.admin_token_file,
				.test_hooks = r->cfg.test_hooks, .sm = r->sm, .lock = &r->lock,
				.tstats = &r->tstats};
	char err[512];

	if (r->cfg.admin_port == 0)
		return 0;
	r->admin = admin_new(&ao, err, sizeof(err));
	if (!r->admin || admin_listen(r->admin, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41refd: %s\n", err);
		return -1;
	}
	printf("admin_port=%u\n", (unsigned)admin_port(r->admin));
	fflush(stdout);
	fprintf(stderr, "nfs41refd: admin API on %s port %u%s%s\n", r->cfg.admin_listen,
		(unsigned)admin_port(r->admin),
		r->cfg.admin_token_file[0] ? "" : " (read-only: no admin_token_file)",
		r->cfg.test_hooks ? ", test hooks ON" : "");
	return 0;
}

static int start(struct refd *r)
{
	struct sm_limits l;
	struct sm_clock clock = {.now_ms = monotonic_ms};
	struct transport_opts o = {.listen_addr = r->cfg.listen, .port = (uint16_t)r->cfg.port,
				   .max_connections = r->cfg.max_connections,
				   .max_record = r->cfg.max_record_size,
				   .max_fragments = r->cfg.max_record_fragments,
				   .idle_timeout_ms = r->cfg.idle_timeout_seconds * 1000,
				   .log = log_line, .log_ctx = r};
	struct transport_handler h = {.ctx = r, .on_open = on_open, .on_record = on_record,
				      .on_close = on_close};
	char err[256];

	limits_from_config(&r->cfg, &l);
	r->sm = sm_new(&l, &clock);
	if (!r->sm) {
		fprintf(stderr, "nfs41refd: out of memory\n");
		return -1;
	}
	/* detail only at debug level: not even formatted otherwise (the level is fixed at start) */
	sm_set_log(r->sm, &(struct sm_log){.line = sm_log_line,
					   .detail = r->cfg.log_level >= REFD_LOG_DEBUG ? sm_detail_line : NULL,
					   .ctx = r});
	r->t = transport_new(&o, &h, err, sizeof(err));
	if (!r->t) {
		fprintf(stderr, "nfs41refd: %s\n", err);
		return -1;
	}
	/* One machine-readable line for scripts (ci/quickstart, tests): port=N */
	printf("port=%u\n", transport_port(r->t));
	fflush(stdout);
	fprintf(stderr, "nfs41refd: serving NFSv4.1 on %s:%u, lease %u s\n", r->cfg.listen,
		transport_port(r->t), r->cfg.lease_seconds);
	return start_admin(r);
}

/*
 * Send what the state machine has ready outside a request's reply, in order: the replies the
 * delay hook held whose time has come (sm_release_due, sm.h), or the calls it started itself
 * (sm_outgoing_take, sm_callback.h: callbacks go after the replies that started them).
 */
static void send_ready(struct refd *r, bool (*take)(struct sm *, uint64_t *, uint8_t **, size_t *))
{
	uint64_t conn;
	uint8_t *rec;
	size_t len;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		bool more = take(r->sm, &conn, &rec, &len);
		pthread_mutex_unlock(&r->lock);
		if (!more)
			return;
		(void)transport_send(r->t, conn, rec, len); /* fails only when conn has closed */
		free(rec);
	}
}

/* How long the loop may wait: until the reaper's next run or the next held reply, at most 1 s. */
static int wait_ms(struct refd *r, uint64_t now, uint64_t next_reap)
{
	uint64_t until = next_reap;

	pthread_mutex_lock(&r->lock);
	uint64_t release = sm_next_release_ms(r->sm);
	pthread_mutex_unlock(&r->lock);
	if (release < until)
		until = release;
	if (until <= now)
		return 0;
	return until - now < 1000 ? (int)(until - now) : 1000;
}

/* The loop: the transport's events, held replies, and the reaper every reaper_period (s8.3). */
static void serve(struct refd *r)
{
	uint64_t period = (uint64_t)r->cfg.reaper_period_seconds * 1000, next = monotonic_ms(NULL);

	while (!stop_requested) {
		uint64_t now = monotonic_ms(NULL);
		if (now >= next) {
			pthread_mutex_lock(&r->lock);
			sm_reap(r->sm);
			pthread_mutex_unlock(&r->lock);
			next = now + (period ? period : 1000);
		}
		int rc = transport_run_once(r->t, wait_ms(r, now, next));
		send_ready(r, sm_release_due);
		send_ready(r, sm_outgoing_take);
		pthread_mutex_lock(&r->lock);
		transport_stats(r->t, &r->tstats);
		pthread_mutex_unlock(&r->lock);
		if (rc < 0)
			break;
	}
}

int main(int argc, char **argv)
{
	struct refd r = {0};
	struct refd_args args = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	char err[512];

	refd_config_defaults(&r.cfg);
	if (refd_config_from_args(&r.cfg, argc, argv, &args, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41refd: %s\n(nfs41refd --help for usage)\n", err);
		return 64;
	}
	if (args.help) {
		refd_config_usage(stdout, argv[0]);
		return 0;
	}
	if (args.print_config) {
		refd_config_print(stdout, &r.cfg);
		return 0;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&r.lock, NULL);
	int rc = start(&r);

	if (rc == 0)
		serve(&r);
	admin_free(r.admin); /* first: its thread uses sm */
	transport_free(r.t);
	sm_free(r.sm);
	pthread_mutex_destroy(&r.lock);
	fprintf(stderr, "nfs41refd: stopped\n");
	return rc == 0 ? 0 : 1;
}
