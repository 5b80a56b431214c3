/*
 * kustomize.h - the rendered truth of a repository (DESIGN.md section 9):
 * the real Kustomize renders a root build, and each rendered object is
 * mapped back to the file it came from and the kustomizations that
 * transformed it.
 *
 * A build is rendered through a wrapper kustomization in a temporary
 * folder of its own ($TMPDIR, else /tmp), never in the user's files:
 *
 *   resources: [<the build's folder, relative to the wrapper>]
 *   buildMetadata: [originAnnotations, transformerAnnotations]
 *
 * so that Kustomize writes on every object config.kubernetes.io/origin
 * (the file it came from, or the generator's kustomization) and
 * alpha.config.kubernetes.io/transformations (each kustomization that
 * changed it and how: PatchTransformer, PrefixTransformer,
 * NamespaceTransformer...).  Kustomize refuses an absolute path as a
 * resource, hence the relative one.  Paths in both annotations are
 * relative to the wrapper's folder; kz_parse() makes them absolute.
 *
 * The command is argv-like, the wrapper's folder appended as its last
 * argument: {"kubectl", "kustomize"} or {"kustomize", "build"}, or what
 * --kustomize=CMD names (split at blanks).  kz_command() chooses.
 *
 * Calling sequence (the command's front end; the library reads no file
 * and runs no program):
 *
 *   char **cmd = kz_command(opt_cmd);          // NULL: no Kustomize here
 *   struct kz_build b[N] = {{ .dir = "overlays/prod" }, ...};
 *   kz_render(b, N, cmd, jobs, timeout);       // N builds, jobs at a time
 *   for each b[i]: b[i].ok ? use b[i].obj[0..nobj) : report b[i].error
 *   kz_release(&b[i]) for each; kz_command_free(cmd);
 *
 * kz_parse() alone reads a recorded rendering (the unit tests).
 *
 * Ownership: a kz_build owns its output text, its parsed stream and its
 * objects (whose strings and nodes point into them); dir is the caller's.
 */
#ifndef STSIFY_KUSTOMIZE_H
#define STSIFY_KUSTOMIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "ytree.h"

/* Seconds one rendering may take before it is killed (build-not-rendered). */
#define KZ_TIMEOUT 60

/* One transformation of an object: kind (PatchTransformer, ...) configured
 * in the kustomization at path `in` (absolute, normalised). */
struct kz_transform {
	char *in;
	char *kind;
};

struct kz_object {
	const char *kind, *ns, *name;	/* as rendered ("" when unset) */
	/* config.kubernetes.io/origin: the file it came from, absolute and
	 * normalised; for a generated object its generator's kustomization
	 * (generated is then true); NULL without the annotation */
	char *origin;
	bool generated;
	struct kz_transform *tr;	/* in the order Kustomize applied them */
	size_t ntr;
	const struct ynode *root;	/* the rendered document */
	size_t start;			/* its first byte in kz_build.out */
	unsigned line;			/* its first line (1-based) */
};

struct kz_build {
	const char *dir;		/* the build's folder, as the caller names it */
	/* results of kz_render(): */
	bool ok;			/* rendered and parsed */
	char *error;			/* else why not: one line */
	char *out;			/* Kustomize's output */
	size_t outlen;
	struct ystream ys;
	struct kz_object *obj;
	size_t nobj;
};

/*
 * The command that renders a build: cmd split at blanks when it is set
 * (its program must be found), else `kustomize build` when kustomize is in
 * PATH, else `kubectl kustomize` when kubectl is; NULL when there is none.
 * A NULL-terminated array; kz_command_free() frees it.
 */
char **kz_command(const char *cmd);
void kz_command_free(char **cmd);

/*
 * Render b[0..n) with cmd, at most jobs at a time, each killed after
 * timeout seconds: b[i].ok, or b[i].error (the first line of Kustomize's
 * complaint, "timed out after N s", or why it could not be run).
 */
void kz_render(struct kz_build *b, size_t n, char *const *cmd, unsigned jobs, unsigned timeout);

/*
 * Parse b->out[0..b->outlen) (taken: freed by kz_release()) as Kustomize's
 * output for a wrapper in folder wrapper (absolute), filling b->ys and
 * b->obj.  0, or -1 with b->error set.
 */
int kz_parse(struct kz_build *b, const char *wrapper);
void kz_release(struct kz_build *b);

/* "/a/b/../c/./d" -> "/a/c/d" (and "a//b/" -> "a/b"); malloc'd. */
char *kz_path_norm(const char *path);

/*
 * Does the kustomization whose document is root transform what it
 * includes in a way that can change a decision or a claim: patches
 * (patches, patchesStrategicMerge, patchesJson6902), replicas,
 * components, images, replacements, vars, Helm charts, transformers,
 * generators, any field not listed below, or being a Component?  Not:
 * apiVersion, kind, metadata, resources, bases, buildMetadata, namespace,
 * namePrefix, nameSuffix, labels and annotations, ConfigMap and Secret
 * generators, crds, openapi, sortOptions, configurations (names alone do
 * not change a decision, and the plans per build of issue 11 item 7 read
 * them from the kustomizations: bnames.h).  A build none of whose
 * kustomizations transforms is read directly, never rendered.
 */
bool kz_transforms(const struct ynode *root);

/*
 * A quick look at a kustomization's bytes: false only when every line at
 * column 0 is a field kz_transforms() calls inert (and not kind
 * Component); true for anything else, flow or JSON text included.  When
 * no kustomization of a run may transform, none is parsed at all.
 */
bool kz_may_transform(const char *text, size_t len);

#endif
