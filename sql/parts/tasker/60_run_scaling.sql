-- Scaling driver of the tasker workload: run a suite at growing dataset sizes
-- (growing one generated dataset, never regenerating it); the fit is core
-- (tas_bench.scaling_fit, sql/parts/core/60_scaling.sql).

-- Our own statements run with the search_path pinned (set for the
-- transaction first and after every COMMIT, as in run_suite).
CREATE PROCEDURE @extschema@.run_scaling(
    suite text DEFAULT 'orchestration',
    sizes integer[] DEFAULT '{1000,10000,100000}',
    label text DEFAULT NULL,
    seed bigint DEFAULT 1,
    target_schema name DEFAULT 'tasker',
    dataset_id bigint DEFAULT NULL,
    capture_plans boolean DEFAULT true)
LANGUAGE plpgsql
AS $$
DECLARE
    sorted integer[];
    sz integer;
    ds bigint := run_scaling.dataset_id;
    have bigint;
    lbl text := coalesce(run_scaling.label, 'scaling ' || to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS'));
    t0 timestamptz;
    tbl text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true); IF sizes IS NULL OR cardinality(sizes) = 0 THEN
        RAISE EXCEPTION 'argument sizes must list at least one dataset size'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''{1000,10000,100000}''.';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(sizes) s WHERE s IS NULL OR s < 1) THEN
        RAISE EXCEPTION 'argument sizes must hold positive task counts, not %', sizes
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT array_agg(DISTINCT s ORDER BY s) INTO sorted FROM unnest(sizes) s;
    IF ds IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.datasets d WHERE d.dataset_id = ds) THEN
        RAISE EXCEPTION 'argument dataset_id % names no dataset in tas_bench.datasets', ds
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    FOREACH sz IN ARRAY sorted LOOP
        t0 := clock_timestamp();
        IF ds IS NULL THEN
            RAISE NOTICE 'scaling %: generating % tasks (seed %)', lbl, sz, seed;
            SELECT g.dataset_id INTO ds
              FROM @extschema@.generate(sz, seed, target_schema => target_schema) g;
        ELSE
            SELECT d.tasks INTO have FROM @extschema@.datasets d WHERE d.dataset_id = ds;
            IF have < sz THEN
                RAISE NOTICE 'scaling %: growing dataset % from % to % tasks', lbl, ds, have, sz;
                PERFORM @extschema@.grow(ds, sz);
            ELSIF have > sz THEN
                RAISE WARNING 'scaling %: dataset % already has % tasks, more than size %; measuring as is',
                    lbl, ds, have, sz;
            END IF;
        END IF;
        FOREACH tbl IN ARRAY ARRAY['tasks', 'task_transitions', 'workflow_steps',
                                   'workflow_step_edges', 'workflow_step_transitions'] LOOP
            EXECUTE format('ANALYZE %I.%I', target_schema, tbl);
        END LOOP;
        RAISE NOTICE 'scaling %: dataset ready at % tasks after % s', lbl, sz,
            round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
        COMMIT;
        CALL @extschema@.run_suite(run_scaling.suite, lbl, target_schema, capture_plans);
        COMMIT; PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    END LOOP;
    RAISE NOTICE 'scaling %: done; see SELECT * FROM tas_bench.scaling_report(%)', lbl, quote_literal(lbl);
END
$$;

COMMENT ON PROCEDURE @extschema@.run_scaling(text, integer[], text, bigint, name, bigint, boolean) IS
  'For each size in ascending order: generate (first size) or grow one dataset to that many tasks, ANALYZE, run the suite under label, commit.  Every run records the number of tasks in the target (runs.dataset_tasks)';

