/*
 * source.h - the bytes of one input and its line table.
 *
 * Everything downstream works on half-open byte ranges [start, end) into
 * source->buf; line:column is computed only when a message is printed, by a
 * binary search over a table of every 32nd line start (built on first use,
 * from the thread that reports findings) and a count of the line breaks
 * after it.  The start and end of the line holding an offset are found by
 * looking for the line breaks around it, so they are safe from any thread.
 *
 * Ownership: source_init_take() takes ownership of buf (it is freed by
 * source_release()); source_init_borrow() does not (buf must outlive the
 * source); path is copied.
 */
#ifndef STSIFY_SOURCE_H
#define STSIFY_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct source {
	char *path;		/* as named by the user; "<stdin>" for stdin */
	const char *buf;	/* the bytes */
	size_t len;
	char *owned;		/* buf when the source owns it, else NULL */
	size_t *line;		/* start of lines 0, 32, 64...; NULL until needed */
	size_t nline;		/* entries of line */
	bool crlf;		/* most lines end in "\r\n" */
	bool final_newline;	/* the last byte is '\n' (or the buffer is empty) */
};

void source_init_take(struct source *src, const char *path, char *buf, size_t len);
void source_init_borrow(struct source *src, const char *path, const char *buf, size_t len);
void source_release(struct source *src);

/* 1-based line and column (in bytes) of offset off. */
void source_linecol(const struct source *src, size_t off, unsigned *line, unsigned *col);

/* Offset of the start of 1-based line, or (size_t)-1 past the last line. */
size_t source_line_offset(const struct source *src, unsigned line);

/* Offset of the start of the line holding off / one past its '\n' (or len). */
size_t source_line_start(const struct source *src, size_t off);
size_t source_line_end(const struct source *src, size_t off);

/* The newline sequence the file uses: "\r\n" or "\n". */
const char *source_eol(const struct source *src);

#endif
