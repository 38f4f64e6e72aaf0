-- 05_state_change: a function that changes data.  expect() runs every call
-- in a subtransaction that is rolled back, so each call sees the same task
-- in the same state and nothing stays behind.  It writes WAL; the budget
-- leaves room for the full-page images that follow a checkpoint.  Last in
-- the suite: the rolled-back rows it leaves until the next vacuum would
-- otherwise be read by the checks after it.
SET search_path = tasker, public;

SELECT * FROM tas_bench.expect(
  'SELECT transition_task_state_atomic($1, $2, ''initializing'', $3)',
  'SELECT s.task_uuid, s.state::varchar, ''00000000-0000-0000-0000-000000000001''::uuid
     FROM tas_bench.sample_tasks(200, seed => 1) s WHERE s.state = ''pending'' LIMIT 5',
  iterations => 5, rows => 1, max_buffers => 80, max_wal_bytes => 30000);

-- the tasks are still pending
SELECT count(*) AS initializing_tasks
  FROM task_transitions WHERE most_recent AND to_state = 'initializing'
   AND processor_uuid = '00000000-0000-0000-0000-000000000001';
