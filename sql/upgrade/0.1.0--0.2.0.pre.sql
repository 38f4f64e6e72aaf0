-- Upgrade 0.1.0 -> 0.2.0, part 1 of 3: keep every result 0.1.0 stored, then
-- drop 0.1.0's objects.  Part 2 is the install script's body (the parts), so
-- the upgraded extension has exactly the objects CREATE EXTENSION tas_bench
-- creates; part 3 (0.1.0--0.2.0.post.sql) puts the results back.  The Makefile
-- assembles the three into sql/tas_bench--0.1.0--0.2.0.sql.
--
-- 0.1.0 (sql/tas_bench--0.1.0.sql) stores: runs, samples (a table, one row
-- per call), plans, datasets, dataset_templates, the user rows of cases and
-- targets (builtin false; built-in rows come back as 0.2.0 defines them), and
-- the state of the identity sequences of runs, plans and datasets.
--
-- Everything is qualified: ALTER EXTENSION runs this with search_path set to
-- the extension's schema, and pg_temp, where the copies are kept for the
-- length of the script, is named explicitly.

CREATE TABLE pg_temp.tb_up_runs AS SELECT * FROM @extschema@.runs;
CREATE TABLE pg_temp.tb_up_samples AS SELECT * FROM @extschema@.samples;
CREATE TABLE pg_temp.tb_up_plans AS SELECT * FROM @extschema@.plans;
CREATE TABLE pg_temp.tb_up_datasets AS SELECT * FROM @extschema@.datasets;
CREATE TABLE pg_temp.tb_up_dataset_templates AS SELECT * FROM @extschema@.dataset_templates;
CREATE TABLE pg_temp.tb_up_cases AS SELECT * FROM @extschema@.cases c WHERE NOT c.builtin;
CREATE TABLE pg_temp.tb_up_targets AS SELECT * FROM @extschema@.targets t WHERE NOT t.builtin;

-- table, identity column, and the sequence's state (last_value counts only
-- when is_called: a sequence never used has last_value 1 and is_called false)
CREATE TABLE pg_temp.tb_up_sequences (tbl text, col text, last_value bigint, is_called boolean);
INSERT INTO pg_temp.tb_up_sequences SELECT 'runs', 'run_id', s.last_value, s.is_called FROM @extschema@.runs_run_id_seq s;
INSERT INTO pg_temp.tb_up_sequences SELECT 'plans', 'plan_id', s.last_value, s.is_called FROM @extschema@.plans_plan_id_seq s;
INSERT INTO pg_temp.tb_up_sequences SELECT 'datasets', 'dataset_id', s.last_value, s.is_called FROM @extschema@.datasets_dataset_id_seq s;

-- Privileges granted or revoked on 0.1.0's objects since it was installed
-- (pg_init_privs holds what its script set; NULL is the default, acldefault).
-- They are not carried over, 0.2.0 having its own model (doc/security.md):
-- the epilogue names them in a WARNING.
CREATE TABLE pg_temp.tb_up_privileges AS
WITH m AS (
    SELECT o.type, o.identity,
           coalesce(c.relacl, p.proacl,
                    pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'
                                               WHEN c.oid IS NOT NULL THEN 'r' ELSE 'f' END::"char",
                                          coalesce(c.relowner, p.proowner))) AS acl,
           coalesce(i.initprivs,
                    pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'
                                               WHEN c.oid IS NOT NULL THEN 'r' ELSE 'f' END::"char",
                                          coalesce(c.relowner, p.proowner))) AS init
      FROM pg_catalog.pg_depend d
     CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) o
      LEFT JOIN pg_catalog.pg_class c
             ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.objid
      LEFT JOIN pg_catalog.pg_proc p
             ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = d.objid
      LEFT JOIN pg_catalog.pg_init_privs i
             ON i.classoid = d.classid AND i.objoid = d.objid AND i.objsubid = 0
     WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'tas_bench')
       AND d.deptype = 'e'
       AND (c.oid IS NOT NULL OR p.oid IS NOT NULL)
), changed AS (
    SELECT m.type, m.identity, 'GRANT' AS verb, g.grantee, g.privilege_type
      FROM m, LATERAL (SELECT x.grantee, x.privilege_type FROM pg_catalog.aclexplode(m.acl) x
                       EXCEPT SELECT y.grantee, y.privilege_type FROM pg_catalog.aclexplode(m.init) y) g
    UNION ALL
    SELECT m.type, m.identity, 'REVOKE', g.grantee, g.privilege_type
      FROM m, LATERAL (SELECT y.grantee, y.privilege_type FROM pg_catalog.aclexplode(m.init) y
                       EXCEPT SELECT x.grantee, x.privilege_type FROM pg_catalog.aclexplode(m.acl) x) g
)
SELECT pg_catalog.format('%s %s ON %s %s %s %s', verb, privilege_type,
                         CASE type WHEN 'sequence' THEN 'SEQUENCE' WHEN 'function' THEN 'FUNCTION'
                                   WHEN 'procedure' THEN 'PROCEDURE' ELSE 'TABLE' END,
                         identity, CASE verb WHEN 'GRANT' THEN 'TO' ELSE 'FROM' END,
                         CASE grantee WHEN 0 THEN 'PUBLIC'
                                      ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(grantee)) END) AS statement
  FROM changed;

-- Drop every member object of the extension (pg_depend, deptype 'e'),
-- without CASCADE: an object of the user's that depends on one of them (a
-- view over tas_bench.runs, a function returning tas_bench.comparison) stops
-- the upgrade with PostgreSQL's error naming it, and nothing has changed.
-- Objects internal to another (row and array types, identity sequences, a
-- composite type's relation) go with it.  Members that depend on each other
-- (views on tables, functions on row types, the samples -> runs foreign key)
-- are dropped in passes until none is left.
DO $$
DECLARE
    ext oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'tas_bench');
    obj record;
    cfg record;
    blocked integer;
    dropped integer;
    msg text;
    det text;
BEGIN
    LOOP
        blocked := 0;
        dropped := 0;
        FOR obj IN
            SELECT d.classid, d.objid, o.type, o.identity
              FROM pg_catalog.pg_depend d
             CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o
             WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
               AND d.refobjid = ext
               AND d.deptype = 'e'
               -- the copies above, members too as made by this script
               AND o.schema IS DISTINCT FROM (SELECT n.nspname FROM pg_catalog.pg_namespace n
                                               WHERE n.oid = pg_catalog.pg_my_temp_schema())
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i
                                WHERE i.classid = d.classid
                                  AND i.objid = d.objid
                                  AND i.deptype = 'i')
             ORDER BY CASE o.type WHEN 'view' THEN 1 WHEN 'function' THEN 2 WHEN 'procedure' THEN 2
                                  WHEN 'table' THEN 3 ELSE 4 END,
                      o.identity
        LOOP
            BEGIN
                -- a table, and the identity sequences it owns, out of
                -- pg_extension.extconfig first: DROP would leave their oids there
                IF obj.classid = 'pg_catalog.pg_class'::pg_catalog.regclass THEN
                    FOR cfg IN
                        SELECT c.type, c.identity
                          FROM pg_catalog.pg_extension e
                         CROSS JOIN LATERAL pg_catalog.unnest(e.extconfig) x(oid)
                         CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, x.oid, 0) c
                         WHERE e.oid = ext
                           AND (x.oid = obj.objid
                                OR x.oid IN (SELECT s.objid FROM pg_catalog.pg_depend s
                                              WHERE s.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                                AND s.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                                AND s.refobjid = obj.objid AND s.deptype IN ('a', 'i')))
                    LOOP
                        EXECUTE pg_catalog.format('ALTER EXTENSION tas_bench DROP %s %s',
                                                  pg_catalog.upper(cfg.type), cfg.identity);
                    END LOOP;
                END IF;
                EXECUTE pg_catalog.format('DROP %s %s RESTRICT',
                                          CASE obj.type WHEN 'composite type' THEN 'TYPE'
                                                        ELSE pg_catalog.upper(obj.type) END,
                                          obj.identity);
                dropped := dropped + 1;
            EXCEPTION WHEN dependent_objects_still_exist THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                blocked := blocked + 1;
            END;
        END LOOP;
        EXIT WHEN blocked = 0;
        IF dropped = 0 THEN
            RAISE EXCEPTION 'tas_bench 0.1.0 cannot be updated: %', msg
                USING ERRCODE = 'dependent_objects_still_exist', DETAIL = det,
                      HINT = 'Drop the objects of yours the detail names (they depend on tas_bench 0.1.0''s, which 0.2.0 replaces), run ALTER EXTENSION tas_bench UPDATE, then create them again.';
        END IF;
    END LOOP;
END
$$;
