-- 01_harness: tas_bench.bench() and bench_commit(): what is stored, the
-- modes, and every argument error.  No wall-clock value is printed: only
-- counts, orderings and deterministic per-call metrics.
SET client_min_messages = notice;
SET tas_bench.progress_interval = 0;

CREATE TABLE hb_items (id int PRIMARY KEY, v text);
INSERT INTO hb_items SELECT g, 'v' || g FROM generate_series(1, 1000) g;
ANALYZE hb_items;

-- a plain run: n samples, summary consistent with the samples
SELECT name, label, mode, status, n, iterations, warmup, stopped_early,
       param_rows, rows_per_call, error IS NULL AS no_error
  FROM tas_bench.bench('SELECT 1', iterations => 200, warmup => 5,
                       name => 'select_1', label => 'regress');

SELECT r.n = count(s.*) AS n_matches,
       r.p50_ns = percentile_disc(0.5) WITHIN GROUP (ORDER BY s.ns) AS p50_is_percentile_disc,
       r.p90_ns = percentile_disc(0.9) WITHIN GROUP (ORDER BY s.ns) AS p90_ok,
       r.p99_ns = percentile_disc(0.99) WITHIN GROUP (ORDER BY s.ns) AS p99_ok,
       r.min_ns = min(s.ns) AND r.max_ns = max(s.ns) AS min_max_ok,
       r.total_ns = sum(s.ns) AS total_ok,
       abs(r.mean_ns - avg(s.ns)) < 1e-6 * r.mean_ns AS mean_ok,
       abs(r.stddev_ns - stddev_samp(s.ns)) < 1e-6 * r.stddev_ns + 1e-9 AS stddev_ok,
       r.min_ns <= r.p50_ns AND r.p50_ns <= r.p90_ns AND r.p90_ns <= r.p95_ns
         AND r.p95_ns <= r.p99_ns AND r.p99_ns <= r.max_ns AS ordered,
       r.p50_ci_low_ns <= r.p50_ns AND r.p50_ns <= r.p50_ci_high_ns AS ci_brackets_p50,
       r.outliers_low_mild + r.outliers_high_mild + r.outliers_low_severe
         + r.outliers_high_severe <= r.n AS outliers_ok,
       min(s.seq) = 1 AND max(s.seq) = r.n AS seq_dense,
       bool_and(s.ns > 0) AS all_positive,
       bool_and(s.rows = 1) AS rows_ok,
       r.finished_at >= r.started_at AS times_ok,
       r.env ->> 'extension_version' = tas_bench.version() AS env_version,
       r.env -> 'settings' ? 'work_mem' AS env_settings
  FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id)
 WHERE r.name = 'select_1'
 GROUP BY r.run_id;

-- MAD agrees with its definition (median of |x - median|, percentile_disc)
SELECT r.mad_ns = (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY abs(s.ns - r.p50_ns))
                     FROM tas_bench.samples s WHERE s.run_id = r.run_id) AS mad_ok
  FROM tas_bench.runs r WHERE r.name = 'select_1';

-- parameters: types come from the params query; rows are cycled in order
SELECT n, param_rows, rows_per_call, shared_hit_per_call > 0 AS reads_buffers,
       shared_read_per_call = 0 AS all_cached
  FROM tas_bench.bench('SELECT v FROM hb_items WHERE id = $1',
                       params => 'SELECT g FROM generate_series(1, 3) g ORDER BY g',
                       iterations => 7, warmup => 3, name => 'by_id');
SELECT array_agg(param_row ORDER BY seq) AS param_rows_used
  FROM tas_bench.samples WHERE run_id = (SELECT run_id FROM tas_bench.runs WHERE name = 'by_id');

-- two parameters of different types, rows per call from the result
SELECT rows_per_call
  FROM tas_bench.bench('SELECT * FROM hb_items WHERE id BETWEEN $1 AND $1 + $2 - 1 AND v <> $3',
                       params => $$SELECT 10, 5::bigint, 'x'::text$$, iterations => 4, warmup => 0);

-- deterministic metric: an index lookup touches the same buffers every call
SELECT shared_hit_per_call = round(shared_hit_per_call) AS whole_buffers_per_call
  FROM tas_bench.bench('SELECT v FROM hb_items WHERE id = 42', iterations => 50, warmup => 5);

-- max_time stops early and says so
SELECT stopped_early, n < iterations AS fewer_calls, n >= 1 AS some_calls
  FROM tas_bench.bench('SELECT pg_sleep(0.01)', iterations => 1000, warmup => 0,
                       max_time => '50 milliseconds');

-- rollback mode: every call sees the same state, nothing is left behind
SELECT count(*) AS before FROM hb_items;
SELECT mode, n, rows_per_call, wal_records_per_call > 0 AS wrote_wal
  FROM tas_bench.bench($$INSERT INTO hb_items SELECT max(id) + 1, 'new' FROM hb_items$$,
                       iterations => 20, warmup => 2, mode => 'rollback');
SELECT count(*) AS after, max(id) AS max_id FROM hb_items;
-- the same statement in shared mode accumulates (every call sees the last)
SELECT n FROM tas_bench.bench($$INSERT INTO hb_items SELECT max(id) + 1, 'new' FROM hb_items$$,
                              iterations => 20, warmup => 2, mode => 'shared');
SELECT count(*) AS after_shared, max(id) AS max_id FROM hb_items;
DELETE FROM hb_items WHERE id > 1000;

-- argument errors: each names the argument and the accepted range
\set VERBOSITY default
SELECT tas_bench.bench(NULL);
SELECT tas_bench.bench('  ');
SELECT tas_bench.bench('SELEC 1');
SELECT tas_bench.bench('SELECT 1', iterations => 0);
SELECT tas_bench.bench('SELECT 1', iterations => 2000000000);
SELECT tas_bench.bench('SELECT 1', warmup => -1);
SELECT tas_bench.bench('SELECT 1', max_time => '-1 second');
SELECT tas_bench.bench('SELECT 1', mode => 'fast');
SELECT tas_bench.bench('SELECT 1', mode => 'commit');
SELECT tas_bench.bench('SELECT $1', params => '');
SELECT tas_bench.bench('SELECT $1', params => 'SELEC 1');
SELECT tas_bench.bench('SELECT $1', params => 'SELECT 1 WHERE false');
SELECT tas_bench.bench('SELECT $1', params => 'SELECT 1, 2');
SELECT tas_bench.bench('SELECT $1 + $2', params => 'SELECT 1');
SELECT tas_bench.bench('SELECT $1', params => 'INSERT INTO hb_items VALUES (-1)');
SELECT tas_bench.bench('SELECT $1');
-- an error in the middle of a run names the iteration and the parameter row
SELECT tas_bench.bench('SELECT 10 / ($1 - 3)',
                       params => 'SELECT g FROM generate_series(1, 5) g ORDER BY g',
                       iterations => 10, warmup => 0);
SELECT tas_bench.bench('SELECT 10 / ($1 - 3)',
                       params => 'SELECT g FROM generate_series(1, 5) g ORDER BY g',
                       iterations => 10, warmup => 5, mode => 'rollback');
-- failed bench() runs leave nothing behind (the caller's statement failed)
SELECT count(*) AS failed_runs FROM tas_bench.runs WHERE status <> 'ok';

-- bench_commit must run outside a transaction block
BEGIN;
CALL tas_bench.bench_commit('SELECT 1');
ROLLBACK;

-- bench_commit: commits after every call; returns the run id
CREATE TABLE hb_log (id serial PRIMARY KEY, t int);
CALL tas_bench.bench_commit('INSERT INTO hb_log (t) VALUES ($1)',
                            params => 'SELECT g FROM generate_series(1, 4) g ORDER BY g',
                            iterations => 12, warmup => 3, name => 'commit_insert') \gset
SELECT :run_id = run_id AS returns_run_id FROM tas_bench.runs WHERE name = 'commit_insert';
SELECT mode, status, n, rows_per_call, wal_records_per_call > 0 AS wrote_wal
  FROM tas_bench.runs WHERE name = 'commit_insert';
SELECT count(*) AS committed_rows FROM hb_log;

-- bench_commit with a failing call: the run is stored as failed with the
-- iteration and parameter row of the failure, the calls before it committed
TRUNCATE hb_log;
CALL tas_bench.bench_commit('INSERT INTO hb_log (t) VALUES (10 / ($1 - 3))',
                            params => 'SELECT g FROM generate_series(1, 5) g ORDER BY g',
                            iterations => 10, warmup => 0, name => 'commit_fail');
SELECT status, error, error_iteration, error_param_row, n
  FROM tas_bench.runs WHERE name = 'commit_fail';
SELECT count(*) AS samples FROM tas_bench.samples
 WHERE run_id = (SELECT run_id FROM tas_bench.runs WHERE name = 'commit_fail');
SELECT array_agg(t ORDER BY id) AS committed FROM hb_log;

-- the human view
SELECT name, mode, status, n, rows FROM tas_bench.run_summary
 WHERE name IN ('select_1', 'by_id', 'commit_insert', 'commit_fail') ORDER BY run_id;

DROP TABLE hb_items, hb_log;
DELETE FROM tas_bench.runs;
