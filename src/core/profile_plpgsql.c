/*-------------------------------------------------------------------------
 *
 * profile_plpgsql.c
 *	  The PL/pgSQL side of tas_bench.profile(): time per function line and
 *	  the call graph between PL/pgSQL functions, through the PL/pgSQL
 *	  plugin interface (the rendezvous variable "PLpgSQL_plugin").
 *
 * Chaining.  PL/pgSQL calls one plugin, the one the rendezvous variable
 * points to.  plprofiler's hook replaces whatever is there, so a debugger
 * and a profiler exclude each other.  Ours chains: while a profile runs we
 * point the variable at our plugin and remember the one that was there;
 * every callback calls the previous plugin's as well, with the previous
 * plugin's own estate->plugin_info in place (we keep it in ours and swap
 * it in and out around each call), and before its func_setup the helper
 * pointers PL/pgSQL fills into the active plugin (error_callback,
 * assign_expr and, by version, assign_value, eval_datum, cast_value) are
 * copied into the previous plugin's struct, so it can use them as if it
 * were alone.  At the end the previous plugin is put back, unless someone
 * installed another plugin over ours meanwhile: then ours stays in the
 * chain, passing every callback on and recording nothing.
 * tas_bench.plpgsql_plugin_probe() installs a counting no-op plugin the
 * same way, for the test of this (90_profile, 130_profile).
 *
 * Outside a profile our plugin is not installed at all: timed bench runs
 * never pay for a callback.
 *
 * Timing.  A stack of frames, one per function call (func_beg..func_end)
 * and one per statement (stmt_beg..stmt_end); a frame's time is the clock
 * difference, its self time that minus the time of the frames directly
 * inside it, so a line that calls another PL/pgSQL function (through a
 * query or an assignment) does not own the callee's lines.  PL/pgSQL calls
 * no stmt_end or func_end for a statement or function left by an error;
 * when the error is caught by an EXCEPTION block of a caller, the next
 * stmt_end or func_end of a frame further down pops the abandoned frames
 * (their time stays in the frame that catches).  Lines are keyed by
 * (function oid, line number); calls by (calling PL/pgSQL function or none,
 * called function).  Both tables live in the profile's memory context.
 *
 * IDENTIFICATION
 *	  src/core/profile_plpgsql.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stddef.h>

#include "fmgr.h"
#include "plpgsql.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "core/profile_plpgsql.h"
#include "util.h"

/* per function call: ours, with the previous plugin's plugin_info */
typedef struct fn_info
{
	uint32		magic;			/* FN_INFO_MAGIC: an estate set up while we were installed */
	void	   *prev_info;
} fn_info;

#define FN_INFO_MAGIC 0x54426670	/* "TBfp" */

typedef struct frame
{
	bool		is_func;
	PLpgSQL_execstate *estate;
	PLpgSQL_stmt *stmt;			/* statement frames */
	Oid			fn_oid;
	int			lineno;
	int			func_frame;		/* index of the enclosing function frame, -1: none */
	instr_time	t0;
	int64		child_ns;		/* time of the frames directly inside */
	int64		child_fn_ns;	/* function frames: time of the functions called */
} frame;

static void prof_func_setup(PLpgSQL_execstate *estate, PLpgSQL_function *func);
static void prof_func_beg(PLpgSQL_execstate *estate, PLpgSQL_function *func);
static void prof_func_end(PLpgSQL_execstate *estate, PLpgSQL_function *func);
static void prof_stmt_beg(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt);
static void prof_stmt_end(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt);

static PLpgSQL_plugin prof_plugin = {
	prof_func_setup, prof_func_beg, prof_func_end, prof_stmt_beg, prof_stmt_end
};

static PLpgSQL_plugin **plugin_ptr = NULL;
static PLpgSQL_plugin *prev_plugin = NULL;
static bool installed = false;
static bool active = false;
static MemoryContext prof_cxt = NULL;
static HTAB *lines = NULL;
static HTAB *calls = NULL;
static frame *stack = NULL;
static int	depth = 0;
static int	stack_size = 0;

/* ------------------------------------------------------------- chaining */

/* PL/pgSQL's helper pointers, from error_callback to the end of the struct */
#define HELPERS_OFFSET offsetof(PLpgSQL_plugin, error_callback)
#define HELPERS_SIZE (sizeof(PLpgSQL_plugin) - HELPERS_OFFSET)

static inline void
copy_helpers(PLpgSQL_plugin *to, const PLpgSQL_plugin *from)
{
	memcpy((char *) to + HELPERS_OFFSET, (const char *) from + HELPERS_OFFSET, HELPERS_SIZE);
}

/*
 * Call the previous plugin's callback with its own plugin_info in place.
 * A macro, as the callbacks have two signatures.
 */
#define CALL_PREV(prev, member, estate, arg) \
	do { \
		if ((prev) != NULL && (prev)->member != NULL) \
		{ \
			fn_info    *fi_ = (fn_info *) (estate)->plugin_info; \
			if (fi_ != NULL && fi_->magic != FN_INFO_MAGIC) \
				fi_ = NULL; \
			if (fi_ != NULL) \
				(estate)->plugin_info = fi_->prev_info; \
			(prev)->member((estate), (arg)); \
			if (fi_ != NULL) \
			{ \
				fi_->prev_info = (estate)->plugin_info; \
				(estate)->plugin_info = fi_; \
			} \
		} \
	} while (0)

/* ----------------------------------------------------------- the frames */

static int
push(bool is_func, PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt, Oid fn_oid, int lineno)
{
	frame	   *f;

	if (depth == stack_size)
	{
		int			n = stack_size == 0 ? 64 : stack_size * 2;

		if (stack == NULL)
			stack = MemoryContextAlloc(prof_cxt, sizeof(frame) * n);
		else
			stack = repalloc(stack, sizeof(frame) * n);
		stack_size = n;
	}
	f = &stack[depth];
	f->is_func = is_func;
	f->estate = estate;
	f->stmt = stmt;
	f->fn_oid = fn_oid;
	f->lineno = lineno;
	f->child_ns = 0;
	f->child_fn_ns = 0;
	if (depth == 0)
		f->func_frame = -1;
	else if (stack[depth - 1].is_func)
		f->func_frame = depth - 1;
	else
		f->func_frame = stack[depth - 1].func_frame;
	INSTR_TIME_SET_CURRENT(f->t0);
	return depth++;
}

/* pop frame i (the top one), recording it */
static void
pop_top(void)
{
	frame	   *f = &stack[depth - 1];
	instr_time	now;
	int64		ns;
	int64		self;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, f->t0);
	ns = TB_INSTR_TIME_GET_NS(now);
	self = ns - f->child_ns;
	if (self < 0)
		self = 0;
	if (f->is_func)
	{
		tb_call_key key;
		tb_call_stat *cs;
		bool		found;
		int64		fself = ns - f->child_fn_ns;

		key.caller = f->func_frame >= 0 ? stack[f->func_frame].fn_oid : InvalidOid;
		key.callee = f->fn_oid;
		cs = (tb_call_stat *) hash_search(calls, &key, HASH_ENTER, &found);
		if (!found)
		{
			cs->calls = 0;
			cs->total_ns = 0;
			cs->self_ns = 0;
		}
		cs->calls++;
		cs->total_ns += ns;
		cs->self_ns += fself < 0 ? 0 : fself;
		if (f->func_frame >= 0)
			stack[f->func_frame].child_fn_ns += ns;
	}
	else
	{
		tb_line_key key;
		tb_line_stat *ls;
		bool		found;

		memset(&key, 0, sizeof(key));
		key.fn_oid = f->fn_oid;
		key.lineno = f->lineno;
		ls = (tb_line_stat *) hash_search(lines, &key, HASH_ENTER, &found);
		if (!found)
		{
			ls->execs = 0;
			ls->total_ns = 0;
			ls->self_ns = 0;
			ls->max_ns = 0;
		}
		ls->execs++;
		ls->total_ns += ns;
		ls->self_ns += self;
		if (ns > ls->max_ns)
			ls->max_ns = ns;
	}
	depth--;
	if (depth > 0)
		stack[depth - 1].child_ns += ns;
}

/* pop down to and including the frame of (estate, stmt or function) */
static void
pop_to(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt, bool is_func)
{
	int			i;

	for (i = depth - 1; i >= 0; i--)
		if (stack[i].estate == estate && stack[i].is_func == is_func &&
			(is_func || stack[i].stmt == stmt))
			break;
	if (i < 0)
		return;					/* begun while we were not recording */
	/* frames left by an error caught below: dropped, their time stays with i */
	depth = i + 1;
	pop_top();
}

/* ------------------------------------------------------------ callbacks */

static void
prof_func_setup(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	PLpgSQL_plugin *prev = prev_plugin;

	if (prev == NULL)
		return;
	{
		fn_info    *fi = palloc0(sizeof(fn_info));

		fi->magic = FN_INFO_MAGIC;
		estate->plugin_info = fi;
		copy_helpers(prev, &prof_plugin);
		CALL_PREV(prev, func_setup, estate, func);
	}
}

static void
prof_func_beg(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	CALL_PREV(prev_plugin, func_beg, estate, func);
	if (active)
		push(true, estate, NULL, func->fn_oid, 0);
}

static void
prof_func_end(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	if (active && depth > 0)
		pop_to(estate, NULL, true);
	CALL_PREV(prev_plugin, func_end, estate, func);
}

static void
prof_stmt_beg(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt)
{
	CALL_PREV(prev_plugin, stmt_beg, estate, stmt);
	if (active && estate->func != NULL)
		push(false, estate, stmt, estate->func->fn_oid, stmt->lineno);
}

static void
prof_stmt_end(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt)
{
	if (active && depth > 0)
		pop_to(estate, stmt, false);
	CALL_PREV(prev_plugin, stmt_end, estate, stmt);
}

/* ----------------------------------------------------------- the API */

void
tb_plpgsql_profile_start(MemoryContext cxt)
{
	HASHCTL		ctl;

	if (plugin_ptr == NULL)
		plugin_ptr = (PLpgSQL_plugin **) find_rendezvous_variable("PLpgSQL_plugin");
	prof_cxt = cxt;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(tb_line_key);
	ctl.entrysize = sizeof(tb_line_stat);
	ctl.hcxt = cxt;
	lines = hash_create("tas_bench profile lines", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(tb_call_key);
	ctl.entrysize = sizeof(tb_call_stat);
	ctl.hcxt = cxt;
	calls = hash_create("tas_bench profile calls", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	stack = NULL;
	stack_size = 0;
	depth = 0;
	active = false;
	if (!installed)
	{
		prev_plugin = *plugin_ptr;
		*plugin_ptr = &prof_plugin;
		installed = true;
	}
}

void
tb_plpgsql_profile_set_active(bool on)
{
	active = on && lines != NULL;
	if (!on)
		depth = 0;				/* a call ends with no frame open */
}

void
tb_plpgsql_profile_stop(void)
{
	active = false;
	depth = 0;
	stack = NULL;
	stack_size = 0;
	prof_cxt = NULL;
	/* tables stay readable until the profile's context goes */
	if (installed && plugin_ptr != NULL && *plugin_ptr == &prof_plugin)
	{
		*plugin_ptr = prev_plugin;
		prev_plugin = NULL;
		installed = false;
	}
}

HTAB *
tb_plpgsql_profile_lines(void)
{
	return lines;
}

HTAB *
tb_plpgsql_profile_calls(void)
{
	return calls;
}

/* ---------------------------------------------- a second plugin, for tests */

/*
 * A no-op plugin installed the way any plugin installs itself (over what is
 * in the rendezvous variable, chaining to it), which counts its callbacks
 * and checks that each comes with its own plugin_info and that PL/pgSQL's
 * helper pointers reached it.
 */
static int64 probe_counts[5];
static int64 probe_bad_info;
static int64 probe_no_helpers;
static PLpgSQL_plugin *probe_prev = NULL;
static bool probe_installed = false;
static uint64 probe_marker;	/* its plugin_info: any address of its own */

static void
probe_func_setup(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	probe_counts[0]++;
	estate->plugin_info = &probe_marker;
}

#define PROBE_CHECK(estate) \
	do { \
		if ((estate)->plugin_info != &probe_marker) probe_bad_info++; \
	} while (0)

static void probe_func_beg(PLpgSQL_execstate *estate, PLpgSQL_function *func);
static void probe_func_end(PLpgSQL_execstate *estate, PLpgSQL_function *func);
static void probe_stmt_beg(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt);
static void probe_stmt_end(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt);

static PLpgSQL_plugin probe_plugin = {
	probe_func_setup, probe_func_beg, probe_func_end, probe_stmt_beg, probe_stmt_end
};

static void
probe_func_beg(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	probe_counts[1]++;
	PROBE_CHECK(estate);
	if (probe_plugin.error_callback == NULL || probe_plugin.assign_expr == NULL)
		probe_no_helpers++;
}

static void
probe_func_end(PLpgSQL_execstate *estate, PLpgSQL_function *func)
{
	probe_counts[2]++;
	PROBE_CHECK(estate);
}

static void
probe_stmt_beg(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt)
{
	probe_counts[3]++;
	PROBE_CHECK(estate);
}

static void
probe_stmt_end(PLpgSQL_execstate *estate, PLpgSQL_stmt *stmt)
{
	probe_counts[4]++;
	PROBE_CHECK(estate);
}

/*
 * tas_bench.plpgsql_plugin_probe(action text) RETURNS jsonb
 *		'install': install the counting no-op plugin (counts reset);
 *		'remove': take it out again (only when it is the active one);
 *		'counts': its counts so far.  Returns the counts in every case.
 */
PG_FUNCTION_INFO_V1(tas_bench_plpgsql_plugin_probe);
Datum
tas_bench_plpgsql_plugin_probe(PG_FUNCTION_ARGS)
{
	char	   *action;

	tb_require_arg(fcinfo, 0, "action", "Pass 'install', 'counts' or 'remove'.");
	action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (plugin_ptr == NULL)
		plugin_ptr = (PLpgSQL_plugin **) find_rendezvous_variable("PLpgSQL_plugin");
	if (strcmp(action, "install") == 0)
	{
		memset(probe_counts, 0, sizeof(probe_counts));
		probe_bad_info = 0;
		probe_no_helpers = 0;
		if (!probe_installed)
		{
			probe_prev = *plugin_ptr;
			*plugin_ptr = &probe_plugin;
			probe_installed = true;
		}
	}
	else if (strcmp(action, "remove") == 0)
	{
		if (probe_installed && *plugin_ptr == &probe_plugin)
		{
			*plugin_ptr = probe_prev;
			probe_installed = false;
		}
		else if (probe_installed)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the probe plugin cannot be removed: another plugin was installed over it")));
	}
	else if (strcmp(action, "counts") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument action must be 'install', 'counts' or 'remove', not \"%s\"", action)));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(
		psprintf("{\"installed\": %s, \"func_setup\": " INT64_FORMAT ", \"func_beg\": " INT64_FORMAT
				 ", \"func_end\": " INT64_FORMAT ", \"stmt_beg\": " INT64_FORMAT
				 ", \"stmt_end\": " INT64_FORMAT ", \"foreign_plugin_info\": " INT64_FORMAT
				 ", \"missing_helpers\": " INT64_FORMAT "}",
				 probe_installed ? "true" : "false", probe_counts[0], probe_counts[1],
				 probe_counts[2], probe_counts[3], probe_counts[4], probe_bad_info,
				 probe_no_helpers))));
}
