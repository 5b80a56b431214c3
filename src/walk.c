/*
 * walk.c - operands and directory walks (see walk.h).
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
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

static int walk_dir(struct pathlist *pl, const char *dir, struct report *rep, int depth)
{
	DIR *d;
	struct dirent *de;
	int bad = 0;

	if (depth > 64) {
		report_add_at(rep, dir, 0, 0, SEV_ERROR, "read-error", "directories nested too deeply (a symlink cycle?)");
		return 1;
	}
	if (!(d = opendir(dir))) {
		report_add_at(rep, dir, 0, 0, SEV_ERROR, "read-error", "cannot open directory: %s", strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		if (stat(p, &st)) {
			/* a dangling symlink is not an input */
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			bad += walk_dir(pl, p, rep, depth + 1);
		else if (S_ISREG(st.st_mode) && has_ext(de->d_name))
			add(pl, p);
		free(p);
	}
	closedir(d);
	return bad;
}

int walk_operand(struct pathlist *pl, const char *operand, struct report *rep)
{
	struct stat st;

	if (stat(operand, &st)) {
		report_add_at(rep, operand, 0, 0, SEV_ERROR, "read-error", "cannot read: %s", strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(pl, operand, rep, 0);
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
	memset(pl, 0, sizeof(*pl));
}
