/* SPDX-License-Identifier: MIT */
#ifndef DEBUGGER_DEBUG_H
#define DEBUGGER_DEBUG_H

#include "debugger/options.h"
#include "debugger/session.h"

/*
 * Build the machine for o->image and a session on it reporting to
 * @ops/@opaque; the TUI opens its session the same way. Returns 0, or
 * a process exit status after printing why to stderr.
 */
int debug_open_session(struct session *s, struct quadrant_opts *o,
		       const struct session_view_ops *ops, void *opaque);

/* `quadrant debug`. Returns the process exit status. */
int cmd_debug(struct quadrant_opts *o);

#endif
