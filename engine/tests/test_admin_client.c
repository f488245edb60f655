/*
 * test_admin_client.c - hook calls to nfs41refd's admin API: the hook table, the JSON body by
 * member type, the reply (outputs, refusals, answers that are not the API's), the endpoint and
 * token checks, and real HTTP round trips against a small in-process server on loopback that
 * records each request and plays one canned answer per connection; then `hook` steps run by
 * the executor against it (defaults, outputs becoming variables, FAIL and ERROR).
 */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admin_client.h"
#include "case_parse.h"
#include "conn.h"
#include "exec.h"
#include "hooks.h"
#include "test_main.h"

#define TOKEN "s3cret-token"
#define MAX_ANSWERS 4

/* ---- a one-request-per-connection HTTP server ------------------------------------------ */

struct fake_http {
	int lfd;
	uint16_t port;
	pthread_t tid;
	const char *answers[MAX_ANSWERS]; /* whole HTTP responses; NULL: stay silent 1 s */
	size_t nanswers;
	char requests[MAX_ANSWERS][2048]; /* what arrived, headers and body */
};

/* Read one request: headers, then Content-Length bytes of body. */
static void read_request(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got + 1 < n) {
		ssize_t r = recv(fd, buf + got, n - 1 - got, 0);
		const char *body, *cl;
		if (r <= 0)
			break;
		got += (size_t)r;
		buf[got] = '\0';
		if (!(body = strstr(buf, "\r\n\r\n")))
			continue;
		cl = strcasestr(buf, "Content-Length:");
		if (!cl || got >= (size_t)(body + 4 - buf) + strtoul(cl + 15, NULL, 10))
			break;
	}
	buf[got] = '\0';
}

static void *fake_serve(void *arg)
{
	struct fake_http *f = arg;

	for (size_t i = 0; i < f->nanswers; i++) {
		int fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		read_request(fd, f->requests[i], sizeof(f->requests[i]));
		if (f->answers[i])
			(void)!send(fd, f->answers[i], strlen(f->answers[i]), MSG_NOSIGNAL);
		else
			sleep(1);
		close(fd);
	}
	return NULL;
}

static bool fake_start(struct fake_http *f)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(f->lfd, 4) != 0 || getsockname(f->lfd, (struct sockaddr *)&a, &len) != 0)
		return false;
	f->port = ntohs(a.sin_port);
	return pthread_create(&f->tid, NULL, fake_serve, f) == 0;
}

static void fake_stop(struct fake_http *f)
{
	pthread_join(f->tid, NULL);
	close(f->lfd);
}

/* An HTTP/1.1 response with a JSON body. */
static char *answer(int status, const char *json)
{
	char *s = NULL;

	if (asprintf(&s, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n%s", status, strlen(json), json) < 0)
		return NULL;
	return s;
}

/* An admin client for port with the token in a temporary file. */
static bool client_for(uint16_t port, struct admin_client *a)
{
	char tok[64], ep[32], err[256];
	bool ok;

	if (!test_write_temp("nfs41-token", "  " TOKEN "\n\n", tok))
		return false;
	snprintf(ep, sizeof(ep), "127.0.0.1:%u", port);
	ok = admin_client_open(a, ep, tok, err, sizeof(err)) == 0;
	if (!ok)
		fprintf(stderr, "\n  admin_client_open: %s\n", err);
	unlink(tok);
	return ok;
}

/* ---- the table and the body ---------------------------------------------------------------- */

static void test_table(void)
{
	const struct hook_def *h = hook_find("session-cap");
	const char *var;
	char buf[200];

	REQUIRE(h != NULL);
	CU_ASSERT_PTR_NOT_NULL(hook_param_find(h, "max"));
	CU_ASSERT_PTR_NULL(hook_param_find(h, "sessionid")); /* only the members it reads */
	CU_ASSERT_PTR_NULL(hook_find("nosuch"));
	CU_ASSERT_STRING_EQUAL(hook_names(buf, sizeof(buf)),
			       "target, force-highest, preset, delay, restart, revoke, bcfault, session-cap, "
			       "mach-cred");
	CU_ASSERT_STRING_EQUAL(hook_param_names(hook_find("preset"), buf, sizeof(buf)),
			       "sessionid, slot, seqid");
	CU_ASSERT_TRUE(hook_type_default(HOOK_CLIENTID, &var) && strcmp(var, "clientid") == 0);
	CU_ASSERT_FALSE(hook_type_default(HOOK_U32, &var));
}

static void test_body(void)
{
	uint8_t sid[16] = {0xde, 0xad, [15] = 0x01};
	struct value s = {.kind = VAL_BYTES, .bytes = sid, .len = 16}, big = value_int(0x1ffffffffull),
		     cid = value_int(0x5f3a0001), t = value_int(1), none = {.kind = VAL_NONE};
	struct admin_field f[] = {{"sessionid", HOOK_SESSIONID, &s}, {"seqid", HOOK_U32, &big},
				  {"clientid", HOOK_CLIENTID, &cid}, {"state", HOOK_BOOL, &t},
				  {"slot", HOOK_U32, &none}};
	char err[256], *body = admin_hook_body(f, 5, err, sizeof(err));

	REQUIRE(body != NULL);
	/* keys sorted; 0x1ffffffff modulo 2^32; clientid as nfs41ctl writes it; slot left out */
	CU_ASSERT_STRING_EQUAL(body, "{\"clientid\":\"000000005f3a0001\",\"seqid\":4294967295,"
				     "\"sessionid\":\"dead0000000000000000000000000001\","
				     "\"state\":true}");
	free(body);
}

static void body_fails(enum hook_type type, const struct value *v, const char *want)
{
	struct admin_field f = {"k", type, v};
	char err[256] = "", *body = admin_hook_body(&f, 1, err, sizeof(err));

	CU_ASSERT_PTR_NULL(body);
	free(body);
	CHECK(strcmp(err, want) == 0, "got '%s', want '%s'", err, want);
}

static void test_body_errors(void)
{
	uint8_t b[4] = {1, 2, 3, 4};
	struct value bytes = {.kind = VAL_BYTES, .bytes = b, .len = 4}, two = value_int(2);

	body_fails(HOOK_SESSIONID, &bytes, "k takes a 16-byte session id ($sessionid), not 4 bytes");
	body_fails(HOOK_SESSIONID, &two, "k takes a 16-byte session id ($sessionid), not the number 2");
	body_fails(HOOK_CLIENTID, &bytes, "k takes a number, not 4 bytes");
	body_fails(HOOK_U32, &bytes, "k takes a number, not 4 bytes");
	body_fails(HOOK_BOOL, &two, "k takes true or false, not the number 2");
}

/* ---- the reply ------------------------------------------------------------------------------ */

static const struct value *output(const struct admin_outputs *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return &o->v[i].v;
	return NULL;
}

static void test_reply_outputs(void)
{
	static const char body[] =
		"{\"hook\":\"revoke\",\"ok\":true,\"stateid\":\"00000001aabbccddeeff001122334455\","
		"\"clientid\":\"000000005f3a0001\",\"count\":3,\"dead\":false,\"note\":\"odd\","
		"\"list\":[1,2],\"ratio\":0.5}";
	struct admin_outputs o;
	const struct value *v;
	char err[256];

	REQUIRE(admin_hook_reply(200, body, strlen(body), &o, err, sizeof(err)) == ADMIN_OK);
	CU_ASSERT_EQUAL(o.n, 5); /* hook and ok are not outputs; the array and the real are not kept */
	v = output(&o, "stateid");
	CU_ASSERT(v && v->kind == VAL_BYTES && v->len == 16 && v->bytes[3] == 1 && v->bytes[4] == 0xaa);
	v = output(&o, "clientid");
	CU_ASSERT(v && v->kind == VAL_INT && v->i == 0x5f3a0001);
	v = output(&o, "count");
	CU_ASSERT(v && v->kind == VAL_INT && v->i == 3);
	v = output(&o, "dead");
	CU_ASSERT(v && v->kind == VAL_INT && v->i == 0);
	v = output(&o, "note"); /* not hex digits: the text itself */
	CU_ASSERT(v && v->kind == VAL_BYTES && v->len == 3 && memcmp(v->bytes, "odd", 3) == 0);
	CU_ASSERT_PTR_NULL(output(&o, "hook"));
	admin_outputs_free(&o);
}

static void reply_is(long status, const char *body, enum admin_result want, const char *want_err)
{
	struct admin_outputs o;
	char err[256] = "";

	CU_ASSERT_EQUAL(admin_hook_reply(status, body, strlen(body), &o, err, sizeof(err)), want);
	CU_ASSERT_EQUAL(o.n, 0);
	CHECK(strcmp(err, want_err) == 0, "got '%s', want '%s'", err, want_err);
	admin_outputs_free(&o);
}

static void test_reply_errors(void)
{
	reply_is(404, "{\"error\":\"no such session or slot\",\"status\":404}", ADMIN_REFUSED,
		 "HTTP 404: no such session or slot");
	reply_is(500, "<html>oops</html>", ADMIN_REFUSED, "HTTP 500: (no error message)");
	reply_is(401, "{\"error\":\"bad bearer token\",\"status\":401}", ADMIN_ERROR,
		 "HTTP 401: bad bearer token");
	reply_is(403, "{\"error\":\"state changes are disabled\"}", ADMIN_ERROR,
		 "HTTP 403: state changes are disabled");
	reply_is(200, "{\"hook\":\"x\"}", ADMIN_ERROR,
		 "HTTP 200 without \"ok\": true: not the admin API's answer");
	reply_is(200, "[1]", ADMIN_ERROR, "HTTP 200 with a body that is not a JSON object: wrong type");
	reply_is(200, "", ADMIN_ERROR,
		 "HTTP 200 with a body that is not a JSON object: '[' or '{' expected near end of file");
}

/* ---- endpoint and token ----------------------------------------------------------------------- */

static void open_fails(const char *ep, const char *token_text, const char *want)
{
	struct admin_client a;
	char tok[64], err[300] = "";

	REQUIRE(test_write_temp("nfs41-token", token_text, tok));
	CU_ASSERT_NOT_EQUAL(admin_client_open(&a, ep, tok, err, sizeof(err)), 0);
	admin_client_close(&a);
	unlink(tok);
	if (strncmp(want, "token file ", 11) == 0) /* the temporary name is in the middle */
		CHECK(strstr(err, want + 11) != NULL, "got '%s', want '%s'", err, want);
	else
		CHECK(strcmp(err, want) == 0, "got '%s', want '%s'", err, want);
}

static void test_open(void)
{
	struct admin_client a;
	char tok[64], err[300];

	REQUIRE(test_write_temp("nfs41-token", "\t" TOKEN " \r\n", tok));
	REQUIRE(admin_client_open(&a, "[::1]:8080", tok, err, sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(a.url, "http://[::1]:8080");
	CU_ASSERT_STRING_EQUAL(a.token, TOKEN);
	CU_ASSERT_STRING_EQUAL(a.token_file, tok);
	admin_client_close(&a);
	REQUIRE(admin_client_open(&a, "localhost:1", tok, err, sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(a.url, "http://127.0.0.1:1"); /* no resolver involved */
	CU_ASSERT_STRING_EQUAL(a.endpoint, "localhost:1");
	admin_client_close(&a);
	REQUIRE(admin_client_open(&a, "127.9.9.9:65535", tok, err, sizeof(err)) == 0);
	admin_client_close(&a);
	unlink(tok);
	CU_ASSERT_NOT_EQUAL(admin_client_open(&a, "127.0.0.1:1", "/nonexistent/t", err,
					      sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "token file /nonexistent/t: No such file or directory");
	admin_client_close(&a);

	open_fails("192.168.1.1:80", TOKEN, "'192.168.1.1' is not a loopback address (127.0.0.1, "
					    "::1, localhost): the admin API is only called on this machine");
	open_fails("example.org:80", TOKEN, "'example.org' is not a loopback address (127.0.0.1, "
					    "::1, localhost): the admin API is only called on this machine");
	open_fails("127.0.0.1", TOKEN, "'127.0.0.1' is not HOST:PORT");
	open_fails("127.0.0.1:0", TOKEN, "bad port in '127.0.0.1:0'");
	open_fails("127.0.0.1:80x", TOKEN, "bad port in '127.0.0.1:80x'");
	open_fails("127.0.0.1:80", " \n\t\n", "token file  is empty");
	open_fails("127.0.0.1:80", "two\nlines\n", "token file : not one line of printable text");
}

/* ---- HTTP round trips --------------------------------------------------------------------------- */

static void test_call_ok(void)
{
	struct fake_http f = {0};
	struct admin_client a;
	struct admin_outputs o;
	char *ans = answer(200, "{\"hook\":\"revoke\",\"ok\":true,\"stateid\":\"0011\"}"), err[300];

	REQUIRE(ans != NULL);
	f.answers[0] = ans;
	f.nanswers = 1;
	REQUIRE(fake_start(&f));
	REQUIRE(client_for(f.port, &a));
	CU_ASSERT_EQUAL(admin_hook_call(&a, "revoke", "{\"clientid\":\"0000000000000001\"}", 2, &o,
					err, sizeof(err)), ADMIN_OK);
	fake_stop(&f);
	CU_ASSERT_EQUAL(o.n, 1);
	admin_outputs_free(&o);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.requests[0], "POST /api/v1/hooks/revoke HTTP/1.1\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.requests[0], "\r\nAuthorization: Bearer " TOKEN "\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.requests[0], "\r\nContent-Type: application/json\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.requests[0], "\r\n\r\n{\"clientid\":\"0000000000000001\"}"));
	admin_client_close(&a);
	free(ans);
}

static void test_call_refused_and_unreachable(void)
{
	struct fake_http f = {0};
	struct admin_client a;
	struct admin_outputs o;
	char *ans = answer(404, "{\"error\":\"no hook 'delay' (hooks: target, preset)\",\"status\":404}");
	char err[300];
	uint16_t port;

	REQUIRE(ans != NULL);
	f.answers[0] = ans;
	f.nanswers = 1;
	REQUIRE(fake_start(&f));
	REQUIRE(client_for(f.port, &a));
	CU_ASSERT_EQUAL(admin_hook_call(&a, "delay", "{}", 2, &o, err, sizeof(err)), ADMIN_REFUSED);
	CU_ASSERT_STRING_EQUAL(err, "HTTP 404: no hook 'delay' (hooks: target, preset)");
	fake_stop(&f); /* nothing listens on the port any more */
	port = f.port;
	admin_client_close(&a);
	REQUIRE(client_for(port, &a));
	CU_ASSERT_EQUAL(admin_hook_call(&a, "delay", "{}", 2, &o, err, sizeof(err)), ADMIN_ERROR);
	CHECK(strstr(err, "admin API 127.0.0.1:") && strstr(err, "onnect"), "err: %s", err);
	CU_ASSERT_EQUAL(o.n, 0);
	admin_client_close(&a);
	free(ans);
}

static void test_call_silent_and_huge(void)
{
	struct fake_http f = {0};
	struct admin_client a;
	struct admin_outputs o;
	size_t hugelen = (size_t)100 * 1024;
	char *huge = malloc(hugelen), *ans, err[300];
	double t0;

	REQUIRE(huge != NULL);
	memset(huge, 'x', hugelen - 1);
	huge[hugelen - 1] = '\0';
	ans = answer(200, huge);
	free(huge);
	REQUIRE(ans != NULL);
	f.answers[0] = NULL; /* silent: the timeout ends the wait */
	f.answers[1] = ans;
	f.nanswers = 2;
	REQUIRE(fake_start(&f));
	REQUIRE(client_for(f.port, &a));
	t0 = conn_now();
	CU_ASSERT_EQUAL(admin_hook_call(&a, "bcfault", "{}", 0.3, &o, err, sizeof(err)), ADMIN_ERROR);
	CU_ASSERT(conn_now() - t0 < 1.5);
	CHECK(strstr(err, "imeout") || strstr(err, "timed out"), "err: %s", err);
	CU_ASSERT_EQUAL(admin_hook_call(&a, "bcfault", "{}", 5, &o, err, sizeof(err)), ADMIN_ERROR);
	CHECK(strstr(err, "reply larger than 65536 bytes") != NULL, "err: %s", err);
	fake_stop(&f);
	admin_client_close(&a);
	free(ans);
}

/* ---- hook steps in the executor ----------------------------------------------------------------- */

static struct case_result run_hooks(const char *steps, const struct admin_client *a)
{
	struct exec_opts o = {.host = "127.0.0.1", .port = 1, .seed = 1, .run_tag = "t",
			      .reply_timeout = 1, .admin = a};
	struct case_result r = {0};
	struct case_def c;
	char *text = NULL, err[512];

	if (asprintf(&text, "id: h\ntitle: t\nrequirements: SEQ-15\nlevel: MUST\nrequires: hooks\n"
			    "timeout: 5s\n\n%s", steps) < 0)
		return r;
	if (case_parse_text("hook.case", text, NULL, &c, err, sizeof(err)) != 0)
		fprintf(stderr, "\n  parse: %s\n", err);
	else
		exec_case(&c, &o, &r);
	case_free(&c);
	free(text);
	return r;
}

/* An output becomes a variable that the next hook sends; clientid is formatted as a client id. */
static void test_steps_outputs_to_variables(void)
{
	struct fake_http f = {0};
	struct admin_client a;
	char *a1 = answer(200, "{\"hook\":\"revoke\",\"ok\":true,"
			       "\"stateid\":\"00000001aabbccddeeff001122334455\"}"),
	     *a2 = answer(200, "{\"hook\":\"bcfault\",\"ok\":true}");
	struct case_result r;

	REQUIRE(a1 && a2);
	f.answers[0] = a1;
	f.answers[1] = a2;
	f.nanswers = 2;
	REQUIRE(fake_start(&f));
	REQUIRE(client_for(f.port, &a));
	r = run_hooks("set clientid = 0x5f3a0001\nhook revoke\nhook bcfault sessionid=$stateid\n", &a);
	fake_stop(&f);
	CHECK(r.verdict == VERDICT_PASS, "verdict %s: %s", verdict_name(r.verdict),
	      r.reason ? r.reason : "");
	CU_ASSERT_PTR_NOT_NULL(strstr(f.requests[0], "\r\n\r\n{\"clientid\":\"000000005f3a0001\"}"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(f.requests[1], "\r\n\r\n{\"sessionid\":\"00000001aabbccddeeff001122334455\"}"));
	case_result_free(&r);
	admin_client_close(&a);
	free(a1);
	free(a2);
}

static void test_steps_fail_and_error(void)
{
	struct fake_http f = {0};
	struct admin_client a;
	char *ans = answer(404, "{\"error\":\"no such client\",\"status\":404}");
	struct case_result r;

	REQUIRE(ans != NULL);
	f.answers[0] = ans;
	f.nanswers = 1;
	REQUIRE(fake_start(&f));
	REQUIRE(client_for(f.port, &a));
	r = run_hooks("hook session-cap clientid=7 max=1\n", &a);
	fake_stop(&f);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_FAIL);
	CHECK(r.reason && strcmp(r.reason, "hook.case:8:1: hook: session-cap: the admin API refused "
					   "it: HTTP 404: no such client") == 0,
	      "reason: %s", r.reason ? r.reason : "(none)");
	CU_ASSERT(r.nsteps == 1 && r.steps[0].message &&
		  strstr(r.steps[0].message, "sent: {\"clientid\":\"0000000000000007\",\"max\":1}"));
	case_result_free(&r);

	/* a value of the wrong kind from a variable, and no admin API at all: ERROR */
	r = run_hooks("set s = 5\nhook bcfault sessionid=$s\n", &a);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_ERROR);
	CHECK(r.reason && strstr(r.reason, "hook.case:9:1: hook: bcfault: sessionid takes a 16-byte "
					   "session id ($sessionid), not the number 5"),
	      "reason: %s", r.reason ? r.reason : "(none)");
	case_result_free(&r);
	/* a member neither given nor defaulted: ERROR before any request */
	r = run_hooks("hook bcfault\n", &a);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_ERROR);
	CHECK(r.reason && strstr(r.reason, "hook: bcfault: sessionid defaults to $sessionid, which "
					   "is not set"),
	      "reason: %s", r.reason ? r.reason : "(none)");
	case_result_free(&r);
	r = run_hooks("hook preset seqid=1\n", &a);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_ERROR);
	CHECK(r.reason && strstr(r.reason, "hook: preset: sessionid defaults to $sessionid"),
	      "reason: %s", r.reason ? r.reason : "(none)");
	case_result_free(&r);
	r = run_hooks("set sessionid = hex:00000000000000000000000000000001\nhook preset seqid=1\n",
		      &a);
	CHECK(r.reason && strstr(r.reason, "hook: preset: slot is not given"), "reason: %s",
	      r.reason ? r.reason : "(none)");
	case_result_free(&r);
	r = run_hooks("hook restart state=true\n", NULL);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_ERROR);
	CU_ASSERT(r.reason && strstr(r.reason, "restart: no admin API to call (run with --admin"));
	case_result_free(&r);
	admin_client_close(&a);
	free(ans);
}

void tests_register(void)
{
	static const struct test_entry offline[] = {
		{"the hook table", test_table},
		{"JSON body by member type", test_body},
		{"values that do not fit a member", test_body_errors},
		{"reply outputs become values", test_reply_outputs},
		{"refusals and answers that are not the API's", test_reply_errors},
		{"endpoint (loopback only) and token file", test_open},
		{NULL, NULL}};
	static const struct test_entry http[] = {
		{"POST with the token and the body", test_call_ok},
		{"refused (FAIL) and unreachable (ERROR)", test_call_refused_and_unreachable},
		{"a silent server and an oversized reply are bounded", test_call_silent_and_huge},
		{"hook steps: outputs become variables", test_steps_outputs_to_variables},
		{"hook steps: FAIL and ERROR", test_steps_fail_and_error},
		{NULL, NULL}};

	tests_add_suite("admin client offline", offline);
	tests_add_suite("admin client over HTTP", http);
}
