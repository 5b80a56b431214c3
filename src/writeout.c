/*
 * writeout.c - atomic replace and checked writes (see writeout.h).
 */
#include "writeout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int write_all(FILE *fp, const char *buf, size_t len)
{
	return len && fwrite(buf, 1, len, fp) != len ? -1 : 0;
}

int write_atomic(const char *path, const char *buf, size_t len)
{
	char *target = realpath(path, NULL), *tmp = NULL, *slash;
	struct stat st;
	int fd = -1, e;

	if (!target)
		return -1;
	if (stat(target, &st))
		goto fail;
	/* a file its owner made read-only is not replaced behind their back
	 * (rename would allow it: it needs only the folder to be writable) */
	if (!(st.st_mode & 0222)) {
		errno = EACCES;
		goto fail;
	}
	if (access(target, W_OK))
		goto fail;
	slash = strrchr(target, '/');
	tmp = xasprintf("%.*s/.%s.stsify-XXXXXX", (int)(slash - target), target, slash + 1);
	if ((fd = mkstemp(tmp)) < 0)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail_unlink;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, st.st_mode & 07777))
		goto fail_unlink;
	if (fchown(fd, st.st_uid, st.st_gid)) {
		/* not permitted for other users' files: keep ours */
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, target))
		goto fail_unlink;
	free(tmp);
	free(target);
	return 0;
fail_unlink:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
fail:
	e = errno;
	free(tmp);
	free(target);
	errno = e;
	return -1;
}
