/*
 * test_planfix.h - a planner on YAML texts, for the unit tests of its
 * modules (facts, service, mapping, refs, stale): the inputs are parsed
 * and indexed, the rules compiled and plan_begin() called, so a test can
 * call a module's functions on the planner's state (planner.h).
 *
 *   static const char *const paths[] = { "a.yaml", "b.yaml" };
 *   static const char *const texts[] = { DEPLOYMENT, CLAIM };
 *   struct planfix f;
 *
 *   planfix_init(&f, NULL, paths, texts, 2);      // NULL: default options
 *   const struct resource *dep = planfix_find(&f, "Deployment", "db");
 *   planfix_dplan(&f, dep);                       // c->dep: a new Deployment plan
 *   ... service_plan(f.c, dep, podspec) ...
 *   assert_str_eq(planfix_codes(&f), "service-added", "the findings");
 *   planfix_release(&f);
 *
 * planfix_codes() and planfix_render() return strings that live until the
 * next call of either or planfix_release().
 */
#ifndef STSIFY_TEST_PLANFIX_H
#define STSIFY_TEST_PLANFIX_H

#include <stddef.h>

#include "plan.h"
#include "planner.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "ytree.h"

enum { PLANFIX_MAX = 4 };

struct planfix {
	size_t n;
	struct source src[PLANFIX_MAX];
	struct ystream ys[PLANFIX_MAX];
	struct plan_input in[PLANFIX_MAX];
	struct rindex ri;
	struct rules ru;
	struct stsify_options opt;
	struct plan p;
	struct report rep;
	struct pctx *c;			/* plan_begin()'s, until planfix_release() */
	char *str;			/* the last string returned */
};

void planfix_init(struct planfix *f, const struct stsify_options *opt, const char *const *paths,
		  const char *const *texts, size_t n);
/* The object of that kind and name (any namespace); fails the test when
 * there is none. */
const struct resource *planfix_find(struct planfix *f, const char *kind, const char *name);
/* Start a Deployment plan for dep, as the planner does before converting. */
void planfix_dplan(struct planfix *f, const struct resource *dep);
/* The codes of the findings so far, in order, separated by spaces. */
const char *planfix_codes(struct planfix *f);
/* The messages of the findings so far, one a line. */
const char *planfix_messages(struct planfix *f);
/* v as block YAML (a document when key is NULL, else "key: v"). */
const char *planfix_render(struct planfix *f, const char *key, const struct val *v);
/* The operations so far, one a line: "set kind -> StatefulSet",
 * "remove strategy", "insert serviceName: db" ... (the key of the node
 * they apply to, or its text). */
const char *planfix_ops(struct planfix *f);
void planfix_release(struct planfix *f);

#endif
