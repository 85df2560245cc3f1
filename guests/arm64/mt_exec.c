/*
 * mt_exec.c: EL0 and execute permissions: what AP[2:1], UXN and PXN
 * allow at EL0 and at EL1, seen from code running at each.
 */
#include "mt_core.h"

/*
 * EL0. AP[1] (descriptor bit 6) grants EL0 access, AP[2] (bit 7) takes
 * away writes: 00 EL1 only, 01 read/write for both, 10 EL1 read-only,
 * 11 read-only for both. A denied EL0 access is a permission fault
 * taken to EL1 with EC 0x24 (data abort from a lower EL). EL0 may
 * execute where UXN = 0 even with AP[1] = 0: execute-only memory.
 * SVC from EL0 arrives with EC 0x15 and the immediate in ISS[15:0],
 * ELR past the SVC.
 *
 * Window, in 64 KiB slots: 0 EL0 code (AP 11, PXN), 1 the same code
 * execute-only (AP 00, UXN 0), 2 a read/write page (AP 01), 3 a
 * read-only page (AP 11), 4 an EL1-only page (AP 00), 5 nothing,
 * 6 the EL0 stack.
 */
void mt_el0(uint64_t win)
{
	const uint64_t data = PTE_NORMAL | PTE_NG | PTE_UXN | PTE_PXN;
	uint64_t g = mt_granule(), el0size = __el0_end - __el0_start;
	uint64_t code = SLOT(win, 0), xo = SLOT(win, 1), rw = SLOT(win, 2);
	uint64_t ro = SLOT(win, 3), el1 = SLOT(win, 4), hole = SLOT(win, 5);
	uint64_t sp = SLOT(win, 6) + g;
	uint64_t *frw = mt_frame(), *fro = mt_frame(), *fel1 = mt_frame();
	uint64_t r;

	pt_map(mt.t0, code, (uint64_t)__el0_start, el0size, 3,
	       PTE_NORMAL | PTE_NG | PTE_AP_RO_ALL | PTE_PXN);
	pt_map(mt.t0, xo, (uint64_t)__el0_start, el0size, 3,
	       PTE_NORMAL | PTE_NG | PTE_AP_RW_EL1 | PTE_PXN);
	frw[1] = 0x1010101010101010ull;
	fro[1] = 0x2020202020202020ull;
	fel1[1] = 0x3030303030303030ull;
	mt_map_page(rw, frw, data | PTE_AP_RW_ALL);
	mt_map_page(ro, fro, data | PTE_AP_RO_ALL);
	mt_map_page(el1, fel1, data | PTE_AP_RW_EL1);
	mt_map_page(SLOT(win, 6), mt_frame(), data | PTE_AP_RW_ALL);

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_load), sp, rw + 8, 0);
	report(mt.n == 0 && r == 0x1010101010101010ull,
	       "EL0: load from a read/write page (AP 01)");
	r = run_el0(el0_at(code, el0_store), sp, rw + 16, 0x4242);
	report(mt.n == 0 && r == 0 && frw[2] == 0x4242,
	       "EL0: store to a read/write page, seen by EL1");
	r = run_el0(el0_at(code, el0_load), sp, ro + 8, 0);
	report(mt.n == 0 && r == 0x2020202020202020ull,
	       "EL0: load from a read-only page (AP 11)");

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_store), sp, ro + 8, 0x99);
	mt_check_fault("EL0: store to a read-only page (AP 11)", EC_DABT_LOW,
			FSC_PERM(3), true, ro + 8, el0_at(code, el0_store));
	report(fro[1] == 0x2020202020202020ull,
	       "EL0: the faulting store left memory unchanged");

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_load), sp, el1 + 8, 0);
	mt_check_fault("EL0: load from an EL1-only page (AP 00)", EC_DABT_LOW,
			FSC_PERM(3), false, el1 + 8, el0_at(code, el0_load));
	report(r == MT_FAULTED && mt_ldr(el1 + 8) == 0x3030303030303030ull,
	       "EL0: the load was skipped; EL1 reads the page");

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_load), sp, hole + 0x18, 0);
	mt_check_fault("EL0: load from an unmapped page", EC_DABT_LOW,
			FSC_TRANS(3), false, hole + 0x18,
			el0_at(code, el0_load));

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(xo, el0_load), sp, rw + 8, 0);
	report(mt.n == 0 && r == 0x1010101010101010ull,
	       "EL0: runs from an execute-only page (AP 00, UXN 0)");
	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_load), sp, el0_at(xo, el0_load), 0);
	mt_check_fault("EL0: load from that execute-only page", EC_DABT_LOW,
			FSC_PERM(3), false, el0_at(xo, el0_load),
			el0_at(code, el0_load));

	/* The identity map of the kernel is EL1-only and UXN. */
	mt_expect(FIX_RETURN);
	r = run_el0(el0_at(code, el0_call), sp, (uint64_t)mt_where, 0);
	mt_check_fault("EL0: call into the kernel's (UXN, EL1-only) code",
			EC_IABT_LOW, FSC_PERM(mt.ram_level), false,
			(uint64_t)mt_where, (uint64_t)mt_where);

	mt_expect(FIX_SKIP);
	r = run_el0(el0_at(code, el0_svc_probe), sp, 0, 0);
	report(mt.n == 1 && mt.log[0].kind == TRAP_LOW64_SYNC &&
	       mt.log[0].esr == (0x15ull << 26 | ESR_IL | 0x42) &&
	       mt.log[0].elr == el0_at(code, el0_svc_probe) + 4 && r == 0x5ec,
	       "EL0: SVC #0x42 from mapped EL0 code: ESR 0x56000042, ELR "
	       "after the SVC");
	mt_expect_none();
}

/*
 * Execute permissions. PXN (bit 53) forbids execution at EL1, UXN (bit
 * 54) at EL0; and EL1 may never execute from memory EL0 can write
 * (AP 01), whatever PXN says. A fetch that is not permitted is an
 * instruction abort, EC 0x21 from EL1 or 0x20 from EL0, IFSC permission
 * fault at the leaf's level; FAR and ELR both hold the address fetched.
 * A fetch from an unmapped VA is a translation fault, which a handler
 * can repair by mapping code there (demand paging of text). Each code
 * page holds "mov x0, #42; ret" over and over; a faulting call returns
 * MT_FAULTED.
 *
 * Window, in 64 KiB slots: 0 EL1-executable, 1 PXN, 2 EL0 code (AP 11,
 * UXN 0, PXN), 3 UXN (AP 11), 4 EL0-writable (AP 01, PXN 0), 5 nothing,
 * 6 demand-paged code, 7 the EL0 routines.
 */

void mt_exec(uint64_t win)
{
	const uint64_t base = PTE_NORMAL | PTE_NG;
	uint64_t g = mt_granule(), el0code = SLOT(win, 7);
	uint64_t sp = 0;	/* the EL0 routines used here need no stack */
	void *code = mt_frame();
	uint64_t r;

	mt_fill_code(code, g);
	mt_map_page(SLOT(win, 0), code, base | PTE_AP_RO_EL1 | PTE_UXN);
	mt_map_page(SLOT(win, 1), code, base | PTE_AP_RO_EL1 | PTE_UXN | PTE_PXN);
	mt_map_page(SLOT(win, 2), code, base | PTE_AP_RO_ALL | PTE_PXN);
	mt_map_page(SLOT(win, 3), code, base | PTE_AP_RO_ALL | PTE_UXN);
	mt_map_page(SLOT(win, 4), code, base | PTE_AP_RW_ALL | PTE_UXN);
	pt_map(mt.t0, el0code, (uint64_t)__el0_start, __el0_end - __el0_start,
	       3, base | PTE_AP_RO_ALL | PTE_PXN);

	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 0));
	report(mt.n == 0 && r == 42, "execute: EL1 runs code from a page "
	       "with PXN 0");
	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 1) + 0x10);
	mt_check_fault("execute: EL1 calls into a PXN page", EC_IABT_CUR,
			FSC_PERM(3), false, SLOT(win, 1) + 0x10,
			SLOT(win, 1) + 0x10);
	report(r == MT_FAULTED, "execute: the handler returned to the caller");

	mt_expect(FIX_RETURN);
	r = run_el0(el0_at(el0code, el0_call), sp, SLOT(win, 2) + 8, 0);
	report(mt.n == 0 && r == 42, "execute: EL0 runs code from a page "
	       "with UXN 0");
	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 2) + 8);
	mt_check_fault("execute: EL1 calls that page (PXN 1)", EC_IABT_CUR,
			FSC_PERM(3), false, SLOT(win, 2) + 8, SLOT(win, 2) + 8);

	mt_expect(FIX_RETURN);
	r = run_el0(el0_at(el0code, el0_call), sp, SLOT(win, 3) + 0x18, 0);
	mt_check_fault("execute: EL0 calls into a UXN page", EC_IABT_LOW,
			FSC_PERM(3), false, SLOT(win, 3) + 0x18,
			SLOT(win, 3) + 0x18);
	report(r == MT_FAULTED, "execute: EL0 resumed at its return address");
	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 3) + 0x18);
	report(mt.n == 0 && r == 42, "execute: EL1 runs the UXN page (PXN 0)");

	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 4));
	mt_check_fault("execute: EL1 calls an EL0-writable page (PXN 0)",
			EC_IABT_CUR, FSC_PERM(3), false, SLOT(win, 4),
			SLOT(win, 4));

	mt_expect(FIX_RETURN);
	r = mt_call(SLOT(win, 5) + 0x40);
	mt_check_fault("execute: EL1 calls an unmapped page", EC_IABT_CUR,
			FSC_TRANS(3), false, SLOT(win, 5) + 0x40,
			SLOT(win, 5) + 0x40);

	mt.demand_lo = SLOT(win, 6);
	mt.demand_hi = SLOT(win, 6) + g;
	mt_expect(FIX_DEMAND);
	r = mt_call(SLOT(win, 6) + 0x20);
	mt_check_fault("execute: code paged in on demand", EC_IABT_CUR,
			FSC_TRANS(3), false, SLOT(win, 6) + 0x20,
			SLOT(win, 6) + 0x20);
	report(r == 42, "execute: the retried fetch runs the new page");
	mt_expect_none();
}

/* ---------------------------------------------------------------- */
