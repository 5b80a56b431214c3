/*
 * test_stale.c - text that still names a converted Deployment (stale.h):
 * what is found, where, in what order, on one thread or several, in a
 * large input cut in parts.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "stale.h"
#include "test_lib.h"

/* A plan that converts the Deployments dep[0..n) (nothing else is read). */
struct stale_fix {
	struct resource dep[2];
	struct dplan d[2];
	struct plan p;
	struct rules ru;
	struct stsify_options opt;
	struct source src[3];
	struct plan_input in[3];
	size_t nin;
	struct report rep;
};

static void fix_init(struct stale_fix *f, const char *const *names, size_t n)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	char *err = NULL;

	memset(f, 0, sizeof(*f));
	f->opt = dflt;
	cr_assert_eq(rules_init(&f->ru, &f->opt, &err), 0, "rules_init: %s", TL_STR(err));
	for (size_t i = 0; i < n; i++) {
		f->dep[i] = (struct resource){ .kind = "Deployment", .api = "apps/v1", .name = names[i],
					       .ns = i ? "prod" : "" };
		f->d[i].dep = &f->dep[i];
	}
	f->p.d = f->d;
	f->p.nd = n;
}

static void fix_add(struct stale_fix *f, const char *path, const char *text, size_t len)
{
	source_init_borrow(&f->src[f->nin], path, text, len);
	f->in[f->nin].src = &f->src[f->nin];
	f->nin++;
}

/* The findings as "path:line:col owner name", one a line. */
static char *findings(const struct report *rep)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *fi = &rep->f[i];

		cr_expect(fi->code == CODE_STALE_REFERENCE, "finding %zu: expected stale-reference, got %s", i,
			  code_name(fi->code));
		strbuf_addf(&sb, "%s:%u:%u %zu %s%s%s\n", fi->path, fi->line, fi->col, fi->owner,
			    fi->ns ? fi->ns : "", fi->ns ? "/" : "", TL_STR(fi->name));
	}
	{
		char *s = strbuf_detach(&sb, NULL);

		return s ? s : xstrdup("");
	}
}

static void fix_release(struct stale_fix *f)
{
	for (size_t i = 0; i < f->nin; i++)
		source_release(&f->src[i]);
	report_release(&f->rep);
	rules_release(&f->ru);
}

Test(stale, references_in_input_order)
{
	static const char *const names[] = { "db", "cache" };
	static const char a[] = "run: kubectl rollout restart deployment/db\n"
				"other: kubectl scale deploy cache --replicas=0 # deployments db-0 is not db\n";
	static const char b[] = "echo DEPLOYMENT.apps/db; deploy/web\n";
	struct stale_fix f;
	char *got;

	fix_init(&f, names, 2);
	fix_add(&f, "ci.sh", a, strlen(a));
	fix_add(&f, "b.txt", b, strlen(b));
	stale_find(&f.p, &f.ru, f.in, f.nin, 1, &f.rep);
	got = findings(&f.rep);
	assert_str_eq(got, "ci.sh:1:30 1 db\nci.sh:2:22 2 prod/cache\nb.txt:1:6 1 db\n", "the stale references");
	assert_contains(f.rep.f[0].msg, "this still names Deployment \"db\", which becomes a StatefulSet");
	free(got);
	fix_release(&f);
}

Test(stale, nothing_converted_nothing_searched)
{
	static const char a[] = "kubectl rollout restart deployment/db\n";
	struct stale_fix f;

	fix_init(&f, NULL, 0);
	fix_add(&f, "a.sh", a, strlen(a));
	stale_find(&f.p, &f.ru, f.in, f.nin, 4, &f.rep);
	assert_size_eq(f.rep.n, 0);
	fix_release(&f);
}

/* An input of about 9 MiB (cut in parts of 4 MiB after a line feed), with
 * references near the cuts: one thread and four find the same, in the
 * same order. */
Test(stale, a_large_input_on_several_threads)
{
	static const char *const names[] = { "db" };
	enum { SIZE = 9 << 20 };
	static const size_t at[] = { 0, (4 << 20) - 20, (4 << 20) - 3, (4 << 20) + 10, (8 << 20) - 40, SIZE - 30 };
	char *buf = malloc(SIZE);
	char *one, *four;
	struct stale_fix f;
	size_t want = 0;

	cr_assert(buf, "malloc of %d bytes failed", (int)SIZE);
	for (size_t i = 0; i < SIZE; i++)
		buf[i] = i % 64 == 63 ? '\n' : 'x';
	for (size_t k = 0; k < ARRAY_SIZE(at); k++) {
		memcpy(buf + at[k], " deploy/db ", 11);
		want++;
	}
	fix_init(&f, names, 1);
	fix_add(&f, "big.txt", buf, SIZE);
	stale_find(&f.p, &f.ru, f.in, f.nin, 1, &f.rep);
	one = findings(&f.rep);
	assert_size_eq(f.rep.n, want);
	report_release(&f.rep);
	memset(&f.rep, 0, sizeof(f.rep));
	stale_find(&f.p, &f.ru, f.in, f.nin, 4, &f.rep);
	four = findings(&f.rep);
	assert_str_eq(four, one, "the findings on four threads (expected: those on one)");
	free(one);
	free(four);
	fix_release(&f);
	free(buf);
}
