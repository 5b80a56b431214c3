/*
 * test_util.c - the helpers every module uses (util.c): struct strbuf,
 * the allocation wrappers, ALLOC_GROW, the hash index (struct hidx) and
 * reading a whole file or descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_lib.h"
#include "util.h"

Test(util, strbuf_add_and_invariants)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_null(sb.buf, "STRBUF_INIT has a buffer");
	strbuf_add(&sb, "a\0b", 3);
	assert_size_eq(sb.len, 3);
	cr_assert(!memcmp(sb.buf, "a\0b", 4), "NUL bytes, then the terminating NUL, not kept");
	strbuf_addstr(&sb, "cd");
	strbuf_addch(&sb, 'e');
	strbuf_addchars(&sb, '-', 3);
	assert_mem_str(sb.buf + 3, sb.len - 3, "cde---");
	cr_assert_eq(sb.buf[sb.len], '\0', "buf[len] is 0x%02x", (unsigned char)sb.buf[sb.len]);
	strbuf_reset(&sb);
	assert_mem_str(sb.buf, sb.len, "");
	strbuf_addf(&sb, "%s=%d", "x", 42);
	assert_str_eq(sb.buf, "x=42", "strbuf_addf");
	strbuf_release(&sb);
	cr_assert(!sb.buf && !sb.len && !sb.alloc, "strbuf_release() left buf %p, len %zu, alloc %zu",
		  (void *)sb.buf, sb.len, sb.alloc);
}

/* formatted text longer than the first guess of 64 bytes */
Test(util, strbuf_addf_grows)
{
	struct strbuf sb = STRBUF_INIT;
	char *big = xmalloc(5001), *s;

	memset(big, 'x', 5000);
	big[5000] = '\0';
	strbuf_addstr(&sb, "<");
	strbuf_addf(&sb, "%s|%s", big, "end");
	assert_size_eq(sb.len, 1 + 5000 + 4);
	assert_str_eq(sb.buf + sb.len - 5, "x|end", "the end of the text");
	s = xasprintf("%.3s:%zu", big, (size_t)5000);
	assert_str_eq(s, "xxx:5000", "xasprintf");
	free(s);
	free(big);
	strbuf_release(&sb);
}

Test(util, strbuf_detach)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *p = strbuf_detach(&sb, &len);

	/* an empty buffer still gives a string to free */
	cr_assert_not_null(p, "strbuf_detach() of an empty buffer");
	assert_str_eq(p, "", "an empty buffer detached");
	assert_size_eq(len, 0);
	free(p);
	strbuf_addstr(&sb, "abc");
	p = strbuf_detach(&sb, &len);
	assert_mem_str(p, len, "abc");
	cr_assert(!sb.buf && !sb.len, "the strbuf is not empty after strbuf_detach()");
	free(p);
}

Test(util, strings_and_arrays)
{
	char *s = xstrndup("abcdef", 3);
	int *a = NULL;
	size_t n = 0, alloc = 0;

	assert_str_eq(s, "abc", "xstrndup");
	free(s);
	s = xstrdup("");
	assert_str_eq(s, "", "xstrdup of \"\"");
	free(s);
	for (int i = 0; i < 1000; i++) {
		ALLOC_GROW(a, n + 1, alloc);
		a[n++] = i;
	}
	cr_assert_geq(alloc, n, "alloc %zu < n %zu", alloc, n);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(a[i], i, "a[%d] is %d", i, a[i]);
	ALLOC_GROW(a, 5000, alloc);
	cr_assert_geq(alloc, 5000, "ALLOC_GROW to 5000 gave %zu", alloc);
	free(a);
}

/* The items under hv, in order, as "i,j,k". */
static char *chain(const struct hidx *h, uint64_t hv)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "");
	for (size_t i = hidx_first(h, hv); i != HIDX_NONE; i = hidx_next(h, i))
		strbuf_addf(&sb, "%s%zu", sb.len ? "," : "", i);
	return strbuf_detach(&sb, NULL);
}

Test(util, hidx_chains_keep_the_order)
{
	struct hidx h = HIDX_INIT;
	char *c;

	assert_size_eq(hidx_first(&h, 42), HIDX_NONE);
	hidx_add(&h, 7, 3);
	hidx_add(&h, 9, 0);
	hidx_add(&h, 7, 1);
	hidx_add(&h, 7, 10);
	c = chain(&h, 7);
	assert_str_eq(c, "3,1,10", "the items under hash 7");
	free(c);
	c = chain(&h, 9);
	assert_str_eq(c, "0", "the items under hash 9");
	free(c);
	assert_size_eq(hidx_first(&h, 8), HIDX_NONE);
	hidx_release(&h);
	assert_size_eq(hidx_first(&h, 7), HIDX_NONE);
}

/* growing the table keeps every chain */
Test(util, hidx_many_items)
{
	struct hidx h = HIDX_INIT;
	char name[32];

	for (size_t i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "k%zu", i % 5000);
		hidx_add(&h, hash_str(HASH_INIT, name), i);
	}
	for (size_t k = 0; k < 5000; k += 123) {
		size_t want = k, got = 0;

		snprintf(name, sizeof(name), "k%zu", k);
		for (size_t i = hidx_first(&h, hash_str(HASH_INIT, name)); i != HIDX_NONE; i = hidx_next(&h, i)) {
			cr_assert_eq(i, want, "%s: item %zu, expected %zu", name, i, want);
			want += 5000;
			got++;
		}
		cr_assert_eq(got, 4, "%s: %zu items, expected 4", name, got);
	}
	hidx_release(&h);
}

Test(util, hash_str)
{
	uint64_t a = hash_str(HASH_INIT, "Service"), b = hash_str(HASH_INIT, "Servicf");

	cr_assert_eq(a, hash_str(HASH_INIT, "Service"), "the same string hashes differently");
	cr_assert_neq(a, b, "\"Service\" and \"Servicf\" hash the same");
	/* chained hashes tell apart where one string ends and the next starts */
	cr_assert_neq(hash_str(hash_str(HASH_INIT, "ab"), "c"), hash_str(hash_str(HASH_INIT, "a"), "bc"),
		      "(\"ab\", \"c\") and (\"a\", \"bc\") hash the same");
	cr_assert_neq(hash_ptr(&a), hash_ptr(&b), "two pointers hash the same");
}

Test(util, read_file)
{
	char *dir = tmpdir_make(), *path, *buf = NULL;
	size_t len = 99;

	file_write(dir, "a.yaml", "a: 1\n");
	file_write(dir, "empty.yaml", "");
	path = xasprintf("%s/a.yaml", dir);
	assert_int_eq(read_file(path, &buf, &len), 0);
	assert_mem_str(buf, len, "a: 1\n");
	cr_assert_eq(buf[len], '\0', "no NUL after the bytes read");
	free(buf);
	free(path);
	path = xasprintf("%s/empty.yaml", dir);
	assert_int_eq(read_file(path, &buf, &len), 0);
	cr_assert(buf && len == 0 && !*buf, "an empty file: buf %p, len %zu", (void *)buf, len);
	free(buf);
	free(path);
	path = xasprintf("%s/missing.yaml", dir);
	errno = 0;
	assert_int_eq(read_file(path, &buf, &len), -1);
	cr_assert_eq(errno, ENOENT, "errno %d (%s), expected ENOENT", errno, strerror(errno));
	free(path);
	/* a folder opens, and reading it fails */
	errno = 0;
	assert_int_eq(read_file(dir, &buf, &len), -1);
	cr_assert_neq(errno, 0, "a folder: -1 without errno");
	tmpdir_remove(dir);
}

struct writer {
	int fd;
	size_t n;
};

static void *write_pipe(void *arg)
{
	struct writer *w = arg;
	char block[4096];

	for (size_t i = 0; i < w->n; i += sizeof(block)) {
		size_t k = w->n - i < sizeof(block) ? w->n - i : sizeof(block);

		for (size_t j = 0; j < k; j++)
			block[j] = (char)('a' + (i + j) % 23);
		if (write(w->fd, block, k) != (ssize_t)k)
			break;
	}
	close(w->fd);
	return NULL;
}

/* a pipe is read as it comes, past the first 64 KiB */
Test(util, read_fd_of_a_pipe)
{
	int p[2];
	struct writer w;
	pthread_t t;
	char *buf;
	size_t len;

	cr_assert_eq(pipe(p), 0, "pipe: %s", strerror(errno));
	w.fd = p[1];
	w.n = 300000;
	cr_assert_eq(pthread_create(&t, NULL, write_pipe, &w), 0, "pthread_create failed");
	assert_int_eq(read_fd(p[0], &buf, &len), 0);
	pthread_join(t, NULL);
	assert_size_eq(len, 300000);
	for (size_t i = 0; i < len; i += 997)
		cr_assert_eq(buf[i], (char)('a' + i % 23), "byte %zu is '%c'", i, buf[i]);
	free(buf);
}
