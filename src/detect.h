/*
 * detect.h - the workloads stsify judges but never converts (workload.h:
 * WORKLOAD_REPORT, WORKLOAD_TEMPLATE): an Argo Rollout, and the workloads
 * among the objects of an OpenShift Template (DESIGN.md section 11).
 *
 * The planner reads their facts and runs the decision table as for a
 * Deployment.  Where the verdict would convert one (a claim its replicas
 * share, a stateful image, --all, annotation stsify.dev/convert), the
 * error of the reporting row (rollout-shared-pvc, template-shared-pvc)
 * takes the place of the row's finding, at each writable claim, saying
 * that it is not converted and why; otherwise nothing is reported.
 *
 * The objects of a Template are in no index: detect_objects() makes them
 * resources that the plan owns (plan.own: the decisions point at them),
 * and detect_template_facts() completes their facts from the Template: a
 * claim found among its objects by its name as written ("${NAME}-data"),
 * a replica count given by a parameter ("${{REPLICAS}}": the parameter's
 * value).
 *
 *   n = detect_objects(c, tmpl, &obj);           // a Template
 *   for (i = 0; i < n; i++) {
 *           facts_read(c, obj[i], &f);
 *           detect_template_facts(tmpl, &f);
 *           decide(&f.in, c->opt, c->ru, &v);
 *           if (v.chosen)
 *                   detect_explain(c, obj[i], &f, &v, template_row, tmpl);
 *           ...
 *   }
 *   free(obj);
 */
#ifndef STSIFY_DETECT_H
#define STSIFY_DETECT_H

#include <stddef.h>

struct facts;
struct pctx;
struct resource;
struct verdict;
struct workload;

/* The workloads among the objects of Template tmpl (of a kind of the
 * table whose apiVersion it accepts), in order: *obj gets a malloc'd array
 * (the caller frees it) of resources the plan owns; returns its length. */
size_t detect_objects(struct pctx *c, const struct resource *tmpl, const struct resource ***obj);
/* Complete f (of an object of Template tmpl) from the Template. */
void detect_template_facts(const struct resource *tmpl, struct facts *f);
/* Report w's code (w: the Rollout's row, or the Template's for its
 * objects; tmpl: that Template, or NULL) for dep, which verdict v chose
 * for conversion. */
void detect_explain(struct pctx *c, const struct resource *dep, const struct facts *f,
		    const struct verdict *v, const struct workload *w, const struct resource *tmpl);

#endif
