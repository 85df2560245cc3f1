/* SPDX-License-Identifier: MIT */
/*
 * The one command table. The CLI, the TUI's command line and the GDB
 * stub's `monitor` all execute lines through commands_execute, and
 * complete them through commands_complete, so a command written once
 * works in every view.
 *
 * A line is words separated by blanks; the first names the command, by
 * its full name, an alias (s, c, b, ...) or an unambiguous prefix, and
 * may carry a /FORMAT suffix (x/16xb). Numbers are 0x.. hex, 0b..
 * binary or decimal; wherever an address is expected an expression of
 * numbers and $registers joined by + and - is accepted ($esp+8, $cr2).
 *
 * Architectures and MMUs add commands (sp, s2, mmu audit) by registering
 * a command set whose applies() accepts the session's machine; one of
 * its commands replaces the base table's placeholder of the same name.
 */
#ifndef DEBUGGER_COMMANDS_H
#define DEBUGGER_COMMANDS_H

#include "debugger/session.h"

#define CMD_MAX_ARGS 32

/* A parsed line. */
struct cmd_args {
	int argc;		/* argv[0] is the command word */
	char *argv[CMD_MAX_ARGS + 1];
	const char *fmt;	/* "16xb" after x/, or NULL */
	const char *rest;	/* the raw text after the command word */
	char rest_buf[1024];
};

enum cmd_status {
	CMD_OK = 0,
	CMD_QUIT = 1,		/* the user asked to leave */
	/* negative: failed, the message is already out */
};

/* Completion hands candidate words, one call each, to an add function. */
typedef void (*cmd_add_fn)(void *ctx, const char *word);

enum cmd_category { CMD_CAT_RUN, CMD_CAT_BREAK, CMD_CAT_INSPECT,
		    CMD_CAT_MMU, CMD_CAT_OTHER };

struct command {
	const char *name;
	const char *aliases;	/* space-separated short forms, or NULL */
	enum cmd_category cat;
	const char *usage;	/* "stepi [N]" */
	const char *summary;	/* one line */
	const char *help;	/* more lines, or NULL */
	const char *example;	/* a line to type */
	/* NULL: "not available for this machine yet". */
	int (*fn)(struct session *s, struct cmd_args *a);
	/* Words for argument @argi (1-based) given argv[0..argi-1]. */
	void (*complete)(struct session *s, int argi, char **argv,
			 cmd_add_fn add, void *ctx);
	bool repeat;		/* an empty line repeats it (stepi, x) */
};

/* Commands an architecture or MMU adds to sessions it applies to. */
struct command_set {
	const char *name;
	bool (*applies)(const struct session *s);
	const struct command *cmds;
	unsigned int count;
};

/* Register a set (at start-up). Returns 0, or -ENOSPC. */
int commands_register(const struct command_set *set);

/*
 * Execute one line. An empty (or blank, or '#' comment) line does
 * nothing unless @repeat is set, in which case it repeats the previous
 * repeatable command (gdb's Enter after stepi). Returns CMD_OK,
 * CMD_QUIT, or a negative value when the command failed (its message
 * has gone to the view).
 */
int commands_execute(struct session *s, const char *line, bool repeat);

/*
 * Candidates for the word being typed at the end of @line (everything
 * before the cursor). The caller filters them by the word's prefix.
 * Returns the offset in @line where that word starts.
 */
size_t commands_complete(struct session *s, const char *line, cmd_add_fn add,
			 void *ctx);

/*
 * Resolve a command word as the user typed it. Returns the command or
 * NULL with a message in @err ("unknown command", "ambiguous: ...").
 */
const struct command *commands_lookup(const struct session *s,
				      const char *word, char *err,
				      size_t errlen);

/*
 * Split @line (modified in place) into @a. Returns 0 or -E2BIG with a
 * message in @err.
 */
int commands_parse(char *line, struct cmd_args *a, char *err, size_t errlen);

/*
 * Evaluate an address expression: numbers and $registers (or bare
 * register names) joined by + and -, e.g. "$esp+8", "0x1000", "cr2".
 * Returns 0 or an error message already sent to the session.
 */
int commands_eval(struct session *s, const char *expr, uint64_t *val);

/*
 * Parse an event filter from argv[0..argc), evaluating values that name
 * registers first ("until pagetable_walk addr=$cr2"). Returns 0 or an
 * error already sent to the session.
 */
int commands_parse_filter(struct session *s, int argc, char **argv,
			  struct evfilter *f);

/* Every command of the base table, for docs and tests. */
const struct command *commands_table(unsigned int *count);

#endif
