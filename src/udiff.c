/*
 * udiff.c - line diff of two byte buffers, printed as a git-style unified
 * diff (see udiff.h for the output contract).
 *
 * Design.  The inputs may be large (a 100 MB manifest dump) while the edits
 * are usually few, so every step is linear in the input except the Myers
 * search, which is O((N+M) D) for D changed lines:
 *
 *  1. Trim the common head and tail at byte level (memcmp speed), backing
 *     off to line boundaries, and keep only `context` lines of each around
 *     the middle: only that region is ever split into lines.
 *  2. Give every middle line an equivalence class: FNV-1a hash first, then
 *     length and memcmp, in one open-addressing table for both sides, so
 *     that the search compares integers.
 *  3. Lines whose class never occurs on the other side cannot be part of a
 *     common subsequence: mark them changed up front and leave them out of
 *     the search (as git's xdiff does).  The diff stays minimal, and two
 *     unrelated files cost O(N) instead of O(N^2).
 *  4. Myers' O(ND) algorithm in linear space: find the "middle snake" by
 *     searching forward and backward at once, then divide and conquer.  We
 *     recurse into the smaller half and loop on the larger, so the stack
 *     depth is O(log N).  Like git (and GNU diff) we give up on optimality
 *     when a split costs more than about sqrt(N) edits (at least 256) and
 *     split at the furthest-reaching point instead: the diff stays correct,
 *     only perhaps not minimal, and the worst case stays far from
 *     quadratic.
 *  5. Walk the change flags, group changes into hunks (gaps of at most
 *     2*context unchanged lines are merged, git's rule) and print.
 *
 * All index ranges are half-open: [off, lim).
 */
#include "udiff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this many edits per split we always search for the optimum. */
#define MIN_MAX_COST 256

/* One region of a buffer split into lines: line i is buf[off[i], off[i+1]). */
struct lines {
	const char *buf;
	size_t *off;  /* n + 1 entries */
	size_t n;
	char *chg;    /* n change flags */
};

/* State of the Myers search over the class sequences of both sides. */
struct myers {
	const size_t *a, *b;   /* class ids of the lines searched */
	const size_t *amap;    /* index in a -> line index in the region */
	const size_t *bmap;
	char *achg, *bchg;     /* change flags of the regions */
	ptrdiff_t *fv, *bv;    /* furthest x per diagonal k = x - y */
	ptrdiff_t max_cost;
};

/* Equivalence classes of lines: an open-addressing table of classes. */
struct classes {
	uint64_t *hash;        /* per slot */
	size_t *rep;           /* per slot: 0 if empty, else 1 + ref of a line */
	unsigned char *seen;   /* per slot: bit s set if side s has the class */
	size_t mask;
	const struct lines *side[2];
};

/* 64-bit FNV-1a of p[0, len). */
static uint64_t fnv1a(const char *p, size_t len)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* Count the lines of buf[0, len); the last one may lack its newline. */
static size_t count_lines(const char *buf, size_t len)
{
	size_t pos = 0, n = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		pos = nl ? (size_t)(nl - buf) + 1 : len;
		n++;
	}
	return n;
}

/* Split buf[0, len) into l: offsets of every line, no change flagged yet. */
static void split_lines(struct lines *l, const char *buf, size_t len)
{
	size_t pos = 0, n = 0;

	l->buf = buf;
	l->n = count_lines(buf, len);
	l->off = xmalloc((l->n + 1) * sizeof(*l->off));
	l->chg = xcalloc(l->n ? l->n : 1, 1);
	l->off[0] = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		pos = nl ? (size_t)(nl - buf) + 1 : len;
		l->off[++n] = pos;
	}
}

/* Release what split_lines() allocated. */
static void free_lines(struct lines *l)
{
	free(l->off);
	free(l->chg);
}

/* Start of line i of l, and its length through *len. */
static const char *line_at(const struct lines *l, size_t i, size_t *len)
{
	*len = l->off[i + 1] - l->off[i];
	return l->buf + l->off[i];
}

/* Are line i of x and line j of y the same bytes? */
static bool lines_equal(const struct lines *x, size_t i, const struct lines *y,
			size_t j)
{
	size_t xlen, ylen;
	const char *xp = line_at(x, i, &xlen), *yp = line_at(y, j, &ylen);

	return xlen == ylen && !memcmp(xp, yp, xlen);
}

/* Prepare an empty class table for up to `lines` distinct lines. */
static void classes_init(struct classes *c, size_t lines,
			 const struct lines *a, const struct lines *b)
{
	size_t cap = 16;

	if (lines > SIZE_MAX / 8)
		die("diff input too large");
	while (cap < 2 * lines)
		cap *= 2;
	c->hash = xmalloc(cap * sizeof(*c->hash));
	c->rep = xcalloc(cap, sizeof(*c->rep));
	c->seen = xcalloc(cap, 1);
	c->mask = cap - 1;
	c->side[0] = a;
	c->side[1] = b;
}

/* Release the class table. */
static void classes_release(struct classes *c)
{
	free(c->hash);
	free(c->rep);
	free(c->seen);
}

/*
 * Store in cls[0, lim - off) the class (a table slot) of each line in
 * [off, lim) of side s, adding new classes as needed.
 */
static void classify(struct classes *c, int s, size_t off, size_t lim,
		     size_t *cls)
{
	const struct lines *l = c->side[s];
	size_t i;

	for (i = off; i < lim; i++) {
		size_t len;
		const char *p = line_at(l, i, &len);
		uint64_t h = fnv1a(p, len);
		size_t slot = (size_t)(h ^ (h >> 32)) & c->mask;

		while (c->rep[slot]) {
			size_t ref = c->rep[slot] - 1;

			if (c->hash[slot] == h &&
			    lines_equal(c->side[ref & 1], ref >> 1, l, i))
				break;
			slot = (slot + 1) & c->mask;
		}
		if (!c->rep[slot]) {
			c->hash[slot] = h;
			c->rep[slot] = (i << 1 | (size_t)s) + 1;
		}
		c->seen[slot] |= (unsigned char)(1u << s);
		cls[i - off] = slot;
	}
}

/*
 * Keep in cls (compacted in place) only the lines whose class also occurs
 * on the other side, recording their region line index in map[]; flag the
 * others as changed.  cls[k] is the class of region line off + k.  Returns
 * the number of lines kept.
 */
static size_t discard_unique(const struct classes *c, int s, size_t *cls,
			     size_t n, size_t off, size_t *map, char *chg)
{
	unsigned char other = (unsigned char)(1u << (1 - s));
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		if (c->seen[cls[i]] & other) {
			cls[kept] = cls[i];
			map[kept++] = off + i;
		} else {
			chg[off + i] = 1;
		}
	}
	return kept;
}

/* A rough square root: a power of two within a factor of two of sqrt(n). */
static ptrdiff_t bogo_sqrt(ptrdiff_t n)
{
	ptrdiff_t r = 1;

	for (; n > 0; n >>= 2)
		r <<= 1;
	return r;
}

/*
 * The search of split() is too expensive: pick as split point the point
 * that got furthest from its corner (by x + y), of the forward diagonals
 * [fmin, fmax] or the backward ones [bmin, bmax], clipped into the box.
 * Forward points lie past (xoff, yoff) and backward ones before (xlim,
 * ylim); should the best one be the other corner, take the other search's.
 */
static void furthest(const struct myers *m, ptrdiff_t fmin, ptrdiff_t fmax,
		     ptrdiff_t bmin, ptrdiff_t bmax, ptrdiff_t xoff,
		     ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim,
		     ptrdiff_t *xmid, ptrdiff_t *ymid)
{
	ptrdiff_t fx = xoff, fsum = -1, bx = xlim, bsum = -1, k, x;
	bool use_f;
	int tries;

	for (k = fmax; k >= fmin; k -= 2) {
		x = m->fv[k] < xlim ? m->fv[k] : xlim;
		if (x - k > ylim)
			x = ylim + k;
		if (fsum < 0 || 2 * x - k > fsum) {
			fsum = 2 * x - k;
			fx = x;
		}
	}
	for (k = bmax; k >= bmin; k -= 2) {
		x = m->bv[k] > xoff ? m->bv[k] : xoff;
		if (x - k < yoff)
			x = yoff + k;
		if (bsum < 0 || 2 * x - k < bsum) {
			bsum = 2 * x - k;
			bx = x;
		}
	}
	use_f = (xlim + ylim) - bsum < fsum - (xoff + yoff);
	for (tries = 0; tries < 2; tries++, use_f = !use_f) {
		*xmid = use_f ? fx : bx;
		*ymid = use_f ? fsum - fx : bsum - bx;
		if (!(*xmid == xoff && *ymid == yoff) &&
		    !(*xmid == xlim && *ymid == ylim))
			break;
	}
}

/*
 * Find a point (*xmid, *ymid) where to split the box [xoff, xlim) x
 * [yoff, ylim) of the edit graph: on a shortest edit path (the middle
 * snake), or after max_cost edits the furthest-reaching point found.  The
 * box must be non-empty in both directions with differing first and last
 * lines; the point is then inside the box and neither of its corners.
 *
 * fv[k] is the furthest x reached on diagonal k = x - y by the forward
 * search from (xoff, yoff), bv[k] the smallest x reached by the backward
 * search from (xlim, ylim).  Each step widens the diagonal range by one on
 * each side (clipped to the box) and puts a sentinel just outside it.
 */
static void split(const struct myers *m, ptrdiff_t xoff, ptrdiff_t xlim,
		  ptrdiff_t yoff, ptrdiff_t ylim, ptrdiff_t *xmid,
		  ptrdiff_t *ymid)
{
	const size_t *a = m->a, *b = m->b;
	ptrdiff_t *fv = m->fv, *bv = m->bv;
	ptrdiff_t dmin = xoff - ylim, dmax = xlim - yoff;
	ptrdiff_t fmid = xoff - yoff, bmid = xlim - ylim;
	ptrdiff_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	bool odd = (fmid - bmid) % 2 != 0;
	ptrdiff_t cost, k, x, y;

	fv[fmid] = xoff;
	bv[bmid] = xlim;
	for (cost = 1;; cost++) {
		if (fmin > dmin)
			fv[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			fv[++fmax + 1] = -1;
		else
			--fmax;
		for (k = fmax; k >= fmin; k -= 2) {
			x = fv[k - 1] >= fv[k + 1] ? fv[k - 1] + 1 : fv[k + 1];
			y = x - k;
			while (x < xlim && y < ylim && a[x] == b[y]) {
				x++;
				y++;
			}
			fv[k] = x;
			if (odd && bmin <= k && k <= bmax && bv[k] <= x) {
				*xmid = x;
				*ymid = y;
				return;
			}
		}

		if (bmin > dmin)
			bv[--bmin - 1] = PTRDIFF_MAX;
		else
			++bmin;
		if (bmax < dmax)
			bv[++bmax + 1] = PTRDIFF_MAX;
		else
			--bmax;
		for (k = bmax; k >= bmin; k -= 2) {
			x = bv[k - 1] < bv[k + 1] ? bv[k - 1] : bv[k + 1] - 1;
			y = x - k;
			while (x > xoff && y > yoff && a[x - 1] == b[y - 1]) {
				x--;
				y--;
			}
			bv[k] = x;
			if (!odd && fmin <= k && k <= fmax && x <= fv[k]) {
				*xmid = x;
				*ymid = y;
				return;
			}
		}

		if (cost >= m->max_cost) {
			furthest(m, fmin, fmax, bmin, bmax, xoff, xlim, yoff,
				 ylim, xmid, ymid);
			return;
		}
	}
}

/*
 * Flag as changed what a shortest (or, past max_cost, a short) edit script
 * from a[xoff, xlim) to b[yoff, ylim) deletes and inserts.
 */
static void compare(const struct myers *m, ptrdiff_t xoff, ptrdiff_t xlim,
		    ptrdiff_t yoff, ptrdiff_t ylim)
{
	for (;;) {
		ptrdiff_t xmid, ymid;

		while (xoff < xlim && yoff < ylim && m->a[xoff] == m->b[yoff]) {
			xoff++;
			yoff++;
		}
		while (xoff < xlim && yoff < ylim &&
		       m->a[xlim - 1] == m->b[ylim - 1]) {
			xlim--;
			ylim--;
		}
		if (xoff == xlim || yoff == ylim) {
			for (; xoff < xlim; xoff++)
				m->achg[m->amap[xoff]] = 1;
			for (; yoff < ylim; yoff++)
				m->bchg[m->bmap[yoff]] = 1;
			return;
		}
		split(m, xoff, xlim, yoff, ylim, &xmid, &ymid);
		/* Both halves must be smaller, or we would never finish. */
		BUG_ON(xmid < xoff || xmid > xlim || ymid < yoff || ymid > ylim);
		BUG_ON((xmid == xoff && ymid == yoff) ||
		       (xmid == xlim && ymid == ylim));
		/* Recurse into the smaller half, so the depth is O(log N). */
		if ((xmid - xoff) + (ymid - yoff) <=
		    (xlim - xmid) + (ylim - ymid)) {
			compare(m, xoff, xmid, yoff, ymid);
			xoff = xmid;
			yoff = ymid;
		} else {
			compare(m, xmid, xlim, ymid, ylim);
			xlim = xmid;
			ylim = ymid;
		}
	}
}

/*
 * Flag the changed lines of a->chg and b->chg, looking only at the lines
 * [off, a->n - tail) and [off, b->n - tail); the others are equal.
 */
static void diff_lines(struct lines *a, struct lines *b, size_t off,
		       size_t tail)
{
	size_t na = a->n - tail - off, nb = b->n - tail - off;
	size_t *acls = xmalloc((na ? na : 1) * sizeof(*acls));
	size_t *bcls = xmalloc((nb ? nb : 1) * sizeof(*bcls));
	size_t *amap = xmalloc((na ? na : 1) * sizeof(*amap));
	size_t *bmap = xmalloc((nb ? nb : 1) * sizeof(*bmap));
	struct classes c;
	struct myers m;
	ptrdiff_t *kv;

	classes_init(&c, na + nb, a, b);
	classify(&c, 0, off, off + na, acls);
	classify(&c, 1, off, off + nb, bcls);
	na = discard_unique(&c, 0, acls, na, off, amap, a->chg);
	nb = discard_unique(&c, 1, bcls, nb, off, bmap, b->chg);
	classes_release(&c);

	if ((na | nb) > PTRDIFF_MAX / 4)
		die("diff input too large");
	kv = xmalloc(2 * (na + nb + 3) * sizeof(*kv));
	m.a = acls;
	m.b = bcls;
	m.amap = amap;
	m.bmap = bmap;
	m.achg = a->chg;
	m.bchg = b->chg;
	/* Diagonals run from -nb to na; one sentinel beyond each end. */
	m.fv = kv + nb + 1;
	m.bv = kv + (na + nb + 3) + nb + 1;
	m.max_cost = bogo_sqrt((ptrdiff_t)(na + nb + 3));
	if (m.max_cost < MIN_MAX_COST)
		m.max_cost = MIN_MAX_COST;
	compare(&m, 0, (ptrdiff_t)na, 0, (ptrdiff_t)nb);

	free(kv);
	free(acls);
	free(bcls);
	free(amap);
	free(bmap);
}

/*
 * A run of changes: lines [i0, i1) of a replaced by lines [j0, j1) of b,
 * with unchanged lines (or the end) on both sides of it.
 */
struct group {
	size_t i0, i1, j0, j1;
};

/* Find the first change group at or after line i of a and j of b. */
static bool next_group(const struct lines *a, const struct lines *b, size_t i,
		       size_t j, struct group *g)
{
	while (i < a->n && j < b->n && !a->chg[i] && !b->chg[j]) {
		i++;
		j++;
	}
	if (i == a->n && j == b->n)
		return false;
	g->i0 = i;
	g->j0 = j;
	while (i < a->n && a->chg[i])
		i++;
	while (j < b->n && b->chg[j])
		j++;
	g->i1 = i;
	g->j1 = j;
	/* Unchanged lines pair up, so a group is never empty. */
	BUG_ON(i == g->i0 && j == g->j0);
	return true;
}

/*
 * Append "-s,n" (sign '-') or "+s,n" for the `count` lines from line
 * `start` (0-based) of a region whose first line is line base + 1.
 */
static void emit_range(struct strbuf *out, char sign, size_t base,
		       size_t start, size_t count)
{
	if (count == 1)
		strbuf_addf(out, "%c%zu", sign, base + start + 1);
	else if (count == 0)
		strbuf_addf(out, "%c%zu,0", sign, base + start);
	else
		strbuf_addf(out, "%c%zu,%zu", sign, base + start + 1, count);
}

/* Append line i of l after `mark`, flagging a missing final newline. */
static void emit_line(struct strbuf *out, char mark, const struct lines *l,
		      size_t i)
{
	size_t len;
	const char *p = line_at(l, i, &len);

	strbuf_addch(out, mark);
	strbuf_add(out, p, len);
	if (p[len - 1] != '\n')
		strbuf_addstr(out, "\n\\ No newline at end of file\n");
}

/*
 * Append the header line "--- PREFIXPATH" (mark "---") the way git writes
 * it: C-quoted in double quotes when the path has control characters, '"',
 * '\\' or non-ASCII bytes, and followed by a tab when it has a space.
 */
static void emit_label(struct strbuf *out, const char *mark, const char *prefix,
		       const char *path)
{
	static const char esc[] = "\a\b\t\n\v\f\r\"\\";
	static const char letter[] = "abtnvfr\"\\";
	const unsigned char *p;
	bool quote = false;
	size_t start;

	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			quote = true;

	strbuf_addstr(out, mark);
	strbuf_addch(out, ' ');
	start = out->len;
	if (quote)
		strbuf_addch(out, '"');
	strbuf_addstr(out, prefix);
	for (p = (const unsigned char *)path; *p; p++) {
		const char *e = strchr(esc, *p);

		if (!quote || (*p >= 0x20 && *p < 0x7f && !e)) {
			strbuf_addch(out, (char)*p);
		} else if (e) {
			strbuf_addch(out, '\\');
			strbuf_addch(out, letter[e - esc]);
		} else {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)('0' + (*p >> 6)));
			strbuf_addch(out, (char)('0' + ((*p >> 3) & 7)));
			strbuf_addch(out, (char)('0' + (*p & 7)));
		}
	}
	if (quote)
		strbuf_addch(out, '"');
	if (memchr(out->buf + start, ' ', out->len - start))
		strbuf_addch(out, '\t');
	strbuf_addch(out, '\n');
}

/*
 * Append the hunks of the flagged changes of a and b; their regions start
 * after `base` lines of each file.  Hunks are separated by more than
 * 2*context unchanged lines.
 */
static void emit_hunks(struct strbuf *out, const struct lines *a,
		       const struct lines *b, size_t base, size_t context)
{
	struct group g, first, last;
	bool more = next_group(a, b, 0, 0, &g);

	BUG_ON(!more);
	while (more) {
		size_t pre, post, i, j, iend, jend;

		first = last = g;
		while ((more = next_group(a, b, last.i1, last.j1, &g))) {
			size_t gap = g.i0 - last.i1;

			if (gap > context && gap - context > context)
				break;
			last = g;
		}
		/*
		 * Before the first group and after the last one the unchanged
		 * lines pair up to the ends; between hunks there are more
		 * than 2*context of them.
		 */
		pre = first.i0 < context ? first.i0 : context;
		post = a->n - last.i1 < context ? a->n - last.i1 : context;
		i = first.i0 - pre;
		j = first.j0 - pre;
		iend = last.i1 + post;
		jend = last.j1 + post;

		strbuf_addstr(out, "@@ ");
		emit_range(out, '-', base, i, iend - i);
		strbuf_addch(out, ' ');
		emit_range(out, '+', base, j, jend - j);
		strbuf_addstr(out, " @@\n");
		while (i < iend || j < jend) {
			if ((i < iend && a->chg[i]) || (j < jend && b->chg[j])) {
				while (i < iend && a->chg[i])
					emit_line(out, '-', a, i++);
				while (j < jend && b->chg[j])
					emit_line(out, '+', b, j++);
				continue;
			}
			BUG_ON(i >= iend || j >= jend || !lines_equal(a, i, b, j));
			emit_line(out, ' ', a, i);
			i++;
			j++;
		}
	}
}

/* Length of the common prefix of a[0, n) and b[0, n), memcmp by blocks. */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t p = 0;

	while (n - p >= 4096 && !memcmp(a + p, b + p, 4096))
		p += 4096;
	while (p < n && a[p] == b[p])
		p++;
	return p;
}

/* Length of the common suffix of a[0, alen) and b[0, blen), at most n. */
static size_t common_suffix(const char *a, size_t alen, const char *b,
			    size_t blen, size_t n)
{
	size_t s = 0;

	while (n - s >= 4096 &&
	       !memcmp(a + alen - s - 4096, b + blen - s - 4096, 4096))
		s += 4096;
	while (s < n && a[alen - 1 - s] == b[blen - 1 - s])
		s++;
	return s;
}

int udiff(struct strbuf *out, const char *path, const char *a, size_t alen,
	  const char *b, size_t blen, unsigned context)
{
	struct lines la, lb;
	size_t min = alen < blen ? alen : blen;
	size_t p, h, s, ta, tb, r0, ra1, rb1, base, head, tail;

	BUG_ON((!a && alen) || (!b && blen) || !path);
	if (!a)
		a = "";
	if (!b)
		b = "";
	if (alen == blen && !memcmp(a, b, alen))
		return 0;

	/* Common head: the whole lines before the first differing byte. */
	p = common_prefix(a, b, min);
	for (h = p; h > 0 && a[h - 1] != '\n'; h--)
		;
	/* Common tail: whole lines after the last one, not overlapping h. */
	s = common_suffix(a, alen, b, blen, min - h);
	ta = alen - s;
	tb = blen - s;
	while (ta < alen && !((ta == 0 || a[ta - 1] == '\n') &&
			      (tb == 0 || b[tb - 1] == '\n'))) {
		ta++;
		tb++;
	}

	/* Keep up to `context` lines of the head and of the tail. */
	r0 = h;
	for (head = 0; head < context && r0 > 0; head++)
		for (r0--; r0 > 0 && a[r0 - 1] != '\n'; r0--)
			;
	ra1 = ta;
	for (tail = 0; tail < context && ra1 < alen; tail++) {
		const char *nl = memchr(a + ra1, '\n', alen - ra1);

		ra1 = nl ? (size_t)(nl - a) + 1 : alen;
	}
	rb1 = tb + (ra1 - ta);
	base = count_lines(a, r0);

	split_lines(&la, a + r0, ra1 - r0);
	split_lines(&lb, b + r0, rb1 - r0);
	diff_lines(&la, &lb, head, tail);

	emit_label(out, "---", "a/", path);
	emit_label(out, "+++", "b/", path);
	emit_hunks(out, &la, &lb, base, context);

	free_lines(&la);
	free_lines(&lb);
	return 1;
}
