/* SPDX-License-Identifier: MIT */
/*
 * The command line shared by every subcommand (run, debug, tui), in the
 * style of QEMU's: see `quadrant --help` and README.md.
 */
#ifndef DEBUGGER_OPTIONS_H
#define DEBUGGER_OPTIONS_H

#include <stdio.h>

#include <hv/machine.h>

/* Exit statuses of our own; a guest's isa-debug-exit status is always odd. */
enum quadrant_status {
	QSTATUS_USAGE = 2,	/* bad command line, unreadable or bad image */
	QSTATUS_HALTED = 4,	/* guest halted with nothing to wake it */
	QSTATUS_STRICT = 6,	/* --strict stopped on an unimplemented insn */
	QSTATUS_INTERNAL = 8,	/* our bug or host resource exhaustion */
	QSTATUS_LIMIT = 10,	/* --max-insns reached */
};

struct quadrant_opts {
	const char *command;	/* "run", "debug", "tui" */
	const char *image;
	struct machine_opts machine;
	const char *trace_path;
	const char *serial_path;	/* NULL: stdout */
	bool stats;
	const char *gdb;		/* [ADDR:]PORT */
	bool gdb_wait;			/* -S */
	uint64_t max_insns;		/* 0: unlimited */
	const char *script;		/* debug -x FILE */
	bool batch;			/* debug --batch */
};

/*
 * Parse argv after the subcommand. Returns 0, or prints a message to
 * stderr and returns QSTATUS_USAGE; returns -1 after printing --help.
 */
int options_parse(struct quadrant_opts *o, int argc, char **argv);
void options_usage(FILE *out);

/* "128M", "1G", "65536K", "4096" (bytes). Returns false if malformed. */
bool options_parse_size(const char *s, uint64_t *bytes);

#endif
