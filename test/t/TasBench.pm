# TasBench.pm: shared set-up of the tas_bench TAP tests.
package TasBench;

use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use Test::More;

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
