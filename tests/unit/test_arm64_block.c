// SPDX-License-Identifier: MIT
/*
 * The block engine (hv/arm64/block.c, cpu.c) and the specialized
 * handlers (decode.c): what running decoded blocks must not change.
 *   - a specialized handler computes what its family handler computes,
 *     on random data-processing words and random registers and flags;
 *   - a store into code that a cached block holds takes effect;
 *   - a budget ends the run at exactly that many instructions, at the
 *     same pc as single steps;
 *   - a fault in the middle of a block leaves pc, ELR and icount exact.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

#define VBAR 0x40010000ull

static struct a64tm t;

static void setup(void) { tm_init(&t, 0); }
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_block, .init = setup, .fini = teardown);

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Register values that reach the edges of the flag computations. */
static uint64_t interesting(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
	};
	uint64_t r = rng();

	return (r & 3) ? rng() : edge[(r >> 2) % ARRAY_SIZE(edge)];
}

Test(arm64_block, specialized_handlers_match_their_family)
{
	/* op0 (bits 28:25): 100x data processing (immediate), x101 (register) */
	static const uint32_t families[] = { 0x8, 0x9, 0x5, 0xd };
	struct arm64_cpu *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	unsigned int compared = 0;

	cr_assert(a && b);
	for (unsigned int i = 0; i < 400000; i++) {
		uint32_t w = ((uint32_t)rng() & ~(0xfu << 25)) |
			     families[i % ARRAY_SIZE(families)] << 25;
		struct arm64_dinsn gen, spec;

		arm64_decode_generic(w, &gen);
		arm64_decode(w, &spec);
		if (spec.fn == gen.fn)
			continue;
		for (unsigned int r = 0; r < REG_COUNT; r++)
			a->x[r] = interesting();
		a->x[REG_ZR] = 0;
		a->nzcv = (uint32_t)(rng() & PSTATE_NZCV);
		memcpy(b->x, a->x, sizeof(a->x));
		b->nzcv = a->nzcv;
		gen.fn(a, &gen);
		spec.fn(b, &spec);
		for (unsigned int r = 0; r < REG_COUNT; r++)
			cr_assert_eq(a->x[r], b->x[r],
				     "word %#x: x%u = %#llx, family handler %#llx",
				     w, r, (unsigned long long)b->x[r],
				     (unsigned long long)a->x[r]);
		cr_assert_eq(a->nzcv, b->nzcv, "word %#x: nzcv %#x, want %#x",
			     w, b->nzcv, a->nzcv);
		compared++;
	}
	cr_assert_gt(compared, 50000, "only %u words compared", compared);
	free(a);
	free(b);
}

static const uint32_t patch[] = {
	0xb9000061,	/* str w1, [x3] */
	0xd2800005,	/* mov x5, #0: a block starts here (and not at a nop,
			   which ends blocks) */
	0xd2800020,	/* mov x0, #1 (patched) */
	0xd503207f,	/* wfi */
};

Test(arm64_block, a_store_into_a_cached_block_takes_effect)
{
	TM_LOAD(&t, TM_CODE, patch);
	for (int round = 0; round < 3; round++) {
		arm64_cpu_reset(t.cpu, TM_CODE, 0);
		t.cpu->x[1] = round ? 0xd2800000u + 0x20u * (round + 1)	/* mov x0, #round+1 */
				    : patch[2];
		t.cpu->x[3] = TM_CODE + 8;
		t.vm.icount = 0;
		cr_assert_eq(tm_run(&t, 1000), VCPU_EXIT_HALT, "%s", t.exit.msg);
		cr_assert_eq(t.cpu->x[0], (uint64_t)round + 1, "round %d: x0 = %llu",
			     round, (unsigned long long)t.cpu->x[0]);
		cr_assert_eq(t.vm.icount, 4, "round %d: icount %llu", round,
			     (unsigned long long)t.vm.icount);
	}
}

static const uint32_t spin[] = {
	0xd2800140,	/* mov x0, #10 */
	0x91000421,	/* add x1, x1, #1 */
	0xca010042,	/* eor x2, x2, x1 */
	0xf1000400,	/* subs x0, x0, #1 */
	0x54ffffa1,	/* b.ne 0x4 */
	0xd503207f,	/* wfi */
};

Test(arm64_block, a_budget_ends_at_the_same_pc_as_single_steps)
{
	uint64_t pc[42];	/* 1 + 10 * 4 + 1 instructions to the wfi */

	TM_LOAD(&t, TM_CODE, spin);
	arm64_cpu_reset(t.cpu, TM_CODE, 0);
	for (unsigned int k = 0; k < ARRAY_SIZE(pc); k++) {
		tm_run(&t, 1);
		pc[k] = t.cpu->pc;
	}
	for (unsigned int k = 1; k <= ARRAY_SIZE(pc); k++) {
		arm64_cpu_reset(t.cpu, TM_CODE, 0);
		t.vm.icount = 0;
		tm_run(&t, k);
		EQ(t.vm.icount, k);
		cr_assert_eq(t.cpu->pc, pc[k - 1], "budget %u: pc %#llx, steps %#llx",
			     k, (unsigned long long)t.cpu->pc,
			     (unsigned long long)pc[k - 1]);
	}
}

static const uint32_t fault[] = {
	0xd28000a0,	/* mov x0, #5 */
	0xf9400041,	/* ldr x1, [x2] (x2: no RAM, no device) */
	0xd28000c0,	/* mov x0, #6 */
	0xd503207f,	/* wfi */
};

static const uint32_t vector[] = {
	0xd503207f,	/* wfi */
};

Test(arm64_block, a_fault_inside_a_block_is_exact)
{
	TM_LOAD(&t, TM_CODE, fault);
	TM_LOAD(&t, VBAR + 0x200, vector);
	for (int round = 0; round < 2; round++) {	/* cold, then cached */
		arm64_cpu_reset(t.cpu, TM_CODE, 0);
		t.cpu->vbar = VBAR;
		t.cpu->x[2] = 0x1000;
		t.vm.icount = 0;
		cr_assert_eq(tm_run(&t, 1000), VCPU_EXIT_HALT, "%s", t.exit.msg);
		EQ(t.vm.icount, 3, "mov, the faulting ldr, the vector's wfi");
		EQ(t.cpu->x[0], 5);
		EQ(t.cpu->elr, TM_CODE + 4);
		EQ(t.cpu->far, 0x1000);
		EQ(t.cpu->pc, VBAR + 0x204);
	}
}
