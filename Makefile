# tas_bench: PGXS build.  The version lives in one place, tas_bench.control.
#
# Rooms (doc/architecture.md): the generic core (src/core, sql/core, tests
# under */core) and the tasker workload (src/tasker, sql/tasker, tests under
# */tasker); module init and the shared utilities sit at the top of src/.
# One extension: one control file, one library, one install script.
EXTENSION   = tas_bench
EXTVERSION := $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)
ROOMS       = core tasker

MODULE_big  = tas_bench
OBJS       := $(patsubst %.c,%.o,$(sort $(wildcard src/*.c) $(foreach r,$(ROOMS),$(wildcard src/$(r)/*.c))))
PGFILEDESC  = "tas_bench - in-database benchmarking of SQL functions"
PG_CPPFLAGS = -DTAS_BENCH_VERSION=\"$(EXTVERSION)\" -I$(srcdir)/src

# The install script is assembled from one part per responsibility
# (sql/parts/<room>/NN_*.sql: the core's parts first, then the workload's, each
# room in name order), so each part has one owner and a workload only ever
# builds on the core.
SQL_PARTS  := $(foreach r,$(ROOMS),$(sort $(wildcard sql/parts/$(r)/*.sql)))
INSTALL_built = sql/$(EXTENSION)--$(EXTVERSION).sql
# Released versions keep their install script as a file (sql/tas_bench--V.sql,
# committed, never edited), so CREATE EXTENSION tas_bench VERSION 'V' works
# and the upgrade from V is tested (test/t/core/150_upgrade.pl).  An upgrade
# script to this version with sources sql/upgrade/V--$(EXTVERSION).{pre,post}.sql
# is built around the very body of the install script (the parts), so it never
# drifts from it; once this version is released, freeze it as a plain file.
RELEASES    = 0.1.0
UPGRADE_built := $(patsubst sql/upgrade/%.pre.sql,sql/$(EXTENSION)--%.sql,$(wildcard sql/upgrade/*--$(EXTVERSION).pre.sql))
DATA_built  = $(INSTALL_built) $(UPGRADE_built)
DATA       := $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql)) \
              $(filter-out $(INSTALL_built),$(foreach v,$(RELEASES),sql/$(EXTENSION)--$(v).sql))

# Tests live in a folder per room (test/sql/<room>/NN_name.sql, expected/<room>/)
# and run in one database, ordered by NN_name across rooms.
# ':=' matters: an empty recursively-expanded list still counts as defined.
by_number    = $(shell printf '%s\n' $(1) | awk -F/ '{n = $$NF; sub(/[.][a-z]+$$/, "", n); print n, $$(NF - 1) "/" n}' | sort | cut -d' ' -f2)
REGRESS       := $(call by_number,$(wildcard test/sql/*/*.sql))
REGRESS_OPTS   = --inputdir=test
ISOLATION     := $(call by_number,$(wildcard test/specs/*/*.spec))
ISOLATION_OPTS = --inputdir=test --outputdir=.
REGRESS_PREP   = tb-result-dirs
TAP_TESTS      = 1
PROVE_TESTS   := $(sort $(foreach r,$(ROOMS),$(wildcard test/t/$(r)/*.pl)))

# Pure C parts (no backend calls) are also linked into a server-free unit-test binary.
UNIT_SRCS   = src/core/prng.c src/core/stats.c src/core/histogram.c src/core/drift.c src/tasker/dagshape.c
UNIT_TESTS := test/unit/main.c $(sort $(foreach r,$(ROOMS),$(wildcard test/unit/$(r)/*.c)))
EXTRA_CLEAN = test/unit/run_unit $(DATA_built) $(addprefix results/,$(ROOMS))

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# after PGXS, which sets PROVE_FLAGS: TAP tests share test/t/TasBench.pm
PROVE_FLAGS += -I ./test/t

# Rebuilt on every make (it is a cat): a part added or removed is never missed.
cat_parts = for f in $(SQL_PARTS); do printf '\n-- ==== %s ====\n' "$$f"; cat "$$f"; done
$(INSTALL_built): $(SQL_PARTS) $(EXTENSION).control Makefile FORCE
	@{ printf -- '-- %s: assembled by make from sql/parts/<room>/NN_*.sql; edit those, not this file\n\n' '$(notdir $@)'; \
	   printf '\\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \\quit\n\n'; \
	   $(cat_parts); } > $@

# The upgrade from V: its prologue (save the results, drop V's objects), the
# install script's body, its epilogue (restore the results).
sql/$(EXTENSION)--%--$(EXTVERSION).sql: sql/upgrade/%--$(EXTVERSION).pre.sql sql/upgrade/%--$(EXTVERSION).post.sql $(SQL_PARTS) $(EXTENSION).control Makefile FORCE
	@{ printf -- '-- %s: assembled by make from %s, sql/parts/<room>/NN_*.sql and %s; edit those, not this file\n\n' \
	       '$(notdir $@)' '$(word 1,$^)' '$(word 2,$^)'; \
	   printf '\\echo Use "ALTER EXTENSION $(EXTENSION) UPDATE TO '"'"'$(EXTVERSION)'"'"'" to load this file. \\quit\n\n'; \
	   printf '\n-- ==== %s ====\n' '$(word 1,$^)'; cat '$(word 1,$^)'; \
	   $(cat_parts); \
	   printf '\n-- ==== %s ====\n' '$(word 2,$^)'; cat '$(word 2,$^)'; } > $@

all: $(DATA_built)

# The version is compiled in (-DTAS_BENCH_VERSION: version(), the generator's
# parameters): a version change rebuilds the objects
$(OBJS): $(EXTENSION).control

# pg_regress writes results/<room>/NAME.out but makes only results/ itself.
tb-result-dirs:
	@mkdir -p $(addprefix results/,$(ROOMS))

# C unit tests of the pure parts; needs no server.
test/unit/run_unit: $(UNIT_TESTS) $(wildcard $(UNIT_SRCS)) $(wildcard src/*/*.h test/unit/*.h)
	$(CC) -std=gnu99 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
		-Isrc -DTB_UNIT_TEST -o $@ $(UNIT_TESTS) $(wildcard $(UNIT_SRCS)) -lm

unit: test/unit/run_unit
	./test/unit/run_unit

# The dependency rule of doc/architecture.md: no include or call cycles.
check-layout:
	@bash scripts/check-layout.sh

.PHONY: unit check-layout tb-result-dirs FORCE
FORCE:
