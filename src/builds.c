/*
 * builds.c - the Kustomize builds of a set of inputs (builds.h): find the
 * kustomizations, resolve the paths each names against the inputs' paths
 * (files) and the kustomizations' folders (bases, overlays, components),
 * then walk the inclusion graph from every root build.
 *
 * Nothing is read from disk and nothing rendered: a path that is not among
 * the inputs is recorded as missing, a remote base as remote, and the
 * caller decides what that means.
 */
#include "builds.h"

#include <stdlib.h>
#include <string.h>

#include "plandata.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

/* Working state of builds_init(). */
struct bctx {
	struct builds *bs;
	const struct plan_input *in;
	char **norm;		/* per input: its normalised path */
	struct hidx by_path;	/* inputs by normalised path */
	struct hidx by_dir;	/* kustomizations (bs->b) by folder */
	size_t afile, asub, amissing;	/* of the build being read */
};

char *builds_path_join(const char *base, const char *rel)
{
	const char *slash = strrchr(base, '/');
	char *joined = rel[0] == '/' || !slash ? xstrdup(rel)
					       : xasprintf("%.*s/%s", (int)(slash - base), base, rel);
	char **seg = xcalloc(strlen(joined) + 1, sizeof(*seg));
	struct strbuf out = STRBUF_INIT;
	bool abs = joined[0] == '/';	/* (the loop cuts joined at its first '/') */
	size_t n = 0;

	for (char *t = joined, *e; *t; t = e) {
		e = t + strcspn(t, "/");
		if (*e)
			*e++ = '\0';
		if (!*t || !strcmp(t, "."))
			continue;
		if (!strcmp(t, "..") && n && strcmp(seg[n - 1], ".."))
			n--;
		else
			seg[n++] = t;
	}
	if (abs)
		strbuf_addch(&out, '/');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&out, '/');
		strbuf_addstr(&out, seg[i]);
	}
	free(seg);
	free(joined);
	return strbuf_detach(&out, NULL);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *const builds_kustomization_files[3] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };

bool builds_kustomization_file(const char *path)
{
	const char *base = base_name(path);

	for (size_t i = 0; i < ARRAY_SIZE(builds_kustomization_files); i++)
		if (!strcmp(base, builds_kustomization_files[i]))
			return true;
	return false;
}

bool builds_is_kustomization(const char *path, const struct ynode *root, bool *component)
{
	const struct ynode *kind = ynode_get(root, "kind");
	const char *api = ynode_str(ynode_get(root, "apiVersion"));
	bool comp = ynode_is(kind, "Component");

	if (component)
		*component = comp;
	if (!root || root->kind != YNODE_MAP)
		return false;
	if (api && !strstr(api, "kustomize.config.k8s.io"))
		return false;	/* Flux's Kustomization, or another API's */
	return builds_kustomization_file(path) || comp || ynode_is(kind, "Kustomization");
}

bool builds_is_remote(const char *e)
{
	static const char *const prefix[] = { "git@", "git::", "github.com/", "gitlab.com/", "bitbucket.org/" };

	for (size_t i = 0; i < ARRAY_SIZE(prefix); i++)
		if (!strncmp(e, prefix[i], strlen(prefix[i])))
			return true;
	return strstr(e, "://") || strstr(e, "?ref=") || strstr(e, "?version=");
}

/* The input whose normalised path is want, or SIZE_MAX. */
static size_t find_input(const struct bctx *x, const char *want)
{
	for (size_t i = hidx_first(&x->by_path, hash_str(HASH_INIT, want)); i != HIDX_NONE;
	     i = hidx_next(&x->by_path, i))
		if (!strcmp(x->norm[i], want))
			return i;
	return SIZE_MAX;
}

/* The kustomization of folder dir other than self (the first with a
 * kustomization name, else the first), or SIZE_MAX. */
static size_t find_dir(const struct bctx *x, const char *dir, size_t self)
{
	size_t any = SIZE_MAX;

	for (size_t k = hidx_first(&x->by_dir, hash_str(HASH_INIT, dir)); k != HIDX_NONE;
	     k = hidx_next(&x->by_dir, k)) {
		const struct build *b = &x->bs->b[k];

		if (k == self || strcmp(b->dir, dir))
			continue;
		if (builds_kustomization_file(b->path))
			return k;
		if (any == SIZE_MAX)
			any = k;
	}
	return any;
}

/* Build k names path entry e (relative to its folder). */
static void add_entry(struct bctx *x, size_t k, const char *e)
{
	struct build *b = &x->bs->b[k];
	char *want;
	size_t i;

	if (!*e || strchr(e, '\n'))
		return;	/* an inline patch or configuration */
	if (builds_is_remote(e)) {
		b->remote = true;
		return;
	}
	want = builds_path_join(b->path, e);
	if ((i = find_input(x, want)) != SIZE_MAX) {
		ALLOC_GROW(b->file, b->nfile + 1, x->afile);
		b->file[b->nfile++] = i;
	} else if ((i = find_dir(x, want, k)) != SIZE_MAX) {
		ALLOC_GROW(b->sub, b->nsub + 1, x->asub);
		b->sub[b->nsub++] = i;
	} else {
		ALLOC_GROW(b->missing, b->nmissing + 1, x->amissing);
		b->missing[b->nmissing++] = want;
		return;
	}
	free(want);
}

/* The scalars of sequence seq (or seq itself, a scalar) as entries; with
 * key, the scalar under key of each item that is a map instead. */
static void add_list(struct bctx *x, size_t k, const struct ynode *seq, const char *key)
{
	if (ynode_is_scalar(seq) && !key) {
		add_entry(x, k, ynode_str(seq));
		return;
	}
	for (size_t j = 0; seq && seq->kind == YNODE_SEQ && j < seq->nkid; j++) {
		const struct ynode *e = key ? ynode_get(seq->kid[j], key) : seq->kid[j];

		if (ynode_is_scalar(e))
			add_entry(x, k, ynode_str(e));
	}
}

/* The files of configMapGenerator or secretGenerator items: `files`
 * entries are "path" or "key=path"; `envs` and `env` are paths. */
static void add_generator(struct bctx *x, size_t k, const struct ynode *seq)
{
	for (size_t j = 0; seq && seq->kind == YNODE_SEQ && j < seq->nkid; j++) {
		const struct ynode *files = ynode_get(seq->kid[j], "files");

		for (size_t f = 0; files && files->kind == YNODE_SEQ && f < files->nkid; f++) {
			const char *e = ynode_str(files->kid[f]), *eq;

			if (e)
				add_entry(x, k, (eq = strchr(e, '=')) ? eq + 1 : e);
		}
		add_list(x, k, ynode_get(seq->kid[j], "envs"), NULL);
		add_list(x, k, ynode_get(seq->kid[j], "env"), NULL);
	}
}

/* What kustomization k names. */
static void read_build(struct bctx *x, size_t k)
{
	static const char *const plain[] = { "resources", "components", "bases", "crds", "configurations",
					     "transformers", "generators", "validators",
					     "patchesStrategicMerge" };
	static const char *const with_path[] = { "patches", "patchesJson6902", "replacements" };
	const struct build *b = &x->bs->b[k];
	const struct ynode *root = x->in[b->in].ys->doc[b->doc].root;

	x->afile = x->asub = x->amissing = 0;
	ALLOC_GROW(x->bs->b[k].file, 1, x->afile);
	x->bs->b[k].file[x->bs->b[k].nfile++] = b->in;
	for (size_t l = 0; l < ARRAY_SIZE(plain); l++)
		add_list(x, k, ynode_get(root, plain[l]), NULL);
	for (size_t l = 0; l < ARRAY_SIZE(with_path); l++)
		add_list(x, k, ynode_get(root, with_path[l]), "path");
	add_generator(x, k, ynode_get(root, "configMapGenerator"));
	add_generator(x, k, ynode_get(root, "secretGenerator"));
}

/* Is document d the only one of input i's file?  Kustomize reads a
 * kustomization file, one document; a kind: Kustomization among other
 * documents (a rendered stream, a corpus joined into one) is data.  The
 * input must cover its whole source: filter mode's fast path (stream.c)
 * plans a large input in parts, and a part is not the file. */
static bool alone_in_file(const struct plan_input *in, size_t d)
{
	const struct ystream *ys = in->ys;

	if (!ys->ndoc || ys->doc[0].start != 0 || ys->doc[ys->ndoc - 1].end < in->src->len)
		return false;
	for (size_t k = 0; k < ys->ndoc; k++)
		if (k != d && ys->doc[k].root)
			return false;
	return true;
}

/* Find the kustomizations: bs->b, indexed by folder. */
static void discover(struct bctx *x, size_t nin)
{
	struct builds *bs = x->bs;
	size_t ab = 0;

	for (size_t i = 0; i < nin; i++) {
		const char *path = x->in[i].src->path;

		for (size_t d = 0; !x->in[i].skip && d < x->in[i].ys->ndoc; d++) {
			const struct ynode *root = x->in[i].ys->doc[d].root;
			const char *slash = strrchr(x->norm[i], '/');
			bool comp;
			struct build *b;

			if (!builds_is_kustomization(path, root, &comp) ||
			    (!builds_kustomization_file(path) && !alone_in_file(&x->in[i], d)))
				continue;
			ALLOC_GROW(bs->b, bs->n + 1, ab);
			b = &bs->b[bs->n];
			memset(b, 0, sizeof(*b));
			b->in = i;
			b->doc = d;
			b->component = comp;
			b->path = xstrdup(x->norm[i]);
			b->dir = slash ? xstrndup(x->norm[i], (size_t)(slash - x->norm[i])) : xstrdup("");
			hidx_add(&x->by_dir, hash_str(HASH_INIT, b->dir), bs->n++);
		}
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The closure of root build r: every kustomization reachable once
 * (stamp), the inputs they include once (seen). */
static void closure(struct builds *bs, size_t r, size_t *stamp, size_t *seen, size_t *stack)
{
	struct build *root = &bs->b[r];
	size_t top = 0, ainc = 0, mark = r + 1;

	stack[top++] = r;
	stamp[r] = mark;
	while (top) {
		const struct build *b = &bs->b[stack[--top]];

		for (size_t f = 0; f < b->nfile; f++) {
			if (seen[b->file[f]] == mark)
				continue;
			seen[b->file[f]] = mark;
			ALLOC_GROW(root->inc, root->ninc + 1, ainc);
			root->inc[root->ninc++] = b->file[f];
		}
		root->remote |= b->remote;
		for (size_t s = 0; s < b->nsub; s++)
			if (stamp[b->sub[s]] != mark) {
				stamp[b->sub[s]] = mark;
				stack[top++] = b->sub[s];
			}
		if (b != root && b->nmissing && !root->nmissing) {
			/* a missing path below makes the root's closure partial too */
			root->missing = xcalloc(1, sizeof(*root->missing));
			root->missing[root->nmissing++] = xstrdup(b->missing[0]);
		}
	}
	if (root->ninc)
		qsort(root->inc, root->ninc, sizeof(*root->inc), cmp_size);
}

/* The roots, their closures, and per input the roots that include it. */
static void find_roots(struct builds *bs)
{
	bool *included = xcalloc(bs->n + 1, sizeof(*included));
	size_t *stamp = xcalloc(bs->n + 1, sizeof(*stamp)), *stack = xcalloc(bs->n + 1, sizeof(*stack));
	size_t *seen = xcalloc(bs->nin + 1, sizeof(*seen)), *fill = xcalloc(bs->nin + 1, sizeof(*fill));

	for (size_t k = 0; k < bs->n; k++)
		for (size_t s = 0; s < bs->b[k].nsub; s++)
			included[bs->b[k].sub[s]] = true;
	bs->root = xcalloc(bs->n + 1, sizeof(*bs->root));
	bs->first = xcalloc(bs->nin + 1, sizeof(*bs->first));
	for (size_t k = 0; k < bs->n; k++) {
		if (included[k] || bs->b[k].component)
			continue;
		bs->b[k].root = true;
		bs->root[bs->nroot++] = k;
		closure(bs, k, stamp, seen, stack);
		for (size_t j = 0; j < bs->b[k].ninc; j++)
			bs->first[bs->b[k].inc[j] + 1]++;
	}
	for (size_t i = 0; i < bs->nin; i++)
		bs->first[i + 1] += bs->first[i];
	bs->of = xcalloc(bs->first[bs->nin] + 1, sizeof(*bs->of));
	for (size_t r = 0; r < bs->nroot; r++) {
		const struct build *b = &bs->b[bs->root[r]];

		for (size_t j = 0; j < b->ninc; j++)
			bs->of[bs->first[b->inc[j]] + fill[b->inc[j]]++] = bs->root[r];
	}
	free(included);
	free(stamp);
	free(stack);
	free(seen);
	free(fill);
}

void builds_init(struct builds *bs, const struct plan_input *in, size_t nin)
{
	struct bctx x = { .bs = bs, .in = in, .by_path = HIDX_INIT, .by_dir = HIDX_INIT };

	memset(bs, 0, sizeof(*bs));
	bs->nin = nin;
	x.norm = xcalloc(nin + 1, sizeof(*x.norm));
	for (size_t i = 0; i < nin; i++) {
		x.norm[i] = in[i].path_norm ? xstrdup(in[i].path_norm) : builds_path_join("", in[i].src->path);
		hidx_add(&x.by_path, hash_str(HASH_INIT, x.norm[i]), i);
	}
	discover(&x, nin);
	for (size_t k = 0; k < bs->n; k++)
		read_build(&x, k);
	find_roots(bs);
	for (size_t i = 0; i < nin; i++)
		free(x.norm[i]);
	free(x.norm);
	hidx_release(&x.by_path);
	hidx_release(&x.by_dir);
}

void builds_release(struct builds *bs)
{
	for (size_t k = 0; k < bs->n; k++) {
		struct build *b = &bs->b[k];

		for (size_t m = 0; m < b->nmissing; m++)
			free(b->missing[m]);
		free(b->missing);
		free(b->path);
		free(b->dir);
		free(b->file);
		free(b->sub);
		free(b->inc);
	}
	free(bs->b);
	free(bs->root);
	free(bs->of);
	free(bs->first);
	memset(bs, 0, sizeof(*bs));
}

const size_t *builds_of(const struct builds *bs, size_t i, size_t *n)
{
	if (i >= bs->nin || !bs->first) {
		*n = 0;
		return NULL;
	}
	*n = bs->first[i + 1] - bs->first[i];
	return bs->of + bs->first[i];
}

bool builds_plain(const struct builds *bs, size_t i)
{
	size_t n;

	builds_of(bs, i, &n);
	return n == 0;
}

bool builds_share(const struct builds *bs, size_t i, size_t j)
{
	size_t n, m, a = 0, b = 0;
	const size_t *x = builds_of(bs, i, &n), *y = builds_of(bs, j, &m);

	/* both ascending: a merge */
	while (a < n && b < m) {
		if (x[a] == y[b])
			return true;
		if (x[a] < y[b])
			a++;
		else
			b++;
	}
	return false;
}

bool builds_partial(const struct builds *bs, size_t i)
{
	size_t n;
	const size_t *r = builds_of(bs, i, &n);

	for (size_t k = 0; k < n; k++)
		if (bs->b[r[k]].remote || bs->b[r[k]].nmissing)
			return true;
	return false;
}
