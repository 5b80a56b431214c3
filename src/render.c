/*
 * render.c - value trees and their rendering as block or flow YAML
 * (see render.h).
 */
#include "render.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "ytree.h"

struct val *val_map(void)
{
	struct val *v = xcalloc(1, sizeof(*v));

	v->kind = VAL_MAP;
	return v;
}

struct val *val_seq(void)
{
	struct val *v = xcalloc(1, sizeof(*v));

	v->kind = VAL_SEQ;
	return v;
}

struct val *val_str(const char *s)
{
	struct val *v = xcalloc(1, sizeof(*v));

	v->kind = VAL_SCALAR;
	v->str = xstrdup(s);
	v->is_string = true;
	return v;
}

struct val *val_raw(const char *s)
{
	struct val *v = val_str(s);

	v->is_string = false;
	return v;
}

struct val *val_set(struct val *map, const char *key, struct val *v)
{
	BUG_ON(map->kind != VAL_MAP);
	/* a key set twice keeps its place and takes the new value: a map with
	 * a duplicate key would not mean what the plan says */
	for (size_t i = 0; i < map->n; i++) {
		if (!strcmp(map->key[i], key)) {
			val_free(map->item[i]);
			map->item[i] = v;
			return v;
		}
	}
	ALLOC_GROW(map->item, map->n + 1, map->alloc);
	map->key = xrealloc(map->key, map->alloc * sizeof(*map->key));
	map->key[map->n] = xstrdup(key);
	map->item[map->n++] = v;
	return v;
}

struct val *val_submap(struct val *map, const char *key)
{
	struct val *v = val_get(map, key);

	return v && v->kind == VAL_MAP ? v : val_set(map, key, val_map());
}

struct val *val_insert(struct val *map, size_t at, const char *key, struct val *v)
{
	char *k;

	if (val_get(map, key))
		return val_set(map, key, v);	/* replaced where it stands */
	val_set(map, key, v);
	k = map->key[map->n - 1];
	memmove(map->key + at + 1, map->key + at, (map->n - 1 - at) * sizeof(*map->key));
	memmove(map->item + at + 1, map->item + at, (map->n - 1 - at) * sizeof(*map->item));
	map->key[at] = k;
	map->item[at] = v;
	return v;
}

void val_order_like(struct val *v, const struct val *like)
{
	size_t at = 0;

	if (!v || !like || v->kind != like->kind)
		return;
	if (v->kind == VAL_SEQ) {
		for (size_t i = 0; i < v->n && i < like->n; i++)
			val_order_like(v->item[i], like->item[i]);
		return;
	}
	for (size_t k = 0; v->kind == VAL_MAP && k < like->n; k++) {
		for (size_t i = at; i < v->n; i++) {
			char *key = v->key[i];
			struct val *item = v->item[i];

			if (strcmp(key, like->key[k]))
				continue;
			memmove(v->key + at + 1, v->key + at, (i - at) * sizeof(*v->key));
			memmove(v->item + at + 1, v->item + at, (i - at) * sizeof(*v->item));
			v->key[at] = key;
			v->item[at++] = item;
			val_order_like(item, like->item[k]);
			break;
		}
	}
}

struct val *val_push(struct val *seq, struct val *v)
{
	BUG_ON(seq->kind != VAL_SEQ);
	ALLOC_GROW(seq->item, seq->n + 1, seq->alloc);
	seq->item[seq->n++] = v;
	return v;
}

struct val *val_get(const struct val *map, const char *key)
{
	if (!map || map->kind != VAL_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->key[i], key))
			return map->item[i];
	return NULL;
}

struct val *val_from_ynode(const struct ynode *n)
{
	struct val *v;

	if (!n || n->kind == YNODE_ALIAS)
		return val_raw("null");
	switch (n->kind) {
	case YNODE_MAP:
		v = val_map();
		for (size_t i = 0; i + 1 < n->nkid; i += 2)
			val_set(v, n->kid[i]->text ? n->kid[i]->text : "", val_from_ynode(n->kid[i + 1]));
		return v;
	case YNODE_SEQ:
		v = val_seq();
		for (size_t i = 0; i < n->nkid; i++)
			val_push(v, val_from_ynode(n->kid[i]));
		return v;
	default:
		/* a plain scalar re-renders as the same plain text, so it keeps
		 * whatever type it had; anything quoted or block is a string */
		if (n->style == YSTYLE_PLAIN)
			return n->tlen ? val_raw(n->text) : val_raw("null");
		return val_str(n->text);
	}
}

struct val *val_copy(const struct val *v)
{
	struct val *c;

	if (!v)
		return NULL;
	if (v->kind == VAL_SCALAR) {
		c = val_str(v->str);
		c->is_string = v->is_string;
		return c;
	}
	c = v->kind == VAL_MAP ? val_map() : val_seq();
	for (size_t i = 0; i < v->n; i++) {
		if (v->kind == VAL_MAP)
			val_set(c, v->key[i], val_copy(v->item[i]));
		else
			val_push(c, val_copy(v->item[i]));
	}
	return c;
}

void val_free(struct val *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->key)
			free(v->key[i]);
		val_free(v->item[i]);
	}
	free(v->key);
	free(v->item);
	free(v->str);
	free(v);
}

/*
 * Plain scalars that do not read back as the same string under YAML 1.1 or
 * 1.2 (Kubernetes tools use both): null, booleans of either version, ints,
 * floats, octal/hex/binary, sexagesimal, dates.
 */
static const char ambiguous_re[] =
	"^(?:~|null|true|false|yes|no|on|off|y|n"
	"|[-+]?\\.(?:inf|nan)"
	"|[-+]?[0-9_]*(?:\\.[0-9_]*)?(?:e[-+]?[0-9]+)?"
	"|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+"
	"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?"
	"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$";
static const char json_literal_re[] =
	"^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$";

static pcre2_code *compile(const char *re, uint32_t flags)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, flags, &err, &off, NULL);

	BUG_ON(!c);
	return c;
}

static bool re_match(pcre2_code **code, const char *re, uint32_t flags, const char *s)
{
	pcre2_match_data *md;
	int rc;

	if (!*code)
		*code = compile(re, flags);
	md = pcre2_match_data_create_from_pattern(*code, NULL);
	rc = pcre2_match(*code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* Compiled by render_init() (or on first use) and freed by render_release():
 * a run that renders from several threads calls render_init() first, after
 * which the patterns are only read (pcre2 matching is thread-safe with a
 * match data block per call). */
static pcre2_code *ambiguous_code, *json_literal_code;

void render_init(void)
{
	if (!ambiguous_code)
		ambiguous_code = compile(ambiguous_re, PCRE2_CASELESS);
	if (!json_literal_code)
		json_literal_code = compile(json_literal_re, 0);
}

void render_release(void)
{
	pcre2_code_free(ambiguous_code);
	pcre2_code_free(json_literal_code);
	ambiguous_code = json_literal_code = NULL;
}

/* ^[A-Za-z0-9_./][A-Za-z0-9_./@%+=-]*(?::[A-Za-z0-9_./@%+=-]+)*$ by hand:
 * it is asked of every rendered scalar.  ":" only inside: "a:b" is a plain
 * scalar, "a:" and "a: b" are not. */
static bool plain_safe(const char *s)
{
	static const char first[] = "_./", rest[] = "_./@%+=-";

	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (c == ':' && p != s && p[1] && p[1] != ':')
			continue;
		if (!strchr(p == s ? first : rest, c))
			return false;
	}
	return *s != '\0';
}

/* Only a string that starts like one of ambiguous_re's alternatives can
 * match it: a digit, a sign, a dot, "_" (digits may be grouped), "e"
 * (an empty mantissa), "~" or the first letter of null, true, false, yes,
 * no, on, off, y or n (any case). */
static bool maybe_ambiguous(const char *s)
{
	return strchr("0123456789+-._eE~nNtTfFyYoO", *s) != NULL;
}

static bool plain_ok(const char *s)
{
	return plain_safe(s) && !(maybe_ambiguous(s) && re_match(&ambiguous_code, ambiguous_re, PCRE2_CASELESS, s));
}

static void quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}

void render_scalar(struct strbuf *out, const struct val *v, bool json)
{
	if (json) {
		if (!v->is_string && re_match(&json_literal_code, json_literal_re, 0, v->str))
			strbuf_addstr(out, v->str);
		else
			quote(out, v->str);
		return;
	}
	if (!v->is_string || plain_ok(v->str))
		strbuf_addstr(out, v->str);
	else
		quote(out, v->str);
}

void render_key(struct strbuf *out, const char *key, bool json)
{
	if (!json && plain_ok(key))
		strbuf_addstr(out, key);
	else
		quote(out, key);
}

static void block_item(struct strbuf *out, const struct style *st, unsigned dashcol,
		       const struct val *v);

/* "key: value" at col; with inline_first the indentation is already there. */
static void block_pair(struct strbuf *out, const struct style *st, unsigned col,
		       const char *key, const struct val *v, bool inline_first)
{
	if (!inline_first)
		strbuf_addchars(out, ' ', col);
	render_key(out, key, false);
	strbuf_addch(out, ':');
	if (v->kind == VAL_SCALAR) {
		strbuf_addch(out, ' ');
		render_scalar(out, v, false);
		strbuf_addstr(out, st->eol);
	} else if (!v->n) {
		strbuf_addstr(out, v->kind == VAL_MAP ? " {}" : " []");
		strbuf_addstr(out, st->eol);
	} else if (v->kind == VAL_MAP) {
		strbuf_addstr(out, st->eol);
		for (size_t i = 0; i < v->n; i++)
			block_pair(out, st, col + st->indent, v->key[i], v->item[i], false);
	} else {
		strbuf_addstr(out, st->eol);
		for (size_t i = 0; i < v->n; i++)
			block_item(out, st, col + st->seq_indent, v->item[i]);
	}
}

static void block_item(struct strbuf *out, const struct style *st, unsigned dashcol,
		       const struct val *v)
{
	strbuf_addchars(out, ' ', dashcol);
	strbuf_addch(out, '-');
	if (v->kind == VAL_MAP && v->n) {
		strbuf_addchars(out, ' ', st->dash_gap - 1);
		for (size_t i = 0; i < v->n; i++)
			block_pair(out, st, dashcol + st->dash_gap, v->key[i], v->item[i], i == 0);
		return;
	}
	strbuf_addch(out, ' ');
	if (v->kind == VAL_SCALAR)
		render_scalar(out, v, false);
	else
		render_flow(out, st, v, false, 0);
	strbuf_addstr(out, st->eol);
}

void render_block_pair(struct strbuf *out, const struct style *st, unsigned col,
		       const char *key, const struct val *v)
{
	block_pair(out, st, col, key, v, false);
}

void render_block_item(struct strbuf *out, const struct style *st, unsigned dashcol,
		       const struct val *v)
{
	block_item(out, st, dashcol, v);
}

void render_block_doc(struct strbuf *out, const struct style *st, const struct val *v)
{
	BUG_ON(v->kind != VAL_MAP);
	for (size_t i = 0; i < v->n; i++)
		block_pair(out, st, 0, v->key[i], v->item[i], false);
}

void render_flow(struct strbuf *out, const struct style *st, const struct val *v,
		 bool pretty, unsigned col)
{
	bool map = v->kind == VAL_MAP;

	if (v->kind == VAL_SCALAR) {
		render_scalar(out, v, true);
		return;
	}
	strbuf_addch(out, map ? '{' : '[');
	if (!v->n) {
		strbuf_addch(out, map ? '}' : ']');
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		if (pretty) {
			strbuf_addstr(out, st->eol);
			strbuf_addchars(out, ' ', col + st->indent);
		} else if (i) {
			strbuf_addch(out, ' ');
		}
		if (map) {
			render_key(out, v->key[i], true);
			strbuf_addstr(out, ": ");
		}
		render_flow(out, st, v->item[i], pretty, col + st->indent);
	}
	if (pretty) {
		strbuf_addstr(out, st->eol);
		strbuf_addchars(out, ' ', col);
	}
	strbuf_addch(out, map ? '}' : ']');
}
