/* test_main.h - each test program defines tests_register() to add its CUnit suites. */
#ifndef NFS41_TESTS_TEST_MAIN_H
#define NFS41_TESTS_TEST_MAIN_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void tests_register(void);

/*
 * A CUnit assertion with a formatted message, counted at the caller's line:
 * CHECK(got == want, "frame %u: got %u", frame, got). Returns ok.
 */
bool test_check(bool ok, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK(ok, ...) test_check((ok), __FILE__, __LINE__, __VA_ARGS__)

/* CU_ASSERT_*_FATAL longjmps, which static analyzers do not follow: check and return instead. */
#define REQUIRE(cond)                                \
	do {                                         \
		if (!(cond)) {                       \
			CU_FAIL("required: " #cond); \
			return;                      \
		}                                    \
	} while (0)


/* A heap copy of exactly len bytes (NULL for 0), so ASan sees any overread; aborts on OOM. */
uint8_t *test_exact_copy(const uint8_t *src, size_t len);
/* Write content to a new file /tmp/<prefix>-XXXXXX; its name goes to path[64]. */
bool test_write_temp(const char *prefix, const char *content, char path[64]);

/* Add a suite of (name, function) pairs ending with {NULL, NULL}. */
struct test_entry {
	const char *name;
	CU_TestFunc fn;
};

static inline void tests_add_suite(const char *suite, const struct test_entry *tests)
{
	CU_pSuite s = CU_add_suite(suite, NULL, NULL);

	for (; s && tests->name; tests++)
		CU_add_test(s, tests->name, tests->fn);
}

#endif
