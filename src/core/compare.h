/*-------------------------------------------------------------------------
 *
 * compare.h
 *	  What src/core/compare.c offers the rest of the core: its argument
 *	  checks and one comparison as another function's result (bench_ab).
 *
 * IDENTIFICATION
 *	  src/core/compare.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_COMPARE_H
#define TB_COMPARE_H

#include "postgres.h"

#include "fmgr.h"

/* argument `noise` in [0, 1) and `alpha` in (0, 1); errors name them */
extern double tb_compare_noise_arg(FunctionCallInfo fcinfo, int argno);
extern double tb_compare_alpha_arg(FunctionCallInfo fcinfo, int argno);

typedef struct tb_compare_out tb_compare_out;

extern tb_compare_out *tb_compare_begin(FunctionCallInfo fcinfo, double noise, double alpha);
extern void tb_compare_pair(tb_compare_out *out, const char *suite, const char *case_name,
							int64 run_a, int64 run_b);

#endif							/* TB_COMPARE_H */
