-- Profiling (C in src/core/profile.c, profile_plpgsql.c, runstats.c):
-- where a statement spends its time and memory.
--   * profile() runs a statement with instrumentation on, never inside a
--     timed bench() run, and stores its nested statements
--     (profile_statements), PL/pgSQL lines (profile_lines) and PL/pgSQL
--     call graph (profile_calls); profile_report() reads them as a tree.
--   * run_statements: the pg_stat_statements rows a run's calls produced
--     (when pg_stat_statements is installed and preloaded), run_memory: the
--     backend's memory over a run's calls with a leak verdict; both for
--     profiles and for the runs whose harness records them.
-- Rows are written by tas_bench's bookkeeping (as the extension's owner);
-- a role reads its own (row-level security, as for runs: doc/security.md).

CREATE TABLE @extschema@.profile_runs (
    run_id         bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.runs_run_id_seq'::pg_catalog.regclass),
    name           text,
    label          text,
    sql            text NOT NULL,
    params         text,
    search_path    text,
    iterations     integer NOT NULL,
    warmup         integer NOT NULL,
    param_rows     integer,
    measured_ns    bigint NOT NULL,
    attributed_ns  bigint NOT NULL,
    statements     integer NOT NULL,
    source_run_id  bigint,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL,
    env            jsonb,
    owner          name NOT NULL DEFAULT current_user
);
CREATE INDEX profile_runs_label_idx ON @extschema@.profile_runs (label);
CREATE INDEX profile_runs_owner_idx ON @extschema@.profile_runs (owner);

COMMENT ON TABLE @extschema@.profile_runs IS
  'One row per tas_bench.profile() call: the statement, its params, the number of profiled calls and the time they took as measured around each call; run ids come from the sequence of tas_bench.runs, so a profile''s id never names a bench run';
COMMENT ON COLUMN @extschema@.profile_runs.measured_ns IS
  'sum over the profiled calls of the time of each call, measured around it as bench() measures (instrumentation included)';
COMMENT ON COLUMN @extschema@.profile_runs.attributed_ns IS
  'sum of the total time of the level-0 statement(s) = sum of every statement''s self time; measured_ns - attributed_ns is unattributed (SPI, the top statement''s plan cache lookup)';
COMMENT ON COLUMN @extschema@.profile_runs.warmup IS
  'calls made before the profiled ones, without instrumentation: min(10, iterations)';
COMMENT ON COLUMN @extschema@.profile_runs.statements IS 'number of rows in profile_statements';
COMMENT ON COLUMN @extschema@.profile_runs.source_run_id IS
  'profile(run_id): the run (of tas_bench.runs or profile_runs) whose statement was re-profiled';
COMMENT ON COLUMN @extschema@.profile_runs.owner IS
  'role that made the profile (re-profiling runs its sql only as this role); set by tas_bench';

CREATE TABLE @extschema@.profile_statements (
    run_id        bigint NOT NULL REFERENCES @extschema@.profile_runs ON DELETE CASCADE,
    stmt_id       integer NOT NULL,
    parent_id     integer,
    level         integer NOT NULL,
    statement     text NOT NULL,
    queryid       bigint,
    calls         bigint NOT NULL,
    total_ns      bigint NOT NULL,
    self_ns       bigint NOT NULL,
    rows          bigint NOT NULL,
    shared_hit    bigint NOT NULL,
    shared_read   bigint NOT NULL,
    temp_read     bigint NOT NULL,
    temp_written  bigint NOT NULL,
    wal_records   bigint NOT NULL,
    wal_bytes     bigint NOT NULL,
    PRIMARY KEY (run_id, stmt_id)
);

COMMENT ON TABLE @extschema@.profile_statements IS
  'The statements a profiled statement executed, as a tree: one row per (parent, statement), summed over all profiled calls; level 0 is the profiled statement itself';
COMMENT ON COLUMN @extschema@.profile_statements.parent_id IS
  'stmt_id of the statement whose executor was running when this one started (NULL at level 0)';
COMMENT ON COLUMN @extschema@.profile_statements.queryid IS
  'query id (pg_stat_statements'' queryid) when the server computed one (compute_query_id, or pg_stat_statements loaded), else NULL';
COMMENT ON COLUMN @extschema@.profile_statements.total_ns IS
  'time in the statement''s executor (start, run, finish, end), nested statements included, summed over its calls';
COMMENT ON COLUMN @extschema@.profile_statements.self_ns IS
  'total_ns minus the total of the statements executed inside it: its own plan nodes, the planning of its nested statements, the PL/pgSQL of the functions it calls outside their statements';
COMMENT ON COLUMN @extschema@.profile_statements.shared_hit IS
  'shared buffer hits during the statement, nested statements included (as EXPLAIN BUFFERS counts); shared_read, temp_*, wal_* likewise';

CREATE TABLE @extschema@.profile_lines (
    run_id    bigint NOT NULL REFERENCES @extschema@.profile_runs ON DELETE CASCADE,
    func_oid  oid NOT NULL,
    function  text,
    lineno    integer NOT NULL,
    source    text,
    execs     bigint NOT NULL,
    total_ns  bigint NOT NULL,
    self_ns   bigint NOT NULL,
    max_ns    bigint NOT NULL,
    PRIMARY KEY (run_id, func_oid, lineno)
);

COMMENT ON TABLE @extschema@.profile_lines IS
  'Per PL/pgSQL statement line of the functions a profiled statement ran (through the PL/pgSQL plugin interface, chained to any other plugin): executions, total, self and longest time';
COMMENT ON COLUMN @extschema@.profile_lines.lineno IS
  'line number in the function''s body (prosrc), as PL/pgSQL counts it in error contexts; 0: the RETURN PL/pgSQL adds at the end of a function';
COMMENT ON COLUMN @extschema@.profile_lines.source IS 'that line of the body at the time of the profile';
COMMENT ON COLUMN @extschema@.profile_lines.self_ns IS
  'total_ns minus the PL/pgSQL statements executed inside it (nested blocks, loops, the lines of the functions it calls)';

CREATE TABLE @extschema@.profile_calls (
    run_id      bigint NOT NULL REFERENCES @extschema@.profile_runs ON DELETE CASCADE,
    caller_oid  oid,
    caller      text,
    callee_oid  oid NOT NULL,
    callee      text,
    calls       bigint NOT NULL,
    total_ns    bigint NOT NULL,
    self_ns     bigint NOT NULL
);
CREATE INDEX profile_calls_run_idx ON @extschema@.profile_calls (run_id);

COMMENT ON TABLE @extschema@.profile_calls IS
  'Call graph of the PL/pgSQL functions a profiled statement ran: caller -> callee with calls, total and self time (self: minus the PL/pgSQL functions it called); caller NULL: called from the profiled statement or from SQL outside any PL/pgSQL function';

CREATE TABLE @extschema@.run_statements (
    run_table          text NOT NULL CHECK (run_table IN ('runs', 'profile_runs', 'load_runs')),
    run_id             bigint NOT NULL,
    queryid            bigint NOT NULL,
    toplevel           boolean,
    query              text,
    calls              bigint NOT NULL,
    total_exec_ms      float8 NOT NULL,
    rows               bigint,
    shared_blks_hit    bigint,
    shared_blks_read   bigint,
    temp_blks_read     bigint,
    temp_blks_written  bigint,
    wal_bytes          numeric,
    own_calls          bigint,
    harness_statement  boolean NOT NULL,
    exact              boolean
);
CREATE INDEX run_statements_run_idx ON @extschema@.run_statements (run_table, run_id);

COMMENT ON TABLE @extschema@.run_statements IS
  'Delta of the pg_stat_statements rows (this role, this database) over a run''s calls, top-level and nested (pg_stat_statements.track = all), when pg_stat_statements is installed and preloaded; no rows otherwise (tas_bench.pgss_status() says why)';
COMMENT ON COLUMN @extschema@.run_statements.run_table IS 'which table run_id is in: runs, profile_runs or load_runs';
COMMENT ON COLUMN @extschema@.run_statements.toplevel IS 'pg_stat_statements'' toplevel (NULL before pg_stat_statements 1.9, PostgreSQL 14)';
COMMENT ON COLUMN @extschema@.run_statements.own_calls IS
  'executions of this query id that this backend itself made during the run (counted by tas_bench''s executor hook); NULL for statements the executor does not run (utility statements)';
COMMENT ON COLUMN @extschema@.run_statements.harness_statement IS
  'the statement the harness itself called (the query id at the smallest nesting level)';
COMMENT ON COLUMN @extschema@.run_statements.exact IS
  'true: the delta''s calls equal this backend''s own (for the harness statement: the calls the harness made), so no other session contributed; false: the delta is shared with concurrent sessions of the same role and database; NULL: cannot tell (utility statement)';

CREATE TABLE @extschema@.run_memory (
    run_table              text NOT NULL CHECK (run_table IN ('runs', 'profile_runs', 'load_runs')),
    run_id                 bigint NOT NULL,
    calls                  bigint NOT NULL,
    before_bytes           bigint NOT NULL,
    peak_bytes             bigint NOT NULL,
    after_bytes            bigint NOT NULL,
    samples                integer NOT NULL,
    growth_per_1000_calls  float8,
    growth_steps           integer,
    leak                   boolean,
    grown_context          text,
    grown_context_bytes    bigint,
    PRIMARY KEY (run_table, run_id)
);

COMMENT ON TABLE @extschema@.run_memory IS
  'The backend''s memory (bytes of all its memory contexts, MemoryContextMemAllocated(TopMemoryContext)) before the first call of a run, at the largest sample between calls and after the last call, with a leak verdict';
COMMENT ON COLUMN @extschema@.run_memory.peak_bytes IS
  'largest of up to 256 samples taken between calls: memory a call frees before it returns is not seen';
COMMENT ON COLUMN @extschema@.run_memory.growth_per_1000_calls IS
  'bytes per 1,000 calls over the second half of the calls (the first fill caches); NULL under 20 calls';
COMMENT ON COLUMN @extschema@.run_memory.growth_steps IS 'how many of the second half''s samples were larger than the one before';
COMMENT ON COLUMN @extschema@.run_memory.leak IS
  'true when memory grew by at least 1 kB per 1,000 calls, in at least 3 steps, over the second half of the calls; NULL under 20 calls';
COMMENT ON COLUMN @extschema@.run_memory.grown_context IS
  'the child of TopMemoryContext that grew most over the second half (with its child that holds most of that, as parent/child)';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.profile_runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.profile_statements', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.profile_lines', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.profile_calls', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.run_statements', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.run_memory', '');

-- Row-level security: a role reads its own profiles (may_read, as runs).
ALTER TABLE @extschema@.profile_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_runs_read ON @extschema@.profile_runs FOR SELECT
  USING (@extschema@.may_read(owner));
ALTER TABLE @extschema@.profile_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_statements_read ON @extschema@.profile_statements FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.profile_runs p WHERE p.run_id = profile_statements.run_id));
ALTER TABLE @extschema@.profile_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_lines_read ON @extschema@.profile_lines FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.profile_runs p WHERE p.run_id = profile_lines.run_id));
ALTER TABLE @extschema@.profile_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_calls_read ON @extschema@.profile_calls FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.profile_runs p WHERE p.run_id = profile_calls.run_id));
-- run_statements and run_memory: visible with the run they belong to
ALTER TABLE @extschema@.run_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY run_statements_read ON @extschema@.run_statements FOR SELECT
  USING (CASE run_table
           WHEN 'runs' THEN EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.run_id = run_statements.run_id)
           WHEN 'profile_runs' THEN EXISTS (SELECT 1 FROM @extschema@.profile_runs p WHERE p.run_id = run_statements.run_id)
           ELSE EXISTS (SELECT 1 FROM @extschema@.load_runs l WHERE l.run_id = run_statements.run_id) END);
ALTER TABLE @extschema@.run_memory ENABLE ROW LEVEL SECURITY;
CREATE POLICY run_memory_read ON @extschema@.run_memory FOR SELECT
  USING (CASE run_table
           WHEN 'runs' THEN EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.run_id = run_memory.run_id)
           WHEN 'profile_runs' THEN EXISTS (SELECT 1 FROM @extschema@.profile_runs p WHERE p.run_id = run_memory.run_id)
           ELSE EXISTS (SELECT 1 FROM @extschema@.load_runs l WHERE l.run_id = run_memory.run_id) END);

GRANT SELECT ON @extschema@.profile_runs, @extschema@.profile_statements, @extschema@.profile_lines,
                @extschema@.profile_calls, @extschema@.run_statements, @extschema@.run_memory TO PUBLIC;

CREATE FUNCTION @extschema@.profile(
    sql text, params text DEFAULT NULL, iterations integer DEFAULT 100,
    name text DEFAULT NULL, label text DEFAULT NULL, search_path text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tas_bench_profile'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.profile(text, text, integer, text, text, text) IS
  'Profile sql: prepare it once, make min(10, iterations) warm-up calls, then iterations calls with instrumentation on (each in a subtransaction rolled back), cycling through the rows of the params query as $1, $2, ...; store the nested statements (profile_statements), PL/pgSQL lines (profile_lines), PL/pgSQL call graph (profile_calls), memory (run_memory) and pg_stat_statements delta (run_statements); search_path (if given) is in force for params and sql only; returns the profile''s run id (see profile_report)';

CREATE FUNCTION @extschema@.profile(run_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tas_bench_profile_run'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.profile(bigint) IS
  'Profile again the statement of a stored run (a bench run of tas_bench.runs or a profile of tas_bench.profile_runs) with its params, search_path and iterations; only as the role that owns the run; returns the new profile''s run id';

CREATE FUNCTION @extschema@.pgss_status()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tas_bench_pgss_status'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pgss_status() IS
  'Whether pg_stat_statements is installed in this database (installed, schema), in shared_preload_libraries (preloaded), so used by tas_bench for run_statements (used), and pg_stat_statements.track (nested statements need all)';

CREATE FUNCTION @extschema@.plpgsql_plugin_probe(action text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tas_bench_plpgsql_plugin_probe'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.plpgsql_plugin_probe(text) IS
  'Test aid for the chaining of profile()''s PL/pgSQL plugin: install (action install) a second, counting no-op PL/pgSQL plugin in this backend, remove it (remove), or read its callback counts (counts), with how many callbacks came with another plugin''s plugin_info (foreign_plugin_info, must be 0) or without PL/pgSQL''s helper pointers (missing_helpers, must be 0)';
REVOKE ALL ON FUNCTION @extschema@.plpgsql_plugin_probe(text) FROM PUBLIC;

-- a statement's text as one short line: white space collapsed, cut at width
CREATE FUNCTION @extschema@.one_line(statement text, width integer DEFAULT 100)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN length(t) > width THEN left(t, width - 4) || ' ...' ELSE t END
    FROM (SELECT btrim(regexp_replace(regexp_replace(statement, '--[^\n]*', '', 'g'), '\s+', ' ', 'g'),
                       ' ;') AS t) s
$$;
COMMENT ON FUNCTION @extschema@.one_line(text, integer) IS
  'statement as one line for reports: comments dropped, runs of white space made one space, cut to width characters';

CREATE FUNCTION @extschema@.profile_report(run_id bigint, lines integer DEFAULT 15)
RETURNS TABLE(section text, item text, calls bigint, per_call numeric, total_ms numeric,
              self_ms numeric, self_pct numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r  @extschema@.profile_runs;
    m  @extschema@.run_memory;
    n  numeric;
BEGIN
    SELECT * INTO r FROM @extschema@.profile_runs p WHERE p.run_id = profile_report.run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('argument run_id %s names no profile in tas_bench.profile_runs', profile_report.run_id),
            DETAIL = 'A role sees its own profiles; members of pg_read_all_stats see all.',
            HINT = 'tas_bench.profile() returns the run id of the profile it stores.';
    END IF;
    n := r.iterations;
    section := 'run';
    item := format('profile %s: %s', r.run_id, @extschema@.one_line(r.sql));
    calls := r.iterations; per_call := 1;
    total_ms := round(r.measured_ns / n / 1e6, 4); self_ms := NULL; self_pct := NULL;
    RETURN NEXT;

    -- the statement tree, biggest first among siblings
    RETURN QUERY
    WITH RECURSIVE s AS (
        SELECT ps.stmt_id, ps.parent_id, ps.level, ps.statement, ps.calls, ps.total_ns, ps.self_ns,
               row_number() OVER (PARTITION BY ps.parent_id ORDER BY ps.total_ns DESC, ps.stmt_id) AS rk
          FROM @extschema@.profile_statements ps WHERE ps.run_id = r.run_id),
    t AS (
        SELECT s.*, ARRAY[s.rk] AS path FROM s WHERE s.parent_id IS NULL
        UNION ALL
        SELECT s.*, t.path || s.rk FROM s JOIN t ON s.parent_id = t.stmt_id)
    SELECT 'statement', repeat('  ', t.level) || @extschema@.one_line(t.statement, 90),
           t.calls, round(t.calls / n, 2), round(t.total_ns / n / 1e6, 4), round(t.self_ns / n / 1e6, 4),
           round(100.0 * t.self_ns / nullif(r.measured_ns, 0), 1)
      FROM t ORDER BY t.path;

    section := 'statement';
    item := '(unattributed: SPI and the top statement''s plan lookup, outside any executor)';
    calls := NULL; per_call := NULL; total_ms := NULL;
    self_ms := round((r.measured_ns - r.attributed_ns) / n / 1e6, 4);
    self_pct := round(100.0 * (r.measured_ns - r.attributed_ns) / nullif(r.measured_ns, 0), 1);
    RETURN NEXT;

    -- the PL/pgSQL lines that take the time
    RETURN QUERY
    SELECT 'line', CASE WHEN l.lineno = 0 THEN format('%s (the implicit RETURN at its end)', l.function)
                ELSE format('%s line %s: %s', l.function, l.lineno, @extschema@.one_line(l.source, 70)) END,
           l.execs, round(l.execs / n, 2), round(l.total_ns / n / 1e6, 4), round(l.self_ns / n / 1e6, 4),
           round(100.0 * l.self_ns / nullif(r.measured_ns, 0), 1)
      FROM @extschema@.profile_lines l WHERE l.run_id = r.run_id
     ORDER BY l.self_ns DESC, l.function, l.lineno
     LIMIT lines;

    -- the PL/pgSQL call graph
    RETURN QUERY
    SELECT 'call', format('%s -> %s', coalesce(c.caller, '(statement)'), c.callee),
           c.calls, round(c.calls / n, 2), round(c.total_ns / n / 1e6, 4), round(c.self_ns / n / 1e6, 4),
           round(100.0 * c.self_ns / nullif(r.measured_ns, 0), 1)
      FROM @extschema@.profile_calls c WHERE c.run_id = r.run_id
     ORDER BY c.total_ns DESC, c.callee, c.caller;

    SELECT * INTO m FROM @extschema@.run_memory rm
     WHERE rm.run_table = 'profile_runs' AND rm.run_id = r.run_id;
    IF FOUND THEN
        section := 'memory';
        item := format('before %s, peak %s, after %s; %s per 1000 calls%s',
                       pg_size_pretty(m.before_bytes), pg_size_pretty(m.peak_bytes),
                       pg_size_pretty(m.after_bytes),
                       coalesce(pg_size_pretty(round(m.growth_per_1000_calls)::bigint), 'no verdict'),
                       CASE WHEN m.leak THEN format(': LEAK in %s', m.grown_context) ELSE '' END);
        calls := m.calls; per_call := NULL; total_ms := NULL; self_ms := NULL; self_pct := NULL;
        RETURN NEXT;
    END IF;

    section := 'total';
    item := format('self times account for %s%% of the measured %s ms per call; unattributed %s ms per call',
                   round(100.0 * r.attributed_ns / nullif(r.measured_ns, 0), 1),
                   round(r.measured_ns / n / 1e6, 4), round((r.measured_ns - r.attributed_ns) / n / 1e6, 4));
    calls := NULL; per_call := NULL;
    total_ms := round(r.measured_ns / n / 1e6, 4);
    self_ms := round(r.attributed_ns / n / 1e6, 4);
    self_pct := round(100.0 * r.attributed_ns / nullif(r.measured_ns, 0), 1);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.profile_report(bigint, integer) IS
  'A profile for people, times in ms per profiled call: the run; the statement tree (indented by level, biggest first among siblings, self-time % of the measured total) with the unattributed rest; the lines PL/pgSQL spends most self time in (at most lines of them); the PL/pgSQL call graph; memory; and the total: how much of the measured time the self times account for';

-- The harness's mean beside pg_stat_statements' mean for the statement the
-- harness called (run_statements.harness_statement), for bench runs and
-- profiles, for the roles that may read the run (the view's owner reads past
-- row-level security; may_read() decides per row, as in run_summary).
CREATE VIEW @extschema@.run_statements_vs_harness AS
SELECT 'runs'::text AS run_table, r.run_id, coalesce(r.case_name, r.name) AS name, r.label,
       r.n AS harness_calls, round((r.mean_ns / 1e6)::numeric, 4) AS harness_mean_ms,
       s.calls AS pgss_calls, round((s.total_exec_ms / nullif(s.calls, 0))::numeric, 4) AS pgss_mean_ms,
       round((r.mean_ns / 1e6 / nullif(s.total_exec_ms / nullif(s.calls, 0), 0))::numeric, 3) AS harness_over_pgss,
       s.exact, s.query
  FROM @extschema@.runs r
  JOIN @extschema@.run_statements s ON s.run_table = 'runs' AND s.run_id = r.run_id AND s.harness_statement
 WHERE @extschema@.may_read(r.owner)
UNION ALL
SELECT 'profile_runs', p.run_id, p.name, p.label,
       p.iterations, round((p.measured_ns / p.iterations / 1e6)::numeric, 4),
       s.calls, round((s.total_exec_ms / nullif(s.calls, 0))::numeric, 4),
       round((p.measured_ns / p.iterations / 1e6 / nullif(s.total_exec_ms / nullif(s.calls, 0), 0))::numeric, 3),
       s.exact, s.query
  FROM @extschema@.profile_runs p
  JOIN @extschema@.run_statements s ON s.run_table = 'profile_runs' AND s.run_id = p.run_id AND s.harness_statement
 WHERE @extschema@.may_read(p.owner);
COMMENT ON VIEW @extschema@.run_statements_vs_harness IS
  'Per run with pg_stat_statements data: the harness''s mean per call beside pg_stat_statements'' mean execution time of the statement the harness called, their ratio (the harness measures the whole SPI call: plan cache lookup and executor start/end included), and whether the delta is exact (no other session contributed)';
GRANT SELECT ON @extschema@.run_statements_vs_harness TO PUBLIC;
