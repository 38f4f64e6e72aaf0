/*-------------------------------------------------------------------------
 *
 * util.c
 *	  Helpers shared by every room of tas_bench: the GUC variables' storage,
 *	  progress reporting, search_path changes and argument checks.
 *
 * This file calls only PostgreSQL: module init (tas_bench.c) and the rooms
 * (core/, tasker/) call into it, never the reverse.
 *
 * IDENTIFICATION
 *	  src/util.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "util.h"

int			tb_progress_interval_ms = 5000;
int			tb_max_iterations = 10000000;

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

/*
 * "tas_bench <what><suffix>" in a NAMEDATALEN buffer: what is clipped to
 * whole characters (pg_mbcliplen), never cut inside a multibyte one, so the
 * suffix (the counts) always shows.
 */
static void
format_appname(char *buf, const char *what, const char *suffix)
{
	int			room = NAMEDATALEN - 1 - (int) strlen("tas_bench ") - (int) strlen(suffix);
	int			len = (int) strlen(what);

	if (room < 0)
		room = 0;
	if (len > room)
		len = pg_mbcliplen(what, len, room);
	snprintf(buf, NAMEDATALEN, "tas_bench %.*s%s", len, what, suffix);
}

void
tb_progress_tick(tb_progress *p, int64 done, int64 total)
{
	instr_time	now;
	instr_time	since;
	double		elapsed;
	char		buf[NAMEDATALEN];
	char		suffix[NAMEDATALEN];

	INSTR_TIME_SET_CURRENT(now);
	elapsed = INSTR_TIME_GET_DOUBLE(now) - INSTR_TIME_GET_DOUBLE(p->started);

	since = now;
	INSTR_TIME_SUBTRACT(since, p->last_publish);
	if (INSTR_TIME_GET_MILLISEC(since) >= 1000)
	{
		p->last_publish = now;
		if (total > 0)
			snprintf(suffix, sizeof(suffix), " " INT64_FORMAT "/" INT64_FORMAT, done, total);
		else
			snprintf(suffix, sizeof(suffix), " " INT64_FORMAT, done);
		format_appname(buf, p->what, suffix);
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

/*
 * search_path changes; see util.h for which pair to use.
 */
int
tb_search_path_push(const char *value)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("search_path", value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

void
tb_search_path_pop(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

char *
tb_search_path_current(void)
{
	return pstrdup(GetConfigOptionByName("search_path", NULL, false));
}

char *
tb_search_path_set_session(const char *value)
{
	char	   *saved = tb_search_path_current();

	(void) set_config_option("search_path", value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	return saved;
}

void
tb_search_path_restore_session(const char *saved)
{
	if (saved != NULL)
		(void) set_config_option("search_path", saved, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SET, true, 0, false);
}

void
tb_require_arg(FunctionCallInfo fcinfo, int argno, const char *name, const char *hint)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument %s must not be NULL", name),
				 errhint("%s", hint)));
}

/* the owner of extension tas_bench (pg_extension.extowner) */
static Oid
extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum(TB_SCHEMA));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(owner))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension tas_bench is not installed in this database"),
				 errhint("CREATE EXTENSION tas_bench;")));
	return owner;
}

void
tb_bookkeeping_begin(tb_bookkeeping *bk)
{
	Oid			owner = extension_owner();

	GetUserIdAndSecContext(&bk->saved_userid, &bk->saved_sec_context);
	bk->nest = tb_internal_begin();
	SetUserIdAndSecContext(owner, bk->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
tb_bookkeeping_end(tb_bookkeeping *bk)
{
	SetUserIdAndSecContext(bk->saved_userid, bk->saved_sec_context);
	tb_internal_end(bk->nest);
}

char *
tb_current_role_name(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

bool
tb_acts_as(const char *role)
{
	Oid			roleid = get_role_oid(role, true);

	return OidIsValid(roleid) && is_member_of_role_nosuper(GetUserId(), roleid);
}
