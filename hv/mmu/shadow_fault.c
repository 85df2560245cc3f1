// SPDX-License-Identifier: MIT
/*
 * The shadow page fault (KVM's kvm_mmu_page_fault, FNAME(page_fault),
 * FNAME(walk_addr), FNAME(fetch), make_spte and the MMIO SPTEs).
 *
 * The hardware found no usable SPTE for a gva and exited. In order:
 *  1. Catch up with the guest's paging registers if they changed
 *     without a hook (the exit carries them), reload a zapped root.
 *  2. A reserved-bit fault on an MMIO SPTE is an MMIO access: answer
 *     from the SPTE, no guest walk (handle_mmio_page_fault).
 *  3. Walk the guest's tables as the CPU would (walk_addr): the same
 *     hardware walker the CPU uses, on the guest tables through the
 *     memslots, setting A/D bits. If the guest's tables fault, the
 *     guest gets the #PF with the error code that walk computed.
 *  4. Build the shadow path for the gva (fetch): at each level get or
 *     create the shadow page for the guest table the walk went through,
 *     its role derived from the parent's, and link it. Below a guest
 *     large page the pages are direct. Install the leaf with the guest's
 *     rights ANDed over the levels; if the target frame is a guest page
 *     table that must stay write-protected, a write is emulated
 *     (X86_XLATE_F_TRACKED).
 *
 * Shadow tables are walked with hv/pt (the fetch is a visitor, like the
 * TDP MMU's map), in one of two formats: 4-level, or the PAE layout of
 * a 4-entry root page above two 512-entry levels.
 */
#include <errno.h>
#include <stdio.h>

#include <hv/log.h>
#include <hv/pt.h>

#include "hv/mmu/shadow_internal.h"

/* --- the shadow tables as hv/pt formats ------------------------------------- */

static bool spte_fmt_present(uint64_t e)
{
	return e & SPTE_P;
}

static bool spte_fmt_leaf(uint64_t e, unsigned int depth)
{
	return false;	/* no large SPTEs: only the last level maps */
}

static uint64_t spte_fmt_oa(uint64_t e, unsigned int depth)
{
	return spte_to_hpa(e);
}

static uint32_t spte_fmt_perms(uint64_t e, unsigned int depth)
{
	return WALK_P_READ | ((e & SPTE_W) ? WALK_P_WRITE : 0) |
	       ((e & SPTE_U) ? WALK_P_USER : 0) |
	       ((e & SPTE_XD) ? 0 : WALK_P_EXEC);
}

static uint64_t spte_fmt_mk_table(hpa_t table)
{
	return spte_mk_table(table);
}

static int spte_fmt_describe(uint64_t e, unsigned int depth, char *buf,
			     size_t size)
{
	if (is_mmio_spte(e))
		return snprintf(buf, size, "MMIO gfn %#llx",
				(unsigned long long)mmio_spte_gfn(e));
	return snprintf(buf, size, "%s%s%s%s%s%s", (e & SPTE_W) ? "W" : "R",
			(e & SPTE_U) ? " U" : "", (e & SPTE_XD) ? " XD" : "",
			(e & SPTE_G) ? " G" : "", (e & SPTE_D) ? " D" : "",
			(e & SPTE_MMU_WRITABLE) && !(e & SPTE_W) ? " wrprot" : "");
}

/* Both layouts read the same 64-bit SPTEs. */
#define SPTE_FMT_OPS							\
	.present = spte_fmt_present, .leaf = spte_fmt_leaf,		\
	.oa = spte_fmt_oa, .perms = spte_fmt_perms,			\
	.mk_table = spte_fmt_mk_table, .describe = spte_fmt_describe

const struct pt_format shadow_spte4_format = {
	.name = "shadow-4level",
	.depth = 4,
	.root_pages = 1,
	.lvl = {
		{ .level = 4, .shift = 39, .bits = 9, .name = "PML4E" },
		{ .level = 3, .shift = 30, .bits = 9, .name = "PDPTE" },
		{ .level = 2, .shift = 21, .bits = 9, .name = "PDE" },
		{ .level = 1, .shift = 12, .bits = 9, .name = "PTE" },
	},
	SPTE_FMT_OPS,
};

const struct pt_format shadow_spte_pae_format = {
	.name = "shadow-pae",
	.depth = 3,
	.root_pages = 1,
	.lvl = {
		{ .level = 3, .shift = 30, .bits = 2, .name = "PDPTE" },
		{ .level = 2, .shift = 21, .bits = 9, .name = "PDE" },
		{ .level = 1, .shift = 12, .bits = 9, .name = "PTE" },
	},
	SPTE_FMT_OPS,
};

void shadow_root_table(struct shadow_mmu *mmu, const struct shadow_root *r,
		       struct pt_table *pt)
{
	pt->fmt = r->levels == 4 ? &shadow_spte4_format : &shadow_spte_pae_format;
	pt->mm = &pt_arena_mm_ops;
	pt->mm_arg = &mmu->vm->arena;
	pt->root = r->hpa;
}

int shadow_mmu_dump(struct shadow_mmu *mmu, gva_t start, gva_t end, char *buf,
		    size_t size)
{
	struct pt_table pt;
	uint64_t len = (end && end > start) ? end - start : UINT64_MAX - start;

	if (!mmu->root.hpa)
		return snprintf(buf, size, "no shadow root\n");
	shadow_root_table(mmu, &mmu->root, &pt);
	return (int)pt_dump_buf(&pt, start, len, buf, size);
}

/* --- SPTEs ------------------------------------------------------------------ */

unsigned int shadow_gpte_access(uint64_t gpte, bool nx)
{
	return ((gpte & X86_PTE_US) ? ACC_USER : 0) |
	       ((gpte & X86_PTE_RW) ? ACC_WRITE : 0) |
	       ((nx && (gpte & X86_PTE_XD)) ? 0 : ACC_EXEC);
}

/*
 * make_spte. A and MMU_PRESENT always; U, XD from @access; G from the
 * guest leaf. W is where shadowing bites: a frame that is a shadowed
 * guest table gets W only if all its shadow pages can go unsync
 * (shadow_try_to_unsync_pages); otherwise the SPTE stays read-only
 * (MMU_WRITABLE remembers it could be writable) and *@wrprot says so.
 * A read-only memslot never gives W.
 */
uint64_t shadow_make_spte(struct shadow_mmu *mmu, struct shadow_page *sp,
			  unsigned int access, gfn_t gfn, hpa_t hpa,
			  uint64_t gpte, bool can_unsync, bool *wrprot)
{
	const struct memslot *slot = memslot_find(&mmu->vm->slots, gfn);
	uint64_t spte = SPTE_P | SPTE_MMU_PRESENT | SPTE_A | (hpa & SPTE_ADDR);

	*wrprot = false;
	if (!(access & ACC_EXEC))
		spte |= SPTE_XD;
	if (access & ACC_USER)
		spte |= SPTE_U;
	if (gpte & X86_PTE_G)
		spte |= SPTE_G;
	if ((access & ACC_WRITE) && slot && !(slot->flags & MEMSLOT_READONLY)) {
		spte |= SPTE_MMU_WRITABLE;
		if (shadow_try_to_unsync_pages(mmu, gfn, can_unsync))
			*wrprot = true;
		else
			spte |= SPTE_W | SPTE_D;
	}
	return spte;
}

/* --- fetch ------------------------------------------------------------------ */

/* What the guest walk found, per guest level (KVM's struct guest_walker). */
struct shadow_fetch {
	struct shadow_mmu *mmu;
	gva_t gva;
	uint32_t pferr;
	gfn_t gfn;			/* the frame the gva maps */
	hpa_t hpa;			/* its page */
	bool mmio;			/* not RAM */
	int direct_level;		/* shadow levels <= this get direct
					   children: the guest leaf level for
					   a large page, 5 with paging off */
	gfn_t table_gfn[5];		/* guest table holding the level-L gpte */
	uint64_t gpte[5];		/* the gpte at level L (after A/D) */
	unsigned int pt_access[5];	/* ACC_* ANDed from the root through L */
	unsigned int pte_access;	/* ... through the guest leaf */
	uint64_t leaf_gpte;
	int result;			/* X86_XLATE_OK or _MMIO */
	uint32_t flags;			/* X86_XLATE_F_TRACKED */
};

/*
 * FNAME(walk_addr)'s record, read back from the walk record of the
 * hardware walker (one step per guest level, entries after A/D).
 */
static void fetch_from_walk(struct shadow_fetch *d, const struct walk_record *rec,
			    const struct x86_paging_ctx *ctx)
{
	enum x86_paging_mode mode = x86_paging_mode(ctx->cr0, ctx->cr4, ctx->efer);
	bool nx = mode != X86_PAGING_32 && (ctx->efer & X86_EFER_NXE);
	unsigned int acc = ACC_ALL;
	int leaf = 1;

	for (unsigned int i = 0; i < rec->nsteps; i++) {
		const struct walk_step *s = &rec->step[i];
		int l = s->level;

		if (s->table != WALK_GUEST || l < 1 || l > 4)
			continue;
		d->table_gfn[l] = gpa_to_gfn(s->table_addr);
		d->gpte[l] = s->entry;
		/* A PAE PDPTE has no rights bits. */
		if (!(mode == X86_PAGING_PAE && l == 3))
			acc &= shadow_gpte_access(s->entry, nx);
		d->pt_access[l] = acc;
		leaf = l;
	}
	d->leaf_gpte = d->gpte[leaf];
	/*
	 * FNAME(protect_clean_gpte): while the guest's D is clear the
	 * mapping is not writable (a write walk has just set D), so the
	 * first write faults and the walk sets D. This is part of the
	 * access of a direct page too, so a clean and a dirty large page
	 * never share one.
	 */
	if (mode != X86_PAGING_OFF && !(d->leaf_gpte & X86_PTE_D))
		acc &= ~ACC_WRITE;
	d->pte_access = acc;
	d->direct_level = mode == X86_PAGING_OFF ? 5 : leaf > 1 ? leaf : 0;
}

/*
 * The leaf (the end of FNAME(fetch) and mmu_set_spte), with the rights
 * fetch_from_walk and shadow_page_fault worked out.
 */
static int fetch_set_leaf(struct shadow_fetch *d, struct shadow_page *sp,
			  hpa_t sptep, uint64_t old)
{
	struct shadow_mmu *mmu = d->mmu;
	bool write = d->pferr & PFERR_WRITE;
	unsigned int access = d->pte_access;
	uint64_t new;
	bool wrprot;

	if (d->mmio) {
		new = spte_mk_mmio(d->gfn, access);
		if (new != old)
			shadow_spte_set(mmu, sptep, new, d->gfn);
		vm_emit(mmu->vm, EV_mark_mmio_spte, 1, d->gva, d->gfn, access, 0);
		d->result = X86_XLATE_MMIO;
		return 0;
	}
	new = shadow_make_spte(mmu, sp, access, d->gfn, d->hpa, d->leaf_gpte,
			       true, &wrprot);
	if (new != old)
		shadow_spte_set(mmu, sptep, new, d->gfn);
	if (write && wrprot)
		d->flags |= X86_XLATE_F_TRACKED;
	d->result = X86_XLATE_OK;
	mmu->stats.fixed++;
	return 0;
}

/* The result of the fetch visitor when the PAE root lacks a quarter. */
#define FETCH_RELOAD 1

/*
 * FNAME(fetch) as a visitor over the shadow path of one gva. Above the
 * leaf: an entry that links nothing gets the child page (indirect for
 * the guest table the walk went through, direct below a guest large
 * page) and the walker descends into it; a present link is trusted
 * (kvm_mmu_get_child_sp's -EEXIST: the guest cannot change the gpte
 * behind it without a write we see), except that a direct child with
 * other rights is replaced (validate_direct_spte). Every page on the
 * path has its write-flooding count reset: it is in use as a table.
 */
static int fetch_visitor(const struct pt_visit_ctx *ctx)
{
	struct shadow_fetch *d = ctx->arg;
	struct shadow_mmu *mmu = d->mmu;
	struct shadow_page *sp = sptep_to_sp(mmu, ctx->ptep), *child;
	int level = ctx->level;
	bool direct = level <= d->direct_level;
	unsigned int access = direct ? d->pte_access : d->pt_access[level];
	union shadow_role role;
	gfn_t gfn;

	if (!sp)	/* a PDPTE of a PAE root: made by shadow_mmu_load */
		return ctx->visit == PT_WALK_LEAF ? FETCH_RELOAD : 0;
	sp->write_flooding_count = 0;
	if (level == 1)
		return fetch_set_leaf(d, sp, ctx->ptep, ctx->old);
	if (ctx->visit == PT_WALK_TABLE_PRE) {
		child = spte_to_child_sp(mmu, ctx->old);
		if (!direct || (child && child->role.direct &&
				child->role.access == access))
			return 0;
		shadow_zap_spte(mmu, ctx->ptep);
	} else if (ctx->old) {
		shadow_zap_spte(mmu, ctx->ptep);	/* stale MMIO or junk */
	}
	role = shadow_child_role(sp->role, ctx->index, direct, access);
	gfn = direct ? d->gfn & ~((1ull << (9 * (level - 1))) - 1)
		     : d->table_gfn[level - 1];
	child = shadow_get_page(mmu, gfn, role);
	if (!child)
		return -ENOMEM;
	/*
	 * An existing directory may have unsync pages below it that fell
	 * behind the guest while it was not linked here. The guest owes no
	 * INVLPG for a gpte that goes from not present to present, so they
	 * must be synced before the link makes them reachable (a last-level
	 * page was already synced by shadow_get_page).
	 */
	if (child->unsync_children)
		shadow_sync_children(mmu, child);
	shadow_link_page(mmu, ctx->ptep, child);
	return 0;
}

static int shadow_fetch(struct shadow_mmu *mmu, struct shadow_fetch *d)
{
	struct pt_table pt;
	struct pt_walker walker = {
		.cb = fetch_visitor,
		.arg = d,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE,
	};
	uint64_t addr = shadow_pt_addr(&mmu->root, d->gva);
	int ret;

	shadow_root_table(mmu, &mmu->root, &pt);
	ret = pt_walk(&pt, addr & PAGE_MASK, PAGE_SIZE, &walker);
	if (ret == FETCH_RELOAD) {
		/* The PDPTEs changed since CR3 was loaded: take them now. */
		shadow_free_roots(mmu, false);
		ret = shadow_mmu_load(mmu);
		return ret < 0 ? ret : X86_XLATE_OK;
	}
	return ret < 0 ? ret : d->result;
}

/* --- MMIO fast path ----------------------------------------------------------- */

/*
 * handle_mmio_page_fault: the hardware hit an MMIO SPTE (reserved bit
 * 51). If the rights the guest's walk gave when the SPTE was made allow
 * this access, it is MMIO at the remembered gfn; otherwise take the
 * slow path, whose guest walk produces the right #PF.
 */
static bool shadow_mmio_fast(struct shadow_mmu *mmu,
			     const struct x86_paging_ctx *ctx, gva_t gva,
			     uint32_t pferr, struct x86_shadow_fault *f)
{
	struct pt_table pt;
	uint64_t spte = 0;
	unsigned int access;
	uint32_t perms;

	shadow_root_table(mmu, &mmu->root, &pt);
	if (!pt_lookup(&pt, shadow_pt_addr(&mmu->root, gva), &spte, NULL) ||
	    !is_mmio_spte(spte))
		return false;
	access = mmio_spte_access(spte);
	perms = WALK_P_READ | ((access & ACC_WRITE) ? WALK_P_WRITE : 0) |
		((access & ACC_USER) ? WALK_P_USER : 0) |
		((access & ACC_EXEC) ? WALK_P_EXEC : 0);
	if (x86_hw_check_perms(ctx, perms, pferr & (PFERR_WRITE | PFERR_FETCH |
						  X86_ACC_IMPLICIT)))
		return false;
	f->gpa = gfn_to_gpa(mmio_spte_gfn(spte)) | (gva & ~PAGE_MASK);
	vm_emit(mmu->vm, EV_handle_mmio_page_fault, -1, gva,
		mmio_spte_gfn(spte), access, 0);
	return true;
}

/* --- the exit handler ------------------------------------------------------------ */

int shadow_page_fault(void *opaque, const struct x86_paging_ctx *ctx,
		      gva_t gva, uint32_t pferr, struct x86_shadow_fault *f)
{
	struct shadow_mmu *mmu = opaque;
	struct shadow_fetch d = { .mmu = mmu, .gva = gva, .pferr = pferr };
	struct x86_xlate xo = { 0 };
	int ret;

	mmu->stats.faults++;
	vm_emit(mmu->vm, EV_shadow_page_fault, -1, gva, pferr, 0, 0);
	if (ctx->cr0 != mmu->regs.cr0 || ctx->cr3 != mmu->regs.cr3 ||
	    ctx->cr4 != mmu->regs.cr4 || ctx->efer != mmu->regs.efer)
		shadow_set_regs(mmu, ctx);
	ret = shadow_check_roots(mmu);
	if (ret)
		return ret;

	if ((pferr & PFERR_RSVD) && shadow_mmio_fast(mmu, ctx, gva, pferr, f)) {
		mmu->stats.mmio_faults++;
		return X86_XLATE_MMIO;
	}

	ret = x86_hw_translate(&mmu->guest_hw, ctx, gva,
			       pferr & (PFERR_WRITE | PFERR_FETCH | X86_ACC_IMPLICIT),
			       &xo, NULL);
	if (ret < 0)
		return ret;
	if (ret == X86_XLATE_PF) {
		mmu->stats.guest_faults++;
		f->inject_pferr = xo.pferr;
		return X86_XLATE_PF;
	}
	d.gfn = gpa_to_gfn(xo.gpa);
	d.hpa = xo.hpa & PAGE_MASK;
	d.mmio = ret == X86_XLATE_MMIO;
	fetch_from_walk(&d, &mmu->guest_hw.last_walk, ctx);
	/*
	 * CR0.WP=0, emulated as KVM does (the hardware runs with WP=1): a
	 * supervisor write to a read-only page gets a writable but
	 * supervisor-only mapping (and not executable under SMEP), so user
	 * accesses still fault. It is part of the access of a direct page,
	 * like any other right. Never for MMIO: the SPTE caches rights.
	 */
	if ((pferr & PFERR_WRITE) && !(d.pte_access & ACC_WRITE) &&
	    !(pferr & PFERR_USER) && !(ctx->cr0 & X86_CR0_WP) && !d.mmio) {
		d.pte_access |= ACC_WRITE;
		d.pte_access &= ~ACC_USER;
		if (ctx->cr4 & X86_CR4_SMEP)
			d.pte_access &= ~ACC_EXEC;
	}

	shadow_make_pages_available(mmu);
	ret = shadow_check_roots(mmu);
	/*
	 * A PAE root holds the PDPTEs of the last CR3 load. If the guest
	 * walk went through another PD (the guest rewrote a PDPTE and the
	 * walker reads memory), take the PDPTEs again before building.
	 */
	if (!ret && mmu->root.levels == 3 &&
	    x86_paging_mode(ctx->cr0, ctx->cr4, ctx->efer) == X86_PAGING_PAE) {
		struct shadow_page *rsp =
			shadow_pae_root_sp(mmu, mmu->root.hpa, (gva >> 30) & 3);

		if (!rsp || rsp->gfn != d.table_gfn[2]) {
			shadow_free_roots(mmu, false);
			ret = shadow_mmu_load(mmu);
		}
	}
	if (!ret)
		ret = shadow_fetch(mmu, &d);
	shadow_flush_if_pending(mmu);
	if (ret == X86_XLATE_MMIO) {
		mmu->stats.mmio_faults++;
		f->gpa = xo.gpa;
		return X86_XLATE_MMIO;
	}
	f->flags = d.flags;
	return ret;
}
