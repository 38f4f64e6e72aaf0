-- 47_hostile_harness: hostile arguments to the harness's entry points
-- (bench, bench_commit, spi_loop_ns), one line each.  Every one is a clear
-- error with an errcode, naming the argument and what it accepts; none is a
-- silent default or an internal error.  Omitted arguments still take their
-- SQL defaults; only an explicit NULL is refused.
SET client_min_messages = notice;
SET tas_bench.progress_interval = 0;
\set VERBOSITY default

-- bench: sql
SELECT tas_bench.bench(NULL);
SELECT tas_bench.bench('');
SELECT tas_bench.bench('-- only a comment');
SELECT tas_bench.bench('/* a block comment */');
SELECT tas_bench.bench('SELEC 1');
SELECT tas_bench.bench('SELECT 1; SELECT 2');
SELECT n FROM tas_bench.bench('SELECT 1;;', iterations => 2, warmup => 0);  -- one statement
SELECT tas_bench.bench('COMMIT');
SELECT tas_bench.bench('ROLLBACK');
SELECT tas_bench.bench('BEGIN');
SELECT tas_bench.bench('SAVEPOINT s');
-- bench: params
SELECT tas_bench.bench('SELECT $1', params => '-- x');
SELECT tas_bench.bench('SELECT $1', params => 'SELECT 1; SELECT 2');
SELECT tas_bench.bench('SELECT $1', params => 'COMMIT');
-- bench: iterations, warmup, max_time, mode
SELECT tas_bench.bench('SELECT 1', iterations => NULL);
SELECT tas_bench.bench('SELECT 1', iterations => 0);
SELECT tas_bench.bench('SELECT 1', iterations => -5);
SELECT tas_bench.bench('SELECT 1', iterations => 2147483647);
SELECT tas_bench.bench('SELECT 1', warmup => NULL);
SELECT tas_bench.bench('SELECT 1', warmup => -1);
SELECT tas_bench.bench('SELECT 1', warmup => 2147483647);
SELECT tas_bench.bench('SELECT 1', max_time => '0 seconds');
SELECT tas_bench.bench('SELECT 1', mode => NULL);
SELECT tas_bench.bench('SELECT 1', mode => '');
SELECT tas_bench.bench('SELECT 1', mode => 'SHARED');
-- defaults still apply when an argument is omitted
SELECT n, iterations, warmup, mode FROM tas_bench.bench('SELECT 1');

-- bench_commit: the same arguments
CALL tas_bench.bench_commit(NULL);
CALL tas_bench.bench_commit('/* */');
CALL tas_bench.bench_commit('SELECT 1; SELECT 2');
CALL tas_bench.bench_commit('COMMIT');
CALL tas_bench.bench_commit('SELECT $1', params => 'SELECT 1; SELECT 2');
CALL tas_bench.bench_commit('SELECT 1', iterations => NULL);
CALL tas_bench.bench_commit('SELECT 1', iterations => 0);
CALL tas_bench.bench_commit('SELECT 1', iterations => 2147483647);
CALL tas_bench.bench_commit('SELECT 1', warmup => NULL);
CALL tas_bench.bench_commit('SELECT 1', warmup => -1);
CALL tas_bench.bench_commit('SELECT 1', on_error => NULL);
CALL tas_bench.bench_commit('SELECT 1', on_error => 'ignore');

-- a warm-up failure is stored as a warm-up call, not as a timed iteration
CALL tas_bench.bench_commit('SELECT 10 / ($1 - 2)',
                            params => 'SELECT g FROM generate_series(1, 3) g ORDER BY g',
                            iterations => 5, warmup => 3, name => 'hostile_warmup',
                            on_error => 'record') \gset
SELECT status, error, error_iteration, error_param_row, n
  FROM tas_bench.runs WHERE name = 'hostile_warmup';

-- spi_loop_ns
SELECT tas_bench.spi_loop_ns(NULL);
SELECT tas_bench.spi_loop_ns('SELECT 1', NULL);
SELECT tas_bench.spi_loop_ns('SELECT 1', 0);
SELECT tas_bench.spi_loop_ns('SELECT 1', -1);
SELECT tas_bench.spi_loop_ns('SELECT 1', 2147483647);
SELECT tas_bench.spi_loop_ns('');
SELECT tas_bench.spi_loop_ns('-- x');
SELECT tas_bench.spi_loop_ns('SELEC 1');
SELECT tas_bench.spi_loop_ns('SELECT 1; SELECT 2');
SELECT tas_bench.spi_loop_ns('COMMIT');
SELECT tas_bench.spi_loop_ns('SELECT $1');
SELECT tas_bench.spi_loop_ns('SELECT 1', 10) > 0 AS runs;

-- the tables refuse what the harness never writes
\set VERBOSITY terse
INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
SELECT run_id, 1000000, -1, 0 FROM tas_bench.runs WHERE name = 'hostile_warmup';
UPDATE tas_bench.runs SET status = 'lost' WHERE name = 'hostile_warmup';
\set VERBOSITY default

-- the dataset of a run is that of the first schema on its search_path, or none
CREATE SCHEMA hostile_empty;
SELECT dataset_id IS NULL AS no_dataset, env ->> 'target_schema' AS target_schema
  FROM tas_bench.bench('SELECT 1', iterations => 1, warmup => 0, search_path => 'hostile_empty, public');
SELECT dataset_id IS NULL AS no_dataset, env ->> 'target_schema' AS target_schema
  FROM tas_bench.bench('SELECT 1', iterations => 1, warmup => 0, search_path => 'no_such_schema, pg_catalog');
DROP SCHEMA hostile_empty;

-- nothing is left running, and reap_abandoned finds nothing to do
SELECT tas_bench.reap_abandoned() AS reaped;
SELECT count(*) AS running FROM tas_bench.runs WHERE status = 'running';

DELETE FROM tas_bench.runs;
