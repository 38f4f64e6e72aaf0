/*-------------------------------------------------------------------------
 *
 * gen_templates.c
 *	  The template rows the generated tasks and steps point at: namespaces
 *	  tas_bench_<shape>, named tasks tas_bench_<shape> version 1.0.0, named
 *	  steps tas_bench_<shape>_<step>, and the memberships of named steps in
 *	  named tasks.
 *
 * Each is found by name or created.  Those created are recorded in
 * tas_bench.dataset_templates so that cleanup(NULL) can remove them when no
 * row references them any more.  Template UUIDs depend on the template's
 * name only (timestamp part fixed at 2025-01-01), so task rows do not depend
 * on which dataset created them.
 *
 * IDENTIFICATION
 *	  src/tasker/gen_templates.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "tasker/datagen.h"
#include "util.h"

/* 2025-01-01 00:00:00 in microseconds since 2000-01-01 */
#define TEMPLATE_UUID_TS INT64CONST(789004800000000)

static uint64
fnv1a(const char *s)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (; *s; s++)
	{
		h ^= (unsigned char) *s;
		h *= UINT64CONST(0x100000001b3);
	}
	return h;
}

/* note in tas_bench.dataset_templates that tas_bench created a template */
static void
record_template(gen_ctx *g, const char *kind, const char *name, Datum uuid)
{
	Oid			t[4] = {NAMEOID, TEXTOID, TEXTOID, UUIDOID};
	Datum		v[4];

	v[0] = DirectFunctionCall1(namein, CStringGetDatum(g->schema));
	v[1] = CStringGetTextDatum(kind);
	v[2] = CStringGetTextDatum(name);
	v[3] = uuid;
	tb_gen_spi_exec("INSERT INTO " TB_SCHEMA ".dataset_templates (target_schema, kind, name, uuid)"
					" VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", 4, t, v, SPI_OK_INSERT);
}

/*
 * Find a template row by name or create it; returns its uuid in out (on
 * entry: the uuid to create it with).  values[0] = uuid, values[1] =
 * timestamp, values[2..] = identifying args, the only ones find_sql gets.
 */
static void
find_or_create(gen_ctx *g, const char *kind, const char *find_sql, const char *insert_sql,
			   int nargs, Oid *types, Datum *values, const char *name, uint8 *out)
{
	char	   *schema_q = (char *) quote_identifier(g->schema);
	char	   *sql;

	sql = psprintf(find_sql, schema_q);
	tb_gen_spi_exec(sql, nargs - 2, types + 2, values + 2, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		memcpy(out, DatumGetUUIDP(d)->data, 16);
		return;
	}
	values[0] = tb_gen_uuid_datum(out);
	sql = psprintf(insert_sql, schema_q);
	tb_gen_spi_exec(sql, nargs, types, values, SPI_OK_INSERT);
	record_template(g, kind, name, values[0]);
}

static void
setup_namespace(gen_ctx *g, int s, const char *nsname, Timestamp ts, uint8 *ns)
{
	Oid			t[4] = {UUIDOID, TIMESTAMPOID, TEXTOID, TEXTOID};
	Datum		v[4];

	tb_gen_uuid_from(ns, TEMPLATE_UUID_TS, fnv1a(nsname), 1);
	v[1] = TimestampGetDatum(ts);
	v[2] = CStringGetTextDatum(nsname);
	v[3] = CStringGetTextDatum(psprintf("tas_bench generated workflows: %s", tb_shape_names[s]));
	find_or_create(g, "task_namespace",
				   "SELECT task_namespace_uuid FROM %s.task_namespaces WHERE name = $1",
				   "INSERT INTO %s.task_namespaces (task_namespace_uuid, name, description, created_at, updated_at)"
				   " VALUES ($1, $3, $4, $2, $2)",
				   4, t, v, nsname, ns);
}

static void
setup_named_task(gen_ctx *g, int s, const char *nsname, Timestamp ts, const uint8 *ns)
{
	Oid			t[4] = {UUIDOID, TIMESTAMPOID, UUIDOID, TEXTOID};
	Datum		v[4];

	tb_gen_uuid_from(g->named_task[s], TEMPLATE_UUID_TS, fnv1a(nsname), 2);
	v[1] = TimestampGetDatum(ts);
	v[2] = tb_gen_uuid_datum(ns);
	v[3] = CStringGetTextDatum(nsname);
	find_or_create(g, "named_task",
				   "SELECT named_task_uuid FROM %s.named_tasks WHERE task_namespace_uuid = $1 AND name = $2 AND version = '1.0.0'",
				   "INSERT INTO %s.named_tasks (named_task_uuid, task_namespace_uuid, name, description, version, configuration, created_at, updated_at)"
				   " VALUES ($1, $3, $4, 'tas_bench ' || $4 || ' workflow', '1.0.0',"
				   " '{\"lifecycle\": {\"max_waiting_for_dependencies_minutes\": 60, \"max_waiting_for_retry_minutes\": 30, \"max_steps_in_process_minutes\": 30}}', $2, $2)",
				   4, t, v, nsname, g->named_task[s]);
}

static void
setup_named_steps(gen_ctx *g, int s, const char *nsname, Timestamp ts,
				  const char *const *names, int nn)
{
	int			k;

	for (k = 0; k < nn; k++)
	{
		char	   *stname = psprintf("%s_%s", nsname, names[k]);
		Oid			t[3] = {UUIDOID, TIMESTAMPOID, TEXTOID};
		Datum		v[3];

		tb_gen_uuid_from(g->named_step[s][k], TEMPLATE_UUID_TS, fnv1a(stname), 3);
		v[1] = TimestampGetDatum(ts);
		v[2] = CStringGetTextDatum(stname);
		find_or_create(g, "named_step",
					   "SELECT named_step_uuid FROM %s.named_steps WHERE name = $1",
					   "INSERT INTO %s.named_steps (named_step_uuid, name, description, created_at, updated_at)"
					   " VALUES ($1, $3, 'tas_bench generated step', $2, $2)",
					   3, t, v, stname, g->named_step[s][k]);
	}
}

/* the named steps of shape s as members of its named task */
static void
setup_memberships(gen_ctx *g, int s, const char *nsname, Timestamp ts,
				  const char *const *names, int nn)
{
	int			k;

	for (k = 0; k < nn; k++)
	{
		char	   *mname = psprintf("%s/%s", nsname, names[k]);
		Oid			t[4] = {UUIDOID, TIMESTAMPOID, UUIDOID, UUIDOID};
		Datum		v[4];
		uint8		u[16];

		tb_gen_uuid_from(u, TEMPLATE_UUID_TS, fnv1a(mname), 4);
		v[1] = TimestampGetDatum(ts);
		v[2] = tb_gen_uuid_datum(g->named_task[s]);
		v[3] = tb_gen_uuid_datum(g->named_step[s][k]);
		find_or_create(g, "named_tasks_named_step",
					   "SELECT ntns_uuid FROM %s.named_tasks_named_steps WHERE named_task_uuid = $1 AND named_step_uuid = $2",
					   "INSERT INTO %s.named_tasks_named_steps (ntns_uuid, named_task_uuid, named_step_uuid, default_retryable, default_max_attempts, created_at, updated_at)"
					   " VALUES ($1, $3, $4, true, 3, $2, $2)",
					   4, t, v, mname, u);
	}
}

/*
 * Find or create every shape's templates; fills g->named_task and
 * g->named_step.  Needs SPI connected and the target on the search_path.
 */
void
tb_gen_setup_templates(gen_ctx *g)
{
	int			s;

	/* created a month before the anchor, i.e. before any of the tasks */
	Timestamp	ts = (Timestamp) (g->cfg.anchor - LOOKBACK_US);

	for (s = 0; s < TB_SHAPE_COUNT; s++)
	{
		uint8		ns[16];
		char	   *nsname = psprintf("tas_bench_%s", tb_shape_names[s]);
		int			nn;
		const char *const *names = tb_shape_step_names(s, &nn);

		setup_namespace(g, s, nsname, ts, ns);
		setup_named_task(g, s, nsname, ts, ns);
		setup_named_steps(g, s, nsname, ts, names, nn);
		setup_memberships(g, s, nsname, ts, names, nn);
	}
}
