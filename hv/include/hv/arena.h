/* SPDX-License-Identifier: MIT */
/*
 * The host-physical arena: the only "host memory" the hardware layer
 * can reach.
 *
 * Every byte a walker dereferences, guest RAM and every table the
 * hypervisor builds (EPT/TDP tables, shadow pages, stage-2 tables), lives
 * here, addressed by hpa (a byte offset from the arena's base). A wild
 * entry therefore lands inside the arena or is refused by arena_hva():
 * it can never reach the host's own memory.
 *
 * Layout (hpa):
 *   0                    never handed out, so hpa 0 can mean "none"
 *   [4 KiB, pool_end)    table pool: 4 KiB pages for tables, free list
 *   [ram_base, size)     guest RAM ranges, 1 GiB aligned so that large
 *                        TDP / stage-2 mappings are possible
 * The mapping is reserved with MAP_NORESERVE: untouched pages cost nothing.
 */
#ifndef HV_ARENA_H
#define HV_ARENA_H

#include <hv/types.h>

struct arena {
	uint8_t *base;		/* host pointer of hpa 0 */
	uint64_t size;		/* bytes; valid hpa are [0, size) */
	hpa_t pool_end;		/* table pool is [PAGE_SIZE, pool_end) */
	hpa_t pool_next;	/* next never-used pool page */
	hpa_t free_list;	/* freed pool pages, linked through their
				   first 8 bytes; 0 ends the list */
	uint64_t tables_in_use;	/* pool pages currently allocated */
	uint64_t tables_peak;
	hpa_t ram_base;		/* first RAM hpa */
	hpa_t ram_next;		/* next free RAM hpa */
};

/*
 * Reserve an arena with room for @ram_bytes of guest RAM and
 * @pool_bytes of table pages. Returns 0 or -ENOMEM.
 */
int arena_init(struct arena *arena, uint64_t ram_bytes, uint64_t pool_bytes);
void arena_destroy(struct arena *arena);

/*
 * The host pointer for [hpa, hpa + len), or NULL if any of it lies
 * outside the arena. The one way from an hpa to host memory.
 */
static inline void *arena_hva(const struct arena *arena, hpa_t hpa,
			      uint64_t len)
{
	if (hpa >= arena->size || len > arena->size - hpa)
		return NULL;
	return arena->base + hpa;
}

/* A zeroed 4 KiB table page, or 0 when the pool is exhausted. */
hpa_t arena_alloc_table(struct arena *arena);
/*
 * 2^@order contiguous table pages aligned to their total size, zeroed
 * and counted in tables_in_use: a 16 or 64 KiB stage-2 table, or the
 * concatenated tables of a stage-2 root. Carved from the never-used end
 * of the pool (the pages skipped to align it join the free list,
 * unused); 0 when the pool cannot hold it. Order 0 is
 * arena_alloc_table(). The pages go back one by one through
 * arena_free_table().
 */
hpa_t arena_alloc_table_block(struct arena *arena, unsigned int order);
/* Give a table page back. Freeing 0 is a no-op. */
void arena_free_table(struct arena *arena, hpa_t hpa);
/* True if @hpa is a page of the table pool (allocated or not). */
bool arena_is_table(const struct arena *arena, hpa_t hpa);

/*
 * Carve @bytes (a multiple of 4 KiB) of guest RAM, aligned to @align
 * (a power of two >= 4 KiB). Returns 0 and sets *@hpa, or -ENOMEM.
 */
int arena_alloc_ram(struct arena *arena, uint64_t bytes, uint64_t align,
		    hpa_t *hpa);

/*
 * 64-bit table entries at an hpa. Out-of-arena or misaligned addresses
 * read as 0 (not present) and writes to them are dropped; callers only
 * pass hpas they got from the arena, so this is a last line of defence.
 */
static inline uint64_t arena_read64(const struct arena *arena, hpa_t hpa)
{
	const uint64_t *p = arena_hva(arena, hpa, 8);
	return (p && !(hpa & 7)) ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
}

static inline void arena_write64(struct arena *arena, hpa_t hpa, uint64_t v)
{
	uint64_t *p = arena_hva(arena, hpa, 8);
	if (p && !(hpa & 7))
		__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

#endif
