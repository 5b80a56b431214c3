/*
 * cluster.h - a cluster snapshot, read offline (--cluster-state FILE).
 *
 * stsify never talks to a cluster.  A user who wants the migration plan to
 * know what only the cluster knows (the PersistentVolume behind a claim,
 * its reclaim policy, the pods that mount the claim right now, the live
 * replicas) records it first:
 *
 *   kubectl get pv,pvc,pods,deployments,statefulsets -A -o json > cluster.json
 *
 * and hands the file over.  cluster_load() reads such a `List` (or a single
 * object, or a List of Lists; several files may be loaded into one snapshot)
 * and keeps only what the plan needs, as plain strings; kinds it does not
 * use are skipped.  Nothing here is validated against the repository: the
 * caller compares and reports.
 *
 * Calling sequence:
 *
 *   struct cluster cl = CLUSTER_INIT;
 *   if (cluster_load(&cl, path, buf, len, &err) < 0) report err (path:line:col)
 *   const struct cluster_claim *c = cluster_claim(&cl, "db", "pg-data");
 *   const struct cluster_pv *pv = c ? cluster_pv(&cl, c->volume) : NULL;
 *   cluster_release(&cl);
 *
 * Ownership: the snapshot owns every string; pointers returned by the
 * look-ups live until cluster_release().
 */
#ifndef STSIFY_CLUSTER_H
#define STSIFY_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>

/* A PersistentVolumeClaim as the cluster has it. */
struct cluster_claim {
	char *ns, *name;
	char *volume;		/* spec.volumeName: the bound PV, or NULL */
	char *phase;		/* status.phase: Bound, Pending, Lost; or NULL */
	char *capacity;		/* status.capacity.storage, else spec.resources.requests.storage */
	char *class;		/* spec.storageClassName, or NULL */
	char *modes;		/* status (else spec) accessModes, comma-separated, or NULL */
};

/* A PersistentVolume. */
struct cluster_pv {
	char *name;
	char *claim_ns, *claim_name;	/* spec.claimRef, or NULL */
	char *reclaim;		/* spec.persistentVolumeReclaimPolicy, or NULL */
	char *capacity;		/* spec.capacity.storage, or NULL */
	char *class;		/* spec.storageClassName, or NULL */
	char *phase;		/* status.phase, or NULL */
	/* made by a provisioner (annotation pv.kubernetes.io/provisioned-by);
	 * false: made by hand, a static volume */
	bool provisioned;
};

/* A Pod, with the claims its volumes name. */
struct cluster_pod {
	char *ns, *name;
	char *phase;		/* status.phase, or NULL */
	char *owner_kind, *owner_name;	/* the controller ownerReference, or NULL */
	char **claims;		/* claimName of each persistentVolumeClaim volume */
	size_t nclaims;
};

/* A Deployment or StatefulSet (or any object with spec.replicas). */
struct cluster_workload {
	char *kind, *ns, *name;
	long replicas;		/* spec.replicas; 1 when absent, as the API defaults it */
	long ready;		/* status.readyReplicas; 0 when absent */
};

struct cluster {
	struct cluster_claim *claim;
	size_t nclaim, aclaim;
	struct cluster_pv *pv;
	size_t npv, apv;
	struct cluster_pod *pod;
	size_t npod, apod;
	struct cluster_workload *wl;
	size_t nwl, awl;
};
#define CLUSTER_INIT { 0 }

/* Why cluster_load() failed: a message and, when the JSON parser knows
 * it, the 1-based line and column (0 otherwise). */
struct cluster_error {
	char msg[256];
	unsigned line, col;
};

/*
 * Add the objects of buf[0..len) (the JSON kubectl prints) to cl.  Returns
 * the number of objects kept, or -1 with err filled in (cl keeps what
 * earlier calls added).
 */
int cluster_load(struct cluster *cl, const char *buf, size_t len, struct cluster_error *err);
void cluster_release(struct cluster *cl);

/* Look-ups.  ns NULL: any namespace, when only one object has that name
 * (NULL when none or several do). */
const struct cluster_claim *cluster_claim(const struct cluster *cl, const char *ns, const char *name);
const struct cluster_pv *cluster_pv(const struct cluster *cl, const char *name);
/* The PV whose claimRef names ns/claim, or NULL. */
const struct cluster_pv *cluster_pv_for_claim(const struct cluster *cl, const char *ns, const char *claim);
const struct cluster_workload *cluster_workload(const struct cluster *cl, const char *kind, const char *ns,
						const char *name);
/*
 * The pods of namespace ns that mount claim and are not finished
 * (phase other than Succeeded and Failed): up to max of them into out.
 * Returns how many there are (which may be more than max).
 */
size_t cluster_mounts(const struct cluster *cl, const char *ns, const char *claim,
		      const struct cluster_pod **out, size_t max);

#endif
