/*
 * snapshot.h - --cluster-state FILE in the command: the snapshot files
 * read into one struct cluster (cluster.h), and what the repository and
 * the cluster disagree about, as findings.
 *
 * Calling sequence (cli.c), after the run filled rep's workload summaries:
 *
 *   struct cluster cl = CLUSTER_INIT;
 *   bad = snapshot_load(&cl, paths, n, rep);   // read-error findings
 *   snapshot_compare(&cl, rep);                 // cluster-state findings
 *   migrate_write(...) with &cl
 *   cluster_release(&cl);
 *
 * For each claim of a converted workload, snapshot_compare() reports a
 * claim that the cluster lacks, a size that differs between the claim's
 * manifest and the cluster, and pods that mount the claim now (a writer
 * still running, or the workload not scaled to 0).  A claim of Kustomize
 * builds is looked up under the names each build gives it (bnames.h) and
 * compared under the first the snapshot holds (the build of the
 * snapshot's cluster); a claim it holds under none is one finding naming
 * them all.
 */
#ifndef STSIFY_SNAPSHOT_H
#define STSIFY_SNAPSHOT_H

#include <stddef.h>

struct cluster;
struct report;

/* Read the files into cl; an unreadable or invalid file is a read-error
 * finding.  Returns the number of files that failed. */
int snapshot_load(struct cluster *cl, const char *const *paths, size_t n, struct report *rep);

/* Findings (cluster-state) where rep's converted workloads and cl disagree. */
void snapshot_compare(const struct cluster *cl, struct report *rep);

/* The namespace to look ns up with in a snapshot: NULL (any) for "". */
const char *snapshot_ns(const char *ns);

#endif
