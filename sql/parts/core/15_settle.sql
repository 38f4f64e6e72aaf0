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

CREATE FUNCTION @extschema@.target_settled(target_schema name DEFAULT 'tasker')
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT NOT EXISTS (
      SELECT 1
        FROM pg_class c,
             LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint AS pages) p
       WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = target_schema)
         AND c.relkind = 'r'
         AND (c.relallvisible < 0.9 * p.pages
              OR p.pages > 1.1 * c.relpages + 1
              OR pg_stat_get_mod_since_analyze(c.oid) > 50 + 0.1 * greatest(c.reltuples, 0)))
$$;

COMMENT ON FUNCTION @extschema@.target_settled(name) IS
  'true when every table of target_schema is settled: at least 90% of its pages (as it is now) all-visible in the visibility map, its page count in pg_class within 10% of the real one (statistics not stale), and fewer rows changed since its last ANALYZE than 50 + 10% of its rows (the autovacuum analyze rule). run_suite settles a target that is not, and records the answer in each run''s env as settled';
