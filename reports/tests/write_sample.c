/* write_sample.c - writes every report of the sample run into a directory (ctest fixtures). */
#include <stdio.h>
#include <stdlib.h>

#include "reports.h"
#include "sample.h"

typedef int (*writer_fn)(const struct run_result *, const char *, char *, size_t);

static const struct {
	const char *name;
	writer_fn write;
} outputs[] = {
	{"junit.xml", report_write_junit},         {"results.tap", report_write_tap},
	{"run.json", report_write_json},           {"coverage.json", report_write_coverage_json},
	{"coverage.md", report_write_coverage_md}, {"report.html", report_write_html},
};

int main(int argc, char **argv)
{
	struct run_result r;
	int status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	sample_run(&r);
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		char *path = tmpdir_file(argv[1], outputs[i].name);
		char err[512];

		if (outputs[i].write(&r, path, err, sizeof(err)) != 0) {
			fprintf(stderr, "write_sample: %s\n", err);
			status = 1;
		}
		free(path);
	}
	report_print_summary(stdout, &r, 0);
	run_result_free(&r);
	return status;
}
