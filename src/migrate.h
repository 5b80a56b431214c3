/*
 * migrate.h - --migration-plan DIR: what a person applies, in order, to
 * move the data of each converted claim before the StatefulSet starts.
 *
 * Each claim's data moves one of two ways (rebind.h, rebind_choose()):
 *
 *   rebind  DIR/<namespace>--<sts>--<volume>.yaml is the claim of pod 0,
 *           <volume>-<sts>-0, bound in advance to the old claim's volume
 *           (its name from the snapshot, when there is one), and
 *           DIR/<namespace>--<sts>--<volume>.sh the script that hands the
 *           volume over (Retain, delete the old claim, clear claimRef,
 *           apply the claim, wait until Bound);
 *   copy    DIR/<namespace>--<sts>--<volume>.yaml holds that claim, with
 *           the template's spec, and a Job that mounts the old claim
 *           read-only and the new one and copies the data with `cp -a`.
 *
 * (without the namespace part when it is unset).  DIR/README.md lists the
 * steps, the order for Argo CD, Flux and kubectl apply, and the files.
 * Nothing is applied by stsify.
 *
 * Plans per build (issue 11 item 7): the workloads of plain manifests come
 * first, as above; those of Kustomize builds (claim_summary.build, made
 * by bnames.h) get a README section per root build ("## Build DIR", in
 * the order the workloads first name them), whose steps, scripts and
 * claims use the names that build gives (namespace, StatefulSet, old
 * claim, claim of pod 0: what the cluster it deploys to holds), and whose
 * files are <build>--<namespace>--<sts>--<volume>.*, <build> the build's
 * folder past the folders every build of the plan shares, '/' made '-'
 * ("root" for the current folder).  Flat files, not a folder per build:
 * the folder stays one list (.stsify-plan) that a next run replaces.  A
 * build with a build-not-rendered finding in rep is named the same way
 * (its names are read, not rendered), and its section says so.
 *
 * The snapshot (--cluster-state) is looked up with those names too.
 * --claims-in-repo (migrate_claim_files()) writes the source's names:
 * the file goes beside the source manifest, and the builds' namespace
 * applies to it as to the manifest (the snapshot is looked up in it when
 * the builds agree on one); a claim whose StatefulSet some build renames
 * (namePrefix, nameSuffix) is left out, with a finding: Kustomize would
 * rename the claim too, not as pod 0 looks for it.
 *
 * The folder is stsify's: DIR/.stsify-plan lists the files a plan wrote.
 * A folder that holds anything else is refused (an error, nothing
 * written); the files of an earlier plan are removed first.
 */
#ifndef STSIFY_MIGRATE_H
#define STSIFY_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct cluster;
struct report;

#define MIGRATE_DEFAULT_IMAGE "busybox:1.36"
/* The list of a plan's files, in its folder. */
#define MIGRATE_MANIFEST ".stsify-plan"

struct migrate_opts {
	const char *dir;		/* the plan's folder, created when missing */
	const char *image;		/* of the copy Jobs */
	const struct cluster *cl;	/* the --cluster-state snapshot, or NULL */
	const char *data_path;		/* --data-path: auto (NULL too), copy or rebind */
	bool claims_in_repo;		/* --claims-in-repo wrote the claims of pod 0 */
};

/* Files made in memory: the plan's, or the claims of --claims-in-repo. */
struct plan_file {
	char *name;		/* in the plan folder; for claims, the path */
	struct strbuf text;
	bool script;		/* executable */
	bool build_patch;	/* a StatefulSet patch of an overlay (overlay.h) */
	bool service;		/* a headless Service's new file (the command's), not claims */
};

struct plan_files {
	struct plan_file *f;
	size_t n, alloc;
};

void plan_files_release(struct plan_files *pf);

/*
 * --claims-in-repo: for each converted workload of rep with claims, the
 * file rebind_claims_file() names beside its manifest, holding the claims
 * of pod 0 as the plan makes them (bound in advance to the old volume, or
 * the claim a copy Job fills), added to pf.  A claim to rebind whose
 * volume the snapshot does not name is left out, with a finding and a
 * comment in its place (the file stays: a kustomization may list it).  Returns
 * pf->n.
 */
size_t migrate_claim_files(const struct migrate_opts *mo, struct report *rep, struct plan_files *pf);

/* Write the plan of rep's converted workloads.  Errors are added to rep,
 * and a "migration-plan" finding (info) that says what was written;
 * returns the number of errors. */
int migrate_write(const struct migrate_opts *mo, struct report *rep);

#endif
