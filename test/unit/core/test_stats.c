/*-------------------------------------------------------------------------
 *
 * test_stats.c
 *	  Unit tests of src/core/stats.c: quantiles, summary, MAD, Tukey fences,
 *	  bootstrap confidence intervals, Mann-Whitney U, and a timing check.
 *
 * Where the expected numbers come from (cited again at each check):
 *	[PG]	PostgreSQL 15.20 itself: percentile_disc, percentile_cont,
 *			avg, stddev_samp run on the same data (queries in the comments).
 *	[R7]	R's quantile(1:10) (type 7) = 1, 3.25, 5.5, 7.75, 10.
 *	[WSD]	Wikipedia, "Standard deviation": 2,4,4,4,5,5,7,9 has mean 5 and
 *			population sd 2, so sample sd sqrt(32/7).
 *	[WVA]	Wikipedia, "Algorithms for calculating variance": 1e9 + {4, 7,
 *			13, 16} has sample variance 30 (the naive formula fails on it).
 *	[WMAD]	Wikipedia, "Median absolute deviation": 1,1,2,2,4,6,9 has
 *			median 2 and MAD 1.
 *	[SHIER]	R. Shier, "Statistics: 2.3 The Mann-Whitney U Test", Mathematics
 *			Learning Support Centre, 2004, as worked in the SciPy docs of
 *			scipy.stats.mannwhitneyu: males 19,22,16,29,24, females
 *			20,11,17,12: U = 17, exact two-sided p = 0.1111111111111111,
 *			normal with continuity 0.11134688653314041, without 0.0864107329737.
 *	[HW]	Hollander & Wolfe (1973), p. 69, the example in R's ?wilcox.test,
 *			R values as quoted in SciPy's test_gh_9184: W = 35, exact
 *			two-sided p = 0.2544122544123, normal 0.244623605127 (correct =
 *			TRUE), 0.2206713619198 (correct = FALSE).
 *	[RTIE]	R wilcox.test(x, y, exact = FALSE) values quoted in SciPy's
 *			test_tie_correct, test_gh_11355b, test_gh_2118 and test_basic.
 *	[MW47]	Mann & Whitney (1947), Ann. Math. Statist. 18, Table I (p. 52),
 *			P(U <= u), three decimals, as transcribed in SciPy's
 *			test_exact_distribution.
 *	[HAND]	Worked by hand in the comment next to the check.
 *
 * IDENTIFICATION
 *	  test/unit/test_stats.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "../unit.h"
#include "core/prng.h"
#include "core/stats.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* sorted copy helper: tests pass literals in any order */
static int64_t *
sorted_copy(const int64_t *x, size_t n)
{
	int64_t    *c = malloc((n ? n : 1) * sizeof(int64_t));

	memcpy(c, x, n * sizeof(int64_t));
	tb_stats_sort_int64(c, n);
	return c;
}

/* P(Binomial(n, p) >= k), for the exact bootstrap order-statistic law */
static double
binom_tail(size_t n, double p, size_t k)
{
	double		s = 0.0;
	size_t		i;

	if (p >= 1.0)
		return 1.0;
	if (p <= 0.0)
		return k == 0 ? 1.0 : 0.0;
	for (i = k; i <= n; i++)
		s += exp(lgamma((double) n + 1) - lgamma((double) i + 1) -
				 lgamma((double) (n - i) + 1) + (double) i * log(p) +
				 (double) (n - i) * log1p(-p));
	return s;
}

/* exact CDF of the k-th smallest of n indices drawn uniformly from 0..n-1 */
static double
order_index_cdf(size_t n, size_t k, size_t j)
{
	return binom_tail(n, (double) (j + 1) / (double) n, k);
}

TB_SUITE(stats_quantile)
{
	int64_t		x10[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	int64_t		x100[100];
	int64_t		two[] = {10, 20};
	int64_t		ties[] = {1, 2, 2, 2, 3};
	int64_t		one[] = {7};
	int64_t		unsorted[] = {5, -3, 9, 0, 5, 2};
	double		pd[] = {0, 0.07, 0.1, 0.25, 0.29, 0.5, 0.57, 0.9, 0.95, 0.99, 1};
	int64_t		wantd[] = {1, 8, 10, 25, 29, 50, 57, 90, 95, 99, 100};
	size_t		i;

	/*
	 * [PG] select percentile_disc(array[0,0.1,0.25,0.5,0.9,0.95,0.99,1])
	 * within group (order by g) from generate_series(1,10) g;
	 * = {1,1,3,5,9,10,10,10}
	 */
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.0), 1);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.1), 1);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.25), 3);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.5), 5);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.9), 9);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.95), 10);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 0.99), 10);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 1.0), 10);

	/*
	 * [PG] the same over generate_series(1,100) at p = 0, .07, .1, .25, .29,
	 * .5, .57, .9, .95, .99, 1 = {1,8,10,25,29,50,57,90,95,99,100}.  Note
	 * 0.07 * 100 = 7.000000000000001 in binary floating point, so ceil gives
	 * rank 8 in PostgreSQL; we do the same arithmetic and agree.
	 */
	for (i = 0; i < 100; i++)
		x100[i] = (int64_t) i + 1;
	for (i = 0; i < NELEM(pd); i++)
		CHECK_INT_EQ(tb_stats_quantile(x100, 100, pd[i]), wantd[i]);

	/*
	 * [PG] percentile_cont(array[0,0.1,0.25,0.5,0.75,0.9,1]) over 1..10 =
	 * {1,1.9,3.25,5.5,7.75,9.1,10}; [R7] agrees at the quartiles.
	 */
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.0), 1.0, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.1), 1.9, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.25), 3.25, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.5), 5.5, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.75), 7.75, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 0.9), 9.1, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(x10, 10, 1.0), 10.0, 1e-12);

	/*
	 * n = 2, [PG] percentile_disc(0.5) = 10 (the lower median),
	 * percentile_cont(0.5) = 15 over (10), (20).  [HAND] rank ceil(0.51*2) =
	 * 2 gives 20.
	 */
	CHECK_INT_EQ(tb_stats_quantile(two, 2, 0.5), 10);
	CHECK_INT_EQ(tb_stats_quantile(two, 2, 0.51), 20);
	CHECK_NEAR(tb_stats_quantile_cont(two, 2, 0.5), 15.0, 1e-12);

	/* n = 1: every quantile is the value [HAND] */
	CHECK_INT_EQ(tb_stats_quantile(one, 1, 0.0), 7);
	CHECK_INT_EQ(tb_stats_quantile(one, 1, 0.5), 7);
	CHECK_INT_EQ(tb_stats_quantile(one, 1, 1.0), 7);
	CHECK_NEAR(tb_stats_quantile_cont(one, 1, 0.3), 7.0, 0);

	/*
	 * ties 1,2,2,2,3 [HAND]: disc(0.5) rank 3 = 2; disc(0.9) rank ceil(4.5) =
	 * 5 = 3; cont(0.25) h = 1 -> x[1] = 2; cont(0.875) h = 3.5 -> 2.5.
	 */
	CHECK_INT_EQ(tb_stats_quantile(ties, 5, 0.5), 2);
	CHECK_INT_EQ(tb_stats_quantile(ties, 5, 0.9), 3);
	CHECK_NEAR(tb_stats_quantile_cont(ties, 5, 0.25), 2.0, 1e-12);
	CHECK_NEAR(tb_stats_quantile_cont(ties, 5, 0.875), 2.5, 1e-12);

	/* out-of-range p is clamped; NaN p picks the minimum; empty input */
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, -1.0), 1);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, 2.0), 10);
	CHECK_INT_EQ(tb_stats_quantile(x10, 10, NAN), 1);
	CHECK_INT_EQ(tb_stats_quantile(x10, 0, 0.5), 0);
	CHECK(isnan(tb_stats_quantile_cont(x10, 0, 0.5)));
	CHECK_INT_EQ(tb_stats_quantile_index(0, 0.5), 0);
	CHECK_INT_EQ(tb_stats_quantile_index(4, 0.5), 1);
	CHECK_INT_EQ(tb_stats_quantile_index(5, 0.5), 2);

	/* sorting helper, with negatives and duplicates */
	tb_stats_sort_int64(unsorted, NELEM(unsorted));
	CHECK(unsorted[0] == -3 && unsorted[1] == 0 && unsorted[2] == 2 &&
		  unsorted[3] == 5 && unsorted[4] == 5 && unsorted[5] == 9);
}

TB_SUITE(stats_summary)
{
	tb_stats_summary s;
	tb_stats_welford w;
	int			rc;
	size_t		i;

	/*
	 * Data set with one outlier of each class.  [PG]:
	 *   count 14, min -30, max 100, avg 9.7857142857142857,
	 *   stddev_samp 28.2956331815150788, percentile_disc(.5,.9,.95,.99) =
	 *   {5,20,100,100}, percentile_disc(0.5) of |g - 5| = 3,
	 *   percentile_cont(.25,.75) = {2.25,8.75}.
	 * [HAND] IQR = 6.5; mild fences 2.25 - 9.75 = -7.5 and 8.75 + 9.75 =
	 * 18.5; severe fences 2.25 - 19.5 = -17.25 and 8.75 + 19.5 = 28.25; so
	 * -30 is low severe, -8 low mild, 20 high mild, 100 high severe.
	 */
	{
		int64_t		d[] = {100, -30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, -8};
		int64_t    *x = sorted_copy(d, NELEM(d));

		rc = tb_stats_summarize(x, NELEM(d), &s);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_INT_EQ(s.n, 14);
		CHECK_INT_EQ(s.min, -30);
		CHECK_INT_EQ(s.max, 100);
		CHECK_NEAR(s.mean, 9.7857142857142857, 1e-12);
		CHECK_NEAR(s.stddev, 28.2956331815150788, 1e-12);
		CHECK_INT_EQ(s.p50, 5);
		CHECK_INT_EQ(s.p90, 20);
		CHECK_INT_EQ(s.p95, 100);
		CHECK_INT_EQ(s.p99, 100);
		CHECK_INT_EQ(s.mad, 3);
		CHECK_NEAR(s.q1, 2.25, 1e-12);
		CHECK_NEAR(s.q3, 8.75, 1e-12);
		CHECK_NEAR(s.iqr, 6.5, 1e-12);
		CHECK_NEAR(s.low_severe_fence, -17.25, 1e-12);
		CHECK_NEAR(s.low_mild_fence, -7.5, 1e-12);
		CHECK_NEAR(s.high_mild_fence, 18.5, 1e-12);
		CHECK_NEAR(s.high_severe_fence, 28.25, 1e-12);
		CHECK_INT_EQ(s.low_severe, 1);
		CHECK_INT_EQ(s.low_mild, 1);
		CHECK_INT_EQ(s.high_mild, 1);
		CHECK_INT_EQ(s.high_severe, 1);
		free(x);
	}

	/*
	 * 1..10, 20, 100 [PG]: quartiles {3.75, 9.25}, p50 6, avg
	 * 14.5833333333333333, stddev_samp 27.3577588573510476, MAD 3.
	 * [HAND] IQR 5.5, fences 17.5 / 25.75 high: 20 mild, 100 severe only
	 * (severe outliers are not also counted as mild).
	 */
	{
		int64_t		d[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 100};

		rc = tb_stats_summarize(d, NELEM(d), &s);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_NEAR(s.q1, 3.75, 1e-12);
		CHECK_NEAR(s.q3, 9.25, 1e-12);
		CHECK_INT_EQ(s.p50, 6);
		CHECK_INT_EQ(s.mad, 3);
		CHECK_NEAR(s.mean, 14.5833333333333333, 1e-12);
		CHECK_NEAR(s.stddev, 27.3577588573510476, 1e-12);
		CHECK_NEAR(s.high_mild_fence, 17.5, 1e-12);
		CHECK_NEAR(s.high_severe_fence, 25.75, 1e-12);
		CHECK_INT_EQ(s.high_mild, 1);
		CHECK_INT_EQ(s.high_severe, 1);
		CHECK_INT_EQ(s.low_mild + s.low_severe, 0);
	}

	/*
	 * [WSD] 2,4,4,4,5,5,7,9: mean 5, sample sd sqrt(32/7) = 2.1380899353;
	 * [PG] stddev_samp 2.1380899352993951, p50 4, MAD 1 (|dev| sorted
	 * 0,0,0,1,1,2,3,5, 4th = 1), quartiles {4, 5.5}.
	 */
	{
		int64_t		d[] = {2, 4, 4, 4, 5, 5, 7, 9};

		rc = tb_stats_summarize(d, NELEM(d), &s);
		CHECK_NEAR(s.mean, 5.0, 1e-12);
		CHECK_NEAR(s.stddev, sqrt(32.0 / 7.0), 1e-12);
		CHECK_NEAR(s.stddev, 2.1380899352993951, 1e-12);
		CHECK_INT_EQ(s.p50, 4);
		CHECK_INT_EQ(s.mad, 1);
		CHECK_NEAR(s.q1, 4.0, 1e-12);
		CHECK_NEAR(s.q3, 5.5, 1e-12);
		CHECK_INT_EQ(s.low_mild + s.low_severe + s.high_mild + s.high_severe, 1);
		CHECK_INT_EQ(s.high_mild, 1);	/* [HAND] 9 > 5.5 + 2.25 = 7.75 */
	}

	/* [WMAD] 1,1,2,2,4,6,9: median 2, MAD 1; [PG] agrees */
	{
		int64_t		d[] = {1, 1, 2, 2, 4, 6, 9};

		CHECK_INT_EQ(tb_stats_mad(d, NELEM(d)), 1);
		rc = tb_stats_summarize(d, NELEM(d), &s);
		CHECK_INT_EQ(s.p50, 2);
		CHECK_INT_EQ(s.mad, 1);
		CHECK_NEAR(s.stddev, 2.9920529661723825, 1e-12);	/* [PG] */
	}

	/*
	 * n = 2, {1, 3} [PG]: p50 = 1 (lower median), MAD = percentile_disc(0.5)
	 * of {0, 2} = 0 (R's mad(constant = 1) would say 1: different median
	 * definition, see stats.h), stddev_samp 1.4142135623730950.
	 */
	{
		int64_t		d[] = {1, 3};

		rc = tb_stats_summarize(d, 2, &s);
		CHECK_INT_EQ(s.p50, 1);
		CHECK_INT_EQ(s.mad, 0);
		CHECK_NEAR(s.stddev, sqrt(2.0), 1e-12);
		CHECK_NEAR(s.q1, 1.5, 1e-12);
		CHECK_NEAR(s.q3, 2.5, 1e-12);
	}

	/* n = 1 [PG]: stddev_samp is NULL (here NaN), MAD 0, fences collapse */
	{
		int64_t		d[] = {7};

		rc = tb_stats_summarize(d, 1, &s);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_INT_EQ(s.n, 1);
		CHECK_INT_EQ(s.min, 7);
		CHECK_INT_EQ(s.max, 7);
		CHECK_INT_EQ(s.p50, 7);
		CHECK_INT_EQ(s.p99, 7);
		CHECK_NEAR(s.mean, 7.0, 0);
		CHECK(isnan(s.stddev));
		CHECK_INT_EQ(s.mad, 0);
		CHECK_NEAR(s.iqr, 0.0, 0);
		CHECK_INT_EQ(s.low_mild + s.low_severe + s.high_mild + s.high_severe, 0);
	}

	/* all equal [PG]: stddev_samp 0, MAD 0, no outliers */
	{
		int64_t		d[] = {5, 5, 5, 5};

		rc = tb_stats_summarize(d, 4, &s);
		CHECK_NEAR(s.stddev, 0.0, 0);
		CHECK_INT_EQ(s.mad, 0);
		CHECK_INT_EQ(s.p50, 5);
		CHECK_INT_EQ(s.low_mild + s.low_severe + s.high_mild + s.high_severe, 0);
	}

	/*
	 * IQR = 0 with one different value [HAND]: 1,1,1,1,1,1,1,2: q1 = q3 = 1,
	 * all fences 1, so 2 is a severe outlier (Tukey's rule taken literally).
	 */
	{
		int64_t		d[] = {1, 1, 1, 1, 1, 1, 1, 2};

		rc = tb_stats_summarize(d, NELEM(d), &s);
		CHECK_NEAR(s.iqr, 0.0, 0);
		CHECK_INT_EQ(s.high_severe, 1);
		CHECK_INT_EQ(s.high_mild, 0);
	}

	/* empty input: TB_STATS_EMPTY, n 0, doubles NaN */
	rc = tb_stats_summarize(NULL, 0, &s);
	CHECK_INT_EQ(rc, TB_STATS_EMPTY);
	CHECK_INT_EQ(s.n, 0);
	CHECK(isnan(s.mean) && isnan(s.stddev) && isnan(s.q1) && isnan(s.high_mild_fence));
	CHECK_INT_EQ(s.p50, 0);
	CHECK_INT_EQ(tb_stats_mad(NULL, 0), 0);

	/*
	 * [WVA] Welford on 1e9 + {4, 7, 13, 16}: sample variance 30 exactly
	 * where the textbook sum-of-squares formula loses every digit.
	 */
	{
		int64_t		d[] = {1000000004, 1000000007, 1000000013, 1000000016};

		tb_stats_welford_init(&w);
		for (i = 0; i < 4; i++)
			tb_stats_welford_add(&w, (double) d[i]);
		CHECK_NEAR(w.mean, 1000000010.0, 1e-6);
		CHECK_NEAR(tb_stats_welford_stddev(&w) * tb_stats_welford_stddev(&w), 30.0, 1e-6);
		rc = tb_stats_summarize(d, 4, &s);
		CHECK_NEAR(s.stddev, sqrt(30.0), 1e-9);
		CHECK_NEAR(s.mean, 1000000010.0, 1e-6);
	}
	tb_stats_welford_init(&w);
	CHECK(isnan(tb_stats_welford_stddev(&w)));
	tb_stats_welford_add(&w, 3.0);
	CHECK(isnan(tb_stats_welford_stddev(&w)));

	/* MAD on even n with ties across the median [HAND]: 1,2,2,2,9,10
	 * p50 = 2, |dev| = 1,0,0,0,7,8 sorted 0,0,0,1,7,8, rank 3 -> 0 */
	{
		int64_t		d[] = {1, 2, 2, 2, 9, 10};

		CHECK_INT_EQ(tb_stats_mad(d, 6), 0);
	}
	/* MAD where the right side wins the merge [HAND]: 0,10,11,12,13
	 * p50 = 11, |dev| 11,1,0,1,2 sorted 0,1,1,2,11, rank 3 -> 1 */
	{
		int64_t		d[] = {0, 10, 11, 12, 13};

		CHECK_INT_EQ(tb_stats_mad(d, 5), 1);
	}
	/* extreme values do not overflow: |INT64_MAX - INT64_MIN| saturates */
	{
		int64_t		d[] = {INT64_MIN, INT64_MIN, 0, INT64_MAX, INT64_MAX};

		CHECK_INT_EQ(tb_stats_mad(d, 5), INT64_MAX);
	}
}

TB_SUITE(stats_variates)
{
	tb_prng		r;
	double		shapes[] = {0.5, 1.0, 2.5, 100.0};
	size_t		si;
	int			i;
	const int	N = 200000;

	/* Gamma(a, 1) has mean a and variance a */
	tb_prng_seed(&r, 11);
	for (si = 0; si < NELEM(shapes); si++)
	{
		double		a = shapes[si];
		double		s1 = 0,
					s2 = 0;
		int			pos = 1;

		for (i = 0; i < N; i++)
		{
			double		g = tb_stats_gamma(&r, a);

			pos &= g > 0.0;
			s1 += g;
			s2 += g * g;
		}
		CHECK(pos);
		CHECK_NEAR(s1 / N, a, 0.02 * a);
		CHECK_NEAR(s2 / N - (s1 / N) * (s1 / N), a, 0.04 * a);
	}
	CHECK(isnan(tb_stats_gamma(&r, 0.0)));

	/* Beta(2, 5): mean 2/7, variance ab/((a+b)^2 (a+b+1)) = 10/392 */
	{
		double		s1 = 0,
					s2 = 0;

		for (i = 0; i < N; i++)
		{
			double		u = tb_stats_beta(&r, 2.0, 5.0);

			s1 += u;
			s2 += u * u;
		}
		CHECK_NEAR(s1 / N, 2.0 / 7.0, 0.003);
		CHECK_NEAR(s2 / N - (s1 / N) * (s1 / N), 10.0 / 392.0, 0.001);
	}

	/*
	 * The bootstrap order-statistic sampler against the exact law of the
	 * k-th smallest of n indices drawn uniformly with replacement from
	 * 0..n-1: P(I <= j) = P(Binomial(n, (j+1)/n) >= k).
	 * [HAND] n = 3, k = 2 (median): P(I <= 0) = 3 (1/3)^2 (2/3) + (1/3)^3 =
	 * 7/27, P(I <= 1) = 3 (2/3)^2 (1/3) + (2/3)^3 = 20/27, so the pmf is
	 * 7/27, 13/27, 7/27.  n = 2, k = 1 (lower median = min of two draws):
	 * 3/4, 1/4.  n = 4, k = 2: 67/256, 109/256, 67/256, 13/256.
	 */
	CHECK_NEAR(order_index_cdf(3, 2, 0), 7.0 / 27.0, 1e-12);
	CHECK_NEAR(order_index_cdf(3, 2, 1), 20.0 / 27.0, 1e-12);
	CHECK_NEAR(order_index_cdf(4, 2, 1), 176.0 / 256.0, 1e-12);
	{
		size_t		ns[] = {1, 2, 3, 4, 5, 10, 10};
		size_t		ks[] = {1, 1, 2, 2, 3, 5, 10};
		size_t		ci;

		for (ci = 0; ci < NELEM(ns); ci++)
		{
			size_t		n = ns[ci];
			size_t		k = ks[ci];
			long		hist[10] = {0};
			double		maxdiff = 0.0;
			double		cum = 0.0;
			int			inrange = 1;
			size_t		j;

			tb_prng_seed(&r, 100 + ci);
			for (i = 0; i < N; i++)
			{
				size_t		idx = tb_stats_bootstrap_order_index(&r, n, k);

				inrange &= idx < n;
				if (idx < n)
					hist[idx]++;
			}
			CHECK(inrange);
			for (j = 0; j < n; j++)
			{
				double		d;

				cum += (double) hist[j] / N;
				d = fabs(cum - order_index_cdf(n, k, j));
				if (d > maxdiff)
					maxdiff = d;
			}
			/* 5 standard errors of a proportion near 1/2 at N = 200000 */
			CHECK_NEAR(maxdiff, 0.0, 0.0056);
		}
	}
	/* larger n: Kolmogorov distance to the exact law, n = 101 and 1000 */
	{
		size_t		ns[] = {101, 1000, 1000};
		size_t		ks[] = {51, 500, 990};
		size_t		ci;
		long	   *hist = malloc(1000 * sizeof(long));

		for (ci = 0; ci < NELEM(ns); ci++)
		{
			size_t		n = ns[ci];
			size_t		k = ks[ci];
			double		maxdiff = 0.0;
			double		cum = 0.0;
			size_t		j;

			memset(hist, 0, 1000 * sizeof(long));
			tb_prng_seed(&r, 200 + ci);
			for (i = 0; i < N; i++)
				hist[tb_stats_bootstrap_order_index(&r, n, k)]++;
			for (j = 0; j < n; j++)
			{
				double		d;

				cum += (double) hist[j] / N;
				d = fabs(cum - order_index_cdf(n, k, j));
				if (d > maxdiff)
					maxdiff = d;
			}
			/* KS critical value at 0.1%: 1.95 / sqrt(N) = 0.0044 */
			CHECK_NEAR(maxdiff, 0.0, 0.0044);
		}
		free(hist);
	}
}

TB_SUITE(stats_bootstrap)
{
	tb_stats_ci ci;
	tb_stats_ci ci2;
	int64_t    *work = malloc(20000 * sizeof(int64_t));
	double	   *dwork = malloc(20000 * sizeof(double));
	int			rc;

	/* n = 1: the interval is the value itself [HAND] */
	{
		int64_t		d[] = {42};

		rc = tb_stats_bootstrap_median_ci(d, 1, 0.95, 1000, 1, work, &ci);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_NEAR(ci.estimate, 42, 0);
		CHECK_NEAR(ci.low, 42, 0);
		CHECK_NEAR(ci.high, 42, 0);
	}
	/* all equal [HAND] */
	{
		int64_t		d[] = {9, 9, 9, 9, 9, 9};

		rc = tb_stats_bootstrap_median_ci(d, 6, 0.99, 5000, 2, work, &ci);
		CHECK(ci.estimate == 9 && ci.low == 9 && ci.high == 9);
	}

	/*
	 * n = 3, {10, 20, 30} [HAND]: the resampled median is 10, 20, 30 with
	 * probability 7/27, 13/27, 7/27 (see stats_variates).  At 95% both tails
	 * (2.5%) fall inside the end atoms: [10, 30].  At 40% the bounds are the
	 * 30% and 70% points: 7/27 = 0.26 < 0.3 and 20/27 = 0.74 >= 0.7, both in
	 * the middle atom: [20, 20].
	 */
	{
		int64_t		d[] = {10, 20, 30};

		rc = tb_stats_bootstrap_median_ci(d, 3, 0.95, 10000, 3, work, &ci);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_NEAR(ci.estimate, 20, 0);
		CHECK_NEAR(ci.low, 10, 0);
		CHECK_NEAR(ci.high, 30, 0);
		rc = tb_stats_bootstrap_median_ci(d, 3, 0.40, 10000, 3, work, &ci);
		CHECK_NEAR(ci.low, 20, 0);
		CHECK_NEAR(ci.high, 20, 0);
	}

	/*
	 * n = 2, {10, 20}: the lower median of a resample is 10 unless both
	 * draws are 20 (1/4) [HAND]; 95%: [10, 20]; 40% (30%..70%): [10, 10].
	 */
	{
		int64_t		d[] = {10, 20};

		rc = tb_stats_bootstrap_median_ci(d, 2, 0.95, 10000, 4, work, &ci);
		CHECK_NEAR(ci.estimate, 10, 0);
		CHECK_NEAR(ci.low, 10, 0);
		CHECK_NEAR(ci.high, 20, 0);
		rc = tb_stats_bootstrap_median_ci(d, 2, 0.40, 10000, 4, work, &ci);
		CHECK_NEAR(ci.high, 10, 0);
	}

	/*
	 * Against a brute-force bootstrap (resample n indices with tb_prng_range,
	 * take the k-th smallest by counting): n = 201 distinct values, 20000
	 * resamples each; the 95% bounds must agree within 3 ranks.
	 */
	{
		size_t		n = 201;
		size_t		k = 101;
		int64_t		x[201];
		int		   *count = malloc(n * sizeof(int));
		tb_prng		r;
		int			b;
		size_t		i;
		int64_t		lo_rank;
		int64_t		hi_rank;

		for (i = 0; i < n; i++)
			x[i] = (int64_t) (i * 10);
		tb_prng_seed(&r, 5);
		for (b = 0; b < 20000; b++)
		{
			size_t		seen = 0;

			memset(count, 0, n * sizeof(int));
			for (i = 0; i < n; i++)
				count[tb_prng_range(&r, 0, n - 1)]++;
			for (i = 0; i < n; i++)
			{
				seen += count[i];
				if (seen >= k)
					break;
			}
			work[b] = (int64_t) i;
		}
		tb_stats_sort_int64(work, 20000);
		lo_rank = work[tb_stats_quantile_index(20000, 0.025)];
		hi_rank = work[tb_stats_quantile_index(20000, 0.975)];
		rc = tb_stats_bootstrap_median_ci(x, n, 0.95, 20000, 6, work, &ci);
		CHECK_NEAR(ci.estimate, 1000, 0);
		CHECK_NEAR(ci.low / 10.0, (double) lo_rank, 3);
		CHECK_NEAR(ci.high / 10.0, (double) hi_rank, 3);
		free(count);
	}

	/*
	 * Normal data, n = 1001, sigma 10000: the 95% CI of the median has
	 * width about 2 * 1.96 * sqrt(pi/2) sigma / sqrt(n) = 1553 (asymptotic
	 * variance of the sample median, pi sigma^2 / (2n)); accept +-25%.
	 * Same seed, same interval.
	 */
	{
		size_t		n = 1001;
		int64_t    *x = malloc(n * sizeof(int64_t));
		tb_prng		r;
		size_t		i;

		tb_prng_seed(&r, 77);
		for (i = 0; i < n; i++)
			x[i] = (int64_t) llround(1e6 + 1e4 * tb_prng_normal(&r));
		tb_stats_sort_int64(x, n);
		rc = tb_stats_bootstrap_median_ci(x, n, 0.95, 10000, 8, work, &ci);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK(ci.low <= ci.estimate && ci.estimate <= ci.high);
		CHECK_NEAR(ci.high - ci.low, 1553.0, 0.25 * 1553.0);
		CHECK(ci.low < 1e6 && 1e6 < ci.high);
		rc = tb_stats_bootstrap_median_ci(x, n, 0.95, 10000, 8, work, &ci2);
		CHECK(ci.low == ci2.low && ci.high == ci2.high);
		/* a p90 interval sits around the p90 */
		rc = tb_stats_bootstrap_quantile_ci(x, n, 0.9, 0.95, 10000, 8, work, &ci2);
		CHECK_NEAR(ci2.estimate, (double) tb_stats_quantile(x, n, 0.9), 0);
		CHECK(ci2.low <= ci2.estimate && ci2.estimate <= ci2.high);
		CHECK(ci2.low > ci.high);

		/*
		 * Ratio: b = 2 a element-wise, so the point estimate is exactly 2.
		 * The log-ratio of two independent medians has variance twice that
		 * of one log-median, so the 95% interval is about 2 exp(+-1.96
		 * sqrt(2) sqrt(pi/2) sigma/(mu sqrt n)) = [1.9571, 2.0439]; +-25% on
		 * the half-widths.
		 */
		{
			int64_t    *y = malloc(n * sizeof(int64_t));
			double		hw = 1.96 * sqrt(2.0) * sqrt(M_PI / 2.0) * 1e4 / (1e6 * sqrt((double) n));

			for (i = 0; i < n; i++)
				y[i] = 2 * x[i];
			rc = tb_stats_bootstrap_median_ratio_ci(x, n, y, n, 0.95, 10000, 9, dwork, &ci2);
			CHECK_INT_EQ(rc, TB_STATS_OK);
			CHECK_NEAR(ci2.estimate, 2.0, 0);
			CHECK(ci2.low < 2.0 && 2.0 < ci2.high);
			CHECK_NEAR(log(ci2.high / 2.0), hw, 0.25 * hw);
			CHECK_NEAR(log(2.0 / ci2.low), hw, 0.25 * hw);
			free(y);
		}
		free(x);
	}

	/*
	 * Ratio on tiny samples [HAND]: a = {10, 20}, b = {30}.  The resampled
	 * lower median of a is 10 w.p. 3/4 and 20 w.p. 1/4, so the ratio is 3
	 * w.p. 3/4 and 1.5 w.p. 1/4: 95% [1.5, 3]; 40% (30%..70%) [3, 3];
	 * estimate 30/10 = 3.
	 */
	{
		int64_t		a[] = {10, 20};
		int64_t		b[] = {30};

		rc = tb_stats_bootstrap_median_ratio_ci(a, 2, b, 1, 0.95, 10000, 10, dwork, &ci);
		CHECK_NEAR(ci.estimate, 3.0, 0);
		CHECK_NEAR(ci.low, 1.5, 0);
		CHECK_NEAR(ci.high, 3.0, 0);
		rc = tb_stats_bootstrap_median_ratio_ci(a, 2, b, 1, 0.40, 10000, 10, dwork, &ci);
		CHECK_NEAR(ci.low, 3.0, 0);
		CHECK_NEAR(ci.high, 3.0, 0);
	}
	/* constant samples: ratio exactly 2 [HAND]; zeros: 0/0 = 1, x/0 = inf */
	{
		int64_t		a[] = {100, 100, 100};
		int64_t		b[] = {200, 200};
		int64_t		z[] = {0, 0};
		int64_t		p[] = {5};

		rc = tb_stats_bootstrap_median_ratio_ci(a, 3, b, 2, 0.95, 1000, 11, dwork, &ci);
		CHECK(ci.estimate == 2.0 && ci.low == 2.0 && ci.high == 2.0);
		rc = tb_stats_bootstrap_median_ratio_ci(z, 2, z, 2, 0.95, 1000, 11, dwork, &ci);
		CHECK(ci.estimate == 1.0 && ci.low == 1.0 && ci.high == 1.0);
		rc = tb_stats_bootstrap_median_ratio_ci(z, 2, p, 1, 0.95, 1000, 11, dwork, &ci);
		CHECK(isinf(ci.estimate) && ci.estimate > 0);
	}

	/* bad arguments and empty input */
	{
		int64_t		d[] = {1, 2, 3};

		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 3, 0.0, 100, 1, work, &ci), TB_STATS_EINVAL);
		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 3, 1.0, 100, 1, work, &ci), TB_STATS_EINVAL);
		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 3, NAN, 100, 1, work, &ci), TB_STATS_EINVAL);
		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 3, 0.95, 0, 1, work, &ci), TB_STATS_EINVAL);
		CHECK_INT_EQ(tb_stats_bootstrap_quantile_ci(d, 3, 1.5, 0.95, 10, 1, work, &ci), TB_STATS_EINVAL);
		CHECK(isnan(ci.estimate) && isnan(ci.low) && isnan(ci.high));
		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 0, 0.95, 100, 1, work, &ci), TB_STATS_EMPTY);
		CHECK(isnan(ci.estimate) && isnan(ci.low));
		CHECK_INT_EQ(tb_stats_bootstrap_median_ratio_ci(d, 0, d, 3, 0.95, 10, 1, dwork, &ci), TB_STATS_EMPTY);
		CHECK_INT_EQ(tb_stats_bootstrap_median_ratio_ci(d, 3, d, 0, 0.95, 10, 1, dwork, &ci), TB_STATS_EMPTY);
		CHECK_INT_EQ(tb_stats_bootstrap_median_ratio_ci(d, 3, d, 3, 0.95, -1, 1, dwork, &ci), TB_STATS_EINVAL);
		/* one resample is allowed: both bounds are that resample */
		CHECK_INT_EQ(tb_stats_bootstrap_median_ci(d, 3, 0.95, 1, 1, work, &ci), TB_STATS_OK);
		CHECK(ci.low == ci.high);
	}
	free(work);
	free(dwork);
}

/* Mann-Whitney helper: sort copies, run, free */
static int
mw(const int64_t *a, size_t na, const int64_t *b, size_t nb, int method, tb_stats_mw *out)
{
	int64_t    *sa = sorted_copy(a, na);
	int64_t    *sb = sorted_copy(b, nb);
	int			rc = tb_stats_mann_whitney(sa, na, sb, nb, method, out);

	free(sa);
	free(sb);
	return rc;
}

TB_SUITE(stats_mann_whitney)
{
	tb_stats_mw r;
	int			rc;

	/* [SHIER] males vs females: U = 17, exact p = 1/9 */
	{
		int64_t		males[] = {19, 22, 16, 29, 24};
		int64_t		females[] = {20, 11, 17, 12};

		rc = mw(males, 5, females, 4, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_NEAR(r.u_a, 17.0, 0);
		CHECK_NEAR(r.u_b, 3.0, 0);
		CHECK_INT_EQ(r.exact, 1);
		CHECK_INT_EQ(r.ties, 0);
		CHECK_NEAR(r.p_value, 0.1111111111111111, 1e-15);
		CHECK_NEAR(r.prob_a_greater, 17.0 / 20.0, 1e-15);
		CHECK_NEAR(r.rank_biserial, 0.7, 1e-15);
		CHECK(r.z > 0);
		rc = mw(males, 5, females, 4, TB_STATS_MW_NORMAL, &r);
		CHECK_INT_EQ(r.exact, 0);
		CHECK_NEAR(r.p_value, 0.11134688653314041, 1e-12);
		rc = mw(males, 5, females, 4, TB_STATS_MW_NORMAL | TB_STATS_MW_NO_CONTINUITY, &r);
		CHECK_NEAR(r.p_value, 0.0864107329737, 1e-12);
		/* swapping the samples swaps U and keeps p */
		rc = mw(females, 4, males, 5, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 3.0, 0);
		CHECK_NEAR(r.p_value, 0.1111111111111111, 1e-15);
		CHECK(r.z < 0);
	}

	/*
	 * [HW] permeability constants, scaled by 100 to int64 (a rank test only
	 * sees the order): W = U = 35, exact 0.2544122544123, normal
	 * 0.244623605127 (continuity) and 0.2206713619198 (none).
	 */
	{
		int64_t		x[] = {80, 83, 189, 104, 145, 138, 191, 164, 73, 146};
		int64_t		y[] = {115, 88, 90, 74, 121};

		rc = mw(x, 10, y, 5, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 35.0, 0);
		CHECK_INT_EQ(r.exact, 1);
		CHECK_NEAR(r.p_value, 0.2544122544123, 1e-12);
		rc = mw(x, 10, y, 5, TB_STATS_MW_NORMAL, &r);
		CHECK_NEAR(r.p_value, 0.244623605127, 1e-11);
		rc = mw(x, 10, y, 5, TB_STATS_MW_NORMAL | TB_STATS_MW_NO_CONTINUITY, &r);
		CHECK_NEAR(r.p_value, 0.2206713619198, 1e-12);
	}

	/*
	 * [RTIE] SciPy test_basic (R wilcox.test): x (3 values) vs y (13), scaled
	 * by 1e6 and rounded (order unchanged): U = 16, exact 0.7035714285714,
	 * normal 0.6865041817876.
	 */
	{
		int64_t		x[] = {210052110, 110190630, 307918612};
		int64_t		y[] = {436088115, 416373973, 179969759, 197811875, 34038757,
						   138542206, 128776935, 265927214, 275661753, 592340834,
						   448731776, 300614952, 187975084};

		rc = mw(x, 3, y, 13, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 16.0, 0);
		CHECK_NEAR(r.p_value, 0.7035714285714, 1e-12);
		rc = mw(x, 3, y, 13, TB_STATS_MW_NORMAL, &r);
		CHECK_NEAR(r.p_value, 0.6865041817876, 1e-12);
	}

	/*
	 * Ties [RTIE] (SciPy test_tie_correct, values x100): x = 1..4 against
	 * y0 = 1..5 shifted so that 0, 2, 1 or all of the values tie.  Tie
	 * correction and continuity correction, normal approximation.
	 */
	{
		int64_t		x[] = {100, 200, 300, 400};
		int64_t		y[7][5] = {
			{99, 199, 299, 399, 499},	/* y0 - 0.01: U 10, p 1 */
			{100, 199, 300, 399, 500},	/* y0 - dy: U 9 */
			{100, 200, 299, 400, 500},	/* y0 - dy2: U 8.5 */
			{100, 200, 300, 400, 500},	/* y0: U 8 */
			{100, 200, 301, 400, 500},	/* y0 + dy2: U 7.5 */
			{100, 201, 300, 401, 500},	/* y0 + dy: U 7 */
			{101, 201, 301, 401, 501}	/* y0 + 0.01: U 6 */
		};
		double		u[] = {10, 9, 8.5, 8, 7.5, 7, 6};
		double		p[] = {1, 0.9017048037317, 0.804080657472, 0.7086240584439,
			0.6197963884941, 0.5368784563079, 0.3912672792826};
		int			i;

		for (i = 0; i < 7; i++)
		{
			rc = mw(x, 4, y[i], 5, TB_STATS_MW_NORMAL, &r);
			CHECK_NEAR(r.u_a, u[i], 0);
			CHECK_NEAR(r.p_value, p[i], 1e-12);
		}
		/* AUTO picks the normal approximation as soon as there is a tie */
		rc = mw(x, 4, y[3], 5, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(r.ties, 1);
		CHECK_INT_EQ(r.exact, 0);
		CHECK_NEAR(r.p_value, 0.7086240584439, 1e-12);
		/* and EXACT falls back to it too, saying so */
		rc = mw(x, 4, y[3], 5, TB_STATS_MW_EXACT, &r);
		CHECK_INT_EQ(r.exact, 0);
		CHECK_NEAR(r.p_value, 0.7086240584439, 1e-12);
	}

	/*
	 * Heavier ties [RTIE] (SciPy test_gh_11355b; R's Inf is the largest
	 * value, here 1000000): x = 1,2,3,4 vs y = 3,6,7,8,Inf,3,2,1,4,4,5: U 10,
	 * p 0.1297704873477; x = 1,2,Inf,4 vs y = 3,6,7,8,Inf,Inf,2,1,4,4,5:
	 * U 16, p 0.4687165824462.
	 */
	{
		int64_t		x1[] = {1, 2, 3, 4};
		int64_t		y1[] = {3, 6, 7, 8, 1000000, 3, 2, 1, 4, 4, 5};
		int64_t		x2[] = {1, 2, 1000000, 4};
		int64_t		y2[] = {3, 6, 7, 8, 1000000, 1000000, 2, 1, 4, 4, 5};

		rc = mw(x1, 4, y1, 11, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 10.0, 0);
		CHECK_NEAR(r.p_value, 0.1297704873477, 1e-12);
		rc = mw(x2, 4, y2, 11, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 16.0, 0);
		CHECK_NEAR(r.p_value, 0.4687165824462, 1e-12);
	}

	/*
	 * U at its mean: p = 1 [RTIE] (SciPy test_gh_2118 with R): {1,2,3} vs
	 * {2}: U 1.5; {1,2} vs {1,2}: U 2; and one value each, equal: U 0.5
	 * (SciPy test_equal_scalar_data).  Exact case {1,2,3} vs {1.5, 2.5}
	 * (x2: 2,4,6 vs 3,5): U 3, p 1 (SciPy test_exact_U_equals_mean).
	 */
	{
		int64_t		a1[] = {1, 2, 3};
		int64_t		b1[] = {2};
		int64_t		a2[] = {1, 2};
		int64_t		a3[] = {1};
		int64_t		a4[] = {2, 4, 6};
		int64_t		b4[] = {3, 5};

		rc = mw(a1, 3, b1, 1, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 1.5, 0);
		CHECK_NEAR(r.p_value, 1.0, 0);
		rc = mw(a2, 2, a2, 2, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 2.0, 0);
		CHECK_NEAR(r.p_value, 1.0, 0);
		rc = mw(a3, 1, a3, 1, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 0.5, 0);
		CHECK_NEAR(r.p_value, 1.0, 0);
		rc = mw(a4, 3, b4, 2, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(r.exact, 1);
		CHECK_NEAR(r.u_a, 3.0, 0);
		CHECK_NEAR(r.p_value, 1.0, 0);
	}

	/*
	 * Completely separated tiny samples, exact [HAND]: only one of the
	 * C(2k, k) arrangements has U = 0, and one has U = k^2, so two-sided p =
	 * 2 / C(2k, k): k = 1: 1 (capped), 2: 1/3, 3: 1/10, 4: 1/35, 5: 1/126.
	 */
	{
		int64_t		lo[] = {1, 2, 3, 4, 5};
		int64_t		hi[] = {6, 7, 8, 9, 10};
		double		want[] = {1.0, 1.0 / 3.0, 0.1, 1.0 / 35.0, 1.0 / 126.0};
		int			k;

		for (k = 1; k <= 5; k++)
		{
			rc = mw(lo, k, hi, k, TB_STATS_MW_AUTO, &r);
			CHECK_NEAR(r.u_a, 0.0, 0);
			CHECK_NEAR(r.p_value, want[k - 1], 1e-15);
		}
		/* a above b: U = n1 n2, effect sizes at their maximum */
		rc = mw(hi, 3, lo, 3, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_a, 9.0, 0);
		CHECK_NEAR(r.prob_a_greater, 1.0, 0);
		CHECK_NEAR(r.rank_biserial, 1.0, 0);
		CHECK_NEAR(r.p_value, 0.1, 1e-15);
	}

	/*
	 * Wikipedia "Mann-Whitney U test", tortoise and hare (finishing order
	 * THHHHHTTTTTH, 6 each): U_T = 11, U_H = 25 [HAND count as there].
	 * Positions as values: T = 1,7,8,9,10,11, H = 2,3,4,5,6,12.  Exact p by
	 * full enumeration of the 924 splits: 2 * 143 / 924 = 0.30952380952.
	 */
	{
		int64_t		t[] = {1, 7, 8, 9, 10, 11};
		int64_t		h[] = {2, 3, 4, 5, 6, 12};

		rc = mw(t, 6, h, 6, TB_STATS_MW_AUTO, &r);
		CHECK_NEAR(r.u_b, 11.0, 0);		/* #pairs a T finished ahead of an H */
		CHECK_NEAR(r.u_a, 25.0, 0);
		CHECK_NEAR(r.p_value, 2.0 * 143.0 / 924.0, 1e-15);
	}

	/* all values equal: sigma = 0, defined as p = 1, z = 0 */
	{
		int64_t		a[] = {5, 5, 5};
		int64_t		b[] = {5, 5};

		rc = mw(a, 3, b, 2, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(rc, TB_STATS_OK);
		CHECK_NEAR(r.u_a, 3.0, 0);
		CHECK_NEAR(r.p_value, 1.0, 0);
		CHECK_NEAR(r.z, 0.0, 0);
		CHECK_INT_EQ(r.ties, 1);
		CHECK_NEAR(r.prob_a_greater, 0.5, 0);
	}

	/* empty input and bad method */
	{
		int64_t		a[] = {1, 2};

		rc = tb_stats_mann_whitney(a, 2, NULL, 0, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(rc, TB_STATS_EMPTY);
		CHECK(isnan(r.u_a) && isnan(r.p_value));
		rc = tb_stats_mann_whitney(NULL, 0, a, 2, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(rc, TB_STATS_EMPTY);
		rc = tb_stats_mann_whitney(a, 2, a, 2, 3, &r);
		CHECK_INT_EQ(rc, TB_STATS_EINVAL);
	}

	/*
	 * Exact null distribution against [MW47] Table I, P(U <= u), 3 decimals
	 * (some truncated rather than rounded: 1/35 = 0.0286 is printed 0.028):
	 * n = 3 and n = 4 columns for m = 1..n.
	 */
	{
		static const double t3[3][6] = {
			{0.25, 0.5, 0.75, -1, -1, -1},
			{0.1, 0.2, 0.4, 0.6, -1, -1},
			{0.05, 0.1, 0.2, 0.35, 0.5, 0.65}};
		static const double t4[4][9] = {
			{0.2, 0.4, 0.6, -1, -1, -1, -1, -1, -1},
			{0.067, 0.133, 0.267, 0.4, 0.6, -1, -1, -1, -1},
			{0.028, 0.057, 0.114, 0.2, 0.314, 0.429, 0.571, -1, -1},
			{0.014, 0.029, 0.057, 0.1, 0.171, 0.243, 0.343, 0.443, 0.557}};
		static const double t6m6[] = {0.001, 0.002, 0.004, 0.008, 0.013, 0.021,
			0.032, 0.047, 0.066, 0.09, 0.12, 0.155, 0.197, 0.242, 0.294, 0.350,
		0.409, 0.469, 0.531};
		int			m;
		int			u;

		for (m = 1; m <= 3; m++)
			for (u = 0; u < 6 && t3[m - 1][u] >= 0; u++)
				CHECK_NEAR(tb_stats_mann_whitney_cdf(m, 3, u), t3[m - 1][u], 0.001);
		for (m = 1; m <= 4; m++)
			for (u = 0; u < 9 && t4[m - 1][u] >= 0; u++)
				CHECK_NEAR(tb_stats_mann_whitney_cdf(m, 4, u), t4[m - 1][u], 0.001);
		for (u = 0; u < (int) NELEM(t6m6); u++)
			CHECK_NEAR(tb_stats_mann_whitney_cdf(6, 6, u), t6m6[u], 0.001);
		/* symmetry in m and n, the ends, out-of-range sizes */
		CHECK_NEAR(tb_stats_mann_whitney_cdf(3, 7, 5), tb_stats_mann_whitney_cdf(7, 3, 5), 0);
		CHECK_NEAR(tb_stats_mann_whitney_cdf(5, 5, -1), 0.0, 0);
		CHECK_NEAR(tb_stats_mann_whitney_cdf(5, 5, 25), 1.0, 0);
		CHECK(isnan(tb_stats_mann_whitney_cdf(0, 5, 1)));
		CHECK(isnan(tb_stats_mann_whitney_cdf(31, 5, 1)));
		/*
		 * At the size limit the int64 counts stay exact [HAND]: P(U <= 0) for
		 * 30 and 30 is 1 / C(60, 30) = 1 / 118264581564861424, and the
		 * distribution is symmetric: P(U <= 449) = 1 - P(U <= 450) + P(U = 450)
		 * gives P(U <= 449) + P(U <= 450) = 1.
		 */
		CHECK_NEAR(tb_stats_mann_whitney_cdf(30, 30, 0) * 118264581564861424.0, 1.0, 1e-12);
		CHECK_NEAR(tb_stats_mann_whitney_cdf(30, 30, 449) + tb_stats_mann_whitney_cdf(30, 30, 450),
				   1.0, 1e-12);
	}

	/*
	 * Exact and normal agree for moderately large samples (cf. SciPy
	 * test_asymptotic_behavior: within 1e-3 at n = 40): 30 and 30 values
	 * interleaved with an offset, no ties.
	 */
	{
		int64_t		a[30];
		int64_t		b[30];
		double		pe;
		int			i;

		for (i = 0; i < 30; i++)
		{
			a[i] = 10 * i;
			b[i] = 10 * i + 55;
		}
		rc = tb_stats_mann_whitney(a, 30, b, 30, TB_STATS_MW_AUTO, &r);
		CHECK_INT_EQ(r.exact, 1);
		pe = r.p_value;
		rc = tb_stats_mann_whitney(a, 30, b, 30, TB_STATS_MW_NORMAL, &r);
		CHECK_NEAR(r.p_value, pe, 2e-3);
		/* 31 values: beyond the exact limit, AUTO uses the normal law */
		{
			int64_t		c[31];

			for (i = 0; i < 31; i++)
				c[i] = 10 * i + 3;
			rc = tb_stats_mann_whitney(a, 30, c, 31, TB_STATS_MW_AUTO, &r);
			CHECK_INT_EQ(r.exact, 0);
		}
	}
}

/*
 * Student's t: quantiles from the standard table (any statistics text,
 * e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2) to its 6 digits, the cdf at 0
 * and its symmetry, a non-integer df between its neighbours, and NaN out of
 * range.
 */
TB_SUITE(stats_student_t)
{
	CHECK_NEAR(tb_stats_t_quantile(0.975, 1), 12.706205, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.975, 2), 4.302653, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.975, 4), 2.776445, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.975, 10), 2.228139, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.995, 2), 9.924843, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.95, 30), 1.697261, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.025, 4), -2.776445, 1e-5);
	CHECK_NEAR(tb_stats_t_quantile(0.975, 1e6), 1.959966, 1e-4);
	CHECK_NEAR(tb_stats_t_cdf(0.0, 3), 0.5, 1e-12);
	CHECK_NEAR(tb_stats_t_cdf(2.0, 3) + tb_stats_t_cdf(-2.0, 3), 1.0, 1e-12);
	CHECK_NEAR(tb_stats_t_cdf(2.776445, 4), 0.975, 1e-6);
	CHECK(tb_stats_t_quantile(0.975, 4.5) < tb_stats_t_quantile(0.975, 4));
	CHECK(tb_stats_t_quantile(0.975, 4.5) > tb_stats_t_quantile(0.975, 5));
	CHECK(isnan(tb_stats_t_quantile(1.0, 4)));
	CHECK(isnan(tb_stats_t_quantile(0.5, 0)));
	CHECK(isnan(tb_stats_t_cdf(1.0, -1)));
}

/*
 * Speed: 10,000 samples, bootstrap CI of the median with 10,000 resamples,
 * plus the ratio CI against a second 10,000-sample run, the summary and the
 * U test.  Prints the measured times; asserts only a generous bound.
 */
static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

TB_SUITE(stats_speed)
{
	size_t		n = 10000;
	int			nres = 10000;
	int64_t    *a = malloc(n * sizeof(int64_t));
	int64_t    *b = malloc(n * sizeof(int64_t));
	int64_t    *work = malloc(nres * sizeof(int64_t));
	double	   *dwork = malloc(nres * sizeof(double));
	tb_prng		r;
	tb_stats_ci ci;
	tb_stats_ci rci;
	tb_stats_summary s;
	tb_stats_mw m;
	double		t0,
				t1,
				t2,
				t3;
	size_t		i;

	/* log-normal-ish latencies around 100 us */
	tb_prng_seed(&r, 2026);
	for (i = 0; i < n; i++)
	{
		a[i] = (int64_t) (1e5 * exp(0.3 * tb_prng_normal(&r)));
		b[i] = (int64_t) (1.02e5 * exp(0.3 * tb_prng_normal(&r)));
	}
	t0 = now_seconds();
	tb_stats_sort_int64(a, n);
	tb_stats_sort_int64(b, n);
	tb_stats_summarize(a, n, &s);
	t1 = now_seconds();
	tb_stats_bootstrap_median_ci(a, n, 0.95, nres, 1, work, &ci);
	t2 = now_seconds();
	tb_stats_bootstrap_median_ratio_ci(a, n, b, n, 0.95, nres, 1, dwork, &rci);
	tb_stats_mann_whitney(a, n, b, n, TB_STATS_MW_AUTO, &m);
	t3 = now_seconds();

	printf("  stats_speed: n=%zu: sort x2 + summary %.2f ms; median CI (%d resamples) %.2f ms;"
		   " ratio CI + U test %.2f ms\n",
		   n, (t1 - t0) * 1e3, nres, (t2 - t1) * 1e3, (t3 - t2) * 1e3);
	printf("  stats_speed: p50 %lld CI [%.0f, %.0f]; ratio %.4f CI [%.4f, %.4f]; p %.3g\n",
		   (long long) s.p50, ci.low, ci.high, rci.estimate, rci.low, rci.high, m.p_value);
	CHECK(t2 - t1 < 2.0);
	CHECK(t3 - t0 < 2.0);
	CHECK(ci.low <= ci.estimate && ci.estimate <= ci.high);
	CHECK(rci.low <= rci.estimate && rci.estimate <= rci.high);
	free(a);
	free(b);
	free(work);
	free(dwork);
}
