/*
 * split.h - cut a stream into its documents without a parser, and tell from
 * the bytes alone which documents can matter to the migration.
 *
 * YAML forbids a line that starts with "---" or "..." followed by a space,
 * a tab, a line break or the end of the input anywhere inside content
 * (c-forbidden): such a line ends any scalar or collection, so it is always
 * a document boundary.  A "---" line starts a document (its line and what
 * follows); a "..." line ends one (its line belongs to it); comments and
 * blank lines before a document's first "---" belong to that document.
 * The chunks are the documents exactly as ytree delimits them (ydoc.start,
 * ydoc.end), so parsing a chunk alone gives the tree the whole stream would
 * give, offsets shifted by the chunk's start.
 *
 * The split refuses (and the caller parses the whole input) what would make
 * it inexact: a directive line ("%YAML", "%TAG": directives change how the
 * documents after them parse), a carriage return not followed by a line
 * feed (a line break for YAML, not for this scanner), a byte order mark
 * that starts a line other than the first.
 *
 * Relevance: a document matters when the planner could read it (DESIGN.md
 * sections 2-5 and 11): a workload of a kind of workload.h (a Deployment,
 * a ReplicaSet, an OpenShift Template...) with a claim, a PersistentVolumeClaim,
 * Service, HorizontalPodAutoscaler, VerticalPodAutoscaler, ScaledObject,
 * List, ResourceList, Kustomization or StatefulSet (whose Deployment may
 * be gone: refs.h), Application or HelmRelease (a repository managed by
 * Argo CD or Flux: mapping.c's data-migration finding).  The kind is read from the one
 * column-0 "kind:" line of a document whose root is a block mapping at
 * column 0 (libfyaml rejects content at column 0 inside a scalar there, and
 * the other spellings of the key, quoted or explicit, are detected and make
 * the kind unknown).  A document of unknown kind matters when a relevant
 * word occurs in it as a whole word, or when it has an escape that could
 * spell one ("\x", "\u", "\U", or a "\" line continuation inside a word):
 * the test errs on the side of parsing.  A workload matters when it has
 * the word persistentVolumeClaim (or such an escape).  A document with
 * "{{" is parsed too, for the Helm check, whatever its kind.
 */
#ifndef STSIFY_SPLIT_H
#define STSIFY_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

enum chunk_class {
	CHUNK_SKIP,	/* cannot matter: never parsed */
	CHUNK_SUPPORT,	/* a PVC, Service, autoscaler, List, Kustomization... */
	CHUNK_DRIVER,	/* a workload (workload.h) with a claim */
	CHUNK_UNKNOWN,	/* kind not read from the bytes, and a relevant word */
};

struct chunk {
	size_t start, end;		/* [start, end) of the input */
	enum chunk_class cls;
	bool helm;			/* holds "{{" */
	bool service;			/* CHUNK_SUPPORT: its kind is Service */
	bool workload;			/* may be a workload (of any class) */
};

struct split {
	struct chunk *c;
	size_t n, alloc;
};
#define SPLIT_INIT { NULL, 0, 0 }

/*
 * Cut buf[0..len) into chunks covering it without gaps, in order.  Returns
 * 0, or -1 (sp empty) when the input holds something that makes the split
 * inexact (see above): parse it whole instead.
 */
int split_stream(struct split *sp, const char *buf, size_t len);
/* The same on jobs threads, each cutting a part that starts at a document
 * boundary the whole scan would also find. */
int split_stream_jobs(struct split *sp, const char *buf, size_t len, unsigned jobs);
void split_release(struct split *sp);

/*
 * Does buf certainly hold more than one document?  True at the first "---"
 * line after content, which is soon in a stream of manifests (only that
 * far is read).  Blank lines, comment lines and directives are not
 * content; one that is taken for a comment (a "#" line in a block scalar)
 * can only make the answer false.
 */
bool split_several_documents(const char *buf, size_t len);

/*
 * A Service the planner can only look up by name (one that cannot be
 * headless) needs no tree.  True for a Service chunk without "{{", without
 * the word None and without an escape that could spell it, whose metadata
 * is a block mapping at column 0 with a one-line simple name and namespace
 * (or none); the values are then *name[0..*nlen) and *ns[0..*nslen), both
 * pointing into buf (empty when absent).
 */
bool split_service_stub(const char *buf, const struct chunk *c, const char **name, size_t *nlen,
			const char **ns, size_t *nslen);

/* Does chunk c need a parse (relevant, or the Helm check)? */
static inline bool chunk_wanted(const struct chunk *c)
{
	return c->cls != CHUNK_SKIP || c->helm;
}

#endif
