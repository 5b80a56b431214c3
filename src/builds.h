/*
 * builds.h - a repository is a set of builds (DESIGN.md section 9): which
 * input files each Kustomize build includes, read from the kustomizations
 * among the inputs, without rendering anything.
 *
 * A kustomization is a document of a file named kustomization.yaml,
 * kustomization.yml or Kustomization, or a document of kind Kustomization
 * or Component (apiVersion kustomize.config.k8s.io/..., or none: Flux's
 * kustomize.toolkit.fluxcd.io Kustomization is not one) that is the only
 * document of another file (among other documents, in a rendered stream
 * or a file that joins several, it is data, as for Kustomize).  Items of a List or ResourceList are not read (a KRM
 * function receives rendered objects).
 *
 * A build is a kustomization and its closure: its own file, and every path
 * it names relative to its folder in resources, components, bases, crds,
 * patches and patchesJson6902 (`path`), patchesStrategicMerge (a file
 * name, not an inline patch), replacements (`path`), configurations,
 * transformers, generators, validators, and the files and envs of
 * configMapGenerator and secretGenerator (`key=path` read as path).  A path
 * that is an input is included; a path that is the folder of a
 * kustomization among the inputs includes that kustomization's closure
 * (when a folder holds several, the first by input order whose file has
 * a kustomization name, else the first); a remote base (a URL, git@...,
 * github.com/...) is ignored and marks the build remote; any other path
 * marks it missing (not among the inputs: a file outside the operands, or
 * a typo) and is listed in build.missing.
 *
 * A root build is a kustomization that no other kustomization among the
 * inputs includes and that is not a Component (kind Component cannot be
 * built alone).  An input is plain when no root build includes it: it is
 * read as a manifest of its own.  Closures are computed by a walk from
 * each root over the inclusion graph that visits each kustomization once
 * per root, so cycles end (the kustomizations of a cycle that nothing
 * else includes are no root: their files are plain).
 *
 * Paths are compared normalised (builds_path_join()): an input named
 * "./a/../b/x.yaml" is "b/x.yaml"; a relative and an absolute name of the
 * same file do not match.
 *
 * Calling sequence:
 *
 *   struct builds bs;
 *   builds_init(&bs, in, nin);            // reads in[i].src->path, in[i].path_norm
 *                                         // and, unless in[i].skip, in[i].ys
 *   for (size_t k = 0; k < bs.nroot; k++)
 *           render(bs.b[bs.root[k]].dir); // each root build's folder
 *   const size_t *r = builds_of(&bs, i, &n);   // root builds (indexes into
 *                                              // bs.b) that include input i
 *   if (builds_plain(&bs, i)) ...         // n == 0
 *   if (builds_share(&bs, i, j)) ...      // some root build includes both
 *   builds_release(&bs);
 *
 * Ownership: struct builds owns every array and string it holds; it keeps
 * no pointer into in[] (the inputs may go first).  Everything runs on the
 * calling thread; the cost is the number of paths named plus, per root,
 * the size of its closure.
 */
#ifndef STSIFY_BUILDS_H
#define STSIFY_BUILDS_H

#include <stdbool.h>
#include <stddef.h>

struct plan_input;
struct ynode;

struct build {
	size_t in, doc;		/* the kustomization: input and document */
	char *path;		/* its file, normalised */
	char *dir;		/* its folder, normalised ("" for the current one) */
	bool component;		/* kind Component */
	bool root;		/* a root build (see above) */
	bool remote;		/* its closure names a remote base (ignored) */
	char **missing;		/* local paths it names that no input is (its own
				 * names only, joined with its folder) */
	size_t nmissing;
	size_t *file;		/* the inputs it includes directly, its own first */
	size_t nfile;
	size_t *sub;		/* the kustomizations it includes directly (bs.b) */
	size_t nsub;
	size_t *inc;		/* root builds: the inputs of the closure, sorted */
	size_t ninc;
};

struct builds {
	struct build *b;	/* in input and document order */
	size_t n;
	size_t *root;		/* the root builds (indexes into b), in order */
	size_t nroot;
	size_t nin;
	/* the root builds that include input i: of[first[i], first[i + 1]) */
	size_t *of, *first;
};

/* Discover the kustomizations of in[0..nin) and their closures. */
void builds_init(struct builds *bs, const struct plan_input *in, size_t nin);
void builds_release(struct builds *bs);

/* The root builds (indexes into bs->b, ascending) that include input i;
 * none (*n == 0) for a plain input or i >= bs->nin. */
const size_t *builds_of(const struct builds *bs, size_t i, size_t *n);
/* Does no root build include input i? */
bool builds_plain(const struct builds *bs, size_t i);
/* Does some root build include both inputs i and j? */
bool builds_share(const struct builds *bs, size_t i, size_t j);
/* Is some root build that includes input i remote or missing a path?
 * (Its closure among the inputs is not the whole build.) */
bool builds_partial(const struct builds *bs, size_t i);

/* Is root (a document of the file at path) a kustomization (see above)?
 * component: set to whether it is a Component (may be NULL). */
bool builds_is_kustomization(const char *path, const struct ynode *root, bool *component);
/* The names of the files Kustomize reads as a kustomization, in the order
 * it tries them in a folder (the one table of them: src/ uses no other). */
extern const char *const builds_kustomization_files[3];
/* Is the last component of path one of them? */
bool builds_kustomization_file(const char *path);
/* Is this resources entry a remote base (a URL, git@..., github.com/...)? */
bool builds_is_remote(const char *entry);
/* "dir/of/kustomization.yaml" + "../x/./p.yaml" -> "dir/x/p.yaml";
 * malloc'd.  With base "", rel normalised. */
char *builds_path_join(const char *base, const char *rel);

#endif
