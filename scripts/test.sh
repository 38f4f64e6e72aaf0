#!/usr/bin/env bash
# scripts/test.sh: build tas_bench with strict warnings and run every test suite
# (C unit tests, pg_regress, isolation, TAP) on throwaway instances.
#
# As root on a fresh Debian 12 machine it installs what is missing first; as an
# ordinary user it needs PostgreSQL 15, its server headers and IPC::Run.
# Ends with one line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tb_need_packages tap
tb_build strict

passed=0 failed=0
scratch=$(tb_scratch_dir)
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. C unit tests of the pure parts (no server)
tb_say "C unit tests"
unit_out=$(make -s -C "$TB_ROOT" PG_CONFIG="$PG_CONFIG" unit 2>&1)
printf '%s\n' "$unit_out"
if line=$(printf '%s\n' "$unit_out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$'); then
  set -- $line
  passed=$((passed + $2)); failed=$((failed + $4))
else
  failed=$((failed + 1))
fi

# The SQL suites run in a copy of the tree the server user can write to.
tar -C "$TB_ROOT" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude=results \
  --exclude=tmp_check -cf - . | tar -C "$scratch" -xf -
tb_is_root && chown -R postgres: "$scratch"
mk() { tb_as_pg make -C "$scratch" PG_CONFIG="$PG_CONFIG" with_llvm=no "$@"; }

# 2. pg_regress and isolation, one temp instance each
tb_say "pg_regress and isolation tests"
sql_out=$(mk installcheck TAP_TESTS= EXTRA_REGRESS_OPTS="--temp-instance=$scratch/tmp_check" 2>&1)
printf '%s\n' "$sql_out" | grep -E '^(test |     |ok |not ok )|tests (passed|failed)|FAILED' || true
ok=$(printf '%s\n' "$sql_out" | grep -cE '^(test |     )?[ ]*[A-Za-z0-9_-]+ +\.\.\. ok')
bad=$(printf '%s\n' "$sql_out" | grep -cE '\.\.\. (FAILED|failed)')
passed=$((passed + ok)); failed=$((failed + bad))
if ! printf '%s\n' "$sql_out" | grep -qE 'All [0-9]+ tests passed|tests passed'; then
  [ "$bad" -eq 0 ] && { failed=$((failed + 1)); printf '%s\n' "$sql_out" | tail -20; }
fi
if [ -f "$scratch/regression.diffs" ]; then
  tb_say "regression.diffs (actual outputs copied to results/):"
  cat "$scratch/regression.diffs"
  rm -rf "$TB_ROOT/results" && cp -r "$scratch/results" "$TB_ROOT/results"
fi
[ -f "$scratch/output_iso/regression.diffs" ] && cat "$scratch/output_iso/regression.diffs"

# 3. TAP (PostgreSQL::Test::Cluster); each assertion counts
if ls "$TB_ROOT"/test/t/*.pl >/dev/null 2>&1; then
  tb_say "TAP tests"
  tap_out=$(mk installcheck REGRESS= ISOLATION= 2>&1)
  printf '%s\n' "$tap_out" | grep -vE '^(make|echo|rm|/usr/bin/mkdir)' | tail -40
  total=$(printf '%s\n' "$tap_out" | sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' | tail -1)
  tfail=$(printf '%s\n' "$tap_out" | sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' | awk '{s+=$1} END {print s+0}')
  dead=$(printf '%s\n' "$tap_out" | grep -cE 'Dubious|Bad plan|No plan found|Parse errors')
  if [ -z "$total" ]; then
    failed=$((failed + 1))
  else
    passed=$((passed + total - tfail)); failed=$((failed + tfail + dead))
  fi
  printf '%s\n' "$tap_out" | grep -q 'Result: PASS' || [ "$failed" -gt 0 ] || failed=$((failed + 1))
  for f in "$scratch"/tmp_check/log/regress_log_*; do
    [ -f "$f" ] || continue
    printf '%s\n' "$tap_out" | grep -q 'Result: PASS' || { tb_say "$f (tail)"; tail -30 "$f"; }
  done
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
