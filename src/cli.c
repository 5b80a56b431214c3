/*
 * cli.c - filter, diff, write, check and list modes (see cli.h).
 *
 * Filter mode (no PATH, or "-"): the rewritten stream on stdout; an input
 * that cannot be processed is passed through unchanged, so a pipeline never
 * loses a byte, and the exit code says 3.  A ResourceList on stdin makes
 * stsify a KRM function (krm.h): its findings go to the ResourceList's
 * results, and to stderr only when it fails.  Otherwise every file named or
 * found is one resource set; the outputs come in sorted path order.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "krm.h"
#include "migrate.h"
#include "pool.h"
#include "report.h"
#include "run.h"
#include "udiff.h"
#include "util.h"
#include "walk.h"
#include "writeout.h"

void cli_fatal(const char *msg, bool bug, void *data)
{
	(void)data;
	fprintf(stderr, "stsify: %s: %s\n", bug ? "BUG" : "fatal", msg);
	if (bug)
		abort();
	exit(128);
}

static bool use_color(const struct cli *cli)
{
	if (cli->color >= 0)
		return cli->color;
	return isatty(2) && !cli->no_color && cli->term && strcmp(cli->term, "dumb");
}

/*
 * Print the findings at severity min and above (text on stderr, or the
 * JSON/SARIF report on stdout; in filter mode, where stdout is the stream,
 * on stderr), close stdout and return the exit code.
 */
static int finish_at(const struct cli *cli, struct report *rep, int code, enum severity min,
		     const struct stsify_file *files, size_t n, bool filter)
{
	FILE *out = filter ? stderr : stdout;

	if (cli->format == FORMAT_JSON)
		format_json(out, rep, files, n, code);
	else if (cli->format == FORMAT_SARIF)
		format_sarif(out, rep, code);
	else
		report_print(rep, stderr, use_color(cli), min);
	report_release(rep);
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		fprintf(stderr, "stsify: cannot write to stdout: %s\n", strerror(errno));
		return STSIFY_EXIT_INPUT;
	}
	return code;
}

static int finish(const struct cli *cli, struct report *rep, int code,
		  const struct stsify_file *files, size_t n, bool filter)
{
	return finish_at(cli, rep, code, cli->quiet ? SEV_WARNING : SEV_INFO, files, n, filter);
}

/* A progress line on a terminal, for long runs. */
static void progress(const struct cli *cli, size_t done, size_t total)
{
	/* every 100 files: a terminal is asked about once a file otherwise */
	if (cli->quiet || total < 200 || (done % 100 && done != total) || !isatty(2))
		return;
	if (done == total)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\rstsify: read %zu of %zu files", done, total);
}

/* A KRM function's output is the ResourceList; stderr says why it failed. */
static int run_krm_function(struct cli *cli, char *buf, size_t len, bool mapped)
{
	struct report rep = REPORT_INIT;
	struct strbuf out = STRBUF_INIT;
	struct cli text = *cli;
	int code = krm_function(&cli->opt, buf, len, &out, &rep);

	write_all(stdout, out.buf, out.len);
	strbuf_release(&out);
	input_release(buf, len, mapped);
	if (!code)
		report_release(&rep);	/* all in the results */
	text.format = FORMAT_TEXT;	/* stdout is the ResourceList */
	return finish_at(&text, &rep, code, SEV_ERROR, NULL, 0, true);
}

/* An "internal" finding: stsify left a Deployment alone because of a bug. */
static size_t internal_errors(const struct report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		n += (rep->f[i].code == CODE_INTERNAL);
	return n;
}

static int run_filter(struct cli *cli)
{
	struct report rep = REPORT_INIT;
	struct stsify_file f = { .path = "<stdin>" };
	char *buf;
	size_t len;
	bool mapped;
	int code = STSIFY_EXIT_OK;

	if (cli->mode == MODE_WRITE || cli->mode == MODE_LIST) {
		fprintf(stderr, "stsify: %s needs files to work on\n",
			cli->mode == MODE_WRITE ? "--write" : "--list");
		return STSIFY_EXIT_USAGE;
	}
	if (read_stdin(&buf, &len, &mapped)) {
		report_add_at(&rep, "<stdin>", 0, 0, CODE_READ_ERROR, "cannot read: %s",
			      strerror(errno));
		return finish(cli, &rep, STSIFY_EXIT_INPUT, NULL, 0, true);
	}
	if (mapped)
		stdin_map_guard("<stdin>");
	debug_phase("read");
	if (cli->mode == MODE_DIFF && krm_is_resource_list(buf, len))
		return run_krm_function(cli, buf, len, mapped);
	f.in = buf;
	f.inlen = len;
	/* the result goes out from the input and the changed documents */
	f.no_out = true;
	if (run_rewrite(&cli->opt, &f, 1, &rep)) {
		input_release(buf, len, mapped);
		return finish(cli, &rep, STSIFY_EXIT_USAGE, NULL, 0, true);
	}
	if (cli->mode != MODE_CHECK && stsify_file_write(&f, stdout)) {
		fprintf(stderr, "stsify: cannot write to stdout: %s\n", strerror(errno));
		code = STSIFY_EXIT_INPUT;
	}
	debug_phase("written");
	if (f.status == STSIFY_FAILED || internal_errors(&rep))
		code = STSIFY_EXIT_INPUT;
	else if (cli->mode == MODE_CHECK && f.status == STSIFY_CHANGED)
		code = STSIFY_EXIT_CHANGES;
	if (cli->migration_plan && migrate_write(cli->migration_plan, &rep, cli->copy_image))
		code = STSIFY_EXIT_INPUT;
	code = finish(cli, &rep, code, &f, 1, true);
	stsify_file_release(&f);
	input_release(buf, len, mapped);
	debug_phase("finished");
	return code;
}

struct reading {
	struct pathlist *pl;
	char **bufs;
	size_t *lens;
	int *err;
};

static void read_one(void *arg, size_t i, unsigned w)
{
	struct reading *r = arg;
	struct pathlist *pl = r->pl;

	(void)w;
	if (pl->e[i].buf || pl->e[i].err) {
		/* read during the walk */
		r->bufs[i] = pl->e[i].buf;
		r->lens[i] = pl->e[i].len;
		r->err[i] = pl->e[i].err;
		pl->e[i].buf = NULL;
		return;
	}
	if (read_file(pl->e[i].path, &r->bufs[i], &r->lens[i]))
		r->err[i] = errno ? errno : EIO;
}

struct diffing {
	struct stsify_file *files;
	struct strbuf *diff;
};

static void diff_one(void *arg, size_t i, unsigned w)
{
	struct diffing *d = arg;
	const struct stsify_file *f = &d->files[i];

	(void)w;
	if (f->status == STSIFY_CHANGED)
		udiff(&d->diff[i], f->path, f->in, f->inlen, f->out, f->outlen, 3);
}

/*
 * The temporary files an interrupted `stsify -w` left beside the files of
 * this run: -w removes them (not one that a running stsify still holds),
 * the other modes, which write nothing, say they are there.
 */
static void leftovers(const struct pathlist *pl, struct report *rep, bool remove)
{
	for (size_t i = 0; i < pl->nleft; i++) {
		const char *p = pl->leftover[i];

		if (!remove)
			report_add_at(rep, p, 0, 0, CODE_LEFTOVER_TEMPORARY,
				      "a temporary file left by an interrupted stsify -w (-w removes it)");
		else if (!writeout_remove_temporary(p))
			report_add_at(rep, p, 0, 0, CODE_LEFTOVER_TEMPORARY,
				      "removed a temporary file left by an interrupted stsify -w");
		else if (errno != EBUSY && errno != ENOENT)
			report_add_at(rep, p, 0, 0, CODE_LEFTOVER_TEMPORARY,
				      "cannot remove a temporary file left by an interrupted stsify -w: %s",
				      strerror(errno));
	}
}

static int run_files(struct cli *cli)
{
	struct report rep = REPORT_INIT;
	struct pathlist pl;
	struct stsify_file *files;
	struct strbuf *diffs = NULL;
	char **bufs, *err;
	size_t n = 0, changed = 0, failed = 0;
	int bad = 0, code;
	bool printing = cli->format == FORMAT_TEXT;

	/* only filter mode skips the documents that cannot matter (stsify(1)):
	 * a file named or found is parsed whole, its errors reported */
	cli->opt.full_parse = true;
	if (pathlist_init(&pl, cli->include, cli->exclude_path, &err)) {
		fprintf(stderr, "stsify: %s\n", err);
		free(err);
		pathlist_release(&pl);
		return STSIFY_EXIT_USAGE;
	}
	pl.read = true;
	pl.leftovers = true;
	/* diffs of hundreds of files: written in large blocks */
	setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 18);
	for (size_t i = 0; i < cli->noperand; i++) {
		if (!strcmp(cli->operand[i], "-")) {
			fputs("stsify: stdin (-) cannot be mixed with files\n", stderr);
			pathlist_release(&pl);
			report_release(&rep);
			return STSIFY_EXIT_USAGE;
		}
		bad += walk_operand(&pl, cli->operand[i], &rep, cli->opt.jobs ? cli->opt.jobs : pool_cores());
	}
	debug_phase("walked");
	leftovers(&pl, &rep, cli->mode == MODE_WRITE);
	pathlist_sort(&pl);
	files = xcalloc(pl.n ? pl.n : 1, sizeof(*files));
	bufs = xcalloc(pl.n ? pl.n : 1, sizeof(*bufs));
	{
		/* read on several threads (a repository is thousands of small
		 * files), report in path order */
		struct reading rd = { &pl, xcalloc(pl.n ? pl.n : 1, sizeof(char *)),
				      xcalloc(pl.n ? pl.n : 1, sizeof(size_t)),
				      xcalloc(pl.n ? pl.n : 1, sizeof(int)) };

		pool_for(cli->opt.jobs ? cli->opt.jobs : pool_cores(), pl.n, read_one, &rd);
		for (size_t i = 0; i < pl.n; i++) {
			progress(cli, i + 1, pl.n);
			if (rd.err[i]) {
				report_add_at(&rep, pl.e[i].path, 0, 0, CODE_READ_ERROR,
					      "cannot read: %s", strerror(rd.err[i]));
				bad++;
				continue;
			}
			bufs[n] = rd.bufs[i];
			files[n].path = pl.e[i].path;
			files[n].in = bufs[n];
			files[n].inlen = rd.lens[i];
			n++;
		}
		free(rd.bufs);
		free(rd.lens);
		free(rd.err);
	}
	debug_phase("read");
	if (run_rewrite(&cli->opt, files, n, &rep)) {
		code = STSIFY_EXIT_USAGE;
		goto out;
	}
	if (cli->mode == MODE_DIFF && printing) {
		/* the diffs on several threads, printed in order */
		struct diffing d = { files, xcalloc(n ? n : 1, sizeof(*d.diff)) };

		pool_for(cli->opt.jobs ? cli->opt.jobs : pool_cores(), n, diff_one, &d);
		diffs = d.diff;
	}
	for (size_t i = 0; i < n; i++) {
		struct stsify_file *f = &files[i];

		if (f->status == STSIFY_FAILED)
			failed++;
		if (f->status != STSIFY_CHANGED)
			continue;
		changed++;
		if (cli->mode == MODE_DIFF && printing) {
			write_all(stdout, diffs[i].buf, diffs[i].len);
			strbuf_release(&diffs[i]);
		} else if (cli->mode == MODE_LIST && printing) {
			printf("%s\n", f->path);
		} else if (cli->mode == MODE_WRITE && write_atomic(f->path, f->out, f->outlen)) {
			report_add_at(&rep, f->path, 0, 0, CODE_WRITE_ERROR,
				      "cannot write (the file is unchanged): %s", strerror(errno));
			failed++;
		}
	}
	if (cli->migration_plan)
		failed += (size_t)migrate_write(cli->migration_plan, &rep, cli->copy_image);
	if (cli->verbose)
		report_add_at(&rep, "stsify", 0, 0, CODE_SUMMARY,
			      "%zu files read, %zu %s, %zu could not be processed", n, changed,
			      cli->mode == MODE_WRITE ? "rewritten" : "would change", failed + (size_t)bad);
	failed += internal_errors(&rep);
	if (failed || bad)
		code = STSIFY_EXIT_INPUT;
	else if (cli->mode == MODE_CHECK && changed)
		code = STSIFY_EXIT_CHANGES;
	else
		code = STSIFY_EXIT_OK;
out:
	debug_phase("written");
	code = finish(cli, &rep, code, files, n, false);
	for (size_t i = 0; i < n; i++)
		stsify_file_release(&files[i]);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(diffs);
	free(bufs);
	free(files);
	pathlist_release(&pl);
	debug_phase("finished");
	return code;
}

int cli_run(struct cli *cli)
{
	/* STSIFY_FULL_PARSE: parse every document, even those that cannot
	 * matter (stsify(1)) */
	if (cli->full_parse)
		cli->opt.full_parse = true;
	/* an interrupted -w leaves no temporary file */
	writeout_catch_signals();
	/* only the JSON report lists the Deployments that have no claim */
	cli->opt.every_deployment = cli->format == FORMAT_JSON;
	if (!cli->noperand || (cli->noperand == 1 && !strcmp(cli->operand[0], "-")))
		return run_filter(cli);
	return run_files(cli);
}
