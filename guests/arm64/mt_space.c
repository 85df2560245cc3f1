/*
 * mt_space.c: the shape of the VA space: the TTBR1 half, VAs outside
 * both halves, and descriptors the walker must refuse.
 */
#include "mt_core.h"

/*
 * TTBR1. VAs whose top bits are all ones (64 - T1SZ of them) translate
 * through TTBR1_EL1, a second set of tables, as kernels map themselves.
 * RAM is aliased there with one block: loads and stores through the
 * alias reach the same memory, and code runs there (mt_where, which
 * returns its own PC, returns the alias). A miss in the TTBR1 half is
 * an ordinary translation fault with the full 64-bit VA in FAR.
 */
void mt_ttbr1(uint64_t hi, unsigned block_level)
{
	static volatile uint64_t cell = 0x1357913579135791ull;
	uint64_t span = pt_span(mt.t1, block_level);
	uint64_t pa = (uint64_t)&cell & ~(span - 1);
	char what[96];

	pt_map(mt.t1, hi, pa, span, block_level,
	       PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN);
	mt_expect(FIX_SKIP);
	uint64_t alias = hi + ((uint64_t)&cell - pa);
	report(mt_ldr(alias) == cell && mt.n == 0,
	       "ttbr1: RAM aliased at %llx by a level-%u block reads the same",
	       U(hi), block_level);
	mt_str(alias, 0x2468);
	report(cell == 0x2468 && mt.n == 0,
	       "ttbr1: a store through the alias is seen at the identity VA");
	uint64_t fn = hi + ((uint64_t)mt_where - pa);
	report(mt_call(fn) == fn && mt.n == 0,
	       "ttbr1: code runs from the alias (its PC is the alias)");

	uint64_t miss = hi + span + 0x1238;
	unsigned level;
	pt_leaf(mt.t1, miss, &level);
	mt_expect(FIX_SKIP);
	mt_ldrb(miss);
	snprintf(what, sizeof(what), "ttbr1: load from unmapped %llx",
		 U(miss));
	mt_check_fault(what, EC_DABT_CUR, FSC_TRANS(level), false, miss,
			(uint64_t)mt_ldrb);
	mt_expect_none();
}

/*
 * A VA that no table may translate: out of the range of both TTBRs
 * (its top bits neither all zeroes nor all ones), or in the TTBR1 half
 * while TCR_EL1.EPD1 = 1 forbids walks there. A translation fault, with
 * no walk done. The level it reports is where correct implementations
 * part: the pseudocode of the Arm ARM (AArch64.S1Translate, up to at
 * least DDI 0487J) says level 0, and QEMU 7.2 does so; KVM's walker
 * (2025) reports the start level of the walk that would have been made,
 * citing the current manual. Where the two differ, either is accepted
 * and the line printed is the same.
 */
void mt_bad_va(uint64_t va, const char *why)
{
	struct pt *pt = ((va >> 55) & 1) && mt.t1 ? mt.t1 : mt.t0;
	unsigned sl = pt->start_level;
	uint64_t elr = (uint64_t)mt_ldrb;

	mt_expect(FIX_SKIP);
	mt_ldrb(va);
	bool ok = mt.n == 1 &&
		  (mt_fault_is(&mt.log[0], EC_DABT_CUR, FSC_TRANS(0), false, va,
			    elr) ||
		   mt_fault_is(&mt.log[0], EC_DABT_CUR, FSC_TRANS(sl), false, va,
			    elr));
	char level[40];
	snprintf(level, sizeof(level), sl ? "0 or %u (the start level)" :
		 "0 (the start level)", sl);
	report(ok, "bad VA %llx (%s): data abort from EL1, translation fault "
	       "level %s, WnR 0, FAR and ELR exact", U(va), why, level);
	if (!ok)
		mt_fault_diag(EC_DABT_CUR, FSC_TRANS(0), false, va, elr);
	mt_expect_none();
}

/*
 * Malformed descriptors. At level 3, bits [1:0] = 01 is reserved and
 * behaves as invalid: translation fault, level 3. A leaf whose output
 * address has bits set above the physical address size (TCR_EL1.IPS,
 * 40 bits here) gives an address size fault at its level.
 */
void mt_bad_desc(uint64_t win)
{
	const uint64_t rw = PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN | PTE_PXN;
	uint64_t g = mt_granule();
	void *f = mt_frame();
	uint64_t *d = pt_slot(mt.t0, win, 3, true);

	*d = (uint64_t)f | rw | PTE_VALID;		/* type bit clear */
	pt_sync();
	mt_expect(FIX_SKIP);
	mt_ldrb(win + 0x10);
	mt_check_fault("bad descriptor: level-3 entry with bits [1:0] = 01",
			EC_DABT_CUR, FSC_TRANS(3), false, win + 0x10,
			(uint64_t)mt_ldrb);

	d = pt_slot(mt.t0, win + g, 3, true);
	*d = ((uint64_t)f | 1ull << 44) | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	mt_expect(FIX_SKIP);
	mt_ldrb(win + g + 0x10);
	mt_check_fault("bad descriptor: output address bit 44 with IPS 40 bits",
			EC_DABT_CUR, FSC_ADDR_SIZE(3), false, win + g + 0x10,
			(uint64_t)mt_ldrb);
	mt_expect_none();
}
