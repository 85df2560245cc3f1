/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU through the hardware walker, with guest tables built
 * by hand: roots and quadrants, the fault path and #PF injection, write
 * protection and emulated writes, unsync and the unsync walk, the hash,
 * zapping, the previous-root cache, and the audit catching corruption.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <hv/vm.h>

#include "hv/mmu/shadow_internal.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

#define P X86_PTE_P
#define RW X86_PTE_RW
#define US X86_PTE_US
#define PS X86_PTE_PS
#define A X86_PTE_A
#define D X86_PTE_D
#define CR0_PE 1ull

static struct vm vm;
static struct x86_mmu_hw hw;
static struct shadow_mmu *mmu;
static struct x86_paging_ctx ctx;
static int flushes;
static char report[4096];

static void count_flush(struct vcpu *v) { flushes++; }
static const struct vcpu_ops fake_ops = { .name = "fake", .flush_tlb = count_flush };
static struct vcpu fake_vcpu = { .ops = &fake_ops };

static void put32(gpa_t gpa, uint32_t v) { cr_assert_eq(vm_write_gpa(&vm, gpa, &v, 4), 0); }
static void put64(gpa_t gpa, uint64_t v) { cr_assert_eq(vm_write_gpa(&vm, gpa, &v, 8), 0); }
static uint32_t get32(gpa_t gpa)
{
	uint32_t v;

	cr_assert_eq(vm_read_gpa(&vm, gpa, &v, 4), 0);
	return v;
}

static void setup(void)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_SHADOW, .ram_bytes = 64 * MiB,
	};

	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
	vm.vcpu = &fake_vcpu;
	memset(&hw, 0, sizeof(hw));
	mmu = shadow_mmu_create(&vm);
	cr_assert_not_null(mmu);
	flushes = 0;
}

static void teardown(void)
{
	shadow_mmu_destroy(mmu);
	vm.vcpu = NULL;
	vm_destroy(&vm);
}

static void attach(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	ctx = (struct x86_paging_ctx){ .cr0 = cr0, .cr3 = cr3, .cr4 = cr4,
				       .efer = efer };
	cr_assert_eq(shadow_mmu_attach(mmu, &hw, &ctx), 0);
}

static int xlate(gva_t gva, uint32_t access, struct x86_xlate *out)
{
	memset(out, 0, sizeof(*out));
	return x86_hw_translate(&hw, &ctx, gva, access, out, NULL);
}

static gpa_t read_ok(gva_t gva)
{
	struct x86_xlate out;
	int ret = xlate(gva, 0, &out);

	cr_assert_eq(ret, X86_XLATE_OK, "gva %#llx: %d pferr %#x",
		     (unsigned long long)gva, ret, out.pferr);
	cr_assert_eq(out.hpa, vm.ram_hpa + out.gpa, "the SPTE maps the gpa's page");
	return out.gpa;
}

/* A guest store as the CPU makes it: tracked pages are emulated. */
static int guest_store32(gva_t gva, uint32_t v, bool *tracked)
{
	struct x86_xlate out;
	int ret = xlate(gva, PFERR_WRITE, &out);

	if (ret != X86_XLATE_OK)
		return ret;
	*(uint32_t *)arena_hva(&vm.arena, out.hpa, 4) = v;
	*tracked = out.flags & X86_XLATE_F_TRACKED;
	cr_assert(!*tracked || !(out.perms & WALK_P_WRITE),
		  "a tracked page is never cacheable as writable");
	if (*tracked)
		hw.hooks->track_write(hw.hooks_opaque, out.gpa, &v, 4);
	return ret;
}

static void audit_clean(void)
{
	int n = shadow_mmu_audit(mmu, report, sizeof(report));

	cr_assert_eq(n, 0, "audit: %d violations:\n%s", n, report);
}

static unsigned int count_events(uint64_t from, enum ev_kind kind)
{
	unsigned int n = 0;

	for (uint64_t s = from; s < vm.events.next_seq; s++)
		n += event_get(&vm.events, s)->kind == kind;
	return n;
}

/* --- roles ---------------------------------------------------------------- */

TestSuite(role);

Test(role, child_quadrant_is_the_parity_of_the_parent_spte_index)
{
	union shadow_role parent = { .word = 0 }, child;

	parent.level = 2;
	parent.has_4_byte_gpte = 1;
	parent.quadrant = 3;
	parent.access = ACC_ALL;
	parent.cr0_wp = 1;
	for (unsigned int idx = 0; idx < 512; idx++) {
		child = shadow_child_role(parent, idx, false, ACC_USER | ACC_EXEC);
		cr_assert_eq(child.level, 1);
#ifdef SHADOW_BUG_COPY_PARENT_QUADRANT
		cr_assert_eq(child.quadrant, 3);
#else
		cr_assert_eq(child.quadrant, idx & 1, "index %u", idx);
#endif
		cr_assert_eq(child.access, ACC_USER | ACC_EXEC);
		cr_assert_eq(child.cr0_wp, 1, "inherited");
		cr_assert_eq(child.has_4_byte_gpte, 1);
		cr_assert_eq(child.direct, 0);
	}
}

Test(role, eight_byte_children_have_no_quadrant)
{
	union shadow_role parent = { .word = 0 }, child;

	parent.level = 4;
	parent.access = ACC_ALL;
	parent.efer_nx = 1;
	child = shadow_child_role(parent, 7, false, ACC_WRITE);
	cr_assert_eq(child.level, 3);
	cr_assert_eq(child.quadrant, 0);
	cr_assert_eq(child.efer_nx, 1);
	child = shadow_child_role(child, 1, true, ACC_ALL);
	cr_assert_eq(child.direct, 1);
	cr_assert_eq(child.level, 2);
}

Test(role, root_role_from_the_guest_registers)
{
	struct x86_paging_ctx c = { .cr0 = CR0_PE };
	union shadow_role r = shadow_root_role(&c);

	cr_assert(r.direct && r.level == 2, "paging off: direct PAE roots");
	c.cr0 |= X86_CR0_PG | X86_CR0_WP;
	r = shadow_root_role(&c);
	cr_assert(!r.direct && r.level == 2 && r.has_4_byte_gpte && r.cr0_wp);
	c.cr4 = X86_CR4_PAE;
	c.efer = X86_EFER_NXE;
	r = shadow_root_role(&c);
	cr_assert(r.level == 2 && !r.has_4_byte_gpte && r.efer_nx);
	c.efer |= X86_EFER_LMA;
	r = shadow_root_role(&c);
	cr_assert_eq(r.level, 4);
	c.cr0 &= ~X86_CR0_WP;
	c.cr4 |= X86_CR4_SMEP;
	r = shadow_root_role(&c);
	cr_assert(r.smep_andnot_wp && !r.cr0_wp);
	cr_assert_eq((r.word >> SHADOW_ROLE_QUADRANT_SHIFT) & 3, r.quadrant);
}

/* --- 32-bit paging: the four quadrants --------------------------------------- */

#define PD32 0x10000ull
#define PT32 0x11000ull
#define FRAME 0x200000ull
#define CR0_PG32 (CR0_PE | X86_CR0_PG | X86_CR0_WP)

TestSuite(shadow, .init = setup, .fini = teardown);

static union shadow_role role32(unsigned int level, unsigned int quadrant,
				unsigned int access)
{
	union shadow_role r = shadow_root_role(&ctx);

	r.level = level;
	r.quadrant = quadrant;
	r.access = access;
	return r;
}

Test(shadow, non_pae_guest_gets_four_quadrant_roots)
{
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(hw.shadow_levels, 3, "a PAE-format shadow");
	for (unsigned int q = 0; q < 4; q++) {
		struct shadow_page *sp = shadow_find_page(mmu, gpa_to_gfn(PD32),
							  role32(2, q, ACC_ALL));

		cr_assert_not_null(sp, "quadrant %u", q);
		cr_assert_eq(sp->root_count, 1);
		cr_assert_eq(shadow_pae_root_sp(mmu, hw.shadow_root, q), sp);
	}
	audit_clean();
}

/*
 * Guest PDE 0x300 (gva 0xC0000000, quadrant 3) -> PT32. The lower half
 * of the PT (PTEs 0..511) is shadowed by quadrant 0, the upper by 1.
 */
Test(shadow, leaf_quadrant_follows_the_half_of_the_guest_pt)
{
	uint64_t seq;
	gva_t lo = 0xC0000000ull + 5 * PAGE_SIZE;
	gva_t hi = 0xC0000000ull + 600 * PAGE_SIZE;
	struct shadow_page *sp0, *sp1;

	put32(PD32 + 0x300 * 4, PT32 | P | RW);
	put32(PT32 + 5 * 4, FRAME | P | RW);
	put32(PT32 + 600 * 4, (FRAME + PAGE_SIZE) | P | RW);
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	seq = vm.events.next_seq;
	cr_assert_eq(read_ok(lo), FRAME);
	cr_assert_eq(read_ok(hi), FRAME + PAGE_SIZE);
	sp0 = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC));
	sp1 = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 1, ACC_WRITE | ACC_EXEC));
	cr_assert_not_null(sp0, "lower half: quadrant 0");
	cr_assert_not_null(sp1, "upper half: quadrant 1");
	cr_assert_neq(sp0, sp1);
	cr_assert_eq(count_events(seq, EV_get_page), 2);
	/* the get_page events carry the quadrant as its own field */
	for (uint64_t s = seq; s < vm.events.next_seq; s++) {
		const struct hv_event *ev = event_get(&vm.events, s);

		if (ev->kind == EV_get_page)
			cr_assert_eq(ev->a[2], (ev->a[1] >> SHADOW_ROLE_QUADRANT_SHIFT) & 3);
	}
	audit_clean();
}

Test(shadow, guest_pf_is_injected_with_the_guests_error_code)
{
	struct x86_xlate out;

	put32(PD32, PT32 | P | RW);
	put32(PT32 + 4, FRAME | P);	/* read-only, supervisor */
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(xlate(0x5000, 0, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, 0, "not present, supervisor read");
	cr_assert_eq(xlate(0x1000, PFERR_WRITE, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, PFERR_PRESENT | PFERR_WRITE);
	ctx.cpl = 3;
	cr_assert_eq(xlate(0x1000, 0, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, PFERR_PRESENT | PFERR_USER);
	ctx.cpl = 0;
	cr_assert_eq(mmu->stats.guest_faults, 3);
	cr_assert_not(get32(PD32) & A, "a faulting walk sets no A bit");
	cr_assert_eq(read_ok(0x1000), FRAME);
	cr_assert(get32(PD32) & A, "the guest walk set A in the PDE");
	cr_assert(get32(PT32 + 4) & A, "... and in the PTE");
	audit_clean();
}

Test(shadow, large_guest_page_is_shadowed_by_direct_pages)
{
	put32(PD32 + 2 * 4, 0x400000 | P | RW | PS);	/* 4 MiB at 8 MiB */
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(read_ok(0x800000 + 0x3123), 0x403123);
	cr_assert_eq(read_ok(0xA00000 + 0x1000), 0x601000, "second 2 MiB half");
	{
		/* The guest's D is clear: the direct pages have no W. */
		union shadow_role r = role32(1, 0, ACC_EXEC);
		struct x86_xlate out;

		r.direct = 1;
		cr_assert_not_null(shadow_find_page(mmu, gpa_to_gfn(0x400000), r));
		r.quadrant = 1;
		cr_assert_not_null(shadow_find_page(mmu, gpa_to_gfn(0x600000), r));
		/* A write sets D; a direct page with W replaces the link. */
		cr_assert_eq(xlate(0x800000, PFERR_WRITE, &out), X86_XLATE_OK);
		cr_assert(get32(PD32 + 2 * 4) & D);
		r = role32(1, 0, ACC_WRITE | ACC_EXEC);
		r.direct = 1;
		cr_assert_not_null(shadow_find_page(mmu, gpa_to_gfn(0x400000), r));
	}
	audit_clean();
}

/* --- write protection, emulation, unsync --------------------------------------- */

/* PT32 is also mapped as data at gva 0x3000, so the guest can edit it. */
static void build_self_map(void)
{
	put32(PD32, PT32 | P | RW);
	put32(PT32 + 1 * 4, FRAME | P | RW | D | A);
	put32(PT32 + 3 * 4, PT32 | P | RW | D | A);
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
}

Test(shadow, a_leaf_table_goes_unsync_and_syncs_on_invlpg)
{
	struct shadow_page *sp;
	bool tracked;

	build_self_map();
	cr_assert_eq(read_ok(0x1000), FRAME);
	sp = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC));
	cr_assert_not_null(sp);
	/* The first write to the PT page makes it unsync, not emulated. */
	cr_assert_eq(guest_store32(0x3000 + 1 * 4, (FRAME + 0x5000) | P | RW | A | D,
				   &tracked), X86_XLATE_OK);
	cr_assert_not(tracked);
	cr_assert(sp->unsync);
	cr_assert_eq(mmu->stats.unsync, 1);
	{
		struct shadow_page *root = shadow_pae_root_sp(mmu, hw.shadow_root, 0);

		cr_assert_eq(root->unsync_children, 1, "the parent knows");
		cr_assert(root->unsync_child_bitmap[0] & 1);
	}
	audit_clean();
	cr_assert_eq(read_ok(0x1000), FRAME, "stale until INVLPG, as a TLB");
	hw.hooks->invlpg(hw.hooks_opaque, 0x1000);
	cr_assert_eq(read_ok(0x1000), FRAME + 0x5000, "synced by INVLPG");
	cr_assert(sp->unsync, "INVLPG syncs the SPTE, the page stays unsync");
	/* A CR3 load syncs the page and write-protects it again. */
	hw.hooks->paging_changed(hw.hooks_opaque, 3, PD32, PD32);
	cr_assert_not(sp->unsync);
	cr_assert_eq(shadow_pae_root_sp(mmu, hw.shadow_root, 0)->unsync_children, 0);
	audit_clean();
}

Test(shadow, writes_to_a_directory_are_emulated_and_zap)
{
	bool tracked;
	uint64_t seq;

	build_self_map();
	put32(PT32 + 4 * 4, PD32 | P | RW | D | A);	/* the PD at gva 0x4000 */
	cr_assert_eq(read_ok(0x1000), FRAME);
	seq = vm.events.next_seq;
	/* PDE 1 (gva 0x400000) -> PT32 too */
	cr_assert_eq(guest_store32(0x4000 + 4, PT32 | P | RW, &tracked), X86_XLATE_OK);
	cr_assert(tracked, "a directory is write-tracked: the write is emulated");
	cr_assert_eq(count_events(seq, EV_pte_write), 1);
	cr_assert_eq(read_ok(0x400000 + 0x1000), FRAME);
	/* Rewrite PDE 0 to not present: the shadow PDE goes with it. */
	cr_assert_eq(guest_store32(0x4000, 0, &tracked), X86_XLATE_OK);
	cr_assert(tracked);
	cr_assert(mmu->stats.pte_writes_zapped >= 1);
	{
		struct x86_xlate out;

		cr_assert_eq(xlate(0x1000, 0, &out), X86_XLATE_PF);
	}
	audit_clean();
}

Test(shadow, write_flooding_zaps_a_directory_no_longer_used)
{
	bool tracked;

	build_self_map();
	put32(PT32 + 4 * 4, PD32 | P | RW | D | A);
	put32(PD32 + 0x100 * 4, PT32 | P | RW);	/* gva 0x40000000 */
	cr_assert_eq(read_ok(0x40001000), FRAME);
	cr_assert_eq(read_ok(0x1000), FRAME);
	/* three writes to PD entries of quadrant 1 with no fault through it */
	for (int i = 0; i < 3; i++)
		cr_assert_eq(guest_store32(0x4000 + (0x180 + i) * 4, 0, &tracked),
			     X86_XLATE_OK);
	/* every quadrant page of the PD counts the writes; quadrant 0 is
	   used by the faults of the stores themselves, so it survives */
	cr_assert_geq(mmu->stats.flooded, 1, "quadrant 1's page was zapped");
	cr_assert_geq(mmu->stats.root_loads, 2, "the zapped roots were rebuilt");
	cr_assert_eq(read_ok(0x40001000), FRAME, "and comes back on demand");
	audit_clean();
}

/* --- hash, zap, roots ---------------------------------------------------------- */

Test(shadow, hash_lookup_counts_collisions)
{
	union shadow_role r = { .word = 0 };
	gfn_t g0 = 0x100, g1;
	struct shadow_page *a, *b;

	attach(CR0_PE, 0, 0, 0);
	r.level = 1;
	r.direct = 1;
	r.access = ACC_ALL;
	for (g1 = g0 + 1; shadow_hash_fn(g1) != shadow_hash_fn(g0); g1++)
		;
	a = shadow_get_page(mmu, g0, r);
	b = shadow_get_page(mmu, g1, r);
	cr_assert(a && b && a != b);
	cr_assert_eq(shadow_find_page(mmu, g0, r), a);
	cr_assert_eq(shadow_find_page(mmu, g1, r), b);
	mmu->stats.hash_collisions = 0;
	cr_assert_eq(shadow_get_page(mmu, g0, r), a, "found again");
	cr_assert_eq(mmu->stats.hash_collisions, 1, "passed g1 in the bucket");
	cr_assert_geq(mmu->stats.max_hash_collisions, 1);
	r.access = ACC_USER;
	cr_assert_null(shadow_find_page(mmu, g0, r), "another role is another page");
}

Test(shadow, zap_is_two_phase_and_frees_the_tables)
{
	struct shadow_page *invalid = NULL, *sp;
	uint64_t tables;

	build_self_map();
	read_ok(0x1000);
	sp = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC));
	cr_assert_not_null(sp);
	tables = vm.arena.tables_in_use;
	flushes = 0;
	cr_assert_eq(shadow_prepare_zap_page(mmu, sp, &invalid), 1);
	cr_assert_eq(vm.arena.tables_in_use, tables, "phase 1 frees nothing");
	cr_assert_eq(sp->parent_ptes.n, 0, "unlinked");
	shadow_commit_zap(mmu, &invalid);
	cr_assert_eq(flushes, 1, "one flush");
	cr_assert_eq(vm.arena.tables_in_use, tables - 1);
	cr_assert_null(shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC)));
	cr_assert_eq(read_ok(0x1000), FRAME);
	audit_clean();
}

Test(shadow, prev_root_cache_keeps_three_address_spaces)
{
	gpa_t pd[3] = { 0x20000, 0x21000, 0x22000 };
	uint64_t loads;

	for (int k = 0; k < 3; k++) {
		put32(pd[k], PT32 | P | RW);
		put32(pd[k] + 4, (PT32 + 0x1000 * (k + 1)) | P | RW);
	}
	put32(PT32 + 4, FRAME | P | RW);
	attach(CR0_PG32, pd[0], X86_CR4_PSE, 0);
	for (int round = 0; round < 3; round++)
		for (int k = 0; k < 3; k++) {
			uint64_t old = ctx.cr3;

			ctx.cr3 = pd[k];
			hw.hooks->paging_changed(hw.hooks_opaque, 3, old, pd[k]);
			cr_assert_eq(read_ok(0x1000), FRAME);
			audit_clean();
		}
	loads = mmu->stats.root_loads;
	cr_assert_eq(loads, 3, "built once each, %llu loads",
		     (unsigned long long)loads);
	cr_assert_geq(mmu->stats.prev_root_hits, 6);
}

Test(shadow, four_level_and_pae_guests)
{
	/* 4-level: PML4 0x30000 -> PDPT 0x31000 -> PD 0x32000 (2 MiB page) */
	put64(0x30000, 0x31000 | P | RW);
	put64(0x31000, 0x32000 | P | RW);
	put64(0x32000 + 8, 0x400000 | P | RW | PS);
	attach(CR0_PE | X86_CR0_PG | X86_CR0_WP, 0x30000, X86_CR4_PAE,
	       X86_EFER_LMA | BIT(8) | X86_EFER_NXE);
	cr_assert_eq(hw.shadow_levels, 4);
	cr_assert_eq(read_ok(0x200000 + 0x1234), 0x401234);
	audit_clean();
	/* PAE: PDPT at 0x40000 (32-byte aligned), PDPTE 1 -> PD 0x41000 */
	put64(0x40008, 0x41000 | P);
	put64(0x41000 + 3 * 8, 0x42000 | P | RW);
	put64(0x42000 + 2 * 8, FRAME | P | RW | X86_PTE_XD);
	ctx.cr3 = 0x40000;
	ctx.efer = X86_EFER_NXE;
	shadow_set_regs(mmu, &ctx);
	cr_assert_eq(hw.shadow_levels, 3);
	cr_assert_eq(read_ok(0x40000000 + 3 * 0x200000 + 2 * PAGE_SIZE), FRAME);
	{
		struct x86_xlate out;

		cr_assert_eq(xlate(0x40000000 + 3 * 0x200000 + 2 * PAGE_SIZE,
				   PFERR_FETCH, &out), X86_XLATE_PF);
		cr_assert_eq(out.pferr, PFERR_PRESENT | PFERR_FETCH, "XD page");
	}
	audit_clean();
}

/*
 * A recursive (self-referencing) 4-level table, as some kernels build:
 * PML4[511] points at the PML4 itself, so the tables are reachable as
 * data at 0xffffff8000000000 + ... . The shadow MMU must write-protect
 * the PML4 even though it is also mapped as a leaf through itself, and
 * writes through the recursive window are PTE writes it must emulate.
 */
/* The gva whose walk uses PML4/PDPT/PD/PT indices a, b, c, d. */
#define GVA4(a, b, c, d) (0xffff000000000000ull * ((a) >> 8) |		\
			  (uint64_t)(a) << 39 | (uint64_t)(b) << 30 |	\
			  (uint64_t)(c) << 21 | (uint64_t)(d) << 12)

Test(shadow, recursive_tables_are_write_protected_and_emulated)
{
	const gva_t pml4_view = GVA4(511, 511, 511, 511);
	const gva_t pdpt_view = GVA4(511, 511, 511, 0);
	const gva_t pd_view = GVA4(511, 511, 0, 0);
	struct x86_xlate out;
	bool tracked;

	put64(0x30000, 0x31000 | P | RW);
	put64(0x30000 + 511 * 8, 0x30000 | P | RW);
	put64(0x31000, 0x32000 | P | RW);
	put64(0x32000, 0x400000 | P | RW | PS);
	attach(CR0_PE | X86_CR0_PG | X86_CR0_WP, 0x30000, X86_CR4_PAE,
	       X86_EFER_LMA | BIT(8) | X86_EFER_NXE);
	cr_assert_eq(read_ok(0x1234), 0x401234);
	/* Each table read as data through PML4[511]. */
	cr_assert_eq(read_ok(pml4_view + 511 * 8), 0x30000 + 511 * 8);
	cr_assert_eq(read_ok(pdpt_view), 0x31000);
	cr_assert_eq(read_ok(pd_view), 0x32000);
	audit_clean();
	/* A store through the window is a write to a guest table. */
	cr_assert_eq(xlate(pml4_view + 8, PFERR_WRITE, &out), X86_XLATE_OK);
	cr_assert(out.flags & X86_XLATE_F_TRACKED, "the PML4 is write-protected");
	/* PML4[1] -> the same PDPT: 512 GiB up, the same 2 MiB page. */
	cr_assert_eq(guest_store32(pml4_view + 8, 0x31000 | P | RW, &tracked),
		     X86_XLATE_OK);
	cr_assert(tracked);
	cr_assert_eq(read_ok((1ull << 39) + 0x1234), 0x401234);
	audit_clean();
	/* Unmap the 2 MiB page by clearing PD[0] through its view. */
	cr_assert_eq(guest_store32(pd_view, 0, &tracked), X86_XLATE_OK);
	cr_assert(tracked, "the PD is a guest table");
	cr_assert_eq(xlate(0x1234, 0, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, 0, "not present now: %#x", out.pferr);
	cr_assert_eq(xlate((1ull << 39) + 0x1234, 0, &out), X86_XLATE_PF);
	audit_clean();
}

/*
 * The 32-bit classic: PD[1023] points at the PD, so the page tables
 * appear at 0xFFC00000 and the PD itself at 0xFFFFF000. The PD is then
 * shadowed both as a directory (four level-2 pages, quadrants 0-3) and,
 * reached through PDE 1023, as a page table (two level-1 pages,
 * quadrants 0 and 1): one guest page, six shadow pages.
 */
Test(shadow, recursive_32bit_directory)
{
	struct x86_xlate out;
	bool tracked;

	put32(PD32 + 1023 * 4, (uint32_t)PD32 | P | RW);
	put32(PD32, (uint32_t)PT32 | P | RW);
	put32(PT32, (uint32_t)FRAME | P | RW);
	put32(PT32 + 4, (uint32_t)(FRAME + PAGE_SIZE) | P | RW);
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(read_ok(0x10), FRAME + 0x10);
	cr_assert_eq(read_ok(0xFFFFF000 + 1023 * 4), PD32 + 1023 * 4,
		     "the PD through itself");
	cr_assert_eq(read_ok(0xFFC00000), PT32, "PT 0 through the window");
	/* PDE 1023 (supervisor, writable) covers shadow PDEs 510 and 511
	   of the quadrant-3 directory: the PD as a page table, both halves. */
	for (unsigned int q = 0; q < 2; q++)
		cr_assert_not_null(shadow_find_page(mmu, gpa_to_gfn(PD32),
						    role32(1, q, ACC_WRITE | ACC_EXEC)),
				   "the PD shadowed as a page table, quadrant %u", q);
	audit_clean();
	/* Remap page 0 to the second frame through the window: a leaf
	   table, so it may go unsync instead of being emulated; after the
	   guest's INVLPG the new frame is seen either way. */
	cr_assert_eq(guest_store32(0xFFC00000, (uint32_t)(FRAME + PAGE_SIZE) |
				   P | RW, &tracked), X86_XLATE_OK);
	hw.hooks->invlpg(hw.hooks_opaque, 0);
	cr_assert_eq(read_ok(0x10), FRAME + PAGE_SIZE + 0x10);
	audit_clean();
	/* Clear PDE 0 through the PD's own view: page 0 is gone. */
	cr_assert_eq(guest_store32(0xFFFFF000, 0, &tracked), X86_XLATE_OK);
	cr_assert(tracked, "the PD is write-protected");
	cr_assert_eq(xlate(0x10, 0, &out), X86_XLATE_PF);
	audit_clean();
}

/*
 * Garbage for page tables: every entry of a few guest tables random (P
 * set or not, reserved bits, addresses past the end of RAM, tables that
 * point at themselves or at each other), walked by random accesses in
 * each paging mode. Whatever the guest walk says (a #PF with RSVD, MMIO,
 * a page), the shadow MMU must neither crash nor build a wrong SPTE:
 * the audit runs every 50 accesses (it walks every SPTE, and garbage
 * makes many). Deterministic (xorshift).
 */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(shadow, garbage_tables_never_crash_or_corrupt)
{
	static const struct { uint64_t cr4, efer; gpa_t cr3; } modes[] = {
		{ X86_CR4_PSE, 0, 0x30000 },			/* 32-bit */
		{ X86_CR4_PAE, X86_EFER_NXE, 0x30000 },		/* PAE */
		{ X86_CR4_PAE, X86_EFER_LMA | BIT(8) | X86_EFER_NXE, 0x30000 },
	};
	uint64_t seed = 0x243f6a8885a308d3ull;

	for (unsigned int m = 0; m < 3; m++) {
		/* Eight table pages at 0x30000..0x37000, entries pointing
		   mostly among them, at RAM, or far past its end. */
		unsigned int es = m == 0 ? 4 : 8;	/* entry size */

		for (gpa_t t = 0x30000; t < 0x38000; t += es) {
			uint64_t r = xorshift(&seed), e;

			/* Four levels of garbage rarely all hold: point half
			   of the 4-level entries back at the tables, no PS. */
			switch (m == 2 && (r >> 62) ? 0 : r & 3) {
			case 0: e = 0x30000 + ((r >> 8) & 7) * PAGE_SIZE; break;
			case 1: e = (r >> 12) & (64 * MiB - 1) & ~0xfffull; break;
			case 2: e = (r >> 4) & 0x000ffffffffff000ull; break;
			default: e = r; break;
			}
			e |= r & 0xfff;			/* random low bits */
			if (m == 2 && (r >> 62))
				e &= ~(uint64_t)PS;
			if ((r >> 58) & 3)
				e |= P;			/* mostly present */
			if ((r >> 60) == 0)
				e |= X86_PTE_XD;
			if (es == 4)
				put32(t, (uint32_t)e);
			else
				put64(t, e);
		}
		/* PAE: the four PDPTEs must be valid to load CR3 at all. */
		if (m == 1)
			for (int i = 0; i < 4; i++)
				put64(0x30000 + 8 * i, (0x31000 + i * PAGE_SIZE) | P);
		unsigned int n_ok = 0, n_pf = 0, n_other = 0;

		attach(CR0_PE | X86_CR0_PG | X86_CR0_WP, modes[m].cr3,
		       modes[m].cr4, modes[m].efer);
		for (int i = 0; i < 3000; i++) {
			int ret;
			uint64_t r = xorshift(&seed);
			gva_t gva = m == 2 ? GVA4((r >> 9) & 511, (r >> 18) & 511,
						  (r >> 27) & 511, (r >> 36) & 511)
					   : (uint32_t)r & ~0xfffu;
			struct x86_xlate out;
			bool tracked;

			ctx.cpl = (r >> 50) & 1 ? 3 : 0;
			if ((r >> 51) & 1)
				ret = xlate(gva, (r >> 52) & 1 ? PFERR_FETCH : 0, &out);
			else
				ret = guest_store32(gva + ((r >> 53) & 0xffc),
						    (uint32_t)xorshift(&seed), &tracked);
			ctx.cpl = 0;
			cr_assert(ret >= 0, "mode %u access %d: error %d", m, i, ret);
			n_ok += ret == X86_XLATE_OK;
			n_pf += ret == X86_XLATE_PF;
			n_other += ret != X86_XLATE_OK && ret != X86_XLATE_PF;
			if (i % 64 == 0)
				hw.hooks->invlpg(hw.hooks_opaque, gva);
			if (i % 500 == 0)
				shadow_set_regs(mmu, &ctx);	/* a CR3 reload */
			if (i % 50 == 0)
				audit_clean();
		}
		audit_clean();
		cr_log_info("garbage mode %u: %u ok, %u #PF, %u other", m, n_ok,
			    n_pf, n_other);
		/* The garbage must have exercised both outcomes. */
		cr_assert(n_ok > 20 && n_pf > 20, "mode %u: %u ok, %u #PF, %u other",
			  m, n_ok, n_pf, n_other);
		shadow_mmu_destroy(mmu);
		mmu = shadow_mmu_create(&vm);
		cr_assert_not_null(mmu);
	}
}

/* --- the audit sees corruption ------------------------------------------------- */

Test(shadow, audit_catches_wrong_translations_and_writable_tables)
{
	struct shadow_page *sp;
	hpa_t sptep;
	uint64_t spte;

	build_self_map();
	put32(PT32 + 4 * 4, PD32 | P | RW | D | A);	/* the PD at gva 0x4000 */
	read_ok(0x1000);
	read_ok(0x4000);
	audit_clean();
	sp = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC));
	cr_assert_not_null(sp);
	cr_assert_not(sp->unsync);
	/* gva 0x4000 maps the guest PD, a directory: make its SPTE
	   writable behind the MMU's back, as a bug would */
	sptep = sp->spt + 4 * 8;
	spte = shadow_read_spte(mmu, sptep);
	cr_assert_not(spte & SPTE_W, "the guest directory is write-protected");
	arena_write64(&vm.arena, sptep, spte | SPTE_W);
	cr_assert_geq(shadow_mmu_audit(mmu, report, sizeof(report)), 1);
	cr_assert(strstr(report, "guest directory"), "%s", report);
	arena_write64(&vm.arena, sptep, spte);
	audit_clean();
	/* point gva 0x1000 at the wrong page */
	sptep = sp->spt + 1 * 8;
	spte = shadow_read_spte(mmu, sptep);
	arena_write64(&vm.arena, sptep, spte + PAGE_SIZE);
	cr_assert_geq(shadow_mmu_audit(mmu, report, sizeof(report)), 1);
	arena_write64(&vm.arena, sptep, spte);
	/* a guest PTE changed behind write protection (no emulation) */
	put32(PT32 + 1 * 4, (FRAME + 0x7000) | P | RW | D | A);
	cr_assert_geq(shadow_mmu_audit(mmu, report, sizeof(report)), 1);
	cr_assert(strstr(report, "guest gfn"), "%s", report);
}

Test(shadow, cap_recycles_the_oldest_pages)
{
	put32(PD32, PT32 | P | RW);
	for (int i = 0; i < 64; i++) {
		put32(PD32 + (8 + i) * 4, (PT32 + 0x1000 * (i + 1)) | P | RW);
		put32(PT32 + 0x1000 * (i + 1), FRAME | P | RW);
	}
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	shadow_mmu_set_max_pages(mmu, 32);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(read_ok((gva_t)(8 + i) << 22), FRAME);
	cr_assert_leq(mmu->n_used_pages, 32);
	cr_assert_gt(mmu->stats.recycled, 0);
	audit_clean();
}

Test(shadow, unsync_walk_finds_every_unsync_page)
{
	gpa_t pt_b = PT32 + 0x1000;
	struct shadow_page *root, *a, *b;
	bool tracked;
	uint64_t syncs;

	put32(PD32, PT32 | P | RW);
	put32(PD32 + 4, pt_b | P | RW);
	put32(PT32 + 1 * 4, FRAME | P | RW | D | A);
	put32(PT32 + 3 * 4, PT32 | P | RW | D | A);	/* PT A at 0x3000 */
	put32(PT32 + 4 * 4, pt_b | P | RW | D | A);	/* PT B at 0x4000 */
	put32(pt_b + 2 * 4, FRAME | P | RW | D | A);	/* 0x402000 */
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(read_ok(0x1000), FRAME);
	cr_assert_eq(read_ok(0x402000), FRAME);
	a = shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC));
	b = shadow_find_page(mmu, gpa_to_gfn(pt_b), role32(1, 0, ACC_WRITE | ACC_EXEC));
	cr_assert(a && b);
	root = shadow_pae_root_sp(mmu, hw.shadow_root, 0);
	/* the guest edits both tables through their data mappings */
	cr_assert_eq(guest_store32(0x3000 + 1 * 4, (FRAME + 0x1000) | P | RW | D | A,
				   &tracked), X86_XLATE_OK);
	cr_assert_eq(guest_store32(0x4000 + 2 * 4, (FRAME + 0x2000) | P | RW | D | A,
				   &tracked), X86_XLATE_OK);
	cr_assert(a->unsync && b->unsync);
	cr_assert_eq(root->unsync_children, 2, "guest PDE 0 -> shadow 0, PDE 1 -> shadow 2");
	cr_assert_eq(root->unsync_child_bitmap[0], (1ull << 0) | (1ull << 2));
	audit_clean();
	syncs = mmu->stats.syncs;
	shadow_sync_children(mmu, root);
	cr_assert_eq(mmu->stats.syncs, syncs + 2, "the walk found both");
	cr_assert(!a->unsync && !b->unsync);
	cr_assert_eq(root->unsync_children, 0);
	cr_assert_eq(root->unsync_child_bitmap[0], 0);
	cr_assert_eq(read_ok(0x1000), FRAME + 0x1000);
	cr_assert_eq(read_ok(0x402000), FRAME + 0x2000);
	audit_clean();
	/* unsync again, then zap the parent: its unsync children go too */
	cr_assert_eq(guest_store32(0x3000 + 1 * 4, FRAME | P | RW | D | A, &tracked),
		     X86_XLATE_OK);
	cr_assert(a->unsync);
	{
		struct shadow_page *invalid = NULL;

		cr_assert_eq(shadow_prepare_zap_page(mmu, root, &invalid), 1,
			     "the root stays (in use); its unsync child goes");
		shadow_commit_zap(mmu, &invalid);
	}
	cr_assert_null(shadow_find_page(mmu, gpa_to_gfn(PT32), role32(1, 0, ACC_WRITE | ACC_EXEC)));
	shadow_check_roots(mmu);
	cr_assert_eq(read_ok(0x1000), FRAME);
	audit_clean();
}

Test(shadow, mmio_sptes_answer_without_a_guest_walk)
{
	struct x86_xlate out;
	uint64_t seq, walks;

	put32(PD32, PT32 | P | RW);
	put32(PT32 + 2 * 4, 0xFEE00000u | P | RW | D);	/* not RAM, supervisor */
	attach(CR0_PG32, PD32, X86_CR4_PSE, 0);
	cr_assert_eq(xlate(0x2010, 0, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xFEE00010);
	seq = vm.events.next_seq;
	cr_assert_eq(xlate(0x2014, PFERR_WRITE, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xFEE00014);
	cr_assert_eq(count_events(seq, EV_handle_mmio_page_fault), 1, "the fast path");
	walks = count_events(seq, EV_pagetable_walk);
	cr_assert_eq(walks, 0, "no guest walk");
	/* ring 3 may not: the fast path declines, the guest walk faults */
	ctx.cpl = 3;
	cr_assert_eq(xlate(0x2014, 0, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, PFERR_PRESENT | PFERR_USER);
	ctx.cpl = 0;
	cr_assert_eq(mmu->stats.mmio_faults, 2);
	audit_clean();
}

Test(shadow, paging_off_is_direct_and_respects_write_tracking)
{
	struct x86_xlate out;
	union shadow_role r;

	attach(CR0_PE, 0, 0, 0);
	cr_assert_eq(hw.shadow_levels, 3);
	cr_assert_eq(read_ok(0x5123), 0x5123, "identity");
	cr_assert_eq(read_ok(64 * MiB - 8), 64 * MiB - 8, "the last RAM page");
	r = shadow_root_role(&ctx);
	r.level = 1;
	cr_assert_not_null(shadow_find_page(mmu, 0, (r.direct = 1, r)));
	/* turn paging on and off again: the 32-bit PD stays shadowed, so
	   a paging-off write to it is emulated */
	put32(PD32, PT32 | P | RW);
	ctx.cr0 = CR0_PG32;
	ctx.cr3 = PD32;
	ctx.cr4 = X86_CR4_PSE;
	shadow_set_regs(mmu, &ctx);
	cr_assert_eq(hw.shadow_levels, 3);
	ctx.cr0 = CR0_PE;
	shadow_set_regs(mmu, &ctx);
	cr_assert_eq(xlate(PD32, PFERR_WRITE, &out), X86_XLATE_OK);
	cr_assert(out.flags & X86_XLATE_F_TRACKED, "the PD is write-tracked");
	audit_clean();
}
