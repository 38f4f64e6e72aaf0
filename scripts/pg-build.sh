#!/usr/bin/env bash
# scripts/pg-build.sh N: build PostgreSQL major N from Debian's source package
# once, into a cache directory outside the clone, and print its pg_config path.
#
# Only 15 is a binary package on Debian 12; the archive holds the source
# packages of 13 (bullseye), 17 (trixie) and 18 (sid).  This script fetches the
# release tarball with `apt-get source` through a private apt configuration (a
# deb-src line for that suite, signed by the Debian archive keyring already on
# the machine; the system's apt sources are not touched), configures it with
# TAP support and no optional libraries, and installs the server, the PGXS
# test drivers (pg_regress, pg_isolation_regress, the Perl test modules) and
# contrib/pg_stat_statements.  A finished build is reused: its marker file
# records the exact version built.
#
# Environment: TB_PG_CACHE (default /var/cache/tas_bench as root,
# ~/.cache/tas_bench otherwise).  Needs root the first time (apt-get).
set -euo pipefail

major=${1:?usage: scripts/pg-build.sh MAJOR   (13, 17 or 18)}
case $major in
  13) suite=bullseye ;;
  17) suite=trixie ;;
  18) suite=sid ;;
  *) echo "error: PostgreSQL $major has no source package in Debian's archive (13, 17, 18 do)" >&2; exit 2 ;;
esac

if [ "$(id -u)" -eq 0 ]; then cache=${TB_PG_CACHE:-/var/cache/tas_bench}
else cache=${TB_PG_CACHE:-$HOME/.cache/tas_bench}; fi
prefix=$cache/pg$major
say() { printf '==> %s\n' "$*" >&2; }

if [ -f "$prefix/.built" ] && [ -x "$prefix/bin/pg_config" ]; then
  printf '%s\n' "$prefix/bin/pg_config"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "error: PostgreSQL $major is not built in $prefix; run this once as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
need=()
for p in bison flex make gcc perl libipc-run-perl dpkg-dev xz-utils bzip2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tas_bench-pg$major.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/lists/partial" "$work/src"
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
  "$suite" > "$work/apt/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$work/apt/lists" -o APT::Sandbox::User=root)
say "fetching the source of postgresql-$major ($suite)"
apt-get "${apt_private[@]}" update -qq >/dev/null
(cd "$work/src" && apt-get "${apt_private[@]}" source --download-only -qq "postgresql-$major" >/dev/null)
tarball=$(ls "$work"/src/postgresql-"$major"_*.orig.tar.* | head -1)
[ -n "$tarball" ] || { echo "error: no orig tarball for postgresql-$major" >&2; exit 1; }
tar -C "$work/src" -xf "$tarball"
srcdir=$(find "$work/src" -maxdepth 1 -type d -name "postgresql-$major*" | head -1)
version=$(basename "$srcdir" | sed 's/^postgresql-//')

say "building PostgreSQL $version into $prefix"
rm -rf "$prefix"
cd "$srcdir"
./configure --prefix="$prefix" --without-icu --without-readline --without-zlib \
  --enable-tap-tests --enable-debug >"$work/configure.log" 2>&1 ||
  { tail -30 "$work/configure.log" >&2; exit 1; }
jobs=$(nproc)
make -s -j"$jobs" >/dev/null 2>"$work/build.log" ||
  { tail -30 "$work/build.log" >&2; exit 1; }
make -s install >/dev/null
make -s -C src/test/isolation install >/dev/null
# before 14 that installs neither pg_isolation_regress nor isolationtester
iso=$prefix/lib/postgresql/pgxs/src/test/isolation
[ -x "$iso/pg_isolation_regress" ] || {
  install -d "$iso"
  install -m 755 src/test/isolation/pg_isolation_regress src/test/isolation/isolationtester "$iso/"
}
make -s -C src/test/perl install >/dev/null
make -s -C contrib/pg_stat_statements install >/dev/null
chmod -R a+rX "$cache"
printf '%s\n' "$version" > "$prefix/.built"
say "PostgreSQL $version built in $prefix"
printf '%s\n' "$prefix/bin/pg_config"
