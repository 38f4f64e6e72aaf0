-- 50_suite: samplers, run_suite, plan capture and fingerprints, on the
-- stand-in schema with the small hand-built dataset.  No timings printed.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
\set ECHO none
\o /dev/null
DROP SCHEMA IF EXISTS tasker CASCADE;
SET search_path = tasker, public;
\i test/fixtures/tasker_schema.sql
\i test/fixtures/tasker_small_dataset.sql
\o
\set ECHO all
RESET search_path;
-- fixed statistics: ANALYZE once, and no autovacuum on these tables, so that
-- plans (and their fingerprints) change only when this test changes something
DO $$
DECLARE t regclass;
BEGIN
  FOR t IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'tasker'::regnamespace AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', t);
    EXECUTE format('ANALYZE %s', t);
  END LOOP;
END $$;

-- samplers need the target on the search_path, like the functions they feed
SET search_path = tasker, public;

-- deterministic: the same seed gives the same rows in the same order
SELECT (SELECT array_agg(task_uuid) FROM tas_bench.sample_tasks(8, 42))
     = (SELECT array_agg(task_uuid) FROM tas_bench.sample_tasks(8, 42)) AS tasks_deterministic,
       (SELECT array_agg(workflow_step_uuid) FROM tas_bench.sample_steps(12, 42))
     = (SELECT array_agg(workflow_step_uuid) FROM tas_bench.sample_steps(12, 42)) AS steps_deterministic;

-- stratified: with fewer rows than strata no stratum is drawn twice; the
-- first rows cover as many strata as asked
SELECT count(*) AS rows, count(DISTINCT (template, state)) AS strata
  FROM tas_bench.sample_tasks(10, 1);
-- more rows than strata: every stratum present, none more than
-- one row ahead of another that still has tasks left
SELECT template, state, count(*) AS drawn
  FROM tas_bench.sample_tasks(15, 1) GROUP BY 1, 2 ORDER BY 1, 2;
-- never fewer rows than asked when the data has them (15 tasks), and no
-- duplicates; asking for more returns all
SELECT (SELECT count(DISTINCT task_uuid) FROM tas_bench.sample_tasks(5, s)) AS five,
       (SELECT count(DISTINCT task_uuid) FROM tas_bench.sample_tasks(14, s)) AS fourteen,
       (SELECT count(*) FROM tas_bench.sample_tasks(500, s)) AS all_tasks
  FROM (VALUES (1), (2), (3)) v(s);
-- steps: strata template x depth x state; n steps when the data has them
SELECT count(*) AS rows, count(DISTINCT workflow_step_uuid) AS distinct_steps,
       count(DISTINCT (template, depth, state)) AS strata
  FROM tas_bench.sample_steps(20, 1);
SELECT count(*) AS all_steps_when_asked_for_more FROM tas_bench.sample_steps(1000, 1);
SELECT count(*) = (SELECT count(*) FROM workflow_steps) AS equals_total
  FROM tas_bench.sample_steps(1000, 1);
-- a different seed draws differently
SELECT (SELECT array_agg(task_uuid) FROM tas_bench.sample_tasks(5, 1))
    <> (SELECT array_agg(task_uuid) FROM tas_bench.sample_tasks(5, 2)) AS seed_matters;
SELECT tas_bench.sample_tasks(0);
RESET search_path;

-- the built-in suite, as a user would run it
SELECT count(*) AS builtin_cases, count(*) FILTER (WHERE mode = 'rollback') AS rollback_cases
  FROM tas_bench.cases WHERE suite = 'orchestration';
CALL tas_bench.run_suite('orchestration', 'regress');
SELECT case_name, status, n > 0 AS timed, plans > 0 AS has_plans,
       target IN ('', 'met', 'MISSED') AS target_judged
  FROM tas_bench.suite_report('regress');
-- nested plans name the tasker tables the functions read
SELECT r.case_name, rp.relations
  FROM tas_bench.runs r JOIN tas_bench.run_plans rp USING (run_id)
 WHERE r.label = 'regress' ORDER BY r.case_name COLLATE "C";
SELECT r.case_name, max(p.level) AS deepest_level
  FROM tas_bench.runs r JOIN tas_bench.plans p USING (run_id)
 WHERE r.label = 'regress' GROUP BY r.case_name ORDER BY r.case_name COLLATE "C";
-- the rollback-mode state change left the data as it was
SELECT count(*) AS transitions_by_the_benchmark
  FROM tasker.task_transitions WHERE processor_uuid = '00000000-0000-7000-8000-00000000b0b0';
-- the caller's search_path is untouched
SHOW search_path;

-- plan fingerprints are stable across two runs on the same data ...
CALL tas_bench.run_suite('orchestration', 'regress2');
SELECT a.case_name, a.plan_fingerprint = b.plan_fingerprint AS same_plans
  FROM tas_bench.suite_report('regress') a JOIN tas_bench.suite_report('regress2') b USING (case_name)
 WHERE a.plan_fingerprint IS DISTINCT FROM b.plan_fingerprint;
-- ... and change when an index a plan uses is dropped
SELECT p.relations, p.shape ~ 'idx_|_pkey|_key|Index' AS uses_index
  FROM tas_bench.runs r JOIN tas_bench.plans p USING (run_id)
 WHERE r.label = 'regress2' AND r.case_name = 'get_current_task_state' AND p.level = 1;
BEGIN;
DO $$
DECLARE ix text;
BEGIN
  -- drop every index that the plan of get_current_task_state names
  FOR ix IN SELECT DISTINCT m[1]
              FROM tas_bench.runs r JOIN tas_bench.plans p USING (run_id),
                   regexp_matches(p.shape, 'using ([A-Za-z0-9_]+)', 'g') m
             WHERE r.label = 'regress2' AND r.case_name = 'get_current_task_state'
  LOOP
    EXECUTE format('DROP INDEX tasker.%I', ix);
  END LOOP;
END $$;
SELECT (b).run_id IS NOT NULL AS ran
  FROM (SELECT tas_bench.bench('SELECT get_current_task_state($1)',
                               params => 'SELECT task_uuid FROM tas_bench.sample_tasks(5)',
                               iterations => 5, name => 'state_noindex', label => 'regress3',
                               search_path => 'tasker, public') AS b) x;
SELECT tas_bench.capture_plans(run_id) > 1 AS captured FROM tas_bench.runs WHERE label = 'regress3';
SELECT (SELECT fingerprint FROM tas_bench.run_plans JOIN tas_bench.runs USING (run_id)
         WHERE label = 'regress2' AND case_name = 'get_current_task_state')
    <> (SELECT fingerprint FROM tas_bench.run_plans JOIN tas_bench.runs USING (run_id)
         WHERE label = 'regress3') AS fingerprint_changed;
ROLLBACK;

-- a user-defined suite: a failing case is recorded as failed, the others run
INSERT INTO tas_bench.cases (suite, name, ord, sql, params, iterations, warmup) VALUES
  ('mine', 'a_count_tasks', 1, 'SELECT count(*) FROM tasks', NULL, 20, 1),
  ('mine', 'b_fails', 2, 'SELECT 1 / (count(*) - count(*)) FROM tasks', NULL, 20, 1),
  ('mine', 'c_bad_params', 3, 'SELECT $1', 'SELECT 1 WHERE false', 20, 1),
  ('mine', 'd_state', 4, 'SELECT get_current_task_state($1)',
   'SELECT task_uuid FROM tas_bench.sample_tasks(3)', 20, 1);
INSERT INTO tas_bench.cases (suite, name, ord, sql, iterations, warmup, mode) VALUES
  ('mine', 'e_commit_fails', 5, 'SELECT 1 / 0', 5, 0, 'commit');
CALL tas_bench.run_suite('mine', 'mine1', capture_plans => false);
SELECT case_name, status, n, error FROM tas_bench.suite_report('mine1', 'mine');
-- an unknown suite or target schema is an error
CALL tas_bench.run_suite('nope');
CALL tas_bench.run_suite('mine', 'x', target_schema => 'no_such_schema');

-- targets: the smallest applicable size wins; NULL size applies to any size
SELECT tas_bench.target_for('get_next_ready_tasks_10', 800) AS t_800,
       tas_bench.target_for('get_next_ready_tasks_10', 5000) AS t_5k,
       tas_bench.target_for('get_next_ready_tasks_1', 10000) AS t_10k,
       tas_bench.target_for('get_next_ready_tasks_1', 1000000) AS t_1m,
       tas_bench.target_for('get_task_execution_context', 1000000) AS ctx_1m;

DELETE FROM tas_bench.cases WHERE suite = 'mine';
DELETE FROM tas_bench.runs;
DROP SCHEMA tasker CASCADE;
