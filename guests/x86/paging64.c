/*
 * paging64: 4-level paging in long mode with 1 GiB, 2 MiB and 4 KiB
 * pages and execute-disable.
 *
 * Reference card
 *   va = PML4 (47:39) | PDPT (38:30) | PD (29:21) | PT (20:12) | offset;
 *   bits 63:48 must copy bit 47 (canonical), else the access raises #GP(0)
 *   before any walk. CR3 holds the PML4. A PDPTE with PS=1 maps 1 GiB, a
 *   PDE with PS=1 maps 2 MiB. R/W and U/S are ANDed and XD ORed over all
 *   four levels; A is set in every entry used, D in the leaf on write.
 *   #PF error code: P, W/R, U/S, and I/D on every fetch fault (NXE=1).
 *   Tables may be shared at any level: one PDPT under two PML4Es, one PD
 *   under two PDPTEs, one PT under two PDEs; a shadowing hypervisor must
 *   give each sharer the translation of its own VA.
 *
 * Memory: the first 1 GiB is identity mapped by one 1 GiB page, U=1 so
 * ring 3 can run the user functions linked into the image. Each test
 * owns a PML4 slot (512 GiB), SLOT(n) below; slots >= 256 are in the
 * upper canonical half.
 */
#include "guest.h"
#include "mmu.h"
#include "trap.h"

#define SLOT(n) ((n) < 256 ? (uint64_t)(n) << 39 : \
		 0xFFFF000000000000ull | (uint64_t)(n) << 39)

#define GIG_ALIAS_VA	SLOT(2)		/* 1 GiB page -> physical 0 */
#define BIG_VA		SLOT(4)		/* 2 MiB page, then split */
#define GIG_SPLIT_VA	SLOT(5)		/* 1 GiB page, then split */
#define USER_VA		SLOT(6)
#define USER_NOU_VA	SLOT(7)		/* PML4E U/S=0 */
#define WP_VA		SLOT(8)
#define NX_VA		SLOT(9)
#define SHARED_VA	SLOT(10)	/* and SLOT(11): one PDPT */
#define REMAP_VA	SLOT(12)
#define USER_RO_VA	SLOT(13)	/* PML4E R/W=0 */
#define AS_VA		SLOT(14)
#define NX_PML4_VA	SLOT(15)	/* PML4E XD=1 */
#define AD_VA		SLOT(16)
#define DEMAND_VA	(SLOT(256) + 0x50000000ull)
#define NONCANON_VA	0x0000800000000000ull

#define RW  (PTE_P | PTE_W)
#define URW (PTE_P | PTE_W | PTE_U)
#define FAULTED 0x100u

static const uint64_t alias_va[4] = {
	0x0000008000003000ull,	/* PML4 1, PDPT 0, PD 0, PT 3 */
	0x00007FFFFFE05000ull,	/* PML4 255, PDPT 511, PD 511, PT 5 */
	0xFFFF800040007000ull,	/* PML4 256, PDPT 1, PD 0, PT 7 */
	0xFFFFFFFFFFE09000ull,	/* PML4 511, PDPT 511, PD 511, PT 9 */
};
static const uint64_t alias_big_va[4] = {
	SLOT(3), SLOT(254) + 0x7FE00000ull, SLOT(300) + MiB(2),
	SLOT(510) + 0x40000000ull,
};

static struct pt64 kpt;
static uintptr_t big_pa, alias_big_pa;	/* 2 MiB-aligned frames */
static volatile uint32_t marker = 0x1234ABCD;	/* found through aliases */

static volatile struct {
	uint64_t lo, hi;
	int faults;
	uint64_t err, cr2;
} demand;

static volatile struct {
	bool armed;
	uint64_t err, cr2;
} user_abort;

static uint32_t rd32(uint64_t va)
{
	return *(volatile uint32_t *)va;
}

static void wr32(uint64_t va, uint32_t v)
{
	*(volatile uint32_t *)va = v;
}

static void map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	pt64_map(&kpt, va, pa, level, flags);
}

static pte64_t *entry(uint64_t va, int level)
{
	return pt64_walk(&kpt, va, level, false);
}

static uint64_t entry_pa(pte64_t e)
{
	return e & 0x000FFFFFFFFFF000ull;
}

/* #PF: demand paging, ring 3 abort, else a probe (see paging32.c). */
static void pf_handler(struct trapframe *tf)
{
	uint64_t va = read_cr2();

	if (!(tf->err & PF_P) && va >= demand.lo && va < demand.hi) {
		demand.faults++;
		demand.err = tf->err;
		demand.cr2 = va;
		map(va & ~0xFFFull, palloc_page(), 1, RW);
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
 * Replace the boot tables (2 MiB pages) with ours: PML4[0] -> PDPT whose
 * entry 0 is a 1 GiB page at physical 0. Turn on EFER.NXE and CR0.WP.
 */
static void paging_on(void)
{
	pt64_init(&kpt, 4);
	map(0, 0, 3, URW);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3((uintptr_t)kpt.root);
	write_cr0(read_cr0() | CR0_WP);
	report((rdmsr(MSR_EFER) & (EFER_LMA | EFER_NXE)) ==
	       (EFER_LMA | EFER_NXE) && (read_cr0() & CR0_WP),
	       "own 4-level tables, identity map by one 1 GiB page, NXE on");
}

/* A second 1 GiB page over physical 0: kernel data seen both ways. */
static void test_gig_alias(void)
{
	uint64_t va = GIG_ALIAS_VA + (uintptr_t)&marker;

	map(GIG_ALIAS_VA, 0, 3, RW);
	uint32_t seen = rd32(va);
	wr32(va, 0x600DCAFE);
	report(seen == 0x1234ABCD && marker == 0x600DCAFE,
	       "1 GiB page at 0x%llx over physical 0: kernel data read and "
	       "written through it", (unsigned long long)GIG_ALIAS_VA);
}

/* Demand paging in the upper canonical half. */
static void test_demand(void)
{
	demand.lo = DEMAND_VA;
	demand.hi = DEMAND_VA + 3 * PAGE_SIZE;

	wr32(DEMAND_VA + 0x124, 0xD00D0001);
	report(demand.faults == 1 && demand.err == PF_W &&
	       demand.cr2 == DEMAND_VA + 0x124 &&
	       rd32(DEMAND_VA + 0x124) == 0xD00D0001,
	       "demand write: #PF err 0x%llx cr2 0x%llx, mapped, store retried",
	       (unsigned long long)demand.err, (unsigned long long)demand.cr2);

	uint32_t v = rd32(DEMAND_VA + 0x1FF8);
	report(demand.faults == 2 && demand.err == 0 &&
	       demand.cr2 == DEMAND_VA + 0x1FF8 && v == 0,
	       "demand read: #PF err 0x%llx cr2 0x%llx, fresh page reads 0",
	       (unsigned long long)demand.err, (unsigned long long)demand.cr2);

	wr32(DEMAND_VA + 0x2000, 0xD00D0003);
	wr32(DEMAND_VA + 0x128, 0xD00D0002);
	pte64_t *pte = entry(DEMAND_VA, 1);
	report(demand.faults == 3 && pte &&
	       rd32(entry_pa(*pte) + 0x124) == 0xD00D0001 &&
	       rd32(entry_pa(*pte) + 0x128) == 0xD00D0002,
	       "3 pages, 3 faults; stores landed in the frames mapped");
	demand.hi = demand.lo;
}

/*
 * Aliases: one 4 KiB frame in four PML4 slots (both canonical halves,
 * first and last entries of tables); one 2 MiB frame likewise; then
 * tables shared between two parents at each level.
 */
static void test_aliases(void)
{
	uintptr_t pa = palloc_page();
	int bad = 0;

	for (int i = 0; i < 4; i++)
		map(alias_va[i], pa, 1, RW);
	for (int i = 0; i < 4; i++)
		wr32(alias_va[i] + 4 * i, 0xA1100000u + i);
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++)
			bad += rd32(alias_va[j] + 4 * i) != 0xA1100000u + i;
		bad += rd32(pa + 4 * i) != 0xA1100000u + i;
	}
	report(bad == 0, "4 KiB frame in PML4 slots 1, 255, 256, 511: each "
	       "store seen through all four");

	bad = 0;
	for (int i = 0; i < 4; i++)
		map(alias_big_va[i], alias_big_pa, 2, RW);
	for (int i = 0; i < 4; i++)
		wr32(alias_big_va[i] + i * KiB(512) + 8, 0xB1600000u + i);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			bad += rd32(alias_big_va[j] + i * KiB(512) + 8) !=
			       0xB1600000u + i;
	report(bad == 0, "2 MiB frame in PML4 slots 3, 254, 300, 510: each "
	       "store seen through all four");

	/* one PT under two PDEs, one PD under two PDPTEs, one PDPT under
	 * two PML4Es: SHARED_VA's chain reused at every level */
	uintptr_t fpa = palloc_page();
	wr32(fpa, 0x5AA4ED00);
	map(SHARED_VA + 0x5000, fpa, 1, RW);
	pte64_t *pml4e = entry(SHARED_VA, 4), *pdpte = entry(SHARED_VA, 3);
	pte64_t *pde = entry(SHARED_VA, 2);
	*entry(SHARED_VA + MiB(2), 2) = *pde;			/* PT shared */
	*entry(SHARED_VA + 0x40000000ull, 3) = *pdpte;		/* PD shared */
	*entry(SLOT(11), 4) = *pml4e;				/* PDPT shared */
	uint64_t sv[4] = {
		SHARED_VA + 0x5000, SHARED_VA + MiB(2) + 0x5000,
		SHARED_VA + 0x40000000ull + 0x5000, SLOT(11) + 0x5000,
	};
	bad = 0;
	for (int i = 0; i < 4; i++)
		wr32(sv[i] + 4 + 4 * i, 0x5AA4ED01 + i);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			bad += rd32(sv[j] + 4 + 4 * i) != 0x5AA4ED01u + i;
	report(bad == 0 && rd32(fpa) == 0x5AA4ED00,
	       "tables shared by two parents at PT, PD and PDPT level");
}

/*
 * Live changes: PTE + INVLPG, PTE + CR3 reload, cleared PTE faults, and
 * a PML4E switched to another PDPT chain + INVLPG (which also drops the
 * paging-structure caches for the address).
 */
static void test_remap(void)
{
	uintptr_t pa[4];

	for (int i = 0; i < 4; i++) {
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

	struct pt64 other = { .root = (pte64_t *)palloc_page(), .levels = 4 };
	pt64_map(&other, REMAP_VA, pa[3], 1, RW);
	*entry(REMAP_VA, 4) = other.root[(REMAP_VA >> 39) & 511];
	invlpg(REMAP_VA);
	report(rd32(REMAP_VA) == 0xF0000003u,
	       "PML4E switched to another PDPT/PD/PT chain + INVLPG: used");
}

/* Three PML4s sharing PML4E 0 (identity), each with AS_VA elsewhere. */
static void test_address_spaces(void)
{
	struct pt64 as[3];
	uint32_t got[3];

	for (int k = 0; k < 3; k++) {
		pt64_init(&as[k], 4);
		as[k].root[0] = kpt.root[0];
		uintptr_t pa = palloc_page();
		wr32(pa, 0xA5000000u + k);
		pt64_map(&as[k], AS_VA, pa, 1, RW);
	}
	for (int k = 0; k < 3; k++) {
		write_cr3((uintptr_t)as[k].root);
		got[k] = rd32(AS_VA);
	}
	report(got[0] == 0xA5000000u && got[1] == 0xA5000001u &&
	       got[2] == 0xA5000002u,
	       "3 PML4s map 0x%llx to 3 frames: 0x%08x 0x%08x 0x%08x",
	       (unsigned long long)AS_VA, got[0], got[1], got[2]);

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

/*
 * Splits: a 2 MiB page into 512 PTEs, and a 1 GiB page into 512 2 MiB
 * PDEs, each followed by INVLPG of its base, contents preserved, then one
 * piece remapped to prove the new table is in use.
 */
static void test_large_split(void)
{
	int bad = 0;

	map(BIG_VA, big_pa, 2, RW);
	for (uint32_t off = 0; off < MiB(2); off += 32)
		wr32(BIG_VA + off, pattern(off));
	for (uint32_t off = 0; off < MiB(2); off += 32)
		bad += rd32(big_pa + off) != pattern(off);
	report(bad == 0, "2 MiB page: 65536 words written, found in the "
	       "2 MiB frame");

	pte64_t *pt = (pte64_t *)palloc_page();
	for (uint32_t i = 0; i < 512; i++)
		pt[i] = (big_pa + i * PAGE_SIZE) | RW;
	*entry(BIG_VA, 2) = (uintptr_t)pt | URW;
	invlpg(BIG_VA);
	bad = 0;
	for (uint32_t off = 0; off < MiB(2); off += 32)
		bad += rd32(BIG_VA + off) != pattern(off);
	report(bad == 0, "2 MiB page split into 512 4 KiB PTEs: contents "
	       "preserved");

	uintptr_t pa = palloc_page();
	wr32(pa + 64, 0x0BADF00D);
	pt[5] = pa | RW;
	invlpg(BIG_VA + 5 * PAGE_SIZE);
	report(rd32(BIG_VA + 5 * PAGE_SIZE + 64) == 0x0BADF00D &&
	       rd32(BIG_VA + 4 * PAGE_SIZE + 64) == pattern(4 * PAGE_SIZE + 64) &&
	       rd32(BIG_VA + 6 * PAGE_SIZE + 64) == pattern(6 * PAGE_SIZE + 64),
	       "one 4 KiB piece remapped, its neighbours unchanged");

	/*
	 * 1 GiB -> 512 x 2 MiB; compare with the identity map over RAM in
	 * [1 MiB, 32 MiB) (below 1 MiB, QEMU has VGA memory, not RAM)
	 */
	map(GIG_SPLIT_VA, 0, 3, RW);
	uint64_t sum_before = 0, sum_after = 0, sum_ident = 0;
	for (uint64_t off = MiB(1); off < MiB(32); off += KiB(16))
		sum_before += rd32(GIG_SPLIT_VA + off) * (off | 1);
	pte64_t *pd = (pte64_t *)palloc_page();
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i * MiB(2)) | RW | PTE_PS;
	*entry(GIG_SPLIT_VA, 3) = (uintptr_t)pd | URW;
	invlpg(GIG_SPLIT_VA);
	for (uint64_t off = MiB(1); off < MiB(32); off += KiB(16)) {
		sum_after += rd32(GIG_SPLIT_VA + off) * (off | 1);
		sum_ident += rd32(off) * (off | 1);
	}
	report(sum_before == sum_ident && sum_after == sum_ident,
	       "1 GiB page split into 512 2 MiB PDEs: contents preserved");

	/* alias_big_pa holds ~pattern(); physical 16 MiB does not */
	uint64_t piece = GIG_SPLIT_VA + MiB(16);
	pd[8] = alias_big_pa | RW | PTE_PS;
	invlpg(piece);
	report(rd32(piece + 0x40) == ~pattern(0x40) &&
	       rd32(MiB(16) + 0x40) != ~pattern(0x40) &&
	       rd32(piece - MiB(2) + 0x40) == rd32(MiB(14) + 0x40) &&
	       rd32(piece + MiB(2) + 0x40) == rd32(MiB(18) + 0x40),
	       "one 2 MiB piece remapped, its neighbours unchanged");
}

/* ---- ring 3 functions, run through user_call() ---- */

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
	return *(volatile uint8_t *)va;
}

/*
 * User/supervisor in long mode: U/S must be 1 at all four levels for
 * ring 3, R/W at all four for a ring 3 write. The switch to ring 3 is an
 * IRETQ with a 64-bit user code segment; the way back an "int $0x80"
 * through a DPL 3 gate onto TSS.rsp0's stack.
 */
static void test_user(void)
{
	uintptr_t upa = palloc_page(), spa = palloc_page(), ropa = palloc_page();
	uintptr_t xpa = palloc_page();
	uint64_t pdpt_nou = USER_VA + 0x40000000ull, pd_nou = USER_VA + MiB(2);

	wr32(upa + 0x10, 0x42);
	memcpy((void *)xpa, probe_exec_stub, probe_exec_stub_len);
	map(USER_VA, upa, 1, URW);
	map(USER_VA + 0x1000, spa, 1, RW);
	map(USER_VA + 0x2000, ropa, 1, PTE_P | PTE_U);
	map(USER_VA + 0x4000, xpa, 1, PTE_P | PTE_U);
	map(USER_VA + 0x5000, xpa, 1, RW);
	map(USER_VA + 0x6000, xpa, 1, PTE_P | PTE_U | PTE_NX);
	map(USER_NOU_VA, upa, 1, URW);
	*entry(USER_NOU_VA, 4) &= ~(pte64_t)PTE_U;
	map(pdpt_nou, upa, 1, URW);
	*entry(pdpt_nou, 3) &= ~(pte64_t)PTE_U;
	map(pd_nou, upa, 1, URW);
	*entry(pd_nou, 2) &= ~(pte64_t)PTE_U;
	map(USER_RO_VA, upa, 1, URW);
	*entry(USER_RO_VA, 4) &= ~(pte64_t)PTE_W;
	write_cr3(read_cr3());

	int gates = user_calls_returned_via_gate;
	report(user_call(user_cpl, 0) == 3 && (read_cs() & 3) == 0 &&
	       user_calls_returned_via_gate == gates + 1,
	       "ran at CPL 3, back at CPL 0 through the DPL 3 int $0x80 gate");
	report(user_call(user_read, USER_VA + 0x10) == 0x42,
	       "ring 3 reads a user page");
	report(user_call(user_write, USER_VA + 0x20) == 0 &&
	       rd32(upa + 0x20) == 0x77, "ring 3 writes a user page");
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
	report_pf(user_call(user_write, USER_VA + 0x2030) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x2030,
		  "ring 3 writes a read-only user page");
	report_pf(user_call(user_read, USER_VA + 0x3040) == FAULTED,
		  PF_U, USER_VA + 0x3040, "ring 3 reads a not-present page");
	report_pf(user_call(user_read, USER_NOU_VA + 0x50) == FAULTED,
		  PF_P | PF_U, USER_NOU_VA + 0x50,
		  "PML4E U/S=0 denies ring 3");
	report_pf(user_call(user_read, pdpt_nou + 0x54) == FAULTED,
		  PF_P | PF_U, pdpt_nou + 0x54, "PDPTE U/S=0 denies ring 3");
	report_pf(user_call(user_read, pd_nou + 0x58) == FAULTED,
		  PF_P | PF_U, pd_nou + 0x58, "PDE U/S=0 denies ring 3");
	report(user_call(user_read, USER_RO_VA + 0x10) == 0x42,
	       "PML4E R/W=0: ring 3 may still read");
	report_pf(user_call(user_write, USER_RO_VA + 0x60) == FAULTED,
		  PF_P | PF_W | PF_U, USER_RO_VA + 0x60,
		  "PML4E R/W=0 denies a ring 3 write");

	gates = user_calls_returned_via_gate;
	user_abort.armed = true;
	uintptr_t r = user_call(user_touch, USER_VA + 0x1008);
	user_abort.armed = false;	/* in case no fault consumed it */
	report(r == 0xDEAD && user_abort.err == (PF_P | PF_U) &&
	       user_abort.cr2 == USER_VA + 0x1008 &&
	       user_calls_returned_via_gate == gates,
	       "a ring 3 fault (err 0x%llx cr2 0x%llx) returned to ring 0 "
	       "through the #PF handler", (unsigned long long)user_abort.err,
	       (unsigned long long)user_abort.cr2);
}

/* CR0.WP at ring 0 and ring 3 (see paging32.c). */
static void test_wp(void)
{
	uintptr_t pa = palloc_page();

	wr32(pa + 0x40, 0x5A);
	map(WP_VA, pa, 1, PTE_P);
	report_pf(probe_write8(WP_VA + 0x40, 0xA5), PF_P | PF_W, WP_VA + 0x40,
		  "CR0.WP=1: ring 0 writes a read-only page");
	report(rd32(pa + 0x40) == 0x5A, "the faulting write changed nothing");
	write_cr0(read_cr0() & ~CR0_WP);
	report(probe_write8(WP_VA + 0x40, 0xA5) == 0 && rd32(pa + 0x40) == 0xA5,
	       "CR0.WP=0: ring 0 writes the read-only page");
	report_pf(user_call(user_write, USER_VA + 0x2034) == FAULTED,
		  PF_P | PF_W | PF_U, USER_VA + 0x2034,
		  "CR0.WP=0: ring 3 still cannot write a read-only page");
	write_cr0(read_cr0() | CR0_WP);
	report_pf(probe_write8(WP_VA + 0x41, 0xA6), PF_P | PF_W, WP_VA + 0x41,
		  "CR0.WP=1 again: the ring 0 write faults again");
}

/*
 * Execute-disable at every level: XD in the PTE, PDE, PDPTE or PML4E
 * above executable entries, and in 2 MiB and 1 GiB leaves, each makes a
 * fetch fault with P|I/D; a not-present fetch reports I/D alone.
 */
static void test_nx(void)
{
	uintptr_t pa = palloc_page();
	uint64_t v_pte = NX_VA, v_pde = NX_VA + MiB(2);
	uint64_t v_pdpte = NX_VA + 0x40000000ull, v_2m = NX_VA + MiB(4);
	uint64_t v_1g = NX_VA + 0x80000000ull;

	memcpy((void *)pa, probe_exec_stub, probe_exec_stub_len);
	map(v_pte, pa, 1, PTE_P);
	map(v_pte + PAGE_SIZE, pa, 1, PTE_P | PTE_NX);
	map(v_pde, pa, 1, PTE_P);
	*entry(v_pde, 2) |= PTE_NX;
	map(v_pdpte, pa, 1, PTE_P);
	*entry(v_pdpte, 3) |= PTE_NX;
	map(NX_PML4_VA, pa, 1, PTE_P);
	*entry(NX_PML4_VA, 4) |= PTE_NX;
	memcpy((void *)big_pa, probe_exec_stub, probe_exec_stub_len);
	map(v_2m, big_pa, 2, PTE_P | PTE_NX);
	map(v_1g, 0, 3, PTE_P | PTE_NX);
	write_cr3(read_cr3());

	report(probe_exec(v_pte) == 0, "ring 0 executes a page without XD");
	report_pf(probe_exec(v_pte + PAGE_SIZE), PF_P | PF_ID,
		  v_pte + PAGE_SIZE, "fetch from a PTE with XD");
	uint8_t b = 0;
	report(probe_read8(v_pte + PAGE_SIZE, &b) == 0 && b == 0x31,
	       "data read from the XD page works");
	report_pf(probe_exec(v_pde), PF_P | PF_ID, v_pde,
		  "fetch under a PDE with XD");
	report_pf(probe_exec(v_pdpte), PF_P | PF_ID, v_pdpte,
		  "fetch under a PDPTE with XD");
	report_pf(probe_exec(NX_PML4_VA), PF_P | PF_ID, NX_PML4_VA,
		  "fetch under a PML4E with XD");
	report_pf(probe_exec(v_2m), PF_P | PF_ID, v_2m,
		  "fetch from a 2 MiB page with XD");
	report_pf(probe_exec(v_1g + big_pa), PF_P | PF_ID, v_1g + big_pa,
		  "fetch from a 1 GiB page with XD");
	report_pf(probe_exec(v_pte + 2 * PAGE_SIZE), PF_ID,
		  v_pte + 2 * PAGE_SIZE, "fetch from a not-present page");
}

/*
 * Accessed/dirty: a read sets A at all four levels of a 4 KiB walk and
 * not D; a write sets D. Likewise for 2 MiB and 1 GiB leaves.
 */
static void test_accessed_dirty(void)
{
	map(AD_VA, palloc_page(), 1, RW);
	pte64_t *e[5];
	for (int l = 1; l <= 4; l++) {
		e[l] = entry(AD_VA, l);
		*e[l] &= ~(pte64_t)(PTE_A | PTE_D);
	}
	invlpg(AD_VA);

	(void)rd32(AD_VA + 0x80);
	report((*e[1] & PTE_A) && !(*e[1] & PTE_D) && (*e[2] & PTE_A) &&
	       (*e[3] & PTE_A) && (*e[4] & PTE_A),
	       "read sets A in PML4E, PDPTE, PDE and PTE, leaves PTE.D clear");
	wr32(AD_VA + 0x80, 1);
	report((*e[1] & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "write sets PTE.D");

	uint64_t v2 = AD_VA + MiB(2), v1g = AD_VA + 0x40000000ull;
	map(v2, alias_big_pa, 2, RW);
	pte64_t *pde = entry(v2, 2);
	(void)rd32(v2 + 0x12340);
	report((*pde & PTE_A) && !(*pde & PTE_D),
	       "2 MiB page: read sets A, not D");
	wr32(v2 + 0x12340, 3);
	report((*pde & PTE_D) != 0, "2 MiB page: write sets D");

	map(v1g, 0, 3, RW);
	pte64_t *pdpte = entry(v1g, 3);
	(void)rd32(v1g + (uintptr_t)&marker);
	report((*pdpte & PTE_A) && !(*pdpte & PTE_D),
	       "1 GiB page: read sets A, not D");
	wr32(v1g + (uintptr_t)&marker, 0x1234ABCD);
	report((*pdpte & PTE_D) != 0, "1 GiB page: write sets D");
}

/* A non-canonical address never reaches the page walk: #GP(0). */
static void test_noncanonical(void)
{
	uint8_t b;
	int faulted = probe_read8(NONCANON_VA, &b);

	report(faulted && probe_last.vector == T_GP && probe_last.err == 0,
	       "read of non-canonical 0x%llx raises #GP(0)",
	       (unsigned long long)NONCANON_VA);
	probe_reset();
}

void guest_main(void)
{
	printf("paging64: 4-level paging, 4 KiB, 2 MiB and 1 GiB pages, NX\n");
	trap_set_handler(T_PF, pf_handler);
	trap_set_handler(T_GP, probe_handler);
	big_pa = palloc(MiB(2), MiB(2));
	alias_big_pa = palloc(MiB(2), MiB(2));
	for (uint32_t off = 0; off < MiB(2); off += 4)
		wr32(alias_big_pa + off, ~pattern(off));

	paging_on();
	test_gig_alias();
	test_demand();
	test_aliases();
	test_remap();
	test_address_spaces();
	test_large_split();
	test_user();
	test_wp();
	test_nx();
	test_accessed_dirty();
	test_noncanonical();
}
