/*
 * admin.c - the admin HTTP API and /metrics (see admin.h for the endpoints and the locking).
 */
#include "admin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "metrics.h"

#define ADMIN_TOKEN_MAX 512
#define ADMIN_BODY_MAX 65536
#define ADMIN_MAX_SEGMENTS 8

/* RFC 8881 channel_dir_from_server4 */
#define DIR_FORE 0x1u
#define DIR_BACK 0x2u

#define JSON_TYPE "application/json"

struct admin {
	struct admin_opts o;
	char token[ADMIN_TOKEN_MAX];
	bool have_token;
	char addr[INET6_ADDRSTRLEN];
	struct sockaddr_storage sa; /* addr with the port, for MHD_OPTION_SOCK_ADDR */
	struct MHD_Daemon *daemon;
};

static void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void lock(const struct admin *a)
{
	if (a->o.lock)
		pthread_mutex_lock(a->o.lock);
}

static void unlock(const struct admin *a)
{
	if (a->o.lock)
		pthread_mutex_unlock(a->o.lock);
}

static int read_token(struct admin *a, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		errf(err, errlen, "admin_token_file %s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(a->token, sizeof(a->token), f))
		a->token[0] = '\0';
	fclose(f);
	n = strcspn(a->token, "\r\n");
	if (n == sizeof(a->token) - 1) {
		errf(err, errlen, "admin_token_file %s: token longer than %d bytes", path,
		     ADMIN_TOKEN_MAX - 2);
		return -1;
	}
	a->token[n] = '\0';
	if (n == 0) {
		errf(err, errlen, "admin_token_file %s: the first line (the token) is empty", path);
		return -1;
	}
	a->have_token = true;
	return 0;
}

/* A numeric IPv4 or IPv6 address and port as a socket address. */
static int admin_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

struct admin *admin_new(const struct admin_opts *o, char *err, size_t errlen)
{
	struct admin *a = calloc(1, sizeof(*a));

	if (!a) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	a->o = *o;
	snprintf(a->addr, sizeof(a->addr), "%s", o->listen_addr ? o->listen_addr : "127.0.0.1");
	if (admin_sockaddr(a->addr, o->port, &a->sa) != 0) {
		errf(err, errlen, "admin listen address '%s' is not a numeric IPv4 or IPv6 address",
		     a->addr);
		free(a);
		return NULL;
	}
	if (o->token_file && o->token_file[0] && read_token(a, o->token_file, err, errlen) != 0) {
		free(a);
		return NULL;
	}
	a->o.token_file = NULL; /* not kept: the caller's storage */
	a->o.listen_addr = NULL;
	return a;
}

/* ---------------------------------------------------------------- replies */

static void reply_text(struct admin_reply *rp, unsigned status, const char *type, char *body)
{
	rp->status = body ? status : 500;
	rp->content_type = type;
	rp->body = body;
	rp->body_len = body ? strlen(body) : 0;
}

/* Take ownership of j (may be NULL: out of memory). */
static void reply_json(struct admin_reply *rp, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	char *body = NULL;

	json_decref(j);
	if (s) {
		/* json_dumps' memory comes from jansson's allocator: copy into malloc'ed memory. */
		size_t n = strlen(s);
		body = malloc(n + 2);
		if (body) {
			memcpy(body, s, n);
			body[n] = '\n';
			body[n + 1] = '\0';
		}
		free(s);
	}
	reply_text(rp, status, JSON_TYPE, body);
}

static void reply_error(struct admin_reply *rp, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply_error(struct admin_reply *rp, unsigned status, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_json(rp, status, json_pack("{s:s, s:i}", "error", msg, "status", (int)status));
}

/* ------------------------------------------------------------------- ids */

/* 1..16 hex digits (an optional 0x). */
static int parse_clientid(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[n]; n++) {
		int d = hex_digit(s[n]);
		if (d < 0 || n >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* Exactly 32 hex digits. */
static int parse_sessionid(const char *s, uint8_t out[16])
{
	return strlen(s) == 32 ? hex_decode(s, 32, out) : -1;
}

static json_t *json_clientid(uint64_t id)
{
	char s[17];

	snprintf(s, sizeof(s), "%016" PRIx64, id);
	return json_string(s);
}

static json_t *json_u64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* ------------------------------------------------------------- snapshots */

/* Snapshot every client, under the lock. Returns the count; *out malloc'ed (NULL on OOM). */
/*
 * Snapshots copy the state machine's view under the lock: count first, then fill; the count
 * cannot change in between because the lock is held. *out is NULL only when out of memory.
 */
static size_t snapshot_clients(const struct admin *a, struct sm_client_info **out, uint64_t *now)
{
	size_t n;

	lock(a);
	n = sm_list_clients(a->o.sm, NULL, 0);
	*out = malloc((n ? n : 1) * sizeof(**out));
	n = *out ? sm_list_clients(a->o.sm, *out, n) : 0;
	*now = sm_clock_ms(a->o.sm);
	unlock(a);
	return n;
}

static size_t snapshot_sessions(const struct admin *a, uint64_t clientid,
				struct sm_session_info **out)
{
	size_t n;

	lock(a);
	n = sm_list_sessions(a->o.sm, clientid, NULL, 0);
	*out = malloc((n ? n : 1) * sizeof(**out));
	n = *out ? sm_list_sessions(a->o.sm, clientid, *out, n) : 0;
	unlock(a);
	return n;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* The owner as text when every byte is printable ASCII, else null. */
static json_t *owner_text(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			return json_null();
	return json_stringn((const char *)b, n);
}

static json_t *client_json(const struct sm_client_info *c, uint64_t now)
{
	char owner[2 * sizeof(c->owner) + 1];
	size_t olen = c->owner_len < sizeof(c->owner) ? c->owner_len : sizeof(c->owner);

	hex_encode(c->owner, olen, owner);
	return json_pack("{s:o, s:b, s:o, s:s, s:I, s:b, s:I, s:o, s:o, s:o, s:o}",
			 "clientid", json_clientid(c->clientid), "confirmed", c->confirmed,
			 "owner", owner_text(c->owner, olen), "owner_hex", owner,
			 "owner_len", (json_int_t)c->owner_len,
			 "owner_truncated", c->owner_len > sizeof(c->owner),
			 "sessions", (json_int_t)c->nsessions,
			 "created_ms", json_u64(c->created_ms),
			 "age_ms", json_u64(since(now, c->created_ms)),
			 "lease_expiry_ms", json_u64(c->lease_expiry_ms),
			 "lease_remaining_ms", json_u64(since(c->lease_expiry_ms, now)));
}

static json_t *session_json(const struct sm_session_info *s, uint64_t now)
{
	char sid[33];
	json_t *conns = json_array();

	hex_encode(s->sessionid, sizeof(s->sessionid), sid);
	for (uint32_t i = 0; conns && i < s->nconns && i < SM_MAX_CONN_INFO; i++) {
		json_t *ch = json_array();
		if (ch && (s->conn_dirs[i] & DIR_FORE))
			json_array_append_new(ch, json_string("fore"));
		if (ch && (s->conn_dirs[i] & DIR_BACK))
			json_array_append_new(ch, json_string("back"));
		json_array_append_new(conns, json_pack("{s:o, s:o}", "id", json_u64(s->conns[i]),
						       "channels", ch));
	}
	return json_pack(
		"{s:s, s:o, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I}, s:I, s:I, s:I, s:o,"
		" s:I, s:b, s:o, s:o, s:o, s:o}",
		"sessionid", sid, "clientid", json_clientid(s->clientid),
		"flags", (json_int_t)s->flags,
		"fore_channel", "max_requests", (json_int_t)s->fore_slots,
		"max_operations", (json_int_t)s->fore_max_ops,
		"max_request_size", (json_int_t)s->fore_max_request,
		"max_response_size", (json_int_t)s->fore_max_response,
		"max_response_size_cached", (json_int_t)s->fore_max_cached,
		"back_channel", "max_requests", (json_int_t)s->back_slots,
		"max_operations", (json_int_t)s->back_max_ops,
		"slots_in_use", (json_int_t)s->slots_in_use,
		"highest_slotid", (json_int_t)s->highest_slotid,
		"target_highest_slotid", (json_int_t)s->target_highest_slotid,
		"cached_bytes", json_u64(s->cached_bytes),
		"connection_count", (json_int_t)s->nconns,
		"connections_truncated", s->nconns > SM_MAX_CONN_INFO,
		"connections", conns ? conns : json_null(),
		"created_ms", json_u64(s->created_ms), "last_used_ms", json_u64(s->last_used_ms),
		"idle_ms", json_u64(since(now, s->last_used_ms)));
}

static const struct sm_client_info *find_client(const struct sm_client_info *v, size_t n,
						 uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].clientid == id)
			return &v[i];
	return NULL;
}

/* --------------------------------------------------------------- handlers */

static void get_clients(struct admin *a, struct admin_reply *rp)
{
	uint64_t now;
	struct sm_client_info *v;
	size_t n = snapshot_clients(a, &v, &now);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, client_json(&v[i], now));
	free(v);
	reply_json(rp, 200, arr ? json_pack("{s:I, s:o, s:o}", "count", (json_int_t)n, "now_ms",
					    json_u64(now), "clients", arr)
				: NULL);
}

static void get_sessions(struct admin *a, uint64_t clientid, struct admin_reply *rp)
{
	uint64_t now;
	struct sm_client_info *cv;
	size_t nc = snapshot_clients(a, &cv, &now);
	bool known = find_client(cv, nc, clientid) != NULL;

	free(cv);
	if (!known) {
		reply_error(rp, 404, "no client %016" PRIx64, clientid);
		return;
	}
	struct sm_session_info *v;
	size_t n = snapshot_sessions(a, clientid, &v);
	json_t *arr = json_array();

	for (size_t i = 0; arr && v && i < n; i++)
		json_array_append_new(arr, session_json(&v[i], now));
	free(v);
	reply_json(rp, 200, arr ? json_pack("{s:o, s:I, s:o, s:o}", "clientid",
					    json_clientid(clientid), "count", (json_int_t)n,
					    "now_ms", json_u64(now), "sessions", arr)
				: NULL);
}

static void delete_session(struct admin *a, uint64_t clientid, const char *sidhex,
			   struct admin_reply *rp)
{
	uint8_t sid[16];
	int rc;

	if (parse_sessionid(sidhex, sid) != 0) {
		reply_error(rp, 400, "bad session id '%.64s': want 32 hex digits", sidhex);
		return;
	}
	lock(a);
	rc = sm_admin_destroy_session(a->o.sm, clientid, sid);
	unlock(a);
	if (rc != 0) {
		reply_error(rp, 404, "no session %s of client %016" PRIx64, sidhex, clientid);
		return;
	}
	reply_json(rp, 200, json_pack("{s:s, s:o, s:s}", "destroyed", "session", "clientid",
				      json_clientid(clientid), "sessionid", sidhex));
}

static void delete_client(struct admin *a, uint64_t clientid, struct admin_reply *rp)
{
	int rc;

	lock(a);
	rc = sm_admin_destroy_client(a->o.sm, clientid);
	unlock(a);
	if (rc != 0) {
		reply_error(rp, 404, "no client %016" PRIx64, clientid);
		return;
	}
	reply_json(rp, 200, json_pack("{s:s, s:o}", "destroyed", "client", "clientid",
				      json_clientid(clientid)));
}

/* A non-negative integer member that fits in 32 bits; -1 when absent or bad. */
static int get_u32(const json_t *o, const char *key, uint32_t *out)
{
	const json_t *v = json_object_get(o, key);
	json_int_t i;

	if (!json_is_integer(v))
		return -1;
	i = json_integer_value(v);
	if (i < 0 || i > (json_int_t)UINT32_MAX)
		return -1;
	*out = (uint32_t)i;
	return 0;
}

/* ---- test hooks (catalogue s17), POST /api/v1/hooks/{name} ------------------------------------ */

struct hook_args {
	uint8_t sid[16];
	uint64_t clientid; /* 0: absent (the restart hook then restarts the whole server) */
	uint32_t slot, seqid, target, highest, ms, max;
	bool state;
	bool bind; /* mach-cred: BIND_CONN_TO_SESSION enforced (the default) */
};

/* Members a hook reads from its JSON body. */
enum {
	HA_SESSIONID = 1 << 0, HA_CLIENTID = 1 << 1, HA_CLIENTID_OPT = 1 << 2, HA_SLOT = 1 << 3,
	HA_SEQID = 1 << 4, HA_TARGET = 1 << 5, HA_MS = 1 << 6, HA_MAX = 1 << 7, HA_STATE = 1 << 8,
	HA_HIGHEST = 1 << 9, HA_BIND_OPT = 1 << 10,
};

static int hook_target(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_set_target(sm, h->sid, h->target);
}

static int hook_force_highest(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_force_highest(sm, h->sid, h->highest);
}

static int hook_preset(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_preset_slot(sm, h->sid, h->slot, h->seqid);
}

static int hook_delay(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_delay(sm, h->sid, h->slot, h->ms);
}

static int hook_restart(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_restart(sm, h->clientid, h->state);
}

static int hook_revoke(struct sm *sm, const struct hook_args *h, json_t *out)
{
	uint8_t stateid[16];
	char hex[33];

	if (sm_hook_revoke(sm, h->clientid, stateid) != 0)
		return -1;
	hex_encode(stateid, sizeof(stateid), hex);
	json_object_set_new(out, "stateid", json_string(hex));
	return 0;
}

static int hook_bcfault(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_backchannel_fault(sm, h->sid);
}

static int hook_session_cap(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_session_cap(sm, h->clientid, h->max);
}

static int hook_mach_cred(struct sm *sm, const struct hook_args *h, json_t *out)
{
	(void)out;
	return sm_hook_mach_cred(sm, h->clientid, h->bind);
}

static const struct hook {
	const char *name;
	unsigned args;
	int (*apply)(struct sm *sm, const struct hook_args *h, json_t *out);
	const char *refused; /* what -1 from apply means */
} hooks[] = {
	{"target", HA_SESSIONID | HA_TARGET, hook_target, "no such session, or target out of range"},
	{"force-highest", HA_SESSIONID | HA_HIGHEST, hook_force_highest,
	 "no such session, or highest not below the slot count"},
	{"preset", HA_SESSIONID | HA_SLOT | HA_SEQID, hook_preset, "no such session or slot"},
	{"delay", HA_SESSIONID | HA_SLOT | HA_MS, hook_delay,
	 "no such session or slot, or ms not in 1..60000"},
	{"restart", HA_CLIENTID_OPT | HA_STATE, hook_restart, "no such client"},
	{"revoke", HA_CLIENTID, hook_revoke, "no such client"},
	{"bcfault", HA_SESSIONID, hook_bcfault, "no such session"},
	{"session-cap", HA_CLIENTID | HA_MAX, hook_session_cap, "no such client"},
	{"mach-cred", HA_CLIENTID | HA_BIND_OPT, hook_mach_cred, "no such client"},
};

static const struct hook *hook_named(const char *name)
{
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (strcmp(hooks[i].name, name) == 0)
			return &hooks[i];
	return NULL;
}

/* One u32 member the hook needs: 0, or -1 with the reply filled. */
static int hook_u32(const json_t *j, unsigned args, unsigned bit, const char *key, uint32_t *out,
		    struct admin_reply *rp)
{
	if (!(args & bit) || get_u32(j, key, out) == 0)
		return 0;
	reply_error(rp, 400, "\"%s\" must be an integer 0..4294967295", key);
	return -1;
}

static int hook_clientid(const json_t *j, unsigned args, uint64_t *out, struct admin_reply *rp)
{
	const json_t *v = json_object_get(j, "clientid");

	if (!(args & (HA_CLIENTID | HA_CLIENTID_OPT)) || (!v && (args & HA_CLIENTID_OPT)))
		return 0;
	if (json_is_string(v) && parse_clientid(json_string_value(v), out) == 0)
		return 0;
	reply_error(rp, 400, "\"clientid\" must be a string of up to 16 hex digits");
	return -1;
}

/* mach-cred's "bind": true when absent; 0, or -1 with the reply filled. */
static int hook_bind(const json_t *j, unsigned args, bool *out, struct admin_reply *rp)
{
	const json_t *v = json_object_get(j, "bind");

	*out = !v || json_is_true(v);
	if (!(args & HA_BIND_OPT) || !v || json_is_boolean(v))
		return 0;
	reply_error(rp, 400, "\"bind\" must be true (BIND_CONN_TO_SESSION enforced, the default) "
			     "or false");
	return -1;
}

/* The members hook h needs from body j: 0, or -1 with a 400 reply naming the bad one. */
static int hook_parse(const struct hook *h, const json_t *j, struct hook_args *out,
		      struct admin_reply *rp)
{
	const json_t *sid = json_object_get(j, "sessionid"), *state = json_object_get(j, "state");

	if ((h->args & HA_SESSIONID) &&
	    (!json_is_string(sid) || parse_sessionid(json_string_value(sid), out->sid) != 0)) {
		reply_error(rp, 400, "\"sessionid\" must be a string of 32 hex digits");
		return -1;
	}
	if ((h->args & HA_STATE) && !json_is_boolean(state)) {
		reply_error(rp, 400, "\"state\" must be true (keep state) or false");
		return -1;
	}
	out->state = json_is_true(state);
	if (hook_clientid(j, h->args, &out->clientid, rp) != 0 ||
	    hook_bind(j, h->args, &out->bind, rp) != 0 ||
	    hook_u32(j, h->args, HA_SLOT, "slot", &out->slot, rp) != 0 ||
	    hook_u32(j, h->args, HA_SEQID, "seqid", &out->seqid, rp) != 0 ||
	    hook_u32(j, h->args, HA_TARGET, "target", &out->target, rp) != 0 ||
	    hook_u32(j, h->args, HA_HIGHEST, "highest", &out->highest, rp) != 0 ||
	    hook_u32(j, h->args, HA_MS, "ms", &out->ms, rp) != 0 ||
	    hook_u32(j, h->args, HA_MAX, "max", &out->max, rp) != 0)
		return -1;
	return 0;
}

static void post_hook(struct admin *a, const char *which, const struct admin_request *rq,
		      struct admin_reply *rp)
{
	const struct hook *h = hook_named(which);
	struct hook_args args = {0};
	json_error_t jerr;
	json_t *j, *out;
	int rc;

	if (!h) {
		reply_error(rp, 404,
			    "no hook '%.64s' (hooks: target, force-highest, preset, delay, restart, "
			    "revoke, bcfault, session-cap, mach-cred)", which);
		return;
	}
	j = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, &jerr);
	if (!json_is_object(j)) {
		reply_error(rp, 400, "body is not a JSON object: %s", j ? "wrong type" : jerr.text);
		json_decref(j);
		return;
	}
	rc = hook_parse(h, j, &args, rp);
	json_decref(j);
	if (rc != 0)
		return;
	out = json_pack("{s:s, s:b}", "hook", h->name, "ok", 1);
	lock(a);
	rc = h->apply(a->o.sm, &args, out);
	unlock(a);
	if (rc != 0) {
		json_decref(out);
		reply_error(rp, 404, "%s", h->refused);
		return;
	}
	reply_json(rp, 200, out);
}

static void get_metrics(struct admin *a, struct admin_reply *rp)
{
	struct sm_stats s;
	struct transport_stats t;
	bool have_t = a->o.tstats != NULL;

	lock(a);
	sm_stats(a->o.sm, &s);
	if (have_t)
		t = *a->o.tstats;
	unlock(a);
	reply_text(rp, 200, METRICS_CONTENT_TYPE, metrics_render(&s, have_t ? &t : NULL));
}

/* Constant-time comparison of the presented token with ours. */
static bool token_ok(const struct admin *a, const char *auth)
{
	static const char prefix[] = "Bearer ";
	size_t n, m = strlen(a->token);
	unsigned char diff = 0;

	if (!auth || strncasecmp(auth, prefix, sizeof(prefix) - 1) != 0)
		return false;
	auth += sizeof(prefix) - 1;
	while (*auth == ' ')
		auth++;
	n = strlen(auth);
	while (n > 0 && (auth[n - 1] == ' ' || auth[n - 1] == '\t'))
		n--;
	if (n != m)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(auth[i] ^ a->token[i]);
	return diff == 0;
}

/* 0 when the request may change state, else the reply is filled. */
static int authorize(const struct admin *a, const struct admin_request *rq, struct admin_reply *rp)
{
	if (!a->have_token) {
		reply_error(rp, 403,
			    "state changes are disabled: nfs41refd has no admin_token_file configured");
		return -1;
	}
	if (!rq->authorization) {
		reply_error(rp, 401, "this request changes state: send 'Authorization: Bearer <token>'");
		return -1;
	}
	if (!token_ok(a, rq->authorization)) {
		reply_error(rp, 401, "bad bearer token");
		return -1;
	}
	return 0;
}

static size_t split_path(char *path, char *seg[], size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return max + 1;
		seg[n++] = p;
	}
	return n;
}

static void method_not_allowed(struct admin_reply *rp, const char *method, const char *allowed)
{
	reply_error(rp, 405, "method %.16s not allowed here (allowed: %s)", method, allowed);
}

static void route(struct admin *a, const struct admin_request *rq, char *path,
		  struct admin_reply *rp)
{
	char *seg[ADMIN_MAX_SEGMENTS];
	size_t n = split_path(path, seg, ADMIN_MAX_SEGMENTS);
	const char *m = rq->method;
	bool get = strcmp(m, "GET") == 0, del = strcmp(m, "DELETE") == 0,
	     post = strcmp(m, "POST") == 0;
	uint64_t cid = 0;

	if (n == 1 && strcmp(seg[0], "metrics") == 0) {
		if (get)
			get_metrics(a, rp);
		else
			method_not_allowed(rp, m, "GET");
		return;
	}
	if (n < 3 || n > 5 || strcmp(seg[0], "api") != 0 || strcmp(seg[1], "v1") != 0)
		goto not_found;
	if (strcmp(seg[2], "hooks") == 0) {
		if (!a->o.test_hooks || n != 4)
			goto not_found;
		if (!post) {
			method_not_allowed(rp, m, "POST");
			return;
		}
		if (authorize(a, rq, rp) == 0)
			post_hook(a, seg[3], rq, rp);
		return;
	}
	if (strcmp(seg[2], "clients") != 0)
		goto not_found;
	if (n >= 4 && parse_clientid(seg[3], &cid) != 0) {
		reply_error(rp, 400, "bad client id '%.64s': want up to 16 hex digits", seg[3]);
		return;
	}
	if (n >= 5 && strcmp(seg[4], "sessions") != 0)
		goto not_found;
	switch (n) {
	case 3: /* /api/v1/clients */
		if (get)
			get_clients(a, rp);
		else
			method_not_allowed(rp, m, "GET");
		return;
	case 4: /* /api/v1/clients/{id} */
		if (!del) {
			method_not_allowed(rp, m, "DELETE");
			return;
		}
		if (authorize(a, rq, rp) == 0)
			delete_client(a, cid, rp);
		return;
	default: /* /api/v1/clients/{id}/sessions */
		if (get)
			get_sessions(a, cid, rp);
		else
			method_not_allowed(rp, m, "GET");
		return;
	}
not_found:
	reply_error(rp, 404, "no such endpoint: %.128s", rq->url);
}

/* /api/v1/clients/{id}/sessions/{sid} has six segments: handled apart from route(). */
static bool route_session(struct admin *a, const struct admin_request *rq, char *path,
			  struct admin_reply *rp)
{
	char *seg[ADMIN_MAX_SEGMENTS];
	size_t n = split_path(path, seg, ADMIN_MAX_SEGMENTS);
	uint64_t cid;

	if (n != 6 || strcmp(seg[0], "api") != 0 || strcmp(seg[1], "v1") != 0 ||
	    strcmp(seg[2], "clients") != 0 || strcmp(seg[4], "sessions") != 0)
		return false;
	if (parse_clientid(seg[3], &cid) != 0) {
		reply_error(rp, 400, "bad client id '%.64s': want up to 16 hex digits", seg[3]);
		return true;
	}
	if (strcmp(rq->method, "DELETE") != 0) {
		method_not_allowed(rp, rq->method, "DELETE");
		return true;
	}
	if (authorize(a, rq, rp) == 0)
		delete_session(a, cid, seg[5], rp);
	return true;
}

void admin_handle(struct admin *a, const struct admin_request *rq, struct admin_reply *rp)
{
	size_t len = strlen(rq->url);
	char *p1 = malloc(len + 1), *p2 = malloc(len + 1);

	memset(rp, 0, sizeof(*rp));
	if (!p1 || !p2) {
		free(p1);
		free(p2);
		reply_text(rp, 500, JSON_TYPE, NULL);
		return;
	}
	memcpy(p1, rq->url, len + 1);
	memcpy(p2, rq->url, len + 1);
	if (!route_session(a, rq, p1, rp))
		route(a, rq, p2, rp);
	free(p1);
	free(p2);
}

/* ------------------------------------------------------------------ HTTP */

struct upload {
	char *buf;
	size_t len;
	bool too_big;
};

/* Not const: MHD's buffer parameter is not, though it never writes a PERSISTENT one. */
static char oom[] = "{\"error\": \"out of memory\", \"status\": 500}\n";

static enum MHD_Result queue(struct MHD_Connection *c, const struct admin_reply *rp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rp->body)
		r = MHD_create_response_from_buffer(rp->body_len, rp->body, MHD_RESPMEM_MUST_FREE);
	else
		r = MHD_create_response_from_buffer(sizeof(oom) - 1, oom, MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(rp->body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				rp->content_type ? rp->content_type : JSON_TYPE);
	if (rp->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	ret = MHD_queue_response(c, rp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct admin *a = cls;
	struct upload *u = *con_cls;
	struct admin_reply rp;

	(void)version;
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		if (u->len + n > ADMIN_BODY_MAX) {
			u->too_big = true;
		} else {
			char *nb = realloc(u->buf, u->len + n + 1);
			if (!nb)
				return MHD_NO;
			memcpy(nb + u->len, upload_data, n);
			u->buf = nb;
			u->len += n;
			u->buf[u->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (u->too_big) {
		memset(&rp, 0, sizeof(rp));
		reply_error(&rp, 413, "request body over %d bytes", ADMIN_BODY_MAX);
	} else {
		struct admin_request rq = {
			.method = method, .url = url,
			.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_AUTHORIZATION),
			.body = u->buf, .body_len = u->len};
		admin_handle(a, &rq, &rp);
	}
	return queue(c, &rp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u) {
		free(u->buf);
		free(u);
		*con_cls = NULL;
	}
}

int admin_listen(struct admin *a, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;

	if (a->o.port == 0 && !a->o.any_port) {
		errf(err, errlen, "admin port 0: the admin API is off");
		return -1;
	}
	if (a->sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* One internal thread; AUTO picks epoll or poll, so fds over FD_SETSIZE work too. */
	a->daemon = MHD_start_daemon(
		flags, a->o.port, NULL, NULL, on_request, a,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&a->sa,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, a,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_END);
	if (!a->daemon) {
		errf(err, errlen, "admin API: cannot listen on %s port %u (port in use?)", a->addr,
		     (unsigned)a->o.port);
		return -1;
	}
	if (a->o.port == 0) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_BIND_PORT);
		a->o.port = info ? info->port : 0;
	}
	return 0;
}

uint16_t admin_port(const struct admin *a) { return a->o.port; }

void admin_free(struct admin *a)
{
	if (!a)
		return;
	if (a->daemon)
		MHD_stop_daemon(a->daemon);
	free(a);
}
