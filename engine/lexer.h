/*
 * lexer.h - tokens of one case-file line, each with its column.
 *
 * Words may contain letters, digits, '_', '.', '[' and ']' (so
 * `SEQUENCE.sr_status_flags` and `seqid[0]` are one token); `$x` is a
 * variable, `@a` a label, "..." a string with C escapes, hex:00ff raw bytes.
 * A '#' at the start of a line or after white space begins a comment.
 */
#ifndef NFS41_ENGINE_LEXER_H
#define NFS41_ENGINE_LEXER_H

#include <stddef.h>
#include <stdint.h>

enum tok_kind {
	TOK_END,
	TOK_WORD,   /* identifiers, op names, field paths */
	TOK_NUMBER, /* 12, 0x1f, 1.5 (the text keeps the decimals) */
	TOK_STRING, /* "..." with escapes decoded into bytes */
	TOK_HEX,    /* hex:0011.. decoded into bytes */
	TOK_VAR,    /* $name or $name[N]: text is "name" / "name[N]" */
	TOK_LABEL,  /* @name: text is "name" */
	TOK_PUNCT,  /* one of > < : ; | = + - { } , ( ) & or two-char == != <= >= */
};

struct token {
	enum tok_kind kind;
	unsigned col;     /* 1-based */
	char *text;       /* owned */
	uint8_t *bytes;   /* STRING, HEX: owned */
	size_t len;
};

struct line_tokens {
	struct token *t;
	size_t n;
	unsigned indent; /* columns of leading white space */
};

/* Tokenize line (without its newline). Returns 0, or -1 with the column and message. */
int lex_line(const char *line, struct line_tokens *out, unsigned *err_col, char *err,
	     size_t errlen);
void lex_free(struct line_tokens *lt);

#endif
