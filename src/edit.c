/*
 * edit.c - sort, check and apply text edits (see edit.h).
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

int edits_apply(struct edits *ed, const char *buf, size_t len, struct strbuf *out,
		const struct edit **bad)
{
	return edits_apply_range(ed, buf, 0, len, out, bad);
}

int edits_apply_range(struct edits *ed, const char *buf, size_t start, size_t end,
		      struct strbuf *out, const struct edit **bad)
{
	size_t pos = start;

	if (ed->n)
		qsort(ed->e, ed->n, sizeof(*ed->e), cmp_edit);
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
