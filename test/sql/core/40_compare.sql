-- 40_compare: tas_bench.compare(), compare_runs() and bench_ab().
-- The verdict branches are checked on synthetic runs whose samples are fixed
-- (inserted with generate_series), so every number printed is exact: the
-- bootstrap is seeded from the samples themselves, not from run ids.
-- bench_ab() is checked for what is deterministic: runs stored, interleaving
-- order, parameter rows shared, per-call row and buffer deltas.
SET client_min_messages = notice;
SET tas_bench.progress_interval = 0;

-- cmp_run: one synthetic run, samples base + step * g for g = 1 .. n in a
-- scrambled call order (a steady run: a trend in call order is drift)
CREATE FUNCTION cmp_run(id bigint, lbl text, suite_ text, case_ text,
                        base bigint, step bigint, n int DEFAULT 200,
                        status_ text DEFAULT 'ok', rows_ float8 DEFAULT 1,
                        hit float8 DEFAULT 3)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO tas_bench.runs (run_id, name, label, suite, sql, mode, status, error,
                              iterations, warmup, n, rows_per_call,
                              shared_hit_per_call, shared_read_per_call, wal_bytes_per_call)
  VALUES (id, case_, lbl, suite_, 'SELECT 1', 'shared', status_,
          CASE WHEN status_ = 'failed' THEN 'division by zero' END,
          n, 0, n, rows_, hit, 0, 0);
  INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
  SELECT id, row_number() OVER (ORDER BY md5(g::text)), base + step * g, 1 FROM generate_series(1, n) g;
  UPDATE tas_bench.runs r
     SET p50_ns = (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ns)
                     FROM tas_bench.samples s WHERE s.run_id = r.run_id)
   WHERE r.run_id = id;
$$;

-- baseline label 'base': most cases have samples 10010, 10020, .., 12000
-- (p50 11000); the candidate label 'cand' moves them.
SELECT cmp_run(900001, 'base', 'synthetic', 'faster',       10000, 10),
       cmp_run(900002, 'base', 'synthetic', 'slower',       10000, 10),
       cmp_run(900003, 'base', 'synthetic', 'unchanged',    10000, 10),
       cmp_run(900004, 'base', 'synthetic', 'tiny_shift',   10000, 10),
       cmp_run(900005, 'base', 'synthetic', 'wide',          1000, 100),
       cmp_run(900006, 'base', 'synthetic', 'edge',         10000, 10),
       cmp_run(900007, 'base', 'synthetic', 'failed',       10000, 10),
       cmp_run(900008, 'base', 'synthetic', 'missing',      10000, 10),
       cmp_run(900009, 'base', NULL,        'no_suite',     10000, 10);
-- an older candidate run of 'slower' that was faster: the latest run counts
SELECT cmp_run(900010, 'cand', 'synthetic', 'slower',        8000, 10);
SELECT
  -- all samples 2000 lower: p50 ratio 9000/11000, no overlap
  cmp_run(900011, 'cand', 'synthetic', 'faster',        8000, 10),
  -- all samples 2000 higher
  cmp_run(900012, 'cand', 'synthetic', 'slower',       12000, 10),
  -- the same samples, but two rows and 5 buffer hits per call instead of 1 and 3
  cmp_run(900013, 'cand', 'synthetic', 'unchanged',    10000, 10, rows_ => 2, hit => 5),
  -- 200 ns (1.8%) higher: significant, but within the 5% noise threshold
  cmp_run(900014, 'cand', 'synthetic', 'tiny_shift',   10200, 10),
  -- 500 ns higher on a spread of 20000: CI far wider than the threshold
  cmp_run(900015, 'cand', 'synthetic', 'wide',          1500, 100),
  -- 600 ns (5.5%) higher: significant, CI straddles 1 + noise
  cmp_run(900016, 'cand', 'synthetic', 'edge',         10600, 10),
  -- the candidate failed after 4 calls
  cmp_run(900017, 'cand', 'synthetic', 'failed',       10000, 10, n => 4, status_ => 'failed'),
  -- only in the candidate
  cmp_run(900018, 'cand', 'synthetic', 'new',          10000, 10),
  cmp_run(900019, 'cand', NULL,        'no_suite',     10000, 10);

-- every verdict branch, exact
SELECT suite, case_name, verdict,
       baseline_p50_ms, candidate_p50_ms,
       round(ratio::numeric, 4) AS ratio,
       round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high,
       round(p_value::numeric, 4) AS p,
       baseline_run, candidate_run, baseline_n, candidate_n
  FROM tas_bench.compare('base', 'cand');

-- why: the note states the rule that applied
SELECT case_name, verdict, note FROM tas_bench.compare('base', 'cand');

-- deterministic deltas flag a change even when the timing is unchanged
SELECT case_name, verdict, rows_per_call_delta, shared_hit_per_call_delta,
       shared_read_per_call_delta, wal_bytes_per_call_delta, changed,
       plan_changed, round(prob_slower::numeric, 4) AS prob_slower
  FROM tas_bench.compare('base', 'cand');

-- the invariants of the rules, on every row
SELECT bool_and(verdict <> 'slower' OR (p_value < 0.05 AND ratio_ci_low > 1.05)) AS slower_ok,
       bool_and(verdict <> 'faster' OR (p_value < 0.05 AND ratio_ci_high < 0.95)) AS faster_ok,
       bool_and(verdict <> 'unchanged' OR (ratio_ci_low >= 0.95 AND ratio_ci_high <= 1.05)) AS unchanged_ok,
       bool_and(ratio IS NULL OR ratio_ci_low <= ratio AND ratio <= ratio_ci_high) AS ci_brackets_ratio
  FROM tas_bench.compare('base', 'cand');

-- the noise threshold and alpha move the verdict
SELECT case_name, verdict, round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high
  FROM tas_bench.compare('base', 'cand', noise => 0.25)
 WHERE case_name IN ('faster', 'slower', 'edge');
SELECT case_name, verdict FROM tas_bench.compare('base', 'cand', noise => 0)
 WHERE case_name IN ('tiny_shift', 'edge', 'unchanged');
SELECT case_name, verdict, round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high
  FROM tas_bench.compare('base', 'cand', alpha => 0.001)
 WHERE case_name IN ('tiny_shift', 'edge');

-- reversed: faster and slower swap, new and missing swap
SELECT case_name, verdict FROM tas_bench.compare('cand', 'base');

-- compare_runs: the same statistics for any two runs
SELECT suite, case_name, verdict, round(ratio::numeric, 4) AS ratio, baseline_run, candidate_run
  FROM tas_bench.compare_runs(900001, 900011);
SELECT suite, case_name, verdict, round(ratio::numeric, 4) AS ratio
  FROM tas_bench.compare_runs(900002, 900010);
SELECT suite, case_name, verdict FROM tas_bench.compare_runs(900008, 900009);
SELECT case_name, verdict, note FROM tas_bench.compare_runs(900003, 900017);
-- the same run against itself
-- (wide: the CI is wider than the noise threshold, so even this is not 'unchanged')
SELECT case_name, verdict, ratio, round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high, p_value
  FROM tas_bench.compare_runs(900005, 900005);
SELECT case_name, verdict, ratio, round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high, p_value
  FROM tas_bench.compare_runs(900001, 900001);
-- a run with no samples counts as failed
INSERT INTO tas_bench.runs (run_id, name, label, sql, mode, status, iterations, warmup)
VALUES (900020, 'empty', 'other', 'SELECT 1', 'shared', 'ok', 1, 0);
SELECT verdict, note FROM tas_bench.compare_runs(900001, 900020);

-- drift inside a run: a step of +30% half-way (in call order) makes the run
-- unstable, and compare answers unstable whatever the ratio says
SELECT cmp_run(900030, 'steady', 'drift', 'd', 10000, 10);
INSERT INTO tas_bench.runs (run_id, name, label, suite, sql, mode, status, iterations, warmup, n, p50_ns)
VALUES (900031, 'd', 'stepped', 'drift', 'SELECT 1', 'shared', 'ok', 200, 0, 200, 11000);
INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
SELECT 900031, g, CASE WHEN g <= 100 THEN 10000 ELSE 13000 END + g % 7, 1 FROM generate_series(1, 200) g;
SELECT calls, round(drift::numeric, 3) AS drift, round(drift_ci_low::numeric, 3) AS ci_low,
       round(drift_ci_high::numeric, 3) AS ci_high, unstable
  FROM tas_bench.run_stability(900030);
SELECT calls, round(drift::numeric, 3) AS drift, unstable FROM tas_bench.run_stability(900031);
-- a wider noise band accepts it; too few calls are not judged
SELECT unstable FROM tas_bench.run_stability(900031, noise => 0.5);
SELECT cmp_run(900032, 'few', 'drift', 'd', 10000, 10, n => 20);
SELECT calls, drift, unstable FROM tas_bench.run_stability(900032);
SELECT verdict, note FROM tas_bench.compare_runs(900030, 900031);
SELECT verdict FROM tas_bench.compare_runs(900031, 900030);
-- a change larger than the drift could make stands: +10% drift, 1.9x slower
INSERT INTO tas_bench.runs (run_id, name, label, suite, sql, mode, status, iterations, warmup, n, p50_ns)
VALUES (900033, 'd', 'stepped', 'drift', 'SELECT 1', 'shared', 'ok', 200, 0, 200, 21000);
INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
SELECT 900033, g, CASE WHEN g <= 100 THEN 20000 ELSE 22000 END + g % 7, 1 FROM generate_series(1, 200) g;
SELECT verdict, round(ratio::numeric, 2) AS ratio FROM tas_bench.compare_runs(900030, 900033);
SELECT * FROM tas_bench.run_stability(NULL);
SELECT * FROM tas_bench.run_stability(-1);
SELECT * FROM tas_bench.run_stability(900031, noise => 1);

-- repeats: three runs per side (env.repeat 1..3) whose levels disagree by
-- +/-10% on both sides.  One run against another of a different level is
-- "slower"; the groups compared with the hierarchical bootstrap are not.
DO $$
BEGIN
  FOR r IN 1 .. 3 LOOP
    PERFORM cmp_run(900040 + r, 'rep_a', 'rep', 'x', 8000 + 1000 * r, 10);
    PERFORM cmp_run(900050 + r, 'rep_b', 'rep', 'x', 8000 + 1000 * ((r % 3) + 1), 10);
    PERFORM cmp_run(900060 + r, 'rep_c', 'rep', 'x', (1.3 * (8000 + 1000 * r))::bigint, 13);
  END LOOP;
  UPDATE tas_bench.runs SET env = jsonb_build_object('repeat', run_id % 10, 'repeats', 3)
   WHERE run_id BETWEEN 900041 AND 900063;
END
$$;
SELECT verdict FROM tas_bench.compare_runs(900041, 900052);
SELECT verdict, baseline_n, candidate_n, round(ratio::numeric, 4) AS ratio,
       round(ratio_ci_low::numeric, 3) < 0.95 OR round(ratio_ci_high::numeric, 3) > 1.05 AS wide,
       note LIKE '%over 3 and 3 repeats%' AS hierarchical
  FROM tas_bench.compare('rep_a', 'rep_b');
-- every repeat 30% slower: caught
SELECT verdict, round(ratio::numeric, 2) AS ratio, ratio_ci_low > 1.05 AS above
  FROM tas_bench.compare('rep_a', 'rep_c');
-- an incomplete group (repeat 2 missing) is compared as single runs
UPDATE tas_bench.runs SET env = env || '{"repeat": 1}' WHERE run_id = 900052;
SELECT verdict, baseline_n, candidate_n, note LIKE '%repeats%' AS hierarchical
  FROM tas_bench.compare('rep_a', 'rep_b');

-- plan_changed: NULL above, where the runs have no rows in tas_bench.plans;
-- otherwise whether the sets of fingerprints (all levels) of the two runs differ
BEGIN;
INSERT INTO tas_bench.plans (run_id, level, statement, plan, calls, shape, fingerprint, relations)
SELECT r, 0, 'SELECT 1', '{}', 1, 'Result', f, '{}'
  FROM (VALUES (900001, 'p1'), (900001, 'p2'), (900011, 'p2'), (900011, 'p1'), (900011, 'p1'),
               (900002, 'p1'), (900012, 'p3')) v(r, f);
SELECT case_name, plan_changed, changed FROM tas_bench.compare('base', 'cand')
 WHERE case_name IN ('faster', 'slower', 'unchanged');
ROLLBACK;

-- argument errors name the argument and its range
\set VERBOSITY default
SELECT * FROM tas_bench.compare('base', 'cand', noise => -0.1);
SELECT * FROM tas_bench.compare('base', 'cand', noise => 1);
SELECT * FROM tas_bench.compare('base', 'cand', noise => 'NaN');
SELECT * FROM tas_bench.compare('base', 'cand', noise => NULL);
SELECT * FROM tas_bench.compare('base', 'cand', alpha => 0);
SELECT * FROM tas_bench.compare('base', 'cand', alpha => 1);
SELECT * FROM tas_bench.compare('base', 'cand', alpha => NULL);
SELECT * FROM tas_bench.compare('nope', 'cand');
SELECT * FROM tas_bench.compare('base', 'nope');
SELECT * FROM tas_bench.compare(NULL, 'cand');
SELECT * FROM tas_bench.compare_runs(900001, 1);
SELECT * FROM tas_bench.compare_runs(NULL, 900001);
SELECT * FROM tas_bench.compare_runs(900001, 900002, alpha => 2);
SELECT * FROM tas_bench.bench_ab('', 'SELECT 1');
SELECT * FROM tas_bench.bench_ab('SELECT 1', NULL);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => 0);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', warmup => -1);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', noise => 2);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELEC 2');
SELECT * FROM tas_bench.bench_ab('SELECT $1', 'SELECT $1 + $2', params => 'SELECT 1');
SELECT * FROM tas_bench.bench_ab('SELECT 10 / ($1 - 3)', 'SELECT 1 / $1',
                                 params => 'SELECT g FROM generate_series(1, 5) g ORDER BY g',
                                 iterations => 10, warmup => 0);
\set VERBOSITY terse

DELETE FROM tas_bench.runs WHERE run_id >= 900001;

-- bench_ab: two runs of mode ab, interleaved call by call
CREATE TABLE ab_items (id int PRIMARY KEY, v text);
INSERT INTO ab_items SELECT g, 'v' || g FROM generate_series(1, 2000) g;
ANALYZE ab_items;
CREATE TABLE ab_log (id serial PRIMARY KEY, side text, v int);

-- the order of calls: with 3 parameter rows, A first for row 1, B first for
-- row 2, ...; the next cycle swaps, so each row runs A-first and B-first
-- equally; the warm-up calls are interleaved the same way
SELECT case_name, verdict IN ('faster', 'slower', 'unchanged', 'inconclusive') AS has_verdict,
       baseline_n, candidate_n, rows_per_call_delta, changed
  FROM tas_bench.bench_ab($$INSERT INTO ab_log (side, v) VALUES ('a', $1)$$,
                          $$INSERT INTO ab_log (side, v) VALUES ('b', $1)$$,
                          params => 'SELECT g FROM generate_series(1, 3) g ORDER BY g',
                          iterations => 6, warmup => 2, name => 'order');
SELECT string_agg(side || v, ' ' ORDER BY id) AS calls FROM ab_log;

-- both statements get the same parameter rows, even from a volatile query
TRUNCATE ab_log;
SELECT verdict IS NOT NULL AS ran
  FROM tas_bench.bench_ab($$INSERT INTO ab_log (side, v) VALUES ('a', $1)$$,
                          $$INSERT INTO ab_log (side, v) VALUES ('b', $1)$$,
                          params => 'SELECT (random() * 1e6)::int FROM generate_series(1, 7)',
                          iterations => 50, warmup => 0, name => 'volatile');
SELECT (SELECT array_agg(v ORDER BY id) FROM ab_log WHERE side = 'a')
     = (SELECT array_agg(v ORDER BY id) FROM ab_log WHERE side = 'b') AS same_params,
       (SELECT count(*) FROM ab_log) AS calls;

-- what is stored: two runs, mode ab, named <name>:a and <name>:b, labelled
SELECT case_name, baseline_run < candidate_run AS a_stored_first,
       rows_per_call_delta, shared_hit_per_call_delta > 0 AS more_buffers, changed
  FROM tas_bench.bench_ab('SELECT v FROM ab_items WHERE id = $1',
                          $$SELECT v FROM ab_items WHERE id + 0 = $1 OR v = 'v' || ($1 + 1)$$,
                          params => 'SELECT g FROM generate_series(1, 10) g ORDER BY g',
                          iterations => 40, warmup => 4, name => 'scan', label => 'ab_regress');
SELECT name, label, mode, status, n, iterations, warmup, param_rows, rows_per_call
  FROM tas_bench.runs WHERE label = 'ab_regress' ORDER BY run_id;
SELECT (SELECT array_agg(param_row ORDER BY seq) FROM tas_bench.samples s
          JOIN tas_bench.runs r USING (run_id) WHERE r.name = 'scan:a')
     = (SELECT array_agg(param_row ORDER BY seq) FROM tas_bench.samples s
          JOIN tas_bench.runs r USING (run_id) WHERE r.name = 'scan:b') AS same_param_rows;
-- and compare() finds them by label as two cases (a label against itself
-- compares each run with itself)
SELECT case_name, baseline_run = candidate_run AS same_run, baseline_n
  FROM tas_bench.compare('ab_regress', 'ab_regress');

-- search_path: in force for params and both statements, restored after,
-- recorded in the runs' env
CREATE SCHEMA ab_s;
CREATE FUNCTION ab_s.ab_f(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
SHOW search_path;
SELECT case_name, rows_per_call_delta
  FROM tas_bench.bench_ab('SELECT ab_f($1)', 'SELECT ab_f($1) + 0',
                          params => 'SELECT ab_f(g) FROM generate_series(1, 3) g',
                          iterations => 10, warmup => 0, name => 'path',
                          search_path => 'ab_s, public');
SHOW search_path;
SELECT name, env -> 'settings' ->> 'search_path' AS recorded
  FROM tas_bench.runs WHERE name LIKE 'path:%' ORDER BY run_id;
DROP SCHEMA ab_s CASCADE;

-- a failing call stores nothing (the caller's statement fails)
SELECT count(*) AS runs_named_fail FROM tas_bench.runs WHERE name LIKE 'ab:%';

DROP TABLE ab_items, ab_log;
DROP FUNCTION cmp_run;
DELETE FROM tas_bench.runs;
