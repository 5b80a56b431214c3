/*
 * test_lib.c - helpers shared by the unit tests (no tests of its own):
 * the fixture collector and the temporary-directory helpers of test_lib.h.
 */
#include "test_lib.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plandata.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

void collect(const char *dir, char ***paths, size_t *n, size_t *alloc)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p;
		struct stat st;
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
			collect(p, paths, n, alloc);
			free(p);
		} else if ((l > 5 && !strcmp(de->d_name + l - 5, ".yaml")) ||
			   (l > 4 && !strcmp(de->d_name + l - 4, ".yml")) ||
			   (l > 5 && !strcmp(de->d_name + l - 5, ".json"))) {
			ALLOC_GROW(*paths, *n + 1, *alloc);
			(*paths)[(*n)++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
}

char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = xasprintf("%s/stsify-test-XXXXXX",
			      base && *base ? base : "/tmp");

	if (!mkdtemp(dir))
		die("mkdtemp %s: %s", dir, strerror(errno));
	return dir;
}

/* mkdir -p of the folders above path (path itself is a file) */
static void make_parents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			die("mkdir %s: %s", path, strerror(errno));
		*s = '/';
	}
}

void file_write(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f;

	make_parents(path);
	f = fopen(path, "wb");
	if (!f || fputs(text, f) == EOF || fclose(f))
		die("write %s: %s", path, strerror(errno));
	free(path);
}

char *file_slurp(const char *dir, const char *rel)
{
	char *path = rel ? xasprintf("%s/%s", dir, rel) : xstrdup(dir);
	char *buf = NULL;
	size_t len;

	if (read_file(path, &buf, &len))
		buf = NULL;
	free(path);
	return buf;
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", path, de->d_name);
		remove_tree(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

void tmpdir_remove(char *dir)
{
	if (!dir)
		return;
	remove_tree(dir);
	free(dir);
}

void tl_inputs_init(struct tl_inputs *f, const char *const *paths, const char *const *texts, size_t n)
{
	f->n = n;
	f->src = xcalloc(n, sizeof(*f->src));
	f->ys = xcalloc(n, sizeof(*f->ys));
	f->in = xcalloc(n, sizeof(*f->in));
	for (size_t i = 0; i < n; i++) {
		source_init_borrow(&f->src[i], paths[i], texts[i], strlen(texts[i]));
		cr_assert_eq(ystream_parse(&f->ys[i], texts[i], strlen(texts[i])), 0,
			     "%s: expected valid YAML, got a parse error", paths[i]);
		f->in[i].src = &f->src[i];
		f->in[i].ys = &f->ys[i];
	}
	builds_init(&f->bs, f->in, n);
}

void tl_inputs_release(struct tl_inputs *f)
{
	builds_release(&f->bs);
	for (size_t i = 0; i < f->n; i++) {
		ystream_release(&f->ys[i]);
		source_release(&f->src[i]);
	}
	free(f->src);
	free(f->ys);
	free(f->in);
}
