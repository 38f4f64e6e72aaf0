/*-------------------------------------------------------------------------
 *
 * runstats.h
 *	  Per-run statistics (src/core/runstats.c) any run may record, timed
 *	  bench runs included, because they cost nothing inside a timed call:
 *	  the delta of the pg_stat_statements rows of this role and database
 *	  over the run (when that module is installed and preloaded) and the
 *	  backend's memory before, at the sampled peak and after the calls,
 *	  with a leak verdict.
 *
 * IDENTIFICATION
 *	  src/core/runstats.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_RUNSTATS_H
#define TB_RUNSTATS_H

#include "postgres.h"

/*
 * Run statistics (runstats.c), one run at a time per backend.  The timing
 * harness calls, outside the timed interval of every call:
 *
 *	tb_runstats_begin()            before the first call (after warm-up or
 *	                               before it: calls = what the window sees)
 *	tb_runstats_tick(calls_done)   after each call (cheap: memory is sampled
 *	                               at most ~256 times per run)
 *	tb_runstats_end()              after the last call, before any
 *	                               bookkeeping statement (takes the final
 *	                               pg_stat_statements snapshot)
 *	tb_runstats_store(run_table, run_id, harness_calls)
 *	                               once the run has its id: writes
 *	                               tas_bench.run_statements and
 *	                               tas_bench.run_memory, then forgets;
 *	                               run_table is "runs", "profile_runs" or
 *	                               "load_runs" (their ids are separate;
 *	                               a load run gets no run_memory row: its
 *	                               calls ran in background workers, and
 *	                               the delta's own_calls and exact are
 *	                               NULL for the same reason),
 *	                               harness_calls the calls the window saw
 *	tb_runstats_discard()          on error paths (idempotent)
 *
 * A begin while another run's statistics are open (a bench() inside a
 * profiled statement) is ignored, as are its tick/end/store.
 */
extern void tb_runstats_begin(void);
extern void tb_runstats_tick(int64 calls_done);
extern void tb_runstats_end(void);
extern void tb_runstats_store(const char *run_table, int64 run_id, int64 harness_calls);
extern void tb_runstats_discard(void);

/* after begin: a context (a child of TopMemoryContext) left out of the measurement */
extern void tb_runstats_exclude(MemoryContext cxt);

/* from profile.c's ExecutorEnd hook: one execution of queryid ended */
extern void tb_runstats_count_exec(int64 queryid, int level);
extern bool tb_runstats_listening;

/* whether pg_stat_statements is installed here and preloaded (jsonb text) */
extern char *tb_pgss_status_json(void);

#endif							/* TB_RUNSTATS_H */
