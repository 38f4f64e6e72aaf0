-- 00_install: create the extension and list every object it owns, so any
-- change of the public SQL API shows up in this test's diff.
CREATE EXTENSION tas_bench;

SELECT tas_bench.version() = extversion AS version_matches
  FROM pg_extension WHERE extname = 'tas_bench';

SELECT extrelocatable, extnamespace::regnamespace AS schema
  FROM pg_extension WHERE extname = 'tas_bench';

-- Types PostgreSQL makes by itself (row types of tables and views, the array
-- type of every type) are members too from PostgreSQL 17 on; they are not
-- part of the API and are left out, so the listing is the same on every major.
CREATE TEMP VIEW implicit_types AS
SELECT t.oid FROM pg_type t
 WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    OR EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid);

-- every member object, described
SELECT pg_describe_object(classid, objid, 0) COLLATE "C" AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tas_bench')
   AND deptype = 'e'
   AND NOT (classid = 'pg_type'::regclass AND objid IN (SELECT oid FROM implicit_types))
 ORDER BY 1;

-- functions with their full signatures and result types
SELECT p.oid::regprocedure::text COLLATE "C" AS function,
       pg_get_function_result(p.oid) AS returns,
       p.prokind, p.provolatile, p.prosecdef
  FROM pg_proc p
 WHERE p.pronamespace = 'tas_bench'::regnamespace
 ORDER BY 1;

-- columns of the composite result types (compare(), compare_runs(), bench_ab())
SELECT t.typname COLLATE "C" AS type, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS coltype
  FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE t.typnamespace = 'tas_bench'::regnamespace AND c.relkind = 'c' AND a.attnum > 0
 ORDER BY 1, 2;

-- every object has a comment
SELECT pg_describe_object(classid, objid, 0) COLLATE "C" AS uncommented
  FROM pg_depend d
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tas_bench')
   AND deptype = 'e'
   AND classid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)
   AND obj_description(objid, classid::regclass::name) IS NULL
   -- implicit types carry no comment of their own; a composite type's
   -- comment is on its pg_type row, not its pg_class row
   AND NOT (classid = 'pg_type'::regclass AND objid IN (SELECT oid FROM implicit_types))
   AND NOT (classid = 'pg_class'::regclass
            AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = objid AND c.relkind IN ('S', 'i', 'c')))
 ORDER BY 1;

-- tables whose rows survive pg_dump (pg_extension_config_dump)
SELECT unnest(extconfig)::regclass::text COLLATE "C" AS dumped_table
  FROM pg_extension WHERE extname = 'tas_bench'
 ORDER BY 1;

-- the GUC prefix is reserved and the GUCs exist
SELECT name, setting, unit, context FROM pg_settings
 WHERE name LIKE 'tas_bench.%' ORDER BY name COLLATE "C";
SET tas_bench.no_such_setting = 1;
