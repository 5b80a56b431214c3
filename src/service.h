/*
 * service.h - the headless Service a StatefulSet names in serviceName
 * (DESIGN.md section 4).
 *
 * service_plan() reuses a headless Service of the namespace whose selector
 * matches the pod template's labels (service-reused), or plans a new one
 * after the StatefulSet: a new document, or a new item when the Deployment
 * is an item of a List (service-added).  Its name is the Deployment's, or
 * <name>-headless[-N] when a Service has that name; its labels and selector
 * are spec.selector.matchLabels (the template's labels when there is none:
 * service-selector); its ports are the containers' ports.  In a JSON (flow)
 * document nothing can follow: with stsify_options.new_files the Service
 * goes into a new file beside the manifest (service_file_name()), whose
 * text the plan holds (dplan.service_file, service_text) for the caller
 * to write, listed right after the manifest by the kustomizations that
 * list it (refs.h); without it, or when that file is an input already,
 * service-not-added says what to add.  Under a
 * KRM orchestrator the new Service gets path and index annotations.
 *
 *   d->service = service_plan(c, dep, podspec);   // malloc'd name
 */
#ifndef STSIFY_SERVICE_H
#define STSIFY_SERVICE_H

#include <stdbool.h>

struct pctx;
struct resource;
struct val;
struct ynode;

/* Plan the Service of Deployment dep (pod spec podspec) for Deployment
 * plan c->dep; returns the serviceName, malloc'd.  Sets service_added
 * when a Service is added. */
char *service_plan(struct pctx *c, const struct resource *dep, const struct ynode *podspec);

/* "dir/db.json" -> "dir/db-service.json": the new file of the Service of
 * StatefulSet sts beside manifest path, with its extension (.json, .yaml
 * or .yml; else .json); malloc'd. */
char *service_file_name(const char *path, const char *sts);

/* Are all pairs of selector (a non-empty map of scalars) among labels? */
bool service_selects(const struct ynode *selector, const struct ynode *labels);
/* The ports of a new Service for podspec: every containerPort (and
 * protocol) once, each named when there are several (the port's name, or
 * "<protocol>-<port>" in lowercase).  An empty sequence when none. */
struct val *service_ports(const struct ynode *podspec);
/* A map of labels (scalar keys only) as a new value. */
struct val *service_labels(const struct ynode *labels);

#endif
