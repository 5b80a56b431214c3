/*
 * edit.c - sort, check and apply text edits; results as pieces (see edit.h).
 */
#include "edit.h"

#include <stdlib.h>
#include <string.h>

void edits_add(struct edits *ed, size_t start, size_t end, const char *text, size_t len, size_t dep)
{
	struct edit *e;

	BUG_ON(end < start);
	ALLOC_GROW(ed->e, ed->n + 1, ed->alloc);
	e = &ed->e[ed->n];
	e->start = start;
	e->end = end;
	e->text = xstrndup(text, len);
	e->seq = ed->n++;
	e->dep = dep;
	e->eat_eol = false;
}

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void edits_sort(struct edits *ed)
{
	if (ed->n)
		qsort(ed->e, ed->n, sizeof(*ed->e), cmp_edit);
}

int edits_apply(struct edits *ed, const char *buf, size_t len, struct strbuf *out,
		const struct edit **bad)
{
	return edits_apply_range(ed, buf, 0, len, out, bad);
}

int edits_apply_range(struct edits *ed, const char *buf, size_t start, size_t end,
		      struct strbuf *out, const struct edit **bad)
{
	size_t pos = start;

	edits_sort(ed);
	for (size_t i = 0; i < ed->n; i++) {
		const struct edit *e = &ed->e[i];

		if (e->start < pos || e->end > end) {
			*bad = e;
			return -1;
		}
		strbuf_add(out, buf + pos, e->start - pos);
		if (e->eat_eol && out->len && out->buf[out->len - 1] == '\n') {
			out->len--;
			if (out->len && out->buf[out->len - 1] == '\r')
				out->len--;
			out->buf[out->len] = '\0';
		}
		strbuf_addstr(out, e->text);
		pos = e->end;
	}
	strbuf_add(out, buf + pos, end - pos);
	return 0;
}

void edits_release(struct edits *ed)
{
	for (size_t i = 0; i < ed->n; i++)
		free(ed->e[i].text);
	free(ed->e);
	memset(ed, 0, sizeof(*ed));
}

void pieces_add(struct stsify_pieces *pcs, size_t start, size_t end, char *text, size_t len)
{
	struct piece *pc;

	ALLOC_GROW(pcs->p, pcs->n + 1, pcs->alloc);
	pc = &pcs->p[pcs->n++];
	pc->start = start;
	pc->end = end;
	pc->text = text;
	pc->len = len;
}

void pieces_take(struct stsify_pieces *pcs, struct stsify_pieces *from)
{
	if (!pcs->n) {
		free(pcs->p);
		*pcs = *from;
	} else {
		ALLOC_GROW(pcs->p, pcs->n + from->n, pcs->alloc);
		memcpy(pcs->p + pcs->n, from->p, from->n * sizeof(*from->p));
		pcs->n += from->n;
		free(from->p);
	}
	memset(from, 0, sizeof(*from));
}

void pieces_release(struct stsify_pieces *pcs)
{
	for (size_t k = 0; k < pcs->n; k++)
		free(pcs->p[k].text);
	free(pcs->p);
	memset(pcs, 0, sizeof(*pcs));
}

/*
 * Piece j (from an edit with eat_eol) drops the line break that ends the
 * output before it: the end of the text of the piece before it (past
 * pieces that only remove, and end where the next starts), or else the
 * input's bytes there, which the piece that follows takes in.  Pieces
 * [0, j) are in order, from offset from on.
 */
static void eat_eol(const char *buf, size_t from, struct piece *pc, size_t j)
{
	size_t i = j, s = pc[j].start, lo;

	while (i > 0 && pc[i - 1].end == s && !pc[i - 1].len)
		s = pc[--i].start;
	if (i > 0 && pc[i - 1].end == s) {
		struct piece *prev = &pc[i - 1];

		if (prev->text[prev->len - 1] == '\n') {
			prev->len--;
			if (prev->len && prev->text[prev->len - 1] == '\r')
				prev->len--;
			prev->text[prev->len] = '\0';
		}
		return;
	}
	lo = i > 0 ? pc[i - 1].end : from;
	if (s > lo && buf[s - 1] == '\n') {
		s--;
		if (s > lo && buf[s - 1] == '\r')
			s--;
		pc[i].start = s;
	}
}

void edits_to_pieces(struct edits *ed, const char *buf, size_t start, struct stsify_pieces *pcs)
{
	size_t first = pcs->n;

	for (size_t j = 0; j < ed->n; j++) {
		pieces_add(pcs, ed->e[j].start, ed->e[j].end, ed->e[j].text, strlen(ed->e[j].text));
		ed->e[j].text = NULL;
		if (ed->e[j].eat_eol)
			eat_eol(buf, start, pcs->p + first, j);
	}
	edits_release(ed);
}
