/* SPDX-License-Identifier: MIT */
/* --trace FILE: every event, one line each, as event_format writes it. */
#ifndef DEBUGGER_TRACE_H
#define DEBUGGER_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include <hv/event.h>

struct trace_writer {
	FILE *fp;
	int handle;
	struct event_ring *ring;
};

/* Returns 0, or -errno (message printed) if @path cannot be written. */
int trace_open(struct trace_writer *t, struct event_ring *ring,
	       const char *path);
/* Flush and close. Returns 0 or -EIO if writing failed. */
int trace_close(struct trace_writer *t);

struct machine;

/*
 * The end every command shares: close the trace and, with --stats
 * (@stats), print the machine's counters to stderr. Returns @status, or
 * QSTATUS_INTERNAL in place of 0 when the trace could not be written.
 */
int trace_finish(struct trace_writer *t, struct machine *m, bool stats,
		 int status);

#endif
