/*
 * migrate.c - the data migration plan (see migrate.h).
 *
 * The files are made in memory first, so that the folder's list of its
 * files (MIGRATE_MANIFEST) is written before any of them: a plan
 * interrupted half-way is still recognised, and replaced, by the next run.
 */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builds.h"
#include "cluster.h"
#include "rebind.h"
#include "render.h"
#include "report.h"
#include "snapshot.h"
#include "util.h"
#include "workload.h"
#include "writeout.h"

/* Kubernetes object names: at most 63 characters for a Job's pods' labels. */
static char *job_name(const char *sts, const char *volume)
{
	char *n = xasprintf("stsify-copy-%s-%s", sts, volume);

	if (strlen(n) > 63) {
		n[63] = '\0';
		while (n[strlen(n) - 1] == '-' || n[strlen(n) - 1] == '.')
			n[strlen(n) - 1] = '\0';
	}
	return n;
}

static struct val *metadata(const char *name, const char *ns)
{
	struct val *md = val_map(), *labels;

	val_set(md, "name", val_str(name));
	if (*ns)
		val_set(md, "namespace", val_str(ns));
	labels = val_set(md, "labels", val_map());
	val_set(labels, "app.kubernetes.io/managed-by", val_str("stsify"));
	return md;
}

static struct val *claim_volume(const char *name, const char *claim, bool ro)
{
	struct val *v = val_map(), *pvc;

	val_set(v, "name", val_str(name));
	pvc = val_set(v, "persistentVolumeClaim", val_map());
	val_set(pvc, "claimName", val_str(claim));
	if (ro)
		val_set(pvc, "readOnly", val_raw("true"));
	return v;
}

static struct val *mount(const char *name, const char *path, bool ro)
{
	struct val *m = val_map();

	val_set(m, "name", val_str(name));
	val_set(m, "mountPath", val_str(path));
	if (ro)
		val_set(m, "readOnly", val_raw("true"));
	return m;
}

/* The row of d's kind (workload.h); a summary made without a kind is a
 * Deployment's, the first row. */
static const struct workload *kind_of(const struct dep_summary *d)
{
	const struct workload *w = workload_named(d->kind);

	return w ? w : &workloads[0];
}

static void render_pair(struct strbuf *out, const struct dep_summary *d,
			const struct claim_summary *c, const char *image)
{
	struct style st = { .indent = 2, .seq_indent = 0, .dash_gap = 2, .eol = "\n" };
	struct val *pvc = val_map(), *job = val_map(), *spec, *tspec, *ctr, *cmd, *sc;
	struct val *containers, *mounts, *vols;
	char *jn = job_name(d->name, c->volume);

	val_set(pvc, "apiVersion", val_str("v1"));
	val_set(pvc, "kind", val_str("PersistentVolumeClaim"));
	val_set(pvc, "metadata", metadata(c->new_claim, d->ns));
	val_set(pvc, "spec", val_copy(c->spec));

	val_set(job, "apiVersion", val_str("batch/v1"));
	val_set(job, "kind", val_str("Job"));
	val_set(job, "metadata", metadata(jn, d->ns));
	spec = val_set(job, "spec", val_map());
	val_set(spec, "backoffLimit", val_raw("0"));
	tspec = val_set(val_set(spec, "template", val_map()), "spec", val_map());
	val_set(tspec, "restartPolicy", val_str("Never"));
	containers = val_set(tspec, "containers", val_seq());
	ctr = val_push(containers, val_map());
	val_set(ctr, "name", val_str("copy"));
	val_set(ctr, "image", val_str(image));
	cmd = val_set(ctr, "command", val_seq());
	val_push(cmd, val_str("sh"));
	val_push(cmd, val_str("-c"));
	/* "/from/." copies the contents, dotfiles included; -a keeps owners,
	 * modes, times and links (needs root, hence runAsUser 0) */
	val_push(cmd, val_str("cp -a /from/. /to/ && sync && echo copied"));
	sc = val_set(ctr, "securityContext", val_map());
	val_set(sc, "runAsUser", val_raw("0"));
	mounts = val_set(ctr, "volumeMounts", val_seq());
	val_push(mounts, mount("from", "/from", true));
	val_push(mounts, mount("to", "/to", false));
	vols = val_set(tspec, "volumes", val_seq());
	val_push(vols, claim_volume("from", c->claim, true));
	val_push(vols, claim_volume("to", c->new_claim, false));

	strbuf_addf(out, "# Data of claim \"%s\" for pod 0 of StatefulSet \"%s\", made by stsify.\n",
		    c->claim, d->name);
	strbuf_addf(out, "# Apply after the %s is scaled to 0; see README.md.\n", kind_of(d)->kind);
	render_block_doc(out, &st, pvc);
	strbuf_addstr(out, "---\n");
	render_block_doc(out, &st, job);
	val_free(pvc);
	val_free(job);
	free(jn);
}



static struct strbuf *plan_file_add(struct plan_files *pf, char *name, bool script)
{
	struct plan_file *f;

	ALLOC_GROW(pf->f, pf->n + 1, pf->alloc);
	f = &pf->f[pf->n++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	strbuf_init(&f->text);
	f->script = script;
	return &f->text;
}

void plan_files_release(struct plan_files *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		free(pf->f[i].name);
		strbuf_release(&pf->f[i].text);
	}
	free(pf->f);
}

/* How one claim's data moves, with what the snapshot says of it. */
struct move {
	bool rebind;
	bool changed;			/* the snapshot changed what the input alone decides */
	const char *size;		/* the claim's size in the snapshot, when the input lacks the claim */
	const char *why;
	const struct cluster_pv *pv;	/* the old claim's volume, when the snapshot has it */
	char *base;			/* the files' name without extension */
};

static void move_decide(const struct migrate_opts *mo, const struct dep_summary *d,
			const struct claim_summary *c, const char *tag, struct move *mv)
{
	const char *ns = snapshot_ns(d->ns);
	const struct cluster_claim *cc = mo->cl ? cluster_claim(mo->cl, ns, c->claim) : NULL;
	const char *modes = c->old_modes ? c->old_modes : cc ? cc->modes : NULL;
	enum data_path dp = DATA_PATH_AUTO;

	mv->pv = NULL;
	if (cc && cc->volume)
		mv->pv = cluster_pv(mo->cl, cc->volume);
	if (!mv->pv && mo->cl)
		mv->pv = cluster_pv_for_claim(mo->cl, cc ? cc->ns : ns, c->claim);
	data_path_parse(mo->data_path, &dp);
	mv->rebind = rebind_choose(dp, modes, c->spec, mv->pv ? mv->pv->class : NULL,
				   c->static_volume || (mv->pv && !mv->pv->provisioned), &mv->why);
	mv->changed = mv->rebind != c->rebind;
	mv->size = !c->pvc_path && cc ? cc->capacity : NULL;
	mv->base = *d->ns ? xasprintf("%s%s%s--%s--%s", tag ? tag : "", tag ? "--" : "", d->ns, d->name, c->volume)
			  : xasprintf("%s%s%s--%s", tag ? tag : "", tag ? "--" : "", d->name, c->volume);
}

/* The claim of pod 0 (bound in advance to the volume) and the script. */
static void rebind_files(struct plan_files *pf, const struct dep_summary *d, const struct claim_summary *c,
			 const struct move *mv, struct strbuf *repo_claim)
{
	char *resource = xasprintf("%s/%s", kind_of(d)->kubectl, d->name);
	char *script = xasprintf("%s.sh", mv->base);
	struct val *spec = val_copy(c->spec);
	struct rebind rb = { .file = script, .ns = d->ns, .resource = resource, .sts = d->name,
			     .old_claim = c->claim, .new_claim = c->new_claim,
			     .pv = mv->pv ? mv->pv->name : NULL,
			     .pv_class = mv->pv && mv->pv->class ? mv->pv->class : "", .spec = spec };

	/* a claim not in the input: its size is the cluster's, not a guess */
	if (mv->size && spec && spec->kind == VAL_MAP)
		val_set(val_submap(val_submap(spec, "resources"), "requests"), "storage", val_str(mv->size));
	if (repo_claim) {
		rebind_claim(repo_claim, &rb);
	} else {
		rebind_claim(plan_file_add(pf, xasprintf("%s.yaml", mv->base), false), &rb);
		rebind_script(plan_file_add(pf, script, true), &rb);
	}
	if (!repo_claim)
		script = NULL;
	free(script);
	val_free(spec);
	free(resource);
}

/* The README step that moves claim c's data. */
static void readme_move(struct strbuf *sb, int step, const struct dep_summary *d, const struct claim_summary *c,
			const struct move *mv, bool have_snapshot)
{
	const char *nsflag = *d->ns ? " -n " : "";
	char *jn;

	if (mv->rebind) {
		strbuf_addf(sb,
			    "%d. Rebind claim `%s` to `%s`:\n"
			    "   %s.\n"
			    "   `sh %s.sh --dry-run` prints every change, `sh %s.sh` makes them.\n"
			    "   It checks first that nothing mounts the claim, then sets the reclaim\n"
			    "   policy of its volume to Retain, deletes claim `%s`, clears the\n"
			    "   volume's claimRef and applies `%s.yaml`, the claim bound in advance\n"
			    "   to the volume; after any failure, run it again.\n",
			    step, c->claim, c->new_claim, mv->why, mv->base, mv->base, c->claim, mv->base);
		if (mv->pv)
			strbuf_addf(sb, "   The volume is `%s` (reclaim policy %s, %s).\n", mv->pv->name,
				    mv->pv->reclaim ? mv->pv->reclaim : "unknown",
				    mv->pv->provisioned ? "provisioned" : "made by hand: a static volume");
		else
			strbuf_addf(sb, "   The script looks the volume up%s.\n",
				    have_snapshot ? " (the cluster snapshot has no volume for the claim)"
						  : " (no --cluster-state was given)");
		if (mv->changed)
			strbuf_addstr(sb, "   The cluster snapshot decided this: the data-migration finding, made\n"
					  "   from the input alone, says copy.\n");
		return;
	}
	jn = job_name(d->name, c->volume);
	strbuf_addf(sb,
		    "%d. Copy claim `%s` to `%s` (%s): `kubectl apply -f %s.yaml`, then\n"
		    "   `kubectl wait --for=condition=complete job/%s --timeout=1h%s%s`\n"
		    "   and check its log (`kubectl logs job/%s%s%s`).\n",
		    step, c->claim, c->new_claim, mv->why, mv->base, jn, nsflag, d->ns, jn, nsflag, d->ns);
	if (mv->changed)
		strbuf_addstr(sb, "   The cluster snapshot decided this: the data-migration finding, made\n"
				  "   from the input alone, says rebind.\n");
	free(jn);
}

/* What must move before the data (claim-still-mounted); the claims on
 * hand-made volumes (static-volume) say so in their step (move_decide()). */
static void add_move_first(struct strbuf *readme, const struct dep_summary *d)
{
	bool any = false;

	for (size_t k = 0; k < d->nclaim; k++) {
		for (size_t u = 0; u < d->claim[k].nuser; u++) {
			const struct claim_user_summary *us = &d->claim[k].user[u];

			if (!any)
				strbuf_addstr(readme, "Move these first: they mount a claim the StatefulSet leaves behind\n"
						      "and would work on a stale copy once the data moves (point them at\n"
						      "the new claim, or stop them):\n\n");
			any = true;
			strbuf_addf(readme, "- %s `%s` (%s:%u) mounts `%s`\n", us->kind, us->name, us->path, us->line,
				    d->claim[k].claim);
		}
	}
	if (any)
		strbuf_addch(readme, '\n');
}

/*
 * The files and README steps of converted workload d; returns its claims
 * moved by rebind.  h: the heading's level ("##", or "###" in a build's
 * section); tag: the files' prefix (a build's), or NULL.
 */
static size_t plan_workload(const struct migrate_opts *mo, struct plan_files *pf, struct strbuf *readme,
			    const struct dep_summary *d, const char *h, const char *tag)
{
	const char *nsflag = *d->ns ? " -n " : "";
	size_t nrebind = 0;

	strbuf_addf(readme, "%s StatefulSet %s%s%s\n\n", h, d->name, *d->ns ? " in namespace " : "", d->ns);
	add_move_first(readme, d);
	strbuf_addf(readme, "1. Stop the writers: `kubectl scale %s/%s --replicas=0%s%s`\n"
			    "   and wait until its pods are gone (`kubectl get pods%s%s`).\n",
		    kind_of(d)->kubectl, d->name, nsflag, d->ns, nsflag, d->ns);
	for (size_t k = 0; k < d->nclaim; k++) {
		const struct claim_summary *c = &d->claim[k];
		struct move mv;

		move_decide(mo, d, c, tag, &mv);
		if (mv.rebind)
			rebind_files(pf, d, c, &mv, NULL);
		else
			render_pair(plan_file_add(pf, xasprintf("%s.yaml", mv.base), false), d, c, mo->image);
		readme_move(readme, 2 + (int)k, d, c, &mv, mo->cl != NULL);
		nrebind += mv.rebind;
		free(mv.base);
	}
	strbuf_addf(readme,
		    "%d. Apply the migrated manifests (the StatefulSet and its Service); pod 0\n"
		    "   starts on the %s data. Then delete the %s (a GitOps tool\n"
		    "   prunes it)%s.\n",
		    2 + (int)d->nclaim, nrebind == d->nclaim ? "rebound" : nrebind ? "rebound and copied" : "copied",
		    kind_of(d)->kind, nrebind < d->nclaim ? " and the Job" : "");
	if (nrebind < d->nclaim)
		strbuf_addf(readme, "%d. Only when the StatefulSet serves the data: delete the copied claim%s.\n",
			    3 + (int)d->nclaim, d->nclaim - nrebind > 1 ? "s" : "");
	if (nrebind)
		strbuf_addf(readme,
			    "%d. A rebound volume keeps reclaim policy Retain: once the StatefulSet serves\n"
			    "   the data, set the policy back if the volume should go with its claim.\n",
			    3 + (int)d->nclaim + (nrebind < d->nclaim));
	strbuf_addch(readme, '\n');
	return nrebind;
}

/* ---- one section per root build (bnames.h) ---- */

/* Is converted workload d in a root build (its claims named per build)? */
static bool built(const struct dep_summary *d)
{
	return d->nclaim && d->claim[0].nbuild;
}

/* The names claim c has in build b, or NULL. */
static const struct claim_build *in_build(const struct claim_summary *c, const char *b)
{
	for (size_t i = 0; i < c->nbuild; i++)
		if (!strcmp(c->build[i].build, b))
			return &c->build[i];
	return NULL;
}

/* d as build b renders it: *v a shallow copy of d with the build's names
 * (its claims malloc'd: free(v->claim)); false when b does not include d. */
static bool view_of(const struct dep_summary *d, const char *b, struct dep_summary *v)
{
	const struct claim_build *cb = d->nclaim ? in_build(&d->claim[0], b) : NULL;

	if (!cb)
		return false;
	*v = *d;
	v->ns = cb->ns;
	v->name = cb->sts;
	v->claim = xcalloc(d->nclaim, sizeof(*v->claim));
	for (size_t k = 0; k < d->nclaim; k++) {
		v->claim[k] = d->claim[k];
		if ((cb = in_build(&d->claim[k], b))) {
			v->claim[k].claim = cb->claim;
			v->claim[k].new_claim = cb->new_claim;
		}
	}
	return true;
}

/* The root builds of the converted workloads, in order of first mention. */
static size_t build_list(const struct report *rep, const char ***out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < rep->ndep; i++) {
		const struct claim_summary *c = rep->dep[i].converted && built(&rep->dep[i]) ? &rep->dep[i].claim[0] : NULL;

		for (size_t j = 0; c && j < c->nbuild; j++) {
			size_t k = 0;

			while (k < n && strcmp((*out)[k], c->build[j].build))
				k++;
			if (k < n)
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = c->build[j].build;
		}
	}
	return n;
}

/* The leading characters of every folder of b[0..n) that name the
 * folders they all share (each keeps at least its last folder). */
static size_t shared_dirs(const char *const *b, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; n && b[0][i]; i++) {
		bool all = b[0][i] == '/';

		for (size_t k = 1; all && k < n; k++)
			all = !strncmp(b[k], b[0], i + 1);
		if (b[0][i] == '/' && !all)
			break;
		if (all)
			len = i + 1;
	}
	return len;
}

/* The prefix of build b's files: its folder past the shared ones, '/'
 * made '-' ("root" for "."). */
static char *build_tag(const char *b, size_t shared)
{
	char *t = xstrdup(strcmp(b, ".") ? b + shared : "root");

	for (char *p = t; *p; p++)
		if (*p == '/')
			*p = '-';
	return t;
}

/* The prefixes of the n builds, one each: two folders that flatten alike
 * (x/a-b and x/a/b) must not write the same files, so a later one gets
 * "-2", "-3"... (said in its README section, which names the folder). */
static char **build_tags(const char *const *build, size_t n)
{
	char **tag = xcalloc(n ? n : 1, sizeof(*tag));
	size_t shared = shared_dirs(build, n);

	for (size_t k = 0; k < n; k++) {
		char *t = build_tag(build[k], shared);

		for (unsigned u = 2;; u++) {
			size_t j = 0;

			while (j < k && strcmp(tag[j], t))
				j++;
			if (j == k)
				break;
			free(t);
			t = build_tag(build[k], shared);
			t = xrealloc(t, strlen(t) + 16);
			sprintf(t + strlen(t), "-%u", u);
		}
		tag[k] = t;
	}
	return tag;
}

/* Did Kustomize fail to render build b (a build-not-rendered finding at its kustomization)? */
static bool not_rendered(const struct report *rep, const char *b)
{
	bool hit = false;

	for (size_t i = 0; i < rep->n && !hit; i++) {
		char *p, *slash;

		if (rep->f[i].code != CODE_BUILD_NOT_RENDERED)
			continue;
		p = builds_path_join("", rep->f[i].path);
		slash = strrchr(p, '/');
		hit = slash ? (*slash = 0, !strcmp(p, b)) : !strcmp(b, ".");
		free(p);
	}
	return hit;
}

/* The section of build b: the steps of each converted workload it
 * renders, with its names.  Returns the claims moved by rebind; *nclaim
 * counts the claims. */
static size_t plan_build(const struct migrate_opts *mo, struct plan_files *pf, struct strbuf *readme,
			 const struct report *rep, const char *b, const char *tag, size_t *nclaim)
{
	size_t nrebind = 0;

	strbuf_addf(readme,
		    "## Build %s\n\n"
		    "For the cluster this build deploys to, with the names it gives (the\n"
		    "namespace, namePrefix and nameSuffix of its kustomizations); its files\n"
		    "are `%s--*`.\n\n",
		    b, tag);
	if (not_rendered(rep, b))
		strbuf_addstr(readme, "Kustomize did not render this build (build-not-rendered): the names\n"
				      "are read from its kustomizations alone; check them against the cluster.\n\n");
	for (size_t i = 0; i < rep->ndep; i++) {
		struct dep_summary v;

		if (!rep->dep[i].converted || !view_of(&rep->dep[i], b, &v))
			continue;
		nrebind += plan_workload(mo, pf, readme, &v, "###", tag);
		*nclaim += v.nclaim;
		free(v.claim);
	}
	return nrebind;
}

static const char readme_head[] =
	"# Data migration plan\n\n"
	"Made by stsify. Each converted Deployment becomes a StatefulSet whose pod 0\n"
	"mounts a new claim `<template>-<statefulset>-0`. A StatefulSet adopts an\n"
	"existing claim of that name, so the data must be there before it starts:\n"
	"either the old claim's volume is rebound to the new claim (nothing is\n"
	"copied: the default when the access modes and the class stay and the\n"
	"volume is ReadWriteOnce) or a Job copies it (--data-path chooses).\n"
	"Nothing here has been applied. For each StatefulSet below, in order:\n\n";

/* The order of the commits (GitOps) or of the commands (kubectl apply). */
static void readme_order(struct strbuf *sb, bool claims_in_repo)
{
	strbuf_addf(sb,
		    "## Order\n\n"
		    "With Argo CD or Flux syncing the repository, the StatefulSet must not be\n"
		    "synced before its claims hold the data, so the change goes in two commits:\n\n"
		    "1. First commit: the claims of pod 0 (%s)\n"
		    "   and, with --protect-claims, the keep annotations of the old claims, so\n"
		    "   that no sync prunes them. Scale the old workloads to 0 (in the repository, or\n"
		    "   with auto-sync paused), move the data with the steps above, and wait\n"
		    "   until each new claim is Bound.\n"
		    "2. Second commit: the conversion (the StatefulSets and their Services, the\n"
		    "   old workloads gone). Pod 0 adopts the claim that holds the data.\n\n"
		    "With plain `kubectl apply`: the steps above, in order: scale to 0, move\n"
		    "the data, apply the StatefulSet and its Service, delete the old workload.\n\n",
		    claims_in_repo ? "--claims-in-repo wrote them next to each StatefulSet"
				   : "the `.yaml` files of this plan, or --claims-in-repo");
}

/* Is name one of the lines of manifest (NULL: none)? */
static bool listed(const char *manifest, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = manifest; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (*p != '#' && !strncmp(p, name, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/*
 * The folder, made ready: created when missing; refused (-1, a finding)
 * when it holds what no earlier plan listed; else emptied of an earlier
 * plan's files, said in a finding.
 */
static int prepare_dir(const char *dir, struct report *rep)
{
	char *mpath = xasprintf("%s/%s", dir, MIGRATE_MANIFEST), *manifest = NULL, *foreign = NULL;
	size_t len, nforeign = 0, removed = 0;
	struct dirent *de;
	DIR *dh;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		report_add_at(rep, dir, 0, 0, CODE_WRITE_ERROR, "cannot create the migration plan folder: %s",
			      strerror(errno));
		free(mpath);
		return -1;
	}
	if (!(dh = opendir(dir))) {
		report_add_at(rep, dir, 0, 0, CODE_WRITE_ERROR, "cannot read the migration plan folder: %s",
			      strerror(errno));
		free(mpath);
		return -1;
	}
	if (read_file(mpath, &manifest, &len))
		manifest = NULL;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, MIGRATE_MANIFEST))
			continue;
		if (!listed(manifest, de->d_name) && !nforeign++)
			foreign = xstrdup(de->d_name);
	}
	if (!nforeign) {
		rewinddir(dh);
		while ((de = readdir(dh)))
			if (strcmp(de->d_name, MIGRATE_MANIFEST) && listed(manifest, de->d_name)) {
				char *p = xasprintf("%s/%s", dir, de->d_name);

				removed += !unlink(p);
				free(p);
			}
	}
	closedir(dh);
	if (nforeign)
		report_add_at(rep, dir, 0, 0, CODE_WRITE_ERROR,
			      "the migration plan folder holds %zu %s that stsify did not write (\"%s\"%s): nothing written; name a new or empty folder",
			      nforeign, nforeign == 1 ? "file" : "files", foreign, nforeign > 1 ? ", ..." : "");
	else if (removed)
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN, "removed the %zu %s of an earlier plan", removed,
			      removed == 1 ? "file" : "files");
	free(foreign);
	free(manifest);
	free(mpath);
	return nforeign ? -1 : 0;
}

static int put(struct report *rep, const char *dir, const char *name, const struct strbuf *sb, bool script)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	int bad = !fp || write_all(fp, sb->buf, sb->len);

	bad |= fp && fclose(fp);
	if (!bad && script)
		bad = chmod(path, 0755);
	if (bad)
		report_add_at(rep, path, 0, 0, CODE_WRITE_ERROR, "cannot write the migration plan: %s",
			      strerror(errno));
	free(path);
	return bad;
}

/* What was written (the write errors are findings of their own). */
static void summarize(struct report *rep, const char *dir, size_t nfile, size_t nrebind, size_t ncopy, int bad)
{
	if (bad)
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN,
			      "the plan is incomplete: a file could not be written (its files are listed in %s)",
			      MIGRATE_MANIFEST);
	else if (!nrebind && !ncopy)
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN,
			      "wrote README.md (no Deployment was converted: nothing to migrate)");
	else
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN,
			      "wrote README.md and %zu %s: %zu %s rebound (a claim and its script each), %zu copied (a claim and its copy Job each)",
			      nfile, nfile == 1 ? "file" : "files", nrebind, nrebind == 1 ? "claim" : "claims", ncopy);
}


/* The list of the plan's files: README.md's last section, and the manifest. */
static void list_files(struct strbuf *readme, struct strbuf *manifest, const struct plan_files *pf)
{
	strbuf_addstr(readme, "## Files\n\nThis plan wrote, and a next run of stsify replaces:\n\n- README.md\n");
	strbuf_addstr(manifest, "# The files of the migration plan stsify wrote here; its next run replaces them.\n"
				"README.md\n");
	for (size_t i = 0; i < pf->n; i++) {
		strbuf_addf(readme, "- %s\n", pf->f[i].name);
		strbuf_addf(manifest, "%s\n", pf->f[i].name);
	}
}

int migrate_write(const struct migrate_opts *mo, struct report *rep)
{
	struct strbuf readme = STRBUF_INIT, manifest = STRBUF_INIT;
	struct plan_files pf = { NULL, 0, 0 };
	size_t nrebind = 0, nclaim = 0, nfile, nbuild;
	const char **build;
	char **tag;
	int bad = 0;

	if (prepare_dir(mo->dir, rep))
		return 1;
	strbuf_addstr(&readme, readme_head);
	/* the plain manifests' workloads, then a section per root build */
	for (size_t i = 0; i < rep->ndep; i++) {
		if (!rep->dep[i].converted || built(&rep->dep[i]))
			continue;
		nrebind += plan_workload(mo, &pf, &readme, &rep->dep[i], "##", NULL);
		nclaim += rep->dep[i].nclaim;
	}
	nbuild = build_list(rep, &build);
	if (nbuild)
		strbuf_addf(&readme,
			    "The workloads of Kustomize builds are in a section per root build (%zu),\n"
			    "named as the build renders them: on each cluster, follow the section of\n"
			    "the build that it deploys.\n\n",
			    nbuild);
	tag = build_tags(build, nbuild);
	for (size_t k = 0; k < nbuild; k++) {
		nrebind += plan_build(mo, &pf, &readme, rep, build[k], tag[k], &nclaim);
		free(tag[k]);
	}
	free(tag);
	free(build);
	if (!nclaim)
		strbuf_addstr(&readme, "No Deployment was converted: there is nothing to migrate.\n\n");
	else
		readme_order(&readme, mo->claims_in_repo);
	list_files(&readme, &manifest, &pf);
	/* the list first: whatever happens next, the next run knows the files */
	bad += put(rep, mo->dir, MIGRATE_MANIFEST, &manifest, false);
	for (size_t i = 0; !bad && i < pf.n; i++)
		bad += put(rep, mo->dir, pf.f[i].name, &pf.f[i].text, pf.f[i].script);
	if (!bad)
		bad += put(rep, mo->dir, "README.md", &readme, false);
	strbuf_release(&readme);
	strbuf_release(&manifest);
	nfile = pf.n;
	plan_files_release(&pf);
	render_release();
	summarize(rep, mo->dir, nfile, nrebind, nclaim - nrebind, bad);
	return bad;
}

/* The claim of pod 0 that the copy Job fills, alone. */
static void copy_claim(struct strbuf *out, const struct dep_summary *d, const struct claim_summary *c)
{
	struct style st = { .indent = 2, .seq_indent = 0, .dash_gap = 2, .eol = "\n" };
	struct val *pvc = val_map();

	val_set(pvc, "apiVersion", val_str("v1"));
	val_set(pvc, "kind", val_str("PersistentVolumeClaim"));
	val_set(pvc, "metadata", metadata(c->new_claim, d->ns));
	val_set(pvc, "spec", val_copy(c->spec));
	strbuf_addf(out, "# Claim \"%s\" for pod 0 of StatefulSet \"%s\", made by stsify: a Job\n"
			 "# copies the data of claim \"%s\" into it (see the migration plan).\n",
		    c->new_claim, d->name, c->claim);
	render_block_doc(out, &st, pvc);
	val_free(pvc);
}

/* A build of c that renames StatefulSet sts (namePrefix, nameSuffix), or NULL. */
static const struct claim_build *renamed_by(const struct claim_summary *c, const char *sts)
{
	for (size_t i = 0; i < c->nbuild; i++)
		if (strcmp(c->build[i].sts, sts))
			return &c->build[i];
	return NULL;
}

/* The namespace every build of c gives its workload, else ns. */
static char *build_ns(const struct claim_summary *c, char *ns)
{
	for (size_t i = 1; i < c->nbuild; i++)
		if (strcmp(c->build[i].ns, c->build[0].ns))
			return ns;
	return c->nbuild ? c->build[0].ns : ns;
}

/*
 * Claim c of d is not written beside d's manifest when build rn renames
 * the StatefulSet: Kustomize would rename that claim as well (prefix +
 * <volume>-<sts>-0 + suffix), not the <volume>-<prefix><sts><suffix>-0 pod 0
 * looks for.  A finding, and a comment in the file (a kustomization lists it).
 */
static void unwritten_renamed(struct report *rep, const struct dep_summary *d, const struct claim_summary *c,
			      const struct claim_build *rn, struct strbuf *sb)
{
	report_add_at(rep, d->path, d->line, d->col, CODE_CLAIM_IN_REPO,
		      "claim \"%s\" is not written into the repository: build \"%s\" renames StatefulSet \"%s\" to \"%s\", whose pod 0 looks for claim \"%s\", and would rename this claim too; use the claim of that build's section of the migration plan",
		      c->new_claim, rn->build, d->name, rn->sts, rn->new_claim);
	strbuf_addf(sb, "# Claim \"%s\" of pod 0 of StatefulSet \"%s\" is not here: build \"%s\" renames the\n"
			"# StatefulSet to \"%s\", whose pod 0 looks for claim \"%s\", and would rename this\n"
			"# claim too (see the build's section of the migration plan).\n",
		    c->new_claim, d->name, rn->build, rn->sts, rn->new_claim);
}

/*
 * The claims of converted workload d for the repository, into sb; a claim
 * to rebind whose volume is not known is left out (a comment says so, and
 * a finding): synced without volumeName, it would get a new, empty volume.
 */
static void repo_claims(const struct migrate_opts *mo, struct report *rep, const struct dep_summary *d,
			struct plan_files *pf, struct strbuf *sb)
{
	struct dep_summary v = *d;
	size_t ndoc = 0;

	for (size_t k = 0; k < d->nclaim; k++) {
		const struct claim_summary *c = &d->claim[k];
		const struct claim_build *rn = renamed_by(c, d->name);
		struct move mv;

		if (rn) {
			unwritten_renamed(rep, d, c, rn, sb);
			continue;
		}
		/* the snapshot holds the claim in the namespace its builds give it */
		v.ns = build_ns(c, d->ns);
		move_decide(mo, &v, c, NULL, &mv);
		if (mv.rebind && !mv.pv) {
			report_add_at(rep, d->path, d->line, d->col, CODE_CLAIM_IN_REPO,
				      "claim \"%s\" is not written into the repository: rebinding needs the name of the volume of claim \"%s\" (give --cluster-state), else the claim gets a new, empty volume when it is synced",
				      c->new_claim, c->claim);
			/* the file stays (a kustomization lists it): a comment says why */
			strbuf_addf(sb, "# Claim \"%s\" of pod 0 of StatefulSet \"%s\" is not here: it takes over the\n"
					"# volume of claim \"%s\", whose name stsify does not know (run it again with\n"
					"# --cluster-state). Without spec.volumeName a sync would give it a new, empty volume.\n",
				    c->new_claim, d->name, c->claim);
			free(mv.base);
			continue;
		}
		if (ndoc++ || sb->len)
			strbuf_addstr(sb, "---\n");
		if (mv.rebind)
			rebind_files(pf, d, c, &mv, sb);
		else
			copy_claim(sb, d, c);
		free(mv.base);
	}
}

size_t migrate_claim_files(const struct migrate_opts *mo, struct report *rep, struct plan_files *pf)
{
	size_t ndep = rep->ndep;

	for (size_t i = 0; i < ndep; i++) {
		const struct dep_summary *d = &rep->dep[i];
		struct strbuf sb = STRBUF_INIT;

		if (!d->converted || !d->nclaim)
			continue;
		repo_claims(mo, rep, d, pf, &sb);
		*plan_file_add(pf, rebind_claims_file(d->path, d->name), false) = sb;
	}
	render_release();
	return pf->n;
}
