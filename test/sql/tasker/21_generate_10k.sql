-- 21_generate_10k: every orchestration function of the stand-in runs on a
-- 10K-task generated dataset and returns rows where the data says it should.
-- The dataset is anchored at now() (the functions compare with now()), so
-- only booleans and counts that do not depend on the clock are printed.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET tas_bench.progress_interval = 0;

\set ECHO none
\i test/fixtures/tasker/tasker_schema.sql
\set ECHO all

SELECT dataset_id AS ds, tasks, rows_written->'tasks' AS tasks_written
  FROM tas_bench.generate(10000, 2026) \gset
SELECT :tasks AS tasks, :tasks_written AS tasks_written;

-- the upstream functions resolve tables through the search_path
SET search_path = tasker, public;
ANALYZE;

-- samples: one task per current state, one step per current state
CREATE TEMP TABLE task_by_state AS
SELECT DISTINCT ON (x.to_state) x.to_state AS state, t.task_uuid, t.tags->'tas_bench'->>'shape' AS shape
  FROM tasks t JOIN task_transitions x ON x.task_uuid = t.task_uuid AND x.most_recent
 ORDER BY x.to_state, t.task_uuid;
SELECT state FROM task_by_state ORDER BY 1;

-- a complex_dag's finalize step (7 steps reachable) and its task
CREATE TEMP TABLE deep_step AS
SELECT s.workflow_step_uuid, s.task_uuid
  FROM workflow_steps s JOIN named_steps n USING (named_step_uuid)
 WHERE n.name = 'tas_bench_complex_dag_finalize'
 ORDER BY s.workflow_step_uuid LIMIT 1;

-- discovery: pending tasks are always discoverable
SELECT count(*) = 10 AS ten_ready_tasks, bool_or(current_state = 'pending') AS some_pending,
       bool_and(current_state IN ('pending', 'waiting_for_dependencies', 'waiting_for_retry')) AS discoverable_states
  FROM get_next_ready_tasks(10);
SELECT count(*) = 1 AS one_task FROM get_next_ready_task();
SELECT count(*) = 1 AS info_row FROM get_task_ready_info((SELECT task_uuid FROM task_by_state WHERE state = 'complete'));
SELECT count(*) > 0 AS waiting_discovered
  FROM get_next_ready_tasks(NULL) WHERE current_state IN ('waiting_for_dependencies', 'waiting_for_retry');

-- readiness: ready steps exist (pending tasks' roots), a blocked task has none
SELECT count(*) > 0 AS steps, bool_or(ready_for_execution) AS some_ready
  FROM get_step_readiness_status((SELECT task_uuid FROM task_by_state WHERE state = 'pending'));
SELECT count(*) > 0 AS steps, bool_or(current_state = 'error') AS has_error
  FROM get_step_readiness_status((SELECT task_uuid FROM task_by_state WHERE state = 'blocked_by_failures'));
SELECT count(*) > 0 AS rows, count(DISTINCT task_uuid) AS tasks, bool_or(ready_for_execution) AS some_ready,
       bool_or(retry_eligible) AS some_retry_eligible, bool_or(next_retry_at IS NOT NULL) AS some_backoff
  FROM get_step_readiness_status_batch(ARRAY(SELECT task_uuid FROM task_by_state));

-- execution contexts: every execution_status that the data implies occurs
SELECT c.execution_status, count(*) > 0 AS present
  FROM get_task_execution_contexts_batch(ARRAY(SELECT task_uuid FROM tasks)) c
 GROUP BY 1 ORDER BY 1;
SELECT status, execution_status, health_status, total_steps > 0 AS has_steps
  FROM get_task_execution_context((SELECT task_uuid FROM task_by_state WHERE state = 'blocked_by_failures'));
SELECT status, execution_status, completion_percentage
  FROM get_task_execution_context((SELECT task_uuid FROM task_by_state WHERE state = 'complete'));

-- DAG walks
SELECT count(*) AS ancestor_rows, max(distance) AS max_distance
  FROM get_step_transitive_dependencies((SELECT workflow_step_uuid FROM deep_step));
SELECT count(*) AS steps, max(dependency_level) AS depth
  FROM calculate_dependency_levels((SELECT task_uuid FROM deep_step));

-- current state and a compare-and-swap transition on a generated task
SELECT get_current_task_state((SELECT task_uuid FROM task_by_state WHERE state = 'pending')) AS state;
SELECT transition_task_state_atomic((SELECT task_uuid FROM task_by_state WHERE state = 'pending'),
                                    'pending', 'initializing', gen_random_uuid()) AS swapped;
SELECT get_current_task_state((SELECT task_uuid FROM task_by_state WHERE state = 'pending')) AS state;

-- the retry-time helpers
SELECT calculate_step_next_retry_time(backoff_request_seconds, last_attempted_at, NULL, attempts) IS NOT NULL AS next_retry_known,
       evaluate_step_state_readiness('waiting_for_retry', processed, in_process, true, true, retryable,
         calculate_step_next_retry_time(backoff_request_seconds, last_attempted_at, NULL, attempts)) IS NOT NULL AS evaluated
  FROM workflow_steps WHERE backoff_request_seconds IS NOT NULL ORDER BY workflow_step_uuid LIMIT 1;

-- system health: every task state is populated, totals match
SELECT total_tasks, total_steps = (SELECT count(*) FROM workflow_steps) AS steps_total_matches,
       pending_tasks > 0 AS p, initializing_tasks > 0 AS i, enqueuing_steps_tasks > 0 AS e,
       steps_in_process_tasks > 0 AS sip, evaluating_results_tasks > 0 AS er,
       waiting_for_dependencies_tasks > 0 AS wfd, waiting_for_retry_tasks > 0 AS wfr,
       blocked_by_failures_tasks > 0 AS b, complete_tasks > 0 AS c, error_tasks > 0 AS err,
       cancelled_tasks > 0 AS can, resolved_manually_tasks > 0 AS rm,
       in_progress_steps > 0 AS step_ip, waiting_for_retry_steps > 0 AS step_wfr, error_steps > 0 AS step_err
  FROM get_system_health_counts();

-- cleanup removes the dataset, including the transition added above
RESET search_path;
SELECT tas_bench.cleanup(:ds) > 0 AS removed;
SELECT count(*) AS tasks_left FROM tasker.tasks;
SELECT count(*) AS transitions_left FROM tasker.task_transitions;
SELECT count(*) AS audit_left FROM tasker.workflow_step_result_audit;

\set VERBOSITY terse
DROP SCHEMA tasker CASCADE;
