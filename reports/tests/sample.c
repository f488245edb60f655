/* sample.c - builds the sample run the report tests render: every verdict, hostile strings. */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample.h"

static const struct requirement index_rows[SAMPLE_REQUIREMENTS] = {
	{"EID-01", "MUST", "§18.35.3", "EXCHANGE_ID returns a client id"},
	{"EID-02", "MUST", "§18.35.3", "the reply carries exactly one pNFS role flag"},
	{"EID-03", "SHOULD", "§18.35.4", "eir_server_owner is stable across calls"},
	{"EID-09", "MUST", "§18.35.4",
	 "an unconfirmed record is replaced <b>atomically</b> & fully"},
	{"SES-01", "MUST", "§18.36.3", "CREATE_SESSION confirms the client id"},
	{"SES-02", "MUST NOT", "§18.36.4", "a replayed CREATE_SESSION creates no second session"},
	{"SES-03", "MAY", "§18.36.4", "the server may reduce the fore channel's slots"},
	{"SES-05", "MUST NOT", "§18.36.4", "csa_sequence out of order: no session | no state"},
	{"SEQ-01", "MUST", "§18.46.3", "SEQUENCE must be the first operation"},
	{"SEQ-02", "MUST", "§18.46.3", "sr_highest_slotid is at most the table size"},
	{"SEQ-03", "MUST", "§2.10.6.1", "a seqid two ahead gets NFS4ERR_SEQ_MISORDERED"},
	{"SEQ-04", "MUST", "§2.10.6.1.3", "a retry is answered from the reply cache"},
	{"SEQ-05", "MUST", "§2.10.6.1", "slot ids past the highest get NFS4ERR_BADSLOT"},
	{"SEQ-06", "MUST", "§2.10.6.2", "a false retry is detected"},
	{"SEQ-10", "SHOULD", "§2.10.6.1", "the server should signal a shrinking slot table"},
	{"SEQ-11", "MUST", "§2.10.6.1", "séquence identifiers wrap \xe2\x80\x94 a `pipe` | here"},
	{"DST-01", "MUST", "§18.37.3", "DESTROY_SESSION on an unknown session gets BADSESSION"},
	{"DST-02", "SHOULD NOT", "§18.37.3", "no destroy while requests are in flight"},
	{"RC-01", "MUST", "§18.51.3", "RECLAIM_COMPLETE twice gets NFS4ERR_COMPLETE_ALREADY"},
	{"RC-02", "SHOULD NOT", "§18.51.4", "no reclaim after RECLAIM_COMPLETE"},
	{"LEASE-01", "MAY", "§8.3", "a lease may be renewed by any SEQUENCE"},
	{"LEASE-02", "MUST", "§8.3", "SEQUENCE renews the lease"},
};

const char *const sample_uncovered_must[] = {"EID-09", "SES-05", "SEQ-11"};
const size_t sample_nuncovered_must = 3;
const char *const sample_uncovered_should[] = {"SEQ-10"};
const size_t sample_nuncovered_should = 1;

/* RC-02 waived (hostile reason), DST-02 waived although dst-02 cites it (unused). */
static const struct waiver waivers[SAMPLE_WAIVERS] = {
	{"RC-02", "needs a <b>server restart</b> | `not` & observable", 3},
	{"DST-02", "stale: a case cites it", 7},
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		abort();
	return d;
}

/* A NULL-terminated list of strings into a heap array. */
static char **strings(size_t *n, ...)
{
	va_list ap;
	char **v = xcalloc(8, sizeof(*v));
	const char *s;

	*n = 0;
	va_start(ap, n);
	while ((s = va_arg(ap, const char *)) != NULL && *n < 8)
		v[(*n)++] = xstrdup(s);
	va_end(ap);
	return v;
}

struct case_spec {
	const char *id, *group, *title, *level;
	enum verdict verdict, raw;
	const char *reason, *rfc, *req1, *req2;
};

static const struct case_spec specs[SAMPLE_CASES] = {
	{"eid-01", "exchange_id", "EXCHANGE_ID returns a client id", "MUST", VERDICT_PASS,
	 VERDICT_PASS, NULL, NULL, "EID-01", NULL},
	{"eid-02", "exchange_id", SAMPLE_EVIL_TITLE, "MUST", VERDICT_FAIL, VERDICT_FAIL,
	 "expected eir_flags & 0x00070000 == 0x00010000, got 0x00000000 <none>",
	 "RFC 8881 §18.35.3", "EID-02", "EID-03"},
	{"ses-01", "create_session", "CREATE_SESSION confirms", "MUST", VERDICT_PASS, VERDICT_PASS,
	 NULL, NULL, "SES-01", NULL},
	{"ses-02", "create_session", "replayed CREATE_SESSION", "MUST NOT", VERDICT_XFAIL,
	 VERDICT_FAIL, "known server bug #1234: creates a second session", "RFC 8881 §18.36.4",
	 "SES-02", NULL},
	{"ses-03", "create_session", "slot count negotiation", "MAY", VERDICT_ERROR, VERDICT_ERROR,
	 "connection refused by 127.0.0.1:2049", NULL, "SES-03", NULL},
	{"seq-01", "sequence", "SEQUENCE first", "MUST", VERDICT_PASS, VERDICT_PASS, NULL, NULL,
	 "SEQ-01", "SEQ-02"},
	{"seq-02", "sequence", SAMPLE_UNICODE_TITLE, "MUST", VERDICT_FAIL, VERDICT_FAIL,
	 "expected NFS4ERR_SEQ_MISORDERED, got NFS4_OK", "RFC 8881 §2.10.6.1", "SEQ-03", NULL},
	{"seq-03", "sequence", "reply cache retry", "MUST", VERDICT_XPASS, VERDICT_PASS,
	 "baseline: cache misses retries (fixed in 4.2?)", "RFC 8881 §2.10.6.1.3", "SEQ-04", NULL},
	{"seq-04", "sequence", "bad slot id", "MUST", VERDICT_SKIP, VERDICT_SKIP,
	 "server lacks feature `pnfs`", NULL, "SEQ-05", NULL},
	{"seq-05", "sequence", "false retry", "MUST", VERDICT_XFAIL, VERDICT_FAIL,
	 "baseline: false retries go undetected", "RFC 8881 §2.10.6.2", "SEQ-06", NULL},
	{"dst-01", "destroy_session", "unknown session", "MUST", VERDICT_SKIP, VERDICT_SKIP,
	 "filtered at run time: --tag slow", NULL, "DST-01", NULL},
	{"dst-02", "destroy_session", "destroy with requests in flight", "SHOULD NOT",
	 VERDICT_ERROR, VERDICT_ERROR, "timeout after 5.000s waiting for xid 0x0000002a", NULL,
	 "DST-02", "UNK-99"},
	{"dst-03", "destroy_session", "destroy twice", "MUST", VERDICT_XPASS, VERDICT_PASS,
	 "baseline: second destroy succeeds", "RFC 8881 §18.37.3", "DST-01", NULL},
	{"rc-01", NULL, "RECLAIM_COMPLETE twice", "MUST", VERDICT_FAIL, VERDICT_FAIL,
	 "got \x1b[31mNFS4_OK\x1b[0m\nwhere NFS4ERR_COMPLETE_ALREADY was expected",
	 "RFC 8881 §18.51.3", "RC-01", NULL},
	{"seq-06", "sequence", "lease renewal", "MUST", VERDICT_PASS, VERDICT_PASS, NULL, NULL,
	 "LEASE-02", NULL},
};

static void add_step(struct case_result *c, unsigned line, const char *source, enum verdict v,
		     const char *message, const char *observed)
{
	struct step_result *s = &c->steps[c->nsteps++];

	s->line = line;
	s->source = xstrdup(source);
	s->verdict = v;
	s->message = xstrdup(message);
	s->observed = xstrdup(observed);
	s->elapsed = 0.0015 * line;
}

static void add_event(struct case_result *c, const char *conn, int from_server, uint32_t xid,
		      int slot, const char *summary, const char *detail)
{
	struct ladder_event *e = &c->events[c->nevents];

	e->t = 0.0021 * (double)c->nevents;
	e->conn = xstrdup(conn);
	e->from_server = from_server;
	e->xid = xid;
	e->has_slot = slot >= 0;
	e->slot = slot >= 0 ? (uint32_t)slot : 0;
	e->seqid = slot >= 0 ? c->nevents / 2 + 1 : 0;
	e->summary = xstrdup(summary);
	e->detail = xstrdup(detail);
	c->nevents++;
}

static void plain_steps(struct case_result *c, enum verdict last)
{
	add_step(c, 3, "EXCHANGE_ID owner=\"nfs41check-<id>\" flags=0", VERDICT_PASS, NULL, NULL);
	add_step(c, 5, "CREATE_SESSION", VERDICT_PASS, NULL,
		 "NFS4_OK (one of NFS4_OK|NFS4ERR_DELAY)");
	if (last == VERDICT_FAIL || last == VERDICT_ERROR)
		add_step(c, 9, "SEQUENCE slot=0 seqid=+2 expect NFS4ERR_SEQ_MISORDERED", last,
			 c->reason, NULL);
	else
		add_step(c, 9, "SEQUENCE slot=0", last, NULL, NULL);
}

static void plain_events(struct case_result *c, uint32_t xid)
{
	add_event(c, "c1", 0, xid, -1, "V4 Call xid 0x00000001 COMPOUND v4.1 EXCHANGE_ID",
		  "COMPOUND4args tag \"\" minorversion 1, 1 ops\n  [0] EXCHANGE_ID (42)");
	add_event(c, "c1", 1, xid, -1, "V4 Reply xid 0x00000001 COMPOUND NFS4_OK EXCHANGE_ID",
		  "COMPOUND4res status NFS4_OK tag \"\", 1 results\n  [0] EXCHANGE_ID NFS4_OK");
	add_event(c, "c1", 0, xid + 1, 0, "V4 Call xid 0x00000002 COMPOUND v4.1 SEQUENCE PUTROOTFH",
		  "  [0] SEQUENCE sessionid 0102030405060708090a0b0c0d0e0f10 seq 1 slot 0");
	add_event(c, "c1", 1, xid + 1, 0,
		  "V4 Reply xid 0x00000002 COMPOUND NFS4_OK SEQUENCE PUTROOTFH", NULL);
}

/* seq-02: two connections, an error reply, a hostile summary, bad UTF-8 in a detail. */
static void hostile_events(struct case_result *c)
{
	plain_events(c, 0x10);
	add_event(c, "c2-ü", 0, 0x20, 0, "V4 Call xid 0x00000020 COMPOUND v4.1 SEQUENCE",
		  "  [0] SEQUENCE seq 3 slot 0 (two ahead)\n  raw bytes: \xff\xfe \x01 end");
	add_event(c, "c2-ü", 1, 0x20, 0,
		  "V4 Reply xid 0x00000020 COMPOUND NFS4ERR_SEQ_MISORDERED "
		  "SEQUENCE(NFS4ERR_SEQ_MISORDERED) " SAMPLE_EVIL_SUMMARY_TAG,
		  "COMPOUND4res status NFS4ERR_SEQ_MISORDERED\n  <script>alert('detail')</script>");
	add_event(c, "c1", 0, 0x21, -1, "V4 Call xid 0x00000021 COMPOUND v4.1 DESTROY_SESSION",
		  NULL);
	add_event(c, "c1", 1, 0x21, -1, "RPC Reply xid 0x00000021 GARBAGE_ARGS", "accept_stat 4");
}

static void fill_case(struct case_result *c, const struct case_spec *s, size_t i)
{
	c->id = xstrdup(s->id);
	c->title = xstrdup(s->title);
	c->group = xstrdup(s->group);
	c->level = xstrdup(s->level);
	c->verdict = s->verdict;
	c->raw_verdict = s->raw;
	c->reason = xstrdup(s->reason);
	c->rfc_section = xstrdup(s->rfc);
	c->elapsed = 0.01 * (double)(i + 1);
	if (asprintf(&c->file, "cases/%s/%s.case", s->group ? s->group : "misc", s->id) < 0 ||
	    asprintf(&c->repro, "nfs41check run --target 127.0.0.1:2049 --case '%s'", s->id) < 0)
		abort();
	c->requirements = strings(&c->nrequirements, s->req1, s->req2, (const char *)NULL);
	c->tags = strings(&c->ntags, "session", i % 2 ? "slow" : "fast", (const char *)NULL);
}

static void fill_run(struct case_result *c, size_t i)
{
	c->steps = xcalloc(4, sizeof(*c->steps));
	c->events = xcalloc(8, sizeof(*c->events));
	if (c->verdict == VERDICT_SKIP) {
		add_step(c, 3, "EXCHANGE_ID", VERDICT_SKIP, NULL, NULL);
		return;
	}
	plain_steps(c, c->raw_verdict == VERDICT_PASS ? VERDICT_PASS : c->raw_verdict);
	if (strcmp(c->id, "seq-02") == 0)
		hostile_events(c);
	else if (c->verdict != VERDICT_ERROR || i % 2)
		plain_events(c, (uint32_t)(0x100 * (i + 1)));
}

void sample_run(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->tool_version = xstrdup("0.1.0");
	r->target = xstrdup("127.0.0.1:2049");
	r->started = xstrdup("2025-01-02T03:04:05Z");
	r->elapsed = 1.25;
	r->jobs = 4;
	r->baseline = xstrdup("baselines/ganesha-5.7.tsv");
	r->cases = xcalloc(SAMPLE_CASES, sizeof(*r->cases));
	r->ncases = SAMPLE_CASES;
	for (size_t i = 0; i < SAMPLE_CASES; i++) {
		fill_case(&r->cases[i], &specs[i], i);
		fill_run(&r->cases[i], i);
	}
	r->requirements = index_rows;
	r->nrequirements = SAMPLE_REQUIREMENTS;
	r->waivers = waivers;
	r->nwaivers = SAMPLE_WAIVERS;
}

char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/nfs41reports.XXXXXX", base && *base ? base : "/tmp") < 0)
		return NULL;
	if (mkdtemp(dir))
		return dir;
	free(dir);
	return NULL;
}

char *tmpdir_file(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tmpdir_remove(char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *grown = realloc(buf, cap = n + 65536);

			if (!grown)
				abort();
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

size_t count_substr(const char *haystack, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += len)
		n++;
	return n;
}

char *sample_render(writer_fn write, const char *name)
{
	struct run_result r;
	char *dir = tmpdir_make(), *path, *text = NULL;
	char err[256] = "";

	if (!dir)
		return NULL;
	path = tmpdir_file(dir, name);
	sample_run(&r);
	if (write(&r, path, err, sizeof(err)) == 0)
		text = slurp(path, NULL);
	else
		fprintf(stderr, "%s\n", err);
	run_result_free(&r);
	free(path);
	tmpdir_remove(dir);
	return text;
}
