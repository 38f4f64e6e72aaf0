/*-------------------------------------------------------------------------
 *
 * profile.h
 *	  Profiling (src/core/profile.c): tas_bench.profile() and the executor
 *	  hooks that build the tree of nested statements of a profiled call,
 *	  installed by tb_profile_init from _PG_init and chained like
 *	  core/plans.c's.  The PL/pgSQL side is core/profile_plpgsql.h, the
 *	  per-run memory and pg_stat_statements statistics core/runstats.h.
 *
 * IDENTIFICATION
 *	  src/core/profile.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_PROFILE_H
#define TB_PROFILE_H

#include "postgres.h"

/* executor hooks; called once from _PG_init */
extern void tb_profile_init(void);

#endif							/* TB_PROFILE_H */
