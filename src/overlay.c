/*
 * overlay.c - a build's rendering carried into its overlays' sources
 * (overlay.h): patches that add a claim become patches that add a claim
 * template, an overlay that patches a claim gets a StatefulSet patch, and
 * one whose build alone converts a base Deployment a patch that changes
 * its kind (with the headless Service as a new resource).
 *
 * Each edit is a small plan of operations (plan.h) on the file's current
 * bytes (the conversion's output when it changed the file), rewritten by
 * rewrite.h (lowered in the file's style, applied and verified): the rest
 * of the file stays byte for byte.
 */
#include "overlay.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migrate.h"
#include "plan.h"
#include "render.h"
#include "report.h"
#include "rewrite.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

/* One file's current bytes, parsed, and the operations on them. */
struct ofile {
	const struct stsify_file *f;
	struct source src;
	struct ystream ys;
	struct plan p;
	size_t at;		/* the first node edited (for the finding), or NOPOS */
};

static int ofile_open(struct ofile *o, const struct stsify_file *f)
{
	const char *buf = f->status == STSIFY_CHANGED ? f->out : f->in;
	size_t len = f->status == STSIFY_CHANGED ? f->outlen : f->inlen;

	memset(o, 0, sizeof(*o));
	o->f = f;
	o->at = NOPOS;
	if (!buf || (f->status != STSIFY_CHANGED && f->status != STSIFY_UNCHANGED))
		return -1;
	source_init_borrow(&o->src, f->path, buf, len);
	if (ystream_parse(&o->ys, buf, len)) {
		source_release(&o->src);
		return -1;
	}
	return 0;
}

/* Rewrite o's file f with its operations (rewrite.h: lowered, applied and
 * verified): f->out is the new text.  0, or -1 (the file stays). */
static int ofile_apply(struct ofile *o, struct stsify_file *f)
{
	struct plan_input pin = { .src = &o->src, .ys = &o->ys };
	struct rewrite_job job = { .p = &o->p, .pin = &pin, .in = 0, .mode = REWRITE_WHOLE };
	struct rewrite_result res = REWRITE_RESULT_INIT;
	int rc = -1;

	if (!rewrite(&job, NULL, &res) && res.out.n == 1) {
		char *old = f->out;

		f->out = res.out.p[0].text;
		f->outlen = res.out.p[0].len;
		res.out.p[0].text = NULL;
		f->status = STSIFY_CHANGED;
		free(old);	/* (o->src borrowed it: not read again) */
		rc = 0;
	}
	rewrite_result_release(&res);
	return rc;
}

static void ofile_close(struct ofile *o)
{
	plan_release(&o->p);
	ystream_release(&o->ys);
	source_release(&o->src);
}

/* ---- a patch that adds a claim ---- */

static void mark(struct ofile *o, const struct ynode *n)
{
	if (o->at == NOPOS || n->start < o->at)
		o->at = n->start;
}

/* Line of o->at (before ofile_apply(): it is o->src's). */
static unsigned line_at(const struct ofile *o)
{
	unsigned line = 0, col;

	if (o->at != NOPOS)
		source_linecol(&o->src, o->at, &line, &col);
	return line;
}

/* Pod volume oc->volume on the claim that renders as oc->claim (a name
 * prefix or suffix of the build may be added to it). */
static bool is_volume(const struct ynode *v, const struct overlay_claim *oc)
{
	const char *claim = ynode_str(ynode_path(v, "persistentVolumeClaim", "claimName", NULL));

	return v && v->kind == YNODE_MAP && ynode_is(ynode_get(v, "name"), oc->volume) && claim && *claim &&
	       strstr(oc->claim, claim);
}

static struct val *templates_of(const struct overlay_claim *oc)
{
	struct val *seq = val_seq();

	val_push(seq, val_copy(oc->tmpl));
	return seq;
}

/* A strategic-merge patch of workload oc->name in document d. */
static bool edit_smp(struct ofile *o, size_t d, const struct overlay_claim *oc)
{
	const struct ynode *r = o->ys.doc[d].root, *spec = ynode_get(r, "spec");
	const struct ynode *vs = ynode_path(spec, "template", "spec", "volumes", NULL);
	const struct ynode *vct = ynode_get(spec, "volumeClaimTemplates");
	size_t gone = 0;

	if (!ynode_is(ynode_path(r, "metadata", "name", NULL), oc->name) || !vs || vs->kind != YNODE_SEQ ||
	    (vct && (vct->kind != YNODE_SEQ || !vct->nkid)))
		return false;
	for (size_t i = 0; i < vs->nkid; i++)
		gone += is_volume(vs->kid[i], oc);
	if (!gone)
		return false;
	mark(o, vs);
	for (size_t i = 0; gone < vs->nkid && i < vs->nkid; i++)
		if (is_volume(vs->kid[i], oc))
			plan_add_remove(&o->p, 0, d, vs->kid[i], 0);
	if (gone == vs->nkid)
		plan_add_remove(&o->p, 0, d, vs, 0);
	if (vct)
		plan_add_item(&o->p, 0, d, vct, vct->kid[vct->nkid - 1], val_copy(oc->tmpl), 0);
	else
		plan_add_pair(&o->p, 0, d, spec, "volumeClaimTemplates", templates_of(oc), 0);
	return true;
}

static const char VOLUMES[] = "/spec/template/spec/volumes";

/* The op that adds the template (after the ops of the patch). */
static struct val *template_op(const struct overlay_claim *oc)
{
	struct val *op = val_map();

	val_set(op, "op", val_str("add"));
	val_set(op, "path", val_str(oc->base_templates ? "/spec/volumeClaimTemplates/-" : "/spec/volumeClaimTemplates"));
	val_set(op, "value", oc->base_templates ? val_copy(oc->tmpl) : templates_of(oc));
	return op;
}

/* One JSON 6902 op of the patch in document d: does it add the volume? */
static bool edit_op(struct ofile *o, size_t d, const struct ynode *op, const struct overlay_claim *oc)
{
	const char *path = ynode_str(ynode_get(op, "path")), *kind = ynode_str(ynode_get(op, "op"));
	const struct ynode *v = ynode_get(op, "value");
	size_t gone = 0;

	if (!path || !kind || !v || (strcmp(kind, "add") && strcmp(kind, "replace")) ||
	    strncmp(path, VOLUMES, sizeof(VOLUMES) - 1))
		return false;
	if (!strcmp(path, VOLUMES) && v->kind == YNODE_SEQ) {
		for (size_t i = 0; i < v->nkid; i++)
			gone += is_volume(v->kid[i], oc);
		if (!gone)
			return false;
		mark(o, op);
		for (size_t i = 0; gone < v->nkid && i < v->nkid; i++)
			if (is_volume(v->kid[i], oc))
				plan_add_remove(&o->p, 0, d, v->kid[i], 0);
		if (gone < v->nkid)
			return true;
	} else if (path[sizeof(VOLUMES) - 1] != '/' || !is_volume(v, oc)) {
		return false;
	}
	mark(o, op);
	if (!strcmp(kind, "add")) {	/* the volume goes with its op */
		plan_add_remove(&o->p, 0, d, op, 0);
		return true;
	}
	/* replace: what it replaced goes (all of it when the build keeps no volume) */
	plan_add_set(&o->p, 0, d, ynode_get(op, "op"), "remove", 0);
	if (oc->no_volumes && strcmp(path, VOLUMES))
		plan_add_set(&o->p, 0, d, ynode_get(op, "path"), VOLUMES, 0);
	plan_add_remove(&o->p, 0, d, v, 0);
	return true;
}

static bool edit_json(struct ofile *o, size_t d, const struct overlay_claim *oc)
{
	const struct ynode *seq = o->ys.doc[d].root;
	bool any = false;

	for (size_t i = 0; i < seq->nkid; i++)
		if (seq->kid[i]->kind == YNODE_MAP)
			any |= edit_op(o, d, seq->kid[i], oc);
	if (any)
		plan_add_item(&o->p, 0, d, seq, seq->kid[seq->nkid - 1], template_op(oc), 0);
	return any;
}

static bool edit_patch(struct ofile *o, const struct overlay_claim *oc)
{
	bool any = false;

	for (size_t d = 0; d < o->ys.ndoc; d++) {
		const struct ynode *r = o->ys.doc[d].root;

		if (r && r->kind == YNODE_MAP && ynode_get(r, "kind") && !ynode_get(r, "resources"))
			any |= edit_smp(o, d, oc);
		else if (r && r->kind == YNODE_SEQ && r->nkid)
			any |= edit_json(o, d, oc);
	}
	return any;
}

bool overlay_claim_patchable(const struct stsify_file *files, size_t n, const bool *patch, const struct overlay_claim *oc)
{
	bool found = false;

	for (size_t i = 0; i < n && !found; i++) {
		struct ofile o;

		if (!patch[i] || !files[i].in || !memmem(files[i].in, files[i].inlen, oc->volume, strlen(oc->volume)) ||
		    ofile_open(&o, &files[i]))
			continue;
		found = edit_patch(&o, oc);
		ofile_close(&o);
	}
	return found;
}

size_t overlay_claim_patches(struct stsify_file *files, size_t n, const bool *patch, const struct overlay_claim *oc,
			     struct report *rep)
{
	size_t edited = 0;

	for (size_t i = 0; i < n; i++) {
		struct ofile o;

		if (!patch[i] || !files[i].in || !memmem(files[i].in, files[i].inlen, oc->volume, strlen(oc->volume)) ||
		    ofile_open(&o, &files[i]))
			continue;
		unsigned line = edit_patch(&o, oc) ? line_at(&o) : 0;

		if (line && !ofile_apply(&o, &files[i])) {
			edited++;
			report_add_at(rep, files[i].path, line, 1, CODE_BUILD_PATCH,
				      "patch gives StatefulSet \"%s\" claim template \"%s\" (claim \"%s\") instead of the "
				      "volume, as build \"%s\" renders it converted",
				      oc->name, oc->volume, oc->claim, oc->build);
		}
		ofile_close(&o);
	}
	return edited;
}

/* ---- an overlay that patches a claim ---- */

char *overlay_patch_name(const char *kpath, const char *name)
{
	const char *slash = strrchr(kpath, '/');

	return slash ? xasprintf("%.*s/%s-claim-templates.yaml", (int)(slash - kpath), kpath, name)
		     : xasprintf("%s-claim-templates.yaml", name);
}

static struct val *sts_patch(const char *ns, const char *name, const struct val *templates)
{
	struct val *doc = val_map(), *md, *spec;

	val_set(doc, "apiVersion", val_str("apps/v1"));
	val_set(doc, "kind", val_str("StatefulSet"));
	md = val_set(doc, "metadata", val_map());
	val_set(md, "name", val_str(name));
	if (ns && *ns)
		val_set(md, "namespace", val_str(ns));
	spec = val_set(doc, "spec", val_map());
	val_set(spec, "volumeClaimTemplates", val_copy(templates));
	return doc;
}

/* The `- path: FILE` entry in kustomization o (document 0). */
static int list_patch(struct ofile *o, struct stsify_file *f, const char *base, unsigned *line)
{
	const struct ynode *root = o->ys.ndoc ? o->ys.doc[0].root : NULL, *ps = ynode_get(root, "patches");
	struct val *item = val_map();

	val_set(item, "path", val_str(base));
	if (!root || root->kind != YNODE_MAP || (ps && (ps->kind != YNODE_SEQ || !ps->nkid))) {
		val_free(item);
		return -1;
	}
	mark(o, ps ? ps : root);
	if (ps) {
		plan_add_item(&o->p, 0, 0, ps, ps->kid[ps->nkid - 1], item, 0);
	} else {
		struct val *seq = val_seq();

		val_push(seq, item);
		plan_add_pair(&o->p, 0, 0, root, "patches", seq, 0);
	}
	*line = line_at(o);
	return ofile_apply(o, f);
}

int overlay_template_patch(struct stsify_file *files, size_t k, const char *ns, const char *name,
			   const struct val *templates, const char *build, struct plan_files *nf,
			   struct report *rep)
{
	char *path = overlay_patch_name(files[k].path, name);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct val *doc = sts_patch(ns, name, templates);
	struct ofile o;
	struct style st;
	struct stat sb;
	unsigned line;
	int rc = -1;

	if (!lstat(path, &sb)) {
		report_add_at(rep, path, 0, 0, CODE_BUILD_PATCH,
			      "exists already: the claim templates of StatefulSet \"%s\" as build \"%s\" renders them "
			      "are not written (its claims are patched there)", name, build);
	} else if (!ofile_open(&o, &files[k])) {
		style_detect(&st, &o.src, &o.ys.doc[0]);
		if (!list_patch(&o, &files[k], base, &line)) {
			ALLOC_GROW(nf->f, nf->n + 1, nf->alloc);
			nf->f[nf->n] = (struct plan_file){ .name = path, .build_patch = true };
			strbuf_init(&nf->f[nf->n].text);
			strbuf_addf(&nf->f[nf->n].text, "# the claim templates of StatefulSet \"%s\" as this overlay "
				    "patches its claims (stsify): no claim patch reaches a template%s", name, st.eol);
			render_block_doc(&nf->f[nf->n].text, &st, doc);
			nf->n++;
			path = NULL;
			rc = 0;
			report_add_at(rep, files[k].path, line, 1, CODE_BUILD_PATCH,
				      "build \"%s\" patches the claims of StatefulSet \"%s\": %s gives its claim "
				      "templates the same", build, name, base);
		}
		ofile_close(&o);
	}
	val_free(doc);
	free(path);
	return rc;
}

/* ---- a build that converts a Deployment the others leave ---- */

static char *beside(const char *kpath, const char *name, const char *what)
{
	const char *slash = strrchr(kpath, '/');

	return slash ? xasprintf("%.*s/%s-%s.yaml", (int)(slash - kpath), kpath, name, what)
		     : xasprintf("%s-%s.yaml", name, what);
}

/* Append item to list key of kustomization root (a new pair when it has none). */
static int list_add(struct ofile *o, const struct ynode *root, const char *key, struct val *item)
{
	const struct ynode *seq = ynode_get(root, key);

	if (seq && (seq->kind != YNODE_SEQ || !seq->nkid)) {
		val_free(item);
		return -1;
	}
	mark(o, seq ? seq : root);
	if (seq) {
		plan_add_item(&o->p, 0, 0, seq, seq->kid[seq->nkid - 1], item, 0);
	} else {
		struct val *s = val_seq();

		val_push(s, item);
		plan_add_pair(&o->p, 0, 0, root, key, s, 0);
	}
	return 0;
}

static struct val *patch_entry(const char *path, const char *kind, const char *name)
{
	struct val *item = val_map(), *target;

	val_set(item, "path", val_str(path));
	target = val_set(item, "target", val_map());
	val_set(target, "kind", val_str(kind));
	val_set(target, "name", val_str(name));
	return item;
}

static const char *base_name(const char *path)
{
	return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

/* The kustomization's entries: the patches (last in patches: the kind's,
 * then the autoscalers') and the Service (last in resources). */
static int list_kind(struct ofile *o, struct stsify_file *f, const struct overlay_kind *ok, char *const *path,
		     const char *service, unsigned *line)
{
	const struct ynode *root = o->ys.ndoc ? o->ys.doc[0].root : NULL;

	if (!root || root->kind != YNODE_MAP ||
	    list_add(o, root, "patches", patch_entry(base_name(path[0]), "Deployment", ok->name)))
		return -1;
	if (service && list_add(o, root, "resources", val_str(base_name(service))))
		return -1;
	*line = line_at(o);
	if (ofile_apply(o, f))
		return -1;
	/* one rewrite each: two items inserted after the same item do not mix */
	for (size_t i = 0; i < ok->nfollow; i++) {
		struct ofile a;
		int rc = -1;

		if (ofile_open(&a, f))
			return -1;
		root = a.ys.ndoc ? a.ys.doc[0].root : NULL;
		if (root && !list_add(&a, root, "patches",
				      patch_entry(base_name(path[i + 1]), ok->follow[i].kind, ok->follow[i].name)))
			rc = ofile_apply(&a, f);
		ofile_close(&a);
		if (rc)
			return -1;
	}
	return 0;
}

static void new_file(struct plan_files *nf, char *path, const struct style *st, const char *comment,
		     const struct val *doc, bool service)
{
	ALLOC_GROW(nf->f, nf->n + 1, nf->alloc);
	nf->f[nf->n] = (struct plan_file){ .name = path, .build_patch = !service, .service = service };
	strbuf_init(&nf->f[nf->n].text);
	strbuf_addf(&nf->f[nf->n].text, "# %s (stsify)%s", comment, st->eol);
	if (doc->kind == VAL_SEQ)	/* (a JSON 6902 patch) */
		for (size_t i = 0; i < doc->n; i++)
			render_block_item(&nf->f[nf->n].text, st, 0, doc->item[i]);
	else
		render_block_doc(&nf->f[nf->n].text, st, doc);
	nf->n++;
}

/* The new files (path[0] the kind patch, then the autoscalers', then the
 * Service's, NULL when none) to nf, which takes them. */
static void add_kind_files(struct plan_files *nf, char **path, const struct overlay_kind *ok, const struct style *st)
{
	new_file(nf, path[0], st, "this overlay alone makes the Deployment a StatefulSet", ok->ops, false);
	for (size_t i = 0; i < ok->nfollow; i++)
		new_file(nf, path[i + 1], st, "the autoscaler of this overlay follows its StatefulSet",
			 ok->follow[i].ops, false);
	if (path[ok->nfollow + 1])
		new_file(nf, path[ok->nfollow + 1], st, "the headless Service of the StatefulSet of this overlay",
			 ok->service, true);
	for (size_t i = 0; i < ok->nfollow + 2; i++)
		path[i] = NULL;
}

int overlay_kind_patch(struct stsify_file *files, size_t k, const struct overlay_kind *ok, struct plan_files *nf,
		       struct report *rep)
{
	size_t np = ok->nfollow + 2;
	char **path = xcalloc(np, sizeof(*path));
	const char *exists = NULL;
	struct ofile o;
	struct style st;
	struct stat sb;
	unsigned line;
	int rc = -1;

	path[0] = beside(files[k].path, ok->name, "statefulset");
	for (size_t i = 0; i < ok->nfollow; i++)
		path[i + 1] = beside(files[k].path, ok->follow[i].name, ok->follow[i].tag);
	path[np - 1] = ok->service ? beside(files[k].path, ok->name, "service") : NULL;
	for (size_t i = 0; i < np && !exists; i++)
		if (path[i] && !lstat(path[i], &sb))
			exists = path[i];
	if (exists) {
		report_add_at(rep, exists, 0, 0, CODE_BUILD_PATCH,
			      "exists already: build \"%s\" converts Deployment \"%s\" that other builds leave, and its "
			      "StatefulSet patch is not written", ok->build, ok->name);
	} else if (!ofile_open(&o, &files[k])) {
		style_detect(&st, &o.src, &o.ys.doc[0]);
		if (!list_kind(&o, &files[k], ok, path, path[np - 1], &line)) {
			const char *svc = path[np - 1] ? base_name(path[np - 1]) : NULL;

			report_add_at(rep, files[k].path, line, 1, CODE_BUILD_CONVERT,
				      "build \"%s\" converts Deployment \"%s\" (StatefulSet \"%s\") that other builds "
				      "leave: %s changes its kind in this overlay alone%s%s%s",
				      ok->build, ok->name, ok->sts, base_name(path[0]), svc ? ", with " : "",
				      svc ? svc : "", ok->nfollow ? "; its autoscalers follow" : "");
			add_kind_files(nf, path, ok, &st);
			rc = 0;
		}
		ofile_close(&o);
	}
	for (size_t i = 0; i < np; i++)
		free(path[i]);
	free(path);
	return rc;
}
