#!/usr/bin/env bash
# scripts/demo.sh: the whole main job on a throwaway cluster.
#
# Installs what is missing (as root), builds and installs tas_bench, starts a
# temporary PostgreSQL cluster (postgres OS user, unix socket in a temp dir,
# no TCP), loads the stand-in tasker schema, generates a dataset, runs the
# orchestration suite and prints a summary; then stops the cluster and
# removes the temp dir, also on Ctrl-C.  Steps whose feature is not built yet
# are skipped with a note.
#
# Environment: TB_DEMO_TASKS (default 10000), TB_DEMO_SEED (default 1).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tasks=${TB_DEMO_TASKS:-10000}
seed=${TB_DEMO_SEED:-1}

tb_need_packages
tb_build

dir=$(tb_scratch_dir)
cleanup() {
  trap - EXIT INT TERM
  tb_cluster_stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

tb_say "starting a throwaway cluster in $dir"
tb_cluster_start "$dir"
psql_demo() { tb_as_pg psql -X -q -v ON_ERROR_STOP=1 "$@"; }
has_function() {  # by name, in schema tas_bench
  [ "$(psql_demo -tA -c "SELECT count(*) > 0 FROM pg_proc
                          WHERE pronamespace = 'tas_bench'::regnamespace AND proname = '$1'")" = t ]
}

psql_demo -c "CREATE EXTENSION tas_bench" -c "SELECT 'tas_bench ' || tas_bench.version() AS installed"

schema="$TB_ROOT/test/fixtures/tasker/tasker_schema.sql"
if [ -f "$schema" ]; then
  tb_say "loading the stand-in tasker schema"
  psql_demo -f "$schema" >/dev/null || tb_die "loading $schema failed"
else
  tb_say "not there yet: the stand-in tasker schema (test/fixtures/tasker/tasker_schema.sql)"
fi

if has_function generate; then
  tb_say "generating $tasks tasks (seed $seed)"
  psql_demo -c "SET tas_bench.progress_interval = '2s'" \
    -c "SELECT dataset_id, tasks, round(seconds::numeric, 2) AS seconds, rows_written
          FROM tas_bench.generate($tasks, $seed)"
  if has_function settle; then
    tb_say "settling the dataset (VACUUM ANALYZE in a background worker; doc/statistics.md section 7)"
    psql_demo -P pager=off -c "SELECT table_name, pages, all_visible_before, all_visible
                                 FROM tas_bench.settle('tasker') WHERE pages > 0 ORDER BY pages DESC LIMIT 6"
  else
    psql_demo -c "ANALYZE"
  fi
else
  tb_say "not there yet: the dataset generator (tas_bench.generate)"
fi

if has_function run_suite; then
  tb_say "running the orchestration suite"
  psql_demo -c "SET tas_bench.progress_interval = '5s'" -c "CALL tas_bench.run_suite('orchestration', 'demo')" 2>&1 |
    grep -E 'suite orchestration|WARNING|ERROR' >&2
  tb_say "summary (times in ms; hit/read = shared buffers per call; target = upstream's documented target)"
  psql_demo -P pager=off -c "SELECT case_name, status, n, p50_ms, p95_ms, p99_ms, p95_p50, rows_per_call AS rows,
                                    hit_per_call AS hit, read_per_call AS read, plans, plan_fingerprint,
                                    target_ms, target
                               FROM tas_bench.suite_report('demo')"
else
  tb_say "not there yet: the orchestration suite (tas_bench.run_suite); timing a few calls with bench() instead"
  psql_demo -P pager=off <<'SQL'
SET tas_bench.progress_interval = 0;
SELECT (tas_bench.bench('SELECT 1', iterations => 10000, name => 'select_1', label => 'demo')).n AS calls;
SELECT (tas_bench.bench('SELECT pg_sleep(0.001)', iterations => 50, name => 'pg_sleep_1ms', label => 'demo')).n AS calls;
DO $$
BEGIN
  IF to_regprocedure('tasker.get_next_ready_tasks(integer)') IS NOT NULL THEN
    SET LOCAL search_path = tasker, public;
    PERFORM tas_bench.bench('SELECT * FROM tasker.get_next_ready_tasks($1)',
                            params => 'VALUES (1), (10), (50)', iterations => 300,
                            name => 'get_next_ready_tasks', label => 'demo');
    PERFORM tas_bench.bench('SELECT * FROM tasker.get_system_health_counts()',
                            iterations => 100, name => 'get_system_health_counts', label => 'demo');
  END IF;
END $$;
SELECT name, n, p50_ms, p95_ms, p99_ms, p95_p50, rows, hit FROM tas_bench.run_summary
 WHERE label = 'demo' ORDER BY run_id;
SQL
fi

# the HTML report of the run (doc/report.md), kept after the cluster is gone;
# with Chromium here, its render time is measured (best of 3, beside an empty page)
if has_function report_html; then
  report=${TB_DEMO_REPORT:-${TMPDIR:-/tmp}/tas_bench_demo_report.html}
  report_psql=psql; tb_is_root && report_psql="runuser -u postgres -- psql"
  if TB_REPORT_PSQL=$report_psql bash "$TB_ROOT/scripts/report.sh" demo >"$report" 2>/dev/null; then
    tb_say "report: $report ($(wc -c <"$report") bytes; open it in a browser)"
    if command -v chromium >/dev/null 2>&1; then
      probe='<script>document.body.getBoundingClientRect();document.title="layout_ms="+performance.now().toFixed(0)</script>'
      sed "s#</body></html>#$probe</body></html>#" "$report" >"$dir/probe.html"
      printf '<!DOCTYPE html><html><body><p>empty</p></body></html>' | sed "s#</body></html>#$probe</body></html>#" >"$dir/empty.html"
      chmod a+r "$dir"/*.html
      best() { for _ in 1 2 3; do chromium --headless --no-sandbox --disable-gpu --window-size=1280,1000 --dump-dom \
                 "file://$1" 2>/dev/null | sed -n 's/.*<title>layout_ms=\([0-9]*\)<.*/\1/p'; done | sort -n | head -1; }
      tb_say "Chromium, navigation to laid out: report $(best "$dir/probe.html") ms, empty page $(best "$dir/empty.html") ms (best of 3)"
    fi
  else
    tb_say "report_html failed (scripts/report.sh demo)"
  fi
else
  tb_say "not there yet: the HTML report (tas_bench.report_html)"
fi
# drift inside a run (doc/statistics.md, "Drift inside a run")
if has_function run_stability; then
  tb_say "drift inside a run: steady, then a call that sleeps 3 ms instead of 2 from call 31 on (run_stability)"
  psql_demo -P pager=off <<'SQL'
SET tas_bench.progress_interval = 0;
CREATE TEMP SEQUENCE demo_calls;
SELECT run_id AS steady FROM tas_bench.bench('SELECT pg_sleep(0.002)', iterations => 60, warmup => 0,
                                             name => 'demo_steady') \gset
SELECT run_id AS stepped FROM tas_bench.bench('SELECT pg_sleep(CASE WHEN nextval(''demo_calls'') > 30 THEN 0.003 ELSE 0.002 END)',
                                              iterations => 60, warmup => 0, name => 'demo_stepped') \gset
SELECT run, calls, round(drift::numeric, 3) AS drift, round(drift_ci_low::numeric, 3) AS ci_low,
       round(drift_ci_high::numeric, 3) AS ci_high, unstable
  FROM (SELECT 'steady' AS run, * FROM tas_bench.run_stability(:steady)
        UNION ALL
        SELECT 'stepped', * FROM tas_bench.run_stability(:stepped)) s;
SQL
fi

# load: a short ramp of the orchestrator loop and its saturation point, and a
# burst with its recovery (README "Load")
if has_function orchestrator_ramp && has_function saturation_report; then
  tb_say "load: the orchestrator loop ramped over 1, 2 and 4 clients (3 s each; duplicate claims = the probe)"
  psql_demo -c "SET tas_bench.progress_interval = 0"     -c "CALL tas_bench.orchestrator_ramp('{1,2,4}', '3 s', 'demo-ramp')" >/dev/null 2>&1 ||
    tb_say "orchestrator_ramp failed"
  psql_demo -P pager=off -c "SELECT * FROM tas_bench.saturation_report('demo-ramp')"
fi
if has_function load_bursts; then
  tb_say "load: a burst (100/s, 1500/s for 1 s, 100/s) and the recovery after it"
  psql_demo -P pager=off <<'SQL'
SET tas_bench.progress_interval = 0;
SELECT run_id AS burst_run FROM tas_bench.load('SELECT pg_sleep(0.002)', clients => 2,
                                               rate_schedule => '{100:3s,1500:1s,100:3s}',
                                               options => '{"report_interval": "500 ms"}') \gset
SELECT burst, rate_before, rate, round(baseline_p95_ns / 1e6, 2) AS baseline_p95_ms,
       round(peak_p95_ns / 1e6, 2) AS peak_p95_ms, recovery_s, note
  FROM tas_bench.load_bursts(:burst_run);
SQL
fi
tb_say "done; stopping the cluster and removing $dir"
