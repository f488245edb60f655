/*
 * case_parse.c - the case-file parser: header lines, then one step per line,
 * with `expect`/`save`/`with` lines attached to the send or expect above.
 */
#include "case_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "lexer.h"
#include "nfs4_const.h"
#include "rpc.h"

#define MAX_FIXTURE_DEPTH 8
#define MAX_FILE_BYTES (1u << 20)

struct parser {
	struct case_def *c;
	const struct parse_opts *o;
	const char *file;   /* owned by c (file or fixture_files) */
	const char *conn_rename; /* inside a fixture: what `conn` means */
	unsigned line;
	struct line_tokens lt;
	size_t i;           /* token cursor */
	bool in_header;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

/* ---- errors and small helpers ------------------------------------------------ */

static int perr_at(struct parser *p, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int perr_at(struct parser *p, unsigned col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->file, p->line, col, msg);
	p->failed = true;
	return -1;
}

static const struct token *peek(const struct parser *p)
{
	static const struct token end = {.kind = TOK_END, .text = (char *)""};

	return p->i < p->lt.n ? &p->lt.t[p->i] : &end;
}

/* The token n after the current one (TOK_END past the line's end). */
static const struct token *peek_at(const struct parser *p, size_t n)
{
	static const struct token end = {.kind = TOK_END, .text = (char *)""};

	return p->i + n < p->lt.n ? &p->lt.t[p->i + n] : &end;
}

/* Column for errors at the current token, or just past the line's last token. */
static unsigned here(const struct parser *p)
{
	const struct token *last;

	if (p->i < p->lt.n)
		return p->lt.t[p->i].col;
	if (p->lt.n == 0)
		return 1;
	last = &p->lt.t[p->lt.n - 1];
	/* a variable's or label's text lacks its sigil ('$', '@'): one column more */
	return last->col + (unsigned)strlen(last->text) +
	       (last->kind == TOK_VAR || last->kind == TOK_LABEL);
}

/* Column for errors about t: past the line's end when t is the end-of-line token (col 0). */
static unsigned col_of(const struct parser *p, const struct token *t)
{
	return t->kind == TOK_END ? here(p) : t->col;
}

static bool is_punct(const struct token *t, const char *s)
{
	return t->kind == TOK_PUNCT && strcmp(t->text, s) == 0;
}

static bool is_word(const struct token *t, const char *s)
{
	return t->kind == TOK_WORD && strcmp(t->text, s) == 0;
}

static bool accept_punct(struct parser *p, const char *s)
{
	if (!is_punct(peek(p), s))
		return false;
	p->i++;
	return true;
}

static int expect_punct(struct parser *p, const char *s, const char *what)
{
	if (accept_punct(p, s))
		return 0;
	return perr_at(p, here(p), "expected '%s' %s", s, what);
}

static struct src_loc loc_here(const struct parser *p) { return (struct src_loc){p->file, p->line, here(p)}; }

static void *grow(void *arr, size_t n, size_t size)
{
	return realloc(arr, (n + 1) * size);
}

/* Append val to arr[n]; when memory runs out, run cleanup (freeing what val owns) and fail. */
#define APPEND(p, arr, n, val, cleanup)                                                       \
	do {                                                                                  \
		void *g_ = grow((arr), (n), sizeof(*(arr)));                                 \
		if (!g_) {                                                                    \
			cleanup;                                                              \
			return perr_at((p), here(p), "out of memory");                      \
		}                                                                             \
		(arr) = g_;                                                                   \
		(arr)[(n)++] = (val);                                                         \
	} while (0)

/* ---- expressions ------------------------------------------------------------ */

static struct expr *parse_expr(struct parser *p);

static int number_value(struct parser *p, const struct token *t, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(t->text, &end, 0);
	if (errno || *end)
		return perr_at(p, t->col, "'%s' is not a whole number", t->text);
	return 0;
}

/* Words that stand for numbers: protocol constants, booleans, flavors. */
static bool word_value(const char *w, uint64_t *v)
{
	static const struct {
		const char *name;
		uint64_t value;
	} words[] = {{"true", 1}, {"TRUE", 1}, {"false", 0}, {"FALSE", 0}, {"none", 0},
		     {"sys", 1},  {"gss", 6},  {"ALL_ONES", UINT32_MAX}};
	uint32_t c;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].name, w) == 0) {
			*v = words[i].value;
			return true;
		}
	}
	if (!nfs4_constant_lookup(w, &c))
		return false;
	*v = c;
	return true;
}

static int parse_term(struct parser *p, struct term *t)
{
	const struct token *k = peek(p);

	*t = (struct term){.sign = '+', .index = -1};
	switch (k->kind) {
	case TOK_NUMBER:
		t->kind = T_NUM;
		p->i++;
		return number_value(p, k, &t->num);
	case TOK_STRING:
	case TOK_HEX:
		t->kind = T_BYTES;
		t->len = k->len;
		t->bytes = malloc(k->len ? k->len : 1);
		if (!t->bytes)
			return perr_at(p, k->col, "out of memory");
		memcpy(t->bytes, k->bytes, k->len);
		p->i++;
		return 0;
	case TOK_VAR: {
		const char *br = strchr(k->text, '[');
		t->kind = T_VAR;
		t->name = strndup(k->text, br ? (size_t)(br - k->text) : strlen(k->text));
		if (br)
			t->index = strtol(br + 1, NULL, 10);
		p->i++;
		return t->name ? 0 : perr_at(p, k->col, "out of memory");
	}
	case TOK_WORD:
		p->i++;
		if (accept_punct(p, "(")) {
			t->kind = T_CALL;
			t->name = strdup(k->text);
			if (!is_punct(peek(p), ")") && !(t->arg = parse_expr(p)))
				return -1;
			return expect_punct(p, ")", "to close the function call");
		}
		t->kind = T_NUM;
		if (word_value(k->text, &t->num))
			return 0;
		if (strcmp(k->text, "absent") == 0) {
			t->kind = T_NONE;
			return 0;
		}
		return perr_at(p, k->col, "unknown name '%s' (not a constant, variable or function)",
			       k->text);
	default:
		return perr_at(p, here(p), "expected a value");
	}
}

static char *source_text(const struct parser *p, size_t from, size_t to)
{
	size_t len = 1, used = 0;
	char *s;

	for (size_t i = from; i < to; i++)
		len += strlen(p->lt.t[i].text) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	for (size_t i = from; i < to; i++) {
		/* variables and labels keep their sigil in messages: "$seq + 1", "@a" */
		const char *sigil = p->lt.t[i].kind == TOK_VAR	   ? "$"
				    : p->lt.t[i].kind == TOK_LABEL ? "@"
								   : "";
		used += (size_t)snprintf(s + used, len - used, "%s%s%s", i > from ? " " : "", sigil,
					 p->lt.t[i].text);
	}
	s[used] = '\0';
	return s;
}

static struct expr *parse_expr(struct parser *p)
{
	struct expr *x = calloc(1, sizeof(*x));
	size_t from = p->i;

	if (!x) {
		perr_at(p, here(p), "out of memory");
		return NULL;
	}
	for (;;) {
		struct term t;
		char sign = '+';
		if (x->nterms) {
			const struct token *k = peek(p);
			if (!is_punct(k, "+") && !is_punct(k, "-") && !is_punct(k, "|"))
				break;
			sign = k->text[0];
			p->i++;
		}
		struct term *terms = grow(x->terms, x->nterms, sizeof(*terms));
		if (!terms) {
			perr_at(p, here(p), "out of memory");
			expr_free(x);
			return NULL;
		}
		x->terms = terms;
		if (parse_term(p, &t) != 0) {
			free(t.bytes);
			free(t.name);
			expr_free(t.arg);
			expr_free(x);
			return NULL;
		}
		t.sign = sign;
		x->terms[x->nterms++] = t;
	}
	x->text = source_text(p, from, p->i);
	return x;
}

/* ---- header ------------------------------------------------------------------ */

/* Header values are plain text, not tokens: titles may hold any character. */
struct header_line {
	char key[32];
	char *value;   /* owned: trimmed, trailing comment removed */
	unsigned col;  /* column where the value starts */
};

static bool split_header(const char *line, struct header_line *h)
{
	size_t k = 0, v, end;

	while (islower((unsigned char)line[k]))
		k++;
	if (k == 0 || k >= sizeof(h->key) || line[k] != ':')
		return false;
	memcpy(h->key, line, k);
	h->key[k] = '\0';
	for (v = k + 1; line[v] == ' ' || line[v] == '\t'; v++)
		;
	for (end = v; line[end]; end++)
		if (line[end] == '#' && (line[end - 1] == ' ' || line[end - 1] == '\t'))
			break;
	while (end > v && isspace((unsigned char)line[end - 1]))
		end--;
	h->value = strndup(line + v, end - v);
	h->col = (unsigned)v + 1;
	return h->value != NULL;
}

/* Split a header list on commas and white space. */
static int split_list(struct parser *p, const struct header_line *h, char ***out, size_t *n)
{
	const char *s = h->value;

	while (*s) {
		size_t len = strcspn(s, ", \t");
		if (len) {
			char *item = strndup(s, len);
			if (!item)
				return perr_at(p, h->col, "out of memory");
			APPEND(p, *out, *n, item, free(item));
		}
		s += len;
		s += strspn(s, ", \t");
	}
	return 0;
}

static int parse_timeout(struct parser *p, const struct header_line *h, double *seconds)
{
	char *end;
	double v = strtod(h->value, &end);

	while (*end == ' ')
		end++;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (*end && strcmp(end, "s") != 0)
		return perr_at(p, h->col, "timeout needs a number of seconds, e.g. 10s or 500ms");
	if (end == h->value || v <= 0 || v > 3600)
		return perr_at(p, h->col, "timeout must be between 0 and 3600 seconds");
	*seconds = v;
	return 0;
}

static int check_level(struct parser *p, unsigned col, const char *level)
{
	static const char *const levels[] = {"MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(level, levels[i]) == 0)
			return 0;
	return perr_at(p, col, "level must be MUST, MUST NOT, SHOULD, SHOULD NOT or MAY, not '%s'",
		       level);
}

static int set_string(struct parser *p, struct header_line *h, char **field)
{
	if (*field)
		return perr_at(p, 1, "'%s' is given twice", h->key);
	if (!h->value[0])
		return perr_at(p, h->col, "'%s' needs a value", h->key);
	*field = h->value;
	h->value = NULL;
	return 0;
}

static int apply_header(struct parser *p, struct header_line *h)
{
	struct case_def *c = p->c;

	if (!strcmp(h->key, "id"))
		return set_string(p, h, &c->id);
	if (!strcmp(h->key, "title"))
		return set_string(p, h, &c->title);
	if (!strcmp(h->key, "level"))
		return set_string(p, h, &c->level) ? -1 : check_level(p, h->col, c->level);
	if (!strcmp(h->key, "requirements"))
		return split_list(p, h, &c->requirements, &c->nrequirements);
	if (!strcmp(h->key, "tags"))
		return split_list(p, h, &c->tags, &c->ntags);
	if (!strcmp(h->key, "requires"))
		return split_list(p, h, &c->requires, &c->nrequires);
	if (!strcmp(h->key, "timeout"))
		return parse_timeout(p, h, &c->timeout);
	return perr_at(p, 1,
		       "unknown header '%s' (id, title, requirements, level, tags, requires, timeout)",
		       h->key);
}

/* Returns 1 when line was a header line (parsed), 0 when it is not one. */
static int parse_header_line(struct parser *p, const char *line)
{
	struct header_line h;
	int rc;

	if (!split_header(line, &h))
		return 0;
	rc = apply_header(p, &h);
	free(h.value);
	return rc == 0 ? 1 : -1;
}

/* ---- steps ------------------------------------------------------------------- */

static struct step *new_step(struct parser *p, enum step_kind kind, const char *conn)
{
	struct case_def *c = p->c;
	struct step *s = grow(c->steps, c->nsteps, sizeof(*s));

	if (!s) {
		perr_at(p, 1, "out of memory");
		return NULL;
	}
	c->steps = s;
	s = &c->steps[c->nsteps++];
	*s = (struct step){.kind = kind, .loc = {p->file, p->line, p->lt.n ? p->lt.t[0].col : 1}};
	s->source = source_text(p, 0, p->lt.n);
	if (conn) {
		const char *name = p->conn_rename && strcmp(conn, "conn") == 0 ? p->conn_rename : conn;
		s->conn = strdup(name);
	}
	return s;
}

static int parse_args(struct parser *p, struct arg **args, size_t *nargs, bool (*stop)(const struct token *))
{
	while (peek(p)->kind == TOK_WORD && p->i + 1 < p->lt.n && is_punct(&p->lt.t[p->i + 1], "=") &&
	       !stop(peek(p))) {
		struct arg a = {.loc = loc_here(p)};
		a.name = strdup(peek(p)->text);
		p->i += 2;
		if (accept_punct(p, "{")) { /* name={a, b, c}: one arg per element */
			while (!accept_punct(p, "}")) {
				struct arg e = {.name = strdup(a.name), .loc = loc_here(p)};
				if (!(e.value = parse_expr(p))) {
					free(e.name);
					free(a.name);
					return -1;
				}
				APPEND(p, *args, *nargs, e, (free(e.name), expr_free(e.value), free(a.name)));
				if (!accept_punct(p, ",") && !is_punct(peek(p), "}")) {
					free(a.name);
					return perr_at(p, here(p), "expected ',' or '}' in the list");
				}
			}
			free(a.name);
			continue;
		}
		if (!(a.value = parse_expr(p))) {
			free(a.name);
			return -1;
		}
		APPEND(p, *args, *nargs, a, (free(a.name), expr_free(a.value)));
	}
	return 0;
}

static bool never_stop(const struct token *t)
{
	(void)t;
	return false;
}

static const char *const call_arg_names[] = {"tag", "minor", "xid", "prog", "vers", "proc",
					     "rpcvers", "cred", "uid", "gid", "gids", "machine",
					     "stamp", NULL};

static bool is_call_arg(const char *name)
{
	for (size_t i = 0; call_arg_names[i]; i++)
		if (strcmp(call_arg_names[i], name) == 0)
			return true;
	return false;
}

static int check_call_args(struct parser *p, const struct arg *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_call_arg(args[i].name))
			return perr_at(p, args[i].loc.col,
				       "'%s' is not a call setting (tag, minor, xid, prog, vers, "
				       "proc, rpcvers, cred, uid, gid, gids, machine, stamp)",
				       args[i].name);
	return 0;
}

static int parse_op(struct parser *p, struct send_spec *s)
{
	const struct token *t = peek(p);
	struct op_spec op = {.loc = loc_here(p)};
	uint64_t num;

	if (t->kind == TOK_NUMBER) { /* a raw opcode, for OP_ILLEGAL cases */
		if (number_value(p, t, &num) != 0)
			return -1;
		if (num > UINT32_MAX)
			return perr_at(p, t->col, "opcode %s does not fit in 32 bits", t->text);
		op.op = (uint32_t)num;
	} else if (t->kind != TOK_WORD || !nfs4_op_parse(t->text, &op.op)) {
		return perr_at(p, col_of(p, t), "expected an operation name, got '%s'", t->text);
	}
	p->i++;
	if (parse_args(p, &op.args, &op.nargs, never_stop) != 0) {
		args_free(op.args, op.nargs);
		return -1;
	}
	for (size_t i = 0; i < op.nargs; i++)
		if (strcmp(op.args[i].name, "xdr") != 0 && !fields_arg_exists(op.op, op.args[i].name)) {
			perr_at(p, op.args[i].loc.col, "%s has no argument '%s'", nfs4_op_name(op.op),
				op.args[i].name);
			args_free(op.args, op.nargs);
			return -1;
		}
	struct op_spec *ops = grow(s->ops, s->nops, sizeof(*ops));
	if (!ops) {
		args_free(op.args, op.nargs);
		return perr_at(p, here(p), "out of memory");
	}
	s->ops = ops;
	ops[s->nops++] = op;
	return 0;
}

static int parse_send_ops(struct parser *p, struct send_spec *s)
{
	if (is_word(peek(p), "NULL")) {
		p->i++;
		s->null_proc = true;
		return 0;
	}
	/* `COMPOUND` may introduce the ops; alone it is a COMPOUND with no ops (CMP-19). */
	if (is_word(peek(p), "COMPOUND") && (++p->i, peek(p)->kind == TOK_END))
		return 0;
	do {
		if (parse_op(p, s) != 0)
			return -1;
	} while (accept_punct(p, ";"));
	return 0;
}

static int parse_send(struct parser *p, struct step *st)
{
	struct send_spec *s = &st->u.send;

	if (peek(p)->kind == TOK_LABEL)
		s->label = strdup(p->lt.t[p->i++].text);
	if (is_word(peek(p), "resend")) {
		p->i++;
		if (peek(p)->kind != TOK_LABEL)
			return perr_at(p, here(p), "resend needs the label of an earlier send (@a)");
		s->resend = true;
		s->resend_of = strdup(p->lt.t[p->i++].text);
		if (is_word(peek(p), "newxid"))
			s->new_xid = true, p->i++;
		return 0;
	}
	if (is_word(peek(p), "hex")) {
		p->i++;
		return (s->hex = parse_expr(p)) ? 0 : -1;
	}
	if (is_word(peek(p), "reply") && peek_at(p, 1)->kind == TOK_END) {
		p->i++;
		s->cb_reply = true; /* `c2 > reply`: answer the callback taken last (CB_NULL) */
		return 0;
	}
	if (parse_args(p, &s->callargs, &s->ncallargs, never_stop) != 0 ||
	    check_call_args(p, s->callargs, s->ncallargs) != 0)
		return -1;
	if (peek(p)->kind == TOK_END)
		return perr_at(p, here(p), "expected an operation, COMPOUND or NULL to send");
	return parse_send_ops(p, s);
}

/* `with truncate N | pad N | poke OFF V | poke8 OFF V | fragments N` */
static int parse_with(struct parser *p, struct send_spec *s)
{
	const struct token *t = peek(p);
	struct mutation m = {0};

	if (is_word(t, "raw")) { /* the bytes go on the stream as they are: no record mark */
		p->i++;
		s->unmarked = true;
		return 0;
	}
	if (is_word(t, "fragments")) {
		if (s->fragment) /* a second one would replace (and leak) the first */
			return perr_at(p, col_of(p, t), "'with fragments' is already given for this call");
		p->i++;
		return (s->fragment = parse_expr(p)) ? 0 : -1;
	}
	if (is_word(t, "truncate") || is_word(t, "pad")) {
		m.kind = is_word(t, "pad") ? MUT_PAD : MUT_TRUNCATE;
		p->i++;
	} else if (is_word(t, "poke") || is_word(t, "poke8")) {
		m.kind = is_word(t, "poke8") ? MUT_POKE8 : MUT_POKE32;
		p->i++;
		if (!(m.offset = parse_expr(p)))
			return -1;
	} else {
		return perr_at(p, col_of(p, t),
			       "expected truncate, pad, poke, poke8, fragments or raw after 'with'");
	}
	if (!(m.value = parse_expr(p))) {
		expr_free(m.offset); /* `with poke 4 nope`: the offset parsed, the value did not */
		return -1;
	}
	APPEND(p, s->mutations, s->nmutations, m, (expr_free(m.offset), expr_free(m.value)));
	return 0;
}

static bool status_word(const char *w, uint32_t *st)
{
	return nfs4_status_parse(w, st);
}

static int rpc_outcome(struct parser *p, struct outcome *o)
{
	static const char *const accepts[] = {"SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH",
					      "PROC_UNAVAIL", "GARBAGE_ARGS", "SYSTEM_ERR"};
	const struct token *t = peek(p);

	p->i++;
	for (uint32_t i = 0; i < sizeof(accepts) / sizeof(accepts[0]); i++)
		if (is_word(t, accepts[i])) {
			*o = (struct outcome){.kind = OUT_ACCEPT, .code = i};
			return 0;
		}
	if (is_word(t, "RPC_MISMATCH")) {
		*o = (struct outcome){.kind = OUT_DENIED, .code = ONCRPC_RPC_MISMATCH};
		return 0;
	}
	if (!is_word(t, "AUTH_ERROR"))
		return perr_at(p, col_of(p, t), "unknown RPC outcome '%s' (GARBAGE_ARGS, PROG_UNAVAIL, "
				       "PROG_MISMATCH, PROC_UNAVAIL, SYSTEM_ERR, RPC_MISMATCH, AUTH_ERROR)",
			       t->text);
	*o = (struct outcome){.kind = OUT_DENIED, .code = ONCRPC_AUTH_ERROR, .any_aux = true};
	t = peek(p);
	for (uint32_t i = 0; i <= ONCRPC_RPCSEC_GSS_CTXPROBLEM && t->kind == TOK_WORD; i++)
		if (strcmp(oncrpc_auth_stat_name(i), t->text) == 0) {
			o->aux = i;
			o->any_aux = false;
			p->i++;
			break;
		}
	return 0;
}

static int parse_within(struct parser *p, struct expect_spec *e)
{
	const struct token *t = peek(p);
	uint64_t ms;

	if (t->kind != TOK_NUMBER)
		return 0; /* the step's default wait */
	if (number_value(p, t, &ms) != 0)
		return -1;
	p->i++;
	if (is_word(peek(p), "s"))
		ms *= 1000, p->i++;
	else if (is_word(peek(p), "ms"))
		p->i++;
	else
		return perr_at(p, here(p), "'nothing N' needs a unit: s or ms");
	e->within = calloc(1, sizeof(*e->within));
	if (!e->within || !(e->within->terms = calloc(1, sizeof(struct term))))
		return perr_at(p, t->col, "out of memory");
	e->within->terms[0] = (struct term){.kind = T_NUM, .sign = '+', .num = ms, .index = -1};
	e->within->nterms = 1;
	e->within->text = strdup(t->text);
	return 0;
}

static int parse_outcome(struct parser *p, struct expect_spec *e)
{
	const struct token *t = peek(p);
	struct outcome o = {.kind = OUT_COMPOUND};
	uint32_t st;

	if (t->kind != TOK_WORD)
		return perr_at(p, here(p),
			       "expected a status, '...', NULL, rpc, closed, nothing or callback");
	p->i++;
	if (strcmp(t->text, "...") == 0) {
		e->nstatuses = 0; /* any status */
	} else if (strcmp(t->text, "rpc") == 0) {
		if (rpc_outcome(p, &o) != 0)
			return -1;
	} else if (strcmp(t->text, "closed") == 0) {
		o.kind = OUT_CLOSED;
	} else if (strcmp(t->text, "callback") == 0) {
		o.kind = OUT_CALLBACK;
	} else if (strcmp(t->text, "nothing") == 0) {
		o.kind = OUT_NOTHING;
		if (parse_within(p, e) != 0)
			return -1;
	} else if (strcmp(t->text, "NULL") == 0) {
		o.kind = OUT_NULL_OK;
	} else if (status_word(t->text, &st)) {
		APPEND(p, e->statuses, e->nstatuses, st, (void)0);
		for (size_t i = 0; i < e->noutcomes; i++)
			if (e->outcomes[i].kind == OUT_COMPOUND)
				return 0; /* one COMPOUND outcome holds every allowed status */
	} else {
		return perr_at(p, t->col, "unknown status or outcome '%s'", t->text);
	}
	APPEND(p, e->outcomes, e->noutcomes, o, (void)0);
	return 0;
}

/* `callback` waits for a call from the server, not for the reply to a call of the case's:
 * it goes alone, or with the outcomes that need no reply (nothing, closed). */
static int check_callback_outcomes(struct parser *p, const struct expect_spec *e)
{
	bool callback = false, reply = e->nstatuses > 0;

	for (size_t i = 0; i < e->noutcomes; i++) {
		enum outcome_kind k = e->outcomes[i].kind;
		callback |= k == OUT_CALLBACK;
		reply |= k != OUT_CALLBACK && k != OUT_NOTHING && k != OUT_CLOSED;
	}
	if (callback && (reply || e->label))
		return perr_at(p, here(p), "'callback' waits for the server's call: it goes with "
					   "'nothing' or 'closed' only, and takes no @label");
	return 0;
}

static int parse_expect(struct parser *p, struct step *st)
{
	struct expect_spec *e = &st->u.expect;

	if (peek(p)->kind == TOK_LABEL)
		e->label = strdup(p->lt.t[p->i++].text);
	do {
		if (parse_outcome(p, e) != 0)
			return -1;
	} while (accept_punct(p, "|"));
	if (check_callback_outcomes(p, e) != 0)
		return -1;
	if (!accept_punct(p, ":"))
		return 0;
	e->resops_given = true;
	while (peek(p)->kind == TOK_WORD) {
		uint32_t op;
		if (!nfs4_op_parse(peek(p)->text, &op))
			return perr_at(p, here(p), "expected an operation name, got '%s'",
				       peek(p)->text);
		APPEND(p, e->resops, e->nresops, op, (void)0);
		p->i++;
	}
	return 0;
}

/* Reply paths: OP.field, OP.status, status, results, tag, xid. */
static int check_res_path(struct parser *p, unsigned col, const char *path)
{
	char opname[64];
	const char *dot = strchr(path, '.');
	uint32_t op;

	if (!strncmp(path, "call.", 5)) {
		static const char *const call[] = {"prog", "vers", "proc", "flavor",
						   "uid", "gid", "machinename"};
		for (size_t i = 0; i < sizeof(call) / sizeof(call[0]); i++)
			if (!strcmp(path + 5, call[i]))
				return 0;
		return perr_at(p, col, "'%s' is not a callback field (call.prog, call.vers, call.proc, "
				       "call.flavor, call.uid, call.gid, call.machinename)", path);
	}
	if (!dot) {
		static const char *const top[] = {"status", "results", "tag", "xid", "accept_stat",
						  "reject_stat", "auth_stat", "mismatch_low",
						  "mismatch_high"};
		for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
			if (!strcmp(path, top[i]))
				return 0;
		return perr_at(p, col,
			       "'%s' is not a reply field (OP.field, status, results, tag, xid, "
			       "accept_stat, reject_stat, auth_stat, mismatch_low, mismatch_high)",
			       path);
	}
	snprintf(opname, sizeof(opname), "%.*s", (int)(dot - path), path);
	if (!nfs4_op_parse(opname, &op))
		return perr_at(p, col, "'%s' is not an operation", opname);
	if (op == OP_GETATTR && strncmp(dot + 1, "obj_attributes", 14) != 0 &&
	    strcmp(dot + 1, "status") != 0)
		return 0; /* GETATTR.lease_time etc.: attributes, checked when unpacked */
	if (!fields_res_exists(op, dot + 1))
		return perr_at(p, col, "%s has no result field '%s'", opname, dot + 1);
	return 0;
}

static int parse_check_op(struct parser *p, enum check_op *op)
{
	static const struct {
		const char *s;
		enum check_op op;
	} ops[] = {{"==", CHK_EQ}, {"!=", CHK_NE}, {"<", CHK_LT},      {"<=", CHK_LE},
		   {">", CHK_GT},  {">=", CHK_GE}, {"has", CHK_HAS}, {"lacks", CHK_LACKS},
		   {"in", CHK_IN}};
	const struct token *t = peek(p);

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(t->text, ops[i].s) == 0 && (t->kind == TOK_PUNCT || t->kind == TOK_WORD)) {
			*op = ops[i].op;
			p->i++;
			return 0;
		}
	return perr_at(p, here(p), "expected ==, !=, <, <=, >, >=, has, lacks or in");
}

/* PATH OP VALUE (or PATH in {V, ...}) into c; c owns what it holds even on failure. */
static int parse_predicate(struct parser *p, struct check *c)
{
	const struct token *t = peek(p);
	struct expr **values;
	bool braces;

	c->loc = loc_here(p);
	if (t->kind != TOK_WORD)
		return perr_at(p, here(p), "expect needs a reply field, e.g. SEQUENCE.sr_slotid");
	if (check_res_path(p, t->col, t->text) != 0)
		return -1;
	c->path = strdup(t->text);
	p->i++;
	if (accept_punct(p, "&") && !(c->mask = parse_expr(p)))
		return -1;
	if (parse_check_op(p, &c->op) != 0)
		return -1;
	braces = c->op == CHK_IN && accept_punct(p, "{");
	do {
		struct expr *x = parse_expr(p);
		if (!x)
			return -1;
		if (!(values = grow(c->values, c->nvalues, sizeof(struct expr *)))) {
			expr_free(x);
			return perr_at(p, here(p), "out of memory");
		}
		c->values = values;
		c->values[c->nvalues++] = x;
	} while (c->op == CHK_IN && accept_punct(p, ","));
	if (braces && expect_punct(p, "}", "to close the set") != 0)
		return -1;
	return 0;
}

/* `expect PREDICATE [if PREDICATE]`: the guard picks the alternative the check is about. */
static int parse_check(struct parser *p, struct expect_spec *e)
{
	struct check c = {0};
	struct check *checks;

	if (parse_predicate(p, &c) != 0)
		goto fail;
	if (is_word(peek(p), "if")) {
		p->i++;
		if (!(c.guard = calloc(1, sizeof(*c.guard))) || parse_predicate(p, c.guard) != 0)
			goto fail;
	}
	if (!(checks = grow(e->checks, e->nchecks, sizeof(*checks)))) {
		perr_at(p, here(p), "out of memory");
		goto fail;
	}
	e->checks = checks;
	e->checks[e->nchecks++] = c;
	return 0;
fail:
	check_free(&c);
	return -1;
}

static int parse_save(struct parser *p, struct expect_spec *e)
{
	struct save *saves = grow(e->saves, e->nsaves, sizeof(*saves));
	const struct token *var;

	if (!saves)
		return perr_at(p, here(p), "out of memory");
	e->saves = saves;
	if (peek(p)->kind != TOK_WORD)
		return perr_at(p, here(p), "save needs a variable name: save NAME = OP.field");
	var = &p->lt.t[p->i++];
	if (expect_punct(p, "=", "after the variable name") != 0 || peek(p)->kind != TOK_WORD ||
	    check_res_path(p, here(p), peek(p)->text) != 0)
		return p->failed ? -1 : perr_at(p, here(p), "save needs a reply field after '='");
	saves[e->nsaves++] = (struct save){.var = strdup(var->text),
					   .path = strdup(p->lt.t[p->i++].text),
					   .loc = {p->file, p->line, var->col}};
	return 0;
}

/* expect/save/with lines belong to the send or expect step above them. */
static int parse_continuation(struct parser *p)
{
	struct step *last = p->c->nsteps ? &p->c->steps[p->c->nsteps - 1] : NULL;
	const char *w = peek(p)->text;

	p->i++;
	if (strcmp(w, "with") == 0) {
		if (!last || last->kind != STEP_SEND || last->u.send.resend)
			return perr_at(p, 1, "'with' must follow a send step (CONN > ...)");
		return parse_with(p, &last->u.send);
	}
	if (!last || last->kind != STEP_EXPECT)
		return perr_at(p, 1, "'%s' must follow a reply step (CONN < ...)", w);
	return strcmp(w, "save") == 0 ? parse_save(p, &last->u.expect)
				       : parse_check(p, &last->u.expect);
}

static int parse_sleep(struct parser *p, struct step *s)
{
	const struct token *t = peek(p);

	if (t->kind == TOK_NUMBER) {
		char *end;
		double v = strtod(t->text, &end);
		p->i++;
		if (*end || v < 0 || v > 86400)
			return perr_at(p, t->col, "'%s' is not a duration", t->text);
		s->u.sleep.amount = calloc(1, sizeof(struct expr));
		if (!s->u.sleep.amount ||
		    !(s->u.sleep.amount->terms = calloc(1, sizeof(struct term))))
			return perr_at(p, t->col, "out of memory");
		s->u.sleep.amount->terms[0] = (struct term){
			.kind = T_NUM, .sign = '+', .num = (uint64_t)llround(v * 1000), .index = -1};
		s->u.sleep.amount->nterms = 1;
		s->u.sleep.amount->text = strdup(t->text);
		s->u.sleep.unit = 0.001;
	} else if (!(s->u.sleep.amount = parse_expr(p))) {
		return -1;
	} else {
		s->u.sleep.unit = 1;
	}
	t = peek(p);
	if (is_word(t, "ms"))
		s->u.sleep.unit /= 1000;
	else if (is_word(t, "lease") || is_word(t, "leases"))
		s->u.sleep.in_leases = true;
	else if (!is_word(t, "s"))
		return perr_at(p, here(p), "sleep needs a unit: s, ms or lease");
	p->i++;
	return 0;
}

static int parse_file_text(struct parser *p, const char *text);

/* The fixture's path, or NULL with the reason in why. */
static char *fixture_path(struct parser *p, const char *name, char *why, size_t whylen)
{
	char dir[PATH_MAX], path[PATH_MAX + 128];
	const char *slash;
	FILE *f;

	if (p->o && p->o->fixture_dir) {
		snprintf(path, sizeof(path), "%s/%s.fixture", p->o->fixture_dir, name);
		return strdup(path);
	}
	slash = strrchr(p->c->file, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - p->c->file) : 1,
		 slash ? p->c->file : ".");
	/* A flat folder has its own fixtures/; cases/<group>/x.case finds cases/fixtures/. */
	snprintf(path, sizeof(path), "%s/fixtures/%s.fixture", dir, name);
	if (!(f = fopen(path, "r"))) {
		snprintf(path, sizeof(path), "%s/../fixtures/%s.fixture", dir, name);
		f = fopen(path, "r");
	}
	if (!f) {
		snprintf(why, whylen, "not found in %.200s/fixtures/ or %.200s/../fixtures/", dir, dir);
		return NULL;
	}
	fclose(f);
	return strdup(path);
}

static char *read_file(const char *path, char *err, size_t errlen);

static int parse_fixture(struct parser *p)
{
	const struct token *name = peek(p);
	struct parser sub;
	char *path, *text, rerr[512];
	int rc;

	if (name->kind != TOK_WORD)
		return perr_at(p, here(p), "fixture needs a name: fixture session [CONN]");
	if (p->depth >= MAX_FIXTURE_DEPTH)
		return perr_at(p, name->col, "fixtures nest deeper than %d", MAX_FIXTURE_DEPTH);
	p->i++;
	path = fixture_path(p, name->text, rerr, sizeof(rerr));
	text = path ? read_file(path, rerr, sizeof(rerr)) : NULL;
	if (!text) {
		rc = perr_at(p, name->col, "fixture '%s': %s", name->text, rerr);
		free(path);
		return rc;
	}
	APPEND(p, p->c->fixture_files, p->c->nfixture_files, path, (free(path), free(text)));
	sub = (struct parser){.c = p->c, .o = p->o, .file = path, .depth = p->depth + 1,
			      .err = p->err, .errlen = p->errlen};
	/* `fixture session c2`: the fixture's `conn` means c2 (inside nested fixtures too, where
	 * `fixture client conn` passes on what `conn` means there, not a connection "conn"). */
	sub.conn_rename = p->conn_rename;
	if (peek(p)->kind == TOK_WORD) {
		const char *conn = p->lt.t[p->i++].text;
		if (!p->conn_rename || strcmp(conn, "conn") != 0)
			sub.conn_rename = conn;
	}
	if (!sub.conn_rename)
		sub.conn_rename = "c1";
	rc = parse_file_text(&sub, text);
	free(text);
	p->failed = sub.failed;
	return rc;
}

static int parse_repeat_end(struct parser *p, bool is_end)
{
	struct case_def *c = p->c;
	struct step *s;

	if (!is_end) {
		if (!(s = new_step(p, STEP_REPEAT, NULL)))
			return -1;
		s->u.repeat.count = parse_expr(p);
		s->u.repeat.end = SIZE_MAX; /* patched by `end` */
		return s->u.repeat.count ? 0 : -1;
	}
	for (size_t i = c->nsteps; i-- > 0;) {
		if (c->steps[i].kind == STEP_REPEAT && c->steps[i].u.repeat.end == SIZE_MAX) {
			if (!(s = new_step(p, STEP_END, NULL)))
				return -1;
			s->u.end.start = i;
			c->steps[i].u.repeat.end = c->nsteps - 1;
			return 0;
		}
	}
	return perr_at(p, 1, "'end' without 'repeat'");
}

/* ---- hook steps ------------------------------------------------------------------- */

/* A hook name: words joined by '-' with nothing between them (`session-cap`). */
static int parse_hook_name(struct parser *p, char *name, size_t n)
{
	const struct token *t = peek(p);
	size_t used;
	unsigned end;

	if (t->kind != TOK_WORD)
		return perr_at(p, here(p), "hook needs a name: hook NAME [key=value ...]");
	used = (size_t)snprintf(name, n, "%s", t->text);
	end = t->col + (unsigned)strlen(t->text);
	for (p->i++; p->i + 1 < p->lt.n && used < n; p->i += 2) {
		const struct token *dash = &p->lt.t[p->i], *w = &p->lt.t[p->i + 1];
		if (!is_punct(dash, "-") || dash->col != end || w->kind != TOK_WORD ||
		    w->col != end + 1)
			break;
		used += (size_t)snprintf(name + used, n - used, "-%s", w->text);
		end = w->col + (unsigned)strlen(w->text);
	}
	return 0;
}

/* A literal of the wrong kind is a parse error; variables are checked when the step runs. */
static int check_hook_literal(struct parser *p, const struct arg *a, enum hook_type type)
{
	const struct term *t = a->value->nterms == 1 ? &a->value->terms[0] : NULL;

	if (!t || (t->kind != T_NUM && t->kind != T_BYTES))
		return 0;
	if (type == HOOK_SESSIONID && (t->kind != T_BYTES || t->len != 16))
		return perr_at(p, a->loc.col, "%s takes a 16-byte session id ($sessionid)", a->name);
	if (type != HOOK_SESSIONID && t->kind == T_BYTES)
		return perr_at(p, a->loc.col, "%s takes %s, not bytes", a->name,
			       type == HOOK_BOOL ? "true or false" : "a number");
	if (type == HOOK_BOOL && t->num > 1)
		return perr_at(p, a->loc.col, "%s takes true or false, not '%s'", a->name,
			       a->value->text);
	return 0;
}

static int check_hook_args(struct parser *p, const struct hook_def *h, const struct arg *args,
			   size_t n)
{
	char keys[200];

	for (size_t i = 0; i < n; i++) {
		const struct hook_param *hp = hook_param_find(h, args[i].name);
		if (!hp)
			return perr_at(p, args[i].loc.col, "hook %s has no argument '%s' (%s)",
				       h->name, args[i].name, hook_param_names(h, keys, sizeof(keys)));
		for (size_t j = 0; j < i; j++)
			if (strcmp(args[j].name, args[i].name) == 0)
				return perr_at(p, args[i].loc.col, "'%s' is given twice",
					       args[i].name);
		if (check_hook_literal(p, &args[i], hp->type) != 0)
			return -1;
	}
	return 0;
}

/* `hook NAME [key=value ...]`: only in cases that declare `requires: hooks`. */
static int parse_hook(struct parser *p, unsigned col)
{
	char name[64];
	unsigned name_col = here(p);
	struct step *s;

	if (!case_requires(p->c, HOOKS_FEATURE))
		return perr_at(p, col, "a hook step needs 'requires: %s' in the header (servers "
				       "without nfs41refd's test hooks skip the case)", HOOKS_FEATURE);
	if (parse_hook_name(p, name, sizeof(name)) != 0)
		return -1;
	if (!(s = new_step(p, STEP_HOOK, NULL)))
		return -1;
	if (!(s->u.hook.def = hook_find(name))) {
		char names[200];
		return perr_at(p, name_col, "unknown hook '%s' (%s)", name,
			       hook_names(names, sizeof(names)));
	}
	if (parse_args(p, &s->u.hook.args, &s->u.hook.nargs, never_stop) != 0)
		return -1;
	return check_hook_args(p, s->u.hook.def, s->u.hook.args, s->u.hook.nargs);
}

static int parse_step_line(struct parser *p)
{
	const struct token *t = peek(p);
	struct step *s;

	if (t->kind != TOK_WORD)
		return perr_at(p, t->col, "expected a step (CONN > ..., CONN < ..., connect, sleep, "
				       "set, repeat, end, fixture, hook)");
	if (p->lt.n > 1 && (is_punct(&p->lt.t[1], ">") || is_punct(&p->lt.t[1], "<"))) {
		bool send = is_punct(&p->lt.t[1], ">");
		if (!(s = new_step(p, send ? STEP_SEND : STEP_EXPECT, t->text)))
			return -1;
		p->i = 2;
		return send ? parse_send(p, s) : parse_expect(p, s);
	}
	p->i++;
	if (!strcmp(t->text, "expect") || !strcmp(t->text, "save") || !strcmp(t->text, "with")) {
		p->i--;
		return parse_continuation(p);
	}
	if (!strcmp(t->text, "connect") || !strcmp(t->text, "disconnect") ||
	    !strcmp(t->text, "reconnect")) {
		enum step_kind k = t->text[0] == 'c' ? STEP_CONNECT
				   : t->text[0] == 'd' ? STEP_DISCONNECT : STEP_RECONNECT;
		if (peek(p)->kind != TOK_WORD)
			return perr_at(p, here(p), "%s needs a connection name", t->text);
		if (!(s = new_step(p, k, p->lt.t[p->i++].text)))
			return -1;
		if (k != STEP_CONNECT)
			return 0;
		/* `connect c2 uid=1000 gid=1000`: the connection's default credential */
		if (parse_args(p, &s->u.send.callargs, &s->u.send.ncallargs, never_stop) != 0)
			return -1;
		return check_call_args(p, s->u.send.callargs, s->u.send.ncallargs);
	}
	if (!strcmp(t->text, "sleep"))
		return (s = new_step(p, STEP_SLEEP, NULL)) ? parse_sleep(p, s) : -1;
	if (!strcmp(t->text, "set")) {
		if (peek(p)->kind != TOK_WORD)
			return perr_at(p, here(p), "set needs a variable name: set NAME = value");
		if (!(s = new_step(p, STEP_SET, NULL)))
			return -1;
		s->u.set.var = strdup(p->lt.t[p->i++].text);
		if (expect_punct(p, "=", "after the variable name") != 0)
			return -1;
		return (s->u.set.value = parse_expr(p)) ? 0 : -1;
	}
	if (!strcmp(t->text, "repeat") || !strcmp(t->text, "end"))
		return parse_repeat_end(p, t->text[0] == 'e');
	if (!strcmp(t->text, "fixture"))
		return parse_fixture(p);
	if (!strcmp(t->text, "hook"))
		return parse_hook(p, t->col);
	return perr_at(p, t->col, "unknown step '%s'", t->text);
}

static int parse_line(struct parser *p, const char *line)
{
	unsigned col;
	int rc;

	if (p->in_header && p->depth == 0) {
		rc = parse_header_line(p, line);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	if (lex_line(line, &p->lt, &col, p->err, p->errlen) != 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", p->err);
		return perr_at(p, col, "%s", msg);
	}
	p->i = 0;
	rc = 0;
	if (p->lt.n > 0) {
		p->in_header = false;
		rc = parse_step_line(p);
	}
	if (rc == 0 && p->i < p->lt.n)
		rc = perr_at(p, p->lt.t[p->i].col, "unexpected '%s'", p->lt.t[p->i].text);
	lex_free(&p->lt);
	return rc;
}

static int parse_file_text(struct parser *p, const char *text)
{
	const char *s = text;

	p->line = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, n);
		int rc;
		if (!line)
			return perr_at(p, 1, "out of memory");
		p->line++;
		rc = parse_line(p, line);
		free(line);
		if (rc != 0)
			return -1;
		s += n + (nl ? 1 : 0);
	}
	return 0;
}

/* ---- whole-case checks -------------------------------------------------------- */

static const struct step *find_label(const struct case_def *c, size_t before, const char *label)
{
	for (size_t i = 0; i < before; i++)
		if (c->steps[i].kind == STEP_SEND && c->steps[i].u.send.label &&
		    strcmp(c->steps[i].u.send.label, label) == 0)
			return &c->steps[i];
	return NULL;
}

static int step_error(struct parser *p, const struct step *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int step_error(struct parser *p, const struct step *s, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->file = s->loc.file;
	p->line = s->loc.line;
	return perr_at(p, s->loc.col, "%s", msg);
}

static int check_labels(struct parser *p)
{
	const struct case_def *c = p->c;

	for (size_t i = 0; i < c->nsteps; i++) {
		const struct step *s = &c->steps[i];
		if (s->kind == STEP_SEND && s->u.send.label && find_label(c, i, s->u.send.label))
			return step_error(p, s, "label @%s is used twice", s->u.send.label);
		if (s->kind == STEP_SEND && s->u.send.resend && !find_label(c, i, s->u.send.resend_of))
			return step_error(p, s, "resend @%s: no earlier send has that label",
					  s->u.send.resend_of);
		if (s->kind == STEP_EXPECT && s->u.expect.label &&
		    !find_label(c, i, s->u.expect.label))
			return step_error(p, s, "@%s: no earlier send has that label",
					  s->u.expect.label);
		if (s->kind == STEP_REPEAT && s->u.repeat.end == SIZE_MAX)
			return step_error(p, s, "repeat without 'end'");
	}
	return 0;
}

static int check_header(struct parser *p)
{
	struct case_def *c = p->c;
	const char *missing = !c->id ? "id" : !c->title ? "title" : !c->level ? "level"
			      : !c->nrequirements ? "requirements" : NULL;

	p->file = c->file;
	p->line = 1;
	if (missing)
		return perr_at(p, 1, "the header has no '%s:' line", missing);
	for (size_t i = 0; i < c->nrequirements; i++)
		if (p->o && p->o->requirement_known && !p->o->requirement_known(c->requirements[i]))
			return perr_at(p, 1, "requirement '%s' is not in the catalogue",
				       c->requirements[i]);
	if (c->nsteps == 0)
		return perr_at(p, 1, "the case has no steps");
	return 0;
}

/* "cases/sequence/replay.case" -> "sequence". */
static char *group_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *prev;

	if (!slash)
		return strdup("cases");
	for (prev = slash; prev > path && prev[-1] != '/'; prev--)
		;
	return strndup(prev, (size_t)(slash - prev));
}

int case_parse_text(const char *name, const char *text, const struct parse_opts *o,
		    struct case_def *c, char *err, size_t errlen)
{
	struct parser p = {.c = c, .o = o, .in_header = true, .err = err, .errlen = errlen};

	memset(c, 0, sizeof(*c));
	c->file = strdup(name);
	c->group = group_of(name);
	c->timeout = 30;
	p.file = c->file;
	if (!c->file || !c->group) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (parse_file_text(&p, text) != 0 || check_header(&p) != 0 || check_labels(&p) != 0)
		return -1;
	return 0;
}

/* Read up to MAX_FILE_BYTES + 1 bytes into a buffer that grows as the file does (a fixture
 * of a few lines costs a few KiB, not the 1 MiB limit: `check` reads hundreds of files). */
static char *read_all(FILE *f, size_t *n)
{
	size_t cap = 4096;
	char *buf = malloc(cap + 1), *bigger;

	*n = 0;
	while (buf) {
		*n += fread(buf + *n, 1, cap - *n, f);
		if (*n < cap || cap > MAX_FILE_BYTES)
			return buf; /* the end (or an error), or past the limit */
		cap = cap * 2 > MAX_FILE_BYTES + 1 ? MAX_FILE_BYTES + 1 : cap * 2;
		if (!(bigger = realloc(buf, cap + 1)))
			free(buf);
		buf = bigger;
	}
	return NULL;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = read_all(f, &n);
	fclose(f);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (n > MAX_FILE_BYTES || memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: %s", path,
			 n > MAX_FILE_BYTES ? "larger than 1 MiB" : "contains a NUL byte (not text)");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int case_parse_file(const char *path, const struct parse_opts *o, struct case_def *c, char *err,
		    size_t errlen)
{
	char *text = read_file(path, err, errlen);
	int rc;

	if (!text) {
		memset(c, 0, sizeof(*c));
		return -1;
	}
	rc = case_parse_text(path, text, o, c, err, errlen);
	free(text);
	return rc;
}
