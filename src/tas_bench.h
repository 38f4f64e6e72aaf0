/*-------------------------------------------------------------------------
 *
 * tas_bench.h
 *	  Shared declarations of the tas_bench extension: GUC variables, limits,
 *	  cross-file internal API and PostgreSQL-version shims.
 *
 * Pure modules (prng.h, stats.h, dagshape.h) have their own headers and do
 * not include this one; this header is for backend code only.
 *
 * IDENTIFICATION
 *	  src/tas_bench.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TAS_BENCH_H
#define TAS_BENCH_H

#include "postgres.h"

#include "portability/instr_time.h"

#ifndef TAS_BENCH_VERSION
#error "TAS_BENCH_VERSION must be defined by the Makefile"
#endif

/* GUC variables (defined in tas_bench.c) */
extern int	tb_progress_interval_ms;	/* tas_bench.progress_interval */
extern int	tb_max_iterations;	/* tas_bench.max_iterations */

/* instr_time in nanoseconds; INSTR_TIME_GET_NANOSEC exists only from PG 16 */
#if PG_VERSION_NUM >= 160000
#define TB_INSTR_TIME_GET_NS(t) ((int64) INSTR_TIME_GET_NANOSEC(t))
#else
#define TB_INSTR_TIME_GET_NS(t) \
	((int64) (t).tv_sec * INT64CONST(1000000000) + (int64) (t).tv_nsec)
#endif

/* extension schema name, as fixed by tas_bench.control */
#define TB_SCHEMA "tas_bench"

/*
 * Progress reporting (tas_bench.c): a NOTICE every tas_bench.progress_interval
 * and pg_stat_activity.application_name of this backend, about once a second.
 */
typedef struct tb_progress
{
	const char *what;			/* e.g. "bench \"name\"" */
	instr_time	started;
	instr_time	last_report;	/* last NOTICE */
	instr_time	last_publish;	/* last pg_stat_activity update */
} tb_progress;

extern void tb_progress_start(tb_progress *p, const char *what);
extern void tb_progress_tick(tb_progress *p, int64 done, int64 total);
extern void tb_progress_finish(tb_progress *p);

/* plans.c */
extern void tb_plans_init(void);

#endif							/* TAS_BENCH_H */
