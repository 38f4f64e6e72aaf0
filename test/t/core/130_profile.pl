# 130_profile.pl: profile() and the per-run statistics with
# pg_stat_statements preloaded (track = all): run_statements holds the
# nested statements of a profile, a bench run and a suite case with exact
# call counts; a concurrent session running the same statements makes a
# delta shared (exact false); a function that leaks per call is flagged in a
# bench run; without the preload nothing fails and pgss_status() says so.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('profile');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
tas_bench.progress_interval = 0
});
$node->start;
# PostgreSQL 13 (pg_stat_statements 1.8) has no toplevel column: run_statements
# holds NULL there.  And before 14 PL/pgSQL runs the expression of a RETURN as
# "SELECT expr", so the nested statement's text starts with "SELECT (SELECT".
my $pg13 = $node->safe_psql('postgres', 'SHOW server_version_num') < 140000;
my $nested = $pg13 ? 'SELECT \\(SELECT count' : '\\(SELECT count';
$node->safe_psql('postgres', q{
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION tas_bench;
CREATE SCHEMA p;
CREATE TABLE p.items (id int PRIMARY KEY, grp int NOT NULL);
CREATE TABLE p.tasks (id int);  -- run_suite records the target's size
CREATE TABLE p.stop (x int);   -- ends the concurrent session's loop
INSERT INTO p.items SELECT i, i % 10 FROM generate_series(1, 2000) i;
ANALYZE p.items;
-- PL/pgSQL calling SQL calling PL/pgSQL, as upstream's functions nest
CREATE FUNCTION p.group_size(g int) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT count(*) FROM p.items WHERE grp = g);
END $$;
CREATE FUNCTION p.sized(g int) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT p.group_size(g) + 0 FROM p.items WHERE id = g + 1
$$;
CREATE FUNCTION p.outer_fn(n int) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE t bigint := 0;
BEGIN
  FOR i IN 1 .. n LOOP
    t := t + p.sized(i);
  END LOOP;
  RETURN t;
END $$;
CREATE SEQUENCE p.leak_seq;
CREATE FUNCTION p.leaky() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  EXECUTE format('PREPARE leak_%s AS SELECT %s', nextval('p.leak_seq'), repeat('1 + ', 200) || '1');
  RETURN 1;
END $$;
});

is($node->safe_psql('postgres', q{SELECT tas_bench.pgss_status() ->> 'used', tas_bench.pgss_status() ->> 'track'}),
	"true|all", 'pgss_status: used, track all');

# a profile: the statement the harness called and the nested ones, exact
my $pid = $node->safe_psql('postgres', q{SELECT tas_bench.profile('SELECT p.outer_fn(3)', iterations => 50)});
my $rows = $node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s|%s|%s|%s', harness_statement, calls, own_calls, exact), ',' ORDER BY calls, query)
	  FROM tas_bench.run_statements
	 WHERE run_table = 'profile_runs' AND run_id = $pid AND query !~ 'tas_bench'});
is($rows, 't|50|50|t,f|150|150|t,f|150|150|t',
	'profile: the harness statement (50 calls) and the two nested statements (150 calls each), all exact');
is($node->safe_psql('postgres', qq{
	SELECT count(*) FROM tas_bench.run_statements WHERE run_table = 'profile_runs' AND run_id = $pid
	   AND } . ($pg13 ? 'toplevel IS NULL' : 'NOT toplevel')),
	'3', $pg13 ? 'toplevel NULL on 13 (pg_stat_statements 1.8 has no toplevel)'
	  : 'all three are nested (toplevel false): the harness runs them inside profile()');
# the profile's own tree names the same statements with the same query ids
is($node->safe_psql('postgres', qq{
	SELECT count(*) FROM tas_bench.profile_statements s
	  JOIN tas_bench.run_statements r ON r.run_table = 'profile_runs' AND r.run_id = s.run_id AND r.queryid = s.queryid
	 WHERE s.run_id = $pid AND s.calls = r.calls}), '3', 'profile_statements and run_statements agree on query ids and calls');
# upstream-shaped nesting (PL/pgSQL -> SQL function -> PL/pgSQL): the tree,
# calls per outer call, the call graph across the SQL function, the coverage
is($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s:%s:%s', level, calls / 50, left(statement, 24)), ',' ORDER BY level)
	  FROM tas_bench.profile_statements WHERE run_id = $pid}),
	'0:1:SELECT p.outer_fn(3),1:3:SELECT p.group_size(g) +,2:3:' . ($pg13 ? 'SELECT (SELECT count(*) ' : '(SELECT count(*) FROM p.'),
	'tree: outer statement, the SQL function\'s query 3 times per call, the PL/pgSQL query under it');
is($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s>%s:%s', coalesce(caller, '-'), callee, calls / 50), ',' ORDER BY calls)
	  FROM tas_bench.profile_calls WHERE run_id = $pid}),
	'->p.outer_fn(integer):1,p.outer_fn(integer)>p.group_size(integer):3',
	'call graph: outer_fn calls group_size (through the SQL function) 3 times per call');
cmp_ok($node->safe_psql('postgres', qq{
	SELECT round(100.0 * attributed_ns / measured_ns) FROM tas_bench.profile_runs WHERE run_id = $pid}),
	'>=', 90, 'self times account for the measured total within 10%');
is($node->safe_psql('postgres', qq{
	SELECT harness_calls = pgss_calls AND exact FROM tas_bench.run_statements_vs_harness
	 WHERE run_table = 'profile_runs' AND run_id = $pid}), 't', 'run_statements_vs_harness: the profile beside pgss');

# bench runs and suite cases: recorded when the harness calls runstats
my $bench = $node->safe_psql('postgres', q{
	SELECT (tas_bench.bench('SELECT p.outer_fn(2)', iterations => 40, warmup => 5, name => 'b')).run_id});
my $integrated = $node->safe_psql('postgres', qq{
	SELECT count(*) FROM tas_bench.run_memory WHERE run_table = 'runs' AND run_id = $bench});
is($integrated, '1', 'bench runs record their statistics (tb_runstats_* in the harness)');
is($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s|%s|%s', harness_statement, calls, exact), ',' ORDER BY calls, query)
	  FROM tas_bench.run_statements
	 WHERE run_table = 'runs' AND run_id = $bench AND query !~ 'tas_bench'}),
	't|40|t,f|80|t,f|80|t',
	'bench: the timed calls (not the warm-up) and the nested statements, exact');
my $v = $node->safe_psql('postgres', qq{
	SELECT harness_calls, pgss_calls, harness_mean_ms > 0, pgss_mean_ms > 0, harness_over_pgss >= 0.5
	  FROM tas_bench.run_statements_vs_harness WHERE run_table = 'runs' AND run_id = $bench});
is($v, '40|40|t|t|t', 'run_statements_vs_harness: the harness mean beside the pgss mean');
note($node->safe_psql('postgres', qq{SELECT * FROM tas_bench.run_statements_vs_harness WHERE run_id = $bench}));

# bench_commit: a commit after every call, the statistics survive them
my $bc = $node->safe_psql('postgres', q{
	CALL tas_bench.bench_commit('SELECT p.outer_fn(2)', iterations => 30, warmup => 2, name => 'bc')});
is($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s|%s|%s', harness_statement, calls, exact), ',' ORDER BY calls, query)
	  FROM tas_bench.run_statements
	 WHERE run_table = 'runs' AND run_id = $bc AND query ~ '^(SELECT p.outer_fn|$nested|SELECT p.group_size)'})
	  . '/' . $node->safe_psql('postgres', qq{
	SELECT count(*) FROM tas_bench.run_memory WHERE run_table = 'runs' AND run_id = $bc}),
	't|30|t,f|60|t,f|60|t/1', 'bench_commit: the timed calls and the nested statements, exact; memory recorded');

# a suite case
$node->safe_psql('postgres', q{
	INSERT INTO tas_bench.cases (suite, name, sql, params, iterations, warmup, max_time)
	VALUES ('prof', 'outer', 'SELECT p.outer_fn($1)', 'SELECT 2', 30, 2, NULL)});
$node->safe_psql('postgres', q{CALL tas_bench.run_suite('prof', 'pl', 'p', false, 1, false)});
is($node->safe_psql('postgres', q{
	SELECT string_agg(format('%s|%s|%s', s.harness_statement, s.calls, s.exact), ',' ORDER BY s.calls, s.query)
	  FROM tas_bench.runs r JOIN tas_bench.run_statements s ON s.run_table = 'runs' AND s.run_id = r.run_id
	 WHERE r.label = 'pl' AND r.case_name = 'outer' AND s.query !~ 'tas_bench'}),
	't|30|t,f|60|t,f|60|t', 'run_suite case: nested statements with exact call counts');

# the leak, in a bench run; outer_fn is not flagged
my $leak = $node->safe_psql('postgres', q{
	SELECT (tas_bench.bench('SELECT p.leaky()', iterations => 300, warmup => 5)).run_id});
is($node->safe_psql('postgres', qq{
	SELECT leak, grown_context FROM tas_bench.run_memory WHERE run_table = 'runs' AND run_id = $leak}),
	't|CacheMemoryContext', 'bench run of a leaking function: flagged, CacheMemoryContext grew');
$node->safe_psql('postgres', 'DEALLOCATE ALL');
my $clean = $node->safe_psql('postgres', q{
	SELECT (tas_bench.bench('SELECT p.outer_fn(3)', iterations => 300, warmup => 5)).run_id});
is($node->safe_psql('postgres', qq{
	SELECT leak FROM tas_bench.run_memory WHERE run_table = 'runs' AND run_id = $clean}),
	'f', 'bench run of a clean function: not flagged');

# concurrent activity of the same role: the delta is shared, and says so
my ($out, $err) = ('', '');
my $h = IPC::Run::start(
	[ 'psql', '-X', '-q', '-d', $node->connstr('postgres'), '-c', q{
		DO $$ BEGIN
		  WHILE NOT EXISTS (SELECT 1 FROM p.stop) LOOP PERFORM p.group_size(7); END LOOP;
		END $$;} ],
	'>', \$out, '2>', \$err);
$node->poll_query_until('postgres', q{
	SELECT EXISTS (SELECT 1 FROM pg_stat_statements WHERE query ~ 'WHILE NOT EXISTS|FROM p.stop' AND calls > 100)})
  or diag('the concurrent session did not start');
my $shared = $node->safe_psql('postgres', q{
	SELECT (tas_bench.bench('SELECT p.outer_fn(3)', iterations => 200, warmup => 5)).run_id});
$node->safe_psql('postgres', 'INSERT INTO p.stop VALUES (1)');
$h->finish;
is($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%s|%s', harness_statement, exact), ',' ORDER BY harness_statement DESC, query)
	  FROM tas_bench.run_statements
	 WHERE run_table = 'runs' AND run_id = $shared AND query ~ '^(SELECT p.outer_fn|$nested)'}),
	't|t,f|f',
	'with a concurrent session: the harness statement exact, the statement both ran marked shared');


# without the preload: nothing fails, nothing is stored, pgss_status says why
$node->stop;
my $plain = PostgreSQL::Test::Cluster->new('plain');
$plain->init;
$plain->append_conf('postgresql.conf', "tas_bench.progress_interval = 0\n");
$plain->start;
$plain->safe_psql('postgres', 'CREATE EXTENSION pg_stat_statements; CREATE EXTENSION tas_bench');
is($plain->safe_psql('postgres', q{SELECT tas_bench.pgss_status() ->> 'installed', tas_bench.pgss_status() ->> 'preloaded',
	tas_bench.pgss_status() ->> 'used'}), 'true|false|false', 'pgss_status: installed, not preloaded, not used');
my ($ret, $o, $e) = $plain->psql('postgres', q{
	SELECT (tas_bench.bench('SELECT 1', iterations => 20)).status, tas_bench.profile('SELECT 1', iterations => 20) > 0});
is($ret, 0, 'bench and profile run without pg_stat_statements loaded');
is($e, '', 'and say nothing');
is($plain->safe_psql('postgres', 'SELECT count(*) FROM tas_bench.run_statements'), '0', 'no run_statements rows');
is($plain->safe_psql('postgres', q{SELECT count(*) > 0 FROM tas_bench.run_memory}), 't', 'memory is still recorded');
$plain->stop;
done_testing();
