/*
 * test_walk.c - walk_operand() and pathlist_sort() (walk.c) on a tree built
 * in a temporary directory: which files a walk takes and in what order,
 * --include and --exclude-path, hidden entries, symlinks (to a file, to a
 * folder, outside the operand, dangling, a cycle), files read during the
 * walk, and the same result on one thread or several.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "test_lib.h"
#include "util.h"
#include "walk.h"

struct walked {
	char *dir;		/* the temporary tree */
	struct pathlist pl;
	struct report rep;
	int bad;		/* walk_operand()'s count of errors */
	struct strbuf list;	/* the paths found, relative to dir, one a line */
};

static void symlink_at(const char *dir, const char *target, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);

	cr_assert_eq(symlink(target, path), 0, "symlink %s -> %s failed", path, target);
	free(path);
}

/* Walk operand (relative to w->dir, "" for dir itself) into w->pl;
 * include and exclude may be NULL (pathlist_init() on the first walk). */
static void walk(struct walked *w, const char *operand, const char *include, const char *exclude,
		 bool read, unsigned jobs)
{
	char *err = NULL, *op = *operand ? xasprintf("%s/%s", w->dir, operand) : xstrdup(w->dir);

	if (!w->pl.seen)
		cr_assert_eq(pathlist_init(&w->pl, include, exclude, &err), 0, "pathlist_init: %s", TL_STR(err));
	w->pl.read = read;
	w->bad += walk_operand(&w->pl, op, &w->rep, jobs);
	free(op);
}

/* pathlist_sort(), then w->list from the paths */
static void sort(struct walked *w)
{
	size_t dl = strlen(w->dir);

	pathlist_sort(&w->pl);
	strbuf_reset(&w->list);
	strbuf_addstr(&w->list, "");
	for (size_t i = 0; i < w->pl.n; i++) {
		const char *p = w->pl.e[i].path;

		cr_assert(!strncmp(p, w->dir, dl) && p[dl] == '/', "path %s is not under %s", p, w->dir);
		strbuf_addstr(&w->list, p + dl + 1);
		strbuf_addch(&w->list, '\n');
	}
}

static void walked_release(struct walked *w)
{
	pathlist_release(&w->pl);
	report_release(&w->rep);
	strbuf_release(&w->list);
	w->bad = 0;
}

/* sorted, the paths are expected, one a line */
#define assert_list(w, expected)                                               \
	do {                                                                   \
		sort(w);                                                       \
		assert_str_eq((w)->list.buf, (expected), "the files walked");  \
	} while (0)

/* The findings as "CODE RELATIVE-PATH" lines, in the order found. */
static char *findings(const struct walked *w)
{
	struct strbuf sb = STRBUF_INIT;
	size_t dl = strlen(w->dir);

	for (size_t i = 0; i < w->rep.n; i++) {
		const char *p = w->rep.f[i].path;

		if (!strncmp(p, w->dir, dl))
			p += dl + (p[dl] == '/');
		strbuf_addf(&sb, "%s %s\n", code_name(w->rep.f[i].code), p);
	}
	strbuf_addstr(&sb, "");
	return strbuf_detach(&sb, NULL);
}

#define assert_findings(w, expected)                                           \
	do {                                                                   \
		char *f_ = findings(w);                                        \
		assert_str_eq(f_, (expected), "the findings");                 \
		free(f_);                                                      \
	} while (0)

/* a.yaml, b.yml, c.json at the top, two folders, and files that are no input */
static void plain_tree(const char *dir)
{
	file_write(dir, "b.yml", "b: 1\n");
	file_write(dir, "a.yaml", "a: 1\n");
	file_write(dir, "c.json", "{}\n");
	file_write(dir, "a/x.yaml", "x: 1\n");
	file_write(dir, "a-b/x.yaml", "x: 2\n");
	file_write(dir, "z/deep/er/1.yaml", "1: 1\n");
	file_write(dir, "readme.md", "# no\n");
	file_write(dir, "yaml", "not: input\n");
	file_write(dir, "x.yaml.bak", "not: input\n");
	file_write(dir, ".hidden.yaml", "h: 1\n");
	file_write(dir, ".git/config.yaml", "g: 1\n");
	file_write(dir, "z/.cache/c.yaml", "c: 1\n");
}

/* sorted by path, byte order: "a-b/" < "a.yaml" < "a/" */
Test(walk, order_and_extensions)
{
	struct walked w = { .dir = tmpdir_make() };

	plain_tree(w.dir);
	walk(&w, "", NULL, NULL, false, 1);
	assert_list(&w, "a-b/x.yaml\na.yaml\na/x.yaml\nb.yml\nc.json\nz/deep/er/1.yaml\n");
	assert_int_eq(w.bad, 0);
	assert_findings(&w, "");
	for (size_t i = 0; i < w.pl.n; i++)
		cr_assert_null(w.pl.e[i].buf, "%s was read without pathlist.read", w.pl.e[i].path);
	walked_release(&w);
	tmpdir_remove(w.dir);
}

Test(walk, same_result_on_several_threads)
{
	struct walked w1 = { .dir = tmpdir_make() }, w4;

	plain_tree(w1.dir);
	for (int i = 0; i < 30; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "many/d%02d/f%02d.yaml", (i * 7) % 30, i);
		file_write(w1.dir, rel, "k: v\n");
	}
	w4 = (struct walked){ .dir = w1.dir };
	walk(&w1, "", NULL, NULL, true, 1);
	walk(&w4, "", NULL, NULL, true, 4);
	sort(&w1);
	sort(&w4);
	assert_str_eq(w4.list.buf, w1.list.buf, "4 threads against 1");
	assert_size_eq(w1.pl.n, 36);
	walked_release(&w1);
	walked_release(&w4);
	tmpdir_remove(w1.dir);
}

/* hidden entries are skipped in a walk, but taken when named */
Test(walk, hidden_entries)
{
	struct walked w = { .dir = tmpdir_make() };

	plain_tree(w.dir);
	walk(&w, ".hidden.yaml", NULL, NULL, false, 1);
	walk(&w, ".git", NULL, NULL, false, 1);
	walk(&w, "readme.md", NULL, NULL, false, 1);
	assert_list(&w, ".git/config.yaml\n.hidden.yaml\nreadme.md\n");
	assert_findings(&w, "");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

Test(walk, include_and_exclude)
{
	struct walked w = { .dir = tmpdir_make() };

	plain_tree(w.dir);
	walk(&w, "", "/a[/-]|json$", NULL, false, 2);
	assert_list(&w, "a-b/x.yaml\na/x.yaml\nc.json\n");
	walked_release(&w);
	walk(&w, "", NULL, "/z/|\\.yml$", false, 2);
	assert_list(&w, "a-b/x.yaml\na.yaml\na/x.yaml\nc.json\n");
	walked_release(&w);
	walk(&w, "", "x\\.yaml$", "a-b", false, 2);
	assert_list(&w, "a/x.yaml\n");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

/* a file named on the command line: --include does not apply, --exclude-path does */
Test(walk, named_files_and_patterns)
{
	struct walked w = { .dir = tmpdir_make() };

	plain_tree(w.dir);
	walk(&w, "b.yml", "nothing-matches", NULL, false, 1);
	assert_list(&w, "b.yml\n");
	walked_release(&w);
	walk(&w, "a.yaml", NULL, "a\\.yaml$", false, 1);
	walk(&w, "b.yml", NULL, "a\\.yaml$", false, 1);
	assert_list(&w, "b.yml\n");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

Test(walk, invalid_pattern)
{
	struct pathlist pl;
	char *err = NULL;

	assert_int_eq(pathlist_init(&pl, "(", NULL, &err), -1);
	assert_contains(err, "--include");
	free(err);
	pathlist_release(&pl);
	err = NULL;
	assert_int_eq(pathlist_init(&pl, NULL, "[", &err), -1);
	assert_contains(err, "--exclude-path");
	free(err);
	pathlist_release(&pl);
}

Test(walk, missing_operand)
{
	struct walked w = { .dir = tmpdir_make() };

	walk(&w, "nope", NULL, NULL, false, 1);
	assert_int_eq(w.bad, 1);
	assert_list(&w, "");
	assert_findings(&w, "read-error nope\n");
	assert_contains(w.rep.f[0].msg, "cannot read");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

/* the same file under two names is taken once, under its real name */
Test(walk, symlinks_to_files)
{
	struct walked w = { .dir = tmpdir_make() };

	file_write(w.dir, "real.yaml", "r: 1\n");
	file_write(w.dir, "sub/other.yaml", "o: 1\n");
	symlink_at(w.dir, "real.yaml", "a-link.yaml");
	symlink_at(w.dir, "../real.yaml", "sub/z-link.yaml");
	symlink_at(w.dir, "sub/other.yaml", "link-only.yaml");
	symlink_at(w.dir, "gone.yaml", "dangling.yaml");
	symlink_at(w.dir, "real.yaml", "link.txt");	/* no input: the extension */
	walk(&w, "", NULL, NULL, false, 1);
	assert_list(&w, "real.yaml\nsub/other.yaml\n");
	assert_findings(&w, "");
	walked_release(&w);
	/* named twice: once */
	walk(&w, "a-link.yaml", NULL, NULL, false, 1);
	walk(&w, "real.yaml", NULL, NULL, false, 1);
	assert_list(&w, "real.yaml\n");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

/* a folder reached through a symlink is walked once, under the first path */
Test(walk, symlinks_to_folders_and_cycles)
{
	struct walked w = { .dir = tmpdir_make() };

	file_write(w.dir, "b/real/f.yaml", "f: 1\n");
	symlink_at(w.dir, "b/real", "a-view");
	symlink_at(w.dir, ".", "b/real/loop");
	symlink_at(w.dir, "..", "b/real/up");
	walk(&w, "", NULL, NULL, false, 1);
	assert_list(&w, "a-view/f.yaml\n");
	/* a-view/up is b, not yet walked; its real is a-view, being walked */
	assert_findings(&w, "symlink-cycle a-view/loop\nsymlink-cycle a-view/up/real\n");
	assert_int_eq(w.bad, 0);
	walked_release(&w);
	tmpdir_remove(w.dir);
}

Test(walk, symlink_outside_the_operand)
{
	struct walked w = { .dir = tmpdir_make() };
	char *target;

	file_write(w.dir, "out/o.yaml", "o: 1\n");
	file_write(w.dir, "out/o.txt", "o: 1\n");
	file_write(w.dir, "in/i.yaml", "i: 1\n");
	target = xasprintf("%s/out/o.yaml", w.dir);
	symlink_at(w.dir, target, "in/file-link.yaml");
	free(target);
	symlink_at(w.dir, "../out", "in/dir-link");
	symlink_at(w.dir, "../out/o.txt", "in/txt-link.yaml");
	walk(&w, "in", NULL, NULL, false, 1);
	assert_list(&w, "in/i.yaml\n");
	assert_findings(&w, "symlink-outside in/dir-link\nsymlink-outside in/file-link.yaml\n"
			    "symlink-outside in/txt-link.yaml\n");
	assert_int_eq(w.bad, 0);
	walked_release(&w);
	/* the same tree from above: all inside; out is walked first through
	 * in/dir-link, and out/o.yaml is taken under its name there (not a
	 * symlink) rather than in/file-link.yaml's */
	walk(&w, "", NULL, NULL, false, 1);
	assert_list(&w, "in/dir-link/o.yaml\nin/i.yaml\nin/txt-link.yaml\n");
	assert_findings(&w, "");
	walked_release(&w);
	tmpdir_remove(w.dir);
}

/* with pathlist.read, the files of a walk come with their bytes */
Test(walk, files_read_during_the_walk)
{
	struct walked w = { .dir = tmpdir_make() };

	file_write(w.dir, "d/a.yaml", "a: 1\n");
	file_write(w.dir, "d/e.yaml", "");
	file_write(w.dir, "n.yaml", "n: 1\n");
	walk(&w, "d", NULL, NULL, true, 2);
	walk(&w, "n.yaml", NULL, NULL, true, 2);
	assert_list(&w, "d/a.yaml\nd/e.yaml\nn.yaml\n");
	assert_mem_str(w.pl.e[0].buf, w.pl.e[0].len, "a: 1\n");
	assert_size_eq(w.pl.e[1].len, 0);
	assert_int_eq(w.pl.e[1].err, 0);
	/* a named file is left to the caller */
	cr_assert_null(w.pl.e[2].buf, "n.yaml, an operand, was read by the walk");
	walked_release(&w);
	tmpdir_remove(w.dir);
}
