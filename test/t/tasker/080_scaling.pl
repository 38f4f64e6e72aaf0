# 080_scaling.pl: run_scaling over 1K, 2K, 4K, 8K and 16K tasks on the stand-in.
# One fit row per case with a finite exponent; a case whose cost is linear
# by construction fits O(n) with an exponent whose interval holds 1 and not 0; a primary-key lookup fits O(1) or O(log n); no class is chosen
# whose own exponent lies below the interval (a fixed cost can only flatten the
# measured growth), and three sizes give no class at all.
#
# The linear case streams 5 integers per task through a count (pure CPU, no
# memory growth; calls stay short, so scheduler preemption on a loaded
# machine does not bend the law at the largest size).  A count over every generated step is reported too, but
# not asserted: on this machine its cost per row grows once the table no
# longer fits the CPU caches (measured exponent about 1.15), which is a real
# effect, not the fit's.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

# no parallel plans: they change the cost law of a scan with the table size
my $node = TasBench::standin_node('scaling', "max_parallel_workers_per_gather = 0\n");

# a lighter copy of the orchestration suite plus two cases with known laws
$node->safe_psql('postgres', q{
	INSERT INTO tas_bench.cases (suite, name, ord, sql, params, iterations, warmup, mode, description)
	SELECT 'scale', name, ord, sql, params, least(iterations, 60), least(warmup, 5), mode, description
	  FROM tas_bench.cases WHERE suite = 'orchestration';
	INSERT INTO tas_bench.cases (suite, name, ord, sql, params, iterations, warmup) VALUES
	  ('scale', 'count_all_steps', 100, 'SELECT count(*) FROM workflow_steps', NULL, 40, 3),
	  ('scale', 'linear_by_construction', 99,
	   'SELECT count(*) FROM (SELECT generate_series(1, 5 * (SELECT count(*) FROM tasks)::int)) s',
	   NULL, 100, 5),
	  ('scale', 'task_by_pk', 101, 'SELECT * FROM tasks WHERE task_uuid = $1',
	   'SELECT task_uuid FROM tas_bench.sample_tasks(50)', 1000, 50);
});

my ($ret, $out, $err) = $node->psql('postgres',
	q{CALL tas_bench.run_scaling('scale', '{16000,1000,4000,2000,8000}', 'tap', capture_plans => false)});
is($ret, 0, 'run_scaling completes') or diag($err);
is($node->safe_psql('postgres', q{SELECT string_agg(DISTINCT dataset_tasks::text, ',' ORDER BY dataset_tasks::text)
	FROM tas_bench.runs WHERE label = 'tap'}), '1000,16000,2000,4000,8000', 'runs at the five sizes');
is($node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.datasets}), '1',
	'one dataset, grown rather than regenerated');
is($node->safe_psql('postgres', q{SELECT count(*) FROM tasker.tasks}), '16000', '16K tasks at the end');

my $cases = $node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.cases WHERE suite = 'scale'});
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM tas_bench.scaling_fit('tap', 'scale')
	 WHERE exponent IS NOT NULL AND exponent::text NOT IN ('NaN', 'Infinity', '-Infinity') AND sizes = 5}),
	$cases, "one fit row with a finite exponent for each of the $cases cases");

my $lin = $node->safe_psql('postgres', q{
	SELECT round(exponent::numeric, 3) || '|' || round(exponent_ci_low::numeric, 3) || '|'
	       || round(exponent_ci_high::numeric, 3) || '|' || best_fit
	  FROM tas_bench.scaling_fit('tap', 'scale') WHERE case_name = 'linear_by_construction'});
my ($e, $lo, $hi, $fit) = split /\|/, $lin;
# the point estimate alone is printed: a backend moved to the slower vCPU
# part-way through the sizes bends it (1.28 and 1.30 seen on PG 18); what is
# asserted is its interval and the class
note("linear case: exponent $e");
TasBench::timing_ok(($lo <= 1 && $hi >= 1 && $lo > 0) ? 1 : 0, '==', 1, "linear case: interval [$lo, $hi] holds 1 and not 0");
TasBench::timing_ok($fit, 'eq', 'O(n)', 'linear case fits O(n)');
is($node->safe_psql('postgres', q{
	SELECT coalesce(string_agg(case_name || ' ' || best_fit || ' [' || round(exponent_ci_low::numeric, 2) || ', '
	                           || round(exponent_ci_high::numeric, 2) || ']', '; '), '')
	  FROM tas_bench.scaling_fit('tap', 'scale')
	 WHERE best_fit <> 'inconclusive'
	   AND CASE best_fit WHEN 'O(1)' THEN 0 WHEN 'O(log n)' THEN 0 WHEN 'O(n)' THEN 1
	                     WHEN 'O(n log n)' THEN 1 ELSE 2 END < exponent_ci_low - 0.2}), '',
	'no class whose own exponent lies below the interval');

# A lookup costs about 3 us; a jump of a microsecond or two at one size (seen
# once in several runs on this machine) is enough for a convex class to fit
# best.  What must hold is that it does not grow like the data: a class of
# O(1) or O(log n), or else an exponent below 0.3 (at most 2.3x over 16x n).
my ($pk, $pke) = split /\|/, $node->safe_psql('postgres', q{
	SELECT best_fit, round(exponent::numeric, 3) FROM tas_bench.scaling_fit('tap', 'scale')
	 WHERE case_name = 'task_by_pk'});
TasBench::timing_ok(($pk =~ /^O\((1|log n)\)$/ || $pke < 0.3) ? 1 : 0, '==', 1,
	"primary-key lookup does not grow with the data: $pk, exponent $pke");

note($node->safe_psql('postgres', q{
	SELECT string_agg(format('%-38s %-40s %-20s %s', case_name, p50_ms_by_tasks, exponent, best_fit), E'\n')
	  FROM tas_bench.scaling_report('tap', 'scale')}));

$node->stop;
done_testing();
