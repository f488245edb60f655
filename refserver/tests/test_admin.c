/*
 * test_admin.c - the /metrics text (through promtool) and the admin API's routing, auth and
 * errors, driven through admin_handle() in-process (no HTTP; the end-to-end script does that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "metrics.h"
#include "test_main.h"

#ifndef PROMTOOL
#define PROMTOOL "promtool"
#endif

static uint64_t fake_now(void *ctx)
{
	return *(const uint64_t *)ctx;
}

static uint64_t now_ms = 1000;

/* ------------------------------------------------------------- metrics */

static void sample_stats(struct sm_stats *s, struct transport_stats *t)
{
	memset(s, 0, sizeof(*s));
	memset(t, 0, sizeof(*t));
	s->clients_confirmed = 3;
	s->clients_unconfirmed = 1;
	s->sessions_active = 2;
	s->sessions_created = 5;
	s->sessions_destroyed = 3;
	s->compounds = 1234;
	s->replays_served = 7;
	s->false_retries = 1;
	s->misordered = 2;
	s->reaper_runs = 40;
	s->reaped_clients = 4;
	s->reply_cache_bytes = 65536;
	t->connections = 2;
	t->accepted = 9;
	t->refused = 1;
	t->closed[TRANSPORT_CLOSE_PEER] = 6;
	t->closed[TRANSPORT_CLOSE_IDLE] = 1;
	t->records_in = 1300;
	t->replies_out = 1299;
	t->bytes_in = 1u << 20;
	t->bytes_out = 2u << 20;
}

/* promtool check metrics reads the exposition on stdin; its exit status is the verdict. */
static int promtool_check(const char *text)
{
	char path[64], cmd[256];
	int rc;

	if (!test_write_temp("nfs41-metrics", text, path))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s check metrics < %s", PROMTOOL, path);
	rc = system(cmd);
	unlink(path);
	return rc;
}

static void test_metrics_promtool(void)
{
	struct sm_stats s;
	struct transport_stats t;
	char *text;

	sample_stats(&s, &t);
	text = metrics_render(&s, &t);
	REQUIRE(text);
	CHECK(promtool_check(text) == 0, "promtool check metrics failed (is promtool (Debian "
					 "package prometheus) installed?) on:\n%s", text);
	free(text);
	text = metrics_render(&s, NULL);
	REQUIRE(text);
	CHECK(promtool_check(text) == 0, "promtool failed on the sm-only text:\n%s", text);
	free(text);
}

static void test_metrics_values(void)
{
	static const char *const want[] = {
		"nfs41refd_sessions_created_total 5\n",
		"nfs41refd_sessions_destroyed_total 3\n",
		"nfs41refd_sessions_active 2\n",
		"nfs41refd_compounds_total 1234\n",
		"nfs41refd_replays_served_total 7\n",
		"nfs41refd_false_retries_total 1\n",
		"nfs41refd_misordered_total 2\n",
		"nfs41refd_reply_cache_bytes 65536\n",
		"nfs41refd_clients{state=\"confirmed\"} 3\n",
		"nfs41refd_clients{state=\"unconfirmed\"} 1\n",
		"nfs41refd_reaper_runs_total 40\n",
		"nfs41refd_reaped_clients_total 4\n",
		"nfs41refd_connections 2\n",
		"nfs41refd_connections_accepted_total 9\n",
		"nfs41refd_connections_closed_total{reason=\"peer\"} 6\n",
		"# TYPE nfs41refd_sessions_active gauge\n",
		"# TYPE nfs41refd_compounds_total counter\n",
		"# HELP nfs41refd_clients ",
	};
	struct sm_stats s;
	struct transport_stats t;
	char *text;

	sample_stats(&s, &t);
	text = metrics_render(&s, &t);
	REQUIRE(text);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(strstr(text, want[i]) != NULL, "missing '%s'", want[i]);
	free(text);
	text = metrics_render(&s, NULL);
	REQUIRE(text);
	CHECK(strstr(text, "nfs41refd_connections") == NULL, "transport metrics without stats");
	free(text);
}

/* ----------------------------------------------------------- admin API */

struct fixture {
	struct sm *sm;
	struct admin *a;
	char token_path[64];
};

static bool setup(struct fixture *f, bool with_token, bool hooks)
{
	struct sm_limits l;
	struct sm_clock clock = {.now_ms = fake_now, .ctx = &now_ms};
	char err[256] = "";

	memset(f, 0, sizeof(*f));
	sm_limits_default(&l);
	f->sm = sm_new(&l, &clock);
	if (!f->sm)
		return false;
	if (with_token && !test_write_temp("nfs41-token", "s3cret-token\nsecond line\n",
					   f->token_path))
		return false;
	struct admin_opts o = {.token_file = with_token ? f->token_path : NULL,
			       .test_hooks = hooks, .sm = f->sm};
	f->a = admin_new(&o, err, sizeof(err));
	CHECK(f->a != NULL, "admin_new: %s", err);
	return f->a != NULL;
}

static void teardown(struct fixture *f)
{
	admin_free(f->a);
	sm_free(f->sm);
	if (f->token_path[0])
		unlink(f->token_path);
}

static unsigned call(struct fixture *f, const char *method, const char *url, const char *auth,
		     const char *body, char **out)
{
	struct admin_request rq = {.method = method, .url = url, .authorization = auth,
				   .body = body, .body_len = body ? strlen(body) : 0};
	struct admin_reply rp;

	admin_handle(f->a, &rq, &rp);
	if (out)
		*out = rp.body;
	else
		free(rp.body);
	return rp.status;
}

#define SID "00112233445566778899aabbccddeeff"

static void test_reads(void)
{
	struct fixture f;
	char *body = NULL;
	unsigned st;

	REQUIRE(setup(&f, true, false));
	st = call(&f, "GET", "/api/v1/clients", NULL, NULL, &body);
	CHECK(st == 200, "GET clients: %u", st);
	CHECK(body && strstr(body, "\"count\": 0") && strstr(body, "\"clients\": []"), "body %s",
	      body);
	free(body);
	st = call(&f, "GET", "/api/v1/clients/", NULL, NULL, NULL);
	CHECK(st == 200, "trailing slash: %u", st);
	st = call(&f, "GET", "/api/v1/clients/00000000000000ab/sessions", NULL, NULL, &body);
	CHECK(st == 404, "sessions of an unknown client: %u", st);
	CHECK(body && strstr(body, "\"error\": \"no client 00000000000000ab\""), "body %s", body);
	free(body);
	st = call(&f, "GET", "/api/v1/clients/xyz/sessions", NULL, NULL, NULL);
	CHECK(st == 400, "bad client id: %u", st);
	st = call(&f, "GET", "/api/v1/clients/00000000000000001/sessions", NULL, NULL, NULL);
	CHECK(st == 400, "17 hex digits: %u", st);
	st = call(&f, "GET", "/api/v1/nothing", NULL, NULL, NULL);
	CHECK(st == 404, "unknown path: %u", st);
	st = call(&f, "GET", "/", NULL, NULL, NULL);
	CHECK(st == 404, "root: %u", st);
	st = call(&f, "POST", "/api/v1/clients", NULL, NULL, NULL);
	CHECK(st == 405, "POST clients: %u", st);
	st = call(&f, "GET", "/metrics", NULL, NULL, &body);
	CHECK(st == 200, "metrics: %u", st);
	CHECK(body && strstr(body, "nfs41refd_sessions_active 0\n"), "metrics body %s", body);
	free(body);
	teardown(&f);
}

static void test_auth(void)
{
	struct fixture f;
	char *body = NULL;
	unsigned st;
	const char *url = "/api/v1/clients/0000000000000001/sessions/" SID;

	REQUIRE(setup(&f, true, false));
	st = call(&f, "DELETE", url, NULL, NULL, &body);
	CHECK(st == 401, "no token: %u", st);
	CHECK(body && strstr(body, "Authorization: Bearer"), "body %s", body);
	free(body);
	st = call(&f, "DELETE", url, "Bearer wrong", NULL, NULL);
	CHECK(st == 401, "wrong token: %u", st);
	st = call(&f, "DELETE", url, "Bearer s3cret-token-longer", NULL, NULL);
	CHECK(st == 401, "token with a suffix: %u", st);
	st = call(&f, "DELETE", url, "Basic s3cret-token", NULL, NULL);
	CHECK(st == 401, "not a bearer: %u", st);
	st = call(&f, "DELETE", "/api/v1/clients/0000000000000001", NULL, NULL, NULL);
	CHECK(st == 401, "client delete without a token: %u", st);
	/* the right token: now the lookup decides */
	st = call(&f, "DELETE", url, "Bearer s3cret-token", NULL, &body);
	CHECK(st == 404, "unknown session with the token: %u", st);
	CHECK(body && strstr(body, SID), "body %s", body);
	free(body);
	st = call(&f, "DELETE", "/api/v1/clients/0000000000000001/sessions/abc",
		  "Bearer s3cret-token", NULL, NULL);
	CHECK(st == 400, "short session id: %u", st);
	st = call(&f, "DELETE", "/api/v1/clients/0000000000000001", "Bearer s3cret-token", NULL,
		  NULL);
	CHECK(st == 404, "unknown client: %u", st);
	st = call(&f, "GET", url, NULL, NULL, NULL);
	CHECK(st == 405, "GET a session: %u", st);
	/* hooks are off: 404 even with the token */
	st = call(&f, "POST", "/api/v1/hooks/target", "Bearer s3cret-token",
		  "{\"sessionid\":\"" SID "\",\"target\":1}", NULL);
	CHECK(st == 404, "hooks off: %u", st);
	teardown(&f);
}

static void test_no_token_file(void)
{
	struct fixture f;
	char *body = NULL;
	unsigned st;

	REQUIRE(setup(&f, false, true));
	st = call(&f, "DELETE", "/api/v1/clients/0000000000000001", "Bearer anything", NULL,
		  &body);
	CHECK(st == 403, "no token file: %u", st);
	CHECK(body && strstr(body, "no admin_token_file"), "body %s", body);
	free(body);
	st = call(&f, "POST", "/api/v1/hooks/preset", NULL, "{}", NULL);
	CHECK(st == 403, "hook without a token file: %u", st);
	st = call(&f, "GET", "/api/v1/clients", NULL, NULL, NULL);
	CHECK(st == 200, "reads still work: %u", st);
	teardown(&f);
}

static void test_hooks(void)
{
	struct fixture f;
	unsigned st;
	const char *tok = "Bearer s3cret-token";

	REQUIRE(setup(&f, true, true));
	st = call(&f, "POST", "/api/v1/hooks/target", NULL, "{}", NULL);
	CHECK(st == 401, "hook without a token: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/target", tok, "not json", NULL);
	CHECK(st == 400, "bad JSON: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/target", tok, "[1]", NULL);
	CHECK(st == 400, "not an object: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/target", tok, "{\"sessionid\":\"zz\",\"target\":1}",
		  NULL);
	CHECK(st == 400, "bad sessionid: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/target", tok, "{\"sessionid\":\"" SID "\"}", NULL);
	CHECK(st == 400, "no target: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/preset", tok,
		  "{\"sessionid\":\"" SID "\",\"slot\":0,\"seqid\":-1}", NULL);
	CHECK(st == 400, "negative seqid: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/target", tok,
		  "{\"sessionid\":\"" SID "\",\"target\":1}", NULL);
	CHECK(st == 404, "target on an unknown session: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/preset", tok,
		  "{\"sessionid\":\"" SID "\",\"slot\":0,\"seqid\":5}", NULL);
	CHECK(st == 404, "preset on an unknown session: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/nosuch", tok, "{}", NULL);
	CHECK(st == 404, "unknown hook: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/delay", tok, "{\"sessionid\":\"" SID "\"}", NULL);
	CHECK(st == 400, "delay without slot and ms: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/restart", tok, "{\"clientid\":\"12\"}", NULL);
	CHECK(st == 400, "restart without state: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/restart", tok,
		  "{\"clientid\":\"12\",\"state\":false}", NULL);
	CHECK(st == 404, "restart of an unknown client: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/revoke", tok, "{\"clientid\":\"xyz\"}", NULL);
	CHECK(st == 400, "revoke with a bad clientid: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/revoke", tok, "{}", NULL);
	CHECK(st == 400, "revoke without clientid: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/session-cap", tok,
		  "{\"clientid\":\"12\",\"max\":1}", NULL);
	CHECK(st == 404, "session-cap of an unknown client: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/bcfault", tok, "{\"sessionid\":\"" SID "\"}", NULL);
	CHECK(st == 404, "bcfault on an unknown session: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/mach-cred", tok, "{\"clientid\":\"12\",\"bind\":1}",
		  NULL);
	CHECK(st == 400, "mach-cred with a bind that is not a boolean: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/mach-cred", tok, "{\"bind\":false}", NULL);
	CHECK(st == 400, "mach-cred without clientid: %u", st);
	st = call(&f, "POST", "/api/v1/hooks/mach-cred", tok, "{\"clientid\":\"12\"}", NULL);
	CHECK(st == 404, "mach-cred of an unknown client (bind defaulted): %u", st);
	st = call(&f, "POST", "/api/v1/hooks/mach-cred", tok,
		  "{\"clientid\":\"12\",\"bind\":false}", NULL);
	CHECK(st == 404, "mach-cred of an unknown client: %u", st);
	st = call(&f, "GET", "/api/v1/hooks/target", NULL, NULL, NULL);
	CHECK(st == 405, "GET a hook: %u", st);
	teardown(&f);
}

static void test_bad_token_file(void)
{
	struct sm_limits l;
	struct sm_clock clock = {.now_ms = fake_now, .ctx = &now_ms};
	struct sm *sm;
	char err[256] = "", path[64];

	sm_limits_default(&l);
	sm = sm_new(&l, &clock);
	REQUIRE(sm);
	struct admin_opts o = {.token_file = "/nonexistent/token", .sm = sm};
	CHECK(admin_new(&o, err, sizeof(err)) == NULL, "missing token file accepted");
	CHECK(strstr(err, "cannot open") != NULL, "err %s", err);
	REQUIRE(test_write_temp("nfs41-token", "\nsecond\n", path));
	o.token_file = path;
	CHECK(admin_new(&o, err, sizeof(err)) == NULL, "empty token accepted");
	CHECK(strstr(err, "empty") != NULL, "err %s", err);
	unlink(path);
	sm_free(sm);
}

/* admin_listen: a numeric IPv4 or IPv6 address; host names are refused. */
static void test_listen_addresses(void)
{
	struct sm_limits l;
	struct sm_clock clock = {.now_ms = fake_now, .ctx = &now_ms};
	struct sm *sm;
	struct admin *a;
	char err[256] = "";

	sm_limits_default(&l);
	sm = sm_new(&l, &clock);
	REQUIRE(sm);
	struct admin_opts o = {.listen_addr = "localhost", .sm = sm};
	CHECK(admin_new(&o, err, sizeof(err)) == NULL, "a host name accepted");
	CHECK(strstr(err, "not a numeric IPv4 or IPv6") != NULL, "err %s", err);
	o.listen_addr = "::1";
	a = admin_new(&o, err, sizeof(err));
	CHECK(a != NULL, "::1 refused: %s", err);
	CHECK(a && admin_listen(a, err, sizeof(err)) != 0, "port 0 must be refused");
	admin_free(a);
	sm_free(sm);
}

void tests_register(void)
{
	static const struct test_entry listen[] = {
		{"listen addresses", test_listen_addresses},
		{NULL, NULL}};
	static const struct test_entry metrics[] = {
		{"promtool check metrics", test_metrics_promtool},
		{"values and families", test_metrics_values},
		{NULL, NULL},
	};
	static const struct test_entry api[] = {
		{"reads, bad ids, unknown paths", test_reads},
		{"bearer token: 401", test_auth},
		{"no token file: 403", test_no_token_file},
		{"test hooks", test_hooks},
		{"bad token files", test_bad_token_file},
		{NULL, NULL},
	};

	tests_add_suite("metrics", metrics);
	tests_add_suite("admin api", api);
	tests_add_suite("admin listener", listen);
}
