-- The orchestrator loop (tasker workload) for tas_bench.load(): what a
-- tasker-core orchestrator does, from ../shared/tasker-data-model.md, as
-- two kinds of transaction that clients pick by their parameter row:
--   'discover': get_next_ready_tasks(batch), then for each task handed out
--     a claim with transition_task_state_atomic (to enqueuing_steps), the
--     step readiness of a claimed task, its ready steps enqueued, and the
--     task on to steps_in_process (or back to waiting_for_dependencies when
--     nothing was ready, or complete when every step is);
--   'work': a worker completes up to batch enqueued steps (SKIP LOCKED), and
--     when a task has no step left in flight moves it to complete or back to
--     waiting_for_dependencies, so tasks progress to completion.
-- Each hand-out is returned as (task_uuid, claimed, NULL, handed_at) and each
-- completed task as (task_uuid, NULL, true): load()'s claim probe (options
-- probe; handed_at, when the discovery that handed the task out started,
-- opens the hand-out's window, which closes when its transaction commits) counts
-- duplicate claims (a task handed to two clients whose transactions
-- overlapped), lost races (claims that failed) and tasks completed.
-- The statements name tasker's tables and functions unqualified, as the
-- orchestrator does: they run as the caller, under the target's search_path
-- (tas_bench.orchestrator_loop sets it).

-- A task with no step in flight any more moves on from from_state: to
-- complete when every step is complete (or resolved manually), else back to
-- waiting_for_dependencies.  true when this call completed it.
CREATE FUNCTION @extschema@.orchestrator_move_on(tu uuid, from_state text, proc uuid)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_variable
BEGIN
    IF EXISTS (SELECT 1 FROM workflow_steps ws
                 LEFT JOIN workflow_step_transitions wst
                        ON wst.workflow_step_uuid = ws.workflow_step_uuid AND wst.most_recent
                WHERE ws.task_uuid = tu
                  AND coalesce(wst.to_state, 'pending') NOT IN ('complete', 'resolved_manually')) THEN
        PERFORM transition_task_state_atomic(tu, from_state, 'waiting_for_dependencies', proc, '{}');
        RETURN false;
    END IF;
    IF transition_task_state_atomic(tu, from_state, 'complete', proc, '{}') THEN
        UPDATE tasks tk SET complete = true, updated_at = localtimestamp WHERE tk.task_uuid = tu;
        RETURN true;
    END IF;
    RETURN false;
END
$$;

COMMENT ON FUNCTION @extschema@.orchestrator_move_on(uuid, text, uuid) IS
  'Part of orchestrator_tick (run under the target''s search_path): a task with no step in flight moves on from from_state to complete when every step is complete or resolved manually (true when this call completed it), else back to waiting_for_dependencies';

CREATE FUNCTION @extschema@.orchestrator_tick(kind text, batch integer DEFAULT 5)
RETURNS TABLE(task_uuid uuid, claimed boolean, completed boolean, handed_at timestamptz)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_variable
DECLARE
    proc constant uuid := '00000000-0000-7000-8000-7a5be4c00001';
    t record;
    s record;
    won boolean;
    ts timestamp;
    sk integer;
    fs text;
    enq integer;
    ho timestamptz;
BEGIN
    IF batch IS NULL OR batch < 1 OR batch > 1000 THEN
        RAISE EXCEPTION 'argument batch must be between 1 and 1000, not %', batch
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF kind = 'discover' THEN
        -- a hand-out's window opens when the discovery that made it starts:
        -- what it returns may come from a snapshot of any time after this
        ho := clock_timestamp();
        FOR t IN SELECT r.task_uuid AS tu, r.current_state AS st FROM get_next_ready_tasks(batch) r LOOP
            won := transition_task_state_atomic(t.tu, t.st, 'enqueuing_steps', proc,
                                                '{"by": "tas_bench.orchestrator_tick"}');
            task_uuid := t.tu;
            claimed := won;
            completed := NULL;
            handed_at := ho;
            RETURN NEXT;
            CONTINUE WHEN NOT won;
            ts := localtimestamp;
            enq := 0;
            FOR s IN SELECT rs.workflow_step_uuid AS wsu
                       FROM get_step_readiness_status(t.tu) rs
                      WHERE rs.ready_for_execution LOOP
                UPDATE workflow_step_transitions wst SET most_recent = false, updated_at = ts
                 WHERE wst.workflow_step_uuid = s.wsu AND wst.most_recent
                RETURNING wst.sort_key, wst.to_state INTO sk, fs;
                INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, from_state, metadata,
                                                       sort_key, most_recent, created_at, updated_at)
                VALUES (s.wsu, 'enqueued', fs, '{}', coalesce(sk, 0) + 1, true, ts, ts);
                UPDATE workflow_steps ws SET in_process = true, updated_at = ts WHERE ws.workflow_step_uuid = s.wsu;
                enq := enq + 1;
            END LOOP;
            IF enq > 0 THEN
                PERFORM transition_task_state_atomic(t.tu, 'enqueuing_steps', 'steps_in_process', proc, '{}');
            ELSIF @extschema@.orchestrator_move_on(t.tu, 'enqueuing_steps', proc) THEN
                RETURN QUERY SELECT t.tu, NULL::boolean, true, NULL::timestamptz;
            END IF;
        END LOOP;
    ELSIF kind = 'work' THEN
        FOR s IN SELECT wst.workflow_step_uuid AS wsu, ws.task_uuid AS tu, wst.sort_key AS sk
                   FROM workflow_step_transitions wst
                   JOIN workflow_steps ws ON ws.workflow_step_uuid = wst.workflow_step_uuid
                  WHERE wst.most_recent AND wst.to_state = 'enqueued'
                  LIMIT batch
                    FOR UPDATE OF wst SKIP LOCKED LOOP
            ts := localtimestamp;
            UPDATE workflow_step_transitions wst SET most_recent = false, updated_at = ts
             WHERE wst.workflow_step_uuid = s.wsu AND wst.most_recent;
            INSERT INTO workflow_step_transitions (workflow_step_uuid, to_state, from_state, metadata,
                                                   sort_key, most_recent, created_at, updated_at)
            VALUES (s.wsu, 'in_progress', 'enqueued', '{}', s.sk + 1, false, ts, ts),
                   (s.wsu, 'complete', 'in_progress', '{}', s.sk + 2, true, ts, ts);
            UPDATE workflow_steps ws
               SET in_process = false, processed = true, processed_at = ts, updated_at = ts,
                   attempts = coalesce(ws.attempts, 0) + 1, last_attempted_at = ts,
                   results = '{"by": "tas_bench.orchestrator_tick"}'
             WHERE ws.workflow_step_uuid = s.wsu;
            -- one worker at a time decides on a task (two finishing its last
            -- two steps at once would each see the other's still in flight)
            PERFORM 1 FROM tasks tk WHERE tk.task_uuid = s.tu FOR UPDATE;
            CONTINUE WHEN EXISTS (SELECT 1 FROM workflow_steps ws
                                    JOIN workflow_step_transitions wst
                                      ON wst.workflow_step_uuid = ws.workflow_step_uuid AND wst.most_recent
                                   WHERE ws.task_uuid = s.tu AND wst.to_state IN ('enqueued', 'in_progress'));
            IF @extschema@.orchestrator_move_on(s.tu, 'steps_in_process', proc) THEN
                RETURN QUERY SELECT s.tu, NULL::boolean, true, NULL::timestamptz;
            END IF;
        END LOOP;
    ELSE
        RAISE EXCEPTION 'argument kind must be ''discover'' or ''work'', not %', coalesce('"' || kind || '"', 'NULL')
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'discover: an orchestrator discovers and claims tasks and enqueues their ready steps; work: a worker completes enqueued steps.';
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@.orchestrator_tick(text, integer) IS
  'One transaction of the orchestrator loop workload (run under the target''s search_path): kind discover = get_next_ready_tasks(batch), a claim of each task with transition_task_state_atomic, its ready steps enqueued; kind work = complete up to batch enqueued steps and move their tasks on. Returns (task_uuid, claimed, NULL, handed_at) per hand-out (handed_at: when the discovery that handed the task out started) and (task_uuid, NULL, true, NULL) per task completed, for load()''s claim probe';

CREATE FUNCTION @extschema@.orchestrator_loop(
    clients integer DEFAULT 2, duration interval DEFAULT '10 s', batch integer DEFAULT 5,
    workers_per_orchestrator integer DEFAULT 1, warmup interval DEFAULT '1 s',
    label text DEFAULT NULL, target_schema name DEFAULT 'tasker', options jsonb DEFAULT NULL)
RETURNS @extschema@.load_runs
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF workers_per_orchestrator IS NULL OR workers_per_orchestrator < 0 OR workers_per_orchestrator > 100 THEN
        RAISE EXCEPTION 'argument workers_per_orchestrator must be between 0 and 100, not %', workers_per_orchestrator
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'It is how many work transactions each client runs per discover transaction.';
    END IF;
    IF target_schema IS NULL OR to_regnamespace(quote_ident(target_schema)) IS NULL THEN
        RAISE EXCEPTION 'argument target_schema: schema % does not exist', coalesce(quote_ident(target_schema), 'NULL')
              USING ERRCODE = 'invalid_schema_name';
    END IF;
    RETURN @extschema@.load(
        'SELECT * FROM @extschema@.orchestrator_tick($1, ' || batch || ')',
        format('SELECT k FROM (SELECT ''discover''::text AS k, 0 AS o UNION ALL '
               'SELECT ''work'', g FROM pg_catalog.generate_series(1, %s) g) v ORDER BY o',
               workers_per_orchestrator),
        clients, duration, NULL, warmup, 'commit', 'orchestrator_loop', label,
        quote_ident(target_schema) || ', public',
        jsonb_build_object('probe', 200000, 'workload', 'orchestrator_loop') || coalesce(options, '{}'));
END
$$;

COMMENT ON FUNCTION @extschema@.orchestrator_loop(integer, interval, integer, integer, interval, text, name, jsonb) IS
  'The orchestrator loop workload under load: clients background workers each run discover transactions (get_next_ready_tasks(batch), claims, enqueue) and workers_per_orchestrator work transactions (complete enqueued steps) in a seeded order, against target_schema; the stored run (load_runs) has tps, latency, completed (tasks completed: completed / elapsed_s per second), and the claim probe: handed, claimed, lost_races and duplicate_claims (a task handed to two clients whose transactions overlapped). Generate a dataset with discoverable work first, e.g. generate(2000, state_mix => ''{"pending": 0.8, "complete": 0.2}'')';

CREATE PROCEDURE @extschema@.orchestrator_ramp(
    clients integer[] DEFAULT '{1,2,4,8}', step interval DEFAULT '10 s', label text DEFAULT NULL,
    batch integer DEFAULT 5, workers_per_orchestrator integer DEFAULT 1, warmup interval DEFAULT '1 s',
    target_schema name DEFAULT 'tasker')
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF batch IS NULL OR batch < 1 OR batch > 1000 THEN
        RAISE EXCEPTION 'argument batch must be between 1 and 1000, not %', batch
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF workers_per_orchestrator IS NULL OR workers_per_orchestrator < 0 OR workers_per_orchestrator > 100 THEN
        RAISE EXCEPTION 'argument workers_per_orchestrator must be between 0 and 100, not %', workers_per_orchestrator
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    CALL @extschema@.run_ramp(
        'SELECT * FROM @extschema@.orchestrator_tick($1, ' || batch || ')', clients, step, label,
        format('SELECT k FROM (SELECT ''discover''::text AS k, 0 AS o UNION ALL '
               'SELECT ''work'', g FROM pg_catalog.generate_series(1, %s) g) v ORDER BY o',
               workers_per_orchestrator),
        warmup, quote_ident(target_schema) || ', public', 'commit',
        jsonb_build_object('probe', 100000, 'workload', 'orchestrator_loop'));
END
$$;

COMMENT ON PROCEDURE @extschema@.orchestrator_ramp(integer[], interval, text, integer, integer, interval, name) IS
  'run_ramp of the orchestrator loop workload (see orchestrator_loop): one step per client count, committed after each, under label; then tas_bench.saturation_report(label), with the claim probe''s figures in load_runs';

-- The orchestrator loop as a mix (load_mix, run_ramp by workload name): a
-- discover and a work transaction, one each in two; like orchestrator_loop,
-- run it under the target's search_path with the claim probe, e.g.
--   load_mix('orchestrator_loop', search_path => 'tasker, public', options => '{"probe": 100000}')
INSERT INTO @extschema@.workloads (workload, name, sql, params, weight, builtin) VALUES
  ('orchestrator_loop', 'discover', 'SELECT * FROM @extschema@.orchestrator_tick(''discover'', 5)', NULL, 1, true),
  ('orchestrator_loop', 'work', 'SELECT * FROM @extschema@.orchestrator_tick(''work'', 5)', NULL, 1, true);
