// SPDX-License-Identifier: MIT
/*
 * The table walker: visit the entries of a table tree that cover an
 * address range, calling a visitor on each (see hv/include/hv/pt.h).
 *
 * The walk is a depth-first recursion over at most PT_MAX_DEPTH levels.
 * One cursor (data->addr) moves through the range: each entry the walk
 * finishes moves it to the first address of the next entry, so a child
 * table walk that ends at its table's end leaves the parent's loop at
 * the right place.
 */
#include <hv/arena.h>
#include <hv/pt.h>

/* --- memory ops over the arena -------------------------------------------- */

static uint64_t arena_mm_read(void *arg, hpa_t addr)
{
	return arena_read64(arg, addr);
}

static void arena_mm_write(void *arg, hpa_t addr, uint64_t val)
{
	arena_write64(arg, addr, val);
}

static hpa_t arena_mm_alloc(void *arg)
{
	return arena_alloc_table(arg);
}

static void arena_mm_free(void *arg, hpa_t table)
{
	arena_free_table(arg, table);
}

const struct pt_mem_ops pt_arena_mm_ops = {
	.read = arena_mm_read,
	.write = arena_mm_write,
	.alloc_table = arena_mm_alloc,
	.free_table = arena_mm_free,
};

/* --- format helpers --------------------------------------------------------- */

uint64_t pt_format_limit(const struct pt_format *fmt)
{
	unsigned int top = fmt->lvl[0].shift + fmt->lvl[0].bits;

	return top >= 64 ? 0 : 1ull << top;
}

int pt_format_depth(const struct pt_format *fmt, int level)
{
	for (unsigned int d = 0; d < fmt->depth; d++)
		if (fmt->lvl[d].level == level)
			return (int)d;
	return -1;
}

/*
 * A present entry is followed as a table unless the format calls it a
 * leaf; at the last level everything present is a leaf whatever its
 * bits say, so a malformed entry can never send the walk deeper than
 * the format allows.
 */
static bool pt_is_table(const struct pt_format *fmt, uint64_t e,
			unsigned int depth)
{
	return fmt->present(e) && depth + 1 < fmt->depth && !fmt->leaf(e, depth);
}

/* --- the walker --------------------------------------------------------------- */

struct pt_walk_data {
	struct pt_table *pt;
	const struct pt_walker *walker;
	uint64_t addr;		/* the cursor */
	uint64_t end;
};

static int pt_walk_table(struct pt_walk_data *data, hpa_t table,
			 unsigned int depth);

static int pt_walk_entry(struct pt_walk_data *data, hpa_t ptep,
			 unsigned int depth, unsigned int index)
{
	struct pt_table *pt = data->pt;
	const struct pt_format *fmt = pt->fmt;
	const struct pt_walker *walker = data->walker;
	uint64_t size = pt_entry_size(fmt, depth);
	struct pt_visit_ctx ctx = {
		.pt = pt,
		.ptep = ptep,
		.old = pt->mm->read(pt->mm_arg, ptep),
		.addr = data->addr,
		.end = data->end,
		.level = fmt->lvl[depth].level,
		.depth = depth,
		.index = index,
		.arg = walker->arg,
	};
	bool table = pt_is_table(fmt, ctx.old, depth);
	bool reload = false;
	int ret = 0;

	if (table && (walker->flags & PT_WALK_TABLE_PRE)) {
		ctx.visit = PT_WALK_TABLE_PRE;
		ret = walker->cb(&ctx);
		reload = true;
	}
	if (!table && (walker->flags & PT_WALK_LEAF)) {
		ctx.visit = PT_WALK_LEAF;
		ret = walker->cb(&ctx);
		reload = true;
	}
	/*
	 * The callback may have changed the entry: a LEAF visitor that
	 * linked a new table wants it walked; a TABLE_PRE visitor that
	 * replaced the table by a leaf wants the old child left alone.
	 */
	if (reload) {
		ctx.old = pt->mm->read(pt->mm_arg, ptep);
		table = pt_is_table(fmt, ctx.old, depth);
	}
	if (ret)
		return ret;

	if (!table) {
		data->addr = (data->addr & ~(size - 1)) + size;
		return 0;
	}

	ret = pt_walk_table(data, fmt->oa(ctx.old, depth), depth + 1);
	if (ret)
		return ret;

	if (walker->flags & PT_WALK_TABLE_POST) {
		ctx.visit = PT_WALK_TABLE_POST;
		ret = walker->cb(&ctx);
	}
	return ret;
}

static int pt_walk_table(struct pt_walk_data *data, hpa_t table,
			 unsigned int depth)
{
	const struct pt_format *fmt = data->pt->fmt;
	unsigned int n = 1u << fmt->lvl[depth].bits;

	for (unsigned int i = pt_index(fmt, depth, data->addr); i < n; i++) {
		int ret;

		/* data->addr == 0 after the last entry of a 2^64 space. */
		if (data->addr >= data->end || (i && !data->addr))
			break;
		ret = pt_walk_entry(data, table + (hpa_t)i * PT_ENTRY_SIZE,
				    depth, i);
		if (ret)
			return ret;
	}
	return 0;
}

int pt_walk(struct pt_table *pt, uint64_t addr, uint64_t size,
	    const struct pt_walker *walker)
{
	uint64_t limit = pt_format_limit(pt->fmt);
	struct pt_walk_data data = {
		.pt = pt,
		.walker = walker,
		.addr = addr,
	};

	if (!size || !pt->root)
		return 0;
	if (limit && addr >= limit)
		return 0;
	/* end = min(addr + size, limit), without overflowing. */
	data.end = size > UINT64_MAX - addr ? UINT64_MAX : addr + size;
	if (limit && data.end > limit)
		data.end = limit;
	return pt_walk_table(&data, pt->root, 0);
}

/* --- simple walks --------------------------------------------------------------- */

bool pt_lookup(struct pt_table *pt, uint64_t addr, uint64_t *entry,
	       unsigned int *depth)
{
	const struct pt_format *fmt = pt->fmt;
	hpa_t table = pt->root;
	uint64_t limit = pt_format_limit(fmt);

	if (!table || (limit && addr >= limit))
		return false;
	/* Walking one path is a loop, not a visit: this is the library. */
	for (unsigned int d = 0; d < fmt->depth; d++) {
		hpa_t ptep = table + (hpa_t)pt_index(fmt, d, addr) * PT_ENTRY_SIZE;
		uint64_t e = pt->mm->read(pt->mm_arg, ptep);

		if (entry)
			*entry = e;
		if (depth)
			*depth = d;
		if (!fmt->present(e))
			return false;
		if (!pt_is_table(fmt, e, d))
			return true;
		table = fmt->oa(e, d);
	}
	return false;
}

struct pt_free_data {
	uint64_t freed;
};

static int pt_free_visitor(const struct pt_visit_ctx *ctx)
{
	struct pt_free_data *data = ctx->arg;
	struct pt_table *pt = ctx->pt;

	/* TABLE_POST: the child's own children are already gone. */
	pt->mm->free_table(pt->mm_arg, pt->fmt->oa(ctx->old, ctx->depth));
	data->freed++;
	return 0;
}

uint64_t pt_free_subtables(struct pt_table *pt)
{
	struct pt_free_data data = { 0 };
	struct pt_walker walker = {
		.cb = pt_free_visitor,
		.arg = &data,
		.flags = PT_WALK_TABLE_POST,
	};
	uint64_t limit = pt_format_limit(pt->fmt);

	pt_walk(pt, 0, limit ? limit : UINT64_MAX, &walker);
	return data.freed;
}
