/*-------------------------------------------------------------------------
 *
 * stats.c
 *	  Statistics of timing samples: quantiles, run summary, bootstrap
 *	  confidence intervals, Mann-Whitney U test.
 *
 * Owns all the arithmetic behind tas_bench's run summaries (runs.p50_ns,
 * mad_ns, outlier counts, ...) and comparisons (ratio CI, p-value).  Pure
 * C99 with <math.h>, <stdint.h>, <stdlib.h>, <string.h> only: no PostgreSQL
 * headers and no memory allocation, so the same file is compiled into the
 * backend module and into the server-free unit tests (test/unit/
 * test_stats.c).  Work space is passed in by the caller; stats.h gives the
 * size each routine needs.  Randomness comes only from src/prng.c, seeded
 * explicitly, so a bootstrap interval is reproducible from its seed.
 *
 * Definitions (also in stats.h):
 * - percentile_disc(p) = x_(max(1, ceil(p n))), 1-based, as PostgreSQL's
 *   percentile_disc (src/backend/utils/adt/orderedsetaggs.c); the median is
 *   percentile_disc(0.5), the lower median for even n, so the stored p50,
 *   the MAD's centre and the bootstrapped statistic are the same number.
 * - percentile_cont(p): linear interpolation at h = p (n - 1), as PostgreSQL's
 *   percentile_cont and Hyndman & Fan (1996) definition 7 (R's default).
 * - MAD = percentile_disc(0.5) of |x_i - p50|, unscaled.
 * - Tukey (1977) fences on percentile_cont quartiles: mild 1.5 IQR, severe
 *   3 IQR, disjoint classes, strict inequalities.
 * - Bootstrap: Efron & Tibshirani (1993), ch. 13, percentile interval.
 *   Resampling an order statistic in O(1): if V_1..V_n are iid U(0,1), the
 *   resampled indices floor(n V_i) are iid uniform on {0..n-1}, and since
 *   floor is monotone the k-th smallest index is floor(n V_(k)) with
 *   V_(k) ~ Beta(k, n + 1 - k) (David & Nagaraja, Order Statistics, 2.2).
 *   On a sorted sample the k-th smallest resampled value is the value at the
 *   k-th smallest resampled index, so one Beta variate per resample draws
 *   exactly from the bootstrap distribution of the order statistic.
 *   Beta(a, b) = G_a / (G_a + G_b) with Marsaglia & Tsang (2000) gamma
 *   variates ("A simple method for generating gamma variables", ACM TOMS
 *   26(3)).
 * - Mann & Whitney (1947) U with midranks.  Exact null distribution: the
 *   number of arrangements of m a's and n b's with U = u is the coefficient
 *   of q^u in the Gaussian binomial [m+n choose m]_q (Andrews, The Theory of
 *   Partitions, 3.4), built by the product prod_{i=1..m} (1 - q^(n+i)) /
 *   (1 - q^i) in exact 64-bit integers.  Normal approximation: mean m n/2,
 *   variance m n/12 ((N+1) - sum(t^3 - t)/(N(N-1))) (Lehmann, Nonparametrics,
 *   1975, p. 20), continuity correction 0.5 towards the mean, never past it
 *   (so |U - mean| <= 0.5 gives p = 1, as R's wilcox.test and SciPy).
 *
 * IDENTIFICATION
 *	  src/core/stats.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/prng.h"
#include "core/stats.h"

/* ----------------------------------------------------------------
 *		Quantiles
 * ----------------------------------------------------------------
 */

size_t
tb_stats_quantile_index(size_t n, double p)
{
	double		rank;

	if (n == 0 || !(p > 0.0))	/* also NaN */
		return 0;
	if (p >= 1.0)
		return n - 1;
	/* same arithmetic as percentile_disc: rownum = ceil(p * rowcount) */
	rank = ceil(p * (double) n);
	if (rank < 1.0)
		rank = 1.0;
	if (rank > (double) n)
		rank = (double) n;
	return (size_t) rank - 1;
}

int64_t
tb_stats_quantile(const int64_t *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	return sorted[tb_stats_quantile_index(n, p)];
}

double
tb_stats_quantile_cont(const int64_t *sorted, size_t n, double p)
{
	double		h;
	double		lo;
	double		hi;
	size_t		first;
	size_t		second;

	if (n == 0)
		return NAN;
	if (!(p > 0.0))
		return (double) sorted[0];
	if (p >= 1.0)
		return (double) sorted[n - 1];
	/* same arithmetic as percentile_cont */
	h = p * (double) (n - 1);
	first = (size_t) floor(h);
	second = (size_t) ceil(h);
	if (second >= n)
		second = n - 1;
	lo = (double) sorted[first];
	hi = (double) sorted[second];
	if (first == second)
		return lo;
	return lo + (h - (double) first) * (hi - lo);
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a;
	int64_t		y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

void
tb_stats_sort_int64(int64_t *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(int64_t), cmp_int64);
}

/*
 * LSD radix sort, one byte per pass, on the keys with the sign bit flipped
 * (so that unsigned order is signed order); a pass whose byte is the same
 * in every element (the high bytes of nanosecond timings) is skipped, so a
 * million samples below 2^24 ns take one counting pass and three scatter
 * passes instead of n log n comparisons through a function pointer.
 */
void
tb_stats_sort_int64_work(int64_t *x, size_t n, int64_t *work)
{
	const uint64_t flip = UINT64_C(1) << 63;
	size_t		count[8][256];
	int64_t    *src = x;
	int64_t    *dst = work;
	size_t		i;
	int			b;

	if (n < 256)
	{
		tb_stats_sort_int64(x, n);
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
	{
		uint64_t	k = (uint64_t) x[i] ^ flip;

		for (b = 0; b < 8; b++)
			count[b][(k >> (8 * b)) & 0xff]++;
	}
	for (b = 0; b < 8; b++)
	{
		size_t	   *c = count[b];
		size_t		sum = 0;
		int			d;
		int64_t    *t;

		/* the multiset is the same in any order: x[0]'s byte decides */
		if (c[(((uint64_t) x[0] ^ flip) >> (8 * b)) & 0xff] == n)
			continue;
		for (d = 0; d < 256; d++)
		{
			size_t		here = c[d];

			c[d] = sum;
			sum += here;
		}
		for (i = 0; i < n; i++)
			dst[c[(((uint64_t) src[i] ^ flip) >> (8 * b)) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != x)
		memcpy(x, src, n * sizeof(int64_t));
}

/* ----------------------------------------------------------------
 *		Mean and standard deviation (Welford)
 * ----------------------------------------------------------------
 */

void
tb_stats_welford_init(tb_stats_welford *w)
{
	w->n = 0;
	w->mean = 0.0;
	w->m2 = 0.0;
}

void
tb_stats_welford_add(tb_stats_welford *w, double x)
{
	double		delta;

	w->n++;
	delta = x - w->mean;
	w->mean += delta / (double) w->n;
	w->m2 += delta * (x - w->mean);
}

double
tb_stats_welford_stddev(const tb_stats_welford *w)
{
	if (w->n < 2)
		return NAN;
	return sqrt(w->m2 / (double) (w->n - 1));
}

/* ----------------------------------------------------------------
 *		MAD and summary
 * ----------------------------------------------------------------
 */

/* |x - m| without signed overflow, saturated to INT64_MAX */
static uint64_t
absdiff(int64_t x, int64_t m)
{
	return x >= m ? (uint64_t) x - (uint64_t) m : (uint64_t) m - (uint64_t) x;
}

int64_t
tb_stats_mad(const int64_t *sorted, size_t n)
{
	size_t		mi;
	size_t		k;
	size_t		left;			/* values not yet taken at indices < left */
	size_t		right;			/* next index to take on the right */
	size_t		step;
	int64_t		m;
	uint64_t	dev = 0;

	if (n == 0)
		return 0;
	mi = tb_stats_quantile_index(n, 0.5);
	m = sorted[mi];
	k = mi + 1;					/* 1-based rank of percentile_disc(0.5) */

	/*
	 * The deviations m - x[i] for i = mi, mi-1, ..., 0 and x[i] - m for i =
	 * mi+1, ..., n-1 are two ascending runs; merge them until the k-th
	 * smallest.  O(n), no buffer.
	 */
	left = mi + 1;
	right = mi + 1;
	for (step = 0; step < k; step++)
	{
		if (left > 0 && (right >= n ||
						 absdiff(sorted[left - 1], m) <= absdiff(sorted[right], m)))
		{
			dev = absdiff(sorted[left - 1], m);
			left--;
		}
		else
		{
			dev = absdiff(sorted[right], m);
			right++;
		}
	}
	return dev > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) dev;
}

int
tb_stats_summarize(const int64_t *sorted, size_t n, tb_stats_summary *out)
{
	tb_stats_welford w;
	size_t		i;

	memset(out, 0, sizeof(*out));
	out->n = (int64_t) n;
	if (n == 0)
	{
		out->mean = out->stddev = NAN;
		out->q1 = out->q3 = out->iqr = NAN;
		out->low_severe_fence = out->low_mild_fence = NAN;
		out->high_mild_fence = out->high_severe_fence = NAN;
		return TB_STATS_EMPTY;
	}

	tb_stats_welford_init(&w);
	for (i = 0; i < n; i++)
		tb_stats_welford_add(&w, (double) sorted[i]);
	out->mean = w.mean;
	out->stddev = tb_stats_welford_stddev(&w);

	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->p50 = tb_stats_quantile(sorted, n, 0.50);
	out->p90 = tb_stats_quantile(sorted, n, 0.90);
	out->p95 = tb_stats_quantile(sorted, n, 0.95);
	out->p99 = tb_stats_quantile(sorted, n, 0.99);
	out->mad = tb_stats_mad(sorted, n);

	out->q1 = tb_stats_quantile_cont(sorted, n, 0.25);
	out->q3 = tb_stats_quantile_cont(sorted, n, 0.75);
	out->iqr = out->q3 - out->q1;
	out->low_severe_fence = out->q1 - 3.0 * out->iqr;
	out->low_mild_fence = out->q1 - 1.5 * out->iqr;
	out->high_mild_fence = out->q3 + 1.5 * out->iqr;
	out->high_severe_fence = out->q3 + 3.0 * out->iqr;

	/* sorted: the low outliers are a prefix, the high ones a suffix */
	for (i = 0; i < n; i++)
	{
		double		x = (double) sorted[i];

		if (x < out->low_severe_fence)
			out->low_severe++;
		else if (x < out->low_mild_fence)
			out->low_mild++;
		else
			break;
	}
	for (i = n; i > 0; i--)
	{
		double		x = (double) sorted[i - 1];

		if (x > out->high_severe_fence)
			out->high_severe++;
		else if (x > out->high_mild_fence)
			out->high_mild++;
		else
			break;
	}
	return TB_STATS_OK;
}

/* ----------------------------------------------------------------
 *		Random variates for the bootstrap
 * ----------------------------------------------------------------
 */

double
tb_stats_gamma(tb_prng *r, double shape)
{
	double		d;
	double		c;

	if (!(shape > 0.0))
		return NAN;
	if (shape < 1.0)
	{
		/* boost: G(a) = G(a + 1) U^(1/a) (Marsaglia & Tsang, section 6) */
		double		u;

		do
			u = tb_prng_double(r);
		while (u <= 0.0);
		return tb_stats_gamma(r, shape + 1.0) * pow(u, 1.0 / shape);
	}

	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		x;
		double		v;
		double		u;

		do
		{
			x = tb_prng_normal(r);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = tb_prng_double(r);
		/* squeeze, then the exact test */
		if (u < 1.0 - 0.0331 * (x * x) * (x * x))
			return d * v;
		if (u > 0.0 && log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double
tb_stats_beta(tb_prng *r, double a, double b)
{
	double		x = tb_stats_gamma(r, a);
	double		y = tb_stats_gamma(r, b);

	return x / (x + y);
}

size_t
tb_stats_bootstrap_order_index(tb_prng *r, size_t n, size_t k)
{
	double		u;
	size_t		idx;

	if (n <= 1)
		return 0;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	u = tb_stats_beta(r, (double) k, (double) (n + 1 - k));
	idx = (size_t) floor(u * (double) n);
	/* u < 1 always, but rounding of u * n must not leave the array */
	return idx >= n ? n - 1 : idx;
}

/* ----------------------------------------------------------------
 *		Bootstrap confidence intervals
 * ----------------------------------------------------------------
 */

static int
ci_args_ok(double level, int nresamples)
{
	return level > 0.0 && level < 1.0 && nresamples >= 1;
}

static void
ci_nan(tb_stats_ci *out)
{
	out->estimate = out->low = out->high = NAN;
}

int
tb_stats_bootstrap_quantile_ci(const int64_t *sorted, size_t n, double p,
							   double level, int nresamples, uint64_t seed,
							   int64_t *work, tb_stats_ci *out)
{
	tb_prng		r;
	size_t		k;
	size_t		b;
	size_t		nb;
	double		alpha;

	ci_nan(out);
	if (!ci_args_ok(level, nresamples) || !(p >= 0.0 && p <= 1.0))
		return TB_STATS_EINVAL;
	if (n == 0)
		return TB_STATS_EMPTY;

	out->estimate = (double) tb_stats_quantile(sorted, n, p);
	k = tb_stats_quantile_index(n, p) + 1;
	nb = (size_t) nresamples;
	tb_prng_seed(&r, seed);
	/* store indices: on a sorted sample their order is the values' order */
	for (b = 0; b < nb; b++)
		work[b] = (int64_t) tb_stats_bootstrap_order_index(&r, n, k);
	qsort(work, nb, sizeof(int64_t), cmp_int64);

	alpha = 1.0 - level;
	out->low = (double) sorted[work[tb_stats_quantile_index(nb, alpha / 2.0)]];
	out->high = (double) sorted[work[tb_stats_quantile_index(nb, 1.0 - alpha / 2.0)]];
	return TB_STATS_OK;
}

int
tb_stats_bootstrap_median_ci(const int64_t *sorted, size_t n,
							 double level, int nresamples, uint64_t seed,
							 int64_t *work, tb_stats_ci *out)
{
	return tb_stats_bootstrap_quantile_ci(sorted, n, 0.5, level, nresamples,
										  seed, work, out);
}

static double
safe_ratio(double num, double den)
{
	if (den == 0.0)
	{
		if (num == 0.0)
			return 1.0;
		return num > 0.0 ? HUGE_VAL : -HUGE_VAL;
	}
	return num / den;
}

int
tb_stats_bootstrap_ratio_ci(const int64_t *a, size_t na,
							const int64_t *b, size_t nb, double p,
							double level, int nresamples, uint64_t seed,
							double *work, tb_stats_ci *out)
{
	tb_prng		r;
	size_t		ka;
	size_t		kb;
	size_t		i;
	size_t		nr;
	double		alpha;

	ci_nan(out);
	if (!ci_args_ok(level, nresamples) || !(p >= 0.0 && p <= 1.0))
		return TB_STATS_EINVAL;
	if (na == 0 || nb == 0)
		return TB_STATS_EMPTY;

	out->estimate = safe_ratio((double) tb_stats_quantile(b, nb, p),
							   (double) tb_stats_quantile(a, na, p));
	ka = tb_stats_quantile_index(na, p) + 1;
	kb = tb_stats_quantile_index(nb, p) + 1;
	nr = (size_t) nresamples;
	tb_prng_seed(&r, seed);
	for (i = 0; i < nr; i++)
	{
		double		qa = (double) a[tb_stats_bootstrap_order_index(&r, na, ka)];
		double		qb = (double) b[tb_stats_bootstrap_order_index(&r, nb, kb)];

		work[i] = safe_ratio(qb, qa);
	}
	qsort(work, nr, sizeof(double), cmp_double);

	alpha = 1.0 - level;
	out->low = work[tb_stats_quantile_index(nr, alpha / 2.0)];
	out->high = work[tb_stats_quantile_index(nr, 1.0 - alpha / 2.0)];
	return TB_STATS_OK;
}

int
tb_stats_bootstrap_median_ratio_ci(const int64_t *a, size_t na,
								   const int64_t *b, size_t nb,
								   double level, int nresamples,
								   uint64_t seed, double *work,
								   tb_stats_ci *out)
{
	return tb_stats_bootstrap_ratio_ci(a, na, b, nb, 0.5, level, nresamples,
									   seed, work, out);
}

/* ----------------------------------------------------------------
 *		Mann-Whitney U
 * ----------------------------------------------------------------
 */

#define MW_COEFS (TB_STATS_MW_EXACT_MAX * TB_STATS_MW_EXACT_MAX + \
				  TB_STATS_MW_EXACT_MAX + 1)

/*
 * P(U <= u) under H0 for sample sizes m and n (no ties), exactly: the
 * coefficients of [m+n choose m]_q counted in int64.  The largest count,
 * C(60, 30) ~ 1.2e17, fits; intermediate coefficients are bounded by twice
 * the previous step's.
 */
static double
mw_exact_cdf(size_t m, size_t n, long u)
{
	int64_t		c[MW_COEFS];
	size_t		small = m < n ? m : n;
	size_t		large = m < n ? n : m;
	size_t		deg = 0;
	size_t		i;
	long		j;
	int64_t		below = 0;
	int64_t		total = 0;

	if (u < 0)
		return 0.0;
	memset(c, 0, sizeof(c));
	c[0] = 1;
	for (i = 1; i <= small; i++)
	{
		size_t		a = large + i;
		size_t		top = deg + a;
		size_t		v;

		/* multiply by (1 - q^a), descending so c[v - a] is still old */
		for (v = top; v >= a; v--)
			c[v] -= c[v - a];
		/* divide by (1 - q^i), ascending so c[v - i] is already new */
		for (v = i; v <= top; v++)
			c[v] += c[v - i];
		deg = i * large;
	}
	for (j = 0; j <= (long) deg; j++)
	{
		total += c[j];
		if (j <= u)
			below += c[j];
	}
	return (double) below / (double) total;
}

double
tb_stats_mann_whitney_cdf(size_t m, size_t n, double u)
{
	if (m < 1 || n < 1 || m > TB_STATS_MW_EXACT_MAX ||
		n > TB_STATS_MW_EXACT_MAX || isnan(u))
		return NAN;
	if (u < 0.0)
		return 0.0;
	if (u >= (double) m * (double) n)
		return 1.0;
	return mw_exact_cdf(m, n, (long) floor(u));
}

int
tb_stats_mann_whitney(const int64_t *a, size_t na,
					  const int64_t *b, size_t nb, int method,
					  tb_stats_mw *out)
{
	size_t		i = 0;
	size_t		j = 0;
	double		u2 = 0.0;		/* twice U of a: exact in double */
	double		tie_sum = 0.0;
	double		n1 = (double) na;
	double		n2 = (double) nb;
	double		nn = n1 + n2;
	double		mu;
	double		var;
	double		d;
	double		dd;
	int			base = method & ~TB_STATS_MW_NO_CONTINUITY;
	int			continuity = (method & TB_STATS_MW_NO_CONTINUITY) == 0;

	out->u_a = out->u_b = out->z = out->p_value = NAN;
	out->prob_a_greater = out->rank_biserial = NAN;
	out->exact = 0;
	out->ties = 0;
	if (base != TB_STATS_MW_AUTO && base != TB_STATS_MW_EXACT &&
		base != TB_STATS_MW_NORMAL)
		return TB_STATS_EINVAL;
	if (na == 0 || nb == 0)
		return TB_STATS_EMPTY;

	/*
	 * Merge the sorted samples one group of equal values at a time.  A group
	 * with ca values of a and cb of b, after jb values of b below it, adds
	 * ca jb + ca cb / 2 to U; its size t adds t^3 - t to the tie term.
	 */
	while (i < na || j < nb)
	{
		int64_t		v;
		size_t		ca = 0;
		size_t		cb = 0;
		size_t		jb = j;
		double		t;

		if (j >= nb || (i < na && a[i] <= b[j]))
			v = a[i];
		else
			v = b[j];
		while (i < na && a[i] == v)
		{
			i++;
			ca++;
		}
		while (j < nb && b[j] == v)
		{
			j++;
			cb++;
		}
		u2 += 2.0 * (double) ca * (double) jb + (double) ca * (double) cb;
		t = (double) (ca + cb);
		if (ca + cb > 1)
		{
			tie_sum += t * t * t - t;
			out->ties = 1;
		}
	}

	out->u_a = u2 / 2.0;
	out->u_b = n1 * n2 - out->u_a;
	out->prob_a_greater = out->u_a / (n1 * n2);
	out->rank_biserial = 2.0 * out->prob_a_greater - 1.0;

	/* normal approximation, always computed (z is reported either way) */
	mu = n1 * n2 / 2.0;
	var = n1 * n2 / 12.0 * ((nn + 1.0) - tie_sum / (nn * (nn - 1.0)));
	d = out->u_a - mu;
	dd = fabs(d);
	if (continuity)
		dd = dd > 0.5 ? dd - 0.5 : 0.0;
	if (var > 0.0)
	{
		double		s = sqrt(var);

		out->z = (d < 0 ? -dd : dd) / s;
		out->p_value = erfc(dd / s / sqrt(2.0));
	}
	else
	{
		/* every value equal: no evidence of a difference */
		out->z = 0.0;
		out->p_value = 1.0;
	}

	if (base != TB_STATS_MW_NORMAL && !out->ties &&
		na <= TB_STATS_MW_EXACT_MAX && nb <= TB_STATS_MW_EXACT_MAX)
	{
		double		umin = out->u_a < out->u_b ? out->u_a : out->u_b;

		out->exact = 1;
		out->p_value = 2.0 * mw_exact_cdf(na, nb, (long) umin);
	}
	if (out->p_value > 1.0)
		out->p_value = 1.0;
	return TB_STATS_OK;
}

/*
 * Continued fraction of the incomplete beta function (modified Lentz; as in
 * Numerical Recipes' betacf), for x < (a + 1) / (a + b + 2).
 */
static double
beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		c = 1.0;
	double		d = 1.0 - (a + b) * x / (a + 1.0);
	double		h;
	int			m;

	d = 1.0 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (m = 1; m <= 300; m++)
	{
		double		m2 = 2.0 * m;
		double		num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		double		del;
		int			step;

		/* the even step, then the odd one */
		for (step = 0; step < 2; step++)
		{
			d = 1.0 + num * d;
			d = 1.0 / (fabs(d) < tiny ? tiny : d);
			c = 1.0 + num / c;
			if (fabs(c) < tiny)
				c = tiny;
			del = d * c;
			h *= del;
			num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		}
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

/* regularized incomplete beta I_x(a, b), 0 <= x <= 1 */
static double
beta_inc(double a, double b, double x)
{
	double		front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double
tb_stats_t_cdf(double t, double df)
{
	double		tail;

	if (!(df > 0.0) || isnan(t))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1.0 : 0.0;
	tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
	return t > 0 ? 1.0 - tail : tail;
}

double
tb_stats_t_quantile(double p, double df)
{
	double		lo = -1.0,
				hi = 1.0;
	int			i;

	if (!(df > 0.0) || !(p > 0.0 && p < 1.0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	/* bracket, then bisect: the cdf is monotone */
	while (tb_stats_t_cdf(lo, df) > p)
		lo *= 2.0;
	while (tb_stats_t_cdf(hi, df) < p)
		hi *= 2.0;
	for (i = 0; i < 200 && hi - lo > 1e-12 * (1.0 + fabs(lo)); i++)
	{
		double		mid = 0.5 * (lo + hi);

		if (tb_stats_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}
