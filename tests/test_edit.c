/*
 * test_edit.c - edits are applied in one pass, in order, never overlapping.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "edit.h"

Test(edit, no_edits_is_the_exact_input)
{
	struct edits ed = EDITS_INIT;
	struct strbuf out = STRBUF_INIT;
	const struct edit *bad;
	const char in[] = "a: 1\r\nb: 2";

	cr_assert_eq(edits_apply(&ed, in, sizeof(in) - 1, &out, &bad), 0);
	cr_assert_eq(out.len, sizeof(in) - 1);
	cr_assert_eq(memcmp(out.buf, in, out.len), 0);
	strbuf_release(&out);
}

Test(edit, sorted_and_insertions_keep_their_order)
{
	struct edits ed = EDITS_INIT;
	struct strbuf out = STRBUF_INIT;
	const struct edit *bad;
	const char in[] = "0123456789";

	edits_add(&ed, 8, 10, "", 0, 0);
	edits_add(&ed, 2, 2, "A", 1, 0);
	edits_add(&ed, 2, 2, "B", 1, 0);
	edits_add(&ed, 2, 4, "x", 1, 0);
	edits_add(&ed, 4, 4, "C", 1, 0);
	cr_assert_eq(edits_apply(&ed, in, 10, &out, &bad), 0);
	cr_assert_str_eq(out.buf, "01ABxC4567");
	edits_release(&ed);
	strbuf_release(&out);
}

Test(edit, overlap_is_refused)
{
	struct edits ed = EDITS_INIT;
	struct strbuf out = STRBUF_INIT;
	const struct edit *bad = NULL;

	edits_add(&ed, 2, 6, "", 0, 7);
	edits_add(&ed, 4, 8, "", 0, 9);
	cr_assert_eq(edits_apply(&ed, "0123456789", 10, &out, &bad), -1);
	cr_assert_not_null(bad);
	cr_assert_eq(bad->dep, 9);
	edits_release(&ed);
	strbuf_release(&out);
}
