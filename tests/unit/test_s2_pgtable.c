/* SPDX-License-Identifier: MIT */
/* The arm64 stage-2 page-table library: geometry for every granule and
   IPA size, the block-mapping rule, the walker's visits over a
   concatenated root, and each operation with its events. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/vm.h>

#include "hv/arm64/stage2_pgtable.h"

#define RAM_GPA 0x40000000ull

static struct vm vm;
static struct s2_pgtable pgt;
static bool pgt_live;
static uint64_t tables_at_start;
static int flushes;

static void count_flush(struct vcpu *v) { flushes++; }

static const struct vcpu_ops fake_ops = { .name = "fake", .flush_tlb = count_flush };
static struct vcpu fake_vcpu = { .ops = &fake_ops };

static void make(unsigned int ipa_bits, unsigned int granule)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_ARM64, .mmu_mode = VM_MMU_STAGE2,
		.ram_bytes = 64 * MiB,
	};

	cr_assert_eq(vm_init(&vm, &cfg, RAM_GPA), 0);
	vm.vcpu = &fake_vcpu;
	flushes = 0;
	tables_at_start = vm.arena.tables_in_use;
	cr_assert_eq(s2_pgtable_init(&pgt, &vm, ipa_bits, granule), 0);
	pgt_live = true;
}

static void unmake(void)
{
	if (pgt_live) {
		s2_pgtable_destroy(&pgt);
		cr_assert_eq(vm.arena.tables_in_use, tables_at_start,
			     "every table went back to the arena");
		cr_assert_eq(pgt.stats.tables, 0);
		pgt_live = false;
	}
	vm.vcpu = NULL;
	vm_destroy(&vm);
}

static void setup(void) { make(40, 4096); }
static void remake(unsigned int ipa_bits, unsigned int granule)
{
	unmake();
	make(ipa_bits, granule);
}

static int count_events(uint64_t from, enum ev_kind kind)
{
	int n = 0;

	for (uint64_t s = from; s < vm.events.next_seq; s++)
		n += event_get(&vm.events, s)->kind == kind;
	return n;
}

/* The nth event of @kind since @from, or NULL. */
static const struct hv_event *nth_event(uint64_t from, enum ev_kind kind, int nth)
{
	for (uint64_t s = from; s < vm.events.next_seq; s++) {
		const struct hv_event *ev = event_get(&vm.events, s);

		if (ev->kind == kind && !nth--)
			return ev;
	}
	return NULL;
}

/* --- geometry ----------------------------------------------------------------- */

TestSuite(s2_geom);

struct geom_want {
	unsigned int ipa, granule;
	int start;
	unsigned int concat, root_bits;
};

/* The table in stage2_geom.c's reference card, row by row. */
static const struct geom_want geom_table[] = {
	{ 32, 4096, 2, 4, 11 }, { 32, 16384, 2, 1, 7 }, { 32, 65536, 2, 1, 3 },
	{ 36, 4096, 1, 1, 6 }, { 36, 16384, 2, 1, 11 }, { 36, 65536, 2, 1, 7 },
	{ 40, 4096, 1, 2, 10 }, { 40, 16384, 2, 16, 15 }, { 40, 65536, 2, 1, 11 },
	{ 42, 4096, 1, 8, 12 }, { 42, 16384, 1, 1, 6 }, { 42, 65536, 2, 1, 13 },
	{ 44, 4096, 0, 1, 5 }, { 44, 16384, 1, 1, 8 }, { 44, 65536, 2, 4, 15 },
	{ 48, 4096, 0, 1, 9 }, { 48, 16384, 1, 2, 12 }, { 48, 65536, 1, 1, 6 },
};

Test(s2_geom, the_reference_card_table)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(geom_table); i++) {
		const struct geom_want *w = &geom_table[i];
		struct s2_geom g;
		struct arm64_s2_geom hw;

		cr_assert_eq(s2_geom_init(&g, w->ipa, w->granule), 0);
		cr_expect_eq(g.hw.start_level, w->start, "%u/%u: start L%d, want L%d",
			     w->ipa, w->granule, g.hw.start_level, w->start);
		cr_expect_eq(g.hw.concat, w->concat, "%u/%u: concat %u, want %u",
			     w->ipa, w->granule, g.hw.concat, w->concat);
		cr_expect_eq(g.hw.root_bits, w->root_bits);
		cr_expect_eq(g.t0sz, 64 - w->ipa);
		cr_expect_eq(g.vtcr & 0x3f, 64 - w->ipa);
		cr_expect_eq(g.levels, (unsigned int)(4 - w->start));
		/* the hardware decodes the same geometry from the VTCR */
		cr_assert_eq(arm64_s2_geom_from_vtcr(g.vtcr, &hw), 0);
		cr_expect_eq(hw.start_level, w->start);
		cr_expect_eq(hw.concat, w->concat);
		cr_expect_eq(hw.ipa_bits, w->ipa);
		cr_expect_eq(hw.oa_bits, 48);
	}
}

Test(s2_geom, the_examples_of_the_issue)
{
	struct s2_geom g;

	cr_assert_eq(s2_geom_init(&g, 40, 4096), 0);
	cr_expect_eq(g.hw.start_level, 1);
	cr_expect_eq(g.hw.concat, 2);
	cr_expect_eq(g.sl0, 1);
	cr_expect_eq(g.vtcr, 0x80053558ull, "VTCR %#llx", (unsigned long long)g.vtcr);
	cr_assert_eq(s2_geom_init(&g, 48, 4096), 0);
	cr_expect_eq(g.hw.start_level, 0);
	cr_expect_eq(g.sl0, 2);
	cr_assert_eq(s2_geom_init(&g, 32, 4096), 0);
	cr_expect_eq(g.hw.start_level, 2);
	cr_expect_eq(g.hw.concat, 4);
	cr_expect_eq(g.sl0, 0);
	/* 16K and 64K encode SL0 from level 3 down: L1 is 2, L2 is 1 */
	cr_assert_eq(s2_geom_init(&g, 48, 16384), 0);
	cr_expect_eq(g.sl0, 2);
	cr_expect_eq((g.vtcr >> 14) & 3, 2, "TG0 16K");
	cr_assert_eq(s2_geom_init(&g, 40, 65536), 0);
	cr_expect_eq(g.sl0, 1);
	cr_expect_eq((g.vtcr >> 14) & 3, 1, "TG0 64K");
}

/* Every size from 32 to 48 bits: legal for the hardware, at least two
   levels, and no level more than concatenation forces. */
Test(s2_geom, every_ipa_size_is_minimal_and_legal)
{
	static const unsigned int granules[] = { 4096, 16384, 65536 };

	for (unsigned int gi = 0; gi < 3; gi++) {
		for (unsigned int ipa = 32; ipa <= 48; ipa++) {
			struct s2_geom g;
			unsigned int next_shift;

			cr_assert_eq(s2_geom_init(&g, ipa, granules[gi]), 0,
				     "%u/%u", ipa, granules[gi]);
			cr_expect_geq(g.levels, 2);
			cr_expect_leq(g.hw.concat, S2_MAX_CONCAT);
			cr_expect_eq(g.hw.root_bits + s2_level_shift(&g, g.hw.start_level), ipa);
			cr_expect_eq(1u << g.root_order, g.hw.concat << g.table_order);
			if (g.levels == 2)
				continue;
			/* starting one level lower would need > 16 tables */
			next_shift = s2_level_shift(&g, g.hw.start_level + 1);
			cr_expect_gt(ipa - next_shift, g.hw.stride + 4,
				     "%u/%u could start at L%d", ipa, granules[gi],
				     g.hw.start_level + 1);
		}
	}
}

Test(s2_geom, refuses_what_we_do_not_offer)
{
	struct s2_geom g;

	cr_expect_eq(s2_geom_init(&g, 31, 4096), -EINVAL);
	cr_expect_eq(s2_geom_init(&g, 49, 4096), -EINVAL);
	cr_expect_eq(s2_geom_init(&g, 40, 8192), -EINVAL);
	/* the hardware refuses an SL0 too deep for the size */
	cr_expect_eq(arm64_s2_geom_from_vtcr(VTCR_T0SZ(24) | VTCR_SL0(0), &g.hw),
		     -EINVAL, "40 bits from L2 would need 512 tables");
}

Test(s2_geom, pt_format_from_the_geometry)
{
	struct s2_geom g;
	struct pt_format f;

	cr_assert_eq(s2_geom_init(&g, 40, 4096), 0);
	s2_format_init(&f, &g);
	cr_expect_eq(f.depth, 3);
	cr_expect_eq(f.root_pages, 2);
	cr_expect_eq(f.lvl[0].level, 1);
	cr_expect_eq(f.lvl[0].shift, 30);
	cr_expect_eq(f.lvl[0].bits, 10);
	cr_expect_eq(f.lvl[1].shift, 21);
	cr_expect_eq(f.lvl[2].shift, 12);
	cr_expect(f.lvl[0].block_ok && f.lvl[1].block_ok && f.lvl[2].block_ok);
	cr_expect_eq(pt_format_limit(&f), 1ull << 40);

	cr_assert_eq(s2_geom_init(&g, 48, 65536), 0);
	s2_format_init(&f, &g);
	cr_expect_eq(f.depth, 3);
	cr_expect_eq(f.root_pages, 16, "one 64 KiB table");
	cr_expect_eq(f.lvl[0].shift, 42);
	cr_expect_eq(f.lvl[1].bits, 13);
	cr_expect(!f.lvl[0].block_ok, "no 4 TiB blocks");
	cr_expect(f.lvl[1].block_ok);
	cr_expect_eq(pt_format_limit(&f), 1ull << 48);
}

Test(s2_geom, block_mapping_rule)
{
	struct s2_geom g4, g16, g64, g48;
	const hpa_t pa = 0x100000000ull;	/* 4 GiB: aligned to everything */

	cr_assert_eq(s2_geom_init(&g4, 40, 4096), 0);
	cr_assert_eq(s2_geom_init(&g48, 48, 4096), 0);
	cr_assert_eq(s2_geom_init(&g16, 40, 16384), 0);
	cr_assert_eq(s2_geom_init(&g64, 40, 65536), 0);

	/* 4K: 1G at L1, 2M at L2, 4K at L3 */
	cr_expect(s2_block_mapping_supported(&g4, 1, GiB, 2 * GiB, pa));
	cr_expect(s2_block_mapping_supported(&g4, 2, GiB, GiB + 2 * MiB, pa));
	cr_expect(s2_block_mapping_supported(&g4, 3, GiB, GiB + 4 * KiB, pa));
	/* the range must hold the whole block */
	cr_expect(!s2_block_mapping_supported(&g4, 1, GiB, 2 * GiB - 4 * KiB, pa));
	cr_expect(!s2_block_mapping_supported(&g4, 2, GiB, GiB + 2 * MiB - 4 * KiB, pa));
	/* IPA and PA must both be aligned */
	cr_expect(!s2_block_mapping_supported(&g4, 2, GiB + 4 * KiB, GiB + 4 * MiB, pa));
	cr_expect(!s2_block_mapping_supported(&g4, 2, GiB, GiB + 2 * MiB, pa + 4 * KiB));
	cr_expect(!s2_block_mapping_supported(&g4, 1, GiB, 2 * GiB, pa + 2 * MiB));
	cr_expect(s2_block_mapping_supported(&g4, 3, GiB + 4 * KiB, GiB + 8 * KiB, pa + 4 * KiB));
	/* no level-0 blocks, even 512 GiB aligned */
	cr_expect(!s2_block_mapping_supported(&g48, 0, 0, 1ull << 40, 0));
	/* 16K: 32M at L2 only; 64G at L1 would need 52-bit addressing */
	cr_expect(s2_block_mapping_supported(&g16, 2, 32 * MiB, 64 * MiB, pa));
	cr_expect(!s2_block_mapping_supported(&g16, 2, 16 * MiB, 48 * MiB, pa));
	cr_expect(!s2_block_mapping_supported(&g16, 1, 0, 1ull << 37, 0));
	cr_expect(s2_block_mapping_supported(&g16, 3, 16 * KiB, 32 * KiB, pa));
	cr_expect(!s2_block_mapping_supported(&g16, 3, 4 * KiB, 20 * KiB, pa));
	/* 64K: 512M at L2 */
	cr_expect(s2_block_mapping_supported(&g64, 2, 512 * MiB, GiB, pa));
	cr_expect(!s2_block_mapping_supported(&g64, 2, 512 * MiB, GiB, pa + 64 * KiB));
	cr_expect(s2_block_mapping_supported(&g64, 3, 64 * KiB, 128 * KiB, pa));
}

/* --- the walker over a concatenated root --------------------------------------------- */

struct visit {
	enum pt_walk_flags visit;
	int level;
	uint64_t addr;
	hpa_t ptep;
};

struct recorder {
	int n;
	struct visit v[64];
};

static int record_visitor(const struct pt_visit_ctx *ctx)
{
	struct recorder *r = ctx->arg;

	cr_assert_lt(r->n, (int)ARRAY_SIZE(r->v));
	r->v[r->n++] = (struct visit){ ctx->visit, ctx->level, ctx->addr, ctx->ptep };
	return 0;
}

static void record(struct recorder *r, uint64_t addr, uint64_t size, uint32_t flags)
{
	struct pt_walker w = { .cb = record_visitor, .arg = r, .flags = flags };

	memset(r, 0, sizeof(*r));
	cr_assert_eq(s2_pgtable_walk(&pgt, addr, size, &w), 0);
}

#define PRE PT_WALK_TABLE_PRE
#define LEAF PT_WALK_LEAF
#define POST PT_WALK_TABLE_POST
#define ALL (PRE | LEAF | POST)

static void expect_visits(const struct recorder *r, const struct visit *want, int n)
{
	cr_assert_eq(r->n, n, "%d visits, expected %d", r->n, n);
	for (int i = 0; i < n; i++) {
		cr_expect_eq(r->v[i].visit, want[i].visit, "visit %d kind %d want %d",
			     i, r->v[i].visit, want[i].visit);
		cr_expect_eq(r->v[i].level, want[i].level, "visit %d level", i);
		cr_expect_eq(r->v[i].addr, want[i].addr, "visit %d addr %#llx want %#llx",
			     i, (unsigned long long)r->v[i].addr,
			     (unsigned long long)want[i].addr);
		if (want[i].ptep)
			cr_expect_eq(r->v[i].ptep, want[i].ptep, "visit %d ptep", i);
	}
}

TestSuite(s2_walk, .init = setup, .fini = unmake);

Test(s2_walk, an_empty_concatenated_root_is_one_table)
{
	struct recorder r;
	hpa_t root;

	remake(32, 4096);	/* L2 x4: 2048 entries of 2 MiB */
	root = pgt.pt.root;
	cr_assert_eq(root & (16 * KiB - 1), 0, "aligned to the 4 tables");
	{
		/* the last entry of table 1 and the first of table 2 are
		   neighbours in one walk */
		const struct visit want[] = {
			{ LEAF, 2, 0x7ffff000, root + 1023 * 8 },
			{ LEAF, 2, 0x80000000, root + 1024 * 8 },
		};
		record(&r, 0x7ffff000, 0x2000, ALL);
		expect_visits(&r, want, 2);
	}
	/* the walk is clipped to the IPA space */
	record(&r, 0xffe00000, 0x800000, LEAF);
	cr_expect_eq(r.n, 1);
	cr_expect_eq(r.v[0].ptep, root + 2047 * 8);
}

Test(s2_walk, every_flag_combination_over_a_mapped_path)
{
	struct recorder r;
	const uint64_t a = RAM_GPA + 0x1000;

	cr_assert_eq(s2_pgtable_map(&pgt, a, 2 * PAGE_SIZE, vm.ram_hpa + 0x1000,
				    S2_PROT_R | S2_PROT_W), 0);
	{
		const struct visit want[] = {
			{ PRE, 1, a, pgt.pt.root + 1 * 8 }, { PRE, 2, a, 0 },
			{ LEAF, 3, a, 0 }, { LEAF, 3, a + 0x1000, 0 },
			{ POST, 2, a, 0 }, { POST, 1, a, 0 },
		};
		record(&r, a, 0x2000, ALL);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		const struct visit want[] = { { LEAF, 3, a, 0 }, { LEAF, 3, a + 0x1000, 0 } };
		record(&r, a, 0x2000, LEAF);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		const struct visit want[] = { { PRE, 1, a, 0 }, { PRE, 2, a, 0 } };
		record(&r, a, 0x2000, PRE);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		const struct visit want[] = { { POST, 2, a, 0 }, { POST, 1, a, 0 } };
		record(&r, a, 0x2000, POST);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		const struct visit want[] = {
			{ PRE, 1, a, 0 }, { PRE, 2, a, 0 }, { POST, 2, a, 0 }, { POST, 1, a, 0 },
		};
		record(&r, a, 0x2000, PRE | POST);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		/* a range that starts in an unmapped page before the path */
		const struct visit want[] = {
			{ PRE, 1, RAM_GPA, 0 }, { PRE, 2, RAM_GPA, 0 },
			{ LEAF, 3, RAM_GPA, 0 }, { LEAF, 3, a, 0 },
			{ LEAF, 3, a + 0x1000, 0 },
			{ POST, 2, RAM_GPA, 0 }, { POST, 1, RAM_GPA, 0 },
		};
		record(&r, RAM_GPA, 0x3000, ALL);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
	{
		/* ... and one that runs off the L3 table into an empty L2 entry */
		const uint64_t b = RAM_GPA + 2 * MiB - 0x1000;
		const struct visit want[] = {
			{ PRE, 1, b, 0 }, { PRE, 2, b, 0 }, { LEAF, 3, b, 0 },
			{ POST, 2, b, 0 }, { LEAF, 2, RAM_GPA + 2 * MiB, 0 },
			{ POST, 1, b, 0 },
		};
		record(&r, b, 0x2000, ALL);
		expect_visits(&r, want, ARRAY_SIZE(want));
	}
}

/* A TABLE_PRE visitor that replaces the table by a block: the walker
   does not descend into the old table. */
static hpa_t collapsed_child;

static int collapse_visitor(const struct pt_visit_ctx *ctx)
{
	record_visitor(ctx);
	if (ctx->visit == PT_WALK_TABLE_PRE && ctx->level == 2) {
		collapsed_child = ctx->old & S2_DESC_OA_MASK;
		ctx->pt->mm->write(ctx->pt->mm_arg, ctx->ptep,
				   s2_mk_leaf(vm.ram_hpa, 2, S2_PROT_R));
	}
	return 0;
}

Test(s2_walk, a_table_replaced_by_a_block_is_not_descended)
{
	struct recorder r = { 0 };
	struct pt_walker w = { .cb = collapse_visitor, .arg = &r, .flags = ALL };
	int level;

	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, PAGE_SIZE, vm.ram_hpa, S2_PROT_R), 0);
	cr_assert_eq(s2_pgtable_walk(&pgt, RAM_GPA, PAGE_SIZE, &w), 0);
	cr_assert_eq(r.n, 3, "PRE L1, PRE L2 (collapsed), POST L1");
	cr_expect_eq(r.v[0].visit, PRE);
	cr_expect_eq(r.v[1].visit, PRE);
	cr_expect_eq(r.v[1].level, 2);
	cr_expect_eq(r.v[2].visit, POST);
	cr_expect_eq(r.v[2].level, 1);
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 0x5000, NULL, &level), 0);
	cr_expect_eq(level, 2);
	/* the test unlinked it by hand: give it back by hand */
	pgt.pt.mm->free_table(pgt.pt.mm_arg, collapsed_child);
}

/* --- operations -------------------------------------------------------------------------- */

TestSuite(s2_ops, .init = setup, .fini = unmake);

Test(s2_ops, map_uses_blocks_where_alignment_allows)
{
	uint64_t seq = vm.events.next_seq, pte;
	const struct hv_event *ev;
	int level;

	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 4 * MiB, vm.ram_hpa,
				    S2_PROT_R | S2_PROT_W), 0);
	cr_expect_eq(count_events(seq, EV_map_table), 1, "one L2 table under L1[1]");
	cr_expect_eq(count_events(seq, EV_map), 2, "two 2M blocks");
	ev = nth_event(seq, EV_map, 1);
	cr_assert_not_null(ev);
	cr_expect_eq(ev->level, 2);
	cr_expect_eq(ev->a[0], RAM_GPA + 2 * MiB, "ipa");
	cr_expect_eq(ev->a[1], vm.ram_hpa + 2 * MiB, "hpa");
	cr_expect_eq(ev->a[2], 0, "old");
	cr_expect_eq(ev->a[3] & 3, 1, "a block descriptor");
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 0x234567, &pte, &level), 0);
	cr_expect_eq(level, 2);
	cr_expect_eq(s2_pte_hpa(&pgt.geom, pte, level, RAM_GPA + 0x234567),
		     vm.ram_hpa + 0x234567);
	cr_expect_eq(s2_pte_prot(pte), S2_PROT_R | S2_PROT_W);
	cr_expect(pte & S2_DESC_AF);
	cr_expect(pte & S2_DESC_XN);
	cr_expect_eq(pgt.stats.map[2], 2);
	cr_expect_eq(flushes, 0, "nothing valid changed");

	/* a PA 4K off alignment: pages only */
	seq = vm.events.next_seq;
	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA + 4 * MiB, 2 * MiB,
				    vm.ram_hpa + 0x1000, S2_PROT_R), 0);
	cr_expect_eq(count_events(seq, EV_map), 512);
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 4 * MiB + 0x1fffff, &pte, &level), 0);
	cr_expect_eq(level, 3);
	cr_expect_eq(pte & 3, 3, "a page descriptor");
	cr_expect_eq(s2_pte_hpa(&pgt.geom, pte, 3, RAM_GPA + 4 * MiB + 0x1fffff),
		     vm.ram_hpa + 0x1000 + 0x1fffff);
	/* misaligned requests */
	cr_expect_eq(s2_pgtable_map(&pgt, RAM_GPA + 0x800, PAGE_SIZE, vm.ram_hpa, S2_PROT_R), -EINVAL);
	cr_expect_eq(s2_pgtable_map(&pgt, 1ull << 40, PAGE_SIZE, vm.ram_hpa, S2_PROT_R), -EINVAL);
}

Test(s2_ops, a_gigabyte_block_at_level_1)
{
	uint64_t seq = vm.events.next_seq;
	int level;

	cr_assert_eq(s2_pgtable_map(&pgt, GiB, GiB, 4 * GiB, S2_PROT_RWX), 0);
	cr_expect_eq(count_events(seq, EV_map), 1);
	cr_expect_eq(count_events(seq, EV_map_table), 0, "a block in the root");
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, GiB + 12345, NULL, &level), 0);
	cr_expect_eq(level, 1);
	cr_expect_eq(pgt.stats.tables, 2, "just the root's two tables");
}

Test(s2_ops, a_page_inside_a_block_breaks_the_block)
{
	uint64_t seq, pte;
	int level;

	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 2 * MiB, vm.ram_hpa, S2_PROT_R), 0);
	seq = vm.events.next_seq;
	flushes = 0;
	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA + 0x3000, PAGE_SIZE,
				    vm.ram_hpa + 0x3000, S2_PROT_R | S2_PROT_W), 0);
	cr_expect_eq(count_events(seq, EV_map_table), 1, "the block became a table");
	cr_expect_eq(nth_event(seq, EV_map_table, 0)->a[2] & 3, 1, "old was the block");
	cr_expect_eq(count_events(seq, EV_map), 1);
	cr_expect_eq(flushes, 1, "break-before-make flushes once");
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 0x3000, &pte, &level), 0);
	cr_expect_eq(level, 3);
	cr_expect_eq(s2_pte_prot(pte), S2_PROT_R | S2_PROT_W);
	cr_expect_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 0x4000, NULL, &level), -ENOENT,
		     "the rest of the block faults back in");
}

Test(s2_ops, a_block_over_a_table_frees_the_table)
{
	uint64_t tables, seq;
	int level;

	tables = pgt.stats.tables;
	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 8 * PAGE_SIZE, vm.ram_hpa, S2_PROT_R), 0);
	cr_expect_eq(pgt.stats.tables, tables + 2, "L2 and L3 tables");
	seq = vm.events.next_seq;
	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 2 * MiB, vm.ram_hpa, S2_PROT_R), 0);
	cr_expect_eq(count_events(seq, EV_map), 1);
	cr_expect_eq(count_events(seq, EV_unmap), 8, "the table's pages went");
	cr_expect_eq(pgt.stats.tables, tables + 1, "the L3 table was freed");
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 0x7000, NULL, &level), 0);
	cr_expect_eq(level, 2);
}

Test(s2_ops, unmap_frees_emptied_tables_and_takes_whole_blocks)
{
	uint64_t tables = pgt.stats.tables, seq;
	int n;

	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 4 * PAGE_SIZE, vm.ram_hpa, S2_PROT_R), 0);
	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA + 2 * MiB, 2 * MiB,
				    vm.ram_hpa + 2 * MiB, S2_PROT_R), 0);
	cr_expect_eq(pgt.stats.tables, tables + 2);
	/* part of the pages: the L3 table stays */
	flushes = 0;
	cr_expect_eq(s2_pgtable_unmap(&pgt, RAM_GPA, 2 * PAGE_SIZE), 2);
	cr_expect_eq(pgt.stats.tables, tables + 2);
	cr_expect_eq(flushes, 1, "one flush per operation");
	/* the rest, and 4K of the block: the block goes whole, both tables too */
	seq = vm.events.next_seq;
	n = s2_pgtable_unmap(&pgt, RAM_GPA, 2 * MiB + PAGE_SIZE);
	cr_expect_eq(n, 3);
	cr_expect_eq(count_events(seq, EV_unmap), 3 + 2, "3 leaves, L3 and L2 tables");
	cr_expect_eq(pgt.stats.tables, tables, "only the root is left");
	cr_expect_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA + 3 * MiB, NULL, NULL), -ENOENT);
}

Test(s2_ops, attribute_operations_and_their_flushes)
{
	uint64_t seq, pte;
	const struct hv_event *ev;

	cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA, 2 * MiB, vm.ram_hpa,
				    S2_PROT_R | S2_PROT_W), 0);
	/* wrprotect takes a right away: flush */
	flushes = 0;
	seq = vm.events.next_seq;
	cr_expect_eq(s2_pgtable_wrprotect(&pgt, RAM_GPA, 2 * MiB), 1);
	cr_expect_eq(s2_pgtable_wrprotect(&pgt, RAM_GPA, 2 * MiB), 0, "idempotent");
	ev = nth_event(seq, EV_wrprotect, 0);
	cr_assert_not_null(ev);
	cr_expect(ev->a[2] & S2_DESC_S2AP_W);
	cr_expect(!(ev->a[3] & S2_DESC_S2AP_W));
	cr_expect_eq(flushes, 1);
	/* relax adds rights: no flush */
	flushes = 0;
	seq = vm.events.next_seq;
	cr_expect_eq(s2_pgtable_relax_perms(&pgt, RAM_GPA + 0x1000, S2_PROT_W | S2_PROT_X), 0);
	cr_expect_eq(count_events(seq, EV_relax_perms), 1);
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA, &pte, NULL), 0);
	cr_expect_eq(s2_pte_prot(pte), S2_PROT_RWX);
	cr_expect_eq(flushes, 0);
	cr_expect_eq(s2_pgtable_relax_perms(&pgt, RAM_GPA + 4 * MiB, S2_PROT_W), -ENOENT);
	/* mkold clears AF: flush; mkyoung sets it: no flush */
	flushes = 0;
	cr_expect_eq(s2_pgtable_mkold(&pgt, RAM_GPA, 4 * MiB), 1);
	cr_assert_eq(s2_pgtable_get_leaf(&pgt, RAM_GPA, &pte, NULL), 0);
	cr_expect(!(pte & S2_DESC_AF));
	cr_expect_eq(flushes, 1);
	flushes = 0;
	seq = vm.events.next_seq;
	cr_expect_eq(s2_pgtable_mkyoung(&pgt, RAM_GPA + 0x1234), 0);
	cr_expect_eq(count_events(seq, EV_mkyoung), 1);
	cr_expect_eq(s2_pgtable_mkyoung(&pgt, RAM_GPA + 0x1234), 0);
	cr_expect_eq(count_events(seq, EV_mkyoung), 1, "already young");
	cr_expect_eq(flushes, 0);
	cr_expect_eq(s2_pgtable_mkyoung(&pgt, RAM_GPA + 4 * MiB), -ENOENT);
}

Test(s2_ops, sixteen_and_sixty_four_k_tables_are_granule_sized)
{
	static const unsigned int granules[] = { 16384, 65536 };

	for (unsigned int i = 0; i < 2; i++) {
		struct arm64_mmu_hw hw = { 0 };
		uint64_t l2;
		hpa_t hpa;
		uint32_t perm;
		int level;

		remake(48, granules[i]);
		cr_assert_eq(pgt.pt.root & (pgt.geom.granule * pgt.geom.hw.concat - 1), 0);
		cr_assert_eq(s2_pgtable_map(&pgt, RAM_GPA + granules[i], granules[i],
					    vm.ram_hpa + granules[i], S2_PROT_R), 0);
		/* the L1 entry points at a granule-aligned L2 table */
		l2 = arena_read64(&vm.arena, pgt.pt.root +
				  8 * pt_index(&pgt.fmt, 0, RAM_GPA));
		cr_expect_eq(l2 & 3, 3);
		cr_expect_eq((l2 & S2_DESC_OA_MASK) & (granules[i] - 1), 0);
		cr_expect_eq(pgt.stats.tables, pgt.geom.hw.concat + 2);
		/* the silicon agrees */
		hw.vm = &vm;
		cr_assert_eq(arm64_mmu_hw_set_stage2(&hw, pgt.pt.root, pgt.geom.vtcr, 1,
						     NULL, NULL), 0);
		cr_expect_eq(arm64_s2_walk(&hw, RAM_GPA + granules[i] + 5, NULL, false,
					   &hpa, &perm, &level), 0);
		cr_expect_eq(hpa, vm.ram_hpa + granules[i] + 5);
		cr_expect_eq(level, 3);
		cr_expect_eq(perm, WALK_P_READ);
		/* unmapping frees the tables (into the cache, then the arena) */
		cr_expect_eq(s2_pgtable_unmap(&pgt, 0, 1ull << 48), 1);
		cr_expect_eq(pgt.stats.tables, pgt.geom.hw.concat);
	}
}

Test(s2_ops, dump_shows_the_concatenated_level)
{
	char buf[4096];
	int n;

	cr_assert_eq(s2_pgtable_map(&pgt, GiB + 2 * MiB, 2 * MiB, vm.ram_hpa, S2_PROT_R), 0);
	cr_assert_eq(s2_pgtable_map(&pgt, 513 * GiB, PAGE_SIZE, vm.ram_hpa, S2_PROT_R), 0);
	n = s2_pgtable_dump(&pgt, 0, 0, buf, sizeof(buf));
	cr_assert_lt(n, (int)sizeof(buf));
	cr_expect_eq((size_t)n, strlen(buf));
	cr_expect_not_null(strstr(buf, "level 1 (2 concatenated tables of 512 entries"), "%s", buf);
	cr_expect_not_null(strstr(buf, "VTCR_EL2 0x80053558"), "%s", buf);
	cr_expect_not_null(strstr(buf, "L1[  1]"), "%s", buf);
	cr_expect_not_null(strstr(buf, "L1[513]"), "entry 1 of the second table:\n%s", buf);
	cr_expect_not_null(strstr(buf, "-> 2M page"), "%s", buf);
	/* the size of a truncated dump is the whole */
	cr_expect_eq(s2_pgtable_dump(&pgt, 0, 0, buf, 10), n);
	cr_expect_eq(strlen(buf), 9);
}
