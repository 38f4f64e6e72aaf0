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
 *	unstable	either run drifted: the median of its last third of calls
 *				over that of its first third has a bootstrap interval wholly
 *				outside 1 +/- noise (tb_drift_ci; not for bench_ab, whose
 *				interleaved sides share any drift), unless the verdict is
 *				slower or faster by more than the drift's far end (the
 *				ratio's CI beyond max(drift_high, 1 / drift_low)): drift that
 *				size cannot make the change;
 *	slower		p_value < alpha AND ci_low  > 1 + noise;
 *	faster		p_value < alpha AND ci_high < 1 - noise;
 *	unchanged	1 - noise <= ci_low AND ci_high <= 1 + noise;
 *	inconclusive otherwise.
 *
 * Repeats: when compare() finds on both sides a whole group of repeats of a
 * case (run_suite(..., repeats => k): the k latest runs of the case under
 * the label carry env.repeat 1..k), the CI is the hierarchical bootstrap of
 * tb_hier_median_ratio_ci (repeats resampled, then each one's median;
 * widened to cover Welch's t interval over the repeats' medians, since a
 * bootstrap of three repeats is too sure of itself), the
 * ratio that of the means of the repeats' medians, and the p50s, n and
 * p_value those of the pooled samples; so run-to-run drift widens the
 * interval instead of producing verdicts.
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
#include "funcapi.h"
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
#include "core/drift.h"
#include "core/stats.h"
#include "util.h"

/* bootstrap resamples of the ratio's CI */
#define COMPARE_RESAMPLES 10000

/* bootstrap resamples of a run's drift interval */
#define DRIFT_RESAMPLES 2000

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
	int			ngroup_a;		/* runs in the baseline's group of repeats (0: none) */
	int64	   *group_a;
	int			ngroup_b;
	int64	   *group_b;
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
	bool		drift_known;	/* drift judged (enough calls, check_drift) */
	tb_stats_ci drift;			/* last third / first third of the calls */
} cmp_side;

/* state shared by all the cases of one call */
typedef struct cmp_state
{
	double		noise;
	double		alpha;
	bool		read_only;		/* SPI read_only flag */
	bool		have_plans;		/* tas_bench.plans exists */
	bool		check_drift;	/* judge each run's drift (not for bench_ab) */
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

/* an int8[] column without NULL elements as a palloc'd array (NULL, 0 when NULL) */
static int64 *
getint8array(HeapTuple tup, TupleDesc td, int col, int *n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, td, col, &isnull);
	Datum	   *elems;
	bool	   *enulls;
	int64	   *out;
	int			i;

	*n = 0;
	if (isnull)
		return NULL;
	deconstruct_array(DatumGetArrayTypeP(d), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &enulls, n);
	out = palloc(sizeof(int64) * Max(*n, 1));
	for (i = 0; i < *n; i++)
		out[i] = enulls[i] ? 0 : DatumGetInt64(elems[i]);
	return out;
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
 * in call order into a growing array in the current memory context, judge
 * the run's drift from that order (when st->check_drift), then sort it.
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
	if (st->check_drift && n >= TB_DRIFT_MIN_N)
	{
		int64	   *scratch = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * n);
		double	   *work = palloc(sizeof(double) * DRIFT_RESAMPLES);

		side->drift_known =
			tb_drift_ci((int64_t *) side->ns, n, 1.0 - st->alpha, DRIFT_RESAMPLES,
						(uint64) n ^ (uint64) side->ns[n / 2], (int64_t *) scratch,
						work, &side->drift) == TB_STATS_OK;
		pfree(scratch);
		pfree(work);
	}
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

/* the repeats of one side, each run's samples sorted, and all of them pooled */
typedef struct cmp_group
{
	int			k;
	tb_repeat  *reps;
	cmp_side   *runs;
	int64	   *ids;
} cmp_group;

/*
 * Read the runs of a group of repeats: those with status ok and samples
 * count (the latest run, *side, is one of them and is ok); *side gets the
 * pooled samples.  Returns the number of repeats kept.
 */
static int
read_group(cmp_state *st, const int64 *ids, int n, cmp_side *side, cmp_group *g)
{
	size_t		total = 0;
	size_t		at = 0;
	int			i;

	g->k = 0;
	g->reps = palloc(sizeof(tb_repeat) * n);
	g->runs = palloc0(sizeof(cmp_side) * n);
	g->ids = palloc(sizeof(int64) * n);
	for (i = 0; i < n; i++)
	{
		cmp_side   *r = &g->runs[g->k];

		CHECK_FOR_INTERRUPTS();
		if (!read_run(st, ids[i], r, NULL, NULL) || strcmp(r->status, "ok") != 0)
			continue;
		read_samples(st, ids[i], r);
		if (r->n == 0)
			continue;
		g->reps[g->k].ns = (const int64_t *) r->ns;
		g->reps[g->k].n = r->n;
		g->ids[g->k] = ids[i];
		total += r->n;
		g->k++;
	}
	side->ns = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(total, 1));
	for (i = 0; i < g->k; i++)
	{
		memcpy(side->ns + at, g->runs[i].ns, sizeof(int64) * g->runs[i].n);
		at += g->runs[i].n;
	}
	side->n = total;
	tb_stats_sort_int64((int64_t *) side->ns, total);
	return g->k;
}

/*
 * Status and samples of both sides; sets verdict and note and returns false
 * when there is nothing to time (missing, new, failed).  With groups of
 * repeats on both sides, ga and gb hold them and a, b the pooled samples.
 */
static bool
load_case(cmp_state *st, const cmp_case *c, cmp_side *a, cmp_side *b,
		  cmp_group *ga, cmp_group *gb, const char **verdict, char **note)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	ga->k = gb->k = 0;
	if (c->run_a != 0 && !read_run(st, c->run_a, a, NULL, NULL))
		elog(ERROR, "run " INT64_FORMAT " vanished", c->run_a);
	if (c->run_b != 0 && !read_run(st, c->run_b, b, NULL, NULL))
		elog(ERROR, "run " INT64_FORMAT " vanished", c->run_b);

	if (!b->present)
	{
		*verdict = "missing";
		*note = psprintf("no candidate run of this case");
		return false;
	}
	if (!a->present)
	{
		*verdict = "new";
		*note = psprintf("no baseline run of this case");
		return false;
	}
	if (strcmp(a->status, "ok") != 0 || strcmp(b->status, "ok") != 0)
	{
		cmp_side   *f = strcmp(a->status, "ok") != 0 ? a : b;
		int64		fid = f == a ? c->run_a : c->run_b;

		*verdict = "failed";
		*note = psprintf("%s run " INT64_FORMAT " has status %s%s%s",
						 f == a ? "baseline" : "candidate", fid, f->status,
						 f->error ? ": " : "", f->error ? f->error : "");
		return false;
	}
	if (c->ngroup_a >= 2 && c->ngroup_b >= 2)
	{
		if (read_group(st, c->group_a, c->ngroup_a, a, ga) < 2 ||
			read_group(st, c->group_b, c->ngroup_b, b, gb) < 2)
			ga->k = gb->k = 0;	/* fewer than two usable repeats: as one run */
	}
	if (ga->k == 0)
	{
		read_samples(st, c->run_a, a);
		read_samples(st, c->run_b, b);
	}
	if (a->n == 0 || b->n == 0)
	{
		*verdict = "failed";
		*note = psprintf("%s run " INT64_FORMAT " has no samples",
						 a->n == 0 ? "baseline" : "candidate",
						 a->n == 0 ? c->run_a : c->run_b);
		return false;
	}
	return true;
}

/* the first run of a side (or of its repeats) that drifted, or NULL */
static const cmp_side *
drifted(const cmp_state *st, const cmp_side *one, int64 one_id,
		const cmp_group *g, int64 *id)
{
	int			i;

	if (g->k == 0)
	{
		*id = one_id;
		return one->drift_known && tb_drift_unstable(&one->drift, st->noise) ? one : NULL;
	}
	for (i = 0; i < g->k; i++)
	{
		if (g->runs[i].drift_known && tb_drift_unstable(&g->runs[i].drift, st->noise))
		{
			*id = g->ids[i];
			return &g->runs[i];
		}
	}
	return NULL;
}

/*
 * The ratio's CI, the rank test and the verdict of two sides with samples.
 */
static void
judge_timing(cmp_state *st, const cmp_case *c, cmp_side *a, cmp_side *b,
			 const cmp_group *ga, const cmp_group *gb,
			 tb_stats_ci *ci, tb_stats_mw *mw, const char **verdict, char **note)
{
	double	   *work = palloc(sizeof(double) * COMPARE_RESAMPLES);
	bool		significant;
	char	   *why;
	const cmp_side *d = NULL;
	const char *which = NULL;
	int64		did = 0;
	bool		identical = false;

	/* p50 from the samples themselves (equals runs.p50_ns for real runs) */
	a->p50_ns = tb_stats_quantile((int64_t *) a->ns, a->n, 0.5);
	b->p50_ns = tb_stats_quantile((int64_t *) b->ns, b->n, 0.5);
	a->p50_null = b->p50_null = false;
	/*
	 * The same samples on both sides (a run and its export imported
	 * elsewhere, a copy): no difference at all, so the interval is the point
	 * 1, not the spread two independent draws would have.  (Not for groups
	 * of repeats: the same pooled samples can be split into repeats
	 * differently.)
	 */
	if (ga->k >= 2)
	{
		if (tb_hier_median_ratio_ci(ga->reps, ga->k, gb->reps, gb->k, 1.0 - st->alpha,
									COMPARE_RESAMPLES, samples_seed(a, b), work, ci) != TB_STATS_OK)
			elog(ERROR, "hierarchical bootstrap of the ratio failed");
	}
	else if (a->n == b->n && memcmp(a->ns, b->ns, sizeof(int64) * a->n) == 0)
	{
		ci->estimate = ci->low = ci->high = 1.0;
		identical = true;
	}
	else if (tb_stats_bootstrap_median_ratio_ci((int64_t *) a->ns, a->n, (int64_t *) b->ns, b->n,
												1.0 - st->alpha, COMPARE_RESAMPLES,
												samples_seed(a, b), work, ci) != TB_STATS_OK)
		elog(ERROR, "bootstrap of the ratio failed");
	if (tb_stats_mann_whitney((int64_t *) a->ns, a->n, (int64_t *) b->ns, b->n,
							  TB_STATS_MW_AUTO, mw) != TB_STATS_OK)
		elog(ERROR, "Mann-Whitney test failed");
	pfree(work);

	significant = mw->p_value < st->alpha;
	why = psprintf("ratio %s, %g%% CI [%s, %s]%s, p = %s",
				   fmt_num(ci->estimate), 100.0 * (1.0 - st->alpha),
				   fmt_num(ci->low), fmt_num(ci->high),
				   ga->k >= 2 ? psprintf(" over %d and %d repeats", ga->k, gb->k) : "",
				   fmt_num(mw->p_value));
	if (significant && ci->low > 1.0 + st->noise)
	{
		*verdict = "slower";
		*note = psprintf("%s: p < alpha %g and CI above 1 + noise %g", why, st->alpha, st->noise);
	}
	else if (significant && ci->high < 1.0 - st->noise)
	{
		*verdict = "faster";
		*note = psprintf("%s: p < alpha %g and CI below 1 - noise %g", why, st->alpha, st->noise);
	}
	else if (ci->low >= 1.0 - st->noise && ci->high <= 1.0 + st->noise)
	{
		*verdict = "unchanged";
		*note = psprintf("%s: CI within 1 +/- noise %g", why, st->noise);
	}
	else
	{
		*verdict = "inconclusive";
		if (ci->low > 1.0 + st->noise || ci->high < 1.0 - st->noise)
			*note = psprintf("%s: CI outside 1 +/- noise %g but p >= alpha %g",
							 why, st->noise, st->alpha);
		else
			*note = psprintf("%s: CI crosses 1 %s noise %g",
							 why, ci->high > 1.0 + st->noise ? "+" : "-", st->noise);
	}

	/*
	 * A run that drifted inside itself beyond noise makes the verdict
	 * unstable, unless the change is larger than the drift could make it:
	 * slower stands when the CI's low end is above the drift's far end (and
	 * faster likewise), since drift that large cannot produce it.  Two
	 * copies of the same samples cannot differ, drift or not.
	 */
	if (st->check_drift && !identical)
	{
		int64		bid = 0;
		const cmp_side *db = drifted(st, b, c->run_b, gb, &bid);

		if ((d = drifted(st, a, c->run_a, ga, &did)) != NULL)
			which = "baseline";
		/* of two drifted sides, the one that drifted farther */
		if (db && (!d || Max(db->drift.high, 1.0 / db->drift.low) >
				   Max(d->drift.high, 1.0 / d->drift.low)))
		{
			d = db;
			did = bid;
			which = "candidate";
		}
	}
	if (which)
	{
		double		far = Max(d->drift.high, 1.0 / d->drift.low);

		if (!((strcmp(*verdict, "slower") == 0 && ci->low > far) ||
			  (strcmp(*verdict, "faster") == 0 && ci->high < 1.0 / far)))
		{
			*verdict = "unstable";
			*note = psprintf("%s run " INT64_FORMAT " drifted: its last third of calls over its first, %s [%s, %s], lies outside 1 +/- noise %g and could make the difference (see tas_bench.run_stability); %s",
							 which, did, fmt_num(d->drift.estimate), fmt_num(d->drift.low),
							 fmt_num(d->drift.high), st->noise, why);
		}
	}
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
	cmp_group	ga;
	cmp_group	gb;
	const char *verdict = NULL;
	char	   *note = NULL;
	bool		timing;
	tb_stats_ci ci;
	tb_stats_mw mw;
	bool		plan_null;
	bool		plan_changed;
	int			i;

	memset(nulls, true, sizeof(nulls));
	timing = load_case(st, c, &a, &b, &ga, &gb, &verdict, &note);
	if (timing)
		judge_timing(st, c, &a, &b, &ga, &gb, &ci, &mw, &verdict, &note);

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

	st->samples_plan = SPI_prepare("SELECT ns FROM " TB_SCHEMA ".run_samples($1)",
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
	st->check_drift = true;
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
	 * either label, each with its latest run (highest run_id) of each label,
	 * and that run's group of repeats: when it carries env.repeats = k >= 2,
	 * the k latest runs of the case under the label if they carry repeat
	 * numbers 1..k each once.  NULL suites and names match NULL.
	 */
	args[0] = CStringGetTextDatum(baseline);
	args[1] = CStringGetTextDatum(candidate);
	rc = SPI_execute_with_args(
							   "WITH r AS ("
							   "  SELECT label, suite, coalesce(case_name, name) AS c, run_id, "
							   "         CASE WHEN env ->> 'repeats' ~ '^[0-9]{1,4}$' THEN (env ->> 'repeats')::int END AS k, "
							   "         CASE WHEN env ->> 'repeat' ~ '^[0-9]{1,4}$' THEN (env ->> 'repeat')::int END AS rep "
							   "    FROM " TB_SCHEMA ".runs WHERE label IN ($1, $2)), "
							   "l AS ("
							   "  SELECT DISTINCT ON (label, suite, c) label, suite, c, run_id, k FROM r "
							   "   ORDER BY label, suite, c, run_id DESC), "
							   "g AS ("
							   "  SELECT l.label, l.suite, l.c, l.run_id, "
							   "         CASE WHEN l.k >= 2 THEN ("
							   "           SELECT CASE WHEN count(*) = l.k AND count(DISTINCT x.rep) = l.k "
							   "                        AND bool_and(x.k = l.k AND x.rep BETWEEN 1 AND l.k) "
							   "                       THEN array_agg(x.run_id ORDER BY x.run_id) END "
							   "             FROM (SELECT r.run_id, r.k, r.rep FROM r "
							   "                    WHERE r.label = l.label AND r.suite IS NOT DISTINCT FROM l.suite "
							   "                      AND r.c IS NOT DISTINCT FROM l.c "
							   "                    ORDER BY r.run_id DESC LIMIT l.k) x) END AS grp "
							   "    FROM l), "
							   "k AS (SELECT DISTINCT suite, c FROM g) "
							   "SELECT k.suite, k.c, a.run_id, b.run_id, a.grp, b.grp "
							   "  FROM k "
							   "  LEFT JOIN g a ON a.label = $1 AND a.suite IS NOT DISTINCT FROM k.suite AND a.c IS NOT DISTINCT FROM k.c "
							   "  LEFT JOIN g b ON b.label = $2 AND b.suite IS NOT DISTINCT FROM k.suite AND b.c IS NOT DISTINCT FROM k.c "
							   " ORDER BY k.suite COLLATE \"C\", k.c COLLATE \"C\"",
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
		cases[i].group_a = getint8array(tup, td, 5, &cases[i].ngroup_a);
		cases[i].group_b = getint8array(tup, td, 6, &cases[i].ngroup_b);
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
	cmp_case	c = {0};
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
	cmp_case	c = {0};
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

/* ----------------------------------------------------------------
 *		tas_bench.run_stability(run_id, noise, alpha)
 * ----------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(tas_bench_run_stability);
Datum
tas_bench_run_stability(PG_FUNCTION_ARGS)
{
	cmp_state	st;
	cmp_side	side;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, true, true, true, true};
	int64		run_id;

	memset(&st, 0, sizeof(st));
	memset(&side, 0, sizeof(side));
	tb_require_arg(fcinfo, 0, "run_id", "Pass a run_id of tas_bench.runs.");
	run_id = PG_GETARG_INT64(0);
	st.noise = tb_compare_noise_arg(fcinfo, 1);
	st.alpha = tb_compare_alpha_arg(fcinfo, 2);
	st.read_only = true;
	st.check_drift = true;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	check_run(&st, "run_id", run_id, NULL, NULL);
	state_start(&st);
	read_samples(&st, run_id, &side);
	values[0] = Int64GetDatum((int64) side.n);
	if (side.drift_known)
	{
		values[1] = Float8GetDatum(side.drift.estimate);
		values[2] = Float8GetDatum(side.drift.low);
		values[3] = Float8GetDatum(side.drift.high);
		values[4] = BoolGetDatum(tb_drift_unstable(&side.drift, st.noise));
		nulls[1] = nulls[2] = nulls[3] = nulls[4] = false;
	}
	SPI_finish();
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
