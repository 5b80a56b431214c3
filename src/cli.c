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
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster.h"
#include "context.h"
#include "format.h"
#include "krm.h"
#include "migrate.h"
#include "pool.h"
#include "report.h"
#include "run.h"
#include "snapshot.h"
#include "truth.h"
#include "udiff.h"
#include "util.h"
#include "walk.h"
#include "writeout.h"

/*
 * Filter mode's input until its output begins: a fatal error (out of
 * memory) copies it to stdout first, so that a pipeline loses no byte
 * even then.  Only write(2): there may be no memory left.
 */
static const char *pass_buf;
static size_t pass_len;
static volatile sig_atomic_t pass_rest_of_stdin;

static void pass_on_fatal(void)
{
	static char block[4096];
	const char *p = pass_buf;
	size_t n = pass_len;
	ssize_t k;

	pass_buf = NULL;
	while (p && n && ((k = write(1, p, n)) > 0 || (k < 0 && errno == EINTR)))
		if (k > 0)
			p += k, n -= (size_t)k;
	while (pass_rest_of_stdin && (k = read(0, block, sizeof(block))) != 0)
		if (k > 0 && write(1, block, (size_t)k) != k)
			break;
}

void cli_fatal(const char *msg, bool bug, void *data)
{
	(void)data;
	fprintf(stderr, "stsify: %s: %s\n", bug ? "BUG" : "fatal", msg);
	pass_on_fatal();
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

/*
 * Filter mode's output when the input was not read whole (read_end): too
 * large, or not text (a NUL byte).  What was read, then the rest of
 * stdin, go to stdout as they are (unless --check), as cat copies them: a
 * pipeline loses no byte, and memory holds one block.  0, or -1 when
 * stdout cannot be written (errno), or a finding says stdin cannot.
 */
static int pass_rest(const struct cli *cli, const char *buf, size_t len, struct report *rep)
{
	static char block[1 << 16];
	ssize_t n;

	if (cli->mode == MODE_CHECK)
		return 0;
	if (write_all(stdout, buf, len))
		return -1;
	while ((n = read(0, block, sizeof(block))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			report_add_at(rep, "<stdin>", 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(errno));
			return 0;
		}
		if (write_all(stdout, block, (size_t)n))
			return -1;
	}
	return 0;
}

/* Write filter mode's result (the input as it is when it was not read
 * whole); the exit code so far. */
static int filter_output(const struct cli *cli, const struct stsify_file *f, enum read_end end,
			 struct report *rep)
{
	int failed;

	pass_buf = NULL;	/* stdout is no longer untouched */
	if (end != READ_ALL)
		failed = pass_rest(cli, f->in, f->inlen, rep);
	else
		failed = cli->mode != MODE_CHECK && stsify_file_write(f, stdout);
	if (failed) {
		fprintf(stderr, "stsify: cannot write to stdout: %s\n", strerror(errno));
		return STSIFY_EXIT_INPUT;
	}
	return end != READ_ALL ? STSIFY_EXIT_INPUT : STSIFY_EXIT_OK;
}

/*
 * After the run: the --cluster-state snapshot read and compared with the
 * plan (datamove_begin()); then the --migration-plan written, not with
 * --check, which writes nothing (datamove_end(), which returns the number
 * of errors).
 */
struct datamove {
	struct cluster cl;
	struct migrate_opts mo;
	int bad;
};

static void datamove_begin(const struct cli *cli, struct report *rep, struct datamove *dm)
{
	memset(dm, 0, sizeof(*dm));
	dm->mo = (struct migrate_opts){ cli->migration_plan, cli->copy_image, NULL, cli->opt.data_path,
					cli->opt.claims_in_repo };
	if (cli->cluster_state.n) {
		dm->bad += snapshot_load(&dm->cl, cli->cluster_state.v, cli->cluster_state.n, rep);
		snapshot_compare(&dm->cl, rep);
		dm->mo.cl = &dm->cl;
	}
}

static int datamove_end(const struct cli *cli, struct report *rep, struct datamove *dm)
{
	if (cli->migration_plan && cli->mode == MODE_CHECK)
		report_add_at(rep, cli->migration_plan, 0, 0, CODE_MIGRATION_PLAN,
			      "--check writes no migration plan");
	else if (cli->migration_plan)
		dm->bad += migrate_write(&dm->mo, rep);
	cluster_release(&dm->cl);
	return dm->bad;
}

static int cmp_plan_file(const void *a, const void *b)
{
	return strcmp(((const struct plan_file *)a)->name, ((const struct plan_file *)b)->name);
}

/*
 * --claims-in-repo: the files of claims to add to the repository, in path
 * order; one whose path exists already (an input, or any file) is left
 * out, and a finding says so.
 */
static void claim_files(const struct cli *cli, struct report *rep, const struct datamove *dm,
			struct plan_files *nf)
{
	struct plan_files all = { NULL, 0, 0 };
	struct stat st;

	if (!cli->opt.claims_in_repo)
		return;
	migrate_claim_files(&dm->mo, rep, &all);
	if (all.n)	/* (qsort's array may not be NULL, even empty) */
		qsort(all.f, all.n, sizeof(*all.f), cmp_plan_file);
	for (size_t i = 0; i < all.n; i++) {
		struct plan_file *f = &all.f[i];

		if (!lstat(f->name, &st)) {
			report_add_at(rep, f->name, 0, 0, CODE_CLAIM_IN_REPO,
				      "exists already: the claims of pod 0 are not written (remove it, or write them by hand)");
			continue;
		}
		ALLOC_GROW(nf->f, nf->n + 1, nf->alloc);
		nf->f[nf->n++] = *f;
		memset(f, 0, sizeof(*f));
	}
	plan_files_release(&all);
}

/*
 * The new files of the headless Services of StatefulSets in JSON files
 * (service.h), added to nf; one whose path exists already is left out,
 * and a service-not-added finding says so.
 */
static void service_files(struct report *rep, struct plan_files *nf)
{
	struct stat st;

	for (size_t i = 0; i < rep->ndep; i++) {
		const struct dep_summary *d = &rep->dep[i];
		struct plan_file *f;

		if (!d->converted || !d->service_file)
			continue;
		if (!lstat(d->service_file, &st)) {
			report_add_at(rep, d->path, d->line, d->col, CODE_SERVICE_NOT_ADDED,
				      "add a headless Service \"%s\" for StatefulSet \"%s\": %s exists already",
				      d->service, d->name, d->service_file);
			continue;
		}
		ALLOC_GROW(nf->f, nf->n + 1, nf->alloc);
		f = &nf->f[nf->n++];
		memset(f, 0, sizeof(*f));
		f->name = xstrdup(d->service_file);
		strbuf_init(&f->text);
		strbuf_addstr(&f->text, d->service_text);
		f->service = true;
	}
	if (nf->n)
		qsort(nf->f, nf->n, sizeof(*nf->f), cmp_plan_file);
}

/* One new file (claims, or a Service): its diff, its line in the list, or written. */
static size_t emit_new(const struct cli *cli, const struct plan_file *f, struct report *rep)
{
	bool printing = cli->format == FORMAT_TEXT;
	size_t lines = 0;

	for (size_t k = 0; k < f->text.len; k++)
		lines += f->text.buf[k] == '\n';
	if (cli->mode == MODE_DIFF && printing) {
		printf("--- /dev/null\n+++ b/%s\n@@ -0,0 +1%s%.0zu @@\n", f->name, lines == 1 ? "" : ",",
		       lines == 1 ? (size_t)0 : lines);
		for (size_t k = 0; k < f->text.len;) {
			const char *nl = memchr(f->text.buf + k, '\n', f->text.len - k);
			size_t end = nl ? (size_t)(nl - f->text.buf) + 1 : f->text.len;

			putchar('+');
			write_all(stdout, f->text.buf + k, end - k);
			k = end;
		}
	} else if (cli->mode == MODE_WRITE && write_new(f->name, f->text.buf, f->text.len)) {
		report_add_at(rep, f->name, 0, 0, CODE_WRITE_ERROR, "cannot write the %s: %s",
			      f->service ? "headless Service" : f->build_patch ? "StatefulSet patch" : "claims of pod 0",
			      strerror(errno));
		return 1;
	}
	if (f->service)
		report_add_at(rep, f->name, 0, 0, CODE_SERVICE_ADDED, "%s the headless Service of a StatefulSet",
			      cli->mode == MODE_WRITE ? "wrote" : "would write");
	else if (!f->build_patch)	/* (truth_edit() said what it is) */
		report_add_at(rep, f->name, 0, 0, CODE_CLAIM_IN_REPO,
			      "%s the claims of pod 0: commit this file before the conversion (see the migration plan's README.md)",
			      cli->mode == MODE_WRITE ? "wrote" : "would write");
	if (cli->list && printing)
		printf("%s\n", f->name);
	return 0;
}

static int run_filter(struct cli *cli)
{
	struct report rep = REPORT_INIT;
	struct stsify_file f = { .path = "<stdin>" };
	struct datamove dm;
	enum read_end end;
	char *buf;
	size_t len;
	bool mapped;
	int code;

	if (cli->mode == MODE_WRITE || cli->list) {
		fprintf(stderr, "stsify: %s needs files to work on\n",
			cli->mode == MODE_WRITE ? "--write" : "--list");
		return STSIFY_EXIT_USAGE;
	}
	if (read_stdin(&buf, &len, &mapped, &end)) {
		report_add_at(&rep, "<stdin>", 0, 0, CODE_READ_ERROR, "cannot read: %s",
			      strerror(errno));
		return finish(cli, &rep, STSIFY_EXIT_INPUT, NULL, 0, true);
	}
	if (mapped)
		stdin_map_guard("<stdin>");
	debug_phase("read");
	f.in = buf;
	f.inlen = len;
	if (end == READ_TOO_LARGE) {
		report_add_at(&rep, "<stdin>", 0, 0, CODE_READ_ERROR, "cannot read: %s", strerror(EFBIG));
		code = filter_output(cli, &f, end, &rep);
		free(buf);
		return finish(cli, &rep, code, NULL, 0, true);
	}
	if (cli->mode == MODE_DIFF && end == READ_ALL && krm_is_resource_list(buf, len))
		return run_krm_function(cli, buf, len, mapped);
	if (cli->mode != MODE_CHECK) {
		pass_buf = buf;
		pass_len = len;
		pass_rest_of_stdin = end != READ_ALL;
	}
	/* the result goes out from the input and the changed documents (a
	 * NUL byte: the parse error says where, the input goes out as it is) */
	f.no_out = true;
	if (run_rewrite(&cli->opt, &f, 1, &rep)) {
		input_release(buf, len, mapped);
		return finish(cli, &rep, STSIFY_EXIT_USAGE, NULL, 0, true);
	}
	code = filter_output(cli, &f, end, &rep);
	debug_phase("written");
	if (f.status == STSIFY_FAILED || internal_errors(&rep))
		code = STSIFY_EXIT_INPUT;
	else if (cli->mode == MODE_CHECK && f.status == STSIFY_CHANGED && code == STSIFY_EXIT_OK)
		code = STSIFY_EXIT_CHANGES;
	datamove_begin(cli, &rep, &dm);
	if (cli->opt.claims_in_repo)
		report_add_at(&rep, "<stdin>", 0, 0, CODE_CLAIM_IN_REPO,
			      "--claims-in-repo writes files: no claims written in filter mode");
	if (datamove_end(cli, &rep, &dm))
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
	struct writeout_was *was;	/* what -w checks before it replaces the file */
};

static void read_one(void *arg, size_t i, unsigned w)
{
	struct reading *r = arg;
	struct walk_entry *e = &r->pl->e[i];
	struct stat st;
	int fd;

	(void)w;
	if (e->buf || e->err) {
		/* read during the walk */
		r->bufs[i] = e->buf;
		r->lens[i] = e->len;
		r->err[i] = e->err;
		st.st_dev = e->dev;
		st.st_ino = e->ino;
		st.st_size = e->size;
		st.st_mtim = e->mtime;
		writeout_was_set(&r->was[i], &st, e->buf, e->len);
		e->buf = NULL;
		return;
	}
	errno = 0;
	if ((fd = open(e->path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    read_fd_stat(fd, &st, &r->bufs[i], &r->lens[i])) {
		r->err[i] = errno ? errno : EIO;
		return;
	}
	writeout_was_set(&r->was[i], &st, r->bufs[i], r->lens[i]);
}

/*
 * Read the files of pl on several threads (a repository is thousands of
 * small files) into files[] (and their bytes into bufs[], was[] what -w
 * checks), reporting in path order; returns how many were read, and adds
 * the unreadable ones to *bad.
 */
static size_t read_all(const struct cli *cli, struct pathlist *pl, struct stsify_file *files,
		       char **bufs, struct writeout_was *was, struct report *rep, int *bad)
{
	size_t m = pl->n ? pl->n : 1, n = 0;
	struct reading rd = { pl, xcalloc(m, sizeof(char *)), xcalloc(m, sizeof(size_t)),
			      xcalloc(m, sizeof(int)), xcalloc(m, sizeof(struct writeout_was)) };

	pool_for(cli->opt.jobs ? cli->opt.jobs : pool_cores(), pl->n, read_one, &rd);
	for (size_t i = 0; i < pl->n; i++) {
		progress(cli, i + 1, pl->n);
		if (rd.err[i]) {
			report_add_at(rep, pl->e[i].path, 0, 0, CODE_READ_ERROR, "cannot read: %s",
				      strerror(rd.err[i]));
			(*bad)++;
			continue;
		}
		bufs[n] = rd.bufs[i];
		was[n] = rd.was[i];
		files[n].path = pl->e[i].path;
		files[n].in = bufs[n];
		files[n].inlen = rd.lens[i];
		n++;
	}
	free(rd.bufs);
	free(rd.lens);
	free(rd.err);
	free(rd.was);
	return n;
}

/* -w: replace f's file, unless it changed since it was read (was); 0 or
 * 1 when it could not be written (reported). */
static int write_one(const struct cli *cli, const struct stsify_file *f,
		     const struct writeout_was *was, struct report *rep)
{
	switch (write_atomic(f->path, f->out, f->outlen, was, cli->break_links ? WRITEOUT_BREAK_LINKS : 0)) {
	case WRITEOUT_OK:
		return 0;
	case WRITEOUT_CHANGED:
		report_add_at(rep, f->path, 0, 0, CODE_CONCURRENT_EDIT,
			      "changed by another program since stsify read it: not written, the edit "
			      "is kept (run stsify again)");
		break;
	case WRITEOUT_DELETED:
		report_add_at(rep, f->path, 0, 0, CODE_CONCURRENT_EDIT,
			      "deleted by another program since stsify read it: not written again");
		break;
	case WRITEOUT_LINKED:
		report_add_at(rep, f->path, 0, 0, CODE_WRITE_ERROR,
			      "cannot write (the file is unchanged): it has other hard links, which "
			      "would keep the old text (--break-hard-links rewrites it all the same)");
		break;
	default:
		report_add_at(rep, f->path, 0, 0, CODE_WRITE_ERROR,
			      "cannot write (the file is unchanged): %s", strerror(errno));
		break;
	}
	return 1;
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

/* What the file of st is, when it is neither a regular file nor a folder. */
static const char *odd_kind(const struct stat *st)
{
	if (S_ISFIFO(st->st_mode))
		return "a pipe";
	if (S_ISCHR(st->st_mode))
		return "a character device";
	if (S_ISBLK(st->st_mode))
		return "a block device";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	return NULL;
}

/*
 * An operand that is neither a regular file nor a folder (a FIFO,
 * /dev/stdin, a process substitution such as <(kustomize build .)) is read
 * as a stream; -w cannot replace it (it would put a regular file in its
 * place), which is a usage error: 0, or the exit code.
 */
static int check_operands(const struct cli *cli)
{
	for (size_t i = 0; i < cli->noperand; i++) {
		const char *op = cli->operand[i], *kind;
		struct stat st;

		if (!strcmp(op, "-")) {
			fputs("stsify: stdin (-) cannot be mixed with files\n", stderr);
			return STSIFY_EXIT_USAGE;
		}
		if (cli->mode == MODE_WRITE && !stat(op, &st) && (kind = odd_kind(&st))) {
			fprintf(stderr, "stsify: --write cannot rewrite %s: it is %s, not a regular file "
				"(without --write, stsify reads it and prints the diff)\n", op, kind);
			return STSIFY_EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * The files of the operands, walked, sorted, their leftover temporaries
 * handled, into pl (initialised here; released by the caller even on
 * failure): 0, or the exit code of a usage error.  Unreadable operands are
 * counted in *bad.
 */
static int gather(struct cli *cli, struct pathlist *pl, struct report *rep, int *bad)
{
	char *err;
	int code;

	if (pathlist_init(pl, cli->include, cli->exclude_path, &err)) {
		fprintf(stderr, "stsify: %s\n", err);
		free(err);
		return STSIFY_EXIT_USAGE;
	}
	pl->read = true;
	pl->leftovers = true;
	if ((code = check_operands(cli)))
		return code;
	for (size_t i = 0; i < cli->noperand; i++)
		*bad += walk_operand(pl, cli->operand[i], rep, cli->opt.jobs ? cli->opt.jobs : pool_cores());
	debug_phase("walked");
	leftovers(pl, rep, cli->mode == MODE_WRITE);
	pathlist_sort(pl);
	return 0;
}

/*
 * The output of the mode for files[0..n) (rewritten): the diffs, the list,
 * the files written.  Counts the changed files in *changed; returns how
 * many could not be processed or written.
 */
static size_t emit(const struct cli *cli, struct stsify_file *files, size_t n, const struct writeout_was *was,
		   const struct plan_files *nf, struct report *rep, size_t *changed)
{
	size_t k = 0;

	bool printing = cli->format == FORMAT_TEXT;
	struct strbuf *diffs = NULL;
	size_t failed = 0;

	if (cli->mode == MODE_DIFF && printing) {
		/* the diffs on several threads, printed in order */
		struct diffing d = { files, xcalloc(n ? n : 1, sizeof(*d.diff)) };

		pool_for(cli->opt.jobs ? cli->opt.jobs : pool_cores(), n, diff_one, &d);
		diffs = d.diff;
	}
	for (size_t i = 0; i < n; i++) {
		struct stsify_file *f = &files[i];

		/* the new files of claims in their place among the paths */
		for (; k < nf->n && strcmp(nf->f[k].name, f->path) < 0; k++, (*changed)++)
			failed += emit_new(cli, &nf->f[k], rep);
		if (f->status == STSIFY_FAILED)
			failed++;
		if (f->status != STSIFY_CHANGED)
			continue;
		(*changed)++;
		if (cli->mode == MODE_DIFF && printing) {
			write_all(stdout, diffs[i].buf, diffs[i].len);
			strbuf_release(&diffs[i]);
		} else if (cli->mode == MODE_WRITE && write_one(cli, f, &was[i], rep)) {
			failed++;
			continue;	/* not listed: it was not rewritten */
		}
		/* -l lists what changed, would change (--check) or was rewritten (-w) */
		if (cli->list && printing)
			printf("%s\n", f->path);
	}
	for (; k < nf->n; k++, (*changed)++)
		failed += emit_new(cli, &nf->f[k], rep);
	free(diffs);
	return failed;
}

/*
 * The context of the file operands (context.h), unless --no-context:
 * appended to *files (n of them, read), whose array grows; returns how
 * many.
 */
static bool excluded(const char *path, void *arg)
{
	return pathlist_excludes(arg, path);
}

/* The files among files[0..n) (read from pl's entries, in order) named as
 * operands, not found in a folder, that may need context: into ops. */
static size_t named_files(const struct cli *cli, const struct pathlist *pl, const struct stsify_file *files,
			  size_t n, const char **ops)
{
	struct stat *named = xcalloc(cli->noperand ? cli->noperand : 1, sizeof(*named));
	size_t nnamed = 0, nops = 0, j = 0;

	for (size_t i = 0; i < cli->noperand; i++)
		if (!stat(cli->operand[i], &named[nnamed]) && S_ISREG(named[nnamed].st_mode))
			nnamed++;
	for (size_t k = 0; nnamed && k < n; k++) {
		bool op = false;

		while (j < pl->n && pl->e[j].path != files[k].path)
			j++;
		for (size_t i = 0; j < pl->n && !op && i < nnamed; i++)
			op = named[i].st_dev == pl->e[j].dev && named[i].st_ino == pl->e[j].ino;
		if (op && context_wanted(files[k].path, files[k].in, files[k].inlen))
			ops[nops++] = files[k].path;
	}
	free(named);
	return nops;
}

static size_t add_context(const struct cli *cli, const struct pathlist *pl, struct context *cx,
			  struct stsify_file **files, size_t n)
{
	const char **ops = xcalloc(n ? n : 1, sizeof(*ops));
	const char **have = xcalloc(n ? n : 1, sizeof(*have));
	size_t nops = cli->no_context ? 0 : named_files(cli, pl, *files, n, ops);

	memset(cx, 0, sizeof(*cx));
	for (size_t i = 0; i < n; i++)
		have[i] = (*files)[i].path;
	if (nops)
		context_find(cx, ops, nops, have, n, excluded, (void *)pl);
	free(ops);
	free(have);
	if (!cx->n)
		return 0;
	*files = xrealloc(*files, (n + cx->n) * sizeof(**files));
	for (size_t k = 0; k < cx->n; k++)
		(*files)[n + k] = (struct stsify_file){ .path = cx->path[k], .in = cx->buf[k], .inlen = cx->len[k] };
	debug_phase("context");
	return cx->n;
}

static int run_files(struct cli *cli)
{
	struct report rep = REPORT_INIT;
	struct pathlist pl;
	struct stsify_file *files = NULL;
	struct writeout_was *was = NULL;
	struct truth truth = { 0 };
	char **bufs = NULL;
	size_t n = 0, changed = 0, failed = 0;
	struct plan_files nf = { NULL, 0, 0 };
	struct datamove dm;
	struct context cx;
	size_t nctx;
	int bad = 0, code;

	/* only filter mode skips the documents that cannot matter (stsify(1)):
	 * a file named or found is parsed whole, its errors reported */
	cli->opt.full_parse = true;
	/* a StatefulSet in a JSON file gets its Service in a new file */
	cli->opt.new_files = true;
	/* diffs of hundreds of files: written in large blocks */
	setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 18);
	if ((code = gather(cli, &pl, &rep, &bad))) {
		pathlist_release(&pl);
		return code;
	}
	files = xcalloc(pl.n ? pl.n : 1, sizeof(*files));
	bufs = xcalloc(pl.n ? pl.n : 1, sizeof(*bufs));
	was = xcalloc(pl.n ? pl.n : 1, sizeof(*was));
	n = read_all(cli, &pl, files, bufs, was, &rep, &bad);
	debug_phase("read");
	/* files[n..n + nctx): the rest of the file operands' builds */
	nctx = add_context(cli, &pl, &cx, &files, n);
	/* the root builds that need it rendered by Kustomize (truth.h) */
	truth_render(&truth, &cli->opt, cli->kustomize, files, n + nctx, &rep);
	debug_phase("rendered");
	truth_plan(&truth, &cli->opt, files, n + nctx);
	if (run_rewrite_needs(&cli->opt, files, n + nctx, nctx, truth.need, truth.nneed, &rep)) {
		code = STSIFY_EXIT_USAGE;
		goto out;
	}
	truth_edit(&truth, files, n + nctx, n, &rep, &nf);	/* (the context is read only) */
	truth_check(&truth, files, n + nctx, &rep);
	context_drop(&cx, &rep);
	datamove_begin(cli, &rep, &dm);
	claim_files(cli, &rep, &dm, &nf);
	service_files(&rep, &nf);	/* (sorts nf: truth_edit()'s files among them) */
	failed = emit(cli, files, n, was, &nf, &rep, &changed);
	plan_files_release(&nf);
	failed += (size_t)datamove_end(cli, &rep, &dm);
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
	truth_release(&truth);
	for (size_t i = 0; i < n + nctx; i++)
		stsify_file_release(&files[i]);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	context_release(&cx);
	free(bufs);
	free(was);
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
