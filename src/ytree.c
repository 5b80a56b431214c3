/*
 * ytree.c - libfyaml events -> span tree (see ytree.h).
 *
 * The parser is driven event by event with a stack of open collections.
 * libfyaml 0.7.12 quirks handled here (pinned by tests/test_ytree.c):
 *   - a block MAPPING_END/SEQUENCE_END marks the *next* token, possibly lines
 *     later past comments: a block collection ends where its last child ends;
 *   - quoted scalars are marked inside their quotes: widen by one each side;
 *   - a block scalar is marked from its first content line: its indicator
 *     is found by scanning forward from the key (or dash) that precedes it;
 *   - an empty (null) plain scalar has no marks: it is an empty span right
 *     after whatever preceded it;
 *   - the event parser does not reject duplicate keys: checked here.
 */
#include "ytree.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "nest.h"
#include "util.h"

#define ARENA_CHUNK (64 * 1024)

struct yarena {
	struct yarena *next;
	size_t used, size;
	char mem[];
};

static void *arena_alloc(struct ystream *ys, size_t n)
{
	struct yarena *a = ys->arena;

	n = (n + 15) & ~(size_t)15;
	if (!a || a->size - a->used < n) {
		/* small documents get small blocks: 4 KiB, doubling to 64 KiB */
		size_t want = a && a->size < ARENA_CHUNK ? 2 * a->size : a ? ARENA_CHUNK : 4096;
		size_t size = n > want ? n : want;

		a = xmalloc(sizeof(*a) + size);
		a->size = size;
		a->used = 0;
		a->next = ys->arena;
		ys->arena = a;
	}
	a->used += n;
	return a->mem + a->used - n;
}

static char *arena_strndup(struct ystream *ys, const char *s, size_t n)
{
	char *p = arena_alloc(ys, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct builder {
	struct ystream *ys;
	const char *buf;	/* the whole input: offsets are into it */
	size_t base;		/* libfyaml parses buf[base, len) */
	size_t len;
	size_t first_doc;	/* the first document of this parse */
	struct ynode **stack;
	size_t nstack, astack;
	/* per open collection, the kid array under construction */
	struct ynode ***kids;
	size_t *nkids, *akids;
	size_t last_end;	/* end of the last token seen */
	size_t max_depth;
	struct ydoc *doc;
	size_t adoc;
};

static size_t mark_pos(const struct builder *b, const struct fy_mark *m)
{
	return m && m->input_pos != (size_t)-1 ? b->base + m->input_pos : NOPOS;
}

/* Skip spaces, line breaks and comments from off; return the next offset. */
static size_t skip_blank(const char *buf, size_t len, size_t off)
{
	while (off < len) {
		char c = buf[off];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			off++;
		} else if (c == '#') {
			while (off < len && buf[off] != '\n')
				off++;
		} else {
			break;
		}
	}
	return off;
}

static void set_error(struct ystream *ys, size_t off, int line, int col, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (ys->err_msg)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ys->err_msg = strbuf_detach(&sb, NULL);
	ys->err_off = off;
	ys->err_line = line;
	ys->err_col = col;
}

static void add_kid(struct builder *b, struct ynode *n)
{
	size_t top;

	if (!b->nstack) {
		b->doc[b->ys->ndoc - 1].root = n;
		return;
	}
	top = b->nstack - 1;
	n->parent = b->stack[top];
	ALLOC_GROW(b->kids[top], b->nkids[top] + 1, b->akids[top]);
	b->kids[top][b->nkids[top]++] = n;
	/* the dash of a block sequence item */
	if (n->parent->kind == YNODE_SEQ && n->parent->style == YSTYLE_BLOCK) {
		size_t from = b->nkids[top] == 1 ? n->parent->start : skip_blank(b->buf, b->len, b->last_end);

		if (from < b->len && b->buf[from] == '-')
			n->dash = from;
	}
}

static int push(struct builder *b, struct ynode *n)
{
	if (b->nstack >= b->max_depth) {
		set_error(b->ys, n->start, 0, 0,
			  "collections nested more than %zu deep are not supported",
			  b->max_depth);
		return -1;
	}
	if (b->nstack == b->astack) {
		size_t na = b->astack ? b->astack * 2 : 16;

		b->stack = xrealloc(b->stack, na * sizeof(*b->stack));
		b->kids = xrealloc(b->kids, na * sizeof(*b->kids));
		b->nkids = xrealloc(b->nkids, na * sizeof(*b->nkids));
		b->akids = xrealloc(b->akids, na * sizeof(*b->akids));
		/* the kids of a level are kept from one collection to the next */
		memset(b->kids + b->astack, 0, (na - b->astack) * sizeof(*b->kids));
		memset(b->akids + b->astack, 0, (na - b->astack) * sizeof(*b->akids));
		b->astack = na;
	}
	b->stack[b->nstack] = n;
	b->nkids[b->nstack] = 0;
	b->nstack++;
	return 0;
}

static int keycmp(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a, *y = *(struct ynode *const *)b;
	size_t n = x->tlen < y->tlen ? x->tlen : y->tlen;
	int c = memcmp(x->text, y->text, n);

	if (c)
		return c;
	return x->tlen < y->tlen ? -1 : x->tlen > y->tlen;
}

/* Duplicate scalar keys make a manifest ambiguous (which one wins differs
 * between tools), so they are an error, as kubectl and yamllint say. */
static bool same_key(const struct ynode *x, const struct ynode *y)
{
	return x->tlen == y->tlen && !memcmp(x->text, y->text, x->tlen);
}

static int duplicate(struct builder *b, const struct ynode *x, const struct ynode *y)
{
	const struct ynode *dup = x->start > y->start ? x : y;

	set_error(b->ys, dup->start, 0, 0, "duplicate key \"%s\"", dup->text);
	return -1;
}

static int check_duplicates(struct builder *b, struct ynode *map)
{
	enum { FEW = 16 };
	size_t n = map->nkid / 2, k = 0;
	struct ynode *few[FEW], **keys;
	int ret = 0;

	if (n < 2)
		return 0;
	keys = n <= FEW ? few : xmalloc(n * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		if (map->kid[2 * i]->kind == YNODE_SCALAR)
			keys[k++] = map->kid[2 * i];
	if (k <= FEW) {
		/* most maps have a few keys: comparing each pair is cheaper */
		for (size_t i = 1; i < k && !ret; i++)
			for (size_t j = 0; j < i && !ret; j++)
				if (same_key(keys[j], keys[i]))
					ret = duplicate(b, keys[j], keys[i]);
	} else {
		qsort(keys, k, sizeof(*keys), keycmp);
		for (size_t i = 1; i < k && !ret; i++)
			if (!keycmp(&keys[i - 1], &keys[i]))
				ret = duplicate(b, keys[i - 1], keys[i]);
	}
	if (keys != few)
		free(keys);
	return ret;
}

static int pop(struct builder *b, size_t end_mark)
{
	struct ynode *n = b->stack[--b->nstack];

	n->kid = arena_alloc(b->ys, (b->nkids[b->nstack] ? b->nkids[b->nstack] : 1) * sizeof(*n->kid));
	n->nkid = b->nkids[b->nstack];
	if (n->nkid)
		memcpy(n->kid, b->kids[b->nstack], n->nkid * sizeof(*n->kid));
	if (n->style == YSTYLE_FLOW && end_mark != NOPOS) {
		n->end = end_mark;
	} else if (n->nkid) {
		/* block MAPPING_END marks the next token; use the last child's end */
		n->end = n->kid[n->nkid - 1]->end;
		if (n->kind == YNODE_MAP && n->nkid >= 2 && n->end < n->kid[n->nkid - 2]->end)
			n->end = n->kid[n->nkid - 2]->end;
	} else {
		n->end = n->start;
	}
	b->last_end = n->end;
	if (n->kind == YNODE_MAP)
		return check_duplicates(b, n);
	return 0;
}

static struct ynode *new_node(struct builder *b, enum ynode_kind kind)
{
	struct ynode *n = arena_alloc(b->ys, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->dash = NOPOS;
	return n;
}

/* Anchor and tag tokens come before the node: widen prop to cover them
 * (an anchor token is marked without its "&"). */
static void set_props(struct builder *b, struct ynode *n, struct fy_event *ev)
{
	struct fy_token *t[2] = { fy_event_get_anchor_token(ev), fy_event_get_tag_token(ev) };

	n->prop = n->start;
	for (int i = 0; i < 2; i++) {
		size_t p;

		if (!t[i])
			continue;
		p = mark_pos(b, fy_token_start_mark(t[i]));
		if (i == 0 && p != NOPOS && p > 0 && b->buf[p - 1] == '&')
			p--;
		if (p != NOPOS && p < n->prop)
			n->prop = p;
		if (i == 0)
			n->anchored = true;
		else
			n->tagged = true;
	}
}

static size_t props_end(const struct builder *b, struct fy_event *ev)
{
	struct fy_token *t[2] = { fy_event_get_anchor_token(ev), fy_event_get_tag_token(ev) };
	size_t end = 0;

	for (int i = 0; i < 2; i++) {
		size_t p;

		if (t[i] && (p = mark_pos(b, fy_token_end_mark(t[i]))) != NOPOS && p > end)
			end = p;
	}
	return end;
}

static enum ynode_style scalar_style(struct fy_event *ev)
{
	switch (fy_event_get_node_style(ev)) {
	case FYNS_SINGLE_QUOTED: return YSTYLE_SQUOTE;
	case FYNS_DOUBLE_QUOTED: return YSTYLE_DQUOTE;
	case FYNS_LITERAL: return YSTYLE_LITERAL;
	case FYNS_FOLDED: return YSTYLE_FOLDED;
	default: return YSTYLE_PLAIN;
	}
}

/*
 * Is the value of a scalar marked [s, e) exactly those bytes?  True for a
 * plain scalar on one line, a single-quoted one without '' and a
 * double-quoted one without escapes (libfyaml's marks exclude the quotes);
 * pinned against fy_token_get_text() by tests/test_ytree.c.
 */
static bool simple_text(const char *buf, size_t s, size_t e, enum ynode_style style)
{
	/* bytes that end the simple case: line breaks in any style (1), a
	 * quote in a single-quoted scalar (2), an escape or a quote in a
	 * double-quoted one (4).  Scalars are short: one pass, no calls. */
	static const unsigned char stop[256] = { ['\n'] = 1, ['\r'] = 1, ['\''] = 2, ['\\'] = 4, ['"'] = 4 };
	const unsigned char *p = (const unsigned char *)buf + s, *end = (const unsigned char *)buf + e;
	unsigned mask;

	switch (style) {
	case YSTYLE_PLAIN: mask = 1; break;
	case YSTYLE_SQUOTE: mask = 1 | 2; break;
	case YSTYLE_DQUOTE: mask = 1 | 4; break;
	default: return false;
	}
	if (e < s)
		return false;
	for (; p < end; p++)
		if (stop[*p] & mask)
			return false;
	return true;
}

static int on_scalar(struct builder *b, struct fy_event *ev, bool alias)
{
	struct ynode *n = new_node(b, alias ? YNODE_ALIAS : YNODE_SCALAR);
	size_t s = mark_pos(b, fy_event_start_mark(ev)), e = mark_pos(b, fy_event_end_mark(ev));
	struct fy_token *tok = alias ? ev->alias.anchor : ev->scalar.value;
	const char *t = NULL;
	size_t tl = 0, pe;

	n->style = alias ? YSTYLE_PLAIN : scalar_style(ev);
	if (tok && !alias && s != NOPOS && e != NOPOS && simple_text(b->buf, s, e, n->style)) {
		/* the value is the bytes between the marks: no need to ask */
		t = b->buf + s;
		tl = e - s;
	} else if (tok) {
		t = fy_token_get_text(tok, &tl);
	}
	n->text = arena_strndup(b->ys, t ? t : "", t ? tl : 0);
	n->tlen = t ? tl : 0;
	pe = props_end(b, ev);
	if (s == NOPOS || e == NOPOS) {
		/* null scalar: an empty span right after what precedes it */
		s = e = pe > b->last_end ? pe : b->last_end;
	}
	switch (n->style) {
	case YSTYLE_SQUOTE:
	case YSTYLE_DQUOTE:
		if (s > 0)
			s--;
		if (e < b->len)
			e++;
		break;
	case YSTYLE_LITERAL:
	case YSTYLE_FOLDED: {
		/* the indicator line is not covered: find `|` or `>` */
		size_t p = pe > b->last_end ? pe : b->last_end;

		while (p < s && b->buf[p] != '|' && b->buf[p] != '>')
			p++;
		if (p < s)
			s = p;
		break;
	}
	default:
		break;
	}
	n->start = s;
	n->end = e;
	if (!alias)
		set_props(b, n, ev);
	else
		n->prop = s;
	add_kid(b, n);
	if (n->dash != NOPOS && n->end <= n->dash) {
		/* a null item "- " of a block sequence: after its dash, not
		 * after the previous item (a span there would end the sequence
		 * before its last dash) */
		n->prop = n->start = n->end = e = n->dash + 1;
	}
	if (alias) {
		b->doc[b->ys->ndoc - 1].has_alias = true;
		n->start = n->prop = s;
	}
	if (n->style == YSTYLE_PLAIN && n->parent && n->parent->kind == YNODE_MAP &&
	    (b->nkids[b->nstack - 1] & 1) && n->tlen == 2 && !memcmp(n->text, "<<", 2))
		b->doc[b->ys->ndoc - 1].has_alias = true;
	b->last_end = e > b->last_end ? e : b->last_end;
	return 0;
}

static int on_collection(struct builder *b, struct fy_event *ev, enum ynode_kind kind)
{
	struct ynode *n = new_node(b, kind);
	size_t s = mark_pos(b, fy_event_start_mark(ev));

	n->style = fy_event_get_node_style(ev) == FYNS_FLOW ? YSTYLE_FLOW : YSTYLE_BLOCK;
	if (s == NOPOS)
		s = b->last_end;
	n->start = s;
	set_props(b, n, ev);
	add_kid(b, n);
	if (push(b, n))
		return -1;
	if (n->style == YSTYLE_FLOW)
		b->last_end = s + 1;
	return 0;
}

static void doc_start(struct builder *b, struct fy_event *ev)
{
	struct ydoc *d;
	size_t m = fy_event_is_implicit(ev) ? NOPOS : mark_pos(b, fy_event_start_mark(ev));

	ALLOC_GROW(b->doc, b->ys->ndoc + 1, b->adoc);
	d = &b->doc[b->ys->ndoc++];
	memset(d, 0, sizeof(*d));
	d->marker = m;
	d->end_marker = NOPOS;
	d->start = b->ys->ndoc - 1 == b->first_doc ? b->base : b->doc[b->ys->ndoc - 2].end;
	if (m != NOPOS)
		b->last_end = m + 3;
}

static void doc_end(struct builder *b, struct fy_event *ev)
{
	struct ydoc *d = &b->doc[b->ys->ndoc - 1];
	size_t m = fy_event_is_implicit(ev) ? NOPOS : mark_pos(b, fy_event_start_mark(ev));

	d->content_end = d->root ? d->root->end : (d->marker != NOPOS ? d->marker + 3 : d->start);
	if (!fy_event_is_implicit(ev) && m == NOPOS) {
		/* an explicit "..." has no mark: it is the next token */
		size_t p = skip_blank(b->buf, b->len, d->content_end);

		if (p + 3 <= b->len && !memcmp(b->buf + p, "...", 3))
			m = p;
	}
	d->end_marker = m;
	if (m != NOPOS) {
		/* the "..." line belongs to this document */
		const char *nl = memchr(b->buf + m, '\n', b->len - m);

		d->end = nl ? (size_t)(nl - b->buf) + 1 : b->len;
		b->last_end = m + 3;
	} else {
		d->end = NOPOS;	/* fixed when the next document starts */
	}
}

/* The next document starts on the line of its "---" (or its directives,
 * which can only follow an explicit "..." that already ended the previous
 * document). */
static void fix_ends(struct builder *b)
{
	for (size_t i = b->first_doc; i < b->ys->ndoc; i++) {
		struct ydoc *d = &b->doc[i];

		if (d->end != NOPOS)
			continue;
		if (i + 1 < b->ys->ndoc && b->doc[i + 1].marker != NOPOS) {
			size_t m = b->doc[i + 1].marker;

			while (m > d->content_end && b->buf[m - 1] != '\n')
				m--;
			d->end = m;
		} else {
			d->end = b->len;
		}
		if (i + 1 < b->ys->ndoc)
			b->doc[i + 1].start = d->end;
	}
	for (size_t i = b->first_doc + 1; i < b->ys->ndoc; i++)
		b->doc[i].start = b->doc[i - 1].end;
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * libfyaml 0.7.12 misreads some bytes without an error: a NUL ends the input
 * there, and a plain scalar with malformed UTF-8 reads as empty.  A rewrite
 * based on such a reading could be wrong, so these inputs are refused up
 * front, and so are the other C0 control characters, which libfyaml takes
 * but YAML forbids and kubectl refuses.  UTF-16 and UTF-32 (YAML allows
 * them) are refused with a message of their own: manifests are UTF-8.
 * libfyaml also breaks lines at a lone CR and at U+0085 (NEL), which the
 * line table (LF and CRLF) does not: an edit placed by lines would land in
 * the middle of one, so these are refused too.
 */
int ytext_check(const char *buf, size_t start, size_t len, size_t *off, char *msg, size_t msgsize)
{
	const unsigned char *p = (const unsigned char *)buf;

	if (start == 0 && len >= 2 && ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe))) {
		*off = 0;
		snprintf(msg, msgsize, "UTF-16 and UTF-32 are not supported: convert the file to UTF-8");
		return -1;
	}
	for (size_t i = start; i < len;) {
		size_t n;

		/* the common case first: bytes of printable ASCII and line feeds
		 * (0x20 to 0x7f, or 0x0a), sixteen or eight at a time */
#ifdef __SSE2__
		{
			const __m128i below = _mm_set1_epi8(0x1f), lf = _mm_set1_epi8('\n');

			/* signed: 0x80 to 0xff are below 0x20 too */
			for (; i + 16 <= len; i += 16) {
				__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
				__m128i ok = _mm_or_si128(_mm_cmpgt_epi8(v, below), _mm_cmpeq_epi8(v, lf));

				if (_mm_movemask_epi8(ok) != 0xffff)
					break;
			}
		}
#endif
		while (i + 8 <= len) {
			uint64_t w, ge20, nl;

			memcpy(&w, p + i, 8);
			ge20 = ((w & 0x7f7f7f7f7f7f7f7fULL) + 0x6060606060606060ULL) & 0x8080808080808080ULL;
			nl = w ^ 0x0a0a0a0a0a0a0a0aULL;
			nl = ~(((nl & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | nl) & 0x8080808080808080ULL;
			if ((w & 0x8080808080808080ULL) || ((ge20 | nl) != 0x8080808080808080ULL))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if ((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n') {
			i++;
			continue;
		}
		*off = i;
		if (p[i] == '\0') {
			snprintf(msg, msgsize, "NUL byte: not a text file");
			return -1;
		}
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
			snprintf(msg, msgsize, "control character 0x%02x is not allowed in YAML", p[i]);
			return -1;
		}
		if ((p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')) ||
		    (p[i] == 0xc2 && i + 1 < len && p[i + 1] == 0x85)) {
			snprintf(msg, msgsize, "%s: only LF and CRLF line breaks are supported",
				 p[i] == '\r' ? "a carriage return without a line feed" : "a NEL (U+0085)");
			return -1;
		}
		if (!(n = utf8_len(p + i, len - i))) {
			snprintf(msg, msgsize, "invalid UTF-8 (byte 0x%02x)", p[i]);
			return -1;
		}
		i += n;
	}
	return 0;
}

static int check_text(struct ystream *ys, const char *buf, size_t start, size_t len)
{
	char msg[128];
	size_t off;

	if (!ytext_check(buf, start, len, &off, msg, sizeof(msg)))
		return 0;
	set_error(ys, off, 0, 0, "%s", msg);
	return -1;
}

/* Before libfyaml, whose scanner can take gigabytes for deep flow
 * collections before the first event comes (nest.h). */
static int check_depth(struct ystream *ys, const char *buf, size_t start, size_t end, size_t max_depth)
{
	size_t off;

	if (!nest_check(buf, start, end, max_depth, &off))
		return 0;
	set_error(ys, off, 0, 0, "collections nested more than %zu deep are not supported", max_depth);
	return -1;
}

/* libfyaml prints errors even when FYPCF_QUIET: collect them silently */
static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

struct yparser {
	struct fy_diag *diag;
	struct fy_parser *fyp;
};

static void yparser_setup(struct yparser *yp)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG };
	struct fy_diag_cfg dcfg;

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_silent;
	yp->diag = fy_diag_create(&dcfg);
	if (!yp->diag)
		die("cannot create a YAML diagnostics object");
	fy_diag_set_collect_errors(yp->diag, true);
	cfg.diag = yp->diag;
	yp->fyp = fy_parser_create(&cfg);
	if (!yp->fyp)
		die("cannot create a YAML parser");
}

struct yparser *yparser_new(void)
{
	struct yparser *yp = xcalloc(1, sizeof(*yp));

	yparser_setup(yp);
	return yp;
}

void yparser_free(struct yparser *yp)
{
	if (!yp)
		return;
	fy_parser_destroy(yp->fyp);
	fy_diag_destroy(yp->diag);
	free(yp);
}

void ystream_init(struct ystream *ys)
{
	memset(ys, 0, sizeof(*ys));
	ys->err_off = NOPOS;
}

int ystream_parse(struct ystream *ys, const char *buf, size_t len)
{
	return ystream_parse_depth(ys, buf, len, YTREE_MAX_DEPTH);
}

int ystream_parse_depth(struct ystream *ys, const char *buf, size_t len, size_t max_depth)
{
	struct yparser *yp = yparser_new();
	int ret;

	ystream_init(ys);
	ret = ystream_append_depth(ys, yp, buf, 0, len, max_depth);
	yparser_free(yp);
	return ret;
}

static int append(struct ystream *ys, struct yparser *yp, const char *buf, size_t start, size_t end,
		  size_t max_depth, bool check);

int ystream_append(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
		   size_t end)
{
	return append(ys, yp, buf, start, end, YTREE_MAX_DEPTH, true);
}

int ystream_append_checked(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
			   size_t end)
{
	return append(ys, yp, buf, start, end, YTREE_MAX_DEPTH, false);
}

int ystream_append_depth(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
			 size_t end, size_t max_depth)
{
	return append(ys, yp, buf, start, end, max_depth, true);
}

/*
 * The offset of a libfyaml diagnostic's position in buf[start, end): its
 * line is counted from start, and its column in characters (a tab is one),
 * where every other position stsify reports counts bytes.  NOPOS when the
 * line is not in the text, or is the empty one after its last line break.
 */
static size_t mark_offset(const char *buf, size_t start, size_t end, int line, int col)
{
	size_t off = start;

	if (line < 1)
		return NOPOS;
	for (int l = 1; l < line; l++) {
		const char *nl = memchr(buf + off, '\n', end - off);

		if (!nl)
			return NOPOS;
		off = (size_t)(nl - buf) + 1;
	}
	/* the empty line after a final line break has no byte of its own:
	 * libfyaml's line:col stays */
	if (off == end && off > start && buf[off - 1] == '\n')
		return NOPOS;
	for (int c = 1; c < col && off < end && buf[off] != '\n'; c++)
		do
			off++;
		while (off < end && ((unsigned char)buf[off] & 0xc0) == 0x80);
	return off;
}

/*
 * The parse of buf[start, end) failed: the first error libfyaml collected,
 * with its position.  Some errors come without one (an indentation
 * indicator 0, `--- |0`): they are placed at the first token after the
 * last event, where the parser stopped, which the message says.
 */
static void stream_error(struct ystream *ys, struct yparser *yp, const char *buf, size_t start, size_t end,
			 size_t last)
{
	struct fy_diag_error *err;
	void *iter = NULL;
	size_t off;

	while ((err = fy_diag_errors_iterate(yp->diag, &iter))) {
		/* libfyaml's diagnostic positions are 1-based already (and
		 * relative to the text it was given) */
		off = mark_offset(buf, start, end, err->line, err->column);
		if (off != NOPOS || err->line > 0) {
			set_error(ys, off, err->line, err->column, "%s", err->msg);
			return;
		}
		break;
	}
	off = skip_blank(buf, end, last);
	set_error(ys, off < end ? off : last, 0, 0, "invalid YAML%s%s (libfyaml gives no position: at or after here)",
		  err ? ": " : "", err ? err->msg : "");
}

static int append(struct ystream *ys, struct yparser *yp, const char *buf, size_t start, size_t end,
		  size_t max_depth, bool check)
{
	struct builder b = { .ys = ys, .buf = buf, .base = start, .len = end, .max_depth = max_depth,
			     .first_doc = ys->ndoc, .doc = ys->doc, .adoc = ys->adoc };
	struct fy_parser *fyp = yp->fyp;
	struct fy_event *ev;
	size_t last = start;	/* where the last event ended */
	int ret = 0;

	if (end > UINT32_MAX) {
		set_error(ys, NOPOS, 0, 0, "input larger than 4 GiB");
		return -1;
	}
	if ((check && check_text(ys, buf, start, end)) || check_depth(ys, buf, start, end, max_depth))
		return -1;
	/* a parser that reached the end of its input takes the next one as
	 * it is (one that saw an error was replaced below) */
	if (fy_parser_set_string(fyp, buf + start, end - start))
		die("cannot set the YAML parser input");
	while (!ret && (ev = fy_parser_parse(fyp))) {
		switch (ev->type) {
		case FYET_DOCUMENT_START:
			doc_start(&b, ev);
			break;
		case FYET_DOCUMENT_END:
			doc_end(&b, ev);
			break;
		case FYET_MAPPING_START:
			ret = on_collection(&b, ev, YNODE_MAP);
			break;
		case FYET_SEQUENCE_START:
			ret = on_collection(&b, ev, YNODE_SEQ);
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			ret = pop(&b, mark_pos(&b, fy_event_end_mark(ev)));
			break;
		case FYET_SCALAR:
			ret = on_scalar(&b, ev, false);
			break;
		case FYET_ALIAS:
			ret = on_scalar(&b, ev, true);
			break;
		default:
			break;
		}
		if (mark_pos(&b, fy_event_end_mark(ev)) != NOPOS)
			last = mark_pos(&b, fy_event_end_mark(ev));
		fy_parser_event_free(fyp, ev);
	}
	if (!ret && fy_parser_get_stream_error(fyp)) {
		ret = -1;
		stream_error(ys, yp, buf, start, end, last);
	}
	if (ret) {
		/* the next parse must not see this one's diagnostics */
		fy_parser_destroy(yp->fyp);
		fy_diag_destroy(yp->diag);
		yparser_setup(yp);
	}
	for (size_t i = 0; i < b.astack; i++)
		free(b.kids[i]);
	free(b.stack);
	free(b.kids);
	free(b.nkids);
	free(b.akids);
	if (!ret)
		fix_ends(&b);
	ys->doc = b.doc;
	ys->adoc = b.adoc;
	return ret;
}

void ystream_join(struct ystream *ys, struct ystream *from)
{
	struct yarena **tail = &ys->arena;

	ALLOC_GROW(ys->doc, ys->ndoc + from->ndoc, ys->adoc);
	if (from->ndoc)
		memcpy(ys->doc + ys->ndoc, from->doc, from->ndoc * sizeof(*from->doc));
	ys->ndoc += from->ndoc;
	/* the current block stays first: its free space is used next */
	while (*tail)
		tail = &(*tail)->next;
	*tail = from->arena;
	from->arena = NULL;
	ystream_release(from);
}

void ystream_release(struct ystream *ys)
{
	struct yarena *a = ys->arena;

	while (a) {
		struct yarena *next = a->next;

		free(a);
		a = next;
	}
	free(ys->doc);
	free(ys->err_msg);
	memset(ys, 0, sizeof(*ys));
}

bool ynode_is_scalar(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR;
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	size_t kl;

	if (!map || map->kind != YNODE_MAP)
		return NULL;
	kl = strlen(key);
	for (size_t i = 0; i + 1 < map->nkid; i += 2) {
		const struct ynode *k = map->kid[i];

		if (k->kind == YNODE_SCALAR && k->tlen == kl && !memcmp(k->text, key, kl))
			return map->kid[i + 1];
	}
	return NULL;
}

struct ynode *ynode_key_of(const struct ynode *value)
{
	const struct ynode *m = value ? value->parent : NULL;

	if (!m || m->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 1; i < m->nkid; i += 2)
		if (m->kid[i] == value)
			return m->kid[i - 1];
	return NULL;
}

struct ynode *ynode_path(const struct ynode *n, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, n);
	while (n && (k = va_arg(ap, const char *)))
		n = ynode_get(n, k);
	va_end(ap);
	return (struct ynode *)n;
}

bool ynode_is(const struct ynode *n, const char *s)
{
	return ynode_is_scalar(n) && n->tlen == strlen(s) && !memcmp(n->text, s, n->tlen);
}

size_t ynode_count(const struct ynode *n)
{
	if (!n)
		return 0;
	if (n->kind == YNODE_MAP)
		return n->nkid / 2;
	if (n->kind == YNODE_SEQ)
		return n->nkid;
	return 0;
}

const char *ynode_str(const struct ynode *n)
{
	return ynode_is_scalar(n) ? n->text : NULL;
}

long long ynode_int(const struct ynode *n)
{
	long long v = 0;

	if (!ynode_is_scalar(n) || !n->tlen || n->tlen > 15)
		return -1;
	for (size_t i = 0; i < n->tlen; i++) {
		if (n->text[i] < '0' || n->text[i] > '9')
			return -1;
		v = v * 10 + (n->text[i] - '0');
	}
	return v;
}
