/*
 * style.c - detect the formatting conventions of a document (see render.h).
 *
 * New text must look as if the author wrote it: the indentation width is
 * the most common step between a block mapping key and the keys nested
 * under it; sequence indentation is the most common offset of a "-" from
 * the key that owns the sequence (0 for kubectl's style, usually 2
 * otherwise); the gap after a dash is measured on items that are mappings.
 */
#include "render.h"

#include <string.h>

#include "source.h"
#include "ytree.h"

unsigned source_col(const struct source *src, size_t off)
{
	return (unsigned)(off - source_line_start(src, off));
}

struct tally {
	unsigned count[9];	/* values 0..8 */
};

static void tally_add(struct tally *t, long v)
{
	if (v >= 0 && v < (long)ARRAY_SIZE(t->count))
		t->count[v]++;
}

static int tally_best(const struct tally *t, int dflt, int min)
{
	int best = -1;

	for (int i = min; i < (int)ARRAY_SIZE(t->count); i++)
		if (t->count[i] && (best < 0 || t->count[i] > t->count[best]))
			best = i;
	return best < 0 ? dflt : best;
}

struct walk {
	const struct source *src;
	struct tally indent, seq, gap;
	unsigned flow_maps, json_keys, nodes;
};

static void walk(struct walk *w, const struct ynode *n)
{
	if (!n || ++w->nodes > 4096)
		return;
	if (n->kind == YNODE_MAP && n->style == YSTYLE_BLOCK) {
		for (size_t i = 0; i + 1 < n->nkid; i += 2) {
			const struct ynode *k = n->kid[i], *v = n->kid[i + 1];
			unsigned kc = source_col(w->src, k->start);

			if (v->kind == YNODE_MAP && v->style == YSTYLE_BLOCK &&
			    source_line_start(w->src, v->start) != source_line_start(w->src, k->start))
				tally_add(&w->indent, (long)source_col(w->src, v->start) - (long)kc);
			if (v->kind == YNODE_SEQ && v->style == YSTYLE_BLOCK && v->nkid &&
			    v->kid[0]->dash != NOPOS)
				tally_add(&w->seq, (long)source_col(w->src, v->kid[0]->dash) - (long)kc);
		}
	}
	if (n->kind == YNODE_SEQ && n->style == YSTYLE_BLOCK) {
		for (size_t i = 0; i < n->nkid; i++) {
			const struct ynode *it = n->kid[i];

			if (it->dash != NOPOS && it->kind == YNODE_MAP && it->style == YSTYLE_BLOCK &&
			    source_line_start(w->src, it->start) == source_line_start(w->src, it->dash))
				tally_add(&w->gap, (long)(it->start - it->dash));
		}
	}
	if (n->kind == YNODE_MAP && n->style == YSTYLE_FLOW) {
		w->flow_maps++;
		if (n->nkid && n->kid[0]->style == YSTYLE_DQUOTE)
			w->json_keys++;
	}
	for (size_t i = 0; i < n->nkid; i++)
		walk(w, n->kid[i]);
}

void style_detect(struct style *st, const struct source *src, const struct ydoc *doc)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.src = src;
	walk(&w, doc->root);
	st->indent = (unsigned)tally_best(&w.indent, 2, 1);
	st->seq_indent = (unsigned)tally_best(&w.seq, 0, 0);
	st->dash_gap = (unsigned)tally_best(&w.gap, 2, 1);
	st->eol = source_eol(src);
	st->json = doc->root && doc->root->kind == YNODE_MAP && doc->root->style == YSTYLE_FLOW &&
		   w.json_keys == w.flow_maps;
	if (st->json) {
		/* JSON: indentation is the step between nested keys' columns */
		struct tally t;
		const struct ynode *r = doc->root;

		memset(&t, 0, sizeof(t));
		for (size_t i = 0; i + 1 < r->nkid; i += 2) {
			const struct ynode *v = r->kid[i + 1];

			if (v->kind == YNODE_MAP && v->nkid)
				tally_add(&t, (long)source_col(src, v->kid[0]->start) -
						      (long)source_col(src, r->kid[i]->start));
		}
		st->indent = (unsigned)tally_best(&t, 2, 1);
	}
}
