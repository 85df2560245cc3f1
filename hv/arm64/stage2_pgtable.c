// SPDX-License-Identifier: MIT
/*
 * The stage-2 page-table library (see stage2_pgtable.h), as KVM's
 * arch/arm64/kvm/hyp/pgtable.c: every operation is a visitor over
 * hv/pt's walker plus a private data struct, and every descriptor change
 * goes through s2_set_pte().
 *
 * Reference card (Arm ARM D8.3, stage-2 descriptors; mmu_hw.h has the
 * bit names):
 *
 *   [1:0]    x0 invalid, 01 block (L1/L2), 11 table (L0-L2) / page (L3)
 *   table    NEXT[47:pg_shift] | 0b11
 *   leaf     OA[47:shift(L)] XN[54] AF[10] SH[9:8] S2AP[7:6] MemAttr[5:2]
 *            S2AP bit 6 read, bit 7 write; XN executes-never;
 *            MemAttr 0b1111 Normal WB, 0b0000 Device-nGnRnE
 *   AF       the hardware never sets it (no FEAT_HAFDBS here): a leaf
 *            with AF clear takes an access flag fault on any access
 *
 * TLB maintenance: the hardware's TLB may hold any translation a valid
 * leaf gave. A change that takes rights away, moves the output, clears
 * AF or the leaf, or unlinks a table needs a flush before the memory or
 * the table can be reused (break-before-make); a change that only adds
 * rights or sets AF does not (the hardware re-walks on a permission
 * miss, and an entry with AF clear was never cached).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/arm64/stage2_pgtable.h>

/* --- memory: granule-sized tables from the arena ----------------------------- */

static struct arena *s2_arena(struct s2_pgtable *pgt)
{
	return &pgt->vm->arena;
}

static uint64_t s2_mm_read(void *arg, hpa_t addr)
{
	return arena_read64(s2_arena(arg), addr);
}

static void s2_mm_write(void *arg, hpa_t addr, uint64_t val)
{
	arena_write64(s2_arena(arg), addr, val);
}

static void s2_count_tables(struct s2_pgtable *pgt, int64_t n)
{
	pgt->stats.tables += (uint64_t)n;
	if (pgt->stats.tables > pgt->stats.tables_peak)
		pgt->stats.tables_peak = pgt->stats.tables;
}

/*
 * One table of the granule's size. A 4 KiB table is one pool page; a 16
 * or 64 KiB one is a block of pages, which the pool can only carve from
 * its fresh end, so freed blocks are kept on pgt->cache for reuse.
 */
static hpa_t s2_mm_alloc(void *arg)
{
	struct s2_pgtable *pgt = arg;
	struct arena *arena = s2_arena(pgt);
	hpa_t table = 0;

	if (pgt->cache) {
		table = pgt->cache;
		pgt->cache = arena_read64(arena, table);
		memset(arena_hva(arena, table, pgt->geom.granule), 0,
		       pgt->geom.granule);
	} else {
		table = arena_alloc_table_block(arena, pgt->geom.table_order);
	}
	if (table)
		s2_count_tables(pgt, 1);
	return table;
}

static void s2_mm_free(void *arg, hpa_t table)
{
	struct s2_pgtable *pgt = arg;
	struct arena *arena = s2_arena(pgt);

	if (!table)
		return;
	s2_count_tables(pgt, -1);
	if (!pgt->geom.table_order) {
		arena_free_table(arena, table);
		return;
	}
	memset(arena_hva(arena, table, pgt->geom.granule), 0, pgt->geom.granule);
	arena_write64(arena, table, pgt->cache);
	pgt->cache = table;
}

static const struct pt_mem_ops s2_mm_ops = {
	.read = s2_mm_read,
	.write = s2_mm_write,
	.alloc_table = s2_mm_alloc,
	.free_table = s2_mm_free,
};

/* Give 2^@order pool pages at @hpa back to the arena one by one. */
static void s2_release_block(struct arena *arena, hpa_t hpa, unsigned int order)
{
	for (uint64_t i = 0; i < 1ull << order; i++)
		arena_free_table(arena, hpa + i * PAGE_SIZE);
}

/* --- descriptors --------------------------------------------------------------- */

static bool s2_pte_valid(uint64_t pte)
{
	return pte & S2_DESC_VALID;
}

static bool s2_pte_is_table(uint64_t pte, int level)
{
	return s2_pte_valid(pte) && level < S2_LAST_LEVEL &&
	       (pte & S2_DESC_TABLE);
}

uint64_t s2_mk_leaf(hpa_t phys, int level, uint32_t prot)
{
	uint64_t pte = (phys & S2_DESC_OA_MASK) | S2_DESC_VALID | S2_DESC_AF |
		       S2_DESC_SH_INNER;

	if (level == S2_LAST_LEVEL)
		pte |= S2_DESC_TABLE;	/* 0b11: a page */
	pte |= (prot & S2_PROT_DEVICE) ? S2_DESC_MEMATTR_DEVICE
				       : S2_DESC_MEMATTR_NORMAL;
	if (prot & S2_PROT_R)
		pte |= S2_DESC_S2AP_R;
	if (prot & S2_PROT_W)
		pte |= S2_DESC_S2AP_W;
	if (!(prot & S2_PROT_X) || (prot & S2_PROT_DEVICE))
		pte |= S2_DESC_XN;
	return pte;
}

uint32_t s2_pte_prot(uint64_t pte)
{
	uint32_t prot = 0;

	if (pte & S2_DESC_S2AP_R)
		prot |= S2_PROT_R;
	if (pte & S2_DESC_S2AP_W)
		prot |= S2_PROT_W;
	if (!(pte & S2_DESC_XN))
		prot |= S2_PROT_X;
	if ((pte & S2_DESC_MEMATTR_MASK) == S2_DESC_MEMATTR_DEVICE)
		prot |= S2_PROT_DEVICE;
	return prot;
}

hpa_t s2_pte_hpa(const struct s2_geom *g, uint64_t pte, int level, ipa_t addr)
{
	uint64_t mask = s2_level_size(g, level) - 1;

	return (pte & S2_DESC_OA_MASK & ~mask) | (addr & mask);
}

/* The hpa an event reports: what @new points at, or @old's when cleared. */
static hpa_t s2_event_hpa(uint64_t old, uint64_t new)
{
	return (s2_pte_valid(new) ? new : old) & S2_DESC_OA_MASK;
}

/*
 * Does replacing the valid descriptor @old by @new need a TLB flush
 * before anything is reused? Only when a translation goes away or
 * shrinks (see the card above).
 */
static bool s2_pte_needs_flush(uint64_t old, uint64_t new, int level)
{
	uint64_t kept = S2_DESC_S2AP_R | S2_DESC_S2AP_W | S2_DESC_AF;

	if (s2_pte_is_table(old, level) || !s2_pte_valid(new) ||
	    s2_pte_is_table(new, level))
		return true;
	if ((old ^ new) & (S2_DESC_OA_MASK | S2_DESC_MEMATTR_MASK))
		return true;
	if (old & ~new & kept)
		return true;		/* a right or AF taken away */
	return !(old & S2_DESC_XN) && (new & S2_DESC_XN);
}

/* --- the one setter ------------------------------------------------------------ */

static void s2_retire_table(struct s2_pgtable *pgt, hpa_t table, ipa_t ipa,
			    int level);

/*
 * Every stage-2 descriptor change (KVM: stage2_make_pte / the visitors'
 * smp_store_release plus its bookkeeping): write @new over @old at @ptep,
 * the descriptor at @level mapping from @ipa, emit @why (the operation's
 * event), note a pending flush, and retire a table that is no longer
 * linked.
 */
static void s2_set_pte(struct s2_pgtable *pgt, hpa_t ptep, uint64_t old,
		       uint64_t new, ipa_t ipa, int level, enum ev_kind why)
{
	struct pt_table *pt = &pgt->pt;

	pt->mm->write(pt->mm_arg, ptep, new);
	pgt->stats.pte_changes++;
	vm_emit(pgt->vm, why, level, ipa, s2_event_hpa(old, new), old, new);
	if (!s2_pte_valid(old) || old == new)
		return;
	if (s2_pte_needs_flush(old, new, level))
		pgt->flush_pending = true;
	if (s2_pte_is_table(old, level) &&
	    (!s2_pte_is_table(new, level) ||
	     (old & S2_DESC_OA_MASK) != (new & S2_DESC_OA_MASK)))
		s2_retire_table(pgt, old & S2_DESC_OA_MASK, ipa, level + 1);
}

/*
 * A table at @level that nothing links any more (KVM: the unlinked
 * table freed after the TLBI): clear its valid descriptors through the
 * setter, so every translation that goes away is an event and deeper
 * tables are retired too, then queue it to be freed after the flush.
 */
static void s2_retire_table(struct s2_pgtable *pgt, hpa_t table, ipa_t ipa,
			    int level)
{
	struct pt_table *pt = &pgt->pt;
	uint64_t size = s2_level_size(&pgt->geom, level);
	unsigned int n = 1u << pgt->geom.hw.stride;

	for (unsigned int i = 0; i < n; i++) {
		hpa_t ptep = table + (hpa_t)i * PT_ENTRY_SIZE;
		uint64_t pte = pt->mm->read(pt->mm_arg, ptep);

		if (s2_pte_valid(pte))
			s2_set_pte(pgt, ptep, pte, 0, ipa + i * size, level,
				   EV_unmap);
	}
	pt->mm->write(pt->mm_arg, table, pgt->free_list);
	pgt->free_list = table;
}

/* Phases 2 and 3 of every operation: one flush, then the frees. */
static void s2_flush_and_free(struct s2_pgtable *pgt)
{
	struct pt_table *pt = &pgt->pt;

	if (pgt->flush_pending) {
		pgt->flush_pending = false;
		pgt->stats.flushes++;
		vm_flush_tlbs(pgt->vm);
	}
	while (pgt->free_list) {
		hpa_t table = pgt->free_list;

		pgt->free_list = pt->mm->read(pt->mm_arg, table);
		pt->mm->write(pt->mm_arg, table, 0);
		pt->mm->free_table(pt->mm_arg, table);
	}
}

/* The base ipa of the descriptor a visit is at. */
static ipa_t s2_ctx_base(const struct pt_visit_ctx *ctx)
{
	return ctx->addr & ~(pt_entry_size(ctx->pt->fmt, ctx->depth) - 1);
}

/* --- life cycle and the walker ------------------------------------------------ */

int s2_pgtable_init(struct s2_pgtable *pgt, struct vm *vm,
		    unsigned int ipa_bits, unsigned int granule)
{
	int ret;

	memset(pgt, 0, sizeof(*pgt));
	ret = s2_geom_init(&pgt->geom, ipa_bits, granule);
	if (ret)
		return ret;
	s2_format_init(&pgt->fmt, &pgt->geom);
	pgt->vm = vm;
	pgt->pt.fmt = &pgt->fmt;
	pgt->pt.mm = &s2_mm_ops;
	pgt->pt.mm_arg = pgt;
	pgt->pt.root = arena_alloc_table_block(&vm->arena, pgt->geom.root_order);
	if (!pgt->pt.root)
		return -ENOMEM;
	s2_count_tables(pgt, 1 << (pgt->geom.root_order - pgt->geom.table_order));
	return 0;
}

void s2_pgtable_destroy(struct s2_pgtable *pgt)
{
	struct arena *arena;

	if (!pgt->vm || !pgt->pt.root)
		return;
	arena = s2_arena(pgt);
	/* Teardown changes nothing anyone can see: no events, no flush. */
	pgt->flush_pending = false;
	s2_flush_and_free(pgt);
	pt_free_subtables(&pgt->pt);
	s2_release_block(arena, pgt->pt.root, pgt->geom.root_order);
	s2_count_tables(pgt, -(1 << (pgt->geom.root_order -
				     pgt->geom.table_order)));
	pgt->pt.root = 0;
	while (pgt->cache) {
		hpa_t table = pgt->cache;

		pgt->cache = arena_read64(arena, table);
		s2_release_block(arena, table, pgt->geom.table_order);
	}
}

int s2_pgtable_walk(struct s2_pgtable *pgt, ipa_t addr, uint64_t size,
		    const struct pt_walker *walker)
{
	return pt_walk(&pgt->pt, addr, size, walker);
}

/* --- map ----------------------------------------------------------------------- */

struct s2_map_data {
	struct s2_pgtable *pgt;
	ipa_t start;		/* of the range: phys maps it */
	hpa_t phys;
	uint32_t prot;
};

/*
 * KVM's stage2_map_walker: where a leaf fits (s2_block_mapping_supported
 * for this piece of the range and its PA) install it, whatever is there
 * (a table in the way is retired by the setter, and the walker, reading
 * the entry again, does not descend). Above that, descend through a
 * table (TABLE_PRE) or make one (LEAF: nothing there, or a block that is
 * too big, broken before the table is made).
 */
static int s2_map_visitor(const struct pt_visit_ctx *ctx)
{
	struct s2_map_data *data = ctx->arg;
	struct s2_pgtable *pgt = data->pgt;
	hpa_t phys = data->phys + (ctx->addr - data->start);
	ipa_t base = s2_ctx_base(ctx);
	uint64_t new;
	hpa_t table;

	if (s2_block_mapping_supported(&pgt->geom, ctx->level, ctx->addr,
				       ctx->end, phys)) {
		new = s2_mk_leaf(phys, ctx->level, data->prot);
		if (new == ctx->old)
			return 0;
		s2_set_pte(pgt, ctx->ptep, ctx->old, new, base, ctx->level,
			   EV_map);
		pgt->stats.map[ctx->level]++;
		return 0;
	}
	if (ctx->visit == PT_WALK_TABLE_PRE)
		return 0;
	if (HV_WARN_ON_ONCE(ctx->level == S2_LAST_LEVEL))
		return -EINVAL;
	table = pgt->pt.mm->alloc_table(pgt->pt.mm_arg);
	if (!table)
		return -ENOMEM;
	s2_set_pte(pgt, ctx->ptep, ctx->old, pgt->fmt.mk_table(table), base,
		   ctx->level, EV_map_table);
	pgt->stats.map_tables++;
	return 0;
}

static bool s2_range_ok(const struct s2_pgtable *pgt, ipa_t addr,
			uint64_t size)
{
	uint64_t limit = 1ull << pgt->geom.hw.ipa_bits;

	return size && addr < limit && size <= limit - addr &&
	       !((addr | size) & (pgt->geom.granule - 1));
}

int s2_pgtable_map(struct s2_pgtable *pgt, ipa_t addr, uint64_t size,
		   hpa_t phys, uint32_t prot)
{
	struct s2_map_data data = {
		.pgt = pgt, .start = addr, .phys = phys, .prot = prot,
	};
	struct pt_walker walker = {
		.cb = s2_map_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE,
	};
	int ret;

	if (!s2_range_ok(pgt, addr, size) || (phys & (pgt->geom.granule - 1)))
		return -EINVAL;
	ret = s2_pgtable_walk(pgt, addr, size, &walker);
	s2_flush_and_free(pgt);
	return ret;
}

/* --- unmap --------------------------------------------------------------------- */

struct s2_unmap_data {
	struct s2_pgtable *pgt;
	int unmapped;
};

static bool s2_table_empty(struct s2_pgtable *pgt, hpa_t table)
{
	unsigned int n = 1u << pgt->geom.hw.stride;

	for (unsigned int i = 0; i < n; i++)
		if (s2_pte_valid(pgt->pt.mm->read(pgt->pt.mm_arg,
						  table + (hpa_t)i * PT_ENTRY_SIZE)))
			return false;
	return true;
}

/*
 * KVM's stage2_unmap_walker: clear every valid leaf the walk meets; on
 * the way back up (TABLE_POST), unlink a table the unmap left empty (KVM
 * knows by its page refcount, we by looking).
 */
static int s2_unmap_visitor(const struct pt_visit_ctx *ctx)
{
	struct s2_unmap_data *data = ctx->arg;
	struct s2_pgtable *pgt = data->pgt;

	if (!s2_pte_valid(ctx->old))
		return 0;
	if (ctx->visit == PT_WALK_LEAF)
		data->unmapped++;
	else if (!s2_table_empty(pgt, ctx->old & S2_DESC_OA_MASK))
		return 0;
	s2_set_pte(pgt, ctx->ptep, ctx->old, 0, s2_ctx_base(ctx), ctx->level,
		   EV_unmap);
	return 0;
}

int s2_pgtable_unmap(struct s2_pgtable *pgt, ipa_t addr, uint64_t size)
{
	struct s2_unmap_data data = { .pgt = pgt };
	struct pt_walker walker = {
		.cb = s2_unmap_visitor,
		.arg = &data,
		.flags = PT_WALK_LEAF | PT_WALK_TABLE_POST,
	};

	s2_pgtable_walk(pgt, addr, size, &walker);
	s2_flush_and_free(pgt);
	pgt->stats.unmapped += (uint64_t)data.unmapped;
	return data.unmapped;
}

/* --- attribute changes: wrprotect, mkold, mkyoung, relax_perms ---------------- */

/*
 * KVM's stage2_attr_walker: on each valid leaf, set @set and clear
 * @clr; when that changes the leaf, write it through the setter as
 * event @why.
 */
struct s2_attr_data {
	struct s2_pgtable *pgt;
	uint64_t set, clr;
	enum ev_kind why;
	int changed;
	bool must_exist;	/* -ENOENT when a visit finds no valid leaf */
};

static int s2_attr_visitor(const struct pt_visit_ctx *ctx)
{
	struct s2_attr_data *data = ctx->arg;
	uint64_t new;

	if (!s2_pte_valid(ctx->old))
		return data->must_exist ? -ENOENT : 0;
	new = (ctx->old & ~data->clr) | data->set;
	if (new == ctx->old)
		return 0;
	s2_set_pte(data->pgt, ctx->ptep, ctx->old, new, s2_ctx_base(ctx),
		   ctx->level, data->why);
	data->changed++;
	return 0;
}

static int s2_update_attrs(struct s2_pgtable *pgt, ipa_t addr, uint64_t size,
			   struct s2_attr_data *data)
{
	struct pt_walker walker = {
		.cb = s2_attr_visitor,
		.arg = data,
		.flags = PT_WALK_LEAF,
	};
	int ret;

	data->pgt = pgt;
	ret = s2_pgtable_walk(pgt, addr, size, &walker);
	s2_flush_and_free(pgt);
	return ret ? ret : data->changed;
}

int s2_pgtable_wrprotect(struct s2_pgtable *pgt, ipa_t addr, uint64_t size)
{
	struct s2_attr_data data = { .clr = S2_DESC_S2AP_W, .why = EV_wrprotect };
	int n = s2_update_attrs(pgt, addr, size, &data);

	pgt->stats.wrprotected += (uint64_t)n;
	return n;
}

int s2_pgtable_mkold(struct s2_pgtable *pgt, ipa_t addr, uint64_t size)
{
	struct s2_attr_data data = { .clr = S2_DESC_AF, .why = EV_mkold };
	int n = s2_update_attrs(pgt, addr, size, &data);

	pgt->stats.mkold += (uint64_t)n;
	return n;
}

int s2_pgtable_mkyoung(struct s2_pgtable *pgt, ipa_t addr)
{
	struct s2_attr_data data = {
		.set = S2_DESC_AF, .why = EV_mkyoung, .must_exist = true,
	};
	int n = s2_update_attrs(pgt, addr, 1, &data);

	if (n < 0)
		return n;
	pgt->stats.mkyoung += (uint64_t)n;
	return 0;
}

int s2_pgtable_relax_perms(struct s2_pgtable *pgt, ipa_t addr, uint32_t prot)
{
	struct s2_attr_data data = { .why = EV_relax_perms, .must_exist = true };
	int n;

	if (prot & S2_PROT_R)
		data.set |= S2_DESC_S2AP_R;
	if (prot & S2_PROT_W)
		data.set |= S2_DESC_S2AP_W;
	if (prot & S2_PROT_X)
		data.clr |= S2_DESC_XN;
	n = s2_update_attrs(pgt, addr, 1, &data);
	if (n < 0)
		return n;
	pgt->stats.relaxed += (uint64_t)n;
	return 0;
}

/* --- lookups and dumps ---------------------------------------------------------- */

int s2_pgtable_get_leaf(struct s2_pgtable *pgt, ipa_t addr, uint64_t *pte,
			int *level)
{
	uint64_t e = 0;
	unsigned int depth = 0;
	bool found = pt_lookup(&pgt->pt, addr, &e, &depth);

	if (pte)
		*pte = e;
	if (level)
		*level = pgt->geom.hw.start_level + (int)depth;
	return found ? 0 : -ENOENT;
}

int s2_pgtable_dump(struct s2_pgtable *pgt, ipa_t start, ipa_t end,
		    char *buf, size_t size)
{
	const struct s2_geom *g = &pgt->geom;
	uint64_t limit = 1ull << g->hw.ipa_bits;
	unsigned int per_table = 1u << (g->hw.root_bits < g->hw.stride ?
					g->hw.root_bits : g->hw.stride);
	char head[512], geom[200];
	int n;
	size_t len;

	if (!end || end > limit)
		end = limit;
	s2_geom_describe(g, geom, sizeof(geom));
	if (g->hw.concat > 1)
		n = snprintf(head, sizeof(head),
			     "stage 2: %s\nroot at hpa %#llx: level %d (%u "
			     "concatenated tables of %u entries: L%d[i] is entry "
			     "i %% %u of table i / %u)\n",
			     geom, (unsigned long long)pgt->pt.root,
			     g->hw.start_level, g->hw.concat, per_table,
			     g->hw.start_level, per_table, per_table);
	else
		n = snprintf(head, sizeof(head),
			     "stage 2: %s\nroot at hpa %#llx: level %d (one "
			     "table, %u entries)\n",
			     geom, (unsigned long long)pgt->pt.root,
			     g->hw.start_level, per_table);
	if (n < 0)
		return n;
	len = (size_t)n < sizeof(head) ? (size_t)n : sizeof(head) - 1;
	if (size)
		snprintf(buf, size, "%s", head);
	if (start >= end)
		return (int)len;
	if (size > len)
		return (int)(len + pt_dump_buf(&pgt->pt, start, end - start,
					       buf + len, size - len));
	return (int)(len + pt_dump_buf(&pgt->pt, start, end - start, NULL, 0));
}
