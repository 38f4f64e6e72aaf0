# 010_harness.pl: what pg_regress cannot check about the timing harness:
# a known duration is measured right, cancel and statement_timeout mid-run
# leave the server healthy and earlier runs intact, bench_commit keeps a
# failed run, and a million calls run in bounded memory.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = PostgreSQL::Test::Cluster->new('harness');
$node->init;
$node->append_conf('postgresql.conf', "log_min_messages = log\n");
# no progress NOTICEs (a loaded machine makes the long runs outlast the
# default 5 s, and their stderr must stay empty); pg_stat_activity still shows progress
$node->append_conf('postgresql.conf', "tas_bench.progress_interval = 0\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tas_bench');

# 1. a known duration: pg_sleep(0.002) has a p50 between 2.0 and 2.6 ms
my $res = $node->safe_psql('postgres', q{
	SELECT p50_ns, n FROM tas_bench.bench('SELECT pg_sleep(0.002)',
	                                      iterations => 200, warmup => 5, name => 'sleep2ms')});
my ($p50, $n) = split /\|/, $res;
cmp_ok($n, '==', 200, 'pg_sleep run stored 200 samples');
cmp_ok($p50, '>=', 2_000_000, "pg_sleep(0.002) p50 $p50 ns >= 2.0 ms");
TasBench::timing_ok($p50, '<=', 2_600_000, "pg_sleep(0.002) p50 $p50 ns <= 2.6 ms");
is($node->safe_psql('postgres', q{
	SELECT r.p50_ns = percentile_disc(0.5) WITHIN GROUP (ORDER BY s.ns)
	  FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id)
	 WHERE r.name = 'sleep2ms' GROUP BY r.run_id}), 't',
	'stored p50 equals percentile_disc(0.5) of the samples');

# 2. statement_timeout mid-run: an error, server healthy, earlier run intact
my ($ret, $out, $err) = $node->psql('postgres', q{
	SET statement_timeout = '300ms';
	SELECT tas_bench.bench('SELECT pg_sleep(0.01)', iterations => 100000, name => 'timeout')});
isnt($ret, 0, 'statement_timeout stops a run');
like($err, qr/canceling statement due to statement timeout/, 'with the timeout error');
is($node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.runs WHERE name = 'sleep2ms'}),
	'1', 'earlier run intact after timeout');

# 3. pg_cancel_backend from another session during a run
sub background_query
{
	my ($sql) = @_;
	my ($in, $bout, $berr) = ('', '', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'), '-c', $sql ],
		'<', \$in, '>', \$bout, '2>', \$berr);
	return ($h, \$bout, \$berr);
}

my ($h, $bout, $berr) = background_query(
	q{SET application_name = 'cancel_me';
	  SELECT tas_bench.bench('SELECT pg_sleep(0.001)', iterations => 1000000, name => 'cancelled')});
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity
	 WHERE query LIKE '%name => ''cancelled''%' AND state = 'active' AND pid <> pg_backend_pid()}),
	'long run started');
sleep(1);
# progress is visible to other sessions
like($node->safe_psql('postgres', q{
	SELECT application_name FROM pg_stat_activity
	 WHERE query LIKE '%name => ''cancelled''%' AND pid <> pg_backend_pid()}),
	qr{^tas_bench bench cancelled \d+/1000000$}, 'progress visible in pg_stat_activity');
$node->safe_psql('postgres', q{
	SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	 WHERE query LIKE '%name => ''cancelled''%' AND pid <> pg_backend_pid()});
$h->finish;
like($$berr, qr/canceling statement due to user request/, 'cancel stops a run');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server healthy after cancel');
is($node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.runs WHERE name IN ('sleep2ms', 'cancelled')}),
	'1', 'earlier run intact, cancelled run not stored');

# 4. bench_commit: a failing call keeps the run as failed, earlier calls committed
$node->safe_psql('postgres', 'CREATE TABLE t_log (id serial, v int)');
($ret, $out, $err) = $node->psql('postgres', q{
	CALL tas_bench.bench_commit('INSERT INTO t_log (v) VALUES (100 / (5 - $1))',
	     params => 'SELECT g FROM generate_series(1, 10) g ORDER BY g',
	     iterations => 20, warmup => 0, name => 'commit_fail')});
isnt($ret, 0, 'bench_commit reports the failing call');
like($err, qr/division by zero/, 'with its error');
is($node->safe_psql('postgres', q{
	SELECT status || ' ' || error_iteration || ' ' || error_param_row || ' ' || n
	  FROM tas_bench.runs WHERE name = 'commit_fail'}), 'failed 5 5 4',
	'run stored as failed at iteration 5, parameter row 5, with 4 samples');
is($node->safe_psql('postgres', 'SELECT count(*) FROM t_log'), '4', 'the 4 calls before it committed');
# cancelling bench_commit keeps what was committed
($h, $bout, $berr) = background_query(
	q{CALL tas_bench.bench_commit('INSERT INTO t_log (v) SELECT 1 FROM pg_sleep(0.001)',
	       iterations => 1000000, warmup => 0, name => 'commit_cancel')});
ok($node->poll_query_until('postgres', q{SELECT count(*) > 50 FROM t_log}), 'bench_commit committing');
$node->safe_psql('postgres', q{
	SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	 WHERE query LIKE '%commit_cancel%' AND pid <> pg_backend_pid()});
$h->finish;
like($$berr, qr/canceling statement due to user request/, 'cancel stops bench_commit');
is($node->safe_psql('postgres', q{
	SELECT status = 'cancelled' AND error LIKE 'canceling statement%' AND n > 0
	  FROM tas_bench.runs WHERE name = 'commit_cancel'}), 't',
	'cancelled bench_commit run is stored as cancelled with its samples');

# 5. bounded memory: a million calls of SELECT 1.  The backend's memory
# (pg_log_backend_memory_contexts, grand total) is read twice during the run;
# it must not grow between the readings, and must stay within the sample
# arrays (20 bytes per call) plus a few MB.
# pg_log_backend_memory_contexts exists from PostgreSQL 14; on 13 there is
# no way to read another backend's memory, so these five checks are skipped.
SKIP:
{
	skip 'pg_log_backend_memory_contexts needs PostgreSQL 14 or later', 5
	  if $node->safe_psql('postgres', 'SHOW server_version_num') < 140000;
	($h, $bout, $berr) = background_query(
		q{SELECT tas_bench.bench('SELECT 1', iterations => 3000000, warmup => 0, name => 'million')});
	ok($node->poll_query_until('postgres', q{
		SELECT count(*) = 1 FROM pg_stat_activity
		 WHERE application_name LIKE 'tas_bench bench million %'}), 'million-call run in progress');
	my @totals;
	for my $i (1 .. 2)
	{
		my $offset = -s $node->logfile;
		$node->safe_psql('postgres', q{
			SELECT pg_log_backend_memory_contexts(pid) FROM pg_stat_activity
			 WHERE application_name LIKE 'tas_bench bench million %'});
		$node->wait_for_log(qr/Grand total: \d+ bytes/, $offset);
		my $log = slurp_file($node->logfile, $offset);
		$log =~ /Grand total: (\d+) bytes/;
		push @totals, $1;
		sleep(1);
	}
	$h->finish;
	is($$berr, '', 'million-call run finished without error');
	note("backend memory during the run: @totals bytes");
	cmp_ok($totals[1] - $totals[0], '<=', 1024 * 1024, 'memory does not grow during the run');
	cmp_ok($totals[1], '<=', 3_000_000 * 20 + 8 * 1024 * 1024, 'memory within samples + 8 MB');
	is($node->safe_psql('postgres', q{SELECT n FROM tas_bench.runs WHERE name = 'million'}), '3000000',
		'all samples stored');
}

$node->stop;
done_testing();
