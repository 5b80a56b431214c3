/*
 * test_opts.c - the option table: parsing, --help, and the man page
 * documenting every option and every finding code.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "opts.h"
#include "report.h"
#include "util.h"

static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	cr_assert_eq(read_file(path, &buf, &len), 0, "cannot read %s (run from the repository root)", path);
	return buf;
}

Test(opts, table_is_sorted)
{
	for (size_t i = 1; i < opt_count; i++)
		cr_assert_lt(strcmp(opt_table[i - 1].name, opt_table[i].name), 0, "%s", opt_table[i].name);
}

Test(opts, every_option_is_in_the_man_page_and_help)
{
	char *man = slurp("man/stsify.1");
	char help[8192];
	FILE *fp = fmemopen(help, sizeof(help), "w");

	opts_help(fp);
	fclose(fp);
	for (size_t i = 0; i < opt_count; i++) {
		struct strbuf roff = STRBUF_INIT, plain = STRBUF_INIT;

		strbuf_addstr(&roff, "\\-\\-");
		for (const char *c = opt_table[i].name; *c; c++) {
			if (*c == '-')
				strbuf_addch(&roff, '\\');
			strbuf_addch(&roff, *c);
		}
		strbuf_addf(&plain, "--%s", opt_table[i].name);
		cr_assert_not_null(strstr(man, roff.buf), "man page lacks %s", plain.buf);
		cr_assert_not_null(strstr(help, plain.buf), "--help lacks %s", plain.buf);
		strbuf_release(&roff);
		strbuf_release(&plain);
	}
	free(man);
}

/* The man page's name for a code: roff escapes each '-' as '\-'. */
static void roff_name(const char *name, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = name; *c && n + 3 < size; c++) {
		if (*c == '-')
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n] = '\0';
}

/* Every code of codes.def is explained in the man page: a finding under
 * FINDINGS with its severity (.BR code " (severity)"), a decision reason
 * anywhere. */
Test(opts, every_code_is_in_the_man_page)
{
	char *man = slurp("man/stsify.1");

	for (int c = 0; c < CODE__COUNT; c++) {
		const struct code_info *ci = &code_table[c];
		char roff[128], entry[192];

		roff_name(ci->name, roff, sizeof(roff));
		if (!ci->finding) {
			cr_expect(strstr(man, roff) != NULL, "man page lacks decision reason %s (looked for \"%s\")",
				  ci->name, roff);
			continue;
		}
		snprintf(entry, sizeof(entry), ".BR %s \" (%s)\"", roff, severity_name(ci->sev));
		cr_expect(strstr(man, entry) != NULL, "man page lacks finding code %s: expected the line '%s'",
			  ci->name, entry);
	}
	free(man);
}

static int parse(struct cli *cli, const char *a, const char *b, const char *c)
{
	char *argv[] = { "stsify", (char *)a, (char *)b, (char *)c, NULL };
	int argc = 1 + (a != NULL) + (b != NULL) + (c != NULL);

	return opts_parse(cli, argc, argv);
}

Test(opts, parsing)
{
	struct cli cli;

	cr_assert_eq(parse(&cli, "-wq", "--select=^db$", "x.yaml"), 0);
	cr_assert_eq(cli.mode, MODE_WRITE);
	cr_assert(cli.quiet);
	cr_assert_str_eq(cli.opt.select, "^db$");
	cr_assert_eq(cli.noperand, 1);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "--storage-size", "5Gi", "--"), 0);
	cr_assert_str_eq(cli.opt.storage_size, "5Gi");
	cr_assert_eq(cli.noperand, 0);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "--", "--check", NULL), 0);
	cr_assert_eq(cli.noperand, 1);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "-", NULL, NULL), 0);
	cr_assert_eq(cli.noperand, 1);
	free(cli.operand);
}

Test(opts, usage_errors, .init = cr_redirect_stderr)
{
	struct cli cli;

	cr_assert_eq(parse(&cli, "--frobnicate", NULL, NULL), -1);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "--select", NULL, NULL), -1);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "--color=sometimes", NULL, NULL), -1);
	free(cli.operand);
	cr_assert_eq(parse(&cli, "--all=yes", NULL, NULL), -1);
	free(cli.operand);
}
