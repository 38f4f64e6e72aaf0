/*-------------------------------------------------------------------------
 *
 * gen_target.c
 *	  check_target(): what a target schema lacks for generate(), cleanup()
 *	  and the orchestration suite, one (object, problem) pair each.
 *
 * The checks: each table the generator reads or writes exists with the
 * columns it names, a primary key (collision detection, foreign keys) and
 * SELECT, INSERT and DELETE for the caller; the unique indexes the data
 * model's invariants rest on; the enabled audit trigger; the functions the
 * audit trigger and the orchestration suite call; uuid_generate_v7() for the
 * primary-key defaults.  generate() and grow() refuse a target with any
 * problem (tb_gen_require_target), naming the first twenty.
 *
 * IDENTIFICATION
 *	  src/tasker/gen_target.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "tasker/datagen.h"
#include "util.h"

/* one problem check_target reports */
typedef struct target_problem
{
	char	   *object;
	char	   *problem;
} target_problem;

/* the problems found so far, kept in the caller's memory context */
typedef struct problem_list
{
	MemoryContext cxt;
	List	   *list;
} problem_list;

static const char *const required_columns[] = {
	"task_namespaces", "task_namespace_uuid,name,description,created_at,updated_at",
	"named_tasks", "named_task_uuid,task_namespace_uuid,name,description,version,configuration,created_at,updated_at",
	"named_steps", "named_step_uuid,name,description,created_at,updated_at",
	"named_tasks_named_steps", "ntns_uuid,named_task_uuid,named_step_uuid,default_retryable,default_max_attempts,created_at,updated_at",
	"tasks", NULL,				/* from tb_gen_table_columns */
	"workflow_steps", NULL,
	"workflow_step_edges", NULL,
	"task_transitions", NULL,
	"workflow_step_transitions", NULL,
	"workflow_step_result_audit", "workflow_step_result_audit_uuid,workflow_step_uuid,workflow_step_transition_uuid,task_uuid,success,execution_time_ms",
	"tasks_dlq", "dlq_entry_uuid,task_uuid",
};

/*
 * functions the generator (the audit trigger) or the orchestration suite
 * calls; the analytics, summary and DLQ functions of upstream are not used
 * by any case, so their absence is no problem
 */
static const char *const required_functions[] = {
	"get_next_ready_tasks", "get_next_ready_task", "get_task_ready_info",
	"get_step_readiness_status", "get_step_readiness_status_batch",
	"evaluate_step_state_readiness", "calculate_step_next_retry_time",
	"get_task_execution_context", "get_task_execution_contexts_batch",
	"get_step_transitive_dependencies", "calculate_dependency_levels",
	"get_current_task_state", "transition_task_state_atomic",
	"get_system_health_counts", "create_step_result_audit"
};

/* unique indexes the data model relies on: table, columns (in order), partial? */
static const char *const required_uniques[] = {
	"tasks", "identity_hash",
	"named_steps", "name",
	"task_namespaces", "name",
	"named_tasks", "task_namespace_uuid,name,version",
	"workflow_steps", "task_uuid,named_step_uuid",
	"task_transitions", "task_uuid,most_recent",
	"workflow_step_transitions", "workflow_step_uuid,most_recent",
};

static void
add_problem(problem_list *pl, const char *object, const char *problem)
{
	MemoryContext old = MemoryContextSwitchTo(pl->cxt);
	target_problem *p = palloc(sizeof(target_problem));

	p->object = pstrdup(object);
	p->problem = pstrdup(problem);
	pl->list = lappend(pl->list, p);
	MemoryContextSwitchTo(old);
}

/* the columns a table must have: listed above, or the COPY column list */
static const char *
columns_of(const char *tab, const char *cols)
{
	int			t;

	if (cols == NULL)
	{
		for (t = 0; t < T_NTABLES; t++)
			if (strcmp(tb_gen_table_name(t), tab) == 0)
				cols = tb_gen_table_columns(t);
	}
	return cols;
}

static void
check_columns(problem_list *pl, const char *obj, Oid relid, const char *cols)
{
	char	   *copy = pstrdup(cols);
	char	   *tok,
			   *save;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		if (get_attnum(relid, tok) == InvalidAttrNumber)
		{
			char		o2[NAMEDATALEN * 4 + 8];

			snprintf(o2, sizeof(o2), "%s.%s", obj, quote_identifier(tok));
			add_problem(pl, o2, "column does not exist");
		}
	}
}

/* primary key (collision detection, foreign keys) */
static void
check_primary_key(problem_list *pl, const char *obj, Oid relid)
{
	Oid			t1[1] = {OIDOID};
	Datum		values[1];

	values[0] = ObjectIdGetDatum(relid);
	tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1 AND contype = 'p'",
					1, t1, values, SPI_OK_SELECT);
	if (SPI_processed == 0)
		add_problem(pl, obj, "primary key missing");
}

/* one bit at a time: a mask of several passes if any one is granted */
static void
check_privileges(problem_list *pl, const char *obj, Oid relid)
{
	static const AclMode modes[3] = {ACL_SELECT, ACL_INSERT, ACL_DELETE};
	static const char *const mode_names[3] = {"SELECT", "INSERT", "DELETE"};
	int			m;

	for (m = 0; m < 3; m++)
		if (pg_class_aclcheck(relid, GetUserId(), modes[m]) != ACLCHECK_OK)
			add_problem(pl, obj, psprintf("no %s privilege (generate and cleanup need SELECT, INSERT and DELETE)",
										  mode_names[m]));
}

/* one table of required_columns: exists, columns, primary key, privileges */
static void
check_table(problem_list *pl, const char *schema, Oid nsp, const char *tab, const char *cols)
{
	Oid			relid = get_relname_relid(tab, nsp);
	char		obj[NAMEDATALEN * 3 + 8];

	cols = columns_of(tab, cols);
	snprintf(obj, sizeof(obj), "%s.%s", quote_identifier(schema), quote_identifier(tab));
	if (!OidIsValid(relid))
	{
		add_problem(pl, obj, "table does not exist");
		return;
	}
	check_columns(pl, obj, relid, cols);
	check_primary_key(pl, obj, relid);
	check_privileges(pl, obj, relid);
}

/* unique indexes the data model's invariants rest on */
static void
check_uniques(problem_list *pl, const char *schema, Oid nsp)
{
	int			i;

	for (i = 0; i < (int) lengthof(required_uniques); i += 2)
	{
		Oid			relid = get_relname_relid(required_uniques[i], nsp);
		Oid			t1[2] = {OIDOID, TEXTOID};
		Datum		values[2];

		if (!OidIsValid(relid))
			continue;
		values[0] = ObjectIdGetDatum(relid);
		values[1] = CStringGetTextDatum(required_uniques[i + 1]);
		tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_index x"
						" WHERE x.indrelid = $1 AND x.indisunique"
						"   AND (SELECT string_agg(a.attname, ',' ORDER BY k.ord)"
						"          FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(att, ord)"
						"          JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att) = $2",
						2, t1, values, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			char		obj[NAMEDATALEN * 3 + 8];

			snprintf(obj, sizeof(obj), "%s.%s (%s)", quote_identifier(schema),
					 quote_identifier(required_uniques[i]), required_uniques[i + 1]);
			add_problem(pl, obj, "unique index missing");
		}
	}
}

/* the audit trigger on workflow_step_transitions */
static void
check_audit_trigger(problem_list *pl, const char *schema, Oid nsp)
{
	Oid			relid = get_relname_relid("workflow_step_transitions", nsp);
	Oid			t1[1] = {OIDOID};
	Datum		values[1];
	char		obj[NAMEDATALEN * 3 + 8];

	if (!OidIsValid(relid))
		return;
	values[0] = ObjectIdGetDatum(relid);
	tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
					" WHERE t.tgrelid = $1 AND NOT t.tgisinternal AND p.proname = 'create_step_result_audit'"
					"   AND t.tgenabled <> 'D'",
					1, t1, values, SPI_OK_SELECT);
	if (SPI_processed == 0)
	{
		snprintf(obj, sizeof(obj), "%s.%s", quote_identifier(schema), "workflow_step_transitions");
		add_problem(pl, obj, "enabled audit trigger calling create_step_result_audit() missing");
	}
}

/* functions in the schema, and uuid_generate_v7 anywhere */
static void
check_functions(problem_list *pl, const char *schema)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		obj[NAMEDATALEN * 3 + 8];
	int			i;

	for (i = 0; i < (int) lengthof(required_functions); i++)
	{
		values[0] = CStringGetTextDatum(schema);
		values[1] = CStringGetTextDatum(required_functions[i]);
		tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
						" WHERE n.nspname = $1 AND p.proname = $2",
						2, types, values, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			snprintf(obj, sizeof(obj), "%s.%s()", quote_identifier(schema), required_functions[i]);
			add_problem(pl, obj, "function does not exist");
		}
	}
	/* uuid_generate_v7 (column defaults, transition_task_state_atomic): anywhere */
	tb_gen_spi_exec("SELECT 1 FROM pg_catalog.pg_proc WHERE proname IN ('uuid_generate_v7', 'uuidv7')",
					0, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		add_problem(pl, "uuid_generate_v7()", "function does not exist (primary-key defaults call it)");
}

/*
 * Inspect the target schema; returns the problems (palloc'd in the caller's
 * context).  Uses SPI (connects itself).
 */
static List *
target_problems(const char *schema)
{
	problem_list pl = {CurrentMemoryContext, NIL};
	Oid			nsp = get_namespace_oid(schema, true);
	int			i;

	if (!OidIsValid(nsp))
	{
		add_problem(&pl, quote_identifier(schema), "schema does not exist");
		return pl.list;
	}
	if (TB_NAMESPACE_ACLCHECK(nsp, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
	{
		add_problem(&pl, quote_identifier(schema), "no USAGE privilege on the schema");
		return pl.list;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	for (i = 0; i < (int) lengthof(required_columns); i += 2)
		check_table(&pl, schema, nsp, required_columns[i], required_columns[i + 1]);
	check_uniques(&pl, schema, nsp);
	check_audit_trigger(&pl, schema, nsp);
	check_functions(&pl, schema);
	SPI_finish();
	return pl.list;
}

/*
 * SQL: tas_bench.check_target(target_schema name DEFAULT 'tasker')
 *		RETURNS TABLE(object text, problem text)
 * One row per missing object or privilege; no rows = ready.
 */
PG_FUNCTION_INFO_V1(tas_bench_check_target);
Datum
tas_bench_check_target(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *problems;
	ListCell   *lc;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_schema must not be null"),
				 errhint("Pass the name of the schema holding the tasker tables, e.g. 'tasker'.")));
	TB_INIT_MATERIALIZED_SRF(fcinfo);
	problems = target_problems(NameStr(*PG_GETARG_NAME(0)));
	foreach(lc, problems)
	{
		target_problem *p = lfirst(lc);
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(p->object);
		values[1] = CStringGetTextDatum(p->problem);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Error unless the target schema is ready, naming up to twenty problems
 * (check_target lists all of them).
 */
void
tb_gen_require_target(const char *schema)
{
	List	   *problems = target_problems(schema);
	StringInfoData d;
	ListCell   *lc;
	int			n = 0;

	if (problems == NIL)
		return;
	initStringInfo(&d);
	foreach(lc, problems)
	{
		target_problem *p = lfirst(lc);

		if (n++ < 20)
			appendStringInfo(&d, "%s%s: %s", n > 1 ? "; " : "", p->object, p->problem);
	}
	if (n > 20)
		appendStringInfo(&d, "; and %d more", n - 20);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("target schema \"%s\" is not ready for tas_bench (%d problem%s)",
					schema, n, n == 1 ? "" : "s"),
			 errdetail("%s.", d.data),
			 errhint("Run SELECT * FROM tas_bench.check_target(%s) for the full list; load the tasker-core migrations (or test/fixtures/tasker/tasker_schema.sql) into that schema.",
					 quote_literal_cstr(schema))));
}
