/*
 * test_lib.h - helpers shared by the unit tests.
 *
 * Every assertion here prints what was expected and what came out, so a
 * failing test explains itself (never only "the expression is false";
 * note that criterion's cr_assert_str_eq() prints the strings only when
 * given no message of its own):
 *
 *   assert_contains(out, "kind: StatefulSet");
 *   assert_not_contains(out, "kind: Deployment");
 *   assert_int_eq(rc, 0);                  // "rc: expected 0, got -1"
 *   assert_str_eq(out, "a: 1\n", "the output");
 *   assert_size_eq(rep.n, 3);
 *   assert_mem_str(out.buf, out.len, "a: 1\n");
 *   assert_scalar(ynode_get(root, "kind"), "StatefulSet");
 *
 * The file helpers build fixtures in a fresh temporary directory:
 *
 *   char *dir = tmpdir_make();              // malloc'd path, mode 0700
 *   file_write(dir, "a/b.yaml", "x: 1\n");  // creates a/ as needed
 *   char *text = file_slurp(dir, "a/b.yaml");  // malloc'd, NULL if absent
 *   tmpdir_remove(dir);                      // rm -r, then frees dir
 */
#ifndef STSIFY_TEST_LIB_H
#define STSIFY_TEST_LIB_H

#include <stddef.h>
#include <string.h>

#include <criterion/criterion.h>

/* Manifests the unit tests of the rewrite path share (string literals). */
/* A Deployment of 2 replicas on claim CLAIM, in a document of its own. */
/* UNDER_ASAN: defined in the AddressSanitizer build (build/asan/unit) */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define TL_DEPLOYMENT(name, claim)                                                            \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\nspec:\n"         \
	"  replicas: 2\n  selector:\n    matchLabels:\n      app: " name "\n  template:\n"     \
	"    metadata:\n      labels:\n        app: " name "\n    spec:\n"                     \
	"      containers:\n      - name: c\n        image: x\n        volumeMounts:\n"         \
	"        - name: data\n          mountPath: /d\n      volumes:\n      - name: data\n"    \
	"        persistentVolumeClaim:\n          claimName: " claim "\n"

/* A ReadWriteOnce claim of SIZE. */
#define TL_PVC(name, size)                                                                \
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: " name "\nspec:\n" \
	"  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: " size "\n"

/* An autoscaler of Deployment NAME. */
#define TL_HPA(name)                                                                            \
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: " name "\n" \
	"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: " name "\n" \
	"  minReplicas: 2\n  maxReplicas: 4\n"

/* Deployment "bad": its volumes are anchored and aliased (x-note), so the
 * edit that removes its claim volume cannot be made safely. */
#define TL_ANCHORED                                                                           \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: 2\n" \
	"  selector:\n    matchLabels:\n      app: bad\n  template:\n    metadata:\n      labels:\n" \
	"        app: bad\n    spec:\n      containers:\n      - name: c\n        image: x\n"       \
	"        volumeMounts:\n        - name: data\n          mountPath: /d\n"                   \
	"      volumes: &vols\n      - name: data\n        persistentVolumeClaim:\n"               \
	"          claimName: bad-data\nx-note: *vols\n"

/* Append to *paths the *.yaml, *.yml and *.json files under dir (hidden
 * entries skipped; a missing dir adds nothing).  Paths are malloc'd. */
void collect(const char *dir, char ***paths, size_t *n, size_t *alloc);

/* NULL as "(null)", for messages */
#define TL_STR(s) ((s) ? (const char *)(s) : "(null)")

/* haystack (a string, maybe NULL) holds needle; prints both when not */
#define assert_contains(haystack, needle)                                      \
	do {                                                                   \
		const char *h_ = (haystack), *n_ = (needle);                   \
		cr_assert(h_ && strstr(h_, n_),                                \
			  "expected to find\n  \"%s\"\nin\n---\n%s\n---",      \
			  n_, TL_STR(h_));                                     \
	} while (0)

/* haystack (a string, maybe NULL) does not hold needle */
#define assert_not_contains(haystack, needle)                                  \
	do {                                                                   \
		const char *h_ = (haystack), *n_ = (needle);                   \
		cr_assert(!h_ || !strstr(h_, n_),                              \
			  "expected no\n  \"%s\"\nin\n---\n%s\n---",           \
			  n_, TL_STR(h_));                                     \
	} while (0)

/* Integer equality; the message names the expression and both values.
 * (In a loop, prefer cr_assert_eq(a, b, "...%d...", ...) with the index.) */
#define assert_int_eq(actual, expected)                                        \
	do {                                                                   \
		long long a_ = (long long)(actual), e_ = (long long)(expected); \
		cr_assert(a_ == e_, "%s: expected %lld, got %lld", #actual, e_, \
			  a_);                                                 \
	} while (0)
#define assert_size_eq(actual, expected)                                       \
	do {                                                                   \
		size_t a_ = (size_t)(actual), e_ = (size_t)(expected);         \
		cr_assert(a_ == e_, "%s: expected %zu, got %zu", #actual, e_,  \
			  a_);                                                 \
	} while (0)

/* Strings equal (either may be NULL); unlike cr_assert_str_eq() with a
 * message of one's own, it always prints both.  what names them. */
#define assert_str_eq(actual, expected, what)                                  \
	do {                                                                   \
		const char *a_ = (actual), *e_ = (expected);                   \
		cr_assert(a_ && e_ ? !strcmp(a_, e_) : a_ == e_,               \
			  "%s: expected\n---\n%s\n---\ngot\n---\n%s\n---",  \
			  (what), TL_STR(e_), TL_STR(a_));                     \
	} while (0)

/* len bytes at actual equal the string expected (NUL bytes allowed in
 * actual; NULL actual fails) */
#define assert_mem_str(actual, len, expected)                                  \
	do {                                                                   \
		const char *a_ = (const char *)(actual), *e_ = (expected);     \
		size_t l_ = (len);                                             \
		cr_assert(a_ && l_ == strlen(e_) && !memcmp(a_, e_, l_),       \
			  "%s: expected\n---\n%s\n---\ngot (%zu bytes)\n---\n%.*s\n---", \
			  #actual, e_, l_, a_ ? (int)l_ : 6, TL_STR(a_));      \
	} while (0)

/* node (a struct ynode *, maybe NULL: include ytree.h) is the scalar
 * expected; prints the scalar it is, or that it is none */
#define assert_scalar(node, expected)                                          \
	do {                                                                   \
		const struct ynode *y_ = (node);                               \
		const char *v_ = ynode_str(y_), *e_ = (expected);              \
		cr_assert(ynode_is(y_, e_),                                    \
			  "%s: expected the scalar \"%s\", got %s%s%s", #node, \
			  e_, v_ ? "\"" : "", v_ ? v_ : "no scalar",           \
			  v_ ? "\"" : "");                                     \
	} while (0)

/* A fresh directory under $TMPDIR (or /tmp); dies when it cannot. */
char *tmpdir_make(void);
/* Write text to dir/rel, creating the folders of rel; dies on error. */
void file_write(const char *dir, const char *rel, const char *text);
/* The whole of dir/rel (rel may be NULL: dir is the file), or NULL. */
char *file_slurp(const char *dir, const char *rel);
/* Remove dir and everything under it (no symlink followed), free dir. */
void tmpdir_remove(char *dir);

/*
 * tl_inputs: named YAML texts parsed as plan inputs, with their builds
 * (builds.h): the fixture of the builds and bnames tests.  The texts are
 * borrowed; tl_inputs_release() frees the rest.  buf: scratch space for a
 * test's formatted answers.
 */
struct source;
struct ystream;
struct plan_input;
#include "builds.h"

struct tl_inputs {
	size_t n;
	struct source *src;
	struct ystream *ys;
	struct plan_input *in;
	struct builds bs;
	char buf[1024];
};

void tl_inputs_init(struct tl_inputs *f, const char *const *paths, const char *const *texts, size_t n);
void tl_inputs_release(struct tl_inputs *f);

#endif
