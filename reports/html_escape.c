/* html_escape.c - escapes untrusted text for HTML text and attribute values. */
#include <stdint.h>

#include "html.h"
#include "report_util.h"

static void escape_char(FILE *out, uint32_t cp, int one_line)
{
	switch (cp) {
	case '&':
		fputs("&amp;", out);
		return;
	case '<':
		fputs("&lt;", out);
		return;
	case '>':
		fputs("&gt;", out);
		return;
	case '"':
		fputs("&quot;", out);
		return;
	case '\'':
		fputs("&#39;", out);
		return;
	default:
		if (is_control(cp))
			text_put_control(out, cp, one_line);
		else
			utf8_put(out, cp);
	}
}

void html_escape_n(FILE *out, const char *s, size_t max_chars, int one_line)
{
	uint32_t cp;
	size_t n = 0;

	while (s && *s) {
		if (n++ == max_chars) {
			fputs("\xe2\x80\xa6", out); /* U+2026 */
			return;
		}
		s += utf8_next(s, &cp);
		escape_char(out, cp, one_line);
	}
}

void html_escape(FILE *out, const char *s)
{
	html_escape_n(out, s, SIZE_MAX, 0);
}

void html_case_anchor(FILE *out, size_t case_index)
{
	fprintf(out, "case-%zu", case_index);
}
