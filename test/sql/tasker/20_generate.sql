-- 20_generate: the dataset generator on the stand-in tasker schema.
-- Fixed seed and anchor: aggregates per shape, state and table; invariants
-- (one most_recent per entity, gap-free sort keys increasing with time,
-- edges inside a task, no cycles, step flags consistent with step states,
-- task state consistent with its steps, audit rows from the trigger);
-- determinism (same arguments twice: same checksum of every generated row);
-- grow() equals a direct generate(); argument errors; check_target();
-- cleanup() leaves the hand-built dataset untouched.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET tas_bench.progress_interval = 0;

\set ECHO none
\i test/fixtures/tasker/tasker_schema.sql
SET search_path = tasker, public;
\i test/fixtures/tasker/tasker_small_dataset.sql
\set ECHO all

-- generate() sets its own search_path for the work and restores it after
SET search_path = public;

-- a checksum of every row of every tasker table (for "cleanup leaves the rest alone")
CREATE TEMP VIEW all_rows AS
SELECT md5(string_agg(x, '|' ORDER BY x)) AS checksum, count(*) AS n FROM (
  SELECT 'ns'   || to_jsonb(r)::text AS x FROM tasker.task_namespaces r UNION ALL
  SELECT 'nt'   || to_jsonb(r)::text FROM tasker.named_tasks r UNION ALL
  SELECT 'nst'  || to_jsonb(r)::text FROM tasker.named_steps r UNION ALL
  SELECT 'ntns' || to_jsonb(r)::text FROM tasker.named_tasks_named_steps r UNION ALL
  SELECT 't'    || to_jsonb(r)::text FROM tasker.tasks r UNION ALL
  SELECT 'ws'   || to_jsonb(r)::text FROM tasker.workflow_steps r UNION ALL
  SELECT 'e'    || to_jsonb(r)::text FROM tasker.workflow_step_edges r UNION ALL
  SELECT 'tt'   || to_jsonb(r)::text FROM tasker.task_transitions r UNION ALL
  SELECT 'st'   || to_jsonb(r)::text FROM tasker.workflow_step_transitions r UNION ALL
  SELECT 'a'    || to_jsonb(r)::text FROM tasker.workflow_step_result_audit r UNION ALL
  SELECT 'dlq'  || to_jsonb(r)::text FROM tasker.tasks_dlq r) s;

-- a checksum of the generated rows only, with the dataset id (the one value
-- that differs between two generations) and the audit rows' own uuid and
-- now()-valued columns left out
CREATE TEMP VIEW generated_rows AS
WITH t AS (SELECT * FROM tasker.tasks WHERE source_system = 'tas_bench' AND tags ? 'tas_bench'),
     ws AS (SELECT s.* FROM tasker.workflow_steps s JOIN t USING (task_uuid))
SELECT md5(string_agg(x, '|' ORDER BY x)) AS checksum, count(*) AS n FROM (
  SELECT 't' || (to_jsonb(t) || jsonb_build_object('tags', jsonb_set(t.tags, '{tas_bench,dataset}', '0')))::text AS x FROM t UNION ALL
  SELECT 'ws' || to_jsonb(ws)::text FROM ws UNION ALL
  SELECT 'e'  || to_jsonb(e)::text FROM tasker.workflow_step_edges e JOIN ws ON ws.workflow_step_uuid = e.from_step_uuid UNION ALL
  SELECT 'tt' || to_jsonb(x)::text FROM tasker.task_transitions x JOIN t USING (task_uuid) UNION ALL
  SELECT 'st' || to_jsonb(x)::text FROM tasker.workflow_step_transitions x JOIN ws USING (workflow_step_uuid) UNION ALL
  SELECT 'a'  || (to_jsonb(a) - 'workflow_step_result_audit_uuid' - 'recorded_at' - 'created_at' - 'updated_at')::text
    FROM tasker.workflow_step_result_audit a JOIN ws USING (workflow_step_uuid) UNION ALL
  SELECT 'nst' || to_jsonb(n)::text FROM tasker.named_steps n WHERE n.name LIKE 'tas\_bench\_%' UNION ALL
  SELECT 'nt' || to_jsonb(n)::text FROM tasker.named_tasks n WHERE n.name LIKE 'tas\_bench\_%') s;

SELECT n AS rows_before FROM all_rows;
SELECT checksum AS before_checksum FROM all_rows \gset

-- the stand-in is ready; a missing schema and a broken one are not
SELECT * FROM tas_bench.check_target();
SELECT * FROM tas_bench.check_target('no_such_schema');
CREATE SCHEMA broken;
CREATE TABLE broken.tasks (task_uuid uuid PRIMARY KEY, named_task_uuid uuid);
SELECT count(*) AS problems, count(*) FILTER (WHERE problem = 'table does not exist') AS missing_tables,
       count(*) FILTER (WHERE problem = 'column does not exist') AS missing_columns,
       count(*) FILTER (WHERE problem = 'function does not exist') AS missing_functions
  FROM tas_bench.check_target('broken');
SELECT * FROM tas_bench.check_target('broken') WHERE object LIKE '%tasks%' ORDER BY 1, 2 LIMIT 5;

-- argument errors
\set VERBOSITY default
SELECT tas_bench.generate(0);
SELECT tas_bench.generate(20000000);
SELECT tas_bench.generate(10, patterns => '{linear,spiral}');
SELECT tas_bench.generate(10, patterns => '{}');
SELECT tas_bench.generate(10, state_mix => '{"complete": 1, "done": 1}');
SELECT tas_bench.generate(10, state_mix => '{"complete": -1}');
SELECT tas_bench.generate(10, state_mix => '{"complete": "lots"}');
SELECT tas_bench.generate(10, state_mix => '[1, 2]');
SELECT tas_bench.generate(10, state_mix => '{"complete": 0}');
SELECT tas_bench.generate(10, target_schema => 'no_such_schema');
SELECT tas_bench.generate(10, target_schema => 'broken');
SELECT tas_bench.grow(12345, 10);
SELECT tas_bench.cleanup(12345);
\set VERBOSITY terse
DROP SCHEMA broken CASCADE;

-- a fixed-seed dataset
SELECT dataset_id AS ds1 FROM tas_bench.generate(400, 42, anchor => '2026-11-20 12:00:00+00') \gset
SELECT seed, tasks, patterns, target_schema, anchor, rows_written,
       parameters->'state_mix' = state_mix AS default_mix_recorded, seconds > 0 AS timed
  FROM tas_bench.datasets WHERE dataset_id = :ds1;
SHOW search_path;
SELECT state_mix FROM tas_bench.datasets;

-- per shape: tasks, steps, edges (template names encode the shape too)
SELECT t.tags->'tas_bench'->>'shape' AS shape, nt.name AS template, count(*) AS tasks,
       sum((SELECT count(*) FROM tasker.workflow_steps s WHERE s.task_uuid = t.task_uuid)) AS steps,
       min((SELECT count(*) FROM tasker.workflow_steps s WHERE s.task_uuid = t.task_uuid)) AS min_steps,
       max((SELECT count(*) FROM tasker.workflow_steps s WHERE s.task_uuid = t.task_uuid)) AS max_steps
  FROM tasker.tasks t JOIN tasker.named_tasks nt USING (named_task_uuid)
 WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'
 GROUP BY 1, 2 ORDER BY 1;

-- per current task state
SELECT x.to_state AS task_state, count(*) AS tasks
  FROM tasker.tasks t JOIN tasker.task_transitions x ON x.task_uuid = t.task_uuid AND x.most_recent
 WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'
 GROUP BY 1 ORDER BY 1;

-- per current step state
SELECT x.to_state AS step_state, count(*) AS steps
  FROM tasker.tasks t JOIN tasker.workflow_steps s USING (task_uuid)
  JOIN tasker.workflow_step_transitions x ON x.workflow_step_uuid = s.workflow_step_uuid AND x.most_recent
 WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'
 GROUP BY 1 ORDER BY 1;

-- edge labels
SELECT e.name, count(*) FROM tasker.workflow_step_edges e
  JOIN tasker.workflow_steps s ON s.workflow_step_uuid = e.from_step_uuid
  JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'
 GROUP BY 1 ORDER BY 1;

-- rows per table agree with rows_written
SELECT d.rows_written = jsonb_build_object(
         'tasks', (SELECT count(*) FROM tasker.tasks WHERE source_system = 'tas_bench' AND tags ? 'tas_bench'),
         'workflow_steps', (SELECT count(*) FROM tasker.workflow_steps s JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'),
         'workflow_step_edges', (SELECT count(*) FROM tasker.workflow_step_edges e JOIN tasker.workflow_steps s ON s.workflow_step_uuid = e.from_step_uuid JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'),
         'task_transitions', (SELECT count(*) FROM tasker.task_transitions x JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'),
         'workflow_step_transitions', (SELECT count(*) FROM tasker.workflow_step_transitions x JOIN tasker.workflow_steps s USING (workflow_step_uuid) JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'),
         'workflow_step_result_audit', (SELECT count(*) FROM tasker.workflow_step_result_audit a JOIN tasker.tasks t USING (task_uuid) WHERE t.source_system = 'tas_bench' AND t.tags ? 'tas_bench'))
       AS rows_written_matches
  FROM tas_bench.datasets d;

-- invariants: every count is 0
CREATE TEMP VIEW violations AS
WITH gt AS (SELECT * FROM tasker.tasks WHERE source_system = 'tas_bench' AND tags ? 'tas_bench'),
     gs AS (SELECT s.* FROM tasker.workflow_steps s JOIN gt USING (task_uuid)),
     cur AS (SELECT s.*, x.to_state AS state FROM gs s
               JOIN tasker.workflow_step_transitions x ON x.workflow_step_uuid = s.workflow_step_uuid AND x.most_recent)
SELECT 'task without exactly one most_recent' AS invariant, count(*) AS violations FROM gt
 WHERE (SELECT count(*) FROM tasker.task_transitions x WHERE x.task_uuid = gt.task_uuid AND x.most_recent) <> 1
UNION ALL
SELECT 'step without exactly one most_recent', count(*) FROM gs
 WHERE (SELECT count(*) FROM tasker.workflow_step_transitions x WHERE x.workflow_step_uuid = gs.workflow_step_uuid AND x.most_recent) <> 1
UNION ALL
SELECT 'task history: sort_key, time order, from_state, most_recent', count(*) FROM (
  SELECT x.sort_key, x.most_recent, x.from_state, x.to_state, x.created_at,
         row_number() OVER w AS rn, lag(x.created_at) OVER w AS prev_at, lag(x.to_state) OVER w AS prev_state,
         count(*) OVER (PARTITION BY x.task_uuid) AS n
    FROM tasker.task_transitions x JOIN gt USING (task_uuid)
  WINDOW w AS (PARTITION BY x.task_uuid ORDER BY x.sort_key)) h
 WHERE sort_key <> rn OR prev_at >= created_at OR from_state IS DISTINCT FROM prev_state
    OR most_recent <> (sort_key = n) OR (sort_key = 1 AND to_state <> 'pending')
UNION ALL
SELECT 'step history: sort_key, time order, from_state, most_recent', count(*) FROM (
  SELECT x.sort_key, x.most_recent, x.from_state, x.to_state, x.created_at, gs.created_at AS step_created,
         row_number() OVER w AS rn, lag(x.created_at) OVER w AS prev_at, lag(x.to_state) OVER w AS prev_state,
         count(*) OVER (PARTITION BY x.workflow_step_uuid) AS n
    FROM tasker.workflow_step_transitions x JOIN gs USING (workflow_step_uuid)
  WINDOW w AS (PARTITION BY x.workflow_step_uuid ORDER BY x.sort_key)) h
 WHERE sort_key <> rn OR prev_at >= created_at OR from_state IS DISTINCT FROM prev_state
    OR most_recent <> (sort_key = n) OR (sort_key = 1 AND (to_state <> 'pending' OR created_at <> step_created))
UNION ALL
SELECT 'edge between tasks or self-loop', count(*) FROM tasker.workflow_step_edges e
  JOIN gs a ON a.workflow_step_uuid = e.from_step_uuid
  JOIN tasker.workflow_steps b ON b.workflow_step_uuid = e.to_step_uuid
 WHERE a.task_uuid <> b.task_uuid OR a.workflow_step_uuid = b.workflow_step_uuid
UNION ALL
SELECT 'cycle', count(*) FROM (
  WITH RECURSIVE walk(start, cur, depth) AS (
    SELECT e.from_step_uuid, e.to_step_uuid, 1 FROM tasker.workflow_step_edges e JOIN gs ON gs.workflow_step_uuid = e.from_step_uuid
    UNION ALL
    SELECT w.start, e.to_step_uuid, w.depth + 1 FROM walk w JOIN tasker.workflow_step_edges e ON e.from_step_uuid = w.cur
     WHERE w.depth < 30)
  SELECT 1 FROM walk WHERE start = cur) c
UNION ALL
SELECT 'step flags inconsistent with step state', count(*) FROM cur s
 WHERE s.in_process <> (s.state = 'in_progress')
    OR s.processed <> (s.state IN ('complete', 'cancelled', 'resolved_manually'))
    OR (s.processed_at IS NULL) = s.processed
    OR coalesce(s.attempts, 0) <> (SELECT count(*) FROM tasker.workflow_step_transitions y
                                    WHERE y.workflow_step_uuid = s.workflow_step_uuid AND y.to_state = 'in_progress')
    OR (s.attempts IS NULL) <> (s.last_attempted_at IS NULL)
    OR s.attempts > s.max_attempts
    OR (s.state = 'waiting_for_retry' AND (s.backoff_request_seconds IS NULL OR s.results->'error' IS NULL))
    OR (s.state = 'error' AND (s.results->'error' IS NULL OR jsonb_typeof(s.results->'error'->'retryable') <> 'boolean'))
    OR (s.state = 'complete' AND (s.results->>'success')::boolean IS NOT TRUE)
    OR (s.state = 'pending' AND s.attempts IS NULL AND s.results IS NOT NULL)
UNION ALL
SELECT 'task state inconsistent with its steps', count(*) FROM gt t
  JOIN tasker.task_transitions x ON x.task_uuid = t.task_uuid AND x.most_recent
 WHERE (x.to_state = 'complete') <> (t.complete AND t.completed_at IS NOT NULL)
    OR (x.to_state = 'complete' AND EXISTS (SELECT 1 FROM cur s WHERE s.task_uuid = t.task_uuid AND s.state <> 'complete'))
    OR (x.to_state IN ('blocked_by_failures', 'error') AND NOT EXISTS (SELECT 1 FROM cur s WHERE s.task_uuid = t.task_uuid AND s.state = 'error'))
    OR (x.to_state IN ('pending', 'initializing') AND EXISTS (SELECT 1 FROM cur s WHERE s.task_uuid = t.task_uuid AND s.state <> 'pending'))
    OR (x.to_state = 'waiting_for_retry' AND NOT EXISTS (SELECT 1 FROM cur s WHERE s.task_uuid = t.task_uuid AND s.state = 'waiting_for_retry'))
    OR (x.to_state = 'cancelled' AND EXISTS (SELECT 1 FROM cur s WHERE s.task_uuid = t.task_uuid AND s.state NOT IN ('complete', 'cancelled')))
    OR t.updated_at <> (SELECT max(y.created_at) FROM tasker.task_transitions y WHERE y.task_uuid = t.task_uuid)
UNION ALL
SELECT 'undecided conditional or unexpanded batch with deferred steps', count(*) FROM gt t
 WHERE t.tags->'tas_bench'->>'shape' IN ('conditional', 'batch')
   AND (SELECT count(*) FROM gs WHERE gs.task_uuid = t.task_uuid) > (CASE t.tags->'tas_bench'->>'shape' WHEN 'batch' THEN 1 ELSE 2 END)
   AND EXISTS (SELECT 1 FROM cur s JOIN tasker.named_steps n USING (named_step_uuid)
                WHERE s.task_uuid = t.task_uuid AND n.name IN ('tas_bench_batch_analyze_csv', 'tas_bench_conditional_routing_decision')
                  AND s.state <> 'complete')
UNION ALL
SELECT 'audit rows not one per enqueued_*_for_orchestration transition', abs(
  (SELECT count(*) FROM tasker.workflow_step_result_audit a JOIN gs USING (workflow_step_uuid)) -
  (SELECT count(*) FROM tasker.workflow_step_transitions x JOIN gs USING (workflow_step_uuid)
    WHERE x.to_state IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration')))
UNION ALL
SELECT 'audit rows without worker, time or the right success', count(*)
  FROM tasker.workflow_step_result_audit a JOIN gs USING (workflow_step_uuid)
  JOIN tasker.workflow_step_transitions x USING (workflow_step_transition_uuid)
 WHERE a.worker_uuid IS NULL OR a.correlation_id IS NULL OR a.execution_time_ms IS NULL
    OR a.success <> (x.to_state = 'enqueued_for_orchestration')
UNION ALL
SELECT 'timestamps after the anchor', count(*) FROM tasker.workflow_step_transitions x JOIN gs USING (workflow_step_uuid)
 WHERE x.created_at > (SELECT max(anchor) FROM tas_bench.datasets) AT TIME ZONE 'UTC'
UNION ALL
SELECT 'identity_hash not lower-case hex without padding', count(*) FROM gt WHERE identity_hash !~ '^[1-9a-f][0-9a-f]{0,15}$'
UNION ALL
SELECT 'uuid not version 7', count(*) FROM gt WHERE substr(task_uuid::text, 15, 1) <> '7' OR substr(correlation_id::text, 15, 1) <> '7';

SELECT * FROM violations;

-- the same seed and anchor while the dataset exists: refused
\set VERBOSITY default
SELECT tas_bench.generate(10, 42, anchor => '2026-11-20 12:00:00+00');
\set VERBOSITY terse

-- determinism: same arguments after cleanup give the same rows; another seed does not
SELECT checksum AS first_checksum, n AS generated_rows FROM generated_rows \gset
SELECT :'generated_rows'::int > 0 AS has_rows;
SELECT tas_bench.cleanup(:ds1) AS removed;
SELECT (SELECT n FROM generated_rows) AS left_after_cleanup;
SELECT dataset_id AS ds2 FROM tas_bench.generate(400, 42, anchor => '2026-11-20 12:00:00+00') \gset
SELECT checksum = :'first_checksum' AS same_rows FROM generated_rows;
SELECT tas_bench.cleanup(:ds2) > 0 AS removed;
SELECT dataset_id AS ds3 FROM tas_bench.generate(400, 43, anchor => '2026-11-20 12:00:00+00') \gset
SELECT checksum <> :'first_checksum' AS other_seed_other_rows FROM generated_rows;
SELECT tas_bench.cleanup(:ds3) > 0 AS removed;

-- grow: 150 tasks grown to 400 = 400 tasks generated at once
SELECT dataset_id AS ds4, tasks FROM tas_bench.generate(150, 42, anchor => '2026-11-20 12:00:00+00') \gset
SELECT :ds4 > :ds3 AS new_id, :tasks AS tasks_before;
SELECT dataset_id = :ds4 AS same_dataset, tasks, grown_at IS NOT NULL AS grown,
       rows_written->'tasks' AS tasks_written, rows_written->'workflow_step_transitions' AS step_transitions_written
  FROM tas_bench.grow(:ds4, 400);
SELECT checksum = :'first_checksum' AS grown_equals_direct FROM generated_rows;
\set VERBOSITY default
SELECT tas_bench.grow(:ds4, 400);
\set VERBOSITY terse
SELECT * FROM violations WHERE violations <> 0;

-- a subset of shapes and a state mix
SELECT dataset_id AS ds5, patterns, state_mix FROM tas_bench.generate(200, 5, '{batch,conditional}',
       '{"waiting_for_retry": 1, "blocked_by_failures": 1}', anchor => '2026-11-20 12:00:00+00') \gset
SELECT :'patterns' AS patterns, :'state_mix' AS state_mix;
SELECT t.tags->'tas_bench'->>'shape' AS shape, x.to_state, count(*) > 0 AS present
  FROM tasker.tasks t JOIN tasker.task_transitions x ON x.task_uuid = t.task_uuid AND x.most_recent
 WHERE t.tags @> jsonb_build_object('tas_bench', jsonb_build_object('dataset', :ds5))
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM violations WHERE violations <> 0;

-- a role that is not a superuser: generate, then cleanup on the checked path
-- (foreign-key checks not skipped)
CREATE ROLE regress_tb_gen_user;
GRANT USAGE ON SCHEMA tasker TO regress_tb_gen_user;
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA tasker TO regress_tb_gen_user;
GRANT EXECUTE ON FUNCTION tas_bench.generate(integer, bigint, text[], jsonb, name, timestamptz, text),
                          tas_bench.cleanup(bigint) TO regress_tb_gen_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON tas_bench.datasets, tas_bench.dataset_templates TO regress_tb_gen_user;
GRANT USAGE ON SEQUENCE tas_bench.datasets_dataset_id_seq TO regress_tb_gen_user;
SET ROLE regress_tb_gen_user;
SELECT dataset_id AS ds6 FROM tas_bench.generate(60, 9, anchor => '2026-11-20 12:00:00+00') \gset
SELECT count(*) AS tasks FROM tasker.tasks WHERE tags @> jsonb_build_object('tas_bench', jsonb_build_object('dataset', :ds6));
SELECT tas_bench.cleanup(:ds6) > 0 AS removed;
SELECT count(*) AS tasks_left FROM tasker.tasks WHERE tags @> jsonb_build_object('tas_bench', jsonb_build_object('dataset', :ds6));
RESET ROLE;
SELECT * FROM violations WHERE violations <> 0;
-- check_target names a missing privilege
REVOKE DELETE ON tasker.tasks_dlq FROM regress_tb_gen_user;
SET ROLE regress_tb_gen_user;
SELECT * FROM tas_bench.check_target();
RESET ROLE;

-- cleanup of everything: the hand-built data is untouched, templates are gone
SELECT tas_bench.cleanup() > 0 AS removed;
SELECT count(*) AS datasets_left FROM tas_bench.datasets;
SELECT count(*) AS templates_recorded FROM tas_bench.dataset_templates;
SELECT count(*) AS generated_templates_left FROM tasker.named_steps WHERE name LIKE 'tas\_bench\_%';
SELECT n AS rows_after, checksum = :'before_checksum' AS untouched FROM all_rows;
-- templates created afresh: still the same rows
SELECT dataset_id AS ds7 FROM tas_bench.generate(400, 42, anchor => '2026-11-20 12:00:00+00') \gset
SELECT checksum = :'first_checksum' AS same_rows_fresh_templates FROM generated_rows;
SELECT tas_bench.cleanup() > 0 AS removed;
SELECT checksum = :'before_checksum' AS untouched FROM all_rows;
SELECT tas_bench.cleanup() AS removed_again;

DROP SCHEMA tasker CASCADE;
DROP OWNED BY regress_tb_gen_user;
DROP ROLE regress_tb_gen_user;
RESET search_path;
