/*
 * test_decide.c - the decision table of DESIGN.md section 2 and of
 * man/stsify.1 ("Which Deployments are converted", "Writable claims"), row
 * by row, on plain facts: decide() reads no YAML, so each case is a struct.
 *
 * A case names what differs from a Deployment "db" (apps/v1, one replica,
 * image nginx, one writable ReadWriteOnce claim, a selector) and the
 * verdict expected; a failure prints the case, what was expected and what
 * came out.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "decide.h"
#include "rules.h"
#include "test_lib.h"

#define RWO DECIDE_RWO
#define ROX DECIDE_ROX
#define RWX DECIDE_RWX
#define RWOP DECIDE_RWOP

/* name, readOnly volume, mounted writably, found, modes */
static const struct decide_claim rwo[] = { { "d", false, true, true, RWO } };
static const struct decide_claim rwx[] = { { "d", false, true, true, RWX } };
static const struct decide_claim rwx_rwo[] = { { "d", false, true, true, RWX | RWO } };
static const struct decide_claim not_found[] = { { "d", false, true, false, 0 } };
static const struct decide_claim ro_volume[] = { { "d", true, true, true, RWO } };
static const struct decide_claim ro_mounts[] = { { "d", false, false, true, RWO } };
static const struct decide_claim rox[] = { { "d", false, true, true, ROX } };
static const struct decide_claim rox_rwo[] = { { "d", false, true, true, ROX | RWO } };
static const struct decide_claim rox_rwx[] = { { "d", false, true, true, ROX | RWX } };
static const struct decide_claim rox_rwop[] = { { "d", false, true, true, ROX | RWOP } };
/* a read-only ReadWriteMany claim does not make the Deployment "shared-rwx" */
static const struct decide_claim ro_rwx_then_rwo[] = {
	{ "cache", true, true, true, RWX },
	{ "d", false, true, true, RWO },
};
static const struct decide_claim rwx_rwx[] = {
	{ "a", false, true, true, RWX },
	{ "b", false, true, true, RWX | RWO },
};
static const struct decide_claim ro_rwo_then_rwx[] = {
	{ "a", true, true, true, RWO },
	{ "b", false, true, true, RWX },
};
static const struct decide_claim rwo_then_rwx[] = {
	{ "a", false, true, true, RWO },
	{ "b", false, true, false, 0 },
	{ "c", false, true, true, RWX },
};

#define CLAIMS(a) .claim = (a), .nclaim = sizeof(a) / sizeof((a)[0])

struct tcase {
	const char *what;
	/* the input: zero values keep the base Deployment's */
	const char *api;		/* NULL: apps/v1 */
	const char *name;		/* NULL: db */
	bool no_template;
	const struct decide_claim *claim;	/* NULL (and nclaim 0): rwo[] */
	size_t nclaim;
	bool no_claim;			/* no volume on a claim at all */
	long long replicas;		/* 0: 1 */
	long long scaled_max;		/* 0: no autoscaler */
	const char *image;		/* NULL: nginx:1.25; "": no container image */
	const char *skip, *convert;
	bool merge_keys, alias, no_selector;
	bool all;
	const char *select, *exclude;
	const char *size;		/* --storage-size */
	/* the verdict expected */
	bool conv;
	enum code reason;
	enum code row;			/* CODE__COUNT: not judged */
	bool chosen;
	enum decide_stop stop;
	size_t first;			/* first writable claim (when judged) */
};

static const struct tcase cases[] = {
	/* which Deployments are judged at all */
	{ .what = "apiVersion apps/v2 is not a Deployment stsify converts", .api = "apps/v2", .replicas = 3,
	  .reason = CODE_API_VERSION, .row = CODE__COUNT },
	{ .what = "apiVersion apps/v1beta1 is judged", .api = "apps/v1beta1", .replicas = 3,
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "apiVersion apps/v1beta2 is judged", .api = "apps/v1beta2", .replicas = 3,
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "apiVersion extensions/v1beta1 is judged", .api = "extensions/v1beta1", .replicas = 3,
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "no name", .name = "", .replicas = 3, .reason = CODE_NO_NAME, .row = CODE__COUNT },
	{ .what = "apiVersion is checked before the name", .api = "v1", .name = "", .reason = CODE_API_VERSION,
	  .row = CODE__COUNT },
	{ .what = "no pod template", .no_template = true, .replicas = 3, .reason = CODE_NO_POD_TEMPLATE,
	  .row = CODE__COUNT },
	{ .what = "no claim", .no_claim = true, .replicas = 3, .reason = CODE_NO_WRITABLE_CLAIM,
	  .row = CODE__COUNT },

	/* writable claims */
	{ .what = "a volume with readOnly: true is not writable", CLAIMS(ro_volume), .replicas = 3,
	  .reason = CODE_NO_WRITABLE_CLAIM, .row = CODE__COUNT },
	{ .what = "a claim no container mounts writably is not writable", CLAIMS(ro_mounts), .replicas = 3,
	  .reason = CODE_NO_WRITABLE_CLAIM, .row = CODE__COUNT },
	{ .what = "a claim that is only ReadOnlyMany is not writable", CLAIMS(rox), .replicas = 3,
	  .reason = CODE_NO_WRITABLE_CLAIM, .row = CODE__COUNT },
	{ .what = "ReadOnlyMany with ReadWriteOnce is writable", CLAIMS(rox_rwo), .replicas = 3, .conv = true,
	  .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "ReadOnlyMany with ReadWriteOncePod is writable", CLAIMS(rox_rwop), .replicas = 3,
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "ReadOnlyMany with ReadWriteMany is writable (and ReadWriteMany)", CLAIMS(rox_rwx),
	  .replicas = 3, .reason = CODE_SHARED_RWX, .row = CODE_SHARED_RWX },
	{ .what = "a claim not in the input is writable, and not ReadWriteMany; without --storage-size it stops",
	  CLAIMS(not_found), .replicas = 3, .reason = CODE_CLAIM_NOT_FOUND, .row = CODE_SHARED_PVC,
	  .chosen = true, .stop = DECIDE_CLAIM_NOT_FOUND },
	{ .what = "a claim not in the input converts with --storage-size", CLAIMS(not_found), .size = "5Gi",
	  .replicas = 3, .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "a claim not in the input stops a stateful image too", CLAIMS(not_found), .image = "postgres:16",
	  .reason = CODE_CLAIM_NOT_FOUND, .row = CODE_STATEFUL_DEPLOYMENT, .chosen = true,
	  .stop = DECIDE_CLAIM_NOT_FOUND },
	{ .what = "a claim not in the input stops the annotation too", CLAIMS(not_found), .convert = "true",
	  .reason = CODE_CLAIM_NOT_FOUND, .row = CODE_ANNOTATION, .chosen = true, .stop = DECIDE_CLAIM_NOT_FOUND },
	{ .what = "the selector is checked before a missing claim", CLAIMS(not_found), .replicas = 3,
	  .no_selector = true, .reason = CODE_NO_SELECTOR, .row = CODE_SHARED_PVC, .chosen = true,
	  .stop = DECIDE_NO_SELECTOR },
	{ .what = "the first writable claim is the one reported", CLAIMS(ro_rwx_then_rwo), .replicas = 3,
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true, .first = 1 },

	/* row 1-2: the annotations */
	{ .what = "stsify.dev/skip: true leaves a shared claim alone", .skip = "true", .replicas = 3,
	  .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION },
	{ .what = "stsify.dev/skip: True", .skip = "True", .replicas = 3, .reason = CODE_ANNOTATION,
	  .row = CODE_ANNOTATION },
	{ .what = "stsify.dev/skip: TRUE", .skip = "TRUE", .replicas = 3, .reason = CODE_ANNOTATION,
	  .row = CODE_ANNOTATION },
	{ .what = "stsify.dev/skip: yes is not true", .skip = "yes", .replicas = 3, .conv = true,
	  .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "stsify.dev/skip: false", .skip = "false", .reason = CODE_SINGLE_REPLICA_PVC,
	  .row = CODE_SINGLE_REPLICA_PVC },
	{ .what = "skip wins over convert", .skip = "true", .convert = "true", .reason = CODE_ANNOTATION,
	  .row = CODE_ANNOTATION },
	{ .what = "stsify.dev/convert: true converts one replica", .convert = "true", .conv = true,
	  .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION, .chosen = true },
	{ .what = "stsify.dev/convert: true converts what --exclude leaves out", .convert = "true",
	  .exclude = "^db$", .conv = true, .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION, .chosen = true },
	{ .what = "stsify.dev/convert: true converts a shared ReadWriteMany claim", .convert = "true",
	  CLAIMS(rwx), .replicas = 3, .conv = true, .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION,
	  .chosen = true },
	{ .what = "the annotations are read before --select", .skip = "true", .select = "^web$",
	  .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION },

	/* row 3: --select and --exclude */
	{ .what = "--exclude leaves a shared claim alone", .exclude = "^db$", .replicas = 3,
	  .reason = CODE_NOT_SELECTED, .row = CODE_NOT_SELECTED },
	{ .what = "--select of another name", .select = "^web$", .replicas = 3, .reason = CODE_NOT_SELECTED,
	  .row = CODE_NOT_SELECTED },
	{ .what = "--select of its name", .select = "^d", .replicas = 3, .conv = true, .reason = CODE_SHARED_PVC,
	  .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "--select is read before --all", .select = "^web$", .all = true, .reason = CODE_NOT_SELECTED,
	  .row = CODE_NOT_SELECTED },

	/* row 4: shared ReadWriteMany */
	{ .what = "a shared ReadWriteMany claim is reported only", CLAIMS(rwx), .replicas = 3,
	  .reason = CODE_SHARED_RWX, .row = CODE_SHARED_RWX },
	{ .what = "ReadWriteMany with ReadWriteOnce is ReadWriteMany", CLAIMS(rwx_rwo), .replicas = 3,
	  .reason = CODE_SHARED_RWX, .row = CODE_SHARED_RWX },
	{ .what = "ReadWriteMany on one replica is shared-rwx too", CLAIMS(rwx), .reason = CODE_SHARED_RWX,
	  .row = CODE_SHARED_RWX },
	{ .what = "a ReadWriteOnce claim beside a ReadWriteMany one is judged on its own", CLAIMS(rwo_then_rwx),
	  .size = "1Gi", .replicas = 3, .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC,
	  .chosen = true },
	{ .what = "every writable claim ReadWriteMany is shared-rwx", CLAIMS(rwx_rwx), .replicas = 3,
	  .reason = CODE_SHARED_RWX, .row = CODE_SHARED_RWX },
	{ .what = "a read-only ReadWriteOnce claim beside ReadWriteMany is still shared-rwx", CLAIMS(ro_rwo_then_rwx),
	  .replicas = 3, .reason = CODE_SHARED_RWX, .row = CODE_SHARED_RWX, .first = 1 },
	{ .what = "ReadWriteMany with a stateful image goes on to the next rows", CLAIMS(rwx),
	  .image = "postgres:16", .replicas = 3, .conv = true, .reason = CODE_SHARED_PVC,
	  .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "ReadWriteMany with --all goes on to the next rows", CLAIMS(rwx), .all = true,
	  .conv = true, .reason = CODE_STATEFUL_DEPLOYMENT, .row = CODE_STATEFUL_DEPLOYMENT, .chosen = true },

	/* row 5: shared by several replicas */
	{ .what = "replicas 3", .replicas = 3, .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC,
	  .chosen = true },
	{ .what = "replicas 2", .replicas = 2, .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC,
	  .chosen = true },
	{ .what = "an autoscaler up to 5", .scaled_max = 5, .conv = true, .reason = CODE_SHARED_PVC,
	  .row = CODE_SHARED_PVC, .chosen = true },
	{ .what = "an autoscaler up to 1 is not sharing", .scaled_max = 1, .reason = CODE_SINGLE_REPLICA_PVC,
	  .row = CODE_SINGLE_REPLICA_PVC },
	{ .what = "shared-pvc comes before a stateful image", .replicas = 3, .image = "postgres:16",
	  .conv = true, .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true },

	/* row 6: stateful image or --all */
	{ .what = "a stateful image on one replica", .image = "postgres:16", .conv = true,
	  .reason = CODE_STATEFUL_DEPLOYMENT, .row = CODE_STATEFUL_DEPLOYMENT, .chosen = true },
	{ .what = "a stateful image with a registry and a path", .image = "registry.example.com:5000/team/redis:7",
	  .conv = true, .reason = CODE_STATEFUL_DEPLOYMENT, .row = CODE_STATEFUL_DEPLOYMENT, .chosen = true },
	{ .what = "--all on one replica", .all = true, .conv = true, .reason = CODE_STATEFUL_DEPLOYMENT,
	  .row = CODE_STATEFUL_DEPLOYMENT, .chosen = true },

	/* row 7: otherwise */
	{ .what = "one replica, not stateful", .reason = CODE_SINGLE_REPLICA_PVC, .row = CODE_SINGLE_REPLICA_PVC },
	{ .what = "one replica, no image at all", .image = "", .reason = CODE_SINGLE_REPLICA_PVC,
	  .row = CODE_SINGLE_REPLICA_PVC },

	/* a Deployment chosen for conversion and still left as it is */
	{ .what = "merge keys stop a conversion", .replicas = 3, .merge_keys = true,
	  .reason = CODE_UNSUPPORTED_ALIAS, .row = CODE_SHARED_PVC, .chosen = true, .stop = DECIDE_MERGE_KEYS },
	{ .what = "an alias read stops a conversion; the reason stays the row's", .replicas = 3, .alias = true,
	  .reason = CODE_SHARED_PVC, .row = CODE_SHARED_PVC, .chosen = true, .stop = DECIDE_ALIAS },
	{ .what = "no selector nor labels stops a conversion", .replicas = 3, .no_selector = true,
	  .reason = CODE_NO_SELECTOR, .row = CODE_SHARED_PVC, .chosen = true, .stop = DECIDE_NO_SELECTOR },
	{ .what = "merge keys are checked before an alias", .replicas = 3, .merge_keys = true, .alias = true,
	  .no_selector = true, .reason = CODE_UNSUPPORTED_ALIAS, .row = CODE_SHARED_PVC, .chosen = true,
	  .stop = DECIDE_MERGE_KEYS },
	{ .what = "an alias is checked before the selector", .convert = "true", .alias = true,
	  .no_selector = true, .reason = CODE_ANNOTATION, .row = CODE_ANNOTATION, .chosen = true,
	  .stop = DECIDE_ALIAS },
	{ .what = "what is not chosen is not stopped", .merge_keys = true, .alias = true, .no_selector = true,
	  .reason = CODE_SINGLE_REPLICA_PVC, .row = CODE_SINGLE_REPLICA_PVC },
};

static const char *cname(enum code c)
{
	return c == CODE__COUNT ? "(no row)" : code_name(c);
}

static void check_case(const struct tcase *t)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	const char *img = t->image ? t->image : "nginx:1.25";
	struct decide_input in = {
		.api = t->api ? t->api : "apps/v1",
		.name = t->name ? t->name : "db",
		.pod_template = !t->no_template,
		.claim = t->no_claim ? NULL : t->claim ? t->claim : rwo,
		.nclaim = t->no_claim ? 0 : t->claim ? t->nclaim : 1,
		.replicas = t->replicas ? t->replicas : 1,
		.scaled_max = t->scaled_max ? t->scaled_max : -1,
		.image = &img,
		.nimage = *img ? 1 : 0,
		.skip = t->skip,
		.convert = t->convert,
		.merge_keys = t->merge_keys,
		.alias = t->alias,
		.selector = !t->no_selector,
	};
	struct rules ru;
	struct verdict v;
	char *err = NULL;

	opt.all = t->all;
	opt.select = t->select;
	opt.exclude = t->exclude;
	opt.storage_size = t->size;
	cr_assert_eq(rules_init(&ru, &opt, &err), 0, "%s: rules_init: %s", t->what, TL_STR(err));
	decide(&in, &opt, &ru, &v);
	rules_release(&ru);
	cr_expect(v.convert == t->conv, "%s: expected %s, got %s", t->what,
		  t->conv ? "converted" : "left as it is", v.convert ? "converted" : "left as it is");
	cr_expect(v.reason == t->reason, "%s: reason: expected %s, got %s", t->what, cname(t->reason),
		  cname(v.reason));
	cr_expect(v.row == t->row, "%s: row: expected %s, got %s", t->what, cname(t->row), cname(v.row));
	cr_expect(v.chosen == t->chosen, "%s: chosen: expected %d, got %d", t->what, t->chosen, v.chosen);
	cr_expect(v.stop == t->stop, "%s: stop: expected %d, got %d", t->what, t->stop, v.stop);
	if (t->row != CODE__COUNT)
		cr_expect(v.claim == t->first, "%s: first writable claim: expected %zu, got %zu", t->what,
			  t->first, v.claim);
}

Test(decide, every_row_of_the_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

Test(decide, the_verdict_names_the_stateful_image_and_rwx)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	const char *imgs[] = { "nginx:1.25", "docker.io/library/postgres:16", "redis:7" };
	struct decide_input in = { .api = "apps/v1", .name = "db", .pod_template = true, CLAIMS(rwo_then_rwx),
				   .replicas = 1, .scaled_max = -1, .image = imgs, .nimage = 3, .selector = true };
	struct rules ru;
	struct verdict v;
	char *err = NULL;

	opt.storage_size = "1Gi";	/* claim b is not in the input */
	cr_assert_eq(rules_init(&ru, &opt, &err), 0, "rules_init: %s", TL_STR(err));
	decide(&in, &opt, &ru, &v);
	rules_release(&ru);
	assert_str_eq(v.image, "docker.io/library/postgres:16", "the first stateful image");
	cr_expect(v.rwx, "a writable claim is ReadWriteMany: expected rwx, got none");
	assert_size_eq(v.claim, 0);
	cr_expect(v.reason == CODE_STATEFUL_DEPLOYMENT, "reason: expected stateful-deployment, got %s",
		  cname(v.reason));
}

/* Judge db (claims cl, replicas, autoscaler max, one image) with opt. */
static void judge_one(struct stsify_options *opt, const struct decide_claim *cl, size_t ncl, long long replicas,
		      long long scaled_max, const char *img, struct verdict *v)
{
	struct decide_input in = { .api = "apps/v1", .name = "db", .pod_template = true, .claim = cl,
				   .nclaim = ncl, .replicas = replicas, .scaled_max = scaled_max, .image = &img,
				   .nimage = 1, .selector = true };
	struct rules ru;
	char *err = NULL;

	cr_assert_eq(rules_init(&ru, opt, &err), 0, "rules_init: %s", TL_STR(err));
	decide(&in, opt, &ru, v);
	rules_release(&ru);
}

Test(decide, each_claim_is_judged_on_its_own)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct verdict v;

	/* a: RWO, b: not found, c: RWX; nginx on 3 replicas */
	judge_one(&opt, rwo_then_rwx, 3, 3, -1, "nginx:1.25", &v);
	cr_expect(v.reason == CODE_CLAIM_NOT_FOUND, "claim b is not in the input: expected claim-not-found, got %s",
		  cname(v.reason));
	assert_size_eq(v.missing, 1);
	assert_size_eq(v.rwx_claim, 2);
	cr_expect(!v.template_rwx, "RWX claim c beside RWO ones stays shared: expected template_rwx false");
	cr_expect(decide_templated(&(struct decide_input){ CLAIMS(rwo_then_rwx) }, &v, 0) &&
			  !decide_templated(&(struct decide_input){ CLAIMS(rwo_then_rwx) }, &v, 2),
		  "expected a templated and c not");
	opt.storage_size = "2Gi";
	judge_one(&opt, rwo_then_rwx, 3, 3, -1, "nginx:1.25", &v);
	cr_expect(v.convert, "with --storage-size: expected converted, got %s", cname(v.reason));
	judge_one(&opt, rwo_then_rwx, 3, 3, -1, "postgres:16", &v);
	cr_expect(v.template_rwx, "a stateful image makes every claim a template: expected template_rwx");
	judge_one(&opt, rwx, 1, 3, -1, "nginx:1.25", &v);
	assert_size_eq(v.rwx_claim, 0);
	assert_size_eq(v.claim, 0);
}

Test(decide, single_writer_images_with_replicas_are_independent)
{
	static const struct {
		const char *image;
		long long replicas, scaled_max;
		bool independent;
	} t[] = {
		{ "postgres:16", 3, -1, true },
		{ "registry.example.com/team/docker-postgres:15", 3, -1, true },
		{ "bitnami/postgresql:16.2.0", 2, -1, true },
		{ "timescale/timescaledb-ha:pg16", 2, -1, true },
		{ "mysql:8", 1, 4, true },
		{ "docker.io/library/mongo:7", 2, -1, true },
		{ "valkey/valkey:8-alpine", 2, -1, true },
		{ "percona/percona-server-mongodb:7.0", 2, -1, true },
		{ "postgres:16", 1, -1, false },
		{ "postgres:16", 1, 1, false },
		{ "prometheuscommunity/postgres-exporter:v0.15", 3, -1, false },
		{ "bitnami/redis-sentinel:7", 3, -1, false },
		{ "percona/percona-xtradb-cluster:8.0", 3, -1, false },
		{ "bitnami/mariadb-galera:11", 3, -1, false },
		{ "elasticsearch:8.13.0", 3, -1, false },
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct verdict v;

		judge_one(&opt, rwo, 1, t[i].replicas, t[i].scaled_max, t[i].image, &v);
		cr_expect(v.independent == t[i].independent, "%s (replicas %lld, max %lld): expected independent %d, got %d",
			  t[i].image, t[i].replicas, t[i].scaled_max, t[i].independent, v.independent);
	}
}

Test(decide, a_single_writer_image_is_stateful_unless_stateful_images_is_given)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct verdict v;

	judge_one(&opt, rwo, 1, 1, -1, "registry.example.com/team/docker-postgres:15", &v);
	cr_expect(v.reason == CODE_STATEFUL_DEPLOYMENT, "docker-postgres is postgres: expected stateful-deployment, got %s",
		  cname(v.reason));
	assert_str_eq(v.single_writer, "registry.example.com/team/docker-postgres:15", "the single-writer image");
	opt.stateful_images = "^myco/";
	judge_one(&opt, rwo, 1, 1, -1, "registry.example.com/team/docker-postgres:15", &v);
	cr_expect(v.reason == CODE_SINGLE_REPLICA_PVC,
		  "--stateful-images replaces both patterns: expected single-replica-pvc, got %s", cname(v.reason));
	opt.stateful_images = NULL;
	opt.single_writer_images = "^myco/ledger";
	judge_one(&opt, rwo, 1, 3, -1, "myco/ledger:2", &v);
	cr_expect(v.independent, "--single-writer-images replaces the pattern: expected independent");
	judge_one(&opt, rwo, 1, 3, -1, "postgres:16", &v);
	cr_expect(!v.independent, "--single-writer-images replaces the pattern: expected postgres not independent");
}

Test(decide, an_unjudged_verdict_has_no_claim_and_no_image)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	const char *img = "postgres:16";
	struct decide_input in = { .api = "apps/v1", .name = "db", .pod_template = true, CLAIMS(ro_volume),
				   .replicas = 3, .scaled_max = -1, .image = &img, .nimage = 1, .selector = true };
	struct rules ru;
	struct verdict v;
	char *err = NULL;

	cr_assert_eq(rules_init(&ru, &opt, &err), 0, "rules_init: %s", TL_STR(err));
	decide(&in, &opt, &ru, &v);
	rules_release(&ru);
	cr_expect(v.claim == SIZE_MAX, "claim: expected none, got %zu", v.claim);
	cr_expect(v.image == NULL, "image: expected none, got \"%s\"", TL_STR(v.image));
	cr_expect(v.row == CODE__COUNT, "row: expected none, got %s", cname(v.row));
}

Test(decide, truthy_values_are_those_kubernetes_reads_as_true)
{
	static const struct {
		const char *value;
		bool want;
	} t[] = {
		{ "true", true }, { "True", true }, { "TRUE", true }, { "tRUE", false }, { "yes", false },
		{ "1", false },	  { "on", false },  { "", false },     { NULL, false },	  { "true ", false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect(decide_truthy(t[i].value) == t[i].want, "decide_truthy(\"%s\"): expected %d, got %d",
			  TL_STR(t[i].value), t[i].want, !t[i].want);
}

Test(decide, api_versions_of_deployments)
{
	static const struct {
		const char *api;
		bool want;
	} t[] = {
		{ "apps/v1", true },	     { "apps/v1beta1", true }, { "apps/v1beta2", true },
		{ "extensions/v1beta1", true }, { "apps/v2", false },     { "v1", false },
		{ "", false },		     { NULL, false },	       { "apps/v1 ", false },
	};

	/* no kind: a Deployment, the first row of the workload table */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect(decide_api(NULL, t[i].api) == t[i].want, "decide_api(NULL, \"%s\"): expected %d, got %d",
			  TL_STR(t[i].api), t[i].want, !t[i].want);
}

/* Every kind is judged with the API versions the workload table gives it. */
Test(decide, api_versions_of_each_kind)
{
	static const struct {
		const char *kind, *api;
		bool want;
	} t[] = {
		{ "Deployment", "apps/v1", true },
		{ "ReplicaSet", "apps/v1", true },
		{ "ReplicaSet", "v1", false },
		{ "ReplicationController", "v1", true },
		{ "ReplicationController", "apps/v1", false },
		{ "DeploymentConfig", "apps.openshift.io/v1", true },
		{ "DeploymentConfig", "apps/v1", false },
		{ "StatefulSet", "apps/v1", false },
		{ "Rollout", "argoproj.io/v1alpha1", true },
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct rules ru;
	char *err = NULL;

	cr_assert_eq(rules_init(&ru, &opt, &err), 0, "rules_init: %s", TL_STR(err));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct decide_input in = { .kind = t[i].kind, .api = t[i].api, .name = "db", .pod_template = true,
					   .scaled_max = -1, .selector = true };
		struct verdict v;

		cr_expect(decide_api(t[i].kind, t[i].api) == t[i].want, "decide_api(\"%s\", \"%s\"): expected %d, got %d",
			  t[i].kind, t[i].api, t[i].want, !t[i].want);
		decide(&in, &opt, &ru, &v);
		cr_expect_eq(v.reason == CODE_API_VERSION, !t[i].want, "%s %s: expected reason %s, got %s", t[i].kind,
			     t[i].api, t[i].want ? "no-writable-claim" : "api-version", code_name(v.reason));
	}
	rules_release(&ru);
}

Test(decide, writable_claims)
{
	static const struct {
		const char *what;
		struct decide_claim cl;
		bool want;
	} t[] = {
		{ "mounted writably, ReadWriteOnce", { "d", false, true, true, RWO }, true },
		{ "not in the input", { "d", false, true, false, 0 }, true },
		{ "in the input without access modes", { "d", false, true, true, 0 }, true },
		{ "readOnly volume", { "d", true, true, true, RWO }, false },
		{ "only read-only mounts", { "d", false, false, true, RWO }, false },
		{ "only ReadOnlyMany", { "d", false, true, true, ROX }, false },
		{ "ReadOnlyMany and ReadWriteOnce", { "d", false, true, true, ROX | RWO }, true },
		{ "ReadOnlyMany and ReadWriteMany", { "d", false, true, true, ROX | RWX }, true },
		{ "ReadOnlyMany and ReadWriteOncePod", { "d", false, true, true, ROX | RWOP }, true },
		{ "ReadWriteOncePod", { "d", false, true, true, RWOP }, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect(decide_claim_writable(&t[i].cl) == t[i].want, "%s: expected %s, got %s", t[i].what,
			  t[i].want ? "writable" : "not writable", t[i].want ? "not writable" : "writable");
}
