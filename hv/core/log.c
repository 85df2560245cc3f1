/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's only voice: messages go to whatever sink the tool
 * installed. With no sink they are dropped, so hv/ never prints.
 */
#include <stdio.h>

#include <hv/log.h>

static hv_log_sink_fn log_sink;
static void *log_opaque;

void hv_log_set_sink(hv_log_sink_fn fn, void *opaque)
{
	log_sink = fn;
	log_opaque = opaque;
}

void hv_log(enum hv_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!log_sink)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_sink(log_opaque, level, msg);
}
