/*
 * workload.h - the workload kinds stsify knows, in one table (DESIGN.md
 * section 11).
 *
 * A row describes one kind: the API versions accepted, what the planner
 * does with it (convert it to a StatefulSet, or only report a claim its
 * replicas share), how its strategy and its selector map onto the
 * StatefulSet's, the fields that have no StatefulSet equivalent, and how
 * kubectl names it in text ("deployment/NAME", "rs/NAME").  Every module
 * that asks "is this a workload, and what do I do with it" reads the
 * table: split.c's classification (what is parsed at all), the planner,
 * the reference retargeting (autoscaler targets, kustomization patch
 * targets), rules.c's stale-reference pattern and the messages, which name
 * the object's own kind.  Code elsewhere compares kinds through the table,
 * never with a literal.
 *
 * Calling sequence: workload_find() by the kind alone (the split and the
 * autoscaler targets, which do not know or check the API version), then
 * workload_accepts() for the object's apiVersion; workload_of() does both.
 * Rows are static: nothing to free; workloads[0] is the Deployment.
 * workload_index() numbers the rows 0..WORKLOAD_MAX-1 for masks
 * (rules_next_reference()).
 */
#ifndef STSIFY_WORKLOAD_H
#define STSIFY_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"

enum workload_action {
	WORKLOAD_CONVERT,	/* becomes a StatefulSet */
	WORKLOAD_REPORT,	/* judged like one; a claim its replicas share is reported */
	WORKLOAD_TEMPLATE,	/* holds objects (w->objects): each workload among them is
				 * judged and reported as a WORKLOAD_REPORT one */
};

/* How spec.strategy becomes spec.updateStrategy. */
enum workload_strategy {
	STRATEGY_NONE,		/* none: the StatefulSet's default, RollingUpdate */
	STRATEGY_DEPLOYMENT,	/* type RollingUpdate or Recreate; rollingUpdate.maxSurge
				 * dropped, maxUnavailable dropped unless kept */
	STRATEGY_OPENSHIFT,	/* type Rolling, Recreate or Custom -> RollingUpdate; every
				 * other key (rollingParams, recreateParams...) dropped */
};

/* How spec.selector is written. */
enum workload_selector {
	SELECTOR_LABELS,	/* a LabelSelector (matchLabels, matchExpressions): kept */
	SELECTOR_MAP,		/* a plain map of labels: becomes selector.matchLabels */
};

/* Where a dropped field is. */
enum drop_at {
	DROP_SPEC,		/* a key of spec */
	DROP_ANNOTATION,	/* an annotation of metadata */
};

/* What a dropped field needs besides its info finding. */
enum drop_check {
	DROP_PLAIN,
	DROP_PAUSED,		/* when true: a warning that the StatefulSet starts at once */
	DROP_TRIGGERS,		/* DeploymentConfig triggers: each ImageChange one is a warning */
};

/* A field with no StatefulSet equivalent: dropped, with an info finding
 * "KEY dropped from StatefulSet "NAME": WHY". */
struct workload_drop {
	enum drop_at at;
	const char *key;
	const char *why;
	enum drop_check check;
};

struct workload {
	const char *kind;
	size_t kindlen;
	const char *const *api;		/* the apiVersions accepted, NULL-terminated */
	enum workload_action action;
	enum workload_strategy strategy;
	enum workload_selector selector;
	const struct workload_drop *drop;	/* in the order they are checked */
	size_t ndrop;
	/*
	 * Text references: the names kubectl takes for the kind, longest
	 * first ("deployments", "deployment", "deploy"), each maybe followed
	 * by "." and group ("deployment.apps/NAME"); NULL for a kind that is
	 * never converted.  kubectl is the one a command written for the
	 * reader uses ("kubectl scale deployment/NAME").
	 */
	const char *const *ref_names;
	const char *group;		/* NULL: the core group, never written */
	const char *kubectl;
	bool keda_default;		/* a ScaledObject without scaleTargetRef.kind targets it */
	/* WORKLOAD_REPORT and WORKLOAD_TEMPLATE (detect.h): the finding for a
	 * claim the replicas share, and why the object is not converted (unset
	 * for the other rows) */
	enum code code;
	const char *why;
	const char *objects;		/* WORKLOAD_TEMPLATE: the key of its objects */
};

enum { WORKLOAD_MAX = 8 };		/* rows, at most */

extern const struct workload workloads[];
extern const size_t nworkloads;

/* The row of this kind (kind[0..len)), whatever the API version, or NULL. */
const struct workload *workload_find(const char *kind, size_t len);
/* The same for a NUL-terminated kind (NULL is no kind). */
const struct workload *workload_named(const char *kind);
/* Does the row accept apiVersion api? */
bool workload_accepts(const struct workload *w, const char *api);
/* The row of this kind when it accepts api, else NULL. */
const struct workload *workload_of(const char *kind, const char *api);
/* The row's index in workloads[], below WORKLOAD_MAX. */
size_t workload_index(const struct workload *w);

#endif
