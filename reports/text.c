/* text.c - UTF-8 decoding and the cleaning every writer applies to untrusted strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_util.h"

#define REPLACEMENT 0xFFFDu

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Sequence length announced by a lead byte, 0 when it cannot start one. */
static size_t lead_length(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* Rejects overlong forms, surrogates, values past U+10FFFF and U+FFFE/U+FFFF. */
static int scalar_ok(uint32_t cp, size_t len)
{
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};

	if (cp < min_for_len[len] || cp > 0x10FFFF)
		return 0;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	return cp != 0xFFFE && cp != 0xFFFF;
}

size_t utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = lead_length(u[0]);
	uint32_t v;

	*cp = REPLACEMENT;
	if (len == 0)
		return 1;
	if (len == 1) {
		*cp = u[0];
		return 1;
	}
	v = u[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if (!is_cont(u[i]))
			return 1;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (!scalar_ok(v, len))
		return 1;
	*cp = v;
	return len;
}

void utf8_put(FILE *out, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, out);
	} else if (cp < 0x800) {
		fputc((int)(0xC0 | (cp >> 6)), out);
		fputc((int)(0x80 | (cp & 0x3F)), out);
	} else if (cp < 0x10000) {
		fputc((int)(0xE0 | (cp >> 12)), out);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), out);
		fputc((int)(0x80 | (cp & 0x3F)), out);
	} else {
		fputc((int)(0xF0 | (cp >> 18)), out);
		fputc((int)(0x80 | ((cp >> 12) & 0x3F)), out);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), out);
		fputc((int)(0x80 | (cp & 0x3F)), out);
	}
}

int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

void text_put_control(FILE *out, uint32_t cp, int one_line)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		fputc(one_line ? ' ' : (int)cp, out);
	else if (cp < 0x80)
		fprintf(out, "\\x%02x", (unsigned)cp);
	else
		fprintf(out, "\\u{%02x}", (unsigned)cp);
}

void text_write_clean_n(FILE *out, const char *s, size_t n, int one_line)
{
	const char *end = s + n;
	uint32_t cp;

	while (s && s < end && *s) {
		s += utf8_next(s, &cp);
		if (is_control(cp))
			text_put_control(out, cp, one_line);
		else
			utf8_put(out, cp);
	}
}

void text_write_clean(FILE *out, const char *s, int one_line)
{
	if (s)
		text_write_clean_n(out, s, strlen(s), one_line);
}

char *text_clean(const char *s, int one_line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	text_write_clean(f, s, one_line);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
