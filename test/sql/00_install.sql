-- 00_install: create the extension and list every object it owns, so any
-- change of the public SQL API shows up in this test's diff.
CREATE EXTENSION tas_bench;

SELECT tas_bench.version() = extversion AS version_matches
  FROM pg_extension WHERE extname = 'tas_bench';

SELECT extrelocatable, extnamespace::regnamespace AS schema
  FROM pg_extension WHERE extname = 'tas_bench';

-- every member object, described
SELECT pg_describe_object(classid, objid, 0) COLLATE "C" AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tas_bench')
   AND deptype = 'e'
 ORDER BY 1;

-- functions with their full signatures and result types
SELECT p.oid::regprocedure::text COLLATE "C" AS function,
       pg_get_function_result(p.oid) AS returns,
       p.prokind, p.provolatile, p.prosecdef
  FROM pg_proc p
 WHERE p.pronamespace = 'tas_bench'::regnamespace
 ORDER BY 1;

-- every object has a comment
SELECT pg_describe_object(classid, objid, 0) COLLATE "C" AS uncommented
  FROM pg_depend d
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tas_bench')
   AND deptype = 'e'
   AND classid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)
   AND obj_description(objid, classid::regclass::name) IS NULL
   AND NOT (classid = 'pg_type'::regclass
            AND EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = objid AND t.typrelid <> 0))
   AND NOT (classid = 'pg_class'::regclass
            AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = objid AND c.relkind IN ('S', 'i')))
 ORDER BY 1;

-- tables whose rows survive pg_dump (pg_extension_config_dump)
SELECT unnest(extconfig)::regclass::text COLLATE "C" AS dumped_table
  FROM pg_extension WHERE extname = 'tas_bench'
 ORDER BY 1;

-- the GUC prefix is reserved and the GUCs exist
SELECT name, setting, unit, context FROM pg_settings
 WHERE name LIKE 'tas_bench.%' ORDER BY name COLLATE "C";
SET tas_bench.no_such_setting = 1;
