/*
 * failrename.c - LD_PRELOAD shim for tests/repo.sh: rename(2) fails with
 * EIO, as if the disk went away just before stsify put a rewritten file in
 * place.  The original must stay intact and no temporary file may remain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

int rename(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EIO;
	return -1;
}
