/*
 * rindex.h - the resource index: every Kubernetes object of every input.
 *
 * An object is a mapping with a `kind`: the root of a document, or an item
 * of a `kind: List` (a List's items are objects of their own).  The items
 * of a KRM function's `config.kubernetes.io/v1` ResourceList are objects in
 * the same way; its functionConfig and results are not.  All inputs
 * of one run form one index, so a PVC in one file is matched with the
 * Deployment in another by namespace (unset matches unset) and name.
 */
#ifndef STSIFY_RINDEX_H
#define STSIFY_RINDEX_H

#include <stdbool.h>
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
	struct hidx by_prev;		/* kind and namespace -> r[i] with previousNames */
};

/* Is this document root a KRM ResourceList (config.kubernetes.io/v1)? */
bool rindex_is_resource_list(const struct ynode *root);
/* Does this root hold objects in `items` (a List or a ResourceList)? */
bool rindex_is_list(const struct ynode *root);

/*
 * Does r go by name?  Its name, or one it had before Kustomize renamed it
 * (namePrefix, nameSuffix): a Kustomize transformer plugin sees references
 * such as claimName still under the old name, which Kustomize updates only
 * after the transformers ran; it lists the old names in the annotation
 * internal.config.kubernetes.io/previousNames.
 */
bool rindex_named(const struct resource *r, const char *name);
/* rindex_find(), or else an object of that kind and namespace that
 * rindex_named() name. */
const struct resource *rindex_find_named(const struct rindex *ri, const char *kind, const char *ns,
					 const char *name);

/*
 * The KRM annotation "config.kubernetes.io/<what>" of an object (what is
 * "path" or "index": where kpt writes it back), or else the
 * "internal.config.kubernetes.io/<what>" that kpt also sets; NULL when
 * neither is set.
 */
const char *rindex_krm_annotation(const struct ynode *obj, const char *what);

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
