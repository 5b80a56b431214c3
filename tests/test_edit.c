/*
 * test_edit.c - edits are applied in one pass, in order, never overlapping;
 * as pieces they write the same bytes.
 */
#include <stdlib.h>
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

/* buf with pcs applied (malloc'd). */
static char *with_pieces(const char *buf, const struct stsify_pieces *pcs)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0, len = strlen(buf);

	for (size_t k = 0; k < pcs->n; k++) {
		strbuf_add(&sb, buf + pos, pcs->p[k].start - pos);
		strbuf_add(&sb, pcs->p[k].text, pcs->p[k].len);
		pos = pcs->p[k].end;
	}
	strbuf_add(&sb, buf + pos, len - pos);
	return strbuf_detach(&sb, NULL);
}

/* The edits as pieces write what edits_apply_range() writes. */
static void same_as_applied(const char *buf, size_t start, struct edits *ed)
{
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	struct stsify_pieces pcs = PIECES_INIT;
	const struct edit *bad;
	char *got;

	assert_int_eq(edits_apply_range(ed, buf, start, strlen(buf), &out, &bad), 0);
	strbuf_add(&want, buf, start);
	strbuf_add(&want, out.buf, out.len);
	edits_to_pieces(ed, buf, start, &pcs);
	assert_size_eq(ed->n, 0);
	got = with_pieces(buf, &pcs);
	assert_str_eq(got, want.buf, "the pieces applied (expected: the edits applied)");
	free(got);
	pieces_release(&pcs);
	strbuf_release(&out);
	strbuf_release(&want);
}

Test(edit, pieces_of_the_edits_write_the_same_bytes)
{
	const char buf[] = "a: 1\nb: 2\nc: 3\n";
	struct edits ed = EDITS_INIT;

	edits_add(&ed, 5, 10, "", 0, 0);
	edits_add(&ed, 15, 15, "d: 4\n", 5, 0);
	edits_add(&ed, 3, 4, "9", 1, 0);
	same_as_applied(buf, 0, &ed);
}

Test(edit, eat_eol_takes_the_line_break_of_the_input)
{
	/* the last line of a file without a final newline removed */
	const char buf[] = "x: 0\n---\na: 1\nb: 2";
	struct edits ed = EDITS_INIT;

	edits_add(&ed, 14, 18, "", 0, 0);
	ed.e[0].eat_eol = true;
	same_as_applied(buf, 9, &ed);
}

Test(edit, eat_eol_takes_the_line_break_of_the_text_before)
{
	const char buf[] = "a: 1\nb: 2";
	struct edits ed = EDITS_INIT;

	edits_add(&ed, 5, 5, "x: 0\r\n", 6, 0);
	edits_add(&ed, 5, 9, "", 0, 0);
	ed.e[1].eat_eol = true;
	same_as_applied(buf, 0, &ed);
}

Test(edit, pieces_taken_in_order)
{
	struct stsify_pieces a = PIECES_INIT, b = PIECES_INIT;
	char *got;

	pieces_add(&a, 0, 1, strdup("A"), 1);
	pieces_add(&b, 2, 3, strdup("B"), 1);
	pieces_add(&b, 4, 4, strdup("C"), 1);
	pieces_take(&a, &b);
	assert_size_eq(a.n, 3);
	assert_size_eq(b.n, 0);
	got = with_pieces("01234", &a);
	assert_str_eq(got, "A1B3C4", "the pieces applied");
	free(got);
	pieces_release(&a);
}
