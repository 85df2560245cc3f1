// SPDX-License-Identifier: MIT
/*
 * The stage-2 abort handler and the MMU's life cycle (see stage2.h), as
 * KVM's arch/arm64/kvm/mmu.c.
 *
 * Reference card (Arm ARM D17.2.40 ESR_EL2, ISS for a Data / Instruction
 * Abort; the hardware's contract is in mmu_hw.h):
 *
 *   EC      0x24 data abort from a lower EL, 0x20 instruction abort
 *   WnR[6]  the access was a write (0 for S1PTW: the walk only reads)
 *   S1PTW[7] the abort hit a stage-1 table read; KVM counts it as a
 *           write (kvm_is_write_fault) because with hardware AF/DBM the
 *           walker may write the descriptor: so do we
 *   FSC[5:0] 0b0001LL translation, 0b0010LL access flag, 0b0011LL
 *           permission fault at level LL; 0b0000LL address size
 *
 * The decision, in the order kvm_handle_guest_abort makes it:
 *   1. emit guest_fault; refuse FSCs other than the three above
 *   2. not in a memslot, or a write to a read-only slot: MMIO (return 1)
 *   3. access flag fault: handle_access_fault -> mkyoung
 *   4. user_mem_abort: the mapping size is the largest leaf the
 *      geometry takes for which memslot_can_map_block() holds (granule
 *      pages under dirty logging, KVM's force_pte); a permission fault
 *      on a leaf of exactly that size relaxes it, anything else maps
 *      the aligned block (replacing what is there)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/arm64/stage2.h>

/* --- life cycle ------------------------------------------------------------------ */

struct s2_mmu *s2_mmu_create(struct vm *vm, unsigned int ipa_bits,
			     unsigned int granule, char *err, size_t errlen)
{
	struct s2_mmu *s2;
	int ret;

	for (unsigned int i = 0; i < vm->slots.count; i++) {
		const struct memslot *s = &vm->slots.slot[i];

		if (ipa_bits < 64 && gfn_to_gpa(s->base_gfn + s->npages) >
				     1ull << ipa_bits) {
			snprintf(err, errlen, "RAM up to %#llx does not fit in "
				 "a %u-bit IPA space",
				 (unsigned long long)gfn_to_gpa(s->base_gfn +
								s->npages),
				 ipa_bits);
			return NULL;
		}
		if ((gfn_to_gpa(s->base_gfn) | s->base_hpa |
		     gfn_to_gpa(s->npages)) & (granule - 1)) {
			snprintf(err, errlen, "a memslot is not aligned to the "
				 "%u KiB granule", granule >> 10);
			return NULL;
		}
	}
	s2 = calloc(1, sizeof(*s2));
	if (!s2) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s2->vm = vm;
	s2->vmid = 1;
	s2->lazy_exec = true;
	s2->max_shift = 64;
	ret = s2_pgtable_init(&s2->pgt, vm, ipa_bits, granule);
	if (ret) {
		snprintf(err, errlen, ret == -ENOMEM ?
			 "no table pool left for the stage-2 root" :
			 "no stage-2 geometry for a %u-bit IPA with %u KiB "
			 "granules", ipa_bits, granule >> 10);
		free(s2);
		return NULL;
	}
	return s2;
}

static const struct arm64_mmu_hooks s2_mmu_hooks = {
	.s2_fault = s2_mmu_handle_abort,
};

int s2_mmu_attach(struct s2_mmu *s2, struct arm64_mmu_hw *hw)
{
	hw->vm = s2->vm;
	return arm64_mmu_hw_set_stage2(hw, s2->pgt.pt.root, s2->pgt.geom.vtcr,
				       s2->vmid, &s2_mmu_hooks, s2);
}

void s2_mmu_destroy(struct s2_mmu *s2)
{
	if (!s2)
		return;
	if (s2->vm->arena.base)
		s2_pgtable_destroy(&s2->pgt);
	for (unsigned int i = 0; i < MEMSLOT_MAX; i++)
		free(s2->dirty[i]);
	free(s2);
}

void s2_mmu_set_max_shift(struct s2_mmu *s2, unsigned int shift)
{
	s2->max_shift = shift;
}

/* --- dirty logging ----------------------------------------------------------------- */

static struct memslot *s2_slot_by_id(struct s2_mmu *s2, unsigned int id)
{
	for (unsigned int i = 0; i < s2->vm->slots.count; i++)
		if (s2->vm->slots.slot[i].id == id)
			return &s2->vm->slots.slot[i];
	return NULL;
}

static void s2_mark_page_dirty(struct s2_mmu *s2, const struct memslot *slot,
			       ipa_t ipa)
{
	uint64_t *map = s2->dirty[slot->id];
	uint64_t npages = s2->pgt.geom.granule >> PAGE_SHIFT;
	gfn_t gfn = gpa_to_gfn(ipa & ~(s2->pgt.geom.granule - 1));

	if (!map)
		return;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t bit = gfn + i - slot->base_gfn;

		map[bit / 64] |= 1ull << (bit % 64);
	}
	s2->stats.dirty_pages++;
	vm_emit(s2->vm, EV_mark_page_dirty, -1, ipa, gfn, npages, slot->id);
}

int s2_mmu_log_dirty(struct s2_mmu *s2, unsigned int slot_id, bool on)
{
	struct memslot *slot = s2_slot_by_id(s2, slot_id);

	if (!slot || slot_id >= MEMSLOT_MAX)
		return -ENOENT;
	if (!on) {
		slot->flags &= ~(uint32_t)MEMSLOT_LOG_DIRTY;
		free(s2->dirty[slot_id]);
		s2->dirty[slot_id] = NULL;
		return 0;
	}
	if (!s2->dirty[slot_id]) {
		s2->dirty[slot_id] = calloc((slot->npages + 63) / 64, 8);
		if (!s2->dirty[slot_id])
			return -ENOMEM;
	}
	slot->flags |= MEMSLOT_LOG_DIRTY;
	s2_pgtable_wrprotect(&s2->pgt, gfn_to_gpa(slot->base_gfn),
			     gfn_to_gpa(slot->npages));
	return 0;
}

int s2_mmu_get_dirty_log(struct s2_mmu *s2, unsigned int slot_id,
			 uint64_t *bitmap, size_t nwords)
{
	struct memslot *slot = s2_slot_by_id(s2, slot_id);
	uint64_t granule = s2->pgt.geom.granule;
	uint64_t *map;
	size_t words;
	int dirty = 0;

	if (!slot || slot_id >= MEMSLOT_MAX || !s2->dirty[slot_id])
		return -ENOENT;
	map = s2->dirty[slot_id];
	words = (slot->npages + 63) / 64;
	if (nwords < words)
		return -EINVAL;
	memcpy(bitmap, map, words * 8);
	memset(map, 0, words * 8);
	/* Write-protect what was dirty again (kvm_arch_mmu_enable_log_dirty_pt_masked). */
	for (uint64_t bit = 0; bit < slot->npages; bit++) {
		ipa_t ipa;

		if (!(bitmap[bit / 64] >> (bit % 64) & 1))
			continue;
		dirty++;
		ipa = gfn_to_gpa(slot->base_gfn + bit);
		if (!(ipa & (granule - 1)))
			s2_pgtable_wrprotect(&s2->pgt, ipa, granule);
	}
	return dirty;
}

int s2_mmu_age(struct s2_mmu *s2, ipa_t start, ipa_t end)
{
	if (end <= start)
		return 0;
	return s2_pgtable_mkold(&s2->pgt, start, end - start);
}

/* --- the abort handler ---------------------------------------------------------------- */

/* What one abort is about: built once, read-only after. */
struct s2_fault {
	ipa_t ipa;
	uint32_t esr;
	gva_t far;
	uint32_t fsc;		/* FSC with its level */
	int level;		/* the level the walk stopped at */
	bool write;		/* WnR, or a stage-1 table walk */
	bool exec;		/* an instruction abort */
	bool perm;		/* a permission fault */
	const struct memslot *slot;
};

/*
 * The largest leaf that may map @gfn: a level the geometry takes leaves
 * at, no larger than max_shift (granule pages when @force_page), whose
 * aligned block lies in one memslot with IPA and PA equally aligned.
 * 0 when not even a granule page fits.
 */
static unsigned int s2_mapping_shift(struct s2_mmu *s2, gfn_t gfn,
				     bool force_page)
{
	const struct s2_geom *g = &s2->pgt.geom;

	for (int level = g->hw.start_level; level <= S2_LAST_LEVEL; level++) {
		unsigned int shift = s2_level_shift(g, level);

		if (!s2_level_supports_leaf(g, level) ||
		    (force_page && level != S2_LAST_LEVEL) ||
		    (shift > s2->max_shift && level != S2_LAST_LEVEL))
			continue;
		if (memslot_can_map_block(&s2->vm->slots, gfn, shift))
			return shift;
	}
	return 0;
}

/*
 * KVM's user_mem_abort: work out the mapping size and the rights, then
 * relax the existing leaf (a permission fault on a leaf of that very
 * size) or map the aligned block.
 */
static int s2_user_mem_abort(struct s2_mmu *s2, const struct s2_fault *f)
{
	const struct memslot *slot = f->slot;
	bool logging = slot->flags & MEMSLOT_LOG_DIRTY;
	unsigned int shift = s2_mapping_shift(s2, gpa_to_gfn(f->ipa), logging);
	bool writable = !(slot->flags & MEMSLOT_READONLY) &&
			(!logging || f->write);
	uint32_t prot = S2_PROT_R;
	uint64_t size;
	ipa_t base;
	hfn_t hfn;
	int ret;

	if (!shift)
		return -EFAULT;
	size = 1ull << shift;
	base = f->ipa & ~(size - 1);
	if (!memslot_gfn_to_hfn(&s2->vm->slots, gpa_to_gfn(base), &hfn))
		return -EFAULT;
	if (writable)
		prot |= S2_PROT_W;
	if (f->exec || !s2->lazy_exec)
		prot |= S2_PROT_X;
	vm_emit(s2->vm, EV_user_mem_abort, f->level, base, hfn_to_hpa(hfn),
		size, prot);
	if (f->perm && s2_level_size(&s2->pgt.geom, f->level) == size) {
		s2->stats.relaxes++;
		ret = s2_pgtable_relax_perms(&s2->pgt, f->ipa, prot);
	} else {
		s2->stats.maps++;
		ret = s2_pgtable_map(&s2->pgt, base, size, hfn_to_hpa(hfn), prot);
	}
	if (!ret && writable && logging)
		s2_mark_page_dirty(s2, slot, f->ipa);
	return ret;
}

int s2_mmu_handle_abort(void *opaque, ipa_t ipa, uint32_t esr, gva_t far)
{
	struct s2_mmu *s2 = opaque;
	uint32_t fsc = esr & ESR_FSC_MASK;
	uint32_t type = fsc & ~3u;
	struct s2_fault f = {
		.ipa = ipa,
		.esr = esr,
		.far = far,
		.fsc = fsc,
		.level = (int)(fsc & 3),
		.write = (esr & (ESR_WNR | ESR_S1PTW)) != 0,
		.exec = (esr >> ESR_EC_SHIFT) == ESR_EC_IABT_LOW,
		.perm = type == FSC_PERM,
		.slot = memslot_find(&s2->vm->slots, gpa_to_gfn(ipa)),
	};

	s2->stats.guest_faults++;
	vm_emit(s2->vm, EV_guest_fault, f.level, ipa, esr, far, fsc);
	if (fsc > 0x0f || (type != FSC_TRANS && type != FSC_ACCESS &&
			   type != FSC_PERM)) {
		s2->stats.other_faults++;
		return -EFAULT;		/* KVM: "Unsupported FSC" */
	}
	if (!f.slot || (f.write && (f.slot->flags & MEMSLOT_READONLY))) {
		s2->stats.mmio_faults++;
		vm_emit(s2->vm, EV_io_mem_abort, f.level, ipa, esr, far, 0);
		return 1;
	}
	if (type == FSC_ACCESS) {
		/* handle_access_fault: no leaf any more is fine, the retry
		   takes a translation fault. */
		s2->stats.access_faults++;
		vm_emit(s2->vm, EV_access_fault, f.level, ipa, esr, 0, 0);
		s2_pgtable_mkyoung(&s2->pgt, ipa);
		return 0;
	}
	if (f.perm)
		s2->stats.perm_faults++;
	else
		s2->stats.trans_faults++;
	return s2_user_mem_abort(s2, &f);
}

/* --- for the tools ------------------------------------------------------------------------ */

int s2_mmu_format_stats(const struct s2_mmu *s2, char *buf, size_t size)
{
	const struct s2_geom *g = &s2->pgt.geom;
	const struct s2_pgtable_stats *p = &s2->pgt.stats;
	const struct s2_mmu_stats *s = &s2->stats;
	size_t len = 0;
	int n;

#define S2_OUT(...)							\
	do {								\
		n = snprintf(len < size ? buf + len : NULL,		\
			     len < size ? size - len : 0, __VA_ARGS__);	\
		if (n > 0)						\
			len += (size_t)n;				\
	} while (0)

	S2_OUT("s2_ipa_bits %u\ns2_granule %llu\ns2_t0sz %u\n"
	       "s2_start_level %d\ns2_concat %u\ns2_levels %u\n"
	       "s2_vtcr %#llx\n",
	       g->hw.ipa_bits, (unsigned long long)g->granule, g->t0sz,
	       g->hw.start_level, g->hw.concat, g->levels,
	       (unsigned long long)g->vtcr);
	S2_OUT("s2_guest_faults %llu\ns2_faults_translation %llu\n"
	       "s2_faults_permission %llu\ns2_faults_access %llu\n"
	       "s2_faults_mmio %llu\n",
	       (unsigned long long)s->guest_faults,
	       (unsigned long long)s->trans_faults,
	       (unsigned long long)s->perm_faults,
	       (unsigned long long)s->access_faults,
	       (unsigned long long)s->mmio_faults);
	for (int level = g->hw.start_level; level <= S2_LAST_LEVEL; level++) {
		char name[24];

		if (!s2_level_supports_leaf(g, level))
			continue;
		s2_size_name(s2_level_shift(g, level), name, sizeof(name));
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		S2_OUT("s2_map_%s %llu\n", name,
		       (unsigned long long)p->map[level]);
	}
	S2_OUT("s2_map_tables %llu\ns2_relax_perms %llu\ns2_mkyoung %llu\n"
	       "s2_mkold %llu\ns2_wrprotect %llu\ns2_unmap %llu\n"
	       "s2_dirty_pages %llu\ns2_pte_changes %llu\ns2_flushes %llu\n"
	       "s2_tables %llu\ns2_tables_peak %llu\n",
	       (unsigned long long)p->map_tables,
	       (unsigned long long)p->relaxed,
	       (unsigned long long)p->mkyoung,
	       (unsigned long long)p->mkold,
	       (unsigned long long)p->wrprotected,
	       (unsigned long long)p->unmapped,
	       (unsigned long long)s->dirty_pages,
	       (unsigned long long)p->pte_changes,
	       (unsigned long long)p->flushes,
	       (unsigned long long)p->tables,
	       (unsigned long long)p->tables_peak);
#undef S2_OUT
	return (int)len;
}

int s2_mmu_dump(struct s2_mmu *s2, ipa_t start, ipa_t end, char *buf,
		size_t size)
{
	return s2_pgtable_dump(&s2->pgt, start, end, buf, size);
}
