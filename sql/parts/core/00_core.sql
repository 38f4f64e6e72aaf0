-- Core: schema-level objects shared by every part.
-- The extension schema (tas_bench) is created by CREATE EXTENSION from the
-- control file; everything below is qualified with @extschema@.

COMMENT ON SCHEMA @extschema@ IS
  'tas_bench: in-database benchmarking of SQL functions (timing harness, dataset generator, suites, comparison, scaling)';

CREATE FUNCTION @extschema@.version()
RETURNS text
AS 'MODULE_PATHNAME', 'tas_bench_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.version() IS
  'Version of the loaded tas_bench library (equals pg_extension.extversion when library and SQL match)';

-- Nobody but the owner writes results unless granted; reading is open.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
