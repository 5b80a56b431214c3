/*
 * runner.c - time commands against each other (see bench/README.md).
 *
 *   runner [-n RUNS] [-w WARMUP] [-i INPUT] [-o OUTPUT] LABEL CMD [ARG...] [-- LABEL CMD [ARG...]]...
 *
 * Runs every command RUNS times (default 5), alternating between them
 * (A B A B ...) so that a machine that slows down or speeds up during the
 * run affects each command alike, after WARMUP rounds that are not counted
 * (default 1: the first run of a command pays for cold caches).  Each run gets INPUT on stdin (default
 * /dev/null) and writes its stdout to OUTPUT (default /dev/null); stderr is
 * discarded.  Wall time comes from CLOCK_MONOTONIC around fork/wait, peak
 * memory from the ru_maxrss that wait4() reports for the child.
 *
 * Prints one line per command:
 *
 *   LABEL median_seconds min_seconds max_seconds median_maxrss_kb exit_code
 *
 * A command that exits with a code above 1 (1 is "--check found work")
 * or is killed by a signal makes the runner exit 1 after printing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	const char *label;
	char **argv;
	double *t;
	long *rss;
	int code;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int run(struct cmd *c, int i, const char *in, const char *out)
{
	struct rusage ru;
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("runner: fork");
		exit(2);
	}
	if (!pid) {
		int fi = open(in, O_RDONLY), fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int fe = open("/dev/null", O_WRONLY);

		if (fi < 0 || fo < 0 || fe < 0) {
			perror("runner: open");
			_exit(127);
		}
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runner: wait4");
			exit(2);
		}
	}
	c->t[i] = now() - t0;
	c->rss[i] = ru.ru_maxrss;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null";
	struct cmd cmds[16];
	int runs = 5, warmup = 1, n = 0, opt, bad = 0;

	while ((opt = getopt(argc, argv, "+n:w:i:o:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	}
	if (runs < 1 || optind + 2 > argc) {
		fputs("usage: runner [-n RUNS] [-w WARMUP] [-i INPUT] [-o OUTPUT] LABEL CMD [ARG...] [-- LABEL CMD ...]\n",
		      stderr);
		return 2;
	}
	for (int i = optind; i < argc && n < 16;) {
		int j = i + 1;

		while (j < argc && strcmp(argv[j], "--"))
			j++;
		if (j - i < 2) {
			fputs("runner: each command needs a label and a program\n", stderr);
			return 2;
		}
		cmds[n].label = argv[i];
		cmds[n].argv = argv + i + 1;
		cmds[n].t = calloc((size_t)(runs + warmup), sizeof(double));
		cmds[n].rss = calloc((size_t)(runs + warmup), sizeof(long));
		cmds[n].code = 0;
		if (j < argc)
			argv[j] = NULL;	/* terminates this command's argv */
		n++;
		i = j + 1;
	}
	for (int r = 0; r < warmup + runs; r++)
		for (int k = 0; k < n; k++) {
			/* warm-up rounds write into the slots the next rounds overwrite */
			int code = run(&cmds[k], r < warmup ? 0 : r - warmup, in, out);

			if (code > cmds[k].code)
				cmds[k].code = code;
		}
	for (int k = 0; k < n; k++) {
		struct cmd *c = &cmds[k];

		qsort(c->t, (size_t)runs, sizeof(double), cmp_double);
		qsort(c->rss, (size_t)runs, sizeof(long), cmp_long);
		printf("%s %.4f %.4f %.4f %ld %d\n", c->label, c->t[runs / 2], c->t[0], c->t[runs - 1],
		       c->rss[runs / 2], c->code);
		bad |= c->code > 1;
	}
	return bad;
}
