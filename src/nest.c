/*
 * nest.c - the nesting depth of YAML text without parsing it (see nest.h).
 *
 * A line at a time in block context: its indentation closes the block
 * collections that start in deeper columns, then its tokens open new ones
 * ("- " a sequence, "? " or a key a mapping, at their columns) until a
 * value ends the line.  A flow collection, a quoted scalar or a block
 * scalar header hands over to a scanner of its own, which may cross lines;
 * the line then goes on where that one stopped.  The rules are libyaml's
 * and libfyaml's scanner's: a plain scalar continues on a line indented
 * more than its collection (until a comment line), a block scalar holds
 * every line indented at least as its first one (or as its indentation
 * indicator says), a quote opens a quoted scalar only where a token may
 * start.
 */
#include "nest.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

#define CAP (NEST_MAX_DEPTH + 2)

struct nest {
	const char *p;
	size_t end;
	size_t i;		/* where the scan is */
	size_t ls, le;		/* the current line: its start, its '\n' (or end) */
	size_t max;		/* the limit */
	size_t deepest;
	size_t err;		/* offset of the collection too deep, or SIZE_MAX */
	long bcol[CAP];		/* open block collections: column, kind */
	char bkind[CAP];	/* 'S' sequence, 'M' mapping */
	size_t nb;
	char fkind[CAP];	/* open flow collections: '[', '{', or 'p', the */
	size_t nf;		/* single-pair mapping of "[a: b]" */
	bool bs;		/* in a block scalar */
	long bs_parent;		/* the column of its collection (-1: none) */
	long bs_indent;		/* of its content, -1 until its first line */
	bool plain;		/* the last line ended in a plain scalar */
};

static size_t line_end(const struct nest *n, size_t i)
{
	const char *nl = i < n->end ? memchr(n->p + i, '\n', n->end - i) : NULL;

	return nl ? (size_t)(nl - n->p) : n->end;
}

static void new_line(struct nest *n, size_t ls)
{
	n->ls = ls;
	n->le = line_end(n, ls);
}

/* Is p[i] a space, a tab, a line break, or past the end? */
static bool blank_at(const struct nest *n, size_t i)
{
	return i >= n->end || n->p[i] == ' ' || n->p[i] == '\t' || n->p[i] == '\r' || n->p[i] == '\n';
}

static bool flow_indicator(char c)
{
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

/* One more level, opened at off: false when it is one too many. */
static bool deeper(struct nest *n, size_t off)
{
	size_t depth = n->nb + n->nf + 1;

	if (depth > n->deepest)
		n->deepest = depth;
	if (depth > n->max || depth >= CAP) {
		if (n->err == SIZE_MAX)
			n->err = off;
		return false;
	}
	return true;
}

static long top_col(const struct nest *n)
{
	return n->nb ? n->bcol[n->nb - 1] : -1;
}

static void block_open(struct nest *n, char kind, long col, size_t off)
{
	if (!deeper(n, off))
		return;
	n->bcol[n->nb] = col;
	n->bkind[n->nb++] = kind;
}

/* "- " at col: an item of the sequence there, or of a new one. */
static void block_seq(struct nest *n, long col, size_t off)
{
	if (!n->nb || n->bkind[n->nb - 1] != 'S' || n->bcol[n->nb - 1] != col)
		block_open(n, 'S', col, off);
}

/* A key at col: of the mapping there, or of a new one. */
static void block_map(struct nest *n, long col, size_t off)
{
	/* "a:\n- x\nb: y": the sequence in the column of its key ends */
	if (n->nb && n->bkind[n->nb - 1] == 'S' && n->bcol[n->nb - 1] == col)
		n->nb--;
	if (!n->nb || n->bkind[n->nb - 1] != 'M' || n->bcol[n->nb - 1] != col)
		block_open(n, 'M', col, off);
}

/* The quoted scalar at i: the offset after its closing quote (the line
 * it ends on becomes the current one). */
static size_t quoted(struct nest *n, size_t i)
{
	const char *p = n->p, *q, *nl;
	size_t from = i;

	for (i++;; i = (size_t)(q - p) + 1) {
		size_t b = 0;

		if (!(q = memchr(p + i, p[from], n->end - i))) {
			i = n->end;
			break;
		}
		/* '' in single quotes, \" in double quotes: not the end */
		if (p[from] == '\'' && q + 1 < p + n->end && q[1] == '\'') {
			q++;
			continue;
		}
		while (p[from] == '"' && q - b - 1 > p + from && q[-(ptrdiff_t)b - 1] == '\\')
			b++;
		if (b % 2 == 0) {
			i = (size_t)(q - p) + 1;
			break;
		}
	}
	if (i > n->le && (nl = memrchr(p + from, '\n', i - from)))
		new_line(n, (size_t)(nl - p) + 1);
	return i;
}

/* An anchor, a tag or an alias at i: where it ends (in flow context, a
 * flow indicator ends it too). */
static size_t property(const struct nest *n, size_t i)
{
	while (!blank_at(n, i) && !flow_indicator(n->p[i]))
		i++;
	return i;
}

/* The flow indicator c at i (a bracket, a brace or a comma). */
static void flow_indicator_at(struct nest *n, char c, size_t i)
{
	if (c == '[' || c == '{') {
		if (deeper(n, i))
			n->fkind[n->nf++] = c;
		return;
	}
	if (n->nf && n->fkind[n->nf - 1] == 'p')
		n->nf--;	/* the end of a single-pair mapping */
	if (c != ',' && n->nf)
		n->nf--;
}

/*
 * The flow collection at i, to the bracket that closes it (crossing
 * lines): the offset after it.  In a plain scalar, quotes are text and a
 * line break does not end it; ": " (or ':' after a quoted scalar or a
 * collection) is a value, which makes an item of a sequence a mapping.
 */
static size_t flow(struct nest *n, size_t i)
{
	size_t base = n->nf;
	bool plain = false, blank = true, json = false;

	do {
		char c = n->p[i];

		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			if (c == '\n')
				new_line(n, i + 1);
			blank = true;
			i++;
			continue;
		}
		if (c == '#' && blank) {
			i = n->le;
			continue;
		}
		blank = false;
		/* json: after a quoted scalar or a collection, where ':' is a
		 * value even without a space ("JSON like":adjacent) */
		if (flow_indicator(c)) {
			plain = false;
			json = c == ']' || c == '}';
			flow_indicator_at(n, c, i++);
			continue;
		}
		if (c == ':' && (json || blank_at(n, i + 1) || flow_indicator(n->p[i + 1]))) {
			plain = false;
			if (n->nf && n->fkind[n->nf - 1] == '[' && deeper(n, i))
				n->fkind[n->nf++] = 'p';
			i++;
		} else if (plain) {
			i++;
		} else if (c == '"' || c == '\'') {
			i = quoted(n, i);
			json = true;
			continue;
		} else if (c == '&' || c == '!' || c == '*') {
			i = property(n, i);
		} else {
			plain = true;	/* ":x" too: a plain scalar */
			i++;
		}
		json = false;
	} while (i < n->end && n->nf > base && n->err == SIZE_MAX);
	return i;
}

/*
 * A plain scalar at i on the current line: the offset of the ':' that
 * makes it a key, or SIZE_MAX (a value; a comment ends it).
 */
static size_t key_colon(const struct nest *n, size_t i)
{
	const char *p = n->p, *c = p + i, *h;

	while ((c = memchr(c, ':', (size_t)(p + n->le - c))) && !blank_at(n, (size_t)(c - p) + 1))
		c++;
	/* " #" before it starts a comment */
	for (h = p + i; c && (h = memchr(h, '#', (size_t)(c - h))); h++)
		if (h[-1] == ' ' || h[-1] == '\t')
			return SIZE_MAX;
	return c ? (size_t)(c - p) : SIZE_MAX;
}

/* The header of a block scalar at i ('|' or '>'): its content follows. */
static void block_scalar(struct nest *n, size_t i)
{
	long k = 0;

	for (i++; i < n->le && (n->p[i] == '+' || n->p[i] == '-' || (n->p[i] >= '1' && n->p[i] <= '9')); i++)
		if (n->p[i] != '+' && n->p[i] != '-')
			k = n->p[i] - '0';
	n->bs = true;
	n->bs_parent = top_col(n);
	n->bs_indent = !k ? -1 : n->bs_parent >= 0 ? n->bs_parent + k : k;
}

/* After a flow collection or a quoted scalar that started at start, in
 * column col: is it a key?  Then i is moved past the ':'. */
static bool node_is_key(struct nest *n, size_t *i, size_t start_ls, long col, size_t start)
{
	size_t k = *i;

	while (k < n->le && (n->p[k] == ' ' || n->p[k] == '\t'))
		k++;
	if (n->ls != start_ls || k >= n->le || n->p[k] != ':' || !blank_at(n, k + 1))
		return false;
	block_map(n, col, start);
	*i = k + 1;
	return true;
}

/*
 * The tokens of the line from i: indicators and keys open collections,
 * a value ends the line (after ": ", value says so: no more keys).
 */
static void tokens(struct nest *n, size_t i, bool value)
{
	long node = -1;		/* the column of the properties before a node */

	while (n->err == SIZE_MAX) {
		size_t start, sl;
		long col;
		char c;

		while (i < n->le && (n->p[i] == ' ' || n->p[i] == '\t' || n->p[i] == '\r'))
			i++;
		if (i >= n->le || n->p[i] == '#')
			break;
		c = n->p[i];
		col = node >= 0 ? node : (long)(i - n->ls);
		start = i;
		sl = n->ls;
		if ((c == '-' || c == '?' || c == ':') && blank_at(n, i + 1)) {
			/* an explicit ':' is followed by a node as '?' and '-'
			 * are, a compact sequence included */
			if (value && c != ':')
				break;	/* "key: - a": not YAML */
			if (c == '-')
				block_seq(n, col, i);
			else if (!value)
				block_map(n, col, i);
			i++;
			node = -1;
		} else if (c == '[' || c == '{' || c == '"' || c == '\'' || c == '*') {
			i = c == '[' || c == '{' ? flow(n, i) : c == '*' ? property(n, i) : quoted(n, i);
			if (value || !node_is_key(n, &i, sl, col, start))
				break;
			value = true;
			node = -1;
		} else if (c == '|' || c == '>') {
			block_scalar(n, i);
			break;
		} else if (c == '&' || c == '!') {
			node = col;
			while (i < n->le && !blank_at(n, i))
				i++;
		} else {
			size_t k = value ? SIZE_MAX : key_colon(n, i);

			if (k == SIZE_MAX) {
				n->plain = true;
				break;
			}
			block_map(n, col, start);
			value = true;
			node = -1;
			i = k + 1;
		}
	}
	n->i = n->le + 1;
}

/* A "---" or "..." line at ls? */
static bool marker(const struct nest *n, size_t ls, char c)
{
	return ls + 3 <= n->le && n->p[ls] == c && n->p[ls + 1] == c && n->p[ls + 2] == c &&
	       blank_at(n, ls + 3);
}

/* The current line's indentation (its leading spaces); *first is where
 * its text starts after any spaces, tabs and carriage returns (n->le on a
 * blank line). */
static long line_indent(const struct nest *n, size_t *first)
{
	size_t i = n->ls;
	long indent;

	while (i < n->le && n->p[i] == ' ')
		i++;
	indent = (long)(i - n->ls);
	while (i < n->le && (n->p[i] == ' ' || n->p[i] == '\t' || n->p[i] == '\r'))
		i++;
	*first = i;
	return indent;
}

/* A line of the block scalar being read: true when it belongs to it. */
static bool block_scalar_line(struct nest *n)
{
	size_t i;
	long indent = line_indent(n, &i);

	if (i >= n->le)
		return true;	/* blank */
	if (!indent && (marker(n, n->ls, '-') || marker(n, n->ls, '.')))
		return n->bs = false;
	if (n->bs_indent < 0 && indent > n->bs_parent)
		n->bs_indent = indent;
	return indent >= n->bs_indent && n->bs_indent >= 0 ? true : (n->bs = false);
}

/* A line in block context. */
static void block_line(struct nest *n)
{
	size_t i, k;
	long indent = line_indent(n, &i);

	if (i >= n->le || n->p[i] == '#') {
		if (i < n->le)
			n->plain = false;	/* a comment ends a plain scalar */
		n->i = n->le + 1;
		return;
	}
	if (!indent && (marker(n, n->ls, '-') || marker(n, n->ls, '.') || n->p[i] == '%')) {
		n->nb = 0;
		n->plain = false;
		if (n->p[i] == '-')
			tokens(n, n->ls + 3, true);	/* "--- |", "--- [a]" */
		n->i = n->le + 1;
		return;
	}
	if (n->plain && indent > top_col(n)) {
		/* the plain scalar goes on (a ": " in it is an error: what
		 * follows is read as a value all the same) */
		if ((k = key_colon(n, i)) != SIZE_MAX)
			tokens(n, k + 1, true);
		n->i = n->le + 1;
		return;
	}
	n->plain = false;
	while (n->nb && n->bcol[n->nb - 1] > indent)
		n->nb--;
	tokens(n, i, false);
}

static size_t scan(struct nest *n, const char *buf, size_t start, size_t end, size_t max)
{
	memset(n, 0, sizeof(*n));
	n->p = buf;
	n->end = end;
	n->max = max < NEST_MAX_DEPTH ? max : NEST_MAX_DEPTH;
	n->err = SIZE_MAX;
	n->i = start;
	/* a byte order mark is not text of the first line */
	if (start == 0 && end >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		n->i = 3;
	while (n->i < end && n->err == SIZE_MAX) {
		new_line(n, n->i);
		if (n->bs && block_scalar_line(n)) {
			n->i = n->le + 1;
			continue;
		}
		block_line(n);
	}
	return n->err;
}

int nest_check(const char *buf, size_t start, size_t end, size_t max_depth, size_t *off)
{
	struct nest n;

	if ((*off = scan(&n, buf, start, end, max_depth)) == SIZE_MAX)
		return 0;
	return -1;
}

size_t nest_depth(const char *buf, size_t start, size_t end)
{
	struct nest n;

	scan(&n, buf, start, end, NEST_MAX_DEPTH);
	return n.deepest;
}
