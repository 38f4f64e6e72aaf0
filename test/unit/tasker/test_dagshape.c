/*
 * test_dagshape.c
 *	  Unit tests of src/tasker/dagshape.c: shapes (step/edge counts of the tasker
 *	  spec section 7, acyclic, edges inside the task) and task plans (one
 *	  final state per entity, histories increasing in time and ending in the
 *	  recorded state, flags consistent with step states, task state
 *	  consistent with its steps, determinism).
 */
#include "../unit.h"
#include "tasker/dagshape.h"

static int
count_kind(const tb_dag *d, int kind)
{
	int			e,
				n = 0;

	for (e = 0; e < d->nedges; e++)
		n += d->edges[e].kind == kind;
	return n;
}

static int
edges_forward(const tb_dag *d)
{
	int			e;

	for (e = 0; e < d->nedges; e++)
		if (d->edges[e].from >= d->edges[e].to || d->edges[e].to >= d->nsteps)
			return 0;
	return 1;
}

static int
names_distinct(const tb_dag *d)
{
	int			i,
				j;

	for (i = 0; i < d->nsteps; i++)
		for (j = i + 1; j < d->nsteps; j++)
			if (d->name_idx[i] == d->name_idx[j])
				return 0;
	return 1;
}

TB_SUITE(dagshape_shapes)
{
	tb_dag		d;
	int			n,
				w;

	tb_dag_build(&d, TB_SHAPE_LINEAR, 0);
	CHECK_INT_EQ(d.nsteps, 4);
	CHECK_INT_EQ(d.nedges, 3);
	CHECK_INT_EQ(d.level[3], 3);
	CHECK(tb_dag_check(&d));

	tb_dag_build(&d, TB_SHAPE_DIAMOND, 0);
	CHECK_INT_EQ(d.nsteps, 4);
	CHECK_INT_EQ(d.nedges, 4);
	CHECK_INT_EQ(d.level[3], 2);
	CHECK(tb_dag_check(&d));

	tb_dag_build(&d, TB_SHAPE_DAG, 0);
	CHECK_INT_EQ(d.nsteps, 7);
	CHECK_INT_EQ(d.nedges, 9);
	CHECK_INT_EQ(d.level[6], 3);
	CHECK(tb_dag_check(&d));

	tb_dag_build(&d, TB_SHAPE_TREE, 0);
	CHECK_INT_EQ(d.nsteps, 8);
	CHECK_INT_EQ(d.nedges, 10);
	CHECK(tb_dag_check(&d));

	/* conditional: 2 steps / 1 edge at init; 4/3, 4/3, 5/5 after the decision */
	tb_dag_build(&d, TB_SHAPE_CONDITIONAL, 0);
	CHECK_INT_EQ(d.nsteps, 4);
	CHECK_INT_EQ(d.nedges, 3);
	CHECK_INT_EQ(d.ninit, 2);
	tb_dag_build(&d, TB_SHAPE_CONDITIONAL, 1);
	CHECK_INT_EQ(d.nsteps, 4);
	CHECK_INT_EQ(d.nedges, 3);
	tb_dag_build(&d, TB_SHAPE_CONDITIONAL, 2);
	CHECK_INT_EQ(d.nsteps, 5);
	CHECK_INT_EQ(d.nedges, 5);
	CHECK(tb_dag_check(&d));
	tb_dag_truncate(&d, d.ninit);
	CHECK_INT_EQ(d.nsteps, 2);
	CHECK_INT_EQ(d.nedges, 1);
	CHECK(tb_dag_check(&d));

	/* batch: 1/0 at init; N + 2 steps and 2N edges; placeholder 3/2 */
	for (w = 0; w <= TB_BATCH_MAX_WORKERS; w++)
	{
		int			nw = w == 0 ? 1 : w;

		tb_dag_build(&d, TB_SHAPE_BATCH, w);
		CHECK_INT_EQ(d.nsteps, nw + 2);
		CHECK_INT_EQ(d.nedges, 2 * nw);
		CHECK_INT_EQ(count_kind(&d, TB_EDGE_BATCH_DEPENDENCY), nw);
		CHECK_INT_EQ(count_kind(&d, TB_EDGE_WORKER_TO_CONVERGENCE), nw);
		CHECK(tb_dag_check(&d));
		CHECK(edges_forward(&d));
		CHECK(names_distinct(&d));
		tb_dag_truncate(&d, d.ninit);
		CHECK_INT_EQ(d.nsteps, 1);
		CHECK_INT_EQ(d.nedges, 0);
	}

	/* every shape: forward edges, distinct names within the template */
	for (n = 0; n < TB_SHAPE_COUNT; n++)
	{
		int			nn;
		const char *const *names = tb_shape_step_names(n, &nn);

		tb_dag_build(&d, n, 2);
		CHECK(edges_forward(&d));
		CHECK(names_distinct(&d));
		CHECK(names != NULL && nn <= TB_SHAPE_MAX_NAMES);
	}

	/* a cycle is detected */
	tb_dag_build(&d, TB_SHAPE_LINEAR, 0);
	d.edges[d.nedges].from = 3;
	d.edges[d.nedges].to = 0;
	d.nedges++;
	CHECK(!tb_dag_check(&d));
}

static int
step_consistent(const tb_step_plan *s, char *why)
{
	int			k,
				att = 0;

	if (s->ntrans < 1 || s->trans[0].to != TB_SS_PENDING)
		return sprintf(why, "first row not pending"), 0;
	if (s->trans[0].at != s->created_at)
		return sprintf(why, "created_at != first transition"), 0;
	for (k = 0; k < s->ntrans; k++)
	{
		if (k > 0 && s->trans[k].at <= s->trans[k - 1].at)
			return sprintf(why, "times not increasing"), 0;
		att += s->trans[k].to == TB_SS_IN_PROGRESS;
	}
	if (s->trans[s->ntrans - 1].to != s->state)
		return sprintf(why, "state is not the last row"), 0;
	if (s->in_process != (s->state == TB_SS_IN_PROGRESS))
		return sprintf(why, "in_process"), 0;
	if (s->processed != (s->state == TB_SS_COMPLETE || s->state == TB_SS_CANCELLED ||
						 s->state == TB_SS_RESOLVED_MANUALLY))
		return sprintf(why, "processed"), 0;
	if (s->processed != (s->processed_at != TB_NULL_TS))
		return sprintf(why, "processed_at"), 0;
	if ((att == 0 && s->attempts != -1) || (att > 0 && s->attempts != att))
		return sprintf(why, "attempts %d vs %d claims", s->attempts, att), 0;
	if ((att > 0) != (s->last_attempted_at != TB_NULL_TS))
		return sprintf(why, "last_attempted_at"), 0;
	if (s->state == TB_SS_WAITING_FOR_RETRY && (s->backoff < 0 || !s->failed))
		return sprintf(why, "waiting_for_retry without backoff or error"), 0;
	if (s->state == TB_SS_ERROR && (!s->failed || s->attempts < 1))
		return sprintf(why, "error without error result"), 0;
	if (s->state == TB_SS_COMPLETE && (!s->has_results || s->failed))
		return sprintf(why, "complete without success result"), 0;
	if (s->attempts > s->max_attempts)
		return sprintf(why, "attempts above max"), 0;
	return 1;
}

TB_SUITE(dagshape_plans)
{
	tb_plan_config cfg;
	static tb_task_plan p,
				q;
	int64_t		n;
	int			bad_step = 0,
				bad_task = 0,
				bad_dag = 0,
				bad_time = 0;
	int			seen_state[TB_TS_COUNT] = {0};
	int			seen_shape[TB_SHAPE_COUNT] = {0};
	int			seen_step[TB_SS_COUNT] = {0};
	char		why[128] = "";
	int			i;

	cfg.seed = 42;
	cfg.anchor = INT64_C(848966400000000);	/* 2026-11-26 00:00 UTC */
	cfg.window = INT64_C(7) * 86400 * 1000000;
	CHECK(tb_plan_set_mix(cfg.shape_cum, tb_default_shape_mix, TB_SHAPE_COUNT));
	CHECK(tb_plan_set_mix(cfg.state_cum, tb_default_state_mix, TB_TS_COUNT));
	CHECK_NEAR(cfg.state_cum[TB_TS_COUNT - 1], 1.0, 0);

	for (n = 0; n < 20000; n++)
	{
		int			ncomplete = 0,
					nerror = 0,
					k;

		tb_plan_task(&cfg, n, &p);
		seen_state[p.state]++;
		seen_shape[p.dag.shape]++;
		if (!tb_dag_check(&p.dag) || !edges_forward(&p.dag) || !names_distinct(&p.dag))
			bad_dag++;
		if (p.trans[0].to != TB_TS_PENDING || p.trans[p.ntrans - 1].to != p.state ||
			p.trans[0].at != p.created_at)
			bad_task++;
		for (k = 1; k < p.ntrans; k++)
			if (p.trans[k].at <= p.trans[k - 1].at)
				bad_time++;
		if (p.updated_at > cfg.anchor || p.created_at < cfg.anchor - cfg.window - INT64_C(86400000000))
			bad_time++;
		for (i = 0; i < p.dag.nsteps; i++)
		{
			const tb_step_plan *s = &p.steps[i];

			seen_step[s->state]++;
			if (!step_consistent(s, why))
			{
				if (bad_step++ < 3)
					printf("  task %lld (%s, %s) step %d: %s\n", (long long) n,
						   tb_shape_names[p.dag.shape], tb_task_state_names[p.state], i, why);
			}
			if (s->updated_at > cfg.anchor || s->created_at < p.created_at)
				bad_time++;
			ncomplete += s->state == TB_SS_COMPLETE;
			nerror += s->state == TB_SS_ERROR;
		}
		/* task state consistent with its steps */
		if (p.state == TB_TS_COMPLETE && ncomplete != p.dag.nsteps)
			bad_task++;
		if ((p.state == TB_TS_BLOCKED_BY_FAILURES || p.state == TB_TS_ERROR) && nerror == 0)
			bad_task++;
		if (p.state == TB_TS_PENDING && (ncomplete > 0 || p.ntrans != 1))
			bad_task++;
		if (p.state != TB_TS_COMPLETE && p.dag.shape == TB_SHAPE_BATCH &&
			p.dag.nsteps > 1 && p.steps[0].state != TB_SS_COMPLETE)
			bad_task++;			/* workers exist only after the analyzer completed */
		if ((p.state == TB_TS_COMPLETE) != (p.completed_at != TB_NULL_TS))
			bad_task++;
	}
	CHECK_INT_EQ(bad_dag, 0);
	CHECK_INT_EQ(bad_task, 0);
	CHECK_INT_EQ(bad_step, 0);
	CHECK_INT_EQ(bad_time, 0);
	for (i = 0; i < TB_TS_COUNT; i++)
		CHECK(seen_state[i] > 0);
	for (i = 0; i < TB_SHAPE_COUNT; i++)
		CHECK(seen_shape[i] > 0);
	for (i = 0; i < TB_SS_COUNT; i++)
		CHECK(seen_step[i] > 0);
	/* default mix: about 70% complete */
	CHECK(seen_state[TB_TS_COMPLETE] > 13600 && seen_state[TB_TS_COMPLETE] < 14400);

	/* determinism, in any order */
	tb_plan_task(&cfg, 12345, &p);
	tb_plan_task(&cfg, 7, &q);
	tb_plan_task(&cfg, 12345, &q);
	CHECK(p.uuid_rand[0] == q.uuid_rand[0] && p.created_at == q.created_at &&
		  p.ntrans == q.ntrans && p.dag.nsteps == q.dag.nsteps &&
		  p.steps[0].trans[p.steps[0].ntrans - 1].at == q.steps[0].trans[q.steps[0].ntrans - 1].at);
	cfg.seed = 43;
	tb_plan_task(&cfg, 12345, &q);
	CHECK(p.uuid_rand[0] != q.uuid_rand[0]);

	/* a mix restricted to one state and one shape */
	{
		double		w[TB_TS_COUNT] = {0};
		double		sw[TB_SHAPE_COUNT] = {0};

		w[TB_TS_WAITING_FOR_RETRY] = 1;
		sw[TB_SHAPE_BATCH] = 2;
		CHECK(tb_plan_set_mix(cfg.state_cum, w, TB_TS_COUNT));
		CHECK(tb_plan_set_mix(cfg.shape_cum, sw, TB_SHAPE_COUNT));
		for (n = 0; n < 200; n++)
		{
			int			wr = 0;

			tb_plan_task(&cfg, n, &p);
			for (i = 0; i < p.dag.nsteps; i++)
				wr += p.steps[i].state == TB_SS_WAITING_FOR_RETRY;
			if (p.state != TB_TS_WAITING_FOR_RETRY || p.dag.shape != TB_SHAPE_BATCH || wr == 0)
				bad_task++;
		}
		CHECK_INT_EQ(bad_task, 0);
		for (i = 0; i < TB_TS_COUNT; i++)
			w[i] = 0;
		CHECK(!tb_plan_set_mix(cfg.state_cum, w, TB_TS_COUNT));
		w[0] = -1;
		CHECK(!tb_plan_set_mix(cfg.state_cum, w, TB_TS_COUNT));
	}

	/* UUIDv7 layout: version 7, variant 10, unix ms in front */
	{
		uint8_t		u[16];
		uint64_t	rnd[2] = {UINT64_C(0xFFFFFFFFFFFFFFFF), UINT64_C(0xFFFFFFFFFFFFFFFF)};
		uint64_t	ms = 0;

		tb_uuid7(u, 0, rnd);
		for (i = 0; i < 6; i++)
			ms = (ms << 8) | u[i];
		CHECK(ms == UINT64_C(946684800000));
		CHECK_INT_EQ(u[6] >> 4, 7);
		CHECK_INT_EQ(u[8] >> 6, 2);
	}
}
