/* runner.c - case discovery, selection, parallel execution and baselines (see runner.h). */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin_client.h"
#include "baseline.h"
#include "case_parse.h"
#include "conn.h"
#include "exec.h"
#include "reqindex.h"

bool requirement_known(const char *id) { return reqindex_find(id) != NULL; }

int mkdir_p(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* ---- discovery -------------------------------------------------------------------- */

struct pathlist {
	char **v;
	size_t n;
};

static int path_add(struct pathlist *l, const char *p)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	l->v = v;
	return (l->v[l->n++] = strdup(p)) ? 0 : -1;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int walk(const char *dir, struct pathlist *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(path, l);
		else if (has_suffix(e->d_name, ".case"))
			rc = path_add(l, path);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append_error(char **errors, const char *msg)
{
	size_t old = *errors ? strlen(*errors) : 0;
	char *p = realloc(*errors, old + strlen(msg) + 2);

	if (!p)
		return;
	memcpy(p + old, msg, strlen(msg));
	p[old + strlen(msg)] = '\n';
	p[old + strlen(msg) + 1] = '\0';
	*errors = p;
}

int cases_load(const char *const *paths, size_t npaths, struct case_set *set, char **errors)
{
	struct pathlist files = {0};
	struct parse_opts po = {.requirement_known = requirement_known};
	int bad = 0;

	*set = (struct case_set){0};
	*errors = NULL;
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		char msg[4200];
		if (stat(paths[i], &st) != 0) {
			snprintf(msg, sizeof(msg), "%s: %s", paths[i], strerror(errno));
			append_error(errors, msg);
			bad++;
		} else if (S_ISDIR(st.st_mode) ? walk(paths[i], &files) : path_add(&files, paths[i])) {
			snprintf(msg, sizeof(msg), "%s: cannot read", paths[i]);
			append_error(errors, msg);
			bad++;
		}
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	set->cases = calloc(files.n ? files.n : 1, sizeof(*set->cases));
	if (!set->cases) {
		append_error(errors, "out of memory");
		bad++;
	}
	for (size_t i = 0; set->cases && i < files.n; i++) {
		char err[1024];
		if (case_parse_file(files.v[i], &po, &set->cases[set->n], err, sizeof(err)) != 0) {
			case_free(&set->cases[set->n]);
			append_error(errors, err);
			bad++;
			continue;
		}
		set->n++;
	}
	for (size_t i = 0; set->cases && i < set->n; i++)
		for (size_t j = i + 1; j < set->n; j++)
			if (set->cases[i].id && set->cases[j].id &&
			    strcmp(set->cases[i].id, set->cases[j].id) == 0) {
				char msg[1200];
				snprintf(msg, sizeof(msg), "%s:1:1: case id '%s' is also used by %s",
					 set->cases[j].file, set->cases[j].id, set->cases[i].file);
				append_error(errors, msg);
				bad++;
			}
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	return bad ? -1 : 0;
}

void cases_free(struct case_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		case_free(&set->cases[i]);
	free(set->cases);
	*set = (struct case_set){0};
}

/* ---- selection ------------------------------------------------------------------------ */

static bool has_tag(const struct case_def *c, const char *tag)
{
	for (size_t i = 0; i < c->ntags; i++)
		if (strcmp(c->tags[i], tag) == 0)
			return true;
	return strcmp(c->group, tag) == 0; /* the folder counts as a tag */
}

static bool filter_matches(const struct case_def *c, const char *pat)
{
	if (!fnmatch(pat, c->id, 0) || !fnmatch(pat, c->title, 0) || !fnmatch(pat, c->file, 0))
		return true;
	for (size_t i = 0; i < c->nrequirements; i++)
		if (!fnmatch(pat, c->requirements[i], 0))
			return true;
	return false;
}

static bool selected(const struct case_def *c, const struct select_opts *o, size_t index)
{
	bool tag_ok = o->ntags == 0;

	for (size_t i = 0; i < o->ntags && !tag_ok; i++)
		tag_ok = has_tag(c, o->tags[i]);
	if (!tag_ok || (o->filter && !filter_matches(c, o->filter)))
		return false;
	/* Shards split the sorted list round-robin: stable for a given set of files. */
	return o->shard_count == 0 || index % o->shard_count == o->shard_index - 1;
}

void cases_select(struct case_set *set, const struct select_opts *o)
{
	size_t kept = 0, index = 0;

	for (size_t i = 0; i < set->n; i++) {
		struct select_opts noshard = *o;
		noshard.shard_count = 0;
		if (!selected(&set->cases[i], &noshard, i)) {
			case_free(&set->cases[i]);
			continue;
		}
		if (!selected(&set->cases[i], o, index++)) {
			case_free(&set->cases[i]);
			continue;
		}
		set->cases[kept++] = set->cases[i];
	}
	set->n = kept;
}

/* ---- running ---------------------------------------------------------------------------- */

struct runner {
	const struct case_set *set;
	const struct run_opts *o;
	struct run_result *r;
	const struct baseline *baseline;
	pthread_mutex_t lock;
	size_t next, done;
	size_t counts[VERDICT_COUNT];
	char run_tag[64];
	double t0;
};

#define HOOKS_SKIP_REASON "needs nfs41refd test hooks (--admin HOST:PORT --admin-token FILE)"

/* Why the case cannot run against this server (a SKIP), or NULL when it can. */
static char *skip_reason(const struct case_def *c, const struct run_opts *o)
{
	char *reason = NULL;

	for (size_t j = 0; j < o->nwithout; j++)
		if (case_requires(c, o->without[j])) {
			if (asprintf(&reason, "the server lacks '%s' (--without %s)", o->without[j],
				     o->without[j]) < 0)
				return NULL;
			return reason;
		}
	if (!o->admin && case_requires(c, HOOKS_FEATURE))
		return strdup(HOOKS_SKIP_REASON);
	return NULL;
}

static void skip_case(const struct case_def *c, char *reason, struct case_result *r)
{
	memset(r, 0, sizeof(*r));
	r->id = strdup(c->id);
	r->title = strdup(c->title);
	r->file = strdup(c->file);
	r->group = strdup(c->group);
	r->level = strdup(c->level);
	r->requirements = calloc(c->nrequirements + 1, sizeof(char *));
	for (size_t i = 0; r->requirements && i < c->nrequirements; i++)
		r->requirements[i] = strdup(c->requirements[i]);
	r->nrequirements = r->requirements ? c->nrequirements : 0;
	r->verdict = VERDICT_SKIP;
	r->reason = reason;
}

static char *pcap_path_for(const struct run_opts *o, const struct case_def *c)
{
	char *p = NULL;

	if (!o->record_pcap_dir)
		return NULL;
	if (asprintf(&p, "%s/%s.pcap", o->record_pcap_dir, c->id) < 0)
		return NULL;
	return p;
}

/* RFC section and requirement of a failing case: the first requirement it cites. */
static void annotate(const struct runner *rn, const struct case_def *c, struct case_result *cr)
{
	const struct requirement *req = c->nrequirements ? reqindex_find(c->requirements[0]) : NULL;
	const struct admin_client *admin = case_requires(c, HOOKS_FEATURE) ? rn->o->admin : NULL;
	const char *reason = NULL;

	cr->raw_verdict = cr->verdict;
	cr->verdict = baseline_apply(rn->baseline, c->id, cr->verdict, &reason);
	if (reason) {
		free(cr->reason);
		cr->reason = strdup(reason);
	}
	/* The catalogue writes "§18.46.3" for RFC 8881 and "5531 §11" for other RFCs. */
	if (req && asprintf(&cr->rfc_section, "%s: RFC %s%s", req->id,
			    req->section[0] >= '0' && req->section[0] <= '9' ? "" : "8881 ",
			    req->section) < 0)
		cr->rfc_section = NULL;
	if (asprintf(&cr->repro, "%s run --target %s:%u%s%s%s%s %s", rn->o->argv0, rn->o->host,
		     rn->o->port, admin ? " --admin " : "", admin ? admin->endpoint : "",
		     admin ? " --admin-token " : "", admin ? admin->token_file : "", c->file) < 0)
		cr->repro = NULL;
}

static void progress(struct runner *rn, const struct case_result *cr)
{
	size_t total = rn->set->n, width = 30, fill = total ? rn->done * width / total : width;

	if (!rn->o->progress_tty) {
		printf("%-5s %s (%.2fs)%s%s\n", verdict_name(cr->verdict), cr->id, cr->elapsed,
		       cr->verdict == VERDICT_PASS || !cr->reason ? "" : ": ",
		       cr->verdict == VERDICT_PASS || !cr->reason ? "" : cr->reason);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "\r[");
	for (size_t i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu  pass %zu  fail %zu  error %zu  %.1fs \033[K", rn->done, total,
		rn->counts[VERDICT_PASS], rn->counts[VERDICT_FAIL] + rn->counts[VERDICT_XPASS],
		rn->counts[VERDICT_ERROR], conn_now() - rn->t0);
	if (rn->done == total)
		fputc('\n', stderr);
}

static void run_one(struct runner *rn, size_t i)
{
	const struct case_def *c = &rn->set->cases[i];
	struct case_result *cr = &rn->r->cases[i];
	char *skip = skip_reason(c, rn->o);
	struct exec_opts eo = {.host = rn->o->host, .port = rn->o->port,
			       .seed = rn->o->seed + i, .run_tag = rn->run_tag,
			       .reply_timeout = rn->o->reply_timeout, .stop = rn->o->stop,
			       .admin = rn->o->admin};
	char *pcap = pcap_path_for(rn->o, c);

	eo.pcap_path = pcap;
	if (skip)
		skip_case(c, skip, cr);
	else
		exec_case(c, &eo, cr);
	free(pcap);
	annotate(rn, c, cr);
	pthread_mutex_lock(&rn->lock);
	rn->done++;
	rn->counts[cr->verdict]++;
	progress(rn, cr);
	pthread_mutex_unlock(&rn->lock);
}

static void *worker(void *arg)
{
	struct runner *rn = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&rn->lock);
		i = rn->next;
		if (i < rn->set->n && !(rn->o->stop && *rn->o->stop))
			rn->next++;
		else
			i = SIZE_MAX;
		pthread_mutex_unlock(&rn->lock);
		if (i == SIZE_MAX)
			return NULL;
		run_one(rn, i);
	}
}

static void iso_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int start_workers(struct runner *rn, unsigned jobs)
{
	pthread_t tids[64];
	unsigned started = 0;

	if (jobs > 64)
		jobs = 64;
	for (; started < jobs; started++)
		if (pthread_create(&tids[started], NULL, worker, rn) != 0)
			break;
	if (started == 0)
		worker(rn);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	return 0;
}

/* Results are kept only for the cases that ran (Ctrl-C stops the rest). */
static void drop_unrun(struct run_result *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->ncases; i++) {
		if (r->cases[i].id)
			r->cases[kept++] = r->cases[i];
	}
	r->ncases = kept;
}

int run_cases(const struct case_set *set, const struct run_opts *o, struct run_result *r,
	      char *err, size_t errlen)
{
	struct runner rn = {.set = set, .o = o, .r = r, .t0 = conn_now()};
	struct baseline *bl = NULL;
	char started[32], target[300];

	if (o->baseline && baseline_load(o->baseline, &bl, err, errlen) != 0)
		return -1;
	if (o->record_pcap_dir && mkdir_p(o->record_pcap_dir) != 0) {
		snprintf(err, errlen, "--record-pcap %s: %s", o->record_pcap_dir, strerror(errno));
		baseline_free(bl);
		return -1;
	}
	rn.baseline = bl;
	snprintf(rn.run_tag, sizeof(rn.run_tag), "%ld-%llx", (long)getpid(),
		 (unsigned long long)o->seed);
	iso_now(started, sizeof(started));
	snprintf(target, sizeof(target), "%s:%u", o->host, o->port);
	*r = (struct run_result){.tool_version = strdup(NFS41CHECK_VERSION), .target = strdup(target),
				 .started = strdup(started), .jobs = o->jobs,
				 .baseline = o->baseline ? strdup(o->baseline) : NULL};
	r->requirements = reqindex_all(&r->nrequirements);
	r->cases = calloc(set->n ? set->n : 1, sizeof(*r->cases));
	if (!r->cases) {
		snprintf(err, errlen, "out of memory");
		baseline_free(bl);
		return -1;
	}
	r->ncases = set->n;
	pthread_mutex_init(&rn.lock, NULL);
	start_workers(&rn, o->jobs ? o->jobs : 1);
	pthread_mutex_destroy(&rn.lock);
	r->interrupted = o->stop && *o->stop;
	drop_unrun(r);
	r->elapsed = conn_now() - rn.t0;
	baseline_free(bl);
	return 0;
}
