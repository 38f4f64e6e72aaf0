/*-------------------------------------------------------------------------
 *
 * prng.h
 *	  Seeded pseudo-random numbers for tas_bench (pure C, no backend calls).
 *
 * xoshiro256** seeded through splitmix64: the same generator core uses in
 * common/pg_prng.c since PostgreSQL 15, but kept in-tree because pg_prng does
 * not exist in 13 and 14 and because generated datasets and bootstrap
 * resamples must be identical for a seed on every PostgreSQL major.
 *
 * IDENTIFICATION
 *	  src/core/prng.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_PRNG_H
#define TB_PRNG_H

#include <stdint.h>

typedef struct tb_prng
{
	uint64_t	s[4];
} tb_prng;

extern void tb_prng_seed(tb_prng *r, uint64_t seed);
extern uint64_t tb_prng_u64(tb_prng *r);
/* uniform integer in [lo, hi] (inclusive), without modulo bias; lo <= hi */
extern uint64_t tb_prng_range(tb_prng *r, uint64_t lo, uint64_t hi);
/* uniform double in [0, 1) with 53 random bits */
extern double tb_prng_double(tb_prng *r);
/* standard normal variate (Box-Muller, one value per call) */
extern double tb_prng_normal(tb_prng *r);
/* true with probability p */
extern int	tb_prng_bernoulli(tb_prng *r, double p);
/* derive an independent stream: seed mixed with a stream number */
extern uint64_t tb_prng_mix(uint64_t seed, uint64_t stream);

#endif							/* TB_PRNG_H */
