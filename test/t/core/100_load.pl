# 100_load.pl: tas_bench.load(), concurrent clients as background workers.
# Assertions are about counts, invariants and percentiles against the raw
# per-call log of the test mode, never about speed (the machine is shared):
#  - 2 clients for 5 s on SELECT 1 and on a stand-in tasker function: the
#    intervals' calls add up to the run's, the clients' too, and the
#    histogram percentiles are within 1% of percentile_disc over the raw log;
#  - open loop: a sustainable rate gives about rate x duration calls; a rate
#    the server cannot sustain shows the schedule lag growing interval by
#    interval and the latency including it;
#  - an erroring statement: errors by SQLSTATE with the first message;
#  - cancel of the caller mid-run: every client gone within 1 s, the run
#    stored as cancelled; pg_terminate_backend of a client: the run stored as
#    failed, the client as died; termination of the caller: no client left;
#  - too few worker slots: a clear error before anything runs;
#  - the clients run as the caller's current role (a NOLOGIN role through
#    SET ROLE) under the given search_path, and the run is private to it.
# After each case no tas_bench worker is left (pg_stat_activity).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);
use TasBench;

# 8 slots, of which the logical replication launcher holds one: 7 free
my $node = TasBench::standin_node('load', "max_worker_processes = 8\n");
sub sq { return $node->safe_psql('postgres', $_[0]); }

sub no_workers_left
{
	my ($what) = @_;
	my $left = '';
	for (1 .. 100)
	{
		$left = sq(q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'tas_bench load%'});
		last if $left eq '0';
		usleep(20_000);
	}
	is($left, '0', "$what: no tas_bench worker left");
}

# the invariants of one stored run
sub check_run
{
	my ($run, $what) = @_;
	is(sq(qq{SELECT r.calls = (SELECT sum(calls) FROM tas_bench.load_intervals WHERE run_id = r.run_id)
	               AND r.errors = (SELECT sum(errors) FROM tas_bench.load_intervals WHERE run_id = r.run_id)
	               AND r.calls = (SELECT sum(calls) FROM tas_bench.load_clients WHERE run_id = r.run_id)
	               AND r.errors = (SELECT coalesce(sum(count), 0) FROM tas_bench.load_errors WHERE run_id = r.run_id)
	          FROM tas_bench.load_runs r WHERE run_id = $run}), 't',
		"$what: intervals, clients and errors add up to the run's calls and errors");
	is(sq(qq{SELECT min_ns <= p50_ns AND p50_ns <= p90_ns AND p90_ns <= p95_ns AND p95_ns <= p99_ns
	               AND p99_ns <= p999_ns AND p999_ns <= max_ns
	          FROM tas_bench.load_runs WHERE run_id = $run}), 't', "$what: percentiles ordered");
}

# percentiles of the histogram against percentile_disc of the raw log
sub check_raw
{
	my ($run, $what) = @_;
	my $row = sq(qq{
		WITH raw AS (
		  SELECT percentile_disc(ARRAY[0.5, 0.9, 0.95, 0.99, 0.999, 1.0]) WITHIN GROUP (ORDER BY ns) AS q,
		         count(*) AS n
		    FROM tas_bench.load_samples WHERE run_id = $run)
		SELECT r.raw_logged = r.calls AND raw.n = r.calls,
		       greatest(abs(r.p50_ns::float8 / q[1] - 1), abs(r.p90_ns::float8 / q[2] - 1),
		                abs(r.p95_ns::float8 / q[3] - 1), abs(r.p99_ns::float8 / q[4] - 1),
		                abs(r.p999_ns::float8 / q[5] - 1)),
		       r.max_ns = q[6], r.calls
		  FROM tas_bench.load_runs r, raw WHERE r.run_id = $run});
	my ($complete, $err, $max_same, $calls) = split /\|/, $row;
	SKIP:
	{
		skip("$what: the raw log holds only part of the $calls calls", 2) if $complete ne 't';
		cmp_ok($err, '<=', 0.01, "$what: p50..p99.9 within 1% of the raw log's (worst " . sprintf('%.4f%%', 100 * $err) . ')');
		is($max_same, 't', "$what: max is the raw log's");
	}
}

# 1. closed loop, SELECT 1, 2 clients, 5 s
my $run = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1', clients => 2, duration => '5 s',
                                                warmup => '0.5 s', options => '{"raw_log": 2000000}', name => 'one')});
is(sq(qq{SELECT status || ' ' || clients || ' ' || (calls > 0) || ' ' || errors || ' ' || elapsed_s
          FROM tas_bench.load_runs WHERE run_id = $run}), 'ok 2 true 0 5', 'SELECT 1: ok, 2 clients, 5 s, no errors');
is(sq(qq{SELECT count(*) FROM tas_bench.load_intervals WHERE run_id = $run}), '5', 'SELECT 1: 5 intervals of 1 s');
is(sq(qq{SELECT count(*) FILTER (WHERE status = 'ok' AND calls > 0) FROM tas_bench.load_clients WHERE run_id = $run}),
	'2', 'SELECT 1: both clients ran and ended ok');
check_run($run, 'SELECT 1');
check_raw($run, 'SELECT 1');
note('SELECT 1: ' . sq(qq{SELECT round(tps) || ' tps, p50 ' || p50_ns || ' ns, p99 ' || p99_ns || ' ns'
                          FROM tas_bench.load_runs WHERE run_id = $run}));
no_workers_left('SELECT 1');

# 2. a stand-in tasker function on a generated dataset
sq(q{SELECT tas_bench.generate(500, 1)});
sq(q{VACUUM ANALYZE});
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT * FROM get_task_execution_context($1)',
            params => 'SELECT task_uuid FROM tasks', clients => 2, duration => '5 s', warmup => '0.5 s',
            search_path => 'tasker, public', options => '{"raw_log": 2000000}', name => 'ctx')});
is(sq(qq{SELECT status || ' ' || (calls > 0) || ' ' || errors FROM tas_bench.load_runs WHERE run_id = $run}),
	'ok true 0', 'get_task_execution_context: ok, calls, no errors');
check_run($run, 'get_task_execution_context');
check_raw($run, 'get_task_execution_context');
no_workers_left('stand-in function');

# 3. open loop, sustainable: about rate x duration calls (Poisson: sd = sqrt(400) = 20)
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1', clients => 2, duration => '2 s', rate => 200,
                                            warmup => '0 s', name => 'open-ok')});
my ($calls, $lagok) = split /\|/, sq(qq{SELECT calls, lag_mean_ns IS NOT NULL AND lag_max_ns >= 0
                                         FROM tas_bench.load_runs WHERE run_id = $run});
TasBench::timing_ok(($calls >= 300 && $calls <= 500) ? 1 : 0, '==', 1, "open loop at 200/s for 2 s: $calls calls (300..500)");
is($lagok, 't', 'open loop: schedule lag recorded');
check_run($run, 'open loop');

# 4. open loop beyond capacity: 2 clients of 2 ms calls serve < 1000/s; 2000/s arrive
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT pg_sleep(0.002)', clients => 2, duration => '3 s',
            rate => 2000, warmup => '0 s', options => '{"report_interval": "0.5 s"}', name => 'open-over')});
my $lags = sq(qq{SELECT string_agg(coalesce(lag_max_ns, -1)::text, ',' ORDER BY seq)
                  FROM tas_bench.load_intervals WHERE run_id = $run AND calls > 0});
my @lag = split /,/, $lags;
ok(@lag >= 4 && $lag[-1] > $lag[0] && $lag[-1] > 500_000_000,
	"overloaded open loop: schedule lag grows interval by interval (max per interval, ns: $lags)");
my $grow = 0;
$grow += ($lag[$_] >= $lag[$_ - 1]) for 1 .. $#lag;
ok($grow >= $#lag - 1, "overloaded open loop: the lag rises in (almost) every interval ($grow of $#lag)");
is(sq(qq{SELECT p50_ns > 50 * 2000000 AND mean_ns >= lag_mean_ns AND p99_ns >= lag_p99_ns * 0.99
          FROM tas_bench.load_runs WHERE run_id = $run}), 't',
	'overloaded open loop: latency counts from the scheduled start (it includes the lag)');
check_run($run, 'overloaded open loop');
no_workers_left('open loop');

# 5. an erroring statement: half the calls divide by zero
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1 / (random() < 0.5)::int', clients => 2,
            duration => '1 s', warmup => '0 s', name => 'errors')});
is(sq(qq{SELECT status || ' ' || (calls > 0) || ' ' || (errors > 0) FROM tas_bench.load_runs WHERE run_id = $run}),
	'ok true true', 'erroring statement: the run goes on, calls and errors both counted');
is(sq(qq{SELECT string_agg(sqlstate || ':' || message, ', ') FROM tas_bench.load_errors WHERE run_id = $run}),
	'22012:division by zero', 'erroring statement: errors by SQLSTATE with the first message');
check_run($run, 'erroring statement');

# start a long load in the background; returns its session and the leader's pid
sub start_long
{
	my ($name) = @_;
	my $bg = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $bg->query_safe('SELECT pg_backend_pid()');
	$bg->query_until(qr/started/, qq{\\echo started
SELECT run_id FROM tas_bench.load('SELECT pg_sleep(0.001)', clients => 3, duration => '60 s', warmup => '0 s', name => '$name');
});
	$node->poll_query_until('postgres', q{
		SELECT count(*) = 3 FROM pg_stat_activity WHERE backend_type = 'tas_bench load client'
		   AND state = 'active'});
	usleep(1_500_000);
	return ($bg, $pid);
}

# 6. cancel of the caller: every client stops within 1 s; the run is kept as cancelled
{
	my ($bg, $pid) = start_long('cancelled');
	my $t0 = time;
	sq(qq{SELECT pg_cancel_backend($pid)});
	my $left;
	for (1 .. 200)
	{
		$left = sq(q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tas_bench load client'});
		last if $left eq '0';
		usleep(5_000);
	}
	my $took = time - $t0;
	is($left, '0', 'cancel: no client left');
	TasBench::timing_ok($took, '<', 1.0, sprintf('cancel: every client gone within 1 s (%.2f s)', $took));
	$node->poll_query_until('postgres', qq{SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid AND state = 'active'});
	like($bg->query('SELECT 1'), qr/1/, 'cancel: the session is usable again');
	like($bg->{stderr}, qr/canceling statement due to user request/, 'cancel: the caller gets the cancel error');
	is(sq(q{SELECT status || ' ' || (calls > 0) || ' ' || (elapsed_s < 30) || ' ' || (error LIKE 'canceling%')
	         FROM tas_bench.load_runs WHERE name = 'cancelled'}), 'cancelled true true true',
		'cancel: the partial run is stored as cancelled with its calls');
	check_run(sq(q{SELECT run_id FROM tas_bench.load_runs WHERE name = 'cancelled'}), 'cancelled run');
	$bg->quit;
	no_workers_left('cancel');
}

# 7. pg_terminate_backend of a client: the run is stored as failed
{
	my ($bg, $pid) = start_long('client-killed');
	my $victim = sq(q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'tas_bench load client' LIMIT 1});
	sq(qq{SELECT pg_terminate_backend($victim)});
	$node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM tas_bench.load_runs WHERE name = 'client-killed'});
	$node->poll_query_until('postgres', qq{SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid AND state = 'active'});
	$bg->quit;
	is(sq(q{SELECT status || ' ' || (error LIKE 'client % ended during the run') FROM tas_bench.load_runs WHERE name = 'client-killed'}),
		'failed true', 'terminated client: the run is stored as failed, saying which client');
	is(sq(qq{SELECT string_agg(c.status, ',') FILTER (WHERE c.pid = $victim)
	          FROM tas_bench.load_clients c JOIN tas_bench.load_runs r USING (run_id) WHERE r.name = 'client-killed'}),
		'died', 'terminated client: recorded as died');
	no_workers_left('terminated client');
}

# 8. termination of the caller itself: no client outlives it
{
	my ($bg, $pid) = start_long('caller-killed');
	my $t0 = time;
	sq(qq{SELECT pg_terminate_backend($pid)});
	my $left;
	for (1 .. 200)
	{
		$left = sq(q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tas_bench load client'});
		last if $left eq '0';
		usleep(5_000);
	}
	is($left, '0', sprintf('terminated caller: no client left (%.2f s)', time - $t0));
	eval { $bg->quit; };
}

# 9. too few worker slots: before anything runs
my ($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', clients => 9, duration => '1 s')});
like($err, qr/load needs 9 background workers, but max_worker_processes is 8.*HINT:  Raise max_worker_processes/s,
	'clients > max_worker_processes: error naming it, with a hint');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', clients => 8, duration => '1 s', name => 'toomany')});
like($err, qr/load needs 8 background workers, but only 7 could be started/, 'no free slot for every client: error');
like($err, qr/max_worker_processes = 8/, 'the error names max_worker_processes');
is(sq(q{SELECT count(*) FROM tas_bench.load_runs WHERE name = 'toomany'}), '0', 'nothing ran, nothing stored');
no_workers_left('too few slots');

# 10. argument errors name the argument and its range
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', clients => 0)});
like($err, qr/argument clients must be between 1 and 256, not 0/, 'clients out of range');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', rate => -1)});
like($err, qr/argument rate must be greater than 0/, 'rate out of range');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', mode => 'shared')});
like($err, qr/argument mode must be 'commit' or 'rollback'/, 'mode not accepted');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELEC 1')});
like($err, qr/syntax error/, 'a statement that does not parse fails before any worker starts');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', options => '{"raw_logs": 1}')});
like($err, qr/argument options: unknown key "raw_logs".*HINT:  Accepted keys: report_interval/s, 'an unknown option is refused, naming the accepted keys');
($ret, $out, $err) = $node->psql('postgres', q{SELECT tas_bench.load('SELECT 1', options => '{"report_interval": "10 ms"}')});
like($err, qr/option report_interval must be between 100 ms and 1 hour/, 'report_interval out of range');
no_workers_left('argument errors');

# 11. the caller's role (NOLOGIN, through SET ROLE) and the given search_path
sq(q{CREATE ROLE tb_load_role NOLOGIN; CREATE ROLE tb_other NOLOGIN;
    CREATE SCHEMA tb_sp AUTHORIZATION tb_load_role;
    CREATE FUNCTION tb_sp.whoami() RETURNS int LANGUAGE sql AS $$ SELECT 1 / (current_user = 'tb_load_role')::int $$;
    ALTER FUNCTION tb_sp.whoami() OWNER TO tb_load_role});
is(sq(q{SET ROLE tb_load_role;
       SELECT status || ' ' || (calls > 0) || ' ' || errors || ' ' || owner
         FROM tas_bench.load('SELECT whoami()', clients => 2, duration => '1 s', warmup => '0 s',
                             search_path => 'tb_sp', name => 'role')}), 'ok true 0 tb_load_role',
	'the clients run as the caller\'s current role under the given search_path; the run is owned by it');
is(sq(q{SET ROLE tb_other; SELECT count(*) FROM tas_bench.load_runs WHERE name = 'role'}), '0',
	'another role does not see the run');
is(sq(q{SET ROLE tb_other; SELECT count(*) FROM tas_bench.load_intervals i JOIN tas_bench.load_runs r USING (run_id)
       WHERE r.name = 'role'}), '0', 'nor its intervals');
($ret, $out, $err) = $node->psql('postgres', q{SET ROLE tb_load_role; INSERT INTO tas_bench.load_runs (sql, mode, clients, duration, warmup, report_interval, seed, status, started_at, finished_at, elapsed_s, calls, errors, owner) VALUES ('x', 'commit', 1, '1 s', '0', '1 s', 1, 'ok', now(), now(), 1, 0, 0, 'tb_load_role')});
like($err, qr/permission denied/, 'a role cannot write a load run directly');
no_workers_left('role');

# 12. ramp-up: one committed load per step, and the saturation report's rule
my ($rret, $rout, $rerr) = $node->psql('postgres', q{CALL tas_bench.run_ramp('SELECT count(*) FROM generate_series(1, 2000)',
                                                      '{1,2,4}', '1 s', 'ramp-1', warmup => '0.2 s')});
is($rret, 0, 'run_ramp completes');
like($rerr, qr/ramp ramp-1: step 3 of 3, 4 clients: [\d.]+ calls\/s/, 'run_ramp reports each step');
is(sq(q{SELECT string_agg(ramp_step || ':' || clients || ':' || status, ',' ORDER BY ramp_step)
          FROM tas_bench.load_runs WHERE label = 'ramp-1'}), '1:1:ok,2:2:ok,3:4:ok', 'one stored run per step');
my @rep = split /\n/, sq(q{SELECT step, clients, tps, p95_ms, coalesce(tps_gain::text, ''), coalesce(p95_change::text, ''),
                                  saturated, saturation_point FROM tas_bench.saturation_report('ramp-1')});
is(scalar(@rep), 3, 'saturation_report: a row per step');
note("saturation_report('ramp-1'):\n" . join("\n", @rep));
{
	my ($points, $seen, $suffix, $rule) = (0, 0, 1, 1);
	my @r = map { [ split /\|/ ] } @rep;
	for my $i (0 .. $#r)
	{
		my ($sat, $pt) = ($r[$i][6], $r[$i][7]);
		$points++ if $pt eq 't';
		$suffix = 0 if $seen && $sat ne 't';
		$seen = 1 if $sat eq 't';
		if ($i < $#r)
		{
			my $next_slow = $r[ $i + 1 ][4] < 0.10 && $r[ $i + 1 ][5] > 0;
			# the point is the first step whose next step gains < 10% while p95 rises
			$rule = 0 if $pt eq 't' && !$next_slow;
			$rule = 0 if $pt ne 't' && $next_slow && $points == 0;
		}
	}
	ok($points <= 1, "saturation_report: at most one saturation point ($points)");
	ok($suffix, 'saturation_report: the saturated steps are the point and those after it');
	ok($rule, 'saturation_report: the point follows the stated rule');
}
($rret, $rout, $rerr) = $node->psql('postgres', q{CALL tas_bench.run_ramp('SELECT 1', '{2,1}')});
like($rerr, qr/argument clients must be increasing client counts between 1 and 256/, 'run_ramp: decreasing clients refused');
no_workers_left('ramp');

$node->stop;
done_testing();
