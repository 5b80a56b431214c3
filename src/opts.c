/*
 * opts.c - option table, parsing and --help (see opts.h).
 *
 * Long options take their value as "--name=VALUE" or "--name VALUE"; short
 * flags may be grouped ("-wq"); "--" ends the options; "-" is stdin.
 */
#include "opts.h"

#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "util.h"

/* Sorted by long name: --help prints them in this order. */
const struct opt_def opt_table[] = {
	{ "all", 0, ARG_NONE, NULL, "convert every Deployment that writes to a claim" },
	{ "break-hard-links", 0, ARG_NONE, NULL, "with -w, also rewrite files that have other hard links (they keep the old text)" },
	{ "check", 0, ARG_NONE, NULL, "print the findings only; exit 1 if anything would change" },
	{ "color", 0, ARG_REQUIRED, "WHEN", "color the findings: auto, always or never (default auto)" },
	{ "copy-image", 0, ARG_REQUIRED, "IMAGE", "image of the copy Jobs of --migration-plan (default " MIGRATE_DEFAULT_IMAGE ")" },
	{ "exclude", 0, ARG_REQUIRED, "REGEX", "leave Deployments whose name matches REGEX alone (pcre2)" },
	{ "exclude-path", 0, ARG_REQUIRED, "REGEX", "skip files whose path matches REGEX (pcre2)" },
	{ "format", 0, ARG_REQUIRED, "FORMAT", "text (default), json (findings and plan) or sarif (findings) on stdout" },
	{ "help", 'h', ARG_NONE, NULL, "show this help and exit" },
	{ "include", 0, ARG_REQUIRED, "REGEX", "in directories, take only files whose path matches REGEX (pcre2)" },
	{ "jobs", 'j', ARG_REQUIRED, "N", "read, parse and rewrite on N threads (default: one per core)" },
	{ "keep-access-modes", 0, ARG_NONE, NULL, "keep ReadWriteMany in volumeClaimTemplates" },
	{ "keep-max-unavailable", 0, ARG_NONE, NULL, "keep rollingUpdate.maxUnavailable (needs the MaxUnavailableStatefulSet feature gate)" },
	{ "list", 'l', ARG_NONE, NULL, "print the names of the files that would change" },
	{ "migration-plan", 0, ARG_REQUIRED, "DIR", "write the data migration plan (PVC and copy Job per claim) into DIR" },
	{ "quiet", 'q', ARG_NONE, NULL, "print warnings and errors only" },
	{ "select", 0, ARG_REQUIRED, "REGEX", "consider only Deployments whose name matches REGEX (pcre2)" },
	{ "stateful-images", 0, ARG_REQUIRED, "REGEX", "images that make a single-replica Deployment stateful (replaces the built-in pattern)" },
	{ "storage-class", 0, ARG_REQUIRED, "NAME", "storageClassName for claims that are not in the input" },
	{ "storage-size", 0, ARG_REQUIRED, "SIZE", "storage request for claims that are not in the input (default 1Gi)" },
	{ "verbose", 'v', ARG_NONE, NULL, "also print a summary of what changed" },
	{ "version", 0, ARG_NONE, NULL, "print the version and exit" },
	{ "write", 'w', ARG_NONE, NULL, "rewrite the files in place instead of printing a diff" },
};
const size_t opt_count = ARRAY_SIZE(opt_table);

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

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->short_name ? "-" : "",
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
			 o->argname ? " " : "", o->argname ? o->argname : "");
		fprintf(fp, "  %-32s %s\n", o->short_name ? left : left + 1, o->help);
	}
	fputs("\nexit status: 0 done, 1 --check found work, 2 usage error, 3 some input\n"
	      "could not be processed.  See stsify(1).\n",
	      fp);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("stsify: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'stsify --help' for more information.\n", stderr);
	return -1;
}

static int apply(struct cli *cli, const struct opt_def *o, const char *val)
{
	const char *n = o->name;

	if (!strcmp(n, "all"))
		cli->opt.all = true;
	else if (!strcmp(n, "break-hard-links"))
		cli->break_links = true;
	else if (!strcmp(n, "check"))
		cli->mode = MODE_CHECK;
	else if (!strcmp(n, "color")) {
		if (!strcmp(val, "auto"))
			cli->color = -1;
		else if (!strcmp(val, "always"))
			cli->color = 1;
		else if (!strcmp(val, "never"))
			cli->color = 0;
		else
			return usage_error("--color must be auto, always or never, not \"%s\"", val);
	} else if (!strcmp(n, "copy-image"))
		cli->copy_image = val;
	else if (!strcmp(n, "exclude"))
		cli->opt.exclude = val;
	else if (!strcmp(n, "exclude-path"))
		cli->exclude_path = val;
	else if (!strcmp(n, "format")) {
		if (!strcmp(val, "text"))
			cli->format = FORMAT_TEXT;
		else if (!strcmp(val, "json"))
			cli->format = FORMAT_JSON;
		else if (!strcmp(val, "sarif"))
			cli->format = FORMAT_SARIF;
		else
			return usage_error("--format must be text, json or sarif, not \"%s\"", val);
	} else if (!strcmp(n, "help")) {
		opts_help(stdout);
		return 1;
	} else if (!strcmp(n, "jobs")) {
		char *end;
		unsigned long j = strtoul(val, &end, 10);

		if (!*val || *end || *val == '-' || !j || j > 1024)
			return usage_error("--jobs needs a number of threads from 1 to 1024, not \"%s\"", val);
		cli->opt.jobs = (unsigned)j;
	} else if (!strcmp(n, "include"))
		cli->include = val;
	else if (!strcmp(n, "keep-access-modes"))
		cli->opt.keep_access_modes = true;
	else if (!strcmp(n, "keep-max-unavailable"))
		cli->opt.keep_max_unavailable = true;
	else if (!strcmp(n, "list"))
		cli->mode = MODE_LIST;
	else if (!strcmp(n, "migration-plan"))
		cli->migration_plan = val;
	else if (!strcmp(n, "quiet"))
		cli->quiet = true;
	else if (!strcmp(n, "select"))
		cli->opt.select = val;
	else if (!strcmp(n, "stateful-images"))
		cli->opt.stateful_images = val;
	else if (!strcmp(n, "storage-class"))
		cli->opt.storage_class = val;
	else if (!strcmp(n, "storage-size")) {
		if (!*val)
			return usage_error("--storage-size needs a size such as 10Gi%s", "");
		cli->opt.storage_size = val;
	} else if (!strcmp(n, "verbose"))
		cli->verbose = true;
	else if (!strcmp(n, "version")) {
		printf("stsify %s\n", STSIFY_VERSION);
		return 1;
	} else if (!strcmp(n, "write"))
		cli->mode = MODE_WRITE;
	else
		BUG_ON(1);
	return 0;
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

int opts_parse(struct cli *cli, int argc, char **argv)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	bool dashdash = false;
	int ret;

	memset(cli, 0, sizeof(*cli));
	cli->opt = dflt;
	cli->color = -1;
	cli->copy_image = MIGRATE_DEFAULT_IMAGE;
	cli->operand = xcalloc((size_t)argc + 1, sizeof(*cli->operand));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			cli->operand[cli->noperand++] = argv[i];
		} else if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct opt_def *o = find_long(a + 2, len);
			const char *val = NULL;

			if (!o)
				return usage_error("unknown option '%s'", a);
			if (o->arg == ARG_REQUIRED) {
				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					return usage_error("option '%s' needs a value", a);
			} else if (eq) {
				return usage_error("option '%s' takes no value", a);
			}
			if ((ret = apply(cli, o, val)))
				return ret;
		} else {
			for (const char *c = a + 1; *c; c++) {
				const struct opt_def *o = find_short(*c);
				char opt[3] = { '-', *c, 0 };

				if (!o)
					return usage_error("unknown option '%s'", opt);
				if (o->arg == ARG_REQUIRED) {
					const char *val = c[1] ? c + 1 : (i + 1 < argc ? argv[++i] : NULL);

					if (!val)
						return usage_error("option '%s' needs a value", opt);
					if ((ret = apply(cli, o, val)))
						return ret;
					break;
				}
				if ((ret = apply(cli, o, NULL)))
					return ret;
			}
		}
	}
	return 0;
}
