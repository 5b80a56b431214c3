/*
 * test_rules.c - the patterns of rules.c where they are searched for by
 * hand first (the "deploy" of a stale reference, 16 places at a time).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "rules.h"
#include "stsify.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

static unsigned kind_bit(const char *kind)
{
	const struct workload *w = workload_named(kind);

	cr_assert(w, "no row for kind %s", kind);
	return 1u << workload_index(w);
}

Test(rules, reference_found_at_every_offset_in_any_case)
{
	static const char *const words[] = { "deploy/orders-db", "DePloYment orders-db", "deployments.apps/orders-db",
					     "DEPLOY  orders-db" };
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct rules ru;
	char *why = NULL;
	unsigned dep = kind_bit("Deployment");
	const struct workload *wl;

	cr_assert_eq(rules_init(&ru, &opt, &why), 0);
	for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++) {
		for (size_t k = 0; k < 40; k++) {
			struct strbuf sb = STRBUF_INIT;
			size_t name, nlen, at, want;

			/* deploy-like words that are not references come first */
			strbuf_addstr(&sb, "# redeploy x; deplo y; deploy\n");
			strbuf_addchars(&sb, 'a' + (char)(k % 26), k);
			strbuf_addch(&sb, ' ');
			want = sb.len;
			strbuf_addf(&sb, "%s and more\nkubectl rollout restart deploy/other\n", words[w]);
			at = rules_next_reference(&ru, sb.buf, sb.len, 0, dep, &name, &nlen, &wl);
			cr_assert_eq(at, want, "\"%s\" after %zu bytes: found at %zu", words[w], k, at);
			cr_assert_str_eq(wl->kind, "Deployment", "\"%s\": expected kind Deployment, got %s", words[w],
					 wl->kind);
			cr_assert_eq(nlen, strlen("orders-db"));
			cr_assert_eq(memcmp(sb.buf + name, "orders-db", nlen), 0);
			/* the next one, then none */
			at = rules_next_reference(&ru, sb.buf, sb.len, at + 1, dep, &name, &nlen, &wl);
			cr_assert_eq(memcmp(sb.buf + name, "other", 5), 0, "second reference at %zu", at);
			cr_assert_eq(rules_next_reference(&ru, sb.buf, sb.len, at + 1, dep, &name, &nlen, &wl), NOPOS);
			/* cut short: the word at the very end of the buffer */
			cr_assert_eq(rules_next_reference(&ru, sb.buf, want + 5, 0, dep, &name, &nlen, &wl), NOPOS);
			strbuf_release(&sb);
		}
	}
	rules_release(&ru);
}

/* Each kind's names, found only when that kind is asked for, and the
 * row they name. */
Test(rules, reference_of_each_kind)
{
	static const struct {
		const char *text, *kind;
	} cases[] = {
		{ "kubectl scale rs/orders-db", "ReplicaSet" },
		{ "kubectl get replicasets.apps orders-db", "ReplicaSet" },
		{ "kubectl delete RC orders-db", "ReplicationController" },
		{ "kubectl get replicationcontroller/orders-db", "ReplicationController" },
		{ "oc rollout latest dc/orders-db", "DeploymentConfig" },
		{ "oc get deploymentconfig.apps.openshift.io/orders-db", "DeploymentConfig" },
		{ "oc get deploymentconfigs orders-db", "DeploymentConfig" },
		{ "kubectl rollout restart deployment.apps/orders-db", "Deployment" },
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	unsigned all = 0;
	struct rules ru;
	char *why = NULL;

	cr_assert_eq(rules_init(&ru, &opt, &why), 0);
	for (size_t i = 0; i < nworkloads; i++)
		all |= workloads[i].ref_names ? 1u << i : 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *t = cases[i].text;
		unsigned mine = kind_bit(cases[i].kind);
		const struct workload *wl = NULL;
		size_t name = 0, nlen = 0, at;

		at = rules_next_reference(&ru, t, strlen(t), 0, all, &name, &nlen, &wl);
		cr_assert_neq(at, NOPOS, "\"%s\": expected a reference, found none", t);
		cr_assert_str_eq(wl->kind, cases[i].kind, "\"%s\": expected kind %s, got %s", t, cases[i].kind,
				 wl->kind);
		cr_assert_eq(nlen, strlen("orders-db"), "\"%s\": expected name orders-db, got \"%.*s\"", t,
			     (int)nlen, t + name);
		cr_assert_eq(memcmp(t + name, "orders-db", nlen), 0, "\"%s\": name \"%.*s\"", t, (int)nlen, t + name);
		at = rules_next_reference(&ru, t, strlen(t), 0, all & ~mine, &name, &nlen, &wl);
		cr_assert_eq(at, NOPOS, "\"%s\": found as a %s without asking for %s", t, wl->kind, cases[i].kind);
		at = rules_next_reference(&ru, t, strlen(t), 0, mine, &name, &nlen, &wl);
		cr_assert_neq(at, NOPOS, "\"%s\": expected a reference when asking for %s alone", t, cases[i].kind);
	}
	/* inside a word, or not followed by a name: none */
	static const char *const none[] = { "users/orders-db", "dcs/orders-db", "rs=orders-db", "src rc" };

	for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
		const struct workload *wl = NULL;
		size_t name, nlen, at = rules_next_reference(&ru, none[i], strlen(none[i]), 0, all, &name, &nlen, &wl);

		cr_assert_eq(at, NOPOS, "\"%s\": expected no reference, found one at %zu", none[i], at);
	}
	rules_release(&ru);
}
