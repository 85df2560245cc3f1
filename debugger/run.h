/* SPDX-License-Identifier: MIT */
#ifndef DEBUGGER_RUN_H
#define DEBUGGER_RUN_H

#include "debugger/options.h"

/* `quadrant run`. Returns the process exit status. */
int cmd_run(struct quadrant_opts *o);

#endif
