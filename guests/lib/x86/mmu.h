/*
 * mmu.h: x86 page-table formats, a physical page allocator, and the two
 * walkers the paging guests build their tables with.
 *
 * Reference card (Intel SDM vol. 3A, chapter 4)
 *
 *   32-bit paging (CR4.PAE=0): 4-byte entries, 1024 per table.
 *     31      22 21      12 11        0
 *     | PD idx  | PT idx   | offset    |
 *     PDE with PS=1 (needs CR4.PSE) maps a 4 MiB page: bits 31:22 of the
 *     PDE are bits 31:22 of the physical address (bits 20:13 would be
 *     PSE-36 high address bits; we keep them 0).
 *
 *   PAE paging (CR4.PAE=1, EFER.LME=0): 8-byte entries, 512 per table.
 *     31:30 PDPT index (4 PDPTEs, loaded into the CPU at each CR3 write;
 *     a PDPTE has only P, PWT, PCD and the address; R/W, U/S, A, D, PS
 *     and XD are reserved there), 29:21 PD index, 20:12 PT index.
 *     PDE with PS=1 maps a 2 MiB page.
 *
 *   4-level paging (long mode): 8-byte entries, 512 per table.
 *     47:39 PML4, 38:30 PDPT, 29:21 PD, 20:12 PT, 11:0 offset; bits 63:48
 *     must equal bit 47 (canonical) or the access raises #GP, not #PF.
 *     PDPTE with PS=1 maps a 1 GiB page, PDE with PS=1 a 2 MiB page.
 *
 *   Entry bits (all formats): 0 P, 1 R/W, 2 U/S, 3 PWT, 4 PCD, 5 A,
 *     6 D (leaf only), 7 PS (PDE/PDPTE) or PAT (4 KiB PTE), 8 G,
 *     12 PAT in a large-page entry, 63 XD (PAE/4-level with EFER.NXE=1).
 *   Access rights are the AND of R/W and of U/S over every level of the
 *   walk, and the OR of XD. Ring 0 may write a read-only page when
 *   CR0.WP=0 (never a user access).
 *   The CPU sets A in every entry it uses and D in the leaf when it
 *   writes through it.
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE 4096u

#define PTE_P   0x001u
#define PTE_W   0x002u
#define PTE_U   0x004u
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_A   0x020u
#define PTE_D   0x040u
#define PTE_PS  0x080u
#define PTE_G   0x100u
#define PTE_NX  (1ull << 63)

/*
 * palloc.c: a bump allocator over the physical pool [4 MiB, 32 MiB).
 * The image lives below 4 MiB (the linker script checks). Returned
 * memory is zeroed through its physical address, so callers must run
 * with paging off or with the pool identity-mapped (pa == va), which
 * every paging guest keeps.
 */
#define PALLOC_POOL_START 0x00400000u
#define PALLOC_POOL_END   0x02000000u
uintptr_t palloc(uintptr_t size, uintptr_t align);
uintptr_t palloc_page(void);

/*
 * pt32.c: 32-bit two-level tables. Level 1 is the PT (4 KiB leaves),
 * level 2 the PD (4 MiB leaves with PS). Tables are reached through
 * their physical address, identity mapped.
 */
typedef uint32_t pte32_t;
uint32_t *pt32_new(void);
pte32_t *pt32_walk(uint32_t *pd, uint32_t va, int level, bool alloc);
void pt32_map(uint32_t *pd, uint32_t va, uint32_t pa, int level,
	      uint32_t flags);

/*
 * pt64.c: 8-byte-entry tables, PAE (levels = 3) or 4-level (levels = 4).
 * Level 1 is the PT, 2 the PD (2 MiB leaves), 3 the PDPT (1 GiB leaves
 * in 4-level mode), 4 the PML4. Intermediate entries are made with
 * P|W|U (P only for a PAE PDPTE), so leaves alone decide the rights
 * unless a test edits an upper entry.
 */
typedef uint64_t pte64_t;
struct pt64 {
	pte64_t *root;	/* PDPT (PAE) or PML4, identity mapped */
	int levels;	/* 3 or 4 */
};
void pt64_init(struct pt64 *pt, int levels);
pte64_t *pt64_walk(struct pt64 *pt, uint64_t va, int level, bool alloc);
void pt64_map(struct pt64 *pt, uint64_t va, uint64_t pa, int level,
	      uint64_t flags);
uint64_t pt64_level_size(int level);

#endif
