/* SPDX-License-Identifier: MIT */
/*
 * `quadrant run`: the guest console alone on stdout (or --serial FILE),
 * diagnostics on stderr, and the exit status QEMU would give.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/gdbstub/server.h"
#include "debugger/image.h"
#include "debugger/options.h"
#include "debugger/run.h"
#include "debugger/trace.h"

#define RUN_SLICE 1000000ull

static void console_to_file(void *opaque, const uint8_t *buf, size_t len)
{
	fwrite(buf, 1, len, opaque);
}

static void log_to_stderr(void *opaque, enum hv_log_level level,
			  const char *msg)
{
	static const char *const prefix[] = { "error", "warning", "info",
					      "debug" };

	fprintf(stderr, "quadrant: %s: %s\n", prefix[level], msg);
}

/* The process exit status for how the guest stopped. */
static int exit_status(const struct vcpu_exit *exit)
{
	switch (exit->reason) {
	case VCPU_EXIT_POWEROFF:
		return exit->status;
	case VCPU_EXIT_SHUTDOWN:
		fprintf(stderr, "quadrant: guest shut down (%s)\n",
			exit->msg[0] ? exit->msg : "triple fault");
		return 0;
	case VCPU_EXIT_HALT:
		fprintf(stderr, "quadrant: guest halted with nothing to wake "
			"it%s%s\n", exit->msg[0] ? ": " : "", exit->msg);
		return QSTATUS_HALTED;
	case VCPU_EXIT_STRICT:
		fprintf(stderr, "quadrant: --strict: %s\n", exit->msg);
		return QSTATUS_STRICT;
	case VCPU_EXIT_STOP:
	case VCPU_EXIT_BUDGET:
		return 0;
	case VCPU_EXIT_INTERNAL:
		break;
	}
	fprintf(stderr, "quadrant: internal error: %s\n", exit->msg);
	return QSTATUS_INTERNAL;
}

int cmd_run(struct quadrant_opts *o)
{
	struct trace_writer trace = { .fp = NULL };
	struct machine *m = NULL;
	struct vcpu_exit exit = { .reason = VCPU_EXIT_BUDGET };
	FILE *serial = stdout;
	char err[256] = "";
	uint8_t *image;
	size_t len;
	int status, ret;

	if (o->gdb) {
		int st;

		hv_log_set_sink(log_to_stderr, NULL);
		st = gdb_run(o);
		hv_log_set_sink(NULL, NULL);
		return st;
	}
	image = image_read(o->image, &len);
	if (!image)
		return QSTATUS_USAGE;
	if (o->serial_path) {
		serial = fopen(o->serial_path, "w");
		if (!serial) {
			fprintf(stderr, "quadrant: cannot write '%s': %s\n",
				o->serial_path, strerror(errno));
			free(image);
			return QSTATUS_USAGE;
		}
	}
	hv_log_set_sink(log_to_stderr, NULL);
	o->machine.console = console_to_file;
	o->machine.console_opaque = serial;
	o->machine.cmdline = o->image;
	ret = machine_create(&m, image, len, &o->machine, err, sizeof(err));
	free(image);
	if (ret) {
		fprintf(stderr, "quadrant: %s: %s\n", o->image, err);
		status = ret == -ENOMEM ? QSTATUS_INTERNAL : QSTATUS_USAGE;
		goto out;
	}
	if (o->trace_path && trace_open(&trace, &m->vm.events, o->trace_path)) {
		status = QSTATUS_USAGE;
		goto out;
	}
	for (;;) {
		uint64_t budget = RUN_SLICE;

		if (o->max_insns) {
			if (m->vm.icount >= o->max_insns)
				break;
			if (o->max_insns - m->vm.icount < budget)
				budget = o->max_insns - m->vm.icount;
		}
		ret = machine_run(m, budget, &exit);
		if (ret) {
			exit.reason = VCPU_EXIT_INTERNAL;
			snprintf(exit.msg, sizeof(exit.msg), "run: %s",
				 strerror(-ret));
		}
		if (exit.reason != VCPU_EXIT_BUDGET)
			break;
	}
	fflush(serial);
	if (exit.reason == VCPU_EXIT_BUDGET) {
		fprintf(stderr, "quadrant: stopped after --max-insns %llu "
			"instructions\n", (unsigned long long)o->max_insns);
		status = QSTATUS_LIMIT;
	} else {
		status = exit_status(&exit);
	}
	status = trace_finish(&trace, m, o->stats, status);
out:
	if (m)
		machine_destroy(m);
	if (serial != stdout)
		fclose(serial);
	hv_log_set_sink(NULL, NULL);
	return status;
}
