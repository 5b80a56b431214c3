/*
 * cli.h - the command-line front end: choose inputs and outputs, call
 * run_rewrite(), print findings, and map the outcome to an exit code.
 */
#ifndef STSIFY_CLI_H
#define STSIFY_CLI_H

#include "opts.h"

/* The command's fatal hook (stsify_set_fatal_hook()): print the message,
 * copy filter mode's input to stdout when nothing was written there yet,
 * then exit with status 128, or abort on a bug (a core to debug). */
void cli_fatal(const char *msg, bool bug, void *data);

/* Run the parsed command line; returns the exit code (enum stsify_exit). */
int cli_run(struct cli *cli);

#endif
