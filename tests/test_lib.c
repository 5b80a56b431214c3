/*
 * test_lib.c - helpers shared by the unit tests (no tests of its own).
 */
#include "test_lib.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

void collect(const char *dir, char ***paths, size_t *n, size_t *alloc)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p;
		struct stat st;
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
			collect(p, paths, n, alloc);
			free(p);
		} else if ((l > 5 && !strcmp(de->d_name + l - 5, ".yaml")) ||
			   (l > 4 && !strcmp(de->d_name + l - 4, ".yml")) ||
			   (l > 5 && !strcmp(de->d_name + l - 5, ".json"))) {
			ALLOC_GROW(*paths, *n + 1, *alloc);
			(*paths)[(*n)++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
}
