/*
 * walk.c - operands and directory walks (see walk.h).
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

static void add(struct pathlist *pl, const char *p)
{
	char cwd[4096];
	size_t n;

	/* paths are shown relative to where the user stands when they can be,
	 * so that `git apply` and `patch -p1` find them */
	if (p[0] == '/' && getcwd(cwd, sizeof(cwd)) && (n = strlen(cwd)) > 1 &&
	    !strncmp(p, cwd, n) && p[n] == '/')
		p += n + 1;
	while (p[0] == '.' && p[1] == '/' && p[2])
		p += 2;
	ALLOC_GROW(pl->path, pl->n + 1, pl->alloc);
	pl->path[pl->n++] = xstrdup(p);
}

static int has_ext(const char *name)
{
	static const char *const ext[] = { ".yaml", ".yml", ".json" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcmp(name + n - e, ext[i]))
			return 1;
	}
	return 0;
}

static int cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dirent(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Directory st was walked before (through another path, or it is being
 * walked now: a cycle); record it otherwise. */
static bool seen_dir(struct pathlist *pl, const struct stat *st)
{
	for (size_t i = 0; i < pl->ndir; i++)
		if (pl->dir[i].dev == st->st_dev && pl->dir[i].ino == st->st_ino)
			return true;
	ALLOC_GROW(pl->dir, pl->ndir + 1, pl->adir);
	pl->dir[pl->ndir].dev = st->st_dev;
	pl->dir[pl->ndir++].ino = st->st_ino;
	return false;
}

/* anc[0..nanc): the directories from the operand down to dir */
static int walk_dir(struct pathlist *pl, const char *dir, const struct stat *dst,
		    struct walk_dirid *anc, size_t nanc, struct report *rep)
{
	struct dirent **de;
	int bad = 0, n;

	for (size_t i = 0; i < nanc; i++) {
		if (anc[i].dev == dst->st_dev && anc[i].ino == dst->st_ino) {
			report_add_at(rep, dir, 0, 0, SEV_WARNING, "symlink-cycle",
				      "skipped: a symbolic link back to a directory that contains it");
			return 0;
		}
	}
	if (seen_dir(pl, dst))
		return 0;
	if (nanc >= 64) {
		report_add_at(rep, dir, 0, 0, SEV_ERROR, "read-error", "directories nested too deeply");
		return 1;
	}
	anc[nanc].dev = dst->st_dev;
	anc[nanc].ino = dst->st_ino;
	if ((n = scandir(dir, &de, skip_dirent, cmp_dirent)) < 0) {
		report_add_at(rep, dir, 0, 0, SEV_ERROR, "read-error", "cannot open directory: %s", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;
		char *p = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de[i]->d_name);

		if (stat(p, &st)) {
			/* a dangling symlink is not an input */
		} else if (S_ISDIR(st.st_mode)) {
			bad += walk_dir(pl, p, &st, anc, nanc + 1, rep);
		} else if (S_ISREG(st.st_mode) && has_ext(de[i]->d_name)) {
			add(pl, p);
		}
		free(p);
		free(de[i]);
	}
	free(de);
	return bad;
}

int walk_operand(struct pathlist *pl, const char *operand, struct report *rep)
{
	struct stat st;

	if (stat(operand, &st)) {
		report_add_at(rep, operand, 0, 0, SEV_ERROR, "read-error", "cannot read: %s", strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		struct walk_dirid anc[65];

		return walk_dir(pl, operand, &st, anc, 0, rep);
	}
	add(pl, operand);
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pathlist_sort(struct pathlist *pl)
{
	size_t k = 0;

	qsort(pl->path, pl->n, sizeof(*pl->path), cmp_path);
	for (size_t i = 0; i < pl->n; i++) {
		if (k && !strcmp(pl->path[k - 1], pl->path[i])) {
			free(pl->path[i]);
			continue;
		}
		pl->path[k++] = pl->path[i];
	}
	pl->n = k;
}

void pathlist_release(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->path[i]);
	free(pl->path);
	free(pl->dir);
	memset(pl, 0, sizeof(*pl));
}
