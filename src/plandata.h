/*
 * plandata.h - the plan's data: operations on the span trees, a plan per
 * converted Deployment, a decision per Deployment (see plan.h, the
 * planner's public face, which includes this header).
 *
 * A header of its own so that the planner's modules (planner.h, facts.c,
 * mapping.c, service.c, refs.c, stale.c) read and fill a plan without
 * depending on plan.c, the driver that calls them.
 *
 * Ownership: the plan owns its ops' keys and values (struct val); nodes
 * point into the inputs' span trees, which must outlive the plan.
 */
#ifndef STSIFY_PLANDATA_H
#define STSIFY_PLANDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"

struct claim_build;
struct resource;
struct source;
struct ystream;
struct ynode;
struct val;

enum op_kind {
	OP_NONE,	/* cancelled (subsumed by a removal of its parent) */
	OP_SET,		/* scalar `node` (a value or a key) becomes val->str */
	OP_REMOVE,	/* remove `node`: a map value with its key, or a sequence item */
	OP_INSERT_PAIR,	/* insert key: val into map `node` (where/after) */
	OP_INSERT_ITEM,	/* insert item val into sequence `node` after item `after` */
	OP_ADD_DOC,	/* add document val after document `doc` */
};

enum ins_where { INS_FIRST, INS_AFTER, INS_LAST };

struct op {
	enum op_kind kind;
	size_t in, doc;			/* input and document it applies to */
	const struct ynode *node;
	const struct ynode *after;	/* INS_AFTER: the key of the pair; INSERT_ITEM: the item */
	enum ins_where where;
	char *key;
	struct val *val;
	size_t dep;			/* the Deployment plan that made it */
};

/* A converted claim: pod volume `volume` on claim `claim` becomes template
 * `volume`, whose claim for pod 0 is `<volume>-<sts>-0`.  Owned copies:
 * stream.c frees a Deployment's tree and operations once it is rewritten. */
/* Another workload that mounts a converted claim (claim-still-mounted). */
struct claim_user {
	char *kind, *name;
	char *path;			/* its file */
	unsigned line;
};

struct claim_plan {
	char *volume;
	char *claim;
	const struct resource *pvc;	/* NULL when not in the input */
	struct val *spec;		/* the template's spec */
	char *old_modes;		/* the claim's accessModes, comma-separated; NULL when unknown */
	bool rebind;			/* the data path: rebind (rebind.h), else copy */
	const char *why;		/* why that path (a static string) */
	/* the claim is on a hand-made volume (static-volume): nothing
	 * provisions one per replica; its data moves by rebinding its
	 * PersistentVolume to pod 0's claim, not by a copy */
	bool static_volume;
	struct claim_user *user;	/* the other workloads that mount it */
	size_t nuser, auser;
	/* its names per root build that includes the workload (bnames.h;
	 * report.h defines the struct), none for a plain manifest */
	struct claim_build *build;
	size_t nbuild;
};

/* An object whose reference to the Deployment now names the StatefulSet. */
struct ref_plan {
	size_t in;			/* the input that holds it */
	const char *kind;		/* HorizontalPodAutoscaler, Kustomization, ... */
	const char *name;
	const struct ynode *at;		/* the edited node */
};

struct dplan {
	const struct resource *dep;
	char *sts;			/* the StatefulSet's name */
	char *service;			/* serviceName */
	bool service_added;		/* false: an existing headless Service is reused */
	/* the Service added in a new file beside a JSON manifest
	 * (stsify_options.new_files): its path and its text, or NULL */
	char *service_file, *service_text;
	bool failed;			/* conversion abandoned (a finding says why) */
	struct claim_plan *claim;
	size_t nclaim, aclaim;
	struct ref_plan *ref;		/* references that follow it */
	size_t nref, aref;
};

/* What was decided for every Deployment, converted or not, and why: the
 * code of the finding that decided ("shared-pvc", "single-replica-pvc",
 * "not-selected", "no-writable-claim", ...). */
struct decision {
	const struct resource *dep;
	bool converted;
	enum code reason;
	size_t dplan;			/* index into plan.d when converted */
};

struct plan {
	struct op *op;
	size_t nop, aop;
	struct dplan *d;
	size_t nd, ad;
	struct decision *dec;
	size_t ndec, adec;
	size_t nkrm;			/* new Services filed by KRM path annotations */
	/*
	 * The StatefulSets whose Deployment is gone: no Deployment of their
	 * namespace and name is in the input (outside strategic-merge patch
	 * files).  What an earlier stsify -w converted: the references that
	 * still name the Deployment follow the StatefulSet (refs.h), and
	 * text that names it is reported (stale.h).
	 */
	const struct resource **gone;
	size_t ngone, agone;
	/* plan_partial(): the input's Deployments are not all in the index */
	bool partial;
	/* with partial: whether a Deployment is gone could not be told, and
	 * something names it (parse the whole input to know) */
	bool unsure;
	struct resource **own;		/* objects of no index (a Template's): decisions point at them */
	size_t nown, aown;
	/* a template assumed --storage-size for a claim missing from the
	 * input or without a size (otherwise it and --storage-class are
	 * reported as unused) */
	bool assumed;
	/* the option debug_verify: verify.c and rewrite.c say on stderr
	 * what differs (for bug reports) */
	bool debug_verify;
};

struct plan_input {
	struct source *src;
	struct ystream *ys;
	bool skip;			/* not planned (parse error, Helm template) */
	/* src->path as plan_path_norm() gives it, when the caller has it
	 * (made on several threads), or NULL */
	const char *path_norm;
};

#endif
