/*-------------------------------------------------------------------------
 *
 * profile_plpgsql.h
 *	  The PL/pgSQL side of tas_bench.profile() (src/core/profile_plpgsql.c):
 *	  time per function line and the call graph, through the PL/pgSQL
 *	  plugin (rendezvous variable "PLpgSQL_plugin"), installed only while a
 *	  profile runs and chained to the plugin that was there before (a
 *	  debugger, plprofiler), which keeps receiving every callback and its
 *	  own estate->plugin_info.
 *
 * IDENTIFICATION
 *	  src/core/profile_plpgsql.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_PROFILE_PLPGSQL_H
#define TB_PROFILE_PLPGSQL_H

#include "postgres.h"

#include "utils/hsearch.h"

/*
 * PL/pgSQL lines and call graph (profile_plpgsql.c).  start installs the
 * plugin and allocates its tables in cxt; set_active turns recording on and
 * off around each profiled call; stop uninstalls it (or, when another
 * plugin was installed over it meanwhile, leaves it passing callbacks on).
 */
typedef struct tb_line_key
{
	Oid			fn_oid;
	int			lineno;
} tb_line_key;

typedef struct tb_line_stat
{
	tb_line_key key;
	int64		execs;
	int64		total_ns;
	int64		self_ns;
	int64		max_ns;
} tb_line_stat;

typedef struct tb_call_key
{
	Oid			caller;			/* InvalidOid: called from the profiled statement */
	Oid			callee;
} tb_call_key;

typedef struct tb_call_stat
{
	tb_call_key key;
	int64		calls;
	int64		total_ns;
	int64		self_ns;
} tb_call_stat;

extern void tb_plpgsql_profile_start(MemoryContext cxt);
extern void tb_plpgsql_profile_set_active(bool on);
extern void tb_plpgsql_profile_stop(void);
extern HTAB *tb_plpgsql_profile_lines(void);
extern HTAB *tb_plpgsql_profile_calls(void);

#endif							/* TB_PROFILE_PLPGSQL_H */
