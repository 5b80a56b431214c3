/*
 * test_ytree.c - the span tree, and the libfyaml 0.7.12 behaviour it relies
 * on (LIBFYAML.md): if a libfyaml upgrade changes a mark, these fail first.
 */
#include <libfyaml.h>
#include <string.h>

#include "test_lib.h"
#include "util.h"
#include "ytree.h"

static const char *span(const char *buf, const struct ynode *n, char *out, size_t size)
{
	size_t len = n->end - n->start;

	if (len >= size)
		len = size - 1;
	memcpy(out, buf + n->start, len);
	out[len] = '\0';
	return out;
}

/* Start and end marks of the first event of type t (after skipping k). */
static void marks(const char *s, enum fy_event_type t, int k, long *start, long *end)
{
	struct fy_parser *p = fy_parser_create(&(struct fy_parse_cfg){ .flags = FYPCF_QUIET });
	struct fy_event *ev;

	*start = *end = -9;
	fy_parser_set_string(p, s, strlen(s));
	while ((ev = fy_parser_parse(p))) {
		if (ev->type == t && k-- == 0) {
			const struct fy_mark *a = fy_event_start_mark(ev), *b = fy_event_end_mark(ev);

			*start = a ? (long)a->input_pos : -1;
			*end = b ? (long)b->input_pos : -1;
		}
		fy_parser_event_free(p, ev);
	}
	fy_parser_destroy(p);
}

Test(libfyaml, block_mapping_end_marks_next_token)
{
	long s, e;

	marks("a:\n  b: 1\n# c\nd: 2\n", FYET_MAPPING_END, 0, &s, &e);
	/* the inner mapping ends where "d" starts, past the comment */
	assert_int_eq(s, 14);
}

Test(libfyaml, quoted_scalar_marked_inside_quotes)
{
	long s, e;

	marks("k: \"abc\"\n", FYET_SCALAR, 1, &s, &e);
	assert_int_eq(s, 4);
	assert_int_eq(e, 7);
}

Test(libfyaml, block_scalar_marked_from_first_content_line)
{
	long s, e;

	marks("k: |\n  x\n\nz: 1\n", FYET_SCALAR, 1, &s, &e);
	assert_int_eq(s, 5);
	assert_int_eq(e, 10);
}

Test(libfyaml, null_scalar_has_no_marks)
{
	long s, e;

	marks("k:\nz: 1\n", FYET_SCALAR, 1, &s, &e);
	cr_assert(s < 0 && e < 0, "marks %ld..%ld, expected none (negative)", s, e);
}

Test(ytree, block_collection_ranges_end_at_last_child)
{
	const char *y = "a:\n  b: 1\n  c: [x, y]\n# trailing\nd: 'q'\n";
	struct ystream ys;
	char b[64];

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	assert_int_eq(ys.ndoc, 1);
	cr_assert_str_eq(span(y, ynode_get(ys.doc[0].root, "a"), b, sizeof(b)), "b: 1\n  c: [x, y]");
	cr_assert_str_eq(span(y, ynode_path(ys.doc[0].root, "a", "c", NULL), b, sizeof(b)), "[x, y]");
	cr_assert_str_eq(span(y, ynode_get(ys.doc[0].root, "d"), b, sizeof(b)), "'q'");
	assert_scalar(ynode_get(ys.doc[0].root, "d"), "q");
	ystream_release(&ys);
}

Test(ytree, block_scalar_starts_at_indicator)
{
	const char *y = "data:\n  f: |-  # keep\n    line\nx: 1\n";
	struct ystream ys;
	char b[64];

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	cr_assert_str_eq(span(y, ynode_path(ys.doc[0].root, "data", "f", NULL), b, sizeof(b)),
			 "|-  # keep\n    line\n");
	ystream_release(&ys);
}

Test(ytree, sequence_dashes)
{
	const char *y = "l:\n- a\n# c\n-   b: 1\n    c: 2\n- [z]\n";
	struct ystream ys;
	const struct ynode *l;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	l = ynode_get(ys.doc[0].root, "l");
	assert_int_eq(l->nkid, 3);
	assert_int_eq(l->kid[0]->dash, 3);
	assert_int_eq(l->kid[1]->dash, 11);
	assert_int_eq(l->kid[2]->dash, 29);
	ystream_release(&ys);
}

Test(ytree, anchors_tags_and_aliases)
{
	const char *y = "a: &x !!str v\nb: *x\n";
	struct ystream ys;
	const struct ynode *a;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	a = ynode_get(ys.doc[0].root, "a");
	cr_assert(a->anchored && a->tagged, "anchored %d, tagged %d, expected both", a->anchored, a->tagged);
	assert_int_eq(a->prop, 3);
	assert_int_eq(a->start, 12);
	assert_int_eq(ynode_get(ys.doc[0].root, "b")->kind, YNODE_ALIAS);
	cr_assert(ys.doc[0].has_alias, "has_alias is false");
	ystream_release(&ys);
}

Test(ytree, document_regions_partition_the_stream)
{
	const char *y = "# head\na: 1\n# tail\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3";
	struct ystream ys;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	assert_int_eq(ys.ndoc, 3);
	assert_int_eq(ys.doc[0].start, 0);
	assert_int_eq(ys.doc[0].end, 19);	/* up to the "---" line */
	assert_int_eq(ys.doc[1].marker, 19);
	assert_int_eq(ys.doc[1].end_marker, 28);
	assert_int_eq(ys.doc[1].end, 32);	/* the "..." line is its own */
	assert_int_eq(ys.doc[2].start, 32);
	assert_int_eq(ys.doc[2].end, strlen(y));
	ystream_release(&ys);
}

Test(ytree, duplicate_keys_are_an_error)
{
	const char *y = "a: 1\nb: 2\na: 3\n";
	struct ystream ys;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), -1, "parsed, expected an error");
	assert_int_eq(ys.err_off, 10);
	assert_contains(ys.err_msg, "duplicate key \"a\"");
	ystream_release(&ys);
}

/* Small maps compare each pair of keys, large ones sort them: both find
 * the later of two equal keys, and tell keys apart by length and bytes. */
Test(ytree, duplicate_keys_in_small_and_large_maps)
{
	for (size_t nkeys = 2; nkeys <= 40; nkeys++) {
		struct strbuf sb = STRBUF_INIT;
		struct ystream ys;
		size_t want = 0;

		for (size_t i = 0; i < nkeys; i++)
			strbuf_addf(&sb, "k%zu: %zu\nk%zux: 0\n", i, i, i);
		cr_assert_eq(ystream_parse(&ys, sb.buf, sb.len), 0, "%zu keys: %s", nkeys, ys.err_msg);
		ystream_release(&ys);
		/* the key of the middle pair again, at the end */
		want = sb.len;
		strbuf_addf(&sb, "k%zu: again\n", nkeys / 2);
		cr_assert_eq(ystream_parse(&ys, sb.buf, sb.len), -1, "%zu keys: parsed, expected a duplicate key", nkeys);
		cr_assert_eq(ys.err_off, want, "%zu keys: error at %zu, expected %zu", nkeys, ys.err_off, want);
		ystream_release(&ys);
		strbuf_release(&sb);
	}
}

Test(ytree, syntax_error_has_line_and_column)
{
	const char *y = "a: 1\nb: [x\n";
	struct ystream ys;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), -1, "parsed, expected an error");
	cr_assert_gt(ys.err_line, 0, "error line %d, expected one", ys.err_line);
	cr_assert_not_null(ys.err_msg, "an error without a message");
	ystream_release(&ys);
}

/* libfyaml reports some errors without a position (yaml-test-suite's
 * `--- |0`, an indentation indicator 0): the error is placed where the
 * parser stopped, the first token after the last event. */
Test(ytree, error_without_position_is_placed_where_the_parser_stopped)
{
	static const struct {
		const char *y;
		size_t off;
	} rows[] = { { "--- |0\n", 4 }, { "a: 1\n--- |0\n", 9 } };

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ystream ys;

		cr_assert_eq(ystream_parse(&ys, rows[i].y, strlen(rows[i].y)), -1, "%s: parsed, expected an error",
			     rows[i].y);
		cr_assert_eq(ys.err_off, rows[i].off, "%s: error at offset %zu, expected %zu", rows[i].y, ys.err_off,
			     rows[i].off);
		assert_contains(ys.err_msg, "at or after here");
		ystream_release(&ys);
	}
}

Test(ytree, int_and_lookup_helpers)
{
	const char *y = "r: 3\nq: '3'\nn: -1\n";
	struct ystream ys;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	assert_int_eq(ynode_int(ynode_get(ys.doc[0].root, "r")), 3);
	assert_int_eq(ynode_int(ynode_get(ys.doc[0].root, "n")), -1);
	cr_assert_null(ynode_get(ys.doc[0].root, "missing"), "a missing key was found");
	assert_scalar(ynode_get(ys.doc[0].root, "q"), "3");
	cr_assert_eq(ynode_key_of(ynode_get(ys.doc[0].root, "q")), ys.doc[0].root->kid[2],
	     "the key of q's value is not the key q");
	ystream_release(&ys);
}

/* ytext_check() looks at 16 or 8 bytes at a time where it can: a bad byte
 * is found at every position of a block, and good multi-byte characters
 * across block boundaries pass. */
Test(ytree, text_check_finds_each_bad_byte_wherever_it_is)
{
	static const unsigned char bad[] = { 0x00, 0x01, 0x08, 0x1b, 0x80, 0xff, '\r' };
	char buf[80], msg[128];
	size_t off;

	for (size_t k = 0; k < sizeof(buf); k++) {
		for (size_t b = 0; b < sizeof(bad); b++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = i % 9 == 8 ? '\n' : (char)('a' + i % 26);
			buf[k] = (char)bad[b];
			if (bad[b] == '\r' && k + 1 < sizeof(buf) && buf[k + 1] == '\n')
				buf[k + 1] = 'x';	/* a lone carriage return */
			off = (size_t)-1;
			cr_assert_eq(ytext_check(buf, 0, sizeof(buf), &off, msg, sizeof(msg)), -1,
				     "byte 0x%02x at %zu passed", bad[b], k);
			cr_assert_eq(off, k, "byte 0x%02x at %zu reported at %zu", bad[b], k, off);
		}
		/* "é" (2 bytes), tab, DEL and CRLF are text */
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)('a' + i % 26);
		if (k + 1 < sizeof(buf)) {
			buf[k] = (char)0xc3;
			buf[k + 1] = (char)0xa9;
		}
		buf[(k + 3) % sizeof(buf)] = '\t';
		buf[(k + 5) % sizeof(buf)] = 0x7f;
		if ((k + 7) % sizeof(buf) + 1 < sizeof(buf) && (k + 7) % sizeof(buf) > k + 1) {
			buf[(k + 7) % sizeof(buf)] = '\r';
			buf[(k + 7) % sizeof(buf) + 1] = '\n';
		}
		cr_assert_eq(ytext_check(buf, 0, sizeof(buf), &off, msg, sizeof(msg)), 0, "at %zu: %s", k, msg);
	}
}
