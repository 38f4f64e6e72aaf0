-- Settling a target before measuring (C in src/core/settle.c): VACUUM
-- (ANALYZE) of every table of the schema, in a background worker.

CREATE FUNCTION @extschema@.settle(target_schema name DEFAULT 'tasker')
RETURNS TABLE(table_name text, maintained boolean, pages integer,
              all_visible_before integer, all_visible integer,
              dead_tuples_before bigint, dead_tuples bigint)
AS 'MODULE_PATHNAME', 'tas_bench_settle'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.settle(name) IS
  'Bring the tables of target_schema to steady state before measuring: VACUUM (ANALYZE) of each table the caller may maintain, run by a background worker (VACUUM cannot run inside a function) that connects as the caller; waits for it, raises its error, and returns per table the pages, the pages all-visible in the visibility map and the dead tuples before and after. Needs one free max_worker_processes slot. Run it after the COMMIT of the rows to settle';
