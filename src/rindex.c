/*
 * rindex.c - resources by kind, namespace and name (see rindex.h).
 *
 * A linear index: runs are dominated by parsing, and lookups are few per
 * Deployment.  Replace with a hash when profiles say so.
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

	for (size_t i = 0; !r && i < ri->n; i++)
		if (!strcmp(ri->r[i].kind, kind) && !strcmp(ri->r[i].ns, ns) && rindex_named(&ri->r[i], name))
			r = &ri->r[i];
	return r;
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
	memset(ri, 0, sizeof(*ri));
}

const struct resource *rindex_find(const struct rindex *ri, const char *kind, const char *ns,
				   const char *name)
{
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];

		if (!strcmp(r->kind, kind) && !strcmp(r->ns, ns) && !strcmp(r->name, name))
			return r;
	}
	return NULL;
}
