#!/usr/bin/env bash
# scripts/report.sh LABEL [BASELINE [SCALING]] > report.html
#
# Writes tas_bench.report_html(LABEL, BASELINE, SCALING) to stdout: one
# self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
# that opens offline in any browser.  BASELINE adds the comparison with that
# label, SCALING the log-log plots of a run_scaling label (without it, LABEL
# itself is plotted when it was measured at two or more dataset sizes).
# An empty argument ('') stands for "none".
#
# Connects with psql as usual: PGHOST, PGPORT, PGUSER, PGDATABASE (or
# TB_REPORT_PSQL, e.g. "psql -d mydb").  The number of bytes written goes to
# stderr.  Environment: TB_REPORT_NOISE, TB_REPORT_ALPHA (compare()'s noise
# and alpha, default 0.05 each).  doc/report.md says how to read the report.
set -uo pipefail

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 3 ] || usage
case "$1" in -h|--help) usage ;; esac
[ -n "$1" ] || { echo "report.sh: LABEL must not be empty" >&2; exit 2; }
if [ -t 1 ]; then
  echo "report.sh: stdout is a terminal; redirect it to a file: scripts/report.sh $* > report.html" >&2
  exit 2
fi

psql_cmd=${TB_REPORT_PSQL:-psql}
tmp=$(mktemp "${TMPDIR:-/tmp}/tas_bench_report.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT

# the arguments travel as psql variables, never spliced into SQL text
$psql_cmd -X -q -v ON_ERROR_STOP=1 -At \
  -v label="$1" -v baseline="${2:-}" -v scaling="${3:-}" \
  -v noise="${TB_REPORT_NOISE:-0.05}" -v alpha="${TB_REPORT_ALPHA:-0.05}" >"$tmp" <<'SQL'
SELECT tas_bench.report_html(:'label', NULLIF(:'baseline', ''), NULLIF(:'scaling', ''),
                             noise => :'noise'::float8, alpha => :'alpha'::float8);
SQL
rc=$?
if [ $rc -ne 0 ]; then
  echo "report.sh: tas_bench.report_html failed (see the error above)" >&2
  exit $rc
fi
cat "$tmp"
echo "report.sh: $(wc -c <"$tmp") bytes (label $1${2:+, baseline $2}${3:+, scaling $3})" >&2
