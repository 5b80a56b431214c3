/*
 * source.h - the bytes of one input and its line table.
 *
 * Everything downstream works on half-open byte ranges [start, end) into
 * source->buf; line:column is computed only when a message is printed, by a
 * binary search over the line-start table.
 *
 * Ownership: source_init_take() takes ownership of buf (it is freed by
 * source_release()); path is copied.
 */
#ifndef STSIFY_SOURCE_H
#define STSIFY_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct source {
	char *path;		/* as named by the user; "<stdin>" for stdin */
	char *buf;		/* the bytes, NUL-terminated at buf[len] */
	size_t len;
	size_t *line;		/* offsets of line starts; line[0] == 0 */
	size_t nline;
	bool crlf;		/* most lines end in "\r\n" */
	bool final_newline;	/* the last byte is '\n' (or the buffer is empty) */
};

void source_init_take(struct source *src, const char *path, char *buf, size_t len);
void source_release(struct source *src);

/* 1-based line and column (in bytes) of offset off. */
void source_linecol(const struct source *src, size_t off, unsigned *line, unsigned *col);

/* Offset of the start of the line holding off / one past its '\n' (or len). */
size_t source_line_start(const struct source *src, size_t off);
size_t source_line_end(const struct source *src, size_t off);

/* The newline sequence the file uses: "\r\n" or "\n". */
const char *source_eol(const struct source *src);

#endif
