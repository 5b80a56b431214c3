/*
 * gen.c - deterministic generator of realistic Kubernetes manifests for the
 * benchmarks (see bench/README.md).
 *
 *   gen stream SIZE [SEED]        a multi-document stream of about SIZE bytes
 *                                 on stdout (SIZE may end in k, M or G)
 *   gen tree DIR NFILES [SEED]    a repository of exactly NFILES files under
 *                                 DIR (which must not exist)
 *
 * The same SIZE (or NFILES) and SEED give the same bytes on every machine:
 * the only source of randomness is a splitmix64 generator.
 *
 * What it writes is what clusters hold: per application a Deployment (about
 * one in five shares a claim between replicas or an autoscaler's pods, a few
 * more have a single-replica or ReadWriteMany claim), its PVC (now and then
 * missing), Service (sometimes headless), HorizontalPodAutoscaler, ConfigMap
 * with block scalars (config files, JSON, shell scripts), Secret,
 * ServiceAccount, RBAC, Ingress and PodDisruptionBudget, in several styles:
 * indentation 2 or 4, sequences indented under their key or not, flow
 * mappings and sequences, comments on lines of their own and after values,
 * blank lines, quoted scalars.  The tree groups each application's
 * manifests in a folder with a kustomization.yaml (some with patches that
 * target the Deployment); some folders hold one multi-document file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 <= pick(n) < n */
static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* true with probability pct percent */
static bool chance(unsigned pct)
{
	return pick(100) < pct;
}

#define PICK(a) (a[pick(sizeof(a) / sizeof(a[0]))])

/* ---- output buffer ---- */

struct buf {
	char *p;
	size_t len, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void grow(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = (b->len + n + 1) * 2;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		die("out of memory");
}

/* ---- document style ---- */

struct style {
	int ind;	/* indentation width */
	bool seqin;	/* "- " indented under its key */
	bool comments;	/* comments on lines of their own and after values */
	bool blanks;	/* blank lines between sections */
	bool flow;	/* flow maps and sequences for small collections */
};

static struct style S;

static void new_style(void)
{
	S.ind = chance(85) ? 2 : 4;
	S.seqin = chance(50);
	S.comments = chance(40);
	S.blanks = chance(30);
	S.flow = chance(35);
}

/* A line at column col. */
static void L(struct buf *b, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void L(struct buf *b, int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	grow(b, (size_t)(n + col + 1));
	memset(b->p + b->len, ' ', (size_t)col);
	b->len += (size_t)col;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	b->p[b->len++] = '\n';
	b->p[b->len] = '\0';
}

/* Column of a sequence's dashes under a key at column col. */
static int dash(int col)
{
	return S.seqin ? col + S.ind : col;
}

static void comment(struct buf *b, int col, unsigned pct)
{
	static const char *const text[] = {
		"keep in sync with the runbook", "see OPS-1123", "tuned after the load test",
		"TODO: move to a Secret", "managed by platform team, ask in #platform",
		"do not change without a migration plan", "values from the staging overlay",
		"reviewed 2024-03, still needed", "default is fine for most environments",
	};

	if (S.comments && chance(pct))
		L(b, col, "# %s", PICK(text));
}

static const char *trail(unsigned pct)
{
	static const char *const text[] = {
		"  # tuned", "  # see dashboard", "  # per SLO", "  # do not lower",
		"    # keep", "  # from the chart default",
	};

	return S.comments && chance(pct) ? PICK(text) : "";
}

static void blank(struct buf *b, unsigned pct)
{
	if (S.blanks && chance(pct))
		L(b, 0, "%s", "");
}

/* ---- applications ---- */

static const char *const words[] = {
	"orders", "billing", "search", "catalog", "checkout", "payments", "users", "auth",
	"inventory", "shipping", "reports", "notify", "media", "gateway", "ledger", "profile",
	"reviews", "pricing", "quotes", "audit", "events", "stream", "ingest", "export",
};
static const char *const roles[] = {
	"api", "worker", "web", "db", "cache", "queue", "sync", "cron", "store", "proxy",
};
static const char *const stateful_images[] = {
	"postgres:16.2", "docker.io/library/redis:7.2-alpine", "mysql:8.0.36",
	"bitnami/mongodb:7.0", "ghcr.io/acme/minio:RELEASE.2024-03", "rabbitmq:3.13-management",
	"elasticsearch:8.12.2", "quay.io/coreos/etcd:v3.5.12",
};

struct app {
	char name[96];
	char ns[32];		/* "" when unset */
	unsigned replicas;
	bool claim;		/* a volume backed by a claim */
	bool pvc;		/* its PVC is in the input */
	bool rwx;
	bool stateful;		/* a database image */
	bool hpa;
	unsigned hpa_max;
	bool headless;		/* a headless Service selects its pods */
	bool service, configmap, secret, sa, ingress, rbac, pdb;
	unsigned port;
	char image[128];
	char claimname[48];
};

static void make_app(struct app *a, unsigned idx)
{
	unsigned r = pick(100);

	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%.12s-%.6s-%u", PICK(words), PICK(roles), idx);
	if (chance(90))
		snprintf(a->ns, sizeof(a->ns), "team-%s", words[idx / 40 % (sizeof(words) / sizeof(*words))]);
	a->replicas = 1 + pick(3);
	a->hpa = chance(15);
	a->hpa_max = 2 + pick(8);
	/* about one in five shares a claim between pods */
	if (r < 20) {
		a->claim = true;
		a->stateful = chance(50);
		if (a->replicas < 2 && !a->hpa)
			a->replicas = 2 + pick(2);
	} else if (r < 24) {		/* single replica of a database */
		a->claim = a->stateful = true;
		a->replicas = 1;
		a->hpa = false;
	} else if (r < 27) {		/* single replica, not stateful: reported */
		a->claim = true;
		a->replicas = 1;
		a->hpa = false;
	} else if (r < 29) {		/* shared on purpose: ReadWriteMany */
		a->claim = a->rwx = true;
	}
	a->pvc = a->claim && chance(90);
	a->headless = a->claim && chance(25);
	a->service = a->headless || chance(85);
	a->configmap = chance(60);
	a->secret = chance(25);
	a->sa = chance(50);
	a->ingress = chance(20);
	a->rbac = chance(10);
	a->pdb = chance(10);
	a->port = PICK(((const unsigned[]){ 80, 8080, 8000, 3000, 9090, 5432, 6379 }));
	if (a->stateful) {
		snprintf(a->image, sizeof(a->image), "%s", PICK(stateful_images));
	} else {
		switch (pick(6)) {
		case 0: snprintf(a->image, sizeof(a->image), "nginx:1.25"); break;
		case 1: snprintf(a->image, sizeof(a->image), "python:3.12-slim"); break;
		case 2: snprintf(a->image, sizeof(a->image), "node:20-alpine"); break;
		case 3: snprintf(a->image, sizeof(a->image), "ghcr.io/acme/%.80s:v%u.%u.%u", a->name, pick(5), pick(30), pick(10)); break;
		case 4: snprintf(a->image, sizeof(a->image), "registry.example.com/team/%.80s:%u.%u.%u", a->name, pick(5), pick(30), pick(10)); break;
		default: snprintf(a->image, sizeof(a->image), "ghcr.io/acme/%.80s:sha-%08x", a->name, (unsigned)rnd()); break;
		}
	}
	snprintf(a->claimname, sizeof(a->claimname), "%.40s-data", a->name);
}

static void header(struct buf *b, const struct app *a, const char *api, const char *kind,
		   const char *suffix)
{
	if (S.comments && chance(50))
		L(b, 0, "# Source: %s/templates/%s.yaml", a->name, suffix[0] ? suffix + 1 : "main");
	L(b, 0, "apiVersion: %s", api);
	L(b, 0, "kind: %s", kind);
	L(b, 0, "metadata:");
	L(b, S.ind, "name: %s%s", a->name, suffix);
	if (a->ns[0])
		L(b, S.ind, "namespace: %s", a->ns);
}

static void labels(struct buf *b, const struct app *a, int col, const char *key, bool full)
{
	if (S.flow && chance(50)) {
		if (full)
			L(b, col, "%s: {app.kubernetes.io/name: %s, app.kubernetes.io/part-of: shop, version: v%u}",
			  key, a->name, 1 + pick(4));
		else
			L(b, col, "%s: {app.kubernetes.io/name: %s}", key, a->name);
		return;
	}
	L(b, col, "%s:", key);
	L(b, col + S.ind, "app.kubernetes.io/name: %s", a->name);
	if (full) {
		L(b, col + S.ind, "app.kubernetes.io/part-of: shop");
		L(b, col + S.ind, "app.kubernetes.io/managed-by: %s", chance(50) ? "kustomize" : "Helm");
	}
}

static void container(struct buf *b, const struct app *a, int dcol, bool main)
{
	int c = dcol + 2, k = c + S.ind;
	unsigned nenv = main ? 3 + pick(10) : 1 + pick(3);

	L(b, dcol, "- name: %s", main ? a->name : "metrics-exporter");
	L(b, c, "image: %s", main ? a->image : "prom/statsd-exporter:v0.26.0");
	if (chance(60))
		L(b, c, "imagePullPolicy: IfNotPresent");
	if (main && chance(50)) {
		if (S.flow)
			L(b, c, "args: [\"--port=%u\", \"--log-level=info\", \"--config=/etc/app/app.yaml\"]", a->port);
		else {
			L(b, c, "args:");
			L(b, dash(c), "- --port=%u", a->port);
			L(b, dash(c), "- --log-level=%s", chance(50) ? "info" : "debug");
		}
	}
	L(b, c, "ports:");
	L(b, dash(c), "- name: %s", main ? "http" : "metrics");
	L(b, dash(c) + 2, "containerPort: %u", main ? a->port : 9102);
	if (chance(20))
		L(b, dash(c) + 2, "protocol: TCP");
	comment(b, c, 20);
	L(b, c, "env:");
	for (unsigned i = 0; i < nenv; i++) {
		static const char *const keys[] = {
			"LOG_LEVEL", "LOG_FORMAT", "PORT", "DATABASE_URL", "REDIS_HOST", "FEATURE_FLAGS",
			"OTEL_EXPORTER_OTLP_ENDPOINT", "JAVA_OPTS", "GOMAXPROCS", "TZ", "CACHE_TTL",
			"MAX_CONNECTIONS", "REGION", "ENVIRONMENT",
		};
		const char *key = PICK(keys);

		L(b, dash(c), "- name: %s_%u", key, i);
		if (chance(20)) {
			L(b, dash(c) + 2, "valueFrom:");
			L(b, dash(c) + 2 + S.ind, "secretKeyRef:");
			L(b, dash(c) + 2 + 2 * S.ind, "name: %s-secrets", a->name);
			L(b, dash(c) + 2 + 2 * S.ind, "key: %s", key);
		} else if (chance(40)) {
			L(b, dash(c) + 2, "value: \"%u\"%s", pick(10000), trail(10));
		} else {
			L(b, dash(c) + 2, "value: %s-%s.%s.svc.cluster.local%s", PICK(words), PICK(roles),
			  a->ns[0] ? a->ns : "default", trail(10));
		}
	}
	blank(b, 20);
	L(b, c, "resources:");
	if (S.flow) {
		L(b, k, "requests: {cpu: %um, memory: %uMi}", 50 * (1 + pick(10)), 64 * (1 + pick(16)));
		L(b, k, "limits: {memory: %uMi}", 128 * (1 + pick(16)));
	} else {
		L(b, k, "requests:");
		L(b, k + S.ind, "cpu: %um", 50 * (1 + pick(10)));
		L(b, k + S.ind, "memory: %uMi%s", 64 * (1 + pick(16)), trail(20));
		L(b, k, "limits:");
		L(b, k + S.ind, "memory: %uMi", 128 * (1 + pick(16)));
	}
	if (main) {
		static const char *const probes[] = { "readinessProbe", "livenessProbe", "startupProbe" };

		for (unsigned i = 0; i < 3; i++) {
			if (i && chance(40))
				continue;
			L(b, c, "%s:", probes[i]);
			if (a->stateful && chance(70)) {
				L(b, k, "exec:");
				L(b, k + S.ind, "command: [\"sh\", \"-c\", \"pg_isready -h 127.0.0.1 || redis-cli ping\"]");
			} else {
				L(b, k, "httpGet:");
				L(b, k + S.ind, "path: /%s", i ? "livez" : "readyz");
				L(b, k + S.ind, "port: http");
			}
			L(b, k, "initialDelaySeconds: %u", 5 * pick(6));
			L(b, k, "periodSeconds: %u%s", 5 + 5 * pick(4), trail(15));
		}
	}
	L(b, c, "volumeMounts:");
	if (main && a->configmap) {
		L(b, dash(c), "- name: config");
		L(b, dash(c) + 2, "mountPath: /etc/%s", a->name);
		L(b, dash(c) + 2, "readOnly: true");
	}
	if (main && a->claim) {
		L(b, dash(c), "- name: data");
		L(b, dash(c) + 2, "mountPath: /var/lib/%s", a->name);
	}
	L(b, dash(c), "- name: tmp");
	L(b, dash(c) + 2, "mountPath: /tmp");
}

static void deployment(struct buf *b, const struct app *a)
{
	int i1 = S.ind, i2 = 2 * S.ind, i3 = 3 * S.ind, i4 = 4 * S.ind;

	header(b, a, "apps/v1", "Deployment", "");
	labels(b, a, i1, "labels", true);
	if (chance(30)) {
		L(b, i1, "annotations:");
		L(b, i2, "description: \"%s service of the shop: handles %s\"", a->name, PICK(words));
		L(b, i2, "owner: team-%s", PICK(words));
	}
	blank(b, 40);
	L(b, 0, "spec:");
	if (!a->hpa || chance(50))
		L(b, i1, "replicas: %u%s", a->replicas, trail(30));
	if (chance(40))
		L(b, i1, "revisionHistoryLimit: %u", 3 + pick(8));
	if (chance(50)) {
		L(b, i1, "strategy:");
		if (a->claim && chance(30)) {
			L(b, i2, "type: Recreate");
		} else {
			L(b, i2, "type: RollingUpdate");
			L(b, i2, "rollingUpdate:");
			L(b, i3, "maxSurge: %s", chance(50) ? "25%" : "1");
			L(b, i3, "maxUnavailable: 0%s", trail(30));
		}
	}
	L(b, i1, "selector:");
	L(b, i2, "matchLabels:");
	L(b, i3, "app.kubernetes.io/name: %s", a->name);
	L(b, i1, "template:");
	L(b, i2, "metadata:");
	labels(b, a, i3, "labels", true);
	if (chance(40)) {
		L(b, i3, "annotations:");
		L(b, i4, "prometheus.io/scrape: \"true\"");
		L(b, i4, "prometheus.io/port: \"%u\"", a->port);
	}
	L(b, i2, "spec:");
	comment(b, i3, 40);
	if (a->sa)
		L(b, i3, "serviceAccountName: %s", a->name);
	if (S.flow)
		L(b, i3, "securityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001}");
	else {
		L(b, i3, "securityContext:");
		L(b, i4, "runAsNonRoot: true");
		L(b, i4, "fsGroup: 10001");
	}
	if (chance(30)) {
		L(b, i3, "nodeSelector:");
		L(b, i4, "kubernetes.io/os: linux");
	}
	if (chance(25)) {
		L(b, i3, "tolerations:");
		L(b, dash(i3), "- key: dedicated");
		L(b, dash(i3) + 2, "operator: Equal");
		L(b, dash(i3) + 2, "value: %s", PICK(words));
		L(b, dash(i3) + 2, "effect: NoSchedule");
	}
	L(b, i3, "containers:");
	container(b, a, dash(i3), true);
	if (chance(25)) {
		blank(b, 30);
		container(b, a, dash(i3), false);
	}
	L(b, i3, "volumes:");
	if (a->configmap) {
		L(b, dash(i3), "- name: config");
		L(b, dash(i3) + 2, "configMap:");
		L(b, dash(i3) + 2 + S.ind, "name: %s-config", a->name);
	}
	if (a->claim) {
		comment(b, dash(i3), 50);
		L(b, dash(i3), "- name: data");
		if (S.flow && chance(30)) {
			L(b, dash(i3) + 2, "persistentVolumeClaim: {claimName: %s}", a->claimname);
		} else {
			L(b, dash(i3) + 2, "persistentVolumeClaim:");
			L(b, dash(i3) + 2 + S.ind, "claimName: %s%s", a->claimname, trail(30));
		}
	}
	L(b, dash(i3), "- name: tmp");
	L(b, dash(i3) + 2, "emptyDir: {}");
}

static void service(struct buf *b, const struct app *a, bool headless)
{
	struct app h = *a;

	if (headless)
		snprintf(h.name, sizeof(h.name), "%.80s-peers", a->name);
	header(b, &h, "v1", "Service", "");
	labels(b, a, S.ind, "labels", false);
	L(b, 0, "spec:");
	if (headless)
		L(b, S.ind, "clusterIP: None%s", trail(50));
	else if (chance(30))
		L(b, S.ind, "type: ClusterIP");
	L(b, S.ind, "selector:");
	L(b, 2 * S.ind, "app.kubernetes.io/name: %s", a->name);
	L(b, S.ind, "ports:");
	L(b, dash(S.ind), "- name: http");
	L(b, dash(S.ind) + 2, "port: %u", headless ? a->port : 80);
	L(b, dash(S.ind) + 2, "targetPort: http");
}

static void pvc(struct buf *b, const struct app *a)
{
	struct app c = *a;

	snprintf(c.name, sizeof(c.name), "%s", a->claimname);
	header(b, &c, "v1", "PersistentVolumeClaim", "");
	labels(b, a, S.ind, "labels", false);
	L(b, 0, "spec:");
	comment(b, S.ind, 40);
	if (S.flow)
		L(b, S.ind, "accessModes: [%s]", a->rwx ? "ReadWriteMany" : "ReadWriteOnce");
	else {
		L(b, S.ind, "accessModes:");
		L(b, dash(S.ind), "- %s", a->rwx ? "ReadWriteMany" : "ReadWriteOnce");
	}
	if (chance(70))
		L(b, S.ind, "storageClassName: %s", chance(50) ? "standard-rwo" : "gp3");
	L(b, S.ind, "resources:");
	L(b, 2 * S.ind, "requests:");
	L(b, 3 * S.ind, "storage: %uGi%s", 1u << pick(8), trail(40));
}

static void hpa(struct buf *b, const struct app *a)
{
	header(b, a, "autoscaling/v2", "HorizontalPodAutoscaler", "");
	L(b, 0, "spec:");
	L(b, S.ind, "scaleTargetRef:");
	L(b, 2 * S.ind, "apiVersion: apps/v1");
	L(b, 2 * S.ind, "kind: Deployment");
	L(b, 2 * S.ind, "name: %s", a->name);
	L(b, S.ind, "minReplicas: 1");
	L(b, S.ind, "maxReplicas: %u%s", a->hpa_max, trail(30));
	L(b, S.ind, "metrics:");
	L(b, dash(S.ind), "- type: Resource");
	L(b, dash(S.ind) + 2, "resource:");
	L(b, dash(S.ind) + 2 + S.ind, "name: cpu");
	L(b, dash(S.ind) + 2 + S.ind, "target: {type: Utilization, averageUtilization: %u}", 50 + 5 * pick(8));
}

static void block_text(struct buf *b, int col, unsigned kind, const struct app *a)
{
	unsigned n = 8 + pick(50);

	switch (kind) {
	case 0:		/* properties */
		for (unsigned i = 0; i < n; i++) {
			if (i % 9 == 0)
				L(b, col, "# %s settings", PICK(words));
			L(b, col, "%s.%s.%s=%u", a->name, PICK(words), PICK(roles), pick(100000));
		}
		break;
	case 1:		/* nginx */
		L(b, col, "server {");
		L(b, col + 4, "listen %u;", a->port);
		for (unsigned i = 0; i < n / 4 + 1; i++) {
			L(b, col + 4, "location /%s/ {", PICK(words));
			L(b, col + 8, "proxy_pass http://%s-%s:%u;", PICK(words), PICK(roles), a->port);
			L(b, col + 8, "proxy_set_header X-Request-Id $request_id;");
			L(b, col + 4, "}");
		}
		L(b, col, "}");
		break;
	case 2:		/* JSON */
		L(b, col, "{");
		for (unsigned i = 0; i < n; i++)
			L(b, col + 2, "\"%s_%u\": {\"enabled\": %s, \"weight\": %u, \"pattern\": \"^/%s/[a-z]+$\"}%s",
			  PICK(words), i, chance(50) ? "true" : "false", pick(100), PICK(words),
			  i + 1 < n ? "," : "");
		L(b, col, "}");
		break;
	default:	/* shell, with line continuations */
		L(b, col, "#!/bin/sh");
		L(b, col, "set -eu");
		for (unsigned i = 0; i < n / 3 + 1; i++) {
			L(b, col, "exec_%u() {", i);
			L(b, col + 2, "curl -fsS --retry 3 \\");
			L(b, col + 4, "-H \"X-Team: %s\" \\", PICK(words));
			L(b, col + 4, "http://%s-%s:%u/%s", PICK(words), PICK(roles), a->port, PICK(words));
			L(b, col, "}");
		}
		break;
	}
}

static void configmap(struct buf *b, const struct app *a)
{
	static const char *const files[] = { "application.properties", "nginx.conf", "config.json", "entrypoint.sh" };
	unsigned nf = 1 + pick(3), first = pick(4);

	header(b, a, "v1", "ConfigMap", "-config");
	labels(b, a, S.ind, "labels", false);
	L(b, 0, "data:");
	L(b, S.ind, "LOG_LEVEL: %s", chance(50) ? "info" : "warn");
	L(b, S.ind, "CACHE_SIZE: \"%u\"", 64 * pick(32));
	for (unsigned i = 0; i < nf; i++) {
		unsigned k = (first + i) % 4;

		blank(b, 30);
		L(b, S.ind, "%s: %s", files[k], chance(70) ? "|" : "|-");
		block_text(b, 2 * S.ind, k, a);
	}
}

static void secret(struct buf *b, const struct app *a)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char v[65];

	header(b, a, "v1", "Secret", "-secrets");
	L(b, 0, "type: Opaque");
	L(b, 0, "data:");
	for (unsigned i = 0; i < 2 + pick(4); i++) {
		unsigned n = 16 + 4 * pick(12);

		for (unsigned j = 0; j < n; j++)
			v[j] = b64[pick(64)];
		v[n] = '\0';
		L(b, S.ind, "%s_KEY_%u: %s", PICK(words), i, v);
	}
}

static void serviceaccount(struct buf *b, const struct app *a)
{
	header(b, a, "v1", "ServiceAccount", "");
	if (chance(30)) {
		L(b, S.ind, "annotations:");
		L(b, 2 * S.ind, "eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/%s", a->name);
	}
}

static void rbac(struct buf *b, const struct app *a)
{
	header(b, a, "rbac.authorization.k8s.io/v1", "Role", "-reader");
	L(b, 0, "rules:");
	L(b, dash(0), "- apiGroups: [\"\"]");
	L(b, dash(0) + 2, "resources: [\"configmaps\", \"secrets\"]");
	L(b, dash(0) + 2, "verbs: [\"get\", \"list\", \"watch\"]");
	L(b, 0, "---");
	header(b, a, "rbac.authorization.k8s.io/v1", "RoleBinding", "-reader");
	L(b, 0, "roleRef:");
	L(b, S.ind, "apiGroup: rbac.authorization.k8s.io");
	L(b, S.ind, "kind: Role");
	L(b, S.ind, "name: %s-reader", a->name);
	L(b, 0, "subjects:");
	L(b, dash(0), "- kind: ServiceAccount");
	L(b, dash(0) + 2, "name: %s", a->name);
}

static void ingress(struct buf *b, const struct app *a)
{
	header(b, a, "networking.k8s.io/v1", "Ingress", "");
	L(b, S.ind, "annotations:");
	L(b, 2 * S.ind, "cert-manager.io/cluster-issuer: letsencrypt");
	L(b, 0, "spec:");
	L(b, S.ind, "ingressClassName: nginx");
	L(b, S.ind, "rules:");
	L(b, dash(S.ind), "- host: %s.example.com", a->name);
	L(b, dash(S.ind) + 2, "http:");
	L(b, dash(S.ind) + 2 + S.ind, "paths:");
	L(b, dash(dash(S.ind) + 2 + S.ind), "- path: /");
	L(b, dash(dash(S.ind) + 2 + S.ind) + 2, "pathType: Prefix");
	L(b, dash(dash(S.ind) + 2 + S.ind) + 2, "backend:");
	L(b, dash(dash(S.ind) + 2 + S.ind) + 2 + S.ind, "service: {name: %s, port: {number: 80}}", a->name);
}

static void pdb(struct buf *b, const struct app *a)
{
	header(b, a, "policy/v1", "PodDisruptionBudget", "");
	L(b, 0, "spec:");
	L(b, S.ind, "maxUnavailable: 1");
	L(b, S.ind, "selector:");
	L(b, 2 * S.ind, "matchLabels: {app.kubernetes.io/name: %s}", a->name);
}

static void kustomization(struct buf *b, const struct app *a, char **files, unsigned nfiles)
{
	if (S.comments)
		L(b, 0, "# %s: rendered by kustomize build; edit the bases, not the output", a->name);
	L(b, 0, "apiVersion: kustomize.config.k8s.io/v1beta1");
	L(b, 0, "kind: Kustomization");
	if (a->ns[0])
		L(b, 0, "namespace: %s", a->ns);
	L(b, 0, "resources:");
	for (unsigned i = 0; i < nfiles; i++)
		L(b, dash(0), "- %s", files[i]);
	if (chance(15)) {
		L(b, 0, "patches:");
		L(b, dash(0), "- target:");
		L(b, dash(0) + 2 + S.ind, "kind: Deployment");
		L(b, dash(0) + 2 + S.ind, "name: %s", a->name);
		L(b, dash(0) + 2, "patch: |-");
		L(b, dash(0) + 2 + S.ind, "- op: replace");
		L(b, dash(0) + 2 + S.ind, "  path: /spec/template/spec/containers/0/imagePullPolicy");
		L(b, dash(0) + 2 + S.ind, "  value: Always");
	}
}

/* The documents of one application, in the order a chart renders them. */
enum { D_SA, D_RBAC, D_CM, D_SECRET, D_PVC, D_SVC, D_HEADLESS, D_DEP, D_HPA, D_ING, D_PDB, D_N };
static const char *const doc_file[D_N] = {
	"serviceaccount.yaml", "rbac.yaml", "configmap.yaml", "secret.yaml", "pvc.yaml",
	"service.yaml", "service-headless.yaml", "deployment.yaml", "hpa.yaml", "ingress.yaml",
	"pdb.yaml",
};

static bool has_doc(const struct app *a, int d)
{
	switch (d) {
	case D_SA: return a->sa;
	case D_RBAC: return a->rbac;
	case D_CM: return a->configmap;
	case D_SECRET: return a->secret;
	case D_PVC: return a->pvc;
	case D_SVC: return a->service;
	case D_HEADLESS: return a->headless;
	case D_DEP: return true;
	case D_HPA: return a->hpa;
	case D_ING: return a->ingress;
	case D_PDB: return a->pdb;
	}
	return false;
}

static void doc(struct buf *b, const struct app *a, int d)
{
	new_style();
	switch (d) {
	case D_SA: serviceaccount(b, a); break;
	case D_RBAC: rbac(b, a); break;
	case D_CM: configmap(b, a); break;
	case D_SECRET: secret(b, a); break;
	case D_PVC: pvc(b, a); break;
	case D_SVC: service(b, a, false); break;
	case D_HEADLESS: service(b, a, true); break;
	case D_DEP: deployment(b, a); break;
	case D_HPA: hpa(b, a); break;
	case D_ING: ingress(b, a); break;
	case D_PDB: pdb(b, a); break;
	}
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		die("bad size \"%s\"", s);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end && strcmp(end, "B"))
		die("bad size \"%s\"", s);
	return v;
}

static void write_all(FILE *fp, const char *p, size_t n, const char *what)
{
	if (n && fwrite(p, 1, n, fp) != n)
		die("cannot write %s: %s", what, strerror(errno));
}

/* Append the documents of application a, each after a "---" unless it is
 * the first of its stream (*first, cleared). */
static void app_docs(struct buf *b, const struct app *a, bool *first)
{
	for (int d = 0; d < D_N; d++) {
		if (!has_doc(a, d))
			continue;
		if (!*first)
			L(b, 0, "---");
		*first = false;
		doc(b, a, d);
	}
}

static int gen_stream(unsigned long long size)
{
	struct buf b = { 0 };
	unsigned long long total = 0;
	bool first = true;

	for (unsigned idx = 0; total < size; idx++) {
		struct app a;

		make_app(&a, idx);
		app_docs(&b, &a, &first);
		if (b.len > (1 << 20) || total + b.len >= size) {
			write_all(stdout, b.p, b.len, "stdout");
			total += b.len;
			b.len = 0;
		}
	}
	free(b.p);
	if (fflush(stdout) || ferror(stdout))
		die("cannot write stdout");
	return 0;
}

static void mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) && errno != EEXIST)
			die("cannot create %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0777) && errno != EEXIST)
		die("cannot create %s: %s", tmp, strerror(errno));
}

static void put_file(const char *dir, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "w")))
		die("cannot create %s: %s", path, strerror(errno));
	write_all(fp, b->p, b->len, path);
	if (fclose(fp))
		die("cannot write %s: %s", path, strerror(errno));
}

static int gen_tree(const char *root, unsigned nfiles)
{
	struct buf b = { 0 };
	unsigned made = 0;
	struct stat st;

	if (!stat(root, &st))
		die("%s exists: give a new folder", root);
	mkdirs(root);
	for (unsigned idx = 0; made < nfiles; idx++) {
		struct app a;
		char dir[4096];
		char *names[D_N];
		unsigned n = 0;
		bool single = chance(15);

		make_app(&a, idx);
		snprintf(dir, sizeof(dir), "%s/%s/apps/%s", root, a.ns[0] ? a.ns : "default", a.name);
		mkdirs(dir);
		if (single) {
			bool first = true;

			b.len = 0;
			app_docs(&b, &a, &first);
			put_file(dir, "all.yaml", &b);
			names[n++] = "all.yaml";
			made++;
		} else {
			for (int d = 0; d < D_N && made < nfiles; d++) {
				if (!has_doc(&a, d))
					continue;
				b.len = 0;
				doc(&b, &a, d);
				put_file(dir, doc_file[d], &b);
				names[n++] = (char *)doc_file[d];
				made++;
			}
		}
		if (made < nfiles) {
			b.len = 0;
			new_style();
			kustomization(&b, &a, names, n);
			put_file(dir, "kustomization.yaml", &b);
			made++;
		}
	}
	free(b.p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "stream")) {
		rng_state = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
		return gen_stream(parse_size(argv[2]));
	}
	if (argc >= 4 && !strcmp(argv[1], "tree")) {
		rng_state = argc > 4 ? strtoull(argv[4], NULL, 0) : 1;
		return gen_tree(argv[2], (unsigned)parse_size(argv[3]));
	}
	fputs("usage: gen stream SIZE [SEED]\n       gen tree DIR NFILES [SEED]\n", stderr);
	return 2;
}
