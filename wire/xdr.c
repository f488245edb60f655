/* xdr.c - bounded XDR primitives; see xdr.h for the contract. */
#include "xdr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	[WIRE_OK] = "ok",
	[WIRE_ERR_SHORT] = "truncated",
	[WIRE_ERR_LIMIT] = "over limit",
	[WIRE_ERR_VALUE] = "bad value",
	[WIRE_ERR_PADDING] = "nonzero padding",
	[WIRE_ERR_TRAILING] = "trailing bytes",
	[WIRE_ERR_UNSUPPORTED] = "unsupported",
	[WIRE_ERR_NOSPACE] = "no space",
	[WIRE_ERR_NOMEM] = "out of memory",
};

const char *wire_status_name(enum wire_status s)
{
	if ((unsigned)s < sizeof(status_names) / sizeof(status_names[0]))
		return status_names[s];
	return "unknown";
}

char *wire_error_format(const struct wire_error *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s at offset %zu", e->path, e->path[0] ? ": " : "", e->detail,
		 e->offset);
	return buf;
}

static void error_clear(struct wire_error *e)
{
	e->status = WIRE_OK;
	e->offset = 0;
	e->path[0] = '\0';
	e->detail[0] = '\0';
}

/*
 * Field by field, not memset: the struct is about 900 bytes (path stack, two error texts) and
 * a server decodes several per call; nothing reads the path stack above depth or an error's
 * texts beyond their terminators.
 */
void xdr_dec_init(struct xdr_dec *d, const void *buf, size_t len, unsigned flags)
{
	d->buf = buf;
	d->len = len;
	d->pos = 0;
	d->base = 0;
	d->flags = flags;
	d->depth = 0;
	error_clear(&d->error);
	d->warnings = 0;
	error_clear(&d->warning);
	d->blocks = NULL;
}

void xdr_push(struct xdr_dec *d, const char *name, int32_t index)
{
	/* Deeper paths than XDR_PATH_DEPTH keep counting but stop recording. */
	if (d->depth < XDR_PATH_DEPTH)
		d->path[d->depth] = (struct xdr_path_elem){name, index};
	d->depth++;
}

void xdr_pop(struct xdr_dec *d)
{
	if (d->depth > 0)
		d->depth--;
}

static void format_path(const struct xdr_dec *d, const char *field, char *out, size_t n)
{
	size_t used = 0;
	unsigned depth = xdr_min_u32(d->depth, XDR_PATH_DEPTH);

	out[0] = '\0';
	for (unsigned i = 0; i < depth && used < n; i++) {
		const struct xdr_path_elem *p = &d->path[i];
		int w = p->index >= 0
				? snprintf(out + used, n - used, "%s%s[%d]", used ? "." : "", p->name,
					   (int)p->index)
				: snprintf(out + used, n - used, "%s%s", used ? "." : "", p->name);
		if (w < 0)
			return;
		used += (size_t)w;
	}
	if (field && used < n)
		snprintf(out + used, n - used, "%s%s", used ? "." : "", field);
}

static void record(const struct xdr_dec *d, struct wire_error *e, enum wire_status s,
		   const char *field, const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void record(const struct xdr_dec *d, struct wire_error *e, enum wire_status s,
		   const char *field, const char *fmt, va_list ap)
{
	e->status = s;
	e->offset = d->base + d->pos;
	format_path(d, field, e->path, sizeof(e->path));
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
}

bool xdr_fail(struct xdr_dec *d, enum wire_status s, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (d->error.status != WIRE_OK)
		return false; /* keep the first error: later ones are consequences */
	va_start(ap, fmt);
	record(d, &d->error, s, field, fmt, ap);
	va_end(ap);
	return false;
}

/* Strict mode fails; lenient mode remembers the first warning and goes on. */
static bool complain(struct xdr_dec *d, enum wire_status s, const char *field, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
static bool complain(struct xdr_dec *d, enum wire_status s, const char *field, const char *fmt,
		     ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->flags & WIRE_STRICT) {
		if (d->error.status == WIRE_OK)
			record(d, &d->error, s, field, fmt, ap);
		va_end(ap);
		return false;
	}
	if (d->warnings++ == 0)
		record(d, &d->warning, s, field, fmt, ap);
	va_end(ap);
	return true;
}

/* The one bounds check every read goes through. */
#define NEED(d, field, n)                                                                      \
	do {                                                                                   \
		if (!xdr_ok(d))                                                                \
			return false;                                                          \
		if (xdr_remaining(d) < (size_t)(n))                                            \
			return xdr_fail(d, WIRE_ERR_SHORT, field, "need %zu bytes, %zu left",  \
					(size_t)(n), xdr_remaining(d));                        \
	} while (0)

bool xdr_get_u32(struct xdr_dec *d, const char *field, uint32_t *v)
{
	NEED(d, field, 4);
	*v = xdr_load_be32(d->buf + d->pos);
	d->pos += 4;
	return true;
}

bool xdr_get_u64(struct xdr_dec *d, const char *field, uint64_t *v)
{
	NEED(d, field, 8);
	*v = (uint64_t)xdr_load_be32(d->buf + d->pos) << 32 | xdr_load_be32(d->buf + d->pos + 4);
	d->pos += 8;
	return true;
}

bool xdr_get_bool(struct xdr_dec *d, const char *field, bool *v)
{
	uint32_t w = 0;

	XDR_TRY(xdr_get_u32(d, field, &w));
	if (w > 1) {
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_VALUE, field, "boolean %u is neither 0 nor 1", w);
	}
	*v = w == 1;
	return true;
}

static inline uint32_t pad_of(uint32_t n) { return (4 - (n & 3)) & 3; }

static bool check_padding(struct xdr_dec *d, const char *field, uint32_t n)
{
	uint32_t pad = pad_of(n);

	NEED(d, field, pad);
	for (uint32_t i = 0; i < pad; i++) {
		if (d->buf[d->pos + i] != 0) {
			d->pos += i;
			if (!complain(d, WIRE_ERR_PADDING, field, "padding byte 0x%02x",
				      d->buf[d->pos]))
				return false;
			d->pos -= i;
			break;
		}
	}
	d->pos += pad;
	return true;
}

bool xdr_get_fixed(struct xdr_dec *d, const char *field, void *out, uint32_t n)
{
	NEED(d, field, n);
	memcpy(out, d->buf + d->pos, n);
	d->pos += n;
	return check_padding(d, field, n);
}

bool xdr_get_opaque(struct xdr_dec *d, const char *field, uint32_t max, struct wire_opaque *o)
{
	uint32_t n = 0;

	XDR_TRY(xdr_get_u32(d, field, &n));
	if (n > max) {
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_LIMIT, field, "length %u > %u", n, max);
	}
	if (xdr_remaining(d) < n) {
		size_t left = xdr_remaining(d); /* after the length word, before rewinding to it */
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_SHORT, field, "length %u but %zu bytes left", n, left);
	}
	o->data = d->buf + d->pos;
	o->len = n;
	d->pos += n;
	return check_padding(d, field, n);
}

bool xdr_skip_opaque(struct xdr_dec *d, const char *field, uint32_t max)
{
	struct wire_opaque o;

	return xdr_get_opaque(d, field, max, &o);
}

bool xdr_get_count(struct xdr_dec *d, const char *field, uint32_t max, uint32_t min_elem_bytes,
		   uint32_t *count)
{
	uint32_t n = 0;

	XDR_TRY(xdr_get_u32(d, field, &n));
	if (n > max) {
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_LIMIT, field, "count %u > %u", n, max);
	}
	if (min_elem_bytes && (uint64_t)n * min_elem_bytes > xdr_remaining(d)) {
		size_t left = xdr_remaining(d); /* after the count word, before rewinding to it */
		d->pos -= 4;
		return xdr_fail(d, WIRE_ERR_SHORT, field,
				"count %u needs at least %llu bytes, %zu left", n,
				(unsigned long long)n * min_elem_bytes, left);
	}
	*count = n;
	return true;
}

void *xdr_alloc(struct xdr_dec *d, const char *field, uint32_t n, size_t size)
{
	struct xdr_block *b;

	if (n == 0 || !xdr_ok(d))
		return NULL;
	if (!d->blocks) {
		xdr_fail(d, WIRE_ERR_NOMEM, field, "no owner for %u decoded items", n);
		return NULL;
	}
	if (size > (SIZE_MAX - sizeof(*b)) / n ||
	    !(b = calloc(1, sizeof(*b) + (size_t)n * size))) {
		xdr_fail(d, WIRE_ERR_NOMEM, field, "cannot allocate %u items of %zu bytes", n, size);
		return NULL;
	}
	b->next = *d->blocks;
	*d->blocks = b;
	return b->items;
}

void xdr_blocks_free(struct xdr_block **list)
{
	while (*list) {
		struct xdr_block *b = *list;
		*list = b->next;
		free(b);
	}
}

bool xdr_expect_end(struct xdr_dec *d)
{
	if (!xdr_ok(d))
		return false;
	if (xdr_remaining(d) == 0)
		return true;
	return complain(d, WIRE_ERR_TRAILING, NULL, "%zu bytes after the end of the message",
			xdr_remaining(d));
}

void xdr_enc_init(struct xdr_enc *e, void *buf, size_t cap)
{
	e->buf = buf;
	e->cap = cap;
	e->len = 0;
}

void xdr_put_raw(struct xdr_enc *e, const void *p, size_t n)
{
	if (n && e->len <= e->cap && e->cap - e->len >= n)
		memcpy(e->buf + e->len, p, n);
	e->len += n;
}

void xdr_put_u32(struct xdr_enc *e, uint32_t v)
{
	/* The commonest call of every encoder: bytes written in place, no memcpy. */
	if (e->len <= e->cap && e->cap - e->len >= 4)
		xdr_store_be32(e->buf + e->len, v);
	e->len += 4;
}

void xdr_put_u64(struct xdr_enc *e, uint64_t v)
{
	xdr_put_u32(e, (uint32_t)(v >> 32));
	xdr_put_u32(e, (uint32_t)v);
}

void xdr_put_bool(struct xdr_enc *e, bool v) { xdr_put_u32(e, v ? 1 : 0); }

void xdr_put_fixed(struct xdr_enc *e, const void *p, uint32_t n)
{
	static const uint8_t zeros[4];

	xdr_put_raw(e, p, n);
	xdr_put_raw(e, zeros, pad_of(n));
}

void xdr_put_opaque(struct xdr_enc *e, const void *p, uint32_t n)
{
	xdr_put_u32(e, n);
	xdr_put_fixed(e, p, n);
}
