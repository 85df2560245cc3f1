/* SPDX-License-Identifier: MIT */
/*
 * The TDP MMU (`--mmu tdp`, the default on x86): EPT-format tables that
 * map gpa -> hpa, built lazily on EPT violations, as KVM's
 * arch/x86/kvm/mmu/tdp_mmu.c.
 *
 *   fault      the hardware walker meets a missing EPT entry and exits
 *              (x86_mmu_hooks.ept_violation = tdp_mmu_page_fault); a gpa
 *              in a memslot is mapped with the largest leaf the slot
 *              allows (1 GiB, 2 MiB, else 4 KiB), a gpa outside every
 *              slot is MMIO (returns 1; no MMIO SPTE is cached)
 *   setter     every entry change passes through one function
 *              (tdp_mmu_set_spte in tdp.c, KVM's tdp_mmu_set_spte +
 *              handle_changed_spte): snapshot the old value, write the
 *              new, emit tdp_mmu_spte_changed, retire a child table
 *              that is no longer linked, note whether a flush is due
 *   zap        tdp_mmu_zap_gfn_range: change the entries (phase 1),
 *              flush the TLBs once (phase 2), free the tables (phase 3)
 *   split      a huge leaf becomes a table of leaves one level down
 *              with the same translations (for dirty logging)
 *
 * Every table page comes from the arena's table pool and goes back to
 * it; tables are walked with hv/pt (ept4_format), never by hand.
 */
#ifndef HV_MMU_TDP_H
#define HV_MMU_TDP_H

#include <hv/pt.h>
#include <hv/vm.h>

struct x86_mmu_hw;

struct tdp_mmu_stats {
	uint64_t faults;	/* EPT violations handled */
	uint64_t mmio_faults;	/* ... that were not RAM */
	uint64_t map_4k, map_2m, map_1g;	/* leaves installed, by size */
	uint64_t zap_ranges;	/* tdp_mmu_zap_gfn_range calls */
	uint64_t zapped;	/* present leaves zapped */
	uint64_t splits;	/* huge leaves split */
	uint64_t spte_changes;	/* calls to the setter */
	uint64_t flushes;	/* vm_flush_tlbs requests */
	uint64_t tables;	/* table pages in use, root included */
	uint64_t tables_peak;
};

struct tdp_mmu {
	struct vm *vm;
	struct pt_table pt;	/* ept4_format over the arena */
	int as_id;		/* address space (0; SMM would be 1) */
	int max_level;		/* largest leaf: 3 = 1 GiB, 2, 1 = 4 KiB */
	bool flush_pending;	/* a present entry changed since the flush */
	hpa_t free_list;	/* unlinked tables, freed after the flush;
				   linked through their entry 0 */
	struct tdp_mmu_stats stats;
};

/*
 * Allocate the MMU and its root table for @vm. Returns NULL when out of
 * memory or table pool.
 */
struct tdp_mmu *tdp_mmu_create(struct vm *vm);

/*
 * Point the hardware at the tables: hw->vm, hw->tdp = true, the root,
 * 4 levels, and tdp_mmu_page_fault as the EPT violation hook.
 */
void tdp_mmu_attach(struct tdp_mmu *tdp, struct x86_mmu_hw *hw);

/*
 * Free every table back to the arena and the MMU itself. Must run
 * before the arena is destroyed (if the arena is already gone, only the
 * MMU struct is freed).
 */
void tdp_mmu_destroy(struct tdp_mmu *tdp);

/*
 * The EPT violation hook (KVM: direct_page_fault + kvm_tdp_mmu_map).
 * @opaque is the tdp_mmu. Returns 0 when @gpa is now mapped (the walk
 * retries), 1 when it is not RAM (MMIO, or a write to a read-only
 * slot), -ENOMEM when the table pool is exhausted.
 */
int tdp_mmu_page_fault(void *opaque, gpa_t gpa, uint64_t qual, gva_t gva);

/*
 * Map @gfn with a leaf at @level (1, 2 or 3; the gfn is aligned down)
 * to the RAM its memslot gives, building the path. Returns 0, -EINVAL
 * if the slot cannot back such a leaf, -ENOMEM. (The fault handler's
 * core; exposed for tests and prefaulting.)
 */
int tdp_mmu_map(struct tdp_mmu *tdp, gfn_t gfn, int level);

/*
 * Zap every leaf overlapping [@start, @end) (a huge leaf that straddles
 * the range goes whole: it will fault back), and free the tables that
 * lie wholly inside it. Emits tdp_zap_range, flushes the TLBs once if
 * anything present changed. Returns the number of leaves zapped.
 */
int tdp_mmu_zap_gfn_range(struct tdp_mmu *tdp, gfn_t start, gfn_t end);

/*
 * Split every huge leaf overlapping [@start, @end) down to leaves of
 * @target_level (1 or 2), preserving every translation (KVM's eager
 * page splitting). Emits split_huge_page per split. Returns the number
 * of splits, or -ENOMEM (what is split stays split).
 */
int tdp_mmu_split_huge_pages(struct tdp_mmu *tdp, gfn_t start, gfn_t end,
			     int target_level);

/*
 * Look @gpa up: true and *@hpa / *@level when a leaf maps it. For tests
 * and the debugger; no events.
 */
bool tdp_mmu_lookup(struct tdp_mmu *tdp, gpa_t gpa, hpa_t *hpa, int *level);

/* Limit leaves to @level (3 = 1 GiB, the default; 1 = 4 KiB only). */
void tdp_mmu_set_max_level(struct tdp_mmu *tdp, int level);

void tdp_mmu_get_stats(const struct tdp_mmu *tdp, struct tdp_mmu_stats *st);

/* "name value" lines, as --stats prints. Returns the snprintf length. */
int tdp_mmu_format_stats(const struct tdp_mmu *tdp, char *buf, size_t size);

/*
 * The tables over gpa [@start, @end) (end 0: to the end), one line per
 * present entry, indented by level (hv/pt's dumper). Returns the length
 * the whole dump needs, as snprintf.
 */
int tdp_mmu_dump(struct tdp_mmu *tdp, gpa_t start, gpa_t end, char *buf,
		 size_t size);

/* The same, line by line through @fn. Returns the number of lines. */
int tdp_mmu_dump_lines(struct tdp_mmu *tdp, gpa_t start, gpa_t end,
		       pt_dump_line_fn fn, void *opaque);

#endif
