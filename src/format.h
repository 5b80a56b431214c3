/*
 * format.h - machine-readable reports: the findings and the plan as one
 * JSON document (--format json), or the findings as SARIF 2.1.0 for code
 * scanning dashboards (--format sarif).  Both are built with jansson, keys
 * in a fixed order, so the output is stable; the JSON layout is documented
 * in man/stsify.1 (REPORTS).
 */
#ifndef STSIFY_FORMAT_H
#define STSIFY_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "stsify.h"

struct report;

int format_json(FILE *fp, const struct report *rep, const struct stsify_file *files, size_t n,
		int exit_code);
int format_sarif(FILE *fp, const struct report *rep);

#endif
