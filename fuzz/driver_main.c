/* driver_main.c - main() outside libFuzzer: the AFL++ persistent loop, or a replay of files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Hidden files and README placeholders (which keep empty folders in git) are not inputs. */
static int is_input(const char *name)
{
	return name[0] != '.' && strncmp(name, "README", 6) != 0;
}

/* Run the harness on an exact-size heap copy of path, so ASan sees any over-read. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;
	size_t len;

	if (!f || fstat(fileno(f), &st) != 0 || !(buf = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (len != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	fprintf(stderr, "Running: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

/* A file, or every input in a folder (recursively, in name order); counts into *n. */
static int replay_path(const char *path, unsigned *n)
{
	struct dirent **ents;
	struct stat st;
	int count, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return replay_file(path);
	}
	if ((count = scandir(path, &ents, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		if (rc == 0 && is_input(ents[i]->d_name)) {
			char sub[4096];
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			rc = replay_path(sub, n);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
#include <unistd.h> /* read(), used by __AFL_FUZZ_TESTCASE_LEN outside afl-fuzz */

__AFL_FUZZ_INIT();

/* Under afl-fuzz: the persistent loop over shared-memory test cases, copied to exact size. */
static int afl_loop(void)
{
	__AFL_INIT();
	const uint8_t *shm = __AFL_FUZZ_TESTCASE_BUF;

	while (__AFL_LOOP(100000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			abort();
		memcpy(copy, shm, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return 0;
}
#endif

int main(int argc, char **argv)
{
	unsigned n = 0;

#ifdef __AFL_FUZZ_TESTCASE_LEN
	if (argc < 2)
		return afl_loop();
#endif
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...  (runs every input once)\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &n) != 0)
			return 1;
	if (n == 0) {
		fprintf(stderr, "%s: no inputs found\n", argv[0]);
		return 1;
	}
	printf("%s: replayed %u inputs\n", argv[0], n);
	return 0;
}
