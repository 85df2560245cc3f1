/* SPDX-License-Identifier: MIT */
/*
 * What the GDB stub needs from whatever it debugs: one ops struct and
 * an opaque pointer (mini-gdbstub's model). The stub speaks the
 * protocol; the target knows the machine. Any op may be NULL: the
 * packets that need it are answered "unsupported" (an empty reply).
 *
 * Quadrant's target is the debugger session (session_target.c); the
 * unit tests and the fuzzer use small fake targets.
 */
#ifndef DEBUGGER_GDBSTUB_TARGET_H
#define DEBUGGER_GDBSTUB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Z/z packet types, as numbered by the protocol. */
enum gdb_bp_type {
	GDB_BP_SW = 0,		/* Z0: software breakpoint */
	GDB_BP_HW = 1,		/* Z1: hardware breakpoint */
	GDB_WP_WRITE = 2,	/* Z2 */
	GDB_WP_READ = 3,	/* Z3 */
	GDB_WP_ACCESS = 4,	/* Z4 */
};

/* Why the target stopped, for a stop reply. */
struct gdb_stop {
	enum {
		GDB_STOP_SIGNAL,	/* T<signo>: stopped, can resume */
		GDB_STOP_EXITED,	/* W<status>: the guest is gone */
	} kind;
	uint8_t signo;		/* GDB_SIGTRAP, GDB_SIGINT, ... */
	enum {
		GDB_WHY_NONE,
		GDB_WHY_SWBREAK,	/* "swbreak:;" */
		GDB_WHY_HWBREAK,	/* "hwbreak:;" */
		GDB_WHY_WATCH,		/* "watch:ADDR;" */
		GDB_WHY_RWATCH,		/* "rwatch:ADDR;" */
		GDB_WHY_AWATCH,		/* "awatch:ADDR;" */
	} why;
	uint64_t addr;		/* watch*: the data address */
	int status;		/* EXITED: exit status */
};

/* GDB's signal numbers (gdb/signals.def), not the host's. */
enum { GDB_SIGINT = 2, GDB_SIGILL = 4, GDB_SIGTRAP = 5, GDB_SIGABRT = 6,
       GDB_SIGSEGV = 11 };

/* Where monitor output goes: whole lines, as they come. */
typedef void (*gdb_out_fn)(void *ctx, const char *text, size_t len);

struct gdb_target_ops {
	/*
	 * qXfer:features:read: the document named @annex ("target.xml"),
	 * NUL-terminated, or NULL if there is none.
	 */
	const char *(*xml)(void *t, const char *annex);
	/* How many registers 'g' carries (GDB's numbering, 0..n-1). */
	unsigned int (*reg_count)(void *t);
	/*
	 * Register @n in target byte order into @buf (@size >= 64 bytes).
	 * Returns its size in bytes, or -errno (-EINVAL: no such register).
	 */
	int (*read_reg)(void *t, unsigned int n, uint8_t *buf, size_t size);
	/* Write register @n from @len bytes. Returns 0 or -errno. */
	int (*write_reg)(void *t, unsigned int n, const uint8_t *buf,
			 size_t len);
	/*
	 * Guest memory at @addr, virtual unless the physical mode is on.
	 * Return the bytes done (fewer at the first unmapped byte), or
	 * -errno if none.
	 */
	long (*read_mem)(void *t, uint64_t addr, uint8_t *buf, size_t len);
	long (*write_mem)(void *t, uint64_t addr, const uint8_t *buf,
			  size_t len);
	/* Qqemu.PhyMemMode: memory packets use physical addresses. */
	int (*set_phys_mode)(void *t, bool phys);
	bool (*get_phys_mode)(void *t);
	/* Z/z: @kind is the breakpoint kind or the watched length. */
	int (*insert_bp)(void *t, enum gdb_bp_type type, uint64_t addr,
			 uint64_t kind);
	int (*remove_bp)(void *t, enum gdb_bp_type type, uint64_t addr,
			 uint64_t kind);
	/*
	 * Run one instruction (@step) or until something stops the guest,
	 * from @pc if @set_pc. Blocks; a Ctrl-C from GDB reaches the target
	 * through its own poll (the server's). Fills @stop. Returns 0 or
	 * -errno.
	 */
	int (*resume)(void *t, bool step, bool set_pc, uint64_t pc,
		      struct gdb_stop *stop);
	/* The current stop, for '?'. */
	void (*stop_reason)(void *t, struct gdb_stop *stop);
	/* qRcmd: run a monitor command, its output through @out. */
	int (*monitor)(void *t, const char *line, gdb_out_fn out, void *ctx);
	/* GDB goes away (D, or the connection closed): drop its breakpoints. */
	void (*detach)(void *t);
	/* 'k' / vKill. */
	void (*kill)(void *t);
	/* Threads are vCPUs, numbered from 1. NULL: one. */
	unsigned int (*thread_count)(void *t);
};

#endif
