-- Scaling driver of the tasker workload: run a suite at growing dataset sizes
-- (growing one generated dataset, never regenerating it); the fit is core
-- (tas_bench.scaling_fit, sql/parts/core/60_scaling.sql).  generate() and
-- grow() use the bulk method where it is allowed and worth it (method
-- 'auto') and ANALYZE what they filled.

-- Our own statements run with the search_path pinned (set for the
-- transaction first and after every COMMIT, as in run_suite).
CREATE PROCEDURE @extschema@.run_scaling(
    suite text DEFAULT 'orchestration',
    sizes integer[] DEFAULT '{1000,3000,10000,30000,100000}',
    label text DEFAULT NULL,
    seed bigint DEFAULT 1,
    target_schema name DEFAULT 'tasker',
    dataset_id bigint DEFAULT NULL,
    capture_plans boolean DEFAULT true,
    repeats integer DEFAULT 1)
LANGUAGE plpgsql
AS $$
DECLARE
    sorted integer[];
    sz integer;
    ds bigint := run_scaling.dataset_id;
    have bigint;
    lbl text;
    t0 timestamptz;
    d @extschema@.datasets; nprob integer; probs text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true); lbl := coalesce(run_scaling.label, 'scaling ' || to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS')); IF sizes IS NULL OR cardinality(sizes) = 0 THEN
        RAISE EXCEPTION 'argument sizes must list at least one dataset size'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''{1000,3000,10000,30000,100000}'' (scaling_fit names a class from 4 sizes on).';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(sizes) s WHERE s IS NULL OR s < 1 OR s > 10000000) THEN
        RAISE EXCEPTION 'argument sizes must hold task counts between 1 and 10000000, not %', sizes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Each size is a number of tasks generate() or grow() can reach (at most 10000000).';
    END IF;
    -- every other argument, before anything is generated
    IF run_scaling.suite IS NULL THEN
        RAISE EXCEPTION 'argument suite must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass a suite of tas_bench.cases; built-in: orchestration.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.cases k WHERE k.suite = run_scaling.suite AND k.enabled) THEN
        RAISE EXCEPTION 'argument suite: suite "%" has no enabled cases', run_scaling.suite
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN EXISTS (SELECT 1 FROM @extschema@.cases k WHERE k.suite = run_scaling.suite)
                                THEN 'Every case of the suite has enabled = false.'
                                ELSE 'No case of tas_bench.cases belongs to that suite.' END,
                  HINT = 'See SELECT DISTINCT suite FROM tas_bench.cases WHERE enabled; built-in: orchestration.';
    END IF;
    IF run_scaling.label = '' THEN
        RAISE EXCEPTION 'argument label must not be empty'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a label for the runs, or NULL for one made from the current time.';
    END IF;
    IF run_scaling.repeats IS NULL OR run_scaling.repeats < 1 OR run_scaling.repeats > 1000 THEN
        RAISE EXCEPTION 'argument repeats must be between 1 and 1000, not %', coalesce(run_scaling.repeats::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'repeats runs the suite that many times at each size (case order shuffled per repeat); scaling_fit takes every repeat as a point.';
    END IF;
    IF run_scaling.capture_plans IS NULL THEN
        RAISE EXCEPTION 'argument capture_plans must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass true (capture the plans of every case) or false.';
    END IF;
    IF run_scaling.target_schema IS NULL THEN
        RAISE EXCEPTION 'argument target_schema must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the name of the schema holding the tasker tables, e.g. ''tasker''.';
    END IF;
    IF ds IS NULL AND run_scaling.seed IS NULL THEN
        RAISE EXCEPTION 'argument seed must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass any bigint; the same seed gives the same data.';
    END IF;
    IF ds IS NOT NULL THEN
        SELECT * INTO d FROM @extschema@.datasets x WHERE x.dataset_id = ds;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'argument dataset_id % names no dataset in tas_bench.datasets', ds
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'See SELECT dataset_id, tasks, target_schema FROM tas_bench.datasets; NULL generates a new dataset.';
        END IF;
        IF d.target_schema <> run_scaling.target_schema THEN
            RAISE EXCEPTION 'argument dataset_id % names a dataset of schema "%", not of target_schema "%"',
                    ds, d.target_schema, run_scaling.target_schema
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Pass target_schema => %L, or another dataset_id.', d.target_schema);
        END IF;
    END IF;
    IF to_regnamespace(quote_ident(run_scaling.target_schema)) IS NULL THEN
        RAISE EXCEPTION 'argument target_schema: schema "%" does not exist', run_scaling.target_schema
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'Pass the schema holding the tasker tables; load test/fixtures/tasker/tasker_schema.sql for a stand-in.';
    END IF;
    SELECT count(*), string_agg(c.object || ': ' || c.problem, '; ') INTO nprob, probs
      FROM (SELECT t.object, t.problem FROM @extschema@.check_target(run_scaling.target_schema) t LIMIT 20) c;
    IF nprob > 0 THEN
        SELECT count(*) INTO nprob FROM @extschema@.check_target(run_scaling.target_schema);
        RAISE EXCEPTION 'target schema "%" is not ready for tas_bench (% problem%)', run_scaling.target_schema,
                nprob, CASE WHEN nprob = 1 THEN '' ELSE 's' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = probs || CASE WHEN nprob > 20 THEN format('; and %s more', nprob - 20) ELSE '' END || '.',
                  HINT = format('Run SELECT * FROM tas_bench.check_target(%L) for the full list.', run_scaling.target_schema);
    END IF;
    SELECT array_agg(DISTINCT s ORDER BY s) INTO sorted FROM unnest(sizes) s;
    IF ds IS NOT NULL AND d.tasks > sorted[1] THEN
        RAISE EXCEPTION 'argument sizes: dataset % already has % tasks, more than size %', ds, d.tasks, sorted[1]
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A dataset only grows: every size must be at least its current size.',
                  HINT = format('Pass sizes of at least %s tasks, or dataset_id => NULL to generate a new dataset.', d.tasks);
    END IF;

    FOREACH sz IN ARRAY sorted LOOP
        t0 := clock_timestamp();
        IF ds IS NULL THEN
            RAISE NOTICE 'scaling %: generating % tasks (seed %)', lbl, sz, seed;
            SELECT g.dataset_id INTO ds
              FROM @extschema@.generate(sz, seed, target_schema => target_schema) g;
        ELSE
            SELECT x.tasks INTO have FROM @extschema@.datasets x WHERE x.dataset_id = ds;
            IF have < sz THEN
                RAISE NOTICE 'scaling %: growing dataset % from % to % tasks', lbl, ds, have, sz;
                PERFORM @extschema@.grow(ds, sz);
            END IF;
        END IF;
        -- generate() and grow() ANALYZE the tables they filled
        RAISE NOTICE 'scaling %: dataset ready at % tasks after % s', lbl, sz,
            round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
        COMMIT;
        CALL @extschema@.run_suite(run_scaling.suite, lbl, target_schema, capture_plans, run_scaling.repeats);
        COMMIT; PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    END LOOP;
    RAISE NOTICE 'scaling %: done; see SELECT * FROM tas_bench.scaling_report(%)', lbl, quote_literal(lbl);
END
$$;

COMMENT ON PROCEDURE @extschema@.run_scaling(text, integer[], text, bigint, name, bigint, boolean, integer) IS
  'For each size in ascending order (default five: 1K, 3K, 10K, 30K, 100K, enough for scaling_fit to name a class): generate (first size) or grow one dataset to that many tasks (method auto: the bulk method where it is allowed and worth it), which ANALYZEs it, run the suite under label (repeats times, each repeat a point of scaling_fit), commit.  Every run records the number of tasks in the target (runs.dataset_tasks).  All arguments are checked before anything is generated: sizes between 1 and 10000000, the suite with enabled cases, target_schema ready (tas_bench.check_target), dataset_id (if given) a dataset of target_schema with at most the smallest size of tasks; seed is used only when dataset_id is NULL; label NULL makes one from the current time';

