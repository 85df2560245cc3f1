/* SPDX-License-Identifier: MIT */
/*
 * A property test of the shadow MMU: random guest page tables in all
 * three paging modes, driven through random operations the way a guest
 * kernel would do them (every table write goes through a virtual
 * mapping of the table, so write protection, emulation and unsync are
 * all exercised), with the audit after every step and, wherever the
 * architecture allows no staleness, the shadow's translation compared
 * with the guest's own walk.
 *
 * Operations: map, unmap, rewrite a live PTE, map a guest table as
 * data (write-protect), large page map, large page split, INVLPG, CR3
 * switch among three address spaces, CR3 reload, CR0.WP toggle, and
 * accesses (read, write, fetch; ring 0 and 3).
 *
 * Deterministic: the seed is fixed per run; a failure names the mode,
 * the seed and the step, and prints the last MMU events and the shadow
 * and guest walks. SHADOW_PROP_STEPS overrides the step count,
 * SHADOW_PROP_SEED is xored into the seeds (to explore), and
 * SHADOW_PROP_EVENTS sets how many events a failure prints.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/vm.h>

#include "hv/mmu/shadow_internal.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

#define P X86_PTE_P
#define RW X86_PTE_RW
#define US X86_PTE_US
#define PS X86_PTE_PS
#define A X86_PTE_A
#define D X86_PTE_D
#define G X86_PTE_G
#define XD X86_PTE_XD

#define POOL_BASE (4 * MiB)		/* tables and data frames */
#define POOL_END (12 * MiB)
#define BIG_BASE (16 * MiB)		/* large-page targets */
#define ALIAS 0x40000000ull		/* gva of POOL_BASE in every AS */
#define NAS 3

struct prop {
	enum x86_paging_mode mode;
	uint64_t seed, rng;
	struct vm vm;
	struct x86_mmu_hw hw;		/* the shadow hardware */
	struct x86_mmu_hw ghw;		/* the guest's own walk, the oracle */
	struct shadow_mmu *mmu;
	struct x86_paging_ctx ctx;
	gpa_t root[NAS];		/* CR3 of each address space */
	int cur;
	bool stale[NAS];		/* a leaf may lag (unsync, no INVLPG) */
	gpa_t next_frame;
	gpa_t tables[2048];
	unsigned int ntables;
	gpa_t data[256];
	unsigned int ndata;
	unsigned int step;
	const char *op;
	char report[4096];
};

static struct prop *T;

static void nop_flush(struct vcpu *v) { }
static const struct vcpu_ops fake_ops = { .name = "fake", .flush_tlb = nop_flush };
static struct vcpu fake_vcpu = { .ops = &fake_ops };

static uint64_t rnd(void)
{
	/* xorshift64* */
	T->rng ^= T->rng >> 12;
	T->rng ^= T->rng << 25;
	T->rng ^= T->rng >> 27;
	return T->rng * 0x2545F4914F6CDD1Dull;
}

static unsigned int pick(unsigned int n) { return (unsigned int)(rnd() % n); }

/* On failure, the last events say what the MMU did. */
static bool dump_events(void)
{
	char line[256];
	uint64_t end = T->vm.events.next_seq;
	uint64_t n = getenv("SHADOW_PROP_EVENTS") ? strtoull(getenv("SHADOW_PROP_EVENTS"), NULL, 0) : 60;
	uint64_t from = end > n ? end - n : 0;

	for (uint64_t s = from; s < end; s++) {
		const struct hv_event *ev = event_get(&T->vm.events, s);

		if (ev) {
			event_format(ev, line, sizeof(line));
			fprintf(stderr, "  %s\n", line);
		}
	}
	return true;
}

#define FAIL_IF(cond, ...) \
	cr_assert_not((cond) && dump_events(), "mode %d seed %#llx step %u op %s: %s", T->mode, \
		      (unsigned long long)T->seed, T->step, T->op, \
		      (snprintf(T->report + 2048, 2048, __VA_ARGS__), T->report + 2048))

static unsigned int pte_size(void) { return T->mode == X86_PAGING_32 ? 4 : 8; }

static uint64_t gread(gpa_t gpa)
{
	uint64_t v = 0;

	vm_read_gpa(&T->vm, gpa, &v, pte_size());
	return v;
}

static gva_t alias_of(gpa_t gpa) { return ALIAS + (gpa - POOL_BASE); }

/* A store as the CPU makes it, through the shadow (and emulation). */
static int cpu_store(gva_t gva, uint64_t v, unsigned int size, uint8_t cpl)
{
	struct x86_xlate out = { 0 };
	struct x86_paging_ctx c = T->ctx;
	int ret;

	c.cpl = cpl;
	ret = x86_hw_translate(&T->hw, &c, gva, PFERR_WRITE, &out, NULL);
	FAIL_IF(ret < 0, "store walk error %d at %#llx", ret, (unsigned long long)gva);
	if (ret != X86_XLATE_OK)
		return ret;
	memcpy(arena_hva(&T->vm.arena, out.hpa, size), &v, size);
	if (out.flags & X86_XLATE_F_TRACKED)
		T->hw.hooks->track_write(T->hw.hooks_opaque, out.gpa, &v, size);
	return ret;
}

/* The guest kernel writes one of its table entries (through ALIAS). */
static void gwrite(gpa_t gpa, uint64_t v)
{
	FAIL_IF(cpu_store(alias_of(gpa), v, pte_size(), 0) != X86_XLATE_OK,
		"the alias of %#llx does not map", (unsigned long long)gpa);
}

static gpa_t alloc_frame(void)
{
	gpa_t f;

	if (T->next_frame >= POOL_END)
		return 0;
	f = T->next_frame;
	T->next_frame += PAGE_SIZE;
	return f;
}

static gpa_t alloc_table(void)
{
	gpa_t f = alloc_frame();

	if (f && T->ntables < ARRAY_SIZE(T->tables))
		T->tables[T->ntables++] = f;
	return f;
}

/* --- the guest's tables ---------------------------------------------------- */

static const struct x86_paging_desc *desc(void) { return &x86_paging_desc[T->mode]; }

static uint64_t addr_of(uint64_t e)
{
	return e & desc()->addr_mask;
}

/* Interesting gvas: every quadrant, both halves of a PT, high half. */
static gva_t random_gva(void)
{
	static const unsigned int pt_idx[] = { 0, 1, 7, 511, 512, 513, 1023 };
	static const unsigned int pd32_idx[] = { 0, 3, 0xC0, 0x1C0, 0x2C1, 0x300, 0x3FF };
	static const unsigned int pd_idx[] = { 0, 1, 5, 256, 511 };

	switch (T->mode) {
	case X86_PAGING_32:
		return ((gva_t)pd32_idx[pick(7)] << 22) | ((gva_t)pt_idx[pick(7)] << 12);
	case X86_PAGING_PAE: {
		static const unsigned int pdpt[] = { 0, 2, 3 };

		return ((gva_t)pdpt[pick(3)] << 30) | ((gva_t)pd_idx[pick(5)] << 21) |
		       ((gva_t)(pt_idx[pick(7)] & 511) << 12);
	}
	default: {
		static const unsigned int pml4[] = { 0, 1, 256, 511 };
		unsigned int l4 = pml4[pick(4)], l3 = pick(2) * 2;
		gva_t gva = ((gva_t)l4 << 39) | ((gva_t)l3 << 30) |
			    ((gva_t)pd_idx[pick(5)] << 21) |
			    ((gva_t)(pt_idx[pick(7)] & 511) << 12);

		return (gva & BIT(47)) ? gva | GENMASK(63, 48) : gva;
	}
	}
}

/*
 * The gpa of the entry for @gva at @level in address space @as,
 * creating missing tables above it. 0 if a large page is in the way
 * or the pool is empty.
 */
static gpa_t entry_gpa(int as, gva_t gva, int level, bool create)
{
	const struct x86_paging_desc *d = desc();
	gpa_t table = T->root[as];

	for (int i = 0; i < d->levels; i++) {
		const struct x86_paging_level *l = &d->lvl[i];
		unsigned int idx = (gva >> l->shift) & ((1u << l->index_bits) - 1);
		gpa_t e_gpa = table + (gpa_t)idx * d->pte_size;
		uint64_t e;

		if (l->level == level)
			return e_gpa;
		e = gread(e_gpa);
		if ((e & P) && (e & PS) && l->large_ok)
			return 0;
		if (!(e & P)) {
			gpa_t t;

			if (!create || !(t = alloc_table()))
				return 0;
			/* A PAE PDPTE has no rights bits. */
			e = t | P | ((T->mode == X86_PAGING_PAE && l->level == 3) ? 0
									  : RW | US);
			gwrite(e_gpa, e);
			if (T->mode == X86_PAGING_PAE && l->level == 3)
				T->stale[as] = true;	/* PDPTEs load with CR3 */
		}
		table = addr_of(e);
		if (table < POOL_BASE || table >= POOL_END)
			return 0;
	}
	return 0;
}

static uint64_t random_rights(void)
{
	uint64_t r = P | A;

	if (pick(4))
		r |= RW;
	if (pick(2))
		r |= US;
	if (pick(3))
		r |= D;
	if (!pick(4))
		r |= G;
	if (T->mode != X86_PAGING_32 && !pick(4))
		r |= XD;
	return r;
}

static gpa_t data_frame(void)
{
	gpa_t f;

	if (T->ndata && pick(2))
		return T->data[pick(T->ndata)];
	f = alloc_frame();
	if (f && T->ndata < ARRAY_SIZE(T->data))
		T->data[T->ndata++] = f;
	return f;
}

/* --- operations -------------------------------------------------------------- */

static void op_map(bool table_frame)
{
	gva_t gva = random_gva();
	gpa_t e = entry_gpa(T->cur, gva, 1, true);
	gpa_t f = table_frame && T->ntables ? T->tables[pick(T->ntables)] : data_frame();

	if (!e || !f)
		return;
	gwrite(e, f | random_rights());
	T->stale[T->cur] = true;
}

static void op_unmap_or_rewrite(bool unmap)
{
	gva_t gva = random_gva();
	gpa_t e = entry_gpa(T->cur, gva, 1, false);
	uint64_t v;

	if (!e || !(gread(e) & P))
		return;
	v = unmap ? 0 : (pick(2) ? (addr_of(gread(e)) | random_rights())
				 : (gread(e) ^ RW));
	gwrite(e, v);
	T->stale[T->cur] = true;
}

static void op_large(void)
{
	gva_t gva = random_gva();
	gpa_t e = entry_gpa(T->cur, gva, 2, true);
	uint64_t size = T->mode == X86_PAGING_32 ? 4 * MiB : 2 * MiB;
	gpa_t big = BIG_BASE + size * pick((unsigned int)((16 * MiB) / size));

	if (!e || ((gread(e) & P) && !(gread(e) & PS)))
		return;
	gwrite(e, big | PS | (random_rights() & ~G));
}

static void op_split(void)
{
	gva_t gva = random_gva();
	gpa_t e = entry_gpa(T->cur, gva, 2, false), t;
	uint64_t pde, n = T->mode == X86_PAGING_32 ? 1024 : 512;
	gpa_t base;

	if (!e || !((pde = gread(e)) & PS) || !(pde & P))
		return;
	t = alloc_table();
	if (!t)
		return;
	base = T->mode == X86_PAGING_32 ? (pde & X86_PDE32_4M_LO) : (addr_of(pde) & ~(2 * MiB - 1));
	for (uint64_t i = 0; i < n; i++)
		gwrite(t + i * pte_size(), (base + i * PAGE_SIZE) | (pde & (P | RW | US | A | D | XD)));
	gwrite(e, t | P | RW | US);
}

static void reload_cr3(int as)
{
	uint64_t old = T->ctx.cr3;

	T->cur = as;
	T->ctx.cr3 = T->root[as];
	T->hw.hooks->paging_changed(T->hw.hooks_opaque, 3, old, T->ctx.cr3);
	T->stale[as] = false;
}

/* Compare one access with the guest's own walk. */
static void check_access(gva_t gva, uint32_t access, uint8_t cpl)
{
	struct x86_paging_ctx c = T->ctx;
	struct x86_xlate so = { 0 }, go = { 0 };
	struct walk_record rec;
	int rs, rg;

	c.cpl = cpl;
	rg = x86_hw_translate(&T->ghw, &c, gva, access | X86_ACC_PEEK, &go, &rec);
	if (access & PFERR_WRITE) {
		if (rg != X86_XLATE_OK)
			rs = cpu_store(gva, 0, 1, cpl);	/* expected to fault */
		else {
			uint8_t byte = *(uint8_t *)arena_hva(&T->vm.arena, go.hpa, 1);

			rs = cpu_store(gva, byte, 1, cpl);
		}
		so.pferr = 0;
		if (rs == X86_XLATE_PF)
			rs = x86_hw_translate(&T->hw, &c, gva, access, &so, NULL);
		else
			x86_hw_translate(&T->hw, &c, gva, access, &so, NULL);
	} else {
		rs = x86_hw_translate(&T->hw, &c, gva, access, &so, NULL);
	}
	if (T->stale[T->cur])
		return;
	if (rs != rg || (rs == X86_XLATE_OK && so.gpa != go.gpa)) {
		x86_hw_translate(&T->hw, &c, gva, access, &so, NULL);
		for (unsigned int i = 0; i < T->hw.last_walk.nsteps; i++) {
			const struct walk_step *st = &T->hw.last_walk.step[i];
			struct shadow_page *sp = sptep_to_sp(T->mmu, st->entry_addr);

			fprintf(stderr, "  shadow L%d [%u] %#llx", st->level, st->index,
				(unsigned long long)st->entry);
			if (sp)
				fprintf(stderr, "  sp gfn %#llx role %#x unsync %d uc %u bit %d",
					(unsigned long long)sp->gfn, sp->role.word, sp->unsync,
					sp->unsync_children,
					!!(sp->unsync_child_bitmap[st->index / 64] & (1ull << (st->index % 64))));
			fprintf(stderr, "\n");
		}
		for (unsigned int i = 0; i < rec.nsteps; i++)
			fprintf(stderr, "  guest L%d table %#llx [%u] %#llx\n", rec.step[i].level,
				(unsigned long long)rec.step[i].table_addr, rec.step[i].index,
				(unsigned long long)rec.step[i].entry);
		fprintf(stderr, "  cr3 %#llx cur %d\n", (unsigned long long)T->ctx.cr3, T->cur);
	}
	FAIL_IF(rs != rg, "gva %#llx access %#x cpl %u: shadow %d, guest %d (%s)",
		(unsigned long long)gva, access, cpl, rs, rg, rec.why ? rec.why : "");
	if (rs == X86_XLATE_PF)
		FAIL_IF(so.pferr != go.pferr, "gva %#llx: pferr %#x, guest %#x",
			(unsigned long long)gva, so.pferr, go.pferr);
	else
		FAIL_IF(so.gpa != go.gpa, "gva %#llx: gpa %#llx, guest %#llx",
			(unsigned long long)gva, (unsigned long long)so.gpa,
			(unsigned long long)go.gpa);
}

static void op_access(void)
{
	static const uint32_t acc[] = { 0, 0, PFERR_WRITE, PFERR_FETCH };
	gva_t gva = random_gva() | (rnd() & 0xff8);

	/* Sometimes write into a guest table through its data mapping. */
	check_access(gva, acc[pick(4)], pick(3) ? 0 : 3);
}

static void op_touch_table_via_data(void)
{
	/* A data mapping of a table frame: the guest edits a table "by
	   hand", keeping its structure (toggle W in one entry). */
	gva_t gva = random_gva();
	gpa_t e = entry_gpa(T->cur, gva, 1, false);
	uint64_t v;
	struct x86_xlate go = { 0 };
	struct x86_paging_ctx c = T->ctx;

	if (!e || !(gread(e) & P))
		return;
	if (x86_hw_translate(&T->ghw, &c, gva, X86_ACC_PEEK | PFERR_WRITE, &go, NULL) ||
	    go.gpa < POOL_BASE || go.gpa >= POOL_END)
		return;
	for (unsigned int i = 0; i < T->ntables; i++)
		if (T->tables[i] == (go.gpa & PAGE_MASK)) {
			gpa_t at = go.gpa & ~(gpa_t)(pte_size() - 1);

			v = gread(at);
			if (!(v & P))
				return;
			cpu_store(gva & ~(gva_t)(pte_size() - 1), v ^ RW, pte_size(), 0);
			for (int k = 0; k < NAS; k++)
				T->stale[k] = true;
			return;
		}
}

static void op_wp_toggle(void)
{
	uint64_t old = T->ctx.cr0;

	T->ctx.cr0 ^= X86_CR0_WP;
	T->hw.hooks->paging_changed(T->hw.hooks_opaque, 0, old, T->ctx.cr0);
	T->stale[T->cur] = false;
}

static void full_check(void)
{
	for (int i = 0; i < 24; i++)
		check_access(random_gva() | (rnd() & 0xff8), 0, pick(2) ? 0 : 3);
}

static void step(void)
{
	unsigned int r = pick(100);

	if (r < 22) {
		T->op = "map";
		op_map(false);
	} else if (r < 25) {
		T->op = "map a table as data";
		op_map(true);
	} else if (r < 30) {
		T->op = "unmap";
		op_unmap_or_rewrite(true);
	} else if (r < 38) {
		T->op = "rewrite";
		op_unmap_or_rewrite(false);
	} else if (r < 41) {
		T->op = "large map";
		op_large();
	} else if (r < 43) {
		T->op = "large split";
		op_split();
	} else if (r < 50) {
		gva_t gva = random_gva();

		T->op = "invlpg";
		T->hw.hooks->invlpg(T->hw.hooks_opaque, gva);
	} else if (r < 56) {
		T->op = "cr3 switch";
		reload_cr3(pick(NAS));
		full_check();
	} else if (r < 58) {
		T->op = "cr3 reload";
		reload_cr3(T->cur);
		full_check();
	} else if (r < 59) {
		T->op = "cr0.wp toggle";
		op_wp_toggle();
	} else if (r < 62) {
		T->op = "edit a table through data";
		op_touch_table_via_data();
	} else {
		T->op = "access";
		op_access();
	}
	{
		int n = shadow_mmu_audit(T->mmu, T->report, 2048);

		FAIL_IF(n != 0, "audit: %d violations\n%.1500s", n, T->report);
	}
}

/* --- set-up --------------------------------------------------------------------- */

static void put(gpa_t gpa, uint64_t v)
{
	vm_write_gpa(&T->vm, gpa, &v, pte_size());
}

/*
 * Each address space maps POOL at ALIAS with large pages. These tables
 * are the kernel's own and never edited later (not in T->tables).
 */
static void build_alias(void)
{
	gpa_t pd_alias = 0;

	if (T->mode != X86_PAGING_32) {
		pd_alias = alloc_frame();
		for (int i = 0; i < 4; i++)
			put(pd_alias + i * 8, (POOL_BASE + i * 2 * MiB) | P | RW | PS | A | D);
	}
	for (int as = 0; as < NAS; as++) {
		gpa_t r = alloc_frame();

		T->root[as] = r;
		switch (T->mode) {
		case X86_PAGING_32:
			put(r + 0x100 * 4, POOL_BASE | P | RW | PS | A | D);
			put(r + 0x101 * 4, (POOL_BASE + 4 * MiB) | P | RW | PS | A | D);
			break;
		case X86_PAGING_PAE:
			put(r + 8, pd_alias | P);
			break;
		default: {
			gpa_t pdpt = alloc_frame();

			put(r, pdpt | P | RW | US);
			put(pdpt + 8, pd_alias | P | RW);
			break;
		}
		}
	}
}

static void prop_run(enum x86_paging_mode mode, uint64_t seed, uint64_t max_pages)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_SHADOW, .ram_bytes = 64 * MiB,
	};
	const char *env = getenv("SHADOW_PROP_STEPS");
	unsigned int steps = env ? (unsigned int)atoi(env) : 2500;

	T = calloc(1, sizeof(*T));
	cr_assert_not_null(T);
	T->mode = mode;
	if (getenv("SHADOW_PROP_SEED"))	/* explore: xor another seed in */
		seed ^= strtoull(getenv("SHADOW_PROP_SEED"), NULL, 0);
	T->seed = T->rng = seed;
	T->op = "setup";
	cr_assert_eq(vm_init(&T->vm, &cfg, 0), 0);
	T->vm.vcpu = &fake_vcpu;
	T->next_frame = POOL_BASE;
	T->ghw.vm = &T->vm;
	build_alias();
	T->ctx.cr0 = 1 | X86_CR0_PG | X86_CR0_WP;
	T->ctx.cr3 = T->root[0];
	if (mode == X86_PAGING_32) {
		T->ctx.cr4 = X86_CR4_PSE;
	} else {
		T->ctx.cr4 = X86_CR4_PAE;
		T->ctx.efer = X86_EFER_NXE |
			      (mode == X86_PAGING_4LEVEL ? X86_EFER_LMA | BIT(8) : 0);
	}
	T->mmu = shadow_mmu_create(&T->vm);
	cr_assert_not_null(T->mmu);
	if (max_pages)
		shadow_mmu_set_max_pages(T->mmu, max_pages);
	cr_assert_eq(shadow_mmu_attach(T->mmu, &T->hw, &T->ctx), 0);
	for (T->step = 0; T->step < steps; T->step++)
		step();
	reload_cr3(T->cur);
	full_check();
	cr_log_info("mode %d seed %#llx: %u steps, %llu faults, %llu emulated, "
		    "%llu unsync, %llu syncs, %llu zapped, %llu recycled",
		    mode, (unsigned long long)seed, steps,
		    (unsigned long long)T->mmu->stats.faults,
		    (unsigned long long)T->mmu->stats.emulated_writes,
		    (unsigned long long)T->mmu->stats.unsync,
		    (unsigned long long)T->mmu->stats.syncs,
		    (unsigned long long)T->mmu->stats.zapped,
		    (unsigned long long)T->mmu->stats.recycled);
	cr_assert_gt(T->mmu->stats.faults, 100);
	cr_assert_gt(T->mmu->stats.emulated_writes, 10);
	cr_assert_gt(T->mmu->stats.unsync, 0);
	shadow_mmu_destroy(T->mmu);
	T->vm.vcpu = NULL;
	vm_destroy(&T->vm);
	free(T);
}

TestSuite(shadow_prop, .timeout = 120);

Test(shadow_prop, paging32) { prop_run(X86_PAGING_32, 0x5eed0032, 0); }
Test(shadow_prop, pae) { prop_run(X86_PAGING_PAE, 0x5eed0003, 0); }
Test(shadow_prop, four_level) { prop_run(X86_PAGING_4LEVEL, 0x5eed0004, 0); }
Test(shadow_prop, paging32_small_cap) { prop_run(X86_PAGING_32, 0x5eed1032, 40); }
Test(shadow_prop, pae_small_cap) { prop_run(X86_PAGING_PAE, 0x5eed1003, 40); }
Test(shadow_prop, four_level_small_cap) { prop_run(X86_PAGING_4LEVEL, 0x5eed1004, 40); }
