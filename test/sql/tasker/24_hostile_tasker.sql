-- 24_hostile_tasker: hostile values on every argument of the tasker
-- workload's entry points (generate, grow, cleanup, check_target,
-- run_scaling): NULL, 0, negative, huge, empty, malformed.  Each is a clear
-- error naming the argument and its range, or a documented behaviour shown
-- here.  run_scaling checks every argument before it generates anything:
-- the datasets table is unchanged after each refused call.
-- 20_generate covers the first set of generate() argument errors; the
-- anchor's range, NULL elements and the rest are here.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET tas_bench.progress_interval = 0;

\set ECHO none
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tasker CASCADE;
\i test/fixtures/tasker/tasker_schema.sql
RESET client_min_messages;
\set ECHO all

-- some errors name a dataset id: number this test's datasets from 2400
SELECT pg_catalog.setval('tas_bench.datasets_dataset_id_seq', 2400, false) AS first_dataset_id;

\set VERBOSITY default

-- generate: tasks
SELECT tas_bench.generate(NULL);
SELECT tas_bench.generate(-1);
SELECT tas_bench.generate(2147483647);
-- generate: seed (any bigint is a seed; NULL is not)
SELECT tas_bench.generate(5, NULL);
-- generate: patterns
SELECT tas_bench.generate(5, patterns => '{NULL}');
SELECT tas_bench.generate(5, patterns => '{linear,NULL}');
SELECT tas_bench.generate(5, patterns => '{""}');
SELECT tas_bench.generate(5, patterns => '{Linear}');
SELECT tas_bench.generate(5, patterns => '{{linear},{tree}}');
-- generate: state_mix
SELECT tas_bench.generate(5, state_mix => '{}');
SELECT tas_bench.generate(5, state_mix => 'null');
SELECT tas_bench.generate(5, state_mix => '"complete"');
SELECT tas_bench.generate(5, state_mix => '1');
SELECT tas_bench.generate(5, state_mix => '{"Complete": 1}');
SELECT tas_bench.generate(5, state_mix => '{"complete": null}');
SELECT tas_bench.generate(5, state_mix => '{"complete": true}');
SELECT tas_bench.generate(5, state_mix => '{"complete": [1]}');
SELECT tas_bench.generate(5, state_mix => '{"complete": {"x": 1}}');
SELECT tas_bench.generate(5, state_mix => '{"complete": 1e13}');
SELECT tas_bench.generate(5, state_mix => '{"complete": 0, "error": 0}');
-- generate: target_schema
SELECT tas_bench.generate(5, target_schema => NULL);
SELECT tas_bench.generate(5, target_schema => '');
\set VERBOSITY terse
SELECT tas_bench.generate(5, target_schema => 'pg_catalog');
\set VERBOSITY default
-- generate: anchor, from 1970-01-31 (rows reach back 30 days, UUIDv7 counts
-- from 1970-01-01) to the end of year 9999
SELECT tas_bench.generate(5, anchor => 'infinity');
SELECT tas_bench.generate(5, anchor => '-infinity');
SELECT tas_bench.generate(5, anchor => '1969-12-31 23:59:59+00');
SELECT tas_bench.generate(5, anchor => '1970-01-30 23:59:59.999999+00');
SELECT tas_bench.generate(5, anchor => '10000-01-01 00:00:00+00');
SELECT tas_bench.generate(5, anchor => '4713-01-01 00:00:00+00 BC');
SELECT count(*) AS datasets_after_refusals FROM tas_bench.datasets;

-- the bounds themselves are accepted: every row lies in [1970-01-01, anchor],
-- and the UUIDv7 of every task and transition encodes its own created_at.
-- The millisecond is taken with date_trunc and rounded, not floor(epoch * 1000):
-- before PG 14 extract() returns double precision, whose step near year 9999
-- is about 30 us, so x.996 ms would floor to the next millisecond.
SELECT dataset_id AS lo FROM tas_bench.generate(40, 3, anchor => '1970-01-31 00:00:00+00') \gset
SELECT dataset_id AS hi FROM tas_bench.generate(40, 3, anchor => '9999-12-31 23:59:59.999999+00') \gset
CREATE TEMP VIEW stamps AS
SELECT 'tasks' AS tab, created_at AS at, task_uuid AS u FROM tasker.tasks UNION ALL
SELECT 'task_transitions', created_at, task_transition_uuid FROM tasker.task_transitions UNION ALL
SELECT 'workflow_steps', created_at, workflow_step_uuid FROM tasker.workflow_steps UNION ALL
SELECT 'workflow_step_transitions', created_at, workflow_step_transition_uuid FROM tasker.workflow_step_transitions UNION ALL
SELECT 'named_tasks', created_at, NULL FROM tasker.named_tasks UNION ALL
SELECT 'named_steps', created_at, NULL FROM tasker.named_steps;
SELECT min(at) >= '1970-01-01' AS after_1970, max(at) <= '9999-12-31 23:59:59.999999' AS before_10000,
       count(*) FILTER (WHERE u IS NOT NULL AND
         ('x' || replace(substr(u::text, 1, 13), '-', ''))::bit(48)::bigint
           <> round(extract(epoch FROM date_trunc('milliseconds', at)) * 1000)::bigint) AS uuid_time_mismatches
  FROM stamps;
SELECT min(at) AS earliest_row FROM stamps;

-- generate: documented behaviours
-- a pattern named twice counts once
SELECT dataset_id AS dup, patterns, parameters->'shape_mix' AS shape_mix
  FROM tas_bench.generate(5, 11, patterns => '{linear,linear}', anchor => '2026-01-01 00:00:00+00') \gset
SELECT :'patterns' AS patterns, :'shape_mix' AS shape_mix;
-- a state with weight 0 is never drawn
SELECT parameters->'state_mix' AS state_mix
  FROM tas_bench.generate(5, 12, state_mix => '{"complete": 2, "error": 0}', anchor => '2026-01-01 00:00:00+00');

-- grow: dataset_id, tasks
SELECT tas_bench.grow(NULL, 50);
SELECT tas_bench.grow(:dup, NULL);
SELECT tas_bench.grow(-1, 50);
SELECT tas_bench.grow(0, 50);
SELECT tas_bench.grow(9223372036854775807, 50);
SELECT tas_bench.grow(:dup, 0);
SELECT tas_bench.grow(:dup, -5);
SELECT tas_bench.grow(:dup, 4);
SELECT tas_bench.grow(:dup, 5);
SELECT tas_bench.grow(:dup, 2147483647);
-- grow: a datasets row edited by hand is checked like generate()'s arguments
UPDATE tas_bench.datasets SET anchor = 'infinity' WHERE dataset_id = :dup;
SELECT tas_bench.grow(:dup, 10);
UPDATE tas_bench.datasets SET anchor = '2026-01-01 00:00:00+00', patterns = '{spiral}' WHERE dataset_id = :dup;
SELECT tas_bench.grow(:dup, 10);
UPDATE tas_bench.datasets SET patterns = '{linear}', state_mix = '[]' WHERE dataset_id = :dup;
SELECT tas_bench.grow(:dup, 10);
UPDATE tas_bench.datasets SET target_schema = 'no_such_schema' WHERE dataset_id = :dup;
SELECT tas_bench.grow(:dup, 10);
UPDATE tas_bench.datasets d SET state_mix = s.state_mix, target_schema = 'tasker'
  FROM (SELECT parameters->'state_mix' AS state_mix FROM tas_bench.datasets WHERE dataset_id = :dup) s
 WHERE d.dataset_id = :dup;
SELECT tasks FROM tas_bench.grow(:dup, 10);

-- check_target: NULL is an error; a missing schema is one problem row
SELECT * FROM tas_bench.check_target(NULL);
SELECT * FROM tas_bench.check_target('');
SELECT * FROM tas_bench.check_target('no_such_schema');

-- cleanup: NULL (the default) removes every dataset; an id that names none is an error
SELECT tas_bench.cleanup(-1);
SELECT tas_bench.cleanup(0);
SELECT tas_bench.cleanup(9223372036854775807);

-- run_scaling: every argument is checked before anything is generated
SELECT count(*) AS datasets_before FROM tas_bench.datasets;
CALL tas_bench.run_scaling(sizes => NULL);
CALL tas_bench.run_scaling(sizes => '{}');
CALL tas_bench.run_scaling(sizes => '{100,NULL}');
CALL tas_bench.run_scaling(sizes => '{0}');
CALL tas_bench.run_scaling(sizes => '{100,-5}');
CALL tas_bench.run_scaling(sizes => '{100,2147483647}');
CALL tas_bench.run_scaling(NULL, '{100}');
CALL tas_bench.run_scaling('no_such_suite', '{100}');
INSERT INTO tas_bench.cases (suite, name, sql, enabled) VALUES ('hostile_off', 'off', 'SELECT 1', false);
CALL tas_bench.run_scaling('hostile_off', '{100}');
DELETE FROM tas_bench.cases WHERE suite = 'hostile_off';
CALL tas_bench.run_scaling(sizes => '{100}', label => '');
CALL tas_bench.run_scaling(sizes => '{100}', capture_plans => NULL);
CALL tas_bench.run_scaling(sizes => '{100}', target_schema => NULL);
CALL tas_bench.run_scaling(sizes => '{100}', seed => NULL);
CALL tas_bench.run_scaling(sizes => '{100}', target_schema => 'no_such_schema');
CREATE SCHEMA hostile_empty;
\set VERBOSITY terse
CALL tas_bench.run_scaling(sizes => '{100}', target_schema => 'hostile_empty');
\set VERBOSITY default
CALL tas_bench.run_scaling(sizes => '{100}', dataset_id => -1);
CALL tas_bench.run_scaling(sizes => '{100}', dataset_id => 9223372036854775807);
-- a dataset of one schema with another target_schema
CALL tas_bench.run_scaling(sizes => '{100}', dataset_id => :dup, target_schema => 'hostile_empty');
-- a dataset only grows: a size below its current size is refused
CALL tas_bench.run_scaling(sizes => '{5,100}', dataset_id => :dup);
SELECT count(*) AS datasets_after, max(tasks) FILTER (WHERE dataset_id = :dup) AS dup_tasks,
       (SELECT count(*) FROM tas_bench.runs) AS runs
  FROM tas_bench.datasets;
DROP SCHEMA hostile_empty;

-- cleanup(NULL): everything, then nothing left to remove
\set VERBOSITY terse
SELECT tas_bench.cleanup(NULL) > 0 AS removed;
SELECT tas_bench.cleanup() AS removed_again;
SELECT count(*) AS datasets_left FROM tas_bench.datasets;

-- leave the database as 23_hijack_generate left it: no dataset, no tasker schema
DROP VIEW stamps;
SET client_min_messages = warning;
DROP SCHEMA tasker CASCADE;
RESET client_min_messages;
