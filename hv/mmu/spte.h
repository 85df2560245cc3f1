/* SPDX-License-Identifier: MIT */
/*
 * Shadow PTEs: the entries of the shadow tables the hardware walks under
 * `--mmu shadow`, as KVM's arch/x86/kvm/mmu/spte.h.
 *
 * A shadow table is a real 4 KiB page of the host-physical arena in the
 * real 64-bit x86 format (PAE or 4-level), so the hardware walker reads
 * it exactly as it would read a page table. What the hardware ignores,
 * the hypervisor uses for its own notes.
 *
 * Reference card (SPTE, 64 bits):
 *   bit  0  P         present (hardware)
 *   bit  1  R/W       writable (hardware); cleared to write-protect
 *   bit  2  U/S       user (hardware)
 *   bit  5  A         set when the SPTE is made (we never age SPTEs)
 *   bit  6  D         set with W: the guest's D is already set
 *   bit  8  G         the guest's G, so the CPU keeps the TLB entry
 *                     across CR3 loads when CR4.PGE (KVM leaves it off)
 *   bit 10  MMU_WRITABLE  software: the guest and the memslot allow
 *                     writes; only write tracking keeps W clear
 *   bit 11  MMU_PRESENT   software: the SPTE maps something (KVM uses
 *                     bit 11 the same way: ignored by the hardware)
 *   [39:12] address   the child shadow table, or the page (hpa)
 *   bit 51  MMIO      reserved with MAXPHYADDR 40 in PAE and 4-level
 *                     format: a present SPTE with it set makes the
 *                     hardware fault with PFERR_RSVD, which is how an
 *                     MMIO access reaches the hypervisor fast
 *                     (KVM's mark_mmio_spte); the address field then
 *                     holds the gfn, R/W U/S XD the guest's rights
 *   bit 63  XD        execute disable (the hardware walks shadow tables
 *                     as if EFER.NXE were set, as KVM forces it)
 *
 * The PAE root (a 3-level shadow, for PAE, 32-bit and paging-off
 * guests) is a page of four PDPTEs: only P and the address.
 */
#ifndef HV_MMU_SPTE_H
#define HV_MMU_SPTE_H

#include <assert.h>

#include <hv/types.h>

#include "hv/x86/paging.h"

#define SPTE_P			X86_PTE_P
#define SPTE_W			X86_PTE_RW
#define SPTE_U			X86_PTE_US
#define SPTE_A			X86_PTE_A
#define SPTE_D			X86_PTE_D
#define SPTE_G			X86_PTE_G
#define SPTE_MMU_WRITABLE	BIT(10)
#define SPTE_MMU_PRESENT	BIT(11)
#define SPTE_MMIO		BIT(51)
#define SPTE_XD			X86_PTE_XD
#define SPTE_ADDR		X86_PTE64_ADDR

static_assert((SPTE_ADDR & (SPTE_MMU_WRITABLE | SPTE_MMU_PRESENT | SPTE_MMIO)) == 0,
	      "software bits lie outside the address");
static_assert((X86_RSVD_PAE & SPTE_MMIO) && (X86_RSVD_64 & SPTE_MMIO),
	      "the MMIO bit is reserved in both shadow formats");
static_assert(((SPTE_MMU_WRITABLE | SPTE_MMU_PRESENT) &
	       (X86_RSVD_PAE | X86_RSVD_64)) == 0,
	      "software bits are ignored by the hardware");

/* KVM's ACC_* bits: what a guest mapping allows, as role.access. */
#define ACC_EXEC	1u
#define ACC_WRITE	2u
#define ACC_USER	4u
#define ACC_ALL		(ACC_EXEC | ACC_WRITE | ACC_USER)

#define SPTE_ENT_PER_PAGE 512

/* A link to a child shadow table (KVM: all rights, the leaf decides). */
static inline uint64_t spte_mk_table(hpa_t child)
{
	return (child & SPTE_ADDR) | SPTE_P | SPTE_W | SPTE_U | SPTE_A |
	       SPTE_MMU_PRESENT;
}

/* A PAE root PDPTE: present and the address, nothing else is legal. */
static inline uint64_t spte_mk_pdpte(hpa_t child)
{
	return (child & SPTE_ADDR) | SPTE_P;
}

/* An MMIO SPTE for @gfn remembering the guest's @access (ACC_*). */
static inline uint64_t spte_mk_mmio(gfn_t gfn, unsigned int access)
{
	return SPTE_P | SPTE_MMIO | (gfn_to_gpa(gfn) & SPTE_ADDR) |
	       ((access & ACC_WRITE) ? SPTE_W : 0) |
	       ((access & ACC_USER) ? SPTE_U : 0) |
	       ((access & ACC_EXEC) ? 0 : SPTE_XD);
}

static inline bool is_mmio_spte(uint64_t spte)
{
	return (spte & (SPTE_P | SPTE_MMIO)) == (SPTE_P | SPTE_MMIO);
}

/* Present to the hypervisor: maps a page or links a table (not MMIO). */
static inline bool is_shadow_present_pte(uint64_t spte)
{
	return (spte & SPTE_MMU_PRESENT) != 0;
}

static inline bool is_writable_pte(uint64_t spte)
{
	return (spte & SPTE_W) != 0;
}

/* The page or child table an SPTE points to. */
static inline hpa_t spte_to_hpa(uint64_t spte)
{
	return spte & SPTE_ADDR;
}

static inline gfn_t mmio_spte_gfn(uint64_t spte)
{
	return gpa_to_gfn(spte & SPTE_ADDR);
}

static inline unsigned int mmio_spte_access(uint64_t spte)
{
	return ((spte & SPTE_W) ? ACC_WRITE : 0) |
	       ((spte & SPTE_U) ? ACC_USER : 0) |
	       ((spte & SPTE_XD) ? 0 : ACC_EXEC);
}

/* Index of the SPTE at @sptep within its table (KVM's spte_index). */
static inline unsigned int spte_index(hpa_t sptep)
{
	return (unsigned int)((sptep & (PAGE_SIZE - 1)) / 8);
}

#endif
