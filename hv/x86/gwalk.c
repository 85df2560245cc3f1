// SPDX-License-Identifier: MIT
/*
 * The x86 hardware page walker: what the silicon does on a TLB miss.
 *
 * It walks the guest's own tables (paging.h describes them, mode by
 * mode) and, when EPT is on, translates every guest table reference and
 * the final gpa through the EPT tables (ept.c): the two-dimensional walk.
 * For 4-level guest paging under 4-level EPT with 4 KiB EPT pages that
 * is 24 memory references:
 *
 *     for each guest level L = 4..1:   4 EPT entries (table gpa -> hpa)
 *                                      1 guest entry (at that hpa)
 *     then the final gpa:              4 EPT entries
 *
 * The order of the work, as the SDM describes it (vol. 3A 4.5-4.8):
 *  1. Read the entry for each level from the root down. A non-present
 *     entry is a #PF with P=0; a present entry with a reserved bit set
 *     is a #PF with P=1 and RSVD=1. Either ends the walk.
 *  2. Accumulate rights: R/W and U/S are ANDed, XD is ORed (when
 *     EFER.NXE), PAE PDPTEs take no part.
 *  3. At the leaf, check the access against the rights (U/S, R/W with
 *     CR0.WP, XD, SMEP, SMAP with EFLAGS.AC). A violation is a #PF with
 *     P=1.
 *  4. Only when the translation succeeds: set A in every entry used and
 *     D in the leaf for a write, each written only if not already set,
 *     re-reading the entry first (QEMU does the same; the SDM allows
 *     setting A early, but a faulting walk that leaves no trace is what
 *     a student can reason about).
 *  5. Translate the final gpa through EPT.
 *
 * Under shadow paging (hw->shadow) the hardware walks the hypervisor's
 * shadow tables instead, never the guest's, and exits to the hypervisor
 * on a miss (gwalk_shadow below); only the debugger's peeks walk the
 * guest's tables then.
 *
 * The guest is untrusted: a table gpa outside RAM reads as all ones
 * (what an unclaimed bus read returns), so a 64-bit entry there has
 * reserved bits set and faults with RSVD; the walk never follows more
 * levels than the mode has, so self-referencing tables terminate; and
 * every host access goes through the arena.
 */
#include <errno.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/log.h>
#include <hv/vm.h>

#include "hv/x86/ept.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

/* How often one gpa may take an EPT violation before we give up. */
#define GWALK_EPT_RETRIES 4

struct gwalk {
	struct x86_mmu_hw *hw;
	const struct x86_paging_ctx *ctx;
	struct walk_record *rec;	/* NULL: record nothing */
	gva_t gva;
	uint32_t pfec;		/* the access as #PF error bits W, U, I/D */
	bool events;		/* false for X86_ACC_PEEK */
	bool peek;
	bool implicit;		/* X86_ACC_IMPLICIT: a supervisor access */
	bool id_ok;		/* I/D is reported (SMEP, or PAE/4-level + NXE) */
	uint64_t nested_qual;	/* the last unresolved EPT violation */
};

/* Where one guest entry lives, for the A/D pass. */
struct gwalk_pte {
	gpa_t gpa;
	hpa_t hpa;		/* 0: not RAM, writes vanish */
	uint64_t val;
	int step;		/* its walk_record step, or -1 */
	bool ept_w;		/* EPT lets the hardware write the entry */
	bool has_a;		/* the entry has an A bit */
};

enum gwalk_gpa_status {
	GWALK_RAM = 0,
	GWALK_NOT_RAM = 1,
};

static uint32_t ept_access_of(uint32_t pfec)
{
	if (pfec & PFERR_WRITE)
		return EPT_W;
	if (pfec & PFERR_FETCH)
		return EPT_X;
	return EPT_R;
}

/*
 * gpa -> hpa the way the hardware does it: through EPT when it is on
 * (taking EPT violations to the hypervisor and retrying), through the
 * memslots otherwise. @ept_access is EPT_R/W/X; @final says whether
 * @gpa is the translation of the linear address (qualification bit 8).
 * Returns GWALK_RAM with *@hpa and *@rwx, GWALK_NOT_RAM, or -errno.
 */
static int gwalk_gpa_to_hpa(struct gwalk *w, gpa_t gpa, uint32_t ept_access,
			    bool final, hpa_t *hpa, uint32_t *rwx)
{
	struct x86_mmu_hw *hw = w->hw;
	struct vm *vm = hw->vm;
	hfn_t hfn;

	if (!hw->tdp) {
		if (!memslot_gfn_to_hfn(&vm->slots, gpa_to_gfn(gpa), &hfn))
			return GWALK_NOT_RAM;
		*hpa = hfn_to_hpa(hfn) | (gpa & ~PAGE_MASK);
		*rwx = EPT_RWX;
		return GWALK_RAM;
	}

	for (int tries = 0;; tries++) {
		struct ept_walk_out eo;
		uint8_t mark = w->rec ? w->rec->nsteps : 0;
		uint64_t qual;
		int st, ret;

		st = ept_hw_walk(hw, gpa, ept_access, w->events, w->rec, &eo);
		if (st == EPT_WALK_OK) {
			*hpa = eo.hpa;
			*rwx = eo.rwx;
			return GWALK_RAM;
		}
		if (st == EPT_WALK_MISCONFIG)
			return -EIO;
		if (w->peek) {
			/* The debugger takes no exits: ask the memslots. */
			if (!memslot_gfn_to_hfn(&vm->slots, gpa_to_gfn(gpa), &hfn))
				return GWALK_NOT_RAM;
			*hpa = hfn_to_hpa(hfn) | (gpa & ~PAGE_MASK);
			*rwx = EPT_RWX;
			return GWALK_RAM;
		}
		qual = eo.qual | EPT_QUAL_GVA_VALID |
		       (final ? EPT_QUAL_GVA_FINAL : 0);
		w->nested_qual = qual;
		if (tries >= GWALK_EPT_RETRIES || !hw->hooks ||
		    !hw->hooks->ept_violation)
			return -EFAULT;
		ret = hw->hooks->ept_violation(hw->hooks_opaque, gpa, qual, w->gva);
		if (ret < 0)
			return ret;
		if (ret == 1)
			return GWALK_NOT_RAM;
		/* Fixed: the record keeps only the walk that succeeds. */
		if (w->rec)
			w->rec->nsteps = mark;
	}
}

/* Read one guest entry of @size bytes at @hpa (GWALK_NOT_RAM: all ones). */
static uint64_t gwalk_read_entry(struct gwalk *w, hpa_t hpa, bool ram,
				 unsigned int size)
{
	const struct arena *arena = &w->hw->vm->arena;

	if (size == 8)
		return ram ? arena_read64(arena, hpa) : ~0ull;
	if (ram) {
		const uint32_t *p = arena_hva(arena, hpa, 4);

		if (p && !(hpa & 3))
			return __atomic_load_n(p, __ATOMIC_RELAXED);
	}
	return 0xffffffffull;
}

static void gwalk_write_entry(struct gwalk *w, hpa_t hpa, unsigned int size,
			      uint64_t val)
{
	struct arena *arena = &w->hw->vm->arena;

	if (size == 8) {
		arena_write64(arena, hpa, val);
	} else {
		uint32_t *p = arena_hva(arena, hpa, 4);

		if (p && !(hpa & 3))
			__atomic_store_n(p, (uint32_t)val, __ATOMIC_RELAXED);
	}
}

/*
 * Step 4: set A in every entry used, and D in the leaf for a write.
 * The hardware writes guest memory here, so under EPT it needs EPT
 * write permission on the table page (a read-only EPT mapping of a
 * guest page table takes a write violation now, as on silicon).
 */
static int gwalk_set_ad(struct gwalk *w, struct gwalk_pte *pte, int n,
			unsigned int size)
{
	bool write = w->pfec & PFERR_WRITE;

	for (int i = 0; i < n; i++) {
		struct gwalk_pte *p = &pte[i];
		bool leaf = i == n - 1;
		uint64_t want = X86_PTE_A | ((leaf && write) ? X86_PTE_D : 0);
		uint64_t cur;

		if (!p->has_a || (p->val & want) == want)
			continue;
		if (!p->hpa)
			continue;	/* not RAM: the write vanishes */
		if (!p->ept_w) {
			uint32_t rwx;
			hpa_t hpa;
			int ret = gwalk_gpa_to_hpa(w, p->gpa, EPT_W, false,
						   &hpa, &rwx);

			if (ret < 0)
				return ret;
			if (ret == GWALK_NOT_RAM)
				continue;
			p->hpa = hpa;
		}
		cur = gwalk_read_entry(w, p->hpa, true, size);
		if (!(cur & X86_PTE_A)) {
			cur |= X86_PTE_A;
			gwalk_write_entry(w, p->hpa, size, cur);
			if (w->events)
				vm_emit(w->hw->vm, EV_set_accessed_bit, -1,
					p->gpa, cur, 0, 0);
		}
		if ((want & X86_PTE_D) && !(cur & X86_PTE_D)) {
			cur |= X86_PTE_D;
			gwalk_write_entry(w, p->hpa, size, cur);
			if (w->events)
				vm_emit(w->hw->vm, EV_set_dirty_bit, -1,
					p->gpa, cur, 0, 0);
		}
		p->val = cur;
		if (w->rec && p->step >= 0 && p->step < WALK_MAX_STEPS)
			w->rec->step[p->step].entry = cur;
	}
	return 0;
}

/* Rights accumulated down the walk. */
struct gwalk_rights {
	bool writable;		/* R/W = 1 at every level */
	bool user;		/* U/S = 1 at every level */
	bool nx;		/* XD = 1 at some level (EFER.NXE) */
};

static uint32_t gwalk_perms(const struct gwalk_rights *r)
{
	return WALK_P_READ | (r->writable ? WALK_P_WRITE : 0) |
	       (r->user ? WALK_P_USER : 0) | (r->nx ? 0 : WALK_P_EXEC);
}

/*
 * Step 3 (SDM 4.6): may this access use a page with these rights?
 * Returns NULL, or why not.
 */
static const char *gwalk_check_rights(const struct x86_paging_ctx *ctx,
				      uint32_t pfec, bool implicit,
				      const struct gwalk_rights *r)
{
	bool write = pfec & PFERR_WRITE;
	bool fetch = pfec & PFERR_FETCH;

	if (pfec & PFERR_USER) {
		if (!r->user)
			return "user access to a supervisor page";
		if (write && !r->writable)
			return "user write to a read-only page";
		if (fetch && r->nx)
			return "fetch from an execute-disable page";
		return NULL;
	}
	if (fetch) {
		if (r->nx)
			return "fetch from an execute-disable page";
		if ((ctx->cr4 & X86_CR4_SMEP) && r->user)
			return "SMEP: supervisor fetch from a user page";
		return NULL;
	}
	if ((ctx->cr4 & X86_CR4_SMAP) && r->user && (implicit || !ctx->rflags_ac))
		return implicit ? "SMAP: implicit supervisor access to a user page"
				: "SMAP: supervisor access to a user page with EFLAGS.AC=0";
	if (write && !r->writable && (ctx->cr0 & X86_CR0_WP))
		return "supervisor write to a read-only page with CR0.WP=1";
	return NULL;
}

uint32_t x86_hw_check_perms(const struct x86_paging_ctx *ctx, uint32_t perms,
			    uint32_t access)
{
	struct gwalk_rights r = {
		.writable = perms & WALK_P_WRITE,
		.user = perms & WALK_P_USER,
		.nx = !(perms & WALK_P_EXEC),
	};
	bool implicit = access & X86_ACC_IMPLICIT;
	uint32_t pfec = access & (PFERR_WRITE | PFERR_FETCH);
	enum x86_paging_mode mode = x86_paging_mode(ctx->cr0, ctx->cr4, ctx->efer);

	if (mode == X86_PAGING_OFF)
		return 0;
	if (!implicit && ctx->cpl == 3)
		pfec |= PFERR_USER;
	if (!gwalk_check_rights(ctx, pfec, implicit, &r))
		return 0;
	if (!(ctx->cr4 & X86_CR4_SMEP) &&
	    !(mode != X86_PAGING_32 && (ctx->efer & X86_EFER_NXE)))
		pfec &= ~PFERR_FETCH;
	return pfec | PFERR_PRESENT;
}

/* Why a reserved-bit fault: the first reason that applies. */
static const char *gwalk_rsvd_why(uint64_t bad, const struct x86_paging_level *l,
				  enum x86_paging_mode mode)
{
	if (mode == X86_PAGING_PAE && l->level == 3)
		return "reserved bit set in a PAE PDPTE";
	if (bad & X86_PTE_XD)
		return "XD (bit 63) set with EFER.NXE=0";
	if (bad & GENMASK(62, X86_MAXPHYADDR))
		return "address bit above MAXPHYADDR (40) set";
	if (l->ps_rsvd && (bad & X86_PTE_PS))
		return "PS set in a PML4E";
	return "reserved bit set in a large-page entry";
}

static void gwalk_fault(struct gwalk *w, struct x86_xlate *out,
			uint32_t pferr, int level, const char *why)
{
	if (!w->id_ok)
		pferr &= ~PFERR_FETCH;
	out->pferr = pferr;
	if (w->events)
		vm_emit(w->hw->vm, EV_walker_error, level, pferr, w->gva, 0, 0);
	if (w->rec) {
		w->rec->result = WALK_FAULT;
		w->rec->fault_code = pferr;
		w->rec->fault_level = (int8_t)level;
		w->rec->why = why;
	}
}

/* A host or nested failure while walking: fill the record, pass it on. */
static int gwalk_error(struct gwalk *w, int ret, int level)
{
	if (w->rec) {
		w->rec->fault_level = (int8_t)level;
		if (ret == -EFAULT) {
			w->rec->result = WALK_NESTED_FAULT;
			w->rec->fault_code = w->nested_qual;
			w->rec->why = "EPT violation the hypervisor did not resolve";
		} else if (ret == -EIO) {
			w->rec->result = WALK_ERROR;
			w->rec->why = "EPT misconfiguration";
		} else {
			w->rec->result = WALK_ERROR;
			w->rec->why = "host error in the EPT violation handler";
		}
	}
	return ret;
}

static int gwalk_final(struct gwalk *w, gpa_t gpa, uint32_t perms,
		       unsigned int page_shift, struct x86_xlate *out)
{
	uint32_t rwx = EPT_RWX;
	hpa_t hpa = 0;
	int ret;

	out->gpa = gpa;
	out->page_shift = (uint8_t)page_shift;
	if (w->rec)
		w->rec->out = gpa;
	ret = gwalk_gpa_to_hpa(w, gpa, ept_access_of(w->pfec), true, &hpa, &rwx);
	if (ret < 0)
		return gwalk_error(w, ret, 0);
	/*
	 * What a TLB may cache: the guest's rights, narrowed by the EPT's
	 * (a page the EPT maps read-only must not be written from a TLB
	 * entry filled by a read).
	 */
	if (!(rwx & EPT_W))
		perms &= ~WALK_P_WRITE;
	if (!(rwx & EPT_X))
		perms &= ~WALK_P_EXEC;
	out->perms = perms;
	out->hpa = hpa;
	if (w->rec) {
		w->rec->out = gpa;
		w->rec->out_hpa = ret == GWALK_RAM ? hpa : 0;
		w->rec->perms = perms;
		w->rec->page_shift = (uint8_t)page_shift;
		if (ret == GWALK_NOT_RAM) {
			w->rec->result = WALK_MMIO;
			w->rec->why = "the gpa is not RAM (MMIO)";
		}
	}
	return ret == GWALK_RAM ? X86_XLATE_OK : X86_XLATE_MMIO;
}

static void gwalk_record_copy(struct walk_record *dst,
			      const struct walk_record *src)
{
	size_t n = src->nsteps < WALK_MAX_STEPS ? src->nsteps : WALK_MAX_STEPS;

	memcpy(dst, src, offsetof(struct walk_record, step));
	memcpy(dst->step, src->step, n * sizeof(src->step[0]));
}

static int gwalk_walk(struct gwalk *w, struct x86_xlate *out)
{
	const struct x86_paging_ctx *ctx = w->ctx;
	enum x86_paging_mode mode = x86_paging_mode(ctx->cr0, ctx->cr4, ctx->efer);
	const struct x86_paging_desc *d = &x86_paging_desc[mode];
	bool nxe = d->nx_ok && (ctx->efer & X86_EFER_NXE);
	bool pse = mode != X86_PAGING_32 || (ctx->cr4 & X86_CR4_PSE);
	uint64_t rsvd_xd = (d->nx_ok && !nxe) ? X86_PTE_XD : 0;
	struct gwalk_rights rights = { true, true, false };
	struct gwalk_pte pte[4];
	gva_t gva = w->gva;
	gpa_t table = ctx->cr3 & d->cr3_mask;
	const char *why;
	int ret;

	if (mode == X86_PAGING_OFF)
		return gwalk_final(w, (uint32_t)gva,
				   WALK_P_READ | WALK_P_WRITE | WALK_P_EXEC |
				   WALK_P_USER, PAGE_SHIFT, out);
	if (mode != X86_PAGING_4LEVEL)
		gva = (uint32_t)gva;
	/* I/D is reported only where execute protection exists (SDM 4.7). */
	w->id_ok = (ctx->cr4 & X86_CR4_SMEP) || nxe;
	if (w->events)
		vm_emit(w->hw->vm, EV_pagetable_walk, -1, w->gva, w->pfec, 0, 0);

	for (int i = 0; i < d->levels; i++) {
		const struct x86_paging_level *l = &d->lvl[i];
		unsigned int index = (gva >> l->shift) & ((1u << l->index_bits) - 1);
		struct gwalk_pte *p = &pte[i];
		uint32_t rwx = 0;
		hpa_t hpa = 0;
		uint64_t e, rsvd;
		bool large, leaf;

		p->gpa = table + (gpa_t)index * d->pte_size;
		ret = gwalk_gpa_to_hpa(w, p->gpa, EPT_R, false, &hpa, &rwx);
		if (ret < 0)
			return gwalk_error(w, ret, l->level);
		e = gwalk_read_entry(w, hpa, ret == GWALK_RAM, d->pte_size);
		p->hpa = ret == GWALK_RAM ? hpa : 0;
		p->val = e;
		p->ept_w = rwx & EPT_W;
		p->has_a = l->has_rights;
		p->step = -1;
		if (w->events)
			vm_emit(w->hw->vm, EV_paging_element, l->level, e, table,
				index, 0);

		large = (e & X86_PTE_PS) && l->large_ok && pse;
		leaf = large || i == d->levels - 1;
		if (e & X86_PTE_P) {
			if (l->has_rights) {
				rights.writable &= !!(e & X86_PTE_RW);
				rights.user &= !!(e & X86_PTE_US);
				rights.nx |= nxe && (e & X86_PTE_XD);
			}
		}
		if (w->rec) {
			struct walk_step *s;

			p->step = w->rec->nsteps < WALK_MAX_STEPS ?
				  w->rec->nsteps : -1;
			s = walk_record_push(w->rec);
			s->table = WALK_GUEST;
			s->level = (int8_t)l->level;
			s->index = (uint16_t)index;
			s->perms = (e & X86_PTE_P) ? gwalk_perms(&rights) : 0;
			s->table_addr = table;
			s->entry_addr = p->gpa;
			s->entry = e;
			s->input = w->gva;
			s->leaf = (e & X86_PTE_P) && leaf;
			s->leaf_shift = s->leaf ? l->shift : 0;
		}

		if (!(e & X86_PTE_P)) {
			gwalk_fault(w, out, w->pfec, l->level, "entry not present");
			return X86_XLATE_PF;
		}
		rsvd = l->rsvd | (l->has_rights ? rsvd_xd : 0) |
		       (large ? l->rsvd_large : 0) |
		       (l->ps_rsvd ? X86_PTE_PS : 0);
		if (e & rsvd) {
			gwalk_fault(w, out, w->pfec | PFERR_PRESENT | PFERR_RSVD,
				    l->level, gwalk_rsvd_why(e & rsvd, l, mode));
			return X86_XLATE_PF;
		}
		if (!leaf) {
			table = e & d->addr_mask;
			continue;
		}

		/* The leaf: where the page is, then may we use it. */
		why = gwalk_check_rights(ctx, w->pfec, w->implicit, &rights);
		if (why) {
			gwalk_fault(w, out, w->pfec | PFERR_PRESENT, l->level, why);
			return X86_XLATE_PF;
		}
		{
			uint64_t mask = (1ull << l->shift) - 1;
			uint32_t perms = gwalk_perms(&rights);
			gpa_t base;

			if (mode == X86_PAGING_32 && large)
				base = (e & X86_PDE32_4M_LO) |
				       ((e & X86_PDE32_4M_HI) << X86_PDE32_4M_HI_SHIFT);
			else
				base = e & d->addr_mask & ~mask;
			if (!w->peek) {
				ret = gwalk_set_ad(w, pte, i + 1, d->pte_size);
				if (ret < 0)
					return gwalk_error(w, ret, l->level);
			}
			if (pte[i].val & X86_PTE_G)
				perms |= WALK_P_GLOBAL;
			if (pte[i].val & X86_PTE_D)
				perms |= WALK_P_DIRTY;
			if (pte[i].val & X86_PTE_A)
				perms |= WALK_P_ACCESSED;
			if (w->rec && p->step >= 0 && p->step < WALK_MAX_STEPS)
				w->rec->step[p->step].perms = perms;
			return gwalk_final(w, base | (gva & mask), perms,
					   l->shift, out);
		}
	}
	HV_WARN_ON_ONCE(1 && "walk ran past the last level");
	return -EIO;
}

/* --- shadow paging: the hardware walks the shadow tables ---------------- */

/* How often one access may exit to the shadow MMU before we give up. */
#define GWALK_SHADOW_RETRIES 4

/*
 * The gpa of a host page, for the record and the CPU: the shadow tables
 * hold hpas only, and every RAM hpa lies in exactly one memslot.
 */
static gpa_t gwalk_hpa_to_gpa(const struct vm *vm, hpa_t hpa)
{
	for (unsigned int i = 0; i < vm->slots.count; i++) {
		const struct memslot *s = &vm->slots.slot[i];

		if (hpa >= s->base_hpa &&
		    hpa - s->base_hpa < (s->npages << PAGE_SHIFT))
			return gfn_to_gpa(s->base_gfn) + (hpa - s->base_hpa);
	}
	return hpa;
}

/*
 * One walk of the shadow tables at hw->shadow_root: 4-level format, or
 * PAE format (a root of four PDPTEs, then PD and PT) for 32-bit linear
 * addresses. The tables are the hypervisor's, so their entries hold
 * hpas. The rights check is the guest's (SMEP, SMAP, U/S) with two
 * things forced as KVM forces them on the real CPU under shadow paging:
 * CR0.WP=1 (write protection of guest page tables must hold for ring 0
 * too; the hypervisor emulates CR0.WP=0 in the SPTEs it builds) and
 * EFER.NXE=1 (SPTEs may use XD whatever the guest's mode). With
 * @tracked the access is a write the hypervisor asked to be emulated:
 * it is checked as a read and reported with X86_XLATE_F_TRACKED.
 * Returns true with @out filled, or false with the error code for the
 * exit in *@pferr (which may be 0: a supervisor read of a missing page).
 */
static bool gwalk_shadow_once(struct gwalk *w, bool tracked,
			      struct x86_xlate *out, uint32_t *pferr)
{
	struct x86_mmu_hw *hw = w->hw;
	enum x86_paging_mode mode = hw->shadow_levels == 4 ? X86_PAGING_4LEVEL
							   : X86_PAGING_PAE;
	const struct x86_paging_desc *d = &x86_paging_desc[mode];
	struct x86_paging_ctx hctx = *w->ctx;
	struct gwalk_rights rights = { true, true, false };
	uint32_t pfec = w->pfec;
	uint32_t check = tracked ? pfec & ~PFERR_WRITE : pfec;
	gva_t gva = mode == X86_PAGING_4LEVEL ? w->gva : (uint32_t)w->gva;
	hpa_t table = hw->shadow_root;

	hctx.cr0 |= X86_CR0_WP;
	hctx.efer |= X86_EFER_NXE;
	if (w->rec)
		w->rec->nsteps = 0;
	for (int i = 0; i < d->levels; i++) {
		const struct x86_paging_level *l = &d->lvl[i];
		unsigned int index = (gva >> l->shift) & ((1u << l->index_bits) - 1);
		hpa_t ptep = table + (hpa_t)index * 8;
		uint64_t e = table ? arena_read64(&hw->vm->arena, ptep) : 0;
		bool large = (e & X86_PTE_PS) && l->large_ok;
		bool leaf = large || i == d->levels - 1;
		uint64_t rsvd = l->rsvd | (large ? l->rsvd_large : 0) |
				(l->ps_rsvd ? X86_PTE_PS : 0);

		if ((e & X86_PTE_P) && l->has_rights) {
			rights.writable &= !!(e & X86_PTE_RW);
			rights.user &= !!(e & X86_PTE_US);
			rights.nx |= !!(e & X86_PTE_XD);
		}
		if (w->rec) {
			struct walk_step *s = walk_record_push(w->rec);

			s->table = WALK_SHADOW;
			s->level = (int8_t)l->level;
			s->index = (uint16_t)index;
			s->perms = (e & X86_PTE_P) ? gwalk_perms(&rights) : 0;
			s->table_addr = table;
			s->entry_addr = ptep;
			s->entry = e;
			s->input = w->gva;
			s->leaf = (e & X86_PTE_P) && leaf;
			s->leaf_shift = s->leaf ? l->shift : 0;
		}
		if (!(e & X86_PTE_P))
			return *pferr = pfec, false;
		if (e & rsvd)
			return *pferr = pfec | PFERR_PRESENT | PFERR_RSVD, false;
		if (!leaf) {
			table = e & d->addr_mask;
			continue;
		}
		if (gwalk_check_rights(&hctx, check, w->implicit, &rights))
			return *pferr = pfec | PFERR_PRESENT, false;
		{
			uint64_t mask = (1ull << l->shift) - 1;
			uint32_t perms = gwalk_perms(&rights);

			out->hpa = (e & d->addr_mask & ~mask) | (gva & mask);
			out->gpa = gwalk_hpa_to_gpa(hw->vm, out->hpa);
			out->page_shift = l->shift;
			if (e & X86_PTE_G)
				perms |= WALK_P_GLOBAL;
			if (e & X86_PTE_D)
				perms |= WALK_P_DIRTY;
			if (e & X86_PTE_A)
				perms |= WALK_P_ACCESSED;
			if (tracked) {
				perms &= ~WALK_P_WRITE;
				out->flags |= X86_XLATE_F_TRACKED;
			}
			out->perms = perms;
			if (w->rec) {
				w->rec->out = out->gpa;
				w->rec->out_hpa = out->hpa;
				w->rec->perms = perms;
				w->rec->page_shift = l->shift;
			}
			return true;
		}
	}
	return *pferr = pfec, false;
}

/*
 * Shadow paging: walk the shadow tables; on a miss or violation exit to
 * the hypervisor (hooks->shadow_page_fault) and retry after it fixed
 * them, a bounded number of times. The hypervisor may answer with a
 * guest #PF, with MMIO, or with "emulate this write" (tracked).
 */
static int gwalk_shadow(struct gwalk *w, struct x86_xlate *out)
{
	struct x86_mmu_hw *hw = w->hw;
	bool tracked = false;

	if (w->rec)
		w->rec->kind = WALK_SHADOW;
	for (int tries = 0; tries <= GWALK_SHADOW_RETRIES; tries++) {
		struct x86_shadow_fault f = { 0 };
		uint32_t pferr = 0;
		int ret;

		if (gwalk_shadow_once(w, tracked, out, &pferr))
			return X86_XLATE_OK;
		if (!hw->hooks || !hw->hooks->shadow_page_fault)
			break;
		ret = hw->hooks->shadow_page_fault(hw->hooks_opaque, w->ctx,
						   w->gva,
						   pferr | (w->implicit ? X86_ACC_IMPLICIT : 0),
						   &f);
		if (ret < 0)
			return gwalk_error(w, ret, 0);
		if (ret == X86_XLATE_PF) {
			/* The hypervisor's guest walk emitted walker_error. */
			out->pferr = f.inject_pferr;
			if (w->rec) {
				w->rec->result = WALK_FAULT;
				w->rec->fault_code = f.inject_pferr;
				w->rec->why = "the guest's own tables fault";
			}
			return X86_XLATE_PF;
		}
		if (ret == X86_XLATE_MMIO) {
			out->gpa = f.gpa;
			if (w->rec) {
				w->rec->out = f.gpa;
				w->rec->result = WALK_MMIO;
				w->rec->why = "the gpa is not RAM (MMIO)";
			}
			return X86_XLATE_MMIO;
		}
		tracked |= (f.flags & X86_XLATE_F_TRACKED) &&
			   (w->pfec & PFERR_WRITE);
	}
	if (w->rec) {
		w->rec->result = WALK_ERROR;
		w->rec->why = "the shadow MMU did not resolve the fault";
	}
	return -EIO;
}

int x86_hw_shadow_peek(struct x86_mmu_hw *hw, const struct x86_paging_ctx *ctx,
		       gva_t gva, uint32_t access, struct walk_record *rec)
{
	struct gwalk w = {
		.hw = hw,
		.ctx = ctx,
		.rec = rec,
		.gva = gva,
		.pfec = access & (PFERR_WRITE | PFERR_USER | PFERR_FETCH),
		.peek = true,
		.implicit = access & X86_ACC_IMPLICIT,
	};
	struct x86_xlate out = { 0 };
	uint32_t pferr = 0;

	if (!hw->shadow)
		return -EINVAL;
	walk_record_init(rec, WALK_SHADOW, gva, w.pfec | X86_ACC_PEEK);
	if (!gwalk_shadow_once(&w, false, &out, &pferr)) {
		rec->result = WALK_FAULT;
		rec->fault_code = pferr;
		rec->why = "not in the shadow tables: the access exits to the "
			   "shadow MMU";
	}
	return 0;
}

int x86_hw_translate(struct x86_mmu_hw *hw, const struct x86_paging_ctx *ctx,
		     gva_t gva, uint32_t access, struct x86_xlate *out,
		     struct walk_record *rec)
{
	bool peek = access & X86_ACC_PEEK;
	bool user = !(access & X86_ACC_IMPLICIT) && ctx->cpl == 3;
	struct gwalk w = {
		.hw = hw,
		.ctx = ctx,
		.gva = gva,
		.pfec = (access & (PFERR_WRITE | PFERR_FETCH)) |
			(user ? PFERR_USER : 0),
		.events = !peek,
		.peek = peek,
		.implicit = access & X86_ACC_IMPLICIT,
	};
	int ret;

	/*
	 * Every real walk lands in hw->last_walk for the tools; the
	 * debugger's PEEK walks only in the record it asked for.
	 */
	w.rec = peek ? rec : &hw->last_walk;
	if (w.rec)
		walk_record_init(w.rec, WALK_GUEST, gva,
				 w.pfec | (access & (X86_ACC_IMPLICIT | X86_ACC_PEEK)));
	out->pferr = 0;
	out->hpa = 0;
	out->perms = 0;
	out->flags = 0;
	if (hw->shadow && !peek)
		ret = gwalk_shadow(&w, out);
	else
		ret = gwalk_walk(&w, out);
	if (rec && !peek)
		gwalk_record_copy(rec, &hw->last_walk);
	return ret;
}
