/*-------------------------------------------------------------------------
 *
 * util.h
 *	  Helpers every room of tas_bench may use (src/util.c): the extension
 *	  schema's name, the GUC variables, progress reporting and search_path
 *	  changes.  util.c calls nothing else of tas_bench, so nothing that uses
 *	  it can be part of a cycle (doc/architecture.md).
 *
 * Pure modules (core/prng.h, core/stats.h, tasker/dagshape.h) do not include
 * this header; it is for backend code only.
 *
 * IDENTIFICATION
 *	  src/util.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include "postgres.h"

#include "fmgr.h"
#include "portability/instr_time.h"

#include "compat.h"

#ifndef TAS_BENCH_VERSION
#error "TAS_BENCH_VERSION must be defined by the Makefile"
#endif

/* extension schema name, as fixed by tas_bench.control */
#define TB_SCHEMA "tas_bench"

/* GUC variables: storage here, definitions in tas_bench.c's _PG_init */
extern int	tb_progress_interval_ms;	/* tas_bench.progress_interval */
extern int	tb_max_iterations;	/* tas_bench.max_iterations */

/*
 * Progress reporting: a NOTICE every tas_bench.progress_interval and
 * pg_stat_activity.application_name of this backend, about once a second.
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

/*
 * search_path for work against a target.
 *
 * tb_search_path_push/pop: the GUC nest-level pattern of functions with a
 * SET clause: the value is in force until pop (or until the transaction or
 * subtransaction that pushed it aborts), and the caller's own setting,
 * SET LOCAL included, comes back exactly.  Use it wherever no commit
 * intervenes between push and pop.
 *
 * tb_search_path_set_session/restore_session: for procedures that commit in
 * between (bench_commit), where a nest level would end at the first commit:
 * the value is SET at session level and the previous value put back.
 */
extern int	tb_search_path_push(const char *value);
extern void tb_search_path_pop(int nestlevel);
extern char *tb_search_path_set_session(const char *value);
extern void tb_search_path_restore_session(const char *saved);
extern char *tb_search_path_current(void);

/*
 * tas_bench's own statements (bookkeeping: runs, samples, plans) run with
 * the search_path pinned to pg_catalog, pg_temp, so a function or operator
 * planted in a schema on the caller's or the target's path never resolves
 * in them; only the user's statement runs under the target's path.
 * tb_internal_begin returns the nest level to give tb_internal_end.
 */
#define TB_INTERNAL_SEARCH_PATH "pg_catalog, pg_temp"
#define tb_internal_begin() tb_search_path_push(TB_INTERNAL_SEARCH_PATH)
#define tb_internal_end(nest) tb_search_path_pop(nest)

/*
 * Bookkeeping: the writes and reads of tas_bench's own tables (runs,
 * samples, plans) by the harness, plan capture and bench_ab run with the
 * search_path pinned *and* as the extension's owner (pg_cron's
 * SetUserIdAndSecContext pattern), so a bench role needs EXECUTE on our
 * functions, not INSERT or UPDATE on our tables, and row-level security on
 * them (owner's rows only) cannot be got round by writing rows directly.
 * tb_current_role_name() is the role the work is done for, to be recorded
 * before tb_bookkeeping_begin().
 */
typedef struct tb_bookkeeping
{
	int			nest;
	Oid			saved_userid;
	int			saved_sec_context;
} tb_bookkeeping;

extern void tb_bookkeeping_begin(tb_bookkeeping *bk);
extern void tb_bookkeeping_end(tb_bookkeeping *bk);
extern char *tb_current_role_name(void);

/*
 * Whether the current role is role or a member of it, superuser status
 * aside: stored SQL (a case, a run's sql and params) runs only for a role
 * that acts as its owner, so a superuser cannot be made to run a bench
 * role's SQL with superuser rights.
 */
extern bool tb_acts_as(const char *role);

/* an argument that must not be NULL: 22004 naming it, with a hint */
extern void tb_require_arg(FunctionCallInfo fcinfo, int argno, const char *name,
						   const char *hint);

#endif							/* TB_UTIL_H */
