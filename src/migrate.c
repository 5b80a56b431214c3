/*
 * migrate.c - the data migration plan (see migrate.h).
 */
#include "migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render.h"
#include "report.h"
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

static char *file_name(const struct dep_summary *d, const struct claim_summary *c)
{
	return *d->ns ? xasprintf("%s--%s--%s.yaml", d->ns, d->name, c->volume)
		      : xasprintf("%s--%s.yaml", d->name, c->volume);
}

static int put(struct report *rep, const char *dir, const char *name, const struct strbuf *sb)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	int bad = !fp || write_all(fp, sb->buf, sb->len) || fclose(fp);

	if (bad)
		report_add_at(rep, path, 0, 0, CODE_WRITE_ERROR, "cannot write the migration plan: %s",
			      strerror(errno));
	free(path);
	return bad;
}

/* What was written (the write errors are findings of their own). */
static void summarize(struct report *rep, const char *dir, int steps, int bad)
{
	if (bad)
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN, "wrote %d of the plan's %d files",
			      steps + 1 - bad, steps + 1);
	else if (!steps)
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN,
			      "wrote README.md (no Deployment was converted: nothing to migrate)");
	else
		report_add_at(rep, dir, 0, 0, CODE_MIGRATION_PLAN,
			      "wrote README.md and %d %s (a claim and its copy Job each)", steps,
			      steps == 1 ? "manifest" : "manifests");
}

/* What must move before the data (claim-still-mounted), and the claims on
 * hand-made volumes, whose data moves by rebinding (static-volume). */
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
	for (size_t k = 0; k < d->nclaim; k++)
		if (d->claim[k].static_volume)
			strbuf_addf(readme,
				    "Claim `%s` is on a hand-made volume: nothing provisions one per replica.\n"
				    "Move its data by rebinding its PersistentVolume to `%s`, not by a copy.\n\n",
				    d->claim[k].claim, d->claim[k].new_claim);
}

int migrate_write(const char *dir, struct report *rep, const char *image)
{
	struct strbuf readme = STRBUF_INIT;
	int bad = 0, steps = 0;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		report_add_at(rep, dir, 0, 0, CODE_WRITE_ERROR, "cannot create the migration plan folder: %s",
			      strerror(errno));
		return 1;
	}
	strbuf_addstr(&readme,
		      "# Data migration plan\n\n"
		      "Made by stsify. Each converted Deployment becomes a StatefulSet whose pod 0\n"
		      "mounts a new claim `<template>-<statefulset>-0`. A StatefulSet adopts an\n"
		      "existing claim of that name, so copy the data there before it starts.\n"
		      "Nothing here has been applied. For each StatefulSet below, in order:\n\n");
	for (size_t i = 0; i < rep->ndep; i++) {
		const struct dep_summary *d = &rep->dep[i];
		const char *nsflag = *d->ns ? " -n " : "";

		if (!d->converted)
			continue;
		strbuf_addf(&readme, "## StatefulSet %s%s%s\n\n", d->name, *d->ns ? " in namespace " : "", d->ns);
		add_move_first(&readme, d);
		strbuf_addf(&readme, "1. Stop the writers: `kubectl scale %s/%s --replicas=0%s%s`\n"
				     "   and wait until its pods are gone (`kubectl get pods%s%s`).\n",
			    kind_of(d)->kubectl, d->name, nsflag, d->ns, nsflag, d->ns);
		for (size_t k = 0; k < d->nclaim; k++) {
			const struct claim_summary *c = &d->claim[k];
			char *fn = file_name(d, c), *jn = job_name(d->name, c->volume);
			struct strbuf sb = STRBUF_INIT;

			render_pair(&sb, d, c, image);
			bad += put(rep, dir, fn, &sb);
			strbuf_release(&sb);
			strbuf_addf(&readme,
				    "%d. Copy claim `%s` to `%s`: `kubectl apply -f %s`, then\n"
				    "   `kubectl wait --for=condition=complete job/%s --timeout=1h%s%s`\n"
				    "   and check its log (`kubectl logs job/%s%s%s`).\n",
				    2 + (int)k, c->claim, c->new_claim, fn, jn, nsflag, d->ns, jn, nsflag, d->ns);
			free(fn);
			free(jn);
			steps++;
		}
		strbuf_addf(&readme,
			    "%d. Apply the migrated manifests (the StatefulSet and its Service); pod 0\n"
			    "   starts on the copied data. Then delete the %s (a GitOps tool\n"
			    "   prunes it) and the Job.\n"
			    "%d. Only when the StatefulSet serves the data: delete the old claim%s.\n\n",
			    2 + (int)d->nclaim, kind_of(d)->kind, 3 + (int)d->nclaim, d->nclaim > 1 ? "s" : "");
	}
	if (!steps)
		strbuf_addstr(&readme, "No Deployment was converted: there is nothing to migrate.\n");
	bad += put(rep, dir, "README.md", &readme);
	strbuf_release(&readme);
	render_release();
	summarize(rep, dir, steps, bad);
	return bad;
}
