/*
 * test_udiff.c - tests of udiff(): exact output for the edge cases of the
 * format, then properties over random inputs: the diff applies (checked by
 * a strict in-process applier, by GNU patch and by git apply) and gives
 * back the new side, it is minimal, and its hunks follow the context rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_lib.h"
#include "udiff.h"

/* Assert that udiff(a -> b) returns want_rc and appends exactly want. */
static void expect_diff(const char *a, const char *b, unsigned ctx,
			const char *want)
{
	struct strbuf out = STRBUF_INIT;
	int rc = udiff(&out, "f", a, strlen(a), b, strlen(b), ctx);

	cr_assert_eq(rc, want[0] != '\0', "rc %d, expected %d, for a=\"%s\" b=\"%s\"", rc,
		     want[0] != '\0', a, b);
	cr_assert_eq(out.len, strlen(want), "got:\n%s\nwant:\n%s",
		     out.buf ? out.buf : "", want);
	if (out.len)
		cr_assert_str_eq(out.buf, want, "got:\n%s\nwant:\n%s", out.buf,
				 want);
	strbuf_release(&out);
}

#define HDR "--- a/f\n+++ b/f\n"
#define NL_MISSING "\\ No newline at end of file\n"
#define TEN "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"

Test(udiff, identical_appends_nothing)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_addstr(&out, "keep");
	assert_int_eq(udiff(&out, "f", TEN, strlen(TEN), TEN, strlen(TEN), 3), 0);
	assert_int_eq(udiff(&out, "f", "", 0, "", 0, 3), 0);
	assert_int_eq(udiff(&out, "f", NULL, 0, NULL, 0, 3), 0);
	assert_int_eq(udiff(&out, "f", "x", 1, "x", 1, 0), 0);
	assert_mem_str(out.buf, out.len, "keep");
	strbuf_release(&out);
}

Test(udiff, appends_to_existing_output)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_addstr(&out, "before\n");
	assert_int_eq(udiff(&out, "f", "x\n", 2, "y\n", 2, 3), 1);
	cr_assert_str_eq(out.buf, "before\n" HDR "@@ -1 +1 @@\n-x\n+y\n");
	strbuf_release(&out);
}

Test(udiff, change_in_middle)
{
	expect_diff(TEN, "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n", 3,
		    HDR "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

Test(udiff, insert_at_start)
{
	expect_diff(TEN, "0\n" TEN, 3, HDR "@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n");
}

Test(udiff, delete_at_end)
{
	expect_diff(TEN, "1\n2\n3\n4\n5\n6\n7\n8\n9\n", 3,
		    HDR "@@ -7,4 +7,3 @@\n 7\n 8\n 9\n-10\n");
}

Test(udiff, insert_into_empty_file)
{
	expect_diff("", "x\ny\n", 3, HDR "@@ -0,0 +1,2 @@\n+x\n+y\n");
	expect_diff("", "x\n", 3, HDR "@@ -0,0 +1 @@\n+x\n");
}

Test(udiff, delete_all_lines)
{
	expect_diff("x\ny\n", "", 3, HDR "@@ -1,2 +0,0 @@\n-x\n-y\n");
	expect_diff("x", "", 3, HDR "@@ -1 +0,0 @@\n-x\n" NL_MISSING);
}

Test(udiff, no_newline_old_side)
{
	expect_diff("1\n2\n3", "1\n2\n3\n", 3,
		    HDR "@@ -1,3 +1,3 @@\n 1\n 2\n-3\n" NL_MISSING "+3\n");
}

Test(udiff, no_newline_new_side)
{
	expect_diff("1\n2\n3\n", "1\n2\n3", 3,
		    HDR "@@ -1,3 +1,3 @@\n 1\n 2\n-3\n+3\n" NL_MISSING);
}

Test(udiff, no_newline_both_sides)
{
	expect_diff("1\n2\n3", "1\n2\n4", 3,
		    HDR "@@ -1,3 +1,3 @@\n 1\n 2\n-3\n" NL_MISSING
			"+4\n" NL_MISSING);
	/* An unchanged last line without newline is context. */
	expect_diff("1\n2\n3", "0\n2\n3", 3,
		    HDR "@@ -1,3 +1,3 @@\n-1\n+0\n 2\n 3\n" NL_MISSING);
	/* Appending to a line without newline rewrites it. */
	expect_diff("1\n2", "1\n2\n3", 3,
		    HDR "@@ -1,2 +1,3 @@\n 1\n-2\n" NL_MISSING "+2\n+3\n"
			NL_MISSING);
}

Test(udiff, crlf_lines)
{
	expect_diff("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", 3,
		    HDR "@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n");
	/* CRLF -> LF is a change; the \r is part of the line. */
	expect_diff("a\r\nb\r\n", "a\r\nb\n", 3,
		    HDR "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+b\n");
	expect_diff("a\r\nb\r", "a\r\nb\r\n", 1,
		    HDR "@@ -1,2 +1,2 @@\n a\r\n-b\r\n" NL_MISSING "+b\r\n");
}

/* Lines 1..20 with the lines in `chg` (a 0-terminated list) renamed. */
static char *twenty(const int *chg)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 1; i <= 20; i++) {
		const int *c;
		int changed = 0;

		for (c = chg; *c; c++)
			changed |= *c == i;
		strbuf_addf(&sb, changed ? "x%d\n" : "%d\n", i);
	}
	return strbuf_detach(&sb, NULL);
}

Test(udiff, gap_of_six_merges_hunks)
{
	static const int none[] = { 0 }, chg[] = { 5, 12, 0 };
	char *a = twenty(none), *b = twenty(chg);

	/* Unchanged lines 6..11 between the changes: 6 <= 2 * 3. */
	expect_diff(a, b, 3,
		    HDR "@@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+x5\n"
			" 6\n 7\n 8\n 9\n 10\n 11\n-12\n+x12\n 13\n 14\n 15\n");
	free(a);
	free(b);
}

Test(udiff, gap_of_seven_splits_hunks)
{
	static const int none[] = { 0 }, chg[] = { 5, 13, 0 };
	char *a = twenty(none), *b = twenty(chg);

	/* Unchanged lines 6..12 between the changes: 7 > 2 * 3. */
	expect_diff(a, b, 3,
		    HDR "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+x5\n 6\n 7\n 8\n"
			"@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+x13\n"
			" 14\n 15\n 16\n");
	free(a);
	free(b);
}

Test(udiff, count_of_one_omitted)
{
	expect_diff("x\n", "y\n", 3, HDR "@@ -1 +1 @@\n-x\n+y\n");
	expect_diff("x\n", "x\ny\n", 0, HDR "@@ -1,0 +2 @@\n+y\n");
	expect_diff(TEN, "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n", 0,
		    HDR "@@ -5 +5 @@\n-5\n+five\n");
	expect_diff("a\nb\n", "a\n", 1, HDR "@@ -1,2 +1 @@\n a\n-b\n");
}

Test(udiff, zero_context)
{
	/* An empty side names the line before the change. */
	expect_diff(TEN, "1\n2\nnew\n3\n4\n5\n6\n7\n8\n9\n10\n", 0,
		    HDR "@@ -2,0 +3 @@\n+new\n");
	expect_diff(TEN, "1\n2\n4\n5\n6\n7\n8\n9\n10\n", 0,
		    HDR "@@ -3 +2,0 @@\n-3\n");
	expect_diff(TEN, "0\n" TEN, 0, HDR "@@ -0,0 +1 @@\n+0\n");
	/* Adjacent lines are one group; one line apart, two hunks. */
	expect_diff("a\nb\nc\n", "A\nb\nC\n", 0,
		    HDR "@@ -1 +1 @@\n-a\n+A\n@@ -3 +3 @@\n-c\n+C\n");
}

Test(udiff, context_larger_than_file)
{
	expect_diff("a\nb\nc\n", "a\nB\nc\n", 100,
		    HDR "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	expect_diff("a\nb\nc\n", "a\nB\nc\n", (unsigned)-1,
		    HDR "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
}

Test(udiff, path_quoting)
{
	struct strbuf out = STRBUF_INIT;

	udiff(&out, "my file.yaml", "a\n", 2, "b\n", 2, 3);
	cr_assert_str_eq(out.buf, "--- a/my file.yaml\t\n+++ b/my file.yaml\t\n"
				  "@@ -1 +1 @@\n-a\n+b\n");
	strbuf_reset(&out);
	udiff(&out, "q\"t\\\t\303\251", "a\n", 2, "b\n", 2, 3);
	cr_assert_str_eq(out.buf, "--- \"a/q\\\"t\\\\\\t\\303\\251\"\n"
				  "+++ \"b/q\\\"t\\\\\\t\\303\\251\"\n"
				  "@@ -1 +1 @@\n-a\n+b\n");
	strbuf_release(&out);
}

/* --- properties --------------------------------------------------------- */

/* xorshift64*: a fixed sequence whatever the C library. */
static uint64_t rng_state = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

static const char *const vocab[] = {
	"a\n", "b\n", "c\n", "\n", "x\r\n", "  - name: web\n", "a", "b\r",
};

/* A random file of at most max_lines lines from a small vocabulary. */
static void random_file(struct strbuf *sb, unsigned max_lines, unsigned nvocab)
{
	unsigned i, n = rnd(max_lines + 1);

	strbuf_reset(sb);
	strbuf_grow(sb, 0);
	for (i = 0; i < n; i++)
		strbuf_addstr(sb, vocab[rnd(nvocab)]);
	if (sb->len && rnd(5) == 0)
		sb->len--; /* drop the final newline */
	sb->buf[sb->len] = '\0';
}

/* b: a with a few random line insertions, deletions and replacements. */
static void mutate(struct strbuf *b, const struct strbuf *a, unsigned nvocab)
{
	unsigned edits = rnd(5), e;

	strbuf_reset(b);
	strbuf_add(b, a->buf, a->len);
	for (e = 0; e < edits; e++) {
		size_t pos = 0, lines = 0, i, k, end;
		const char *text = rnd(3) ? vocab[rnd(nvocab)] : "new\n";

		for (i = 0; i < b->len; i++)
			lines += b->buf[i] == '\n';
		k = rnd((unsigned)lines + 1);
		for (i = 0; i < k; i++)
			pos = (size_t)((char *)memchr(b->buf + pos, '\n',
						      b->len - pos) -
				       b->buf) + 1;
		if (rnd(2) || pos == b->len) { /* insert before line k */
			struct strbuf t = STRBUF_INIT;

			strbuf_add(&t, b->buf, pos);
			strbuf_addstr(&t, text);
			strbuf_add(&t, b->buf + pos, b->len - pos);
			strbuf_release(b);
			*b = t;
			continue;
		}
		end = pos;
		while (end < b->len && b->buf[end++] != '\n')
			;
		memmove(b->buf + pos, b->buf + end, b->len - end);
		b->len -= end - pos;
		b->buf[b->len] = '\0';
	}
}

/* A line of a buffer: p[0, len). */
struct tline {
	const char *p;
	size_t len;
};

/* Split buf[0, len) into lines (keeping terminators) in *v; returns count. */
static size_t tsplit(const char *buf, size_t len, struct tline **v)
{
	size_t n = 0, alloc = 0, pos = 0;

	*v = NULL;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;

		ALLOC_GROW(*v, n + 1, alloc);
		(*v)[n].p = buf + pos;
		(*v)[n++].len = end - pos;
		pos = end;
	}
	return n;
}

static int tline_eq(struct tline x, struct tline y)
{
	return x.len == y.len && !memcmp(x.p, y.p, x.len);
}

/* Parse "-S[,N]" or "+S[,N]" at *s; 0 on success. */
static int parse_range(const char **s, char sign, size_t *start, size_t *count)
{
	char *end;

	if (**s != sign || (*s)[1] < '0' || (*s)[1] > '9')
		return -1;
	*start = strtoul(*s + 1, &end, 10);
	*count = 1;
	if (*end == ',') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		*count = strtoul(end + 1, &end, 10);
	}
	*s = end;
	return 0;
}

/*
 * Apply diff d (for path "f", made with `ctx` context lines) to a, strictly:
 * exact headers and line numbers, context and deleted lines matching a,
 * ctx context lines around each change except at the ends of a (so more
 * than 2*ctx unchanged lines between the changes of two hunks).  Appends
 * the result to res and returns NULL, or returns what is wrong.  *dels and
 * *adds count the changed lines.
 */
static const char *apply(const char *a, size_t alen, const char *d, size_t dlen,
			 size_t ctx, struct strbuf *res, size_t *dels,
			 size_t *adds)
{
	struct tline *al, *dl;
	size_t na = tsplit(a, alen, &al), nd = tsplit(d, dlen, &dl);
	size_t apos = 0, bpos = 0, k = 2;
	const char *err = NULL;

	*dels = *adds = 0;
	if (nd < 3 || !tline_eq(dl[0], (struct tline){ "--- a/f\n", 8 }) ||
	    !tline_eq(dl[1], (struct tline){ "+++ b/f\n", 8 })) {
		err = "bad file header";
		goto out;
	}
	while (k < nd) {
		const char *s = dl[k].p;
		size_t as, an, bs, bn, seen_a = 0, seen_b = 0, lead = 0,
				       trail = 0;
		int changed = 0;

		if (strncmp(s, "@@ ", 3)) {
			err = "expected a hunk header";
			goto out;
		}
		s += 3;
		if (parse_range(&s, '-', &as, &an) || *s++ != ' ' ||
		    parse_range(&s, '+', &bs, &bn) || strncmp(s, " @@\n", 4)) {
			err = "bad hunk header";
			goto out;
		}
		/* 0-based first line; a count of 0 names the line before. */
		as = an ? as - 1 : as;
		bs = bn ? bs - 1 : bs;
		/* Hunks closer than that would have been merged. */
		if (as < apos || (k > 2 && as == apos) ||
		    as - apos != bs - bpos || as + an > na) {
			err = "bad hunk position";
			goto out;
		}
		for (; apos < as; apos++, bpos++)
			strbuf_add(res, al[apos].p, al[apos].len);
		for (k++; k < nd && strchr(" -+", dl[k].p[0]); k++) {
			struct tline t = { dl[k].p + 1, dl[k].len - 1 };
			char mark = dl[k].p[0];

			if (k + 1 < nd &&
			    tline_eq(dl[k + 1], (struct tline){ NL_MISSING, 28 })) {
				t.len--;
				k++;
			}
			if (mark != '+') {
				if (apos >= na || !tline_eq(t, al[apos])) {
					err = "line does not match";
					goto out;
				}
				apos++;
				seen_a++;
			}
			if (mark != '-') {
				strbuf_add(res, t.p, t.len);
				bpos++;
				seen_b++;
			}
			if (mark == '-')
				++*dels;
			if (mark == '+')
				++*adds;
			if (mark == ' ' && !changed)
				lead++;
			trail = mark == ' ' ? trail + 1 : 0;
			changed |= mark != ' ';
		}
		if (seen_a != an || seen_b != bn || !changed) {
			err = "hunk counts do not match its body";
			goto out;
		}
		/* Fewer context lines only at the start or end of a. */
		if (lead > ctx || (lead < ctx && as > 0) || trail > ctx ||
		    (trail < ctx && apos < na)) {
			err = "wrong number of context lines";
			goto out;
		}
	}
	for (; apos < na; apos++)
		strbuf_add(res, al[apos].p, al[apos].len);
out:
	free(al);
	free(dl);
	return err;
}

/* Length of the longest common subsequence of the lines of a and b. */
static size_t lcs(const char *a, size_t alen, const char *b, size_t blen)
{
	struct tline *al, *bl;
	size_t na = tsplit(a, alen, &al), nb = tsplit(b, blen, &bl), i, j;
	size_t *t = xcalloc((na + 1) * (nb + 1), sizeof(*t)), r;

	for (i = 1; i <= na; i++)
		for (j = 1; j <= nb; j++)
			t[i * (nb + 1) + j] =
				tline_eq(al[i - 1], bl[j - 1]) ?
					t[(i - 1) * (nb + 1) + j - 1] + 1 :
				t[(i - 1) * (nb + 1) + j] > t[i * (nb + 1) + j - 1] ?
					t[(i - 1) * (nb + 1) + j] :
					t[i * (nb + 1) + j - 1];
	r = t[na * (nb + 1) + nb];
	free(t);
	free(al);
	free(bl);
	return r;
}

/* Number of lines of sb (the last one may lack its newline). */
static size_t count_lines(const struct strbuf *sb)
{
	size_t i, n = 0;

	for (i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n + (sb->len && sb->buf[sb->len - 1] != '\n');
}

/* Diff a -> b, check the return value, and that the diff applies to a. */
static void check_applies(const struct strbuf *a, const struct strbuf *b,
			  unsigned ctx, int minimal)
{
	struct strbuf d = STRBUF_INIT, res = STRBUF_INIT;
	int same = a->len == b->len && !memcmp(a->buf, b->buf, a->len);
	int rc = udiff(&d, "f", a->buf, a->len, b->buf, b->len, ctx);
	size_t dels, adds;
	const char *err;

	cr_assert_eq(rc, !same, "rc %d, expected %d", rc, !same);
	if (same) {
		cr_assert_eq(d.len, 0, "same sides, yet a diff:\n%.4000s", d.buf);
		return;
	}
	err = apply(a->buf, a->len, d.buf, d.len, ctx, &res, &dels, &adds);
	cr_assert_null(err, "%s; a:\n%.2000s\nb:\n%.2000s\ndiff -U%u:\n%.4000s",
		       err, a->buf, b->buf, ctx, d.buf);
	cr_assert(res.len == b->len &&
			  (!b->len || !memcmp(res.buf, b->buf, b->len)),
		  "patched a differs from b\na:\n%.2000s\nb:\n%.2000s\n"
		  "diff:\n%.4000s",
		  a->buf, b->buf, d.buf);
	if (minimal) {
		size_t common = lcs(a->buf, a->len, b->buf, b->len);
		size_t na = count_lines(a), nb = count_lines(b);

		cr_assert_eq(dels, na - common, "not minimal: %zu lines deleted, expected %zu:\n%.4000s", dels,
			     na - common, d.buf);
		cr_assert_eq(adds, nb - common, "not minimal: %zu lines added, expected %zu:\n%.4000s", adds,
			     nb - common, d.buf);
	}
	strbuf_release(&d);
	strbuf_release(&res);
}

Test(udiff, random_small_files_apply_and_are_minimal)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int i;

	rng_state = 20240601;
	for (i = 0; i < 3000; i++) {
		unsigned nvocab = 2 + rnd(ARRAY_SIZE(vocab) - 1);

		random_file(&a, 1 + rnd(30), nvocab);
		if (rnd(4))
			mutate(&b, &a, nvocab);
		else
			random_file(&b, 1 + rnd(30), nvocab);
		check_applies(&a, &b, rnd(5), 1);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

Test(udiff, random_large_rewrites_apply)
{
	/*
	 * Thousands of lines over a few distinct ones, shuffled apart: the
	 * edit distance exceeds the search budget, so this exercises the
	 * non-minimal split that bounds the running time.
	 */
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int i;

	rng_state = 7;
	for (i = 0; i < 6; i++) {
		random_file(&a, 6000, 3 + (unsigned)i % 4);
		random_file(&b, 6000, 3 + (unsigned)i % 4);
		check_applies(&a, &b, (unsigned)i % 4, 0);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

/* Lines "line N of a fairly long file" for N in [0, n), edited at `at`. */
static void numbered(struct strbuf *sb, size_t n, const size_t *at, size_t nat)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (k < nat && at[k] == i) {
			strbuf_addf(sb, "changed line %zu\n", i);
			if (k % 2)
				strbuf_addstr(sb, "inserted\n");
			k++;
			if (k % 3 == 0)
				continue; /* replaced line i */
		}
		strbuf_addf(sb, "line %zu of a fairly long file\n", i);
	}
}

Test(udiff, large_file_few_changes)
{
	static const size_t at[] = { 10,     19000,  50000,  77777,  100000,
				     123456, 150000, 170001, 199000, 199005 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, d = STRBUF_INIT;
	size_t hunks = 0, i;

	numbered(&a, 200000, NULL, 0);
	numbered(&b, 200000, at, ARRAY_SIZE(at));
	check_applies(&a, &b, 3, 0);
	assert_int_eq(udiff(&d, "f", a.buf, a.len, b.buf, b.len, 3), 1);
	for (i = 0; i + 3 < d.len; i++)
		hunks += !memcmp(d.buf + i, "\n@@ ", 4);
	/* The last two changes are close enough to share a hunk. */
	cr_assert_eq(hunks, 9, "%zu hunks, expected 9:\n%.4000s", hunks, d.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&d);
}

/* --- the real tools ------------------------------------------------------ */

/* Write buf[0, len) to dir/name. */
static void write_to(const char *dir, const char *name, const char *buf,
		     size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(buf, 1, len, f), len, "%s: short write: %s", path, strerror(errno));
	cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
	free(path);
}

/* Is dir/name exactly buf[0, len)? */
static int file_is(const char *dir, const char *name, const char *buf,
		   size_t len)
{
	char *path = xasprintf("%s/%s", dir, name), *got;
	size_t got_len;
	int ok = 0;

	if (!read_file(path, &got, &got_len)) {
		ok = got_len == len && !memcmp(got, buf, len);
		free(got);
	}
	free(path);
	return ok;
}

/* Run a shell command; its exit status, or -1. */
static int run(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Random cases with `ctx` lines of context, all in one patch (one file
 * each: f000, f001, ...) so that the tools run once per batch: GNU patch
 * and git apply must both turn every a into its b.
 *
 * With zero context git apply needs --unidiff-zero, and then it gets one
 * case wrong even with git's own diffs: deleting a last line without
 * newline ("x\na\na" -> "x\na\n", "@@ -3 +2,0 @@") also eats the newline
 * before it.  So there we only ask git apply --check.
 */
#define GIT_APPLY "git -c core.autocrlf=false apply --whitespace=nowarn"

static void tools_batch(unsigned ctx, unsigned ncases)
{
	char tmpl[] = "/tmp/test_udiff.XXXXXX";
	char *dir = mkdtemp(tmpl), *cmd;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, d = STRBUF_INIT;
	struct strbuf *want = xcalloc(ncases, sizeof(*want));
	char name[16];
	unsigned i;
	int patch_rc, git_rc, ok;

	cr_assert_not_null(dir, "mkdtemp: %s", strerror(errno));
	cmd = xasprintf("mkdir %s/p %s/g && git -C %s/g init -q", dir, dir, dir);
	cr_assert_eq(run(cmd), 0, "%s failed", cmd);
	free(cmd);
	for (i = 0; i < ncases; i++) {
		unsigned nvocab = 2 + rnd(ARRAY_SIZE(vocab) - 1);
		char *sub;

		random_file(&a, 1 + rnd(25), nvocab);
		if (rnd(4))
			mutate(&b, &a, nvocab);
		else
			random_file(&b, 1 + rnd(25), nvocab);
		snprintf(name, sizeof(name), "f%03u", i);
		udiff(&d, name, a.buf, a.len, b.buf, b.len, ctx);
		sub = xasprintf("%s/p", dir);
		write_to(sub, name, a.buf, a.len);
		free(sub);
		sub = xasprintf("%s/g", dir);
		write_to(sub, name, a.buf, a.len);
		free(sub);
		strbuf_add(&want[i], b.buf, b.len);
		strbuf_grow(&want[i], 0);
	}
	write_to(dir, "all.diff", d.buf, d.len);

	cmd = xasprintf("cd %s/p && patch -p1 -s -f --no-backup-if-mismatch "
			"< ../all.diff", dir);
	patch_rc = run(cmd);
	free(cmd);
	if (ctx)
		cmd = xasprintf("cd %s/g && %s --check ../all.diff && "
				"%s ../all.diff", dir, GIT_APPLY, GIT_APPLY);
	else
		cmd = xasprintf("cd %s/g && %s --check --unidiff-zero "
				"../all.diff", dir, GIT_APPLY);
	git_rc = run(cmd);
	free(cmd);
	cr_expect_eq(patch_rc, 0, "patch rejected %s/all.diff", dir);
	cr_expect_eq(git_rc, 0, "git apply rejected %s/all.diff", dir);
	ok = !patch_rc && !git_rc;
	for (i = 0; i < ncases; i++) {
		char *p = xasprintf("%s/p", dir), *g = xasprintf("%s/g", dir);
		int p_ok, g_ok;

		snprintf(name, sizeof(name), "f%03u", i);
		p_ok = file_is(p, name, want[i].buf, want[i].len);
		g_ok = !ctx || file_is(g, name, want[i].buf, want[i].len);
		cr_expect(p_ok, "patch: %s/p/%s is not the expected result",
			  dir, name);
		cr_expect(g_ok, "git apply: %s/g/%s is not the expected result",
			  dir, name);
		ok &= p_ok && g_ok;
		free(p);
		free(g);
		strbuf_release(&want[i]);
	}
	/* Keep the directory for inspection when something failed. */
	if (ok) {
		cmd = xasprintf("rm -rf %s", dir);
		run(cmd);
		free(cmd);
	}
	free(want);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&d);
}

Test(udiff, random_diffs_apply_with_patch_and_git)
{
	if (run("command -v patch >/dev/null 2>&1 && "
		"command -v git >/dev/null 2>&1") != 0)
		cr_skip_test("patch or git not installed");
	rng_state = 4242;
	tools_batch(3, 150);
	tools_batch(1, 100);
	tools_batch(0, 100);
}
