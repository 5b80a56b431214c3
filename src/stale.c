/*
 * stale.c - text that still names a converted workload (see stale.h).
 *
 * The inputs (and the parts of a large one) are searched on several
 * threads, each part collecting its references; findings are then added in
 * part order, which is input order.
 */
#include "stale.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"
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
	size_t dep;		/* the workload plan it names */
};

struct stale_part {
	const struct source *src;
	size_t start, end;
	struct stale_ref *ref;
	size_t nref, aref;
};

struct stale_scan {
	const struct plan *p;
	const struct rules *ru;
	const struct hidx *names;
	unsigned kinds;		/* the kinds converted (rules_next_reference()) */
	struct stale_part *part;
};

static void scan_part(void *arg, size_t k, unsigned w)
{
	struct stale_scan *sc = arg;
	struct stale_part *pt = &sc->part[k];
	const struct dplan *d = sc->p->d;
	size_t at = pt->start, name, len;
	const struct workload *wl;

	(void)w;
	while ((at = rules_next_reference(sc->ru, pt->src->buf, pt->end, at, sc->kinds, &name, &len, &wl)) !=
	       NOPOS) {
		char *s = xstrndup(pt->src->buf + name, len);

		/* the same name and the same kind ("rs/pg" is not Deployment pg) */
		for (size_t i = hidx_first(sc->names, hash_str(HASH_INIT, s)); i != HIDX_NONE;
		     i = hidx_next(sc->names, i)) {
			if (strcmp(d[i].dep->name, s) || workload_named(d[i].dep->kind) != wl)
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

void stale_find(const struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		unsigned jobs, struct report *rep)
{
	enum { PART = 4 << 20 };	/* a large input is cut in parts of about this */
	struct hidx names = HIDX_INIT;
	struct stale_scan sc = { p, ru, &names, 0, NULL };
	size_t npart = 0, apart = 0;

	if (!p->nd)
		return;
	for (size_t k = 0; k < p->nd; k++) {
		hidx_add(&names, hash_str(HASH_INIT, p->d[k].dep->name), k);
		sc.kinds |= 1u << workload_index(workload_named(p->d[k].dep->kind));
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

		for (size_t j = 0; j < pt->nref; j++) {
			const struct resource *dep = p->d[pt->ref[j].dep].dep;
			struct finding *f = report_add(rep, pt->src, pt->ref[j].at, CODE_STALE_REFERENCE,
						       "this still names %s \"%s\", which becomes a StatefulSet: change it by hand",
						       dep->kind, dep->name);

			finding_set_resource(f, dep->kind, dep->ns[0] ? dep->ns : NULL, dep->name);
			f->owner = pt->ref[j].dep + 1;
		}
		free(pt->ref);
	}
	free(sc.part);
	hidx_release(&names);
}
