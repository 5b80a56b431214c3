/*
 * test_api.c - the public API as a host program sees it: include/stsify.h
 * only (the opaque report, stsify_run()), and a fatal error that abandons
 * the run and leaves the host running.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "stsify.h"
#include "test_lib.h"

#define DEPLOY(name)                                                                              \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\n"                    \
	"spec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: " name "\n"              \
	"  template:\n    metadata:\n      labels:\n        app: " name "\n    spec:\n"           \
	"      containers:\n      - name: c\n        image: postgres:16\n"                          \
	"        volumeMounts:\n        - name: data\n          mountPath: /d\n"                   \
	"      volumes:\n      - name: data\n        persistentVolumeClaim:\n"                     \
	"          claimName: " name "-data\n"

static size_t count_code(const struct stsify_report *rep, const char *code)
{
	struct stsify_finding f;
	size_t n = 0;

	for (size_t i = 0; stsify_report_get(rep, i, &f); i++)
		n += !strcmp(f.code, code);
	return n;
}

Test(api, run_and_read_the_findings_in_order)
{
	static const char b[] = DEPLOY("web"), a[] = "# nothing here\n";
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct stsify_file f[2] = { { .path = "b.yaml", .in = b, .inlen = sizeof(b) - 1 },
				    { .path = "a.yaml", .in = a, .inlen = sizeof(a) - 1 } };
	struct stsify_report *rep = stsify_report_new();
	struct stsify_finding fi, prev = { 0 };
	size_t n;

	cr_assert(rep != NULL, "expected a report, got NULL");
	cr_assert_eq(stsify_run(&opt, f, 2, rep), 0, "expected stsify_run() to return 0");
	cr_assert_eq(f[0].status, STSIFY_CHANGED, "expected b.yaml changed, got status %d", f[0].status);
	cr_assert_eq(f[1].status, STSIFY_UNCHANGED, "expected a.yaml unchanged, got %d", f[1].status);
	cr_assert(strstr(f[0].out, "kind: StatefulSet") != NULL, "expected a StatefulSet in:\n%s", f[0].out);
	n = stsify_report_count(rep);
	cr_assert(n >= 2, "expected at least 2 findings, got %zu", n);
	cr_assert_eq(count_code(rep, "shared-pvc"), 1, "expected one shared-pvc finding");
	for (size_t i = 0; i < n; i++) {
		cr_assert(stsify_report_get(rep, i, &fi), "expected finding %zu of %zu", i, n);
		cr_assert_str_eq(fi.path, "b.yaml");
		cr_assert(fi.severity >= STSIFY_INFO && fi.severity <= STSIFY_ERROR,
			  "expected a severity, got %d", (int)fi.severity);
		cr_assert(i == 0 || prev.line < fi.line || (prev.line == fi.line && prev.column <= fi.column),
			  "expected sorted findings, got %u:%u after %u:%u", fi.line, fi.column, prev.line,
			  prev.column);
		prev = fi;
	}
	cr_assert(!stsify_report_get(rep, n, &fi), "expected no finding %zu", n);
	cr_assert_str_eq(stsify_version(), STSIFY_VERSION);
	stsify_file_release(&f[0]);
	stsify_file_release(&f[1]);
	stsify_report_free(rep);
	stsify_report_free(NULL);
}

Test(api, invalid_option_is_a_usage_finding)
{
	static const char a[] = DEPLOY("web");
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct stsify_file f = { .path = "a.yaml", .in = a, .inlen = sizeof(a) - 1 };
	struct stsify_report *rep = stsify_report_new();
	struct stsify_finding fi;

	opt.select = "(";
	cr_assert_eq(stsify_run(&opt, &f, 1, rep), -1, "expected -1 for --select '('");
	cr_assert_eq(stsify_report_count(rep), 1, "expected 1 finding, got %zu", stsify_report_count(rep));
	cr_assert(stsify_report_get(rep, 0, &fi), "expected finding 0");
	cr_assert_str_eq(fi.code, "usage");
	cr_assert_eq(fi.severity, STSIFY_ERROR, "expected an error, got %d", (int)fi.severity);
	stsify_file_release(&f);
	stsify_report_free(rep);
}

#ifndef UNDER_ASAN
static unsigned hook_calls;

static void count_hook(const char *msg, bool bug, void *data)
{
	(void)msg;
	(void)bug;
	*(unsigned *)data += 1;
}

/* The address space the process has now, in bytes (/proc/self/statm). */
static size_t address_space(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;

	cr_assert(fp != NULL, "expected /proc/self/statm");
	cr_assert_eq(fscanf(fp, "%lu", &pages), 1, "expected a page count in /proc/self/statm");
	fclose(fp);
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

static char *many_deployments(size_t n, size_t *len)
{
	static const char one[] = DEPLOY("web") "---\n";
	char *buf = malloc(n * (sizeof(one) - 1) + 1);

	cr_assert(buf != NULL, "expected memory for the input");
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * (sizeof(one) - 1), one, sizeof(one) - 1);
	*len = n * (sizeof(one) - 1);
	buf[*len] = '\0';
	return buf;
}

/* Out of memory in the middle of a run on several threads: the hook is
 * called, the run returns -1 with a "fatal" finding, the host goes on. */
Test(api, out_of_memory_abandons_the_run_not_the_process)
{
	size_t len;
	char *big = many_deployments(20000, &len);	/* 9 MB */
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct stsify_file f[2] = { { .path = "big.yaml", .in = big, .inlen = len },
				    { .path = "small.yaml", .in = DEPLOY("db"), .inlen = strlen(DEPLOY("db")) } };
	struct stsify_report *rep = stsify_report_new(), *again = stsify_report_new();
	struct stsify_finding fi;
	struct rlimit was, lim;
	int ret;

	opt.jobs = 2;
	opt.full_parse = true;
	stsify_set_fatal_hook(count_hook, &hook_calls);
	cr_assert_eq(getrlimit(RLIMIT_AS, &was), 0, "expected getrlimit() to work");
	lim = was;
	lim.rlim_cur = address_space() + ((rlim_t)12 << 20);	/* a thread stack (8 MB) and 4 MB */
	cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0, "expected setrlimit() to work");
	ret = stsify_run(&opt, f, 2, rep);
	cr_assert_eq(setrlimit(RLIMIT_AS, &was), 0, "expected the limit lifted");
	cr_assert_eq(ret, -1, "expected -1 from a run out of memory, got %d", ret);
	/* once per thread that met the error */
	cr_assert(hook_calls >= 1, "expected the hook called, got %u calls", hook_calls);
	cr_assert_eq(f[0].status, STSIFY_FAILED, "expected big.yaml failed, got %d", f[0].status);
	cr_assert_eq(f[1].status, STSIFY_FAILED, "expected small.yaml failed, got %d", f[1].status);
	cr_assert_eq(count_code(rep, "fatal"), 1, "expected one \"fatal\" finding");
	for (size_t i = 0; stsify_report_get(rep, i, &fi) && strcmp(fi.code, "fatal"); i++)
		continue;
	cr_assert(!strncmp(fi.message, "out of memory", 13), "expected out of memory, got \"%s\"",
		  fi.message);
	stsify_file_release(&f[0]);
	stsify_file_release(&f[1]);

	/* the host keeps running, and the library with it */
	stsify_set_fatal_hook(NULL, NULL);
	cr_assert_eq(stsify_run(&opt, &f[1], 1, again), 0, "expected a second run to work");
	cr_assert_eq(f[1].status, STSIFY_CHANGED, "expected small.yaml changed, got %d", f[1].status);
	stsify_file_release(&f[1]);
	stsify_report_free(rep);
	stsify_report_free(again);
	free(big);
}
#else
Test(api, out_of_memory_abandons_the_run_not_the_process)
{
	cr_skip_test("the address space cannot be limited under AddressSanitizer");
}
#endif
