/*
 * ctl.c - nfs41ctl: the command-line client of nfs41refd's admin API (admin.h).
 *
 *   nfs41ctl [--admin HOST:PORT] [--token-file F] [--format table|json|yaml] COMMAND
 *     clients list
 *     clients destroy --client ID [--yes]
 *     sessions list --client ID
 *     sessions destroy --client ID --session HEX [--yes]
 *
 * HTTP through libcurl (http only, no proxy, bounded time and size). Ids are
 * printed in full, never truncated.
 * Exit status: 0 done, 1 the server refused or failed, 2 cannot reach the
 * server, 64 usage.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_API 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE 64
#define RESPONSE_MAX (64u << 20)

enum format { FMT_TABLE, FMT_JSON, FMT_YAML };

struct ctl {
	char host[256];
	char port[16];
	const char *token_file;
	enum format format;
	const char *client, *session;
	bool yes;
};

static const char usage_text[] =
	"usage: nfs41ctl [options] COMMAND\n"
	"\n"
	"commands:\n"
	"  clients list                                  every client record\n"
	"  clients destroy --client ID [--yes]           destroy a client and its sessions\n"
	"  sessions list --client ID                     the sessions of a client\n"
	"  sessions destroy --client ID --session HEX [--yes]\n"
	"\n"
	"options:\n"
	"  --admin HOST:PORT    the admin API (default $NFS41CTL_ADMIN, else 127.0.0.1:2050)\n"
	"  --token-file F       bearer token file (default $NFS41CTL_TOKEN_FILE); needed to destroy\n"
	"  --format F           table (default), json or yaml\n"
	"  --yes                do not ask before destroying (required without a terminal)\n"
	"\n"
	"exit status: 0 done, 1 refused or failed, 2 server unreachable, 64 usage.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nfs41ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(nfs41ctl --help for usage)\n", stderr);
	return EXIT_USAGE;
}

static int set_admin(struct ctl *c, const char *hp)
{
	const char *colon = strrchr(hp, ':');
	size_t hl;

	if (!colon || colon == hp || !colon[1] || strlen(colon + 1) >= sizeof(c->port))
		return usage_error("--admin wants HOST:PORT, not '%s'", hp);
	hl = (size_t)(colon - hp);
	if (hp[0] == '[' && colon[-1] == ']') { /* [v6]:port */
		hp++;
		hl -= 2;
	}
	if (hl >= sizeof(c->host))
		return usage_error("--admin: host too long");
	memcpy(c->host, hp, hl);
	c->host[hl] = '\0';
	snprintf(c->port, sizeof(c->port), "%s", colon + 1);
	for (const char *p = c->port; *p; p++)
		if (*p < '0' || *p > '9')
			return usage_error("--admin: bad port in '%s'", colon + 1);
	return 0;
}

/* --------------------------------------------------------------- HTTP */

struct response {
	int status;
	char *body; /* NUL-terminated */
	size_t len;
};

static int read_token(const char *path, char *tok, size_t cap)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "nfs41ctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(tok, (int)cap, f))
		tok[0] = '\0';
	fclose(f);
	tok[strcspn(tok, "\r\n")] = '\0';
	if (!tok[0]) {
		fprintf(stderr, "nfs41ctl: %s: the first line (the token) is empty\n", path);
		return -1;
	}
	return 0;
}

/* The response body, kept up to RESPONSE_MAX bytes (libcurl's write callback). */
static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct response *r = ctx;
	size_t add = size * n;
	char *nb;

	if (add > RESPONSE_MAX - r->len)
		return 0; /* libcurl then fails the transfer with CURLE_WRITE_ERROR */
	nb = realloc(r->body, r->len + add + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->len, data, add);
	r->body = nb;
	r->len += add;
	r->body[r->len] = '\0';
	return add;
}

/* One request; returns 0 with *r filled (any status), or -1 when the server cannot be reached. */
static int http(const struct ctl *c, const char *method, const char *path, const char *token,
		struct response *r)
{
	char url[512];
	bool v6 = strchr(c->host, ':') != NULL;
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	long status = 0;

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://%s%s%s:%s%s", v6 ? "[" : "", c->host, v6 ? "]" : "",
		 c->port, path);
	if (token) {
		char auth[600]; /* curl_slist_append copies it */
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (h && hdrs) {
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_USERAGENT, "nfs41ctl");
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
		rc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		fprintf(stderr, "nfs41ctl: cannot reach the admin API at %s:%s: %s\n", c->host, c->port,
			rc == CURLE_WRITE_ERROR ? "response too large" : curl_easy_strerror(rc));
		free(r->body);
		r->body = NULL;
		return -1;
	}
	r->status = (int)status;
	if (!r->body && !(r->body = calloc(1, 1)))
		return -1;
	return 0;
}

/* ------------------------------------------------------------- output */

static void yaml_scalar(const json_t *v)
{
	char *s;

	switch (json_typeof(v)) {
	case JSON_STRING: /* a JSON string is a valid YAML double-quoted scalar */
		s = json_dumps(v, JSON_ENCODE_ANY);
		fputs(s ? s : "\"\"", stdout);
		free(s);
		break;
	case JSON_INTEGER: printf("%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: printf("%.17g", json_real_value(v)); break;
	case JSON_TRUE: fputs("true", stdout); break;
	case JSON_FALSE: fputs("false", stdout); break;
	default: fputs("null", stdout); break;
	}
}

static bool yaml_is_empty_or_scalar(const json_t *v)
{
	return json_is_object(v) ? json_object_size(v) == 0
				 : !json_is_array(v) || json_array_size(v) == 0;
}

static void yaml_inline(const json_t *v)
{
	if (json_is_object(v))
		fputs("{}", stdout);
	else if (json_is_array(v))
		fputs("[]", stdout);
	else
		yaml_scalar(v);
}

static void yaml_value(const json_t *v, int indent);

static void yaml_object(const json_t *o, int indent, bool first_inline)
{
	bool first = true;

	for (void *it = json_object_iter((json_t *)o); it;
	     it = json_object_iter_next((json_t *)o, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		if (!(first && first_inline))
			printf("%*s", indent, "");
		first = false;
		printf("%s:", k);
		if (yaml_is_empty_or_scalar(v)) {
			putchar(' ');
			yaml_inline(v);
			putchar('\n');
		} else {
			putchar('\n');
			yaml_value(v, indent + 2);
		}
	}
}

static void yaml_value(const json_t *v, int indent)
{
	const json_t *e;

	if (json_is_object(v)) {
		yaml_object(v, indent, false);
		return;
	}
	for (size_t i = 0; (e = json_array_get(v, i)) != NULL; i++) {
		printf("%*s- ", indent, "");
		if (json_is_object(e) && json_object_size(e)) {
			yaml_object(e, indent + 2, true);
		} else if (yaml_is_empty_or_scalar(e)) {
			yaml_inline(e);
			putchar('\n');
		} else {
			putchar('\n');
			yaml_value(e, indent + 2);
		}
	}
}

/* Element i of the array member k of o (NULL past the end or when k is not an array). */
static const json_t *jat(const json_t *o, const char *k, size_t i)
{
	return json_array_get(json_object_get(o, k), i);
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static void table_clients(const json_t *j)
{
	const json_t *c;

	printf("%-16s  %-11s  %8s  %15s  %s\n", "CLIENTID", "STATE", "SESSIONS", "LEASE_LEFT_MS",
	       "OWNER");
	for (size_t i = 0; (c = jat(j, "clients", i)) != NULL; i++) {
		/* the owner as text when printable, else in hex; "..." when the server cut it */
		const char *owner = json_string_value(json_object_get(c, "owner"));
		printf("%-16s  %-11s  %8lld  %15lld  %s%s\n", jstr(c, "clientid"),
		       json_is_true(json_object_get(c, "confirmed")) ? "confirmed" : "unconfirmed",
		       jint(c, "sessions"), jint(c, "lease_remaining_ms"),
		       owner ? owner : jstr(c, "owner_hex"),
		       json_is_true(json_object_get(c, "owner_truncated")) ? "..." : "");
	}
}

static void table_sessions(const json_t *j)
{
	const json_t *s, *conn, *ch;

	printf("%-32s  %-16s  %5s  %6s  %6s  %5s  %10s  %10s  %s\n", "SESSIONID", "CLIENTID",
	       "SLOTS", "IN_USE", "TARGET", "BACK", "AGE_MS", "IDLE_MS", "CONNECTIONS");
	long long now = jint(j, "now_ms");
	for (size_t i = 0; (s = jat(j, "sessions", i)) != NULL; i++) {
		const json_t *fore = json_object_get(s, "fore_channel");
		const json_t *back = json_object_get(s, "back_channel");
		printf("%-32s  %-16s  %5lld  %6lld  %6lld  %5lld  %10lld  %10lld  ",
		       jstr(s, "sessionid"), jstr(s, "clientid"), jint(fore, "max_requests"),
		       jint(s, "slots_in_use"), jint(s, "target_highest_slotid"),
		       jint(back, "max_requests"), now - jint(s, "created_ms"), jint(s, "idle_ms"));
		bool any = false;
		for (size_t k = 0; (conn = jat(s, "connections", k)) != NULL; k++) {
			printf("%s%lld(", any ? "," : "", jint(conn, "id"));
			for (size_t m = 0; (ch = jat(conn, "channels", m)) != NULL; m++)
				printf("%s%s", m ? "+" : "", json_string_value(ch));
			putchar(')');
			any = true;
		}
		puts(any ? "" : "-");
	}
}

static void table_result(const json_t *j)
{
	const char *what = jstr(j, "destroyed");

	if (strcmp(what, "session") == 0)
		printf("destroyed session %s of client %s\n", jstr(j, "sessionid"),
		       jstr(j, "clientid"));
	else
		printf("destroyed client %s\n", jstr(j, "clientid"));
}

static int show(const struct ctl *c, const struct response *r, void (*table)(const json_t *))
{
	json_error_t err;
	json_t *j = json_loadb(r->body, r->len, 0, &err);
	char *s;

	if (!j) {
		fprintf(stderr, "nfs41ctl: HTTP %d, not JSON: %s\n", r->status, err.text);
		return EXIT_API;
	}
	if (r->status >= 300) {
		fprintf(stderr, "nfs41ctl: HTTP %d: %s\n", r->status, jstr(j, "error"));
		json_decref(j);
		return EXIT_API;
	}
	switch (c->format) {
	case FMT_JSON:
		s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		break;
	case FMT_YAML: yaml_value(j, 0); break;
	case FMT_TABLE: table(j); break;
	}
	json_decref(j);
	return 0;
}

/* ------------------------------------------------------------ commands */

static int run(const struct ctl *c, const char *method, const char *path, bool auth,
	       void (*table)(const json_t *))
{
	char token[512];
	struct response r;
	int rc;

	if (auth) {
		if (!c->token_file) {
			fprintf(stderr, "nfs41ctl: destroying needs --token-file (or NFS41CTL_TOKEN_FILE); "
					"trying without a token\n");
		} else if (read_token(c->token_file, token, sizeof(token)) != 0) {
			return EXIT_USAGE;
		}
	}
	if (http(c, method, path, auth && c->token_file ? token : NULL, &r) != 0)
		return EXIT_UNREACHABLE;
	rc = show(c, &r, table);
	free(r.body);
	return rc;
}

static bool valid_hex(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return !s[n] && n >= min && n <= max;
}

/* 0: go ahead. */
static int confirm(const struct ctl *c, const char *what)
{
	char line[16];

	if (c->yes)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "nfs41ctl: refusing to destroy %s without --yes: stdin is not a terminal\n",
			what);
		return EXIT_USAGE;
	}
	fprintf(stderr, "destroy %s? [y/N] ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
		fprintf(stderr, "nfs41ctl: not destroyed\n");
		return EXIT_API;
	}
	return 0;
}

static int command(struct ctl *c, const char *noun, const char *verb)
{
	char path[256], what[160];
	const char *client = c->client;
	const char *sid = c->session;
	int rc;

	if (client && (client[0] == '0' && (client[1] == 'x' || client[1] == 'X')))
		client += 2;
	if (client && !valid_hex(client, 1, 16))
		return usage_error("--client wants a client id of up to 16 hex digits, not '%s'",
				   c->client);
	if (sid && !valid_hex(sid, 32, 32))
		return usage_error("--session wants a session id of 32 hex digits, not '%s'", sid);
	if (strcmp(noun, "clients") == 0 && strcmp(verb, "list") == 0)
		return run(c, "GET", "/api/v1/clients", false, table_clients);
	if (!client)
		return usage_error("%s %s needs --client ID", noun, verb);
	if (strcmp(noun, "sessions") == 0 && strcmp(verb, "list") == 0) {
		snprintf(path, sizeof(path), "/api/v1/clients/%s/sessions", client);
		return run(c, "GET", path, false, table_sessions);
	}
	if (strcmp(noun, "clients") == 0 && strcmp(verb, "destroy") == 0) {
		snprintf(what, sizeof(what), "client %s and all its sessions", client);
		rc = confirm(c, what);
		if (rc)
			return rc;
		snprintf(path, sizeof(path), "/api/v1/clients/%s", client);
		return run(c, "DELETE", path, true, table_result);
	}
	if (strcmp(noun, "sessions") == 0 && strcmp(verb, "destroy") == 0) {
		if (!sid)
			return usage_error("sessions destroy needs --session HEX");
		snprintf(what, sizeof(what), "session %s of client %s", sid, client);
		rc = confirm(c, what);
		if (rc)
			return rc;
		snprintf(path, sizeof(path), "/api/v1/clients/%s/sessions/%s", client, sid);
		return run(c, "DELETE", path, true, table_result);
	}
	return usage_error("unknown command '%s %s'", noun, verb);
}

int main(int argc, char **argv)
{
	struct ctl c = {.format = FMT_TABLE};
	const char *words[2];
	int nwords = 0;
	const char *env = getenv("NFS41CTL_ADMIN");

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "nfs41ctl: cannot initialise libcurl\n");
		return EXIT_UNREACHABLE;
	}
	if (set_admin(&c, env && *env ? env : "127.0.0.1:2050") != 0)
		return EXIT_USAGE;
	env = getenv("NFS41CTL_TOKEN_FILE");
	c.token_file = env && *env ? env : NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		char name[32];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
			c.yes = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (nwords == 2)
				return usage_error("unexpected argument '%s'", a);
			words[nwords++] = a;
			continue;
		}
		eq = strchr(a, '=');
		if (eq) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			v = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			if (i + 1 < argc)
				v = argv[++i];
		}
		if (!v)
			return usage_error("%s wants a value", name);
		if (strcmp(name, "--admin") == 0) {
			if (set_admin(&c, v) != 0)
				return EXIT_USAGE;
		} else if (strcmp(name, "--token-file") == 0) {
			c.token_file = v;
		} else if (strcmp(name, "--format") == 0) {
			if (strcmp(v, "table") == 0)
				c.format = FMT_TABLE;
			else if (strcmp(v, "json") == 0)
				c.format = FMT_JSON;
			else if (strcmp(v, "yaml") == 0)
				c.format = FMT_YAML;
			else
				return usage_error("--format wants table, json or yaml, not '%s'", v);
		} else if (strcmp(name, "--client") == 0) {
			c.client = v;
		} else if (strcmp(name, "--session") == 0) {
			c.session = v;
		} else {
			return usage_error("unknown option '%s'", name);
		}
	}
	if (nwords != 2)
		return usage_error("want a command: clients list, sessions list, ... (see --help)");
	return command(&c, words[0], words[1]);
}
