/*-------------------------------------------------------------------------
 *
 * unit.h
 *	  A tiny unit-test harness for the pure C parts of tas_bench (PRNG,
 *	  statistics, workflow shapes).  No server and no PostgreSQL headers.
 *
 * Each test file defines suites with TB_SUITE(name) { ... } and checks with
 * the CHECK* macros.  Suites register themselves through a constructor, so a
 * new file needs no edit anywhere else; run_unit runs them all in name order
 * and ends with the line "unit: N passed, N failed".  A check is one assertion.
 *
 * IDENTIFICATION
 *	  test/unit/unit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_UNIT_H
#define TB_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*tb_suite_fn) (void);
extern void tb_unit_register(const char *name, tb_suite_fn fn);
extern void tb_unit_result(int ok, const char *file, int line, const char *expr, const char *detail);

#define TB_SUITE(name) \
	static void tb_suite_##name(void); \
	__attribute__((constructor)) static void tb_register_##name(void) \
	{ tb_unit_register(#name, tb_suite_##name); } \
	static void tb_suite_##name(void)

#define CHECK(cond) \
	tb_unit_result((cond) ? 1 : 0, __FILE__, __LINE__, #cond, NULL)

#define CHECK_INT_EQ(got, want) do { \
	long long g_ = (long long) (got), w_ = (long long) (want); char d_[128]; \
	snprintf(d_, sizeof(d_), "got %lld, want %lld", g_, w_); \
	tb_unit_result(g_ == w_, __FILE__, __LINE__, #got " == " #want, d_); \
} while (0)

/* |got - want| <= tol, or both NaN */
#define CHECK_NEAR(got, want, tol) do { \
	double g_ = (double) (got), w_ = (double) (want); char d_[160]; \
	int ok_ = (isnan(g_) && isnan(w_)) || fabs(g_ - w_) <= (double) (tol); \
	snprintf(d_, sizeof(d_), "got %.12g, want %.12g (tol %g)", g_, w_, (double) (tol)); \
	tb_unit_result(ok_, __FILE__, __LINE__, #got " ~ " #want, d_); \
} while (0)

#endif							/* TB_UNIT_H */
