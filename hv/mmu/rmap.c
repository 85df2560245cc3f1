// SPDX-License-Identifier: MIT
/*
 * Reverse maps and write tracking (KVM's rmap_add / rmap_remove /
 * rmap_write_protect in mmu.c and gfn_track in page_track.c).
 *
 *   rmap         per guest frame, the leaf SPTEs that map it. When a
 *                frame becomes a shadowed guest table, its rmap says
 *                which SPTEs must lose W.
 *   write track  per guest frame, how many upper-level shadow pages
 *                shadow it. A tracked frame is never mapped writable
 *                and never goes unsync: every guest write to it is
 *                emulated.
 *
 * Both live in per-memslot arrays indexed by gfn - base_gfn, as KVM's
 * slot->arch.rmap and slot->arch.gfn_track. A gfn outside every slot
 * (a guest table in MMIO space) has neither: nothing maps it writable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hv/log.h>

#include "hv/mmu/shadow_internal.h"

struct shadow_rmap_slot {
	gfn_t base_gfn;
	uint64_t npages;
	struct pte_list *rmap;
	uint16_t *write_track;
};

/* --- pte lists -------------------------------------------------------- */

int pte_list_add(struct pte_list *list, hpa_t sptep)
{
	if (list->n == list->cap) {
		uint32_t cap = list->cap ? list->cap * 2 : 2;
		hpa_t *v = realloc(list->sptep, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		list->sptep = v;
		list->cap = cap;
	}
	list->sptep[list->n++] = sptep;
	return 0;
}

/* Order does not matter: the last entry fills the hole. */
void pte_list_remove(struct pte_list *list, hpa_t sptep)
{
	for (uint32_t i = 0; i < list->n; i++)
		if (list->sptep[i] == sptep) {
			list->sptep[i] = list->sptep[--list->n];
			return;
		}
	HV_WARN_ON_ONCE(1 && "SPTE missing from its list");
}

void pte_list_free(struct pte_list *list)
{
	free(list->sptep);
	memset(list, 0, sizeof(*list));
}

/* --- per-slot arrays --------------------------------------------------- */

int shadow_rmap_init(struct shadow_mmu *mmu)
{
	const struct memslots *slots = &mmu->vm->slots;

	mmu->rmap = calloc(slots->count ? slots->count : 1, sizeof(*mmu->rmap));
	if (!mmu->rmap)
		return -ENOMEM;
	mmu->nrmap = slots->count;
	for (unsigned int i = 0; i < slots->count; i++) {
		struct shadow_rmap_slot *r = &mmu->rmap[i];

		r->base_gfn = slots->slot[i].base_gfn;
		r->npages = slots->slot[i].npages;
		r->rmap = calloc(r->npages, sizeof(*r->rmap));
		r->write_track = calloc(r->npages, sizeof(*r->write_track));
		if (!r->rmap || !r->write_track)
			return -ENOMEM;
	}
	return 0;
}

void shadow_rmap_destroy(struct shadow_mmu *mmu)
{
	for (unsigned int i = 0; mmu->rmap && i < mmu->nrmap; i++) {
		struct shadow_rmap_slot *r = &mmu->rmap[i];

		for (uint64_t g = 0; r->rmap && g < r->npages; g++)
			pte_list_free(&r->rmap[g]);
		free(r->rmap);
		free(r->write_track);
	}
	free(mmu->rmap);
	mmu->rmap = NULL;
}

static struct shadow_rmap_slot *rmap_slot(struct shadow_mmu *mmu, gfn_t gfn)
{
	for (unsigned int i = 0; i < mmu->nrmap; i++) {
		struct shadow_rmap_slot *r = &mmu->rmap[i];

		if (gfn >= r->base_gfn && gfn - r->base_gfn < r->npages)
			return r;
	}
	return NULL;
}

struct pte_list *shadow_rmap_of(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct shadow_rmap_slot *r = rmap_slot(mmu, gfn);

	return r ? &r->rmap[gfn - r->base_gfn] : NULL;
}

void shadow_rmap_add(struct shadow_mmu *mmu, hpa_t sptep, gfn_t gfn)
{
	struct pte_list *l = shadow_rmap_of(mmu, gfn);

	if (l && pte_list_add(l, sptep))
		HV_WARN_ON_ONCE(1 && "out of memory for an rmap");
}

void shadow_rmap_remove(struct shadow_mmu *mmu, hpa_t sptep, gfn_t gfn)
{
	struct pte_list *l = shadow_rmap_of(mmu, gfn);

	if (l)
		pte_list_remove(l, sptep);
}

/*
 * rmap_write_protect: every leaf SPTE that maps @gfn writable loses W
 * (through the setter, so each is an event and the flush is noted). W
 * is only cleared, MMU_WRITABLE stays: the SPTE may become writable
 * again without a new guest walk once the frame is no longer a table.
 */
bool shadow_gfn_write_protect(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct pte_list *l = shadow_rmap_of(mmu, gfn);
	bool changed = false;

	if (!l)
		return false;
	for (uint32_t i = 0; i < l->n; i++) {
		hpa_t sptep = l->sptep[i];
		uint64_t spte = shadow_read_spte(mmu, sptep);

		if (!is_writable_pte(spte))
			continue;
		/* The setter removes and re-adds this entry: same slot. */
		shadow_spte_set(mmu, sptep, spte & ~SPTE_W, gfn);
		changed = true;
		i = (uint32_t)-1;	/* the list was reordered: start over */
	}
	return changed;
}

unsigned int shadow_write_track_count(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct shadow_rmap_slot *r = rmap_slot(mmu, gfn);

	return r ? r->write_track[gfn - r->base_gfn] : 0;
}

void shadow_write_track_add(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct shadow_rmap_slot *r = rmap_slot(mmu, gfn);

	if (r && !HV_WARN_ON_ONCE(r->write_track[gfn - r->base_gfn] == UINT16_MAX))
		r->write_track[gfn - r->base_gfn]++;
}

void shadow_write_track_remove(struct shadow_mmu *mmu, gfn_t gfn)
{
	struct shadow_rmap_slot *r = rmap_slot(mmu, gfn);

	if (r && !HV_WARN_ON_ONCE(!r->write_track[gfn - r->base_gfn]))
		r->write_track[gfn - r->base_gfn]--;
}
