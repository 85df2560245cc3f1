// SPDX-License-Identifier: MIT
/*
 * The TDP MMU: EPT tables for gpa -> hpa, built on EPT violations, as
 * KVM's arch/x86/kvm/mmu/tdp_mmu.c (see tdp.h for the overview).
 *
 * Every operation is a visitor over hv/pt's walker (the range iterator
 * KVM calls tdp_iter): map, zap, split, teardown and dump. Every entry
 * change goes through tdp_mmu_set_spte(), which is where events, child
 * table retirement and flush bookkeeping live.
 *
 * Retired tables are not freed at once: they are chained on
 * tdp->free_list (through their entry 0) and freed by
 * tdp_mmu_flush_and_free() after the one TLB flush that follows a batch
 * of changes (KVM defers the free with RCU for the same reason: a walker
 * may still hold a path through them until the flush).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <hv/log.h>

#include "hv/mmu/tdp.h"
#include "hv/x86/ept.h"
#include "hv/x86/mmu_hw.h"

/* tdp_mmu_set_spte flags */
enum {
	/* The new entry translates exactly as the old (a split): no flush. */
	TDP_SPTE_SAME_TRANSLATION = 1u << 0,
};

static uint64_t tdp_level_size(int level)
{
	return 1ull << ept_level_shift(level);
}

static gfn_t tdp_entry_gfn(uint64_t addr, int level)
{
	return gpa_to_gfn(addr & ~(tdp_level_size(level) - 1));
}

static void tdp_mmu_retire_table(struct tdp_mmu *tdp, hpa_t table, gfn_t gfn,
				 int level);

/*
 * Bookkeeping after an entry changed (KVM's handle_changed_spte): a
 * present entry that changed means a TLB may hold a stale translation,
 * and a table that is no longer linked is retired with its subtree.
 */
static void tdp_mmu_handle_changed_spte(struct tdp_mmu *tdp, gfn_t gfn,
					uint64_t old, uint64_t new, int level,
					unsigned int flags)
{
	bool was_present = ept_present(old);
	bool was_table = was_present && !ept_is_leaf(old, level);

	if (!was_present || old == new)
		return;
	if (!(flags & TDP_SPTE_SAME_TRANSLATION))
		tdp->flush_pending = true;
	if (was_table && (!ept_present(new) || ept_is_leaf(new, level) ||
			  (new & EPT_ADDR_MASK) != (old & EPT_ADDR_MASK)))
		tdp_mmu_retire_table(tdp, old & EPT_ADDR_MASK, gfn, level - 1);
}

/*
 * The one setter (KVM's tdp_mmu_set_spte): write @new over @old at
 * @ptep, the entry at @level covering @gfn, and account for it.
 */
static void tdp_mmu_set_spte(struct tdp_mmu *tdp, hpa_t ptep, uint64_t old,
			     uint64_t new, gfn_t gfn, int level,
			     unsigned int flags)
{
	struct pt_table *pt = &tdp->pt;

	pt->mm->write(pt->mm_arg, ptep, new);
	tdp->stats.spte_changes++;
	vm_emit(tdp->vm, EV_tdp_mmu_spte_changed, level, gfn, old, new,
		(uint64_t)tdp->as_id);
	tdp_mmu_handle_changed_spte(tdp, gfn, old, new, level, flags);
}

/*
 * A table at @level that nothing links any more (KVM's
 * handle_removed_pt): clear its present entries through the setter, so
 * every mapping that goes away is an event and deeper tables are
 * retired too, then queue the page to be freed after the flush.
 */
static void tdp_mmu_retire_table(struct tdp_mmu *tdp, hpa_t table, gfn_t gfn,
				 int level)
{
	struct pt_table *pt = &tdp->pt;
	uint64_t child_pages = tdp_level_size(level) >> PAGE_SHIFT;

	for (unsigned int i = 0; i < 512; i++) {
		hpa_t ptep = table + i * PT_ENTRY_SIZE;
		uint64_t e = pt->mm->read(pt->mm_arg, ptep);

		if (ept_present(e))
			tdp_mmu_set_spte(tdp, ptep, e, 0, gfn + i * child_pages,
					 level, 0);
	}
	pt->mm->write(pt->mm_arg, table, tdp->free_list);
	tdp->free_list = table;
}

static hpa_t tdp_mmu_alloc_table(struct tdp_mmu *tdp)
{
	hpa_t table = tdp->pt.mm->alloc_table(tdp->pt.mm_arg);

	if (table && ++tdp->stats.tables > tdp->stats.tables_peak)
		tdp->stats.tables_peak = tdp->stats.tables;
	return table;
}

static void tdp_mmu_free_table(struct tdp_mmu *tdp, hpa_t table)
{
	tdp->pt.mm->free_table(tdp->pt.mm_arg, table);
	tdp->stats.tables--;
}

/* Phases 2 and 3 of any batch of changes: one flush, then the frees. */
static void tdp_mmu_flush_and_free(struct tdp_mmu *tdp)
{
	struct pt_table *pt = &tdp->pt;

	if (tdp->flush_pending) {
		tdp->flush_pending = false;
		tdp->stats.flushes++;
		vm_flush_tlbs(tdp->vm);
	}
	while (tdp->free_list) {
		hpa_t table = tdp->free_list;

		tdp->free_list = pt->mm->read(pt->mm_arg, table);
		pt->mm->write(pt->mm_arg, table, 0);
		tdp_mmu_free_table(tdp, table);
	}
}

/*
 * Replace the huge leaf @old at @ptep by a table of 512 leaves one
 * level down that map the same memory with the same rights (KVM's
 * tdp_mmu_split_huge_page). The new table is filled before it is
 * linked, so nobody sees it half-built; only the link is an event.
 */
static int tdp_mmu_split_spte(struct tdp_mmu *tdp, hpa_t ptep, uint64_t old,
			      gfn_t gfn, int level)
{
	struct pt_table *pt = &tdp->pt;
	int child_level = level - 1;
	uint64_t child_size = tdp_level_size(child_level);
	uint64_t keep = old & (EPT_RWX | EPT_MT_MASK | EPT_IPAT | EPT_UX);
	hpa_t base = old & EPT_ADDR_MASK & ~(tdp_level_size(level) - 1);
	hpa_t table;

	if (HV_WARN_ON_ONCE(level < 2 || !ept_present(old) ||
			    !ept_is_leaf(old, level)))
		return -EINVAL;
	table = tdp_mmu_alloc_table(tdp);
	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < 512; i++)
		pt->mm->write(pt->mm_arg, table + i * PT_ENTRY_SIZE,
			      (base + i * child_size) | keep |
			      (child_level > 1 ? EPT_LARGE : 0));
	vm_emit(tdp->vm, EV_split_huge_page, level, gfn, old, 0, 0);
	tdp->stats.splits++;
	tdp_mmu_set_spte(tdp, ptep, old, ept_mk_table(table), gfn, level,
			 TDP_SPTE_SAME_TRANSLATION);
	return 0;
}

/* --- map ------------------------------------------------------------------ */

struct tdp_map_data {
	struct tdp_mmu *tdp;
	int level;		/* of the leaf to install */
	uint64_t leaf;		/* the leaf entry */
};

/*
 * Build the path to the target level and install the leaf (KVM's
 * kvm_tdp_mmu_map loop): above the target, a missing entry gets a new
 * table (which the walker then descends into) and a huge leaf is split;
 * at the target, whatever is there (nothing, a table, another leaf) is
 * replaced by the leaf.
 */
static int tdp_map_visitor(const struct pt_visit_ctx *ctx)
{
	struct tdp_map_data *data = ctx->arg;
	struct tdp_mmu *tdp = data->tdp;
	gfn_t gfn = tdp_entry_gfn(ctx->addr, ctx->level);
	hpa_t table;

	if (ctx->level == data->level) {
		if (ctx->old == data->leaf)
			return 0;
		tdp_mmu_set_spte(tdp, ctx->ptep, ctx->old, data->leaf, gfn,
				 ctx->level, 0);
		if (ctx->level == 3)
			tdp->stats.map_1g++;
		else if (ctx->level == 2)
			tdp->stats.map_2m++;
		else
			tdp->stats.map_4k++;
		return 0;
	}
	if (ctx->visit == PT_WALK_TABLE_PRE)
		return 0;	/* descend */
	if (ept_present(ctx->old))
		return tdp_mmu_split_spte(tdp, ctx->ptep, ctx->old, gfn,
					  ctx->level);
	table = tdp_mmu_alloc_table(tdp);
	if (!table)
		return -ENOMEM;
	tdp_mmu_set_spte(tdp, ctx->ptep, ctx->old, ept_mk_table(table), gfn,
			 ctx->level, 0);
	return 0;
}

static int __tdp_mmu_map(struct tdp_mmu *tdp, gfn_t gfn, int level,
			 hfn_t hfn, uint64_t rwx)
{
	struct tdp_map_data data = {
		.tdp = tdp,
		.level = level,
		.leaf = ept_mk_leaf(hfn_to_hpa(hfn), level, rwx),
	};
	struct pt_walker walker = {
		.cb = tdp_map_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE,
	};
	int ret;

	vm_emit(tdp->vm, EV_spte_requested, level, gfn, hfn, 0, 0);
	ret = pt_walk(&tdp->pt, gfn_to_gpa(gfn), PAGE_SIZE, &walker);
	tdp_mmu_flush_and_free(tdp);
	return ret;
}

static int tdp_level_of_shift(unsigned int shift)
{
	return shift >= 30 ? 3 : shift >= 21 ? 2 : 1;
}

int tdp_mmu_map(struct tdp_mmu *tdp, gfn_t gfn, int level)
{
	const struct memslot *slot = memslot_find(&tdp->vm->slots, gfn);
	unsigned int shift;
	gfn_t base;
	hfn_t hfn;

	if (level < 1 || level > 3 || !slot)
		return -EINVAL;
	shift = memslot_max_mapping_shift(&tdp->vm->slots, gfn,
					  ept_level_shift(level));
	if (tdp_level_of_shift(shift) < level)
		return -EINVAL;
	base = gfn & ~((tdp_level_size(level) >> PAGE_SHIFT) - 1);
	if (!memslot_gfn_to_hfn(&tdp->vm->slots, base, &hfn))
		return -EINVAL;
	return __tdp_mmu_map(tdp, base, level, hfn,
			     (slot->flags & MEMSLOT_READONLY) ? EPT_R | EPT_X
							      : EPT_RWX);
}

int tdp_mmu_page_fault(void *opaque, gpa_t gpa, uint64_t qual, gva_t gva)
{
	struct tdp_mmu *tdp = opaque;
	gfn_t gfn = gpa_to_gfn(gpa);
	const struct memslot *slot;
	unsigned int shift;
	int level;

	vm_emit(tdp->vm, EV_ept_violation, -1, gpa, qual, gva, 0);
	tdp->stats.faults++;
	slot = memslot_find(&tdp->vm->slots, gfn);
	/*
	 * Not RAM, or a write to a read-only slot: the access is emulated
	 * (KVM would cache an MMIO SPTE here; we let every access exit).
	 */
	if (!slot || ((qual & EPT_QUAL_WRITE) &&
		      (slot->flags & MEMSLOT_READONLY))) {
		tdp->stats.mmio_faults++;
		return 1;
	}
	shift = memslot_max_mapping_shift(&tdp->vm->slots, gfn,
					  ept_level_shift(tdp->max_level));
	level = tdp_level_of_shift(shift);
	return tdp_mmu_map(tdp, gfn, level);
}

/* --- zap ---------------------------------------------------------------------- */

struct tdp_zap_data {
	struct tdp_mmu *tdp;
	gpa_t start, end;
	uint64_t zapped;
};

/*
 * Phase 1 of a zap: clear every present leaf in the range, and every
 * table entry whose whole range lies inside it once its children are
 * gone (TABLE_POST runs after them).
 */
static int tdp_zap_visitor(const struct pt_visit_ctx *ctx)
{
	struct tdp_zap_data *data = ctx->arg;
	uint64_t size = tdp_level_size(ctx->level);
	gpa_t base = ctx->addr & ~(size - 1);

	if (!ept_present(ctx->old))
		return 0;
	if (ctx->visit == PT_WALK_LEAF) {
		data->zapped++;
	} else if (base < data->start || base + size > data->end) {
		return 0;	/* a table only partly in the range stays */
	}
	tdp_mmu_set_spte(data->tdp, ctx->ptep, ctx->old, 0,
			 gpa_to_gfn(base), ctx->level, 0);
	return 0;
}

/* gfns a 4-level EPT translates */
#define TDP_GFN_LIMIT (1ull << (48 - PAGE_SHIFT))

int tdp_mmu_zap_gfn_range(struct tdp_mmu *tdp, gfn_t start, gfn_t end)
{
	struct tdp_zap_data data = { .tdp = tdp };
	struct pt_walker walker = {
		.cb = tdp_zap_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_POST,
	};

	if (end > TDP_GFN_LIMIT)
		end = TDP_GFN_LIMIT;
	tdp->stats.zap_ranges++;
	if (start < end) {
		data.start = gfn_to_gpa(start);
		data.end = gfn_to_gpa(end);
		pt_walk(&tdp->pt, data.start, data.end - data.start, &walker);
	}
	tdp->stats.zapped += data.zapped;
	vm_emit(tdp->vm, EV_tdp_zap_range, -1, start, end, data.zapped, 0);
	tdp_mmu_flush_and_free(tdp);
	return (int)data.zapped;
}

/* --- split ------------------------------------------------------------------------- */

struct tdp_split_data {
	struct tdp_mmu *tdp;
	int target_level;
	int splits;
};

/* A huge leaf above the target is split; the walker then visits the
   new leaves, which are split again until they reach the target. */
static int tdp_split_visitor(const struct pt_visit_ctx *ctx)
{
	struct tdp_split_data *data = ctx->arg;
	int ret;

	if (!ept_present(ctx->old) || ctx->level <= data->target_level)
		return 0;
	ret = tdp_mmu_split_spte(data->tdp, ctx->ptep, ctx->old,
				 tdp_entry_gfn(ctx->addr, ctx->level),
				 ctx->level);
	if (!ret)
		data->splits++;
	return ret;
}

int tdp_mmu_split_huge_pages(struct tdp_mmu *tdp, gfn_t start, gfn_t end,
			     int target_level)
{
	struct tdp_split_data data = { .tdp = tdp, .target_level = target_level };
	struct pt_walker walker = {
		.cb = tdp_split_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF,
	};
	int ret = 0;

	if (target_level < 1 || target_level > 2)
		return -EINVAL;
	if (end > TDP_GFN_LIMIT)
		end = TDP_GFN_LIMIT;
	if (start < end)
		ret = pt_walk(&tdp->pt, gfn_to_gpa(start),
			      gfn_to_gpa(end - start), &walker);
	tdp_mmu_flush_and_free(tdp);
	return ret ? ret : data.splits;
}

/* --- life cycle and queries ---------------------------------------------------------- */

struct tdp_mmu *tdp_mmu_create(struct vm *vm)
{
	struct tdp_mmu *tdp = calloc(1, sizeof(*tdp));

	if (!tdp)
		return NULL;
	tdp->vm = vm;
	tdp->max_level = 3;
	tdp->pt.fmt = &ept4_format;
	tdp->pt.mm = &pt_arena_mm_ops;
	tdp->pt.mm_arg = &vm->arena;
	tdp->pt.root = tdp_mmu_alloc_table(tdp);
	if (!tdp->pt.root) {
		free(tdp);
		return NULL;
	}
	return tdp;
}

static const struct x86_mmu_hooks tdp_mmu_hooks = {
	.ept_violation = tdp_mmu_page_fault,
};

void tdp_mmu_attach(struct tdp_mmu *tdp, struct x86_mmu_hw *hw)
{
	hw->vm = tdp->vm;
	hw->tdp = true;
	hw->ept_root = tdp->pt.root;
	hw->ept_levels = EPT_LEVELS;
	hw->hooks = &tdp_mmu_hooks;
	hw->hooks_opaque = tdp;
}

void tdp_mmu_destroy(struct tdp_mmu *tdp)
{
	if (!tdp)
		return;
	/* Teardown changes nothing anyone can see: no events, no flush. */
	if (tdp->vm->arena.base && tdp->pt.root) {
		tdp_mmu_flush_and_free(tdp);
		tdp->stats.tables -= pt_free_subtables(&tdp->pt);
		tdp_mmu_free_table(tdp, tdp->pt.root);
		tdp->pt.root = 0;
	}
	free(tdp);
}

bool tdp_mmu_lookup(struct tdp_mmu *tdp, gpa_t gpa, hpa_t *hpa, int *level)
{
	uint64_t e;
	unsigned int depth;

	if (!pt_lookup(&tdp->pt, gpa, &e, &depth))
		return false;
	if (hpa)
		*hpa = ept4_format.oa(e, depth) |
		       (gpa & (pt_entry_size(&ept4_format, depth) - 1));
	if (level)
		*level = ept4_format.lvl[depth].level;
	return true;
}

void tdp_mmu_set_max_level(struct tdp_mmu *tdp, int level)
{
	tdp->max_level = level < 1 ? 1 : level > 3 ? 3 : level;
}

void tdp_mmu_get_stats(const struct tdp_mmu *tdp, struct tdp_mmu_stats *st)
{
	*st = tdp->stats;
}

int tdp_mmu_format_stats(const struct tdp_mmu *tdp, char *buf, size_t size)
{
	const struct tdp_mmu_stats *s = &tdp->stats;

	return snprintf(buf, size,
			"tdp_faults %llu\n"
			"tdp_mmio_faults %llu\n"
			"tdp_map_4k %llu\n"
			"tdp_map_2m %llu\n"
			"tdp_map_1g %llu\n"
			"tdp_zap_ranges %llu\n"
			"tdp_zapped %llu\n"
			"tdp_splits %llu\n"
			"tdp_spte_changes %llu\n"
			"tdp_flushes %llu\n"
			"tdp_tables %llu\n"
			"tdp_tables_peak %llu\n",
			(unsigned long long)s->faults,
			(unsigned long long)s->mmio_faults,
			(unsigned long long)s->map_4k,
			(unsigned long long)s->map_2m,
			(unsigned long long)s->map_1g,
			(unsigned long long)s->zap_ranges,
			(unsigned long long)s->zapped,
			(unsigned long long)s->splits,
			(unsigned long long)s->spte_changes,
			(unsigned long long)s->flushes,
			(unsigned long long)s->tables,
			(unsigned long long)s->tables_peak);
}

static uint64_t tdp_dump_size(gpa_t start, gpa_t end)
{
	return (end && end > start) ? end - start : UINT64_MAX - start;
}

int tdp_mmu_dump(struct tdp_mmu *tdp, gpa_t start, gpa_t end, char *buf,
		 size_t size)
{
	return (int)pt_dump_buf(&tdp->pt, start, tdp_dump_size(start, end),
				buf, size);
}

int tdp_mmu_dump_lines(struct tdp_mmu *tdp, gpa_t start, gpa_t end,
		       pt_dump_line_fn fn, void *opaque)
{
	return pt_dump(&tdp->pt, start, tdp_dump_size(start, end), fn, opaque);
}
