/* SPDX-License-Identifier: MIT */
/*
 * The block cache (hv/x86/block.c) seen from outside. A block runs its
 * instructions one after another without looking rip up again, but the
 * budget, breakpoints, faults and self-modifying stores must still act
 * at an exact instruction, as when the interpreter went one at a time.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "x86_test_machine.h"

static struct x86_tm *tm;

#define R(r) (tm->cpu->gpr[X86_##r])

static void fini(void)
{
	x86_tm_free(tm);
	tm = NULL;
}

TestSuite(x86_block, .fini = fini);

/* mov eax, 1; mov ebx, 2; mov ecx, 3; mov edx, 4; hlt: one block */
static const uint8_t line[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x02, 0x00, 0x00, 0x00,
	0xb9, 0x03, 0x00, 0x00, 0x00, 0xba, 0x04, 0x00, 0x00, 0x00, 0xf4,
};

Test(x86_block, budget_ends_a_slice_inside_a_block)
{
	tm = x86_tm_new(TM_PROT32);
	x86_tm_code(tm, line, sizeof(line));
	cr_assert_eq(x86_tm_run(tm, 2), VCPU_EXIT_BUDGET);
	cr_assert_eq(tm->vm.icount, 2);
	cr_assert_eq(tm->cpu->rip, TM_CODE + 10);
	cr_assert_eq(R(RBX), 2);
	cr_assert_eq(R(RCX), 0);
	/* Single steps from the middle of the cached block. */
	for (unsigned int i = 3; i <= 4; i++) {
		cr_assert_eq(x86_tm_run(tm, 1), VCPU_EXIT_BUDGET);
		cr_assert_eq(tm->vm.icount, i);
		cr_assert_eq(tm->cpu->rip, TM_CODE + 5 * i);
	}
	cr_assert_eq(R(RDX), 4);
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(tm->vm.icount, 5);
}

Test(x86_block, breakpoint_inside_a_block)
{
	struct vcpu_debug *d;

	tm = x86_tm_new(TM_PROT32);
	d = &tm->cpu->vcpu.dbg;
	x86_tm_code(tm, line, sizeof(line));
	d->nbp = 1;
	d->bp[0] = TM_CODE + 10;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_STOP);
	cr_assert_eq(d->stop_cause, VCPU_STOP_BREAKPOINT);
	cr_assert_eq(tm->cpu->rip, TM_CODE + 10);
	cr_assert_eq(tm->vm.icount, 2);
	cr_assert_eq(R(RCX), 0);
	/* Continuing executes the instruction at the breakpoint once. */
	d->skip_bp_at = TM_CODE + 10;
	d->skip_bp_valid = true;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(R(RCX), 3);
	cr_assert_eq(tm->vm.icount, 5);
}

/* mov eax, 1; ...; jmp back to the start: one block, run again and again */
static const uint8_t loop_line[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x02, 0x00, 0x00, 0x00,
	0xb9, 0x03, 0x00, 0x00, 0x00, 0xeb, 0xef,
};

/*
 * A block remembers whether it holds a breakpoint; setting, moving or
 * clearing breakpoints between runs must be seen by blocks already
 * cached and already tagged.
 */
Test(x86_block, breakpoints_changed_between_runs_reach_cached_blocks)
{
	struct vcpu_debug *d;

	tm = x86_tm_new(TM_PROT32);
	d = &tm->cpu->vcpu.dbg;
	x86_tm_code(tm, loop_line, sizeof(loop_line));
	/* Cached and tagged "no breakpoint here" (one elsewhere). */
	d->nbp = 1;
	d->bp[0] = TM_CODE + 0x100;
	cr_assert_eq(x86_tm_run(tm, 40), VCPU_EXIT_BUDGET);
	/* Now one in the middle of it. */
	d->bp[0] = TM_CODE + 10;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_STOP);
	cr_assert_eq(d->stop_cause, VCPU_STOP_BREAKPOINT);
	cr_assert_eq(tm->cpu->rip, TM_CODE + 10);
	/* Moved to the jmp: the first stop there, after one more mov. */
	d->bp[0] = TM_CODE + 15;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_STOP);
	cr_assert_eq(tm->cpu->rip, TM_CODE + 15);
	/* Cleared: the budget ends the run. */
	d->nbp = 0;
	cr_assert_eq(x86_tm_run(tm, 50), VCPU_EXIT_BUDGET);
	/* Armed again at the same place as before. */
	d->nbp = 1;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_STOP);
	cr_assert_eq(tm->cpu->rip, TM_CODE + 15);
}

/* mov eax, 1; mov rbx, 0x40001000; mov [rbx], eax; mov ecx, 3; hlt */
static const uint8_t pf_mid[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x48, 0xc7, 0xc3, 0x00, 0x10, 0x00,
	0x40, 0x89, 0x03, 0xb9, 0x03, 0x00, 0x00, 0x00, 0xf4,
};

Test(x86_block, fault_inside_a_block_is_exact)
{
	tm = x86_tm_new(TM_LONG64);
	x86_tm_code(tm, pf_mid, sizeof(pf_mid));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), X86_PF);
	/* The return rip is the store's; nothing after it ran. */
	cr_assert_eq(x86_tm_get(tm, R(RSP) + 8, 8), TM_CODE + 12);
	cr_assert_eq(R(RCX), 0);
	/* Two instructions, then the handler's HLT. */
	cr_assert_eq(tm->vm.icount, 3);
}

/*
 * mov byte [TM_CODE + 8], 42; mov eax, 0; hlt: the store rewrites the
 * immediate of the next instruction, already decoded in its block.
 */
static const uint8_t smc_next[] = {
	0xc6, 0x05, 0x08, 0x00, 0x10, 0x00, 0x2a, 0xb8, 0x00, 0x00, 0x00,
	0x00, 0xf4,
};

Test(x86_block, store_into_the_running_block)
{
	tm = x86_tm_new(TM_PROT32);
	x86_tm_code(tm, smc_next, sizeof(smc_next));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), -1);
	cr_assert_eq(R(RAX), 42);
	cr_assert_eq(tm->vm.icount, 3);
}

/* More blocks than the pool holds: it is emptied between blocks. */
Test(x86_block, pool_refills)
{
	const unsigned int n = X86_BLOCK_POOL + 100;
	uint8_t *code = malloc(2 * n + 1);

	cr_assert(code);
	for (unsigned int i = 0; i < n; i++) {
		code[2 * i] = 0xeb;	/* jmp to the next instruction */
		code[2 * i + 1] = 0x00;
	}
	code[2 * n] = 0xf4;
	tm = x86_tm_new(TM_LONG64);
	x86_tm_code(tm, code, 2 * n + 1);
	free(code);
	cr_assert_eq(x86_tm_run(tm, 1ull << 20), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), -1);
	cr_assert_eq(tm->vm.icount, n + 1);
	cr_assert_geq(tm->cpu->blk.flushes, 1);
}
