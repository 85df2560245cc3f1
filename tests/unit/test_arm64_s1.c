// SPDX-License-Identifier: MIT
/*
 * The arm64 stage-1 walker per granule: translation, block sizes,
 * permission and access-flag faults with their syndromes, TTBR0/TTBR1
 * selection, and the ASID-tagged TLB against TLBI.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>

#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

#define AF	BIT(10)
#define NG	BIT(11)
#define AP_RO	(2ull << 6)
#define AP_EL0	(1ull << 6)
#define PXN	BIT(53)
#define UXN	BIT(54)
#define TABLE	3ull
#define PAGE	3ull
#define BLOCK	1ull

#define ROOT	0x40400000ull
#define L2T	0x40401000ull
#define L3T	0x40402000ull
#define L2B	0x40403000ull
#define ROOT1	0x40404000ull
#define FRAME_A	0x40800000ull
#define FRAME_B	0x40801000ull
#define FRAME_C	0x40802000ull

/* TCR: T0SZ=T1SZ=25 (39 bits), 4K both, IPS 40 bits */
#define TCR_4K	(25ull | 25ull << 16 | 2ull << 30 | 2ull << 32)

static struct a64tm t;

static void setup(void) { tm_init(&t, 64 * MiB); }
static void teardown(void) { tm_fini(&t); }
TestSuite(arm64_s1, .init = setup, .fini = teardown);

static void map_4k(void)
{
	tm_wr64(&t, ROOT + 8 * 1, 0x40000000ull | AF | BLOCK);	/* 1G identity */
	tm_wr64(&t, ROOT + 8 * 4, L2T | TABLE);			/* VA 4G */
	tm_wr64(&t, L2T + 8 * 0, L3T | TABLE);
	tm_wr64(&t, L3T + 8 * 1, FRAME_A | AF | NG | PAGE);
	tm_wr64(&t, L3T + 8 * 2, FRAME_A | AF | AP_RO | PAGE);
	tm_wr64(&t, L3T + 8 * 3, FRAME_B | AF | PAGE);		/* global */
	tm_wr64(&t, L3T + 8 * 4, FRAME_A | PAGE);		/* AF clear */
	tm_wr64(&t, L3T + 8 * 5, FRAME_A | AF | AP_EL0 | PAGE);
	tm_wr64(&t, L3T + 8 * 6, FRAME_A | AF | AP_EL0 | AP_RO | UXN | PAGE);
	tm_wr64(&t, L3T + 8 * 7, FRAME_A | AF | PXN | PAGE);
	tm_wr64(&t, ROOT + 8 * 5, L2B | TABLE);			/* VA 5G */
	tm_wr64(&t, L2B + 8 * 1, 0x40600000ull | AF | BLOCK);	/* 2M block */
	tm_wr64(&t, ROOT1 + 8 * 0, 0x40000000ull | AF | BLOCK);
	tm_msr(&t, SR_TCR, TCR_4K);
	tm_msr(&t, SR_TTBR0, ROOT | 1ull << 48);
	tm_msr(&t, SR_TTBR1, ROOT1);
	tm_msr(&t, SR_SCTLR, SCTLR_M);
}

/* Translate through the hardware (not a peek): fault syndromes. */
static int xl(uint64_t va, uint32_t acc, struct arm64_xlate *x,
	      struct walk_record *rec)
{
	struct arm64_s1_ctx ctx;

	arm64_s1_ctx(t.cpu, &ctx);
	return arm64_hw_translate(&t.cpu->mmu, &ctx, va, acc, x, rec);
}

Test(arm64_s1, four_k_pages_blocks_and_ttbr1)
{
	struct walk_record rec;
	struct arm64_xlate x;

	map_4k();
	EQ(xl(0x100001234ull, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(x.ipa, FRAME_A + 0x234);
	EQ(rec.nsteps, 3, "L1, L2, L3");
	EQ(rec.step[0].level, 1);
	EQ(rec.step[2].entry_addr, L3T + 8);
	EQ(rec.page_shift, 12);
	EQ(x.global, false);
	EQ(x.asid, 1);
	EQ(xl(0x40001000ull, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(rec.page_shift, 30, "1 GiB block at L1");
	EQ(rec.nsteps, 1);
	EQ(xl(0x140234567ull, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(rec.page_shift, 21, "2 MiB block at L2");
	EQ(x.ipa, 0x40634567ull);
	EQ(xl(0xffffff8000005678ull, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(x.ipa, 0x40005678ull, "TTBR1");
	EQ(rec.step[0].table_addr, ROOT1);
}

Test(arm64_s1, faults_carry_the_right_syndrome)
{
	struct walk_record rec;
	struct arm64_xlate x;

	map_4k();
	EQ(xl(0x100008000ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000007, "translation fault, level 3");
	EQ(xl(0x200000000ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000005, "translation fault, level 1");
	EQ(xl(0x8000000000ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000004, "VA above the 39-bit range: level 0");
	EQ(xl(0x100002000ull, ARM64_ACC_WRITE, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x9600004f, "store to read-only: permission L3, WnR");
	EQ(xl(0x100002000ull, 0, &x, &rec), ARM64_XLATE_OK, "loads are fine");
	EQ(xl(0x100004000ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x9600000b, "access flag fault, level 3");
	EQ(xl(0x100001000ull, ARM64_ACC_EL0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x9600000f, "EL0 load of an EL1-only page");
	EQ(xl(0x100005000ull, ARM64_ACC_EL0 | ARM64_ACC_WRITE, &x, &rec), ARM64_XLATE_OK);
	EQ(xl(0x100005000ull, ARM64_ACC_FETCH, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x8600000f, "EL0-writable is never EL1-executable");
	EQ(xl(0x100006000ull, ARM64_ACC_FETCH | ARM64_ACC_EL0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x8600000f, "UXN");
	EQ(xl(0x100006000ull, ARM64_ACC_FETCH, &x, &rec), ARM64_XLATE_OK, "UXN only");
	EQ(xl(0x100007000ull, ARM64_ACC_FETCH, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x8600000f, "PXN");
	EQ(rec.result, WALK_FAULT);
	EQ(rec.fault_level, 3);
	tm_msr(&t, SR_TCR, TCR_4K | BIT(23));	/* EPD1 */
	EQ(xl(0xffffff8000005678ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000004, "EPD1: translation fault level 0");
}

/* 16K: T0SZ=17 (47 bits) starts at L1 with 11 bits; 32 MiB blocks at L2. */
Test(arm64_s1, sixteen_k_granule)
{
	struct walk_record rec;
	struct arm64_xlate x;
	uint64_t l1 = 0x40400000, l2 = 0x40404000, l3 = 0x40408000;

	tm_wr64(&t, l1, l2 | TABLE);
	tm_wr64(&t, l2 + 8 * 0, l3 | TABLE);
	tm_wr64(&t, l2 + 8 * 1, 0x42000000ull | AF | BLOCK);
	tm_wr64(&t, l3 + 8 * 1, 0x40800000ull | AF | PAGE);
	tm_msr(&t, SR_TCR, 17ull | 2ull << 14 | 2ull << 32);
	tm_msr(&t, SR_TTBR0, l1);
	tm_msr(&t, SR_SCTLR, SCTLR_M);
	EQ(xl(0x5678, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(x.ipa, 0x40801678ull);
	EQ(rec.nsteps, 3);
	EQ(rec.page_shift, 14);
	EQ(xl(0x3456789, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(rec.page_shift, 25, "32 MiB block");
	EQ(x.ipa, 0x43456789ull);
	EQ(xl(0x8000, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000007);
	tm_wr64(&t, l1, 0x40000000ull | AF | BLOCK);	/* no L1 blocks with 16K */
	arm64_tlb_flush_all(t.cpu);
	EQ(xl(0x5678, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000005, "block at L1: translation fault L1");
}

/* 64K: T0SZ=22 (42 bits) starts at L2 with 13 bits; 512 MiB blocks. */
Test(arm64_s1, sixty_four_k_granule)
{
	struct walk_record rec;
	struct arm64_xlate x;
	uint64_t l2 = 0x40400000, l3 = 0x40410000;

	tm_wr64(&t, l2 + 8 * 0, l3 | TABLE);
	tm_wr64(&t, l2 + 8 * 2, 0x40000000ull | AF | BLOCK);
	tm_wr64(&t, l3 + 8 * 3, 0x40800000ull | AF | PAGE);
	tm_msr(&t, SR_TCR, 22ull | 1ull << 14 | 2ull << 32);
	tm_msr(&t, SR_TTBR0, l2);
	tm_msr(&t, SR_SCTLR, SCTLR_M);
	EQ(xl(0x3abcd, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(x.ipa, 0x4080abcdull);
	EQ(rec.nsteps, 2, "L2, L3");
	EQ(rec.step[0].level, 2);
	EQ(rec.page_shift, 16);
	EQ(xl(0x41234567, 0, &x, &rec), ARM64_XLATE_OK);
	EQ(rec.page_shift, 29, "512 MiB block");
	EQ(x.ipa, 0x41234567ull);
	EQ(xl(0x40000000000ull, 0, &x, &rec), ARM64_XLATE_FAULT);
	EQ(x.esr, 0x96000004, "bit 42: outside TTBR0's range");
}

static const uint32_t asid[] = {
	0xf940002a,	/* ldr x10, [x1] */
	0xf90000a4,	/* str x4, [x5] */
	0xf940002b,	/* ldr x11, [x1] */
	0xd5088743,	/* tlbi aside1, x3 */
	0xf940002c,	/* ldr x12, [x1] */
	0xd5088728,	/* tlbi vae1, x8 */
	0xf940002d,	/* ldr x13, [x1] */
	0xf94000ee,	/* ldr x14, [x7] */
	0xf9000289,	/* str x9, [x20] */
	0xd5182002,	/* msr TTBR0_EL1, x2 */
	0xd5033fdf,	/* isb */
	0xf94000ef,	/* ldr x15, [x7] */
	0xd5088775,	/* tlbi vaae1, x21 */
	0xf94000f0,	/* ldr x16, [x7] */
	0xf9400031,	/* ldr x17, [x1] */
	0xf90000b6,	/* str x22, [x5] */
	0xd5182006,	/* msr TTBR0_EL1, x6 */
	0xf9400032,	/* ldr x18, [x1] */
	0xd503207f,	/* wfi */
};

Test(arm64_s1, asid_tagged_tlb_and_tlbi)
{
	map_4k();
	tm_wr64(&t, FRAME_A, 0xa);
	tm_wr64(&t, FRAME_B, 0xb);
	tm_wr64(&t, FRAME_C, 0xc);
	TM_LOAD(&t, TM_CODE, asid);
	t.cpu->x[1] = 0x100001000ull;			/* nG page */
	t.cpu->x[2] = ROOT | 2ull << 48;		/* same tables, ASID 2 */
	t.cpu->x[3] = 2ull << 48;			/* TLBI ASIDE1 2 */
	t.cpu->x[4] = FRAME_B | AF | NG | PAGE;
	t.cpu->x[5] = L3T + 8;
	t.cpu->x[6] = ROOT | 1ull << 48;
	t.cpu->x[7] = 0x100003000ull;			/* global page */
	t.cpu->x[8] = 1ull << 48 | 0x100001ull;		/* VAE1 ASID 1 */
	t.cpu->x[9] = FRAME_C | AF | PAGE;
	t.cpu->x[20] = L3T + 24;
	t.cpu->x[21] = 0x100003ull;
	t.cpu->x[22] = FRAME_C | AF | NG | PAGE;
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[10], 0xa);
	EQ(t.cpu->x[11], 0xa, "no TLBI yet: the TLB still holds A");
	EQ(t.cpu->x[12], 0xa, "TLBI ASIDE1 of another ASID");
	EQ(t.cpu->x[13], 0xb, "TLBI VAE1 with our ASID");
	EQ(t.cpu->x[14], 0xb);
	EQ(t.cpu->x[15], 0xb, "global entries survive an ASID switch");
	EQ(t.cpu->x[16], 0xc, "TLBI VAAE1");
	EQ(t.cpu->x[17], 0xb, "ASID 2 walks: B");
	EQ(t.cpu->x[18], 0xc, "back in ASID 1 the ASID-2 entry does not match");
}

static const uint32_t el0_fault[] = {
	0xf9400020,	/* ldr x0, [x1] */
};

static const uint32_t handler[] = {
	0xd5385214,	/* mrs x20, ESR_EL1 */
	0xd5386015,	/* mrs x21, FAR_EL1 */
	0xd5384036,	/* mrs x22, ELR_EL1 */
	0xd503207f,	/* wfi */
};

Test(arm64_s1, guest_sees_abort_from_el0)
{
	map_4k();
	tm_wr64(&t, L3T + 8 * 8, TM_CODE | AF | AP_EL0 | AP_RO | PAGE);
	TM_LOAD(&t, TM_CODE, el0_fault);
	TM_LOAD(&t, 0x40010400, handler);
	tm_msr(&t, SR_VBAR, 0x40010000);
	arm64_set_pstate(t.cpu, PSTATE_M_EL0t);
	t.cpu->pc = 0x100008000ull;
	t.cpu->x[1] = 0x100001010ull;			/* EL1-only */
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_HALT, "%s", t.exit.msg);
	EQ(t.cpu->x[20], 0x9200000f, "EC 0x24 (lower EL), permission L3");
	EQ(t.cpu->x[21], 0x100001010ull);
	EQ(t.cpu->x[22], 0x100008000ull);
}
