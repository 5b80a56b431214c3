/*
 * cli.h - the command-line front end: choose inputs and outputs, call
 * stsify_run(), print findings, and map the outcome to an exit code.
 */
#ifndef STSIFY_CLI_H
#define STSIFY_CLI_H

#include "opts.h"

/* Run the parsed command line; returns the exit code (enum stsify_exit). */
int cli_run(struct cli *cli);

#endif
