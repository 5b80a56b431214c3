/*
 * pool.h - run a function over the indices 0..n-1 on several threads.
 *
 *   pool_for(jobs, n, fn, ctx);   // fn(ctx, i, worker) for every i < n
 *
 * The calling thread is worker 0 and jobs - 1 threads join it; indices are
 * handed out one at a time from a shared counter, so uneven items balance.
 * With jobs <= 1 (or n <= 1) everything runs on the calling thread, in
 * order.  fn must only touch what item i owns, or what is read-only while
 * the pool runs; per-worker state is indexed by worker (< jobs).
 *
 * A fatal error (die(), BUG_ON; util.h) in fn or first stops the loop: no
 * new index is handed out, the threads join, and the error is raised again
 * on the calling thread (to its recovery point; see pool.c).
 */
#ifndef STSIFY_POOL_H
#define STSIFY_POOL_H

#include <stddef.h>

typedef void pool_fn(void *ctx, size_t i, unsigned worker);

void pool_for(unsigned jobs, size_t n, pool_fn *fn, void *ctx);
/* The same, but the calling thread runs first(first_ctx) before it joins
 * the loop: work that must run alone overlaps with the loop. */
void pool_for_and(unsigned jobs, size_t n, pool_fn *fn, void *ctx, void (*first)(void *),
		  void *first_ctx);

/* The number of online processors (at least 1). */
unsigned pool_cores(void);

#endif
