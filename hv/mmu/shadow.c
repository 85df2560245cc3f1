// SPDX-License-Identifier: MIT
/*
 * Shadow pages: the hash on (gfn, role), creating and reusing pages,
 * linking them, the one SPTE setter, zapping in two phases and the cap
 * on the number of pages (KVM's arch/x86/kvm/mmu/mmu.c; see shadow.h).
 *
 * A shadow page's table is a pool page of the arena; the struct that
 * describes it is found from any SPTE address through sp_of_table[],
 * indexed by the table's page number (KVM keeps the pointer in the
 * struct page of the table: sptep_to_sp).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/log.h>

#include "hv/mmu/shadow_internal.h"

/* KVM's defaults: 2% of guest memory in shadow pages, at least 64. */
#define SHADOW_PERMILLE_PAGES 20
#define SHADOW_MIN_ALLOC_PAGES 64
#define SHADOW_MIN_FREE_PAGES 5
#define SHADOW_REFILL_PAGES 25

/* --- lookups ------------------------------------------------------------- */

struct shadow_page *sptep_to_sp(const struct shadow_mmu *mmu, hpa_t sptep)
{
	uint64_t pfn = sptep >> PAGE_SHIFT;

	return pfn < mmu->sp_of_table_n ? mmu->sp_of_table[pfn] : NULL;
}

/*
 * A present non-leaf SPTE points at a pool page that is a shadow page;
 * a leaf points into guest RAM, which lies above the pool, so the same
 * lookup says NULL for it.
 */
struct shadow_page *spte_to_child_sp(const struct shadow_mmu *mmu,
				     uint64_t spte)
{
	if (!is_shadow_present_pte(spte))
		return NULL;
	return sptep_to_sp(mmu, spte_to_hpa(spte));
}

/*
 * A direct page maps consecutive frames from its gfn, 512 per level
 * step; an indirect page remembers what each leaf maps, because the
 * guest's table says it, not the position.
 */
gfn_t shadow_page_get_gfn(const struct shadow_page *sp, unsigned int index)
{
	if (sp->role.direct)
		return sp->gfn + ((gfn_t)index << ((sp->role.level - 1) * 9));
	return sp->gfns ? sp->gfns[index] : 0;
}

struct shadow_page *shadow_find_page(struct shadow_mmu *mmu, gfn_t gfn,
				     union shadow_role role)
{
	for (struct shadow_page *sp = mmu->hash[shadow_hash_fn(gfn)]; sp;
	     sp = sp->hash_next)
		if (sp->gfn == gfn && sp->role.word == role.word)
			return sp;
	return NULL;
}

/* --- the setter ---------------------------------------------------------- */

/* Does replacing @old by @new need a TLB flush? Only if rights shrink. */
static bool spte_change_needs_flush(uint64_t old, uint64_t new)
{
	if (!is_shadow_present_pte(old))
		return false;
	if (!is_shadow_present_pte(new) || spte_to_hpa(old) != spte_to_hpa(new))
		return true;
	return (old & ~new & (SPTE_W | SPTE_U)) || (new & ~old & SPTE_XD);
}

/* A parent SPTE stopped linking its child: its unsync bit goes too. */
static void spte_clear_unsync_bit(struct shadow_mmu *mmu,
				  struct shadow_page *sp, unsigned int idx)
{
	uint64_t bit = 1ull << (idx % 64);

	if (!(sp->unsync_child_bitmap[idx / 64] & bit))
		return;
	sp->unsync_child_bitmap[idx / 64] &= ~bit;
	if (!HV_WARN_ON_ONCE(!sp->unsync_children) && !--sp->unsync_children)
		shadow_clear_parents_unsync(mmu, sp);
}

/*
 * The one setter (KVM's mmu_spte_set / mmu_spte_update /
 * mmu_spte_clear_track_bits, and the kvm_mmu_set_spte tracepoint).
 * Snapshot the old entry, write the new one, then account for both:
 *  - a leaf that stops mapping a gfn leaves that gfn's rmap, a leaf
 *    that starts mapping one joins it (sp->gfns remembers which);
 *  - a table link that goes away leaves the child's parent list (and
 *    the parent's unsync bit for it), a new link joins it;
 *  - a present SPTE that loses rights or changes means some TLB may
 *    hold more than the tables now allow: a flush is due.
 */
void shadow_spte_set(struct shadow_mmu *mmu, hpa_t sptep, uint64_t new,
		     gfn_t gfn)
{
	struct shadow_page *sp = sptep_to_sp(mmu, sptep);
	unsigned int idx = spte_index(sptep);
	uint64_t old;
	gfn_t old_gfn;

	if (HV_WARN_ON_ONCE(!sp))
		return;
	old = shadow_read_spte(mmu, sptep);
	old_gfn = shadow_page_get_gfn(sp, idx);
	arena_write64(&mmu->vm->arena, sptep, new);
	mmu->stats.spte_sets++;
	vm_emit(mmu->vm, EV_set_spte, sp->role.level,
		is_shadow_present_pte(new) || is_mmio_spte(new) ? gfn : old_gfn,
		old, new, sptep);
	if (spte_change_needs_flush(old, new))
		mmu->flush_pending = true;

	if (is_shadow_present_pte(old)) {
		if (shadow_page_is_last(sp)) {
			shadow_rmap_remove(mmu, sptep, old_gfn);
		} else {
			struct shadow_page *child = spte_to_child_sp(mmu, old);

			if (child)
				pte_list_remove(&child->parent_ptes, sptep);
			spte_clear_unsync_bit(mmu, sp, idx);
		}
	}
	if (!sp->role.direct && shadow_page_is_last(sp) && sp->gfns)
		sp->gfns[idx] = gfn;
	if (is_shadow_present_pte(new)) {
		if (shadow_page_is_last(sp)) {
			shadow_rmap_add(mmu, sptep, gfn);
		} else {
			struct shadow_page *child = spte_to_child_sp(mmu, new);

			if (!HV_WARN_ON_ONCE(!child))
				pte_list_add(&child->parent_ptes, sptep);
		}
	}
}

/*
 * Zap one SPTE (mmu_page_zap_pte): a leaf just goes; a link goes and
 * the child stays in the hash without this parent (KVM keeps parentless
 * shadow pages too: the guest may link the same table again soon).
 */
bool shadow_zap_spte(struct shadow_mmu *mmu, hpa_t sptep)
{
	uint64_t old = shadow_read_spte(mmu, sptep);

	if (!old)
		return false;
	shadow_spte_set(mmu, sptep, 0, 0);
	return is_shadow_present_pte(old);
}

/* --- the active list (oldest at the tail) ---------------------------------- */

static void active_list_add(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	sp->lru_prev = NULL;
	sp->lru_next = mmu->active_head;
	if (mmu->active_head)
		mmu->active_head->lru_prev = sp;
	else
		mmu->active_tail = sp;
	mmu->active_head = sp;
	sp->on_active_list = true;
	mmu->n_used_pages++;
}

static void active_list_del(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	if (!sp->on_active_list)
		return;
	if (sp->lru_prev)
		sp->lru_prev->lru_next = sp->lru_next;
	else
		mmu->active_head = sp->lru_next;
	if (sp->lru_next)
		sp->lru_next->lru_prev = sp->lru_prev;
	else
		mmu->active_tail = sp->lru_prev;
	sp->lru_prev = sp->lru_next = NULL;
	sp->on_active_list = false;
	mmu->n_used_pages--;
}

/* --- creating and finding pages --------------------------------------------- */

/*
 * A new shadow page of a guest table makes that table read-only to the
 * guest (account_shadowed): every SPTE mapping the gfn loses W through
 * the rmap, and an upper-level page also write-tracks the gfn, which is
 * what keeps a table that is a PD somewhere from ever going unsync.
 */
static void shadow_account_shadowed(struct shadow_mmu *mmu,
				    struct shadow_page *sp)
{
	mmu->indirect_shadow_pages++;
	if (sp->role.level > 1)
		shadow_write_track_add(mmu, sp->gfn);
	if (shadow_gfn_write_protect(mmu, sp->gfn))
		mmu->flush_pending = true;
}

static void shadow_unaccount_shadowed(struct shadow_mmu *mmu,
				      struct shadow_page *sp)
{
	mmu->indirect_shadow_pages--;
	if (sp->role.level > 1)
		shadow_write_track_remove(mmu, sp->gfn);
}

static struct shadow_page *shadow_alloc_page(struct shadow_mmu *mmu,
					     gfn_t gfn, union shadow_role role)
{
	struct shadow_page *sp = calloc(1, sizeof(*sp));
	unsigned int b = shadow_hash_fn(gfn);

	if (!sp)
		return NULL;
	sp->spt = arena_alloc_table(&mmu->vm->arena);
	if (!role.direct)
		sp->gfns = calloc(SPTE_ENT_PER_PAGE, sizeof(gfn_t));
	if (!sp->spt || (!role.direct && !sp->gfns) ||
	    (sp->spt >> PAGE_SHIFT) >= mmu->sp_of_table_n) {
		arena_free_table(&mmu->vm->arena, sp->spt);
		free(sp->gfns);
		free(sp);
		return NULL;
	}
	sp->id = ++mmu->next_sp_id;
	sp->gfn = gfn;
	sp->role = role;
	mmu->sp_of_table[sp->spt >> PAGE_SHIFT] = sp;
	sp->hash_next = mmu->hash[b];
	mmu->hash[b] = sp;
	active_list_add(mmu, sp);
	mmu->stats.pages_created++;
	if (!role.direct)
		shadow_account_shadowed(mmu, sp);
	return sp;
}

/*
 * KVM's kvm_mmu_get_shadow_page / __kvm_mmu_find_shadow_page. The
 * bucket is chosen by gfn alone; pages of other gfns in it are
 * collisions (counted, as KVM's max_mmu_page_hash_collisions). A page
 * of the same gfn and another role is left alone, except that an unsync
 * last-level page must go when an upper-level page is wanted for its
 * gfn: the guest reused the table as a directory, and a directory must
 * be write-protected.
 */
struct shadow_page *shadow_get_page(struct shadow_mmu *mmu, gfn_t gfn,
				    union shadow_role role)
{
	struct shadow_page *invalid = NULL, *sp, *found = NULL;
	uint64_t collisions = 0;

	for (sp = mmu->hash[shadow_hash_fn(gfn)]; sp; sp = sp->hash_next) {
		if (sp->gfn != gfn) {
			collisions++;
			continue;
		}
		if (sp->role.word != role.word) {
			if (role.level > 1 && !role.direct && sp->unsync &&
			    !sp->role.invalid)
				shadow_prepare_zap_page(mmu, sp, &invalid);
			continue;
		}
		found = sp;
		break;
	}
	mmu->stats.hash_collisions += collisions;
	if (collisions > mmu->stats.max_hash_collisions)
		mmu->stats.max_hash_collisions = collisions;
	if (found && !found->role.direct) {
		/*
		 * An unsync page is stale: bring its SPTEs up to date now,
		 * but it stays unsync (and writable to the guest) until a
		 * CR3 load or INVLPG syncs it properly.
		 */
		if (found->unsync)
			shadow_sync_page(mmu, found);
		found->write_flooding_count = 0;
	}
	shadow_commit_zap(mmu, &invalid);
	shadow_flush_if_pending(mmu);	/* the sync may have changed SPTEs */
	if (found) {
		mmu->stats.pages_reused++;
		vm_emit(mmu->vm, EV_get_page, role.level, gfn, role.word,
			role.quadrant, 0);
		return found;
	}
	sp = shadow_alloc_page(mmu, gfn, role);
	if (sp)
		vm_emit(mmu->vm, EV_get_page, role.level, gfn, role.word,
			role.quadrant, 1);
	shadow_flush_if_pending(mmu);
	return sp;
}

void shadow_link_page(struct shadow_mmu *mmu, hpa_t sptep,
		      struct shadow_page *child)
{
	shadow_spte_set(mmu, sptep, spte_mk_table(child->spt), child->gfn);
	if (child->unsync || child->unsync_children)
		shadow_mark_parents_unsync(mmu, child);
}

/* --- zapping -------------------------------------------------------------------- */

int shadow_prepare_zap_page(struct shadow_mmu *mmu, struct shadow_page *sp,
			    struct shadow_page **invalid)
{
	int n = 0;

	if (sp->on_invalid_list)
		return 0;
	vm_emit(mmu->vm, EV_prepare_zap_page, sp->role.level, sp->gfn,
		sp->role.word, sp->role.quadrant, sp->root_count);
	mmu->stats.zapped++;
	if (!sp->role.invalid)
		n += shadow_zap_unsync_children(mmu, sp, invalid);
	/* Unlink the children, then the parents. */
	for (unsigned int i = 0; i < SPTE_ENT_PER_PAGE; i++)
		shadow_zap_spte(mmu, sp->spt + i * 8);
	while (sp->parent_ptes.n)
		shadow_spte_set(mmu, sp->parent_ptes.sptep[sp->parent_ptes.n - 1],
				0, 0);
	if (!sp->role.invalid && !sp->role.direct)
		shadow_unaccount_shadowed(mmu, sp);
	if (sp->unsync) {
		sp->unsync = false;
		shadow_clear_parents_unsync(mmu, sp);
	}
	active_list_del(mmu, sp);
	if (!sp->root_count) {
		sp->zap_next = *invalid;
		*invalid = sp;
		sp->on_invalid_list = true;
		n++;
	}
	/* A live root stays until its last user lets go (root_count 0). */
	sp->role.invalid = 1;
	return n;
}

static void shadow_hash_del(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	struct shadow_page **pp = &mmu->hash[shadow_hash_fn(sp->gfn)];

	while (*pp && *pp != sp)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = sp->hash_next;
}

static void shadow_free_page(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	shadow_hash_del(mmu, sp);
	active_list_del(mmu, sp);
	mmu->sp_of_table[sp->spt >> PAGE_SHIFT] = NULL;
	arena_free_table(&mmu->vm->arena, sp->spt);
	pte_list_free(&sp->parent_ptes);
	free(sp->gfns);
	free(sp);
}

void shadow_flush_if_pending(struct shadow_mmu *mmu)
{
	if (!mmu->flush_pending)
		return;
	mmu->flush_pending = false;
	mmu->stats.flushes++;
	vm_flush_tlbs(mmu->vm);
}

/*
 * Phases 2 and 3: nothing on the list is reachable by the hardware any
 * more, but a TLB may still hold translations through it. One flush,
 * then the pages go back to the pool.
 */
void shadow_commit_zap(struct shadow_mmu *mmu, struct shadow_page **invalid)
{
	if (!*invalid)
		return;
	mmu->flush_pending = true;
	shadow_flush_if_pending(mmu);
	while (*invalid) {
		struct shadow_page *sp = *invalid;

		*invalid = sp->zap_next;
		shadow_free_page(mmu, sp);
	}
}

/*
 * Keep under the cap (make_mmu_pages_available and
 * kvm_mmu_zap_oldest_mmu_pages): when fewer than a handful of pages are
 * left, zap from the oldest end of the active list until a refill's
 * worth is free. Roots in use are skipped: zapping them would only make
 * the vCPU rebuild them at once.
 */
void shadow_make_pages_available(struct shadow_mmu *mmu)
{
	struct shadow_page *invalid = NULL;

	if (mmu->n_used_pages + SHADOW_MIN_FREE_PAGES <= mmu->n_max_pages)
		return;
	while (mmu->n_used_pages + SHADOW_REFILL_PAGES > mmu->n_max_pages) {
		struct shadow_page *sp = mmu->active_tail;

		while (sp && sp->root_count)
			sp = sp->lru_prev;
		if (!sp)
			break;
		shadow_prepare_zap_page(mmu, sp, &invalid);
		mmu->stats.recycled++;
	}
	shadow_commit_zap(mmu, &invalid);
}

/* --- life cycle ------------------------------------------------------------------ */

struct shadow_mmu *shadow_mmu_create(struct vm *vm)
{
	struct shadow_mmu *mmu = calloc(1, sizeof(*mmu));
	uint64_t pages = vm->cfg.ram_bytes >> PAGE_SHIFT;

	if (!mmu)
		return NULL;
	mmu->vm = vm;
	mmu->guest_hw.vm = vm;
	mmu->prev_roots_enabled = true;
	mmu->sp_of_table_n = vm->arena.pool_end >> PAGE_SHIFT;
	mmu->sp_of_table = calloc(mmu->sp_of_table_n, sizeof(*mmu->sp_of_table));
	mmu->n_max_pages = pages * SHADOW_PERMILLE_PAGES / 1000;
	if (mmu->n_max_pages < SHADOW_MIN_ALLOC_PAGES)
		mmu->n_max_pages = SHADOW_MIN_ALLOC_PAGES;
	if (!mmu->sp_of_table || shadow_rmap_init(mmu)) {
		shadow_mmu_destroy(mmu);
		return NULL;
	}
	return mmu;
}

const struct x86_mmu_hooks shadow_mmu_hooks = {
	.shadow_page_fault = shadow_page_fault,
	.track_write = shadow_track_write,
	.paging_changed = shadow_paging_changed,
	.invlpg = shadow_invlpg,
};

int shadow_mmu_attach(struct shadow_mmu *mmu, struct x86_mmu_hw *hw,
		      const struct x86_paging_ctx *ctx)
{
	mmu->hw = hw;
	hw->vm = mmu->vm;
	hw->tdp = false;
	hw->shadow = true;
	hw->hooks = &shadow_mmu_hooks;
	hw->hooks_opaque = mmu;
	shadow_free_roots(mmu, true);
	mmu->regs = *ctx;
	return shadow_mmu_load(mmu);
}

void shadow_mmu_destroy(struct shadow_mmu *mmu)
{
	if (!mmu)
		return;
	/* Teardown changes nothing anyone can see: no events, no flush. */
	if (mmu->vm->arena.base) {
		for (int i = 0; i < SHADOW_PREV_ROOTS; i++)
			if (mmu->prev_roots[i].levels == 3)
				arena_free_table(&mmu->vm->arena,
						 mmu->prev_roots[i].hpa);
		if (mmu->root.levels == 3)
			arena_free_table(&mmu->vm->arena, mmu->root.hpa);
		for (unsigned int b = 0; b < (1u << SHADOW_HASH_BITS); b++)
			while (mmu->hash[b])
				shadow_free_page(mmu, mmu->hash[b]);
	}
	if (mmu->hw && mmu->hw->hooks_opaque == mmu) {
		mmu->hw->shadow_root = 0;
		mmu->hw->hooks = NULL;
	}
	shadow_rmap_destroy(mmu);
	free(mmu->sp_of_table);
	free(mmu);
}

void shadow_mmu_set_max_pages(struct shadow_mmu *mmu, uint64_t n)
{
	mmu->n_max_pages = n < 16 ? 16 : n;
	shadow_make_pages_available(mmu);
	if (mmu->hw)
		shadow_check_roots(mmu);
}

void shadow_mmu_set_prev_roots(struct shadow_mmu *mmu, bool on)
{
	mmu->prev_roots_enabled = on;
	if (!on && mmu->hw) {
		shadow_free_roots(mmu, true);
		shadow_mmu_load(mmu);
	}
}
