-- The tasker workload's suite: stratified samplers of tasker tasks and steps,
-- the built-in 'orchestration' cases (rows of tas_bench.cases) and
-- upstream's published latency targets (rows of tas_bench.targets).  Cases
-- name tasker objects unqualified: run_suite runs them with the target
-- schema first on the search_path (as upstream's own callers do).

-- ---------------------------------------------------------------- samplers

CREATE FUNCTION @extschema@.sample_tasks(n integer, seed bigint DEFAULT 1)
RETURNS TABLE(task_uuid uuid, template text, state text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF n IS NULL OR n < 1 THEN
        RAISE EXCEPTION 'argument n must be at least 1, not %', coalesce(n::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'n is the number of task uuids to draw.';
    END IF;
    -- Strata: template (named task: one per workflow shape for generated
    -- data) x current task state.  Within a stratum tasks are ordered by a
    -- seeded hash; the result takes the first of every stratum, then the
    -- second of every stratum, and so on, so strata are as even as the data
    -- allows and n rows come back whenever the data has n tasks.
    RETURN QUERY
    WITH t AS (
        SELECT tk.task_uuid, nt.name::text AS template,
               coalesce(tt.to_state, 'none')::text AS state
          FROM tasks tk
          JOIN named_tasks nt ON nt.named_task_uuid = tk.named_task_uuid
          LEFT JOIN task_transitions tt ON tt.task_uuid = tk.task_uuid AND tt.most_recent
    ), r AS (
        SELECT t.*,
               row_number() OVER (PARTITION BY t.template, t.state
                                  ORDER BY hashtextextended(t.task_uuid::text, seed), t.task_uuid) AS rn,
               hashtextextended(t.template || '/' || t.state, seed) AS stratum_key
          FROM t
    )
    SELECT r.task_uuid, r.template, r.state
      FROM r
     ORDER BY r.rn, r.stratum_key, r.template, r.state
     LIMIT n;
END
$$;

COMMENT ON FUNCTION @extschema@.sample_tasks(integer, bigint) IS
  'Stratified, deterministic sample of n tasks of the target on the search_path: round-robin over strata template x current state, seeded order within a stratum; fewer than n only when there are fewer tasks';

CREATE FUNCTION @extschema@.sample_steps(n integer, seed bigint DEFAULT 1)
RETURNS TABLE(workflow_step_uuid uuid, task_uuid uuid, template text, depth integer, state text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    pool uuid[];
BEGIN
    IF n IS NULL OR n < 1 THEN
        RAISE EXCEPTION 'argument n must be at least 1, not %', coalesce(n::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'n is the number of step uuids to draw.';
    END IF;
    -- Strata: template x depth (longest path from a root, capped at 50) x
    -- current step state, over the steps of a stratified pool of 2n tasks,
    -- or of all tasks when the pool holds fewer than n steps.
    pool := ARRAY(SELECT s.task_uuid FROM @extschema@.sample_tasks(greatest(n, 10) * 2, seed) s);
    IF (SELECT count(*) FROM workflow_steps ws WHERE ws.task_uuid = ANY (pool)) < n THEN
        pool := ARRAY(SELECT tk.task_uuid FROM tasks tk);
    END IF;
    RETURN QUERY
    WITH RECURSIVE st AS (
        SELECT ws.workflow_step_uuid, ws.task_uuid, nt.name::text AS template,
               coalesce(wt.to_state, 'pending')::text AS state
          FROM workflow_steps ws
          JOIN tasks tk ON tk.task_uuid = ws.task_uuid
          JOIN named_tasks nt ON nt.named_task_uuid = tk.named_task_uuid
          LEFT JOIN workflow_step_transitions wt
                 ON wt.workflow_step_uuid = ws.workflow_step_uuid AND wt.most_recent
         WHERE ws.task_uuid = ANY (pool)
    ), d(step, depth) AS (
        SELECT st.workflow_step_uuid, 0 FROM st
         WHERE NOT EXISTS (SELECT 1 FROM workflow_step_edges e
                            WHERE e.to_step_uuid = st.workflow_step_uuid)
        UNION
        SELECT e.to_step_uuid, d.depth + 1
          FROM d JOIN workflow_step_edges e ON e.from_step_uuid = d.step
         WHERE d.depth < 50
    ), sd AS (
        SELECT st.*, coalesce((SELECT max(d.depth) FROM d WHERE d.step = st.workflow_step_uuid), 0) AS depth
          FROM st
    ), r AS (
        SELECT sd.*,
               row_number() OVER (PARTITION BY sd.template, sd.depth, sd.state
                                  ORDER BY hashtextextended(sd.workflow_step_uuid::text, seed),
                                           sd.workflow_step_uuid) AS rn,
               hashtextextended(sd.template || '/' || sd.depth || '/' || sd.state, seed) AS stratum_key
          FROM sd
    )
    SELECT r.workflow_step_uuid, r.task_uuid, r.template, r.depth, r.state
      FROM r
     ORDER BY r.rn, r.stratum_key, r.template, r.depth, r.state
     LIMIT n;
END
$$;

COMMENT ON FUNCTION @extschema@.sample_steps(integer, bigint) IS
  'Stratified, deterministic sample of n steps: round-robin over strata template x depth x current step state, drawn from the steps of a stratified pool of 2n tasks';

-- ---------------------------------------------------------------- built-in cases

INSERT INTO @extschema@.cases (suite, name, ord, sql, params, iterations, warmup, mode, description, builtin)
VALUES
 ('orchestration', 'get_next_ready_tasks_1', 10,
  'SELECT * FROM get_next_ready_tasks(1)', NULL, 200, 10, 'shared',
  'task discovery, batch 1 (upstream: get_next_ready_tasks/batch_size/1)', true),
 ('orchestration', 'get_next_ready_tasks_10', 11,
  'SELECT * FROM get_next_ready_tasks(10)', NULL, 200, 10, 'shared',
  'task discovery, batch 10', true),
 ('orchestration', 'get_next_ready_tasks_50', 12,
  'SELECT * FROM get_next_ready_tasks(50)', NULL, 100, 5, 'shared',
  'task discovery, batch 50', true),
 ('orchestration', 'get_next_ready_tasks_100', 13,
  'SELECT * FROM get_next_ready_tasks(100)', NULL, 100, 5, 'shared',
  'task discovery, batch 100', true),
 ('orchestration', 'get_next_ready_task', 14,
  'SELECT * FROM get_next_ready_task()', NULL, 200, 10, 'shared',
  'single-task discovery', true),
 ('orchestration', 'get_step_readiness_status', 20,
  'SELECT * FROM get_step_readiness_status($1)',
  'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 200, 10, 'shared',
  'readiness of every step of one task, 50 stratified tasks', true),
 ('orchestration', 'get_step_readiness_status_batch_10', 21,
  'SELECT * FROM get_step_readiness_status_batch($1)',
  'SELECT array_agg(task_uuid ORDER BY o) FROM tas_bench.sample_tasks(100) WITH ORDINALITY s(task_uuid, t, st, o) GROUP BY (o - 1) / 10 ORDER BY (o - 1) / 10',
  200, 10, 'shared', 'readiness of 10 tasks in one call', true),
 ('orchestration', 'get_step_readiness_status_batch_50', 22,
  'SELECT * FROM get_step_readiness_status_batch($1)',
  'SELECT array_agg(task_uuid ORDER BY o) FROM tas_bench.sample_tasks(250) WITH ORDINALITY s(task_uuid, t, st, o) GROUP BY (o - 1) / 50 ORDER BY (o - 1) / 50',
  100, 5, 'shared', 'readiness of 50 tasks in one call', true),
 ('orchestration', 'get_task_execution_context', 30,
  'SELECT * FROM get_task_execution_context($1)',
  'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 200, 10, 'shared',
  'execution context of one task, 50 stratified tasks', true),
 ('orchestration', 'get_task_execution_contexts_batch_10', 31,
  'SELECT * FROM get_task_execution_contexts_batch($1)',
  'SELECT array_agg(task_uuid ORDER BY o) FROM tas_bench.sample_tasks(100) WITH ORDINALITY s(task_uuid, t, st, o) GROUP BY (o - 1) / 10 ORDER BY (o - 1) / 10',
  200, 10, 'shared', 'execution contexts of 10 tasks in one call', true),
 ('orchestration', 'get_task_execution_contexts_batch_50', 32,
  'SELECT * FROM get_task_execution_contexts_batch($1)',
  'SELECT array_agg(task_uuid ORDER BY o) FROM tas_bench.sample_tasks(250) WITH ORDINALITY s(task_uuid, t, st, o) GROUP BY (o - 1) / 50 ORDER BY (o - 1) / 50',
  100, 5, 'shared', 'execution contexts of 50 tasks in one call', true),
 ('orchestration', 'get_step_transitive_dependencies', 40,
  'SELECT * FROM get_step_transitive_dependencies($1)',
  'SELECT workflow_step_uuid FROM tas_bench.sample_steps(50)', 200, 10, 'shared',
  'all ancestors of one step, 50 steps stratified by template, depth and state', true),
 ('orchestration', 'calculate_dependency_levels', 41,
  'SELECT * FROM calculate_dependency_levels($1)',
  'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 200, 10, 'shared',
  'dependency level of every step of one task', true),
 ('orchestration', 'evaluate_step_state_readiness', 50,
  'SELECT evaluate_step_state_readiness($1, $2, $3, $4, $5, $6, $7)',
  $q$SELECT * FROM (VALUES ('pending'::text, false, false, true, true, true, NULL::timestamp),
       ('waiting_for_retry', false, false, true, true, true, (now() - interval '1 minute')::timestamp),
       ('waiting_for_retry', false, false, true, true, true, (now() + interval '1 minute')::timestamp),
       ('in_progress', false, true, true, true, true, NULL),
       ('complete', true, false, true, true, true, NULL),
       ('pending', false, false, false, true, true, NULL)) v$q$,
  500, 20, 'shared', 'the readiness predicate alone', true),
 ('orchestration', 'calculate_step_next_retry_time', 51,
  'SELECT calculate_step_next_retry_time($1, $2, $3, $4)',
  $q$SELECT * FROM (VALUES (30, now()::timestamp, NULL::timestamp, 1),
       (NULL::integer, NULL::timestamp, now()::timestamp, 3),
       (NULL, NULL, NULL, NULL::integer)) v$q$,
  500, 20, 'shared', 'backoff arithmetic alone', true),
 ('orchestration', 'get_task_ready_info', 60,
  'SELECT * FROM get_task_ready_info($1)',
  'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 200, 10, 'shared',
  'discovery row of one task', true),
 ('orchestration', 'get_current_task_state', 61,
  'SELECT get_current_task_state($1)',
  'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 300, 10, 'shared',
  'current state of one task', true),
 ('orchestration', 'get_system_health_counts', 70,
  'SELECT * FROM get_system_health_counts()', NULL, 30, 2, 'shared',
  'counts of every task and step state (reads everything)', true),
 ('orchestration', 'transition_task_state_atomic', 80,
  'SELECT transition_task_state_atomic($1, $2, $3, $4)',
  $q$SELECT task_uuid, state, 'resolved_manually', '00000000-0000-7000-8000-00000000b0b0'::uuid
       FROM tas_bench.sample_tasks(50) WHERE state <> 'none'$q$,
  200, 10, 'rollback',
  'compare-and-swap state transition; each call rolled back so every call sees the same state', true);

-- ---------------------------------------------------------------- upstream targets

INSERT INTO @extschema@.targets (case_pattern, up_to_tasks, max_p50_ms, source, builtin) VALUES
 ('get_next_ready_tasks%', 1000, 2, 'tasker-core docs/benchmarks: scaling target 1K < 2 ms', true),
 ('get_next_ready_tasks%', 5000, 3, 'tasker-core docs/benchmarks: 5K tasks < 3 ms', true),
 ('get_next_ready_tasks%', 10000, 5, 'tasker-core docs/benchmarks: scaling target 10K < 5 ms', true),
 ('get_next_ready_tasks%', 100000, 10, 'tasker-core docs/benchmarks: scaling target 100K < 10 ms', true),
 ('get_step_readiness_status', NULL, 1, 'tasker-core docs/benchmarks: < 1 ms', true),
 ('get_task_execution_context', NULL, 1, 'tasker-core docs/benchmarks: < 1 ms', true);

