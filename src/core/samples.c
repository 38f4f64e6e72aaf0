/*-------------------------------------------------------------------------
 *
 * samples.c
 *	  The sample store: every timed call of every run, kept as blocks of
 *	  delta-encoded samples in tas_bench.sample_blocks and read as rows
 *	  (run_id, seq, ns, param_row, rows) through the view tas_bench.samples.
 *
 * A block holds the calls first_seq .. first_seq + n - 1 of one run (at
 * most TB_SAMPLE_BLOCK of them, so a block is one bench_commit write-out
 * chunk) in a bytea:
 *
 *	byte 0		format (1)
 *	byte 1		flags: 1 = no parameter rows (every param_row NULL, not stored)
 *	varint		n
 *	per call	zigzag varint of ns - previous ns;
 *				unless flag 1: varint 0 for a NULL param_row, otherwise
 *				1 + zigzag(param_row - previous non-NULL param_row - 1)
 *				(0 while the rows are cycled in order);
 *				zigzag varint of rows - previous rows
 *
 * (differences are taken modulo 2^64, so every int8 value round-trips).  A
 * call of SELECT 1 takes 3 bytes; the row of a block adds about 60 bytes
 * and its primary key entry about 20 per 50,000 calls.  The column is
 * stored out of line uncompressed (STORAGE EXTERNAL): the encoding is
 * already dense, and pglz would cost time on every write.
 *
 * Integrity without a per-row foreign key: every write of a block first
 * takes a key-share lock on its run's row (so the run exists and cannot be
 * deleted until the write commits, as a foreign key's check does, once per
 * block instead of once per sample) and checks that no stored block of the
 * run overlaps the new seq range (what the old primary key (run_id, seq)
 * said); deleting runs removes their blocks in the statement-level trigger
 * tas_bench_runs_samples (with the transition table of the deleted rows,
 * under REPEATABLE READ with the latest snapshot and the transaction's as
 * crosscheck, as the foreign key's cascade does), TRUNCATE of runs removes
 * all blocks, and a run_id with samples cannot change.
 *
 * Who writes: the harness as bookkeeping (the extension owner, util.h);
 * tas_bench.store_samples() (import_runs) and INSERT INTO tas_bench.samples
 * (an INSTEAD OF trigger, one block per row) as the current role, who then
 * needs INSERT on sample_blocks and UPDATE on runs (the lock) like any
 * direct writer.
 *
 * Memory: one block's encoding at a time (at most 30 bytes per call),
 * freed after its INSERT.
 *
 * IDENTIFICATION
 *	  src/core/samples.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "core/samples.h"
#include "util.h"

#define SB_FORMAT 1
#define SB_NO_PARAMS 0x01
/* the most bytes one call can take: three 10-byte varints */
#define SB_MAX_PER_CALL 30

static inline uint64
zigzag(int64 v)
{
	return ((uint64) v << 1) ^ (uint64) (v >> 63);
}

static inline int64
unzigzag(uint64 u)
{
	return (int64) (u >> 1) ^ -(int64) (u & 1);
}

static inline char *
put_uvarint(char *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (char) (v | 0x80);
		v >>= 7;
	}
	*p++ = (char) v;
	return p;
}

/* NULL when the varint runs past end or is longer than 10 bytes */
static inline const char *
get_uvarint(const char *p, const char *end, uint64 *v)
{
	uint64		r = 0;
	int			shift = 0;

	while (p < end && shift <= 63)
	{
		uint8		b = (uint8) *p++;

		r |= (uint64) (b & 0x7f) << shift;
		if ((b & 0x80) == 0)
		{
			*v = r;
			return p;
		}
		shift += 7;
	}
	return NULL;
}

/* is param row i NULL: prow_null given, or else prow 0 (the harness's "none") */
static inline bool
prow_is_null(const int32 *prow, const bool *prow_null, int i)
{
	return prow_null ? prow_null[i] : prow[i] == 0;
}

/* the block of count calls, palloc'd in the current context */
static bytea *
encode_block(int count, const int64 *ns, const int32 *prow, const bool *prow_null,
			 const int64 *rows)
{
	bool		params = false;
	bytea	   *out;
	char	   *p;
	uint64		pns = 0;
	uint64		prows = 0;
	int64		ppr = 0;
	int			i;

	for (i = 0; i < count && !params; i++)
		params = !prow_is_null(prow, prow_null, i);
	out = palloc(VARHDRSZ + 2 + 10 + (Size) count * SB_MAX_PER_CALL);
	p = VARDATA(out);
	*p++ = SB_FORMAT;
	*p++ = params ? 0 : SB_NO_PARAMS;
	p = put_uvarint(p, (uint64) count);
	for (i = 0; i < count; i++)
	{
		p = put_uvarint(p, zigzag((int64) ((uint64) ns[i] - pns)));
		pns = (uint64) ns[i];
		if (params)
		{
			if (prow_is_null(prow, prow_null, i))
				*p++ = 0;
			else
			{
				p = put_uvarint(p, 1 + zigzag((int64) prow[i] - ppr - 1));
				ppr = prow[i];
			}
		}
		p = put_uvarint(p, zigzag((int64) ((uint64) rows[i] - prows)));
		prows = (uint64) rows[i];
	}
	SET_VARSIZE(out, p - (char *) out);
	return out;
}

static void
corrupt_block(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid sample block: %s", what),
			 errhint("Blocks of tas_bench.sample_blocks are written by tas_bench only (format 1).")));
}

/*
 * tas_bench.sample_decode(first_seq integer, data bytea)
 *		RETURNS TABLE(seq integer, ns bigint, param_row integer, rows bigint)
 *		The calls of one block, in seq order.
 */
PG_FUNCTION_INFO_V1(tas_bench_sample_decode);
Datum
tas_bench_sample_decode(PG_FUNCTION_ARGS)
{
	int32		first = PG_GETARG_INT32(0);
	bytea	   *data = PG_GETARG_BYTEA_PP(1);
	const char *p = VARDATA_ANY(data);
	const char *end = p + VARSIZE_ANY_EXHDR(data);
	ReturnSetInfo *rsinfo;
	bool		params;
	uint64		n;
	uint64		pns = 0;
	uint64		prows = 0;
	int64		ppr = 0;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	TB_INIT_MATERIALIZED_SRF(fcinfo);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	if (end - p < 3 || p[0] != SB_FORMAT || (p[1] & ~SB_NO_PARAMS) != 0)
		corrupt_block("unknown format");
	params = (p[1] & SB_NO_PARAMS) == 0;
	p = get_uvarint(p + 2, end, &n);
	if (p == NULL || n == 0 || (int64) first + (int64) n - 1 > PG_INT32_MAX)
		corrupt_block("bad count");
	for (uint64 i = 0; i < n; i++)
	{
		uint64		u;

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if ((p = get_uvarint(p, end, &u)) == NULL)
			corrupt_block("truncated");
		pns += (uint64) unzigzag(u);
		values[0] = Int32GetDatum((int32) (first + (int64) i));
		values[1] = Int64GetDatum((int64) pns);
		nulls[2] = true;
		values[2] = (Datum) 0;
		if (params)
		{
			if ((p = get_uvarint(p, end, &u)) == NULL)
				corrupt_block("truncated");
			if (u != 0)
			{
				ppr = ppr + 1 + unzigzag(u - 1);
				nulls[2] = false;
				values[2] = Int32GetDatum((int32) ppr);
			}
		}
		if ((p = get_uvarint(p, end, &u)) == NULL)
			corrupt_block("truncated");
		prows += (uint64) unzigzag(u);
		values[3] = Int64GetDatum((int64) prows);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (p != end)
		corrupt_block("trailing bytes");
	return (Datum) 0;
}

/* where tas_bench_sample_rows is in a block, between calls */
typedef struct sample_cursor
{
	const char *p;
	const char *end;
	bool		params;
	uint64		n;
	uint64		i;
	int32		first;
	uint64		pns;
	uint64		prows;
	int64		ppr;
	TupleDesc	tupdesc;
} sample_cursor;

/*
 * tas_bench.sample_rows(first_seq integer, data bytea)
 *		RETURNS SETOF tas_bench.sample_row
 *		The same rows as sample_decode, one per call (value-per-call): in a
 *		select list (as the view tas_bench.samples uses it) they stream
 *		through ProjectSet, where sample_decode in FROM copies every row
 *		through a tuplestore.
 */
PG_FUNCTION_INFO_V1(tas_bench_sample_rows);
Datum
tas_bench_sample_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	sample_cursor *c;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	uint64		u;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		bytea	   *data;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		c = palloc0(sizeof(sample_cursor));
		c->tupdesc = BlessTupleDesc(tupdesc);
		data = PG_GETARG_BYTEA_PP(1);	/* detoasted in the multi-call context */
		c->first = PG_GETARG_INT32(0);
		c->p = VARDATA_ANY(data);
		c->end = c->p + VARSIZE_ANY_EXHDR(data);
		MemoryContextSwitchTo(old);
		if (c->end - c->p < 3 || c->p[0] != SB_FORMAT || (c->p[1] & ~SB_NO_PARAMS) != 0)
			corrupt_block("unknown format");
		c->params = (c->p[1] & SB_NO_PARAMS) == 0;
		c->p = get_uvarint(c->p + 2, c->end, &c->n);
		if (c->p == NULL || c->n == 0 || (int64) c->first + (int64) c->n - 1 > PG_INT32_MAX)
			corrupt_block("bad count");
		funcctx->user_fctx = c;
	}
	funcctx = SRF_PERCALL_SETUP();
	c = (sample_cursor *) funcctx->user_fctx;
	if (c->i >= c->n)
	{
		if (c->p != c->end)
			corrupt_block("trailing bytes");
		SRF_RETURN_DONE(funcctx);
	}
	if ((c->p = get_uvarint(c->p, c->end, &u)) == NULL)
		corrupt_block("truncated");
	c->pns += (uint64) unzigzag(u);
	values[0] = Int32GetDatum((int32) (c->first + (int64) c->i));
	values[1] = Int64GetDatum((int64) c->pns);
	nulls[2] = true;
	values[2] = (Datum) 0;
	if (c->params)
	{
		if ((c->p = get_uvarint(c->p, c->end, &u)) == NULL)
			corrupt_block("truncated");
		if (u != 0)
		{
			c->ppr = c->ppr + 1 + unzigzag(u - 1);
			nulls[2] = false;
			values[2] = Int32GetDatum((int32) c->ppr);
		}
	}
	if ((c->p = get_uvarint(c->p, c->end, &u)) == NULL)
		corrupt_block("truncated");
	c->prows += (uint64) unzigzag(u);
	values[3] = Int64GetDatum((int64) c->prows);
	c->i++;
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(c->tupdesc, values, nulls)));
}

/* the check and the insert of a block, prepared once per backend */
static SPIPlanPtr check_plan = NULL;
static SPIPlanPtr insert_plan = NULL;

static SPIPlanPtr
keep(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

	if (plan == NULL)
		elog(ERROR, "could not prepare a statement of the sample store: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

/* write one encoded block (SPI connected, path pinned, role chosen) */
static void
store_block(int64 run_id, int32 first_seq, int count, bytea *data)
{
	Datum		vals[4];
	int			rc;
	bool		isnull;
	bool		run_exists;
	bool		overlaps;

	if (check_plan == NULL)
	{
		Oid			types[3] = {INT8OID, INT4OID, INT4OID};

		check_plan = keep("SELECT r.run_id IS NOT NULL, coalesce(("
						  "  SELECT b.first_seq::int8 + b.n - 1 >= $2 FROM " TB_SCHEMA ".sample_blocks b"
						  "   WHERE b.run_id = $1 AND b.first_seq <= $3"
						  "   ORDER BY b.first_seq DESC LIMIT 1), false)"
						  "  FROM (SELECT) AS one LEFT JOIN LATERAL ("
						  "  SELECT x.run_id FROM " TB_SCHEMA ".runs x WHERE x.run_id = $1 FOR KEY SHARE"
						  ") AS r ON true", 3, types);
	}
	if (insert_plan == NULL)
	{
		Oid			types[4] = {INT8OID, INT4OID, INT4OID, BYTEAOID};

		insert_plan = keep("INSERT INTO " TB_SCHEMA ".sample_blocks (run_id, first_seq, n, data) "
						   "VALUES ($1, $2, $3, $4)", 4, types);
	}
	vals[0] = Int64GetDatum(run_id);
	vals[1] = Int32GetDatum(first_seq);
	vals[2] = Int32GetDatum(first_seq + count - 1);
	rc = SPI_execute_plan(check_plan, vals, NULL, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not check the run of a sample block: %s", SPI_result_code_string(rc));
	run_exists = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	overlaps = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!run_exists)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("run " INT64_FORMAT " is not in tas_bench.runs", run_id),
				 errdetail("Every sample belongs to a stored run: store the run first.")));
	if (overlaps)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("run " INT64_FORMAT " already has samples with seq between %d and %d",
						run_id, first_seq, first_seq + count - 1),
				 errdetail("seq numbers the calls of a run: each is stored once.")));

	vals[2] = Int32GetDatum(count);
	vals[3] = PointerGetDatum(data);
	rc = SPI_execute_plan(insert_plan, vals, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into tas_bench.sample_blocks: %s", SPI_result_code_string(rc));
}

/* encode and store calls first_seq .. first_seq + count - 1 in blocks */
static void
write_samples(int64 run_id, int32 first_seq, int count, const int64 *ns,
			  const int32 *prow, const bool *prow_null, const int64 *rows, bool bookkeeping)
{
	MemoryContext cxt;
	int			done;

	if (count <= 0)
		return;
	if ((int64) first_seq + count - 1 > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("seq of run " INT64_FORMAT " out of range", run_id)));
	cxt = AllocSetContextCreate(CurrentMemoryContext, "tas_bench sample block",
								ALLOCSET_DEFAULT_SIZES);
	for (done = 0; done < count;)
	{
		int			k = Min(count - done, TB_SAMPLE_BLOCK);
		MemoryContext old;
		bytea	   *data;
		tb_bookkeeping bk;
		int			nest = -1;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(cxt);
		data = encode_block(k, ns + done, prow + done, prow_null ? prow_null + done : NULL,
							rows + done);
		if (bookkeeping)
			tb_bookkeeping_begin(&bk);
		else
			nest = tb_internal_begin();
		store_block(run_id, first_seq + done, k, data);
		if (bookkeeping)
			tb_bookkeeping_end(&bk);
		else
			tb_internal_end(nest);
		MemoryContextSwitchTo(old);
		MemoryContextReset(cxt);
		done += k;
	}
	MemoryContextDelete(cxt);
}

void
tb_samples_write(int64 run_id, int32 first_seq, int count, const int64 *ns,
				 const int32 *prow, const int64 *rows, bool bookkeeping)
{
	write_samples(run_id, first_seq, count, ns, prow, NULL, rows, bookkeeping);
}

/* the errors of the samples' column rules, as the table had them */
static void
null_sample_column(const char *column)
{
	ereport(ERROR,
			(errcode(ERRCODE_NOT_NULL_VIOLATION),
			 errmsg("null value in column \"%s\" of relation \"samples\" violates not-null constraint",
					column)));
}

static void
negative_ns(int64 ns)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("new row for relation \"samples\" violates check constraint \"samples_ns_check\""),
			 errdetail("ns is a duration: 0 or more, not " INT64_FORMAT ".", ns)));
}

/* elements of a 1-D array argument (NULL array: n = -1) */
static void
array_arg(FunctionCallInfo fcinfo, int argno, Oid elemtype, Datum **elems, bool **nulls, int *n)
{
	ArrayType  *a;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	*n = -1;
	if (PG_ARGISNULL(argno))
		return;
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the arrays of tas_bench.store_samples() must be one-dimensional")));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, elems, nulls, n);
}

/* qsort of call indices by seq */
static const int32 *sort_seq;

static int
cmp_by_seq(const void *a, const void *b)
{
	int32		x = sort_seq[*(const int *) a];
	int32		y = sort_seq[*(const int *) b];

	return (x > y) - (x < y);
}

/*
 * tas_bench.store_samples(run_id bigint, seq integer[], ns bigint[],
 *						   param_row integer[], rows bigint[]) RETURNS bigint
 *		Store the calls given as parallel arrays (element i = one call; a
 *		NULL param_row array: no parameter rows) as the current role, in
 *		blocks of consecutive seq; returns how many.  import_runs uses it.
 */
PG_FUNCTION_INFO_V1(tas_bench_store_samples);
Datum
tas_bench_store_samples(PG_FUNCTION_ARGS)
{
	int64		run_id;
	Datum	   *d_seq,
			   *d_ns,
			   *d_pr = NULL,
			   *d_rows;
	bool	   *n_seq,
			   *n_ns,
			   *n_pr = NULL,
			   *n_rows;
	int			nseq,
				nns,
				npr,
				nrows;
	int			n;
	int		   *order;
	int32	   *seq;
	int64	   *ns;
	int32	   *prow;
	bool	   *prow_null;
	int64	   *rows;
	int			i;
	int			start;

	tb_require_arg(fcinfo, 0, "run_id", "Pass the run_id of a run of tas_bench.runs.");
	tb_require_arg(fcinfo, 1, "seq", "Pass the call numbers, one per sample.");
	tb_require_arg(fcinfo, 2, "ns", "Pass the durations in ns, one per sample.");
	tb_require_arg(fcinfo, 4, "rows", "Pass the rows of each call, one per sample.");
	run_id = PG_GETARG_INT64(0);
	array_arg(fcinfo, 1, INT4OID, &d_seq, &n_seq, &nseq);
	array_arg(fcinfo, 2, INT8OID, &d_ns, &n_ns, &nns);
	array_arg(fcinfo, 3, INT4OID, &d_pr, &n_pr, &npr);
	array_arg(fcinfo, 4, INT8OID, &d_rows, &n_rows, &nrows);
	n = nseq;
	if (nns != n || nrows != n || (npr >= 0 && npr != n))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the arrays of tas_bench.store_samples() must have one element per sample"),
				 errdetail("seq has %d, ns %d, param_row %d and rows %d.", nseq, nns, npr, nrows)));

	seq = palloc(sizeof(int32) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		if (n_seq[i])
			null_sample_column("seq");
		if (n_ns[i])
			null_sample_column("ns");
		if (n_rows[i])
			null_sample_column("rows");
		if (DatumGetInt64(d_ns[i]) < 0)
			negative_ns(DatumGetInt64(d_ns[i]));
		seq[i] = DatumGetInt32(d_seq[i]);
	}
	order = palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_seq = seq;
	qsort(order, n, sizeof(int), cmp_by_seq);
	ns = palloc(sizeof(int64) * Max(n, 1));
	prow = palloc(sizeof(int32) * Max(n, 1));
	prow_null = palloc(sizeof(bool) * Max(n, 1));
	rows = palloc(sizeof(int64) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		int			j = order[i];

		if (i > 0 && seq[j] == seq[order[i - 1]])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("seq %d appears twice among the samples of run " INT64_FORMAT, seq[j], run_id)));
		ns[i] = DatumGetInt64(d_ns[j]);
		rows[i] = DatumGetInt64(d_rows[j]);
		prow_null[i] = npr < 0 || n_pr[j];
		prow[i] = prow_null[i] ? 0 : DatumGetInt32(d_pr[j]);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* one write per stretch of consecutive seq numbers */
	for (start = 0; start < n;)
	{
		int			end = start + 1;

		while (end < n && seq[order[end]] == seq[order[end - 1]] + 1)
			end++;
		write_samples(run_id, seq[order[start]], end - start, ns + start, prow + start,
					  prow_null + start, rows + start, false);
		start = end;
	}
	SPI_finish();
	PG_RETURN_INT64((int64) n);
}

/*
 * INSTEAD OF INSERT ON tas_bench.samples FOR EACH ROW: store the row as a
 * block of one call, as the current role, with the rules of the table the
 * view replaced (run_id, seq, ns and rows not NULL, ns >= 0, the run
 * exists, (run_id, seq) unique).
 */
PG_FUNCTION_INFO_V1(tas_bench_samples_insert);
Datum
tas_bench_samples_insert(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	static const char *const cols[5] = {"run_id", "seq", "ns", "param_row", "rows"};
	Datum		v[5];
	bool		isnull[5];
	int64		ns;
	int64		rows;
	int32		prow;
	bool		prow_null;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BY_INSERT(td->tg_event))
		elog(ERROR, "tas_bench_samples_insert: not called as INSTEAD OF INSERT FOR EACH ROW");
	if (RelationGetDescr(td->tg_relation)->natts != 5)
		elog(ERROR, "tas_bench_samples_insert: the view has %d columns, not 5",
			 RelationGetDescr(td->tg_relation)->natts);
	for (int i = 0; i < 5; i++)
	{
		v[i] = heap_getattr(td->tg_trigtuple, i + 1, RelationGetDescr(td->tg_relation), &isnull[i]);
		if (isnull[i] && i != 3)
			null_sample_column(cols[i]);
	}
	ns = DatumGetInt64(v[2]);
	if (ns < 0)
		negative_ns(ns);
	rows = DatumGetInt64(v[4]);
	prow_null = isnull[3];
	prow = prow_null ? 0 : DatumGetInt32(v[3]);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	write_samples(DatumGetInt64(v[0]), DatumGetInt32(v[1]), 1, &ns, &prow, &prow_null, &rows, false);
	SPI_finish();
	return PointerGetDatum(td->tg_trigtuple);
}

/*
 * Triggers on tas_bench.runs that keep every sample with its run:
 *	AFTER DELETE FOR EACH STATEMENT (transition table gone_runs): remove the
 *	blocks of the deleted runs;
 *	AFTER TRUNCATE FOR EACH STATEMENT: remove every block;
 *	BEFORE UPDATE OF run_id FOR EACH ROW: refuse to change the id of a run
 *	that has samples.
 * As bookkeeping (the extension owner), so the rows removed are exactly
 * those of the runs the statement removed, whoever may read them.
 */
PG_FUNCTION_INFO_V1(tas_bench_runs_samples);
Datum
tas_bench_runs_samples(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	tb_bookkeeping bk;
	int			rc;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tas_bench_runs_samples: not called as a trigger");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) && TRIGGER_FIRED_FOR_ROW(td->tg_event))
	{
		TupleDesc	desc = RelationGetDescr(td->tg_relation);
		int			att = SPI_fnumber(desc, "run_id");
		bool		n1,
					n2;
		Datum		oldid = heap_getattr(td->tg_trigtuple, att, desc, &n1);
		Datum		newid = heap_getattr(td->tg_newtuple, att, desc, &n2);
		Oid			types[1] = {INT8OID};

		if (!n1 && (n2 || DatumGetInt64(oldid) != DatumGetInt64(newid)))
		{
			tb_bookkeeping_begin(&bk);
			rc = SPI_execute_with_args("SELECT 1 FROM " TB_SCHEMA ".sample_blocks WHERE run_id = $1",
									   1, types, &oldid, NULL, false, 1);
			tb_bookkeeping_end(&bk);
			if (rc != SPI_OK_SELECT)
				elog(ERROR, "could not read tas_bench.sample_blocks: %s", SPI_result_code_string(rc));
			if (SPI_processed > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
						 errmsg("run " INT64_FORMAT " has samples: its run_id cannot change",
								DatumGetInt64(oldid))));
		}
		SPI_finish();
		return PointerGetDatum(td->tg_newtuple);
	}

	if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		elog(ERROR, "tas_bench_runs_samples: fired at an unexpected point");
	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
	{
		SPIPlanPtr	plan;
		Snapshot	test = InvalidSnapshot;
		Snapshot	cross = InvalidSnapshot;

		if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
			elog(ERROR, "SPI_register_trigger_data failed");
		tb_bookkeeping_begin(&bk);
		plan = SPI_prepare("DELETE FROM " TB_SCHEMA ".sample_blocks b USING gone_runs g "
						   "WHERE b.run_id = g.run_id", 0, NULL);
		if (plan == NULL)
			elog(ERROR, "could not prepare the removal of samples: %s", SPI_result_code_string(SPI_result));
		/* as a foreign key's cascade: blocks a concurrent write committed count too */
		if (IsolationUsesXactSnapshot())
		{
			CommandCounterIncrement();
			test = GetLatestSnapshot();
			cross = GetTransactionSnapshot();
		}
		rc = SPI_execute_snapshot(plan, NULL, NULL, test, cross, false, false, 0);
		tb_bookkeeping_end(&bk);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "could not delete from tas_bench.sample_blocks: %s", SPI_result_code_string(rc));
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		tb_bookkeeping_begin(&bk);
		rc = SPI_execute("DELETE FROM " TB_SCHEMA ".sample_blocks", false, 0);
		tb_bookkeeping_end(&bk);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "could not delete from tas_bench.sample_blocks: %s", SPI_result_code_string(rc));
	}
	else
		elog(ERROR, "tas_bench_runs_samples: fired by an unexpected event");
	SPI_finish();
	return PointerGetDatum(NULL);
}
