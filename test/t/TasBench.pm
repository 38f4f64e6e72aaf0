# TasBench.pm: shared set-up of the tas_bench TAP tests.
package TasBench;

use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use Test::More;

# timing_ok(got, op, bound, name): an assertion on a figure the clock decides
# (a rate of verdicts over trials, a latency bound, a fitted exponent).
# Asserted when TB_TIMING_TESTS=1: bench/validity runs the timing tests so,
# on a machine left alone.  Otherwise (the test command, CI) it is printed,
# held or missed, and not counted: a CI machine shares its CPUs, and what the
# test command asserts must not depend on the clock.  The deterministic
# assertions of the same tests always count.
sub timing_ok
{
	my ($got, $op, $bound, $name) = @_;
	return cmp_ok($got, $op, $bound, $name) if $ENV{TB_TIMING_TESTS};
	my %cmp = (
		'<=' => sub { $_[0] <= $_[1] },
		'>=' => sub { $_[0] >= $_[1] },
		'<' => sub { $_[0] < $_[1] },
		'>' => sub { $_[0] > $_[1] },
		'==' => sub { $_[0] == $_[1] },
		'eq' => sub { $_[0] eq $_[1] });
	die "timing_ok: unknown operator $op" unless $cmp{$op};
	my $held = $cmp{$op}->($got, $bound);
	note(sprintf('timing figure %s (asserted by bench/validity, TB_TIMING_TESTS=1): %s [%s %s %s]',
		$held ? 'holds' : 'MISSED', $name, $got, $op, $bound));
	return $held;
}

# standin_node(name, extra_conf): a started node with tas_bench created and
# the stand-in tasker schema (test/fixtures/tasker/tasker_schema.sql) loaded.
sub standin_node
{
	my ($name, $conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf',
		"shared_buffers = 256MB\ntas_bench.progress_interval = 0\n" . ($conf // ''));
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION tas_bench');
	$node->command_ok(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'),
		  '-f', 'test/fixtures/tasker/tasker_schema.sql' ],
		'stand-in schema loads');
	return $node;
}

# work_node(name): a started node with tas_bench and tb_work(n), a PL/pgSQL
# loop of n additions whose cost is known and steady (the workload of the
# statistics tests).
sub work_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', "tas_bench.progress_interval = 0\n");
	$node->start;
	$node->safe_psql('postgres', q{
		CREATE EXTENSION tas_bench;
		CREATE FUNCTION tb_work(n int) RETURNS bigint LANGUAGE plpgsql AS $$
		DECLARE s bigint := 0;
		BEGIN
		    FOR i IN 1 .. n LOOP s := s + i; END LOOP;
		    RETURN s;
		END $$});
	return $node;
}

1;
