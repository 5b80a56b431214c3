/*
 * walk.c - operands and directory walks (see walk.h).
 */
#include "walk.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

static void *compile(const char *re, const char *what, char **err)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);

	if (!c) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		*err = xasprintf("invalid %s pattern \"%s\" at offset %zu: %s", what, re, (size_t)off,
				 (char *)msg);
	}
	return c;
}

static bool matches(void *code, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = pcre2_match(code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);

	pcre2_match_data_free(md);
	return rc >= 0;
}

int pathlist_init(struct pathlist *pl, const char *include, const char *exclude, char **err)
{
	memset(pl, 0, sizeof(*pl));
	*err = NULL;
	if (include && !(pl->include = compile(include, "--include", err)))
		return -1;
	if (exclude && !(pl->exclude = compile(exclude, "--exclude-path", err)))
		return -1;
	return 0;
}

static const char *display(const char *p, char *cwd, size_t size)
{
	size_t n;

	/* relative to where the user stands when it can be, so that
	 * `git apply` and `patch -p1` find the files */
	if (p[0] == '/' && getcwd(cwd, size) && (n = strlen(cwd)) > 1 && !strncmp(p, cwd, n) &&
	    p[n] == '/')
		p += n + 1;
	while (p[0] == '.' && p[1] == '/' && p[2])
		p += 2;
	return p;
}

static void add(struct pathlist *pl, const char *p, const struct stat *st, bool symlink)
{
	char cwd[PATH_MAX];
	struct walk_entry *e;

	ALLOC_GROW(pl->e, pl->n + 1, pl->alloc);
	e = &pl->e[pl->n++];
	e->path = xstrdup(display(p, cwd, sizeof(cwd)));
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->symlink = symlink;
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

/* Directory st was walked before (through another path); record it
 * otherwise. */
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

static int cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Is the target of path inside the directory whose real path is root? */
static bool inside(const char *path, const char *root)
{
	char *real = realpath(path, NULL);
	size_t n = strlen(root);
	bool in = real && !strncmp(real, root, n) && (real[n] == '/' || !real[n] || !strcmp(root, "/"));

	free(real);
	return in;
}

/* anc[0..nanc): the directories from the operand down to dir */
static int walk_dir(struct pathlist *pl, const char *dir, const struct stat *dst, const char *root,
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
	if ((n = scandir(dir, &de, not_hidden, cmp_dirent)) < 0) {
		report_add_at(rep, dir, 0, 0, SEV_ERROR, "read-error", "cannot open directory: %s", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st, lst;
		const char *name = de[i]->d_name;
		char *p = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);

		if (lstat(p, &lst) || stat(p, &st)) {
			/* a dangling symlink is not an input */
		} else if (S_ISLNK(lst.st_mode) && !inside(p, root)) {
			if (S_ISDIR(st.st_mode) || has_ext(name))
				report_add_at(rep, p, 0, 0, SEV_WARNING, "symlink-outside",
					      "skipped: a symlink to a target outside %s", root);
		} else if (S_ISDIR(st.st_mode)) {
			bad += walk_dir(pl, p, &st, root, anc, nanc + 1, rep);
		} else if (S_ISREG(st.st_mode) && has_ext(name) && (!pl->include || matches(pl->include, p)) &&
			   (!pl->exclude || !matches(pl->exclude, p))) {
			add(pl, p, &st, S_ISLNK(lst.st_mode));
		}
		free(p);
		free(de[i]);
	}
	free(de);
	return bad;
}

int walk_operand(struct pathlist *pl, const char *operand, struct report *rep)
{
	struct stat st, lst;
	char *root;
	int bad;

	if (stat(operand, &st) || lstat(operand, &lst)) {
		report_add_at(rep, operand, 0, 0, SEV_ERROR, "read-error", "cannot read: %s", strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (!pl->exclude || !matches(pl->exclude, operand))
			add(pl, operand, &st, S_ISLNK(lst.st_mode));
		return 0;
	}
	root = realpath(operand, NULL);
	if (!root) {
		report_add_at(rep, operand, 0, 0, SEV_ERROR, "read-error", "cannot read: %s", strerror(errno));
		return 1;
	}
	{
		struct walk_dirid anc[65];

		bad = walk_dir(pl, operand, &st, root, anc, 0, rep);
	}
	free(root);
	return bad;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct walk_entry *)a)->path, ((const struct walk_entry *)b)->path);
}

/* By file, the real name before symlinks, then by path. */
static int cmp_file(const void *a, const void *b)
{
	const struct walk_entry *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->symlink != y->symlink)
		return x->symlink ? 1 : -1;
	return strcmp(x->path, y->path);
}

void pathlist_sort(struct pathlist *pl)
{
	size_t k = 0;

	if (!pl->n)
		return;
	/* the same file under two names is read once */
	qsort(pl->e, pl->n, sizeof(*pl->e), cmp_file);
	for (size_t i = 0; i < pl->n; i++) {
		if (k && pl->e[k - 1].dev == pl->e[i].dev && pl->e[k - 1].ino == pl->e[i].ino) {
			free(pl->e[i].path);
			continue;
		}
		pl->e[k++] = pl->e[i];
	}
	pl->n = k;
	qsort(pl->e, pl->n, sizeof(*pl->e), cmp_entry);
}

void pathlist_release(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->e[i].path);
	free(pl->e);
	free(pl->dir);
	pcre2_code_free(pl->include);
	pcre2_code_free(pl->exclude);
	memset(pl, 0, sizeof(*pl));
}
