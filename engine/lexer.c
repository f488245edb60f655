/* lexer.c - tokens of one case-file line (see lexer.h). */
#include "lexer.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const char *s;
	size_t pos;
	struct line_tokens *out;
	unsigned *err_col;
	char *err;
	size_t errlen;
};

static int fail(struct lexer *l, size_t at, const char *msg)
{
	*l->err_col = (unsigned)at + 1;
	snprintf(l->err, l->errlen, "%s", msg);
	return -1;
}

static int push(struct lexer *l, enum tok_kind kind, size_t start, const char *text, size_t n,
		uint8_t *bytes, size_t len)
{
	struct token *t = realloc(l->out->t, (l->out->n + 1) * sizeof(*t));

	if (!t) {
		free(bytes);
		return fail(l, start, "out of memory");
	}
	l->out->t = t;
	t = &t[l->out->n];
	*t = (struct token){.kind = kind, .col = (unsigned)start + 1, .bytes = bytes, .len = len};
	t->text = strndup(text, n);
	if (!t->text) {
		free(bytes);
		return fail(l, start, "out of memory");
	}
	l->out->n++;
	return 0;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '[' || c == ']';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int lex_string(struct lexer *l)
{
	size_t start = l->pos++, cap = strlen(l->s) + 1, n = 0;
	uint8_t *b = malloc(cap);

	if (!b)
		return fail(l, start, "out of memory");
	while (l->s[l->pos] && l->s[l->pos] != '"') {
		char c = l->s[l->pos++];
		if (c == '\\') {
			char e = l->s[l->pos++];
			int hi, lo;
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			case '\\': case '"': c = e; break;
			case 'x':
				hi = hexval(l->s[l->pos]);
				lo = hi < 0 ? -1 : hexval(l->s[l->pos + 1]);
				if (lo < 0) {
					free(b);
					return fail(l, l->pos, "\\x needs two hex digits");
				}
				c = (char)((unsigned)hi << 4 | (unsigned)lo);
				l->pos += 2;
				break;
			default:
				free(b);
				return fail(l, l->pos - 1, "unknown escape in string");
			}
		}
		b[n++] = (uint8_t)c;
	}
	if (l->s[l->pos] != '"') {
		free(b);
		return fail(l, start, "unterminated string");
	}
	l->pos++;
	return push(l, TOK_STRING, start, l->s + start, l->pos - start, b, n);
}

static int lex_hex(struct lexer *l)
{
	size_t start = l->pos, n = 0;
	uint8_t *b;

	l->pos += 4; /* "hex:" */
	b = malloc(strlen(l->s + l->pos) / 2 + 1);
	if (!b)
		return fail(l, start, "out of memory");
	while (isxdigit((unsigned char)l->s[l->pos]) || l->s[l->pos] == '_') {
		if (l->s[l->pos] == '_') { /* hex:0000_0001 groups digits */
			l->pos++;
			continue;
		}
		if (!isxdigit((unsigned char)l->s[l->pos + 1])) {
			free(b);
			return fail(l, l->pos, "odd number of hex digits");
		}
		b[n++] = (uint8_t)((unsigned)hexval(l->s[l->pos]) << 4 | (unsigned)hexval(l->s[l->pos + 1]));
		l->pos += 2;
	}
	if (is_word_char(l->s[l->pos])) {
		free(b);
		return fail(l, l->pos, "not a hex digit");
	}
	return push(l, TOK_HEX, start, l->s + start, l->pos - start, b, n);
}

static int lex_prefixed(struct lexer *l, enum tok_kind kind)
{
	size_t start = l->pos++;
	size_t name = l->pos;

	while (is_word_char(l->s[l->pos]))
		l->pos++;
	if (l->pos == name)
		return fail(l, start, kind == TOK_VAR ? "'$' needs a variable name"
						      : "'@' needs a label name");
	return push(l, kind, start, l->s + name, l->pos - name, NULL, 0);
}

static int lex_number(struct lexer *l)
{
	size_t start = l->pos;

	if (l->s[l->pos] == '0' && (l->s[l->pos + 1] == 'x' || l->s[l->pos + 1] == 'X')) {
		l->pos += 2;
		while (isxdigit((unsigned char)l->s[l->pos]))
			l->pos++;
	} else {
		while (isdigit((unsigned char)l->s[l->pos]) || l->s[l->pos] == '.')
			l->pos++;
	}
	/* A unit suffix such as 2s or 500ms stays a separate word. */
	return push(l, TOK_NUMBER, start, l->s + start, l->pos - start, NULL, 0);
}

static int lex_punct(struct lexer *l)
{
	static const char *const two[] = {"==", "!=", "<=", ">=", "..."};
	size_t start = l->pos;

	for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		size_t n = strlen(two[i]);
		if (strncmp(l->s + l->pos, two[i], n) == 0) {
			l->pos += n;
			return push(l, i == 4 ? TOK_WORD : TOK_PUNCT, start, two[i], n, NULL, 0);
		}
	}
	if (!strchr("><:;|=+-{},()&", l->s[l->pos]))
		return fail(l, start, "unexpected character");
	l->pos++;
	return push(l, TOK_PUNCT, start, l->s + start, 1, NULL, 0);
}

static int lex_one(struct lexer *l)
{
	const char *p = l->s + l->pos;

	if (*p == '"')
		return lex_string(l);
	if (strncmp(p, "hex:", 4) == 0)
		return lex_hex(l);
	if (*p == '$')
		return lex_prefixed(l, TOK_VAR);
	if (*p == '@')
		return lex_prefixed(l, TOK_LABEL);
	if (isdigit((unsigned char)*p))
		return lex_number(l);
	if (isalpha((unsigned char)*p) || *p == '_') {
		size_t start = l->pos;
		while (is_word_char(l->s[l->pos]))
			l->pos++;
		return push(l, TOK_WORD, start, l->s + start, l->pos - start, NULL, 0);
	}
	return lex_punct(l);
}

int lex_line(const char *line, struct line_tokens *out, unsigned *err_col, char *err,
	     size_t errlen)
{
	struct lexer l = {line, 0, out, err_col, err, errlen};

	*out = (struct line_tokens){0};
	while (line[l.pos] == ' ' || line[l.pos] == '\t')
		l.pos++;
	out->indent = (unsigned)l.pos;
	while (line[l.pos]) {
		if (line[l.pos] == ' ' || line[l.pos] == '\t' || line[l.pos] == '\r') {
			l.pos++;
			continue;
		}
		/* A comment starts at the line's start or after white space (lexer.h); a '#' right
		 * after a token is no character of the language ("with#poke" is an error). */
		if (line[l.pos] == '#' && (l.pos == 0 || line[l.pos - 1] == ' ' ||
					   line[l.pos - 1] == '\t' || line[l.pos - 1] == '\r'))
			break;
		if (lex_one(&l) != 0) {
			lex_free(out);
			return -1;
		}
	}
	return 0;
}

void lex_free(struct line_tokens *lt)
{
	for (size_t i = 0; i < lt->n; i++) {
		free(lt->t[i].text);
		free(lt->t[i].bytes);
	}
	free(lt->t);
	*lt = (struct line_tokens){0};
}
