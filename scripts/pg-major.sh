#!/usr/bin/env bash
# scripts/pg-major.sh N: build tas_bench with strict warnings against
# PostgreSQL major N and run every test suite (C unit tests, pg_regress,
# isolation, TAP) on throwaway instances of that major.
#
# 15 is Debian's binary package; 13, 17 and 18 are built once from Debian's
# source packages by scripts/pg-build.sh into a cache outside the clone.
# As root on a fresh Debian 12 machine it installs what is missing first; as
# an ordinary user it needs that PostgreSQL, its server headers and IPC::Run.
# The build happens in a scratch copy of the tree, so majors never share
# object files.  Ends with one line "N passed, N failed" and exits non-zero
# on any failure.
set -uo pipefail
TB_PG_MAJOR=${1:-${TB_PG_MAJOR:-15}}
. "$(dirname "$0")/lib.sh"

tb_need_packages tap

passed=0 failed=0
fails=()
scratch=$(tb_scratch_dir)
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tree, without build or test outputs, in a copy the server user can write to.
tar -C "$TB_ROOT" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
  --exclude=results --exclude=tmp_check --exclude=test/unit/run_unit -cf - . | tar -C "$scratch" -xf -
tb_build strict "$scratch"

# 0. the layout rule of doc/architecture.md (no include or call cycles)
tb_say "layout check"
if bash "$TB_ROOT/scripts/check-layout.sh" "$scratch"; then passed=$((passed + 1)); else failed=$((failed + 1)); fails+=("layout check"); fi

# 1. C unit tests of the pure parts (no server)
tb_say "C unit tests"
unit_out=$(make -s -C "$scratch" PG_CONFIG="$PG_CONFIG" unit 2>&1)
printf '%s\n' "$unit_out"
if line=$(printf '%s\n' "$unit_out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$'); then
  set -- $line
  passed=$((passed + $2)); failed=$((failed + $4))
else
  failed=$((failed + 1))
fi

tb_is_root && chown -R postgres: "$scratch"
mk() { tb_as_pg make -C "$scratch" PG_CONFIG="$PG_CONFIG" with_llvm=no "$@"; }

# 2. pg_regress and isolation, one temp instance each
tb_say "pg_regress and isolation tests"
sql_out=$(mk installcheck TAP_TESTS= EXTRA_REGRESS_OPTS="--temp-instance=$scratch/tmp_check" 2>&1)
printf '%s\n' "$sql_out" | grep -E '^(test |     |ok |not ok )|tests (passed|failed)|FAILED' || true
# pg_regress prints "test NAME ... ok" up to PG 15 and TAP-style "ok N - NAME" from 16
ok=$(printf '%s\n' "$sql_out" | grep -cE '^(test |     )?[ ]*[A-Za-z0-9_/-]+ +\.\.\. ok|^ok [0-9]+ +[-+] ')
bad=$(printf '%s\n' "$sql_out" | grep -cE '\.\.\. (FAILED|failed)|^not ok [0-9]+ ')
passed=$((passed + ok)); failed=$((failed + bad))
while IFS= read -r l; do fails+=("regress: $l"); done < <(printf '%s\n' "$sql_out" | grep -E '\.\.\. (FAILED|failed)|^not ok [0-9]+ ')
if ! printf '%s\n' "$sql_out" | grep -qE 'All [0-9]+ tests passed|tests passed'; then
  [ "$bad" -eq 0 ] && { failed=$((failed + 1)); printf '%s\n' "$sql_out" | tail -20; }
fi
if [ -f "$scratch/regression.diffs" ]; then
  tb_say "regression.diffs (actual outputs copied to results/):"
  cat "$scratch/regression.diffs"
  rm -rf "$TB_ROOT/results" && cp -r "$scratch/results" "$TB_ROOT/results"
fi
[ -f "$scratch/output_iso/regression.diffs" ] && cat "$scratch/output_iso/regression.diffs"

# 2b. the example suite a user copies (examples/regress, its own PGXS Makefile), on a temp instance
tb_say "example suite (examples/regress)"
ex_out=$(mk -C examples/regress installcheck EXTRA_REGRESS_OPTS="--temp-instance=$scratch/examples/regress/tmp_check" 2>&1)
printf '%s\n' "$ex_out" | grep -E '^(test |     |ok |not ok )|tests (passed|failed)|FAILED' || true
ok=$(printf '%s\n' "$ex_out" | grep -cE '^(test |     )?[ ]*[A-Za-z0-9_/-]+ +\.\.\. ok|^ok [0-9]+ +[-+] ')
bad=$(printf '%s\n' "$ex_out" | grep -cE '\.\.\. (FAILED|failed)|^not ok [0-9]+ ')
passed=$((passed + ok)); failed=$((failed + bad))
while IFS= read -r l; do fails+=("example: $l"); done < <(printf '%s\n' "$ex_out" | grep -E '\.\.\. (FAILED|failed)|^not ok [0-9]+ ')
if ! printf '%s\n' "$ex_out" | grep -qE 'All [0-9]+ tests passed|tests passed'; then
  [ "$bad" -eq 0 ] && { failed=$((failed + 1)); printf '%s\n' "$ex_out" | tail -20; }
fi
[ -f "$scratch/examples/regress/regression.diffs" ] && cat "$scratch/examples/regress/regression.diffs"

# 3. TAP (PostgreSQL::Test::Cluster); each assertion counts
if ls "$TB_ROOT"/test/t/*/*.pl >/dev/null 2>&1; then
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
  # the failed assertions of each test file, with their diagnostics
  for f in "$scratch"/tmp_check/log/regress_log_*; do
    [ -f "$f" ] || continue
    grep -qE '^(\[[0-9:.]+\]\([0-9.]+s\) )?not ok ' "$f" || continue
    fails+=("TAP ${f##*/regress_log_}:")
    while IFS= read -r l; do fails+=("  $l"); done < <(grep -E -A4 '^(\[[0-9:.]+\]\([0-9.]+s\) )?not ok ' "$f" | grep -E 'not ok|Failed test|got:|expected:|at t/' | head -24)
  done
  printf '%s\n' "$tap_out" | grep -qE 'Dubious|Bad plan|No plan found|Parse errors' &&
    fails+=("TAP: $(printf '%s\n' "$tap_out" | grep -E '^t/.*(Wstat|Dubious)' | tr '\n' ' ')")
fi

# what failed, once more at the end, where a truncated log still shows it
for l in "${fails[@]}"; do printf 'FAIL pg%s %s\n' "$TB_PG_MAJOR" "$l"; done
printf 'pg%s: %d passed, %d failed\n' "$TB_PG_MAJOR" "$passed" "$failed"
[ "$failed" -eq 0 ]
