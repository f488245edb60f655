/* replay_cli.c - `nfs41check pcap replay`: options, baseline, reports, exit status (see
 * pcap_cli.h and replay.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "conn.h"
#include "pcap_cli.h"
#include "replay.h"
#include "reports.h"
#include "runner.h"

#define EXIT_DIFFERENCES 1
#define EXIT_UNREADABLE 2

static const char replay_usage[] =
	"usage: nfs41check pcap replay FILE --target HOST:PORT [--baseline F] [--timeout S] [--gaps S]\n"
	"           [--mask FIELD]... [--unmask FIELD]... [--keep-owners] [--seed N] [--port P]\n"
	"           [--junit F] [--json F] [--tap F] [--report-dir DIR] [-v | -q]\n"
	"\n"
	"Sends every NFS call of the capture to the live server, each captured TCP connection\n"
	"over a fresh connection of its own, in the order the capture completed them, and\n"
	"compares each live reply with the captured one field by field. The client's connection\n"
	"closes are replayed too.\n"
	"\n"
	"Remapped (captured -> live, learned from the replies): client ids, csa_sequence (relative\n"
	"to eir_sequenceid), session ids, slot seqids (rebased when the capture starts inside a\n"
	"session: the replay makes its own client and session first), filehandles (GETFH ->\n"
	"PUTFH), stateids of OPEN/LOCK results in CLOSE/READ/WRITE/SETATTR/LOCK/LOCKU/\n"
	"DELEGRETURN/OPEN_DOWNGRADE/FREE_STATEID, client owners (made unique to the run, same\n"
	"length; --keep-owners sends them as captured). A captured retransmission is sent as\n"
	"one (same xid, same bytes); other calls get fresh xids.\n"
	"\n"
	"  --target HOST:PORT  the live server\n"
	"  --baseline F        known differences (the engine's baseline format; case ids are\n"
	"                      <capture name>-f<frame of the call>)\n"
	"  --timeout S         seconds to wait for each live reply (default 5)\n"
	"  --gaps S|off        keep the capture's pauses of S seconds or more (default 0.5; each\n"
	"                      at most 120 s), so leases expire where they expired; off: none\n"
	"  --max-pause S       at most S seconds of pauses in all (default 600)\n"
	"  --mask FIELD        do not compare FIELD (a field's last name, or a prefix ending in\n"
	"                      '*'); --unmask FIELD compares a field masked by default\n"
	"  --seed N            makes the run's owners and xids reproducible (default: the clock)\n"
	"  --port P            the NFS port in the capture (default 2049)\n"
	"  --junit F, --json F, --tap F   reports; --report-dir DIR writes all three there\n"
	"  -v                  a line for every compared reply, not only for differences\n"
	"  -q                  only the summary\n"
	"\n"
	"Compared: RPC reply and accept status, COMPOUND status, tag, result count, every op's\n"
	"number and status, and the op results' protocol fields (echoes of the call are compared\n"
	"as echoes). Masked by default (shown, not compared):\n  ";

static const char replay_usage_tail[] =
	"\nExit status: 0 every reply agreed (or differed as the baseline expects), 1 differences,\n"
	"2 the capture cannot be read, the target cannot be reached or the baseline does not load,\n"
	"64 usage.\n";

struct replay_cli {
	struct replay_opts o;
	const char *target, *baseline, *junit, *json, *tap, *report_dir;
	char host[256];
	bool quiet;
};

static int print_help(void)
{
	struct diff_mask m;

	diff_mask_default(&m);
	fputs(replay_usage, stdout);
	diff_mask_print(stdout, &m);
	fputs(replay_usage_tail, stdout);
	return 0;
}

static int parse_option(struct replay_cli *c, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 't': c->target = arg; return 0;
	case 'b': c->baseline = arg; return 0;
	case 'k': c->o.keep_owners = true; return 0;
	case 'v': c->o.verbose = true; return 0;
	case 'q': c->quiet = true; return 0;
	case 'J': c->junit = arg; return 0;
	case 'j': c->json = arg; return 0;
	case 'T': c->tap = arg; return 0;
	case 'd': c->report_dir = arg; return 0;
	case 'm':
	case 'u':
		if (diff_mask_set(&c->o.mask, arg, opt == 'u') != 0)
			return cli_usage_error("pcap", "too many --mask entries");
		return 0;
	case 'w':
		c->o.reply_timeout = strtod(arg, &end);
		if (*end || c->o.reply_timeout <= 0 || c->o.reply_timeout > 600)
			return cli_usage_error("pcap", "--timeout takes seconds (0 < S <= 600), not '%s'", arg);
		return 0;
	case 'g':
		if (strcmp(arg, "off") == 0) {
			c->o.gap_min = -1;
			return 0;
		}
		c->o.gap_min = strtod(arg, &end);
		if (*end || !*arg || c->o.gap_min < 0)
			return cli_usage_error("pcap", "--gaps takes seconds or 'off', not '%s'", arg);
		return 0;
	case 'P':
		c->o.max_pause = strtod(arg, &end);
		if (*end || !*arg || c->o.max_pause < 0)
			return cli_usage_error("pcap", "--max-pause takes seconds, not '%s'", arg);
		return 0;
	case 's':
		c->o.nonce = strtoull(arg, &end, 0);
		if (*end || !*arg)
			return cli_usage_error("pcap", "--seed takes a number, not '%s'", arg);
		return 0;
	case 'p':
		if (pcap_parse_port(arg, &c->o.read.port) != 0)
			return cli_usage_error("pcap", "--port takes a port number 1..65535, not '%s'", arg);
		return 0;
	default:
		return cli_usage_error("pcap", "bad option (see nfs41check pcap replay --help)");
	}
}

static int parse_args(struct replay_cli *c, int argc, char **argv, const char **file)
{
	static const struct option longopts[] = {
		{"target", 1, NULL, 't'},   {"baseline", 1, NULL, 'b'}, {"timeout", 1, NULL, 'w'},
		{"gaps", 1, NULL, 'g'},     {"max-pause", 1, NULL, 'P'},
		{"mask", 1, NULL, 'm'},     {"unmask", 1, NULL, 'u'},   {"keep-owners", 0, NULL, 'k'},
		{"seed", 1, NULL, 's'},     {"port", 1, NULL, 'p'},     {"junit", 1, NULL, 'J'},
		{"json", 1, NULL, 'j'},     {"tap", 1, NULL, 'T'},      {"report-dir", 1, NULL, 'd'},
		{"verbose", 0, NULL, 'v'},  {"quiet", 0, NULL, 'q'},    {"help", 0, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	char err[300];
	int opt;

	diff_mask_default(&c->o.mask);
	c->o.gap_min = 0.5;
	c->o.max_pause = 600;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "hvq", longopts, NULL)) != -1) {
		if (opt == 'h')
			return print_help() - 1; /* -1: stop, exit 0 */
		int rc = parse_option(c, opt, optarg);

		if (rc != 0)
			return rc;
	}
	if (optind != argc - 1)
		return cli_usage_error("pcap", "replay takes one capture file");
	if (!c->target)
		return cli_usage_error("pcap", "replay needs --target HOST:PORT");
	if (conn_parse_target(c->target, c->host, sizeof(c->host), &c->o.port, err, sizeof(err)) != 0)
		return cli_usage_error("pcap", "%s", err);
	*file = argv[optind];
	c->o.host = c->host;
	if (!c->o.nonce)
		c->o.nonce = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	c->o.out = c->quiet ? NULL : stdout;
	return 0;
}

/* Apply the baseline to every case; warn about entries no case matched. */
static int apply_baseline(const char *path, struct run_result *r)
{
	struct baseline *b;
	char err[512];
	const char **ran = calloc(r->ncases ? r->ncases : 1, sizeof(*ran));
	const struct baseline_entry *stale[8];
	size_t nstale;

	if (!ran || baseline_load(path, &b, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check pcap replay: %s\n", ran ? err : "out of memory");
		free(ran);
		return -1;
	}
	r->baseline = strdup(path);
	for (size_t i = 0; i < r->ncases; i++) {
		struct case_result *c = &r->cases[i];
		const char *reason = NULL;

		ran[i] = c->id;
		c->verdict = baseline_apply(b, c->id, c->raw_verdict, &reason);
		if (reason) {
			free(c->reason);
			c->reason = strdup(reason);
		}
	}
	nstale = baseline_unused(b, ran, r->ncases, stale, 8);
	for (size_t i = 0; i < nstale && i < 8; i++)
		fprintf(stderr, "%s:%u: %s: no such message in this capture (stale entry?)\n", path,
			stale[i]->line, stale[i]->case_id);
	free(ran);
	baseline_free(b);
	return 0;
}

static int write_one(const struct run_result *r, const char *path,
		     int (*write)(const struct run_result *, const char *, char *, size_t))
{
	char err[512];

	if (!path || write(r, path, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "nfs41check pcap replay: %s: %s\n", path, err);
	return -1;
}

static int write_reports(const struct replay_cli *c, const struct run_result *r)
{
	char junit[4096], json[4096], tap[4096];
	int rc = write_one(r, c->junit, report_write_junit) | write_one(r, c->json, report_write_json) |
		 write_one(r, c->tap, report_write_tap);

	if (!c->report_dir)
		return rc;
	if (mkdir_p(c->report_dir) != 0) {
		fprintf(stderr, "nfs41check pcap replay: --report-dir %s: %s\n", c->report_dir,
			strerror(errno));
		return -1;
	}
	snprintf(junit, sizeof(junit), "%s/junit.xml", c->report_dir);
	snprintf(json, sizeof(json), "%s/results.json", c->report_dir);
	snprintf(tap, sizeof(tap), "%s/results.tap", c->report_dir);
	rc |= write_one(r, junit, report_write_junit) | write_one(r, json, report_write_json) |
	      write_one(r, tap, report_write_tap);
	printf("reports: %s/{junit.xml,results.json,results.tap}\n", c->report_dir);
	return rc;
}

static void print_stats(const struct replay_stats *st, double elapsed)
{
	printf("replayed %lu of %lu calls over %lu connections in %.2f s (%lu as retransmissions, "
	       "%lu sent as captured, %lu ids remapped",
	       st->sent, st->calls, st->connections, elapsed, st->retransmissions, st->raw_sent,
	       st->rewritten);
	if (st->paused > 0)
		printf(", %.1f s in captured pauses", st->paused);
	if (st->pauses_cut)
		printf(" (%lu cut by --max-pause)", st->pauses_cut);
	if (st->own_sessions || st->own_clients)
		printf(", %lu sessions and %lu clients of its own", st->own_sessions, st->own_clients);
	printf(")\n%lu replies compared: %lu agree, %lu differ (%lu without a live reply); "
	       "%lu calls have no captured reply",
	       st->compared, st->agreed, st->differed, st->unanswered, st->no_captured_reply);
	if (st->callbacks)
		printf("; %lu callbacks from the server looked for", st->callbacks);
	putchar('\n');
}

int pcap_replay_cmd(int argc, char **argv)
{
	struct replay_cli c = {0};
	struct replay_stats st;
	struct run_result r;
	struct verdict_totals t;
	const char *file = NULL;
	char err[512];
	int rc = parse_args(&c, argc, argv, &file);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (pcap_replay_file(file, &c.o, &r, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check pcap replay: %s\n", err);
		return EXIT_UNREADABLE;
	}
	if (st.calls == 0) {
		fprintf(stderr, "nfs41check pcap replay: %s: no NFS calls to port %u in this capture "
			"(another port: --port P)\n", file, c.o.read.port ? c.o.read.port : 2049u);
		run_result_free(&r);
		return EXIT_UNREADABLE;
	}
	if (!st.sent) {
		fprintf(stderr, "nfs41check pcap replay: nothing could be sent to %s (%s)\n", c.target,
			r.ncases && r.cases[0].reason ? r.cases[0].reason : "connection refused?");
		run_result_free(&r);
		return EXIT_UNREADABLE;
	}
	if (c.baseline && apply_baseline(c.baseline, &r) != 0) {
		run_result_free(&r);
		return EXIT_UNREADABLE;
	}
	print_stats(&st, r.elapsed);
	report_print_summary(stdout, &r, isatty(STDOUT_FILENO));
	rc = write_reports(&c, &r) != 0 ? EXIT_UNREADABLE : 0;
	run_result_totals(&r, &t);
	run_result_free(&r);
	return rc ? rc : t.failed ? EXIT_DIFFERENCES : 0;
}
