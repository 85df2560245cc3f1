/* SPDX-License-Identifier: MIT */
/*
 * x86 guest page-table entries, as tables (Intel SDM vol. 3A ch. 4).
 *
 * Written before the code that uses them (hv/x86/gwalk.c), Bochs style:
 * the walker is a loop over these descriptions, not a switch per mode.
 *
 * Which mode (SDM 4.1.1):
 *   CR0.PG=0                      paging off: linear = physical (32 bits)
 *   CR0.PG=1 CR4.PAE=0            32-bit paging, 2 levels, 4-byte entries
 *   CR0.PG=1 CR4.PAE=1 EFER.LMA=0 PAE paging, 3 levels, 8-byte entries
 *   CR0.PG=1 CR4.PAE=1 EFER.LMA=1 4-level paging, 8-byte entries
 *
 * How a linear address splits:
 *   32-bit   [31:22] PD  [21:12] PT  [11:0]
 *   PAE      [31:30] PDPTE (4 entries at CR3[31:5])  [29:21] PD  [20:12] PT
 *   4-level  [47:39] PML4  [38:30] PDPT  [29:21] PD  [20:12] PT
 *
 * Entry bits (P=present, . = same as left, - = not there):
 *   bit   32-bit PDE/PTE   PAE PDPTE   PAE & 4-level entries
 *    0    P                P           P
 *    1    R/W              reserved    R/W
 *    2    U/S              reserved    U/S
 *    3    PWT              PWT         PWT
 *    4    PCD              PCD         PCD
 *    5    A                reserved    A
 *    6    D (leaf)         reserved    D (leaf)
 *    7    PS (PDE) / PAT   reserved    PS (PDE, 4-level PDPTE; PML4E: rsvd)
 *    8    G (leaf)         reserved    G (leaf)
 *   12    PAT (large leaf)             PAT (large leaf)
 *   63    -                reserved    XD if EFER.NXE, else reserved
 *
 * Reserved bits with MAXPHYADDR = M = 40 (what our CPUID reports):
 *   32-bit   4 MiB PDE (CR4.PSE): bit 21 (PSE-36: bits 20:13 are
 *            physical address bits 39:32); nothing else
 *   PAE      PDPTE: 63:M, 8:5, 2:1. PDE/PTE: 62:M; 2 MiB PDE: 20:13
 *   4-level  all: 51:M. PML4E: bit 7. 1 GiB PDPTE: 29:13. 2 MiB PDE: 20:13
 *   PAE & 4-level, EFER.NXE=0: bit 63 (XD) as well
 *
 * #PF error code (SDM 4.7): P (0 non-present, 1 protection/RSVD), W/R,
 * U/S (CPL 3 and not an implicit supervisor access), RSVD, I/D (fetch, and
 * only when CR4.SMEP=1 or (CR4.PAE=1 and EFER.NXE=1)).
 */
#ifndef HV_X86_PAGING_H
#define HV_X86_PAGING_H

#include <assert.h>

#include <hv/types.h>

#define X86_MAXPHYADDR 40
#define X86_MAXLINADDR 48

/* Control-register bits the walker reads. */
#define X86_CR0_WP	BIT(16)
#define X86_CR0_PG	BIT(31)
#define X86_CR4_PSE	BIT(4)
#define X86_CR4_PAE	BIT(5)
#define X86_CR4_PGE	BIT(7)
#define X86_CR4_SMEP	BIT(20)
#define X86_CR4_SMAP	BIT(21)
#define X86_EFER_LMA	BIT(10)
#define X86_EFER_NXE	BIT(11)

/* Guest page-table entry bits. */
#define X86_PTE_P	BIT(0)
#define X86_PTE_RW	BIT(1)
#define X86_PTE_US	BIT(2)
#define X86_PTE_PWT	BIT(3)
#define X86_PTE_PCD	BIT(4)
#define X86_PTE_A	BIT(5)
#define X86_PTE_D	BIT(6)
#define X86_PTE_PS	BIT(7)
#define X86_PTE_G	BIT(8)
#define X86_PTE_PAT_LARGE BIT(12)
#define X86_PTE_XD	BIT(63)

/* Physical-address field of a 64-bit entry, and of a 32-bit one. */
#define X86_PTE64_ADDR	GENMASK(X86_MAXPHYADDR - 1, 12)
#define X86_PTE32_ADDR	GENMASK(31, 12)
/* 32-bit 4 MiB PDE with PSE-36: bits 20:13 hold physical bits 39:32. */
#define X86_PDE32_4M_LO	GENMASK(31, 22)
#define X86_PDE32_4M_HI	GENMASK(X86_MAXPHYADDR - 32 + 12, 13)
#define X86_PDE32_4M_HI_SHIFT (32 - 13)

/* Reserved bits, by the SDM text above. XD is added when NXE = 0. */
#define X86_RSVD_PDE32_4M	GENMASK(21, X86_MAXPHYADDR - 19)
#define X86_RSVD_PAE_PDPTE	(GENMASK(63, X86_MAXPHYADDR) | GENMASK(8, 5) | GENMASK(2, 1))
#define X86_RSVD_PAE		GENMASK(62, X86_MAXPHYADDR)
#define X86_RSVD_64		GENMASK(51, X86_MAXPHYADDR)
#define X86_RSVD_2M		GENMASK(20, 13)
#define X86_RSVD_1G		GENMASK(29, 13)

static_assert(X86_PDE32_4M_HI == GENMASK(20, 13), "PSE-36 with M = 40");
static_assert(X86_RSVD_PDE32_4M == BIT(21), "PSE-36 leaves only bit 21");
static_assert((X86_RSVD_PAE_PDPTE & (X86_PTE_P | X86_PTE_PWT | X86_PTE_PCD)) == 0,
	      "a PAE PDPTE keeps P, PWT and PCD");
static_assert((X86_RSVD_64 & X86_PTE64_ADDR) == 0, "address is not reserved");
static_assert((X86_RSVD_2M & X86_PTE_PAT_LARGE) == 0, "PAT of a large leaf");

enum x86_paging_mode {
	X86_PAGING_OFF,
	X86_PAGING_32,
	X86_PAGING_PAE,
	X86_PAGING_4LEVEL,
	X86_PAGING__COUNT
};

/*
 * One level of one mode. Levels are numbered as KVM numbers them: 1 is
 * the page table, 4 the PML4.
 */
struct x86_paging_level {
	uint8_t level;
	uint8_t shift;		/* linear-address bits below the index */
	uint8_t index_bits;
	const char *name;	/* table name: "PML4", "PDPT", "PD", "PT" */
	uint64_t rsvd;		/* reserved in any present entry */
	uint64_t rsvd_large;	/* also reserved when PS makes it a leaf */
	bool large_ok;		/* PS means a page here (32-bit: if CR4.PSE) */
	bool ps_rsvd;		/* PS is a reserved bit here */
	bool has_rights;	/* R/W, U/S, XD, A are defined (not PAE PDPTE) */
};

/*
 * One mode: its levels from the root down, its entry size, and where
 * CR3 puts the root.
 */
struct x86_paging_desc {
	const char *name;
	uint8_t levels;
	uint8_t pte_size;	/* 4 or 8 bytes */
	uint64_t cr3_mask;	/* root table address bits in CR3 */
	uint64_t addr_mask;	/* output address field of a 64-bit entry */
	bool nx_ok;		/* XD exists (with EFER.NXE) */
	struct x86_paging_level lvl[4];
};

static const struct x86_paging_desc x86_paging_desc[X86_PAGING__COUNT] = {
	[X86_PAGING_OFF] = { .name = "paging off", .levels = 0 },
	[X86_PAGING_32] = {
		.name = "32-bit paging", .levels = 2, .pte_size = 4,
		.cr3_mask = GENMASK(31, 12), .addr_mask = X86_PTE32_ADDR,
		.lvl = {
			{ 2, 22, 10, "PD", 0, X86_RSVD_PDE32_4M, true, false, true },
			{ 1, 12, 10, "PT", 0, 0, false, false, true },
		},
	},
	[X86_PAGING_PAE] = {
		.name = "PAE paging", .levels = 3, .pte_size = 8,
		.cr3_mask = GENMASK(31, 5), .addr_mask = X86_PTE64_ADDR,
		.nx_ok = true,
		.lvl = {
			{ 3, 30, 2, "PDPT", X86_RSVD_PAE_PDPTE, 0, false, false, false },
			{ 2, 21, 9, "PD", X86_RSVD_PAE, X86_RSVD_2M, true, false, true },
			{ 1, 12, 9, "PT", X86_RSVD_PAE, 0, false, false, true },
		},
	},
	[X86_PAGING_4LEVEL] = {
		.name = "4-level paging", .levels = 4, .pte_size = 8,
		.cr3_mask = GENMASK(X86_MAXPHYADDR - 1, 12),
		.addr_mask = X86_PTE64_ADDR, .nx_ok = true,
		.lvl = {
			{ 4, 39, 9, "PML4", X86_RSVD_64, 0, false, true, true },
			{ 3, 30, 9, "PDPT", X86_RSVD_64, X86_RSVD_1G, true, false, true },
			{ 2, 21, 9, "PD", X86_RSVD_64, X86_RSVD_2M, true, false, true },
			{ 1, 12, 9, "PT", X86_RSVD_64, 0, false, false, true },
		},
	},
};

static inline enum x86_paging_mode x86_paging_mode(uint64_t cr0, uint64_t cr4,
						   uint64_t efer)
{
	if (!(cr0 & X86_CR0_PG))
		return X86_PAGING_OFF;
	if (!(cr4 & X86_CR4_PAE))
		return X86_PAGING_32;
	return (efer & X86_EFER_LMA) ? X86_PAGING_4LEVEL : X86_PAGING_PAE;
}

#endif
