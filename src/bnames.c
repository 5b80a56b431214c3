/*
 * bnames.c - names as each root build renders them (bnames.h): a walk of
 * the inclusion graph from the root build down to the kustomization that
 * lists the file, whose unwinding (innermost first) applies each
 * kustomization's namespace, namePrefix and nameSuffix.
 */
#include "bnames.h"

#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "plandata.h"
#include "report.h"
#include "rindex.h"
#include "util.h"
#include "ytree.h"

/* Pairs, and builds of a pair, named in a message; the rest are counted. */
#define BNAMES_SHOWN 5

static const struct ynode *kroot(const struct plan_input *in, const struct build *b)
{
	if (in[b->in].skip || !in[b->in].ys || b->doc >= in[b->in].ys->ndoc)
		return NULL;
	return in[b->in].ys->doc[b->doc].root;
}

static const char *field(const struct ynode *root, const char *key)
{
	const struct ynode *v = ynode_get(root, key);
	const char *s = ynode_is_scalar(v) ? ynode_str(v) : NULL;

	return s && *s ? s : NULL;
}

/* Kustomization k applies its fields to xf (it includes, directly or
 * not, what xf holds so far). */
static void wrap(const struct plan_input *in, const struct build *b, struct bn_xf *xf)
{
	const struct ynode *root = b->component ? NULL : kroot(in, b);
	const char *ns = field(root, "namespace"), *pre = field(root, "namePrefix"),
		   *suf = field(root, "nameSuffix");
	char *s;

	if (ns)
		xf->ns = ns;
	if (pre) {
		s = xasprintf("%s%s", pre, xf->prefix);
		free(xf->prefix);
		xf->prefix = s;
	}
	if (suf) {
		s = xasprintf("%s%s", xf->suffix, suf);
		free(xf->suffix);
		xf->suffix = s;
	}
}

static bool walk(const struct builds *bs, const struct plan_input *in, size_t k, size_t i, bool *seen,
		 struct bn_xf *xf)
{
	const struct build *b = &bs->b[k];
	bool found = false;

	if (seen[k])
		return false;
	seen[k] = true;
	for (size_t f = 0; f < b->nfile && !found; f++)
		found = b->file[f] == i;
	for (size_t s = 0; s < b->nsub && !found; s++)
		found = walk(bs, in, b->sub[s], i, seen, xf);
	if (found)
		wrap(in, b, xf);
	return found;
}

bool bnames_xf(const struct builds *bs, const struct plan_input *in, size_t root, size_t i,
	       struct bn_xf *xf)
{
	bool *seen = xcalloc(bs->n ? bs->n : 1, sizeof(*seen));
	struct bn_xf t = { NULL, xstrdup(""), xstrdup("") };
	bool found = walk(bs, in, root, i, seen, &t);

	free(seen);
	if (!found) {
		bnames_xf_release(&t);
		return false;
	}
	*xf = t;
	return true;
}

void bnames_xf_release(struct bn_xf *xf)
{
	free(xf->prefix);
	free(xf->suffix);
	xf->prefix = xf->suffix = NULL;
}

char *bnames_apply(const struct bn_xf *xf, const char *name)
{
	return xasprintf("%s%s%s", xf->prefix, name, xf->suffix);
}

void bnames_claim(const struct builds *bs, const struct plan_input *in, const struct resource *dep,
		  const struct resource *pvc, const char *claim, const char *volume,
		  struct claim_build **out, size_t *n)
{
	size_t nr;
	const size_t *r = builds_of(bs, dep->in, &nr);

	*out = NULL;
	*n = 0;
	for (size_t k = 0; k < nr; k++) {
		struct claim_build *cb;
		struct bn_xf dx, px;
		const struct build *b = &bs->b[r[k]];

		if (!bnames_xf(bs, in, r[k], dep->in, &dx))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		cb = &(*out)[(*n)++];
		cb->build = xstrdup(*b->dir ? b->dir : ".");
		cb->ns = xstrdup(dx.ns ? dx.ns : dep->ns);
		cb->sts = bnames_apply(&dx, dep->name);
		if (pvc && bnames_xf(bs, in, r[k], pvc->in, &px)) {
			cb->claim = bnames_apply(&px, pvc->name);
			bnames_xf_release(&px);
		} else {
			cb->claim = xstrdup(claim);
		}
		cb->new_claim = xasprintf("%s-%s-0", volume, cb->sts);
		bnames_xf_release(&dx);
	}
}

bool bnames_as_written(const struct claim_build *cb, size_t n, const char *ns, const char *claim,
		       const char *new_claim)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cb[i].ns, ns) || strcmp(cb[i].claim, claim) || strcmp(cb[i].new_claim, new_claim))
			return false;
	return true;
}

static bool same_pair(const struct claim_build *a, const struct claim_build *b)
{
	return !strcmp(a->ns, b->ns) && !strcmp(a->claim, b->claim) && !strcmp(a->new_claim, b->new_claim);
}

/* The builds of the group of cb[i] (the same pair), at most BNAMES_SHOWN
 * of them named; marks them done. */
static void group_builds(struct strbuf *sb, const struct claim_build *cb, size_t n, size_t i, bool *done)
{
	size_t m = 0;

	for (size_t j = i; j < n; j++) {
		if (done[j] || !same_pair(&cb[i], &cb[j]))
			continue;
		done[j] = true;
		if (m < BNAMES_SHOWN)
			strbuf_addf(sb, "%s\"%s\"", m ? ", " : "", cb[j].build);
		m++;
	}
	if (m > BNAMES_SHOWN)
		strbuf_addf(sb, " and %zu more", m - BNAMES_SHOWN);
}

void bnames_pairs(struct strbuf *sb, const struct claim_build *cb, size_t n)
{
	bool *done = xcalloc(n ? n : 1, sizeof(*done));
	size_t groups = 0, rest = 0;

	for (size_t i = 0; i < n; i++) {
		size_t count = 0;

		if (done[i])
			continue;
		if (groups == BNAMES_SHOWN) {
			rest++;
			done[i] = true;
			for (size_t j = i + 1; j < n; j++)
				done[j] |= same_pair(&cb[i], &cb[j]);
			continue;
		}
		for (size_t j = i; j < n; j++)
			count += same_pair(&cb[i], &cb[j]);
		strbuf_addf(sb, "%sclaim \"%s%s%s\" to claim \"%s%s%s\" (build%s ", groups ? ", of " : "", cb[i].ns,
			    *cb[i].ns ? "/" : "", cb[i].claim, cb[i].ns, *cb[i].ns ? "/" : "", cb[i].new_claim,
			    count > 1 ? "s" : "");
		group_builds(sb, cb, n, i, done);
		strbuf_addch(sb, ')');
		groups++;
	}
	if (rest)
		strbuf_addf(sb, ", and %zu more pair%s (the JSON report and --migration-plan name them all)", rest,
			    rest == 1 ? "" : "s");
	free(done);
}
