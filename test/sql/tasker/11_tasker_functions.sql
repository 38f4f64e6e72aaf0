-- 11_tasker_functions: pin the output of every stand-in orchestration function
-- (test/fixtures/tasker/tasker_schema.sql) on the hand-built dataset
-- (test/fixtures/tasker/tasker_small_dataset.sql; its header lists the 15 tasks).
-- Expected values were derived from the spec (tasker-data-model.md sections 5
-- and 8); the comments give the reason for each value that may surprise.
-- Times are relative to now(): we print booleans, offsets between stored
-- times, or values rounded so that seconds of drift cannot change them.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET search_path = tasker, public;

\set ECHO none
\i test/fixtures/tasker/tasker_small_dataset.sql
\set ECHO all

-- ------------------------------------------------------------------------
-- 5.1 calculate_step_next_retry_time (pure; literal times)
-- ------------------------------------------------------------------------
SELECT c.label, c.got - '2026-01-01 00:00:00'::timestamp AS offset, c.expected,
       (c.got - '2026-01-01 00:00:00'::timestamp) IS NOT DISTINCT FROM c.expected AS ok
  FROM (VALUES
    -- explicit backoff: last_attempted_at + backoff
    ('backoff 30 + last attempt',      calculate_step_next_retry_time(30, '2026-01-01', NULL, 1), interval '30 s'),
    ('backoff wins over failure time', calculate_step_next_retry_time(30, '2026-01-01', '2026-01-01 00:10', 1), interval '30 s'),
    ('backoff 0 = last attempt',       calculate_step_next_retry_time(0, '2026-01-01', NULL, 5), interval '0 s'),
    -- fallback: failure + min(2.0 ^ coalesce(attempts, 1), 60)
    ('no backoff, attempts 1',         calculate_step_next_retry_time(NULL, '2026-01-01 00:05', '2026-01-01', 1), interval '2 s'),
    ('no backoff, attempts NULL',      calculate_step_next_retry_time(NULL, NULL, '2026-01-01', NULL), interval '2 s'),
    ('no backoff, attempts 0',         calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 0), interval '1 s'),
    ('no backoff, attempts -1',        calculate_step_next_retry_time(NULL, NULL, '2026-01-01', -1), interval '0.5 s'),
    ('no backoff, attempts 5',         calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 5), interval '32 s'),
    ('no backoff, attempts 6 (cap)',   calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 6), interval '60 s'),
    ('no backoff, attempts 100',       calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 100), interval '60 s'),
    -- backoff set but no last attempt: the fallback is used
    ('backoff without last attempt',   calculate_step_next_retry_time(100, NULL, '2026-01-01', 2), interval '4 s'),
    -- custom cap / multiplier
    ('cap 10, attempts 3',             calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 3, 10), interval '8 s'),
    ('cap 10, attempts 4',             calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 4, 10), interval '10 s'),
    ('multiplier 3, cap 100',          calculate_step_next_retry_time(NULL, NULL, '2026-01-01', 3, 100, 3.0), interval '27 s'),
    -- nothing to go on: NULL
    ('last attempt only',              calculate_step_next_retry_time(NULL, '2026-01-01', NULL, 1), NULL),
    ('backoff only',                   calculate_step_next_retry_time(5, NULL, NULL, 1), NULL),
    ('nothing',                        calculate_step_next_retry_time(NULL, NULL, NULL, NULL), NULL)
  ) AS c(label, got, expected);

-- ------------------------------------------------------------------------
-- 5.2 evaluate_step_state_readiness
-- ------------------------------------------------------------------------
SELECT c.label, c.got, c.expected, c.got IS NOT DISTINCT FROM c.expected AS ok
  FROM (VALUES
    ('pending, all good',                 evaluate_step_state_readiness('pending', false, false, true, true, true, NULL), true),
    ('NULL state = pending, NULL flags',  evaluate_step_state_readiness(NULL, NULL, NULL, true, true, true, NULL), true),
    ('retryable false is ignored',        evaluate_step_state_readiness('pending', false, false, true, true, false, NULL), true),
    ('waiting_for_retry, retry time past', evaluate_step_state_readiness('waiting_for_retry', false, false, true, true, true, now()::timestamp - interval '1 hour'), true),
    ('retry time = now() counts as due',  evaluate_step_state_readiness('waiting_for_retry', false, false, true, true, true, now()::timestamp), true),
    ('retry time in future',              evaluate_step_state_readiness('waiting_for_retry', false, false, true, true, true, now()::timestamp + interval '1 hour'), false),
    ('state error',                       evaluate_step_state_readiness('error', false, false, true, true, true, NULL), false),
    ('state enqueued',                    evaluate_step_state_readiness('enqueued', false, false, true, true, true, NULL), false),
    ('processed',                         evaluate_step_state_readiness('pending', true, false, true, true, true, NULL), false),
    ('in process',                        evaluate_step_state_readiness('pending', false, true, true, true, true, NULL), false),
    ('dependencies not satisfied',        evaluate_step_state_readiness('pending', false, false, false, true, true, NULL), false),
    ('not retry eligible',                evaluate_step_state_readiness('pending', false, false, true, false, true, NULL), false),
    -- three-valued logic: NULL inputs can give NULL ...
    ('dependencies NULL',                 evaluate_step_state_readiness('pending', false, false, NULL, true, true, NULL), NULL),
    ('retry_eligible NULL',               evaluate_step_state_readiness('pending', false, false, true, NULL, true, NULL), NULL),
    -- ... unless another conjunct is false
    ('dependencies NULL, state error',    evaluate_step_state_readiness('error', false, false, NULL, true, true, NULL), false),
    ('dependencies NULL, not eligible',   evaluate_step_state_readiness('pending', false, false, NULL, false, true, NULL), false)
  ) AS c(label, got, expected);

-- ------------------------------------------------------------------------
-- 5.4 get_step_readiness_status, every task (step = last 4 digits KKSS).
-- next_after = next_retry_at - last_failure_at (or - last_attempted_at when
-- the step never failed).  Reasons:
--  T01 0102 ready: its one parent 0101 is complete.  0103/0104 wait for a
--       pending parent.  0101 is complete, so not ready although eligible.
--  T02 0203 in_progress: not ready (state).  0204 end: 1 of 2 parents done.
--  T03 0302 left is in error with 1 of 3 attempts: retry_eligible true but
--       never ready (state check); next_after 2 s = fallback 2^1.  Its
--       children 0304/0305 wait forever; 0307 leaf_g is ready; 0308 has 4
--       parents, 1 complete.
--  T04 0401 backoff 3600 s from 1 min ago: next in the future, not ready.
--      0402 backoff 30 s from 10 min ago: ready.
--      0403 waiting_for_retry, no backoff, never in error: next NULL, ready.
--      0404 error just now, attempts 6 (max 10): fallback capped at 60 s,
--           next in the future, not ready.
--      0405 error 2 h ago, attempts 1: next = error + 2 s, ready.
--      0406 attempts 3 = max 3: not eligible, not ready.
--      0407 retryable false, attempts 1: not eligible.
--      0408 retryable false, max_attempts 0, never attempted: eligible, ready.
--      0409 max_attempts NULL shown as 3; backoff 0: next = last attempt, ready.
--      0410 backoff 100 but no last attempt, attempts NULL: fallback from the
--           error with 2^1 = 2 s (raw NULL attempts -> exponent 1); attempts shown 0.
--      0411 attempts 0: fallback 2^0 = 1 s.
--      0412 no transition at all: current_state pending, ready.
--      0413 / 0414 state pending but processed / in_process flag set: not ready.
--  T05 all complete.  T07 only 0701 ready.  T08-T11 one ready step each.
--  T12 1202's parent is cancelled: never ready; 1204's parent is
--       resolved_manually, which counts as complete: ready.  1203 has an error
--       in its history, hence failed_before and a 2 s fallback.
--  T13 1302 has two edge rows from 1301 (two names): 2 of 2 parents.
--       1303's parent is a step of T01, outside the working set: 1 parent,
--       0 complete, not ready.
--  T14 1401's only parent is in T13: not complete for this task, not ready.
--  T15 enqueued / enqueued_for_orchestration / enqueued_as_error...: not ready.
-- ------------------------------------------------------------------------
SELECT right(r.workflow_step_uuid::text, 4) AS step, r.name, r.current_state,
       r.dependencies_satisfied AS deps, r.retry_eligible AS elig, r.ready_for_execution AS ready,
       r.last_failure_at IS NOT NULL AS failed_before,
       r.next_retry_at - coalesce(r.last_failure_at, r.last_attempted_at) AS next_after,
       r.next_retry_at > now() AS next_future,
       r.total_parents AS tp, r.completed_parents AS cp, r.attempts AS att, r.max_attempts AS max,
       r.backoff_request_seconds AS backoff, r.last_attempted_at IS NOT NULL AS attempted
  FROM tasks t
  CROSS JOIN LATERAL get_step_readiness_status(t.task_uuid) r
 ORDER BY t.task_uuid, r.workflow_step_uuid;

-- The function's own order is (task_uuid, workflow_step_uuid); raw columns of T04.
SELECT right(workflow_step_uuid::text, 4) AS step, right(task_uuid::text, 2) AS task,
       right(named_step_uuid::text, 2) AS ns, current_state,
       last_failure_at = (SELECT max(created_at) FROM workflow_step_transitions f
                           WHERE f.workflow_step_uuid = r.workflow_step_uuid AND f.to_state = 'error') AS last_error_time,
       last_attempted_at = (SELECT w.last_attempted_at FROM workflow_steps w
                             WHERE w.workflow_step_uuid = r.workflow_step_uuid) AS raw_last_attempt
  FROM get_step_readiness_status('10000000-0000-7000-8000-000000000004') r;

-- Spec 8.3: with a step filter, parents are looked up only inside the filter.
-- Asking for 0102 alone: its parent 0101 (complete) is outside, so 0 of 1.
SELECT right(workflow_step_uuid::text, 4) AS step, total_parents, completed_parents,
       dependencies_satisfied, ready_for_execution
  FROM get_step_readiness_status('10000000-0000-7000-8000-000000000001',
                                 ARRAY['20000000-0000-7000-8000-000000000102']::uuid[]);
-- With the parent in the filter it is ready; repeated uuids give one row each.
SELECT right(workflow_step_uuid::text, 4) AS step, total_parents, completed_parents,
       dependencies_satisfied, ready_for_execution
  FROM get_step_readiness_status('10000000-0000-7000-8000-000000000001',
                                 ARRAY['20000000-0000-7000-8000-000000000102',
                                       '20000000-0000-7000-8000-000000000101',
                                       '20000000-0000-7000-8000-000000000102']::uuid[]);
-- A filter naming a step of another task, an unknown task, a NULL array: nothing.
SELECT count(*) AS other_task_step
  FROM get_step_readiness_status('10000000-0000-7000-8000-000000000001',
                                 ARRAY['20000000-0000-7000-8000-000000000201']::uuid[]);
SELECT count(*) AS unknown_task FROM get_step_readiness_status('10000000-0000-7000-8000-000000000099');
SELECT count(*) AS null_array FROM get_step_readiness_status_batch(NULL);
SELECT count(*) AS empty_filter
  FROM get_step_readiness_status('10000000-0000-7000-8000-000000000001', '{}'::uuid[]);

-- 5.3 batch: one row per step, no duplicates for a repeated task, ordered by
-- (task_uuid, step uuid) whatever the array order.  The working set is all
-- selected steps, so with T01 in the same call, 1303's parent 0101 is in it:
-- 1303 now has 1 of 1 parents complete and is ready (it is not when T13 is
-- asked alone, above).
SELECT right(task_uuid::text, 2) AS task, right(workflow_step_uuid::text, 4) AS step,
       total_parents, completed_parents, ready_for_execution
  FROM get_step_readiness_status_batch(ARRAY['10000000-0000-7000-8000-000000000013',
                                             '10000000-0000-7000-8000-000000000001',
                                             '10000000-0000-7000-8000-000000000013']::uuid[]);
-- The single-task function is exactly the batch with one task.
SELECT count(*) AS differences FROM (
  (SELECT * FROM get_step_readiness_status('10000000-0000-7000-8000-000000000004')
   EXCEPT ALL
   SELECT * FROM get_step_readiness_status_batch(ARRAY['10000000-0000-7000-8000-000000000004']::uuid[]))
  UNION ALL
  (SELECT * FROM get_step_readiness_status_batch(ARRAY['10000000-0000-7000-8000-000000000004']::uuid[])
   EXCEPT ALL
   SELECT * FROM get_step_readiness_status('10000000-0000-7000-8000-000000000004'))) d;

-- ------------------------------------------------------------------------
-- 5.5 get_task_execution_context, every task, plus an unknown uuid (no row).
--  T01 has_ready_steps, 1 of 4 complete = 25.00.
--  T02 nothing ready, one in_progress: processing / wait_for_completion.
--  T03 one step in error: blocked_by_failures wins although leaf_g is ready;
--      failed_steps = the "permanently blocked" count, health blocked; 37.50.
--  T04 14 steps: 8 pending (0412 has no transition and counts as pending),
--      6 waiting_for_retry in no bucket; 8 ready.
--  T05 all_complete / finalize_task, 100.00.
--  T06 no steps: waiting_for_dependencies, completion 0.0 (scale 1, not 0.00).
--  T11 has no task transition: status 'pending'.
--  T12 cancelled step is in no bucket; resolved_manually counts as completed.
--  T13 1303 not ready (cross-task parent): 1 ready; 1 of 3 = 33.33.
--  T14 nothing ready: waiting_for_dependencies.
--  T15 enqueued + enqueued_for_orchestration + enqueued_as_error: processing,
--      enqueued_steps 3.
-- ------------------------------------------------------------------------
SELECT right(c.task_uuid::text, 2) AS task, right(c.named_task_uuid::text, 3) AS nt, c.status,
       c.total_steps AS total, c.pending_steps AS pend, c.in_progress_steps AS inprog,
       c.completed_steps AS done, c.failed_steps AS failed, c.ready_steps AS ready,
       c.execution_status, c.recommended_action, c.completion_percentage AS pct,
       c.health_status, c.enqueued_steps AS enq
  FROM (SELECT task_uuid FROM tasks
        UNION ALL SELECT '10000000-0000-7000-8000-000000000099') t
  CROSS JOIN LATERAL get_task_execution_context(t.task_uuid) c
 ORDER BY c.task_uuid;

-- 5.6 batch: one row per existing task, unknown uuids give nothing, and a
-- uuid repeated k times multiplies its counts by k (spec 8.9): T02 twice
-- reports 8 steps; the percentage and statuses do not change.
SELECT right(task_uuid::text, 2) AS task, status, total_steps AS total, pending_steps AS pend,
       in_progress_steps AS inprog, completed_steps AS done, failed_steps AS failed,
       ready_steps AS ready, execution_status, completion_percentage AS pct, enqueued_steps AS enq
  FROM get_task_execution_contexts_batch(ARRAY['10000000-0000-7000-8000-000000000002',
                                               '10000000-0000-7000-8000-000000000099',
                                               '10000000-0000-7000-8000-000000000002',
                                               '10000000-0000-7000-8000-000000000006',
                                               '10000000-0000-7000-8000-000000000015',
                                               '10000000-0000-7000-8000-000000000015',
                                               '10000000-0000-7000-8000-000000000015']::uuid[])
 ORDER BY task_uuid;
-- Readiness in the batch is per task (computed "per array element via 5.4"),
-- so putting T01 with T13 and T13 with T14 changes nothing: the batch over all
-- tasks equals the single-task function for each.
SELECT count(*) AS differences FROM (
  (SELECT * FROM get_task_execution_contexts_batch(ARRAY(SELECT task_uuid FROM tasks))
   EXCEPT ALL
   SELECT c.* FROM tasks t CROSS JOIN LATERAL get_task_execution_context(t.task_uuid) c)
  UNION ALL
  (SELECT c.* FROM tasks t CROSS JOIN LATERAL get_task_execution_context(t.task_uuid) c
   EXCEPT ALL
   SELECT * FROM get_task_execution_contexts_batch(ARRAY(SELECT task_uuid FROM tasks)))) d;

-- ------------------------------------------------------------------------
-- 5.7 get_next_ready_tasks.  Candidates: T01 (waiting_for_dependencies for
-- 10 min), T03 (w.f.d. 5 min), T04 (waiting_for_retry 20 min), pending T06,
-- T07, T08.  Not candidates: T09 (w.f.d. for 61 min > 60, stale), T10 (w.f.r.
-- 31 min > 30, stale), T11 (no transition), the others (other states).
-- computed_priority:
--   T07 pending for 2 h (decay bucket): 10 * exp(-7200/43200) = 8.46
--   T01 state 10 min old: 5 + (task age 2 h) * 0.1 = 5.20
--   T06 re-entered pending 1 min ago, task 30 h old: 1 + 30 * 0.1 = 4.00
--   T04 0 + 2 h * 0.1 = 0.20
--   T08 pending for 25 h: the constant 0.1 (its priority 100 does not matter)
--   T03 50.30 but execution_status blocked_by_failures: dropped although it
--       has a ready step (spec 8.2).
-- T06 has no steps and is returned anyway (pending is always kept), with 0.
-- ------------------------------------------------------------------------
SELECT right(task_uuid::text, 2) AS task, task_name, priority, namespace_name,
       ready_steps_count, round(computed_priority, 2) AS computed_priority, current_state
  FROM get_next_ready_tasks();
SELECT right(task_uuid::text, 2) AS task, round(computed_priority, 2) AS computed_priority
  FROM get_next_ready_tasks(2);
SELECT right(task_uuid::text, 2) AS task, task_name, priority, namespace_name,
       ready_steps_count, round(computed_priority, 2) AS computed_priority, current_state
  FROM get_next_ready_task();
-- NULL = no limit at either truncation; 0 = nothing; negative = error.
SELECT right(task_uuid::text, 2) AS task FROM get_next_ready_tasks(NULL);
SELECT count(*) AS limit_0 FROM get_next_ready_tasks(0);
\set VERBOSITY terse
SELECT count(*) AS limit_negative FROM get_next_ready_tasks(-1);
\set VERBOSITY default
-- Exact type of computed_priority values: the > 24 h bucket is the numeric 0.1.
SELECT computed_priority::text AS t08_exact FROM get_next_ready_tasks(NULL)
 WHERE task_uuid = '10000000-0000-7000-8000-000000000008';

-- Spec 8.1: no row locks, not even a transaction id.
BEGIN;
SELECT count(*) AS found FROM get_next_ready_tasks(5);
SELECT pg_current_xact_id_if_assigned() IS NULL AS no_xid_assigned;
ROLLBACK;

-- Spec 8.2: candidates are cut to 10 x p_limit by priority BEFORE readiness is
-- checked.  Ten fresh priority-100 waiting_for_dependencies tasks without
-- steps (not has_ready_steps) fill all 10 slots of get_next_ready_tasks(1), so
-- it returns nothing although pending T07 exists; with p_limit 2 (20 slots)
-- T07 and T01 come back.
BEGIN;
INSERT INTO tasks (task_uuid, named_task_uuid, requested_at, identity_hash, created_at, updated_at,
                   priority, correlation_id)
SELECT ('10000000-0000-7000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
       '00000000-0000-7000-8000-000000000104', now()::timestamp - interval '1 minute',
       'hide' || n, now()::timestamp - interval '1 minute', now()::timestamp - interval '1 minute',
       100, tasker.uuid_generate_v7()
  FROM generate_series(1, 10) AS n;
INSERT INTO task_transitions (task_uuid, to_state, from_state, sort_key, most_recent, created_at, updated_at)
SELECT ('10000000-0000-7000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
       'waiting_for_dependencies', NULL, 1, true, now()::timestamp - interval '1 minute',
       now()::timestamp - interval '1 minute'
  FROM generate_series(1, 10) AS n;
SELECT count(*) AS limit_1_hidden FROM get_next_ready_tasks(1);
SELECT right(task_uuid::text, 2) AS task FROM get_next_ready_tasks(2);
ROLLBACK;

-- Priority buckets and staleness limits at their edges.  now() is fixed
-- inside a transaction, so states entered exactly 60 / 30 min ago are exact.
--   E1 pending 2 h, priority 0: decay bucket gives exactly 0 (no floor), below T08's 0.1
--   E2 pending 2 h, priority -5: -5 * exp(-1/6) = -4.23 (stays negative)
--   E3 pending, entered 1 h in the FUTURE (s < 0), task 10 h old: 2 + 1.0 = 3.00
--   E4 waiting_for_dependencies exactly 60 min (inclusive), one ready step:
--      s = 3600 is already the decay bucket: 20 * exp(-1/12) = 18.40
--   E5 waiting_for_dependencies 60 min + 1 us, ready step: stale, absent
--   E6 waiting_for_retry exactly 30 min, ready step, task 1 h old: 30 + 0.1 = 30.10
--   E7 waiting_for_retry 30 min + 1 us, ready step: stale, absent
--   E8 pending exactly 24 h, priority 50: 0.1 bucket
BEGIN;
INSERT INTO tasks (task_uuid, named_task_uuid, requested_at, identity_hash, created_at, updated_at,
                   priority, correlation_id)
SELECT ('10000000-0000-7000-8000-0000000002' || e.k)::uuid, '00000000-0000-7000-8000-000000000104',
       now()::timestamp - e.task_age, 'edge' || e.k, now()::timestamp - e.task_age,
       now()::timestamp - e.task_age, e.priority, tasker.uuid_generate_v7()
  FROM (VALUES ('01', 0, interval '3 hours'), ('02', -5, interval '3 hours'), ('03', 2, interval '10 hours'),
               ('04', 20, interval '2 hours'), ('05', 20, interval '2 hours'), ('06', 30, interval '1 hour'),
               ('07', 30, interval '1 hour'), ('08', 50, interval '30 hours')) AS e(k, priority, task_age);
INSERT INTO task_transitions (task_uuid, to_state, sort_key, most_recent, created_at, updated_at)
SELECT ('10000000-0000-7000-8000-0000000002' || e.k)::uuid, e.state, 1, true,
       now()::timestamp - e.state_age, now()::timestamp - e.state_age
  FROM (VALUES ('01', 'pending', interval '2 hours'), ('02', 'pending', interval '2 hours'),
               ('03', 'pending', interval '-1 hour'),
               ('04', 'waiting_for_dependencies', interval '60 minutes'),
               ('05', 'waiting_for_dependencies', interval '60 minutes 0.000001 seconds'),
               ('06', 'waiting_for_retry', interval '30 minutes'),
               ('07', 'waiting_for_retry', interval '30 minutes 0.000001 seconds'),
               ('08', 'pending', interval '24 hours')) AS e(k, state, state_age);
INSERT INTO workflow_steps (task_uuid, named_step_uuid, created_at, updated_at)
SELECT ('10000000-0000-7000-8000-0000000002' || k)::uuid, '00000000-0000-7000-8000-000000000230',
       now()::timestamp, now()::timestamp
  FROM unnest(ARRAY['04', '05', '06', '07']) AS k;
SELECT right(task_uuid::text, 4) AS task, priority, ready_steps_count,
       round(computed_priority, 2) AS computed_priority, current_state
  FROM get_next_ready_tasks(NULL)
 ORDER BY computed_priority DESC, task_uuid;
ROLLBACK;

-- ------------------------------------------------------------------------
-- 5.9 get_task_ready_info: any state, no staleness filter, no decay:
-- priority + task age hours * 0.1.  T05 complete (0 + 4.80), T09 stale
-- waiting_for_dependencies (1000 + 0.20), T03 blocked (50 + 0.30, 1 ready),
-- T06 (1 + 3.00), T11 has no transition and an unknown uuid: no row.
-- ------------------------------------------------------------------------
SELECT right(i.task_uuid::text, 2) AS task, i.task_name, i.priority, i.namespace_name,
       i.ready_steps_count, round(i.computed_priority, 2) AS computed_priority, i.current_state
  FROM unnest(ARRAY['10000000-0000-7000-8000-000000000005', '10000000-0000-7000-8000-000000000009',
                    '10000000-0000-7000-8000-000000000003', '10000000-0000-7000-8000-000000000006',
                    '10000000-0000-7000-8000-000000000011', '10000000-0000-7000-8000-000000000099']::uuid[])
       WITH ORDINALITY AS u(id, n)
  CROSS JOIN LATERAL get_task_ready_info(u.id) i
 ORDER BY u.n;

-- ------------------------------------------------------------------------
-- 5.10 get_step_transitive_dependencies: one row per edge path (spec 8.4),
-- ordered by (distance, uuid).
-- ------------------------------------------------------------------------
-- Diamond end (0204): b and c at 1, start twice at 2.
SELECT right(workflow_step_uuid::text, 4) AS step, right(task_uuid::text, 2) AS task,
       right(named_step_uuid::text, 2) AS ns, step_name, results, processed, distance
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000000204');
-- Tree convergence (0308): 4 leaves at 1; left twice (via d, e) and right
-- twice (via f, g) at 2; root four times at 3: 12 rows for 7 distinct steps.
SELECT right(workflow_step_uuid::text, 4) AS step, step_name, processed, distance
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000000308');
-- Two edge rows between the same pair (1301 => 1302) give two rows.
SELECT right(workflow_step_uuid::text, 4) AS step, step_name, distance
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000001302');
-- Edges are followed regardless of task: 1303's parent is T01's step_1;
-- z2 (1402) reaches z1 and then T13's edge_p.
SELECT right(workflow_step_uuid::text, 4) AS step, right(task_uuid::text, 2) AS task, step_name, distance
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000001303');
SELECT right(workflow_step_uuid::text, 4) AS step, right(task_uuid::text, 2) AS task, step_name, distance
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000001402');
-- A root and an unknown step: nothing.
SELECT count(*) AS root FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000000101');
SELECT count(*) AS unknown FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000009999');
-- Depth limit: a 60-step chain gives ancestors up to distance 50 only, and a
-- 2-cycle (not prevented by the database) stops at 50 rows too.
BEGIN;
INSERT INTO named_steps (named_step_uuid, name, created_at, updated_at)
SELECT ('00000000-0000-7000-8000-0000000009' || lpad(n::text, 2, '0'))::uuid, 'chain_' || n, now(), now()
  FROM generate_series(1, 60) AS n;
INSERT INTO workflow_steps (workflow_step_uuid, task_uuid, named_step_uuid, created_at, updated_at)
SELECT ('20000000-0000-7000-8000-00000000' || (9100 + n))::uuid, '10000000-0000-7000-8000-000000000014',
       ('00000000-0000-7000-8000-0000000009' || lpad(n::text, 2, '0'))::uuid, now(), now()
  FROM generate_series(1, 60) AS n;
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
SELECT ('20000000-0000-7000-8000-00000000' || (9100 + n))::uuid,
       ('20000000-0000-7000-8000-00000000' || (9101 + n))::uuid, 'provides', now(), now()
  FROM generate_series(1, 59) AS n;
SELECT count(*) AS rows, min(distance), max(distance),
       right(min(workflow_step_uuid::text), 4) AS farthest_kept
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000009160');
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000009160', '20000000-0000-7000-8000-000000009159', 'cycle', now(), now());
SELECT count(*) AS rows, max(distance),
       count(*) FILTER (WHERE workflow_step_uuid = '20000000-0000-7000-8000-000000009160') AS self_rows
  FROM get_step_transitive_dependencies('20000000-0000-7000-8000-000000009159')
 WHERE workflow_step_uuid IN ('20000000-0000-7000-8000-000000009159', '20000000-0000-7000-8000-000000009160');
ROLLBACK;

-- ------------------------------------------------------------------------
-- 5.11 calculate_dependency_levels: longest path from a root, ordered by
-- (level, uuid); only steps reachable from a root.
-- ------------------------------------------------------------------------
SELECT right(t.task_uuid::text, 2) AS task, right(l.workflow_step_uuid::text, 4) AS step,
       l.dependency_level
  FROM tasks t CROSS JOIN LATERAL calculate_dependency_levels(t.task_uuid) l
 WHERE t.task_uuid IN ('10000000-0000-7000-8000-000000000001', '10000000-0000-7000-8000-000000000002',
                       '10000000-0000-7000-8000-000000000003', '10000000-0000-7000-8000-000000000006',
                       '10000000-0000-7000-8000-000000000012', '10000000-0000-7000-8000-000000000013',
                       '10000000-0000-7000-8000-000000000014')
 ORDER BY t.task_uuid;
-- Above: T06 has no steps; T13's 1303 is omitted (its only incoming edge comes
-- from T01, so it is no root and unreachable from T13's root); T14's only root
-- z1 received a cross-task edge, so T14 returns nothing at all.
-- T04: fourteen independent roots, level 0, in uuid order.
SELECT string_agg(right(workflow_step_uuid::text, 2) || ':' || dependency_level, ' ') AS t04
  FROM calculate_dependency_levels('10000000-0000-7000-8000-000000000004');
-- The longest path wins: a shortcut edge 0101 -> 0104 leaves step_4 at level 3.
BEGIN;
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000101', '20000000-0000-7000-8000-000000000104', 'shortcut', now(), now());
SELECT right(workflow_step_uuid::text, 4) AS step, dependency_level
  FROM calculate_dependency_levels('10000000-0000-7000-8000-000000000001');
ROLLBACK;
-- No depth guard (checklist item 6): a cycle reachable from a root
-- (0102 -> 0103 -> 0102) makes it recurse until it is cancelled.
BEGIN;
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000103', '20000000-0000-7000-8000-000000000102', 'cycle', now(), now());
SET LOCAL statement_timeout = '300ms';
\set VERBOSITY terse
SELECT count(*) FROM calculate_dependency_levels('10000000-0000-7000-8000-000000000001');
\set VERBOSITY default
ROLLBACK;

-- ------------------------------------------------------------------------
-- 5.12 get_current_task_state: NULL for a task without transition or unknown.
-- ------------------------------------------------------------------------
SELECT get_current_task_state('10000000-0000-7000-8000-000000000005') AS t05,
       get_current_task_state('10000000-0000-7000-8000-000000000006') AS t06,
       get_current_task_state('10000000-0000-7000-8000-000000000011') IS NULL AS t11_null,
       get_current_task_state('10000000-0000-7000-8000-000000000099') IS NULL AS unknown_null;

-- ------------------------------------------------------------------------
-- 5.13 transition_task_state_atomic (T06: 4 transitions, current pending).
-- ------------------------------------------------------------------------
BEGIN;
SELECT transition_task_state_atomic('10000000-0000-7000-8000-000000000006', 'initializing', 'enqueuing_steps',
                                    '40000000-0000-7000-8000-000000000002') AS wrong_from_state,
       transition_task_state_atomic('10000000-0000-7000-8000-000000000006', NULL, 'initializing',
                                    '40000000-0000-7000-8000-000000000002') AS null_from_state,
       transition_task_state_atomic('10000000-0000-7000-8000-000000000011', 'pending', 'initializing',
                                    '40000000-0000-7000-8000-000000000002') AS no_transition,
       transition_task_state_atomic('10000000-0000-7000-8000-000000000099', 'pending', 'initializing',
                                    '40000000-0000-7000-8000-000000000002') AS unknown_task;
SELECT count(*) AS t06_rows_unchanged FROM task_transitions
 WHERE task_uuid = '10000000-0000-7000-8000-000000000006';
SELECT transition_task_state_atomic('10000000-0000-7000-8000-000000000006', 'pending', 'initializing',
                                    '40000000-0000-7000-8000-000000000002', '{"k": 1}') AS swapped;
-- The old current row keeps its updated_at; the new row has sort_key 5,
-- transition_metadata = p_metadata, metadata left at its default {}, and
-- created_at = updated_at = now() as session wall clock.
SELECT sort_key, from_state, to_state, most_recent, processor_uuid, metadata, transition_metadata,
       created_at = now()::timestamp AS created_now, updated_at = created_at AS updated_eq_created
  FROM task_transitions
 WHERE task_uuid = '10000000-0000-7000-8000-000000000006'
 ORDER BY sort_key;
-- An explicit NULL metadata is stored as NULL; the state machine is not
-- checked (initializing -> complete) and tasks.complete is not touched.
SELECT transition_task_state_atomic('10000000-0000-7000-8000-000000000006', 'initializing', 'complete',
                                    NULL, NULL) AS swapped;
SELECT sort_key, from_state, to_state, most_recent, processor_uuid IS NULL AS no_processor,
       metadata, transition_metadata IS NULL AS transition_metadata_null
  FROM task_transitions
 WHERE task_uuid = '10000000-0000-7000-8000-000000000006' AND sort_key >= 5
 ORDER BY sort_key;
SELECT complete, completed_at IS NULL AS no_completed_at FROM tasks
 WHERE task_uuid = '10000000-0000-7000-8000-000000000006';
-- default p_metadata is {}
SELECT transition_task_state_atomic('10000000-0000-7000-8000-000000000006', 'complete', 'pending',
                                    NULL) AS swapped;
SELECT sort_key, to_state, transition_metadata FROM task_transitions
 WHERE task_uuid = '10000000-0000-7000-8000-000000000006' AND most_recent;
ROLLBACK;
-- An invalid target state raises (CHECK), nothing is changed.
\set VERBOSITY terse
SELECT transition_task_state_atomic('10000000-0000-7000-8000-000000000007', 'pending', 'bogus', NULL);
\set VERBOSITY default
SELECT get_current_task_state('10000000-0000-7000-8000-000000000007') AS t07_still;

-- ------------------------------------------------------------------------
-- 5.14 get_system_health_counts.  Tasks: pending T06 T07 T08; initializing
-- T14; enqueuing_steps T13; steps_in_process T02 T15; evaluating_results T12;
-- waiting_for_dependencies T01 T03 T09; waiting_for_retry T04 T10; complete
-- T05; T11 (no transition) only in total_tasks = 15.  Steps: 54 in all; step
-- 0412 has no transition, so it is in total_steps but NOT in pending_steps
-- (29), unlike in readiness; complete 11 (T01 1, T02 2, T03 3, T05 4, T13 1);
-- waiting_for_retry 6 (T04); one each of enqueued, in_progress,
-- enqueued_for_orchestration, enqueued_as_error_for_orchestration, error,
-- cancelled, resolved_manually.
-- ------------------------------------------------------------------------
\x on
SELECT * FROM get_system_health_counts();
\x off
