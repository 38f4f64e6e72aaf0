-- 60_scaling: scaling_fit and scaling_report on synthetic runs whose cost
-- laws are known (run_scaling itself, which generates data, is in TAP).
-- Costs in ns at 1K, 2K, 4K, 8K, 16K tasks:
--   lin    5 us + 100 ns * n            -> O(n)
--   lin_fixed 50 us + 100 ns * n        -> O(n): the fixed cost flattens
--                                          the small sizes (exponent 0.87), the
--                                          next class up explains it
--   const  20 us + tiny jitter           -> O(1): the interval holds 0
--   log    1 us + 3 us * ln n            -> O(log n)
--   quad   0.1 us + 0.001 ns * n^2       -> O(n^2)
--   get_next_ready_tasks_10  1 ms + 40 ns * n, judged against the targets;
--          the fixed cost hides the linear part over this range: the
--          interval (0.07-0.25) admits O(log n), not O(n)
--   shrink 200 us - 10 ns * n: cost that falls with n: its interval is wider than 1, no class
INSERT INTO tas_bench.runs (name, label, suite, case_name, sql, mode, status, iterations,
                            warmup, dataset_tasks, p50_ns)
SELECT c, 'fit', 'orchestration', c, 'synthetic', 'shared', 'ok', 1, 0, n,
       (CASE c WHEN 'lin' THEN 5000 + 100 * n
               WHEN 'lin_fixed' THEN 50000 + 100 * n
               WHEN 'const' THEN 20000 + (n % 7) * 10
               WHEN 'log' THEN 1000 + 3000 * ln(n)
               WHEN 'quad' THEN 100 + 0.001 * n * n
               WHEN 'get_next_ready_tasks_10' THEN 1000000 + 40 * n
               WHEN 'shrink' THEN 200000 - 10 * n END)::bigint
  FROM unnest(ARRAY['lin', 'lin_fixed', 'const', 'log', 'quad', 'get_next_ready_tasks_10', 'shrink']) c,
       unnest(ARRAY[1000, 2000, 4000, 8000, 16000]) n;
-- a failed run and a run of another label are ignored
INSERT INTO tas_bench.runs (name, label, suite, case_name, sql, mode, status, iterations, warmup,
                            dataset_tasks, p50_ns)
VALUES ('lin', 'fit', 'orchestration', 'lin', 'synthetic', 'shared', 'failed', 1, 0, 64000, NULL),
       ('lin', 'other', 'orchestration', 'lin', 'synthetic', 'shared', 'ok', 1, 0, 64000, 1);

SELECT case_name, round(exponent::numeric, 3) AS exponent,
       round(exponent_ci_low::numeric, 3) AS ci_low, round(exponent_ci_high::numeric, 3) AS ci_high,
       best_fit, round(r_squared::numeric, 4) AS r2, sizes, min_tasks, max_tasks,
       targets_met, targets_missed
  FROM tas_bench.scaling_fit('fit') ORDER BY case_name COLLATE "C";
SELECT * FROM tas_bench.scaling_report('fit') ORDER BY case_name COLLATE "C";

-- repeats: each repeat (env.repeat) at a size is a point of its own; the
-- report shows the median over the repeats
INSERT INTO tas_bench.runs (name, label, suite, case_name, sql, mode, status, iterations,
                            warmup, dataset_tasks, p50_ns, env)
SELECT 'lin', 'fit_rep', 'orchestration', 'lin', 'synthetic', 'shared', 'ok', 1, 0, n,
       ((5000 + 100 * n) * (1 + 0.02 * (r - 2)))::bigint,
       jsonb_build_object('repeat', r, 'repeats', 3)
  FROM unnest(ARRAY[1000, 2000, 4000, 8000, 16000]) n, generate_series(1, 3) r;
SELECT case_name, round(exponent::numeric, 3) AS exponent,
       round(exponent_ci_low::numeric, 3) AS ci_low, round(exponent_ci_high::numeric, 3) AS ci_high,
       best_fit, sizes, round(p50_ms_first::numeric, 4) AS first, round(p50_ms_last::numeric, 4) AS last
  FROM tas_bench.scaling_fit('fit_rep');
SELECT * FROM tas_bench.scaling_report('fit_rep');

-- with three sizes there is an interval but no class; with two, no interval
DELETE FROM tas_bench.runs WHERE label = 'fit' AND dataset_tasks IN (2000, 8000);
SELECT case_name, round(exponent::numeric, 3) AS exponent, exponent_ci_low IS NOT NULL AS has_ci, best_fit
  FROM tas_bench.scaling_fit('fit') ORDER BY case_name COLLATE "C";
SELECT case_name, best_fit FROM tas_bench.scaling_report('fit') ORDER BY case_name COLLATE "C";
DELETE FROM tas_bench.runs WHERE label = 'fit' AND dataset_tasks = 16000;
SELECT case_name, round(exponent::numeric, 3) AS exponent, exponent_ci_low, best_fit
  FROM tas_bench.scaling_fit('fit') ORDER BY case_name COLLATE "C";

-- the t table
SELECT tas_bench.t975(1) AS df1, tas_bench.t975(10) AS df10, tas_bench.t975(100) AS df100;

-- run_scaling argument checks
CALL tas_bench.run_scaling(sizes => '{}');
CALL tas_bench.run_scaling(sizes => '{1000,-5}');
CALL tas_bench.run_scaling(sizes => '{1000}', repeats => 0);
DELETE FROM tas_bench.runs;
