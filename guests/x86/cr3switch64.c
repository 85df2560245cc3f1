/*
 * cr3switch64: a benchmark of address-space switches. Three 4-level
 * address spaces share an identity map of RAM (2 MiB pages) and each
 * maps its own 64 pages of 4 KiB at the same virtual region. The guest
 * loads CR3 round robin, SWITCHES times, and after each load reads 8 of
 * the region's pages (a different 8 each time), so every switch is
 * followed by TLB misses in the new address space. Under a shadow MMU
 * each load finds the root of the next space (KVM's previous-root cache
 * makes that cheap); under TDP it is the guest's business alone.
 *
 * Each address space's frames hold its number in every word, so the sum
 * of the reads is known in advance. The line "switches N" gives
 * bench/run.sh the number of CR3 loads.
 */
#include "guest.h"
#include "mmu.h"

#define SPACES		3
#define REGION_VA	0x0000008000000000ull	/* PML4 slot 1 */
#define REGION_PAGES	64
#define FRAMES_PA	MiB(32)
#define READS		8
#define SWITCHES	300000
#define IDENT_END	MiB(128)

static struct pt64 pt[SPACES];

static uint64_t frame_pa(int space, uint64_t page)
{
	return FRAMES_PA + ((uint64_t)space * REGION_PAGES + page) * PAGE_SIZE;
}

static void build_space(int s)
{
	pt64_init(&pt[s], 4);
	for (uintptr_t pa = 0; pa < IDENT_END; pa += MiB(2))
		*pt64_walk(&pt[s], pa, 2, true) = pa | PTE_P | PTE_W | PTE_PS;
	for (uint64_t i = 0; i < REGION_PAGES; i++) {
		volatile uint64_t *f = (volatile uint64_t *)(uintptr_t)frame_pa(s, i);

		for (unsigned int w = 0; w < PAGE_SIZE / 8; w++)
			f[w] = (uint64_t)s + 1;
		*pt64_walk(&pt[s], REGION_VA + i * PAGE_SIZE, 1, true) =
			frame_pa(s, i) | PTE_P | PTE_W;
	}
}

void guest_main(void)
{
	uint64_t sum = 0, expect = 0;

	printf("cr3switch64: %d address spaces, %d CR3 loads, %d reads each\n",
	       SPACES, SWITCHES, READS);
	printf("switches %d\n", SWITCHES);	/* make bench */
	for (int s = 0; s < SPACES; s++)
		build_space(s);

	for (unsigned int n = 0; n < SWITCHES; n++) {
		int s = (int)(n % SPACES);

		write_cr3((uintptr_t)pt[s].root);
		for (unsigned int r = 0; r < READS; r++) {
			uint64_t page = (n * READS + r) % REGION_PAGES;

			sum += *(volatile uint64_t *)(REGION_VA + page * PAGE_SIZE +
						      8 * (n % 512));
		}
		expect += (uint64_t)READS * (s + 1);
	}
	report(sum == expect, "sum of %d reads across the spaces: %llu",
	       SWITCHES * READS, (unsigned long long)sum);
}
