/*-------------------------------------------------------------------------
 *
 * gen_cleanup.c
 *	  cleanup(): removes generated datasets from their target schemas.
 *
 * A dataset's rows are found by their tags: every generated task has
 * source_system 'tas_bench' and tags {"tas_bench": {"dataset": <id>, ...}}.
 * cleanup() deletes those tasks and every row referencing them or their
 * steps (audit rows, DLQ entries, transitions added later by benchmarks),
 * children first.  cleanup(NULL) removes every dataset and then the
 * templates tas_bench created (tas_bench.dataset_templates) that nothing
 * references any more.  A dataset whose schema is gone is forgotten with a
 * NOTICE.
 *
 * IDENTIFICATION
 *	  src/tasker/gen_cleanup.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "tasker/datagen.h"
#include "util.h"

/*
 * Can cleanup skip the foreign-key checks (session_replication_role =
 * replica)?  Deleting workflow_step_transitions fires a NO ACTION check on
 * workflow_step_result_audit per row, and that table has no index on
 * workflow_step_transition_uuid (upstream neither), so each check scans the
 * whole audit index: quadratic, minutes for 10K tasks.  cleanup deletes every
 * referencing row itself, so the checks can be skipped safely when (1) the
 * caller is a superuser (the setting needs it), (2) no foreign key outside
 * the tasker tables cleanup knows references the tables it deletes from, and
 * (3) no user trigger on those tables would be skipped.  Otherwise the
 * ordinary, checked path runs.
 */
static bool
can_skip_fk_checks(Oid nsp)
{
	static const char *const known[] = {
		"tasks", "workflow_steps", "workflow_step_edges", "task_transitions",
		"workflow_step_transitions", "workflow_step_result_audit", "tasks_dlq"
	};
	StringInfoData oids;
	int			i;
	Oid			t[1] = {TEXTOID};
	Datum		v[1];

	if (!superuser())
		return false;
	initStringInfo(&oids);
	appendStringInfoChar(&oids, '{');
	for (i = 0; i < (int) lengthof(known); i++)
	{
		Oid			relid = get_relname_relid(known[i], nsp);

		if (!OidIsValid(relid))
			return false;
		appendStringInfo(&oids, "%s%u", i ? "," : "", relid);
	}
	appendStringInfoChar(&oids, '}');
	v[0] = CStringGetTextDatum(oids.data);
	tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_constraint c"
					" WHERE c.contype = 'f' AND c.confrelid = ANY ($1::oid[]) AND c.conrelid <> ALL ($1::oid[])"
					" UNION ALL "
					"SELECT 1 FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid"
					" WHERE g.tgrelid = ANY ($1::oid[]) AND NOT g.tgisinternal AND (g.tgtype & 8) <> 0",
					1, t, v, SPI_OK_SELECT);
	return SPI_processed == 0;
}

/* delete one dataset's rows in schema; returns rows removed */
static int64
cleanup_dataset(const char *schema, int64 id)
{
	const char *s = quote_identifier(schema);
	char	   *tagged = psprintf("t.source_system = 'tas_bench' AND t.tags @> '{\"tas_bench\": {\"dataset\": %lld}}'",
								  (long long) id);
	const char *stmts[] = {
		"DELETE FROM %1$s.workflow_step_result_audit a USING %1$s.tasks t WHERE a.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_step_result_audit a USING %1$s.workflow_steps ws, %1$s.tasks t"
		" WHERE a.workflow_step_uuid = ws.workflow_step_uuid AND ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_step_result_audit a USING %1$s.workflow_step_transitions x, %1$s.workflow_steps ws, %1$s.tasks t"
		" WHERE a.workflow_step_transition_uuid = x.workflow_step_transition_uuid"
		"   AND x.workflow_step_uuid = ws.workflow_step_uuid AND ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.tasks_dlq d USING %1$s.tasks t WHERE d.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_step_transitions x USING %1$s.workflow_steps ws, %1$s.tasks t"
		" WHERE x.workflow_step_uuid = ws.workflow_step_uuid AND ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_step_edges e USING %1$s.workflow_steps ws, %1$s.tasks t"
		" WHERE e.from_step_uuid = ws.workflow_step_uuid AND ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_step_edges e USING %1$s.workflow_steps ws, %1$s.tasks t"
		" WHERE e.to_step_uuid = ws.workflow_step_uuid AND ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.task_transitions x USING %1$s.tasks t WHERE x.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.workflow_steps ws USING %1$s.tasks t WHERE ws.task_uuid = t.task_uuid AND %2$s",
		"DELETE FROM %1$s.tasks t WHERE %2$s",
	};
	int64		total = 0;
	int			i;

	for (i = 0; i < (int) lengthof(stmts); i++)
	{
		char	   *sql = psprintf(stmts[i], s, tagged);

		CHECK_FOR_INTERRUPTS();
		tb_gen_spi_exec(sql, 0, NULL, NULL, SPI_OK_DELETE);
		total += (int64) SPI_processed;
	}
	return total;
}

/* remove templates tas_bench created in schema that nothing references */
static int64
cleanup_templates(const char *schema)
{
	const char *s = quote_identifier(schema);
	const char *stmts[] = {
		"DELETE FROM %1$s.named_tasks_named_steps m USING " TB_SCHEMA ".dataset_templates r"
		" WHERE r.target_schema = %2$s AND r.kind = 'named_tasks_named_step' AND r.uuid = m.ntns_uuid"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.tasks t WHERE t.named_task_uuid = m.named_task_uuid)",
		"DELETE FROM %1$s.named_tasks n USING " TB_SCHEMA ".dataset_templates r"
		" WHERE r.target_schema = %2$s AND r.kind = 'named_task' AND r.uuid = n.named_task_uuid"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.tasks t WHERE t.named_task_uuid = n.named_task_uuid)"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.named_tasks_named_steps m WHERE m.named_task_uuid = n.named_task_uuid)",
		"DELETE FROM %1$s.named_steps n USING " TB_SCHEMA ".dataset_templates r"
		" WHERE r.target_schema = %2$s AND r.kind = 'named_step' AND r.uuid = n.named_step_uuid"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.workflow_steps w WHERE w.named_step_uuid = n.named_step_uuid)"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.named_tasks_named_steps m WHERE m.named_step_uuid = n.named_step_uuid)",
		"DELETE FROM %1$s.task_namespaces n USING " TB_SCHEMA ".dataset_templates r"
		" WHERE r.target_schema = %2$s AND r.kind = 'task_namespace' AND r.uuid = n.task_namespace_uuid"
		"   AND NOT EXISTS (SELECT 1 FROM %1$s.named_tasks t WHERE t.task_namespace_uuid = n.task_namespace_uuid)",
	};
	const char *forget =
		"DELETE FROM " TB_SCHEMA ".dataset_templates r WHERE r.target_schema = %2$s AND NOT EXISTS ("
		" SELECT 1 FROM %1$s.named_tasks_named_steps m WHERE r.kind = 'named_tasks_named_step' AND m.ntns_uuid = r.uuid"
		" UNION ALL SELECT 1 FROM %1$s.named_tasks n WHERE r.kind = 'named_task' AND n.named_task_uuid = r.uuid"
		" UNION ALL SELECT 1 FROM %1$s.named_steps n WHERE r.kind = 'named_step' AND n.named_step_uuid = r.uuid"
		" UNION ALL SELECT 1 FROM %1$s.task_namespaces n WHERE r.kind = 'task_namespace' AND n.task_namespace_uuid = r.uuid)";
	char	   *lit = quote_literal_cstr(schema);
	int64		total = 0;
	int			i;

	for (i = 0; i < (int) lengthof(stmts); i++)
	{
		char	   *sql = psprintf(stmts[i], s, lit);

		tb_gen_spi_exec(sql, 0, NULL, NULL, SPI_OK_DELETE);
		total += (int64) SPI_processed;
	}
	{
		char	   *sql = psprintf(forget, s, lit);

		tb_gen_spi_exec(sql, 0, NULL, NULL, SPI_OK_DELETE);
	}
	return total;
}

/*
 * Lock the datasets to remove (all, or the one id) and copy their ids and
 * schemas into the caller's context; returns how many.  Needs SPI.
 */
static uint64
lock_datasets(bool all, int64 id, MemoryContext outer, int64 **ids, char ***schemas)
{
	Oid			t[1] = {INT8OID};
	Datum		v[1];
	uint64		i,
				n;

	if (all)
		tb_gen_spi_exec("SELECT dataset_id, target_schema::text FROM " TB_SCHEMA ".datasets ORDER BY dataset_id FOR UPDATE",
						0, NULL, NULL, SPI_OK_SELECT);
	else
	{
		v[0] = Int64GetDatum(id);
		tb_gen_spi_exec("SELECT dataset_id, target_schema::text FROM " TB_SCHEMA ".datasets WHERE dataset_id = $1 FOR UPDATE",
						1, t, v, SPI_OK_SELECT);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dataset_id %lld does not exist", (long long) id),
					 errhint("See SELECT dataset_id FROM tas_bench.datasets; NULL removes all datasets.")));
	}
	n = SPI_processed;
	*ids = MemoryContextAlloc(outer, sizeof(int64) * (n + 1));
	*schemas = MemoryContextAlloc(outer, sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
	{
		bool		isnull;

		(*ids)[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		(*schemas)[i] = MemoryContextStrdup(outer, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
	}
	return n;
}

/*
 * Remove one dataset: its rows (unless its schema is gone) and its datasets
 * row; returns rows removed from the target
 */
static int64
remove_dataset(const char *schema, int64 id)
{
	int64		total = 0;
	Oid			t[1] = {INT8OID};
	Datum		v[1];

	if (!OidIsValid(get_namespace_oid(schema, true)))
	{
		ereport(NOTICE,
				(errmsg("schema \"%s\" of dataset %lld no longer exists; forgetting the dataset",
						schema, (long long) id)));
	}
	else
	{
		/* every statement of the cleanup names the target's tables itself */
		int			nest = tb_internal_begin();

		if (can_skip_fk_checks(get_namespace_oid(schema, false)))
			(void) set_config_option("session_replication_role", "replica",
									 PGC_SUSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
		total = cleanup_dataset(schema, id);
		tb_internal_end(nest);
	}
	v[0] = Int64GetDatum(id);
	tb_gen_spi_exec("DELETE FROM " TB_SCHEMA ".datasets WHERE dataset_id = $1", 1, t, v, SPI_OK_DELETE);
	return total;
}

/*
 * After every dataset is gone: the unreferenced templates of each schema
 * tas_bench created templates in, and the records of schemas that are gone
 */
static int64
remove_all_templates(MemoryContext outer)
{
	int64		total = 0;
	uint64		i,
				n;
	char	  **schemas;

	tb_gen_spi_exec("SELECT DISTINCT target_schema::text FROM " TB_SCHEMA ".dataset_templates",
					0, NULL, NULL, SPI_OK_SELECT);
	n = SPI_processed;
	schemas = MemoryContextAlloc(outer, sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
		schemas[i] = MemoryContextStrdup(outer, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	for (i = 0; i < n; i++)
	{
		if (!OidIsValid(get_namespace_oid(schemas[i], true)))
		{
			Oid			tn[1] = {TEXTOID};
			Datum		vn[1];

			vn[0] = CStringGetTextDatum(schemas[i]);
			tb_gen_spi_exec("DELETE FROM " TB_SCHEMA ".dataset_templates WHERE target_schema = $1::name",
							1, tn, vn, SPI_OK_DELETE);
			continue;
		}
		total += cleanup_templates(schemas[i]);
	}
	return total;
}

/*
 * SQL: tas_bench.cleanup(dataset_id bigint DEFAULT NULL) RETURNS bigint
 * Removes a generated dataset (NULL: all of them, and unreferenced
 * templates tas_bench created); returns the number of rows removed.
 */
PG_FUNCTION_INFO_V1(tas_bench_cleanup);
Datum
tas_bench_cleanup(PG_FUNCTION_ARGS)
{
	bool		all = PG_ARGISNULL(0);
	int64		total = 0;
	uint64		i,
				n;
	int64	   *ids;
	char	  **schemas;
	MemoryContext outer = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	n = lock_datasets(all, all ? 0 : PG_GETARG_INT64(0), outer, &ids, &schemas);
	for (i = 0; i < n; i++)
		total += remove_dataset(schemas[i], ids[i]);
	if (all)
		total += remove_all_templates(outer);
	SPI_finish();
	PG_RETURN_INT64(total);
}
