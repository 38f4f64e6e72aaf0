#!/usr/bin/env bash
# scripts/check-layout.sh [DIR]: the dependency rules of doc/architecture.md,
# checked on the tree in DIR (default: this checkout) after it was built.
#
# A module is a C file with its header (src/core/harness.c + harness.h).
# Module A depends on module B when A's .c or .h includes B's header, or
# when A's object file uses a symbol that B's object file defines (nm).
# The rules:
#   1. no cycles: no module depends, directly or through others, on itself;
#   2. rooms: src/core never depends on src/tasker; src/util.c depends on
#      no module of ours; nothing depends on src/tas_bench.c (module init);
#   3. version shims: #if on PG_VERSION_NUM appears in src/compat.h only.
# Prints the dependency graph and every violation; exits 1 on any.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$dir"
command -v nm >/dev/null || { echo "check-layout: nm (binutils) is needed" >&2; exit 2; }
ls src/*.o src/*/*.o >/dev/null 2>&1 || { echo "check-layout: build the tree first (make)" >&2; exit 2; }

{
  for o in src/*.o src/*/*.o; do
    nm "$o" | awk -v m="${o%.o}" 'NF == 3 && $2 ~ /^[TDBR]$/ {print "def", m, $3} $1 == "U" {print "use", m, $2}'
  done
  for f in src/*.[ch] src/*/*.[ch]; do
    sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
      printf 'inc %s %s\n' "${f%.[ch]}" "src/${inc%.h}"
    done
  done
  grep -lE '^#[[:space:]]*(if|elif).*PG_VERSION_NUM' src/*.[ch] src/*/*.[ch] | sed 's/^/ver /'
} | perl -e '
  my (%def, %use, %dep, %mods, @bad);
  while (<STDIN>) {
    chomp; my ($k, $a, $b) = split / /;
    if ($k eq "def") { $def{$b} = $a; $mods{$a} = 1 }
    elsif ($k eq "use") { push @{$use{$a}}, $b; $mods{$a} = 1 }
    elsif ($k eq "inc") { $dep{$a}{$b} = "includes" if $a ne $b && -f "$b.h" }
    elsif ($k eq "ver") { push @bad, "$a tests PG_VERSION_NUM (shims belong in src/compat.h)" if $a ne "src/compat.h" }
  }
  for my $m (keys %use) {
    for my $s (@{$use{$m}}) {
      my $d = $def{$s}; next unless defined $d && $d ne $m;
      $dep{$m}{$d} //= "calls $s";
    }
  }
  my $room = sub { my $m = shift; $m =~ m{^src/([^/]+)/} ? $1 : "top" };
  for my $a (sort keys %dep) {
    for my $b (sort keys %{$dep{$a}}) {
      printf "  %-22s -> %-22s (%s)\n", $a, $b, $dep{$a}{$b};
      push @bad, "$a depends on $b: the core never depends on a workload"
        if $room->($a) eq "core" && $room->($b) eq "tasker";
      push @bad, "$a depends on $b: util depends on no module of ours"
        if $a eq "src/util" && $b ne "src/compat";
      push @bad, "$a depends on $b: nothing depends on module init"
        if $b eq "src/tas_bench";
    }
  }
  # cycles: depth-first search, colour 1 = on the current path
  my (%colour, @path);
  my $visit; $visit = sub {
    my $m = shift; $colour{$m} = 1; push @path, $m;
    for my $n (sort keys %{$dep{$m} // {}}) {
      if (($colour{$n} // 0) == 1) {
        my @c = @path; shift @c while $c[0] ne $n;
        push @bad, "cycle: " . join(" -> ", @c, $n);
      } elsif (!$colour{$n}) { $visit->($n) }
    }
    pop @path; $colour{$m} = 2;
  };
  $visit->($_) for grep { !$colour{$_} } sort keys %mods;
  if (@bad) { print "check-layout: $_\n" for @bad; exit 1 }
  printf "check-layout: %d modules, no cycles, rooms respected\n", scalar keys %mods;
'
