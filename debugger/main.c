/* SPDX-License-Identifier: MIT */
/*
 * quadrant: one binary, one command line, several views of one engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/debug.h"
#include "debugger/options.h"
#include "debugger/run.h"
#include "debugger/tui/tui.h"

int main(int argc, char **argv)
{
	struct quadrant_opts o = { .command = NULL };
	unsigned int bench_redraw = 0;
	int ret;

	if (argc < 2) {
		options_usage(stderr);
		return QSTATUS_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		options_usage(stdout);
		return 0;
	}
	o.command = argv[1];
	if (strcmp(o.command, "run") && strcmp(o.command, "debug") &&
	    strcmp(o.command, "tui")) {
		fprintf(stderr, "quadrant: unknown command '%s' (run, debug or "
			"tui)\nTry 'quadrant --help'.\n", o.command);
		return QSTATUS_USAGE;
	}
	/* Hidden, for make bench: quadrant tui --bench-redraw N IMAGE. */
	for (int i = 2; i + 1 < argc && !strcmp(o.command, "tui"); i++) {
		if (!strcmp(argv[i], "--bench-redraw")) {
			bench_redraw = (unsigned int)strtoul(argv[i + 1], NULL,
							     10);
			memmove(&argv[i], &argv[i + 2],
				sizeof(*argv) * (size_t)(argc - i - 1));
			argc -= 2;
			if (!bench_redraw)
				bench_redraw = 1;
			break;
		}
	}
	ret = options_parse(&o, argc - 2, argv + 2);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (!strcmp(o.command, "run"))
		return cmd_run(&o);
	if (!strcmp(o.command, "debug"))
		return cmd_debug(&o);
	return cmd_tui(&o, bench_redraw);
}
