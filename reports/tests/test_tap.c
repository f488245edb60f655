/* test_tap.c - the TAP 14 writer, read back line by line: plan, points, directives, YAML. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "sample.h"
#include "test_main.h"

#define MAX_LINES 512

struct tap {
	char *text;
	char *lines[MAX_LINES];
	size_t n;
};

static int tap_load(struct tap *t)
{
	struct run_result r;
	char *dir = tmpdir_make(), *path, *save = NULL;
	char err[256] = "";
	int rc;

	memset(t, 0, sizeof(*t));
	if (!dir)
		return -1;
	path = tmpdir_file(dir, "results.tap");
	sample_run(&r);
	rc = report_write_tap(&r, path, err, sizeof(err));
	run_result_free(&r);
	CU_ASSERT_EQUAL(rc, 0);
	t->text = rc == 0 ? slurp(path, NULL) : NULL;
	free(path);
	tmpdir_remove(dir);
	if (!t->text)
		return -1;
	for (char *l = strtok_r(t->text, "\n", &save); l && t->n < MAX_LINES;
	     l = strtok_r(NULL, "\n", &save))
		t->lines[t->n++] = l;
	return 0;
}

/* The index of the line starting with prefix, or t->n. */
static size_t find_line(const struct tap *t, const char *prefix)
{
	for (size_t i = 0; i < t->n; i++)
		if (strncmp(t->lines[i], prefix, strlen(prefix)) == 0)
			return i;
	return t->n;
}

static int is_point(const char *l)
{
	return strncmp(l, "ok ", 3) == 0 || strncmp(l, "not ok ", 7) == 0;
}

static void test_header_and_plan(void)
{
	struct tap t;
	size_t points = 0, number = 0;

	CU_ASSERT_EQUAL_FATAL(tap_load(&t), 0);
	CU_ASSERT_STRING_EQUAL(t.lines[0], "TAP version 14");
	CU_ASSERT_EQUAL(find_line(&t, "1.."), 2);
	CU_ASSERT_STRING_EQUAL(t.lines[2], "1..15");
	for (size_t i = 0; i < t.n; i++) {
		if (!is_point(t.lines[i]))
			continue;
		points++;
		CU_ASSERT_EQUAL(sscanf(t.lines[i] + (t.lines[i][0] == 'o' ? 3 : 7), "%zu", &number),
				1);
		CU_ASSERT_EQUAL(number, points);
	}
	CU_ASSERT_EQUAL(points, SAMPLE_CASES);
	CU_ASSERT_STRING_EQUAL(t.lines[t.n - 1], "# 4 passed, 7 failed, 4 skipped");
	free(t.text);
}

static void test_points_and_directives(void)
{
	struct tap t;

	CU_ASSERT_EQUAL_FATAL(tap_load(&t), 0);
	CU_ASSERT(find_line(&t, "ok 1 - eid-01: EXCHANGE_ID returns a client id") < t.n);
	CU_ASSERT(find_line(&t, "not ok 2 - eid-02: ") < t.n);
	CU_ASSERT(find_line(&t,
			    "not ok 4 - ses-02: replayed CREATE_SESSION # TODO expected failure "
			    "(baseline): known server bug #1234") < t.n);
	CU_ASSERT(find_line(&t, "not ok 5 - ses-03: slot count negotiation") < t.n);
	CU_ASSERT(find_line(&t, "ok 8 - seq-03: reply cache retry # TODO passed but the baseline "
				"expects failure: ") < t.n);
	CU_ASSERT(find_line(&t, "ok 9 - seq-04: bad slot id # SKIP server lacks feature `pnfs`") <
		  t.n);
	/* '#' and '\' in a description are escaped; the non-ASCII stays. */
	CU_ASSERT(find_line(&t, "not ok 7 - seq-02: Séquence — slot réutilisé ✓ \\#0 \\\\ fin") <
		  t.n);
	/* rc-01's reason has an ANSI escape and a newline: one line, no ESC byte. */
	CU_ASSERT_PTR_NULL(strchr(t.text, '\x1b'));
	free(t.text);
}

/* The YAML verdict a test point implies: TODO marks XFAIL (not ok) and XPASS (ok). */
static const char *expected_verdict_line(const char *point)
{
	int todo = strstr(point, " # TODO ") != NULL, ok = point[0] == 'o';

	if (todo)
		return ok ? "  verdict: \"XPASS\"" : "  verdict: \"XFAIL\"";
	return strstr(point, ": slot count") || strstr(point, ": destroy with")
		       ? "  verdict: \"ERROR\""
		       : "  verdict: \"FAIL\"";
}

/* After every not-ok and every TODO point: a YAML block with message, rfc and repro. */
static void test_yaml_blocks(void)
{
	struct tap t;
	size_t blocks = 0;

	CU_ASSERT_EQUAL_FATAL(tap_load(&t), 0);
	for (size_t i = 0; i + 1 < t.n; i++) {
		size_t end = i + 1;

		if (strcmp(t.lines[i + 1], "  ---") != 0)
			continue;
		CU_ASSERT(is_point(t.lines[i]));
		while (end < t.n && strcmp(t.lines[end], "  ...") != 0)
			end++;
		if (end >= t.n || end < i + 7) {
			CU_FAIL("YAML block unterminated or too short");
			break;
		}
		CU_ASSERT_STRING_EQUAL(t.lines[i + 2], expected_verdict_line(t.lines[i]));
		CU_ASSERT_EQUAL(strncmp(t.lines[i + 4], "  message: ", 11), 0);
		CU_ASSERT_EQUAL(strncmp(t.lines[i + 5], "  rfc: ", 7), 0);
		CU_ASSERT_EQUAL(strncmp(t.lines[i + 6], "  repro: \"nfs41check run ", 25), 0);
		blocks++;
	}
	CU_ASSERT_EQUAL(blocks, SAMPLE_CASES - SAMPLE_PASS - SAMPLE_SKIP);
	CU_ASSERT(find_line(&t, "  message: \"got \\x1b[31mNFS4_OK\\x1b[0m\\nwhere "
				"NFS4ERR_COMPLETE_ALREADY was expected\"") < t.n);
	CU_ASSERT(find_line(&t, "  rfc: \"RFC 8881 §2.10.6.1\"") < t.n);
	CU_ASSERT(find_line(&t, "  message: \"expected eir_flags & 0x00070000 == 0x00010000, got "
				"0x00000000 <none>\"") < t.n);
	free(t.text);
}

void tests_register(void)
{
	static const struct test_entry tap[] = {
		{"version, plan, numbering", test_header_and_plan},
		{"test points and directives", test_points_and_directives},
		{"YAML diagnostics", test_yaml_blocks},
		{NULL, NULL},
	};

	tests_add_suite("tap", tap);
}
