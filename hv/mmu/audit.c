// SPDX-License-Identifier: MIT
/*
 * `mmu audit`: the shadow tables checked against the guest's (in the
 * spirit of KVM's old mmu_audit.c). The tests call the same function.
 *
 * For every root (the current one and the cached ones) and every SPTE
 * in it that maps something:
 *   translation  the guest walk of that gva (no A/D, no events),
 *                composed with the memslots, reaches the same host page;
 *                an MMIO SPTE's gfn is the walk's, and is not RAM
 *   rights       no wider than the guest's: U only if the guest allows
 *                user access, X only if it allows execution, W only if
 *                it allows writes and its D is set (or CR0.WP=0 made a
 *                supervisor-only writable SPTE)
 *   protection   a writable SPTE never maps a guest table unless every
 *                shadow page of that table is unsync (and none is a
 *                directory)
 *   bookkeeping  the SPTE is in its gfn's rmap; a link is in the child's
 *                parent list; a child with unsync pages below has its
 *                bit set in the parent, and unsync_children counts bits
 * SPTEs of unsync pages are allowed to lag behind the guest (that is
 * what unsync means), so their translation is not compared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/pt.h>

#include "hv/mmu/shadow_internal.h"

struct audit {
	struct shadow_mmu *mmu;
	const struct shadow_root *root;
	struct x86_paging_ctx ctx;	/* the guest registers of this root */
	bool compare;			/* the guest walk can be compared */
	char *report;
	size_t size, len;
	int violations;
	struct walk_record rec;
};

static void audit_fail(struct audit *a, const char *fmt, ...)
{
	va_list ap;

	a->violations++;
	if (!a->report || a->len + 1 >= a->size)
		return;
	va_start(ap, fmt);
	a->len += (size_t)vsnprintf(a->report + a->len, a->size - a->len, fmt, ap);
	va_end(ap);
	if (a->len >= a->size)
		a->len = a->size - 1;
}

static bool pte_list_has(const struct pte_list *l, hpa_t sptep)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (l->sptep[i] == sptep)
			return true;
	return false;
}

/* A link: the child knows its parent, and the unsync bits agree. */
static void audit_link(struct audit *a, struct shadow_page *sp,
		       const struct pt_visit_ctx *ctx)
{
	struct shadow_mmu *mmu = a->mmu;
	struct shadow_page *child = spte_to_child_sp(mmu, ctx->old);
	bool bit = sp->unsync_child_bitmap[ctx->index / 64] &
		   (1ull << (ctx->index % 64));

	if (!child) {
		audit_fail(a, "sptep %#llx links %#llx, not a shadow page\n",
			   (unsigned long long)ctx->ptep,
			   (unsigned long long)spte_to_hpa(ctx->old));
		return;
	}
	if (!pte_list_has(&child->parent_ptes, ctx->ptep))
		audit_fail(a, "sptep %#llx missing from the parents of gfn %#llx\n",
			   (unsigned long long)ctx->ptep,
			   (unsigned long long)child->gfn);
	if ((child->unsync || child->unsync_children) && !bit)
		audit_fail(a, "sptep %#llx: unsync child gfn %#llx, bit clear\n",
			   (unsigned long long)ctx->ptep,
			   (unsigned long long)child->gfn);
	if (child->role.level != sp->role.level - 1 || child->role.invalid)
		audit_fail(a, "sptep %#llx: child gfn %#llx has role %#x\n",
			   (unsigned long long)ctx->ptep,
			   (unsigned long long)child->gfn, child->role.word);
}

/* A leaf: translation, rights, protection, rmap. */
static void audit_leaf(struct audit *a, struct shadow_page *sp,
		       const struct pt_visit_ctx *ctx)
{
	struct shadow_mmu *mmu = a->mmu;
	uint64_t spte = ctx->old;
	gva_t gva = shadow_pt_gva(a->root, ctx->addr & PAGE_MASK);
	gfn_t gfn = shadow_page_get_gfn(sp, ctx->index);
	struct x86_xlate xo = { 0 };
	struct shadow_page *gsp;
	hfn_t hfn;
	int ret;

	if (is_shadow_present_pte(spte)) {
		if (memslot_gfn_to_hfn(&mmu->vm->slots, gfn, &hfn) &&
		    hfn_to_hpa(hfn) != spte_to_hpa(spte))
			audit_fail(a, "gva %#llx: SPTE hpa %#llx, gfn %#llx is at %#llx\n",
				   (unsigned long long)gva,
				   (unsigned long long)spte_to_hpa(spte),
				   (unsigned long long)gfn,
				   (unsigned long long)hfn_to_hpa(hfn));
		if (!pte_list_has(shadow_rmap_of(mmu, gfn), ctx->ptep))
			audit_fail(a, "gva %#llx: sptep %#llx not in the rmap of gfn %#llx\n",
				   (unsigned long long)gva,
				   (unsigned long long)ctx->ptep,
				   (unsigned long long)gfn);
	}
	if (is_writable_pte(spte)) {
		if (shadow_write_track_count(mmu, gfn))
			audit_fail(a, "gva %#llx: writable SPTE maps gfn %#llx, a guest directory\n",
				   (unsigned long long)gva, (unsigned long long)gfn);
		for_each_gfn_indirect_sp(mmu, gsp, gfn)
			if (!gsp->unsync)
				audit_fail(a, "gva %#llx: writable SPTE maps gfn %#llx, a synced guest table (role %#x)\n",
					   (unsigned long long)gva,
					   (unsigned long long)gfn, gsp->role.word);
	}
	if (!a->compare || sp->unsync)
		return;

	ret = x86_hw_translate(&mmu->guest_hw, &a->ctx, gva, X86_ACC_PEEK, &xo,
			       &a->rec);
	if (ret == X86_XLATE_PF) {
		audit_fail(a, "gva %#llx: SPTE %#llx but the guest walk faults (%s)\n",
			   (unsigned long long)gva, (unsigned long long)spte,
			   a->rec.why ? a->rec.why : "?");
		return;
	}
	if (gpa_to_gfn(xo.gpa) != gfn)
		audit_fail(a, "gva %#llx: SPTE maps gfn %#llx, the guest gfn %#llx\n",
			   (unsigned long long)gva, (unsigned long long)gfn,
			   (unsigned long long)gpa_to_gfn(xo.gpa));
	if (is_mmio_spte(spte)) {
		if (ret != X86_XLATE_MMIO || mmio_spte_gfn(spte) != gfn)
			audit_fail(a, "gva %#llx: MMIO SPTE for gfn %#llx is RAM or stale\n",
				   (unsigned long long)gva, (unsigned long long)gfn);
		return;
	}
	if ((spte & SPTE_U) && !(xo.perms & WALK_P_USER))
		audit_fail(a, "gva %#llx: SPTE allows user, the guest does not\n",
			   (unsigned long long)gva);
	if (!(spte & SPTE_XD) && !(xo.perms & WALK_P_EXEC))
		audit_fail(a, "gva %#llx: SPTE allows execute, the guest does not\n",
			   (unsigned long long)gva);
	if (is_writable_pte(spte)) {
		bool wp_trick = !(a->ctx.cr0 & X86_CR0_WP) && !(spte & SPTE_U);

		if (!(xo.perms & WALK_P_WRITE) && !wp_trick)
			audit_fail(a, "gva %#llx: SPTE allows write, the guest does not\n",
				   (unsigned long long)gva);
		if (!(xo.perms & WALK_P_DIRTY) &&
		    x86_paging_mode(a->ctx.cr0, a->ctx.cr4, a->ctx.efer) != X86_PAGING_OFF)
			audit_fail(a, "gva %#llx: writable SPTE %#llx (sp gfn %#llx role %#x [%u]), guest D clear\n",
				   (unsigned long long)gva, (unsigned long long)spte,
				   (unsigned long long)sp->gfn, sp->role.word, ctx->index);
	}
}

static int audit_visitor(const struct pt_visit_ctx *ctx)
{
	struct audit *a = ctx->arg;
	struct shadow_page *sp = sptep_to_sp(a->mmu, ctx->ptep);

	if (!sp)	/* a PDPTE of a PAE root */
		return 0;
	if (ctx->visit == PT_WALK_TABLE_PRE) {
		audit_link(a, sp, ctx);
		return 0;
	}
	if (!ctx->old)
		return 0;
	if (sp->role.level != 1) {
		audit_fail(a, "sptep %#llx: level-%u entry %#llx is not a link\n",
			   (unsigned long long)ctx->ptep, sp->role.level,
			   (unsigned long long)ctx->old);
		return 0;
	}
	audit_leaf(a, sp, ctx);
	return 0;
}

/* unsync_children equals the bits set, for every live page. */
static void audit_pages(struct audit *a)
{
	struct shadow_mmu *mmu = a->mmu;

	for (unsigned int b = 0; b < (1u << SHADOW_HASH_BITS); b++)
		for (struct shadow_page *sp = mmu->hash[b]; sp; sp = sp->hash_next) {
			unsigned int bits = 0;

			for (int w = 0; w < SPTE_ENT_PER_PAGE / 64; w++)
				bits += (unsigned int)__builtin_popcountll(sp->unsync_child_bitmap[w]);
			if (bits != sp->unsync_children)
				audit_fail(a, "gfn %#llx role %#x: unsync_children %u, %u bits\n",
					   (unsigned long long)sp->gfn, sp->role.word,
					   sp->unsync_children, bits);
			if (sp->unsync && (sp->role.level != 1 || sp->role.direct))
				audit_fail(a, "gfn %#llx role %#x is unsync\n",
					   (unsigned long long)sp->gfn, sp->role.word);
		}
}

static void audit_root(struct audit *a, const struct shadow_root *r)
{
	struct pt_table pt;
	struct pt_walker walker = {
		.cb = audit_visitor,
		.arg = a,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE,
	};

	if (!r->hpa)
		return;
	a->root = r;
	a->ctx = a->mmu->regs;
	a->ctx.cpl = 0;
	a->ctx.cr4 &= ~(X86_CR4_SMEP | X86_CR4_SMAP);
	a->ctx.cr3 = (a->ctx.cr3 & ~x86_paging_desc[x86_paging_mode(
		a->ctx.cr0, a->ctx.cr4, a->ctx.efer)].cr3_mask) | r->pgd;
	a->compare = r->role.word == shadow_root_role(&a->mmu->regs).word;
	if (a->compare && r->levels == 3 &&
	    x86_paging_mode(a->ctx.cr0, a->ctx.cr4, a->ctx.efer) == X86_PAGING_PAE) {
		/* A PAE root keeps the PDPTEs of its CR3 load; if the guest
		   rewrote them since, the CPU would still use the old ones. */
		uint64_t pdptes[4] = { 0 };

		vm_read_gpa(a->mmu->vm, r->pgd, pdptes, sizeof(pdptes));
		a->compare = !memcmp(pdptes, r->pdptes, sizeof(pdptes));
	}
	shadow_root_table(a->mmu, r, &pt);
	pt_walk(&pt, 0, r->levels == 4 ? UINT64_MAX : 4 * GiB, &walker);
}

int shadow_mmu_audit(struct shadow_mmu *mmu, char *report, size_t size)
{
	struct audit *a = calloc(1, sizeof(*a));
	int n;

	if (!a)
		return -1;
	a->mmu = mmu;
	a->report = report;
	a->size = size;
	if (report && size)
		report[0] = '\0';
	audit_root(a, &mmu->root);
	for (int i = 0; i < SHADOW_PREV_ROOTS; i++)
		audit_root(a, &mmu->prev_roots[i]);
	audit_pages(a);
	n = a->violations;
	free(a);
	return n;
}
