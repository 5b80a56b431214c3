/*
 * split.c - documents and their relevance from the bytes alone (see split.h).
 *
 * One pass over the line starts (memchr for each line break) finds the
 * boundaries and, per document, the column-0 lines that decide its kind;
 * a second pass over "{{" marks the documents the Helm check must see.
 * Only documents whose kind cannot be read that way are searched for words.
 */
#include "split.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pool.h"
#include "util.h"
#include "workload.h"

/* Kinds the planner reads besides the workloads (workload.h). */
static const char *const support_kinds[] = {
	"PersistentVolumeClaim", "Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler",
	"ScaledObject", "List", "ResourceList", "Kustomization", "StatefulSet",
};

/* Kinds the planner reads when they mount a claim (safety.h): other users
 * of a converted claim. */
static const char *const mount_kinds[] = {
	"CronJob", "Job", "Pod", "DaemonSet", "PodTemplate",
};

/* Kinds that say how a claim is bound (safety.h). */
static const char *const volume_kinds[] = {
	"PersistentVolume", "StorageClass",
};

/* Words that make a document of unknown kind relevant. */
static const char *const words[] = {
	"persistentVolumeClaim", "PersistentVolumeClaim", "Service", "HorizontalPodAutoscaler",
	"VerticalPodAutoscaler", "ScaledObject", "List", "ResourceList", "Kustomization", "StatefulSet",
};

struct scan {
	size_t start;		/* of the current chunk */
	bool opened;		/* a "---" or content seen: the next "---" starts a new chunk */
	bool content;		/* content seen */
	bool weird;		/* the kind cannot be read from column-0 lines */
	size_t nkind;		/* column-0 "kind:" lines */
	const char *kind;	/* the value of the last one */
	size_t kindlen;
};

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* Does p[0..e) start with marker m ("---" or "...") followed by a blank or the end? */
static bool is_marker(const char *p, const char *e, const char *m)
{
	return e - p >= 3 && !memcmp(p, m, 3) && (e - p == 3 || p[3] == ' ' || p[3] == '\t' || is_break(p[3]));
}

/* A whole word w in [s, e)? */
static bool has_word(const char *s, const char *e, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = s; p < e && (p = memmem(p, (size_t)(e - p), w, wl)); p++)
		if ((p == s || !is_word_char(p[-1])) && (p + wl == e || !is_word_char(p[wl])))
			return true;
	return false;
}

/*
 * Could a double-quoted escape spell a letter of a word in [s, e)?  "\x",
 * "\u" and "\U" can; an escaped line break joins two lines, which matters
 * when it follows a letter or starts its line (a run of them).
 */
static bool risky_escape(const char *s, const char *e)
{
	for (const char *p = s; p < e && (p = memchr(p, '\\', (size_t)(e - p))); p++) {
		char n = p + 1 < e ? p[1] : '\0';
		const char *q = p;

		if (n == 'x' || n == 'u' || n == 'U')
			return true;
		if (!is_break(n))
			continue;
		if (p > s && p[-1] != ' ' && p[-1] != '\t')
			return true;
		while (q > s && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == s || is_break(q[-1]))
			return true;
	}
	return false;
}

static bool blank_or_comment(const char *q, const char *e)
{
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	return q == e || *q == '#' || is_break(*q);
}

/* Does a value end at p: a blank or the line's end, then nothing but
 * blanks and maybe a comment ("a#b" is one plain scalar)? */
static bool value_ends(const char *p, const char *e)
{
	return (p == e || *p == ' ' || *p == '\t' || is_break(*p)) && blank_or_comment(p, e);
}

/* The value of a "kind:" line at p (just past the colon), or NULL. */
static const char *kind_value(const char *p, const char *e, size_t *len)
{
	const char *v;
	char quote = 0;

	if (p >= e || (*p != ' ' && *p != '\t'))
		return NULL;	/* "kind:" alone: the value is on the next line */
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && (*p == '"' || *p == '\''))
		quote = *p++;
	v = p;
	while (p < e && is_word_char(*p))
		p++;
	*len = (size_t)(p - v);
	if (!*len)
		return NULL;
	if (quote && (p >= e || *p++ != quote))
		return NULL;
	return value_ends(p, e) ? v : NULL;
}

static bool kind_is(const struct scan *s, const char *k)
{
	return s->kindlen == strlen(k) && !memcmp(s->kind, k, s->kindlen);
}

/* The whole word of some workload kind in [s, e)? */
static bool has_workload_word(const char *s, const char *e)
{
	for (size_t i = 0; i < nworkloads; i++)
		if (has_word(s, e, workloads[i].kind))
			return true;
	return false;
}

static enum chunk_class classify(const struct scan *s, const char *buf, size_t end, bool *service,
				 bool *workload)
{
	const char *b = buf + s->start, *e = buf + end;

	if (!s->content)
		return CHUNK_SKIP;
	if (!s->weird && s->nkind == 0)
		return CHUNK_SKIP;	/* a root mapping without a kind, or no mapping */
	if (!s->weird && s->nkind == 1) {
		if (workload_find(s->kind, s->kindlen)) {
			*workload = true;
			return has_word(b, e, "persistentVolumeClaim") || risky_escape(b, e) ? CHUNK_DRIVER
											      : CHUNK_SKIP;
		}
		*service = kind_is(s, "Service");
		for (size_t i = 0; i < ARRAY_SIZE(support_kinds); i++)
			if (kind_is(s, support_kinds[i]))
				return CHUNK_SUPPORT;
		for (size_t i = 0; i < ARRAY_SIZE(volume_kinds); i++)
			if (kind_is(s, volume_kinds[i]))
				return CHUNK_SUPPORT;
		for (size_t i = 0; i < ARRAY_SIZE(mount_kinds); i++)
			if (kind_is(s, mount_kinds[i]))
				return has_word(b, e, "persistentVolumeClaim") || risky_escape(b, e) ? CHUNK_SUPPORT
												      : CHUNK_SKIP;
		return CHUNK_SKIP;
	}
	*workload = has_workload_word(b, e) || risky_escape(b, e);
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (has_word(b, e, words[i]))
			return CHUNK_UNKNOWN;
	return risky_escape(b, e) ? CHUNK_UNKNOWN : CHUNK_SKIP;
}

static void close_chunk(struct split *sp, struct scan *s, const char *buf, size_t end)
{
	struct chunk *c;

	if (end == s->start)
		return;
	ALLOC_GROW(sp->c, sp->n + 1, sp->alloc);
	c = &sp->c[sp->n++];
	c->start = s->start;
	c->end = end;
	c->service = false;
	c->workload = false;
	c->cls = classify(s, buf, end, &c->service, &c->workload);
	c->helm = false;
	memset(s, 0, sizeof(*s));
	s->start = end;
}

/* Examine the line at p (ending at e, its line break excluded). */
static int scan_line(struct split *sp, struct scan *s, const char *buf, const char *p, const char *e,
		     const char *next)
{
	const char *q;

	/* most lines are indented lines of a document already under way:
	 * they change nothing here */
	if (p < e && (*p == ' ' || *p == '\t') && s->content)
		return 0;
	if (e - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		if (p != buf)
			return -1;
		p += 3;	/* a byte order mark starts the stream */
	}
	q = p;
	if (is_marker(p, e, "---")) {
		if (s->opened)
			close_chunk(sp, s, buf, (size_t)(p - buf));
		s->opened = true;
		q = p + 3;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q < e && *q != '#' && !is_break(*q)) {
			/* "--- !tag", "--- {...}": the root starts on the marker line */
			s->content = true;
			s->weird = true;
		}
		return 0;
	}
	if (is_marker(p, e, "...")) {
		close_chunk(sp, s, buf, (size_t)(next - buf));
		return 0;
	}
	if (p < e && *p == '%')
		return -1;	/* a directive (or "%" content at column 0) */
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q == e || *q == '#' || is_break(*q))
		return 0;	/* blank or comment */
	if (!s->content && q != p)
		s->weird = true;	/* the root is indented */
	s->content = true;
	s->opened = true;
	if (q != p)
		return 0;
	switch (*p) {
	case '"': case '\'': case '?': case '!': case '&': case '*': case '{': case '[':
	case '|': case '>': case '@': case '`': case '\\':
		s->weird = true;
		return 0;
	}
	if (e - p >= 4 && !memcmp(p, "kind", 4)) {
		if (e - p > 4 && p[4] == ':') {
			s->nkind++;
			if (!(s->kind = kind_value(p + 5, e, &s->kindlen)))
				s->weird = true;
		} else if (e - p > 4 && (p[4] == ' ' || p[4] == '\t')) {
			s->weird = true;	/* "kind : X" */
		}
	}
	return 0;
}

/* Every carriage return must end a line with a line feed after it. */
static bool lone_cr(const char *buf, size_t len)
{
	for (const char *p = buf, *e = buf + len; p < e && (p = memchr(p, '\r', (size_t)(e - p))); p++)
		if (p + 1 == e || p[1] != '\n')
			return true;
	return false;
}

static void mark_helm(struct split *sp, const char *buf, size_t start, size_t len)
{
	size_t k = 0;

	for (const char *p = buf + start, *e = buf + len; p + 1 < e && (p = memchr(p, '{', (size_t)(e - p - 1))); p++) {
		size_t off = (size_t)(p - buf);

		if (p[1] != '{')
			continue;
		while (k < sp->n && sp->c[k].end <= off)
			k++;
		if (k < sp->n)
			sp->c[k].helm = true;
		/* the chunk may end in the middle of "{{": mark both */
		if (k + 1 < sp->n && sp->c[k].end == off + 1)
			sp->c[k + 1].helm = true;
	}
}

/* Leading spaces of the line at p (-1 when a tab is among them). */
static long indent(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q == ' ')
		q++;
	return q < e && *q == '\t' ? -1 : (long)(q - p);
}

/* A simple value after "key:" at p: a word of name characters, maybe
 * quoted, then blanks and maybe a comment. */
static const char *simple_value(const char *p, const char *e, size_t *len)
{
	const char *v;
	char quote = 0;

	if (p < e && *p != ' ' && *p != '\t' && !is_break(*p))
		return NULL;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && (*p == '"' || *p == '\''))
		quote = *p++;
	v = p;
	while (p < e && (is_word_char(*p) || *p == '-' || *p == '.' || *p == '_'))
		p++;
	*len = (size_t)(p - v);
	if (quote && (p >= e || *p++ != quote))
		return NULL;
	if (!*len && !quote)
		return NULL;	/* "name:" alone: the value may be on the next lines */
	return value_ends(p, e) ? v : NULL;
}

bool split_service_stub(const char *buf, const struct chunk *c, const char **name, size_t *nlen,
			const char **ns, size_t *nslen)
{
	const char *b = buf + c->start, *e = buf + c->end, *p, *meta = NULL;
	long n = 0;
	bool need_deeper = false;	/* a value was read: the next line must not continue it */
	bool got_name = false, got_ns = false;

	*name = *ns = "";
	*nlen = *nslen = 0;
	if (!c->service || c->helm || has_word(b, e, "None") || risky_escape(b, e))
		return false;
	/* the one column-0 "metadata:" line */
	for (p = b; p < e;) {
		const char *le = memchr(p, '\n', (size_t)(e - p));

		le = le ? le : e;
		if (e - p >= 8 && !memcmp(p, "metadata", 8)) {
			if (meta || p + 8 >= le || p[8] != ':' || !blank_or_comment(p + 9, le))
				return false;
			meta = le < e ? le + 1 : e;
		}
		p = le < e ? le + 1 : e;
	}
	if (!meta)
		return true;	/* no metadata: no name */
	for (p = meta; p < e;) {
		const char *le = memchr(p, '\n', (size_t)(e - p)), *v;
		long ind;
		size_t vl;

		le = le ? le : e;
		if (blank_or_comment(p, le))
			goto next;
		if ((ind = indent(p, le)) < 0)
			return false;
		if (ind == 0)
			break;	/* the next key of the root */
		if (!n)
			n = ind;
		if (ind < n)
			return false;
		if (ind > n) {
			if (need_deeper)
				return false;	/* a name on several lines */
			goto next;
		}
		need_deeper = false;
		p += n;
		switch (*p) {
		case '"': case '\'': case '?': case '!': case '&': case '*': case '-': case '{': case '[':
			return false;	/* another spelling of a key, or not a mapping */
		}
		if (le - p >= 5 && !memcmp(p, "name", 4) && p[4] != ':' && !is_word_char(p[4]) && p[4] != '-')
			return false;	/* "name :" */
		if (le - p >= 5 && !memcmp(p, "name:", 5)) {
			if (got_name || !(v = simple_value(p + 5, le, &vl)))
				return false;
			got_name = true;
			*name = v;
			*nlen = vl;
			need_deeper = true;
		} else if (le - p >= 10 && !memcmp(p, "namespace:", 10)) {
			if (got_ns || !(v = simple_value(p + 10, le, &vl)))
				return false;
			got_ns = true;
			*ns = v;
			*nslen = vl;
			need_deeper = true;
		} else if (le - p >= 9 && !memcmp(p, "namespace", 9) && !is_word_char(p[9]) && p[9] != '-') {
			return false;	/* "namespace :" */
		}
next:
		p = le < e ? le + 1 : e;
	}
	return true;
}

/* The next line feed at or after p, or NULL: memchr() inlined for the short
 * lines YAML is made of (a call per line was a third of the scan). */
static const char *next_lf(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	for (; e - p >= 16; p += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), lf));

		if (m)
			return p + __builtin_ctz(m);
	}
#endif
	return memchr(p, '\n', (size_t)(e - p));
}

/* Split buf[start, end), start being a line start where no chunk is open. */
static int split_range(struct split *sp, const char *buf, size_t start, size_t end)
{
	struct scan s;
	const char *p = buf + start, *e = buf + end;

	memset(sp, 0, sizeof(*sp));
	memset(&s, 0, sizeof(s));
	s.start = start;
	if (lone_cr(buf + start, end - start))
		return -1;
	while (p < e) {
		const char *nl = next_lf(p, e);
		const char *le = nl ? nl : e, *next = nl ? nl + 1 : e;

		if (le > p && le[-1] == '\r')
			le--;
		if (scan_line(sp, &s, buf, p, le, next)) {
			split_release(sp);
			return -1;
		}
		p = next;
	}
	close_chunk(sp, &s, buf, end);
	mark_helm(sp, buf, start, end);
	return 0;
}

int split_stream(struct split *sp, const char *buf, size_t len)
{
	return split_range(sp, buf, 0, len);
}

/*
 * Where a part may start at or after off: a "---" line that follows a
 * line with something on it (so that the document before is open and the
 * whole scan would cut there too), or the line after a "..." line.
 */
static size_t cut_after(const char *buf, size_t len, size_t off)
{
	const char *e = buf + len, *p = memchr(buf + off, '\n', len - off);

	while (p && p + 1 < e) {
		const char *ls = p + 1, *le = memchr(ls, '\n', (size_t)(e - ls)), *prev = p;

		le = le ? le : e;
		while (prev > buf && prev[-1] != '\n')
			prev--;
		if (is_marker(ls, le, "...") && le < e)
			return (size_t)(le - buf) + 1;
		if (is_marker(ls, le, "---") && !blank_or_comment(prev, p))
			return (size_t)(ls - buf);
		p = le < e ? le : NULL;
	}
	return len;
}

struct parts {
	const char *buf;
	size_t *cut;
	struct split *part;
	int *err;
};

static void split_part(void *arg, size_t k, unsigned w)
{
	struct parts *pt = arg;

	(void)w;
	pt->err[k] = split_range(&pt->part[k], pt->buf, pt->cut[k], pt->cut[k + 1]);
}

int split_stream_jobs(struct split *sp, const char *buf, size_t len, unsigned jobs)
{
	struct parts pt = { buf, NULL, NULL, NULL };
	unsigned n = jobs;
	int err = 0;

	if (jobs <= 1 || len < ((size_t)1 << 22))
		return split_stream(sp, buf, len);
	pt.cut = xcalloc(n + 1, sizeof(*pt.cut));
	pt.part = xcalloc(n, sizeof(*pt.part));
	pt.err = xcalloc(n, sizeof(*pt.err));
	for (unsigned k = 1; k < n; k++) {
		size_t want = len / n * k;

		pt.cut[k] = cut_after(buf, len, want > pt.cut[k - 1] ? want : pt.cut[k - 1]);
	}
	pt.cut[n] = len;
	pool_for(jobs, n, split_part, &pt);
	memset(sp, 0, sizeof(*sp));
	for (unsigned k = 0; k < n; k++) {
		err |= pt.err[k];
		if (!err && pt.part[k].n) {
			ALLOC_GROW(sp->c, sp->n + pt.part[k].n, sp->alloc);
			memcpy(sp->c + sp->n, pt.part[k].c, pt.part[k].n * sizeof(*sp->c));
			sp->n += pt.part[k].n;
		}
		split_release(&pt.part[k]);
	}
	free(pt.cut);
	free(pt.part);
	free(pt.err);
	if (err)
		split_release(sp);
	return err ? -1 : 0;
}

bool split_several_documents(const char *buf, size_t len)
{
	bool content = false;

	for (const char *p = buf, *e = buf + len, *le; p < e; p = le < e ? le + 1 : e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		le = nl ? nl : e;
		if (is_marker(p, le, "---")) {
			if (content)
				return true;
			content = !blank_or_comment(p + 3, le);	/* "--- {...}" */
		} else if (content || *p != '%') {	/* not a directive */
			content = content || !blank_or_comment(p, le);
		}
	}
	return false;
}

void split_release(struct split *sp)
{
	free(sp->c);
	memset(sp, 0, sizeof(*sp));
}
