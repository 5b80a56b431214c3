/*
 * decide.h - the decision table of DESIGN.md section 2, as a pure function:
 * which Deployments become StatefulSets, and why.
 *
 * decide() reads plain facts (struct decide_input: what facts.c reads from
 * the span trees, or what a test writes by hand) and returns a verdict; it
 * reads no YAML, records no finding and keeps no state.  The planner turns
 * the verdict into findings (the row's code, and the check that stopped a
 * chosen Deployment) and, when it converts, into operations.
 *
 *   struct decide_claim cl[] = { { .name = "data", .mounted_writable = true } };
 *   struct decide_input in = { .api = "apps/v1", .name = "db", .pod_template = true,
 *                              .claim = cl, .nclaim = 1, .replicas = 3, .scaled_max = -1,
 *                              .selector = true };
 *   struct verdict v;
 *
 *   decide(&in, &opt, &ru, &v);   // v.convert, v.reason == CODE_SHARED_PVC
 *
 * A Deployment is judged when its apiVersion is one the workload table
 * (workload.h) accepts for its kind (a ReplicaSet, a DeploymentConfig...
 * are judged the same way), it has
 * a name and a pod template, and at least one of its claims is writable
 * (decide_claim_writable()); the first row that applies decides:
 *
 *   row (v.row)            when                                       chosen
 *   annotation             stsify.dev/skip is true                    no
 *   annotation             stsify.dev/convert is true                 yes
 *   not-selected           --select/--exclude leave its name out      no
 *   shared-rwx             every writable claim is ReadWriteMany, no
 *                          stateful image, no --all                   no
 *   shared-pvc             replicas > 1, or an autoscaler's max > 1   yes
 *   stateful-deployment    a stateful image (rules.h), or --all       yes
 *   single-replica-pvc     otherwise                                  no
 *
 * Each writable claim is judged on its own (decide_templated()): a
 * ReadWriteMany claim becomes a template only with a stateful image,
 * --all, or when every writable claim is ReadWriteMany (the annotation
 * chose it); otherwise it stays a volume the replicas share.  A stateful
 * image is one of the stateful or of the single-writer pattern (only the
 * stateful one when --stateful-images gives it).
 *
 * A chosen Deployment is still left as it is when it uses merge keys
 * (DECIDE_MERGE_KEYS, reason unsupported-alias), when stsify would read a
 * value through an alias (DECIDE_ALIAS, the reason stays the row's), when
 * it has neither a selector nor pod template labels (DECIDE_NO_SELECTOR,
 * reason no-selector), or when a claim that would become a template is
 * not in the input and no --storage-size says its size
 * (DECIDE_CLAIM_NOT_FOUND, reason claim-not-found): checked in that order;
 * before them all, when the manifest of one of its claims is ambiguous
 * (DECIDE_AMBIGUOUS, reason ambiguous-reference: two claims of that name
 * are equally near, and nothing is guessed).
 *
 * A converted Deployment with a single-writer image (rules.h) and more
 * than one replica (or an autoscaler's max above one) becomes independent
 * databases: v.independent (error independent-replicas).
 */
#ifndef STSIFY_DECIDE_H
#define STSIFY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"
#include "stsify.h"

struct rules;

/* Access modes of a claim's manifest (spec.accessModes). */
enum decide_mode {
	DECIDE_RWO = 1 << 0,	/* ReadWriteOnce */
	DECIDE_ROX = 1 << 1,	/* ReadOnlyMany */
	DECIDE_RWX = 1 << 2,	/* ReadWriteMany */
	DECIDE_RWOP = 1 << 3,	/* ReadWriteOncePod */
};

/* One pod volume on a claim (persistentVolumeClaim.claimName). */
struct decide_claim {
	const char *name;		/* the claim's name */
	bool read_only;			/* the volume says readOnly: true */
	bool mounted_writable;		/* some container mounts it without readOnly: true
					 * (or attaches it: volumeDevices) */
	bool found;			/* its manifest is in the input */
	unsigned modes;			/* enum decide_mode bits; 0 when not found */
};

struct decide_input {
	const char *kind;		/* a kind of workload.h; NULL: its first row, Deployment */
	const char *api;		/* apiVersion */
	const char *name;		/* metadata.name; "" or NULL when none */
	bool pod_template;		/* spec and spec.template.spec are maps */
	const struct decide_claim *claim;	/* the pod's volumes on claims, in order */
	size_t nclaim;
	long long replicas;		/* spec.replicas (1 when unset) */
	long long scaled_max;		/* the largest maximum of its autoscalers; -1: none */
	const char *const *image;	/* the containers' images (not init containers) */
	size_t nimage;
	const char *skip, *convert;	/* annotations stsify.dev/skip and convert, or NULL */
	bool merge_keys;		/* its document uses merge keys (<<) in it */
	bool alias;			/* stsify would read a value through an alias */
	bool ambiguous;			/* a claim's manifest is ambiguous (two equally
					 * near: planner.h, scoping) */
	bool selector;			/* it has spec.selector or pod template labels */
};

enum decide_stop {
	DECIDE_GO,			/* nothing stops it */
	DECIDE_MERGE_KEYS,
	DECIDE_ALIAS,
	DECIDE_NO_SELECTOR,
	DECIDE_CLAIM_NOT_FOUND,
	DECIDE_AMBIGUOUS,
};

struct verdict {
	bool convert;			/* it becomes a StatefulSet */
	enum code reason;		/* the decision's code (struct decision) */
	enum code row;			/* the row that applied; CODE__COUNT: not judged */
	bool chosen;			/* that row converts it */
	enum decide_stop stop;		/* what left a chosen one as it is */
	size_t claim;			/* its first claim that becomes a template, or its
					 * first writable claim when none does (when judged) */
	bool rwx;			/* a writable claim is ReadWriteMany */
	size_t rwx_claim;		/* the first of those; SIZE_MAX: none */
	bool template_rwx;		/* its ReadWriteMany claims become templates */
	size_t missing;			/* the first template claim not in the input; SIZE_MAX: none */
	const char *image;		/* the first stateful (or single-writer) image, or NULL */
	const char *single_writer;	/* the first single-writer image, or NULL */
	bool independent;		/* converted, single-writer, more than one replica */
};

/* Is api an apiVersion the workload table accepts for kind (NULL: the
 * first row, Deployment)? */
bool decide_api(const char *kind, const char *api);
/* Does Kubernetes read this annotation value as true (true, True, TRUE)? */
bool decide_truthy(const char *value);
/* Is the claim writable: not readOnly, mounted writably, and not only
 * ReadOnlyMany (when its manifest says)? */
bool decide_claim_writable(const struct decide_claim *cl);

/* Does writable claim i of a judged Deployment become a template? */
bool decide_templated(const struct decide_input *in, const struct verdict *v, size_t i);

/* Judge one Deployment.  opt: --all, --storage-size; ru: --select/--exclude
 * and the image patterns. */
void decide(const struct decide_input *in, const struct stsify_options *opt, const struct rules *ru,
	    struct verdict *v);

#endif
