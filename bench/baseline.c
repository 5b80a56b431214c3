/*
 * baseline.c - the floor stsify is measured against: libfyaml reading the
 * same bytes and doing nothing else.
 *
 *   baseline < STREAM     parse stdin (fy_parser_set_input_fp)
 *   baseline DIR...       parse every *.yaml, *.yml and *.json file under
 *                         DIR (hidden entries skipped, as stsify does), one
 *                         parser per file
 *
 * Every event is pulled with fy_parser_parse() and freed with
 * fy_parser_event_free(); nothing else is done with it.  Exit 1 when an
 * input does not parse (the event count is printed with -v).
 */
#include <dirent.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long events, files;
static int failed;

static void parse_fp(FILE *fp, const char *name)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_parser *fyp = fy_parser_create(&cfg);
	struct fy_event *ev;

	if (!fyp || fy_parser_set_input_fp(fyp, name, fp)) {
		fprintf(stderr, "baseline: cannot set up a parser for %s\n", name);
		exit(2);
	}
	while ((ev = fy_parser_parse(fyp))) {
		events++;
		fy_parser_event_free(fyp, ev);
	}
	if (fy_parser_get_stream_error(fyp)) {
		fprintf(stderr, "baseline: %s does not parse\n", name);
		failed = 1;
	}
	fy_parser_destroy(fyp);
	files++;
}

static int wanted(const char *name)
{
	size_t l = strlen(name);

	return (l > 5 && !strcmp(name + l - 5, ".yaml")) || (l > 4 && !strcmp(name + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(name + l - 5, ".json"));
}

static void walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		FILE *fp = fopen(path, "rb");

		if (!fp) {
			perror(path);
			exit(2);
		}
		parse_fp(fp, path);
		fclose(fp);
		return;
	}
	if (!(d = opendir(path))) {
		perror(path);
		exit(2);
	}
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
			exit(2);
		if (!stat(p, &st) && (S_ISDIR(st.st_mode) || wanted(de->d_name)))
			walk(p);
		free(p);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && !strcmp(argv[1], "-v");

	if (argc - verbose < 2)
		parse_fp(stdin, "<stdin>");
	for (int i = 1 + verbose; i < argc; i++)
		walk(argv[i]);
	if (verbose)
		fprintf(stderr, "baseline: %llu files, %llu events\n", files, events);
	return failed;
}
