/*
 * mmu.h: stage-1 translation tables of the EL1&0 regime (VMSAv8-64),
 * for any of the three granules, and the TLB maintenance around them.
 *
 * A table is one granule (4, 16 or 64 KiB, 1 << gshift) of 8-byte
 * descriptors, so each level resolves gshift - 3 bits of the VA (9, 11
 * or 13): level L indexes VA bits [shift(L) + gshift - 4 : shift(L)]
 * with shift(L) = gshift + (3 - L) * (gshift - 3); the VA bits below
 * gshift are the offset in the page. The walk starts at the
 * level whose span covers the top VA bit (the start table may be
 * shorter than a granule). E.g. 4 KiB and 39 bits: levels 1-3;
 * 4 KiB and 48 bits: levels 0-3; 16 KiB and 48 bits: levels 0-3 with a
 * 2-entry level-0 table; 64 KiB and 42 bits: levels 2-3.
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Descriptor bits (stage 1, 4/16/64 KiB granules, 48-bit output):
 *   [0]      valid; 0 = invalid, any access faults (translation fault);
 *   [1]      at levels 0-2: 1 = table, 0 = block; at level 3: 1 = page
 *            (0 is reserved and faults like an invalid descriptor);
 *   [47:g]   output address: next table, block or page (g = gshift);
 * block and page descriptors (leaf) also have:
 *   [4:2]    AttrIndx, a field number in MAIR_EL1;
 *   [7:6]    AP[2:1]: 00 EL1 read/write, EL0 none; 01 read/write at
 *            both; 10 EL1 read-only, EL0 none; 11 read-only at both;
 *   [9:8]    SH, shareability (11 = inner shareable);
 *   [10]     AF, access flag: 0 faults on first access (access flag
 *            fault) unless the hardware manages it (TCR.HA, not used);
 *   [11]     nG, not global: the TLB entry is tagged with the ASID;
 *   [53]     PXN: EL1 may not execute; [54] UXN: EL0 may not execute.
 *            Besides, EL1 never executes from memory EL0 can write.
 * Table descriptors have hierarchical limits in [63:59] (not used).
 */
#define PTE_VALID	(1ull << 0)
#define PTE_TABLE	(1ull << 1)		/* table, or page at level 3 */
#define PTE_PAGE	(1ull << 1)
#define PTE_ATTRIDX(i)	((uint64_t)(i) << 2)
#define PTE_AP_RW_EL1	(0ull << 6)
#define PTE_AP_RW_ALL	(1ull << 6)
#define PTE_AP_RO_EL1	(2ull << 6)
#define PTE_AP_RO_ALL	(3ull << 6)
#define PTE_AP_MASK	(3ull << 6)
#define PTE_SH_INNER	(3ull << 8)
#define PTE_AF		(1ull << 10)
#define PTE_NG		(1ull << 11)
#define PTE_PXN		(1ull << 53)
#define PTE_UXN		(1ull << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000ull	/* then cleared below g */

/*
 * MAIR_EL1: eight one-byte memory types, picked by AttrIndx.
 *   0: 0xff Normal memory, inner and outer write-back, read/write
 *      allocate (RAM);
 *   1: 0x00 Device-nGnRnE (the UART: no gathering, no reordering, no
 *      early write acknowledgement).
 */
#define MT_NORMAL	0
#define MT_DEVICE	1
#define MAIR_VALUE	0x00ffull

/* Leaf attributes the guests start from. */
#define PTE_NORMAL	(PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF)
#define PTE_DEVICE	(PTE_ATTRIDX(MT_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)

struct pt {
	unsigned gshift;	/* 12, 14 or 16 */
	unsigned va_bits;	/* 64 - TnSZ */
	unsigned start_level;
	uint64_t *root;
};

/* Frames: zeroed, aligned to align (a power of two), from the RAM after
 * the image. Runs out? The run ends with FAIL. */
void *frame_alloc(uint64_t size, uint64_t align);

void pt_init(struct pt *pt, unsigned gshift, unsigned va_bits);
unsigned pt_shift(const struct pt *pt, unsigned level);
static inline uint64_t pt_granule(const struct pt *pt)
{
	return 1ull << pt->gshift;
}
static inline uint64_t pt_span(const struct pt *pt, unsigned level)
{
	return 1ull << pt_shift(pt, level);
}
unsigned pt_index(const struct pt *pt, uint64_t va, unsigned level);
uint64_t pt_out_addr(const struct pt *pt, uint64_t desc);

/* The descriptor slot for va at level, walking (and with alloc,
 * creating) the tables above it; NULL if a table is missing or a block
 * or an invalid entry is in the way. */
uint64_t *pt_slot(struct pt *pt, uint64_t va, unsigned level, bool alloc);

/* Map [va, va + size) to pa with leaf descriptors at level (blocks at
 * 1 or 2, pages at 3); va, pa and size aligned to that level's span. */
void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size,
	    unsigned level, uint64_t attrs);

/* A deep copy of src's tables (every table reachable from the root):
 * the copy can then be edited without touching src. */
void pt_clone(struct pt *dst, const struct pt *src);

/* The leaf for va: its slot and level, or NULL at the first invalid. */
uint64_t *pt_leaf(struct pt *pt, uint64_t va, unsigned *level);

/* TCR_EL1 for these tables (ttbr1 may be NULL: TTBR1 walks disabled). */
uint64_t mmu_tcr(const struct pt *ttbr0, const struct pt *ttbr1);

/* Load MAIR/TCR/TTBR0 (with asid)/TTBR1, flush the TLB and set
 * SCTLR_EL1.M, C and I. The code calling it must be identity mapped. */
void mmu_enable(const struct pt *ttbr0, unsigned asid, const struct pt *ttbr1);
/* Point TTBR0_EL1 at other tables and ASID (no TLB maintenance). */
void mmu_set_ttbr0(const struct pt *pt, unsigned asid);
/* Clear PSTATE.PAN if the CPU has FEAT_PAN, so that EL1 may touch
 * memory EL0 can access (the reset value of PAN is not relied on). */
void pan_off(void);

/*
 * TLB maintenance, for this CPU only (no IS suffix), each completed by
 * DSB NSH and followed by ISB:
 *   TLBI VAE1, Xt:   entries for one VA: Xt[43:0] = VA[55:12],
 *                    Xt[63:48] = ASID (global entries match any ASID);
 *   TLBI ASIDE1, Xt: every non-global entry of ASID Xt[63:48];
 *   TLBI VMALLE1:    everything of the EL1&0 regime.
 * Before the TLBI a DSB makes the table writes visible to the walker.
 */
static inline uint64_t tlbi_va_arg(uint64_t va, unsigned asid)
{
	return ((va >> 12) & 0xfffffffffffull) | (uint64_t)asid << 48;
}

static inline void tlbi_vae1(uint64_t va, unsigned asid)
{
	__asm__ volatile("dsb ishst\n\ttlbi vae1, %0\n\tdsb nsh\n\tisb"
			 : : "r"(tlbi_va_arg(va, asid)) : "memory");
}

static inline void tlbi_aside1(unsigned asid)
{
	__asm__ volatile("dsb ishst\n\ttlbi aside1, %0\n\tdsb nsh\n\tisb"
			 : : "r"((uint64_t)asid << 48) : "memory");
}

static inline void tlbi_vmalle1(void)
{
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb"
			 : : : "memory");
}

/* Make a descriptor write visible to later walks (no TLB involved:
 * invalid entries are never cached). */
static inline void pt_sync(void)
{
	__asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

/* Instructions written as data: clean the data cache to the point of
 * unification, invalidate the instruction cache, then synchronise. */
void sync_icache(uint64_t va, uint64_t size);

#endif
