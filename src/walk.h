/*
 * walk.h - the files named on the command line, directories walked.
 *
 * A directory is walked for *.yaml, *.yml and *.json, skipping hidden
 * entries (.git and the like); a file named explicitly is taken whatever
 * its name.  The result is sorted by path so that output is deterministic.
 * Paths are shown as given, without a leading "./"; an absolute path under
 * the current directory is shown relative to it.
 */
#ifndef STSIFY_WALK_H
#define STSIFY_WALK_H

#include <stdbool.h>
#include <stddef.h>

struct report;

struct pathlist {
	char **path;
	size_t n, alloc;
	/*
	 * Set read before walking to have the files found in directories
	 * read as they are listed (by the listing's threads): buf[i] and
	 * len[i] are then the bytes of path[i] (owned: freed by
	 * pathlist_release() unless taken, buf[i] set to NULL), or err[i] the
	 * errno of the failed read.  A file named as an operand is not read
	 * (buf[i] NULL, err[i] 0).
	 */
	bool read;
	char **buf;
	size_t *len;
	int *err;
};

/* Add operand to pl (walking it when it is a directory, on jobs threads);
 * problems are reported as read-error findings.  Returns the number of
 * problems. */
int walk_operand(struct pathlist *pl, const char *operand, struct report *rep, unsigned jobs);
/* Sort and drop duplicates. */
void pathlist_sort(struct pathlist *pl);
void pathlist_release(struct pathlist *pl);

#endif
