/* SPDX-License-Identifier: MIT */
/*
 * The inspecting commands of the command table (commands.c): registers,
 * memory, disassembly, walks, the hypervisor's tables, events, stats.
 * Each takes the parsed line and prints through the session.
 */
#ifndef DEBUGGER_INSPECT_H
#define DEBUGGER_INSPECT_H

#include "debugger/commands.h"

int inspect_info(struct session *s, struct cmd_args *a);
int inspect_registers(struct session *s, struct cmd_args *a);
int inspect_x(struct session *s, struct cmd_args *a);
int inspect_disasm(struct session *s, struct cmd_args *a);
int inspect_walk(struct session *s, struct cmd_args *a);
int inspect_tdp(struct session *s, struct cmd_args *a);
int inspect_s2(struct session *s, struct cmd_args *a);
int inspect_sp(struct session *s, struct cmd_args *a);
int inspect_mmu(struct session *s, struct cmd_args *a);
int inspect_events(struct session *s, struct cmd_args *a);
int inspect_stats(struct session *s, struct cmd_args *a);

/*
 * Call @fn(machine, @lo, @hi, buf, size), a formatter that returns the
 * length it needs as snprintf does (or -errno), with a buffer grown
 * until the text fits; print it. Returns 0 or -errno.
 */
int inspect_print_grown(struct session *s,
			int (*fn)(struct machine *, uint64_t, uint64_t, char *,
				  size_t),
			uint64_t lo, uint64_t hi);

/* Print the breakpoint table ("info breakpoints"). */
void inspect_breakpoints(struct session *s);

/* Completers. */
void inspect_complete_regs(struct session *s, cmd_add_fn add, void *ctx);
void inspect_complete_reg_args(struct session *s, int argi, char **argv,
			       cmd_add_fn add, void *ctx);
void inspect_complete_info(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx);
void inspect_complete_x(struct session *s, int argi, char **argv,
			cmd_add_fn add, void *ctx);
void inspect_complete_walk(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx);
void inspect_complete_events(struct session *s, int argi, char **argv,
			     cmd_add_fn add, void *ctx);

#endif
