// SPDX-License-Identifier: MIT
/*
 * Unsync pages, the unsync walk, sync, and emulated writes to guest
 * page tables (KVM's mmu.c: kvm_unsync_page, mark_unsync,
 * mmu_unsync_walk, mmu_sync_children, kvm_mmu_track_write; and
 * paging_tmpl.h: FNAME(sync_spte)).
 *
 * A guest table with shadow pages is write-protected, so the shadow
 * stays in step with it: every guest write to it faults and is emulated
 * here. That is costly for a table the guest rewrites often, so a
 * last-level page may instead go *unsync*: the guest's table is made
 * writable and the shadow page may fall behind, exactly as a TLB may.
 * The guest must then do what it does for its TLB, INVLPG or a CR3 load,
 * and that is when the hypervisor catches up (syncs).
 *
 * To find unsync pages fast, each shadow page has a bitmap over its
 * SPTEs, unsync_child_bitmap: bit i is set when the child behind SPTE i
 * is unsync or has unsync children (unsync_children counts the bits).
 * From a root, the unsync walk follows only set bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hv/log.h>

#include "hv/mmu/shadow_internal.h"

/* --- unsync bits --------------------------------------------------------- */

/* mark_unsync: set the parent's bit for the SPTE at @sptep, and upward. */
static void shadow_mark_unsync(struct shadow_mmu *mmu, hpa_t sptep)
{
	struct shadow_page *sp = sptep_to_sp(mmu, sptep);
	unsigned int idx = spte_index(sptep);
	uint64_t bit = 1ull << (idx % 64);

	if (!sp || (sp->unsync_child_bitmap[idx / 64] & bit))
		return;
	sp->unsync_child_bitmap[idx / 64] |= bit;
	if (sp->unsync_children++)
		return;		/* its parents know already */
	shadow_mark_parents_unsync(mmu, sp);
}

void shadow_mark_parents_unsync(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	for (uint32_t i = 0; i < sp->parent_ptes.n; i++)
		shadow_mark_unsync(mmu, sp->parent_ptes.sptep[i]);
}

/*
 * The reverse (kvm_unlink_unsync_page + mmu_pages_clear_parents): once
 * @sp has nothing unsync at or below it, its bit in every parent goes,
 * and a parent left with no bits passes that on upward.
 */
void shadow_clear_parents_unsync(struct shadow_mmu *mmu,
				 struct shadow_page *sp)
{
	if (sp->unsync || sp->unsync_children)
		return;
	for (uint32_t i = 0; i < sp->parent_ptes.n; i++) {
		hpa_t sptep = sp->parent_ptes.sptep[i];
		struct shadow_page *psp = sptep_to_sp(mmu, sptep);
		unsigned int idx = spte_index(sptep);
		uint64_t bit = 1ull << (idx % 64);

		if (!psp || !(psp->unsync_child_bitmap[idx / 64] & bit))
			continue;
		psp->unsync_child_bitmap[idx / 64] &= ~bit;
		if (!HV_WARN_ON_ONCE(!psp->unsync_children) &&
		    !--psp->unsync_children)
			shadow_clear_parents_unsync(mmu, psp);
	}
}

/* kvm_unsync_page */
static void shadow_unsync_page(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	sp->unsync = true;
	mmu->stats.unsync++;
	vm_emit(mmu->vm, EV_unsync_page, sp->role.level, sp->gfn, sp->role.word,
		sp->role.quadrant, 0);
	shadow_mark_parents_unsync(mmu, sp);
}

/*
 * mmu_try_to_unsync_pages: a frame that shadows a directory somewhere
 * (write-tracked) must stay read-only. Otherwise every last-level page
 * of it goes unsync and the frame may be mapped writable. Without
 * @can_unsync (a sync re-making SPTEs) nothing changes state.
 */
int shadow_try_to_unsync_pages(struct shadow_mmu *mmu, gfn_t gfn,
			       bool can_unsync)
{
	struct shadow_page *sp;

	if (shadow_write_track_count(mmu, gfn))
		return -EPERM;
	for_each_gfn_indirect_sp(mmu, sp, gfn) {
		if (!can_unsync)
			return -EPERM;
		if (sp->unsync)
			continue;
		if (HV_WARN_ON_ONCE(sp->role.level != 1))
			return -EPERM;
		shadow_unsync_page(mmu, sp);
	}
	return 0;
}

/* --- sync ----------------------------------------------------------------- */

/* Bytes of a guest entry, and where @sp's part of its guest table starts. */
static unsigned int sp_gpte_size(const struct shadow_page *sp)
{
	return sp->role.has_4_byte_gpte ? 4 : 8;
}

/*
 * FNAME(get_level1_sp_gpa): a 4-byte guest PT is shadowed by two pages;
 * quadrant 1 covers its upper 512 entries.
 */
static gpa_t sp_gpte_gpa(const struct shadow_page *sp, unsigned int index)
{
	gpa_t base = gfn_to_gpa(sp->gfn);

	if (sp->role.has_4_byte_gpte)
		base += (gpa_t)sp->role.quadrant * SPTE_ENT_PER_PAGE * 4;
	return base + (gpa_t)index * sp_gpte_size(sp);
}

/*
 * FNAME(prefetch_invalid_gpte): a gpte the hypervisor must not act on
 * ahead of the guest: not present, reserved bits, or never accessed.
 */
static bool gpte_invalid(const struct shadow_mmu *mmu,
			 const struct shadow_page *sp, uint64_t gpte)
{
	enum x86_paging_mode mode = x86_paging_mode(mmu->regs.cr0, mmu->regs.cr4,
						    mmu->regs.efer);
	uint64_t rsvd = 0;

	if (!(gpte & X86_PTE_P) || !(gpte & X86_PTE_A))
		return true;
	if (!sp->role.has_4_byte_gpte) {
		rsvd = mode == X86_PAGING_PAE ? X86_RSVD_PAE : X86_RSVD_64;
		if (!sp->role.efer_nx)
			rsvd |= X86_PTE_XD;
	}
	return (gpte & rsvd) != 0;
}

static uint64_t read_gpte(struct shadow_mmu *mmu, gpa_t gpa, unsigned int size)
{
	uint64_t v = 0;

	if (vm_read_gpa(mmu->vm, gpa, &v, size))
		return 0;
	return v;
}

/*
 * FNAME(sync_spte): bring SPTE @i of the last-level page @sp in line
 * with its gpte. A gpte that now points elsewhere, or is invalid,
 * zaps the SPTE (the next access faults it back); one that only changed
 * rights gets the SPTE re-made with them. Returns 1 if it changed.
 */
static int shadow_sync_spte(struct shadow_mmu *mmu, struct shadow_page *sp,
			    unsigned int i)
{
	hpa_t sptep = sp->spt + i * 8;
	uint64_t spte = shadow_read_spte(mmu, sptep), gpte, new;
	unsigned int access;
	gfn_t gfn;
	hfn_t hfn;
	bool wrprot;

	if (!is_shadow_present_pte(spte) && !is_mmio_spte(spte))
		return 0;
	gpte = read_gpte(mmu, sp_gpte_gpa(sp, i), sp_gpte_size(sp));
	if (gpte_invalid(mmu, sp, gpte))
		return shadow_zap_spte(mmu, sptep), 1;
	gfn = gpa_to_gfn(gpte & (sp->role.has_4_byte_gpte ? X86_PTE32_ADDR
							   : X86_PTE64_ADDR));
	access = sp->role.access & shadow_gpte_access(gpte, sp->role.efer_nx);
	if (!(gpte & X86_PTE_D))
		access &= ~ACC_WRITE;
	if (gfn != shadow_page_get_gfn(sp, i))
		return shadow_zap_spte(mmu, sptep), 1;
	if (is_mmio_spte(spte))
		new = spte_mk_mmio(gfn, access);
	else if (memslot_gfn_to_hfn(&mmu->vm->slots, gfn, &hfn))
		new = shadow_make_spte(mmu, sp, access, gfn, hfn_to_hpa(hfn),
				       gpte, false, &wrprot);
	else
		return shadow_zap_spte(mmu, sptep), 1;
	if (new == spte)
		return 0;
	shadow_spte_set(mmu, sptep, new, gfn);
	return 1;
}

int shadow_sync_page(struct shadow_mmu *mmu, struct shadow_page *sp)
{
	int changed = 0;

	if (HV_WARN_ON_ONCE(sp->role.direct || sp->role.level != 1))
		return 0;
	mmu->stats.syncs++;
	for (unsigned int i = 0; i < SPTE_ENT_PER_PAGE; i++)
		changed += shadow_sync_spte(mmu, sp, i);
	vm_emit(mmu->vm, EV_sync_page, sp->role.level, sp->gfn, sp->role.word,
		sp->role.quadrant, changed);
	return changed;
}

/* --- the unsync walk ----------------------------------------------------------- */

struct sp_vec {
	struct shadow_page **sp;
	size_t n, cap;
};

static void sp_vec_add(struct sp_vec *v, struct shadow_page *sp)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->sp[i] == sp)
			return;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct shadow_page **p = realloc(v->sp, cap * sizeof(*p));

		if (!p) {
			HV_WARN_ON_ONCE(1 && "out of memory in the unsync walk");
			return;
		}
		v->sp = p;
		v->cap = cap;
	}
	v->sp[v->n++] = sp;
}

/*
 * mmu_unsync_walk: from @sp, follow the set bits of unsync_child_bitmap
 * down to every unsync page, collecting them. The walk never visits a
 * subtree without unsync pages, which is the point of the bitmap.
 */
static void shadow_unsync_walk(struct shadow_mmu *mmu, struct shadow_page *sp,
			       struct sp_vec *out)
{
	for (unsigned int w = 0; w < SPTE_ENT_PER_PAGE / 64; w++) {
		uint64_t bits = sp->unsync_child_bitmap[w];

		while (bits) {
			unsigned int i = w * 64 + (unsigned int)__builtin_ctzll(bits);
			struct shadow_page *child =
				spte_to_child_sp(mmu, shadow_read_spte(mmu, sp->spt + i * 8));

			bits &= bits - 1;
			if (HV_WARN_ON_ONCE(!child))
				continue;
			if (child->unsync_children)
				shadow_unsync_walk(mmu, child, out);
			if (child->unsync)
				sp_vec_add(out, child);
		}
	}
}

/*
 * mmu_sync_children: collect the unsync pages below @root, write-protect
 * their guest tables again and flush once (so the guest cannot change
 * them behind our back any more), then sync each and mark it synced,
 * clearing the bits on the way up.
 */
void shadow_sync_children(struct shadow_mmu *mmu, struct shadow_page *root)
{
	struct sp_vec v = { 0 };

	if (!root->unsync_children)
		return;
	shadow_unsync_walk(mmu, root, &v);
	for (size_t i = 0; i < v.n; i++)
		if (shadow_gfn_write_protect(mmu, v.sp[i]->gfn))
			mmu->flush_pending = true;
	shadow_flush_if_pending(mmu);
	for (size_t i = 0; i < v.n; i++) {
		struct shadow_page *sp = v.sp[i];

		sp->unsync = false;
		shadow_sync_page(mmu, sp);
		shadow_clear_parents_unsync(mmu, sp);
	}
	shadow_flush_if_pending(mmu);
	free(v.sp);
}

int shadow_zap_unsync_children(struct shadow_mmu *mmu, struct shadow_page *sp,
			       struct shadow_page **invalid)
{
	struct sp_vec v = { 0 };
	int n = 0;

	if (!sp->unsync_children)
		return 0;
	shadow_unsync_walk(mmu, sp, &v);
	for (size_t i = 0; i < v.n; i++)
		n += shadow_prepare_zap_page(mmu, v.sp[i], invalid);
	free(v.sp);
	return n;
}

/* --- INVLPG ----------------------------------------------------------------------- */

/*
 * kvm_mmu_invlpg (__kvm_mmu_invalidate_addr) on one root: go down the
 * shadow path of @gva while there are unsync pages below; an unsync
 * page on the path gets the SPTE for @gva synced.
 */
static void shadow_invlpg_root(struct shadow_mmu *mmu, struct shadow_page *sp,
			       gva_t gva)
{
	while (sp) {
		unsigned int shift = PAGE_SHIFT + 9 * (sp->role.level - 1);
		unsigned int idx = (gva >> shift) & (SPTE_ENT_PER_PAGE - 1);

		if (sp->unsync)
			shadow_sync_spte(mmu, sp, idx);
		if (!sp->unsync_children)
			break;
		sp = spte_to_child_sp(mmu, shadow_read_spte(mmu, sp->spt + idx * 8));
	}
}

static void shadow_invlpg_one(struct shadow_mmu *mmu,
			      const struct shadow_root *r, gva_t gva)
{
	if (!r->hpa)
		return;
	if (r->levels == 4)
		shadow_invlpg_root(mmu, sptep_to_sp(mmu, r->hpa), gva);
	else
		shadow_invlpg_root(mmu, shadow_pae_root_sp(mmu, r->hpa,
							   (gva >> 30) & 3),
				   (uint32_t)gva);
}

void shadow_invlpg(void *opaque, gva_t gva)
{
	struct shadow_mmu *mmu = opaque;

	mmu->stats.invlpgs++;
	shadow_invlpg_one(mmu, &mmu->root, gva);
	for (int i = 0; i < SHADOW_PREV_ROOTS; i++)
		shadow_invlpg_one(mmu, &mmu->prev_roots[i], gva);
	shadow_flush_if_pending(mmu);
}

/* --- emulated writes to guest tables ------------------------------------------------ */

/*
 * detect_write_misaligned: a write that does not cover whole gptes
 * (except the one-byte writes guests use to clear a bit) leaves a gpte
 * we cannot reason about: zap the page.
 */
static bool detect_write_misaligned(const struct shadow_page *sp, gpa_t gpa,
				    unsigned int bytes)
{
	unsigned int offset = gpa & (PAGE_SIZE - 1);
	unsigned int pte_size = sp_gpte_size(sp);

	if (!(offset & (pte_size - 1)) && bytes == 1)
		return false;
	return ((offset ^ (offset + bytes - 1)) & ~(pte_size - 1)) || bytes < 4;
}

/*
 * detect_write_flooding: an upper-level page written three times with
 * no fault going through it in between is most likely not a page table
 * any more (a freed table reused as data): zap it rather than emulate
 * every write. Faults through a page reset its count.
 */
static bool detect_write_flooding(struct shadow_page *sp)
{
	if (sp->role.level == 1)
		return false;
	return ++sp->write_flooding_count >= 3;
}

/*
 * get_written_sptes: which SPTEs of @sp shadow the gpte at @gpa. For
 * 4-byte gptes the offset doubles (8-byte SPTEs), a guest PDE (4 MiB)
 * is shadowed by two PAE PDEs, and the quadrant must match or @sp does
 * not cover this part of the table at all.
 */
static unsigned int get_written_sptes(const struct shadow_page *sp, gpa_t gpa,
				      unsigned int *first)
{
	unsigned int offset = gpa & (PAGE_SIZE - 1);
	unsigned int n = 1;

	if (sp->role.has_4_byte_gpte) {
		unsigned int quadrant;

		offset <<= 1;
		if (sp->role.level == 2) {
			offset &= ~7u;
			offset <<= 1;
			n = 2;
		}
		quadrant = offset >> PAGE_SHIFT;
		offset &= PAGE_SIZE - 1;
		if (quadrant != sp->role.quadrant)
			return 0;
	}
	*first = offset / 8;
	return n;
}

/*
 * kvm_mmu_track_write: the CPU wrote @len bytes at @gpa, a tracked
 * guest table (the write is done). Every shadow page of that frame loses
 * the SPTEs shadowing the gptes written (they fault back in from the
 * new gptes), or, if the write looks like the frame is not a table any
 * more, the whole page.
 */
void shadow_track_write(void *opaque, gpa_t gpa, const void *bytes,
			unsigned int len)
{
	struct shadow_mmu *mmu = opaque;
	struct shadow_page *invalid = NULL, *sp;
	gfn_t gfn = gpa_to_gfn(gpa);
	unsigned int zapped = 0, flooded = 0;

	mmu->stats.emulated_writes++;
	if (!mmu->indirect_shadow_pages)
		goto out;
	for_each_gfn_indirect_sp(mmu, sp, gfn) {
		unsigned int first = 0, n;

		if (detect_write_misaligned(sp, gpa, len) ||
		    detect_write_flooding(sp)) {
			shadow_prepare_zap_page(mmu, sp, &invalid);
			flooded++;
			continue;
		}
		n = get_written_sptes(sp, gpa, &first);
		for (unsigned int i = 0; i < n; i++)
			zapped += shadow_zap_spte(mmu, sp->spt + (first + i) * 8);
	}
	mmu->stats.pte_writes_zapped += zapped;
	mmu->stats.flooded += flooded;
	shadow_commit_zap(mmu, &invalid);
	shadow_flush_if_pending(mmu);
	shadow_check_roots(mmu);
out:
	vm_emit(mmu->vm, EV_pte_write, -1, gpa, len, zapped, flooded);
}

/*
 * A tool wrote guest RAM (vm->tool_wrote): zap every shadow page of a
 * guest table in [gpa, gpa + len), synced or not, as KVM's
 * kvm_mmu_unprotect_page does, so that the next access walks the new
 * entries. The CPU writes the guest makes go through write protection
 * and shadow_track_write instead.
 */
void shadow_tool_wrote(struct vm *vm, gpa_t gpa, uint64_t len)
{
	struct shadow_mmu *mmu = vm->mmu;
	struct shadow_page *invalid = NULL, *sp;

	if (!mmu || !len || !mmu->indirect_shadow_pages)
		return;
	for (gfn_t gfn = gpa_to_gfn(gpa); gfn <= gpa_to_gfn(gpa + len - 1);
	     gfn++)
		for_each_gfn_indirect_sp(mmu, sp, gfn)
			shadow_prepare_zap_page(mmu, sp, &invalid);
	shadow_commit_zap(mmu, &invalid);
	shadow_flush_if_pending(mmu);
	shadow_check_roots(mmu);
}
