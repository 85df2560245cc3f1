/*
 * palloc.c: physical memory for page tables and test pages.
 *
 * A bump allocator over [PALLOC_POOL_START, PALLOC_POOL_END): nothing is
 * ever freed, a guest run is short. Memory is zeroed through its
 * physical address, which works with paging off and with the identity
 * map every guest keeps over the pool. Running out is a test failure.
 */
#include "guest.h"
#include "mmu.h"

static uintptr_t next_pa = PALLOC_POOL_START;

uintptr_t palloc(uintptr_t size, uintptr_t align)
{
	uintptr_t pa = (next_pa + align - 1) & ~(align - 1);

	if (pa + size > PALLOC_POOL_END || pa + size < pa) {
		report(false, "palloc: pool exhausted");
		finish();
	}
	next_pa = pa + size;
	memset((void *)pa, 0, size);
	return pa;
}

uintptr_t palloc_page(void)
{
	return palloc(PAGE_SIZE, PAGE_SIZE);
}
