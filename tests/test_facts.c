/*
 * test_facts.c - what the planner reads from the span trees for the
 * decision (facts.h): the claims and how they are mounted, replicas and
 * autoscalers, images, annotations, aliases, selector.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "facts.h"
#include "test_lib.h"
#include "test_planfix.h"

#define HEAD(api, extra)                                                                          \
	"apiVersion: " api "\nkind: Deployment\nmetadata:\n  name: db\n" extra "spec:\n"
#define TEMPLATE                                                                                  \
	"  selector:\n    matchLabels:\n      app: db\n"                                          \
	"  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n"

/* Read the facts of Deployment "db" of texts[0..n). */
static void read_db(struct planfix *f, struct facts *fa, const char *const *texts, size_t n)
{
	static const char *const paths[] = { "a.yaml", "b.yaml", "c.yaml", "d.yaml" };

	planfix_init(f, NULL, paths, texts, n);
	facts_read(f->c, planfix_find(f, "Deployment", "db"), fa);
}

static void done(struct planfix *f, struct facts *fa)
{
	facts_release(fa);
	planfix_release(f);
}

Test(facts, claims_and_how_they_are_mounted)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "") TEMPLATE
		"      initContainers:\n      - name: init\n        image: busybox\n"
		"        volumeMounts:\n        - name: seed\n          mountPath: /s\n"
		"      containers:\n      - name: c\n        image: nginx\n"
		"        volumeMounts:\n        - name: data\n          mountPath: /d\n"
		"        - name: ro\n          mountPath: /r\n          readOnly: true\n"
		"        - name: seed\n          mountPath: /s\n          readOnly: true\n"
		"        volumeDevices:\n        - name: raw\n          devicePath: /dev/x\n"
		"      volumes:\n"
		"      - name: data\n        persistentVolumeClaim:\n          claimName: d\n"
		"      - name: ro\n        persistentVolumeClaim:\n          claimName: r\n"
		"      - name: seed\n        persistentVolumeClaim:\n          claimName: s\n"
		"      - name: raw\n        persistentVolumeClaim:\n          claimName: x\n"
		"      - name: pinned\n        persistentVolumeClaim:\n          claimName: p\n          readOnly: true\n"
		"      - name: unused\n        persistentVolumeClaim:\n          claimName: u\n"
		"      - name: tmp\n        emptyDir: {}\n",
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n"
		"  accessModes: [ReadWriteMany, ReadOnlyMany]\n---\n"
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: x\nspec:\n"
		"  accessModes: [ReadWriteOncePod]\n",
	};
	static const struct {
		const char *name;
		bool read_only, mounted_writable, found;
		unsigned modes;
	} want[] = {
		{ "d", false, true, true, DECIDE_RWX | DECIDE_ROX },
		{ "r", false, false, false, 0 },
		{ "s", false, true, false, 0 },		/* the init container writes it */
		{ "x", false, true, true, DECIDE_RWOP },	/* a volumeDevices entry writes */
		{ "p", true, false, false, 0 },
		{ "u", false, false, false, 0 },	/* mounted by no container */
	};
	struct planfix f;
	struct facts fa;

	read_db(&f, &fa, texts, 2);
	assert_size_eq(fa.in.nclaim, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct decide_claim *cl = &fa.in.claim[i];

		assert_str_eq(cl->name, want[i].name, "claim name");
		cr_expect(cl->read_only == want[i].read_only, "claim %s: readOnly expected %d, got %d",
			  want[i].name, want[i].read_only, cl->read_only);
		cr_expect(cl->mounted_writable == want[i].mounted_writable,
			  "claim %s: mounted writably expected %d, got %d", want[i].name, want[i].mounted_writable,
			  cl->mounted_writable);
		cr_expect(cl->found == want[i].found, "claim %s: found expected %d, got %d", want[i].name,
			  want[i].found, cl->found);
		cr_expect(cl->modes == want[i].modes, "claim %s: modes expected %#x, got %#x", want[i].name,
			  want[i].modes, cl->modes);
	}
	assert_scalar(fa.use[0].claim, "d");
	assert_str_eq(fa.use[0].volname, "data", "the pod volume of claim d");
	cr_expect(fa.use[0].rwx, "claim d lists ReadWriteMany: expected rwx");
	done(&f, &fa);
}

Test(facts, the_writable_claims_in_order)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "") TEMPLATE
		"      containers:\n      - name: c\n        image: nginx\n"
		"        volumeMounts:\n        - {name: a, mountPath: /a, readOnly: true}\n"
		"        - {name: b, mountPath: /b}\n        - {name: c, mountPath: /c}\n"
		"      volumes:\n"
		"      - {name: a, persistentVolumeClaim: {claimName: ca}}\n"
		"      - {name: b, persistentVolumeClaim: {claimName: cb}}\n"
		"      - {name: c, persistentVolumeClaim: {claimName: cc}}\n",
	};
	struct planfix f;
	struct facts fa;
	struct claim_use *cu;
	size_t n;

	read_db(&f, &fa, texts, 1);
	n = facts_writable(&fa, &cu);
	assert_size_eq(n, 2);
	assert_str_eq(cu[0].volname, "b", "the first writable claim's volume");
	assert_str_eq(cu[1].volname, "c", "the second writable claim's volume");
	free(cu);
	done(&f, &fa);
}

#define ONE_CLAIM                                                                                 \
	"      containers:\n      - name: c\n        image: docker.io/library/postgres:16\n"        \
	"        volumeMounts:\n        - {name: data, mountPath: /d}\n"                             \
	"      - name: side\n        image: nginx\n"                                                 \
	"      volumes:\n      - {name: data, persistentVolumeClaim: {claimName: d}}\n"

Test(facts, replicas_autoscalers_images_annotations)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "  annotations:\n    stsify.dev/skip: \"True\"\n    stsify.dev/convert: [true]\n")
		TEMPLATE ONE_CLAIM,
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n"
		"  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: db}\n  maxReplicas: 4\n---\n"
		"apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: k\nspec:\n"
		"  scaleTargetRef: {name: db}\n---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: other\n"
		"  namespace: elsewhere\nspec:\n"
		"  scaleTargetRef: {kind: Deployment, name: db}\n  maxReplicas: 900\n",
	};
	struct planfix f;
	struct facts fa;

	read_db(&f, &fa, texts, 2);
	assert_int_eq(fa.in.replicas, 1);	/* unset counts as 1 */
	assert_int_eq(fa.in.scaled_max, 100);	/* KEDA's default beats the HPA's 4 */
	cr_assert(fa.scaler, "expected the autoscaler of the maximum, got none");
	assert_str_eq(fa.scaler->name, "k", "the autoscaler of the maximum");
	assert_size_eq(fa.in.nimage, 2);
	assert_str_eq(fa.in.image[0], "docker.io/library/postgres:16", "the first image");
	assert_str_eq(fa.in.image[1], "nginx", "the second image");
	assert_str_eq(fa.in.skip, "True", "annotation stsify.dev/skip");
	assert_str_eq(fa.in.convert, NULL, "annotation stsify.dev/convert (not a scalar)");
	cr_expect(fa.in.selector, "the Deployment has a selector: expected selector");
	cr_expect(!fa.in.merge_keys && !fa.in.alias, "no alias: expected none, got merge keys %d, alias %d",
		  fa.in.merge_keys, fa.in.alias);
	done(&f, &fa);
}

Test(facts, replicas_and_no_selector)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "") "  replicas: 3\n  template:\n    spec:\n" ONE_CLAIM,
	};
	struct planfix f;
	struct facts fa;

	read_db(&f, &fa, texts, 1);
	assert_int_eq(fa.in.replicas, 3);
	assert_int_eq(fa.in.scaled_max, -1);
	cr_expect(fa.scaler == NULL, "no autoscaler: expected none, got \"%s\"",
		  fa.scaler ? fa.scaler->name : "");
	cr_expect(!fa.in.selector, "neither selector nor labels: expected no selector");
	done(&f, &fa);
}

Test(facts, merge_keys_and_aliases)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "") "  replicas: 2\n  selector:\n    matchLabels: &l\n      app: db\n"
		"  template:\n    metadata:\n      labels: *l\n    spec:\n" ONE_CLAIM,
		HEAD("apps/v1", "") "  <<: {replicas: 2}\n" TEMPLATE ONE_CLAIM,
	};
	static const char *const claim_merge[] = {
		HEAD("apps/v1", "") "  replicas: 2\n" TEMPLATE ONE_CLAIM,
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n"
		"  <<: {accessModes: [ReadWriteOnce]}\n",
	};
	static const char *const paths[] = { "a.yaml" };
	struct planfix f;
	struct facts fa;

	/* an alias in the spec: read through it */
	read_db(&f, &fa, texts, 1);
	cr_expect(fa.in.alias, "labels: *l: expected an alias read");
	cr_expect(!fa.in.merge_keys, "no merge key: expected none");
	cr_expect(fa.alias_claim == SIZE_MAX, "the alias is the Deployment's: expected no claim, got %zu",
		  fa.alias_claim);
	done(&f, &fa);

	/* a merge key in the Deployment */
	planfix_init(&f, NULL, paths, &texts[1], 1);
	facts_read(f.c, planfix_find(&f, "Deployment", "db"), &fa);
	cr_expect(fa.in.merge_keys, "<<: expected merge keys");
	done(&f, &fa);

	/* a merge key in the claim's spec */
	read_db(&f, &fa, claim_merge, 2);
	cr_expect(fa.in.alias, "<< in the claim's spec: expected an alias");
	assert_size_eq(fa.alias_claim, 0);
	facts_report_alias(f.c, planfix_find(&f, "Deployment", "db"), &fa);
	assert_str_eq(planfix_codes(&f), "unsupported-alias", "the findings");
	done(&f, &fa);
}

Test(facts, nothing_is_read_past_what_decide_reads)
{
	static const char *const texts[] = {
		HEAD("apps/v2", "") "  replicas: 3\n" TEMPLATE ONE_CLAIM,
		HEAD("apps/v1", "") "  replicas: 3\n" TEMPLATE
		"      containers:\n      - name: c\n        image: postgres\n"
		"      volumes:\n      - {name: data, persistentVolumeClaim: {claimName: d}}\n",
	};
	static const char *const paths[] = { "a.yaml" };
	struct planfix f;
	struct facts fa;

	planfix_init(&f, NULL, paths, &texts[0], 1);
	facts_read(f.c, planfix_find(&f, "Deployment", "db"), &fa);
	assert_size_eq(fa.in.nclaim, 0);
	cr_expect(fa.in.pod_template, "it has a pod template: expected pod_template");
	done(&f, &fa);

	/* a claim that no container mounts: not writable, nothing more read */
	planfix_init(&f, NULL, paths, &texts[1], 1);
	facts_read(f.c, planfix_find(&f, "Deployment", "db"), &fa);
	assert_size_eq(fa.in.nclaim, 1);
	assert_size_eq(fa.in.nimage, 0);
	assert_int_eq(fa.in.replicas, 0);
	done(&f, &fa);
}

/* A workload without a claim is read no further, unless a build converts
 * it for a claim that its patch adds (facts_read_rest()). */
Test(facts, the_rest_of_a_workload_without_a_claim)
{
	static const char *const texts[] = {
		HEAD("apps/v1", "") "  replicas: 3\n" TEMPLATE
		"      containers:\n      - name: c\n        image: postgres:16\n"
		"      volumes:\n      - name: tmp\n        emptyDir: {}\n",
	};
	struct planfix f;
	struct facts fa;

	read_db(&f, &fa, texts, 1);
	cr_assert_eq(fa.in.nclaim, 0, "expected no claim, got %zu", fa.in.nclaim);
	cr_assert_eq(fa.in.replicas, 0, "expected replicas unread (0), got %lld", fa.in.replicas);
	cr_assert(!fa.in.selector, "expected the selector unread");
	facts_read_rest(f.c, planfix_find(&f, "Deployment", "db"), &fa);
	cr_assert_eq(fa.in.replicas, 3, "expected 3 replicas, got %lld", fa.in.replicas);
	cr_assert(fa.in.selector, "expected the selector read");
	cr_assert_eq(fa.in.nimage, 1, "expected one image, got %zu", fa.in.nimage);
	cr_assert_str_eq(fa.in.image[0], "postgres:16", "the image");
	done(&f, &fa);
}
