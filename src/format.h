/*
 * format.h - machine-readable reports: the findings and the plan as one
 * JSON document (--format json, format.c), or the findings as SARIF 2.1.0
 * for code scanning dashboards (--format sarif, sarif.c).  Both are built
 * with jansson, keys in a fixed order, so the output is stable; both are
 * documented in man/stsify.1 (REPORTS).
 */
#ifndef STSIFY_FORMAT_H
#define STSIFY_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "codes.h"
#include "stsify.h"

struct report;
typedef struct json_t json_t;

/* Each writes one document and a newline to fp; 0, or -1 on error.
 * exit_code is the command's (enum stsify_exit), which both report. */
int format_json(FILE *fp, const struct report *rep, const struct stsify_file *files, size_t n,
		int exit_code);
int format_sarif(FILE *fp, const struct report *rep, int exit_code);

/* Write doc (taken over) indented, keys in order, and a newline. */
int format_dump(FILE *fp, json_t *doc);
/* The man page's explanation of code c (codes-help.def), or NULL. */
const char *finding_help(enum code c);

#endif
