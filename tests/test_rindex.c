/*
 * test_rindex.c - the resource index (rindex.c): which mappings are
 * objects (document roots with a kind, the items of a List or of a KRM
 * ResourceList), lookups by kind, namespace and name across inputs, names
 * from before a Kustomize rename, and the KRM path and index annotations.
 */
#include <stdio.h>
#include <string.h>

#include "rindex.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

static void parse(struct ystream *ys, const char *y)
{
	cr_assert_eq(ystream_parse(ys, y, strlen(y)), 0, "%s:\n%s", TL_STR(ys->err_msg), y);
}

/* The objects as "in:doc kind api ns/name [item]" lines. */
static char *objects(const struct rindex *ri)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "");
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];

		if (r->doc == NOPOS)
			strbuf_addf(&sb, "%zu:- ", r->in);
		else
			strbuf_addf(&sb, "%zu:%zu ", r->in, r->doc);
		strbuf_addf(&sb, "%s %s %s/%s%s\n", r->kind, r->api, r->ns, r->name, r->list_item ? " item" : "");
	}
	return strbuf_detach(&sb, NULL);
}

#define assert_objects(ri, expected)                                           \
	do {                                                                   \
		char *o_ = objects(ri);                                        \
		assert_str_eq(o_, (expected), "the objects indexed");          \
		free(o_);                                                      \
	} while (0)

/* "kind/ns/name" of a lookup's result, or "none" */
static const char *found(const struct resource *r, char *buf, size_t size)
{
	if (!r)
		return "none";
	snprintf(buf, size, "%s/%s/%s@%zu", r->kind, r->ns, r->name, r->in);
	return buf;
}

static const char y0[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n  namespace: shop\n---\n"
	"# an empty document\n---\n"
	"just: a map without a kind\n---\n"
	"- a sequence\n---\n"
	"kind: [not, a, scalar]\n---\n"
	"apiVersion: v1\nkind: List\nitems:\n"
	"- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata: {name: data}\n"
	"- not an object\n"
	"- kind: Service\n  metadata:\n    name: db\n    namespace: shop\n"
	"---\n"
	"kind: List\nitems: {not: a sequence}\n";
static const char y1[] =
	"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	"- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n    name: data\n    namespace: shop\n"
	"functionConfig:\n  kind: ConfigMap\n  metadata: {name: fn}\n";

Test(rindex, objects_of_each_input)
{
	struct ystream a, b;
	struct rindex ri = { 0 };

	parse(&a, y0);
	parse(&b, y1);
	rindex_add(&ri, 0, &a);
	rindex_add(&ri, 1, &b);
	assert_objects(&ri, "0:0 Deployment apps/v1 shop/db\n"
			    "0:5 PersistentVolumeClaim v1 /data item\n"
			    "0:5 Service  shop/db item\n"
			    "0:6 List  /\n"
			    "1:0 PersistentVolumeClaim v1 shop/data item\n");
	cr_assert(rindex_is_list(a.doc[5].root), "kind: List is not a list");
	cr_assert(!rindex_is_resource_list(a.doc[5].root), "kind: List is a ResourceList");
	cr_assert(rindex_is_resource_list(b.doc[0].root), "the ResourceList is not one");
	cr_assert(rindex_is_list(b.doc[0].root), "the ResourceList is not a list");
	cr_assert(!rindex_is_list(a.doc[0].root), "a Deployment is a list");
	rindex_release(&ri);
	assert_size_eq(ri.n, 0);
	ystream_release(&a);
	ystream_release(&b);
}

/* a ResourceList of another apiVersion is an object, not a list */
Test(rindex, resource_list_needs_its_api_version)
{
	struct ystream ys;
	struct rindex ri = { 0 };

	parse(&ys, "apiVersion: config.kubernetes.io/v2\nkind: ResourceList\nitems:\n- kind: Service\n");
	cr_assert(!rindex_is_resource_list(ys.doc[0].root), "config.kubernetes.io/v2 taken as a ResourceList");
	rindex_add(&ri, 0, &ys);
	assert_objects(&ri, "0:0 ResourceList config.kubernetes.io/v2 /\n");
	rindex_release(&ri);
	ystream_release(&ys);
}

Test(rindex, find_by_kind_namespace_and_name)
{
	struct ystream a, b;
	struct rindex ri = { 0 };
	char buf[128];

	parse(&a, y0);
	parse(&b, y1);
	rindex_add(&ri, 0, &a);
	rindex_add(&ri, 1, &b);
	assert_str_eq(found(rindex_find(&ri, "Deployment", "shop", "db"), buf, sizeof(buf)), "Deployment/shop/db@0",
		      "Deployment shop/db");
	assert_str_eq(found(rindex_find(&ri, "PersistentVolumeClaim", "shop", "data"), buf, sizeof(buf)),
		      "PersistentVolumeClaim/shop/data@1", "the claim shop/data");
	/* unset matches unset only */
	assert_str_eq(found(rindex_find(&ri, "PersistentVolumeClaim", "", "data"), buf, sizeof(buf)),
		      "PersistentVolumeClaim//data@0", "the claim data, no namespace");
	assert_str_eq(found(rindex_find(&ri, "Deployment", "", "db"), buf, sizeof(buf)), "none",
		      "Deployment db, no namespace");
	assert_str_eq(found(rindex_find(&ri, "Service", "shop", "data"), buf, sizeof(buf)), "none",
		      "Service shop/data");
	assert_str_eq(found(rindex_find(&ri, "service", "shop", "db"), buf, sizeof(buf)), "none",
		      "kind in lower case");
	rindex_release(&ri);
	ystream_release(&a);
	ystream_release(&b);
}

/* the first of two objects of the same name; one known by name only */
Test(rindex, first_wins_and_names_only)
{
	struct ystream ys;
	struct rindex ri = { 0 };
	const struct resource *r;
	char buf[128];

	parse(&ys, "kind: Service\nmetadata: {name: a}\nspec: {x: 1}\n---\nkind: Service\nmetadata: {name: a}\n");
	rindex_add(&ri, 3, &ys);
	rindex_add_name(&ri, 4, "Service", "v1", "b", "ns");
	r = rindex_find(&ri, "Service", "", "a");
	cr_assert(r && r->doc == 0, "the second Service a was found first (doc %zu)", r ? r->doc : NOPOS);
	r = rindex_find(&ri, "Service", "ns", "b");
	assert_str_eq(found(r, buf, sizeof(buf)), "Service/ns/b@4", "the name-only Service");
	cr_assert(r && !r->node && r->doc == NOPOS, "a name-only object with a node or a document");
	assert_objects(&ri, "3:0 Service  /a\n3:1 Service  /a\n4:- Service v1 ns/b\n");
	rindex_release(&ri);
	ystream_release(&ys);
}

/* Many objects: the hash chains find each one (and no other). */
Test(rindex, many_objects)
{
	struct strbuf sb = STRBUF_INIT;
	struct ystream ys;
	struct rindex ri = { 0 };
	char name[32], buf[128];

	for (int i = 0; i < 3000; i++)
		strbuf_addf(&sb, "---\nkind: %s\nmetadata:\n  name: n%d\n  namespace: ns%d\n",
			    i % 2 ? "Service" : "PersistentVolumeClaim", i, i % 7);
	parse(&ys, sb.buf);
	rindex_add(&ri, 0, &ys);
	assert_size_eq(ri.n, 3000);
	for (int i = 0; i < 3000; i += 37) {
		char ns[16], want[128];
		const char *kind = i % 2 ? "Service" : "PersistentVolumeClaim";

		snprintf(name, sizeof(name), "n%d", i);
		snprintf(ns, sizeof(ns), "ns%d", i % 7);
		snprintf(want, sizeof(want), "%s/%s/%s@0", kind, ns, name);
		assert_str_eq(found(rindex_find(&ri, kind, ns, name), buf, sizeof(buf)), want, name);
		snprintf(ns, sizeof(ns), "ns%d", (i + 1) % 7);
		assert_str_eq(found(rindex_find(&ri, kind, ns, name), buf, sizeof(buf)), "none", name);
	}
	rindex_release(&ri);
	ystream_release(&ys);
	strbuf_release(&sb);
}

/* names from before Kustomize's namePrefix / nameSuffix */
Test(rindex, previous_names)
{
	static const char y[] =
		"kind: PersistentVolumeClaim\nmetadata:\n  name: prod-data\n  annotations:\n"
		"    internal.config.kubernetes.io/previousNames: data,staging-data\n---\n"
		"kind: PersistentVolumeClaim\nmetadata:\n  name: other\n";
	struct ystream ys;
	struct rindex ri = { 0 };
	char buf[128];

	parse(&ys, y);
	rindex_add(&ri, 0, &ys);
	cr_assert(rindex_named(&ri.r[0], "prod-data"), "not named by its name");
	cr_assert(rindex_named(&ri.r[0], "data"), "not named by its first previous name");
	cr_assert(rindex_named(&ri.r[0], "staging-data"), "not named by its last previous name");
	cr_assert(!rindex_named(&ri.r[0], "dat"), "named by a prefix of a previous name");
	cr_assert(!rindex_named(&ri.r[0], "staging"), "named by a prefix of a previous name");
	cr_assert(!rindex_named(&ri.r[0], NULL), "named by NULL");
	cr_assert(!rindex_named(&ri.r[1], "data"), "an object without previous names named by one");
	assert_str_eq(found(rindex_find(&ri, "PersistentVolumeClaim", "", "data"), buf, sizeof(buf)), "none",
		      "rindex_find() by a previous name");
	assert_str_eq(found(rindex_find_named(&ri, "PersistentVolumeClaim", "", "staging-data"), buf, sizeof(buf)),
		      "PersistentVolumeClaim//prod-data@0", "rindex_find_named() by a previous name");
	assert_str_eq(found(rindex_find_named(&ri, "PersistentVolumeClaim", "", "other"), buf, sizeof(buf)),
		      "PersistentVolumeClaim//other@0", "rindex_find_named() by the name");
	assert_str_eq(found(rindex_find_named(&ri, "PersistentVolumeClaim", "x", "data"), buf, sizeof(buf)), "none",
		      "rindex_find_named() in another namespace");
	rindex_release(&ri);
	ystream_release(&ys);
}

Test(rindex, krm_annotations)
{
	static const char y[] =
		"kind: A\nmetadata:\n  annotations:\n    config.kubernetes.io/path: a.yaml\n"
		"    internal.config.kubernetes.io/path: ignored.yaml\n"
		"    internal.config.kubernetes.io/index: '2'\n---\n"
		"kind: B\nmetadata:\n  annotations:\n    config.kubernetes.io/path: ''\n"
		"    internal.config.kubernetes.io/path: b.yaml\n---\n"
		"kind: C\nmetadata: {name: c}\n";
	struct ystream ys;

	parse(&ys, y);
	assert_str_eq(rindex_krm_annotation(ys.doc[0].root, "path"), "a.yaml", "A's path");
	assert_str_eq(rindex_krm_annotation(ys.doc[0].root, "index"), "2", "A's index (internal)");
	assert_str_eq(rindex_krm_annotation(ys.doc[1].root, "path"), "b.yaml", "B's path (the empty one skipped)");
	assert_str_eq(rindex_krm_annotation(ys.doc[1].root, "index"), NULL, "B's index");
	assert_str_eq(rindex_krm_annotation(ys.doc[2].root, "path"), NULL, "C's path");
	ystream_release(&ys);
}
