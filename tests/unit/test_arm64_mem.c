// SPDX-License-Identifier: MIT
/*
 * arm64 loads and stores in every addressing mode, pairs, exclusives,
 * acquire/release, alignment, and accesses to unassigned addresses.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>

#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

#define DATA 0x40100000ull

static struct a64tm t;

static void setup(void)
{
	tm_init(&t, 0);
	for (int i = 0; i < 32; i++)
		tm_wr64(&t, DATA + 8 * i, 0x8070605040302010ull + i);
}
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_mem, .init = setup, .fini = teardown);

static const uint32_t modes[] = {
	0xf9400420,	/* ldr x0, [x1, #8] */
	0xf8410c22,	/* ldr x2, [x1, #16]! */
	0xf8408423,	/* ldr x3, [x1], #8 */
	0xb85ff024,	/* ldur w4, [x1, #-1] */
	0xf8667825,	/* ldr x5, [x1, x6, lsl #3] */
	0xb8685827,	/* ldr w7, [x1, w8, uxtw #2] */
	0x38aac829,	/* ldrsb x9, [x1, w10, sxtw] */
	0x79c00c2b,	/* ldrsh w11, [x1, #6] */
	0xb980042c,	/* ldrsw x12, [x1, #4] */
	0x39401c2d,	/* ldrb w13, [x1, #7] */
	0x580000ee,	/* ldr x14, 0x44 */
	0x980000cf,	/* ldrsw x15, 0x44 */
	0x39000030,	/* strb w16, [x1] */
	0x78002c30,	/* strh w16, [x1, #2]! */
	0xf81fd030,	/* stur x16, [x1, #-3] */
	0xb81fe430,	/* str w16, [x1], #-2 */
	0xd503207f,	/* wfi */
	0x87654321,	/* .word 0x87654321 */
	0x12345678,	/* .word 0x12345678 */
};

Test(arm64_mem, every_addressing_mode)
{
	TM_LOAD(&t, TM_CODE, modes);
	t.cpu->x[1] = DATA;
	t.cpu->x[6] = 1;
	t.cpu->x[8] = 0xffffffff00000003ull;	/* uxtw: 3 */
	t.cpu->x[10] = 0x00000000ffffffffull;	/* sxtw: -1 */
	t.cpu->x[16] = 0xa1a2a3a4a5a6a7a8ull;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[0], 0x8070605040302011ull);
	EQ(t.cpu->x[2], 0x8070605040302012ull, "pre-index");
	EQ(t.cpu->x[3], 0x8070605040302012ull, "post-index loads at the base");
	EQ(t.cpu->x[4], 0x30201380, "unscaled, negative, unaligned");
	EQ(t.cpu->x[5], 0x8070605040302014ull);
	EQ(t.cpu->x[7], 0x80706050, "word 3 above the base");
	EQ(t.cpu->x[9], 0xffffffffffffff80ull, "byte at base - 1, sign-extended");
	EQ(t.cpu->x[11], 0xffff8070u, "ldrsh to w: upper half zero");
	EQ(t.cpu->x[12], 0xffffffff80706050ull);
	EQ(t.cpu->x[13], 0x80);
	EQ(t.cpu->x[14], 0x1234567887654321ull, "literal");
	EQ(t.cpu->x[15], 0xffffffff87654321ull);
	EQ(t.cpu->x[1], DATA + 24 + 2 - 2);
	EQ(tm_rd64(&t, DATA + 24), 0x80a1a5a6a7a8a6a7ull, "strb, strh, str w");
	EQ(tm_rd64(&t, DATA + 16) >> 40, 0xa87060, "stur x at base - 3");
}

static const uint32_t pairs[] = {
	0xa9bf0c22,	/* stp x2, x3, [x1, #-16]! */
	0xa8c11424,	/* ldp x4, x5, [x1], #16 */
	0x29411c26,	/* ldp w6, w7, [x1, #8] */
	0x69402428,	/* ldpsw x8, x9, [x1] */
	0x29040c22,	/* stp w2, w3, [x1, #32] */
	0xa8422c2a,	/* ldnp x10, x11, [x1, #32] */
	0xa9037c3f,	/* stp xzr, xzr, [x1, #48] */
	0xd503207f,	/* wfi */
};

Test(arm64_mem, pairs)
{
	TM_LOAD(&t, TM_CODE, pairs);
	t.cpu->x[1] = DATA + 16;
	t.cpu->x[2] = 0x1111111122222222ull;
	t.cpu->x[3] = 0x80000000f0000000ull;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[4], 0x1111111122222222ull);
	EQ(t.cpu->x[5], 0x80000000f0000000ull);
	EQ(t.cpu->x[1], DATA + 16);
	EQ(t.cpu->x[6], 0x40302013);
	EQ(t.cpu->x[7], 0x80706050);
	EQ(t.cpu->x[8], 0x40302012);
	EQ(t.cpu->x[9], 0xffffffff80706050ull);
	EQ(t.cpu->x[10], 0xf000000022222222ull);
	EQ(tm_rd64(&t, DATA + 64), 0);
	EQ(tm_rd64(&t, DATA + 72), 0);
}

static const uint32_t excl[] = {
	0xc85f7c22,	/* ldxr x2, [x1] */
	0x91000442,	/* add x2, x2, #1 */
	0xc8037c22,	/* stxr w3, x2, [x1] */
	0xc8047c22,	/* stxr w4, x2, [x1] */
	0xc87f9825,	/* ldaxp x5, x6, [x1] */
	0xc8279426,	/* stlxp w7, x6, x5, [x1] */
	0x885f7c28,	/* ldxr w8, [x1] */
	0xd5033f5f,	/* clrex */
	0x88097c28,	/* stxr w9, w8, [x1] */
	0xc8dffc2a,	/* ldar x10, [x1] */
	0xc89ffc2a,	/* stlr x10, [x1] */
	0x08dffc2b,	/* ldarb w11, [x1] */
	0x489ffc2b,	/* stlrh w11, [x1] */
	0xd503207f,	/* wfi */
};

Test(arm64_mem, exclusives_and_acquire_release)
{
	TM_LOAD(&t, TM_CODE, excl);
	t.cpu->x[1] = DATA;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[3], 0, "first stxr succeeds");
	EQ(t.cpu->x[4], 1, "the monitor was cleared");
	EQ(t.cpu->x[5], 0x8070605040302011ull);
	EQ(t.cpu->x[7], 0);
	EQ(tm_rd64(&t, DATA + 8), 0x8070605040302011ull, "pair swapped");
	EQ(t.cpu->x[9], 1, "clrex");
	EQ(t.cpu->x[10], 0x8070605040302011ull);
	EQ(t.cpu->x[11], 0x11);
	EQ(tm_rd64(&t, DATA) & 0xffff, 0x0011);
}

static const uint32_t vectors[] = {
	0x14000000,	/* b 0x0 */
};

/* Take the instruction's exception into a "b ." at VBAR + @off. */
static void expect_exception(const uint32_t *code, size_t n, uint64_t off,
			     uint32_t esr, uint64_t far)
{
	uint64_t vbar = 0x40200000;

	tm_code(&t, TM_CODE, code, n);
	for (int i = 0; i < 16; i++)
		tm_code(&t, vbar + 0x80 * i, vectors, 1);
	t.cpu->vbar = vbar;
	tm_run(&t, 50);
	EQ(t.cpu->pc, vbar + off);
	EQ(t.cpu->esr, esr);
	EQ(t.cpu->far, far);
	EQ(t.cpu->elr, TM_CODE);
}

static const uint32_t ldxr_unaligned[] = {
	0xc85f7c22,	/* ldxr x2, [x1] */
};

static const uint32_t ldr_unassigned[] = {
	0xb9400022,	/* ldr w2, [x1] */
};

static const uint32_t str_unaligned[] = {
	0xf9000022,	/* str x2, [x1] */
};

Test(arm64_mem, alignment_and_external_aborts)
{
	t.cpu->x[1] = DATA + 4;
	expect_exception(ldxr_unaligned, 1, 0x200, 0x96000021, DATA + 4);

	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	t.cpu->x[1] = 0x08000000;	/* nothing there on virt */
	expect_exception(ldr_unassigned, 1, 0x200, 0x96000010, 0x08000000);

	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	tm_msr(&t, SR_SCTLR, SCTLR_A);
	t.cpu->x[1] = DATA + 1;
	expect_exception(str_unaligned, 1, 0x200, 0x96000061, DATA + 1);
}

static const uint32_t cross_page[] = {
	0xf9000022,	/* str x2, [x1] */
	0xf9400023,	/* ldr x3, [x1] */
	0xd503207f,	/* wfi */
};

Test(arm64_mem, unaligned_access_across_pages)
{
	TM_LOAD(&t, TM_CODE, cross_page);
	t.cpu->x[1] = DATA + 0xffd;
	t.cpu->x[2] = 0x0102030405060708ull;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[3], 0x0102030405060708ull);
	EQ(*(uint8_t *)tm_ram(&t, DATA + 0x1000), 0x05);
}
