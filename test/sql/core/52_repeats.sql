-- 52_repeats: run_suite(..., repeats => k) runs the suite k times, the
-- case order shuffled from the second repeat on (seeded: the same order
-- every time), and run_suite(..., settle => ...) records whether the data
-- it measured was settled.
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
CREATE SCHEMA rep_t;
CREATE TABLE rep_t.tasks (id int) WITH (autovacuum_enabled = false);  -- no race with autovacuum
INSERT INTO rep_t.tasks SELECT generate_series(1, 5000);
-- this session's counts of those rows go to the shared statistics when it is
-- next idle (at most once a second, PG 15+): sent later, after the settling
-- ANALYZE, they would count as changed since it, and settled_after would say f
DO $$BEGIN IF current_setting('server_version_num')::int >= 150000 THEN PERFORM pg_stat_force_next_flush(); END IF; END$$;
INSERT INTO tas_bench.cases (suite, name, sql, iterations, warmup, ord)
SELECT 'rep', 'case_' || g, 'SELECT ' || g, 20, 1, g FROM generate_series(1, 5) g;

-- settle => false on data nobody has vacuumed: recorded as unsettled
SELECT tas_bench.target_settled('rep_t') AS settled_before;
CALL tas_bench.run_suite('rep', label => 'rep unsettled', target_schema => 'rep_t', settle => false);
SELECT DISTINCT env ->> 'settled' AS settled FROM tas_bench.runs WHERE label = 'rep unsettled';

-- the default settles first
CALL tas_bench.run_suite('rep', label => 'rep', target_schema => 'rep_t', repeats => 3);
SELECT tas_bench.target_settled('rep_t') AS settled_after;
SELECT env ->> 'repeat' AS repeat, string_agg(case_name, ' ' ORDER BY run_id) AS run_order,
       bool_and((env ->> 'settled')::boolean) AS settled, min(env ->> 'repeats') AS repeats
  FROM tas_bench.runs WHERE label = 'rep' GROUP BY 1 ORDER BY 1;
SELECT case_name, count(*) AS runs FROM tas_bench.runs WHERE label = 'rep' GROUP BY 1 ORDER BY 1;
-- the shuffle is seeded: a second suite run has the same orders
CALL tas_bench.run_suite('rep', label => 'rep again', target_schema => 'rep_t', repeats => 3);
SELECT (SELECT array_agg(case_name ORDER BY run_id) FROM tas_bench.runs WHERE label = 'rep')
     = (SELECT array_agg(case_name ORDER BY run_id) FROM tas_bench.runs WHERE label = 'rep again') AS same_orders;

-- errors
CALL tas_bench.run_suite('rep', target_schema => 'rep_t', repeats => 0);
CALL tas_bench.run_suite('rep', target_schema => 'rep_t', repeats => NULL);

DELETE FROM tas_bench.runs WHERE label LIKE 'rep%';
DELETE FROM tas_bench.cases WHERE suite = 'rep';
DROP SCHEMA rep_t CASCADE;
