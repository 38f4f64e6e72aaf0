-- Exchange (core): export_runs(label) writes the runs of a label, their
-- samples and plans, the datasets they ran on and the exporting server as one
-- versioned JSON document; import_runs(doc, label_prefix) checks such a
-- document field by field and stores it here, so compare() works between a
-- label measured on one server and one measured on another.
--
-- The format (version 1) is the table export_format() returns; doc/report.md
-- describes it for people.  Import refuses a bad document whole: every field
-- is checked before the first row is written, and the error names the path
-- of the first bad field ($.runs[2].samples.ns[17]).
--
-- Samples are read only through the view tas_bench.samples and written with
-- tas_bench.store_samples() (blocks, src/core/samples.c).  Datasets
-- belong to the tasker workload: the core finds tas_bench.datasets by name
-- (as environment() does), so this file installs without it.

-- ---------------------------------------------------------------- the format

CREATE FUNCTION @extschema@.export_format()
RETURNS TABLE(object text, field text, kind text, required boolean, min_value numeric, description text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT f.object, f.field, f.kind, f.required, f.min_value, f.description
    FROM (VALUES
    -- the document
    (1, 'document', 'format', 'text', true, NULL::numeric, 'always "tas_bench export"'),
    (2, 'document', 'version', 'int4', true, 1, 'format version; this tas_bench reads version 1'),
    (3, 'document', 'exported_at', 'timestamptz', true, NULL, 'when export_runs ran'),
    (4, 'document', 'label', 'text', true, NULL, 'the label exported; every run carries it (import_runs stores label_prefix || label)'),
    (5, 'document', 'source', 'object', true, NULL, 'the exporting server: server_version, server_version_num, extension_version, database, cluster_name, exported_by'),
    (6, 'document', 'runs', 'array', true, NULL, 'the runs, in run_id order; at least one'),
    (7, 'document', 'datasets', 'array', true, NULL, 'rows of tas_bench.datasets the runs refer to (may be empty)'),
    -- a run: the columns of tas_bench.runs of format version 1
    (10, 'run', 'run_id', 'int8', true, 1, 'run id on the exporting server (a new id is assigned on import)'),
    (11, 'run', 'name', 'text', false, NULL, NULL),
    (12, 'run', 'suite', 'text', false, NULL, NULL),
    (13, 'run', 'case_name', 'text', false, NULL, NULL),
    (14, 'run', 'sql', 'text', true, NULL, NULL),
    (15, 'run', 'params', 'text', false, NULL, NULL),
    (16, 'run', 'mode', 'mode', true, NULL, 'shared, rollback, commit or ab'),
    (17, 'run', 'status', 'status', true, NULL, 'ok, failed, cancelled or abandoned (a running run is not exported)'),
    (18, 'run', 'error', 'text', false, NULL, NULL),
    (19, 'run', 'error_iteration', 'int4', false, 0, NULL),
    (20, 'run', 'error_param_row', 'int4', false, 0, NULL),
    (21, 'run', 'started_at', 'timestamptz', true, NULL, NULL),
    (22, 'run', 'finished_at', 'timestamptz', false, NULL, NULL),
    (23, 'run', 'dataset_id', 'int8', false, NULL, 'dataset id on the exporting server (see datasets)'),
    (24, 'run', 'dataset_tasks', 'int8', false, 0, NULL),
    (25, 'run', 'env', 'object', false, NULL, 'tas_bench.environment() when the run was made'),
    (26, 'run', 'iterations', 'int4', true, 0, NULL),
    (27, 'run', 'warmup', 'int4', true, 0, NULL),
    (28, 'run', 'max_time', 'interval', false, NULL, 'ISO 8601 duration'),
    (29, 'run', 'stopped_early', 'bool', true, NULL, NULL),
    (30, 'run', 'param_rows', 'int4', false, 0, NULL),
    (31, 'run', 'n', 'int4', true, 0, 'number of samples: the length of every samples array'),
    (32, 'run', 'min_ns', 'int8', false, 0, NULL),
    (33, 'run', 'p50_ns', 'int8', false, 0, NULL),
    (34, 'run', 'p90_ns', 'int8', false, 0, NULL),
    (35, 'run', 'p95_ns', 'int8', false, 0, NULL),
    (36, 'run', 'p99_ns', 'int8', false, 0, NULL),
    (37, 'run', 'max_ns', 'int8', false, 0, NULL),
    (38, 'run', 'mean_ns', 'float8', false, 0, 'float8 fields may also be the strings NaN, Infinity'),
    (39, 'run', 'stddev_ns', 'float8', false, 0, NULL),
    (40, 'run', 'mad_ns', 'float8', false, 0, NULL),
    (41, 'run', 'p95_p50', 'float8', false, 0, NULL),
    (42, 'run', 'p50_ci_low_ns', 'float8', false, 0, NULL),
    (43, 'run', 'p50_ci_high_ns', 'float8', false, 0, NULL),
    (44, 'run', 'outliers_low_mild', 'int4', false, 0, NULL),
    (45, 'run', 'outliers_high_mild', 'int4', false, 0, NULL),
    (46, 'run', 'outliers_low_severe', 'int4', false, 0, NULL),
    (47, 'run', 'outliers_high_severe', 'int4', false, 0, NULL),
    (48, 'run', 'total_ns', 'int8', false, 0, NULL),
    (49, 'run', 'rows_per_call', 'float8', false, 0, NULL),
    (50, 'run', 'shared_hit_per_call', 'float8', false, 0, NULL),
    (51, 'run', 'shared_read_per_call', 'float8', false, 0, NULL),
    (52, 'run', 'shared_dirtied_per_call', 'float8', false, 0, NULL),
    (53, 'run', 'shared_written_per_call', 'float8', false, 0, NULL),
    (54, 'run', 'local_hit_per_call', 'float8', false, 0, NULL),
    (55, 'run', 'local_read_per_call', 'float8', false, 0, NULL),
    (56, 'run', 'temp_read_per_call', 'float8', false, 0, NULL),
    (57, 'run', 'temp_written_per_call', 'float8', false, 0, NULL),
    (58, 'run', 'wal_records_per_call', 'float8', false, 0, NULL),
    (59, 'run', 'wal_fpi_per_call', 'float8', false, 0, NULL),
    (60, 'run', 'wal_bytes_per_call', 'float8', false, 0, NULL),
    (61, 'run', 'owner', 'text', false, NULL, 'role that made the run there (kept in env.imported; the importing role owns the imported run)'),
    (62, 'run', 'samples', 'object', true, NULL, 'the timed calls, as four arrays of n elements (samples fields)'),
    (63, 'run', 'plans', 'array', true, NULL, 'the captured plans (plans fields), may be empty'),
    -- samples: one array per column of tas_bench.samples, element i = call i
    (70, 'samples', 'seq', 'int4[]', true, 1, 'call number, distinct'),
    (71, 'samples', 'ns', 'int8[]', true, 0, 'duration of the call in ns'),
    (72, 'samples', 'param_row', 'int4[]', true, 1, 'parameter row used (null elements: no params)'),
    (73, 'samples', 'rows', 'int8[]', true, 0, 'rows returned or affected'),
    -- a plan: the columns of tas_bench.plans
    (80, 'plan', 'level', 'int4', true, 0, '0 = the run''s statement, 1 = inside it, ...'),
    (81, 'plan', 'statement', 'text', true, NULL, NULL),
    (82, 'plan', 'plan', 'json', true, NULL, 'EXPLAIN (FORMAT JSON) of the statement'),
    (83, 'plan', 'calls', 'int8', true, 0, NULL),
    (84, 'plan', 'rows', 'int8', false, 0, NULL),
    (85, 'plan', 'total_ms', 'float8', false, 0, NULL),
    (86, 'plan', 'shared_hit', 'int8', false, 0, NULL),
    (87, 'plan', 'shared_read', 'int8', false, 0, NULL),
    (88, 'plan', 'shape', 'text', true, NULL, NULL),
    (89, 'plan', 'fingerprint', 'text', true, NULL, NULL),
    (90, 'plan', 'relations', 'text[]', true, NULL, NULL),
    (91, 'plan', 'captured_at', 'timestamptz', true, NULL, NULL),
    -- a dataset: a row of tas_bench.datasets, kept whole
    (100, 'dataset', 'dataset_id', 'int8', true, 1, 'id on the exporting server; other fields are kept as they are'),
    (101, 'dataset', 'tasks', 'int8', true, 1, NULL)
    ) f(ord, object, field, kind, required, min_value, description)
   ORDER BY f.ord
$$;

COMMENT ON FUNCTION @extschema@.export_format() IS
  'The export format (version 1) of tas_bench.export_runs() and tas_bench.import_runs(): per object (document, run, samples, plan, dataset) its fields, their kind (text, int4, int8, float8, bool, timestamptz, interval, object, array, json, mode, status; name[] = array of that kind), whether they are required (non-null), and the smallest value allowed';

-- ---------------------------------------------------------------- checks

-- Is v (a JSON value, not null) of the given kind, at least min_value?
-- Casts that may fail (timestamps, intervals) are tried in a block.
CREATE FUNCTION @extschema@.exchange_valid(v jsonb, kind text, min_value numeric DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t text := jsonb_typeof(v);
    x numeric;
BEGIN
    CASE kind
    WHEN 'text', 'mode', 'status' THEN
        IF t <> 'string' THEN RETURN false; END IF;
        RETURN kind = 'text' OR (kind = 'mode' AND v #>> '{}' IN ('shared', 'rollback', 'commit', 'ab'))
            OR (kind = 'status' AND v #>> '{}' IN ('ok', 'failed', 'cancelled', 'abandoned'));
    WHEN 'int4', 'int8' THEN
        IF t <> 'number' THEN RETURN false; END IF;
        x := v::numeric;
        RETURN x = trunc(x)
           AND x >= CASE kind WHEN 'int4' THEN -2147483648 ELSE -9223372036854775808 END
           AND x <= CASE kind WHEN 'int4' THEN 2147483647 ELSE 9223372036854775807 END
           AND (min_value IS NULL OR x >= min_value);
    WHEN 'float8' THEN
        IF t = 'string' THEN
            RETURN v #>> '{}' = 'NaN' OR v #>> '{}' = 'Infinity'
                OR (v #>> '{}' = '-Infinity' AND min_value IS NULL);
        END IF;
        IF t <> 'number' THEN RETURN false; END IF;
        x := v::numeric;
        RETURN abs(x) <= 1.7976931348623157e308 AND (min_value IS NULL OR x >= min_value);
    WHEN 'bool' THEN
        RETURN t = 'boolean';
    WHEN 'object' THEN
        RETURN t = 'object';
    WHEN 'array' THEN
        RETURN t = 'array';
    WHEN 'json' THEN
        RETURN t <> 'null';
    WHEN 'text[]' THEN
        RETURN t = 'array'
           AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string');
    WHEN 'timestamptz' THEN
        IF t <> 'string' THEN RETURN false; END IF;
        BEGIN
            PERFORM (v #>> '{}')::timestamptz;
            RETURN (v #>> '{}') NOT IN ('infinity', '-infinity');
        EXCEPTION WHEN data_exception THEN
            RETURN false;
        END;
    WHEN 'interval' THEN
        IF t <> 'string' THEN RETURN false; END IF;
        BEGIN
            PERFORM (v #>> '{}')::interval;
            RETURN true;
        EXCEPTION WHEN data_exception THEN
            RETURN false;
        END;
    ELSE
        RAISE EXCEPTION 'exchange_valid: unknown kind %', kind;
    END CASE;
END
$$;

COMMENT ON FUNCTION @extschema@.exchange_valid(jsonb, text, numeric) IS
  'true when the JSON value v is of kind (as in tas_bench.export_format()) and at least min_value; used by tas_bench.import_runs()';

-- Refuse doc at path: the one error import_runs raises for a bad document.
CREATE FUNCTION @extschema@.exchange_refuse(path text, problem text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'argument doc: % %', path, problem
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = 'The document was refused whole: nothing was imported.',
              HINT = 'doc must be a document of tas_bench.export_runs(), format version 1; SELECT * FROM tas_bench.export_format() lists every field, doc/report.md describes them.';
END
$$;

COMMENT ON FUNCTION @extschema@.exchange_refuse(text, text) IS
  'Raise the error of tas_bench.import_runs() for a bad document: the path of the first bad field ($.runs[0].samples.ns[3]) and what is wrong with it; nothing is imported';

-- What a kind is called in an error message.
CREATE FUNCTION @extschema@.exchange_kind_text(kind text, min_value numeric)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE kind
           WHEN 'text' THEN 'a string'
           WHEN 'mode' THEN 'one of the strings shared, rollback, commit, ab'
           WHEN 'status' THEN 'one of the strings ok, failed, cancelled, abandoned'
           WHEN 'int4' THEN 'an integer' || coalesce(' >= ' || min_value, '') || ' (32-bit)'
           WHEN 'int8' THEN 'an integer' || coalesce(' >= ' || min_value, '') || ' (64-bit)'
           WHEN 'float8' THEN 'a number' || coalesce(' >= ' || min_value, '')
           WHEN 'bool' THEN 'true or false'
           WHEN 'object' THEN 'an object'
           WHEN 'array' THEN 'an array'
           WHEN 'json' THEN 'a JSON value'
           WHEN 'text[]' THEN 'an array of strings'
           WHEN 'timestamptz' THEN 'a timestamp string (ISO 8601, with time zone)'
           WHEN 'interval' THEN 'an interval string (ISO 8601 duration)'
           ELSE kind END
$$;

COMMENT ON FUNCTION @extschema@.exchange_kind_text(text, numeric) IS
  'How an error message of tas_bench.import_runs() names a kind of tas_bench.export_format()';

-- Check the fields of one object of the document against the format:
-- unknown fields, missing or null required fields, values of the wrong kind.
CREATE FUNCTION @extschema@.exchange_check_object(path text, obj jsonb, what text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f record;
    k text;
BEGIN
    IF obj IS NULL OR jsonb_typeof(obj) <> 'object' THEN
        PERFORM @extschema@.exchange_refuse(path, 'must be an object, not ' || left(coalesce(obj::text, 'nothing'), 40));
    END IF;
    IF what <> 'dataset' THEN
        SELECT min(key) INTO k FROM jsonb_object_keys(obj) key
         WHERE key NOT IN (SELECT x.field FROM @extschema@.export_format() x WHERE x.object = what);
        IF k IS NOT NULL THEN
            PERFORM @extschema@.exchange_refuse(path || '.' || k, 'is not a field of format version 1');
        END IF;
    END IF;
    FOR f IN SELECT * FROM @extschema@.export_format() x WHERE x.object = what LOOP
        IF NOT obj ? f.field THEN
            IF f.required THEN
                PERFORM @extschema@.exchange_refuse(path || '.' || f.field, 'is missing');
            END IF;
        ELSIF jsonb_typeof(obj -> f.field) = 'null' THEN
            IF f.required THEN
                PERFORM @extschema@.exchange_refuse(path || '.' || f.field, 'must not be null');
            END IF;
        ELSIF NOT @extschema@.exchange_valid(obj -> f.field, f.kind, f.min_value) THEN
            PERFORM @extschema@.exchange_refuse(path || '.' || f.field,
                'must be ' || @extschema@.exchange_kind_text(f.kind, f.min_value)
                || ', not ' || left((obj -> f.field)::text, 40));
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.exchange_check_object(text, jsonb, text) IS
  'Check one object of an export document (what: document, run, plan, dataset) against tas_bench.export_format(), refusing the document at the first bad field';

-- An element of a samples array is an integer of the kind and at least lo.
CREATE FUNCTION @extschema@.exchange_is_int(v jsonb, hi numeric, lo numeric)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_typeof(v) = 'number' AND v::numeric = trunc(v::numeric)
     AND v::numeric >= lo AND v::numeric <= hi
$$;

COMMENT ON FUNCTION @extschema@.exchange_is_int(jsonb, numeric, numeric) IS
  'true when the JSON value v is an integer between lo and hi (checks the samples arrays of tas_bench.import_runs())';

-- ---------------------------------------------------------------- export

CREATE FUNCTION @extschema@.export_runs(label text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
-- floats as the shortest text that reads back exactly, intervals in ISO 8601
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 3
SET IntervalStyle = iso_8601
AS $$
DECLARE
    fields text[];
    doc jsonb;
    ds jsonb := '[]';
    ids bigint[];
    nrunning integer;
    known text;
BEGIN
    IF export_runs.label IS NULL THEN
        RAISE EXCEPTION 'argument label must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the label of the runs to export, as given to run_suite, bench or run_scaling.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.label = export_runs.label AND r.status <> 'running') THEN
        SELECT string_agg(quote_literal(l), ', ' ORDER BY l) INTO known
          FROM (SELECT DISTINCT r.label AS l FROM @extschema@.runs r WHERE r.label IS NOT NULL LIMIT 20) s;
        RAISE EXCEPTION 'argument label: no finished runs with label "%" that you may read', export_runs.label
            USING ERRCODE = 'no_data_found',
                  DETAIL = coalesce('Labels you may read include: ' || known || '.', 'You may read no run that has a label.'),
                  HINT = 'Row-level security shows each role its own runs; members of pg_read_all_stats read all.';
    END IF;
    SELECT count(*) INTO nrunning FROM @extschema@.runs r
     WHERE r.label = export_runs.label AND r.status = 'running';
    IF nrunning > 0 THEN
        RAISE NOTICE 'export_runs: % run(s) of label "%" still running, not exported', nrunning, export_runs.label;
    END IF;

    SELECT array_agg(x.field ORDER BY x.field) INTO fields
      FROM @extschema@.export_format() x
     WHERE x.object = 'run' AND x.field NOT IN ('samples', 'plans');

    SELECT array_agg(DISTINCT r.dataset_id) INTO ids
      FROM @extschema@.runs r WHERE r.label = export_runs.label AND r.dataset_id IS NOT NULL;
    IF ids IS NOT NULL AND to_regclass('@extschema@.datasets') IS NOT NULL THEN
        EXECUTE 'SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY d.dataset_id), ''[]'')
                   FROM @extschema@.datasets d WHERE d.dataset_id = ANY ($1)'
           INTO ds USING ids;
    END IF;

    SELECT jsonb_build_object(
             'format', 'tas_bench export',
             'version', 1,
             'exported_at', now(),
             'label', export_runs.label,
             'source', jsonb_build_object(
                 'server_version', current_setting('server_version'),
                 'server_version_num', current_setting('server_version_num')::integer,
                 'extension_version', (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'tas_bench'),
                 'database', current_database(),
                 'cluster_name', current_setting('cluster_name'),
                 'exported_by', current_user::text),
             'runs', jsonb_agg(
                 (SELECT jsonb_object_agg(f, to_jsonb(r) -> f) FROM unnest(fields) f)
                 || jsonb_build_object(
                      'samples', (SELECT jsonb_build_object(
                                           'seq', coalesce(jsonb_agg(s.seq ORDER BY s.seq), '[]'),
                                           'ns', coalesce(jsonb_agg(s.ns ORDER BY s.seq), '[]'),
                                           'param_row', coalesce(jsonb_agg(s.param_row ORDER BY s.seq), '[]'),
                                           'rows', coalesce(jsonb_agg(s.rows ORDER BY s.seq), '[]'))
                                    FROM @extschema@.samples s WHERE s.run_id = r.run_id),
                      'plans', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                           'level', p.level, 'statement', p.statement, 'plan', p.plan,
                                           'calls', p.calls, 'rows', p.rows, 'total_ms', p.total_ms,
                                           'shared_hit', p.shared_hit, 'shared_read', p.shared_read,
                                           'shape', p.shape, 'fingerprint', p.fingerprint,
                                           'relations', to_jsonb(p.relations), 'captured_at', p.captured_at)
                                         ORDER BY p.plan_id), '[]')
                                  FROM @extschema@.plans p WHERE p.run_id = r.run_id))
                 ORDER BY r.run_id),
             'datasets', ds)
      INTO doc
      FROM @extschema@.runs r
     WHERE r.label = export_runs.label AND r.status <> 'running';
    RETURN doc;
END
$$;

COMMENT ON FUNCTION @extschema@.export_runs(text) IS
  'The finished runs of label that the caller may read, with all their samples and plans, the datasets they ran on and the exporting server, as one JSON document of format version 1 (tas_bench.export_format(), doc/report.md); floats are written so they read back exactly. Load it elsewhere with tas_bench.import_runs()';

-- ---------------------------------------------------------------- import

CREATE FUNCTION @extschema@.import_runs(doc jsonb, label_prefix text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_label text;
    run jsonb;
    i integer;
    j integer;
    n integer;
    s jsonb;
    col text;
    bad bigint;
    cnt integer;
    cols text;
    new_id bigint;
    ds jsonb;
    imported integer := 0;
    runs_path text;
BEGIN
    -- the caller must be able to write results directly
    IF NOT (SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user)
       AND NOT pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = '@extschema@.runs'::regclass), 'USAGE') THEN
        RAISE EXCEPTION 'permission denied: import_runs writes tas_bench.runs, samples and plans directly'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Bench roles cannot write results directly (doc/security.md); the imported runs would be owned by the importing role.',
                  HINT = 'Run import_runs as the owner of the extension (or a superuser).';
    END IF;
    IF doc IS NULL THEN
        RAISE EXCEPTION 'argument doc must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the document tas_bench.export_runs(label) returned on the other server.';
    END IF;

    -- 1. check everything; nothing is written before the whole document passes.
    -- What it is and its version first: another version may have other fields.
    IF jsonb_typeof(doc) <> 'object' THEN
        PERFORM @extschema@.exchange_refuse('$', 'must be an object, not ' || left(doc::text, 40));
    END IF;
    IF doc -> 'format' IS DISTINCT FROM '"tas_bench export"'::jsonb THEN
        PERFORM @extschema@.exchange_refuse('$.format', 'must be "tas_bench export", not '
                                            || left(coalesce((doc -> 'format')::text, 'missing'), 40));
    END IF;
    IF doc -> 'version' IS DISTINCT FROM '1'::jsonb THEN
        PERFORM @extschema@.exchange_refuse('$.version', 'must be 1 (the format version this tas_bench reads), not '
                                            || left(coalesce((doc -> 'version')::text, 'missing'), 40));
    END IF;
    PERFORM @extschema@.exchange_check_object('$', doc, 'document');
    IF doc ->> 'label' = '' THEN
        PERFORM @extschema@.exchange_refuse('$.label', 'must not be empty');
    END IF;
    IF jsonb_array_length(doc -> 'runs') = 0 THEN
        PERFORM @extschema@.exchange_refuse('$.runs', 'must hold at least one run');
    END IF;
    FOR i IN 0 .. jsonb_array_length(doc -> 'datasets') - 1 LOOP
        PERFORM @extschema@.exchange_check_object(format('$.datasets[%s]', i), doc -> 'datasets' -> i, 'dataset');
    END LOOP;
    FOR i IN 0 .. jsonb_array_length(doc -> 'runs') - 1 LOOP
        run := doc -> 'runs' -> i;
        runs_path := format('$.runs[%s]', i);
        PERFORM @extschema@.exchange_check_object(runs_path, run, 'run');
        SELECT min(o) - 1 INTO bad FROM jsonb_array_elements(doc -> 'runs') WITH ORDINALITY e(r, o)
         WHERE o - 1 < i AND r -> 'run_id' = run -> 'run_id';
        IF bad IS NOT NULL THEN
            PERFORM @extschema@.exchange_refuse(runs_path || '.run_id',
                format('%s is also the run_id of $.runs[%s]', run -> 'run_id', bad));
        END IF;
        n := (run ->> 'n')::integer;
        s := run -> 'samples';
        SELECT min(key) INTO col FROM jsonb_object_keys(s) key
         WHERE key NOT IN ('seq', 'ns', 'param_row', 'rows');
        IF col IS NOT NULL THEN
            PERFORM @extschema@.exchange_refuse(runs_path || '.samples.' || col, 'is not a field of format version 1');
        END IF;
        FOREACH col IN ARRAY ARRAY['seq', 'ns', 'param_row', 'rows'] LOOP
            IF NOT s ? col THEN
                PERFORM @extschema@.exchange_refuse(runs_path || '.samples.' || col, 'is missing');
            END IF;
            IF jsonb_typeof(s -> col) <> 'array' THEN
                PERFORM @extschema@.exchange_refuse(runs_path || '.samples.' || col,
                    'must be an array, not ' || left((s -> col)::text, 40));
            END IF;
            IF jsonb_array_length(s -> col) <> n THEN
                PERFORM @extschema@.exchange_refuse(runs_path || '.samples.' || col,
                    format('has %s elements, but %s.n is %s', jsonb_array_length(s -> col), runs_path, n));
            END IF;
            SELECT min(o) - 1 INTO bad
              FROM jsonb_array_elements(s -> col) WITH ORDINALITY e(v, o)
             WHERE NOT CASE col
                         WHEN 'seq' THEN @extschema@.exchange_is_int(v, 2147483647, 1)
                         WHEN 'ns' THEN @extschema@.exchange_is_int(v, 9223372036854775807, 0)
                         WHEN 'rows' THEN @extschema@.exchange_is_int(v, 9223372036854775807, 0)
                         ELSE jsonb_typeof(v) = 'null' OR @extschema@.exchange_is_int(v, 2147483647, 1) END;
            IF bad IS NOT NULL THEN
                PERFORM @extschema@.exchange_refuse(format('%s.samples.%s[%s]', runs_path, col, bad),
                    'must be ' || CASE WHEN col = 'param_row' THEN 'null or ' ELSE '' END
                    || @extschema@.exchange_kind_text(CASE WHEN col IN ('ns', 'rows') THEN 'int8' ELSE 'int4' END,
                                                      CASE WHEN col IN ('ns', 'rows') THEN 0 ELSE 1 END)
                    || ', not ' || left((s -> col -> bad::integer)::text, 40));
            END IF;
        END LOOP;
        SELECT count(DISTINCT v) INTO cnt FROM jsonb_array_elements(s -> 'seq') v;
        IF cnt <> n THEN
            PERFORM @extschema@.exchange_refuse(runs_path || '.samples.seq',
                format('must hold %s distinct call numbers, not %s', n, cnt));
        END IF;
        FOR j IN 0 .. jsonb_array_length(run -> 'plans') - 1 LOOP
            PERFORM @extschema@.exchange_check_object(format('%s.plans[%s]', runs_path, j), run -> 'plans' -> j, 'plan');
        END LOOP;
    END LOOP;

    new_label := coalesce(label_prefix, '') || (doc ->> 'label');
    IF EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.label = new_label) THEN
        RAISE EXCEPTION 'argument label_prefix: label "%" already has runs here', new_label
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'Imported runs would mix with runs made here, and compare() would read the latest of either.',
                  HINT = 'Pass label_prefix => ''other_server:'' (any prefix giving a label not in use).';
    END IF;

    -- 2. store: a new run id per run; the original id, owner, source and
    -- dataset are kept in env.imported
    SELECT string_agg(quote_ident(x.field), ', ' ORDER BY x.field) INTO cols
      FROM @extschema@.export_format() x
     WHERE x.object = 'run' AND x.field NOT IN ('run_id', 'owner', 'env', 'dataset_id', 'samples', 'plans');
    FOR i IN 0 .. jsonb_array_length(doc -> 'runs') - 1 LOOP
        run := doc -> 'runs' -> i;
        SELECT d INTO ds FROM jsonb_array_elements(doc -> 'datasets') d
         WHERE d -> 'dataset_id' = run -> 'dataset_id' LIMIT 1;
        EXECUTE format('INSERT INTO @extschema@.runs (label, env, %s)
                        SELECT $2, $3, %s FROM jsonb_populate_record(NULL::@extschema@.runs, $1)
                        RETURNING run_id', cols, cols)
           INTO new_id
          USING run, new_label,
                coalesce(CASE WHEN jsonb_typeof(run -> 'env') = 'object' THEN run -> 'env' END, '{}')
                || jsonb_build_object('imported', jsonb_build_object(
                       'run_id', run -> 'run_id',
                       'label', doc -> 'label',
                       'owner', run -> 'owner',
                       'exported_at', doc -> 'exported_at',
                       'imported_at', now(),
                       'source', doc -> 'source',
                       'dataset', ds));
        -- in blocks, as the sample store keeps them (one row per call would
        -- make a block per call)
        PERFORM @extschema@.store_samples(new_id,
                  ARRAY(SELECT x::integer FROM jsonb_array_elements_text(run -> 'samples' -> 'seq') WITH ORDINALITY e(x, o) ORDER BY o),
                  ARRAY(SELECT x::bigint FROM jsonb_array_elements_text(run -> 'samples' -> 'ns') WITH ORDINALITY e(x, o) ORDER BY o),
                  ARRAY(SELECT x::integer FROM jsonb_array_elements_text(run -> 'samples' -> 'param_row') WITH ORDINALITY e(x, o) ORDER BY o),
                  ARRAY(SELECT x::bigint FROM jsonb_array_elements_text(run -> 'samples' -> 'rows') WITH ORDINALITY e(x, o) ORDER BY o));
        INSERT INTO @extschema@.plans (run_id, level, statement, plan, calls, rows, total_ms, shared_hit,
                                       shared_read, shape, fingerprint, relations, captured_at)
        SELECT new_id, p.level, p.statement, p.plan, p.calls, p.rows, p.total_ms, p.shared_hit,
               p.shared_read, p.shape, p.fingerprint, p.relations, p.captured_at
          FROM jsonb_array_elements(run -> 'plans') WITH ORDINALITY e(v, o),
               jsonb_populate_record(NULL::@extschema@.plans, e.v) p
         ORDER BY e.o;
        imported := imported + 1;
    END LOOP;
    RETURN imported;
END
$$;

COMMENT ON FUNCTION @extschema@.import_runs(jsonb, text) IS
  'Store the runs of a tas_bench.export_runs() document under label label_prefix || its label, with new run ids, owned by the caller (the extension owner or a superuser), the original run id, owner, server and dataset in env.imported; returns the number of runs. Every field is checked first (version, kinds, ranges, sample counts): a bad document is refused whole with the path of the first bad field, and so is a label that already has runs here';
