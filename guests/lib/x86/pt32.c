/*
 * pt32.c: 32-bit (non-PAE) page tables: a page directory of 1024 PDEs,
 * each either a 4 MiB page (PS=1, needs CR4.PSE) or the physical address
 * of a page table of 1024 PTEs mapping 4 KiB pages.
 *
 *   va: 31..22 PD index | 21..12 PT index | 11..0 offset
 *
 * Tables are identity mapped, so a table's physical address is also the
 * pointer we use to edit it.
 */
#include "guest.h"
#include "mmu.h"

uint32_t *pt32_new(void)
{
	return (uint32_t *)palloc_page();
}

/*
 * Return the entry for va at level 2 (PDE) or level 1 (PTE). For a PTE
 * under a missing PDE, allocate a table if alloc (the new PDE is
 * P|W|U, so the PTE alone decides the rights) or return NULL. A PTE
 * under a 4 MiB PDE is a caller error: NULL.
 */
pte32_t *pt32_walk(uint32_t *pd, uint32_t va, int level, bool alloc)
{
	pte32_t *pde = &pd[va >> 22];

	if (level == 2)
		return pde;
	if (!(*pde & PTE_P)) {
		if (!alloc)
			return NULL;
		*pde = (uint32_t)palloc_page() | PTE_P | PTE_W | PTE_U;
	} else if (*pde & PTE_PS) {
		return NULL;
	}
	uint32_t *pt = (uint32_t *)(uintptr_t)(*pde & ~0xFFFu);
	return &pt[(va >> 12) & 0x3FF];
}

/*
 * Map va to pa with a 4 KiB (level 1) or 4 MiB (level 2, PS added)
 * page and drop any stale TLB entry for va.
 */
void pt32_map(uint32_t *pd, uint32_t va, uint32_t pa, int level,
	      uint32_t flags)
{
	pte32_t *e = pt32_walk(pd, va, level, true);

	if (!e) {
		report(false, "pt32_map: 0x%lx is inside a 4 MiB page",
		       (unsigned long)va);
		finish();
	}
	*e = pa | flags | (level == 2 ? PTE_PS : 0);
	invlpg(va);
}
