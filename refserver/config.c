/* config.c - one table of nfs41refd tunables drives the defaults, the parsers and --print-config. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KiB 1024ull
#define MiB (1024ull * 1024ull)

enum kind { K_U32, K_U64, K_ADDR, K_PATH, K_BOOL, K_LEVEL, K_PORT_AUTO };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	uint64_t min, max;
	const char *help;
};

#define NUM(kind, field, lo, hi, help) \
	{ #field, kind, offsetof(struct refd_config, field), lo, hi, help }
#define U32(field, lo, hi, help) NUM(K_U32, field, lo, hi, help)
#define OTHER(kind, field, help) { #field, kind, offsetof(struct refd_config, field), 0, 0, help }

static const struct key keys[] = {
	OTHER(K_ADDR, listen, "numeric IPv4 or IPv6 address to listen on"),
	U32(port, 0, 65535, "NFS port; 0 picks a free one"),
	NUM(K_PORT_AUTO, admin_port, 0, 65535, "HTTP admin API port; 0 turns it off; auto picks a free one"),
	OTHER(K_ADDR, admin_listen, "numeric IPv4 or IPv6 address of the admin API"),
	U32(lease_seconds, 1, 3600, "lease period in seconds (RFC 8881 s8.3); tests go down to 1"),
	U32(max_clients, 1, 1000000, "client records, confirmed or not"),
	U32(max_sessions_per_client, 1, 1024, "sessions one client may hold"),
	U32(max_fore_slots, 1, 2048, "fore-channel ca_maxrequests ceiling"),
	/* The server sends few callbacks at once and each CB_COMPOUND is CB_SEQUENCE plus one
	 * or two ops (CB_RECALL, CB_NOTIFY...): 16 slots and 8 ops leave room without letting a
	 * client make the server reserve per-session state it will never use. */
	U32(max_back_slots, 1, 256, "back-channel ca_maxrequests ceiling"),
	U32(max_back_ops, 2, 64, "back-channel ca_maxoperations ceiling"),
	U32(max_request_size, 1024, 1u << 30, "ca_maxrequestsize ceiling in bytes, RPC header included"),
	U32(max_response_size, 1024, 1u << 30, "ca_maxresponsesize ceiling in bytes"),
	U32(max_response_size_cached, 0, 1u << 30, "ca_maxresponsesize_cached ceiling in bytes"),
	U32(max_ops, 2, 1024, "fore-channel ca_maxoperations ceiling (ops per COMPOUND)"),
	U32(max_conns_per_session, 1, 1024, "connections bound to one session"),
	U32(max_connections, 1, 65536, "open TCP connections; more are accepted and closed"),
	U32(idle_timeout_seconds, 1, 86400, "close a connection that sent nothing for this long"),
	U32(max_record_size, 1024, 1u << 30, "record-marking payload limit in bytes"),
	U32(max_record_fragments, 1, 1000000, "record-marking fragments allowed in one record"),
	U32(reaper_period_seconds, 1, 60, "how often expired leases are swept"),
	U32(unconfirmed_timeout_seconds, 0, 86400, "unconfirmed client lifetime; 0 means one lease"),
	NUM(K_U64, reply_cache_bytes, 64 * KiB, 1ull << 40,
	    "reply-cache bytes sessions may reserve (slots x cached size); then fewer slots, NOSPC"),
	OTHER(K_LEVEL, log_level, "error, warn, info or debug"),
	OTHER(K_PATH, admin_token_file, "file holding the admin API bearer token; empty: none"),
	OTHER(K_BOOL, test_hooks, "admin endpoints that bend time and state (tests only)"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void refd_config_defaults(struct refd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", "127.0.0.1");
	c->port = 2049;
	c->admin_port = 0;
	snprintf(c->admin_listen, sizeof(c->admin_listen), "%s", "127.0.0.1");
	c->lease_seconds = 90;
	c->max_clients = 1024;
	c->max_sessions_per_client = 16;
	c->max_fore_slots = 64;
	c->max_back_slots = 16;
	c->max_back_ops = 8;
	c->max_request_size = MiB;
	c->max_response_size = MiB;
	c->max_response_size_cached = 64 * KiB;
	c->max_ops = 128;
	c->max_conns_per_session = 16;
	c->max_connections = 1024;
	c->idle_timeout_seconds = 300;
	c->max_record_size = 4 * MiB;
	c->max_record_fragments = 4096;
	c->reaper_period_seconds = 1;
	c->unconfirmed_timeout_seconds = 0;
	c->reply_cache_bytes = 64 * MiB;
	c->log_level = REFD_LOG_INFO;
	c->admin_token_file[0] = '\0';
	c->test_hooks = false;
}

const char *refd_log_level_name(enum refd_log_level l)
{
	return (unsigned)l < 4 ? level_names[l] : "?";
}

uint32_t refd_config_unconfirmed_timeout(const struct refd_config *c)
{
	return c->unconfirmed_timeout_seconds ? c->unconfirmed_timeout_seconds : c->lease_seconds;
}

static void msgf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void msgf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Decimal digits only: no sign, no spaces, no suffix. */
static int parse_number(const struct key *k, const char *v, uint64_t *out, char *err, size_t n)
{
	unsigned long long x;
	char *end;

	if (v[0] < '0' || v[0] > '9') {
		msgf(err, n, "'%s' is not a number", v);
		return -1;
	}
	errno = 0;
	x = strtoull(v, &end, 10);
	if (*end != '\0') {
		msgf(err, n, "'%s' is not a number", v);
		return -1;
	}
	if (errno == ERANGE || x < k->min || x > k->max) {
		msgf(err, n, "%s is out of range (%" PRIu64 " to %" PRIu64 ")", v, k->min, k->max);
		return -1;
	}
	*out = x;
	return 0;
}

static int parse_bool(const char *v, bool *out, char *err, size_t n)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*out = strcasecmp(v, yes[i]) == 0;
			return 0;
		}
	}
	msgf(err, n, "'%s' is not a boolean (true or false)", v);
	return -1;
}

static int parse_level(const char *v, enum refd_log_level *out, char *err, size_t n)
{
	for (unsigned i = 0; i < 4; i++) {
		if (strcmp(v, level_names[i]) == 0) {
			*out = (enum refd_log_level)i;
			return 0;
		}
	}
	msgf(err, n, "'%s' is not a log level (error, warn, info or debug)", v);
	return -1;
}

static int parse_string(const char *v, char *dst, size_t cap, char *err, size_t n)
{
	if (strlen(v) >= cap) {
		msgf(err, n, "value longer than %zu bytes", cap - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int parse_addr(const char *v, char *dst, size_t cap, char *err, size_t n)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, v, buf) != 1 && inet_pton(AF_INET6, v, buf) != 1) {
		msgf(err, n, "'%s' is not a numeric IPv4 or IPv6 address", v);
		return -1;
	}
	return parse_string(v, dst, cap, err, n);
}

/* Parse v for key k into c; on error, err gets the message without the key. */
static int set_key(struct refd_config *c, const struct key *k, const char *v, char *err, size_t n)
{
	char *field = (char *)c + k->off;
	uint64_t x = 0;

	switch (k->kind) {
	case K_PORT_AUTO:
	case K_U32:
		if (k->kind == K_PORT_AUTO && strcmp(v, "auto") == 0)
			x = REFD_PORT_AUTO;
		else if (parse_number(k, v, &x, err, n) != 0) {
			if (k->kind == K_PORT_AUTO)
				msgf(err, n, "'%s' is neither a port number nor auto", v);
			return -1;
		}
		*(uint32_t *)(void *)field = (uint32_t)x;
		return 0;
	case K_U64:
		if (parse_number(k, v, &x, err, n) != 0)
			return -1;
		*(uint64_t *)(void *)field = x;
		return 0;
	case K_ADDR:
		return parse_addr(v, field, REFD_ADDR_MAX, err, n);
	case K_PATH:
		return parse_string(v, field, REFD_PATH_MAX, err, n);
	case K_BOOL:
		return parse_bool(v, (bool *)(void *)field, err, n);
	case K_LEVEL:
		return parse_level(v, (enum refd_log_level *)(void *)field, err, n);
	}
	return -1;
}

int refd_config_set(struct refd_config *c, const char *key, const char *value, char *err,
		    size_t errlen)
{
	const struct key *k = find_key(key);
	char msg[320];

	if (!k) {
		msgf(err, errlen, "unknown key '%s'", key);
		return -1;
	}
	if (set_key(c, k, value, msg, sizeof(msg)) != 0) {
		msgf(err, errlen, "%s: %s", k->name, msg);
		return -1;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One line of a config file; 0 when it is blank, a comment or a valid setting. */
static int read_line(struct refd_config *c, char *line, char *msg, size_t n)
{
	char *s = trim(line), *eq, *key;

	if (*s == '\0' || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq) {
		msgf(msg, n, "expected 'key = value', got '%.64s'", s);
		return -1;
	}
	*eq = '\0';
	key = trim(s);
	if (*key == '\0') {
		msgf(msg, n, "expected 'key = value', got no key");
		return -1;
	}
	return refd_config_set(c, key, trim(eq + 1), msg, n);
}

int refd_config_read(struct refd_config *c, FILE *f, const char *name, char *err, size_t errlen)
{
	char *line = NULL, msg[400];
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (read_line(c, line, msg, sizeof(msg)) != 0) {
			msgf(err, errlen, "%s:%u: %s", name, lineno, msg);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		msgf(err, errlen, "%s:%u: read error", name, lineno + 1);
		rc = -1;
	}
	free(line);
	return rc;
}

int refd_config_load(struct refd_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		msgf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	rc = refd_config_read(c, f, path, err, errlen);
	fclose(f);
	return rc;
}

static int exceeds(const char *a, uint32_t av, const char *b, uint32_t bv, char *err, size_t n)
{
	if (av <= bv)
		return 0;
	msgf(err, n, "%s (%" PRIu32 ") exceeds %s (%" PRIu32 ")", a, av, b, bv);
	return -1;
}

int refd_config_validate(const struct refd_config *c, char *err, size_t errlen)
{
	if (exceeds("max_response_size_cached", c->max_response_size_cached, "max_response_size",
		    c->max_response_size, err, errlen) ||
	    exceeds("max_request_size", c->max_request_size, "max_record_size", c->max_record_size,
		    err, errlen) ||
	    exceeds("max_response_size", c->max_response_size, "max_record_size",
		    c->max_record_size, err, errlen))
		return -1;
	if (c->admin_port != 0 && c->admin_port != REFD_PORT_AUTO && c->admin_port == c->port) {
		msgf(err, errlen, "admin_port (%" PRIu32 ") equals port", c->admin_port);
		return -1;
	}
	return 0;
}

/* The flags that name one key. */
static const struct {
	const char *flag, *key;
} key_flags[] = {
	{"--listen", "listen"},
	{"--port", "port"},
	{"--admin-port", "admin_port"},
	{"--lease", "lease_seconds"},
};

/* Split "--flag=value" or take the next argument; NULL value when missing. */
// cppcheck-suppress constParameter ; argv keeps main()'s type
static const char *flag_value(int argc, char *const argv[], int *i, const char *flag)
{
	const char *arg = argv[*i];
	size_t fl = strlen(flag);

	if (arg[fl] == '=')
		return arg + fl + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* Does argv[i] spell flag, alone or as "flag=value"? */
static bool is_flag(const char *arg, const char *flag)
{
	size_t fl = strlen(flag);

	return strncmp(arg, flag, fl) == 0 && (arg[fl] == '\0' || arg[fl] == '=');
}

static int apply_set(struct refd_config *c, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[64], msg[400];

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key)) {
		msgf(err, errlen, "--set: expected key=value, got '%.64s'", kv);
		return -1;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	if (refd_config_set(c, key, eq + 1, msg, sizeof(msg)) != 0) {
		msgf(err, errlen, "--set: %s", msg);
		return -1;
	}
	return 0;
}

static int apply_key_flag(struct refd_config *c, const char *flag, const char *key,
			  const char *v, char *err, size_t errlen)
{
	char msg[320];

	if (set_key(c, find_key(key), v, msg, sizeof(msg)) != 0) {
		msgf(err, errlen, "%s: %s", flag, msg);
		return -1;
	}
	return 0;
}

/* One flag at argv[*i] (already known not to be --config). */
static int apply_flag(struct refd_config *c, int argc, char *const argv[], int *i,
		      struct refd_args *a, char *err, size_t errlen)
{
	const char *arg = argv[*i], *v;

	if (strcmp(arg, "--print-config") == 0 || strcmp(arg, "--help") == 0) {
		*(arg[2] == 'p' ? &a->print_config : &a->help) = true;
		return 0;
	}
	for (size_t k = 0; k < sizeof(key_flags) / sizeof(key_flags[0]); k++) {
		if (!is_flag(arg, key_flags[k].flag))
			continue;
		v = flag_value(argc, argv, i, key_flags[k].flag);
		if (!v) {
			msgf(err, errlen, "%s: missing value", key_flags[k].flag);
			return -1;
		}
		return apply_key_flag(c, key_flags[k].flag, key_flags[k].key, v, err, errlen);
	}
	if (is_flag(arg, "--set")) {
		v = flag_value(argc, argv, i, "--set");
		if (!v) {
			msgf(err, errlen, "--set: missing value");
			return -1;
		}
		return apply_set(c, v, err, errlen);
	}
	msgf(err, errlen, arg[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", arg);
	return -1;
}

/* First pass: find --config (the last one wins) so the file loads before the flags. */
static int find_config(int argc, char *const argv[], struct refd_args *a, char *err,
		       size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		if (!is_flag(argv[i], "--config")) {
			/* Skip the value of a flag that takes one, so "--set --config" is a value. */
			if ((is_flag(argv[i], "--set") || is_flag(argv[i], "--listen") ||
			     is_flag(argv[i], "--port") || is_flag(argv[i], "--admin-port") ||
			     is_flag(argv[i], "--lease")) &&
			    !strchr(argv[i], '='))
				i++;
			continue;
		}
		a->config_path = flag_value(argc, argv, &i, "--config");
		if (!a->config_path) {
			msgf(err, errlen, "--config: missing value");
			return -1;
		}
	}
	return 0;
}

int refd_config_from_args(struct refd_config *c, int argc, char *const argv[],
			  struct refd_args *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (find_config(argc, argv, a, err, errlen) != 0)
		return -1;
	if (a->config_path && refd_config_load(c, a->config_path, err, errlen) != 0)
		return -1;
	for (int i = 1; i < argc; i++) {
		if (is_flag(argv[i], "--config")) {
			if (!strchr(argv[i], '='))
				i++;
			continue;
		}
		if (apply_flag(c, argc, argv, &i, a, err, errlen) != 0)
			return -1;
	}
	return refd_config_validate(c, err, errlen);
}

static void print_value(FILE *out, const struct refd_config *c, const struct key *k)
{
	const char *field = (const char *)c + k->off;

	switch (k->kind) {
	case K_PORT_AUTO:
	case K_U32:
		if (k->kind == K_PORT_AUTO && *(const uint32_t *)(const void *)field == REFD_PORT_AUTO)
			fputs("auto", out);
		else
			fprintf(out, "%" PRIu32, *(const uint32_t *)(const void *)field);
		break;
	case K_U64:
		fprintf(out, "%" PRIu64, *(const uint64_t *)(const void *)field);
		break;
	case K_ADDR:
	case K_PATH:
		fputs(field, out);
		break;
	case K_BOOL:
		fputs(*(const bool *)(const void *)field ? "true" : "false", out);
		break;
	case K_LEVEL:
		fputs(refd_log_level_name(*(const enum refd_log_level *)(const void *)field), out);
		break;
	}
}

void refd_config_print(FILE *out, const struct refd_config *c)
{
	fputs("# nfs41refd effective configuration (--print-config); reads back with --config\n",
	      out);
	for (size_t i = 0; i < NKEYS; i++) {
		fprintf(out, "\n# %s\n%s = ", keys[i].help, keys[i].name);
		print_value(out, c, &keys[i]);
		fputc('\n', out);
	}
}

void refd_config_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--config FILE] [--listen ADDR] [--port N] [--admin-port N]\n"
		"       [--lease SECONDS] [--set key=value]... [--print-config] [--help]\n"
		"Flags override the config file. Keys for --set and the file:\n",
		prog);
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(out, "  %-28s %s\n", keys[i].name, keys[i].help);
}
