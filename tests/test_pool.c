/*
 * test_pool.c - the parallel for loop: every index once, on any number of
 * threads, the first function before the loop on the calling thread.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <string.h>

#include "pool.h"
#include "util.h"

struct counts {
	atomic_int *hits;
	unsigned jobs;
	atomic_int bad_worker;
	atomic_int before;	/* items run before first() returned */
	atomic_int first_done;
};

static void count(void *arg, size_t i, unsigned w)
{
	struct counts *c = arg;

	atomic_fetch_add(&c->hits[i], 1);
	if (w >= c->jobs)
		atomic_fetch_add(&c->bad_worker, 1);
}

static void first(void *arg)
{
	struct counts *c = arg;

	atomic_store(&c->first_done, 1);
}

Test(pool, every_index_once)
{
	for (unsigned jobs = 1; jobs <= 5; jobs++) {
		for (size_t n = 0; n < 300; n += 37) {
			struct counts c = { xcalloc(n + 1, sizeof(atomic_int)), jobs, 0, 0, 0 };

			pool_for(jobs, n, count, &c);
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(atomic_load(&c.hits[i]), 1, "jobs %u, n %zu, item %zu: run %d times, expected once",
					     jobs, n, i, atomic_load(&c.hits[i]));
			cr_assert_eq(atomic_load(&c.bad_worker), 0, "jobs %u, n %zu: %d items on a worker number >= jobs",
				     jobs, n, atomic_load(&c.bad_worker));
			pool_for_and(jobs, n, count, &c, first, &c);
			cr_assert_eq(atomic_load(&c.first_done), 1, "jobs %u, n %zu: first() was not run", jobs, n);
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(atomic_load(&c.hits[i]), 2, "jobs %u, n %zu, item %zu: run %d times in all, expected twice",
					     jobs, n, i, atomic_load(&c.hits[i]));
			free(c.hits);
		}
	}
	cr_assert_geq(pool_cores(), 1, "pool_cores() is %u", pool_cores());
}
