-- Comparison: compare() by label, compare_runs() by run id, bench_ab() for
-- two statements interleaved in one run.  C in src/core/compare.c and
-- src/core/bench_ab.c; the rules are
-- in doc/statistics.md.

-- the one row shape all three return (src/core/compare.c builds it: COMPARE_NATTS)
CREATE TYPE @extschema@.comparison AS (
    suite text,
    case_name text,
    baseline_p50_ms float8,
    candidate_p50_ms float8,
    ratio float8,
    ratio_ci_low float8,
    ratio_ci_high float8,
    p_value float8,
    verdict text,
    baseline_run bigint,
    candidate_run bigint,
    baseline_n bigint,
    candidate_n bigint,
    prob_slower float8,
    rows_per_call_delta float8,
    shared_hit_per_call_delta float8,
    shared_read_per_call_delta float8,
    wal_bytes_per_call_delta float8,
    plan_changed boolean,
    note text,
    changed text[]
);

COMMENT ON TYPE @extschema@.comparison IS
  'A comparison of two runs of one case, as returned by compare(), compare_runs() and bench_ab(): p50s, ratio with its CI, p-value, verdict and the deterministic deltas';

-- compare and compare_runs share the comparison's columns (the type above)
-- and its noise/alpha arguments; only what names the two sides differs.
CREATE FUNCTION @extschema@.compare(baseline text, candidate text,
                                    noise float8 DEFAULT 0.05, alpha float8 DEFAULT 0.05)
RETURNS SETOF @extschema@.comparison LANGUAGE C STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'tas_bench_compare';

COMMENT ON FUNCTION @extschema@.compare(text, text, float8, float8) IS
  'Compare the runs labelled candidate with those labelled baseline, case by case. A case is (suite, coalesce(case_name, name)); on each side its latest run (highest run_id) is used. ratio = candidate p50 / baseline p50 with its (1 - alpha) bootstrap CI, p_value from the two-sided Mann-Whitney U test of the samples. verdict: missing (no candidate run), new (no baseline run), failed (a run not ok or without samples), slower (p < alpha and CI low > 1 + noise), faster (p < alpha and CI high < 1 - noise), unchanged (CI within [1 - noise, 1 + noise]), else inconclusive. Deterministic deltas (candidate - baseline per call) and plan_changed flag regressions whatever the timing; noise in [0, 1), alpha in [0.0002, 1) (each tail of the 10000 bootstrap resamples keeps at least one); baseline and candidate must differ (a label compared with itself is an error). See doc/statistics.md';

CREATE FUNCTION @extschema@.compare_runs(run_a bigint, run_b bigint,
                                         noise float8 DEFAULT 0.05, alpha float8 DEFAULT 0.05)
RETURNS SETOF @extschema@.comparison LANGUAGE C STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'tas_bench_compare_runs';

COMMENT ON FUNCTION @extschema@.compare_runs(bigint, bigint, float8, float8) IS
  'Compare run run_b (candidate) with run run_a (baseline): one row with the same columns and verdict rules as tas_bench.compare() (failed, unstable, slower, faster, unchanged or inconclusive). suite and case_name show both runs'' values when they differ ("x vs y"); run_a and run_b must differ (a run compared with itself is an error)';

CREATE FUNCTION @extschema@.run_stability(run_id bigint, noise float8 DEFAULT 0.05, alpha float8 DEFAULT 0.05,
                                          OUT calls bigint, OUT drift float8, OUT drift_ci_low float8,
                                          OUT drift_ci_high float8, OUT unstable boolean)
LANGUAGE C STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'tas_bench_run_stability';

COMMENT ON FUNCTION @extschema@.run_stability(bigint, float8, float8) IS
  'Drift inside one run: drift = median of its last third of calls (in call order) / median of its first third, with its (1 - alpha) bootstrap interval; unstable when the whole interval lies outside 1 +/- noise (a step change or a trend, e.g. a cache warming or another load starting half-way). compare() and compare_runs() answer unstable for such a run (bench_ab does not: its interleaved sides share any drift). NULL drift and unstable with fewer than 30 calls; errors for a run that does not exist or is not visible';

CREATE FUNCTION @extschema@.bench_ab(
    sql_a text,
    sql_b text,
    params text DEFAULT NULL,
    iterations integer DEFAULT 1000,
    warmup integer DEFAULT 10,
    noise float8 DEFAULT 0.05,
    alpha float8 DEFAULT 0.05,
    name text DEFAULT NULL,
    label text DEFAULT NULL,
    search_path text DEFAULT NULL)
RETURNS SETOF @extschema@.comparison
AS 'MODULE_PATHNAME', 'tas_bench_bench_ab'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.bench_ab(text, text, text, integer, integer, float8, float8, text, text, text) IS
  'Time sql_a (baseline) and sql_b (candidate) interleaved call by call in one run (A B, then B A, alternating per parameter row and cycle, warm-up too), with the same params rows as $1, $2, ..., so machine drift hits both alike; search_path (if given) is in force for params, sql_a and sql_b and restored after. Stores two runs of mode ab named <name>:a and <name>:b (name defaults to ab) and returns their comparison as tas_bench.compare_runs() does. The recommended way to compare two versions of a function';
