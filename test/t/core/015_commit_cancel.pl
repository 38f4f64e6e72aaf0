# 015_commit_cancel.pl: bench_commit never strands a run.  200,000-call runs
# of a fast statement are cancelled (pg_cancel_backend) and timed out
# (statement_timeout) 20 times at seeded random points, half of them during
# the sample write-out (held there by a lock on tas_bench.samples, so they
# land there for sure), some cancelled twice; two runs are terminated
# (pg_terminate_backend).  Every run must end cancelled, failed or abandoned
# (after reap_abandoned), never running, and its n and summary must be those
# of the samples stored for it.
#
# The statement is a count over 300 rows (about 15 us a call) rather than
# SELECT 1: the sample store writes a 50,000-call chunk in milliseconds, so
# a 200,000-call run of SELECT 1 ends in about half a second, and its chunks
# follow each other faster than the lock can be placed between two of them;
# at 15 us a call (40 us on a busy machine) the third chunk comes after 1.5
# to 4 s, so the runs held there time out after 10 s.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);

my $node = PostgreSQL::Test::Cluster->new('commit_cancel');
$node->init;
$node->append_conf('postgresql.conf', "tas_bench.progress_interval = 0\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tas_bench');

srand(20261201);
my $calls = 200_000;
my $stmt = 'SELECT count(*) FROM generate_series(1, 300)';
# statement_timeout of the runs held in the write-out: long enough for a
# loaded machine to reach the third chunk (100,000 calls) before it fires
my $held_timeout_ms = 10_000;

sub start_run
{
	my ($name, $timeout_ms) = @_;
	my ($in, $out, $err) = ('', '', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'),
		  '-c', "SET statement_timeout = $timeout_ms",
		  '-c', "CALL tas_bench.bench_commit('$stmt', iterations => $calls, warmup => 0, name => '$name')" ],
		'<', \$in, '>', \$out, '2>', \$err);
	# the run row is committed first: wait for it, it has the backend's pid
	my $pid = '';
	for (1 .. 2000)
	{
		$pid = $node->safe_psql('postgres',
			"SELECT backend_pid FROM tas_bench.runs WHERE name = '$name'");
		last if $pid ne '' || !$h->pumpable;
		usleep(2_000);
	}
	return ($h, \$err, $pid);
}

sub psql_value { return $node->safe_psql('postgres', $_[0]); }

# n and the summary equal the stored samples; the status is one of @ok
sub check_run
{
	my ($name, @ok) = @_;
	my $row = psql_value(qq{
		SELECT r.status, r.n,
		       r.n = count(s.ns)
		       AND r.min_ns IS NOT DISTINCT FROM min(s.ns)
		       AND r.max_ns IS NOT DISTINCT FROM max(s.ns)
		       AND r.p50_ns IS NOT DISTINCT FROM percentile_disc(0.5) WITHIN GROUP (ORDER BY s.ns)
		       AND r.p99_ns IS NOT DISTINCT FROM percentile_disc(0.99) WITHIN GROUP (ORDER BY s.ns)
		       AND coalesce(max(s.seq), 0) = r.n
		  FROM tas_bench.runs r LEFT JOIN tas_bench.samples s USING (run_id)
		 WHERE r.name = '$name' GROUP BY r.run_id});
	my ($status, $n, $same) = split /\|/, $row;
	ok((grep { $_ eq $status } @ok), "$name: status $status") or diag($row);
	is($same, 't', "$name: n = $n and its summary are those of the stored samples");
	return $status;
}

# a complete run first: it ends ok, and its duration bounds the random points
my $t0 = time;
psql_value("CALL tas_bench.bench_commit('$stmt', iterations => $calls, warmup => 0, name => 'whole')");
my $whole = time - $t0;
note(sprintf('a whole %d-call run takes %.2f s', $calls, $whole));
check_run('whole', 'ok');

my (%statuses, %at_chunk, $in_writeout, $random_writeout);
$random_writeout = 0;
for my $k (1 .. 20)
{
	my $kind = $k % 2 ? 'cancel' : 'timeout';
	my $writeout = ($k % 4) < 2;
	my $name = "run$k";

	if (!$writeout)
	{
		# a random point anywhere in the run; when the machine is faster than
		# the first run said and the run ends ok before it, that run is
		# checked as ok and the point halved
		my $at = 0.02 + rand(0.45 * $whole);
		for my $try (1 .. 5)
		{
			my $rname = $try == 1 ? $name : "${name}_$try";
			my $timeout = $kind eq 'timeout' ? int(1000 * $at) + 1 : 0;
			my ($h, $err, $pid) = start_run($rname, $timeout);
			if ($kind eq 'cancel')
			{
				usleep(int(1e6 * $at));
				psql_value("SELECT pg_cancel_backend($pid)");
			}
			$h->finish;
			if (psql_value("SELECT status FROM tas_bench.runs WHERE name = '$rname'") eq 'ok')
			{
				check_run($rname, 'ok');
				$at /= 2;
				next;
			}
			$name = $rname;
			like($$err, qr/canceling statement due to (user request|statement timeout)/,
				"$name: $kind at a random point (" . sprintf('%.2f s', $at) . ') raises the cancel');
			# the error's CONTEXT says whether it landed in the write-out
			$random_writeout++ if $$err =~ /INSERT INTO tas_bench\.samples/;
			last;
		}
	}
	else
	{
		# during the write-out of the first, second or third chunk of samples:
		# a lock on tas_bench.samples holds the run there until the cancel
		my $chunk = 1 + int(rand(3));
		my $lock = $node->background_psql('postgres');
		my ($h, $err, $pid);
		if ($chunk == 1)
		{
			$lock->query_safe('BEGIN; LOCK TABLE tas_bench.samples IN SHARE MODE');
			($h, $err, $pid) = start_run($name, $kind eq 'timeout' ? $held_timeout_ms : 0);
		}
		else
		{
			($h, $err, $pid) = start_run($name, $kind eq 'timeout' ? $held_timeout_ms : 0);
			my $before = ($chunk - 1) * 50_000;
			$node->poll_query_until('postgres', qq{
				SELECT count(*) >= $before FROM tas_bench.samples s JOIN tas_bench.runs r USING (run_id)
				 WHERE r.name = '$name'});
			$lock->query_safe('BEGIN; LOCK TABLE tas_bench.samples IN SHARE MODE');
		}
		my $blocked = $node->poll_query_until('postgres', qq{
			SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid});
		ok($blocked, "$name: held in the write-out");
		my $stored = psql_value(qq{
			SELECT count(*) FROM tas_bench.samples s JOIN tas_bench.runs r USING (run_id)
			 WHERE r.name = '$name'});
		$in_writeout++ if $blocked;
		if ($kind eq 'cancel')
		{
			psql_value("SELECT pg_cancel_backend($pid)");
			# a second cancel while the run is being stored (interrupts held)
			if ($k % 8 == 0)
			{
				usleep(50_000);
				psql_value("SELECT pg_cancel_backend($pid)");
			}
		}
		else
		{
			# let statement_timeout fire while it waits
			$node->poll_query_until('postgres', qq{
				SELECT status <> 'running' OR clock_timestamp() - started_at > '${held_timeout_ms} ms'::interval + '0.2 s'
				  FROM tas_bench.runs WHERE name = '$name'});
		}
		usleep(100_000);
		$lock->query_safe('COMMIT');
		$lock->quit;
		$h->finish;
		my $at_chunk = int($stored / 50_000) + 1;
		$at_chunk{$at_chunk}++;
		like($$err, qr/canceling statement due to (user request|statement timeout)/,
			"$name: $kind during the write-out of chunk $at_chunk of 4 ($stored samples stored before)");
	}
	$statuses{ check_run($name, 'cancelled', 'failed') }++;
}

# pg_terminate_backend: once at a random point, once during the write-out
for my $k (1 .. 2)
{
	my $name = "term$k";
	my $lock = $node->background_psql('postgres');
	$lock->query_safe('BEGIN; LOCK TABLE tas_bench.samples IN SHARE MODE') if $k == 2;
	my ($h, $err, $pid) = start_run($name, 0);
	is(psql_value(q{SELECT status FROM tas_bench.runs WHERE name = 'term1'}), 'abandoned',
		'the next run marks the run of a terminated backend abandoned') if $k == 2;
	if ($k == 1)
	{
		usleep(int(1e6 * (0.05 + rand(0.4 * $whole))));
	}
	else
	{
		$node->poll_query_until('postgres', qq{
			SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid});
	}
	psql_value("SELECT pg_terminate_backend($pid)");
	$node->poll_query_until('postgres', "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid");
	$lock->query_safe('COMMIT') if $k == 2;
	$lock->quit;
	$h->finish;
	like($$err, qr/terminating connection/, "$name: pg_terminate_backend ends the session");
	is(psql_value("SELECT status FROM tas_bench.runs WHERE name = '$name'"), 'running',
		"$name: left running by its dead backend");
}
is(psql_value('SELECT tas_bench.reap_abandoned()'), '1', 'reap_abandoned marks the second');
$statuses{ check_run("term$_", 'abandoned') }++ for 1 .. 2;
is(psql_value('SELECT tas_bench.reap_abandoned()'), '0', 'a second reap finds nothing');

# the next run reaps too, and never a live one
my ($h, $err, $pid) = start_run('live', 0);
is(psql_value('SELECT tas_bench.reap_abandoned()'), '0', 'a live run is not reaped');
$h->finish;
is(psql_value(q{SELECT status FROM tas_bench.runs WHERE name = 'live'}), 'ok', 'the live run ends ok');
is(psql_value(q{SELECT count(*) FROM tas_bench.runs WHERE status = 'running'}), '0', 'no run left running');

note('statuses seen: ' . join(', ', map { "$_ $statuses{$_}" } sort keys %statuses));
note("cancels and timeouts held in the write-out: $in_writeout of 20, by chunk: "
	  . join(', ', map { "$_: $at_chunk{$_}" } sort keys %at_chunk)
	  . "; of the 10 at random points, $random_writeout landed in the write-out too");
cmp_ok($in_writeout, '>=', 8, 'at least 8 of the 20 landed during the write-out');

$node->stop;
done_testing();
