/* fuzz_recmark.c - record marking under any chunking; every record survives re-encoding. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "recmark.h"

#define MAX_RECORD (64u << 10)

/* Re-encode rec in frag-byte fragments and read it back with a fresh reader: same record. */
static void check_reencode(const uint8_t *rec, size_t len, size_t frag)
{
	size_t need = rm_encoded_size(len, frag), used, back_len;
	uint8_t *enc = malloc(need);
	struct rm_reader r;

	if (!enc || rm_encode(rec, len, frag, enc, need) != need)
		abort();
	rm_reader_init(&r, MAX_RECORD);
	if (rm_reader_feed(&r, enc, need, &used) != RM_RECORD || used != need)
		abort();
	const uint8_t *back = rm_record(&r, &back_len);
	if (back_len != len || (len && memcmp(back, rec, len) != 0))
		abort();
	rm_reader_free(&r);
	free(enc);
}

/*
 * Input: chunk-size byte (chunks of 1..2^(b%17) bytes, the exact size taken from the stream
 * byte at the chunk start), re-encoding fragment size (0: one fragment), then the stream.
 * The chunked reader must agree, record by record, with one fed all the rest at once.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rm_reader chunked, whole;
	enum rm_result res = RM_NEED_MORE, wres;
	size_t pos = 0, wpos = 0, used, len, wlen;

	if (size < 2)
		return 0;
	size_t mask = ((size_t)1 << (data[0] % 17)) - 1, frag = data[1];
	data += 2, size -= 2;
	rm_reader_init(&chunked, MAX_RECORD);
	rm_reader_init(&whole, MAX_RECORD);
	while (pos < size && res != RM_ERROR) {
		size_t chunk = 1 + (data[pos] & mask);
		res = rm_reader_feed(&chunked, data + pos, chunk < size - pos ? chunk : size - pos, &used);
		pos += used;
		if (res != RM_RECORD)
			continue;
		wres = rm_reader_feed(&whole, data + wpos, size - wpos, &used);
		wpos += used;
		const uint8_t *rec = rm_record(&chunked, &len), *wrec = rm_record(&whole, &wlen);
		if (wres != RM_RECORD || wpos != pos || wlen != len || (len && memcmp(rec, wrec, len) != 0))
			abort();
		check_reencode(rec, len, frag);
	}
	if (res != RM_ERROR) /* all fed: an empty feed settles a just-completed record */
		res = rm_reader_feed(&chunked, data + pos, 0, &used);
	wres = rm_reader_feed(&whole, data + wpos, size - wpos, &used);
	if (wres != res || whole.stream_pos != chunked.stream_pos ||
	    rm_reader_idle(&whole) != rm_reader_idle(&chunked) || strcmp(whole.error, chunked.error) != 0)
		abort();
	rm_reader_free(&chunked);
	rm_reader_free(&whole);
	return 0;
}
