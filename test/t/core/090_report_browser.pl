# 090_report_browser.pl: the HTML report in a real browser, and results
# carried between databases.
#
# On a throwaway stand-in cluster: a small suite measured at three sizes
# (run_scaling), then twice more at the largest size with one case made
# slower in between.  report_html(after, before, scale) is opened in
# headless Chromium (Debian's chromium package): the DOM has every section,
# one SVG per plot with both axis labels, no element outside the viewport
# width (1280 and 1024 px), no console error, no script and no reference
# outside the file; a screenshot is kept in tmp_check/report/ (an artifact,
# not committed).  A report of the demo's size (19 cases of 500 samples, a
# baseline and a 3-size scaling run; synthetic samples) is measured: its
# size (<= 2 MB) and what Chromium takes to load it: navigation to laid
# out (wall clock, in the page) and the browser's CPU time, for the report
# and for an empty page, best of three each, printed; the CPU the report
# costs beyond the empty page must be under 1 s.
#
# Exchange: export_runs -> import_runs into a fresh database -> export there
# -> import back under a prefix: compare(original, round trip) has ratio
# exactly 1 and p = 1 for every case; scripts/report.sh writes the same
# document as the function.
#
# Chromium: installed with apt-get when missing and the test runs as root;
# otherwise the browser part is skipped, saying why.
use strict;
use warnings FATAL => 'all';

use File::Path qw(make_path);
use File::Temp qw(tempdir);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use TasBench;

my $node = TasBench::standin_node('report');
my $art = "$PostgreSQL::Test::Utils::tmp_check/report";
make_path($art);

# ---------------------------------------------------------------- results to report
$node->safe_psql('postgres', q{
	INSERT INTO tas_bench.cases (suite, name, ord, sql, params, iterations, warmup) VALUES
	  ('mini', 'get_next_ready_tasks_10', 1, 'SELECT * FROM get_next_ready_tasks(10)', NULL, 100, 5),
	  ('mini', 'get_task_execution_context', 2, 'SELECT * FROM get_task_execution_context($1)',
	   'SELECT task_uuid FROM tas_bench.sample_tasks(20)', 200, 10),
	  ('mini', 'get_step_readiness_status', 3, 'SELECT * FROM get_step_readiness_status($1)',
	   'SELECT task_uuid FROM tas_bench.sample_tasks(20)', 200, 10),
	  ('mini', 'current_state', 4, 'SELECT get_current_task_state($1)',
	   'SELECT task_uuid FROM tas_bench.sample_tasks(20)', 300, 10);
	SET tas_bench.progress_interval = 0;
	CALL tas_bench.run_scaling('mini', '{200,400,800}', 'scale');
	CALL tas_bench.run_suite('mini', 'before');
	-- the candidate: one case does more work per call (slower, more buffers, another plan)
	UPDATE tas_bench.cases SET sql = 'SELECT get_current_task_state($1), (SELECT count(*) FROM workflow_steps)'
	 WHERE suite = 'mini' AND name = 'current_state';
	CALL tas_bench.run_suite('mini', 'after');
});
is($node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.runs WHERE status = 'ok'}), '20',
	'12 scaling runs and 2 x 4 suite runs, all ok');
is($node->safe_psql('postgres', q{SELECT verdict FROM tas_bench.compare('before', 'after') WHERE case_name = 'current_state'}),
	'slower', 'the changed case is slower');

my $html = $node->safe_psql('postgres', q{SELECT tas_bench.report_html('after', 'before', 'scale')});
my $file = "$art/report.html";
open(my $fh, '>', $file) or die "cannot write $file: $!";
print $fh $html;
close($fh);
diag(sprintf('report of the small suite: %d bytes, %s', length($html), $file));

like($html, qr/^<!DOCTYPE html>/, 'an HTML document');
unlike($html, qr/<script|<link|<img|<iframe|\@import|url\(|\bsrc=|https?:\/\//i,
	'self-contained: no script, no external reference');

# scripts/report.sh writes the same document (up to the minute it was made)
{
	my ($out, $err) = ('', '');
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = 'postgres';
	my $ok = IPC::Run::run([ 'bash', 'scripts/report.sh', 'after', 'before', 'scale' ], '>', \$out, '2>', \$err);
	ok($ok, 'scripts/report.sh runs') or diag($err);
	my $strip = sub { my $s = shift; $s =~ s/Made [0-9-]+ [0-9:]+ UTC//; $s =~ s/\n\z//; return $s; };
	is($strip->($out), $strip->($html), 'scripts/report.sh writes report_html()');
	like($err, qr/report\.sh: \d+ bytes/, 'and says how many bytes');
}

# ---------------------------------------------------------------- exchange
# export -> a fresh database -> export there -> back under a prefix
$node->safe_psql('postgres', 'CREATE DATABASE other');
$node->safe_psql('other', 'CREATE EXTENSION tas_bench');
my $doc = $node->safe_psql('postgres', q{SELECT tas_bench.export_runs('after')});
my $tag = '$doc_' . int(rand(1e9)) . '$';
is($node->safe_psql('other', "SELECT tas_bench.import_runs(${tag}${doc}${tag})"), '4',
	'4 runs imported into a fresh database');
is($node->safe_psql('other', q{SELECT count(*) FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id)}),
	$node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.runs r JOIN tas_bench.samples s USING (run_id) WHERE r.label = 'after'}),
	'with every sample');
is($node->safe_psql('other', q{SELECT count(*) FROM tas_bench.plans}),
	$node->safe_psql('postgres', q{SELECT count(*) FROM tas_bench.plans p JOIN tas_bench.runs r USING (run_id) WHERE r.label = 'after'}),
	'and every plan');
my $back = $node->safe_psql('other', q{SELECT tas_bench.export_runs('after')});
is($node->safe_psql('postgres', "SELECT tas_bench.import_runs(${tag}${back}${tag}, 'rt:')"), '4',
	'exported there and imported back under rt:');
my $cmp = $node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || count(*) FILTER (WHERE ratio = 1 AND p_value = 1 AND NOT plan_changed AND changed = '{}')
	       || ' ' || count(*) FILTER (WHERE verdict IN ('faster', 'slower', 'failed', 'new', 'missing'))
	       || ' ' || count(*) FILTER (WHERE verdict = 'unchanged')
	  FROM tas_bench.compare('after', 'rt:after')});
my ($ncase, $exact, $wrong, $unchanged) = split / /, $cmp;
is($ncase, 4, 'compare(after, rt:after) has the 4 cases');
is($exact, 4, 'every case: ratio exactly 1, p = 1, no deterministic change');
is($wrong, 0, 'no case faster, slower, failed, new or missing');
diag($node->safe_psql('postgres', q{
	SELECT string_agg(format('%s: ratio %s, CI [%s, %s], %s', case_name, ratio, round(ratio_ci_low::numeric, 4),
	                         round(ratio_ci_high::numeric, 4), verdict), E'\n' ORDER BY case_name)
	  FROM tas_bench.compare('after', 'rt:after')}));
is($unchanged, 4, 'every case unchanged (identical samples: CI [1, 1])');

# ---------------------------------------------------------------- a report of the demo's size
# 19 cases of 500 samples (log-normal-like spread), a baseline and a
# scaling run at 3 sizes: synthetic samples, the real report code
$node->safe_psql('postgres', q{
	SELECT setseed(0.18);
	CREATE TEMP TABLE big AS
	SELECT l.label, c, l.size, 1000000 + 100000 * c AS base
	  FROM generate_series(1, 19) c,
	       (VALUES ('big', 10000), ('big_base', 10000), ('big_scale', 1000), ('big_scale', 3000), ('big_scale', 10000)) l(label, size);
	INSERT INTO tas_bench.runs (label, suite, case_name, name, sql, mode, status, iterations, warmup, n, dataset_tasks,
	                            rows_per_call, shared_hit_per_call, shared_read_per_call, wal_bytes_per_call)
	SELECT label, 'big', 'case_' || lpad(c::text, 2, '0') || '_with_a_long_name', 'case_' || c, 'SELECT 1', 'shared', 'ok',
	       500, 0, 500, size, 1, 10 + c, 0, 0
	  FROM big ORDER BY label, size, c;
	INSERT INTO tas_bench.samples (run_id, seq, ns, rows)
	SELECT r.run_id, g, (1e6 * (1 + r.dataset_tasks / 10000.0) * exp(0.3 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::bigint, 1
	  FROM tas_bench.runs r, generate_series(1, 500) g WHERE r.suite = 'big';
	UPDATE tas_bench.runs r SET p50_ns = q.p50, p95_ns = q.p95, p99_ns = q.p99, min_ns = q.mn, max_ns = q.mx,
	                            p95_p50 = q.p95::float8 / q.p50
	  FROM (SELECT run_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY ns) AS p50,
	               percentile_disc(0.95) WITHIN GROUP (ORDER BY ns) AS p95,
	               percentile_disc(0.99) WITHIN GROUP (ORDER BY ns) AS p99, min(ns) AS mn, max(ns) AS mx
	          FROM tas_bench.samples GROUP BY run_id) q
	 WHERE q.run_id = r.run_id AND r.suite = 'big';
});
my $big = $node->safe_psql('postgres', q{SELECT tas_bench.report_html('big', 'big_base', 'big_scale')});
my $bigfile = "$art/report_19x500.html";
open($fh, '>', $bigfile) or die "cannot write $bigfile: $!";
print $fh $big;
close($fh);
my $bigsize = length($big);
cmp_ok($bigsize, '<=', 2 * 1024 * 1024, "19 cases x 500 samples + baseline + scaling: $bigsize bytes <= 2 MB");
diag("report of 19 cases x 500 samples: $bigsize bytes");

# ---------------------------------------------------------------- the browser
my $chromium = `command -v chromium 2>/dev/null`;
chomp $chromium;
if (!$chromium && $> == 0)
{
	my ($o, $e) = ('', '');
	local $ENV{DEBIAN_FRONTEND} = 'noninteractive';
	IPC::Run::run([ 'apt-get', 'install', '-y', '-qq', 'chromium' ], '>', \$o, '2>', \$e);
	$chromium = `command -v chromium 2>/dev/null`;
	chomp $chromium;
	diag("apt-get install chromium: $e") if !$chromium;
}
SKIP:
{
	skip(($> == 0 ? 'chromium could not be installed with apt-get (see above)'
			: "chromium is not installed and this test runs as uid $>, not root: apt-get install -y chromium"), 1)
	  if !$chromium;

	my $profile = tempdir('chromium_XXXX', DIR => $art, CLEANUP => 1);
	# run chromium headless on a file; returns (stdout, stderr)
	my $browse = sub {
		my ($width, $height, $url, @extra) = @_;
		my ($o, $e) = ('', '');
		local $ENV{HOME} = $profile;
		IPC::Run::run([ $chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
				'--no-first-run', '--user-data-dir=' . "$profile/data", "--window-size=$width,$height",
				@extra, $url ],
			'>', \$o, '2>', \$e, IPC::Run::timeout(180));
		return ($o, $e);
	};
	# a copy with a probe script (the report itself has none): layout time,
	# viewport, elements outside it
	my $probe = <<'JS';
<script>
(function () {
  var vw = document.documentElement.clientWidth;
  document.body.getBoundingClientRect();
  var h = document.documentElement.scrollHeight;
  var layout = performance.now();
  var wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5))
      wide.push(e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(r.left) + '-' + Math.round(r.right));
  });
  var d = document.createElement('pre');
  d.id = 'tb-probe';
  d.textContent = 'viewport=' + vw + ' height=' + h + ' layout_ms=' + layout.toFixed(1) + ' wide=' + wide.length + ' ' + wide.slice(0, 5).join(', ');
  document.body.appendChild(d);
})();
</script>
JS
	my $with_probe = sub {
		my ($src, $dst) = @_;
		my $s = PostgreSQL::Test::Utils::slurp_file($src);
		$s =~ s{</body></html>\s*\z}{$probe</body></html>} or die "no </body></html> in $src";
		open(my $p, '>', $dst) or die "cannot write $dst: $!";
		print $p $s;
		close($p);
		return "file://$dst";
	};
	my $probed = sub {
		my ($dom) = @_;
		return $dom =~ /<pre id="tb-probe">viewport=(\d+) height=(\d+) layout_ms=([\d.]+) wide=(\d+) ?([^<]*)<\/pre>/
		  ? { viewport => $1, height => $2, layout_ms => $3, wide => $4, which => $5 }
		  : undef;
	};

	# 1. the report as it is: the DOM, and no console error
	my ($dom, $log) = $browse->(1280, 1000, "file://$file", '--dump-dom', '--enable-logging=stderr', '--v=0');
	ok(length($dom) > 1000, 'chromium renders the report') or diag($log);
	my @console = grep { /CONSOLE|Uncaught|Refused to|Failed to load|net::ERR_/ } split /\n/, $log;
	is(scalar(@console), 0, 'no console error or failed load') or diag(join("\n", @console));
	my @sections = $dom =~ /<section id="([a-z]+)"/g;
	is("@sections", 'suite comparison scaling load environment', 'every section, in order');
	my @figures = $dom =~ /(<figure class="plot.*?<\/figure>)/gs;
	my %kinds;
	$kinds{$_}++ for map { /data-plot="([a-z]+)"/ ? $1 : '?' } @figures;
	is(join(' ', map { "$_=$kinds{$_}" } sort keys %kinds), 'forest=1 latency=4 scaling=4',
		'plots: a latency histogram per case, the forest plot, a scaling plot per case');
	my @bad = grep {
		my $f = $_;
		my @svgs = $f =~ /<svg/g;
		!(@svgs == 1 && $f =~ /class="axis-label x-label"[^>]*>[^<]+</ && $f =~ /class="axis-label y-label"[^>]*>[^<]+</)
	} @figures;
	is(scalar(@bad), 0, 'each plot: exactly one SVG, with an x and a y axis label');
	my @svgs_total = $dom =~ /<svg/g;
	is(scalar(@svgs_total), scalar(@figures), 'no SVG outside a plot');
	like($dom, qr/<tr class="v-slower"><td class="case">current_state</, 'the slower case in the comparison table');
	like($dom, qr/<table class="deterministic"[^>]*>.*?current_state/s, 'and among the deterministic changes');
	like($dom, qr/class="target"/, 'a target drawn');
	like($dom, qr/class="fit"/, 'a fitted line drawn');

	# 2. nothing wider than the viewport
	my $p1 = $with_probe->($file, "$art/report_probe.html");
	for my $w (1280, 1024)
	{
		my ($d, $l) = $browse->($w, 1000, $p1, '--dump-dom');
		my $m = $probed->($d);
		ok($m && $m->{wide} == 0, "at ${w} px: no element outside the viewport width")
		  or diag($m ? "viewport $m->{viewport}: $m->{wide} outside: $m->{which}" : "no probe output: $l");
	}

	# 3. the screenshot, whole page (kept in tmp_check/report)
	my ($d1) = $browse->(1280, 1000, $p1, '--dump-dom');
	my $m1 = $probed->($d1);
	my $height = $m1 ? $m1->{height} + 20 : 6000;
	$browse->(1280, $height, "file://$file", "--screenshot=$art/report.png");
	ok(-s "$art/report.png" && -s "$art/report.png" > 20000, "screenshot $art/report.png (1280 x $height)");

	# 4. the demo-sized report: best of three loads, beside an empty page's
	my $empty = "$art/empty.html";
	open(my $e, '>', $empty) or die;
	print $e "<!DOCTYPE html><html><body><p>empty</p></body></html>";
	close($e);
	my $pe = $with_probe->($empty, "$art/empty_probe.html");
	my $pb = $with_probe->($bigfile, "$art/report_19x500_probe.html");
	# wall: navigation to laid out (performance.now() in the page); cpu: the
	# browser's processes, user + system (children's times around the run)
	my (@tb, @te, @cb, @ce);
	my $cpu_of = sub {
		my ($url) = @_;
		my @t0 = times;
		my ($d) = $browse->(1280, 1000, $url, '--dump-dom');
		my @t1 = times;
		return ($probed->($d), ($t1[2] + $t1[3]) - ($t0[2] + $t0[3]));
	};
	for (1 .. 3)
	{
		my ($mb, $cb) = $cpu_of->($pb);
		my ($me, $ce) = $cpu_of->($pe);
		push @tb, $mb->{layout_ms} if $mb;
		push @te, $me->{layout_ms} if $me;
		push @cb, $cb;
		push @ce, $ce;
	}
	my $min = sub { my ($m) = sort { $a <=> $b } @_; return $m; };
	my $load = `cat /proc/loadavg 2>/dev/null`;
	chomp $load;
	diag(sprintf('chromium on the 19 x 500 report (%d bytes): navigation to laid out %s ms (best %s), browser CPU %s s (best %s); '
			. 'empty page: %s ms (best %s), CPU %s s (best %s); load average %s',
			$bigsize, join(' ', @tb), $min->(@tb) // '?', join(' ', map { sprintf('%.2f', $_) } @cb), sprintf('%.2f', $min->(@cb)),
			join(' ', @te), $min->(@te) // '?', join(' ', map { sprintf('%.2f', $_) } @ce), sprintf('%.2f', $min->(@ce)), $load));
	# What the report costs the browser beyond any page, in CPU time: on a
	# shared machine wall-clock times grow with the load (both are printed)
	my $cost = $min->(@cb) - $min->(@ce);
	ok(@tb == 3 && $cost < 1.0,
		sprintf('the 19 x 500 report costs the browser under 1 s of CPU beyond an empty page (best of 3: %.2f s)', $cost));
}

done_testing();
