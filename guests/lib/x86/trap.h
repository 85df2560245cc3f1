/*
 * trap.h: segments, the trap frame, handler table, probes and ring 3.
 *
 * Reference card
 *   GDT selectors (same numbers in 32-bit and 64-bit guests):
 *     0x08 kernel code (64-bit guests: L=1), 0x10 kernel data,
 *     0x18 user code (DPL 3), 0x20 user data (DPL 3), 0x28 TSS.
 *     A selector's low two bits are its RPL; user selectors are used as
 *     0x1B and 0x23.
 *   Exception vectors 0-31; error code pushed for 8, 10-14, 17, 21, 29,
 *     30. T_USER_EXIT (0x80) is an interrupt gate with DPL 3, so ring 3
 *     may "int $0x80" to come back to ring 0.
 *   A trap from ring 3 switches to the stack in TSS.esp0/rsp0; a trap at
 *     ring 0 stays on the current stack. In 32-bit mode the CPU pushes
 *     SS:ESP only on a ring change; in 64-bit mode always.
 *   #PF error code: bit 0 P (1: protection violation, 0: not present),
 *     bit 1 W/R (write), bit 2 U/S (CPL 3 access), bit 3 RSVD (reserved
 *     bit set in an entry), bit 4 I/D (instruction fetch, reported only
 *     with CR4.PAE=1 and EFER.NXE=1, or with CR4.SMEP=1). CR2 holds the
 *     faulting linear address.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UCODE 0x18
#define SEG_UDATA 0x20
#define SEG_TSS   0x28
#define GDT_ENTRIES 7	/* the 64-bit TSS descriptor takes two slots */

#define T_DE 0
#define T_DB 1
#define T_BP 3
#define T_UD 6
#define T_DF 8
#define T_GP 13
#define T_PF 14
#define T_USER_EXIT 0x80

#define PF_P    0x01u
#define PF_W    0x02u
#define PF_U    0x04u
#define PF_RSVD 0x08u
#define PF_ID   0x10u

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

/*
 * The frame trapasm32.S / trapasm64.S build on the stack: general
 * registers pushed by the stub, then vector and error code (0 when the
 * CPU pushes none), then what the CPU pushed. Field names are shared by
 * both layouts so handlers compile for either.
 */
#ifdef __x86_64__
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t di, si, bp, bx, dx, cx, ax;
	uint64_t vector, err;
	uint64_t ip, cs, flags, sp, ss;	/* pushed by the CPU */
};
#else
struct trapframe {
	uint32_t di, si, bp, oesp, bx, dx, cx, ax;	/* pushal */
	uint16_t es, pad_es, ds, pad_ds;
	uint32_t vector, err;
	uint32_t ip, cs, flags;		/* pushed by the CPU */
	uint32_t sp, ss;		/* only on a ring change */
};
#endif

typedef void (*trap_handler_t)(struct trapframe *tf);

/* desc.c */
void desc_init(void);

/* trap.c */
void trap_init(void);
void trap_set_handler(int vector, trap_handler_t h);
void trap_dispatch(struct trapframe *tf);
__attribute__((noreturn)) void trap_unexpected(struct trapframe *tf);
const char *trap_name(uintptr_t vector);

/*
 * probe.c / probe32.S / probe64.S: accesses that may fault, in the
 * manner of Linux's exception tables. Each returns 0 if the access
 * completed and 1 if it faulted; a fault is recorded in probe_last and
 * execution resumes after the access. Only handlers that call
 * probe_fixup() (as probe_handler() does) make this work.
 */
struct probe_fault {
	uintptr_t vector;
	uintptr_t err;
	uintptr_t cr2;	/* #PF only */
	int count;	/* faults fixed up since probe_reset() */
};
extern struct probe_fault probe_last;

void probe_reset(void);
int probe_read8(uintptr_t va, uint8_t *val);
int probe_write8(uintptr_t va, uint8_t val);
/* Jump to va, which must hold probe_exec_stub (copied there first). */
int probe_exec(uintptr_t va);
extern const uint8_t probe_exec_stub[];
extern const unsigned probe_exec_stub_len;
bool probe_fixup(struct trapframe *tf);
void probe_handler(struct trapframe *tf);	/* fixup or unexpected */

/* report a probe that should have raised #PF with this error code/CR2 */
void report_pf(int faulted, uintptr_t want_err, uintptr_t want_cr2,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * user32.S / user64.S: run fn(arg) at CPL 3 on the user stack and return
 * what it returns. fn comes back through "int $0x80" (a DPL 3 gate). A
 * ring 0 handler for a fault taken at CPL 3 may instead end the call with
 * user_return(value). All code and data fn touches must be mapped with
 * U=1 at every paging level.
 */
typedef uintptr_t (*user_fn_t)(uintptr_t arg);
uintptr_t user_call(user_fn_t fn, uintptr_t arg);
__attribute__((noreturn)) void user_return(uintptr_t value);
extern int user_calls_returned_via_gate;

#endif /* !__ASSEMBLER__ */
#endif
