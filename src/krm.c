/*
 * krm.c - the Kustomize plugin and KRM function front ends (see krm.h).
 *
 * Both keep the CLI's promise as far as their orchestrator lets them: the
 * plugin's stream and the ResourceList are edited in place by the one
 * pipeline, so an input with nothing to do comes back byte for byte.  The
 * results are appended to the ResourceList through the same plan ->
 * rewrite (lower, apply, verify) path as every other edit, so they take its
 * style (block or JSON) and are checked before anything is written.
 */
#include "krm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "plan.h"
#include "render.h"
#include "report.h"
#include "rewrite.h"
#include "rindex.h"
#include "rules.h"
#include "run.h"
#include "source.h"
#include "split.h"
#include "util.h"
#include "workload.h"
#include "writeout.h"
#include "ytree.h"

#define KRM_API "stsify.dev/v1alpha1"
#define KRM_FINDINGS_ANN "stsify.dev/findings"

bool krm_is_plugin(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	return base && !strcmp(base, KRM_PLUGIN_NAME);
}

static struct finding *config_error(struct report *rep, const struct source *src,
				    const struct ynode *at, const char *fmt, ...) ATTR_PRINTF(4, 5);

static struct finding *config_error(struct report *rep, const struct source *src,
				    const struct ynode *at, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = report_vadd(rep, src, at ? at->start : NOPOS, CODE_CONFIG, fmt, ap);
	va_end(ap);
	return f;
}

/* The option whose configuration field is named k, or NULL. */
static const struct opt_def *find_field(const struct ynode *k)
{
	for (size_t i = 0; i < opt_count; i++)
		if (opt_table[i].config && ynode_is(k, opt_table[i].config))
			return &opt_table[i];
	return NULL;
}

/* Check a regex field's value here, to report it at its place. */
static int check_regex(const struct opt_def *o, const struct ynode *v, const char *s, const char *where,
		       const struct source *src, struct report *rep)
{
	struct stsify_options one = STSIFY_OPTIONS_INIT;
	struct rules ru;
	char *err;

	opts_config_set(&one, o, s, false);
	if (rules_init(&ru, &one, &err)) {
		config_error(rep, src, v, "field \"%s\" of %s: %s", o->config, where, err);
		free(err);
		return -1;
	}
	rules_release(&ru);
	return 0;
}

/* Set field o of opt from scalar v; -1 (and a finding) when v will not do. */
static int set_field(struct stsify_options *opt, const struct opt_def *o, const struct ynode *v,
		     const char *where, const struct source *src, struct report *rep)
{
	const char *s = ynode_str(v);
	bool b = false;

	if (!s || (v->style == YSTYLE_PLAIN && (!v->tlen || !strcmp(s, "~") || !strcmp(s, "null")))) {
		config_error(rep, src, v, "field \"%s\" of %s must be %s", o->config, where,
			     o->config_type == CONFIG_BOOL ? "true or false" : "a string");
		return -1;
	}
	if (o->config_type == CONFIG_BOOL) {
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
			b = true;
		else if (strcmp(s, "false") && strcmp(s, "False") && strcmp(s, "FALSE")) {
			config_error(rep, src, v, "field \"%s\" of %s must be true or false, not \"%s\"",
				     o->config, where, s);
			return -1;
		}
	}
	if (o->config_type == CONFIG_REGEX && check_regex(o, v, s, where, src, rep))
		return -1;
	if (o->config_type == CONFIG_SIZE && !*s) {
		config_error(rep, src, v, "field \"%s\" of %s needs a size such as 10Gi", o->config, where);
		return -1;
	}
	opts_config_set(opt, o, s, b);
	return 0;
}

/* "known fields: a, b, ..." of an unknown field's message. */
static void known_fields(struct strbuf *sb)
{
	const char *sep = "";

	for (size_t i = 0; i < opt_count; i++) {
		if (opt_table[i].config) {
			strbuf_addf(sb, "%s%s", sep, opt_table[i].config);
			sep = ", ";
		}
	}
}

/*
 * The pairs of map (a StatefulSetMigration, or a ConfigMap's data) are
 * fields, but for the keys in envelope.  Every problem is reported.
 */
static int read_fields(struct stsify_options *opt, const struct ynode *map,
		       const char *const *envelope, const char *where, const struct source *src,
		       struct report *rep)
{
	int ret = 0;

	for (size_t i = 0; i + 1 < map->nkid; i += 2) {
		const struct ynode *k = map->kid[i], *v = map->kid[i + 1];
		const struct opt_def *o;
		bool skip = false;

		for (const char *const *e = envelope; *e && !skip; e++)
			skip = ynode_is(k, *e);
		if (skip)
			continue;
		if (!(o = find_field(k))) {
			struct strbuf known = STRBUF_INIT;

			known_fields(&known);
			config_error(rep, src, k, "unknown field \"%s\" in %s (known fields: %s)",
				     ynode_str(k) ? ynode_str(k) : "?", where, known.buf);
			strbuf_release(&known);
			ret = -1;
		} else if (set_field(opt, o, v, where, src, rep)) {
			ret = -1;
		}
	}
	return ret;
}

int krm_config(struct stsify_options *opt, const struct source *src, const struct ynode *cfg,
	       struct report *rep)
{
	static const char *const sts_envelope[] = { "apiVersion", "kind", "metadata", NULL };
	static const char *const none[] = { NULL };
	const struct ynode *kind = ynode_get(cfg, "kind"), *api = ynode_get(cfg, "apiVersion");
	const char *name = ynode_str(ynode_path(cfg, "metadata", "name", NULL));
	struct stsify_options o = *opt;
	char *where;
	int ret;

	if (!cfg || (cfg->kind == YNODE_SCALAR && cfg->style == YSTYLE_PLAIN && !cfg->tlen) ||
	    (cfg->kind == YNODE_MAP && !cfg->nkid))
		return 0;
	if (cfg->kind != YNODE_MAP) {
		config_error(rep, src, cfg, "the configuration must be a StatefulSetMigration (%s) or a ConfigMap",
			     KRM_API);
		return -1;
	}
	if (ynode_is(kind, "StatefulSetMigration")) {
		if (!ynode_is(api, KRM_API)) {
			config_error(rep, src, api ? api : cfg, "StatefulSetMigration must have apiVersion %s, not \"%s\"",
				     KRM_API, ynode_str(api) ? ynode_str(api) : "");
			return -1;
		}
		where = name ? xasprintf("StatefulSetMigration \"%s\"", name) : xstrdup("StatefulSetMigration");
		ret = read_fields(&o, cfg, sts_envelope, where, src, rep);
	} else if (ynode_is(kind, "ConfigMap")) {
		const struct ynode *data = ynode_get(cfg, "data");

		where = name ? xasprintf("the data of ConfigMap \"%s\"", name) : xstrdup("the data of the ConfigMap");
		ret = 0;
		if (data && data->kind == YNODE_MAP)
			ret = read_fields(&o, data, none, where, src, rep);
		else if (data && !(data->kind == YNODE_SCALAR && data->style == YSTYLE_PLAIN && !data->tlen)) {
			config_error(rep, src, data, "%s must be a mapping", where);
			ret = -1;
		}
	} else {
		config_error(rep, src, kind ? kind : cfg,
			     "configuration of kind \"%s\" is not supported: use a StatefulSetMigration (%s) or a ConfigMap",
			     ynode_str(kind) ? ynode_str(kind) : "", KRM_API);
		return -1;
	}
	free(where);
	if (!ret)
		*opt = o;
	return ret;
}

static bool has_internal_error(const struct report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->f[i].code == CODE_INTERNAL)
			return true;
	return false;
}

/* ---- the Kustomize plugin ---- */

static int plugin_finish(struct report *rep, int code)
{
	report_print(rep, stderr, false, SEV_WARNING);
	report_release(rep);
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		fprintf(stderr, "stsify: cannot write to stdout: %s\n", strerror(errno));
		return STSIFY_EXIT_INPUT;
	}
	return code;
}

/* ---- the plugin's findings as annotations ---- */

/* The object of the output ri that finding f (warning and above) is about:
 * a converted workload is a StatefulSet there.  NULL: none. */
static const struct resource *finding_object(const struct finding *f, const struct rindex *ri)
{
	const char *ns = f->ns ? f->ns : "";
	const struct workload *w = workload_named(f->kind);
	const struct resource *r;

	if (f->sev < SEV_WARNING || !f->kind || !f->name)
		return NULL;
	r = rindex_find_named(ri, f->kind, ns, f->name);
	if (!r && w && w->action == WORKLOAD_CONVERT)
		r = rindex_find_named(ri, "StatefulSet", ns, f->name);
	return r && r->node && r->node->kind == YNODE_MAP ? r : NULL;
}

/* Plan the annotation KRM_FINDINGS_ANN: text on object r (replacing one
 * it holds); false when r has no metadata mapping to hold it. */
static bool annotate(struct plan *p, const struct resource *r, const char *text)
{
	const struct ynode *md = ynode_get(r->node, "metadata");
	const struct ynode *ann = ynode_get(md, "annotations");
	const struct ynode *old = ynode_get(ann, KRM_FINDINGS_ANN);
	struct val *map;

	if (!md || md->kind != YNODE_MAP)
		return false;
	if (ann && ann->kind == YNODE_MAP) {
		if (old)
			plan_add_remove(p, r->in, r->doc, old, 0);
		plan_add_pair(p, r->in, r->doc, ann, KRM_FINDINGS_ANN, val_str(text), 0);
	} else if (!ann) {
		map = val_map();
		val_set(map, KRM_FINDINGS_ANN, val_str(text));
		plan_add_pair(p, r->in, r->doc, md, "annotations", map, 0);
	} else {
		return false;
	}
	return true;
}

/* The StatefulSet of ri that finding f (warning and above) is about as
 * part of a conversion (a claim's data-migration), or NULL. */
static const struct resource *finding_sts(const struct finding *f, const struct report *rep,
					  const struct rindex *ri)
{
	const struct resource *r;

	for (size_t i = 0; f->owner && f->sev >= SEV_WARNING && i < rep->ndep; i++) {
		if (rep->dep[i].owner != f->owner)
			continue;
		r = rindex_find_named(ri, "StatefulSet", rep->dep[i].ns, rep->dep[i].name);
		return r && r->node && r->node->kind == YNODE_MAP ? r : NULL;
	}
	return NULL;
}

static void add_line(struct strbuf *sb, const struct finding *f)
{
	strbuf_addf(sb, "%s%s: %s [%s]", sb->len ? "\n" : "", severity_name(f->sev), f->msg,
		    code_name(f->code));
}

/* Plan one annotation per object of ri that findings (warning and above)
 * are about, their lines in the order of the report; how many.  The
 * findings of a conversion are also on its StatefulSet. */
static size_t plan_annotations(struct plan *p, const struct rindex *ri, const struct report *rep)
{
	const struct finding **v;
	struct strbuf *text = xcalloc(ri->n ? ri->n : 1, sizeof(*text));
	size_t n = 0;

	report_sorted(rep, &v);
	for (size_t i = 0; i < rep->n; i++) {
		const struct resource *r = finding_object(v[i], ri), *sts = finding_sts(v[i], rep, ri);

		if (r)
			add_line(&text[r - ri->r], v[i]);
		if (sts && sts != r)
			add_line(&text[sts - ri->r], v[i]);
	}
	free(v);
	for (size_t i = 0; i < ri->n; i++) {
		if (text[i].len && annotate(p, &ri->r[i], text[i].buf))
			n++;
		strbuf_release(&text[i]);
	}
	free(text);
	return n;
}

int krm_annotate_findings(const char *text, size_t len, const struct report *rep, struct strbuf *out,
			  char **why)
{
	struct plan p = { 0 };
	struct source src;
	struct ystream ys;
	struct plan_input pin = { .src = &src, .ys = &ys };
	struct rewrite_job job = { .p = &p, .pin = &pin, .in = 0, .mode = REWRITE_WHOLE };
	struct rewrite_result res = REWRITE_RESULT_INIT;
	struct rindex ri = { 0 };
	int ret = 0;

	*why = NULL;
	strbuf_reset(out);
	source_init_take(&src, "<stdout>", xstrndup(text, len), len);
	if (ystream_parse(&ys, src.buf, src.len)) {
		*why = xstrdup("the output does not parse");
		ret = -1;
	} else {
		rindex_add(&ri, 0, &ys);
		if (!plan_annotations(&p, &ri, rep)) {
			strbuf_add(out, text, len);
		} else if (rewrite(&job, NULL, &res)) {
			*why = res.why ? res.why : xstrdup("overlapping edits");
			res.why = NULL;
			ret = -1;
		} else {
			BUG_ON(res.out.n != 1);
			strbuf_add(out, res.out.p[0].text, res.out.p[0].len);
		}
	}
	rewrite_result_release(&res);
	plan_release(&p);
	rindex_release(&ri);
	ystream_release(&ys);
	source_release(&src);
	render_release();
	return ret;
}

/*
 * The name of the plugin's configuration in its findings: Kustomize passes
 * a temporary copy (kust-plugin-config-NNN), so name the user's file by its
 * config.kubernetes.io/path annotation, or else the object by kind/name.
 * Any other path (the plugin run by hand) is kept.  NULL: keep path.
 */
static char *config_name(const char *path, const struct ynode *cfg)
{
	const char *base = strrchr(path, '/');
	const char *name = ynode_str(ynode_path(cfg, "metadata", "name", NULL));
	const char *ann = rindex_krm_annotation(cfg, "path");

	base = base ? base + 1 : path;
	if (strncmp(base, "kust-plugin-config-", 19))
		return NULL;
	if (ann && *ann)
		return xstrdup(ann);
	return name && *name ? xasprintf("%s/%s", KRM_PLUGIN_NAME, name) : NULL;
}

/* Read the plugin's configuration, path, over opt: 0, or the exit code. */
static int plugin_config(struct stsify_options *opt, const char *path, struct source *src,
			 struct ystream *ys, struct report *rep)
{
	char *cbuf, *name;
	size_t clen;

	if (read_file(path, &cbuf, &clen)) {
		report_add_at(rep, path, 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(errno));
		return STSIFY_EXIT_USAGE;
	}
	source_init_take(src, path, cbuf, clen);
	if (ystream_parse(ys, src->buf, src->len)) {
		if (ys->err_off != NOPOS)
			report_add(rep, src, ys->err_off, CODE_PARSE_ERROR, "%s",
				   ys->err_msg ? ys->err_msg : "invalid YAML");
		else
			report_add_at(rep, src->path, (unsigned)ys->err_line, (unsigned)ys->err_col,
				      CODE_PARSE_ERROR, "%s", ys->err_msg ? ys->err_msg : "invalid YAML");
		return STSIFY_EXIT_USAGE;
	}
	if (ys->ndoc == 1 && (name = config_name(path, ys->doc[0].root))) {
		free(src->path);
		src->path = name;
	}
	if (ys->ndoc != 1 || !ynode_is(ynode_get(ys->doc[0].root, "kind"), "StatefulSetMigration")) {
		report_add(rep, src, NOPOS, CODE_CONFIG,
			   "the configuration must be one StatefulSetMigration (%s)", KRM_API);
		return STSIFY_EXIT_USAGE;
	}
	return krm_config(opt, src, ys->doc[0].root, rep) ? STSIFY_EXIT_USAGE : 0;
}

/* Write text to stdout, with the findings of rep as annotations. */
static int plugin_write(const char *text, size_t len, struct report *rep)
{
	struct strbuf out = STRBUF_INIT;
	char *why;
	int code = STSIFY_EXIT_OK;

	if (krm_annotate_findings(text, len, rep, &out, &why)) {
		report_add_at(rep, "<stdout>", 0, 0, CODE_INTERNAL,
			      "cannot add the findings as annotations (%s): a bug in stsify, please report it", why);
		free(why);
		strbuf_reset(&out);
		strbuf_add(&out, text, len);
		code = STSIFY_EXIT_INPUT;
	}
	write_all(stdout, out.buf, out.len);
	strbuf_release(&out);
	return code;
}

int krm_plugin_main(const struct stsify_options *base, int argc, char **argv)
{
	struct stsify_options opt = *base;
	struct report rep = REPORT_INIT;
	struct stsify_file f = { .path = "<stdin>" };
	struct source src = { 0 };
	struct ystream ys = { 0 };
	char *buf = NULL;
	size_t len;
	int code;

	if (argc != 2) {
		fprintf(stderr, "stsify: as the Kustomize plugin %s, stsify takes one argument, the path of its configuration\n",
			KRM_PLUGIN_NAME);
		return STSIFY_EXIT_USAGE;
	}
	if ((code = plugin_config(&opt, argv[1], &src, &ys, &rep)))
		goto out;
	if (read_file("-", &buf, &len)) {
		report_add_at(&rep, "<stdin>", 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(errno));
		code = STSIFY_EXIT_INPUT;
		goto out;
	}
	f.in = buf;
	f.inlen = len;
	if (run_rewrite(&opt, &f, 1, &rep)) {
		code = STSIFY_EXIT_USAGE;
		goto out;
	}
	if (f.status == STSIFY_CHANGED)
		code = plugin_write(f.out, f.outlen, &rep);
	else
		code = plugin_write(buf, len, &rep);
	if (f.status == STSIFY_FAILED || has_internal_error(&rep))
		code = STSIFY_EXIT_INPUT;
	stsify_file_release(&f);
out:
	free(buf);
	ystream_release(&ys);
	source_release(&src);
	return plugin_finish(&rep, code);
}

/* ---- the KRM function ---- */

/* The root of the only document of ys, when it is a ResourceList. */
static const struct ynode *resource_list(const struct ystream *ys)
{
	if (ys->ndoc != 1 || !ys->doc[0].root || ys->doc[0].root->kind != YNODE_MAP ||
	    !rindex_is_resource_list(ys->doc[0].root))
		return NULL;
	return ys->doc[0].root;
}

bool krm_is_resource_list(const char *buf, size_t len)
{
	struct ystream ys;
	bool is;

	/* a stream of manifests is not searched for the word: its second
	 * document shows it is no ResourceList */
	if (split_several_documents(buf, len) || !memmem(buf, len, "ResourceList", 12))
		return false;
	is = !ystream_parse(&ys, buf, len) && resource_list(&ys);
	ystream_release(&ys);
	return is;
}

/* The item of the ResourceList root that holds offset off, or NULL. */
static const struct ynode *item_at(const struct ynode *root, size_t off)
{
	const struct ynode *items = ynode_get(root, "items");

	for (size_t i = 0; items && items->kind == YNODE_SEQ && i < items->nkid; i++)
		if (items->kid[i]->prop <= off && off < items->kid[i]->end)
			return items->kid[i];
	return NULL;
}

static const char *str_or_empty(const struct ynode *n)
{
	return ynode_str(n) ? ynode_str(n) : "";
}

/* resourceRef: the object as it is in the output (out_ri). */
static struct val *resource_ref(const struct ynode *item, const struct rindex *out_ri)
{
	const char *api = str_or_empty(ynode_get(item, "apiVersion"));
	const char *kind = str_or_empty(ynode_get(item, "kind"));
	const char *name = str_or_empty(ynode_path(item, "metadata", "name", NULL));
	const char *ns = str_or_empty(ynode_path(item, "metadata", "namespace", NULL));
	const struct resource *now = rindex_find(out_ri, kind, ns, name);
	const struct workload *w = workload_named(kind);
	struct val *ref;

	/* a converted workload is a StatefulSet of the same name now */
	if (!now && w && w->action == WORKLOAD_CONVERT)
		now = rindex_find(out_ri, "StatefulSet", ns, name);
	if (now) {
		api = now->api;
		kind = now->kind;
	}
	if (!*kind || !*name)
		return NULL;
	ref = val_map();
	val_set(ref, "apiVersion", val_str(api));
	val_set(ref, "kind", val_str(kind));
	val_set(ref, "name", val_str(name));
	if (*ns)
		val_set(ref, "namespace", val_str(ns));
	return ref;
}

static struct val *result_of(const struct finding *f, const struct source *src,
			     const struct ynode *root, const struct rindex *out_ri)
{
	struct val *r = val_map(), *ref;
	const struct ynode *item = NULL;
	char *msg = xasprintf("%s [%s]", f->msg, code_name(f->code));
	size_t ls = f->line && !strcmp(f->path, src->path) ? source_line_offset(src, f->line) : (size_t)-1;

	if (ls != (size_t)-1)
		item = item_at(root, ls + (f->col ? f->col - 1 : 0));
	val_set(r, "message", val_str(msg));
	free(msg);
	val_set(r, "severity", val_str(severity_name(f->sev)));
	if (item && (ref = resource_ref(item, out_ri)))
		val_set(r, "resourceRef", ref);
	if (item && rindex_krm_annotation(item, "path")) {
		const char *index = rindex_krm_annotation(item, "index");
		struct val *file = val_set(r, "file", val_map());
		char *end = NULL;
		long long i = index ? strtoll(index, &end, 10) : -1;

		val_set(file, "path", val_str(rindex_krm_annotation(item, "path")));
		if (index && *index && !*end && i >= 0) {
			char *num = xasprintf("%lld", i);

			val_set(file, "index", val_raw(num));
			free(num);
		}
	}
	return r;
}

/* results: those of the ResourceList (old), then one per finding of rep. */
static struct val *results_val(const struct ynode *old, const struct report *rep,
			       const struct source *src, const struct ynode *root, const struct rindex *out_ri)
{
	struct val *results = val_seq();
	const struct finding **v;

	for (size_t i = 0; old && old->kind == YNODE_SEQ && i < old->nkid; i++)
		val_push(results, val_from_ynode(old->kid[i]));
	report_sorted(rep, &v);
	for (size_t i = 0; i < rep->n; i++)
		val_push(results, result_of(v[i], src, root, out_ri));
	free(v);
	return results;
}

int krm_add_results(const struct source *src, const struct ystream *ys, const char *rl,
		    size_t rllen, const struct report *rep, struct strbuf *out, char **why)
{
	struct plan p = { 0 };
	struct source osrc;
	struct ystream oys;
	struct plan_input pin = { .src = &osrc, .ys = &oys };
	struct rewrite_job job = { .p = &p, .pin = &pin, .in = 0, .mode = REWRITE_WHOLE };
	struct rewrite_result res = REWRITE_RESULT_INIT;
	struct rindex ori = { 0 };
	const struct ynode *oroot, *old;
	int ret = -1;

	*why = NULL;
	source_init_take(&osrc, src->path, xstrndup(rl, rllen), rllen);
	if (ystream_parse(&oys, osrc.buf, osrc.len) || !(oroot = resource_list(&oys))) {
		*why = xstrdup("the ResourceList to write back does not parse");
		goto out;
	}
	rindex_add(&ori, 0, &oys);
	/* results: replaced by old + new, as the last key (plan input 0,
	 * document 0; no Deployment plan) */
	old = ynode_get(oroot, "results");
	if (old)
		plan_add_remove(&p, 0, 0, old, 0);
	plan_add_pair(&p, 0, 0, oroot, "results", results_val(old, rep, src, resource_list(ys), &ori), 0);
	if (rewrite(&job, NULL, &res)) {
		*why = res.why ? res.why : xstrdup("overlapping edits");
		res.why = NULL;
		goto out;
	}
	BUG_ON(res.out.n != 1);
	strbuf_attach(out, res.out.p[0].text, res.out.p[0].len, res.out.p[0].len + 1);
	res.out.p[0].text = NULL;
	ret = 0;
out:
	rewrite_result_release(&res);
	plan_release(&p);
	rindex_release(&ori);
	ystream_release(&oys);
	source_release(&osrc);
	render_release();
	return ret;
}

int krm_function(const struct stsify_options *base, const char *buf, size_t len,
		 struct strbuf *out, struct report *rep)
{
	struct stsify_options opt = *base;
	struct stsify_file f = { .path = "<stdin>", .in = buf, .inlen = len };
	struct source src;
	struct ystream ys;
	const struct ynode *root;
	const char *text = buf;
	size_t textlen = len;
	char *why;
	int code = STSIFY_EXIT_OK;

	source_init_take(&src, "<stdin>", xstrndup(buf, len), len);
	if (ystream_parse(&ys, src.buf, src.len) || !(root = resource_list(&ys))) {
		report_add(rep, &src, ys.err_off, CODE_PARSE_ERROR, "not a ResourceList");
		strbuf_add(out, buf, len);
		code = STSIFY_EXIT_INPUT;
		goto out;
	}
	if (krm_config(&opt, &src, ynode_get(root, "functionConfig"), rep) ||
	    run_rewrite(&opt, &f, 1, rep)) {
		code = STSIFY_EXIT_USAGE;
	} else {
		if (f.status == STSIFY_CHANGED) {
			text = f.out;
			textlen = f.outlen;
		}
		if (f.status == STSIFY_FAILED || has_internal_error(rep))
			code = STSIFY_EXIT_INPUT;
	}
	strbuf_reset(out);
	if (!rep->n) {
		strbuf_add(out, text, textlen);
	} else if (krm_add_results(&src, &ys, text, textlen, rep, out, &why)) {
		report_add(rep, &src, NOPOS, CODE_INTERNAL,
			   "cannot add the results to the ResourceList (%s): a bug in stsify, please report it", why);
		free(why);
		strbuf_reset(out);
		strbuf_add(out, text, textlen);
		code = STSIFY_EXIT_INPUT;
	}
	stsify_file_release(&f);
out:
	ystream_release(&ys);
	source_release(&src);
	return code;
}
