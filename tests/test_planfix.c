/*
 * test_planfix.c - the planner fixture of the module tests (see
 * test_planfix.h).
 */
#include "test_planfix.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "render.h"
#include "test_lib.h"

void planfix_init(struct planfix *f, const struct stsify_options *opt, const char *const *paths,
		  const char *const *texts, size_t n)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	dflt.storage_size = "1Gi";	/* for the claims not in the input */
	char *err = NULL;

	cr_assert(n <= PLANFIX_MAX, "planfix: %zu inputs, at most %d", n, PLANFIX_MAX);
	memset(f, 0, sizeof(*f));
	f->n = n;
	f->opt = opt ? *opt : dflt;
	for (size_t i = 0; i < n; i++) {
		source_init_take(&f->src[i], paths[i], strdup(texts[i]), strlen(texts[i]));
		cr_assert_eq(ystream_parse(&f->ys[i], f->src[i].buf, f->src[i].len), 0,
			     "planfix: %s does not parse:\n%s", paths[i], texts[i]);
		rindex_add(&f->ri, i, &f->ys[i]);
		f->in[i] = (struct plan_input){ .src = &f->src[i], .ys = &f->ys[i] };
	}
	cr_assert_eq(rules_init(&f->ru, &f->opt, &err), 0, "planfix: rules_init: %s", TL_STR(err));
	f->c = (struct pctx *)plan_begin(&f->p, &f->opt, &f->ru, &f->ri, f->in, n, &f->rep);
}

const struct resource *planfix_find(struct planfix *f, const char *kind, const char *name)
{
	for (size_t i = 0; i < f->ri.n; i++)
		if (!strcmp(f->ri.r[i].kind, kind) && !strcmp(f->ri.r[i].name, name))
			return &f->ri.r[i];
	cr_assert_fail("planfix: no %s \"%s\" in the inputs", kind, name);
	return NULL;
}

void planfix_dplan(struct planfix *f, const struct resource *dep)
{
	struct dplan *d;

	ALLOC_GROW(f->p.d, f->p.nd + 1, f->p.ad);
	f->c->dep = f->p.nd++;
	f->c->owner = f->p.nd;
	d = &f->p.d[f->c->dep];
	memset(d, 0, sizeof(*d));
	d->dep = dep;
	d->sts = xstrdup(dep->name);
}

static const char *keep(struct planfix *f, struct strbuf *sb)
{
	free(f->str);
	f->str = strbuf_detach(sb, NULL);
	return f->str ? f->str : "";
}

const char *planfix_codes(struct planfix *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->rep.n; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", code_name(f->rep.f[i].code));
	return keep(f, &sb);
}

const char *planfix_messages(struct planfix *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->rep.n; i++)
		strbuf_addf(&sb, "%s\n", f->rep.f[i].msg);
	return keep(f, &sb);
}

const char *planfix_render(struct planfix *f, const char *key, const struct val *v)
{
	static const struct style st = { .indent = 2, .seq_indent = 0, .dash_gap = 2, .eol = "\n" };
	struct strbuf sb = STRBUF_INIT;

	if (key)
		render_block_pair(&sb, &st, 0, key, v);
	else
		render_block_doc(&sb, &st, v);
	return keep(f, &sb);
}

/* The name of a node in an operation: its key, or its text. */
static const char *node_name(const struct ynode *n)
{
	const struct ynode *k = n ? ynode_key_of(n) : NULL;

	if (k && k != n && ynode_is_scalar(k))
		return k->text;
	/* an item of a sequence: by its name */
	if (n && n->parent && n->parent->kind == YNODE_SEQ && ynode_is_scalar(ynode_get(n, "name")))
		return ynode_get(n, "name")->text;
	return n && ynode_is_scalar(n) ? n->text : n ? "(collection)" : "(none)";
}

const char *planfix_ops(struct planfix *f)
{
	static const char *const verb[] = { "none", "set", "remove", "insert", "insert item", "add doc" };
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->p.nop; i++) {
		const struct op *o = &f->p.op[i];

		if (o->kind == OP_NONE)
			continue;
		strbuf_addf(&sb, "%s ", verb[o->kind]);
		if (o->kind == OP_SET)
			strbuf_addf(&sb, "%s -> %s\n", node_name(o->node), o->val->str);
		else if (o->kind == OP_INSERT_PAIR)
			strbuf_addf(&sb, "%s into %s\n", o->key, node_name(o->node));
		else if (o->kind == OP_REMOVE)
			strbuf_addf(&sb, "%s\n", node_name(o->node));
		else
			strbuf_addstr(&sb, "\n");
	}
	return keep(f, &sb);
}

void planfix_release(struct planfix *f)
{
	plan_end((struct planner *)f->c);
	plan_release(&f->p);
	report_release(&f->rep);
	rules_release(&f->ru);
	rindex_release(&f->ri);
	for (size_t i = 0; i < f->n; i++) {
		ystream_release(&f->ys[i]);
		source_release(&f->src[i]);
	}
	free(f->str);
	render_release();
	memset(f, 0, sizeof(*f));
}
