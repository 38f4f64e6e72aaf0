/*-------------------------------------------------------------------------
 *
 * gen_copy.c
 *	  The COPY driver of the dataset generator: plans a chunk of tasks and
 *	  loads their rows, table by table.
 *
 * Loading: the server's own COPY FROM machinery (BeginCopyFrom with a
 * data_source_cb, CopyFrom), one COPY per table in foreign-key order
 * (tasks, workflow_steps, workflow_step_edges, task_transitions,
 * workflow_step_transitions, and on the bulk path with triggers off
 * workflow_step_result_audit) over a chunk of CHUNK_TASKS tasks.  The
 * callback produces text-format rows on demand from the chunk's plans
 * (gen_rows.c), so indexes, constraints, foreign keys and the audit trigger
 * are handled exactly as for a COPY statement.  The plans of a chunk live in
 * a memory context reset after the chunk, so memory does not grow with the
 * number of tasks.  The API differences of BeginCopyFrom between releases
 * are in compat.h (TB_BEGIN_COPY_FROM).
 *
 * IDENTIFICATION
 *	  src/tasker/gen_copy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/copy.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

#include "tasker/datagen.h"
#include "util.h"

/* the COPY callback has no argument: the generation in progress */
static gen_ctx *current_gen = NULL;

static int
gen_source_cb(void *outbuf, int minread, int maxread)
{
	gen_ctx    *g = current_gen;
	int			copied = 0;

	while (copied < maxread)
	{
		int			n;

		if (g->bufpos >= g->buf.len)
		{
			resetStringInfo(&g->buf);
			g->bufpos = 0;
			/* a task whose rows are empty (no edges) just yields nothing */
			while (g->buf.len == 0 && tb_gen_produce_more(g))
				;
			if (g->buf.len == 0)
				break;			/* end of data */
		}
		n = Min(maxread - copied, g->buf.len - g->bufpos);
		memcpy((char *) outbuf + copied, g->buf.data + g->bufpos, n);
		copied += n;
		g->bufpos += n;
	}
	return copied;
}

/* COPY the current chunk's rows of one table */
static void
copy_table(gen_ctx *g, int table)
{
	Relation	rel;
	ParseState *pstate;
	List	   *attnames = NIL;
	List	   *options;
	char	   *cols = table == T_AUDIT && g->audit_key ?
		psprintf("workflow_step_result_audit_uuid,%s", tb_gen_table_columns(table)) :
		pstrdup(tb_gen_table_columns(table));
	char	   *tok,
			   *save;
	uint64		n;
	TB_COPY_FROM_STATE cstate;
	instr_time	t0,
				t1;

	for (tok = strtok_r(cols, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		attnames = lappend(attnames, makeString(tok));
	options = list_make1(makeDefElem("encoding",
									 (Node *) makeString((char *) GetDatabaseEncodingName()), -1));

	INSTR_TIME_SET_CURRENT(t0);
	g->table = table;
	g->cur = 0;
	resetStringInfo(&g->buf);
	g->bufpos = 0;
	current_gen = g;

	CommandCounterIncrement();
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();

	rel = table_open(g->relids[table], RowExclusiveLock);
	pstate = make_parsestate(NULL);
	(void) addRangeTableEntryForRelation(pstate, rel, RowExclusiveLock, NULL, false, false);
	cstate = TB_BEGIN_COPY_FROM(pstate, rel, gen_source_cb, attnames, options);
	n = CopyFrom(cstate);
	EndCopyFrom(cstate);
	free_parsestate(pstate);
	table_close(rel, NoLock);

	PopActiveSnapshot();
	current_gen = NULL;
	/* audit rows are counted as their transitions are written (gen_rows.c) */
	if (table != T_AUDIT)
		g->rows[table] += (int64) n;
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	g->load_s[table] += INSTR_TIME_GET_DOUBLE(t1);
}

/*
 * Look up the target tables, check the INSERT privilege; the processors and
 * workers named in the transitions
 */
void
tb_gen_open_target(gen_ctx *g)
{
	int			t;

	g->nspoid = get_namespace_oid(g->schema, false);
	for (t = 0; t < T_NTABLES; t++)
	{
		g->relids[t] = get_relname_relid(tb_gen_table_name(t), g->nspoid);
		if (!OidIsValid(g->relids[t]))
			elog(ERROR, "table %s.%s vanished", g->schema, tb_gen_table_name(t));
		if (pg_class_aclcheck(g->relids[t], GetUserId(), ACL_INSERT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, tb_gen_table_name(t));
		/* as COPY FROM does: the table AM path would bypass the policies */
		if (check_enable_rls(g->relids[t], InvalidOid, false) == RLS_ENABLED)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("target table %s.%s has row-level security enabled",
							g->schema, tb_gen_table_name(t)),
					 errdetail("tas_bench loads rows as COPY FROM does, and COPY FROM is not supported with row-level security."),
					 errhint("Generate as the table's owner or a role with BYPASSRLS, or disable row-level security on %s.%s.",
							 g->schema, tb_gen_table_name(t))));
	}
	g->relids[T_AUDIT] = get_relname_relid(tb_gen_table_name(T_AUDIT), g->nspoid);
	if (!OidIsValid(g->relids[T_AUDIT]))
		elog(ERROR, "table %s.%s vanished", g->schema, tb_gen_table_name(T_AUDIT));
	for (t = 0; t < N_PROCESSORS; t++)
		tb_gen_uuid_from(g->processor[t], g->cfg.anchor - LOOKBACK_US, g->cfg.seed, 1000 + t);
	for (t = 0; t < N_WORKERS; t++)
		tb_gen_uuid_from(g->worker[t], g->cfg.anchor - LOOKBACK_US, g->cfg.seed, 2000 + t);
}

/* generate tasks [from, to) of the dataset g->dataset_id */
void
tb_gen_range(gen_ctx *g, int64 from, int64 to)
{
	MemoryContext chunk_ctx,
				old;
	tb_progress pr;
	int64		start;
	int			t;

	chunk_ctx = AllocSetContextCreate(CurrentMemoryContext, "tas_bench generate chunk",
									  ALLOCSET_DEFAULT_SIZES);
	g->plans = MemoryContextAllocHuge(CurrentMemoryContext,
									  sizeof(tb_task_plan) * CHUNK_TASKS);
	initStringInfo(&g->buf);
	tb_progress_start(&pr, psprintf("generate dataset %lld", (long long) g->dataset_id));
	tb_gen_phase(g, "load");

	for (start = from; start < to; start += CHUNK_TASKS)
	{
		int64		end = Min(to, start + CHUNK_TASKS);
		int64		n;

		CHECK_FOR_INTERRUPTS();
		g->nplans = (int) (end - start);
		for (n = start; n < end; n++)
			tb_plan_task(&g->cfg, n, &g->plans[n - start]);
		old = MemoryContextSwitchTo(chunk_ctx);
		for (t = 0; t < T_NTABLES; t++)
			copy_table(g, t);
		if (g->write_audit)
			copy_table(g, T_AUDIT);
		MemoryContextSwitchTo(old);
		MemoryContextReset(chunk_ctx);
		tb_progress_tick(&pr, end - from, to - from);
	}
	tb_progress_finish(&pr);
	for (t = 0; t <= T_AUDIT; t++)
		if (t < T_AUDIT || g->write_audit)
			tb_gen_phase_done(g, psprintf("load %s", tb_gen_table_name(t)),
							  g->rows[t], g->load_s[t]);
	pfree(g->plans);
	g->plans = NULL;
	MemoryContextDelete(chunk_ctx);
}
