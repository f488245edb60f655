/*
 * livefuzz_cli.c - `nfs41check fuzz`: options, the seed pool (built-in, --seeds captures,
 * --cases run once against the target and recorded), the progress line and the summary.
 * Exit status: 0 no findings, 1 findings, 2 could not run, 64 usage, 130 interrupted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "livefuzz.h"
#include "runner.h"

#define EXIT_FINDINGS 1
#define EXIT_CANNOT_RUN 2
#define EXIT_USAGE 64
#define EXIT_INTERRUPTED 130
#define MAX_SEED_FILES 64
#define CMD "fuzz"

static const char fuzz_usage[] =
	"usage: nfs41check fuzz --target HOST:PORT [options]\n"
	"       nfs41check fuzz --replay FILE --target HOST:PORT\n"
	"\n"
	"Grammar-aware fuzzing of a live NFSv4.1 server. Seeds are well-formed calls; each input\n"
	"is one of them remapped onto the fuzzer's own client and session, then mutated: a field\n"
	"(ids, seqids, slots, counts, flags, lengths, channel attributes, strings), the op list,\n"
	"the bytes, or the record marking. Oracles: every reply decodes strictly and has the right\n"
	"shape; a well-framed call is answered within --reply-timeout; the server answers an RPC\n"
	"NULL and a fresh EXCHANGE_ID on a new connection at every liveness check. Findings are\n"
	"written to --out as a replayable .nfz file and a .case file.\n"
	"\n"
	"options:\n"
	"  --target HOST:PORT     the server (required)\n"
	"  --count N              inputs at most (default 100000)\n"
	"  --time S               seconds at most (default 60)\n"
	"  --seed N               PRNG seed (default: the time); printed, so a run can be repeated\n"
	"  --reply-timeout S      a well-framed call must be answered within S s (default 5)\n"
	"  --check-every N        liveness check every N inputs (default 50; 1: after each input)\n"
	"  --out DIR              finding files (default ./nfs41check-fuzz-findings)\n"
	"  --max-findings N       stop after N distinct findings (default 20)\n"
	"  --seeds FILE           add the NFSv4 calls of a capture (pcap, pcapng); repeatable\n"
	"  --seeds-port N         the server port in those captures (default 2049)\n"
	"  --cases DIR            run these cases against the target once first and add every\n"
	"                         call they send to the seeds (the catalogue: --cases " NFS41_CASES_DIR ")\n"
	"  --no-builtin           without the built-in seeds (then --seeds or --cases)\n"
	"  --replay FILE          send a finding file's inputs again with the same oracles;\n"
	"                         exit 1 when the finding reproduces\n"
	"  --no-progress          no progress line\n"
	"  --verbose              each reply's summary on stderr, a finding's reply in full\n"
	"\n"
	"exit status: 0 no findings, 1 findings, 2 could not run, 64 usage, 130 interrupted.\n";

struct fuzz_cli {
	const char *target, *out, *replay, *cases;
	const char *seed_files[MAX_SEED_FILES];
	size_t nseed_files;
	char host[256];
	uint16_t port, seeds_port;
	struct lf_opts o;
	bool seed_set, no_builtin, no_progress;
};

static volatile sig_atomic_t fuzz_stop;

static void on_sigint(int sig)
{
	(void)sig;
	if (fuzz_stop)
		_exit(EXIT_INTERRUPTED);
	fuzz_stop = 1;
}

enum { O_COUNT = 256, O_TIME, O_SEED, O_RT, O_CHECK, O_OUT, O_MAXF, O_SEEDS, O_SEEDS_PORT,
       O_CASES, O_NOBUILTIN, O_REPLAY, O_NOPROG, O_HELP, O_VERBOSE };

static int option(struct fuzz_cli *c, int ch, const char *arg)
{
	unsigned long long v;
	int rc = 0;

	switch (ch) {
	case 't': c->target = arg; break;
	case O_COUNT: rc = cli_number(CMD, "--count", arg, 1, 1000000000ull, &v); c->o.count = (unsigned long)v; break;
	case O_TIME: rc = cli_seconds(CMD, "--time", arg, 1e7, &c->o.time_limit); break;
	case O_SEED: rc = cli_number(CMD, "--seed", arg, 0, UINT64_MAX, &v); c->o.seed = v; c->seed_set = true; break;
	case O_RT: rc = cli_seconds(CMD, "--reply-timeout", arg, 1e7, &c->o.reply_timeout); break;
	case O_CHECK: rc = cli_number(CMD, "--check-every", arg, 1, 100000, &v); c->o.check_every = (unsigned)v; break;
	case O_OUT: c->out = arg; break;
	case O_MAXF: rc = cli_number(CMD, "--max-findings", arg, 1, LF_MAX_FINDINGS_CAP, &v); c->o.max_findings = (unsigned)v; break;
	case O_SEEDS:
		if (c->nseed_files == MAX_SEED_FILES)
			return cli_usage_error(CMD, "too many --seeds (at most %d)", MAX_SEED_FILES);
		c->seed_files[c->nseed_files++] = arg;
		break;
	case O_SEEDS_PORT: rc = cli_number(CMD, "--seeds-port", arg, 1, 65535, &v); c->seeds_port = (uint16_t)v; break;
	case O_CASES: c->cases = arg; break;
	case O_NOBUILTIN: c->no_builtin = true; break;
	case O_REPLAY: c->replay = arg; break;
	case O_NOPROG: c->no_progress = true; break;
	case O_VERBOSE: c->o.verbose = true; break;
	default: return EXIT_USAGE;
	}
	return rc;
}

static int parse(struct fuzz_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", 1, NULL, 't'}, {"count", 1, NULL, O_COUNT}, {"time", 1, NULL, O_TIME},
		{"seed", 1, NULL, O_SEED}, {"reply-timeout", 1, NULL, O_RT},
		{"check-every", 1, NULL, O_CHECK}, {"out", 1, NULL, O_OUT},
		{"max-findings", 1, NULL, O_MAXF}, {"seeds", 1, NULL, O_SEEDS},
		{"seeds-port", 1, NULL, O_SEEDS_PORT}, {"cases", 1, NULL, O_CASES},
		{"no-builtin", 0, NULL, O_NOBUILTIN}, {"replay", 1, NULL, O_REPLAY},
		{"no-progress", 0, NULL, O_NOPROG}, {"help", 0, NULL, O_HELP},
		{"verbose", 0, NULL, O_VERBOSE}, {NULL, 0, NULL, 0}};
	char err[300];
	int ch;

	c->o = (struct lf_opts){.count = 100000, .time_limit = 60, .reply_timeout = 5,
				.check_every = 50, .max_findings = 20};
	c->out = "nfs41check-fuzz-findings";
	c->seeds_port = 2049;
	optind = 1;
	opterr = 0; /* our own messages, naming the subcommand */
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch == O_HELP) {
			fputs(fuzz_usage, stdout);
			return -1;
		}
		if (ch == ':')
			return cli_usage_error(CMD, "%s needs a value", argv[optind - 1]);
		if (ch == '?')
			return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
		if (option(c, ch, optarg) != 0)
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!c->target)
		return cli_usage_error(CMD, "fuzz needs --target HOST:PORT");
	if (conn_parse_target(c->target, c->host, sizeof(c->host), &c->port, err, sizeof(err)) != 0)
		return cli_usage_error(CMD, "%s", err);
	if (c->no_builtin && !c->nseed_files && !c->cases && !c->replay)
		return cli_usage_error(CMD, "--no-builtin leaves no seeds: add --seeds FILE or --cases DIR");
	if (!c->seed_set)
		c->o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	c->o.host = c->host;
	c->o.port = c->port;
	c->o.out_dir = c->out;
	return 0;
}

/* ---- seeds ---------------------------------------------------------------------- */

/* Run the cases once against the target, each case's traffic recorded as a pcap, and add
 * every call they sent. Their progress lines go nowhere: this is seeding, not a test run. */
static int seed_from_cases(struct fuzz_cli *c, struct lf_pool *pool, char *err, size_t errlen)
{
	const char *paths[1] = {c->cases};
	char dir[600], *errors = NULL;
	struct case_set set;
	struct run_result r;
	struct run_opts ro = {.host = c->host, .port = c->port, .jobs = 4, .reply_timeout = 5,
			      .seed = c->o.seed, .record_pcap_dir = dir, .argv0 = "nfs41check",
			      .stop = &fuzz_stop};
	int saved, saved_out, rc;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/seed-pcaps", c->out);
	if (cases_load(paths, 1, &set, &errors) != 0) {
		snprintf(err, errlen, "--cases %s: %s", c->cases, errors ? errors : "cannot load");
		free(errors);
		return -1;
	}
	if (mkdir_p(dir) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		cases_free(&set);
		return -1;
	}
	fflush(stdout), fflush(stderr);
	saved = dup(STDERR_FILENO);
	saved_out = dup(STDOUT_FILENO);
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0)
		dup2(null, STDERR_FILENO), dup2(null, STDOUT_FILENO), close(null);
	rc = run_cases(&set, &ro, &r, err, errlen);
	fflush(stdout), fflush(stderr);
	if (saved >= 0)
		dup2(saved, STDERR_FILENO), close(saved);
	if (saved_out >= 0)
		dup2(saved_out, STDOUT_FILENO), close(saved_out);
	fprintf(stderr, "nfs41check fuzz: ran %zu cases from %s for seeds\n", set.n, c->cases);
	if (rc == 0)
		run_result_free(&r);
	cases_free(&set);
	if (rc != 0 || !(d = opendir(dir)))
		return -1;
	while ((e = readdir(d))) {
		char path[1200], e2[300];
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 5, ".pcap") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lf_pool_add_pcap(pool, path, c->port, e2, sizeof(e2)) != 0)
			fprintf(stderr, "nfs41check fuzz: warning: %s\n", e2);
	}
	closedir(d);
	return 0;
}

static int build_pool(struct fuzz_cli *c, struct lf_pool *pool, char *err, size_t errlen)
{
	if (!c->no_builtin)
		lf_pool_add_builtin(pool, c->o.seed);
	for (size_t i = 0; i < c->nseed_files; i++)
		if (lf_pool_add_pcap(pool, c->seed_files[i], c->seeds_port, err, errlen) != 0)
			return -1;
	if (c->cases && seed_from_cases(c, pool, err, errlen) != 0)
		return -1;
	lf_pool_sort(pool); /* the order seeds arrived in (parallel cases) must not matter */
	if (pool->n == 0) {
		snprintf(err, errlen, "no NFSv4 calls in the seeds");
		return -1;
	}
	return 0;
}

/* ---- output --------------------------------------------------------------------- */

static void show_progress(void *ctx, const struct lf_stats_view *v)
{
	const struct lf_stats *s = v->s;
	double rate = s->elapsed > 0 ? (double)s->inputs / s->elapsed : 0;

	(void)ctx;
	fprintf(stderr, "\r\033[K[%6.1fs] %lu inputs  %.0f/s  replies %lu  closes %lu  sessions %lu  "
		"checks %lu  findings %lu", s->elapsed, s->inputs, rate, s->replies, s->closes,
		s->sessions, s->checks, s->findings);
	fflush(stderr);
}

static int cmp_status(const void *a, const void *b)
{
	unsigned long x = ((const struct lf_status_count *)a)->n;
	unsigned long y = ((const struct lf_status_count *)b)->n;

	return (x < y) - (x > y);
}

static void summary(const struct fuzz_cli *c, struct lf_stats *s)
{
	double rate = s->elapsed > 0 ? (double)s->inputs / s->elapsed : 0;

	printf("nfs41check fuzz: %s, seed %llu\n", c->target, (unsigned long long)c->o.seed);
	printf("inputs       %lu in %.1f s (%.0f inputs/s); by class:", s->inputs, s->elapsed, rate);
	for (int i = 0; i < LF_CLASS_COUNT; i++)
		printf(" %s %lu", lf_class_name((enum lf_class)i), s->by_class[i]);
	qsort(s->status, s->nstatus, sizeof(s->status[0]), cmp_status);
	printf("\nreplies      %lu:", s->replies);
	for (size_t i = 0; i < s->nstatus; i++)
		printf("%s %s %lu", i ? "," : "", s->status[i].name, s->status[i].n);
	printf("\nconnections  %lu opened, %lu closed by the server, %lu inputs unanswered (allowed), "
	       "%lu callbacks\n", s->reconnects, s->closes, s->silences, s->callbacks);
	printf("sessions     %lu set up; %lu liveness checks; slowest reply %.1f ms; %lu replies not "
	       "judged (ops wire/ does not parse)\n", s->sessions, s->checks, s->slowest_reply * 1000,
	       s->undecodable_by_us);
	printf("findings     %lu (%lu saved, %lu repeats of a saved one)%s\n", s->findings,
	       s->findings_saved, s->findings_repeated, s->server_dead ? "; the server stopped serving" : "");
	for (size_t i = 0; i < s->nfinding_files; i++)
		printf("  %s\n", s->finding_files[i]);
}

static int run_replay(struct fuzz_cli *c)
{
	struct lf_stats st;
	char err[600];

	c->o.stop = &fuzz_stop;
	if (lf_replay(&c->o, c->replay, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check fuzz: %s\n", err);
		return EXIT_CANNOT_RUN;
	}
	printf("nfs41check fuzz --replay %s: %lu inputs against %s: %s\n", c->replay, st.inputs,
	       c->target, st.findings ? "the finding reproduces" : "no finding");
	if (st.findings)
		printf("  %s\n", st.first_finding);
	return st.findings ? EXIT_FINDINGS : 0;
}

int livefuzz_cli_main(int argc, char **argv, const char *argv0)
{
	struct fuzz_cli c = {0};
	struct lf_pool pool = {0};
	struct lf_stats st;
	struct sigaction sa = {.sa_handler = on_sigint};
	char err[1200];
	int rc = parse(&c, argc, argv);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	sigaction(SIGINT, &sa, NULL);
	c.o.argv0 = argv0;
	if (c.replay)
		return run_replay(&c);
	if (build_pool(&c, &pool, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check fuzz: %s\n", err);
		lf_pool_free(&pool);
		return EXIT_CANNOT_RUN;
	}
	c.o.argv0 = argv0;
	c.o.stop = &fuzz_stop;
	if (!c.no_progress && isatty(STDERR_FILENO))
		c.o.progress = show_progress;
	fprintf(stderr, "nfs41check fuzz: %s, seed %llu, %zu seeds, at most %lu inputs or %.0f s, "
		"findings to %s/\n", c.target, (unsigned long long)c.o.seed, pool.n, c.o.count,
		c.o.time_limit, c.out);
	rc = lf_run(&c.o, &pool, &st, err, sizeof(err));
	if (c.o.progress)
		fputs("\r\033[K", stderr);
	lf_pool_free(&pool);
	if (rc != 0) {
		fprintf(stderr, "nfs41check fuzz: cannot run against %s: %s\n", c.target, err);
		return EXIT_CANNOT_RUN;
	}
	summary(&c, &st);
	if (st.findings)
		return EXIT_FINDINGS;
	return fuzz_stop ? EXIT_INTERRUPTED : 0;
}
