-- 45_hijack: tas_bench's own statements are immune to the search_path.
-- A role with CREATE on a schema that a superuser puts on the search_path of
-- a benchmark plants look-alikes of the built-ins tas_bench's bookkeeping
-- uses (functions, and operators of the exact types, so they would win even
-- over pg_catalog where the path lists the schema first).  Each one, if it
-- ever ran, would record itself and make its planter superuser.  Then a
-- superuser runs every core entry point with that schema first on the path:
-- nothing planted runs, the planter stays an ordinary role.
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
CREATE ROLE hj_planter;
CREATE SCHEMA hj_target;
GRANT CREATE, USAGE ON SCHEMA hj_target TO hj_planter;
CREATE TABLE public.hj_marker (planted text);
GRANT INSERT ON public.hj_marker TO PUBLIC;
CREATE TABLE hj_target.tasks (id int);   -- run_suite counts the target's tasks

SET ROLE hj_planter;
CREATE FUNCTION hj_target.hj_fire(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.hj_marker VALUES (what);
    EXECUTE 'ALTER ROLE hj_planter SUPERUSER';
END $$;
CREATE FUNCTION hj_target.to_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('to_jsonb(text)'); RETURN pg_catalog.to_jsonb(t); END $$;
CREATE FUNCTION hj_target.unnest(a bigint[], b integer[], c bigint[])
RETURNS TABLE(x bigint, y integer, z bigint) LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('unnest'); RETURN QUERY SELECT * FROM pg_catalog.unnest(a, b, c); END $$;
CREATE FUNCTION hj_target.jsonb_path_query(j jsonb, p text) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('jsonb_path_query'); RETURN QUERY SELECT pg_catalog.jsonb_path_query(j, p::jsonpath); END $$;
CREATE FUNCTION hj_target.md5(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('md5'); RETURN pg_catalog.md5(t); END $$;
CREATE FUNCTION hj_target.jsonb_set(j jsonb, p text[], v jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('jsonb_set'); RETURN pg_catalog.jsonb_set(j, p, v); END $$;
CREATE FUNCTION hj_target.hj_int8eq(a bigint, b bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('= (bigint, bigint)'); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR hj_target.= (leftarg = bigint, rightarg = bigint, function = hj_target.hj_int8eq);
CREATE FUNCTION hj_target.hj_textne(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN PERFORM hj_target.hj_fire('<> (text, text)'); RETURN a OPERATOR(pg_catalog.<>) b; END $$;
CREATE OPERATOR hj_target.<> (leftarg = text, rightarg = text, function = hj_target.hj_textne);
RESET ROLE;

-- the path a careless superuser might pass: the planter's schema before pg_catalog
\set path '''hj_target, pg_catalog, public'''

SELECT status, n FROM tas_bench.bench('SELECT 1', iterations => 20, warmup => 2,
                                      name => 'hj shared', search_path => :path);
SELECT status, n FROM tas_bench.bench('SELECT $1', 'SELECT 7', iterations => 20, warmup => 2,
                                      name => 'hj rollback', mode => 'rollback', search_path => :path);
CALL tas_bench.bench_commit('SELECT 1', iterations => 20, warmup => 2, name => 'hj commit',
                            search_path => :path);
SELECT verdict IS NOT NULL AS compared
  FROM tas_bench.bench_ab('SELECT 1', 'SELECT 2', iterations => 20, warmup => 2,
                          name => 'hj ab', search_path => :path);
SELECT tas_bench.capture_plans(run_id) > 0 AS plans_captured
  FROM tas_bench.runs WHERE name = 'hj shared';
INSERT INTO tas_bench.cases (suite, name, sql, iterations, warmup, search_path)
VALUES ('hj', 'one', 'SELECT 1', 20, 2, 'hj_target, pg_catalog, public');
CALL tas_bench.run_suite('hj', label => 'hj', target_schema => 'hj_target');
SELECT name, status, env -> 'settings' ->> 'search_path' AS search_path_recorded
  FROM tas_bench.runs WHERE name LIKE 'hj%' OR label = 'hj' ORDER BY run_id;

-- nothing planted ran, nobody was promoted
SELECT count(*) AS planted_calls FROM public.hj_marker;
SELECT rolsuper AS planter_is_superuser FROM pg_roles WHERE rolname = 'hj_planter';

-- clean up
DELETE FROM tas_bench.runs WHERE name LIKE 'hj%' OR label = 'hj';
DELETE FROM tas_bench.cases WHERE suite = 'hj';
DROP SCHEMA hj_target CASCADE;
DROP TABLE public.hj_marker;
DROP ROLE hj_planter;
