/*
 * test_planner.c - the primitives the planner's modules record through
 * (planner.h): a scalar is set once, a removal that empties its parent
 * removes the parent, findings belong to the current plan; and the
 * span-tree readers they share.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_lib.h"
#include "test_planfix.h"

static const char *const paths[] = { "a.yaml" };

Test(planner, set_once_and_remove_what_empties)
{
	static const char *const texts[] = {
		"kind: Thing\nmetadata:\n  name: t\nspec:\n  a:\n    b: 1\n    c: 2\n  keep:\n    d: 3\n  e: 4\n",
	};
	struct planfix f;
	const struct resource *r;
	const struct ynode *spec, *a, *keep;

	planfix_init(&f, NULL, paths, texts, 1);
	r = planfix_find(&f, "Thing", "t");
	spec = ynode_get(r->node, "spec");
	a = ynode_get(spec, "a");
	keep = ynode_get(spec, "keep");
	planfix_dplan(&f, r);
	plan_set_scalar(f.c, r, ynode_get(r->node, "kind"), "Other");
	plan_set_scalar(f.c, r, ynode_get(r->node, "kind"), "Third");
	plan_remove(f.c, r, ynode_get(a, "b"), (const struct ynode *const[]){ r->node, spec, keep, NULL });
	assert_str_eq(planfix_ops(&f), "set kind -> Other\nremove b\n", "one removal of two");
	plan_remove(f.c, r, ynode_get(a, "c"), (const struct ynode *const[]){ r->node, spec, keep, NULL });
	assert_str_eq(planfix_ops(&f), "set kind -> Other\nremove a\n", "a emptied: a goes, its pairs' removals are cancelled");
	plan_remove(f.c, r, ynode_get(keep, "d"), (const struct ynode *const[]){ r->node, spec, keep, NULL });
	assert_str_eq(planfix_ops(&f), "set kind -> Other\nremove a\nremove d\n", "keep stays, even empty");
	cr_expect(plan_is_removed(f.c, a), "a is removed: expected true");
	cr_expect(!plan_is_removed(f.c, ynode_get(spec, "e")), "e is not removed: expected false");
	cr_expect(f.p.op[0].dep == 0, "the operations belong to plan 0, got %zu", f.p.op[0].dep);
	plan_note(f.c, r, a, CODE_DROPPED_FIELD, "a %s", "note");
	assert_size_eq(f.rep.n, 1);
	assert_size_eq(f.rep.f[0].owner, 1);
	assert_str_eq(f.rep.f[0].kind, "Thing", "the finding's resource kind");
	assert_int_eq(f.rep.f[0].line, 6);	/* where the value of a starts */
	planfix_release(&f);
}

Test(planner, readers)
{
	static const char *const texts[] = {
		"t1: true\nt2: 'True'\nt3: TRUE\nf1: yes\nf2: [true]\n"
		"plain: {a: 1}\nanchored: &x {a: 1}\nalias: *x\nmerge: {<<: {a: 1}}\nquoted: {'<<': 1}\n"
		"pod:\n  containers:\n  - name: c\n    env: *x\n  - name: d\n    image: *x\n"
		"claim: {spec: {accessModes: [ReadWriteOnce]}}\n",
	};
	struct planfix f;
	const struct ynode *root;

	planfix_init(&f, NULL, paths, texts, 1);
	root = f.ys[0].doc[0].root;
	cr_expect(plan_truthy(ynode_get(root, "t1")) && plan_truthy(ynode_get(root, "t2")) &&
			  plan_truthy(ynode_get(root, "t3")),
		  "true, 'True', TRUE: expected true");
	cr_expect(!plan_truthy(ynode_get(root, "f1")) && !plan_truthy(ynode_get(root, "f2")) && !plan_truthy(NULL),
		  "yes, [true], none: expected false");
	cr_expect(!plan_has_alias(ynode_get(root, "plain"), true), "{a: 1}: expected no alias");
	cr_expect(plan_has_alias(ynode_get(root, "anchored"), true), "an anchor, with aliases: expected one");
	cr_expect(!plan_has_alias(ynode_get(root, "anchored"), false), "an anchor, merge keys only: expected none");
	cr_expect(plan_has_alias(ynode_get(root, "merge"), false), "<<: expected a merge key");
	cr_expect(!plan_has_alias(ynode_get(root, "quoted"), false), "a quoted '<<' is a plain key: expected none");
	/* a container's env is neither read nor copied; its image is */
	cr_assert(plan_alias_read(ynode_get(root, "pod"), false), "image: *x: expected an alias read");
	assert_scalar(ynode_key_of(plan_alias_read(ynode_get(root, "pod"), false)), "image");
	assert_size_eq(ynode_count(plan_pvc_modes(&(struct resource){ .node = ynode_get(root, "claim") })), 1);
	cr_expect(plan_pvc_modes(NULL) == NULL, "no claim: expected no modes");
	planfix_release(&f);
}
