# 001_dump_restore.pl: results stored in tas_bench's tables survive
# pg_dump / restore (they are registered with pg_extension_config_dump), and
# the restored extension keeps working (the identity sequence continues).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->safe_psql('src', q{
	CREATE EXTENSION tas_bench;
	SELECT tas_bench.bench('SELECT 1', iterations => 50, name => 'a', label => 'base');
	SELECT tas_bench.bench('SELECT 2', iterations => 30, name => 'b', label => 'base');
});
my $before = $node->safe_psql('src', q{
	SELECT string_agg(run_id || ':' || name || ':' || n || ':' || p50_ns, ',' ORDER BY run_id)
	       || '/' || (SELECT count(*) || ':' || sum(ns) FROM tas_bench.samples)
	  FROM tas_bench.runs});

my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('src') ], 'pg_dump');
command_ok([ 'pg_restore', '-d', $node->connstr('dst'), $dump ], 'pg_restore');

my $after = $node->safe_psql('dst', q{
	SELECT string_agg(run_id || ':' || name || ':' || n || ':' || p50_ns, ',' ORDER BY run_id)
	       || '/' || (SELECT count(*) || ':' || sum(ns) FROM tas_bench.samples)
	  FROM tas_bench.runs});
is($after, $before, 'runs and samples identical after dump and restore');

# new runs after the restore get fresh ids
is($node->safe_psql('dst', q{
	SELECT run_id > 2 FROM tas_bench.bench('SELECT 3', iterations => 5)}), 't',
	'run ids continue after restore');

# DROP EXTENSION removes everything, results included
$node->safe_psql('dst', 'DROP EXTENSION tas_bench');
is($node->safe_psql('dst', q{
	SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'tas_bench'::regnamespace)
	     + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'tas_bench'::regnamespace)}),
	'0', 'DROP EXTENSION removes every object, results included');

$node->stop;
done_testing();
