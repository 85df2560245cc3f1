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
int inspect_events(struct session *s, struct cmd_args *a);
int inspect_stats(struct session *s, struct cmd_args *a);

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
