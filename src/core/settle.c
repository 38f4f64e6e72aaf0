/*-------------------------------------------------------------------------
 *
 * settle.c
 *	  tas_bench.settle(target_schema): bring the tables of a target schema
 *	  to the steady state a production database is in, before measuring.
 *
 * Freshly loaded rows are not what a running database holds: their hint
 * bits are unset (the first readers set them, dirtying every page), the
 * visibility map is empty (an index-only scan visits the heap for every
 * row) and the planner's statistics are those of the empty tables.
 * doc/statistics.md shows the effect with the tool's own metrics. Autovacuum
 * fixes all three some time later; settle() does it now: VACUUM (ANALYZE) of
 * every table of the schema the caller may maintain.
 *
 * VACUUM cannot run inside a function (it needs to be a top-level command
 * and runs transactions of its own), so, as autovacuum does, a dynamic
 * background worker runs it: it connects to the caller's database as the
 * caller's role, runs VACUUM (ANALYZE) for the tables it is given, one at a
 * time, and records in a DSM segment which ones it finished and the first
 * error.  The caller waits for it (a cancel terminates it: the worker never
 * outlives the call), then reports per table what changed: pages, pages
 * all-visible in the visibility map, dead tuples, before and after.  An
 * error in the worker is raised again in the caller.
 *
 * Rows the caller's own transaction wrote are not yet visible to anyone:
 * VACUUM cannot settle them (run it after the COMMIT); run_suite does so.
 * Nor can it mark rows all-visible while a transaction older than them is
 * open: settle waits for those to end first (with a NOTICE).
 *
 * IDENTIFICATION
 *	  src/core/settle.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/vacuum.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "util.h"

/* at most this many tables per call (a tasker schema has about 15) */
#define SETTLE_MAX_TABLES 256
#define SETTLE_ERROR_LEN 1024

/* what the caller and the worker share */
typedef struct settle_shared
{
	Oid			dboid;
	Oid			session_roleid;	/* connects as the caller's login role */
	Oid			roleid;			/* and runs VACUUM as its current role */
	int			ntables;
	char		schema[NAMEDATALEN];
	char		tables[SETTLE_MAX_TABLES][NAMEDATALEN];
	bool		done[SETTLE_MAX_TABLES];
	bool		failed;
	char		error[SETTLE_ERROR_LEN];
} settle_shared;

/* one table as seen by the caller */
typedef struct settle_table
{
	Oid			relid;
	char	   *name;
	bool		allowed;
	int32		pages_before;
	int32		visible_before;
	int64		dead_before;
} settle_table;

PGDLLEXPORT void tb_settle_worker_main(Datum arg);

/* ----------------------------------------------------------------
 *		The worker
 * ----------------------------------------------------------------
 */

static void
vacuum_one(const char *schema, const char *table)
{
	VacuumStmt *stmt = makeNode(VacuumStmt);
	ParseState *pstate = make_parsestate(NULL);

	pstate->p_sourcetext = "VACUUM (ANALYZE)";
	stmt->options = list_make1(makeDefElem("analyze", NULL, -1));
	stmt->rels = list_make1(makeVacuumRelation(makeRangeVar(pstrdup(schema), pstrdup(table), -1),
											   InvalidOid, NIL));
	stmt->is_vacuumcmd = true;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	/* as a top-level command: VACUUM runs (and commits) transactions of its own */
	ExecVacuum(pstate, stmt, true);
	CommitTransactionCommand();
}

void
tb_settle_worker_main(Datum arg)
{
	dsm_segment *seg;
	settle_shared *sh;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tas_bench settle worker: could not attach its shared memory")));
	sh = (settle_shared *) dsm_segment_address(seg);
	BackgroundWorkerInitializeConnectionByOid(sh->dboid, sh->session_roleid, 0);
	SetUserIdAndSecContext(sh->roleid, SECURITY_LOCAL_USERID_CHANGE);
	pgstat_report_appname("tas_bench settle");

	PG_TRY();
	{
		for (int i = 0; i < sh->ntables; i++)
		{
			CHECK_FOR_INTERRUPTS();
			vacuum_one(sh->schema, sh->tables[i]);
			sh->done[i] = true;
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		strlcpy(sh->error, edata->message ? edata->message : "unknown error", SETTLE_ERROR_LEN);
		sh->failed = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	dsm_detach(seg);
	proc_exit(0);
}

/* ----------------------------------------------------------------
 *		The caller
 * ----------------------------------------------------------------
 */

/* the schema's ordinary tables with their figures now; SPI connected */
static List *
read_tables(Oid nsp)
{
	Oid			types[1] = {OIDOID};
	Datum		vals[1] = {ObjectIdGetDatum(nsp)};
	List	   *tables = NIL;
	int			nest = tb_internal_begin();	/* pinned path; reads the catalogs only */
	if (SPI_execute_with_args("SELECT c.oid, c.relname::text, c.relpages, c.relallvisible, "
							  "pg_catalog.pg_stat_get_dead_tuples(c.oid) "
							  "FROM pg_catalog.pg_class c WHERE c.relnamespace = $1 AND c.relkind = 'r' "
							  "ORDER BY c.relname COLLATE \"C\"",
							  1, types, vals, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the tables of schema %u", nsp);
	tb_internal_end(nest);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		settle_table *t = palloc0(sizeof(settle_table));
		bool		isnull;

		t->relid = DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull));
		t->name = SPI_getvalue(tup, td, 2);
		t->pages_before = DatumGetInt32(SPI_getbinval(tup, td, 3, &isnull));
		t->visible_before = DatumGetInt32(SPI_getbinval(tup, td, 4, &isnull));
		t->dead_before = DatumGetInt64(SPI_getbinval(tup, td, 5, &isnull));
		t->allowed = TB_MAY_MAINTAIN(t->relid, GetUserId());
		tables = lappend(tables, t);
	}
	return tables;
}

/* start the worker for the allowed tables; NULL handle when none */
static BackgroundWorkerHandle *
start_worker(dsm_segment *seg)
{
	BackgroundWorker w;
	BackgroundWorkerHandle *handle;
	pid_t		pid;

	memset(&w, 0, sizeof(w));
	w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	w.bgw_start_time = BgWorkerStart_ConsistentState;
	w.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(w.bgw_library_name, BGW_MAXLEN, "tas_bench");
	snprintf(w.bgw_function_name, BGW_MAXLEN, "tb_settle_worker_main");
	snprintf(w.bgw_name, BGW_MAXLEN, "tas_bench settle");
	snprintf(w.bgw_type, BGW_MAXLEN, "tas_bench settle");
	w.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker to run VACUUM"),
				 errdetail("settle needs 1 background worker slot; max_worker_processes = %d and all are in use.",
						   max_worker_processes),
				 errhint("Raise max_worker_processes (needs a restart), or retry when other workers have ended.")));
	if (WaitForBackgroundWorkerStartup(handle, &pid) != BGWH_STARTED)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("the background worker that runs VACUUM did not start")));
	return handle;
}

/* wait for the worker; a cancel of the caller terminates it first */
static void
wait_worker(BackgroundWorkerHandle *handle)
{
	PG_TRY();
	{
		(void) WaitForBackgroundWorkerShutdown(handle);
	}
	PG_CATCH();
	{
		TerminateBackgroundWorker(handle);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/*
 * VACUUM can mark a page all-visible only when no snapshot older than its
 * rows remains: a transaction that began before the data was committed (an
 * autovacuum ANALYZE, a long report) would leave the visibility map empty.
 * Wait for every such transaction in this database to end first, as CREATE
 * INDEX CONCURRENTLY waits for older snapshots; a cancel ends the wait.
 */
static void
wait_for_older_snapshots(void)
{
	Snapshot	snap = GetActiveSnapshot();
	VirtualTransactionId *old;
	int			n;

	if (snap == NULL)
		return;
	old = GetCurrentVirtualXIDs(snap->xmin, true, false, PROC_IN_VACUUM, &n);
	if (n > 0)
		ereport(NOTICE,
				(errmsg("settle: waiting for %d transaction%s older than this one to end",
						n, n == 1 ? "" : "s"),
				 errdetail("VACUUM cannot mark rows all-visible while an older snapshot may still need them.")));
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (VirtualTransactionIdIsValid(old[i]))
			(void) VirtualXactLock(old[i], true);
	}
}

/* VACUUM (ANALYZE) the allowed tables in a worker; raises its error */
static void
run_worker(const char *schema, List *tables)
{
	dsm_segment *seg = dsm_create(sizeof(settle_shared), 0);
	settle_shared *sh = (settle_shared *) dsm_segment_address(seg);
	Oid			relids[SETTLE_MAX_TABLES];
	int			ndone = 0;
	TimestampTz started;
	ListCell   *lc;

	memset(sh, 0, sizeof(*sh));
	sh->dboid = MyDatabaseId;
	sh->session_roleid = GetSessionUserId();
	sh->roleid = GetUserId();
	strlcpy(sh->schema, schema, NAMEDATALEN);
	foreach(lc, tables)
	{
		settle_table *t = lfirst(lc);

		if (t->allowed && sh->ntables < SETTLE_MAX_TABLES)
		{
			relids[sh->ntables] = t->relid;
			strlcpy(sh->tables[sh->ntables++], t->name, NAMEDATALEN);
		}
	}
	if (sh->ntables > 0)
	{
		wait_for_older_snapshots();
		started = GetCurrentTimestamp();
		wait_worker(start_worker(seg));
		/* before PG 15 the statistics reach this backend later (compat.h) */
		for (int i = 0; i < sh->ntables; i++)
			if (sh->done[i])
				relids[ndone++] = relids[i];
		if (!sh->failed)
			TB_PGSTAT_AWAIT_MAINTAINED(relids, ndone, started);
	}
	if (sh->failed)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("VACUUM (ANALYZE) of schema \"%s\" failed: %s", schema, sh->error),
				 errdetail("tas_bench.settle runs VACUUM in a background worker; the tables before the failing one were settled.")));
	dsm_detach(seg);
}

/*
 * tas_bench.settle(target_schema name) RETURNS TABLE(table_name text,
 *		maintained boolean, pages integer, all_visible_before integer,
 *		all_visible integer, dead_tuples_before bigint, dead_tuples bigint)
 */
PG_FUNCTION_INFO_V1(tas_bench_settle);
Datum
tas_bench_settle(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *schema;
	Oid			nsp;
	List	   *before;
	List	   *after;
	ListCell   *lb;
	ListCell   *la;

	tb_require_arg(fcinfo, 0, "target_schema", "Pass the schema whose tables to settle, e.g. 'tasker'.");
	schema = pstrdup(NameStr(*PG_GETARG_NAME(0)));
	nsp = get_namespace_oid(schema, true);
	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("argument target_schema: schema \"%s\" does not exist", schema)));
	if (IsTransactionBlock())
		ereport(WARNING,
				(errmsg("settle inside a transaction block cannot settle rows this transaction wrote"),
				 errhint("Run it after COMMIT; VACUUM can mark only rows that every transaction sees.")));
	TB_INIT_MATERIALIZED_SRF(fcinfo);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	before = read_tables(nsp);
	run_worker(schema, before);
	pgstat_clear_snapshot();
	after = read_tables(nsp);
	foreach(lb, before)
	{
		settle_table *b = lfirst(lb);
		settle_table *a = b;	/* a table dropped meanwhile: its figures before */
		Datum		v[7];
		bool		n[7] = {false, false, false, false, false, false, false};

		foreach(la, after)
			if (((settle_table *) lfirst(la))->relid == b->relid)
				a = lfirst(la);

		v[0] = CStringGetTextDatum(b->name);
		v[1] = BoolGetDatum(b->allowed);
		v[2] = Int32GetDatum(a->pages_before);
		v[3] = Int32GetDatum(b->visible_before);
		v[4] = Int32GetDatum(a->visible_before);
		v[5] = Int64GetDatum(b->dead_before);
		v[6] = Int64GetDatum(a->dead_before);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	SPI_finish();
	return (Datum) 0;
}
