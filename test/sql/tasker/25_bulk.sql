-- 25_bulk: generate() and grow() with method => 'bulk' leave the same final
-- state as method => 'checked' on the same seed and anchor: every row of
-- every table (audit rows on content: their key comes from the target's
-- default), the same index and constraint definitions, every index valid and
-- ready, every constraint validated, index comments kept, the session's
-- session_replication_role back as it was.  Both run in one transaction, so
-- now() (the audit rows' time columns) is the same on both sides.
-- Then: the bulk method's refusals (auto falls back with a NOTICE, bulk is
-- an error), for a caller it is not allowed for, and argument errors.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET tas_bench.progress_interval = 0;

\set ECHO none
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tasker CASCADE;
DROP SCHEMA IF EXISTS tasker_c CASCADE;
\i test/fixtures/tasker/tasker_schema.sql
ALTER SCHEMA tasker RENAME TO tasker_c;
\i test/fixtures/tasker/tasker_schema.sql
RESET client_min_messages;
\set ECHO all

-- a comment on a secondary index, on both sides: the rebuild keeps it
COMMENT ON INDEX tasker.idx_tasks_priority IS 'kept across a rebuild';
COMMENT ON INDEX tasker_c.idx_tasks_priority IS 'kept across a rebuild';

-- one row of text per row of every table of a schema: the dataset id in the
-- tags (the one value two generations differ in) and the audit rows' own key
-- left out
CREATE FUNCTION pg_temp.rows_of(s name) RETURNS TABLE (tab text, n bigint, checksum text)
LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['task_namespaces', 'named_tasks', 'named_steps', 'named_tasks_named_steps',
                           'tasks', 'workflow_steps', 'workflow_step_edges', 'task_transitions',
                           'workflow_step_transitions', 'workflow_step_result_audit', 'tasks_dlq'] LOOP
    RETURN QUERY EXECUTE format(
      'SELECT %L::text, count(*), md5(coalesce(string_agg(x, ''|'' ORDER BY x), ''''))
         FROM (SELECT (%s)::text AS x FROM %I.%I r) s', t,
      CASE t WHEN 'tasks' THEN 'to_jsonb(r) || jsonb_build_object(''tags'', jsonb_set(r.tags, ''{tas_bench,dataset}'', ''0''))'
             WHEN 'workflow_step_result_audit' THEN 'to_jsonb(r) - ''workflow_step_result_audit_uuid'''
             ELSE 'to_jsonb(r)' END, s, t);
  END LOOP;
END $$;

-- index and constraint definitions of a schema, its name replaced by S
CREATE FUNCTION pg_temp.catalog_of(s name) RETURNS TABLE (kind text, name name, def text, ok boolean, note text)
LANGUAGE sql AS $$
  SELECT 'index', c.relname,
         regexp_replace(pg_get_indexdef(i.indexrelid), '\m' || s || '\.', 'S.', 'g'),
         i.indisvalid AND i.indisready AND i.indislive, obj_description(i.indexrelid, 'pg_class')
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE c.relnamespace = s::regnamespace
  UNION ALL
  SELECT 'constraint', k.conname || ' on ' || r.relname,
         regexp_replace(pg_get_constraintdef(k.oid), '\m' || s || '\.', 'S.', 'g'),
         k.convalidated, NULL
    FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid
   WHERE k.connamespace = s::regnamespace
     AND k.contype <> 'n'  -- PG 18 catalogs NOT NULL constraints; the same on every major
  UNION ALL
  SELECT 'trigger', t.tgname, t.tgenabled::text || t.tgtype, NOT t.tgisinternal, NULL
    FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
   WHERE r.relnamespace = s::regnamespace AND NOT t.tgisinternal
$$;

-- checked and bulk in one transaction: generate, grow by half (indexes
-- rebuilt), grow by a little (explicit bulk: FK checks and triggers off,
-- indexes kept)
BEGIN;
SELECT dataset_id AS dc FROM tas_bench.generate(1500, 11, anchor => '2026-03-01 00:00:00+00',
       target_schema => 'tasker_c', method => 'checked') \gset
SELECT dataset_id AS db FROM tas_bench.generate(1500, 11, anchor => '2026-03-01 00:00:00+00',
       target_schema => 'tasker', method => 'bulk') \gset
SELECT tasks FROM tas_bench.grow(:dc, 2250, 'checked');
SELECT tasks FROM tas_bench.grow(:db, 2250, 'bulk');
SELECT tasks FROM tas_bench.grow(:dc, 2280, 'checked');
SELECT tasks FROM tas_bench.grow(:db, 2280, 'bulk');
SHOW session_replication_role;
COMMIT;

-- the same rows in every table (audit rows on content)
SELECT b.tab, b.n, b.checksum = c.checksum AS same_rows
  FROM pg_temp.rows_of('tasker') b JOIN pg_temp.rows_of('tasker_c') c USING (tab) ORDER BY b.tab;
SELECT d.rows_written = c.rows_written AS same_rows_written
  FROM tas_bench.datasets d, tas_bench.datasets c WHERE d.dataset_id = :db AND c.dataset_id = :dc;
-- audit keys from the target's default: v7 UUIDs, all distinct
SELECT count(*) = count(DISTINCT workflow_step_result_audit_uuid) AS distinct_keys,
       bool_and(substr(workflow_step_result_audit_uuid::text, 15, 1) = '7') AS v7
  FROM tasker.workflow_step_result_audit;
-- the same catalog state: nothing on one side only, everything valid
SELECT count(*) AS objects, bool_and(ok) AS all_valid FROM pg_temp.catalog_of('tasker');
(SELECT * FROM pg_temp.catalog_of('tasker') EXCEPT SELECT * FROM pg_temp.catalog_of('tasker_c'))
UNION ALL
(SELECT * FROM pg_temp.catalog_of('tasker_c') EXCEPT SELECT * FROM pg_temp.catalog_of('tasker'));
SELECT note FROM pg_temp.catalog_of('tasker') WHERE name = 'idx_tasks_priority';
-- both methods analyzed the tables they filled (planner statistics exist)
SELECT n.nspname, c.relname, EXISTS (SELECT 1 FROM pg_statistic st WHERE st.starelid = c.oid) AS analyzed
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('tasker', 'tasker_c') AND c.relkind = 'r'
   AND c.relname IN ('tasks', 'workflow_steps', 'workflow_step_edges', 'task_transitions',
                     'workflow_step_transitions', 'workflow_step_result_audit', 'named_steps')
 ORDER BY 1, 2;

-- an error inside the bulk load rolls everything back: dropped indexes are
-- there again, nothing was loaded (a statement_timeout cancels it)
SELECT count(*) AS tasks_before FROM tasker.tasks;
SET statement_timeout = '300ms';
\set VERBOSITY terse
SELECT tas_bench.grow(:db, 20000, 'bulk');
\set VERBOSITY default
RESET statement_timeout;
SELECT count(*) AS tasks_after FROM tasker.tasks;
SELECT count(*) AS objects, bool_and(ok) AS all_valid FROM pg_temp.catalog_of('tasker');
SHOW session_replication_role;

-- refusals: a trigger the bulk method cannot reproduce
CREATE FUNCTION tasker.note_task() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER note_task AFTER INSERT ON tasker.tasks FOR EACH ROW EXECUTE FUNCTION tasker.note_task();
SELECT tas_bench.grow(:db, 2400, 'bulk');
-- auto falls back to checked, saying why (when the bulk method would be worth it)
SELECT tasks FROM tas_bench.grow(:db, 4300);
DROP TRIGGER note_task ON tasker.tasks;
-- the audit trigger enabled ALWAYS would fire with triggers off
ALTER TABLE tasker.workflow_step_transitions ENABLE ALWAYS TRIGGER trg_step_result_audit;
SELECT tas_bench.grow(:db, 4400, 'bulk');
ALTER TABLE tasker.workflow_step_transitions ENABLE TRIGGER trg_step_result_audit;
-- a foreign key not in the data model
CREATE TABLE tasker.processors (processor_uuid uuid PRIMARY KEY);
ALTER TABLE tasker.task_transitions ADD CONSTRAINT task_transitions_processor_fkey
  FOREIGN KEY (processor_uuid) REFERENCES tasker.processors NOT VALID;
SELECT tas_bench.grow(:db, 4400, 'bulk');
ALTER TABLE tasker.task_transitions DROP CONSTRAINT task_transitions_processor_fkey;
DROP TABLE tasker.processors;
-- a data-model foreign key left NOT VALID
ALTER TABLE tasker.workflow_steps DROP CONSTRAINT workflow_steps_named_step_uuid_fkey;
ALTER TABLE tasker.workflow_steps ADD CONSTRAINT workflow_steps_named_step_uuid_fkey
  FOREIGN KEY (named_step_uuid) REFERENCES tasker.named_steps (named_step_uuid) NOT VALID;
SELECT tas_bench.grow(:db, 4400, 'bulk');
ALTER TABLE tasker.workflow_steps VALIDATE CONSTRAINT workflow_steps_named_step_uuid_fkey;
-- a deferrable unique constraint: its checks are triggers too
ALTER TABLE tasker.tasks ADD CONSTRAINT tasks_identity_deferred UNIQUE (identity_hash) DEFERRABLE;
SELECT tas_bench.grow(:db, 4400, 'bulk');
ALTER TABLE tasker.tasks DROP CONSTRAINT tasks_identity_deferred;
-- after the refusals the bulk method works again
SELECT tasks FROM tas_bench.grow(:db, 4400, 'bulk');
SELECT count(*) AS objects, bool_and(ok) AS all_valid FROM pg_temp.catalog_of('tasker');

-- a role that is neither superuser nor owner: bulk is refused, auto is checked
CREATE ROLE regress_tb_bulk_user;
GRANT USAGE ON SCHEMA tasker TO regress_tb_bulk_user;
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA tasker TO regress_tb_bulk_user;
GRANT EXECUTE ON FUNCTION tas_bench.generate(integer, bigint, text[], jsonb, name, timestamptz, text),
                          tas_bench.grow(bigint, integer, text) TO regress_tb_bulk_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON tas_bench.datasets, tas_bench.dataset_templates TO regress_tb_bulk_user;
GRANT USAGE ON SEQUENCE tas_bench.datasets_dataset_id_seq TO regress_tb_bulk_user;
SET ROLE regress_tb_bulk_user;
SELECT tas_bench.generate(20, 5, anchor => '2026-03-01 00:00:00+00', method => 'bulk');
SET client_min_messages = warning;
SELECT tasks FROM tas_bench.generate(20, 5, anchor => '2026-03-01 00:00:00+00');
RESET client_min_messages;
RESET ROLE;

-- the owner of the loaded tables, not a superuser: the bulk method rebuilds
-- the secondary indexes (foreign-key checks and the audit trigger stay on),
-- and only when that pays
ALTER TABLE tasker.tasks OWNER TO regress_tb_bulk_user;
ALTER TABLE tasker.workflow_steps OWNER TO regress_tb_bulk_user;
ALTER TABLE tasker.workflow_step_edges OWNER TO regress_tb_bulk_user;
ALTER TABLE tasker.task_transitions OWNER TO regress_tb_bulk_user;
ALTER TABLE tasker.workflow_step_transitions OWNER TO regress_tb_bulk_user;
ALTER TABLE tasker.workflow_step_result_audit OWNER TO regress_tb_bulk_user;
SET ROLE regress_tb_bulk_user;
SELECT tas_bench.generate(2300, 8, anchor => '2026-03-01 00:00:00+00', method => 'bulk');
RESET ROLE;
GRANT CREATE ON SCHEMA tasker TO regress_tb_bulk_user;
SET ROLE regress_tb_bulk_user;
SELECT tas_bench.generate(20, 7, anchor => '2026-03-01 00:00:00+00', method => 'bulk');
SELECT tasks FROM tas_bench.generate(2300, 8, anchor => '2026-03-01 00:00:00+00', method => 'bulk');
RESET ROLE;
SELECT count(*) AS objects, bool_and(ok) AS all_valid FROM pg_temp.catalog_of('tasker');
(SELECT * FROM pg_temp.catalog_of('tasker') EXCEPT SELECT * FROM pg_temp.catalog_of('tasker_c'))
UNION ALL
(SELECT * FROM pg_temp.catalog_of('tasker_c') EXCEPT SELECT * FROM pg_temp.catalog_of('tasker'));

-- argument errors
SELECT tas_bench.generate(10, method => 'fast');
SELECT tas_bench.generate(10, method => 'BULK');
SELECT tas_bench.generate(10, method => '');
SELECT tas_bench.generate(10, method => NULL);
SELECT tas_bench.grow(:db, 5000, 'copy');
SELECT tas_bench.grow(:db, 5000, NULL);

-- clean up: as the earlier tests leave it, no tasker schema, no datasets
SET client_min_messages = warning;
DROP SCHEMA tasker CASCADE;
DROP SCHEMA tasker_c CASCADE;
RESET client_min_messages;
DELETE FROM tas_bench.datasets WHERE target_schema IN ('tasker', 'tasker_c');
DELETE FROM tas_bench.dataset_templates WHERE target_schema IN ('tasker', 'tasker_c');
DROP OWNED BY regress_tb_bulk_user;
DROP ROLE regress_tb_bulk_user;
