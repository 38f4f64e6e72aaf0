#!/usr/bin/env bash
# scripts/test.sh [MAJOR...]: the test command.  Runs scripts/pg-major.sh for
# each PostgreSQL major (default: 15, Debian's package, and 18, tasker-core's
# default, built once from Debian's source package) and sums their counts.
#
# As root on a fresh Debian 12 machine it installs and builds what is missing
# first (the 18 build takes about 7 minutes the first time, then is cached in
# /var/cache/tas_bench).  Ends with one line "N passed, N failed" and exits
# non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(15 18)

passed=0 failed=0
log=$(mktemp) all=$(mktemp)
trap 'rm -f "$log" "$all"' EXIT
for m in "${majors[@]}"; do
  printf '==> PostgreSQL %s\n' "$m"
  bash "$here/pg-major.sh" "$m" 2>&1 | tee "$log"
  grep -E '^FAIL pg' "$log" >>"$all"
  out=$(tail -1 "$log")
  if [[ $out =~ ^pg$m:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
  else
    printf '==> PostgreSQL %s: the run ended without its count (%s)\n' "$m" "$out" >&2
    failed=$((failed + 1))
  fi
done
cat "$all"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
