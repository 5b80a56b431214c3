/*
 * opts.h - the command line, the configuration fields of the Kustomize
 * plugin and the KRM function, and the environment, all from one table:
 * src/options.def.  Parsing, --help, krm.c's fields and the man-page tests
 * (tests/test_opts.c) read it; nothing else names an option.
 *
 * Calling sequence (main.c):
 *
 *   struct cli cli;
 *   opts_init(&cli);                 // the defaults
 *   opts_env(&cli, getenv);          // the environment (stsify(1))
 *   ret = opts_parse(&cli, argc, argv);
 *   ...
 *   opts_release(&cli);
 */
#ifndef STSIFY_OPTS_H
#define STSIFY_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "stsify.h"

enum cli_mode { MODE_DIFF, MODE_WRITE, MODE_CHECK, MODE_LIST };
enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

/* The values of an option given several times (borrowed from argv). */
struct strlist {
	const char **v;
	size_t n, alloc;
};

struct cli {
	struct stsify_options opt;
	enum cli_mode mode;	/* from check, write and list */
	enum cli_format format;
	int color;		/* -1 auto, 0 never, 1 always */
	bool check, write, list; /* the options given: at most one */
	bool quiet, verbose;
	bool break_links;	/* -w replaces files that have other hard links */
	bool no_context;	/* file operands without their build (context.h) */
	bool help, version;	/* printed by opts_parse() */
	const char *include;	/* pcre2: walked paths to take */
	const char *exclude_path; /* pcre2: paths to leave out */
	const char *migration_plan; /* folder for the data migration plan */
	const char *kustomize;	/* the command that renders builds, "none", or NULL */
	const char *copy_image;	/* image of the copy Jobs */
	struct strlist cluster_state; /* --cluster-state files, in order */
	char **operand;		/* borrowed from argv; the array is owned */
	size_t noperand;
	/* the environment (opts_env()) */
	bool no_color;		/* NO_COLOR: --color=auto does not color */
	const char *term;	/* TERM: --color=auto colors unless "dumb" or unset */
	bool full_parse;	/* STSIFY_FULL_PARSE: filter mode parses it all */
	size_t max_input;	/* STSIFY_MAX_INPUT_MB, in bytes */
	bool debug_timing;	/* STSIFY_DEBUG_TIMING: phase lines on stderr */
};

enum opt_id {
#define OPTION(id, name, short, kind, target, arg, config, help) OPT_##id,
#include "options.def"
	OPT_COUNT
};

enum opt_arg {
	ARG_NONE,
	ARG_REQUIRED,	/* --name=VALUE, --name VALUE, -xVALUE, -x VALUE */
	ARG_OPTIONAL,	/* --name=VALUE only; without it, --name */
};

/* What the configuration field of an option of this kind takes (krm.c). */
enum config_type { CONFIG_NONE, CONFIG_BOOL, CONFIG_STRING, CONFIG_REGEX, CONFIG_SIZE };

struct opt_def {
	enum opt_id id;
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	enum opt_arg arg;
	const char *argname;	/* for --help; NULL with ARG_NONE */
	const char *config;	/* the configuration field (camelCase), or NULL */
	enum config_type config_type; /* what it takes, when config is set */
	const char *target;	/* the field of struct cli it sets: "quiet", "opt.all" */
	const char *help;
};

/* opt_table[OPT_x] is option x; the table is sorted by name. */
extern const struct opt_def opt_table[];
extern const size_t opt_count;

struct env_def {
	const char *name;
};

extern const struct env_def env_table[];
extern const size_t env_count;

/* The defaults: every field of cli, and cli->opt STSIFY_OPTIONS_INIT. */
void opts_init(struct cli *cli);
/* Read the variables of env_table with get (getenv, or a test's own). */
void opts_env(struct cli *cli, char *(*get)(const char *name));
/*
 * Parse argv into cli (after opts_init()).  Returns 0 to run, 1 when
 * --help or --version was printed (exit 0), -1 on a usage error (already
 * reported on stderr).
 */
int opts_parse(struct cli *cli, int argc, char **argv);
void opts_release(struct cli *cli);
void opts_help(FILE *fp);

/*
 * Set the option of configuration field o (o->config_type is not
 * CONFIG_NONE) in opt: s for a string, b for a bool.  The value is taken
 * as it is (s is borrowed): the caller checks it first.
 */
void opts_config_set(struct stsify_options *opt, const struct opt_def *o, const char *s, bool b);

#endif
