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
 * The data (struct plan and what it holds) is in plandata.h, which the
 * planner's own modules include without this header.
 *
 * Ownership: the plan owns its ops' keys and values (struct val); nodes
 * point into the inputs' span trees, which must outlive the plan.
 */
#ifndef STSIFY_PLAN_H
#define STSIFY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"
#include "plandata.h"
#include "stsify.h"

struct rindex;
struct resource;
struct report;
struct rules;
struct ynode;
struct val;

/* A path normalised ("a/./b/../c.yaml" -> "a/c.yaml"), malloc'd: how
 * kustomization patch paths and input paths are compared. */
char *plan_path_norm(const char *path);

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
/* plan_end() also finishes what an interrupted run left (refs.h). */
void plan_end(struct planner *pl);
/*
 * Before plan_one(): ri lacks some of the input's Deployments (stream.c
 * does not parse those without a claim), so a StatefulSet whose
 * Deployment seems gone may not be: when something names it, plan_end()
 * and plan_find_stale() set p->unsure instead of healing or reporting.
 */
void plan_partial(struct planner *pl);
/*
 * Report text that still names a converted Deployment the way kubectl
 * does ("deployment/NAME") in every input of in[0..nin), parsed or not
 * (stale-reference; plan_build() does it).  Only in[i].src is read.  The
 * search runs on jobs threads; findings come in input order.
 */
void plan_find_stale(struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		     unsigned jobs, struct report *rep);
/*
 * Mark in patch[0..nin) the inputs that the kustomizations among
 * in[0..nin) name as strategic-merge patch files (patchesStrategicMerge, or
 * a `patches` entry with a path); path[i] is input i's path (normalised
 * here unless in[i].path_norm has it).  in[i] is read only unless
 * in[i].skip.
 */
void plan_patch_files(const struct plan_input *in, const char *const *path, size_t nin, bool *patch);
/* Cancel every operation of Deployment plan dep; code says why. */
void plan_abandon(struct plan *p, size_t dep, enum code code);
void plan_release(struct plan *p);

/*
 * Building and changing a plan outside the planner (planedit.c): the KRM
 * front end's plan of its own, the operations and Deployments stream.c
 * is done with, the tests.  Nothing else fills a struct op or copies a
 * resource by hand.
 */

/* The operations on input in that are not cancelled, in plan order:
 * malloc'd, *n of them. */
size_t *plan_input_ops(const struct plan *p, size_t in, size_t *n);
/* Operations of Deployment plan dep on document doc of input in, added
 * after the others.  plan_add_pair() takes val and inserts key: val as the
 * last pair of map; plan_add_set() sets scalar node (a value or a key) to
 * value, written as it is (a plain scalar, or quoted by the caller). */
void plan_add_remove(struct plan *p, size_t in, size_t doc, const struct ynode *node, size_t dep);
void plan_add_pair(struct plan *p, size_t in, size_t doc, const struct ynode *map, const char *key,
		   struct val *val, size_t dep);
void plan_add_set(struct plan *p, size_t in, size_t doc, const struct ynode *node, const char *value,
		  size_t dep);
/* Insert item val (taken) into sequence seq after its item after. */
void plan_add_item(struct plan *p, size_t in, size_t doc, const struct ynode *seq, const struct ynode *after,
		   struct val *val, size_t dep);
/* Cancel operation k and forget what it points to (its key and value are
 * freed; it names no input, document or node any more): its tree can go. */
void plan_forget_op(struct plan *p, size_t k);

/*
 * Copies of Deployments that outlive their span trees: the decisions
 * from ndec0 on and the Deployment plans from nd0 on that refer to a
 * Deployment of another input than `to` are pointed at a copy of it in
 * input to, whose node keeps only its kind, style and byte range (no
 * children, no parent, no list item, no document).  The copies are put on
 * *kept, which plan_kept_free() frees once the plan is released.
 */
struct plan_kept;
void plan_detach_deps(struct plan *p, size_t nd0, size_t ndec0, size_t to, struct plan_kept **kept);
void plan_kept_free(struct plan_kept *kept);

#endif
