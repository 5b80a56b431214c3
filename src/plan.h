/*
 * plan.h - what the migration changes, as semantic operations on the span
 * trees; never text.
 *
 * The planner applies the policy of DESIGN.md sections 2-5 to every
 * Deployment of the resource index and records, per converted Deployment,
 * a list of operations ("set this scalar", "remove this pair", "insert this
 * pair after that one", "add this document after that one").  lower.c turns
 * them into text edits in the file's style; verify.c applies the same
 * operations to libfyaml documents and checks that the edited text means
 * exactly that.
 *
 * Ownership: the plan owns its ops' keys and values (struct val); nodes
 * point into the inputs' span trees, which must outlive the plan.
 */
#ifndef STSIFY_PLAN_H
#define STSIFY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "stsify.h"

struct rindex;
struct resource;
struct report;
struct rules;
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

struct dplan {
	const struct resource *dep;
	char *sts;			/* the StatefulSet's name */
	char *service;			/* serviceName */
	bool failed;			/* conversion abandoned (a finding says why) */
};

struct plan {
	struct op *op;
	size_t nop, aop;
	struct dplan *d;
	size_t nd, ad;
};

struct plan_input {
	struct source *src;
	struct ystream *ys;
	bool skip;			/* not planned (parse error, Helm template) */
};

/* Plan every Deployment of ri. Findings go to rep. */
void plan_build(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
		const struct rindex *ri, const struct plan_input *in, size_t nin, struct report *rep);

/*
 * The same, one Deployment at a time (plan_build() is begin, plan_one() for
 * every object of ri in order, end).  ri must hold every object the
 * Deployments can refer to (claims, Services, autoscalers; the
 * kustomizations come from in[0..nin)) when plan_begin() is called and not
 * change until plan_end(); the Deployments themselves need not be in it,
 * and in[] may have entries past nin for their inputs.  plan_one() ignores
 * objects that are not Deployments.
 */
struct planner;
struct planner *plan_begin(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
			   const struct rindex *ri, const struct plan_input *in, size_t nin,
			   struct report *rep);
void plan_one(struct planner *pl, const struct resource *dep);
void plan_end(struct planner *pl);
/* Cancel every operation of Deployment plan dep. */
void plan_abandon(struct plan *p, size_t dep);
void plan_release(struct plan *p);

#endif
