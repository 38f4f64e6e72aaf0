/*-------------------------------------------------------------------------
 *
 * plans.c
 *	  Plan capture: tas_bench.capture_plans(run_id) stores the
 *	  EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) plan of a run's statement *and*
 *	  the plans of the statements executed inside it (the bodies of PL/pgSQL
 *	  and SQL functions), in tas_bench.plans.
 *
 * A plain EXPLAIN of `SELECT * FROM f($1)` shows one Function Scan node and
 * nothing of what f does.  Like auto_explain with log_nested_statements, this
 * file hooks ExecutorStart/Run/Finish/End and keeps a nesting level; while a
 * capture is active in this backend (and only then), every statement that
 * starts below the explained one gets row, buffer and timing instrumentation,
 * and at its end its plan is rendered as JSON.  Statements are grouped by
 * (nesting level, statement text): the first execution's plan is kept, and
 * calls, rows, time and buffers are summed over all executions.  Outside a
 * capture the hooks only count the nesting level.
 *
 * The capture runs in an internal subtransaction that is rolled back, so a
 * state-changing statement leaves nothing behind, and with the search_path
 * the run was timed with.  Captured data lives in a memory context of its
 * own, deleted when the capture ends (also on error).
 *
 * IDENTIFICATION
 *	  src/core/plans.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "core/harness.h"
#include "core/plans.h"
#include "util.h"

/* one distinct nested statement */
typedef struct captured_stmt
{
	int			level;			/* 1 = directly inside the explained statement */
	char	   *statement;
	char	   *plan_json;		/* of the first execution */
	int64		calls;
	int64		rows;
	double		total_ms;
	int64		shared_hit;
	int64		shared_read;
} captured_stmt;

static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;

static int	nesting_level = 0;
static bool capture_active = false;
static int	capture_base = 0;
static MemoryContext capture_cxt = NULL;
static List *captured = NIL;

#define CAPTURING() (capture_active && nesting_level > capture_base)

static void
tb_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	bool		capture = CAPTURING() && (eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0;

	if (capture)
		queryDesc->instrument_options |= INSTRUMENT_TIMER | INSTRUMENT_ROWS | INSTRUMENT_BUFFERS;
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
	if (capture && queryDesc->totaltime == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(queryDesc->estate->es_query_cxt);

		queryDesc->totaltime = TB_InstrAlloc(1, INSTRUMENT_ALL);
		MemoryContextSwitchTo(old);
	}
}

static void
tb_ExecutorRun(TB_EXECUTOR_RUN_ARGS)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorRun)
			prev_ExecutorRun(TB_EXECUTOR_RUN_PASS);
		else
			standard_ExecutorRun(TB_EXECUTOR_RUN_PASS);
	}
	PG_FINALLY();
	{
		nesting_level--;
	}
	PG_END_TRY();
}

static void
tb_ExecutorFinish(QueryDesc *queryDesc)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_FINALLY();
	{
		nesting_level--;
	}
	PG_END_TRY();
}

static void
record_statement(QueryDesc *queryDesc)
{
	MemoryContext old;
	captured_stmt *cs = NULL;
	const char *text = queryDesc->sourceText ? queryDesc->sourceText : "";
	int			level = nesting_level - capture_base;
	Instrumentation *ins = queryDesc->totaltime;
	ListCell   *lc;

	InstrEndLoop(ins);
	foreach(lc, captured)
	{
		captured_stmt *c = (captured_stmt *) lfirst(lc);

		if (c->level == level && strcmp(c->statement, text) == 0)
		{
			cs = c;
			break;
		}
	}

	old = MemoryContextSwitchTo(capture_cxt);
	if (cs == NULL)
	{
		ExplainState *es = NewExplainState();

		es->analyze = true;
		es->buffers = true;
		es->timing = true;
		es->summary = false;
		es->verbose = false;
		es->format = EXPLAIN_FORMAT_JSON;
		ExplainBeginOutput(es);
		ExplainPrintPlan(es, queryDesc);
		ExplainEndOutput(es);
		/* as auto_explain: the output is "[ "Plan": ... ]", make it an object */
		if (es->str->len >= 2)
		{
			es->str->data[0] = '{';
			es->str->data[es->str->len - 1] = '}';
		}

		cs = palloc0(sizeof(captured_stmt));
		cs->level = level;
		cs->statement = pstrdup(text);
		/* the same layout as EXPLAIN's own output: an array of one object */
		cs->plan_json = psprintf("[%s]", es->str->data);
		captured = lappend(captured, cs);
	}
	cs->calls++;
	cs->rows += (int64) ins->ntuples;
	cs->total_ms += ins->total * 1000.0;
	cs->shared_hit += ins->bufusage.shared_blks_hit;
	cs->shared_read += ins->bufusage.shared_blks_read;
	MemoryContextSwitchTo(old);
}

static void
tb_ExecutorEnd(QueryDesc *queryDesc)
{
	if (CAPTURING() && queryDesc->totaltime != NULL && capture_cxt != NULL)
		record_statement(queryDesc);
	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
}

void
tb_plans_init(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = tb_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = tb_ExecutorRun;
	prev_ExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = tb_ExecutorFinish;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = tb_ExecutorEnd;
}

static void
capture_end(void)
{
	capture_active = false;
	captured = NIL;
	if (capture_cxt)
		MemoryContextDelete(capture_cxt);
	capture_cxt = NULL;
}

static void
insert_plan(int64 run_id, int level, const char *statement, const char *plan_json,
			int64 calls, int64 rows, double total_ms, int64 hit, int64 read)
{
	Oid			types[9] = {INT8OID, INT4OID, TEXTOID, TEXTOID, INT8OID, INT8OID,
	FLOAT8OID, INT8OID, INT8OID};
	Datum		vals[9];
	char		nulls[9] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	tb_bookkeeping bk;
	int			rc;

	vals[0] = Int64GetDatum(run_id);
	vals[1] = Int32GetDatum(level);
	vals[2] = CStringGetTextDatum(statement);
	vals[3] = CStringGetTextDatum(plan_json);
	vals[4] = Int64GetDatum(calls);
	vals[5] = Int64GetDatum(rows);
	vals[6] = Float8GetDatum(total_ms);
	vals[7] = Int64GetDatum(hit);
	vals[8] = Int64GetDatum(read);
	/* negative: take the figure from the plan's top node (level 0) */
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("WITH p(j) AS (SELECT $4::jsonb), t(n) AS (SELECT j -> 0 -> 'Plan' FROM p) "
							   "INSERT INTO " TB_SCHEMA ".plans (run_id, level, statement, plan, "
							   "calls, rows, total_ms, shared_hit, shared_read, shape, fingerprint, relations) "
							   "SELECT $1, $2, $3, j, $5, "
							   "coalesce(nullif($6, -1), round((n ->> 'Actual Rows')::numeric)::bigint), "
							   "coalesce(nullif($7, -1), (n ->> 'Actual Total Time')::float8), "
							   "coalesce(nullif($8, -1), (n ->> 'Shared Hit Blocks')::bigint), "
							   "coalesce(nullif($9, -1), (n ->> 'Shared Read Blocks')::bigint), "
							   TB_SCHEMA ".plan_shape(n), md5(" TB_SCHEMA ".plan_shape(n)), "
							   "ARRAY(SELECT DISTINCT r #>> '{}' FROM jsonb_path_query(n, 'strict $.**.\"Relation Name\"') r ORDER BY 1) "
							   "FROM p, t",
							   9, types, vals, nulls, false, 0);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into tas_bench.plans: %s", SPI_result_code_string(rc));
}

/*
 * EXPLAIN ANALYZE the statement in a subtransaction that is rolled back,
 * with capture on; returns the top plan's JSON (in capture_cxt).
 */
static pg_noinline char *
explain_and_capture(const char *explain, int nargs, Oid *types, Datum *vals, const char *nulls)
{
	MemoryContext fncxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	char	   *top_json = NULL;
	int			rc;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(fncxt);
	PG_TRY();
	{
		capture_base = nesting_level;
		capture_active = true;
		rc = SPI_execute_with_args(explain, nargs, types, vals, nulls, false, 0);
		capture_active = false;
		if (rc != SPI_OK_UTILITY || SPI_tuptable == NULL || SPI_processed < 1)
			elog(ERROR, "EXPLAIN returned no plan");
		top_json = MemoryContextStrdup(capture_cxt,
									   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_freetuptable(SPI_tuptable);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(fncxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		capture_active = false;
		MemoryContextSwitchTo(fncxt);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(fncxt);
		CurrentResourceOwner = oldowner;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return top_json;
}

static int
store_captured(int64 run_id, const char *sql, const char *top_json)
{
	int			stored = 0;
	ListCell   *lc;

	insert_plan(run_id, 0, sql, top_json, 1, -1, -1, -1, -1);
	stored++;
	foreach(lc, captured)
	{
		captured_stmt *cs = (captured_stmt *) lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		insert_plan(run_id, cs->level, cs->statement, cs->plan_json, cs->calls,
					cs->rows, cs->total_ms, cs->shared_hit, cs->shared_read);
		stored++;
	}
	return stored;
}

/* capture, restore the search_path, store; the capture memory goes in any case */
static int
capture_and_store(int64 run_id, const char *sql, const char *explain, int nargs,
				  Oid *types, Datum *vals, const char *nulls, int path_nest)
{
	volatile int stored = 0;

	PG_TRY();
	{
		char	   *top_json = explain_and_capture(explain, nargs, types, vals, nulls);

		if (path_nest >= 0)
			tb_search_path_pop(path_nest);
		stored = store_captured(run_id, sql, top_json);
	}
	PG_CATCH();
	{
		capture_end();
		PG_RE_THROW();
	}
	PG_END_TRY();
	capture_end();
	return stored;
}

/*
 * tas_bench.capture_plans(run_id bigint) RETURNS integer
 *		Explain the run's statement with its first parameter row, capture
 *		the nested plans, store them all; returns the number of plans stored.
 */
PG_FUNCTION_INFO_V1(tas_bench_capture_plans);
Datum
tas_bench_capture_plans(PG_FUNCTION_ARGS)
{
	int64		run_id = PG_GETARG_INT64(0);
	Oid			argtypes[1] = {INT8OID};
	Datum		argvals[1];
	char	   *sql;
	char	   *params_sql;
	char	   *search_path;
	char	   *owner;
	tb_params	params;
	int			path_nest = -1;
	tb_bookkeeping bk;
	Datum	   *vals;
	char	   *nulls;
	StringInfoData explain;
	int			stored = 0;
	int			rc;

	if (capture_active)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a plan capture is already running in this session")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	argvals[0] = Int64GetDatum(run_id);
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("SELECT sql, params, env -> 'settings' ->> 'search_path', owner::text "
							   "FROM " TB_SCHEMA ".runs WHERE run_id = $1",
							   1, argtypes, argvals, NULL, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument run_id " INT64_FORMAT " names no run in tas_bench.runs", run_id)));
	sql = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	params_sql = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	search_path = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	owner = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	SPI_freetuptable(SPI_tuptable);
	tb_bookkeeping_end(&bk);
	if (!tb_acts_as(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("run " INT64_FORMAT " belongs to role \"%s\"; its statement runs only as that role",
						run_id, owner),
				 errdetail("capture_plans executes the run's sql and params."),
				 errhint("SET ROLE %s, then capture its plans.", quote_identifier(owner))));

	/* the run's own search_path is in force for its params and statement only */
	path_nest = -1;
	if (search_path != NULL)
		path_nest = tb_search_path_push(search_path);

	/* the first parameter row, loaded as the timed run loaded its rows */
	tb_params_load(&params, params_sql, CurrentMemoryContext);
	tb_params_row(&params, 0, &vals, &nulls);

	initStringInfo(&explain);
	appendStringInfo(&explain, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s", sql);

	capture_cxt = AllocSetContextCreate(TopMemoryContext, "tas_bench plan capture",
										ALLOCSET_DEFAULT_SIZES);
	captured = NIL;
	stored = capture_and_store(run_id, sql, explain.data, params.nargs, params.argtypes, vals, nulls, path_nest);
	SPI_finish();
	PG_RETURN_INT32(stored);
}
