/* SPDX-License-Identifier: MIT */
/*
 * Shadow MMU micro-benchmarks for `make bench` (bench/run.sh builds this
 * against build/libquadrant.a). The hypervisor side alone, through the
 * hardware walker, no CPU interpreter:
 *
 *   faults   a 4-level guest maps 64 MiB with 4 KiB pages; the first
 *            read of each page misses in the shadow tables and takes a
 *            shadow page fault (guest walk with A/D, fetch, leaf).
 *            Reported as faults per second.
 *   cr3      three 4-level address spaces, each mapping 64 pages; load
 *            CR3 round robin, alone and followed by 8 reads of mapped
 *            pages. Reported as ns per switch, with the previous-root
 *            cache on and off.
 *
 * Prints "name value unit" lines.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hv/vm.h>

#include "hv/mmu/shadow.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

#define P X86_PTE_P
#define RW X86_PTE_RW
#define CR0_PE 1ull

static struct vm vm;
static struct x86_mmu_hw hw;
static struct x86_paging_ctx ctx;
static gpa_t next_table = 0x100000;

static void nop_flush(struct vcpu *v) { }
static const struct vcpu_ops fake_ops = { .name = "bench", .flush_tlb = nop_flush };
static struct vcpu fake_vcpu = { .ops = &fake_ops };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t get64(gpa_t gpa)
{
	uint64_t v = 0;

	vm_read_gpa(&vm, gpa, &v, 8);
	return v;
}

static void put64(gpa_t gpa, uint64_t v)
{
	vm_write_gpa(&vm, gpa, &v, 8);
}

/* The guest kernel's own map() (physical writes: before any shadow). */
static void map4(gpa_t pml4, gva_t gva, gpa_t gpa)
{
	gpa_t table = pml4;

	for (int shift = 39; shift > 12; shift -= 9) {
		gpa_t e = table + ((gva >> shift) & 511) * 8;

		if (!(get64(e) & P)) {
			put64(e, next_table | P | RW);
			next_table += PAGE_SIZE;
		}
		table = get64(e) & X86_PTE64_ADDR;
	}
	put64(table + ((gva >> 12) & 511) * 8, gpa | P | RW);
}

static int touch(gva_t gva)
{
	struct x86_xlate out;

	return x86_hw_translate(&hw, &ctx, gva, 0, &out, NULL);
}

static struct shadow_mmu *setup(gpa_t cr3)
{
	struct shadow_mmu *mmu = shadow_mmu_create(&vm);

	memset(&hw, 0, sizeof(hw));
	ctx = (struct x86_paging_ctx){
		.cr0 = CR0_PE | X86_CR0_PG | X86_CR0_WP, .cr3 = cr3,
		.cr4 = X86_CR4_PAE, .efer = X86_EFER_LMA | BIT(8) | X86_EFER_NXE,
	};
	shadow_mmu_set_max_pages(mmu, 4096);
	shadow_mmu_attach(mmu, &hw, &ctx);
	return mmu;
}

static void bench_faults(void)
{
	const unsigned int pages = 16384;
	gpa_t pml4 = next_table;
	struct shadow_mmu *mmu;
	double t0, t1, best = 0;
	uint64_t faults = 0;

	next_table += PAGE_SIZE;
	for (unsigned int i = 0; i < pages; i++)
		map4(pml4, 0x8000000000ull + i * PAGE_SIZE, 0x2000000 + i * PAGE_SIZE);
	/* The best of three fresh MMUs: the machine may be busy. */
	for (int run = 0; run < 3; run++) {
		mmu = setup(pml4);
		t0 = now();
		for (unsigned int i = 0; i < pages; i++)
			touch(0x8000000000ull + i * PAGE_SIZE);
		t1 = now();
		if (!run || t1 - t0 < best)
			best = t1 - t0;
		faults = mmu->stats.faults;
		shadow_mmu_destroy(mmu);
	}
	printf("shadow_faults_per_sec %.0f faults/s (%llu faults)\n",
	       (double)faults / best, (unsigned long long)faults);
}

static void bench_cr3(bool cache, unsigned int reads)
{
	const unsigned int rounds = 20000;
	gpa_t pml4[3];
	struct shadow_mmu *mmu;
	double t0, t1, best = 0;

	for (int k = 0; k < 3; k++) {
		pml4[k] = next_table;
		next_table += PAGE_SIZE;
		for (unsigned int i = 0; i < 64; i++)
			map4(pml4[k], 0x10000000ull + i * PAGE_SIZE,
			     0x3000000 + (k * 64 + i) * PAGE_SIZE);
	}
	mmu = setup(pml4[0]);
	shadow_mmu_set_prev_roots(mmu, cache);
	/* The best of five batches: the machine may be busy. */
	for (int batch = 0; batch < 5; batch++) {
		t0 = now();
		for (unsigned int r = 0; r < rounds; r++) {
			uint64_t old = ctx.cr3;

			ctx.cr3 = pml4[r % 3];
			hw.hooks->paging_changed(hw.hooks_opaque, 3, old, ctx.cr3);
			for (unsigned int i = 0; i < reads; i++)
				touch(0x10000000ull + ((r + i * 8) % 64) * PAGE_SIZE);
		}
		t1 = now();
		if (!batch || t1 - t0 < best)
			best = t1 - t0;
	}
	printf("shadow_cr3_switch_%s_%ureads %.0f ns/switch (root loads %llu, prev-root hits %llu)\n",
	       cache ? "prev_roots" : "no_cache", reads, best * 1e9 / rounds,
	       (unsigned long long)mmu->stats.root_loads,
	       (unsigned long long)mmu->stats.prev_root_hits);
	shadow_mmu_destroy(mmu);
}

int main(void)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_SHADOW, .ram_bytes = 128 * MiB,
	};

	if (vm_init(&vm, &cfg, 0))
		return 1;
	vm.vcpu = &fake_vcpu;
	bench_faults();
	bench_cr3(true, 0);
	bench_cr3(false, 0);
	bench_cr3(true, 8);
	bench_cr3(false, 8);
	vm.vcpu = NULL;
	vm_destroy(&vm);
	return 0;
}
