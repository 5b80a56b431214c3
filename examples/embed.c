/*
 * embed.c - a program that embeds libstsify: it reads the YAML files named
 * on its command line (the library reads no file itself), converts them as
 * one set of resources, writes every file's result on standard output, one
 * after the other, and prints the findings on standard error the way the
 * stsify command does.  Exit status: 0, or 1 when a file could not be
 * processed or the run failed.
 *
 * Built against the installed library:
 *
 *   cc -o embed embed.c $(pkg-config --cflags --libs --static stsify)
 */
#include <stdio.h>
#include <stdlib.h>

#include <stsify.h>

static const char *const severity[] = { "info", "warning", "error" };

/* The whole of path in a new buffer, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!fp)
		return NULL;
	for (;;) {
		if (n == cap) {
			size_t more = cap ? 2 * cap : 65536;
			char *bigger = realloc(buf, more);

			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap = more;
		}
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap)
			break;
	}
	if (buf && ferror(fp)) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct stsify_file *files = calloc(argc > 1 ? (size_t)argc - 1 : 1, sizeof(*files));
	char **bufs = calloc(argc > 1 ? (size_t)argc - 1 : 1, sizeof(*bufs));
	struct stsify_report *rep = stsify_report_new();
	struct stsify_finding fi;
	size_t n = (size_t)argc - 1;
	int status = 0;

	if (argc < 2 || !files || !bufs || !rep) {
		fprintf(stderr, "usage: embed FILE...\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		files[i].path = argv[i + 1];
		files[i].in = bufs[i] = slurp(argv[i + 1], &files[i].inlen);
		if (!bufs[i]) {
			perror(argv[i + 1]);
			return 1;
		}
	}
	if (stsify_run(&opt, files, n, rep) < 0)
		status = 1;
	for (size_t i = 0; i < n; i++) {
		if (files[i].status == STSIFY_FAILED)
			status = 1;
		if (stsify_file_write(&files[i], stdout))
			status = 1;
	}
	for (size_t i = 0; stsify_report_get(rep, i, &fi); i++) {
		if (fi.line)
			fprintf(stderr, "%s:%u:%u: ", fi.path, fi.line, fi.column);
		else
			fprintf(stderr, "%s: ", fi.path);
		fprintf(stderr, "%s: %s [%s]\n", severity[fi.severity], fi.message, fi.code);
	}
	for (size_t i = 0; i < n; i++) {
		stsify_file_release(&files[i]);
		free(bufs[i]);
	}
	stsify_report_free(rep);
	free(files);
	free(bufs);
	return fflush(stdout) ? 1 : status;
}
