/*-------------------------------------------------------------------------
 *
 * samples.h
 *	  The sample store (src/core/samples.c): a run's timed calls kept as
 *	  delta-encoded blocks in tas_bench.sample_blocks, read through the view
 *	  tas_bench.samples.
 *
 * IDENTIFICATION
 *	  src/core/samples.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TB_SAMPLES_H
#define TB_SAMPLES_H

#include "postgres.h"

/* samples per stored block (and per bench_commit write-out chunk) */
#define TB_SAMPLE_BLOCK 50000

/*
 * Store samples first_seq .. first_seq + count - 1 of run run_id: ns[i],
 * rows[i] and prow[i] (the 1-based parameter row; 0 stores NULL) are call
 * first_seq + i.  Written in blocks of TB_SAMPLE_BLOCK, one INSERT each,
 * after checking (and key-share locking) that the run exists and that no
 * stored block overlaps the range.  bookkeeping: as the extension owner
 * (the harness); otherwise as the current role (direct writes).  The caller
 * has connected SPI.
 */
extern void tb_samples_write(int64 run_id, int32 first_seq, int count,
							 const int64 *ns, const int32 *prow, const int64 *rows,
							 bool bookkeeping);

#endif							/* TB_SAMPLES_H */
