/*-------------------------------------------------------------------------
 *
 * prng.c
 *	  Seeded pseudo-random numbers (xoshiro256** + splitmix64).
 *
 * Owns: the only source of randomness in tas_bench (data generation,
 * bootstrap resampling, sampler shuffles).  Pure C: no PostgreSQL headers,
 * so the unit tests link it without a server.  Everything that must be
 * reproducible takes an explicit seed; there is no hidden global state.
 *
 * Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021; splitmix64 from Steele, Lea and Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014.
 *
 * IDENTIFICATION
 *	  src/core/prng.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>

#include "core/prng.h"

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void
tb_prng_seed(tb_prng *r, uint64_t seed)
{
	uint64_t	sm = seed;
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&sm);
	/* all-zero state is the one invalid state; splitmix64 never gives it */
}

uint64_t
tb_prng_mix(uint64_t seed, uint64_t stream)
{
	uint64_t	sm = seed ^ rotl(stream * UINT64_C(0xD1B54A32D192ED03), 17);

	return splitmix64(&sm);
}

uint64_t
tb_prng_u64(tb_prng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
tb_prng_range(tb_prng *r, uint64_t lo, uint64_t hi)
{
	uint64_t	span;
	uint64_t	limit;
	uint64_t	v;

	if (hi <= lo)
		return lo;
	span = hi - lo;
	if (span == UINT64_MAX)
		return tb_prng_u64(r);
	span += 1;
	/* rejection sampling: accept v below the largest multiple of span */
	limit = UINT64_MAX - (UINT64_MAX % span);
	do
		v = tb_prng_u64(r);
	while (v >= limit);
	return lo + v % span;
}

double
tb_prng_double(tb_prng *r)
{
	return (double) (tb_prng_u64(r) >> 11) * 0x1.0p-53;
}

double
tb_prng_normal(tb_prng *r)
{
	double		u1;
	double		u2;

	do
		u1 = tb_prng_double(r);
	while (u1 <= 0.0);
	u2 = tb_prng_double(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int
tb_prng_bernoulli(tb_prng *r, double p)
{
	if (p <= 0.0)
		return 0;
	if (p >= 1.0)
		return 1;
	return tb_prng_double(r) < p;
}
