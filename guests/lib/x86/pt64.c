/*
 * pt64.c: page tables with 8-byte entries, for PAE paging (3 levels) and
 * 4-level paging (long mode). Every table has 512 entries and the index
 * at level L is va bits (12 + 9L - 1)..(12 + 9(L - 1)):
 *
 *   4-level:  47..39 PML4 | 38..30 PDPT | 29..21 PD | 20..12 PT | offset
 *   PAE:               31..30 PDPT | 29..21 PD | 20..12 PT | offset
 *
 * (for PAE the same formula yields the 2-bit PDPT index since va < 4 GiB).
 * The PAE PDPT is the top level; its entries take only P and the address,
 * and the CPU reads all four when CR3 is loaded, so a changed PDPTE counts
 * only after the next CR3 write. Tables are identity mapped.
 */
#include "guest.h"
#include "mmu.h"

#define ADDR_MASK 0x000FFFFFFFFFF000ull

void pt64_init(struct pt64 *pt, int levels)
{
	pt->root = (pte64_t *)palloc_page();
	pt->levels = levels;
}

uint64_t pt64_level_size(int level)
{
	return 1ull << (12 + 9 * (level - 1));
}

static unsigned index_at(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

/*
 * Walk from the root down to `level` and return the entry there for va.
 * Missing tables are allocated if alloc (else NULL); the new upper entry
 * is P|W|U, or P alone in a PAE PDPT. A large page on the way (PS) makes
 * the walk stop with NULL.
 */
pte64_t *pt64_walk(struct pt64 *pt, uint64_t va, int level, bool alloc)
{
	pte64_t *table = pt->root;

	for (int l = pt->levels; l > level; l--) {
		pte64_t *e = &table[index_at(va, l)];
		if (!(*e & PTE_P)) {
			if (!alloc)
				return NULL;
			bool pae_pdpte = pt->levels == 3 && l == 3;
			*e = palloc_page() | PTE_P |
			     (pae_pdpte ? 0 : PTE_W | PTE_U);
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = (pte64_t *)(uintptr_t)(*e & ADDR_MASK);
	}
	return &table[index_at(va, level)];
}

/*
 * Map va to pa at `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB; PS added above
 * level 1) and drop the TLB entry for va.
 */
void pt64_map(struct pt64 *pt, uint64_t va, uint64_t pa, int level,
	      uint64_t flags)
{
	pte64_t *e = pt64_walk(pt, va, level, true);

	if (!e) {
		report(false, "pt64_map: 0x%llx is inside a large page",
		       (unsigned long long)va);
		finish();
	}
	*e = pa | flags | (level > 1 ? PTE_PS : 0);
	invlpg((uintptr_t)va);
}
