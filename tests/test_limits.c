/*
 * test_limits.c - what stsify refuses, and the libfyaml 0.7.12 behaviour
 * that makes it refuse: bytes the parser misreads without an error, and
 * nesting deeper than the document API's limit.
 */
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "run.h"
#include "stsify.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* The value of the first scalar pair "a: ..." as libfyaml's events see it. */
static char *fy_value_of_a(const char *s, size_t len)
{
	struct fy_parser *p = fy_parser_create(&(struct fy_parse_cfg){ .flags = FYPCF_QUIET });
	struct fy_event *ev;
	char *val = NULL;
	int k = 0;

	fy_parser_set_string(p, s, len);
	while ((ev = fy_parser_parse(p))) {
		if (ev->type == FYET_SCALAR && k++ == 1) {
			size_t tl;
			const char *t = fy_token_get_text(ev->scalar.value, &tl);

			val = strndup(t ? t : "", t ? tl : 0);
		}
		fy_parser_event_free(p, ev);
	}
	fy_parser_destroy(p);
	return val;
}

Test(libfyaml, nul_byte_ends_the_input_silently)
{
	static const char y[] = "a: x\0y\nb: 2\n";
	char *v = fy_value_of_a(y, sizeof(y) - 1);

	/* "b" is never seen and no error is raised */
	cr_assert_str_eq(TL_STR(v), "x");
	free(v);
}

Test(libfyaml, control_character_accepted_in_plain_scalar)
{
	char *v = fy_value_of_a("a: x\001y\n", 8);

	/* YAML forbids it, kubectl refuses it, libfyaml takes it */
	cr_assert_str_eq(TL_STR(v), "x\001y");
	free(v);
}

Test(libfyaml, malformed_utf8_plain_scalar_reads_empty)
{
	char *v = fy_value_of_a("a: \xff\xfe b\n", 9);

	cr_assert(!v || strcmp(v, "\xff\xfe b"), "libfyaml now reads \"%s\" right: the UTF-8 check may be relaxed", v);
	free(v);
}

Test(libfyaml, document_api_depth_limit_is_64)
{
	struct strbuf sb = STRBUF_INIT;
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_document *fyd;

	/* libfyaml prints its error on stderr here: expected */
	for (int i = 0; i < 70; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i < 70; i++)
		strbuf_addch(&sb, ']');
	fyd = fy_document_build_from_string(&cfg, sb.buf, sb.len);
	cr_assert_null(fyd, "libfyaml built a document nested 70 deep: its depth limit is gone");
	cfg.flags |= FYPCF_DISABLE_DEPTH_LIMIT;
	fyd = fy_document_build_from_string(&cfg, sb.buf, sb.len);
	cr_assert_not_null(fyd, "FYPCF_DISABLE_DEPTH_LIMIT did not lift the depth limit");
	fy_document_destroy(fyd);
	strbuf_release(&sb);
}

static int parse(const char *y, size_t len, struct ystream *ys)
{
	return ystream_parse(ys, y, len);
}

Test(ytree, refuses_nul_control_and_bad_utf8)
{
	static const struct {
		const char *y;
		size_t len, off;
		const char *msg;
	} t[] = {
		{ "a: 1\nb: x\0y\n", 12, 9, "NUL byte" },
		{ "a: x\001y\n", 8, 4, "control character 0x01" },
		{ "a: x\033[0m\n", 10, 4, "control character 0x1b" },
		{ "a: \xff\n", 5, 3, "invalid UTF-8 (byte 0xff)" },
		{ "a: \xc0\xaf\n", 6, 3, "invalid UTF-8" },		/* overlong "/" */
		{ "a: \xed\xa0\x80\n", 7, 3, "invalid UTF-8" },	/* surrogate */
		{ "a: \xf4\x90\x80\x80\n", 8, 3, "invalid UTF-8" },	/* > U+10FFFF */
		{ "a: \xe2\x82\n", 6, 3, "invalid UTF-8" },		/* truncated */
		{ "\xff\xfe" "a\0:\0", 6, 0, "UTF-16" },
		{ "a:\r  b: 1\n", 11, 2, "a carriage return without a line feed" },
		{ "a: 1\r", 5, 4, "a carriage return without a line feed" },
		{ "a: 1\xc2\x85" "b: 2\n", 11, 4, "a NEL (U+0085)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct ystream ys;

		cr_assert_eq(parse(t[i].y, t[i].len, &ys), -1, "case %zu: parsed, expected \"%s\"", i, t[i].msg);
		cr_assert_eq(ys.err_off, t[i].off, "case %zu: offset %zu, expected %zu", i, ys.err_off, t[i].off);
		cr_assert(strstr(ys.err_msg, t[i].msg), "case %zu: \"%s\", expected it to hold \"%s\"", i, ys.err_msg,
			  t[i].msg);
		ystream_release(&ys);
	}
}

Test(ytree, accepts_tabs_crlf_bom_and_utf8)
{
	static const char y[] = "\xef\xbb\xbf" "a: \"x\ty\"\r\nb: caf\xc3\xa9 \xf0\x9f\x90\xb3\r\n# \tc\r\n";
	struct ystream ys;

	cr_assert_eq(parse(y, sizeof(y) - 1, &ys), 0, "%s", ys.err_msg);
	assert_scalar(ynode_get(ys.doc[0].root, "a"), "x\ty");
	assert_scalar(ynode_get(ys.doc[0].root, "b"), "caf\xc3\xa9 \xf0\x9f\x90\xb3");
	ystream_release(&ys);
}

static char *nested(size_t depth, char open, char close)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "a: ");
	strbuf_addchars(&sb, open, depth - 1);
	strbuf_addchars(&sb, close, depth - 1);
	strbuf_addch(&sb, '\n');
	return strbuf_detach(&sb, NULL);
}

Test(ytree, depth_limit)
{
	struct ystream ys;
	char *ok = nested(YTREE_MAX_DEPTH, '[', ']');
	char *deep = nested(YTREE_MAX_DEPTH + 1, '{', '}');
	char *huge = nested(1000000, '[', ']');

	cr_assert_eq(parse(ok, strlen(ok), &ys), 0, "%s", ys.err_msg);
	ystream_release(&ys);
	cr_assert_eq(parse(deep, strlen(deep), &ys), -1, "nested %d deep: parsed", YTREE_MAX_DEPTH + 1);
	assert_size_eq(ys.err_off, 3 + YTREE_MAX_DEPTH - 1);
	assert_contains(ys.err_msg, "nested more than 64 deep");
	ystream_release(&ys);
	cr_assert_eq(parse(huge, strlen(huge), &ys), -1, "nested a million deep: parsed");
	ystream_release(&ys);
	free(ok);
	free(deep);
	free(huge);
}

/* A claim spec nested up to the limit still converts: the StatefulSet
 * holds it three levels deeper, which verify must accept. */
Test(run, claim_spec_at_the_depth_limit_converts)
{
	static const char dep[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  replicas: 2\n  selector:\n    matchLabels:\n      app: db\n"
		"  template:\n    metadata:\n      labels:\n        app: db\n"
		"    spec:\n      containers:\n        - name: db\n          image: postgres\n"
		"          volumeMounts: [{name: data, mountPath: /d}]\n"
		"      volumes:\n        - name: data\n          persistentVolumeClaim:\n"
		"            claimName: data\n---\n"
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n"
		"spec:\n  accessModes: [ReadWriteOnce]\n  dataSource: ";
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct report rep = REPORT_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct stsify_file f = { .path = "x.yaml" };
	size_t depth = YTREE_MAX_DEPTH - 2;	/* root map, spec, then these */

	strbuf_addstr(&sb, dep);
	for (size_t i = 0; i < depth; i++)
		strbuf_addstr(&sb, "{a: ");
	strbuf_addch(&sb, '1');
	strbuf_addchars(&sb, '}', depth);
	strbuf_addch(&sb, '\n');
	f.in = sb.buf;
	f.inlen = sb.len;
	assert_int_eq(run_rewrite(&opt, &f, 1, &rep), 0);
	cr_assert_eq(f.status, STSIFY_CHANGED, "status %d, expected changed (%d); first finding: %s", (int)f.status,
		     (int)STSIFY_CHANGED, rep.n ? rep.f[0].msg : "none");
	assert_contains(f.out, "kind: StatefulSet");
	stsify_file_release(&f);
	report_release(&rep);
	strbuf_release(&sb);
}

/* Found by the fuzzer: a null last item of a block sequence was spanned
 * before its dash, so the sequence (and its parents) ended too early. */
Test(ytree, null_last_item_is_after_its_dash)
{
	static const char y[] = "a:\n  - x\n  - \nb: 1\n";
	struct ystream ys;
	const struct ynode *a;

	cr_assert_eq(ystream_parse(&ys, y, sizeof(y) - 1), 0, "%s", TL_STR(ys.err_msg));
	a = ynode_get(ys.doc[0].root, "a");
	cr_assert_not_null(a, "no key \"a\"");
	assert_size_eq(a->nkid, 2);
	assert_size_eq(a->kid[1]->dash, 11);
	assert_size_eq(a->kid[1]->start, 12);
	assert_size_eq(a->end, 12);
	ystream_release(&ys);
}
