/*-------------------------------------------------------------------------
 *
 * datagen.h
 *	  Internal API of the tasker dataset generator: generate(), grow(),
 *	  cleanup(), check_target().
 *
 * dagshape.c decides what a task looks like (shape, states, flags,
 * histories, times) from the seed and the task number alone.  The files
 * below turn those plans into rows and load them, one phase each:
 *
 *	  generate.c		SQL generate() and grow(): arguments, the datasets row
 *	  gen_templates.c	namespaces, named tasks, named steps, memberships
 *	  gen_target.c		check_target(): what a target schema lacks
 *	  gen_copy.c		the COPY driver: chunks of plans, one COPY per table
 *	  gen_rows.c		row text of the COPY data, UUIDs
 *	  gen_bulk.c		the bulk method: the choice, FK checks and triggers
 *						off, secondary indexes dropped and rebuilt, FKs
 *						validated; ANALYZE of the filled tables
 *	  gen_cleanup.c		SQL cleanup()
 *
 * Calls go one way only: generate.c -> gen_copy.c -> gen_rows.c, and
 * generate.c -> gen_templates.c, gen_target.c, gen_bulk.c; gen_copy.c ->
 * gen_bulk.c (phase reports only); gen_cleanup.c calls none of them.  All of them may call dagshape.c, util.c and core/.  What several of
 * them need (the target tables, a few SPI and UUID helpers) is inline here.
 *
 * search_path: upstream's audit trigger resolves tables unqualified, so the
 * work runs with search_path = <target>, public, set in a GUC nest level and
 * restored afterwards (also on error, by transaction abort).
 *
 * IDENTIFICATION
 *	  src/tasker/datagen.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_DATAGEN_H
#define TB_DATAGEN_H

#include "postgres.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

#include "core/prng.h"
#include "tasker/dagshape.h"
#include "util.h"

#define CHUNK_TASKS 2048
#define MAX_TASKS 10000000
#define WINDOW_US (INT64CONST(7) * 86400 * 1000000)
/*
 * The earliest row of a dataset lies this far before the anchor: the
 * templates, processors and workers (gen_templates.c, gen_copy.c).  A task's
 * own rows lie within WINDOW_US plus its simulated history (at most about two
 * days) before the anchor, and none after it.
 */
#define LOOKBACK_US (INT64CONST(30) * 86400 * 1000000)
#define GENERATOR_VERSION 1

#define N_PROCESSORS 4
#define N_WORKERS 8

/* target tables loaded by COPY, in foreign-key order */
enum
{
	T_TASKS,
	T_STEPS,
	T_EDGES,
	T_TASK_TRANS,
	T_STEP_TRANS,
	T_NTABLES
};

/*
 * The audit table: filled by the target's audit trigger on the checked
 * path, by its own COPY (gen_rows.c writes the rows the trigger would) on
 * the bulk path with triggers off.  Its slot follows the T_* tables.
 */
#define T_AUDIT T_NTABLES

/* a target table's name, by T_* (or T_AUDIT) */
static inline const char *
tb_gen_table_name(int table)
{
	static const char *const names[T_NTABLES + 1] = {
		"tasks", "workflow_steps", "workflow_step_edges", "task_transitions",
		"workflow_step_transitions", "workflow_step_result_audit"
	};

	return names[table];
}

/*
 * a target table's COPY column list, in the order gen_rows.c writes them;
 * the audit rows leave their key and now() columns to the target's defaults,
 * as the trigger's INSERT does
 */
static inline const char *
tb_gen_table_columns(int table)
{
	static const char *const columns[T_NTABLES + 1] = {
		"task_uuid,named_task_uuid,complete,requested_at,completed_at,initiator,"
		"source_system,reason,tags,context,identity_hash,created_at,updated_at,"
		"priority,correlation_id,parent_correlation_id",
		"workflow_step_uuid,task_uuid,named_step_uuid,retryable,max_attempts,"
		"in_process,processed,processed_at,attempts,last_attempted_at,"
		"backoff_request_seconds,inputs,results,created_at,updated_at,priority",
		"workflow_step_edge_uuid,from_step_uuid,to_step_uuid,name,created_at,updated_at",
		"task_transition_uuid,task_uuid,to_state,from_state,metadata,sort_key,"
		"most_recent,created_at,updated_at,processor_uuid,transition_metadata",
		"workflow_step_transition_uuid,workflow_step_uuid,to_state,from_state,"
		"metadata,sort_key,most_recent,created_at,updated_at",
		"workflow_step_uuid,workflow_step_transition_uuid,task_uuid,worker_uuid,"
		"correlation_id,success,execution_time_ms"
	};

	return columns[table];
}

/* one generate() or grow() call */
typedef struct gen_ctx
{
	tb_plan_config cfg;
	int64		dataset_id;
	char	   *schema;			/* target schema, unquoted */
	Oid			nspoid;
	Oid			relids[T_NTABLES + 1];	/* + the audit table */
	uint8		named_task[TB_SHAPE_COUNT][16];
	uint8		named_step[TB_SHAPE_COUNT][TB_SHAPE_MAX_NAMES][16];
	uint8		processor[N_PROCESSORS][16];
	uint8		worker[N_WORKERS][16];
	int64		rows[T_NTABLES + 1];	/* + audit rows (by trigger or T_AUDIT) */
	bool		write_audit;	/* bulk: COPY the audit rows (trigger off) */
	struct gen_key_default *audit_key;	/* their key's default (gen_bulk.c) */
	bool		quiet;			/* no phase NOTICEs (short generations) */
	double		load_s[T_NTABLES + 1];	/* seconds spent loading each table */
	instr_time	started;		/* start of the generate()/grow() call */

	/* current COPY */
	int			table;
	tb_task_plan *plans;
	int			nplans;
	int			cur;
	StringInfoData buf;
	int			bufpos;
} gen_ctx;

/* generate()/grow() method argument */
typedef enum gen_method
{
	GEN_METHOD_AUTO,
	GEN_METHOD_CHECKED,
	GEN_METHOD_BULK
} gen_method;

/* what the bulk method does for one call (gen_bulk.c) */
typedef struct gen_bulk
{
	bool		bulk;			/* the bulk method was chosen */
	bool		replica;		/* FK checks and triggers off while loading */
	bool		drop_indexes;	/* secondary indexes dropped, rebuilt after */
	int			guc_nest;		/* GUC nest level of session_replication_role */
	List	   *indexes;		/* saved_index: the dropped ones */
	List	   *fks;			/* saved_fk: the FKs to validate */
} gen_bulk;

/* gen_rows.c */
extern bool tb_gen_produce_more(gen_ctx *g);

/* gen_copy.c */
extern void tb_gen_open_target(gen_ctx *g);
extern void tb_gen_range(gen_ctx *g, int64 from, int64 to);

/* gen_templates.c */
extern void tb_gen_setup_templates(gen_ctx *g);

/* gen_target.c */
extern void tb_gen_require_target(const char *schema);

/* gen_bulk.c */
extern gen_method tb_gen_parse_method(FunctionCallInfo fcinfo, int argno);
extern void tb_gen_bulk_plan(gen_ctx *g, gen_bulk *b, gen_method method, int64 new_tasks);
extern void tb_gen_bulk_before_load(gen_ctx *g, gen_bulk *b);
extern void tb_gen_bulk_after_load(gen_ctx *g, gen_bulk *b);
extern void tb_gen_analyze(gen_ctx *g);
extern void tb_gen_put_audit_key(gen_ctx *g, StringInfo b);
extern void tb_gen_phase(gen_ctx *g, const char *phase);
extern void tb_gen_phase_done(gen_ctx *g, const char *phase, int64 rows, double seconds);

/*
 * Run one of the generator's own statements through SPI with arguments,
 * with the search_path pinned (util.h: tb_internal_begin), so nothing
 * planted on the target's path resolves in it; target tables are named
 * schema-qualified in these statements.  Errors unless it returns expect.
 * Only the COPY into the target runs under the target's path (the target's
 * audit trigger names tables unqualified).
 */
static inline int
tb_gen_spi_exec(const char *sql, int nargs, Oid *types, Datum *values, int expect)
{
	int			nest = tb_internal_begin();
	int			ret = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

	tb_internal_end(nest);
	if (ret != expect)
		elog(ERROR, "SPI_execute_with_args failed (%d): %s", ret, sql);
	return ret;
}

static inline Datum
tb_gen_uuid_datum(const uint8 *u)
{
	pg_uuid_t  *p = palloc(sizeof(pg_uuid_t));

	memcpy(p->data, u, 16);
	return UUIDPGetDatum(p);
}

/*
 * UUIDv7 at ts whose random bits depend on (seed, stream) only: templates,
 * processors and workers
 */
static inline void
tb_gen_uuid_from(uint8 *out, int64 ts, uint64 seed, uint64 stream)
{
	uint64_t	rnd[2];

	rnd[0] = tb_prng_mix(seed, stream * 2);
	rnd[1] = tb_prng_mix(seed, stream * 2 + 1);
	tb_uuid7(out, ts, rnd);
}

/* search_path = <schema>, public until tb_search_path_pop(returned level) */
static inline int
tb_gen_push_target_path(const char *schema)
{
	return tb_search_path_push(psprintf("%s, public", quote_identifier(schema)));
}

#endif							/* TB_DATAGEN_H */
