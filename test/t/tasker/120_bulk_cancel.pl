# 120_bulk_cancel.pl: a cancel in each phase of the bulk method (the load,
# an index rebuild, a foreign-key validation) leaves the target exactly as it
# was: the same rows in every table (checksums), the same index and
# constraint definitions, every index valid and every constraint validated,
# no dataset row changed.  A grow that is not cancelled then completes and
# leaves the same definitions.
#
# The phase is read from pg_stat_activity.application_name, which the bulk
# method sets as each phase starts ("tas_bench generate <id>: load",
# ": index <k>/<n> <name>", ": validate <constraint>"); a server-side loop
# polls it every 5 ms and cancels the backend the moment the phase shows.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::standin_node('bulk_cancel');
sub sq { return $node->safe_psql('postgres', $_[0]); }

# the target's state: a checksum per table, index and constraint definitions
# with their validity, the datasets rows
sq(q{
CREATE FUNCTION public.target_state(with_rows boolean DEFAULT true) RETURNS TABLE (what text, state text)
LANGUAGE plpgsql AS $$
DECLARE t text; c text;
BEGIN
  FOREACH t IN ARRAY CASE WHEN with_rows THEN ARRAY['task_namespaces', 'named_tasks', 'named_steps', 'named_tasks_named_steps',
                           'tasks', 'workflow_steps', 'workflow_step_edges', 'task_transitions',
                           'workflow_step_transitions', 'workflow_step_result_audit', 'tasks_dlq'] ELSE '{}'::text[] END LOOP
    EXECUTE format('SELECT count(*) || '' '' || md5(coalesce(string_agg(to_jsonb(r)::text, ''|'' ORDER BY to_jsonb(r)::text), ''''))
                      FROM tasker.%I r', t) INTO c;
    what := 'rows ' || t; state := c; RETURN NEXT;
  END LOOP;
  RETURN QUERY
    SELECT 'index ' || c2.relname, pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid || ' ready=' || i.indisready
      FROM pg_index i JOIN pg_class c2 ON c2.oid = i.indexrelid
     WHERE c2.relnamespace = 'tasker'::regnamespace
    UNION ALL
    SELECT 'constraint ' || k.conname, pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated
      FROM pg_constraint k WHERE k.connamespace = 'tasker'::regnamespace
    UNION ALL
    SELECT 'datasets', string_agg(d.dataset_id || ':' || d.tasks || ':' || d.rows_written::text, ',' ORDER BY d.dataset_id)
      FROM tas_bench.datasets d;
END $$;

-- wait until a backend shows an application_name matching pattern, cancel
-- it, return what it showed
CREATE FUNCTION public.cancel_at(pattern text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE p int; a text; t0 timestamptz := clock_timestamp();
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT s.pid, s.application_name INTO p, a FROM pg_stat_activity s
     WHERE s.application_name ~ pattern AND s.pid <> pg_backend_pid() LIMIT 1;
    EXIT WHEN p IS NOT NULL;
    IF clock_timestamp() - t0 > interval '150 s' THEN
      RETURN 'not seen';
    END IF;
    PERFORM pg_sleep(0.005);
  END LOOP;
  PERFORM pg_cancel_backend(p);
  RETURN a;
END $$;
});

my $ds = sq(q{SELECT dataset_id FROM tas_bench.generate(2000, 3, anchor => '2026-05-01 00:00:00+00', method => 'bulk')});
my $before = sq(q{SELECT string_agg(what || ' = ' || state, E'\n' ORDER BY what) FROM public.target_state()});
my $nindex = sq(q{SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                   WHERE c.relnamespace = 'tasker'::regnamespace});
note("target: dataset $ds, 2000 tasks, $nindex indexes");

# a bulk grow from 2000 to 6000 tasks (indexes dropped and rebuilt), cancelled
# when the phase shows
sub cancel_in_phase
{
	my ($phase, $pattern) = @_;
	my ($in, $out, $err) = ('', '', '');
	my $t0 = time;
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'),
		  '-c', 'SET tas_bench.progress_interval = 0',
		  '-c', "SELECT tasks FROM tas_bench.grow($ds, 6000, 'bulk')" ],
		'<', \$in, '>', \$out, '2>', \$err);
	my $seen = sq("SELECT public.cancel_at('$pattern')");
	$h->finish;
	note("$phase: cancelled at \"$seen\" after " . (time - $t0) . " s");
	isnt($seen, 'not seen', "$phase: the phase showed in pg_stat_activity");
	like($err, qr/canceling statement due to user request/, "$phase: the grow was cancelled");
	is(sq(q{SELECT string_agg(what || ' = ' || state, E'\n' ORDER BY what) FROM public.target_state()}),
	   $before, "$phase: rows, index and constraint definitions and datasets as before");
	is(sq(q{SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
	         WHERE c.relnamespace = 'tasker'::regnamespace AND i.indisvalid AND i.indisready}),
	   $nindex, "$phase: all $nindex indexes there and valid");
}

cancel_in_phase('load', '^tas_bench generate ([0-9]+: load|dataset )');
cancel_in_phase('index build', '^tas_bench generate [0-9]+: index ');
cancel_in_phase('FK validation', '^tas_bench generate [0-9]+: validate ');

# not cancelled: completes, the same definitions
is(sq("SELECT tasks FROM tas_bench.grow($ds, 6000, 'bulk')"), '6000', 'an uncancelled bulk grow completes');
my $defs = q{SELECT string_agg(what || ' = ' || state, E'\n' ORDER BY what) FROM public.target_state(false)
              WHERE what LIKE 'index %' OR what LIKE 'constraint %'};
my $after = sq($defs);
my $expect = join("\n", grep { /^(index|constraint) / } split(/\n/, $before));
is($after, $expect, 'after a completed bulk grow: the same index and constraint definitions, valid');

done_testing();
