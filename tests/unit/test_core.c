/* SPDX-License-Identifier: MIT */
/* The core: arena, memslots, event ring, io bus, vm. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/vm.h>

Test(arena, tables_come_zeroed_and_are_recycled)
{
	struct arena a;
	hpa_t t1, t2, t3;

	cr_assert_eq(arena_init(&a, 4 * MiB, 3 * PAGE_SIZE), 0);
	t1 = arena_alloc_table(&a);
	t2 = arena_alloc_table(&a);
	t3 = arena_alloc_table(&a);
	cr_assert(t1 && t2 && t3);
	cr_assert_eq(arena_alloc_table(&a), 0, "pool of 3 pages is exhausted");
	cr_assert_eq(a.tables_in_use, 3);
	arena_write64(&a, t2 + 8, 0xdeadbeef);
	arena_free_table(&a, t2);
	cr_assert_eq(a.tables_in_use, 2);
	cr_assert_eq(arena_alloc_table(&a), t2, "freed page is reused");
	cr_assert_eq(arena_read64(&a, t2 + 8), 0, "reused page is zeroed");
	cr_assert_eq(a.tables_peak, 3);
	arena_destroy(&a);
}

Test(arena, hva_refuses_everything_outside)
{
	struct arena a;

	cr_assert_eq(arena_init(&a, 4 * MiB, 16 * PAGE_SIZE), 0);
	cr_assert_not_null(arena_hva(&a, 0, 8));
	cr_assert_null(arena_hva(&a, a.size, 1));
	cr_assert_null(arena_hva(&a, a.size - 4, 8));
	cr_assert_null(arena_hva(&a, ~0ull - 3, 8), "no wrap-around");
	cr_assert_eq(arena_read64(&a, a.size + 4096), 0);
	arena_write64(&a, ~0ull & ~7ull, 1);	/* dropped, no crash */
	cr_assert_eq(arena_read64(&a, 0x1003), 0, "misaligned reads as 0");
	arena_destroy(&a);
}

Test(arena, ram_is_aligned_and_bounded)
{
	struct arena a;
	hpa_t ram;

	cr_assert_eq(arena_init(&a, 64 * MiB, 16 * PAGE_SIZE), 0);
	cr_assert_eq(arena_alloc_ram(&a, 64 * MiB, GiB, &ram), 0);
	cr_assert_eq(ram & (GiB - 1), 0);
	cr_assert_not(arena_is_table(&a, ram));
	cr_assert_eq(arena_alloc_ram(&a, 2 * GiB, PAGE_SIZE, &ram), -ENOMEM);
	cr_assert_eq(arena_alloc_ram(&a, 100, PAGE_SIZE, &ram), -EINVAL);
	arena_destroy(&a);
}

Test(memslot, add_find_overlap)
{
	struct memslots s = { 0 };
	hfn_t hfn;

	cr_assert_geq(memslot_add(&s, 0x100, 0x100, 0x40000000, 0), 0);
	cr_assert_geq(memslot_add(&s, 0x0, 0x10, 0x80000000, 0), 0);
	cr_assert_eq(memslot_add(&s, 0x1ff, 2, 0x0, 0), -EEXIST);
	cr_assert_eq(memslot_add(&s, 0x300, 0, 0x0, 0), -EINVAL);
	cr_assert_eq(s.slot[0].base_gfn, 0, "kept sorted");
	cr_assert(memslot_gfn_to_hfn(&s, 0x105, &hfn));
	cr_assert_eq(hfn, 0x40005);
	cr_assert_not(memslot_gfn_to_hfn(&s, 0x200, &hfn));
	cr_assert_not(memslot_gfn_to_hfn(&s, 0x10, &hfn));
}

Test(memslot, block_mapping_rule)
{
	struct memslots s = { 0 };

	/* 128 MiB at gpa 0, hpa 1 GiB: 2 MiB blocks yes, 1 GiB no. */
	memslot_add(&s, 0, (128 * MiB) >> PAGE_SHIFT, GiB, 0);
	cr_assert_eq(memslot_max_mapping_shift(&s, 0x1234, 30), 21);
	cr_assert_eq(memslot_max_mapping_shift(&s, 0x1234, 12), 12);
	cr_assert(memslot_can_map_block(&s, 0, 27));
	cr_assert_not(memslot_can_map_block(&s, 0, 28), "block beyond slot");

	/* Misaligned hpa: no block at all. */
	struct memslots m = { 0 };
	memslot_add(&m, 0, 1024, GiB + PAGE_SIZE, 0);
	cr_assert_eq(memslot_max_mapping_shift(&m, 0, 30), 12);
	/* Not RAM. */
	cr_assert_eq(memslot_max_mapping_shift(&m, 5000, 30), 12);
}

static uint64_t icount = 42;

static void count_cb(void *opaque, const struct hv_event *ev)
{
	(*(int *)opaque)++;
	cr_assert_eq(ev->icount, 42);
}

Test(event, ring_wraps_and_subscribers_see_all)
{
	struct event_ring r;
	int seen = 0, h;

	cr_assert_eq(event_ring_init(&r, 5, &icount), 0);
	cr_assert_eq(r.mask, 7, "rounded up to 8");
	h = event_subscribe(&r, count_cb, &seen);
	cr_assert_geq(h, 0);
	for (int i = 0; i < 20; i++)
		event_emit(&r, EV_tdp_mmu_spte_changed, 1, i, 0, 0, 0);
	cr_assert_eq(seen, 20);
	cr_assert_eq(event_oldest(&r), 12);
	cr_assert_null(event_get(&r, 11), "overwritten");
	cr_assert_eq(event_get(&r, 19)->a[0], 19);
	cr_assert_null(event_get(&r, 20), "not yet emitted");
	event_unsubscribe(&r, h);
	event_emit(&r, EV_exit, -1, 0, 0, 0, 0);
	cr_assert_eq(seen, 20);
	event_ring_destroy(&r);
}

Test(event, names_fields_and_format)
{
	struct hv_event ev = {
		.seq = 7, .icount = 100, .kind = EV_tdp_mmu_spte_changed,
		.level = 2, .a = { 0x1234, 0, 0x80000000000000e7ull, 0 },
	};
	char buf[200];

	cr_assert_eq(event_kind_by_name("tdp_mmu_spte_changed"),
		     EV_tdp_mmu_spte_changed);
	cr_assert_eq(event_kind_by_name("no_such_event"), -1);
	cr_assert_eq(event_field_by_name(EV_tdp_mmu_spte_changed, "new"), 2);
	cr_assert_eq(event_field_by_name(EV_tdp_mmu_spte_changed, "as_id"), 3);
	cr_assert_eq(event_field_by_name(EV_tdp_mmu_spte_changed, "as"), -1);
	cr_assert_str_eq(event_group_name(event_group(EV_ept_violation)), "tdp");
	event_format(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "#7 @100 tdp_mmu_spte_changed level=2 gfn=0x1234 "
			      "old=0x0 new=0x80000000000000e7 as_id=0");
	/* Truncation is safe and reports the full length. */
	cr_assert_gt(event_format(&ev, buf, 10), 10);
	cr_assert_eq(strlen(buf), 9);
}

static uint64_t dev_read(void *opaque, uint64_t off, unsigned int size)
{
	return 0x1122334455667788ull + off;
}

static void dev_write(void *opaque, uint64_t off, unsigned int size,
		      uint64_t val)
{
	*(uint64_t *)opaque = off << 32 | val;
}

Test(io_bus, dispatch_and_empty_bus)
{
	static const struct io_ops ops = { .read = dev_read, .write = dev_write };
	struct io_bus bus = { 0 };
	uint64_t last = 0;

	cr_assert_eq(io_bus_register(&bus, 0x3f8, 8, &ops, &last, "dev"), 0);
	cr_assert_eq(io_bus_register(&bus, 0x3fc, 8, &ops, &last, "x"), -EEXIST);
	cr_assert_eq(io_bus_read(&bus, 0x3f9, 1), 0x89);
	io_bus_write(&bus, 0x3fa, 1, 0x1ff);
	cr_assert_eq(last, 2ull << 32 | 0xff, "value masked to its size");
	cr_assert_eq(io_bus_read(&bus, 0x80, 2), 0xffff, "floating bus");
	io_bus_write(&bus, 0x80, 4, 1);	/* vanishes */
}

Test(vm, ram_through_memslot)
{
	struct vm_config cfg = { .arch = VM_ARCH_X86, .ram_bytes = 8 * MiB };
	struct vm vm;
	uint32_t v = 0x12345678, r = 0;

	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
	cr_assert_eq(vm_write_gpa(&vm, 0x1000, &v, 4), 0);
	cr_assert_eq(vm_read_gpa(&vm, 0x1000, &r, 4), 0);
	cr_assert_eq(r, v);
	cr_assert_eq(vm_write_gpa(&vm, 8 * MiB - 2, &v, 4), -EFAULT);
	cr_assert_null(vm_gpa_to_hva(&vm, 8 * MiB, 1));
	cr_assert_eq(*(uint32_t *)arena_hva(&vm.arena, vm.ram_hpa + 0x1000, 4), v,
		     "gpa 0x1000 lives at ram_hpa + 0x1000 in the arena");
	vm_request_stop(&vm, VCPU_EXIT_POWEROFF, 3, "bye");
	cr_assert(vm.stop_requested);
	cr_assert_eq(vm.stop_exit.status, 3);
	vm_destroy(&vm);
}
