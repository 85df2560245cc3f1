/*
 * pagetouch64: a paging benchmark. 64 MiB of RAM is mapped with 4 KiB
 * pages (16384 PTEs in 32 page tables under 4-level paging) and touched
 * one byte per page, page after page, for PASSES passes. Consecutive
 * touches land on different pages, so any TLB with fewer than 16384
 * entries misses on every touch and each one costs a page walk (or, under
 * a hypervisor, whatever its MMU does on a miss). The first pass also
 * sets A and D in every PTE.
 *
 * Pass 0 stores (7 * page) mod 256 at offset (64 * page) mod 4096 of each
 * page; every later pass reads that byte, adds it to a sum and stores it
 * back plus one. The sum is checked against the same arithmetic done
 * without memory, and the final bytes through the identity map. The line
 * "touches N" gives bench/run.sh the number of page touches.
 */
#include "guest.h"
#include "mmu.h"

#define REGION_VA	0x0000008000000000ull	/* PML4 slot 1 */
#define REGION_PA	MiB(32)
#define REGION_SIZE	MiB(64)
#define PAGES		(REGION_SIZE / PAGE_SIZE)
#define PASSES		64
#define IDENT_END	MiB(128)	/* all RAM, so results can be checked by pa */

static struct pt64 pt;

static uint64_t offset_of(uint64_t page)
{
	return page * PAGE_SIZE + ((page * 64) & (PAGE_SIZE - 1));
}

/* Identity map all of RAM with 2 MiB pages, the region with 4 KiB
 * pages, and switch to these tables. */
static void build_tables(void)
{
	pt64_init(&pt, 4);
	for (uintptr_t pa = 0; pa < IDENT_END; pa += MiB(2))
		*pt64_walk(&pt, pa, 2, true) = pa | PTE_P | PTE_W | PTE_PS;
	for (uint64_t i = 0; i < PAGES; i++)
		*pt64_walk(&pt, REGION_VA + i * PAGE_SIZE, 1, true) =
			(REGION_PA + i * PAGE_SIZE) | PTE_P | PTE_W;
	write_cr3((uintptr_t)pt.root);
}

void guest_main(void)
{
	volatile uint8_t *region = (volatile uint8_t *)REGION_VA;
	uint64_t sum = 0, expect = 0;

	printf("pagetouch64: %u passes over %u pages of 4 KiB\n", PASSES + 1,
	       (unsigned)PAGES);
	printf("touches %u\n", (unsigned)((PASSES + 1) * PAGES));	/* make bench */
	build_tables();

	for (uint64_t i = 0; i < PAGES; i++)
		region[offset_of(i)] = (uint8_t)(i * 7);
	for (int p = 1; p <= PASSES; p++) {
		for (uint64_t i = 0; i < PAGES; i++) {
			uint8_t v = region[offset_of(i)];
			sum += v;
			region[offset_of(i)] = v + 1;
		}
	}

	for (int p = 1; p <= PASSES; p++)
		for (uint64_t i = 0; i < PAGES; i++)
			expect += (uint8_t)(i * 7 + p - 1);
	report(sum == expect, "sum of the %u bytes read back: %llu",
	       (unsigned)(PASSES * PAGES), (unsigned long long)sum);

	int bad = 0;
	for (uint64_t i = 0; i < PAGES; i++)
		bad += *(volatile uint8_t *)(REGION_PA + offset_of(i)) !=
		       (uint8_t)(i * 7 + PASSES);
	report(bad == 0, "final bytes found at their physical addresses");

	int dirty = 0;
	for (uint64_t i = 0; i < PAGES; i++)
		dirty += (*pt64_walk(&pt, REGION_VA + i * PAGE_SIZE, 1, false) &
			  (PTE_A | PTE_D)) == (PTE_A | PTE_D);
	report(dirty == (int)PAGES, "A and D set in all %d PTEs", dirty);
}
