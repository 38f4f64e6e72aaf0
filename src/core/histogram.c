/*-------------------------------------------------------------------------
 *
 * histogram.c
 *	  Log-bucketed latency histograms with a bounded relative error; see
 *	  histogram.h for the layout and the error bound.
 *
 * Pure C (no backend calls), so it is linked into the unit tests too.  The
 * bucket of a value is found with a logarithm and then corrected against the
 * exact bounds g^i, so rounding in log() never puts a value in a neighbour
 * bucket (which would break the error bound at bucket edges).
 *
 * IDENTIFICATION
 *	  src/core/histogram.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core/histogram.h"

void
tb_hist_layout_init(tb_hist_layout *l, double rel_err, double max_value)
{
	l->rel_err = rel_err;
	l->growth = (1.0 + rel_err) / (1.0 - rel_err);
	l->log_growth = log(l->growth);
	if (max_value < l->growth)
		max_value = l->growth;
	l->nbuckets = (int) ceil(log(max_value) / l->log_growth) + 1;
}

double
tb_hist_lower(const tb_hist_layout *l, int i)
{
	return i <= 0 ? 0.0 : pow(l->growth, (double) i);
}

int
tb_hist_index(const tb_hist_layout *l, int64_t v)
{
	double		x = (double) v;
	int			i;

	if (x < l->growth)
		return 0;
	i = (int) floor(log(x) / l->log_growth);
	if (i >= l->nbuckets)
		return l->nbuckets - 1;
	/* correct a rounding of log() at the bucket's edges */
	while (i > 1 && tb_hist_lower(l, i) > x)
		i--;
	while (i + 1 < l->nbuckets && tb_hist_lower(l, i + 1) <= x)
		i++;
	return i;
}

double
tb_hist_value(const tb_hist_layout *l, int i)
{
	if (i <= 0)
		return 1.0;
	return tb_hist_lower(l, i) * (1.0 + l->rel_err);
}

static int64_t
clamp_value(double v, int64_t min_v, int64_t max_v)
{
	int64_t		r = (int64_t) llround(v);

	if (r < min_v)
		r = min_v;
	if (r > max_v)
		r = max_v;
	return r;
}

static uint64_t
rank_of(uint64_t total, double q)
{
	double		r = ceil(q * (double) total);	/* as percentile_disc */

	if (r < 1.0)
		return 1;
	if (r > (double) total)
		return total;
	return (uint64_t) r;
}

/* the quantile of counts held as 64-bit (c64) or 32-bit (c32) integers */
static int64_t
quantile(const tb_hist_layout *l, const uint64_t *c64, const uint32_t *c32,
		 uint64_t total, double q, int64_t min_v, int64_t max_v)
{
	uint64_t	rank;
	uint64_t	seen = 0;

	if (total == 0)
		return -1;
	rank = rank_of(total, q);
	for (int i = 0; i < l->nbuckets; i++)
	{
		seen += c64 ? c64[i] : c32[i];
		if (seen >= rank)
			return clamp_value(tb_hist_value(l, i), min_v, max_v);
	}
	return max_v;
}

int64_t
tb_hist_quantile64(const tb_hist_layout *l, const uint64_t *counts, uint64_t total,
				   double q, int64_t min_v, int64_t max_v)
{
	return quantile(l, counts, NULL, total, q, min_v, max_v);
}

int64_t
tb_hist_quantile32(const tb_hist_layout *l, const uint32_t *counts, uint64_t total,
				   double q, int64_t min_v, int64_t max_v)
{
	return quantile(l, NULL, counts, total, q, min_v, max_v);
}
