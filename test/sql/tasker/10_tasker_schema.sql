-- 10_tasker_schema: load the stand-in tasker schema (test/fixtures/tasker/tasker_schema.sql)
-- and pin its shape against the spec (../shared/tasker-data-model.md sections 1, 2, 5):
-- function signatures, languages and volatility; columns, types, nullability and
-- defaults; constraints; indexes; triggers; enum labels; comments; uuid_generate_v7.
-- Tests 11 and 12 use the schema; 12 drops it.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET search_path = tasker, public;

\set ECHO none
\i test/fixtures/tasker/tasker_schema.sql
\set ECHO all

-- The file is one transaction and set its search_path only locally.
SHOW search_path;

-- Signatures exactly as spec section 5 lists them (names, types, defaults, results).
\pset expanded on
\df tasker.*
\pset expanded off

-- Language and volatility as declared upstream; none STRICT, none SECURITY
-- DEFINER, none with its own search_path (spec section 0 / 5 preamble).
SELECT p.proname COLLATE "C" AS function, l.lanname AS language, p.provolatile AS volatility,
       p.proisstrict AS strict, p.prosecdef AS secdef, p.proconfig IS NULL AS no_config,
       p.proretset AS returns_set
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'tasker'::regnamespace
 ORDER BY 1;

-- Result columns of the set-returning functions, in order.
SELECT p.proname COLLATE "C" AS function, a.ord, a.name, format_type(a.typ, NULL) AS type
  FROM pg_proc p
  CROSS JOIN LATERAL unnest(p.proallargtypes, p.proargmodes::text[], p.proargnames)
       WITH ORDINALITY AS a(typ, mode, name, ord)
 WHERE p.pronamespace = 'tasker'::regnamespace AND a.mode = 't'
 ORDER BY 1, 2;

-- Enum types (spec section 1).
SELECT t.typname COLLATE "C" AS type, e.enumsortorder AS n, e.enumlabel AS label
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.typnamespace = 'tasker'::regnamespace
 ORDER BY 1, 2;

-- Every column: type, NOT NULL, default (spec section 2).
SELECT c.relname COLLATE "C" AS "table", a.attnum AS n, a.attname AS "column",
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn,
       pg_get_expr(d.adbin, d.adrelid) AS "default"
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'tasker'::regnamespace AND c.relkind = 'r'
 ORDER BY 1, 2;

-- Constraints: primary keys, plain foreign keys (NO ACTION, not deferrable),
-- uniques, and the only CHECKs, the state lists of section 3.
SELECT conrelid::regclass::text COLLATE "C" AS "table", contype, conname COLLATE "C" AS name,
       pg_get_constraintdef(oid) AS definition, condeferrable AS deferrable
  FROM pg_constraint
 WHERE connamespace = 'tasker'::regnamespace AND contype <> 'n'
 ORDER BY 1, 2, 3;

-- Indexes (names are ours; columns, uniqueness and partial predicates follow the spec).
SELECT tablename COLLATE "C" AS "table",
       regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING ', '\1')
         COLLATE "C" AS definition
  FROM pg_indexes
 WHERE schemaname = 'tasker'
 ORDER BY 1, 2;

-- Triggers (spec 2.12): exactly two.
SELECT tgrelid::regclass::text AS "table", tgname, pg_get_triggerdef(oid) AS definition
  FROM pg_trigger
 WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'tasker'::regnamespace)
   AND NOT tgisinternal
 ORDER BY 2;

-- Every table, function and type has a comment, and so has the schema.
SELECT obj_description('tasker'::regnamespace, 'pg_namespace') LIKE 'tas_bench stand-in%' AS schema_commented;
SELECT c.relname AS uncommented_table FROM pg_class c
 WHERE c.relnamespace = 'tasker'::regnamespace AND c.relkind = 'r'
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT p.oid::regprocedure AS uncommented_function FROM pg_proc p
 WHERE p.pronamespace = 'tasker'::regnamespace
   AND coalesce(obj_description(p.oid, 'pg_proc'), '') NOT LIKE 'tas_bench stand-in%';

-- uuid_generate_v7(): RFC 9562 layout.  Version nibble 7, variant bits 10,
-- first 48 bits = unix epoch milliseconds of the call, values distinct and,
-- across milliseconds, increasing.
CREATE TEMP TABLE v7 AS
SELECT n, clock_timestamp() AS before, tasker.uuid_generate_v7() AS u, clock_timestamp() AS after
  FROM generate_series(1, 2000) AS n;
SELECT count(*) AS n,
       count(DISTINCT u) AS distinct_values,
       bool_and(substr(u::text, 15, 1) = '7') AS version_7,
       bool_and(substr(u::text, 20, 1) IN ('8', '9', 'a', 'b')) AS variant_10,
       bool_and(('x' || lpad(replace(substr(u::text, 1, 13), '-', ''), 16, '0'))::bit(64)::bigint
                BETWEEN floor(extract(epoch FROM before) * 1000)::bigint
                    AND floor(extract(epoch FROM after) * 1000)::bigint) AS timestamp_ms
  FROM v7;
SELECT coalesce(bool_and(a.u < b.u), true) AS ordered_across_ms
  FROM v7 a JOIN v7 b ON b.n = a.n + 1
 WHERE floor(extract(epoch FROM a.after) * 1000) < floor(extract(epoch FROM b.before) * 1000);
DROP TABLE v7;
-- Defaults call it.
SELECT count(*) AS defaults_calling_v7
  FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
 WHERE c.relnamespace = 'tasker'::regnamespace
   AND pg_get_expr(d.adbin, d.adrelid) = 'uuid_generate_v7()';

-- Spec section 0: the functions name tables unqualified and have no SET
-- search_path, so without tasker on the search_path they fail.
\set VERBOSITY terse
SET search_path = public;
SELECT tasker.get_current_task_state('10000000-0000-7000-8000-000000000001');
SET search_path = tasker, public;
SELECT count(*) AS no_tasks FROM get_next_ready_tasks(1);
\set VERBOSITY default
