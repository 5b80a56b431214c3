/*
 * test_render.c - new text in the document's style; scalars that re-read
 * as the same string.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "render.h"
#include "source.h"
#include "ytree.h"

static char *scalar(const char *s, bool is_string, bool json)
{
	struct strbuf sb = STRBUF_INIT;
	struct val *v = is_string ? val_str(s) : val_raw(s);

	render_scalar(&sb, v, json);
	val_free(v);
	return strbuf_detach(&sb, NULL);
}

Test(render, ambiguous_strings_are_quoted)
{
	static const char *const quoted[] = {
		"yes", "No", "on", "null", "~", "true", "1.0", "0755", "0x1f", "12", "1e3", "", "a b",
		"-x", "a:", "a: b", "#c", "2024-01-02", ".inf", "1:30",
	};
	static const char *const plain[] = { "pg", "pg-data", "ReadWriteOnce", "10Gi", "apps/v1", "a.b_c", "busybox:1.36", "a:b" };

	for (size_t i = 0; i < sizeof(quoted) / sizeof(*quoted); i++) {
		char *r = scalar(quoted[i], true, false);

		cr_assert_eq(r[0], '"', "%s should be quoted, got %s", quoted[i], r);
		free(r);
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		char *r = scalar(plain[i], true, false);

		cr_assert_str_eq(r, plain[i]);
		free(r);
	}
}

Test(render, raw_and_json_scalars)
{
	char *r;

	r = scalar("5432", false, false);
	cr_assert_str_eq(r, "5432");
	free(r);
	r = scalar("5432", false, true);
	cr_assert_str_eq(r, "5432");
	free(r);
	r = scalar("10Gi", false, true);
	cr_assert_str_eq(r, "\"10Gi\"");
	free(r);
	r = scalar("a\"b\\c\n", true, true);
	cr_assert_str_eq(r, "\"a\\\"b\\\\c\\n\"");
	free(r);
}

static struct val *sample(void)
{
	struct val *t = val_map(), *md, *modes;

	md = val_set(t, "metadata", val_map());
	val_set(md, "name", val_str("data"));
	modes = val_set(val_set(t, "spec", val_map()), "accessModes", val_seq());
	val_push(modes, val_str("ReadWriteOnce"));
	return t;
}

Test(render, block_pair_in_each_sequence_style)
{
	struct style st = { .indent = 2, .seq_indent = 0, .dash_gap = 2, .eol = "\n" };
	struct strbuf sb = STRBUF_INIT;
	struct val *seq = val_seq();

	val_push(seq, sample());
	render_block_pair(&sb, &st, 2, "volumeClaimTemplates", seq);
	cr_assert_str_eq(sb.buf, "  volumeClaimTemplates:\n"
				 "  - metadata:\n"
				 "      name: data\n"
				 "    spec:\n"
				 "      accessModes:\n"
				 "      - ReadWriteOnce\n");
	strbuf_reset(&sb);
	st.indent = 4;
	st.seq_indent = 4;
	st.eol = "\r\n";
	render_block_pair(&sb, &st, 4, "volumeClaimTemplates", seq);
	cr_assert_str_eq(sb.buf, "    volumeClaimTemplates:\r\n"
				 "        - metadata:\r\n"
				 "              name: data\r\n"
				 "          spec:\r\n"
				 "              accessModes:\r\n"
				 "                  - ReadWriteOnce\r\n");
	strbuf_release(&sb);
	val_free(seq);
}

Test(render, flow_json_pretty_and_oneline)
{
	struct style st = { .indent = 2, .eol = "\n", .json = true };
	struct strbuf sb = STRBUF_INIT;
	struct val *v = sample();

	render_flow(&sb, &st, v, false, 0);
	cr_assert_str_eq(sb.buf, "{\"metadata\": {\"name\": \"data\"}, \"spec\": {\"accessModes\": [\"ReadWriteOnce\"]}}");
	strbuf_reset(&sb);
	render_flow(&sb, &st, val_get(v, "metadata"), true, 4);
	cr_assert_str_eq(sb.buf, "{\n      \"name\": \"data\"\n    }");
	strbuf_release(&sb);
	val_free(v);
}

Test(render, val_from_ynode_keeps_types)
{
	const char *y = "a: 10Gi\nb: '1'\nc: [x, 2]\n";
	struct ystream ys;
	struct val *v;

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0);
	v = val_from_ynode(ys.doc[0].root);
	cr_assert(!val_get(v, "a")->is_string);
	cr_assert(val_get(v, "b")->is_string);
	cr_assert_eq(val_get(v, "c")->n, 2);
	val_free(v);
	ystream_release(&ys);
}

Test(style, detects_indent_and_sequence_style)
{
	const char *y = "spec:\n    template:\n        containers:\n            -   name: a\n                image: b\n";
	struct source src;
	struct ystream ys;
	struct style st;

	source_init_take(&src, "x", strdup(y), strlen(y));
	cr_assert_eq(ystream_parse(&ys, src.buf, src.len), 0);
	style_detect(&st, &src, &ys.doc[0]);
	cr_assert_eq(st.indent, 4);
	cr_assert_eq(st.seq_indent, 4);
	cr_assert_eq(st.dash_gap, 4);
	cr_assert(!st.json);
	ystream_release(&ys);
	source_release(&src);
}
