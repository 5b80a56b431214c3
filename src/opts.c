/*
 * opts.c - the option table, parsing, --help, the configuration fields and
 * the environment, all expanded from options.def (see opts.h).
 *
 * Long options take their value as "--name=VALUE" or "--name VALUE"
 * (ARG_OPTIONAL ones only the first way); short flags may be grouped
 * ("-wq"); "--" ends the options; "-" is stdin.  Each kind of option has
 * a setter set_<kind>(), and each configurable kind a config_<kind>(),
 * whose first parameter is typed: a target of the wrong type in
 * options.def does not compile.
 */
#include "opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "util.h"

#define ARG_flag ARG_NONE
#define ARG_stop ARG_NONE
#define ARG_string ARG_REQUIRED
#define ARG_regex ARG_REQUIRED
#define ARG_size ARG_REQUIRED
#define ARG_jobs ARG_REQUIRED
#define ARG_color ARG_OPTIONAL
#define ARG_format ARG_REQUIRED
#define ARG_list ARG_REQUIRED
#define ARG_datapath ARG_REQUIRED

#define CONFIG_flag CONFIG_BOOL
#define CONFIG_stop CONFIG_NONE
#define CONFIG_string CONFIG_STRING
#define CONFIG_regex CONFIG_REGEX
#define CONFIG_size CONFIG_SIZE
#define CONFIG_jobs CONFIG_NONE
#define CONFIG_color CONFIG_NONE
#define CONFIG_format CONFIG_NONE
#define CONFIG_list CONFIG_NONE
#define CONFIG_datapath CONFIG_STRING

const struct opt_def opt_table[] = {
#define OPTION(id, name, sh, kind, target, argname, config, help) \
	[OPT_##id] = { OPT_##id, name, sh, ARG_##kind, argname, config, CONFIG_##kind, #target, help },
#include "options.def"
};
const size_t opt_count = ARRAY_SIZE(opt_table);

const struct env_def env_table[] = {
#define ENV(id, name, kind, target) { name },
#include "options.def"
};
const size_t env_count = ARRAY_SIZE(env_table);

void opts_help(FILE *fp)
{
	fputs("usage: stsify [OPTIONS] [PATH ...]\n"
	      "\n"
	      "Turn Deployments whose replicas share a PersistentVolumeClaim into\n"
	      "StatefulSets with volumeClaimTemplates and a headless Service, changing\n"
	      "nothing else.  With no PATH (or -), filter stdin to stdout; with files or\n"
	      "directories, print a unified diff (or rewrite them with -w).\n"
	      "\n"
	      "options:\n",
	      fp);
	for (size_t i = 0; i < opt_count; i++) {
		const struct opt_def *o = &opt_table[i];
		char left[64];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s%s", o->short_name ? "-" : "",
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
			 o->arg == ARG_OPTIONAL ? "[=" : o->argname ? " " : "", o->argname ? o->argname : "",
			 o->arg == ARG_OPTIONAL ? "]" : "");
		fprintf(fp, "  %-32s %s\n", o->short_name ? left : left + 1, o->help);
	}
	fputs("\nexit status: 0 done, 1 --check found work, 2 usage error, 3 some input\n"
	      "could not be processed.  See stsify(1).\n",
	      fp);
}

static int usage_error(const char *fmt, ...) ATTR_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("stsify: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'stsify --help' for more information.\n", stderr);
	return -1;
}

/* ---- the setters: 0 done, 1 stop parsing, -1 usage error ---- */

static int set_flag(bool *p, const struct opt_def *o, const char *val)
{
	(void)o;
	(void)val;
	*p = true;
	return 0;
}

static int set_stop(bool *p, const struct opt_def *o, const char *val)
{
	set_flag(p, o, val);
	return 1;
}

static int set_string(const char **p, const struct opt_def *o, const char *val)
{
	(void)o;
	*p = val;
	return 0;
}

static int set_regex(const char **p, const struct opt_def *o, const char *val)
{
	return set_string(p, o, val);
}

static int set_size(const char **p, const struct opt_def *o, const char *val)
{
	if (!*val)
		return usage_error("--%s needs a size such as 10Gi", o->name);
	return set_string(p, o, val);
}

static int set_jobs(unsigned *p, const struct opt_def *o, const char *val)
{
	char *end;
	unsigned long j = strtoul(val, &end, 10);

	if (!*val || *end || *val == '-' || !j || j > 1024)
		return usage_error("--%s needs a number of threads from 1 to 1024, not \"%s\"", o->name, val);
	*p = (unsigned)j;
	return 0;
}

static int set_color(int *p, const struct opt_def *o, const char *val)
{
	if (!val || !strcmp(val, "always"))
		*p = 1;
	else if (!strcmp(val, "auto"))
		*p = -1;
	else if (!strcmp(val, "never"))
		*p = 0;
	else
		return usage_error("--%s must be auto, always or never, not \"%s\"", o->name, val);
	return 0;
}

static int set_format(enum cli_format *p, const struct opt_def *o, const char *val)
{
	if (!strcmp(val, "text"))
		*p = FORMAT_TEXT;
	else if (!strcmp(val, "json"))
		*p = FORMAT_JSON;
	else if (!strcmp(val, "sarif"))
		*p = FORMAT_SARIF;
	else
		return usage_error("--%s must be text, json or sarif, not \"%s\"", o->name, val);
	return 0;
}

/* Each use adds a value. */
static int set_list(struct strlist *p, const struct opt_def *o, const char *val)
{
	(void)o;
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n++] = val;
	return 0;
}

static int set_datapath(const char **p, const struct opt_def *o, const char *val)
{
	if (strcmp(val, "auto") && strcmp(val, "copy") && strcmp(val, "rebind"))
		return usage_error("--%s must be auto, copy or rebind, not \"%s\"", o->name, val);
	return set_string(p, o, val);
}

/* Option o with value val (NULL when it has none). */
static int apply(struct cli *cli, const struct opt_def *o, const char *val)
{
	switch (o->id) {
#define OPTION(id, name, sh, kind, target, argname, config, help) \
	case OPT_##id:                                           \
		return set_##kind(&cli->target, o, val);
#include "options.def"
	case OPT_COUNT:
		break;
	}
	BUG_ON(1);
	return -1;
}

/* ---- the configuration fields (krm.c) ---- */

static void config_flag(bool *p, const char *s, bool b)
{
	(void)s;
	*p = b;
}

static void config_string(const char **p, const char *s, bool b)
{
	(void)b;
	*p = s;
}

#define config_regex config_string
#define config_size config_string
#define config_datapath config_string
/* not configuration fields (CONFIG_NONE): never called */
#define config_stop(p, s, b) BUG_ON(1)
#define config_jobs(p, s, b) BUG_ON(1)
#define config_color(p, s, b) BUG_ON(1)
#define config_format(p, s, b) BUG_ON(1)
#define config_list(p, s, b) BUG_ON(1)

void opts_config_set(struct stsify_options *opt, const struct opt_def *o, const char *s, bool b)
{
	/* the targets are fields of struct cli: opt.x is x of *opt */
	struct cli c = { .opt = *opt };

	BUG_ON(!o->config || o->config_type == CONFIG_NONE);
	switch (o->id) {
#define OPTION(id, name, sh, kind, target, argname, config, help) \
	case OPT_##id:                                           \
		config_##kind(&c.target, s, b);                  \
		break;
#include "options.def"
	case OPT_COUNT:
		BUG_ON(1);
	}
	*opt = c.opt;
}

/* ---- the environment ---- */

static void env_set(bool *p, const char *v)
{
	*p = v != NULL;
}

static void env_nonempty(bool *p, const char *v)
{
	*p = v && *v;
}

static void env_nonzero(bool *p, const char *v)
{
	*p = v && *v && strcmp(v, "0");
}

static void env_mib(size_t *p, const char *v)
{
	char *end;
	unsigned long long mb;

	if (!v || !*v)
		return;
	errno = 0;
	mb = strtoull(v, &end, 10);
	if (*end || errno || !mb || mb > (STSIFY_MAX_INPUT >> 20))
		return;
	*p = (size_t)mb << 20;
}

static void env_string(const char **p, const char *v)
{
	*p = v;
}

void opts_env(struct cli *cli, char *(*get)(const char *name))
{
#define ENV(id, name, kind, target) env_##kind(&cli->target, get(name));
#include "options.def"
}

/* ---- parsing ---- */

void opts_init(struct cli *cli)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;

	memset(cli, 0, sizeof(*cli));
	cli->opt = dflt;
	cli->color = -1;
	cli->copy_image = MIGRATE_DEFAULT_IMAGE;
	cli->max_input = STSIFY_MAX_INPUT;
}

void opts_release(struct cli *cli)
{
	free(cli->operand);
	free(cli->cluster_state.v);
	memset(&cli->cluster_state, 0, sizeof(cli->cluster_state));
	cli->operand = NULL;
	cli->noperand = 0;
}

static const struct opt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < opt_count; i++)
		if (strlen(opt_table[i].name) == len && !strncmp(opt_table[i].name, name, len))
			return &opt_table[i];
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < opt_count; i++)
		if (opt_table[i].short_name == c)
			return &opt_table[i];
	return NULL;
}

/* Pairs that contradict each other: a usage error (stsify(1), OPTIONS).
 * The modes combine as black's and gofmt's do (stsify(1), MODES):
 * --check never writes and wins over -w; -l adds the list of changed
 * files to --check and to -w. */
static const struct {
	enum opt_id a, b;
} conflicts[] = {
	{ OPT_quiet, OPT_verbose },
};

/* After the last option: the contradictions, and the mode. */
static int finish(struct cli *cli, const bool *given)
{
	for (size_t i = 0; i < ARRAY_SIZE(conflicts); i++)
		if (given[conflicts[i].a] && given[conflicts[i].b])
			return usage_error("--%s and --%s cannot be used together", opt_table[conflicts[i].a].name,
					   opt_table[conflicts[i].b].name);
	if (cli->list && cli->format != FORMAT_TEXT)
		return usage_error("--list and --format %s cannot be used together: both print on stdout",
				   cli->format == FORMAT_JSON ? "json" : "sarif");
	/* the action; cli->list says whether changed files are listed too */
	cli->mode = cli->check ? MODE_CHECK : cli->write ? MODE_WRITE : cli->list ? MODE_LIST : MODE_DIFF;
	return 0;
}

/* Long option argv[*i] ("--name" or "--name=VALUE"); may take argv[*i + 1]. */
static int parse_long(struct cli *cli, bool *given, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = strchr(a + 2, '=');
	size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct opt_def *o = find_long(a + 2, len);
	const char *val = NULL;

	if (!o)
		return usage_error("unknown option '%s'", a);
	if (o->arg == ARG_NONE && eq)
		return usage_error("option '%s' takes no value", a);
	if (eq)
		val = eq + 1;
	else if (o->arg == ARG_REQUIRED && *i + 1 < argc)
		val = argv[++*i];
	else if (o->arg == ARG_REQUIRED)
		return usage_error("option '%s' needs a value", a);
	given[o->id] = true;
	return apply(cli, o, val);
}

/* Short options argv[*i] ("-wq", "-j4"); may take argv[*i + 1]. */
static int parse_short(struct cli *cli, bool *given, int argc, char **argv, int *i)
{
	for (const char *c = argv[*i] + 1; *c; c++) {
		const struct opt_def *o = find_short(*c);
		char opt[3] = { '-', *c, 0 };
		const char *val = NULL;
		int ret;

		if (!o)
			return usage_error("unknown option '%s'", opt);
		if (o->arg != ARG_NONE && c[1])
			val = c + 1;
		else if (o->arg == ARG_REQUIRED && *i + 1 < argc)
			val = argv[++*i];
		else if (o->arg == ARG_REQUIRED)
			return usage_error("option '%s' needs a value", opt);
		given[o->id] = true;
		/* a value ends the group ("-j4"), and so does an option that may take one */
		if ((ret = apply(cli, o, val)) || o->arg != ARG_NONE)
			return ret;
	}
	return 0;
}

int opts_parse(struct cli *cli, int argc, char **argv)
{
	bool given[OPT_COUNT] = { false }, dashdash = false;
	int ret = 0;

	cli->operand = xcalloc((size_t)argc + 1, sizeof(*cli->operand));
	for (int i = 1; i < argc && !ret; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1])
			cli->operand[cli->noperand++] = argv[i];
		else if (!strcmp(a, "--"))
			dashdash = true;
		else if (a[1] == '-')
			ret = parse_long(cli, given, argc, argv, &i);
		else
			ret = parse_short(cli, given, argc, argv, &i);
	}
	if (ret > 0 && cli->help)
		opts_help(stdout);
	else if (ret > 0 && cli->version)
		printf("stsify %s\n", STSIFY_VERSION);
	return ret ? ret : finish(cli, given);
}
