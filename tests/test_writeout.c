/*
 * test_writeout.c - writeout.h: the name of a temporary file, the removal
 * of one an earlier run left, atomic replacement and its checks.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_lib.h"
#include "util.h"
#include "writeout.h"

static void check_name(const char *name, const char *want_base)
{
	const char *base = NULL;
	size_t n = 0;
	bool is = writeout_is_temporary(name, &base, &n);

	if (!want_base) {
		cr_assert(!is, "%s taken for a temporary file (base \"%.*s\")", name, (int)n, base ? base : "");
		return;
	}
	cr_assert(is, "%s not taken for a temporary file of %s", name, want_base);
	cr_assert(n == strlen(want_base) && !memcmp(base, want_base, n), "%s: expected base %s, got %.*s",
		  name, want_base, (int)n, base);
}

Test(writeout, temporary_names)
{
	check_name(".db.yaml.stsify-Ab3xYz", "db.yaml");
	check_name("..stsify-abcdef.stsify-000000", ".stsify-abcdef");
	check_name(".x.stsify-aaaaaa", "x");
	check_name("..stsify-aaaaaa", NULL);		/* no NAME */
	check_name(".db.yaml.stsify-abcde", NULL);	/* five */
	check_name(".db.yaml.stsify-abcdefg", NULL);	/* seven: ".stsify-" not six before the end */
	check_name(".db.yaml.stsify-abc_ef", NULL);
	check_name("db.yaml.stsify-abcdef", NULL);	/* no leading dot */
	check_name(".db.yaml.tmp-abcdef", NULL);
}

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/stsify-writeout.XXXXXX");

	cr_assert(mkdtemp(d), "mkdtemp");
	return d;
}

Test(writeout, remove_temporary)
{
	char *d = tmpdir(), *p = xasprintf("%s/.a.yaml.stsify-abcdef", d), *q = xasprintf("%s/sub", d);
	int fd = open(p, O_CREAT | O_WRONLY, 0600), held;

	cr_assert(fd >= 0, "cannot create %s", p);
	close(fd);
	/* held by a running stsify: kept */
	held = open(p, O_RDONLY);
	cr_assert(!flock(held, LOCK_EX), "flock");
	cr_assert_eq(writeout_remove_temporary(p), -1, "a locked temporary file was removed");
	close(held);
	cr_assert_eq(writeout_remove_temporary(p), 0, "an unlocked temporary file was kept");
	cr_assert(access(p, F_OK), "%s still exists", p);
	/* not a regular file: kept */
	cr_assert(!mkdir(q, 0700), "mkdir");
	cr_assert_eq(writeout_remove_temporary(q), -1, "a folder was removed");
	rmdir(q);
	rmdir(d);
	free(p);
	free(q);
	free(d);
}

Test(writeout, atomic_replace_keeps_mode)
{
	char *d = tmpdir(), *p = xasprintf("%s/f.yaml", d), *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd = open(p, O_CREAT | O_WRONLY, 0640);

	cr_assert(fd >= 0 && write(fd, "old\n", 4) == 4, "cannot create %s", p);
	close(fd);
	cr_assert_eq(write_atomic(p, "new\n", 4, NULL, 0), 0, "write_atomic failed");
	cr_assert_eq(read_file(p, &buf, &len), 0, "cannot read %s back", p);
	cr_assert(len == 4 && !memcmp(buf, "new\n", 4), "expected \"new\\n\", got \"%.*s\"", (int)len, buf);
	cr_assert(!stat(p, &st) && (st.st_mode & 0777) == 0640, "mode 0640 expected, got %o",
		  (unsigned)(st.st_mode & 0777));
	unlink(p);
	rmdir(d);
	free(buf);
	free(p);
	free(d);
}

/* The file as read: "old\n", its stat() now. */
static void read_was(const char *p, struct writeout_was *was)
{
	struct stat st;

	cr_assert(!stat(p, &st), "stat %s", p);
	writeout_was_set(was, &st, "old\n", 4);
}

static char *make_file(const char *d, const char *name)
{
	char *p = xasprintf("%s/%s", d, name);
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	cr_assert(fd >= 0 && write(fd, "old\n", 4) == 4, "cannot create %s", p);
	close(fd);
	return p;
}

static void expect_content(const char *p, const char *want)
{
	char *buf = NULL;
	size_t len = 0;

	cr_assert_eq(read_file(p, &buf, &len), 0, "cannot read %s", p);
	cr_assert(len == strlen(want) && !memcmp(buf, want, len), "%s: expected \"%s\", got \"%.*s\"", p, want,
		  (int)len, buf);
	free(buf);
}

Test(writeout, concurrent_edits_are_kept)
{
	char *d = tmpdir(), *p = make_file(d, "f.yaml"), *q;
	struct writeout_was was;
	int fd;

	read_was(p, &was);
	cr_assert_eq(write_atomic(p, "new\n", 4, &was, 0), WRITEOUT_OK, "an unchanged file was refused");
	expect_content(p, "new\n");
	/* the same size, inode and time, other bytes */
	read_was(p, &was);
	was.buf = "OLD\n";
	cr_assert_eq(write_atomic(p, "xyz\n", 4, &was, 0), WRITEOUT_CHANGED, "other bytes were not seen");
	expect_content(p, "new\n");
	/* grown since */
	read_was(p, &was);
	fd = open(p, O_WRONLY | O_APPEND);
	cr_assert(fd >= 0 && write(fd, "more\n", 5) == 5, "append");
	close(fd);
	cr_assert_eq(write_atomic(p, "xyz\n", 4, &was, 0), WRITEOUT_CHANGED, "an append was not seen");
	expect_content(p, "new\nmore\n");
	/* deleted */
	read_was(p, &was);
	unlink(p);
	cr_assert_eq(write_atomic(p, "xyz\n", 4, &was, 0), WRITEOUT_DELETED, "a deletion was not seen");
	cr_assert(access(p, F_OK), "a deleted file was made again");
	/* hard links */
	free(p);
	p = make_file(d, "g.yaml");
	q = xasprintf("%s/h.yaml", d);
	cr_assert(!link(p, q), "link");
	read_was(p, &was);
	cr_assert_eq(write_atomic(p, "new\n", 4, &was, 0), WRITEOUT_LINKED, "a hard link was broken");
	read_was(p, &was);
	cr_assert_eq(write_atomic(p, "new\n", 4, &was, WRITEOUT_BREAK_LINKS), WRITEOUT_OK,
		     "WRITEOUT_BREAK_LINKS refused");
	expect_content(p, "new\n");
	expect_content(q, "old\n");
	unlink(p);
	unlink(q);
	rmdir(d);
	free(p);
	free(q);
	free(d);
}

/* write_new(): a new file, whole, mode 0666 less the umask; never over an existing one */
Test(writeout, new_file_never_replaces)
{
	char *dir = tmpdir_make(), *path = xasprintf("%s/pg-claims.yaml", dir), *text;
	mode_t um = umask(022);
	struct stat st;

	cr_assert_eq(write_new(path, "kind: PersistentVolumeClaim\n", 28), 0, "write_new failed: %s",
		     strerror(errno));
	text = file_slurp(dir, "pg-claims.yaml");
	cr_assert_str_eq(text, "kind: PersistentVolumeClaim\n", "the new file holds \"%s\"", text);
	free(text);
	cr_assert_eq(stat(path, &st), 0, "stat failed");
	cr_assert_eq(st.st_mode & 0777, 0644, "expected mode 0644, got %o", (unsigned)(st.st_mode & 0777));
	cr_assert_eq(write_new(path, "other\n", 6), -1, "write_new replaced an existing file");
	cr_assert_eq(errno, EEXIST, "expected EEXIST, got %s", strerror(errno));
	text = file_slurp(dir, "pg-claims.yaml");
	cr_assert_str_eq(text, "kind: PersistentVolumeClaim\n", "the existing file became \"%s\"", text);
	free(text);
	umask(um);
	free(path);
	tmpdir_remove(dir);
}
