-- 80_report: export_runs / import_runs and report_html, on synthetic runs
-- whose samples are fixed, so every figure printed is exact.
-- The runs are made by import_runs itself (a hand-written document of
-- format version 1); export -> import -> compare must say ratio 1,
-- unchanged; tampered documents are refused whole, with the path of the
-- first bad field.  What a browser shows is checked by
-- test/t/core/090_report_browser.pl.
SET client_min_messages = notice;
\set SHOW_CONTEXT never

-- rep_run(id, case, base, step, n): one run of a version 1 document, samples
-- base + step * g for g = 1 .. n, in call order, parameter rows 1 .. 5
CREATE FUNCTION rep_run(id bigint, case_ text, base bigint, step bigint, n int DEFAULT 200,
                        hit float8 DEFAULT 3)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object(
           'run_id', id, 'name', case_, 'suite', 'rep', 'case_name', case_,
           'sql', 'SELECT 1', 'params', NULL, 'mode', 'shared', 'status', 'ok',
           'started_at', '2024-05-01T10:00:00+00:00', 'finished_at', '2024-05-01T10:00:01+00:00',
           'dataset_id', 7, 'dataset_tasks', 1000,
           'env', jsonb_build_object('server_version', '15.99', 'settings', jsonb_build_object('work_mem', '4MB')),
           'iterations', n, 'warmup', 0, 'max_time', 'PT20S', 'stopped_early', false, 'param_rows', 5, 'n', n,
           'min_ns', base + step, 'p50_ns', base + step * ((n + 1) / 2), 'max_ns', base + step * n,
           'p95_p50', 1.5, 'rows_per_call', 1, 'shared_hit_per_call', hit, 'shared_read_per_call', 0,
           'wal_bytes_per_call', 0, 'owner', 'someone_else',
           'samples', jsonb_build_object(
               'seq', (SELECT jsonb_agg(g ORDER BY g) FROM generate_series(1, n) g),
               'ns', (SELECT jsonb_agg(base + step * g ORDER BY g) FROM generate_series(1, n) g),
               'param_row', (SELECT jsonb_agg(1 + (g - 1) % 5 ORDER BY g) FROM generate_series(1, n) g),
               'rows', (SELECT jsonb_agg(1 ORDER BY g) FROM generate_series(1, n) g)),
           'plans', jsonb_build_array(jsonb_build_object(
               'level', 0, 'statement', 'SELECT 1', 'plan', '{"Plan": {"Node Type": "Result"}}'::jsonb,
               'calls', 1, 'rows', 1, 'total_ms', 0.01, 'shared_hit', 0, 'shared_read', 0,
               'shape', 'Result', 'fingerprint', md5('Result'), 'relations', '[]'::jsonb,
               'captured_at', '2024-05-01T10:00:02+00:00')))
$$;

-- rep_doc(label, runs): a whole document
CREATE FUNCTION rep_doc(label text, runs jsonb)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('format', 'tas_bench export', 'version', 1,
                            'exported_at', '2024-05-01T11:00:00+00:00', 'label', label,
                            'source', jsonb_build_object('server_version', '15.99', 'database', 'elsewhere'),
                            'runs', runs,
                            'datasets', jsonb_build_array(jsonb_build_object('dataset_id', 7, 'tasks', 1000, 'seed', 1)))
$$;

CREATE TABLE rep_docs (name text PRIMARY KEY, doc jsonb);
INSERT INTO rep_docs VALUES
  ('a', rep_doc('rep_a', jsonb_build_array(rep_run(11, 'alpha', 10000, 10), rep_run(12, 'beta', 50000, 20),
                                           rep_run(13, 'gamma<&>', 1000, 1, n => 50)))),
  ('b', rep_doc('rep_b', jsonb_build_array(rep_run(21, 'alpha', 8000, 10), rep_run(22, 'beta', 60000, 20, hit => 5),
                                           rep_run(23, 'gamma<&>', 1000, 1, n => 50))));

-- the format is a table
SELECT object, count(*) AS fields, count(*) FILTER (WHERE required) AS required
  FROM tas_bench.export_format() GROUP BY object ORDER BY min(field) COLLATE "C", object;

-- ---------------------------------------------------------------- import
SELECT tas_bench.import_runs(doc) AS imported FROM rep_docs WHERE name = 'a';
SELECT tas_bench.import_runs(doc) AS imported FROM rep_docs WHERE name = 'b';
-- new run ids, the label, the importing role as owner, the origin in env.imported
SELECT r.case_name, r.n, r.p50_ns, r.owner = current_user AS owned_here, r.dataset_id, r.dataset_tasks,
       extract(epoch FROM r.max_time)::integer AS max_time_s, r.env #>> '{imported,run_id}' AS from_run, r.env #>> '{imported,owner}' AS from_owner,
       r.env #>> '{imported,dataset,seed}' AS dataset_seed, r.env #>> '{imported,source,database}' AS from_db,
       r.env ->> 'server_version' AS env_server,
       (SELECT count(*) FROM tas_bench.samples s WHERE s.run_id = r.run_id) AS samples,
       (SELECT count(*) FROM tas_bench.plans p WHERE p.run_id = r.run_id) AS plans
  FROM tas_bench.runs r WHERE r.label = 'rep_a' ORDER BY r.case_name;
-- the same label twice is refused (runs would mix)
\set VERBOSITY default
SELECT tas_bench.import_runs(doc) FROM rep_docs WHERE name = 'a';

-- ---------------------------------------------------------------- round trip
-- export -> import under another label: every sample and summary field
-- comes back, and compare() sees identical runs
SELECT tas_bench.import_runs(tas_bench.export_runs('rep_a'), label_prefix => 'rt:') AS imported;
SELECT case_name, ratio, ratio_ci_low, ratio_ci_high, p_value, verdict, changed, plan_changed
  FROM tas_bench.compare('rep_a', 'rt:rep_a') ORDER BY case_name;
-- samples identical call by call
SELECT count(*) AS differing_samples FROM (
  (SELECT r.case_name, s.seq, s.ns, s.param_row, s.rows FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id) WHERE r.label = 'rep_a'
   EXCEPT ALL
   SELECT r.case_name, s.seq, s.ns, s.param_row, s.rows FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id) WHERE r.label = 'rt:rep_a')
  UNION ALL
  (SELECT r.case_name, s.seq, s.ns, s.param_row, s.rows FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id) WHERE r.label = 'rt:rep_a'
   EXCEPT ALL
   SELECT r.case_name, s.seq, s.ns, s.param_row, s.rows FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id) WHERE r.label = 'rep_a')) d;
-- a second export equals the first in every run field but the run id, env.imported and dataset_id
WITH e1 AS (SELECT r - 'run_id' - 'env' - 'dataset_id' - 'owner' AS r, (r -> 'env') - 'imported' AS env
              FROM jsonb_array_elements(tas_bench.export_runs('rep_a') -> 'runs') x(r)),
     e2 AS (SELECT r - 'run_id' - 'env' - 'dataset_id' - 'owner' AS r, (r -> 'env') - 'imported' AS env
              FROM jsonb_array_elements(tas_bench.export_runs('rt:rep_a') -> 'runs') x(r))
SELECT (SELECT count(*) FROM (SELECT * FROM e1 EXCEPT SELECT * FROM e2) x) AS only_first,
       (SELECT count(*) FROM (SELECT * FROM e2 EXCEPT SELECT * FROM e1) x) AS only_second;
-- floats survive exactly, whatever extra_float_digits says
CREATE TEMP TABLE rep_f AS SELECT rep_doc('rep_f', jsonb_build_array(
         jsonb_set(rep_run(31, 'alpha', 10000, 10), '{mean_ns}', to_jsonb(1 / 3.0::float8)))) AS doc;
SET extra_float_digits = 0;
SELECT tas_bench.import_runs(doc) AS imported FROM rep_f;
SELECT (SELECT mean_ns FROM tas_bench.runs WHERE label = 'rep_f') = 1 / 3.0::float8 AS imported_exactly,
       ((tas_bench.export_runs('rep_f') #>> '{runs,0,mean_ns}')::float8 = 1 / 3.0::float8) AS exported_exactly;
RESET extra_float_digits;

-- ---------------------------------------------------------------- tampered documents
CREATE TEMP TABLE rep_before AS SELECT count(*) AS runs, (SELECT count(*) FROM tas_bench.samples) AS samples FROM tas_bench.runs;
CREATE FUNCTION rep_try(d jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tas_bench.import_runs(d, 'tampered:');
  RETURN 'imported';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT t.what, rep_try(t.d) AS refused
  FROM rep_docs a, LATERAL (VALUES
    ('wrong version', jsonb_set(a.doc, '{version}', '2')),
    ('version as text', jsonb_set(a.doc, '{version}', '"1"')),
    ('not an export', jsonb_set(a.doc, '{format}', '"something else"')),
    ('negative ns', jsonb_set(a.doc, '{runs,1,samples,ns,17}', '-5')),
    ('fractional ns', jsonb_set(a.doc, '{runs,0,samples,ns,3}', '1.5')),
    ('missing field', a.doc #- '{runs,2,mode}'),
    ('missing samples', a.doc #- '{runs,0,samples,rows}'),
    ('null required', jsonb_set(a.doc, '{runs,0,sql}', 'null')),
    ('unknown field', jsonb_set(a.doc, '{runs,0,colour}', '"red"')),
    ('wrong kind', jsonb_set(a.doc, '{runs,1,iterations}', '"many"')),
    ('out of range', jsonb_set(a.doc, '{runs,1,n}', '3000000000')),
    ('n and samples disagree', jsonb_set(a.doc, '{runs,0,n}', '199')),
    ('duplicate call', jsonb_set(a.doc, '{runs,0,samples,seq,1}', '1')),
    ('duplicate run id', jsonb_set(a.doc, '{runs,2,run_id}', '11')),
    ('running run', jsonb_set(a.doc, '{runs,0,status}', '"running"')),
    ('bad timestamp', jsonb_set(a.doc, '{runs,0,started_at}', '"last tuesday"')),
    ('bad interval', jsonb_set(a.doc, '{runs,0,max_time}', '"forever"')),
    ('bad plan', jsonb_set(a.doc, '{runs,0,plans,0,relations}', '[1]')),
    ('bad dataset', jsonb_set(a.doc, '{datasets,0,tasks}', '0')),
    ('no runs', jsonb_set(a.doc, '{runs}', '[]')),
    ('not an object', '[1, 2]'::jsonb)) t(what, d)
 WHERE a.name = 'a';
SELECT (SELECT count(*) FROM tas_bench.runs) - runs AS runs_added,
       (SELECT count(*) FROM tas_bench.samples) - samples AS samples_added
  FROM rep_before;
-- the whole message once, as a user sees it
SELECT tas_bench.import_runs(jsonb_set(doc, '{runs,1,samples,ns,17}', '-5'), 'tampered:') FROM rep_docs WHERE name = 'a';
SELECT tas_bench.import_runs(NULL);
\set VERBOSITY terse
SELECT tas_bench.export_runs('no such label');
SELECT tas_bench.export_runs(NULL);
\set VERBOSITY default

-- ---------------------------------------------------------------- report
-- helpers
SELECT tas_bench.report_esc('<a href="x">&''</a>') AS escaped,
       tas_bench.report_num(0.000123456) AS small, tas_bench.report_num(12345.678) AS large,
       tas_bench.report_num(2.5) AS plain, tas_bench.report_num(NULL) AS null_is_empty;
SELECT array_agg(t ORDER BY t) AS ticks_wide FROM tas_bench.report_log_ticks(0.0012, 30) t;
SELECT array_agg(t ORDER BY t) AS ticks_1_2_5 FROM tas_bench.report_log_ticks(0.8, 30) t;
SELECT array_agg(t ORDER BY t) AS ticks_narrow FROM tas_bench.report_log_ticks(0.62, 1.4) t;
SELECT array_agg(round(t::numeric, 4) ORDER BY t) AS ticks_ends FROM tas_bench.report_log_ticks(0.965, 1.036) t;

CREATE TEMP TABLE rep_html AS
SELECT tas_bench.report_html('rep_b', baseline => 'rep_a') AS with_baseline,
       tas_bench.report_html('rep_a') AS alone;
-- a whole document, no script, no external reference, every section
SELECT left(with_baseline, 15) AS starts, right(with_baseline, 14) AS ends,
       with_baseline !~* '<script|<link|<img|@import|url\(|https?://' AS self_contained,
       (SELECT array_agg(m[1] ORDER BY o) FROM regexp_matches(with_baseline, '<section id="([a-z]+)"', 'g') WITH ORDINALITY x(m, o)) AS sections,
       (SELECT array_agg(m[1] ORDER BY o) FROM regexp_matches(alone, '<section id="([a-z]+)"', 'g') WITH ORDINALITY x(m, o)) AS sections_alone
  FROM rep_html;
-- one SVG per plot: a histogram per case and the forest plot; axis labels in each
SELECT (SELECT count(*) FROM regexp_matches(with_baseline, '<figure class="plot', 'g')) AS plots,
       (SELECT count(*) FROM regexp_matches(with_baseline, '<svg', 'g')) AS svgs,
       (SELECT count(*) FROM regexp_matches(with_baseline, 'class="axis-label x-label"', 'g')) AS x_labels,
       (SELECT count(*) FROM regexp_matches(with_baseline, 'class="axis-label y-label"', 'g')) AS y_labels,
       (SELECT count(*) FROM regexp_matches(with_baseline, 'class="base-outline"', 'g')) AS baseline_outlines,
       (SELECT count(*) FROM regexp_matches(alone, '<svg', 'g')) AS svgs_alone
  FROM rep_html;
-- the comparison rows and the deterministic change, escaped case names
SELECT (SELECT array_agg(m[1] || ' ' || m[2] ORDER BY o)
          FROM regexp_matches(with_baseline, '<tr class="v-([a-z]+)"><td class="case">([^<]*)</td>', 'g') WITH ORDINALITY x(m, o)) AS verdict_rows,
       (regexp_match(with_baseline, '<table class="deterministic".*?<tbody><tr><td class="case">([^<]*)</td><td>([^<]*)</td>'))[1:2] AS changed,
       position('gamma&lt;&amp;&gt;' IN with_baseline) > 0 AS escaped_name,
       position('gamma<&>' IN with_baseline) = 0 AS no_raw_name
  FROM rep_html;
-- environment: the imported server and the differing key
SELECT (regexp_match(with_baseline, '<td class="key">imported from</td><td>([^<]*)</td>'))[1] AS imported_from,
       (regexp_match(with_baseline, '<td class="key">setting work_mem</td><td>([^<]*)</td>'))[1] AS work_mem,
       position('<section id="load"><h2>Load</h2>' IN with_baseline) > 0 AS load_section
  FROM rep_html;
-- arguments
SELECT tas_bench.report_html(NULL);
SELECT tas_bench.report_html('rep_a', noise => 1);
SELECT tas_bench.report_html('rep_a', alpha => 0);
\set VERBOSITY terse
SELECT tas_bench.report_html('no such label');
SELECT tas_bench.report_html('rep_a', baseline => 'no such label');
SELECT tas_bench.report_html('rep_a', scaling => 'no such label');
\set VERBOSITY default

-- clean up
DELETE FROM tas_bench.runs WHERE label IN ('rep_a', 'rep_b', 'rt:rep_a', 'rep_f');
DROP TABLE rep_docs;
DROP FUNCTION rep_run(bigint, text, bigint, bigint, int, float8), rep_doc(text, jsonb), rep_try(jsonb);
