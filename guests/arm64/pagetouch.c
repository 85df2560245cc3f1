/*
 * pagetouch: a paging benchmark, the arm64 twin of
 * guests/x86/pagetouch64.c. Stage 1 with the 4 KiB granule and 39-bit
 * VAs (walks start at level 1) maps 64 MiB with 4 KiB pages (16384
 * level-3 descriptors in 32 tables), which is touched one byte per page,
 * page after page, for PASSES passes. Consecutive touches land on
 * different pages, so any TLB with fewer than 16384 entries misses on
 * every touch and each one costs a walk (under stage 2, a nested one).
 *
 * Pass 0 stores (7 * page) mod 256 at offset (64 * page) mod 4096 of each
 * page; every later pass reads that byte, adds it to a sum and stores it
 * back plus one. The sum is checked against the same arithmetic done
 * without memory, and the final bytes through the identity map. The line
 * "touches N" gives bench/arm64.sh the number of page touches.
 *
 * The region's frames are the top 64 MiB of RAM, taken as they are (no
 * frame_alloc(), which would zero them byte by byte: pass 0 writes every
 * byte that is read later); the tables come from frame_alloc() below.
 */
#include "guest.h"
#include "mmu.h"

#define REGION_VA	0x1000000000ull		/* level-1 slot 64 */
#define REGION_SIZE	MiB(64)
#define REGION_PA	(RAM_BASE + RAM_SIZE - REGION_SIZE)
#define PAGE		KiB(4)
#define PAGES		(REGION_SIZE / PAGE)
#define PASSES		64

static struct pt pt;

static uint64_t offset_of(uint64_t page)
{
	return page * PAGE + ((page * 64) & (PAGE - 1));
}

/* Identity map RAM (a 1 GiB block) and the UART (a 2 MiB block), the
 * region with 4 KiB pages, and turn the MMU on. */
static void build_tables(void)
{
	pt_init(&pt, 12, 39);
	pt_map(&pt, RAM_BASE, RAM_BASE, GiB(1), 1,
	       PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN);
	pt_map(&pt, UART_BASE & ~(MiB(2) - 1), UART_BASE & ~(MiB(2) - 1),
	       MiB(2), 2, PTE_DEVICE | PTE_AP_RW_EL1);
	pt_map(&pt, REGION_VA, REGION_PA, REGION_SIZE, 3,
	       PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN | PTE_PXN);
	mmu_enable(&pt, 1, NULL);
}

void guest_main(void)
{
	volatile uint8_t *region = (volatile uint8_t *)REGION_VA;
	uint64_t sum = 0, expect = 0;

	printf("pagetouch: %u passes over %u pages of 4 KiB\n", PASSES + 1,
	       (unsigned)PAGES);
	printf("touches %u\n", (unsigned)((PASSES + 1) * PAGES));	/* make bench */
	build_tables();
	report((uint64_t)frame_alloc(PAGE, PAGE) < REGION_PA,
	       "the tables lie below the region's frames");

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
}
