/*-------------------------------------------------------------------------
 *
 * expect.c
 *	  Performance checks for test suites: tas_bench.expect() prints one
 *	  stable line per budget (for pg_regress expected files) and
 *	  tas_bench.within_budget() says whether all of them hold (for pgTAP's
 *	  ok()).
 *
 * A check runs the statement through the harness's run API (core/harness.h)
 * as bench() would in mode rollback: every call in a subtransaction rolled
 * back after it, so each call sees the same state and the check leaves the
 * data as it found it.  First a warm-up pass runs, untimed, each parameter
 * row the timed calls will use (one call without params), so the timed calls
 * find the session's caches and plans built whatever ran before them; then
 * `iterations` timed calls.  Generic plans are pinned for the whole check
 * (core/plans.h), unless the session set a plan_cache_mode of its own.
 *
 * The figures are the harness's own (rows per call, shared buffers hit and
 * read per call, WAL bytes per call, p95): the run row is written and its
 * summary computed exactly as bench() does, inside a subtransaction that is
 * then rolled back, so nothing is stored in tas_bench.runs or samples (a run
 * id is used up).  The plan fingerprint is the md5 of the lines that
 * tas_bench.plan_tree() returns for the same statement, parameters and
 * search_path (its first 12 hex digits are shown; any prefix of 6 to 32
 * digits may be given).
 *
 * A line shows the budget and "ok", and the measured value only when the
 * check fails, so an expected file stays the same while the work stays
 * within budget.
 *
 * IDENTIFICATION
 *	  src/core/expect.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "core/harness.h"
#include "core/plans.h"
#include "util.h"

/* the shown length of a measured fingerprint */
#define TB_FINGERPRINT_SHOWN 12

/* the budgets of one check; a field is used when its _set flag is */
typedef struct expect_budget
{
	bool		rows_set;
	double		rows;
	char	   *rows_text;
	bool		buffers_set;
	double		max_buffers;
	char	   *buffers_text;
	bool		wal_set;
	double		max_wal;
	char	   *wal_text;
	char	   *plan;			/* lower-case hex prefix, NULL: no plan check */
	bool		p95_set;
	int64		max_p95_ns;
} expect_budget;

/* what the harness measured */
typedef struct expect_measured
{
	double		rows_per_call;
	double		buffers_per_call;
	double		wal_bytes_per_call;
	double		p95_ns;
} expect_measured;

/* a number as people write it: integers plain, else up to 2 decimals */
static char *
fmt_number(double v)
{
	char	   *s;
	int			len;

	if (fabs(v - rint(v)) < 1e-9)
		return psprintf("%.0f", rint(v));
	s = psprintf("%.2f", v);
	len = strlen(s);
	while (len > 0 && s[len - 1] == '0')
		s[--len] = '\0';
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	return s;
}

/* nanoseconds as milliseconds, up to 3 decimals */
static char *
fmt_ms(double ns)
{
	char	   *s = psprintf("%.3f", ns / 1e6);
	int			len = strlen(s);

	while (len > 0 && s[len - 1] == '0')
		s[--len] = '\0';
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	return s;
}

/* a numeric budget >= 0: its value and its text as given */
static bool
numeric_budget(FunctionCallInfo fcinfo, int argno, const char *name, double *value, char **text)
{
	Datum		d;

	if (PG_ARGISNULL(argno))
		return false;
	d = PG_GETARG_DATUM(argno);
	*text = DatumGetCString(DirectFunctionCall1(numeric_out, d));
	*value = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
	if (isnan(*value) || isinf(*value) || *value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be a finite number of at least 0, not %s", name, *text),
				 errhint("Pass NULL to leave this check out.")));
	return true;
}

/* read and check the arguments (sql, params, iterations, budgets, search_path) */
static void
read_args(FunctionCallInfo fcinfo, const char *who, tb_spec *spec, expect_budget *b)
{
	memset(spec, 0, sizeof(*spec));
	memset(b, 0, sizeof(*b));

	tb_require_arg(fcinfo, 0, "sql",
				   "Pass the statement to check, e.g. 'SELECT * FROM tasker.get_next_ready_tasks($1)'.");
	spec->sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (spec->sql[strspn(spec->sql, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument sql must be a non-empty SQL statement"),
				 errhint("Pass the statement to check, e.g. 'SELECT * FROM tasker.get_next_ready_tasks($1)'.")));
	spec->params = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (spec->params && spec->params[strspn(spec->params, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params must be a query or NULL, not an empty string")));
	tb_require_arg(fcinfo, 2, "iterations",
				   "Pass the number of timed calls, e.g. 10 (the default).");
	spec->iterations = PG_GETARG_INT32(2);
	if (spec->iterations < 1 || spec->iterations > tb_max_iterations)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument iterations must be between 1 and %d, not %d",
						tb_max_iterations, spec->iterations),
				 errhint("A few calls are enough for the deterministic checks; the default is 10.")));
	spec->warmup = 0;			/* run here: one pass over the parameter rows */
	spec->mode = TB_MODE_ROLLBACK;
	spec->name = pstrdup(who);
	spec->search_path = PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8));
	tb_check_spec(spec);

	b->rows_set = numeric_budget(fcinfo, 3, "rows", &b->rows, &b->rows_text);
	b->buffers_set = numeric_budget(fcinfo, 4, "max_buffers", &b->max_buffers, &b->buffers_text);
	b->wal_set = numeric_budget(fcinfo, 5, "max_wal_bytes", &b->max_wal, &b->wal_text);
	if (!PG_ARGISNULL(6))
	{
		char	   *plan = text_to_cstring(PG_GETARG_TEXT_PP(6));
		int			len = strlen(plan);

		for (int i = 0; i < len; i++)
			plan[i] = pg_ascii_tolower((unsigned char) plan[i]);
		if (len < 6 || len > 32 || strspn(plan, "0123456789abcdef") != (size_t) len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument plan must be 6 to 32 hexadecimal digits, not \"%s\"", plan),
					 errdetail("It is a prefix of the md5 of the lines tas_bench.plan_tree() returns for the statement."),
					 errhint("Pass any 12 digits (e.g. '000000000000') once: the failing line shows the fingerprint measured.")));
		b->plan = plan;
	}
	if (!PG_ARGISNULL(7))
	{
		b->max_p95_ns = tb_interval_ns(PG_GETARG_INTERVAL_P(7));
		if (b->max_p95_ns <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument max_p95 must be a positive interval"),
					 errhint("Pass NULL to leave the time check out; it is the one check that depends on the machine.")));
		b->p95_set = true;
	}
	if (!b->rows_set && !b->buffers_set && !b->wal_set && b->plan == NULL && !b->p95_set)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs at least one budget", who),
				 errhint("Pass one or more of rows, max_buffers, max_wal_bytes, plan and max_p95.")));
}

/* the fingerprint of a plan tree: md5 over its lines, each ended by '\n' */
static char *
tree_fingerprint(List *lines)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, lines)
	{
		appendStringInfoString(&buf, (const char *) lfirst(lc));
		appendStringInfoChar(&buf, '\n');
	}
	return TextDatumGetCString(DirectFunctionCall1(md5_text, CStringGetTextDatum(buf.data)));
}

static double
run_field(HeapTupleHeader tup, const char *column)
{
	bool		isnull;
	Datum		d = GetAttributeByName(tup, column, &isnull);

	return isnull ? 0.0 : DatumGetFloat8(d);
}

static void
expect_error_callback(void *arg)
{
	tb_call_errcontext("tas_bench.expect", (const tb_call_context *) arg);
}

/*
 * The summary of the run as bench() would store it, read from the run row
 * written and rolled back in a subtransaction: nothing stays behind.
 */
static pg_noinline void
summarize_unstored(tb_run *run, expect_measured *m)
{
	MemoryContext fncxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(fncxt);
	PG_TRY();
	{
		HeapTupleHeader tup;
		bool		isnull;

		tb_run_insert(run);
		tup = tb_run_finish(run, "ok", NULL, true);
		m->rows_per_call = run_field(tup, "rows_per_call");
		m->buffers_per_call = run_field(tup, "shared_hit_per_call") +
			run_field(tup, "shared_read_per_call");
		m->wal_bytes_per_call = run_field(tup, "wal_bytes_per_call");
		m->p95_ns = (double) DatumGetInt64(GetAttributeByName(tup, "p95_ns", &isnull));
		if (isnull)
			m->p95_ns = 0;
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(fncxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(fncxt);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(fncxt);
		CurrentResourceOwner = oldowner;
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/* warm-up pass and timed calls, generic plans pinned */
static void
measure(const tb_spec *spec, expect_measured *m)
{
	tb_run	   *run = tb_run_create(spec);
	ErrorContextCallback errcb;
	int			cache_nest;
	int			warmup;

	tb_run_setup(run);			/* search_path, params, prepare */
	PG_TRY();
	{
		cache_nest = tb_plans_pin_generic();
		errcb.callback = expect_error_callback;
		errcb.arg = (void *) tb_run_call_context(run);
		errcb.previous = error_context_stack;
		error_context_stack = &errcb;
		warmup = Min(spec->iterations, Max(tb_run_param_rows(run), 1));
		for (int i = 1; i <= warmup; i++)
		{
			CHECK_FOR_INTERRUPTS();
			tb_run_call(run, i, false);
		}
		for (int i = 1; i <= spec->iterations; i++)
		{
			CHECK_FOR_INTERRUPTS();
			tb_run_call(run, i, true);
		}
		error_context_stack = errcb.previous;
		tb_plans_unpin(cache_nest);
	}
	PG_CATCH();
	{
		tb_run_release(run);
		PG_RE_THROW();
	}
	PG_END_TRY();
	tb_run_release(run);
	summarize_unstored(run, m);
	tb_run_restore_search_path(run);
}

/* one line: the budget, ok or FAILED with the measured value */
static char *
check_line(const char *what, bool ok, const char *measured)
{
	if (ok)
		return psprintf("%s: ok", what);
	return psprintf("%s: FAILED (measured %s)", what, measured);
}

/*
 * Run the checks; returns the lines (in cxt) and whether all of them hold.
 */
static List *
run_checks(FunctionCallInfo fcinfo, const char *who, MemoryContext cxt, bool *all_ok)
{
	tb_spec		spec;
	expect_budget b;
	expect_measured m;
	char	   *fingerprint = NULL;
	List	   *lines = NIL;
	MemoryContext old;
	bool		ok;

	read_args(fcinfo, who, &spec, &b);
	memset(&m, 0, sizeof(m));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (b.plan != NULL)
		fingerprint = tree_fingerprint(tb_plan_tree(who, spec.sql, spec.params,
													spec.search_path, CurrentMemoryContext));
	if (b.rows_set || b.buffers_set || b.wal_set || b.p95_set)
		measure(&spec, &m);

	old = MemoryContextSwitchTo(cxt);
	*all_ok = true;
	if (b.rows_set)
	{
		ok = fabs(m.rows_per_call - b.rows) <= 1e-9 * Max(1.0, b.rows);
		lines = lappend(lines, check_line(psprintf("rows per call = %s", b.rows_text), ok,
										  fmt_number(m.rows_per_call)));
		*all_ok &= ok;
	}
	if (b.buffers_set)
	{
		ok = m.buffers_per_call <= b.max_buffers + 1e-9;
		lines = lappend(lines, check_line(psprintf("shared buffers per call <= %s", b.buffers_text), ok,
										  fmt_number(m.buffers_per_call)));
		*all_ok &= ok;
	}
	if (b.wal_set)
	{
		ok = m.wal_bytes_per_call <= b.max_wal + 1e-9;
		lines = lappend(lines, check_line(psprintf("WAL bytes per call <= %s", b.wal_text), ok,
										  fmt_number(m.wal_bytes_per_call)));
		*all_ok &= ok;
	}
	if (b.plan != NULL)
	{
		ok = strncmp(fingerprint, b.plan, strlen(b.plan)) == 0;
		lines = lappend(lines, check_line(psprintf("plan fingerprint %s", b.plan), ok,
										  psprintf("%.*s", TB_FINGERPRINT_SHOWN, fingerprint)));
		*all_ok &= ok;
	}
	if (b.p95_set)
	{
		ok = m.p95_ns <= (double) b.max_p95_ns;
		lines = lappend(lines, check_line(psprintf("p95 <= %s ms", fmt_ms((double) b.max_p95_ns)), ok,
										  psprintf("%s ms", fmt_ms(m.p95_ns))));
		*all_ok &= ok;
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	return lines;
}

/*
 * tas_bench.expect(sql, params, iterations, rows, max_buffers, max_wal_bytes,
 *					plan, max_p95, search_path) RETURNS SETOF text
 */
PG_FUNCTION_INFO_V1(tas_bench_expect);
Datum
tas_bench_expect(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	List	   *lines;

	if (SRF_IS_FIRSTCALL())
	{
		bool		all_ok;

		funcctx = SRF_FIRSTCALL_INIT();
		funcctx->user_fctx = run_checks(fcinfo, "tas_bench.expect",
										funcctx->multi_call_memory_ctx, &all_ok);
	}
	funcctx = SRF_PERCALL_SETUP();
	lines = (List *) funcctx->user_fctx;
	if (funcctx->call_cntr < (uint64) list_length(lines))
	{
		/* SRF_RETURN_NEXT counts the call before it evaluates its result */
		Datum		line = CStringGetTextDatum((char *) list_nth(lines, (int) funcctx->call_cntr));

		SRF_RETURN_NEXT(funcctx, line);
	}
	SRF_RETURN_DONE(funcctx);
}

/*
 * tas_bench.within_budget(...) RETURNS boolean: the same checks; each
 * failing line is also reported as a NOTICE.
 */
PG_FUNCTION_INFO_V1(tas_bench_within_budget);
Datum
tas_bench_within_budget(PG_FUNCTION_ARGS)
{
	bool		all_ok;
	List	   *lines = run_checks(fcinfo, "tas_bench.within_budget", CurrentMemoryContext, &all_ok);
	ListCell   *lc;

	foreach(lc, lines)
	{
		const char *line = (const char *) lfirst(lc);
		size_t		len = strlen(line);

		if (len < 4 || strcmp(line + len - 4, ": ok") != 0)
			ereport(NOTICE, (errmsg("%s", line)));
	}
	PG_RETURN_BOOL(all_ok);
}
