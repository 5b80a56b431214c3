/*
 * test_krm.c - the Kustomize and KRM front ends: StatefulSetMigration and
 * ConfigMap configuration, ResourceList detection, and the ResourceList
 * written back (converted items, the new Service's KRM annotations,
 * results).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "krm.h"
#include "opts.h"
#include "report.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

struct cfg {
	struct source src;
	struct ystream ys;
	struct report rep;
	struct stsify_options opt;
	int ret;
};

/* Parse text and read its root as a configuration. */
static void config(struct cfg *c, const char *text)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;

	memset(c, 0, sizeof(*c));
	c->opt = dflt;
	source_init_take(&c->src, "cfg.yaml", xstrdup(text), strlen(text));
	cr_assert_eq(ystream_parse(&c->ys, c->src.buf, c->src.len), 0, "%s", text);
	c->ret = krm_config(&c->opt, &c->src, c->ys.doc[0].root, &c->rep);
}

static void config_done(struct cfg *c)
{
	report_release(&c->rep);
	ystream_release(&c->ys);
	source_release(&c->src);
}

#define SSM "apiVersion: stsify.dev/v1alpha1\nkind: StatefulSetMigration\nmetadata:\n  name: sts\n"

Test(krm, config_every_field)
{
	struct cfg c;

	config(&c, SSM "select: ^db$\nexclude: legacy\nstatefulImages: acme/ledger\n"
		       "storageSize: 20Gi\nstorageClass: ssd\nall: true\nkeepAccessModes: True\n"
		       "keepMaxUnavailable: \"true\"\n");
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(c.rep.n, 0);
	cr_assert_str_eq(c.opt.select, "^db$");
	cr_assert_str_eq(c.opt.exclude, "legacy");
	cr_assert_str_eq(c.opt.stateful_images, "acme/ledger");
	cr_assert_str_eq(c.opt.storage_size, "20Gi");
	cr_assert_str_eq(c.opt.storage_class, "ssd");
	cr_assert(c.opt.all && c.opt.keep_access_modes && c.opt.keep_max_unavailable);
	config_done(&c);
}

Test(krm, config_map_data_as_strings)
{
	struct cfg c;

	/* what `kpt fn eval --exec stsify -- select=pg all=false` sends */
	config(&c, "metadata:\n  name: function-input\n  annotations: {a: b}\n"
		   "data: {select: pg, all: \"false\", storageSize: \"5Gi\"}\nkind: ConfigMap\napiVersion: v1");
	cr_assert_eq(c.ret, 0);
	cr_assert_str_eq(c.opt.select, "pg");
	cr_assert_str_eq(c.opt.storage_size, "5Gi");
	cr_assert(!c.opt.all);
	config_done(&c);
}

Test(krm, config_absent_or_empty)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	struct report rep = REPORT_INIT;
	struct cfg c;

	cr_assert_eq(krm_config(&dflt, NULL, NULL, &rep), 0);
	config(&c, "{}\n");
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(c.rep.n, 0);
	config_done(&c);
	config(&c, "kind: ConfigMap\nmetadata:\n  name: function-input\n");
	cr_assert_eq(c.ret, 0);
	config_done(&c);
}

Test(krm, config_unknown_field_named_at_its_place)
{
	struct cfg c;

	config(&c, SSM "select: db\nstorageSise: 20Gi\n");
	cr_assert_eq(c.ret, -1);
	cr_assert_eq(c.rep.n, 1);
	cr_assert_str_eq(code_name(c.rep.f[0].code), "config");
	cr_assert_eq(c.rep.f[0].sev, SEV_ERROR);
	cr_assert_eq(c.rep.f[0].line, 6);
	cr_assert_eq(c.rep.f[0].col, 1);
	cr_assert_not_null(strstr(c.rep.f[0].msg, "unknown field \"storageSise\" in StatefulSetMigration \"sts\""),
			   "%s", c.rep.f[0].msg);
	/* nothing is taken from a bad configuration */
	cr_assert_null(c.opt.select);
	config_done(&c);

	config(&c, "kind: ConfigMap\nmetadata:\n  name: function-input\ndata:\n  selec: db\n");
	cr_assert_eq(c.ret, -1);
	cr_assert_eq(c.rep.f[0].line, 5);
	cr_assert_eq(c.rep.f[0].col, 3);
	cr_assert_not_null(strstr(c.rep.f[0].msg, "unknown field \"selec\" in the data of ConfigMap \"function-input\""));
	config_done(&c);
}

Test(krm, config_bad_values)
{
	static const char *const bad[] = {
		SSM "all: maybe\n",
		SSM "keepAccessModes: 1\n",
		SSM "select: [a, b]\n",
		SSM "exclude: \"(\"\n",
		SSM "statefulImages: \"[\"\n",
		SSM "storageSize: \"\"\n",
		SSM "storageClass:\n",
		"apiVersion: stsify.dev/v1\nkind: StatefulSetMigration\n",
		"apiVersion: v1\nkind: Secret\n",
		"kind: ConfigMap\ndata: [select]\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cfg c;

		config(&c, bad[i]);
		cr_assert_eq(c.ret, -1, "accepted: %s", bad[i]);
		cr_assert_geq(c.rep.n, 1);
		cr_assert_str_eq(code_name(c.rep.f[0].code), "config");
		cr_assert_neq(c.rep.f[0].line, 0, "no place for: %s", bad[i]);
		config_done(&c);
	}
}

Test(krm, plugin_name)
{
	cr_assert(krm_is_plugin("StatefulSetMigration"));
	cr_assert(krm_is_plugin("/home/u/.config/kustomize/plugin/stsify.dev/v1alpha1/statefulsetmigration/StatefulSetMigration"));
	cr_assert(!krm_is_plugin("stsify"));
	cr_assert(!krm_is_plugin("/usr/bin/stsify"));
	cr_assert(!krm_is_plugin("StatefulSetMigration.sh"));
	cr_assert(!krm_is_plugin(NULL));
}

#define RL_HEAD "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"

Test(krm, resource_list_detection)
{
	static const char list[] = "apiVersion: v1\nkind: List\nitems: []\n";
	static const char two[] = RL_HEAD "items: []\n---\n" RL_HEAD "items: []\n";
	static const char old[] = "apiVersion: config.kubernetes.io/v1alpha1\nkind: ResourceList\nitems: []\n";
	static const char json[] = "{\"apiVersion\": \"config.kubernetes.io/v1\", \"kind\": \"ResourceList\", \"items\": []}";

	cr_assert(krm_is_resource_list(RL_HEAD "items: []\n", strlen(RL_HEAD "items: []\n")));
	cr_assert(krm_is_resource_list(json, strlen(json)));
	cr_assert(!krm_is_resource_list(list, strlen(list)));
	cr_assert(!krm_is_resource_list(two, strlen(two)));
	cr_assert(!krm_is_resource_list(old, strlen(old)));
	cr_assert(!krm_is_resource_list("kind: ResourceList: [", 21));
	/* what may come before the one document: a marker, comments, a
	 * directive, blank lines; a marker with the root on its line */
	static const char *const one[] = {
		"---\n" RL_HEAD "items: []\n",
		"# generated\n\n  # indented comment\n---\n" RL_HEAD "items: []\n...\n",
		"%YAML 1.2\n---\n" RL_HEAD "items: []\n",
		"--- {apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: []}\n",
		"\r\n---\r\n" RL_HEAD "items: []\n",
		NULL,
	};
	for (const char *const *y = one; *y; y++)
		cr_assert(krm_is_resource_list(*y, strlen(*y)), "%s", *y);
	/* a second document, even an empty one or after the list */
	static const char *const more[] = {
		"a: 1\n---\n" RL_HEAD "items: []\n",
		"--- {a: 1}\n---\n" RL_HEAD "items: []\n",
		RL_HEAD "items: []\n---\n",
		RL_HEAD "items: []\n--- # x\nb: 2\n",
		NULL,
	};
	for (const char *const *y = more; *y; y++)
		cr_assert(!krm_is_resource_list(*y, strlen(*y)), "%s", *y);
}

#define ANN(path, index, id)                                                                      \
	"    annotations:\n"                                                                     \
	"      config.kubernetes.io/index: '" index "'\n"                                         \
	"      config.kubernetes.io/path: '" path "'\n"                                           \
	"      internal.config.kubernetes.io/index: '" index "'\n"                                \
	"      internal.config.kubernetes.io/path: '" path "'\n"                                  \
	"      internal.config.kubernetes.io/seqindent: 'wide'\n"                                 \
	"      internal.config.kubernetes.io/id: '" id "'\n"                                      \
	"      config.k8s.io/id: '" id "'\n"

/* what `kpt fn source` sends for one file with a Deployment and its claim */
#define ITEMS                                                                                     \
	"items:\n"                                                                                \
	"- # the database\n"                                                                      \
	"  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: db # name\n"        \
	"    namespace: shop\n" ANN("db.yaml", "0", "1")                                          \
	"  spec:\n    replicas: 2\n    selector:\n      matchLabels: {app: db}\n"               \
	"    template:\n      metadata:\n        labels: {app: db}\n      spec:\n"               \
	"        containers:\n        - name: db\n          image: postgres:16\n"                 \
	"          volumeMounts: [{name: data, mountPath: /d}]\n"                                \
	"        volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: db-data}\n" \
	"- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n    name: db-data\n"      \
	"    namespace: shop\n" ANN("db.yaml", "1", "2")                                          \
	"  spec:\n    accessModes: [ReadWriteOnce]\n    resources: {requests: {storage: 5Gi}}\n"

struct fn {
	struct strbuf out;
	struct report rep;
	struct ystream ys;
	const struct ynode *root;
	int code;
};

static void function(struct fn *f, const char *in)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;

	memset(f, 0, sizeof(*f));
	f->code = krm_function(&opt, in, strlen(in), &f->out, &f->rep);
	cr_assert_eq(ystream_parse(&f->ys, f->out.buf, f->out.len), 0, "%s", f->out.buf);
	cr_assert_eq(f->ys.ndoc, 1, "not one document:\n%s", f->out.buf);
	f->root = f->ys.doc[0].root;
}

static void function_done(struct fn *f)
{
	strbuf_release(&f->out);
	report_release(&f->rep);
	ystream_release(&f->ys);
}

/* The scalar at a JSON-pointer-like path ("items/0/kind"; "~1" is "/"). */
static const char *at(const struct ynode *n, const char *path)
{
	while (n && *path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		struct strbuf key = STRBUF_INIT;

		for (size_t i = 0; i < len; i++) {
			if (path[i] == '~' && i + 1 < len && path[i + 1] == '1') {
				strbuf_addch(&key, '/');
				i++;
			} else {
				strbuf_addch(&key, path[i]);
			}
		}
		if (n->kind == YNODE_SEQ) {
			char *e;
			long i = strtol(key.buf, &e, 10);

			n = i >= 0 && (size_t)i < n->nkid && !*e ? n->kid[i] : NULL;
		} else {
			n = ynode_get(n, key.buf);
		}
		strbuf_release(&key);
		path += len + (end != NULL);
	}
	return ynode_str(n);
}

Test(krm, function_converts_items_and_reports_results)
{
	struct fn f;
	const struct ynode *results;
	bool shared = false;

	function(&f, RL_HEAD ITEMS);
	cr_assert_eq(f.code, 0);
	cr_assert_str_eq(at(f.root, "items/0/kind"), "StatefulSet");
	/* the StatefulSet keeps the ids kpt copies comments back by */
	cr_assert_str_eq(at(f.root, "items/0/metadata/annotations/config.k8s.io~1id"), "1");
	cr_assert_not_null(strstr(f.out.buf, "- # the database\n"));
	cr_assert_not_null(strstr(f.out.buf, "name: db # name\n"));
	/* the Service: right after it, next free index of its file, no id */
	cr_assert_str_eq(at(f.root, "items/1/kind"), "Service");
	cr_assert_str_eq(at(f.root, "items/1/metadata/namespace"), "shop");
	cr_assert_str_eq(at(f.root, "items/2/kind"), "PersistentVolumeClaim");

	results = ynode_get(f.root, "results");
	cr_assert(results && results->kind == YNODE_SEQ && results->nkid == f.rep.n);
	for (size_t i = 0; i < results->nkid; i++) {
		const struct ynode *r = results->kid[i];
		const char *sev = ynode_str(ynode_get(r, "severity"));

		cr_assert(sev && (!strcmp(sev, "error") || !strcmp(sev, "warning") || !strcmp(sev, "info")));
		cr_assert_not_null(ynode_str(ynode_get(r, "message")));
		if (strstr(ynode_str(ynode_get(r, "message")), "[shared-pvc]")) {
			shared = true;
			cr_assert_str_eq(sev, "error");
			cr_assert_str_eq(ynode_str(ynode_path(r, "resourceRef", "apiVersion", NULL)), "apps/v1");
			cr_assert_str_eq(ynode_str(ynode_path(r, "resourceRef", "kind", NULL)), "StatefulSet");
			cr_assert_str_eq(ynode_str(ynode_path(r, "resourceRef", "name", NULL)), "db");
			cr_assert_str_eq(ynode_str(ynode_path(r, "resourceRef", "namespace", NULL)), "shop");
			cr_assert_str_eq(ynode_str(ynode_path(r, "file", "path", NULL)), "db.yaml");
			cr_assert_str_eq(ynode_str(ynode_path(r, "file", "index", NULL)), "0");
			cr_assert_eq(ynode_path(r, "file", "index", NULL)->style, YSTYLE_PLAIN);
		}
		if (strstr(ynode_str(ynode_get(r, "message")), "[data-migration]")) {
			cr_assert_str_eq(ynode_str(ynode_path(r, "resourceRef", "kind", NULL)), "PersistentVolumeClaim");
			cr_assert_str_eq(ynode_str(ynode_path(r, "file", "index", NULL)), "1");
		}
	}
	cr_assert(shared);
	function_done(&f);
}

Test(krm, new_service_gets_the_next_index_in_both_keys)
{
	static const char *const keys[] = {
		"config.kubernetes.io~1path", "config.kubernetes.io~1index",
		"internal.config.kubernetes.io~1path", "internal.config.kubernetes.io~1index",
	};
	static const char *const want[] = { "db.yaml", "2", "db.yaml", "2" };
	struct fn f;

	function(&f, RL_HEAD ITEMS);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char path[128];

		snprintf(path, sizeof(path), "items/1/metadata/annotations/%s", keys[i]);
		cr_assert_str_eq(at(f.root, path), want[i], "%s", path);
	}
	/* the file's sequence style, for kpt to write it with */
	cr_assert_str_eq(at(f.root, "items/1/metadata/annotations/internal.config.kubernetes.io~1seqindent"), "wide");
	cr_assert_null(at(f.root, "items/1/metadata/annotations/config.k8s.io~1id"));
	cr_assert_null(at(f.root, "items/1/metadata/annotations/internal.config.kubernetes.io~1id"));
	function_done(&f);
}

Test(krm, function_bad_config_is_an_error_result)
{
	struct fn f;
	const char *in = RL_HEAD ITEMS "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
				 "  metadata: {name: function-input}\n  data: {all: maybe}\n";

	function(&f, in);
	cr_assert_eq(f.code, STSIFY_EXIT_USAGE);
	cr_assert_str_eq(at(f.root, "items/0/kind"), "Deployment");
	cr_assert_str_eq(at(f.root, "results/0/severity"), "error");
	cr_assert_not_null(strstr(at(f.root, "results/0/message"), "field \"all\""));
	/* the items are what came in, byte for byte */
	cr_assert_eq(strncmp(f.out.buf, in, strlen(in)), 0);
	function_done(&f);
}

Test(krm, function_without_findings_is_byte_identical)
{
	static const char in[] = RL_HEAD "items:\n- apiVersion: v1\n  kind: ConfigMap # c\n"
				 "  metadata: {name: x}\n"
				 "functionConfig:\n  apiVersion: stsify.dev/v1alpha1\n"
				 "  kind: StatefulSetMigration\n  metadata: {name: s}\n  all: true";
	struct fn f;

	function(&f, in);
	cr_assert_eq(f.code, 0);
	cr_assert_eq(f.rep.n, 0);
	cr_assert_eq(f.out.len, strlen(in));
	cr_assert_eq(memcmp(f.out.buf, in, f.out.len), 0);
	function_done(&f);
}

Test(krm, results_follow_earlier_results_and_json)
{
	static const char in[] =
		"{\"apiVersion\": \"config.kubernetes.io/v1\", \"kind\": \"ResourceList\",\n"
		" \"items\": [{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"db\"},\n"
		"   \"spec\": {\"replicas\": 1, \"selector\": {\"matchLabels\": {\"app\": \"db\"}},\n"
		"    \"template\": {\"metadata\": {\"labels\": {\"app\": \"db\"}}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx\",\n"
		"     \"volumeMounts\": [{\"name\": \"d\", \"mountPath\": \"/d\"}]}],\n"
		"     \"volumes\": [{\"name\": \"d\", \"persistentVolumeClaim\": {\"claimName\": \"d\"}}]}}}}],\n"
		" \"results\": [{\"message\": \"earlier\", \"severity\": \"info\"}]}\n";
	struct fn f;

	function(&f, in);
	cr_assert_eq(f.code, 0);
	cr_assert_eq(f.root->style, YSTYLE_FLOW);
	cr_assert_str_eq(at(f.root, "results/0/message"), "earlier");
	cr_assert_not_null(strstr(at(f.root, "results/1/message"), "[single-replica-pvc]"));
	cr_assert_str_eq(at(f.root, "results/1/severity"), "info");
	cr_assert_str_eq(at(f.root, "results/1/resourceRef/kind"), "Deployment");
	/* no path annotation: no file */
	cr_assert_null(at(f.root, "results/1/file/path"));
	cr_assert_null(strstr(f.out.buf, "\nresults:"), "block text in a JSON ResourceList:\n%s", f.out.buf);
	function_done(&f);
}

/*
 * The fields an unknown one's message lists are the configuration fields
 * of the option table, in its order, and each is in the man page (that
 * they mirror their options: test_opts.c).
 */
Test(krm, known_fields_are_the_tables_and_documented)
{
	struct cfg c;
	struct strbuf want = STRBUF_INIT;
	const char *list, *end;
	char *man;
	size_t manlen;

	cr_assert_eq(read_file("man/stsify.1", &man, &manlen), 0, "run from the repository root");
	for (size_t i = 0; i < opt_count; i++) {
		if (opt_table[i].config) {
			char *line = xasprintf("\n%s: ", opt_table[i].config);

			strbuf_addf(&want, "%s%s", want.len ? ", " : "", opt_table[i].config);
			cr_assert_not_null(strstr(man, line), "man page lacks field %s (as a line \"%s\")",
					   opt_table[i].config, line + 1);
			free(line);
		}
	}
	config(&c, SSM "nosuchfield: 1\n");
	cr_assert_eq(c.rep.n, 1, "expected 1 finding, got %zu", c.rep.n);
	list = strstr(c.rep.f[0].msg, "(known fields: ");
	cr_assert_not_null(list, "no list of known fields in: %s", c.rep.f[0].msg);
	list += strlen("(known fields: ");
	end = strchr(list, ')');
	cr_assert_not_null(end, "unclosed list in: %s", c.rep.f[0].msg);
	cr_assert_eq(strncmp(list, want.buf, (size_t)(end - list)) || want.len != (size_t)(end - list), 0,
		     "known fields: expected %s, got %.*s", want.buf, (int)(end - list), list);
	strbuf_release(&want);
	config_done(&c);
	free(man);
}

/* ---- the plugin's findings as annotations ---- */

/* krm_annotate_findings(in, rep) must give want (NULL: in itself). */
static void annotated(const char *in, const struct report *rep, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	char *why = NULL;

	cr_assert_eq(krm_annotate_findings(in, strlen(in), rep, &out, &why), 0, "failed: %s", why ? why : "?");
	cr_assert_str_eq(out.buf, want ? want : in, "expected:\n%s\ngot:\n%s", want ? want : in, out.buf);
	strbuf_release(&out);
}

#define ANN_IN                                                                           \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n" \
	"spec: {}\n---\n"                                                                    \
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  annotations:\n"          \
	"    id: |\n      kind: PersistentVolumeClaim\n  name: data\nspec: {}\n"

Test(krm, findings_become_annotations_on_their_objects)
{
	struct report rep = REPORT_INIT;

	/* info: not shown; no object: stderr only */
	finding_set_resource(report_add_at(&rep, "<stdin>", 1, 1, CODE_SERVICE_ADDED, "added"),
			     "Deployment", "shop", "web");
	report_add_at(&rep, "<stdin>", 2, 1, CODE_SHARED_RWX, "about nothing");
	annotated(ANN_IN, &rep, NULL);
	finding_set_resource(report_add_at(&rep, "<stdin>", 3, 1, CODE_SHARED_RWX, "claim \"x\" is shared"),
			     "Deployment", "shop", "web");
	finding_set_resource(report_add_at(&rep, "<stdin>", 9, 1, CODE_DATA_MIGRATION, "copy one"),
			     "PersistentVolumeClaim", NULL, "data");
	finding_set_resource(report_add_at(&rep, "<stdin>", 10, 1, CODE_DATA_MIGRATION, "copy two"),
			     "PersistentVolumeClaim", NULL, "data");
	/* a new annotations map; a pair after a block scalar, two lines */
	annotated(ANN_IN, &rep,
		  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"
		  "  annotations:\n    stsify.dev/findings: \"warning: claim \\\"x\\\" is shared [shared-rwx]\"\n"
		  "spec: {}\n---\n"
		  "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  annotations:\n"
		  "    id: |\n      kind: PersistentVolumeClaim\n"
		  "    stsify.dev/findings: \"warning: copy one [data-migration]\\nwarning: copy two [data-migration]\"\n"
		  "  name: data\nspec: {}\n");
	report_release(&rep);
}

Test(krm, findings_annotation_replaces_an_earlier_one)
{
	struct report rep = REPORT_INIT;
	const char *in = "kind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations:\n"
			 "    stsify.dev/findings: old\n    keep: \"yes\"\n";

	finding_set_resource(report_add_at(&rep, "<stdin>", 1, 1, CODE_DATA_MIGRATION, "copy"),
			     "PersistentVolumeClaim", "", "data");
	annotated(in, &rep,
		  "kind: PersistentVolumeClaim\nmetadata:\n  name: data\n  annotations:\n"
		  "    keep: \"yes\"\n    stsify.dev/findings: \"warning: copy [data-migration]\"\n");
	report_release(&rep);
}
