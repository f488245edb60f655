/*
 * recmark.h - ONC RPC record marking over a byte stream (RFC 5531 s11).
 *
 * A record is a sequence of fragments; each fragment starts with a 4-byte
 * big-endian header whose top bit marks the last fragment and whose low 31
 * bits give the fragment length (zero is legal). This module owns the one
 * record-marking reader every part uses (server transport, engine, pcap).
 *
 * The reader is incremental: feed it bytes in any chunking, even one at a
 * time, and it yields whole records. A record over the configured maximum is
 * an error as soon as the fragment header that crosses the limit is read,
 * before any allocation for it.
 */
#ifndef NFS41_WIRE_RECMARK_H
#define NFS41_WIRE_RECMARK_H

#include <stddef.h>
#include <stdint.h>

#define RM_LAST_FRAGMENT 0x80000000u
#define RM_LENGTH_MASK 0x7fffffffu

enum rm_result {
	RM_NEED_MORE = 0, /* all input consumed, no record complete yet */
	RM_RECORD,        /* a record is complete: rm_record() returns it */
	RM_ERROR,         /* malformed stream: see rm_reader.error; the stream is dead */
};

struct rm_reader {
	size_t max_record;   /* limit on a whole record's payload */
	uint8_t hdr[4];      /* partial fragment header */
	unsigned hdr_have;   /* bytes of hdr filled */
	uint32_t frag_left;  /* payload bytes still due in the current fragment */
	int last_fragment;   /* current fragment ends the record */
	int in_fragment;     /* a header has been read, payload pending */
	int completed;       /* the last feed returned RM_RECORD */
	uint8_t *buf;        /* the record being assembled */
	size_t len, cap;
	size_t record_len;   /* length of the completed record (valid after RM_RECORD) */
	unsigned fragments;  /* fragments in the record being assembled or just completed */
	uint64_t stream_pos; /* bytes consumed from the stream so far */
	char error[160];
};

/* Initialise with a record-size limit; rm_reader_free() releases the buffer. */
void rm_reader_init(struct rm_reader *r, size_t max_record);
void rm_reader_free(struct rm_reader *r);

/*
 * Consume bytes from data. Returns RM_RECORD with *consumed set to how many
 * bytes were used when a record completed (call again with the rest), or
 * RM_NEED_MORE with *consumed == len, or RM_ERROR. After RM_RECORD the
 * record stays valid until the next rm_reader_feed().
 */
enum rm_result rm_reader_feed(struct rm_reader *r, const uint8_t *data, size_t len,
			      size_t *consumed);
/* The record completed by the last RM_RECORD. */
const uint8_t *rm_record(const struct rm_reader *r, size_t *len);
/* True when the reader sits between records (no partial record buffered). */
int rm_reader_idle(const struct rm_reader *r);

/*
 * Encode one record as fragments of at most frag_size payload bytes
 * (frag_size 0 means one fragment). Writes into out (cap bytes) and returns
 * the total size needed; when that exceeds cap, nothing beyond cap is written.
 */
size_t rm_encode(const uint8_t *rec, size_t len, size_t frag_size, uint8_t *out, size_t cap);
/* The size rm_encode() produces for a record of len bytes. */
size_t rm_encoded_size(size_t len, size_t frag_size);

#endif
