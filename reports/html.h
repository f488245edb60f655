/* html.h - the pieces of the HTML report: escaping, page sections, the SVG ladder. */
#ifndef NFS41_REPORTS_HTML_H
#define NFS41_REPORTS_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "coverage.h"
#include "result.h"

/* Text or attribute value: & < > " ' escaped, cleaned to valid UTF-8 without controls. */
void html_escape(FILE *out, const char *s);
/* The same, at most max_chars characters, then an ellipsis; newlines kept unless one_line. */
void html_escape_n(FILE *out, const char *s, size_t max_chars, int one_line);

/* Anchors: "case-<index>" and "case-<index>-ev-<event>". */
void html_case_anchor(FILE *out, size_t case_index);

void html_coverage_section(FILE *out, const struct coverage *cov, const struct run_result *r);
/* html_case() and html_ladder() return -1 when out of memory. */
int html_case(FILE *out, const struct case_result *c, size_t case_index);
/* The SVG ladder of one case and the list of decoded messages under it. */
int html_ladder(FILE *out, const struct case_result *c, size_t case_index);

extern const char html_style[];
extern const char html_script[];

#endif
