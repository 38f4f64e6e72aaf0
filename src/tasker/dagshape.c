/*-------------------------------------------------------------------------
 *
 * dagshape.c
 *	  Workflow shapes and per-task plans for the dataset generator (pure C).
 *
 * See dagshape.h for the shapes, the consistency rules and the timing
 * model.  Nothing here allocates: a tb_task_plan is a fixed-size struct the
 * caller owns, and everything in it is derived from (config, task number)
 * through the task's own PRNG stream, so the same task comes out identical
 * whenever and in whatever order it is derived.
 *
 * Timing model: a task's history is simulated on a clock relative to its
 * creation (offset 0), level by level of the DAG (enqueue, claim, execute,
 * report, evaluate); afterwards the whole task is shifted so that it has
 * been in its current state for a time drawn per state (recent for the
 * working set, so that discovery's staleness windows see most of it; spread
 * over the window for finished tasks) and nothing lies after the anchor.
 *
 * IDENTIFICATION
 *	  src/tasker/dagshape.c
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "tasker/dagshape.h"

#define MS	INT64_C(1000)
#define SEC INT64_C(1000000)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

const char *const tb_shape_names[TB_SHAPE_COUNT] = {
	"linear", "diamond", "complex_dag", "tree", "conditional", "batch"
};

const char *const tb_edge_kind_names[3] = {
	"provides", "batch_dependency", "worker_to_convergence"
};

const char *const tb_task_state_names[TB_TS_COUNT] = {
	"pending", "initializing", "enqueuing_steps", "steps_in_process",
	"evaluating_results", "waiting_for_dependencies", "waiting_for_retry",
	"blocked_by_failures", "complete", "error", "cancelled", "resolved_manually"
};

const char *const tb_step_state_names[TB_SS_COUNT] = {
	"pending", "enqueued", "in_progress", "enqueued_for_orchestration",
	"enqueued_as_error_for_orchestration", "waiting_for_retry", "complete",
	"error", "cancelled", "resolved_manually"
};

/* upstream's factory mix (linear 30, diamond 25, ...) spread over six shapes */
const double tb_default_shape_mix[TB_SHAPE_COUNT] = {
	0.25, 0.20, 0.15, 0.15, 0.13, 0.12
};

/* a busy production system: mostly complete, a working set, some failures */
const double tb_default_state_mix[TB_TS_COUNT] = {
	0.06,						/* pending */
	0.01,						/* initializing */
	0.01,						/* enqueuing_steps */
	0.05,						/* steps_in_process */
	0.01,						/* evaluating_results */
	0.05,						/* waiting_for_dependencies */
	0.04,						/* waiting_for_retry */
	0.03,						/* blocked_by_failures */
	0.70,						/* complete */
	0.02,						/* error */
	0.015,						/* cancelled */
	0.005						/* resolved_manually */
};

static const char *const names_linear[] = {"step_1", "step_2", "step_3", "step_4"};
static const char *const names_diamond[] = {"start", "branch_b", "branch_c", "end"};
static const char *const names_dag[] = {
	"init", "left", "right", "validate", "transform", "analyze", "finalize"
};
static const char *const names_tree[] = {
	"root", "left", "right", "left_d", "left_e", "right_f", "right_g",
	"final_convergence"
};
static const char *const names_conditional[] = {
	"validate_request", "routing_decision", "auto_approve", "manager_approval",
	"finance_review", "finalize_approval"
};
static const char *const names_batch[] = {
	"analyze_csv",
	"process_csv_batch_000", "process_csv_batch_001", "process_csv_batch_002",
	"process_csv_batch_003", "process_csv_batch_004", "process_csv_batch_005",
	"process_csv_batch_006", "process_csv_batch_007", "process_csv_batch_008",
	"process_csv_batch_009", "process_csv_batch_010",
	"aggregate_csv_results"
};

#define LEN(a) ((int) (sizeof(a) / sizeof((a)[0])))

const char *const *
tb_shape_step_names(int shape, int *n)
{
	switch (shape)
	{
		case TB_SHAPE_LINEAR:
			*n = LEN(names_linear);
			return names_linear;
		case TB_SHAPE_DIAMOND:
			*n = LEN(names_diamond);
			return names_diamond;
		case TB_SHAPE_DAG:
			*n = LEN(names_dag);
			return names_dag;
		case TB_SHAPE_TREE:
			*n = LEN(names_tree);
			return names_tree;
		case TB_SHAPE_CONDITIONAL:
			*n = LEN(names_conditional);
			return names_conditional;
		case TB_SHAPE_BATCH:
			*n = LEN(names_batch);
			return names_batch;
	}
	*n = 0;
	return NULL;
}

/* ---------------------------------------------------------------- shapes */

static int
add_step(tb_dag *d, int name_idx)
{
	d->name_idx[d->nsteps] = (uint8_t) name_idx;
	return d->nsteps++;
}

static void
add_edge(tb_dag *d, int from, int to, int kind)
{
	d->edges[d->nedges].from = (uint8_t) from;
	d->edges[d->nedges].to = (uint8_t) to;
	d->edges[d->nedges].kind = (uint8_t) kind;
	d->nedges++;
}

/* longest path from a root; valid because every edge has from < to */
static void
compute_levels(tb_dag *d)
{
	int			i,
				e;

	for (i = 0; i < d->nsteps; i++)
	{
		d->level[i] = 0;
		for (e = 0; e < d->nedges; e++)
			if (d->edges[e].to == i && d->level[d->edges[e].from] + 1 > d->level[i])
				d->level[i] = d->level[d->edges[e].from] + 1;
	}
}

void
tb_dag_build(tb_dag *d, int shape, int variant)
{
	int			a, b, c, e, f, g, h;

	memset(d, 0, sizeof(*d));
	d->shape = (uint8_t) shape;
	switch (shape)
	{
		case TB_SHAPE_LINEAR:
			for (a = 0; a < 4; a++)
			{
				add_step(d, a);
				if (a > 0)
					add_edge(d, a - 1, a, TB_EDGE_PROVIDES);
			}
			break;
		case TB_SHAPE_DIAMOND:
			a = add_step(d, 0);
			b = add_step(d, 1);
			c = add_step(d, 2);
			e = add_step(d, 3);
			add_edge(d, a, b, TB_EDGE_PROVIDES);
			add_edge(d, a, c, TB_EDGE_PROVIDES);
			add_edge(d, b, e, TB_EDGE_PROVIDES);
			add_edge(d, c, e, TB_EDGE_PROVIDES);
			break;
		case TB_SHAPE_DAG:
			/* init -> {left, right}; left -> {validate, transform};
			 * right -> {validate, analyze}; {validate, transform, analyze} -> finalize */
			for (a = 0; a < 7; a++)
				add_step(d, a);
			add_edge(d, 0, 1, TB_EDGE_PROVIDES);
			add_edge(d, 0, 2, TB_EDGE_PROVIDES);
			add_edge(d, 1, 3, TB_EDGE_PROVIDES);
			add_edge(d, 1, 4, TB_EDGE_PROVIDES);
			add_edge(d, 2, 3, TB_EDGE_PROVIDES);
			add_edge(d, 2, 5, TB_EDGE_PROVIDES);
			add_edge(d, 3, 6, TB_EDGE_PROVIDES);
			add_edge(d, 4, 6, TB_EDGE_PROVIDES);
			add_edge(d, 5, 6, TB_EDGE_PROVIDES);
			break;
		case TB_SHAPE_TREE:
			/* root -> {left, right}; left -> {d, e}; right -> {f, g};
			 * {d, e, f, g} -> final_convergence */
			for (a = 0; a < 8; a++)
				add_step(d, a);
			add_edge(d, 0, 1, TB_EDGE_PROVIDES);
			add_edge(d, 0, 2, TB_EDGE_PROVIDES);
			add_edge(d, 1, 3, TB_EDGE_PROVIDES);
			add_edge(d, 1, 4, TB_EDGE_PROVIDES);
			add_edge(d, 2, 5, TB_EDGE_PROVIDES);
			add_edge(d, 2, 6, TB_EDGE_PROVIDES);
			for (a = 3; a < 7; a++)
				add_edge(d, a, 7, TB_EDGE_PROVIDES);
			break;
		case TB_SHAPE_CONDITIONAL:
			/* validate_request -> routing_decision (decision point), then
			 * one branch set, then finalize_approval */
			a = add_step(d, 0);
			b = add_step(d, 1);
			add_edge(d, a, b, TB_EDGE_PROVIDES);
			d->ninit = 2;
			if (variant < 0 || variant > 2)
				variant = 0;
			d->branch = (uint8_t) variant;
			if (variant == 0)
			{
				c = add_step(d, 2);
				add_edge(d, b, c, TB_EDGE_PROVIDES);
				f = add_step(d, 5);
				add_edge(d, c, f, TB_EDGE_PROVIDES);
			}
			else if (variant == 1)
			{
				c = add_step(d, 3);
				add_edge(d, b, c, TB_EDGE_PROVIDES);
				f = add_step(d, 5);
				add_edge(d, c, f, TB_EDGE_PROVIDES);
			}
			else
			{
				c = add_step(d, 3);
				e = add_step(d, 4);
				add_edge(d, b, c, TB_EDGE_PROVIDES);
				add_edge(d, b, e, TB_EDGE_PROVIDES);
				f = add_step(d, 5);
				add_edge(d, c, f, TB_EDGE_PROVIDES);
				add_edge(d, e, f, TB_EDGE_PROVIDES);
			}
			break;
		case TB_SHAPE_BATCH:
			/* batchable analyzer -> N workers -> aggregator */
			if (variant < 0 || variant > TB_BATCH_MAX_WORKERS)
				variant = 0;
			d->workers = (uint8_t) variant;
			a = add_step(d, 0);
			d->ninit = 1;
			g = variant == 0 ? 1 : variant;
			for (h = 0; h < g; h++)
				add_step(d, variant == 0 ? 1 : 1 + (h + 1));
			f = add_step(d, LEN(names_batch) - 1);
			for (h = 0; h < g; h++)
			{
				add_edge(d, a, 1 + h, TB_EDGE_BATCH_DEPENDENCY);
				add_edge(d, 1 + h, f, TB_EDGE_WORKER_TO_CONVERGENCE);
			}
			break;
	}
	if (d->ninit == 0)
		d->ninit = d->nsteps;
	compute_levels(d);
}

void
tb_dag_truncate(tb_dag *d, int n)
{
	int			e,
				k = 0;

	if (n >= d->nsteps)
		return;
	for (e = 0; e < d->nedges; e++)
		if (d->edges[e].from < n && d->edges[e].to < n)
			d->edges[k++] = d->edges[e];
	d->nedges = (uint8_t) k;
	d->nsteps = (uint8_t) n;
	if (d->ninit > n)
		d->ninit = (uint8_t) n;
}

int
tb_dag_check(const tb_dag *d)
{
	int			indeg[TB_DAG_MAX_STEPS];
	int			queue[TB_DAG_MAX_STEPS];
	int			head = 0,
				tail = 0,
				i,
				e;

	if (d->nsteps > TB_DAG_MAX_STEPS || d->nedges > TB_DAG_MAX_EDGES)
		return 0;
	for (i = 0; i < d->nsteps; i++)
		indeg[i] = 0;
	for (e = 0; e < d->nedges; e++)
	{
		if (d->edges[e].from >= d->nsteps || d->edges[e].to >= d->nsteps ||
			d->edges[e].from == d->edges[e].to)
			return 0;
		indeg[d->edges[e].to]++;
	}
	for (i = 0; i < d->nsteps; i++)
		if (indeg[i] == 0)
			queue[tail++] = i;
	while (head < tail)
	{
		int			v = queue[head++];

		for (e = 0; e < d->nedges; e++)
			if (d->edges[e].from == v && --indeg[d->edges[e].to] == 0)
				queue[tail++] = d->edges[e].to;
	}
	return tail == d->nsteps;
}

/* ----------------------------------------------------------------- plans */

int
tb_plan_set_mix(double *cum, const double *weights, int n)
{
	double		total = 0;
	double		run = 0;
	int			i,
				last = -1;

	for (i = 0; i < n; i++)
	{
		if (!(weights[i] >= 0) || weights[i] > 1e12)
			return 0;
		total += weights[i];
		if (weights[i] > 0)
			last = i;
	}
	if (!(total > 0))
		return 0;
	for (i = 0; i < n; i++)
	{
		run += weights[i];
		cum[i] = run / total;
	}
	/* exact 1 from the last non-zero weight on, so a draw in [0,1) always hits */
	for (i = last; i < n; i++)
		cum[i] = 1.0;
	return 1;
}

static int
pick(tb_prng *r, const double *cum, int n)
{
	double		u = tb_prng_double(r);
	int			i;

	for (i = 0; i < n; i++)
		if (u < cum[i])
			return i;
	return n - 1;
}

static int64_t
urange(tb_prng *r, int64_t lo, int64_t hi)
{
	return (int64_t) tb_prng_range(r, (uint64_t) lo, (uint64_t) hi);
}

/* append a task transition; times increase strictly (>= 1 ms apart) */
static int64_t
task_add(tb_task_plan *p, int to, int64_t at)
{
	if (p->ntrans > 0 && at < p->trans[p->ntrans - 1].at + MS)
		at = p->trans[p->ntrans - 1].at + MS;
	if (p->ntrans >= TB_PLAN_MAX_TASK_TRANS)
		return at;				/* cannot happen: bounded by levels */
	p->trans[p->ntrans].at = at;
	p->trans[p->ntrans].to = (uint8_t) to;
	p->trans[p->ntrans].exec_ms = 0;
	p->ntrans++;
	return at;
}

static int64_t
step_add(tb_step_plan *s, int to, int64_t at, int32_t exec_ms)
{
	if (s->ntrans > 0 && at < s->trans[s->ntrans - 1].at + MS)
		at = s->trans[s->ntrans - 1].at + MS;
	if (s->ntrans >= TB_PLAN_MAX_STEP_TRANS)
		return at;				/* cannot happen: attempts are bounded */
	s->trans[s->ntrans].at = at;
	s->trans[s->ntrans].to = (uint8_t) to;
	s->trans[s->ntrans].exec_ms = exec_ms;
	s->ntrans++;
	s->state = (uint8_t) to;
	return at;
}

static int64_t
step_last(const tb_step_plan *s)
{
	return s->trans[s->ntrans - 1].at;
}

/* execution time in ms: mostly short, a long tail */
static int32_t
exec_time(tb_prng *r)
{
	if (tb_prng_bernoulli(r, 0.8))
		return (int32_t) urange(r, 15, 2000);
	return (int32_t) urange(r, 2000, 90000);
}

/*
 * One attempt from pending: enqueue, claim, execute, report.  Leaves the
 * step in enqueued_for_orchestration or enqueued_as_error_for_orchestration
 * (or earlier, when stop_at says so) and returns the time of the last row.
 */
static int64_t
attempt(tb_prng *r, tb_step_plan *s, int64_t t, int success, int stop_at)
{
	int32_t		ms;

	t = step_add(s, TB_SS_ENQUEUED, t + urange(r, 1 * MS, 200 * MS), 0);
	if (stop_at == TB_SS_ENQUEUED)
		return t;
	t = step_add(s, TB_SS_IN_PROGRESS, t + urange(r, 5 * MS, 3 * SEC), 0);
	s->attempts = (int16_t) (s->attempts < 0 ? 1 : s->attempts + 1);
	s->last_attempted_at = t;
	if (stop_at == TB_SS_IN_PROGRESS)
		return t;
	ms = exec_time(r);
	s->exec_ms = ms;
	t = step_add(s, success ? TB_SS_ENQUEUED_FOR_ORCHESTRATION :
				 TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION,
				 t + (int64_t) ms * MS, ms);
	s->has_results = 1;
	s->failed = !success;
	if (!success)
	{
		s->error_retryable = s->retryable;
		s->status_code = 0;
		if (tb_prng_bernoulli(r, 0.3))
		{
			static const int16_t codes[] = {429, 500, 502, 503, 504};

			s->status_code = codes[urange(r, 0, 4)];
		}
	}
	return t;
}

/* after a retryable failure: back off and return to pending */
static int64_t
retry_cycle(tb_prng *r, tb_step_plan *s, int64_t t, int back_to_pending)
{
	int32_t		b = 1 << (s->attempts < 5 ? s->attempts : 5);

	if (b > 30)
		b = 30;
	b += (int32_t) urange(r, 0, b);	/* jitter */
	t = step_add(s, TB_SS_WAITING_FOR_RETRY, t + urange(r, 2 * MS, 80 * MS), 0);
	s->backoff = b;
	s->last_attempted_at = t;
	if (back_to_pending)
		t = step_add(s, TB_SS_PENDING, t + (int64_t) b * SEC + urange(r, 0, 500 * MS), 0);
	return t;
}

enum outcome
{
	OUT_PENDING,
	OUT_ENQUEUED,
	OUT_IN_PROGRESS,
	OUT_EO,
	OUT_EE,
	OUT_COMPLETE,
	OUT_WAIT_RETRY,
	OUT_ERROR,
	OUT_CANCEL,
	OUT_RESOLVED
};

/*
 * Run one step from time t to its outcome; returns the time of its last
 * row.  *first_fail / *first_retry get the earliest failure and retry times
 * (for the task's own waiting_for_retry detour).
 */
static int64_t
run_step(tb_prng *r, tb_step_plan *s, int64_t t, int out,
		 int64_t *first_fail, int64_t *first_retry)
{
	int			k,
				fails;

	switch (out)
	{
		case OUT_PENDING:
		case OUT_CANCEL:
			if (out == OUT_CANCEL && tb_prng_bernoulli(r, 0.5))
				t = attempt(r, s, t, 1, TB_SS_ENQUEUED);
			return step_last(s);
		case OUT_ENQUEUED:
		case OUT_IN_PROGRESS:
		case OUT_EO:
		case OUT_COMPLETE:
			fails = 0;
			if (s->retryable && s->max_attempts > 1 && tb_prng_bernoulli(r, 0.10))
				fails = (s->max_attempts > 2 && tb_prng_bernoulli(r, 0.2)) ? 2 : 1;
			for (k = 0; k < fails; k++)
			{
				t = attempt(r, s, t, 0, -1);
				if (*first_fail == TB_NULL_TS || t < *first_fail)
					*first_fail = t;
				t = retry_cycle(r, s, t, 1);
				if (*first_retry == TB_NULL_TS || t < *first_retry)
					*first_retry = t;
			}
			t = attempt(r, s, t, 1,
						out == OUT_ENQUEUED ? TB_SS_ENQUEUED :
						out == OUT_IN_PROGRESS ? TB_SS_IN_PROGRESS : -1);
			if (out == OUT_COMPLETE)
			{
				t = step_add(s, TB_SS_COMPLETE, t + urange(r, 1 * MS, 150 * MS), 0);
				s->processed = 1;
				s->processed_at = t;
			}
			if (out == OUT_ENQUEUED || out == OUT_IN_PROGRESS)
			{
				/* results of an earlier failed attempt stay */
			}
			else
				s->failed = 0;
			return t;
		case OUT_EE:
			/* a failed attempt reported, not yet processed by orchestration */
			t = attempt(r, s, t, 0, -1);
			if (*first_fail == TB_NULL_TS || t < *first_fail)
				*first_fail = t;
			return t;
		case OUT_WAIT_RETRY:
			s->retryable = 1;
			if (s->max_attempts < 2)
				s->max_attempts = 3;
			fails = (int) urange(r, 1, s->max_attempts - 1);
			for (k = 0; k < fails; k++)
			{
				t = attempt(r, s, t, 0, -1);
				if (*first_fail == TB_NULL_TS || t < *first_fail)
					*first_fail = t;
				t = retry_cycle(r, s, t, k < fails - 1);
			}
			return t;
		case OUT_ERROR:
		case OUT_RESOLVED:
			fails = s->retryable ? s->max_attempts : 1;
			for (k = 0; k < fails; k++)
			{
				t = attempt(r, s, t, 0, -1);
				if (*first_fail == TB_NULL_TS || t < *first_fail)
					*first_fail = t;
				if (k < fails - 1)
					t = retry_cycle(r, s, t, 1);
			}
			t = step_add(s, TB_SS_ERROR, t + urange(r, 2 * MS, 100 * MS), 0);
			return t;
	}
	return t;
}

/* what a step at the frontier level does, given the task's state */
static int
frontier_outcome(tb_prng *r, int state)
{
	double		u = tb_prng_double(r);

	switch (state)
	{
		case TB_TS_ENQUEUING_STEPS:
			return u < 0.5 ? OUT_ENQUEUED : OUT_PENDING;
		case TB_TS_STEPS_IN_PROCESS:
			return u < 0.35 ? OUT_IN_PROGRESS : u < 0.55 ? OUT_ENQUEUED :
				u < 0.7 ? OUT_EO : u < 0.75 ? OUT_EE : OUT_COMPLETE;
		case TB_TS_EVALUATING_RESULTS:
			return u < 0.4 ? OUT_EO : OUT_COMPLETE;
		case TB_TS_WAITING_FOR_DEPENDENCIES:
			return u < 0.3 ? OUT_COMPLETE : u < 0.7 ? OUT_IN_PROGRESS : OUT_PENDING;
		case TB_TS_WAITING_FOR_RETRY:
			return u < 0.6 ? OUT_COMPLETE : u < 0.8 ? OUT_IN_PROGRESS : OUT_PENDING;
		case TB_TS_BLOCKED_BY_FAILURES:
		case TB_TS_ERROR:
		case TB_TS_RESOLVED_MANUALLY:
			return u < 0.7 ? OUT_COMPLETE : OUT_PENDING;
		case TB_TS_CANCELLED:
			return u < 0.3 ? OUT_COMPLETE : OUT_CANCEL;
	}
	return OUT_COMPLETE;
}

/* the outcome the task state needs at least once on its frontier */
static int
frontier_required(int state)
{
	switch (state)
	{
		case TB_TS_STEPS_IN_PROCESS:
		case TB_TS_WAITING_FOR_DEPENDENCIES:
			return OUT_IN_PROGRESS;
		case TB_TS_EVALUATING_RESULTS:
			return OUT_EO;
		case TB_TS_WAITING_FOR_RETRY:
			return OUT_WAIT_RETRY;
		case TB_TS_BLOCKED_BY_FAILURES:
		case TB_TS_ERROR:
			return OUT_ERROR;
		case TB_TS_RESOLVED_MANUALLY:
			return OUT_RESOLVED;
		case TB_TS_CANCELLED:
			return OUT_CANCEL;
	}
	return -1;
}

/* how long the task has been in its current state, per state */
static int64_t
time_in_state(tb_prng *r, const tb_plan_config *cfg, int state)
{
	double		u = tb_prng_double(r);
	int64_t		w = cfg->window > 0 ? cfg->window : 7 * DAY;

	switch (state)
	{
		case TB_TS_PENDING:
			if (u < 0.80)
				return urange(r, 0, 30 * MIN);
			if (u < 0.95)
				return urange(r, HOUR, DAY);
			return urange(r, DAY, w > DAY ? w : DAY);
		case TB_TS_INITIALIZING:
		case TB_TS_ENQUEUING_STEPS:
		case TB_TS_STEPS_IN_PROCESS:
		case TB_TS_EVALUATING_RESULTS:
			if (u < 0.9)
				return urange(r, 0, 5 * MIN);
			return urange(r, 10 * MIN, 3 * HOUR);	/* stuck */
		case TB_TS_WAITING_FOR_DEPENDENCIES:
			return urange(r, 0, 75 * MIN);
		case TB_TS_WAITING_FOR_RETRY:
			return urange(r, 0, 40 * MIN);
		case TB_TS_BLOCKED_BY_FAILURES:
			return urange(r, 0, 2 * DAY);
	}
	return urange(r, 0, w);
}

static void
init_step(tb_prng *r, tb_step_plan *s, int name_idx, int64_t created)
{
	s->name_idx = (uint8_t) name_idx;
	s->state = TB_SS_PENDING;
	s->retryable = tb_prng_bernoulli(r, 0.95);
	s->max_attempts = tb_prng_bernoulli(r, 0.85) ? 3 : 5;
	s->in_process = 0;
	s->processed = 0;
	s->failed = 0;
	s->error_retryable = 0;
	s->has_results = 0;
	s->ntrans = 0;
	s->attempts = -1;
	s->status_code = 0;
	s->backoff = -1;
	s->exec_ms = 0;
	s->created_at = created;
	s->last_attempted_at = TB_NULL_TS;
	s->processed_at = TB_NULL_TS;
	s->uuid_rand[0] = tb_prng_u64(r);
	s->uuid_rand[1] = tb_prng_u64(r);
	step_add(s, TB_SS_PENDING, created, 0);
}

void
tb_plan_task(const tb_plan_config *cfg, int64_t task_no, tb_task_plan *p)
{
	tb_prng		r;
	tb_dag	   *d = &p->dag;
	int			shape,
				state,
				variant = 0,
				maxlvl,
				L,
				i,
				l;
	int			outs[TB_DAG_MAX_STEPS];
	int			fresh;
	int64_t		t,
				last_task,
				last_any,
				shift,
				s_state;

	p->task_no = task_no;
	p->stream = tb_prng_mix(cfg->seed, (uint64_t) task_no);
	tb_prng_seed(&r, p->stream);

	shape = pick(&r, cfg->shape_cum, TB_SHAPE_COUNT);
	state = pick(&r, cfg->state_cum, TB_TS_COUNT);
	p->state = (uint8_t) state;
	p->amount = 0;
	p->rows = 0;
	if (shape == TB_SHAPE_CONDITIONAL)
	{
		double		u = tb_prng_double(&r);

		if (u < 0.5)
		{
			variant = 0;
			p->amount = (int32_t) urange(&r, 10, 999);
		}
		else if (u < 0.8)
		{
			variant = 1;
			p->amount = (int32_t) urange(&r, 1000, 4999);
		}
		else
		{
			variant = 2;
			p->amount = (int32_t) urange(&r, 5000, 50000);
		}
	}
	else if (shape == TB_SHAPE_BATCH)
	{
		/* CSV rows, batches of 200, at most 10 workers, placeholder if < 200 */
		if (tb_prng_bernoulli(&r, 0.1))
			p->rows = (int32_t) urange(&r, 1, 199);
		else
			p->rows = (int32_t) urange(&r, 200, 2400);
		variant = (p->rows + 199) / 200;
		if (p->rows < 200)
			variant = 0;
		if (variant > TB_BATCH_MAX_WORKERS)
			variant = TB_BATCH_MAX_WORKERS;
	}
	tb_dag_build(d, shape, variant);

	maxlvl = 0;
	for (i = 0; i < d->nsteps; i++)
		if (d->level[i] > maxlvl)
			maxlvl = d->level[i];
	fresh = (state == TB_TS_PENDING || state == TB_TS_INITIALIZING);
	if (state == TB_TS_COMPLETE)
		L = maxlvl + 1;
	else if (fresh)
		L = 0;
	else
		L = (int) urange(&r, 0, maxlvl);
	/* steps behind a decision / batchable step exist only once it is done */
	if (state != TB_TS_COMPLETE && d->ninit < d->nsteps &&
		(fresh || L <= d->level[d->ninit - 1]))
	{
		tb_dag_truncate(d, d->ninit);
		maxlvl = 0;
		for (i = 0; i < d->nsteps; i++)
			if (d->level[i] > maxlvl)
				maxlvl = d->level[i];
		if (L > maxlvl)
			L = maxlvl;
	}
	p->frontier = (uint8_t) L;

	p->priority = 0;
	{
		double		u = tb_prng_double(&r);

		if (u < 0.55)
			p->priority = 0;
		else if (u < 0.90)
			p->priority = (int32_t) urange(&r, 1, 5);
		else if (u < 0.99)
			p->priority = (int32_t) urange(&r, 6, 20);
		else
			p->priority = 100;
	}
	p->processor = (uint8_t) urange(&r, 0, 3);
	p->uuid_rand[0] = tb_prng_u64(&r);
	p->uuid_rand[1] = tb_prng_u64(&r);
	p->corr_rand[0] = tb_prng_u64(&r);
	p->corr_rand[1] = tb_prng_u64(&r);
	p->identity = tb_prng_mix(p->stream ^ (uint64_t) cfg->anchor, UINT64_C(0x6964656e74697479));
	p->ntrans = 0;
	p->completed_at = TB_NULL_TS;

	/* steps created with the task; deferred ones get their time later */
	for (i = 0; i < d->nsteps; i++)
		init_step(&r, &p->steps[i], d->name_idx[i], 0);

	/* outcomes: below the frontier complete, above pending, at it per state */
	{
		int			nf = 0,
					front[TB_DAG_MAX_STEPS],
					req = frontier_required(state),
					have = 0;

		for (i = 0; i < d->nsteps; i++)
		{
			if (fresh || d->level[i] > L)
				outs[i] = OUT_PENDING;
			else if (d->level[i] < L)
				outs[i] = OUT_COMPLETE;
			else
			{
				outs[i] = frontier_outcome(&r, state);
				front[nf++] = i;
				if (outs[i] == req)
					have = 1;
			}
		}
		if (!fresh && req >= 0 && !have && nf > 0)
			outs[front[urange(&r, 0, nf - 1)]] = req;
	}

	/* simulate, level by level */
	t = task_add(p, TB_TS_PENDING, 0);
	if (state == TB_TS_INITIALIZING)
		t = task_add(p, TB_TS_INITIALIZING, t + urange(&r, 5 * MS, 400 * MS));
	if (!fresh)
	{
		int64_t		tcancel = TB_NULL_TS;

		t = task_add(p, TB_TS_INITIALIZING, t + urange(&r, 5 * MS, 400 * MS));
		for (l = 0; l <= maxlvl && l <= L; l++)
		{
			int64_t		start,
						end,
						first_fail = TB_NULL_TS,
						first_retry = TB_NULL_TS;
			int			frontier = (l == L);

			start = task_add(p, TB_TS_ENQUEUING_STEPS, t + urange(&r, 2 * MS, 200 * MS));
			end = start;
			for (i = 0; i < d->nsteps; i++)
			{
				int64_t		e;

				if (d->level[i] != l)
					continue;
				e = run_step(&r, &p->steps[i], start, outs[i], &first_fail, &first_retry);
				if (e > end)
					end = e;
			}
			if (frontier && state == TB_TS_ENQUEUING_STEPS)
				break;
			t = task_add(p, TB_TS_STEPS_IN_PROCESS, start + urange(&r, 1 * MS, 50 * MS));
			if (!frontier)
			{
				if (first_retry != TB_NULL_TS)
				{
					task_add(p, TB_TS_WAITING_FOR_RETRY, first_fail + urange(&r, 1 * MS, 50 * MS));
					task_add(p, TB_TS_ENQUEUING_STEPS, first_retry + urange(&r, 1 * MS, 50 * MS));
					task_add(p, TB_TS_STEPS_IN_PROCESS, first_retry + urange(&r, 60 * MS, 100 * MS));
				}
				t = task_add(p, TB_TS_EVALUATING_RESULTS, end + urange(&r, 2 * MS, 300 * MS));
				/* the decision / batchable step is done: create the rest */
				if (d->ninit < d->nsteps && l == d->level[d->ninit - 1])
				{
					for (i = d->ninit; i < d->nsteps; i++)
					{
						tb_step_plan *s = &p->steps[i];

						s->created_at = t + urange(&r, 1 * MS, 20 * MS);
						s->trans[0].at = s->created_at;
					}
				}
				continue;
			}
			/* the frontier level: the task's own end of the story */
			t = end;
			switch (state)
			{
				case TB_TS_STEPS_IN_PROCESS:
					break;
				case TB_TS_EVALUATING_RESULTS:
					task_add(p, TB_TS_EVALUATING_RESULTS, t + urange(&r, 2 * MS, 300 * MS));
					break;
				case TB_TS_WAITING_FOR_DEPENDENCIES:
					t = task_add(p, TB_TS_EVALUATING_RESULTS, t + urange(&r, 2 * MS, 300 * MS));
					task_add(p, TB_TS_WAITING_FOR_DEPENDENCIES, t + urange(&r, 2 * MS, 100 * MS));
					break;
				case TB_TS_WAITING_FOR_RETRY:
					task_add(p, TB_TS_WAITING_FOR_RETRY, t + urange(&r, 2 * MS, 300 * MS));
					break;
				case TB_TS_BLOCKED_BY_FAILURES:
				case TB_TS_ERROR:
				case TB_TS_RESOLVED_MANUALLY:
					t = task_add(p, TB_TS_EVALUATING_RESULTS, t + urange(&r, 2 * MS, 300 * MS));
					t = task_add(p, TB_TS_BLOCKED_BY_FAILURES, t + urange(&r, 2 * MS, 100 * MS));
					if (state == TB_TS_ERROR)
						task_add(p, TB_TS_ERROR, t + urange(&r, 1 * SEC, 10 * MIN));
					else if (state == TB_TS_RESOLVED_MANUALLY)
					{
						t = task_add(p, TB_TS_RESOLVED_MANUALLY, t + urange(&r, 10 * MIN, DAY));
						for (i = 0; i < d->nsteps; i++)
							if (outs[i] == OUT_RESOLVED)
							{
								tb_step_plan *s = &p->steps[i];

								step_add(s, TB_SS_RESOLVED_MANUALLY, t - urange(&r, 1 * MS, 900 * MS), 0);
								s->processed = 1;
								s->processed_at = step_last(s);
							}
					}
					break;
				case TB_TS_CANCELLED:
					tcancel = task_add(p, TB_TS_CANCELLED, t + urange(&r, 1 * SEC, HOUR));
					break;
			}
		}
		if (state == TB_TS_COMPLETE)
		{
			t = task_add(p, TB_TS_COMPLETE, t + urange(&r, 2 * MS, 200 * MS));
			p->completed_at = t;
		}
		if (tcancel != TB_NULL_TS)
		{
			/* every step not finished is cancelled with the task */
			for (i = 0; i < d->nsteps; i++)
			{
				tb_step_plan *s = &p->steps[i];

				if (s->state == TB_SS_COMPLETE)
					continue;
				step_add(s, TB_SS_CANCELLED, tcancel + urange(&r, 1 * MS, 500 * MS), 0);
				s->processed = 1;
				s->processed_at = step_last(s);
			}
		}
	}

	/* place the task in time: in its current state for s_state, before the anchor */
	last_task = p->trans[p->ntrans - 1].at;
	last_any = last_task;
	for (i = 0; i < d->nsteps; i++)
		if (step_last(&p->steps[i]) > last_any)
			last_any = step_last(&p->steps[i]);
	s_state = time_in_state(&r, cfg, state);
	if (s_state < last_any - last_task + MS)
		s_state = last_any - last_task + MS;
	shift = cfg->anchor - s_state - last_task;

	for (i = 0; i < p->ntrans; i++)
		p->trans[i].at += shift;
	p->created_at = shift;
	p->updated_at = p->trans[p->ntrans - 1].at;
	if (p->completed_at != TB_NULL_TS)
		p->completed_at += shift;
	for (i = 0; i < d->nsteps; i++)
	{
		tb_step_plan *s = &p->steps[i];
		int			k;

		for (k = 0; k < s->ntrans; k++)
			s->trans[k].at += shift;
		s->created_at += shift;
		if (s->last_attempted_at != TB_NULL_TS)
			s->last_attempted_at += shift;
		if (s->processed_at != TB_NULL_TS)
			s->processed_at += shift;
		s->updated_at = step_last(s);
		s->in_process = (s->state == TB_SS_IN_PROGRESS);
		if (s->state != TB_SS_COMPLETE && s->state != TB_SS_CANCELLED &&
			s->state != TB_SS_RESOLVED_MANUALLY)
		{
			s->processed = 0;
			s->processed_at = TB_NULL_TS;
		}
	}
}

void
tb_uuid7(uint8_t out[16], int64_t ts_us, const uint64_t rnd[2])
{
	int64_t		q = ts_us / 1000;
	uint64_t	ms;
	int			i;

	if (ts_us % 1000 < 0)
		q--;
	/* 2000-01-01 is 946684800000 ms after the unix epoch */
	ms = (uint64_t) (q + INT64_C(946684800000));
	for (i = 0; i < 6; i++)
		out[i] = (uint8_t) (ms >> (40 - 8 * i));
	out[6] = (uint8_t) (0x70 | ((rnd[0] >> 8) & 0x0f));
	out[7] = (uint8_t) (rnd[0] & 0xff);
	out[8] = (uint8_t) (0x80 | ((rnd[1] >> 56) & 0x3f));
	for (i = 9; i < 16; i++)
		out[i] = (uint8_t) (rnd[1] >> (8 * (15 - i)));
}
