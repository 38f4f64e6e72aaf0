/*-------------------------------------------------------------------------
 *
 * runstats.c
 *	  Per-run statistics that any run may record, timed bench runs
 *	  included: the delta of the pg_stat_statements rows its calls produced
 *	  (tas_bench.run_statements) and the backend's memory over its calls
 *	  (tas_bench.run_memory), with a leak verdict naming the context that
 *	  grew.
 *
 * Nothing here runs inside a timed call: a run calls tb_runstats_begin
 * before its first call, tb_runstats_tick between calls, tb_runstats_end
 * after the last one and tb_runstats_store once the run has its id
 * (core/profile.h).  One run at a time per backend; a nested begin (a bench()
 * inside a profiled statement) is ignored with its tick, end and store.
 *
 * pg_stat_statements: used only when the extension is installed in this
 * database *and* the library is in shared_preload_libraries; otherwise
 * nothing is read and nothing fails (tas_bench.pgss_status() says which).
 * begin and end read pg_stat_statements(), filtered on this role and this
 * database; end returns the rows whose calls grew, with the growth of each
 * counter.  Isolation from other sessions: a concurrent session of the same
 * role in the same database running the same statements adds to the same
 * rows.  To tell, profile.c's ExecutorEnd hook counts, while a run listens,
 * the executions this backend itself made of every query id; a row whose
 * delta of calls equals that count is marked exact, one that differs is a
 * shared delta (exact false), a utility statement (not seen by the executor)
 * has exact NULL.  The harness's own statement is the query id seen at the
 * smallest nesting level; its exact count is the number of calls the harness
 * made.  The snapshot statement of begin, which end sees once, is left out.
 * Statements run by a SECURITY DEFINER function are recorded by
 * pg_stat_statements under the definer's role and are not in the delta.
 *
 * Memory: MemoryContextMemAllocated(TopMemoryContext, true), the bytes of
 * every block of every memory context of the backend, before the first
 * call, after each sampled call (every call until 256 samples are held,
 * then every second one, and so on: at most 256 samples, of known calls),
 * and after the last call.  The peak is the largest sample, so it is the
 * largest between calls: memory a call allocates and frees before it
 * returns is not seen.  Growth per 1,000 calls is measured over the second
 * half of the calls (the first calls fill caches: plans, catalog entries).
 * A run is flagged as leaking when that growth is at least 1 kB per 1,000
 * calls and came in at least 3 separate steps (one new block of a growing
 * cache is not a leak); runs of fewer than 20 calls get no verdict.  The
 * context named is the child of TopMemoryContext (with, when one of its own
 * children holds most of that growth, that child) that grew most between
 * the snapshot taken at the largest power-of-two call count in the first
 * half and the end.
 *
 * Memory of this file: one context under TopMemoryContext, reset by every
 * begin and store: the samples (256), the context snapshots (one per power
 * of two calls, at most 64 contexts each) and the two pg_stat_statements
 * snapshots (bounded by pg_stat_statements.max).
 *
 * IDENTIFICATION
 *	  src/core/runstats.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/memnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/varlena.h"

#include "core/runstats.h"
#include "util.h"

#define RS_MAX_SAMPLES 256
#define RS_MAX_CONTEXTS 64
#define RS_MAX_SNAPS 40
#define RS_MIN_CALLS 20
#define RS_LEAK_BYTES_PER_1000 1024.0
#define RS_LEAK_STEPS 3

typedef struct rs_ctx
{
	MemoryContext cxt;			/* identity only, never dereferenced later */
	const char *name;			/* static or copied */
	Size		bytes;
	int			nchildren;
	MemoryContext child[8];		/* its largest children (identity) */
	const char *child_name[8];
	Size		child_bytes[8];
} rs_ctx;

typedef struct rs_snap
{
	int64		calls;
	int			n;
	rs_ctx		ctx[RS_MAX_CONTEXTS];
} rs_snap;

typedef struct rs_count
{
	int64		queryid;		/* hash key */
	int64		execs;
	int			min_level;
} rs_count;

bool		tb_runstats_listening = false;

static MemoryContext rs_cxt = NULL;
static bool rs_open = false;	/* begun, not yet stored or discarded */
static bool rs_ended = false;
static int	rs_depth = 0;		/* nested begins being ignored */
static bool rs_pgss = false;
static char *rs_pgss_nsp = NULL;
static char *rs_pgss_begin = NULL;	/* jsonb text */
static char *rs_pgss_delta = NULL;	/* jsonb text */
static bool rs_capture_self = false;
#define RS_MAX_SELF 4
static int64 rs_self_qids[RS_MAX_SELF];
static int	rs_nself = 0;
static HTAB *rs_counts = NULL;
static int	rs_min_level = INT_MAX;

static Size rs_before;
static Size rs_after;
static Size rs_peak;
static int64 rs_calls;
static int64 rs_stride;
static int	rs_nsamples;
static int64 rs_sample_calls[RS_MAX_SAMPLES];
static Size rs_sample_bytes[RS_MAX_SAMPLES];
static rs_snap *rs_snaps[RS_MAX_SNAPS];
static int	rs_nsnaps;
static rs_snap *rs_end_snap;

/* ------------------------------------------------------- pg_stat_statements */

/* the library is preloaded: it is named in shared_preload_libraries */
static bool
pgss_preloaded(void)
{
	const char *spl = GetConfigOption("shared_preload_libraries", true, false);
	char	   *copy;
	List	   *names;
	ListCell   *lc;
	bool		found = false;

	if (spl == NULL || spl[0] == '\0')
		return false;
	copy = pstrdup(spl);
	if (!SplitDirectoriesString(copy, ',', &names))
		return false;
	foreach(lc, names)
	{
		const char *n = (const char *) lfirst(lc);
		const char *base = strrchr(n, '/');

		base = base ? base + 1 : n;
		if (strncmp(base, "pg_stat_statements", 18) == 0 &&
			(base[18] == '\0' || strcmp(base + 18, ".so") == 0))
			found = true;
	}
	return found;
}

/* the schema of extension pg_stat_statements, NULL when not installed */
static char *
pgss_schema(void)
{
	int			nest;
	int			rc;
	char	   *nsp = NULL;
	MemoryContext cxt = CurrentMemoryContext;

	if (!OidIsValid(get_extension_oid("pg_stat_statements", true)))
		return NULL;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	nest = tb_internal_begin();
	rc = SPI_execute("SELECT n.nspname::text FROM pg_catalog.pg_extension e "
					 "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace "
					 "WHERE e.extname OPERATOR(pg_catalog.=) 'pg_stat_statements'", true, 1);
	tb_internal_end(nest);
	if (rc == SPI_OK_SELECT && SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (v)
			nsp = MemoryContextStrdup(cxt, v);
	}
	SPI_finish();
	return nsp;
}

char *
tb_pgss_status_json(void)
{
	char	   *nsp = pgss_schema();
	bool		pre = pgss_preloaded();
	const char *track = GetConfigOption("pg_stat_statements.track", true, false);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"installed\": %s, \"preloaded\": %s, \"used\": %s",
					 nsp ? "true" : "false", pre ? "true" : "false",
					 (nsp && pre) ? "true" : "false");
	appendStringInfoString(&buf, ", \"schema\": ");
	if (nsp)
		escape_json(&buf, nsp);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoString(&buf, ", \"track\": ");
	if (pre && track)
		escape_json(&buf, track);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * One statement over pg_stat_statements(), with the search_path pinned and
 * as the calling role; returns its single text result in rs_cxt.
 */
static char *
pgss_query(const char *sql, int nargs, Oid *types, Datum *vals)
{
	int			nest;
	int			rc;
	char	   *result = NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	nest = tb_internal_begin();
	rc = SPI_execute_with_args(sql, nargs, types, vals, NULL, true, 1);
	tb_internal_end(nest);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read pg_stat_statements: %s", SPI_result_code_string(rc));
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		result = MemoryContextStrdup(rs_cxt, v ? v : "[]");
	}
	SPI_finish();
	return result;
}

static void
pgss_snapshot_begin(void)
{
	StringInfoData q;
	Oid			types[2] = {OIDOID, OIDOID};
	Datum		vals[2];

	initStringInfo(&q);
	appendStringInfo(&q,
					 "SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array("
					 "s.queryid, pg_catalog.to_jsonb(s) OPERATOR(pg_catalog.->>) 'toplevel', s.calls, "
					 "s.total_exec_time, s.rows, s.shared_blks_hit, s.shared_blks_read, "
					 "s.temp_blks_read, s.temp_blks_written, s.wal_bytes)), '[]')::text "
					 "FROM %s.pg_stat_statements(false) s "
					 "WHERE s.userid OPERATOR(pg_catalog.=) $1 AND s.dbid OPERATOR(pg_catalog.=) $2",
					 quote_identifier(rs_pgss_nsp));
	vals[0] = ObjectIdGetDatum(GetUserId());
	vals[1] = ObjectIdGetDatum(MyDatabaseId);
	tb_runstats_listening = true;
	rs_capture_self = true;
	PG_TRY();
	{
		rs_pgss_begin = pgss_query(q.data, 2, types, vals);
	}
	PG_FINALLY();
	{
		rs_capture_self = false;
		tb_runstats_listening = false;
	}
	PG_END_TRY();
}

static void
pgss_snapshot_end(void)
{
	StringInfoData q;
	Oid			types[3] = {OIDOID, OIDOID, TEXTOID};
	Datum		vals[3];

	initStringInfo(&q);
	appendStringInfo(&q,
					 "WITH b AS (SELECT (e OPERATOR(pg_catalog.->>) 0)::bigint AS queryid, "
					 "(e OPERATOR(pg_catalog.->>) 1)::boolean AS toplevel, "
					 "(e OPERATOR(pg_catalog.->>) 2)::bigint AS calls, "
					 "(e OPERATOR(pg_catalog.->>) 3)::float8 AS total, "
					 "(e OPERATOR(pg_catalog.->>) 4)::bigint AS rows, "
					 "(e OPERATOR(pg_catalog.->>) 5)::bigint AS hit, "
					 "(e OPERATOR(pg_catalog.->>) 6)::bigint AS read, "
					 "(e OPERATOR(pg_catalog.->>) 7)::bigint AS tread, "
					 "(e OPERATOR(pg_catalog.->>) 8)::bigint AS twritten, "
					 "(e OPERATOR(pg_catalog.->>) 9)::numeric AS wal "
					 "FROM pg_catalog.jsonb_array_elements($3::jsonb) e), "
					 "a AS (SELECT s.queryid, (pg_catalog.to_jsonb(s) OPERATOR(pg_catalog.->>) 'toplevel')::boolean AS toplevel, "
					 "s.query, s.calls, s.total_exec_time AS total, s.rows, s.shared_blks_hit AS hit, "
					 "s.shared_blks_read AS read, s.temp_blks_read AS tread, s.temp_blks_written AS twritten, "
					 "s.wal_bytes AS wal FROM %s.pg_stat_statements(true) s "
					 "WHERE s.userid OPERATOR(pg_catalog.=) $1 AND s.dbid OPERATOR(pg_catalog.=) $2) "
					 "SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
					 "'queryid', a.queryid, 'toplevel', a.toplevel, 'query', a.query, "
					 "'calls', a.calls OPERATOR(pg_catalog.-) coalesce(b.calls, 0), "
					 "'total_ms', a.total OPERATOR(pg_catalog.-) coalesce(b.total, 0), "
					 "'rows', a.rows OPERATOR(pg_catalog.-) coalesce(b.rows, 0), "
					 "'hit', a.hit OPERATOR(pg_catalog.-) coalesce(b.hit, 0), "
					 "'read', a.read OPERATOR(pg_catalog.-) coalesce(b.read, 0), "
					 "'tread', a.tread OPERATOR(pg_catalog.-) coalesce(b.tread, 0), "
					 "'twritten', a.twritten OPERATOR(pg_catalog.-) coalesce(b.twritten, 0), "
					 "'wal', a.wal OPERATOR(pg_catalog.-) coalesce(b.wal, 0)"
					 ")), '[]')::text "
					 "FROM a LEFT JOIN b ON b.queryid OPERATOR(pg_catalog.=) a.queryid "
					 "AND b.toplevel IS NOT DISTINCT FROM a.toplevel "
					 "WHERE a.calls OPERATOR(pg_catalog.>) coalesce(b.calls, 0)",
					 quote_identifier(rs_pgss_nsp));
	vals[0] = ObjectIdGetDatum(GetUserId());
	vals[1] = ObjectIdGetDatum(MyDatabaseId);
	vals[2] = CStringGetTextDatum(rs_pgss_begin);
	rs_pgss_delta = pgss_query(q.data, 3, types, vals);
}

void
tb_runstats_count_exec(int64 queryid, int level)
{
	rs_count   *c;
	bool		found;

	if (rs_capture_self)
	{
		if (rs_nself < RS_MAX_SELF)
			rs_self_qids[rs_nself++] = queryid;
		return;
	}
	if (!rs_open || rs_ended || rs_counts == NULL || queryid == 0)
		return;
	c = (rs_count *) hash_search(rs_counts, &queryid, HASH_ENTER, &found);
	if (!found)
	{
		c->execs = 0;
		c->min_level = level;
	}
	c->execs++;
	if (level < c->min_level)
		c->min_level = level;
	if (level < rs_min_level)
		rs_min_level = level;
}

/* ------------------------------------------------------------------ memory */

/* contexts whose growth is the measurement's own: ours, and the profile's */
static MemoryContext rs_excluded = NULL;

void
tb_runstats_exclude(MemoryContext cxt)
{
	rs_excluded = cxt;
}

static bool
is_ours(MemoryContext c)
{
	return c == rs_cxt || (rs_excluded != NULL && c == rs_excluded);
}

static Size
backend_bytes(void)
{
	Size		b = MemoryContextMemAllocated(TopMemoryContext, true);

	b -= MemoryContextMemAllocated(rs_cxt, true);
	if (rs_excluded != NULL)
		b -= MemoryContextMemAllocated(rs_excluded, true);
	return b;
}

static rs_snap *
context_snapshot(int64 calls)
{
	rs_snap    *s = MemoryContextAllocZero(rs_cxt, sizeof(rs_snap));
	MemoryContext c;

	s->calls = calls;
	for (c = TopMemoryContext->firstchild; c != NULL && s->n < RS_MAX_CONTEXTS; c = c->nextchild)
	{
		rs_ctx	   *e;
		MemoryContext g;

		if (is_ours(c))
			continue;
		e = &s->ctx[s->n++];
		e->cxt = c;
		e->name = MemoryContextStrdup(rs_cxt, c->name);
		e->bytes = MemoryContextMemAllocated(c, true);
		for (g = c->firstchild; g != NULL; g = g->nextchild)
		{
			Size		b = MemoryContextMemAllocated(g, true);
			int			k;

			/* keep the 8 largest children */
			if (e->nchildren < 8)
				k = e->nchildren++;
			else
			{
				int			j;

				k = 0;
				for (j = 1; j < 8; j++)
					if (e->child_bytes[j] < e->child_bytes[k])
						k = j;
				if (e->child_bytes[k] >= b)
					continue;
			}
			e->child[k] = g;
			e->child_name[k] = MemoryContextStrdup(rs_cxt, g->name);
			e->child_bytes[k] = b;
		}
	}
	return s;
}

static void
sample(int64 calls)
{
	Size		b = backend_bytes();

	if (b > rs_peak)
		rs_peak = b;
	if (rs_nsamples == RS_MAX_SAMPLES)
	{
		int			i;

		/* keep every second sample, take every second call from now on */
		for (i = 0; i < RS_MAX_SAMPLES / 2; i++)
		{
			rs_sample_calls[i] = rs_sample_calls[2 * i + 1];
			rs_sample_bytes[i] = rs_sample_bytes[2 * i + 1];
		}
		rs_nsamples = RS_MAX_SAMPLES / 2;
		rs_stride *= 2;
	}
	rs_sample_calls[rs_nsamples] = calls;
	rs_sample_bytes[rs_nsamples] = b;
	rs_nsamples++;
}

/* ------------------------------------------------------------ the run API */

/*
 * An error that ends the (sub)transaction a run began in discards its
 * statistics, whoever catches it: a run left open would make every later
 * begin of the session look nested, and record nothing.  Subtransaction
 * ids grow within a transaction, so the subtransaction that aborts
 * contains the begin when its id is not above the begin's.  A commit (a
 * bench_commit run commits after every call) keeps the run open, now at
 * the top level of the next transaction.
 */
static SubTransactionId rs_subid = InvalidSubTransactionId;
static bool rs_callbacks = false;

static void
rs_xact_callback(XactEvent event, void *arg)
{
	if (!rs_open)
		return;
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		tb_runstats_discard();
	else if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT ||
			 event == XACT_EVENT_PREPARE)
		rs_subid = TopSubTransactionId;
}

static void
rs_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					SubTransactionId parentSubid, void *arg)
{
	if (rs_open && event == SUBXACT_EVENT_ABORT_SUB && mySubid <= rs_subid)
		tb_runstats_discard();
}

void
tb_runstats_begin(void)
{
	HASHCTL		ctl;

	if (rs_open && !rs_ended)
	{
		rs_depth++;
		return;
	}
	tb_runstats_discard();
	if (rs_cxt == NULL)
		rs_cxt = AllocSetContextCreate(TopMemoryContext, "tas_bench runstats",
									   ALLOCSET_DEFAULT_SIZES);
	if (!rs_callbacks)
	{
		RegisterXactCallback(rs_xact_callback, NULL);
		RegisterSubXactCallback(rs_subxact_callback, NULL);
		rs_callbacks = true;
	}
	rs_subid = GetCurrentSubTransactionId();
	rs_open = true;
	rs_ended = false;
	rs_depth = 0;
	rs_calls = 0;
	rs_stride = 1;
	rs_nsamples = 0;
	rs_nsnaps = 0;
	rs_end_snap = NULL;
	rs_min_level = INT_MAX;
	rs_nself = 0;
	rs_pgss_begin = NULL;
	rs_pgss_delta = NULL;

	/* our own statements, which the end snapshot sees, are left out of the delta */
	tb_runstats_listening = true;
	rs_capture_self = true;
	PG_TRY();
	{
		rs_pgss_nsp = pgss_schema();
	}
	PG_FINALLY();
	{
		rs_capture_self = false;
		tb_runstats_listening = false;
	}
	PG_END_TRY();
	rs_pgss = rs_pgss_nsp != NULL && pgss_preloaded();
	if (rs_pgss)
	{
		rs_pgss_nsp = MemoryContextStrdup(rs_cxt, rs_pgss_nsp);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(rs_count);
		ctl.hcxt = rs_cxt;
		rs_counts = hash_create("tas_bench runstats counts", 256, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		pgss_snapshot_begin();
	}
	rs_snaps[rs_nsnaps++] = context_snapshot(0);
	rs_before = backend_bytes();
	rs_peak = rs_before;
	tb_runstats_listening = rs_pgss;
}

void
tb_runstats_tick(int64 calls_done)
{
	if (!rs_open || rs_ended || rs_depth > 0)
		return;
	rs_calls = calls_done;
	if (calls_done % rs_stride == 0)
		sample(calls_done);
	/* a context snapshot at every power of two */
	if (calls_done > 0 && (calls_done & (calls_done - 1)) == 0 && rs_nsnaps < RS_MAX_SNAPS)
		rs_snaps[rs_nsnaps++] = context_snapshot(calls_done);
}

void
tb_runstats_end(void)
{
	if (!rs_open || rs_ended)
		return;
	if (rs_depth > 0)
	{
		rs_depth--;
		return;
	}
	tb_runstats_listening = false;
	rs_after = backend_bytes();
	if (rs_after > rs_peak)
		rs_peak = rs_after;
	rs_end_snap = context_snapshot(rs_calls);
	rs_ended = true;
	if (rs_pgss)
		pgss_snapshot_end();
}

void
tb_runstats_discard(void)
{
	tb_runstats_listening = false;
	rs_excluded = NULL;
	rs_open = false;
	rs_ended = false;
	rs_depth = 0;
	rs_counts = NULL;
	if (rs_cxt != NULL)
		MemoryContextReset(rs_cxt);
}

/* the leak verdict: growth over the second half of the calls */
typedef struct leak_verdict
{
	bool		known;
	bool		leak;
	double		growth_per_1000;
	int			steps;
	char	   *context;
	int64		context_growth;
} leak_verdict;

static void
judge_leak(leak_verdict *v)
{
	int			first = -1;
	int			i;
	int64		half = rs_calls / 2;
	rs_snap    *base = rs_snaps[0];
	int64		best = 0;
	int			best_i = -1;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < rs_nsamples; i++)
		if (rs_sample_calls[i] >= half)
		{
			first = i;
			break;
		}
	if (rs_calls < RS_MIN_CALLS || first < 0 || rs_nsamples - first < 2)
		return;
	v->known = true;
	for (i = first + 1; i < rs_nsamples; i++)
		if (rs_sample_bytes[i] > rs_sample_bytes[i - 1])
			v->steps++;
	{
		int			last = rs_nsamples - 1;
		double		dc = (double) (rs_sample_calls[last] - rs_sample_calls[first]);

		if (dc > 0)
			v->growth_per_1000 = ((double) rs_sample_bytes[last] - (double) rs_sample_bytes[first]) * 1000.0 / dc;
	}
	v->leak = v->growth_per_1000 >= RS_LEAK_BYTES_PER_1000 && v->steps >= RS_LEAK_STEPS;

	/* the context that grew most since the power-of-two snapshot in the first half */
	for (i = 0; i < rs_nsnaps; i++)
		if (rs_snaps[i]->calls <= half)
			base = rs_snaps[i];
	if (rs_end_snap == NULL)
		return;
	for (i = 0; i < rs_end_snap->n; i++)
	{
		rs_ctx	   *e = &rs_end_snap->ctx[i];
		int64		was = 0;
		int			j;

		for (j = 0; j < base->n; j++)
			if (base->ctx[j].cxt == e->cxt && strcmp(base->ctx[j].name, e->name) == 0)
				was = (int64) base->ctx[j].bytes;
		if ((int64) e->bytes - was > best)
		{
			best = (int64) e->bytes - was;
			best_i = i;
		}
	}
	if (best_i >= 0)
	{
		rs_ctx	   *e = &rs_end_snap->ctx[best_i];
		rs_ctx	   *b = NULL;
		int			j;

		for (j = 0; j < base->n; j++)
			if (base->ctx[j].cxt == e->cxt && strcmp(base->ctx[j].name, e->name) == 0)
				b = &base->ctx[j];
		v->context = pstrdup(e->name);
		v->context_growth = best;
		/* a child holding most of the growth is named too */
		for (j = 0; j < e->nchildren; j++)
		{
			int64		was = 0;
			int			k;

			if (b != NULL)
				for (k = 0; k < b->nchildren; k++)
					if (b->child[k] == e->child[j] && strcmp(b->child_name[k], e->child_name[j]) == 0)
						was = (int64) b->child_bytes[k];
			if (((int64) e->child_bytes[j] - was) * 2 > best)
			{
				v->context = psprintf("%s/%s", e->name, e->child_name[j]);
				break;
			}
		}
	}
}

static void
store_memory(const char *run_table, int64 run_id)
{
	Oid			types[12] = {TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT4OID,
	FLOAT8OID, INT4OID, BOOLOID, TEXTOID, INT8OID};
	Datum		vals[12];
	char		nulls[12];
	leak_verdict v;
	tb_bookkeeping bk;
	int			rc;

	judge_leak(&v);
	memset(nulls, ' ', sizeof(nulls));
	vals[0] = CStringGetTextDatum(run_table);
	vals[1] = Int64GetDatum(run_id);
	vals[2] = Int64GetDatum(rs_calls);
	vals[3] = Int64GetDatum((int64) rs_before);
	vals[4] = Int64GetDatum((int64) rs_peak);
	vals[5] = Int64GetDatum((int64) rs_after);
	vals[6] = Int32GetDatum(rs_nsamples);
	if (v.known)
	{
		vals[7] = Float8GetDatum(v.growth_per_1000);
		vals[8] = Int32GetDatum(v.steps);
		vals[9] = BoolGetDatum(v.leak);
	}
	else
		nulls[7] = nulls[8] = nulls[9] = 'n';
	if (v.context)
	{
		vals[10] = CStringGetTextDatum(v.context);
		vals[11] = Int64GetDatum(v.context_growth);
	}
	else
		nulls[10] = nulls[11] = 'n';
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args("INSERT INTO " TB_SCHEMA ".run_memory (run_table, run_id, calls, before_bytes, "
							   "peak_bytes, after_bytes, samples, growth_per_1000_calls, growth_steps, "
							   "leak, grown_context, grown_context_bytes) "
							   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
							   12, types, vals, nulls, false, 0);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into tas_bench.run_memory: %s", SPI_result_code_string(rc));
}

static void
store_statements(const char *run_table, int64 run_id, int64 harness_calls)
{
	Oid			types[8] = {INT8OID, TEXTOID, INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
	INT8OID, INT8ARRAYOID, TEXTOID};
	Datum		selfs[RS_MAX_SELF];
	Datum		vals[8];
	char		nulls[8];
	int			n = rs_counts ? (int) hash_get_num_entries(rs_counts) : 0;
	Datum	   *qids = palloc(sizeof(Datum) * (n + 1));
	Datum	   *execs = palloc(sizeof(Datum) * (n + 1));
	Datum	   *tops = palloc(sizeof(Datum) * (n + 1));
	int			ntops = 0;
	int			i = 0;
	HASH_SEQ_STATUS hs;
	rs_count   *c;
	tb_bookkeeping bk;
	int			rc;

	if (rs_counts)
	{
		hash_seq_init(&hs, rs_counts);
		while ((c = (rs_count *) hash_seq_search(&hs)) != NULL)
		{
			qids[i] = Int64GetDatum(c->queryid);
			execs[i] = Int64GetDatum(c->execs);
			i++;
			if (c->min_level == rs_min_level)
				tops[ntops++] = Int64GetDatum(c->queryid);
		}
	}
	memset(nulls, ' ', sizeof(nulls));
	vals[0] = Int64GetDatum(run_id);
	vals[1] = CStringGetTextDatum(rs_pgss_delta);
	vals[2] = PointerGetDatum(construct_array(qids, i, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	vals[3] = PointerGetDatum(construct_array(execs, i, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	vals[4] = PointerGetDatum(construct_array(tops, ntops, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	vals[5] = Int64GetDatum(harness_calls);
	for (i = 0; i < rs_nself; i++)
		selfs[i] = Int64GetDatum(rs_self_qids[i]);
	vals[6] = PointerGetDatum(construct_array(selfs, rs_nself, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	vals[7] = CStringGetTextDatum(run_table);
	tb_bookkeeping_begin(&bk);
	rc = SPI_execute_with_args(
							   "WITH d AS (SELECT * FROM pg_catalog.jsonb_to_recordset($2::jsonb) AS x(queryid bigint, "
							   "toplevel boolean, query text, calls bigint, total_ms float8, rows bigint, hit bigint, "
							   "read bigint, tread bigint, twritten bigint, wal numeric)), "
							   "o AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($3), pg_catalog.unnest($4)) AS u(queryid, execs)) "
							   "INSERT INTO " TB_SCHEMA ".run_statements (run_table, run_id, queryid, toplevel, query, calls, "
							   "total_exec_ms, rows, shared_blks_hit, shared_blks_read, temp_blks_read, "
							   "temp_blks_written, wal_bytes, own_calls, harness_statement, exact) "
							   "SELECT $8, $1, d.queryid, d.toplevel, d.query, d.calls, d.total_ms, d.rows, d.hit, d.read, "
							   "d.tread, d.twritten, d.wal, o.execs, "
							   "d.queryid OPERATOR(pg_catalog.=) ANY ($5), "
							   "CASE WHEN d.queryid OPERATOR(pg_catalog.=) ANY ($5) "
							   "THEN d.calls OPERATOR(pg_catalog.=) $6 "
							   "WHEN o.execs IS NULL THEN NULL ELSE d.calls OPERATOR(pg_catalog.=) o.execs END "
							   "FROM d LEFT JOIN o ON o.queryid OPERATOR(pg_catalog.=) d.queryid "
							   "WHERE d.queryid OPERATOR(pg_catalog.<>) ALL ($7)",
							   8, types, vals, nulls, false, 0);
	tb_bookkeeping_end(&bk);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into tas_bench.run_statements: %s", SPI_result_code_string(rc));
}

void
tb_runstats_store(const char *run_table, int64 run_id, int64 harness_calls)
{
	if (!rs_open)
		return;
	if (strcmp(run_table, "runs") != 0 && strcmp(run_table, "profile_runs") != 0 &&
		strcmp(run_table, "load_runs") != 0)
		elog(ERROR, "unknown run table \"%s\"", run_table);
	if (rs_depth > 0 || !rs_ended)
		return;					/* a nested run's, or end was not called */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PG_TRY();
	{
		/* a load run's calls ran in background workers: this backend's memory says nothing */
		if (strcmp(run_table, "load_runs") != 0)
			store_memory(run_table, run_id);
		if (rs_pgss && rs_pgss_delta != NULL)
			store_statements(run_table, run_id, harness_calls);
	}
	PG_CATCH();
	{
		tb_runstats_discard();
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	tb_runstats_discard();
}

/*
 * tas_bench.pgss_status() RETURNS jsonb
 *		Whether pg_stat_statements is installed here, preloaded, and used
 *		by tas_bench (both), its schema and pg_stat_statements.track.
 */
PG_FUNCTION_INFO_V1(tas_bench_pgss_status);
Datum
tas_bench_pgss_status(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(tb_pgss_status_json()));
}
