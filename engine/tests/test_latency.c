/* test_latency.c - the load generator's latency histogram: bucket bounds, quantiles, merge. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "latency.h"
#include "test_main.h"

/* Every value falls in a bucket whose upper bound is >= it and within 1/16 of it. */
static void test_bucket_bounds(void)
{
	static const uint64_t values[] = {0, 1, 15, 16, 17, 31, 32, 33, 1000, 65535, 65536,
					  123456789, 999999999999ull};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct latency_hist *h = calloc(1, sizeof(*h));
		uint64_t q;

		latency_hist_add(h, values[i]);
		for (size_t b = 0; b < LATENCY_BUCKETS; b++)
			if (h->count[b]) {
				uint64_t up = latency_hist_bucket_upper(b);

				CHECK(up >= values[i], "value %llu: bucket %zu ends at %llu",
				      (unsigned long long)values[i], b, (unsigned long long)up);
				CHECK(up - values[i] <= values[i] / 16, "value %llu: bucket %zu too wide (%llu)",
				      (unsigned long long)values[i], b, (unsigned long long)up);
				CHECK(b == 0 || latency_hist_bucket_upper(b - 1) < values[i],
				      "value %llu: belongs to an earlier bucket", (unsigned long long)values[i]);
			}
		q = latency_hist_quantile(h, 0.5);
		CHECK(q == values[i], "one sample %llu: median %llu", (unsigned long long)values[i],
		      (unsigned long long)q);
		free(h);
	}
}

/* 1..10000 us: each quantile within 6.25 % of the exact nearest-rank value. */
static void test_quantiles(void)
{
	struct latency_hist *h = calloc(1, sizeof(*h));
	static const double qs[] = {0.01, 0.5, 0.9, 0.99, 0.999, 1.0};

	REQUIRE(h);
	for (uint64_t us = 10000; us >= 1; us--)
		latency_hist_add(h, us * 1000);
	CU_ASSERT_EQUAL(h->n, 10000);
	CU_ASSERT_EQUAL(h->min_ns, 1000);
	CU_ASSERT_EQUAL(h->max_ns, 10000000);
	CU_ASSERT_DOUBLE_EQUAL(h->sum_ns / (double)h->n, 5000.5 * 1000, 1e-6);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double exact = qs[i] * 10000 * 1000, got = (double)latency_hist_quantile(h, qs[i]);

		CHECK(got >= exact && got <= exact * 1.0625, "q %.3f: %.0f ns, exact %.0f", qs[i], got,
		      exact);
	}
	free(h);
}

static void test_merge_and_empty(void)
{
	static struct latency_hist a, b;

	CU_ASSERT_EQUAL(latency_hist_quantile(&a, 0.99), 0);
	latency_hist_add(&a, 5000);
	latency_hist_add(&b, 7);
	latency_hist_add(&b, 900000);
	latency_hist_merge(&a, &b);
	CU_ASSERT_EQUAL(a.n, 3);
	CU_ASSERT_EQUAL(a.min_ns, 7);
	CU_ASSERT_EQUAL(a.max_ns, 900000);
	CU_ASSERT_EQUAL(latency_hist_quantile(&a, 0), 7);
	CU_ASSERT_EQUAL(latency_hist_quantile(&a, 1), 900000);
}

/* load refuses any target that is not this machine (the brief: loopback only). */
static void test_loopback_only(void)
{
	CU_ASSERT_TRUE(cli_host_is_loopback("127.0.0.1"));
	CU_ASSERT_TRUE(cli_host_is_loopback("127.45.0.9"));
	CU_ASSERT_TRUE(cli_host_is_loopback("::1"));
	CU_ASSERT_TRUE(cli_host_is_loopback("::ffff:127.0.0.1"));
	CU_ASSERT_TRUE(cli_host_is_loopback("localhost"));
	CU_ASSERT_FALSE(cli_host_is_loopback("128.0.0.1"));
	CU_ASSERT_FALSE(cli_host_is_loopback("10.0.0.1"));
	CU_ASSERT_FALSE(cli_host_is_loopback("::2"));
	CU_ASSERT_FALSE(cli_host_is_loopback("::ffff:10.0.0.1"));
	CU_ASSERT_FALSE(cli_host_is_loopback("example.com"));
	CU_ASSERT_FALSE(cli_host_is_loopback(""));
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"bucket bounds", test_bucket_bounds},
		{"quantiles within 1/16", test_quantiles},
		{"merge, empty histogram", test_merge_and_empty},
		{"loopback targets only", test_loopback_only},
		{NULL, NULL}};

	tests_add_suite("latency histogram", tests);
}
