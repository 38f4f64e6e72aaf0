# scripts/lib.sh: shared helpers of scripts/test.sh, scripts/demo.sh and bench/*.
# Sourced, not run.  Everything here works as root on a fresh Debian 12 machine
# (it installs what is missing) and as an ordinary user who already has
# PostgreSQL, its server headers and, for TAP, IPC::Run (it then only checks).

TB_PG_MAJOR=${TB_PG_MAJOR:-15}
TB_STRICT_CFLAGS='-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers'
TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

tb_say() { printf '==> %s\n' "$*" >&2; }
tb_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

tb_is_root() { [ "$(id -u)" -eq 0 ]; }

# tb_debian_major: the PostgreSQL major that is a binary package here.
TB_DEBIAN_MAJOR=15

# tb_need_packages [tap]: make sure the build and test tools are there and
# set PG_CONFIG.  Major $TB_PG_MAJOR: Debian's package for 15, otherwise the
# build of scripts/pg-build.sh (made once, cached outside the clone).
tb_need_packages() {
  local want_tap=${1:-} pkgs missing=() p
  if [ "$TB_PG_MAJOR" = "$TB_DEBIAN_MAJOR" ]; then
    pkgs="postgresql-$TB_PG_MAJOR postgresql-server-dev-$TB_PG_MAJOR make gcc"
  else
    pkgs="make gcc"
  fi
  # TAP: IPC::Run; the report's browser test (090_report_browser) needs Debian's chromium
  [ -n "$want_tap" ] && pkgs="$pkgs libipc-run-perl chromium"
  if tb_is_root && command -v apt-get >/dev/null 2>&1; then
    for p in $pkgs; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
      tb_say "installing ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null || tb_die "apt-get update failed"
      apt-get install -y -qq "${missing[@]}" >/dev/null || tb_die "apt-get install ${missing[*]} failed"
    fi
  fi
  if [ "$TB_PG_MAJOR" != "$TB_DEBIAN_MAJOR" ]; then
    PG_CONFIG=$(bash "$TB_ROOT/scripts/pg-build.sh" "$TB_PG_MAJOR") || tb_die "PostgreSQL $TB_PG_MAJOR build failed"
    export PG_CONFIG
  elif tb_is_root && command -v apt-get >/dev/null 2>&1; then
    export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$TB_PG_MAJOR/bin/pg_config}
  else
    export PG_CONFIG=${PG_CONFIG:-pg_config}
    command -v "$PG_CONFIG" >/dev/null 2>&1 ||
      tb_die "pg_config not found: install postgresql-server-dev-$TB_PG_MAJOR (or set PG_CONFIG)"
    [ -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ] ||
      tb_die "PostgreSQL server headers missing: install postgresql-server-dev-$TB_PG_MAJOR"
    if [ -n "$want_tap" ] && ! perl -MIPC::Run -e1 2>/dev/null; then
      tb_die "perl module IPC::Run missing (Debian: libipc-run-perl); TAP tests need it"
    fi
  fi
  TB_BINDIR=$("$PG_CONFIG" --bindir)
  export PATH="$TB_BINDIR:$PATH"
}

# tb_build [strict [DIR]]: build and install the extension from DIR
# (default $TB_ROOT); strict adds the warning flags of CI.
tb_build() {
  local cflags="" dir=${2:-$TB_ROOT}
  [ -n "${1:-}" ] && cflags=$TB_STRICT_CFLAGS
  tb_say "building tas_bench for PostgreSQL $("$PG_CONFIG" --version | sed 's/^PostgreSQL //')${1:+ with strict warnings}"
  make -s -C "$dir" PG_CONFIG="$PG_CONFIG" with_llvm=no PG_CFLAGS="$cflags" >/dev/null ||
    tb_die "build failed"
  make -s -C "$dir" PG_CONFIG="$PG_CONFIG" with_llvm=no install >/dev/null ||
    tb_die "make install failed (an ordinary user needs write access to $("$PG_CONFIG" --pkglibdir))"
}

# tb_as_pg CMD...: run CMD as the OS user that may run the server.
tb_as_pg() {
  if tb_is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# tb_scratch_dir: a temp dir the server user owns.
tb_scratch_dir() {
  local d
  d=$(mktemp -d "${TMPDIR:-/tmp}/tas_bench.XXXXXX") || tb_die "mktemp failed"
  tb_is_root && chown postgres: "$d"
  chmod 700 "$d"
  printf '%s\n' "$d"
}

# tb_cluster_start DIR: initdb and start a throwaway cluster in DIR, listening
# only on a unix socket in DIR.  Sets PGHOST, PGPORT, PGUSER, PGDATABASE.
tb_cluster_start() {
  local dir=$1
  tb_as_pg initdb -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; tb_die "initdb failed"; }
  export PGHOST=$dir PGPORT=${TB_PORT:-54329} PGUSER=postgres PGDATABASE=postgres
  tb_as_pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-c listen_addresses='' -k $dir -p $PGPORT -c shared_buffers=256MB -c max_wal_size=4GB" start ||
    { cat "$dir/server.log" >&2; tb_die "server start failed"; }
}

tb_cluster_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && tb_as_pg pg_ctl -D "$dir/data" -m fast -w -s stop >/dev/null 2>&1
  return 0
}
