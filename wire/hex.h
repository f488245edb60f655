/*
 * hex.h - the one hex codec of the project: session ids, client ids, owners and stateids as
 * they appear in the admin API, case files, reports and diffs (lower-case out, either case in).
 */
#ifndef NFS41_WIRE_HEX_H
#define NFS41_WIRE_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit, or -1. */
int hex_digit(char c);

/* n bytes as 2n lower-case digits and a NUL into out (2n + 1 bytes); returns out. */
char *hex_encode(const uint8_t *b, size_t n, char *out);

/* ndigits hex digits (even, either case) into ndigits / 2 bytes; 0, or -1 when ndigits is odd
 * or a character is not a hex digit (out is then partly written). */
int hex_decode(const char *s, size_t ndigits, uint8_t *out);

/* True when the first n characters of s are all hex digits. */
int hex_all_digits(const char *s, size_t n);

#endif
