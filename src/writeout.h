/*
 * writeout.h - output that must not be lost: atomic file replacement,
 * checked writes to stdout, and the temporary files of an interrupted run.
 */
#ifndef STSIFY_WRITEOUT_H
#define STSIFY_WRITEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Replace the file at path with buf[0..len): a temporary file
 * ".NAME.stsify-XXXXXX" in the same directory, written, fsync'ed, given the
 * original's mode (and owner when permitted), then renamed over the target
 * of path (a symlink is followed).  Readers see the old file or the new
 * one, never half.  A file that is read-only (no write permission bit, or
 * not writable by this user) is refused with EACCES although rename could
 * replace it.  Returns 0, or -1 with errno set (the original is then
 * untouched, and no temporary file is left behind).
 *
 * While it exists, the temporary file is locked (flock) and listed where
 * the handler of writeout_catch_signals() finds it.
 */
int write_atomic(const char *path, const char *buf, size_t len);

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
