/*-------------------------------------------------------------------------
 *
 * stats.h
 *	  Statistics of timing samples for tas_bench (pure C, no backend calls).
 *
 * Owns: quantiles, the per-run summary (mean, sample standard deviation,
 * percentiles, MAD, Tukey fences and outlier counts), seeded bootstrap
 * confidence intervals of a quantile and of the ratio of two quantiles, and
 * the Mann-Whitney U test.  Nothing here allocates memory: where a routine
 * needs scratch space the caller passes it (the backend passes palloc'd
 * memory, the unit tests pass stack or malloc'd arrays); the size is given
 * with each routine.  Samples are int64 nanoseconds; every sample array is
 * sorted ascending by the caller (tb_stats_sort_int64) before it is passed.
 *
 * Definitions used throughout (see stats.c for the references):
 *
 *	percentile_disc(p)	the value at 1-based rank max(1, ceil(p * n)) of the
 *						sorted sample, exactly PostgreSQL's percentile_disc
 *						(nearest rank); p50, p90, p95, p99 and the median used
 *						by MAD and by the bootstrap are this.  For even n the
 *						median is therefore the LOWER of the two middle values.
 *	percentile_cont(p)	linear interpolation between ranks floor(h) and
 *						ceil(h), h = p * (n - 1) (0-based): PostgreSQL's
 *						percentile_cont, R's quantile(type = 7), NumPy's
 *						default.  Used for the Tukey quartiles Q1 and Q3.
 *	MAD					percentile_disc(0.5) of |x_i - p50|: raw, NOT scaled
 *						by 1.4826.
 *	Tukey fences		IQR = Q3 - Q1; mild fences Q1 - 1.5 IQR, Q3 + 1.5 IQR;
 *						severe fences Q1 - 3 IQR, Q3 + 3 IQR.  A value strictly
 *						beyond a severe fence is counted as severe only; one
 *						strictly beyond a mild fence but not beyond the severe
 *						one is mild (the classes are disjoint, as in
 *						Criterion.rs).
 *	bootstrap CI		percentile interval: the statistic is recomputed on
 *						nresamples resamples (with replacement, same size) and
 *						the bounds are percentile_disc(alpha/2) and
 *						percentile_disc(1 - alpha/2) of those values, with
 *						alpha = 1 - level.
 *	Mann-Whitney U		u_a = #pairs (a_i, b_j) with a_i > b_j plus half the
 *						tied pairs (= rank sum of a - na(na+1)/2, midranks).
 *						Two-sided p-value.
 *
 * Empty input: routines return TB_STATS_EMPTY and set double results to NaN
 * and integer results to 0; bad arguments return TB_STATS_EINVAL.  Means,
 * fences and CI bounds are doubles: exact for |x| < 2^53 ns (104 days).
 *
 * IDENTIFICATION
 *	  src/core/stats.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_STATS_H
#define TB_STATS_H

#include <stdint.h>
#include <stdlib.h>

#include "core/prng.h"

/* return codes */
#define TB_STATS_OK			0
#define TB_STATS_EMPTY		1	/* a sample has no values */
#define TB_STATS_EINVAL		2	/* an argument is out of range */

/*
 * Quantiles of a sorted sample.
 *
 * tb_stats_quantile: percentile_disc(p), one of the sample values.  p is
 * clamped to [0, 1]; n = 0 returns 0 (callers check n first).
 * tb_stats_quantile_cont: percentile_cont(p); n = 0 returns NaN.
 */
extern int64_t tb_stats_quantile(const int64_t *sorted, size_t n, double p);
extern double tb_stats_quantile_cont(const int64_t *sorted, size_t n, double p);
/* 0-based index that percentile_disc(p) picks in a sorted array of n > 0 */
extern size_t tb_stats_quantile_index(size_t n, double p);

/* sort ascending (qsort) */
extern void tb_stats_sort_int64(int64_t *x, size_t n);
/*
 * The same, faster for large n (radix sort: a few linear passes; measured
 * about 10x qsort on a million timings); work: n int64_t.
 */
extern void tb_stats_sort_int64_work(int64_t *x, size_t n, int64_t *work);

/*
 * Welford's one-pass mean and variance (Welford 1962; Knuth TAOCP vol. 2,
 * 4.2.2).  Usable while samples are collected, before they are sorted.
 */
typedef struct tb_stats_welford
{
	int64_t		n;
	double		mean;
	double		m2;				/* sum of squared deviations from the mean */
} tb_stats_welford;

extern void tb_stats_welford_init(tb_stats_welford *w);
extern void tb_stats_welford_add(tb_stats_welford *w, double x);
/* sample (n - 1) standard deviation; NaN when n < 2 */
extern double tb_stats_welford_stddev(const tb_stats_welford *w);

/*
 * Summary of one run.  All quantiles are of the sorted sample; see the
 * definitions above.
 */
typedef struct tb_stats_summary
{
	int64_t		n;
	int64_t		min;
	int64_t		max;
	double		mean;
	double		stddev;			/* sample (n - 1) standard deviation, NaN if n < 2 */
	int64_t		p50;			/* percentile_disc: lower median for even n */
	int64_t		p90;
	int64_t		p95;
	int64_t		p99;
	int64_t		mad;			/* percentile_disc(0.5) of |x - p50|, unscaled */
	double		q1;				/* percentile_cont(0.25) */
	double		q3;				/* percentile_cont(0.75) */
	double		iqr;			/* q3 - q1 */
	double		low_severe_fence;	/* q1 - 3 iqr */
	double		low_mild_fence; /* q1 - 1.5 iqr */
	double		high_mild_fence;	/* q3 + 1.5 iqr */
	double		high_severe_fence;	/* q3 + 3 iqr */
	int64_t		low_severe;		/* x < low_severe_fence */
	int64_t		low_mild;		/* low_severe_fence <= x < low_mild_fence */
	int64_t		high_mild;		/* high_mild_fence < x <= high_severe_fence */
	int64_t		high_severe;	/* x > high_severe_fence */
} tb_stats_summary;

/*
 * Fill *out from a sorted sample.  No work buffer.  O(n).  n = 0 gives
 * TB_STATS_EMPTY (n and counts 0, every other field NaN or 0).
 */
extern int	tb_stats_summarize(const int64_t *sorted, size_t n, tb_stats_summary *out);

/* median absolute deviation as defined above, O(n), no work buffer */
extern int64_t tb_stats_mad(const int64_t *sorted, size_t n);

/*
 * A confidence interval: the point estimate on the original sample(s) and
 * the bootstrap percentile bounds.  NaN on error.
 */
typedef struct tb_stats_ci
{
	double		estimate;
	double		low;
	double		high;
} tb_stats_ci;

/*
 * Bootstrap percentile CI of percentile_disc(p) of a sorted sample (p = 0.5:
 * the lower median, i.e. the stored p50).
 *
 * p in [0, 1]; level in (0, 1), e.g. 0.95; nresamples >= 1 (else
 * TB_STATS_EINVAL); the same seed always gives the same interval.  work:
 * caller-provided, nresamples int64_t.  Measured: n = 10,000 with 10,000
 * resamples takes about 2 ms (test/unit/test_stats.c, stats_speed).
 *
 * Each resample costs O(1): the k-th smallest of n values drawn with
 * replacement from a sorted array is the value at index floor(n U), U the
 * k-th order statistic of n uniforms, U ~ Beta(k, n + 1 - k); this is the
 * exact bootstrap distribution, not an approximation.  Then O(B log B) to
 * sort the B resampled statistics.
 */
extern int	tb_stats_bootstrap_quantile_ci(const int64_t *sorted, size_t n, double p,
										   double level, int nresamples, uint64_t seed,
										   int64_t *work, tb_stats_ci *out);
extern int	tb_stats_bootstrap_median_ci(const int64_t *sorted, size_t n,
										 double level, int nresamples, uint64_t seed,
										 int64_t *work, tb_stats_ci *out);

/*
 * Bootstrap percentile CI of the ratio percentile_disc(p) of b over
 * percentile_disc(p) of a, a and b independent sorted samples (a: baseline,
 * b: candidate; ratio > 1 means b is slower).  Each resample draws a and b
 * independently.  Ratio x/0 is +inf for x > 0, -inf for x < 0 and 1 for 0/0
 * (timings are expected to be >= 0).  work: nresamples doubles.
 */
extern int	tb_stats_bootstrap_ratio_ci(const int64_t *a, size_t na,
										const int64_t *b, size_t nb, double p,
										double level, int nresamples, uint64_t seed,
										double *work, tb_stats_ci *out);
extern int	tb_stats_bootstrap_median_ratio_ci(const int64_t *a, size_t na,
											   const int64_t *b, size_t nb,
											   double level, int nresamples,
											   uint64_t seed, double *work,
											   tb_stats_ci *out);

/*
 * Building blocks of the bootstrap, exposed for tests and other resamplers.
 * tb_stats_gamma: Gamma(shape, 1) variate, shape >= 1 (Marsaglia & Tsang
 * 2000).  tb_stats_beta: Beta(a, b) variate, a, b >= 1.
 * tb_stats_bootstrap_order_index: 0-based index into a sorted array of n
 * values of the k-th smallest (1 <= k <= n) of one resample of size n.
 */
extern double tb_stats_gamma(tb_prng *r, double shape);
extern double tb_stats_beta(tb_prng *r, double a, double b);
extern size_t tb_stats_bootstrap_order_index(tb_prng *r, size_t n, size_t k);

/*
 * Mann-Whitney U test (Wilcoxon rank-sum), two-sided.
 *
 * method: TB_STATS_MW_AUTO uses the exact null distribution when both
 * samples have at most TB_STATS_MW_EXACT_MAX values and there are no ties in
 * the pooled sample, else the normal approximation with tie correction and
 * continuity correction.  TB_STATS_MW_EXACT asks for the exact distribution
 * (falls back to the normal one when ties or sizes forbid it; see ->exact).
 * TB_STATS_MW_NORMAL forces the normal approximation.  Or in
 * TB_STATS_MW_NO_CONTINUITY to drop the continuity correction.
 *
 * a and b are sorted ascending.  No work buffer (the exact distribution uses
 * a fixed 7.5 kB on the stack).  O(na + nb) plus O(na nb min(na, nb)) for the
 * exact distribution.
 */
#define TB_STATS_MW_EXACT_MAX		30
#define TB_STATS_MW_AUTO			0
#define TB_STATS_MW_EXACT			1
#define TB_STATS_MW_NORMAL			2
#define TB_STATS_MW_NO_CONTINUITY	4

typedef struct tb_stats_mw
{
	double		u_a;			/* #(a > b) + #(a = b)/2 over all pairs */
	double		u_b;			/* na nb - u_a */
	double		z;				/* (u_a - na nb/2) / sigma, continuity- and
								 * tie-corrected; 0 when sigma = 0 */
	double		p_value;		/* two-sided; 1 when every value is equal
								 * (sigma = 0) */
	double		prob_a_greater; /* u_a / (na nb) = P(A > B) + P(A = B)/2 */
	double		rank_biserial;	/* 2 prob_a_greater - 1, in [-1, 1] */
	int			exact;			/* 1: exact distribution, 0: normal approx. */
	int			ties;			/* 1: the pooled sample has tied values */
} tb_stats_mw;

extern int	tb_stats_mann_whitney(const int64_t *a, size_t na,
								  const int64_t *b, size_t nb, int method,
								  tb_stats_mw *out);

/*
 * Exact null distribution of U without ties: P(U <= u) for sample sizes m
 * and n, 1 <= m, n <= TB_STATS_MW_EXACT_MAX (else NaN).  u is floored.
 */
extern double tb_stats_mann_whitney_cdf(size_t m, size_t n, double u);

/*
 * Student's t distribution with df > 0 degrees of freedom (df need not be
 * an integer: Welch's df is not): P(T <= t), and the quantile t_p, 0 < p < 1
 * (NaN outside those ranges).  Through the regularized incomplete beta
 * function, I(df / (df + t^2); df/2, 1/2) = P(|T| > t).
 */
extern double tb_stats_t_cdf(double t, double df);
extern double tb_stats_t_quantile(double p, double df);

#endif							/* TB_STATS_H */
