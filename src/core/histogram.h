/*-------------------------------------------------------------------------
 *
 * histogram.h
 *	  Log-bucketed latency histograms with a bounded relative error (pure C,
 *	  no backend calls; unit-tested in test/unit/core/test_histogram.c).
 *
 * A layout fixes the buckets: with g = (1 + e) / (1 - e), bucket 0 holds
 * [0, g) and bucket i >= 1 holds [g^i, g^(i+1)); the last bucket also holds
 * everything above it.  A bucket is represented by g^i (1 + e), which lies
 * within a factor 1 +- e of every value in it, so a quantile read from the
 * counts (nearest rank, the percentile_disc definition) is within a relative
 * error e of the exact quantile of the values counted, and within the exact
 * minimum and maximum when the caller passes them.  Counts are plain arrays
 * (uint64 or uint32) that the caller owns: tas_bench.load() keeps them in
 * shared memory, one per client, and merges them by adding.
 *
 * IDENTIFICATION
 *	  src/core/histogram.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_HISTOGRAM_H
#define TB_HISTOGRAM_H

#include <stdint.h>

typedef struct tb_hist_layout
{
	double		rel_err;		/* e: the bound on the relative error */
	double		growth;			/* g = (1 + e) / (1 - e) */
	double		log_growth;		/* ln g */
	int			nbuckets;
} tb_hist_layout;

/* buckets for values in [0, max_value] with relative error rel_err (0 < e < 0.5) */
extern void tb_hist_layout_init(tb_hist_layout *l, double rel_err, double max_value);
/* the bucket of value v (negative values count as 0) */
extern int	tb_hist_index(const tb_hist_layout *l, int64_t v);
/* the lower bound of bucket i (0 for bucket 0) */
extern double tb_hist_lower(const tb_hist_layout *l, int i);
/* the value that represents bucket i */
extern double tb_hist_value(const tb_hist_layout *l, int i);

/*
 * Quantile q (0 < q <= 1) by nearest rank, ceil(q * total), of the values
 * counted; clamped to [min_v, max_v] (pass 0 and INT64_MAX when unknown).
 * -1 when total is 0.
 */
extern int64_t tb_hist_quantile64(const tb_hist_layout *l, const uint64_t *counts,
								  uint64_t total, double q, int64_t min_v, int64_t max_v);
extern int64_t tb_hist_quantile32(const tb_hist_layout *l, const uint32_t *counts,
								  uint64_t total, double q, int64_t min_v, int64_t max_v);

#endif							/* TB_HISTOGRAM_H */
