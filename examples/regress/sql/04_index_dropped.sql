-- 04_index_dropped: what a regression looks like.  Without the index on
-- workflow_step_edges (to_step_uuid), the statement that
-- get_task_execution_contexts_batch runs inside get_next_ready_tasks reads
-- the edges another way: its plan tree lines change and the buffer budget of
-- 02_budgets no longer holds.  (Here the failures are the expected output;
-- in your suite they would be the diff.)
SET search_path = tasker, public;
BEGIN;
DROP INDEX idx_workflow_step_edges_to;

SELECT * FROM tas_bench.expect('SELECT * FROM get_next_ready_tasks($1)', 'SELECT 5',
                               rows => 5, max_buffers => 4000, max_wal_bytes => 0);

-- the lines of the plan tree that read workflow_step_edges
SELECT x AS plan_tree_lines
  FROM tas_bench.plan_tree('SELECT * FROM get_next_ready_tasks($1)', 'SELECT 5') x
 WHERE x ~ 'workflow_step_edges|Cond: \(.*to_step_uuid';
ROLLBACK;
