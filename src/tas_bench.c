/*-------------------------------------------------------------------------
 *
 * tas_bench.c
 *	  Module entry point of tas_bench: PG_MODULE_MAGIC, _PG_init (GUCs),
 *	  version(), and the progress reporter shared by long-running work.
 *
 * tas_bench needs no shared memory and no shared_preload_libraries: the
 * library is loaded by the first call of one of its functions.  GUCs are
 * defined there and the "tas_bench" prefix is reserved, so a typo such as
 * SET tas_bench.progres_interval is an error instead of a silent placeholder.
 * _PG_init also installs the executor hooks of plans.c, which only count the
 * nesting level unless a plan capture is running in this backend.
 *
 * IDENTIFICATION
 *	  src/tas_bench.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "pgstat.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "tas_bench.h"

PG_MODULE_MAGIC;

int			tb_progress_interval_ms = 5000;
int			tb_max_iterations = 10000000;

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

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("tas_bench");
#else
	EmitWarningsOnPlaceholders("tas_bench");
#endif
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

/*
 * Progress of long-running work.
 *
 * Other sessions see it in pg_stat_activity.application_name, which is
 * published through pgstat_report_appname() about once a second without
 * touching the application_name setting itself; tb_progress_finish() puts
 * the setting's value back (also on error: callers use PG_FINALLY).  The
 * caller's session sees a NOTICE every tas_bench.progress_interval.
 * A total <= 0 means the total is unknown.
 */
void
tb_progress_start(tb_progress *p, const char *what)
{
	p->what = what;
	INSTR_TIME_SET_CURRENT(p->started);
	p->last_report = p->started;
	p->last_publish = p->started;
}

void
tb_progress_tick(tb_progress *p, int64 done, int64 total)
{
	instr_time	now;
	instr_time	since;
	double		elapsed;
	char		buf[NAMEDATALEN];

	INSTR_TIME_SET_CURRENT(now);
	elapsed = INSTR_TIME_GET_DOUBLE(now) - INSTR_TIME_GET_DOUBLE(p->started);

	since = now;
	INSTR_TIME_SUBTRACT(since, p->last_publish);
	if (INSTR_TIME_GET_MILLISEC(since) >= 1000)
	{
		p->last_publish = now;
		if (total > 0)
			snprintf(buf, sizeof(buf), "tas_bench %s " INT64_FORMAT "/" INT64_FORMAT,
					 p->what, done, total);
		else
			snprintf(buf, sizeof(buf), "tas_bench %s " INT64_FORMAT, p->what, done);
		pgstat_report_appname(buf);
	}

	if (tb_progress_interval_ms <= 0)
		return;
	since = now;
	INSTR_TIME_SUBTRACT(since, p->last_report);
	if (INSTR_TIME_GET_MILLISEC(since) < tb_progress_interval_ms)
		return;
	p->last_report = now;
	if (total > 0)
		ereport(NOTICE,
				(errmsg("%s: " INT64_FORMAT " of " INT64_FORMAT " done (%.0f%%) after %.1f s",
						p->what, done, total, 100.0 * done / total, elapsed)));
	else
		ereport(NOTICE,
				(errmsg("%s: " INT64_FORMAT " done after %.1f s",
						p->what, done, elapsed)));
}

void
tb_progress_finish(tb_progress *p)
{
	pgstat_report_appname(application_name ? application_name : "");
}
