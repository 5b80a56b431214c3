/*
 * verify.c - re-parse the result and compare it with the plan (verify.h).
 */
#include "verify.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "render.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

/*
 * libfyaml prints parse errors on stderr even with FYPCF_QUIET: a silent
 * diagnostics object keeps them away from the user (a failure is reported
 * as verify-failed).  Its depth limit of 64 is lifted: ytree already refuses
 * inputs nested deeper than YTREE_MAX_DEPTH, and a StatefulSet can be a few
 * levels deeper than the claim whose spec it copies.
 */
static struct fy_document *build(const char *s, size_t len)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET | FYPCF_DISABLE_DEPTH_LIMIT |
					     FYPCF_DISABLE_ACCELERATORS };
	struct fy_diag_cfg dcfg;
	struct fy_document *fyd;

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_silent;
	cfg.diag = fy_diag_create(&dcfg);
	if (!cfg.diag)
		die("cannot create a YAML diagnostics object");
	fyd = fy_document_build_from_string(&cfg, s, len);
	fy_diag_unref(cfg.diag);
	return fyd;
}

/*
 * The libfyaml node at the same place as span-tree node n: ascend to the
 * root recording each index, then descend by index (keys are never looked
 * up by text, so odd keys cannot mislead).  *pair gets the pair holding n
 * when n is a map key or value.
 */
static struct fy_node *resolve(struct fy_node *root, const struct ynode *n,
			       struct fy_node_pair **pair)
{
	const struct ynode *chain[256];
	size_t depth = 0;
	struct fy_node *f = root;

	*pair = NULL;
	for (const struct ynode *x = n; x->parent; x = x->parent) {
		if (depth == ARRAY_SIZE(chain))
			return NULL;
		chain[depth++] = x;
	}
	while (depth--) {
		const struct ynode *x = chain[depth], *par = x->parent;
		size_t i = 0;

		while (i < par->nkid && par->kid[i] != x)
			i++;
		if (!f || i == par->nkid)
			return NULL;
		if (par->kind == YNODE_MAP) {
			struct fy_node_pair *fp;

			if (fy_node_get_type(f) != FYNT_MAPPING ||
			    !(fp = fy_node_mapping_get_by_index(f, (int)(i / 2))))
				return NULL;
			*pair = fp;
			f = i & 1 ? fy_node_pair_value(fp) : fy_node_pair_key(fp);
		} else {
			if (fy_node_get_type(f) != FYNT_SEQUENCE)
				return NULL;
			*pair = NULL;
			f = fy_node_sequence_get_by_index(f, (int)i);
		}
	}
	return f;
}

static struct fy_node *val_node(struct fy_document *fyd, const struct val *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct style st = { .indent = 2, .eol = "\n", .json = true };
	struct fy_node *n;

	render_flow(&sb, &st, v, false, 0);
	/* libfyaml keeps pointers into the text it builds from: hand it over */
	n = fy_node_build_from_malloc_string(fyd, sb.buf, sb.len);
	if (!n)
		strbuf_release(&sb);
	return n;
}

struct target {
	const struct op *op;
	struct fy_node *node, *parent;
	struct fy_node_pair *pair;
};

/* Apply the plan's operations on document d to fyd. */
static int apply_ops(const struct plan *p, size_t in, size_t d, struct fy_document *fyd,
		     char **why)
{
	struct fy_node *root = fy_document_root(fyd);
	struct target *t = xcalloc(p->nop ? p->nop : 1, sizeof(*t));
	size_t nt = 0;
	int ret = 0;

	/* resolve every target before changing anything: indices shift */
	for (size_t k = 0; k < p->nop; k++) {
		const struct op *o = &p->op[k];
		struct fy_node_pair *pair;

		if (o->in != in || o->doc != d || o->kind == OP_NONE || o->kind == OP_ADD_DOC)
			continue;
		t[nt].op = o;
		t[nt].node = resolve(root, o->node, &pair);
		t[nt].pair = pair;
		if (o->kind == OP_REMOVE && o->node->parent) {
			struct fy_node_pair *pp;

			t[nt].parent = resolve(root, o->node->parent, &pp);
		}
		if (o->kind == OP_INSERT_ITEM) {
			struct fy_node_pair *pp;

			t[nt].parent = resolve(root, o->after, &pp);
		}
		if (!t[nt].node) {
			*why = xstrdup("cannot find an edited node in the original document");
			ret = -1;
			goto out;
		}
		nt++;
	}
	for (size_t k = 0; k < nt && !ret; k++) {
		const struct op *o = t[k].op;
		struct fy_node *nv;

		switch (o->kind) {
		case OP_SET:
			nv = fy_node_create_scalar_copy(fyd, o->val->str, strlen(o->val->str));
			if (t[k].pair && fy_node_pair_key(t[k].pair) == t[k].node)
				ret = fy_node_pair_set_key(t[k].pair, nv);
			else if (t[k].pair)
				ret = fy_node_pair_set_value(t[k].pair, nv);
			else
				ret = -1;
			break;
		case OP_REMOVE:
			/* removed nodes are not freed by libfyaml: free them */
			if (t[k].pair && t[k].parent) {
				nv = fy_node_mapping_remove_by_key(t[k].parent, fy_node_pair_key(t[k].pair));
				ret = nv ? 0 : -1;
				fy_node_free(nv);
			} else if (t[k].parent) {
				nv = fy_node_sequence_remove(t[k].parent, t[k].node);
				ret = nv ? 0 : -1;
				fy_node_free(nv);
			} else {
				ret = -1;
			}
			break;
		case OP_INSERT_PAIR:
			ret = fy_node_mapping_append(t[k].node,
						     fy_node_create_scalar_copy(fyd, o->key, strlen(o->key)),
						     val_node(fyd, o->val));
			break;
		case OP_INSERT_ITEM:
			ret = fy_node_sequence_insert_after(t[k].node, t[k].parent, val_node(fyd, o->val));
			break;
		default:
			break;
		}
		if (ret)
			*why = xstrdup("cannot apply the plan to the original document");
	}
out:
	free(t);
	return ret;
}

static bool doc_changed(const struct plan *p, size_t in, size_t d)
{
	for (size_t k = 0; k < p->nop; k++)
		if (p->op[k].in == in && p->op[k].doc == d && p->op[k].kind != OP_NONE &&
		    p->op[k].kind != OP_ADD_DOC)
			return true;
	return false;
}

struct kpair {
	const char *key;	/* NULL: not a plain scalar key */
	size_t klen;
	struct fy_node_pair *fp;
};

static int kpair_cmp(const void *a, const void *b)
{
	const struct kpair *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c;

	if (!x->key || !y->key)
		return !x->key - !y->key;
	if ((c = memcmp(x->key, y->key, n)))
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static struct kpair *kpairs(struct fy_node *m, size_t n)
{
	struct kpair *k = xcalloc(n ? n : 1, sizeof(*k));
	void *it = NULL;
	size_t i = 0;
	struct fy_node_pair *fp;

	while (i < n && (fp = fy_node_mapping_iterate(m, &it))) {
		struct fy_node *key = fy_node_pair_key(fp);

		k[i].fp = fp;
		if (key && fy_node_get_type(key) == FYNT_SCALAR && !fy_node_is_alias(key))
			k[i].key = fy_node_get_scalar(key, &k[i].klen);
		i++;
	}
	qsort(k, n, sizeof(*k), kpair_cmp);
	return k;
}

/*
 * Do a and b mean the same?  Mappings regardless of key order, sequences
 * item by item, scalars by value, aliases by name.  libfyaml's own
 * fy_node_compare() is not used: on 0.7.12 it called two mappings different
 * whose pairs were equal one by one (a fuzzed Deployment with keys
 * "updateSt" and "updateStrategy"), and it recurses without a bound.  The
 * depth here is bounded by the span tree's limit.
 */
static bool same_node(struct fy_node *a, struct fy_node *b)
{
	enum fy_node_type t;

	if (!a || !b)
		return !a && !b;
	if ((t = fy_node_get_type(a)) != fy_node_get_type(b) || fy_node_is_alias(a) != fy_node_is_alias(b))
		return false;
	if (t == FYNT_SCALAR) {
		size_t la, lb;
		const char *sa = fy_node_get_scalar(a, &la), *sb = fy_node_get_scalar(b, &lb);

		return la == lb && (!la || !memcmp(sa, sb, la));
	}
	if (t == FYNT_SEQUENCE) {
		void *ia = NULL, *ib = NULL;
		struct fy_node *x, *y;

		if (fy_node_sequence_item_count(a) != fy_node_sequence_item_count(b))
			return false;
		while ((x = fy_node_sequence_iterate(a, &ia))) {
			y = fy_node_sequence_iterate(b, &ib);
			if (!same_node(x, y))
				return false;
		}
		return true;
	} else {
		int na = fy_node_mapping_item_count(a);
		struct kpair *ka, *kb;
		bool same = true;
		size_t n;

		if (na < 0 || na != fy_node_mapping_item_count(b))
			return false;
		n = (size_t)na;
		ka = kpairs(a, n);
		kb = kpairs(b, n);
		for (size_t i = 0; same && i < n; i++) {
			if (ka[i].key && kb[i].key) {
				same = !kpair_cmp(&ka[i], &kb[i]) &&
				       same_node(fy_node_pair_value(ka[i].fp), fy_node_pair_value(kb[i].fp));
				continue;
			}
			/* a complex key: look for an equal pair among the others */
			same = false;
			for (size_t j = i; !same && j < n; j++)
				same = !kb[j].key &&
				       same_node(fy_node_pair_key(ka[i].fp), fy_node_pair_key(kb[j].fp)) &&
				       same_node(fy_node_pair_value(ka[i].fp), fy_node_pair_value(kb[j].fp));
		}
		free(ka);
		free(kb);
		return same;
	}
}

static int compare_docs(struct fy_document *a, struct fy_document *b)
{
	if (!a || !b)
		return -1;
	return same_node(fy_document_root(a), fy_document_root(b)) ? 0 : -1;
}

int verify_input(const struct plan *p, size_t in, const struct source *src,
		 const struct ystream *ys, const char *buf, size_t len, char **why)
{
	struct ystream nys;
	size_t nd = 0;
	int ret = -1;

	*why = NULL;
	if (ystream_parse_depth(&nys, buf, len, YTREE_MAX_DEPTH + 8)) {
		*why = xasprintf("the result does not parse: %s", nys.err_msg ? nys.err_msg : "invalid YAML");
		goto out;
	}
	for (size_t d = 0; d < ys->ndoc; d++) {
		const struct ydoc *od = &ys->doc[d];
		const struct ydoc *ndoc;

		if (nd >= nys.ndoc) {
			*why = xstrdup("the result has fewer documents than the plan");
			goto out;
		}
		ndoc = &nys.doc[nd++];
		if (!doc_changed(p, in, d)) {
			size_t ol = od->end - od->start, nl = ndoc->end - ndoc->start;
			const char *eol = source_eol(src);

			if (!(nl == ol || (nl == ol + strlen(eol) && !memcmp(buf + ndoc->start + ol, eol, nl - ol))) ||
			    memcmp(src->buf + od->start, buf + ndoc->start, ol)) {
				*why = xasprintf("document %zu changed although the plan leaves it alone", d + 1);
				goto out;
			}
		} else {
			struct fy_document *want = build(src->buf + od->start, od->end - od->start);
			struct fy_document *got = build(buf + ndoc->start, ndoc->end - ndoc->start);
			int r = !want || !got ? -1 : apply_ops(p, in, d, want, why);

			if (!r && compare_docs(want, got)) {
				*why = xasprintf("document %zu does not mean what the plan says", d + 1);
				if (getenv("STSIFY_DEBUG_VERIFY")) {
					fputs("--- expected ---\n", stderr);
					fy_emit_document_to_fp(want, FYECF_MODE_FLOW_ONELINE, stderr);
					fputs("\n--- got ---\n", stderr);
					fy_emit_document_to_fp(got, FYECF_MODE_FLOW_ONELINE, stderr);
				}
			}
			fy_document_destroy(want);
			fy_document_destroy(got);
			if (r || *why) {
				if (!*why)
					*why = xasprintf("document %zu cannot be checked", d + 1);
				goto out;
			}
		}
		for (size_t k = 0; k < p->nop; k++) {
			const struct op *o = &p->op[k];
			struct strbuf sb = STRBUF_INIT;
			struct style st = { .indent = 2, .eol = "\n", .json = true };
			struct fy_document *want, *got;
			int r;

			if (o->in != in || o->doc != d || o->kind != OP_ADD_DOC)
				continue;
			if (nd >= nys.ndoc) {
				*why = xstrdup("an added document is missing from the result");
				goto out;
			}
			ndoc = &nys.doc[nd++];
			render_flow(&sb, &st, o->val, false, 0);
			want = build(sb.buf, sb.len);
			got = build(buf + ndoc->start, ndoc->end - ndoc->start);
			r = compare_docs(want, got);
			fy_document_destroy(want);
			fy_document_destroy(got);
			strbuf_release(&sb);
			if (r) {
				*why = xasprintf("added document %zu is not the planned Service", nd);
				goto out;
			}
		}
	}
	if (nd != nys.ndoc) {
		*why = xstrdup("the result has more documents than the plan");
		goto out;
	}
	ret = 0;
out:
	ystream_release(&nys);
	return ret;
}
