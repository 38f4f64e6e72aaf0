/*-------------------------------------------------------------------------
 *
 * harness.c
 *	  The timing harness: tas_bench.bench(), CALL tas_bench.bench_commit(),
 *	  the reference loop tas_bench.spi_loop_ns(), and the run API
 *	  (harness.h) that bench_ab and plan capture build on.
 *
 * A run prepares the statement once (SPI, plan kept with SPI_keepplan), takes
 * its parameter types from the result columns of the params query, runs
 * `warmup` untimed calls and then up to `iterations` timed calls, cycling
 * through the parameter rows in order (call i uses row i mod rows).  Only the
 * SPI_execute_plan call itself is inside the timed region (two reads of the
 * monotonic clock, instr_time); per-call bookkeeping (rows, the backend's
 * buffer and WAL usage counters, freeing the result) happens outside it.
 *
 * Modes:
 *	shared		all calls in the caller's transaction; an error aborts the
 *				caller's statement, naming the iteration and parameter row in
 *				the CONTEXT line.
 *	rollback	each call runs in an internal subtransaction that is rolled
 *				back right after it, so every call sees the same state.
 *	commit		(bench_commit, a procedure on a non-atomic SPI connection)
 *				each call runs in a subtransaction that is released, then the
 *				transaction is committed.  The run row is committed first with
 *				status 'running' (and this backend's pid and start time) and
 *				the samples are appended every SAMPLE_FLUSH calls, each chunk
 *				(one block of the sample store, core/samples.c) in a
 *				subtransaction of its own.  Whatever stops the run (a
 *				failing call, an error or cancel during the write-out or the
 *				summary, statement_timeout) it ends stored as 'failed' or
 *				'cancelled', with its error, iteration and parameter row, the
 *				samples it has and a summary over exactly the stored ones; a
 *				backend that dies leaves it 'running' until reap_abandoned()
 *				(called before every run) marks it 'abandoned'.
 *
 * Memory: samples live in three arrays per run (20 bytes per call, plus the
 * parameter rows; a block's encoding, at most 30 bytes per call of one
 * chunk, while it is written); the per-call work happens in a context reset after every
 * call, and every SPI result is freed with SPI_freetuptable, so memory does
 * not grow with the number of calls beyond the sample arrays.
 *
 * IDENTIFICATION
 *	  src/core/harness.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "tcop/pquery.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/portal.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "core/harness.h"
#include "core/runstats.h"
#include "core/samples.h"
#include "core/stats.h"
#include "util.h"

/* samples are appended to the sample store in chunks of this many (one block each) */
#define SAMPLE_FLUSH TB_SAMPLE_BLOCK

/* bootstrap resamples for the stored CI of the median */
#define TB_CI_RESAMPLES 10000

/* one run in progress (opaque outside this file, see harness.h) */
struct tb_run
{
	tb_spec		spec;
	int64		run_id;
	TimestampTz started_at;
	MemoryContext runcxt;		/* lives for the run (child of the SPI proc context) */
	MemoryContext callcxt;		/* reset after every call */
	SPIPlanPtr	plan;
	tb_params	params;			/* argument rows, own or shared (bench_ab) */
	int64	   *ns;				/* per timed call */
	int64	   *rows;
	int32	   *prow;			/* 1-based parameter row, 0 = none */
	int			n;				/* timed calls done */
	int			flushed;		/* samples inserted into tas_bench.samples */
	int			committed;		/* commit mode: samples inserted and committed */
	int64		total_ns;
	bool		stopped_early;
	int			error_iteration;
	int			error_param_row;
	BufferUsage bufusage;		/* of the timed calls only */
	WalUsage	walusage;
	tb_call_context cc;
	int			path_nest;		/* GUC nest level of spec.search_path, -1: none */
	char	   *saved_search_path;	/* commit mode: session value to put back */
};

static void flush_samples(tb_run *run);

/* error context while preparing / running */
typedef tb_call_context call_context;

/*
 * The CONTEXT line of the call in flight: "<who> timed call 3 (parameter
 * row 2)", or "<who>: <phase>" outside a call.
 */
void
tb_call_errcontext(const char *who, const tb_call_context *cc)
{
	if (cc->iteration > 0 && cc->param_row > 0)
		errcontext("%s %s %d (parameter row %d)", who, cc->phase, cc->iteration, cc->param_row);
	else if (cc->iteration > 0)
		errcontext("%s %s %d", who, cc->phase, cc->iteration);
	else
		errcontext("%s: %s", who, cc->phase);
}

static void
harness_error_callback(void *arg)
{
	tb_call_errcontext("tas_bench", (const tb_call_context *) arg);
}

/* highest $n referenced in the analyzed queries of a plan */
static bool
max_param_walker(Node *node, int *maxp)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
	{
		Param	   *p = (Param *) node;

		if (p->paramkind == PARAM_EXTERN && p->paramid > *maxp)
			*maxp = p->paramid;
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, max_param_walker, (void *) maxp, 0);
	return expression_tree_walker(node, max_param_walker, (void *) maxp);
}

static int
plan_max_param(SPIPlanPtr plan)
{
	int			maxp = 0;
	ListCell   *lc;

	foreach(lc, SPI_plan_get_plan_sources(plan))
	{
		CachedPlanSource *ps = (CachedPlanSource *) lfirst(lc);
		ListCell   *lq;

		foreach(lq, ps->query_list)
			max_param_walker((Node *) lfirst(lq), &maxp);
	}
	return maxp;
}

const char *
tb_mode_name(tb_mode mode)
{
	switch (mode)
	{
		case TB_MODE_SHARED:
			return "shared";
		case TB_MODE_ROLLBACK:
			return "rollback";
		case TB_MODE_COMMIT:
			return "commit";
		case TB_MODE_AB:
			return "ab";
	}
	return "?";
}

/*
 * Validate the scalar arguments: the error names the argument and its range.
 */
void
tb_check_spec(const tb_spec *spec)
{
	if (spec->sql == NULL || spec->sql[strspn(spec->sql, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql must be a non-empty SQL statement"),
				 errhint("Pass the statement to time, e.g. 'SELECT * FROM tasker.get_next_ready_tasks($1)'.")));
	if (spec->iterations < 1 || spec->iterations > tb_max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument iterations must be between 1 and %d, not %d",
						tb_max_iterations, spec->iterations),
				 errdetail("Every timed call stores one row in tas_bench.samples."),
				 errhint("Use max_time to bound a run by time; the upper limit is the setting tas_bench.max_iterations.")));
	if (spec->warmup < 0 || spec->warmup > tb_max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument warmup must be between 0 and %d, not %d",
						tb_max_iterations, spec->warmup)));
	if (spec->max_time_set && spec->max_time_ns <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument max_time must be a positive interval"),
				 errhint("Pass NULL for no time limit.")));
}

tb_mode
tb_parse_mode(const char *mode)
{
	if (mode == NULL || strcmp(mode, "shared") == 0)
		return TB_MODE_SHARED;
	if (strcmp(mode, "rollback") == 0)
		return TB_MODE_ROLLBACK;
	if (strcmp(mode, "commit") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mode \"commit\" is not available in bench()"),
				 errhint("Use CALL tas_bench.bench_commit(...) to commit after every call.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("argument mode must be 'shared' or 'rollback', not \"%s\"", mode),
			 errhint("shared runs every call in the caller's transaction; rollback rolls back each call; CALL tas_bench.bench_commit() commits each call.")));
	return TB_MODE_SHARED;		/* keep compiler quiet */
}

int64
tb_interval_ns(Interval *iv)
{
	double		us = (double) iv->time +
		((double) iv->day + (double) iv->month * DAYS_PER_MONTH) * (double) USECS_PER_DAY;

	if (us > (double) PG_INT64_MAX / 1000.0)
		return PG_INT64_MAX;
	return (int64) (us * 1000.0);
}

/*
 * A prepared argument must be exactly one statement, and not transaction
 * control: comment-only text prepares to no statement at all, 'SELECT 1;
 * SELECT 2' to two (of which only the last would be timed or returned), and
 * COMMIT, ROLLBACK, BEGIN or SAVEPOINT would fail inside SPI with an internal
 * error.  argname names the argument in the error.
 */
static void
check_one_statement(SPIPlanPtr plan, const char *argname, const char *text)
{
	List	   *sources = SPI_plan_get_plan_sources(plan);
	CachedPlanSource *ps;

	if (list_length(sources) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s contains no SQL statement", argname),
				 errdetail("It is empty or only comments: \"%s\".", text),
				 errhint("Pass exactly one SQL statement.")));
	if (list_length(sources) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be one SQL statement, not %d",
						argname, list_length(sources)),
				 errhint("Time each statement in a run of its own, or wrap them in a function.")));
	ps = (CachedPlanSource *) linitial(sources);
	if (ps->raw_parse_tree != NULL && IsA(ps->raw_parse_tree->stmt, TransactionStmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must not be a transaction control statement (%s)",
						argname, GetCommandTagName(ps->commandTag)),
				 errdetail("tas_bench runs the statement inside its own transaction handling; BEGIN, COMMIT, ROLLBACK and SAVEPOINT cannot be timed."),
				 errhint("Use CALL tas_bench.bench_commit(...) to commit after every call, or mode => 'rollback' to roll back every call.")));
}

/* copy the values of one params row (the current context is the target) */
static void
copy_param_row(tb_params *p, int r, HeapTuple tup, TupleDesc tupdesc)
{
	for (int c = 0; c < p->nargs; c++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, c);
		bool		isnull;
		Datum		d = SPI_getbinval(tup, tupdesc, c + 1, &isnull);
		Size		idx = (Size) r * p->nargs + c;

		p->nulls[idx] = isnull ? 'n' : ' ';
		p->vals[idx] = isnull ? (Datum) 0 : datumCopy(d, att->attbyval, att->attlen);
	}
}

/*
 * Run the params query and copy its rows (and column types) into cxt.
 * Must be called inside an SPI connection; query NULL means no parameters.
 */
void
tb_params_load(tb_params *p, const char *query, MemoryContext cxt)
{
	call_context cc = {"running argument params", 0, 0};
	ErrorContextCallback errcb;
	SPIPlanPtr	plan;
	int			rc;
	TupleDesc	tupdesc;
	MemoryContext old;

	memset(p, 0, sizeof(*p));
	if (query == NULL)
		return;

	errcb.callback = harness_error_callback;
	errcb.arg = &cc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params could not be prepared: %s",
						SPI_result_code_string(SPI_result))));
	check_one_statement(plan, "params", query);
	rc = SPI_execute_plan(plan, NULL, NULL, true, 0);
	SPI_freeplan(plan);
	error_context_stack = errcb.previous;

	if (rc != SPI_OK_SELECT || SPI_tuptable == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params must be a query that returns rows"),
				 errdetail("It returned %s.", SPI_result_code_string(rc)),
				 errhint("Pass a SELECT whose columns are the statement's $1, $2, ... and whose rows are cycled through the calls.")));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params returned no rows"),
				 errdetail("Query: %s", query),
				 errhint("The params query must return at least one row of arguments; check that the data it samples exists.")));
	if (SPI_processed > (uint64) PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("argument params returned too many rows (" UINT64_FORMAT ")", SPI_processed)));

	tupdesc = SPI_tuptable->tupdesc;
	old = MemoryContextSwitchTo(cxt);
	p->nargs = tupdesc->natts;
	p->nrows = (int) SPI_processed;
	p->argtypes = palloc(sizeof(Oid) * Max(p->nargs, 1));
	for (int c = 0; c < p->nargs; c++)
	{
		Oid			t = TupleDescAttr(tupdesc, c)->atttypid;

		p->argtypes[c] = (t == UNKNOWNOID) ? TEXTOID : t;
	}
	p->vals = palloc(sizeof(Datum) * Max((Size) p->nrows * p->nargs, 1));
	p->nulls = palloc(sizeof(char) * Max((Size) p->nrows * p->nargs, 1));
	for (int r = 0; r < p->nrows; r++)
	{
		CHECK_FOR_INTERRUPTS();
		copy_param_row(p, r, SPI_tuptable->vals[r], tupdesc);
	}
	MemoryContextSwitchTo(old);
	SPI_freetuptable(SPI_tuptable);
}

static void
prepare_statement(tb_run *run)
{
	call_context cc = {"preparing argument sql", 0, 0};
	ErrorContextCallback errcb;
	SPIPlanPtr	plan;
	int			used;

	errcb.callback = harness_error_callback;
	errcb.arg = &cc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	plan = SPI_prepare(run->spec.sql, run->params.nargs, run->params.argtypes);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql could not be prepared: %s",
						SPI_result_code_string(SPI_result))));
	check_one_statement(plan, "sql", run->spec.sql);
	error_context_stack = errcb.previous;

	used = plan_max_param(plan);
	if (run->spec.params != NULL && used != run->params.nargs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params returns %d column%s but sql uses %d parameter%s",
						run->params.nargs, run->params.nargs == 1 ? "" : "s",
						used, used == 1 ? "" : "s"),
				 errhint("The params query must return exactly one column for each of $1 .. $n, in order.")));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	run->plan = plan;
}

/* run one call; returns rows; ns set for timed calls */
static inline uint64
one_call(tb_run *run, int paramrow, int64 *ns)
{
	Datum	   *vals;
	char	   *nulls;
	instr_time	t0;
	instr_time	t1;
	int			rc;
	uint64		rows;

	tb_params_row(&run->params, paramrow, &vals, &nulls);
	INSTR_TIME_SET_CURRENT(t0);
	rc = SPI_execute_plan(run->plan, vals, nulls, false, 0);
	INSTR_TIME_SET_CURRENT(t1);
	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("statement failed: %s", SPI_result_code_string(rc))));
	rows = SPI_processed;
	if (SPI_tuptable)
		SPI_freetuptable(SPI_tuptable);
	INSTR_TIME_SUBTRACT(t1, t0);
	*ns = TB_INSTR_TIME_GET_NS(t1);
	return rows;
}

/*
 * Execute call number `iteration` (1-based; it picks the parameter row) in
 * the run's mode.  Buffer and WAL usage of the call
 * (and only of the call) is added to the run's totals when timed.
 */
void
tb_run_call(tb_run *run, int iteration, bool timed)
{
	int			paramrow = run->params.nrows > 0 ? (iteration - 1) % run->params.nrows : 0;
	BufferUsage bu0 = pgBufferUsage;
	WalUsage	wu0 = pgWalUsage;
	volatile MemoryContext oldcxt = CurrentMemoryContext;
	volatile ResourceOwner oldowner = CurrentResourceOwner;
	int64		ns = 0;
	volatile uint64 rows = 0;

	run->cc.phase = timed ? "timed call" : "warm-up call";
	run->cc.iteration = iteration;
	run->cc.param_row = run->params.nrows > 0 ? paramrow + 1 : 0;

	if (run->spec.mode == TB_MODE_SHARED || run->spec.mode == TB_MODE_AB)
	{
		MemoryContextSwitchTo(run->callcxt);
		rows = one_call(run, paramrow, &ns);
		MemoryContextSwitchTo(oldcxt);
	}
	else
	{
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(run->callcxt);
		PG_TRY();
		{
			rows = one_call(run, paramrow, &ns);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(oldcxt);
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(oldcxt);
			CurrentResourceOwner = oldowner;
			PG_RE_THROW();
		}
		PG_END_TRY();
		if (run->spec.mode == TB_MODE_ROLLBACK)
			RollbackAndReleaseCurrentSubTransaction();
		else
			ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	MemoryContextReset(run->callcxt);

	if (timed)
	{
		int			i = run->n++;

		run->ns[i] = ns;
		run->rows[i] = (int64) rows;
		run->prow[i] = run->params.nrows > 0 ? paramrow + 1 : 0;
		run->total_ns += ns;
		BufferUsageAccumDiff(&run->bufusage, &pgBufferUsage, &bu0);
		WalUsageAccumDiff(&run->walusage, &pgWalUsage, &wu0);
	}
	run->cc.iteration = 0;
}

/*
 * The run's search_path: pushed on a GUC nest level (util.h) and popped by
 * tb_run_restore_search_path, so the caller's setting, SET LOCAL included,
 * comes back exactly; an abort pops it too.  bench_commit commits between
 * calls, which would end a nest level, so there it is SET for the session
 * and the previous value put back.
 */
static void
set_run_search_path(tb_run *run)
{
	run->path_nest = -1;
	run->saved_search_path = NULL;
	if (run->spec.search_path == NULL)
		return;
	if (run->spec.mode == TB_MODE_COMMIT)
	{
		MemoryContext old = MemoryContextSwitchTo(run->runcxt);

		run->saved_search_path = tb_search_path_set_session(run->spec.search_path);
		MemoryContextSwitchTo(old);
	}
	else
		run->path_nest = tb_search_path_push(run->spec.search_path);
}

void
tb_run_restore_search_path(tb_run *run)
{
	if (run->path_nest >= 0)
		tb_search_path_pop(run->path_nest);
	else if (run->saved_search_path != NULL)
		tb_search_path_restore_session(run->saved_search_path);
	run->path_nest = -1;
	run->saved_search_path = NULL;
}

/* a new run of spec (copied), in the current memory context */
tb_run *
tb_run_create(const tb_spec *spec)
{
	tb_run	   *run = palloc0(sizeof(tb_run));

	run->spec = *spec;
	run->path_nest = -1;
	return run;
}

/* the run's memory and sample arrays */
static void
alloc_run(tb_run *run)
{
	run->started_at = GetCurrentTimestamp();
	run->runcxt = AllocSetContextCreate(CurrentMemoryContext, "tas_bench run",
										ALLOCSET_DEFAULT_SIZES);
	run->callcxt = AllocSetContextCreate(run->runcxt, "tas_bench call",
										 ALLOCSET_DEFAULT_SIZES);
	run->ns = MemoryContextAllocHuge(run->runcxt, sizeof(int64) * run->spec.iterations);
	run->rows = MemoryContextAllocHuge(run->runcxt, sizeof(int64) * run->spec.iterations);
	run->prow = MemoryContextAllocHuge(run->runcxt, sizeof(int32) * run->spec.iterations);
	run->n = 0;
	run->flushed = 0;
	run->committed = 0;
	run->total_ns = 0;
	memset(&run->bufusage, 0, sizeof(run->bufusage));
	memset(&run->walusage, 0, sizeof(run->walusage));
	run->cc.phase = "";
	run->cc.iteration = 0;
	run->cc.param_row = 0;
}

/*
 * Create the run's memory, set the search_path, load params and prepare the
 * statement.  The caller has connected SPI.
 */
void
tb_run_setup(tb_run *run)
{
	tb_reap_abandoned();
	alloc_run(run);
	set_run_search_path(run);
	tb_params_load(&run->params, run->spec.params, run->runcxt);
	prepare_statement(run);
}

/*
 * The same, with the parameter rows of another run already set up (the
 * other side of bench_ab: both sides get the very same arguments) and the
 * search_path that run set.
 */
void
tb_run_setup_sharing(tb_run *run, const tb_run *params_of)
{
	alloc_run(run);
	run->path_nest = -1;
	run->saved_search_path = NULL;
	run->params = params_of->params;
	prepare_statement(run);
}

/* free the prepared statement (idempotent) */
void
tb_run_release(tb_run *run)
{
	if (run->plan)
		SPI_freeplan(run->plan);
	run->plan = NULL;
}

int64
tb_run_id(const tb_run *run)
{
	return run->run_id;
}

int
tb_run_param_rows(const tb_run *run)
{
	return run->params.nrows;
}

const tb_call_context *
tb_run_call_context(const tb_run *run)
{
	return &run->cc;
}

/*
 * Commit mode: commit the call (and the samples flushed with it); only then
 * do the flushed samples count as stored.
 */
static void
commit_step(tb_run *run)
{
	tb_spi_commit();
	run->committed = run->flushed;
}

/* the warm-up and timed calls of tb_run_loop */
static void
run_calls(tb_run *run, tb_progress *progress)
{
	instr_time	start;
	instr_time	now;
	int			i;

	for (i = 1; i <= run->spec.warmup; i++)
	{
		CHECK_FOR_INTERRUPTS();
		tb_run_call(run, i, false);
		if (run->spec.mode == TB_MODE_COMMIT)
			commit_step(run);
	}

	tb_runstats_begin();		/* pg_stat_statements and memory, if in use */
	INSTR_TIME_SET_CURRENT(start);
	for (i = 1; i <= run->spec.iterations; i++)
	{
		CHECK_FOR_INTERRUPTS();
		tb_run_call(run, i, true);
		tb_runstats_tick(i);
		if (run->spec.mode == TB_MODE_COMMIT)
		{
			if (run->n - run->flushed >= SAMPLE_FLUSH)
				flush_samples(run);
			commit_step(run);
		}
		tb_progress_tick(progress, i, run->spec.iterations);
		if (run->spec.max_time_set)
		{
			INSTR_TIME_SET_CURRENT(now);
			INSTR_TIME_SUBTRACT(now, start);
			if (TB_INSTR_TIME_GET_NS(now) >= run->spec.max_time_ns && i < run->spec.iterations)
			{
				run->stopped_early = true;
				break;
			}
		}
	}
	tb_runstats_end();
}

/*
 * Warm-up and timed loop.  In commit mode, commit after every call and flush
 * samples every SAMPLE_FLUSH calls.
 */
void
tb_run_loop(tb_run *run)
{
	ErrorContextCallback errcb;
	tb_progress progress;
	char	   *what;

	/* util.c clips it to whole characters where space is short */
	what = psprintf("bench %s", run->spec.name ? run->spec.name : "");
	tb_progress_start(&progress, what);

	errcb.callback = harness_error_callback;
	errcb.arg = &run->cc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	PG_TRY();
	{
		run_calls(run, &progress);
	}
	PG_FINALLY();
	{
		/* application_name back, also when a call fails or is cancelled */
		error_context_stack = errcb.previous;
		tb_progress_finish(&progress);
	}
	PG_END_TRY();
}

/*
 * The schema an unqualified table name of the run resolves in first: the
 * first schema of the search_path in force that exists (implicit pg_catalog
 * and pg_temp aside), NULL when there is none.  environment() records the
 * newest dataset generated into that schema, and no other.
 */
static char *
first_schema_on_path(void)
{
	List	   *path = fetch_search_path(false);
	char	   *name = NULL;

	if (path != NIL)
		name = get_namespace_name(linitial_oid(path));
	list_free(path);
	return name;
}

/*
 * Insert the run row (status running) and return its id.
 */
int64
tb_run_insert(tb_run *run)
{
	Oid			types[17] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, INT4OID, INT4OID, INTERVALOID, INT4OID, TIMESTAMPTZOID, TEXTOID, NAMEOID,
	INT4OID, TIMESTAMPTZOID, NAMEOID};
	Datum		vals[17];
	char		nulls[17];
	char	   *schema = first_schema_on_path();
	tb_bookkeeping bk;
	int			rc;
	bool		isnull;
	int64		id;

	memset(nulls, ' ', sizeof(nulls));
#define TEXTARG(i, s) do { if ((s) == NULL) nulls[i] = 'n'; else vals[i] = CStringGetTextDatum(s); } while (0)
	TEXTARG(0, run->spec.name);
	TEXTARG(1, run->spec.label);
	TEXTARG(2, run->spec.suite);
	TEXTARG(3, run->spec.case_name);
	TEXTARG(4, run->spec.sql);
	TEXTARG(5, run->spec.params);
	vals[6] = CStringGetTextDatum(tb_mode_name(run->spec.mode));
	vals[7] = Int32GetDatum(run->spec.iterations);
	vals[8] = Int32GetDatum(run->spec.warmup);
	if (run->spec.max_time_set)
		vals[9] = IntervalPGetDatum(run->spec.max_time);
	else
		nulls[9] = 'n';
	if (run->spec.params)
		vals[10] = Int32GetDatum(run->params.nrows);
	else
		nulls[10] = 'n';
	vals[11] = TimestampTzGetDatum(run->started_at);
	vals[12] = CStringGetTextDatum(tb_search_path_current());	/* the user's, in force */
	vals[13] = DirectFunctionCall1(namein, CStringGetDatum(tb_current_role_name()));
	vals[14] = Int32GetDatum(MyProcPid);	/* reap_abandoned: is it still there? */
	vals[15] = TimestampTzGetDatum(MyStartTimestamp);
	if (schema != NULL)
		vals[16] = DirectFunctionCall1(namein, CStringGetDatum(schema));
	else
		nulls[16] = 'n';
#undef TEXTARG

	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args(
							   "INSERT INTO " TB_SCHEMA ".runs (name, label, suite, case_name, sql, params, mode, "
							   "iterations, warmup, max_time, param_rows, started_at, env, dataset_id, dataset_tasks, owner, "
							   "backend_pid, backend_start) "
							   "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
							   "jsonb_set(e, '{settings,search_path}', to_jsonb($13)), "
							   "(e->>'dataset_id')::bigint, (e->>'dataset_tasks')::bigint, $14, $15, $16 "
							   "FROM " TB_SCHEMA ".environment($17) e RETURNING run_id",
							   17, types, vals, nulls, false, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into tas_bench.runs: %s", SPI_result_code_string(rc));
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	run->run_id = id;
	return id;
}

/*
 * Commit mode: the bookkeeping between two commits runs in an internal
 * subtransaction, so an error or cancel there (in the sample store's
 * statements, say, which run on an SPI connection of their own) is
 * unwound by the subtransaction's abort: its SPI connections, snapshots and
 * locks go with it, and the transaction can then be rolled back.  An error
 * simply propagates: the subtransaction is left for abort_to_clean_state.
 */
typedef struct subxact
{
	MemoryContext cxt;
	ResourceOwner owner;
} subxact;

static void
begin_subxact(subxact *sx)
{
	sx->cxt = CurrentMemoryContext;
	sx->owner = CurrentResourceOwner;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(sx->cxt);
}

static void
end_subxact(subxact *sx)
{
	ReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(sx->cxt);
	CurrentResourceOwner = sx->owner;
}

/*
 * Append samples [flushed, n) to the sample store (core/samples.h), one
 * block of SAMPLE_FLUSH calls at a time; in commit mode each block in a
 * subtransaction of its own.
 */
static void
flush_samples(tb_run *run)
{
	while (run->n > run->flushed)
	{
		subxact		sx = {0};
		int			count = Min(run->n - run->flushed, SAMPLE_FLUSH);

		CHECK_FOR_INTERRUPTS();
		if (run->spec.mode == TB_MODE_COMMIT)
			begin_subxact(&sx);
		tb_samples_write(run->run_id, run->flushed + 1, count, run->ns + run->flushed,
						 run->prow + run->flushed, run->rows + run->flushed, true);
		if (run->spec.mode == TB_MODE_COMMIT)
			end_subxact(&sx);
		run->flushed += count;
	}
}

/*
 * Compute the summary of the samples and update the run row; status 'ok' or
 * 'failed' (with error text).  Returns the updated row as a HeapTuple in the
 * caller's (upper) memory when want_tuple.
 */
HeapTupleHeader
tb_run_finish(tb_run *run, const char *status, const char *error, bool want_tuple)
{
	tb_stats_summary s;
	tb_stats_ci ci;
	int64_t    *sorted;
	int64_t    *work;
	Oid			types[32];
	Datum		vals[32];
	char		nulls[32];
	int			k = 0;
	tb_bookkeeping bk;
	int			rc;
	double		n = run->n > 0 ? (double) run->n : 1.0;
	HeapTupleHeader result = NULL;
	MemoryContext old;

	flush_samples(run);

	old = MemoryContextSwitchTo(run->callcxt);
	memset(nulls, ' ', sizeof(nulls));
	memset(&s, 0, sizeof(s));
	memset(&ci, 0, sizeof(ci));
	if (run->n > 0)
	{
		/* the median's CI: 95% bootstrap percentile interval, seeded by run_id */
		sorted = MemoryContextAllocHuge(run->callcxt, sizeof(int64_t) * run->n);
		work = palloc(sizeof(int64_t) * TB_CI_RESAMPLES);
		memcpy(sorted, run->ns, sizeof(int64_t) * run->n);
		{
			/* radix sort: 1M timings in 20-30 ms, qsort took 250-330 ms */
			int64_t    *radix = MemoryContextAllocHuge(run->callcxt, sizeof(int64_t) * run->n);

			tb_stats_sort_int64_work(sorted, run->n, radix);
			pfree(radix);
		}
		tb_stats_summarize(sorted, run->n, &s);
		tb_stats_bootstrap_median_ci(sorted, run->n, 0.95, TB_CI_RESAMPLES,
									 (uint64_t) run->run_id, work, &ci);
	}

#define ARG(type, datum) (types[k] = (type), vals[k] = (datum), k++)
#define ARGN(type, datum, isnull) (types[k] = (type), vals[k] = (datum), nulls[k] = (isnull) ? 'n' : ' ', k++)
	ARG(INT8OID, Int64GetDatum(run->run_id));
	ARG(TEXTOID, CStringGetTextDatum(status));
	ARGN(TEXTOID, error ? CStringGetTextDatum(error) : (Datum) 0, error == NULL);
	ARGN(INT4OID, Int32GetDatum(run->error_iteration), run->error_iteration == 0);
	ARGN(INT4OID, Int32GetDatum(run->error_param_row), run->error_param_row == 0);
	ARG(BOOLOID, BoolGetDatum(run->stopped_early));
	ARG(INT4OID, Int32GetDatum(run->n));
	/* 7.. statistics, NULL without samples */
	ARGN(INT8OID, Int64GetDatum(s.min), run->n == 0);
	ARGN(INT8OID, Int64GetDatum(s.p50), run->n == 0);
	ARGN(INT8OID, Int64GetDatum(s.p90), run->n == 0);
	ARGN(INT8OID, Int64GetDatum(s.p95), run->n == 0);
	ARGN(INT8OID, Int64GetDatum(s.p99), run->n == 0);
	ARGN(INT8OID, Int64GetDatum(s.max), run->n == 0);
	ARGN(FLOAT8OID, Float8GetDatum(s.mean), run->n == 0);
	ARGN(FLOAT8OID, Float8GetDatum(s.stddev), run->n < 2 || isnan(s.stddev));
	ARGN(FLOAT8OID, Float8GetDatum((double) s.mad), run->n == 0);
	ARGN(FLOAT8OID, Float8GetDatum(s.p50 > 0 ? (double) s.p95 / (double) s.p50 : 0), run->n == 0 || s.p50 <= 0);
	ARGN(FLOAT8OID, Float8GetDatum(ci.low), run->n == 0 || isnan(ci.low));
	ARGN(FLOAT8OID, Float8GetDatum(ci.high), run->n == 0 || isnan(ci.high));
	ARGN(INT4OID, Int32GetDatum(s.low_mild), run->n == 0);
	ARGN(INT4OID, Int32GetDatum(s.high_mild), run->n == 0);
	ARGN(INT4OID, Int32GetDatum(s.low_severe), run->n == 0);
	ARGN(INT4OID, Int32GetDatum(s.high_severe), run->n == 0);
	{
		int64		rows = 0;
		int64		total = 0;
		int			i;

		/* over the first n samples: after a failed write-out, the stored ones */
		for (i = 0; i < run->n; i++)
		{
			rows += run->rows[i];
			total += run->ns[i];
		}
		ARG(INT8OID, Int64GetDatum(total));
		ARGN(FLOAT8OID, Float8GetDatum(rows / n), run->n == 0);
	}
	/* buffers and WAL per call, as a float8[] to keep the argument count sane */
	{
		Datum		per[11];

		per[0] = Float8GetDatum(run->bufusage.shared_blks_hit / n);
		per[1] = Float8GetDatum(run->bufusage.shared_blks_read / n);
		per[2] = Float8GetDatum(run->bufusage.shared_blks_dirtied / n);
		per[3] = Float8GetDatum(run->bufusage.shared_blks_written / n);
		per[4] = Float8GetDatum(run->bufusage.local_blks_hit / n);
		per[5] = Float8GetDatum(run->bufusage.local_blks_read / n);
		per[6] = Float8GetDatum(run->bufusage.temp_blks_read / n);
		per[7] = Float8GetDatum(run->bufusage.temp_blks_written / n);
		per[8] = Float8GetDatum(run->walusage.wal_records / n);
		per[9] = Float8GetDatum(run->walusage.wal_fpi / n);
		per[10] = Float8GetDatum((double) run->walusage.wal_bytes / n);
		ARGN(FLOAT8ARRAYOID,
			 PointerGetDatum(construct_array(per, 11, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
			 run->n == 0);
	}
#undef ARG
#undef ARGN

	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args(
							   "UPDATE " TB_SCHEMA ".runs SET status = $2, error = $3, error_iteration = $4, "
							   "error_param_row = $5, stopped_early = $6, n = $7, min_ns = $8, p50_ns = $9, "
							   "p90_ns = $10, p95_ns = $11, p99_ns = $12, max_ns = $13, mean_ns = $14, "
							   "stddev_ns = $15, mad_ns = $16, p95_p50 = $17, p50_ci_low_ns = $18, "
							   "p50_ci_high_ns = $19, outliers_low_mild = $20, outliers_high_mild = $21, "
							   "outliers_low_severe = $22, outliers_high_severe = $23, total_ns = $24, "
							   "rows_per_call = $25, shared_hit_per_call = $26[1], shared_read_per_call = $26[2], "
							   "shared_dirtied_per_call = $26[3], shared_written_per_call = $26[4], "
							   "local_hit_per_call = $26[5], local_read_per_call = $26[6], "
							   "temp_read_per_call = $26[7], temp_written_per_call = $26[8], "
							   "wal_records_per_call = $26[9], wal_fpi_per_call = $26[10], "
							   "wal_bytes_per_call = $26[11], finished_at = clock_timestamp() "
							   "WHERE run_id = $1 RETURNING *",
							   k, types, vals, nulls, false, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_UPDATE_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not update tas_bench.runs: %s", SPI_result_code_string(rc));
	MemoryContextSwitchTo(old);
	if (want_tuple)
		result = SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
	SPI_freetuptable(SPI_tuptable);
	MemoryContextReset(run->callcxt);
	return result;
}

/* read the common arguments 0..6 (sql .. label) */
static void
read_common_args(FunctionCallInfo fcinfo, tb_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->sql = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	spec->params = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (spec->params && spec->params[strspn(spec->params, " \t\r\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params must be a query or NULL, not an empty string")));
	tb_require_arg(fcinfo, 2, "iterations",
				   "Pass the number of timed calls, between 1 and tas_bench.max_iterations (omit it for 100).");
	tb_require_arg(fcinfo, 3, "warmup",
				   "Pass the number of untimed calls before them, 0 or more (omit it for 10).");
	spec->iterations = PG_GETARG_INT32(2);
	spec->warmup = PG_GETARG_INT32(3);
	if (!PG_ARGISNULL(4))
	{
		spec->max_time = PG_GETARG_INTERVAL_P(4);
		spec->max_time_set = true;
		spec->max_time_ns = tb_interval_ns(spec->max_time);
	}
	spec->name = PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5));
	spec->label = PG_ARGISNULL(6) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(6));
}

static char *
opt_text_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * tas_bench.bench(sql, params, iterations, warmup, max_time, name, label, mode)
 *		RETURNS tas_bench.runs
 */
PG_FUNCTION_INFO_V1(tas_bench_bench);
Datum
tas_bench_bench(PG_FUNCTION_ARGS)
{
	tb_run		run;
	HeapTupleHeader result;

	memset(&run, 0, sizeof(run));
	read_common_args(fcinfo, &run.spec);
	tb_require_arg(fcinfo, 7, "mode", "Pass 'shared' or 'rollback' (omit it for 'shared').");
	run.spec.mode = tb_parse_mode(text_to_cstring(PG_GETARG_TEXT_PP(7)));
	run.spec.search_path = opt_text_arg(fcinfo, 8);
	tb_check_spec(&run.spec);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	tb_run_setup(&run);
	PG_TRY();
	{
		tb_run_loop(&run);
	}
	PG_CATCH();
	{
		tb_runstats_discard();
		tb_run_release(&run);
		PG_RE_THROW();
	}
	PG_END_TRY();
	tb_run_release(&run);
	tb_run_insert(&run);		/* env records the search_path in force */
	tb_runstats_store("runs", run.run_id, run.n);
	result = tb_run_finish(&run, "ok", NULL, true);
	tb_run_restore_search_path(&run);
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(result);
}

/*
 * After an error in commit mode, get back to a clean transaction state: an
 * error outside a call's own subtransaction (in the sample write-out, the
 * summary, a commit) can leave a subtransaction open and active snapshots
 * pushed by SPI, with which SPI_rollback would refuse to run ("portal
 * snapshots did not account for all active snapshots", "cannot roll back
 * while a subtransaction is active").  Every active snapshot above the CALL
 * portal's own (which SPI re-creates after each commit) is one that our
 * statement pushed and the error skipped popping.
 */
static void
abort_to_clean_state(MemoryContext cxt)
{
	MemoryContextSwitchTo(cxt);
	while (IsSubTransaction())
		RollbackAndReleaseCurrentSubTransaction();
	while (ActiveSnapshotSet() &&
		   (ActivePortal == NULL || GetActiveSnapshot() != ActivePortal->portalSnapshot))
		PopActiveSnapshot();
	MemoryContextSwitchTo(cxt);
	tb_spi_rollback();
	MemoryContextSwitchTo(cxt);
}

/* tb_run_finish in a subtransaction (see begin_subxact) */
static void
finish_commit_run(tb_run *run, const char *status, const char *error)
{
	subxact		sx;

	begin_subxact(&sx);
	tb_run_finish(run, status, error, false);
	end_subxact(&sx);
}

/*
 * Store the run's end and commit it; false (transaction rolled back) when
 * that failed.  The samples not yet stored are written out first.
 */
static bool
try_finish_commit_run(tb_run *run, const char *status, const char *error)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = true;

	PG_TRY();
	{
		finish_commit_run(run, status, error);
		commit_step(run);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		abort_to_clean_state(cxt);
		ereport(WARNING,
				(errmsg("bench_commit run " INT64_FORMAT ": storing its end failed: %s",
						run->run_id, e->message),
				 errdetail("Its %d committed samples stay; %d not yet stored are dropped if storing fails again.",
						   run->committed, run->n - run->committed)));
		run->flushed = run->committed;
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/*
 * A bench_commit run stopped by an error or a cancel (status failed or
 * cancelled): roll back what is left, then store the run with every sample
 * it has and the summary over them; if that write-out fails too, the run is
 * stored with the samples already committed, and its summary over exactly
 * those.  Interrupts are held throughout, so a second cancel or a
 * statement_timeout cannot leave the run 'running'; a pending one is
 * handled after.
 */
static void
store_stopped_commit_run(tb_run *run, const char *status, const char *error)
{
	MemoryContext cxt = CurrentMemoryContext;

	HOLD_INTERRUPTS();
	abort_to_clean_state(cxt);
	run->flushed = run->committed;
	tb_run_restore_search_path(run);
	commit_step(run);
	if (!try_finish_commit_run(run, status, error))
	{
		run->n = run->committed;
		if (!try_finish_commit_run(run, status, error))
			ereport(WARNING,
					(errmsg("bench_commit run " INT64_FORMAT " could not be stored as %s", run->run_id, status),
					 errhint("tas_bench.reap_abandoned() stores it as abandoned once this session ends.")));
	}
	RESUME_INTERRUPTS();
}

/* the message stored for an error: warm-up failures say so */
static char *
stopped_run_error(tb_run *run, ErrorData *edata)
{
	const char *msg = edata->message ? edata->message : "unknown error";

	if (run->error_iteration > 0 && run->cc.phase != NULL &&
		strcmp(run->cc.phase, "warm-up call") == 0)
	{
		int			call = run->error_iteration;

		run->error_iteration = 0;	/* not a timed iteration */
		return psprintf("warm-up call %d: %s", call, msg);
	}
	return pstrdup(msg);
}

static bool
parse_on_error(const char *on_error)
{
	if (strcmp(on_error, "raise") == 0)
		return true;
	if (strcmp(on_error, "record") == 0)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("argument on_error must be 'raise' or 'record', not \"%s\"", on_error),
			 errhint("raise stores the failed run and raises the error again; record stores it and returns with a WARNING.")));
	return true;				/* keep compiler quiet */
}

/*
 * CALL tas_bench.bench_commit(sql, params, iterations, warmup, max_time,
 *							   name, label, INOUT run_id, search_path, on_error)
 *
 * The run row is committed first (status running, with this backend's pid
 * and start time); then the calls, each committed, the samples written out
 * every SAMPLE_FLUSH calls, and the summary.  Whatever stops it (a failing
 * call, an error or cancel during the write-out or the summary,
 * statement_timeout), the run ends stored as failed or cancelled with its
 * samples and their summary; a backend that dies leaves it running until
 * reap_abandoned() marks it abandoned.
 */
PG_FUNCTION_INFO_V1(tas_bench_bench_commit);
Datum
tas_bench_bench_commit(PG_FUNCTION_ARGS)
{
	tb_run		run;
	bool		nonatomic;
	volatile bool failed = false;
	ErrorData  *volatile edata = NULL;
	TupleDesc	tupdesc;
	Datum		outval[1];
	bool		outnull[1] = {false};
	MemoryContext callercxt = CurrentMemoryContext;
	bool		raise_error;

	nonatomic = fcinfo->context && IsA(fcinfo->context, CallContext) &&
		!castNode(CallContext, fcinfo->context)->atomic;
	if (!nonatomic)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_TERMINATION),
				 errmsg("bench_commit must be called with CALL outside a transaction block"),
				 errdetail("It commits after every call, which is not possible inside BEGIN ... COMMIT, a function or a DO block with an explicit transaction."),
				 errhint("Run CALL tas_bench.bench_commit(...) on its own, or use tas_bench.bench(..., mode => 'rollback').")));

	memset(&run, 0, sizeof(run));
	read_common_args(fcinfo, &run.spec);
	run.spec.mode = TB_MODE_COMMIT;
	run.spec.search_path = opt_text_arg(fcinfo, 8);
	tb_require_arg(fcinfo, 9, "on_error", "Pass 'raise' (store the failed run, raise the error again) or 'record' (store it, return with a WARNING).");
	raise_error = parse_on_error(opt_text_arg(fcinfo, 9));
	tb_check_spec(&run.spec);

	if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	tb_run_setup(&run);
	tb_run_insert(&run);
	commit_step(&run);

	PG_TRY();
	{
		tb_run_loop(&run);
		tb_runstats_store("runs", run.run_id, run.n);
		finish_commit_run(&run, "ok", NULL);
		commit_step(&run);
	}
	PG_CATCH();
	{
		/*
		 * A call failed (its subtransaction is already rolled back), the
		 * write-out or the summary failed, or the run was cancelled.  Keep
		 * the error and store the run as failed or cancelled.
		 */
		MemoryContextSwitchTo(run.runcxt);
		edata = CopyErrorData();
		FlushErrorState();
		tb_runstats_discard();
		failed = true;
		run.error_iteration = run.cc.iteration;
		run.error_param_row = run.cc.iteration > 0 ? run.cc.param_row : 0;
	}
	PG_END_TRY();

	if (failed)
	{
		bool		cancelled = edata->sqlerrcode == ERRCODE_QUERY_CANCELED;
		char	   *msg = stopped_run_error(&run, edata);

		store_stopped_commit_run(&run, cancelled ? "cancelled" : "failed", msg);
		tb_run_release(&run);
		if (raise_error || cancelled)
			ReThrowError(edata);
		ereport(WARNING,
				(errmsg("bench_commit run %s failed%s: %s",
						run.spec.name ? run.spec.name : "",
						run.error_iteration > 0 ? psprintf(" at call %d", run.error_iteration) : "",
						msg),
				 errdetail("The run is stored in tas_bench.runs with status failed.")));
	}
	else
	{
		tb_run_restore_search_path(&run);
		tb_run_release(&run);
	}
	SPI_finish();

	MemoryContextSwitchTo(callercxt);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bench_commit: return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	outval[0] = Int64GetDatum(run.run_id);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, outval, outnull)));
}

/*
 * Runs whose backend is gone (pg_terminate_backend, a crash) stay 'running':
 * mark them 'abandoned', with n and the summary over the samples they
 * committed.  A run is abandoned when no backend with its pid and start
 * time is in pg_stat_activity; when the start time is hidden (a backend of
 * another role, without pg_read_all_stats), the pid alone keeps it alive.
 * Rows another session is reaping are skipped, so this never waits.
 * Bookkeeping: written as the extension owner; returns the number marked.
 */
int64
tb_reap_abandoned(void)
{
	tb_bookkeeping bk;
	int			rc;

	tb_bookkeeping_begin(&bk);
	rc = SPI_execute(
					 "WITH dead AS ("
					 "  SELECT r.run_id, r.backend_pid FROM " TB_SCHEMA ".runs r "
					 "   WHERE r.status = 'running' AND r.backend_pid IS NOT NULL "
					 "     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a "
					 "                      WHERE a.pid OPERATOR(pg_catalog.=) r.backend_pid "
					 "                        AND (a.backend_start IS NULL "
					 "                             OR a.backend_start OPERATOR(pg_catalog.=) r.backend_start)) "
					 "   FOR UPDATE OF r SKIP LOCKED), "
					 "st AS ("
					 "  SELECT b.run_id, pg_catalog.count(*)::int AS n, pg_catalog.min(s.ns) AS min_ns, "
					 "         pg_catalog.max(s.ns) AS max_ns, pg_catalog.sum(s.ns)::bigint AS total_ns, "
					 "         pg_catalog.avg(s.ns)::float8 AS mean_ns, pg_catalog.stddev_samp(s.ns)::float8 AS sd, "
					 "         pg_catalog.avg(s.rows)::float8 AS rows_per_call, "
					 "         pg_catalog.percentile_disc(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) "
					 "           WITHIN GROUP (ORDER BY s.ns) AS p "
					 "    FROM dead JOIN " TB_SCHEMA ".sample_blocks b ON b.run_id OPERATOR(pg_catalog.=) dead.run_id "
					 "         CROSS JOIN LATERAL " TB_SCHEMA ".sample_decode(b.first_seq, b.data) s "
					 "   GROUP BY b.run_id) "
					 "UPDATE " TB_SCHEMA ".runs r SET status = 'abandoned', finished_at = pg_catalog.clock_timestamp(), "
					 "  error = pg_catalog.format('its backend (pid %s) ended before the run finished', dead.backend_pid), "
					 "  n = COALESCE(st.n, 0), min_ns = st.min_ns, max_ns = st.max_ns, "
					 "  p50_ns = st.p[1], p90_ns = st.p[2], p95_ns = st.p[3], p99_ns = st.p[4], "
					 "  mean_ns = st.mean_ns, stddev_ns = st.sd, total_ns = st.total_ns, "
					 "  rows_per_call = st.rows_per_call, "
					 "  p95_p50 = CASE WHEN st.p[1] OPERATOR(pg_catalog.>) 0 "
					 "                 THEN st.p[3]::float8 OPERATOR(pg_catalog./) st.p[1] END "
					 "  FROM dead LEFT JOIN st USING (run_id) "
					 " WHERE r.run_id OPERATOR(pg_catalog.=) dead.run_id",
					 false, 0);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update tas_bench.runs: %s", SPI_result_code_string(rc));
	return (int64) SPI_processed;
}

/*
 * tas_bench.reap_abandoned() RETURNS bigint
 *		Mark runs whose backend is gone as abandoned (tb_reap_abandoned).
 */
PG_FUNCTION_INFO_V1(tas_bench_reap_abandoned);
Datum
tas_bench_reap_abandoned(PG_FUNCTION_ARGS)
{
	int64		n;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	n = tb_reap_abandoned();
	SPI_finish();
	PG_RETURN_INT64(n);
}

/*
 * tas_bench.spi_loop_ns(sql, iterations) RETURNS float8
 *		Mean ns per call of a bare loop of SPI_execute_plan over a kept plan,
 *		timed as a whole: the reference the harness floor is compared with.
 */
PG_FUNCTION_INFO_V1(tas_bench_spi_loop_ns);
Datum
tas_bench_spi_loop_ns(PG_FUNCTION_ARGS)
{
	char	   *sql;
	int32		iterations;
	SPIPlanPtr	plan;
	instr_time	t0;
	instr_time	t1;
	int32		i;

	tb_require_arg(fcinfo, 0, "sql", "Pass the statement to loop over, e.g. 'SELECT 1'.");
	tb_require_arg(fcinfo, 1, "iterations",
				   "Pass the number of calls, between 1 and tas_bench.max_iterations (omit it for 100000).");
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	iterations = PG_GETARG_INT32(1);
	if (iterations < 1 || iterations > tb_max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument iterations must be between 1 and %d, not %d",
						tb_max_iterations, iterations),
				 errhint("The upper limit is the setting tas_bench.max_iterations.")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql could not be prepared: %s",
						SPI_result_code_string(SPI_result))));
	check_one_statement(plan, "sql", sql);
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	INSTR_TIME_SET_CURRENT(t0);
	for (i = 0; i < iterations; i++)
	{
		int			rc;

		CHECK_FOR_INTERRUPTS();
		rc = SPI_execute_plan(plan, NULL, NULL, false, 0);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument sql could not be run: %s", SPI_result_code_string(rc))));
		SPI_freetuptable(SPI_tuptable);
	}
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	SPI_freeplan(plan);
	SPI_finish();
	PG_RETURN_FLOAT8((double) TB_INSTR_TIME_GET_NS(t1) / iterations);
}
