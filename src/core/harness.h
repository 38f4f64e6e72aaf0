/*-------------------------------------------------------------------------
 *
 * harness.h
 *	  The timing harness's API (src/core/harness.c) for the rest of the
 *	  core: bench_ab (two runs interleaved) and plan capture (parameter rows).
 *
 * IDENTIFICATION
 *	  src/core/harness.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_HARNESS_H
#define TB_HARNESS_H

#include "postgres.h"

#include "executor/instrument.h"
#include "executor/spi.h"
#include "datatype/timestamp.h"

typedef enum tb_mode
{
	TB_MODE_SHARED,
	TB_MODE_ROLLBACK,
	TB_MODE_COMMIT,
	TB_MODE_AB
} tb_mode;

/* what to run: the arguments of bench() */
typedef struct tb_spec
{
	char	   *sql;
	char	   *params;			/* NULL: no parameters */
	int			iterations;
	int			warmup;
	bool		max_time_set;
	Interval   *max_time;
	int64		max_time_ns;
	char	   *name;
	char	   *label;
	char	   *suite;
	char	   *case_name;
	char	   *search_path;	/* NULL: leave the caller's */
	tb_mode		mode;
} tb_spec;

/* error context of the call in flight */
typedef struct tb_call_context
{
	const char *phase;
	int			iteration;		/* 1-based; 0 = not in a call */
	int			param_row;		/* 1-based; 0 = no params */
} tb_call_context;

/*
 * Parameter rows: the result of a params query, loaded once into long-lived
 * memory (row-major, nrows x nargs) with the column types as argument types
 * (unknown becomes text).  A timed run, the other side of bench_ab and a
 * plan capture all take their arguments from one of these, so what is
 * captured or compared is what was timed.
 */
typedef struct tb_params
{
	int			nargs;
	Oid		   *argtypes;
	int			nrows;			/* 0: no params query */
	Datum	   *vals;
	char	   *nulls;			/* ' ' or 'n', as SPI wants */
} tb_params;

extern void tb_params_load(tb_params *p, const char *query, MemoryContext cxt);

/* the argument values of parameter row `row` (0-based); NULLs without params */
static inline void
tb_params_row(const tb_params *p, int row, Datum **vals, char **nulls)
{
	*vals = p->nargs > 0 ? p->vals + (Size) row * p->nargs : NULL;
	*nulls = p->nargs > 0 ? p->nulls + (Size) row * p->nargs : NULL;
}

/*
 * One run in progress.  Opaque: callers outside harness.c use the functions
 * below, in this order: create, setup (or setup_sharing), call..., insert,
 * finish, release.
 */
typedef struct tb_run tb_run;

extern const char *tb_mode_name(tb_mode mode);
extern tb_mode tb_parse_mode(const char *mode);
extern void tb_check_spec(const tb_spec *spec);
extern int64 tb_interval_ns(Interval *iv);

extern tb_run *tb_run_create(const tb_spec *spec);
extern void tb_run_setup(tb_run *run);
extern void tb_run_setup_sharing(tb_run *run, const tb_run *params_of);
extern void tb_run_call(tb_run *run, int iteration, bool timed);
extern void tb_run_loop(tb_run *run);
extern int64 tb_run_insert(tb_run *run);
extern HeapTupleHeader tb_run_finish(tb_run *run, const char *status,
									 const char *error, bool want_tuple);
extern void tb_run_release(tb_run *run);
extern void tb_run_restore_search_path(tb_run *run);
extern int64 tb_reap_abandoned(void);

extern int64 tb_run_id(const tb_run *run);
extern void tb_call_errcontext(const char *who, const tb_call_context *cc);
extern int	tb_run_param_rows(const tb_run *run);
extern const tb_call_context *tb_run_call_context(const tb_run *run);

#endif							/* TB_HARNESS_H */
