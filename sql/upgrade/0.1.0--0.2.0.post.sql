-- Upgrade 0.1.0 -> 0.2.0, part 3 of 3: put back what part 1 kept.  Every
-- column of a 0.1.0 table goes to the 0.2.0 column of the same name (an
-- error if one has none: nothing is lost silently); generated columns are
-- recomputed.  Columns 0.2.0 added keep their defaults, except the owner of
-- runs and cases, which 0.1.0 did not record: the extension's owner, who
-- owned every table of 0.1.0 (0.2.0 runs a case's or a run's SQL only as its
-- owner; reassign with UPDATE as that owner).  The samples of each run are
-- stored in 0.2.0's blocks by store_samples(), in seq order.

DO $$
DECLARE
    ext_owner name := (SELECT r.rolname FROM pg_catalog.pg_extension e
                         JOIN pg_catalog.pg_roles r ON r.oid = e.extowner
                        WHERE e.extname = 'tas_bench');
    tbl text;
    cols text;
    lost text;
    has_owner boolean;
    clash record;
    nsaved bigint;
    nstored bigint;
    seq record;
    seqname text;
    maxid bigint;
BEGIN
    -- a user case or target whose key is now a built-in one's: stop, so that
    -- neither the user's row nor 0.2.0's built-in one is lost
    SELECT c.suite, c.name INTO clash
      FROM pg_temp.tb_up_cases c JOIN @extschema@.cases b ON b.suite = c.suite AND b.name = c.name
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'tas_bench 0.1.0 cannot be updated: your case "%" of suite "%" has the name of a built-in case of 0.2.0',
                        clash.name, clash.suite
            USING ERRCODE = 'unique_violation',
                  HINT = 'Rename it in 0.1.0 (UPDATE tas_bench.cases SET name = ... WHERE suite = ... AND name = ...), then run ALTER EXTENSION tas_bench UPDATE.';
    END IF;
    SELECT t.case_pattern, t.up_to_tasks INTO clash
      FROM pg_temp.tb_up_targets t JOIN @extschema@.targets b
        ON b.case_pattern = t.case_pattern AND coalesce(b.up_to_tasks, -1) = coalesce(t.up_to_tasks, -1)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'tas_bench 0.1.0 cannot be updated: your target for "%" up to % tasks is also a built-in target of 0.2.0',
                        clash.case_pattern, coalesce(clash.up_to_tasks::text, 'any number of')
            USING ERRCODE = 'unique_violation',
                  HINT = 'Change or delete it in 0.1.0 (tas_bench.targets, builtin false), then run ALTER EXTENSION tas_bench UPDATE.';
    END IF;

    -- parents before children: plans reference runs
    FOREACH tbl IN ARRAY ARRAY['runs', 'plans', 'datasets', 'dataset_templates', 'cases', 'targets'] LOOP
        SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
                   FILTER (WHERE n.attgenerated = ''),
               pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
                   FILTER (WHERE n.attname IS NULL)
          INTO cols, lost
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_attribute n
                 ON n.attrelid = pg_catalog.format('@extschema@.%I', tbl)::pg_catalog.regclass
                AND n.attname = a.attname AND n.attnum > 0 AND NOT n.attisdropped
         WHERE a.attrelid = pg_catalog.format('pg_temp.%I', 'tb_up_' || tbl)::pg_catalog.regclass
           AND a.attnum > 0 AND NOT a.attisdropped;
        IF lost IS NOT NULL THEN
            RAISE EXCEPTION 'tas_bench 0.1.0 cannot be updated: 0.2.0''s table tas_bench.% has no column for 0.1.0''s %', tbl, lost
                USING ERRCODE = 'internal_error',
                      HINT = 'This is a bug of the upgrade script (sql/upgrade/0.1.0--0.2.0.post.sql): the parts renamed or dropped a column of 0.1.0.';
        END IF;
        has_owner := tbl IN ('runs', 'cases') AND NOT EXISTS
            (SELECT 1 FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = pg_catalog.format('pg_temp.%I', 'tb_up_' || tbl)::pg_catalog.regclass
                AND a.attname = 'owner');
        EXECUTE pg_catalog.format('INSERT INTO @extschema@.%I (%s%s) SELECT %s%s FROM pg_temp.%I',
                                  tbl, cols, CASE WHEN has_owner THEN ', owner' ELSE '' END,
                                  cols, CASE WHEN has_owner THEN ', $1' ELSE '' END, 'tb_up_' || tbl)
          USING ext_owner;
    END LOOP;

    -- samples: one store_samples() call per run, in seq order
    SELECT count(*) INTO nsaved FROM pg_temp.tb_up_samples;
    SELECT coalesce(sum(x.k), 0) INTO nstored
      FROM (SELECT @extschema@.store_samples(s.run_id,
                                             pg_catalog.array_agg(s.seq ORDER BY s.seq),
                                             pg_catalog.array_agg(s.ns ORDER BY s.seq),
                                             pg_catalog.array_agg(s.param_row ORDER BY s.seq),
                                             pg_catalog.array_agg(s.rows ORDER BY s.seq)) AS k
              FROM pg_temp.tb_up_samples s
             GROUP BY s.run_id) x;
    IF nstored <> nsaved THEN
        RAISE EXCEPTION 'tas_bench 0.1.0 cannot be updated: % samples kept, % stored again', nsaved, nstored
            USING ERRCODE = 'internal_error';
    END IF;

    -- identity sequences: past every restored id, and where 0.1.0 had got to
    FOR seq IN SELECT * FROM pg_temp.tb_up_sequences LOOP
        seqname := pg_catalog.pg_get_serial_sequence(pg_catalog.format('@extschema@.%I', seq.tbl), seq.col);
        EXECUTE pg_catalog.format('SELECT max(%I) FROM @extschema@.%I', seq.col, seq.tbl) INTO maxid;
        IF seq.is_called OR maxid IS NOT NULL THEN
            PERFORM pg_catalog.setval(seqname,
                                      greatest(CASE WHEN seq.is_called THEN seq.last_value END, maxid));
        END IF;
    END LOOP;
END
$$;

DO $$
DECLARE
    changed text;
BEGIN
    SELECT pg_catalog.string_agg(p.statement, '; ' ORDER BY p.statement) INTO changed
      FROM pg_temp.tb_up_privileges p;
    IF changed IS NOT NULL THEN
        RAISE WARNING 'privileges changed on tas_bench 0.1.0''s objects are not carried over to 0.2.0: %', changed
            USING HINT = '0.2.0 stores results as the extension''s owner, so a role that benchmarks needs EXECUTE on the functions only (doc/security.md); grant or revoke again what still applies.';
    END IF;
END
$$;

DROP TABLE pg_temp.tb_up_privileges, pg_temp.tb_up_runs, pg_temp.tb_up_samples, pg_temp.tb_up_plans, pg_temp.tb_up_datasets,
           pg_temp.tb_up_dataset_templates, pg_temp.tb_up_cases, pg_temp.tb_up_targets,
           pg_temp.tb_up_sequences;
