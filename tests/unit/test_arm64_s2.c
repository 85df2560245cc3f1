// SPDX-License-Identifier: MIT
/*
 * The stage-2 hardware walk on a tiny hand-built stage-2 table: the
 * VTCR geometry, the two-dimensional walk record, and the s2_fault hook
 * (translation faults with and without S1PTW, MMIO, failure).
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

#define S2_RW	(S2_DESC_S2AP_R | S2_DESC_S2AP_W | S2_DESC_AF | \
		 S2_DESC_MEMATTR_NORMAL)
/* 39-bit IPA, 4K, start at L1 (SL0 = 1), PS 40 bits */
#define VTCR_39	(VTCR_T0SZ(25) | VTCR_SL0(1) | VTCR_TG0_4K | VTCR_PS(2))

static struct a64tm t;
static hpa_t s2_l1, s2_l2;
static int faults;
static uint32_t last_esr;
static ipa_t last_ipa;
static int hook_ret;

static void s2_map_block(unsigned int i)
{
	arena_write64(&t.vm.arena, s2_l2 + 8 * i,
		      (t.vm.ram_hpa + (uint64_t)i * 2 * MiB) | S2_RW | 1);
}

static int hook(void *opaque, ipa_t ipa, uint32_t esr, gva_t far)
{
	faults++;
	last_esr = esr;
	last_ipa = ipa;
	if (hook_ret)
		return hook_ret;
	if (ipa >= TM_RAM && ipa < TM_RAM + 16 * MiB)
		s2_map_block((unsigned int)((ipa - TM_RAM) >> 21));
	else
		return 1;	/* not RAM: MMIO */
	return 0;
}

static const struct arm64_mmu_hooks hooks = { .s2_fault = hook };

static void setup(void)
{
	tm_init(&t, 16 * MiB);
	s2_l1 = arena_alloc_table(&t.vm.arena);
	s2_l2 = arena_alloc_table(&t.vm.arena);
	arena_write64(&t.vm.arena, s2_l1 + 8 * 1, s2_l2 | 3);
	for (unsigned int i = 0; i < 8; i++)
		s2_map_block(i);
	cr_assert_eq(arm64_mmu_hw_set_stage2(&t.cpu->mmu, s2_l1, VTCR_39, 5,
					     &hooks, NULL), 0);
	arm64_tlb_flush_all(t.cpu);
	faults = 0;
	hook_ret = 0;
}
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_s2, .init = setup, .fini = teardown);

Test(arm64_s2, geometry_from_vtcr)
{
	struct arm64_s2_geom g;

	cr_assert_eq(arm64_s2_geom_from_vtcr(VTCR_39, &g), 0);
	EQ(g.start_level, 1);
	EQ(g.concat, 1);
	cr_assert_eq(arm64_s2_geom_from_vtcr(VTCR_T0SZ(24) | VTCR_SL0(1), &g), 0);
	EQ(g.concat, 2, "40 bits from L1: two tables");
	cr_assert_eq(arm64_s2_geom_from_vtcr(VTCR_T0SZ(16) | VTCR_SL0(0), &g), -EINVAL,
		     "48 bits from L2 needs 512 tables");
	cr_assert_eq(arm64_s2_geom_from_vtcr(VTCR_T0SZ(22) | VTCR_SL0(1) | VTCR_TG0_64K, &g), 0);
	EQ(g.start_level, 2);
	EQ(g.root_bits, 13);
	cr_assert_eq(arm64_s2_geom_from_vtcr(VTCR_T0SZ(27) | VTCR_SL0(1) | VTCR_TG0_16K, &g), 0);
	EQ(g.concat, 2, "37 bits 16K from L2: 2 tables");
}

#define ROOT	0x40400000ull
#define L2T	0x40401000ull
#define L3T	0x40402000ull

static void s1_tables(void)
{
	tm_wr64(&t, ROOT + 8 * 1, 0x40000000ull | BIT(10) | 1);
	tm_wr64(&t, ROOT + 8 * 4, L2T | 3);
	tm_wr64(&t, L2T, L3T | 3);
	tm_wr64(&t, L3T + 8, 0x40801000ull | BIT(10) | 3);
	tm_msr(&t, SR_TCR, 25ull | 2ull << 30 | 2ull << 32);
	tm_msr(&t, SR_TTBR0, ROOT);
	tm_msr(&t, SR_SCTLR, SCTLR_M);
}

Test(arm64_s2, two_dimensional_walk_record)
{
	struct walk_record rec;
	static const uint8_t kinds[11] = {
		WALK_S2, WALK_S2, WALK_S1, WALK_S2, WALK_S2, WALK_S1,
		WALK_S2, WALK_S2, WALK_S1, WALK_S2, WALK_S2,
	};

	s1_tables();
	cr_assert_eq(t.cpu->vcpu.ops->translate(&t.cpu->vcpu, 0x100001234ull, 0, &rec), 0);
	EQ(rec.result, WALK_OK);
	EQ(rec.nsteps, 11, "3 x (2 + 1) + 2");
	for (int i = 0; i < 11; i++)
		EQ(rec.step[i].table, kinds[i], "step %d", i);
	EQ(rec.step[0].input, ROOT + 8 * 4, "first: the S1 root entry's IPA");
	EQ(rec.step[0].table_addr, s2_l1);
	EQ(rec.step[1].leaf, true);
	EQ(rec.out, 0x40801234ull);
	EQ(rec.out_hpa, t.vm.ram_hpa + 0x801234);
}

static const uint32_t touch[] = {
	0xf9400020,	/* ldr x0, [x1] */
	0xf9000040,	/* str x0, [x2] */
	0xd503207f,	/* wfi */
};

Test(arm64_s2, faults_go_to_the_hook_and_retry)
{
	s1_tables();
	arena_write64(&t.vm.arena, s2_l2 + 8 * 4, 0);	/* IPA 0x40800000 */
	tm_wr64(&t, 0x40801000, 77);
	TM_LOAD(&t, TM_CODE, touch);
	t.cpu->x[1] = 0x100001000ull;
	t.cpu->x[2] = 0x09000000;	/* the PL011 */
	tm_wr64(&t, ROOT, 0x00000000ull | BIT(10) | 1);	/* 1G identity at 0 */
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[0], 77);
	EQ(faults, 2, "RAM block fault-in, then the UART");
	EQ(last_ipa, 0x09000000);
	EQ(last_esr, 0x92000045, "EC 0x24, WnR, translation fault L1");
	EQ(t.outlen, 1, "MMIO through the hook");
	EQ(t.cpu->mmu.s2_faults, 2);
}

Test(arm64_s2, stage1_table_fault_sets_s1ptw)
{
	struct arm64_s1_ctx ctx;
	struct arm64_xlate x;

	s1_tables();
	arena_write64(&t.vm.arena, s2_l2 + 8 * 2, 0);	/* IPA 0x40400000: tables */
	arm64_s1_ctx(t.cpu, &ctx);
	EQ(arm64_hw_translate(&t.cpu->mmu, &ctx, 0x100001000ull, 0, &x, NULL),
	   ARM64_XLATE_OK);
	EQ(faults, 1);
	EQ(last_esr, 0x92000086, "S1PTW, translation fault L2");
	EQ(last_ipa, ROOT + 8 * 4);
}

Test(arm64_s2, hook_failure_stops_the_vm)
{
	s1_tables();
	arena_write64(&t.vm.arena, s2_l2 + 8 * 4, 0);
	hook_ret = -EIO;
	TM_LOAD(&t, TM_CODE, touch);
	t.cpu->x[1] = 0x100001000ull;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_INTERNAL);
}

Test(arm64_s2, read_only_stage2_gives_a_permission_fault)
{
	struct arm64_s1_ctx ctx;
	struct arm64_xlate x;

	arena_write64(&t.vm.arena, s2_l2 + 8 * 4,
		      (t.vm.ram_hpa + 8 * MiB) | (S2_RW & ~S2_DESC_S2AP_W) | 1);
	hook_ret = -EFAULT;
	arm64_s1_ctx(t.cpu, &ctx);	/* MMU off: VA = IPA */
	EQ(arm64_hw_translate(&t.cpu->mmu, &ctx, 0x40800008, 0, &x, NULL),
	   ARM64_XLATE_OK);
	arm64_hw_translate(&t.cpu->mmu, &ctx, 0x40800008, ARM64_ACC_WRITE, &x,
			   NULL);
	EQ(x.s2_stop, true);
	EQ(last_esr, 0x9200004e, "permission fault L2, WnR");
}
