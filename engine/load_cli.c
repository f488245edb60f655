/*
 * load_cli.c - `nfs41check load`: options, the progress line, the summary with
 * its latency histogram, and the JSON result (schema in docs/load.md).
 * Exit status: 0 every reply good, 1 bad replies, 2 could not run, 64 usage, 130 interrupted.
 */
#include "load_cli.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "load.h"

#define CMD "load"

static const char load_usage[] =
	"usage: nfs41check load --target HOST:PORT [options]\n"
	"\n"
	"Pipelined load on an NFSv4.1 server: one session per connection, every slot kept\n"
	"busy with one compound of the mix, every reply checked (RPC accepted, COMPOUND and\n"
	"SEQUENCE NFS4_OK for our session, slot and seqid). Prints compounds/s and the latency\n"
	"histogram. Loopback targets only; bounded by --duration and --max-compounds.\n"
	"\n"
	"  --target HOST:PORT   the server: 127.0.0.0/8, ::1 or localhost\n"
	"  --connections N      connections, one client and session each (default 1, 1..256)\n"
	"  --slots M            slots in flight per session (default 8, 1..1024; the server\n"
	"                       may grant fewer: the summary says how many)\n"
	"  --duration S         seconds of load (default 5, at most 3600)\n"
	"  --max-compounds K    stop issuing after K calls (default: no limit)\n"
	"  --mix MIX            sequence    SEQUENCE alone\n"
	"                       getattr     SEQUENCE, PUTROOTFH, GETATTR (default)\n"
	"                       cachethis   the same with sa_cachethis (every reply cached)\n"
	"                       replay      cachethis, each call sent again on its slot with\n"
	"                                   the same seqid: the retry must get the same reply\n"
	"                                   (RFC 8881 s2.10.6.1.1); both count\n"
	"  --json FILE          write the result as JSON (- for stdout)\n"
	"  --reply-timeout S    a call unanswered this long ends the run as an error (default 10)\n"
	"  --raw                the target only echoes records (bench/bench_echo): no session,\n"
	"                       replies matched by xid; the transport floor for comparisons\n"
	"  --hold-sessions N    instead of a load: open N sessions of --slots slots one after\n"
	"                       another, fill every slot's reply cache (cachethis) and leave them\n"
	"                       open, so the server's memory can be read (at most 1,000,000)\n"
	"  --quiet              no progress line\n"
	"\n"
	"exit status: 0 every reply good, 1 bad or missing replies, 2 could not run,\n"
	"64 usage, 130 interrupted.\n";

struct load_cli {
	const char *target, *json;
	char host[256];
	unsigned hold;
	bool quiet;
	struct load_opts o;
};

static volatile sig_atomic_t load_stop;

static void on_sigint(int sig)
{
	(void)sig;
	load_stop = 1;
}

enum { O_CONNS = 256, O_SLOTS, O_DURATION, O_MAXC, O_MIX, O_JSON, O_RT, O_RAW, O_HOLD, O_QUIET,
       O_HELP };

static int option(struct load_cli *c, int ch, const char *arg)
{
	unsigned long long v = 0;
	int rc = 0;

	switch (ch) {
	case 't': c->target = arg; break;
	case O_CONNS: rc = cli_number(CMD, "--connections", arg, 1, LOAD_MAX_CONNECTIONS, &v); c->o.connections = (unsigned)v; break;
	case O_SLOTS: rc = cli_number(CMD, "--slots", arg, 1, LOAD_MAX_SLOTS, &v); c->o.slots = (unsigned)v; break;
	case O_DURATION: rc = cli_seconds(CMD, "--duration", arg, 3600, &c->o.duration); break;
	case O_MAXC: rc = cli_number(CMD, "--max-compounds", arg, 1, UINT64_MAX, &v); c->o.max_compounds = v; break;
	case O_MIX:
		c->o.mix = load_mix_parse(arg);
		if (c->o.mix == LOAD_NMIXES)
			rc = cli_usage_error(CMD, "--mix is sequence, getattr, cachethis or replay, not '%s'", arg);
		break;
	case O_JSON: c->json = arg; break;
	case O_RT: rc = cli_seconds(CMD, "--reply-timeout", arg, 600, &c->o.reply_timeout); break;
	case O_RAW: c->o.raw = true; break;
	case O_HOLD: rc = cli_number(CMD, "--hold-sessions", arg, 1, 1000000, &v); c->hold = (unsigned)v; break;
	case O_QUIET: c->quiet = true; break;
	default: rc = CLI_EXIT_USAGE;
	}
	return rc;
}

static int parse(struct load_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", required_argument, NULL, 't'}, {"connections", required_argument, NULL, O_CONNS},
		{"slots", required_argument, NULL, O_SLOTS}, {"duration", required_argument, NULL, O_DURATION},
		{"max-compounds", required_argument, NULL, O_MAXC}, {"mix", required_argument, NULL, O_MIX},
		{"json", required_argument, NULL, O_JSON}, {"reply-timeout", required_argument, NULL, O_RT},
		{"raw", no_argument, NULL, O_RAW}, {"hold-sessions", required_argument, NULL, O_HOLD},
		{"quiet", no_argument, NULL, O_QUIET}, {"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0}};
	char err[256];
	int ch;

	c->o = (struct load_opts){.connections = 1, .slots = 8, .duration = 5, .mix = LOAD_MIX_GETATTR};
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		int rc;

		if (ch == O_HELP) {
			fputs(load_usage, stdout);
			return -1;
		}
		if (ch == '?' || ch == ':')
			return cli_usage_error(CMD, "%s '%s'", ch == ':' ? "missing value for" : "unknown option",
					       argv[optind - 1]);
		if ((rc = option(c, ch, optarg)) != 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!c->target)
		return cli_usage_error(CMD, "--target HOST:PORT is required");
	if (conn_parse_target(c->target, c->host, sizeof(c->host), &c->o.port, err, sizeof(err)) != 0)
		return cli_usage_error(CMD, "--target %s: %s", c->target, err);
	if (!cli_host_is_loopback(c->host))
		return cli_usage_error(CMD, "--target %s is not a loopback address: load is for servers on this machine", c->target);
	if (c->hold && c->o.raw)
		return cli_usage_error(CMD, "--hold-sessions needs a real server, not --raw");
	c->o.host = c->host;
	return 0;
}

static void progress(void *ctx, double elapsed, uint64_t done, uint64_t errors)
{
	const struct load_cli *c = ctx;

	if (c->hold)
		fprintf(stderr, "\r  %.0f s: %llu of %u sessions held", elapsed, (unsigned long long)done, c->hold);
	else
		fprintf(stderr, "\r  %.0f/%.0f s: %llu compounds (%.0f/s), %llu errors ", elapsed,
			c->o.duration, (unsigned long long)done, elapsed > 0 ? (double)done / elapsed : 0,
			(unsigned long long)errors);
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* One bar per octave of latency that holds samples (buckets joined by powers of two). */
static void print_histogram(FILE *out, const struct latency_hist *h)
{
	for (size_t oct = 0; oct < LATENCY_OCTAVES; oct++) {
		uint64_t n = 0;

		for (size_t b = oct * LATENCY_SUB; b < (oct + 1) * LATENCY_SUB; b++)
			n += h->count[b];
		if (n == 0)
			continue;
		fprintf(out, "    <= %9.3f ms %6.2f%% ", ms(latency_hist_bucket_upper((oct + 1) * LATENCY_SUB - 1)),
			100.0 * (double)n / (double)h->n);
		for (int k = 0; k < (int)(50.0 * (double)n / (double)h->n + 0.5); k++)
			fputc('#', out);
		fputc('\n', out);
	}
}

static void print_summary(const struct load_cli *c, const struct load_result *r)
{
	const struct latency_hist *h = &r->hist;

	printf("nfs41check load: %s, mix %s%s, %u connection%s x %u slots (%u granted), %.2f s\n",
	       c->target, load_mix_name(c->o.mix), c->o.raw ? " (raw echo)" : "", c->o.connections,
	       c->o.connections == 1 ? "" : "s", c->o.slots, r->slots_granted, r->elapsed);
	printf("  compounds   %llu (%.0f/s), errors %llu\n", (unsigned long long)r->compounds,
	       r->elapsed > 0 ? (double)r->compounds / r->elapsed : 0, (unsigned long long)r->errors);
	if (r->errors)
		printf("  first error %s\n", r->first_error);
	if (h->n == 0)
		return;
	printf("  latency ms  min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f\n",
	       ms(h->min_ns), ms(latency_hist_quantile(h, 0.5)), ms(latency_hist_quantile(h, 0.9)),
	       ms(latency_hist_quantile(h, 0.99)), ms(latency_hist_quantile(h, 0.999)), ms(h->max_ns),
	       h->sum_ns / (double)h->n / 1e6);
	printf("  call %u bytes, reply %u bytes\n", r->call_bytes, r->reply_bytes);
	print_histogram(stdout, h);
}

static json_t *latency_json(const struct latency_hist *h)
{
	return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "min", ms(h->min_ns), "mean",
			 h->n ? h->sum_ns / (double)h->n / 1e6 : 0.0, "p50", ms(latency_hist_quantile(h, 0.5)),
			 "p90", ms(latency_hist_quantile(h, 0.9)), "p99", ms(latency_hist_quantile(h, 0.99)),
			 "p999", ms(latency_hist_quantile(h, 0.999)), "max", ms(h->max_ns));
}

static json_t *histogram_json(const struct latency_hist *h)
{
	json_t *a = json_array();

	for (size_t b = 0; b < LATENCY_BUCKETS; b++)
		if (h->count[b])
			json_array_append_new(a, json_pack("{s:f,s:I}", "le_ms", ms(latency_hist_bucket_upper(b)),
							   "count", (json_int_t)h->count[b]));
	return a;
}

static json_t *result_json(const struct load_cli *c, const struct load_result *r)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:f,s:I,s:f,s:I,s:I,s:I}", "tool",
			      "nfs41check load", "target", c->target, "mix", load_mix_name(c->o.mix), "raw",
			      c->o.raw, "connections", (json_int_t)c->o.connections, "slots",
			      (json_int_t)c->o.slots, "slots_granted", (json_int_t)r->slots_granted,
			      "duration_s", r->elapsed, "compounds", (json_int_t)r->compounds,
			      "compounds_per_s", r->elapsed > 0 ? (double)r->compounds / r->elapsed : 0.0,
			      "errors", (json_int_t)r->errors, "call_bytes", (json_int_t)r->call_bytes,
			      "reply_bytes", (json_int_t)r->reply_bytes);

	if (!o)
		return NULL;
	if (r->errors)
		json_object_set_new(o, "first_error", json_string(r->first_error));
	json_object_set_new(o, "latency_ms", latency_json(&r->hist));
	json_object_set_new(o, "histogram", histogram_json(&r->hist));
	return o;
}

static json_t *hold_json(const struct load_cli *c, const struct load_result *r)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:f}", "tool", "nfs41check load", "mode",
			 "hold-sessions", "target", c->target, "sessions", (json_int_t)c->hold, "slots",
			 (json_int_t)c->o.slots, "slots_granted", (json_int_t)r->slots_granted,
			 "compounds", (json_int_t)r->compounds, "seconds", r->elapsed);
}

static int write_json(const char *path, json_t *o)
{
	int rc = -1;

	if (!o)
		fprintf(stderr, "nfs41check load: cannot build the JSON result\n");
	else if (!strcmp(path, "-"))
		rc = json_dumpf(o, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF ? 0 : -1;
	else if ((rc = json_dump_file(o, path, JSON_INDENT(2))) != 0)
		fprintf(stderr, "nfs41check load: cannot write %s\n", path);
	json_decref(o);
	return rc;
}

static int run_hold(struct load_cli *c, char *err, size_t errlen)
{
	struct load_result r;
	int rc;

	c->o.connections = c->hold;
	rc = load_hold_sessions(&c->o, &r, err, errlen);
	if (!c->quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (rc != 0)
		return 2;
	printf("nfs41check load: %u sessions of %u slots (%u granted) held on %s, %llu cached replies, %.1f s\n",
	       c->hold, c->o.slots, r.slots_granted, c->target, (unsigned long long)r.compounds, r.elapsed);
	return c->json && write_json(c->json, hold_json(c, &r)) != 0 ? 2 : 0;
}

int load_cli_main(int argc, char **argv)
{
	struct load_cli c = {0};
	struct load_result r;
	char err[512] = "";
	int rc = parse(&c, argc, argv);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	signal(SIGINT, on_sigint);
	signal(SIGPIPE, SIG_IGN);
	c.o.stop = &load_stop;
	if (!c.quiet && isatty(STDERR_FILENO)) {
		c.o.progress = progress;
		c.o.progress_ctx = &c;
	}
	if (c.hold)
		rc = run_hold(&c, err, sizeof(err));
	else if (load_run(&c.o, &r, err, sizeof(err)) != 0)
		rc = 2;
	else {
		if (c.o.progress)
			fputc('\n', stderr);
		print_summary(&c, &r);
		rc = c.json && write_json(c.json, result_json(&c, &r)) != 0 ? 2 : r.errors ? 1 : 0;
	}
	if (rc == 2 && err[0])
		fprintf(stderr, "nfs41check load: %s\n", err);
	return load_stop ? 130 : rc;
}
