/*
 * main.c - the nfs41check command line: run, list, check, show, coverage, ping (and fuzz,
 * pcap: their own options, in livefuzz_cli.c and pcap/pcap_cli.c).
 *
 * Only this file prints for the engine; the libraries return errors.
 * Exit codes: 0 nothing worse than the baseline; 1 conformance failures
 * (FAIL or XPASS); 2 harness errors only (ERROR: refused, timeouts,
 * undecodable replies); 3 both; 64 bad usage or broken case files;
 * 130 interrupted.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin_client.h"
#include "case_parse.h"
#include "cli.h"
#include "conn.h"
#include "coverage.h"
#include "livefuzz.h"
#include "load_cli.h"
#include "pcap_cli.h"
#include "reports.h"
#include "reqindex.h"
#include "runner.h"
#include "waivers.h"
#include "wire.h"

#define EXIT_FAILURES 1
#define EXIT_ERRORS 2
#define EXIT_USAGE 64
#define EXIT_INTERRUPTED 130
#define MAX_LIST 64

static volatile sig_atomic_t stop_requested;

static void on_sigint(int sig)
{
	(void)sig;
	if (stop_requested) /* a second Ctrl-C: leave now */
		_exit(EXIT_INTERRUPTED);
	stop_requested = 1;
}

static const char usage_text[] =
	"usage: nfs41check COMMAND [options] [CASES...]\n"
	"\n"
	"NFSv4.1 session-lifecycle conformance checks (RFC 8881) against any server.\n"
	"CASES are case files or folders of them (default: the cases/ folder of the source tree).\n"
	"\n"
	"commands:\n"
	"  run --target HOST:PORT [CASES]   run the cases, print a summary, write reports\n"
	"  list [CASES]                      one line per selected case\n"
	"  check [CASES]                     parse every case file; report file:line:col errors\n"
	"  show CASE                         the compiled steps of one case (file or id)\n"
	"  coverage [CASES]                  requirement ids -> cases or waivers; uncovered ids\n"
	"  ping --target HOST:PORT           send an RPC NULL call and wait for the reply\n"
	"  fuzz --target HOST:PORT           grammar-aware fuzzing of a live server (fuzz --help)\n"
	"  load --target HOST:PORT           pipelined load: compounds/s and latency (load --help)\n"
	"  pcap decode FILE                  decode a capture's NFSv4.1 traffic (pcap --help)\n"
	"  pcap replay FILE --target H:P     replay it against a server, ids remapped; diff replies\n"
	"  pcap to-case FILE                 turn it into a case file\n"
	"  pcap extract FILE --corpus DIR    its calls as fuzz seeds\n"
	"  version                           print the version\n"
	"\n"
	"selection (run, list, coverage):\n"
	"  --tag T          cases tagged T (or in folder T); repeatable: any of them\n"
	"  --filter GLOB    cases whose id, title, file or a requirement id matches GLOB\n"
	"  --shard I/N      the I-th of N deterministic slices (for CI matrices)\n"
	"\n"
	"run:\n"
	"  --target HOST:PORT   the server (required)\n"
	"  --jobs N             cases in parallel (default 1)\n"
	"  --baseline FILE      expected failures of this server (XFAIL/XPASS)\n"
	"  --report-dir DIR     write junit.xml, results.json, results.tap, coverage.json,\n"
	"                       coverage.md and report.html into DIR\n"
	"  --junit F, --json F, --tap F, --html F   single reports\n"
	"  --record-pcap DIR    each case's traffic as DIR/<case id>.pcap\n"
	"  --timeout S          wait at most S seconds for one reply (default 10)\n"
	"  --seed N             seed for verifiers and xids (default: time)\n"
	"  --without FEATURE    the server lacks FEATURE: cases requiring it are skipped\n"
	"  --admin HOST:PORT    nfs41refd's admin API (loopback only), for cases that\n"
	"                       `requires: hooks`; without it those cases are skipped\n"
	"  --admin-token FILE   the bearer token for it (nfs41refd's admin_token_file)\n"
	"  --no-progress        plain lines instead of the live progress bar\n"
	"  -v, --verbose        print every failing case's transcript\n"
	"\n"
	"coverage:\n"
	"  --fail-on-uncovered  exit 1 when a MUST / MUST NOT requirement has no case, a\n"
	"                       SHOULD / SHOULD NOT one has neither a case nor a waiver,\n"
	"                       or a waiver names an id that a case covers\n"
	"  --waivers FILE       waivers (ID<TAB>reason) instead of the compiled-in\n"
	"                       spec/waivers.tsv (run's coverage reports use it too)\n"
	"  --requirements FILE  a requirement index (spec/requirements.tsv form) instead of\n"
	"                       the compiled-in one\n"
	"  --markdown F, --json F   write the matrix\n"
	"\n"
	"exit status: 0 nothing worse than the baseline, 1 conformance failures, 2 harness errors,\n"
	"3 both, 64 usage or case-file errors, 130 interrupted.\n";

struct cli {
	const char *command;
	const char *target;
	char host[256];
	uint16_t port;
	const char *tags[MAX_LIST], *without[MAX_LIST], *paths[MAX_LIST];
	size_t ntags, nwithout, npaths;
	struct select_opts sel;
	unsigned jobs;
	const char *baseline, *report_dir, *junit, *json, *tap, *html, *markdown, *pcap_dir;
	const char *admin, *admin_token, *waivers, *requirements;
	double timeout;
	uint64_t seed;
	bool seed_set, no_progress, verbose, fail_uncovered;
};

static int parse_target(struct cli *c)
{
	char err[300];

	if (conn_parse_target(c->target, c->host, sizeof(c->host), &c->port, err, sizeof(err)) != 0)
		return cli_usage_error(NULL, "%s", err);
	return 0;
}

static int add_list(const char **v, size_t *n, const char *s, const char *what)
{
	if (*n == MAX_LIST)
		return cli_usage_error(NULL, "too many %s", what);
	v[(*n)++] = s;
	return 0;
}

static int parse_shard(struct cli *c, const char *s)
{
	unsigned i, n;
	char extra;

	if (sscanf(s, "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i == 0 || i > n)
		return cli_usage_error(NULL, "--shard wants I/N with 1 <= I <= N, not '%s'", s);
	c->sel.shard_index = i;
	c->sel.shard_count = n;
	return 0;
}

enum {
	OPT_JUNIT = 256, OPT_JSON, OPT_TAP, OPT_HTML, OPT_MD, OPT_NOPROG, OPT_FAILUNC, OPT_ADMIN,
	OPT_ADMIN_TOKEN, OPT_WAIVERS, OPT_REQUIREMENTS
};

static int parse_option(struct cli *c, int ch, const char *arg)
{
	char *end;

	switch (ch) {
	case 't': c->target = arg; return 0;
	case 'T': return add_list(c->tags, &c->ntags, arg, "--tag options");
	case 'f': c->sel.filter = arg; return 0;
	case 's': return parse_shard(c, arg);
	case 'j':
		c->jobs = (unsigned)strtoul(arg, &end, 10);
		return *end || c->jobs == 0 || c->jobs > 64 ? cli_usage_error(NULL, "--jobs wants 1..64, not '%s'", arg) : 0;
	case 'b': c->baseline = arg; return 0;
	case 'r': c->report_dir = arg; return 0;
	case 'p': c->pcap_dir = arg; return 0;
	case 'o':
		c->timeout = strtod(arg, &end);
		return *end || c->timeout <= 0 ? cli_usage_error(NULL, "--timeout wants seconds, not '%s'", arg) : 0;
	case 'S':
		c->seed = strtoull(arg, &end, 0);
		c->seed_set = true;
		return *end ? cli_usage_error(NULL, "--seed wants a number, not '%s'", arg) : 0;
	case 'w': return add_list(c->without, &c->nwithout, arg, "--without options");
	case 'v': c->verbose = true; return 0;
	case OPT_JUNIT: c->junit = arg; return 0;
	case OPT_JSON: c->json = arg; return 0;
	case OPT_TAP: c->tap = arg; return 0;
	case OPT_HTML: c->html = arg; return 0;
	case OPT_MD: c->markdown = arg; return 0;
	case OPT_NOPROG: c->no_progress = true; return 0;
	case OPT_FAILUNC: c->fail_uncovered = true; return 0;
	case OPT_ADMIN: c->admin = arg; return 0;
	case OPT_ADMIN_TOKEN: c->admin_token = arg; return 0;
	case OPT_WAIVERS: c->waivers = arg; return 0;
	case OPT_REQUIREMENTS: c->requirements = arg; return 0;
	default: return EXIT_USAGE;
	}
}

static int parse_cli(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", 1, NULL, 't'},   {"tag", 1, NULL, 'T'},	{"filter", 1, NULL, 'f'},
		{"shard", 1, NULL, 's'},    {"jobs", 1, NULL, 'j'},	{"baseline", 1, NULL, 'b'},
		{"report-dir", 1, NULL, 'r'}, {"record-pcap", 1, NULL, 'p'}, {"timeout", 1, NULL, 'o'},
		{"seed", 1, NULL, 'S'},     {"without", 1, NULL, 'w'},	{"verbose", 0, NULL, 'v'},
		{"junit", 1, NULL, OPT_JUNIT}, {"json", 1, NULL, OPT_JSON}, {"tap", 1, NULL, OPT_TAP},
		{"html", 1, NULL, OPT_HTML}, {"markdown", 1, NULL, OPT_MD},
		{"no-progress", 0, NULL, OPT_NOPROG}, {"fail-on-uncovered", 0, NULL, OPT_FAILUNC},
		{"admin", 1, NULL, OPT_ADMIN}, {"admin-token", 1, NULL, OPT_ADMIN_TOKEN},
		{"waivers", 1, NULL, OPT_WAIVERS}, {"requirements", 1, NULL, OPT_REQUIREMENTS},
		{NULL, 0, NULL, 0}};
	int ch;

	c->command = argv[1];
	c->timeout = 10;
	c->jobs = 1;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "v", opts, NULL)) != -1)
		if (ch == '?' || parse_option(c, ch, optarg) != 0)
			return EXIT_USAGE;
	for (; optind < argc; optind++)
		if (add_list(c->paths, &c->npaths, argv[optind], "case paths") != 0)
			return EXIT_USAGE;
	if (c->npaths == 0) {
		struct stat st;
		c->paths[c->npaths++] = stat("cases", &st) == 0 ? "cases" : NFS41_CASES_DIR;
	}
	c->sel.tags = c->tags;
	c->sel.ntags = c->ntags;
	return 0;
}

/* Parse and select; prints case-file errors. */
static int load(struct cli *c, struct case_set *set, bool select)
{
	char *errors = NULL;

	if (cases_load(c->paths, c->npaths, set, &errors) != 0) {
		fputs(errors ? errors : "cannot load cases\n", stderr);
		free(errors);
		cases_free(set);
		return EXIT_USAGE;
	}
	if (select)
		cases_select(set, &c->sel);
	return 0;
}

static int cmd_check(struct cli *c)
{
	struct case_set set;
	int rc = load(c, &set, false);

	if (rc == 0)
		printf("%zu case files OK\n", set.n);
	cases_free(&set);
	return rc ? 1 : 0;
}

static int cmd_list(struct cli *c)
{
	struct case_set set;
	int rc = load(c, &set, true);

	for (size_t i = 0; rc == 0 && i < set.n; i++) {
		const struct case_def *k = &set.cases[i];
		printf("%-40s %-10s %-10s ", k->id, k->group, k->level);
		for (size_t j = 0; j < k->nrequirements; j++)
			printf("%s%s", j ? "," : "", k->requirements[j]);
		printf("  %s\n", k->title);
	}
	cases_free(&set);
	return rc;
}

static void show_step(const struct step *s, unsigned depth)
{
	printf("%4u  %*s%-10s %s", s->loc.line, (int)depth * 2, "", step_kind_name(s->kind), s->source);
	if (s->loc.file && strstr(s->loc.file, ".fixture"))
		printf("   [%s]", s->loc.file);
	putchar('\n');
}

static int cmd_show(struct cli *c)
{
	struct case_set set;
	int rc;
	bool found = false;

	struct stat st;

	if (c->npaths != 1)
		return cli_usage_error(NULL, "show wants one case file or id");
	rc = stat(c->paths[0], &st) == 0 ? load(c, &set, false) : 1;
	if (rc != 0) { /* an id rather than a file: look it up in the default folder */
		struct cli all = *c;
		all.npaths = 0;
		all.paths[all.npaths++] = NFS41_CASES_DIR;
		all.sel = (struct select_opts){.filter = c->paths[0]};
		rc = load(&all, &set, true);
	}
	for (size_t i = 0; rc == 0 && i < set.n; i++) {
		const struct case_def *k = &set.cases[i];
		unsigned depth = 0;
		found = true;
		printf("%s  %s\n  file %s, level %s, timeout %.0fs\n  requirements:", k->id, k->title,
		       k->file, k->level, k->timeout);
		for (size_t j = 0; j < k->nrequirements; j++)
			printf(" %s", k->requirements[j]);
		printf("\n\n");
		for (size_t j = 0; j < k->nsteps; j++) {
			depth -= k->steps[j].kind == STEP_END && depth;
			show_step(&k->steps[j], depth);
			depth += k->steps[j].kind == STEP_REPEAT;
		}
	}
	cases_free(&set);
	if (rc == 0 && !found)
		return cli_usage_error(NULL, "no case '%s'", c->paths[0]);
	return rc;
}

/* The requirement index and the waivers of a coverage matrix: compiled in, or from files. */
struct coverage_data {
	struct requirement *loaded; /* --requirements FILE, else NULL */
	size_t nloaded;
	const struct requirement *reqs;
	size_t nreqs;
	struct waiver_set waivers;
	const char *waivers_name; /* for messages: the file, or spec/waivers.tsv */
};

static void coverage_data_free(struct coverage_data *d)
{
	reqindex_free(d->loaded, d->nloaded);
	waivers_free(&d->waivers);
	*d = (struct coverage_data){0};
}

/* 0, or prints the file:line error and returns EXIT_USAGE. */
static int coverage_data_load(const struct cli *c, struct coverage_data *d)
{
	char err[600];
	int rc = 0;

	*d = (struct coverage_data){.waivers_name = c->waivers ? c->waivers : WAIVERS_BUILTIN_NAME};
	d->reqs = reqindex_all(&d->nreqs);
	if (c->requirements) {
		rc = reqindex_load_file(c->requirements, &d->loaded, &d->nloaded, err, sizeof(err));
		d->reqs = d->loaded;
		d->nreqs = d->nloaded;
	}
	if (rc == 0 && c->waivers)
		rc = waivers_load_file(c->waivers, d->reqs, d->nreqs, &d->waivers, err, sizeof(err));
	else if (rc == 0)
		rc = waivers_load_builtin(d->reqs, d->nreqs, &d->waivers, err, sizeof(err));
	if (rc == 0)
		return 0;
	fprintf(stderr, "nfs41check: %s\n", err);
	coverage_data_free(d);
	return EXIT_USAGE;
}

/* A run result with every case "not run": what the coverage writers need. */
static int coverage_result(const struct case_set *set, const struct coverage_data *d,
			   struct run_result *r)
{
	*r = (struct run_result){.requirements = d->reqs, .nrequirements = d->nreqs,
				 .waivers = d->waivers.v, .nwaivers = d->waivers.n};
	r->cases = calloc(set->n ? set->n : 1, sizeof(*r->cases));
	if (!r->cases)
		return -1;
	r->ncases = set->n;
	for (size_t i = 0; i < set->n; i++) {
		struct case_result *cr = &r->cases[i];
		const struct case_def *k = &set->cases[i];
		cr->id = strdup(k->id);
		cr->title = strdup(k->title);
		cr->level = strdup(k->level);
		cr->group = strdup(k->group);
		cr->file = strdup(k->file);
		cr->verdict = VERDICT_SKIP;
		cr->reason = strdup("not run");
		cr->requirements = calloc(k->nrequirements + 1, sizeof(char *));
		for (size_t j = 0; cr->requirements && j < k->nrequirements; j++)
			cr->requirements[j] = strdup(k->requirements[j]);
		cr->nrequirements = cr->requirements ? k->nrequirements : 0;
	}
	return 0;
}

/* One matrix line: id, level, then the citing cases, `waived: reason`, UNCOVERED or `-`. */
static void print_coverage_row(const struct coverage_row *row, const struct run_result *r)
{
	enum coverage_status s = coverage_row_status(row);

	printf("%-8s %-10s ", row->id, row->req ? row->req->level : "(not in index)");
	for (size_t j = 0; j < row->ncases; j++)
		printf("%s%s", j ? ", " : "", r->cases[row->cases[j]].id);
	if (s == COVERAGE_WAIVED)
		printf("waived: %s", row->waiver->reason);
	else if (s == COVERAGE_UNCOVERED_MUST || s == COVERAGE_UNCOVERED_SHOULD)
		fputs("UNCOVERED", stdout);
	else if (s == COVERAGE_OPTIONAL)
		putchar('-');
	putchar('\n');
}

/* Each waiver whose id a case cites, as a warning or (gate) an error; returns how many. */
static size_t report_unused_waivers(const struct coverage *cov, const struct run_result *r,
				    const char *file, bool gate)
{
	size_t n = 0;

	for (size_t i = 0; i < cov->nindexed; i++) {
		const struct coverage_row *row = &cov->rows[i];

		if (!coverage_row_unused_waiver(row))
			continue;
		fprintf(stderr, "nfs41check: %s%s:%u: unused waiver: %s is cited by %s",
			gate ? "" : "warning: ", file, row->waiver->line, row->id,
			r->cases[row->cases[0]].id);
		if (row->ncases > 1)
			fprintf(stderr, " and %zu more", row->ncases - 1);
		fputs("; remove the waiver\n", stderr);
		n++;
	}
	return n;
}

/* The gate's verdict: the ids that fail it, one line each; 1 when any, else 0. */
static int coverage_gate(const struct coverage *cov, size_t unused)
{
	size_t failing = coverage_count_failing(cov);

	if (!failing && !unused)
		return 0;
	fprintf(stderr, "nfs41check: --fail-on-uncovered: %zu MUST-class id(s) with no case, "
		"%zu SHOULD-class id(s) with neither a case nor a waiver, %zu unused waiver(s)\n",
		coverage_count_uncovered_must(cov), coverage_count(cov, COVERAGE_UNCOVERED_SHOULD),
		unused);
	for (size_t i = 0; i < cov->nindexed; i++) {
		const struct coverage_row *row = &cov->rows[i];
		enum coverage_status s = coverage_row_status(row);

		if (s == COVERAGE_UNCOVERED_MUST || s == COVERAGE_UNCOVERED_SHOULD)
			fprintf(stderr, "  UNCOVERED %-8s %-10s %s  %s\n", row->id, row->req->level,
				row->req->section, row->req->title);
	}
	return 1;
}

static void print_coverage(const struct coverage *cov, const struct run_result *r)
{
	for (size_t i = 0; i < cov->nrows; i++) /* requirement -> the cases that cite it */
		print_coverage_row(&cov->rows[i], r);
	printf("%zu of %zu requirements have a case, %zu waived; uncovered: %zu MUST-class, "
	       "%zu SHOULD-class (neither a case nor a waiver)\n",
	       coverage_count_covered(cov), cov->nindexed, coverage_count(cov, COVERAGE_WAIVED),
	       coverage_count_uncovered_must(cov), coverage_count(cov, COVERAGE_UNCOVERED_SHOULD));
}

static int write_coverage_files(const struct cli *c, const struct run_result *r)
{
	char err[512];
	int rc = 0;

	if (c->markdown && report_write_coverage_md(r, c->markdown, err, sizeof(err)) != 0)
		fprintf(stderr, "nfs41check: %s\n", err), rc = EXIT_ERRORS;
	if (c->json && report_write_coverage_json(r, c->json, err, sizeof(err)) != 0)
		fprintf(stderr, "nfs41check: %s\n", err), rc = EXIT_ERRORS;
	return rc;
}

static int coverage_of(const struct cli *c, const struct case_set *set,
		       const struct coverage_data *d)
{
	struct run_result r;
	struct coverage cov;
	size_t unused;
	int rc;

	if (coverage_result(set, d, &r) != 0 || coverage_build(&r, &cov) != 0) {
		run_result_free(&r);
		fprintf(stderr, "nfs41check: out of memory\n");
		return EXIT_ERRORS;
	}
	print_coverage(&cov, &r);
	unused = report_unused_waivers(&cov, &r, d->waivers_name, c->fail_uncovered);
	rc = write_coverage_files(c, &r);
	if (rc == 0 && c->fail_uncovered)
		rc = coverage_gate(&cov, unused);
	coverage_free(&cov);
	run_result_free(&r);
	return rc;
}

static int cmd_coverage(struct cli *c)
{
	struct case_set set;
	struct coverage_data d;
	int rc = coverage_data_load(c, &d);

	if (rc != 0)
		return rc;
	rc = load(c, &set, true);
	if (rc == 0) {
		rc = coverage_of(c, &set, &d);
		cases_free(&set);
	}
	coverage_data_free(&d);
	return rc;
}

static int cmd_ping(struct cli *c)
{
	struct wire_msg m = {.msg_type = ONCRPC_CALL,
			     .call = {.xid = (uint32_t)getpid(), .rpcvers = ONCRPC_VERSION,
				      .prog = NFS4_PROGRAM, .vers = NFS_V4, .proc = NFSPROC4_NULL}};
	uint8_t buf[64];
	size_t n = wire_msg_encode(&m, buf, sizeof(buf));
	struct conn conn;
	struct conn_reply rep = {0};
	char err[300];
	double t0 = conn_now();

	if (!c->target || parse_target(c) != 0)
		return cli_usage_error(NULL, "ping needs --target HOST:PORT");
	if (conn_open(&conn, 0, c->host, c->port, t0 + c->timeout, NULL, err, sizeof(err)) != 0 ||
	    conn_send_record(&conn, buf, n, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check: %s\n", err);
		conn_close(&conn);
		return EXIT_ERRORS;
	}
	enum conn_wait w = conn_wait_reply(&conn, m.call.xid, t0 + c->timeout, &rep);
	conn_close(&conn);
	free(rep.rec);
	if (w != CONN_GOT_REPLY) {
		fprintf(stderr, "nfs41check: no NULL reply from %s within %.0f s\n", c->target, c->timeout);
		return EXIT_ERRORS;
	}
	printf("%s answered NULL in %.2f ms\n", c->target, (conn_now() - t0) * 1000);
	return 0;
}

struct report_out {
	const char *path;
	int (*write)(const struct run_result *, const char *, char *, size_t);
};

static int write_reports(const struct cli *c, const struct run_result *r)
{
	struct report_out outs[12] = {{c->junit, report_write_junit}, {c->json, report_write_json},
				      {c->tap, report_write_tap}, {c->html, report_write_html}};
	static const char *const names[] = {"junit.xml", "results.json", "results.tap",
					    "coverage.json", "coverage.md", "report.html"};
	int (*const writers[])(const struct run_result *, const char *, char *, size_t) = {
		report_write_junit, report_write_json, report_write_tap, report_write_coverage_json,
		report_write_coverage_md, report_write_html};
	size_t n = 4;
	int rc = 0;

	if (c->report_dir) {
		static char dirpaths[6][4096]; /* outlives the block: outs[] points at it */
		if (mkdir_p(c->report_dir) != 0) {
			fprintf(stderr, "nfs41check: --report-dir %s: %s\n", c->report_dir, strerror(errno));
			return -1;
		}
		for (size_t i = 0; i < 6; i++) {
			snprintf(dirpaths[i], sizeof(dirpaths[i]), "%s/%s", c->report_dir, names[i]);
			outs[n++] = (struct report_out){dirpaths[i], writers[i]};
		}
	}
	for (size_t i = 0; i < n; i++) {
		char err[512];
		if (!outs[i].path)
			continue;
		if (outs[i].write(r, outs[i].path, err, sizeof(err)) != 0) {
			fprintf(stderr, "nfs41check: %s: %s\n", outs[i].path, err);
			rc = -1;
		}
	}
	if (c->report_dir)
		printf("reports: %s/{junit.xml,results.json,results.tap,coverage.md,report.html}\n",
		       c->report_dir);
	return rc;
}

static void print_transcripts(const struct run_result *r)
{
	for (size_t i = 0; i < r->ncases; i++) {
		const struct case_result *cr = &r->cases[i];
		if (cr->verdict != VERDICT_FAIL && cr->verdict != VERDICT_ERROR)
			continue;
		printf("\n=== %s %s: %s\n", verdict_name(cr->verdict), cr->id, cr->title);
		for (size_t j = 0; j < cr->nsteps; j++)
			if (cr->steps[j].message)
				printf("%s\n", cr->steps[j].message);
		printf("requirement: %s\nre-run: %s\n", cr->rfc_section ? cr->rfc_section : "-",
		       cr->repro ? cr->repro : "-");
	}
}

static int exit_code(const struct run_result *r)
{
	size_t counts[VERDICT_COUNT];
	int rc = 0;

	run_result_count(r, counts);
	if (counts[VERDICT_FAIL] || counts[VERDICT_XPASS])
		rc |= EXIT_FAILURES;
	if (counts[VERDICT_ERROR])
		rc |= EXIT_ERRORS;
	return r->interrupted ? EXIT_INTERRUPTED : rc;
}

/* --admin and --admin-token go together; 0 with a (possibly unused) client, or EXIT_USAGE. */
static int open_admin(const struct cli *c, struct admin_client *a)
{
	char err[600];

	*a = (struct admin_client){0};
	if (!c->admin && !c->admin_token)
		return 0;
	if (!c->admin || !c->admin_token)
		return cli_usage_error(NULL, "--admin HOST:PORT and --admin-token FILE go together");
	if (admin_client_open(a, c->admin, c->admin_token, err, sizeof(err)) != 0) {
		admin_client_close(a);
		return cli_usage_error(NULL, "--admin %s: %s", c->admin, err);
	}
	return 0;
}

static int run_and_report(struct cli *c, const char *argv0, const struct admin_client *admin,
			  const struct waiver_set *waivers)
{
	struct case_set set;
	struct run_result r;
	struct sigaction sa = {.sa_handler = on_sigint};
	char err[1024];
	int rc;

	if (parse_target(c) != 0 || load(c, &set, true) != 0)
		return EXIT_USAGE;
	struct run_opts o = {.host = c->host, .port = c->port, .jobs = c->jobs,
			     .reply_timeout = c->timeout,
			     .seed = c->seed_set ? c->seed : (uint64_t)time(NULL),
			     .baseline = c->baseline, .record_pcap_dir = c->pcap_dir,
			     .without = c->without, .nwithout = c->nwithout, .admin = admin,
			     .progress_tty = !c->no_progress && isatty(STDERR_FILENO),
			     .verbose = c->verbose, .argv0 = argv0, .stop = &stop_requested};
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "nfs41check: %zu cases against %s:%u, %u jobs, seed %llu%s%s\n", set.n,
		c->host, c->port, c->jobs, (unsigned long long)o.seed,
		admin ? ", test hooks via " : "", admin ? admin->endpoint : "");
	if (run_cases(&set, &o, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check: %s\n", err);
		cases_free(&set);
		return EXIT_USAGE;
	}
	r.waivers = waivers->v; /* for the coverage reports */
	r.nwaivers = waivers->n;
	if (c->verbose)
		print_transcripts(&r);
	report_print_summary(stdout, &r, isatty(STDOUT_FILENO));
	rc = write_reports(c, &r) != 0 ? EXIT_ERRORS : 0;
	rc |= exit_code(&r);
	run_result_free(&r);
	cases_free(&set);
	return rc;
}

static int cmd_run(struct cli *c, const char *argv0)
{
	struct admin_client admin;
	struct coverage_data d;
	int rc;

	if (!c->target)
		return cli_usage_error(NULL, "run needs --target HOST:PORT");
	if (c->requirements)
		return cli_usage_error(NULL, "--requirements is an option of coverage only");
	if (coverage_data_load(c, &d) != 0)
		return EXIT_USAGE;
	if (open_admin(c, &admin) != 0) {
		coverage_data_free(&d);
		return EXIT_USAGE;
	}
	rc = run_and_report(c, argv0, c->admin ? &admin : NULL, &d.waivers);
	admin_client_close(&admin);
	coverage_data_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("nfs41check %s\n", NFS41CHECK_VERSION);
		return 0;
	}
	if (argc < 2)
		return cli_usage_error(NULL, "a command is needed");
	if (!strcmp(cmd, "pcap")) /* its own options: pcap/pcap_cli.c */
		return pcap_cli_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "fuzz")) /* its own options: livefuzz_cli.c */
		return livefuzz_cli_main(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "load")) /* its own options: load_cli.c */
		return load_cli_main(argc - 1, argv + 1);
	if (parse_cli(&c, argc, argv) != 0)
		return EXIT_USAGE;
	if (!strcmp(cmd, "run"))
		return cmd_run(&c, argv[0]);
	if (!strcmp(cmd, "list"))
		return cmd_list(&c);
	if (!strcmp(cmd, "check"))
		return cmd_check(&c);
	if (!strcmp(cmd, "show"))
		return cmd_show(&c);
	if (!strcmp(cmd, "coverage"))
		return cmd_coverage(&c);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(&c);
	return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
