# 130_profile_tasker.pl: the acceptance of issue 16 on a 10K-task stand-in
# dataset.  profile('SELECT * FROM tasker.get_next_ready_tasks(5)') names the
# statements and PL/pgSQL lines that take the time, its self times account
# for the measured total within 10%, the nested
# get_task_execution_contexts_batch appears with its calls per outer call;
# with pg_stat_statements preloaded (track = all) its delta is exact; and
# none of the orchestration suite's functions is flagged as leaking memory.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::standin_node('profile_tasker',
	"shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n");
$node->safe_psql('postgres', 'CREATE EXTENSION pg_stat_statements');
is($node->safe_psql('postgres', q{SELECT tasks FROM tas_bench.generate(10000, 1)}), '10000', '10K tasks generated');
$node->safe_psql('postgres', 'ANALYZE');

my $pid = $node->safe_psql('postgres', q{
	SELECT tas_bench.profile('SELECT * FROM get_next_ready_tasks(5)', iterations => 30, label => 'acc',
	                         search_path => 'tasker, public')});
note($node->safe_psql('postgres', qq{
	SELECT string_agg(format('%-9s %-96s %7s %7s %9s %9s %6s', section, item, coalesce(calls::text, ''),
	                         coalesce(per_call::text, ''), coalesce(total_ms::text, ''),
	                         coalesce(self_ms::text, ''), coalesce(self_pct::text, '')), E'\n')
	  FROM tas_bench.profile_report($pid)}));

# self times account for the measured total within 10%
my $cover = $node->safe_psql('postgres', qq{
	SELECT round(100.0 * attributed_ns / measured_ns, 1) FROM tas_bench.profile_runs WHERE run_id = $pid});
cmp_ok($cover, '>=', 90, "self times account for $cover% of the measured total (>= 90%)");
is($node->safe_psql('postgres', qq{
	SELECT sum(self_ns) = (SELECT attributed_ns FROM tas_bench.profile_runs WHERE run_id = $pid)
	  FROM tas_bench.profile_statements WHERE run_id = $pid}), 't', 'the statements\' self times add up exactly');

# the nested batch function: called once per outer call, from get_next_ready_tasks
is($node->safe_psql('postgres', qq{
	SELECT calls / 30.0 FROM tas_bench.profile_calls
	 WHERE run_id = $pid AND caller = 'tasker.get_next_ready_tasks(integer)'
	   AND callee = 'tasker.get_task_execution_contexts_batch(uuid[])'}), '1.00000000000000000000',
	'call graph: get_next_ready_tasks -> get_task_execution_contexts_batch, 1 call per outer call');
is($node->safe_psql('postgres', qq{
	SELECT s.level || ':' || s.calls / 30
	  FROM tas_bench.profile_statements s
	  JOIN tas_bench.profile_statements p ON p.run_id = s.run_id AND p.stmt_id = s.parent_id
	 WHERE s.run_id = $pid AND s.statement ~ '^WITH req AS MATERIALIZED'
	   AND p.statement ~ 'get_task_execution_contexts_batch\\(ARRAY'}), '2:1',
	'statement tree: the batch function\'s query at level 2, under the outer query that calls it, once per call');

# the statements and lines that take the time: the biggest self time is named
my $top = $node->safe_psql('postgres', qq{
	SELECT level, round(100.0 * self_ns / sum(self_ns) OVER (), 0) >= 1
	  FROM tas_bench.profile_statements WHERE run_id = $pid ORDER BY self_ns DESC LIMIT 1});
like($top, qr/^[0-9]+\|t$/, 'the statement with the most self time is named');
is($node->safe_psql('postgres', qq{
	SELECT string_agg(DISTINCT function, ',' ORDER BY function) FROM tas_bench.profile_lines WHERE run_id = $pid}),
	'tasker.get_next_ready_tasks(integer),tasker.get_task_execution_contexts_batch(uuid[])',
	'lines of both PL/pgSQL functions');
is($node->safe_psql('postgres', qq{
	SELECT bool_and(source ~ 'RETURN QUERY') FROM (
	  SELECT DISTINCT ON (function) function, source FROM tas_bench.profile_lines
	   WHERE run_id = $pid ORDER BY function, self_ns DESC) l}), 't',
	'in each function the RETURN QUERY line takes the most self time');

# pg_stat_statements: the profile's delta is exact for the statements it ran
is($node->safe_psql('postgres', qq{
	SELECT count(*) FILTER (WHERE exact) >= 3 AND count(*) FILTER (WHERE NOT exact) = 0
	  FROM tas_bench.run_statements WHERE run_table = 'profile_runs' AND run_id = $pid}), 't',
	'run_statements: the outer statement and its nested ones, exact');

# the suite's functions do not leak: each case profiled for 20 calls (the fewest that get a verdict)
$node->safe_psql('postgres', q{
	DO $$
	DECLARE c record;
	BEGIN
	  FOR c IN SELECT * FROM tas_bench.cases
	            WHERE suite = 'orchestration' AND enabled AND mode <> 'commit' ORDER BY ord, name LOOP
	    PERFORM tas_bench.profile(c.sql, c.params, 20, c.name, 'leakcheck',
	                              coalesce(c.search_path, 'tasker, public'));
	  END LOOP;
	END $$});
my $checked = $node->safe_psql('postgres', q{
	SELECT count(*) FROM tas_bench.profile_runs p
	  JOIN tas_bench.run_memory m ON m.run_table = 'profile_runs' AND m.run_id = p.run_id
	 WHERE p.label = 'leakcheck' AND m.leak IS NOT NULL});
cmp_ok($checked, '>=', 10, "$checked suite cases checked, each with a verdict");
is($node->safe_psql('postgres', q{
	SELECT coalesce(string_agg(p.name || ': ' || m.grown_context, ', '), '')
	  FROM tas_bench.profile_runs p
	  JOIN tas_bench.run_memory m ON m.run_table = 'profile_runs' AND m.run_id = p.run_id
	 WHERE p.label = 'leakcheck' AND m.leak}), '', 'no function of the orchestration suite is flagged as leaking');
note($node->safe_psql('postgres', q{
	SELECT string_agg(format('%-40s before %s peak %s after %s growth/1000 calls %s', p.name, m.before_bytes,
	                         m.peak_bytes, m.after_bytes, round(m.growth_per_1000_calls)), E'\n' ORDER BY p.name)
	  FROM tas_bench.profile_runs p
	  JOIN tas_bench.run_memory m ON m.run_table = 'profile_runs' AND m.run_id = p.run_id
	 WHERE p.label = 'leakcheck'}));

$node->stop;
done_testing();
