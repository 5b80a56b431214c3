/*
 * lower.c - plan operations -> text edits (see lower.h).
 */
#include "lower.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "plan.h"
#include "render.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

struct lctx {
	const struct plan *p;
	size_t in;
	const size_t *ops;	/* the operations considered: p->op[ops[i]], in order */
	size_t nops;
	const struct source *src;
	const struct ystream *ys;
	struct edits *ed;
	struct style *st;	/* per document, detected on first use */
	bool *st_done;
	size_t bad_dep;
	enum code code;
	char *why;
};

static int fail(struct lctx *l, size_t dep, const char *fmt, ...) ATTR_PRINTF(3, 4);

static int fail(struct lctx *l, size_t dep, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	l->bad_dep = dep;
	l->code = CODE_UNSUPPORTED_LAYOUT;
	l->why = strbuf_detach(&sb, NULL);
	return -1;
}

/* The first anchored node of n whose range [prop, end) an edit cuts into. */
static const struct ynode *anchor_hit(const struct ynode *n, size_t start, size_t end)
{
	if (!n || end < n->prop || start > n->end)
		return NULL;
	if (n->anchored && start < n->end && end > n->prop)
		return n;
	for (size_t i = 0; i < n->nkid; i++) {
		const struct ynode *h = anchor_hit(n->kid[i], start, end);

		if (h)
			return h;
	}
	return NULL;
}

/* The first document that ends after off (documents are in order). */
static size_t doc_after(const struct ystream *ys, size_t off)
{
	size_t lo = 0, hi = ys->ndoc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ys->doc[mid].end > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * An edit that cuts into an anchored node changes its aliases too.  The
 * documents with anchors are checked in order, the edits of each in the
 * order they were made; only documents an edit touches are visited.
 */
static int check_anchors(struct lctx *l)
{
	size_t nd = l->ys->ndoc, *docs = NULL, ndocs = 0, adocs = 0;
	int ret = 0;

	for (size_t i = 0; i < l->ed->n; i++) {
		const struct edit *e = &l->ed->e[i];

		for (size_t d = doc_after(l->ys, e->start); d < nd && l->ys->doc[d].start <= e->end; d++) {
			if (!l->ys->doc[d].has_alias || e->end < l->ys->doc[d].start ||
			    e->start >= l->ys->doc[d].end)
				continue;
			ALLOC_GROW(docs, ndocs + 1, adocs);
			docs[ndocs++] = d;
		}
	}
	if (ndocs)
		qsort(docs, ndocs, sizeof(*docs), cmp_size);
	for (size_t k = 0; k < ndocs && !ret; k++) {
		const struct ydoc *doc = &l->ys->doc[docs[k]];

		if (k && docs[k] == docs[k - 1])
			continue;
		for (size_t i = 0; i < l->ed->n; i++) {
			const struct edit *e = &l->ed->e[i];
			const struct ynode *h;

			if (e->end < doc->start || e->start >= doc->end)
				continue;
			if ((h = anchor_hit(doc->root, e->start, e->end))) {
				fail(l, e->dep, "an edit would change anchored node at byte %zu and every alias of it",
				     (size_t)h->prop);
				l->code = CODE_UNSUPPORTED_ALIAS;
				ret = -1;
				break;
			}
		}
	}
	free(docs);
	return ret;
}

static const struct style *doc_style(struct lctx *l, size_t doc)
{
	if (!l->st_done[doc]) {
		style_detect(&l->st[doc], l->src, &l->ys->doc[doc]);
		l->st_done[doc] = true;
	}
	return &l->st[doc];
}

/* Offset just past the line holding the last byte before off. */
static size_t line_end_after(const struct source *src, size_t off)
{
	if (off > 0 && src->buf[off - 1] == '\n')
		return off;
	return source_line_end(src, off);
}

/* Only blanks between the start of the line and off? */
static bool line_blank_before(const struct source *src, size_t off)
{
	for (size_t i = source_line_start(src, off); i < off; i++)
		if (src->buf[i] != ' ' && src->buf[i] != '\t')
			return false;
	return true;
}

/*
 * The comment lines directly above a line (no blank line between, at the
 * same column as the entry) describe that entry: they go with it.
 */
static size_t comment_block_start(const struct source *src, size_t ls, unsigned col)
{
	while (ls > 0) {
		size_t prev = source_line_start(src, ls - 1), p = prev;

		while (p < ls && (src->buf[p] == ' ' || src->buf[p] == '\t'))
			p++;
		if (p >= ls || src->buf[p] != '#' || p - prev != col)
			break;
		ls = prev;
	}
	return ls;
}

/*
 * Insert whole lines at off (a line start).  At the end of a file without a
 * final newline, the new lines go after a line break and the file still
 * ends without one.
 */
static void insert_lines(struct lctx *l, size_t off, struct strbuf *text, size_t dep)
{
	const struct source *src = l->src;

	if (off == src->len && src->len && src->buf[src->len - 1] != '\n') {
		struct strbuf t = STRBUF_INIT;
		size_t eol = strlen(source_eol(src));

		strbuf_addstr(&t, source_eol(src));
		strbuf_add(&t, text->buf, text->len >= eol ? text->len - eol : text->len);
		edits_add(l->ed, off, off, t.buf, t.len, dep);
		strbuf_release(&t);
		return;
	}
	edits_add(l->ed, off, off, text->buf, text->len, dep);
}

static size_t entry_count(const struct ynode *c)
{
	return ynode_count(c);
}

static const struct ynode *entry_first(const struct ynode *c, size_t i)
{
	return c->kind == YNODE_MAP ? c->kid[2 * i] : c->kid[i];
}

static const struct ynode *entry_last(const struct ynode *c, size_t i)
{
	return c->kind == YNODE_MAP ? c->kid[2 * i + 1] : c->kid[i];
}

/* Where entry i begins: the key (or item) with its properties, or the dash. */
static size_t entry_begin(const struct ynode *c, size_t i)
{
	const struct ynode *f = entry_first(c, i);

	if (c->kind == YNODE_SEQ && c->style == YSTYLE_BLOCK)
		return f->dash;
	return f->prop;
}

static size_t entry_end(const struct ynode *c, size_t i)
{
	size_t e = entry_last(c, i)->end;

	if (c->kind == YNODE_MAP && c->kid[2 * i]->end > e)
		e = c->kid[2 * i]->end;
	return e;
}

static size_t entry_index(const struct ynode *n)
{
	const struct ynode *c = n->parent;

	for (size_t i = 0; i < c->nkid; i++)
		if (c->kid[i] == n)
			return c->kind == YNODE_MAP ? i / 2 : i;
	BUG_ON(1);
}

/* Remove the entries [i, j] of container c. */
static int remove_run(struct lctx *l, const struct ynode *c, size_t i, size_t j, size_t dep)
{
	size_t n = entry_count(c), start, end;

	if (c->style == YSTYLE_FLOW) {
		if (i == 0 && j + 1 == n) {
			start = entry_begin(c, 0);
			end = entry_end(c, n - 1);
		} else if (i > 0) {
			start = entry_end(c, i - 1);
			end = entry_end(c, j);
		} else {
			start = entry_begin(c, i);
			end = entry_begin(c, j + 1);
		}
	} else {
		size_t b = entry_begin(c, i);

		if (b == NOPOS)
			return fail(l, dep, "cannot find the \"-\" of a sequence item");
		if (line_blank_before(l->src, b)) {
			start = comment_block_start(l->src, source_line_start(l->src, b), source_col(l->src, b));
			end = line_end_after(l->src, entry_end(c, j));
			/* the last lines of a file without a final newline: take
			 * the line break before them, so that it still has none
			 * (see edit.h: that break may be another edit's) */
			if (end == l->src->len && l->src->buf[end - 1] != '\n' && start > 0) {
				edits_add(l->ed, start, end, "", 0, dep);
				l->ed->e[l->ed->n - 1].eat_eol = true;
				return 0;
			}
		} else if (i == 0 && j + 1 < n && entry_begin(c, j + 1) != NOPOS &&
			   line_blank_before(l->src, entry_begin(c, j + 1))) {
			/* "- key: v" then "  next: w": keep the dash */
			start = b;
			end = entry_begin(c, j + 1);
		} else {
			return fail(l, dep, "an entry to remove shares its line with other content");
		}
	}
	edits_add(l->ed, start, end, "", 0, dep);
	return 0;
}

/* All removals from container c, grouped in runs of adjacent entries. */
static int lower_removals(struct lctx *l, const struct ynode *c, bool *done)
{
	size_t n = entry_count(c);
	size_t *dep = xcalloc(n ? n : 1, sizeof(*dep));
	bool *gone = xcalloc(n ? n : 1, sizeof(*gone));
	int ret = 0;

	for (size_t k = 0; k < l->nops; k++) {
		const struct op *o = &l->p->op[l->ops[k]];

		if (o->kind != OP_REMOVE || o->in != l->in || o->node->parent != c)
			continue;
		done[k] = true;
		gone[entry_index(o->node)] = true;
		dep[entry_index(o->node)] = o->dep;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		size_t j = i;

		if (!gone[i])
			continue;
		while (j + 1 < n && gone[j + 1])
			j++;
		ret = remove_run(l, c, i, j, dep[i]);
		i = j;
	}
	free(dep);
	free(gone);
	return ret;
}

static int lower_set(struct lctx *l, const struct op *o)
{
	const struct ynode *n = o->node;
	const char *t = o->val->str;

	switch (n->style) {
	case YSTYLE_PLAIN:
		edits_add(l->ed, n->start, n->end, t, strlen(t), o->dep);
		return 0;
	case YSTYLE_SQUOTE:
	case YSTYLE_DQUOTE:
		edits_add(l->ed, n->start + 1, n->end - 1, t, strlen(t), o->dep);
		return 0;
	default:
		return fail(l, o->dep, "\"%s\" is a block scalar", n->text);
	}
}

static bool spans_lines(const struct source *src, const struct ynode *n)
{
	return memchr(src->buf + n->start, '\n', n->end - n->start) != NULL;
}

/* Between two entries of a flow collection: a line break and the
 * column of its entries when it spans lines, else a space. */
static void flow_separator(struct strbuf *text, const struct style *st, bool pretty, unsigned col)
{
	if (pretty) {
		strbuf_addstr(text, st->eol);
		strbuf_addchars(text, ' ', col);
	} else {
		strbuf_addch(text, ' ');
	}
}

/* lower_insert_pair() into a flow mapping of n entries. */
static int insert_flow_pair(struct lctx *l, const struct op *o, const struct style *st, size_t n)
{
	const struct ynode *map = o->node;
	struct strbuf text = STRBUF_INIT;
	bool pretty = spans_lines(l->src, map);
	unsigned col = n ? source_col(l->src, map->kid[0]->start) : 0;
	size_t pos;

	if (!n) {
		pos = map->start + 1;
		render_key(&text, o->key, true);
		strbuf_addstr(&text, ": ");
		render_flow(&text, st, o->val, false, 0);
	} else if (o->where == INS_FIRST) {
		pos = map->kid[0]->prop;
		render_key(&text, o->key, true);
		strbuf_addstr(&text, ": ");
		render_flow(&text, st, o->val, pretty, col);
		strbuf_addch(&text, ',');
		flow_separator(&text, st, pretty, col);
	} else {
		size_t i = o->where == INS_AFTER ? entry_index(ynode_get(map, o->after->text)) : n - 1;

		pos = entry_end(map, i);
		strbuf_addch(&text, ',');
		flow_separator(&text, st, pretty, col);
		render_key(&text, o->key, true);
		strbuf_addstr(&text, ": ");
		render_flow(&text, st, o->val, pretty, col);
	}
	edits_add(l->ed, pos, pos, text.buf, text.len, o->dep);
	strbuf_release(&text);
	return 0;
}

static int lower_insert_pair(struct lctx *l, const struct op *o)
{
	const struct ynode *map = o->node;
	const struct style *st = doc_style(l, o->doc);
	struct strbuf text = STRBUF_INIT;
	size_t n = entry_count(map), pos;
	enum ins_where where = o->where;
	const struct ynode *after = o->after;

	if (map->kind != YNODE_MAP)
		return fail(l, o->dep, "not a mapping");
	if (map->style == YSTYLE_FLOW)
		return insert_flow_pair(l, o, st, n);

	/* block mapping: new lines at the column of its keys */
	if (!n)
		return fail(l, o->dep, "empty block mapping");
	if (where == INS_FIRST && !line_blank_before(l->src, map->kid[0]->prop)) {
		where = INS_AFTER;	/* "- first: x": go after the first pair */
		after = map->kid[0];
	}
	render_block_pair(&text, st, source_col(l->src, map->kid[0]->start), o->key, o->val);
	if (where == INS_FIRST) {
		pos = source_line_start(l->src, map->kid[0]->prop);
	} else {
		size_t i = where == INS_AFTER ? entry_index(ynode_get(map, after->text)) : n - 1;
		unsigned keycol = source_col(l->src, map->kid[0]->start);

		pos = entry_end(map, i);
		/* a block scalar's end can be past the indentation of the next
		 * line (LIBFYAML.md): the new pair goes before that line */
		pos = line_blank_before(l->src, pos) ? source_line_start(l->src, pos)
						     : line_end_after(l->src, pos);
		/* comments indented under the last entry belong to it */
		while (where == INS_LAST && pos < l->src->len) {
			size_t p = pos, le = source_line_end(l->src, pos);

			while (p < le && (l->src->buf[p] == ' ' || l->src->buf[p] == '\t'))
				p++;
			if (p >= le || l->src->buf[p] != '#' || p - pos <= keycol)
				break;
			pos = le;
		}
	}
	insert_lines(l, pos, &text, o->dep);
	strbuf_release(&text);
	return 0;
}

static int lower_insert_item(struct lctx *l, const struct op *o)
{
	const struct ynode *seq = o->node, *after = o->after;
	const struct style *st = doc_style(l, o->doc);
	struct strbuf text = STRBUF_INIT;

	if (seq->style == YSTYLE_FLOW) {
		bool pretty = spans_lines(l->src, seq);
		unsigned col = source_col(l->src, after->start);

		strbuf_addch(&text, ',');
		flow_separator(&text, st, pretty, col);
		render_flow(&text, st, o->val, pretty, col);
		edits_add(l->ed, after->end, after->end, text.buf, text.len, o->dep);
	} else {
		if (after->dash == NOPOS || !line_blank_before(l->src, after->dash)) {
			strbuf_release(&text);
			return fail(l, o->dep, "cannot find the \"-\" of a sequence item");
		}
		render_block_item(&text, st, source_col(l->src, after->dash), o->val);
		insert_lines(l, line_end_after(l->src, after->end), &text, o->dep);
	}
	strbuf_release(&text);
	return 0;
}

static void lower_add_doc(struct lctx *l, const struct op *o)
{
	struct style st = *doc_style(l, o->doc);
	struct strbuf text = STRBUF_INIT;

	st.json = false;
	strbuf_addstr(&text, "---");
	strbuf_addstr(&text, st.eol);
	render_block_doc(&text, &st, o->val);
	if (l->ys->doc[o->doc].end_marker != NOPOS) {
		/* framed like the document before it */
		strbuf_addstr(&text, "...");
		strbuf_addstr(&text, st.eol);
	}
	insert_lines(l, l->ys->doc[o->doc].end, &text, o->dep);
	strbuf_release(&text);
}

int lower_edits(const struct lower_job *lj, struct edits *ed, struct lower_error *err)
{
	size_t nop = lj->nops, *own = lj->ops ? NULL : plan_input_ops(lj->p, lj->in, &nop);
	const size_t *ops = lj->ops ? lj->ops : own;
	const struct plan *p = lj->p;
	size_t in = lj->in;
	const struct ystream *ys = lj->ys;
	struct lctx l = { .p = p, .in = in, .ops = ops, .nops = nop, .src = lj->src, .ys = ys, .ed = ed };
	bool *done = xcalloc(nop ? nop : 1, sizeof(*done));
	int ret = 0;

	l.st = xcalloc(ys->ndoc ? ys->ndoc : 1, sizeof(*l.st));
	l.st_done = xcalloc(ys->ndoc ? ys->ndoc : 1, sizeof(*l.st_done));
	/* two passes: new documents and List items go after every other edit
	 * at the same offset (the end of a document or an item is also where
	 * its last lines end) */
	for (size_t k = 0; k < 2 * nop && !ret; k++) {
		const struct op *o = &p->op[ops[k % nop]];
		bool last = o->kind == OP_ADD_DOC || o->kind == OP_INSERT_ITEM;

		if (o->in != in || done[k % nop] || last != (k >= nop))
			continue;
		switch (o->kind) {
		case OP_SET:
			ret = lower_set(&l, o);
			break;
		case OP_REMOVE:
			ret = lower_removals(&l, o->node->parent, done);
			break;
		case OP_INSERT_PAIR:
			ret = lower_insert_pair(&l, o);
			break;
		case OP_INSERT_ITEM:
			ret = lower_insert_item(&l, o);
			break;
		case OP_ADD_DOC:
			lower_add_doc(&l, o);
			break;
		case OP_NONE:
			break;
		}
		done[k % nop] = true;
	}
	free(done);
	free(l.st);
	free(l.st_done);
	if (!ret)
		ret = check_anchors(&l);
	if (ret) {
		err->dep = l.bad_dep;
		err->code = l.code;
		err->why = l.why;
	}
	free(own);
	return ret;
}
