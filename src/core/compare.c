/*-------------------------------------------------------------------------
 *
 * compare.c
 *	  Comparison of runs: tas_bench.compare(), tas_bench.compare_runs(), and
 *	  the comparison bench_ab() returns (src/core/bench_ab.c).
 *
 * Owns the verdict.  For one case it reads the timing samples of a baseline
 * run and a candidate run, and computes
 *
 *	ratio		candidate p50 / baseline p50 (p50 = percentile_disc(0.5) of the
 *				samples, the stored runs.p50_ns);
 *	CI			the (1 - alpha) bootstrap percentile interval of that ratio
 *				(tb_stats_bootstrap_median_ratio_ci, COMPARE_RESAMPLES
 *				resamples, seeded from the samples themselves so the same
 *				samples always give the same interval);
 *	p_value		two-sided Mann-Whitney U test of the two samples
 *				(tb_stats_mann_whitney, exact for small samples without ties,
 *				else normal approximation with tie and continuity correction);
 *
 * and the verdict, in this order of precedence:
 *
 *	missing		the case has a baseline run but no candidate run;
 *	new			the case has a candidate run but no baseline run;
 *	failed		either run has a status other than 'ok' or has no samples;
 *	slower		p_value < alpha AND ci_low  > 1 + noise;
 *	faster		p_value < alpha AND ci_high < 1 - noise;
 *	unchanged	1 - noise <= ci_low AND ci_high <= 1 + noise;
 *	inconclusive otherwise.
 *
 * Arguments: noise in [0, 1), alpha in [COMPARE_MIN_ALPHA, 1); the two
 * sides must differ (compare(L, L) and compare_runs(r, r) are errors: a run
 * compared with itself says nothing).
 *
 * Beside the timing it reports the deterministic per-call deltas (rows,
 * shared buffer hits and reads, WAL bytes: candidate minus baseline) and
 * whether the plan fingerprints differ (tas_bench.plans, when that table
 * exists), which flag a regression even when the timing is inconclusive.
 *
 * bench_ab() (src/core/bench_ab.c) times two statements interleaved and
 * returns their comparison through tb_compare_return_pair().
 *
 * Memory: the samples of one pair of runs at a time (8 bytes per sample,
 * read through a cursor in chunks, sorted in place) plus the bootstrap work
 * array; everything per case lives in a context reset after the case.
 *
 * IDENTIFICATION
 *	  src/core/compare.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "core/compare.h"
#include "core/stats.h"
#include "util.h"

/* bootstrap resamples of the ratio's CI */
#define COMPARE_RESAMPLES 10000

/* samples fetched per cursor round trip */
#define FETCH_CHUNK 10000

/* number of output columns; keep in step with sql/parts/core/40_compare.sql */
#define COMPARE_NATTS 21

/* what the caller of compare_pair() knows about a case */
typedef struct cmp_case
{
	char	   *suite;			/* NULL allowed */
	char	   *case_name;		/* NULL allowed */
	int64		run_a;			/* baseline run, 0 = none */
	int64		run_b;			/* candidate run, 0 = none */
} cmp_case;

/* one side of a comparison, read from tas_bench.runs */
typedef struct cmp_side
{
	bool		present;
	char	   *status;
	char	   *error;
	bool		p50_null;
	int64		p50_ns;
	bool		metric_null[4];
	double		metric[4];		/* rows, shared hit, shared read, WAL bytes per call */
	int64	   *ns;				/* sorted samples */
	size_t		n;
} cmp_side;

/* state shared by all the cases of one call */
typedef struct cmp_state
{
	double		noise;
	double		alpha;
	bool		read_only;		/* SPI read_only flag */
	bool		have_plans;		/* tas_bench.plans exists */
	SPIPlanPtr	samples_plan;
	Tuplestorestate *tupstore;
	TupleDesc	tupdesc;
	MemoryContext casecxt;		/* reset after every case */
} cmp_state;

/* ----------------------------------------------------------------
 *		Argument checks
 * ----------------------------------------------------------------
 */

/*
 * The smallest alpha: each tail of the bootstrap distribution outside the
 * (1 - alpha) interval must hold at least one of the COMPARE_RESAMPLES
 * resamples, or the interval is just the range of the resamples.
 */
#define COMPARE_MIN_ALPHA (2.0 / COMPARE_RESAMPLES)

/* a float8 argument in [low, 1), with the texts of its errors */
typedef struct fraction_arg
{
	const char *name;
	double		low;			/* smallest accepted value */
	const char *range;			/* "[low, 1)" as text */
	const char *null_hint;
	const char *detail;
	const char *hint;
} fraction_arg;

static const fraction_arg noise_arg = {
	"noise", 0.0, "[0, 1)",
	"noise is the relative difference treated as no change, in [0, 1); the default is 0.05 (5%).",
	"A ratio's confidence interval within [1 - noise, 1 + noise] means unchanged.",
	"Use e.g. 0.05 for a 5% noise threshold, 0 to report any significant difference."
};

static const fraction_arg alpha_arg = {
	"alpha", COMPARE_MIN_ALPHA, "[0.0002, 1)",
	"alpha is the significance level, in [0.0002, 1); the default is 0.05.",
	"alpha is the significance level of the rank test; the ratio's confidence interval has level 1 - alpha, read from 10000 bootstrap resamples (so alpha must leave at least one resample in each tail).",
	"Use e.g. 0.05 (95% confidence) or 0.01 (99%)."
};

static double
get_fraction(FunctionCallInfo fcinfo, int argno, const fraction_arg *a)
{
	double		v;

	tb_require_arg(fcinfo, argno, a->name, a->null_hint);
	v = PG_GETARG_FLOAT8(argno);
	if (!(v >= a->low && v < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be in %s, not %g", a->name, a->range, v),
				 errdetail("%s", a->detail),
				 errhint("%s", a->hint)));
	return v;
}

double
tb_compare_noise_arg(FunctionCallInfo fcinfo, int argno)
{
	return get_fraction(fcinfo, argno, &noise_arg);
}

double
tb_compare_alpha_arg(FunctionCallInfo fcinfo, int argno)
{
	return get_fraction(fcinfo, argno, &alpha_arg);
}

/* ----------------------------------------------------------------
 *		Set-returning plumbing (materialize mode, PG 13 to 17)
 * ----------------------------------------------------------------
 */

static void
init_srf(FunctionCallInfo fcinfo, cmp_state *st)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	TB_INIT_MATERIALIZED_SRF(fcinfo);
	if (rsinfo->setDesc->natts != COMPARE_NATTS)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the SQL definition of this function returns %d columns, the library %d",
						rsinfo->setDesc->natts, COMPARE_NATTS),
				 errhint("The installed SQL and the tas_bench library differ: run ALTER EXTENSION tas_bench UPDATE.")));
	st->tupdesc = rsinfo->setDesc;
	st->tupstore = rsinfo->setResult;
}

/* ----------------------------------------------------------------
 *		Reading runs
 * ----------------------------------------------------------------
 */

static int64
getint8(HeapTuple tup, TupleDesc td, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(tup, td, col, isnull);

	return *isnull ? 0 : DatumGetInt64(d);
}

static double
getfloat8(HeapTuple tup, TupleDesc td, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(tup, td, col, isnull);

	return *isnull ? 0.0 : DatumGetFloat8(d);
}

/*
 * Read the run row (status, p50, per-call metrics) into *side; returns
 * false when the run does not exist.  Optionally its suite and case name.
 */
static bool
read_run(cmp_state *st, int64 run_id, cmp_side *side, char **suite, char **case_name)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1];
	HeapTuple	tup;
	TupleDesc	td;
	int			rc;
	int			i;

	memset(side, 0, sizeof(*side));
	args[0] = Int64GetDatum(run_id);
	rc = SPI_execute_with_args("SELECT status, error, p50_ns, rows_per_call, shared_hit_per_call, "
							   "shared_read_per_call, wal_bytes_per_call, suite, "
							   "coalesce(case_name, name) "
							   "FROM " TB_SCHEMA ".runs WHERE run_id = $1",
							   1, argtypes, args, NULL, st->read_only, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read tas_bench.runs: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	side->present = true;
	side->status = SPI_getvalue(tup, td, 1);
	side->error = SPI_getvalue(tup, td, 2);
	side->p50_ns = getint8(tup, td, 3, &side->p50_null);
	for (i = 0; i < 4; i++)
		side->metric[i] = getfloat8(tup, td, 4 + i, &side->metric_null[i]);
	if (suite)
		*suite = SPI_getvalue(tup, td, 8);
	if (case_name)
		*case_name = SPI_getvalue(tup, td, 9);
	SPI_freetuptable(SPI_tuptable);
	return true;
}

/*
 * Read every sample of a run through a cursor (FETCH_CHUNK rows at a time)
 * into a growing array in the current memory context, then sort it.
 */
static void
read_samples(cmp_state *st, int64 run_id, cmp_side *side)
{
	Datum		args[1];
	Portal		portal;
	size_t		cap = 1024;
	size_t		n = 0;

	args[0] = Int64GetDatum(run_id);
	side->ns = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * cap);
	portal = SPI_cursor_open(NULL, st->samples_plan, args, NULL, st->read_only);
	for (;;)
	{
		uint64		i;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, FETCH_CHUNK);
		if (SPI_processed == 0)
			break;
		if (n + SPI_processed > cap)
		{
			while (n + SPI_processed > cap)
				cap *= 2;
			side->ns = repalloc_huge(side->ns, sizeof(int64) * cap);
		}
		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
				side->ns[n++] = DatumGetInt64(d);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	side->n = n;
	tb_stats_sort_int64((int64_t *) side->ns, n);
}

/*
 * Whether the two runs' sets of plan fingerprints differ: NULL (returns
 * false, *isnull) when tas_bench.plans does not exist or either run has no
 * fingerprint stored.
 */
static bool
plans_differ(cmp_state *st, int64 run_a, int64 run_b, bool *isnull)
{
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2];
	int			rc;
	bool		result;

	*isnull = true;
	if (!st->have_plans || run_a == 0 || run_b == 0)
		return false;
	args[0] = Int64GetDatum(run_a);
	args[1] = Int64GetDatum(run_b);
	rc = SPI_execute_with_args("SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE a <> b END "
							   "FROM (SELECT (SELECT array_agg(DISTINCT p.fingerprint::text "
							   "                               ORDER BY p.fingerprint::text) "
							   "                FROM " TB_SCHEMA ".plans p "
							   "               WHERE p.run_id = $1 AND p.fingerprint IS NOT NULL) AS a, "
							   "             (SELECT array_agg(DISTINCT p.fingerprint::text "
							   "                               ORDER BY p.fingerprint::text) "
							   "                FROM " TB_SCHEMA ".plans p "
							   "               WHERE p.run_id = $2 AND p.fingerprint IS NOT NULL) AS b) s",
							   2, argtypes, args, NULL, st->read_only, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read tas_bench.plans: %s", SPI_result_code_string(rc));
	result = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull));
	SPI_freetuptable(SPI_tuptable);
	return *isnull ? false : result;
}

/* ----------------------------------------------------------------
 *		The comparison of one case
 * ----------------------------------------------------------------
 */

/*
 * Seed of the bootstrap: a function of the samples only (sizes, sums and
 * medians of both sides), so the same samples always give the same interval
 * whatever their run ids.
 */
static uint64
samples_seed(const cmp_side *a, const cmp_side *b)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);
	const cmp_side *sides[2] = {a, b};
	int			s;

	for (s = 0; s < 2; s++)
	{
		uint64		sum = 0;
		size_t		i;
		uint64		parts[3];
		int			k;

		for (i = 0; i < sides[s]->n; i++)
			sum += (uint64) sides[s]->ns[i];
		parts[0] = (uint64) sides[s]->n;
		parts[1] = sum;
		parts[2] = sides[s]->n > 0 ? (uint64) sides[s]->ns[sides[s]->n / 2] : 0;
		for (k = 0; k < 3; k++)
		{
			h ^= parts[k];
			h *= UINT64CONST(0x100000001b3);
			h ^= h >> 29;
		}
	}
	return h;
}

static const char *
fmt_num(double x)
{
	return psprintf("%.4g", x);
}

/*
 * Compare one case and append its row to the tuplestore.  All memory is
 * allocated in st->casecxt, reset by the caller.
 */
static void
compare_pair(cmp_state *st, const cmp_case *c)
{
	Datum		values[COMPARE_NATTS];
	bool		nulls[COMPARE_NATTS];
	cmp_side	a;
	cmp_side	b;
	const char *verdict = NULL;
	char	   *note = NULL;
	bool		timing = false;
	tb_stats_ci ci;
	tb_stats_mw mw;
	bool		plan_null;
	bool		plan_changed;
	int			i;

	memset(nulls, true, sizeof(nulls));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));

	if (c->run_a != 0 && !read_run(st, c->run_a, &a, NULL, NULL))
		elog(ERROR, "run " INT64_FORMAT " vanished", c->run_a);
	if (c->run_b != 0 && !read_run(st, c->run_b, &b, NULL, NULL))
		elog(ERROR, "run " INT64_FORMAT " vanished", c->run_b);

	if (!b.present)
	{
		verdict = "missing";
		note = psprintf("no candidate run of this case");
	}
	else if (!a.present)
	{
		verdict = "new";
		note = psprintf("no baseline run of this case");
	}
	else if (strcmp(a.status, "ok") != 0 || strcmp(b.status, "ok") != 0)
	{
		cmp_side   *f = strcmp(a.status, "ok") != 0 ? &a : &b;
		int64		fid = f == &a ? c->run_a : c->run_b;

		verdict = "failed";
		note = psprintf("%s run " INT64_FORMAT " has status %s%s%s",
						f == &a ? "baseline" : "candidate", fid, f->status,
						f->error ? ": " : "", f->error ? f->error : "");
	}
	else
	{
		read_samples(st, c->run_a, &a);
		read_samples(st, c->run_b, &b);
		if (a.n == 0 || b.n == 0)
		{
			verdict = "failed";
			note = psprintf("%s run " INT64_FORMAT " has no samples",
							a.n == 0 ? "baseline" : "candidate",
							a.n == 0 ? c->run_a : c->run_b);
		}
		else
			timing = true;
	}

	if (timing)
	{
		double	   *work = palloc(sizeof(double) * COMPARE_RESAMPLES);
		bool		significant;
		char	   *why;

		/* p50 from the samples themselves (equals runs.p50_ns for real runs) */
		a.p50_ns = tb_stats_quantile((int64_t *) a.ns, a.n, 0.5);
		b.p50_ns = tb_stats_quantile((int64_t *) b.ns, b.n, 0.5);
		a.p50_null = b.p50_null = false;
		/*
		 * The same samples on both sides (a run and its export imported
		 * elsewhere, a copy): no difference at all, so the interval is the
		 * point 1, not the spread two independent draws would have.
		 */
		if (a.n == b.n && memcmp(a.ns, b.ns, sizeof(int64) * a.n) == 0)
			ci.estimate = ci.low = ci.high = 1.0;
		else if (tb_stats_bootstrap_median_ratio_ci((int64_t *) a.ns, a.n, (int64_t *) b.ns, b.n,
													1.0 - st->alpha, COMPARE_RESAMPLES,
													samples_seed(&a, &b), work, &ci) != TB_STATS_OK)
			elog(ERROR, "bootstrap of the ratio failed");
		if (tb_stats_mann_whitney((int64_t *) a.ns, a.n, (int64_t *) b.ns, b.n,
								  TB_STATS_MW_AUTO, &mw) != TB_STATS_OK)
			elog(ERROR, "Mann-Whitney test failed");
		pfree(work);

		significant = mw.p_value < st->alpha;
		why = psprintf("ratio %s, %g%% CI [%s, %s], p = %s",
					   fmt_num(ci.estimate), 100.0 * (1.0 - st->alpha),
					   fmt_num(ci.low), fmt_num(ci.high), fmt_num(mw.p_value));
		if (significant && ci.low > 1.0 + st->noise)
		{
			verdict = "slower";
			note = psprintf("%s: p < alpha %g and CI above 1 + noise %g",
							why, st->alpha, st->noise);
		}
		else if (significant && ci.high < 1.0 - st->noise)
		{
			verdict = "faster";
			note = psprintf("%s: p < alpha %g and CI below 1 - noise %g",
							why, st->alpha, st->noise);
		}
		else if (ci.low >= 1.0 - st->noise && ci.high <= 1.0 + st->noise)
		{
			verdict = "unchanged";
			note = psprintf("%s: CI within 1 +/- noise %g", why, st->noise);
		}
		else
		{
			verdict = "inconclusive";
			if (ci.low > 1.0 + st->noise || ci.high < 1.0 - st->noise)
				note = psprintf("%s: CI outside 1 +/- noise %g but p >= alpha %g",
								why, st->noise, st->alpha);
			else
				note = psprintf("%s: CI crosses 1 %s noise %g",
								why, ci.high > 1.0 + st->noise ? "+" : "-", st->noise);
		}
	}

	/* suite, case_name */
	if (c->suite)
	{
		values[0] = CStringGetTextDatum(c->suite);
		nulls[0] = false;
	}
	if (c->case_name)
	{
		values[1] = CStringGetTextDatum(c->case_name);
		nulls[1] = false;
	}
	/* baseline_p50_ms, candidate_p50_ms */
	if (a.present && !a.p50_null)
	{
		values[2] = Float8GetDatum((double) a.p50_ns / 1e6);
		nulls[2] = false;
	}
	if (b.present && !b.p50_null)
	{
		values[3] = Float8GetDatum((double) b.p50_ns / 1e6);
		nulls[3] = false;
	}
	/* ratio, ratio_ci_low, ratio_ci_high, p_value */
	if (timing)
	{
		values[4] = Float8GetDatum(ci.estimate);
		values[5] = Float8GetDatum(ci.low);
		values[6] = Float8GetDatum(ci.high);
		values[7] = Float8GetDatum(mw.p_value);
		nulls[4] = nulls[5] = nulls[6] = nulls[7] = false;
	}
	/* verdict */
	values[8] = CStringGetTextDatum(verdict);
	nulls[8] = false;
	/* baseline_run, candidate_run */
	if (a.present)
	{
		values[9] = Int64GetDatum(c->run_a);
		nulls[9] = false;
	}
	if (b.present)
	{
		values[10] = Int64GetDatum(c->run_b);
		nulls[10] = false;
	}
	/* baseline_n, candidate_n, prob_slower */
	if (timing)
	{
		values[11] = Int64GetDatum((int64) a.n);
		values[12] = Int64GetDatum((int64) b.n);
		/* u_b / (na nb) = P(candidate > baseline) + P(equal) / 2 */
		values[13] = Float8GetDatum(1.0 - mw.prob_a_greater);
		nulls[11] = nulls[12] = nulls[13] = false;
	}
	/* rows, shared hit, shared read, WAL bytes per call: candidate - baseline */
	for (i = 0; i < 4; i++)
	{
		if (a.present && b.present && !a.metric_null[i] && !b.metric_null[i])
		{
			values[14 + i] = Float8GetDatum(b.metric[i] - a.metric[i]);
			nulls[14 + i] = false;
		}
	}
	/* plan_changed */
	plan_changed = plans_differ(st, c->run_a, c->run_b, &plan_null);
	if (!plan_null)
	{
		values[18] = BoolGetDatum(plan_changed);
		nulls[18] = false;
	}
	/* note */
	values[19] = CStringGetTextDatum(note);
	nulls[19] = false;
	/* changed: which deterministic per-call metrics differ */
	if (a.present && b.present)
	{
		Datum		names[4];
		int			k = 0;

		if (!nulls[14] && fabs(DatumGetFloat8(values[14])) > 1e-9)
			names[k++] = CStringGetTextDatum("rows_per_call");
		if (!nulls[15] && fabs(DatumGetFloat8(values[15])) >= 0.5)
			names[k++] = CStringGetTextDatum("shared_hit_per_call");
		if (!nulls[16] && fabs(DatumGetFloat8(values[16])) >= 0.5)
			names[k++] = CStringGetTextDatum("shared_read_per_call");
		if (!nulls[18] && plan_changed)
			names[k++] = CStringGetTextDatum("plan");
		values[20] = PointerGetDatum(construct_array(names, k, TEXTOID, -1, false, TYPALIGN_INT));
		nulls[20] = false;
	}

	tuplestore_putvalues(st->tupstore, st->tupdesc, values, nulls);
}

/* common setup after SPI_connect */
static void
state_start(cmp_state *st)
{
	int			rc;
	Oid			argtypes[1] = {INT8OID};

	rc = SPI_execute("SELECT to_regclass('" TB_SCHEMA ".plans') IS NOT NULL", true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not look up tas_bench.plans");
	{
		bool		isnull;

		st->have_plans = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);

	st->samples_plan = SPI_prepare("SELECT ns FROM " TB_SCHEMA ".samples WHERE run_id = $1",
								   1, argtypes);
	if (st->samples_plan == NULL)
		elog(ERROR, "could not prepare the samples query: %s", SPI_result_code_string(SPI_result));
	st->casecxt = AllocSetContextCreate(CurrentMemoryContext, "tas_bench compare case",
										ALLOCSET_DEFAULT_SIZES);
}

static void
run_case(cmp_state *st, const cmp_case *c)
{
	MemoryContext old = MemoryContextSwitchTo(st->casecxt);

	compare_pair(st, c);
	MemoryContextSwitchTo(old);
	MemoryContextReset(st->casecxt);
}

/*
 * The common start of compare() and compare_runs(): noise and alpha are
 * arguments 2 and 3, the result set is set up, SPI is connected.
 */
static void
begin_call(FunctionCallInfo fcinfo, cmp_state *st)
{
	st->noise = tb_compare_noise_arg(fcinfo, 2);
	st->alpha = tb_compare_alpha_arg(fcinfo, 3);
	st->read_only = true;
	init_srf(fcinfo, st);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/* ----------------------------------------------------------------
 *		tas_bench.compare(baseline, candidate, noise, alpha)
 * ----------------------------------------------------------------
 */

static void
check_label(cmp_state *st, const char *argname, const char *label)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	int			rc;

	args[0] = CStringGetTextDatum(label);
	rc = SPI_execute_with_args("SELECT 1 FROM " TB_SCHEMA ".runs WHERE label = $1 LIMIT 1",
							   1, argtypes, args, NULL, st->read_only, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read tas_bench.runs: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
	{
		char	   *labels = NULL;

		rc = SPI_execute("SELECT string_agg(quote_literal(label), ', ' ORDER BY label) "
						 "FROM (SELECT DISTINCT label FROM " TB_SCHEMA ".runs "
						 "WHERE label IS NOT NULL ORDER BY label LIMIT 10) l",
						 st->read_only, 1);
		if (rc == SPI_OK_SELECT && SPI_processed == 1)
			labels = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("argument %s: no runs with label \"%s\"", argname, label),
				 labels ? errdetail("Labels in tas_bench.runs include: %s.", labels)
				 : errdetail("No run in tas_bench.runs has a label."),
				 errhint("Store runs with bench(..., label => '%s') or CALL tas_bench.run_suite(..., label => '%s').",
						 label, label)));
	}
}

PG_FUNCTION_INFO_V1(tas_bench_compare);
Datum
tas_bench_compare(PG_FUNCTION_ARGS)
{
	cmp_state	st;
	char	   *baseline;
	char	   *candidate;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	int			rc;
	uint64		ncases;
	uint64		i;
	cmp_case   *cases;

	memset(&st, 0, sizeof(st));
	tb_require_arg(fcinfo, 0, "baseline", "Pass the label of the baseline runs, as given to bench(..., label => ...).");
	tb_require_arg(fcinfo, 1, "candidate", "Pass the label of the candidate runs, as given to bench(..., label => ...).");
	baseline = text_to_cstring(PG_GETARG_TEXT_PP(0));
	candidate = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(baseline, candidate) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("baseline and candidate name the same runs"),
				 errdetail("Both arguments are the label \"%s\": every case would be compared with itself.", baseline),
				 errhint("Pass two different labels; to measure the noise of a suite, run it twice under two labels and compare those.")));
	begin_call(fcinfo, &st);
	check_label(&st, "baseline", baseline);
	check_label(&st, "candidate", candidate);
	state_start(&st);

	/*
	 * The cases: every (suite, coalesce(case_name, name)) with a run of
	 * either label, each with its latest run (highest run_id) of each label.
	 * NULL suites and names match NULL.
	 */
	args[0] = CStringGetTextDatum(baseline);
	args[1] = CStringGetTextDatum(candidate);
	rc = SPI_execute_with_args(
							   "WITH r AS ("
							   "  SELECT DISTINCT ON (label, suite, coalesce(case_name, name)) "
							   "         label, suite, coalesce(case_name, name) AS c, run_id "
							   "    FROM " TB_SCHEMA ".runs WHERE label IN ($1, $2) "
							   "   ORDER BY label, suite, coalesce(case_name, name), run_id DESC), "
							   "k AS (SELECT DISTINCT suite, c FROM r) "
							   "SELECT k.suite, k.c, "
							   "       (SELECT run_id FROM r WHERE r.label = $1 AND r.suite IS NOT DISTINCT FROM k.suite "
							   "           AND r.c IS NOT DISTINCT FROM k.c), "
							   "       (SELECT run_id FROM r WHERE r.label = $2 AND r.suite IS NOT DISTINCT FROM k.suite "
							   "           AND r.c IS NOT DISTINCT FROM k.c) "
							   "  FROM k ORDER BY k.suite COLLATE \"C\", k.c COLLATE \"C\"",
							   2, argtypes, args, NULL, st.read_only, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read tas_bench.runs: %s", SPI_result_code_string(rc));
	ncases = SPI_processed;
	cases = palloc0(sizeof(cmp_case) * Max(ncases, 1));
	for (i = 0; i < ncases; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;

		cases[i].suite = SPI_getvalue(tup, td, 1);
		cases[i].case_name = SPI_getvalue(tup, td, 2);
		cases[i].run_a = getint8(tup, td, 3, &isnull);
		cases[i].run_b = getint8(tup, td, 4, &isnull);
	}
	SPI_freetuptable(SPI_tuptable);

	for (i = 0; i < ncases; i++)
	{
		CHECK_FOR_INTERRUPTS();
		run_case(&st, &cases[i]);
	}
	SPI_finish();
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 *		tas_bench.compare_runs(run_a, run_b, noise, alpha)
 * ----------------------------------------------------------------
 */

/* suite and case name shown for a pair of runs: one value if equal */
static char *
pair_name(const char *x, const char *y)
{
	if (x == NULL && y == NULL)
		return NULL;
	if (x && y && strcmp(x, y) == 0)
		return pstrdup(x);
	return psprintf("%s vs %s", x ? x : "(none)", y ? y : "(none)");
}

static void
check_run(cmp_state *st, const char *argname, int64 run_id, char **suite, char **case_name)
{
	cmp_side	side;

	if (!read_run(st, run_id, &side, suite, case_name))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("argument %s: run " INT64_FORMAT " does not exist", argname, run_id),
				 errhint("Pass a run_id of tas_bench.runs.")));
}

PG_FUNCTION_INFO_V1(tas_bench_compare_runs);
Datum
tas_bench_compare_runs(PG_FUNCTION_ARGS)
{
	cmp_state	st;
	cmp_case	c;
	char	   *suite_a = NULL;
	char	   *suite_b = NULL;
	char	   *case_a = NULL;
	char	   *case_b = NULL;

	memset(&st, 0, sizeof(st));
	tb_require_arg(fcinfo, 0, "run_a", "Pass the run_id of the baseline run.");
	tb_require_arg(fcinfo, 1, "run_b", "Pass the run_id of the candidate run.");
	c.run_a = PG_GETARG_INT64(0);
	c.run_b = PG_GETARG_INT64(1);
	if (c.run_a == c.run_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("run_a and run_b name the same run"),
				 errdetail("Both arguments are run " INT64_FORMAT ": it would be compared with itself.", c.run_a),
				 errhint("Pass two different run_ids; to measure the noise of a case, time it twice and compare those two runs.")));
	begin_call(fcinfo, &st);
	check_run(&st, "run_a", c.run_a, &suite_a, &case_a);
	check_run(&st, "run_b", c.run_b, &suite_b, &case_b);
	c.suite = pair_name(suite_a, suite_b);
	c.case_name = pair_name(case_a, case_b);
	state_start(&st);
	run_case(&st, &c);
	SPI_finish();
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 *		One comparison for another function's result (bench_ab)
 * ----------------------------------------------------------------
 */

/*
 * Set up fcinfo's result set for comparisons (call it before the work, so a
 * wrong calling context fails first); then tb_compare_pair() once per pair,
 * with SPI connected.  Runs written by the caller's own command are seen
 * (they are read with read_only off).
 */
struct tb_compare_out
{
	cmp_state	st;
	bool		started;
};

tb_compare_out *
tb_compare_begin(FunctionCallInfo fcinfo, double noise, double alpha)
{
	tb_compare_out *out = palloc0(sizeof(tb_compare_out));

	out->st.noise = noise;
	out->st.alpha = alpha;
	out->st.read_only = false;
	init_srf(fcinfo, &out->st);
	return out;
}

void
tb_compare_pair(tb_compare_out *out, const char *suite, const char *case_name,
				int64 run_a, int64 run_b)
{
	cmp_case	c;
	tb_bookkeeping bk;

	tb_bookkeeping_begin(&bk);

	if (!out->started)
		state_start(&out->st);
	out->started = true;
	c.suite = suite ? pstrdup(suite) : NULL;
	c.case_name = case_name ? pstrdup(case_name) : NULL;
	c.run_a = run_a;
	c.run_b = run_b;
	run_case(&out->st, &c);
	tb_bookkeeping_end(&bk);
}
