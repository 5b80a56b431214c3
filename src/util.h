/*
 * util.h - allocation wrappers, a growable byte buffer and error helpers.
 *
 * Allocation wrappers die on out-of-memory (like git's xmalloc), so no
 * caller checks for NULL.  struct strbuf follows git's strbuf.h:
 *
 *   - buf is always NUL-terminated (buf[len] == '\0') once anything was
 *     added, and may hold NUL bytes before len;
 *   - STRBUF_INIT is a valid empty buffer whose buf is NULL;
 *   - strbuf_release() frees and re-initialises; strbuf_detach() hands the
 *     bytes to the caller (who frees them) and re-initialises.
 */
#ifndef STSIFY_UTIL_H
#define STSIFY_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);

/*
 * The largest input read: stsify holds a file, its parse tree and its
 * rewrite in memory, about 25 times the file's size at the peak.
 */
#define STSIFY_MAX_INPUT ((size_t)128 << 20)

/* Read a whole file (or stdin for "-") into bufp and lenp; -1 with errno set
 * on error (EFBIG: larger than STSIFY_MAX_INPUT). */
int read_file(const char *path, char **buf, size_t *len);

#endif
