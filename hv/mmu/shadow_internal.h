/* SPDX-License-Identifier: MIT */
/*
 * What the shadow MMU's files share, and nobody else uses (KVM's
 * mmu_internal.h). Public contracts are in shadow.h.
 */
#ifndef HV_MMU_SHADOW_INTERNAL_H
#define HV_MMU_SHADOW_INTERNAL_H

#include "hv/mmu/shadow.h"

/* --- shadow.c: pages, the setter, zapping -------------------------------- */

/*
 * The shadow page for (@gfn, @role), created if there is none (KVM's
 * kvm_mmu_get_shadow_page). A found page that is unsync is synced first
 * (but stays unsync); a new page for a guest table write-protects that
 * table. Emits get_page. NULL when the table pool is exhausted.
 */
struct shadow_page *shadow_get_page(struct shadow_mmu *mmu, gfn_t gfn,
				    union shadow_role role);

/*
 * Point the SPTE at @sptep to @child's table (link_shadow_page) and
 * propagate the child's unsync state to the new parent.
 */
void shadow_link_page(struct shadow_mmu *mmu, hpa_t sptep,
		      struct shadow_page *child);

/*
 * The one SPTE setter: write @new at @sptep (whose leaf maps @gfn when
 * @new is a present leaf), keeping the rmaps and the child's parent
 * list, noting that a flush is due when a present SPTE lost rights or
 * changed, and emitting set_spte. Every SPTE change goes through here.
 */
void shadow_spte_set(struct shadow_mmu *mmu, hpa_t sptep, uint64_t new,
		     gfn_t gfn);

/* The gfn the SPTE at @index of @sp maps (kvm_mmu_page_get_gfn). */
gfn_t shadow_page_get_gfn(const struct shadow_page *sp, unsigned int index);

/* True if @sp's SPTEs are leaves (level 1; we never map large SPTEs). */
static inline bool shadow_page_is_last(const struct shadow_page *sp)
{
	return sp->role.level == 1;
}

/* Zap one SPTE of @sp (mmu_page_zap_pte). True if it was present. */
bool shadow_zap_spte(struct shadow_mmu *mmu, hpa_t sptep);

/*
 * Phase 1 of a zap (kvm_mmu_prepare_zap_page): unlink @sp from its
 * parents and children, zap its unsync descendants, and put it on
 * *@invalid (or, while it is a root, just mark it invalid). Emits
 * prepare_zap_page. Returns how many pages went on the list.
 */
int shadow_prepare_zap_page(struct shadow_mmu *mmu, struct shadow_page *sp,
			    struct shadow_page **invalid);

/* Phase 2 and 3 (kvm_mmu_commit_zap_page): one flush, then the frees. */
void shadow_commit_zap(struct shadow_mmu *mmu, struct shadow_page **invalid);

/* Flush the TLBs if an SPTE change asked for it. */
void shadow_flush_if_pending(struct shadow_mmu *mmu);

/* Zap the oldest pages until a few are free (make_mmu_pages_available). */
void shadow_make_pages_available(struct shadow_mmu *mmu);

/* Iterate the pages of one gfn that shadow guest tables (not direct). */
#define for_each_gfn_indirect_sp(mmu, sp, g)					\
	for ((sp) = (mmu)->hash[shadow_hash_fn(g)]; (sp); (sp) = (sp)->hash_next) \
		if ((sp)->gfn != (g) || (sp)->role.direct || (sp)->role.invalid) \
			continue;						\
		else

static inline unsigned int shadow_hash_fn(gfn_t gfn)
{
	return (unsigned int)(gfn * 0x9E3779B97F4A7C15ull >> (64 - SHADOW_HASH_BITS));
}

/* --- rmap.c: reverse maps and write tracking ------------------------------ */

int pte_list_add(struct pte_list *list, hpa_t sptep);
void pte_list_remove(struct pte_list *list, hpa_t sptep);
void pte_list_free(struct pte_list *list);

int shadow_rmap_init(struct shadow_mmu *mmu);
void shadow_rmap_destroy(struct shadow_mmu *mmu);
/* The leaf SPTEs mapping @gfn, or NULL if @gfn is not RAM. */
struct pte_list *shadow_rmap_of(struct shadow_mmu *mmu, gfn_t gfn);
void shadow_rmap_add(struct shadow_mmu *mmu, hpa_t sptep, gfn_t gfn);
void shadow_rmap_remove(struct shadow_mmu *mmu, hpa_t sptep, gfn_t gfn);
/* Clear W in every SPTE mapping @gfn. True if one was writable. */
bool shadow_gfn_write_protect(struct shadow_mmu *mmu, gfn_t gfn);
/* The write-track count of @gfn (upper-level shadow pages on it). */
unsigned int shadow_write_track_count(struct shadow_mmu *mmu, gfn_t gfn);
void shadow_write_track_add(struct shadow_mmu *mmu, gfn_t gfn);
void shadow_write_track_remove(struct shadow_mmu *mmu, gfn_t gfn);

/* --- sync.c: unsync, sync, emulated writes --------------------------------- */

/*
 * May a writable SPTE map @gfn (mmu_try_to_unsync_pages)? 0 if no shadow
 * page shadows it, or all of them are last-level and now unsync (if
 * @can_unsync); -EPERM if the write must stay write-protected.
 */
int shadow_try_to_unsync_pages(struct shadow_mmu *mmu, gfn_t gfn,
			       bool can_unsync);
/* Propagate an unsync child up through @sp's parents. */
void shadow_mark_parents_unsync(struct shadow_mmu *mmu, struct shadow_page *sp);
/* @sp is synced or zapped: clear its bit in its parents, and up. */
void shadow_clear_parents_unsync(struct shadow_mmu *mmu,
				 struct shadow_page *sp);
/* Re-read @sp's guest table into its SPTEs. Returns SPTEs changed. */
int shadow_sync_page(struct shadow_mmu *mmu, struct shadow_page *sp);
/* Sync every unsync page below @root (mmu_sync_children). */
void shadow_sync_children(struct shadow_mmu *mmu, struct shadow_page *root);
/* Zap every unsync page below @sp (mmu_zap_unsync_children). */
int shadow_zap_unsync_children(struct shadow_mmu *mmu, struct shadow_page *sp,
			       struct shadow_page **invalid);

/* --- shadow_fault.c --------------------------------------------------------- */

/*
 * The SPTE for a guest mapping of @gfn at @hpa with @access (ACC_*),
 * the guest leaf's @gpte (for G), in shadow page @sp (make_spte).
 * Clears W where the gfn must stay write-protected; *@wrprot says so.
 */
uint64_t shadow_make_spte(struct shadow_mmu *mmu, struct shadow_page *sp,
			  unsigned int access, gfn_t gfn, hpa_t hpa,
			  uint64_t gpte, bool can_unsync, bool *wrprot);

/* ACC_* of a guest entry (FNAME(gpte_access)). */
unsigned int shadow_gpte_access(uint64_t gpte, bool nx);

/* The shadow tables as hv/pt formats (shadow_root_table: shadow.h). */
extern const struct pt_format shadow_spte4_format;
extern const struct pt_format shadow_spte_pae_format;

/*
 * The address hv/pt walks for @gva: 48 bits for a 4-level root (the
 * format knows nothing of sign extension), 32 for a PAE root.
 */
static inline uint64_t shadow_pt_addr(const struct shadow_root *r, gva_t gva)
{
	return r->levels == 4 ? gva & GENMASK(47, 0) : (uint32_t)gva;
}

/* ... and back: the canonical gva of a 4-level walk address. */
static inline gva_t shadow_pt_gva(const struct shadow_root *r, uint64_t addr)
{
	if (r->levels == 4 && (addr & BIT(47)))
		return addr | GENMASK(63, 48);
	return addr;
}

/* --- shadow_root.c ----------------------------------------------------------- */

/* Build roots for mmu->regs if there are none (kvm_mmu_load). */
int shadow_mmu_load(struct shadow_mmu *mmu);
/* Drop the current root, and with @all the cached ones (kvm_mmu_free_roots). */
void shadow_free_roots(struct shadow_mmu *mmu, bool all);
/* Reload if the current root was zapped (KVM_REQ_MMU_FREE_OBSOLETE_ROOTS). */
int shadow_check_roots(struct shadow_mmu *mmu);
/* The level-2 root page covering 1 GiB quarter @i of a PAE root, or NULL. */
struct shadow_page *shadow_pae_root_sp(struct shadow_mmu *mmu, hpa_t pae_root,
				       unsigned int i);
/* Sync the unsync pages below the current root (kvm_mmu_sync_roots). */
void shadow_sync_roots(struct shadow_mmu *mmu);
/* New guest paging registers: reset or switch roots as needed. */
void shadow_set_regs(struct shadow_mmu *mmu, const struct x86_paging_ctx *ctx);

#endif
