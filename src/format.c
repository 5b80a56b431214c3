/*
 * format.c - the JSON report (see format.h; SARIF is sarif.c).
 */
#include "format.h"

#include <jansson.h>
#include <string.h>

#include "report.h"
#include "util.h"

static const char *const status_names[] = { "unchanged", "changed", "failed", "skipped" };

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *finding_json(const struct finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(f->path));
	json_object_set_new(o, "line", f->line ? json_integer(f->line) : json_null());
	json_object_set_new(o, "column", f->col ? json_integer(f->col) : json_null());
	json_object_set_new(o, "severity", json_string(severity_name(f->sev)));
	json_object_set_new(o, "code", json_string(code_name(f->code)));
	json_object_set_new(o, "message", json_string(f->msg));
	if (f->kind) {
		json_t *r = json_object();

		json_object_set_new(r, "kind", json_string(f->kind));
		json_object_set_new(r, "namespace", str_or_null(f->ns));
		json_object_set_new(r, "name", json_string(f->name ? f->name : ""));
		json_object_set_new(o, "resource", r);
	} else {
		json_object_set_new(o, "resource", json_null());
	}
	return o;
}

/* The other workloads that mount a converted claim (claim-still-mounted). */
static json_t *users_json(const struct claim_summary *c)
{
	json_t *a = json_array();

	for (size_t u = 0; u < c->nuser; u++) {
		json_t *o = json_object();

		json_object_set_new(o, "kind", json_string(c->user[u].kind));
		json_object_set_new(o, "name", json_string(c->user[u].name));
		json_object_set_new(o, "path", json_string(c->user[u].path));
		json_object_set_new(o, "line", json_integer(c->user[u].line));
		json_array_append_new(a, o);
	}
	return a;
}

/* The claim's names per root build (bnames.h): empty for a plain manifest. */
static json_t *builds_json(const struct claim_summary *c)
{
	json_t *a = json_array();

	for (size_t b = 0; b < c->nbuild; b++) {
		json_t *o = json_object();

		json_object_set_new(o, "build", json_string(c->build[b].build));
		json_object_set_new(o, "namespace", str_or_null(c->build[b].ns));
		json_object_set_new(o, "statefulSet", json_string(c->build[b].sts));
		json_object_set_new(o, "claim", json_string(c->build[b].claim));
		json_object_set_new(o, "newClaim", json_string(c->build[b].new_claim));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *deployment_json(const struct dep_summary *d)
{
	json_t *o = json_object(), *claims = json_array(), *refs = json_array();

	json_object_set_new(o, "path", json_string(d->path));
	json_object_set_new(o, "line", json_integer(d->line));
	json_object_set_new(o, "column", json_integer(d->col));
	json_object_set_new(o, "kind", str_or_null(d->kind));
	json_object_set_new(o, "namespace", str_or_null(d->ns));
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "converted", json_boolean(d->converted));
	json_object_set_new(o, "reason", json_string(code_name(d->reason)));
	if (d->converted) {
		json_t *svc = json_object();

		json_object_set_new(o, "statefulSet", json_string(d->name));
		json_object_set_new(svc, "name", json_string(d->service));
		json_object_set_new(svc, "added", json_boolean(d->service_added));
		if (d->service_file)	/* a JSON manifest's Service: its new file */
			json_object_set_new(svc, "file", json_string(d->service_file));
		json_object_set_new(o, "service", svc);
	} else {
		json_object_set_new(o, "statefulSet", json_null());
		json_object_set_new(o, "service", json_null());
	}
	for (size_t k = 0; k < d->nclaim; k++) {
		const struct claim_summary *c = &d->claim[k];
		json_t *co = json_object();

		json_object_set_new(co, "volume", json_string(c->volume));
		json_object_set_new(co, "claim", json_string(c->claim));
		json_object_set_new(co, "newClaim", json_string(c->new_claim));
		if (c->pvc_path) {
			json_t *m = json_object();

			json_object_set_new(m, "path", json_string(c->pvc_path));
			json_object_set_new(m, "line", json_integer(c->pvc_line));
			json_object_set_new(co, "claimManifest", m);
		} else {
			json_object_set_new(co, "claimManifest", json_null());
		}
		json_object_set_new(co, "staticVolume", json_boolean(c->static_volume));
		json_object_set_new(co, "dataPath", json_string(c->rebind ? "rebind" : "copy"));
		json_object_set_new(co, "dataPathReason", str_or_null(c->why));
		json_object_set_new(co, "stillMountedBy", users_json(c));
		json_object_set_new(co, "builds", builds_json(c));
		json_array_append_new(claims, co);
	}
	for (size_t k = 0; k < d->nref; k++) {
		const struct ref_summary *r = &d->ref[k];
		json_t *ro = json_object();

		json_object_set_new(ro, "path", json_string(r->path));
		json_object_set_new(ro, "line", json_integer(r->line));
		json_object_set_new(ro, "column", json_integer(r->col));
		json_object_set_new(ro, "kind", json_string(r->kind));
		json_object_set_new(ro, "name", json_string(r->name));
		json_array_append_new(refs, ro);
	}
	json_object_set_new(o, "claims", claims);
	json_object_set_new(o, "references", refs);
	return o;
}

int format_dump(FILE *fp, json_t *doc)
{
	int r = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (!r)
		fputc('\n', fp);
	return r;
}

int format_json(FILE *fp, const struct report *rep, const struct stsify_file *files, size_t n,
		int exit_code)
{
	json_t *doc = json_object(), *fs = json_array(), *finds = json_array(), *deps = json_array();
	const struct finding **v;

	json_object_set_new(doc, "stsify", json_string(STSIFY_VERSION));
	json_object_set_new(doc, "reportVersion", json_integer(1));
	json_object_set_new(doc, "exitCode", json_integer(exit_code));
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "path", json_string(files[i].path));
		json_object_set_new(f, "status", json_string(status_names[files[i].status]));
		json_array_append_new(fs, f);
	}
	report_sorted(rep, &v);
	for (size_t i = 0; i < rep->n; i++)
		json_array_append_new(finds, finding_json(v[i]));
	free(v);
	for (size_t i = 0; i < rep->ndep; i++)
		json_array_append_new(deps, deployment_json(&rep->dep[i]));
	json_object_set_new(doc, "files", fs);
	json_object_set_new(doc, "findings", finds);
	json_object_set_new(doc, "deployments", deps);
	return format_dump(fp, doc);
}
