/* SPDX-License-Identifier: MIT */
/*
 * The host-physical arena (see hv/arena.h for the layout).
 *
 * One anonymous mapping holds everything the hardware layer may touch.
 * Table pages come from a pool with a free list threaded through the
 * freed pages themselves; guest RAM is carved from the top part, aligned
 * so that a 1 GiB-aligned gpa can sit on a 1 GiB-aligned hpa and the
 * hypervisor can use its largest mappings.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <hv/arena.h>

#define ARENA_RAM_ALIGN GiB

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int arena_init(struct arena *arena, uint64_t ram_bytes, uint64_t pool_bytes)
{
	uint64_t size;
	void *p;

	memset(arena, 0, sizeof(*arena));
	pool_bytes = align_up(pool_bytes, PAGE_SIZE);
	ram_bytes = align_up(ram_bytes, PAGE_SIZE);
	arena->pool_end = PAGE_SIZE + pool_bytes;
	arena->ram_base = align_up(arena->pool_end, ARENA_RAM_ALIGN);
	arena->ram_next = arena->ram_base;
	size = arena->ram_base + align_up(ram_bytes, ARENA_RAM_ALIGN);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	arena->base = p;
	arena->size = size;
	arena->pool_next = PAGE_SIZE;
	return 0;
}

void arena_destroy(struct arena *arena)
{
	if (arena->base)
		munmap(arena->base, arena->size);
	memset(arena, 0, sizeof(*arena));
}

hpa_t arena_alloc_table(struct arena *arena)
{
	hpa_t hpa;

	if (arena->free_list) {
		hpa = arena->free_list;
		arena->free_list = arena_read64(arena, hpa);
	} else if (arena->pool_next < arena->pool_end) {
		hpa = arena->pool_next;
		arena->pool_next += PAGE_SIZE;
	} else {
		return 0;
	}
	memset(arena->base + hpa, 0, PAGE_SIZE);
	if (++arena->tables_in_use > arena->tables_peak)
		arena->tables_peak = arena->tables_in_use;
	return hpa;
}

hpa_t arena_alloc_table_block(struct arena *arena, unsigned int order)
{
	uint64_t bytes = PAGE_SIZE << order;
	hpa_t hpa;

	if (!order)
		return arena_alloc_table(arena);
	if (order > 16)
		return 0;
	/* The free list holds single pages: a block needs fresh pool. */
	hpa = align_up(arena->pool_next, bytes);
	if (hpa > arena->pool_end || bytes > arena->pool_end - hpa)
		return 0;
	for (hpa_t p = arena->pool_next; p < hpa; p += PAGE_SIZE) {
		arena_write64(arena, p, arena->free_list);
		arena->free_list = p;
	}
	arena->pool_next = hpa + bytes;
	memset(arena->base + hpa, 0, bytes);
	arena->tables_in_use += 1ull << order;
	if (arena->tables_in_use > arena->tables_peak)
		arena->tables_peak = arena->tables_in_use;
	return hpa;
}

void arena_free_table(struct arena *arena, hpa_t hpa)
{
	if (!hpa || !arena_is_table(arena, hpa) || (hpa & ~PAGE_MASK))
		return;
	/* Poison the page so a stale reference reads garbage, not a table. */
	memset(arena->base + hpa, 0, PAGE_SIZE);
	arena_write64(arena, hpa, arena->free_list);
	arena->free_list = hpa;
	arena->tables_in_use--;
}

bool arena_is_table(const struct arena *arena, hpa_t hpa)
{
	return hpa >= PAGE_SIZE && hpa < arena->pool_end;
}

int arena_alloc_ram(struct arena *arena, uint64_t bytes, uint64_t align,
		    hpa_t *hpa)
{
	hpa_t start;

	if (!bytes || (bytes & ~PAGE_MASK) || align < PAGE_SIZE ||
	    (align & (align - 1)))
		return -EINVAL;
	start = align_up(arena->ram_next, align);
	if (start > arena->size || bytes > arena->size - start)
		return -ENOMEM;
	arena->ram_next = start + bytes;
	*hpa = start;
	return 0;
}
