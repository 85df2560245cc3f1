/* SPDX-License-Identifier: MIT */
/* The TDP MMU: lazy mapping, leaf sizes, the setter's events, zap,
   split, teardown. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/vm.h>

#include "hv/mmu/tdp.h"
#include "hv/x86/ept.h"
#include "hv/x86/mmu_hw.h"

static struct vm vm;
static struct tdp_mmu *tdp;
static uint64_t tables_at_start;
static int flushes;

static void count_flush(struct vcpu *v) { flushes++; }

static const struct vcpu_ops fake_ops = { .name = "fake", .flush_tlb = count_flush };
static struct vcpu fake_vcpu = { .ops = &fake_ops };

static void make_vm(uint64_t ram)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_TDP, .ram_bytes = ram,
	};

	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
	vm.vcpu = &fake_vcpu;
	flushes = 0;
	tables_at_start = vm.arena.tables_in_use;
	tdp = tdp_mmu_create(&vm);
	cr_assert_not_null(tdp);
	cr_assert_eq(tdp->stats.tables, 1);
}

static void setup(void) { make_vm(64 * MiB); }

static void teardown(void)
{
	if (tdp)
		tdp_mmu_destroy(tdp);
	cr_assert_eq(vm.arena.tables_in_use, tables_at_start, "every table freed");
	vm.vcpu = NULL;
	vm_destroy(&vm);
}

static void remake_vm(uint64_t ram)
{
	teardown();
	make_vm(ram);
}

static int fault(gpa_t gpa)
{
	return tdp_mmu_page_fault(tdp, gpa, EPT_QUAL_READ | EPT_QUAL_GVA_VALID, 0);
}

static int level_of(gpa_t gpa)
{
	int level = 0;
	hpa_t hpa;

	cr_assert(tdp_mmu_lookup(tdp, gpa, &hpa, &level), "gpa %#llx unmapped",
		  (unsigned long long)gpa);
	cr_assert_eq(hpa, vm.ram_hpa + gpa);
	return level;
}

static int count_events(uint64_t from, enum ev_kind kind)
{
	int n = 0;

	for (uint64_t s = from; s < vm.events.next_seq; s++)
		n += event_get(&vm.events, s)->kind == kind;
	return n;
}

TestSuite(tdp, .init = setup, .fini = teardown);

Test(tdp, violation_maps_lazily_with_the_largest_leaf)
{
	uint64_t seq = vm.events.next_seq;
	const struct hv_event *ev;

	cr_assert_not(tdp_mmu_lookup(tdp, 0x1234, NULL, NULL));
	cr_assert_eq(fault(0x1234), 0);
	cr_assert_eq(level_of(0x1234), 2, "64 MiB slot: 2 MiB leaves");
	cr_assert_eq(level_of(0x1fffff), 2);
	cr_assert_not(tdp_mmu_lookup(tdp, 0x200000, NULL, NULL));
	cr_assert_eq(tdp->stats.faults, 1);
	cr_assert_eq(tdp->stats.map_2m, 1);
	cr_assert_eq(tdp->stats.tables, 3, "root, PDPT, PD");
	/* ept_violation, spte_requested, PML4E, PDPTE links, the PDE leaf */
	ev = event_get(&vm.events, seq);
	cr_assert_eq(ev->kind, EV_ept_violation);
	cr_assert_eq(ev->a[0], 0x1234);
	cr_assert_eq(event_get(&vm.events, seq + 1)->kind, EV_spte_requested);
	cr_assert_eq(count_events(seq, EV_tdp_mmu_spte_changed), 3);
	ev = event_get(&vm.events, seq + 4);
	cr_assert_eq(ev->kind, EV_tdp_mmu_spte_changed);
	cr_assert_eq(ev->level, 2);
	cr_assert_eq(ev->a[0], 0, "gfn of the leaf");
	cr_assert_eq(ev->a[1], 0, "old");
	cr_assert_eq(ev->a[2], ept_mk_leaf(vm.ram_hpa, 2, EPT_RWX), "new");
	cr_assert_eq(flushes, 0, "filling a hole needs no flush");
	/* the last 2 MiB of the slot */
	cr_assert_eq(fault(64 * MiB - 1), 0);
	cr_assert_eq(level_of(64 * MiB - 1), 2);
}

Test(tdp, mmio_is_not_mapped)
{
	cr_assert_eq(fault(64 * MiB), 1);
	cr_assert_eq(fault(0xfee00000), 1);
	cr_assert_eq(tdp->stats.mmio_faults, 2);
	cr_assert_not(tdp_mmu_lookup(tdp, 64 * MiB, NULL, NULL));
	cr_assert_eq(tdp->stats.tables, 1);
}

Test(tdp, gigabyte_leaves_where_the_slot_allows)
{
	remake_vm(2 * GiB + 4 * MiB);
	cr_assert_eq(fault(GiB + 0x1000), 0);
	cr_assert_eq(level_of(GiB + 0x1000), 3);
	cr_assert_eq(tdp->stats.map_1g, 1);
	cr_assert_eq(fault(2 * GiB + 0x1000), 0);
	cr_assert_eq(level_of(2 * GiB + 0x1000), 2, "the tail past 2 GiB");
	tdp_mmu_set_max_level(tdp, 2);
	cr_assert_eq(fault(0x5000), 0);
	cr_assert_eq(level_of(0x5000), 2, "capped by max_level");
}

Test(tdp, four_kib_at_slot_edges)
{
	remake_vm(3 * MiB);
	cr_assert_eq(fault(0x100000), 0);
	cr_assert_eq(level_of(0x100000), 2, "[0, 2M) lies inside the slot");
	cr_assert_eq(fault(0x2ff000), 0);
	cr_assert_eq(level_of(0x2ff000), 1, "[2M, 4M) does not");
	cr_assert_eq(fault(0x200000), 0);
	cr_assert_eq(level_of(0x200000), 1);
	cr_assert_eq(tdp->stats.map_4k, 2);
	cr_assert_eq(fault(3 * MiB), 1);
}

Test(tdp, explicit_map_refuses_what_the_slot_cannot_back)
{
	cr_assert_eq(tdp_mmu_map(tdp, 0x10, 3), -EINVAL);
	cr_assert_eq(tdp_mmu_map(tdp, 64 * MiB >> 12, 1), -EINVAL);
	cr_assert_eq(tdp_mmu_map(tdp, 0x10, 1), 0);
	cr_assert_eq(level_of(0x10000), 1);
}

Test(tdp, zap_range_clears_entries_frees_tables_and_flushes_once)
{
	uint64_t seq;
	const struct hv_event *ev;

	tdp_mmu_set_max_level(tdp, 1);
	for (gpa_t gpa = 0; gpa < 4 * MiB; gpa += 64 * KiB)
		cr_assert_eq(fault(gpa), 0);
	cr_assert_eq(tdp->stats.map_4k, 64);
	cr_assert_eq(tdp->stats.tables, 5, "root, PDPT, PD, 2 PTs");
	seq = vm.events.next_seq;
	/* [0, 2M + 64K): the first PT wholly, one leaf of the second */
	cr_assert_eq(tdp_mmu_zap_gfn_range(tdp, 0, (2 * MiB + 64 * KiB) >> 12), 33);
	cr_assert_eq(flushes, 1);
	cr_assert_eq(tdp->stats.tables, 4, "the first PT is freed");
	cr_assert_eq(vm.arena.tables_in_use, tables_at_start + 4);
	cr_assert_not(tdp_mmu_lookup(tdp, 0, NULL, NULL));
	cr_assert_not(tdp_mmu_lookup(tdp, 2 * MiB, NULL, NULL));
	cr_assert_eq(level_of(2 * MiB + 64 * KiB), 1, "outside the range stays");
	/* 33 leaves + the PDE that linked the first PT */
	cr_assert_eq(count_events(seq, EV_tdp_mmu_spte_changed), 34);
	ev = event_get(&vm.events, vm.events.next_seq - 1);
	cr_assert_eq(ev->kind, EV_tdp_zap_range);
	cr_assert_eq(ev->a[0], 0);
	cr_assert_eq(ev->a[1], (2 * MiB + 64 * KiB) >> 12);
	cr_assert_eq(ev->a[2], 33);
	/* an empty range changes nothing and does not flush */
	cr_assert_eq(tdp_mmu_zap_gfn_range(tdp, 0, 0x100), 0);
	cr_assert_eq(flushes, 1);
	/* everything */
	cr_assert_eq(tdp_mmu_zap_gfn_range(tdp, 0, ~0ull), 31);
	cr_assert_eq(tdp->stats.tables, 1, "only the root is left");
	cr_assert_eq(flushes, 2);
	/* and it refaults */
	cr_assert_eq(fault(0x3000), 0);
	cr_assert_eq(level_of(0x3000), 1);
}

Test(tdp, zap_of_part_of_a_huge_leaf_zaps_the_leaf)
{
	cr_assert_eq(fault(0x200000), 0);
	cr_assert_eq(tdp_mmu_zap_gfn_range(tdp, 0x201, 0x202), 1);
	cr_assert_not(tdp_mmu_lookup(tdp, 0x3ff000, NULL, NULL));
	cr_assert_eq(tdp->stats.tables, 3, "PD only partly in range: kept");
}

Test(tdp, replacing_a_table_by_a_huge_leaf_retires_it)
{
	uint64_t seq;

	tdp_mmu_set_max_level(tdp, 1);
	cr_assert_eq(fault(0x1000), 0);
	cr_assert_eq(fault(0x2000), 0);
	cr_assert_eq(tdp->stats.tables, 4);
	tdp_mmu_set_max_level(tdp, 3);
	seq = vm.events.next_seq;
	cr_assert_eq(fault(0x3000), 0);
	cr_assert_eq(level_of(0x3000), 2);
	cr_assert_eq(level_of(0x1000), 2);
	cr_assert_eq(tdp->stats.tables, 3);
	cr_assert_eq(flushes, 1, "the present PDE changed");
	/* the PDE, and the two old leaves as the table is retired */
	cr_assert_eq(count_events(seq, EV_tdp_mmu_spte_changed), 3);
}

Test(tdp, split_preserves_every_translation)
{
	uint64_t seq;
	static const gpa_t probe[] = { 0, 0x1000, 0x1ff000, 0x200000, 0x234567,
				       0x3fffff, 0x40000000 - 1, 0x12345678 };

	remake_vm(2 * GiB);
	cr_assert_eq(fault(0), 0);
	cr_assert_eq(level_of(0), 3);
	seq = vm.events.next_seq;
	/* split [2M, 4M) down to 4 KiB: the 1G leaf, then one 2M leaf */
	cr_assert_eq(tdp_mmu_split_huge_pages(tdp, 0x200, 0x400, 1), 2);
	cr_assert_eq(count_events(seq, EV_split_huge_page), 2);
	cr_assert_eq(tdp->stats.splits, 2);
	cr_assert_eq(level_of(0x200000), 1);
	cr_assert_eq(level_of(0x3ff000), 1);
	cr_assert_eq(level_of(0x1ff000), 2);
	cr_assert_eq(level_of(0x400000), 2);
	for (unsigned int i = 0; i < ARRAY_SIZE(probe); i++)
		level_of(probe[i]);
	cr_assert_eq(flushes, 0, "same translations: no flush");
	cr_assert_eq(tdp->stats.tables, 4);
	/* nothing huge left in the range: nothing to do */
	cr_assert_eq(tdp_mmu_split_huge_pages(tdp, 0x200, 0x400, 1), 0);
	cr_assert_eq(tdp_mmu_split_huge_pages(tdp, 0, 1, 0), -EINVAL);
}

Test(tdp, dump_and_stats)
{
	char buf[2048];
	int n;

	cr_assert_eq(fault(0x1234), 0);
	n = tdp_mmu_dump(tdp, 0, 0, buf, sizeof(buf));
	cr_log_info("\n%s", buf);
	cr_assert_eq((size_t)n, strlen(buf));
	cr_assert(strstr(buf, "PML4E[  0]"));
	cr_assert(strstr(buf, "    PDE[  0] 0x000000000000-0x0000001fffff"));
	cr_assert(strstr(buf, "RWX WB -> 2M page 0x40000000\n"));
	n = tdp_mmu_format_stats(tdp, buf, sizeof(buf));
	cr_assert(strstr(buf, "tdp_faults 1\n"));
	cr_assert(strstr(buf, "tdp_map_2m 1\n"));
	cr_assert(strstr(buf, "tdp_tables 3\n"));
}

Test(tdp, destroy_after_the_arena_is_gone_does_not_touch_it)
{
	cr_assert_eq(fault(0x1234), 0);
	vm.vcpu = NULL;
	vm_destroy(&vm);
	tdp_mmu_destroy(tdp);
	tdp = NULL;
	/* teardown() checks the (zeroed) counter and destroys again */
	tables_at_start = 0;
}
