/*
 * mmu64k: stage 1 with the 64 KiB granule (QEMU: -cpu max). Each level
 * resolves 13 bits: level 3 VA[28:16], level 2 [41:29], level 1 [47:42]
 * (64 entries). TTBR0 covers 42 bits (T0SZ = 22) and walks from level
 * 2; TTBR1 covers 48 bits (T1SZ = 16) and walks from level 1: the two
 * halves need not be the same size. Blocks exist at level 2 only
 * (512 MiB): one maps all of RAM, and a 64 KiB page maps the UART.
 *
 * TTBR0 layout: identity in L2 entries 0 (UART) and 2 (RAM); the checks
 * from 0x200_0000_0000 (1 GiB apart); demand paging from 0x100_0000_0000.
 */
#include "mmutests.h"

#define WIN(n) (0x20000000000ull + ((uint64_t)(n) << 30))

static const struct demand_step demand[] = {
	{ 0x10, false, 2 },		/* empty L2 entry: level 2 */
	{ 0x10021, true, 3 },		/* the next 64 KiB page */
	{ 0x20000032, false, 2 },	/* next 512 MiB */
	{ 0xfff0, false, -1 },
};

static const struct demand_step demand_hi[] = {
	{ 0x8, false, 1 },		/* TTBR1 walks from level 1 */
	{ 0x20009, true, 3 },
};

void guest_main(void)
{
	static struct pt t0, t1;

	report(((read_sysreg(ID_AA64MMFR0_EL1) >> 24) & 0xf) != 0xf,
	       "ID_AA64MMFR0_EL1.TGran64: the 64 KiB granule is implemented");
	pt_init(&t0, 16, 42);
	pt_init(&t1, 16, 48);
	mt_identity(&t0, 2, 3);
	mmu_enable(&t0, 7, &t1);
	mt_setup(&t0, 7, &t1);
	report(read_sysreg(sctlr_el1) & SCTLR_M,
	       "MMU on: 64 KiB granule, 42-bit TTBR0, 48-bit TTBR1, ASID 7");

	mt_demand("demand", 0x10000000000ull, GiB(2), demand,
		  ARRAY_SIZE(demand));
	mt_demand("demand ttbr1", 0xffff000000000000ull, GiB(1), demand_hi,
		  ARRAY_SIZE(demand_hi));
	mt_access_flag(WIN(0), 2);
	mt_perm_el1(WIN(2));
	mt_el0(WIN(4));
	mt_exec(WIN(5));
	mt_remap(WIN(6));
	mt_split(WIN(8), 2);
	mt_asid(WIN(10), 8);
	mt_ttbr1(0xffff800000000000ull, 2);
	mt_bad_va(0x0000040000000000ull, "bit 42 set: above TTBR0's range");
	mt_bad_va(0xfffeffffffff0000ull, "below TTBR1's range");
	mt_bad_desc(WIN(11));
}
