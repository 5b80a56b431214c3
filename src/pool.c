/*
 * pool.c - a parallel for loop over pthreads (see pool.h).
 *
 * A fatal error (util.h) in a worker thread cannot jump to the caller's
 * recovery point, which is on another thread's stack: when the caller has
 * one, each worker sets its own, stops the loop, and the caller raises
 * the first worker's error again once every thread has joined.  When the
 * caller has none, neither do the workers: the error ends the process
 * where it happened.
 */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct pool {
	pool_fn *fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
	bool recoverable;	/* the caller has a recovery point */
	atomic_bool failed;	/* a worker met a fatal error: stop */
	struct recover err;	/* the first one (its msg and bug) */
};

struct worker {
	struct pool *pool;
	unsigned id;
	pthread_t tid;
};

static void loop(struct worker *w)
{
	struct pool *p = w->pool;
	size_t i;

	while (!atomic_load_explicit(&p->failed, memory_order_relaxed) &&
	       (i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->ctx, i, w->id);
}

/* Keep the first error; the join publishes it to the caller. */
static void failed(struct pool *p, const struct recover *rc)
{
	if (atomic_exchange(&p->failed, true))
		return;
	p->err.bug = rc->bug;
	memcpy(p->err.msg, rc->msg, sizeof(p->err.msg));
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct recover rc;

	if (!w->pool->recoverable) {
		loop(w);
		return NULL;
	}
	recover_push(&rc);
	if (setjmp(rc.jb)) {
		failed(w->pool, &rc);
		return NULL;
	}
	loop(w);
	recover_pop(&rc);
	return NULL;
}

/* The calling thread: first(), then its share of the loop. */
static void work_first(struct worker *w, void (*first)(void *), void *first_ctx)
{
	struct recover rc;

	if (!w->pool->recoverable) {
		if (first)
			first(first_ctx);
		loop(w);
		return;
	}
	recover_push(&rc);
	if (setjmp(rc.jb)) {
		failed(w->pool, &rc);
		return;
	}
	if (first)
		first(first_ctx);
	loop(w);
	recover_pop(&rc);
}

void pool_for(unsigned jobs, size_t n, pool_fn *fn, void *ctx)
{
	pool_for_and(jobs, n, fn, ctx, NULL, NULL);
}

void pool_for_and(unsigned jobs, size_t n, pool_fn *fn, void *ctx, void (*first)(void *),
		  void *first_ctx)
{
	struct pool p = { .fn = fn, .ctx = ctx, .n = n, .recoverable = recover_current() != NULL };
	struct worker *w;
	unsigned started = 1;

	if (jobs > n + (first != NULL))
		jobs = (unsigned)(n + (first != NULL));
	if (jobs <= 1) {
		/* one thread: an error goes straight to the caller's point */
		if (first)
			first(first_ctx);
		for (size_t i = 0; i < n; i++)
			fn(ctx, i, 0);
		return;
	}
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, false);
	w = xcalloc(jobs, sizeof(*w));
	for (unsigned k = 0; k < jobs; k++) {
		w[k].pool = &p;
		w[k].id = k;
	}
	for (unsigned k = 1; k < jobs; k++)
		if (!pthread_create(&w[k].tid, NULL, work, &w[k]))
			started = k + 1;
		else
			break;	/* no more threads: the others do the work */
	work_first(&w[0], first, first_ctx);
	for (unsigned k = 1; k < started; k++)
		pthread_join(w[k].tid, NULL);
	free(w);
	if (atomic_load(&p.failed))
		recover_raise(p.err.msg, p.err.bug);
}

unsigned pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}
