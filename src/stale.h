/*
 * stale.h - text that still names a converted workload the way kubectl
 * does ("deployment/NAME", "rs/NAME", rules_next_reference(): only the
 * kinds converted are searched for) and that stsify cannot rewrite: a
 * script in a ConfigMap, a Helm template, a CI file.  Reported as
 * stale-reference, owned by the workload plan it names (same name, same
 * kind).
 *
 *   stale_find(p, ru, in, nin, jobs, rep);   // only in[i].src is read
 *
 * One pass over each input, names looked up among the converted ones (a
 * hash of p->d[].dep->name).  The inputs, and the parts of a large one (cut
 * after a line feed, about every 4 MiB: a reference stays on its line),
 * are searched on jobs threads (pool.h); the findings are then added to rep
 * in input order and, within an input, in text order, whatever jobs is.
 * Nothing is searched when the plan converts nothing and nothing was
 * converted before (plan.gone).
 */
#ifndef STSIFY_STALE_H
#define STSIFY_STALE_H

#include <stddef.h>

struct plan;
struct plan_input;
struct report;
struct rules;

/*
 * Report the references to p's Deployment plans in in[0..nin), and to the
 * Deployments of p->gone (the StatefulSets an earlier run made: not
 * owned, never abandoned).  With p->partial, a reference to one of those
 * sets p->unsure and is not reported.
 */
void stale_find(struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		unsigned jobs, struct report *rep);

#endif
