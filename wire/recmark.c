/* recmark.c - incremental record-marking reader and fragmenting encoder (RFC 5531 s11). */
#include "recmark.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rm_reader_init(struct rm_reader *r, size_t max_record)
{
	memset(r, 0, sizeof(*r));
	r->max_record = max_record;
}

void rm_reader_free(struct rm_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}

int rm_reader_idle(const struct rm_reader *r)
{
	/* Just after a record, or before any header byte of the next; a dead stream never is. */
	return !r->error[0] && (r->completed || (r->hdr_have == 0 && r->fragments == 0));
}

const uint8_t *rm_record(const struct rm_reader *r, size_t *len)
{
	*len = r->record_len;
	return r->buf;
}

static enum rm_result fail(struct rm_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum rm_result fail(struct rm_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return RM_ERROR;
}

/* Grow the record buffer to hold want bytes; want was checked against max_record. */
static int reserve(struct rm_reader *r, size_t want)
{
	size_t cap = r->cap ? r->cap : 256;
	uint8_t *p;

	if (want <= r->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (cap > r->max_record && want <= r->max_record)
		cap = r->max_record;
	p = realloc(r->buf, cap);
	if (!p)
		return -1;
	r->buf = p;
	r->cap = cap;
	return 0;
}

/* A complete fragment header: check it against the limit, before any allocation. */
static enum rm_result take_header(struct rm_reader *r, uint64_t at)
{
	uint32_t h = (uint32_t)r->hdr[0] << 24 | (uint32_t)r->hdr[1] << 16 |
		     (uint32_t)r->hdr[2] << 8 | r->hdr[3];
	uint32_t flen = h & RM_LENGTH_MASK;

	r->hdr_have = 0;
	r->last_fragment = (h & RM_LAST_FRAGMENT) != 0;
	r->frag_left = flen;
	r->in_fragment = 1;
	r->fragments++;
	if ((uint64_t)r->len + flen > r->max_record)
		return fail(r,
			    "stream offset %llu: record-marking fragment of %u bytes makes the "
			    "record exceed the %zu-byte limit",
			    (unsigned long long)at, flen, r->max_record);
	if (reserve(r, r->len + flen) != 0)
		return fail(r, "stream offset %llu: out of memory for a %zu-byte record",
			    (unsigned long long)at, r->len + flen);
	return RM_NEED_MORE;
}

enum rm_result rm_reader_feed(struct rm_reader *r, const uint8_t *data, size_t len,
			      size_t *consumed)
{
	size_t used = 0;

	if (r->error[0]) {
		/* The stream is dead: its state no longer matches the buffer. */
		*consumed = 0;
		return RM_ERROR;
	}
	if (r->completed) {
		/* The previous call returned a record: start a fresh one. */
		r->completed = 0;
		r->len = 0;
		r->record_len = 0;
		r->fragments = 0;
	}
	while (used < len || (r->in_fragment && r->frag_left == 0)) {
		if (!r->in_fragment) {
			uint64_t at = r->stream_pos + used;
			r->hdr[r->hdr_have++] = data[used++];
			if (r->hdr_have < 4)
				continue;
			if (take_header(r, at - 3) == RM_ERROR) {
				r->stream_pos += used;
				*consumed = used;
				return RM_ERROR;
			}
			continue;
		}
		size_t take = len - used < r->frag_left ? len - used : r->frag_left;
		if (take) {
			memcpy(r->buf + r->len, data + used, take);
			r->len += take;
			r->frag_left -= (uint32_t)take;
			used += take;
		}
		if (r->frag_left > 0)
			break;
		r->in_fragment = 0;
		if (r->last_fragment) {
			r->record_len = r->len;
			r->completed = 1;
			r->stream_pos += used;
			*consumed = used;
			return RM_RECORD;
		}
	}
	r->stream_pos += used;
	*consumed = used;
	return RM_NEED_MORE;
}

size_t rm_encoded_size(size_t len, size_t frag_size)
{
	size_t frags;

	if (frag_size == 0 || frag_size > RM_LENGTH_MASK)
		frag_size = RM_LENGTH_MASK;
	frags = len == 0 ? 1 : (len + frag_size - 1) / frag_size;
	return len + 4 * frags;
}

size_t rm_encode(const uint8_t *rec, size_t len, size_t frag_size, uint8_t *out, size_t cap)
{
	size_t need = rm_encoded_size(len, frag_size), o = 0, i = 0;

	if (frag_size == 0 || frag_size > RM_LENGTH_MASK)
		frag_size = RM_LENGTH_MASK;
	if (need > cap)
		return need;
	do {
		size_t n = len - i < frag_size ? len - i : frag_size;
		uint32_t h = (uint32_t)n | (i + n == len ? RM_LAST_FRAGMENT : 0);
		out[o++] = (uint8_t)(h >> 24);
		out[o++] = (uint8_t)(h >> 16);
		out[o++] = (uint8_t)(h >> 8);
		out[o++] = (uint8_t)h;
		if (n)
			memcpy(out + o, rec + i, n);
		o += n;
		i += n;
	} while (i < len);
	return need;
}
