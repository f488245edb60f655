/*
 * xdr.h - bounded XDR (RFC 4506) reading and writing over caller-owned buffers.
 *
 * This module owns the one place where bytes become numbers. Every read is
 * checked against the bytes left through one macro; every variable length or
 * count is checked against a protocol limit and against the input left
 * *before* anything is allocated or sliced. Variable-length opaques are
 * returned as slices into the input; the only memory a decoder takes is for
 * arrays kept out of line (xdr_alloc), linked into a list its owner frees.
 *
 * Errors name the field path and the byte offset where decoding failed, e.g.
 *   argarray[1].CREATE_SESSION.csa_fore_chan_attrs.ca_rdma_ird: count 5 > 1 at offset 88
 */
#ifndef NFS41_WIRE_XDR_H
#define NFS41_WIRE_XDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wire_status {
	WIRE_OK = 0,
	WIRE_ERR_SHORT,       /* input ends inside a field */
	WIRE_ERR_LIMIT,       /* a length or count over a protocol or configured limit */
	WIRE_ERR_VALUE,       /* bad discriminant, boolean, enum or version */
	WIRE_ERR_PADDING,     /* nonzero XDR padding (strict mode) */
	WIRE_ERR_TRAILING,    /* bytes left after the message (strict mode) */
	WIRE_ERR_UNSUPPORTED, /* arguments of an op this library cannot parse */
	WIRE_ERR_NOSPACE,     /* encoder: output buffer too small */
	WIRE_ERR_NOMEM,       /* allocation failed */
};

const char *wire_status_name(enum wire_status s);

#define WIRE_PATH_MAX 192
#define WIRE_DETAIL_MAX 128

/* Where and why decoding failed. offset is from the start of the message. */
struct wire_error {
	enum wire_status status;
	size_t offset;
	char path[WIRE_PATH_MAX];
	char detail[WIRE_DETAIL_MAX];
};

/* "path: detail at offset N" into buf; returns buf. */
char *wire_error_format(const struct wire_error *e, char *buf, size_t n);

/* A slice of bytes: into the decoded input, or caller memory when encoding. */
struct wire_opaque {
	const uint8_t *data;
	uint32_t len;
};

/* Decoder flags. */
#define WIRE_STRICT 0x1u /* nonzero padding and trailing bytes are errors, not warnings */

#define XDR_PATH_DEPTH 12

struct xdr_path_elem {
	const char *name;
	int32_t index; /* -1: not an array element */
};

/*
 * One allocation of xdr_alloc(): a header and the caller's items. A decoded
 * message owns a list of them (struct COMPOUND4args.blocks) and frees it with
 * its op array, so its structs may point into them.
 */
struct xdr_block {
	struct xdr_block *next;
	max_align_t items[];
};

/* Decoding state. Zero it, then xdr_dec_init(). */
struct xdr_dec {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	size_t base; /* offset of buf[0] in the whole message, for error offsets */
	unsigned flags;
	unsigned depth;
	struct xdr_path_elem path[XDR_PATH_DEPTH];
	struct wire_error error;    /* the first error; status WIRE_OK while none */
	unsigned warnings;          /* lenient mode: padding/trailing problems seen */
	struct wire_error warning;  /* the first of them */
	struct xdr_block **blocks;  /* where xdr_alloc() links its memory (NULL: it fails) */
};

void xdr_dec_init(struct xdr_dec *d, const void *buf, size_t len, unsigned flags);

/* The field path stack, for error messages. Push/pop around nested types. */
void xdr_push(struct xdr_dec *d, const char *name, int32_t index);
void xdr_pop(struct xdr_dec *d);

/*
 * Primitive readers. Each returns true on success; on failure it records the
 * error (field path + offset) in d->error and returns false, and every later
 * call fails too, so callers may just propagate false.
 */
bool xdr_get_u32(struct xdr_dec *d, const char *field, uint32_t *v);
bool xdr_get_u64(struct xdr_dec *d, const char *field, uint64_t *v);
bool xdr_get_bool(struct xdr_dec *d, const char *field, bool *v);
/* Fixed-length opaque[n]: copies n bytes into out, checks the padding. */
bool xdr_get_fixed(struct xdr_dec *d, const char *field, void *out, uint32_t n);
/* Variable-length opaque<max> or string<max>: a slice into the input. */
bool xdr_get_opaque(struct xdr_dec *d, const char *field, uint32_t max, struct wire_opaque *o);
/*
 * Array count for T<max>: checked against max and against the input left,
 * assuming each element takes at least min_elem_bytes (>= 4 for XDR items).
 */
bool xdr_get_count(struct xdr_dec *d, const char *field, uint32_t max, uint32_t min_elem_bytes,
		   uint32_t *count);
/* Skip an opaque<max> without keeping it (validating length and padding). */
bool xdr_skip_opaque(struct xdr_dec *d, const char *field, uint32_t max);
/*
 * Zeroed room for n items of size bytes, linked into *d->blocks; NULL for n == 0. NULL with
 * WIRE_ERR_NOMEM in d->error when memory is short or d->blocks is NULL. n must already be
 * checked against the input left (xdr_get_count), which bounds what one message can take.
 */
void *xdr_alloc(struct xdr_dec *d, const char *field, uint32_t n, size_t size);
/* Free a list of xdr_alloc() blocks and empty it. */
void xdr_blocks_free(struct xdr_block **list);

/* Record a failure at the current position (for semantic checks by callers). */
bool xdr_fail(struct xdr_dec *d, enum wire_status s, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Strict mode: fail on bytes left over; lenient: count a warning. */
bool xdr_expect_end(struct xdr_dec *d);

/* A big-endian (XDR) 32-bit word at p, for code that patches or peeks at encoded bytes. */
static inline uint32_t xdr_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void xdr_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline size_t xdr_remaining(const struct xdr_dec *d) { return d->len - d->pos; }
static inline uint32_t xdr_min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline bool xdr_ok(const struct xdr_dec *d) { return d->error.status == WIRE_OK; }

/*
 * Encoding state over a caller buffer. Writes past cap are not performed but
 * still counted, so after an overflow len tells the size that was needed.
 */
struct xdr_enc {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

void xdr_enc_init(struct xdr_enc *e, void *buf, size_t cap);
void xdr_put_u32(struct xdr_enc *e, uint32_t v);
void xdr_put_u64(struct xdr_enc *e, uint64_t v);
void xdr_put_bool(struct xdr_enc *e, bool v);
void xdr_put_fixed(struct xdr_enc *e, const void *p, uint32_t n);
void xdr_put_opaque(struct xdr_enc *e, const void *p, uint32_t n);
static inline void xdr_put_slice(struct xdr_enc *e, struct wire_opaque o)
{
	xdr_put_opaque(e, o.data, o.len);
}
/* Raw bytes with no length word and no padding (pre-encoded XDR). */
void xdr_put_raw(struct xdr_enc *e, const void *p, size_t n);
static inline bool xdr_enc_overflow(const struct xdr_enc *e) { return e->len > e->cap; }

/* Propagate a failed read: every decoder in this library is written with it. */
#define XDR_TRY(expr)                                                                          \
	do {                                                                                   \
		if (!(expr))                                                                   \
			return false;                                                          \
	} while (0)

#endif
