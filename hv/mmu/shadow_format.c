/* SPDX-License-Identifier: MIT */
/*
 * The shadow MMU in text, for the tools: `sp` (every shadow page, one
 * line each), `sp ID` (one page with its SPTEs decoded) and --stats.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hv/fmt.h>

#include "hv/mmu/shadow_internal.h"

/* The one-line summary `sp` and `sp ID` share. */
static void format_sp_line(struct fmtbuf *fb, const struct shadow_page *sp)
{
	char role[96];

	shadow_role_format(sp->role, role, sizeof(role));
	fmt_append(fb, "#%-4u gfn %#-9llx spt %#-9llx %s%s unsync_children=%u "
		   "root_count=%u parents=%u\n", sp->id,
		   (unsigned long long)sp->gfn, (unsigned long long)sp->spt,
		   role, sp->unsync ? " UNSYNC" : "", sp->unsync_children,
		   sp->root_count, sp->parent_ptes.n);
}

int shadow_mmu_format_pages(const struct shadow_mmu *mmu, gfn_t gfn, char *buf,
			    size_t size)
{
	struct fmtbuf fb = fmtbuf_init(buf, size);

	for (const struct shadow_page *sp = mmu->active_head; sp; sp = sp->lru_next)
		if (gfn == UINT64_MAX || sp->gfn == gfn)
			format_sp_line(&fb, sp);
	return fmt_result(&fb);
}

static const struct shadow_page *find_by_id(const struct shadow_mmu *mmu,
					    uint32_t id)
{
	for (const struct shadow_page *sp = mmu->active_head; sp; sp = sp->lru_next)
		if (sp->id == id)
			return sp;
	return NULL;
}

static void format_rights(struct fmtbuf *fb, uint64_t spte)
{
	fmt_append(fb, "%c%c%c", (spte & SPTE_U) ? 'u' : 's',
		   (spte & SPTE_W) ? 'w' : ((spte & SPTE_MMU_WRITABLE) ?
					   'p' : 'r'),
		   (spte & SPTE_XD) ? '-' : 'x');
}

int shadow_mmu_format_page(const struct shadow_mmu *mmu, uint32_t id,
			   char *buf, size_t size)
{
	const struct shadow_page *sp = find_by_id(mmu, id);
	struct fmtbuf fb = fmtbuf_init(buf, size);
	unsigned int present = 0;

	if (!sp)
		return -ENOENT;
	format_sp_line(&fb, sp);
	for (uint32_t i = 0; i < sp->parent_ptes.n; i++) {
		hpa_t sptep = sp->parent_ptes.sptep[i];
		const struct shadow_page *parent = sptep_to_sp(mmu, sptep);

		if (parent)
			fmt_append(&fb, "  parent: #%u index %u (spte at hpa %#llx)\n",
				   parent->id, spte_index(sptep),
				   (unsigned long long)sptep);
		else
			fmt_append(&fb, "  parent: the PAE root, pdpte %u\n",
				   spte_index(sptep));
	}
	if (sp->root_count && !sp->parent_ptes.n)
		fmt_append(&fb, "  a root: CR3 points here\n");
	for (unsigned int i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		uint64_t spte = shadow_read_spte(mmu, sp->spt + 8ull * i);
		const struct shadow_page *child;

		if (!spte)
			continue;
		present++;
		fmt_append(&fb, "  [%3u] %016llx ", i, (unsigned long long)spte);
		if (is_mmio_spte(spte)) {
			fmt_append(&fb, "mmio gfn %#llx ",
				   (unsigned long long)mmio_spte_gfn(spte));
			format_rights(&fb, spte);
		} else if (!is_shadow_present_pte(spte)) {
			fmt_append(&fb, "not present");
		} else if (sp->role.level > 1 &&
			   (child = spte_to_child_sp(mmu, spte))) {
			fmt_append(&fb, "-> #%u (l%u q%u gfn %#llx)%s", child->id,
				   child->role.level, child->role.quadrant,
				   (unsigned long long)child->gfn,
				   child->unsync ? " unsync" : "");
			if (sp->unsync_child_bitmap[i / 64] & BIT(i % 64))
				fmt_append(&fb, " [unsync child]");
		} else {
			fmt_append(&fb, "hpa %#llx",
				   (unsigned long long)spte_to_hpa(spte));
			if (!sp->role.direct)
				fmt_append(&fb, " gfn %#llx",
					   (unsigned long long)sp->gfns[i]);
			fmt_append(&fb, " ");
			format_rights(&fb, spte);
			if (spte & SPTE_G)
				fmt_append(&fb, " global");
		}
		fmt_append(&fb, "\n");
	}
	fmt_append(&fb, "  %u of %u entries in use\n", present,
		   SPTE_ENT_PER_PAGE);
	return fmt_result(&fb);
}

/* --- stats -------------------------------------------------------------------------- */

void shadow_count_pages(const struct shadow_mmu *mmu, uint64_t count[5][4])
{
	memset(count, 0, sizeof(uint64_t) * 5 * 4);
	for (unsigned int b = 0; b < (1u << SHADOW_HASH_BITS); b++)
		for (const struct shadow_page *sp = mmu->hash[b]; sp;
		     sp = sp->hash_next)
			if (!sp->role.invalid && sp->role.level <= 4)
				count[sp->role.level][sp->role.quadrant]++;
}

int shadow_mmu_format_stats(const struct shadow_mmu *mmu, char *buf,
			    size_t size)
{
	const struct shadow_mmu_stats *s = &mmu->stats;
	uint64_t count[5][4];
	struct fmtbuf fb = fmtbuf_init(buf, size);

#define OUT(...) fmt_append(&fb, __VA_ARGS__)
	shadow_count_pages(mmu, count);
	for (int level = 4; level >= 1; level--)
		for (int q = 0; q < 4; q++)
			if (count[level][q] || q == 0)
				OUT("shadow_pages_l%d_q%d %llu\n", level, q,
				    (unsigned long long)count[level][q]);
#define S(name) OUT("shadow_" #name " %llu\n", (unsigned long long)s->name)
	S(faults); S(guest_faults); S(mmio_faults); S(fixed);
	S(emulated_writes); S(pte_writes_zapped); S(flooded);
	S(pages_created); S(pages_reused); S(hash_collisions);
	S(max_hash_collisions); S(unsync); S(syncs); S(zapped); S(recycled);
	S(spte_sets); S(flushes); S(root_switches); S(prev_root_hits);
	S(root_loads); S(invlpgs); S(resets);
#undef S
	OUT("shadow_pages_in_use %llu\nshadow_pages_max %llu\n",
	    (unsigned long long)mmu->n_used_pages,
	    (unsigned long long)mmu->n_max_pages);
#undef OUT
	return fmt_result(&fb);
}
