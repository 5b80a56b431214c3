/*
 * test_report.c - findings (report.c): adding them at an offset or a
 * line:column, the severity from the codes table, the resource, sorting,
 * dropping a workload's findings, truncating, and the compiler-style lines
 * report_print() writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "source.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* What report_print() writes, as a malloc'd string. */
static char *printed(const struct report *rep, bool color, enum severity min)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp, "open_memstream failed");
	report_print(rep, fp, color, min);
	cr_assert_eq(fclose(fp), 0, "fclose of the memory stream failed");
	return buf;
}

/* The findings' "path:line:col code owner" lines in the order of rep->f. */
static char *listing(const struct report *rep)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "");
	for (size_t i = 0; i < rep->n; i++)
		strbuf_addf(&sb, "%s:%u:%u %s %zu\n", rep->f[i].path, rep->f[i].line, rep->f[i].col,
			    code_name(rep->f[i].code), rep->f[i].owner);
	return strbuf_detach(&sb, NULL);
}

#define assert_listing(rep, expected)                                          \
	do {                                                                   \
		char *l_ = listing(rep);                                       \
		assert_str_eq(l_, (expected), "the findings");                 \
		free(l_);                                                      \
	} while (0)

Test(report, add_at_an_offset)
{
	const char text[] = "a: 1\nbb: 2\n";
	struct source src;
	struct report rep = REPORT_INIT;
	struct finding *f;

	source_init_borrow(&src, "dir/x.yaml", text, sizeof(text) - 1);
	f = report_add(&rep, &src, 8, CODE_INTERNAL, "bad %s at %d", "thing", 42);
	assert_str_eq(f->path, "dir/x.yaml", "the path");
	cr_assert(f->line == 2 && f->col == 4, "at %u:%u, expected 2:4", f->line, f->col);
	assert_int_eq(f->sev, SEV_ERROR);
	assert_int_eq(f->code, CODE_INTERNAL);
	assert_str_eq(f->msg, "bad thing at 42", "the message");
	cr_assert(!f->kind && !f->ns && !f->name, "a resource without finding_set_resource()");
	assert_size_eq(f->owner, 0);
	f = report_add(&rep, &src, NOPOS, CODE_SUMMARY, "no place");
	cr_assert(f->line == 0 && f->col == 0, "NOPOS at %u:%u, expected 0:0", f->line, f->col);
	assert_size_eq(rep.n, 2);
	assert_size_eq(rep.f[1].order, 1);
	report_release(&rep);
	assert_size_eq(rep.n, 0);
	cr_assert_null(rep.f, "report_release() left the array");
	source_release(&src);
}

/* a finding's severity is its code's */
Test(report, severity_from_the_codes_table)
{
	static const enum code codes[] = { CODE_INTERNAL, CODE_SYMLINK_CYCLE, CODE_SUMMARY, CODE_SHARED_PVC,
					   CODE_DATA_MIGRATION, CODE_SERVICE_ADDED };
	struct report rep = REPORT_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		struct finding *f = report_add_at(&rep, "p", 1, 1, codes[i], "m");

		cr_assert_eq(f->sev, code_severity(codes[i]), "%s: severity %s, expected %s",
			     code_name(codes[i]), severity_name(f->sev), severity_name(code_severity(codes[i])));
	}
	assert_str_eq(severity_name(SEV_ERROR), "error", "SEV_ERROR");
	assert_str_eq(severity_name(SEV_WARNING), "warning", "SEV_WARNING");
	assert_str_eq(severity_name(SEV_INFO), "info", "SEV_INFO");
	report_release(&rep);
}

Test(report, resource)
{
	struct report rep = REPORT_INIT;
	struct finding *f = report_add_at(&rep, "p", 3, 5, CODE_SUMMARY, "m");

	finding_set_resource(f, "Deployment", "shop", "db");
	cr_assert(!strcmp(f->kind, "Deployment") && !strcmp(f->ns, "shop") && !strcmp(f->name, "db"),
		  "resource %s/%s/%s, expected Deployment/shop/db", f->kind, f->ns, f->name);
	finding_set_resource(f, "StatefulSet", NULL, "db");
	cr_assert(!strcmp(f->kind, "StatefulSet") && !f->ns && !strcmp(f->name, "db"),
		  "resource %s/%s/%s, expected StatefulSet/(null)/db", f->kind, TL_STR(f->ns), f->name);
	report_release(&rep);
}

/* by path, line, column, then the order they were added in */
Test(report, sorted)
{
	struct report rep = REPORT_INIT;
	const struct finding **v;
	struct strbuf sb = STRBUF_INIT;

	report_add_at(&rep, "b.yaml", 1, 1, CODE_SUMMARY, "1");
	report_add_at(&rep, "a.yaml", 10, 2, CODE_SUMMARY, "2");
	report_add_at(&rep, "a.yaml", 9, 7, CODE_SUMMARY, "3");
	report_add_at(&rep, "a.yaml", 10, 1, CODE_SUMMARY, "4");
	report_add_at(&rep, "a.yaml", 10, 2, CODE_SUMMARY, "5");
	report_add_at(&rep, "a.yaml", 0, 0, CODE_SUMMARY, "6");
	report_add_at(&rep, "a-b.yaml", 99, 1, CODE_SUMMARY, "7");
	report_sorted(&rep, &v);
	for (size_t i = 0; i < rep.n; i++)
		strbuf_addstr(&sb, v[i]->msg);
	assert_str_eq(sb.buf, "7634251", "the messages in sorted order");
	/* the findings themselves stay where they were */
	assert_str_eq(rep.f[0].msg, "1", "the first finding added");
	free(v);
	strbuf_release(&sb);
	report_release(&rep);
	report_sorted(&rep, &v);	/* none: still an array to free */
	cr_assert_not_null(v, "report_sorted() of no finding");
	free(v);
}

/* a workload's findings go, but those of others and the codes kept stay */
Test(report, drop_owner)
{
	static const enum code keep[] = { CODE_PARSE_ERROR, CODE_HELM_TEMPLATE };
	struct report rep = REPORT_INIT;
	const size_t owners[] = { 0, 1, 2, 1, 1, 2, 1 };
	const enum code codes[] = { CODE_SUMMARY, CODE_SHARED_PVC, CODE_SHARED_PVC, CODE_PARSE_ERROR,
				    CODE_DATA_MIGRATION, CODE_SERVICE_ADDED, CODE_HELM_TEMPLATE };

	for (size_t i = 0; i < ARRAY_SIZE(owners); i++) {
		struct finding *f = report_add_at(&rep, "x", (unsigned)i + 1, 1, codes[i], "m%zu", i);

		finding_set_resource(f, "Deployment", NULL, "db");
		f->owner = owners[i];
	}
	report_drop_owner(&rep, 1, keep, ARRAY_SIZE(keep));
	assert_listing(&rep, "x:1:1 summary 0\nx:3:1 shared-pvc 2\nx:4:1 parse-error 1\n"
			     "x:6:1 service-added 2\nx:7:1 helm-template 1\n");
	report_drop_owner(&rep, 2, NULL, 0);
	assert_listing(&rep, "x:1:1 summary 0\nx:4:1 parse-error 1\nx:7:1 helm-template 1\n");
	report_drop_owner(&rep, 7, NULL, 0);
	assert_size_eq(rep.n, 3);
	report_release(&rep);
}

Test(report, truncate)
{
	struct report rep = REPORT_INIT;

	for (unsigned i = 1; i <= 5; i++)
		finding_set_resource(report_add_at(&rep, "t", i, 1, CODE_SUMMARY, "m"), "K", "ns", "n");
	report_truncate(&rep, 7);
	assert_size_eq(rep.n, 5);
	report_truncate(&rep, 2);
	assert_listing(&rep, "t:1:1 summary 0\nt:2:1 summary 0\n");
	report_add_at(&rep, "t", 9, 1, CODE_INTERNAL, "again");
	assert_size_eq(rep.n, 3);
	report_truncate(&rep, 0);
	assert_size_eq(rep.n, 0);
	report_release(&rep);
}

/* compiler style, sorted; no line:col when unknown; min filters */
Test(report, print_format)
{
	struct report rep = REPORT_INIT;
	char *out;

	report_add_at(&rep, "b.yaml", 3, 14, CODE_SYMLINK_CYCLE, "claim \"%s\" is odd", "data");
	report_add_at(&rep, "a.yaml", 0, 0, CODE_INTERNAL, "no place");
	report_add_at(&rep, "a.yaml", 12, 1, CODE_SUMMARY, "a note");
	out = printed(&rep, false, SEV_INFO);
	assert_str_eq(out, "a.yaml: error: no place [internal]\n"
			   "a.yaml:12:1: info: a note [summary]\n"
			   "b.yaml:3:14: warning: claim \"data\" is odd [symlink-cycle]\n", "the lines printed");
	free(out);
	out = printed(&rep, false, SEV_WARNING);
	assert_str_eq(out, "a.yaml: error: no place [internal]\n"
			   "b.yaml:3:14: warning: claim \"data\" is odd [symlink-cycle]\n", "warnings and errors");
	free(out);
	out = printed(&rep, true, SEV_ERROR);
	assert_str_eq(out, "\033[1ma.yaml:\033[0m \033[1;31merror:\033[0m no place [internal]\n", "in color");
	free(out);
	report_release(&rep);
	out = printed(&rep, false, SEV_INFO);
	assert_str_eq(out, "", "no finding");
	free(out);
}

/* line and column numbers of any size */
Test(report, print_numbers)
{
	struct report rep = REPORT_INIT;
	char *out;

	report_add_at(&rep, "n", 4294967295u, 1000000, CODE_SUMMARY, "big");
	report_add_at(&rep, "n", 10, 90, CODE_SUMMARY, "small");
	out = printed(&rep, false, SEV_INFO);
	assert_str_eq(out, "n:10:90: info: small [summary]\nn:4294967295:1000000: info: big [summary]\n",
		      "the lines printed");
	free(out);
	report_release(&rep);
}
