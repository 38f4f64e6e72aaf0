/*-------------------------------------------------------------------------
 *
 * test_drift.c
 *	  Unit tests of src/core/drift.c: drift inside a run (steady, step,
 *	  trend, too few calls) and the hierarchical bootstrap over repeats
 *	  (identical sides, a real shift, repeats that disagree).
 *
 * Expected numbers: [HAND] worked in the comment next to the check; the
 * rest are properties (an interval holds 1, or lies beyond 1 + noise), since
 * bootstrap bounds depend on the generator's stream.
 *
 * IDENTIFICATION
 *	  test/unit/core/test_drift.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit.h"
#include "core/drift.h"
#include "core/prng.h"

#define NRES 2000

/* n calls of about base ns, +/- 10% uniform noise, from seed */
static void
noisy(int64_t *x, size_t n, double base, uint64_t seed)
{
	tb_prng		r;
	size_t		i;

	tb_prng_seed(&r, seed);
	for (i = 0; i < n; i++)
		x[i] = (int64_t) (base * (0.9 + 0.2 * tb_prng_double(&r)));
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return a < b ? -1 : a > b;
}

TB_SUITE(drift_steady_and_step)
{
	int64_t		x[600];
	int64_t		scratch[600];
	double		work[NRES];
	tb_stats_ci ci;
	int			steady_flags = 0;
	int			step_flags = 0;
	uint64_t	s;

	/* 20 steady runs: at most one flagged (the interval is 95%) */
	for (s = 1; s <= 20; s++)
	{
		noisy(x, 600, 100000, s);
		CHECK_INT_EQ(tb_drift_ci(x, 600, 0.95, NRES, s, scratch, work, &ci), TB_STATS_OK);
		steady_flags += tb_drift_unstable(&ci, 0.05);
	}
	CHECK(steady_flags <= 1);

	/* a step of +30% after call 300: ratio about 1.3 [HAND], flagged every time */
	for (s = 1; s <= 20; s++)
	{
		noisy(x, 300, 100000, s);
		noisy(x + 300, 300, 130000, s + 100);
		CHECK_INT_EQ(tb_drift_ci(x, 600, 0.95, NRES, s, scratch, work, &ci), TB_STATS_OK);
		step_flags += tb_drift_unstable(&ci, 0.05);
	}
	CHECK_INT_EQ(step_flags, 20);
	CHECK_NEAR(ci.estimate, 1.3, 0.05);
	CHECK(ci.low <= ci.estimate && ci.estimate <= ci.high);

	/* getting faster is drift too */
	noisy(x, 300, 130000, 7);
	noisy(x + 300, 300, 100000, 8);
	tb_drift_ci(x, 600, 0.95, NRES, 7, scratch, work, &ci);
	CHECK(ci.high < 0.95);
	CHECK(tb_drift_unstable(&ci, 0.05));
	/* but not beyond a noise of 40% */
	CHECK(!tb_drift_unstable(&ci, 0.40));
}

TB_SUITE(drift_edges)
{
	int64_t		x[40];
	int64_t		scratch[40];
	double		work[NRES];
	tb_stats_ci ci;
	int			i;

	for (i = 0; i < 40; i++)
		x[i] = 1000;
	/* too few calls: nothing judged, NaN */
	CHECK_INT_EQ(tb_drift_ci(x, TB_DRIFT_MIN_N - 1, 0.95, NRES, 1, scratch, work, &ci), TB_STATS_EMPTY);
	CHECK(isnan(ci.estimate));
	/* constant calls: ratio exactly 1, interval [1, 1] */
	CHECK_INT_EQ(tb_drift_ci(x, 40, 0.95, NRES, 1, scratch, work, &ci), TB_STATS_OK);
	CHECK_NEAR(ci.estimate, 1.0, 0);
	CHECK_NEAR(ci.low, 1.0, 0);
	CHECK_NEAR(ci.high, 1.0, 0);
	CHECK(!tb_drift_unstable(&ci, 0.0));
	/* bad arguments */
	CHECK_INT_EQ(tb_drift_ci(x, 40, 1.0, NRES, 1, scratch, work, &ci), TB_STATS_EINVAL);
	CHECK_INT_EQ(tb_drift_ci(x, 40, 0.95, 0, 1, scratch, work, &ci), TB_STATS_EINVAL);
	/* the input is left in call order */
	x[0] = 5;
	tb_drift_ci(x, 40, 0.95, NRES, 1, scratch, work, &ci);
	CHECK_INT_EQ(x[0], 5);
}

TB_SUITE(hier_bootstrap)
{
	static int64_t xa[3][200];
	static int64_t xb[3][200];
	tb_repeat	a[3];
	tb_repeat	b[3];
	double		work[NRES];
	tb_stats_ci ci;
	tb_stats_ci pooled;
	int			i;

	/* repeats whose levels disagree by +/-10%: 90K, 100K, 110K on both sides */
	for (i = 0; i < 3; i++)
	{
		noisy(xa[i], 200, 90000 + 10000 * i, 10 + i);
		noisy(xb[i], 200, 90000 + 10000 * i, 20 + i);
		qsort(xa[i], 200, sizeof(int64_t), cmp_i64);
		qsort(xb[i], 200, sizeof(int64_t), cmp_i64);
		a[i].ns = xa[i];
		a[i].n = 200;
		b[i].ns = xb[i];
		b[i].n = 200;
	}
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 1, work, &ci), TB_STATS_OK);
	CHECK(ci.low <= 1.0 && ci.high >= 1.0);
	/* wider than what the calls alone say: the pooled bootstrap of one
	 * repeat against another of a different level calls a change */
	tb_stats_bootstrap_median_ratio_ci(xa[0], 200, xb[2], 200, 0.95, NRES, 1, work, &pooled);
	CHECK(pooled.low > 1.05);
	/* the interval spans the repeats' disagreement: beyond +/- 5% */
	CHECK(ci.low < 0.95 || ci.high > 1.05);

	/* the same with every candidate repeat 30% slower: caught */
	for (i = 0; i < 3; i++)
	{
		noisy(xb[i], 200, 1.3 * (90000 + 10000 * i), 30 + i);
		qsort(xb[i], 200, sizeof(int64_t), cmp_i64);
	}
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 1, work, &ci), TB_STATS_OK);
	CHECK_NEAR(ci.estimate, 1.3, 0.03);
	/* slower, but three repeats that spread +/-10% cannot say by how much
	 * (Welch, df about 4: the interval reaches down to about 1.04) */
	CHECK(ci.low > 1.0);
	CHECK(ci.high > 1.5);

	/* identical sides: ratio 1 [HAND] */
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, a, 3, 0.95, NRES, 1, work, &ci), TB_STATS_OK);
	CHECK_NEAR(ci.estimate, 1.0, 0);
	/* the same seed gives the same interval */
	{
		tb_stats_ci again;

		tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 9, work, &ci);
		tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 9, work, &again);
		CHECK_NEAR(ci.low, again.low, 0);
		CHECK_NEAR(ci.high, again.high, 0);
	}
	/* edges */
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 0, b, 3, 0.95, NRES, 1, work, &ci), TB_STATS_EMPTY);
	a[1].n = 0;
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 1, work, &ci), TB_STATS_EMPTY);
	a[1].n = 200;
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, b, 3, 0.0, NRES, 1, work, &ci), TB_STATS_EINVAL);
}

/*
 * Welch's interval over repeat medians [HAND]: side a's three medians are
 * all 1e9 (no spread), side b's 1e9 e^0.1, e^0.2, e^0.3: the log ratio is
 * 0.2, b's sample variance 0.01, se = sqrt(0.01/3) = 0.0577350, df = 2
 * (only b has spread), t(0.975, 2) = 4.302653, half-width 0.2484138:
 * ratio e^0.2 = 1.2214028, interval [e^-0.0484138, e^0.4484138] =
 * [0.9527395, 1.5658265].  The hierarchical bootstrap, whose three-point
 * resamples of b give at most e^0.3 / 1 = 1.35, is widened to cover it.
 */
TB_SUITE(repeats_welch)
{
	int64_t		av[3] = {1000000000, 1000000000, 1000000000};
	int64_t		bv[3];
	tb_repeat	a[3];
	tb_repeat	b[3];
	double		work[NRES];
	tb_stats_ci ci;
	int			i;

	for (i = 0; i < 3; i++)
	{
		bv[i] = (int64_t) llround(1e9 * exp(0.1 * (i + 1)));
		a[i].ns = &av[i];
		a[i].n = 1;
		b[i].ns = &bv[i];
		b[i].n = 1;
	}
	CHECK_INT_EQ(tb_repeats_welch_ci(a, 3, b, 3, 0.95, &ci), TB_STATS_OK);
	CHECK_NEAR(ci.estimate, 1.2214028, 1e-6);
	CHECK_NEAR(ci.low, 0.9527395, 1e-6);
	CHECK_NEAR(ci.high, 1.5658265, 1e-6);
	CHECK_INT_EQ(tb_hier_median_ratio_ci(a, 3, b, 3, 0.95, NRES, 1, work, &ci), TB_STATS_OK);
	CHECK(ci.low <= 0.9527396);
	CHECK(ci.high >= 1.5658264);
	/* no spread on either side: the interval is the ratio itself */
	CHECK_INT_EQ(tb_repeats_welch_ci(a, 3, a, 3, 0.95, &ci), TB_STATS_OK);
	CHECK_NEAR(ci.low, 1.0, 0);
	CHECK_NEAR(ci.high, 1.0, 0);
	/* one repeat a side: nothing to say */
	CHECK_INT_EQ(tb_repeats_welch_ci(a, 1, b, 3, 0.95, &ci), TB_STATS_EMPTY);
	CHECK(isnan(ci.low));
	CHECK_INT_EQ(tb_repeats_welch_ci(a, 3, b, 3, 1.5, &ci), TB_STATS_EINVAL);
}
