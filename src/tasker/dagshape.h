/*-------------------------------------------------------------------------
 *
 * dagshape.h
 *	  Workflow shapes and per-task plans for the dataset generator (pure C,
 *	  no backend calls, no malloc).
 *
 * Two layers:
 *
 * 1. Shapes (tb_dag_build): the six workflow patterns of the tasker spec,
 *	  section 7, as step and edge lists.  Steps are numbered in a topological
 *	  order (every edge goes from a lower to a higher index), so a DAG is
 *	  acyclic by construction and a prefix of the steps is itself a valid
 *	  DAG: that is how "not created yet" steps (downstream of a decision
 *	  point, batch workers and the convergence step) are modelled, by
 *	  truncating to the steps that exist at initialisation.
 *
 *	  shape        steps        edges      notes
 *	  linear       4            3          s1 -> s2 -> s3 -> s4
 *	  diamond      4            4          start -> {b, c} -> end
 *	  complex_dag  7            9          upstream rust_e2e_mixed_dag
 *	  tree         8            10         hierarchical tree with convergence
 *	  conditional  2 | 4 | 5    1 | 3 | 5  before decision | auto/manager | manager+finance
 *	  batch        1 | N+2      0 | 2N     before expansion | N = 1..10 workers,
 *	                                       or the no-op placeholder worker _000 (3, 2)
 *
 * 2. Plans (tb_plan_task): one task of a dataset, derived only from
 *	  (config, task number) through its own PRNG stream
 *	  tb_prng_mix(seed, task_no), so any task can be re-derived at any time
 *	  in any order (generate and grow produce the same rows).  A plan holds
 *	  the shape, the task's end state, every step's final state, flags and
 *	  full transition history, and the task's transition history, with
 *	  absolute timestamps (microseconds since 2000-01-01, PostgreSQL's epoch,
 *	  UTC wall clock) all at or before the anchor.
 *
 *	  Consistency rules (spec sections 3.1 - 3.3): steps at dependency level
 *	  below the task's "frontier" level are complete, steps above it pending,
 *	  steps at the frontier carry the task state's activity (in progress,
 *	  waiting for retry, error, ...).  Step flags follow the table of spec
 *	  3.2: in_process iff in_progress; processed iff complete, cancelled or
 *	  resolved_manually; attempts = number of in_progress entries (NULL when
 *	  never claimed); backoff set after a retryable failure; results with an
 *	  "error" object after a failure.  Timestamps within one entity's history
 *	  increase strictly with sort_key.
 *
 * IDENTIFICATION
 *	  src/tasker/dagshape.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_DAGSHAPE_H
#define TB_DAGSHAPE_H

#include <stdint.h>

#include "core/prng.h"

#define TB_DAG_MAX_STEPS 16
#define TB_DAG_MAX_EDGES 32
#define TB_BATCH_MAX_WORKERS 10
#define TB_PLAN_MAX_STEP_TRANS 32
#define TB_PLAN_MAX_TASK_TRANS 64
/* names of template steps per shape, upper bound */
#define TB_SHAPE_MAX_NAMES 16

typedef enum tb_shape
{
	TB_SHAPE_LINEAR = 0,
	TB_SHAPE_DIAMOND,
	TB_SHAPE_DAG,
	TB_SHAPE_TREE,
	TB_SHAPE_CONDITIONAL,
	TB_SHAPE_BATCH,
	TB_SHAPE_COUNT
} tb_shape;

/* edge labels used by upstream */
typedef enum tb_edge_kind
{
	TB_EDGE_PROVIDES = 0,
	TB_EDGE_BATCH_DEPENDENCY,
	TB_EDGE_WORKER_TO_CONVERGENCE
} tb_edge_kind;

/* task states, in spec order (section 3.1) */
typedef enum tb_task_state
{
	TB_TS_PENDING = 0,
	TB_TS_INITIALIZING,
	TB_TS_ENQUEUING_STEPS,
	TB_TS_STEPS_IN_PROCESS,
	TB_TS_EVALUATING_RESULTS,
	TB_TS_WAITING_FOR_DEPENDENCIES,
	TB_TS_WAITING_FOR_RETRY,
	TB_TS_BLOCKED_BY_FAILURES,
	TB_TS_COMPLETE,
	TB_TS_ERROR,
	TB_TS_CANCELLED,
	TB_TS_RESOLVED_MANUALLY,
	TB_TS_COUNT
} tb_task_state;

/* step states, in spec order (section 3.2) */
typedef enum tb_step_state
{
	TB_SS_PENDING = 0,
	TB_SS_ENQUEUED,
	TB_SS_IN_PROGRESS,
	TB_SS_ENQUEUED_FOR_ORCHESTRATION,
	TB_SS_ENQUEUED_AS_ERROR_FOR_ORCHESTRATION,
	TB_SS_WAITING_FOR_RETRY,
	TB_SS_COMPLETE,
	TB_SS_ERROR,
	TB_SS_CANCELLED,
	TB_SS_RESOLVED_MANUALLY,
	TB_SS_COUNT
} tb_step_state;

extern const char *const tb_shape_names[TB_SHAPE_COUNT];
extern const char *const tb_edge_kind_names[3];
extern const char *const tb_task_state_names[TB_TS_COUNT];
extern const char *const tb_step_state_names[TB_SS_COUNT];

/* default proportions (sum 1) */
extern const double tb_default_shape_mix[TB_SHAPE_COUNT];
extern const double tb_default_state_mix[TB_TS_COUNT];

typedef struct tb_dag_edge
{
	uint8_t		from;			/* step index (parent) */
	uint8_t		to;				/* step index (dependent), from < to */
	uint8_t		kind;			/* tb_edge_kind */
} tb_dag_edge;

typedef struct tb_dag
{
	uint8_t		shape;			/* tb_shape */
	uint8_t		nsteps;
	uint8_t		nedges;
	uint8_t		ninit;			/* steps that exist at initialisation */
	uint8_t		workers;		/* batch: N workers (0 = placeholder) */
	uint8_t		branch;			/* conditional: 0 auto, 1 manager, 2 manager+finance */
	uint8_t		name_idx[TB_DAG_MAX_STEPS]; /* into tb_shape_step_names() */
	uint8_t		level[TB_DAG_MAX_STEPS];	/* longest path from a root */
	tb_dag_edge edges[TB_DAG_MAX_EDGES];
} tb_dag;

/* the template step names of a shape (local names, without prefix) */
extern const char *const *tb_shape_step_names(int shape, int *n);

/*
 * Build the full (decided / expanded) DAG of a shape.  variant: for
 * conditional the branch 0..2, for batch the number of workers 0..10
 * (0 = placeholder worker _000); ignored otherwise.
 */
extern void tb_dag_build(tb_dag *d, int shape, int variant);
/* keep only the first n steps and the edges between them */
extern void tb_dag_truncate(tb_dag *d, int n);
/* 1 if acyclic and every edge is between existing steps (Kahn's algorithm) */
extern int	tb_dag_check(const tb_dag *d);

/* ---- plans ---- */

#define TB_NULL_TS INT64_MIN

typedef struct tb_trans
{
	int64_t		at;				/* created_at, us since 2000-01-01 UTC */
	uint8_t		to;				/* state entered */
	int32_t		exec_ms;		/* for enqueued_*_for_orchestration: execution time */
} tb_trans;

typedef struct tb_step_plan
{
	uint8_t		name_idx;
	uint8_t		state;			/* final state (tb_step_state) */
	uint8_t		retryable;
	uint8_t		in_process;
	uint8_t		processed;
	uint8_t		failed;			/* results carry an error object */
	uint8_t		error_retryable;
	uint8_t		has_results;	/* results column non-NULL */
	uint8_t		ntrans;
	int16_t		attempts;		/* -1 = NULL */
	int16_t		max_attempts;
	int16_t		status_code;	/* error status_code, 0 = none */
	int32_t		backoff;		/* backoff_request_seconds, -1 = NULL */
	int32_t		exec_ms;		/* last execution time */
	int64_t		created_at;
	int64_t		updated_at;
	int64_t		last_attempted_at;	/* TB_NULL_TS = NULL */
	int64_t		processed_at;	/* TB_NULL_TS = NULL */
	uint64_t	uuid_rand[2];	/* random bits of the step's UUIDv7 */
	tb_trans	trans[TB_PLAN_MAX_STEP_TRANS];
} tb_step_plan;

typedef struct tb_task_plan
{
	int64_t		task_no;
	uint64_t	stream;			/* tb_prng_mix(seed, task_no): seeds sub-streams */
	tb_dag		dag;			/* as created so far (truncated if undecided) */
	uint8_t		state;			/* tb_task_state */
	uint8_t		frontier;		/* dependency level being worked on */
	uint8_t		ntrans;
	uint8_t		processor;		/* index of the orchestrator instance 0..3 */
	int32_t		priority;
	int32_t		amount;			/* conditional: context amount */
	int32_t		rows;			/* batch: context rows */
	int64_t		created_at;
	int64_t		updated_at;
	int64_t		completed_at;	/* TB_NULL_TS = NULL */
	uint64_t	uuid_rand[2];	/* task uuid */
	uint64_t	corr_rand[2];	/* correlation_id */
	uint64_t	identity;		/* identity_hash value */
	tb_trans	trans[TB_PLAN_MAX_TASK_TRANS];
	tb_step_plan steps[TB_DAG_MAX_STEPS];
} tb_task_plan;

typedef struct tb_plan_config
{
	uint64_t	seed;
	int64_t		anchor;			/* us since 2000-01-01 UTC */
	int64_t		window;			/* us: terminal tasks spread over [anchor - window, anchor] */
	double		shape_cum[TB_SHAPE_COUNT];	/* cumulative, last = 1 */
	double		state_cum[TB_TS_COUNT]; /* cumulative, last = 1 */
} tb_plan_config;

/*
 * Fill cfg->*_cum from weights (non-negative, not all zero); returns 0 if
 * the weights are unusable.
 */
extern int	tb_plan_set_mix(double *cum, const double *weights, int n);

/* derive task number task_no (0-based) of a dataset */
extern void tb_plan_task(const tb_plan_config *cfg, int64_t task_no, tb_task_plan *p);

/* UUIDv7 bytes from a timestamp (us since 2000-01-01) and random bits */
extern void tb_uuid7(uint8_t out[16], int64_t ts_us, const uint64_t rnd[2]);

#endif							/* TB_DAGSHAPE_H */
