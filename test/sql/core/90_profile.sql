-- 90_profile: profile() stores the tree of nested statements, the PL/pgSQL
-- lines and call graph of a statement's calls, and its memory; the self
-- times add up; another PL/pgSQL plugin keeps its callbacks while we
-- profile; a function that leaks per call is flagged and a clean one is
-- not.  Only properties are printed, never timings.
SET tas_bench.progress_interval = 0;
CREATE SCHEMA prof_t;
CREATE TABLE prof_t.items (id int PRIMARY KEY, grp int NOT NULL, v text NOT NULL);
INSERT INTO prof_t.items SELECT i, i % 10, repeat('x', 20) FROM generate_series(1, 1000) i;
VACUUM (ANALYZE) prof_t.items;

-- upstream-shaped nesting: PL/pgSQL calling an SQL function calling PL/pgSQL
CREATE FUNCTION prof_t.group_size(g int) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT count(*) FROM prof_t.items WHERE grp = g);
END
$$;
CREATE FUNCTION prof_t.sizes(g int) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT prof_t.group_size(g) + 0 FROM prof_t.items WHERE id = g + 1
$$;
CREATE FUNCTION prof_t.outer_fn(n int) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  total bigint := 0;
BEGIN
  FOR i IN 1 .. n LOOP
    total := total + prof_t.sizes(i);
  END LOOP;
  BEGIN
    total := total / 0;
  EXCEPTION WHEN division_by_zero THEN
    total := total + 1;
  END;
  RETURN total;
END
$$;
SELECT prof_t.outer_fn(3);

SELECT tas_bench.profile('SELECT prof_t.outer_fn(3)', iterations => 20, name => 'nested',
                         label => 'prof') AS pid \gset
SELECT iterations, warmup, param_rows, statements > 0 AS has_statements,
       measured_ns >= attributed_ns AS measured_covers, attributed_ns > 0 AS attributed,
       owner = current_user AS own, source_run_id IS NULL AS fresh
  FROM tas_bench.profile_runs WHERE run_id = :pid;
-- a profile's id never names a bench run
SELECT count(*) AS runs_rows FROM tas_bench.runs WHERE run_id = :pid;

-- the tree: level, calls, calls per outer call, the parent of each statement
-- (PL/pgSQL before 14 prefixes an expression's text with "SELECT ": cut)
SELECT s.level, regexp_replace(tas_bench.one_line(s.statement, 60), '^SELECT \(', '(') AS statement, s.calls,
       s.calls / 20.0 AS per_call, tas_bench.one_line(p.statement, 30) AS parent
  FROM tas_bench.profile_statements s
  LEFT JOIN tas_bench.profile_statements p ON p.run_id = s.run_id AND p.stmt_id = s.parent_id
 WHERE s.run_id = :pid
 ORDER BY s.level, s.statement COLLATE "C";
-- self times sum to the top statement's total, exactly; none is negative,
-- no statement's self exceeds its total, children fit in their parent
SELECT sum(self_ns) = (SELECT attributed_ns FROM tas_bench.profile_runs WHERE run_id = :pid) AS self_sums,
       bool_and(self_ns >= 0 AND self_ns <= total_ns) AS self_within_total,
       bool_and(rows >= 0 AND shared_hit >= 0) AS counters
  FROM tas_bench.profile_statements WHERE run_id = :pid;
SELECT bool_and(c.sum_total <= p.total_ns) AS children_fit
  FROM (SELECT parent_id, sum(total_ns) AS sum_total FROM tas_bench.profile_statements
         WHERE run_id = :pid AND parent_id IS NOT NULL GROUP BY parent_id) c
  JOIN tas_bench.profile_statements p ON p.run_id = :pid AND p.stmt_id = c.parent_id;
-- the innermost statement read the table: 1 row per call, buffers touched
SELECT rows, shared_hit + shared_read > 0 AS touched
  FROM tas_bench.profile_statements
 WHERE run_id = :pid AND statement ~ '^(SELECT )?\(SELECT count\(\*\) FROM prof_t.items';

-- the PL/pgSQL lines: executions per profiled call, the line's source
SELECT function, lineno, btrim(source) AS source, execs / 20 AS per_call,
       self_ns <= total_ns AND max_ns <= total_ns AS consistent
  FROM tas_bench.profile_lines WHERE run_id = :pid
 ORDER BY function COLLATE "C", lineno;
-- the call graph: who called whom, how often
SELECT coalesce(caller, '(statement)') AS caller, callee, calls, self_ns <= total_ns AS consistent
  FROM tas_bench.profile_calls WHERE run_id = :pid ORDER BY calls, callee COLLATE "C";

-- the report: its sections in order; the tree reads top down
SELECT section, count(*) AS rows
  FROM tas_bench.profile_report(:pid) WITH ORDINALITY r
 GROUP BY section ORDER BY min(ordinality);
SELECT regexp_replace(item, '^( *)SELECT \(', '\1(') AS item
  FROM tas_bench.profile_report(:pid) WHERE section = 'statement' AND calls IS NOT NULL;
SELECT self_pct BETWEEN 0 AND 100 AS pct_ok,
       item LIKE 'self times account for %' AS says_coverage
  FROM tas_bench.profile_report(:pid) WHERE section = 'total';

-- parameters, search_path and re-profiling a bench run
SELECT (tas_bench.bench('SELECT outer_fn($1)', 'SELECT g FROM generate_series(1, 3) g',
                        iterations => 6, warmup => 1, search_path => 'prof_t')).run_id AS bid \gset
SELECT tas_bench.profile(:bid) AS pid2 \gset
SELECT source_run_id = :bid AS from_run, param_rows, iterations, search_path
  FROM tas_bench.profile_runs WHERE run_id = :pid2;
SELECT calls FROM tas_bench.profile_calls
 WHERE run_id = :pid2 AND callee = 'prof_t.group_size(integer)';
-- ... and re-profiling a profile
SELECT tas_bench.profile(:pid2) AS pid2b \gset
SELECT source_run_id = :pid2 AS from_profile, iterations
  FROM tas_bench.profile_runs WHERE run_id = :pid2b;

-- a second PL/pgSQL plugin: installed before the profile, it still gets
-- every callback (with its own plugin_info and PL/pgSQL's helpers) while
-- ours records, and is the active plugin again afterwards
SELECT tas_bench.plpgsql_plugin_probe('install') ->> 'installed' AS probe_installed;
SELECT prof_t.outer_fn(3);
SELECT (tas_bench.plpgsql_plugin_probe('counts') ->> 'func_beg')::int AS alone_func_beg \gset
SELECT tas_bench.profile('SELECT prof_t.outer_fn(3)', iterations => 5) AS pid3 \gset
-- 1 call alone, then 5 warm-up and 5 profiled calls (and the PL/pgSQL of
-- tas_bench's own bookkeeping after them)
SELECT (p ->> 'func_beg')::int >= 11 * :alone_func_beg AS beg_every_call,
       (p ->> 'func_setup')::int = (p ->> 'func_beg')::int AS setup_every_call,
       (p ->> 'func_end')::int = (p ->> 'func_beg')::int AS end_every_call,
       (p ->> 'stmt_beg')::int > 0 AND (p ->> 'stmt_end')::int > 0 AS stmt_callbacks,
       p ->> 'foreign_plugin_info' AS foreign_info, p ->> 'missing_helpers' AS missing_helpers
  FROM tas_bench.plpgsql_plugin_probe('counts') p;
SELECT (tas_bench.plpgsql_plugin_probe('counts') ->> 'func_beg')::int AS after_profile \gset
SELECT count(*) > 0 AS lines_recorded FROM tas_bench.profile_lines WHERE run_id = :pid3;
SELECT prof_t.outer_fn(3);
SELECT (tas_bench.plpgsql_plugin_probe('counts') ->> 'func_beg')::int = :after_profile + :alone_func_beg AS probe_still_active;
SELECT tas_bench.plpgsql_plugin_probe('remove') ->> 'installed' AS probe_installed;
-- a plugin installed over ours during a profile: ours stays in the chain,
-- passing callbacks on, and records again in the next profile
SELECT tas_bench.profile('SELECT tas_bench.plpgsql_plugin_probe(''install'')', iterations => 1) > 0 AS profiled;
SELECT prof_t.outer_fn(3);
SELECT (tas_bench.plpgsql_plugin_probe('counts') ->> 'func_beg')::int >= :alone_func_beg AS probe_on_top;
SELECT tas_bench.plpgsql_plugin_probe('remove') ->> 'installed' AS probe_installed;
SELECT tas_bench.profile('SELECT prof_t.outer_fn(3)', iterations => 5) AS pid4 \gset
SELECT count(*) > 0 AS lines_again FROM tas_bench.profile_lines WHERE run_id = :pid4;
SELECT prof_t.outer_fn(3);

-- memory: a function that leaks per call (a PREPAREd statement that is
-- never deallocated) is flagged with the context that grew; a clean one not
CREATE SEQUENCE prof_t.leak_seq;
CREATE FUNCTION prof_t.leaky() RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  EXECUTE format('PREPARE prof_leak_%s AS SELECT %s', nextval('prof_t.leak_seq'), repeat('1 + ', 200) || '1');
  RETURN 1;
END
$$;
SELECT tas_bench.profile('SELECT prof_t.leaky()', iterations => 200) AS leak_id \gset
SELECT tas_bench.profile('SELECT prof_t.outer_fn(3)', iterations => 200) AS clean_id \gset
SELECT run_id = :leak_id AS leaky_run, calls, leak, CASE WHEN leak THEN grown_context END AS grown_context,
       growth_per_1000_calls > 1024 AS grows,
       peak_bytes >= before_bytes AND peak_bytes >= after_bytes AS peak_is_max, samples
  FROM tas_bench.run_memory WHERE run_table = 'profile_runs' AND run_id IN (:leak_id, :clean_id)
 ORDER BY run_id;
SELECT item LIKE '%LEAK in CacheMemoryContext%' AS report_says_leak
  FROM tas_bench.profile_report(:leak_id) WHERE section = 'memory';
DEALLOCATE ALL;
-- too few calls for a verdict
SELECT leak IS NULL AS no_verdict, growth_per_1000_calls IS NULL AS no_growth
  FROM tas_bench.run_memory WHERE run_table = 'profile_runs' AND run_id = :pid3;

-- without pg_stat_statements nothing fails, and nothing is stored
SELECT tas_bench.pgss_status() ->> 'used' AS pgss_used;
SELECT count(*) AS run_statements FROM tas_bench.run_statements;

-- bad input
SELECT tas_bench.profile('SELECT 1', iterations => 0);
SELECT tas_bench.profile('  ;');
SELECT tas_bench.profile(NULL::text);
SELECT tas_bench.profile('SELECT 1; SELECT 2');
SELECT tas_bench.profile('SELECT $1', 'SELECT 1 WHERE false');
SELECT tas_bench.profile(-1::bigint);
SELECT * FROM tas_bench.profile_report(-1);
SELECT tas_bench.plpgsql_plugin_probe('toggle');
-- an error in a profiled call names the call
SELECT tas_bench.profile('SELECT 1 / (3 - $1)', 'SELECT g FROM generate_series(1, 5) g', iterations => 5);
SELECT count(*) AS profiles_kept FROM tas_bench.profile_runs WHERE sql LIKE 'SELECT 1 / %';
-- ... and the next profile records its statistics as before
SELECT tas_bench.profile('SELECT 1', iterations => 20) AS after_error \gset
SELECT count(*) AS memory_after_error FROM tas_bench.run_memory
 WHERE run_table = 'profile_runs' AND run_id = :after_error;
-- profile() inside a profiled statement is refused
CREATE FUNCTION prof_t.profile_inside() RETURNS bigint LANGUAGE sql AS $$ SELECT tas_bench.profile('SELECT 1') $$;
SELECT tas_bench.profile('SELECT prof_t.profile_inside()', iterations => 1);

-- a role sees its own profiles only
CREATE ROLE prof_other;
GRANT USAGE ON SCHEMA prof_t TO prof_other;
SET ROLE prof_other;
SELECT count(*) AS others_profiles FROM tas_bench.profile_runs;
SELECT count(*) AS others_statements FROM tas_bench.profile_statements;
SELECT count(*) AS others_memory FROM tas_bench.run_memory;
-- another role's run is refused (42501; its id and owner vary, so the code only)
\set VERBOSITY sqlstate
SELECT tas_bench.profile(:pid);
\set VERBOSITY default
SELECT tas_bench.profile('SELECT 1', iterations => 3) AS mine \gset
SELECT count(*) AS own_profiles FROM tas_bench.profile_runs;
RESET ROLE;
DELETE FROM tas_bench.profile_runs WHERE owner = 'prof_other';
DELETE FROM tas_bench.run_memory m WHERE m.run_table = 'profile_runs'
   AND NOT EXISTS (SELECT 1 FROM tas_bench.profile_runs p WHERE p.run_id = m.run_id);
REVOKE USAGE ON SCHEMA prof_t FROM prof_other;
DROP ROLE prof_other;

DROP SCHEMA prof_t CASCADE;
