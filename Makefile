# tas_bench: PGXS build.  The version lives in one place, tas_bench.control.
EXTENSION   = tas_bench
EXTVERSION := $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big  = tas_bench
OBJS       := $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
PGFILEDESC  = "tas_bench - in-database benchmarking of SQL functions"
PG_CPPFLAGS = -DTAS_BENCH_VERSION=\"$(EXTVERSION)\"

# The install script is assembled from one part per responsibility
# (sql/src/NN_*.sql, concatenated in name order), so each part has one owner.
SQL_PARTS  := $(sort $(wildcard sql/src/*.sql))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA       := $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))

# ':=' matters: an empty recursively-expanded list still counts as defined.
REGRESS       := $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS   = --inputdir=test
ISOLATION     := $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=.
TAP_TESTS      = 1
PROVE_TESTS   := $(sort $(wildcard test/t/*.pl))

# Pure C parts (no backend calls) are also linked into a server-free unit-test binary.
UNIT_SRCS   = src/prng.c src/stats.c src/dagshape.c
UNIT_TESTS := $(sort $(wildcard test/unit/*.c))
EXTRA_CLEAN = test/unit/run_unit $(DATA_built)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# after PGXS, which sets PROVE_FLAGS: TAP tests share test/t/TasBench.pm
PROVE_FLAGS += -I ./test/t

# Rebuilt on every make (it is a cat): a part added or removed is never missed.
$(DATA_built): $(SQL_PARTS) $(EXTENSION).control Makefile FORCE
	@{ printf -- '-- %s: assembled by make from sql/src/NN_*.sql; edit those, not this file\n\n' '$(notdir $@)'; \
	   printf '\\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \\quit\n\n'; \
	   for f in $(SQL_PARTS); do printf '\n-- ==== %s ====\n' "$$f"; cat "$$f"; done; } > $@

all: $(DATA_built)

# C unit tests of the pure parts; needs no server.
test/unit/run_unit: $(UNIT_TESTS) $(wildcard $(UNIT_SRCS)) $(wildcard src/*.h test/unit/*.h)
	$(CC) -std=gnu99 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
		-Isrc -DTB_UNIT_TEST -o $@ $(UNIT_TESTS) $(wildcard $(UNIT_SRCS)) -lm

unit: test/unit/run_unit
	./test/unit/run_unit

.PHONY: unit FORCE
FORCE:
