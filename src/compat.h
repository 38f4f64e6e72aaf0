/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Every PostgreSQL-version difference tas_bench depends on, in one place.
 *
 * tas_bench builds against PostgreSQL 13 to 18.  Each shim below names the
 * release that changed the API; code elsewhere uses the TB_ names only and
 * never tests PG_VERSION_NUM itself (scripts/check-layout.sh enforces it).
 * 13, 15, 17 and 18 are built and tested (doc/compatibility.md); the guards
 * for 14 and 16 are reasoned from the release notes and headers.
 *
 * IDENTIFICATION
 *	  src/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_COMPAT_H
#define TB_COMPAT_H

#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"

#if PG_VERSION_NUM < 130000
#error "tas_bench needs PostgreSQL 13 or later"
#endif

/* instr_time in nanoseconds: INSTR_TIME_GET_NANOSEC exists from PG 16 */
#if PG_VERSION_NUM >= 160000
#define TB_INSTR_TIME_GET_NS(t) ((int64) INSTR_TIME_GET_NANOSEC(t))
#else
#define TB_INSTR_TIME_GET_NS(t) \
	((int64) (t).tv_sec * INT64CONST(1000000000) + (int64) (t).tv_nsec)
#endif

/* InstrAlloc gained its async_mode argument in PG 14 */
#if PG_VERSION_NUM >= 140000
#define TB_InstrAlloc(n, options) InstrAlloc((n), (options), false)
#else
#define TB_InstrAlloc(n, options) InstrAlloc((n), (options))
#endif

/*
 * SPI_commit/SPI_rollback start the next transaction themselves from PG 15;
 * before, the caller must call SPI_start_transaction() (removed in 15's API
 * as a no-op kept for compatibility).
 */
static inline void
tb_spi_commit(void)
{
	SPI_commit();
#if PG_VERSION_NUM < 150000
	SPI_start_transaction();
#endif
}

static inline void
tb_spi_rollback(void)
{
	SPI_rollback();
#if PG_VERSION_NUM < 150000
	SPI_start_transaction();
#endif
}

/* a typo in a tas_bench.* setting is an error from PG 15, a warning before */
#if PG_VERSION_NUM >= 150000
#define TB_RESERVE_GUC_PREFIX(prefix) MarkGUCPrefixReserved(prefix)
#else
#define TB_RESERVE_GUC_PREFIX(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

/*
 * Executor hooks: ExecutorRun lost its execute_once argument in PG 18.
 * (An ExecutorStart hook returning bool was in 18's first beta and reverted
 * before the release; 18.x hooks return void as before.)
 */
#if PG_VERSION_NUM >= 180000
#define TB_EXECUTOR_RUN_ARGS QueryDesc *queryDesc, ScanDirection direction, uint64 count
#define TB_EXECUTOR_RUN_PASS queryDesc, direction, count
#else
#define TB_EXECUTOR_RUN_ARGS QueryDesc *queryDesc, ScanDirection direction, uint64 count, bool execute_once
#define TB_EXECUTOR_RUN_PASS queryDesc, direction, count, execute_once
#endif

/* EXPLAIN's state and output helpers moved to their own headers in PG 18 */
#if PG_VERSION_NUM >= 180000
#include "commands/explain.h"
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#else
#include "commands/explain.h"
#endif

/* per-object ACL checks became one object_aclcheck() in PG 16 */
#if PG_VERSION_NUM >= 160000
#define TB_NAMESPACE_ACLCHECK(nsp, role, mode) \
	object_aclcheck(NamespaceRelationId, (nsp), (role), (mode))
#else
#define TB_NAMESPACE_ACLCHECK(nsp, role, mode) \
	pg_namespace_aclcheck((nsp), (role), (mode))
#endif

/*
 * Who may VACUUM a table: its owner (or a superuser) before 17, from 17 also
 * a role with the MAINTAIN privilege; ownership checks became one
 * object_ownercheck() in 16.
 */
#if PG_VERSION_NUM >= 170000
#define TB_MAY_MAINTAIN(relid, role) \
	(pg_class_aclcheck((relid), (role), ACL_MAINTAIN) == ACLCHECK_OK)
#elif PG_VERSION_NUM >= 160000
#define TB_MAY_MAINTAIN(relid, role) \
	(superuser_arg(role) || object_ownercheck(RelationRelationId, (relid), (role)))
#else
#define TB_MAY_MAINTAIN(relid, role) \
	(superuser_arg(role) || pg_class_ownercheck((relid), (role)))
#endif

/*
 * A materialized set-returning function's tuplestore and descriptor:
 * InitMaterializedSRF exists from PG 15 (SetSingleFuncCall in 15's betas).
 */
#if PG_VERSION_NUM >= 150000
#define TB_INIT_MATERIALIZED_SRF(fcinfo) InitMaterializedSRF((fcinfo), 0)
#else
static inline void
tb_init_materialized_srf(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	MemoryContextSwitchTo(old);
}
#define TB_INIT_MATERIALIZED_SRF(fcinfo) tb_init_materialized_srf(fcinfo)
#endif

/* COPY FROM's state type was split from COPY TO's in PG 14 */
#if PG_VERSION_NUM >= 140000
#define TB_COPY_FROM_STATE CopyFromState
#define TB_BEGIN_COPY_FROM(pstate, rel, cb, attnames, options) \
	BeginCopyFrom((pstate), (rel), NULL, NULL, false, (cb), (attnames), (options))
#else
#define TB_COPY_FROM_STATE CopyState
#define TB_BEGIN_COPY_FROM(pstate, rel, cb, attnames, options) \
	BeginCopyFrom((pstate), (rel), NULL, false, (cb), (attnames), (options))
#endif

/*
 * Statistics another process reported (settle's VACUUM worker): from PG 15
 * they live in shared memory and are visible as soon as that process has
 * reported them.  Before, a stats collector receives them and a backend
 * reads the collector's file, which it accepts up to PGSTAT_STAT_INTERVAL
 * (500 ms) old: read right after the worker ended, the changes since
 * ANALYZE of the last tables it vacuumed were still those of before (on 13,
 * target_settled() said false right after settle()).  TB_PGSTAT_AWAIT_MAINTAINED
 * waits, at most 10 s, until the statistics this backend reads show a VACUUM
 * and an ANALYZE of each of the n tables since `since` (not at all with
 * track_counts off); from 15 it does nothing.
 */
#if PG_VERSION_NUM >= 150000
#define TB_PGSTAT_AWAIT_MAINTAINED(relids, n, since) \
	((void) (relids), (void) (n), (void) (since))
#else
#include "pgstat.h"
#include "utils/timestamp.h"

static inline void
tb_pgstat_await_maintained(const Oid *relids, int n, TimestampTz since)
{
	TimestampTz give_up = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), 10000);

	if (!pgstat_track_counts)
		return;					/* VACUUM and ANALYZE report nothing then */
	for (;;)
	{
		int			i;

		pgstat_clear_snapshot();
		for (i = 0; i < n; i++)
		{
			PgStat_StatTabEntry *e = pgstat_fetch_stat_tabentry(relids[i]);

			if (e == NULL || e->vacuum_timestamp < since || e->analyze_timestamp < since)
				break;
		}
		if (i == n || GetCurrentTimestamp() >= give_up)
			break;
		CHECK_FOR_INTERRUPTS();
		pg_usleep(50 * 1000L);
	}
	pgstat_clear_snapshot();
}
#define TB_PGSTAT_AWAIT_MAINTAINED(relids, n, since) \
	tb_pgstat_await_maintained((relids), (n), (since))
#endif

/*
 * ---- issue 17 (the bulk generator, src/tasker/gen_bulk.c) ----
 * Whether role owns a table (superuser status aside): one
 * object_ownercheck() from PG 16, pg_class_ownercheck() before.
 */
#if PG_VERSION_NUM >= 160000
#define TB_REL_OWNERCHECK(relid, role) \
	object_ownercheck(RelationRelationId, (relid), (role))
#else
#define TB_REL_OWNERCHECK(relid, role) \
	pg_class_ownercheck((relid), (role))
#endif
/* ---- end of issue 17 ---- */

#endif							/* TB_COMPAT_H */
