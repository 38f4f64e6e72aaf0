/*-------------------------------------------------------------------------
 *
 * generate.c
 *	  SQL entry points of the dataset generator: generate() and grow().
 *
 * What a task looks like (shape, states, flags, histories, times) is decided
 * in dagshape.c from the seed and the task number alone; generate() checks
 * its arguments (shape and state proportions: parse_mix), records the
 * dataset in tas_bench.datasets, makes the templates (gen_templates.c) and
 * loads tasks 0 .. tasks - 1 (gen_copy.c).  grow() loads the tasks beyond
 * a dataset's current size from the arguments recorded with it, so that it
 * adds exactly the rows generate() would have made at the larger size.
 *
 * Arguments: every one is checked before anything is written (tasks,
 * seed, patterns, state_mix, target_schema, and the anchor's range,
 * check_anchor); grow() checks the anchor recorded with the dataset too.
 *
 * Identity: the same seed and anchor while a dataset still exists would
 * collide on primary keys; that is detected up front (the first new task's
 * UUID exists already).
 *
 * search_path: upstream's audit trigger resolves tables unqualified, so the
 * work runs with search_path = <target>, public, set in a GUC nest level and
 * restored afterwards (also on error, by transaction abort).
 *
 * Method: 'checked' loads with everything of the target in force, 'bulk'
 * faster to the same final state, 'auto' picks (gen_bulk.c).  Both end with
 * ANALYZE of the tables they filled.
 *
 * IDENTIFICATION
 *	  src/tasker/generate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "tasker/datagen.h"
#include "util.h"

/* shape weights: the defaults of the shapes named (all of them for NULL) */
static void
parse_patterns(ArrayType *patterns, double *sw)
{
	Datum	   *elems;
	bool	   *nulls;
	int			i,
				n;

	if (patterns == NULL)
	{
		for (i = 0; i < TB_SHAPE_COUNT; i++)
			sw[i] = tb_default_shape_mix[i];
		return;
	}
	if (ARR_NDIM(patterns) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("patterns must be a one-dimensional array"),
				 errdetail("Got an array of %d dimensions.", ARR_NDIM(patterns)),
				 errhint("Pass NULL for all shapes, or a list of some of: linear, diamond, complex_dag, tree, conditional, batch.")));
	deconstruct_array(patterns, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("patterns must not be empty"),
				 errhint("Pass NULL for all shapes, or some of: linear, diamond, complex_dag, tree, conditional, batch.")));
	for (i = 0; i < n; i++)
	{
		char	   *name;
		int			s;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("patterns must not contain NULL"),
					 errdetail("Element %d is NULL.", i + 1),
					 errhint("Accepted patterns: linear, diamond, complex_dag, tree, conditional, batch; pass NULL instead of the array for all of them.")));
		name = TextDatumGetCString(elems[i]);
		for (s = 0; s < TB_SHAPE_COUNT; s++)
			if (strcmp(name, tb_shape_names[s]) == 0)
				break;
		if (s == TB_SHAPE_COUNT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown pattern \"%s\" in patterns", name),
					 errhint("Accepted patterns: linear, diamond, complex_dag, tree, conditional, batch.")));
		sw[s] = tb_default_shape_mix[s];
	}
}

/* one (key, jsonb_typeof(value), value::text) row of state_mix into tw */
static void
parse_state_entry(HeapTuple tup, TupleDesc td, double *tw)
{
	char	   *key = SPI_getvalue(tup, td, 1);
	char	   *typ = SPI_getvalue(tup, td, 2);
	char	   *val = SPI_getvalue(tup, td, 3);
	int			s;
	double		w;

	for (s = 0; s < TB_TS_COUNT; s++)
		if (strcmp(key, tb_task_state_names[s]) == 0)
			break;
	if (s == TB_TS_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown task state \"%s\" in state_mix", key),
				 errhint("Accepted keys: pending, initializing, enqueuing_steps, steps_in_process, evaluating_results, waiting_for_dependencies, waiting_for_retry, blocked_by_failures, complete, error, cancelled, resolved_manually.")));
	w = strcmp(typ, "number") == 0 ? strtod(val, NULL) : -1;
	if (!(w >= 0) || !isfinite(w) || w > 1e12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("state_mix value for \"%s\" must be a non-negative number", key),
				 errdetail("Got %s.", val),
				 errhint("Values are proportions in [0, 1e12], normalised to their sum.")));
	tw[s] = w;
}

/* task state weights: state_mix as given (the defaults for NULL); needs SPI */
static void
parse_state_mix(Jsonb *state_mix, double *tw)
{
	Oid			t1[1] = {JSONBOID};
	Datum		v[1];
	uint64		r;
	int			i;

	if (state_mix == NULL)
	{
		for (i = 0; i < TB_TS_COUNT; i++)
			tw[i] = tb_default_state_mix[i];
		return;
	}
	v[0] = JsonbPGetDatum(state_mix);
	tb_gen_spi_exec("SELECT jsonb_typeof($1)", 1, t1, v, SPI_OK_SELECT);
	if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "object") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("state_mix must be a JSON object"),
				 errdetail("Keys are task states, values non-negative numbers (proportions, normalised to their sum)."),
				 errhint("Example: '{\"complete\": 0.8, \"pending\": 0.1, \"error\": 0.1}'.")));
	tb_gen_spi_exec("SELECT key, jsonb_typeof(value), value::text FROM jsonb_each($1) ORDER BY key",
					1, t1, v, SPI_OK_SELECT);
	for (r = 0; r < SPI_processed; r++)
		parse_state_entry(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, tw);
}

/* "name": weight / sum, for the positive weights */
static void
append_mix(StringInfo params, const char *const *names, const double *w, int count)
{
	double		tot = 0;
	int			n = 0;
	int			i;

	for (i = 0; i < count; i++)
		tot += w[i];
	for (i = 0; i < count; i++)
		if (w[i] > 0)
			appendStringInfo(params, "%s\"%s\": %.6g", n++ ? ", " : "", names[i], w[i] / tot);
}

/* shape and state weights from the arguments; fills cfg and the stored forms */
static void
parse_mix(tb_plan_config *cfg, ArrayType *patterns, Jsonb *state_mix,
		  StringInfo patterns_out, StringInfo params)
{
	double		sw[TB_SHAPE_COUNT] = {0};
	double		tw[TB_TS_COUNT] = {0};
	int			i;

	parse_patterns(patterns, sw);
	(void) tb_plan_set_mix(cfg->shape_cum, sw, TB_SHAPE_COUNT);
	parse_state_mix(state_mix, tw);
	if (!tb_plan_set_mix(cfg->state_cum, tw, TB_TS_COUNT))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("state_mix must give at least one state a positive proportion"),
				 errdetail("Every value is 0, or the object is empty."),
				 errhint("Example: '{\"complete\": 0.8, \"pending\": 0.1, \"error\": 0.1}'; pass NULL for the default mix.")));

	/* stored forms */
	appendStringInfoChar(patterns_out, '{');
	for (i = 0; i < TB_SHAPE_COUNT; i++)
		if (sw[i] > 0)
			appendStringInfo(patterns_out, "%s%s", patterns_out->len > 1 ? "," : "", tb_shape_names[i]);
	appendStringInfoChar(patterns_out, '}');

	appendStringInfoString(params, "\"shape_mix\": {");
	append_mix(params, tb_shape_names, sw, TB_SHAPE_COUNT);
	appendStringInfoString(params, "}, \"state_mix\": {");
	append_mix(params, tb_task_state_names, tw, TB_TS_COUNT);
	appendStringInfoString(params, "}");
}

static void
check_tasks_arg(int64 tasks, const char *what)
{
	if (tasks < 1 || tasks > MAX_TASKS)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("tasks must be between 1 and %d", MAX_TASKS),
				 errdetail("Got %lld%s.", (long long) tasks, what),
				 errhint("Generate up to %d tasks per call; tas_bench.grow() extends a dataset.", MAX_TASKS)));
}

/*
 * The anchor's accepted range.  The earliest row lies LOOKBACK_US before the
 * anchor and must not precede 1970-01-01 (a UUIDv7 holds unsigned
 * milliseconds since the Unix epoch); the latest row is the anchor itself
 * and must have a four-digit year (gen_rows.c writes timestamps as
 * YYYY-MM-DD), which also keeps it within UUIDv7's 48 bits (year 10889).
 * So: 1970-01-31 00:00:00 <= anchor < 10000-01-01 00:00:00 UTC; infinite
 * anchors are refused too.  recorded: the anchor comes from a datasets row
 * (grow), not from the caller.
 */
static void
check_anchor(TimestampTz anchor, bool recorded)
{
	int64		lo = (int64) (UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY + LOOKBACK_US;
	int64		hi = (int64) (date2j(10000, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

	if (TIMESTAMP_NOT_FINITE(anchor) || anchor < lo || anchor >= hi)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("anchor must be between 1970-01-31 00:00:00+00 and 9999-12-31 23:59:59.999999+00"),
				 recorded ? errdetail("tas_bench.datasets records anchor %s for this dataset.", timestamptz_to_str(anchor)) :
				 errdetail("Got %s.", timestamptz_to_str(anchor)),
				 errhint("Generated rows reach back 30 days before the anchor, and their UUIDv7 timestamps count from 1970-01-01; pass NULL for now().")));
}

/* error if task task_no of this configuration already exists */
static void
check_collision(gen_ctx *g, int64 task_no)
{
	tb_task_plan *p = palloc(sizeof(tb_task_plan));
	uint8		u[16];
	Oid			t[1] = {UUIDOID};
	Datum		v[1];
	char	   *sql;

	tb_plan_task(&g->cfg, task_no, p);
	tb_uuid7(u, p->created_at, p->uuid_rand);
	v[0] = tb_gen_uuid_datum(u);
	sql = psprintf("SELECT (tags->'tas_bench'->>'dataset') FROM %s.tasks WHERE task_uuid = $1",
				   quote_identifier(g->schema));
	tb_gen_spi_exec(sql, 1, t, v, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		char	   *other = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("a dataset with the same seed and anchor already exists in schema \"%s\"", g->schema),
				 errdetail("Task %lld would get the UUID of an existing task (dataset %s).",
						   (long long) task_no, other ? other : "unknown"),
				 errhint("Remove it with tas_bench.cleanup(%s), or pass a different seed or anchor.",
						 other ? other : "NULL")));
	}
	pfree(p);
}

/*
 * What generate() and grow() do before the first task is written: the
 * target checked and put on the search_path, SPI connected, the mix parsed
 * (patterns_s, params: its stored forms), the target tables looked up, the
 * first new task checked for a collision, the templates made.  Returns the
 * GUC nest level to pop; SPI stays connected.
 */
static int
begin_generation(gen_ctx *g, ArrayType *patterns, Jsonb *state_mix, int64 first_task,
				 StringInfo patterns_s, StringInfo params)
{
	int			nest;

	tb_gen_require_target(g->schema);
	nest = tb_gen_push_target_path(g->schema);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	initStringInfo(patterns_s);
	initStringInfo(params);
	parse_mix(&g->cfg, patterns, state_mix, patterns_s, params);
	tb_gen_open_target(g);
	check_collision(g, first_task);
	tb_gen_setup_templates(g);
	return nest;
}

static char *
rows_json(gen_ctx *g)
{
	StringInfoData s;
	int			t;

	initStringInfo(&s);
	appendStringInfoChar(&s, '{');
	for (t = 0; t < T_NTABLES; t++)
		appendStringInfo(&s, "\"%s\": %lld, ", tb_gen_table_name(t), (long long) g->rows[t]);
	appendStringInfo(&s, "\"workflow_step_result_audit\": %lld}", (long long) g->rows[T_NTABLES]);
	return s.data;
}

static double
elapsed_s(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/* generate()'s arguments into g (schema, seed, anchor) and *method; returns tasks */
static int64
generate_args(FunctionCallInfo fcinfo, gen_ctx *g, gen_method *method)
{
	int64		tasks;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tasks must not be null"),
				 errhint("Pass the number of tasks, between 1 and %d.", MAX_TASKS)));
	tasks = PG_GETARG_INT32(0);
	check_tasks_arg(tasks, "");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("seed must not be null"),
				 errhint("Pass any bigint; the same seed gives the same data.")));
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_schema must not be null"),
				 errhint("Pass the name of the schema holding the tasker tables, e.g. 'tasker'.")));
	g->schema = pstrdup(NameStr(*PG_GETARG_NAME(4)));
	g->cfg.seed = (uint64) PG_GETARG_INT64(1);
	g->cfg.anchor = PG_ARGISNULL(5) ? (int64) GetCurrentTransactionStartTimestamp() :
		(int64) PG_GETARG_TIMESTAMPTZ(5);
	check_anchor((TimestampTz) g->cfg.anchor, false);
	g->cfg.window = WINDOW_US;
	*method = tb_gen_parse_method(fcinfo, 6);

	if (!OidIsValid(get_namespace_oid(g->schema, true)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("target_schema \"%s\" does not exist", g->schema),
				 errhint("Pass the schema holding the tasker tables (default 'tasker'); load test/fixtures/tasker/tasker_schema.sql for a stand-in.")));
	return tasks;
}

/* the default state mix as a JSON object, for the datasets row */
static char *
default_state_mix_json(void)
{
	StringInfoData dm;
	int			i;

	initStringInfo(&dm);
	appendStringInfoChar(&dm, '{');
	for (i = 0; i < TB_TS_COUNT; i++)
		appendStringInfo(&dm, "%s\"%s\": %g", i ? ", " : "", tb_task_state_names[i], tb_default_state_mix[i]);
	appendStringInfoChar(&dm, '}');
	return dm.data;
}

/* generate()'s datasets row, written first: its id goes into the tags */
static int64
insert_dataset_row(FunctionCallInfo fcinfo, gen_ctx *g, int64 tasks,
				   const char *patterns, const char *params)
{
	Oid			t[8] = {INT8OID, INT4OID, TEXTOID, JSONBOID, NAMEOID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
	Datum		v[8];
	bool		isnull;
	char	   *pj;

	pj = psprintf("{\"tasks\": %lld, \"seed\": %lld, %s, \"window\": \"7 days\","
				  " \"chunk_tasks\": %d, \"generator_version\": %d, \"extension_version\": \"%s\"}",
				  (long long) tasks, (long long) PG_GETARG_INT64(1), params,
				  CHUNK_TASKS, GENERATOR_VERSION, TAS_BENCH_VERSION);
	v[0] = Int64GetDatum(PG_GETARG_INT64(1));
	v[1] = Int32GetDatum((int32) tasks);
	v[2] = CStringGetTextDatum(patterns);
	v[3] = PG_ARGISNULL(3) ? (Datum) 0 : PointerGetDatum(PG_GETARG_JSONB_P(3));
	v[4] = DirectFunctionCall1(namein, CStringGetDatum(g->schema));
	v[5] = TimestampTzGetDatum((TimestampTz) g->cfg.anchor);
	v[6] = CStringGetTextDatum(pj);
	v[7] = (Datum) 0;
	if (PG_ARGISNULL(3))
	{
		t[3] = TEXTOID;
		v[3] = CStringGetTextDatum(default_state_mix_json());
	}
	tb_gen_spi_exec("INSERT INTO " TB_SCHEMA ".datasets (seed, tasks, patterns, state_mix, target_schema, anchor, parameters)"
					" VALUES ($1, $2, $3::text[], $4::jsonb, $5, $6, $7::jsonb) RETURNING dataset_id",
					7, t, v, SPI_OK_INSERT_RETURNING);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* rows written and time taken into generate()'s datasets row; returns it */
static Datum
finish_generate(gen_ctx *g, instr_time t0)
{
	Oid			t[3] = {INT8OID, TEXTOID, FLOAT8OID};
	Datum		v[3];

	v[0] = Int64GetDatum(g->dataset_id);
	v[1] = CStringGetTextDatum(rows_json(g));
	v[2] = Float8GetDatum(elapsed_s(t0));
	tb_gen_spi_exec("UPDATE " TB_SCHEMA ".datasets SET rows_written = $2::jsonb, seconds = $3"
					" WHERE dataset_id = $1 RETURNING *", 3, t, v, SPI_OK_UPDATE_RETURNING);
	return PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
}

/*
 * Load tasks [from, to) by the chosen method, then ANALYZE what was filled
 */
static void
load_tasks(gen_ctx *g, gen_method method, int64 from, int64 to)
{
	gen_bulk	b;

	tb_gen_bulk_plan(g, &b, method, to - from);
	tb_gen_bulk_before_load(g, &b);
	tb_gen_range(g, from, to);
	tb_gen_bulk_after_load(g, &b);
	tb_gen_analyze(g);
	tb_gen_phase(g, NULL);
}

/*
 * SQL: tas_bench.generate(tasks int, seed bigint DEFAULT 1,
 *		patterns text[] DEFAULT NULL, state_mix jsonb DEFAULT NULL,
 *		target_schema name DEFAULT 'tasker', anchor timestamptz DEFAULT NULL,
 *		method text DEFAULT 'auto')
 *		RETURNS tas_bench.datasets
 * Generates a new dataset; anchor NULL = now().
 */
PG_FUNCTION_INFO_V1(tas_bench_generate);
Datum
tas_bench_generate(PG_FUNCTION_ARGS)
{
	gen_ctx    *g = palloc0(sizeof(gen_ctx));
	int64		tasks;
	StringInfoData patterns_s,
				params;
	int			nest;
	instr_time	t0;
	Datum		result;
	gen_method	method;

	INSTR_TIME_SET_CURRENT(t0);
	g->started = t0;
	tasks = generate_args(fcinfo, g, &method);
	nest = begin_generation(g, PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2),
							PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3), 0,
							&patterns_s, &params);
	g->dataset_id = insert_dataset_row(fcinfo, g, tasks, patterns_s.data, params.data);
	load_tasks(g, method, 0, tasks);
	result = finish_generate(g, t0);
	SPI_finish();
	tb_search_path_pop(nest);
	PG_RETURN_DATUM(result);
}

/*
 * grow()'s dataset: seed, anchor and schema into g, the recorded patterns
 * and state_mix into *patterns and *state_mix (transaction memory); errors
 * unless it exists and has fewer than tasks tasks.  Returns its size.
 */
static int64
load_dataset(gen_ctx *g, int64 id, int64 tasks, ArrayType **patterns, Jsonb **state_mix)
{
	Oid			t[1] = {INT8OID};
	Datum		v[1];
	TupleDesc	td;
	HeapTuple	tup;
	MemoryContext spi;
	bool		isnull;
	int64		old_tasks;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	v[0] = Int64GetDatum(id);
	tb_gen_spi_exec("SELECT seed, tasks, patterns, state_mix, target_schema, anchor FROM " TB_SCHEMA ".datasets"
					" WHERE dataset_id = $1 FOR UPDATE", 1, t, v, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dataset_id %lld does not exist", (long long) id),
				 errhint("See SELECT dataset_id, tasks FROM tas_bench.datasets.")));
	td = SPI_tuptable->tupdesc;
	tup = SPI_tuptable->vals[0];
	g->cfg.seed = (uint64) DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull));
	old_tasks = DatumGetInt32(SPI_getbinval(tup, td, 2, &isnull));
	spi = MemoryContextSwitchTo(TopTransactionContext);
	*patterns = DatumGetArrayTypePCopy(SPI_getbinval(tup, td, 3, &isnull));
	*state_mix = DatumGetJsonbPCopy(SPI_getbinval(tup, td, 4, &isnull));
	g->schema = pstrdup(NameStr(*DatumGetName(SPI_getbinval(tup, td, 5, &isnull))));
	MemoryContextSwitchTo(spi);
	g->cfg.anchor = DatumGetTimestampTz(SPI_getbinval(tup, td, 6, &isnull));
	g->cfg.window = WINDOW_US;
	check_anchor((TimestampTz) g->cfg.anchor, true);
	if (tasks <= old_tasks)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tasks must be larger than the dataset's current size"),
				 errdetail("Dataset %lld has %lld tasks; got %lld.", (long long) id,
						   (long long) old_tasks, (long long) tasks),
				 errhint("Pass the new total, between %lld and %d.", (long long) old_tasks + 1, MAX_TASKS)));
	SPI_finish();
	return old_tasks;
}

/* the new size, rows added and time taken into grow()'s dataset; returns it */
static Datum
finish_grow(gen_ctx *g, int64 tasks, instr_time t0)
{
	Oid			t[4] = {INT8OID, TEXTOID, FLOAT8OID, INT4OID};
	Datum		v[4];

	v[0] = Int64GetDatum(g->dataset_id);
	v[1] = CStringGetTextDatum(rows_json(g));
	v[2] = Float8GetDatum(elapsed_s(t0));
	v[3] = Int32GetDatum((int32) tasks);
	tb_gen_spi_exec("UPDATE " TB_SCHEMA ".datasets d SET tasks = $4, seconds = coalesce(seconds, 0) + $3, grown_at = clock_timestamp(),"
					" rows_written = (SELECT jsonb_object_agg(e.key, coalesce((d.rows_written->>e.key)::bigint, 0) + e.value::bigint)"
					"                   FROM jsonb_each_text($2::jsonb) e)"
					" WHERE dataset_id = $1 RETURNING *", 4, t, v, SPI_OK_UPDATE_RETURNING);
	return PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
}

/*
 * SQL: tas_bench.grow(dataset_id bigint, tasks int, method text DEFAULT 'auto')
 *		RETURNS tas_bench.datasets
 * Extends a dataset to tasks tasks: the new tasks are exactly those
 * generate() with the same arguments would have made beyond the old size.
 */
PG_FUNCTION_INFO_V1(tas_bench_grow);
Datum
tas_bench_grow(PG_FUNCTION_ARGS)
{
	gen_ctx    *g = palloc0(sizeof(gen_ctx));
	int64		tasks,
				old_tasks;
	int			nest;
	instr_time	t0;
	Datum		result;
	StringInfoData patterns_s,
				params;
	ArrayType  *patterns;
	Jsonb	   *state_mix;
	gen_method	method;

	INSTR_TIME_SET_CURRENT(t0);
	g->started = t0;
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dataset_id must not be null"),
				 errhint("Pass the dataset_id of a row of tas_bench.datasets.")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tasks must not be null"),
				 errhint("Pass the new total number of tasks, up to %d.", MAX_TASKS)));
	g->dataset_id = PG_GETARG_INT64(0);
	tasks = PG_GETARG_INT32(1);
	check_tasks_arg(tasks, "");
	method = tb_gen_parse_method(fcinfo, 2);
	old_tasks = load_dataset(g, g->dataset_id, tasks, &patterns, &state_mix);

	/* stored state_mix is the default object when none was given: same weights */
	nest = begin_generation(g, patterns, state_mix, old_tasks, &patterns_s, &params);
	load_tasks(g, method, old_tasks, tasks);
	result = finish_grow(g, tasks, t0);
	SPI_finish();
	tb_search_path_pop(nest);
	PG_RETURN_DATUM(result);
}
