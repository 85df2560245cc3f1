/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's target for Quadrant: the debugger session. Registers
 * through the vCPU's register file (tdesc.h), memory through the
 * side-effect-free peeks (vcpu_read_gva / vcpu_write_gva, or guest
 * physical memory after `maintenance packet Qqemu.PhyMemMode:1`),
 * breakpoints and watchpoints in the engine (guest memory is never
 * patched), run control through session_stepi / session_continue, and
 * `monitor` through the one command table.
 */
#ifndef DEBUGGER_GDBSTUB_SESSION_TARGET_H
#define DEBUGGER_GDBSTUB_SESSION_TARGET_H

#include "debugger/gdbstub/target.h"
#include "debugger/gdbstub/tdesc.h"
#include "debugger/session.h"

#define GDB_TARGET_MAX_BPS 48

struct gdb_session_target {
	struct session *s;
	struct gdb_regmap map;
	bool phys;			/* Qqemu.PhyMemMode:1 */
	bool killed;
	/* Breakpoints GDB inserted: their engine numbers (0: shared). */
	struct {
		bool used;
		uint8_t type;		/* enum gdb_bp_type */
		uint64_t addr, len;
		unsigned int num;
	} bp[GDB_TARGET_MAX_BPS];
	/* While a monitor command runs, the session's text goes here. */
	gdb_out_fn out;
	void *out_ctx;
};

extern const struct gdb_target_ops gdb_session_target_ops;

/* Describe @s's CPU as @desc. Returns 0 or -errno. */
int gdb_session_target_init(struct gdb_session_target *gt, struct session *s,
			    enum gdb_desc desc);
void gdb_session_target_destroy(struct gdb_session_target *gt);

/*
 * The session's text output, for the view that owns the session: to
 * the running monitor command, or dropped (GDB shows stops itself).
 * Returns true if a monitor command took it.
 */
bool gdb_session_target_output(struct gdb_session_target *gt,
			       enum session_out kind, const char *text,
			       size_t len);

/* The stop reply for the session's last stop. */
void gdb_session_target_stop(struct gdb_session_target *gt,
			     struct gdb_stop *stop);

#endif
