/*-------------------------------------------------------------------------
 *
 * plans.h
 *	  Plan capture (src/core/plans.c): the executor hooks installed by
 *	  _PG_init, tas_bench.capture_plans() and tas_bench.plan_tree(), and the
 *	  plan tree of one call for the plan check of tas_bench.expect().
 *
 * IDENTIFICATION
 *	  src/core/plans.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_PLANS_H
#define TB_PLANS_H

#include "postgres.h"

#include "nodes/pg_list.h"

extern void tb_plans_init(void);

/*
 * The plan tree of one call of sql with the first row of params_sql (NULL:
 * no parameters, loaded by tb_params_load as a timed run loads them) under
 * search_path (NULL: the caller's): the statement's plan and the plan of
 * every statement executed inside it, as EXPLAIN (COSTS OFF) text lines
 * (char *, allocated in cxt), each statement headed by its text and
 * indented by its nesting level.  The call runs in a subtransaction that is
 * rolled back, with generic plans pinned.  who names the caller in errors.
 * The caller has connected SPI.
 */
extern List *tb_plan_tree(const char *who, const char *sql, const char *params_sql,
						  const char *search_path, MemoryContext cxt);

/*
 * plan_cache_mode = force_generic_plan on a GUC nest level, unless the
 * session set a mode other than auto; undone by tb_plans_unpin (LIFO with
 * other nest levels).
 */
extern int	tb_plans_pin_generic(void);
extern void tb_plans_unpin(int nest);

#endif							/* TB_PLANS_H */
