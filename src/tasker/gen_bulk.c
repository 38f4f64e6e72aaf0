/*-------------------------------------------------------------------------
 *
 * gen_bulk.c
 *	  The bulk method of generate() and grow(), and the ANALYZE both
 *	  methods end with.
 *
 * method 'checked' loads through COPY with everything of the target in
 * force: foreign-key checks, the audit trigger, every index maintained row
 * by row.  method 'bulk' produces the same final state faster:
 *
 *	  1. FK checks and triggers off while loading: session_replication_role
 *		 = replica in a GUC nest level (restored after the load, and by
 *		 transaction abort on error or cancel).  The rows the audit trigger
 *		 would insert are written by their own COPY (gen_rows.c), their key
 *		 and now() columns from the target's defaults as in the trigger.
 *		 Superusers only: session_replication_role is a superuser setting,
 *		 and turning it on for a non-superuser would silence the triggers of
 *		 every table that code run during the load (column defaults, CHECK
 *		 constraints) might write to.
 *	  2. When the new tasks are at least BULK_DROP_RATIO of those already in
 *		 the target, the target's plain secondary indexes (not backing a
 *		 constraint, not clustered, not the replica identity, default
 *		 tablespace, no extension membership, no dependants, no per-column
 *		 statistics target) are dropped before the load and rebuilt from
 *		 their pg_get_indexdef() after it, comments restored.  The builds run
 *		 one after the other, without parallel workers (REBUILD_WORKERS says
 *		 why), with maintenance_work_mem of at least REBUILD_MEM_KB.
 *		 Superusers, and the owner of every loaded table with the CREATE
 *		 privilege on the schema.
 *	  3. The foreign keys the load skipped are validated with the query
 *		 ALTER TABLE .. VALIDATE CONSTRAINT runs (RI_Initial_Check: an outer
 *		 join of the whole table against the referenced one); the constraints
 *		 themselves are never touched, so they stay convalidated.
 *
 * Everything happens inside the caller's transaction: an error or a cancel
 * rolls back the load, the drops and the rebuilds together, so the target is
 * left exactly as it was; other sessions wait on the tables' locks and never
 * see them without an index.
 *
 * Refusals: a target whose loaded tables have triggers or foreign keys the
 * bulk method does not know how to reproduce (anything but upstream's audit
 * trigger and the data model's foreign keys, known_fks below; a trigger
 * enabled ALWAYS or REPLICA; a deferrable unique or exclusion constraint,
 * whose checks are triggers too), or tables that are not plain tables.
 * 'auto' then falls back to 'checked' with a NOTICE saying why; an explicit
 * 'bulk' is an error.  'auto' also chooses 'checked' without a word when the
 * bulk method would not pay: fewer than BULK_MIN_TASKS new tasks, or few
 * compared with the tasks already there.
 *
 * Progress: each phase (the load per table, each index build, each FK
 * validation, ANALYZE) is published in pg_stat_activity.application_name as
 * it starts and reported in a NOTICE with rows/s when it ends, once the
 * call has lasted tas_bench.progress_interval.
 *
 * IDENTIFICATION
 *	  src/tasker/gen_bulk.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "optimizer/optimizer.h"
#include "pgstat.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "tasker/datagen.h"
#include "util.h"

/* 'auto' uses the bulk method from this many new tasks on */
#define BULK_MIN_TASKS 2000

/*
 * Secondary indexes are dropped and rebuilt when the new tasks are at least
 * this share of the tasks already in the target (bench/generator).
 */
#define BULK_DROP_RATIO 0.5

/*
 * maintenance_work_mem of the index rebuilds, at least (kB): the largest
 * index of a 1M-task dataset sorts about 27M keys
 */
#define REBUILD_MEM_KB 262144

/*
 * max_parallel_maintenance_workers of the rebuilds.  Measured on the 2-core
 * development machine with other work running (bench/generator, issue 17):
 * 51 rebuilds at 10K tasks 2.7-3.0 s serial against 5.8-7.2 s with the
 * default 2 workers, at 30K 7.5 / 20.2 s against 11.9 / 29.7 s.  A parallel
 * worker shares the transaction (it sees the uncommitted rows); a background
 * worker building another index could not: it runs its own transaction.
 */
#define REBUILD_WORKERS "0"

/* the loaded tables, as bulk sees them */
#define N_LOADED (T_NTABLES + 1)

/* a dropped index, to rebuild */
typedef struct saved_index
{
	char	   *name;			/* unquoted */
	char	   *def;			/* pg_get_indexdef */
	char	   *comment;		/* or NULL */
} saved_index;

/* the audit rows' key default, evaluated per row (tb_gen_put_audit_key) */
typedef struct gen_key_default
{
	ExprState  *state;
	ExprContext *econtext;
	FmgrInfo	out;
} gen_key_default;

/* a foreign key to validate */
typedef struct saved_fk
{
	char	   *conname;
	char	   *table;
	char	   *col;
	char	   *ptable;
	char	   *pcol;
} saved_fk;

/*
 * The data model's foreign keys on the loaded tables (tasker-data-model.md):
 * table, column, referenced table, referenced column.  Foreign keys that
 * reference the loaded tables from elsewhere (tasks_dlq) do not act on
 * inserts.
 */
static const char *const known_fks[] = {
	"tasks", "named_task_uuid", "named_tasks", "named_task_uuid",
	"workflow_steps", "task_uuid", "tasks", "task_uuid",
	"workflow_steps", "named_step_uuid", "named_steps", "named_step_uuid",
	"workflow_step_edges", "from_step_uuid", "workflow_steps", "workflow_step_uuid",
	"workflow_step_edges", "to_step_uuid", "workflow_steps", "workflow_step_uuid",
	"task_transitions", "task_uuid", "tasks", "task_uuid",
	"workflow_step_transitions", "workflow_step_uuid", "workflow_steps", "workflow_step_uuid",
	"workflow_step_result_audit", "workflow_step_uuid", "workflow_steps", "workflow_step_uuid",
	"workflow_step_result_audit", "workflow_step_transition_uuid", "workflow_step_transitions",
	"workflow_step_transition_uuid",
	"workflow_step_result_audit", "task_uuid", "tasks", "task_uuid",
};

/* ------------------------------------------------------------ progress */

static double
since_s(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/*
 * A phase starts: published in pg_stat_activity.application_name at once
 * (NULL: the application_name setting's own value back)
 */
void
tb_gen_phase(gen_ctx *g, const char *phase)
{
	char		buf[NAMEDATALEN];
	int			len;

	if (phase == NULL)
	{
		pgstat_report_appname(application_name ? application_name : "");
		return;
	}
	snprintf(buf, sizeof(buf), "tas_bench generate %lld: %s", (long long) g->dataset_id, phase);
	len = pg_mbcliplen(buf, (int) strlen(buf), NAMEDATALEN - 1);
	buf[len] = '\0';
	pgstat_report_appname(buf);
}

/* a phase ended: a NOTICE with its rate once the call lasted progress_interval */
void
tb_gen_phase_done(gen_ctx *g, const char *phase, int64 rows, double seconds)
{
	if (g->quiet || tb_progress_interval_ms <= 0 ||
		since_s(g->started) * 1000.0 < tb_progress_interval_ms)
		return;
	ereport(NOTICE,
			(errmsg("generate dataset %lld: %s: %lld rows in %.1f s (%.0f rows/s)",
					(long long) g->dataset_id, phase, (long long) rows, seconds,
					seconds > 0 ? rows / seconds : 0.0)));
}

/* ------------------------------------------------------------ the argument */

/* generate()'s or grow()'s method argument */
gen_method
tb_gen_parse_method(FunctionCallInfo fcinfo, int argno)
{
	char	   *m;

	if (PG_NARGS() <= argno)
		return GEN_METHOD_AUTO;
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method must not be null"),
				 errhint("Pass 'auto' (the default), 'checked' or 'bulk'.")));
	m = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (strcmp(m, "auto") == 0)
		return GEN_METHOD_AUTO;
	if (strcmp(m, "checked") == 0)
		return GEN_METHOD_CHECKED;
	if (strcmp(m, "bulk") == 0)
		return GEN_METHOD_BULK;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("method must be 'auto', 'checked' or 'bulk'"),
			 errdetail("Got \"%s\".", m),
			 errhint("'checked' loads with every constraint, trigger and index of the target in force; 'bulk' turns foreign-key checks and triggers off, writes the audit rows itself, rebuilds the secondary indexes and validates the foreign keys after (superuser or owner of the tables); 'auto' picks 'bulk' when it is allowed and worth it.")));
	return GEN_METHOD_AUTO;		/* not reached */
}

/* ------------------------------------------------------------ the choice */

static Datum
loaded_relids_datum(gen_ctx *g)
{
	Datum		d[N_LOADED];
	int			t;

	for (t = 0; t < N_LOADED; t++)
		d[t] = ObjectIdGetDatum(g->relids[t]);
	return PointerGetDatum(construct_array(d, N_LOADED, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

static char *
col(int r, int c)
{
	return SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c);
}

/*
 * Why the loaded tables' triggers, foreign keys or kinds keep the bulk
 * method with triggers off from reproducing the checked result; NULL if
 * nothing does.  Fills b->fks (in the caller's memory context).
 */
static char *
known_set_problem(gen_ctx *g, gen_bulk *b, MemoryContext cxt)
{
	Oid			t1[1] = {OIDARRAYOID};
	Datum		v[1];
	uint64		r;
	MemoryContext old;

	v[0] = loaded_relids_datum(g);

	tb_gen_spi_exec("SELECT c.relname, c.relkind::text FROM pg_catalog.pg_class c"
					" WHERE c.oid OPERATOR(pg_catalog.=) ANY ($1) AND c.relkind OPERATOR(pg_catalog.<>) 'r'",
					1, t1, v, SPI_OK_SELECT);
	if (SPI_processed > 0)
		return psprintf("table %s.%s is not a plain table (relkind %s)",
						quote_identifier(g->schema), quote_identifier(col(0, 1)), col(0, 2));

	tb_gen_spi_exec("SELECT tg.tgname, c.relname, p.proname, tg.tgisinternal::text, tg.tgenabled::text,"
					"       (tg.tgtype OPERATOR(pg_catalog.=) 5 AND tg.tgqual IS NULL)::text,"
					"       coalesce(k.contype::text, '-'), coalesce(k.conname::text, '')"
					"  FROM pg_catalog.pg_trigger tg"
					"  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid"
					"  JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) tg.tgfoid"
					"  LEFT JOIN pg_catalog.pg_constraint k ON k.oid OPERATOR(pg_catalog.=) tg.tgconstraint"
					" WHERE tg.tgrelid OPERATOR(pg_catalog.=) ANY ($1)"
					" ORDER BY c.relname, tg.tgname",
					1, t1, v, SPI_OK_SELECT);
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *tgname = col(r, 1);
		char	   *rel = col(r, 2);
		bool		internal = strcmp(col(r, 4), "true") == 0;
		char	   *enabled = col(r, 5);
		bool		audit_shape = strcmp(col(r, 6), "true") == 0;
		char	   *contype = col(r, 7);

		if (internal && strcmp(contype, "f") != 0)
			return psprintf("constraint %s on %s.%s is deferrable: its checks are triggers, which triggers off would skip",
							quote_identifier(col(r, 8)), quote_identifier(g->schema), quote_identifier(rel));
		if (strcmp(enabled, "A") == 0 || strcmp(enabled, "R") == 0)
			return psprintf("trigger %s on %s.%s is enabled %s, so it would fire with triggers off",
							quote_identifier(tgname), quote_identifier(g->schema), quote_identifier(rel),
							strcmp(enabled, "A") == 0 ? "ALWAYS" : "REPLICA");
		if (!internal && strcmp(enabled, "D") != 0 &&
			!(strcmp(rel, "workflow_step_transitions") == 0 &&
			  strcmp(col(r, 3), "create_step_result_audit") == 0 && audit_shape))
			return psprintf("trigger %s on %s.%s is not upstream's audit trigger (AFTER INSERT FOR EACH ROW calling create_step_result_audit()), and tas_bench cannot reproduce what it does",
							quote_identifier(tgname), quote_identifier(g->schema), quote_identifier(rel));
	}

	tb_gen_spi_exec("SELECT k.conname, c.relname, a.attname, pc.relname, pa.attname,"
					"       (pg_catalog.array_length(k.conkey, 1) OPERATOR(pg_catalog.=) 1"
					"        AND pc.relnamespace OPERATOR(pg_catalog.=) c.relnamespace)::text,"
					"       k.convalidated::text"
					"  FROM pg_catalog.pg_constraint k"
					"  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid"
					"  JOIN pg_catalog.pg_class pc ON pc.oid OPERATOR(pg_catalog.=) k.confrelid"
					"  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid"
					"       AND a.attnum OPERATOR(pg_catalog.=) k.conkey[1]"
					"  LEFT JOIN pg_catalog.pg_attribute pa ON pa.attrelid OPERATOR(pg_catalog.=) k.confrelid"
					"       AND pa.attnum OPERATOR(pg_catalog.=) k.confkey[1]"
					" WHERE k.contype OPERATOR(pg_catalog.=) 'f' AND k.conrelid OPERATOR(pg_catalog.=) ANY ($1)"
					" ORDER BY c.relname, k.conname",
					1, t1, v, SPI_OK_SELECT);
	for (r = 0; r < SPI_processed; r++)
	{
		int			i;
		bool		known = false;

		if (strcmp(col(r, 6), "true") == 0)
			for (i = 0; i < (int) lengthof(known_fks) && !known; i += 4)
				known = strcmp(col(r, 2), known_fks[i]) == 0 && strcmp(col(r, 3), known_fks[i + 1]) == 0 &&
					strcmp(col(r, 4), known_fks[i + 2]) == 0 && strcmp(col(r, 5), known_fks[i + 3]) == 0;
		if (!known)
			return psprintf("foreign key %s on %s.%s is not one of the data model's, and tas_bench does not know how to check it",
							quote_identifier(col(r, 1)), quote_identifier(g->schema), quote_identifier(col(r, 2)));
		if (strcmp(col(r, 7), "true") != 0)
			return psprintf("foreign key %s on %s.%s is NOT VALID, so validating it after the load would check rows tas_bench did not write",
							quote_identifier(col(r, 1)), quote_identifier(g->schema), quote_identifier(col(r, 2)));
		old = MemoryContextSwitchTo(cxt);
		{
			saved_fk   *fk = palloc(sizeof(saved_fk));

			fk->conname = pstrdup(col(r, 1));
			fk->table = pstrdup(col(r, 2));
			fk->col = pstrdup(col(r, 3));
			fk->ptable = pstrdup(col(r, 4));
			fk->pcol = pstrdup(col(r, 5));
			b->fks = lappend(b->fks, fk);
		}
		MemoryContextSwitchTo(old);
	}
	return NULL;
}

/* tasks already in the target: pg_class.reltuples, counted if never estimated */
static double
existing_tasks(gen_ctx *g)
{
	char	   *sql;
	bool		isnull;
	Datum		d;

	sql = psprintf("SELECT CASE WHEN c.reltuples OPERATOR(pg_catalog.>) 0 THEN c.reltuples::pg_catalog.float8"
				   " ELSE (SELECT pg_catalog.count(*) FROM ONLY %s.tasks)::pg_catalog.float8 END"
				   " FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) %u",
				   quote_identifier(g->schema), g->relids[T_TASKS]);
	tb_gen_spi_exec(sql, 0, NULL, NULL, SPI_OK_SELECT);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetFloat8(d);
}

/*
 * Decide how this call loads new_tasks tasks: fills b.  Refusals NOTICE
 * (auto) or error (bulk) here, before anything is loaded.  Needs SPI.
 */
void
tb_gen_bulk_plan(gen_ctx *g, gen_bulk *b, gen_method method, int64 new_tasks)
{
	char	   *reason = NULL;
	bool		owner = true;
	double		have;
	bool		big;
	int			t;

	memset(b, 0, sizeof(*b));
	if (method == GEN_METHOD_CHECKED)
		return;
	have = existing_tasks(g);
	big = new_tasks >= BULK_DROP_RATIO * have;

	if (!superuser())
	{
		for (t = 0; t < N_LOADED && owner; t++)
			owner = TB_REL_OWNERCHECK(g->relids[t], GetUserId());
		if (!owner)
			reason = psprintf("it needs a superuser or the owner of every table it loads in schema %s",
							  quote_identifier(g->schema));
		else if (TB_NAMESPACE_ACLCHECK(g->nspoid, GetUserId(), ACL_CREATE) != ACLCHECK_OK)
			reason = psprintf("rebuilding the secondary indexes needs the CREATE privilege on schema %s",
							  quote_identifier(g->schema));
		else if (!big)
			reason = psprintf("for a role that is not a superuser it only rebuilds the secondary indexes, which does not pay for %lld new tasks against about %.0f already there",
							  (long long) new_tasks, have);
	}
	else
	{
		b->replica = true;
		reason = known_set_problem(g, b, CurrentMemoryContext);
	}

	if (reason != NULL)
	{
		b->replica = false;
		b->fks = NIL;
		if (method == GEN_METHOD_BULK)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("method 'bulk' is not possible for target schema \"%s\"", g->schema),
					 errdetail("The bulk method cannot be used: %s.", reason),
					 errhint("Pass method => 'checked', or 'auto' to fall back to it.")));
		if (new_tasks >= BULK_MIN_TASKS && big)
			ereport(NOTICE,
					(errmsg("generating with method 'checked'"),
					 errdetail("The bulk method cannot be used: %s.", reason)));
		return;
	}
	if (method == GEN_METHOD_AUTO && (new_tasks < BULK_MIN_TASKS || !big))
	{
		b->replica = false;
		b->fks = NIL;
		return;
	}
	b->bulk = true;
	b->drop_indexes = big;
}

/* ------------------------------------------------------------ before, after */

/* the droppable secondary indexes of the loaded tables into b, then dropped */
static void
drop_indexes(gen_ctx *g, gen_bulk *b)
{
	Oid			t1[1] = {OIDARRAYOID};
	Datum		v[1];
	MemoryContext cxt = CurrentMemoryContext;
	uint64		r,
				n;
	ListCell   *lc;

	v[0] = loaded_relids_datum(g);
	tb_gen_spi_exec("SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid),"
					"       pg_catalog.obj_description(i.indexrelid, 'pg_class')"
					"  FROM pg_catalog.pg_index i"
					"  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
					"  JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) i.indrelid"
					" WHERE i.indrelid OPERATOR(pg_catalog.=) ANY ($1)"
					"   AND i.indisvalid AND i.indisready AND i.indislive"
					"   AND NOT i.indisclustered AND NOT i.indisreplident"
					"   AND c.reltablespace OPERATOR(pg_catalog.=) 0"
					"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k"
					"                    WHERE k.conindid OPERATOR(pg_catalog.=) i.indexrelid)"
					"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
					"                    WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
					"                      AND d.refobjid OPERATOR(pg_catalog.=) i.indexrelid)"
					"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
					"                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
					"                      AND d.objid OPERATOR(pg_catalog.=) i.indexrelid AND d.deptype OPERATOR(pg_catalog.=) 'e')"
					"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a"
					"                    WHERE a.attrelid OPERATOR(pg_catalog.=) i.indexrelid"
					"                      AND a.attstattarget OPERATOR(pg_catalog.>) 0)"
					" ORDER BY t.relname, c.relname",
					1, t1, v, SPI_OK_SELECT);
	n = SPI_processed;
	for (r = 0; r < n; r++)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		saved_index *ix = palloc(sizeof(saved_index));

		ix->name = pstrdup(col(r, 1));
		ix->def = pstrdup(col(r, 2));
		ix->comment = col(r, 3) ? pstrdup(col(r, 3)) : NULL;
		b->indexes = lappend(b->indexes, ix);
		MemoryContextSwitchTo(old);
	}
	tb_gen_phase(g, "drop indexes");
	foreach(lc, b->indexes)
	{
		saved_index *ix = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		tb_gen_spi_exec(psprintf("DROP INDEX %s.%s", quote_identifier(g->schema), quote_identifier(ix->name)),
						0, NULL, NULL, SPI_OK_UTILITY);
	}
}

/* the audit key column's default expression, ready to evaluate (or none) */
static void
setup_audit_key(gen_ctx *g)
{
	Relation	rel = table_open(g->relids[T_AUDIT], AccessShareLock);
	AttrNumber	att = get_attnum(g->relids[T_AUDIT], "workflow_step_result_audit_uuid");
	Node	   *def = att != InvalidAttrNumber ? build_column_default(rel, att) : NULL;

	if (def != NULL)
	{
		gen_key_default *k = palloc0(sizeof(gen_key_default));
		Oid			fn;
		bool		isvarlena;

		k->state = ExecInitExpr(expression_planner((Expr *) def), NULL);
		k->econtext = CreateStandaloneExprContext();
		getTypeOutputInfo(TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid, &fn, &isvarlena);
		fmgr_info(fn, &k->out);
		g->audit_key = k;
	}
	table_close(rel, NoLock);
}

/* the next audit key, as COPY text (escaped), into b */
void
tb_gen_put_audit_key(gen_ctx *g, StringInfo b)
{
	gen_key_default *k = g->audit_key;
	bool		isnull;
	Datum		d = ExecEvalExprSwitchContext(k->state, k->econtext, &isnull);

	if (isnull)
		appendBinaryStringInfo(b, "\\N", 2);
	else
	{
		char	   *s = OutputFunctionCall(&k->out, d);
		char	   *p;

		for (p = s; *p; p++)
		{
			if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r')
			{
				appendStringInfoChar(b, '\\');
				appendStringInfoChar(b, *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\');
			}
			else
				appendStringInfoChar(b, *p);
		}
		pfree(s);
	}
	ResetExprContext(k->econtext);
}

/*
 * Before the load: triggers and FK checks off (replica), the audit rows to
 * be written by COPY, secondary indexes dropped
 */
void
tb_gen_bulk_before_load(gen_ctx *g, gen_bulk *b)
{
	if (!b->bulk)
		return;
	if (b->drop_indexes)
		drop_indexes(g, b);
	if (b->replica)
	{
		b->guc_nest = NewGUCNestLevel();
		(void) set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		g->write_audit = true;
		setup_audit_key(g);
	}
}

/* pg_class.reltuples of a relation (qualified, quoted name), for the rates */
static int64
rel_tuples(const char *qname)
{
	bool		isnull;
	Datum		d;

	tb_gen_spi_exec(psprintf("SELECT c.reltuples::pg_catalog.float8 FROM pg_catalog.pg_class c"
							 " WHERE c.oid OPERATOR(pg_catalog.=) %s::pg_catalog.regclass",
							 quote_literal_cstr(qname)), 0, NULL, NULL, SPI_OK_SELECT);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : (int64) Max(0, DatumGetFloat8(d));
}

static void
rebuild_indexes(gen_ctx *g, gen_bulk *b)
{
	ListCell   *lc;
	int			k = 0;
	int			n = list_length(b->indexes);
	instr_time	all;
	int			nest = NewGUCNestLevel();

	/* sorts of a few million keys in memory: at least REBUILD_MEM_KB */
	if (atoi(GetConfigOption("maintenance_work_mem", false, false)) < REBUILD_MEM_KB)
		(void) set_config_option("maintenance_work_mem", CppAsString2(REBUILD_MEM_KB),
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("max_parallel_maintenance_workers", REBUILD_WORKERS,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	INSTR_TIME_SET_CURRENT(all);
	foreach(lc, b->indexes)
	{
		saved_index *ix = lfirst(lc);
		instr_time	t0;
		char	   *qname = psprintf("%s.%s", quote_identifier(g->schema), quote_identifier(ix->name));

		CHECK_FOR_INTERRUPTS();
		tb_gen_phase(g, psprintf("index %d/%d %s", ++k, n, ix->name));
		INSTR_TIME_SET_CURRENT(t0);
		tb_gen_spi_exec(ix->def, 0, NULL, NULL, SPI_OK_UTILITY);
		if (ix->comment)
			tb_gen_spi_exec(psprintf("COMMENT ON INDEX %s IS %s", qname, quote_literal_cstr(ix->comment)),
							0, NULL, NULL, SPI_OK_UTILITY);
		tb_gen_phase_done(g, psprintf("index %s", ix->name), rel_tuples(qname), since_s(t0));
	}
	if (n > 0)
		tb_gen_phase_done(g, psprintf("%d indexes rebuilt", n), 0, since_s(all));
	AtEOXact_GUC(true, nest);
}

/* every skipped foreign key checked over its whole table, as VALIDATE does */
static void
validate_fks(gen_ctx *g, gen_bulk *b)
{
	ListCell   *lc;
	int			nest;
	const char *schema_q = quote_identifier(g->schema);

	/* as RI_Initial_Check: the join may use maintenance_work_mem */
	nest = NewGUCNestLevel();
	(void) set_config_option("work_mem", GetConfigOption("maintenance_work_mem", false, false),
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	foreach(lc, b->fks)
	{
		saved_fk   *fk = lfirst(lc);
		instr_time	t0;
		char	   *sql;
		int			ret;
		int			inest;

		CHECK_FOR_INTERRUPTS();
		tb_gen_phase(g, psprintf("validate %s", fk->conname));
		INSTR_TIME_SET_CURRENT(t0);
		sql = psprintf("SELECT fk.%s::pg_catalog.text FROM ONLY %s.%s fk LEFT JOIN ONLY %s.%s pk"
					   " ON pk.%s OPERATOR(pg_catalog.=) fk.%s"
					   " WHERE pk.%s IS NULL AND fk.%s IS NOT NULL",
					   quote_identifier(fk->col), schema_q, quote_identifier(fk->table),
					   schema_q, quote_identifier(fk->ptable),
					   quote_identifier(fk->pcol), quote_identifier(fk->col),
					   quote_identifier(fk->pcol), quote_identifier(fk->col));
		inest = tb_internal_begin();
		ret = SPI_execute(sql, true, 1);
		tb_internal_end(inest);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute failed (%d): %s", ret, sql);
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
							fk->table, fk->conname),
					 errdetail("Key (%s)=(%s) is not present in table \"%s\".",
							   fk->col, col(0, 1), fk->ptable),
					 errhint("The bulk method's load is rolled back; generate with method => 'checked' and report this.")));
		tb_gen_phase_done(g, psprintf("validate %s", fk->conname),
						  rel_tuples(psprintf("%s.%s", schema_q, quote_identifier(fk->table))),
						  since_s(t0));
	}
	AtEOXact_GUC(true, nest);
}

/*
 * After the load: triggers and FK checks back on, the indexes rebuilt, the
 * skipped foreign keys validated
 */
void
tb_gen_bulk_after_load(gen_ctx *g, gen_bulk *b)
{
	if (!b->bulk)
		return;
	if (b->replica)
	{
		AtEOXact_GUC(true, b->guc_nest);
		g->write_audit = false;
		if (g->audit_key)
			FreeExprContext(g->audit_key->econtext, true);
		g->audit_key = NULL;
	}
	if (b->drop_indexes)
		rebuild_indexes(g, b);
	if (b->replica)
		validate_fks(g, b);
}

/* ------------------------------------------------------------ ANALYZE */

/*
 * ANALYZE every table the call filled (templates included), so the planner
 * sees the data as a steady production database's autovacuum would leave
 * it; a table the caller may not ANALYZE (owner, superuser, from 17 the
 * MAINTAIN privilege) is named in a NOTICE instead.  VACUUM cannot run in a
 * function: tas_bench.settle() does that in a background worker.
 */
void
tb_gen_analyze(gen_ctx *g)
{
	static const char *const templates[] = {
		"task_namespaces", "named_tasks", "named_steps", "named_tasks_named_steps"
	};
	StringInfoData skipped;
	instr_time	t0;
	int			t,
				n = 0;

	initStringInfo(&skipped);
	INSTR_TIME_SET_CURRENT(t0);
	tb_gen_phase(g, "analyze");
	for (t = 0; t < N_LOADED + (int) lengthof(templates); t++)
	{
		const char *name = t < N_LOADED ? tb_gen_table_name(t) : templates[t - N_LOADED];
		Oid			relid = t < N_LOADED ? g->relids[t] : get_relname_relid(name, g->nspoid);

		CHECK_FOR_INTERRUPTS();
		if (!OidIsValid(relid))
			continue;
		if (!TB_MAY_MAINTAIN(relid, GetUserId()))
		{
			appendStringInfo(&skipped, "%s%s", skipped.len ? ", " : "", quote_identifier(name));
			continue;
		}
		tb_gen_spi_exec(psprintf("ANALYZE %s.%s", quote_identifier(g->schema), quote_identifier(name)),
						0, NULL, NULL, SPI_OK_UTILITY);
		n++;
	}
	tb_gen_phase_done(g, psprintf("analyze of %d tables", n), 0, since_s(t0));
	if (skipped.len > 0)
		ereport(NOTICE,
				(errmsg("generated tables not analyzed: %s", skipped.data),
				 errdetail("ANALYZE of a table needs its owner (or, from PostgreSQL 17, the MAINTAIN privilege)."),
				 errhint("Have the owner run tas_bench.settle(%s) before measuring.",
						 quote_literal_cstr(g->schema))));
}
