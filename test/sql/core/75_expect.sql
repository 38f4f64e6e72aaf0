-- 75_expect: performance checks for test suites.  expect() prints one line
-- per budget, "ok" or FAILED with the measured value; within_budget() is the
-- same as a boolean; plan_tree() shows the plans of one call, nested
-- statements included, without costs.  None of them stores anything.
SET tas_bench.progress_interval = 0;
SELECT (SELECT count(*) FROM tas_bench.runs) AS runs_before,
       (SELECT count(*) FROM tas_bench.samples) AS samples_before,
       (SELECT count(*) FROM tas_bench.plans) AS plans_before \gset
CREATE SCHEMA ex;
CREATE TABLE ex.groups (grp int PRIMARY KEY, name text NOT NULL);
CREATE TABLE ex.items (id int PRIMARY KEY, grp int NOT NULL REFERENCES ex.groups, v text NOT NULL);
INSERT INTO ex.groups SELECT g, 'group ' || g FROM generate_series(0, 99) g;
INSERT INTO ex.items SELECT i, i % 100, repeat('x', 40) FROM generate_series(1, 5000) i;
CREATE INDEX items_grp_idx ON ex.items (grp);
VACUUM (ANALYZE) ex.groups, ex.items;

-- the items of a group, and how many there are: a PL/pgSQL function whose
-- statements and the function they call are what the checks look into
CREATE FUNCTION ex.group_size(g int) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT count(*) FROM ex.items WHERE grp = g);
END
$$;
CREATE FUNCTION ex.items_of(g int) RETURNS TABLE(id int, v text, n bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT i.id, i.v, ex.group_size(g) FROM ex.items i WHERE i.grp = g ORDER BY i.id;
END
$$;
-- a state-changing one: its foreign key check is a nested statement too
CREATE FUNCTION ex.add_item(g int) RETURNS int
LANGUAGE sql VOLATILE AS $$
  INSERT INTO ex.items (id, grp, v) SELECT max(id) + 1, g, 'new' FROM ex.items RETURNING id;
$$;

\a
\t on
-- plan_tree: the statement, then every statement run inside it, indented by
-- nesting level and headed by its text and number of executions; generic
-- plans, so parameters show as $n; search_path is in force for params and
-- sql (and restored after)
SELECT * FROM tas_bench.plan_tree('SELECT * FROM items_of($1)', 'SELECT 7', search_path => 'ex');
-- the function's own statement runs once, group_size's once per row
SELECT * FROM tas_bench.plan_tree('SELECT count(*) FROM ex.items_of(3)');
-- a trigger's statements are nested statements too (the foreign key check)
SELECT * FROM tas_bench.plan_tree('SELECT ex.add_item(5)');
\t off
\a

-- expect: one line per budget given, ok when it holds
SELECT * FROM tas_bench.expect('SELECT * FROM items_of($1)', 'SELECT g FROM generate_series(1, 4) g',
                               rows => 50, max_buffers => 250, max_wal_bytes => 0,
                               search_path => 'ex');
-- the plan fingerprint is the md5 of plan_tree's lines (any prefix of 6 to 32 digits)
SELECT left(md5(string_agg(line || E'\n', '' ORDER BY n)), 12) AS fingerprint
  FROM tas_bench.plan_tree('SELECT * FROM ex.items_of($1)', 'SELECT 7')
       WITH ORDINALITY AS t(line, n) \gset
SELECT replace(x, :'fingerprint', '<fingerprint>') AS expect
  FROM tas_bench.expect('SELECT * FROM ex.items_of($1)', 'SELECT 7', plan => :'fingerprint') x;
SELECT replace(x, left(:'fingerprint', 6), '<6 digits>') AS expect
  FROM tas_bench.expect('SELECT * FROM ex.items_of($1)', 'SELECT 7', plan => left(:'fingerprint', 6)) x;
-- the same output on every run on the same data
SELECT count(DISTINCT out) AS distinct_outputs, count(*) AS runs
  FROM generate_series(1, 5),
       LATERAL (SELECT string_agg(x, ' | ') AS out
                  FROM tas_bench.expect('SELECT * FROM ex.items_of($1)', 'SELECT g FROM generate_series(1, 4) g',
                                        rows => 50, max_buffers => 250, max_wal_bytes => 0,
                                        plan => :'fingerprint') x) s;

-- a failing check shows the measured value; the others stay as they were
SELECT * FROM tas_bench.expect('SELECT * FROM ex.items_of($1)', 'SELECT 7', iterations => 3,
                               rows => 49, max_buffers => 10, max_wal_bytes => 0,
                               plan => '000000000000');
-- time is the one noisy check: it shows a number only when it fails
SELECT * FROM tas_bench.expect('SELECT 1', max_p95 => '1 hour');
SELECT x ~ '^p95 <= 0\.001 ms: FAILED \(measured [0-9.]+ ms\)$' AS shows_measured_time
  FROM tas_bench.expect('SELECT pg_sleep(0.001)', iterations => 2, max_p95 => '1 microsecond') x;

-- within_budget: the same checks as a boolean (for pgTAP's ok()), failures as NOTICEs
SELECT tas_bench.within_budget('SELECT * FROM ex.items_of($1)', 'SELECT 7', rows => 50, max_buffers => 250);
SELECT tas_bench.within_budget('SELECT * FROM ex.items_of($1)', 'SELECT 7', rows => 50, max_buffers => 5);

-- a state-changing statement: every call is rolled back, so each sees the
-- same data and nothing stays behind; its WAL is counted
SELECT count(*) AS items_before FROM ex.items;
SELECT * FROM tas_bench.expect('SELECT ex.add_item(5)', rows => 1, max_wal_bytes => 100000);
SELECT count(*) AS items_after FROM ex.items;
SELECT * FROM tas_bench.expect('SELECT ex.add_item(5)', max_wal_bytes => 0) x WHERE x LIKE '%: ok';

-- nothing is stored
SELECT (SELECT count(*) FROM tas_bench.runs) - :runs_before AS new_runs,
       (SELECT count(*) FROM tas_bench.samples) - :samples_before AS new_samples,
       (SELECT count(*) FROM tas_bench.plans) - :plans_before AS new_plans;

-- the session's own plan_cache_mode is honoured: custom plans show the values
SET plan_cache_mode = force_custom_plan;
SELECT * FROM tas_bench.plan_tree('SELECT * FROM ex.items_of($1)', 'SELECT 7') x WHERE x LIKE '%Cond%';
RESET plan_cache_mode;

-- dropping the index a nested statement uses: the plan tree line changes,
-- the buffer budget and the fingerprint fail
BEGIN;
DROP INDEX ex.items_grp_idx;
SELECT * FROM tas_bench.plan_tree('SELECT * FROM ex.items_of($1)', 'SELECT 7') x WHERE x LIKE '%Scan%';
SELECT replace(x, :'fingerprint', '<fingerprint>') AS expect
  FROM tas_bench.expect('SELECT * FROM ex.items_of($1)', 'SELECT 7', rows => 50, max_buffers => 250,
                        plan => :'fingerprint') x;
ROLLBACK;

-- errors name the argument and the range
SELECT * FROM tas_bench.expect(NULL, rows => 1);
SELECT * FROM tas_bench.expect('  ', rows => 1);
SELECT * FROM tas_bench.expect('SELECT 1');
SELECT * FROM tas_bench.expect('SELECT 1', iterations => 0, rows => 1);
SELECT * FROM tas_bench.expect('SELECT 1', iterations => NULL, rows => 1);
SELECT * FROM tas_bench.expect('SELECT 1', rows => -1);
SELECT * FROM tas_bench.expect('SELECT 1', max_buffers => 'NaN');
SELECT * FROM tas_bench.expect('SELECT 1', plan => 'abc');
SELECT * FROM tas_bench.expect('SELECT 1', plan => 'not a fingerprint');
SELECT * FROM tas_bench.expect('SELECT 1', max_p95 => '0');
SELECT * FROM tas_bench.expect('SELECT $1', params => '', rows => 1);
SELECT * FROM tas_bench.expect('SELECT $1', params => 'SELECT 1 WHERE false', rows => 1);
SELECT * FROM tas_bench.expect('SELECT 1/$1', params => 'SELECT 0', rows => 1);
SELECT * FROM tas_bench.plan_tree(NULL);
SELECT * FROM tas_bench.plan_tree('SELECT 1', params => ' ');
SELECT * FROM tas_bench.plan_tree('SELECT 1/$1', params => 'SELECT 0');
SELECT * FROM tas_bench.plan_tree('SELECT * FROM items_of(1)');
SELECT tas_bench.within_budget('SELECT 1');

DROP SCHEMA ex CASCADE;
