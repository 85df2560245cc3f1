/* SPDX-License-Identifier: MIT */
/*
 * The stage-2 abort handler (user_mem_abort and friends): translation
 * faults map (blocks where the memslot allows), permission faults relax
 * (or split and mark dirty under dirty logging), access flag faults
 * mkyoung, faults outside memslots are MMIO; each with its events. The
 * aborts come from the silicon's own stage-2 walk, as they would in a
 * run; the last test runs real code on the CPU with stage 2 on.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/vm.h>

#include "arm64_test_machine.h"
#include "hv/arm64/stage2.h"

#define RAM 0x40000000ull

static struct vm vm;
static struct s2_mmu *s2;
static struct arm64_mmu_hw hw;
static uint64_t tables_at_start;

static void make(uint64_t ram, unsigned int ipa_bits, unsigned int granule)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_ARM64, .mmu_mode = VM_MMU_STAGE2, .ram_bytes = ram,
	};
	char err[128];

	cr_assert_eq(vm_init(&vm, &cfg, RAM), 0);
	tables_at_start = vm.arena.tables_in_use;
	s2 = s2_mmu_create(&vm, ipa_bits, granule, err, sizeof(err));
	cr_assert_not_null(s2, "%s", err);
	memset(&hw, 0, sizeof(hw));
	cr_assert_eq(s2_mmu_attach(s2, &hw), 0);
	cr_assert(hw.s2.enabled);
	cr_assert_eq(hw.s2.root, s2->pgt.pt.root);
	cr_assert_eq(hw.s2.vtcr, s2->pgt.geom.vtcr);
}

static void unmake(void)
{
	if (s2) {
		s2_mmu_destroy(s2);
		s2 = NULL;
		cr_assert_eq(vm.arena.tables_in_use, tables_at_start, "every table freed");
	}
	vm_destroy(&vm);
}

static void setup(void) { make(64 * MiB, 40, 4096); }

static void remake(uint64_t ram, unsigned int ipa_bits, unsigned int granule)
{
	unmake();
	make(ram, ipa_bits, granule);
}

enum acc { RD, WR, EX, PTW };

/*
 * An access as the silicon makes it: walk stage 2; on a fault (or
 * missing rights) build the ESR the hardware would and call the hook,
 * then walk again. Returns 0 (translated), 1 (MMIO) or the hook's error.
 */
static int access_ipa(ipa_t ipa, enum acc acc)
{
	static const uint32_t need[] = { WALK_P_READ, WALK_P_WRITE, WALK_P_EXEC, WALK_P_READ };

	for (int tries = 0; tries < 4; tries++) {
		hpa_t hpa;
		uint32_t perm;
		int level, fsc, ret;
		uint32_t esr;

		fsc = arm64_s2_walk(&hw, ipa, NULL, false, &hpa, &perm, &level);
		if (!fsc && (perm & need[acc]) == need[acc])
			return 0;
		if (!fsc)
			fsc = FSC_LEVEL(FSC_PERM, level);
		esr = (uint32_t)(acc == EX ? ESR_EC_IABT_LOW : ESR_EC_DABT_LOW) << ESR_EC_SHIFT |
		      ESR_IL | (uint32_t)fsc;
		if (acc == WR)
			esr |= ESR_WNR;
		if (acc == PTW)
			esr |= ESR_S1PTW;
		ret = s2_mmu_handle_abort(s2, ipa, esr, 0x1000);
		if (ret)
			return ret;
	}
	cr_assert_fail("ipa %#llx: the fault was not resolved", (unsigned long long)ipa);
	return -1;
}

static int count_events(uint64_t from, enum ev_kind kind)
{
	int n = 0;

	for (uint64_t s = from; s < vm.events.next_seq; s++)
		n += event_get(&vm.events, s)->kind == kind;
	return n;
}

static const struct hv_event *first_event(uint64_t from, enum ev_kind kind)
{
	for (uint64_t s = from; s < vm.events.next_seq; s++)
		if (event_get(&vm.events, s)->kind == kind)
			return event_get(&vm.events, s);
	return NULL;
}

/* The leaf mapping @ipa: its level and rights; asserts it is mapped. */
static int leaf_level(ipa_t ipa, uint32_t *prot)
{
	uint64_t pte;
	int level;

	cr_assert_eq(s2_pgtable_get_leaf(&s2->pgt, ipa, &pte, &level), 0,
		     "ipa %#llx unmapped", (unsigned long long)ipa);
	cr_assert_eq(s2_pte_hpa(&s2->pgt.geom, pte, level, ipa),
		     vm.ram_hpa + (ipa - RAM));
	if (prot)
		*prot = s2_pte_prot(pte) & S2_PROT_RWX;
	return level;
}

TestSuite(s2_fault, .init = setup, .fini = unmake);

Test(s2_fault, translation_fault_maps_a_block)
{
	uint64_t seq = vm.events.next_seq;
	const struct hv_event *ev;
	uint32_t prot;

	cr_assert_eq(access_ipa(RAM + 0x1234, RD), 0);
	ev = first_event(seq, EV_guest_fault);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[0], RAM + 0x1234, "ipa");
	cr_expect_eq(ev->a[3], FSC_LEVEL(FSC_TRANS, 1), "fsc: the L1 entry is empty");
	cr_expect_eq(ev->level, 1);
	cr_expect_eq(ev->a[1] >> ESR_EC_SHIFT, ESR_EC_DABT_LOW);
	ev = first_event(seq, EV_user_mem_abort);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[0], RAM);
	cr_expect_eq(ev->a[1], vm.ram_hpa);
	cr_expect_eq(ev->a[2], 2 * MiB, "size");
	cr_expect_eq(ev->a[3], S2_PROT_R | S2_PROT_W, "no X before a fetch");
	cr_expect_eq(count_events(seq, EV_map_table), 1);
	cr_expect_eq(count_events(seq, EV_map), 1);
	cr_expect_eq(count_events(seq, EV_guest_fault), 1, "then the walk succeeds");
	cr_expect_eq(leaf_level(RAM + 0x1fffff, &prot), 2);
	cr_expect_eq(prot, S2_PROT_R | S2_PROT_W);
	cr_expect_eq(s2->stats.trans_faults, 1);
	cr_expect_eq(s2->stats.maps, 1);
	/* a filter like `s2.guest_fault ipa=...` finds its fields */
	cr_expect_eq(event_field_by_name(EV_guest_fault, "ipa"), 0);
	cr_expect_eq(event_field_by_name(EV_guest_fault, "fsc"), 3);
	cr_expect_eq(event_field_by_name(EV_map, "hpa"), 1);
	cr_expect_eq(event_group(EV_guest_fault), EVG_S2);
	cr_expect_str_eq(event_group_name(event_group(EV_relax_perms)), "s2");
}

Test(s2_fault, exec_permission_fault_relaxes)
{
	uint64_t seq;
	const struct hv_event *ev;
	uint32_t prot;

	cr_assert_eq(access_ipa(RAM + 0x1000, WR), 0);
	seq = vm.events.next_seq;
	cr_assert_eq(access_ipa(RAM + 0x100, EX), 0);
	ev = first_event(seq, EV_guest_fault);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[3], FSC_LEVEL(FSC_PERM, 2), "permission fault on the block");
	cr_expect_eq(ev->a[1] >> ESR_EC_SHIFT, ESR_EC_IABT_LOW);
	cr_expect_eq(count_events(seq, EV_relax_perms), 1);
	cr_expect_eq(count_events(seq, EV_map), 0, "the block stays");
	cr_expect_eq(count_events(seq, EV_map_table), 0);
	ev = first_event(seq, EV_relax_perms);
	cr_expect(ev->a[2] & S2_DESC_XN);
	cr_expect(!(ev->a[3] & S2_DESC_XN));
	cr_expect_eq(leaf_level(RAM, &prot), 2);
	cr_expect_eq(prot, S2_PROT_RWX);
	cr_expect_eq(s2->stats.perm_faults, 1);
	cr_expect_eq(s2->stats.relaxes, 1);
}

Test(s2_fault, a_first_fetch_maps_executable)
{
	uint32_t prot;

	cr_assert_eq(access_ipa(RAM + 4 * MiB, EX), 0);
	cr_expect_eq(leaf_level(RAM + 4 * MiB, &prot), 2);
	cr_expect_eq(prot, S2_PROT_RWX);
	cr_expect_eq(s2->stats.perm_faults, 0);
}

Test(s2_fault, blocks_stop_at_the_memslot_edge)
{
	uint32_t prot;

	remake(3 * MiB, 40, 4096);
	cr_assert_eq(access_ipa(RAM + 0x5000, RD), 0);
	cr_expect_eq(leaf_level(RAM + 0x5000, NULL), 2, "the first 2M is in the slot");
	cr_assert_eq(access_ipa(RAM + 2 * MiB + 0x5000, RD), 0);
	cr_expect_eq(leaf_level(RAM + 2 * MiB + 0x5000, &prot), 3, "the second is not");
	cr_expect_eq(prot, S2_PROT_R | S2_PROT_W);
	cr_expect_eq(s2_pgtable_get_leaf(&s2->pgt, RAM + 2 * MiB + 0x6000, NULL, NULL),
		     -ENOENT, "one page at a time");
	cr_assert_eq(access_ipa(RAM + 3 * MiB - 8, RD), 0);
	cr_expect_eq(access_ipa(RAM + 3 * MiB, RD), 1, "past the end is MMIO");
	cr_expect_eq(s2->pgt.stats.map[2], 1);
	cr_expect_eq(s2->pgt.stats.map[3], 2);
}

Test(s2_fault, a_misaligned_slot_gets_pages)
{
	hpa_t hpa;
	int id;

	cr_assert_eq(arena_alloc_ram(&vm.arena, 8 * MiB, 2 * MiB, &hpa), 0);
	id = memslot_add(&vm.slots, gpa_to_gfn(0x80000000ull), 1024, hpa + PAGE_SIZE, 0);
	cr_assert_geq(id, 0);
	cr_assert_eq(access_ipa(0x80000000ull + 0x1000, RD), 0);
	{
		uint64_t pte;
		int level;

		cr_assert_eq(s2_pgtable_get_leaf(&s2->pgt, 0x80001000ull, &pte, &level), 0);
		cr_expect_eq(level, 3, "IPA and PA are not equally aligned");
		cr_expect_eq(s2_pte_hpa(&s2->pgt.geom, pte, level, 0x80001000ull),
			     hpa + 2 * PAGE_SIZE);
	}
}

Test(s2_fault, outside_memslots_is_mmio)
{
	uint64_t seq = vm.events.next_seq;
	const struct hv_event *ev;

	cr_expect_eq(access_ipa(0x09000000, WR), 1);
	cr_expect_eq(access_ipa(0x09000000, EX), 1);
	cr_expect_eq(access_ipa(0x09000000, PTW), 1);
	cr_expect_eq(count_events(seq, EV_io_mem_abort), 3);
	ev = first_event(seq, EV_io_mem_abort);
	cr_expect_eq(ev->a[0], 0x09000000);
	cr_expect(ev->a[1] & ESR_WNR);
	cr_expect_eq(count_events(seq, EV_map), 0);
	cr_expect_eq(count_events(seq, EV_map_table), 0);
	cr_expect_eq(s2->stats.mmio_faults, 3);
	cr_expect_eq(s2->pgt.stats.tables, 2, "nothing built");
}

Test(s2_fault, a_read_only_slot)
{
	hpa_t hpa;
	uint32_t prot;
	uint64_t pte;
	int level;

	cr_assert_eq(arena_alloc_ram(&vm.arena, 2 * MiB, 2 * MiB, &hpa), 0);
	cr_assert_geq(memslot_add(&vm.slots, gpa_to_gfn(0x80000000ull), 512, hpa,
				  MEMSLOT_READONLY), 0);
	cr_expect_eq(access_ipa(0x80000000ull, WR), 1, "a write is MMIO");
	cr_assert_eq(access_ipa(0x80000000ull, RD), 0);
	cr_assert_eq(s2_pgtable_get_leaf(&s2->pgt, 0x80000000ull, &pte, &level), 0);
	prot = s2_pte_prot(pte) & S2_PROT_RWX;
	cr_expect_eq(prot, S2_PROT_R);
	cr_expect_eq(level, 2);
	cr_expect_eq(access_ipa(0x80000000ull, WR), 1, "still MMIO once mapped");
}

Test(s2_fault, access_flag_fault_makes_young)
{
	uint64_t seq;
	const struct hv_event *ev;

	cr_assert_eq(access_ipa(RAM, RD), 0);
	cr_assert_eq(access_ipa(RAM + 2 * MiB, RD), 0);
	cr_expect_eq(s2_mmu_age(s2, RAM, RAM + 64 * MiB), 2);
	cr_expect_eq(s2_mmu_age(s2, RAM, RAM + 64 * MiB), 0, "already old");
	seq = vm.events.next_seq;
	cr_assert_eq(access_ipa(RAM + 0x10, RD), 0);
	ev = first_event(seq, EV_guest_fault);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[3], FSC_LEVEL(FSC_ACCESS, 2));
	ev = first_event(seq, EV_access_fault);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[0], RAM + 0x10);
	cr_expect_eq(count_events(seq, EV_mkyoung), 1);
	cr_expect_eq(count_events(seq, EV_map), 0);
	cr_expect_eq(s2->stats.access_faults, 1);
	/* the other block is still old */
	{
		uint64_t pte;

		cr_assert_eq(s2_pgtable_get_leaf(&s2->pgt, RAM + 2 * MiB, &pte, NULL), 0);
		cr_expect(!(pte & S2_DESC_AF));
	}
}

Test(s2_fault, dirty_logging_splits_and_marks)
{
	uint64_t seq, bitmap[64 * MiB / PAGE_SIZE / 64];
	const struct hv_event *ev;
	uint32_t prot;

	cr_assert_eq(access_ipa(RAM, WR), 0);
	cr_expect_eq(leaf_level(RAM, NULL), 2);
	seq = vm.events.next_seq;
	cr_assert_eq(s2_mmu_log_dirty(s2, 0, true), 0);
	cr_expect_eq(count_events(seq, EV_wrprotect), 1);
	/* a write to the write-protected block maps one page, writable */
	seq = vm.events.next_seq;
	cr_assert_eq(access_ipa(RAM + 0x5008, WR), 0);
	ev = first_event(seq, EV_guest_fault);
	cr_expect_eq(ev->a[3], FSC_LEVEL(FSC_PERM, 2));
	ev = first_event(seq, EV_user_mem_abort);
	cr_expect_eq(ev->a[2], PAGE_SIZE, "force_pte under logging");
	ev = first_event(seq, EV_map_table);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[2] & 3, 1, "the block was replaced");
	cr_expect_eq(count_events(seq, EV_mark_page_dirty), 1);
	cr_expect_eq(leaf_level(RAM + 0x5000, &prot), 3);
	cr_expect_eq(prot, S2_PROT_R | S2_PROT_W);
	/* a read elsewhere in the old block maps a read-only page */
	seq = vm.events.next_seq;
	cr_assert_eq(access_ipa(RAM + 0x9000, RD), 0);
	cr_expect_eq(leaf_level(RAM + 0x9000, &prot), 3);
	cr_expect_eq(prot, S2_PROT_R);
	cr_expect_eq(count_events(seq, EV_mark_page_dirty), 0);
	/* the log has page 5, and getting it write-protects it again */
	memset(bitmap, 0, sizeof(bitmap));
	cr_expect_eq(s2_mmu_get_dirty_log(s2, 0, bitmap, ARRAY_SIZE(bitmap)), 1);
	cr_expect_eq(bitmap[0], 1ull << 5);
	cr_expect_eq(s2_mmu_get_dirty_log(s2, 0, bitmap, ARRAY_SIZE(bitmap)), 0);
	leaf_level(RAM + 0x5000, &prot);
	cr_expect_eq(prot, S2_PROT_R);
	/* the next write relaxes the page and marks it again */
	seq = vm.events.next_seq;
	cr_assert_eq(access_ipa(RAM + 0x5000, WR), 0);
	cr_expect_eq(first_event(seq, EV_guest_fault)->a[3], FSC_LEVEL(FSC_PERM, 3));
	cr_expect_eq(count_events(seq, EV_relax_perms), 1);
	cr_expect_eq(count_events(seq, EV_mark_page_dirty), 1);
	cr_expect_eq(s2_mmu_get_dirty_log(s2, 0, bitmap, ARRAY_SIZE(bitmap)), 1);
	/* a stage-1 table walk counts as a write (kvm_is_write_fault) */
	cr_assert_eq(access_ipa(RAM + 0xa000, PTW), 0);
	leaf_level(RAM + 0xa000, &prot);
	cr_expect_eq(prot, S2_PROT_R | S2_PROT_W);
	cr_expect_eq(s2_mmu_get_dirty_log(s2, 0, bitmap, ARRAY_SIZE(bitmap)), 1);
	cr_expect_eq(bitmap[0], 1ull << 10);
	cr_assert_eq(s2_mmu_log_dirty(s2, 0, false), 0);
	cr_expect_eq(s2_mmu_get_dirty_log(s2, 0, bitmap, ARRAY_SIZE(bitmap)), -ENOENT);
}

Test(s2_fault, unsupported_fault_codes_are_refused)
{
	uint32_t esr = (uint32_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | FSC_LEVEL(FSC_ADDR_SIZE, 1);

	cr_expect_eq(s2_mmu_handle_abort(s2, RAM, esr, 0), -EFAULT);
	cr_expect_eq(s2->stats.other_faults, 1);
}

Test(s2_fault, sixteen_and_sixty_four_k)
{
	remake(64 * MiB, 36, 16384);
	cr_assert_eq(access_ipa(RAM + 0x12345, RD), 0);
	cr_expect_eq(leaf_level(RAM + 0x12345, NULL), 2, "a 32M block");
	cr_expect_eq(s2->pgt.stats.map[2], 1);
	remake(64 * MiB, 48, 65536);
	cr_assert_eq(access_ipa(RAM + 0x12345, RD), 0);
	cr_expect_eq(leaf_level(RAM + 0x12345, NULL), 3, "512M does not fit: a 64K page");
	cr_expect_eq(s2_pgtable_get_leaf(&s2->pgt, RAM + 0x20000, NULL, NULL), -ENOENT);
	cr_assert_eq(access_ipa(RAM + 0x1ffff, RD), 0, "the same 64K page");
	cr_expect_eq(s2->stats.trans_faults, 1);
}

Test(s2_fault, geometry_is_refused_early)
{
	char err[128];

	cr_expect_null(s2_mmu_create(&vm, 30, 4096, err, sizeof(err)));
	cr_expect_null(s2_mmu_create(&vm, 40, 8192, err, sizeof(err)));
}

Test(s2_fault, stats_and_dump)
{
	char buf[4096];
	int n;

	cr_assert_eq(access_ipa(RAM, RD), 0);
	cr_expect_eq(access_ipa(0x09000000, RD), 1);
	n = s2_mmu_format_stats(s2, buf, sizeof(buf));
	cr_assert_lt(n, (int)sizeof(buf));
	cr_expect_not_null(strstr(buf, "s2_start_level 1\ns2_concat 2\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_t0sz 24\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_vtcr 0x80053558\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_faults_translation 1\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_faults_mmio 1\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_map_2m 1\ns2_map_4k 0\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_map_1g 0\n"), "%s", buf);
	cr_expect_not_null(strstr(buf, "s2_tables 3\n"), "%s", buf);
	cr_expect_eq(s2_mmu_format_stats(s2, buf, 8), n, "truncation keeps the length");
	n = s2_mmu_dump(s2, 0, 0, buf, sizeof(buf));
	cr_expect_not_null(strstr(buf, "level 1 (2 concatenated tables"), "%s", buf);
	cr_expect_not_null(strstr(buf, "-> 2M page"), "%s", buf);
}

/* --- end to end: code on the CPU with stage 2 on ----------------------------------------- */

Test(s2_fault, a_guest_runs_with_stage_2_on)
{
	static const uint32_t code[] = {
		0xd2a80801,	/* mov x1, #0x40400000 */
		0xf9400020,	/* ldr x0, [x1] */
		0xf9000420,	/* str x0, [x1, #8] */
		0xd2a12003,	/* mov x3, #0x09000000 */
		0xd2800824,	/* mov x4, #0x41 */
		0x39000064,	/* strb w4, [x3] */
		0xd2a80805,	/* mov x5, #0x40400000 */
		0x910040a5,	/* add x5, x5, #16 */
		0xd61f00a0,	/* br x5 */
	};
	static const uint32_t there[] = {
		0xd503207f,	/* wfi */
	};
	struct a64tm t;
	struct s2_mmu *m;
	char err[128];
	uint64_t seq;
	const struct hv_event *ev;
	uint64_t pte;
	int level;

	tm_init(&t, 16 * MiB);
	TM_LOAD(&t, TM_CODE, code);
	TM_LOAD(&t, 0x40400010, there);
	tm_wr64(&t, 0x40400000, 0x1122334455667788ull);
	m = s2_mmu_create(&t.vm, 40, 4096, err, sizeof(err));
	cr_assert_not_null(m, "%s", err);
	cr_assert_eq(s2_mmu_attach(m, &t.cpu->mmu), 0);
	arm64_tlb_flush_all(t.cpu);
	seq = t.vm.events.next_seq;
	tm_run(&t, 100);
	cr_expect_str_eq(t.out, "A");
	cr_expect_eq(tm_rd64(&t, 0x40400008), 0x1122334455667788ull);
	cr_expect_eq(t.cpu->pc, 0x40400014, "after the wfi");
	/* fetch at 0x40000000: translation fault, mapped executable */
	ev = NULL;
	for (uint64_t s = seq; s < t.vm.events.next_seq && !ev; s++)
		if (event_get(&t.vm.events, s)->kind == EV_guest_fault)
			ev = event_get(&t.vm.events, s);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->a[0], TM_CODE);
	cr_expect_eq(ev->a[1] >> ESR_EC_SHIFT, ESR_EC_IABT_LOW);
	cr_expect_eq(m->stats.trans_faults, 2, "the code's block and the data's");
	cr_expect_eq(m->stats.mmio_faults, 1, "the UART");
	cr_expect_eq(m->stats.perm_faults, 1, "the jump into the data block");
	cr_expect_eq(m->stats.relaxes, 1);
	cr_assert_eq(s2_pgtable_get_leaf(&m->pgt, 0x40400000, &pte, &level), 0);
	cr_expect_eq(level, 2);
	cr_expect_eq(s2_pte_prot(pte) & S2_PROT_RWX, S2_PROT_RWX);
	s2_mmu_destroy(m);
	tm_fini(&t);
}
