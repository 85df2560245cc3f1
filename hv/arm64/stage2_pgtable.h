/* SPDX-License-Identifier: MIT */
/*
 * The stage-2 page-table library: the hypervisor's IPA -> hPA tables for
 * an arm64 guest, in the style of KVM's kvm_pgtable.h
 * (kvm_pgtable_stage2_*). Geometry in stage2_geom.c, operations in
 * stage2_pgtable.c, the abort handler that uses them in stage2_mmu.c.
 *
 *   geometry   what VTCR_EL2 holds for an IPA size and a granule: T0SZ,
 *              the start level (SL0), how many tables are concatenated
 *              at that level; from it, the hv/pt table format (one
 *              pt_level per lookup level, the root's index widened by
 *              the concatenation)
 *   walker     s2_pgtable_walk() is pt_walk() over the tables: visitors
 *              on LEAF, TABLE_PRE and TABLE_POST (kvm_pgtable_walk)
 *   operations map, unmap, wrprotect, mkyoung, mkold, relax_perms,
 *              get_leaf: each a small visitor plus a private data struct
 *   setter     every descriptor change passes through s2_set_pte() in
 *              stage2_pgtable.c: it writes, counts, emits the event
 *              named after the operation (s2.map, s2.unmap, ...),
 *              retires a table that is no longer linked and notes
 *              whether the TLBs need a flush
 *   two phases an operation changes descriptors (phase 1), then flushes
 *              the TLBs once (phase 2) and frees retired tables (phase 3)
 *
 * Tables are granule-sized (4, 16 or 64 KiB: 512, 2048 or 8192
 * descriptors), aligned to their size, from the arena's table pool; the
 * root is the concatenated tables of the start level in one block
 * aligned to its total size, as VTTBR_EL2.BADDR requires.
 */
#ifndef HV_ARM64_STAGE2_PGTABLE_H
#define HV_ARM64_STAGE2_PGTABLE_H

#include <hv/pt.h>
#include <hv/vm.h>
#include <hv/arm64/mmu_hw.h>

/* --- geometry (stage2_geom.c) -------------------------------------------- */

#define S2_MIN_IPA_BITS	32
#define S2_MAX_IPA_BITS	48
#define S2_MAX_CONCAT	16
#define S2_LAST_LEVEL	3

/*
 * VTCR_EL2 bits besides T0SZ/SL0/TG0/PS, as KVM's VTCR_EL2_FLAGS: table
 * walks Inner Shareable (SH0 = 3), Normal WBWA inner and outer
 * (IRGN0 = ORGN0 = 1), bit 31 RES1.
 */
#define VTCR_SH0_INNER	(3ull << 12)
#define VTCR_ORGN0_WBWA	(1ull << 10)
#define VTCR_IRGN0_WBWA	(1ull << 8)
#define VTCR_RES1	(1ull << 31)
/* PS: the "host" PARange, 48 bits (ID_AA64MMFR0_EL1.PARange = 5). */
#define S2_PS_48	5

/* Stage-2 descriptor fields besides mmu_hw.h's. */
#define S2_DESC_SH_INNER	(3ull << 8)
#define S2_DESC_MEMATTR_MASK	(0xfull << 2)
#define S2_DESC_OA_MASK		GENMASK(47, 12)	/* below the granule: 0 */

/* One stage-2 geometry: the hardware's decoding plus what KVM derives. */
struct s2_geom {
	struct arm64_s2_geom hw;	/* arm64_s2_geom_from_vtcr(vtcr) */
	uint64_t vtcr;			/* VTCR_EL2 */
	unsigned int t0sz;		/* 64 - ipa_bits */
	unsigned int sl0;		/* VTCR_EL2.SL0 */
	unsigned int levels;		/* lookup levels, 4 - start_level */
	uint64_t granule;		/* 1 << pg_shift */
	unsigned int table_order;	/* log2(4 KiB pages in one table) */
	unsigned int root_order;	/* log2(4 KiB pages in the root) */
};

/*
 * The start level KVM chooses for @ipa_bits with a @pg_shift granule
 * (stage2_pgtable_levels + kvm_get_vtcr): as few levels as the
 * concatenation of up to 16 tables at the start level allows, never
 * fewer than two. See the reference card in stage2_geom.c.
 */
int s2_start_level(unsigned int ipa_bits, unsigned int pg_shift);

/*
 * Fill @g for an @ipa_bits (32..48) IPA space with a @granule (4096,
 * 16384, 65536) translation granule: build the VTCR_EL2 value and check
 * it by decoding it as the hardware does (arm64_s2_geom_from_vtcr).
 * Returns 0 or -EINVAL.
 */
int s2_geom_init(struct s2_geom *g, unsigned int ipa_bits,
		 unsigned int granule);

/* Address bits below the index of @level: pg_shift + (3-level)*stride. */
static inline unsigned int s2_level_shift(const struct s2_geom *g, int level)
{
	return g->hw.pg_shift + (unsigned int)(S2_LAST_LEVEL - level) *
				g->hw.stride;
}

/* Bytes one descriptor at @level maps (kvm_granule_size). */
static inline uint64_t s2_level_size(const struct s2_geom *g, int level)
{
	return 1ull << s2_level_shift(g, level);
}

/*
 * May a leaf sit at @level (kvm_level_supports_block_mapping, plus the
 * last level's pages)? 4K granule: levels 1, 2 (blocks) and 3 (pages);
 * 16K and 64K: levels 2 and 3 (their level-1 blocks need 52-bit
 * addressing, which we do not have). Never level 0.
 */
bool s2_level_supports_leaf(const struct s2_geom *g, int level);

/*
 * kvm_block_mapping_supported: may one leaf at @level map ipa [@addr,
 * @end) starting at @phys? The level must take leaves, the leaf's
 * whole size must fit in the range, and @addr and @phys must both be
 * aligned to it.
 */
bool s2_block_mapping_supported(const struct s2_geom *g, int level,
				ipa_t addr, ipa_t end, hpa_t phys);

/*
 * Fill @fmt (an hv/pt format) for @g: one level per lookup level from
 * the start level, the root's index widened by the concatenation.
 * @fmt->name points into @g-independent static text.
 */
void s2_format_init(struct pt_format *fmt, const struct s2_geom *g);

/*
 * One line for people: "40-bit IPA, 4K granule: T0SZ 24, SL0 1, start
 * level 1 (2 concatenated tables), VTCR_EL2 0x80053558". Returns the
 * snprintf length.
 */
int s2_geom_describe(const struct s2_geom *g, char *buf, size_t size);

/* "4K", "2M", "512M", "1G" for 2^@shift bytes (for stats and dumps). */
void s2_size_name(unsigned int shift, char *buf, size_t size);

/* --- the page-table library (stage2_pgtable.c) ---------------------------- */

/* What a mapping allows (enum kvm_pgtable_prot). */
enum s2_prot {
	S2_PROT_R = 1u << 0,
	S2_PROT_W = 1u << 1,
	S2_PROT_X = 1u << 2,
	S2_PROT_DEVICE = 1u << 3,	/* Device-nGnRnE instead of Normal WB */
	S2_PROT_RWX = S2_PROT_R | S2_PROT_W | S2_PROT_X,
};

struct s2_pgtable_stats {
	uint64_t tables;		/* granule-sized tables in use, the
					   root counting as its concat */
	uint64_t tables_peak;
	uint64_t map[4];		/* leaves installed, by level */
	uint64_t map_tables;		/* tables linked by map */
	uint64_t unmapped;		/* valid leaves cleared by unmap */
	uint64_t wrprotected;		/* leaves made read-only */
	uint64_t relaxed;		/* leaves given more rights */
	uint64_t mkyoung, mkold;	/* AF set / cleared */
	uint64_t pte_changes;		/* calls to the setter */
	uint64_t flushes;		/* vm_flush_tlbs requests */
};

/* One stage-2 table tree (struct kvm_pgtable). */
struct s2_pgtable {
	struct s2_geom geom;
	struct pt_format fmt;		/* from geom */
	struct pt_table pt;		/* fmt, s2's memory ops, the root */
	struct vm *vm;			/* arena, events, TLB flushes */
	bool flush_pending;		/* a change needs a TLB flush */
	hpa_t free_list;		/* retired tables, freed after the flush;
					   linked through their entry 0 */
	hpa_t cache;			/* freed multi-page tables kept for
					   reuse (16K/64K granules) */
	struct s2_pgtable_stats stats;
};

/*
 * Initialise @pgt for @vm with the geometry for @ipa_bits and @granule
 * and allocate its root (kvm_pgtable_stage2_init). Returns 0, -EINVAL
 * for a bad geometry, -ENOMEM when the table pool is exhausted.
 */
int s2_pgtable_init(struct s2_pgtable *pgt, struct vm *vm,
		    unsigned int ipa_bits, unsigned int granule);

/*
 * Free every table, root included, back to the arena; no events, no
 * flush (kvm_pgtable_stage2_destroy). Safe to call twice. Must run
 * before the arena is destroyed.
 */
void s2_pgtable_destroy(struct s2_pgtable *pgt);

/*
 * kvm_pgtable_walk: visit the descriptors covering ipa [@addr, @addr +
 * @size) with @walker (hv/pt's rules: a LEAF visitor may link a table,
 * which is then walked; a TABLE_PRE visitor may replace the table by a
 * leaf, which is then not descended). Returns 0 or the visitor's error.
 */
int s2_pgtable_walk(struct s2_pgtable *pgt, ipa_t addr, uint64_t size,
		    const struct pt_walker *walker);

/*
 * kvm_pgtable_stage2_map: map ipa [@addr, @addr + @size) to [@phys, ...)
 * with @prot (enum s2_prot), Access flag set, each piece with the
 * largest leaf that s2_block_mapping_supported() allows. Tables are
 * linked on the way down; a block in the way of a smaller mapping is
 * replaced by a table (break-before-make: the rest of the block is
 * unmapped and faults back in); a table in the way of a block is
 * replaced and freed. @addr, @size, @phys must be granule aligned.
 * Emits s2.map per leaf and s2.map_table per table linked. Returns 0,
 * -EINVAL, -ENOMEM (what was mapped stays mapped).
 */
int s2_pgtable_map(struct s2_pgtable *pgt, ipa_t addr, uint64_t size,
		   hpa_t phys, uint32_t prot);

/*
 * kvm_pgtable_stage2_unmap: clear every valid leaf overlapping [@addr,
 * @addr + @size) (a block that straddles the range goes whole) and free
 * the tables this empties. Emits s2.unmap per descriptor cleared.
 * Returns the number of leaves unmapped.
 */
int s2_pgtable_unmap(struct s2_pgtable *pgt, ipa_t addr, uint64_t size);

/*
 * kvm_pgtable_stage2_wrprotect: clear S2AP[1] (write) on every valid
 * leaf overlapping the range. Emits s2.wrprotect per leaf changed.
 * Returns the number changed.
 */
int s2_pgtable_wrprotect(struct s2_pgtable *pgt, ipa_t addr, uint64_t size);

/*
 * kvm_pgtable_stage2_mkyoung: set the Access flag of the leaf mapping
 * @addr. Emits s2.mkyoung if it changed. Returns 0, or -ENOENT when no
 * valid leaf maps @addr.
 */
int s2_pgtable_mkyoung(struct s2_pgtable *pgt, ipa_t addr);

/*
 * kvm_pgtable_stage2_test_clear_young / mkold: clear the Access flag of
 * every young leaf overlapping the range (the next access takes an
 * access flag fault). Emits s2.mkold per leaf. Returns the number that
 * were young.
 */
int s2_pgtable_mkold(struct s2_pgtable *pgt, ipa_t addr, uint64_t size);

/*
 * kvm_pgtable_stage2_relax_perms: add @prot's rights (R, W, X) to the
 * leaf mapping @addr; never removes any. Emits s2.relax_perms if it
 * changed. Returns 0, or -ENOENT when no valid leaf maps @addr.
 */
int s2_pgtable_relax_perms(struct s2_pgtable *pgt, ipa_t addr, uint32_t prot);

/*
 * kvm_pgtable_get_leaf: the descriptor where a lookup of @addr ends
 * (*@pte, *@level; either may be NULL). Returns 0 when it is a valid
 * leaf, -ENOENT otherwise. No events.
 */
int s2_pgtable_get_leaf(struct s2_pgtable *pgt, ipa_t addr, uint64_t *pte,
			int *level);

/* The rights of a leaf descriptor as enum s2_prot (R, W, X). */
uint32_t s2_pte_prot(uint64_t pte);

/* The output address of the byte @addr under the leaf @pte at @level. */
hpa_t s2_pte_hpa(const struct s2_geom *g, uint64_t pte, int level,
		 ipa_t addr);

/* A leaf descriptor for @phys at @level with @prot, AF set. */
uint64_t s2_mk_leaf(hpa_t phys, int level, uint32_t prot);

/*
 * The tables over ipa [@start, @end) (end 0: to the end of the IPA
 * space): a header with the geometry and the concatenated start level,
 * then hv/pt's dump. Returns the length the whole dump needs.
 */
int s2_pgtable_dump(struct s2_pgtable *pgt, ipa_t start, ipa_t end,
		    char *buf, size_t size);

#endif
