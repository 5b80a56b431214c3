/*
 * migrate.h - --migration-plan DIR: what a person applies, in order, to
 * move the data of each converted claim before the StatefulSet starts.
 *
 * Per converted claim, DIR/<namespace>--<sts>--<volume>.yaml (without the
 * namespace part when it is unset) holds two documents: a PVC named
 * <volume>-<sts>-0 with the template's spec (pod 0 of the StatefulSet
 * adopts it) and a Job that mounts the old claim read-only and the new one
 * and copies the data with `cp -a` (ownership, permissions, times, links).
 * DIR/README.md lists the steps.  Nothing is applied by stsify.
 */
#ifndef STSIFY_MIGRATE_H
#define STSIFY_MIGRATE_H

struct report;

#define MIGRATE_DEFAULT_IMAGE "busybox:1.36"

/* Write the plan of rep's converted Deployments into dir (created when
 * missing).  Errors are added to rep, and a "migration-plan" finding (info)
 * that says what was written; returns the number of errors. */
int migrate_write(const char *dir, struct report *rep, const char *image);

#endif
