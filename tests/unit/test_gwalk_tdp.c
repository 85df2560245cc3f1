/* SPDX-License-Identifier: MIT */
/*
 * The two-dimensional walk: guest tables under EPT built by the TDP MMU,
 * every reference in the record, EPT violations taken and retried.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/vm.h>

#include "hv/mmu/tdp.h"
#include "hv/x86/ept.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

#define PRWU (X86_PTE_P | X86_PTE_RW | X86_PTE_US)
#define PML4 0x10000ull
#define PDPT 0x11000ull
#define PD 0x12000ull
#define PT 0x13000ull
#define PAGE 0x200000ull
#define GVA 0x400000ull

static struct vm vm;
static struct x86_mmu_hw hw;
static struct tdp_mmu *tdp;
static struct walk_record rec;

/* The hook as the hardware calls it, recorded, then TDP's answer (or a
   scripted one). */
static struct {
	int calls;
	gpa_t gpa[16];
	uint64_t qual[16];
	int force;		/* 0: ask TDP; else return force - 1 */
} hook;

static int spy_violation(void *opaque, gpa_t gpa, uint64_t qual, gva_t gva)
{
	if (hook.calls < 16) {
		hook.gpa[hook.calls] = gpa;
		hook.qual[hook.calls] = qual;
	}
	hook.calls++;
	if (hook.force)
		return hook.force - 1;
	return tdp_mmu_page_fault(opaque, gpa, qual, gva);
}

static const struct x86_mmu_hooks spy_hooks = { .ept_violation = spy_violation };

static void setup(void)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_TDP, .ram_bytes = 64 * MiB,
	};

	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
	memset(&hw, 0, sizeof(hw));
	memset(&hook, 0, sizeof(hook));
	tdp = tdp_mmu_create(&vm);
	cr_assert_not_null(tdp);
	tdp_mmu_attach(tdp, &hw);
	cr_assert(hw.tdp);
	cr_assert_eq(hw.ept_levels, 4);
	hw.hooks = &spy_hooks;
}

static void teardown(void)
{
	tdp_mmu_destroy(tdp);
	vm_destroy(&vm);
}

static void put64(gpa_t gpa, uint64_t v)
{
	cr_assert_eq(vm_write_gpa(&vm, gpa, &v, 8), 0);
}

static uint64_t get64(gpa_t gpa)
{
	uint64_t v;

	cr_assert_eq(vm_read_gpa(&vm, gpa, &v, 8), 0);
	return v;
}

static struct x86_paging_ctx ctx64(void)
{
	return (struct x86_paging_ctx){
		.cr0 = 1 | X86_CR0_PG | X86_CR0_WP,
		.cr3 = PML4,
		.cr4 = X86_CR4_PAE,
		.efer = X86_EFER_LMA | X86_EFER_NXE,
	};
}

static void build64(void)
{
	put64(PML4, PDPT | PRWU);
	put64(PDPT, PD | PRWU);
	put64(PD + 2 * 8, PT | PRWU);
	put64(PT, PAGE | PRWU);
}

static int xlate(gva_t gva, uint32_t access, struct x86_xlate *out)
{
	struct x86_paging_ctx ctx = ctx64();

	memset(out, 0, sizeof(*out));
	return x86_hw_translate(&hw, &ctx, gva, access, out, &rec);
}

TestSuite(gwalk_tdp, .init = setup, .fini = teardown);

/* The order of the 24 references: per guest level, the EPT walk of the
   entry's gpa and then the entry; last, the EPT walk of the final gpa. */
static void expect_24_steps(gva_t gva)
{
	static const gpa_t entry_gpa[4] = { PML4, PDPT, PD + 16, PT };

	cr_assert_eq(rec.nsteps, 24);
	for (int g = 0; g < 4; g++) {
		for (int e = 0; e < 4; e++) {
			const struct walk_step *s = &rec.step[5 * g + e];

			cr_assert_eq(s->table, WALK_EPT, "step %d", 5 * g + e);
			cr_assert_eq(s->level, 4 - e);
			cr_assert_eq(s->input, entry_gpa[g]);
			cr_assert_eq(s->leaf, e == 3);
		}
		cr_assert_eq(rec.step[5 * g + 4].table, WALK_GUEST);
		cr_assert_eq(rec.step[5 * g + 4].level, 4 - g);
		cr_assert_eq(rec.step[5 * g + 4].table_addr, entry_gpa[g] & PAGE_MASK);
	}
	for (int e = 0; e < 4; e++) {
		cr_assert_eq(rec.step[20 + e].table, WALK_EPT);
		cr_assert_eq(rec.step[20 + e].level, 4 - e);
		cr_assert_eq(rec.step[20 + e].input, PAGE + (gva & 0xfff));
	}
	cr_assert_eq(rec.step[0].table_addr, hw.ept_root);
}

Test(gwalk_tdp, cold_ept_takes_five_violations_then_24_references)
{
	struct x86_xlate out;
	static const gpa_t want_gpa[5] = { PML4, PDPT, PD + 16, PT, PAGE + 0x10 };

	tdp_mmu_set_max_level(tdp, 1);
	build64();
	cr_assert_eq(xlate(GVA + 0x10, 0, &out), X86_XLATE_OK);
	cr_assert_eq(out.gpa, PAGE + 0x10);
	cr_assert_eq(out.hpa, vm.ram_hpa + PAGE + 0x10);
	cr_assert_eq(hook.calls, 5);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(hook.gpa[i], want_gpa[i]);
		cr_assert_eq(hook.qual[i], EPT_QUAL_READ | EPT_QUAL_GVA_VALID |
			     (i == 4 ? EPT_QUAL_GVA_FINAL : 0),
			     "violation %d qual %#llx", i,
			     (unsigned long long)hook.qual[i]);
	}
	/* the record keeps only the walks that succeeded */
	expect_24_steps(GVA + 0x10);
	cr_assert_eq(rec.result, WALK_OK);
	cr_assert_eq(get64(PML4), PDPT | PRWU | X86_PTE_A, "A/D land in guest RAM");
	/* warm: no exits, the same 24 references */
	cr_assert_eq(xlate(GVA + 0x10, PFERR_WRITE, &out), X86_XLATE_OK);
	cr_assert_eq(hook.calls, 5);
	expect_24_steps(GVA + 0x10);
	cr_assert_eq(get64(PT), PAGE | PRWU | X86_PTE_A | X86_PTE_D);
}

Test(gwalk_tdp, events_of_a_warm_two_dimensional_walk)
{
	struct x86_xlate out;
	uint64_t seq;
	int ept = 0, guest = 0;

	tdp_mmu_set_max_level(tdp, 1);
	build64();
	cr_assert_eq(xlate(GVA, 0, &out), X86_XLATE_OK);
	seq = vm.events.next_seq;
	cr_assert_eq(xlate(GVA, 0, &out), X86_XLATE_OK);
	cr_assert_eq(event_get(&vm.events, seq)->kind, EV_pagetable_walk);
	for (uint64_t s = seq + 1; s < vm.events.next_seq; s++) {
		const struct hv_event *ev = event_get(&vm.events, s);

		if (ev->kind == EV_ept_element)
			ept++;
		else if (ev->kind == EV_paging_element)
			guest++;
		else
			cr_assert_fail("unexpected %s", event_name(ev->kind));
	}
	cr_assert_eq(ept, 20);
	cr_assert_eq(guest, 4);
	/* the 5th event is the first guest entry, after its 4 EPT reads */
	cr_assert_eq(event_get(&vm.events, seq + 5)->kind, EV_paging_element);
	cr_assert_eq(event_get(&vm.events, seq + 1)->a[3], PML4, "ept_element carries the gpa");
}

Test(gwalk_tdp, huge_ept_pages_shorten_the_walk)
{
	struct x86_xlate out;

	build64();
	cr_assert_eq(xlate(GVA, 0, &out), X86_XLATE_OK);
	/* 64 MiB of RAM: 2 MiB EPT leaves, 3 EPT references per gpa */
	cr_assert_eq(rec.nsteps, 4 * (3 + 1) + 3);
	cr_assert_eq(hook.calls, 2, "PML4..PT share one 2 MiB page; the data another");
	cr_assert_eq(out.hpa, vm.ram_hpa + PAGE);
}

Test(gwalk_tdp, mmio_final_gpa_and_mmio_tables)
{
	struct x86_xlate out;

	build64();
	put64(PT, 0xfee00000 | PRWU);
	cr_assert_eq(xlate(GVA + 4, PFERR_WRITE, &out), X86_XLATE_MMIO);
	cr_assert_eq(out.gpa, 0xfee00004);
	cr_assert_eq(rec.result, WALK_MMIO);
	cr_assert_eq(hook.qual[hook.calls - 1],
		     EPT_QUAL_WRITE | EPT_QUAL_GVA_VALID | EPT_QUAL_GVA_FINAL);
	/* a guest table outside RAM: the hypervisor says MMIO, the entry
	   reads as all ones, reserved bits set */
	put64(PDPT, 0xf0000000 | PRWU);
	cr_assert_eq(xlate(GVA, 0, &out), X86_XLATE_PF);
	cr_assert_eq(out.pferr, PFERR_PRESENT | PFERR_RSVD);
}

Test(gwalk_tdp, a_hook_that_never_fixes_anything_is_bounded)
{
	struct x86_xlate out;
	char buf[4096];

	build64();
	hook.force = 1;		/* returns 0 but maps nothing */
	cr_assert_eq(xlate(GVA, 0, &out), -EFAULT);
	cr_assert_eq(hook.calls, 4, "GWALK_EPT_RETRIES exits, then give up");
	cr_assert_eq(rec.result, WALK_NESTED_FAULT);
	cr_assert_eq(rec.fault_code, EPT_QUAL_READ | EPT_QUAL_GVA_VALID);
	walk_record_format(&rec, buf, sizeof(buf));
	cr_log_info("\n%s", buf);
	cr_assert(strstr(buf, "EPT violation, qualification 0x81 (read gva-valid)"));
	/* -errno from the hook stops the walk with it */
	hook.force = -ENOMEM + 1;
	hook.calls = 0;
	cr_assert_eq(xlate(GVA, 0, &out), -ENOMEM);
	cr_assert_eq(hook.calls, 1);
	cr_assert_eq(rec.result, WALK_ERROR);
}

Test(gwalk_tdp, peek_takes_no_exits_and_records_what_exists)
{
	struct x86_xlate out;
	uint64_t seq = vm.events.next_seq;

	build64();
	cr_assert_eq(xlate(GVA + 8, X86_ACC_PEEK, &out), X86_XLATE_OK);
	cr_assert_eq(out.hpa, vm.ram_hpa + PAGE + 8);
	cr_assert_eq(hook.calls, 0);
	cr_assert_eq(vm.events.next_seq, seq);
	/* cold EPT: each nested walk stops at the empty root entry */
	cr_assert_eq(rec.nsteps, 4 * (1 + 1) + 1);
	cr_assert_eq(rec.step[0].table, WALK_EPT);
	cr_assert_eq(rec.step[0].entry, 0);
	cr_assert_eq(get64(PML4), PDPT | PRWU, "no A bits from a peek");
	cr_assert_eq(tdp->stats.faults, 0);
}

Test(gwalk_tdp, ept_without_write_takes_a_write_violation_for_ad)
{
	struct x86_xlate out;
	hpa_t hpa;
	int level;

	tdp_mmu_set_max_level(tdp, 1);
	build64();
	/* Prefault the page-table pages read-only in EPT, by hand. */
	cr_assert_eq(tdp_mmu_map(tdp, gpa_to_gfn(PML4), 1), 0);
	cr_assert(tdp_mmu_lookup(tdp, PML4, &hpa, &level));
	{
		uint64_t e;
		unsigned int depth;

		cr_assert(pt_lookup(&tdp->pt, PML4, &e, &depth));
		cr_assert_eq(depth, 3);
	}
	/* walk the EPT path to the PTE for PML4's page and drop W */
	{
		struct ept_walk_out eo;
		struct walk_record r2;

		walk_record_init(&r2, WALK_EPT, PML4, 0);
		cr_assert_eq(ept_hw_walk(&hw, PML4, EPT_R, false, &r2, &eo), EPT_WALK_OK);
		arena_write64(&vm.arena, r2.step[3].entry_addr,
			      r2.step[3].entry & ~EPT_W);
	}
	cr_assert_eq(xlate(GVA, 0, &out), X86_XLATE_OK);
	/* violations: PDPT, PD, PT (reads), the PML4 write for its A bit
	   (A/D are set before the final gpa is translated), the final gpa */
	cr_assert_eq(hook.calls, 5);
	cr_assert_eq(hook.gpa[3], PML4);
	cr_assert_eq(hook.gpa[4], PAGE);
	cr_assert_eq(hook.qual[3], EPT_QUAL_WRITE | EPT_QUAL_GVA_VALID |
		     (EPT_R | EPT_X) << EPT_QUAL_RWX_SHIFT);
	cr_assert_eq(get64(PML4), PDPT | PRWU | X86_PTE_A);
}

Test(gwalk_tdp, walk_record_format_two_dimensional)
{
	struct x86_xlate out;
	char buf[8192];
	int n;

	tdp_mmu_set_max_level(tdp, 1);
	build64();
	cr_assert_eq(xlate(GVA + 0x10, PFERR_WRITE, &out), X86_XLATE_OK);
	n = walk_record_format(&rec, buf, sizeof(buf));
	cr_assert_lt(n, (int)sizeof(buf));
	cr_log_info("\n%s", buf);
	cr_assert(strstr(buf, "nested through EPT; 24 memory references\n"));
	cr_assert(strstr(buf, "      EPT walk of the table entry at gpa 0x10000:\n"));
	cr_assert(strstr(buf, "  final translation:\n      EPT walk of the final gpa 0x200010:\n"));
	cr_assert(strstr(buf, "        EPT L1 PTE[  0]"));
}
