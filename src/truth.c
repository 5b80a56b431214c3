/*
 * truth.c - the command's file operands checked against what their root
 * builds render to (truth.h).
 *
 * Discovery reads the kustomizations among the inputs (a small reading of
 * resources, bases, components and patch paths, enough to find root
 * builds and their closures; the builds module of issue 11 item 1 is to
 * replace it).  Rendering is kustomize.h's.  Each rendering is planned by
 * run_rewrite() as one stream with its own report, whose workload
 * summaries are compared with the sources' summaries; the differences
 * that truth_edit() carries into the overlays (overlay.h: including a
 * patch that changes the kind, for a Deployment that builds disagree on,
 * made of the difference between the rendered Deployment and its
 * conversion) are edits, the
 * others findings in the caller's report, one per source place and
 * difference, naming every build that shows it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builds.h"
#include "kustomize.h"
#include "migrate.h"
#include "overlay.h"
#include "pool.h"
#include "render.h"
#include "report.h"
#include "run.h"
#include "truth.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* ---- discovery ---- */

struct kdoc {
	size_t file;
	char *dir;		/* normalised, "" for the current folder */
	struct ystream ys;
	const struct ynode *root;
	bool component, claims, transforms, included;
	bool remote;		/* names a remote base */
	size_t *sub;		/* kustomizations it includes (indexes into kd) */
	size_t nsub;
};

struct disc {
	const struct stsify_file *files;
	size_t n;
	char **norm;		/* normalised input paths */
	size_t *order;		/* inputs sorted by norm */
	struct kdoc *kd;
	size_t nkd;
};


static bool remote(const char *e)
{
	return strstr(e, "://") || !strncmp(e, "github.com/", 11) || !strncmp(e, "git@", 4);
}

static const struct disc *sort_disc;

static int by_norm(const void *a, const void *b)
{
	return strcmp(sort_disc->norm[*(const size_t *)a], sort_disc->norm[*(const size_t *)b]);
}

/* The input whose normalised path is p, or n. */
static size_t input_named(const struct disc *d, const char *p)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->norm[d->order[mid]], p);

		if (!c)
			return d->order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return d->n;
}

static char *join(const char *dir, const char *rel)
{
	char *j = *dir ? xasprintf("%s/%s", dir, rel) : xstrdup(rel);
	char *n = kz_path_norm(j);

	free(j);
	return n;
}

static bool names_claim(const struct stsify_file *f)
{
	return f->in && memmem(f->in, f->inlen, "claimName", 9);
}

/* A path that k names (a resource, a patch file): a claim in it counts. */
static void take_path(struct disc *d, struct kdoc *k, const char *rel)
{
	char *p;
	size_t i;

	if (!rel || remote(rel) || strchr(rel, '\n'))
		return;
	p = join(k->dir, rel);
	i = input_named(d, p);
	if (i < d->n && names_claim(&d->files[i]))
		k->claims = true;
	free(p);
}

static void take_paths(struct disc *d, struct kdoc *k)
{
	static const char *const lists[] = { "resources", "bases", "components", "patchesStrategicMerge",
					     "patches", "patchesJson6902" };

	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		const struct ynode *seq = ynode_get(k->root, lists[l]);

		for (size_t i = 0; seq && seq->kind == YNODE_SEQ && i < seq->nkid; i++) {
			const struct ynode *it = seq->kid[i];

			if (ynode_is_scalar(it))
				take_path(d, k, ynode_str(it));
			else if (ynode_is_scalar(ynode_get(it, "path")))
				take_path(d, k, ynode_str(ynode_get(it, "path")));
		}
	}
}

/* The kustomization of folder dir, or d->nkd. */
static size_t kdoc_in(const struct disc *d, const char *dir)
{
	for (size_t k = 0; k < d->nkd; k++)
		if (!strcmp(d->kd[k].dir, dir))
			return k;
	return d->nkd;
}

static void link_subs(struct disc *d, struct kdoc *k)
{
	static const char *const lists[] = { "resources", "bases", "components" };

	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		const struct ynode *seq = ynode_get(k->root, lists[l]);

		for (size_t i = 0; seq && seq->kind == YNODE_SEQ && i < seq->nkid; i++) {
			const char *e = ynode_is_scalar(seq->kid[i]) ? ynode_str(seq->kid[i]) : NULL;
			char *p;
			size_t s;

			if (e && remote(e))
				k->remote = true;
			if (!e || remote(e))
				continue;
			p = join(k->dir, e);
			s = kdoc_in(d, p);
			if (s < d->nkd && &d->kd[s] != k) {
				k->sub = xrealloc(k->sub, (k->nsub + 1) * sizeof(*k->sub));
				k->sub[k->nsub++] = s;
				d->kd[s].included = true;
			}
			free(p);
		}
	}
}

static void read_kustomization(struct disc *d, size_t i)
{
	struct kdoc *k;
	char *slash;

	d->kd = xrealloc(d->kd, (d->nkd + 1) * sizeof(*d->kd));
	k = &d->kd[d->nkd];
	*k = (struct kdoc){ .file = i, .dir = xstrdup(d->norm[i]) };
	slash = strrchr(k->dir, '/');
	if (slash)
		*slash = 0;
	else
		k->dir[0] = 0;
	if (ystream_parse(&k->ys, d->files[i].in ? d->files[i].in : "", d->files[i].inlen) ||
	    !k->ys.ndoc || !k->ys.doc[0].root || k->ys.doc[0].root->kind != YNODE_MAP) {
		ystream_release(&k->ys);
		free(k->dir);
		return;
	}
	k->root = k->ys.doc[0].root;
	k->component = ynode_is(ynode_get(k->root, "kind"), "Component");
	k->transforms = kz_transforms(k->root);
	k->claims = names_claim(&d->files[i]);
	d->nkd++;
}

static void discover(struct disc *d, const struct stsify_file *files, size_t n)
{
	*d = (struct disc){ .files = files, .n = n };
	d->norm = xcalloc(n ? n : 1, sizeof(*d->norm));
	d->order = xcalloc(n ? n : 1, sizeof(*d->order));
	for (size_t i = 0; i < n; i++) {
		d->norm[i] = kz_path_norm(files[i].path);
		d->order[i] = i;
	}
	sort_disc = d;
	qsort(d->order, n, sizeof(*d->order), by_norm);
	for (size_t i = 0; i < n; i++)
		if (builds_kustomization_file(files[i].path))
			read_kustomization(d, i);
	for (size_t k = 0; k < d->nkd; k++) {
		take_paths(d, &d->kd[k]);
		link_subs(d, &d->kd[k]);
	}
}

static void disc_release(struct disc *d)
{
	for (size_t k = 0; k < d->nkd; k++) {
		ystream_release(&d->kd[k].ys);
		free(d->kd[k].dir);
		free(d->kd[k].sub);
	}
	for (size_t i = 0; i < d->n; i++)
		free(d->norm[i]);
	free(d->kd);
	free(d->norm);
	free(d->order);
}

struct reach {
	bool claims, transforms, remote;
};

/* What the closure of kustomization k holds. */
static void closure(const struct disc *d, size_t k, bool *seen, struct reach *r)
{
	if (seen[k])
		return;
	seen[k] = true;
	r->claims |= d->kd[k].claims;
	r->transforms |= d->kd[k].transforms;
	r->remote |= d->kd[k].remote;
	for (size_t s = 0; s < d->kd[k].nsub; s++)
		closure(d, d->kd[k].sub[s], seen, r);
}

/* ---- rendering ---- */

static void not_rendered(struct report *rep, const char *path, const char *dir, const char *why)
{
	report_add_at(rep, path, 1, 1, CODE_BUILD_NOT_RENDERED,
		      "build \"%s\" is not rendered (%s): it is decided on its sources alone",
		      *dir ? dir : ".", why);
}

/* The root builds worth rendering; those with a remote base are reported
 * instead (stsify fetches nothing: a run must not depend on the network). */
static void choose(struct truth *t, const struct disc *d, struct report *rep)
{
	bool *seen = xcalloc(d->nkd ? d->nkd : 1, sizeof(*seen));

	for (size_t k = 0; k < d->nkd; k++) {
		struct reach r = { 0 };

		if (d->kd[k].included || d->kd[k].component)
			continue;
		memset(seen, 0, d->nkd * sizeof(*seen));
		closure(d, k, seen, &r);
		if (!r.claims || !r.transforms)
			continue;
		if (r.remote) {
			not_rendered(rep, d->files[d->kd[k].file].path, d->kd[k].dir,
				     "it includes a remote base, which stsify does not fetch");
			continue;
		}
		t->b = xrealloc(t->b, (t->nb + 1) * sizeof(*t->b));
		t->kfile = xrealloc(t->kfile, (t->nb + 1) * sizeof(*t->kfile));
		t->dir = xrealloc(t->dir, (t->nb + 1) * sizeof(*t->dir));
		t->dir[t->nb] = xstrdup(*d->kd[k].dir ? d->kd[k].dir : ".");
		t->kfile[t->nb] = d->kd[k].file;
		t->b[t->nb] = (struct kz_build){ .dir = t->dir[t->nb] };
		t->nb++;
	}
	free(seen);
}

/* Can any kustomization among the inputs transform (kz_may_transform())? */
static bool any_may_transform(const struct stsify_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (builds_kustomization_file(files[i].path) && files[i].in &&
		    kz_may_transform(files[i].in, files[i].inlen))
			return true;
	return false;
}

void truth_render(struct truth *t, struct stsify_options *opt, const char *cmd,
		  const struct stsify_file *files, size_t n, struct report *rep)
{
	struct disc d;
	char **argv;

	*t = (struct truth){ 0 };
	if ((cmd && !strcmp(cmd, "none")) || !any_may_transform(files, n))
		return;
	discover(&d, files, n);
	choose(t, &d, rep);
	disc_release(&d);
	if (!t->nb)
		return;
	if (!(argv = kz_command(cmd))) {
		for (size_t k = 0; k < t->nb; k++)
			not_rendered(rep, files[t->kfile[k]].path, t->dir[k],
				     cmd ? "the --kustomize command is not found"
					 : "no kubectl or kustomize in PATH");
		return;
	}
	kz_render(t->b, t->nb, argv, opt->jobs ? opt->jobs : pool_cores(), KZ_TIMEOUT);
	kz_command_free(argv);
	for (size_t k = 0; k < t->nb; k++) {
		if (t->b[k].ok)
			t->any = true;
		else
			not_rendered(rep, files[t->kfile[k]].path, t->dir[k], t->b[k].error);
	}
	if (t->any)
		opt->every_deployment = true;
}

void truth_release(struct truth *t)
{
	for (size_t k = 0; k < t->nb; k++) {
		kz_release(&t->b[k]);
		free(t->dir[k]);
		if (t->rr)
			report_release(&t->rr[k]);
		if (t->conv)
			free(t->conv[k]);
	}
	free(t->conv);
	free(t->convlen);
	free(t->fixed);
	for (size_t i = 0; i < t->nneed; i++) {
		free((char *)t->need[i].path);
		free((char *)t->need[i].ns);
		free((char *)t->need[i].name);
		free((char *)t->need[i].builds);
	}
	free(t->need);
	free(t->rr);
	free(t->b);
	free(t->kfile);
	free(t->dir);
	*t = (struct truth){ 0 };
}

/* ---- comparing ---- */

struct miss {
	const struct dep_summary *at;	/* the source Deployment, or NULL */
	const char *path;		/* else its file */
	char *what;
	struct strbuf builds;
	size_t nbuilds;
};

struct cmp {
	const struct truth *t;
	struct disc abs;		/* inputs by absolute path (no kustomizations) */
	const struct stsify_file *files;
	const struct report *src;	/* the sources' report */
	struct miss *m;
	size_t nm;
};

static void add_miss(struct cmp *c, const struct dep_summary *at, const char *path, char *what,
		     const char *build)
{
	struct miss *m = NULL;

	for (size_t i = 0; i < c->nm && !m; i++)
		if (c->m[i].at == at && c->m[i].path == path && !strcmp(c->m[i].what, what))
			m = &c->m[i];
	if (m) {
		free(what);
	} else {
		c->m = xrealloc(c->m, (c->nm + 1) * sizeof(*c->m));
		m = &c->m[c->nm++];
		*m = (struct miss){ .at = at, .path = path, .what = what };
		strbuf_init(&m->builds);
	}
	strbuf_addf(&m->builds, "%s\"%s\"", m->nbuilds ? ", " : "", build);
	m->nbuilds++;
}

static bool val_same(const struct val *a, const struct val *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == VAL_SCALAR)
		return !strcmp(a->str ? a->str : "", b->str ? b->str : "");
	for (size_t i = 0; i < a->n; i++)
		if (!val_same(a->item[i], a->kind == VAL_MAP ? val_get(b, a->key[i]) : b->item[i]))
			return false;
	return true;
}

static char *flow(const struct val *v)
{
	struct style st = { .indent = 2, .eol = "\n" };
	struct strbuf sb;

	strbuf_init(&sb);
	render_flow(&sb, &st, v, false, 0);
	return strbuf_detach(&sb, NULL);
}

/* The rendered object that holds line, or NULL. */
static const struct kz_object *object_at(const struct kz_build *b, unsigned line)
{
	const struct kz_object *o = NULL;

	for (size_t i = 0; i < b->nobj && b->obj[i].line <= line; i++)
		o = &b->obj[i];
	return o;
}

/* The source Deployment of file path that rendered as name (the longest
 * name that name contains: namePrefix and nameSuffix), or NULL. */
static const struct dep_summary *source_dep(const struct report *src, const char *path,
					    const char *kind, const char *name)
{
	const struct dep_summary *best = NULL;

	for (size_t i = 0; i < src->ndep; i++) {
		const struct dep_summary *s = &src->dep[i];

		if (strcmp(s->path, path) || strcmp(s->kind, kind) || !strstr(name, s->name))
			continue;
		if (!best || strlen(s->name) > strlen(best->name))
			best = s;
	}
	return best;
}

static void compare_claims(struct cmp *c, const struct dep_summary *rd, const struct dep_summary *sd,
			   const char *build)
{
	for (size_t i = 0; i < rd->nclaim; i++) {
		const struct claim_summary *rc = &rd->claim[i], *sc = NULL;
		char *rs, *ss;

		for (size_t k = 0; k < sd->nclaim && !sc; k++)
			if (!strcmp(sd->claim[k].volume, rc->volume))
				sc = &sd->claim[k];
		if (!sc) {	/* a patch adds it, and truth_edit() could not carry it */
			add_miss(c, sd, NULL,
				 xasprintf("renders claim \"%s\" of %s \"%s\" as template \"%s\"; the patch that adds "
					   "it is not edited (an inline patch?): the StatefulSet keeps the volume, "
					   "shared by its replicas",
					   rc->claim, sd->kind, sd->name, rc->volume),
				 build);
			continue;
		}
		if (val_same(rc->spec, sc->spec))
			continue;
		rs = flow(rc->spec);
		ss = flow(sc->spec);
		add_miss(c, sd, NULL,
			 xasprintf("renders claim \"%s\" of %s \"%s\" as %s; the template \"%s\" of the "
				   "sources asks for %s (an overlay patches the claim)",
				   rc->claim, sd->kind, sd->name, rs, sc->volume, ss),
			 build);
		free(rs);
		free(ss);
	}
}

static void compare_dep(struct cmp *c, const struct kz_build *b, const struct dep_summary *rd)
{
	const struct kz_object *o = object_at(b, rd->line);
	const struct dep_summary *sd;
	size_t j;

	for (size_t i = 0; i < c->t->nfixed; i++)
		if (c->t->fixed[i] == rd)
			return;
	if (!o || !o->origin || o->generated || (j = input_named(&c->abs, o->origin)) >= c->abs.n)
		return;
	sd = source_dep(c->src, c->files[j].path, rd->kind, rd->name);
	if (rd->converted && !(sd && sd->converted))
		add_miss(c, sd, sd ? NULL : c->files[j].path,
			 xasprintf("converts %s \"%s\" as it renders it (%s); the sources leave it%s%s%s: "
				   "an overlay or component adds its claim, replicas or autoscaler, "
				   "which stsify cannot carry into the sources here (an inline patch, "
				   "or a build that leaves it)",
				   rd->kind, rd->name, code_name(rd->reason), sd ? " (" : "",
				   sd ? code_name(sd->reason) : "", sd ? ")" : ""),
			 b->dir);
	else if (!rd->converted && sd && sd->converted)
		add_miss(c, sd, NULL,
			 xasprintf("leaves %s \"%s\" as it is (%s); the sources convert it (%s)", rd->kind,
				   rd->name, code_name(rd->reason), code_name(sd->reason)),
			 b->dir);
	else if (rd->converted && sd)
		compare_claims(c, rd, sd, b->dir);
}

static void abs_paths(struct disc *d, const struct stsify_file *files, size_t n)
{
	char *cwd = getcwd(NULL, 0);

	*d = (struct disc){ .files = files, .n = n };
	d->norm = xcalloc(n ? n : 1, sizeof(*d->norm));
	d->order = xcalloc(n ? n : 1, sizeof(*d->order));
	for (size_t i = 0; i < n; i++) {
		char *p = files[i].path[0] == '/' || !cwd ? xstrdup(files[i].path)
							  : xasprintf("%s/%s", cwd, files[i].path);

		d->norm[i] = kz_path_norm(p);
		d->order[i] = i;
		free(p);
	}
	sort_disc = d;
	qsort(d->order, n, sizeof(*d->order), by_norm);
	free(cwd);
}

static void emit(struct cmp *c, struct report *rep)
{
	for (size_t i = 0; i < c->nm; i++) {
		struct miss *m = &c->m[i];
		struct finding *f;

		if (m->at)
			f = report_add_at(rep, m->at->path, m->at->line, m->at->col, CODE_BUILD_MISMATCH,
					  "build%s %s %s", m->nbuilds > 1 ? "s" : "", m->builds.buf, m->what);
		else
			f = report_add_at(rep, m->path, 0, 0, CODE_BUILD_MISMATCH, "build%s %s %s",
					  m->nbuilds > 1 ? "s" : "", m->builds.buf, m->what);
		if (m->at)
			finding_set_resource(f, m->at->kind, m->at->ns, m->at->name);
		free(m->what);
		strbuf_release(&m->builds);
	}
	free(c->m);
}

/* ---- the needs ---- */

/* The workload to convert (workload.h) of f whose name rendered contains (the longest: a name
 * prefix and suffix), and its namespace in *ns; NULL when none. */
static char *source_name(const struct stsify_file *f, const char *rendered, char **ns)
{
	struct ystream ys;
	char *best = NULL;

	*ns = NULL;
	if (!ystream_parse(&ys, f->in ? f->in : "", f->inlen)) {
		for (size_t d = 0; d < ys.ndoc; d++) {
			const struct ynode *r = ys.doc[d].root;
			const char *name = ynode_str(ynode_path(r, "metadata", "name", NULL));
			const char *nsv = ynode_str(ynode_path(r, "metadata", "namespace", NULL));
			const struct workload *w = workload_named(ynode_str(ynode_get(r, "kind")));

			if (!w || w->action != WORKLOAD_CONVERT || !name || !strstr(rendered, name) ||
			    (best && strlen(name) <= strlen(best)))
				continue;
			free(best);
			free(*ns);
			best = xstrdup(name);
			*ns = xstrdup(nsv ? nsv : "");
		}
	}
	ystream_release(&ys);
	return best;
}

/* Does the workload named name of f mount a claim as pod volume volume? */
static bool source_has_claim(const struct stsify_file *f, const char *name, const char *volume)
{
	struct ystream ys;
	bool has = false;

	if (!ystream_parse(&ys, f->in ? f->in : "", f->inlen)) {
		for (size_t d = 0; d < ys.ndoc && !has; d++) {
			const struct ynode *r = ys.doc[d].root;
			const struct ynode *vs = ynode_path(r, "spec", "template", "spec", "volumes", NULL);

			if (!ynode_is(ynode_path(r, "metadata", "name", NULL), name) || !vs || vs->kind != YNODE_SEQ)
				continue;
			for (size_t i = 0; i < vs->nkid && !has; i++)
				has = ynode_is(ynode_get(vs->kid[i], "name"), volume) &&
				      ynode_get(vs->kid[i], "persistentVolumeClaim");
		}
	}
	ystream_release(&ys);
	return has;
}

static void add_need(struct truth *t, const char *path, char *ns, char *name, long long replicas,
		     bool claims_added, const char *build)
{
	struct build_need *b;

	for (size_t i = 0; i < t->nneed; i++) {
		b = &t->need[i];
		if (strcmp(b->path, path) || strcmp(b->ns, ns) || strcmp(b->name, name))
			continue;
		char *builds = xasprintf("%s, \"%s\"", b->builds, build);

		free((char *)b->builds);
		b->builds = builds;
		if (replicas > b->replicas)
			b->replicas = replicas;
		b->claims_added |= claims_added;
		free(ns);
		free(name);
		return;
	}
	t->need = xrealloc(t->need, (t->nneed + 1) * sizeof(*t->need));
	t->need[t->nneed++] = (struct build_need){ xstrdup(path), ns, name, replicas,
						    xasprintf("\"%s\"", build), claims_added };
}

/* Build k converts rendered Deployment rd for its replicas: the source needs it. */
static bool *build_patches(const struct truth *t, size_t k, const struct disc *d);

/*
 * Does build k render source workload name (file j) with a claim its
 * source lacks, and does an editable patch of the build add every such
 * claim (overlay_claim_patchable())?  Otherwise converting the source
 * would leave the claim a shared volume: it is no claims_added need.
 */
static bool claims_added(const struct truth *t, const struct disc *d, size_t k, const struct dep_summary *rd,
			 size_t j, const char *name)
{
	bool *patch = NULL, added = false, ok = true;
	struct val *any = val_map();

	for (size_t i = 0; i < rd->nclaim && ok; i++) {
		struct overlay_claim oc = { name, "", rd->claim[i].volume, rd->claim[i].claim, any, false, false,
					    t->b[k].dir };

		if (source_has_claim(&d->files[j], name, rd->claim[i].volume))
			continue;
		added = true;
		if (!patch)
			patch = build_patches(t, k, d);
		ok = overlay_claim_patchable(d->files, d->n, patch, &oc);
	}
	free(patch);
	val_free(any);
	return added && ok;
}

static void need_of(struct truth *t, const struct disc *abs, const struct disc *d, size_t k,
		    const struct dep_summary *rd)
{
	const struct kz_object *o = object_at(&t->b[k], rd->line);
	long long replicas;
	bool added;
	char *ns, *name;
	size_t j;

	if (!rd->converted || rd->reason != CODE_SHARED_PVC || !o || !o->origin || o->generated ||
	    (j = input_named(abs, o->origin)) >= abs->n)
		return;
	if (!(name = source_name(&abs->files[j], rd->name, &ns)))
		return;
	added = claims_added(t, d, k, rd, j, name);
	replicas = ynode_int(ynode_path(o->root, "spec", "replicas", NULL));
	/* more than one replica, or an autoscaler that scales past one */
	add_need(t, abs->files[j].path, ns, name, replicas > 1 ? replicas : 2, added, t->b[k].dir);
}

/* A build that renders the source of need b and leaves it: b is no claims_added need
 * (converting the source would give that build a StatefulSet without the claim). */
static void split_need(struct truth *t, const struct disc *abs, size_t k, const struct dep_summary *rd)
{
	const struct kz_object *o = object_at(&t->b[k], rd->line);
	char *ns, *name;
	size_t j;

	if (rd->converted || !o || !o->origin || o->generated || (j = input_named(abs, o->origin)) >= abs->n ||
	    !(name = source_name(&abs->files[j], rd->name, &ns)))
		return;
	for (size_t i = 0; i < t->nneed; i++)
		if (!strcmp(t->need[i].path, abs->files[j].path) && !strcmp(t->need[i].ns, ns) &&
		    !strcmp(t->need[i].name, name))
			t->need[i].claims_added = false;
	free(ns);
	free(name);
}

/* Plan the rendering of build k as one stream, into t->rr[k]. */
static void plan_rendered(struct truth *t, const struct stsify_options *opt, size_t k)
{
	struct stsify_options o = *opt;
	struct stsify_file f = { 0 };
	char *label = xasprintf("%s (rendered)", t->b[k].dir);

	o.every_deployment = true;
	o.full_parse = true;
	f.path = label;
	f.in = t->b[k].out;
	f.inlen = t->b[k].outlen;
	if (run_rewrite(&o, &f, 1, &t->rr[k])) {
		report_release(&t->rr[k]);
	} else if (f.status == STSIFY_CHANGED) {
		t->conv[k] = f.out;
		t->convlen[k] = f.outlen;
		f.out = NULL;
	}
	stsify_file_release(&f);
	free(label);
}

void truth_plan(struct truth *t, const struct stsify_options *opt, const struct stsify_file *files,
		size_t n)
{
	struct disc abs, d;

	if (!t->any)
		return;
	t->rr = xcalloc(t->nb, sizeof(*t->rr));
	t->conv = xcalloc(t->nb, sizeof(*t->conv));
	t->convlen = xcalloc(t->nb, sizeof(*t->convlen));
	abs_paths(&abs, files, n);
	discover(&d, files, n);
	for (size_t k = 0; k < t->nb; k++) {
		if (!t->b[k].ok)
			continue;
		plan_rendered(t, opt, k);
		for (size_t i = 0; i < t->rr[k].ndep; i++)
			need_of(t, &abs, &d, k, &t->rr[k].dep[i]);
	}
	for (size_t k = 0; k < t->nb; k++)
		for (size_t i = 0; t->b[k].ok && t->rr[k].dep && i < t->rr[k].ndep; i++)
			split_need(t, &abs, k, &t->rr[k].dep[i]);
	disc_release(&d);
	disc_release(&abs);
}

void truth_check(struct truth *t, const struct stsify_file *files, size_t n, struct report *rep)
{
	struct cmp c = { .t = t, .files = files, .src = rep };

	if (!t->any)
		return;
	abs_paths(&c.abs, files, n);
	for (size_t k = 0; k < t->nb; k++)
		for (size_t i = 0; t->b[k].ok && i < t->rr[k].ndep; i++)
			compare_dep(&c, &t->b[k], &t->rr[k].dep[i]);
	disc_release(&c.abs);
	emit(&c, rep);
}

/* ---- the edits (overlay.h) ---- */

/* Mark in patch[] the patch files that the kustomizations of the closure
 * of kd[k] name (a patch of another build is never edited for this one). */
static void mark_patches(const struct disc *d, size_t k, bool *seen, bool *patch)
{
	static const char *const lists[] = { "patches", "patchesStrategicMerge", "patchesJson6902" };

	if (seen[k])
		return;
	seen[k] = true;
	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		const struct ynode *seq = ynode_get(d->kd[k].root, lists[l]);

		for (size_t i = 0; seq && seq->kind == YNODE_SEQ && i < seq->nkid; i++) {
			const struct ynode *it = seq->kid[i];
			const char *rel = ynode_is_scalar(it) ? ynode_str(it) : ynode_str(ynode_get(it, "path"));
			char *p;
			size_t j;

			if (!rel || strchr(rel, '\n'))
				continue;
			p = join(d->kd[k].dir, rel);
			if ((j = input_named(d, p)) < d->n)
				patch[j] = true;
			free(p);
		}
	}
	for (size_t s = 0; s < d->kd[k].nsub; s++)
		mark_patches(d, d->kd[k].sub[s], seen, patch);
}

/* The patch files of build k (kustomization files[t->kfile[k]]): malloc'd, n of them. */
static bool *build_patches(const struct truth *t, size_t k, const struct disc *d)
{
	bool *patch = xcalloc(d->n ? d->n : 1, sizeof(*patch));
	bool *seen = xcalloc(d->nkd ? d->nkd : 1, sizeof(*seen));

	for (size_t i = 0; i < d->nkd; i++)
		if (d->kd[i].file == t->kfile[k])
			mark_patches(d, i, seen, patch);
	free(seen);
	return patch;
}

/* The document of StatefulSet name in build k's converted rendering, or NULL. */
static const struct ynode *converted_sts(const struct ystream *ys, const char *name)
{
	for (size_t d = 0; d < ys->ndoc; d++) {
		const struct ynode *r = ys->doc[d].root;

		if (ynode_is(ynode_get(r, "kind"), "StatefulSet") &&
		    ynode_is(ynode_path(r, "metadata", "name", NULL), name))
			return r;
	}
	return NULL;
}

static const struct ynode *template_named(const struct ynode *sts, const char *volume)
{
	const struct ynode *vct = ynode_path(sts, "spec", "volumeClaimTemplates", NULL);

	for (size_t i = 0; vct && vct->kind == YNODE_SEQ && i < vct->nkid; i++)
		if (ynode_is(ynode_path(vct->kid[i], "metadata", "name", NULL), volume))
			return vct->kid[i];
	return NULL;
}

/* The spec of claim (as build k renders its name) in its source manifest, or NULL. */
static struct val *claim_source_spec(const struct truth *t, size_t k, const struct disc *abs, const char *claim)
{
	for (size_t i = 0; i < t->b[k].nobj; i++) {
		const struct kz_object *o = &t->b[k].obj[i];
		struct val *spec = NULL;
		struct ystream ys;
		size_t j;

		if (strcmp(o->kind, "PersistentVolumeClaim") || strcmp(o->name, claim) || !o->origin ||
		    o->generated || (j = input_named(abs, o->origin)) >= abs->n || !abs->files[j].in)
			continue;
		if (!ystream_parse(&ys, abs->files[j].in, abs->files[j].inlen))
			for (size_t d = 0; d < ys.ndoc && !spec; d++) {
				const struct ynode *r = ys.doc[d].root;
				const char *name = ynode_str(ynode_path(r, "metadata", "name", NULL));

				if (ynode_is(ynode_get(r, "kind"), "PersistentVolumeClaim") && name && strstr(claim, name) &&
				    ynode_get(r, "spec"))
					spec = val_from_ynode(ynode_get(r, "spec"));
			}
		ystream_release(&ys);
		return spec;
	}
	return NULL;
}

/* Template tmpl (rendered: keys sorted) in the order of a claim spec. */
static void order_template(struct val *tmpl, const struct val *spec)
{
	struct val *like = val_map();

	val_set(like, "metadata", val_map());
	val_set(like, "spec", val_copy(spec));
	val_order_like(tmpl, like);
	val_free(like);
}

static void fixed(struct truth *t, const struct dep_summary *rd)
{
	t->fixed = xrealloc(t->fixed, (t->nfixed + 1) * sizeof(*t->fixed));
	t->fixed[t->nfixed++] = rd;
}

/* Claims that build k adds to source Deployment sd (file j): their patches. */
static void edit_added(struct truth *t, size_t k, const struct dep_summary *rd, const struct dep_summary *sd,
		       const struct ynode *sts, struct stsify_file *files, const struct disc *abs,
		       const bool *patch, struct report *rep)
{
	size_t done = 0, want = 0;

	for (size_t i = 0; i < rd->nclaim; i++) {
		const struct ynode *tn = template_named(sts, rd->claim[i].volume);
		bool in_src = false;
		struct val *tmpl, *spec;

		for (size_t s = 0; s < sd->nclaim; s++)
			in_src |= !strcmp(sd->claim[s].volume, rd->claim[i].volume);
		if (in_src || !tn)
			continue;
		want++;
		tmpl = val_from_ynode(tn);
		if ((spec = claim_source_spec(t, k, abs, rd->claim[i].claim)))
			order_template(tmpl, spec);
		val_free(spec);
		struct overlay_claim oc = { sd->name, sd->ns, rd->claim[i].volume, rd->claim[i].claim, tmpl,
					    sd->nclaim > 0,
					    !ynode_path(sts, "spec", "template", "spec", "volumes", NULL), t->b[k].dir };
		done += overlay_claim_patches(files, abs->n, patch, &oc, rep) > 0;
		val_free(tmpl);
	}
	if (want && done == want)
		fixed(t, rd);
}

/* Build k renders the claims of sd otherwise than its sources: a StatefulSet patch. */
static void edit_changed(struct truth *t, size_t k, const struct dep_summary *rd, const struct dep_summary *sd,
			 const struct ynode *sts, struct stsify_file *files, struct report *rep,
			 struct plan_files *nf)
{
	const struct ynode *vct = ynode_path(sts, "spec", "volumeClaimTemplates", NULL);
	bool differ = false;
	struct val *v;

	for (size_t i = 0; i < rd->nclaim; i++)
		for (size_t s = 0; s < sd->nclaim; s++)
			if (!strcmp(sd->claim[s].volume, rd->claim[i].volume) &&
			    !val_same(rd->claim[i].spec, sd->claim[s].spec))
				differ = true;
	if (!differ || !vct || vct->kind != YNODE_SEQ)
		return;
	v = val_from_ynode(vct);
	for (size_t i = 0; i < v->n; i++)
		for (size_t s = 0; s < sd->nclaim; s++)
			if (ynode_is(ynode_path(vct->kid[i], "metadata", "name", NULL), sd->claim[s].volume))
				order_template(v->item[i], sd->claim[s].spec);
	if (!overlay_template_patch(files, t->kfile[k], sd->ns, sd->name, v, t->b[k].dir, nf, rep))
		fixed(t, rd);
	val_free(v);
}

/* ---- a build that converts a Deployment the others leave ---- */

static char *ptr_join(const char *path, const char *key)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s/", path);
	for (const char *c = key; *c; c++)
		if (*c == '~')
			strbuf_addf(&sb, "~0");
		else if (*c == '/')
			strbuf_addf(&sb, "~1");
		else
			strbuf_addf(&sb, "%c", *c);
	return strbuf_detach(&sb, NULL);
}

static void add_op(struct val *ops, const char *op, const char *path, const struct val *v)
{
	struct val *o = val_push(ops, val_map());

	val_set(o, "op", val_str(op));
	val_set(o, "path", val_str(path));
	if (v)
		val_set(o, "value", val_copy(v));
}

static void diff_val(struct val *ops, const char *path, const struct val *a, const struct val *b);

/* Sequence b is a with some items deleted: test and remove them, the last first. */
static bool diff_removed(struct val *ops, const char *path, const struct val *a, const struct val *b)
{
	bool *gone = xcalloc(a->n ? a->n : 1, sizeof(*gone));
	size_t j = 0;

	for (size_t i = 0; i < a->n; i++)
		if (j < b->n && val_same(a->item[i], b->item[j]))
			j++;
		else
			gone[i] = true;
	if (j == b->n)
		for (size_t i = a->n; i-- > 0;) {
			char *ip = xasprintf("%s/%zu", path, i), *np = xasprintf("%s/name", ip);
			const struct val *name = a->item[i]->kind == VAL_MAP ? val_get(a->item[i], "name") : NULL;

			if (gone[i] && name)
				add_op(ops, "test", np, name);
			if (gone[i])
				add_op(ops, "remove", ip, NULL);
			free(ip);
			free(np);
		}
	free(gone);
	return j == b->n;
}

/* The JSON 6902 operations that make a (rendered) b (converted); metadata stays. */
static void diff_val(struct val *ops, const char *path, const struct val *a, const struct val *b)
{
	if (val_same(a, b))
		return;
	if (a->kind == VAL_MAP && b->kind == VAL_MAP) {
		for (size_t i = 0; i < a->n; i++) {
			char *p = ptr_join(path, a->key[i]);
			const struct val *bv = val_get(b, a->key[i]);

			if (!*path && (!strcmp(a->key[i], "metadata") || !strcmp(a->key[i], "status")))
				;
			else if (!bv)
				add_op(ops, "remove", p, NULL);
			else
				diff_val(ops, p, a->item[i], bv);
			free(p);
		}
		for (size_t i = 0; i < b->n; i++)
			if (!val_get(a, b->key[i])) {
				char *p = ptr_join(path, b->key[i]);

				add_op(ops, "add", p, b->item[i]);
				free(p);
			}
	} else if (a->kind == VAL_SEQ && b->kind == VAL_SEQ && b->n < a->n && diff_removed(ops, path, a, b)) {
		;
	} else if (a->kind == VAL_SEQ && b->kind == VAL_SEQ && a->n == b->n) {
		for (size_t i = 0; i < a->n; i++) {
			char *p = xasprintf("%s/%zu", path, i);

			diff_val(ops, p, a->item[i], b->item[i]);
			free(p);
		}
	} else {
		add_op(ops, "replace", path, b);
	}
}

/* Does another build than k render source name of file j and leave it? */
static bool left_elsewhere(const struct truth *t, const struct disc *abs, size_t k, size_t j, const char *name)
{
	bool left = false;

	for (size_t b = 0; b < t->nb && !left; b++)
		for (size_t i = 0; b != k && t->b[b].ok && i < t->rr[b].ndep && !left; i++) {
			const struct dep_summary *rd = &t->rr[b].dep[i];
			const struct kz_object *o = object_at(&t->b[b], rd->line);
			char *ns, *sn;

			if (rd->converted || !o || !o->origin || o->generated || input_named(abs, o->origin) != j ||
			    !(sn = source_name(&abs->files[j], rd->name, &ns)))
				continue;
			left = !strcmp(sn, name);
			free(sn);
			free(ns);
		}
	return left;
}

/* name without the overlay's own namePrefix and nameSuffix (kz); malloc'd. */
static char *unprefixed(const struct ynode *kz, const char *name)
{
	const char *pre = ynode_str(ynode_get(kz, "namePrefix")), *suf = ynode_str(ynode_get(kz, "nameSuffix"));
	size_t len = strlen(name), lp = pre ? strlen(pre) : 0, ls = suf ? strlen(suf) : 0;

	if (lp && len > lp && !strncmp(name, pre, lp)) {
		name += lp;
		len -= lp;
	}
	if (ls && len > ls && !strcmp(name + len - ls, suf))
		len -= ls;
	return xasprintf("%.*s", (int)len, name);
}

static void val_remove(struct val *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->key[i], key)) {
			free(map->key[i]);
			val_free(map->item[i]);
			memmove(&map->key[i], &map->key[i + 1], (map->n - i - 1) * sizeof(*map->key));
			memmove(&map->item[i], &map->item[i + 1], (map->n - i - 1) * sizeof(*map->item));
			map->n--;
			return;
		}
}

/* The headless Service that the build's conversion adds for sts, as a resource of overlay kz, or NULL. */
static struct val *kind_service(const struct kz_build *b, const struct ystream *conv, const struct ynode *sts,
				const struct ynode *kz)
{
	const char *svc = ynode_str(ynode_path(sts, "spec", "serviceName", NULL));
	struct val *v = NULL, *md, *an;
	char *nm;

	for (size_t i = 0; svc && i < b->nobj; i++)
		if (!strcmp(b->obj[i].kind, "Service") && !strcmp(b->obj[i].name, svc))
			return NULL;	/* (the build has it) */
	for (size_t d = 0; svc && d < conv->ndoc && !v; d++)
		if (ynode_is(ynode_get(conv->doc[d].root, "kind"), "Service") &&
		    ynode_is(ynode_path(conv->doc[d].root, "metadata", "name", NULL), svc))
			v = val_from_ynode(conv->doc[d].root);
	if (!v || !(md = val_get(v, "metadata")) || md->kind != VAL_MAP)
		return v;
	nm = unprefixed(kz, svc);
	val_set(md, "name", val_str(nm));
	free(nm);
	if (ynode_get(kz, "namespace"))
		val_remove(md, "namespace");
	if ((an = val_get(md, "annotations")) && an->kind == VAL_MAP) {
		val_remove(an, "config.kubernetes.io/origin");
		val_remove(an, "alpha.config.kubernetes.io/transformations");
		if (!an->n)
			val_remove(md, "annotations");
	}
	return v;
}

/* The autoscalers of a build that follow its StatefulSet (owned). */
struct follows {
	struct overlay_follow *f;
	size_t n;
};

static const char *scaler_tag(const char *kind)
{
	static const char *const kinds[][2] = { { "HorizontalPodAutoscaler", "hpa" },
						{ "VerticalPodAutoscaler", "vpa" },
						{ "ScaledObject", "scaledobject" } };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!strcmp(kind, kinds[i][0]))
			return kinds[i][1];
	return NULL;
}

static const struct ynode *conv_object(const struct ystream *conv, const struct kz_object *o)
{
	for (size_t d = 0; d < conv->ndoc; d++) {
		const struct ynode *r = conv->doc[d].root;
		const char *ns = ynode_str(ynode_path(r, "metadata", "namespace", NULL));

		if (ynode_is(ynode_get(r, "kind"), o->kind) && ynode_is(ynode_path(r, "metadata", "name", NULL), o->name) &&
		    !strcmp(ns ? ns : "", o->ns))
			return r;
	}
	return NULL;
}

/* The autoscalers of build b that target rendered Deployment name, with
 * the operations that make them what the build's conversion makes them. */
static void follow_scalers(struct follows *fs, const struct kz_build *b, const struct ystream *conv,
			   const struct ynode *kz, const char *name)
{
	*fs = (struct follows){ 0 };
	for (size_t i = 0; i < b->nobj; i++) {
		const struct kz_object *o = &b->obj[i];
		const char *tag = scaler_tag(o->kind);
		const struct ynode *ref = ynode_path(o->root, "spec", "scaleTargetRef", NULL), *c;
		struct val *a, *v, *ops;

		if (!ref)
			ref = ynode_path(o->root, "spec", "targetRef", NULL);
		if (!tag || !ynode_is(ynode_get(ref, "name"), name) || !(c = conv_object(conv, o)))
			continue;
		a = val_from_ynode(o->root);
		v = val_from_ynode(c);
		ops = val_seq();
		diff_val(ops, "", a, v);
		val_free(a);
		val_free(v);
		if (!ops->n) {
			val_free(ops);
			continue;
		}
		fs->f = xrealloc(fs->f, (fs->n + 1) * sizeof(*fs->f));
		fs->f[fs->n++] = (struct overlay_follow){ o->kind, unprefixed(kz, o->name), tag, ops };
	}
}

static void follows_release(struct follows *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free((char *)fs->f[i].name);
		val_free((struct val *)fs->f[i].ops);
	}
	free(fs->f);
}

/* The data-migration findings of build k's own conversion of rd, at kustomization path. */
static void carry_migration(const struct truth *t, size_t k, const struct dep_summary *rd, const char *path,
			    struct report *rep)
{
	char *quoted = xasprintf("StatefulSet \"%s\"", rd->name);

	for (size_t i = 0; i < t->rr[k].n; i++) {
		const struct finding *f = &t->rr[k].f[i];

		if (f->code == CODE_DATA_MIGRATION && strstr(f->msg, quoted))
			report_add_at(rep, path, 0, 0, CODE_DATA_MIGRATION, "build \"%s\": %s", t->b[k].dir, f->msg);
	}
	free(quoted);
}

/*
 * Build k converts source Deployment of file j that another build
 * leaves: a patch in its overlay alone changes the kind (overlay.h).
 */
static void edit_kind(struct truth *t, size_t k, const struct dep_summary *rd, const struct ynode *sts,
		      const struct ystream *conv, struct stsify_file *files, const struct disc *abs, size_t j,
		      struct plan_files *nf, struct report *rep)
{
	const struct kz_object *o = object_at(&t->b[k], rd->line);
	struct stsify_file *kf = &files[t->kfile[k]];
	struct ystream kys;
	char *ns, *name;

	if (!(name = source_name(&abs->files[j], rd->name, &ns)))
		return;
	if (left_elsewhere(t, abs, k, j, name) && kf->in && !ystream_parse(&kys, kf->in, kf->inlen)) {
		const struct ynode *kz = kys.ndoc ? kys.doc[0].root : NULL;
		bool can = kz && kz->kind == YNODE_MAP && !ynode_get(kz, "patchesJson6902");
		struct val *a = val_from_ynode(o->root), *b = val_from_ynode(sts), *ops = val_seq();
		struct val *svc = can ? kind_service(&t->b[k], conv, sts, kz) : NULL;
		struct follows fs = { 0 };

		if (can)
			follow_scalers(&fs, &t->b[k], conv, kz, rd->name);
		struct overlay_kind ok = { name, rd->name, ops, svc, fs.f, fs.n, t->b[k].dir };

		diff_val(ops, "", a, b);
		if (can && ops->n && !overlay_kind_patch(files, t->kfile[k], &ok, nf, rep)) {
			fixed(t, rd);
			carry_migration(t, k, rd, kf->path, rep);
		}
		follows_release(&fs);
		val_free(a);
		val_free(b);
		val_free(ops);
		val_free(svc);
		ystream_release(&kys);
	}
	free(name);
	free(ns);
}

void truth_edit(struct truth *t, struct stsify_file *files, size_t n, size_t nedit, struct report *rep,
		struct plan_files *nf)
{
	struct disc abs, d;

	if (!t->any)
		return;
	abs_paths(&abs, files, n);
	discover(&d, files, n);
	for (size_t k = 0; k < t->nb; k++) {
		struct ystream ys;
		bool *patch;

		if (!t->b[k].ok || !t->conv[k] || ystream_parse(&ys, t->conv[k], t->convlen[k]))
			continue;
		patch = build_patches(t, k, &d);
		for (size_t i = nedit; i < n; i++)
			patch[i] = false;	/* (context) */
		for (size_t i = 0; i < t->rr[k].ndep; i++) {
			const struct dep_summary *rd = &t->rr[k].dep[i], *sd;
			const struct kz_object *o = object_at(&t->b[k], rd->line);
			const struct ynode *sts = converted_sts(&ys, rd->name);
			size_t j;

			if (!rd->converted || !sts || !o || !o->origin || o->generated ||
			    (j = input_named(&abs, o->origin)) >= abs.n || j >= nedit ||
			    !(sd = source_dep(rep, files[j].path, rd->kind, rd->name)))
				continue;	/* (a source in the context is not written) */
			if (!sd->converted) {
				if (t->kfile[k] < nedit && !strcmp(sd->kind, "Deployment"))
					edit_kind(t, k, rd, sts, &ys, files, &abs, j, nf, rep);
				continue;
			}
			edit_added(t, k, rd, sd, sts, files, &abs, patch, rep);
			if (t->kfile[k] < nedit)
				edit_changed(t, k, rd, sd, sts, files, rep, nf);
		}
		free(patch);
		ystream_release(&ys);
	}
	disc_release(&d);
	disc_release(&abs);
}
