/*
 * mt_faults.c: the three faults an OS repairs and retries: translation
 * faults (demand paging), access flag faults, permission faults on
 * writes to read-only memory; each for pages and blocks, loads and
 * stores, with the level the Arm ARM says the fault reports.
 */
#include "mt_core.h"

/*
 * Demand paging. A translation fault is reported at the level where the
 * walk met the invalid descriptor: the first touch of an empty region
 * faults at the highest level with nothing below it, later touches
 * deeper as the handler has filled the tables in. FAR is the byte
 * accessed, WnR says load or store, ELR the access; after the handler
 * maps the page, the retried access completes.
 */
void mt_demand(const char *name, uint64_t base, uint64_t size,
	       const struct demand_step *s, int n)
{
	char what[80];
	bool all = true;

	mt.demand_lo = base;
	mt.demand_hi = base + size;
	for (int i = 0; i < n; i++) {
		uint64_t va = base + s[i].off;
		uint64_t v;

		snprintf(what, sizeof(what), "%s: %s %llx", name,
			 s[i].write ? "store to" : "load from", U(va));
		mt_expect(FIX_DEMAND);
		if (s[i].write) {
			mt_strb(va, 0x5a ^ i);
			v = mt_ldrb(va);
		} else {
			v = mt_ldrb(va);
		}
		bool value_ok = v == (s[i].write ? (uint64_t)(0x5a ^ i) :
						   mt_pattern(va));
		if (s[i].level < 0)
			mt_check_no_fault(what);
		else
			mt_check_fault(what, EC_DABT_CUR,
					FSC_TRANS(s[i].level), s[i].write, va,
					(uint64_t)(s[i].write ? (void *)mt_strb :
								(void *)mt_ldrb));
		all &= value_ok;
	}
	mt_expect(FIX_DEMAND);
	for (int i = 0; i < n; i++) {
		uint64_t va = base + s[i].off;
		uint64_t v = mt_ldrb(va);

		all &= v == (s[i].write ? (uint64_t)(0x5a ^ i) : mt_pattern(va));
	}
	report(all && mt.n == 0,
	       "%s: every retried access completed; a second pass reads the "
	       "same bytes without faults", name);
	mt_expect_none();
}

/*
 * Access flag. A block or page descriptor with AF (bit 10) = 0 makes
 * the first access fault with "access flag fault" at the level of that
 * descriptor, for loads, stores and instruction fetches alike, as long
 * as the hardware does not manage the flag (TCR_EL1.HA = 0). Software
 * sets AF and retries; no TLBI is needed, because a descriptor that
 * faults for its access flag is never cached in a TLB.
 *
 * Window: [win, win + span) holds the pages, [win + span, win + 2 span)
 * the block (span: the block's), which aliases the RAM around a
 * variable of ours.
 */
void mt_access_flag(uint64_t win, unsigned block_level)
{
	const uint64_t rw = PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER |
			    PTE_AP_RW_EL1 | PTE_UXN | PTE_PXN;
	uint64_t g = mt_granule(), span = pt_span(mt.t0, block_level);
	uint64_t p1 = win, p2 = win + g, pc = win + 2 * g, blk = win + span;
	uint8_t *f1 = mt_frame(), *f2 = mt_frame();
	static volatile uint64_t cell = 0x0123456789abcdefull;
	uint64_t *d1, *dc, ident = (uint64_t)&cell & ~(span - 1);
	char what[80];

	mt_fill_pattern(f1, p1, g);
	mt_fill_pattern(f2, p2, g);
	d1 = mt_map_page(p1, f1, rw);
	mt_map_page(p2, f2, rw);
	void *code = mt_frame();
	mt_fill_code(code, g);
	dc = mt_map_page(pc, code, rw & ~PTE_PXN);
	pt_map(mt.t0, blk, ident, span, block_level, rw);

	mt_expect(FIX_AF);
	uint64_t v = mt_ldrb(p1 + 0x123);
	mt_check_fault("access flag: load from a page with AF 0",
			EC_DABT_CUR, FSC_ACCESS(3), false, p1 + 0x123,
			(uint64_t)mt_ldrb);
	report(v == mt_pattern(p1 + 0x123) && (*d1 & PTE_AF),
	       "access flag: the retried load reads the page");
	mt_expect(FIX_AF);
	v = mt_ldrb(p1 + 0x456);
	mt_check_no_fault("access flag: the page is accessed again");

	mt_expect(FIX_AF);
	mt_strb(p2 + 0x77, 0xa5);
	mt_check_fault("access flag: store to a page with AF 0",
			EC_DABT_CUR, FSC_ACCESS(3), true, p2 + 0x77,
			(uint64_t)mt_strb);
	report(f2[0x77] == 0xa5, "access flag: the retried store lands");

	uint64_t off = (uint64_t)&cell - ident;
	mt_expect(FIX_AF);
	v = mt_ldr(blk + off);
	snprintf(what, sizeof(what), "access flag: load from a level-%u block "
		 "with AF 0", block_level);
	mt_check_fault(what, EC_DABT_CUR, FSC_ACCESS(block_level), false,
			blk + off, (uint64_t)mt_ldr);
	report(v == cell, "access flag: the block aliases RAM");
	mt_expect(FIX_AF);
	mt_str(blk + off, 0x1111);
	mt_check_no_fault("access flag: a store through the block, AF now 1");
	report(cell == 0x1111, "access flag: the store through the block "
	       "is seen at the identity address");

	uint64_t (*fn)(void) = (uint64_t (*)(void))(pc + 8);
	mt_expect(FIX_AF);
	v = fn();
	mt_check_fault("access flag: instruction fetch from a page with AF 0",
			EC_IABT_CUR, FSC_ACCESS(3), false, pc + 8, pc + 8);
	report(v == 42 && (*dc & PTE_AF),
	       "access flag: the retried fetch runs the code");
	mt_expect_none();
}

/*
 * Permission faults at EL1. AP[2:1] = 10 makes a page or block read-only
 * at EL1 (and inaccessible at EL0): loads complete, a store faults with
 * "permission fault" at the level of the leaf and WnR 1, and memory is
 * left unchanged. Making the leaf writable needs a TLBI (the read-only
 * translation may be cached); then the retried store completes.
 *
 * Window: pages at win and win + granule, a read-only level-2 block
 * (aliasing the RAM around a variable of ours) at win + span(2).
 */
void mt_perm_el1(uint64_t win)
{
	const uint64_t ro = PTE_NORMAL | PTE_AP_RO_EL1 | PTE_UXN | PTE_PXN;
	uint64_t g = mt_granule(), span = pt_span(mt.t0, 2);
	uint64_t p1 = win, p2 = win + g, blk = win + span;
	uint8_t *f1 = mt_frame(), *f2 = mt_frame();
	static volatile uint64_t cell = 0x55aa55aa55aa55aaull;
	uint64_t ident = (uint64_t)&cell & ~(span - 1);

	mt_fill_pattern(f1, p1, g);
	mt_fill_pattern(f2, p2, g);
	mt_map_page(p1, f1, ro);
	uint64_t *d2 = mt_map_page(p2, f2, ro);
	pt_map(mt.t0, blk, ident, span, 2, ro);

	mt_expect(FIX_SKIP);
	uint64_t v = mt_ldrb(p1 + 0x20);
	report(mt.n == 0 && v == mt_pattern(p1 + 0x20),
	       "permission: EL1 loads from a read-only page");
	mt_expect(FIX_SKIP);
	mt_strb(p1 + 0x20, 0xee);
	mt_check_fault("permission: EL1 store to a read-only page",
			EC_DABT_CUR, FSC_PERM(3), true, p1 + 0x20,
			(uint64_t)mt_strb);
	report(f1[0x20] == mt_pattern(p1 + 0x20),
	       "permission: the skipped store left memory unchanged");

	uint64_t off = (uint64_t)&cell - ident;
	mt_expect(FIX_SKIP);
	mt_str(blk + off, 0);
	mt_check_fault("permission: EL1 store to a read-only level-2 block",
			EC_DABT_CUR, FSC_PERM(2), true, blk + off,
			(uint64_t)mt_str);
	report(cell == 0x55aa55aa55aa55aaull && mt_ldr(blk + off) == cell,
	       "permission: the block is still readable, memory unchanged");

	mt_expect(FIX_WRITABLE);
	mt_strb(p2 + 0x31, 0x3c);
	mt_check_fault("permission: store to a read-only page, repaired",
			EC_DABT_CUR, FSC_PERM(3), true, p2 + 0x31,
			(uint64_t)mt_strb);
	report(f2[0x31] == 0x3c && (*d2 & PTE_AP_MASK) == PTE_AP_RW_EL1,
	       "permission: after AP = 00 and TLBI VAE1 the retried store lands");
	mt_expect(FIX_WRITABLE);
	mt_strb(p2 + 0x32, 0x3d);
	mt_check_no_fault("permission: the page stays writable");
	mt_expect_none();
}
