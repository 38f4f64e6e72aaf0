/*-------------------------------------------------------------------------
 *
 * drift.c
 *	  Drift inside a run and the hierarchical bootstrap over repeats (see
 *	  drift.h).  Pure C: also linked into the unit tests.
 *
 * IDENTIFICATION
 *	  src/core/drift.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/drift.h"
#include "core/prng.h"

static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return a < b ? -1 : a > b;
}

static int
cmp_dbl(const void *x, const void *y)
{
	double		a = *(const double *) x;
	double		b = *(const double *) y;

	return a < b ? -1 : a > b;
}

static double
ratio(double num, double den)
{
	if (den == 0.0)
		return num == 0.0 ? 1.0 : (num > 0.0 ? HUGE_VAL : -HUGE_VAL);
	return num / den;
}

/* the interval's bounds from nr sorted resampled statistics */
static void
percentile_bounds(double *work, size_t nr, double level, tb_stats_ci *out)
{
	double		alpha = 1.0 - level;

	qsort(work, nr, sizeof(double), cmp_dbl);
	out->low = work[tb_stats_quantile_index(nr, alpha / 2.0)];
	out->high = work[tb_stats_quantile_index(nr, 1.0 - alpha / 2.0)];
}

int
tb_drift_ci(const int64_t *in_order, size_t n, double level, int nresamples,
			uint64_t seed, int64_t *scratch, double *work, tb_stats_ci *out)
{
	size_t		third = n / 3;
	int64_t    *first = scratch;
	int64_t    *last = scratch + third;

	out->estimate = out->low = out->high = NAN;
	if (!(level > 0.0 && level < 1.0) || nresamples < 1)
		return TB_STATS_EINVAL;
	if (n < TB_DRIFT_MIN_N)
		return TB_STATS_EMPTY;
	memcpy(first, in_order, sizeof(int64_t) * third);
	memcpy(last, in_order + (n - third), sizeof(int64_t) * third);
	qsort(first, third, sizeof(int64_t), cmp_i64);
	qsort(last, third, sizeof(int64_t), cmp_i64);
	/* ratio > 1: the last third is slower than the first */
	return tb_stats_bootstrap_median_ratio_ci(first, third, last, third, level,
											  nresamples, seed, work, out);
}

int
tb_drift_unstable(const tb_stats_ci *drift, double noise)
{
	return drift->low > 1.0 + noise || drift->high < 1.0 - noise;
}

/* mean of the medians of k repeats, each drawn from r (or as they are: r NULL) */
static double
mean_of_medians(const tb_repeat *reps, int k, tb_prng *r)
{
	double		sum = 0.0;
	int			i;

	for (i = 0; i < k; i++)
	{
		const tb_repeat *rep = r ? &reps[tb_prng_range(r, 0, (uint64_t) (k - 1))] : &reps[i];
		size_t		rank = tb_stats_quantile_index(rep->n, 0.5) + 1;
		size_t		idx = r ? tb_stats_bootstrap_order_index(r, rep->n, rank) : rank - 1;

		sum += (double) rep->ns[idx];
	}
	return sum / k;
}

int
tb_hier_median_ratio_ci(const tb_repeat *a, int ka, const tb_repeat *b, int kb,
						double level, int nresamples, uint64_t seed,
						double *work, tb_stats_ci *out)
{
	tb_prng		r;
	int			i;

	out->estimate = out->low = out->high = NAN;
	if (!(level > 0.0 && level < 1.0) || nresamples < 1)
		return TB_STATS_EINVAL;
	if (ka < 1 || kb < 1)
		return TB_STATS_EMPTY;
	for (i = 0; i < ka; i++)
		if (a[i].n == 0)
			return TB_STATS_EMPTY;
	for (i = 0; i < kb; i++)
		if (b[i].n == 0)
			return TB_STATS_EMPTY;

	out->estimate = ratio(mean_of_medians(b, kb, NULL), mean_of_medians(a, ka, NULL));
	tb_prng_seed(&r, seed);
	for (i = 0; i < nresamples; i++)
	{
		double		ma = mean_of_medians(a, ka, &r);
		double		mb = mean_of_medians(b, kb, &r);

		work[i] = ratio(mb, ma);
	}
	percentile_bounds(work, (size_t) nresamples, level, out);

	/* a few repeats: the bootstrap's interval is too narrow, widen it */
	if (ka >= 2 && kb >= 2)
	{
		tb_stats_ci w;

		if (tb_repeats_welch_ci(a, ka, b, kb, level, &w) == TB_STATS_OK)
		{
			if (w.low < out->low)
				out->low = w.low;
			if (w.high > out->high)
				out->high = w.high;
		}
	}
	return TB_STATS_OK;
}

/* the log of each repeat's median: mean and sample variance */
static void
log_median_moments(const tb_repeat *reps, int k, double *mean, double *var)
{
	tb_stats_welford w;
	int			i;

	tb_stats_welford_init(&w);
	for (i = 0; i < k; i++)
		tb_stats_welford_add(&w, log((double) reps[i].ns[tb_stats_quantile_index(reps[i].n, 0.5)]));
	*mean = w.mean;
	*var = k > 1 ? w.m2 / (k - 1) : 0.0;
}

int
tb_repeats_welch_ci(const tb_repeat *a, int ka, const tb_repeat *b, int kb,
					double level, tb_stats_ci *out)
{
	double		ma,
				va,
				mb,
				vb,
				sa,
				sb,
				se,
				df,
				t;
	int			i;

	out->estimate = out->low = out->high = NAN;
	if (!(level > 0.0 && level < 1.0))
		return TB_STATS_EINVAL;
	if (ka < 2 || kb < 2)
		return TB_STATS_EMPTY;
	for (i = 0; i < ka; i++)
		if (a[i].n == 0 || a[i].ns[tb_stats_quantile_index(a[i].n, 0.5)] <= 0)
			return TB_STATS_EMPTY;
	for (i = 0; i < kb; i++)
		if (b[i].n == 0 || b[i].ns[tb_stats_quantile_index(b[i].n, 0.5)] <= 0)
			return TB_STATS_EMPTY;
	log_median_moments(a, ka, &ma, &va);
	log_median_moments(b, kb, &mb, &vb);
	sa = va / ka;
	sb = vb / kb;
	se = sqrt(sa + sb);
	out->estimate = exp(mb - ma);
	if (se == 0.0)
	{
		out->low = out->high = out->estimate;
		return TB_STATS_OK;
	}
	/* Welch-Satterthwaite; a side without spread adds no degrees of freedom */
	df = (sa + sb) * (sa + sb) /
		((sa > 0 ? sa * sa / (ka - 1) : 0.0) + (sb > 0 ? sb * sb / (kb - 1) : 0.0));
	t = tb_stats_t_quantile(0.5 + level / 2.0, df);
	out->low = exp(mb - ma - t * se);
	out->high = exp(mb - ma + t * se);
	return TB_STATS_OK;
}
