-- 23_hijack_generate: the generator's own statements are immune to the
-- target's search_path.  A role with CREATE on the target schema plants an
-- operator = (varchar, varchar), which beats pg_catalog's text = text for
-- every varchar comparison that resolves through a path holding the target
-- (the generator's template lookups compare named_tasks.version, cleanup
-- compares tasks.source_system), and look-alikes of built-ins that
-- check_target and generate's argument checks use.  If any ran, it would
-- record itself and make its planter superuser.  A superuser then runs
-- check_target, generate, grow and cleanup on that target.
-- The dataset holds pending tasks only: the target's own audit trigger
-- (which compares varchar too, and is the target's code, not ours) then
-- never gets past its first test, which uses <>, not =.
SET client_min_messages = warning;
SET tas_bench.progress_interval = 0;
\set ECHO none
\i test/fixtures/tasker/tasker_schema.sql
\set ECHO all
CREATE ROLE hjg_planter;
GRANT CREATE, USAGE ON SCHEMA tasker TO hjg_planter;
CREATE TABLE public.hjg_marker (planted text);
GRANT INSERT ON public.hjg_marker TO PUBLIC;

SET ROLE hjg_planter;
CREATE FUNCTION tasker.hjg_fire(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.hjg_marker VALUES (what);
    EXECUTE 'ALTER ROLE hjg_planter SUPERUSER';
END $$;
CREATE FUNCTION tasker.hjg_varchareq(a varchar, b varchar) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN PERFORM tasker.hjg_fire('= (varchar, varchar)'); RETURN a::text OPERATOR(pg_catalog.=) b::text; END $$;
CREATE OPERATOR tasker.= (leftarg = varchar, rightarg = varchar, function = tasker.hjg_varchareq);
CREATE FUNCTION tasker.to_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN PERFORM tasker.hjg_fire('to_jsonb(text)'); RETURN pg_catalog.to_jsonb(t); END $$;
CREATE FUNCTION tasker.unnest(a name[]) RETURNS SETOF name LANGUAGE plpgsql AS $$
BEGIN PERFORM tasker.hjg_fire('unnest(name[])'); RETURN QUERY SELECT pg_catalog.unnest(a); END $$;
CREATE FUNCTION tasker.unnest(a text[]) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN PERFORM tasker.hjg_fire('unnest(text[])'); RETURN QUERY SELECT pg_catalog.unnest(a); END $$;
RESET ROLE;

SELECT count(*) AS problems FROM tas_bench.check_target('tasker');
SELECT dataset_id AS ds FROM tas_bench.generate(30, seed => 5, state_mix => '{"pending": 1}') \gset
SELECT tasks FROM tas_bench.grow(:ds, 40);
SELECT count(*) AS tasks_generated FROM tasker.tasks WHERE source_system::text OPERATOR(pg_catalog.=) 'tas_bench';
SELECT tas_bench.cleanup(:ds) > 0 AS removed;
SELECT count(*) AS tasks_left FROM tasker.tasks;

-- nothing planted ran, nobody was promoted
SELECT count(*) AS planted_calls FROM public.hjg_marker;
SELECT rolsuper AS planter_is_superuser FROM pg_roles WHERE rolname = 'hjg_planter';

-- row-level security on a target table: the generator loads as COPY FROM
-- does, and refuses as COPY FROM refuses, for a role the policies apply to
CREATE ROLE hjg_gen;
GRANT USAGE ON SCHEMA tasker TO hjg_gen;
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA tasker TO hjg_gen;
GRANT SELECT, INSERT, UPDATE, DELETE ON tas_bench.datasets, tas_bench.dataset_templates TO hjg_gen;
GRANT USAGE ON SEQUENCE tas_bench.datasets_dataset_id_seq TO hjg_gen;
GRANT EXECUTE ON FUNCTION tas_bench.generate(integer, bigint, text[], jsonb, name, timestamptz, text) TO hjg_gen;
ALTER TABLE tasker.workflow_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY hjg_all ON tasker.workflow_steps USING (true) WITH CHECK (true);
SET ROLE hjg_gen;
SELECT dataset_id FROM tas_bench.generate(5, seed => 5);
RESET ROLE;
SELECT count(*) AS tasks_after_refusal FROM tasker.tasks;

-- clean up: as the earlier tests leave it, no tasker schema
\set VERBOSITY terse
DROP SCHEMA tasker CASCADE;
\set VERBOSITY default
DROP TABLE public.hjg_marker;
DROP OWNED BY hjg_gen;
DROP ROLE hjg_gen;
DROP ROLE hjg_planter;
