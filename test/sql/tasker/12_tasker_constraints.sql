-- 12_tasker_constraints: every constraint of the spec's generator checklist
-- (tasker-data-model.md section 4) is enforced by the stand-in schema: each
-- statement below tries to break one and gets the database's error.  Then the
-- audit trigger (2.12) and the DLQ updated_at trigger, and finally the schema
-- is dropped so later tests start clean.  Uses the dataset loaded by 11.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET search_path = tasker, public;
\set VERBOSITY terse

-- ------------------------------------------------------------------------
-- 1. NOT NULL without default: created_at / updated_at on the core tables,
--    tasks.requested_at, identity_hash, correlation_id, both sort_keys.
-- ------------------------------------------------------------------------
INSERT INTO task_namespaces (name, updated_at) VALUES ('ns_no_created', now());
INSERT INTO task_namespaces (name, created_at) VALUES ('ns_no_updated', now());
INSERT INTO named_tasks (task_namespace_uuid, name, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'nt_no_created', now());
INSERT INTO named_steps (name, created_at) VALUES ('ns_no_updated', now());
INSERT INTO named_tasks_named_steps (named_task_uuid, named_step_uuid, updated_at)
VALUES ('00000000-0000-7000-8000-000000000101', '00000000-0000-7000-8000-000000000230', now());
INSERT INTO tasks (named_task_uuid, identity_hash, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000101', 'no_requested_at', now(), now(), uuid_generate_v7());
INSERT INTO tasks (named_task_uuid, requested_at, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000101', now(), now(), now(), uuid_generate_v7());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000101', now(), 'no_correlation_id', now(), now());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000101', now(), 'no_created_at', now(), uuid_generate_v7());
INSERT INTO workflow_steps (task_uuid, named_step_uuid, created_at)
VALUES ('10000000-0000-7000-8000-000000000006', '00000000-0000-7000-8000-000000000230', now());
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at)
VALUES ('20000000-0000-7000-8000-000000000102', '20000000-0000-7000-8000-000000000103', 'x', now());
INSERT INTO task_transitions (task_uuid, to_state, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000006', 'pending', false, now(), now());
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, most_recent, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000102', 'pending', false, now(), now());
INSERT INTO task_transitions (task_uuid, to_state, sort_key, most_recent, updated_at)
VALUES ('10000000-0000-7000-8000-000000000006', 'pending', 9, false, now());
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, sort_key, most_recent, created_at)
VALUES ('20000000-0000-7000-8000-000000000102', 'pending', 9, false, now());
-- other NOT NULL columns: to_state, edge name, dlq task_snapshot
INSERT INTO task_transitions (task_uuid, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000006', 9, false, now(), now());
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000102', '20000000-0000-7000-8000-000000000103', now(), now());
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason)
VALUES ('10000000-0000-7000-8000-000000000003', 'blocked_by_failures', 'manual_dlq');

-- ------------------------------------------------------------------------
-- 2. Uniques that collide in bulk data.
-- ------------------------------------------------------------------------
-- tasks.identity_hash, global
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), 'hash01', now(), now(), uuid_generate_v7());
-- named_steps.name, global (not per template)
INSERT INTO named_steps (name, created_at, updated_at) VALUES ('step_1', now(), now());
-- task_namespaces.name (declared twice; the first unique index reports it)
INSERT INTO task_namespaces (name, created_at, updated_at) VALUES ('demo', now(), now());
-- named_tasks (namespace, name, version) ...
INSERT INTO named_tasks (task_namespace_uuid, name, version, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'linear', '1.0.0', now(), now());
-- ... while another version or another namespace is fine
INSERT INTO named_tasks (named_task_uuid, task_namespace_uuid, name, version, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000198', '00000000-0000-7000-8000-000000000001', 'linear', '2.0.0', now(), now()),
       ('00000000-0000-7000-8000-000000000199', '00000000-0000-7000-8000-000000000002', 'linear', '1.0.0', now(), now());
-- named_tasks_named_steps (template, step)
INSERT INTO named_tasks_named_steps (named_task_uuid, named_step_uuid, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000101', '00000000-0000-7000-8000-000000000201', now(), now());
-- workflow_steps (task, named step): a task cannot hold one named step twice
INSERT INTO workflow_steps (task_uuid, named_step_uuid, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000201', now(), now());
-- workflow_step_edges (from, to, name); a second name for the same pair is fine
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000101', '20000000-0000-7000-8000-000000000102', 'provides', now(), now());
-- one current transition per task: inserting the new current row before
-- clearing the old one fails (the unique index is not deferrable)
INSERT INTO task_transitions (task_uuid, to_state, from_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000007', 'initializing', 'pending', 2, true, now(), now());
-- ... and per step
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, from_state, sort_key, most_recent,
                                       created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000701', 'enqueued', 'pending', 2, true, now(), now());
-- any number of non-current rows is allowed, and so is no current row at all
-- (the database enforces "at most one", not "exactly one")
BEGIN;
UPDATE task_transitions SET most_recent = false
 WHERE task_uuid = '10000000-0000-7000-8000-000000000007' AND most_recent;
SELECT count(*) FILTER (WHERE most_recent) AS current_rows, count(*) AS all_rows
  FROM task_transitions WHERE task_uuid = '10000000-0000-7000-8000-000000000007';
-- clearing first, then inserting, is the legal order
INSERT INTO task_transitions (task_uuid, to_state, from_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000007', 'initializing', 'pending', 2, true, now(), now());
SELECT get_current_task_state('10000000-0000-7000-8000-000000000007') AS t07_now;
ROLLBACK;
-- one pending DLQ entry per task; resolved ones are history and may repeat
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason, task_snapshot)
VALUES ('10000000-0000-7000-8000-000000000003', 'blocked_by_failures', 'max_retries_exceeded', '{}');
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason, task_snapshot)
VALUES ('10000000-0000-7000-8000-000000000003', 'blocked_by_failures', 'manual_dlq', '{}');
UPDATE tasks_dlq SET resolution_status = 'manually_resolved'
 WHERE task_uuid = '10000000-0000-7000-8000-000000000003';
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason, task_snapshot)
VALUES ('10000000-0000-7000-8000-000000000003', 'blocked_by_failures', 'manual_dlq', '{}');
SELECT resolution_status, count(*) FROM tasks_dlq GROUP BY 1 ORDER BY 1;

-- ------------------------------------------------------------------------
-- 3. State strings must come from section 3 (CHECK); there is no 'skipped'.
-- ------------------------------------------------------------------------
INSERT INTO task_transitions (task_uuid, to_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000011', 'skipped', 1, false, now(), now());
INSERT INTO task_transitions (task_uuid, to_state, from_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000011', 'pending', 'Pending', 1, false, now(), now());
-- a step state is not a task state, and vice versa
INSERT INTO task_transitions (task_uuid, to_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000011', 'in_progress', 1, false, now(), now());
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, sort_key, most_recent, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000001101', 'steps_in_process', 2, false, now(), now());
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, from_state, sort_key, most_recent,
                                       created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000001101', 'pending', 'skipped', 2, false, now(), now());
-- every listed state is accepted (then rolled back)
BEGIN;
INSERT INTO task_transitions (task_uuid, to_state, from_state, sort_key, most_recent, created_at, updated_at)
SELECT '10000000-0000-7000-8000-000000000011', s, s, n, false, now(), now()
  FROM unnest(ARRAY['pending', 'initializing', 'enqueuing_steps', 'steps_in_process', 'evaluating_results',
                    'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures', 'complete',
                    'error', 'cancelled', 'resolved_manually']) WITH ORDINALITY AS u(s, n);
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, from_state, sort_key, most_recent,
                                       created_at, updated_at)
SELECT '20000000-0000-7000-8000-000000001101', s, s, 10 + n, false, now(), now()
  FROM unnest(ARRAY['pending', 'enqueued', 'in_progress', 'enqueued_for_orchestration',
                    'enqueued_as_error_for_orchestration', 'waiting_for_retry', 'complete', 'error',
                    'cancelled', 'resolved_manually']) WITH ORDINALITY AS u(s, n);
ROLLBACK;
-- enum values are checked too
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason, task_snapshot)
VALUES ('10000000-0000-7000-8000-000000000005', 'complete', 'timeout', '{}');
INSERT INTO named_tasks (task_namespace_uuid, name, identity_strategy, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'bad_strategy', 'sometimes', now(), now());

-- ------------------------------------------------------------------------
-- 4. Varchar limits.
-- ------------------------------------------------------------------------
INSERT INTO task_namespaces (name, created_at, updated_at) VALUES (repeat('n', 65), now(), now());
INSERT INTO named_tasks (task_namespace_uuid, name, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', repeat('t', 65), now(), now());
INSERT INTO named_tasks (task_namespace_uuid, name, version, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'long_version', repeat('1', 17), now(), now());
INSERT INTO named_steps (name, created_at, updated_at) VALUES (repeat('s', 129), now(), now());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), repeat('h', 129), now(), now(), uuid_generate_v7());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, initiator, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), 'long_initiator', repeat('i', 129), now(), now(), uuid_generate_v7());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, source_system, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), 'long_source', repeat('s', 129), now(), now(), uuid_generate_v7());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, reason, created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), 'long_reason', repeat('r', 129), now(), now(), uuid_generate_v7());
INSERT INTO tasks_dlq (task_uuid, original_state, dlq_reason, task_snapshot)
VALUES ('10000000-0000-7000-8000-000000000005', repeat('o', 51), 'manual_dlq', '{}');
-- at the limits everything fits (then rolled back)
BEGIN;
INSERT INTO task_namespaces (name, created_at, updated_at) VALUES (repeat('n', 64), now(), now());
INSERT INTO named_steps (name, created_at, updated_at) VALUES (repeat('s', 128), now(), now());
INSERT INTO tasks (named_task_uuid, requested_at, identity_hash, initiator, source_system, reason,
                   created_at, updated_at, correlation_id)
VALUES ('00000000-0000-7000-8000-000000000104', now(), repeat('h', 128), repeat('i', 128),
        repeat('s', 128), repeat('r', 128), now(), now(), uuid_generate_v7());
ROLLBACK;

-- ------------------------------------------------------------------------
-- Foreign keys: plain, no cascades (insert in FK order, delete in reverse).
-- ------------------------------------------------------------------------
INSERT INTO workflow_steps (task_uuid, named_step_uuid, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000099', '00000000-0000-7000-8000-000000000230', now(), now());
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000009999', '20000000-0000-7000-8000-000000000102', 'provides', now(), now());
INSERT INTO task_transitions (task_uuid, to_state, sort_key, most_recent, created_at, updated_at)
VALUES ('10000000-0000-7000-8000-000000000099', 'pending', 1, false, now(), now());
INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, sort_key, most_recent, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000009999', 'pending', 1, false, now(), now());
DELETE FROM tasks WHERE task_uuid = '10000000-0000-7000-8000-000000000006';
DELETE FROM workflow_steps WHERE workflow_step_uuid = '20000000-0000-7000-8000-000000001101';
DELETE FROM named_steps WHERE name = 'only_step';

-- ------------------------------------------------------------------------
-- 6. Not enforced by the database: edges across tasks, self-loops, cycles.
-- ------------------------------------------------------------------------
BEGIN;
INSERT INTO workflow_step_edges (from_step_uuid, to_step_uuid, name, created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000000801', '20000000-0000-7000-8000-000000000801', 'self', now(), now()),
       ('20000000-0000-7000-8000-000000000104', '20000000-0000-7000-8000-000000000101', 'cycle', now(), now()),
       ('20000000-0000-7000-8000-000000000901', '20000000-0000-7000-8000-000000001001', 'cross', now(), now());
SELECT count(*) AS accepted FROM workflow_step_edges WHERE name IN ('self', 'cycle', 'cross');
ROLLBACK;

-- ------------------------------------------------------------------------
-- 5 / 2.12. The audit trigger.  The dataset's 19 transitions into
-- enqueued_for_orchestration (12) / enqueued_as_error_for_orchestration (7)
-- each produced one audit row, success inferred from the state (their
-- metadata has no event).
-- ------------------------------------------------------------------------
SELECT t.to_state, count(a.*) AS audit_rows, count(t.*) AS transitions,
       bool_and(a.success) AS all_success, bool_or(a.success) AS any_success,
       bool_and(a.task_uuid = s.task_uuid) AS task_from_step,
       count(a.execution_time_ms) AS with_time, count(a.worker_uuid) AS with_worker
  FROM workflow_step_transitions t
  JOIN workflow_steps s ON s.workflow_step_uuid = t.workflow_step_uuid
  LEFT JOIN workflow_step_result_audit a ON a.workflow_step_transition_uuid = t.workflow_step_transition_uuid
 GROUP BY t.to_state
 ORDER BY t.to_state COLLATE "C";

-- New transitions of step 1101 (T11), all most_recent = false so that any
-- number may be added.  Expected audit values:
--   01 EO, app-style event (result nested under "data"): success from the
--      state (true), time NULL; worker and correlation uuids read.
--   02 EO, event as a JSON object with top-level success false and time 1234:
--      false, 1234.
--   03 EE, event as a JSON string holding a document: true, 55.
--   04 EE, success "maybe" does not cast: success AND time NULL, then false
--      from the state (time 5 is lost too).
--   05 EO, success false but time "12.5" does not cast to bigint: both NULL,
--      then true from the state (the false is lost).
--   06 EO, event is not JSON: true from the state, time NULL.
--   07 EO, worker_uuid not a uuid: NULL, correlation_id still read.
--   08 EO, no event at all: true.     09 EE, metadata NULL: false.
--   10 EO, event a JSON array: no success key, true from the state.
--   11 EO, success true without metadata: true, time NULL.
--   12 complete and 13 in_progress: no audit row.
INSERT INTO workflow_step_transitions (workflow_step_transition_uuid, workflow_step_uuid, to_state, sort_key,
                                       most_recent, metadata, created_at, updated_at)
SELECT ('50000000-0000-7000-8000-0000000000' || v.k)::uuid, '20000000-0000-7000-8000-000000001101',
       v.state, 1 + v.k::int, false, v.md, now(), now()
  FROM (VALUES
    ('01', 'enqueued_for_orchestration',
     jsonb_build_object('event', '{"type": "StepCompleted", "data": {"success": false, "metadata": {"execution_time_ms": 12}}}',
                        'timestamp', '2026-01-01T00:00:00Z',
                        'worker_uuid', '60000000-0000-7000-8000-000000000001',
                        'correlation_id', '30000000-0000-7000-8000-000000000011')),
    ('02', 'enqueued_for_orchestration',
     '{"event": {"success": false, "metadata": {"execution_time_ms": 1234}}}'::jsonb),
    ('03', 'enqueued_as_error_for_orchestration',
     jsonb_build_object('event', '{"success": true, "metadata": {"execution_time_ms": 55}}')),
    ('04', 'enqueued_as_error_for_orchestration',
     '{"event": {"success": "maybe", "metadata": {"execution_time_ms": 5}}}'::jsonb),
    ('05', 'enqueued_for_orchestration',
     '{"event": {"success": false, "metadata": {"execution_time_ms": "12.5"}}}'::jsonb),
    ('06', 'enqueued_for_orchestration', '{"event": "not json at all"}'::jsonb),
    ('07', 'enqueued_for_orchestration',
     '{"worker_uuid": "not-a-uuid", "correlation_id": "30000000-0000-7000-8000-000000000011"}'::jsonb),
    ('08', 'enqueued_for_orchestration', '{}'::jsonb),
    ('09', 'enqueued_as_error_for_orchestration', NULL),
    ('10', 'enqueued_for_orchestration', '{"event": [1, 2]}'::jsonb),
    ('11', 'enqueued_for_orchestration', '{"event": {"success": true}}'::jsonb),
    ('12', 'complete', '{"event": {"success": true}}'::jsonb),
    ('13', 'in_progress', '{}'::jsonb)
  ) AS v(k, state, md);
SELECT right(t.workflow_step_transition_uuid::text, 2) AS tr, t.to_state, a.success, a.execution_time_ms,
       a.worker_uuid, a.correlation_id, right(a.task_uuid::text, 2) AS task,
       a.recorded_at BETWEEN now()::timestamp - interval '10 minutes' AND now()::timestamp AS recorded_recently
  FROM workflow_step_transitions t
  LEFT JOIN workflow_step_result_audit a ON a.workflow_step_transition_uuid = t.workflow_step_transition_uuid
 WHERE t.workflow_step_transition_uuid::text LIKE '50000000-%'
 ORDER BY t.workflow_step_transition_uuid;
-- Audit rows must not be written by hand for those transitions: the
-- (step, transition) pair is unique.
INSERT INTO workflow_step_result_audit (workflow_step_uuid, workflow_step_transition_uuid, task_uuid, success)
VALUES ('20000000-0000-7000-8000-000000001101', '50000000-0000-7000-8000-000000000001',
        '10000000-0000-7000-8000-000000000011', true);
-- success is NOT NULL
INSERT INTO workflow_step_result_audit (workflow_step_uuid, workflow_step_transition_uuid, task_uuid)
VALUES ('20000000-0000-7000-8000-000000001101', '50000000-0000-7000-8000-000000000012',
        '10000000-0000-7000-8000-000000000011');
-- The trigger function names tables unqualified: without tasker on the
-- search_path, inserting such a transition fails (spec section 0).
SET search_path = public;
INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, to_state, sort_key, most_recent,
                                              created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000001101', 'enqueued_for_orchestration', 99, false, now(), now());
-- other states do not need it
INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, to_state, sort_key, most_recent,
                                              created_at, updated_at)
VALUES ('20000000-0000-7000-8000-000000001101', 'in_progress', 99, false, now(), now());
SET search_path = tasker, public;

-- ------------------------------------------------------------------------
-- 2.12 update_dlq_updated_at: BEFORE UPDATE sets updated_at to
-- CURRENT_TIMESTAMP (transaction start), whatever the UPDATE says.
-- ------------------------------------------------------------------------
BEGIN;
UPDATE tasks_dlq SET resolution_notes = 'looked at it', updated_at = '2000-01-01'
 WHERE resolution_status = 'pending';
SELECT resolution_notes, updated_at = now()::timestamp AS updated_now, created_at < updated_at AS created_earlier
  FROM tasks_dlq WHERE resolution_status = 'pending';
COMMIT;
-- no such trigger on the core tables
UPDATE tasks SET reason = 'touched' WHERE task_uuid = '10000000-0000-7000-8000-000000000001';
SELECT updated_at = created_at AS tasks_updated_at_untouched FROM tasks
 WHERE task_uuid = '10000000-0000-7000-8000-000000000001';

-- ------------------------------------------------------------------------
-- Clean up: later tests start without a tasker schema.
-- ------------------------------------------------------------------------
\set VERBOSITY default
SET client_min_messages = warning;
DROP SCHEMA tasker CASCADE;
RESET client_min_messages;
SELECT count(*) AS tasker_schemas FROM pg_namespace WHERE nspname = 'tasker';
