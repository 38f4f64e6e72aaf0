# 110_orchestrator_loop.pl: the orchestrator loop workload under load, with
# its correctness probe, on the stand-in: with 2 and 4 clients, discovery
# (get_next_ready_tasks, which takes no row locks: spec 5.7 / 8.1) hands the
# same task to clients whose transactions overlap, so duplicate claims > 0
# and lost races > 0 (the compare-and-swap of transition_task_state_atomic
# lets one win); with the test fixture variant that locks the base rows
# (test/fixtures/tasker/get_next_ready_tasks_locking.sql) duplicate claims
# and lost races are 0 (a hand-out's window starts at its handed_at, so a
# task handed out again after another client's claim committed is no
# duplicate).  Tasks progress to completion in both.  The built-in workload
# orchestrator_loop runs as a mix (load_mix).  Counts and invariants only,
# no speed.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::standin_node('orchestrator_loop', "max_worker_processes = 8\n");
sub sq { return $node->safe_psql('postgres', $_[0]); }

sub fresh_dataset
{
	sq(q{SELECT tas_bench.cleanup()});
	sq(q{SELECT tas_bench.generate(1500, 7, state_mix => '{"pending": 0.7, "waiting_for_dependencies": 0.1, "complete": 0.2}')});
	sq(q{VACUUM ANALYZE});
}

my %figures;
sub loop_run
{
	my ($clients, $variant) = @_;
	my $row = sq(qq{SELECT run_id, status, calls, errors, handed, claimed, lost_races, duplicate_claims, completed, probe_dropped
	                  FROM tas_bench.orchestrator_loop($clients, '4 s', warmup => '0.5 s', label => '$variant')});
	my ($run, $status, $calls, $errors, $handed, $claimed, $lost, $dups, $completed, $dropped) = split /\|/, $row;
	$figures{"$variant/$clients"} = $row;
	note("$variant, $clients clients: calls $calls, errors $errors, handed $handed, claimed $claimed, lost races $lost, duplicate claims $dups, tasks completed $completed");
	is($status, 'ok', "$variant, $clients clients: the run is ok");
	ok($handed > 0 && $completed > 0, "$variant, $clients clients: tasks handed out ($handed) and completed ($completed)");
	is($claimed + $lost, $handed, "$variant, $clients clients: every hand-out is a claim won or a race lost");
	is($dropped, '0', "$variant, $clients clients: the probe kept every hand-out");
	is(sq(qq{SELECT (SELECT sum(calls) FROM tas_bench.load_intervals WHERE run_id = $run) = $calls}), 't',
		"$variant, $clients clients: intervals add up");
	is(sq(qq{SELECT count(*) FROM tasker.task_transitions
	          WHERE most_recent AND to_state = 'complete' AND processor_uuid = '00000000-0000-7000-8000-7a5be4c00001'}) >= $completed ? 1 : 0,
		1, "$variant, $clients clients: the completed tasks are complete in the data");
	return ($dups, $lost);
}

# the stand-in as it is: discovery locks nothing
for my $clients (2, 4)
{
	fresh_dataset();
	my ($dups, $lost) = loop_run($clients, 'stand-in');
	cmp_ok($dups, '>', 0, "stand-in, $clients clients: duplicate claims > 0 ($dups)");
	cmp_ok($lost, '>', 0, "stand-in, $clients clients: lost races > 0 ($lost)");
}

# the fixture variant that locks the base rows it hands out
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'),
	  '-f', 'test/fixtures/tasker/get_next_ready_tasks_locking.sql' ],
	'the locking variant of get_next_ready_tasks loads');
for my $clients (2, 4)
{
	fresh_dataset();
	my ($dups, $lost) = loop_run($clients, 'locking');
	is($dups, '0', "locking variant, $clients clients: no duplicate claims");
	is($lost, '0', "locking variant, $clients clients: no lost races");
}

# the built-in workload orchestrator_loop as a mix (load_mix): discover and
# work picked by weight, the probe on both, per-statement figures
fresh_dataset();
my $mix = sq(q{SELECT run_id FROM tas_bench.load_mix('orchestrator_loop', clients => 2, duration => '2 s',
                                                     warmup => '200 ms', search_path => 'tasker, public',
                                                     options => '{"probe": 100000}')});
is(sq(qq{SELECT string_agg(s.name || ':' || (s.calls > 0), ',' ORDER BY s.statement)
                || ' ' || (r.handed > 0) || ' ' || (r.claimed + r.lost_races = r.handed) || ' ' || (r.duplicate_claims = 0)
                || ' ' || (r.calls = sum(s.calls)) || ' ' || r.workload
           FROM tas_bench.load_runs r JOIN tas_bench.load_statements s USING (run_id)
          WHERE r.run_id = $mix GROUP BY r.run_id}),
	'discover:true,work:true true true true true orchestrator_loop',
	'the built-in orchestrator_loop mix: both statements ran, tasks handed out, no duplicate claims with the locking variant');

is(sq(q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'tas_bench load%'}), '0', 'no worker left');
$node->stop;
done_testing();
