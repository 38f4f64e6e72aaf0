-- 48_hostile_compare: hostile values on every argument of the core's
-- comparison and scaling entry points (compare, compare_runs, bench_ab's
-- iterations/warmup/noise/alpha, scaling_fit, scaling_report): NULL, 0,
-- negative, huge, empty, malformed.  Each is a clear error naming the
-- argument and its range, or a documented behaviour shown here.
-- Comparing a label or a run with itself is an error; what such a
-- comparison used to show (two identical samples: the verdict depends on the
-- CI's width, not on the ratio of 1) is shown on two distinct runs with the
-- same samples.  Errors whose detail lists the labels in tas_bench.runs
-- (which depend on the tests before this one) are shown terse.
SET client_min_messages = notice;
SET tas_bench.progress_interval = 0;

-- hc_run: one synthetic run, samples base + step * g for g = 1 .. n
CREATE FUNCTION hc_run(id bigint, lbl text, suite_ text, case_ text,
                       base bigint, step bigint, n int DEFAULT 200,
                       tasks bigint DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO tas_bench.runs (run_id, name, label, suite, case_name, sql, mode, status,
                              iterations, warmup, n, dataset_tasks, rows_per_call,
                              shared_hit_per_call, shared_read_per_call, wal_bytes_per_call)
  VALUES (id, case_, lbl, suite_, case_, 'SELECT 1', 'shared', 'ok', n, 0, n, tasks, 1, 3, 0, 0);
  INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
  SELECT id, row_number() OVER (ORDER BY md5(g::text)), base + step * g, 1 FROM generate_series(1, n) g;
  UPDATE tas_bench.runs r
     SET p50_ns = (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ns)
                     FROM tas_bench.samples s WHERE s.run_id = r.run_id)
   WHERE r.run_id = id;
$$;

SELECT hc_run(980001, 'hc_base', 'hc', 'narrow', 10000, 10),
       hc_run(980002, 'hc_base', 'hc', 'wide',    1000, 100),
       hc_run(980011, 'hc_cand', 'hc', 'narrow', 10000, 10),
       hc_run(980012, 'hc_cand', 'hc', 'wide',    1000, 100);

\set VERBOSITY default

-- compare: baseline, candidate
SELECT * FROM tas_bench.compare(NULL, 'hc_cand');
SELECT * FROM tas_bench.compare('hc_base', NULL);
SELECT * FROM tas_bench.compare('hc_base', 'hc_base');
SELECT * FROM tas_bench.compare('', '');
\set VERBOSITY terse
SELECT * FROM tas_bench.compare('', 'hc_cand');
SELECT * FROM tas_bench.compare('hc_base', 'no such label');
\set VERBOSITY default
-- compare: noise in [0, 1)
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => NULL);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => -0.01);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => 1);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => 1e300);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => 'NaN');
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => 'Infinity');
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', noise => '-Infinity');
-- compare: alpha in [0.0002, 1): each tail of the 10000 bootstrap resamples keeps one
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => NULL);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 0);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => -0.05);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 1e-300);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 0.0001);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 1);
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 'NaN');
SELECT * FROM tas_bench.compare('hc_base', 'hc_cand', alpha => 'Infinity');
-- the bounds themselves are accepted
SELECT case_name, verdict FROM tas_bench.compare('hc_base', 'hc_cand', noise => 0, alpha => 0.0002);
SELECT case_name, verdict FROM tas_bench.compare('hc_base', 'hc_cand', noise => 0.999999, alpha => 0.999999);

-- compare_runs: run_a, run_b
SELECT * FROM tas_bench.compare_runs(NULL, 980011);
SELECT * FROM tas_bench.compare_runs(980001, NULL);
SELECT * FROM tas_bench.compare_runs(980001, 980001);
SELECT * FROM tas_bench.compare_runs(-1, -1);
SELECT * FROM tas_bench.compare_runs(-1, 980011);
SELECT * FROM tas_bench.compare_runs(980001, 0);
SELECT * FROM tas_bench.compare_runs(980001, 9223372036854775807);
-- compare_runs: noise, alpha
SELECT * FROM tas_bench.compare_runs(980001, 980011, noise => NULL);
SELECT * FROM tas_bench.compare_runs(980001, 980011, noise => 2);
SELECT * FROM tas_bench.compare_runs(980001, 980011, alpha => NULL);
SELECT * FROM tas_bench.compare_runs(980001, 980011, alpha => 0.00019);

-- two distinct runs with identical samples (a run and its imported copy):
-- ratio 1, CI [1, 1], p = 1: unchanged however wide their spread
SELECT case_name, verdict, ratio, round(ratio_ci_low::numeric, 4) AS ci_low,
       round(ratio_ci_high::numeric, 4) AS ci_high, p_value
  FROM tas_bench.compare('hc_base', 'hc_cand');
SELECT case_name, verdict, ratio, p_value FROM tas_bench.compare_runs(980002, 980012);

-- bench_ab: iterations, warmup, noise, alpha (checked before anything runs)
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => NULL);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => 0);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => -1);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => 2147483647);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', warmup => NULL);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', warmup => -1);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', warmup => 2147483647);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', noise => NULL);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', noise => -1);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', noise => 'NaN');
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', alpha => NULL);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', alpha => 0);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', alpha => 1e-300);
SELECT * FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', alpha => 'Infinity');
SELECT count(*) AS ab_runs_stored FROM tas_bench.runs WHERE mode = 'ab';

-- scaling_fit and scaling_report: label and suite
SELECT hc_run(980101 + k, 'hc_scale', 'hc', 'lin', 1000 * n, 10, n => 20, tasks => n)
  FROM unnest(ARRAY[1000, 4000, 16000]) WITH ORDINALITY AS s(n, k);
SELECT hc_run(980201, 'hc_one_size', 'hc', 'lin', 1000, 10, n => 20, tasks => 1000);
SELECT case_name, sizes, min_tasks, max_tasks, best_fit FROM tas_bench.scaling_fit('hc_scale', 'hc');
SELECT * FROM tas_bench.scaling_fit(NULL);
SELECT * FROM tas_bench.scaling_fit('hc_scale', NULL);
SELECT * FROM tas_bench.scaling_fit('hc_scale');
SELECT * FROM tas_bench.scaling_fit('hc_scale', '');
-- scaling_report reports scaling_fit's errors (terse: the context of a SQL
-- function differs between majors)
\set VERBOSITY terse
SELECT * FROM tas_bench.scaling_report(NULL, 'hc');
SELECT * FROM tas_bench.scaling_report('hc_scale', NULL);
SELECT * FROM tas_bench.scaling_report('hc_scale', 'no such suite');
SELECT * FROM tas_bench.scaling_fit('', 'hc');
SELECT * FROM tas_bench.scaling_fit('no such label', 'hc');
SELECT * FROM tas_bench.scaling_report('no such label', 'hc');
\set VERBOSITY default
-- a label measured at one size only: no case has two sizes, so no rows
SELECT count(*) AS fit_rows FROM tas_bench.scaling_fit('hc_one_size', 'hc');
SELECT count(*) AS report_rows FROM tas_bench.scaling_report('hc_one_size', 'hc');

\set VERBOSITY terse
DELETE FROM tas_bench.runs WHERE run_id BETWEEN 980001 AND 989999;
DROP FUNCTION hc_run;
