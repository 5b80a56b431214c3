/*
 * test_render.c - new text in the document's style; scalars that re-read
 * as the same string.
 */
#include <string.h>

#include "render.h"
#include "source.h"
#include "test_lib.h"
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

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static bool re(const char *pattern, uint32_t flags, const char *s)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags, &err, &off, NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	int rc = pcre2_match(c, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);

	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return rc >= 0;
}

/* render.c checks the safe characters by hand and asks pcre2 about
 * ambiguity only for strings that can start an ambiguous one: the same
 * decisions as the two patterns it had. */
/*
 * The rule as patterns, copied from render.c on purpose: render.c answers
 * by hand first (plain_safe(), maybe_ambiguous()) and only then by its own
 * pattern, and a change to that pattern must show up here, not be followed.
 */
Test(render, plain_or_quoted_as_the_patterns_say)
{
	static const char safe_re[] =
		"^[A-Za-z0-9_./][A-Za-z0-9_./@%+=-]*(?::[A-Za-z0-9_./@%+=-]+)*$";
	static const char ambiguous_re[] =
		"^(?:~|null|true|false|yes|no|on|off|y|n"
		"|[-+]?\\.(?:inf|nan)"
		"|[-+]?[0-9_]*(?:\\.[0-9_]*)?(?:e[-+]?[0-9]+)?"
		"|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+"
		"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?"
		"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$";
	static const char alphabet[] = "aeEnNoOyYtTfFx0159_.-+/@%=:~ #\"'bl";
	char s[5];
	size_t n = 0;

	/* every string of up to 3 characters of the alphabet, and some of 4 */
	for (size_t len = 0; len <= 4; len++) {
		size_t total = 1;

		for (size_t i = 0; i < len; i++)
			total *= len == 4 ? 7 : sizeof(alphabet) - 1;
		for (size_t k = 0; k < total; k++) {
			size_t x = k;
			char *r;
			bool plain;

			for (size_t i = 0; i < len; i++) {
				size_t base = len == 4 ? 7 : sizeof(alphabet) - 1;

				s[i] = alphabet[(x % base) * (len == 4 ? 5 : 1) % (sizeof(alphabet) - 1)];
				x /= base;
			}
			s[len] = '\0';
			plain = *s && re(safe_re, 0, s) && !re(ambiguous_re, PCRE2_CASELESS, s);
			r = scalar(s, true, false);
			cr_assert_eq(r[0] != '"', plain, "\"%s\" rendered as %s, expected it %s", s, r,
				     plain ? "plain" : "quoted");
			free(r);
			n++;
		}
	}
	cr_assert_gt(n, 10000, "%zu strings tried, expected more than 10000", n);
	/* and the words and numbers people write */
	for (const char *const *w = (const char *const[]){ "yes", "Off", "nan", ".NaN", "1_000", "0o17", "0b101",
							   "12:30:00", "2024-01-01T00:00", "e5", "E", "-", "_", "~x",
							   "x~", "null-data", "trueish", NULL }; *w; w++) {
		char *r = scalar(*w, true, false);
		bool plain = re(safe_re, 0, *w) && !re(ambiguous_re, PCRE2_CASELESS, *w);

		cr_assert_eq(r[0] != '"', plain, "\"%s\" rendered as %s, expected it %s", *w, r,
			     plain ? "plain" : "quoted");
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

	cr_assert_eq(ystream_parse(&ys, y, strlen(y)), 0, "%s", TL_STR(ys.err_msg));
	v = val_from_ynode(ys.doc[0].root);
	cr_assert(!val_get(v, "a")->is_string, "a: 10Gi read as a string, expected a plain literal");
	cr_assert(val_get(v, "b")->is_string, "b: '1' read as a plain literal, expected a string");
	assert_size_eq(val_get(v, "c")->n, 2);
	val_free(v);
	ystream_release(&ys);
}

/* Kustomize writes keys sorted: a rendered claim spec takes its manifest's order. */
Test(render, val_order_like_follows_the_manifest)
{
	struct val *v = val_map(), *like = val_map(), *res, *lres;
	struct strbuf sb = STRBUF_INIT;
	struct style st = { .indent = 2, .seq_indent = 2, .dash_gap = 1, .eol = "\n" };

	val_push(val_set(v, "accessModes", val_seq()), val_str("ReadWriteOnce"));
	res = val_set(v, "resources", val_map());
	val_set(val_submap(res, "requests"), "storage", val_str("50Gi"));
	val_set(val_submap(res, "limits"), "storage", val_str("60Gi"));
	val_set(v, "storageClassName", val_str("longhorn"));
	val_set(v, "volumeMode", val_str("Filesystem"));
	/* the manifest: class first, limits before requests, no volumeMode */
	val_set(like, "storageClassName", val_str("replace-me"));
	lres = val_set(like, "resources", val_map());
	val_set(val_submap(lres, "limits"), "storage", val_str("3Gi"));
	val_set(val_submap(lres, "requests"), "storage", val_str("2Gi"));
	val_set(like, "accessModes", val_seq());
	val_order_like(v, like);
	render_block_doc(&sb, &st, v);
	cr_assert_str_eq(sb.buf,
			 "storageClassName: longhorn\n"
			 "resources:\n  limits:\n    storage: 60Gi\n  requests:\n    storage: 50Gi\n"
			 "accessModes:\n  - ReadWriteOnce\n"
			 "volumeMode: Filesystem\n",
			 "keys not in the manifest's order: %s", sb.buf);
	strbuf_release(&sb);
	val_free(v);
	val_free(like);
}
