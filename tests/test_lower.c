/*
 * test_lower.c - operations become text edits in the document's own style:
 * whole lines in block collections (with the comment on the line and the
 * comment lines just above at the entry's column; others stay), the entry and its separator in flow
 * collections, new pairs at the column of the keys; an edit that would
 * change an anchored node (and so its aliases) is refused, naming the
 * Deployment plan it belongs to.  The plans are made with the builders of
 * plan.h (planedit.c), the edits applied with edit.h.
 */
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "lower.h"
#include "plan.h"
#include "render.h"
#include "source.h"
#include "test_lib.h"
#include "ytree.h"

struct fixture {
	struct source src;
	struct ystream ys;
	struct plan p;
	struct edits ed;
	struct lower_error err;
	char *out;		/* the edits applied, after lower_ok() */
};

static void setup(struct fixture *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	source_init_take(&f->src, "x.yaml", strdup(text), strlen(text));
	cr_assert_eq(ystream_parse(&f->ys, f->src.buf, f->src.len), 0, "the fixture does not parse: %s",
		     TL_STR(f->ys.err_msg));
}

static void teardown(struct fixture *f)
{
	free(f->out);
	free(f->err.why);
	edits_release(&f->ed);
	plan_release(&f->p);
	ystream_release(&f->ys);
	source_release(&f->src);
	render_release();
}

/* The node at key path (NULL-terminated) of document 0. */
static const struct ynode *at(struct fixture *f, const char *key)
{
	const struct ynode *n = ynode_get(f->ys.doc[0].root, key);

	cr_assert_not_null(n, "no key \"%s\" in the fixture", key);
	return n;
}

static int lower_all(struct fixture *f, const size_t *ops, size_t nops)
{
	struct lower_job lj = { &f->p, 0, &f->src, &f->ys, ops, nops };

	return lower_edits(&lj, &f->ed, &f->err);
}

/* Lower every operation; they must lower and apply: f->out. */
static const char *lower_ok(struct fixture *f)
{
	struct strbuf sb = STRBUF_INIT;
	const struct edit *bad;
	int rc = lower_all(f, NULL, 0);

	cr_assert_eq(rc, 0, "lower_edits: expected 0, got %d (%s)", rc, TL_STR(f->err.why));
	cr_assert_eq(edits_apply(&f->ed, f->src.buf, f->src.len, &sb, &bad), 0, "the edits overlap");
	f->out = strbuf_detach(&sb, NULL);
	return f->out;
}

Test(lower, removes_a_block_pair_with_its_lines_and_comments)
{
	struct fixture f;

	/* its comment lines just above at its column go with it; others stay */
	setup(&f, "a: 1\n  # not at b's column\n# about b\nb: 2 # b's own\n# after b\nc: 3\n");
	plan_add_remove(&f.p, 0, 0, at(&f, "b"), 0);
	assert_str_eq(lower_ok(&f), "a: 1\n  # not at b's column\n# after b\nc: 3\n", "the output");
	teardown(&f);
}

Test(lower, removes_a_flow_entry_with_its_separator)
{
	struct fixture f;

	setup(&f, "m: {a: 1, b: 2, c: 3}\n");
	plan_add_remove(&f.p, 0, 0, ynode_get(at(&f, "m"), "b"), 0);
	assert_str_eq(lower_ok(&f), "m: {a: 1, c: 3}\n", "the output");
	teardown(&f);
}

Test(lower, sets_a_scalar_in_place)
{
	struct fixture f;

	setup(&f, "kind: Deployment # the kind\nreplicas: 2\n");
	plan_add_set(&f.p, 0, 0, at(&f, "kind"), "StatefulSet", 0);
	assert_str_eq(lower_ok(&f), "kind: StatefulSet # the kind\nreplicas: 2\n", "the output");
	teardown(&f);
}

Test(lower, inserts_a_pair_at_the_column_of_the_keys)
{
	struct fixture f;
	struct val *v = val_map();

	setup(&f, "spec:\n    replicas: 2\n    paused: false\n");
	val_set(v, "type", val_str("OnDelete"));
	plan_add_pair(&f.p, 0, 0, at(&f, "spec"), "updateStrategy", v, 0);
	assert_str_eq(lower_ok(&f), "spec:\n    replicas: 2\n    paused: false\n    updateStrategy:\n        type: OnDelete\n",
		      "the output");
	teardown(&f);
}

/* plan_add_item(): a kustomization's patches list gets an entry in its style */
Test(lower, inserts_an_item_after_the_last_of_a_block_sequence)
{
	struct fixture f;
	const struct ynode *ps;
	struct val *v = val_map();

	setup(&f, "patches:\n  - path: pvc.yaml\n    target:\n      kind: PersistentVolumeClaim\nnamespace: x\n");
	ps = at(&f, "patches");
	val_set(v, "path", val_str("db-claim-templates.yaml"));
	plan_add_item(&f.p, 0, 0, ps, ps->kid[ps->nkid - 1], v, 0);
	assert_str_eq(lower_ok(&f),
		      "patches:\n  - path: pvc.yaml\n    target:\n      kind: PersistentVolumeClaim\n"
		      "  - path: db-claim-templates.yaml\nnamespace: x\n",
		      "the output");
	teardown(&f);
}

Test(lower, inserts_a_pair_in_a_flow_mapping_in_json_style)
{
	struct fixture f;

	setup(&f, "{\"spec\": {\"replicas\": 2}}\n");
	plan_add_pair(&f.p, 0, 0, at(&f, "spec"), "serviceName", val_str("db"), 0);
	assert_str_eq(lower_ok(&f), "{\"spec\": {\"replicas\": 2, \"serviceName\": \"db\"}}\n", "the output");
	teardown(&f);
}

Test(lower, only_the_operations_listed)
{
	struct fixture f;
	size_t ops[] = { 1 };
	struct strbuf sb = STRBUF_INIT;
	const struct edit *bad;

	setup(&f, "a: 1\nb: 2\n");
	plan_add_remove(&f.p, 0, 0, at(&f, "a"), 0);
	plan_add_remove(&f.p, 0, 0, at(&f, "b"), 1);
	assert_int_eq(lower_all(&f, ops, 1), 0);
	assert_size_eq(f.ed.n, 1);
	assert_int_eq(f.ed.e[0].dep, 1);
	cr_assert_eq(edits_apply(&f.ed, f.src.buf, f.src.len, &sb, &bad), 0, "the edits overlap");
	assert_mem_str(sb.buf, sb.len, "a: 1\n");
	strbuf_release(&sb);
	teardown(&f);
}

Test(lower, a_cancelled_operation_makes_no_edit)
{
	struct fixture f;

	setup(&f, "a: 1\nb: 2\n");
	plan_add_remove(&f.p, 0, 0, at(&f, "a"), 3);
	plan_forget_op(&f.p, 0);
	assert_str_eq(lower_ok(&f), "a: 1\nb: 2\n", "the output");
	assert_size_eq(f.ed.n, 0);
	teardown(&f);
}

Test(lower, an_edit_of_an_anchored_node_is_refused)
{
	struct fixture f;
	int rc;

	setup(&f, "a: &x\n  k: v\nb: *x\nc: 1\n");
	plan_add_remove(&f.p, 0, 0, at(&f, "c"), 5);
	plan_add_remove(&f.p, 0, 0, ynode_get(at(&f, "a"), "k"), 7);
	rc = lower_all(&f, NULL, 0);
	assert_int_eq(rc, -1);
	assert_int_eq(f.err.dep, 7);
	cr_assert_eq(f.err.code, CODE_UNSUPPORTED_ALIAS, "code: expected %s, got %s",
		     code_name(CODE_UNSUPPORTED_ALIAS), code_name(f.err.code));
	assert_contains(f.err.why, "anchored node");
	teardown(&f);
}

Test(lower, an_anchor_without_alias_is_edited)
{
	struct fixture f;

	setup(&f, "a: &x\n  k: v\n  j: w\nc: 1\n");
	plan_add_remove(&f.p, 0, 0, ynode_get(at(&f, "a"), "k"), 0);
	assert_str_eq(lower_ok(&f), "a: &x\n  j: w\nc: 1\n", "the output");
	teardown(&f);
}
