/*
 * writeout.h - output that must not be lost: atomic file replacement and
 * checked writes to stdout.
 */
#ifndef STSIFY_WRITEOUT_H
#define STSIFY_WRITEOUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Replace the file at path with buf[0..len): a temporary file in the same
 * directory, written, fsync'ed, given the original's mode (and owner when
 * permitted), then renamed over the target of path (a symlink is followed).
 * Readers see the old file or the new one, never half.  A file that is
 * read-only (no write permission bit, or not writable by this user) is
 * refused with EACCES although rename could replace it.  Returns 0, or -1
 * with errno set (the original is then untouched, and no temporary file is
 * left behind).
 */
int write_atomic(const char *path, const char *buf, size_t len);

/* fwrite all of buf; returns 0 or -1. */
int write_all(FILE *fp, const char *buf, size_t len);

#endif
