/*
 * snapshot.c - --cluster-state files read and compared with the plan (see
 * snapshot.h).  Sizes are compared as quantities (10Gi equals
 * 10737418240), since the cluster may print them in another unit.
 */
#include "snapshot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "render.h"
#include "report.h"
#include "util.h"

int snapshot_load(struct cluster *cl, const char *const *paths, size_t n, struct report *rep)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct cluster_error err = { { 0 }, 0, 0 };
		char *buf = NULL;
		size_t len = 0;

		if (read_file(paths[i], &buf, &len)) {
			report_add_at(rep, paths[i], 0, 0, CODE_READ_ERROR, "cannot read the cluster snapshot: %s",
				      strerror(errno));
			bad++;
		} else if (cluster_load(cl, buf, len, &err) < 0) {
			report_add_at(rep, paths[i], err.line, err.col, CODE_READ_ERROR,
				      "not a cluster snapshot (kubectl get -o json): %s", err.msg);
			bad++;
		}
		free(buf);
	}
	return bad;
}

const char *snapshot_ns(const char *ns)
{
	return ns && *ns ? ns : NULL;
}

/* A Kubernetes quantity in bytes (10Gi, 500M, 1.5Ti, 1e9); -1 when it is not one. */
static double quantity(const char *s)
{
	static const struct {
		const char *suffix;
		double mult;
	} unit[] = {
		{ "Ki", 0x1p10 }, { "Mi", 0x1p20 }, { "Gi", 0x1p30 }, { "Ti", 0x1p40 }, { "Pi", 0x1p50 },
		{ "Ei", 0x1p60 }, { "k", 1e3 },	    { "M", 1e6 },     { "G", 1e9 },	{ "T", 1e12 },
		{ "P", 1e15 },	  { "E", 1e18 },    { "m", 1e-3 },    { "", 1 },
	};
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || isnan(v))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(unit); i++)
		if (!strcmp(end, unit[i].suffix))
			return v * unit[i].mult;
	return -1;
}

static bool sizes_differ(const char *a, const char *b)
{
	double qa = quantity(a), qb = quantity(b);

	return qa < 0 || qb < 0 ? strcmp(a, b) != 0 : qa != qb;
}

static const char *requested(const struct val *spec)
{
	const struct val *v = spec ? val_get(spec, "resources") : NULL;

	v = v && v->kind == VAL_MAP ? val_get(v, "requests") : NULL;
	v = v && v->kind == VAL_MAP ? val_get(v, "storage") : NULL;
	return v && v->kind == VAL_SCALAR ? v->str : NULL;
}

static struct finding *at_claim(struct report *rep, const struct dep_summary *d, const struct claim_summary *c,
				const char *fmt, ...) ATTR_PRINTF(4, 5);

/* A cluster-state finding at the claim's manifest, else at the workload. */
static struct finding *at_claim(struct report *rep, const struct dep_summary *d, const struct claim_summary *c,
				const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (c->pvc_path) {
		f = report_add_at(rep, c->pvc_path, c->pvc_line, 1, CODE_CLUSTER_STATE, "%s", sb.buf);
		finding_set_resource(f, "PersistentVolumeClaim", *d->ns ? d->ns : NULL, c->claim);
	} else {
		f = report_add_at(rep, d->path, d->line, d->col, CODE_CLUSTER_STATE, "%s", sb.buf);
		finding_set_resource(f, d->kind, *d->ns ? d->ns : NULL, d->name);
	}
	f->owner = d->owner;
	strbuf_release(&sb);
	return f;
}

/* Pods that mount the claim now: a writer still running. */
static void compare_mounts(const struct cluster *cl, struct report *rep, const struct dep_summary *d,
			   const struct claim_summary *c, const char *ns)
{
	const struct cluster_pod *pod[3];
	size_t n = cluster_mounts(cl, ns, c->claim, pod, ARRAY_SIZE(pod));
	struct strbuf names = STRBUF_INIT;

	if (!n)
		return;
	for (size_t i = 0; i < n && i < ARRAY_SIZE(pod); i++)
		strbuf_addf(&names, "%s\"%s\"", i ? ", " : "", pod[i]->name);
	if (n > ARRAY_SIZE(pod))
		strbuf_addf(&names, " and %zu more", n - ARRAY_SIZE(pod));
	at_claim(rep, d, c,
		 "%zu %s still %s claim \"%s\" in the cluster snapshot (%s): scale %s \"%s\" to 0 and stop %s before its data moves",
		 n, n == 1 ? "pod" : "pods", n == 1 ? "mounts" : "mount", c->claim, names.buf, d->kind, d->name,
		 n == 1 ? "it" : "them");
	strbuf_release(&names);
}

static void compare_claim(const struct cluster *cl, struct report *rep, const struct dep_summary *d,
			  const struct claim_summary *c)
{
	const char *ns = snapshot_ns(d->ns);
	const struct cluster_claim *cc = cluster_claim(cl, ns, c->claim);
	const char *want = c->pvc_path ? requested(c->spec) : NULL;

	if (!cc) {
		at_claim(rep, d, c,
			 "claim \"%s\" is %s the cluster snapshot: check the namespace and the context the snapshot was taken in",
			 c->claim, c->pvc_path ? "in the repository but not in" : "in neither the input nor");
	} else if (want && cc->capacity && sizes_differ(want, cc->capacity)) {
		at_claim(rep, d, c,
			 "claim \"%s\" asks for %s in the repository but has %s in the cluster snapshot (was it resized?): template \"%s\" asks for %s",
			 c->claim, want, cc->capacity, c->volume, want);
	}
	compare_mounts(cl, rep, d, c, ns);
}

/*
 * A claim of Kustomize builds (bnames.h) is in the cluster under the names
 * one of its builds gives it (the build the snapshot's cluster deploys):
 * compared under the first build's names that the snapshot holds; when it
 * holds none, one finding names them all.
 */
static void compare_built(const struct cluster *cl, struct report *rep, const struct dep_summary *d,
			  const struct claim_summary *c)
{
	struct strbuf names = STRBUF_INIT;

	for (size_t b = 0; b < c->nbuild; b++) {
		const struct claim_build *cb = &c->build[b];
		struct dep_summary vd;
		struct claim_summary vc;

		if (!cluster_claim(cl, snapshot_ns(cb->ns), cb->claim))
			continue;
		vd = *d;
		vd.ns = cb->ns;
		vd.name = cb->sts;
		vc = *c;
		vc.claim = cb->claim;
		compare_claim(cl, rep, &vd, &vc);
		strbuf_release(&names);
		return;
	}
	for (size_t b = 0; b < c->nbuild; b++)
		strbuf_addf(&names, "%s\"%s%s%s\" (build \"%s\")", b ? ", " : "", c->build[b].ns,
			    *c->build[b].ns ? "/" : "", c->build[b].claim, c->build[b].build);
	at_claim(rep, d, c,
		 "claim \"%s\" is %s the cluster snapshot under the names its builds give it (%s): check the namespace and the context the snapshot was taken in",
		 c->claim, c->pvc_path ? "in the repository but not in" : "in neither the input nor", names.buf);
	strbuf_release(&names);
}

void snapshot_compare(const struct cluster *cl, struct report *rep)
{
	size_t ndep = rep->ndep;

	/* report_add_at() may grow rep->f, never rep->dep */
	for (size_t i = 0; i < ndep; i++) {
		const struct dep_summary *d = &rep->dep[i];

		if (!d->converted)
			continue;
		for (size_t k = 0; k < d->nclaim; k++) {
			if (d->claim[k].nbuild)
				compare_built(cl, rep, d, &d->claim[k]);
			else
				compare_claim(cl, rep, d, &d->claim[k]);
		}
	}
}
