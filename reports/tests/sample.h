/* sample.h - a sample run_result for the report tests, and temp-dir / file helpers. */
#ifndef NFS41_REPORTS_TESTS_SAMPLE_H
#define NFS41_REPORTS_TESTS_SAMPLE_H

#include <stddef.h>

#include "result.h"

/* What the sample holds, for the tests to compare against. */
#define SAMPLE_CASES 15
#define SAMPLE_GROUPS 5 /* exchange_id, create_session, sequence, destroy_session, ungrouped */
#define SAMPLE_PASS 4
#define SAMPLE_FAIL 3
#define SAMPLE_XFAIL 2
#define SAMPLE_XPASS 2
#define SAMPLE_SKIP 2
#define SAMPLE_ERROR 2
#define SAMPLE_REQUIREMENTS 22
#define SAMPLE_UNINDEXED 1 /* "UNK-99" */
#define SAMPLE_WAIVERS 2   /* RC-02 (waived), DST-02 (unused: dst-02 cites it) */
#define SAMPLE_WAIVED 1

/* The MUST-class ids of the sample index that no case cites, in index order. */
extern const char *const sample_uncovered_must[];
extern const size_t sample_nuncovered_must;
/* The SHOULD-class ids with neither a case nor a waiver, in index order. */
extern const char *const sample_uncovered_should[];
extern const size_t sample_nuncovered_should;

/* A malicious ladder summary, a malicious title, non-ASCII text. */
#define SAMPLE_EVIL_SUMMARY_TAG "<script>document.title='pwned'</script>"
#define SAMPLE_EVIL_TITLE \
	"flags <>&\"' kept: <script>alert(1)</script> <img src=x onerror=alert(2)>"
#define SAMPLE_UNICODE_TITLE "Séquence — slot réutilisé ✓ #0 \\ fin"

/* Stop the test when p is NULL (CUnit's _FATAL asserts are not known to return nothing). */
#define REQUIRE_PTR(p)                           \
	do {                                     \
		CU_ASSERT_PTR_NOT_NULL_FATAL(p); \
		if (!(p))                        \
			return;                  \
	} while (0)

/* Fill r with the sample (aborts when out of memory); run_result_free() releases it. */
void sample_run(struct run_result *r);

/* A fresh directory under $TMPDIR (or /tmp); NULL on failure. */
char *tmpdir_make(void);
/* dir/name as a heap string. */
char *tmpdir_file(const char *dir, const char *name);
/* Remove dir and everything in it. */
void tmpdir_remove(char *dir);
/* The whole file, NUL-terminated (len without it); NULL on failure. */
char *slurp(const char *path, size_t *len);

typedef int (*writer_fn)(const struct run_result *, const char *, char *, size_t);
/* The sample run written by write into a temporary file name, read back (caller frees). */
char *sample_render(writer_fn write, const char *name);
/* Occurrences of needle in haystack. */
size_t count_substr(const char *haystack, const char *needle);

#endif
