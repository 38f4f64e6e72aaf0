# 105_load_mix.pl: mixes (load_mix over tas_bench.workloads), rate schedules
# (sustained and burst load), and the rules that read their intervals.
# Assertions are about counts, shares, invariants and the rules themselves,
# never about speed (the machine is shared):
#  - a mix of weights 3:1 runs its statements in a 3:1 share (within 0.05);
#    the statements' calls and errors add up to the run's; a failing
#    statement's errors are counted under it; the picks are seeded (the
#    same seed, the same sequence of statements);
#  - load() stores its one statement too; run_ramp takes a workload name;
#  - a burst schedule: the intervals carry the scheduled rate, the burst's
#    intervals complete many more calls than those before it; a burst the
#    server can absorb and one it cannot: load_bursts reports each (baseline,
#    recovery or "not recovered"), and the run holds the worst recovery;
#  - load_drift's rule on stored intervals with a known trend and without;
#  - bad rate_schedule, weights, unknown workload, another role's statements:
#    clear errors before any worker starts;
#  - no tas_bench worker is left (pg_stat_activity).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use TasBench;

my $node = TasBench::standin_node('load_mix', "max_worker_processes = 8\n");
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

sub fails_like
{
	my ($sql, $re, $what) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', $sql);
	isnt($ret, 0, "$what: fails");
	like($err, $re, "$what: the error says why");
}

# ---------------------------------------------------------------- a mix
sq(q{INSERT INTO tas_bench.workloads (workload, name, sql, params, weight) VALUES
       ('mix', 'a', 'SELECT 1', NULL, 3),
       ('mix', 'b', 'SELECT $1::int + 1', 'SELECT g FROM generate_series(1, 10) g', 1)});
my $run = sq(q{SELECT run_id FROM tas_bench.load_mix('mix', clients => 2, duration => '2 s',
                                                     warmup => '200 ms', name => 'mix')});
like($run, qr/^\d+$/, 'load_mix stores a run');
is(sq(qq{SELECT status || ' ' || statements || ' ' || workload FROM tas_bench.load_runs WHERE run_id = $run}),
	'ok 2 mix', 'the run names its workload and its 2 statements');
is(sq(qq{SELECT r.calls = sum(s.calls) AND r.errors = sum(s.errors) AND r.calls > 100
           FROM tas_bench.load_runs r JOIN tas_bench.load_statements s USING (run_id)
          WHERE r.run_id = $run GROUP BY r.calls, r.errors}), 't',
	'the statements\' calls and errors add up to the run\'s');
my ($share, $n) = split /\|/, sq(qq{
	SELECT round((sum(calls) FILTER (WHERE name = 'a'))::numeric / sum(calls), 4), sum(calls)
	  FROM tas_bench.load_statements WHERE run_id = $run});
cmp_ok(abs($share - 0.75), '<=', 0.05, "weights 3:1: statement a has $share of $n calls (0.75 +- 0.05)");
is(sq(qq{SELECT bool_and(p50_ns <= p95_ns AND p95_ns <= p99_ns AND p99_ns <= max_ns AND calls > 0)
           FROM tas_bench.load_statements WHERE run_id = $run}), 't', 'per-statement percentiles ordered');
is(sq(qq{SELECT string_agg(name || '\@' || weight, ',' ORDER BY statement)
           FROM tas_bench.load_statements WHERE run_id = $run}), 'a@3,b@1', 'statements stored with their weights');

# the picks are seeded: the same seed gives the same sequence of statements
sq(q{CREATE TABLE det_log (id bigserial PRIMARY KEY, name text NOT NULL)});
sq(q{INSERT INTO tas_bench.workloads (workload, name, sql, weight) VALUES
       ('det', 'a', 'INSERT INTO public.det_log (name) VALUES (''a'')', 1),
       ('det', 'b', 'INSERT INTO public.det_log (name) VALUES (''b'')', 2)});
my %seq;
for my $seed (5, 5, 6)
{
	sq(q{TRUNCATE det_log RESTART IDENTITY});
	sq(qq{SELECT tas_bench.load_mix('det', clients => 1, duration => '300 ms', warmup => '0 s',
	                                options => '{"seed": $seed}')});
	push @{ $seq{$seed} }, sq(q{SELECT string_agg(name, '' ORDER BY id) FROM (SELECT * FROM det_log ORDER BY id LIMIT 60) l});
}
is(length($seq{5}[0]), 60, 'the seeded mix made at least 60 calls');
is($seq{5}[0], $seq{5}[1], 'the same seed: the same sequence of statements');
isnt($seq{6}[0], $seq{5}[0], 'another seed: another sequence');

# a statement that fails: its errors are its own
sq(q{INSERT INTO tas_bench.workloads (workload, name, sql, weight) VALUES
       ('mixerr', 'ok', 'SELECT 1', 1), ('mixerr', 'zero', 'SELECT 1 / 0', 1)});
$run = sq(q{SELECT run_id FROM tas_bench.load_mix('mixerr', clients => 2, duration => '1 s', warmup => '0 s')});
is(sq(qq{SELECT s.calls = 0 AND s.errors > 0 AND s.errors = r.errors
                AND (SELECT count FROM tas_bench.load_errors e WHERE e.run_id = r.run_id AND e.sqlstate = '22012') = r.errors
           FROM tas_bench.load_runs r JOIN tas_bench.load_statements s USING (run_id)
          WHERE r.run_id = $run AND s.name = 'zero'}), 't',
	'a failing statement: its errors are counted under it and by SQLSTATE');
is(sq(qq{SELECT s.calls = r.calls AND s.errors = 0
           FROM tas_bench.load_runs r JOIN tas_bench.load_statements s USING (run_id)
          WHERE r.run_id = $run AND s.name = 'ok'}), 't', 'the other statement ran without errors');

# load() stores its one statement
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1', clients => 1, duration => '500 ms', warmup => '0 s')});
is(sq(qq{SELECT count(*) = 1 AND min(s.calls) = min(r.calls) AND min(s.sql) = 'SELECT 1'
           FROM tas_bench.load_runs r JOIN tas_bench.load_statements s USING (run_id) WHERE r.run_id = $run}),
	't', 'load(): one statement row with the run\'s calls');

# run_ramp over a workload
sq(q{CALL tas_bench.run_ramp('mix', '{1,2}', '500 ms', 'mixramp', warmup => '0 s')});
is(sq(q{SELECT string_agg(clients || ':' || statements || ':' || workload, ',' ORDER BY ramp_step)
          FROM tas_bench.load_runs WHERE label = 'mixramp'}), '1:2:mix,2:2:mix', 'run_ramp runs a workload by name');
is(sq(q{SELECT count(*) FROM tas_bench.saturation_report('mixramp')}), '2', 'saturation_report reads the workload ramp');
no_workers_left('mixes');

# ---------------------------------------------------------------- bursts
# a burst the server absorbs: SELECT 1 at 200/s, 2000/s for 1 s, 200/s
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1', clients => 2, warmup => '200 ms',
                                              rate_schedule => '{200:2s, 2000:1s, 200:2s}',
                                              options => '{"report_interval": "500 ms"}')});
is(sq(qq{SELECT rate_schedule || ' ' || elapsed_s || ' ' || round(rate::numeric)
           FROM tas_bench.load_runs WHERE run_id = $run}), '{200:2s,2000:1s,200:2s} 5 560',
	'the schedule is stored canonical; the window is its length, rate its mean');
is(sq(qq{SELECT string_agg(rate || '\@' || offset_s || '+' || length_s, ',' ORDER BY phase)
           FROM tas_bench.load_phases WHERE run_id = $run}), '200@0+2,2000@2+1,200@3+2', 'the phases are stored');
is(sq(qq{SELECT string_agg(round(rate)::text, ',' ORDER BY seq) FROM tas_bench.load_intervals WHERE run_id = $run}),
	'200,200,200,200,2000,2000,200,200,200,200', 'each interval carries its scheduled rate');
my $ratio = sq(qq{SELECT round((avg(calls) FILTER (WHERE rate = 2000) / avg(calls) FILTER (WHERE rate = 200 AND seq <= 4))::numeric, 2)
                    FROM tas_bench.load_intervals WHERE run_id = $run});
cmp_ok($ratio, '>=', 5, "the burst's intervals complete more calls: x$ratio the intervals before (rate x10)");
is(sq(qq{SELECT count(*) || ' ' || bool_and(baseline_p95_ns > 0) || ' ' || bool_and(note IS NOT NULL)
                || ' ' || bool_and(recovery_s IS NULL OR recovery_s >= 0)
           FROM tas_bench.load_bursts($run)}), '1 true true true', 'load_bursts: one burst, with a baseline and a verdict');
is(sq(qq{SELECT r.bursts = 1 AND r.bursts_recovered = (SELECT count(*) FROM tas_bench.load_bursts(r.run_id) b WHERE b.recovery_s IS NOT NULL)
                AND r.recovery_s IS NOT DISTINCT FROM (SELECT CASE WHEN bool_and(b.recovery_s IS NOT NULL) THEN max(b.recovery_s) END
                                                        FROM tas_bench.load_bursts(r.run_id) b)
           FROM tas_bench.load_runs r WHERE r.run_id = $run}), 't', 'the run holds the bursts and the worst recovery');
is(sq(qq{SELECT r.calls = sum(i.calls) FROM tas_bench.load_runs r JOIN tas_bench.load_intervals i USING (run_id)
          WHERE r.run_id = $run GROUP BY r.calls}), 't', 'burst run: the intervals add up to the run');

# a burst the server cannot absorb: 2 clients of pg_sleep(10 ms) serve at most
# 200/s; 400/s for 1 s leaves a backlog that takes time to drain
$run = sq(q{SELECT run_id FROM tas_bench.load('SELECT pg_sleep(0.01)', clients => 2, warmup => '200 ms',
                                              rate_schedule => '{20:2s,400:1s,20:4s}',
                                              options => '{"report_interval": "250 ms"}')});
my ($rec, $base, $peak, $note) = split /\|/, sq(qq{SELECT coalesce(recovery_s::text, 'none'), baseline_p95_ns, peak_p95_ns, note
                                                      FROM tas_bench.load_bursts($run)});
cmp_ok($peak, '>', 2 * $base, "an overload burst raises p95 above 2x the baseline (peak $peak ns, baseline $base ns)");
ok($rec eq 'none' ? $note =~ /^not recovered/ : $rec > 0,
	"an overload burst: recovery takes time or is reported as not recovered ($rec s: $note)");
no_workers_left('bursts');

# ---------------------------------------------------------------- drift
# the rule on stored intervals: a run whose tps falls by half, and a flat one
# (rows written here directly, as the recorder would)
my $ins_run = q{INSERT INTO tas_bench.load_runs (sql, mode, clients, duration, warmup, report_interval, seed, status,
                  started_at, finished_at, elapsed_s, calls, errors, owner)
                VALUES ('SELECT 1', 'commit', 1, '10 s', '0 s', '1 s', 1, 'ok', now(), now(), 10, 0, 0, current_user)
                RETURNING run_id};
my $falling = sq($ins_run);
sq(qq{INSERT INTO tas_bench.load_intervals (run_id, seq, offset_s, length_s, calls, errors, tps, mem_bytes)
      SELECT $falling, g, g - 1, 1, 1000 - 50 * g + (g % 2) * 10, 0, 1000 - 50 * g + (g % 2) * 10, 1000000 + 100 * (g % 3)
        FROM generate_series(1, 10) g});
my $flat = sq($ins_run);
sq(qq{INSERT INTO tas_bench.load_intervals (run_id, seq, offset_s, length_s, calls, errors, tps, mem_bytes)
      SELECT $flat, g, g - 1, 1, 1000 + (g % 2) * 40, 0, 1000 + (g % 2) * 40, 1000000 + 200000 * g
        FROM generate_series(1, 10) g});
is(sq(qq{SELECT string_agg(metric || ':' || drifting, ',' ORDER BY metric) FROM tas_bench.load_drift($falling)}),
	'mem_bytes:false,tps:true', 'falling tps is flagged, steady memory is not');
is(sq(qq{SELECT string_agg(metric || ':' || drifting, ',' ORDER BY metric) FROM tas_bench.load_drift($flat)}),
	'mem_bytes:true,tps:false', 'flat tps is not flagged, growing memory is');
is(sq(qq{SELECT slope_ci_low < slope_per_s AND slope_per_s < slope_ci_high AND slope_ci_high < 0
                AND round(change::numeric, 2) = -0.62
           FROM tas_bench.load_drift($falling) WHERE metric = 'tps'}), 't',
	'the slope, its interval and the change over the run (about -50 per s over 9 s of midpoints, mean 730)');
is(sq(qq{SELECT count(*) FILTER (WHERE drifting IS NULL) FROM tas_bench.load_drift($run)}), '1',
	'a rate schedule: tps is not judged (it follows the schedule), memory is');
my $closed = sq(q{SELECT run_id FROM tas_bench.load('SELECT 1', clients => 1, duration => '1 s', warmup => '0 s',
                                                    options => '{"report_interval": "200 ms"}')});
is(sq(qq{SELECT r.tps_change IS NOT NULL AND r.mem_change IS NOT NULL AND r.drifting IS NOT NULL
                AND r.drifting = (SELECT bool_or(d.drifting) FROM tas_bench.load_drift(r.run_id) d)
                AND (SELECT count(*) FROM tas_bench.load_intervals i WHERE i.run_id = r.run_id AND i.mem_bytes > 0) = 5
           FROM tas_bench.load_runs r WHERE r.run_id = $closed}), 't',
	'a sustained run stores its trends, from memory sampled in every interval');

# ---------------------------------------------------------------- errors
fails_like(q{SELECT tas_bench.load('SELECT 1', rate_schedule => '{100:10}')},
	qr/argument rate_schedule is not a valid rate schedule: "\{100:10\}".*DETAIL:  The length of phase 1 has no unit.*HINT:  rate_schedule is a list of phases rate:length/s,
	'rate_schedule without a unit');
fails_like(q{SELECT tas_bench.load('SELECT 1', rate_schedule => '{100:1s,0:1s}')},
	qr/DETAIL:  The rate of phase 2 is 0; it must be greater than 0/, 'rate_schedule with a zero rate');
fails_like(q~SELECT tas_bench.load('SELECT 1', rate_schedule => '{100:1s')~,
	qr/DETAIL:  After phase 1: a comma and the next phase, or the closing brace/, 'rate_schedule without its closing brace');
fails_like(q{SELECT tas_bench.load('SELECT 1', rate_schedule => '')},
	qr/DETAIL:  Phase 1 does not start with a rate/, 'an empty rate_schedule');
fails_like(q{SELECT tas_bench.load('SELECT 1', rate_schedule => '{100:50ms}')},
	qr/DETAIL:  Phase 1 lasts 50 ms; each phase lasts at least 100 ms/, 'a phase too short');
fails_like(q{SELECT tas_bench.load('SELECT 1', rate => 10, rate_schedule => '{100:1s}')},
	qr/arguments rate and rate_schedule cannot both be given/, 'rate and rate_schedule together');
fails_like(q{SELECT tas_bench.load_mix('nosuch')},
	qr/argument workload: there is no workload "nosuch".*HINT:  Add its statements first/s, 'an unknown workload');
fails_like(q{INSERT INTO tas_bench.workloads (workload, name, sql, weight) VALUES ('bad', 'a', 'SELECT 1', 0)},
	qr/violates check constraint "workloads_weight_check"/, 'a weight of 0 is refused');
fails_like(q{INSERT INTO tas_bench.workloads (workload, name, sql, weight) VALUES ('bad', 'a', 'SELECT 1', 'infinity')},
	qr/violates check constraint "workloads_weight_check"/, 'an infinite weight is refused');
fails_like(q{INSERT INTO tas_bench.workloads (workload, name, sql, weight) VALUES ('bad', 'a', 'SELECT 1', 'NaN')},
	qr/violates check constraint "workloads_weight_check"/, 'a NaN weight is refused');
fails_like(q{CALL tas_bench.run_ramp('mix', '{1,2}', '500 ms', 'mixramp2', params => 'SELECT 1')},
	qr/argument params applies to a statement, not to workload "mix"/, 'run_ramp of a workload with params');
sq(q{CREATE ROLE someone NOLOGIN});
sq(q{INSERT INTO tas_bench.workloads (workload, name, sql, owner) VALUES ('theirs', 'x', 'SELECT 1', 'someone')});
fails_like(q{SELECT tas_bench.load_mix('theirs', duration => '1 s')},
	qr/statement "x" of workload "theirs" belongs to role "someone".*HINT:  SET ROLE someone first/s,
	'another role\'s statements do not run as the caller, a superuser included');
sq(q{INSERT INTO tas_bench.workloads (workload, name, sql) VALUES ('typo', 'x', 'SELEC 1')});
fails_like(q{SELECT tas_bench.load_mix('typo', duration => '1 s')}, qr/syntax error/,
	'a workload statement that does not parse fails before any worker starts');
no_workers_left('errors');

done_testing();
