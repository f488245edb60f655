/* test_html.c - the HTML report: escaping, no external resources, CSP, coverage, ladders. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_util.h"
#include "reports.h"
#include "sample.h"
#include "test_main.h"

static char *html_text(void)
{
	return sample_render(report_write_html, "report.html");
}

static void test_escaping(void)
{
	char *h = html_text();

	REQUIRE_PTR(h);
	/* The only script element is the report's own. */
	CU_ASSERT_EQUAL(count_substr(h, "<script"), 1);
	CU_ASSERT_EQUAL(count_substr(h, "</script>"), 1);
	CU_ASSERT_PTR_NULL(strstr(h, "<script>"));
	CU_ASSERT_PTR_NULL(strstr(h, "<img"));
	CU_ASSERT_PTR_NULL(strstr(h, "<b>atomically"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(h, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h,
				      "flags &lt;&gt;&amp;&quot;&#39; kept: &lt;script&gt;alert(1)"
				      "&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "&lt;script&gt;alert(&#39;detail&#39;)&lt;/script&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, SAMPLE_UNICODE_TITLE));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "raw bytes: \xef\xbf\xbd\xef\xbf\xbd \\x01 end"));
	CU_ASSERT_PTR_NULL(strchr(h, '\x1b'));
	CU_ASSERT_PTR_NULL(strstr(h, "\xff"));
	free(h);
}

static void test_self_contained(void)
{
	char *h = html_text(), *csp, nonce[40];

	REQUIRE_PTR(h);
	/* The only URL is the SVG namespace name, which is never fetched. */
	CU_ASSERT_EQUAL(count_substr(h, "http:"),
			count_substr(h, "xmlns=\"http://www.w3.org/2000/svg\""));
	CU_ASSERT_EQUAL(count_substr(h, "https:"), 0);
	CU_ASSERT_PTR_NULL(strstr(h, " src=\""));
	CU_ASSERT_PTR_NULL(strstr(h, "href=\"http"));
	CU_ASSERT_PTR_NULL(strstr(h, "<link"));
	CU_ASSERT_PTR_NULL(strstr(h, "url("));
	CU_ASSERT_PTR_NULL(strstr(h, "@import"));
	csp = strstr(h, "script-src 'nonce-");
	REQUIRE_PTR(csp);
	CU_ASSERT_EQUAL(sscanf(csp, "script-src 'nonce-%32[0-9a-f]'", nonce), 1);
	CU_ASSERT_EQUAL(strlen(nonce), 32);
	CU_ASSERT_EQUAL(count_substr(h, nonce), 4); /* style-src, script-src, <style>, <script> */
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "default-src 'none'"));
	free(h);
}

static void test_summary_and_coverage(void)
{
	char *h = html_text();

	REQUIRE_PTR(h);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, ">4 passed, 7 failed, 4 skipped</p>"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(h, "<div class=\"tile v-XPASS\"><b>2</b><span>XPASS</span></div>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<h3>MUST-class requirements with no case (3)</h3>"));
	CU_ASSERT_EQUAL(count_substr(h, "<tr class=\"uncovered\">"),
			sample_nuncovered_must + sample_nuncovered_should);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		h, "<h3>SHOULD-class requirements with neither a case nor a waiver (1)</h3>"));
	CU_ASSERT_EQUAL(count_substr(h, "<tr class=\"waived\">"), SAMPLE_WAIVED);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<span class=\"waiver\">waived: needs a &lt;b&gt;server "
					 "restart&lt;/b&gt; | `not` &amp; observable</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<h3>Unused waivers: these ids have a case (1)</h3>"));
	CU_ASSERT_EQUAL(count_substr(h, "<tr class=\"unindexed\">"), SAMPLE_UNINDEXED);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		h, "<a class=\"badge v-XPASS\" href=\"#case-12\" title=\"XPASS\">dst-03</a>"));
	free(h);
}

static void test_cases_and_ladders(void)
{
	char *h = html_text();

	REQUIRE_PTR(h);
	CU_ASSERT_EQUAL(count_substr(h, "<details class=\"case "), SAMPLE_CASES);
	CU_ASSERT_EQUAL(count_substr(h, "\" open>"), SAMPLE_FAIL + SAMPLE_ERROR + SAMPLE_XPASS);
	/* Every case with messages has a ladder: all but the skipped ones and ses-03. */
	CU_ASSERT_EQUAL(count_substr(h, "<svg class=\"ladder\""), SAMPLE_CASES - SAMPLE_SKIP - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "No messages were exchanged."));
	/* seq-02: two client lifelines and the server's; two errors, drawn red. */
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<g class=\"ev reply err\" tabindex=\"0\" role=\"button\" "
					 "data-target=\"case-6-ev-5\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "data-target=\"case-6-ev-7\">"));
	CU_ASSERT_EQUAL(count_substr(h, "<g class=\"ev reply err\""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<details class=\"ev-detail err\" id=\"case-6-ev-5\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, ">c2-ü</text></g>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "xid 0x00000020 \xc2\xb7 slot 0 seqid 3</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "<code>nfs41check run --target 127.0.0.1:2049 --case "
					 "&#39;seq-02&#39;</code>"));
	free(h);
}

static void test_escape_helper(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	REQUIRE_PTR(f);
	html_escape(f, "<a href=\"x\">'&'</a>\x07\xfe");
	fputc('|', f);
	html_escape_n(f, "abcdef", 3, 1);
	fputc('|', f);
	html_escape_n(f, "a\nb", 10, 1);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(
		buf, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\x07\xef\xbf\xbd"
		     "|abc\xe2\x80\xa6|a b");
	free(buf);
}

void tests_register(void)
{
	static const struct test_entry html[] = {
		{"hostile strings are escaped", test_escaping},
		{"self-contained, CSP nonce", test_self_contained},
		{"summary and coverage", test_summary_and_coverage},
		{"cases and ladders", test_cases_and_ladders},
		{"html_escape", test_escape_helper},
		{NULL, NULL},
	};

	tests_add_suite("html", html);
}
