// SPDX-License-Identifier: MIT
/*
 * arm64 instruction semantics at edge values: flags of ADDS/SUBS/ADCS,
 * bitfields and extracts, shifts, multiply and divide, bit operations,
 * conditional select and compare, wide moves, ADR/ADRP.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>

#include "arm64_test_machine.h"

#define N PSTATE_N
#define Z PSTATE_Z
#define C PSTATE_C
#define V PSTATE_V

static struct a64tm t;

/* Equality with both values printed in hex. */
#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

static void setup(void) { tm_init(&t, 0); }
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_alu, .init = setup, .fini = teardown);

/* Run @code (ending in WFI) with x1, x2 set; return nzcv. */
static uint32_t run2(const uint32_t *code, size_t n, uint64_t x1, uint64_t x2)
{
	tm_code(&t, TM_CODE, code, n);
	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	t.cpu->x[1] = x1;
	t.cpu->x[2] = x2;
	cr_assert_eq(tm_run(&t, 1000), VCPU_EXIT_HALT, "%s", t.exit.msg);
	return t.cpu->nzcv;
}
#define RUN2(code, a, b) run2((code), ARRAY_SIZE(code), (a), (b))

static const uint32_t adds64[] = {
	0xab020020,	/* adds x0, x1, x2 */
	0xd503207f,	/* wfi */
};

static const uint32_t subs64[] = {
	0xeb020020,	/* subs x0, x1, x2 */
	0xd503207f,	/* wfi */
};

static const uint32_t adds32[] = {
	0x2b020020,	/* adds w0, w1, w2 */
	0xd503207f,	/* wfi */
};

static const uint32_t subs32[] = {
	0x6b020020,	/* subs w0, w1, w2 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, adds_subs_flags_at_edges)
{
	EQ(RUN2(adds64, 0x7fffffffffffffffull, 1), N | V);
	EQ(t.cpu->x[0], 0x8000000000000000ull);
	EQ(RUN2(adds64, ~0ull, 1), Z | C);
	EQ(t.cpu->x[0], 0);
	EQ(RUN2(adds64, 0x8000000000000000ull, 0x8000000000000000ull), Z | C | V);
	EQ(RUN2(subs64, 0, 1), N, "0 - 1 borrows: C clear");
	EQ(t.cpu->x[0], ~0ull);
	EQ(RUN2(subs64, 5, 5), Z | C, "equal: Z and no borrow");
	EQ(RUN2(subs64, 0x8000000000000000ull, 1), C | V);
	EQ(RUN2(adds32, 0x7fffffff, 1), N | V);
	EQ(t.cpu->x[0], 0x80000000u, "32-bit result zero-extended");
	EQ(RUN2(adds32, 0xffffffffdeadbeefull, 0x21524111), Z | C,
		     "upper halves ignored");
	EQ(t.cpu->x[0], 0);
	EQ(RUN2(subs32, 0x80000000u, 1), C | V);
	EQ(t.cpu->x[0], 0x7fffffff);
}

static const uint32_t adcs_sbcs[] = {
	0xd51b4203,	/* msr NZCV, x3 */
	0xba020020,	/* adcs x0, x1, x2 */
	0xd53b4204,	/* mrs x4, NZCV */
	0xd51b4203,	/* msr NZCV, x3 */
	0xfa020025,	/* sbcs x5, x1, x2 */
	0xd53b4206,	/* mrs x6, NZCV */
	0xd51b4203,	/* msr NZCV, x3 */
	0x1a020027,	/* adc w7, w1, w2 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, adc_sbc_use_the_carry)
{
	TM_LOAD(&t, TM_CODE, adcs_sbcs);
	t.cpu->x[1] = ~0ull; t.cpu->x[2] = 0; t.cpu->x[3] = C;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 0, "~0 + 0 + 1");
	EQ(t.cpu->x[4], Z | C);
	EQ(t.cpu->x[5], ~0ull, "~0 - 0 - 0");
	EQ(t.cpu->x[6], N | C);
	EQ(t.cpu->x[7], 0, "32-bit adc wraps");

	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	t.cpu->x[1] = 5; t.cpu->x[2] = 5; t.cpu->x[3] = 0;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 10);
	EQ(t.cpu->x[5], ~0ull, "5 - 5 - 1 (carry clear)");
	EQ(t.cpu->x[6], N);
}

static const uint32_t bitfields[] = {
	0xd3442c20,	/* ubfx x0, x1, #4, #8 */
	0x93442c23,	/* sbfx x3, x1, #4, #8 */
	0xb3783c24,	/* bfi x4, x1, #8, #16 */
	0xb37cfc25,	/* bfxil x5, x1, #60, #4 */
	0xd3410026,	/* lsl x6, x1, #63 */
	0x131f7c27,	/* asr w7, w1, #31 */
	0x93401c28,	/* sxtb x8, w1 */
	0x53003c29,	/* uxth w9, w1 */
	0x93c2202a,	/* extr x10, x1, x2, #8 */
	0x1381102b,	/* ror w11, w1, #4 */
	0x9342042c,	/* sbfiz x12, x1, #62, #2 */
	0x13827c2d,	/* extr w13, w1, w2, #31 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, bitfield_and_extract)
{
	TM_LOAD(&t, TM_CODE, bitfields);
	t.cpu->x[1] = 0x80000000000008f5ull;
	t.cpu->x[2] = 0x1122334455667788ull;
	t.cpu->x[4] = 0xaaaaaaaaaaaaaaaaull;
	t.cpu->x[5] = 0xbbbbbbbbbbbbbbbbull;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 0x8f);
	EQ(t.cpu->x[3], 0xffffffffffffff8full, "sbfx sign-extends bit 11");
	EQ(t.cpu->x[4], 0xaaaaaaaaaa08f5aaull, "bits 23:8");
	EQ(t.cpu->x[5], 0xbbbbbbbbbbbbbbb8ull);
	EQ(t.cpu->x[6], 0x8000000000000000ull);
	EQ(t.cpu->x[7], 0, "w1 = 0x8f5: positive");
	EQ(t.cpu->x[8], 0xfffffffffffffff5ull);
	EQ(t.cpu->x[9], 0x08f5);
	EQ(t.cpu->x[10], 0xf511223344556677ull);
	EQ(t.cpu->x[11], 0x5000008full);
	EQ(t.cpu->x[12], 0x4000000000000000ull);
	EQ(t.cpu->x[13], 0x11ea, "extr w: (w1:w2) >> 31");
}

static const uint32_t shifts[] = {
	0x9ac22020,	/* lsl x0, x1, x2 */
	0x9ac22423,	/* lsr x3, x1, x2 */
	0x9ac22824,	/* asr x4, x1, x2 */
	0x9ac22c25,	/* ror x5, x1, x2 */
	0x1ac22026,	/* lsl w6, w1, w2 */
	0x1ac22827,	/* asr w7, w1, w2 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, register_shifts_take_the_amount_modulo_size)
{
	TM_LOAD(&t, TM_CODE, shifts);
	t.cpu->x[1] = 0x8000000000000001ull;
	t.cpu->x[2] = 65;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 2);
	EQ(t.cpu->x[3], 0x4000000000000000ull);
	EQ(t.cpu->x[4], 0xc000000000000000ull);
	EQ(t.cpu->x[5], 0xc000000000000000ull);
	EQ(t.cpu->x[6], 2, "65 mod 32 = 1");
	EQ(t.cpu->x[7], 0, "w1 = 1");
}

static const uint32_t muldiv[] = {
	0x9b020c20,	/* madd x0, x1, x2, x3 */
	0x9b028c24,	/* msub x4, x1, x2, x3 */
	0x9b220c25,	/* smaddl x5, w1, w2, x3 */
	0x9ba20c26,	/* umaddl x6, w1, w2, x3 */
	0x9b427c27,	/* smulh x7, x1, x2 */
	0x9bc27c28,	/* umulh x8, x1, x2 */
	0x9ac20c29,	/* sdiv x9, x1, x2 */
	0x9ac2082a,	/* udiv x10, x1, x2 */
	0x9adf0c2b,	/* sdiv x11, x1, xzr */
	0x1adf082c,	/* udiv w12, w1, wzr */
	0x1b027c2d,	/* mul w13, w1, w2 */
	0x9b228c2e,	/* smsubl x14, w1, w2, x3 */
	0x9ba28c2f,	/* umsubl x15, w1, w2, x3 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, multiply_and_divide)
{
	TM_LOAD(&t, TM_CODE, muldiv);
	t.cpu->x[1] = 0xfffffffffffffffeull;	/* -2 */
	t.cpu->x[2] = 0x0000000300000003ull;
	t.cpu->x[3] = 100;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 100 - 2 * 0x0000000300000003ull);
	EQ(t.cpu->x[4], 100 + 2 * 0x0000000300000003ull);
	EQ(t.cpu->x[5], 100 - 6, "(-2) * 3 + 100");
	EQ(t.cpu->x[6], 100 + 0xfffffffeull * 3);
	EQ(t.cpu->x[7], ~0ull, "high half of -2 * positive");
	EQ(t.cpu->x[8], 0x0000000300000002ull);
	EQ(t.cpu->x[9], 0, "-2 / big = 0 (toward zero)");
	EQ(t.cpu->x[10], 0x0000000300000003ull ? 0xfffffffffffffffeull / 0x0000000300000003ull : 0);
	EQ(t.cpu->x[11], 0, "divide by zero is 0");
	EQ(t.cpu->x[12], 0);
	EQ(t.cpu->x[13], (uint32_t)(0xfffffffeu * 3u));
	EQ(t.cpu->x[14], 106);
	EQ(t.cpu->x[15], 100 - 0xfffffffeull * 3);

	/* INT64_MIN / -1 = INT64_MIN, no trap */
	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	t.cpu->x[1] = 0x8000000000000000ull;
	t.cpu->x[2] = ~0ull;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[9], 0x8000000000000000ull);
}

static const uint32_t bitops[] = {
	0xdac01020,	/* clz x0, x1 */
	0xdac01423,	/* cls x3, x1 */
	0xdac00024,	/* rbit x4, x1 */
	0xdac00c25,	/* rev x5, x1 */
	0xdac00426,	/* rev16 x6, x1 */
	0xdac00827,	/* rev32 x7, x1 */
	0x5ac013e8,	/* clz w8, wzr */
	0x5ac01449,	/* cls w9, w2 */
	0x5ac0082a,	/* rev w10, w1 */
	0x5ac0002b,	/* rbit w11, w1 */
	0xdac013ec,	/* clz x12, xzr */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, count_and_reverse)
{
	TM_LOAD(&t, TM_CODE, bitops);
	t.cpu->x[1] = 0x00f0000000000102ull;
	t.cpu->x[2] = 0xffffffffu;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 8);
	EQ(t.cpu->x[3], 7);
	EQ(t.cpu->x[4], 0x4080000000000f00ull);
	EQ(t.cpu->x[5], 0x020100000000f000ull);
	EQ(t.cpu->x[6], 0xf000000000000201ull);
	EQ(t.cpu->x[7], 0x0000f00002010000ull);
	EQ(t.cpu->x[8], 32);
	EQ(t.cpu->x[9], 31, "all ones: 31 copies of the sign");
	EQ(t.cpu->x[10], 0x02010000);
	EQ(t.cpu->x[11], 0x40800000);
	EQ(t.cpu->x[12], 64);
}

static const uint32_t condsel[] = {
	0xeb02003f,	/* cmp x1, x2 */
	0x9a82b020,	/* csel x0, x1, x2, lt */
	0x9a820423,	/* csinc x3, x1, x2, eq */
	0xda820024,	/* csinv x4, x1, x2, eq */
	0xda820425,	/* csneg x5, x1, x2, eq */
	0x1a9f97e6,	/* cset w6, hi */
	0xfa45a824,	/* ccmp x1, #5, #4, ge */
	0xd53b4207,	/* mrs x7, NZCV */
	0xfa42b022,	/* ccmp x1, x2, #2, lt */
	0xd53b4208,	/* mrs x8, NZCV */
	0xba431840,	/* ccmn x2, #3, #0, ne */
	0xd53b4209,	/* mrs x9, NZCV */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, conditional_select_and_compare)
{
	TM_LOAD(&t, TM_CODE, condsel);
	t.cpu->x[1] = (uint64_t)-3;
	t.cpu->x[2] = 7;
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], (uint64_t)-3, "-3 < 7 signed");
	EQ(t.cpu->x[3], 8);
	EQ(t.cpu->x[4], ~7ull);
	EQ(t.cpu->x[5], (uint64_t)-7);
	EQ(t.cpu->x[6], 1, "-3 > 7 unsigned");
	EQ(t.cpu->x[7], Z, "ge false: nzcv from the immediate");
	EQ(t.cpu->x[8], C, "Z set => lt false: nzcv = 0b0010");
	EQ(t.cpu->x[9], 0, "7 + 3");
}

static const uint32_t moves[] = {
	0xd2c24680,	/* mov x0, #20014547599360 */
	0xf297dde0,	/* movk x0, #48879 */
	0x92800001,	/* mov x1, #-1 */
	0x12800002,	/* mov w2, #-1 */
	0xb2089fe3,	/* mov x3, #-71777214294589696 */
	0x320003e4,	/* orr w4, wzr, #0x1 */
	0x9240f825,	/* and x5, x1, #0x7fffffffffffffff */
	0xd2400466,	/* eor x6, x3, #0x3 */
	0x8a230027,	/* bic x7, x1, x3 */
	0xaa2323e8,	/* mvn x8, x3, lsl #8 */
	0x4ae32069,	/* eon w9, w3, w3, ror #8 */
	0xf241002a,	/* ands x10, x1, #0x8000000000000000 */
	0xd53b420b,	/* mrs x11, NZCV */
	0x1000000c,	/* adr x12, #0 */
	0x9000000d,	/* adrp x13, 0x0 */
	0x9100001f,	/* mov sp, x0 */
	0x910007ee,	/* add x14, sp, #1 */
	0xd503207f,	/* wfi */
};

Test(arm64_alu, moves_logic_and_pc_relative)
{
	TM_LOAD(&t, TM_CODE, moves);
	EQ(tm_run(&t, 100), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 0x000012340000beefull);
	EQ(t.cpu->x[1], ~0ull);
	EQ(t.cpu->x[2], 0xffffffffull);
	EQ(t.cpu->x[3], 0xff00ff00ff00ff00ull);
	EQ(t.cpu->x[4], 1);
	EQ(t.cpu->x[5], 0x7fffffffffffffffull);
	EQ(t.cpu->x[6], 0xff00ff00ff00ff03ull);
	EQ(t.cpu->x[7], 0x00ff00ff00ff00ffull);
	EQ(t.cpu->x[8], 0xff00ff00ff00ffffull);
	EQ(t.cpu->x[9], 0);
	EQ(t.cpu->x[10], 0x8000000000000000ull);
	EQ(t.cpu->x[11], N);
	EQ(t.cpu->x[12], TM_CODE + 13 * 4);
	EQ(t.cpu->x[13], (TM_CODE + 14 * 4) & ~0xfffull);
	EQ(t.cpu->x[14], 0x000012340000bef0ull, "register 31 is SP here");
}

Test(arm64_alu, logical_immediates_decode_as_the_arm_arm_says)
{
	uint64_t w, tm;

	cr_assert(arm64_decode_bitmask(1, 0x3c, 0, true, &w, &tm));
	EQ(w, 0x1fffffffffffffffull);
	cr_assert(arm64_decode_bitmask(0, 0x27, 0x04, true, &w, &tm));
	EQ(w, 0xf00ff00ff00ff00full, "16-bit element 0x00ff ror 4");
	cr_assert(arm64_decode_bitmask(0, 0x07, 0x04, true, &w, &tm));
	EQ(w, 0xf000000ff000000full, "32-bit element 0xff ror 4");
	EQ(arm64_decode_bitmask(1, 0x3f, 0, true, &w, &tm), false,
		     "all ones is reserved");
	EQ(arm64_decode_bitmask(0, 0x3f, 0, false, &w, &tm), false);
}

static const uint32_t loop[] = {
	0xd2800000,	/* mov x0, #0 */
	0xd2800141,	/* mov x1, #10 */
	0x8b010000,	/* add x0, x0, x1 */
	0xf1000421,	/* subs x1, x1, #1 */
	0x54ffffc1,	/* b.ne 0x8 */
	0xb4000041,	/* cbz x1, 0x1c */
	0xd2807ce0,	/* mov x0, #999 */
	0x37000060,	/* tbnz w0, #0, 0x28 */
	0x36080040,	/* tbz w0, #1, 0x28 */
	0xd2800022,	/* mov x2, #1 */
	0x94000002,	/* bl 0x30 */
	0xd503207f,	/* wfi */
	0xaa1e03e3,	/* mov x3, x30 */
	0xd65f03c0,	/* ret */
};

Test(arm64_alu, branches_loops_and_calls)
{
	TM_LOAD(&t, TM_CODE, loop);
	EQ(tm_run(&t, 1000), VCPU_EXIT_HALT);
	EQ(t.cpu->x[0], 55);
	EQ(t.cpu->x[2], 0, "55 = 0b110111: tbnz on bit 0 is taken");
	EQ(t.cpu->x[3], TM_CODE + 11 * 4, "lr = after the bl");
}
