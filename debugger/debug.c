/* SPDX-License-Identifier: MIT */
/*
 * `quadrant debug IMAGE`: the machine, stopped before its first
 * instruction, under the readline CLI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/cli/cli.h"
#include "debugger/debug.h"
#include "debugger/image.h"
#include "debugger/trace.h"

static void debug_log(void *opaque, enum hv_log_level level, const char *msg)
{
	static const char *const prefix[] = { "error", "warning", "info",
					      "debug" };

	fflush(stdout);
	fprintf(stderr, "quadrant: %s: %s\n", prefix[level], msg);
}

int debug_open_session(struct session *s, struct quadrant_opts *o,
		       const struct session_view_ops *ops, void *opaque)
{
	struct machine *m = NULL;
	char err[256] = "";
	uint8_t *image;
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	image = image_read(o->image, &len);
	if (!image)
		return QSTATUS_USAGE;
	/* The console reaches the view through the session, which is
	 * filled in below, before the guest runs a single instruction. */
	o->machine.console = session_console;
	o->machine.console_opaque = s;
	o->machine.cmdline = o->image;
	ret = machine_create(&m, image, len, &o->machine, err, sizeof(err));
	free(image);
	if (ret) {
		fprintf(stderr, "quadrant: %s: %s\n", o->image, err);
		return ret == -ENOMEM ? QSTATUS_INTERNAL : QSTATUS_USAGE;
	}
	ret = session_init(s, m, ops, opaque);
	if (ret) {
		fprintf(stderr, "quadrant: cannot start the debugger: %s\n",
			strerror(-ret));
		machine_destroy(m);
		s->m = NULL;
		return QSTATUS_INTERNAL;
	}
	return 0;
}

int cmd_debug(struct quadrant_opts *o)
{
	struct trace_writer trace = { .fp = NULL };
	struct session s;
	struct cli c = { .s = &s };
	int status;

	if (o->gdb) {
		fprintf(stderr, "quadrant: --gdb: the GDB stub is not built "
			"yet\n");
		return QSTATUS_USAGE;
	}
	if (o->max_insns)
		fprintf(stderr, "quadrant: debug ignores --max-insns; use "
			"'break icount N'\n");
	hv_log_set_sink(debug_log, NULL);
	status = debug_open_session(&s, o, &cli_view_ops, &c);
	if (status)
		goto out;
	if (o->trace_path && trace_open(&trace, &s.m->vm.events,
					o->trace_path)) {
		status = QSTATUS_USAGE;
		goto out;
	}
	status = cli_run(&c, o->script, o->batch);
	status = trace_finish(&trace, s.m, o->stats, status);
out:
	session_destroy(&s);
	hv_log_set_sink(NULL, NULL);
	return status;
}
