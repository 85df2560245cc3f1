/*
 * mmu16k: stage 1 with the 16 KiB granule (QEMU: -cpu max) and 48-bit
 * VAs. Each level resolves 11 bits: level 3 VA[24:14], level 2 [35:25],
 * level 1 [46:36], and level 0 the single bit 47, so the walk starts in
 * a two-entry table. Blocks exist at level 2 only (32 MiB): RAM is
 * identity mapped with four of them, the UART with a 16 KiB page.
 * TTBR1 walks are disabled.
 *
 * TTBR0 layout: identity in L0 entry 0; the checks from 0x10_0000_0000
 * (4 GiB apart); demand paging in L0 entry 1 (0x8000_0000_0000 up).
 */
#include "mmutests.h"

#define WIN(n) (0x1000000000ull + ((uint64_t)(n) << 32))

static const struct demand_step demand[] = {
	{ 0x10, false, 0 },		/* L0 entry 1 is empty: level 0 */
	{ 0x4021, true, 3 },		/* the next 16 KiB page */
	{ 0x2000032, false, 2 },	/* next 32 MiB */
	{ 0x1000000043, true, 1 },	/* next 64 GiB */
	{ 0x3ff0, false, -1 },
};

void guest_main(void)
{
	static struct pt t0;

	report(((read_sysreg(ID_AA64MMFR0_EL1) >> 20) & 0xf) != 0,
	       "ID_AA64MMFR0_EL1.TGran16: the 16 KiB granule is implemented");
	pt_init(&t0, 14, 48);
	mt_identity(&t0, 2, 3);
	mmu_enable(&t0, 5, NULL);
	mt_setup(&t0, 5, NULL);
	report(read_sysreg(sctlr_el1) & SCTLR_M,
	       "MMU on: 16 KiB granule, 48-bit TTBR0, two-entry level 0, ASID 5");

	mt_demand("demand", 0x800000000000ull, GiB(256), demand,
		  ARRAY_SIZE(demand));
	mt_access_flag(WIN(0), 2);
	mt_perm_el1(WIN(1));
	mt_el0(WIN(2));
	mt_exec(WIN(3));
	mt_remap(WIN(4));
	mt_split(WIN(5), 2);
	mt_asid(WIN(6), 6);
	mt_bad_va(0x0001000000000000ull, "bit 48 set: above TTBR0's range");
	mt_bad_va(0xffff800000000000ull, "TTBR1 walks disabled by EPD1");
	mt_bad_desc(WIN(7));
}
