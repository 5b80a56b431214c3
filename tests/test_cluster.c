/*
 * test_cluster.c - the offline cluster snapshot (src/cluster.c) on a file
 * in the shape `kubectl get pv,pvc,pods,deployments -A -o json` prints.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cluster.h"
#include "util.h"

static struct cluster cl;

static void load_snapshot(void)
{
	struct cluster_error err;
	char *buf;
	size_t len;
	int n;

	cr_assert_eq(read_file("testdata/cluster/snapshot.json", &buf, &len), 0,
		     "cannot read testdata/cluster/snapshot.json");
	n = cluster_load(&cl, buf, len, &err);
	free(buf);
	/* 2 PVs, 2 claims, 2 pods, 2 Deployments; the ConfigMap is skipped */
	cr_assert_eq(n, 8, "expected 8 objects kept, got %d (%s)", n, err.msg);
}

static void release(void)
{
	cluster_release(&cl);
}

TestSuite(cluster, .init = load_snapshot, .fini = release);

Test(cluster, claim_and_its_volume)
{
	const struct cluster_claim *c = cluster_claim(&cl, "db", "pg-data");
	const struct cluster_pv *pv;

	cr_assert_not_null(c, "claim db/pg-data not found");
	cr_assert_str_eq(c->volume, "pvc-4f1c2a8e-2f0b-4c1e-9a7d-6b1f0e3c9d21");
	cr_assert_str_eq(c->phase, "Bound");
	cr_assert_str_eq(c->capacity, "50Gi", "the status capacity wins over the request");
	cr_assert_str_eq(c->class, "premium-rwo");
	cr_assert_str_eq(c->modes, "ReadWriteOnce");
	pv = cluster_pv(&cl, c->volume);
	cr_assert_not_null(pv, "PV %s not found", c->volume);
	cr_assert_str_eq(pv->reclaim, "Delete");
	cr_assert_str_eq(pv->capacity, "50Gi");
	cr_assert(pv->provisioned, "a PV with pv.kubernetes.io/provisioned-by is dynamic");
	cr_assert_eq(cluster_pv_for_claim(&cl, "db", "pg-data"), pv, "claimRef look-up gives another PV");
}

Test(cluster, static_volume)
{
	const struct cluster_pv *pv = cluster_pv_for_claim(&cl, "web", "uploads");

	cr_assert_not_null(pv, "the PV whose claimRef names web/uploads not found");
	cr_assert_str_eq(pv->name, "nfs-shared");
	cr_assert_not(pv->provisioned, "a PV without provisioned-by is made by hand");
	cr_assert_str_eq(pv->reclaim, "Retain");
	cr_assert_str_eq(pv->class, "manual");
}

Test(cluster, namespace_lookups)
{
	cr_assert_not_null(cluster_claim(&cl, NULL, "pg-data"), "a unique name is found in any namespace");
	cr_assert_null(cluster_claim(&cl, "web", "pg-data"), "found a claim in the wrong namespace");
	cr_assert_null(cluster_claim(&cl, "db", "missing"), "found a claim that is not there");
}

Test(cluster, running_mounts_only)
{
	const struct cluster_pod *p[4];
	size_t n = cluster_mounts(&cl, "db", "pg-data", p, 4);

	cr_assert_eq(n, 1, "expected 1 running pod on db/pg-data (the finished backup pod does not count), got %zu", n);
	cr_assert_str_eq(p[0]->name, "pg-7d9f8c6b5-x2k4q");
	cr_assert_str_eq(p[0]->owner_kind, "ReplicaSet");
	cr_assert_str_eq(p[0]->owner_name, "pg-7d9f8c6b5");
}

Test(cluster, workloads)
{
	const struct cluster_workload *w = cluster_workload(&cl, "Deployment", "db", "pg");

	cr_assert_not_null(w, "Deployment db/pg not found");
	cr_assert_eq(w->replicas, 1, "expected replicas 1, got %ld", w->replicas);
	cr_assert_eq(w->ready, 1, "expected 1 ready, got %ld", w->ready);
	w = cluster_workload(&cl, "Deployment", "web", "web");
	cr_assert_not_null(w, "Deployment web/web not found");
	cr_assert_eq(w->replicas, 1, "an absent spec.replicas is 1 (the API default), got %ld", w->replicas);
	cr_assert_null(cluster_workload(&cl, "StatefulSet", "db", "pg"), "kinds must not be mixed");
}

Test(cluster, errors_have_a_position)
{
	struct cluster c2 = CLUSTER_INIT;
	struct cluster_error err;
	const char *bad = "{\n  \"kind\": \"List\",\n  \"items\": [ }\n";
	const char *nested = "{\"kind\":\"List\",\"items\":[{\"kind\":\"List\",\"items\":"
			     "[{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}]}]}";

	cr_assert_eq(cluster_load(&c2, bad, strlen(bad), &err), -1, "invalid JSON was accepted");
	cr_assert_eq(err.line, 3, "expected the error on line 3, got %u (%s)", err.line, err.msg);
	cr_assert_eq(cluster_load(&c2, "[1]", 3, &err), -1, "a JSON array was accepted");
	cr_assert(strstr(err.msg, "kind") != NULL, "expected a message about kind, got \"%s\"", err.msg);
	cr_assert_eq(cluster_load(&c2, nested, strlen(nested), &err), 1,
		     "a List inside a List is walked: expected 1 object (%s)", err.msg);
	cr_assert_eq(c2.npod, 1, "expected 1 pod, got %zu", c2.npod);
	cr_assert_str_eq(c2.pod[0].ns, "", "a pod without namespace has \"\"");
	cluster_release(&c2);
}
