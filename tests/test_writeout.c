/*
 * test_writeout.c - writeout.h: the name of a temporary file, the removal
 * of one an earlier run left, and atomic replacement.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
	cr_assert_eq(write_atomic(p, "new\n", 4), 0, "write_atomic failed");
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
