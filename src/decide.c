/*
 * decide.c - the decision table of DESIGN.md section 2 (see decide.h): plain
 * facts in, a verdict out.  No YAML, no report, no state.
 */
#include "decide.h"

#include <stdint.h>
#include <string.h>

#include "rules.h"
#include "util.h"
#include "workload.h"

bool decide_api(const char *kind, const char *api)
{
	const struct workload *w = kind ? workload_named(kind) : &workloads[0];

	return w && workload_accepts(w, api);
}

bool decide_truthy(const char *value)
{
	return value && (!strcmp(value, "true") || !strcmp(value, "True") || !strcmp(value, "TRUE"));
}

bool decide_claim_writable(const struct decide_claim *cl)
{
	if (cl->read_only || !cl->mounted_writable)
		return false;
	/* a claim that is only ReadOnlyMany cannot be written */
	return !(cl->modes & DECIDE_ROX) || (cl->modes & (DECIDE_RWO | DECIDE_RWX | DECIDE_RWOP));
}

/* The first image of the containers that the pattern (a rules.h
 * predicate) matches, or NULL. */
static const char *first_image(const struct decide_input *in, const struct rules *ru,
			       bool (*match)(const struct rules *, const char *))
{
	for (size_t i = 0; i < in->nimage; i++)
		if (in->image[i] && match(ru, in->image[i]))
			return in->image[i];
	return NULL;
}

/* Is every writable claim ReadWriteMany? */
static bool all_rwx(const struct decide_input *in)
{
	for (size_t i = 0; i < in->nclaim; i++)
		if (decide_claim_writable(&in->claim[i]) && !(in->claim[i].modes & DECIDE_RWX))
			return false;
	return true;
}

/* The first row of the table that applies (v->row, v->chosen). */
static void judge(const struct decide_input *in, const struct stsify_options *opt, const struct rules *ru,
		  struct verdict *v)
{
	if (decide_truthy(in->skip)) {
		v->row = CODE_ANNOTATION;
	} else if (decide_truthy(in->convert)) {
		v->row = CODE_ANNOTATION;
		v->chosen = true;
	} else if (!rules_selected(ru, in->name)) {
		v->row = CODE_NOT_SELECTED;
	} else if (all_rwx(in) && !v->image && !opt->all) {
		v->row = CODE_SHARED_RWX;
	} else if (in->replicas > 1 || in->scaled_max > 1) {
		v->row = CODE_SHARED_PVC;
		v->chosen = true;
	} else if (v->image || opt->all) {
		v->row = CODE_STATEFUL_DEPLOYMENT;
		v->chosen = true;
	} else {
		v->row = CODE_SINGLE_REPLICA_PVC;
	}
}

bool decide_templated(const struct decide_input *in, const struct verdict *v, size_t i)
{
	return i < in->nclaim && decide_claim_writable(&in->claim[i]) &&
	       (v->template_rwx || !(in->claim[i].modes & DECIDE_RWX));
}

/* The claims: v->claim, v->rwx, v->rwx_claim, v->template_rwx,
 * v->missing.  False when none is writable. */
static bool read_claims(const struct decide_input *in, const struct stsify_options *opt, struct verdict *v)
{
	size_t first = SIZE_MAX;

	for (size_t i = 0; i < in->nclaim; i++) {
		if (!decide_claim_writable(&in->claim[i]))
			continue;
		if (first == SIZE_MAX)
			first = i;
		if ((in->claim[i].modes & DECIDE_RWX) && v->rwx_claim == SIZE_MAX)
			v->rwx_claim = i;
	}
	if (first == SIZE_MAX)
		return false;
	v->rwx = v->rwx_claim != SIZE_MAX;
	v->template_rwx = v->image || opt->all || all_rwx(in);
	for (size_t i = in->nclaim; i-- > 0;) {
		if (!decide_templated(in, v, i))
			continue;
		v->claim = i;
		if (!in->claim[i].found)
			v->missing = i;
	}
	if (v->claim == SIZE_MAX)
		v->claim = first;
	return true;
}

/* What leaves a chosen Deployment as it is (v->stop, v->reason). */
static void check_stop(const struct decide_input *in, const struct stsify_options *opt, struct verdict *v)
{
	/* a merge key can hide or override any field: what the text says is
	 * not what the object is */
	if (in->ambiguous) {
		v->stop = DECIDE_AMBIGUOUS;
		v->reason = CODE_AMBIGUOUS_REFERENCE;
	} else if (in->merge_keys) {
		v->stop = DECIDE_MERGE_KEYS;
		v->reason = CODE_UNSUPPORTED_ALIAS;
	} else if (in->alias) {
		v->stop = DECIDE_ALIAS;
	} else if (!in->selector) {
		v->stop = DECIDE_NO_SELECTOR;
		v->reason = CODE_NO_SELECTOR;
	} else if (v->missing != SIZE_MAX && !opt->storage_size) {
		/* never a guessed size or access mode */
		v->stop = DECIDE_CLAIM_NOT_FOUND;
		v->reason = CODE_CLAIM_NOT_FOUND;
	}
}

void decide(const struct decide_input *in, const struct stsify_options *opt, const struct rules *ru,
	    struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->row = CODE__COUNT;
	v->claim = v->rwx_claim = v->missing = SIZE_MAX;
	/* without a name there is no StatefulSet or Service name to give */
	if (!decide_api(in->kind, in->api))
		v->reason = CODE_API_VERSION;
	else if (!in->name || !in->name[0])
		v->reason = CODE_NO_NAME;
	else if (!in->pod_template)
		v->reason = CODE_NO_POD_TEMPLATE;
	else
		v->reason = CODE_NO_WRITABLE_CLAIM;
	if (v->reason != CODE_NO_WRITABLE_CLAIM)
		return;
	v->single_writer = first_image(in, ru, rules_single_writer_image);
	v->image = first_image(in, ru, rules_stateful_image);
	/* (--stateful-images replaces both patterns here) */
	if (!v->image && !opt->stateful_images)
		v->image = v->single_writer;
	if (!read_claims(in, opt, v)) {
		v->image = v->single_writer = NULL;
		return;
	}
	judge(in, opt, ru, v);
	v->reason = v->row;
	if (!v->chosen)
		return;
	check_stop(in, opt, v);
	v->convert = v->stop == DECIDE_GO;
	v->independent = v->convert && v->single_writer && (in->replicas > 1 || in->scaled_max > 1);
}
