/*
 * mmu48: stage 1 with the 4 KiB granule and 48-bit VAs (T0SZ = 16),
 * the full four-level walk starting at level 0, whose 512 entries
 * each cover 512 GiB. TTBR1 walks are disabled (TCR_EL1.EPD1 = 1), so
 * the upper half of the VA space faults. RAM is identity mapped with
 * 2 MiB blocks, the UART with a 4 KiB page.
 *
 * TTBR0 layout: identity in L0 slot 0; the checks in L0 slot 1
 * (0x80_0000_0000 up, 4 GiB apart); demand paging in slot 256
 * (0x8000_0000_0000) and at the very top of the range.
 */
#include "mmutests.h"

#define WIN(n) (0x8000000000ull + ((uint64_t)(n) << 32))

static const struct demand_step demand[] = {
	{ 0x10, false, 0 },		/* an empty L0 slot: level 0 */
	{ 0x1021, true, 3 },
	{ 0x200032, false, 2 },		/* next 2 MiB */
	{ 0x40000043, true, 1 },	/* next 1 GiB */
	{ 0x8000000054, false, 0 },	/* next 512 GiB: next L0 slot */
	{ 0x1ff0, false, -1 },
};

static const struct demand_step demand_top[] = {
	{ 0xfff, false, 0 },		/* the last byte of TTBR0's range */
	{ 0x0, true, -1 },
};

void guest_main(void)
{
	static struct pt t0;

	report(((read_sysreg(ID_AA64MMFR0_EL1) >> 28) & 0xf) != 0xf,
	       "ID_AA64MMFR0_EL1.TGran4: the 4 KiB granule is implemented");
	pt_init(&t0, 12, 48);
	mt_identity(&t0, 2, 3);
	mmu_enable(&t0, 1, NULL);
	mt_setup(&t0, 1, NULL);
	report(read_sysreg(sctlr_el1) & SCTLR_M,
	       "MMU on: 4 KiB granule, 48-bit TTBR0 from level 0, ASID 1");

	mt_demand("demand", 0x800000000000ull, GiB(1024), demand,
		  ARRAY_SIZE(demand));
	mt_demand("demand top", 0xfffffffff000ull, KiB(4), demand_top,
		  ARRAY_SIZE(demand_top));
	mt_access_flag(WIN(0), 2);
	mt_access_flag(WIN(1), 1);
	mt_perm_el1(WIN(2));
	mt_el0(WIN(3));
	mt_exec(WIN(4));
	mt_remap(WIN(5));
	mt_split(WIN(6), 2);
	mt_split(WIN(7), 1);
	mt_asid(WIN(8), 0x2a);
	mt_bad_va(0x0001000000000000ull, "bit 48 set: above TTBR0's range");
	mt_bad_va(0xfffffffffffff000ull, "TTBR1 walks disabled by EPD1");
	mt_bad_desc(WIN(9));
}
