/*
 * safety.h - the checks of DESIGN.md section 10 on a Deployment being
 * converted: no conversion may lose, split or strand data.
 *
 * safety_check() runs after the field mapping (mapping.h) of Deployment
 * plan c->dep, on the claims that became templates (cu[0..ncu), in the
 * order of the plan's claims):
 *
 *   independent-replicas  a single-writer image (rules.h) with more than
 *                         one replica or an autoscaler's max above one:
 *                         pods 1..N-1 start empty databases of their own.
 *                         With --single-replica, replicas becomes 1 (info
 *                         single-replica) and each autoscaler that would
 *                         scale it up again is the error instead.
 *   claim-still-mounted   every other pod template of the input (CronJob,
 *                         Job, Pod, DaemonSet, StatefulSet, ReplicaSet,
 *                         another Deployment...) that mounts a converted
 *                         claim, at its volume; the claim plan lists it.
 *   static-volume         a claim on a hand-made volume: a PersistentVolume
 *                         of the input whose claimRef names it, its
 *                         volumeName, or a class no provisioner serves
 *                         ("manual", "", or a StorageClass of the input
 *                         with provisioner kubernetes.io/no-provisioner);
 *                         the claim plan's static_volume says so.
 *
 *   convert: mapping_convert(c, dep, cu, ncu); safety_check(c, dep, &f, &v, cu, ncu);
 *   plan_end: safety_release(c);
 *
 * The index of pod-template mounts, PersistentVolumes and StorageClasses
 * is built on the first call (one walk of the input) and kept in c.
 */
#ifndef STSIFY_SAFETY_H
#define STSIFY_SAFETY_H

#include <stdbool.h>
#include <stddef.h>

struct claim_use;
struct facts;
struct pctx;
struct resource;
struct verdict;

void safety_check(struct pctx *c, const struct resource *dep, const struct facts *f, const struct verdict *v,
		  const struct claim_use *cu, size_t ncu);
/* Free the index safety_check() built (nothing when none). */
void safety_release(struct pctx *c);

/* Is class (a claim's storageClassName) served by no provisioner in
 * itself: "manual" (the name the Kubernetes documentation gives classes
 * of hand-made volumes) or "" (no class: only pre-made volumes bind)? */
bool safety_static_class(const char *cls);

#endif
