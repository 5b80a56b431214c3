/*
 * opts.h - the command line: one sorted option table from which parsing,
 * --help and the man-page test (tests/test_opts.c) all come.
 */
#ifndef STSIFY_OPTS_H
#define STSIFY_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "stsify.h"

enum cli_mode { MODE_DIFF, MODE_WRITE, MODE_CHECK, MODE_LIST };
enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

struct cli {
	struct stsify_options opt;
	enum cli_mode mode;
	enum cli_format format;
	int color;		/* -1 auto, 0 never, 1 always */
	bool quiet, verbose;
	bool break_links;	/* -w replaces files that have other hard links */
	const char *include;	/* pcre2: walked paths to take */
	const char *exclude_path; /* pcre2: paths to leave out */
	const char *migration_plan; /* folder for the data migration plan */
	const char *copy_image;	/* image of the copy Jobs */
	char **operand;		/* borrowed from argv */
	size_t noperand;
};

enum opt_arg { ARG_NONE, ARG_REQUIRED };

struct opt_def {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	enum opt_arg arg;
	const char *argname;	/* for --help */
	const char *help;
};

extern const struct opt_def opt_table[];
extern const size_t opt_count;

/*
 * Parse argv into cli.  Returns 0 to run, 1 when --help or --version was
 * printed (exit 0), -1 on a usage error (already reported on stderr).
 */
int opts_parse(struct cli *cli, int argc, char **argv);
void opts_help(FILE *fp);

#endif
