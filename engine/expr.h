/*
 * expr.h - values, variables and the small expression language of case files.
 *
 * A value is an unsigned integer (64 bits; a 32-bit field takes it modulo
 * 2^32, which is how `$seq + 1` wraps) or a byte string (sessionids,
 * verifiers, owner ids, tags). An expression is a sum of terms joined by
 * + - | ; a term is a number, a protocol constant (NFS4ERR_BADSESSION,
 * EXCHGID4_FLAG_USE_NON_PNFS, ...), "a string", hex:00ff.., $var, $var[N]
 * or a function call: fresh(), random(N bytes), len($x).
 */
#ifndef NFS41_ENGINE_EXPR_H
#define NFS41_ENGINE_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum value_kind { VAL_NONE, VAL_INT, VAL_BYTES };

struct value {
	enum value_kind kind;
	uint64_t i;
	uint8_t *bytes; /* VAL_BYTES: owned by whoever owns the value */
	size_t len;
};

void value_free(struct value *v);
int value_copy(struct value *dst, const struct value *src);
struct value value_int(uint64_t i);
/* "123", "0x7b", "hex:..." or "\"..\"" forms for messages; returns buf. */
char *value_format(const struct value *v, char *buf, size_t n);
bool value_equal(const struct value *a, const struct value *b);

enum term_kind { T_NUM, T_BYTES, T_VAR, T_CALL, T_NONE /* `absent`: an optional field not present */ };

struct term {
	enum term_kind kind;
	char sign;      /* '+', '-' or '|' joining it to the previous term ('+' for the first) */
	uint64_t num;
	uint8_t *bytes;
	size_t len;
	char *name;     /* T_VAR: variable; T_CALL: function */
	long index;     /* T_VAR: $name[index], -1 without */
	struct expr *arg; /* T_CALL: its argument, or NULL */
};

struct expr {
	struct term *terms;
	size_t nterms;
	char *text; /* as written, for messages */
};

void expr_free(struct expr *e);

/* Variables of one case run. Names are without '$'; $x[N] is stored as "x[N]". */
struct env {
	struct env_entry {
		char *name;
		struct value v;
	} *vars;
	size_t nvars, cap;
	uint64_t fresh_counter;
	const char *fresh_prefix; /* e.g. "nfs41check-<pid>-<case id>" */
	uint64_t random_state;
};

void env_init(struct env *e, const char *fresh_prefix, uint64_t seed);
void env_free(struct env *e);
/* Set (copying v). Returns 0, or -1 when out of memory. */
int env_set(struct env *e, const char *name, const struct value *v);
int env_set_int(struct env *e, const char *name, uint64_t i);
int env_set_bytes(struct env *e, const char *name, const uint8_t *p, size_t n);
const struct value *env_get(const struct env *e, const char *name);

/*
 * Evaluate into out (caller frees with value_free). Integers add, subtract
 * and or; byte strings only stand alone. Returns 0, or -1 with a message
 * naming the expression in err.
 */
int expr_eval(const struct expr *x, struct env *e, struct value *out, char *err, size_t errlen);

#endif
