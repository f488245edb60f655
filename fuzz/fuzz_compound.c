/* fuzz_compound.c - any RPC record: what decodes re-encodes to a fixed point and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h> /* ssize_t */

#include "fuzz.h"
#include "wire.h"

#define MAX_INPUT (1u << 20)

static const uint32_t reply_procs[] = {WIRE_PROC_UNKNOWN, NFSPROC4_NULL, NFSPROC4_COMPOUND,
				       WIRE_PROC_UNKNOWN};
static const uint32_t max_ops[] = {0, 1, 2, 3, 4, 8, 16, 1024};
static const size_t summary_sizes[] = {1, 16, 64, 256};
static FILE *sink;

/* The print oracle needs the text formatted, not written: a stream that drops it (no syscall). */
static ssize_t discard(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)len;
}

static FILE *open_sink(void)
{
	cookie_io_functions_t io = {.write = discard};
	FILE *f = fopencookie(NULL, "w", io);

	if (f)
		setvbuf(f, NULL, _IOFBF, 1u << 16);
	return f;
}

/* Encode m into an exact-size heap buffer; *len gets its size. */
static uint8_t *encode(const struct wire_msg *m, size_t *len)
{
	uint8_t *buf;

	*len = wire_msg_encode(m, NULL, 0);
	if (!(buf = malloc(*len ? *len : 1)) || wire_msg_encode(m, buf, *len) != *len)
		abort();
	return buf;
}

/* Summary into an exact-size heap buffer (small ones truncate), then the full print. */
static void print(const struct wire_msg *m, size_t summary_size)
{
	char *line = malloc(summary_size);

	if (!line || wire_msg_summary(m, line, summary_size) != line || strlen(line) >= summary_size)
		abort();
	fprintf(sink, "%s\n", line);
	wire_msg_print(sink, m);
	free(line);
}

/*
 * Input: one option byte (bit 0 strict, bits 1-2 which call a reply answers, bits 3-5 the op
 * limit, bits 6-7 the summary buffer size), then the record. A record that decodes must
 * re-encode, decode again and re-encode to the same bytes; in strict mode to the input itself.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg m, again;
	struct wire_error err;
	size_t len, len2;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	if (!sink && !(sink = open_sink()))
		abort();
	struct wire_decode_opts o = {.flags = data[0] & 1 ? WIRE_STRICT : 0,
				     .reply_proc = reply_procs[data[0] >> 1 & 3],
				     .max_ops = max_ops[data[0] >> 3 & 7]};
	size_t summary_size = summary_sizes[data[0] >> 6];
	uint8_t *rec = malloc(size - 1 ? size - 1 : 1);
	if (!rec)
		abort();
	memcpy(rec, data + 1, size - 1);
	if (wire_msg_decode(rec, size - 1, &o, &m, &err) == WIRE_OK) {
		uint8_t *enc = encode(&m, &len);
		if (o.flags & WIRE_STRICT && (len != size - 1 || memcmp(enc, rec, len) != 0))
			abort();
		if (wire_msg_decode(enc, len, &o, &again, &err) != WIRE_OK)
			abort();
		uint8_t *enc2 = encode(&again, &len2);
		if (len2 != len || memcmp(enc, enc2, len) != 0)
			abort();
		print(&again, summary_size);
		wire_msg_free(&again);
		free(enc2);
		free(enc);
	}
	print(&m, summary_size); /* also what decoded before an error */
	wire_msg_free(&m);
	free(rec);
	return 0;
}
