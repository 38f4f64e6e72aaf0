# 150_upgrade.pl: ALTER EXTENSION tas_bench UPDATE from 0.1.0 (the release
# kept as sql/tas_bench--0.1.0.sql) keeps every result 0.1.0 stored -- runs,
# samples, plans, user cases and targets, datasets and their templates, the
# identity sequences -- and 0.2.0's functions work on them; pg_dump and
# restore after the upgrade keep them too; and the upgraded extension has
# exactly the objects of a fresh CREATE EXTENSION tas_bench (as
# pg_stat_statements' oldextversions test checks its own).
#
# The library installed is 0.2.0's.  It creates 0.1.0's objects (every C
# symbol of 0.1.0's script is in it) and runs 0.1.0's generate() and grow(),
# but not 0.1.0's bench() (it writes 0.2.0's columns), so the runs, samples
# and plans are written here the way 0.1.0's bench() and capture_plans()
# stored them: a run row, one samples row per call, the summary over them,
# and plans with 0.1.0's plan_shape() and fingerprint.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', "tas_bench.progress_interval = 0\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{CREATE EXTENSION tas_bench VERSION '0.1.0'});
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'tas_bench'}),
	'0.1.0', '0.1.0 installs with the 0.2.0 library');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('old'),
	  '-f', 'test/fixtures/tasker/tasker_schema.sql' ],
	'stand-in schema loads');

# ---------------------------------------------------------------- 0.1.0's results

# old_bench(): a run as 0.1.0's bench() stored it (see the header)
$node->safe_psql('old', q{
	CREATE FUNCTION old_bench(p_name text, p_label text, p_suite text, p_n int, p_base int,
	                          p_params boolean DEFAULT false)
	RETURNS bigint LANGUAGE plpgsql AS $$
	DECLARE
	    rid bigint;
	BEGIN
	    INSERT INTO tas_bench.runs (name, label, suite, case_name, sql, params, mode, iterations, warmup,
	                                max_time, env, param_rows, dataset_id, dataset_tasks)
	    SELECT p_name, p_label, p_suite, CASE WHEN p_suite IS NOT NULL THEN p_name END,
	           'SELECT count(*) FROM tasker.tasks WHERE ' || p_base || ' > 0',
	           CASE WHEN p_params THEN 'SELECT g FROM generate_series(1, 7) g' END,
	           'shared', p_n, 10, '20 seconds', tas_bench.environment(),
	           CASE WHEN p_params THEN 7 END, d.dataset_id, d.tasks
	      FROM (SELECT NULL) x LEFT JOIN tas_bench.datasets d ON true
	     ORDER BY d.dataset_id DESC LIMIT 1
	    RETURNING run_id INTO rid;
	    INSERT INTO tas_bench.samples (run_id, seq, ns, param_row, rows)
	    SELECT rid, s, p_base + (hashint4(s + 1000 * rid::int) & 255),
	           CASE WHEN p_params THEN (s - 1) % 7 + 1 END, 1
	      FROM generate_series(1, p_n) s;
	    UPDATE tas_bench.runs r
	       SET status = 'ok', finished_at = clock_timestamp(), n = x.n, min_ns = x.mn, max_ns = x.mx,
	           p50_ns = x.p50, p90_ns = x.p90, p95_ns = x.p95, p99_ns = x.p99, mean_ns = x.mean,
	           stddev_ns = x.sd, total_ns = x.total, p95_p50 = x.p95::float8 / x.p50,
	           rows_per_call = 1, shared_hit_per_call = 3, shared_read_per_call = 0, wal_bytes_per_call = 0
	      FROM (SELECT count(*) AS n, min(ns) AS mn, max(ns) AS mx, avg(ns)::float8 AS mean,
	                   stddev_samp(ns)::float8 AS sd, sum(ns)::bigint AS total,
	                   percentile_disc(0.5) WITHIN GROUP (ORDER BY ns) AS p50,
	                   percentile_disc(0.9) WITHIN GROUP (ORDER BY ns) AS p90,
	                   percentile_disc(0.95) WITHIN GROUP (ORDER BY ns) AS p95,
	                   percentile_disc(0.99) WITHIN GROUP (ORDER BY ns) AS p99
	              FROM tas_bench.samples WHERE run_id = rid) x
	     WHERE r.run_id = rid;
	    RETURN rid;
	END $$;

	-- old_capture(): plans as 0.1.0's capture_plans() stored them
	CREATE FUNCTION old_capture(rid bigint) RETURNS void LANGUAGE plpgsql AS $$
	DECLARE
	    j json;
	BEGIN
	    EXECUTE 'EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) '
	            || (SELECT r.sql FROM tas_bench.runs r WHERE r.run_id = rid) INTO j;
	    INSERT INTO tas_bench.plans (run_id, level, statement, plan, calls, rows, total_ms,
	                                 shared_hit, shared_read, shape, fingerprint, relations)
	    SELECT rid, l.level, r.sql, j::jsonb -> 0, 1, 1, 0.5, 7 * (l.level + 1), l.level,
	           tas_bench.plan_shape(j::jsonb -> 0 -> 'Plan'),
	           md5(tas_bench.plan_shape(j::jsonb -> 0 -> 'Plan')), '{tasks}'
	      FROM tas_bench.runs r, (VALUES (0), (1)) l(level)
	     WHERE r.run_id = rid;
	END $$;
});

# 0.1.0's own generator (generate, grow) on the stand-in: 30 tasks, grown to 40
$node->safe_psql('old', q{
	SELECT tas_bench.generate(30, seed => 5, anchor => '2026-01-01 00:00+00');
	SELECT tas_bench.grow(1, 40);
});
$node->safe_psql('old', q{
	SELECT old_bench('c1', 'before', 'mine', 300, 1000);
	SELECT old_bench('c2', 'before', 'mine', 300, 1000, true);
	SELECT old_bench('c1', 'after', 'mine', 300, 2000);
	SELECT old_bench('c2', 'after', 'mine', 300, 1000, true);
	SELECT old_bench('adhoc', NULL, NULL, 50, 500);
	SELECT old_capture(run_id) FROM tas_bench.runs WHERE suite = 'mine';
	-- a failed run, as 0.1.0's run_suite recorded one
	INSERT INTO tas_bench.runs (name, label, suite, case_name, sql, mode, status, error,
	                            iterations, warmup, max_time, finished_at, env)
	VALUES ('c3', 'before', 'mine', 'c3', 'SELECT 1/0', 'shared', 'failed', 'division by zero',
	        200, 10, '20 seconds', clock_timestamp(), tas_bench.environment());
	-- a deleted run: the sequence is past every stored id
	SELECT old_bench('gone', NULL, NULL, 5, 1);
	DELETE FROM tas_bench.runs WHERE name = 'gone';
	-- a user case and target, a built-in case the user changed
	INSERT INTO tas_bench.cases (suite, name, sql, params, iterations, ord, description)
	VALUES ('mine', 'c1', 'SELECT count(*) FROM tasks', NULL, 300, 1, 'my case');
	INSERT INTO tas_bench.targets (case_pattern, up_to_tasks, max_p50_ms, source)
	VALUES ('c%', 1000, 0.5, 'my target');
	UPDATE tas_bench.cases SET enabled = false WHERE builtin AND name = 'get_system_health_counts';
});

# what 0.1.0 stores, table by table: the columns of 0.1.0 (0.2.0 adds some),
# the order, the rows that are the user's
my %old_cols;
for my $t (qw(runs samples plans cases targets datasets dataset_templates))
{
	$old_cols{$t} = $node->safe_psql('old', qq{
		SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
		 WHERE attrelid = 'tas_bench.$t'::regclass AND attnum > 0 AND NOT attisdropped});
}
my @stored = (
	[ 'runs',              'run_id',                    'true' ],
	[ 'samples',           'run_id, seq',               'true' ],
	[ 'plans',             'plan_id',                   'true' ],
	[ 'cases',             'suite, name',               'NOT builtin' ],
	[ 'targets',           'case_pattern, up_to_tasks', 'NOT builtin' ],
	[ 'datasets',          'dataset_id',                'true' ],
	[ 'dataset_templates', 'target_schema, kind, uuid', 'true' ],);

# count and md5 of a table's rows over 0.1.0's columns
sub digest
{
	my ($db, $t, $order, $where) = @_;
	return $node->safe_psql($db, qq{
		SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(
		         (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(to_jsonb(x)) e
		           WHERE e.key = ANY (string_to_array('$old_cols{$t}', ',')))::text, '|' ORDER BY $order), ''))
		  FROM tas_bench.$t x WHERE $where});
}

# every run's samples in call order, one line (0.1.0: the table; 0.2.0: run_samples())
sub samples_in_order
{
	my ($db, $from) = @_;
	return $node->safe_psql($db, qq{
		SELECT string_agg(r.run_id || ':' || (SELECT string_agg(s.seq || '/' || s.ns || '/' || coalesce(s.param_row::text, '-')
		                                                        || '/' || s.rows, ',') FROM $from s), ' ' ORDER BY r.run_id)
		  FROM tas_bench.runs r});
}

my $sequences = q{
	SELECT (SELECT last_value || '/' || is_called FROM tas_bench.runs_run_id_seq) || ' '
	    || (SELECT last_value || '/' || is_called FROM tas_bench.plans_plan_id_seq) || ' '
	    || (SELECT last_value || '/' || is_called FROM tas_bench.datasets_dataset_id_seq)};
my $fingerprints = q{SELECT string_agg(run_id || ':' || fingerprint || ':' || plans, ',' ORDER BY run_id) FROM tas_bench.run_plans};
my $tasker_rows = q{
	SELECT (SELECT count(*) FROM tasker.tasks) || ' tasks, ' || (SELECT count(*) FROM tasker.workflow_steps) || ' steps'};

my %before = map { $_->[0] => digest('old', @$_) } @stored;
my $samples_before = samples_in_order('old', '(SELECT * FROM tas_bench.samples t WHERE t.run_id = r.run_id ORDER BY t.seq)');
my $seq_before = $node->safe_psql('old', $sequences);
my $fp_before = $node->safe_psql('old', $fingerprints);
my $tasker_before = $node->safe_psql('old', $tasker_rows);
like($before{samples}, qr/^1250 rows/, '0.1.0 stores 1250 samples of 5 runs');
like($before{datasets}, qr/^1 rows/, '0.1.0 stores one dataset');
like($before{cases}, qr/^1 rows/, '0.1.0 stores one user case');
is($tasker_before, '40 tasks, ' . $node->safe_psql('old', 'SELECT count(*) FROM tasker.workflow_steps') . ' steps',
	'0.1.0 generated and grew the dataset to 40 tasks');

# a dump of 0.1.0's database, restored below where 0.2.0 is the default
my $dump010 = $node->basedir . '/old010.dump';
command_ok([ 'pg_dump', '-Fc', '-f', $dump010, '-d', $node->connstr('old') ], 'pg_dump of the 0.1.0 database');

# privileges the user changed on 0.1.0's objects (after that dump: a GRANT on
# a function whose arguments 0.2.0 changed would not restore)
$node->safe_psql('old', q{
	CREATE ROLE bench_role;
	GRANT EXECUTE ON FUNCTION tas_bench.generate(integer, bigint, text[], jsonb, name, timestamptz) TO bench_role;
	GRANT INSERT ON tas_bench.runs TO bench_role;
	REVOKE EXECUTE ON FUNCTION tas_bench.spi_loop_ns(text, integer) FROM PUBLIC;
});

# ---------------------------------------------------------------- the upgrade

# an object of the user's that depends on 0.1.0's stops it, and nothing changes
$node->safe_psql('old', 'CREATE VIEW my_runs AS SELECT run_id, name FROM tas_bench.runs');
my ($rc, $out, $err) = $node->psql('old', 'ALTER EXTENSION tas_bench UPDATE');
isnt($rc, 0, 'the update refuses while a view of the user depends on tas_bench.runs');
like($err, qr/tas_bench 0\.1\.0 cannot be updated: cannot drop table (tas_bench\.)?runs because other objects depend on it/,
	'the error says which object of 0.1.0 is held');
like($err, qr/view (public\.)?my_runs depends on table (tas_bench\.)?runs/, 'the detail names the view');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'tas_bench'}), '0.1.0',
	'still 0.1.0 after the refused update');
is(digest('old', @{ $stored[0] }), $before{runs}, 'runs unchanged by the refused update');
$node->safe_psql('old', 'DROP VIEW my_runs');

($rc, $out, $err) = $node->psql('old', 'ALTER EXTENSION tas_bench UPDATE');
is($rc, 0, 'ALTER EXTENSION tas_bench UPDATE succeeds');
like($err,
	qr/WARNING:  privileges changed on tas_bench 0\.1\.0's objects are not carried over to 0\.2\.0: GRANT EXECUTE ON FUNCTION tas_bench\.generate\([^)]*\) TO bench_role; GRANT INSERT ON TABLE tas_bench\.runs TO bench_role; REVOKE EXECUTE ON FUNCTION tas_bench\.spi_loop_ns\([^)]*\) FROM PUBLIC\n/,
	'the update names, in a WARNING, the privileges changed on 0.1.0 objects that it does not carry over');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'tas_bench'}), '0.2.0',
	'ALTER EXTENSION tas_bench UPDATE reaches 0.2.0');
is($node->safe_psql('old', 'SELECT tas_bench.version()'), '0.2.0', 'library and SQL agree on 0.2.0');

# every stored result intact
sub results_intact
{
	my ($db, $when) = @_;
	for my $s (@stored)
	{
		is(digest($db, @$s), $before{ $s->[0] }, "$s->[0]: same rows $when");
	}
	is(samples_in_order($db, 'tas_bench.run_samples(r.run_id)'), $samples_before,
		"every run's samples in call order through run_samples() $when");
	is($node->safe_psql($db, $sequences), $seq_before, "identity sequences where 0.1.0 left them $when");
	is($node->safe_psql($db, $fingerprints), $fp_before, "plan fingerprints of the runs $when");
	is($node->safe_psql($db, $tasker_rows), $tasker_before, "the generated dataset's rows $when");
	is($node->safe_psql($db, q{
		SELECT string_agg(DISTINCT owner, ',') FROM (SELECT owner FROM tas_bench.runs
		                                            UNION ALL SELECT owner FROM tas_bench.cases WHERE NOT builtin) x}),
		'postgres', "runs and user cases owned by the extension's owner $when");
	is($node->safe_psql($db, q{
		SELECT count(*) FROM tas_bench.runs r
		 WHERE r.n <> (SELECT count(*) FROM tas_bench.samples s WHERE s.run_id = r.run_id)}),
		'0', "every run's n equals its samples in the samples view $when");
}
results_intact('old', 'after the upgrade');

# 0.2.0's functions on 0.1.0's runs
is($node->safe_psql('old', q{
	SELECT string_agg(case_name || ' ' || verdict || ' ' || coalesce(baseline_n::text, '-') || '/'
	                  || coalesce(candidate_n::text, '-'), ', ' ORDER BY case_name)
	  FROM tas_bench.compare('before', 'after')}),
	'c1 slower 300/300, c2 unchanged 300/300, c3 missing -/-',
	'compare() of two labels of 0.1.0 runs: c1 slower, c2 unchanged, c3 (failed before, not run after) missing');
is($node->safe_psql('old', q{
	SELECT verdict FROM tas_bench.compare_runs(
	    (SELECT run_id FROM tas_bench.runs WHERE label = 'before' AND name = 'c1'),
	    (SELECT run_id FROM tas_bench.runs WHERE label = 'after' AND name = 'c1'))}),
	'slower', 'compare_runs() of two 0.1.0 runs');
is($node->safe_psql('old', q{
	SELECT calls || ' ' || unstable FROM tas_bench.run_stability(
	    (SELECT run_id FROM tas_bench.runs WHERE label = 'before' AND name = 'c2'))}),
	'300 false', 'run_stability() reads a 0.1.0 run in call order');
is($node->safe_psql('old', q{
	SELECT string_agg(case_name || ' ' || status || ' ' || n || ' ' || plans, ', ' ORDER BY case_name)
	  FROM tas_bench.suite_report('before', 'mine')}),
	'c1 ok 300 2, c2 ok 300 2, c3 failed 0 0', 'suite_report() of a 0.1.0 label, plans included');
like($node->safe_psql('old', q{SELECT tas_bench.report_html('after', baseline => 'before')}),
	qr/<html.*c1.*c2/s, 'report_html() of 0.1.0 labels');
is($node->safe_psql('old', q{
	SELECT count(*) FROM jsonb_array_elements(tas_bench.export_runs('before') -> 'runs')}),
	'3', 'export_runs() of a 0.1.0 label');


# ---------------------------------------------------------------- same objects as a fresh install

my $catalog = q{
	WITH ext AS (SELECT oid, extconfig, extcondition FROM pg_extension WHERE extname = 'tas_bench'),
	members AS (
	    SELECT d.classid, d.objid, o.type, o.identity
	      FROM pg_depend d, ext, pg_identify_object(d.classid, d.objid, 0) o
	     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e')
	SELECT line FROM (
	    SELECT 'member ' || type || ' ' || identity AS line FROM members
	    UNION ALL
	    SELECT 'config ' || c::regclass || ' ' || coalesce(nullif(cond, ''), '(all rows)')
	      FROM ext, unnest(ext.extconfig, ext.extcondition) u(c, cond)
	    UNION ALL
	    SELECT 'function ' || m.identity || ' ' || md5(pg_get_functiondef(m.objid)) || ' ' || coalesce(p.proacl::text, '-')
	      FROM members m JOIN pg_proc p ON p.oid = m.objid WHERE m.classid = 'pg_proc'::regclass AND p.prokind <> 'a'
	    UNION ALL
	    SELECT 'relation ' || m.identity || ' ' || coalesce(c.relacl::text, '-') || ' rls ' || c.relrowsecurity
	           || coalesce(' view ' || md5(pg_get_viewdef(c.oid)), '') || coalesce(' ' || c.reloptions::text, '')
	      FROM members m JOIN pg_class c ON c.oid = m.objid WHERE m.classid = 'pg_class'::regclass
	    UNION ALL
	    SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
	           || ' ' || a.attnotnull || ' ' || a.attidentity::text || a.attgenerated::text || ' '
	           || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-')
	      FROM members m JOIN pg_attribute a ON a.attrelid = m.objid
	      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	     WHERE m.classid = 'pg_class'::regclass AND a.attnum > 0 AND NOT a.attisdropped
	    UNION ALL
	    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
	      FROM members m JOIN pg_index i ON i.indrelid = m.objid WHERE m.classid = 'pg_class'::regclass
	    UNION ALL
	    SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
	      FROM pg_constraint WHERE connamespace = 'tas_bench'::regnamespace
	    UNION ALL
	    SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger
	     WHERE NOT tgisinternal AND tgrelid IN (SELECT objid FROM members WHERE classid = 'pg_class'::regclass)
	    UNION ALL
	    SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' || coalesce(qual, '-') || ' ' || coalesce(with_check, '-')
	      FROM pg_policies WHERE schemaname = 'tas_bench'
	    UNION ALL
	    SELECT 'comment ' || (pg_identify_object(classoid, objoid, objsubid)).identity || ' ' || md5(description)
	      FROM pg_description
	     WHERE (classoid, objoid) IN (SELECT classid, objid FROM members)
	        OR (classoid = 'pg_namespace'::regclass AND objoid = 'tas_bench'::regnamespace)
	    UNION ALL
	    SELECT 'init privileges ' || (pg_identify_object(classoid, objoid, objsubid)).identity || ' ' || initprivs::text
	      FROM pg_init_privs WHERE (classoid, objoid) IN (SELECT classid, objid FROM members)
	    UNION ALL
	    SELECT 'built-in cases ' || md5(string_agg((to_jsonb(c) - 'owner')::text, '|' ORDER BY suite, name))
	      FROM tas_bench.cases c WHERE builtin
	    UNION ALL
	    SELECT 'built-in targets ' || md5(string_agg(to_jsonb(t)::text, '|' ORDER BY case_pattern, up_to_tasks))
	      FROM tas_bench.targets t WHERE builtin
	    UNION ALL
	    SELECT 'built-in workloads ' || md5(string_agg((to_jsonb(w) - 'owner')::text, '|' ORDER BY w::text))
	      FROM tas_bench.workloads w WHERE builtin) x
	ORDER BY line COLLATE "C"};

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION tas_bench');
my $fresh = $node->safe_psql('fresh', $catalog);
my $upgraded = $node->safe_psql('old', $catalog);
cmp_ok(scalar(() = $fresh =~ /^member /mg), '>', 100, 'the catalog listing holds every member of the extension');
is($upgraded, $fresh,
	'the upgraded extension has the objects of a fresh 0.2.0 install (members, definitions, privileges, comments, config tables, built-in rows)');

# built-in rows are 0.2.0's: the built-in case the user disabled in 0.1.0 is back as shipped
is($node->safe_psql('old', q{SELECT enabled FROM tas_bench.cases WHERE builtin AND name = 'get_system_health_counts'}),
	't', 'built-in cases come back as 0.2.0 defines them');

# every table of the extension keeps its rows through pg_dump (a config table
# or sequence), except what has no user rows by design (none)
is($node->safe_psql('old', q{
	SELECT coalesce(string_agg(c.oid::regclass::text, ', '), '')
	  FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tas_bench')
	   AND c.relkind IN ('r', 'S')
	   AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'tas_bench')::oid[])}),
	'', 'every table and sequence of the extension is dumped by pg_dump (pg_extension_config_dump)');

# ---------------------------------------------------------------- pg_dump and restore after the upgrade

my $dump = $node->basedir . '/old.dump';
command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('old') ], 'pg_dump of the upgraded database');
# restore_into(db, dump, what): a new database db from dump, as 0.2.0, results intact
sub restore_into
{
	my ($db, $file, $what) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr($db), $file ], "pg_restore $what");
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'tas_bench'}), '0.2.0',
		"$what: the extension is 0.2.0");
	results_intact($db, $what);
}
restore_into('restored', $dump, 'after dump and restore');
is($node->safe_psql('restored', q{
	SELECT string_agg(case_name || ' ' || verdict, ', ' ORDER BY case_name) FROM tas_bench.compare('before', 'after')}),
	'c1 slower, c2 unchanged, c3 missing', 'compare() after dump and restore');
is($node->safe_psql('restored', $catalog), $fresh, 'the restored extension has the objects of a fresh install');

# the other way from 0.1.0: its dump restored where 0.2.0 is installed
# (CREATE EXTENSION makes 0.2.0, 0.1.0's samples rows go into the view's
# INSTEAD OF INSERT trigger, runs get the restoring role as owner)
restore_into('from010', $dump010, 'the 0.1.0 dump restored where 0.2.0 is installed');

# in the upgraded database: a new run, cleanup() of the dataset 0.1.0 generated
is($node->safe_psql('old', q{
	SELECT run_id || ' ' || n FROM tas_bench.bench('SELECT 1', iterations => 20, name => 'new', label => 'after')}),
	'8 20', "bench() works after the upgrade, its run id following 0.1.0's (the deleted run's included)");
cmp_ok($node->safe_psql('old', 'SELECT tas_bench.cleanup(1)'), '>', 40, "cleanup() removes 0.1.0's dataset");
is($node->safe_psql('old', $tasker_rows . q{ || ', ' || (SELECT count(*) FROM tas_bench.datasets) || ' datasets'}),
	'0 tasks, 0 steps, 0 datasets', 'no row of the dataset is left');

$node->stop;
done_testing();
