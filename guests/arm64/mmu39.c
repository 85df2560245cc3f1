/*
 * mmu39: stage 1 with the 4 KiB granule and 39-bit VAs in both halves:
 * TTBR0 for 0 .. 0x7f_ffff_ffff and TTBR1 for 0xffff_ff80_0000_0000 ..
 * the top (T0SZ = T1SZ = 25), walks starting at level 1. Leaves of
 * every size the granule has: 1 GiB blocks (level 1, the identity map
 * of RAM), 2 MiB blocks (level 2, the UART's identity map) and 4 KiB
 * pages (level 3).
 *
 * TTBR0 layout: identity at L1 slots 0 (UART) and 1 (RAM); each check
 * has a 1 GiB-aligned window from 0x10_0000_0000 up.
 */
#include "mmutests.h"

#define WIN(n) (0x1000000000ull + ((uint64_t)(n) << 32))

static const struct demand_step demand[] = {
	{ 0x10, false, 1 },		/* nothing below L1: level 1 */
	{ 0x1021, true, 3 },		/* same L3 table, next page */
	{ 0x5032, false, 3 },
	{ 0x200043, true, 2 },		/* next 2 MiB: no L3 table yet */
	{ 0x40000054, false, 1 },	/* next 1 GiB: no L2 table yet */
	{ 0x1fff, false, -1 },		/* the page of 0x1021, mapped */
};

static const struct demand_step demand_hi[] = {
	{ 0x8, false, 1 },
	{ 0x3009, true, 3 },
};

void guest_main(void)
{
	static struct pt t0, t1;

	report(((read_sysreg(ID_AA64MMFR0_EL1) >> 28) & 0xf) != 0xf,
	       "ID_AA64MMFR0_EL1.TGran4: the 4 KiB granule is implemented");
	pt_init(&t0, 12, 39);
	pt_init(&t1, 12, 39);
	mt_identity(&t0, 1, 2);
	mmu_enable(&t0, 1, &t1);
	mt_setup(&t0, 1, &t1);
	report(read_sysreg(sctlr_el1) & SCTLR_M,
	       "MMU on: 4 KiB granule, 39-bit TTBR0 and TTBR1, ASID 1");

	mt_demand("demand", WIN(0), GiB(4), demand, ARRAY_SIZE(demand));
	mt_demand("demand ttbr1", 0xffffff8000000000ull, GiB(1), demand_hi,
		  ARRAY_SIZE(demand_hi));
	mt_access_flag(WIN(1), 2);
	mt_access_flag(WIN(2), 1);
	mt_perm_el1(WIN(3));
	mt_el0(WIN(4));
	mt_exec(WIN(5));
	mt_remap(WIN(6));
	mt_split(WIN(7), 2);
	mt_split(WIN(8), 1);
	mt_asid(WIN(9), 2);
	mt_ttbr1(0xffffffc000000000ull, 1);
	mt_bad_va(0x0000008000000000ull, "bit 39 set: above TTBR0's range");
	mt_bad_va(0xffffff0000000000ull, "below TTBR1's range");
	mt_bad_va(0x8000000000000000ull, "bit 63 alone");
	mt_bad_desc(WIN(10));
}
