-- 46_privileges: who can run what, and who reads whose results.
--   regress_priv_bench  a bench role with only the documented grants
--   regress_priv_other  any other role (PUBLIC's rights)
--   regress_priv_stats  a member of pg_read_all_stats
-- The test runs as the extension's owner (a superuser).
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
CREATE ROLE regress_priv_bench;
CREATE ROLE regress_priv_other;
CREATE ROLE regress_priv_stats IN ROLE pg_read_all_stats;
-- the documented grants: writing one's own cases (everything else is EXECUTE,
-- which PUBLIC has)
GRANT INSERT, UPDATE, DELETE ON tas_bench.cases TO regress_priv_bench;
-- the bench role's own target and the table its statements write to
CREATE SCHEMA priv_t;
CREATE TABLE priv_t.tasks (id int);
CREATE TABLE priv_t.marker (who text DEFAULT current_user);
GRANT USAGE ON SCHEMA priv_t TO regress_priv_bench;
GRANT SELECT ON priv_t.tasks TO regress_priv_bench;
GRANT INSERT ON priv_t.marker TO regress_priv_bench;

-- 1. the bench role runs every entry point on its own SQL, without table grants
SET ROLE regress_priv_bench;
SELECT status, n, owner FROM tas_bench.bench('SELECT 1', iterations => 10, warmup => 1,
                                             name => 'priv own', label => 'priv');
\o /dev/null
CALL tas_bench.bench_commit('SELECT 1', iterations => 10, warmup => 1, name => 'priv commit', label => 'priv');
\o
SELECT verdict IS NOT NULL AS compared
  FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => 10, warmup => 1, name => 'priv ab', label => 'priv');
SELECT tas_bench.capture_plans(run_id) > 0 AS plans FROM tas_bench.runs WHERE name = 'priv own';
INSERT INTO tas_bench.cases (suite, name, sql, iterations, warmup)
VALUES ('priv', 'writes', 'INSERT INTO priv_t.marker DEFAULT VALUES', 5, 0);
CALL tas_bench.run_suite('priv', label => 'priv suite', target_schema => 'priv_t');
SELECT case_name, status, owner FROM tas_bench.runs WHERE label = 'priv suite';
SELECT count(*) > 0 AS compared FROM tas_bench.compare('priv', 'priv suite');
-- it cannot write results or cases in another role's name
INSERT INTO tas_bench.runs (sql, mode, iterations, warmup) VALUES ('SELECT 1', 'shared', 1, 0);
INSERT INTO tas_bench.cases (suite, name, sql, owner) VALUES ('priv', 'forged', 'SELECT 1', 'postgres');
UPDATE tas_bench.cases SET sql = 'SELECT 2' WHERE builtin;
SELECT count(*) AS builtin_cases_changed FROM tas_bench.cases WHERE builtin AND sql = 'SELECT 2';
RESET ROLE;
SELECT count(*) AS marker_rows FROM priv_t.marker;

-- 2. a superuser cannot be made to run the bench role's SQL
CALL tas_bench.run_suite('priv', label => 'priv by superuser', target_schema => 'priv_t');
SELECT case_name, status, error FROM tas_bench.runs WHERE label = 'priv by superuser';
SELECT count(*) AS marker_rows_unchanged FROM priv_t.marker;
\set VERBOSITY sqlstate
SELECT tas_bench.capture_plans(run_id) FROM tas_bench.runs WHERE name = 'priv own';
\set VERBOSITY default
-- as that role, it can
SET ROLE regress_priv_bench;
CALL tas_bench.run_suite('priv', label => 'priv again', target_schema => 'priv_t');
RESET ROLE;
SELECT count(*) AS marker_rows FROM priv_t.marker;

-- 3. another role reads no one else's SQL, parameters, samples or plans
SET ROLE regress_priv_other;
SELECT count(*) AS runs_seen FROM tas_bench.runs WHERE owner = 'regress_priv_bench';
SELECT count(*) AS samples_seen FROM tas_bench.samples s
 WHERE s.run_id IN (SELECT run_id FROM tas_bench.run_summary WHERE owner = 'regress_priv_bench');
SELECT count(*) AS plans_seen FROM tas_bench.plans;
SELECT count(*) AS cases_seen FROM tas_bench.cases WHERE suite = 'priv';
SELECT count(*) > 0 AS builtin_cases_seen FROM tas_bench.cases WHERE builtin;
SELECT DISTINCT sql, owner FROM tas_bench.run_summary WHERE owner = 'regress_priv_bench';
INSERT INTO tas_bench.samples (run_id, seq, ns) VALUES (1, 1, 1);
RESET ROLE;
-- the owner and pg_read_all_stats read them
SET ROLE regress_priv_bench;
SELECT DISTINCT sql FROM tas_bench.run_summary WHERE owner = 'regress_priv_bench' ORDER BY 1;
RESET ROLE;
SET ROLE regress_priv_stats;
SELECT count(*) > 0 AS stats_role_reads_runs FROM tas_bench.runs WHERE owner = 'regress_priv_bench';
SELECT DISTINCT sql FROM tas_bench.run_summary WHERE owner = 'regress_priv_bench' ORDER BY 1;
RESET ROLE;

-- clean up
DELETE FROM tas_bench.runs WHERE owner = 'regress_priv_bench' OR label LIKE 'priv%';
DELETE FROM tas_bench.cases WHERE suite = 'priv';
DROP SCHEMA priv_t CASCADE;
DROP OWNED BY regress_priv_bench;
DROP ROLE regress_priv_bench, regress_priv_other, regress_priv_stats;
