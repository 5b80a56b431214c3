/*
 * writeout.h - output that must not be lost: atomic file replacement,
 * checked writes to stdout, and the temporary files of an interrupted run.
 */
#ifndef STSIFY_WRITEOUT_H
#define STSIFY_WRITEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* What a file was when it was read, for write_atomic() to check. */
struct writeout_was {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	const char *buf;	/* its bytes (borrowed) */
	size_t len;
};

/* Fill was from the fstat() of the read and the bytes read. */
void writeout_was_set(struct writeout_was *was, const struct stat *st, const char *buf, size_t len);

enum writeout_result {
	WRITEOUT_OK = 0,
	WRITEOUT_ERROR = -1,	/* errno says why */
	WRITEOUT_CHANGED = 1,	/* the file is not the one that was read */
	WRITEOUT_DELETED = 2,	/* the file was deleted since it was read */
	WRITEOUT_LINKED = 3,	/* the file has other hard links */
};

/* write_atomic() flags */
enum {
	WRITEOUT_BREAK_LINKS = 1,	/* replace a file that has other hard links */
};

/*
 * Replace the file at path with buf[0..len): a temporary file
 * ".NAME.stsify-XXXXXX" in the same directory, written, fsync'ed, given the
 * original's mode (and owner when permitted), then renamed over the target
 * of path (a symlink is followed).  Readers see the old file or the new
 * one, never half.  The result is WRITEOUT_OK, or something else with the
 * original untouched and no temporary file left behind:
 *
 *   - WRITEOUT_ERROR: a system call failed (errno); a file that is
 *     read-only (no write permission bit, or not writable by this user) is
 *     refused with EACCES although rename could replace it;
 *   - with was (not NULL): WRITEOUT_CHANGED when, just before the rename,
 *     the file's device, inode, size or modification time differ from
 *     was's, or they are equal and its bytes are not was's (another
 *     program edited or replaced it since it was read: that edit is not
 *     lost), WRITEOUT_DELETED when it is gone (it is not made again);
 *   - WRITEOUT_LINKED: the file has more than one hard link, and rename
 *     would detach this name from the others (which would keep the old
 *     text), unless flags has WRITEOUT_BREAK_LINKS.
 *
 * While it exists, the temporary file is locked (flock) and listed where
 * the handler of writeout_catch_signals() finds it.  One thread at a time
 * (up to eight) may call it.
 */
int write_atomic(const char *path, const char *buf, size_t len, const struct writeout_was *was,
		 unsigned flags);

/*
 * Create the file path, which must not exist, holding buf[0..len), mode
 * 0666 less the umask: a temporary file in the same directory, written
 * and fsync'ed, then linked to path (link(2), not rename: a file that
 * appeared meanwhile is never replaced; EEXIST then).  Readers see no
 * file or the whole one.  Returns 0, or -1 with errno.
 */
int write_new(const char *path, const char *buf, size_t len);

/*
 * For programs: when SIGINT, SIGTERM, SIGHUP or SIGPIPE arrives, remove
 * the temporary file write_atomic() is writing (the original stays as it
 * was), then die of the signal as without the handler, so that the shell
 * reports 128 + its number.  A signal the process ignores stays ignored.
 * A library leaves its host's signals alone: only main() calls this.
 */
void writeout_catch_signals(void);

/*
 * Is name (a file name, no folder) one that write_atomic() gives a
 * temporary file: ".NAME.stsify-" and six letters or digits?  *base and
 * *baselen then say NAME (inside name).
 */
bool writeout_is_temporary(const char *name, const char **base, size_t *baselen);

/*
 * Remove path, a temporary file that an earlier run left (it was killed
 * with SIGKILL, or the machine stopped), unless it is not a regular file
 * or is in use (a running stsify holds its lock).  Returns 0 when removed,
 * -1 with errno set otherwise (EBUSY: in use).
 */
int writeout_remove_temporary(const char *path);

/* fwrite all of buf; returns 0 or -1. */
int write_all(FILE *fp, const char *buf, size_t len);

#endif
