/*-------------------------------------------------------------------------
 *
 * datagen.c
 *	  Dataset generator for the tasker data model: generate(), grow(),
 *	  cleanup(), check_target().
 *
 * What a task looks like (shape, states, flags, histories, times) is decided
 * in dagshape.c from the seed and the task number alone; this file turns
 * those plans into rows and loads them.
 *
 * Loading: the server's own COPY FROM machinery (BeginCopyFrom with a
 * data_source_cb, CopyFrom), one COPY per table in foreign-key order
 * (tasks, workflow_steps, workflow_step_edges, task_transitions,
 * workflow_step_transitions) over a chunk of CHUNK_TASKS tasks.  The
 * callback produces text-format rows on demand from the chunk's plans, so
 * indexes, constraints, foreign keys and the audit trigger are handled
 * exactly as for a COPY statement.  The plans of a chunk live in a memory
 * context reset after the chunk, so memory does not grow with the number of
 * tasks.  Before PG 14 BeginCopyFrom has no whereClause and returns a
 * CopyState (guarded by PG_VERSION_NUM).
 *
 * Templates (namespaces tas_bench_<shape>, named tasks tas_bench_<shape>
 * version 1.0.0, named steps tas_bench_<shape>_<step>, memberships) are
 * found by name or created; those created are recorded in
 * tas_bench.dataset_templates so that cleanup(NULL) can remove them when no
 * row references them any more.
 *
 * Tagging: every task has source_system 'tas_bench' and
 * tags {"tas_bench": {"dataset": <id>, "shape": <shape>, "task_no": <n>}}.
 * The dataset id is the only value that differs between two generations
 * with the same arguments (the rows are otherwise identical).
 * cleanup() deletes tagged tasks and every row referencing them or their
 * steps (audit rows, DLQ entries, transitions added later by benchmarks).
 *
 * Identity: UUIDs are v7, built from the row's own timestamp (unix ms) and
 * random bits from the task's PRNG stream; identity_hash is a 64-bit hash of
 * (seed, anchor, task number) in lower-case hex without padding.  The same
 * seed and anchor while a dataset still exists would collide on primary
 * keys; that is detected up front (the first task's UUID exists already).
 *
 * search_path: upstream's audit trigger resolves tables unqualified, so the
 * work runs with search_path = <target>, public, set in a GUC nest level and
 * restored afterwards (also on error, by transaction abort).
 *
 * Timestamps: microseconds since 2000-01-01 of the anchor taken as UTC wall
 * clock, formatted here (no time zone conversion).
 *
 * IDENTIFICATION
 *	  src/tasker/datagen.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/copy.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "tasker/dagshape.h"
#include "core/prng.h"
#include "util.h"

#define CHUNK_TASKS 2048
#define MAX_TASKS 10000000
#define WINDOW_US (INT64CONST(7) * 86400 * 1000000)
#define GENERATOR_VERSION 1
/*
 * Template UUIDs depend on the template's name only (timestamp part fixed at
 * 2025-01-01), so task rows do not depend on which dataset created them.
 */
#define TEMPLATE_UUID_TS INT64CONST(789004800000000)

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

static const char *const table_names[T_NTABLES] = {
	"tasks", "workflow_steps", "workflow_step_edges", "task_transitions",
	"workflow_step_transitions"
};

static const char *const table_columns[T_NTABLES] = {
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
	"metadata,sort_key,most_recent,created_at,updated_at"
};

#define N_PROCESSORS 4
#define N_WORKERS 8

typedef struct gen_ctx
{
	tb_plan_config cfg;
	int64		dataset_id;
	char	   *schema;			/* target schema, unquoted */
	Oid			nspoid;
	Oid			relids[T_NTABLES];
	uint8		named_task[TB_SHAPE_COUNT][16];
	uint8		named_step[TB_SHAPE_COUNT][TB_SHAPE_MAX_NAMES][16];
	uint8		processor[N_PROCESSORS][16];
	uint8		worker[N_WORKERS][16];
	int64		rows[T_NTABLES + 1];	/* + audit rows (by trigger) */

	/* current COPY */
	int			table;
	tb_task_plan *plans;
	int			nplans;
	int			cur;
	StringInfoData buf;
	int			bufpos;
} gen_ctx;

/* the COPY callback has no argument: the generation in progress */
static gen_ctx *current_gen = NULL;

/* ------------------------------------------------------------ formatting */

static const char hexdig[] = "0123456789abcdef";

static void
put_uuid(StringInfo b, const uint8 *u)
{
	char	   *p;
	int			i;

	enlargeStringInfo(b, 37);
	p = b->data + b->len;
	for (i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hexdig[u[i] >> 4];
		*p++ = hexdig[u[i] & 15];
	}
	b->len = p - b->data;
	*p = '\0';
}

static void
put_uuid7(StringInfo b, int64 ts, const uint64_t rnd[2])
{
	uint8		u[16];

	tb_uuid7(u, ts, rnd);
	put_uuid(b, u);
}

/* a fresh UUIDv7 for a row at ts, random bits from r */
static void
put_uuid7_r(StringInfo b, int64 ts, tb_prng *r)
{
	uint64_t	rnd[2];

	rnd[0] = tb_prng_u64(r);
	rnd[1] = tb_prng_u64(r);
	put_uuid7(b, ts, rnd);
}

static void
put_int(StringInfo b, int64 v)
{
	char		tmp[24];
	int			n = 0;
	uint64		u;

	if (v < 0)
	{
		appendStringInfoChar(b, '-');
		u = (uint64) (-(v + 1)) + 1;
	}
	else
		u = (uint64) v;
	do
	{
		tmp[n++] = (char) ('0' + u % 10);
		u /= 10;
	} while (u > 0);
	enlargeStringInfo(b, n);
	while (n > 0)
		b->data[b->len++] = tmp[--n];
	b->data[b->len] = '\0';
}

static void
put2(char *p, int v)
{
	p[0] = (char) ('0' + v / 10);
	p[1] = (char) ('0' + v % 10);
}

/*
 * Timestamp as text: "YYYY-MM-DD HH:MM:SS.ffffff" (sep ' ') or RFC 3339
 * "YYYY-MM-DDTHH:MM:SS.ffffffZ" (sep 'T').  Days to civil date after
 * H. Hinnant's algorithm.
 */
static void
put_ts_sep(StringInfo b, int64 us, char sep)
{
	int64		days = us / USECS_PER_DAY;
	int64		tod = us % USECS_PER_DAY;
	int64		z,
				era,
				yy;
	unsigned	doe,
				yoe,
				doy,
				mp,
				dd,
				mm;
	int			hh,
				mi,
				ss,
				frac,
				k;
	char	   *p;

	if (tod < 0)
	{
		tod += USECS_PER_DAY;
		days--;
	}
	z = days + 10957 + 719468;	/* days since 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned) (z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64) yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	mm = mp < 10 ? mp + 3 : mp - 9;
	yy += (mm <= 2);
	hh = (int) (tod / USECS_PER_HOUR);
	mi = (int) ((tod / USECS_PER_MINUTE) % 60);
	ss = (int) ((tod / USECS_PER_SEC) % 60);
	frac = (int) (tod % USECS_PER_SEC);

	enlargeStringInfo(b, 32);
	p = b->data + b->len;
	p[0] = (char) ('0' + (yy / 1000) % 10);
	p[1] = (char) ('0' + (yy / 100) % 10);
	p[2] = (char) ('0' + (yy / 10) % 10);
	p[3] = (char) ('0' + yy % 10);
	p[4] = '-';
	put2(p + 5, (int) mm);
	p[7] = '-';
	put2(p + 8, (int) dd);
	p[10] = sep;
	put2(p + 11, hh);
	p[13] = ':';
	put2(p + 14, mi);
	p[16] = ':';
	put2(p + 17, ss);
	p[19] = '.';
	for (k = 25; k >= 20; k--)
	{
		p[k] = (char) ('0' + frac % 10);
		frac /= 10;
	}
	k = 26;
	if (sep == 'T')
		p[k++] = 'Z';
	b->len += k;
	b->data[b->len] = '\0';
}

#define put_ts(b, us) put_ts_sep((b), (us), ' ')

static void
put_ts_or_null(StringInfo b, int64 us)
{
	if (us == TB_NULL_TS)
		appendBinaryStringInfo(b, "\\N", 2);
	else
		put_ts(b, us);
}

#define PUT(b, lit) appendBinaryStringInfo((b), (lit), sizeof(lit) - 1)
#define TAB(b) appendStringInfoChar((b), '\t')

/* ------------------------------------------------------------ row output */

static void
step_uuid(const gen_ctx *g, const tb_step_plan *s, uint8 *u)
{
	tb_uuid7(u, s->created_at, s->uuid_rand);
}

static void
emit_task(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	static const char *const initiators[] = {
		"api", "scheduler", "ops_console", "webhook", "batch_import"
	};
	tb_prng		r;
	int			shape = p->dag.shape;

	tb_prng_seed(&r, tb_prng_mix(p->stream, 100 + T_TASKS));
	put_uuid7(b, p->created_at, p->uuid_rand);
	TAB(b);
	put_uuid(b, g->named_task[shape]);
	TAB(b);
	appendStringInfoChar(b, p->state == TB_TS_COMPLETE ? 't' : 'f');
	TAB(b);
	put_ts(b, p->created_at);	/* requested_at */
	TAB(b);
	put_ts_or_null(b, p->completed_at);
	TAB(b);
	appendStringInfoString(b, initiators[tb_prng_range(&r, 0, 4)]);
	TAB(b);
	PUT(b, "tas_bench\ttas_bench generated dataset\t");
	PUT(b, "{\"tas_bench\": {\"dataset\": ");
	put_int(b, g->dataset_id);
	PUT(b, ", \"shape\": \"");
	appendStringInfoString(b, tb_shape_names[shape]);
	PUT(b, "\", \"task_no\": ");
	put_int(b, p->task_no);
	PUT(b, "}}\t");
	/* context: the input document */
	PUT(b, "{\"request_id\": ");
	put_int(b, p->task_no + 1);
	if (shape == TB_SHAPE_CONDITIONAL)
	{
		PUT(b, ", \"amount\": ");
		put_int(b, p->amount);
	}
	else if (shape == TB_SHAPE_BATCH)
	{
		PUT(b, ", \"csv_rows\": ");
		put_int(b, p->rows);
		PUT(b, ", \"batch_size\": 200");
	}
	else
	{
		PUT(b, ", \"value\": ");
		put_int(b, (int64) tb_prng_range(&r, 1, 1000));
	}
	PUT(b, "}\t");
	appendStringInfo(b, "%llx", (unsigned long long) p->identity);
	TAB(b);
	put_ts(b, p->created_at);
	TAB(b);
	put_ts(b, p->updated_at);
	TAB(b);
	put_int(b, p->priority);
	TAB(b);
	put_uuid7(b, p->created_at, p->corr_rand);
	TAB(b);
	if (tb_prng_bernoulli(&r, 0.05))
		put_uuid7_r(b, p->created_at - 1000 * (int64) tb_prng_range(&r, 1, 600000), &r);
	else
		PUT(b, "\\N");
	appendStringInfoChar(b, '\n');
}

static void
emit_steps(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	uint8		tu[16];
	int			i,
				nn;
	const char *const *names = tb_shape_step_names(p->dag.shape, &nn);

	tb_uuid7(tu, p->created_at, p->uuid_rand);
	for (i = 0; i < p->dag.nsteps; i++)
	{
		const tb_step_plan *s = &p->steps[i];
		uint8		su[16];

		step_uuid(g, s, su);
		put_uuid(b, su);
		TAB(b);
		put_uuid(b, tu);
		TAB(b);
		put_uuid(b, g->named_step[p->dag.shape][s->name_idx]);
		TAB(b);
		appendStringInfoChar(b, s->retryable ? 't' : 'f');
		TAB(b);
		put_int(b, s->max_attempts);
		TAB(b);
		appendStringInfoChar(b, s->in_process ? 't' : 'f');
		TAB(b);
		appendStringInfoChar(b, s->processed ? 't' : 'f');
		TAB(b);
		put_ts_or_null(b, s->processed_at);
		TAB(b);
		if (s->attempts < 0)
			PUT(b, "\\N");
		else
			put_int(b, s->attempts);
		TAB(b);
		put_ts_or_null(b, s->last_attempted_at);
		TAB(b);
		if (s->backoff < 0)
			PUT(b, "\\N");
		else
			put_int(b, s->backoff);
		TAB(b);
		/* inputs: batch workers get their cursor */
		if (p->dag.shape == TB_SHAPE_BATCH && strncmp(names[s->name_idx], "process_csv_batch_", 18) == 0)
		{
			int			w = s->name_idx - 1;	/* 0 = placeholder */
			int			start = w == 0 ? 0 : (w - 1) * 200;
			int			end = w == 0 ? p->rows : Min(p->rows, w * 200);

			if (w == p->dag.workers && w > 0)
				end = p->rows;
			appendStringInfo(b, "{\"cursor\": {\"batch_id\": \"%03d\", \"start_row\": %d, \"end_row\": %d}}",
							 w, start, end);
		}
		else
			PUT(b, "\\N");
		TAB(b);
		if (!s->has_results)
			PUT(b, "\\N");
		else
		{
			PUT(b, "{\"step_uuid\": \"");
			put_uuid(b, su);
			if (s->failed)
			{
				PUT(b, "\", \"success\": false, \"status\": \"error\", \"error\": {\"message\": \"simulated failure of ");
				appendStringInfoString(b, names[s->name_idx]);
				PUT(b, "\", \"error_type\": \"");
				appendStringInfoString(b, s->status_code ? "HttpError" : "StepExecutionError");
				PUT(b, "\", \"backtrace\": null, \"retryable\": ");
				appendStringInfoString(b, s->error_retryable ? "true" : "false");
				if (s->status_code)
				{
					PUT(b, ", \"status_code\": ");
					put_int(b, s->status_code);
				}
				PUT(b, "}, \"metadata\": {\"execution_time_ms\": ");
			}
			else
				PUT(b, "\", \"success\": true, \"status\": \"completed\", \"result\": {\"ok\": true}, \"metadata\": {\"execution_time_ms\": ");
			put_int(b, s->exec_ms);
			PUT(b, "}}");
		}
		TAB(b);
		put_ts(b, s->created_at);
		TAB(b);
		put_ts(b, s->updated_at);
		PUT(b, "\t0\n");
	}
}

static void
emit_edges(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	tb_prng		r;
	int			e;

	tb_prng_seed(&r, tb_prng_mix(p->stream, 100 + T_EDGES));
	for (e = 0; e < p->dag.nedges; e++)
	{
		const tb_dag_edge *ed = &p->dag.edges[e];
		const tb_step_plan *f = &p->steps[ed->from];
		const tb_step_plan *t = &p->steps[ed->to];
		int64		at = Max(f->created_at, t->created_at);
		uint8		u[16];

		put_uuid7_r(b, at, &r);
		TAB(b);
		step_uuid(g, f, u);
		put_uuid(b, u);
		TAB(b);
		step_uuid(g, t, u);
		put_uuid(b, u);
		TAB(b);
		appendStringInfoString(b, tb_edge_kind_names[ed->kind]);
		TAB(b);
		put_ts(b, at);
		TAB(b);
		put_ts(b, at);
		appendStringInfoChar(b, '\n');
	}
}

static void
emit_task_trans(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	tb_prng		r;
	uint8		tu[16];
	int			i;

	tb_prng_seed(&r, tb_prng_mix(p->stream, 100 + T_TASK_TRANS));
	tb_uuid7(tu, p->created_at, p->uuid_rand);
	for (i = 0; i < p->ntrans; i++)
	{
		const tb_trans *t = &p->trans[i];

		put_uuid7_r(b, t->at, &r);
		TAB(b);
		put_uuid(b, tu);
		TAB(b);
		appendStringInfoString(b, tb_task_state_names[t->to]);
		TAB(b);
		if (i == 0)
			PUT(b, "\\N");
		else
			appendStringInfoString(b, tb_task_state_names[p->trans[i - 1].to]);
		PUT(b, "\t{}\t");
		put_int(b, i + 1);
		TAB(b);
		appendStringInfoChar(b, i == p->ntrans - 1 ? 't' : 'f');
		TAB(b);
		put_ts(b, t->at);
		TAB(b);
		put_ts(b, t->at);
		TAB(b);
		put_uuid(b, g->processor[p->processor]);
		PUT(b, "\t{}\n");
	}
}

static const char *
step_event(int to)
{
	switch (to)
	{
		case TB_SS_PENDING:
			return "StepPending";
		case TB_SS_ENQUEUED:
			return "Enqueue";
		case TB_SS_IN_PROGRESS:
			return "Start";
		case TB_SS_ENQUEUED_FOR_ORCHESTRATION:
			return "EnqueueForOrchestration";
		case TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION:
			return "EnqueueAsErrorForOrchestration";
		case TB_SS_WAITING_FOR_RETRY:
			return "WaitForRetry";
		case TB_SS_COMPLETE:
			return "Complete";
		case TB_SS_ERROR:
			return "Fail";
		case TB_SS_CANCELLED:
			return "Cancel";
		case TB_SS_RESOLVED_MANUALLY:
			return "ResolveManually";
	}
	return "Unknown";
}

static void
emit_step_trans(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	tb_prng		r;
	uint8		corr[16];
	int			i,
				k;

	tb_prng_seed(&r, tb_prng_mix(p->stream, 100 + T_STEP_TRANS));
	tb_uuid7(corr, p->created_at, p->corr_rand);
	for (i = 0; i < p->dag.nsteps; i++)
	{
		const tb_step_plan *s = &p->steps[i];
		uint8		su[16];
		int			worker = (int) tb_prng_range(&r, 0, N_WORKERS - 1);

		step_uuid(g, s, su);
		for (k = 0; k < s->ntrans; k++)
		{
			const tb_trans *t = &s->trans[k];
			int			to = t->to;
			bool		by_worker = (to == TB_SS_IN_PROGRESS ||
									 to == TB_SS_ENQUEUED_FOR_ORCHESTRATION ||
									 to == TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION);

			put_uuid7_r(b, t->at, &r);
			TAB(b);
			put_uuid(b, su);
			TAB(b);
			appendStringInfoString(b, tb_step_state_names[to]);
			TAB(b);
			if (k == 0)
				PUT(b, "\\N");
			else
				appendStringInfoString(b, tb_step_state_names[s->trans[k - 1].to]);
			/* metadata: event as a JSON object, success and time at its top level */
			PUT(b, "\t{\"event\": {\"type\": \"");
			appendStringInfoString(b, step_event(to));
			PUT(b, "\"");
			if (to == TB_SS_ENQUEUED_FOR_ORCHESTRATION || to == TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION)
			{
				PUT(b, ", \"success\": ");
				appendStringInfoString(b, to == TB_SS_ENQUEUED_FOR_ORCHESTRATION ? "true" : "false");
				PUT(b, ", \"metadata\": {\"execution_time_ms\": ");
				put_int(b, t->exec_ms);
				PUT(b, "}");
				g->rows[T_NTABLES]++;
			}
			PUT(b, "}, \"timestamp\": \"");
			put_ts_sep(b, t->at, 'T');
			PUT(b, "\"");
			if (by_worker)
			{
				PUT(b, ", \"worker_uuid\": \"");
				put_uuid(b, g->worker[worker]);
				PUT(b, "\", \"correlation_id\": \"");
				put_uuid(b, corr);
				PUT(b, "\"");
			}
			PUT(b, "}\t");
			put_int(b, k + 1);
			TAB(b);
			appendStringInfoChar(b, k == s->ntrans - 1 ? 't' : 'f');
			TAB(b);
			put_ts(b, t->at);
			TAB(b);
			put_ts(b, t->at);
			appendStringInfoChar(b, '\n');
		}
	}
}

/* produce the rows of the next task of the chunk; false at the end */
static bool
produce_more(gen_ctx *g)
{
	const tb_task_plan *p;

	CHECK_FOR_INTERRUPTS();
	if (g->cur >= g->nplans)
		return false;
	p = &g->plans[g->cur++];
	switch (g->table)
	{
		case T_TASKS:
			emit_task(g, p, &g->buf);
			break;
		case T_STEPS:
			emit_steps(g, p, &g->buf);
			break;
		case T_EDGES:
			emit_edges(g, p, &g->buf);
			break;
		case T_TASK_TRANS:
			emit_task_trans(g, p, &g->buf);
			break;
		case T_STEP_TRANS:
			emit_step_trans(g, p, &g->buf);
			break;
	}
	return true;
}

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
			while (g->buf.len == 0 && produce_more(g))
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
	char	   *cols = pstrdup(table_columns[table]);
	char	   *tok,
			   *save;
	uint64		n;
	TB_COPY_FROM_STATE cstate;

	for (tok = strtok_r(cols, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		attnames = lappend(attnames, makeString(tok));
	options = list_make1(makeDefElem("encoding",
									 (Node *) makeString((char *) GetDatabaseEncodingName()), -1));

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
	g->rows[table] += (int64) n;
}

/* ------------------------------------------------------------- arguments */

static void
uuid_from(uint8 *out, int64 ts, uint64 seed, uint64 stream)
{
	uint64_t	rnd[2];

	rnd[0] = tb_prng_mix(seed, stream * 2);
	rnd[1] = tb_prng_mix(seed, stream * 2 + 1);
	tb_uuid7(out, ts, rnd);
}

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

static Datum
uuid_datum(const uint8 *u)
{
	pg_uuid_t  *p = palloc(sizeof(pg_uuid_t));

	memcpy(p->data, u, 16);
	return UUIDPGetDatum(p);
}

/* run a query through SPI with text/uuid/... arguments; returns SPI result */
static int
spi_exec(const char *sql, int nargs, Oid *types, Datum *values, int expect)
{
	int			ret = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

	if (ret != expect)
		elog(ERROR, "SPI_execute_with_args failed (%d): %s", ret, sql);
	return ret;
}

/* the problems check_target reports, as a list of (object, problem) pairs */
typedef struct target_problem
{
	char	   *object;
	char	   *problem;
} target_problem;

static const char *const required_columns[] = {
	"task_namespaces", "task_namespace_uuid,name,description,created_at,updated_at",
	"named_tasks", "named_task_uuid,task_namespace_uuid,name,description,version,configuration,created_at,updated_at",
	"named_steps", "named_step_uuid,name,description,created_at,updated_at",
	"named_tasks_named_steps", "ntns_uuid,named_task_uuid,named_step_uuid,default_retryable,default_max_attempts,created_at,updated_at",
	"tasks", NULL,				/* from table_columns */
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
add_problem(List **list, const char *object, const char *problem)
{
	target_problem *p = palloc(sizeof(target_problem));

	p->object = pstrdup(object);
	p->problem = pstrdup(problem);
	*list = lappend(*list, p);
}

/*
 * Inspect the target schema; returns the problems (palloc'd in the caller's
 * context).  Uses SPI (connects itself).
 */
static List *
target_problems(const char *schema)
{
	List	   *result = NIL;
	MemoryContext outer = CurrentMemoryContext;
	Oid			nsp = get_namespace_oid(schema, true);
	int			i;
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		obj[NAMEDATALEN * 3 + 8];

	if (!OidIsValid(nsp))
	{
		add_problem(&result, quote_identifier(schema), "schema does not exist");
		return result;
	}
	if (TB_NAMESPACE_ACLCHECK(nsp, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
	{
		add_problem(&result, quote_identifier(schema), "no USAGE privilege on the schema");
		return result;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	for (i = 0; i < (int) lengthof(required_columns); i += 2)
	{
		const char *tab = required_columns[i];
		const char *cols = required_columns[i + 1];
		Oid			relid = get_relname_relid(tab, nsp);
		char	   *copy,
				   *tok,
				   *save;

		if (cols == NULL)
		{
			int			t;

			for (t = 0; t < T_NTABLES; t++)
				if (strcmp(table_names[t], tab) == 0)
					cols = table_columns[t];
		}
		snprintf(obj, sizeof(obj), "%s.%s", quote_identifier(schema), quote_identifier(tab));
		if (!OidIsValid(relid))
		{
			MemoryContext spi = MemoryContextSwitchTo(outer);

			add_problem(&result, obj, "table does not exist");
			MemoryContextSwitchTo(spi);
			continue;
		}
		copy = pstrdup(cols);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		{
			if (get_attnum(relid, tok) == InvalidAttrNumber)
			{
				char		o2[NAMEDATALEN * 4 + 8];
				MemoryContext spi;

				snprintf(o2, sizeof(o2), "%s.%s", obj, quote_identifier(tok));
				spi = MemoryContextSwitchTo(outer);
				add_problem(&result, o2, "column does not exist");
				MemoryContextSwitchTo(spi);
			}
		}
		/* primary key (collision detection, foreign keys) */
		values[0] = ObjectIdGetDatum(relid);
		{
			Oid			t1[1] = {OIDOID};

			spi_exec("SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1 AND contype = 'p'",
					 1, t1, values, SPI_OK_SELECT);
			if (SPI_processed == 0)
			{
				MemoryContext spi = MemoryContextSwitchTo(outer);

				add_problem(&result, obj, "primary key missing");
				MemoryContextSwitchTo(spi);
			}
		}
		/* one bit at a time: a mask of several passes if any one is granted */
		{
			static const AclMode modes[3] = {ACL_SELECT, ACL_INSERT, ACL_DELETE};
			static const char *const mode_names[3] = {"SELECT", "INSERT", "DELETE"};
			int			m;

			for (m = 0; m < 3; m++)
				if (pg_class_aclcheck(relid, GetUserId(), modes[m]) != ACLCHECK_OK)
				{
					MemoryContext spi = MemoryContextSwitchTo(outer);

					add_problem(&result, obj, psprintf("no %s privilege (generate and cleanup need SELECT, INSERT and DELETE)",
													   mode_names[m]));
					MemoryContextSwitchTo(spi);
				}
		}
	}

	/* unique indexes the data model's invariants rest on */
	for (i = 0; i < (int) lengthof(required_uniques); i += 2)
	{
		Oid			relid = get_relname_relid(required_uniques[i], nsp);
		Oid			t1[2] = {OIDOID, TEXTOID};

		if (!OidIsValid(relid))
			continue;
		values[0] = ObjectIdGetDatum(relid);
		values[1] = CStringGetTextDatum(required_uniques[i + 1]);
		spi_exec("SELECT 1 FROM pg_catalog.pg_index x"
				 " WHERE x.indrelid = $1 AND x.indisunique"
				 "   AND (SELECT string_agg(a.attname, ',' ORDER BY k.ord)"
				 "          FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(att, ord)"
				 "          JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att) = $2",
				 2, t1, values, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			MemoryContext spi;

			snprintf(obj, sizeof(obj), "%s.%s (%s)", quote_identifier(schema),
					 quote_identifier(required_uniques[i]), required_uniques[i + 1]);
			spi = MemoryContextSwitchTo(outer);
			add_problem(&result, obj, "unique index missing");
			MemoryContextSwitchTo(spi);
		}
	}

	/* the audit trigger */
	{
		Oid			relid = get_relname_relid("workflow_step_transitions", nsp);
		Oid			t1[1] = {OIDOID};

		if (OidIsValid(relid))
		{
			values[0] = ObjectIdGetDatum(relid);
			spi_exec("SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
					 " WHERE t.tgrelid = $1 AND NOT t.tgisinternal AND p.proname = 'create_step_result_audit'"
					 "   AND t.tgenabled <> 'D'",
					 1, t1, values, SPI_OK_SELECT);
			if (SPI_processed == 0)
			{
				MemoryContext spi;

				snprintf(obj, sizeof(obj), "%s.%s", quote_identifier(schema), "workflow_step_transitions");
				spi = MemoryContextSwitchTo(outer);
				add_problem(&result, obj, "enabled audit trigger calling create_step_result_audit() missing");
				MemoryContextSwitchTo(spi);
			}
		}
	}

	/* functions */
	for (i = 0; i < (int) lengthof(required_functions); i++)
	{
		values[0] = CStringGetTextDatum(schema);
		values[1] = CStringGetTextDatum(required_functions[i]);
		spi_exec("SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
				 " WHERE n.nspname = $1 AND p.proname = $2",
				 2, types, values, SPI_OK_SELECT);
		if (SPI_processed == 0)
		{
			MemoryContext spi;

			snprintf(obj, sizeof(obj), "%s.%s()", quote_identifier(schema), required_functions[i]);
			spi = MemoryContextSwitchTo(outer);
			add_problem(&result, obj, "function does not exist");
			MemoryContextSwitchTo(spi);
		}
	}
	/* uuid_generate_v7 (column defaults, transition_task_state_atomic): anywhere */
	spi_exec("SELECT 1 FROM pg_catalog.pg_proc WHERE proname IN ('uuid_generate_v7', 'uuidv7')",
			 0, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
	{
		MemoryContext spi = MemoryContextSwitchTo(outer);

		add_problem(&result, "uuid_generate_v7()", "function does not exist (primary-key defaults call it)");
		MemoryContextSwitchTo(spi);
	}

	SPI_finish();
	return result;
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

static void
require_target(const char *schema)
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

/* shape and state weights from the arguments; fills cfg and the stored forms */
static void
parse_mix(tb_plan_config *cfg, ArrayType *patterns, Jsonb *state_mix,
		  StringInfo patterns_out, StringInfo params)
{
	double		sw[TB_SHAPE_COUNT] = {0};
	double		tw[TB_TS_COUNT] = {0};
	int			i;

	if (patterns == NULL)
	{
		for (i = 0; i < TB_SHAPE_COUNT; i++)
			sw[i] = tb_default_shape_mix[i];
	}
	else
	{
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_NDIM(patterns) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("patterns must be a one-dimensional array")));
		deconstruct_array(patterns, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("patterns must not be empty"),
					 errhint("Pass NULL for all shapes, or some of: linear, diamond, complex_dag, tree, conditional, batch.")));
		for (i = 0; i < n; i++)
		{
			char	   *name;
			int			s;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("patterns must not contain NULL")));
			name = TextDatumGetCString(elems[i]);
			for (s = 0; s < TB_SHAPE_COUNT; s++)
				if (strcmp(name, tb_shape_names[s]) == 0)
					break;
			if (s == TB_SHAPE_COUNT)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown pattern \"%s\" in patterns", name),
						 errhint("Accepted patterns: linear, diamond, complex_dag, tree, conditional, batch.")));
			sw[s] = tb_default_shape_mix[s];
		}
	}
	(void) tb_plan_set_mix(cfg->shape_cum, sw, TB_SHAPE_COUNT);

	if (state_mix == NULL)
	{
		for (i = 0; i < TB_TS_COUNT; i++)
			tw[i] = tb_default_state_mix[i];
	}
	else
	{
		Oid			t1[1] = {JSONBOID};
		Datum		v[1];
		uint64		r;

		v[0] = JsonbPGetDatum(state_mix);
		spi_exec("SELECT jsonb_typeof($1)", 1, t1, v, SPI_OK_SELECT);
		if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "object") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("state_mix must be a JSON object"),
					 errdetail("Keys are task states, values non-negative numbers (proportions, normalised to their sum)."),
					 errhint("Example: '{\"complete\": 0.8, \"pending\": 0.1, \"error\": 0.1}'.")));
		spi_exec("SELECT key, jsonb_typeof(value), value::text FROM jsonb_each($1) ORDER BY key",
				 1, t1, v, SPI_OK_SELECT);
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			char	   *key = SPI_getvalue(tup, SPI_tuptable->tupdesc, 1);
			char	   *typ = SPI_getvalue(tup, SPI_tuptable->tupdesc, 2);
			char	   *val = SPI_getvalue(tup, SPI_tuptable->tupdesc, 3);
			int			s;
			double		w;

			for (s = 0; s < TB_TS_COUNT; s++)
				if (strcmp(key, tb_task_state_names[s]) == 0)
					break;
			if (s == TB_TS_COUNT)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown task state \"%s\" in state_mix", key),
						 errhint("Accepted keys: pending, initializing, enqueuing_steps, steps_in_process, evaluating_results, waiting_for_dependencies, waiting_for_retry, blocked_by_failures, complete, error, cancelled, resolved_manually.")));
			w = strcmp(typ, "number") == 0 ? strtod(val, NULL) : -1;
			if (!(w >= 0) || !isfinite(w) || w > 1e12)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("state_mix value for \"%s\" must be a non-negative number", key),
						 errdetail("Got %s.", val),
						 errhint("Values are proportions in [0, 1e12], normalised to their sum.")));
			tw[s] = w;
		}
	}
	if (!tb_plan_set_mix(cfg->state_cum, tw, TB_TS_COUNT))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("state_mix must give at least one state a positive proportion")));

	/* stored forms */
	appendStringInfoChar(patterns_out, '{');
	for (i = 0; i < TB_SHAPE_COUNT; i++)
		if (sw[i] > 0)
			appendStringInfo(patterns_out, "%s%s", patterns_out->len > 1 ? "," : "", tb_shape_names[i]);
	appendStringInfoChar(patterns_out, '}');

	appendStringInfoString(params, "\"shape_mix\": {");
	{
		double		tot = 0;
		int			n = 0;

		for (i = 0; i < TB_SHAPE_COUNT; i++)
			tot += sw[i];
		for (i = 0; i < TB_SHAPE_COUNT; i++)
			if (sw[i] > 0)
				appendStringInfo(params, "%s\"%s\": %.6g", n++ ? ", " : "", tb_shape_names[i], sw[i] / tot);
		appendStringInfoString(params, "}, \"state_mix\": {");
		tot = 0;
		n = 0;
		for (i = 0; i < TB_TS_COUNT; i++)
			tot += tw[i];
		for (i = 0; i < TB_TS_COUNT; i++)
			if (tw[i] > 0)
				appendStringInfo(params, "%s\"%s\": %.6g", n++ ? ", " : "", tb_task_state_names[i], tw[i] / tot);
		appendStringInfoString(params, "}");
	}
}

static void
check_tasks_arg(int64 tasks, const char *what)
{
	if (tasks < 1 || tasks > MAX_TASKS)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("tasks must be between 1 and %d", MAX_TASKS),
				 errdetail("Got %lld%s.", (long long) tasks, what),
				 errhint("Generate up to %d tasks per call; tas_bench.grow() extends a dataset.", MAX_TASKS)));
}

/* find a template row by name or create it; returns its uuid in out */
static void
find_or_create(gen_ctx *g, const char *kind, const char *find_sql, const char *insert_sql,
			   int nargs, Oid *types, Datum *values, const char *name, uint8 *out)
{
	char	   *schema_q = (char *) quote_identifier(g->schema);
	char	   *sql;

	sql = psprintf(find_sql, schema_q);
	spi_exec(sql, nargs - 2, types + 2, values + 2, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		memcpy(out, DatumGetUUIDP(d)->data, 16);
		return;
	}
	/* values[0] = uuid, values[1] = timestamp, values[2..] = identifying args */
	values[0] = uuid_datum(out);
	sql = psprintf(insert_sql, schema_q);
	spi_exec(sql, nargs, types, values, SPI_OK_INSERT);
	{
		Oid			t[4] = {NAMEOID, TEXTOID, TEXTOID, UUIDOID};
		Datum		v[4];

		v[0] = DirectFunctionCall1(namein, CStringGetDatum(g->schema));
		v[1] = CStringGetTextDatum(kind);
		v[2] = CStringGetTextDatum(name);
		v[3] = values[0];
		spi_exec("INSERT INTO " TB_SCHEMA ".dataset_templates (target_schema, kind, name, uuid)"
				 " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", 4, t, v, SPI_OK_INSERT);
	}
}

static void
setup_templates(gen_ctx *g)
{
	int			s,
				k;
	/* created a month before the anchor, i.e. before any of the tasks */
	Timestamp	ts = (Timestamp) (g->cfg.anchor - INT64CONST(30) * USECS_PER_DAY);

	for (s = 0; s < TB_SHAPE_COUNT; s++)
	{
		uint8		ns[16];
		char	   *nsname = psprintf("tas_bench_%s", tb_shape_names[s]);
		int			nn;
		const char *const *names = tb_shape_step_names(s, &nn);

		{
			Oid			t[4] = {UUIDOID, TIMESTAMPOID, TEXTOID, TEXTOID};
			Datum		v[4];

			uuid_from(ns, TEMPLATE_UUID_TS, fnv1a(nsname), 1);
			v[1] = TimestampGetDatum(ts);
			v[2] = CStringGetTextDatum(nsname);
			v[3] = CStringGetTextDatum(psprintf("tas_bench generated workflows: %s", tb_shape_names[s]));
			find_or_create(g, "task_namespace",
						   "SELECT task_namespace_uuid FROM %s.task_namespaces WHERE name = $1",
						   "INSERT INTO %s.task_namespaces (task_namespace_uuid, name, description, created_at, updated_at)"
						   " VALUES ($1, $3, $4, $2, $2)",
						   4, t, v, nsname, ns);
		}
		{
			Oid			t[4] = {UUIDOID, TIMESTAMPOID, UUIDOID, TEXTOID};
			Datum		v[4];

			uuid_from(g->named_task[s], TEMPLATE_UUID_TS, fnv1a(nsname), 2);
			v[1] = TimestampGetDatum(ts);
			v[2] = uuid_datum(ns);
			v[3] = CStringGetTextDatum(nsname);
			find_or_create(g, "named_task",
						   "SELECT named_task_uuid FROM %s.named_tasks WHERE task_namespace_uuid = $1 AND name = $2 AND version = '1.0.0'",
						   "INSERT INTO %s.named_tasks (named_task_uuid, task_namespace_uuid, name, description, version, configuration, created_at, updated_at)"
						   " VALUES ($1, $3, $4, 'tas_bench ' || $4 || ' workflow', '1.0.0',"
						   " '{\"lifecycle\": {\"max_waiting_for_dependencies_minutes\": 60, \"max_waiting_for_retry_minutes\": 30, \"max_steps_in_process_minutes\": 30}}', $2, $2)",
						   4, t, v, nsname, g->named_task[s]);
		}
		for (k = 0; k < nn; k++)
		{
			char	   *stname = psprintf("%s_%s", nsname, names[k]);
			Oid			t[3] = {UUIDOID, TIMESTAMPOID, TEXTOID};
			Datum		v[3];

			uuid_from(g->named_step[s][k], TEMPLATE_UUID_TS, fnv1a(stname), 3);
			v[1] = TimestampGetDatum(ts);
			v[2] = CStringGetTextDatum(stname);
			find_or_create(g, "named_step",
						   "SELECT named_step_uuid FROM %s.named_steps WHERE name = $1",
						   "INSERT INTO %s.named_steps (named_step_uuid, name, description, created_at, updated_at)"
						   " VALUES ($1, $3, 'tas_bench generated step', $2, $2)",
						   3, t, v, stname, g->named_step[s][k]);
		}
		for (k = 0; k < nn; k++)
		{
			char	   *mname = psprintf("%s/%s", nsname, names[k]);
			Oid			t[4] = {UUIDOID, TIMESTAMPOID, UUIDOID, UUIDOID};
			Datum		v[4];
			uint8		u[16];

			uuid_from(u, TEMPLATE_UUID_TS, fnv1a(mname), 4);
			v[1] = TimestampGetDatum(ts);
			v[2] = uuid_datum(g->named_task[s]);
			v[3] = uuid_datum(g->named_step[s][k]);
			find_or_create(g, "named_tasks_named_step",
						   "SELECT ntns_uuid FROM %s.named_tasks_named_steps WHERE named_task_uuid = $1 AND named_step_uuid = $2",
						   "INSERT INTO %s.named_tasks_named_steps (ntns_uuid, named_task_uuid, named_step_uuid, default_retryable, default_max_attempts, created_at, updated_at)"
						   " VALUES ($1, $3, $4, true, 3, $2, $2)",
						   4, t, v, mname, u);
		}
	}
}

/* look up target tables, check INSERT privilege */
static void
open_target(gen_ctx *g)
{
	int			t;

	g->nspoid = get_namespace_oid(g->schema, false);
	for (t = 0; t < T_NTABLES; t++)
	{
		g->relids[t] = get_relname_relid(table_names[t], g->nspoid);
		if (!OidIsValid(g->relids[t]))
			elog(ERROR, "table %s.%s vanished", g->schema, table_names[t]);
		if (pg_class_aclcheck(g->relids[t], GetUserId(), ACL_INSERT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, table_names[t]);
	}
	for (t = 0; t < N_PROCESSORS; t++)
		uuid_from(g->processor[t], g->cfg.anchor - INT64CONST(30) * USECS_PER_DAY, g->cfg.seed, 1000 + t);
	for (t = 0; t < N_WORKERS; t++)
		uuid_from(g->worker[t], g->cfg.anchor - INT64CONST(30) * USECS_PER_DAY, g->cfg.seed, 2000 + t);
}

/* error if task task_no of this configuration already exists */
static void
check_collision(gen_ctx *g, int64 task_no)
{
	tb_task_plan *p = palloc(sizeof(tb_task_plan));
	uint8		u[16];
	Oid			t[1] = {UUIDOID};
	Datum		v[1];
	char	   *sql;

	tb_plan_task(&g->cfg, task_no, p);
	tb_uuid7(u, p->created_at, p->uuid_rand);
	v[0] = uuid_datum(u);
	sql = psprintf("SELECT (tags->'tas_bench'->>'dataset') FROM %s.tasks WHERE task_uuid = $1",
				   quote_identifier(g->schema));
	spi_exec(sql, 1, t, v, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		char	   *other = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("a dataset with the same seed and anchor already exists in schema \"%s\"", g->schema),
				 errdetail("Task %lld would get the UUID of an existing task (dataset %s).",
						   (long long) task_no, other ? other : "unknown"),
				 errhint("Remove it with tas_bench.cleanup(%s), or pass a different seed or anchor.",
						 other ? other : "NULL")));
	}
	pfree(p);
}

/* generate tasks [from, to) */
static void
generate_range(gen_ctx *g, int64 from, int64 to)
{
	MemoryContext chunk_ctx,
				old;
	tb_progress pr;
	int64		start;

	chunk_ctx = AllocSetContextCreate(CurrentMemoryContext, "tas_bench generate chunk",
									  ALLOCSET_DEFAULT_SIZES);
	g->plans = MemoryContextAllocHuge(CurrentMemoryContext,
									  sizeof(tb_task_plan) * CHUNK_TASKS);
	initStringInfo(&g->buf);
	tb_progress_start(&pr, psprintf("generate dataset %lld", (long long) g->dataset_id));

	for (start = from; start < to; start += CHUNK_TASKS)
	{
		int64		end = Min(to, start + CHUNK_TASKS);
		int64		n;
		int			t;

		CHECK_FOR_INTERRUPTS();
		g->nplans = (int) (end - start);
		for (n = start; n < end; n++)
			tb_plan_task(&g->cfg, n, &g->plans[n - start]);
		old = MemoryContextSwitchTo(chunk_ctx);
		for (t = 0; t < T_NTABLES; t++)
			copy_table(g, t);
		MemoryContextSwitchTo(old);
		MemoryContextReset(chunk_ctx);
		tb_progress_tick(&pr, end - from, to - from);
	}
	tb_progress_finish(&pr);
	pfree(g->plans);
	g->plans = NULL;
	MemoryContextDelete(chunk_ctx);
}

static void
set_target_path(const char *schema)
{
	char	   *path = psprintf("%s, public", quote_identifier(schema));

	(void) set_config_option("search_path", path, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

static char *
rows_json(gen_ctx *g)
{
	StringInfoData s;
	int			t;

	initStringInfo(&s);
	appendStringInfoChar(&s, '{');
	for (t = 0; t < T_NTABLES; t++)
		appendStringInfo(&s, "\"%s\": %lld, ", table_names[t], (long long) g->rows[t]);
	appendStringInfo(&s, "\"workflow_step_result_audit\": %lld}", (long long) g->rows[T_NTABLES]);
	return s.data;
}

static double
elapsed_s(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/*
 * SQL: tas_bench.generate(tasks int, seed bigint DEFAULT 1,
 *		patterns text[] DEFAULT NULL, state_mix jsonb DEFAULT NULL,
 *		target_schema name DEFAULT 'tasker', anchor timestamptz DEFAULT NULL)
 *		RETURNS tas_bench.datasets
 * Generates a new dataset; anchor NULL = now().
 */
PG_FUNCTION_INFO_V1(tas_bench_generate);
Datum
tas_bench_generate(PG_FUNCTION_ARGS)
{
	gen_ctx    *g = palloc0(sizeof(gen_ctx));
	int64		tasks;
	StringInfoData patterns_s,
				params;
	int			nest;
	instr_time	t0;
	Datum		result;
	char	   *schema;

	INSTR_TIME_SET_CURRENT(t0);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tasks must not be null"),
				 errhint("Pass the number of tasks, between 1 and %d.", MAX_TASKS)));
	tasks = PG_GETARG_INT32(0);
	check_tasks_arg(tasks, "");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("seed must not be null"),
				 errhint("Pass any bigint; the same seed gives the same data.")));
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_schema must not be null"),
				 errhint("Pass the name of the schema holding the tasker tables, e.g. 'tasker'.")));
	schema = pstrdup(NameStr(*PG_GETARG_NAME(4)));
	g->schema = schema;
	g->cfg.seed = (uint64) PG_GETARG_INT64(1);
	g->cfg.anchor = PG_ARGISNULL(5) ? (int64) GetCurrentTransactionStartTimestamp() :
		(int64) PG_GETARG_TIMESTAMPTZ(5);
	g->cfg.window = WINDOW_US;

	if (!OidIsValid(get_namespace_oid(schema, true)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("target_schema \"%s\" does not exist", schema),
				 errhint("Pass the schema holding the tasker tables (default 'tasker'); load test/fixtures/tasker/tasker_schema.sql for a stand-in.")));
	require_target(schema);

	nest = NewGUCNestLevel();
	set_target_path(schema);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	initStringInfo(&patterns_s);
	initStringInfo(&params);
	parse_mix(&g->cfg, PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2),
			  PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3), &patterns_s, &params);
	open_target(g);
	check_collision(g, 0);
	setup_templates(g);

	/* the datasets row first: its id goes into the tags */
	{
		Oid			t[8] = {INT8OID, INT4OID, TEXTOID, JSONBOID, NAMEOID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
		Datum		v[8];
		bool		isnull;
		char	   *pj;

		pj = psprintf("{\"tasks\": %lld, \"seed\": %lld, %s, \"window\": \"7 days\","
					  " \"chunk_tasks\": %d, \"generator_version\": %d, \"extension_version\": \"%s\"}",
					  (long long) tasks, (long long) PG_GETARG_INT64(1), params.data,
					  CHUNK_TASKS, GENERATOR_VERSION, TAS_BENCH_VERSION);
		v[0] = Int64GetDatum(PG_GETARG_INT64(1));
		v[1] = Int32GetDatum((int32) tasks);
		v[2] = CStringGetTextDatum(patterns_s.data);
		v[3] = PG_ARGISNULL(3) ? (Datum) 0 : PointerGetDatum(PG_GETARG_JSONB_P(3));
		v[4] = DirectFunctionCall1(namein, CStringGetDatum(schema));
		v[5] = TimestampTzGetDatum((TimestampTz) g->cfg.anchor);
		v[6] = CStringGetTextDatum(pj);
		v[7] = (Datum) 0;
		if (PG_ARGISNULL(3))
		{
			StringInfoData dm;
			int			i;

			initStringInfo(&dm);
			appendStringInfoChar(&dm, '{');
			for (i = 0; i < TB_TS_COUNT; i++)
				appendStringInfo(&dm, "%s\"%s\": %g", i ? ", " : "", tb_task_state_names[i], tb_default_state_mix[i]);
			appendStringInfoChar(&dm, '}');
			t[3] = TEXTOID;
			v[3] = CStringGetTextDatum(dm.data);
		}
		spi_exec("INSERT INTO " TB_SCHEMA ".datasets (seed, tasks, patterns, state_mix, target_schema, anchor, parameters)"
				 " VALUES ($1, $2, $3::text[], $4::jsonb, $5, $6, $7::jsonb) RETURNING dataset_id",
				 7, t, v, SPI_OK_INSERT_RETURNING);
		g->dataset_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}

	generate_range(g, 0, tasks);

	{
		Oid			t[3] = {INT8OID, TEXTOID, FLOAT8OID};
		Datum		v[3];

		v[0] = Int64GetDatum(g->dataset_id);
		v[1] = CStringGetTextDatum(rows_json(g));
		v[2] = Float8GetDatum(elapsed_s(t0));
		spi_exec("UPDATE " TB_SCHEMA ".datasets SET rows_written = $2::jsonb, seconds = $3"
				 " WHERE dataset_id = $1 RETURNING *", 3, t, v, SPI_OK_UPDATE_RETURNING);
		result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
	}
	SPI_finish();
	AtEOXact_GUC(true, nest);
	PG_RETURN_DATUM(result);
}

/*
 * SQL: tas_bench.grow(dataset_id bigint, tasks int) RETURNS tas_bench.datasets
 * Extends a dataset to tasks tasks: the new tasks are exactly those
 * generate() with the same arguments would have made beyond the old size.
 */
PG_FUNCTION_INFO_V1(tas_bench_grow);
Datum
tas_bench_grow(PG_FUNCTION_ARGS)
{
	gen_ctx    *g = palloc0(sizeof(gen_ctx));
	int64		id,
				tasks,
				old_tasks;
	int			nest;
	instr_time	t0;
	Datum		result;
	StringInfoData patterns_s,
				params;
	ArrayType  *patterns;
	Jsonb	   *state_mix;
	bool		isnull;

	INSTR_TIME_SET_CURRENT(t0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dataset_id and tasks must not be null"),
				 errhint("Call tas_bench.grow(dataset_id, tasks) with the new total number of tasks.")));
	id = PG_GETARG_INT64(0);
	tasks = PG_GETARG_INT32(1);
	check_tasks_arg(tasks, "");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	{
		Oid			t[1] = {INT8OID};
		Datum		v[1];
		TupleDesc	td;
		HeapTuple	tup;
		MemoryContext spi;

		v[0] = Int64GetDatum(id);
		spi_exec("SELECT seed, tasks, patterns, state_mix, target_schema, anchor FROM " TB_SCHEMA ".datasets"
				 " WHERE dataset_id = $1 FOR UPDATE", 1, t, v, SPI_OK_SELECT);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dataset_id %lld does not exist", (long long) id),
					 errhint("See SELECT dataset_id, tasks FROM tas_bench.datasets.")));
		td = SPI_tuptable->tupdesc;
		tup = SPI_tuptable->vals[0];
		g->cfg.seed = (uint64) DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull));
		old_tasks = DatumGetInt32(SPI_getbinval(tup, td, 2, &isnull));
		spi = MemoryContextSwitchTo(TopTransactionContext);
		patterns = DatumGetArrayTypePCopy(SPI_getbinval(tup, td, 3, &isnull));
		state_mix = DatumGetJsonbPCopy(SPI_getbinval(tup, td, 4, &isnull));
		g->schema = pstrdup(NameStr(*DatumGetName(SPI_getbinval(tup, td, 5, &isnull))));
		MemoryContextSwitchTo(spi);
		g->cfg.anchor = DatumGetTimestampTz(SPI_getbinval(tup, td, 6, &isnull));
		g->cfg.window = WINDOW_US;
	}
	if (tasks <= old_tasks)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tasks must be larger than the dataset's current size"),
				 errdetail("Dataset %lld has %lld tasks; got %lld.", (long long) id,
						   (long long) old_tasks, (long long) tasks),
				 errhint("Pass the new total, between %lld and %d.", (long long) old_tasks + 1, MAX_TASKS)));
	SPI_finish();

	require_target(g->schema);
	nest = NewGUCNestLevel();
	set_target_path(g->schema);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	initStringInfo(&patterns_s);
	initStringInfo(&params);
	/* stored state_mix is the default object when none was given: same weights */
	parse_mix(&g->cfg, patterns, state_mix, &patterns_s, &params);
	g->dataset_id = id;
	open_target(g);
	check_collision(g, old_tasks);
	setup_templates(g);

	generate_range(g, old_tasks, tasks);

	{
		Oid			t[4] = {INT8OID, TEXTOID, FLOAT8OID, INT4OID};
		Datum		v[4];

		v[0] = Int64GetDatum(id);
		v[1] = CStringGetTextDatum(rows_json(g));
		v[2] = Float8GetDatum(elapsed_s(t0));
		v[3] = Int32GetDatum((int32) tasks);
		spi_exec("UPDATE " TB_SCHEMA ".datasets d SET tasks = $4, seconds = coalesce(seconds, 0) + $3, grown_at = clock_timestamp(),"
				 " rows_written = (SELECT jsonb_object_agg(e.key, coalesce((d.rows_written->>e.key)::bigint, 0) + e.value::bigint)"
				 "                   FROM jsonb_each_text($2::jsonb) e)"
				 " WHERE dataset_id = $1 RETURNING *", 4, t, v, SPI_OK_UPDATE_RETURNING);
		result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
	}
	SPI_finish();
	AtEOXact_GUC(true, nest);
	PG_RETURN_DATUM(result);
}

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
	spi_exec("SELECT 1 FROM pg_catalog.pg_constraint c"
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
		int			ret;

		CHECK_FOR_INTERRUPTS();
		ret = SPI_execute(sql, false, 0);
		if (ret != SPI_OK_DELETE)
			elog(ERROR, "SPI_execute failed (%d): %s", ret, sql);
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

		if (SPI_execute(sql, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "SPI_execute failed: %s", sql);
		total += (int64) SPI_processed;
	}
	{
		char	   *sql = psprintf(forget, s, lit);

		if (SPI_execute(sql, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "SPI_execute failed: %s", sql);
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
	Oid			t[1] = {INT8OID};
	Datum		v[1];
	MemoryContext outer = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (all)
		spi_exec("SELECT dataset_id, target_schema::text FROM " TB_SCHEMA ".datasets ORDER BY dataset_id FOR UPDATE",
				 0, NULL, NULL, SPI_OK_SELECT);
	else
	{
		v[0] = Int64GetDatum(PG_GETARG_INT64(0));
		spi_exec("SELECT dataset_id, target_schema::text FROM " TB_SCHEMA ".datasets WHERE dataset_id = $1 FOR UPDATE",
				 1, t, v, SPI_OK_SELECT);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dataset_id %lld does not exist", (long long) PG_GETARG_INT64(0)),
					 errhint("See SELECT dataset_id FROM tas_bench.datasets; NULL removes all datasets.")));
	}
	n = SPI_processed;
	ids = MemoryContextAlloc(outer, sizeof(int64) * (n + 1));
	schemas = MemoryContextAlloc(outer, sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		schemas[i] = MemoryContextStrdup(outer, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
	}

	for (i = 0; i < n; i++)
	{
		int			nest;

		if (!OidIsValid(get_namespace_oid(schemas[i], true)))
		{
			ereport(NOTICE,
					(errmsg("schema \"%s\" of dataset %lld no longer exists; forgetting the dataset",
							schemas[i], (long long) ids[i])));
		}
		else
		{
			nest = NewGUCNestLevel();
			set_target_path(schemas[i]);
			if (can_skip_fk_checks(get_namespace_oid(schemas[i], false)))
				(void) set_config_option("session_replication_role", "replica",
										 PGC_SUSET, PGC_S_SESSION,
										 GUC_ACTION_SAVE, true, 0, false);
			total += cleanup_dataset(schemas[i], ids[i]);
			AtEOXact_GUC(true, nest);
		}
		v[0] = Int64GetDatum(ids[i]);
		spi_exec("DELETE FROM " TB_SCHEMA ".datasets WHERE dataset_id = $1", 1, t, v, SPI_OK_DELETE);
	}

	if (all)
	{
		spi_exec("SELECT DISTINCT target_schema::text FROM " TB_SCHEMA ".dataset_templates",
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
				spi_exec("DELETE FROM " TB_SCHEMA ".dataset_templates WHERE target_schema = $1::name",
						 1, tn, vn, SPI_OK_DELETE);
				continue;
			}
			total += cleanup_templates(schemas[i]);
		}
	}
	SPI_finish();
	PG_RETURN_INT64(total);
}
