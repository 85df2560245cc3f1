/* SPDX-License-Identifier: MIT */
/*
 * EPT: the entry format and the hardware's walk of the EPT tables
 * (Intel SDM vol. 3C 29.3 "The Extended Page Table Mechanism").
 *
 * Reference card
 *   EPTP            [51:12] PML4 table, [5:3] walk length - 1 (3 = 4 levels)
 *   gpa split       [47:39] PML4  [38:30] PDPT  [29:21] PD  [20:12] PT
 *   entry bits      0 R  1 W  2 X (supervisor)  10 X (user, mode-based; unused)
 *                   leaf: 5:3 memory type (0 UC, 6 WB), 6 ignore PAT
 *                   7 large page (1 GiB at level 3, 2 MiB at level 2;
 *                     reserved at level 4)
 *                   8 A, 9 D (only when EPTP[6] enables A/D: not here)
 *                   [51:12] address (bits 51:MAXPHYADDR reserved),
 *                   1 GiB leaf: 29:12 reserved, 2 MiB leaf: 20:12 reserved
 *                   non-leaf: 7:3 reserved
 *   present         any of bits 2:0 set
 *   misconfigured   W without R; a reserved bit; leaf memory type 2, 3, 7
 *
 * EPT violation exit qualification (SDM 28.2.1, table 28-7)
 *   0 read  1 write  2 fetch   the access that failed
 *   3 R  4 W  5 X              AND of those bits over the entries walked
 *                              (0 when an entry was not present)
 *   7 guest linear address valid
 *   8 (if 7) 1: the access was to the final gpa of a linear address;
 *            0: to a guest paging-structure entry
 */
#ifndef HV_X86_EPT_H
#define HV_X86_EPT_H

#include <assert.h>

#include <hv/pt.h>
#include <hv/walk.h>

#include "hv/x86/paging.h"

#define EPT_R		BIT(0)
#define EPT_W		BIT(1)
#define EPT_X		BIT(2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT	3
#define EPT_MT_MASK	GENMASK(5, 3)
#define EPT_MT_UC	0ull
#define EPT_MT_WB	6ull
#define EPT_IPAT	BIT(6)
#define EPT_LARGE	BIT(7)
#define EPT_A		BIT(8)
#define EPT_D		BIT(9)
#define EPT_UX		BIT(10)
#define EPT_ADDR_MASK	GENMASK(X86_MAXPHYADDR - 1, 12)
#define EPT_RSVD_HIGH	GENMASK(51, X86_MAXPHYADDR)
#define EPT_RSVD_TABLE	GENMASK(7, 3)
#define EPT_RSVD_1G	GENMASK(29, 12)
#define EPT_RSVD_2M	GENMASK(20, 12)

#define EPT_LEVELS	4

static_assert((EPT_MT_MASK >> EPT_MT_SHIFT) == 7, "3-bit memory type");
static_assert((EPT_ADDR_MASK & (EPT_RSVD_HIGH | EPT_RWX | EPT_LARGE)) == 0,
	      "address field overlaps flags");

/* Exit qualification of an EPT violation. */
#define EPT_QUAL_READ		BIT(0)
#define EPT_QUAL_WRITE		BIT(1)
#define EPT_QUAL_FETCH		BIT(2)
#define EPT_QUAL_RWX_SHIFT	3	/* bits 5:3 = entries' R W X */
#define EPT_QUAL_GVA_VALID	BIT(7)
#define EPT_QUAL_GVA_FINAL	BIT(8)

/* A leaf for @hpa at @level (1 = 4 KiB) with @rwx permissions, WB. */
static inline uint64_t ept_mk_leaf(hpa_t hpa, int level, uint64_t rwx)
{
	return (hpa & EPT_ADDR_MASK) | (rwx & EPT_RWX) |
	       (EPT_MT_WB << EPT_MT_SHIFT) | (level > 1 ? EPT_LARGE : 0);
}

/* A non-leaf entry: RWX, the child's rights decide. */
static inline uint64_t ept_mk_table(hpa_t table)
{
	return (table & EPT_ADDR_MASK) | EPT_RWX;
}

static inline bool ept_present(uint64_t e)
{
	return (e & EPT_RWX) != 0;
}

static inline bool ept_is_leaf(uint64_t e, int level)
{
	return level == 1 || (level <= 3 && (e & EPT_LARGE));
}

static inline unsigned int ept_level_shift(int level)
{
	return 12 + 9 * (level - 1);
}

/* 4-level EPT as a hv/pt format (depth 0 = level 4). */
extern const struct pt_format ept4_format;

/* "R W X WB IPAT L A D" for an entry. */
int ept_describe(uint64_t e, int level, char *buf, size_t size);

struct x86_mmu_hw;

enum ept_walk_status {
	EPT_WALK_OK,
	EPT_WALK_VIOLATION,	/* not present, or access not allowed */
	EPT_WALK_MISCONFIG,	/* the hypervisor wrote a bad entry */
};

struct ept_walk_out {
	hpa_t hpa;		/* translation of the gpa (OK) */
	uint32_t rwx;		/* EPT_R|W|X ANDed over the entries used */
	uint8_t page_shift;	/* EPT mapping size (OK) */
	int8_t level;		/* level of the leaf, or where it stopped */
	uint64_t qual;		/* violation: qualification bits 5:0 */
};

/*
 * The hardware EPT walk of @gpa from hw->ept_root for an access of
 * @access (EPT_R / EPT_W / EPT_X). Appends one WALK_EPT step per entry
 * read to @rec (if not NULL) and emits ept_element per entry when
 * @events. Does not call hooks: the caller turns a violation into an
 * exit. Returns an enum ept_walk_status.
 */
int ept_hw_walk(struct x86_mmu_hw *hw, gpa_t gpa, uint32_t access,
		bool events, struct walk_record *rec, struct ept_walk_out *out);

#endif
