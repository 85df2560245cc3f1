/* SPDX-License-Identifier: MIT */
/*
 * The debugger engine: one machine, its run state, breakpoints of every
 * kind, and the event cursor. Every view (the readline CLI, the ncurses
 * TUI, the GDB stub's `monitor`) drives the same session and owns no
 * state of its own.
 *
 * The engine talks to its view only through struct session_view_ops
 * (cgdb's model): text goes to ops->output, never to stdout; the guest's
 * console to ops->console; the end of every run to ops->stopped; and
 * between run slices ops->poll lets the view take keys or packets.
 *
 * Run control. The guest runs in slices of at most SESSION_SLICE
 * instructions (TinyEMU's budget), all from session_run:
 *   1. the session's breakpoint table is copied into vcpu->dbg (gva
 *      breakpoints, watchpoints), skip_bp_at = pc so that resuming from
 *      a breakpoint executes it once;
 *   2. the slice's budget is cut so it ends exactly at the nearest
 *      instruction-count breakpoint or at the end of a stepi N;
 *   3. the event ring calls session_event_cb for every event; a match
 *      with an event breakpoint or the "until" filter records the event
 *      and asks the VM to stop after the current instruction
 *      (vm_request_stop), without emitting anything itself;
 *   4. between slices the Ctrl-C flag and ops->poll may end the run.
 *
 * Guest-physical breakpoints. struct vcpu_debug knows only gvas, and a
 * gpa may be mapped at any number of gvas (or none yet), so while a gpa
 * breakpoint is enabled the session single-steps: before each
 * instruction it translates the pc (vcpu_ops.translate, no side effects)
 * and stops if the pc's gpa is a breakpoint. That is exact, whatever the
 * guest does to its page tables, but runs the guest perhaps ten times
 * slower; `info breakpoints` says so.
 */
#ifndef DEBUGGER_SESSION_H
#define DEBUGGER_SESSION_H

#include <signal.h>
#include <stdarg.h>

#include <hv/machine.h>

#include "debugger/evfilter.h"

#define SESSION_SLICE 100000ull
#define SESSION_MAX_BREAKPOINTS 64
#define SESSION_PC_HISTORY 16

enum session_out {
	SESSION_OUT_TEXT,	/* a command's output */
	SESSION_OUT_ERROR,	/* one line: what went wrong */
	SESSION_OUT_STOP,	/* why and where the guest stopped */
};

struct session_stop;

/* What a view gives the engine. Any op may be NULL. */
struct session_view_ops {
	/* Text for the user: whole lines, each ending in '\n'. */
	void (*output)(void *opaque, enum session_out kind, const char *text,
		       size_t len);
	/* Bytes the guest wrote to its console, as they come. */
	void (*console)(void *opaque, const uint8_t *buf, size_t len);
	/* A run ended (the report already went to output): redraw. */
	void (*stopped)(void *opaque, const struct session_stop *stop);
	/* Called between run slices; return true to stop the run. */
	bool (*poll)(void *opaque);
};

enum bp_type {
	BP_GVA,			/* code at a guest virtual address */
	BP_GPA,			/* code at a guest physical address */
	BP_ICOUNT,		/* when the instruction count reaches N */
	BP_WATCH,		/* data access to guest virtual memory */
	BP_EVENT,		/* an MMU/CPU event matching a filter */
};

struct breakpoint {
	unsigned int num;	/* as the user sees it, 1, 2, ...; 0: free */
	enum bp_type type;
	bool enabled;
	uint64_t addr;		/* gva, gpa or icount */
	uint64_t len;		/* BP_WATCH: bytes */
	uint8_t wp_kind;	/* BP_WATCH: enum vcpu_wp_kind */
	struct evfilter filter;	/* BP_EVENT */
	uint64_t hits;
};

enum session_stop_reason {
	STOP_NONE,		/* nothing has run yet */
	STOP_STEP,		/* stepi finished */
	STOP_BREAKPOINT,	/* gva or gpa breakpoint, before the insn */
	STOP_WATCHPOINT,	/* after the accessing instruction */
	STOP_ICOUNT,		/* instruction-count breakpoint */
	STOP_EVENT,		/* event breakpoint */
	STOP_UNTIL,		/* the event `until` waited for */
	STOP_INTERRUPT,		/* Ctrl-C, or the view's poll */
	STOP_REQUEST,		/* a device asked the VM to stop */
	STOP_EXITED,		/* poweroff: status */
	STOP_HALTED,		/* halted with nothing to wake it */
	STOP_SHUTDOWN,		/* triple fault / reset */
	STOP_STRICT,		/* --strict: unimplemented instruction */
	STOP_ERROR,		/* internal error: msg */
};

struct session_stop {
	enum session_stop_reason reason;
	unsigned int bp;	/* breakpoint number, 0 if none */
	uint64_t pc, icount;
	bool has_event;
	struct hv_event ev;	/* STOP_EVENT, STOP_UNTIL */
	uint64_t addr;		/* STOP_WATCHPOINT: accessed gva */
	uint8_t wp_kind;	/* STOP_WATCHPOINT: the access */
	int status;		/* STOP_EXITED: the process exit status */
	char msg[160];
	uint64_t ev_first;	/* events emitted during the run: */
	uint64_t ev_end;	/* seq in [ev_first, ev_end) */
	uint64_t steps;		/* run(1) units used (stepi) */
};

struct session {
	struct machine *m;
	const struct session_view_ops *ops;
	void *opaque;

	struct breakpoint bp[SESSION_MAX_BREAKPOINTS];
	unsigned int next_bp_num;

	/* Run state. */
	bool running;		/* inside session_run */
	bool exited;		/* the guest is gone: inspect only */
	struct session_stop last;
	volatile sig_atomic_t interrupt;	/* Ctrl-C */

	/* The event callback's findings during a run. */
	int ev_sub;		/* event_subscribe handle, -1 if none */
	bool ev_hit;
	unsigned int ev_hit_bp;	/* 0: the until filter */
	struct hv_event ev_hit_event;
	const struct evfilter *until;

	/* Readers of the event ring. */
	uint64_t ev_cursor;	/* seq of the first event not yet shown */

	/* Recent stop pcs: lets `disassemble` show what came before. */
	uint64_t pc_hist[SESSION_PC_HISTORY];
	unsigned int pc_hist_n;

	/* Command-line memory the views share (commands.c). */
	char repeat_line[256];	/* the last repeatable command */
	uint64_t x_next;	/* `x` with no address continues here */
	int x_space;		/* 0 gva, 1 gpa, 2 hpa */
	char x_fmt[16];		/* the last x/FORMAT */

	/* Settings (`set NAME VALUE`). */
	unsigned int show_events;	/* after a stepi, list up to N events */

	/* Per-architecture facts for the commands. */
	const struct session_arch *arch;
};

/* What differs between architectures in the commands, beyond vcpu_ops. */
struct session_arch {
	const char *name;
	/* translate() access bits for `walk GVA [write] [user] [fetch]`. */
	uint32_t acc_write, acc_user, acc_fetch;
};

/*
 * Make a session for @m (which the session then owns) that reports to
 * @ops/@opaque. Returns 0 or -errno (-ENOSPC: no event subscriber slot).
 */
int session_init(struct session *s, struct machine *m,
		 const struct session_view_ops *ops, void *opaque);
/* Free the machine and everything else. */
void session_destroy(struct session *s);

/* The console sink to give machine_opts (opaque: the session). */
void session_console(void *session, const uint8_t *buf, size_t len);

/* --- output ------------------------------------------------------------- */
void session_write(struct session *s, enum session_out kind,
		   const char *text, size_t len);
void session_printf(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line of error; the "error: " is the view's to add. Returns -EINVAL. */
int session_error(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- run control ---------------------------------------------------------- */

/*
 * Execute @n run(1) units: one instruction each, or the delivery of an
 * exception (so stepping a faulting instruction stops at the first
 * instruction of its handler, as a hardware single step does).
 * Breakpoints and event breakpoints still stop it early.
 * Returns 0 once stopped (report in s->last), -EINVAL if the guest has
 * exited or @n is 0.
 */
int session_stepi(struct session *s, uint64_t n);
/* Run until a breakpoint, an event breakpoint, Ctrl-C or guest exit. */
int session_continue(struct session *s);
/* Continue until the next event matching @f (or any stop above). */
int session_until(struct session *s, const struct evfilter *f);

/* From a signal handler: stop the running continue between slices. */
static inline void session_interrupt(struct session *s)
{
	s->interrupt = 1;
}

/* Print the report of s->last (as after every run). */
void session_report_stop(struct session *s);

/* --- breakpoints ------------------------------------------------------------ */

/*
 * Add a breakpoint of @type. Returns its number (> 0) or -errno with a
 * message already printed: -ENOSPC (table or vcpu_debug full), -EEXIST
 * (the same one exists; its number is printed).
 */
int session_break_gva(struct session *s, gva_t gva);
int session_break_gpa(struct session *s, gpa_t gpa);
int session_break_icount(struct session *s, uint64_t icount);
int session_watch(struct session *s, gva_t gva, uint64_t len,
		  enum vcpu_wp_kind kind);
int session_break_event(struct session *s, const struct evfilter *f);

struct breakpoint *session_break_find(struct session *s, unsigned int num);
/* Delete one (-ENOENT if no such number) or, num 0, all. */
int session_break_delete(struct session *s, unsigned int num);
int session_break_enable(struct session *s, unsigned int num, bool on);
/* One line describing @b, no newline: "gva 0x1000", "event cr cr=3". */
int session_break_format(const struct breakpoint *b, char *buf, size_t size);

/* --- state for the views ------------------------------------------------------ */
uint64_t session_pc(struct session *s);
uint64_t session_icount(struct session *s);
/* Register index by name (case-insensitive), or -1. */
int session_reg_by_name(struct session *s, const char *name);
/* "0x0010002a" (8 digits below 4 GiB, else 16). */
const char *session_fmt_addr(uint64_t a, char buf[20]);
const char *session_stop_reason_name(enum session_stop_reason r);

#endif
