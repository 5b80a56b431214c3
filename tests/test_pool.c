/*
 * test_pool.c - the parallel for loop (every index once, on any number of
 * threads, the first function before the loop on the calling thread) and
 * the line table behind findings (source.h), against naive versions.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <string.h>

#include "pool.h"
#include "source.h"
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
				cr_assert_eq(atomic_load(&c.hits[i]), 1, "jobs %u, n %zu, item %zu", jobs, n, i);
			cr_assert_eq(atomic_load(&c.bad_worker), 0);
			pool_for_and(jobs, n, count, &c, first, &c);
			cr_assert_eq(atomic_load(&c.first_done), 1);
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(atomic_load(&c.hits[i]), 2, "jobs %u, n %zu, item %zu", jobs, n, i);
			free(c.hits);
		}
	}
	cr_assert_geq(pool_cores(), 1);
}

/* A buffer of lines of varied lengths and endings. */
static char *lines(size_t nlines, bool crlf, bool final, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nlines; i++) {
		strbuf_addchars(&sb, 'a' + (char)(i % 26), (i * 7) % 13);
		if (i + 1 < nlines || final)
			strbuf_addstr(&sb, crlf ? "\r\n" : "\n");
	}
	if (!sb.buf)
		strbuf_add(&sb, "", 0);
	return strbuf_detach(&sb, len);
}

Test(source, line_table_matches_a_naive_scan)
{
	for (int variant = 0; variant < 8; variant++) {
		size_t nl = variant < 2 ? (size_t)variant : 50 + 97 * (size_t)variant, len;
		char *buf = lines(nl, variant & 1, variant & 2, &len);
		struct source src;
		size_t line = 1, ls = 0;

		source_init_borrow(&src, "x", buf, len);
		cr_assert_eq(src.crlf, (variant & 1) && nl > 1);
		for (size_t off = 0; off <= len; off++) {
			unsigned l, c;
			size_t want_start = ls, want_end;
			const char *nlp;

			/* a line starts after each line break but the last byte's */
			source_linecol(&src, off, &l, &c);
			cr_assert_eq(l, line, "variant %d, offset %zu: line %u, want %zu", variant, off, l, line);
			cr_assert_eq(c, off - ls + 1, "variant %d, offset %zu", variant, off);
			cr_assert_eq(source_line_start(&src, off), want_start, "variant %d, offset %zu", variant, off);
			nlp = off < len ? memchr(buf + off, '\n', len - off) : NULL;
			want_end = nlp ? (size_t)(nlp - buf) + 1 : len;
			cr_assert_eq(source_line_end(&src, off), want_end, "variant %d, offset %zu", variant, off);
			if (off < len && buf[off] == '\n' && off + 1 < len) {
				line++;
				ls = off + 1;
			}
		}
		source_release(&src);
		free(buf);
	}
}
