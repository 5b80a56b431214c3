/*
 * context.c - find and read the rest of a file operand's build (see
 * context.h): walk up to the nearest kustomization that includes the file,
 * read its closure from disk a level at a time with builds_init() naming
 * what is still missing, else take the file's folder.
 *
 * Every file met is one entry of a table keyed by its normalised path, so
 * that it is read (and, for a kustomization, parsed) once per run; only
 * kustomizations are read while closures are followed, the other context
 * files at the end.
 */
#include "context.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builds.h"
#include "plandata.h"
#include "report.h"
#include "source.h"
#include "split.h"
#include "util.h"
#include "ytree.h"

#define NONE SIZE_MAX


struct cfile {
	char *norm;
	char *buf;
	size_t len;
	bool read, ok;		/* read was tried; it worked */
	bool kust;		/* a kustomization's name: parsed for builds_init() */
	bool parsed;
	struct ystream ys;
	struct source src;
	bool used;		/* context of an operand */
	bool operand;
};

struct closure {
	size_t kust;		/* the kustomization (f[]) */
	size_t *file;		/* its closure (f[]), itself included */
	size_t nfile;
	bool root;		/* a root build among what was read */
};

struct cstate {
	struct cfile *f;
	size_t n, alloc;
	struct hidx by;		/* f[] by norm */
	struct hidx ops;	/* operands' normalised paths (in have[]) */
	char **opnorm;
	size_t nop;
	struct closure *cl;
	size_t ncl, acl;
	char **listed;		/* folders whose files were taken */
	size_t nlisted, alisted;
	bool (*skip)(const char *path, void *arg);
	void *arg;
};


static bool manifest_name(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(path + n - 5, ".json")) || builds_kustomization_file(path);
}

/* "dir" + "name" ("" is the current folder). */
static char *in_dir(const char *dir, const char *name)
{
	return *dir ? xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name) : xstrdup(name);
}

static bool is_operand(const struct cstate *st, const char *norm)
{
	for (size_t i = hidx_first(&st->ops, hash_str(HASH_INIT, norm)); i != HIDX_NONE;
	     i = hidx_next(&st->ops, i))
		if (!strcmp(st->opnorm[i], norm))
			return true;
	return false;
}

/* The entry of file norm (made when new; a kustomization is read and
 * parsed then), or NONE when the table is full. */
static size_t file_get(struct cstate *st, const char *norm)
{
	struct cfile *f;

	for (size_t i = hidx_first(&st->by, hash_str(HASH_INIT, norm)); i != HIDX_NONE; i = hidx_next(&st->by, i))
		if (!strcmp(st->f[i].norm, norm))
			return i;
	if (st->n >= CONTEXT_MAX_FILES || (st->skip && st->skip(norm, st->arg)))
		return NONE;
	ALLOC_GROW(st->f, st->n + 1, st->alloc);
	f = &st->f[st->n];
	memset(f, 0, sizeof(*f));
	f->norm = xstrdup(norm);
	f->kust = builds_kustomization_file(norm);
	f->operand = is_operand(st, norm);
	ystream_init(&f->ys);
	if (f->kust) {
		f->read = true;
		f->ok = !read_file(norm, &f->buf, &f->len);
		f->parsed = f->ok && !ystream_parse(&f->ys, f->buf, f->len);
	}
	source_init_borrow(&f->src, f->norm, f->buf ? f->buf : "", f->len);
	hidx_add(&st->by, hash_str(HASH_INIT, norm), st->n);
	return st->n++;
}

/* The kustomization file of folder dir (normalised), malloc'd, or NULL. */
static char *kustomization_in(const char *dir)
{
	struct stat sb;

	for (size_t i = 0; i < ARRAY_SIZE(builds_kustomization_files); i++) {
		char *p = in_dir(dir, builds_kustomization_files[i]);

		if (!stat(p, &sb) && S_ISREG(sb.st_mode))
			return p;
		free(p);
	}
	return NULL;
}

/* A path a build names and does not have: the file (a manifest or a
 * kustomization) or the kustomization of the folder, or NONE. */
static size_t load_missing(struct cstate *st, const char *path)
{
	struct stat sb;
	char *k;
	size_t i;

	if (stat(*path ? path : ".", &sb))
		return NONE;
	if (S_ISREG(sb.st_mode))
		return manifest_name(path) ? file_get(st, path) : NONE;
	if (!S_ISDIR(sb.st_mode) || !(k = kustomization_in(path)))
		return NONE;
	i = file_get(st, k);
	free(k);
	return i;
}

static bool has_index(const size_t *v, size_t n, size_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* builds_init() over the files set[0..n). */
static void builds_of_set(struct cstate *st, struct builds *bs, const size_t *set, size_t n)
{
	static struct ystream none;
	struct plan_input *in = xcalloc(n ? n : 1, sizeof(*in));

	for (size_t i = 0; i < n; i++) {
		struct cfile *f = &st->f[set[i]];

		in[i] = (struct plan_input){ .src = &f->src, .ys = f->parsed ? &f->ys : &none,
					     .skip = !f->parsed, .path_norm = f->norm };
	}
	builds_init(bs, in, n);
	free(in);
}

/* Read the closure of kustomization k (f[]): cl->file. */
static void follow(struct cstate *st, struct closure *cl)
{
	size_t *set = xcalloc(1, sizeof(*set)), n = 1, alloc = 1;
	struct builds bs;
	bool added = true;

	set[0] = cl->kust;
	while (added) {
		added = false;
		builds_of_set(st, &bs, set, n);
		for (size_t b = 0; b < bs.n; b++)
			for (size_t m = 0; m < bs.b[b].nmissing; m++) {
				size_t i = load_missing(st, bs.b[b].missing[m]);

				if (i == NONE || has_index(set, n, i))
					continue;
				ALLOC_GROW(set, n + 1, alloc);
				set[n++] = i;
				added = true;
			}
		if (!added && bs.n && bs.b[0].in == 0 && bs.b[0].root) {
			/* b[0] is cl->kust: set[0], its first document */
			cl->root = true;
			cl->file = xcalloc(bs.b[0].ninc ? bs.b[0].ninc : 1, sizeof(*cl->file));
			for (size_t j = 0; j < bs.b[0].ninc; j++)
				cl->file[cl->nfile++] = set[bs.b[0].inc[j]];
		}
		builds_release(&bs);
	}
	free(set);
}

/* The closure of kustomization file kpath, read once. */
static const struct closure *closure_of(struct cstate *st, const char *kpath)
{
	size_t k = file_get(st, kpath);
	struct closure *cl;

	if (k == NONE)
		return NULL;
	for (size_t i = 0; i < st->ncl; i++)
		if (st->cl[i].kust == k)
			return &st->cl[i];
	ALLOC_GROW(st->cl, st->ncl + 1, st->acl);
	cl = &st->cl[st->ncl++];
	memset(cl, 0, sizeof(*cl));
	cl->kust = k;
	follow(st, cl);
	return cl;
}

/* The folder of normalised path p: "" for a name alone, "/" for "/x". */
static char *dir_of(const char *p)
{
	const char *slash = strrchr(p, '/');

	return !slash ? xstrdup("") : slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p));
}

/* The folder above dir; dir itself at the filesystem's root. */
static char *parent_of(const char *dir)
{
	char *x = in_dir(dir, "x"), *up = builds_path_join(x, "..");

	free(x);
	return up;
}

static bool stop_at(const char *dir)
{
	char *git = in_dir(dir, ".git"), *real = realpath(*dir ? dir : ".", NULL);
	struct stat sb;
	bool stop = !stat(git, &sb) || !real || !strcmp(real, "/");

	free(git);
	free(real);
	return stop;
}

/* Mark the manifests of folder dir, once. */
static void take_folder(struct cstate *st, const char *dir)
{
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; i < st->nlisted; i++)
		if (!strcmp(st->listed[i], dir))
			return;
	ALLOC_GROW(st->listed, st->nlisted + 1, st->alisted);
	st->listed[st->nlisted++] = xstrdup(dir);
	if (!(d = opendir(*dir ? dir : ".")))
		return;
	while ((e = readdir(d))) {
		char *p = in_dir(dir, e->d_name);
		struct stat sb;
		size_t i;

		if (e->d_name[0] != '.' && manifest_name(e->d_name) && !stat(p, &sb) && S_ISREG(sb.st_mode) &&
		    (i = file_get(st, p)) != NONE)
			st->f[i].used = true;
		free(p);
	}
	closedir(d);
}

/* Mark the context of file operand op. */
static void context_of(struct cstate *st, const char *op)
{
	char *norm = builds_path_join("", op), *dir = dir_of(norm), *home = xstrdup(dir);

	for (unsigned level = 0; level < CONTEXT_MAX_LEVELS; level++) {
		char *k = kustomization_in(dir), *up;
		const struct closure *cl = k ? closure_of(st, k) : NULL;
		bool stop;

		free(k);
		for (size_t j = 0; cl && cl->root && j < cl->nfile; j++)
			if (!strcmp(st->f[cl->file[j]].norm, norm)) {
				for (size_t i = 0; i < cl->nfile; i++)
					st->f[cl->file[i]].used = true;
				goto out;
			}
		stop = stop_at(dir);
		up = parent_of(dir);
		stop |= !strcmp(up, dir);
		free(dir);
		dir = up;
		if (stop)
			break;
	}
	take_folder(st, home);
out:
	free(norm);
	free(dir);
	free(home);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The used files that are no operand, read, into cx (sorted). */
static void collect(struct cstate *st, struct context *cx)
{
	size_t m = 0;

	for (size_t i = 0; i < st->n; i++)
		m += st->f[i].used && !st->f[i].operand;
	cx->path = xcalloc(m ? m : 1, sizeof(*cx->path));
	cx->buf = xcalloc(m ? m : 1, sizeof(*cx->buf));
	cx->len = xcalloc(m ? m : 1, sizeof(*cx->len));
	for (size_t i = 0; i < st->n; i++) {
		struct cfile *f = &st->f[i];

		if (!f->used || f->operand)
			continue;
		if (!f->read)
			f->ok = !read_file(f->norm, &f->buf, &f->len);
		f->read = true;
		if (f->ok)
			cx->path[cx->n++] = f->norm;
	}
	if (cx->n)
		qsort(cx->path, cx->n, sizeof(*cx->path), cmp_str);
	for (size_t k = 0; k < cx->n; k++) {
		size_t i = file_get(st, cx->path[k]);

		cx->path[k] = xstrdup(st->f[i].norm);
		cx->buf[k] = st->f[i].buf;
		cx->len[k] = st->f[i].len;
		st->f[i].buf = NULL;	/* taken */
	}
}

static void cstate_release(struct cstate *st)
{
	for (size_t i = 0; i < st->n; i++) {
		ystream_release(&st->f[i].ys);
		source_release(&st->f[i].src);
		free(st->f[i].norm);
		free(st->f[i].buf);
	}
	free(st->f);
	hidx_release(&st->by);
	hidx_release(&st->ops);
	for (size_t i = 0; i < st->nop; i++)
		free(st->opnorm[i]);
	free(st->opnorm);
	for (size_t i = 0; i < st->ncl; i++)
		free(st->cl[i].file);
	free(st->cl);
	for (size_t i = 0; i < st->nlisted; i++)
		free(st->listed[i]);
	free(st->listed);
}

void context_find(struct context *cx, const char *const *ops, size_t nops, const char *const *have,
		  size_t nhave, bool (*skip)(const char *path, void *arg), void *arg)
{
	struct cstate st;

	memset(cx, 0, sizeof(*cx));
	memset(&st, 0, sizeof(st));
	st.skip = skip;
	st.arg = arg;
	st.by = (struct hidx)HIDX_INIT;
	st.ops = (struct hidx)HIDX_INIT;
	st.opnorm = xcalloc(nhave ? nhave : 1, sizeof(*st.opnorm));
	for (size_t i = 0; i < nhave; i++) {
		st.opnorm[st.nop] = builds_path_join("", have[i]);
		hidx_add(&st.ops, hash_str(HASH_INIT, st.opnorm[st.nop]), st.nop);
		st.nop++;
	}
	for (size_t i = 0; i < nops; i++)
		context_of(&st, ops[i]);
	collect(&st, cx);
	cstate_release(&st);
}

bool context_wanted(const char *path, const char *buf, size_t len)
{
	struct split sp;
	bool wanted = builds_kustomization_file(path);

	if (wanted || split_stream(&sp, buf, len))
		return true;
	for (size_t k = 0; k < sp.n && !wanted; k++)
		wanted = chunk_wanted(&sp.c[k]);
	split_release(&sp);
	return wanted;
}

static bool in_context(const struct context *cx, const char *path)
{
	return path && bsearch(&path, cx->path, cx->n, sizeof(*cx->path), cmp_str);
}

struct dropping {
	const struct context *cx;
	bool *op_owner;		/* per owner: a workload of an operand */
	size_t nowner;
};

/* A finding located in a context file stays when it is a warning or an
 * error about a workload of an operand (the data-migration warning at its
 * claim's manifest, a claim still mounted): the rest is about edits that
 * are not made, or about workloads that are not converted. */
static bool keep_finding(const struct finding *f, void *arg)
{
	const struct dropping *dr = arg;

	if (!in_context(dr->cx, f->path))
		return true;
	return f->sev >= SEV_WARNING && f->owner && f->owner < dr->nowner && dr->op_owner[f->owner];
}

static bool keep_dep(const struct dep_summary *d, void *arg)
{
	const struct dropping *dr = arg;

	return !in_context(dr->cx, d->path);
}

void context_drop(const struct context *cx, struct report *rep)
{
	struct dropping dr = { cx, NULL, 1 };

	if (!cx->n)
		return;
	for (size_t i = 0; i < rep->ndep; i++)
		if (rep->dep[i].owner >= dr.nowner)
			dr.nowner = rep->dep[i].owner + 1;
	dr.op_owner = xcalloc(dr.nowner, sizeof(*dr.op_owner));
	for (size_t i = 0; i < rep->ndep; i++)
		if (rep->dep[i].owner && !in_context(cx, rep->dep[i].path))
			dr.op_owner[rep->dep[i].owner] = true;
	report_filter(rep, keep_finding, keep_dep, &dr);
	free(dr.op_owner);
}

void context_release(struct context *cx)
{
	for (size_t i = 0; i < cx->n; i++) {
		free(cx->path[i]);
		free(cx->buf[i]);
	}
	free(cx->path);
	free(cx->buf);
	free(cx->len);
	memset(cx, 0, sizeof(*cx));
}
