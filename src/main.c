/*
 * main.c - stsify: environment and options -> run -> exit code.  Everything
 * else lives in the pipeline modules (see DESIGN.md section 8 and
 * src/run.c).  Invoked as StatefulSetMigration, stsify is Kustomize's exec
 * plugin (krm.h).  The environment is read here, never by the library.
 */
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "krm.h"
#include "opts.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct cli cli;
	int ret;

	opts_init(&cli);
	opts_env(&cli, getenv);
	debug_phase_start(cli.debug_timing);	/* STSIFY_DEBUG_TIMING counts from here */
	stsify_set_max_input(cli.max_input);
	/* the library abandons a run on a fatal error; the command ends */
	stsify_set_fatal_hook(cli_fatal, NULL);
#ifdef __GLIBC__
	/* A run allocates a lot from several threads and then exits: grow the
	 * heaps in large steps and never hand memory back midway (each step is
	 * a call that stalls the other threads' page faults).  Only touched
	 * pages count. */
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif

	if (krm_is_plugin(argv[0]))
		return krm_plugin_main(&cli.opt, argc, argv);
	ret = opts_parse(&cli, argc, argv);
	if (ret) {
		opts_release(&cli);
		return ret > 0 ? STSIFY_EXIT_OK : STSIFY_EXIT_USAGE;
	}
	ret = cli_run(&cli);
	opts_release(&cli);
	return ret;
}
