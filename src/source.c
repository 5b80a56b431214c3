/*
 * source.c - input bytes and the line table (see source.h).
 */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

#define LINE_STEP 32

void source_init_borrow(struct source *src, const char *path, const char *buf, size_t len)
{
	size_t nlf = 0, ncr = 0;

	memset(src, 0, sizeof(*src));
	src->path = xstrdup(path);
	src->buf = buf;
	src->len = len;
	/* line endings are counted only when there is a carriage return */
	if (memchr(buf, '\r', len)) {
		for (const char *p = buf, *e = buf + len; p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++) {
			nlf++;
			ncr += p > buf && p[-1] == '\r';
		}
	}
	src->crlf = ncr > nlf - ncr;
	src->final_newline = len == 0 || buf[len - 1] == '\n';
}

void source_init_take(struct source *src, const char *path, char *buf, size_t len)
{
	source_init_borrow(src, path, buf, len);
	src->owned = buf;
}

void source_release(struct source *src)
{
	free(src->path);
	free(src->owned);
	free(src->line);
	memset(src, 0, sizeof(*src));
}

/*
 * The line feeds in p[0, n).  YAML lines are short: a memchr() call per
 * line costs more than looking at every byte, 16 at a time.
 */
static size_t count_lf(const char *p, size_t n)
{
	size_t c = 0, i = 0;

#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

	/* each byte of acc counts the line feeds in its lane, up to 255 blocks */
	while (i + 16 <= n) {
		__m128i acc = zero;

		for (size_t k = 0; k < 255 && i + 16 <= n; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), lf));
		acc = _mm_sad_epu8(acc, zero);
		c += (size_t)_mm_cvtsi128_si32(acc) + (size_t)_mm_extract_epi16(acc, 4);
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* Add a table entry after the line feed at p if it ends line LINE_STEP * k. */
static void line_feed(struct source *src, size_t *n, size_t *alloc, const char *p)
{
	if (++*n % LINE_STEP == 0 && (size_t)(p + 1 - src->buf) < src->len) {
		ALLOC_GROW(src->line, src->nline + 1, *alloc);
		src->line[src->nline++] = (size_t)(p + 1 - src->buf);
	}
}

/* The bits set in a 16-bit mask (the baseline x86-64 has no popcnt
 * instruction: __builtin_popcount() would be a call to libgcc). */
static inline unsigned bits16(unsigned m)
{
	m = m - ((m >> 1) & 0x5555);
	m = (m & 0x3333) + ((m >> 2) & 0x3333);
	m = (m + (m >> 4)) & 0x0f0f;
	return (m + (m >> 8)) & 0x1f;
}

static void build_lines(struct source *src)
{
	size_t alloc = 0, n = 0, i = 0, len = src->len;
	const char *b = src->buf;

	ALLOC_GROW(src->line, 1 + len / 2048, alloc);
	src->line[src->nline++] = 0;
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	/* a block of 16 bytes whose line feeds do not reach the next entry is
	 * only counted */
	for (; i + 16 <= len; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(b + i)), lf));
		size_t c = bits16(m);

		if (n % LINE_STEP + c < LINE_STEP) {
			n += c;
			continue;
		}
		for (; m; m &= m - 1)
			line_feed(src, &n, &alloc, b + i + __builtin_ctz(m));
	}
#endif
	for (; i < len; i++)
		if (b[i] == '\n')
			line_feed(src, &n, &alloc, b + i);
}

void source_linecol(const struct source *csrc, size_t off, unsigned *line, unsigned *col)
{
	struct source *src = (struct source *)csrc;	/* the table is a cache */
	size_t lo = 0, hi, ls, n, e, c;

	if (!src->line)
		build_lines(src);
	if (off > src->len)
		off = src->len;
	/* largest i with line[i] <= off, then the line breaks after it */
	hi = src->nline;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->line[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	ls = src->line[lo];
	/* a line starts after each line break but the last byte's */
	e = off == src->len && off ? off - 1 : off;
	n = lo * LINE_STEP;
	if (e > ls && (c = count_lf(src->buf + ls, e - ls))) {
		n += c;
		ls = (size_t)((const char *)memrchr(src->buf + ls, '\n', e - ls) - src->buf) + 1;
	}
	*line = (unsigned)(n + 1);
	*col = (unsigned)(off - ls + 1);
}

size_t source_line_offset(const struct source *csrc, unsigned line)
{
	struct source *src = (struct source *)csrc;	/* the table is a cache */
	size_t i, off, n;

	if (!line)
		return (size_t)-1;
	if (!src->line)
		build_lines(src);
	i = (size_t)(line - 1) / LINE_STEP;
	if (i >= src->nline)
		return (size_t)-1;
	off = src->line[i];
	/* a line starts after each line break but the last byte's */
	for (n = i * LINE_STEP + 1; n < line; n++) {
		const char *nl = memchr(src->buf + off, '\n', src->len - off);

		if (!nl || (size_t)(nl - src->buf) + 1 >= src->len)
			return (size_t)-1;
		off = (size_t)(nl - src->buf) + 1;
	}
	return off;
}

size_t source_line_start(const struct source *src, size_t off)
{
	const char *nl;

	/* a line starts after each line break but the last byte's */
	if (off >= src->len)
		off = src->len ? src->len - 1 : 0;
	nl = off ? memrchr(src->buf, '\n', off) : NULL;
	return nl ? (size_t)(nl - src->buf) + 1 : 0;
}

size_t source_line_end(const struct source *src, size_t off)
{
	const char *nl;

	if (off >= src->len)
		return src->len;
	nl = memchr(src->buf + off, '\n', src->len - off);
	return nl ? (size_t)(nl - src->buf) + 1 : src->len;
}

const char *source_eol(const struct source *src)
{
	return src->crlf ? "\r\n" : "\n";
}
