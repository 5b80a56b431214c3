/*
 * test_source.c - the line table behind findings (source.h): line:column
 * by binary search over every 32nd line start, against a naive scan; the
 * start and end of a line; line endings; a byte-order mark.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "test_lib.h"
#include "util.h"

/* A buffer of lines of varied lengths and endings. */
static char *lines(size_t nlines, bool crlf, bool final, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nlines; i++) {
		strbuf_addchars(&sb, 'a' + (char)(i % 26), (i * 7) % 13);
		if (i + 1 < nlines || final)
			strbuf_addstr(&sb, crlf ? "\r\n" : "\n");
	}
	if (!sb.buf)
		strbuf_add(&sb, "", 0);
	return strbuf_detach(&sb, len);
}

/* Every offset of one buffer against a naive scan. */
static void check_every_offset(int variant, const char *buf, size_t len, const struct source *src)
{
	size_t line = 1, ls = 0;

	for (size_t off = 0; off <= len; off++) {
		unsigned l, c;
		size_t want_end;
		const char *nlp;

		/* a line starts after each line break but the last byte's */
		source_linecol(src, off, &l, &c);
		cr_assert_eq(l, line, "variant %d, offset %zu: line %u, expected %zu", variant, off, l, line);
		cr_assert_eq(c, off - ls + 1, "variant %d, offset %zu: column %u, expected %zu", variant, off, c,
			     off - ls + 1);
		cr_assert_eq(source_line_start(src, off), ls, "variant %d, offset %zu: line start %zu, expected %zu",
			     variant, off, source_line_start(src, off), ls);
		nlp = off < len ? memchr(buf + off, '\n', len - off) : NULL;
		want_end = nlp ? (size_t)(nlp - buf) + 1 : len;
		cr_assert_eq(source_line_end(src, off), want_end, "variant %d, offset %zu: line end %zu, expected %zu",
			     variant, off, source_line_end(src, off), want_end);
		if (off < len && buf[off] == '\n' && off + 1 < len) {
			cr_assert_eq(source_line_offset(src, (unsigned)line + 1), off + 1,
				     "variant %d: line %zu starts at %zu, expected %zu", variant, line + 1,
				     source_line_offset(src, (unsigned)line + 1), off + 1);
			line++;
			ls = off + 1;
		}
	}
	cr_assert_eq(source_line_offset(src, (unsigned)line + 1), (size_t)-1,
		     "variant %d: line %zu past the last starts at %zu", variant, line + 1,
		     source_line_offset(src, (unsigned)line + 1));
}

Test(source, line_table_matches_a_naive_scan)
{
	for (int variant = 0; variant < 8; variant++) {
		size_t nl = variant < 2 ? (size_t)variant : 50 + 97 * (size_t)variant, len;
		char *buf = lines(nl, variant & 1, variant & 2, &len);
		struct source src;

		source_init_borrow(&src, "x", buf, len);
		cr_assert_eq(src.crlf, (variant & 1) && nl > 1, "variant %d: crlf %d", variant, src.crlf);
		check_every_offset(variant, buf, len, &src);
		source_release(&src);
		free(buf);
	}
}

/* far offsets first: the table is built on first use, whatever the order */
Test(source, binary_search_over_many_lines)
{
	size_t len;
	char *buf = lines(10000, false, true, &len);
	struct source src;
	unsigned l, c;

	source_init_take(&src, "big.yaml", buf, len);
	source_linecol(&src, len, &l, &c);
	assert_int_eq(l, 10000);
	source_linecol(&src, 0, &l, &c);
	assert_int_eq(l, 1);
	assert_int_eq(c, 1);
	for (unsigned want = 1; want <= 10000; want += 333) {
		size_t off = source_line_offset(&src, want);

		cr_assert_neq(off, (size_t)-1, "line %u has no offset", want);
		source_linecol(&src, off, &l, &c);
		cr_assert(l == want && c == 1, "line %u starts at %zu, which is %u:%u", want, off, l, c);
	}
	assert_size_eq(source_line_offset(&src, 0), (size_t)-1);
	assert_size_eq(source_line_offset(&src, 10001), (size_t)-1);
	cr_assert_str_eq(src.path, "big.yaml");
	source_release(&src);
}

Test(source, line_endings)
{
	static const struct {
		const char *text;
		bool crlf, final_newline;
	} cases[] = {
		{ "", false, true },
		{ "a: 1", false, false },
		{ "a: 1\n", false, true },
		{ "a: 1\r\nb: 2\r\n", true, true },
		{ "a: 1\r\nb: 2", true, false },
		/* most lines decide; a tie is not CRLF */
		{ "a: 1\r\nb: 2\r\nc: 3\n", true, true },
		{ "a: 1\r\nb: 2\nc: 3\n", false, true },
		{ "a: 1\r\nb: 2\n", false, true },
		/* a lone carriage return ends no line */
		{ "a: \"x\ry\"\n", false, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct source src;

		source_init_borrow(&src, "-", cases[i].text, strlen(cases[i].text));
		cr_assert_eq(src.crlf, cases[i].crlf, "\"%s\": crlf %d, expected %d", cases[i].text, src.crlf,
			     cases[i].crlf);
		cr_assert_eq(src.final_newline, cases[i].final_newline, "\"%s\": final_newline %d, expected %d",
			     cases[i].text, src.final_newline, cases[i].final_newline);
		assert_str_eq(source_eol(&src), cases[i].crlf ? "\r\n" : "\n", cases[i].text);
		source_release(&src);
	}
}

/* a "\r\n" line ends after its '\n': the '\r' is the line's last column */
Test(source, crlf_columns)
{
	const char text[] = "a: 1\r\nbb: 2\r\n";
	struct source src;
	unsigned l, c;

	source_init_borrow(&src, "x", text, sizeof(text) - 1);
	source_linecol(&src, 4, &l, &c);
	cr_assert(l == 1 && c == 5, "the \\r of line 1 is at %u:%u, expected 1:5", l, c);
	source_linecol(&src, 6, &l, &c);
	cr_assert(l == 2 && c == 1, "'b' is at %u:%u, expected 2:1", l, c);
	assert_size_eq(source_line_end(&src, 0), 6);
	assert_size_eq(source_line_start(&src, 9), 6);
	/* the offset past the final line break is on the last line */
	source_linecol(&src, sizeof(text) - 1, &l, &c);
	cr_assert(l == 2 && c == 8, "the end is at %u:%u, expected 2:8", l, c);
	source_release(&src);
}

/* columns count bytes: a byte-order mark takes three on line 1 only */
Test(source, byte_order_mark)
{
	const char text[] = "\xef\xbb\xbf" "a: 1\nb: 2\n";
	struct source src;
	unsigned l, c;

	source_init_borrow(&src, "bom.yaml", text, sizeof(text) - 1);
	source_linecol(&src, 3, &l, &c);
	cr_assert(l == 1 && c == 4, "'a' after the mark is at %u:%u, expected 1:4", l, c);
	source_linecol(&src, 8, &l, &c);
	cr_assert(l == 2 && c == 1, "'b' is at %u:%u, expected 2:1", l, c);
	assert_size_eq(source_line_start(&src, 5), 0);
	assert_size_eq(source_line_offset(&src, 2), 8);
	cr_assert_eq(src.crlf, false, "crlf %d", src.crlf);
	source_release(&src);
}

Test(source, line_and_column)
{
	struct source src;
	unsigned line, col;

	source_init_take(&src, "x.yaml", xstrdup("ab\r\ncd\r\nef"), 10);
	cr_assert(src.crlf, "\"ab\\r\\ncd\\r\\nef\" not seen as CRLF");
	cr_assert(!src.final_newline, "\"ab\\r\\ncd\\r\\nef\" seen as ending in a newline");
	source_linecol(&src, 0, &line, &col);
	cr_assert(line == 1 && col == 1, "offset 0 at %u:%u, expected 1:1", line, col);
	source_linecol(&src, 5, &line, &col);
	cr_assert(line == 2 && col == 2, "offset 5 at %u:%u, expected 2:2", line, col);
	source_linecol(&src, 9, &line, &col);
	cr_assert(line == 3 && col == 2, "offset 9 at %u:%u, expected 3:2", line, col);
	assert_size_eq(source_line_end(&src, 4), 8);
	cr_assert_str_eq(source_eol(&src), "\r\n");
	source_release(&src);
}
