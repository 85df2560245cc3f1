/* SPDX-License-Identifier: MIT */
/*
 * The trace writer subscribes to the event ring and writes each event as
 * it is emitted, so a trace is complete even when the ring wraps.
 */
#include <errno.h>
#include <string.h>

#include <hv/machine.h>

#include "debugger/options.h"
#include "debugger/trace.h"

static void trace_event(void *opaque, const struct hv_event *ev)
{
	struct trace_writer *t = opaque;
	char line[256];

	event_format(ev, line, sizeof(line));
	fputs(line, t->fp);
	fputc('\n', t->fp);
}

int trace_open(struct trace_writer *t, struct event_ring *ring,
	       const char *path)
{
	memset(t, 0, sizeof(*t));
	t->handle = -1;
	t->fp = fopen(path, "w");
	if (!t->fp) {
		fprintf(stderr, "quadrant: cannot write trace '%s': %s\n", path,
			strerror(errno));
		return -errno;
	}
	setvbuf(t->fp, NULL, _IOFBF, 1 << 16);
	t->ring = ring;
	t->handle = event_subscribe(ring, trace_event, t);
	return 0;
}

int trace_close(struct trace_writer *t)
{
	int ret = 0;

	if (!t->fp)
		return 0;
	if (t->handle >= 0)
		event_unsubscribe(t->ring, t->handle);
	if (ferror(t->fp) || fclose(t->fp))
		ret = -EIO;
	t->fp = NULL;
	return ret;
}

int trace_finish(struct trace_writer *t, struct machine *m, bool stats,
		 int status)
{
	if (trace_close(t)) {
		fprintf(stderr, "quadrant: writing the trace failed\n");
		if (!status)
			status = QSTATUS_INTERNAL;
	}
	if (stats && m) {
		char buf[8192];

		machine_format_stats(m, buf, sizeof(buf));
		fputs(buf, stderr);
	}
	return status;
}
