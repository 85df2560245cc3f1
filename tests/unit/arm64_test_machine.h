/* SPDX-License-Identifier: MIT */
/*
 * A bare arm64 test machine for the unit tests: a VM with RAM at
 * 0x40000000, the PL011 at 0x09000000 capturing output, and the CPU at
 * EL1h with the MMU off and pc at the code. Code comes as arrays of
 * instruction words (assembled by llvm-mc when the test was written,
 * each word commented with its text).
 */
#ifndef ARM64_TEST_MACHINE_H
#define ARM64_TEST_MACHINE_H

#include <hv/arm64/interp.h>
#include <hv/arm64/pl011.h>

#define TM_RAM 0x40000000ull
#define TM_CODE 0x40000000ull

struct a64tm {
	struct vm vm;
	struct arm64_cpu *cpu;
	struct pl011 uart;
	char out[4096];
	size_t outlen;
	struct vcpu_exit exit;
};

/* A machine with @ram_bytes of RAM (0: 16 MiB); pc = TM_CODE. */
void tm_init(struct a64tm *t, uint64_t ram_bytes);
void tm_fini(struct a64tm *t);

/* Copy @n words of code to guest-physical @gpa. */
void tm_code(struct a64tm *t, uint64_t gpa, const uint32_t *words, size_t n);
#define TM_LOAD(t, gpa, arr) tm_code((t), (gpa), (arr), ARRAY_SIZE(arr))

/* Run at most @budget instructions; returns the exit reason. */
int tm_run(struct a64tm *t, uint64_t budget);

/* Guest-physical RAM as host memory (asserts it is RAM). */
void *tm_ram(struct a64tm *t, uint64_t gpa);
uint64_t tm_rd64(struct a64tm *t, uint64_t gpa);
void tm_wr64(struct a64tm *t, uint64_t gpa, uint64_t v);

/* Write a system register as MSR would (flushes as the CPU does). */
void tm_msr(struct a64tm *t, uint32_t key, uint64_t v);

#define SR_SCTLR	arm64_sysreg_key(3, 0, 1, 0, 0)
#define SR_TTBR0	arm64_sysreg_key(3, 0, 2, 0, 0)
#define SR_TTBR1	arm64_sysreg_key(3, 0, 2, 0, 1)
#define SR_TCR		arm64_sysreg_key(3, 0, 2, 0, 2)
#define SR_MAIR		arm64_sysreg_key(3, 0, 10, 2, 0)
#define SR_VBAR		arm64_sysreg_key(3, 0, 12, 0, 0)

#endif
