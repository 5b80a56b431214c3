/*
 * test_service.c - the headless Service of a StatefulSet (service.h,
 * DESIGN.md section 4): reused or added, its name, selector, ports and
 * KRM annotations, and where it goes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "render.h"
#include "service.h"
#include "test_lib.h"
#include "test_planfix.h"

#define DEPLOY(extra_md, selector)                                                                \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n" extra_md "spec:\n"        \
	"  replicas: 2\n" selector                                                                 \
	"  template:\n    metadata:\n      labels:\n        app: db\n        tier: data\n"        \
	"    spec:\n      containers:\n      - name: c\n        image: postgres\n"                 \
	"        ports:\n        - containerPort: 5432\n"                                          \
	"      volumes:\n      - {name: data, persistentVolumeClaim: {claimName: d}}\n"
#define SELECTOR "  selector:\n    matchLabels:\n      app: db\n"

static const char *const paths[] = { "a.yaml", "b.yaml", "c.yaml" };

/* Plan the Service of Deployment db of texts[0..n). */
static const char *plan_db(struct planfix *f, const char *const *texts, size_t n, char **name)
{
	const struct resource *dep;

	planfix_init(f, NULL, paths, texts, n);
	dep = planfix_find(f, "Deployment", "db");
	planfix_dplan(f, dep);
	*name = service_plan(f->c, dep, ynode_path(dep->node, "spec", "template", "spec", NULL));
	return planfix_codes(f);
}

/* The Service the plan adds, as YAML ("" when none). */
static const char *added(struct planfix *f)
{
	for (size_t i = 0; i < f->p.nop; i++)
		if (f->p.op[i].kind == OP_ADD_DOC || f->p.op[i].kind == OP_INSERT_ITEM)
			return planfix_render(f, NULL, f->p.op[i].val);
	return "";
}

Test(service, a_new_service_selects_the_match_labels)
{
	static const char *const texts[] = { DEPLOY("", SELECTOR) };
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 1, &name), "service-added", "the findings");
	assert_str_eq(name, "db", "the serviceName");
	assert_str_eq(added(&f),
		      "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  labels:\n    app: db\n"
		      "spec:\n  clusterIP: None\n  selector:\n    app: db\n  ports:\n  - port: 5432\n",
		      "the new Service");
	cr_expect(f.p.d[0].service_added, "a Service is added: expected service_added");
	free(name);
	planfix_release(&f);
}

Test(service, an_existing_headless_service_is_reused)
{
	static const char *const texts[] = {
		DEPLOY("", SELECTOR),
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: db-hl\nspec:\n  clusterIP: None\n"
		"  selector:\n    app: db\n",
	};
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 2, &name), "service-reused", "the findings");
	assert_str_eq(name, "db-hl", "the serviceName");
	assert_str_eq(added(&f), "", "no new Service");
	cr_expect(!f.p.d[0].service_added, "a Service is reused: expected no service_added");
	free(name);
	planfix_release(&f);
}

Test(service, a_service_that_is_not_headless_or_selects_other_pods_is_not_reused)
{
	static const char *const texts[] = {
		DEPLOY("", SELECTOR),
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector:\n    app: db\n---\n"
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: db-headless\nspec:\n  clusterIP: None\n"
		"  selector:\n    app: web\n---\n"
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n  namespace: ns\nspec:\n"
		"  clusterIP: None\n  selector:\n    app: db\n",
	};
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 2, &name), "service-added", "the findings");
	assert_str_eq(name, "db-headless-2", "the serviceName (db and db-headless are taken)");
	free(name);
	planfix_release(&f);
}

Test(service, no_match_labels_selects_the_template_labels)
{
	static const char *const texts[] = { DEPLOY("", "  selector:\n    matchExpressions: []\n") };
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 1, &name), "service-selector service-added", "the findings");
	assert_contains(added(&f), "  selector:\n    app: db\n    tier: data\n");
	free(name);
	planfix_release(&f);
}

Test(service, a_json_file_gets_no_new_document)
{
	static const char *const texts[] = {
		"{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"db\"},"
		" \"spec\": {\"selector\": {\"matchLabels\": {\"app\": \"db\"}}, \"template\": {\"metadata\":"
		" {\"labels\": {\"app\": \"db\"}}, \"spec\": {\"containers\": []}}}}\n",
	};
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 1, &name), "service-not-added", "the findings");
	assert_str_eq(name, "db", "the serviceName");
	assert_size_eq(f.p.nop, 0);
	free(name);
	planfix_release(&f);
}

#define JSON_DB                                                                                    \
	"{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"db\"},"      \
	" \"spec\": {\"selector\": {\"matchLabels\": {\"app\": \"db\"}}, \"template\": {\"metadata\":"     \
	" {\"labels\": {\"app\": \"db\"}}, \"spec\": {\"containers\": []}}}}\n"

Test(service, a_json_file_gets_a_new_file_when_the_caller_writes_files)
{
	static const char *const texts[] = {
		JSON_DB,
		"kind: Kustomization\nresources:\n- a.json\n- other.yaml\n",
	};
	static const char *const names[] = { "app/a.json", "app/kustomization.yaml" };
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	const struct resource *dep;
	struct planfix f;
	char *name;

	opt.new_files = true;
	planfix_init(&f, &opt, names, texts, 2);
	dep = planfix_find(&f, "Deployment", "db");
	planfix_dplan(&f, dep);
	name = service_plan(f.c, dep, ynode_path(dep->node, "spec", "template", "spec", NULL));
	assert_str_eq(planfix_codes(&f), "service-added service-added", "the findings");
	assert_str_eq(name, "db", "the serviceName");
	cr_assert_str_eq(f.p.d[0].service_file, "app/db-service.json", "the new file: %s", f.p.d[0].service_file);
	/* one line, as the manifest */
	cr_assert_str_eq(f.p.d[0].service_text,
			 "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"db\", "
			 "\"labels\": {\"app\": \"db\"}}, \"spec\": {\"clusterIP\": \"None\", \"selector\": "
			 "{\"app\": \"db\"}}}\n",
			 "the new file's text: %s", f.p.d[0].service_text);
	/* listed right after the manifest */
	assert_size_eq(f.p.nop, 1);
	cr_assert_eq(f.p.op[0].kind, OP_INSERT_ITEM, "expected an item inserted, got op kind %d", f.p.op[0].kind);
	cr_assert_str_eq(f.p.op[0].val->str, "db-service.json", "the item: %s", f.p.op[0].val->str);
	cr_assert_str_eq(f.p.op[0].after->text, "a.json", "inserted after %s", f.p.op[0].after->text);
	free(name);
	planfix_release(&f);
}

Test(service, a_json_file_whose_new_file_is_an_input_gets_none)
{
	static const char *const texts[] = { JSON_DB, "kind: ConfigMap\nmetadata:\n  name: x\n" };
	static const char *const names[] = { "a.json", "./db-service.json" };
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	const struct resource *dep;
	struct planfix f;
	char *name;

	opt.new_files = true;
	planfix_init(&f, &opt, names, texts, 2);
	dep = planfix_find(&f, "Deployment", "db");
	planfix_dplan(&f, dep);
	name = service_plan(f.c, dep, ynode_path(dep->node, "spec", "template", "spec", NULL));
	assert_str_eq(planfix_codes(&f), "service-not-added", "the findings");
	cr_assert_null(f.p.d[0].service_file, "a new file over an input: %s", f.p.d[0].service_file);
	assert_size_eq(f.p.nop, 0);
	free(name);
	planfix_release(&f);
}

Test(service, file_name)
{
	static const char *const cases[][3] = {
		{ "apps/db/deployment.json", "pg", "apps/db/pg-service.json" },
		{ "db.json", "pg", "pg-service.json" },
		{ "db.yml", "pg", "pg-service.yml" },
		{ "a.b/db", "pg", "a.b/pg-service.json" },
		{ "/abs/db.yaml", "pg", "/abs/pg-service.yaml" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = service_file_name(cases[i][0], cases[i][1]);

		cr_assert_str_eq(got, cases[i][2], "%s: expected %s, got %s", cases[i][0], cases[i][2], got);
		free(got);
	}
}

Test(service, an_item_of_a_list_gets_an_item)
{
	static const char *const texts[] = {
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
		"  metadata:\n    name: db\n    namespace: prod\n  spec:\n    selector:\n      matchLabels:\n"
		"        app: db\n    template:\n      metadata:\n        labels:\n          app: db\n"
		"      spec:\n        containers: []\n",
	};
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 1, &name), "service-added", "the findings");
	assert_size_eq(f.p.nop, 1);
	cr_expect(f.p.op[0].kind == OP_INSERT_ITEM, "expected an item inserted, got operation %d",
		  f.p.op[0].kind);
	assert_contains(added(&f), "metadata:\n  name: db\n  namespace: prod\n");
	free(name);
	planfix_release(&f);
}

Test(service, krm_path_and_next_index)
{
	static const char *const texts[] = {
		DEPLOY("  annotations:\n    config.kubernetes.io/path: app/db.yaml\n"
		       "    config.kubernetes.io/index: '0'\n    internal.config.kubernetes.io/seqindent: wide\n",
		       SELECTOR) "---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n"
		"    config.kubernetes.io/path: app/db.yaml\n    config.kubernetes.io/index: '3'\n",
	};
	struct planfix f;
	char *name;

	assert_str_eq(plan_db(&f, texts, 1, &name), "service-added", "the findings");
	assert_contains(added(&f), "  annotations:\n    config.kubernetes.io/path: app/db.yaml\n"
				   "    config.kubernetes.io/index: \"4\"\n"
				   "    internal.config.kubernetes.io/path: app/db.yaml\n"
				   "    internal.config.kubernetes.io/index: \"4\"\n"
				   "    internal.config.kubernetes.io/seqindent: wide\n");
	assert_size_eq(f.p.nkrm, 1);
	free(name);
	planfix_release(&f);
}

/* The ports of a new Service for the pod spec in text. */
static void check_ports(const char *containers, const char *want)
{
	static const char *const head = "spec:\n  containers:\n";
	struct planfix f;
	struct strbuf t = STRBUF_INIT;
	const char *text;
	struct val *ports;

	strbuf_addf(&t, "%s%s", head, containers);
	text = t.buf;
	planfix_init(&f, NULL, paths, &text, 1);
	ports = service_ports(ynode_get(f.ys[0].doc[0].root, "spec"));
	assert_str_eq(planfix_render(&f, "ports", ports), want, containers);
	val_free(ports);
	strbuf_release(&t);
	planfix_release(&f);
}

Test(service, ports)
{
	/* none */
	check_ports("  - name: c\n", "ports: []\n");
	/* one, unnamed: no name needed */
	check_ports("  - ports:\n    - containerPort: 80\n", "ports:\n- port: 80\n");
	/* several: each named, by its name or protocol-port in lowercase */
	check_ports("  - ports:\n    - {containerPort: 80, name: http}\n    - {containerPort: 53, protocol: UDP}\n",
		    "ports:\n- name: http\n  port: 80\n- name: udp-53\n  port: 53\n  protocol: UDP\n");
	/* the same port and protocol once, across containers; TCP is the default */
	check_ports("  - ports:\n    - containerPort: 80\n  - ports:\n    - {containerPort: 80, protocol: TCP}\n"
		    "    - {containerPort: 80, protocol: UDP}\n",
		    "ports:\n- name: tcp-80\n  port: 80\n- name: udp-80\n  port: 80\n  protocol: UDP\n");
	/* a port that is not a positive number is skipped */
	check_ports("  - ports:\n    - containerPort: http\n    - containerPort: 0\n", "ports: []\n");
}

Test(service, selects_and_labels)
{
	static const char *const texts[] = {
		"sel: {app: db}\nempty: {}\nseq: [app]\nlabels: {app: db, tier: data}\nother: {app: web}\n"
		"nested: {app: {x: 1}}\n",
	};
	struct planfix f;
	const struct ynode *root;
	struct val *v;

	planfix_init(&f, NULL, paths, texts, 1);
	root = f.ys[0].doc[0].root;
	cr_expect(service_selects(ynode_get(root, "sel"), ynode_get(root, "labels")),
		  "{app: db} selects {app: db, tier: data}: expected true");
	cr_expect(!service_selects(ynode_get(root, "sel"), ynode_get(root, "other")),
		  "{app: db} selects {app: web}: expected false");
	cr_expect(!service_selects(ynode_get(root, "empty"), ynode_get(root, "labels")),
		  "an empty selector selects: expected false");
	cr_expect(!service_selects(ynode_get(root, "seq"), ynode_get(root, "labels")),
		  "a sequence selects: expected false");
	cr_expect(!service_selects(ynode_get(root, "nested"), ynode_get(root, "labels")),
		  "a selector with a map value selects: expected false");
	v = service_labels(ynode_get(root, "labels"));
	assert_str_eq(planfix_render(&f, "labels", v), "labels:\n  app: db\n  tier: data\n", "the labels");
	val_free(v);
	planfix_release(&f);
}
