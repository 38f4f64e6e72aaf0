-- 02_budgets: the work each orchestration function may do per call.  Each
-- line says "ok" while the function stays within its budget; when it does
-- not, the line shows the measured value and this test fails with a diff.
-- Budgets are today's figures with some headroom (run once with a budget of
-- 0 to see a figure).  No time budgets: time depends on the machine.
SET search_path = tasker, public;

-- discovery: 5 tasks found, read-only (no WAL)
SELECT * FROM tas_bench.expect('SELECT * FROM get_next_ready_tasks($1)', 'SELECT 5',
                               rows => 5, max_buffers => 4000, max_wal_bytes => 0);

-- step readiness and execution context of 20 tasks, one call each
SELECT * FROM tas_bench.expect('SELECT * FROM get_step_readiness_status($1)',
                               'SELECT task_uuid FROM tas_bench.sample_tasks(20, seed => 1)',
                               iterations => 20, rows => 5.15, max_buffers => 90, max_wal_bytes => 0);
SELECT * FROM tas_bench.expect('SELECT * FROM get_task_execution_context($1)',
                               'SELECT task_uuid FROM tas_bench.sample_tasks(20, seed => 1)',
                               iterations => 20, rows => 1, max_buffers => 100, max_wal_bytes => 0);

-- the DAG walks, over 20 steps and 20 tasks
SELECT * FROM tas_bench.expect('SELECT * FROM get_step_transitive_dependencies($1)',
                               'SELECT workflow_step_uuid FROM tas_bench.sample_steps(20, seed => 1)',
                               iterations => 20, rows => 2.75, max_buffers => 25, max_wal_bytes => 0);
SELECT * FROM tas_bench.expect('SELECT * FROM calculate_dependency_levels($1)',
                               'SELECT task_uuid FROM tas_bench.sample_tasks(20, seed => 1)',
                               iterations => 20, rows => 5.15, max_buffers => 100, max_wal_bytes => 0);

-- the discovery row of one task, and the health counts (which read every task)
SELECT * FROM tas_bench.expect('SELECT * FROM get_task_ready_info($1)',
                               'SELECT task_uuid FROM tas_bench.sample_tasks(20, seed => 1)',
                               iterations => 20, rows => 1, max_buffers => 110, max_wal_bytes => 0);
SELECT * FROM tas_bench.expect('SELECT * FROM get_system_health_counts()',
                               iterations => 3, rows => 1, max_buffers => 160, max_wal_bytes => 0);
