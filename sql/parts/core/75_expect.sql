-- Performance checks for test suites (C in src/core/expect.c and
-- src/core/plans.c): expect() prints one stable line per budget for
-- pg_regress expected files, within_budget() says whether all hold (pgTAP's
-- ok()), plan_tree() shows the plans of one call, nested statements
-- included, without costs.  They store nothing: no rows in runs, samples or
-- plans.  C functions, so no SET search_path clause: the user's statement
-- runs under the caller's path (or the search_path argument), tas_bench's
-- own statements pin theirs (src/util.h).

CREATE FUNCTION @extschema@.expect(
    sql text, params text DEFAULT NULL, iterations integer DEFAULT 10,
    rows numeric DEFAULT NULL, max_buffers numeric DEFAULT NULL,
    max_wal_bytes numeric DEFAULT NULL, plan text DEFAULT NULL,
    max_p95 interval DEFAULT NULL, search_path text DEFAULT NULL)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'tas_bench_expect'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.expect(text, text, integer, numeric, numeric, numeric, text, interval, text) IS
  'Check budgets of sql for a pg_regress expected file: after a warm-up pass over the parameter rows used, iterations calls, each rolled back, with generic plans; one line per given budget (rows per call = rows, shared buffers hit+read per call <= max_buffers, WAL bytes per call <= max_wal_bytes, plan fingerprint = a prefix of the md5 of plan_tree(), p95 <= max_p95, the one noisy check), "ok" or FAILED with the measured value; stores nothing';

CREATE FUNCTION @extschema@.within_budget(
    sql text, params text DEFAULT NULL, iterations integer DEFAULT 10,
    rows numeric DEFAULT NULL, max_buffers numeric DEFAULT NULL,
    max_wal_bytes numeric DEFAULT NULL, plan text DEFAULT NULL,
    max_p95 interval DEFAULT NULL, search_path text DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'tas_bench_within_budget'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.within_budget(text, text, integer, numeric, numeric, numeric, text, interval, text) IS
  'The checks of expect(), for pgTAP''s ok(): true when every given budget holds; each failing check is reported as a NOTICE with the measured value; stores nothing';

CREATE FUNCTION @extschema@.plan_tree(sql text, params text DEFAULT NULL, search_path text DEFAULT NULL)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'tas_bench_plan_tree'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.plan_tree(text, text, text) IS
  'The plans of one call of sql (first row of params, search_path if given), rolled back: the statement''s own plan and the plan of every statement executed inside it (function bodies, triggers), each headed by its text and number of executions, indented by nesting level, as EXPLAIN (COSTS OFF) text with generic plans: no costs, rows, times or buffers; stable for an expected file';
