/*-------------------------------------------------------------------------
 *
 * harness.h
 *	  The timing harness's internal API (src/harness.c), shared with the
 *	  suite runner and bench_ab.
 *
 * IDENTIFICATION
 *	  src/harness.h
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

/* one run in progress */
typedef struct tb_run
{
	tb_spec		spec;
	int64		run_id;
	TimestampTz started_at;
	MemoryContext runcxt;		/* lives for the run (child of the SPI proc context) */
	MemoryContext callcxt;		/* reset after every call */
	SPIPlanPtr	plan;
	int			nargs;
	Oid		   *argtypes;
	int			nparamrows;
	Datum	   *paramvals;		/* nparamrows x nargs */
	char	   *paramnulls;
	int64	   *ns;				/* per timed call */
	int64	   *rows;
	int32	   *prow;			/* 1-based parameter row, 0 = none */
	int			n;				/* timed calls done */
	int			flushed;		/* samples already in tas_bench.samples */
	int64		total_ns;
	bool		stopped_early;
	int			error_iteration;
	int			error_param_row;
	BufferUsage bufusage;		/* of the timed calls only */
	WalUsage	walusage;
	tb_call_context cc;
	char	   *saved_search_path;	/* to restore; NULL if not changed */
} tb_run;

extern const char *tb_mode_name(tb_mode mode);
extern tb_mode tb_parse_mode(const char *mode);
extern void tb_check_spec(const tb_spec *spec);
extern int64 tb_interval_ns(Interval *iv);
extern void tb_run_setup(tb_run *run);
extern void tb_run_restore_search_path(tb_run *run);
extern void tb_set_search_path(const char *value);
extern void tb_run_call(tb_run *run, int iteration, bool timed);
extern void tb_run_loop(tb_run *run);
extern int64 tb_run_insert(tb_run *run);
extern void tb_run_flush_samples(tb_run *run);
extern HeapTupleHeader tb_run_finish(tb_run *run, const char *status,
									 const char *error, bool want_tuple);

#endif							/* TB_HARNESS_H */
