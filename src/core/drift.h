/*-------------------------------------------------------------------------
 *
 * drift.h
 *	  Variation a single run's bootstrap cannot see (pure C, no backend
 *	  calls): drift inside a run, and run-to-run drift between the repeats of
 *	  a suite.
 *
 * Drift inside a run: the median of the last third of the calls (in call
 * order) over the median of the first third, with a bootstrap percentile
 * interval (the thirds resampled independently).  A run is unstable when
 * the whole interval lies outside 1 +/- noise: a step change or a trend the
 * interval cannot explain by chance.
 *
 * Repeats: a suite run k times gives k runs per case.  The hierarchical
 * bootstrap resamples the repeats with replacement, then each chosen
 * repeat's median from its own samples (exactly, through the order
 * statistic of a resample; see tb_stats_bootstrap_order_index), and takes
 * the mean of those medians; the ratio of the two sides' means is the
 * statistic.  Variation between repeats (the drift of the machine between
 * one run and the next) widens the interval instead of producing verdicts.
 * With few repeats the interval is also made to cover Welch's t interval
 * over the repeat medians (tb_repeats_welch_ci), which a three-point
 * bootstrap underestimates.
 *
 * IDENTIFICATION
 *	  src/core/drift.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_DRIFT_H
#define TB_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "core/stats.h"

/* fewer calls than this: no drift is judged (10 per third) */
#define TB_DRIFT_MIN_N 30

/*
 * Drift of one run: in_order holds its n samples in call order; scratch
 * holds at least n int64_t, work nresamples doubles.  out->estimate is the
 * ratio of the two thirds' medians (percentile_disc 0.5), low/high its
 * bootstrap interval at level.  TB_STATS_EMPTY when n < TB_DRIFT_MIN_N,
 * TB_STATS_EINVAL for a bad level or nresamples.
 */
extern int	tb_drift_ci(const int64_t *in_order, size_t n, double level,
						int nresamples, uint64_t seed, int64_t *scratch,
						double *work, tb_stats_ci *out);

/* whether a drift interval lies wholly outside 1 +/- noise */
extern int	tb_drift_unstable(const tb_stats_ci *drift, double noise);

/* one repeat: its samples, sorted */
typedef struct tb_repeat
{
	const int64_t *ns;
	size_t		n;
} tb_repeat;

/*
 * Hierarchical bootstrap interval of the ratio (mean of b's repeat medians)
 * over (mean of a's repeat medians); ka, kb >= 1, every repeat non-empty.
 * out->estimate is that ratio on the data.  work: nresamples doubles.
 */
extern int	tb_hier_median_ratio_ci(const tb_repeat *a, int ka,
									const tb_repeat *b, int kb,
									double level, int nresamples, uint64_t seed,
									double *work, tb_stats_ci *out);

/*
 * Welch's t interval of the same ratio on the log scale: the log of each
 * repeat's median is one observation (ka, kb >= 2), the interval is
 * exp(mean_b - mean_a +/- t se) with Welch-Satterthwaite degrees of freedom.
 * With three repeats a side the bootstrap of tb_hier_median_ratio_ci sees
 * only ten distinct resamples of each side and its interval is too narrow;
 * tb_hier_median_ratio_ci widens its interval to cover this one whenever
 * both sides have two repeats or more.  out->estimate is the ratio of the
 * geometric means of the repeat medians.  TB_STATS_EMPTY for fewer than two
 * repeats a side or a median of 0.
 */
extern int	tb_repeats_welch_ci(const tb_repeat *a, int ka,
								const tb_repeat *b, int kb,
								double level, tb_stats_ci *out);

#endif							/* TB_DRIFT_H */
