/* admin_client.c - hook calls to nfs41refd's admin HTTP API (see admin_client.h). */
#include "admin_client.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

#define MAX_TOKEN_BYTES 4096
#define MAX_REPLY_BYTES ((size_t)64 * 1024)
#define CONNECT_TIMEOUT_MS 2000L

/* ---- endpoint and token ----------------------------------------------------------------- */

/* "127.0.0.1", "::1" (brackets removed), "localhost" -> the literal to put in the URL. */
static int loopback_literal(const char *host, char *url_host, size_t n)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0) /* never left to a resolver */
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) {
		snprintf(url_host, n, "%s", host);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6)) {
		snprintf(url_host, n, "[%s]", host);
		return 0;
	}
	return -1;
}

static int parse_endpoint(struct admin_client *a, const char *hostport, char *err, size_t errlen)
{
	const char *colon = strrchr(hostport, ':');
	char host[128], url_host[140];
	char *end;
	long port;

	if (!colon || colon == hostport || (size_t)(colon - hostport) >= sizeof(host)) {
		snprintf(err, errlen, "'%.200s' is not HOST:PORT", hostport);
		return -1;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport), hostport);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:8080 */
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || port <= 0 || port > 65535) {
		snprintf(err, errlen, "bad port in '%.200s'", hostport);
		return -1;
	}
	if (loopback_literal(host, url_host, sizeof(url_host)) != 0) {
		snprintf(err, errlen, "'%.100s' is not a loopback address (127.0.0.1, ::1, localhost): "
				      "the admin API is only called on this machine", host);
		return -1;
	}
	snprintf(a->endpoint, sizeof(a->endpoint), "%s", hostport);
	snprintf(a->url, sizeof(a->url), "http://%s:%ld", url_host, port);
	return 0;
}

/* The token file's contents with surrounding white space removed; one printable line. */
static char *read_token(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[MAX_TOKEN_BYTES + 1];
	size_t n, start = 0;

	if (!f) {
		snprintf(err, errlen, "token file %.200s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n > MAX_TOKEN_BYTES) {
		snprintf(err, errlen, "token file %.200s: longer than %d bytes", path, MAX_TOKEN_BYTES);
		return NULL;
	}
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	while (start < n && isspace((unsigned char)buf[start]))
		start++;
	for (size_t i = start; i < n; i++)
		if (!isprint((unsigned char)buf[i])) {
			snprintf(err, errlen, "token file %.200s: not one line of printable text", path);
			return NULL;
		}
	if (start == n) {
		snprintf(err, errlen, "token file %.200s is empty", path);
		return NULL;
	}
	return strndup(buf + start, n - start);
}

int admin_client_open(struct admin_client *a, const char *hostport, const char *token_file,
		      char *err, size_t errlen)
{
	*a = (struct admin_client){0};
	if (parse_endpoint(a, hostport, err, errlen) != 0 ||
	    !(a->token = read_token(token_file, err, errlen)))
		return -1;
	if (!(a->token_file = strdup(token_file))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl did not initialise");
		return -1;
	}
	a->curl_ready = true;
	return 0;
}

void admin_client_close(struct admin_client *a)
{
	if (a->curl_ready)
		curl_global_cleanup();
	if (a->token)
		memset(a->token, 0, strlen(a->token));
	free(a->token);
	free(a->token_file);
	*a = (struct admin_client){0};
}

/* ---- the request body --------------------------------------------------------------------- */

static const char *kind_text(const struct value *v, char *buf, size_t n)
{
	if (v->kind == VAL_INT)
		snprintf(buf, n, "the number %" PRIu64, v->i);
	else
		snprintf(buf, n, "%zu bytes", v->len);
	return buf;
}

static json_t *hex_string(const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	return n > 64 ? NULL : json_string(hex_encode(p, n, hex));
}

/* One member's JSON value, or NULL with err (the value does not fit the member's type). */
static json_t *field_json(const struct admin_field *f, char *err, size_t errlen)
{
	const struct value *v = f->v;
	char what[64];

	switch (f->type) {
	case HOOK_SESSIONID:
		if (v->kind == VAL_BYTES && v->len == 16)
			return hex_string(v->bytes, v->len);
		snprintf(err, errlen, "%s takes a 16-byte session id ($sessionid), not %s", f->key,
			 kind_text(v, what, sizeof(what)));
		return NULL;
	case HOOK_CLIENTID:
		if (v->kind == VAL_INT) {
			char id[17];
			snprintf(id, sizeof(id), "%016" PRIx64, v->i);
			return json_string(id);
		}
		break;
	case HOOK_U32:
		if (v->kind == VAL_INT) /* modulo 2^32, as a protocol field takes it */
			return json_integer((json_int_t)(uint32_t)v->i);
		break;
	case HOOK_BOOL:
		if (v->kind == VAL_INT && v->i <= 1)
			return json_boolean(v->i);
		snprintf(err, errlen, "%s takes true or false, not %s", f->key,
			 kind_text(v, what, sizeof(what)));
		return NULL;
	}
	snprintf(err, errlen, "%s takes a number, not %s", f->key, kind_text(v, what, sizeof(what)));
	return NULL;
}

char *admin_hook_body(const struct admin_field *f, size_t n, char *err, size_t errlen)
{
	json_t *o = json_object();
	char *text;

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *m;
		if (f[i].v->kind == VAL_NONE) /* `absent`: the member is left out */
			continue;
		if (!(m = field_json(&f[i], err, errlen)) || json_object_set_new(o, f[i].key, m) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!text)
		snprintf(err, errlen, "out of memory");
	return text;
}

/* ---- the reply ---------------------------------------------------------------------------- */

void admin_outputs_free(struct admin_outputs *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].name);
		value_free(&o->v[i].v);
	}
	free(o->v);
	*o = (struct admin_outputs){0};
}

/* A string member as a case value: hex digits -> bytes ("clientid": a number), else its text. */
static int string_value(const char *name, const char *s, size_t n, struct value *v)
{
	bool hex = n > 0 && n % 2 == 0 && hex_all_digits(s, n);

	if (hex && strcmp(name, "clientid") == 0 && n == 16) {
		*v = value_int(strtoull(s, NULL, 16));
		return 0;
	}
	*v = (struct value){.kind = VAL_BYTES, .len = hex ? n / 2 : n};
	if (!(v->bytes = malloc(v->len ? v->len : 1)))
		return -1;
	if (hex)
		return hex_decode(s, n, v->bytes);
	memcpy(v->bytes, s, n);
	return 0;
}

/* 1 when kept, 0 when the member's JSON type has no case value, -1 out of memory. */
static int member_value(const char *name, const json_t *m, struct value *v)
{
	if (json_is_string(m))
		return string_value(name, json_string_value(m), json_string_length(m), v) ? -1 : 1;
	if (json_is_integer(m)) {
		*v = value_int((uint64_t)json_integer_value(m));
		return 1;
	}
	if (json_is_boolean(m)) {
		*v = value_int(json_is_true(m) ? 1 : 0);
		return 1;
	}
	return 0;
}

static int add_output(struct admin_outputs *out, const char *name, const json_t *m)
{
	struct admin_output o = {0};
	struct admin_output *v;
	int rc = member_value(name, m, &o.v);

	if (rc <= 0)
		return rc;
	if (!(o.name = strdup(name)) || !(v = realloc(out->v, (out->n + 1) * sizeof(*v)))) {
		free(o.name);
		value_free(&o.v);
		return -1;
	}
	out->v = v;
	out->v[out->n++] = o;
	return 0;
}

static enum admin_result outputs_of(const json_t *j, struct admin_outputs *out, char *err,
				    size_t errlen)
{
	const char *name;
	const json_t *m;

	if (!json_is_true(json_object_get(j, "ok"))) {
		snprintf(err, errlen, "HTTP 200 without \"ok\": true: not the admin API's answer");
		return ADMIN_ERROR;
	}
	json_object_foreach((json_t *)j, name, m) {
		if (strcmp(name, "hook") == 0 || strcmp(name, "ok") == 0)
			continue;
		if (add_output(out, name, m) != 0) {
			admin_outputs_free(out);
			snprintf(err, errlen, "out of memory");
			return ADMIN_ERROR;
		}
	}
	return ADMIN_OK;
}

/* "HTTP 404: no such session or slot" from {"error": "...", "status": 404}. */
static void error_text(long status, const json_t *j, char *err, size_t errlen)
{
	const char *msg = json_string_value(json_object_get(j, "error"));

	snprintf(err, errlen, "HTTP %ld: %.300s", status, msg ? msg : "(no error message)");
}

enum admin_result admin_hook_reply(long status, const char *body, size_t len,
				   struct admin_outputs *out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j = json_loadb(body ? body : "", len, 0, &jerr);
	enum admin_result rc;

	*out = (struct admin_outputs){0};
	if (status == 200 && !json_is_object(j)) {
		snprintf(err, errlen, "HTTP 200 with a body that is not a JSON object: %.200s",
			 j ? "wrong type" : jerr.text);
		rc = ADMIN_ERROR;
	} else if (status == 200) {
		rc = outputs_of(j, out, err, errlen);
	} else {
		error_text(status, json_is_object(j) ? j : NULL, err, errlen);
		/* a refused token says nothing about the server: the run is set up wrong */
		rc = status == 401 || status == 403 ? ADMIN_ERROR : ADMIN_REFUSED;
	}
	json_decref(j);
	return rc;
}

/* ---- the request -------------------------------------------------------------------------- */

struct reply_buf {
	char *data;
	size_t len;
	bool too_big;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct reply_buf *b = arg;
	size_t add = size * n;
	char *d;

	if (b->len + add > MAX_REPLY_BYTES || !(d = realloc(b->data, b->len + add + 1))) {
		b->too_big = b->len + add > MAX_REPLY_BYTES;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	memcpy(d + b->len, p, add);
	b->data = d;
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

static bool add_header(struct curl_slist **h, const char *line)
{
	struct curl_slist *n = curl_slist_append(*h, line);

	if (n)
		*h = n;
	return n != NULL;
}

/* JSON in, the bearer token, and no "Expect: 100-continue" round trip. NULL: out of memory. */
static struct curl_slist *request_headers(const struct admin_client *a)
{
	struct curl_slist *h = NULL;
	char *auth = NULL;
	bool ok;

	if (asprintf(&auth, "Authorization: Bearer %s", a->token) < 0)
		return NULL;
	ok = add_header(&h, auth) && add_header(&h, "Content-Type: application/json") &&
	     add_header(&h, "Expect:");
	memset(auth, 0, strlen(auth));
	free(auth);
	if (!ok) {
		curl_slist_free_all(h);
		return NULL;
	}
	return h;
}

static CURLcode http_only(CURL *c)
{
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: CURLOPT_PROTOCOLS is deprecated */
	return curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
#else
	return curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
}

/* Plain http to the loopback URL only: no proxy from the environment, no redirects. */
static int configure(CURL *c, const char *url, const char *body, long timeout_ms,
		     struct curl_slist *hdrs, struct reply_buf *b, char *curl_err)
{
	long connect_ms = timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS;

	return http_only(c) || curl_easy_setopt(c, CURLOPT_URL, url) ||
	       curl_easy_setopt(c, CURLOPT_NOPROXY, "*") ||
	       curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) ||
	       curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) ||
	       curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) ||
	       curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms) ||
	       curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) ||
	       curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) ||
	       curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body)) ||
	       curl_easy_setopt(c, CURLOPT_USERAGENT, "nfs41check/" NFS41CHECK_VERSION) ||
	       curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect) ||
	       curl_easy_setopt(c, CURLOPT_WRITEDATA, b) ||
	       curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
}

/* Send the request; 0 with *status, or -1 with err (nothing usable came back). */
static int perform(const struct admin_client *a, const char *url, const char *body,
		   long timeout_ms, struct reply_buf *b, long *status, char *err, size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = request_headers(a);
	CURL *c = hdrs ? curl_easy_init() : NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	if (c && configure(c, url, body, timeout_ms, hdrs, b, curl_err) == 0)
		rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else if (b->too_big)
		snprintf(err, errlen, "admin API %s: reply larger than %zu bytes", a->endpoint,
			 MAX_REPLY_BYTES);
	else
		snprintf(err, errlen, "admin API %s: %s", a->endpoint,
			 curl_err[0] ? curl_err : curl_easy_strerror(rc));
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	return rc == CURLE_OK ? 0 : -1;
}

enum admin_result admin_hook_call(const struct admin_client *a, const char *hook, const char *body,
				  double timeout, struct admin_outputs *out, char *err,
				  size_t errlen)
{
	struct reply_buf b = {0};
	char url[400];
	long status = 0;
	enum admin_result rc = ADMIN_ERROR;

	*out = (struct admin_outputs){0};
	if (timeout <= 0 || timeout > ADMIN_TIMEOUT_S)
		timeout = ADMIN_TIMEOUT_S;
	snprintf(url, sizeof(url), "%s/api/v1/hooks/%s", a->url, hook);
	if (perform(a, url, body, (long)(timeout * 1000), &b, &status, err, errlen) == 0)
		rc = admin_hook_reply(status, b.data, b.len, out, err, errlen);
	free(b.data);
	return rc;
}
