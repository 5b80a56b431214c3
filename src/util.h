/*
 * util.h - allocation wrappers, a growable byte buffer and error helpers.
 *
 * Allocation wrappers die on out-of-memory (like git's xmalloc), so no
 * caller checks for NULL; die() abandons the run (see "Fatal errors"
 * below), it does not end the process.  struct strbuf follows git's strbuf.h:
 *
 *   - buf is always NUL-terminated (buf[len] == '\0') once anything was
 *     added, and may hold NUL bytes before len;
 *   - STRBUF_INIT is a valid empty buffer whose buf is NULL;
 *   - strbuf_release() frees and re-initialises; strbuf_detach() hands the
 *     bytes to the caller (who frees them) and re-initialises.
 */
#ifndef STSIFY_UTIL_H
#define STSIFY_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#else
#define ATTR_PRINTF(f, a)
#define ATTR_NORETURN
#endif

/* Broken invariant: a bug in stsify, never bad input. */
#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (cond)                                                      \
			bug(__FILE__, __LINE__, #cond);                        \
	} while (0)
ATTR_NORETURN void bug(const char *file, int line, const char *what);
ATTR_NORETURN void die(const char *fmt, ...) ATTR_PRINTF(1, 2);

/*
 * Fatal errors.  die() (out of memory and the like) and bug() (BUG_ON)
 * never return, and never end the process themselves: they call the host's
 * fatal hook (stsify_set_fatal_hook() in stsify.h; the command's prints
 * the message and exits), then jump back to the thread's innermost
 * recovery point.  Every public entry point of the library sets one, and
 * so does every pool worker (pool.c) of a caller that has one:
 *
 *	struct recover rc;
 *
 *	recover_push(&rc);
 *	if (setjmp(rc.jb)) {
 *		// rc is popped already; rc.msg says why; whatever the
 *		// abandoned frames held is lost (leaks)
 *		return -1;
 *	}
 *	... work that may die ...
 *	recover_pop(&rc);
 *
 * A local changed after setjmp() and read after the jump must be volatile.
 * With no recovery point and a hook that returns (or none), the message is
 * printed on stderr and the process aborts: only code called outside the
 * public API (the unit tests, the fuzzer) gets there.
 */
struct recover {
	jmp_buf jb;
	struct recover *prev;
	bool bug;		/* bug() rather than die() */
	char msg[256];
};
void recover_push(struct recover *rc);
/* Pop rc, the innermost recovery point, having come through without a jump. */
void recover_pop(struct recover *rc);
/* The thread's innermost recovery point, or NULL. */
struct recover *recover_current(void);
/* Jump to the innermost recovery point with msg, without calling the hook
 * (a pool hands a worker's failure on to its caller this way). */
ATTR_NORETURN void recover_raise(const char *msg, bool bug);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Grow array p (of *alloc elements) so that it holds at least n elements. */
#define ALLOC_GROW(p, n, alloc)                                                \
	do {                                                                   \
		if ((n) > (alloc)) {                                           \
			size_t na_ = (alloc) ? (alloc)*2 : 8;                  \
			if (na_ < (n))                                         \
				na_ = (n);                                     \
			(p) = xrealloc((p), na_ * sizeof(*(p)));               \
			(alloc) = na_;                                         \
		}                                                              \
	} while (0)

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *lenp);
/* Make sb own buf (malloc'd, alloc bytes, NUL at buf[len]); what sb held is freed. */
void strbuf_attach(struct strbuf *sb, char *buf, size_t len, size_t alloc);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);

/*
 * The largest input read, 1 GiB: in filter mode stsify holds the stream's
 * bytes and compact indexes (about twice the input at the peak, issue 6);
 * a file in a tree is held with its parse tree and rewrite.  Span trees use
 * 32-bit offsets, so the limit must stay under 4 GiB.
 */
#define STSIFY_MAX_INPUT ((size_t)1 << 30)
/* The largest input the read functions below take: STSIFY_MAX_INPUT
 * unless a front end set a smaller one (from STSIFY_MAX_INPUT_MB, for
 * tests; 0 or more than STSIFY_MAX_INPUT is STSIFY_MAX_INPUT). */
size_t stsify_max_input(void);
void stsify_set_max_input(size_t bytes);

/*
 * Read a whole file (or stdin for "-") into bufp and lenp; -1 with errno set
 * on error (EFBIG: larger than stsify_max_input()).  Reading stops after
 * the first block (64 KiB or more) that holds a NUL byte: such bytes are
 * not text, and are rejected at that byte when parsed (ytext_check()), so
 * /dev/zero is not read up to the size limit.
 */
int read_file(const char *path, char **buf, size_t *len);
/* The same for an open descriptor, which is then closed (unless it is 0). */
int read_fd(int fd, char **buf, size_t *len);
/* read_fd(), and *st the descriptor's fstat() (zeroed when it fails). */
struct stat;
int read_fd_stat(int fd, struct stat *st, char **buf, size_t *len);

/* How far read_fd_part() read. */
enum read_end {
	READ_ALL,		/* to the end */
	READ_BINARY,		/* through the block that holds the first NUL byte */
	READ_TOO_LARGE,		/* past stsify_max_input() (a regular file: not at all) */
};
/* read_fd_stat(), but what was read before it stopped is kept: 0 and
 * *end say how far it got; -1 with errno set on a read error only. */
int read_fd_part(int fd, struct stat *st, char **buf, size_t *len, enum read_end *end);

/*
 * Standard input as read_fd_part(0) gives it, except that a large regular
 * file is mapped instead (read-only, prefaulted): no copy and no fresh
 * memory for the kernel to clear.  *mapped tells input_release() which.
 * A mapped input must not shrink while it is used: stdin_map_guard()
 * makes a SIGBUS (the file was truncated) an error message and exit 3.
 */
int read_stdin(char **buf, size_t *len, bool *mapped, enum read_end *end);
void input_release(char *buf, size_t len, bool mapped);
void stdin_map_guard(const char *what);

/*
 * Phase timing (STSIFY_DEBUG_TIMING, which main() reads): once
 * debug_phase_start(true) has been called, debug_phase() prints on stderr
 * "stsify: WHAT  SECONDS s  MB resident  CPU s cpu", the time since that
 * call, the resident memory and the processor time of all threads
 * (bench/README.md).  Otherwise (a program embedding the library) nothing.
 */
void debug_phase_start(bool on);
bool debug_phase_enabled(void);
void debug_phase(const char *what);

/*
 * A hash index: 64-bit hashes to the items (numbers the caller gives)
 * added under each, in the order they were added.  The caller computes the
 * hash (hash_str) and compares the keys of the items it gets back.
 *
 *   struct hidx h = HIDX_INIT;
 *   hidx_add(&h, hash_str(HASH_INIT, name), i);
 *   for (size_t k = hidx_first(&h, hv); k != HIDX_NONE; k = hidx_next(&h, k)) ...
 *   hidx_release(&h);
 *
 * An item may be added once.
 */
struct hidx {
	uint64_t *hash;		/* per slot; a slot is used when head != 0 */
	size_t *head, *tail;	/* per slot: first and last item + 1 */
	size_t cap, used;
	size_t *next;		/* per item: next item + 1 under the same hash */
	size_t anext;
};
#define HIDX_INIT { NULL, NULL, NULL, 0, 0, NULL, 0 }
#define HIDX_NONE SIZE_MAX
#define HASH_INIT 0xcbf29ce484222325ULL

uint64_t hash_str(uint64_t h, const char *s);
uint64_t hash_ptr(const void *p);
/* A number's hash, mixed so that its high bits reach the low ones. */
uint64_t hash_u64(uint64_t v);
void hidx_add(struct hidx *h, uint64_t hash, size_t item);
size_t hidx_first(const struct hidx *h, uint64_t hash);
size_t hidx_next(const struct hidx *h, size_t item);
void hidx_release(struct hidx *h);

#endif
