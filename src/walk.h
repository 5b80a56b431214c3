/*
 * walk.h - the files named on the command line, directories walked.
 *
 * A directory is walked for *.yaml, *.yml and *.json, skipping hidden
 * entries (.git and the like) and, with --include/--exclude-path, paths
 * that the patterns (pcre2) leave out; a file named explicitly is taken
 * whatever its name (--exclude-path still applies).  The result is sorted
 * by path so that output is deterministic.  Paths are shown as given,
 * without a leading "./"; an absolute path under the current directory is
 * shown relative to it.
 *
 * Symlinks: a file reached twice (a symlink and its target, or two
 * symlinks) is read once, under the name that is not a symlink when there
 * is one; a symlink found in a walked directory whose target lies outside
 * that directory is skipped with a warning.  Directories are walked in
 * name order and each one once, however many links lead to it: a link back
 * to a directory being walked (a cycle) is reported with a warning.
 *
 * The folders are listed a level at a time on several threads, and with
 * pathlist.read set their files are read by the listing threads; the
 * result (paths, findings) is that of a depth-first walk in name order.
 *
 * With pathlist.leftovers set, the temporary files that an interrupted
 * `stsify -w` left beside the files it takes (".NAME.stsify-XXXXXX" beside
 * NAME, writeout.h) are listed in pathlist.leftover, for the caller to
 * remove or report: in the folders walked, and in the folder of a file
 * named as an operand.
 */
#ifndef STSIFY_WALK_H
#define STSIFY_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct report;

struct walk_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	bool symlink;
	/*
	 * With pathlist.read: the bytes of the file (owned: freed by
	 * pathlist_release() unless taken, buf set to NULL), or err the errno
	 * of the failed read; both unset when the file was not read during
	 * the walk (a file named as an operand), to be read by the caller.
	 */
	char *buf;
	size_t len;
	int err;
	/* with buf: the size and modification time of the file read */
	off_t size;
	struct timespec mtime;
};

struct walk_dirid {
	dev_t dev;
	ino_t ino;
};

struct pathlist {
	struct walk_entry *e;
	size_t n, alloc;
	/* directories walked, to walk each once and end symlink cycles */
	struct walk_dirid *dir;
	size_t ndir, adir;
	void *seen;			/* index of dir[] (struct hidx *) */
	void *include, *exclude;	/* pcre2_code *, or NULL */
	bool read;			/* read the files found in directories */
	bool leftovers;			/* list the temporary files left behind */
	char **leftover;		/* their paths (owned), in walk order */
	size_t nleft, aleft;
	/* the folder of the last file operand, and the leftovers found in it */
	char *left_dir;
	char **left_names;
	size_t nleft_names;
};

/* Compile the path patterns; -1 with *err (malloc'd) when one is invalid.
 * Set read (and leftovers) afterwards to have files read (and temporary
 * files found) during the walk. */
int pathlist_init(struct pathlist *pl, const char *include, const char *exclude, char **err);
/* Add operand to pl (walking it when it is a directory, listing on jobs
 * threads); problems are reported as findings.  Returns the number of
 * errors. */
int walk_operand(struct pathlist *pl, const char *operand, struct report *rep, unsigned jobs);
/* Does --exclude-path leave path out? */
bool pathlist_excludes(const struct pathlist *pl, const char *path);
/* Sort, and drop files reached twice. */
void pathlist_sort(struct pathlist *pl);
void pathlist_release(struct pathlist *pl);

#endif
