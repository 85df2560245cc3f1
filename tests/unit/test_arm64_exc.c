// SPDX-License-Identifier: MIT
/*
 * arm64 exceptions: SVC from EL0 and ERET back, vector offsets, the
 * syndrome registers, UNDEFINED and --strict, PSCI over HVC, WFI,
 * system registers, garbage instruction words, and speed.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

#define VBAR 0x40010000ull
#define USER 0x40020000ull

static struct a64tm t;

static void setup(void) { tm_init(&t, 0); }
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_exc, .init = setup, .fini = teardown);

static const uint32_t kernel[] = {
	0x100000e0,	/* adr x0, #28 */
	0xd5184020,	/* msr ELR_EL1, x0 */
	0xd2a40000,	/* mov x0, #536870912 */
	0xd5184000,	/* msr SPSR_EL1, x0 */
	0xd2820001,	/* mov x1, #4096 */
	0xd5184101,	/* msr SP_EL0, x1 */
	0xd69f03e0,	/* eret */
	0xd28000e2,	/* mov x2, #7 */
	0xd4000841,	/* svc #0x42 */
	0xd2800123,	/* mov x3, #9 */
	0xd4200020,	/* brk #0x1 */
};

/* Vector entries: each saves ESR/ELR/SPSR once and returns or stops. */
static const uint32_t sync_lower[] = {
	0xd538520a,	/* mrs x10, ESR_EL1 */
	0xd538402b,	/* mrs x11, ELR_EL1 */
	0xd538400c,	/* mrs x12, SPSR_EL1 */
	0xd538424d,	/* mrs x13, CurrentEL */
	0x910003ee,	/* mov x14, sp */
	0xb5000090,	/* cbnz x16, 0x24 */
	0xaa0a03f0,	/* mov x16, x10 */
	0xaa0b03f1,	/* mov x17, x11 */
	0xaa0c03f2,	/* mov x18, x12 */
	0xd69f03e0,	/* eret */
};

static const uint32_t sync_cur[] = {
	0xd5385214,	/* mrs x20, ESR_EL1 */
	0xd5384035,	/* mrs x21, ELR_EL1 */
	0xd5384016,	/* mrs x22, SPSR_EL1 */
	0xd503207f,	/* wfi */
};

Test(arm64_exc, svc_from_el0_and_eret_back)
{
	TM_LOAD(&t, TM_CODE, kernel);
	TM_LOAD(&t, VBAR + 0x400, sync_lower);
	TM_LOAD(&t, VBAR + 0x200, sync_cur);	/* not expected */
	TM_LOAD(&t, VBAR + 0x000, sync_cur);
	tm_msr(&t, SR_VBAR, VBAR);
	t.cpu->x[REG_SP] = 0x40080000;		/* SP_EL1 */
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_BUDGET);
	EQ(t.cpu->x[2], 7);
	EQ(t.cpu->x[16], 0x56000042, "EC 0x15, IL, imm16");
	EQ(t.cpu->x[17], TM_CODE + 9 * 4, "ELR: after the SVC");
	EQ(t.cpu->x[18], 0x20000000, "SPSR: C from EL0, EL0t");
	EQ(t.cpu->x[13], 4, "handler at EL1");
	EQ(t.cpu->x[14], 0x40080000, "handler on SP_EL1");
	EQ(t.cpu->x[3], 9, "EL0 resumed after ERET");
	/* then brk #1 at EL0 ends at the lower-EL vector again */
	EQ(t.cpu->x[10], 0xf2000001, "BRK: EC 0x3C");
	EQ(t.cpu->x[11], TM_CODE + 10 * 4, "ELR: the BRK itself");
	EQ(t.cpu->el, 0);
	EQ(t.cpu->x[REG_SP], 0x1000, "EL0 runs on SP_EL0");
}

static const uint32_t udf[] = {
	0x00000000,	/* udf #0 */
};

static const uint32_t sp0[] = {
	0xd50040bf,	/* msr SPSel, #0 */
	0x00000001,	/* udf #1 */
};

Test(arm64_exc, undefined_at_el1_vector_offsets)
{
	TM_LOAD(&t, TM_CODE, udf);
	TM_LOAD(&t, VBAR + 0x200, sync_cur);
	tm_msr(&t, SR_VBAR, VBAR);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[20], 0x02000000, "EC 0, IL");
	EQ(t.cpu->x[21], TM_CODE);
	EQ(t.cpu->x[22], 0x3c5, "EL1h, DAIF masked");

	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	TM_LOAD(&t, TM_CODE, sp0);
	TM_LOAD(&t, VBAR + 0x000, sync_cur);
	tm_msr(&t, SR_VBAR, VBAR);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[21], TM_CODE + 4, "current EL with SP_EL0: + 0x000");
	EQ(t.cpu->x[22], 0x3c4, "EL1t");
}

Test(arm64_exc, strict_stops_on_the_unimplemented_word)
{
	static const uint32_t fp[] = { 0x1e201000 };	/* fmov s0, #2.0 */

	t.vm.cfg.strict = true;
	TM_LOAD(&t, TM_CODE, fp);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_STRICT);
	cr_assert(strstr(t.exit.msg, "1e201000"), "%s", t.exit.msg);
	cr_assert(strstr(t.exit.msg, "0x40000000"), "%s", t.exit.msg);
	EQ(t.cpu->pc, TM_CODE, "not executed");
}

static const uint32_t psci[] = {
	0x52b08000,	/* mov w0, #-2080374784 */
	0xd4000002,	/* hvc #0 */
	0xaa0003f3,	/* mov x19, x0 */
	0x52b88000,	/* mov w0, #-1006632960 */
	0x72800060,	/* movk w0, #3 */
	0xd4000002,	/* hvc #0 */
	0xaa0003f4,	/* mov x20, x0 */
	0x52824680,	/* mov w0, #4660 */
	0xd4000002,	/* hvc #0 */
	0xaa0003f5,	/* mov x21, x0 */
	0x52b08000,	/* mov w0, #-2080374784 */
	0x72800100,	/* movk w0, #8 */
	0xd4000002,	/* hvc #0 */
	0xd2800036,	/* mov x22, #1 */
};

static const uint32_t reset[] = {
	0x52b08000,	/* mov w0, #-2080374784 */
	0x72800120,	/* movk w0, #9 */
	0xd4000002,	/* hvc #0 */
};

Test(arm64_exc, psci_over_hvc)
{
	TM_LOAD(&t, TM_CODE, psci);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_POWEROFF);
	EQ(t.exit.status, 0);
	EQ(t.cpu->x[19], 0x10001, "PSCI 1.1");
	EQ(t.cpu->x[20], ~0ull, "CPU_ON: NOT_SUPPORTED");
	EQ(t.cpu->x[21], ~0ull);
	EQ(t.cpu->x[22], 0, "stopped right after SYSTEM_OFF");

	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	TM_LOAD(&t, TM_CODE, reset);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_SHUTDOWN);
}

static const uint32_t sysregs[] = {
	0xd5380000,	/* mrs x0, MIDR_EL1 */
	0xd5380701,	/* mrs x1, ID_AA64MMFR0_EL1 */
	0xd5380402,	/* mrs x2, ID_AA64PFR0_EL1 */
	0xd53be043,	/* mrs x3, CNTVCT_EL0 */
	0xd53be044,	/* mrs x4, CNTVCT_EL0 */
	0xd53800a5,	/* mrs x5, MPIDR_EL1 */
	0xd5034fff,	/* msr DAIFClr, #15 */
	0xd53b4226,	/* mrs x6, DAIF */
	0xd50342df,	/* msr DAIFSet, #2 */
	0xd53b4227,	/* mrs x7, DAIF */
	0xd5380488,	/* mrs x8, S3_0_C0_C4_4 */
	0xd53be009,	/* mrs x9, CNTFRQ_EL0 */
	0xd51bd049,	/* msr TPIDR_EL0, x9 */
	0xd53bd04a,	/* mrs x10, TPIDR_EL0 */
	0xd503207f,	/* wfi */
};

Test(arm64_exc, system_registers)
{
	TM_LOAD(&t, TM_CODE, sysregs);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[1] & 0xf, 5, "PARange 48 bits");
	EQ(t.cpu->x[1] >> 20 & 0xfff, 0x001, "16K yes, 64K yes, 4K yes");
	EQ(t.cpu->x[2] >> 16 & 0xff, 0xff, "no FP, no AdvSIMD");
	EQ(t.cpu->x[4] - t.cpu->x[3], 1, "the counter counts instructions");
	EQ(t.cpu->x[5], 0x80000000);
	EQ(t.cpu->x[6], 0);
	EQ(t.cpu->x[7], 0x80, "I");
	EQ(t.cpu->x[8], 0, "unallocated ID space reads 0");
	EQ(t.cpu->x[10], 62500000);
}

/* Deterministic garbage: every run of it is the same, none crashes. */
Test(arm64_exc, garbage_words_never_crash)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint32_t *ram = tm_ram(&t, TM_CODE);
	struct arm64_dinsn in;

	for (int i = 0; i < 2000000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		arm64_decode((uint32_t)(seed >> 32), &in);
		cr_assert_not_null(in.fn);
	}
	for (int round = 0; round < 4; round++) {
		arm64_cpu_reset(t.cpu, TM_CODE, 0);
		for (int i = 0; i < (1 << 18); i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			ram[i] = (uint32_t)(seed >> 32);
		}
		t.cpu->vbar = TM_CODE + 0x800;
		t.vm.cfg.strict = round & 1;
		for (int k = 0; k < 50; k++) {
			tm_run(&t, 20000);
			if (t.exit.reason != VCPU_EXIT_BUDGET) {
				t.cpu->halted = false;
				t.cpu->pc = TM_CODE + 0x1000 * (uint64_t)k;
			}
		}
	}
}

static const uint32_t spin[] = {
	0xd2a02000,	/* mov x0, #16777216 */
	0x8b000021,	/* add x1, x1, x0 */
	0xca010042,	/* eor x2, x2, x1 */
	0xf1000400,	/* subs x0, x0, #1 */
	0x54ffffa1,	/* b.ne 0x4 */
	0xd503207f,	/* wfi */
};

Test(arm64_exc, speed_of_a_tight_loop)
{
	struct timespec a, b;
	double s;

	TM_LOAD(&t, TM_CODE, spin);
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(tm_run(&t, 1ull << 30), VCPU_EXIT_HALT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
	EQ(t.vm.icount, 4 * 0x1000000ull + 2);
	cr_log_info("tight loop: %.0f MIPS", (double)t.vm.icount / s / 1e6);
	fprintf(stderr, "arm64 tight loop: %.0f MIPS\n", (double)t.vm.icount / s / 1e6);
}
