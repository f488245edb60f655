/* report_util.h - what the writers share: error strings, output files, numbers, UTF-8 text. */
#ifndef NFS41_REPORTS_REPORT_UTIL_H
#define NFS41_REPORTS_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

#define SECONDS_BUF 32

/* Fill err (when given) with a formatted reason. */
void report_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* fopen(path, "w") with the reason in err on failure. */
FILE *report_open(const char *path, char *err, size_t errlen);
/* Remove what a failed writer left at path, if it is a regular file (never a device). */
void report_remove_partial(const char *path);
/* Close f; on any write error set err, remove the partial file and return -1. */
int report_close(FILE *f, const char *path, char *err, size_t errlen);
/* Check the arguments every writer takes. */
int report_check_args(const void *r, const char *path, char *err, size_t errlen);

/* A new heap string, NULL on allocation failure. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *str_or(const char *s, const char *fallback);
/* "1.234" (seconds, 3 decimals), independent of the locale; 0.000 for NaN or negative. */
const char *format_seconds(double s, char buf[SECONDS_BUF]);

/* Decode one code point from s (not at the NUL); invalid bytes decode as U+FFFD, length 1. */
size_t utf8_next(const char *s, uint32_t *cp);
void utf8_put(FILE *out, uint32_t cp);
/* C0 and C1 controls and DEL (tab, newline and carriage return included). */
int is_control(uint32_t cp);
/* A control as text_write_clean() writes it. */
void text_put_control(FILE *out, uint32_t cp, int one_line);
/*
 * Write s as valid UTF-8: controls other than tab/newline as "\xNN" ("\u{NN}"
 * for C1); with one_line, tab/newline/CR become a space.
 */
void text_write_clean(FILE *out, const char *s, int one_line);
/* The same for the first n bytes of s; n must end at an ASCII byte or the NUL. */
void text_write_clean_n(FILE *out, const char *s, size_t n, int one_line);
/* The same into a new heap string (NULL on allocation failure; s NULL as ""). */
char *text_clean(const char *s, int one_line);

/* Whether a verdict counts as failed / skipped in the CI totals. */
int verdict_is_failed(enum verdict v);
int verdict_is_skipped(enum verdict v);

/* Whether a ladder event shows an error (NFS4ERR_, MSG_DENIED, RPC-level failure). */
int ladder_event_is_error(const struct ladder_event *e);

#endif
