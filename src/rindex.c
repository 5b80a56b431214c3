/*
 * rindex.c - resources by kind, namespace and name (see rindex.h).
 *
 * Lookups by kind, namespace and name go through a hash index: a stream of
 * 100 MB holds tens of thousands of objects, and every Deployment looks up
 * its claims and Service names.
 */
#include "rindex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "ytree.h"

static const char *str_or_empty(const struct ynode *n)
{
	const char *s = ynode_str(n);

	return s ? s : "";
}

static void add_object(struct rindex *ri, size_t in, size_t doc, const struct ynode *n,
		       const struct ynode *item)
{
	struct resource *r;
	const struct ynode *md = ynode_get(n, "metadata");

	ALLOC_GROW(ri->r, ri->n + 1, ri->alloc);
	r = &ri->r[ri->n++];
	r->in = in;
	r->doc = doc;
	r->node = n;
	r->list_item = item;
	r->kind = str_or_empty(ynode_get(n, "kind"));
	r->api = str_or_empty(ynode_get(n, "apiVersion"));
	r->name = str_or_empty(ynode_get(md, "name"));
	r->ns = str_or_empty(ynode_get(md, "namespace"));
	hidx_add(&ri->by_name, hash_str(hash_str(hash_str(HASH_INIT, r->kind), r->ns), r->name), ri->n - 1);
	if (ynode_get(ynode_path(md, "annotations", NULL), "internal.config.kubernetes.io/previousNames"))
		hidx_add(&ri->by_prev, hash_str(hash_str(HASH_INIT, r->kind), r->ns), ri->n - 1);
}

bool rindex_is_resource_list(const struct ynode *root)
{
	return ynode_is(ynode_get(root, "kind"), "ResourceList") &&
	       ynode_is(ynode_get(root, "apiVersion"), "config.kubernetes.io/v1");
}

bool rindex_is_list(const struct ynode *root)
{
	return ynode_is(ynode_get(root, "kind"), "List") || rindex_is_resource_list(root);
}

void rindex_add(struct rindex *ri, size_t in, const struct ystream *ys)
{
	for (size_t d = 0; d < ys->ndoc; d++) {
		const struct ynode *root = ys->doc[d].root;
		const struct ynode *items;

		if (!root || root->kind != YNODE_MAP || !ynode_is_scalar(ynode_get(root, "kind")))
			continue;
		items = ynode_get(root, "items");
		if (rindex_is_list(root) && items && items->kind == YNODE_SEQ) {
			for (size_t i = 0; i < items->nkid; i++)
				if (items->kid[i]->kind == YNODE_MAP)
					add_object(ri, in, d, items->kid[i], items->kid[i]);
			continue;
		}
		add_object(ri, in, d, root, NULL);
	}
}

void rindex_add_name(struct rindex *ri, size_t in, const char *kind, const char *api,
		     const char *name, const char *ns)
{
	struct resource *r;

	ALLOC_GROW(ri->r, ri->n + 1, ri->alloc);
	r = &ri->r[ri->n++];
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->doc = NOPOS;
	r->kind = kind;
	r->api = api;
	r->name = name;
	r->ns = ns;
	hidx_add(&ri->by_name, hash_str(hash_str(hash_str(HASH_INIT, kind), ns), name), ri->n - 1);
}

bool rindex_named(const struct resource *r, const char *name)
{
	const char *prev = ynode_str(ynode_get(ynode_path(r->node, "metadata", "annotations", NULL),
					       "internal.config.kubernetes.io/previousNames"));
	size_t len;

	if (!name)
		return false;
	if (!strcmp(r->name, name))
		return true;
	len = strlen(name);
	for (const char *p = prev; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

const struct resource *rindex_find_named(const struct rindex *ri, const char *kind, const char *ns,
					 const char *name)
{
	const struct resource *r = rindex_find(ri, kind, ns, name);
	uint64_t h;

	if (r || !name)
		return r;
	/* only objects with previous names can go by another name; the
	 * chain keeps index order, so the first one wins as in a scan */
	h = hash_str(hash_str(HASH_INIT, kind), ns);
	for (size_t i = hidx_first(&ri->by_prev, h); i != HIDX_NONE; i = hidx_next(&ri->by_prev, i))
		if (!strcmp(ri->r[i].kind, kind) && !strcmp(ri->r[i].ns, ns) && rindex_named(&ri->r[i], name))
			return &ri->r[i];
	return NULL;
}

const char *rindex_krm_annotation(const struct ynode *obj, const char *what)
{
	const struct ynode *ann = ynode_path(obj, "metadata", "annotations", NULL);
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "config.kubernetes.io/%s", what);
	if ((v = ynode_str(ynode_get(ann, key))) && *v)
		return v;
	snprintf(key, sizeof(key), "internal.config.kubernetes.io/%s", what);
	if ((v = ynode_str(ynode_get(ann, key))) && *v)
		return v;
	return NULL;
}

void rindex_release(struct rindex *ri)
{
	free(ri->r);
	hidx_release(&ri->by_name);
	hidx_release(&ri->by_prev);
	memset(ri, 0, sizeof(*ri));
}

const struct resource *rindex_find(const struct rindex *ri, const char *kind, const char *ns,
				   const char *name)
{
	uint64_t h = hash_str(hash_str(hash_str(HASH_INIT, kind), ns), name);

	for (size_t i = hidx_first(&ri->by_name, h); i != HIDX_NONE; i = hidx_next(&ri->by_name, i)) {
		const struct resource *r = &ri->r[i];

		if (!strcmp(r->kind, kind) && !strcmp(r->ns, ns) && !strcmp(r->name, name))
			return r;
	}
	return NULL;
}
