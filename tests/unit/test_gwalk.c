/* SPDX-License-Identifier: MIT */
/*
 * The x86 hardware page walker without EPT: every paging mode, exact
 * #PF error codes, A/D updates, the walk record and events, and guest
 * tables that try to hurt us.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/vm.h>

#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

#define P X86_PTE_P
#define RW X86_PTE_RW
#define US X86_PTE_US
#define A X86_PTE_A
#define D X86_PTE_D
#define PS X86_PTE_PS
#define G X86_PTE_G
#define XD X86_PTE_XD
#define PRW (P | RW)
#define PRWU (P | RW | US)

#define CR0_PE 1ull

static struct vm vm;
static struct x86_mmu_hw hw;
static struct walk_record rec;

static void setup(void)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_TDP, .ram_bytes = 64 * MiB,
	};

	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
	memset(&hw, 0, sizeof(hw));
	hw.vm = &vm;
}

static void teardown(void)
{
	vm_destroy(&vm);
}

static void put64(gpa_t gpa, uint64_t v)
{
	cr_assert_eq(vm_write_gpa(&vm, gpa, &v, 8), 0);
}

static void put32(gpa_t gpa, uint32_t v)
{
	cr_assert_eq(vm_write_gpa(&vm, gpa, &v, 4), 0);
}

static uint64_t get64(gpa_t gpa)
{
	uint64_t v;

	cr_assert_eq(vm_read_gpa(&vm, gpa, &v, 8), 0);
	return v;
}

static uint32_t get32(gpa_t gpa)
{
	uint32_t v;

	cr_assert_eq(vm_read_gpa(&vm, gpa, &v, 4), 0);
	return v;
}

/* --- 4-level ------------------------------------------------------------ */

#define PML4 0x10000ull
#define PDPT 0x11000ull
#define PD 0x12000ull
#define PT 0x13000ull
#define PAGE 0x200000ull
#define GVA 0x400000ull		/* PML4[0] PDPT[0] PD[2] PT[0] */

static struct x86_paging_ctx ctx64(void)
{
	return (struct x86_paging_ctx){
		.cr0 = CR0_PE | X86_CR0_PG | X86_CR0_WP,
		.cr3 = PML4,
		.cr4 = X86_CR4_PAE,
		.efer = X86_EFER_LMA | X86_EFER_NXE | BIT(8),
		.cpl = 0,
	};
}

/* PML4[0] -> PDPT[0] -> PD[2] -> PT[0] -> PAGE, upper entries @up. */
static void build64(uint64_t up, uint64_t leaf)
{
	put64(PML4, PDPT | up);
	put64(PDPT, PD | up);
	put64(PD + 2 * 8, PT | up);
	put64(PT, PAGE | leaf);
}

static int xlate(const struct x86_paging_ctx *ctx, gva_t gva, uint32_t access,
		 struct x86_xlate *out)
{
	memset(out, 0, sizeof(*out));
	return x86_hw_translate(&hw, ctx, gva, access, out, &rec);
}

/* Expect a #PF with @pferr, and no A/D written anywhere. */
static void expect_pf(const struct x86_paging_ctx *ctx, gva_t gva,
		      uint32_t access, uint32_t pferr)
{
	struct x86_xlate out;
	int ret = xlate(ctx, gva, access, &out);

	cr_assert_eq(ret, X86_XLATE_PF, "access %#x: expected #PF, got %d",
		     access, ret);
	cr_assert_eq(out.pferr, pferr, "access %#x: pferr %#x, expected %#x",
		     access, out.pferr, pferr);
	cr_assert_eq(rec.result, WALK_FAULT);
	cr_assert_eq(rec.fault_code, pferr);
	cr_assert_not_null(rec.why);
}

static void expect_ok(const struct x86_paging_ctx *ctx, gva_t gva,
		      uint32_t access, gpa_t gpa)
{
	struct x86_xlate out;
	int ret = xlate(ctx, gva, access, &out);

	cr_assert_eq(ret, X86_XLATE_OK, "access %#x: expected OK, got %d (pferr %#x, %s)",
		     access, ret, out.pferr, rec.why ? rec.why : "");
	cr_assert_eq(out.gpa, gpa, "gpa %#llx, expected %#llx",
		     (unsigned long long)out.gpa, (unsigned long long)gpa);
	cr_assert_eq(out.hpa, vm.ram_hpa + gpa);
}

TestSuite(gwalk, .init = setup, .fini = teardown);

Test(gwalk, four_level_read_sets_accessed_bits_only)
{
	struct x86_paging_ctx ctx = ctx64();
	struct x86_xlate out;

	build64(PRWU, PRWU);
	cr_assert_eq(xlate(&ctx, GVA + 0x123, 0, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, PAGE + 0x123);
	cr_assert_eq(out.hpa, vm.ram_hpa + PAGE + 0x123);
	cr_assert_eq(out.page_shift, 12);
	cr_assert_eq(out.perms & (WALK_P_READ | WALK_P_WRITE | WALK_P_USER | WALK_P_EXEC),
		     WALK_P_READ | WALK_P_WRITE | WALK_P_USER | WALK_P_EXEC);
	cr_assert_eq(get64(PML4), PDPT | PRWU | A);
	cr_assert_eq(get64(PDPT), PD | PRWU | A);
	cr_assert_eq(get64(PD + 16), PT | PRWU | A);
	cr_assert_eq(get64(PT), PAGE | PRWU | A, "no D on a read");
	/* the record */
	cr_assert_eq(rec.kind, WALK_GUEST);
	cr_assert_eq(rec.result, WALK_OK);
	cr_assert_eq(rec.nsteps, 4);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(rec.step[i].table, WALK_GUEST);
		cr_assert_eq(rec.step[i].level, 4 - i);
		cr_assert_eq(rec.step[i].input, GVA + 0x123);
		cr_assert_eq(rec.step[i].leaf, i == 3);
		cr_assert(rec.step[i].entry & A, "record holds the entry after A/D");
	}
	cr_assert_eq(rec.step[2].index, 2);
	cr_assert_eq(rec.step[2].table_addr, PD);
	cr_assert_eq(rec.step[2].entry_addr, PD + 16);
	cr_assert_eq(rec.out, PAGE + 0x123);
	cr_assert_eq(rec.out_hpa, vm.ram_hpa + PAGE + 0x123);
	cr_assert_eq(hw.last_walk.nsteps, 4, "last_walk follows real walks");
}

Test(gwalk, write_sets_dirty_on_the_leaf_only)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU);
	expect_ok(&ctx, GVA, PFERR_WRITE, PAGE);
	cr_assert_eq(get64(PT), PAGE | PRWU | A | D);
	cr_assert_eq(get64(PD + 16), PT | PRWU | A, "no D on a table entry");
	cr_assert(rec.perms & WALK_P_DIRTY);
}

Test(gwalk, events_of_a_walk_in_order)
{
	struct x86_paging_ctx ctx = ctx64();
	uint64_t seq;
	static const int want[] = {
		EV_pagetable_walk, EV_paging_element, EV_paging_element,
		EV_paging_element, EV_paging_element, EV_set_accessed_bit,
		EV_set_accessed_bit, EV_set_accessed_bit, EV_set_accessed_bit,
		EV_set_dirty_bit,
	};
	const struct hv_event *ev;

	build64(PRWU, PRWU);
	seq = vm.events.next_seq;
	expect_ok(&ctx, GVA, PFERR_WRITE, PAGE);
	cr_assert_eq(vm.events.next_seq - seq, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		ev = event_get(&vm.events, seq + i);
		cr_assert_eq(ev->kind, want[i], "event %u is %s", i,
			     event_name(ev->kind));
	}
	ev = event_get(&vm.events, seq + 3);
	cr_assert_eq(ev->level, 2);
	cr_assert_eq(ev->a[0], PT | PRWU);	/* the pte as read */
	cr_assert_eq(ev->a[1], PD);		/* table gpa */
	cr_assert_eq(ev->a[2], 2);		/* index */
	ev = event_get(&vm.events, seq + 9);
	cr_assert_eq(ev->a[0], PT);		/* gpa of the entry */
	cr_assert_eq(ev->a[1], PAGE | PRWU | A | D);
	/* Warm: nothing to set, no A/D events. */
	seq = vm.events.next_seq;
	expect_ok(&ctx, GVA, PFERR_WRITE, PAGE);
	cr_assert_eq(vm.events.next_seq - seq, 5);
}

Test(gwalk, peek_changes_nothing_and_emits_nothing)
{
	struct x86_paging_ctx ctx = ctx64();
	uint64_t seq = vm.events.next_seq;
	struct x86_xlate out;

	build64(PRWU, PRWU);
	hw.last_walk.nsteps = 42;
	cr_assert_eq(xlate(&ctx, GVA, PFERR_WRITE | X86_ACC_PEEK, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, PAGE);
	cr_assert_eq(get64(PML4), PDPT | PRWU);
	cr_assert_eq(get64(PT), PAGE | PRWU);
	cr_assert_eq(vm.events.next_seq, seq);
	cr_assert_eq(rec.nsteps, 4);
	cr_assert_eq(hw.last_walk.nsteps, 42, "peek leaves last_walk alone");
	/* a peek fault injects nothing but reports the code */
	put64(PT, 0);
	cr_assert_eq(xlate(&ctx, GVA, X86_ACC_PEEK, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, 0);
	cr_assert_eq(vm.events.next_seq, seq);
}

Test(gwalk, not_present_codes)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU);
	put64(PD + 16, 0);
	expect_pf(&ctx, GVA, 0, 0);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_WRITE);
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_FETCH);
	cr_assert_eq(rec.fault_level, 2);
	cr_assert_eq(rec.nsteps, 3);
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_WRITE | PFERR_USER);
	expect_pf(&ctx, GVA, PFERR_WRITE | X86_ACC_IMPLICIT, PFERR_WRITE);
	cr_assert_eq(get64(PML4), PDPT | PRWU, "no A on a faulting walk");
}

Test(gwalk, user_supervisor)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRW);		/* supervisor leaf */
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_USER);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_USER | PFERR_WRITE);
	expect_pf(&ctx, GVA, PFERR_FETCH,
		  PFERR_PRESENT | PFERR_USER | PFERR_FETCH);
	cr_assert_eq(get64(PT), PAGE | PRW, "no A on a faulting walk");
	cr_assert_eq(get64(PML4), PDPT | PRWU);
	ctx.cpl = 0;
	expect_ok(&ctx, GVA, 0, PAGE);
	/* U/S clear in an upper level is as good as in the leaf */
	build64(PRW, PRWU);
	put64(PML4, PDPT | PRWU);
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_USER);
}

Test(gwalk, read_write_and_cr0_wp)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, P | US);		/* read-only user leaf */
	ctx.cpl = 3;
	expect_ok(&ctx, GVA, 0, PAGE);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE | PFERR_USER);
	ctx.cpl = 0;
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE);
	cr_assert_str_eq(rec.why, "supervisor write to a read-only page with CR0.WP=1");
	ctx.cr0 &= ~X86_CR0_WP;
	expect_ok(&ctx, GVA, PFERR_WRITE, PAGE);
	cr_assert_eq(get64(PT), PAGE | P | US | A | D, "D set even so");
	cr_assert_eq(rec.perms & WALK_P_WRITE, 0, "the page itself stays read-only");
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE | PFERR_USER);
	/* R/W clear above the leaf */
	ctx = ctx64();
	build64(PRWU, PRWU);
	put64(PDPT, PD | P | US);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE);
}

Test(gwalk, execute_disable)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU | XD);
	expect_ok(&ctx, GVA, 0, PAGE);
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_PRESENT | PFERR_FETCH);
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_PRESENT | PFERR_FETCH | PFERR_USER);
	/* XD in an upper level */
	build64(PRWU, PRWU);
	put64(PML4, PDPT | PRWU | XD);
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_PRESENT | PFERR_FETCH | PFERR_USER);
	cr_assert_eq(rec.perms & WALK_P_EXEC, 0);
	/* EFER.NXE = 0: XD is a reserved bit, and I/D is not reported */
	ctx.efer &= ~X86_EFER_NXE;
	ctx.cpl = 0;
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_PRESENT | PFERR_RSVD);
	cr_assert_str_eq(rec.why, "XD (bit 63) set with EFER.NXE=0");
	cr_assert_eq(rec.fault_level, 4);
	put64(PML4, PDPT | PRWU);
	put64(PT, 0);
	expect_pf(&ctx, GVA, PFERR_FETCH, 0);
	ctx.cr4 |= X86_CR4_SMEP;
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_FETCH);
}

Test(gwalk, smep)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU);
	expect_ok(&ctx, GVA, PFERR_FETCH, PAGE);
	ctx.cr4 |= X86_CR4_SMEP;
	expect_pf(&ctx, GVA, PFERR_FETCH, PFERR_PRESENT | PFERR_FETCH);
	cr_assert_str_eq(rec.why, "SMEP: supervisor fetch from a user page");
	expect_ok(&ctx, GVA, 0, PAGE);
	ctx.cpl = 3;
	expect_ok(&ctx, GVA, PFERR_FETCH, PAGE);
	/* a supervisor page is fine for a supervisor fetch */
	build64(PRWU, PRW);
	ctx.cpl = 0;
	expect_ok(&ctx, GVA, PFERR_FETCH, PAGE);
}

Test(gwalk, smap_with_and_without_ac)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU);
	ctx.cr4 |= X86_CR4_SMAP;
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE);
	ctx.rflags_ac = true;
	expect_ok(&ctx, GVA, 0, PAGE);
	expect_ok(&ctx, GVA, PFERR_WRITE, PAGE);
	/* implicit supervisor accesses are checked whatever AC says */
	expect_pf(&ctx, GVA, X86_ACC_IMPLICIT, PFERR_PRESENT);
	cr_assert_str_eq(rec.why, "SMAP: implicit supervisor access to a user page");
	/* ... even at CPL 3 */
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, X86_ACC_IMPLICIT | PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE);
	expect_ok(&ctx, GVA, 0, PAGE);
	/* fetches are SMEP's business, not SMAP's */
	ctx.cpl = 0;
	ctx.rflags_ac = false;
	expect_ok(&ctx, GVA, PFERR_FETCH, PAGE);
	/* supervisor pages are not affected */
	build64(PRWU, PRW);
	expect_ok(&ctx, GVA, 0, PAGE);
}

Test(gwalk, check_perms_helper_agrees)
{
	struct x86_paging_ctx ctx = ctx64();
	uint32_t rwux = WALK_P_READ | WALK_P_WRITE | WALK_P_USER | WALK_P_EXEC;

	cr_assert_eq(x86_hw_check_perms(&ctx, rwux, PFERR_WRITE), 0);
	ctx.cr4 |= X86_CR4_SMAP;
	cr_assert_eq(x86_hw_check_perms(&ctx, rwux, PFERR_WRITE), PFERR_PRESENT | PFERR_WRITE);
	ctx.cpl = 3;
	cr_assert_eq(x86_hw_check_perms(&ctx, WALK_P_READ | WALK_P_USER, PFERR_FETCH),
		     PFERR_PRESENT | PFERR_USER | PFERR_FETCH);
}

Test(gwalk, reserved_bits)
{
	struct x86_paging_ctx ctx = ctx64();

	/* address bit above MAXPHYADDR in the leaf */
	build64(PRWU, PRWU | BIT(45));
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	cr_assert_eq(rec.fault_level, 1);
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_RSVD | PFERR_WRITE | PFERR_USER);
	ctx.cpl = 0;
	/* bit 51, the top reserved one; bits 62:52 are ignored */
	build64(PRWU, PRWU | BIT(51));
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	build64(PRWU, PRWU | BIT(52) | BIT(62));
	expect_ok(&ctx, GVA, 0, PAGE);
	/* PS in a PML4E */
	build64(PRWU, PRWU);
	put64(PML4, PDPT | PRWU | PS);
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	cr_assert_str_eq(rec.why, "PS set in a PML4E");
	/* bits 20:13 of a 2 MiB PDE */
	build64(PRWU, PRWU);
	put64(PD + 16, 0x600000 | PRWU | PS | BIT(13));
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	/* bits 29:13 of a 1 GiB PDPTE */
	build64(PRWU, PRWU);
	put64(PDPT, PRWU | PS | BIT(29));
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	/* PAT (bit 12) of a large page is not reserved */
	put64(PDPT, PRWU | PS | X86_PTE_PAT_LARGE);
	expect_ok(&ctx, GVA, 0, GVA);
	/* a non-present entry's other bits are not looked at */
	put64(PDPT, ~0ull & ~P);
	expect_pf(&ctx, GVA, 0, 0);
}

Test(gwalk, large_pages_and_global)
{
	struct x86_paging_ctx ctx = ctx64();
	struct x86_xlate out;

	build64(PRWU, PRWU);
	/* 2 MiB: PD[3] maps gva 6 MiB -> gpa 8 MiB */
	put64(PD + 3 * 8, 0x800000 | PRWU | PS | G);
	cr_assert_eq(xlate(&ctx, 0x6abcde, PFERR_WRITE, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, 0x8abcde);
	cr_assert_eq(out.page_shift, 21);
	cr_assert(out.perms & WALK_P_GLOBAL);
	cr_assert_eq(get64(PD + 3 * 8), 0x800000 | PRWU | PS | G | A | D);
	cr_assert_eq(rec.nsteps, 3);
	cr_assert(rec.step[2].leaf);
	/* 1 GiB: PDPT[1] maps gva 1 GiB -> gpa 0 */
	put64(PDPT + 8, 0 | PRWU | PS);
	cr_assert_eq(xlate(&ctx, GiB + 0x3456789, 0, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, 0x3456789);
	cr_assert_eq(out.page_shift, 30);
	cr_assert_eq(out.perms & WALK_P_GLOBAL, 0);
	/* 4 KiB leaf with G */
	put64(PT, PAGE | PRWU | G);
	expect_ok(&ctx, GVA, 0, PAGE);
	cr_assert(rec.perms & WALK_P_GLOBAL);
	/* the top half of the address space, PML4[511] */
	put64(PML4 + 511 * 8, PDPT | PRWU);
	expect_ok(&ctx, 0xffffff8000400000ull, 0, PAGE);
	cr_assert_eq(rec.step[0].index, 511);
}

Test(gwalk, final_gpa_outside_ram_is_mmio)
{
	struct x86_paging_ctx ctx = ctx64();
	struct x86_xlate out;

	build64(PRWU, PRWU);
	put64(PT, 0xfee00000 | PRWU);
	cr_assert_eq(xlate(&ctx, GVA + 0x30, PFERR_WRITE, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xfee00030);
	cr_assert_eq(rec.result, WALK_MMIO);
	cr_assert_eq(get64(PT), 0xfee00000 | PRWU | A | D);
}

Test(gwalk, guest_table_outside_ram_reads_all_ones)
{
	struct x86_paging_ctx ctx = ctx64();

	build64(PRWU, PRWU);
	put64(PDPT, 0xf0000000 | PRWU);		/* PD in no memslot */
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	cr_assert_eq(rec.fault_level, 2);
	cr_assert_eq(rec.step[2].entry, ~0ull);
	/* CR3 itself outside RAM */
	ctx.cr3 = 0xff00000000ull;
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	cr_assert_eq(rec.fault_level, 4);
	/* a wild address in a table entry: above MAXPHYADDR is RSVD */
	ctx = ctx64();
	put64(PDPT, 0x000ffffffffff000ull | PRWU);
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
	/* below MAXPHYADDR but beyond RAM: all ones again */
	put64(PDPT, 0xfffffff000ull | PRWU);
	expect_pf(&ctx, GVA, 0, PFERR_PRESENT | PFERR_RSVD);
}

Test(gwalk, self_referencing_tables_terminate)
{
	struct x86_paging_ctx ctx = ctx64();

	/* PML4[0] points at the PML4: every level reads it again, and the
	   "page" is the PML4 itself (the recursive-mapping trick). */
	put64(PML4, PML4 | PRWU);
	expect_ok(&ctx, 0x123, PFERR_WRITE, PML4 + 0x123);
	cr_assert_eq(rec.nsteps, 4);
	cr_assert_eq(get64(PML4), PML4 | PRWU | A | D);
	/* The same with PS set on the way: RSVD at level 4, no loop. */
	put64(PML4, PML4 | PRWU | PS);
	expect_pf(&ctx, 0x123, 0, PFERR_PRESENT | PFERR_RSVD);
}

/* --- 32-bit paging ---------------------------------------------------------- */

#define PD32 0x20000ull
#define PT32 0x21000ull

static struct x86_paging_ctx ctx32(void)
{
	return (struct x86_paging_ctx){
		.cr0 = CR0_PE | X86_CR0_PG | X86_CR0_WP,
		.cr3 = PD32 | 0x18,	/* PWT/PCD in CR3 are not address */
		.cr4 = X86_CR4_PSE,
	};
}

Test(gwalk, paging32_4k_and_4m)
{
	struct x86_paging_ctx ctx = ctx32();
	struct x86_xlate out;

	/* gva 0x00401234: PD[1] -> PT[1] -> page 0x300000 */
	put32(PD32 + 4, PT32 | PRWU);
	put32(PT32 + 4, 0x300000 | PRWU);
	expect_ok(&ctx, 0x00401234, PFERR_WRITE, 0x300234);
	cr_assert_eq(get32(PD32 + 4), PT32 | PRWU | A);
	cr_assert_eq(get32(PT32 + 4), 0x300000 | PRWU | A | D);
	cr_assert_eq(rec.nsteps, 2);
	cr_assert_eq(rec.step[0].level, 2);
	/* upper 32 bits of a gva are not looked at */
	expect_ok(&ctx, 0xabcd00000401234ull, 0, 0x300234);
	/* 4 MiB page: PD[2] maps gva 8 MiB -> gpa 12 MiB */
	put32(PD32 + 8, 0xc00000 | PRWU | PS);
	cr_assert_eq(xlate(&ctx, 0x812345, 0, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, 0xc12345);
	cr_assert_eq(out.page_shift, 22);
	/* PSE-36: bits 20:13 are physical bits 39:32 -> beyond RAM, MMIO */
	put32(PD32 + 8, 0xc00000 | PRWU | PS | BIT(13));
	cr_assert_eq(xlate(&ctx, 0x812345, 0, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0x100c12345ull);
	/* bit 21 is reserved */
	put32(PD32 + 8, 0xc00000 | PRWU | PS | BIT(21));
	expect_pf(&ctx, 0x812345, 0, PFERR_PRESENT | PFERR_RSVD);
	/* without CR4.PSE, PS is ignored: the entry points to a page table */
	ctx.cr4 = 0;
	put32(PD32 + 8, PT32 | PRWU | PS);
	expect_ok(&ctx, 0x801234, 0, 0x300234);
	cr_assert_eq(rec.page_shift, 12);
}

Test(gwalk, paging32_codes_have_no_id_bit_without_smep)
{
	struct x86_paging_ctx ctx = ctx32();

	put32(PD32 + 4, PT32 | PRWU);
	put32(PT32 + 4, 0x300000 | PRW);
	ctx.cpl = 3;
	expect_pf(&ctx, 0x401000, PFERR_FETCH, PFERR_PRESENT | PFERR_USER);
	/* bit 31 of a 32-bit entry is address, not XD */
	put32(PT32 + 4, 0x80000000u | PRWU);
	cr_assert_eq(xlate(&ctx, 0x401000, PFERR_FETCH, &(struct x86_xlate){0}),
		     X86_XLATE_MMIO);
	ctx.cpl = 0;
	ctx.cr4 |= X86_CR4_SMEP;
	expect_pf(&ctx, 0x401000, PFERR_FETCH, PFERR_PRESENT | PFERR_FETCH);
}

Test(gwalk, paging32_table_outside_ram_terminates)
{
	struct x86_paging_ctx ctx = ctx32();
	struct x86_xlate out;

	/* A PT outside RAM reads as 0xffffffff: a present, writable, user
	   PTE mapping 0xfffff000 -- outside RAM too, so MMIO. */
	put32(PD32 + 4, 0xfff00000u | PRWU);
	cr_assert_eq(xlate(&ctx, 0x401000, 0, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xfffff000u);
}

/* --- PAE ----------------------------------------------------------------------- */

#define PDPT_PAE 0x30020ull	/* 32-byte aligned, in the middle of a page */
#define PD_PAE 0x31000ull
#define PT_PAE 0x32000ull

static struct x86_paging_ctx ctxpae(void)
{
	return (struct x86_paging_ctx){
		.cr0 = CR0_PE | X86_CR0_PG | X86_CR0_WP,
		.cr3 = PDPT_PAE,
		.cr4 = X86_CR4_PAE,
		.efer = X86_EFER_NXE,
	};
}

Test(gwalk, pae_4k_2m_nx_and_pdpte_rules)
{
	struct x86_paging_ctx ctx = ctxpae();
	struct x86_xlate out;

	/* gva 0x40201234: PDPTE[1] -> PD[1] -> PT[1] */
	put64(PDPT_PAE + 8, PD_PAE | P);
	put64(PD_PAE + 8, PT_PAE | PRWU);
	put64(PT_PAE + 8, 0x500000 | PRWU | XD);
	expect_ok(&ctx, 0x40201234, PFERR_WRITE, 0x500234);
	cr_assert_eq(rec.nsteps, 3);
	cr_assert_eq(rec.step[0].level, 3);
	cr_assert_eq(rec.step[0].entry_addr, PDPT_PAE + 8);
	cr_assert_eq(get64(PDPT_PAE + 8), PD_PAE | P, "PAE PDPTEs have no A bit");
	cr_assert_eq(get64(PT_PAE + 8), 0x500000 | PRWU | XD | A | D);
	ctx.cpl = 3;
	expect_pf(&ctx, 0x40201234, PFERR_FETCH, PFERR_PRESENT | PFERR_USER | PFERR_FETCH);
	/* 2 MiB */
	put64(PD_PAE + 16, 0x600000 | PRWU | PS);
	cr_assert_eq(xlate(&ctx, 0x40412345, 0, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, 0x612345);
	cr_assert_eq(out.page_shift, 21);
	/* PDPTE reserved bits: R/W (bit 1) is reserved there */
	put64(PDPT_PAE + 8, PD_PAE | P | RW);
	expect_pf(&ctx, 0x40201234, 0, PFERR_PRESENT | PFERR_RSVD | PFERR_USER);
	cr_assert_str_eq(rec.why, "reserved bit set in a PAE PDPTE");
	/* bits 62:40 are reserved in PAE entries (not only 51:40) */
	put64(PDPT_PAE + 8, PD_PAE | P);
	put64(PT_PAE + 8, 0x500000 | PRWU | BIT(60));
	expect_pf(&ctx, 0x40201234, 0, PFERR_PRESENT | PFERR_RSVD | PFERR_USER);
	/* PDPTE not present */
	put64(PDPT_PAE + 8, 0);
	expect_pf(&ctx, 0x40201234, 0, PFERR_USER);
}

/* --- paging off ------------------------------------------------------------------- */

Test(gwalk, paging_off_is_identity)
{
	struct x86_paging_ctx ctx = { .cr0 = CR0_PE };
	struct x86_xlate out;
	uint64_t seq = vm.events.next_seq;

	expect_ok(&ctx, 0x1234, PFERR_WRITE, 0x1234);
	cr_assert_eq(rec.nsteps, 0);
	cr_assert_eq(vm.events.next_seq, seq, "no walk, no events");
	cr_assert_eq(xlate(&ctx, 0xfee00000, 0, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xfee00000);
}

/* --- the text a student reads ------------------------------------------------------ */

Test(gwalk, record_format_reads_well)
{
	struct x86_paging_ctx ctx = ctx64();
	char buf[4096];
	int n;

	build64(PRWU, P | US);
	expect_ok(&ctx, GVA + 0x10, 0, PAGE + 0x10);
	n = walk_record_format(&rec, buf, sizeof(buf));
	cr_log_info("\n%s", buf);
	cr_assert_eq((size_t)n, strlen(buf));
	cr_assert(strstr(buf, "guest walk of gva 0x0000000000400010: read, supervisor; 4 memory references\n"));
	cr_assert(strstr(buf, "guest L4 PML4E[  0]"));
	cr_assert(strstr(buf, "=> gpa 0x200010 = hpa"));
	ctx.cpl = 3;
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_PRESENT | PFERR_WRITE | PFERR_USER);
	walk_record_format(&rec, buf, sizeof(buf));
	cr_log_info("\n%s", buf);
	cr_assert(strstr(buf, "=> #PF, error code 0x7 (P W U) at level 1: user write to a read-only page\n"));
	put64(PT, 0);
	expect_pf(&ctx, GVA, PFERR_WRITE, PFERR_WRITE | PFERR_USER);
	walk_record_format(&rec, buf, sizeof(buf));
	cr_assert(strstr(buf, "(not-present W U) at level 1: entry not present"));
	/* truncation never overflows and reports the need */
	n = walk_record_format(&rec, buf, sizeof(buf));
	cr_assert_eq(walk_record_format(&rec, buf, 8), n);
	cr_assert_eq(strlen(buf), 7);
	cr_assert_str_eq(walk_result_name(WALK_NESTED_FAULT), "nested fault");
	cr_assert_str_eq(walk_table_name(WALK_EPT), "EPT");
}
