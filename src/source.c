/*
 * source.c - input bytes and the line table (see source.h).
 */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void source_init_take(struct source *src, const char *path, char *buf, size_t len)
{
	size_t alloc = 0, ncrlf = 0, nlf = 0;

	memset(src, 0, sizeof(*src));
	src->path = xstrdup(path);
	src->buf = buf;
	src->len = len;
	ALLOC_GROW(src->line, 1, alloc);
	src->line[src->nline++] = 0;
	for (const char *p = buf, *e = buf + len; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (!nl)
			break;
		if (nl > buf && nl[-1] == '\r')
			ncrlf++;
		else
			nlf++;
		p = nl + 1;
		if (p < e) {
			ALLOC_GROW(src->line, src->nline + 1, alloc);
			src->line[src->nline++] = (size_t)(p - buf);
		}
	}
	src->crlf = ncrlf > nlf;
	src->final_newline = len == 0 || buf[len - 1] == '\n';
}

void source_release(struct source *src)
{
	free(src->path);
	free(src->buf);
	free(src->line);
	memset(src, 0, sizeof(*src));
}

static size_t line_index(const struct source *src, size_t off)
{
	size_t lo = 0, hi = src->nline;

	/* largest i with line[i] <= off */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->line[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void source_linecol(const struct source *src, size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	if (off > src->len)
		off = src->len;
	i = line_index(src, off);
	*line = (unsigned)(i + 1);
	*col = (unsigned)(off - src->line[i] + 1);
}

size_t source_line_start(const struct source *src, size_t off)
{
	return src->line[line_index(src, off)];
}

size_t source_line_end(const struct source *src, size_t off)
{
	size_t i = line_index(src, off);

	return i + 1 < src->nline ? src->line[i + 1] : src->len;
}

const char *source_eol(const struct source *src)
{
	return src->crlf ? "\r\n" : "\n";
}
