/*
 * test_style.c - style_detect() (style.c): the indentation width, the
 * sequence indentation and the gap after a dash that new text copies, the
 * line ending, and whether a document is JSON.
 */
#include <string.h>

#include "render.h"
#include "source.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* The style of the first document of y. */
static struct style detect(const char *y)
{
	struct source src;
	struct ystream ys;
	struct style st;

	source_init_borrow(&src, "x", y, strlen(y));
	cr_assert_eq(ystream_parse(&ys, src.buf, src.len), 0, "%s:\n%s", TL_STR(ys.err_msg), y);
	cr_assert_geq(ys.ndoc, 1, "no document in:\n%s", y);
	memset(&st, 0xff, sizeof(st));
	style_detect(&st, &src, &ys.doc[0]);
	ystream_release(&ys);
	source_release(&src);
	return st;
}

#define assert_style(st, want_indent, want_seq, want_gap, y)                   \
	cr_assert((st).indent == (want_indent) && (st).seq_indent == (want_seq) && \
			  (st).dash_gap == (want_gap),                         \
		  "indent %u, seq_indent %u, dash_gap %u; expected %u, %u, %u in:\n%s", \
		  (st).indent, (st).seq_indent, (st).dash_gap, (want_indent),  \
		  (want_seq), (want_gap), (y))

Test(style, kubectl_style)
{
	const char *y = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: b\n";
	struct style st = detect(y);

	assert_style(st, 2u, 0u, 2u, y);
	cr_assert_str_eq(st.eol, "\n");
	cr_assert(!st.json, "block YAML seen as JSON");
}

Test(style, detects_indent_and_sequence_style)
{
	const char *y = "spec:\n    template:\n        containers:\n            -   name: a\n                image: b\n";
	struct style st = detect(y);

	assert_style(st, 4u, 4u, 4u, y);
	cr_assert(!st.json, "block YAML seen as JSON");
}

Test(style, indented_sequences)
{
	const char *y = "a:\n  b:\n    - x: 1\n      y: 2\n  c:\n    - z\n";
	struct style st = detect(y);

	assert_style(st, 2u, 2u, 2u, y);
}

/* the most common step wins; a tie goes to the smaller */
Test(style, most_common_step_wins)
{
	const char *y = "a:\n   b: 1\nc:\n  d: 1\ne:\n  f: 1\n";
	const char *tie = "a:\n    b: 1\nc:\n  d: 1\n";
	struct style st = detect(y);

	cr_assert_eq(st.indent, 2u, "indent %u, expected 2 in:\n%s", st.indent, y);
	st = detect(tie);
	cr_assert_eq(st.indent, 2u, "indent %u, expected 2 (a tie) in:\n%s", st.indent, tie);
}

/* nothing to measure: kubectl's style */
Test(style, defaults)
{
	static const char *const ys[] = { "a: 1\n", "plain scalar\n", "[1, 2]\n", "a: [x, y]\nb: {c: 1}\n" };

	for (size_t i = 0; i < ARRAY_SIZE(ys); i++) {
		struct style st = detect(ys[i]);

		assert_style(st, 2u, 0u, 2u, ys[i]);
	}
}

Test(style, line_endings)
{
	const char *crlf = "a:\r\n  b: 1\r\n  c:\r\n  - d\r\n";
	const char *lf = "a:\n  b: 1\n";
	struct style st = detect(crlf);

	assert_str_eq(st.eol, "\r\n", "the line ending of a CRLF document");
	assert_style(st, 2u, 0u, 2u, crlf);
	st = detect(lf);
	assert_str_eq(st.eol, "\n", "the line ending of an LF document");
}

Test(style, json_documents)
{
	const char *json4 = "{\n    \"a\": {\n        \"b\": 1\n    },\n    \"c\": 2\n}\n";
	const char *json2 = "{\"a\": {\"b\": 1},\n  \"c\": {\n    \"d\": 2}}\n";
	const char *flow = "{a: {b: 1}}\n";
	const char *mixed = "{\"a\": {b: 1}}\n";
	struct style st = detect(json4);

	cr_assert(st.json, "not seen as JSON:\n%s", json4);
	cr_assert_eq(st.indent, 4u, "indent %u, expected 4 in:\n%s", st.indent, json4);
	st = detect(json2);
	cr_assert(st.json, "not seen as JSON:\n%s", json2);
	st = detect(flow);
	cr_assert(!st.json, "plain keys seen as JSON:\n%s", flow);
	st = detect(mixed);
	cr_assert(!st.json, "a flow map with plain keys inside seen as JSON:\n%s", mixed);
}

Test(style, source_col)
{
	const char y[] = "ab\n  cd\r\nef";
	struct source src;

	source_init_borrow(&src, "x", y, sizeof(y) - 1);
	assert_int_eq(source_col(&src, 0), 0);
	assert_int_eq(source_col(&src, 1), 1);
	assert_int_eq(source_col(&src, 5), 2);
	assert_int_eq(source_col(&src, 9), 0);
	source_release(&src);
}
