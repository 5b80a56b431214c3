/*
 * test_nest.c - nest.h: the depth of YAML text found without parsing it,
 * case by case, and never more than the span tree's on real manifests
 * (it must not refuse valid text, and must count what libfyaml nests).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nest.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

static void check_depth(const char *yaml, size_t want)
{
	size_t got = nest_depth(yaml, 0, strlen(yaml));

	cr_assert(got == want, "depth of\n---\n%s---\nexpected %zu, got %zu", yaml, want, got);
}

Test(nest, block_collections)
{
	check_depth("", 0);
	check_depth("a\n", 0);
	check_depth("a: 1\nb: 2\n", 1);
	check_depth("a:\n  b:\n    c: 1\nd: 2\n", 3);
	check_depth("- a\n- b\n", 1);
	check_depth("- - - a\n    - b\n  - c\n", 3);
	check_depth("- a: 1\n  b:\n  - x\n", 3);
	/* a sequence in the column of its key */
	check_depth("a:\n- x\n- y\nb:\n- z\n", 2);
	check_depth("a:\n- b:\n  - c\n", 4);
	check_depth("? a\n: - b\n  - c\n", 2);
	check_depth("&x !!map\n&y key: v\n", 1);
	check_depth("!!str a: b\nc: !!int 42\n!!str 23: !!bool false\n", 1);
	check_depth("*a : b\nc: *a\n", 1);
}

Test(nest, flow_collections)
{
	check_depth("a: [1, [2, {b: [3]}]]\n", 5);
	check_depth("[a: b]\n", 2);		/* a single-pair mapping */
	check_depth("[\"JSON\":adjacent]\n", 2);
	check_depth("[::vector, http://x:80]\n", 1);	/* plain scalars */
	check_depth("{a: [\n  b,\n  {c: d}\n]}\n", 3);
	check_depth("- {a: 1}\n- [b]\n", 2);
	check_depth("[it's, a]\n", 1);		/* a quote in a plain scalar */
}

Test(nest, what_nests_nothing)
{
	check_depth("a: \"[[[{{\"\nb: '[[''[['\nc: \"\\\"[[\"\n", 1);
	check_depth("a: |\n  [[[[\n  - - -\n    {{{\nb: 1\n", 1);
	check_depth("a: >2\n   [[[\n  - x\nb: 1\n", 1);
	check_depth("- |\n  - a: [\n- b\n", 1);
	check_depth("a: text [[[ more\n  continued [[[ {{ - x\nb: 1\n", 1);
	check_depth("# [[[[\na: 1 # [[[\n", 1);
	check_depth("a: \"multi\n  [[[ line\"\nb: 1\n", 1);
	check_depth("--- |\n[[[[\n--- a\n", 0);
	check_depth("a: b#[[\n", 1);
}

Test(nest, documents_start_again)
{
	check_depth("a:\n  b: 1\n---\n- x\n...\n- y\n", 2);
}

Test(nest, first_too_deep)
{
	struct strbuf sb = STRBUF_INIT;
	size_t off = 0;

	strbuf_addstr(&sb, "a: ");
	for (int i = 0; i < 100; i++)
		strbuf_addch(&sb, '[');
	cr_assert_eq(nest_check(sb.buf, 0, sb.len, 64, &off), -1, "100 levels passed a limit of 64");
	/* the map is level 1: the 64th bracket is level 65 */
	cr_assert_eq(off, 3 + 63, "expected the offset of the 64th bracket (66), got %zu", off);
	cr_assert_eq(nest_check(sb.buf, 0, sb.len, NEST_MAX_DEPTH, &off), 0, "101 levels refused under %d",
		     NEST_MAX_DEPTH);
	strbuf_reset(&sb);
	for (int i = 0; i < 70; i++)
		strbuf_addstr(&sb, "- ");
	strbuf_addstr(&sb, "x\n");
	cr_assert_eq(nest_check(sb.buf, 0, sb.len, 64, &off), -1, "70 compact sequences passed");
	cr_assert_eq(off, 128, "expected the offset of the 65th dash (128), got %zu", off);
	strbuf_release(&sb);
}

/* The deepest collection of a span tree. */
static size_t tree_depth(const struct ynode *n)
{
	size_t d = 0;

	if (!n || (n->kind != YNODE_MAP && n->kind != YNODE_SEQ))
		return 0;
	for (size_t i = 0; i < n->nkid; i++) {
		size_t k = tree_depth(n->kid[i]);

		if (k > d)
			d = k;
	}
	return d + 1;
}

/* On every file that parses: never deeper than the span tree. */
static size_t check_files(const char *dir, size_t *equal)
{
	char **paths = NULL;
	size_t n = 0, alloc = 0, parsed = 0;

	collect(dir, &paths, &n, &alloc);
	for (size_t i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0, want = 0, got;
		struct ystream ys;

		cr_assert_eq(read_file(paths[i], &buf, &len), 0, "cannot read %s", paths[i]);
		if (!ystream_parse_depth(&ys, buf, len, NEST_MAX_DEPTH)) {
			for (size_t d = 0; d < ys.ndoc; d++) {
				size_t k = tree_depth(ys.doc[d].root);

				want = k > want ? k : want;
			}
			got = nest_depth(buf, 0, len);
			cr_assert(got <= want, "%s: nest_depth() %zu, deeper than the tree (%zu)", paths[i], got,
				  want);
			*equal += got == want;
			parsed++;
		}
		ystream_release(&ys);
		free(buf);
		free(paths[i]);
	}
	free(paths);
	return parsed;
}

Test(nest, never_deeper_than_the_tree)
{
	size_t equal = 0, n = check_files("testdata", &equal);

	cr_assert_gt(n, 100, "%zu golden files parsed, expected more than 100 (run from the repository root)", n);
	cr_assert_eq(equal, n, "%zu of %zu golden files measured as deep as their tree", equal, n);
	equal = 0;
	n = check_files("../shared/corpus", &equal);
	cr_assert_eq(equal, n, "%zu of %zu corpus files measured as deep as their tree", equal, n);
}
