/* SPDX-License-Identifier: MIT */
/* hv/pt: the shared table walker, lookup, teardown and dumper. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/pt.h>

#include "hv/x86/ept.h"

/*
 * A toy format: 3 levels numbered 3..1 as x86 numbers them (1 GiB,
 * 2 MiB, 4 KiB per entry), bit 0 valid, bit 1 block (a leaf above the
 * last level), address in bits 47:12.
 */
#define TOY_V BIT(0)
#define TOY_B BIT(1)
#define TOY_ADDR GENMASK(47, 12)

static bool toy_present(uint64_t e) { return e & TOY_V; }
static bool toy_leaf(uint64_t e, unsigned int depth) { return depth == 2 || (e & TOY_B); }
static uint64_t toy_oa(uint64_t e, unsigned int depth) { return e & TOY_ADDR; }
static uint32_t toy_perms(uint64_t e, unsigned int depth) { return 0; }
static uint64_t toy_mk_table(hpa_t t) { return t | TOY_V; }

static const struct pt_format toy_format = {
	.name = "toy3",
	.depth = 3,
	.root_pages = 1,
	.lvl = {
		{ .level = 3, .shift = 30, .bits = 9, .name = "L3" },
		{ .level = 2, .shift = 21, .bits = 9, .block_ok = true, .name = "L2" },
		{ .level = 1, .shift = 12, .bits = 9, .block_ok = true, .name = "L1" },
	},
	.present = toy_present,
	.leaf = toy_leaf,
	.oa = toy_oa,
	.perms = toy_perms,
	.mk_table = toy_mk_table,
};

/* An arm64-like format with a concatenated root: 2 pages, 1024 entries. */
static const struct pt_format toy_concat_format = {
	.name = "toy-concat",
	.depth = 2,
	.root_pages = 2,
	.lvl = {
		{ .level = 2, .shift = 21, .bits = 10, .name = "L2" },
		{ .level = 3, .shift = 12, .bits = 9, .name = "L3" },
	},
	.present = toy_present,
	.leaf = toy_leaf,
	.oa = toy_oa,
	.perms = toy_perms,
	.mk_table = toy_mk_table,
};

struct visit {
	enum pt_walk_flags visit;
	int level;
	uint64_t addr;
	hpa_t ptep;
};

struct recorder {
	int n;
	struct visit v[1200];
};

static struct arena arena;
static struct pt_table pt;
static uint64_t tables_at_start;

static void setup(void)
{
	cr_assert_eq(arena_init(&arena, 4 * MiB, 64 * PAGE_SIZE), 0);
	tables_at_start = arena.tables_in_use;
	pt.fmt = &toy_format;
	pt.mm = &pt_arena_mm_ops;
	pt.mm_arg = &arena;
	pt.root = arena_alloc_table(&arena);
	cr_assert(pt.root);
}

static void teardown(void)
{
	arena_destroy(&arena);
}

static int record_visitor(const struct pt_visit_ctx *ctx)
{
	struct recorder *r = ctx->arg;

	cr_assert_lt(r->n, (int)ARRAY_SIZE(r->v));
	r->v[r->n++] = (struct visit){ ctx->visit, ctx->level, ctx->addr, ctx->ptep };
	return 0;
}

static void record(struct recorder *r, uint64_t addr, uint64_t size,
		   uint32_t flags)
{
	struct pt_walker w = { .cb = record_visitor, .arg = r, .flags = flags };

	memset(r, 0, sizeof(*r));
	cr_assert_eq(pt_walk(&pt, addr, size, &w), 0);
}

#define ALL (PT_WALK_LEAF | PT_WALK_TABLE_PRE | PT_WALK_TABLE_POST)
#define PRE PT_WALK_TABLE_PRE
#define LEAF PT_WALK_LEAF
#define POST PT_WALK_TABLE_POST

static void expect(const struct recorder *r, const struct visit *want, int n)
{
	cr_assert_eq(r->n, n, "%d visits, expected %d", r->n, n);
	for (int i = 0; i < n; i++) {
		cr_expect_eq(r->v[i].visit, want[i].visit, "visit %d kind %d, want %d",
			     i, r->v[i].visit, want[i].visit);
		cr_expect_eq(r->v[i].level, want[i].level, "visit %d level %d, want %d",
			     i, r->v[i].level, want[i].level);
		cr_expect_eq(r->v[i].addr, want[i].addr, "visit %d addr %#llx, want %#llx",
			     i, (unsigned long long)r->v[i].addr,
			     (unsigned long long)want[i].addr);
	}
}

/* A "map" visitor: links tables on the way down, then writes 4 KiB
   leaves mapping addr -> addr + 1 GiB. */
static int map_visitor(const struct pt_visit_ctx *ctx)
{
	struct pt_table *t = ctx->pt;
	uint64_t base = ctx->addr & PAGE_MASK;

	if (ctx->depth + 1 < t->fmt->depth) {
		hpa_t table;

		if (toy_present(ctx->old))
			return 0;
		table = t->mm->alloc_table(t->mm_arg);
		if (!table)
			return -ENOMEM;
		t->mm->write(t->mm_arg, ctx->ptep, t->fmt->mk_table(table));
		return 0;
	}
	t->mm->write(t->mm_arg, ctx->ptep, (base + GiB) | TOY_V);
	return 0;
}

static void map_range(uint64_t addr, uint64_t size)
{
	struct pt_walker w = { .cb = map_visitor, .flags = PT_WALK_LEAF };

	cr_assert_eq(pt_walk(&pt, addr, size, &w), 0);
}

TestSuite(pt_walk, .init = setup, .fini = teardown);

Test(pt_walk, empty_root_is_one_leaf_visit)
{
	struct recorder r;
	static const struct visit want[] = { { LEAF, 3, 0x1000, 0 } };

	record(&r, 0x1000, 0x2000, ALL);
	expect(&r, want, 1);
	cr_assert_eq(r.v[0].ptep, pt.root);
}

Test(pt_walk, leaf_callback_installs_tables_that_are_walked)
{
	struct recorder r;

	map_range(0x1000, 0x2000);
	cr_assert_eq(arena.tables_in_use, tables_at_start + 3,
		     "root + L2 table + L1 table");
	/* every flag */
	{
		static const struct visit want[] = {
			{ PRE, 3, 0x1000, 0 }, { PRE, 2, 0x1000, 0 },
			{ LEAF, 1, 0x1000, 0 }, { LEAF, 1, 0x2000, 0 },
			{ POST, 2, 0x1000, 0 }, { POST, 3, 0x1000, 0 },
		};
		record(&r, 0x1000, 0x2000, ALL);
		expect(&r, want, ARRAY_SIZE(want));
	}
	/* one flag at a time */
	{
		static const struct visit want[] = {
			{ LEAF, 1, 0x1000, 0 }, { LEAF, 1, 0x2000, 0 },
		};
		record(&r, 0x1000, 0x2000, LEAF);
		expect(&r, want, ARRAY_SIZE(want));
	}
	{
		static const struct visit want[] = {
			{ PRE, 3, 0x1000, 0 }, { PRE, 2, 0x1000, 0 },
		};
		record(&r, 0x1000, 0x2000, PRE);
		expect(&r, want, ARRAY_SIZE(want));
	}
	{
		static const struct visit want[] = {
			{ POST, 2, 0x1000, 0 }, { POST, 3, 0x1000, 0 },
		};
		record(&r, 0x1000, 0x2000, POST);
		expect(&r, want, ARRAY_SIZE(want));
	}
}

Test(pt_walk, range_crossing_tables_and_holes)
{
	struct recorder r;
	/* [0x1ff000, 0x201000): the last L1 entry of the first table, then
	   the L2 entry of the next 2 MiB, which is not present. */
	static const struct visit want[] = {
		{ PRE, 3, 0x1ff000, 0 }, { PRE, 2, 0x1ff000, 0 },
		{ LEAF, 1, 0x1ff000, 0 }, { POST, 2, 0x1ff000, 0 },
		{ LEAF, 2, 0x200000, 0 }, { POST, 3, 0x1ff000, 0 },
	};

	map_range(0x1000, 0x2000);
	record(&r, 0x1ff000, 0x2000, ALL);
	expect(&r, want, ARRAY_SIZE(want));
	/* An unaligned start inside one leaf visits it once. */
	record(&r, 0x1234, 0x10, LEAF);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.v[0].addr, 0x1234);
	/* Whole 2 MiB: 512 leaf visits, in order. */
	record(&r, 0, 2 * MiB, LEAF);
	cr_assert_eq(r.n, 512);
	for (int i = 0; i < 512; i++)
		cr_expect_eq(r.v[i].addr, (uint64_t)i * PAGE_SIZE);
}

static int replace_visitor(const struct pt_visit_ctx *ctx)
{
	hpa_t *child = ctx->arg;
	struct pt_table *t = ctx->pt;

	if (ctx->visit == PT_WALK_TABLE_PRE && ctx->level == 2) {
		*child = toy_oa(ctx->old, ctx->depth);
		t->mm->write(t->mm_arg, ctx->ptep, 0x40000000 | TOY_B | TOY_V);
	}
	return 0;
}

struct both {
	hpa_t child;
	struct recorder r;
};

static int replace_and_record(const struct pt_visit_ctx *ctx)
{
	struct both *b = ctx->arg;
	struct pt_visit_ctx c = *ctx;

	c.arg = &b->r;
	record_visitor(&c);
	c.arg = &b->child;
	return replace_visitor(&c);
}

Test(pt_walk, pre_callback_replacing_table_by_leaf_is_not_revisited)
{
	static struct both b;
	struct pt_walker w = { .cb = replace_and_record, .arg = &b, .flags = ALL };
	static const struct visit want[] = {
		{ PRE, 3, 0x1000, 0 }, { PRE, 2, 0x1000, 0 }, { POST, 3, 0x1000, 0 },
	};
	uint64_t e;
	unsigned int depth;

	map_range(0x1000, 0x2000);
	cr_assert_eq(pt_walk(&pt, 0x1000, 0x2000, &w), 0);
	expect(&b.r, want, ARRAY_SIZE(want));
	cr_assert(b.child);
	arena_free_table(&arena, b.child);
	cr_assert(pt_lookup(&pt, 0x1000, &e, &depth));
	cr_assert_eq(depth, 1);
	cr_assert_eq(e, 0x40000000 | TOY_B | TOY_V);
	{
		struct recorder r;
		static const struct visit want2[] = { { LEAF, 2, 0x1000, 0 } };

		record(&r, 0x1000, 0x2000, LEAF);
		expect(&r, want2, 1);
	}
}

static int fail_second(const struct pt_visit_ctx *ctx)
{
	int *n = ctx->arg;

	return ++*n == 2 ? -EIO : 0;
}

Test(pt_walk, callback_error_stops_the_walk)
{
	int n = 0;
	struct pt_walker w = { .cb = fail_second, .arg = &n, .flags = LEAF };

	map_range(0, 0x10000);
	cr_assert_eq(pt_walk(&pt, 0, 0x10000, &w), -EIO);
	cr_assert_eq(n, 2);
}

Test(pt_walk, teardown_leaks_no_table)
{
	uint64_t subtables;

	map_range(0, 4 * MiB);
	map_range(GiB, 0x1000);
	map_range(5 * GiB + 3 * MiB, 0x1000);
	subtables = arena.tables_in_use - tables_at_start - 1;
	cr_assert_gt(subtables, 2);
	cr_assert_eq(pt_free_subtables(&pt), subtables);
	arena_free_table(&arena, pt.root);
	cr_assert_eq(arena.tables_in_use, tables_at_start);
}

Test(pt_walk, self_referencing_table_terminates)
{
	struct recorder r;

	/* Every level's entry 0 points back at the root. */
	arena_write64(&arena, pt.root, pt.root | TOY_V);
	record(&r, 0, 2 * MiB, ALL);
	/* PRE L3, PRE L2, 512 leaves at L1 (the root read as a leaf table),
	   POST L2, POST L3 */
	cr_assert_eq(r.n, 516);
	cr_assert_eq(pt_walk(&pt, 0, ~0ull, &(struct pt_walker){
		.cb = record_visitor, .arg = &r, .flags = 0 }), 0);
}

Test(pt_walk, range_is_clipped_to_the_format)
{
	struct recorder r;

	record(&r, (1ull << 39) - 0x1000, 0x10000, LEAF);
	cr_assert_eq(r.n, 1, "stops at the 512 GiB the format translates");
	record(&r, 1ull << 39, 0x1000, LEAF);
	cr_assert_eq(r.n, 0);
	record(&r, ~0ull - 0xfff, ~0ull, LEAF);
	cr_assert_eq(r.n, 0);
}

Test(pt_walk, concatenated_root_spans_pages)
{
	struct recorder r;
	hpa_t p0 = arena_alloc_table(&arena), p1 = arena_alloc_table(&arena);

	cr_assert_eq(p1, p0 + PAGE_SIZE, "bump allocation gives adjacent pages");
	pt.fmt = &toy_concat_format;
	pt.root = p0;
	cr_assert_eq(pt_format_limit(pt.fmt), 1ull << 31);
	/* entry 600 of the 1024-entry root lives in the second page */
	record(&r, 600 * 2 * MiB, 0x1000, LEAF);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.v[0].level, 2);
	cr_assert_eq(r.v[0].ptep, p0 + 600 * 8);
	map_range(600 * 2 * MiB, 0x2000);
	record(&r, 600 * 2 * MiB, 0x2000, ALL);
	cr_assert_eq(r.n, 4);
	cr_assert_eq(r.v[1].level, 3);
	cr_assert_eq(pt_index(pt.fmt, 0, 1023 * 2 * MiB), 1023);
}

/* --- the dumper, over EPT ------------------------------------------------- */

TestSuite(pt_dump, .init = setup, .fini = teardown);

static void collect_line(void *opaque, const char *line)
{
	char *out = opaque;

	strcat(out, line);
	strcat(out, "\n");
}

Test(pt_dump, ept_tables_one_line_per_present_entry)
{
	static char text[4096];
	char buf[4096];
	hpa_t l3 = arena_alloc_table(&arena), l2 = arena_alloc_table(&arena);
	size_t need;

	pt.fmt = &ept4_format;
	arena_write64(&arena, pt.root, ept_mk_table(l3));
	arena_write64(&arena, l3 + 1 * 8, ept_mk_leaf(0x40000000, 3, EPT_RWX));
	arena_write64(&arena, l3 + 0 * 8, ept_mk_table(l2));
	arena_write64(&arena, l2 + 2 * 8, ept_mk_leaf(0x80400000, 2, EPT_R | EPT_X));
	cr_assert_eq(pt_dump(&pt, 0, 4 * GiB, collect_line, text), 4);
	cr_log_info("%s", text);
	cr_assert_str_eq(text,
		"PML4E[  0] 0x000000000000-0x007fffffffff 0x0000000000002007 RWX -> table 0x2000\n"
		"  PDPTE[  0] 0x000000000000-0x00003fffffff 0x0000000000003007 RWX -> table 0x3000\n"
		"    PDE[  2] 0x000000400000-0x0000005fffff 0x00000000804000b5 R-X WB -> 2M page 0x80400000\n"
		"  PDPTE[  1] 0x000040000000-0x00007fffffff 0x00000000400000b7 RWX WB -> 1G page 0x40000000\n");
	need = pt_dump_buf(&pt, 0, 4 * GiB, buf, sizeof(buf));
	cr_assert_eq(need, strlen(text));
	cr_assert_str_eq(buf, text);
	cr_assert_eq(pt_dump_buf(&pt, 0, 4 * GiB, buf, 10), need, "truncation reports the need");
	cr_assert_eq(strlen(buf), 9);
	cr_assert_eq(pt_dump(&pt, 2 * GiB, GiB, collect_line, text), 1,
		     "only the PML4E covers [2G, 3G)");
}

Test(pt_dump, ept_lookup_finds_leaves)
{
	hpa_t l3 = arena_alloc_table(&arena);
	uint64_t e;
	unsigned int depth;

	pt.fmt = &ept4_format;
	arena_write64(&arena, pt.root, ept_mk_table(l3));
	arena_write64(&arena, l3 + 8, ept_mk_leaf(0x40000000, 3, EPT_RWX));
	cr_assert(pt_lookup(&pt, GiB + 0x1234, &e, &depth));
	cr_assert_eq(depth, 1);
	cr_assert_eq(ept4_format.oa(e, depth), 0x40000000);
	cr_assert_not(pt_lookup(&pt, 2 * GiB, &e, &depth));
	cr_assert_eq(depth, 1);
	cr_assert_eq(pt_format_depth(&ept4_format, 2), 2);
}
