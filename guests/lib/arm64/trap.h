/*
 * trap.h: synchronous exceptions, EL0, and the saved register frame.
 *
 * vectors.S saves every general register plus SP_EL0, ELR_EL1,
 * SPSR_EL1, ESR_EL1 and FAR_EL1 into a struct trap_frame on the EL1
 * stack and calls trap_dispatch(). Whatever the C code leaves in the
 * frame is restored, and ERET resumes at frame->elr: a handler fixes
 * the cause and leaves elr alone to retry the instruction (demand
 * paging), adds 4 to skip it, or sets elr = x[30] to make a faulting
 * call return.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];		/* x0..x30 */
	uint64_t sp_el0;
	uint64_t elr;		/* ELR_EL1: where ERET resumes */
	uint64_t spsr;		/* SPSR_EL1: the PSTATE ERET restores */
	uint64_t esr;		/* ESR_EL1 at entry (read only: not restored) */
	uint64_t far;		/* FAR_EL1 at entry (read only: not restored) */
};
#define TRAP_FRAME_SIZE (36 * 8)

/* Which of the 16 vectors was taken: VBAR_EL1 + 0x80 * kind. */
enum trap_kind {
	TRAP_CUR_SP0_SYNC = 0,	/* 0x000..0x180: current EL with SP_EL0 */
	TRAP_CUR_SPX_SYNC = 4,	/* 0x200: current EL with SP_ELx */
	TRAP_CUR_SPX_IRQ  = 5,
	TRAP_LOW64_SYNC   = 8,	/* 0x400: lower EL in AArch64 */
	TRAP_LOW64_IRQ    = 9,
	TRAP_LOW32_SYNC   = 12,	/* 0x600: lower EL in AArch32 */
};

/*
 * The guest's synchronous exception handler: return true when it dealt
 * with the exception (after adjusting the frame), false to fall back
 * to the runtime, which prints the syndrome and ends the run with FAIL.
 * kind tells whether the exception came from EL1 or from EL0.
 */
typedef bool (*trap_handler_t)(struct trap_frame *tf, unsigned kind);
void trap_set_handler(trap_handler_t h);

/* vectors.S calls this with the frame it built. */
void trap_dispatch(struct trap_frame *tf, unsigned kind);

/*
 * run_el0(entry, sp, a0, a1): ERET to EL0 (SPSR M = EL0t, DAIF masked)
 * at entry with SP_EL0 = sp, x0 = a0, x1 = a1. The EL0 code comes back with
 * "SVC #0": the runtime then returns x0 from run_el0(). Any other SVC
 * or fault from EL0 goes to the guest's handler first.
 */
uint64_t run_el0(uint64_t entry, uint64_t sp, uint64_t a0, uint64_t a1);
__attribute__((noreturn)) void el0_return(uint64_t value);

/* EL0 routines of el0.S, in their own section (.el0.text, from
 * __el0_start to __el0_end, 64 KiB aligned so that any granule can map
 * it alone). All position independent: they run from any alias.
 *   el0_load(addr)         x0 = *(uint64_t *)addr; SVC #0
 *   el0_store(addr, v)     *(uint64_t *)addr = v; x0 = 0; SVC #0
 *   el0_call(fn)           x0 = fn(); SVC #0
 *   el0_svc_probe()        SVC #0x42; x0 = 0x5ec; SVC #0
 *   el0_mrs_ctr()          x0 = CTR_EL0 (traps unless SCTLR_EL1.UCT); SVC #0
 *   el0_mrs_sctlr()        x0 = 0; x0 = SCTLR_EL1 (UNDEFINED at EL0); SVC #0
 */
extern char el0_load[], el0_store[], el0_call[], el0_svc_probe[];
extern char el0_mrs_ctr[], el0_mrs_sctlr[];

/* The address of EL0 routine sym when the el0 section is mapped at va. */
static inline uint64_t el0_at(uint64_t va, const char *sym)
{
	extern char __el0_start[];
	return va + (uint64_t)(sym - __el0_start);
}

#endif
