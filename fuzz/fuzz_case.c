/*
 * fuzz_case.c - any text as a case file: the parser (case_parse_text, with the compiled-in
 * requirement index and a fixture folder made once at start) fails with one "file:line:col:
 * message" or yields a case whose parts hang together, whose step sources re-lex to themselves
 * and whose values the executor can evaluate and set. No whole-file round trip: `nfs41check
 * show` prints steps for reading (no header, no expect/save/with lines), not a case file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_parse.h"
#include "fields.h"
#include "fuzz.h"
#include "lexer.h"
#include "reqindex.h"

#define MAX_INPUT (1u << 20) /* case_parse_file reads no larger file */
#define CASE_NAME "cases/fuzz/input.case"

/* Fixtures an input may name: the project's two, one that fails on its second line, one that
 * includes itself (the nesting limit) and one that renames its connection twice over. */
static const struct {
	const char *name, *text;
} fixtures[] = {
	{"client", "conn > EXCHANGE_ID\nconn < NFS4_OK: EXCHANGE_ID\n"},
	{"session", "fixture client\nconn > CREATE_SESSION\nconn < NFS4_OK: CREATE_SESSION\n"
		    "conn > SEQUENCE ; PUTROOTFH ; GETATTR attr_request=0x400\n"
		    "conn < NFS4_OK: SEQUENCE PUTROOTFH GETATTR\n    expect GETATTR.lease_time > 0\n"},
	{"broken", "conn > SEQUENCE\nconn < NFS4_OK: SEQUENCEX\n"},
	{"loop", "fixture loop\n"},
	{"nested", "fixture client conn\nconn > @f SEQUENCE\nconn < @f NFS4_OK\n"},
};

static char fixture_dir[64];
static FILE *sink;
static int verbose = -1;
static const char *current_text; /* the input being parsed */

static void remove_fixtures(void)
{
	char path[128];

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.fixture", fixture_dir, fixtures[i].name);
		unlink(path);
	}
	rmdir(fixture_dir);
}

/* Once: the fixture folder in a fresh temporary directory (nothing of the checkout is read). */
static void set_up(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[128];

	if (!tmp || !*tmp || strlen(tmp) > 32 || strchr(tmp, ':'))
		tmp = "/tmp";
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/fuzz_case.XXXXXX", tmp);
	if (!mkdtemp(fixture_dir) || !(sink = fopen("/dev/null", "w")))
		abort();
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.fixture", fixture_dir, fixtures[i].name);
		FILE *f = fopen(path, "w");
		if (!f || fputs(fixtures[i].text, f) < 0 || fclose(f) != 0)
			abort();
	}
	atexit(remove_fixtures);
}

static bool requirement_known(const char *id) { return reqindex_find(id) != NULL; }

/* ---- errors: "file:line:col: message" (case_parse.h, docs/case-language.md) -------------- */

/* The text a message's file names: the input, or one of the fixtures; NULL if neither. */
static const char *text_of(const char *file, size_t flen, const char *input)
{
	size_t dlen = strlen(fixture_dir);

	if (flen == strlen(CASE_NAME) && memcmp(file, CASE_NAME, flen) == 0)
		return input;
	if (flen <= dlen + 1 || memcmp(file, fixture_dir, dlen) != 0 || file[dlen] != '/')
		return NULL;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char want[128];
		snprintf(want, sizeof(want), "%s/%s.fixture", fixture_dir, fixtures[i].name);
		if (strlen(want) == flen && memcmp(want, file, flen) == 0)
			return fixtures[i].text;
	}
	return NULL;
}

/* Length of line `line` (1-based) of text, as the parser splits lines; -1 past the end. A text
 * without lines (empty) has an empty line 1: whole-case errors point at 1:1. */
static long line_length(const char *text, unsigned long line)
{
	const char *s = text;

	for (unsigned long n = 1; n < line; n++) {
		const char *nl = strchr(s, '\n');
		if (!nl || !nl[1])
			return -1;
		s = nl + 1;
	}
	return (long)strcspn(s, "\n");
}

static unsigned long number_at(const char **s)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)**s))
		abort();
	v = strtoul(*s, &end, 10);
	*s = end;
	return v;
}

/* Where the file name of err ends: the input's name, or a fixture's path. */
static size_t file_part(const char *err)
{
	size_t dlen = strlen(fixture_dir);
	const char *end;

	if (strncmp(err, CASE_NAME ":", strlen(CASE_NAME) + 1) == 0)
		return strlen(CASE_NAME);
	if (strncmp(err, fixture_dir, dlen) != 0 || err[dlen] != '/' ||
	    !(end = strstr(err + dlen, ".fixture:")))
		abort();
	return (size_t)(end - err) + strlen(".fixture");
}

/* The error names a known file, a line it has, a column within (or just past) that line, and
 * says something. */
static void check_error(const char *err, const char *input)
{
	size_t flen = file_part(err);
	const char *text = text_of(err, flen, input), *s = err + flen + 1;
	unsigned long line, col;
	long len;

	if (!text)
		abort();
	line = number_at(&s);
	if (*s++ != ':')
		abort();
	col = number_at(&s);
	if (s[0] != ':' || s[1] != ' ' || !s[2] || line == 0 || col == 0)
		abort();
	if ((len = line_length(text, line)) < 0 || col > (unsigned long)len + 1)
		abort();
}

/* ---- a parsed case -------------------------------------------------------------------------- */

/* A step's source, as reports and `show` print it, is its tokens: lexed again it reads the same. */
static void check_source(const struct step *s)
{
	struct line_tokens lt, again;
	unsigned col;
	char err[256], *joined;
	size_t len = 1, used = 0;

	if (!s->source || lex_line(s->source, &lt, &col, err, sizeof(err)) != 0)
		abort();
	for (size_t i = 0; i < lt.n; i++)
		len += strlen(lt.t[i].text) + 2;
	if (!(joined = malloc(len)))
		abort();
	for (size_t i = 0; i < lt.n; i++) {
		const char *sigil = lt.t[i].kind == TOK_VAR ? "$" : lt.t[i].kind == TOK_LABEL ? "@" : "";
		used += (size_t)snprintf(joined + used, len - used, "%s%s%s", i ? " " : "", sigil,
					 lt.t[i].text);
	}
	if (strcmp(joined, s->source) != 0 || lex_line(joined, &again, &col, err, sizeof(err)) != 0 ||
	    again.n != lt.n)
		abort();
	for (size_t i = 0; i < lt.n; i++)
		if (again.t[i].kind != lt.t[i].kind || strcmp(again.t[i].text, lt.t[i].text) != 0 ||
		    again.t[i].len != lt.t[i].len ||
		    (lt.t[i].len && memcmp(again.t[i].bytes, lt.t[i].bytes, lt.t[i].len) != 0))
			abort();
	lex_free(&again);
	lex_free(&lt);
	free(joined);
}

/* Evaluate x as the executor would, in a run that has the fixtures' variables: 0, or -1 with
 * a message (v is then empty). */
static int eval(const struct expr *x, struct env *env, struct value *v)
{
	char err[256] = "", buf[64];

	if (!x || !x->text)
		abort();
	if (expr_eval(x, env, v, err, sizeof(err)) != 0) {
		if (!err[0] || v->kind != VAL_NONE)
			abort();
		return -1;
	}
	fprintf(sink, "%s = %s\n", x->text, value_format(v, buf, sizeof(buf)));
	return 0;
}

/* What `check` accepts the executor can set: an argument name the parser let through is one
 * fields_set_arg knows (a wrong kind of value is the run's error, not a crash). */
static void set_args(const struct op_spec *op, struct env *env)
{
	struct nfs_argop a = {.op = op->op};
	struct arena ar = {0};

	for (size_t i = 0; i < op->nargs; i++) {
		struct value v;
		char err[256] = "";
		if (eval(op->args[i].value, env, &v) == 0 && strcmp(op->args[i].name, "xdr") != 0 &&
		    fields_set_arg(&a, op->args[i].name, &v, &ar, err, sizeof(err)) != 0 &&
		    (!err[0] || strstr(err, "has no argument")))
			abort();
		value_free(&v);
	}
	arena_free(&ar);
}

static void eval_args(const struct arg *args, size_t n, struct env *env)
{
	for (size_t i = 0; i < n; i++) {
		struct value v;
		if (!args[i].name)
			abort();
		eval(args[i].value, env, &v);
		value_free(&v);
	}
}

/* A reply path the parser let through is one fields_get_res reads (OP.field; GETATTR's
 * attributes are unpacked by the executor, the top-level and call.* names by the matcher). */
static void read_path(const char *path)
{
	const char *dot = strchr(path, '.');
	struct nfs_resop r = {.status = NFS4_OK};
	char op[64], err[256] = "";
	struct value v;

	if (!dot || strncmp(path, "call.", 5) == 0)
		return;
	snprintf(op, sizeof(op), "%.*s", (int)(dot - path), path);
	if (!nfs4_op_parse(op, &r.op))
		abort();
	if (r.op == OP_GETATTR && strncmp(dot + 1, "obj_attributes", 14) != 0)
		return;
	if (fields_get_res(&r, dot + 1, &v, err, sizeof(err)) == 0)
		value_free(&v);
	else if (!err[0] || strstr(err, "has no result field"))
		abort();
}

static void check_check(const struct check *k, struct env *env)
{
	struct value v;

	if (!k->path || k->nvalues == 0 || (k->op != CHK_IN && k->nvalues != 1))
		abort();
	read_path(k->path);
	for (size_t i = 0; i < k->nvalues; i++) {
		eval(k->values[i], env, &v);
		value_free(&v);
	}
	if (k->mask) {
		eval(k->mask, env, &v);
		value_free(&v);
	}
	if (k->guard)
		check_check(k->guard, env);
}

static void check_send(const struct send_spec *s, struct env *env)
{
	struct value v;

	if (s->resend != (s->resend_of != NULL))
		abort();
	eval_args(s->callargs, s->ncallargs, env);
	for (size_t i = 0; i < s->nops; i++)
		set_args(&s->ops[i], env);
	for (size_t i = 0; i < s->nmutations; i++) {
		const struct mutation *m = &s->mutations[i];
		if ((m->kind == MUT_POKE32 || m->kind == MUT_POKE8) != (m->offset != NULL))
			abort();
		if (m->offset) {
			eval(m->offset, env, &v);
			value_free(&v);
		}
		eval(m->value, env, &v);
		value_free(&v);
	}
	if (s->fragment) {
		eval(s->fragment, env, &v);
		value_free(&v);
	}
	if (s->hex) {
		eval(s->hex, env, &v);
		value_free(&v);
	}
}

static void check_expect(const struct expect_spec *e, struct env *env)
{
	for (size_t i = 0; i < e->nchecks; i++)
		check_check(&e->checks[i], env);
	for (size_t i = 0; i < e->nsaves; i++)
		if (!e->saves[i].var || !e->saves[i].path)
			abort();
		else
			read_path(e->saves[i].path);
	if (e->within) {
		struct value v;
		eval(e->within, env, &v);
		value_free(&v);
	}
}

/* True when text has word as a whole word (not inside "connect" or "c1conn"). */
static bool names_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool starts = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool ends = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (starts && ends)
			return true;
	}
	return false;
}

/* Steps point into the case's own files; repeat/end pair up; connection steps name one. */
static void check_step(const struct case_def *c, size_t i, struct env *env)
{
	const struct step *s = &c->steps[i];
	bool file_ok = s->loc.file == c->file;
	struct value v;

	for (size_t j = 0; j < c->nfixture_files && !file_ok; j++)
		file_ok = s->loc.file == c->fixture_files[j];
	if (!file_ok || s->loc.line == 0 || s->loc.col == 0)
		abort();
	if ((s->kind <= STEP_EXPECT) != (s->conn != NULL))
		abort();
	/* A fixture's `conn` is renamed (c1 by default): one that is not stayed "conn", which
	 * an input never naming it cannot have asked for. */
	if (s->conn && s->loc.file != c->file && !strcmp(s->conn, "conn") &&
	    !names_word(current_text, "conn"))
		abort();
	fprintf(sink, "%4u  %-10s %s\n", s->loc.line, step_kind_name(s->kind), s->source);
	check_source(s);
	switch (s->kind) {
	case STEP_CONNECT: eval_args(s->u.send.callargs, s->u.send.ncallargs, env); break;
	case STEP_SEND: check_send(&s->u.send, env); break;
	case STEP_EXPECT: check_expect(&s->u.expect, env); break;
	case STEP_SLEEP: eval(s->u.sleep.amount, env, &v), value_free(&v); break;
	case STEP_SET: eval(s->u.set.value, env, &v), value_free(&v); break;
	case STEP_REPEAT:
		if (s->u.repeat.end <= i || s->u.repeat.end >= c->nsteps ||
		    c->steps[s->u.repeat.end].kind != STEP_END ||
		    c->steps[s->u.repeat.end].u.end.start != i)
			abort();
		eval(s->u.repeat.count, env, &v), value_free(&v);
		break;
	case STEP_END:
		if (s->u.end.start >= i || c->steps[s->u.end.start].kind != STEP_REPEAT)
			abort();
		break;
	case STEP_HOOK:
		if (!s->u.hook.def)
			abort();
		eval_args(s->u.hook.args, s->u.hook.nargs, env);
		break;
	default: break;
	}
}

/* The header the parser insists on, with catalogue requirement ids, and at least one step. */
static void check_case(const struct case_def *c)
{
	static const uint8_t sessionid[16] = {1, 2, 3};
	struct env env;

	if (!c->file || strcmp(c->file, CASE_NAME) != 0 || !c->id || !c->title || !c->level ||
	    !c->nrequirements || !c->nsteps || !c->group || strcmp(c->group, "fuzz") != 0)
		abort();
	for (size_t i = 0; i < c->nrequirements; i++)
		if (!requirement_known(c->requirements[i]))
			abort();
	env_init(&env, "fuzz", 1);
	if (env_set_int(&env, "clientid", 0x1122334455667788u) || env_set_int(&env, "lease", 5) ||
	    env_set_int(&env, "seqid[0]", 0xffffffffu) || env_set_int(&env, "i", 0) ||
	    env_set_bytes(&env, "sessionid", sessionid, sizeof(sessionid)) ||
	    env_set_bytes(&env, "fh", sessionid, 0))
		abort();
	for (size_t i = 0; i < c->nsteps; i++)
		check_step(c, i, &env);
	env_free(&env);
}

/* Input: the text of a case file (a NUL byte makes it no text file: case_parse_file says so). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts o = {.requirement_known = requirement_known};
	struct case_def c;
	char err[1024], *text;

	if (size > MAX_INPUT || memchr(data, '\0', size))
		return 0;
	if (!sink)
		set_up();
	o.fixture_dir = fixture_dir;
	if (!(text = malloc(size + 1)))
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	current_text = text;
	err[0] = '\0';
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL; /* replay: print each error */
	if (case_parse_text(CASE_NAME, text, &o, &c, err, sizeof(err)) == 0) {
		check_case(&c);
	} else {
		if (verbose)
			fprintf(stderr, "%s\n", err);
		check_error(err, text);
	}
	case_free(&c);
	free(text);
	return 0;
}
