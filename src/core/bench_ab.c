/*-------------------------------------------------------------------------
 *
 * bench_ab.c
 *	  tas_bench.bench_ab(sql_a, sql_b, params, iterations, warmup, noise,
 *	  alpha, name, label, search_path): two statements timed interleaved
 *	  call by call in one function call, stored as two runs of mode 'ab'
 *	  (<name>:a and <name>:b) and returned as their comparison.
 *
 * Both sides are runs of the harness (core/harness.h): A is set up first
 * (search_path, params query, prepare), B shares A's parameter rows, so a
 * volatile params query cannot give them different arguments.  Call i runs
 * A first or B first alternately per parameter row and per cycle through
 * the rows (warm-up included), so machine drift hits both alike.  The
 * comparison itself is compare.c's (core/compare.h).
 *
 * IDENTIFICATION
 *	  src/core/bench_ab.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "core/compare.h"
#include "core/harness.h"
#include "util.h"

/* error context: which side, which call */
typedef struct ab_context
{
	tb_run	   *a;
	tb_run	   *b;
	tb_run	   *current;
} ab_context;

static void
ab_error_callback(void *arg)
{
	ab_context *ac = (ab_context *) arg;
	tb_run	   *r = ac->current;
	const char *side = r == ac->a ? "a" : "b";

	if (r == NULL)
		return;
	if (tb_run_call_context(r)->iteration > 0)
		tb_call_errcontext(psprintf("tas_bench bench_ab sql_%s", side), tb_run_call_context(r));
	else
		errcontext("tas_bench bench_ab: setting up sql_%s", side);
}

/*
 * Whether call i (1-based) runs A first: alternates per parameter row and,
 * within a row, from one cycle through the rows to the next, so every row
 * is run A-first and B-first equally often (with no params: A B, B A, ...).
 */
static inline bool
a_first(int i, int nparamrows)
{
	int			rows = nparamrows > 0 ? nparamrows : 1;
	int			cycle = (i - 1) / rows;
	int			row = (i - 1) % rows;

	return ((cycle + row) & 1) == 0;
}

static void
ab_pair(ab_context *ac, int i, bool timed)
{
	tb_run	   *first = a_first(i, tb_run_param_rows(ac->a)) ? ac->a : ac->b;
	tb_run	   *second = first == ac->a ? ac->b : ac->a;

	CHECK_FOR_INTERRUPTS();
	ac->current = first;
	tb_run_call(first, i, timed);
	ac->current = second;
	tb_run_call(second, i, timed);
	ac->current = NULL;
}

static char *
ab_sql_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	char	   *sql = PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));

	if (sql == NULL || sql[strspn(sql, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be a non-empty SQL statement", argname),
				 errhint("sql_a is the baseline statement, sql_b the candidate; both take the same $1, $2, ... from params.")));
	return sql;
}

static int
ab_count_arg(FunctionCallInfo fcinfo, int argno, const char *argname, const char *hint)
{
	tb_require_arg(fcinfo, argno, argname, hint);
	return PG_GETARG_INT32(argno);
}

/* the spec of side A from the arguments (B is the same but for sql) */
static void
ab_read_spec(FunctionCallInfo fcinfo, tb_spec *spec, char **name)
{
	memset(spec, 0, sizeof(*spec));
	spec->sql = ab_sql_arg(fcinfo, 0, "sql_a");
	(void) ab_sql_arg(fcinfo, 1, "sql_b");
	spec->params = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (spec->params && spec->params[strspn(spec->params, " \t\r\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument params must be a query or NULL, not an empty string")));
	spec->iterations = ab_count_arg(fcinfo, 3, "iterations",
									"iterations is the number of timed calls of each statement, from 1 to tas_bench.max_iterations.");
	spec->warmup = ab_count_arg(fcinfo, 4, "warmup",
								"warmup is the number of untimed calls of each statement first, 0 or more.");
	*name = PG_ARGISNULL(7) ? "ab" : text_to_cstring(PG_GETARG_TEXT_PP(7));
	spec->label = PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8));
	spec->mode = TB_MODE_AB;
}

/* warm-up and timed pairs, with progress */
static void
ab_loop(ab_context *ac, const tb_spec *spec, const char *name)
{
	tb_progress progress;
	char		what[NAMEDATALEN];
	int			i;

	snprintf(what, sizeof(what), "bench_ab %s", name);
	tb_progress_start(&progress, what);
	PG_TRY();
	{
		for (i = 1; i <= spec->warmup; i++)
			ab_pair(ac, i, false);
		for (i = 1; i <= spec->iterations; i++)
		{
			ab_pair(ac, i, true);
			tb_progress_tick(&progress, i, spec->iterations);
		}
	}
	PG_FINALLY();
	{
		tb_progress_finish(&progress);
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(tas_bench_bench_ab);
Datum
tas_bench_bench_ab(PG_FUNCTION_ARGS)
{
	tb_spec		spec_a;
	tb_spec		spec_b;
	tb_run	   *ra;
	tb_run	   *rb;
	tb_compare_out *out;
	ab_context	ac;
	ErrorContextCallback errcb;
	double		noise;
	double		alpha;
	char	   *name;

	ab_read_spec(fcinfo, &spec_a, &name);
	noise = tb_compare_noise_arg(fcinfo, 5);
	alpha = tb_compare_alpha_arg(fcinfo, 6);
	tb_check_spec(&spec_a);

	spec_b = spec_a;
	spec_b.sql = ab_sql_arg(fcinfo, 1, "sql_b");
	/* A's setup sets the search_path for both; restored after the runs */
	spec_a.search_path = (PG_NARGS() > 9 && !PG_ARGISNULL(9)) ?
		text_to_cstring(PG_GETARG_TEXT_PP(9)) : NULL;
	spec_a.name = psprintf("%s:a", name);
	spec_b.name = psprintf("%s:b", name);

	out = tb_compare_begin(fcinfo, noise, alpha);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	ra = tb_run_create(&spec_a);
	rb = tb_run_create(&spec_b);
	ac.a = ra;
	ac.b = rb;
	ac.current = ra;
	errcb.callback = ab_error_callback;
	errcb.arg = &ac;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	PG_TRY();
	{
		tb_run_setup(ra);
		ac.current = rb;
		tb_run_setup_sharing(rb, ra);
		ac.current = NULL;
		ab_loop(&ac, &spec_a, name);
	}
	PG_FINALLY();
	{
		tb_run_release(ra);
		tb_run_release(rb);
	}
	PG_END_TRY();
	error_context_stack = errcb.previous;

	tb_run_insert(ra);			/* env records the search_path in force */
	tb_run_insert(rb);
	tb_run_finish(ra, "ok", NULL, false);
	tb_run_finish(rb, "ok", NULL, false);
	tb_run_restore_search_path(ra);

	tb_compare_pair(out, NULL, name, tb_run_id(ra), tb_run_id(rb));
	SPI_finish();
	return (Datum) 0;
}
