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
 * The same hooks have a second mode, for tas_bench.plan_tree() and the plan
 * check of tas_bench.expect() (core/expect.c): the statement itself is
 * executed (not EXPLAINed) with capture on, and every statement that starts
 * from it on, itself included, has its plan rendered right after
 * ExecutorStart as EXPLAIN (COSTS OFF) text: no instrumentation, so no rows,
 * times or buffers.  Rendering at start lists the statements in the order
 * they started, which with their nesting level reads as a tree.  Distinct
 * (level, statement text, plan) are kept with their number of executions.
 * Generic plans are pinned while such a capture runs (tb_plans_pin_generic),
 * so the text does not depend on parameter values nor on how often the
 * session ran the statement before.
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
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
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

/* plan_tree: one distinct (level, statement, plan) of a call */
typedef struct shape_stmt
{
	int			level;			/* 0 = the statement itself */
	char	   *statement;
	char	   *plan_text;		/* EXPLAIN (COSTS OFF) text */
	int64		calls;
} shape_stmt;

typedef enum capture_kind
{
	CAPTURE_ANALYZE,			/* capture_plans: EXPLAIN ANALYZE JSON at end */
	CAPTURE_SHAPES				/* plan_tree: COSTS OFF text at start */
} capture_kind;

static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;

static int	nesting_level = 0;
static bool capture_active = false;
static int	capture_base = 0;
static capture_kind capture_mode = CAPTURE_ANALYZE;
static MemoryContext capture_cxt = NULL;
static MemoryContext render_cxt = NULL; /* shapes mode: reset per statement */
static List *captured = NIL;
static List *shapes = NIL;

static void record_shape(QueryDesc *queryDesc);

#define CAPTURING() (capture_active && nesting_level > capture_base)

static void
tb_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	bool		capture = CAPTURING() && (eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0;
	bool		analyze = capture && capture_mode == CAPTURE_ANALYZE;

	if (analyze)
		queryDesc->instrument_options |= INSTRUMENT_TIMER | INSTRUMENT_ROWS | INSTRUMENT_BUFFERS;
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
	if (capture && capture_mode == CAPTURE_SHAPES)
		record_shape(queryDesc);
	if (analyze && queryDesc->totaltime == NULL)
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
	if (CAPTURING() && capture_mode == CAPTURE_ANALYZE &&
		queryDesc->totaltime != NULL && capture_cxt != NULL)
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
	capture_mode = CAPTURE_ANALYZE;
	captured = NIL;
	shapes = NIL;
	if (capture_cxt)
		MemoryContextDelete(capture_cxt);	/* render_cxt is its child */
	capture_cxt = NULL;
	render_cxt = NULL;
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

/* ---------------------------------------------------------------- plan_tree */

/*
 * Shapes mode, called right after ExecutorStart: render the statement's plan
 * as EXPLAIN (COSTS OFF) text and count it under (level, text, plan).
 */
static void
record_shape(QueryDesc *queryDesc)
{
	const char *text = queryDesc->sourceText ? queryDesc->sourceText : "";
	int			level = nesting_level - capture_base - 1;
	MemoryContext old;
	ExplainState *es;
	shape_stmt *found = NULL;
	ListCell   *lc;

	if (render_cxt == NULL)
		return;
	old = MemoryContextSwitchTo(render_cxt);
	es = NewExplainState();
	es->analyze = false;
	es->costs = false;
	es->verbose = false;
	es->buffers = false;
	es->timing = false;
	es->summary = false;
	es->format = EXPLAIN_FORMAT_TEXT;
	ExplainBeginOutput(es);
	ExplainPrintPlan(es, queryDesc);
	ExplainEndOutput(es);
	/* no trailing newline: lines are split on '\n' */
	while (es->str->len > 0 && es->str->data[es->str->len - 1] == '\n')
		es->str->data[--es->str->len] = '\0';

	foreach(lc, shapes)
	{
		shape_stmt *ss = (shape_stmt *) lfirst(lc);

		if (ss->level == level && strcmp(ss->statement, text) == 0 &&
			strcmp(ss->plan_text, es->str->data) == 0)
		{
			found = ss;
			break;
		}
	}
	MemoryContextSwitchTo(capture_cxt);
	if (found == NULL)
	{
		found = palloc0(sizeof(shape_stmt));
		found->level = level;
		found->statement = pstrdup(text);
		found->plan_text = pstrdup(es->str->data);
		shapes = lappend(shapes, found);
	}
	found->calls++;
	MemoryContextSwitchTo(old);
	MemoryContextReset(render_cxt);
}

/*
 * Pin generic plans (plan_cache_mode = force_generic_plan) on a GUC nest
 * level, unless the session chose a plan_cache_mode other than auto, which
 * is then honoured.  Returns the level for tb_plans_unpin.
 */
int
tb_plans_pin_generic(void)
{
	int			nest = NewGUCNestLevel();

	if (plan_cache_mode == PLAN_CACHE_MODE_AUTO)
		(void) set_config_option("plan_cache_mode", "force_generic_plan", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

void
tb_plans_unpin(int nest)
{
	AtEOXact_GUC(true, nest);
}

/*
 * The statement text as one line for a header: comments dropped, runs of
 * white space made one space, cut after TB_TREE_TEXT_MAX characters.
 */
#define TB_TREE_TEXT_MAX 100

static char *
one_line(const char *text)
{
	StringInfoData buf;
	const char *p = text;
	char		quote = 0;
	bool		space = false;
	int			cut;

	initStringInfo(&buf);
	while (*p)
	{
		if (quote == 0 && p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				p++;
			space = true;
			continue;
		}
		if (quote == 0 && p[0] == '/' && p[1] == '*')
		{
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p)
				p += 2;
			space = true;
			continue;
		}
		if (quote == 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		{
			space = true;
			p++;
			continue;
		}
		if (quote == 0 && (*p == '\'' || *p == '"'))
			quote = *p;
		else if (quote != 0 && *p == quote)
			quote = 0;
		if (space && buf.len > 0)
			appendStringInfoChar(&buf, ' ');
		space = false;
		appendStringInfoChar(&buf, *p);
		p++;
	}
	while (buf.len > 0 && (buf.data[buf.len - 1] == ';' || buf.data[buf.len - 1] == ' '))
		buf.data[--buf.len] = '\0';
	if (pg_mbstrlen(buf.data) > TB_TREE_TEXT_MAX)
	{
		cut = pg_mbcharcliplen(buf.data, buf.len, TB_TREE_TEXT_MAX);
		buf.data[cut] = '\0';
		buf.len = cut;
		appendStringInfoString(&buf, " ...");
	}
	return buf.data;
}

/* the captured shapes as lines, indented by level, in cxt */
static List *
shape_lines(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	List	   *lines = NIL;
	ListCell   *lc;

	foreach(lc, shapes)
	{
		shape_stmt *ss = (shape_stmt *) lfirst(lc);
		int			indent = 4 * ss->level;
		char	   *plan = pstrdup(ss->plan_text);
		char	   *line;
		char	   *next;

		if (ss->level == 0)
			lines = lappend(lines, psprintf("%*s%s", indent, "", one_line(ss->statement)));
		else
			lines = lappend(lines, psprintf("%*s" INT64_FORMAT " call%s: %s", indent, "",
											ss->calls, ss->calls == 1 ? "" : "s",
											one_line(ss->statement)));
		for (line = plan; line != NULL; line = next)
		{
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			lines = lappend(lines, psprintf("%*s%s", indent + 2, "", line));
		}
	}
	MemoryContextSwitchTo(old);
	return lines;
}

typedef struct tree_context
{
	const char *who;
	bool		has_params;
} tree_context;

static void
tree_error_callback(void *arg)
{
	tree_context *tc = (tree_context *) arg;

	if (tc->has_params)
		errcontext("%s: capturing the plans of one call (parameter row 1)", tc->who);
	else
		errcontext("%s: capturing the plans of one call", tc->who);
}

/* execute plan once with shapes capture on, in a subtransaction rolled back */
static pg_noinline void
execute_capturing_shapes(SPIPlanPtr plan, Datum *vals, const char *nulls)
{
	MemoryContext fncxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	int			rc;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(fncxt);
	PG_TRY();
	{
		capture_mode = CAPTURE_SHAPES;
		capture_base = nesting_level - 1;
		capture_active = true;
		rc = SPI_execute_plan(plan, vals, nulls, false, 0);
		capture_active = false;
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("statement failed: %s", SPI_result_code_string(rc))));
		if (SPI_tuptable)
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
}

/* capture the shapes of one call and return them as lines; memory freed in any case */
static List *
capture_shapes(SPIPlanPtr plan, Datum *vals, const char *nulls, MemoryContext cxt)
{
	List	   *lines = NIL;

	capture_cxt = AllocSetContextCreate(TopMemoryContext, "tas_bench plan tree",
										ALLOCSET_DEFAULT_SIZES);
	render_cxt = AllocSetContextCreate(capture_cxt, "tas_bench plan tree render",
									   ALLOCSET_DEFAULT_SIZES);
	shapes = NIL;
	PG_TRY();
	{
		execute_capturing_shapes(plan, vals, nulls);
		lines = shape_lines(cxt);
	}
	PG_CATCH();
	{
		capture_end();
		PG_RE_THROW();
	}
	PG_END_TRY();
	capture_end();
	return lines;
}

/*
 * The plan tree of one call of sql (see plans.h).  The caller has connected
 * SPI; the lines are allocated in cxt.
 */
List *
tb_plan_tree(const char *who, const char *sql, const char *params_sql,
			 const char *search_path, MemoryContext cxt)
{
	int			path_nest = -1;
	int			cache_nest;
	tb_params	params;
	Datum	   *vals;
	char	   *nulls;
	SPIPlanPtr	plan;
	List	   *lines;
	tree_context tc;
	ErrorContextCallback errcb;

	if (capture_active || capture_cxt != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a plan capture is already running in this session"),
				 errhint("%s cannot be called from inside a statement whose plans are being captured.", who)));

	/* the caller's search_path for params and sql, as the timed run has it */
	if (search_path != NULL)
		path_nest = tb_search_path_push(search_path);
	tb_params_load(&params, params_sql, CurrentMemoryContext);
	tb_params_row(&params, 0, &vals, &nulls);

	tc.who = who;
	tc.has_params = params.nrows > 0;
	errcb.callback = tree_error_callback;
	errcb.arg = &tc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	cache_nest = tb_plans_pin_generic();
	plan = SPI_prepare(sql, params.nargs, params.argtypes);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql could not be prepared: %s",
						SPI_result_code_string(SPI_result))));

	lines = capture_shapes(plan, vals, nulls, cxt);
	error_context_stack = errcb.previous;

	SPI_freeplan(plan);
	tb_plans_unpin(cache_nest);
	if (path_nest >= 0)
		tb_search_path_pop(path_nest);
	return lines;
}

/* a text argument that must be a non-empty statement or query */
static char *
statement_arg(FunctionCallInfo fcinfo, int argno, const char *name, bool may_be_null)
{
	char	   *s;

	if (!may_be_null)
		tb_require_arg(fcinfo, argno, name,
					   "Pass the statement, e.g. 'SELECT * FROM tasker.get_next_ready_tasks($1)'.");
	if (PG_ARGISNULL(argno))
		return NULL;
	s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (s[strspn(s, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be a non-empty SQL %s%s", name,
						may_be_null ? "query" : "statement",
						may_be_null ? " or NULL" : ""),
				 may_be_null ? errhint("params is a query whose columns are the statement's $1, $2, ...") : 0));
	return s;
}

/*
 * tas_bench.plan_tree(sql text, params text, search_path text) RETURNS SETOF text
 *		The plans of one call: the statement's own and every statement
 *		executed inside it, indented by nesting level, without costs.
 */
PG_FUNCTION_INFO_V1(tas_bench_plan_tree);
Datum
tas_bench_plan_tree(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	List	   *lines;

	if (SRF_IS_FIRSTCALL())
	{
		char	   *sql;
		char	   *params;
		char	   *search_path;
		MemoryContext multi;

		funcctx = SRF_FIRSTCALL_INIT();
		multi = funcctx->multi_call_memory_ctx;
		sql = statement_arg(fcinfo, 0, "sql", false);
		params = statement_arg(fcinfo, 1, "params", true);
		search_path = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		lines = tb_plan_tree("tas_bench.plan_tree", sql, params, search_path, multi);
		SPI_finish();
		funcctx->user_fctx = lines;
	}
	funcctx = SRF_PERCALL_SETUP();
	lines = (List *) funcctx->user_fctx;
	if (funcctx->call_cntr < (uint64) list_length(lines))
	{
		/* SRF_RETURN_NEXT counts the call before it evaluates its result */
		Datum		line = CStringGetTextDatum((char *) list_nth(lines, (int) funcctx->call_cntr));

		SRF_RETURN_NEXT(funcctx, line);
	}
	SRF_RETURN_DONE(funcctx);
}
