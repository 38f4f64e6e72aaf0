/*-------------------------------------------------------------------------
 *
 * records.c
 *	  Run records written outside a timed run, for run_suite:
 *	  tas_bench.record_failed_run() stores a case that could not be timed,
 *	  tas_bench.label_case_run() files a run under its suite and case.
 *
 * Both write tas_bench.runs as bookkeeping (util.h: the extension owner,
 * search_path pinned), so a bench role needs no INSERT or UPDATE on the
 * table; both act only for the calling role: the failed record is owned by
 * it, and a run is labelled only when the caller acts as its owner.
 *
 * IDENTIFICATION
 *	  src/core/records.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "util.h"

#define NARGS_FAILED 10

/*
 * tas_bench.record_failed_run(name, label, sql, params, mode, error,
 *							   iterations, warmup, max_time, search_path)
 *		RETURNS bigint: the run id of a run stored as failed, with no samples.
 */
PG_FUNCTION_INFO_V1(tas_bench_record_failed_run);
Datum
tas_bench_record_failed_run(PG_FUNCTION_ARGS)
{
	Oid			types[NARGS_FAILED + 1] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	INT4OID, INT4OID, INTERVALOID, TEXTOID, NAMEOID};
	Datum		vals[NARGS_FAILED + 1];
	char		nulls[NARGS_FAILED + 1];
	tb_bookkeeping bk;
	bool		isnull;
	int64		id;
	int			rc;

	tb_require_arg(fcinfo, 2, "sql", "Pass the statement of the case that failed.");
	tb_require_arg(fcinfo, 4, "mode", "Pass shared, rollback or commit.");
	tb_require_arg(fcinfo, 6, "iterations", "Pass the case's iterations.");
	tb_require_arg(fcinfo, 7, "warmup", "Pass the case's warmup.");
	for (int i = 0; i < NARGS_FAILED; i++)
	{
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
		vals[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	nulls[NARGS_FAILED] = ' ';
	vals[NARGS_FAILED] = DirectFunctionCall1(namein, CStringGetDatum(tb_current_role_name()));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("INSERT INTO " TB_SCHEMA ".runs (name, label, sql, params, mode, status, error, "
							   "iterations, warmup, max_time, finished_at, env, owner) "
							   "SELECT $1, $2, $3, $4, $5, 'failed', $6, $7, $8, $9, clock_timestamp(), "
							   "jsonb_set(" TB_SCHEMA ".environment(), '{settings,search_path}', to_jsonb($10)), $11 "
							   "RETURNING run_id",
							   NARGS_FAILED + 1, types, vals, nulls, false, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into tas_bench.runs: %s", SPI_result_code_string(rc));
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(id);
}

/*
 * tas_bench.label_case_run(run_id, suite, case_name, dataset_tasks, repeat,
 *							  repeats, settled)
 *		RETURNS TABLE(status text, p50_ms float8, error text)
 *		File a run made by the caller under a suite and case; repeat,
 *		repeats and settled (when not NULL) go into its env.
 */
PG_FUNCTION_INFO_V1(tas_bench_label_case_run);
Datum
tas_bench_label_case_run(PG_FUNCTION_ARGS)
{
	Oid			types[7] = {INT8OID, TEXTOID, TEXTOID, INT8OID, INT4OID, INT4OID, BOOLOID};
	Datum		vals[7];
	char		nulls[7];
	Datum		out[3];
	bool		outnull[3];
	TupleDesc	tupdesc;
	tb_bookkeeping bk;
	char	   *owner;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext spicxt;
	int			rc;

	tb_require_arg(fcinfo, 0, "run_id", "Pass the run_id of a run of tas_bench.runs.");
	for (int i = 0; i < 7; i++)
	{
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
		vals[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("SELECT owner::text FROM " TB_SCHEMA ".runs WHERE run_id = $1",
							   1, types, vals, NULL, false, 1);
	owner = (rc == SPI_OK_SELECT && SPI_processed == 1) ?
		SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
	tb_bookkeeping_end(&bk);
	if (owner == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument run_id " INT64_FORMAT " names no run in tas_bench.runs",
						DatumGetInt64(vals[0]))));
	if (!tb_acts_as(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("run " INT64_FORMAT " belongs to role \"%s\"", DatumGetInt64(vals[0]), owner),
				 errhint("Only its owner (or a member of it) can file it under a suite.")));

	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("UPDATE " TB_SCHEMA ".runs SET suite = $2, case_name = $3, dataset_tasks = $4, "
							   "env = coalesce(env, '{}') || jsonb_strip_nulls(jsonb_build_object("
							   "'repeat', $5, 'repeats', $6, 'settled', $7)) "
							   "WHERE run_id = $1 RETURNING status, p50_ns / 1e6::float8, error",
							   7, types, vals, nulls, false, 1);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_UPDATE_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not update tas_bench.runs: %s", SPI_result_code_string(rc));
	for (int i = 0; i < 3; i++)
		out[i] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1, &outnull[i]);
	spicxt = MemoryContextSwitchTo(caller);	/* the texts must outlive SPI */
	out[0] = outnull[0] ? (Datum) 0 : PointerGetDatum(DatumGetTextPCopy(out[0]));
	out[2] = outnull[2] ? (Datum) 0 : PointerGetDatum(DatumGetTextPCopy(out[2]));
	MemoryContextSwitchTo(spicxt);
	SPI_finish();
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, out, outnull)));
}
