/*
 * exec.c - the step loop: one function per step kind (see exec.h).
 *
 * Building a call: defaults from the client state (exec_client.c), then the
 * case's own arguments, then byte mutations. Matching a reply: the outcome
 * (COMPOUND status set, RPC error, close, silence), the result opcodes, then
 * field checks, then saves. The first step that does not match ends the case.
 */
#include "exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_internal.h"

/* ---- results and messages ------------------------------------------------------ */

char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* A decoded message as the wire printer shows it. */
char *msg_detail(const uint8_t *rec, size_t len, uint32_t reply_proc)
{
	struct wire_decode_opts o = {.reply_proc = reply_proc};
	struct wire_msg m;
	struct wire_error e;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	if (wire_msg_decode(rec, len, &o, &m, &e) != WIRE_OK) {
		char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		fprintf(f, "(undecodable, %zu bytes: %s)\n", len, wire_error_format(&e, es, sizeof(es)));
	}
	wire_msg_print(f, &m);
	wire_msg_free(&m);
	fclose(f);
	return buf;
}

static struct step_result *cur_step(struct exec *x) { return &x->r->steps[x->r->nsteps - 1]; }

/* Record the first failure of the case: verdict FAIL or ERROR with a located message. */
int step_fail(struct exec *x, enum verdict v, const char *fmt, ...)
{
	struct step_result *s = cur_step(x);
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->verdict = v;
	free(s->message);
	s->message = xstrdup(msg);
	if (!x->failed) {
		/* The case's reason is one line: where, and the first line of what. */
		x->failed = true;
		x->r->verdict = v;
		x->r->reason = xasprintf("%s:%u:%u: %s: %.*s", x->step->loc.file, x->step->loc.line,
					 x->step->loc.col, step_kind_name(x->step->kind),
					 (int)strcspn(msg, "\n"), msg);
	}
	return -1;
}

void ladder_add(struct exec *x, const char *conn, int from_server, const uint8_t *rec, size_t len,
		uint32_t reply_proc)
{
	struct wire_decode_opts o = {.reply_proc = reply_proc};
	struct ladder_event *ev;
	struct wire_msg m;
	struct wire_error e;
	char sum[512];

	ev = realloc(x->r->events, (x->r->nevents + 1) * sizeof(*ev));
	if (!ev)
		return;
	x->r->events = ev;
	ev = &ev[x->r->nevents++];
	*ev = (struct ladder_event){.t = conn_now() - x->t0, .conn = xstrdup(conn),
				    .from_server = from_server};
	wire_msg_decode(rec, len, &o, &m, &e);
	ev->xid = m.xid;
	ev->summary = xstrdup(wire_msg_summary(&m, sum, sizeof(sum)));
	if (!from_server && m.is_compound && m.args.argarray_len &&
	    m.args.argarray[0].op == OP_SEQUENCE && !m.args.argarray[0].undecoded) {
		ev->has_slot = 1;
		ev->slot = m.args.argarray[0].u.sequence.sa_slotid;
		ev->seqid = m.args.argarray[0].u.sequence.sa_sequenceid;
	}
	if (from_server && m.is_compound && m.res.resarray_len && m.res.resarray[0].op == OP_SEQUENCE &&
	    m.res.resarray[0].status == NFS4_OK) {
		ev->has_slot = 1;
		ev->slot = m.res.resarray[0].u.sequence.sr_slotid;
		ev->seqid = m.res.resarray[0].u.sequence.sr_sequenceid;
	}
	wire_msg_free(&m);
	ev->detail = msg_detail(rec, len, reply_proc);
}

int eval_int(struct exec *x, const struct expr *e, uint64_t *out)
{
	struct value v;
	char err[256];

	if (expr_eval(e, &x->env, &v, err, sizeof(err)) != 0)
		return step_fail(x, VERDICT_ERROR, "%s", err);
	if (v.kind != VAL_INT) {
		value_free(&v);
		return step_fail(x, VERDICT_ERROR, "'%s' is not a number", e->text);
	}
	*out = v.i;
	return 0;
}

/* ---- connections ------------------------------------------------------------------- */

struct xconn *conn_find(struct exec *x, const char *name)
{
	for (size_t i = 0; i < x->nconns; i++)
		if (strcmp(x->conns[i].name, name) == 0)
			return &x->conns[i];
	return NULL;
}

static struct xconn *conn_add(struct exec *x, const char *name)
{
	struct xconn *c;

	if (x->nconns == EXEC_MAX_CONNS) {
		step_fail(x, VERDICT_ERROR, "more than %d connections", EXEC_MAX_CONNS);
		return NULL;
	}
	c = &x->conns[x->nconns];
	*c = (struct xconn){.name = name};
	c->c.fd = -1;
	c->c.index = (int)x->nconns++;
	return c;
}

static int conn_connect(struct exec *x, struct xconn *c)
{
	char err[300];

	if (conn_open(&c->c, c->c.index, x->o->host, x->o->port, conn_now() + 10, &x->observer, err,
		      sizeof(err)) != 0)
		return step_fail(x, VERDICT_ERROR, "%s: %s", c->name, err);
	c->used = true;
	return 0;
}

/* The connection a send or expect names; a send opens it on first use. */
struct xconn *conn_for(struct exec *x, const char *name, bool open)
{
	struct xconn *c = conn_find(x, name);

	if (!c && !(c = conn_add(x, name)))
		return NULL;
	if (open && !c->used && conn_connect(x, c) != 0)
		return NULL;
	return c;
}

static int step_connect(struct exec *x, const struct step *s)
{
	struct xconn *c = conn_find(x, s->conn);

	if (c && c->c.fd >= 0)
		return step_fail(x, VERDICT_ERROR, "%s is already connected", s->conn);
	if (!c && !(c = conn_add(x, s->conn)))
		return -1;
	c->defaults = s->u.send.callargs;
	c->ndefaults = s->u.send.ncallargs;
	return conn_connect(x, c);
}

static int step_disconnect(struct exec *x, const struct step *s, bool reopen)
{
	struct xconn *c = conn_find(x, s->conn);

	if (!c || !c->used)
		return step_fail(x, VERDICT_ERROR, "%s was never connected", s->conn);
	conn_close(&c->c);
	return reopen ? conn_connect(x, c) : 0;
}

/* ---- sleep, set, repeat ------------------------------------------------------------- */

static int step_sleep(struct exec *x, const struct step *s)
{
	uint64_t amount = 0;
	double secs, end;

	if (eval_int(x, s->u.sleep.amount, &amount) != 0)
		return -1;
	secs = (double)amount * s->u.sleep.unit;
	if (s->u.sleep.in_leases) {
		const struct value *lease = env_get(&x->env, "lease");
		if (!lease || lease->kind != VAL_INT)
			return step_fail(x, VERDICT_ERROR,
					 "sleep in leases: $lease is not known (the session fixture "
					 "reads it with GETATTR lease_time)");
		secs *= (double)lease->i;
	}
	end = conn_now() + secs;
	if (end > x->deadline)
		return step_fail(x, VERDICT_ERROR, "sleeping %.1f s would pass the case timeout (%.0f s)",
				 secs, x->c->timeout);
	while (conn_now() < end) {
		struct timespec ts = {0, 50L * 1000 * 1000};
		if (x->o->stop && *x->o->stop)
			return step_fail(x, VERDICT_ERROR, "interrupted");
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int step_set(struct exec *x, const struct step *s)
{
	struct value v;
	char err[256];
	int rc;

	if (expr_eval(s->u.set.value, &x->env, &v, err, sizeof(err)) != 0)
		return step_fail(x, VERDICT_ERROR, "%s", err);
	rc = env_set(&x->env, s->u.set.var, &v);
	value_free(&v);
	return rc;
}

/* Returns the index of the next step to run. */
static size_t step_repeat(struct exec *x, size_t i)
{
	const struct step *s = &x->c->steps[i];
	uint64_t n = 0;

	if (eval_int(x, s->u.repeat.count, &n) != 0)
		return x->c->nsteps;
	if (n == 0)
		return s->u.repeat.end + 1;
	if (x->nloops == EXEC_MAX_LOOPS) {
		step_fail(x, VERDICT_ERROR, "repeat nests deeper than %d", EXEC_MAX_LOOPS);
		return x->c->nsteps;
	}
	x->loops[x->nloops++] = (struct loop){.start = i, .count = n, .i = 0};
	env_set_int(&x->env, "i", 0);
	return i + 1;
}

static size_t step_end(struct exec *x, size_t i)
{
	struct loop *l = &x->loops[x->nloops - 1];

	if (++l->i < l->count) {
		env_set_int(&x->env, "i", l->i);
		return l->start + 1;
	}
	x->nloops--;
	return i + 1;
}

/* ---- the loop ------------------------------------------------------------------------ */

static int begin_step(struct exec *x, const struct step *s)
{
	struct step_result *sr = realloc(x->r->steps, (x->r->nsteps + 1) * sizeof(*sr));

	if (!sr)
		return -1;
	x->r->steps = sr;
	sr = &sr[x->r->nsteps++];
	*sr = (struct step_result){.line = s->loc.line, .verdict = VERDICT_PASS};
	sr->source = s->loc.file == x->c->file
			     ? xstrdup(s->source)
			     : xasprintf("%s   (%s:%u)", s->source, s->loc.file, s->loc.line);
	x->step = s;
	x->step_t0 = conn_now();
	return 0;
}

static size_t run_step(struct exec *x, size_t i)
{
	const struct step *s = &x->c->steps[i];
	int rc = 0;

	switch (s->kind) {
	case STEP_CONNECT: rc = step_connect(x, s); break;
	case STEP_DISCONNECT: rc = step_disconnect(x, s, false); break;
	case STEP_RECONNECT: rc = step_disconnect(x, s, true); break;
	case STEP_SEND: rc = step_send(x, s); break;
	case STEP_EXPECT: rc = step_expect(x, s); break;
	case STEP_SLEEP: rc = step_sleep(x, s); break;
	case STEP_SET: rc = step_set(x, s); break;
	case STEP_HOOK: rc = step_hook(x, s); break;
	case STEP_REPEAT: return step_repeat(x, i);
	case STEP_END: return step_end(x, i);
	}
	(void)rc;
	return i + 1;
}

static void exec_free(struct exec *x)
{
	for (size_t i = 0; i < x->nconns; i++)
		conn_close(&x->conns[i].c);
	for (size_t i = 0; i < x->nsent; i++)
		free(x->sent[i].bytes);
	free(x->sent);
	free(x->slots);
	env_free(&x->env);
	arena_free(&x->arena);
	recorder_finish(x);
}

static void fill_identity(const struct case_def *c, struct case_result *r)
{
	r->id = xstrdup(c->id);
	r->title = xstrdup(c->title);
	r->file = xstrdup(c->file);
	r->group = xstrdup(c->group);
	r->level = xstrdup(c->level);
	r->requirements = calloc(c->nrequirements ? c->nrequirements : 1, sizeof(char *));
	for (size_t i = 0; r->requirements && i < c->nrequirements; i++)
		r->requirements[i] = xstrdup(c->requirements[i]);
	r->nrequirements = r->requirements ? c->nrequirements : 0;
	r->tags = calloc(c->ntags ? c->ntags : 1, sizeof(char *));
	for (size_t i = 0; r->tags && i < c->ntags; i++)
		r->tags[i] = xstrdup(c->tags[i]);
	r->ntags = r->tags ? c->ntags : 0;
}

int exec_case(const struct case_def *c, const struct exec_opts *o, struct case_result *r)
{
	struct exec x = {.c = c, .o = o, .r = r};
	char prefix[200];
	size_t i = 0;

	memset(r, 0, sizeof(*r));
	fill_identity(c, r);
	r->verdict = VERDICT_PASS;
	snprintf(prefix, sizeof(prefix), "nfs41check-%s-%s", o->run_tag ? o->run_tag : "run", c->id);
	env_init(&x.env, prefix, o->seed ^ (uint64_t)(uintptr_t)c);
	x.t0 = conn_now();
	x.deadline = x.t0 + c->timeout;
	x.next_xid = (uint32_t)(o->seed * 2654435761u) ^ 0x4e460000u;
	recorder_start(&x);
	while (i < c->nsteps && !x.failed) {
		if (begin_step(&x, &c->steps[i]) != 0)
			break;
		if (o->stop && *o->stop) {
			step_fail(&x, VERDICT_ERROR, "interrupted");
			break;
		}
		i = run_step(&x, i);
		cur_step(&x)->elapsed = conn_now() - x.step_t0;
	}
	r->elapsed = conn_now() - x.t0;
	exec_free(&x);
	return 0;
}
