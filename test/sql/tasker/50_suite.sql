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
\i test/fixtures/tasker/tasker_schema.sql
\i test/fixtures/tasker/tasker_small_dataset.sql
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

-- plan fingerprints are stable across two runs on the same data.  The
-- rollback-mode case leaves aborted row versions behind, which grow the
-- table on disk and so the planner's row estimates: a real change of the
-- data as the planner sees it.  So the read-only cases are run twice
-- after it, on data that no longer moves ...
INSERT INTO tas_bench.cases (suite, name, ord, sql, params, iterations, warmup, mode)
SELECT 'ro', name, ord, sql, params, 20, 2, mode
  FROM tas_bench.cases WHERE suite = 'orchestration' AND mode = 'shared';
CALL tas_bench.run_suite('ro', 'ro1');
CALL tas_bench.run_suite('ro', 'ro2');
SELECT count(*) AS cases_compared,
       count(*) FILTER (WHERE a.plan_fingerprint IS DISTINCT FROM b.plan_fingerprint) AS plans_changed
  FROM tas_bench.suite_report('ro1', 'ro') a JOIN tas_bench.suite_report('ro2', 'ro') b USING (case_name);
-- ... and change when an index a nested plan uses is dropped: a PL/pgSQL
-- function whose one statement is an index lookup
CREATE TABLE fp_t (id int PRIMARY KEY, v int);
INSERT INTO fp_t SELECT g, g % 97 FROM generate_series(1, 20000) g;
ANALYZE fp_t;
CREATE FUNCTION fp_lookup(p int) RETURNS int LANGUAGE plpgsql STABLE
AS $$ BEGIN RETURN (SELECT v FROM fp_t WHERE id = p); END $$;
SELECT run_id AS fp_run FROM tas_bench.bench('SELECT fp_lookup($1)', params => 'SELECT 4242',
                                            iterations => 20, name => 'fp_index', label => 'fp1') \gset
SELECT tas_bench.capture_plans(:fp_run) AS plans_with_index;
SELECT p.level, p.relations, p.shape
  FROM tas_bench.runs r JOIN tas_bench.plans p USING (run_id)
 WHERE r.label = 'fp1' ORDER BY p.level;
ALTER TABLE fp_t DROP CONSTRAINT fp_t_pkey;
SELECT run_id AS fp_run FROM tas_bench.bench('SELECT fp_lookup($1)', params => 'SELECT 4242',
                                            iterations => 20, name => 'fp_index', label => 'fp2') \gset
SELECT tas_bench.capture_plans(:fp_run) AS plans_without_index;
SELECT p.level, p.shape
  FROM tas_bench.runs r JOIN tas_bench.plans p USING (run_id)
 WHERE r.label = 'fp2' ORDER BY p.level;
SELECT (SELECT fingerprint FROM tas_bench.run_plans JOIN tas_bench.runs USING (run_id) WHERE label = 'fp1')
    <> (SELECT fingerprint FROM tas_bench.run_plans JOIN tas_bench.runs USING (run_id) WHERE label = 'fp2')
       AS fingerprint_changed;
-- compare() flags it too, whatever the timings say
SELECT case_name, plan_changed FROM tas_bench.compare('fp1', 'fp2');
DROP FUNCTION fp_lookup(int);
DROP TABLE fp_t;

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

DELETE FROM tas_bench.cases WHERE suite IN ('mine', 'ro');
DELETE FROM tas_bench.runs;
DROP SCHEMA tasker CASCADE;
