/*
 * fuzz_rewrite.c - libFuzzer target for the whole rewrite.
 *
 * The input is one or two files: a NUL byte splits it into a.yaml and
 * b.yaml (so that a claim, Service or HPA in one file meets a Deployment in
 * the other).  Each round runs run_rewrite() with the default options and,
 * when that changes nothing, again with --all.  What must hold:
 *   - no crash, leak, hang or sanitizer report (the sanitizers check that);
 *   - a file reported STSIFY_CHANGED has output, the others have none;
 *   - idempotence: run_rewrite() on its own output changes nothing;
 *   - no finding with code "internal" or "verify-failed" (both mean a bug in
 *     stsify, caught before anything was written) unless the environment
 *     sets STSIFY_FUZZ_LENIENT=1.
 * A broken property aborts with a message on stderr, which libFuzzer saves
 * as a crash input; fuzz/regressions/ keeps those inputs once fixed, and
 * `make asan` replays them (fuzz/replay.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "run.h"
#include "stsify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct report *rep)
{
	fprintf(stderr, "fuzz_rewrite: %s\n", what);
	for (size_t i = 0; rep && i < rep->n; i++)
		fprintf(stderr, "  finding: %s: %s\n", code_name(rep->f[i].code), rep->f[i].msg);
	abort();
}

static int bug_finding(const struct report *rep)
{
	static int lenient = -1;

	if (lenient < 0) {
		const char *e = getenv("STSIFY_FUZZ_LENIENT");

		lenient = e && *e && strcmp(e, "0");
	}
	if (lenient)
		return 0;
	for (size_t i = 0; i < rep->n; i++)
		if (rep->f[i].code == CODE_INTERNAL || rep->f[i].code == CODE_VERIFY_FAILED)
			return 1;
	return 0;
}

/* Run once over files[0..n); 1 when something changed. */
static int round_trip(const struct stsify_options *opt, struct stsify_file *files, size_t n)
{
	struct report rep = REPORT_INIT;
	struct stsify_file again[2];
	int changed = 0;

	if (run_rewrite(opt, files, n, &rep))
		fail("run_rewrite refused valid options", &rep);
	if (bug_finding(&rep))
		fail("a finding says stsify has a bug", &rep);
	for (size_t i = 0; i < n; i++) {
		if ((files[i].status == STSIFY_CHANGED) != (files[i].out != NULL))
			fail("status and output disagree", &rep);
		if (files[i].status == STSIFY_CHANGED)
			changed = 1;
	}
	report_release(&rep);
	if (!changed)
		return 0;

	/* idempotence: the output (or the untouched input) again */
	for (size_t i = 0; i < n; i++) {
		again[i] = (struct stsify_file){ .path = files[i].path };
		again[i].in = files[i].out ? files[i].out : files[i].in;
		again[i].inlen = files[i].out ? files[i].outlen : files[i].inlen;
	}
	rep = (struct report)REPORT_INIT;
	if (run_rewrite(opt, again, n, &rep))
		fail("second run refused valid options", &rep);
	for (size_t i = 0; i < n; i++) {
		if (files[i].status == STSIFY_CHANGED && again[i].status == STSIFY_FAILED)
			fail("the output of a rewrite cannot be processed again", &rep);
		if (again[i].status == STSIFY_CHANGED) {
			fprintf(stderr, "--- first output of %s ---\n%.*s--- second ---\n%.*s---\n",
				files[i].path, (int)files[i].outlen, files[i].out,
				(int)again[i].outlen, again[i].out);
			fail("not idempotent: a second run changed the output", &rep);
		}
	}
	if (bug_finding(&rep))
		fail("a finding of the second run says stsify has a bug", &rep);
	for (size_t i = 0; i < n; i++)
		stsify_file_release(&again[i]);
	report_release(&rep);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct stsify_file files[2] = { { .path = "a.yaml" }, { .path = "b.yaml" } };
	const char *buf = (const char *)data;
	const char *nul = memchr(buf, '\0', size);
	size_t n = 1;

	if (size > 1 << 20)
		return 0;
	files[0].in = buf;
	files[0].inlen = size;
	if (nul) {
		files[0].inlen = (size_t)(nul - buf);
		files[1].in = nul + 1;
		files[1].inlen = size - files[0].inlen - 1;
		n = 2;
	}
	if (!round_trip(&opt, files, n)) {
		opt.all = 1;
		for (size_t i = 0; i < n; i++)
			stsify_file_release(&files[i]);
		round_trip(&opt, files, n);
	}
	for (size_t i = 0; i < n; i++)
		stsify_file_release(&files[i]);
	return 0;
}
