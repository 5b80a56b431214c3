/*
 * api.c - the public entry points of include/stsify.h that the front ends
 * do not use: the opaque report, and stsify_run() with a recovery point
 * (util.h), so that a fatal error abandons the run instead of ending the
 * host process.  The front ends call run_rewrite() (run.h) directly, with
 * their own struct report and the command's fatal hook.
 */
#include "stsify.h"

#include <pthread.h>
#include <stdlib.h>

#include "report.h"
#include "run.h"
#include "util.h"

struct stsify_report {
	struct report rep;
};

_Static_assert((int)STSIFY_INFO == (int)SEV_INFO && (int)STSIFY_WARNING == (int)SEV_WARNING &&
		       (int)STSIFY_ERROR == (int)SEV_ERROR,
	       "enum stsify_severity mirrors enum severity");

const char *stsify_version(void)
{
	return STSIFY_VERSION;
}

struct stsify_report *stsify_report_new(void)
{
	/* all zero is REPORT_INIT */
	return calloc(1, sizeof(struct stsify_report));
}

void stsify_report_free(struct stsify_report *rep)
{
	if (!rep)
		return;
	report_release(&rep->rep);
	free(rep);
}

size_t stsify_report_count(const struct stsify_report *rep)
{
	return rep->rep.n;
}

bool stsify_report_get(const struct stsify_report *rep, size_t i, struct stsify_finding *f)
{
	const struct finding *x;

	if (i >= rep->rep.n)
		return false;
	x = &rep->rep.f[i];
	*f = (struct stsify_finding){
		.path = x->path, .line = x->line, .column = x->col,
		.severity = (enum stsify_severity)x->sev, .code = code_name(x->code), .message = x->msg,
		.kind = x->kind, .ns = x->ns, .name = x->name,
	};
	return true;
}

/* Every file failed, and a finding says why, if memory allows. */
static void abandoned(struct stsify_file *files, size_t n, struct report *rep,
		      const struct recover *why)
{
	struct recover rc;

	for (size_t i = 0; i < n; i++)
		files[i].status = STSIFY_FAILED;
	recover_push(&rc);
	if (setjmp(rc.jb))
		return;
	report_add_at(rep, "stsify", 0, 0, CODE_FATAL, "%s%s: the run was abandoned",
		      why->bug ? "BUG: " : "", why->msg);
	recover_pop(&rc);
}

/* One run at a time: the renderer's compiled patterns are shared. */
static pthread_mutex_t running = PTHREAD_MUTEX_INITIALIZER;

int stsify_run(const struct stsify_options *opt, struct stsify_file *files, size_t n,
	       struct stsify_report *rep)
{
	struct recover rc;
	int ret;

	pthread_mutex_lock(&running);
	recover_push(&rc);
	if (setjmp(rc.jb)) {
		abandoned(files, n, &rep->rep, &rc);
		report_sort(&rep->rep);
		pthread_mutex_unlock(&running);
		return -1;
	}
	ret = run_rewrite(opt, files, n, &rep->rep);
	recover_pop(&rc);
	report_sort(&rep->rep);
	pthread_mutex_unlock(&running);
	return ret;
}
