/* test_main.c - the CUnit main every wire test program shares. */
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

bool test_check(bool ok, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, "", file, "", CU_FALSE);
		return true;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
	return false;
}

uint8_t *test_exact_copy(const uint8_t *src, size_t len)
{
	uint8_t *p;

	if (len == 0)
		return NULL;
	p = malloc(len);
	if (!p)
		abort();
	memcpy(p, src, len);
	return p;
}

bool test_write_temp(const char *prefix, const char *content, char path[64])
{
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/%.40s-XXXXXX", prefix);
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return false;
	}
	fputs(content, f);
	return fclose(f) == 0;
}
