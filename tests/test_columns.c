/*
 * test_columns.c - the two units of a finding's column: bytes for the text
 * and JSON reports (libfyaml's own positions, which count characters,
 * turned into bytes), characters for SARIF; and the man page's help text
 * behind every SARIF rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "format.h"
#include "report.h"
#include "source.h"
#include "ytree.h"

/* "  name: \"ééé\" ]": the ] is byte 18 of its line, character 15 */
static const char broken[] = "kind: PersistentVolumeClaim\nmetadata:\n  name: \"\xc3\xa9\xc3\xa9\xc3\xa9\" ]\n";

Test(columns, finding_counts_bytes_and_characters)
{
	struct source src;
	struct report rep = REPORT_INIT;
	const char *at = strchr(broken, ']');
	struct finding *f;

	source_init_borrow(&src, "b.yaml", broken, sizeof(broken) - 1);
	f = report_add(&rep, &src, (size_t)(at - broken), CODE_PARSE_ERROR, "here");
	cr_assert_eq(f->line, 3, "expected line 3, got %u", f->line);
	cr_assert_eq(f->col, 18, "expected byte column 18, got %u", f->col);
	cr_assert_eq(f->ccol, 15, "expected character column 15, got %u", f->ccol);
	f = report_add(&rep, &src, 0, CODE_PARSE_ERROR, "first");
	cr_assert(f->col == 1 && f->ccol == 1, "expected 1:1, got %u and %u", f->col, f->ccol);
	f = report_add_at(&rep, "x.yaml", 2, 7, CODE_READ_ERROR, "given");
	cr_assert(f->col == 7 && f->ccol == 7, "expected 7 for both, got %u and %u", f->col, f->ccol);
	report_release(&rep);
	source_release(&src);
}

Test(columns, libfyaml_error_becomes_a_byte_offset)
{
	struct ystream ys;
	const char *at = strchr(broken, ']');

	cr_assert_eq(ystream_parse(&ys, broken, sizeof(broken) - 1), -1, "expected a parse error");
	cr_assert_eq(ys.err_off, (size_t)(at - broken), "expected the error at byte %zu, got %zu",
		     (size_t)(at - broken), ys.err_off);
	cr_assert(ys.err_line == 3 && ys.err_col == 15,
		  "expected libfyaml's 3:15 (characters) kept, got %d:%d", ys.err_line, ys.err_col);
	ystream_release(&ys);
}

/* ystream_append() counts libfyaml's lines from start, not from buf */
Test(columns, libfyaml_error_in_a_later_part)
{
	static const char two[] = "a: 1\n---\nb: [\xc3\xa9 ]]\n";
	struct ystream ys;
	struct yparser *yp = yparser_new();
	size_t start = (size_t)(strstr(two, "---") - two), want = (size_t)(strstr(two, "]]") - two) + 1;

	ystream_init(&ys);
	cr_assert_eq(ystream_append(&ys, yp, two, start, sizeof(two) - 1), -1, "expected a parse error");
	cr_assert_eq(ys.err_off, want, "expected the error at byte %zu, got %zu", want, ys.err_off);
	ystream_release(&ys);
	yparser_free(yp);
}

Test(columns, every_finding_code_has_the_man_pages_help)
{
	for (int c = 0; c < CODE__COUNT; c++) {
		if (!code_table[c].finding)
			continue;
		cr_assert(finding_help((enum code)c) && *finding_help((enum code)c),
			  "expected help for %s in src/codes-help.def, got none", code_name((enum code)c));
	}
}
