/* test_main.h - each test program defines tests_register() to add its CUnit suites. */
#ifndef NFS41_TESTS_TEST_MAIN_H
#define NFS41_TESTS_TEST_MAIN_H

#include <CUnit/CUnit.h>

void tests_register(void);

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
