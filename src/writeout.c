/*
 * writeout.c - atomic replace and checked writes (see writeout.h).
 *
 * The temporary files in progress are listed in a fixed table that a
 * signal handler can read without locks or allocation: a slot's path is
 * written before its flag is set, and the flag is cleared after the file
 * was renamed or removed, both with the handled signals blocked, so the
 * handler never sees a file that is not there yet or has already become
 * the original.  A file left by SIGKILL is recognised by its name
 * (writeout_is_temporary()) and by its lock: write_atomic() holds an
 * flock() on it until it is renamed, so a second run never removes the
 * temporary file of one that is still writing.
 */
#include "writeout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int write_all(FILE *fp, const char *buf, size_t len)
{
	return len && fwrite(buf, 1, len, fp) != len ? -1 : 0;
}

/* ---- the temporary files in progress ---- */

#define TEMP_SLOTS 8

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static char temp_path[TEMP_SLOTS][PATH_MAX + 32];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];
static pthread_mutex_t temp_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	int e = errno;

	for (size_t i = 0; i < TEMP_SLOTS; i++)
		if (temp_used[i])
			unlink(temp_path[i]);
	/* die of it as without the handler: the signal is blocked while
	 * this runs, and delivered again with the default action on return */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = e;
}

void writeout_catch_signals(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++) {
		struct sigaction sa, old;

		if (sigaction(caught[i], NULL, &old) || old.sa_handler == SIG_IGN)
			continue;	/* nohup, or a background job: keep ignoring */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < ARRAY_SIZE(caught); k++)
			sigaddset(&sa.sa_mask, caught[k]);
		sigaction(caught[i], &sa, NULL);
	}
}

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaddset(&set, caught[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* mkstemp(tmp), listed in a slot (*slot) before any signal can see it */
static int temp_create(char *tmp, int *slot)
{
	sigset_t old;
	int fd, e;

	*slot = -1;
	if (strlen(tmp) >= sizeof(temp_path[0])) {
		errno = ENAMETOOLONG;
		return -1;
	}
	pthread_mutex_lock(&temp_lock);
	for (int i = 0; i < TEMP_SLOTS && *slot < 0; i++)
		if (!temp_used[i])
			*slot = i;
	if (*slot < 0) {
		pthread_mutex_unlock(&temp_lock);
		errno = EBUSY;	/* more than TEMP_SLOTS threads writing */
		return -1;
	}
	block_signals(&old);
	fd = mkstemp(tmp);
	e = errno;
	if (fd >= 0) {
		memcpy(temp_path[*slot], tmp, strlen(tmp) + 1);
		temp_used[*slot] = 1;
	} else {
		*slot = -1;
	}
	restore_signals(&old);
	pthread_mutex_unlock(&temp_lock);
	errno = e;
	return fd;
}

/* Rename tmp to target (or, target NULL, remove tmp) and forget it. */
static int temp_finish(const char *tmp, int slot, const char *target)
{
	sigset_t old;
	int ret, e;

	block_signals(&old);
	ret = target ? rename(tmp, target) : unlink(tmp);
	e = errno;
	if (!ret || !target)
		temp_used[slot] = 0;
	restore_signals(&old);
	errno = e;
	return ret;
}

static int write_fd(int fd, const char *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* The temporary file fd: filled, given the mode and owner of st, flushed
 * and closed (its lock stays with *lockfd, a duplicate). */
static int temp_fill(int fd, int *lockfd, const char *buf, size_t len, const struct stat *st)
{
	int e;

	if (flock(fd, LOCK_EX) || (*lockfd = dup(fd)) < 0 || write_fd(fd, buf, len) ||
	    fchmod(fd, st->st_mode & 07777))
		goto fail;
	if (fchown(fd, st->st_uid, st->st_gid)) {
		/* not permitted for other users' files: keep ours */
	}
	if (fsync(fd))
		goto fail;
	return close(fd);
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

void writeout_was_set(struct writeout_was *was, const struct stat *st, const char *buf, size_t len)
{
	was->dev = st->st_dev;
	was->ino = st->st_ino;
	was->size = st->st_size;
	was->mtime = st->st_mtim;
	was->buf = buf;
	was->len = len;
}

/* Is the file at target still the one was describes? */
static int still_the_same(const char *target, const struct writeout_was *was)
{
	struct stat st;
	char *now = NULL;
	size_t len = 0;
	int fd, same;

	if (stat(target, &st))
		return errno == ENOENT ? WRITEOUT_DELETED : WRITEOUT_ERROR;
	if (st.st_dev != was->dev || st.st_ino != was->ino || st.st_size != was->size ||
	    st.st_mtim.tv_sec != was->mtime.tv_sec || st.st_mtim.tv_nsec != was->mtime.tv_nsec)
		return WRITEOUT_CHANGED;
	/* an edit within the clock's resolution that kept the size */
	if ((fd = open(target, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? WRITEOUT_DELETED : WRITEOUT_ERROR;
	if (read_fd(fd, &now, &len))
		return WRITEOUT_ERROR;
	same = len == was->len && (!len || !memcmp(now, was->buf, len));
	free(now);
	return same ? WRITEOUT_OK : WRITEOUT_CHANGED;
}

/* May target (whose stat() is st) be replaced? */
static int replaceable(const char *target, const struct stat *st, const struct writeout_was *was,
		       unsigned flags)
{
	/* a file its owner made read-only is not replaced behind their back
	 * (rename would allow it: it needs only the folder to be writable) */
	if (!(st->st_mode & 0222)) {
		errno = EACCES;
		return WRITEOUT_ERROR;
	}
	if (access(target, W_OK))
		return WRITEOUT_ERROR;
	if (st->st_nlink > 1 && !(flags & WRITEOUT_BREAK_LINKS))
		return WRITEOUT_LINKED;
	if (was && (st->st_dev != was->dev || st->st_ino != was->ino))
		return WRITEOUT_CHANGED;
	return WRITEOUT_OK;
}

int write_atomic(const char *path, const char *buf, size_t len, const struct writeout_was *was,
		 unsigned flags)
{
	char *target = realpath(path, NULL), *tmp = NULL, *slash;
	struct stat st;
	int fd, lockfd = -1, slot = -1, ret = WRITEOUT_ERROR, e;

	if (!target)
		return was && errno == ENOENT ? WRITEOUT_DELETED : WRITEOUT_ERROR;
	if (stat(target, &st)) {
		ret = was && errno == ENOENT ? WRITEOUT_DELETED : WRITEOUT_ERROR;
		goto fail;
	}
	if ((ret = replaceable(target, &st, was, flags)))
		goto fail;
	ret = WRITEOUT_ERROR;
	slash = strrchr(target, '/');
	tmp = xasprintf("%.*s/.%s.stsify-XXXXXX", (int)(slash - target), target, slash + 1);
	if ((fd = temp_create(tmp, &slot)) < 0)
		goto fail;
	if (temp_fill(fd, &lockfd, buf, len, &st))
		goto fail_unlink;
	/* the last moment before the rename: an edit made since the read is
	 * not overwritten (one made between this check and the rename is) */
	if (was && (ret = still_the_same(target, was)))
		goto fail_unlink;
	ret = WRITEOUT_ERROR;
	if (temp_finish(tmp, slot, target))
		goto fail_unlink;
	close(lockfd);
	free(tmp);
	free(target);
	return WRITEOUT_OK;
fail_unlink:
	e = errno;
	temp_finish(tmp, slot, NULL);
	errno = e;
fail:
	e = errno;
	if (lockfd >= 0)
		close(lockfd);
	free(tmp);
	free(target);
	errno = e;
	return ret;
}

int write_new(const char *path, const char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.stsify-XXXXXX", (int)(slash - path), path, slash + 1)
			  : xasprintf(".%s.stsify-XXXXXX", path);
	mode_t um = umask(0);
	struct stat st;
	int fd, lockfd = -1, slot, ret = -1, e;

	umask(um);
	memset(&st, 0, sizeof(st));
	st.st_mode = 0666 & ~um;
	st.st_uid = getuid();
	st.st_gid = getgid();
	if ((fd = temp_create(tmp, &slot)) < 0)
		goto out;
	/* link, not rename: a file made meanwhile is never replaced */
	if (!temp_fill(fd, &lockfd, buf, len, &st) && !link(tmp, path))
		ret = 0;
	e = errno;
	temp_finish(tmp, slot, NULL);
	errno = e;
out:
	e = errno;
	if (lockfd >= 0)
		close(lockfd);
	free(tmp);
	errno = e;
	return ret;
}

/* ---- what an earlier run left ---- */

bool writeout_is_temporary(const char *name, const char **base, size_t *baselen)
{
	static const char tag[] = ".stsify-";
	size_t n = strlen(name), t = sizeof(tag) - 1;

	/* ".", NAME (at least one byte), ".stsify-", six letters or digits */
	if (n < 1 + 1 + t + 6 || name[0] != '.' || memcmp(name + n - 6 - t, tag, t))
		return false;
	for (size_t i = n - 6; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	*base = name + 1;
	*baselen = n - 1 - t - 6;
	return true;
}

int writeout_remove_temporary(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), ret, e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* a running stsify holds the lock until it renames the file */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		e = errno == EWOULDBLOCK ? EBUSY : errno;
		close(fd);
		errno = e;
		return -1;
	}
	ret = unlink(path);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}
