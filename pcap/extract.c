/* extract.c - `nfs41check pcap extract` (see extract.h). */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wire.h"

/* fuzz_compound.c's option byte: bit 0 strict decoding, bits 1-2 what a reply answers
 * (0 unknown, 1 NULL, 2 COMPOUND), bits 3-5 the op limit (0: the default). */
#define OPT_STRICT 0x01u
#define OPT_REPLY_NULL (1u << 1)
#define OPT_REPLY_COMPOUND (2u << 1)

struct extractor {
	const struct extract_opts *o;
	struct extract_result *res;
	char err[4200];
};

/* FNV-1a, 64 bits: a stable name for a seed's bytes (not a security hash). */
static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint8_t option_byte(const struct rpc_message *m)
{
	if (m->msg_type == ONCRPC_CALL || m->proc == WIRE_PROC_UNKNOWN)
		return OPT_STRICT;
	return OPT_STRICT | (m->proc == NFSPROC4_NULL ? OPT_REPLY_NULL : OPT_REPLY_COMPOUND);
}

/* Write the seed unless a file of that name exists already: 1 written, 0 a duplicate, -1. */
static int write_seed(struct extractor *x, const uint8_t *head, size_t headlen,
		      const struct rpc_message *m)
{
	char path[4096];
	uint64_t h = fnv1a(m->rec, m->len, fnv1a(head, headlen, 0xcbf29ce484222325ull));
	int fd;

	snprintf(path, sizeof(path), "%s/%s-%016llx", x->o->dir,
		 m->msg_type == ONCRPC_CALL ? "call" : "reply", (unsigned long long)h);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0 || write(fd, head, headlen) != (ssize_t)headlen ||
	    write(fd, m->rec, m->len) != (ssize_t)m->len) {
		snprintf(x->err, sizeof(x->err), "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) == 0 ? 1 : -1;
}

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct extractor *x = ctx;
	uint8_t opt = option_byte(m);
	int rc;

	if (x->err[0] || (m->msg_type == ONCRPC_REPLY && !x->o->replies))
		return;
	rc = x->o->form == EXTRACT_COMPOUND ? write_seed(x, &opt, 1, m) : write_seed(x, NULL, 0, m);
	if (rc > 0)
		x->res->written++;
	else if (rc == 0)
		x->res->duplicates++;
}

int pcap_extract_file(const char *path, const struct extract_opts *o, struct extract_result *res,
		      char *err, size_t errlen)
{
	struct extractor x = {.o = o, .res = res};
	struct rpc_sink sink = {.ctx = &x, .message = on_message};
	struct capture *c;
	int rc;

	memset(res, 0, sizeof(*res));
	if (mkdir(o->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", o->dir, strerror(errno));
		return -1;
	}
	if (!(c = capture_open(path, err, errlen)))
		return -1;
	rc = rpc_read_capture(c, &o->read, &sink, &res->st, err, errlen);
	capture_close(c);
	if (x.err[0]) {
		snprintf(err, errlen, "%s", x.err);
		return -1;
	}
	return rc;
}
