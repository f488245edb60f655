/*
 * latency.h - a latency histogram with bounded memory and bounded error.
 *
 * Log-linear buckets (as in HdrHistogram): each power of two of nanoseconds
 * is split into LATENCY_SUB equal buckets, so a quantile read from a bucket
 * is within 1/LATENCY_SUB (6.25 %) of the true sample, from 16 ns to ~37 min,
 * whatever the number of samples. min, max and the mean are exact.
 */
#ifndef NFS41_ENGINE_LATENCY_H
#define NFS41_ENGINE_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define LATENCY_SUB_BITS 4u
#define LATENCY_SUB ((size_t)1 << LATENCY_SUB_BITS)
#define LATENCY_OCTAVES 38u /* up to 2^41 ns (~37 min); longer samples land in the last bucket */
#define LATENCY_BUCKETS (LATENCY_OCTAVES * LATENCY_SUB)

struct latency_hist {
	uint64_t count[LATENCY_BUCKETS];
	uint64_t n;
	uint64_t min_ns, max_ns;
	double sum_ns;
};

void latency_hist_add(struct latency_hist *h, uint64_t ns);
/* Add every sample of src to dst. */
void latency_hist_merge(struct latency_hist *dst, const struct latency_hist *src);
/* The q-quantile (0 <= q <= 1) in nanoseconds: the upper bound of its bucket, capped at max. */
uint64_t latency_hist_quantile(const struct latency_hist *h, double q);
/* The upper bound (ns) of bucket b: samples in it are <= this and > the previous bucket's. */
uint64_t latency_hist_bucket_upper(size_t b);

#endif
