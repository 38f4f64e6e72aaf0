# 040_compare.pl: validity of the comparison verdicts on a real, noisy
# machine, which pg_regress cannot check (its outputs must not depend on
# timing).
#
# 1. A/A: 20 bench_ab() comparisons of a function with itself give a
#    'faster' or 'slower' verdict at most once.
# 2. A version made 20% slower (the same PL/pgSQL loop plus a calibrated
#    number of extra iterations) is reported 'slower' by bench_ab() in at
#    least 9 of 10 trials.
# 3. The same change between two labelled run_suite() runs is reported
#    'slower' by compare(), with the other verdicts of the suite (new,
#    missing, failed) as expected.
# The A/A false-alarm rate of two runs made one after the other (not
# interleaved) is measured and printed, not asserted: it depends on how much
# the machine drifts between runs (see doc/statistics.md).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::work_node('compare');
$node->safe_psql('postgres', q{
	CREATE FUNCTION tb_steady(n int) RETURNS bigint LANGUAGE plpgsql AS $$
	DECLARE s bigint := 0;
	BEGIN
	    FOR i IN 1 .. n LOOP s := s + i; END LOOP;
	    RETURN s;
	END $$});

my $N = 1000;
my $iters = 3000;
my $params = "SELECT $N FROM generate_series(1, 4)";

# bench_ab of sql_a against sql_b: (verdict, ratio, ci_low, ci_high)
sub ab
{
	my ($sql_a, $sql_b, $name) = @_;
	my $r = $node->safe_psql('postgres', qq{
		SELECT verdict, round(ratio::numeric, 4), round(ratio_ci_low::numeric, 4),
		       round(ratio_ci_high::numeric, 4)
		  FROM tas_bench.bench_ab('$sql_a', '$sql_b', params => '$params',
		                          iterations => $iters, warmup => 50, name => '$name')});
	return split /\|/, $r;
}

sub median
{
	my @s = sort { $a <=> $b } @_;
	return $s[ int($#s / 2) ];
}

# Calibration: the cost of $N more loop iterations relative to a whole call
# (which includes the per-call overhead), measured interleaved, three times.
my @r2;
for my $k (1 .. 3)
{
	my (undef, $ratio) = ab('SELECT tb_work($1)', 'SELECT tb_work($1 * 2)', "calibrate$k");
	push @r2, $ratio;
}
my $r2 = median(@r2);
cmp_ok($r2, '>', 1.3, "calibration: doubling the loop costs more (ratio $r2)");
my $K = int(0.2 * $N / ($r2 - 1) + 0.5);
note("calibration: tb_work(2N)/tb_work(N) = @r2; 20% more work = $K extra iterations");

# 1. A/A with bench_ab
my @aa;
my $aa_alarms = 0;
for my $k (1 .. 20)
{
	my ($v, $ratio, $lo, $hi) = ab('SELECT tb_work($1)', 'SELECT tb_work($1)', "aa$k");
	push @aa, "$v $ratio [$lo, $hi]";
	$aa_alarms++ if $v eq 'faster' || $v eq 'slower';
}
note("A/A bench_ab: $_") for @aa;
TasBench::timing_ok($aa_alarms, '<=', 1, "A/A: $aa_alarms of 20 bench_ab comparisons say faster or slower");

# 2. 20% slower with bench_ab
my @slow;
my $slower = 0;
for my $k (1 .. 10)
{
	my ($v, $ratio, $lo, $hi) =
	  ab('SELECT tb_work($1)', "SELECT tb_work(\$1 + $K)", "slow$k");
	push @slow, "$v $ratio [$lo, $hi]";
	$slower++ if $v eq 'slower';
}
note("20% slower bench_ab: $_") for @slow;
TasBench::timing_ok($slower, '>=', 9, "20% slower: $slower of 10 bench_ab trials say slower");

# A/A with runs made one after the other: measured, not asserted
my $seq = $node->safe_psql('postgres', qq{
	CREATE TEMP TABLE aa AS
	SELECT g,
	       (SELECT run_id FROM tas_bench.bench('SELECT tb_work(\$1)', '$params', $iters, 50,
	                                           name => 'seq_a' || g)) AS a,
	       (SELECT run_id FROM tas_bench.bench('SELECT tb_work(\$1)', '$params', $iters, 50,
	                                           name => 'seq_b' || g)) AS b
	  FROM generate_series(1, 20) g;
	SELECT string_agg(c.verdict || ' ' || round(c.ratio::numeric, 4), ', ' ORDER BY g)
	       || ' => ' || count(*) FILTER (WHERE c.verdict IN ('faster', 'slower'))
	  FROM aa, tas_bench.compare_runs(a, b) c});
note("A/A of sequential runs (compare_runs, not asserted): $seq");

# 3. compare() of two run_suite() runs: 'work' becomes 20% slower,
# 'steady' is unchanged code, 'removed' is only in the baseline, 'added'
# only in the candidate, 'boom' fails in both.
$node->safe_psql('postgres', qq{
	CREATE SCHEMA tap_target;
	CREATE TABLE tap_target.tasks (id int);
	INSERT INTO tas_bench.cases (suite, name, sql, params, iterations, warmup, max_time, ord)
	VALUES ('tap', 'work', 'SELECT tb_work(\$1)', '$params', $iters, 50, NULL, 1),
	       ('tap', 'steady', 'SELECT tb_steady(\$1)', '$params', $iters, 50, NULL, 2),
	       ('tap', 'removed', 'SELECT 1', NULL, 100, 5, NULL, 3),
	       ('tap', 'boom', 'SELECT 1 / 0', NULL, 100, 5, NULL, 4)});
my ($ret, $out, $err) = $node->psql('postgres',
	q{CALL tas_bench.run_suite('tap', label => 'v1', target_schema => 'tap_target')});
is($ret, 0, 'baseline suite run') or diag($err);

# version 2 of tb_work: K more iterations of the same loop
$node->safe_psql('postgres', qq{
	CREATE OR REPLACE FUNCTION tb_work(n int) RETURNS bigint LANGUAGE plpgsql AS \$\$
	DECLARE s bigint := 0;
	BEGIN
	    FOR i IN 1 .. n + $K LOOP s := s + i; END LOOP;
	    RETURN s;
	END \$\$;
	UPDATE tas_bench.cases SET enabled = false WHERE suite = 'tap' AND name = 'removed';
	INSERT INTO tas_bench.cases (suite, name, sql, iterations, warmup, ord)
	VALUES ('tap', 'added', 'SELECT 2', 100, 5, 5)});
($ret, $out, $err) = $node->psql('postgres',
	q{CALL tas_bench.run_suite('tap', label => 'v2', target_schema => 'tap_target')});
is($ret, 0, 'candidate suite run') or diag($err);

my %v = map { split /\|/ } split /\n/, $node->safe_psql('postgres',
	q{SELECT case_name, verdict FROM tas_bench.compare('v1', 'v2')});
note('compare(v1, v2): ' . $node->safe_psql('postgres', q{
	SELECT string_agg(case_name || ' ' || verdict || coalesce(' ' || round(ratio::numeric, 4), '')
	                  || coalesce(' plan_changed=' || plan_changed, ''), ', ')
	  FROM tas_bench.compare('v1', 'v2')}));
TasBench::timing_ok($v{work}, 'eq', 'slower', 'compare of two suite runs: the 20% slower case is slower');
is($v{removed}, 'missing', 'a case only in the baseline is missing');
is($v{added}, 'new', 'a case only in the candidate is new');
is($v{boom}, 'failed', 'a failing case is failed');
ok(defined $v{steady}, "the unchanged case is compared (verdict $v{steady})");

$node->stop;
done_testing();
