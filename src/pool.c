/*
 * pool.c - a parallel for loop over pthreads (see pool.h).
 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>

#include "util.h"

struct pool {
	pool_fn *fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
};

struct worker {
	struct pool *pool;
	unsigned id;
	pthread_t tid;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->ctx, i, w->id);
	return NULL;
}

void pool_for(unsigned jobs, size_t n, pool_fn *fn, void *ctx)
{
	pool_for_and(jobs, n, fn, ctx, NULL, NULL);
}

void pool_for_and(unsigned jobs, size_t n, pool_fn *fn, void *ctx, void (*first)(void *),
		  void *first_ctx)
{
	struct pool p = { .fn = fn, .ctx = ctx, .n = n };
	struct worker *w;
	unsigned started = 1;

	if (jobs > n + (first != NULL))
		jobs = (unsigned)(n + (first != NULL));
	if (jobs <= 1) {
		if (first)
			first(first_ctx);
		for (size_t i = 0; i < n; i++)
			fn(ctx, i, 0);
		return;
	}
	atomic_init(&p.next, 0);
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
	if (first)
		first(first_ctx);
	work(&w[0]);
	for (unsigned k = 1; k < started; k++)
		pthread_join(w[k].tid, NULL);
	free(w);
}

unsigned pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}
