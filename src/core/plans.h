/*-------------------------------------------------------------------------
 *
 * plans.h
 *	  Plan capture (src/core/plans.c): the executor hooks installed by
 *	  _PG_init and tas_bench.capture_plans().
 *
 * IDENTIFICATION
 *	  src/core/plans.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_PLANS_H
#define TB_PLANS_H

extern void tb_plans_init(void);

#endif							/* TB_PLANS_H */
