-- 01_dataset: the data every check runs on, made the same on every run.
--  * the schema: here tas_bench's stand-in for tasker-core's (in your suite:
--    your own migrations);
--  * the rows: generate() with a fixed seed and a fixed anchor, so the same
--    rows, UUIDs and timestamps every time, on every machine; the anchor is
--    in the past, so every task is older than the staleness windows of
--    get_next_ready_tasks and which tasks it finds does not move with now();
--  * settled: settle() runs VACUUM (ANALYZE) in a background worker, so
--    hint bits, the visibility map (index-only scans) and the statistics
--    are those of steady state, not of freshly loaded tables;
--  * small enough that ANALYZE reads every row: each table holds fewer rows
--    than it samples (300 x default_statistics_target), so the statistics,
--    and with them the plans, are the same on every run.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tas_bench;
\set ECHO none
\i ../../test/fixtures/tasker/tasker_schema.sql
\set ECHO all
RESET client_min_messages;
SET tas_bench.progress_interval = 0;

SELECT tasks, seed, anchor AT TIME ZONE 'UTC' AS anchor_utc
  FROM tas_bench.generate(1000, seed => 42, anchor => '2025-01-01 00:00:00+00');

SELECT count(*) AS tables, sum(dead_tuples) AS dead_tuples FROM tas_bench.settle('tasker');
SELECT tas_bench.target_settled('tasker') AS settled;

SELECT c.relname AS table_name,
       c.reltuples::bigint < 300 * current_setting('default_statistics_target')::int AS analyzed_from_every_row
  FROM pg_class c
 WHERE c.relnamespace = 'tasker'::regnamespace AND c.relkind = 'r'
 ORDER BY 1;
