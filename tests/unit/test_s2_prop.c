/* SPDX-License-Identifier: MIT */
/*
 * Property test of the stage-2 library: random map / unmap / wrprotect /
 * relax_perms / mkold / mkyoung sequences against a plain reference
 * model (an array of granule pages, each valid or not, with its PA,
 * rights, AF, and the extent of the leaf that maps it), for every
 * granule and several IPA sizes. After each step the pages the step
 * touched and a random sample are checked both through s2_pgtable_get_leaf
 * and through the silicon's stage-2 walk (arm64_s2_walk); every few
 * hundred steps and at the end, every page. At the end everything is
 * unmapped (only the root may be left) and destroyed (the arena gets
 * every table back).
 *
 * Deterministic: the seed is fixed per configuration and printed in
 * every failure; S2_PROP_SEED=N overrides it, S2_PROP_STEPS=N the
 * number of steps.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/arena.h>
#include <hv/vm.h>

#include "hv/arm64/stage2_pgtable.h"

#define WINDOW_BASE 0x40000000ull

struct mpage {
	bool valid;
	bool af;
	uint8_t prot;		/* S2_PROT_R/W/X */
	uint8_t leaf_shift;	/* size of the leaf mapping it */
	hpa_t pa;
};

struct prop {
	struct vm vm;
	struct s2_pgtable pgt;
	struct arm64_mmu_hw hw;
	struct mpage *m;	/* one per granule page of the window */
	uint64_t npages;
	unsigned int pg_shift;
	uint64_t seed, rng;
	unsigned long step;
	const char *op;
	unsigned int nleaf;
	unsigned int leaf_shift[4];	/* the sizes a leaf may have, small first */
};

static uint64_t rnd(struct prop *p)
{
	/* xorshift64* */
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return p->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_below(struct prop *p, uint64_t n)
{
	return n ? rnd(p) % n : 0;
}

#define FAIL_IF(cond, ...)                                                     \
	cr_assert(!(cond), "seed %llu step %lu (%s): " __VA_ARGS__)

static ipa_t page_ipa(const struct prop *p, uint64_t i)
{
	return WINDOW_BASE + (i << p->pg_shift);
}

/* The model's leaf containing page @i: [first, first + n). */
static void leaf_extent(const struct prop *p, uint64_t i, uint64_t *first,
			uint64_t *n)
{
	*n = 1ull << (p->m[i].leaf_shift - p->pg_shift);
	*first = i & ~(*n - 1);
}

static void check_page(struct prop *p, uint64_t i)
{
	const struct mpage *mp = &p->m[i];
	ipa_t ipa = page_ipa(p, i) + (rnd(p) & ((1ull << p->pg_shift) - 1) & ~7ull);
	uint64_t pte;
	int level, ret, fsc;
	hpa_t hpa = 0;
	uint32_t perm = 0;

	ret = s2_pgtable_get_leaf(&p->pgt, ipa, &pte, &level);
	fsc = arm64_s2_walk(&p->hw, ipa, NULL, false, &hpa, &perm, &level);
	if (!mp->valid) {
		FAIL_IF(ret != -ENOENT, "ipa %#llx should be unmapped", (unsigned long long)p->seed,
			p->step, p->op, (unsigned long long)ipa);
		FAIL_IF((fsc & ~3) != FSC_TRANS, "hw walk of unmapped %#llx gave fsc %#x",
			(unsigned long long)p->seed, p->step, p->op,
			(unsigned long long)ipa, fsc);
		return;
	}
	FAIL_IF(ret != 0, "ipa %#llx should be mapped", (unsigned long long)p->seed,
		p->step, p->op, (unsigned long long)ipa);
	ret = s2_pgtable_get_leaf(&p->pgt, ipa, &pte, &level);
	FAIL_IF(s2_level_shift(&p->pgt.geom, level) != mp->leaf_shift,
		"ipa %#llx leaf at level %d, model says 2^%u",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)ipa, level, mp->leaf_shift);
	FAIL_IF(s2_pte_hpa(&p->pgt.geom, pte, level, ipa) !=
		mp->pa + (ipa - page_ipa(p, i)),
		"ipa %#llx maps %#llx, model %#llx", (unsigned long long)p->seed,
		p->step, p->op, (unsigned long long)ipa,
		(unsigned long long)s2_pte_hpa(&p->pgt.geom, pte, level, ipa),
		(unsigned long long)mp->pa);
	FAIL_IF((s2_pte_prot(pte) & S2_PROT_RWX) != mp->prot,
		"ipa %#llx prot %#x, model %#x", (unsigned long long)p->seed,
		p->step, p->op, (unsigned long long)ipa, s2_pte_prot(pte), mp->prot);
	FAIL_IF(!(pte & S2_DESC_AF) != !mp->af, "ipa %#llx AF %d, model %d",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)ipa, !!(pte & S2_DESC_AF), mp->af);
	/* the silicon */
	if (!mp->af) {
		FAIL_IF((fsc & ~3) != FSC_ACCESS, "hw walk of old %#llx gave fsc %#x",
			(unsigned long long)p->seed, p->step, p->op,
			(unsigned long long)ipa, fsc);
		return;
	}
	FAIL_IF(fsc != 0, "hw walk of %#llx faulted, fsc %#x",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)ipa, fsc);
	FAIL_IF(hpa != mp->pa + (ipa - page_ipa(p, i)), "hw walk of %#llx gave %#llx",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)ipa, (unsigned long long)hpa);
	FAIL_IF(perm != (((mp->prot & S2_PROT_R) ? WALK_P_READ : 0) |
			 ((mp->prot & S2_PROT_W) ? WALK_P_WRITE : 0) |
			 ((mp->prot & S2_PROT_X) ? WALK_P_EXEC : 0)),
		"hw walk of %#llx gave rights %#x, model %#x",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)ipa, perm, mp->prot);
}

static void check_all(struct prop *p)
{
	for (uint64_t i = 0; i < p->npages; i++)
		check_page(p, i);
}

/* --- the model's side of each operation ---------------------------------------------- */

/* Clear every page of the leaf containing page @i. */
static void model_unmap_leaf(struct prop *p, uint64_t i)
{
	uint64_t first, n;

	leaf_extent(p, i, &first, &n);
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].valid = false;
}

/* Apply @fn to every leaf overlapping pages [a, b). */
static void model_for_leaves(struct prop *p, uint64_t a, uint64_t b,
			     void (*fn)(struct prop *, uint64_t first, uint64_t n,
					uint32_t arg), uint32_t arg)
{
	uint64_t i = a;

	while (i < b) {
		uint64_t first, n;

		if (!p->m[i].valid) {
			i++;
			continue;
		}
		leaf_extent(p, i, &first, &n);
		fn(p, first, n, arg);
		i = first + n;
	}
}

static void leaf_unmap(struct prop *p, uint64_t first, uint64_t n, uint32_t arg)
{
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].valid = false;
}

static void leaf_wrprotect(struct prop *p, uint64_t first, uint64_t n, uint32_t arg)
{
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].prot &= (uint8_t)~S2_PROT_W;
}

static void leaf_mkold(struct prop *p, uint64_t first, uint64_t n, uint32_t arg)
{
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].af = false;
}

static void leaf_mkyoung(struct prop *p, uint64_t first, uint64_t n, uint32_t arg)
{
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].af = true;
}

static void leaf_relax(struct prop *p, uint64_t first, uint64_t n, uint32_t arg)
{
	for (uint64_t j = first; j < first + n; j++)
		p->m[j].prot |= (uint8_t)arg;
}

/*
 * The mapping rule, written again for the model: each piece of the range
 * takes the largest leaf size that is aligned in IPA and PA and fits.
 */
static void model_map(struct prop *p, uint64_t a, uint64_t b, hpa_t pa0,
		      uint32_t prot)
{
	uint64_t i = a;

	while (i < b) {
		ipa_t ipa = page_ipa(p, i);
		hpa_t pa = pa0 + ((i - a) << p->pg_shift);
		unsigned int shift = p->pg_shift;
		uint64_t n;

		for (int k = (int)p->nleaf - 1; k >= 0; k--) {
			uint64_t size = 1ull << p->leaf_shift[k];

			if (!(ipa & (size - 1)) && !(pa & (size - 1)) &&
			    ((b - i) << p->pg_shift) >= size) {
				shift = p->leaf_shift[k];
				break;
			}
		}
		n = 1ull << (shift - p->pg_shift);
		/* a bigger leaf in the way is broken: all of it goes */
		if (p->m[i].valid && p->m[i].leaf_shift > shift)
			model_unmap_leaf(p, i);
		for (uint64_t j = i; j < i + n; j++)
			p->m[j] = (struct mpage){
				.valid = true, .af = true, .prot = (uint8_t)prot,
				.leaf_shift = (uint8_t)shift,
				.pa = pa + ((j - i) << p->pg_shift),
			};
		i += n;
	}
}

/* --- one configuration ------------------------------------------------------------------ */

static unsigned long env_or(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/*
 * A range of pages for an op: one page, a few, or a leaf-sized block
 * (sometimes with a few pages more), often aligned to that block.
 */
static void pick_range(struct prop *p, uint64_t *a, uint64_t *b)
{
	unsigned int r = (unsigned int)rnd_below(p, 100);
	uint64_t n, align = 1;

	if (r < 45) {
		n = 1;
	} else if (r < 60) {
		n = 1 + rnd_below(p, 16);
	} else {
		unsigned int k = 1 + (unsigned int)rnd_below(p, p->nleaf - 1);

		n = 1ull << (p->leaf_shift[k] - p->pg_shift);
		if (rnd_below(p, 3))
			align = n;
		if (rnd_below(p, 4) == 0)
			n += 1 + rnd_below(p, 8);
	}
	if (n > p->npages)
		n = p->npages;
	*a = rnd_below(p, p->npages - n + 1) & ~(align - 1);
	*b = *a + n;
}

static void run_config(unsigned int ipa_bits, unsigned int granule,
		       uint64_t window, unsigned long steps)
{
	struct prop *p = calloc(1, sizeof(*p));
	struct vm_config cfg = {
		.arch = VM_ARCH_ARM64, .mmu_mode = VM_MMU_STAGE2,
		.ram_bytes = 2 * MiB,
	};
	uint64_t tables_at_start, root_tables;

	cr_assert_not_null(p);
	cr_assert_eq(vm_init(&p->vm, &cfg, WINDOW_BASE), 0);
	tables_at_start = p->vm.arena.tables_in_use;
	cr_assert_eq(s2_pgtable_init(&p->pgt, &p->vm, ipa_bits, granule), 0);
	root_tables = p->pgt.stats.tables;
	p->hw.vm = &p->vm;
	cr_assert_eq(arm64_mmu_hw_set_stage2(&p->hw, p->pgt.pt.root, p->pgt.geom.vtcr,
					     1, NULL, NULL), 0);
	p->pg_shift = p->pgt.geom.hw.pg_shift;
	for (int level = S2_LAST_LEVEL; level >= p->pgt.geom.hw.start_level; level--)
		if (s2_level_supports_leaf(&p->pgt.geom, level) &&
		    s2_level_shift(&p->pgt.geom, level) <= 63 &&
		    (1ull << s2_level_shift(&p->pgt.geom, level)) <= window)
			p->leaf_shift[p->nleaf++] = s2_level_shift(&p->pgt.geom, level);
	p->npages = window >> p->pg_shift;
	p->m = calloc(p->npages, sizeof(*p->m));
	cr_assert_not_null(p->m);
	p->seed = env_or("S2_PROP_SEED", 0x5eed0000ull ^ (uint64_t)ipa_bits << 20 ^ granule);
	p->rng = p->seed | 1;
	steps = env_or("S2_PROP_STEPS", steps);

	for (p->step = 0; p->step < steps; p->step++) {
		unsigned int r = (unsigned int)rnd_below(p, 100);
		uint64_t a, b;
		uint32_t prot;
		int ret;

		pick_range(p, &a, &b);
		if (r < 40) {
			/* PA: aligned to the biggest leaf, or off by pages */
			hpa_t pa = rnd_below(p, 64) << p->leaf_shift[p->nleaf - 1];

			if (rnd_below(p, 3) == 0)
				pa += rnd_below(p, 8) << p->pg_shift;
			prot = (uint32_t)(1 + rnd_below(p, 7));
			p->op = "map";
			ret = s2_pgtable_map(&p->pgt, page_ipa(p, a),
					     (b - a) << p->pg_shift, pa, prot);
			FAIL_IF(ret, "map returned %d", (unsigned long long)p->seed,
				p->step, p->op, ret);
			model_map(p, a, b, pa, prot);
		} else if (r < 55) {
			p->op = "unmap";
			s2_pgtable_unmap(&p->pgt, page_ipa(p, a), (b - a) << p->pg_shift);
			model_for_leaves(p, a, b, leaf_unmap, 0);
		} else if (r < 67) {
			p->op = "wrprotect";
			s2_pgtable_wrprotect(&p->pgt, page_ipa(p, a), (b - a) << p->pg_shift);
			model_for_leaves(p, a, b, leaf_wrprotect, 0);
		} else if (r < 79) {
			p->op = "relax_perms";
			prot = (uint32_t)(1 + rnd_below(p, 7));
			ret = s2_pgtable_relax_perms(&p->pgt, page_ipa(p, a), prot);
			FAIL_IF(ret != (p->m[a].valid ? 0 : -ENOENT), "relax returned %d",
				(unsigned long long)p->seed, p->step, p->op, ret);
			model_for_leaves(p, a, a + 1, leaf_relax, prot);
		} else if (r < 89) {
			p->op = "mkold";
			s2_pgtable_mkold(&p->pgt, page_ipa(p, a), (b - a) << p->pg_shift);
			model_for_leaves(p, a, b, leaf_mkold, 0);
		} else {
			p->op = "mkyoung";
			ret = s2_pgtable_mkyoung(&p->pgt, page_ipa(p, a));
			FAIL_IF(ret != (p->m[a].valid ? 0 : -ENOENT), "mkyoung returned %d",
				(unsigned long long)p->seed, p->step, p->op, ret);
			model_for_leaves(p, a, a + 1, leaf_mkyoung, 0);
		}
		/* the pages the step touched (and their neighbours), and a sample */
		check_page(p, a);
		check_page(p, b - 1);
		if (a)
			check_page(p, a - 1);
		if (b < p->npages)
			check_page(p, b);
		for (int k = 0; k < 24; k++)
			check_page(p, rnd_below(p, p->npages));
		if (p->step % 500 == 499)
			check_all(p);
	}
	p->op = "final";
	check_all(p);
	/* unmap everything: every table but the root is freed */
	p->op = "unmap all";
	s2_pgtable_unmap(&p->pgt, 0, 1ull << ipa_bits);
	FAIL_IF(p->pgt.stats.tables != root_tables, "%llu tables left after unmapping all",
		(unsigned long long)p->seed, p->step, p->op,
		(unsigned long long)p->pgt.stats.tables);
	s2_pgtable_destroy(&p->pgt);
	FAIL_IF(p->vm.arena.tables_in_use != tables_at_start, "the arena lost %lld tables",
		(unsigned long long)p->seed, p->step, p->op,
		(long long)(p->vm.arena.tables_in_use - tables_at_start));
	vm_destroy(&p->vm);
	free(p->m);
	free(p);
}

TestSuite(s2_prop, .timeout = 300);

/* Windows: room for several of the granule's biggest leaves we can test
   (4K: 1 GiB blocks in a 2 GiB window; 16K: 32 MiB; 64K: 512 MiB). */
#define PROP(ipa, gran, window)                                                \
	Test(s2_prop, random_ops_##gran##_##ipa)                               \
	{                                                                      \
		run_config(ipa, gran, window, 3000);                           \
	}

PROP(32, 4096, 2 * GiB)
PROP(36, 4096, 2 * GiB)
PROP(40, 4096, 2 * GiB)
PROP(44, 4096, 2 * GiB)
PROP(48, 4096, 2 * GiB)
PROP(32, 16384, 256 * MiB)
PROP(36, 16384, 256 * MiB)
PROP(40, 16384, 256 * MiB)
PROP(44, 16384, 256 * MiB)
PROP(48, 16384, 256 * MiB)
PROP(32, 65536, 2 * GiB)
PROP(36, 65536, 2 * GiB)
PROP(40, 65536, 2 * GiB)
PROP(44, 65536, 2 * GiB)
PROP(48, 65536, 2 * GiB)
