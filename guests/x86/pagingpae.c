/*
 * pagingpae: PAE paging (CR4.PAE=1, 32-bit mode) with 2 MiB pages and
 * execute-disable (EFER.NXE=1).
 *
 * Reference card
 *   va = PDPT index (31:30) | PD index (29:21) | PT index (20:12) | offset.
 *   CR3 holds the 32-byte aligned PDPT. Its four PDPTEs are read into
 *   the CPU when CR3 is loaded (not on each walk): a PDPTE change counts
 *   after the next CR3 write. PDPTEs have no R/W, U/S, A or XD bits.
 *   A PDE with PS=1 maps 2 MiB. Entries are 8 bytes; bit 63 (XD) forbids
 *   instruction fetch and may be set at any level below the PDPT, the
 *   effective XD being the OR over the walk.
 *   #PF error code: P, W/R, U/S as in 32-bit paging, and I/D (bit 4) on
 *   every fetch fault since PAE=1 and NXE=1 (not-present ones included).
 *
 * Memory: image and palloc pool identity mapped in 2 MiB pages, U=1, so
 * ring 3 can run the user functions. Test VAs lie elsewhere. All four
 * PDPTEs point at page directories from the start, so later mappings
 * only ever add PDEs and PTEs (no CR3 reload needed for those).
 */
#include "guest.h"
#include "mmu.h"
#include "trap.h"

#define IDENT_END	MiB(32)
#define DEMAND_VA	0x50000000u
#define ALIAS_BIG_VA	0x11000000u	/* + n * 1 GiB: 2 MiB aliases */
#define SHARED_PT_VA	0x14000000u	/* and 0x94000000: one PT, two PDEs */
#define REMAP_VA	0x60000000u
#define AS_VA		0x70000000u
#define PDPTE_VA	0xE0000000u	/* quarter 3, PDPTE switch test */
#define BIG_VA		0x20000000u
#define USER_VA		0x30000000u
#define WP_VA		0x34000000u
#define AD_VA		0x38000000u
#define AD_BIG_VA	0x3C000000u
#define NX_VA		0x3E000000u

#define RW  (PTE_P | PTE_W)
#define URW (PTE_P | PTE_W | PTE_U)

static const uint32_t alias_va[4] = {
	0x0C003000u, 0x4C205000u, 0x8C007000u, 0xCC209000u,
};

#define FAULTED 0x100u

static struct pt64 kpt;			/* kernel tables: PDPT root */
static uint32_t big_pa, alias_big_pa;	/* 2 MiB-aligned frames */

static volatile struct {
	uint32_t lo, hi;
	int faults;
	uint32_t err, cr2;
} demand;

static volatile struct {
	bool armed;
	uint32_t err, cr2;
} user_abort;

static uint32_t rd32(uint32_t va)
{
	return *(volatile uint32_t *)(uintptr_t)va;
}

static void wr32(uint32_t va, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)va = v;
}

static uint32_t pa_rd32(uint32_t pa)
{
	return rd32(pa);
}

static void map(uint32_t va, uint32_t pa, int level, uint64_t flags)
{
	pt64_map(&kpt, va, pa, level, flags);
}

static pte64_t *entry(uint32_t va, int level)
{
	return pt64_walk(&kpt, va, level, false);
}

static uint32_t entry_pa(pte64_t e)
{
	return (uint32_t)(e & 0xFFFFF000u);
}

/* #PF: demand paging, ring 3 abort, else a probe (see paging32.c). */
static void pf_handler(struct trapframe *tf)
{
	uint32_t va = read_cr2();

	if (!(tf->err & PF_P) && va >= demand.lo && va < demand.hi) {
		demand.faults++;
		demand.err = tf->err;
		demand.cr2 = va;
		map(va & ~0xFFFu, palloc_page(), 1, RW);
		return;
	}
	if ((tf->cs & 3) == 3 && user_abort.armed) {
		user_abort.armed = false;
		user_abort.err = tf->err;
		user_abort.cr2 = va;
		user_return(0xDEAD);
	}
	probe_handler(tf);
}

/*
 * Build the PDPT with a PD behind each of its four entries, identity map
 * [0, 32 MiB) in 2 MiB pages, then CR4.PAE, EFER.NXE, CR3, CR0.PG|WP.
 */
static void paging_on(void)
{
	pt64_init(&kpt, 3);
	for (uint32_t q = 0; q < 4; q++)
		(void)pt64_walk(&kpt, (uint64_t)q << 30, 2, true);
	for (uint32_t pa = 0; pa < IDENT_END; pa += MiB(2))
		map(pa, pa, 2, URW);
	write_cr4(read_cr4() | CR4_PAE);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3((uintptr_t)kpt.root);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
	report((read_cr0() & CR0_PG) && (read_cr4() & CR4_PAE) &&
	       (rdmsr(MSR_EFER) & EFER_NXE) && !(rdmsr(MSR_EFER) & EFER_LMA),
	       "PAE paging on with EFER.NXE, identity map in 2 MiB pages");
}

/* Demand paging: not-present faults mapped by the handler, retried. */
static void test_demand(void)
{
	demand.lo = DEMAND_VA;
	demand.hi = DEMAND_VA + 3 * PAGE_SIZE;

	wr32(DEMAND_VA + 0x124, 0xD00D0001);
	report(demand.faults == 1 && demand.err == PF_W &&
	       demand.cr2 == DEMAND_VA + 0x124 &&
	       rd32(DEMAND_VA + 0x124) == 0xD00D0001,
	       "demand write: #PF err 0x%x cr2 0x%x, mapped, store retried",
	       demand.err, demand.cr2);

	uint32_t v = rd32(DEMAND_VA + 0x1FF8);
	report(demand.faults == 2 && demand.err == 0 &&
	       demand.cr2 == DEMAND_VA + 0x1FF8 && v == 0,
	       "demand read: #PF err 0x%x cr2 0x%x, fresh page reads 0",
	       demand.err, demand.cr2);

	wr32(DEMAND_VA + 0x2000, 0xD00D0003);
	wr32(DEMAND_VA + 0x128, 0xD00D0002);
	pte64_t *pte = entry(DEMAND_VA, 1);
	report(demand.faults == 3 && pte &&
	       pa_rd32(entry_pa(*pte) + 0x124) == 0xD00D0001 &&
	       pa_rd32(entry_pa(*pte) + 0x128) == 0xD00D0002,
	       "3 pages, 3 faults; stores landed in the frames mapped");
	demand.hi = demand.lo;
}

/*
 * Aliases across the four PDPTEs (one frame per 1 GiB quarter, 4 KiB and
 * 2 MiB), and one page table shared by PDEs under PDPTEs 0 and 2.
 */
static void test_aliases(void)
{
	uint32_t pa = palloc_page();
	int bad = 0;

	for (int i = 0; i < 4; i++)
		map(alias_va[i], pa, 1, RW);
	for (int i = 0; i < 4; i++)
		wr32(alias_va[i] + 4 * i, 0xA1100000u + i);
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++)
			bad += rd32(alias_va[j] + 4 * i) != 0xA1100000u + i;
		bad += pa_rd32(pa + 4 * i) != 0xA1100000u + i;
	}
	report(bad == 0, "4 KiB frame at 0x%08x 0x%08x 0x%08x 0x%08x: "
	       "each store seen through all four", alias_va[0], alias_va[1],
	       alias_va[2], alias_va[3]);

	bad = 0;
	for (uint32_t q = 0; q < 4; q++)
		map(ALIAS_BIG_VA + q * 0x40000000u, alias_big_pa, 2, RW);
	for (uint32_t q = 0; q < 4; q++)
		wr32(ALIAS_BIG_VA + q * 0x40000000u + q * KiB(512) + 0x8,
		     0xB1600000u + q);
	for (uint32_t q = 0; q < 4; q++)
		for (uint32_t r = 0; r < 4; r++)
			bad += rd32(ALIAS_BIG_VA + r * 0x40000000u +
				    q * KiB(512) + 0x8) != 0xB1600000u + q;
	report(bad == 0, "2 MiB page at 0x%08x + n GiB: each store seen "
	       "through all four PDPTEs", ALIAS_BIG_VA);

	pte64_t *pt = (pte64_t *)palloc_page();
	uint32_t shared_hi = SHARED_PT_VA + 0x80000000u;
	uint32_t fpa = palloc_page();
	pt[5] = fpa | RW;
	*entry(SHARED_PT_VA, 2) = (uint32_t)(uintptr_t)pt | RW;
	*entry(shared_hi, 2) = (uint32_t)(uintptr_t)pt | RW;
	wr32(SHARED_PT_VA + 0x5000, 0x5AA4ED01);
	wr32(shared_hi + 0x5004, 0x5AA4ED02);
	report(rd32(shared_hi + 0x5000) == 0x5AA4ED01 &&
	       rd32(SHARED_PT_VA + 0x5004) == 0x5AA4ED02 &&
	       pa_rd32(fpa) == 0x5AA4ED01,
	       "one page table under PDEs for 0x%08x and 0x%08x",
	       SHARED_PT_VA, shared_hi);
}

/*
 * Live changes: PTE + INVLPG, PTE + CR3 reload, cleared PTE faults, PDE
 * switched + INVLPG; and a PDPTE switched to another page directory,
 * which the CPU sees only after CR3 is reloaded (PDPTEs are loaded with
 * CR3).
 */
static void test_remap(void)
{
	uint32_t pa[5];

	for (int i = 0; i < 5; i++) {
		pa[i] = palloc_page();
		wr32(pa[i], 0xF0000000u + i);
	}
	map(REMAP_VA, pa[0], 1, RW);
	uint32_t before = rd32(REMAP_VA);
	pte64_t *pte = entry(REMAP_VA, 1);

	*pte = pa[1] | RW;
	invlpg(REMAP_VA);
	report(before == 0xF0000000u && rd32(REMAP_VA) == 0xF0000001u,
	       "PTE rewritten to another frame + INVLPG: new frame seen");

	*pte = pa[2] | RW;
	write_cr3(read_cr3());
	report(rd32(REMAP_VA) == 0xF0000002u,
	       "PTE rewritten again + CR3 reload: new frame seen");

	*pte = 0;
	invlpg(REMAP_VA);
	uint8_t b;
	report_pf(probe_read8(REMAP_VA + 8, &b), 0, REMAP_VA + 8,
		  "PTE cleared + INVLPG: read faults");

	pte64_t *pt2 = (pte64_t *)palloc_page();
	pt2[(REMAP_VA >> 12) & 511] = pa[3] | RW;
	*entry(REMAP_VA, 2) = (uint32_t)(uintptr_t)pt2 | URW;
	invlpg(REMAP_VA);
	report(rd32(REMAP_VA) == 0xF0000003u,
	       "PDE switched to another page table + INVLPG: new PT used");

	/* PDPTE 3 -> a fresh PD mapping PDPTE_VA; reload CR3; restore */
	pte64_t *pd = (pte64_t *)palloc_page();
	pte64_t *pt3 = (pte64_t *)palloc_page();
	pd[(PDPTE_VA >> 21) & 511] = (uint32_t)(uintptr_t)pt3 | URW;
	pt3[(PDPTE_VA >> 12) & 511] = pa[4] | RW;
	pte64_t *pdpte = entry(PDPTE_VA, 3);
	pte64_t old = *pdpte;
	*pdpte = (uint32_t)(uintptr_t)pd | PTE_P;
	write_cr3(read_cr3());
	uint32_t v = rd32(PDPTE_VA);
	uint8_t dummy;		/* the old PD's mappings are gone now */
	int faulted = probe_read8(alias_va[3], &dummy);
	*pdpte = old;
	write_cr3(read_cr3());
	report(v == 0xF0000004u && faulted && rd32(alias_va[3]) == 0xA1100000u,
	       "PDPTE 3 switched to another PD + CR3 reload: new PD used, "
	       "then restored");
	probe_reset();
}

/*
 * Address spaces: three PDPTs sharing the identity PD (PDPTE 0) but
 * each with its own PD for quarter 1, where AS_VA maps to its own frame.
 */
static void test_address_spaces(void)
{
	struct pt64 as[3];
	uint32_t got[3];

	for (int k = 0; k < 3; k++) {
		pt64_init(&as[k], 3);
		as[k].root[0] = kpt.root[0];
		uint32_t pa = palloc_page();
		wr32(pa, 0xA5000000u + k);
		pt64_map(&as[k], AS_VA, pa, 1, RW);
	}
	for (int k = 0; k < 3; k++) {
		write_cr3((uintptr_t)as[k].root);
		got[k] = rd32(AS_VA);
	}
	report(got[0] == 0xA5000000u && got[1] == 0xA5000001u &&
	       got[2] == 0xA5000002u,
	       "3 PDPTs map 0x%08x to 3 frames: 0x%08x 0x%08x 0x%08x",
	       AS_VA, got[0], got[1], got[2]);

	write_cr3((uintptr_t)as[1].root);
	wr32(AS_VA + 4, 0x1111);
	write_cr3((uintptr_t)as[2].root);
	uint32_t other = rd32(AS_VA + 4);
	write_cr3((uintptr_t)as[1].root);
	uint32_t back = rd32(AS_VA + 4);
	write_cr3((uintptr_t)kpt.root);
	report(other == 0 && back == 0x1111,
	       "store in one address space invisible in another, kept on "
	       "return");
}

static uint32_t pattern(uint32_t i)
{
	return i * 0x9E3779B1u ^ 0x5A5A5A5Au;
}

/* A 2 MiB page split into 512 4 KiB PTEs (see paging32.c). */
static void test_large_split(void)
{
	int bad = 0;

	map(BIG_VA, big_pa, 2, RW);
	for (uint32_t off = 0; off < MiB(2); off += 32)
		wr32(BIG_VA + off, pattern(off));
	for (uint32_t off = 0; off < MiB(2); off += 32)
		bad += pa_rd32(big_pa + off) != pattern(off);
	report(bad == 0, "2 MiB page at 0x%08x: 65536 words written, found "
	       "in the 2 MiB frame", BIG_VA);

	pte64_t *pt = (pte64_t *)palloc_page();
	for (uint32_t i = 0; i < 512; i++)
		pt[i] = (big_pa + i * PAGE_SIZE) | RW;
	*entry(BIG_VA, 2) = (uint32_t)(uintptr_t)pt | URW;
	invlpg(BIG_VA);
	bad = 0;
	for (uint32_t off = 0; off < MiB(2); off += 32)
		bad += rd32(BIG_VA + off) != pattern(off);
	report(bad == 0, "split into 512 4 KiB PTEs: contents preserved");

	uint32_t pa = palloc_page();
	wr32(pa + 64, 0x0BADF00D);
	pt[5] = pa | RW;
	invlpg(BIG_VA + 5 * PAGE_SIZE);
	report(rd32(BIG_VA + 5 * PAGE_SIZE + 64) == 0x0BADF00D &&
	       rd32(BIG_VA + 4 * PAGE_SIZE + 64) == pattern(4 * PAGE_SIZE + 64) &&
	       rd32(BIG_VA + 6 * PAGE_SIZE + 64) == pattern(6 * PAGE_SIZE + 64),
	       "one 4 KiB piece remapped, its neighbours unchanged");
}

/* ---- ring 3 functions, run through user_call() ---- */

static uintptr_t user_read(uintptr_t va)
{
	uint8_t v;

	return probe_read8(va, &v) ? FAULTED : v;
}

static uintptr_t user_write(uintptr_t va)
{
	return probe_write8(va, 0x77) ? FAULTED : 0;
}

static uintptr_t user_exec(uintptr_t va)
{
	return probe_exec(va) ? FAULTED : 0;
}

static uintptr_t user_touch(uintptr_t va)
{
	return *(volatile uint8_t *)va;
}

/*
 * User/supervisor under PAE: U/S and R/W live in PDEs and PTEs (not
 * PDPTEs). Fetch faults now carry I/D, and a user page with XD set is
 * not executable at ring 3 either.
 */
static void test_user(void)
{
	uint32_t upa = palloc_page(), spa = palloc_page(), ropa = palloc_page();
	uint32_t xpa = palloc_page();
	uint32_t u2 = USER_VA + MiB(2), u3 = USER_VA + MiB(4);

	wr32(upa + 0x10, 0x42);
	memcpy((void *)(uintptr_t)xpa, probe_exec_stub, probe_exec_stub_len);
	map(USER_VA, upa, 1, URW);
	map(USER_VA + 0x1000, spa, 1, RW);
	map(USER_VA + 0x2000, ropa, 1, PTE_P | PTE_U);
	map(USER_VA + 0x4000, xpa, 1, PTE_P | PTE_U);
	map(USER_VA + 0x5000, xpa, 1, RW);
	map(USER_VA + 0x6000, xpa, 1, PTE_P | PTE_U | PTE_NX);
	map(u2, upa, 1, URW);
	*entry(u2, 2) &= ~(pte64_t)PTE_U;
	map(u3, upa, 1, URW);
	*entry(u3, 2) &= ~(pte64_t)PTE_W;
	write_cr3(read_cr3());

	report(user_call(user_read, USER_VA + 0x10) == 0x42,
	       "ring 3 reads a user page");
	report(user_call(user_write, USER_VA + 0x20) == 0 &&
	       pa_rd32(upa + 0x20) == 0x77, "ring 3 writes a user page");
	report(user_call(user_exec, USER_VA + 0x4000) == 0,
	       "ring 3 executes a user page");
	report_pf(user_call(user_read, USER_VA + 0x1010) == FAULTED,
		  PF_P | PF_U, USER_VA + 0x1010, "ring 3 reads a supervisor page");
	report_pf(user_call(user_write, USER_VA + 0x1020) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x1020,
		  "ring 3 writes a supervisor page");
	report_pf(user_call(user_exec, USER_VA + 0x5000) == FAULTED,
		  PF_P | PF_U | PF_ID, USER_VA + 0x5000,
		  "ring 3 fetches from a supervisor page");
	report_pf(user_call(user_exec, USER_VA + 0x6000) == FAULTED,
		  PF_P | PF_U | PF_ID, USER_VA + 0x6000,
		  "ring 3 fetches from an XD user page");
	report(user_call(user_read, USER_VA + 0x6000) == 0x31,
	       "XD user page still readable at ring 3");
	report_pf(user_call(user_write, USER_VA + 0x2030) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x2030,
		  "ring 3 writes a read-only user page");
	report_pf(user_call(user_read, USER_VA + 0x3040) == FAULTED,
		  PF_U, USER_VA + 0x3040, "ring 3 reads a not-present page");
	report_pf(user_call(user_exec, USER_VA + 0x3000) == FAULTED,
		  PF_U | PF_ID, USER_VA + 0x3000,
		  "ring 3 fetches from a not-present page");
	report_pf(user_call(user_read, u2 + 0x60) == FAULTED, PF_P | PF_U,
		  u2 + 0x60, "PDE U/S=0 denies ring 3 though the PTE allows");
	report(user_call(user_read, u3 + 0x10) == 0x42,
	       "PDE R/W=0: ring 3 may still read");
	report_pf(user_call(user_write, u3 + 0x70) == FAULTED,
		  PF_P | PF_W | PF_U, u3 + 0x70,
		  "PDE R/W=0 denies a ring 3 write though the PTE allows");

	int gates = user_calls_returned_via_gate;
	user_abort.armed = true;
	uintptr_t r = user_call(user_touch, USER_VA + 0x1008);
	user_abort.armed = false;	/* in case no fault consumed it */
	report(r == 0xDEAD && user_abort.err == (PF_P | PF_U) &&
	       user_abort.cr2 == USER_VA + 0x1008 &&
	       user_calls_returned_via_gate == gates,
	       "a ring 3 fault (err 0x%x cr2 0x%x) returned to ring 0 through "
	       "the #PF handler", user_abort.err, user_abort.cr2);
}

/* CR0.WP at ring 0 and ring 3 (see paging32.c). */
static void test_wp(void)
{
	uint32_t pa = palloc_page();

	wr32(pa + 0x40, 0x5A);
	map(WP_VA, pa, 1, PTE_P);
	report_pf(probe_write8(WP_VA + 0x40, 0xA5), PF_P | PF_W, WP_VA + 0x40,
		  "CR0.WP=1: ring 0 writes a read-only page");
	report(pa_rd32(pa + 0x40) == 0x5A, "the faulting write changed nothing");
	write_cr0(read_cr0() & ~CR0_WP);
	report(probe_write8(WP_VA + 0x40, 0xA5) == 0 &&
	       pa_rd32(pa + 0x40) == 0xA5,
	       "CR0.WP=0: ring 0 writes the read-only page");
	report_pf(user_call(user_write, USER_VA + 0x2034) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x2034,
		  "CR0.WP=0: ring 3 still cannot write a read-only page");
	write_cr0(read_cr0() | CR0_WP);
	report_pf(probe_write8(WP_VA + 0x41, 0xA6), PF_P | PF_W, WP_VA + 0x41,
		  "CR0.WP=1 again: the ring 0 write faults again");
}

/*
 * Execute-disable: with EFER.NXE=1, XD in the PTE, or in the PDE above
 * an executable PTE, or in a 2 MiB PDE, makes fetches fault with P|I/D
 * while reads still work. A not-present fetch reports I/D too.
 */
static void test_nx(void)
{
	uint32_t pa = palloc_page();
	uint32_t va_pte = NX_VA, va_pde = NX_VA + MiB(2), va_big = NX_VA + MiB(4);

	memcpy((void *)(uintptr_t)pa, probe_exec_stub, probe_exec_stub_len);
	map(va_pte, pa, 1, PTE_P);
	map(va_pte + PAGE_SIZE, pa, 1, PTE_P | PTE_NX);
	map(va_pde, pa, 1, PTE_P);
	*entry(va_pde, 2) |= PTE_NX;
	map(va_big, big_pa, 2, PTE_P | PTE_NX);
	memcpy((void *)(uintptr_t)big_pa, probe_exec_stub, probe_exec_stub_len);
	write_cr3(read_cr3());

	report(probe_exec(va_pte) == 0, "ring 0 executes a page without XD");
	report_pf(probe_exec(va_pte + PAGE_SIZE), PF_P | PF_ID,
		  va_pte + PAGE_SIZE, "fetch from a PTE with XD");
	uint8_t b = 0;
	report(probe_read8(va_pte + PAGE_SIZE, &b) == 0 && b == 0x31,
	       "data read from the XD page works");
	report_pf(probe_exec(va_pde), PF_P | PF_ID, va_pde,
		  "fetch under a PDE with XD (PTE without)");
	report_pf(probe_exec(va_big), PF_P | PF_ID, va_big,
		  "fetch from a 2 MiB page with XD");
	report_pf(probe_exec(NX_VA + MiB(6)), PF_ID, NX_VA + MiB(6),
		  "fetch from a not-present page");
}

/* Accessed/dirty on a 4 KiB PTE and a 2 MiB PDE (see paging32.c). */
static void test_accessed_dirty(void)
{
	map(AD_VA, palloc_page(), 1, RW);
	pte64_t *pde = entry(AD_VA, 2);
	pte64_t *pte = entry(AD_VA, 1);
	*pde &= ~(pte64_t)PTE_A;
	invlpg(AD_VA);

	(void)rd32(AD_VA + 0x80);
	report((*pte & PTE_A) && !(*pte & PTE_D) && (*pde & PTE_A),
	       "read sets A in PDE and PTE, leaves PTE.D clear");
	wr32(AD_VA + 0x80, 1);
	report((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "write sets PTE.D");

	*pte &= ~(pte64_t)(PTE_A | PTE_D);
	invlpg(AD_VA);
	wr32(AD_VA + 0x84, 2);
	report((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D),
	       "write to a clean, unaccessed page sets A and D");

	map(AD_BIG_VA, alias_big_pa, 2, RW);
	pde = entry(AD_BIG_VA, 2);
	(void)rd32(AD_BIG_VA + 0x123450);
	report((*pde & PTE_A) && !(*pde & PTE_D),
	       "2 MiB page: read sets A, not D");
	wr32(AD_BIG_VA + 0x123450, 3);
	report((*pde & PTE_D) != 0, "2 MiB page: write sets D");
}

void guest_main(void)
{
	printf("pagingpae: PAE paging, 4 KiB and 2 MiB pages, NX\n");
	trap_set_handler(T_PF, pf_handler);
	big_pa = palloc(MiB(2), MiB(2));
	alias_big_pa = palloc(MiB(2), MiB(2));

	paging_on();
	test_demand();
	test_aliases();
	test_remap();
	test_address_spaces();
	test_large_split();
	test_user();
	test_wp();
	test_nx();
	test_accessed_dirty();
}
