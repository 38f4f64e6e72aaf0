-- 22_generate_golden: fixed-seed, fixed-anchor datasets, checked row for row.
-- For every table generate() and grow() write to, it prints the row count and
-- an md5 over the text of every row, sorted.  Any change to what the generator
-- writes shows up here, down to the order of PRNG draws.  When a change is
-- meant, regenerate the expected output.  The checksums leave out only values
-- that come from the clock or a sequence and not from seed and anchor: dataset
-- ids (in the tags they are replaced by the offset from the first dataset),
-- the audit rows' own uuid and now() columns, and the datasets row's created_at,
-- seconds and grown_at.  The extension version in its parameters is left out
-- too.  Dataset a: every shape and the default state mix, as generated.
-- Dataset b: three shapes and every task state equally often, generated at
-- one size and then grown.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET tas_bench.progress_interval = 0;

\set ECHO none
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tasker CASCADE;
\i test/fixtures/tasker/tasker_schema.sql
RESET client_min_messages;
\set ECHO all

SELECT dataset_id AS ds_a FROM tas_bench.generate(300, seed => 42, anchor => '2026-01-01 00:00:00+00') \gset
SELECT dataset_id AS ds_b FROM tas_bench.generate(120, seed => 7, patterns => '{diamond,tree,batch}',
  state_mix => '{"pending": 1, "initializing": 1, "enqueuing_steps": 1, "steps_in_process": 1,
                 "evaluating_results": 1, "waiting_for_dependencies": 1, "waiting_for_retry": 1,
                 "blocked_by_failures": 1, "complete": 1, "error": 1, "cancelled": 1,
                 "resolved_manually": 1}',
  anchor => '2025-06-15 08:30:00+00') \gset
SELECT tasks FROM tas_bench.grow(:ds_b, 180);

-- one row of text per generated row, per table
CREATE TEMP VIEW golden_rows AS
SELECT 'task_namespaces' AS tab, to_jsonb(r)::text AS x FROM tasker.task_namespaces r UNION ALL
SELECT 'named_tasks', to_jsonb(r)::text FROM tasker.named_tasks r UNION ALL
SELECT 'named_steps', to_jsonb(r)::text FROM tasker.named_steps r UNION ALL
SELECT 'named_tasks_named_steps', to_jsonb(r)::text FROM tasker.named_tasks_named_steps r UNION ALL
SELECT 'tasks', (to_jsonb(r) || jsonb_build_object('tags', jsonb_set(r.tags, '{tas_bench,dataset}',
         to_jsonb((r.tags->'tas_bench'->>'dataset')::bigint - :ds_a))))::text
  FROM tasker.tasks r UNION ALL
SELECT 'workflow_steps', to_jsonb(r)::text FROM tasker.workflow_steps r UNION ALL
SELECT 'workflow_step_edges', to_jsonb(r)::text FROM tasker.workflow_step_edges r UNION ALL
SELECT 'task_transitions', to_jsonb(r)::text FROM tasker.task_transitions r UNION ALL
SELECT 'workflow_step_transitions', to_jsonb(r)::text FROM tasker.workflow_step_transitions r UNION ALL
SELECT 'workflow_step_result_audit',
       (to_jsonb(r) - 'workflow_step_result_audit_uuid' - 'recorded_at' - 'created_at' - 'updated_at')::text
  FROM tasker.workflow_step_result_audit r UNION ALL
SELECT 'tas_bench.datasets',
       (to_jsonb(r) - 'created_at' - 'seconds' - 'grown_at'
          || jsonb_build_object('dataset_id', r.dataset_id - :ds_a,
                                'parameters', r.parameters - 'extension_version'))::text
  FROM tas_bench.datasets r WHERE r.dataset_id IN (:ds_a, :ds_b) UNION ALL
SELECT 'tas_bench.dataset_templates', (to_jsonb(r) - 'created_at')::text
  FROM tas_bench.dataset_templates r WHERE r.target_schema = 'tasker';

SELECT tab AS "table", count(*) AS rows, md5(string_agg(x, '|' ORDER BY x COLLATE "C")) AS checksum
  FROM golden_rows GROUP BY tab ORDER BY tab COLLATE "C";
SELECT count(*) AS tables_with_rows FROM (SELECT DISTINCT tab FROM golden_rows) s;

-- the datasets rows in clear
SELECT dataset_id - :ds_a AS dataset, seed, tasks, patterns, anchor, rows_written
  FROM tas_bench.datasets WHERE dataset_id IN (:ds_a, :ds_b) ORDER BY 1;

-- leave the database as 21_generate_10k left it: no dataset, no tasker schema
SELECT tas_bench.cleanup(:ds_a) > 0 AS removed_a, tas_bench.cleanup(:ds_b) > 0 AS removed_b;
DROP VIEW golden_rows;
\set VERBOSITY terse
DROP SCHEMA tasker CASCADE;
