/*
 * test_edit.c - edits are applied in one pass, in order, never overlapping.
 */
#include <string.h>

#include "edit.h"
#include "test_lib.h"

Test(edit, no_edits_is_the_exact_input)
{
	struct edits ed = EDITS_INIT;
	struct strbuf out = STRBUF_INIT;
	const struct edit *bad;
	const char in[] = "a: 1\r\nb: 2";

	assert_int_eq(edits_apply(&ed, in, sizeof(in) - 1, &out, &bad), 0);
	assert_mem_str(out.buf, out.len, in);
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
	assert_int_eq(edits_apply(&ed, in, 10, &out, &bad), 0);
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
	assert_int_eq(edits_apply(&ed, "0123456789", 10, &out, &bad), -1);
	cr_assert_not_null(bad, "an overlap without the edit that overlaps");
	assert_int_eq(bad->dep, 9);
	edits_release(&ed);
	strbuf_release(&out);
}
