// SPDX-License-Identifier: MIT
/*
 * Shadow roots and the guest's paging registers (KVM's mmu.c:
 * mmu_alloc_shadow_roots, mmu_alloc_direct_roots, kvm_mmu_load,
 * kvm_mmu_free_roots, kvm_mmu_new_pgd with fast_pgd_switch and the
 * previous-root cache, kvm_mmu_reset_context, kvm_mmu_sync_roots).
 *
 *   4-level guest     one level-4 shadow page for the guest's PML4
 *   PAE guest         a PAE root page: PDPTE i -> the level-2 shadow page
 *                     of the guest PD that guest PDPTE i names (read at
 *                     CR3 load, as the CPU loads PDPTEs)
 *   32-bit guest      a PAE root page: PDPTE i -> the level-2 shadow page
 *                     of the guest PD with quadrant i, which shadows guest
 *                     PDEs 256i .. 256i+255 (1 GiB of linear space)
 *   paging off        a PAE root page: PDPTE i -> a direct level-2 page
 *                     for gfn i << 18 (identity, 1 GiB each)
 *
 * A root holds a root_count on its shadow pages, so they are not
 * recycled while the hardware may walk them; the previous-root cache
 * keeps three more, so a guest switching among a few address spaces
 * finds its roots ready (and only syncs them).
 */
#include <errno.h>
#include <string.h>

#include <hv/log.h>

#include "hv/mmu/shadow_internal.h"

#define X86_EFER_LME_BIT BIT(8)

struct shadow_page *shadow_pae_root_sp(struct shadow_mmu *mmu, hpa_t pae_root,
				       unsigned int i)
{
	uint64_t e = arena_read64(&mmu->vm->arena, pae_root + i * 8);

	return (e & SPTE_P) ? sptep_to_sp(mmu, spte_to_hpa(e)) : NULL;
}

static enum x86_paging_mode regs_mode(const struct x86_paging_ctx *r)
{
	return x86_paging_mode(r->cr0, r->cr4, r->efer);
}

static gpa_t regs_pgd(const struct x86_paging_ctx *r)
{
	enum x86_paging_mode mode = regs_mode(r);

	return mode == X86_PAGING_OFF ? 0 : r->cr3 & x86_paging_desc[mode].cr3_mask;
}

/* The PDPTEs a PAE guest's CR3 names, as the CPU loads them. */
static void read_pdptes(struct shadow_mmu *mmu, gpa_t pgd, uint64_t pdptes[4])
{
	for (int i = 0; i < 4; i++)
		if (vm_read_gpa(mmu->vm, pgd + i * 8, &pdptes[i], 8))
			pdptes[i] = 0;
}

/* The level-2 root pages of a PAE root, or the one level-4 page. */
static unsigned int root_sps(struct shadow_mmu *mmu, const struct shadow_root *r,
			     struct shadow_page *sp[4])
{
	unsigned int n = 0;

	if (!r->hpa)
		return 0;
	if (r->levels == 4) {
		sp[n] = sptep_to_sp(mmu, r->hpa);
		n += sp[n] != NULL;
		return n;
	}
	for (unsigned int i = 0; i < 4; i++) {
		sp[n] = shadow_pae_root_sp(mmu, r->hpa, i);
		n += sp[n] != NULL;
	}
	return n;
}

/* mmu_alloc_root: a root shadow page, held by root_count. */
static struct shadow_page *shadow_alloc_root(struct shadow_mmu *mmu, gfn_t gfn,
					     union shadow_role role)
{
	struct shadow_page *sp = shadow_get_page(mmu, gfn, role);

	if (sp)
		sp->root_count++;
	return sp;
}

/*
 * mmu_alloc_shadow_roots / mmu_alloc_direct_roots for the registers in
 * mmu->regs, into @r. Returns 0 or -ENOMEM.
 */
static int shadow_build_root(struct shadow_mmu *mmu, struct shadow_root *r)
{
	enum x86_paging_mode mode = regs_mode(&mmu->regs);
	union shadow_role role = shadow_root_role(&mmu->regs);
	struct shadow_page *sp;

	memset(r, 0, sizeof(*r));
	r->role = role;
	r->pgd = regs_pgd(&mmu->regs);
	if (mode == X86_PAGING_4LEVEL) {
		sp = shadow_alloc_root(mmu, gpa_to_gfn(r->pgd), role);
		if (!sp)
			return -ENOMEM;
		r->hpa = sp->spt;
		r->levels = 4;
		return 0;
	}
	r->hpa = arena_alloc_table(&mmu->vm->arena);
	if (!r->hpa)
		return -ENOMEM;
	r->levels = 3;
	if (mode == X86_PAGING_PAE)
		read_pdptes(mmu, r->pgd, r->pdptes);
	for (unsigned int i = 0; i < 4; i++) {
		union shadow_role qrole = role;
		gfn_t gfn;

		if (mode == X86_PAGING_OFF) {
			gfn = (gfn_t)i << (30 - PAGE_SHIFT);
		} else if (mode == X86_PAGING_32) {
			gfn = gpa_to_gfn(r->pgd);
			qrole.quadrant = i;
		} else {
			if (!(r->pdptes[i] & X86_PTE_P))
				continue;
			gfn = gpa_to_gfn(r->pdptes[i] & X86_PTE64_ADDR);
		}
		sp = shadow_alloc_root(mmu, gfn, qrole);
		if (!sp)
			return -ENOMEM;
		/* The PAE root is not a shadow page: no setter, no parents. */
		arena_write64(&mmu->vm->arena, r->hpa + i * 8,
			      spte_mk_pdpte(sp->spt));
	}
	return 0;
}

/*
 * mmu_free_root_page: let go of a root. Its pages stay in the hash for
 * the next time (a root that was zapped while in use goes now).
 */
static void shadow_put_root(struct shadow_mmu *mmu, struct shadow_root *r)
{
	struct shadow_page *invalid = NULL, *sp[4];
	unsigned int n = root_sps(mmu, r, sp);

	for (unsigned int i = 0; i < n; i++)
		if (!HV_WARN_ON_ONCE(!sp[i]->root_count) &&
		    !--sp[i]->root_count && sp[i]->role.invalid)
			shadow_prepare_zap_page(mmu, sp[i], &invalid);
	if (r->levels == 3 && r->hpa)
		arena_free_table(&mmu->vm->arena, r->hpa);
	memset(r, 0, sizeof(*r));
	shadow_commit_zap(mmu, &invalid);
}

static void shadow_program_hw(struct shadow_mmu *mmu)
{
	if (!mmu->hw)
		return;
	mmu->hw->shadow_root = mmu->root.hpa;
	mmu->hw->shadow_levels = mmu->root.levels;
}

void shadow_free_roots(struct shadow_mmu *mmu, bool all)
{
	shadow_put_root(mmu, &mmu->root);
	if (all)
		for (int i = 0; i < SHADOW_PREV_ROOTS; i++)
			shadow_put_root(mmu, &mmu->prev_roots[i]);
	shadow_program_hw(mmu);
}

/* kvm_mmu_sync_roots: the unsync pages below the current root. */
void shadow_sync_roots(struct shadow_mmu *mmu)
{
	struct shadow_page *sp[4];
	unsigned int n = root_sps(mmu, &mmu->root, sp);

	for (unsigned int i = 0; i < n; i++)
		shadow_sync_children(mmu, sp[i]);
}

int shadow_mmu_load(struct shadow_mmu *mmu)
{
	int ret;

	if (mmu->root.hpa)
		return 0;
	shadow_make_pages_available(mmu);
	ret = shadow_build_root(mmu, &mmu->root);
	if (ret) {
		shadow_put_root(mmu, &mmu->root);
		shadow_program_hw(mmu);
		return ret;
	}
	mmu->stats.root_loads++;
	vm_emit(mmu->vm, EV_new_pgd, -1, mmu->root.pgd, mmu->root.hpa,
		mmu->root.role.word, 0);
	shadow_program_hw(mmu);
	shadow_sync_roots(mmu);
	return 0;
}

static bool root_is_invalid(struct shadow_mmu *mmu, const struct shadow_root *r)
{
	struct shadow_page *sp[4];
	unsigned int n = root_sps(mmu, r, sp);

	for (unsigned int i = 0; i < n; i++)
		if (sp[i]->role.invalid)
			return true;
	return false;
}

/* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS, then kvm_mmu_load. */
int shadow_check_roots(struct shadow_mmu *mmu)
{
	for (int i = 0; i < SHADOW_PREV_ROOTS; i++)
		if (root_is_invalid(mmu, &mmu->prev_roots[i]))
			shadow_put_root(mmu, &mmu->prev_roots[i]);
	if (root_is_invalid(mmu, &mmu->root))
		shadow_put_root(mmu, &mmu->root);
	return shadow_mmu_load(mmu);
}

/* is_root_usable: built for this CR3, these registers, these PDPTEs. */
static bool root_matches(struct shadow_mmu *mmu, const struct shadow_root *r,
			 gpa_t pgd, union shadow_role role,
			 const uint64_t pdptes[4])
{
	return r->hpa && r->pgd == pgd && r->role.word == role.word &&
	       !memcmp(r->pdptes, pdptes, sizeof(r->pdptes)) &&
	       !root_is_invalid(mmu, r);
}

/*
 * kvm_mmu_new_pgd with fast_pgd_switch: the guest loaded CR3. Rotate
 * the current root into the cache while looking for one built for the
 * new CR3 (cached_root_find_and_keep_current); on a miss the least
 * recently used root falls out. Either way the root's unsync pages are
 * synced, because a CR3 load is when the guest expects its table
 * changes to be seen.
 */
static void shadow_new_pgd(struct shadow_mmu *mmu)
{
	gpa_t pgd = regs_pgd(&mmu->regs);
	union shadow_role role = shadow_root_role(&mmu->regs);
	uint64_t pdptes[4] = { 0 };
	bool hit = false;

	if (regs_mode(&mmu->regs) == X86_PAGING_PAE)
		read_pdptes(mmu, pgd, pdptes);
	if (root_matches(mmu, &mmu->root, pgd, role, pdptes)) {
		shadow_sync_roots(mmu);
		return;
	}
	mmu->stats.root_switches++;
	if (mmu->prev_roots_enabled) {
		for (int i = 0; i < SHADOW_PREV_ROOTS && !hit; i++) {
			struct shadow_root t = mmu->root;

			mmu->root = mmu->prev_roots[i];
			mmu->prev_roots[i] = t;
			hit = root_matches(mmu, &mmu->root, pgd, role, pdptes);
		}
	}
	if (hit) {
		mmu->stats.prev_root_hits++;
		vm_emit(mmu->vm, EV_new_pgd, -1, pgd, mmu->root.hpa, role.word, 1);
		shadow_program_hw(mmu);
		shadow_sync_roots(mmu);
		return;
	}
	shadow_put_root(mmu, &mmu->root);
	shadow_mmu_load(mmu);
}

/* kvm_mmu_reset_context: a new paging mode means new roots everywhere. */
static void shadow_reset_context(struct shadow_mmu *mmu)
{
	mmu->stats.resets++;
	shadow_free_roots(mmu, true);
	shadow_mmu_load(mmu);
}

/* Do these registers change what the shadow must look like? */
static bool regs_need_reset(const struct x86_paging_ctx *a,
			    const struct x86_paging_ctx *b)
{
	return regs_mode(a) != regs_mode(b) ||
	       shadow_root_role(a).word != shadow_root_role(b).word ||
	       ((a->cr4 ^ b->cr4) & X86_CR4_PSE);
}

void shadow_set_regs(struct shadow_mmu *mmu, const struct x86_paging_ctx *ctx)
{
	struct x86_paging_ctx old = mmu->regs;

	mmu->regs = *ctx;
	if (regs_need_reset(&old, ctx))
		shadow_reset_context(mmu);
	else if (old.cr3 != ctx->cr3)
		shadow_new_pgd(mmu);
}

void shadow_paging_changed(void *opaque, int reg, uint64_t old, uint64_t val)
{
	struct shadow_mmu *mmu = opaque;
	struct x86_paging_ctx ctx = mmu->regs;

	switch (reg) {
	case 0:
		ctx.cr0 = val;
		/* EFER.LMA follows CR0.PG when EFER.LME is set. */
		if ((val & X86_CR0_PG) && (ctx.efer & X86_EFER_LME_BIT))
			ctx.efer |= X86_EFER_LMA;
		else if (!(val & X86_CR0_PG))
			ctx.efer &= ~X86_EFER_LMA;
		break;
	case 3:
		mmu->regs.cr3 = val;
		shadow_new_pgd(mmu);	/* also when CR3 is reloaded as is */
		return;
	case 4:
		ctx.cr4 = val;
		break;
	case X86_REG_EFER:
		ctx.efer = val;
		break;
	default:
		return;
	}
	shadow_set_regs(mmu, &ctx);
}
