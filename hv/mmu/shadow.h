/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU (`--mmu shadow`), as KVM's arch/x86/kvm/mmu/mmu.c and
 * paging_tmpl.h: the hardware walks only the hypervisor's shadow tables,
 * which map the guest's virtual addresses straight to host pages; the
 * hypervisor keeps them consistent with the guest's own page tables.
 *
 *   shadow page   a shadow table plus its bookkeeping (struct
 *                 shadow_page, KVM's struct kvm_mmu_page), found by a
 *                 hash on (gfn, role); see role.h for the role
 *   fault         a shadow miss exits (x86_mmu_hooks.shadow_page_fault):
 *                 walk the guest tables (with their A/D bits), inject
 *                 the guest's #PF, or build the shadow path and install
 *                 the leaf (shadow_fault.c; KVM's FNAME(page_fault),
 *                 FNAME(walk_addr), FNAME(fetch))
 *   write protect guest tables that have shadow pages are mapped
 *                 read-only through the rmaps (rmap.c); a guest write to
 *                 one is emulated and zaps the SPTEs it changes, and
 *                 repeated writes to a table that is no longer one zap
 *                 its shadow page (write flooding, sync.c)
 *   unsync        a last-level shadow page may instead go unsync: the
 *                 guest writes its table freely, and a CR3 load or
 *                 INVLPG syncs it (sync.c, KVM's mmu_sync_children)
 *   zap           in two phases: prepare (unlink, put on an invalid
 *                 list), then commit (flush once, free) (shadow.c)
 *   roots         one level-4 root, or four level-2 roots under a PAE
 *                 root page; three previous roots are cached for cheap
 *                 CR3 switches (shadow_root.c)
 *   setter        every SPTE change passes through shadow_spte_set(),
 *                 which keeps rmaps, parent lists and the flush flag,
 *                 and emits set_spte
 *   audit         every present SPTE against the guest walk (audit.c)
 *
 * Everything lives in the VM's arena (the tables) or in malloc'd host
 * structures (the bookkeeping). One vCPU, so no locks.
 */
#ifndef HV_MMU_SHADOW_H
#define HV_MMU_SHADOW_H

#include <hv/vm.h>

#include "hv/mmu/role.h"
#include "hv/mmu/spte.h"
#include "hv/x86/mmu_hw.h"

/* A growable list of SPTE addresses (KVM's pte_list / rmap head). */
struct pte_list {
	hpa_t *sptep;
	uint32_t n, cap;
};

/* KVM's struct kvm_mmu_page. */
struct shadow_page {
	struct shadow_page *hash_next;	/* in the (gfn) hash bucket */
	struct shadow_page *lru_prev, *lru_next; /* active list, newest first */
	struct shadow_page *zap_next;	/* on an invalid list */
	uint32_t id;			/* creation order, from 1: `sp ID` */
	gfn_t gfn;			/* the guest table (or first direct frame) */
	union shadow_role role;
	hpa_t spt;			/* the shadow table page */
	gfn_t *gfns;			/* indirect: the gfn each leaf maps */
	struct pte_list parent_ptes;	/* SPTEs that link this table */
	bool unsync;
	bool on_active_list;
	bool on_invalid_list;
	unsigned int unsync_children;
	uint64_t unsync_child_bitmap[SPTE_ENT_PER_PAGE / 64];
	unsigned int root_count;
	unsigned int write_flooding_count;
};

/*
 * A loaded root: the hardware's shadow_root and its levels. For a
 * 4-level guest hpa is the root shadow page's table; otherwise hpa is a
 * PAE root page whose four PDPTEs point at level-2 shadow pages.
 */
struct shadow_root {
	hpa_t hpa;			/* 0: none */
	unsigned int levels;		/* 4, or 3 (PAE root) */
	gpa_t pgd;			/* the guest CR3 it shadows */
	union shadow_role role;		/* the root role it was built for */
	uint64_t pdptes[4];		/* PAE guest: the PDPTEs it was built from */
};

#define SHADOW_PREV_ROOTS 3
#define SHADOW_HASH_BITS 10

struct shadow_mmu_stats {
	uint64_t faults;		/* shadow_page_fault exits */
	uint64_t guest_faults;		/* ... injected into the guest */
	uint64_t mmio_faults;
	uint64_t fixed;			/* ... that installed a leaf */
	uint64_t emulated_writes;	/* tracked writes to guest tables */
	uint64_t pte_writes_zapped;	/* SPTEs zapped by them */
	uint64_t flooded;		/* shadow pages zapped for flooding */
	uint64_t pages_created;
	uint64_t pages_reused;		/* get_page found it */
	uint64_t hash_collisions;	/* other gfns passed in a bucket */
	uint64_t max_hash_collisions;
	uint64_t unsync;		/* pages that went unsync */
	uint64_t syncs;			/* sync_page calls */
	uint64_t zapped;		/* shadow pages zapped */
	uint64_t recycled;		/* ... of them to stay under the cap */
	uint64_t spte_sets;		/* calls of the setter */
	uint64_t flushes;
	uint64_t root_switches;		/* CR3 loads that changed the root */
	uint64_t prev_root_hits;	/* ... served from the cache */
	uint64_t root_loads;		/* roots built or looked up afresh */
	uint64_t invlpgs;
	uint64_t resets;		/* paging mode changes */
};

struct shadow_rmap_slot;

struct shadow_mmu {
	struct vm *vm;
	struct x86_mmu_hw *hw;		/* the hardware we program */
	struct x86_mmu_hw guest_hw;	/* walks guest tables for us */
	struct x86_paging_ctx regs;	/* the guest's paging registers */
	struct shadow_root root;
	struct shadow_root prev_roots[SHADOW_PREV_ROOTS];
	bool prev_roots_enabled;	/* the previous-root cache */
	struct shadow_page *hash[1u << SHADOW_HASH_BITS];
	struct shadow_page *active_head, *active_tail;
	struct shadow_page **sp_of_table;	/* table pool page -> sp */
	uint64_t sp_of_table_n;
	uint64_t n_used_pages;		/* shadow pages on the active list */
	uint64_t n_max_pages;		/* the cap */
	uint64_t indirect_shadow_pages;
	uint32_t next_sp_id;		/* the id the next new page gets */
	struct shadow_rmap_slot *rmap;	/* per memslot */
	unsigned int nrmap;
	bool flush_pending;
	struct shadow_mmu_stats stats;
};

/* --- life cycle (shadow.c) --------------------------------------------- */

/* Create the MMU for @vm. NULL when out of memory. */
struct shadow_mmu *shadow_mmu_create(struct vm *vm);

/*
 * Program @hw for shadow paging (hw->shadow, the hooks) and load roots
 * for the guest registers @ctx. Returns 0 or -ENOMEM.
 */
int shadow_mmu_attach(struct shadow_mmu *mmu, struct x86_mmu_hw *hw,
		      const struct x86_paging_ctx *ctx);

/* Free every shadow page and the MMU. Before the arena goes. */
void shadow_mmu_destroy(struct shadow_mmu *mmu);

/* Cap the number of shadow pages (KVM's n_max_mmu_pages), min 16. */
void shadow_mmu_set_max_pages(struct shadow_mmu *mmu, uint64_t n);

/* Turn the previous-root cache on or off (for the benchmark). */
void shadow_mmu_set_prev_roots(struct shadow_mmu *mmu, bool on);

/* --- the hooks (x86_mmu_hooks) ------------------------------------------ */

/*
 * The shadow walk missed or faulted (kvm_mmu_page_fault). See
 * x86_mmu_hooks.shadow_page_fault for the contract.
 */
int shadow_page_fault(void *opaque, const struct x86_paging_ctx *ctx,
		      gva_t gva, uint32_t pferr, struct x86_shadow_fault *f);

/* The CPU wrote a tracked guest table (kvm_mmu_track_write). */
void shadow_track_write(void *opaque, gpa_t gpa, const void *bytes,
			unsigned int len);

/* CR0/CR3/CR4/EFER changed (kvm_mmu_new_pgd, kvm_mmu_reset_context). */
void shadow_paging_changed(void *opaque, int reg, uint64_t old, uint64_t val);

/* A tool wrote guest RAM: zap the shadow pages of tables it touched. */
void shadow_tool_wrote(struct vm *vm, gpa_t gpa, uint64_t len);

/* INVLPG @gva (kvm_mmu_invlpg): sync the unsync SPTEs that map it. */
void shadow_invlpg(void *opaque, gva_t gva);

extern const struct x86_mmu_hooks shadow_mmu_hooks;

/* --- queries ------------------------------------------------------------- */

/* The shadow page for (@gfn, @role), or NULL. No events. */
struct shadow_page *shadow_find_page(struct shadow_mmu *mmu, gfn_t gfn,
				     union shadow_role role);

/*
 * A pt_table over root @r's shadow tables, for hv/pt's walker and
 * dumper (4-level, or the PAE layout under a 4-entry root page).
 */
struct pt_table;
void shadow_root_table(struct shadow_mmu *mmu, const struct shadow_root *r,
		       struct pt_table *pt);

/* The shadow page whose table holds the SPTE at @sptep (sptep_to_sp). */
struct shadow_page *sptep_to_sp(const struct shadow_mmu *mmu, hpa_t sptep);

/* The shadow page an SPTE links to (spte_to_child_sp), or NULL. */
struct shadow_page *spte_to_child_sp(const struct shadow_mmu *mmu,
				     uint64_t spte);

static inline uint64_t shadow_read_spte(const struct shadow_mmu *mmu,
					hpa_t sptep)
{
	return arena_read64(&mmu->vm->arena, sptep);
}

/*
 * Count the live shadow pages by level (1-4) and quadrant (0-3):
 * count[level][quadrant]. For --stats and tests.
 */
void shadow_count_pages(const struct shadow_mmu *mmu,
			uint64_t count[5][4]);

/*
 * The live shadow pages, one line each, oldest last (the debugger's
 * `sp [GFN]`): gfn, level, quadrant, the role decoded, unsync state,
 * root count and number of parents. @gfn == UINT64_MAX lists them all.
 * Returns the length the whole list needs, as snprintf.
 */
int shadow_mmu_format_pages(const struct shadow_mmu *mmu, gfn_t gfn, char *buf,
			    size_t size);

/*
 * One shadow page by its id (the debugger's `sp ID`): its role, parents,
 * and every present SPTE decoded (a child shadow page, a host page with
 * the guest frame it maps and the rights, or an MMIO marker). Returns
 * the length needed, as snprintf, or -ENOENT when no live page has @id.
 */
int shadow_mmu_format_page(const struct shadow_mmu *mmu, uint32_t id,
			   char *buf, size_t size);

/* "name value" lines for --stats. Returns snprintf's length. */
int shadow_mmu_format_stats(const struct shadow_mmu *mmu, char *buf,
			    size_t size);

/*
 * The current root's shadow tables over gva [@start, @end) (end 0: to
 * the end), one line per present entry (hv/pt's dumper). Returns the
 * length the whole dump needs, as snprintf.
 */
int shadow_mmu_dump(struct shadow_mmu *mmu, gva_t start, gva_t end, char *buf,
		    size_t size);

/*
 * Check every present SPTE (audit.c): its translation equals the guest
 * walk composed with the memslots, its rights are no wider than the
 * guest's, and no guest table is mapped writable unless its shadow
 * pages are unsync; bookkeeping (rmaps, parents, unsync bits) agrees
 * with the tables. Appends one line per violation to @report (may be
 * NULL). Returns the number of violations.
 */
int shadow_mmu_audit(struct shadow_mmu *mmu, char *report, size_t size);

/* The files of the shadow MMU share more through shadow_internal.h. */

#endif
