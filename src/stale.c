/*
 * stale.c - text that still names a converted Deployment (see stale.h).
 *
 * The inputs (and the parts of a large one) are searched on several
 * threads, each part collecting its references; findings are then added in
 * part order, which is input order.
 */
#include "stale.h"

#include <stdlib.h>
#include <string.h>

#include "plandata.h"
#include "pool.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

struct stale_ref {
	size_t at;		/* where the reference starts */
	size_t dep;		/* the Deployment plan it names, or nd + k: gone[k] */
};

struct stale_part {
	const struct source *src;
	size_t start, end;
	struct stale_ref *ref;
	size_t nref, aref;
};

struct stale_scan {
	const struct plan *p;
	const char *const *name;	/* per index of names: the name */
	const struct workload *const *kind;	/* and the kind */
	const struct rules *ru;
	const struct hidx *names;
	unsigned kinds;		/* the kinds named (rules_next_reference()) */
	struct stale_part *part;
};

static void scan_part(void *arg, size_t k, unsigned w)
{
	struct stale_scan *sc = arg;
	struct stale_part *pt = &sc->part[k];
	size_t at = pt->start, name, len;
	const struct workload *wl;

	(void)w;
	while ((at = rules_next_reference(sc->ru, pt->src->buf, pt->end, at, sc->kinds, &name, &len, &wl)) !=
	       NOPOS) {
		char *s = xstrndup(pt->src->buf + name, len);

		/* the same name and the same kind ("rs/pg" is not Deployment pg) */
		for (size_t i = hidx_first(sc->names, hash_str(HASH_INIT, s)); i != HIDX_NONE;
		     i = hidx_next(sc->names, i)) {
			if (strcmp(sc->name[i], s) || sc->kind[i] != wl)
				continue;
			ALLOC_GROW(pt->ref, pt->nref + 1, pt->aref);
			pt->ref[pt->nref].at = at;
			pt->ref[pt->nref++].dep = i;
			break;
		}
		free(s);
		at = name + len;
	}
}

/* The finding of reference r; false when it names a gone StatefulSet's
 * Deployment and the plan cannot tell (plan.unsure). */
static bool report_ref(struct plan *p, const struct source *src, const struct stale_ref *r,
		       struct report *rep)
{
	const struct resource *dep = r->dep < p->nd ? p->d[r->dep].dep : p->gone[r->dep - p->nd];
	/* what an earlier run converted is taken for a Deployment */
	const char *kind = r->dep < p->nd ? dep->kind : workloads[0].kind;
	struct finding *f;

	if (r->dep >= p->nd && p->partial) {
		p->unsure = true;
		return false;
	}
	if (r->dep < p->nd)
		f = report_add(rep, src, r->at, CODE_STALE_REFERENCE,
			       "this still names %s \"%s\", which becomes a StatefulSet: change it by hand",
			       kind, dep->name);
	else
		f = report_add(rep, src, r->at, CODE_STALE_REFERENCE,
			       "this still names %s \"%s\", which is not in the input while StatefulSet "
			       "\"%s\" is (an earlier stsify -w converted it?): change it by hand",
			       kind, dep->name, dep->name);
	finding_set_resource(f, kind, dep->ns[0] ? dep->ns : NULL, dep->name);
	f->owner = r->dep < p->nd ? r->dep + 1 : 0;
	return true;
}

void stale_find(struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		unsigned jobs, struct report *rep)
{
	enum { PART = 4 << 20 };	/* a large input is cut in parts of about this */
	struct hidx names = HIDX_INIT;
	const char **name = xcalloc(p->nd + p->ngone + 1, sizeof(*name));
	const struct workload **kind = xcalloc(p->nd + p->ngone + 1, sizeof(*kind));
	struct stale_scan sc = { p, name, kind, ru, &names, 0, NULL };
	size_t npart = 0, apart = 0;

	/* the converted workloads, then the Deployments an earlier run
	 * converted (a plan of refs_heal() is among the latter) */
	for (size_t k = 0; k < p->nd + p->ngone; k++) {
		const struct resource *r = k < p->nd ? p->d[k].dep : p->gone[k - p->nd];
		const struct workload *w = k < p->nd ? workload_named(r->kind) : &workloads[0];

		if (!w || w->action != WORKLOAD_CONVERT)
			continue;
		name[k] = r->name;
		kind[k] = w;
		sc.kinds |= 1u << workload_index(w);
		hidx_add(&names, hash_str(HASH_INIT, name[k]), k);
	}
	if (!p->nd && !p->ngone) {
		free(name);
		free(kind);
		return;
	}
	for (size_t i = 0; i < nin; i++) {
		const struct source *src = in[i].src;

		for (size_t at = 0, end; at < src->len; at = end) {
			const char *nl = src->len - at > PART
						 ? memchr(src->buf + at + PART, '\n', src->len - at - PART)
						 : NULL;

			end = nl ? (size_t)(nl - src->buf) + 1 : src->len;
			ALLOC_GROW(sc.part, npart + 1, apart);
			sc.part[npart++] = (struct stale_part){ .src = src, .start = at, .end = end };
		}
	}
	pool_for(jobs, npart, scan_part, &sc);
	for (size_t k = 0; k < npart; k++) {
		struct stale_part *pt = &sc.part[k];

		for (size_t j = 0; j < pt->nref; j++)
			report_ref(p, pt->src, &pt->ref[j], rep);
		free(pt->ref);
	}
	free(sc.part);
	free(name);
	free(kind);
	hidx_release(&names);
}
