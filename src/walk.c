/*
 * walk.c - operands and directory walks (see walk.h).
 *
 * A directory operand is walked in two passes:
 *
 *   1. listing: the folders below it, a level at a time, the folders of a
 *      level on several threads (pool.h).  Each directory (by device and
 *      inode) is listed once, whatever path leads to it; a listing holds
 *      its entries in name order with what the depth-first pass needs:
 *      kind, device and inode, whether it is a symlink, whether a symlink
 *      leads outside the operand, and (pathlist.read) the file's bytes,
 *      read relative to the folder (openat) by the thread that lists it;
 *   2. the walk itself, depth first in name order on the calling thread,
 *      over the listings: it decides what a sequential walk decides (each
 *      directory once, the first path in that order; cycles; depth) and
 *      reports in that order, so the result does not depend on the threads.
 *
 * A plain file or folder is known from the entry's type (no stat()); a
 * folder's identity costs one fstatat(), a file's the fstat() of reading
 * it.  Symlinks and entries of unknown type are followed with stat().
 */
#include "walk.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool.h"
#include "report.h"
#include "rules.h"
#include "util.h"
#include "writeout.h"

/* Deepest folder walked below an operand. */
#define WALK_MAX_DEPTH 64

static bool matches(void *code, const char *s)
{
	return rules_match(code, s, strlen(s));
}

/* Do --include and --exclude-path take path p (found in a directory)? */
static bool taken(const struct pathlist *pl, const char *p)
{
	return (!pl->include || matches(pl->include, p)) && (!pl->exclude || !matches(pl->exclude, p));
}

bool pathlist_excludes(const struct pathlist *pl, const char *path)
{
	return pl->exclude && matches(pl->exclude, path);
}

int pathlist_init(struct pathlist *pl, const char *include, const char *exclude, char **err)
{
	memset(pl, 0, sizeof(*pl));
	*err = NULL;
	pl->seen = xcalloc(1, sizeof(struct hidx));
	if (include && !(pl->include = rules_compile(include, "--include", err)))
		return -1;
	if (exclude && !(pl->exclude = rules_compile(exclude, "--exclude-path", err)))
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

static struct walk_entry *add(struct pathlist *pl, const char *p, dev_t dev, ino_t ino, bool symlink)
{
	char cwd[PATH_MAX];
	struct walk_entry *e;

	ALLOC_GROW(pl->e, pl->n + 1, pl->alloc);
	e = &pl->e[pl->n++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(display(p, cwd, sizeof(cwd)));
	e->dev = dev;
	e->ino = ino;
	e->symlink = symlink;
	return e;
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

static uint64_t dir_hash(dev_t dev, ino_t ino)
{
	return hash_ptr((const void *)(uintptr_t)((uint64_t)dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ino));
}

/* Was directory (dev, ino) walked before (through another path)?  Record
 * it otherwise. */
static bool seen_dir(struct pathlist *pl, dev_t dev, ino_t ino)
{
	struct hidx *h = pl->seen ? pl->seen : (pl->seen = xcalloc(1, sizeof(struct hidx)));
	uint64_t hv = dir_hash(dev, ino);

	for (size_t i = hidx_first(h, hv); i != HIDX_NONE; i = hidx_next(h, i))
		if (pl->dir[i].dev == dev && pl->dir[i].ino == ino)
			return true;
	ALLOC_GROW(pl->dir, pl->ndir + 1, pl->adir);
	pl->dir[pl->ndir].dev = dev;
	pl->dir[pl->ndir].ino = ino;
	hidx_add(h, hv, pl->ndir++);
	return false;
}

static bool was_seen(const struct pathlist *pl, dev_t dev, ino_t ino)
{
	const struct hidx *h = pl->seen;

	if (!h)
		return false;

	for (size_t i = hidx_first(h, dir_hash(dev, ino)); i != HIDX_NONE; i = hidx_next(h, i))
		if (pl->dir[i].dev == dev && pl->dir[i].ino == ino)
			return true;
	return false;
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

static char *join(const char *dir, const char *name)
{
	return xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

/* ---- pass 1: listings ---- */

enum item_kind {
	ITEM_FILE,	/* a regular *.yaml, *.yml or *.json file */
	ITEM_DIR,
	ITEM_OUTSIDE,	/* a symlink (to a folder or such a file) outside the operand */
	ITEM_LEFTOVER,	/* a regular file named as write_atomic()'s temporary files */
};

struct item {
	char *name;
	enum item_kind kind;
	dev_t dev;
	ino_t ino;
	bool symlink;
	bool read;		/* buf/len/err hold the result of reading it */
	char *buf;
	size_t len;
	int err;
	off_t size;		/* with buf: the fstat() of the read */
	struct timespec mtime;
};

struct listing {
	char *path;		/* the path it was listed by */
	dev_t dev;
	ino_t ino;
	int depth;
	char *err;		/* why it could not be listed */
	struct item *it;
	size_t n, alloc;
};

struct lister {
	const struct pathlist *pl;
	const char *root;	/* the operand's real path */
	struct listing *l;	/* every folder listed, in the order found */
	size_t n, alloc;
	struct hidx by_id;	/* l[] by device and inode */
};

static int cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/*
 * The kind of entry de of directory d, with its identity when known
 * (p: its path, or NULL for a plain file without patterns); -1 to skip it.
 */
static int classify(const struct lister *ls, DIR *d, const struct dirent *de, const char *p,
		    struct item *it)
{
	struct stat st, lst;

	if (de->d_type == DT_REG) {
		it->kind = ITEM_FILE;
		return 0;
	}
	if (de->d_type == DT_DIR) {
		if (fstatat(dirfd(d), de->d_name, &st, 0))
			return -1;
		it->kind = ITEM_DIR;
	} else if (fstatat(dirfd(d), de->d_name, &lst, AT_SYMLINK_NOFOLLOW) ||
		   fstatat(dirfd(d), de->d_name, &st, 0)) {
		return -1;	/* a dangling symlink is not an input */
	} else if (S_ISLNK(lst.st_mode) && !inside(p, ls->root)) {
		if (!S_ISDIR(st.st_mode) && !has_ext(de->d_name))
			return -1;
		it->kind = ITEM_OUTSIDE;
		return 0;
	} else if (S_ISDIR(st.st_mode)) {
		it->kind = ITEM_DIR;
	} else if (S_ISREG(st.st_mode) && has_ext(de->d_name)) {
		it->kind = ITEM_FILE;
		it->symlink = S_ISLNK(lst.st_mode);
	} else {
		return -1;
	}
	it->dev = st.st_dev;
	it->ino = st.st_ino;
	return 0;
}

/*
 * A file's identity, and its bytes read now, relative to the folder, when
 * the patterns take it by path p (the walk checks its own path); -1 to
 * skip it (it is gone and was not to be read).
 */
static int read_item(const struct lister *ls, DIR *d, const struct dirent *de, const char *p,
		     struct item *it)
{
	struct stat st;
	int fd = -1;

	if (ls->pl->read && (!p || taken(ls->pl, p))) {
		it->read = true;
		errno = 0;
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY)) < 0 ||
		    read_fd_stat(fd, &st, &it->buf, &it->len))
			it->err = errno ? errno : EIO;
	}
	if (fd < 0 || it->err) {
		/* its identity from the entry */
		if (fstatat(dirfd(d), de->d_name, &st, 0)) {
			if (!it->read)
				return -1;
			st.st_dev = 0;
			st.st_ino = de->d_ino;
		}
	}
	it->dev = st.st_dev;
	it->ino = st.st_ino;
	it->size = st.st_size;
	it->mtime = st.st_mtim;
	return 0;
}

/* Is entry de of d a regular file named as a temporary file of -w? */
static bool leftover_entry(DIR *d, const struct dirent *de)
{
	struct stat st;
	const char *base;
	size_t n;

	if (!writeout_is_temporary(de->d_name, &base, &n))
		return false;
	if (de->d_type == DT_REG)
		return true;
	return de->d_type == DT_UNKNOWN && !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISREG(st.st_mode);
}

static void add_item(struct listing *l, const char *name, enum item_kind kind)
{
	ALLOC_GROW(l->it, l->n + 1, l->alloc);
	memset(&l->it[l->n], 0, sizeof(l->it[l->n]));
	l->it[l->n].name = xstrdup(name);
	l->it[l->n++].kind = kind;
}

static void list_dir(void *arg, size_t i, unsigned w)
{
	struct lister *ls = arg;
	struct listing *l = &ls->l[i];
	DIR *d;
	struct dirent *de;

	(void)w;
	if (!(d = opendir(l->path))) {
		l->err = xasprintf("cannot open directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct item it = { 0 };
		char *p = NULL;

		if (de->d_name[0] == '.') {
			if (ls->pl->leftovers && leftover_entry(d, de))
				add_item(l, de->d_name, ITEM_LEFTOVER);
			continue;
		}
		if (de->d_type == DT_REG && !has_ext(de->d_name))
			continue;
		/* the path only when a symlink or a pattern needs it (a
		 * malloc and a free for each of ten thousand files) */
		if (de->d_type != DT_REG || ls->pl->include || ls->pl->exclude)
			p = join(l->path, de->d_name);
		if (!classify(ls, d, de, p, &it) &&
		    (it.kind != ITEM_FILE || !read_item(ls, d, de, p, &it))) {
			it.name = xstrdup(de->d_name);
			ALLOC_GROW(l->it, l->n + 1, l->alloc);
			l->it[l->n++] = it;
		}
		free(p);
	}
	closedir(d);
	if (l->n)
		qsort(l->it, l->n, sizeof(*l->it), cmp_item);
}

static size_t find_listing(const struct lister *ls, dev_t dev, ino_t ino)
{
	for (size_t i = hidx_first(&ls->by_id, dir_hash(dev, ino)); i != HIDX_NONE; i = hidx_next(&ls->by_id, i))
		if (ls->l[i].dev == dev && ls->l[i].ino == ino)
			return i;
	return HIDX_NONE;
}

static void add_listing(struct lister *ls, char *path, dev_t dev, ino_t ino, int depth)
{
	struct listing *l;

	ALLOC_GROW(ls->l, ls->n + 1, ls->alloc);
	l = &ls->l[ls->n];
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->dev = dev;
	l->ino = ino;
	l->depth = depth;
	hidx_add(&ls->by_id, dir_hash(dev, ino), ls->n++);
}

/* List every folder reachable from the operand (each once, and none that
 * an earlier operand walked or that lies too deep to be walked). */
static void list_all(struct lister *ls, const char *operand, const struct stat *st, unsigned jobs)
{
	size_t level = 0;

	add_listing(ls, xstrdup(operand), st->st_dev, st->st_ino, 0);
	while (level < ls->n) {
		size_t end = ls->n;

		/* list_dir only touches its own listing: l[] does not move */
		{
			struct lister sub = *ls;

			sub.l = ls->l + level;
			pool_for(jobs, end - level, list_dir, &sub);
		}
		for (size_t i = level; i < end; i++) {
			for (size_t k = 0; k < ls->l[i].n; k++) {
				const struct item *it = &ls->l[i].it[k];

				if (it->kind != ITEM_DIR || ls->l[i].depth + 1 >= WALK_MAX_DEPTH ||
				    find_listing(ls, it->dev, it->ino) != HIDX_NONE ||
				    was_seen(ls->pl, it->dev, it->ino))
					continue;
				add_listing(ls, join(ls->l[i].path, it->name), it->dev, it->ino,
					    ls->l[i].depth + 1);
			}
		}
		level = end;
	}
}

static void lister_release(struct lister *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		struct listing *l = &ls->l[i];

		for (size_t k = 0; k < l->n; k++) {
			free(l->it[k].name);
			free(l->it[k].buf);
		}
		free(l->it);
		free(l->path);
		free(l->err);
	}
	free(ls->l);
	hidx_release(&ls->by_id);
}

/* ---- pass 2: the walk ---- */

static void add_leftover(struct pathlist *pl, const char *path)
{
	char cwd[PATH_MAX];

	ALLOC_GROW(pl->leftover, pl->nleft + 1, pl->aleft);
	pl->leftover[pl->nleft++] = xstrdup(display(path, cwd, sizeof(cwd)));
}

/* Is the file a temporary file called name was made for in l? */
static bool beside_a_file(const struct listing *l, const char *name)
{
	const char *base;
	size_t n;
	struct item key = { 0 }, *it;

	if (!writeout_is_temporary(name, &base, &n))
		return false;
	key.name = xstrndup(base, n);
	it = bsearch(&key, l->it, l->n, sizeof(*l->it), cmp_item);
	free(key.name);
	return it && it->kind == ITEM_FILE;
}

/* anc[0..nanc): the directories from the operand down to dir */
static int walk_dir(struct pathlist *pl, struct lister *ls, const char *dir, dev_t dev, ino_t ino,
		    struct walk_dirid *anc, size_t nanc, struct report *rep)
{
	struct listing *l;
	size_t li;
	int bad = 0;

	for (size_t i = 0; i < nanc; i++) {
		if (anc[i].dev == dev && anc[i].ino == ino) {
			report_add_at(rep, dir, 0, 0, CODE_SYMLINK_CYCLE,
				      "skipped: a symbolic link back to a directory that contains it");
			return 0;
		}
	}
	if (seen_dir(pl, dev, ino))
		return 0;
	if (nanc >= WALK_MAX_DEPTH || (li = find_listing(ls, dev, ino)) == HIDX_NONE) {
		report_add_at(rep, dir, 0, 0, CODE_READ_ERROR, "directories nested too deeply");
		return 1;
	}
	anc[nanc].dev = dev;
	anc[nanc].ino = ino;
	l = &ls->l[li];
	if (l->err) {
		report_add_at(rep, dir, 0, 0, CODE_READ_ERROR, "%s", l->err);
		return 1;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct item *it = &l->it[i];
		char *p = join(dir, it->name);

		if (it->kind == ITEM_LEFTOVER) {
			if (beside_a_file(l, it->name))
				add_leftover(pl, p);
		} else if (it->kind == ITEM_OUTSIDE) {
			report_add_at(rep, p, 0, 0, CODE_SYMLINK_OUTSIDE,
				      "skipped: a symlink to a target outside %s", ls->root);
		} else if (it->kind == ITEM_DIR) {
			bad += walk_dir(pl, ls, p, it->dev, it->ino, anc, nanc + 1, rep);
		} else if (taken(pl, p)) {
			struct walk_entry *e = add(pl, p, it->dev, it->ino, it->symlink);

			if (it->read) {
				e->buf = it->buf;
				e->len = it->len;
				e->err = it->err;
				e->size = it->size;
				e->mtime = it->mtime;
				it->buf = NULL;
				it->read = false;
			}
		}
		free(p);
	}
	return bad;
}

/* The names of the temporary files in folder dir (cached: the operands
 * of a glob come folder by folder). */
static void list_leftovers(struct pathlist *pl, const char *dir)
{
	DIR *d;
	struct dirent *de;

	if (pl->left_dir && !strcmp(pl->left_dir, dir))
		return;
	free(pl->left_dir);
	for (size_t i = 0; i < pl->nleft_names; i++)
		free(pl->left_names[i]);
	free(pl->left_names);
	pl->left_names = NULL;
	pl->nleft_names = 0;
	pl->left_dir = xstrdup(dir);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && leftover_entry(d, de)) {
			pl->left_names = xrealloc(pl->left_names, (pl->nleft_names + 1) * sizeof(char *));
			pl->left_names[pl->nleft_names++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
}

/* The temporary files left beside operand, a file named on the command line. */
static void operand_leftovers(struct pathlist *pl, const char *operand)
{
	const char *slash = strrchr(operand, '/'), *name = slash ? slash + 1 : operand;
	char *dir = slash ? xstrndup(operand, (size_t)(slash - operand) + 1) : xstrdup(".");

	list_leftovers(pl, dir);
	for (size_t i = 0; i < pl->nleft_names; i++) {
		const char *base;
		size_t n;
		char *p;

		if (!writeout_is_temporary(pl->left_names[i], &base, &n) || strlen(name) != n ||
		    memcmp(name, base, n))
			continue;
		p = slash ? join(dir, pl->left_names[i]) : xstrdup(pl->left_names[i]);
		add_leftover(pl, p);
		free(p);
	}
	free(dir);
}

int walk_operand(struct pathlist *pl, const char *operand, struct report *rep, unsigned jobs)
{
	struct stat st, lst;
	struct lister ls = { .pl = pl };
	int bad;

	if (stat(operand, &st) || lstat(operand, &lst)) {
		report_add_at(rep, operand, 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (pl->exclude && matches(pl->exclude, operand))
			return 0;
		add(pl, operand, st.st_dev, st.st_ino, S_ISLNK(lst.st_mode));
		if (pl->leftovers && S_ISREG(st.st_mode)) {
			/* write_atomic() writes beside the target of a symlink */
			char *real = S_ISLNK(lst.st_mode) ? realpath(operand, NULL) : NULL;

			operand_leftovers(pl, real ? real : operand);
			free(real);
		}
		return 0;
	}
	ls.root = realpath(operand, NULL);
	if (!ls.root) {
		report_add_at(rep, operand, 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(errno));
		return 1;
	}
	if (!was_seen(pl, st.st_dev, st.st_ino))
		list_all(&ls, operand, &st, jobs);
	{
		struct walk_dirid anc[WALK_MAX_DEPTH + 1];

		bad = walk_dir(pl, &ls, operand, st.st_dev, st.st_ino, anc, 0, rep);
	}
	lister_release(&ls);
	free((char *)ls.root);
	return bad;
}

/* ---- the list ---- */

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
	struct hidx ids = HIDX_INIT;
	bool *gone, sorted = true;
	size_t k = 0;

	if (!pl->n)
		return;
	/* the same file under two names is read once, under the name that
	 * comes first by cmp_file() (the real one before symlinks) */
	gone = xcalloc(pl->n, sizeof(*gone));
	for (size_t i = 0; i < pl->n; i++) {
		uint64_t hv = dir_hash(pl->e[i].dev, pl->e[i].ino);
		size_t j;

		for (j = hidx_first(&ids, hv); j != HIDX_NONE; j = hidx_next(&ids, j))
			if (!gone[j] && pl->e[j].dev == pl->e[i].dev && pl->e[j].ino == pl->e[i].ino)
				break;
		if (j == HIDX_NONE)
			hidx_add(&ids, hv, i);
		else if (cmp_file(&pl->e[i], &pl->e[j]) < 0)
			gone[j] = true, hidx_add(&ids, hv, i);
		else
			gone[i] = true;
	}
	for (size_t i = 0; i < pl->n; i++) {
		if (gone[i]) {
			free(pl->e[i].path);
			free(pl->e[i].buf);
			continue;
		}
		pl->e[k++] = pl->e[i];
		sorted &= k < 2 || cmp_entry(&pl->e[k - 2], &pl->e[k - 1]) <= 0;
	}
	pl->n = k;
	/* a walk gives its paths in order but for names that sort before
	 * '/' ("a-b/x" before "a/x"), and operands come as given */
	if (!sorted)
		qsort(pl->e, pl->n, sizeof(*pl->e), cmp_entry);
	hidx_release(&ids);
	free(gone);
}

void pathlist_release(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->e[i].path);
		free(pl->e[i].buf);
	}
	free(pl->e);
	for (size_t i = 0; i < pl->nleft; i++)
		free(pl->leftover[i]);
	free(pl->leftover);
	for (size_t i = 0; i < pl->nleft_names; i++)
		free(pl->left_names[i]);
	free(pl->left_names);
	free(pl->left_dir);
	free(pl->dir);
	if (pl->seen)
		hidx_release(pl->seen);
	free(pl->seen);
	pcre2_code_free(pl->include);
	pcre2_code_free(pl->exclude);
	memset(pl, 0, sizeof(*pl));
}
