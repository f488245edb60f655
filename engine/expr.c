/* expr.c - values, the variable environment and expression evaluation (see expr.h). */
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void value_free(struct value *v)
{
	free(v->bytes);
	*v = (struct value){0};
}

struct value value_int(uint64_t i) { return (struct value){.kind = VAL_INT, .i = i}; }

int value_copy(struct value *dst, const struct value *src)
{
	*dst = *src;
	dst->bytes = NULL;
	if (src->kind != VAL_BYTES)
		return 0;
	dst->bytes = malloc(src->len ? src->len : 1);
	if (!dst->bytes)
		return -1;
	if (src->len)
		memcpy(dst->bytes, src->bytes, src->len);
	return 0;
}

bool value_equal(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VAL_INT)
		return a->i == b->i;
	return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
			return false;
	return true;
}

char *value_format(const struct value *v, char *buf, size_t n)
{
	size_t used;

	if (n == 0)
		return buf;
	if (v->kind == VAL_NONE) {
		snprintf(buf, n, "(none)");
	} else if (v->kind == VAL_INT) {
		snprintf(buf, n, v->i > 9999 ? "%llu (0x%llx)" : "%llu", (unsigned long long)v->i,
			 (unsigned long long)v->i);
	} else if (v->len && printable(v->bytes, v->len)) {
		snprintf(buf, n, "\"%.*s\"", (int)v->len, (const char *)v->bytes);
	} else {
		used = (size_t)snprintf(buf, n, "hex:");
		for (size_t i = 0; i < v->len && used + 3 < n; i++)
			used += (size_t)snprintf(buf + used, n - used, "%02x", v->bytes[i]);
	}
	return buf;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nterms; i++) {
		free(e->terms[i].bytes);
		free(e->terms[i].name);
		expr_free(e->terms[i].arg);
	}
	free(e->terms);
	free(e->text);
	free(e);
}

void env_init(struct env *e, const char *fresh_prefix, uint64_t seed)
{
	*e = (struct env){.fresh_prefix = fresh_prefix, .random_state = seed ? seed : 1};
}

void env_free(struct env *e)
{
	for (size_t i = 0; i < e->nvars; i++) {
		free(e->vars[i].name);
		value_free(&e->vars[i].v);
	}
	free(e->vars);
	e->vars = NULL;
	e->nvars = e->cap = 0;
}

static struct env_entry *env_find(const struct env *e, const char *name)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i].name, name) == 0)
			return &e->vars[i];
	return NULL;
}

const struct value *env_get(const struct env *e, const char *name)
{
	const struct env_entry *x = env_find(e, name);

	return x ? &x->v : NULL;
}

int env_set(struct env *e, const char *name, const struct value *v)
{
	struct env_entry *x = env_find(e, name);
	struct value copy;

	if (value_copy(&copy, v) != 0)
		return -1;
	if (x) {
		value_free(&x->v);
		x->v = copy;
		return 0;
	}
	if (e->nvars == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct env_entry *p = realloc(e->vars, cap * sizeof(*p));
		if (!p) {
			value_free(&copy);
			return -1;
		}
		e->vars = p;
		e->cap = cap;
	}
	e->vars[e->nvars].name = strdup(name);
	if (!e->vars[e->nvars].name) {
		value_free(&copy);
		return -1;
	}
	e->vars[e->nvars++].v = copy;
	return 0;
}

int env_set_int(struct env *e, const char *name, uint64_t i)
{
	struct value v = value_int(i);

	return env_set(e, name, &v);
}

int env_set_bytes(struct env *e, const char *name, const uint8_t *p, size_t n)
{
	struct value v = {.kind = VAL_BYTES, .bytes = (uint8_t *)p, .len = n};

	return env_set(e, name, &v);
}

/* xorshift64*: deterministic per run seed, so a failing run can be repeated. */
static uint64_t env_random(struct env *e)
{
	uint64_t x = e->random_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	e->random_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static int bytes_value(struct value *out, const void *p, size_t n)
{
	*out = (struct value){.kind = VAL_BYTES, .len = n};
	out->bytes = malloc(n ? n : 1);
	if (!out->bytes)
		return -1;
	if (n)
		memcpy(out->bytes, p, n);
	return 0;
}

/* fresh(): a client owner unique to this run and case; random(N): N random bytes. */
static int call_eval(const struct term *t, struct env *e, struct value *out, char *err,
		     size_t errlen)
{
	struct value arg = {0};

	if (t->arg && expr_eval(t->arg, e, &arg, err, errlen) != 0)
		return -1;
	if (strcmp(t->name, "fresh") == 0) {
		char buf[256];
		int n = snprintf(buf, sizeof(buf), "%s-%llu", e->fresh_prefix ? e->fresh_prefix : "nfs41check",
				 (unsigned long long)++e->fresh_counter);
		value_free(&arg);
		return bytes_value(out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	}
	if (strcmp(t->name, "random") == 0 && arg.kind == VAL_INT && arg.i <= 65536) {
		uint8_t *p = malloc(arg.i ? arg.i : 1);
		if (!p) {
			value_free(&arg);
			return -1;
		}
		for (uint64_t i = 0; i < arg.i; i++)
			p[i] = (uint8_t)env_random(e);
		*out = (struct value){.kind = VAL_BYTES, .bytes = p, .len = arg.i};
		value_free(&arg);
		return 0;
	}
	if (strcmp(t->name, "len") == 0 && arg.kind == VAL_BYTES) {
		*out = value_int(arg.len);
		value_free(&arg);
		return 0;
	}
	value_free(&arg);
	snprintf(err, errlen, "%s(): unknown function or wrong argument", t->name);
	return -1;
}

static int term_eval(const struct term *t, struct env *e, struct value *out, char *err,
		     size_t errlen)
{
	const struct value *v;
	char key[160];

	switch (t->kind) {
	case T_NUM:
		*out = value_int(t->num);
		return 0;
	case T_BYTES:
		return bytes_value(out, t->bytes, t->len);
	case T_CALL:
		return call_eval(t, e, out, err, errlen);
	case T_NONE:
		*out = (struct value){.kind = VAL_NONE};
		return 0;
	case T_VAR:
		if (t->index >= 0)
			snprintf(key, sizeof(key), "%s[%ld]", t->name, t->index);
		else
			snprintf(key, sizeof(key), "%s", t->name);
		v = env_get(e, key);
		if (!v) {
			snprintf(err, errlen, "$%s is not set", key);
			return -1;
		}
		return value_copy(out, v);
	}
	return -1;
}

int expr_eval(const struct expr *x, struct env *e, struct value *out, char *err, size_t errlen)
{
	*out = (struct value){0};
	for (size_t i = 0; i < x->nterms; i++) {
		struct value t;
		if (term_eval(&x->terms[i], e, &t, err, errlen) != 0) {
			value_free(out);
			return -1;
		}
		if (i == 0) {
			*out = t;
			continue;
		}
		if (out->kind != VAL_INT || t.kind != VAL_INT) {
			value_free(&t);
			value_free(out);
			snprintf(err, errlen, "'%s': only numbers can be combined with + - |", x->text);
			return -1;
		}
		if (x->terms[i].sign == '+')
			out->i += t.i;
		else if (x->terms[i].sign == '-')
			out->i -= t.i;
		else
			out->i |= t.i;
		value_free(&t);
	}
	return 0;
}
