/*
 * paging32: 32-bit two-level paging (CR4.PAE=0) with CR4.PSE 4 MiB pages.
 *
 * Reference card
 *   va = PD index (31:22) | PT index (21:12) | offset (11:0); CR3 holds
 *   the page directory's physical address. A PDE with PS=1 maps 4 MiB.
 *   Rights are the AND over PDE and PTE of R/W and of U/S; ring 0 ignores
 *   R/W when CR0.WP=0. No execute-disable exists in this mode, so the
 *   #PF error code never has I/D (bit 4) set here.
 *   A shadowing hypervisor covers one 4 KiB guest PD (1024 entries,
 *   4 GiB) with four 512-entry PAE directories, one per 1 GiB quarter of
 *   the address space, and one guest PT (4 MiB) with two PAE PTs: KVM's
 *   role.quadrant. The alias tests below therefore put the same frame in
 *   every quarter, in both halves of a page table, and share one page
 *   table between PDEs in different quarters.
 *
 * Memory: the image and the palloc pool (below 32 MiB) are identity
 * mapped with 4 MiB pages, U=1 so that ring 3 can run the user functions
 * linked into the image. Every test VA lies outside that window.
 */
#include "guest.h"
#include "mmu.h"
#include "trap.h"

#define IDENT_END	MiB(32)
#define DEMAND_VA	0x50000000u	/* three pages mapped on demand */
#define ALIAS_BIG_VA	0x11000000u	/* + n * 1 GiB: 4 MiB aliases */
#define SHARED_PT_VA	0x14000000u	/* and 0x94000000: one PT, two PDEs */
#define REMAP_VA	0x60000000u
#define AS_VA		0x70000000u	/* differs per address space */
#define BIG_VA		0x20000000u	/* 4 MiB page, then split */
#define USER_VA		0x30000000u	/* user/supervisor test pages */
#define WP_VA		0x34000000u
#define AD_VA		0x38000000u
#define AD_BIG_VA	0x3C000000u
#define EXEC_VA		0x3E000000u

static const uint32_t alias_va[4] = {
	0x0C003000u, 0x4C205000u, 0x8C007000u, 0xCC209000u,
};

#define FAULTED 0x100u	/* user function result: the probe faulted */

static uint32_t *kpd;			/* the kernel's page directory */
static uint32_t big_pa, alias_big_pa;	/* 4 MiB-aligned frames */

static volatile struct {
	uint32_t lo, hi;	/* VA range the #PF handler maps on demand */
	int faults;
	uint32_t err, cr2;
} demand;

static volatile struct {
	bool armed;		/* a ring 3 fault ends the user call */
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
	return rd32(pa);	/* physical memory is identity mapped */
}

/*
 * #PF: a not-present fault inside the demand range gets a fresh zeroed
 * frame mapped read/write and returns, so IRET re-executes the access.
 * A ring 3 fault while user_abort is armed ends the user call. Anything
 * else must be a probe (probe_fixup) or it is unexpected.
 */
static void pf_handler(struct trapframe *tf)
{
	uint32_t va = read_cr2();

	if (!(tf->err & PF_P) && va >= demand.lo && va < demand.hi) {
		demand.faults++;
		demand.err = tf->err;
		demand.cr2 = va;
		pt32_map(kpd, va & ~0xFFFu, palloc_page(), 1, PTE_P | PTE_W);
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
 * Identity map [0, 32 MiB) with eight 4 MiB PDEs (P|W|U|PS), then turn
 * on CR4.PSE, load CR3 and set CR0.PG with CR0.WP.
 */
static void paging_on(void)
{
	kpd = pt32_new();
	for (uint32_t pa = 0; pa < IDENT_END; pa += MiB(4))
		pt32_map(kpd, pa, pa, 2, PTE_P | PTE_W | PTE_U);
	write_cr4(read_cr4() | CR4_PSE);
	write_cr3((uintptr_t)kpd);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
	report((read_cr0() & CR0_PG) && (read_cr4() & CR4_PSE) &&
	       !(read_cr4() & CR4_PAE),
	       "32-bit paging on, identity map of 32 MiB in 4 MiB pages");
}

/*
 * Demand paging: touch pages that have no PTE. The CPU raises #PF with
 * P=0 (not present), W/R from the access, CR2 = the exact byte address;
 * the handler maps a frame and the retried access completes.
 */
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
	wr32(DEMAND_VA + 0x128, 0xD00D0002);	/* mapped by now: no fault */
	pte32_t *pte = pt32_walk(kpd, DEMAND_VA, 1, false);
	report(demand.faults == 3 && pte &&
	       pa_rd32((*pte & ~0xFFFu) + 0x124) == 0xD00D0001 &&
	       pa_rd32((*pte & ~0xFFFu) + 0x128) == 0xD00D0002,
	       "3 pages, 3 faults; stores landed in the frames mapped");
	demand.hi = demand.lo;
}

/*
 * Aliases: one frame at four VAs, one per 1 GiB quarter, alternately in
 * the low and high half of their page tables (va bit 21). A store through
 * any alias is a store to the frame, so every alias and the physical
 * address see it. Then the same with a 4 MiB page in each quarter, and a
 * page table shared by PDEs in quarters 0 and 2.
 */
static void test_aliases(void)
{
	uint32_t pa = palloc_page();
	int bad = 0;

	for (int i = 0; i < 4; i++)
		pt32_map(kpd, alias_va[i], pa, 1, PTE_P | PTE_W);
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
		pt32_map(kpd, ALIAS_BIG_VA + q * 0x40000000u, alias_big_pa, 2,
			 PTE_P | PTE_W);
	for (uint32_t q = 0; q < 4; q++)
		wr32(ALIAS_BIG_VA + q * 0x40000000u + q * MiB(1) + 0x8,
		     0xB1600000u + q);
	for (uint32_t q = 0; q < 4; q++)
		for (uint32_t r = 0; r < 4; r++)
			bad += rd32(ALIAS_BIG_VA + r * 0x40000000u +
				    q * MiB(1) + 0x8) != 0xB1600000u + q;
	report(bad == 0, "4 MiB page at 0x%08x + n GiB: each store seen "
	       "through all four quarters", ALIAS_BIG_VA);

	uint32_t *pt = pt32_new();
	uint32_t shared_hi = SHARED_PT_VA + 0x80000000u;
	uint32_t fpa = palloc_page();
	pt[5] = fpa | PTE_P | PTE_W;
	*pt32_walk(kpd, SHARED_PT_VA, 2, false) = (uint32_t)(uintptr_t)pt |
						   PTE_P | PTE_W;
	*pt32_walk(kpd, shared_hi, 2, false) = (uint32_t)(uintptr_t)pt |
						PTE_P | PTE_W;
	wr32(SHARED_PT_VA + 0x5000, 0x5AA4ED01);
	wr32(shared_hi + 0x5004, 0x5AA4ED02);
	report(rd32(shared_hi + 0x5000) == 0x5AA4ED01 &&
	       rd32(SHARED_PT_VA + 0x5004) == 0x5AA4ED02 &&
	       pa_rd32(fpa) == 0x5AA4ED01,
	       "one page table under PDEs for 0x%08x and 0x%08x",
	       SHARED_PT_VA, shared_hi);
}

/*
 * Changing a live translation: the TLB may keep the old one until told.
 * After rewriting a PTE, INVLPG of the VA must make the new frame
 * visible; so must a CR3 reload (which flushes all non-global entries).
 * A cleared PTE then faults (P=0), and a PDE switched to another page
 * table is used after INVLPG (which also drops paging-structure caches).
 */
static void test_remap(void)
{
	uint32_t pa[4];

	for (int i = 0; i < 4; i++) {
		pa[i] = palloc_page();
		wr32(pa[i], 0xF0000000u + i);
	}
	pt32_map(kpd, REMAP_VA, pa[0], 1, PTE_P | PTE_W);
	uint32_t before = rd32(REMAP_VA);
	pte32_t *pte = pt32_walk(kpd, REMAP_VA, 1, false);

	*pte = pa[1] | PTE_P | PTE_W;
	invlpg(REMAP_VA);
	report(before == 0xF0000000u && rd32(REMAP_VA) == 0xF0000001u,
	       "PTE rewritten to another frame + INVLPG: new frame seen");

	*pte = pa[2] | PTE_P | PTE_W;
	write_cr3(read_cr3());
	report(rd32(REMAP_VA) == 0xF0000002u,
	       "PTE rewritten again + CR3 reload: new frame seen");

	*pte = 0;
	invlpg(REMAP_VA);
	uint8_t b;
	report_pf(probe_read8(REMAP_VA + 8, &b), 0, REMAP_VA + 8,
		  "PTE cleared + INVLPG: read faults");

	uint32_t *pt2 = pt32_new();
	pt2[(REMAP_VA >> 12) & 0x3FF] = pa[3] | PTE_P | PTE_W;
	*pt32_walk(kpd, REMAP_VA, 2, false) = (uint32_t)(uintptr_t)pt2 |
					       PTE_P | PTE_W | PTE_U;
	invlpg(REMAP_VA);
	report(rd32(REMAP_VA) == 0xF0000003u,
	       "PDE switched to another page table + INVLPG: new PT used");
}

/*
 * Address spaces: three page directories share the identity PDEs but
 * map AS_VA to three different frames. Loading CR3 switches between
 * them; a store in one is invisible in the others.
 */
static void test_address_spaces(void)
{
	uint32_t *pd[3];
	uint32_t got[3];

	for (int k = 0; k < 3; k++) {
		pd[k] = pt32_new();
		for (uint32_t i = 0; i < IDENT_END >> 22; i++)
			pd[k][i] = kpd[i];
		uint32_t pa = palloc_page();
		wr32(pa, 0xA5000000u + k);
		pt32_map(pd[k], AS_VA, pa, 1, PTE_P | PTE_W);
	}
	for (int k = 0; k < 3; k++) {
		write_cr3((uintptr_t)pd[k]);
		got[k] = rd32(AS_VA);
	}
	report(got[0] == 0xA5000000u && got[1] == 0xA5000001u &&
	       got[2] == 0xA5000002u,
	       "3 page directories map 0x%08x to 3 frames: 0x%08x 0x%08x "
	       "0x%08x", AS_VA, got[0], got[1], got[2]);

	write_cr3((uintptr_t)pd[1]);
	wr32(AS_VA + 4, 0x1111);
	write_cr3((uintptr_t)pd[2]);
	uint32_t other = rd32(AS_VA + 4);
	write_cr3((uintptr_t)pd[1]);
	uint32_t back = rd32(AS_VA + 4);
	write_cr3((uintptr_t)kpd);
	report(other == 0 && back == 0x1111,
	       "store in one address space invisible in another, kept on "
	       "return");
}

/*
 * A 4 MiB page, filled with a pattern through its VA, then split: a new
 * page table of 1024 PTEs maps the same 4 MiB frame by frame and
 * replaces the PDE. INVLPG of any address in a large page drops its TLB
 * entry. The contents read the same; remapping one PTE then changes only
 * that 4 KiB, proving the PDE now points to a table.
 */
static uint32_t pattern(uint32_t i)
{
	return i * 0x9E3779B1u ^ 0x5A5A5A5Au;
}

static void test_large_split(void)
{
	int bad = 0;

	pt32_map(kpd, BIG_VA, big_pa, 2, PTE_P | PTE_W);
	for (uint32_t off = 0; off < MiB(4); off += 64)
		wr32(BIG_VA + off, pattern(off));
	for (uint32_t off = 0; off < MiB(4); off += 64)
		bad += pa_rd32(big_pa + off) != pattern(off);
	report(bad == 0, "4 MiB page at 0x%08x: 65536 words written, found "
	       "in the 4 MiB frame", BIG_VA);

	uint32_t *pt = pt32_new();
	for (uint32_t i = 0; i < 1024; i++)
		pt[i] = (big_pa + i * PAGE_SIZE) | PTE_P | PTE_W;
	*pt32_walk(kpd, BIG_VA, 2, false) = (uint32_t)(uintptr_t)pt |
					     PTE_P | PTE_W | PTE_U;
	invlpg(BIG_VA);
	bad = 0;
	for (uint32_t off = 0; off < MiB(4); off += 64)
		bad += rd32(BIG_VA + off) != pattern(off);
	report(bad == 0, "split into 1024 4 KiB PTEs: contents preserved");

	uint32_t pa = palloc_page();
	wr32(pa + 64, 0x0BADF00D);
	pt[5] = pa | PTE_P | PTE_W;
	invlpg(BIG_VA + 5 * PAGE_SIZE);
	report(rd32(BIG_VA + 5 * PAGE_SIZE + 64) == 0x0BADF00D &&
	       rd32(BIG_VA + 4 * PAGE_SIZE + 64) == pattern(4 * PAGE_SIZE + 64) &&
	       rd32(BIG_VA + 6 * PAGE_SIZE + 64) == pattern(6 * PAGE_SIZE + 64),
	       "one 4 KiB piece remapped, its neighbours unchanged");
}

/* ---- ring 3: these run at CPL 3 through user_call() ---- */

static uintptr_t user_cpl(uintptr_t unused)
{
	(void)unused;
	return read_cs() & 3;
}

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
	return *(volatile uint8_t *)va;	/* no probe: a fault ends the call */
}

/*
 * User/supervisor: ring 3 (entered by IRET with a CPL 3 CS, left through
 * the DPL 3 gate at vector 0x80, whose ring 0 stack comes from the TSS)
 * may touch only pages with U=1 in both PDE and PTE, and write only if
 * R/W=1 in both. Faults carry U/S=1; P=1 for a rights violation.
 */
static void test_user(void)
{
	uint32_t upa = palloc_page(), spa = palloc_page(), ropa = palloc_page();
	uint32_t xpa = palloc_page(), sxpa = palloc_page();
	uint32_t u2 = USER_VA + MiB(4), u3 = USER_VA + MiB(8);

	wr32(upa + 0x10, 0x42);
	memcpy((void *)(uintptr_t)xpa, probe_exec_stub, probe_exec_stub_len);
	memcpy((void *)(uintptr_t)sxpa, probe_exec_stub, probe_exec_stub_len);
	pt32_map(kpd, USER_VA, upa, 1, PTE_P | PTE_W | PTE_U);
	pt32_map(kpd, USER_VA + 0x1000, spa, 1, PTE_P | PTE_W);
	pt32_map(kpd, USER_VA + 0x2000, ropa, 1, PTE_P | PTE_U);
	pt32_map(kpd, USER_VA + 0x4000, xpa, 1, PTE_P | PTE_U);
	pt32_map(kpd, USER_VA + 0x5000, sxpa, 1, PTE_P | PTE_W);
	pt32_map(kpd, u2, upa, 1, PTE_P | PTE_W | PTE_U);
	*pt32_walk(kpd, u2, 2, false) &= ~PTE_U;	/* PDE: supervisor */
	pt32_map(kpd, u3, upa, 1, PTE_P | PTE_W | PTE_U);
	*pt32_walk(kpd, u3, 2, false) &= ~PTE_W;	/* PDE: read-only */
	write_cr3(read_cr3());

	int gates = user_calls_returned_via_gate;
	report(user_call(user_cpl, 0) == 3 && (read_cs() & 3) == 0 &&
	       user_calls_returned_via_gate == gates + 1,
	       "ran at CPL 3, back at CPL 0 through the DPL 3 int $0x80 gate");
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
		  PF_P | PF_U, USER_VA + 0x5000,
		  "ring 3 fetches from a supervisor page (no I/D without PAE)");
	report_pf(user_call(user_write, USER_VA + 0x2030) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x2030,
		  "ring 3 writes a read-only user page");
	report_pf(user_call(user_read, USER_VA + 0x3040) == FAULTED,
		  PF_U, USER_VA + 0x3040, "ring 3 reads a not-present page");
	report_pf(user_call(user_write, USER_VA + 0x3050) == FAULTED,
		  PF_W | PF_U, USER_VA + 0x3050,
		  "ring 3 writes a not-present page");
	report_pf(user_call(user_read, u2 + 0x60) == FAULTED, PF_P | PF_U,
		  u2 + 0x60, "PDE U/S=0 denies ring 3 though the PTE allows");
	report(user_call(user_read, u3 + 0x10) == 0x42,
	       "PDE R/W=0: ring 3 may still read");
	report_pf(user_call(user_write, u3 + 0x70) == FAULTED,
		  PF_P | PF_W | PF_U, u3 + 0x70,
		  "PDE R/W=0 denies a ring 3 write though the PTE allows");

	gates = user_calls_returned_via_gate;
	user_abort.armed = true;
	uintptr_t r = user_call(user_touch, USER_VA + 0x1008);
	user_abort.armed = false;	/* in case no fault consumed it */
	report(r == 0xDEAD && user_abort.err == (PF_P | PF_U) &&
	       user_abort.cr2 == USER_VA + 0x1008 &&
	       user_calls_returned_via_gate == gates,
	       "a ring 3 fault (err 0x%x cr2 0x%x) returned to ring 0 through "
	       "the #PF handler", user_abort.err, user_abort.cr2);
}

/*
 * CR0.WP: with WP=1 a ring 0 write to a read-only page faults (P|W);
 * with WP=0 ring 0 may write it, ring 3 still may not. The fault itself
 * drops any TLB entry for the address, so each step is well defined.
 */
static void test_wp(void)
{
	uint32_t pa = palloc_page();

	wr32(pa + 0x40, 0x5A);
	pt32_map(kpd, WP_VA, pa, 1, PTE_P);
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
 * Accessed and dirty: the CPU sets A in each PDE/PTE a walk uses and D in
 * the leaf on a write (never on a read). Entries start with A=D=0 and
 * INVLPG ensures the next access walks the tables.
 */
static void test_accessed_dirty(void)
{
	pt32_map(kpd, AD_VA, palloc_page(), 1, PTE_P | PTE_W);
	pte32_t *pde = pt32_walk(kpd, AD_VA, 2, false);
	pte32_t *pte = pt32_walk(kpd, AD_VA, 1, false);
	*pde &= ~PTE_A;
	invlpg(AD_VA);

	(void)rd32(AD_VA + 0x80);
	report((*pte & PTE_A) && !(*pte & PTE_D) && (*pde & PTE_A),
	       "read sets A in PDE and PTE, leaves PTE.D clear");
	wr32(AD_VA + 0x80, 1);
	report((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "write sets PTE.D");

	*pte &= ~(PTE_A | PTE_D);
	invlpg(AD_VA);
	wr32(AD_VA + 0x84, 2);
	report((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D),
	       "write to a clean, unaccessed page sets A and D");

	pt32_map(kpd, AD_BIG_VA, alias_big_pa, 2, PTE_P | PTE_W);
	pde = pt32_walk(kpd, AD_BIG_VA, 2, false);
	(void)rd32(AD_BIG_VA + 0x123450);
	report((*pde & PTE_A) && !(*pde & PTE_D),
	       "4 MiB page: read sets A, not D");
	wr32(AD_BIG_VA + 0x123450, 3);
	report((*pde & PTE_D) != 0, "4 MiB page: write sets D");
}

/*
 * Instruction fetch: a page without execute-disable runs; a fetch from a
 * not-present page faults with P=0 and, without PAE+NXE, no I/D bit.
 */
static void test_exec(void)
{
	uint32_t pa = palloc_page();

	memcpy((void *)(uintptr_t)pa, probe_exec_stub, probe_exec_stub_len);
	pt32_map(kpd, EXEC_VA, pa, 1, PTE_P);
	report(probe_exec(EXEC_VA) == 0, "ring 0 executes a mapped page");
	report_pf(probe_exec(EXEC_VA + PAGE_SIZE), 0, EXEC_VA + PAGE_SIZE,
		  "fetch from a not-present page");
}

void guest_main(void)
{
	printf("paging32: 32-bit paging, 4 KiB and 4 MiB pages\n");
	trap_set_handler(T_PF, pf_handler);
	big_pa = palloc(MiB(4), MiB(4));
	alias_big_pa = palloc(MiB(4), MiB(4));

	paging_on();
	test_demand();
	test_aliases();
	test_remap();
	test_address_spaces();
	test_large_split();
	test_user();
	test_wp();
	test_accessed_dirty();
	test_exec();
}
