/*
 * report.c - collect and print findings (see report.h).
 */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "source.h"
#include "ytree.h"

static struct finding *add(struct report *r, const char *path, unsigned line, unsigned col,
			   unsigned ccol, enum code code, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;
	char *copy;

	/* counted only once complete: after a fatal error (util.h) the
	 * report is still whole */
	strbuf_vaddf(&sb, fmt, ap);
	copy = xstrdup(path);
	ALLOC_GROW(r->f, r->n + 1, r->alloc);
	f = &r->f[r->n];
	memset(f, 0, sizeof(*f));
	f->path = copy;
	f->line = line;
	f->col = col;
	f->ccol = ccol;
	f->sev = code_severity(code);
	f->code = code;
	f->msg = strbuf_detach(&sb, NULL);
	f->order = r->n++;
	return f;
}

struct finding *report_vadd(struct report *r, const struct source *src, size_t off,
			    enum code code, const char *fmt, va_list ap)
{
	unsigned line = 0, col = 0, ccol = 0;

	if (off != NOPOS) {
		source_linecol(src, off, &line, &col);
		/* a character starts at every byte but UTF-8's continuation
		 * bytes (10xxxxxx): exact for valid UTF-8, which is all that
		 * parses (ytree.h) */
		ccol = 1;
		for (size_t i = off - (col - 1); i < off; i++)
			ccol += ((unsigned char)src->buf[i] & 0xc0) != 0x80;
	}
	return add(r, src->path, line, col, ccol, code, fmt, ap);
}

struct finding *report_add(struct report *r, const struct source *src, size_t off,
			   enum code code, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = report_vadd(r, src, off, code, fmt, ap);
	va_end(ap);
	return f;
}

struct finding *report_add_at(struct report *r, const char *path, unsigned line, unsigned col,
			      enum code code, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = add(r, path, line, col, col, code, fmt, ap);
	va_end(ap);
	return f;
}

void finding_set_resource(struct finding *f, const char *kind, const char *ns, const char *name)
{
	/* copies first: after a fatal error (util.h) f stays whole */
	char *k = kind ? xstrdup(kind) : NULL, *s = ns ? xstrdup(ns) : NULL;
	char *m = name ? xstrdup(name) : NULL;

	free(f->kind);
	free(f->ns);
	free(f->name);
	f->kind = k;
	f->ns = s;
	f->name = m;
}

struct claim_build *claim_builds_copy(const struct claim_build *cb, size_t n)
{
	struct claim_build *c = xcalloc(n ? n : 1, sizeof(*c));

	for (size_t i = 0; i < n; i++)
		c[i] = (struct claim_build){ xstrdup(cb[i].build), xstrdup(cb[i].ns), xstrdup(cb[i].sts),
					     xstrdup(cb[i].claim), xstrdup(cb[i].new_claim) };
	return c;
}

void claim_builds_free(struct claim_build *cb, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cb[i].build);
		free(cb[i].ns);
		free(cb[i].sts);
		free(cb[i].claim);
		free(cb[i].new_claim);
	}
	free(cb);
}

/* The strings a finding owns (the finding itself is an array's element). */
static void finding_release(struct finding *f)
{
	free(f->path);
	free(f->msg);
	free(f->kind);
	free(f->ns);
	free(f->name);
}

static void dep_summary_release(struct dep_summary *d)
{
	for (size_t k = 0; k < d->nclaim; k++) {
		free(d->claim[k].volume);
		free(d->claim[k].claim);
		free(d->claim[k].new_claim);
		free(d->claim[k].pvc_path);
		val_free(d->claim[k].spec);
		for (size_t u = 0; u < d->claim[k].nuser; u++) {
			free(d->claim[k].user[u].kind);
			free(d->claim[k].user[u].name);
			free(d->claim[k].user[u].path);
		}
		free(d->claim[k].user);
		free(d->claim[k].old_modes);
		free(d->claim[k].why);
		claim_builds_free(d->claim[k].build, d->claim[k].nbuild);
	}
	for (size_t k = 0; k < d->nref; k++) {
		free(d->ref[k].path);
		free(d->ref[k].kind);
		free(d->ref[k].name);
	}
	free(d->claim);
	free(d->ref);
	free(d->path);
	free(d->kind);
	free(d->ns);
	free(d->name);
	free(d->service);
	free(d->service_file);
	free(d->service_text);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_release(&r->f[i]);
	free(r->f);
	for (size_t i = 0; i < r->ndep; i++)
		dep_summary_release(&r->dep[i]);
	free(r->dep);
	memset(r, 0, sizeof(*r));
}

void report_drop_owner(struct report *r, size_t owner, const enum code *keep, size_t nkeep)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->f[i];
		bool kept = f->owner != owner;

		for (size_t c = 0; !kept && c < nkeep; c++)
			kept = f->code == keep[c];
		if (kept) {
			r->f[k++] = *f;
			continue;
		}
		finding_release(f);
	}
	r->n = k;
}

void report_filter(struct report *r, bool (*keep)(const struct finding *f, void *arg),
		   bool (*keep_dep)(const struct dep_summary *d, void *arg), void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->f[i];

		if (keep(f, arg)) {
			r->f[k++] = *f;
			continue;
		}
		finding_release(f);
	}
	r->n = k;
	k = 0;
	for (size_t i = 0; i < r->ndep; i++) {
		if (keep_dep(&r->dep[i], arg))
			r->dep[k++] = r->dep[i];
		else
			dep_summary_release(&r->dep[i]);
	}
	r->ndep = k;
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static bool same_finding(const struct finding *a, const struct finding *b)
{
	return a->line == b->line && a->col == b->col && a->code == b->code && same_str(a->path, b->path) &&
	       same_str(a->msg, b->msg) && same_str(a->kind, b->kind) && same_str(a->ns, b->ns) &&
	       same_str(a->name, b->name);
}

void report_dedup(struct report *r)
{
	struct hidx seen = HIDX_INIT;
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->f[i];
		uint64_t h = hash_str(hash_str(HASH_INIT, f->path ? f->path : ""), f->msg ? f->msg : "");
		bool dup = false;

		/* (the line mixed in: shifted up, it never reached the bucket
		 * bits, and 200,000 findings of one message on as many lines
		 * fell in one chain) */
		h = hash_str(h, code_name(f->code)) ^ hash_u64((uint64_t)f->line << 32 | f->col);
		for (size_t j = hidx_first(&seen, h); !dup && j != HIDX_NONE; j = hidx_next(&seen, j))
			dup = same_finding(&r->f[j], f);
		if (dup) {
			finding_release(f);
			continue;
		}
		r->f[k] = *f;
		hidx_add(&seen, h, k++);
	}
	r->n = k;
	hidx_release(&seen);
}

void report_truncate(struct report *r, size_t n)
{
	for (size_t i = n; i < r->n; i++)
		finding_release(&r->f[i]);
	if (n < r->n)
		r->n = n;
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "info";
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_finding_at(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	return cmp_finding(&x, &y);
}

void report_sort(struct report *r)
{
	if (r->n)
		qsort(r->f, r->n, sizeof(*r->f), cmp_finding_at);
}

void report_sorted(const struct report *r, const struct finding ***out)
{
	const struct finding **v = xmalloc((r->n ? r->n : 1) * sizeof(*v));

	for (size_t i = 0; i < r->n; i++)
		v[i] = &r->f[i];
	qsort(v, r->n, sizeof(*v), cmp_finding);
	*out = v;
}

static void add_uint(struct strbuf *sb, unsigned v)
{
	char d[16];
	size_t n = sizeof(d);

	do
		d[--n] = (char)('0' + v % 10);
	while ((v /= 10));
	strbuf_add(sb, d + n, sizeof(d) - n);
}

void report_print(const struct report *r, FILE *fp, bool color, enum severity min)
{
	static const char *const sgr[] = { "\033[1;36m", "\033[1;35m", "\033[1;31m" };
	const struct finding **v;
	struct strbuf sb = STRBUF_INIT;

	/* one write: stderr is unbuffered, and a stream can have many findings */
	report_sorted(r, &v);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = v[i];

		if (f->sev < min)
			continue;
		if (color)
			strbuf_addstr(&sb, "\033[1m");
		strbuf_addstr(&sb, f->path);
		strbuf_addch(&sb, ':');
		if (f->line) {
			add_uint(&sb, f->line);
			strbuf_addch(&sb, ':');
			add_uint(&sb, f->col);
			strbuf_addch(&sb, ':');
		}
		if (color) {
			strbuf_addstr(&sb, "\033[0m ");
			strbuf_addstr(&sb, sgr[f->sev]);
		} else {
			strbuf_addch(&sb, ' ');
		}
		strbuf_addstr(&sb, severity_name(f->sev));
		strbuf_addstr(&sb, color ? ":\033[0m " : ": ");
		strbuf_addstr(&sb, f->msg);
		strbuf_addstr(&sb, " [");
		strbuf_addstr(&sb, code_name(f->code));
		strbuf_addstr(&sb, "]\n");
	}
	if (sb.len)
		fwrite(sb.buf, 1, sb.len, fp);
	strbuf_release(&sb);
	free(v);
}
