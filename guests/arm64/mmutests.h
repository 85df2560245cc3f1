/*
 * mmutests.h: stage-1 MMU checks shared by the mmu39, mmu48, mmu16k
 * and mmu64k guests.
 *
 * A guest builds its identity map (mt_identity), turns the MMU on,
 * calls mt_setup(), and then runs the checks it wants, each in a VA
 * window of its own that nothing else maps. A window must be aligned
 * to, and unmapped for, the span the check's comment gives. The checks
 * are written for any granule; the guests pick the levels.
 *
 * Every check that expects a fault says which fault, and the handler
 * (mt_core.c) records ESR_EL1, FAR_EL1, ELR_EL1 and the vector, then
 * repairs, skips or returns as the check asked. A fault no check
 * expected ends the run with FAIL. The checks live in mt_faults.c
 * (demand paging, access flag, permission), mt_exec.c (EL0, execute
 * permissions), mt_tlb.c (remap, split, ASIDs) and mt_space.c (TTBR1,
 * VAs out of range, malformed descriptors).
 */
#ifndef MMUTESTS_H
#define MMUTESTS_H

#include "guest.h"
#include "mmu.h"
#include "trap.h"

/* Identity map: RAM (Normal, EL1 read/write/execute, EL0 nothing) with
 * leaves at ram_level, the UART (Device) with a leaf at dev_level. A
 * leaf larger than RAM maps past its end too; nothing touches that. */
void mt_identity(struct pt *pt, unsigned ram_level, unsigned dev_level);

/* Install the fault handler; t0/asid are the tables TTBR0 holds, t1 the
 * TTBR1 tables or NULL. */
void mt_setup(struct pt *t0, unsigned asid, struct pt *t1);

/* Demand paging: each step touches one byte; the handler maps a fresh
 * frame (creating the missing tables) for any translation fault in
 * [base, base + size). level is the level the fault must report, -1
 * for "no fault" (the page is there by then). */
struct demand_step {
	uint64_t off;		/* from base */
	bool write;
	int level;
};
void mt_demand(const char *name, uint64_t base, uint64_t size,
	       const struct demand_step *steps, int n);

/* Access flag faults on a page and on a block (window: 2 blocks of
 * block_level, aligned to that span), for loads, stores and an
 * instruction fetch. */
void mt_access_flag(uint64_t win, unsigned block_level);

/* Permission faults at EL1: writes to read-only pages and blocks,
 * skipped or repaired (window: 2 level-2 spans). */
void mt_perm_el1(uint64_t win);

/* EL0: the EL0 code mapped at win, permissions seen from EL0, SVC
 * back (window: 8 x 64 KiB). */
void mt_el0(uint64_t win);

/* Execute permissions: PXN, UXN, EL0-writable implies PXN, fetch from
 * an unmapped page, code paged in on demand (window: 8 x 64 KiB). */
void mt_exec(uint64_t win);

/* Break-before-make remapping of a live page (window: 1 granule). */
void mt_remap(uint64_t win);

/* Split a block at level into a table of level + 1 leaves, live
 * (window: 1 span of level, aliasing RAM from RAM_BASE). */
void mt_split(uint64_t win, unsigned level);

/* ASIDs: two TTBR0 tables, ASIDs asid_a (the current one) and asid_b,
 * one nG page at win mapped to different frames; TLBI ASIDE1 and VAE1
 * (window: 1 granule, in a part of the VA space the identity map does
 * not use). */
void mt_asid(uint64_t win, unsigned asid_b);

/* TTBR1: the RAM around the image aliased at hi with one block of
 * block_level (which must cover the image); load, store, execute
 * through the alias, a fault in the TTBR1 half. */
void mt_ttbr1(uint64_t hi, unsigned block_level);

/* An access to va must take a translation fault without a walk (out of
 * range VAs, TTBR1 walks disabled by EPD1): level 0, or the start level
 * (the manual and implementations differ, see mt_space.c). */
void mt_bad_va(uint64_t va, const char *why);

/* Malformed descriptors: a level-3 descriptor with bits [1:0] = 01
 * (translation fault), an output address above the 40 bits of
 * TCR_EL1.IPS (address size fault). Window: 2 granules. */
void mt_bad_desc(uint64_t win);

#endif
