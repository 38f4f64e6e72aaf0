/*-------------------------------------------------------------------------
 *
 * tas_bench.c
 *	  Module entry point of tas_bench: PG_MODULE_MAGIC, _PG_init (GUC
 *	  definitions, the executor hooks of core/plans.c) and version().
 *
 * tas_bench needs no shared memory and no shared_preload_libraries: the
 * library is loaded by the first call of one of its functions.  GUCs are
 * defined here (their variables live in util.c) and the "tas_bench" prefix
 * is reserved, so a typo such as SET tas_bench.progres_interval is an error
 * instead of a silent placeholder.  This file only calls down into the
 * rooms; nothing calls back into it (doc/architecture.md).
 *
 * IDENTIFICATION
 *	  src/tas_bench.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "core/plans.h"
#include "core/profile.h"
#include "util.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("tas_bench.progress_interval",
							"Interval between progress NOTICEs of long-running tas_bench work.",
							"Zero disables progress NOTICEs; progress stays visible in pg_stat_activity.",
							&tb_progress_interval_ms,
							5000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("tas_bench.max_iterations",
							"Largest number of timed iterations one bench() run may ask for.",
							"Every iteration stores one row in tas_bench.samples.",
							&tb_max_iterations,
							10000000, 1, INT_MAX,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	tb_plans_init();
	tb_profile_init();

	TB_RESERVE_GUC_PREFIX("tas_bench");
}

/*
 * tas_bench.version() RETURNS text
 *		The version of the loaded shared library, from tas_bench.control.
 */
PG_FUNCTION_INFO_V1(tas_bench_version);
Datum
tas_bench_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(TAS_BENCH_VERSION));
}
