/*-------------------------------------------------------------------------
 *
 * profile.c
 *	  tas_bench.profile(): where a statement spends its time.  The calls
 *	  run with instrumentation on and store, per nested statement, its
 *	  calls, total and self time, rows, buffers and WAL
 *	  (tas_bench.profile_statements), per PL/pgSQL line and per PL/pgSQL
 *	  call edge (profile_plpgsql.c: profile_lines, profile_calls), and the
 *	  run's memory and pg_stat_statements delta (runstats.c).
 *
 * A profile is a run of its own (tas_bench.profile_runs, its run_id drawn
 * from the sequence of tas_bench.runs, so ids never collide), never a timed
 * bench() run: instrumentation costs time, and bench()'s numbers must stay
 * clean.  Like bench() it prepares the statement once, loads the params
 * rows with the harness's own loader (tb_params_load) and cycles through
 * them; it makes min(10, iterations) warm-up calls without instrumentation,
 * then `iterations` profiled calls, each in an internal subtransaction that
 * is rolled back, so a state-changing statement leaves nothing behind and
 * every call sees the same data.  The user's statement (and params) run
 * under the given search_path, ours with the path pinned.
 *
 * The statement tree.  The executor hooks below (chained like those of
 * core/plans.c; installed by tb_profile_init from _PG_init) do nothing but
 * pass through unless a profiled call is in flight.  Then every statement
 * that starts gets a node, keyed by (parent node, query id, statement text):
 * the parent is the statement whose executor phase is running when it
 * starts (so a cursor's statement is the child of the statement that opened
 * it, and the body of a PL/pgSQL FOR loop is not its child).  Every executor
 * phase (ExecutorStart, Run, Finish, End) of a statement is a frame on a
 * stack; a frame's time is the monotonic clock difference and goes to the
 * node's total, minus the frames that ran inside it to its self time, and
 * the buffer and WAL counters' differences go to the node (inclusive, as
 * EXPLAIN shows them).  The self times of all nodes therefore add up to the
 * total of the top statement exactly; the rest of the measured call (SPI,
 * the plan cache lookup of the top statement) is reported as unattributed.
 * Planning of a nested statement happens outside its executor, inside the
 * parent's: it is the parent's self time.  Nodes are capped at
 * TB_PROFILE_MAX_NODES; statements beyond go to one "(other statements)"
 * node per parent.  A statement left by an error caught inside the profiled
 * call (an EXCEPTION block) has its frames popped by the hooks' PG_CATCH.
 *
 * Memory: the tree, the PL/pgSQL tables and the frame stacks live in one
 * context under TopMemoryContext, deleted when the profile ends (also on
 * error); the per-call work happens in a context reset after every call.
 *
 * IDENTIFICATION
 *	  src/core/profile.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "core/harness.h"
#include "core/profile.h"
#include "core/profile_plpgsql.h"
#include "core/runstats.h"
#include "util.h"

#define TB_PROFILE_MAX_NODES 10000
#define TB_PROFILE_WARMUP 10

typedef struct prof_node
{
	int			id;				/* 1-based, in order of first start */
	struct prof_node *parent;
	int			level;			/* 0: the profiled statement itself */
	int64		queryid;
	char	   *text;
	int64		calls;
	int64		rows;
	int64		total_ns;
	int64		self_ns;
	int64		shared_hit;
	int64		shared_read;
	int64		temp_read;
	int64		temp_written;
	int64		wal_records;
	int64		wal_bytes;
	bool		overflow;		/* the "(other statements)" node */
	struct prof_node *first_child;
	struct prof_node *next_sibling;
} prof_node;

typedef struct open_stmt
{
	QueryDesc  *qd;
	prof_node  *node;
} open_stmt;

typedef struct exec_frame
{
	prof_node  *node;
	instr_time	t0;
	int64		child_ns;
	BufferUsage bu0;
	WalUsage	wu0;
} exec_frame;

static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;

/*
 * Executor nesting (Run/Finish) while a profile or a run's statistics are
 * on: only relative levels matter (the smallest is the harness's statement).
 */
static int	exec_level = 0;
static bool profiling = false;	/* a profiled call is in flight */
static bool profile_running = false;	/* a profile() is running */
static MemoryContext prof_cxt = NULL;
static prof_node *root_nodes = NULL;	/* level-0 nodes (siblings) */
static int	nnodes = 0;
static List *open_stmts = NIL;
static exec_frame *frames = NULL;
static int	nframes = 0;
static int	frames_size = 0;

/* ---------------------------------------------------------------- the tree */

static prof_node *
new_node(prof_node *parent, int64 queryid, const char *text, bool overflow)
{
	prof_node  *n = MemoryContextAllocZero(prof_cxt, sizeof(prof_node));

	n->id = ++nnodes;
	n->parent = parent;
	n->level = parent ? parent->level + 1 : 0;
	n->queryid = queryid;
	n->text = MemoryContextStrdup(prof_cxt, text);
	n->overflow = overflow;
	if (parent)
	{
		n->next_sibling = parent->first_child;
		parent->first_child = n;
	}
	else
	{
		n->next_sibling = root_nodes;
		root_nodes = n;
	}
	return n;
}

/* the statement's own text: its part of a multi-statement source */
static char *
statement_text(QueryDesc *qd)
{
	const char *src = qd->sourceText ? qd->sourceText : "";
	int			loc = qd->plannedstmt ? qd->plannedstmt->stmt_location : -1;
	int			len = qd->plannedstmt ? qd->plannedstmt->stmt_len : 0;
	int			srclen = (int) strlen(src);

	if (loc >= 0 && loc <= srclen)
	{
		if (len <= 0 || loc + len > srclen)
			len = srclen - loc;
		while (len > 0 && (src[loc] == ' ' || src[loc] == '\n' || src[loc] == '\t' || src[loc] == '\r'))
		{
			loc++;
			len--;
		}
		return pnstrdup(src + loc, len);
	}
	return pstrdup(src);
}

static prof_node *
node_for(QueryDesc *qd)
{
	prof_node  *parent = nframes > 0 ? frames[nframes - 1].node : NULL;
	int64		queryid = qd->plannedstmt ? (int64) qd->plannedstmt->queryId : 0;
	char	   *text = statement_text(qd);
	prof_node  *n;

	for (n = parent ? parent->first_child : root_nodes; n != NULL; n = n->next_sibling)
		if (!n->overflow && n->queryid == queryid && strcmp(n->text, text) == 0)
		{
			pfree(text);
			return n;
		}
	if (nnodes >= TB_PROFILE_MAX_NODES)
	{
		pfree(text);
		for (n = parent ? parent->first_child : root_nodes; n != NULL; n = n->next_sibling)
			if (n->overflow)
				return n;
		return new_node(parent, 0, "(other statements: the profile's node limit was reached)", true);
	}
	n = new_node(parent, queryid, text, false);
	pfree(text);
	return n;
}

static prof_node *
open_node(QueryDesc *qd)
{
	ListCell   *lc;

	foreach(lc, open_stmts)
	{
		open_stmt  *os = (open_stmt *) lfirst(lc);

		if (os->qd == qd)
			return os->node;
	}
	return NULL;
}

static void
forget_open(QueryDesc *qd)
{
	ListCell   *lc;

	foreach(lc, open_stmts)
	{
		open_stmt  *os = (open_stmt *) lfirst(lc);

		if (os->qd == qd)
		{
			open_stmts = foreach_delete_current(open_stmts, lc);
			pfree(os);
			return;
		}
	}
}

/* ------------------------------------------------------------ the frames */

static int
frame_push(prof_node *node)
{
	exec_frame *f;

	if (nframes == frames_size)
	{
		int			n = frames_size == 0 ? 32 : frames_size * 2;

		frames = frames ? repalloc(frames, sizeof(exec_frame) * n)
			: MemoryContextAlloc(prof_cxt, sizeof(exec_frame) * n);
		frames_size = n;
	}
	f = &frames[nframes];
	f->node = node;
	f->child_ns = 0;
	f->bu0 = pgBufferUsage;
	f->wu0 = pgWalUsage;
	INSTR_TIME_SET_CURRENT(f->t0);
	return nframes++;
}

/* pop frames down to `level` (exclusive), recording the one at `level` */
static void
frame_pop(int level)
{
	exec_frame *f;
	instr_time	now;
	int64		ns;
	prof_node  *n;

	if (level >= nframes || level < 0)
		return;
	f = &frames[level];
	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, f->t0);
	ns = TB_INSTR_TIME_GET_NS(now);
	n = f->node;
	n->total_ns += ns;
	n->self_ns += ns - f->child_ns > 0 ? ns - f->child_ns : 0;
	n->shared_hit += pgBufferUsage.shared_blks_hit - f->bu0.shared_blks_hit;
	n->shared_read += pgBufferUsage.shared_blks_read - f->bu0.shared_blks_read;
	n->temp_read += pgBufferUsage.temp_blks_read - f->bu0.temp_blks_read;
	n->temp_written += pgBufferUsage.temp_blks_written - f->bu0.temp_blks_written;
	n->wal_records += pgWalUsage.wal_records - f->wu0.wal_records;
	n->wal_bytes += (int64) (pgWalUsage.wal_bytes - f->wu0.wal_bytes);
	nframes = level;
	if (nframes > 0)
		frames[nframes - 1].child_ns += ns;
}

/* ------------------------------------------------------------ the hooks */

static void
prof_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	prof_node  *node;
	int			fl;

	if (!profiling || (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0)
	{
		if (prev_ExecutorStart)
			prev_ExecutorStart(queryDesc, eflags);
		else
			standard_ExecutorStart(queryDesc, eflags);
		return;
	}
	{
		MemoryContext old = MemoryContextSwitchTo(prof_cxt);
		open_stmt  *os;

		node = node_for(queryDesc);
		os = palloc(sizeof(open_stmt));
		os->qd = queryDesc;
		os->node = node;
		forget_open(queryDesc);	/* a stale entry of a statement left by an error */
		open_stmts = lappend(open_stmts, os);
		MemoryContextSwitchTo(old);
	}
	node->calls++;
	fl = frame_push(node);
	PG_TRY();
	{
		if (prev_ExecutorStart)
			prev_ExecutorStart(queryDesc, eflags);
		else
			standard_ExecutorStart(queryDesc, eflags);
	}
	PG_CATCH();
	{
		frame_pop(fl);
		forget_open(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	frame_pop(fl);
}

/*
 * Run one executor phase (the call CALL) inside the profile's frame of
 * queryDesc's statement; the executor's nesting level counts it for a run's
 * statistics.  A macro, because the phases' hooks differ in their arguments
 * (and ExecutorRun's differ between majors).
 */
#define RUN_IN_FRAME(queryDesc, CALL) \
	do { \
		prof_node  *node_ = profiling ? open_node(queryDesc) : NULL; \
		int			fl_ = node_ ? frame_push(node_) : -1; \
		\
		exec_level++; \
		PG_TRY(); \
		{ \
			CALL; \
		} \
		PG_CATCH(); \
		{ \
			exec_level--; \
			if (fl_ >= 0 && profiling) \
			{ \
				frame_pop(fl_); \
				forget_open(queryDesc); \
			} \
			PG_RE_THROW(); \
		} \
		PG_END_TRY(); \
		exec_level--; \
		if (fl_ >= 0 && profiling) \
			frame_pop(fl_); \
	} while (0)

static void
next_ExecutorRun(TB_EXECUTOR_RUN_ARGS)
{
	if (prev_ExecutorRun)
		prev_ExecutorRun(TB_EXECUTOR_RUN_PASS);
	else
		standard_ExecutorRun(TB_EXECUTOR_RUN_PASS);
}

static void
prof_ExecutorRun(TB_EXECUTOR_RUN_ARGS)
{
	/* outside a profile and a run's statistics: pass through, nothing else */
	if (!profiling && !tb_runstats_listening)
		next_ExecutorRun(TB_EXECUTOR_RUN_PASS);
	else
		RUN_IN_FRAME(queryDesc, next_ExecutorRun(TB_EXECUTOR_RUN_PASS));
}

static void
next_ExecutorFinish(QueryDesc *queryDesc)
{
	if (prev_ExecutorFinish)
		prev_ExecutorFinish(queryDesc);
	else
		standard_ExecutorFinish(queryDesc);
}

static void
prof_ExecutorFinish(QueryDesc *queryDesc)
{
	if (!profiling && !tb_runstats_listening)
		next_ExecutorFinish(queryDesc);
	else
		RUN_IN_FRAME(queryDesc, next_ExecutorFinish(queryDesc));
}

static void
prof_ExecutorEnd(QueryDesc *queryDesc)
{
	prof_node  *node = profiling ? open_node(queryDesc) : NULL;
	int			fl = -1;

	if (tb_runstats_listening && queryDesc->plannedstmt != NULL)
		tb_runstats_count_exec((int64) queryDesc->plannedstmt->queryId, exec_level);
	if (node)
	{
		if (queryDesc->estate)
			node->rows += (int64) queryDesc->estate->es_processed;
		fl = frame_push(node);
	}
	PG_TRY();
	{
		if (prev_ExecutorEnd)
			prev_ExecutorEnd(queryDesc);
		else
			standard_ExecutorEnd(queryDesc);
	}
	PG_CATCH();
	{
		if (fl >= 0 && profiling)
		{
			frame_pop(fl);
			forget_open(queryDesc);
		}
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (fl >= 0 && profiling)
	{
		frame_pop(fl);
		forget_open(queryDesc);
	}
}

void
tb_profile_init(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = prof_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = prof_ExecutorRun;
	prev_ExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = prof_ExecutorFinish;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = prof_ExecutorEnd;
}

/* ------------------------------------------------------------ profile() */

typedef struct prof_spec
{
	char	   *sql;
	char	   *params;
	int			iterations;
	char	   *name;
	char	   *label;
	char	   *search_path;
	int64		source_run_id;	/* profile(run_id): the run re-profiled, else 0 */
} prof_spec;

typedef struct prof_result
{
	int			warmup;
	int			param_rows;
	int64		measured_ns;
	TimestampTz started_at;
} prof_result;

typedef struct prof_errctx
{
	const char *phase;
	int			iteration;
	int			param_row;
} prof_errctx;

static void
prof_error_callback(void *arg)
{
	prof_errctx *ec = (prof_errctx *) arg;

	if (ec->iteration <= 0)
		return;
	if (ec->param_row > 0)
		errcontext("tas_bench.profile: %s %d (parameter row %d)", ec->phase, ec->iteration, ec->param_row);
	else
		errcontext("tas_bench.profile: %s %d", ec->phase, ec->iteration);
}

static void
profile_cleanup(void)
{
	profiling = false;
	profile_running = false;
	tb_plpgsql_profile_set_active(false);
	tb_plpgsql_profile_stop();
	open_stmts = NIL;
	frames = NULL;
	nframes = 0;
	frames_size = 0;
	root_nodes = NULL;
	nnodes = 0;
	if (prof_cxt)
		MemoryContextDelete(prof_cxt);
	prof_cxt = NULL;
}

/* one call in a subtransaction rolled back; returns its ns */
static int64
one_call(SPIPlanPtr plan, Datum *vals, const char *nulls, bool profiled, MemoryContext callcxt)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile int64 ns = 0;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(callcxt);
	PG_TRY();
	{
		instr_time	t0;
		instr_time	t1;
		int			rc;

		if (profiled)
		{
			nframes = 0;
			open_stmts = NIL;
			tb_plpgsql_profile_set_active(true);
			profiling = true;
		}
		INSTR_TIME_SET_CURRENT(t0);
		rc = SPI_execute_plan(plan, vals, nulls, false, 0);
		INSTR_TIME_SET_CURRENT(t1);
		profiling = false;
		tb_plpgsql_profile_set_active(false);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("statement failed: %s", SPI_result_code_string(rc))));
		if (SPI_tuptable)
			SPI_freetuptable(SPI_tuptable);
		INSTR_TIME_SUBTRACT(t1, t0);
		ns = TB_INSTR_TIME_GET_NS(t1);
	}
	PG_CATCH();
	{
		profiling = false;
		tb_plpgsql_profile_set_active(false);
		MemoryContextSwitchTo(oldcxt);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		PG_RE_THROW();
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(oldcxt);
	CurrentResourceOwner = oldowner;
	MemoryContextReset(callcxt);
	/* open entries of statements the rollback ended (cursors) are gone with the call */
	open_stmts = NIL;
	nframes = 0;
	return ns;
}

static void
run_profile(const prof_spec *spec, prof_result *res)
{
	tb_params	params;
	SPIPlanPtr	plan;
	MemoryContext callcxt;
	prof_errctx ec;
	ErrorContextCallback errcb;
	int			path_nest = -1;
	int			i;

	if (spec->search_path != NULL)
		path_nest = tb_search_path_push(spec->search_path);
	tb_params_load(&params, spec->params, CurrentMemoryContext);
	res->param_rows = params.nrows;
	plan = SPI_prepare(spec->sql, params.nargs, params.argtypes);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql could not be prepared: %s", SPI_result_code_string(SPI_result)),
				 errhint("sql is one statement; its $1, $2, ... are the columns of the params query.")));
	if (list_length(SPI_plan_get_plan_sources(plan)) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql must be exactly one statement"),
				 errhint("Profile one statement at a time, or wrap several in a function.")));
	if (params.nrows == 0 && params.nargs > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the params query returned no rows"),
				 errhint("Every call takes its arguments from one row of params.")));
	callcxt = AllocSetContextCreate(CurrentMemoryContext, "tas_bench profile call",
									ALLOCSET_DEFAULT_SIZES);

	ec.phase = "warm-up call";
	ec.iteration = 0;
	ec.param_row = 0;
	errcb.callback = prof_error_callback;
	errcb.arg = &ec;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	res->warmup = Min(TB_PROFILE_WARMUP, spec->iterations);
	for (i = 1; i <= res->warmup; i++)
	{
		int			row = params.nrows > 0 ? (i - 1) % params.nrows : 0;
		Datum	   *vals;
		char	   *nulls;

		CHECK_FOR_INTERRUPTS();
		ec.iteration = i;
		ec.param_row = params.nrows > 0 ? row + 1 : 0;
		tb_params_row(&params, row, &vals, &nulls);
		(void) one_call(plan, vals, nulls, false, callcxt);
	}

	ec.phase = "profiled call";
	ec.iteration = 0;
	tb_runstats_begin();
	tb_runstats_exclude(prof_cxt);	/* the profile's own tables grow */
	tb_plpgsql_profile_start(prof_cxt);
	res->measured_ns = 0;
	for (i = 1; i <= spec->iterations; i++)
	{
		int			row = params.nrows > 0 ? (i - 1) % params.nrows : 0;
		Datum	   *vals;
		char	   *nulls;

		CHECK_FOR_INTERRUPTS();
		ec.iteration = i;
		ec.param_row = params.nrows > 0 ? row + 1 : 0;
		tb_params_row(&params, row, &vals, &nulls);
		res->measured_ns += one_call(plan, vals, nulls, true, callcxt);
		tb_runstats_tick(i);
	}
	tb_plpgsql_profile_stop();
	tb_runstats_end();
	ec.iteration = 0;
	error_context_stack = errcb.previous;
	SPI_freeplan(plan);
	if (path_nest >= 0)
		tb_search_path_pop(path_nest);
}

/* ---------------------------------------------------------------- store */

static int64
insert_run(const prof_spec *spec, const prof_result *res, int64 attributed_ns)
{
	Oid			types[15] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID,
		INT4OID, INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, NAMEOID, TEXTOID,
	INT4OID};
	Datum		vals[15];
	char		nulls[15];
	tb_bookkeeping bk;
	int			rc;
	bool		isnull;
	int64		id;

	memset(nulls, ' ', sizeof(nulls));
#define TEXTARG(i, s) do { if ((s) == NULL) nulls[i] = 'n'; else vals[i] = CStringGetTextDatum(s); } while (0)
	TEXTARG(0, spec->name);
	TEXTARG(1, spec->label);
	TEXTARG(2, spec->sql);
	TEXTARG(3, spec->params);
	TEXTARG(4, spec->search_path);
#undef TEXTARG
	vals[5] = Int32GetDatum(spec->iterations);
	vals[6] = Int32GetDatum(res->warmup);
	if (spec->params)
		vals[7] = Int32GetDatum(res->param_rows);
	else
		nulls[7] = 'n';
	vals[8] = Int64GetDatum(res->measured_ns);
	vals[9] = Int64GetDatum(attributed_ns);
	if (spec->source_run_id > 0)
		vals[10] = Int64GetDatum(spec->source_run_id);
	else
		nulls[10] = 'n';
	vals[11] = TimestampTzGetDatum(res->started_at);
	vals[12] = DirectFunctionCall1(namein, CStringGetDatum(tb_current_role_name()));
	vals[13] = CStringGetTextDatum(tb_search_path_current());
	vals[14] = Int32GetDatum(nnodes);

	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("INSERT INTO " TB_SCHEMA ".profile_runs (name, label, sql, params, "
							   "search_path, iterations, warmup, param_rows, measured_ns, attributed_ns, "
							   "source_run_id, started_at, finished_at, owner, env, statements) "
							   "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
							   "pg_catalog.clock_timestamp(), $13, "
							   "pg_catalog.jsonb_set(e, '{settings,search_path}', pg_catalog.to_jsonb($14)), $15 "
							   "FROM " TB_SCHEMA ".environment() e RETURNING run_id",
							   15, types, vals, nulls, false, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into tas_bench.profile_runs: %s", SPI_result_code_string(rc));
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return id;
}

#define STMT_COLS 16

static void
insert_nodes(SPIPlanPtr ins, int64 run_id, prof_node *first)
{
	prof_node  *n;

	for (n = first; n != NULL; n = n->next_sibling)
	{
		Datum		vals[STMT_COLS];
		char		nulls[STMT_COLS];
		int			rc;

		CHECK_FOR_INTERRUPTS();
		memset(nulls, ' ', sizeof(nulls));
		vals[0] = Int64GetDatum(run_id);
		vals[1] = Int32GetDatum(n->id);
		if (n->parent)
			vals[2] = Int32GetDatum(n->parent->id);
		else
			nulls[2] = 'n';
		vals[3] = Int32GetDatum(n->level);
		vals[4] = CStringGetTextDatum(n->text);
		if (n->queryid != 0)
			vals[5] = Int64GetDatum(n->queryid);
		else
			nulls[5] = 'n';
		vals[6] = Int64GetDatum(n->calls);
		vals[7] = Int64GetDatum(n->total_ns);
		vals[8] = Int64GetDatum(n->self_ns);
		vals[9] = Int64GetDatum(n->rows);
		vals[10] = Int64GetDatum(n->shared_hit);
		vals[11] = Int64GetDatum(n->shared_read);
		vals[12] = Int64GetDatum(n->temp_read);
		vals[13] = Int64GetDatum(n->temp_written);
		vals[14] = Int64GetDatum(n->wal_records);
		vals[15] = Int64GetDatum(n->wal_bytes);
		rc = SPI_execute_plan(ins, vals, nulls, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "could not insert into tas_bench.profile_statements: %s", SPI_result_code_string(rc));
		insert_nodes(ins, run_id, n->first_child);
	}
}

static void
store_plpgsql(int64 run_id)
{
	HTAB	   *lines = tb_plpgsql_profile_lines();
	HTAB	   *calls = tb_plpgsql_profile_calls();
	HASH_SEQ_STATUS hs;
	SPIPlanPtr	ins;
	Oid			ltypes[7] = {INT8OID, OIDOID, INT4OID, INT8OID, INT8OID, INT8OID, INT8OID};
	Oid			ctypes[6] = {INT8OID, OIDOID, OIDOID, INT8OID, INT8OID, INT8OID};

	if (lines != NULL && hash_get_num_entries(lines) > 0)
	{
		tb_line_stat *ls;

		ins = SPI_prepare("INSERT INTO " TB_SCHEMA ".profile_lines (run_id, func_oid, function, lineno, "
						  "source, execs, total_ns, self_ns, max_ns) "
						  "SELECT $1, $2, p.oid::regprocedure::text, $3, "
						  "(pg_catalog.string_to_array(p.prosrc, E'\\n'))[$3], $4, $5, $6, $7 "
						  "FROM (SELECT $2 AS oid) o LEFT JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) o.oid",
						  7, ltypes);
		if (ins == NULL)
			elog(ERROR, "could not prepare the insert into tas_bench.profile_lines");
		hash_seq_init(&hs, lines);
		while ((ls = (tb_line_stat *) hash_seq_search(&hs)) != NULL)
		{
			Datum		vals[7];

			vals[0] = Int64GetDatum(run_id);
			vals[1] = ObjectIdGetDatum(ls->key.fn_oid);
			vals[2] = Int32GetDatum(ls->key.lineno);
			vals[3] = Int64GetDatum(ls->execs);
			vals[4] = Int64GetDatum(ls->total_ns);
			vals[5] = Int64GetDatum(ls->self_ns);
			vals[6] = Int64GetDatum(ls->max_ns);
			if (SPI_execute_plan(ins, vals, NULL, false, 0) != SPI_OK_INSERT)
				elog(ERROR, "could not insert into tas_bench.profile_lines");
		}
		SPI_freeplan(ins);
	}
	if (calls != NULL && hash_get_num_entries(calls) > 0)
	{
		tb_call_stat *cs;

		ins = SPI_prepare("INSERT INTO " TB_SCHEMA ".profile_calls (run_id, caller_oid, caller, callee_oid, "
						  "callee, calls, total_ns, self_ns) "
						  "SELECT $1, CASE WHEN $2 OPERATOR(pg_catalog.=) 0::oid THEN NULL ELSE $2 END, "
						  "(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) $2), "
						  "$3, (SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) $3), "
						  "$4, $5, $6",
						  6, ctypes);
		if (ins == NULL)
			elog(ERROR, "could not prepare the insert into tas_bench.profile_calls");
		hash_seq_init(&hs, calls);
		while ((cs = (tb_call_stat *) hash_seq_search(&hs)) != NULL)
		{
			Datum		vals[6];

			vals[0] = Int64GetDatum(run_id);
			vals[1] = ObjectIdGetDatum(cs->key.caller);
			vals[2] = ObjectIdGetDatum(cs->key.callee);
			vals[3] = Int64GetDatum(cs->calls);
			vals[4] = Int64GetDatum(cs->total_ns);
			vals[5] = Int64GetDatum(cs->self_ns);
			if (SPI_execute_plan(ins, vals, NULL, false, 0) != SPI_OK_INSERT)
				elog(ERROR, "could not insert into tas_bench.profile_calls");
		}
		SPI_freeplan(ins);
	}
}

static int64
store_profile(const prof_spec *spec, const prof_result *res)
{
	Oid			types[STMT_COLS] = {INT8OID, INT4OID, INT4OID, INT4OID, TEXTOID, INT8OID,
		INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID,
	INT8OID};
	int64		attributed = 0;
	prof_node  *n;
	int64		run_id;
	SPIPlanPtr	ins;
	tb_bookkeeping bk;

	for (n = root_nodes; n != NULL; n = n->next_sibling)
		attributed += n->total_ns;
	run_id = insert_run(spec, res, attributed);
	tb_bookkeeping_begin(&bk);
	ins = SPI_prepare("INSERT INTO " TB_SCHEMA ".profile_statements (run_id, stmt_id, parent_id, level, "
					  "statement, queryid, calls, total_ns, self_ns, rows, shared_hit, shared_read, "
					  "temp_read, temp_written, wal_records, wal_bytes) "
					  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
					  STMT_COLS, types);
	if (ins == NULL)
		elog(ERROR, "could not prepare the insert into tas_bench.profile_statements");
	insert_nodes(ins, run_id, root_nodes);
	SPI_freeplan(ins);
	store_plpgsql(run_id);
	tb_bookkeeping_end(&bk);
	tb_runstats_store("profile_runs", run_id, spec->iterations);
	return run_id;
}

static int64
do_profile(const prof_spec *spec)
{
	prof_result res;
	int64		run_id = 0;

	if (profile_running)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a profile is already running in this session"),
				 errhint("tas_bench.profile() cannot be called from inside a statement being profiled.")));
	memset(&res, 0, sizeof(res));
	res.started_at = GetCurrentTimestamp();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prof_cxt = AllocSetContextCreate(TopMemoryContext, "tas_bench profile", ALLOCSET_DEFAULT_SIZES);
	profile_running = true;
	PG_TRY();
	{
		run_profile(spec, &res);
		run_id = store_profile(spec, &res);
	}
	PG_CATCH();
	{
		profile_cleanup();
		tb_runstats_discard();
		PG_RE_THROW();
	}
	PG_END_TRY();
	profile_cleanup();
	SPI_finish();
	return run_id;
}

static char *
opt_text(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

static void
check_iterations(int iterations)
{
	if (iterations < 1 || iterations > tb_max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument iterations must be between 1 and %d, not %d", tb_max_iterations, iterations),
				 errdetail("tas_bench.max_iterations caps it."),
				 errhint("100 calls usually name the statements that take the time.")));
}

/*
 * tas_bench.profile(sql text, params text DEFAULT NULL, iterations int DEFAULT 100,
 *                   name text, label text, search_path text) RETURNS bigint
 *		Profile iterations calls of sql; returns the profile's run id.
 */
PG_FUNCTION_INFO_V1(tas_bench_profile);
Datum
tas_bench_profile(PG_FUNCTION_ARGS)
{
	prof_spec	spec;

	memset(&spec, 0, sizeof(spec));
	tb_require_arg(fcinfo, 0, "sql", "Pass the statement, e.g. 'SELECT * FROM tasker.get_next_ready_tasks(5)'.");
	tb_require_arg(fcinfo, 2, "iterations", "Pass the number of profiled calls, e.g. 100.");
	spec.sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (spec.sql[strspn(spec.sql, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql must be a non-empty SQL statement"),
				 errhint("Pass the statement, e.g. 'SELECT * FROM tasker.get_next_ready_tasks(5)'.")));
	spec.params = opt_text(fcinfo, 1);
	if (spec.params && spec.params[strspn(spec.params, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params must be a non-empty SQL query or NULL"),
				 errhint("params is a query whose columns are the statement's $1, $2, ...")));
	spec.iterations = PG_GETARG_INT32(2);
	check_iterations(spec.iterations);
	spec.name = opt_text(fcinfo, 3);
	spec.label = opt_text(fcinfo, 4);
	spec.search_path = opt_text(fcinfo, 5);
	PG_RETURN_INT64(do_profile(&spec));
}

/*
 * tas_bench.profile(run_id bigint) RETURNS bigint
 *		Profile the statement of a stored run (a bench run of tas_bench.runs
 *		or a profile of tas_bench.profile_runs) with its params, search_path
 *		and number of iterations, as the role that owns it.
 */
PG_FUNCTION_INFO_V1(tas_bench_profile_run);
Datum
tas_bench_profile_run(PG_FUNCTION_ARGS)
{
	prof_spec	spec;
	Oid			argtypes[1] = {INT8OID};
	Datum		argvals[1];
	tb_bookkeeping bk;
	char	   *owner;
	char	   *iters;
	int64		run_id;
	int			rc;

	tb_require_arg(fcinfo, 0, "run_id", "Pass the run_id of a run in tas_bench.runs or tas_bench.profile_runs.");
	run_id = PG_GETARG_INT64(0);
	memset(&spec, 0, sizeof(spec));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	argvals[0] = Int64GetDatum(run_id);
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("SELECT sql, params, env -> 'settings' ->> 'search_path', owner::text, "
							   "iterations::text, name, label FROM " TB_SCHEMA ".runs WHERE run_id = $1 "
							   "UNION ALL "
							   "SELECT sql, params, search_path, owner::text, iterations::text, name, label "
							   "FROM " TB_SCHEMA ".profile_runs WHERE run_id = $1",
							   1, argtypes, argvals, NULL, true, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument run_id " INT64_FORMAT " names no run in tas_bench.runs or tas_bench.profile_runs", run_id),
				 errhint("SELECT run_id FROM tas_bench.run_summary lists the runs.")));
	{
		TupleDesc	td = SPI_tuptable->tupdesc;
		HeapTuple	tup = SPI_tuptable->vals[0];

		spec.sql = SPI_getvalue(tup, td, 1);
		spec.params = SPI_getvalue(tup, td, 2);
		spec.search_path = SPI_getvalue(tup, td, 3);
		owner = SPI_getvalue(tup, td, 4);
		iters = SPI_getvalue(tup, td, 5);
		spec.name = SPI_getvalue(tup, td, 6);
		spec.label = SPI_getvalue(tup, td, 7);
	}
	if (!tb_acts_as(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("run " INT64_FORMAT " belongs to role \"%s\"; its statement runs only as that role",
						run_id, owner),
				 errdetail("profile executes the run's sql and params."),
				 errhint("SET ROLE %s, then profile it.", quote_identifier(owner))));
	spec.iterations = iters ? pg_strtoint32(iters) : 100;
	check_iterations(spec.iterations);
	spec.source_run_id = run_id;
	/* SPI_getvalue's strings live in this connection's context: keep it until done */
	{
		int64		id = do_profile(&spec);

		SPI_finish();
		PG_RETURN_INT64(id);
	}
}
