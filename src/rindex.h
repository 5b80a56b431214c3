/*
 * rindex.h - the resource index: every Kubernetes object of every input.
 *
 * An object is a mapping with a `kind`: the root of a document, or an item
 * of a `kind: List` (a List's items are objects of their own).  All inputs
 * of one run form one index, so a PVC in one file is matched with the
 * Deployment in another by namespace (unset matches unset) and name.
 */
#ifndef STSIFY_RINDEX_H
#define STSIFY_RINDEX_H

#include <stddef.h>

#include "util.h"

struct source;
struct ystream;
struct ynode;

struct resource {
	size_t in;			/* input index */
	size_t doc;			/* document index in that input */
	const struct ynode *node;	/* the object's mapping */
	const struct ynode *list_item;	/* set when the object is an item of a List */
	const char *kind, *api, *name, *ns;	/* "" when absent */
};

struct rindex {
	struct resource *r;
	size_t n, alloc;
	struct hidx by_name;		/* kind, namespace and name -> r[i] */
};

/* Add the objects of one parsed input. */
void rindex_add(struct rindex *ri, size_t in, const struct ystream *ys);
/* Add an object known by its kind, namespace and name only (node NULL,
 * doc NOPOS): one the planner only looks up, never reads.  The strings
 * must outlive ri. */
void rindex_add_name(struct rindex *ri, size_t in, const char *kind, const char *api,
		     const char *name, const char *ns);
void rindex_release(struct rindex *ri);

/* The first object of this kind, namespace and name, or NULL. */
const struct resource *rindex_find(const struct rindex *ri, const char *kind, const char *ns,
				   const char *name);

#endif
