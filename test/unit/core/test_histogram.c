/*-------------------------------------------------------------------------
 *
 * test_histogram.c
 *	  Unit tests of src/core/histogram.c: bucket bounds, the relative error
 *	  bound of every bucket and of quantiles against exact nearest-rank
 *	  quantiles of sorted data, merging by addition, clamping to min/max.
 *
 * Expected numbers: [HAND] worked in the comment next to the check; [SORT]
 * the exact nearest-rank quantile x[ceil(q n) - 1] of the sorted data,
 * which is what percentile_disc returns.
 *
 * IDENTIFICATION
 *	  test/unit/core/test_histogram.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>

#include "../unit.h"
#include "core/histogram.h"
#include "core/prng.h"

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a;
	int64_t		y = *(const int64_t *) b;

	return x < y ? -1 : x > y;
}

static int64_t
exact_quantile(const int64_t *sorted, size_t n, double q)
{
	size_t		r = (size_t) ceil(q * (double) n);

	if (r < 1)
		r = 1;
	return sorted[r - 1];
}

TB_SUITE(histogram_layout)
{
	tb_hist_layout l;

	/* [HAND] e = 0.01: g = 1.01 / 0.99 = 1.0202..., ln g = 0.0200027 */
	tb_hist_layout_init(&l, 0.01, 1e12);
	CHECK_NEAR(l.growth, 1.01 / 0.99, 1e-15);
	/* [HAND] ceil(ln(1e12) / ln g) + 1 = ceil(27.631 / 0.0200027) + 1 = 1383 */
	CHECK_INT_EQ(l.nbuckets, 1383);
	CHECK_INT_EQ(tb_hist_index(&l, 0), 0);
	CHECK_INT_EQ(tb_hist_index(&l, 1), 0);
	CHECK_INT_EQ(tb_hist_index(&l, -5), 0);
	/* 2 is in [g^34, g^35): g^34 = 1.9853, g^35 = 2.0254 [HAND] */
	CHECK_INT_EQ(tb_hist_index(&l, 2), 34);
	/* beyond the last bucket: the last bucket */
	CHECK_INT_EQ(tb_hist_index(&l, INT64_MAX), l.nbuckets - 1);

	/* every bucket's bounds hold its values, at and next to the edges */
	{
		int			bad = 0;

		for (int i = 1; i < l.nbuckets - 1 && i < 1200; i++)
		{
			double		lo = tb_hist_lower(&l, i);
			int64_t		v = (int64_t) ceil(lo);

			if ((double) v < tb_hist_lower(&l, i + 1) && tb_hist_index(&l, v) != i)
				bad++;
			if (v > 1 && tb_hist_index(&l, v - 1) > i)
				bad++;
		}
		CHECK_INT_EQ(bad, 0);
	}
}

TB_SUITE(histogram_error_bound)
{
	tb_hist_layout l;
	int			worst_ok = 1;
	double		worst = 0;

	tb_hist_layout_init(&l, 0.005, 1e12);
	/* every value from 1 to 200,000 and a log-spaced sweep up to 1e11 */
	for (int64_t v = 1; v <= 200000; v++)
	{
		double		rep = tb_hist_value(&l, tb_hist_index(&l, v));
		double		err = fabs(rep - (double) v) / (double) v;

		if (v > 1 && err > worst)
			worst = err;
	}
	for (double x = 200000; x < 1e11; x *= 1.000731)
	{
		int64_t		v = (int64_t) x;
		double		rep = tb_hist_value(&l, tb_hist_index(&l, v));

		if (fabs(rep - (double) v) / (double) v > 0.005 + 1e-12)
			worst_ok = 0;
	}
	CHECK(worst <= 0.005 + 1e-12);
	CHECK(worst_ok);
}

TB_SUITE(histogram_quantiles)
{
	tb_hist_layout l;
	tb_prng		r;
	const size_t n = 100000;
	int64_t    *x = malloc(sizeof(int64_t) * n);
	uint64_t   *c1;
	uint64_t   *c2;
	uint64_t   *all;
	uint32_t   *c32;
	double		qs[] = {0.001, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
	int64_t		minv = INT64_MAX;
	int64_t		maxv = 0;

	tb_hist_layout_init(&l, 0.005, 1e12);
	c1 = calloc(l.nbuckets, sizeof(uint64_t));
	c2 = calloc(l.nbuckets, sizeof(uint64_t));
	all = calloc(l.nbuckets, sizeof(uint64_t));
	c32 = calloc(l.nbuckets, sizeof(uint32_t));
	tb_prng_seed(&r, 42);
	/* a log-normal-ish latency mix: 20 us median, a tail to tens of ms */
	for (size_t i = 0; i < n; i++)
	{
		double		ns = 20000.0 * exp(1.2 * tb_prng_normal(&r));

		x[i] = (int64_t) ns + 1;
		if (x[i] < minv)
			minv = x[i];
		if (x[i] > maxv)
			maxv = x[i];
		/* two "clients", merged by addition below */
		if (i % 3 == 0)
			c1[tb_hist_index(&l, x[i])]++;
		else
			c2[tb_hist_index(&l, x[i])]++;
		c32[tb_hist_index(&l, x[i])]++;
	}
	for (int i = 0; i < l.nbuckets; i++)
		all[i] = c1[i] + c2[i];
	qsort(x, n, sizeof(int64_t), cmp_i64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++)
	{
		int64_t		want = exact_quantile(x, n, qs[k]);
		int64_t		got = tb_hist_quantile64(&l, all, n, qs[k], minv, maxv);
		int64_t		got32 = tb_hist_quantile32(&l, c32, n, qs[k], minv, maxv);

		CHECK_NEAR((double) got / (double) want, 1.0, 0.005 + 1e-9);
		CHECK_INT_EQ(got32, got);
	}
	/* p100 is the exact maximum, the smallest rank the exact minimum */
	CHECK_INT_EQ(tb_hist_quantile64(&l, all, n, 1.0, minv, maxv), maxv);
	CHECK_INT_EQ(tb_hist_quantile64(&l, all, n, 1e-9, minv, maxv), minv);
	/* empty */
	CHECK_INT_EQ(tb_hist_quantile64(&l, c1, 0, 0.5, 0, INT64_MAX), -1);
	/* [HAND] one value 1000: its quantiles are 1000 once clamped to min = max = 1000 */
	memset(c1, 0, sizeof(uint64_t) * l.nbuckets);
	c1[tb_hist_index(&l, 1000)] = 1;
	CHECK_INT_EQ(tb_hist_quantile64(&l, c1, 1, 0.5, 1000, 1000), 1000);
	free(x);
	free(c1);
	free(c2);
	free(all);
	free(c32);
}
