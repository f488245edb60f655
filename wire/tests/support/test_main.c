/* test_main.c - the CUnit main every wire test program shares. */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "test_main.h"

int main(void)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	tests_register();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "test registration failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	/* An empty program is a broken test, not a pass. */
	if (CU_get_number_of_tests_run() == 0) {
		fprintf(stderr, "no tests ran\n");
		failed = 1;
	}
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
