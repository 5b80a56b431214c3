/*
 * walk.h - the files named on the command line, directories walked.
 *
 * A directory is walked for *.yaml, *.yml and *.json, skipping hidden
 * entries (.git and the like); a file named explicitly is taken whatever
 * its name.  The result is sorted by path so that output is deterministic.
 * Paths are shown as given, without a leading "./"; an absolute path under
 * the current directory is shown relative to it.
 *
 * Directories are walked in name order and each one once, however many
 * symbolic links lead to it: a link back to a directory being walked (a
 * cycle) is reported with a warning and skipped, another path to a directory
 * already walked is skipped silently.
 */
#ifndef STSIFY_WALK_H
#define STSIFY_WALK_H

#include <stddef.h>
#include <sys/types.h>

struct report;

struct walk_dirid {
	dev_t dev;
	ino_t ino;
};

struct pathlist {
	char **path;
	size_t n, alloc;
	struct walk_dirid *dir;		/* directories walked so far */
	size_t ndir, adir;
};

/* Add operand to pl (walking it when it is a directory); problems are
 * reported as read-error findings.  Returns the number of problems. */
int walk_operand(struct pathlist *pl, const char *operand, struct report *rep);
/* Sort and drop duplicates. */
void pathlist_sort(struct pathlist *pl);
void pathlist_release(struct pathlist *pl);

#endif
