/* latency.c - the log-linear latency histogram (see latency.h). */
#include "latency.h"

/*
 * Bucket of a sample: values below LATENCY_SUB ns get one bucket each; above,
 * the octave is the position of the highest set bit and the next
 * LATENCY_SUB_BITS bits pick the sub-bucket.
 */
static size_t bucket_of(uint64_t ns)
{
	unsigned top, octave;
	size_t b;

	if (ns < LATENCY_SUB)
		return (size_t)ns;
	top = 63u - (unsigned)__builtin_clzll(ns);
	octave = top - LATENCY_SUB_BITS + 1u;
	b = (size_t)octave * LATENCY_SUB + (size_t)((ns >> (top - LATENCY_SUB_BITS)) & (LATENCY_SUB - 1u));
	return b < LATENCY_BUCKETS ? b : LATENCY_BUCKETS - 1;
}

uint64_t latency_hist_bucket_upper(size_t b)
{
	size_t octave = b / LATENCY_SUB, sub = b % LATENCY_SUB;

	if (octave == 0)
		return (uint64_t)sub;
	/* bucket (octave, sub) holds [ (SUB+sub) << (octave-1), (SUB+sub+1) << (octave-1) ) */
	return (((uint64_t)(LATENCY_SUB + sub + 1)) << (octave - 1)) - 1;
}

void latency_hist_add(struct latency_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	if (h->n == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->n++;
	h->sum_ns += (double)ns;
}

void latency_hist_merge(struct latency_hist *dst, const struct latency_hist *src)
{
	if (src->n == 0)
		return;
	for (size_t b = 0; b < LATENCY_BUCKETS; b++)
		dst->count[b] += src->count[b];
	if (dst->n == 0 || src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	dst->n += src->n;
	dst->sum_ns += src->sum_ns;
}

uint64_t latency_hist_quantile(const struct latency_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	q = q < 0 ? 0 : q > 1 ? 1 : q;
	/* the smallest sample with at least q*n samples at or below it (nearest rank) */
	rank = (uint64_t)(q * (double)h->n + 0.999999);
	rank = rank == 0 ? 1 : rank;
	for (size_t b = 0; b < LATENCY_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank) {
			uint64_t up = latency_hist_bucket_upper(b);
			return up > h->max_ns ? h->max_ns : up < h->min_ns ? h->min_ns : up;
		}
	}
	return h->max_ns;
}
