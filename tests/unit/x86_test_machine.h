/* SPDX-License-Identifier: MIT */
/*
 * A tiny x86 VM for the CPU unit tests: 64 MiB of RAM, a GDT, an IDT
 * whose every vector points at a one-byte HLT stub, a TSS, and (for
 * long mode) identity page tables. Tests put instruction bytes at
 * TM_CODE, run, and look at registers and memory.
 *
 *   0x1000 GDT     0x08 code32 r0   0x10 data r0    0x18 code64 r0
 *                  0x23 data r3     0x2b code32 r3  0x33 code64 r3
 *                  0x38 TSS (16 bytes)
 *   0x2000 IDT     vectors 0-255; 0x80 has DPL 3
 *   0x3000 TSS     ring-0 stack TM_STACK0, IST1 TM_STACK_IST
 *   0x10000 PML4, 0x11000 PDPT, 0x12000 PD (2 MiB pages, user, writable)
 *   TM_HANDLER(v)  HLT for vector v
 */
#ifndef X86_TEST_MACHINE_H
#define X86_TEST_MACHINE_H

#include <hv/vm.h>
#include <hv/x86/cpu.h>

#define TM_GDT		0x1000
#define TM_IDT		0x2000
#define TM_TSS		0x3000
#define TM_PML4		0x10000
#define TM_PDPT		0x11000
#define TM_PD		0x12000
#define TM_STACK	0x80000		/* initial rsp */
#define TM_STACK0	0x90000		/* TSS ring-0 stack */
#define TM_STACK_IST	0xa0000		/* IST1 */
#define TM_CODE		0x100000
#define TM_DATA		0x300000
#define TM_HANDLER(v)	(0x200000 + (uint64_t)(v) * 16)

#define TM_CS32		0x08
#define TM_DS		0x10
#define TM_CS64		0x18
#define TM_DS3		0x23
#define TM_CS32_3	0x2b
#define TM_CS64_3	0x33
#define TM_TR		0x38

enum x86_tm_mode { TM_PROT32, TM_LONG64 };

struct x86_tm {
	struct vm vm;
	struct x86_cpu *cpu;
	struct vcpu_exit exit;
};

struct x86_tm *x86_tm_new(enum x86_tm_mode mode);
void x86_tm_free(struct x86_tm *tm);
/* Copy @len bytes to TM_CODE and point rip there. */
void x86_tm_code(struct x86_tm *tm, const void *bytes, size_t len);
void x86_tm_put(struct x86_tm *tm, gpa_t gpa, const void *src, size_t len);
uint64_t x86_tm_get(struct x86_tm *tm, gpa_t gpa, unsigned int size);
void x86_tm_set(struct x86_tm *tm, gpa_t gpa, unsigned int size, uint64_t v);
/* Run up to @budget instructions; returns the exit reason. */
int x86_tm_run(struct x86_tm *tm, uint64_t budget);
/* Which vector's HLT stub stopped us (after VCPU_EXIT_HALT), or -1. */
int x86_tm_vector(struct x86_tm *tm);
/* Switch to CPL 3 with flat ring-3 segments (64-bit code if @l). */
void x86_tm_user(struct x86_tm *tm, bool l);
/* Run with the arithmetic flags folded in. */
uint64_t x86_tm_flags(struct x86_tm *tm);

#endif
