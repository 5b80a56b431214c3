/*
 * replay.c - run fuzz_rewrite.c's target on files, without libFuzzer: the
 * regression inputs in fuzz/regressions/ under `make asan` and valgrind.
 *
 *   fuzz/replay FILE...    exit 0 when every input passes; a broken
 *                          property aborts (see fuzz_rewrite.c)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		char *buf;
		size_t len;

		if (read_file(argv[i], &buf, &len)) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		free(buf);
	}
	printf("replay: %d inputs passed\n", argc - 1);
	return bad;
}
