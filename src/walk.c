/*
 * walk.c - operands and directory walks (see walk.h).
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool.h"
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

/* Add path p (with its bytes, or the errno of reading them). */
static void add_read(struct pathlist *pl, const char *p, char *buf, size_t len, int err)
{
	size_t a = pl->alloc;

	add(pl, p);
	if (!pl->read)
		return;
	if (pl->alloc != a || !pl->buf) {
		pl->buf = xrealloc(pl->buf, pl->alloc * sizeof(*pl->buf));
		pl->len = xrealloc(pl->len, pl->alloc * sizeof(*pl->len));
		pl->err = xrealloc(pl->err, pl->alloc * sizeof(*pl->err));
	}
	pl->buf[pl->n - 1] = buf;
	pl->len[pl->n - 1] = len;
	pl->err[pl->n - 1] = err;
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

/*
 * Folders are listed a level at a time, the folders of a level on several
 * threads (pool.h); a listing's files, subfolders and error are merged in
 * the level's order.  The paths are sorted afterwards (pathlist_sort), and
 * errors are reported by path, so the result is that of a depth-first walk.
 */
struct folder {
	char *path;
	int depth;
};

struct listing {
	struct pathlist files;
	struct folder *sub;
	size_t nsub, asub;
	char *err;		/* why the folder could not be read */
};

struct level {
	struct folder *dir;
	struct listing *res;
};

static void list_dir(void *arg, size_t i, unsigned w)
{
	struct level *lv = arg;
	const struct folder *f = &lv->dir[i];
	struct listing *r = &lv->res[i];
	const char *dir = f->path;
	DIR *d;
	struct dirent *de;

	(void)w;
	if (f->depth > 64) {
		r->err = xstrdup("directories nested too deeply (a symlink cycle?)");
		return;
	}
	if (!(d = opendir(dir))) {
		r->err = xasprintf("cannot open directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		bool is_dir;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		/* the entry's type spares a stat() for plain files and folders
		 * (symbolic links and unknown types are followed with stat) */
		if (de->d_type == DT_REG && !has_ext(de->d_name))
			continue;
		p = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		if (de->d_type == DT_REG || de->d_type == DT_DIR) {
			is_dir = de->d_type == DT_DIR;
		} else if (stat(p, &st)) {
			/* a dangling symlink is not an input */
			free(p);
			continue;
		} else if (S_ISDIR(st.st_mode)) {
			is_dir = true;
		} else {
			is_dir = false;
			if (!S_ISREG(st.st_mode) || !has_ext(de->d_name)) {
				free(p);
				continue;
			}
		}
		if (is_dir) {
			ALLOC_GROW(r->sub, r->nsub + 1, r->asub);
			r->sub[r->nsub].path = p;
			r->sub[r->nsub++].depth = f->depth + 1;
			continue;
		}
		if (r->files.read) {
			/* read it now, from this thread, relative to the folder */
			char *buf = NULL;
			size_t len = 0;
			int fd = openat(dirfd(d), de->d_name, O_RDONLY), err = 0;

			if (fd < 0 || read_fd(fd, &buf, &len))
				err = errno ? errno : EIO;
			add_read(&r->files, p, buf, len, err);
		} else {
			add(&r->files, p);
		}
		free(p);
	}
	closedir(d);
}

static int walk_tree(struct pathlist *pl, const char *root, struct report *rep, unsigned jobs)
{
	bool rd = pl->read;
	struct folder *dir = xmalloc(sizeof(*dir));
	size_t n = 1;
	int bad = 0;

	dir[0].path = xstrdup(root);
	dir[0].depth = 0;
	while (n) {
		struct level lv = { dir, xcalloc(n, sizeof(*lv.res)) };
		struct folder *next = NULL;
		size_t nnext = 0, anext = 0;

		for (size_t i = 0; i < n; i++)
			lv.res[i].files.read = rd;
		pool_for(jobs, n, list_dir, &lv);
		for (size_t i = 0; i < n; i++) {
			struct listing *r = &lv.res[i];

			if (r->err) {
				report_add_at(rep, dir[i].path, 0, 0, SEV_ERROR, "read-error", "%s", r->err);
				free(r->err);
				bad++;
			}
			for (size_t k = 0; k < r->files.n; k++) {
				add_read(pl, r->files.path[k], rd ? r->files.buf[k] : NULL,
					 rd ? r->files.len[k] : 0, rd ? r->files.err[k] : 0);
				free(r->files.path[k]);
			}
			free(r->files.path);
			free(r->files.buf);
			free(r->files.len);
			free(r->files.err);
			for (size_t k = 0; k < r->nsub; k++) {
				ALLOC_GROW(next, nnext + 1, anext);
				next[nnext++] = r->sub[k];
			}
			free(r->sub);
			free(dir[i].path);
		}
		free(lv.res);
		free(dir);
		dir = next;
		n = nnext;
	}
	free(dir);
	return bad;
}

int walk_operand(struct pathlist *pl, const char *operand, struct report *rep, unsigned jobs)
{
	struct stat st;

	if (stat(operand, &st)) {
		report_add_at(rep, operand, 0, 0, SEV_ERROR, "read-error", "cannot read: %s", strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return walk_tree(pl, operand, rep, jobs);
	add_read(pl, operand, NULL, 0, 0);
	return 0;
}

struct entry {
	char *path, *buf;
	size_t len;
	int err;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

void pathlist_sort(struct pathlist *pl)
{
	struct entry *e = xcalloc(pl->n ? pl->n : 1, sizeof(*e));
	size_t k = 0;

	for (size_t i = 0; i < pl->n; i++) {
		e[i].path = pl->path[i];
		if (pl->read) {
			e[i].buf = pl->buf[i];
			e[i].len = pl->len[i];
			e[i].err = pl->err[i];
		}
	}
	qsort(e, pl->n, sizeof(*e), cmp_entry);
	for (size_t i = 0; i < pl->n; i++) {
		if (k && !strcmp(e[k - 1].path, e[i].path)) {
			/* named twice: keep the copy that was read */
			if (!e[k - 1].buf && !e[k - 1].err) {
				struct entry t = e[k - 1];

				e[k - 1] = e[i];
				e[i] = t;
			}
			free(e[i].path);
			free(e[i].buf);
			continue;
		}
		e[k++] = e[i];
	}
	pl->n = k;
	for (size_t i = 0; i < k; i++) {
		pl->path[i] = e[i].path;
		if (pl->read) {
			pl->buf[i] = e[i].buf;
			pl->len[i] = e[i].len;
			pl->err[i] = e[i].err;
		}
	}
	free(e);
}

void pathlist_release(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->path[i]);
		if (pl->read)
			free(pl->buf[i]);
	}
	free(pl->path);
	free(pl->buf);
	free(pl->len);
	free(pl->err);
	memset(pl, 0, sizeof(*pl));
}
