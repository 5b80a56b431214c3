/*
 * test_lib.h - helpers shared by the unit tests.
 *
 * Every assertion here prints what was expected and what came out, so a
 * failing test explains itself (never only "the expression is false"):
 *
 *   assert_contains(out, "kind: StatefulSet");
 *   assert_not_contains(out, "kind: Deployment");
 *   assert_size_eq(n, 3, "findings");
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

/* two size_t-like values are equal; what names them in the message */
#define assert_size_eq(actual, expected, what)                                 \
	do {                                                                   \
		size_t a_ = (size_t)(actual), e_ = (size_t)(expected);         \
		cr_assert(a_ == e_, "%s: expected %zu, got %zu", (what), e_,   \
			  a_);                                                 \
	} while (0)

/* A fresh directory under $TMPDIR (or /tmp); dies when it cannot. */
char *tmpdir_make(void);
/* Write text to dir/rel, creating the folders of rel; dies on error. */
void file_write(const char *dir, const char *rel, const char *text);
/* The whole of dir/rel (rel may be NULL: dir is the file), or NULL. */
char *file_slurp(const char *dir, const char *rel);
/* Remove dir and everything under it (no symlink followed), free dir. */
void tmpdir_remove(char *dir);

#endif
