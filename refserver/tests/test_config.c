/* test_config.c - nfs41refd config: defaults, the file format, every error message, flags, round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "test_main.h"

/* Apply text as a config file named "t.conf" over the defaults; err gets the message. */
static int read_text(struct refd_config *c, const char *text, char *err, size_t n)
{
	char *copy = strdup(text);
	FILE *f = copy ? fmemopen(copy, strlen(copy), "r") : NULL;
	int rc = -2;

	refd_config_defaults(c);
	err[0] = '\0';
	if (f) {
		rc = refd_config_read(c, f, "t.conf", err, n);
		fclose(f);
	}
	free(copy);
	return rc;
}

static bool config_equal(const struct refd_config *a, const struct refd_config *b)
{
	return strcmp(a->listen, b->listen) == 0 && a->port == b->port &&
	       a->admin_port == b->admin_port && a->lease_seconds == b->lease_seconds &&
	       a->max_clients == b->max_clients &&
	       a->max_sessions_per_client == b->max_sessions_per_client &&
	       a->max_fore_slots == b->max_fore_slots && a->max_back_slots == b->max_back_slots &&
	       a->max_back_ops == b->max_back_ops && a->max_request_size == b->max_request_size &&
	       a->max_response_size == b->max_response_size &&
	       a->max_response_size_cached == b->max_response_size_cached &&
	       a->max_ops == b->max_ops && a->max_conns_per_session == b->max_conns_per_session &&
	       a->max_connections == b->max_connections &&
	       a->idle_timeout_seconds == b->idle_timeout_seconds &&
	       a->max_record_size == b->max_record_size &&
	       a->max_record_fragments == b->max_record_fragments &&
	       a->reaper_period_seconds == b->reaper_period_seconds &&
	       a->unconfirmed_timeout_seconds == b->unconfirmed_timeout_seconds &&
	       a->reply_cache_bytes == b->reply_cache_bytes && a->log_level == b->log_level &&
	       strcmp(a->admin_token_file, b->admin_token_file) == 0 &&
	       a->test_hooks == b->test_hooks;
}

static void test_defaults(void)
{
	struct refd_config c;
	char err[256] = "";

	refd_config_defaults(&c);
	CHECK(strcmp(c.listen, "127.0.0.1") == 0, "listen %s", c.listen);
	CHECK(c.port == 2049 && c.admin_port == 0, "ports %u %u", c.port, c.admin_port);
	CHECK(c.lease_seconds == 90, "lease %u", c.lease_seconds);
	CHECK(c.max_clients == 1024 && c.max_sessions_per_client == 16, "clients");
	CHECK(c.max_fore_slots == 64 && c.max_back_slots == 16 && c.max_back_ops == 8, "slots");
	CHECK(c.max_request_size == 1048576 && c.max_response_size == 1048576, "sizes");
	CHECK(c.max_response_size_cached == 65536, "cached %u", c.max_response_size_cached);
	CHECK(c.max_ops == 128 && c.max_conns_per_session == 16, "ops/conns");
	CHECK(c.max_connections == 1024 && c.idle_timeout_seconds == 300, "transport");
	CHECK(c.max_record_size == 4194304 && c.max_record_fragments == 4096, "records");
	CHECK(c.reaper_period_seconds == 1, "reaper %u", c.reaper_period_seconds);
	CHECK(c.unconfirmed_timeout_seconds == 0 && refd_config_unconfirmed_timeout(&c) == 90,
	      "unconfirmed");
	CHECK(c.reply_cache_bytes == 64ull * 1048576, "reply cache");
	CHECK(c.log_level == REFD_LOG_INFO, "log level %d", (int)c.log_level);
	CHECK(c.admin_token_file[0] == '\0' && !c.test_hooks, "admin");
	CHECK(refd_config_validate(&c, err, sizeof(err)) == 0, "defaults invalid: %s", err);
}

static void test_file(void)
{
	static const char text[] = "# a comment\n"
				   "\n"
				   "   # indented comment\n"
				   "listen = ::1\n"
				   "port=0\r\n"
				   "\tlease_seconds   =   1  \n"
				   "lease_seconds = 2\n"
				   "reply_cache_bytes = 1099511627776\n"
				   "log_level = debug\n"
				   "admin_token_file = /etc/refd/token #not a comment\n"
				   "test_hooks = yes\n"
				   "unconfirmed_timeout_seconds = 5\n"
				   "max_response_size_cached = 0";
	struct refd_config c;
	char err[256];

	CHECK(read_text(&c, text, err, sizeof(err)) == 0, "read: %s", err);
	CHECK(strcmp(c.listen, "::1") == 0, "listen %s", c.listen);
	CHECK(c.port == 0, "port %u", c.port);
	CHECK(c.lease_seconds == 2, "a later key wins: %u", c.lease_seconds);
	CHECK(c.reply_cache_bytes == 1099511627776ull, "cache %llu",
	      (unsigned long long)c.reply_cache_bytes);
	CHECK(c.log_level == REFD_LOG_DEBUG, "level");
	CHECK(strcmp(c.admin_token_file, "/etc/refd/token #not a comment") == 0, "token '%s'",
	      c.admin_token_file);
	CHECK(c.test_hooks, "hooks");
	CHECK(refd_config_unconfirmed_timeout(&c) == 5, "unconfirmed");
	CHECK(c.max_response_size_cached == 0, "cached");
	CHECK(c.max_clients == 1024, "untouched keys keep defaults");
}

struct bad_case {
	const char *text, *want;
};

static void test_file_errors(void)
{
	static const struct bad_case cases[] = {
		{"bogus = 1\n", "t.conf:1: unknown key 'bogus'"},
		{"# ok\nport 2049\n", "t.conf:2: expected 'key = value', got 'port 2049'"},
		{"= 5\n", "t.conf:1: expected 'key = value', got no key"},
		{"port = abc\n", "t.conf:1: port: 'abc' is not a number"},
		{"port =\n", "t.conf:1: port: '' is not a number"},
		{"port = -1\n", "t.conf:1: port: '-1' is not a number"},
		{"port = +1\n", "t.conf:1: port: '+1' is not a number"},
		{"port = 12x\n", "t.conf:1: port: '12x' is not a number"},
		{"port = 0x10\n", "t.conf:1: port: '0x10' is not a number"},
		{"port = auto\n", "t.conf:1: port: 'auto' is not a number"},
		{"admin_port = automatic\n",
		 "t.conf:1: admin_port: 'automatic' is neither a port number nor auto"},
		{"admin_listen = localhost\n",
		 "t.conf:1: admin_listen: 'localhost' is not a numeric IPv4 or IPv6 address"},
		{"port = 65536\n", "t.conf:1: port: 65536 is out of range (0 to 65535)"},
		{"lease_seconds = 0\n", "t.conf:1: lease_seconds: 0 is out of range (1 to 3600)"},
		{"max_back_ops = 1\n", "t.conf:1: max_back_ops: 1 is out of range (2 to 64)"},
		{"reply_cache_bytes = 99999999999999999999\n",
		 "t.conf:1: reply_cache_bytes: 99999999999999999999 is out of range "
		 "(65536 to 1099511627776)"},
		{"max_connections = 4294967296\n",
		 "t.conf:1: max_connections: 4294967296 is out of range (1 to 65536)"},
		{"log_level = loud\n",
		 "t.conf:1: log_level: 'loud' is not a log level (error, warn, info or debug)"},
		{"log_level = DEBUG\n",
		 "t.conf:1: log_level: 'DEBUG' is not a log level (error, warn, info or debug)"},
		{"test_hooks = maybe\n",
		 "t.conf:1: test_hooks: 'maybe' is not a boolean (true or false)"},
		{"listen = localhost\n",
		 "t.conf:1: listen: 'localhost' is not a numeric IPv4 or IPv6 address"},
		{"\n\n\nlisten = 1.2.3\n",
		 "t.conf:4: listen: '1.2.3' is not a numeric IPv4 or IPv6 address"},
	};
	struct refd_config c;
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = read_text(&c, cases[i].text, err, sizeof(err));
		CHECK(rc == -1 && strcmp(err, cases[i].want) == 0,
		      "case %zu: rc %d, got '%s', want '%s'", i, rc, err, cases[i].want);
	}
}

static void test_long_path(void)
{
	char text[600], want[128], err[512];
	struct refd_config c;

	memcpy(text, "admin_token_file = ", 19);
	memset(text + 19, 'a', 256);
	text[19 + 256] = '\0';
	snprintf(want, sizeof(want), "t.conf:1: admin_token_file: value longer than 255 bytes");
	CHECK(read_text(&c, text, err, sizeof(err)) == -1 && strcmp(err, want) == 0, "got '%s'",
	      err);
	text[19 + 255] = '\0';
	CHECK(read_text(&c, text, err, sizeof(err)) == 0 && strlen(c.admin_token_file) == 255,
	      "255 bytes fit: %s", err);
}

static void test_load_file(void)
{
	struct refd_config c;
	char path[64], err[512], want[128];

	refd_config_defaults(&c);
	CHECK(refd_config_load(&c, "/nonexistent/refd.conf", err, sizeof(err)) == -1 &&
		      strcmp(err, "/nonexistent/refd.conf: cannot open: No such file or directory") ==
			      0,
	      "got '%s'", err);
	if (!CHECK(test_write_temp("refd-conf", "port = 1234\nmax_ops = 1\n", path), "temp"))
		return;
	snprintf(want, sizeof(want), "%s:2: max_ops: 1 is out of range (2 to 1024)", path);
	CHECK(refd_config_load(&c, path, err, sizeof(err)) == -1 && strcmp(err, want) == 0,
	      "got '%s'", err);
	CHECK(c.port == 1234, "lines before the error stay applied: %u", c.port);
	unlink(path);
}

static void test_validate(void)
{
	static const struct bad_case cases[] = {
		{"max_response_size = 2000\nmax_response_size_cached = 3000\n",
		 "max_response_size_cached (3000) exceeds max_response_size (2000)"},
		{"max_record_size = 4096\n", "max_request_size (1048576) exceeds max_record_size (4096)"},
		{"max_record_size = 4096\nmax_request_size = 4096\n",
		 "max_response_size (1048576) exceeds max_record_size (4096)"},
		{"port = 3000\nadmin_port = 3000\n", "admin_port (3000) equals port"},
	};
	struct refd_config c;
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(read_text(&c, cases[i].text, err, sizeof(err)) == 0, "case %zu: %s", i, err);
		CHECK(refd_config_validate(&c, err, sizeof(err)) == -1 &&
			      strcmp(err, cases[i].want) == 0,
		      "case %zu: got '%s', want '%s'", i, err, cases[i].want);
	}
}

/* Run the flag parser over the defaults; argv[0] is supplied. */
static int run_args(struct refd_config *c, struct refd_args *a, char *err, size_t n,
		    char *const *args)
{
	char *argv[16] = {"nfs41refd"};
	int argc = 1;

	while (args[argc - 1] && argc < 15) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	refd_config_defaults(c);
	err[0] = '\0';
	return refd_config_from_args(c, argc, argv, a, err, n);
}

static void test_flags_override(void)
{
	struct refd_config c;
	struct refd_args a;
	char path[64], err[512];

	if (!CHECK(test_write_temp("refd-conf", "port = 1000\nlease_seconds = 5\nmax_ops = 9\n",
				   path),
		   "temp"))
		return;
	{
		char *args[] = {"--port", "3000",        "--set",   "lease_seconds=7",
				      "--config", path,        "--listen=::1", "--admin-port=0",
				      "--lease", "8",          "--print-config", NULL};
		CHECK(run_args(&c, &a, err, sizeof(err), args) == 0, "args: %s", err);
	}
	CHECK(c.port == 3000, "--port overrides the file: %u", c.port);
	CHECK(c.lease_seconds == 8, "the last of --set and --lease wins: %u", c.lease_seconds);
	CHECK(c.max_ops == 9, "the file applies: %u", c.max_ops);
	CHECK(strcmp(c.listen, "::1") == 0, "--listen=: %s", c.listen);
	CHECK(a.print_config && !a.help && a.config_path && strcmp(a.config_path, path) == 0,
	      "args");
	{
		char *args[] = {"--admin-port", "auto", "--set", "admin_listen=::1", NULL};
		CHECK(run_args(&c, &a, err, sizeof(err), args) == 0, "args: %s", err);
		CHECK(c.admin_port == REFD_PORT_AUTO, "--admin-port auto: %u", c.admin_port);
		CHECK(strcmp(c.admin_listen, "::1") == 0, "admin_listen: %s", c.admin_listen);
	}
	{
		char *args[] = {"--config=" "/nonexistent/x", NULL};
		CHECK(run_args(&c, &a, err, sizeof(err), args) == -1 &&
			      strcmp(err, "/nonexistent/x: cannot open: No such file or directory") == 0,
		      "got '%s'", err);
	}
	unlink(path);
}

static void test_flag_errors(void)
{
	static const struct {
		char *args[4];
		const char *want;
	} cases[] = {
		{{"--port", NULL}, "--port: missing value"},
		{{"--port", "x", NULL}, "--port: 'x' is not a number"},
		{{"--lease=0", NULL}, "--lease: 0 is out of range (1 to 3600)"},
		{{"--listen", "example.org", NULL},
		 "--listen: 'example.org' is not a numeric IPv4 or IPv6 address"},
		{{"--set", "lease_seconds", NULL}, "--set: expected key=value, got 'lease_seconds'"},
		{{"--set", "=5", NULL}, "--set: expected key=value, got '=5'"},
		{{"--set", NULL}, "--set: missing value"},
		{{"--set=nope=1", NULL}, "--set: unknown key 'nope'"},
		{{"--set", "max_ops=4096", NULL}, "--set: max_ops: 4096 is out of range (2 to 1024)"},
		{{"--config", NULL}, "--config: missing value"},
		{{"--bogus", NULL}, "unknown option '--bogus'"},
		{{"--portx=1", NULL}, "unknown option '--portx=1'"},
		{{"extra", NULL}, "unexpected argument 'extra'"},
		{{"--set", "max_record_size=2048", NULL},
		 "max_request_size (1048576) exceeds max_record_size (2048)"},
	};
	struct refd_config c;
	struct refd_args a;
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = run_args(&c, &a, err, sizeof(err), cases[i].args);
		CHECK(rc == -1 && strcmp(err, cases[i].want) == 0,
		      "case %zu: rc %d, got '%s', want '%s'", i, rc, err, cases[i].want);
	}
	{
		char *args[] = {"--set", "--config", "--help", NULL};
		CHECK(run_args(&c, &a, err, sizeof(err), args) == -1 &&
			      strcmp(err, "--set: expected key=value, got '--config'") == 0,
		      "a flag's value is not a flag: '%s'", err);
	}
}

/* print -> read gives back the same config, for the defaults and for changed values. */
static void check_round_trip(const struct refd_config *c, const char *what)
{
	struct refd_config back;
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!CHECK(f != NULL, "open_memstream"))
		return;
	refd_config_print(f, c);
	fclose(f);
	CHECK(read_text(&back, text, err, sizeof(err)) == 0, "%s: reread: %s\n%s", what, err, text);
	CHECK(config_equal(c, &back), "%s: round trip differs:\n%s", what, text);
	free(text);
}

static void test_round_trip(void)
{
	static const char *const sets[][2] = {
		{"listen", "fe80::1"}, {"port", "0"}, {"admin_port", "8080"},
		{"lease_seconds", "1"}, {"max_back_slots", "1"}, {"reply_cache_bytes", "65536"},
		{"log_level", "error"}, {"admin_token_file", "/tmp/a b#c"}, {"test_hooks", "on"},
		{"max_record_fragments", "1000000"}, {"unconfirmed_timeout_seconds", "86400"},
	};
	struct refd_config c;
	char err[256];

	refd_config_defaults(&c);
	check_round_trip(&c, "defaults");
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		CHECK(refd_config_set(&c, sets[i][0], sets[i][1], err, sizeof(err)) == 0, "%s: %s",
		      sets[i][0], err);
	check_round_trip(&c, "changed");
}

static void test_print_format(void)
{
	struct refd_config c;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!CHECK(f != NULL, "open_memstream"))
		return;
	refd_config_defaults(&c);
	refd_config_print(f, &c);
	fclose(f);
	CHECK(strstr(text, "\nport = 2049\n") != NULL, "port line:\n%s", text);
	CHECK(strstr(text, "\nlisten = 127.0.0.1\n") != NULL, "listen line");
	CHECK(strstr(text, "\nlog_level = info\n") != NULL, "log level line");
	CHECK(strstr(text, "\ntest_hooks = false\n") != NULL, "bool line");
	CHECK(strstr(text, "\nadmin_token_file = \n") != NULL, "empty path line");
	free(text);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"defaults", test_defaults},
		{"file", test_file},
		{"file errors", test_file_errors},
		{"long path", test_long_path},
		{"load file", test_load_file},
		{"cross-key validation", test_validate},
		{"flags override the file", test_flags_override},
		{"flag errors", test_flag_errors},
		{"print -> read round trip", test_round_trip},
		{"print format", test_print_format},
		{NULL, NULL},
	};

	tests_add_suite("config", tests);
}
