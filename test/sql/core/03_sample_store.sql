-- 03_sample_store: the sample store behind tas_bench.samples (blocks of
-- delta-encoded calls in tas_bench.sample_blocks, src/core/samples.c).
-- Samples read back exactly as written, in blocks of at most 50,000 calls;
-- no sample exists without its run, and deleting a run deletes its samples;
-- the view shows a role only the samples of runs it may read, even to a
-- leaky function.  No timing is printed.
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
-- run ids are put back at the end (later tests print some)
SELECT last_value AS ss_last, is_called AS ss_called FROM tas_bench.runs_run_id_seq \gset

-- 1. a run's calls, as the harness writes them: one block per 50,000 calls
SELECT n, status FROM tas_bench.bench('SELECT 1', iterations => 120000, warmup => 0, name => 'ss_big');
SELECT b.first_seq, b.n
  FROM tas_bench.sample_blocks b JOIN tas_bench.runs r USING (run_id)
 WHERE r.name = 'ss_big' ORDER BY b.first_seq;
-- seq 1 .. n, once each, and the summary is that of the rows read back
SELECT count(*) = r.n AS all_calls,
       count(DISTINCT s.seq) = r.n AND min(s.seq) = 1 AND max(s.seq) = r.n AS seq_1_to_n,
       min(s.ns) = r.min_ns AND max(s.ns) = r.max_ns AND sum(s.ns) = r.total_ns AS same_figures,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY s.ns) = r.p50_ns AS same_p50,
       bool_and(s.param_row IS NULL) AND bool_and(s.rows = 1) AS rows_and_params
  FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id)
 WHERE r.name = 'ss_big' GROUP BY r.run_id, r.n, r.min_ns, r.max_ns, r.total_ns, r.p50_ns;
-- run_samples: the same rows, in seq order
SELECT count(*) = 120000 AS all_calls,
       count(*) FILTER (WHERE prev IS NOT NULL AND seq <> prev + 1) AS out_of_order
  FROM (SELECT s.seq, lag(s.seq) OVER () AS prev
          FROM tas_bench.run_samples((SELECT run_id FROM tas_bench.runs WHERE name = 'ss_big')) s) o;
-- at most 24 bytes per call, storage and index included
SELECT pg_total_relation_size('tas_bench.sample_blocks')::float8
       / (SELECT sum(n) FROM tas_bench.sample_blocks) <= 24 AS at_most_24_bytes_per_call;

-- parameter rows cycled through, and rows per call that vary
SELECT n FROM tas_bench.bench('SELECT * FROM generate_series(1, $1)',
                              params => 'SELECT g FROM generate_series(1, 7) g ORDER BY g',
                              iterations => 100, warmup => 0, name => 'ss_params');
SELECT count(*) AS wrong
  FROM tas_bench.samples s JOIN tas_bench.runs r USING (run_id)
 WHERE r.name = 'ss_params'
   AND (s.param_row IS DISTINCT FROM (s.seq - 1) % 7 + 1 OR s.rows <> s.param_row);

-- 2. any values round-trip: extremes, NULL parameter rows among others,
-- seq out of order and with gaps (one block per stretch of consecutive seq)
INSERT INTO tas_bench.runs (run_id, name, sql, mode, status, iterations, warmup)
VALUES (970001, 'ss_values', 'SELECT 1', 'shared', 'ok', 6, 0);
SELECT tas_bench.store_samples(970001,
         '{5, 1, 2, 3, 10, 2147483647}',
         '{0, 9223372036854775807, 0, 17, 123456789012, 1}',
         '{NULL, 1, 2147483647, NULL, -2147483648, 0}',
         '{-9223372036854775808, 9223372036854775807, 0, -1, 42, 0}') AS stored;
SELECT seq, ns, param_row, rows FROM tas_bench.samples WHERE run_id = 970001 ORDER BY seq;
SELECT first_seq, n FROM tas_bench.sample_blocks WHERE run_id = 970001 ORDER BY first_seq;

-- 3. INSERT into the view stores a block of one call, with the table's rules
INSERT INTO tas_bench.samples (run_id, seq, ns, rows) VALUES (970001, 4, 40, 4) RETURNING *;
SELECT seq, ns, param_row, rows FROM tas_bench.samples WHERE run_id = 970001 AND seq = 4;
\set VERBOSITY terse
INSERT INTO tas_bench.samples (run_id, seq, ns, rows) VALUES (970001, 2, 1, 1);
INSERT INTO tas_bench.samples (run_id, seq, ns, rows) VALUES (970099, 1, 1, 1);
INSERT INTO tas_bench.samples (run_id, seq, ns, rows) VALUES (970001, 20, -1, 1);
INSERT INTO tas_bench.samples (run_id, seq, ns) VALUES (970001, 20, 1);
SELECT tas_bench.store_samples(970001, '{30, 30}', '{1, 2}', NULL, '{0, 0}');
SELECT tas_bench.store_samples(970001, '{9, 10, 11}', '{1, 2, 3}', NULL, '{0, 0, 0}');
SELECT tas_bench.store_samples(970099, '{1}', '{1}', NULL, '{0}');
SELECT tas_bench.store_samples(970001, '{40, 41}', '{1}', NULL, '{0, 0}');
SELECT * FROM tas_bench.sample_decode(1, '\x0200'::bytea);
SELECT * FROM tas_bench.sample_decode(1, '\x01010302'::bytea);
\set VERBOSITY default
-- nothing of the refused writes was stored
SELECT count(*) AS calls FROM tas_bench.samples WHERE run_id = 970001;

-- 4. no sample without its run: the run's id cannot change while it has
-- samples, and deleting runs (or truncating them) deletes their samples
\set VERBOSITY terse
UPDATE tas_bench.runs SET run_id = 970002 WHERE run_id = 970001;
\set VERBOSITY default
UPDATE tas_bench.runs SET label = 'ss' WHERE run_id = 970001;
INSERT INTO tas_bench.runs (run_id, name, sql, mode, status, iterations, warmup)
VALUES (970003, 'ss_no_samples', 'SELECT 1', 'shared', 'ok', 1, 0);
UPDATE tas_bench.runs SET run_id = 970004 WHERE run_id = 970003;
DELETE FROM tas_bench.runs WHERE run_id IN (970001, 970004);
SELECT count(*) AS blocks_of_deleted_run FROM tas_bench.sample_blocks WHERE run_id = 970001;
SELECT count(*) AS orphan_blocks
  FROM tas_bench.sample_blocks b WHERE NOT EXISTS (SELECT 1 FROM tas_bench.runs r WHERE r.run_id = b.run_id);
BEGIN;
TRUNCATE tas_bench.runs CASCADE;
SELECT count(*) AS blocks_after_truncate FROM tas_bench.sample_blocks;
ROLLBACK;
SELECT count(*) > 0 AS blocks_back FROM tas_bench.sample_blocks;

-- 5. LOCK TABLE tas_bench.samples locks the blocks, not the runs
BEGIN;
LOCK TABLE tas_bench.samples IN SHARE MODE;
SELECT relation::regclass AS locked, mode FROM pg_locks
 WHERE locktype = 'relation' AND pid = pg_backend_pid() AND mode = 'ShareLock'
 ORDER BY relation::regclass::text COLLATE "C";
ROLLBACK;

-- 6. another role sees no other role's samples, not even through a function
-- that leaks what it is given (the view is a security barrier)
CREATE ROLE regress_ss_other;
CREATE FUNCTION public.ss_leak(bigint, bigint) RETURNS boolean
LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    RAISE NOTICE 'leaked run % ns %', $1, $2;
    RETURN true;
END
$$;
SET client_min_messages = notice;
SET ROLE regress_ss_other;
SELECT count(*) AS samples_seen FROM tas_bench.samples s WHERE public.ss_leak(s.run_id, s.ns);
SELECT count(*) AS blocks_seen FROM tas_bench.sample_blocks;
SELECT count(*) AS run_samples_seen
  FROM tas_bench.runs r, tas_bench.run_samples(r.run_id) s;
RESET ROLE;
SET client_min_messages = warning;
DROP FUNCTION public.ss_leak(bigint, bigint);
DROP ROLE regress_ss_other;

DELETE FROM tas_bench.runs WHERE name LIKE 'ss\_%';
SELECT count(*) AS blocks_left FROM tas_bench.sample_blocks;
SELECT setval('tas_bench.runs_run_id_seq', :ss_last, :'ss_called') IS NOT NULL AS ids_put_back;
