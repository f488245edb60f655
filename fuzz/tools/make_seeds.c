/* make_seeds.c - writes the fuzz seed corpora from the RPC records of the shared captures. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture_records.h"
#include "wire.h"

#define MAX_CAPTURES 8
#define MAX_SEEDS 512

struct cap {
	char stem[64]; /* file name without .pcap */
	struct capture c;
};

/* Write prefix (n bytes) then data to dir/name; exits on failure. */
static void write_seed(const char *dir, const char *name, const uint8_t *prefix, size_t n,
		       const uint8_t *data, size_t len)
{
	char path[1024];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    !(f = fopen(path, "wb")) || fwrite(prefix, 1, n, f) != n ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The message's shape: its summary without the xid, as a file name. */
static void shape_of(const struct wire_msg *m, char *name, size_t n)
{
	char line[256], *x, *o = name;

	wire_msg_summary(m, line, sizeof(line));
	if ((x = strstr(line, "xid 0x")) && strlen(x) >= 15)
		memmove(x, x + 15, strlen(x + 15) + 1);
	for (const char *p = line; *p && o + 1 < name + n; p++)
		if (*p != ')')
			*o++ = (*p == ' ' || *p == '(') ? '-' : *p;
	*o = '\0';
}

/* compound: one seed per distinct message shape; option byte 0xc1 (strict) when it decodes so. */
static unsigned compound_seeds(const char *dir, struct cap *caps, unsigned ncaps)
{
	static char seen[MAX_SEEDS][128];
	unsigned nseen = 0;

	for (unsigned i = 0; i < ncaps; i++)
		for (size_t r = 0; r < caps[i].c.count && nseen < MAX_SEEDS; r++) {
			const struct capture_record *rec = &caps[i].c.records[r];
			struct wire_decode_opts strict = {.flags = WIRE_STRICT,
							  .reply_proc = WIRE_PROC_UNKNOWN};
			struct wire_msg m;
			struct wire_error err;
			uint8_t opt = wire_msg_decode(rec->data, rec->len, &strict, &m, &err) == WIRE_OK
					      ? 0xc1 : 0xc0;
			char name[128];
			unsigned k;

			shape_of(&m, name, sizeof(name));
			wire_msg_free(&m);
			for (k = 0; k < nseen && strcmp(seen[k], name) != 0; k++)
				;
			if (k < nseen)
				continue;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			write_seed(dir, name, &opt, 1, rec->data, rec->len);
		}
	return nseen;
}

/* One recmark seed: control bytes, then records [first, first+count) of a flow, fragmented. */
struct stream_seed {
	unsigned cap, stream, to_server, first, count, frag;
	uint8_t ctl[2]; /* chunking, re-encoding fragment size: see fuzz_recmark.c */
};

static const struct stream_seed stream_seeds[] = {
	{0, 0, 1, 0, 3, 0, {0x00, 0x00}},   {0, 0, 0, 0, 3, 64, {0x05, 0x07}},
	{0, 0, 1, 20, 2, 100, {0x10, 0xff}}, {0, 0, 0, 20, 2, 13, {0x09, 0x01}},
	{1, 0, 1, 0, 4, 0, {0x03, 0x20}},   {1, 0, 0, 4, 3, 48, {0x02, 0x00}},
	{1, 1, 1, 0, 2, 0, {0x08, 0x40}},   {1, 1, 0, 0, 2, 1000, {0x0c, 0x80}},
};

static size_t stream_bytes(const struct stream_seed *s, struct cap *caps, uint8_t *out, size_t cap)
{
	const struct capture *c = &caps[s->cap].c;
	size_t len = 0;
	unsigned seen = 0, taken = 0;

	for (size_t r = 0; r < c->count && taken < s->count; r++) {
		const struct capture_record *rec = &c->records[r];
		if (rec->stream != s->stream || (rec->dst_port == 2049) != (s->to_server != 0) ||
		    seen++ < s->first)
			continue;
		size_t n = rm_encode(rec->data, rec->len, s->frag, out + len, cap - len);
		if (n > cap - len)
			return 0;
		len += n, taken++;
	}
	return len;
}

/* recmark: fragmented streams of real records, plus a few boundary streams. */
static unsigned recmark_seeds(const char *dir, struct cap *caps, unsigned ncaps)
{
	static uint8_t buf[1 << 16];
	static const uint8_t empty[] = {0x80, 0, 0, 0}, zero_frags[] = {0, 0, 0, 0, 0, 0, 0, 0,
		0x80, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef}, over_limit[] = {0x80, 0x01, 0x00, 0x01, 0},
		truncated[] = {0x80, 0, 0x10, 0, 1, 2, 3}, ctl[2] = {0x00, 0x03};
	unsigned n = 0;
	char name[160];

	for (size_t i = 0; i < sizeof(stream_seeds) / sizeof(stream_seeds[0]); i++) {
		const struct stream_seed *s = &stream_seeds[i];
		size_t len = s->cap < ncaps ? stream_bytes(s, caps, buf, sizeof(buf)) : 0;
		if (len == 0)
			continue;
		snprintf(name, sizeof(name), "%s-s%u-%s-n%u-frag%u", caps[s->cap].stem, s->stream,
			 s->to_server ? "calls" : "replies", s->count, s->frag);
		write_seed(dir, name, s->ctl, 2, buf, len), n++;
	}
	write_seed(dir, "empty-record", ctl, 2, empty, sizeof(empty));
	write_seed(dir, "zero-length-fragments", ctl, 2, zero_frags, sizeof(zero_frags));
	write_seed(dir, "over-limit", ctl, 2, over_limit, sizeof(over_limit));
	write_seed(dir, "truncated", ctl, 2, truncated, sizeof(truncated));
	return n + 4;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *pdir = argc > 2 ? argv[2] : capture_dir();
	char path[1024], err[256], *names[MAX_CAPTURES];
	static struct cap caps[MAX_CAPTURES];
	unsigned ncaps = 0, nc, nr;
	struct dirent *e;
	DIR *d;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s OUTDIR [PCAPDIR]  (writes OUTDIR/compound, OUTDIR/recmark)\n",
			argv[0]);
		return 2;
	}
	if (!(d = opendir(pdir))) {
		perror(pdir);
		return 1;
	}
	while ((e = readdir(d)) && ncaps < MAX_CAPTURES) {
		const char *dot = strrchr(e->d_name, '.');
		if (dot && strcmp(dot, ".pcap") == 0)
			names[ncaps++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, ncaps, sizeof(names[0]), by_name);
	for (unsigned i = 0; i < ncaps; i++) {
		snprintf(path, sizeof(path), "%s/%s", pdir, names[i]);
		if (capture_load(path, &caps[i].c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", path, err);
			return 1;
		}
		snprintf(caps[i].stem, sizeof(caps[i].stem), "%.*s",
			 (int)(strlen(names[i]) - strlen(".pcap")), names[i]);
		free(names[i]);
	}
	snprintf(path, sizeof(path), "%s/compound", argv[1]);
	mkdir(argv[1], 0777), mkdir(path, 0777);
	nc = compound_seeds(path, caps, ncaps);
	snprintf(path, sizeof(path), "%s/recmark", argv[1]);
	mkdir(path, 0777);
	nr = recmark_seeds(path, caps, ncaps);
	printf("%u captures: %u compound seeds, %u recmark seeds in %s\n", ncaps, nc, nr, argv[1]);
	for (unsigned i = 0; i < ncaps; i++)
		capture_free(&caps[i].c);
	return ncaps && nc && nr ? 0 : 1;
}
