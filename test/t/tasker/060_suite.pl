# 060_suite.pl: the orchestration suite on a 10K-task generated dataset:
# every case ok, each with nested plans naming the tasker tables it reads.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::standin_node('suite');
is($node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.check_target('tasker')}), '0',
	'check_target finds nothing missing');
is($node->safe_psql('postgres', q{SELECT tasks FROM tas_bench.generate(10000, 1)}), '10000',
	'10K tasks generated');
$node->safe_psql('postgres', 'ANALYZE');

my ($ret, $out, $err) = $node->psql('postgres', q{CALL tas_bench.run_suite('orchestration', 'x')});
is($ret, 0, 'run_suite completes');
like($err, qr/suite orchestration: \d+ cases ok, 0 failed/, 'run_suite reports its summary');

my $cases = $node->safe_psql('postgres', q{
	SELECT count(*) FROM tas_bench.runs WHERE label = 'x' AND suite = 'orchestration'});
cmp_ok($cases, '>=', 14, "run_suite recorded $cases cases (>= 14)");
is($node->safe_psql('postgres', q{
	SELECT string_agg(case_name || ':' || status, ', ') FROM tas_bench.runs
	 WHERE label = 'x' AND status <> 'ok'}), '', 'all cases ok');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM tas_bench.runs WHERE label = 'x' AND dataset_tasks = 10000}), $cases,
	'every run records the dataset size');

# nested plans: every case that calls a tasker function touching tables has
# level >= 1 plans naming tasker tables.  The two pure helpers
# (evaluate_step_state_readiness, calculate_step_next_retry_time) are SQL
# functions the planner inlines: they read no table and have no inner plan.
my $missing = $node->safe_psql('postgres', q{
	SELECT string_agg(r.case_name, ', ' ORDER BY r.case_name)
	  FROM tas_bench.runs r
	 WHERE r.label = 'x'
	   AND r.case_name NOT IN ('evaluate_step_state_readiness', 'calculate_step_next_retry_time')
	   AND NOT EXISTS (SELECT 1 FROM tas_bench.plans p
	                    WHERE p.run_id = r.run_id AND p.level >= 1
	                      AND p.relations && ARRAY['tasks', 'task_transitions', 'workflow_steps',
	                                               'workflow_step_edges', 'workflow_step_transitions',
	                                               'named_steps', 'named_tasks', 'task_namespaces'])});
is($missing, '', 'every table-reading case has nested plans naming tasker tables');
my $top = $node->safe_psql('postgres', q{
	SELECT count(*) FROM tas_bench.runs r
	 WHERE r.label = 'x' AND EXISTS (SELECT 1 FROM tas_bench.plans p WHERE p.run_id = r.run_id AND p.level = 0)});
is($top, $cases, 'every case has its top-level plan');
note($node->safe_psql('postgres', q{
	SELECT string_agg(format('%-38s %9s ms  hit %8s  plans %s', case_name, p50_ms, hit_per_call, plans), E'\n')
	  FROM tas_bench.suite_report('x')}));

# the data says there is work: discovery finds tasks, some are blocked
is($node->safe_psql('postgres', q{SELECT rows_per_call > 0 FROM tas_bench.runs
	WHERE label = 'x' AND case_name = 'get_next_ready_tasks_10'}), 't', 'discovery returns tasks');

$node->stop;
done_testing();
