/*-------------------------------------------------------------------------
 *
 * load.c
 *	  tas_bench.load() and load_mix(): concurrent load inside the server.
 *	  `clients` dynamic background workers run one statement (load) or a
 *	  mix of statements picked by weight (load_mix, tas_bench.workloads) in
 *	  a loop, closed loop or open loop (Poisson arrivals at a total `rate`,
 *	  or at a rate that changes per phase of a `rate_schedule`), and keep
 *	  latency histograms (the run's and each statement's), per-interval
 *	  counters and errors by SQLSTATE in a DSM segment; the run is stored in
 *	  tas_bench.load_runs and its children.
 *
 * Who does what:
 *	- the leader (the caller's backend) checks the arguments, prepares the
 *	  statement and runs the params query once itself (so mistakes are
 *	  reported before any worker starts), registers every client (too few
 *	  worker slots: an error naming max_worker_processes, before anything
 *	  runs), waits until all are ready, gives them a common start time, and
 *	  then watches: progress, clients that die, the caller's cancel;
 *	- a client connects to the caller's database with the caller's session
 *	  (login) role and then acts as the caller's current role (NOLOGIN
 *	  roles cannot be background-worker login roles before PG 17; settle.c
 *	  does the same for VACUUM), sets the caller's search_path (or the given
 *	  one), loads the parameter rows into its own seeded order, prepares
 *	  the statement and runs it: one transaction per call, committed (mode
 *	  commit) or rolled back (mode rollback).  A call that fails is counted
 *	  under its SQLSTATE (the first message of each kind kept) and the loop
 *	  goes on;
 *	- the recorder, one more background worker started when the clients
 *	  have ended, writes the run in a transaction of its own, as
 *	  bookkeeping (pinned search_path, the extension's owner): so a run that
 *	  the caller cancels is stored as `cancelled`, with what it measured,
 *	  although the caller's transaction is aborted.  The leader reads the
 *	  stored row back and returns it.
 *
 * Timing: one monotonic clock (CLOCK_MONOTONIC, the same in every process)
 * across all processes.  Warm-up starts at the common start; calls that
 * start (closed loop) or are scheduled (open loop) in the measured window
 * [start + warmup, start + warmup + duration) count, and no call starts
 * after the window.  Closed loop: latency = the call's transaction.  Open
 * loop: each client draws exponential gaps at rate / clients (seeded), so
 * the total is a Poisson process at `rate`; latency counts from the
 * scheduled start (no coordinated omission) and the schedule lag (actual
 * minus scheduled start) is kept, as pgbench -R does.  With a rate_schedule
 * the rate is piecewise constant over the measured window (warm-up: the
 * first phase's rate) and each gap is drawn by time rescaling
 * (next_arrival), so the arrivals stay Poisson across a phase change.  A
 * call counts in the interval in which it completed, so the intervals'
 * calls add up to the run's.
 *
 * Mixes: each client draws its statement from a stream of its own (seed,
 * client), independent of its arrival stream, with probability weight /
 * (sum of the weights); each statement has its own params rows in its own
 * seeded order, its own counters and histogram (relative error <= 1 %), so
 * the statements' calls add up to the run's.  The recorder also stores the
 * open loop's phases, and derives bursts and recovery (load_bursts) and
 * the tps and memory trends (load_drift) from the stored intervals: those
 * rules are SQL, in sql/parts/core/90_load.sql, so they also apply to
 * stored runs afresh with other thresholds.
 *
 * Memory: each client's block in the DSM segment is fixed when the run
 * starts: a fine histogram (relative error <= 0.5 %, core/histogram.c) of
 * latency and one of schedule lag, per interval (at most 1000) its counts
 * and a coarse histogram (<= 5 %), and, in the test mode raw_log => n, the
 * first n latencies, and per statement its counters and a histogram
 * (clients x statements at most LOAD_MAX_STMT_BLOCKS).  Once per interval
 * a client samples its backend memory (the memory trend of a sustained
 * run).  A client allocates per call only inside the call's transaction.  Stopping: the leader sets a flag, waits at most 0.5 s, then
 * terminates what is left, so a cancel stops every client within 1 s;
 * PG_ENSURE_ERROR_CLEANUP terminates them also when the leader itself
 * exits (pg_terminate_backend of the caller): no worker outlives the call.
 *
 * IDENTIFICATION
 *	  src/core/load.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>
#include <time.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "core/harness.h"
#include "core/histogram.h"
#include "core/prng.h"
#include "util.h"

#define LOAD_MAX_CLIENTS 256
#define LOAD_MAX_INTERVALS 1000
#define LOAD_MAX_SQLSTATES 16
#define LOAD_MSG_LEN 256
#define LOAD_ERR_LEN 1024
#define LOAD_RAW_MAX 4000000	/* raw_log: latencies kept in total (32 MB) */
#define LOAD_PROBE_MAX 2000000	/* probe: rows kept in total (48 MB) */
#define LOAD_FINE_ERR 0.005
#define LOAD_COARSE_ERR 0.05
#define LOAD_HIST_MAX_NS 1e12	/* 1000 s; slower calls land in the last bucket */
#define LOAD_STMT_ERR 0.01		/* per-statement histograms of a mix */
#define LOAD_MAX_STMTS 32		/* statements of a mix */
#define LOAD_MAX_STMT_BLOCKS 2048	/* clients x statements */
#define LOAD_MAX_PHASES 64		/* phases of a rate_schedule */
#define LOAD_STOP_GRACE_MS 500
#define LOAD_START_DELAY_NS INT64CONST(20000000)

/* modes */
#define LOAD_COMMIT 0
#define LOAD_ROLLBACK 1

/* a client's state (written by the client) */
#define LC_STARTING 0
#define LC_READY 1
#define LC_RUNNING 2
#define LC_DONE 3
#define LC_FAILED 4				/* setup failed: setup_error says why */

/* what became of a client (written by the leader) */
#define LF_OK 0
#define LF_STOPPED 1			/* terminated by the leader (cancel, failure) */
#define LF_DIED 2				/* ended by someone else during the run */

/* texts passed to the workers */
enum
{
	T_SQL,
	T_PARAMS,
	T_SEARCH_PATH,
	T_NAME,
	T_LABEL,
	T_ENV,
	T_SUITE,
	T_SCHEDULE,
	NTEXT
};

/* texts of one statement of the run (a mix has several; load() one) */
enum
{
	S_SQL,
	S_PARAMS,
	S_NAME,
	NSTEXT
};

typedef struct load_stmt_def
{
	Size		text_off[NSTEXT];
	int			text_len[NSTEXT];	/* -1: NULL */
	double		weight;
	double		cum;			/* weights up to and including this one */
} load_stmt_def;

/* one statement of one client; followed by uint64 hist[stmt_layout.nbuckets] */
typedef struct load_stmt_stat
{
	uint64		calls;
	uint64		errors;
	int64		min_ns;
	int64		max_ns;
	double		sum_ns;
} load_stmt_stat;

typedef struct load_error
{
	int			sqlstate;
	uint64		count;
	int64		first_ns;
	char		message[LOAD_MSG_LEN];
} load_error;

/* one interval of one client; followed by uint32 hist[coarse.nbuckets] */
typedef struct load_interval
{
	uint64		calls;
	uint64		errors;
	int64		lag_max_ns;
	int64		mem_bytes;		/* the client's backend memory, sampled once in it */
} load_interval;

/*
 * The claim probe: one row a call returned (key, claimed), with the call's
 * transaction (start, end) on the monotonic clock.
 */
typedef struct load_probe_row
{
	uint64		key;			/* hash of the first column's text */
	int64		start_ns;
	int64		end_ns;
	int32		client;
	int32		claimed;		/* 1 claimed, 0 lost the race */
} load_probe_row;

typedef struct load_client
{
	volatile int state;
	volatile int fate;
	volatile int pid;
	volatile uint64 calls;
	uint64		errors;
	uint64		errors_unlisted;	/* of kinds beyond LOAD_MAX_SQLSTATES */
	int64		min_ns;
	int64		max_ns;
	double		sum_ns;
	int64		lag_max_ns;
	double		lag_sum_ns;
	int64		mem_start;
	int64		mem_end;
	uint64		raw_n;
	uint64		probe_n;		/* rows in the probe log */
	uint64		probe_dropped;	/* rows beyond probe_cap */
	uint64		probe_completed;	/* rows with completed = true */
	int			nkinds;
	load_error	err[LOAD_MAX_SQLSTATES];
	int			setup_sqlstate;
	char		setup_error[LOAD_ERR_LEN];
} load_client;

typedef struct load_shared
{
	/* fixed before the workers start */
	Oid			dboid;
	Oid			session_roleid;
	Oid			roleid;
	char		owner[NAMEDATALEN];
	int			clients;
	int			mode;
	double		rate;			/* calls/s in total; 0 = closed loop */
	int64		warmup_ns;
	int64		duration_ns;
	int64		interval_ns;
	int			nint;
	int64		seed;
	int			raw_cap;		/* per client */
	int			probe_cap;		/* per client; 0 = no probe */
	int			ramp_step;		/* 0 = not part of a ramp */
	TimestampTz started_at;
	Size		text_off[NTEXT];
	int			text_len[NTEXT];	/* -1: NULL */
	Size		client_off;
	Size		client_size;
	Size		hist_off;		/* within a client block */
	Size		lag_off;
	Size		int_off;
	Size		int_size;
	Size		raw_off;
	Size		probe_off;
	Size		stmt_off;		/* within a client block: nstmt statement blocks */
	Size		stmt_size;
	/* the statements (a mix: picked by weight) */
	int			nstmt;
	load_stmt_def stmt[LOAD_MAX_STMTS];
	/* open loop: the rate per phase; phase_end relative to the measured start */
	int			nphase;
	bool		scheduled;		/* the phases come from rate_schedule */
	double		phase_rate[LOAD_MAX_PHASES];
	int64		phase_end[LOAD_MAX_PHASES];
	/* run control */
	volatile int64 start_ns;	/* common start (warm-up begins); 0 = not yet */
	volatile int stop;
	/* the end, set by the leader before recording */
	int64		stop_ns;		/* when the leader stopped the run; 0 = it ran out */
	TimestampTz finished_at;
	char		status[16];
	char		error[LOAD_ERR_LEN];
	/* the recorder's answer */
	volatile int recorded;		/* 1 stored, -1 failed */
	int64		run_id;
	char		record_error[LOAD_ERR_LEN];
} load_shared;

typedef struct load_leader
{
	dsm_segment *seg;
	load_shared *sh;
	BackgroundWorkerHandle **handles;
	int			nhandles;
} load_leader;

PGDLLEXPORT void tb_load_client_main(Datum arg);
PGDLLEXPORT void tb_load_recorder_main(Datum arg);

static tb_hist_layout fine_layout;
static tb_hist_layout coarse_layout;
static tb_hist_layout stmt_layout;
static bool layouts_done = false;

static void
init_layouts(void)
{
	if (layouts_done)
		return;
	tb_hist_layout_init(&fine_layout, LOAD_FINE_ERR, LOAD_HIST_MAX_NS);
	tb_hist_layout_init(&coarse_layout, LOAD_COARSE_ERR, LOAD_HIST_MAX_NS);
	tb_hist_layout_init(&stmt_layout, LOAD_STMT_ERR, LOAD_HIST_MAX_NS);
	layouts_done = true;
}

/* the monotonic clock, the same in every process of the machine */
static int64
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64) ts.tv_sec * INT64CONST(1000000000) + ts.tv_nsec;
}

static load_client *
client_at(load_shared *sh, int i)
{
	return (load_client *) ((char *) sh + sh->client_off + (Size) i * sh->client_size);
}

static uint64 *
client_hist(load_shared *sh, load_client *c)
{
	return (uint64 *) ((char *) c + sh->hist_off);
}

static uint64 *
client_lag_hist(load_shared *sh, load_client *c)
{
	return (uint64 *) ((char *) c + sh->lag_off);
}

static load_interval *
client_interval(load_shared *sh, load_client *c, int k)
{
	return (load_interval *) ((char *) c + sh->int_off + (Size) k * sh->int_size);
}

static uint32 *
interval_hist(load_interval *iv)
{
	return (uint32 *) ((char *) iv + MAXALIGN(sizeof(load_interval)));
}

static int64 *
client_raw(load_shared *sh, load_client *c)
{
	return (int64 *) ((char *) c + sh->raw_off);
}

static load_probe_row *
client_probe(load_shared *sh, load_client *c)
{
	return (load_probe_row *) ((char *) c + sh->probe_off);
}

static const char *
text_of(load_shared *sh, int t)
{
	return sh->text_len[t] < 0 ? NULL : (const char *) sh + sh->text_off[t];
}

static const char *
stmt_text(load_shared *sh, int s, int t)
{
	return sh->stmt[s].text_len[t] < 0 ? NULL : (const char *) sh + sh->stmt[s].text_off[t];
}

static load_stmt_stat *
client_stmt(load_shared *sh, load_client *c, int s)
{
	return (load_stmt_stat *) ((char *) c + sh->stmt_off + (Size) s * sh->stmt_size);
}

static uint64 *
stmt_hist(load_stmt_stat *st)
{
	return (uint64 *) ((char *) st + MAXALIGN(sizeof(load_stmt_stat)));
}

/* the statement of a call: by weight, from the client's own stream */
static int
pick_stmt(load_shared *sh, tb_prng *r)
{
	double		u;

	if (sh->nstmt == 1)
		return 0;
	u = tb_prng_double(r) * sh->stmt[sh->nstmt - 1].cum;
	for (int s = 0; s < sh->nstmt - 1; s++)
		if (u < sh->stmt[s].cum)
			return s;
	return sh->nstmt - 1;
}

/*
 * Open loop: the next arrival of one client after time t, given an
 * exponential draw e (mean 1).  The client's rate is the phase's rate /
 * clients (warm-up: the first phase's), so its arrivals are a Poisson
 * process whose rate changes at the phase boundaries (time rescaling: e is
 * spent at the rate of each phase it crosses).  PG_INT64_MAX after the last
 * phase.
 */
static int64
next_arrival(load_shared *sh, int64 t, double e)
{
	int64		measure = sh->start_ns + sh->warmup_ns;

	for (;;)
	{
		int			p = 0;
		int64		pend;
		double		per_ns;

		if (t < measure)
			pend = measure;
		else
		{
			while (p < sh->nphase && t - measure >= sh->phase_end[p])
				p++;
			if (p >= sh->nphase)
				return PG_INT64_MAX;
			pend = measure + sh->phase_end[p];
		}
		per_ns = sh->phase_rate[p] / sh->clients / 1e9;
		if (e / per_ns < (double) (pend - t))
			return t + (int64) (e / per_ns);
		e -= (double) (pend - t) * per_ns;
		t = pend;
	}
}

/* ----------------------------------------------------------------
 *		Clients
 * ----------------------------------------------------------------
 */

static void
note_error(load_shared *sh, load_client *me, int sqlstate, const char *message, int64 at)
{
	me->errors++;
	for (int i = 0; i < me->nkinds; i++)
		if (me->err[i].sqlstate == sqlstate)
		{
			me->err[i].count++;
			return;
		}
	if (me->nkinds >= LOAD_MAX_SQLSTATES)
	{
		me->errors_unlisted++;
		return;
	}
	me->err[me->nkinds].sqlstate = sqlstate;
	me->err[me->nkinds].count = 1;
	me->err[me->nkinds].first_ns = at;
	strlcpy(me->err[me->nkinds].message, message ? message : "", LOAD_MSG_LEN);
	me->nkinds++;
}

/*
 * One call in a transaction of its own; false (and the error's SQLSTATE and
 * message) when it failed.
 */
/*
 * The probe's reading of a call's result: each row (key, claimed boolean,
 * completed boolean, handed_at timestamptz); rows whose claimed is not NULL
 * are hand-outs, logged from handed_at when the statement gives it (else
 * from the call's start) to the call's commit (set when it has committed):
 * a hand-out made after another client's claim of the same item committed,
 * within a call that began before, is then not taken for a duplicate.
 */
static void
probe_rows(load_shared *sh, load_client *me, int idx, int64 start, uint64 *completed)
{
	SPITupleTable *tt = SPI_tuptable;
	load_probe_row *log = client_probe(sh, me);
	bool		has_at;
	int64		wall_to_mono = 0;

	if (tt == NULL)
		return;
	/* a fourth column handed_at (timestamptz): the hand-out's own time */
	has_at = tt->tupdesc->natts >= 4 && TupleDescAttr(tt->tupdesc, 3)->atttypid == TIMESTAMPTZOID;
	if (has_at)
		wall_to_mono = mono_ns() - (int64) GetCurrentTimestamp() * 1000;
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = tt->vals[r];
		char	   *key = SPI_getvalue(tup, tt->tupdesc, 1);
		bool		isnull = true;
		Datum		d = (Datum) 0;

		if (tt->tupdesc->natts >= 3)
		{
			d = SPI_getbinval(tup, tt->tupdesc, 3, &isnull);
			if (!isnull && DatumGetBool(d))
				(*completed)++;
		}
		isnull = true;
		if (tt->tupdesc->natts >= 2)
			d = SPI_getbinval(tup, tt->tupdesc, 2, &isnull);
		if (key == NULL || isnull)
			continue;
		if (me->probe_n >= (uint64) sh->probe_cap)
		{
			me->probe_dropped++;
			continue;
		}
		log[me->probe_n].key = hash_bytes_extended((const unsigned char *) key, (int) strlen(key), 0);
		log[me->probe_n].start_ns = start;
		if (has_at)
		{
			bool		at_null;
			Datum		at = SPI_getbinval(tup, tt->tupdesc, 4, &at_null);

			/* within the call: the wall clock mapped onto the monotonic one */
			if (!at_null)
				log[me->probe_n].start_ns = Max(start, (int64) DatumGetTimestampTz(at) * 1000 + wall_to_mono);
		}
		log[me->probe_n].end_ns = 0;
		log[me->probe_n].client = idx;
		log[me->probe_n].claimed = DatumGetBool(d) ? 1 : 0;
		me->probe_n++;
	}
}

static bool
one_call(load_shared *sh, load_client *me, int idx, bool probe, int64 start, uint64 *completed,
		 SPIPlanPtr plan, Datum *vals, char *nulls,
		 MemoryContext errcxt, int *sqlstate, char *message)
{
	volatile bool ok = true;

	PG_TRY();
	{
		int			rc;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		rc = SPI_execute_plan(plan, vals, nulls, false, 0);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("the statement could not run: %s", SPI_result_code_string(rc))));
		if (probe)
			probe_rows(sh, me, idx, start, completed);
		PopActiveSnapshot();
		SPI_finish();
		if (sh->mode == LOAD_ROLLBACK)
			AbortCurrentTransaction();
		else
			CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(errcxt);
		ed = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		*sqlstate = ed->sqlerrcode;
		strlcpy(message, ed->message ? ed->message : "", LOAD_MSG_LEN);
		MemoryContextReset(errcxt);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* sleep until the monotonic time `until`; false when told to stop first */
static bool
wait_until(load_shared *sh, int64 until)
{
	for (;;)
	{
		int64		now = mono_ns();
		int64		rem = until - now;

		CHECK_FOR_INTERRUPTS();
		if (sh->stop)
			return false;
		if (rem <= 0)
			return true;
		if (rem > 2000000)
		{
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 (long) Min(rem / 1000000 - 1, 100), PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
		else
			pg_usleep((long) Max(rem / 1000, 1));
	}
}

static void
client_loop(load_shared *sh, load_client *me, int idx, SPIPlanPtr *plans,
			tb_params *p, int **orders)
{
	int64		start = sh->start_ns;
	int64		measure = start + sh->warmup_ns;
	int64		end = measure + sh->duration_ns;
	bool		open = sh->rate > 0;
	int64		sched = start;
	uint64		kk[LOAD_MAX_STMTS];
	uint64	   *hist = client_hist(sh, me);
	uint64	   *lag_hist = client_lag_hist(sh, me);
	int64	   *raw = client_raw(sh, me);
	MemoryContext errcxt = AllocSetContextCreate(TopMemoryContext, "tas_bench load error",
												 ALLOCSET_SMALL_SIZES);
	tb_prng		r;
	tb_prng		pick;
	char		message[LOAD_MSG_LEN];
	int64		last_stat = start;
	int			mem_slot = -1;

	memset(kk, 0, sizeof(kk));
	tb_prng_seed(&r, tb_prng_mix((uint64) sh->seed, (uint64) idx + 1));
	tb_prng_seed(&pick, tb_prng_mix((uint64) sh->seed, 2000003 + (uint64) idx));
	if (!wait_until(sh, start))
		return;
	me->state = LC_RUNNING;
	for (;;)
	{
		int64		t0;
		int64		t1;
		int64		from;
		int64		lag = 0;
		int			sqlstate = 0;
		bool		ok;
		Datum	   *vals;
		char	   *nulls;
		int			slot;
		int			s;
		uint64		probe_first;
		uint64		probe_dropped;
		uint64		completed;

		CHECK_FOR_INTERRUPTS();
		if (sh->stop)
			break;
		if (open)
		{
			sched = next_arrival(sh, sched, -log(1.0 - tb_prng_double(&r)));
			if (sched >= end || !wait_until(sh, sched))
				break;
			t0 = mono_ns();
			if (t0 >= end)
				break;
			from = sched;
			lag = t0 - sched;
		}
		else
		{
			t0 = mono_ns();
			if (t0 >= end)
				break;
			from = t0;
		}
		s = pick_stmt(sh, &pick);
		tb_params_row(&p[s], p[s].nrows > 0 ? orders[s][kk[s] % (uint64) p[s].nrows] : 0, &vals, &nulls);
		kk[s]++;
		probe_first = me->probe_n;
		probe_dropped = me->probe_dropped;
		completed = 0;
		ok = one_call(sh, me, idx, sh->probe_cap > 0 && from >= measure, t0, &completed,
					  plans[s], vals, nulls, errcxt, &sqlstate, message);
		t1 = mono_ns();
		if (sh->probe_cap > 0)
		{
			load_probe_row *log = client_probe(sh, me);

			if (ok)
			{
				for (uint64 i = probe_first; i < me->probe_n; i++)
					log[i].end_ns = t1;
				if (from >= measure)
					me->probe_completed += completed;
			}
			else
			{
				/* the call's transaction rolled back: its hand-outs did not happen */
				me->probe_n = probe_first;
				me->probe_dropped = probe_dropped;
			}
		}
		if (t1 - last_stat > INT64CONST(1000000000))
		{
			pgstat_report_stat(false);
			last_stat = t1;
		}
		if (from < measure)
			continue;			/* warm-up */

		slot = (int) ((t1 - measure) / sh->interval_ns);
		if (slot >= sh->nint)
			slot = sh->nint - 1;
		if (slot != mem_slot)
		{
			/* the memory trend: one sample per interval (a walk of the contexts) */
			client_interval(sh, me, slot)->mem_bytes =
				(int64) MemoryContextMemAllocated(TopMemoryContext, true);
			mem_slot = slot;
		}
		if (ok)
		{
			int64		ns = t1 - from;
			load_interval *iv = client_interval(sh, me, slot);
			load_stmt_stat *st = client_stmt(sh, me, s);

			hist[tb_hist_index(&fine_layout, ns)]++;
			if (me->calls == 0 || ns < me->min_ns)
				me->min_ns = ns;
			if (ns > me->max_ns)
				me->max_ns = ns;
			me->sum_ns += (double) ns;
			stmt_hist(st)[tb_hist_index(&stmt_layout, ns)]++;
			if (st->calls == 0 || ns < st->min_ns)
				st->min_ns = ns;
			if (ns > st->max_ns)
				st->max_ns = ns;
			st->sum_ns += (double) ns;
			st->calls++;
			iv->calls++;
			interval_hist(iv)[tb_hist_index(&coarse_layout, ns)]++;
			if (open)
			{
				lag_hist[tb_hist_index(&fine_layout, lag)]++;
				me->lag_sum_ns += (double) lag;
				if (lag > me->lag_max_ns)
					me->lag_max_ns = lag;
				if (lag > iv->lag_max_ns)
					iv->lag_max_ns = lag;
			}
			if (me->raw_n < (uint64) sh->raw_cap)
				raw[me->raw_n++] = ns;
			pg_write_barrier();
			me->calls++;
		}
		else
		{
			client_interval(sh, me, slot)->errors++;
			client_stmt(sh, me, s)->errors++;
			note_error(sh, me, sqlstate, message, t1);
		}
	}
}

void
tb_load_client_main(Datum arg)
{
	dsm_segment *seg;
	load_shared *sh;
	load_client *me;
	int			idx;
	char		appname[NAMEDATALEN];
	MemoryContext cxt;
	tb_params  *volatile p = NULL;
	SPIPlanPtr *volatile plans = NULL;
	int		  **volatile orders = NULL;

	memcpy(&idx, MyBgworkerEntry->bgw_extra, sizeof(int));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tas_bench load client: could not attach its shared memory")));
	sh = (load_shared *) dsm_segment_address(seg);
	me = client_at(sh, idx);
	me->pid = MyProcPid;
	init_layouts();
	BackgroundWorkerInitializeConnectionByOid(sh->dboid, sh->session_roleid, 0);
	SetUserIdAndSecContext(sh->roleid, SECURITY_LOCAL_USERID_CHANGE);
	snprintf(appname, sizeof(appname), "tas_bench load client %d", idx + 1);
	pgstat_report_appname(appname);
	cxt = AllocSetContextCreate(TopMemoryContext, "tas_bench load client", ALLOCSET_DEFAULT_SIZES);

	/* set-up: search_path, parameter rows in this client's order, the plan */
	PG_TRY();
	{
		MemoryContext old;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		if (text_of(sh, T_SEARCH_PATH) != NULL)
			SetConfigOption("search_path", text_of(sh, T_SEARCH_PATH), PGC_USERSET, PGC_S_SESSION);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		p = MemoryContextAllocZero(cxt, sizeof(tb_params) * sh->nstmt);
		plans = MemoryContextAllocZero(cxt, sizeof(SPIPlanPtr) * sh->nstmt);
		orders = MemoryContextAllocZero(cxt, sizeof(int *) * sh->nstmt);
		for (int s = 0; s < sh->nstmt; s++)
		{
			tb_params  *ps = &p[s];
			SPIPlanPtr	plan;

			tb_params_load(ps, stmt_text(sh, s, S_PARAMS), cxt);
			plan = SPI_prepare(stmt_text(sh, s, S_SQL), ps->nargs, ps->argtypes);
			if (plan == NULL)
				elog(ERROR, "could not prepare statement %d: %s", s + 1,
					 SPI_result_code_string(SPI_result));
			if (SPI_keepplan(plan) != 0)
				elog(ERROR, "could not keep the prepared statement");
			plans[s] = plan;
			old = MemoryContextSwitchTo(cxt);
			if (ps->nrows > 0)
			{
				tb_prng		r;
				int		   *order = palloc(sizeof(int) * ps->nrows);

				for (int i = 0; i < ps->nrows; i++)
					order[i] = i;
				/* each client its own deterministic order (Fisher-Yates) */
				tb_prng_seed(&r, tb_prng_mix((uint64) sh->seed, 1000003 + (uint64) idx + 7919 * (uint64) s));
				for (int i = ps->nrows - 1; i > 0; i--)
				{
					int			j = (int) tb_prng_range(&r, 0, (uint64) i);
					int			t = order[i];

					order[i] = order[j];
					order[j] = t;
				}
				orders[s] = order;
			}
			MemoryContextSwitchTo(old);
		}
		PopActiveSnapshot();
		SPI_finish();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		me->setup_sqlstate = ed->sqlerrcode;
		strlcpy(me->setup_error, ed->message ? ed->message : "unknown error", LOAD_ERR_LEN);
		pg_write_barrier();
		me->state = LC_FAILED;
		PG_RE_THROW();
	}
	PG_END_TRY();

	pgstat_report_activity(STATE_RUNNING, text_of(sh, T_SQL));
	me->mem_start = (int64) MemoryContextMemAllocated(TopMemoryContext, true);
	pg_write_barrier();
	me->state = LC_READY;

	/* wait for the common start */
	while (sh->start_ns == 0 && !sh->stop)
	{
		CHECK_FOR_INTERRUPTS();
		pg_usleep(500);
	}
	if (!sh->stop)
		client_loop(sh, me, idx, plans, p, orders);
	pgstat_report_stat(true);
	me->mem_end = (int64) MemoryContextMemAllocated(TopMemoryContext, true);
	pg_write_barrier();
	me->state = LC_DONE;
	dsm_detach(seg);
	proc_exit(0);
}

/* ----------------------------------------------------------------
 *		Recording (the recorder worker, as bookkeeping)
 * ----------------------------------------------------------------
 */

static Datum
text_datum_or_null(load_shared *sh, int t, bool *isnull)
{
	const char *s = text_of(sh, t);

	*isnull = (s == NULL);
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

static Datum
interval_datum(int64 ns)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = ns / 1000;
	return IntervalPGetDatum(iv);
}

static char *
sqlstate_text(int code)
{
	return pstrdup(unpack_sql_state(code));
}

/* insert with arguments; SPI connected, bookkeeping in force */
static void
exec_args(const char *sql, int n, Oid *types, Datum *vals, bool *isnull, int expect)
{
	char		nulls[64];
	int			rc;

	for (int i = 0; i < n; i++)
		nulls[i] = isnull[i] ? 'n' : ' ';
	rc = SPI_execute_with_args(sql, n, types, vals, nulls, false, 0);
	if (rc != expect)
		elog(ERROR, "tas_bench load: bookkeeping statement failed (%s): %s",
			 SPI_result_code_string(rc), sql);
}

static int
cmp_probe(const void *a, const void *b)
{
	const load_probe_row *x = a;
	const load_probe_row *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return 0;
}

/*
 * The claim probe over all clients: hand-outs, claims won and lost, and
 * duplicate claims: pairs of hand-outs of the same key to two different
 * clients whose transactions overlapped in time.
 */
static void
probe_figures(load_shared *sh, int64 *handed, int64 *claimed, int64 *lost, int64 *dups,
			  int64 *completed, int64 *dropped)
{
	Size		n = 0;
	load_probe_row *all;
	Size		k = 0;

	*handed = *claimed = *lost = *dups = *completed = *dropped = 0;
	for (int c = 0; c < sh->clients; c++)
	{
		n += client_at(sh, c)->probe_n;
		*completed += (int64) client_at(sh, c)->probe_completed;
		*dropped += (int64) client_at(sh, c)->probe_dropped;
	}
	all = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(load_probe_row) * Max(n, 1));
	for (int c = 0; c < sh->clients; c++)
	{
		load_client *cl = client_at(sh, c);
		load_probe_row *log = client_probe(sh, cl);

		for (uint64 i = 0; i < cl->probe_n; i++)
			if (log[i].end_ns > 0)
				all[k++] = log[i];
	}
	qsort(all, k, sizeof(load_probe_row), cmp_probe);
	for (Size i = 0; i < k; i++)
	{
		CHECK_FOR_INTERRUPTS();
		(*handed)++;
		if (all[i].claimed)
			(*claimed)++;
		else
			(*lost)++;
		for (Size j = i + 1; j < k && all[j].key == all[i].key && all[j].start_ns < all[i].end_ns; j++)
			if (all[j].client != all[i].client)
				(*dups)++;
	}
	pfree(all);
}

static void
record_run(load_shared *sh)
{
	tb_bookkeeping bk;
	int			nc = sh->clients;
	uint64	   *hist = palloc0(sizeof(uint64) * fine_layout.nbuckets);
	uint64	   *lag_hist = palloc0(sizeof(uint64) * fine_layout.nbuckets);
	uint32	   *ih = palloc0(sizeof(uint32) * coarse_layout.nbuckets);
	uint64		calls = 0;
	uint64		errors = 0;
	int64		min_ns = PG_INT64_MAX;
	int64		max_ns = 0;
	double		sum_ns = 0;
	int64		lag_max = 0;
	double		lag_sum = 0;
	int64		mem_start = 0;
	int64		mem_end = 0;
	uint64		raw_n = 0;
	int64		measure = sh->start_ns + sh->warmup_ns;
	int64		window_end = measure + sh->duration_ns;
	double		elapsed_s;
	int			nint_used;
	bool		open = sh->rate > 0;
	Datum		v[52];
	bool		n[52];
	Oid			t[52];
	int			a = 0;
	int64		run_id;
	int64		p_handed;
	int64		p_claimed;
	int64		p_lost;
	int64		p_dups;
	int64		p_completed;
	int64		p_dropped;
	bool		probe = sh->probe_cap > 0;
	uint64	   *stmt_buf;

	probe_figures(sh, &p_handed, &p_claimed, &p_lost, &p_dups, &p_completed, &p_dropped);
	for (int c = 0; c < nc; c++)
	{
		load_client *cl = client_at(sh, c);
		uint64	   *h = client_hist(sh, cl);
		uint64	   *lh = client_lag_hist(sh, cl);

		for (int i = 0; i < fine_layout.nbuckets; i++)
		{
			hist[i] += h[i];
			lag_hist[i] += lh[i];
		}
		calls += cl->calls;
		errors += cl->errors;
		if (cl->calls > 0 && cl->min_ns < min_ns)
			min_ns = cl->min_ns;
		max_ns = Max(max_ns, cl->max_ns);
		sum_ns += cl->sum_ns;
		lag_max = Max(lag_max, cl->lag_max_ns);
		lag_sum += cl->lag_sum_ns;
		mem_start = Max(mem_start, cl->mem_start);
		mem_end = Max(mem_end, cl->mem_end);
		raw_n += cl->raw_n;
	}
	if (sh->start_ns == 0)
		elapsed_s = 0;
	else if (sh->stop_ns > 0 && sh->stop_ns < window_end)
		elapsed_s = Max(0, sh->stop_ns - measure) / 1e9;
	else
		elapsed_s = sh->duration_ns / 1e9;
	nint_used = (int) ceil(elapsed_s * 1e9 / sh->interval_ns - 1e-9);
	nint_used = Max(1, Min(nint_used, sh->nint));

	tb_bookkeeping_begin(&bk);

#define ARG(type, value, isnull_) (t[a] = (type), v[a] = (value), n[a] = (isnull_), a++)
	ARG(TEXTOID, text_datum_or_null(sh, T_NAME, &n[a]), n[a]);
	ARG(TEXTOID, text_datum_or_null(sh, T_LABEL, &n[a]), n[a]);
	ARG(TEXTOID, text_datum_or_null(sh, T_SQL, &n[a]), n[a]);
	ARG(TEXTOID, text_datum_or_null(sh, T_PARAMS, &n[a]), n[a]);
	ARG(TEXTOID, text_datum_or_null(sh, T_SEARCH_PATH, &n[a]), n[a]);
	ARG(TEXTOID, CStringGetTextDatum(sh->mode == LOAD_ROLLBACK ? "rollback" : "commit"), false);
	ARG(INT4OID, Int32GetDatum(nc), false);
	ARG(INTERVALOID, interval_datum(sh->duration_ns), false);
	ARG(INTERVALOID, interval_datum(sh->warmup_ns), false);
	ARG(FLOAT8OID, Float8GetDatum(sh->rate), !open);
	ARG(INTERVALOID, interval_datum(sh->interval_ns), false);
	ARG(INT8OID, Int64GetDatum(sh->seed), false);
	ARG(TEXTOID, CStringGetTextDatum(sh->status), false);
	ARG(TEXTOID, CStringGetTextDatum(sh->error), sh->error[0] == '\0');
	ARG(TIMESTAMPTZOID, TimestampTzGetDatum(sh->started_at), false);
	ARG(TIMESTAMPTZOID, TimestampTzGetDatum(sh->finished_at), false);
	ARG(FLOAT8OID, Float8GetDatum(elapsed_s), false);
	ARG(TEXTOID, text_datum_or_null(sh, T_ENV, &n[a]), n[a]);
	ARG(INT8OID, Int64GetDatum((int64) calls), false);
	ARG(INT8OID, Int64GetDatum((int64) errors), false);
	ARG(FLOAT8OID, Float8GetDatum(elapsed_s > 0 ? calls / elapsed_s : 0), elapsed_s <= 0);
	ARG(FLOAT8OID, Float8GetDatum(calls > 0 ? sum_ns / calls : 0), calls == 0);
	ARG(INT8OID, Int64GetDatum(min_ns), calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, hist, calls, 0.50, min_ns, max_ns)), calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, hist, calls, 0.90, min_ns, max_ns)), calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, hist, calls, 0.95, min_ns, max_ns)), calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, hist, calls, 0.99, min_ns, max_ns)), calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, hist, calls, 0.999, min_ns, max_ns)), calls == 0);
	ARG(INT8OID, Int64GetDatum(max_ns), calls == 0);
	ARG(FLOAT8OID, Float8GetDatum(calls > 0 ? lag_sum / calls : 0), !open || calls == 0);
	ARG(INT8OID, Int64GetDatum(tb_hist_quantile64(&fine_layout, lag_hist, calls, 0.99, 0, lag_max)),
		!open || calls == 0);
	ARG(INT8OID, Int64GetDatum(lag_max), !open || calls == 0);
	ARG(INT8OID, Int64GetDatum(mem_start), mem_start == 0);
	ARG(INT8OID, Int64GetDatum(mem_end), mem_end == 0);
	ARG(INT8OID, Int64GetDatum((int64) raw_n), sh->raw_cap == 0);
	ARG(NAMEOID, CStringGetDatum(sh->owner), false);
	ARG(TEXTOID, text_datum_or_null(sh, T_SUITE, &n[a]), n[a]);
	ARG(INT4OID, Int32GetDatum(sh->ramp_step), sh->ramp_step == 0);
	ARG(INT8OID, Int64GetDatum(p_handed), !probe);
	ARG(INT8OID, Int64GetDatum(p_claimed), !probe);
	ARG(INT8OID, Int64GetDatum(p_lost), !probe);
	ARG(INT8OID, Int64GetDatum(p_dups), !probe);
	ARG(INT8OID, Int64GetDatum(p_completed), !probe);
	ARG(INT8OID, Int64GetDatum(p_dropped), !probe);
	ARG(TEXTOID, text_datum_or_null(sh, T_SCHEDULE, &n[a]), n[a]);
	ARG(INT4OID, Int32GetDatum(sh->nstmt), false);
#undef ARG

	{
		char		nulls[52];
		bool		isnull;
		int			rc;

		for (int i = 0; i < a; i++)
			nulls[i] = n[i] ? 'n' : ' ';
		rc = SPI_execute_with_args(
			"INSERT INTO " TB_SCHEMA ".load_runs (name, label, sql, params, search_path, mode, "
			"clients, duration, warmup, rate, report_interval, seed, status, error, started_at, "
			"finished_at, elapsed_s, env, calls, errors, tps, mean_ns, min_ns, p50_ns, p90_ns, "
			"p95_ns, p99_ns, p999_ns, max_ns, lag_mean_ns, lag_p99_ns, lag_max_ns, "
			"mem_start_bytes, mem_end_bytes, raw_logged, owner, workload, ramp_step, "
			"handed, claimed, lost_races, duplicate_claims, completed, probe_dropped, "
			"rate_schedule, statements) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
			"$18::pg_catalog.jsonb, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
			"$31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46) RETURNING run_id",
			a, t, v, nulls, false, 0);
		if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
			elog(ERROR, "tas_bench load: could not store the run (%s)", SPI_result_code_string(rc));
		run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}

	/* intervals */
	for (int k = 0; k < nint_used; k++)
	{
		uint64		icalls = 0;
		uint64		ierrors = 0;
		int64		ilag = 0;
		int64		imem = 0;
		double		off = (double) k * sh->interval_ns / 1e9;
		double		len = Min((double) sh->interval_ns / 1e9, elapsed_s - off);
		Oid			it[13] = {INT8OID, INT4OID, FLOAT8OID, FLOAT8OID, INT8OID, INT8OID, INT8OID, INT8OID,
		INT8OID, FLOAT8OID, INT8OID, INT8OID, FLOAT8OID};
		Datum		iv[13];
		bool		in[13];

		CHECK_FOR_INTERRUPTS();
		memset(in, 0, sizeof(in));
		memset(ih, 0, sizeof(uint32) * coarse_layout.nbuckets);
		for (int c = 0; c < nc; c++)
		{
			load_interval *ci = client_interval(sh, client_at(sh, c), k);
			uint32	   *h = interval_hist(ci);

			icalls += ci->calls;
			ierrors += ci->errors;
			ilag = Max(ilag, ci->lag_max_ns);
			imem = Max(imem, ci->mem_bytes);
			for (int i = 0; i < coarse_layout.nbuckets; i++)
				ih[i] += h[i];
		}
		if (len <= 0)
			len = (double) sh->interval_ns / 1e9;
		iv[0] = Int64GetDatum(run_id);
		iv[1] = Int32GetDatum(k + 1);
		iv[2] = Float8GetDatum(off);
		iv[3] = Float8GetDatum(len);
		iv[4] = Int64GetDatum((int64) icalls);
		iv[5] = Int64GetDatum((int64) ierrors);
		iv[6] = Int64GetDatum(tb_hist_quantile32(&coarse_layout, ih, icalls, 0.5, min_ns, max_ns));
		in[6] = icalls == 0;
		iv[7] = Int64GetDatum(tb_hist_quantile32(&coarse_layout, ih, icalls, 0.99, min_ns, max_ns));
		in[7] = icalls == 0;
		iv[8] = Int64GetDatum(ilag);
		in[8] = !open;
		iv[9] = Float8GetDatum(icalls / len);
		iv[10] = Int64GetDatum(tb_hist_quantile32(&coarse_layout, ih, icalls, 0.95, min_ns, max_ns));
		in[10] = icalls == 0;
		iv[11] = Int64GetDatum(imem);
		in[11] = imem == 0;
		/* the scheduled rate: its mean over the interval */
		{
			double		sum = 0;
			double		from = off;
			double		to = off + len;
			double		pstart = 0;

			for (int ph = 0; ph < sh->nphase; ph++)
			{
				double		pend = sh->phase_end[ph] / 1e9;
				double		lo = Max(from, pstart);
				double		hi = Min(to, pend);

				if (hi > lo)
					sum += sh->phase_rate[ph] * (hi - lo);
				pstart = pend;
			}
			iv[12] = Float8GetDatum(sum / len);
			in[12] = !open;
		}
		exec_args("INSERT INTO " TB_SCHEMA ".load_intervals (run_id, seq, offset_s, length_s, "
				  "calls, errors, p50_ns, p99_ns, lag_max_ns, tps, p95_ns, mem_bytes, rate) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
				  13, it, iv, in, SPI_OK_INSERT);
	}

	/* the phases of the open loop */
	if (open)
	{
		double		pstart = 0;

		for (int ph = 0; ph < sh->nphase; ph++)
		{
			Oid			pt[5] = {INT8OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
			Datum		pv[5];
			bool		pn[5] = {false, false, false, false, false};
			double		pend = sh->phase_end[ph] / 1e9;

			pv[0] = Int64GetDatum(run_id);
			pv[1] = Int32GetDatum(ph + 1);
			pv[2] = Float8GetDatum(sh->phase_rate[ph]);
			pv[3] = Float8GetDatum(pstart);
			pv[4] = Float8GetDatum(pend - pstart);
			exec_args("INSERT INTO " TB_SCHEMA ".load_phases (run_id, phase, rate, offset_s, length_s) "
					  "VALUES ($1, $2, $3, $4, $5)", 5, pt, pv, pn, SPI_OK_INSERT);
			pstart = pend;
		}
	}

	/* per statement (pgbench -r): calls, errors, latency */
	stmt_buf = palloc(sizeof(uint64) * stmt_layout.nbuckets);
	for (int st = 0; st < sh->nstmt; st++)
	{
		uint64		scalls = 0;
		uint64		serrors = 0;
		int64		smin = PG_INT64_MAX;
		int64		smax = 0;
		double		ssum = 0;
		Oid			stt[13] = {INT8OID, INT4OID, TEXTOID, TEXTOID, FLOAT8OID, INT8OID, INT8OID,
		FLOAT8OID, FLOAT8OID, INT8OID, INT8OID, INT8OID, INT8OID};
		Datum		sv[13];
		bool		sn[13];
		uint64	   *sh_hist = stmt_buf;

		CHECK_FOR_INTERRUPTS();
		memset(sn, 0, sizeof(sn));
		memset(sh_hist, 0, sizeof(uint64) * stmt_layout.nbuckets);
		for (int c = 0; c < nc; c++)
		{
			load_stmt_stat *cs = client_stmt(sh, client_at(sh, c), st);
			uint64	   *h = stmt_hist(cs);

			scalls += cs->calls;
			serrors += cs->errors;
			if (cs->calls > 0 && cs->min_ns < smin)
				smin = cs->min_ns;
			smax = Max(smax, cs->max_ns);
			ssum += cs->sum_ns;
			for (int i = 0; i < stmt_layout.nbuckets; i++)
				sh_hist[i] += h[i];
		}
		sv[0] = Int64GetDatum(run_id);
		sv[1] = Int32GetDatum(st + 1);
		sv[2] = CStringGetTextDatum(stmt_text(sh, st, S_NAME) ? stmt_text(sh, st, S_NAME) : "");
		sn[2] = stmt_text(sh, st, S_NAME) == NULL;
		sv[3] = CStringGetTextDatum(stmt_text(sh, st, S_SQL));
		sv[4] = Float8GetDatum(sh->stmt[st].weight);
		sv[5] = Int64GetDatum((int64) scalls);
		sv[6] = Int64GetDatum((int64) serrors);
		sv[7] = Float8GetDatum(elapsed_s > 0 ? scalls / elapsed_s : 0);
		sn[7] = elapsed_s <= 0;
		sv[8] = Float8GetDatum(scalls > 0 ? ssum / scalls : 0);
		sn[8] = scalls == 0;
		sv[9] = Int64GetDatum(tb_hist_quantile64(&stmt_layout, sh_hist, scalls, 0.50, smin, smax));
		sv[10] = Int64GetDatum(tb_hist_quantile64(&stmt_layout, sh_hist, scalls, 0.95, smin, smax));
		sv[11] = Int64GetDatum(tb_hist_quantile64(&stmt_layout, sh_hist, scalls, 0.99, smin, smax));
		sv[12] = Int64GetDatum(smax);
		for (int i = 9; i <= 12; i++)
			sn[i] = scalls == 0;
		exec_args("INSERT INTO " TB_SCHEMA ".load_statements (run_id, statement, name, sql, weight, "
				  "calls, errors, tps, mean_ns, p50_ns, p95_ns, p99_ns, max_ns) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
				  13, stt, sv, sn, SPI_OK_INSERT);
	}

	/* bursts (recovery) and drift (sustained load), from the rows above */
	{
		Oid			ut[1] = {INT8OID};
		Datum		uv[1] = {Int64GetDatum(run_id)};
		bool		un[1] = {false};

		exec_args("UPDATE " TB_SCHEMA ".load_runs r SET "
				  "bursts = b.n, bursts_recovered = b.rec, recovery_s = b.worst, "
				  "tps_change = d.tps_change, mem_change = d.mem_change, drifting = d.drifting "
				  "FROM (SELECT pg_catalog.count(*)::integer AS n, "
				  "             (pg_catalog.count(*) FILTER (WHERE x.recovery_s IS NOT NULL))::integer AS rec, "
				  "             CASE WHEN pg_catalog.bool_and(x.recovery_s IS NOT NULL) "
				  "                  THEN pg_catalog.max(x.recovery_s) END AS worst "
				  "        FROM " TB_SCHEMA ".load_bursts($1) x) b, "
				  "     (SELECT pg_catalog.max(y.change) FILTER (WHERE y.metric OPERATOR(pg_catalog.=) 'tps') AS tps_change, "
				  "             pg_catalog.max(y.change) FILTER (WHERE y.metric OPERATOR(pg_catalog.=) 'mem_bytes') AS mem_change, "
				  "             pg_catalog.bool_or(y.drifting) AS drifting "
				  "        FROM " TB_SCHEMA ".load_drift($1) y) d "
				  "WHERE r.run_id OPERATOR(pg_catalog.=) $1",
				  1, ut, uv, un, SPI_OK_UPDATE);
	}

	/* errors by SQLSTATE: counts summed, the earliest first message */
	for (int c = 0; c < nc; c++)
	{
		load_client *cl = client_at(sh, c);

		for (int e = 0; e < cl->nkinds; e++)
		{
			load_error *er = &cl->err[e];
			bool		seen = false;
			uint64		count = 0;
			int			first_c = c;
			load_error *first = er;

			for (int c2 = 0; c2 < c && !seen; c2++)
				for (int e2 = 0; e2 < client_at(sh, c2)->nkinds; e2++)
					if (client_at(sh, c2)->err[e2].sqlstate == er->sqlstate)
						seen = true;
			if (seen)
				continue;
			for (int c2 = c; c2 < nc; c2++)
				for (int e2 = 0; e2 < client_at(sh, c2)->nkinds; e2++)
				{
					load_error *o = &client_at(sh, c2)->err[e2];

					if (o->sqlstate != er->sqlstate)
						continue;
					count += o->count;
					if (o->first_ns < first->first_ns)
					{
						first = o;
						first_c = c2;
					}
				}
			{
				Oid			et[5] = {INT8OID, TEXTOID, INT8OID, TEXTOID, INT4OID};
				Datum		ev[5];
				bool		en[5] = {false, false, false, false, false};

				ev[0] = Int64GetDatum(run_id);
				ev[1] = CStringGetTextDatum(sqlstate_text(er->sqlstate));
				ev[2] = Int64GetDatum((int64) count);
				ev[3] = CStringGetTextDatum(first->message);
				ev[4] = Int32GetDatum(first_c + 1);
				exec_args("INSERT INTO " TB_SCHEMA ".load_errors (run_id, sqlstate, count, message, client) "
						  "VALUES ($1, $2, $3, $4, $5)", 5, et, ev, en, SPI_OK_INSERT);
			}
		}
	}
	{
		uint64		unlisted = 0;

		for (int c = 0; c < nc; c++)
			unlisted += client_at(sh, c)->errors_unlisted;
		if (unlisted > 0)
		{
			Oid			et[2] = {INT8OID, INT8OID};
			Datum		ev[2] = {Int64GetDatum(run_id), Int64GetDatum((int64) unlisted)};
			bool		en[2] = {false, false};

			exec_args("INSERT INTO " TB_SCHEMA ".load_errors (run_id, sqlstate, count, message, client) "
					  "VALUES ($1, 'other', $2, 'errors of more than 16 different SQLSTATEs in one client', NULL)",
					  2, et, ev, en, SPI_OK_INSERT);
		}
	}

	/* clients, and the raw log of the test mode */
	for (int c = 0; c < nc; c++)
	{
		load_client *cl = client_at(sh, c);
		const char *fate = cl->fate == LF_DIED ? "died" : cl->fate == LF_STOPPED ? "stopped" : "ok";
		Oid			ct[9] = {INT8OID, INT4OID, INT4OID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID};
		Datum		cv[9];
		bool		cn[9] = {false, false, false, false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		cv[0] = Int64GetDatum(run_id);
		cv[1] = Int32GetDatum(c + 1);
		cv[2] = Int32GetDatum(cl->pid);
		cv[3] = CStringGetTextDatum(fate);
		cv[4] = Int64GetDatum((int64) cl->calls);
		cv[5] = Int64GetDatum((int64) cl->errors);
		cv[6] = Int64GetDatum(tb_hist_quantile64(&fine_layout, client_hist(sh, cl), cl->calls, 0.5,
												 cl->min_ns, cl->max_ns));
		cn[6] = cl->calls == 0;
		cv[7] = Int64GetDatum(cl->mem_start);
		cn[7] = cl->mem_start == 0;
		cv[8] = Int64GetDatum(cl->mem_end);
		cn[8] = cl->mem_end == 0;
		exec_args("INSERT INTO " TB_SCHEMA ".load_clients (run_id, client, pid, status, calls, errors, "
				  "p50_ns, mem_start_bytes, mem_end_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				  9, ct, cv, cn, SPI_OK_INSERT);
		if (cl->raw_n > 0)
		{
			int64	   *raw = client_raw(sh, cl);
			Datum	   *elems = palloc(sizeof(Datum) * cl->raw_n);
			ArrayType  *arr;
			Oid			rt[3] = {INT8OID, INT4OID, INT8ARRAYOID};
			Datum		rv[3];
			bool		rn[3] = {false, false, false};

			for (uint64 i = 0; i < cl->raw_n; i++)
				elems[i] = Int64GetDatum(raw[i]);
			arr = construct_array(elems, (int) cl->raw_n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
			rv[0] = Int64GetDatum(run_id);
			rv[1] = Int32GetDatum(c + 1);
			rv[2] = PointerGetDatum(arr);
			exec_args("INSERT INTO " TB_SCHEMA ".load_samples (run_id, client, seq, ns) "
					  "SELECT $1, $2, s.i, s.ns FROM pg_catalog.unnest($3) WITH ORDINALITY AS s(ns, i)",
					  3, rt, rv, rn, SPI_OK_INSERT);
			pfree(arr);
			pfree(elems);
		}
	}
	tb_bookkeeping_end(&bk);
	sh->run_id = run_id;
}

void
tb_load_recorder_main(Datum arg)
{
	dsm_segment *seg;
	load_shared *sh;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tas_bench load recorder: could not attach its shared memory")));
	sh = (load_shared *) dsm_segment_address(seg);
	init_layouts();
	BackgroundWorkerInitializeConnectionByOid(sh->dboid, sh->session_roleid, 0);
	SetUserIdAndSecContext(sh->roleid, SECURITY_LOCAL_USERID_CHANGE);
	pgstat_report_appname("tas_bench load recorder");
	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		record_run(sh);
		PopActiveSnapshot();
		SPI_finish();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(TopMemoryContext);
		ed = CopyErrorData();
		strlcpy(sh->record_error, ed->message ? ed->message : "unknown error", LOAD_ERR_LEN);
		pg_write_barrier();
		sh->recorded = -1;
		PG_RE_THROW();
	}
	PG_END_TRY();
	pg_write_barrier();
	sh->recorded = 1;
	dsm_detach(seg);
	proc_exit(0);
}

/* ----------------------------------------------------------------
 *		The leader
 * ----------------------------------------------------------------
 */

static BackgroundWorkerHandle *
register_worker(load_leader *ld, const char *function, const char *type, int idx)
{
	BackgroundWorker w;
	BackgroundWorkerHandle *handle;

	memset(&w, 0, sizeof(w));
	w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	w.bgw_start_time = BgWorkerStart_ConsistentState;
	w.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(w.bgw_library_name, BGW_MAXLEN, "tas_bench");
	snprintf(w.bgw_function_name, BGW_MAXLEN, "%s", function);
	snprintf(w.bgw_name, BGW_MAXLEN, "%s %d", type, idx + 1);
	snprintf(w.bgw_type, BGW_MAXLEN, "%s", type);
	w.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(ld->seg));
	memcpy(w.bgw_extra, &idx, sizeof(int));
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &handle))
		return NULL;
	return handle;
}

static bool
worker_stopped(BackgroundWorkerHandle *h)
{
	pid_t		pid;

	return h == NULL || GetBackgroundWorkerPid(h, &pid) == BGWH_STOPPED;
}

/* on error or exit of the leader: no client outlives it */
static void
terminate_clients(int code, Datum arg)
{
	load_leader *ld = (load_leader *) DatumGetPointer(arg);

	if (ld->sh != NULL)
		ld->sh->stop = 1;
	for (int i = 0; i < ld->nhandles; i++)
		if (ld->handles[i] != NULL)
			TerminateBackgroundWorker(ld->handles[i]);
}

/*
 * Wait (interrupts held: this also runs while an error is on its way up)
 * until every client has stopped, at most timeout_ms; true if all did.
 */
static bool
wait_clients_stopped(load_leader *ld, int timeout_ms)
{
	int64		until = mono_ns() + (int64) timeout_ms * 1000000;

	for (;;)
	{
		bool		all = true;

		for (int i = 0; i < ld->nhandles; i++)
			if (!worker_stopped(ld->handles[i]))
				all = false;
		if (all)
			return true;
		if (mono_ns() >= until)
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* stop every client: the flag, LOAD_STOP_GRACE_MS, then termination */
static void
stop_clients(load_leader *ld)
{
	load_shared *sh = ld->sh;

	sh->stop = 1;
	if (sh->stop_ns == 0)
		sh->stop_ns = mono_ns();
	pg_memory_barrier();
	if (wait_clients_stopped(ld, LOAD_STOP_GRACE_MS))
		return;
	for (int i = 0; i < ld->nhandles; i++)
		if (!worker_stopped(ld->handles[i]))
		{
			client_at(sh, i)->fate = LF_STOPPED;
			TerminateBackgroundWorker(ld->handles[i]);
		}
	if (!wait_clients_stopped(ld, 5000))
		ereport(WARNING,
				(errmsg("tas_bench load: a client did not stop within 5 s of its termination")));
}

/*
 * Store the run through the recorder worker (its own transaction); true
 * when stored.  Interrupts are held: it is short, and it must also work
 * while the caller's cancel is on its way up.
 */
static bool
record_via_worker(load_leader *ld)
{
	load_shared *sh = ld->sh;
	BackgroundWorkerHandle *h = NULL;
	int64		until;

	sh->finished_at = GetCurrentTimestamp();
	sh->recorded = 0;
	/* the clients' slots were just freed; retry briefly if someone took one */
	until = mono_ns() + INT64CONST(2000000000);
	while ((h = register_worker(ld, "tb_load_recorder_main", "tas_bench load recorder", 0)) == NULL
		   && mono_ns() < until)
		pg_usleep(20000);
	if (h == NULL)
	{
		strlcpy(sh->record_error, "no background worker slot was free to store the run", LOAD_ERR_LEN);
		return false;
	}
	until = mono_ns() + INT64CONST(60000000000);
	while (!worker_stopped(h) && mono_ns() < until)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	if (!worker_stopped(h))
	{
		TerminateBackgroundWorker(h);
		strlcpy(sh->record_error, "the recorder did not finish within 60 s", LOAD_ERR_LEN);
		return false;
	}
	pg_read_barrier();
	if (sh->recorded != 1 && sh->record_error[0] == '\0')
		strlcpy(sh->record_error, "the recorder ended without storing the run", LOAD_ERR_LEN);
	return sh->recorded == 1;
}

static int64
arg_interval_ns(FunctionCallInfo fcinfo, int argno, const char *name, int64 min_ns, int64 max_ns,
				const char *range)
{
	int64		ns;

	tb_require_arg(fcinfo, argno, name, range);
	ns = tb_interval_ns(PG_GETARG_INTERVAL_P(argno));
	if (ns < min_ns || ns > max_ns)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument %s must be between %s", name, range),
				 errhint("Pass an interval such as '10 s'.")));
	return ns;
}

static char *
opt_text(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* copy a text into the segment after the header */
static void
put_text(load_shared *sh, Size *off, int t, const char *s)
{
	if (s == NULL)
	{
		sh->text_len[t] = -1;
		return;
	}
	sh->text_off[t] = *off;
	sh->text_len[t] = (int) strlen(s);
	memcpy((char *) sh + *off, s, strlen(s) + 1);
	*off += MAXALIGN(strlen(s) + 1);
}

static const char *
fate_error(load_shared *sh, int i)
{
	load_client *c = client_at(sh, i);

	return psprintf("client %d (pid %d) ended during the run", i + 1, c->pid);
}

/* the options of load(): see the SQL comment */
typedef struct load_options
{
	int64		interval_ns;
	int64		seed;
	int			raw_log;
	char	   *workload;
	int			ramp_step;
	int			probe;
} load_options;

#define LOAD_OPTIONS_HINT "Accepted keys: report_interval (an interval, 100 ms to 1 hour; default 1 s), " \
	"seed (a bigint; default 1), raw_log (latencies kept per client, 0 to 4000000 / clients; default 0), " \
	"probe (hand-outs kept per client for the claim probe, 0 to 2000000 / clients; default 0), " \
	"workload (text), ramp_step (an integer)."

/* an option counted per client: 0 .. max_total / clients, or an error naming it */
static int32
per_client_option(const char *key, const char *value, int clients, int64 max_total, const char *hint)
{
	int32		v = DatumGetInt32(DirectFunctionCall1(int4in, CStringGetDatum(value)));

	if (v < 0 || (int64) v * clients > max_total)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option %s must be between 0 and %d with %d clients, not %d",
						key, (int) (max_total / clients), clients, v),
				 errhint("%s", hint)));
	return v;
}

/* SPI connected */
static void
parse_options(Jsonb *opts, int clients, load_options *o)
{
	Oid			types[1] = {JSONBOID};
	Datum		vals[1];
	int			nest;
	bool		is_object;
	bool		isnull;

	o->interval_ns = INT64CONST(1000000000);
	o->seed = 1;
	o->raw_log = 0;
	o->workload = NULL;
	o->ramp_step = 0;
	o->probe = 0;
	if (opts == NULL)
		return;
	vals[0] = JsonbPGetDatum(opts);
	nest = tb_internal_begin();
	if (SPI_execute_with_args("SELECT pg_catalog.jsonb_typeof($1) OPERATOR(pg_catalog.=) 'object'",
							  1, types, vals, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read argument options");
	is_object = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (!is_object)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument options must be a JSON object"),
				 errhint(LOAD_OPTIONS_HINT)));
	if (SPI_execute_with_args("SELECT key, value FROM pg_catalog.jsonb_each_text($1)",
							  1, types, vals, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read argument options");
	tb_internal_end(nest);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *key = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		char	   *value = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

		if (value == NULL)
			continue;			/* JSON null: the default */
		if (strcmp(key, "report_interval") == 0)
		{
			Interval   *iv = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(value),
																   ObjectIdGetDatum(InvalidOid),
																   Int32GetDatum(-1)));

			o->interval_ns = tb_interval_ns(iv);
			if (o->interval_ns < INT64CONST(100000000) || o->interval_ns > INT64CONST(3600) * 1000000000)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option report_interval must be between 100 ms and 1 hour, not %s", value),
						 errhint(LOAD_OPTIONS_HINT)));
		}
		else if (strcmp(key, "seed") == 0)
			o->seed = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(value)));
		else if (strcmp(key, "raw_log") == 0)
			o->raw_log = per_client_option(key, value, clients, LOAD_RAW_MAX,
										   "raw_log keeps the first raw_log latencies of each client in tas_bench.load_samples (a test mode); 0 turns it off.");
		else if (strcmp(key, "probe") == 0)
			o->probe = per_client_option(key, value, clients, LOAD_PROBE_MAX,
										 "probe keeps up to that many hand-outs per client (rows of the statement's result with a non-NULL second column, claimed) to count duplicate claims and lost races; 0 turns it off.");
		else if (strcmp(key, "workload") == 0)
			o->workload = value;
		else if (strcmp(key, "ramp_step") == 0)
			o->ramp_step = DatumGetInt32(DirectFunctionCall1(int4in, CStringGetDatum(value)));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument options: unknown key \"%s\"", key),
					 errhint(LOAD_OPTIONS_HINT)));
	}
}

/*
 * Start the clients, wait until all are ready, start them together and
 * watch them until they end; a client that dies fails the run.  On an
 * error (the caller's cancel among them) the clients are stopped and what
 * they measured is stored as cancelled or failed before the error goes on.
 */
static void
run_clients(load_leader *ld, tb_progress *progress, const char *search_path)
{
	load_shared *sh = ld->sh;
	int			clients = sh->clients;
	volatile bool started = false;

	PG_TRY();
	{
		int64		end_ns;

		/* every client registered, or none runs */
		for (int i = 0; i < clients; i++)
		{
			ld->handles[i] = register_worker(ld, "tb_load_client_main", "tas_bench load client", i);
			if (ld->handles[i] == NULL)
			{
				int			got = i;

				ld->nhandles = i;
				terminate_clients(0, PointerGetDatum(ld));
				(void) wait_clients_stopped(ld, 5000);
				ereport(ERROR,
						(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
						 errmsg("load needs %d background workers, but only %d could be started", clients, got),
						 errdetail("max_worker_processes = %d; the other slots are in use (parallel queries, other extensions, other runs).",
								   max_worker_processes),
						 errhint("Raise max_worker_processes to at least %d plus what else runs (needs a restart), pass fewer clients, or retry when other workers have ended.",
								 clients + 1)));
			}
			ld->nhandles = i + 1;
		}

		/* all set up (or one failed: its error, nothing measured) */
		for (;;)
		{
			int			ready = 0;

			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < clients; i++)
			{
				load_client *c = client_at(sh, i);
				bool		gone = worker_stopped(ld->handles[i]);

				pg_read_barrier();
				if (c->state == LC_FAILED)
				{
					char	   *msg = pstrdup(c->setup_error);

					terminate_clients(0, PointerGetDatum(ld));
					(void) wait_clients_stopped(ld, 5000);
					ereport(ERROR,
							(errcode(c->setup_sqlstate),
							 errmsg("load client %d could not set up: %s", i + 1, msg),
							 errdetail("A client runs the params query and prepares the statement as the calling role, under search_path %s.",
									   search_path)));
				}
				if (c->state >= LC_READY)
					ready++;
				else if (gone)
				{
					terminate_clients(0, PointerGetDatum(ld));
					(void) wait_clients_stopped(ld, 5000);
					ereport(ERROR,
							(errcode(ERRCODE_CONNECTION_FAILURE),
							 errmsg("load client %d ended before it was ready", i + 1),
							 errhint("The server log says why (a client connects to this database as the session user).")));
				}
			}
			if (ready == clients)
				break;
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 5, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}

		sh->started_at = GetCurrentTimestamp();
		pg_write_barrier();
		sh->start_ns = mono_ns() + LOAD_START_DELAY_NS;
		started = true;
		end_ns = sh->start_ns + sh->warmup_ns + sh->duration_ns;

		/* watch: progress, clients that die, the caller's cancel */
		for (;;)
		{
			bool		all_done = true;
			uint64		calls = 0;

			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 50, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < clients; i++)
			{
				load_client *c = client_at(sh, i);

				bool		gone = worker_stopped(ld->handles[i]);

				calls += c->calls;
				pg_read_barrier();
				if (c->state == LC_DONE)
					continue;
				all_done = false;
				if (gone && sh->error[0] == '\0')
				{
					c->fate = LF_DIED;
					strlcpy(sh->status, "failed", sizeof(sh->status));
					strlcpy(sh->error, fate_error(sh, i), LOAD_ERR_LEN);
				}
			}
			if (all_done || sh->error[0] != '\0')
				break;
			if (mono_ns() < end_ns)
				tb_progress_tick(progress, (int64) calls, 0);
		}
		if (sh->error[0] != '\0')
		{
			HOLD_INTERRUPTS();
			stop_clients(ld);
			RESUME_INTERRUPTS();
		}
	}
	PG_CATCH();
	{
		ErrorData  *ed;
		MemoryContext ecxt;

		HOLD_INTERRUPTS();
		ecxt = MemoryContextSwitchTo(TopTransactionContext);
		ed = CopyErrorData();
		MemoryContextSwitchTo(ecxt);
		if (started)
		{
			stop_clients(ld);
			if (ed->sqlerrcode == ERRCODE_QUERY_CANCELED)
				strlcpy(sh->status, "cancelled", sizeof(sh->status));
			else
				strlcpy(sh->status, "failed", sizeof(sh->status));
			strlcpy(sh->error, ed->message ? ed->message : "unknown error", LOAD_ERR_LEN);
			if (!record_via_worker(ld))
				ereport(WARNING,
						(errmsg("the %s load run could not be stored: %s", sh->status, sh->record_error)));
		}
		tb_progress_finish(progress);
		RESUME_INTERRUPTS();
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/* what load() and load_mix() pass to the common run */
typedef struct load_input
{
	char	   *sql;			/* load_runs.sql: the statement, or a mix's listing */
	char	   *params;			/* load_runs.params (load() only) */
	int			nstmt;
	char	   *stmt_sql[LOAD_MAX_STMTS];
	char	   *stmt_params[LOAD_MAX_STMTS];
	char	   *stmt_name[LOAD_MAX_STMTS];
	double		stmt_weight[LOAD_MAX_STMTS];
	char	   *workload;		/* load_mix: the workload's name */
	int			clients;
	int			mode;
	double		rate;			/* 0: closed loop (or a schedule) */
	int64		duration_ns;
	int64		warmup_ns;
	char	   *name;
	char	   *label;
	char	   *search_path;
	Jsonb	   *options;
	char	   *schedule;		/* rate_schedule, canonical; NULL: none */
	int			nphase;
	double		phase_rate[LOAD_MAX_PHASES];
	int64		phase_ns[LOAD_MAX_PHASES];	/* lengths */
} load_input;

#define LOAD_SCHEDULE_HINT "rate_schedule is a list of phases rate:length, e.g. '{100:10s,1000:2s,100:10s}': " \
	"rate in calls/s in total (greater than 0, at most 10000000), length a number with unit ms, s, min or h " \
	"(each at least 100 ms, all together at most 24 hours), at most 64 phases; " \
	"the run's measured window is the phases' total length (duration is not used)."

static void
schedule_error(const char *text, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("argument rate_schedule is not a valid rate schedule: \"%s\"", text),
			 errdetail("%s", detail),
			 errhint(LOAD_SCHEDULE_HINT)));
}

/* rate_schedule: '{rate:length,...}' into phases, and its canonical text */
static void
parse_schedule(const char *text, load_input *in)
{
	const char *c = text;
	bool		braces;
	int64		total = 0;
	StringInfoData canon;

	initStringInfo(&canon);
	appendStringInfoChar(&canon, '{');
	while (isspace((unsigned char) *c))
		c++;
	braces = (*c == '{');
	if (braces)
		c++;
	in->nphase = 0;
	for (;;)
	{
		char	   *e;
		double		rate;
		double		len;
		double		unit;
		int			ph = in->nphase + 1;

		while (isspace((unsigned char) *c))
			c++;
		if (in->nphase >= LOAD_MAX_PHASES)
			schedule_error(text, psprintf("It has more than %d phases.", LOAD_MAX_PHASES));
		rate = strtod(c, &e);
		if (e == c)
			schedule_error(text, psprintf("Phase %d does not start with a rate (a number of calls per second).", ph));
		if (!(rate > 0 && rate <= 1e7))
			schedule_error(text, psprintf("The rate of phase %d is %g; it must be greater than 0 and at most 10000000 calls per second.",
										  ph, rate));
		c = e;
		while (isspace((unsigned char) *c))
			c++;
		if (*c != ':')
			schedule_error(text, psprintf("Phase %d: a colon must follow the rate, then the phase's length.", ph));
		c++;
		while (isspace((unsigned char) *c))
			c++;
		len = strtod(c, &e);
		if (e == c)
			schedule_error(text, psprintf("Phase %d has no length (a number with unit ms, s, min or h).", ph));
		c = e;
		while (isspace((unsigned char) *c))
			c++;
		if (strncmp(c, "ms", 2) == 0)
			unit = 1e6, c += 2;
		else if (strncmp(c, "min", 3) == 0)
			unit = 60e9, c += 3;
		else if (*c == 's')
			unit = 1e9, c += 1;
		else if (*c == 'h')
			unit = 3600e9, c += 1;
		else
			schedule_error(text, psprintf("The length of phase %d has no unit: ms, s, min or h.", ph));
		if (!(len * unit >= 1e8) || len * unit > 86400e9)
			schedule_error(text, psprintf("Phase %d lasts %g %s; each phase lasts at least 100 ms.", ph, len,
										  unit == 1e6 ? "ms" : unit == 1e9 ? "s" : unit == 60e9 ? "min" : "h"));
		in->phase_rate[in->nphase] = rate;
		in->phase_ns[in->nphase] = (int64) (len * unit);
		total += in->phase_ns[in->nphase];
		if (total > INT64CONST(86400) * 1000000000)
			schedule_error(text, "Its phases last more than 24 hours in all.");
		appendStringInfo(&canon, "%s%g:%gs", in->nphase > 0 ? "," : "", rate, len * unit / 1e9);
		in->nphase++;
		while (isspace((unsigned char) *c))
			c++;
		if (*c == ',')
		{
			c++;
			continue;
		}
		if (braces)
		{
			if (*c != '}')
				schedule_error(text, psprintf("After phase %d: a comma and the next phase, or the closing brace.", ph));
			c++;
			while (isspace((unsigned char) *c))
				c++;
		}
		if (*c != '\0')
			schedule_error(text, psprintf("After phase %d: unexpected \"%s\".", ph, c));
		break;
	}
	appendStringInfoChar(&canon, '}');
	in->schedule = canon.data;
	in->duration_ns = total;
}

/*
 * The arguments load() and load_mix() share, from position `first`
 * (clients) on: clients, duration, rate, warmup, mode, name, label,
 * search_path, options, rate_schedule.
 */
static void
parse_common(FunctionCallInfo fcinfo, int first, load_input *in)
{
	char	   *modestr;
	int			sched_arg = first + 9;

	tb_require_arg(fcinfo, first, "clients", "Pass the number of concurrent clients, 1 to 256.");
	in->clients = PG_GETARG_INT32(first);
	if (in->clients < 1 || in->clients > LOAD_MAX_CLIENTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument clients must be between 1 and %d, not %d", LOAD_MAX_CLIENTS, in->clients),
				 errhint("Each client is a background worker; max_worker_processes bounds how many can run.")));
	in->schedule = NULL;
	in->nphase = 0;
	if (PG_NARGS() > sched_arg && !PG_ARGISNULL(sched_arg))
	{
		if (!PG_ARGISNULL(first + 2))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("arguments rate and rate_schedule cannot both be given"),
					 errdetail("rate is one arrival rate for the whole run; rate_schedule gives one per phase."),
					 errhint("Pass rate => NULL with a rate_schedule, or a single phase: rate_schedule => '{%g:10s}'.",
							 PG_GETARG_FLOAT8(first + 2))));
		parse_schedule(text_to_cstring(PG_GETARG_TEXT_PP(sched_arg)), in);
	}
	else
		in->duration_ns = arg_interval_ns(fcinfo, first + 1, "duration", INT64CONST(100000000),
										  INT64CONST(86400) * 1000000000, "100 ms and 24 hours");
	in->rate = 0;
	if (!PG_ARGISNULL(first + 2))
	{
		in->rate = PG_GETARG_FLOAT8(first + 2);
		if (!(in->rate > 0 && in->rate <= 1e7))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument rate must be greater than 0 and at most 10000000 calls per second, not %g", in->rate),
					 errhint("rate is the total arrival rate of an open loop; pass NULL for a closed loop.")));
		in->nphase = 1;
		in->phase_rate[0] = in->rate;
		in->phase_ns[0] = in->duration_ns;
	}
	else if (in->schedule != NULL)
	{
		double		calls = 0;

		for (int i = 0; i < in->nphase; i++)
			calls += in->phase_rate[i] * in->phase_ns[i] / 1e9;
		in->rate = calls / (in->duration_ns / 1e9);	/* the schedule's mean rate */
	}
	in->warmup_ns = arg_interval_ns(fcinfo, first + 3, "warmup", 0, INT64CONST(3600) * 1000000000, "0 and 1 hour");
	tb_require_arg(fcinfo, first + 4, "mode", "Pass 'commit' or 'rollback'.");
	modestr = text_to_cstring(PG_GETARG_TEXT_PP(first + 4));
	if (strcmp(modestr, "commit") == 0)
		in->mode = LOAD_COMMIT;
	else if (strcmp(modestr, "rollback") == 0)
		in->mode = LOAD_ROLLBACK;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument mode must be 'commit' or 'rollback', not \"%s\"", modestr),
				 errhint("commit: each call is a transaction that commits; rollback: each call's transaction is rolled back, so every call sees the same state.")));
	in->name = opt_text(fcinfo, first + 5);
	in->label = opt_text(fcinfo, first + 6);
	in->search_path = opt_text(fcinfo, first + 7);
	in->options = (PG_NARGS() > first + 8 && !PG_ARGISNULL(first + 8)) ? PG_GETARG_JSONB_P(first + 8) : NULL;
}

static Datum do_load(load_input *in);

/*
 * tas_bench.load(sql, params, clients, duration, rate, warmup, mode, name,
 *		label, search_path, options jsonb, rate_schedule text)
 *		RETURNS tas_bench.load_runs
 */
PG_FUNCTION_INFO_V1(tas_bench_load);
Datum
tas_bench_load(PG_FUNCTION_ARGS)
{
	load_input *in = palloc0(sizeof(load_input));

	init_layouts();
	tb_require_arg(fcinfo, 0, "sql", "Pass the statement to run, e.g. 'SELECT 1'.");
	in->sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	in->params = opt_text(fcinfo, 1);
	parse_common(fcinfo, 2, in);
	in->nstmt = 1;
	in->stmt_sql[0] = in->sql;
	in->stmt_params[0] = in->params;
	in->stmt_name[0] = NULL;
	in->stmt_weight[0] = 1;
	return do_load(in);
}

/*
 * tas_bench.load_mix(workload, clients, duration, rate, warmup, mode, name,
 *		label, search_path, options jsonb, rate_schedule text)
 *		RETURNS tas_bench.load_runs
 */
PG_FUNCTION_INFO_V1(tas_bench_load_mix);
Datum
tas_bench_load_mix(PG_FUNCTION_ARGS)
{
	load_input *in = palloc0(sizeof(load_input));
	char	   *workload;
	Oid			types[1] = {TEXTOID};
	Datum		vals[1];
	int			nest;
	StringInfoData listing;
	MemoryContext callcxt = CurrentMemoryContext;
	MemoryContext old;

	init_layouts();
	tb_require_arg(fcinfo, 0, "workload", "Pass the name of a workload in tas_bench.workloads.");
	workload = text_to_cstring(PG_GETARG_TEXT_PP(0));
	parse_common(fcinfo, 1, in);
	in->workload = workload;

	/* the workload's statements, as the caller reads them (row-level security) */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	vals[0] = CStringGetTextDatum(workload);
	nest = tb_internal_begin();
	if (SPI_execute_with_args("SELECT w.name, w.sql, w.params, w.weight, w.owner::pg_catalog.text, w.builtin "
							  "FROM " TB_SCHEMA ".workloads w WHERE w.workload OPERATOR(pg_catalog.=) $1 "
							  "ORDER BY w.name COLLATE \"C\"",
							  1, types, vals, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tas_bench.workloads");
	tb_internal_end(nest);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("argument workload: there is no workload \"%s\"", workload),
				 errdetail("tas_bench.workloads has no statement of that workload that the calling role can read."),
				 errhint("Add its statements first: INSERT INTO tas_bench.workloads (workload, name, sql, params, weight) VALUES ('%s', 'a', 'SELECT 1', NULL, 1);",
						 workload)));
	if (SPI_processed > LOAD_MAX_STMTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("workload \"%s\" has %d statements; a mix takes at most %d",
						workload, (int) SPI_processed, LOAD_MAX_STMTS),
				 errhint("Split it into several workloads.")));
	old = MemoryContextSwitchTo(callcxt);	/* what outlives SPI_finish */
	initStringInfo(&listing);
	appendStringInfo(&listing, "-- workload %s: %d statements (name @ weight: sql)", workload, (int) SPI_processed);
	in->nstmt = (int) SPI_processed;
	for (int i = 0; i < in->nstmt; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		double		w;
		char	   *owner = SPI_getvalue(tup, td, 5);
		bool		builtin = DatumGetBool(SPI_getbinval(tup, td, 6, &isnull));

		in->stmt_name[i] = SPI_getvalue(tup, td, 1);
		in->stmt_sql[i] = SPI_getvalue(tup, td, 2);
		in->stmt_params[i] = SPI_getvalue(tup, td, 3);
		w = DatumGetFloat8(SPI_getbinval(tup, td, 4, &isnull));
		if (isnull || !(w > 0) || isinf(w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("statement \"%s\" of workload \"%s\" has weight %s; a weight must be a finite number greater than 0",
							in->stmt_name[i], workload, isnull ? "NULL" : SPI_getvalue(tup, td, 4)),
					 errhint("A statement's share of the calls is its weight over the sum of the workload's weights.")));
		if (!builtin && !tb_acts_as(owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("statement \"%s\" of workload \"%s\" belongs to role \"%s\"",
							in->stmt_name[i], workload, owner),
					 errdetail("Stored SQL runs only as its owner, superusers included."),
					 errhint("SET ROLE %s first, or copy the statement as a workload of your own.", owner)));
		in->stmt_weight[i] = w;
		appendStringInfo(&listing, "\n-- %s @ %g:\n%s;", in->stmt_name[i], w, in->stmt_sql[i]);
	}
	MemoryContextSwitchTo(old);
	in->sql = listing.data;
	in->params = NULL;
	SPI_finish();
	return do_load(in);
}

static Datum
do_load(load_input *in)
{
	char	   *workload;
	char	   *env = NULL;
	int			clients = in->clients;
	int64		interval_ns;
	int64		seed;
	int			raw_log;
	int			ramp_step;
	int			nint;
	Size		text_size;
	Size		client_size;
	Size		stmt_size;
	Size		total;
	Size		off;
	load_leader *ld;
	load_shared *sh;
	int			nest;
	tb_progress progress;
	char		what[NAMEDATALEN];
	Datum		result;
	bool		isnull;
	load_options opt;
	char	   *volatile search_path = in->search_path;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	parse_options(in->options, clients, &opt);
	interval_ns = opt.interval_ns;
	seed = opt.seed;
	raw_log = opt.raw_log;
	workload = in->workload ? in->workload : opt.workload;
	ramp_step = opt.ramp_step;
	nint = (int) ((in->duration_ns + interval_ns - 1) / interval_ns);
	if (nint > LOAD_MAX_INTERVALS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option report_interval is too short for the duration: %d intervals, at most %d",
						nint, LOAD_MAX_INTERVALS),
				 errhint("Pass a report_interval of at least duration / %d.", LOAD_MAX_INTERVALS)));
	if (clients > max_worker_processes)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("load needs %d background workers, but max_worker_processes is %d",
						clients, max_worker_processes),
				 errdetail("Each client is a background worker, and one more stores the run when they have ended."),
				 errhint("Raise max_worker_processes to at least %d (needs a restart), or pass fewer clients.",
						 clients + 1)));
	if (clients * in->nstmt > LOAD_MAX_STMT_BLOCKS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a mix of %d statements with %d clients keeps too many histograms: %d, at most %d",
						in->nstmt, clients, in->nstmt * clients, LOAD_MAX_STMT_BLOCKS),
				 errhint("Pass fewer clients or use fewer statements.")));

	/* the statements and params queries are checked here, before any worker */
	nest = search_path ? tb_search_path_push(search_path) : -1;
	for (int s = 0; s < in->nstmt; s++)
	{
		tb_params	p;
		SPIPlanPtr	plan;

		tb_params_load(&p, in->stmt_params[s], CurrentMemoryContext);
		plan = SPI_prepare(in->stmt_sql[s], p.nargs, p.argtypes);
		if (plan == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 in->workload ? errmsg("statement \"%s\" of workload \"%s\" could not be prepared: %s",
										   in->stmt_name[s], in->workload, SPI_result_code_string(SPI_result))
					 : errmsg("argument sql could not be prepared: %s", SPI_result_code_string(SPI_result))));
		SPI_freeplan(plan);
	}
	if (search_path == NULL)
		search_path = tb_search_path_current();
	if (nest >= 0)
		tb_search_path_pop(nest);
	{
		tb_bookkeeping bk;

		tb_bookkeeping_begin(&bk);
		if (SPI_execute("SELECT " TB_SCHEMA ".environment()::pg_catalog.text", true, 1) == SPI_OK_SELECT
			&& SPI_processed == 1)
			env = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		tb_bookkeeping_end(&bk);
	}

	/* the shared segment: header, texts, one block per client */
	text_size = 0;
	{
		const char *texts[NTEXT] = {in->sql, in->params, search_path, in->name, in->label, env, workload,
		in->schedule};

		for (int t = 0; t < NTEXT; t++)
			if (texts[t] != NULL)
				text_size += MAXALIGN(strlen(texts[t]) + 1);
		for (int s = 0; s < in->nstmt; s++)
		{
			const char *st[NSTEXT] = {in->stmt_sql[s], in->stmt_params[s], in->stmt_name[s]};

			for (int t = 0; t < NSTEXT; t++)
				if (st[t] != NULL)
					text_size += MAXALIGN(strlen(st[t]) + 1);
		}
	}
	{
		Size		int_size = MAXALIGN(MAXALIGN(sizeof(load_interval)) + sizeof(uint32) * coarse_layout.nbuckets);
		Size		hist_size = MAXALIGN(sizeof(uint64) * fine_layout.nbuckets);

		stmt_size = MAXALIGN(MAXALIGN(sizeof(load_stmt_stat)) + sizeof(uint64) * stmt_layout.nbuckets);
		client_size = MAXALIGN(sizeof(load_client)) + 2 * hist_size + (Size) nint * int_size
			+ MAXALIGN(sizeof(int64) * (Size) raw_log)
			+ MAXALIGN(sizeof(load_probe_row) * (Size) opt.probe)
			+ (Size) in->nstmt * stmt_size;
		total = MAXALIGN(sizeof(load_shared)) + text_size + (Size) clients * client_size;
		ld = palloc0(sizeof(load_leader));
		ld->seg = dsm_create(total, 0);
		sh = (load_shared *) dsm_segment_address(ld->seg);
		memset(sh, 0, total);
		ld->sh = sh;
		sh->client_size = client_size;
		sh->hist_off = MAXALIGN(sizeof(load_client));
		sh->lag_off = sh->hist_off + hist_size;
		sh->int_off = sh->lag_off + hist_size;
		sh->int_size = int_size;
		sh->raw_off = sh->int_off + (Size) nint * int_size;
		sh->probe_off = sh->raw_off + MAXALIGN(sizeof(int64) * (Size) raw_log);
		sh->stmt_off = sh->probe_off + MAXALIGN(sizeof(load_probe_row) * (Size) opt.probe);
		sh->stmt_size = stmt_size;
	}
	sh->dboid = MyDatabaseId;
	sh->session_roleid = GetSessionUserId();
	sh->roleid = GetUserId();
	strlcpy(sh->owner, tb_current_role_name(), NAMEDATALEN);
	sh->clients = clients;
	sh->mode = in->mode;
	sh->rate = in->rate;
	sh->warmup_ns = in->warmup_ns;
	sh->duration_ns = in->duration_ns;
	sh->interval_ns = interval_ns;
	sh->nint = nint;
	sh->seed = seed;
	sh->raw_cap = raw_log;
	sh->probe_cap = opt.probe;
	sh->ramp_step = ramp_step;
	sh->nphase = in->nphase;
	sh->scheduled = in->schedule != NULL;
	{
		int64		end = 0;

		for (int i = 0; i < in->nphase; i++)
		{
			end += in->phase_ns[i];
			sh->phase_rate[i] = in->phase_rate[i];
			sh->phase_end[i] = end;
		}
	}
	off = MAXALIGN(sizeof(load_shared));
	put_text(sh, &off, T_SQL, in->sql);
	put_text(sh, &off, T_PARAMS, in->params);
	put_text(sh, &off, T_SEARCH_PATH, search_path);
	put_text(sh, &off, T_NAME, in->name);
	put_text(sh, &off, T_LABEL, in->label);
	put_text(sh, &off, T_ENV, env);
	put_text(sh, &off, T_SUITE, workload);
	put_text(sh, &off, T_SCHEDULE, in->schedule);
	sh->nstmt = in->nstmt;
	{
		double		cum = 0;

		for (int s = 0; s < in->nstmt; s++)
		{
			const char *st[NSTEXT] = {in->stmt_sql[s], in->stmt_params[s], in->stmt_name[s]};

			for (int t = 0; t < NSTEXT; t++)
			{
				if (st[t] == NULL)
				{
					sh->stmt[s].text_len[t] = -1;
					continue;
				}
				sh->stmt[s].text_off[t] = off;
				sh->stmt[s].text_len[t] = (int) strlen(st[t]);
				memcpy((char *) sh + off, st[t], strlen(st[t]) + 1);
				off += MAXALIGN(strlen(st[t]) + 1);
			}
			cum += in->stmt_weight[s];
			sh->stmt[s].weight = in->stmt_weight[s];
			sh->stmt[s].cum = cum;
		}
	}
	sh->client_off = off;
	strlcpy(sh->status, "ok", sizeof(sh->status));
	ld->handles = palloc0(sizeof(BackgroundWorkerHandle *) * clients);

	snprintf(what, sizeof(what), "%s \"%s\"", in->workload ? "load_mix" : "load",
			 in->name ? in->name : in->workload ? in->workload : "");
	tb_progress_start(&progress, pstrdup(what));
	PG_ENSURE_ERROR_CLEANUP(terminate_clients, PointerGetDatum(ld));
	{
		run_clients(ld, &progress, search_path);
	}
	PG_END_ENSURE_ERROR_CLEANUP(terminate_clients, PointerGetDatum(ld));
	tb_progress_finish(&progress);

	if (!record_via_worker(ld))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("the load run could not be stored: %s", sh->record_error),
				 errhint("The run is stored by one more background worker after the clients have ended.")));

	/* the stored row, read with a fresh snapshot (the recorder committed it) */
	{
		tb_bookkeeping bk;
		Oid			types[1] = {INT8OID};
		Datum		vals[1] = {Int64GetDatum(sh->run_id)};
		SPIPlanPtr	rplan;

		tb_bookkeeping_begin(&bk);
		rplan = SPI_prepare("SELECT r FROM " TB_SCHEMA ".load_runs r WHERE r.run_id = $1", 1, types);
		if (rplan == NULL ||
			SPI_execute_snapshot(rplan, vals, NULL, GetLatestSnapshot(), InvalidSnapshot,
								 true, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "tas_bench load: the stored run " INT64_FORMAT " could not be read back", sh->run_id);
		result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		result = SPI_datumTransfer(result, false, -1);
		tb_bookkeeping_end(&bk);
	}
	SPI_finish();
	dsm_detach(ld->seg);
	PG_RETURN_DATUM(result);
}
