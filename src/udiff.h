/*
 * udiff.h - line diff of two byte buffers, written as a unified diff the way
 * git writes it, so that `git apply` and `patch -p1` accept it.
 *
 * Pipeline (after git's xdiff): split both buffers into lines (a line keeps
 * its terminator, "\n" or "\r\n"; the last line may have none), trim the
 * common head and tail, run Myers' O(ND) algorithm (linear space) on the
 * middle, group the changes into hunks with `context` lines around them
 * (hunks whose gap is at most 2*context lines are merged), and print:
 *
 *   --- a/PATH
 *   +++ b/PATH
 *   @@ -s,n +s,n @@
 *
 * A count of 1 is omitted ("@@ -3 +3,2 @@"); a count of 0 gives start s-1
 * (for an empty side, "-0,0").  A last line without a newline is followed by
 * "\ No newline at end of file".
 */
#ifndef STSIFY_UDIFF_H
#define STSIFY_UDIFF_H

#include <stddef.h>

#include "util.h"

/*
 * Append the diff of a -> b to out, with headers for `path` (a/PATH and
 * b/PATH).  Returns 0 and appends nothing when a and b are byte-identical,
 * 1 when a diff was appended.
 */
int udiff(struct strbuf *out, const char *path, const char *a, size_t alen,
	  const char *b, size_t blen, unsigned context);

#endif
