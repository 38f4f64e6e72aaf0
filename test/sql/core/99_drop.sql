-- 99_drop: DROP EXTENSION removes every object of tas_bench.  The schema
-- itself was created by CREATE EXTENSION from the control file, so (as for
-- any extension with a fixed schema) PostgreSQL leaves it, empty.
DROP EXTENSION tas_bench;
SELECT count(*) AS relations_left FROM pg_class WHERE relnamespace = 'tas_bench'::regnamespace;
SELECT count(*) AS routines_left FROM pg_proc WHERE pronamespace = 'tas_bench'::regnamespace;
SELECT count(*) AS types_left FROM pg_type WHERE typnamespace = 'tas_bench'::regnamespace;
SELECT count(*) AS functions_left FROM pg_proc WHERE proname IN ('bench', 'bench_commit', 'generate');
CREATE EXTENSION tas_bench;
SELECT tas_bench.version() IS NOT NULL AS reinstalled;
DROP EXTENSION tas_bench;
