/*
 * test_opts.c - the option table (src/options.def): its shape, parsing,
 * usage errors and contradictions, the configuration fields, the
 * environment, and the man page and --help documenting every option,
 * configuration field and environment variable, and every code of
 * codes.def.
 * Every check is derived from the table: a new row is tested without
 * touching this file.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* s with every '-' escaped as roff writes it ("\-"), malloc'd. */
static char *roff(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (*s == '-')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *s);
	}
	return strbuf_detach(&sb, NULL);
}

/* The man page section that starts at ".SH NAME", up to the next .SH. */
static char *man_section(const char *man, const char *name)
{
	char *head = xasprintf("\n.SH %s\n", name), *s = strstr(man, head), *end;

	cr_assert_not_null(s, "man page has no section %s", name);
	s += strlen(head) - 1;
	end = strstr(s, "\n.SH ");
	free(head);
	return xstrndup(s, end ? (size_t)(end - s) : strlen(s));
}

/* The items of a man page section: the first word after each ".TP" line. */
static size_t man_items(const char *sec, char ***items)
{
	size_t n = 0, alloc = 0;

	*items = NULL;
	for (const char *p = strstr(sec, "\n.TP\n"); p; p = strstr(p + 1, "\n.TP\n")) {
		const char *w = p + 5, *e;

		w += strcspn(w, " ");	/* the macro: .B, .BI, .BR */
		w += strspn(w, " ");
		e = w + strcspn(w, " \n\"");
		ALLOC_GROW(*items, n + 1, alloc);
		(*items)[n++] = xstrndup(w, (size_t)(e - w));
	}
	return n;
}

static void free_items(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* ---- the table ---- */

Test(opts, table_is_sorted_and_indexed_by_id)
{
	for (size_t i = 0; i < opt_count; i++) {
		cr_assert_eq(opt_table[i].id, (enum opt_id)i, "opt_table[%zu] (--%s) has id %d", i,
			     opt_table[i].name, (int)opt_table[i].id);
		if (i)
			cr_assert_lt(strcmp(opt_table[i - 1].name, opt_table[i].name), 0,
				     "--%s comes after --%s: the table is sorted by name", opt_table[i].name,
				     opt_table[i - 1].name);
	}
	cr_assert_eq(opt_count, (size_t)OPT_COUNT, "opt_count %zu, OPT_COUNT %d", opt_count, (int)OPT_COUNT);
}

Test(opts, short_names_are_unique_and_values_named)
{
	for (size_t i = 0; i < opt_count; i++) {
		const struct opt_def *o = &opt_table[i];

		cr_assert_eq(o->arg == ARG_NONE, o->argname == NULL,
			     "--%s: takes a value %s, yet its value's name is %s", o->name,
			     o->arg == ARG_NONE ? "no" : "yes", o->argname ? o->argname : "NULL");
		cr_assert(!(o->short_name && o->arg == ARG_OPTIONAL),
			  "--%s: a short option with an optional value cannot be told from a group", o->name);
		for (size_t j = 0; j < i && o->short_name; j++)
			cr_assert_neq(o->short_name, opt_table[j].short_name, "-%c is both --%s and --%s",
				      o->short_name, opt_table[j].name, o->name);
	}
}

/* ---- the man page and --help ---- */

Test(opts, every_option_is_in_the_man_page_and_help)
{
	char *man = slurp("man/stsify.1"), *sec = man_section(man, "OPTIONS");
	char help[8192];
	FILE *fp = fmemopen(help, sizeof(help), "w");

	opts_help(fp);
	fclose(fp);
	for (size_t i = 0; i < opt_count; i++) {
		char *plain = xasprintf("--%s", opt_table[i].name), *r = roff(plain);

		cr_assert_not_null(strstr(sec, r), "the man page's OPTIONS lack %s (as %s)", plain, r);
		cr_assert_not_null(strstr(help, plain), "--help lacks %s:\n%s", plain, help);
		free(plain);
		free(r);
	}
	free(sec);
	free(man);
}

/* Every option the man page describes is in the table (no stale entry). */
Test(opts, every_option_of_the_man_page_exists)
{
	char *man = slurp("man/stsify.1"), *sec = man_section(man, "OPTIONS"), **items;
	size_t n = man_items(sec, &items);

	cr_assert_gt(n, 0, "no .TP item in the man page's OPTIONS");
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < opt_count && !found; j++) {
			char *lng = xasprintf("--%s", opt_table[j].name), *l = roff(lng);
			char sh[4] = { '\\', '-', opt_table[j].short_name, 0 };

			found = !strcmp(items[i], l) || (opt_table[j].short_name && !strcmp(items[i], sh));
			free(lng);
			free(l);
		}
		cr_assert(found, "the man page's OPTIONS describe %s, which is no option", items[i]);
	}
	free_items(items, n);
	free(sec);
	free(man);
}

Test(opts, every_environment_variable_is_in_the_man_page)
{
	char *man = slurp("man/stsify.1"), *sec = man_section(man, "ENVIRONMENT"), **items;
	size_t n = man_items(sec, &items);

	for (size_t i = 0; i < env_count; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = !strcmp(items[j], env_table[i].name);
		cr_assert(found, "the man page's ENVIRONMENT lacks %s", env_table[i].name);
	}
	for (size_t j = 0; j < n; j++) {
		bool found = false;

		for (size_t i = 0; i < env_count && !found; i++)
			found = !strcmp(items[j], env_table[i].name);
		cr_assert(found, "the man page's ENVIRONMENT describes %s, which stsify does not read", items[j]);
	}
	free_items(items, n);
	free(sec);
	free(man);
}

/* Every code of codes.def is explained in the man page: a finding under
 * FINDINGS with its severity (.BR code " (severity)"), a decision reason
 * anywhere. */
Test(opts, every_code_is_in_the_man_page)
{
	char *man = slurp("man/stsify.1");

	for (int c = 0; c < CODE__COUNT; c++) {
		const struct code_info *ci = &code_table[c];
		char *r = roff(ci->name), *entry;

		if (!ci->finding) {
			cr_expect(strstr(man, r) != NULL, "man page lacks decision reason %s (looked for \"%s\")",
				  ci->name, r);
			free(r);
			continue;
		}
		entry = xasprintf(".BR %s \" (%s)\"", r, severity_name(ci->sev));
		cr_expect(strstr(man, entry) != NULL, "man page lacks finding code %s: expected the line '%s'",
			  ci->name, entry);
		free(entry);
		free(r);
	}
	free(man);
}

/* ---- parsing ---- */

#define MAXARG 8

struct capture {
	FILE *fp;
	int fd, saved;
};

/* Send what goes to fp (stdout or stderr) to a temporary file. */
static void capture_start(struct capture *c, FILE *fp)
{
	char path[] = "/tmp/test_opts.XXXXXX";

	c->fp = fp;
	c->fd = mkstemp(path);
	c->saved = dup(fileno(fp));
	cr_assert(c->fd >= 0 && c->saved >= 0, "cannot capture fd %d", fileno(fp));
	unlink(path);
	fflush(fp);
	dup2(c->fd, fileno(fp));
}

/* What was written since capture_start() (malloc'd). */
static char *capture_end(struct capture *c)
{
	char *buf;
	size_t len;

	fflush(c->fp);
	dup2(c->saved, fileno(c->fp));
	close(c->saved);
	lseek(c->fd, 0, SEEK_SET);
	cr_assert_eq(read_fd(c->fd, &buf, &len), 0, "cannot read what was captured");
	return buf;
}

static char *parsed_out;	/* what the last parse_v() printed on stdout */

/*
 * Parse args (NULL-terminated) into cli; what opts_parse() printed on
 * stderr goes to err (malloc'd), on stdout to parsed_out.
 */
static int parse_v(struct cli *cli, char **err, const char *const *args)
{
	char *argv[MAXARG + 2] = { "stsify" };
	struct capture out, er;
	int argc = 1, ret;

	for (; args[argc - 1]; argc++) {
		cr_assert_leq(argc, MAXARG, "too many arguments for the test");
		argv[argc] = (char *)args[argc - 1];
	}
	opts_init(cli);
	capture_start(&out, stdout);
	capture_start(&er, stderr);
	ret = opts_parse(cli, argc, argv);
	*err = capture_end(&er);
	free(parsed_out);
	parsed_out = capture_end(&out);
	return ret;
}

#define parse(cli, err, ...) parse_v((cli), (err), (const char *const[]){ __VA_ARGS__, NULL })

static void expect_ok(struct cli *cli, int ret, char *err, const char *what)
{
	cr_assert_eq(ret, 0, "%s: expected 0, got %d with stderr: %s", what, ret, err);
	cr_assert_str_eq(err, "", "%s: expected nothing on stderr, got: %s", what, err);
	free(err);
	(void)cli;
}

Test(opts, grouped_short_options_and_values)
{
	struct cli cli;
	char *err;
	int ret = parse(&cli, &err, "-wq", "--select=^db$", "-j4", "x.yaml");

	expect_ok(&cli, ret, err, "-wq --select=^db$ -j4 x.yaml");
	cr_assert_eq(cli.mode, MODE_WRITE, "mode: expected MODE_WRITE, got %d", (int)cli.mode);
	cr_assert(cli.quiet, "-q in a group: not quiet");
	cr_assert_str_eq(cli.opt.select, "^db$", "--select=: expected ^db$, got %s", cli.opt.select);
	cr_assert_eq(cli.opt.jobs, 4, "-j4: expected 4 jobs, got %u", cli.opt.jobs);
	cr_assert_eq(cli.noperand, 1, "expected 1 operand, got %zu", cli.noperand);
	cr_assert_str_eq(cli.operand[0], "x.yaml", "operand: expected x.yaml, got %s", cli.operand[0]);
	opts_release(&cli);
}

Test(opts, values_as_next_argument_and_double_dash)
{
	struct cli cli;
	char *err;
	int ret = parse(&cli, &err, "--storage-size", "5Gi", "-j", "2", "--", "--check");

	expect_ok(&cli, ret, err, "--storage-size 5Gi -j 2 -- --check");
	cr_assert_str_eq(cli.opt.storage_size, "5Gi", "expected 5Gi, got %s", cli.opt.storage_size);
	cr_assert_eq(cli.opt.jobs, 2, "-j 2: expected 2 jobs, got %u", cli.opt.jobs);
	cr_assert_eq(cli.mode, MODE_DIFF, "--check after --: expected MODE_DIFF, got %d", (int)cli.mode);
	cr_assert_eq(cli.noperand, 1, "expected 1 operand, got %zu", cli.noperand);
	cr_assert_str_eq(cli.operand[0], "--check", "expected operand --check, got %s", cli.operand[0]);
	opts_release(&cli);
	ret = parse(&cli, &err, "-");
	expect_ok(&cli, ret, err, "-");
	cr_assert_eq(cli.noperand, 1, "-: expected 1 operand, got %zu", cli.noperand);
	opts_release(&cli);
}

/* Every option of the table, long and short, reaches its target. */
Test(opts, every_option_parses)
{
	for (size_t i = 0; i < opt_count; i++) {
		const struct opt_def *o = &opt_table[i];
		char *lng = xasprintf("--%s%s", o->name, o->arg == ARG_OPTIONAL ? "=never" : "");
		const char *val = o->arg != ARG_REQUIRED ? NULL : !strcmp(o->argname, "N") ? "3"
				: !strcmp(o->argname, "FORMAT")			       ? "json"
				: !strcmp(o->argname, "HOW")			       ? "copy"
										       : "x";
		struct cli cli, dflt;
		char *err;
		int ret = parse(&cli, &err, lng, val);

		opts_init(&dflt);
		/* 1: --help or --version, printed */
		cr_assert(ret == 0 || (ret == 1 && (cli.help || cli.version)), "%s %s: returned %d, stderr: %s", lng,
			  val ? val : "", ret, err);
		dflt.operand = cli.operand;
		dflt.noperand = cli.noperand;
		dflt.mode = cli.mode;
		cr_assert_neq(memcmp(&cli, &dflt, sizeof(cli)), 0, "%s %s changed nothing", lng, val ? val : "");
		free(err);
		free(lng);
		opts_release(&cli);
	}
}

Test(opts, help_and_version_stop_parsing)
{
	struct cli cli;
	char *err;

	cr_assert_eq(parse(&cli, &err, "--help", "--frobnicate"), 1, "--help then an unknown option: %s", err);
	cr_assert_eq(strncmp(parsed_out, "usage: stsify ", 14), 0, "--help printed: %s", parsed_out);
	free(err);
	opts_release(&cli);
	cr_assert_eq(parse(&cli, &err, "--version", "--check", "-w"), 1, "--version then a conflict: %s", err);
	cr_assert_str_eq(parsed_out, "stsify " STSIFY_VERSION "\n", "--version printed: %s", parsed_out);
	free(err);
	opts_release(&cli);
}

/* --color takes a value only as --color=WHEN: the next argument is an operand. */
Test(opts, color_never_takes_the_next_argument)
{
	static const struct {
		const char *arg, *operand;
		int color;
	} cases[] = {
		{ "--color", "k8s/", 1 },
		{ "--color", "never", 1 },
		{ "--color=never", "k8s/", 0 },
		{ "--color=auto", "k8s/", -1 },
		{ "--color=always", "k8s/", 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cli cli;
		char *err;
		int ret = parse(&cli, &err, cases[i].arg, cases[i].operand);

		expect_ok(&cli, ret, err, cases[i].arg);
		cr_assert_eq(cli.color, cases[i].color, "%s %s: expected color %d, got %d", cases[i].arg,
			     cases[i].operand, cases[i].color, cli.color);
		cr_assert_eq(cli.noperand, 1, "%s %s: expected 1 operand, got %zu", cases[i].arg, cases[i].operand,
			     cli.noperand);
		cr_assert_str_eq(cli.operand[0], cases[i].operand, "%s: expected operand %s, got %s", cases[i].arg,
				 cases[i].operand, cli.operand[0]);
		opts_release(&cli);
	}
}

/* ---- usage errors ---- */

static void expect_usage(const char *what, const char *msg, const char *a, const char *b)
{
	struct cli cli;
	char *err;
	int ret = b ? parse(&cli, &err, a, b) : parse(&cli, &err, a);

	cr_assert_eq(ret, -1, "%s: expected -1 (usage error), got %d", what, ret);
	cr_assert_not_null(strstr(err, msg), "%s: expected \"%s\" on stderr, got: %s", what, msg, err);
	cr_assert_not_null(strstr(err, "Try 'stsify --help'"), "%s: no pointer to --help: %s", what, err);
	free(err);
	opts_release(&cli);
}

Test(opts, usage_errors)
{
	expect_usage("unknown long", "unknown option '--frobnicate'", "--frobnicate", NULL);
	expect_usage("unknown short", "unknown option '-Z'", "-Z", NULL);
	expect_usage("missing value", "option '--select' needs a value", "--select", NULL);
	expect_usage("missing short value", "option '-j' needs a value", "-j", NULL);
	expect_usage("bad color", "--color must be auto, always or never, not \"sometimes\"", "--color=sometimes",
		     NULL);
	expect_usage("bad format", "--format must be text, json or sarif, not \"yaml\"", "--format", "yaml");
	expect_usage("bad jobs", "--jobs needs a number of threads from 1 to 1024, not \"0\"", "--jobs=0", NULL);
	expect_usage("empty size", "--storage-size needs a size such as 10Gi", "--storage-size=", NULL);
	expect_usage("value for a flag", "option '--all=yes' takes no value", "--all=yes", NULL);
}

/* Contradictory options (stsify(1), MODES and OPTIONS): a usage error that names both. */
Test(opts, contradictions_are_usage_errors)
{
	static const char *const pairs[][3] = {
		{ "-q", "-v", "--quiet and --verbose cannot be used together" },
		{ "-l", "--format=json", "--list and --format json cannot be used together" },
		{ "--format=sarif", "-l", "--list and --format sarif cannot be used together" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		char *what = xasprintf("%s %s", pairs[i][0], pairs[i][1] ? pairs[i][1] : "");

		expect_usage(what, pairs[i][2], pairs[i][0], pairs[i][1]);
		free(what);
	}
}

Test(opts, compatible_options_are_no_error)
{
	static const char *const pairs[][2] = {
		{ "-w", "-w" },		 { "--check", "-q" },	      { "--check", "--format=json" },
		{ "-w", "--format=sarif" }, { "-l", "--format=text" }, { "-l", "-v" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		struct cli cli;
		char *err;
		int ret = parse(&cli, &err, pairs[i][0], pairs[i][1]);

		expect_ok(&cli, ret, err, pairs[i][0]);
		opts_release(&cli);
	}
}

/* The modes combine as black's and gofmt's do (stsify(1), MODES):
 * --check wins over -w, -l adds a list to either. */
Test(opts, modes_combine_like_gofmt)
{
	static const struct {
		const char *a, *b;
		enum cli_mode mode;
		bool list;
	} rows[] = {
		{ "--check", "-w", MODE_CHECK, false }, { "-w", "--check", MODE_CHECK, false },
		{ "--check", "-l", MODE_CHECK, true },	{ "-l", "-w", MODE_WRITE, true },
		{ "-wl", NULL, MODE_WRITE, true },	{ "-l", NULL, MODE_LIST, true },
		{ "-w", NULL, MODE_WRITE, false },	{ "x.yaml", NULL, MODE_DIFF, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct cli cli;
		char *err;
		int ret = parse(&cli, &err, rows[i].a, rows[i].b);

		expect_ok(&cli, ret, err, rows[i].a);
		cr_expect_eq(cli.mode, rows[i].mode, "%s %s: expected mode %d, got %d", rows[i].a,
			     rows[i].b ? rows[i].b : "", (int)rows[i].mode, (int)cli.mode);
		cr_expect_eq(cli.list, rows[i].list, "%s %s: expected list %d, got %d", rows[i].a,
			     rows[i].b ? rows[i].b : "", rows[i].list, cli.list);
		opts_release(&cli);
	}
}

/* ---- configuration fields ---- */

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_num(unsigned long long a, unsigned long long b)
{
	return a == b;
}

/* The fields of a and b that differ, as "name name ..." (malloc'd). */
static char *fields_differing(const struct stsify_options *a, const struct stsify_options *b)
{
	struct strbuf sb = STRBUF_INIT;

#define DIFFER(type, name, dflt)                                                       \
	if (!_Generic(a->name, const char *: same_str, default: same_num)(a->name, b->name)) \
		strbuf_addf(&sb, "%s%s", sb.len ? " " : "", #name);
	STSIFY_OPTIONS(DIFFER)
#undef DIFFER
	return strbuf_detach(&sb, NULL);
}

/* A configuration field is the option's name in camelCase, and sets its target. */
Test(opts, config_fields_mirror_their_options)
{
	for (size_t i = 0; i < opt_count; i++) {
		const struct opt_def *o = &opt_table[i];
		struct stsify_options dflt = STSIFY_OPTIONS_INIT, opt = STSIFY_OPTIONS_INIT;
		struct strbuf camel = STRBUF_INIT;
		char *diff;

		if (!o->config)
			continue;
		for (const char *p = o->name; *p; p++)
			if (*p == '-' && p[1])
				strbuf_addch(&camel, (char)(*++p - 'a' + 'A'));
			else
				strbuf_addch(&camel, *p);
		cr_assert_str_eq(o->config, camel.buf, "--%s: expected the field %s, got %s", o->name, camel.buf,
				 o->config);
		cr_assert_neq(o->config_type, CONFIG_NONE, "--%s: its kind cannot be a configuration field", o->name);
		cr_assert_eq(strncmp(o->target, "opt.", 4), 0, "--%s: the field %s sets %s, not an option of the library",
			     o->name, o->config, o->target);
		opts_config_set(&opt, o, "x", !dflt.all);
		diff = fields_differing(&dflt, &opt);
		cr_assert_str_eq(diff, o->target + 4, "field %s: expected to set %s, set \"%s\"", o->config,
				 o->target + 4, diff);
		free(diff);
		strbuf_release(&camel);
	}
}

/* ---- the environment ---- */

static const char *const *fake_env;

static char *fake_getenv(const char *name)
{
	for (const char *const *e = fake_env; *e; e += 2)
		if (!strcmp(e[0], name))
			return (char *)e[1];
	return NULL;
}

Test(opts, environment)
{
	static const char *const none[] = { NULL };
	static const char *const set[] = { "NO_COLOR", "1", "TERM", "xterm", "STSIFY_FULL_PARSE", "yes",
					   "STSIFY_MAX_INPUT_MB", "2", "STSIFY_DEBUG_TIMING", "",
					   "STSIFY_DEBUG_VERIFY", "", NULL };
	static const char *const off[] = { "NO_COLOR", "", "STSIFY_FULL_PARSE", "0", "STSIFY_MAX_INPUT_MB", "1025",
					   NULL };
	struct cli cli;

	opts_init(&cli);
	fake_env = none;
	opts_env(&cli, fake_getenv);
	cr_assert(!cli.no_color && !cli.term && !cli.full_parse && !cli.debug_timing && !cli.opt.debug_verify,
		  "an empty environment set something");
	cr_assert_eq(cli.max_input, STSIFY_MAX_INPUT, "max_input: expected %zu, got %zu", STSIFY_MAX_INPUT,
		     cli.max_input);
	fake_env = set;
	opts_env(&cli, fake_getenv);
	cr_assert(cli.no_color && cli.full_parse && cli.debug_timing && cli.opt.debug_verify,
		  "no_color %d full_parse %d debug_timing %d debug_verify %d: expected all set", cli.no_color,
		  cli.full_parse, cli.debug_timing, cli.opt.debug_verify);
	cr_assert_str_eq(cli.term, "xterm", "TERM: expected xterm, got %s", cli.term);
	cr_assert_eq(cli.max_input, (size_t)2 << 20, "STSIFY_MAX_INPUT_MB=2: expected %zu, got %zu", (size_t)2 << 20,
		     cli.max_input);
	opts_init(&cli);
	fake_env = off;
	opts_env(&cli, fake_getenv);
	cr_assert(!cli.no_color && !cli.full_parse, "NO_COLOR= or STSIFY_FULL_PARSE=0 set something");
	cr_assert_eq(cli.max_input, STSIFY_MAX_INPUT, "STSIFY_MAX_INPUT_MB=1025: expected %zu, got %zu",
		     STSIFY_MAX_INPUT, cli.max_input);
}
