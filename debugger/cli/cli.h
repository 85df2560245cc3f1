/* SPDX-License-Identifier: MIT */
/*
 * The readline view of the debugger engine: a prompt showing the pc and
 * the instruction count, history, Tab completion from the command
 * table, Ctrl-C through a self-pipe into one poll loop, a script mode
 * (-x FILE, then interactive) and a batch mode (--batch) for tests.
 */
#ifndef DEBUGGER_CLI_H
#define DEBUGGER_CLI_H

#include "debugger/session.h"

struct cli {
	struct session *s;
	bool batch;		/* no readline, no prompt; exit at EOF */
	bool tty;		/* interactive readline on a terminal */
	bool failed;		/* a command failed (batch exit status) */
	bool quit;
	bool tty_now;		/* at the readline prompt (not a script) */
	char last_out;		/* last byte written to stdout */
	const char *where;	/* "FILE:LINE: " while running a script */
	char where_buf[300];
};

/* The view ops the session reports to (opaque: struct cli). */
extern const struct session_view_ops cli_view_ops;

/*
 * Run the CLI on @s: @script first (NULL for none), then commands from
 * the terminal (or, with @batch or a non-terminal stdin, from stdin
 * without readline; with @batch and a script, the script alone; a
 * script of "-" is stdin). Returns the exit status: 0, or 1 in batch
 * mode if a command failed or the session hit an internal error.
 */
int cli_run(struct cli *c, const char *script, bool batch);

#endif
