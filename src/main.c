/*
 * main.c - stsify: options -> run -> exit code.  Everything else lives in
 * the pipeline modules (see DESIGN.md section 8 and src/run.c).  Invoked
 * as StatefulSetMigration, stsify is Kustomize's exec plugin (krm.h).
 */
#include <stdlib.h>

#include "cli.h"
#include "krm.h"
#include "opts.h"

int main(int argc, char **argv)
{
	struct cli cli;
	int ret;

	if (krm_is_plugin(argv[0]))
		return krm_plugin_main(argc, argv);
	ret = opts_parse(&cli, argc, argv);
	if (ret) {
		free(cli.operand);
		return ret > 0 ? STSIFY_EXIT_OK : STSIFY_EXIT_USAGE;
	}
	ret = cli_run(&cli);
	free(cli.operand);
	return ret;
}
