-- Privileges (core): who owns stored SQL and results, and who sees them.
-- doc/security.md states the model; in short:
--   * every run and every user case records the role that made it (owner);
--   * tas_bench's bookkeeping writes runs, samples and plans as the
--     extension's owner (src/util.c: tb_bookkeeping_begin), so bench roles
--     need EXECUTE on the functions, not INSERT on the tables;
--   * a role sees its own runs, samples and plans (and those of roles it is
--     a member of); members of pg_read_all_stats see all; everyone sees every
--     run in tas_bench.run_summary, with sql and params hidden unless allowed;
--   * stored SQL (a case, a run's sql and params) runs only as its owner:
--     run_suite and capture_plans refuse another role's SQL, superusers
--     included (they can SET ROLE to the owner).

ALTER TABLE @extschema@.runs ADD COLUMN owner name NOT NULL DEFAULT current_user;
COMMENT ON COLUMN @extschema@.runs.owner IS
  'role that made the run (its sql and params run only as this role); set by tas_bench';
CREATE INDEX runs_owner_idx ON @extschema@.runs (owner);

ALTER TABLE @extschema@.cases ADD COLUMN owner name NOT NULL DEFAULT current_user;
COMMENT ON COLUMN @extschema@.cases.owner IS
  'role that wrote the case: run_suite runs its sql and params only as this role (built-in cases: anyone)';

-- Membership that does not come from being a superuser: pg_has_role() says
-- yes to a superuser for every role, which is exactly what must not let a
-- superuser run a bench role's SQL with superuser rights.
CREATE FUNCTION @extschema@.acts_as(role name)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH RECURSIVE m(oid) AS (
      SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user
      UNION
      SELECT am.roleid FROM pg_auth_members am JOIN m ON am.member = m.oid)
  SELECT EXISTS (SELECT 1 FROM m JOIN pg_roles r ON r.oid = m.oid WHERE r.rolname = acts_as.role)
$$;
COMMENT ON FUNCTION @extschema@.acts_as(name) IS
  'true when the current role is role or a member of it (directly or through other roles), superuser status aside';

-- Who may read a run's SQL, parameters, samples and plans.
CREATE FUNCTION @extschema@.may_read(owner name)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT @extschema@.acts_as(owner)
      OR pg_has_role('pg_read_all_stats', 'USAGE')
      OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
$$;
COMMENT ON FUNCTION @extschema@.may_read(name) IS
  'true when the current role may read the SQL text, parameters, samples and plans of results owned by owner: the owner, its members, members of pg_read_all_stats, superusers';

-- Row-level security: a role reads its own results; writes go through
-- tas_bench's functions (as the extension owner, who bypasses these).
ALTER TABLE @extschema@.runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY runs_read ON @extschema@.runs FOR SELECT USING (@extschema@.may_read(owner));

-- Samples: row-level security on their storage, and the same rule in the
-- view tas_bench.samples, which reads the blocks as its owner (past the
-- policy: PG 13 and 14 have no security_invoker views) and so filters them
-- itself, per block, through may_read_run(); security_barrier keeps the
-- caller's own conditions (a leaky function) from seeing a block before
-- that filter has passed it.  may_read_run is a function rather than a
-- subquery on runs so that LOCK TABLE tas_bench.samples (which locks the
-- relations of the view's query) locks the blocks only, as it locked the
-- table before.
ALTER TABLE @extschema@.sample_blocks ENABLE ROW LEVEL SECURITY;
CREATE POLICY sample_blocks_read ON @extschema@.sample_blocks FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.run_id = sample_blocks.run_id));
COMMENT ON POLICY sample_blocks_read ON @extschema@.sample_blocks IS
  'A role reads the samples of the runs it may read (row-level security of tas_bench.runs)';
GRANT SELECT ON @extschema@.sample_blocks TO PUBLIC;

CREATE FUNCTION @extschema@.may_read_run(run_id bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT EXISTS (SELECT 1 FROM @extschema@.runs r
                  WHERE r.run_id = may_read_run.run_id
                    AND (@extschema@.may_read(r.owner)
                         -- whoever row-level security lets past on the blocks: their
                         -- owner (the extension's, as bookkeeping reads) and BYPASSRLS roles
                         OR pg_has_role((SELECT c.relowner FROM pg_class c
                                          WHERE c.oid = '@extschema@.sample_blocks'::regclass), 'USAGE')
                         OR (SELECT a.rolbypassrls FROM pg_roles a WHERE a.rolname = current_user)))
$$;
COMMENT ON FUNCTION @extschema@.may_read_run(bigint) IS
  'true when the current role may read the samples of run run_id: the run exists and the role may_read(its owner) or is let past row-level security on tas_bench.sample_blocks (its owner, BYPASSRLS); the filter of the view tas_bench.samples';

CREATE OR REPLACE VIEW @extschema@.samples WITH (security_barrier) AS
SELECT x.run_id, (x.r).seq, (x.r).ns, (x.r).param_row, (x.r).rows
  FROM (SELECT b.run_id, @extschema@.sample_rows(b.first_seq, b.data) AS r
          FROM @extschema@.sample_blocks b
         WHERE @extschema@.may_read_run(b.run_id)) x;

-- One run's samples in seq order without a sort: the blocks in index order,
-- each one's calls in order (sample_rows).  SQL, no SET clause, so that it
-- is inlined into the caller's query (its operator is qualified: the
-- caller's search_path is in force there).
CREATE FUNCTION @extschema@.run_samples(run_id bigint)
RETURNS SETOF @extschema@.samples
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT x.run_id, (x.r).seq, (x.r).ns, (x.r).param_row, (x.r).rows
    FROM (SELECT b.run_id, @extschema@.sample_rows(b.first_seq, b.data) AS r
            FROM @extschema@.sample_blocks b
           WHERE b.run_id OPERATOR(pg_catalog.=) run_samples.run_id
             AND @extschema@.may_read_run(b.run_id)
           ORDER BY b.first_seq) x
$$;
COMMENT ON FUNCTION @extschema@.run_samples(bigint) IS
  'The samples of run run_id that the caller may read (as tas_bench.samples shows them), in seq order without sorting them: SELECT ns FROM tas_bench.run_samples($1) reads a run in call order as fast as the view reads it in any order';

ALTER TABLE @extschema@.plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY plans_read ON @extschema@.plans FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.run_id = plans.run_id));

-- Cases: everyone reads the built-in ones and their own; a role writes only
-- cases it owns (owner defaults to the writing role and cannot be forged).
ALTER TABLE @extschema@.cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY cases_read ON @extschema@.cases FOR SELECT
  USING (builtin OR @extschema@.may_read(owner));
CREATE POLICY cases_insert ON @extschema@.cases FOR INSERT
  WITH CHECK (NOT builtin AND owner = current_user);
CREATE POLICY cases_update ON @extschema@.cases FOR UPDATE
  USING (NOT builtin AND owner = current_user) WITH CHECK (NOT builtin AND owner = current_user);
CREATE POLICY cases_delete ON @extschema@.cases FOR DELETE
  USING (NOT builtin AND owner = current_user);

-- Every run for everyone, its SQL and parameters only for those who may read
-- them (as pg_stat_statements shows <insufficient privilege>).  The view's
-- owner reads runs past row-level security; may_read() decides per row.
CREATE VIEW @extschema@.run_summary AS
SELECT run_id, label, suite, coalesce(case_name, name) AS name, mode, status, n,
       round(p50_ns / 1e6, 4) AS p50_ms,
       round(p95_ns / 1e6, 4) AS p95_ms,
       round(p99_ns / 1e6, 4) AS p99_ms,
       round((mean_ns / 1e6)::numeric, 4) AS mean_ms,
       round((stddev_ns / 1e6)::numeric, 4) AS stddev_ms,
       round(p95_p50::numeric, 2) AS p95_p50,
       round(rows_per_call::numeric, 1) AS rows,
       round(shared_hit_per_call::numeric, 1) AS hit,
       round(shared_read_per_call::numeric, 1) AS read,
       round(wal_bytes_per_call::numeric, 0) AS wal_bytes,
       dataset_tasks, started_at,
       owner,
       CASE WHEN @extschema@.may_read(owner) THEN sql ELSE '<insufficient privilege>' END AS sql,
       CASE WHEN params IS NULL OR @extschema@.may_read(owner) THEN params
            ELSE '<insufficient privilege>' END AS params
  FROM @extschema@.runs;

COMMENT ON VIEW @extschema@.run_summary IS
  'tas_bench.runs for people: milliseconds, rounded, per-call rows/buffers/WAL; sql and params shown only to who may read the run (else <insufficient privilege>)';
GRANT SELECT ON @extschema@.run_summary TO PUBLIC;

-- run_suite's records, written as bookkeeping (src/core/records.c)
CREATE FUNCTION @extschema@.record_failed_run(name text, label text, sql text, params text,
                                              mode text, error text, iterations integer,
                                              warmup integer, max_time interval, search_path text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tas_bench_record_failed_run'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.record_failed_run(text, text, text, text, text, text, integer, integer, interval, text) IS
  'Store a run that could not be timed as failed, owned by the calling role, with error and no samples (used by run_suite)';

CREATE FUNCTION @extschema@.label_case_run(run_id bigint, suite text, case_name text, dataset_tasks bigint,
                                           repeat integer DEFAULT NULL, repeats integer DEFAULT NULL,
                                           settled boolean DEFAULT NULL,
                                           OUT status text, OUT p50_ms float8, OUT error text)
AS 'MODULE_PATHNAME', 'tas_bench_label_case_run'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.label_case_run(bigint, text, text, bigint, integer, integer, boolean) IS
  'File a run of the calling role under a suite and case with the dataset size, and (when given) its repeat number, the number of repeats and whether the data was settled, in env; returns its status, p50 (ms) and error (used by run_suite)';
