/*-------------------------------------------------------------------------
 *
 * gen_rows.c
 *	  Row text of the generated dataset: the COPY data (text format) of
 *	  tasks, workflow_steps, workflow_step_edges, task_transitions and
 *	  workflow_step_transitions, produced one task at a time from its plan.
 *
 * Identity: UUIDs are v7, built from the row's own timestamp (unix ms) and
 * random bits from the task's PRNG stream; identity_hash is a 64-bit hash of
 * (seed, anchor, task number) in lower-case hex without padding.  The rows
 * of a table that need random bits of their own draw them from the table's
 * stream of the task, tb_prng_mix(task stream, 100 + table), in row order,
 * so one table's rows do not depend on another's.
 *
 * Tagging: every task has source_system 'tas_bench' and
 * tags {"tas_bench": {"dataset": <id>, "shape": <shape>, "task_no": <n>}}.
 * The dataset id is the only value that differs between two generations
 * with the same arguments (the rows are otherwise identical).
 *
 * Timestamps: microseconds since 2000-01-01 of the anchor taken as UTC wall
 * clock, formatted here (no time zone conversion).
 *
 * IDENTIFICATION
 *	  src/tasker/gen_rows.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "miscadmin.h"

#include "core/prng.h"
#include "tasker/datagen.h"
#include "tasker/dagshape.h"

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

/* workflow_steps.inputs: batch workers get their cursor, other steps NULL */
static void
put_step_inputs(StringInfo b, const tb_task_plan *p, const tb_step_plan *s,
				const char *const *names)
{
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
}

/* workflow_steps.results: NULL until the step ran, then success or error */
static void
put_step_results(StringInfo b, const tb_step_plan *s, const uint8 *su,
				 const char *const *names)
{
	if (!s->has_results)
	{
		PUT(b, "\\N");
		return;
	}
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

static void
put_int_or_null(StringInfo b, int64 v)
{
	if (v < 0)
		PUT(b, "\\N");
	else
		put_int(b, v);
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
		put_int_or_null(b, s->attempts);
		TAB(b);
		put_ts_or_null(b, s->last_attempted_at);
		TAB(b);
		put_int_or_null(b, s->backoff);
		TAB(b);
		put_step_inputs(b, p, s, names);
		TAB(b);
		put_step_results(b, s, su, names);
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

/*
 * workflow_step_transitions.metadata: the event as a JSON object, success
 * and time at its top level; counts the audit row the trigger will add
 */
static void
put_step_trans_metadata(gen_ctx *g, StringInfo b, const tb_trans *t,
						int worker, const uint8 *corr)
{
	int			to = t->to;
	bool		by_worker = (to == TB_SS_IN_PROGRESS ||
							 to == TB_SS_ENQUEUED_FOR_ORCHESTRATION ||
							 to == TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION);

	PUT(b, "{\"event\": {\"type\": \"");
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
	PUT(b, "}");
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

			put_uuid7_r(b, t->at, &r);
			TAB(b);
			put_uuid(b, su);
			TAB(b);
			appendStringInfoString(b, tb_step_state_names[t->to]);
			TAB(b);
			if (k == 0)
				PUT(b, "\\N");
			else
				appendStringInfoString(b, tb_step_state_names[s->trans[k - 1].to]);
			TAB(b);
			put_step_trans_metadata(g, b, t, worker, corr);
			TAB(b);
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

/*
 * The audit rows upstream's trigger (create_step_result_audit) inserts for
 * the task's step transitions into enqueued_for_orchestration and
 * enqueued_as_error_for_orchestration: step, transition, task, the worker
 * and correlation id of the transition's metadata, the event's success and
 * execution time.  The audit row's own key and its now() columns are left
 * to the target's column defaults, as in the trigger's INSERT.  Walks the
 * transitions exactly as emit_step_trans does (same PRNG draws), so the
 * transition UUIDs are the same; the rows are counted there.  The key is
 * computed here from the column's default expression (gen_bulk.c) rather
 * than by COPY, because COPY inserts one row at a time into a table with a
 * volatile default it has to fill.
 */
static void
emit_audit(gen_ctx *g, const tb_task_plan *p, StringInfo b)
{
	tb_prng		r;
	uint8		corr[16];
	uint8		tu[16];
	int			i,
				k;

	tb_prng_seed(&r, tb_prng_mix(p->stream, 100 + T_STEP_TRANS));
	tb_uuid7(corr, p->created_at, p->corr_rand);
	tb_uuid7(tu, p->created_at, p->uuid_rand);
	for (i = 0; i < p->dag.nsteps; i++)
	{
		const tb_step_plan *s = &p->steps[i];
		uint8		su[16];
		int			worker = (int) tb_prng_range(&r, 0, N_WORKERS - 1);

		step_uuid(g, s, su);
		for (k = 0; k < s->ntrans; k++)
		{
			const tb_trans *t = &s->trans[k];
			uint64_t	rnd[2];

			rnd[0] = tb_prng_u64(&r);
			rnd[1] = tb_prng_u64(&r);
			if (t->to != TB_SS_ENQUEUED_FOR_ORCHESTRATION &&
				t->to != TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION)
				continue;
			if (g->audit_key)
			{
				tb_gen_put_audit_key(g, b);
				TAB(b);
			}
			put_uuid(b, su);
			TAB(b);
			put_uuid7(b, t->at, rnd);
			TAB(b);
			put_uuid(b, tu);
			TAB(b);
			put_uuid(b, g->worker[worker]);
			TAB(b);
			put_uuid(b, corr);
			TAB(b);
			appendStringInfoChar(b, t->to == TB_SS_ENQUEUED_FOR_ORCHESTRATION ? 't' : 'f');
			TAB(b);
			put_int(b, t->exec_ms);
			appendStringInfoChar(b, '\n');
		}
	}
}

/*
 * Produce the rows of the next task of the chunk for the table of the
 * current COPY; false at the end of the chunk.
 */
bool
tb_gen_produce_more(gen_ctx *g)
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
		case T_AUDIT:
			emit_audit(g, p, &g->buf);
			break;
	}
	return true;
}
