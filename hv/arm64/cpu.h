/* SPDX-License-Identifier: MIT */
/*
 * The arm64 CPU interpreter: the "silicon" of the hardware layer.
 *
 * Our own A64 decoder (the encoding is regular) in front of handlers for
 * the integer instruction set compilers emit for freestanding code, at
 * EL0 and EL1, with exceptions to VBAR_EL1, the EL1 system registers, a
 * software TLB tagged by ASID and VMID in front of the hardware walker
 * (mmu_hw.h), and a decoded-instruction cache keyed by host address and
 * checked against the instruction word, so self-modifying code needs no
 * invalidation. HVC goes to the hypervisor (PSCI). Time is counted in
 * instructions: CNTVCT_EL0 is vm->icount.
 *
 * Reference card (Arm ARM C5, D1):
 *   PSTATE / SPSR   N[31] Z[30] C[29] V[28] SS[21] IL[20] D[9] A[8] I[7]
 *                   F[6] M[3:0]: 0 EL0t, 4 EL1t, 5 EL1h (bit 4: AArch32)
 *   vectors         VBAR_EL1 + 0x000 current EL, SP_EL0
 *                             + 0x200 current EL, SP_ELx
 *                             + 0x400 lower EL, AArch64
 *                             + 0x600 lower EL, AArch32
 *                   each + 0x000 sync, 0x080 IRQ, 0x100 FIQ, 0x180 SError
 *   SCTLR_EL1       M[0] A[1] C[2] SA[3] SA0[4] UMA[9] DZE[14] UCT[15]
 *                   nTWI[16] nTWE[18] WXN[19] UCI[26]
 *   register 31     XZR or SP, by encoding; SP is SP_EL0 at EL0 and at
 *                   EL1 with SPSel = 0, SP_EL1 at EL1 with SPSel = 1
 *
 * The hypervisor sees this struct (registers, the embedded hardware MMU)
 * and the vcpu_ops; everything else is private to hv/arm64/.
 */
#ifndef HV_ARM64_CPU_H
#define HV_ARM64_CPU_H

#include <setjmp.h>

#include <hv/vm.h>
#include <hv/arm64/mmu_hw.h>

#define PSTATE_N	BIT(31)
#define PSTATE_Z	BIT(30)
#define PSTATE_C	BIT(29)
#define PSTATE_V	BIT(28)
#define PSTATE_NZCV	(0xfull << 28)
#define PSTATE_SS	BIT(21)
#define PSTATE_IL	BIT(20)
#define PSTATE_D	BIT(9)
#define PSTATE_A	BIT(8)
#define PSTATE_I	BIT(7)
#define PSTATE_F	BIT(6)
#define PSTATE_DAIF	(0xfull << 6)
#define PSTATE_M_EL0t	0x0
#define PSTATE_M_EL1t	0x4
#define PSTATE_M_EL1h	0x5

#define SCTLR_M		BIT(0)
#define SCTLR_A		BIT(1)
#define SCTLR_C		BIT(2)
#define SCTLR_SA	BIT(3)
#define SCTLR_SA0	BIT(4)
#define SCTLR_UMA	BIT(9)
#define SCTLR_I		BIT(12)
#define SCTLR_DZE	BIT(14)
#define SCTLR_UCT	BIT(15)
#define SCTLR_nTWI	BIT(16)
#define SCTLR_nTWE	BIT(18)
#define SCTLR_WXN	BIT(19)
#define SCTLR_UCI	BIT(26)
/* The RES1 bits of ARMv8.0 (bits 29, 28, 23, 22, 20, 11). */
#define SCTLR_RES1	0x30d00800ull

/* The value CNTFRQ_EL0 reports: QEMU's 62.5 MHz, in instructions. */
#define ARM64_CNTFRQ	62500000ull

/* --- private to the interpreter -------------------------------------- */

/*
 * Register file indices used by decoded instructions: the decoder maps
 * encoding 31 to REG_ZR (reads 0), REG_SINK (writes vanish) or REG_SP,
 * so handlers never test for 31.
 */
enum { REG_ZR = 31, REG_SINK = 32, REG_SP = 33, REG_COUNT = 34 };

struct arm64_cpu;
struct arm64_dinsn;
typedef void (*arm64_exec_fn)(struct arm64_cpu *cpu,
			      const struct arm64_dinsn *in);

/* One decoded instruction, pre-digested for its handler. */
struct arm64_dinsn {
	arm64_exec_fn fn;
	uintptr_t key;		/* host address of the word; 0: empty */
	uint32_t raw;		/* the word it was decoded from */
	uint8_t rd, rn, rm, ra;	/* register indices (see REG_*) */
	uint8_t sf;		/* 1: 64-bit operation */
	uint8_t op;		/* handler sub-operation */
	uint8_t size;		/* memory: log2 bytes */
	uint8_t flags;		/* handler-specific */
	uint8_t shift;		/* shift type / extend option */
	uint8_t amount;		/* shift amount */
	uint8_t cond;
	uint8_t pad;
	int64_t imm;
	uint64_t imm2;
};

#define ARM64_ICACHE_BITS 15
#define ARM64_ICACHE_SIZE (1u << ARM64_ICACHE_BITS)

/*
 * A block (block.c): the straight-line instructions from one word up to
 * the first branch, exception-generating or system instruction (which it
 * includes), the end of the 4 KiB page or ARM64_BLOCK_MAX words, decoded
 * once. Keyed by the host address of its first word in a direct-mapped
 * cache; every word is still compared with the memory it came from
 * before it runs, so a store into code needs no invalidation.
 */
#define ARM64_BLOCK_MAX 16
#define ARM64_BCACHE_BITS 12
#define ARM64_BCACHE_SIZE (1u << ARM64_BCACHE_BITS)

struct arm64_block {
	uintptr_t key;		/* host address of the first word; 0: empty */
	unsigned int n;		/* instructions, 1..ARM64_BLOCK_MAX */
	struct arm64_dinsn insn[ARM64_BLOCK_MAX];
};

/*
 * Software TLB: direct mapped by 4 KiB virtual page. An entry caches one
 * 4 KiB piece of a translation (both stages), tagged by VMID and, for
 * nG mappings, ASID. Entries of larger stage-1 mappings remember their
 * size so that TLBI by VA finds them all.
 */
#define ARM64_TLB_BITS 10
#define ARM64_TLB_SIZE (1u << ARM64_TLB_BITS)
#define ARM64_TLB_INVALID (~0ull)

struct arm64_tlb_entry {
	uint64_t va;		/* 4 KiB page VA, or ARM64_TLB_INVALID */
	uintptr_t addend;	/* host = addend + va; 0 for MMIO */
	ipa_t ipa;		/* IPA of the page */
	uint64_t s1_mask;	/* stage-1 mapping size - 1 */
	uint16_t asid;
	uint16_t vmid;
	uint8_t perm;		/* ARM64_PERM_* */
	bool global;
	bool mmio;
};

/* --- the CPU ---------------------------------------------------------- */

struct arm64_cpu {
	struct vcpu vcpu;	/* first: vm->vcpu = &cpu->vcpu */
	struct vm *vm;

	/*
	 * x[0..30] the general registers, x[REG_ZR] always 0, x[REG_SINK]
	 * written and never read, x[REG_SP] the current stack pointer
	 * (the banked copy of the one selected is stale).
	 */
	uint64_t x[REG_COUNT];
	uint64_t pc;
	uint32_t nzcv;		/* PSTATE.NZCV in bits 31:28 */
	uint32_t daif;		/* PSTATE.DAIF in bits 9:6 */
	uint8_t el;		/* 0 or 1 */
	uint8_t spsel;		/* 0 or 1 */
	bool il;		/* PSTATE.IL: an illegal exception return */
	uint64_t sp_el0, sp_el1;	/* banked; the live one is x[REG_SP] */

	/* EL1 system registers. */
	uint64_t sctlr, tcr, ttbr0, ttbr1, mair, amair, vbar;
	uint64_t esr, far, elr, spsr, par, cpacr;
	uint64_t contextidr, tpidr_el0, tpidr_el1, tpidrro_el0;
	uint64_t cntkctl, cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	uint64_t mdscr, csselr, afsr0, afsr1, actlr;
	uint64_t cntvoff;	/* CNTVCT = icount - cntvoff */

	/* The hardware MMU the hypervisor programs (stage 2). */
	struct arm64_mmu_hw mmu;
	uint16_t asid;		/* current ASID (TTBR0/1 by TCR.A1), cached */
	bool excl_valid;	/* the exclusive monitor */
	uint64_t excl_addr;
	unsigned int excl_size;

	/* ---- interpreter state, private ---- */
	uint64_t insn_pc;	/* pc of the instruction being executed */
	uint32_t insn_word;	/* and its encoding */
	jmp_buf jb;		/* exceptions longjmp back to run() */
	uint64_t icount_end;	/* vm->icount at which this run() ends */
	/* Set by the slow paths a block must look at after each instruction
	 * (memory access slow path, translation change): see cpu.c. */
	bool slow;
	int stop;		/* nonzero: leave run() (enum vcpu_exit_reason+1) */
	struct vcpu_exit *exit;	/* of the current run() */
	bool halted;
	bool tlb_has_large;	/* some entry caches a piece of a >4K mapping */
	struct arm64_tlb_entry tlb[ARM64_TLB_SIZE];
	/* Instruction fetch: the host page of the last fetch. */
	uint64_t fetch_va;	/* 4 KiB page, or ARM64_TLB_INVALID */
	const uint8_t *fetch_host;
	/*
	 * The pages of the last plain load and store that hit the TLB (a
	 * one-entry TLB each, in front of it): host = addend + va. Valid
	 * until the translation state changes, with the fetch page.
	 */
	uint64_t ld_page, st_page;	/* 4 KiB page, or ARM64_TLB_INVALID */
	uintptr_t ld_addend, st_addend;
	struct arm64_dinsn *icache;	/* ARM64_ICACHE_SIZE entries */
	struct arm64_block *bcache;	/* ARM64_BCACHE_SIZE entries */
	/* The last data access, for the tools (blink style). */
	gva_t last_read, last_write;
	uint32_t warned[64];	/* hv_warn once per unimplemented word */
	unsigned int nwarned;
	uint64_t icache_misses, tlb_misses, exceptions;
};

/* Create a vCPU for @vm in reset state (EL1h, MMU off) or NULL. */
struct arm64_cpu *arm64_cpu_create(struct vm *vm);

/*
 * The boot state QEMU gives an ELF kernel on -M virt: EL1h, DAIF masked,
 * MMU off, pc = @entry, x0 = @x0, all else 0.
 */
void arm64_cpu_reset(struct arm64_cpu *cpu, uint64_t entry, uint64_t x0);

extern const struct vcpu_ops arm64_vcpu_ops;

/*
 * Disassemble the instruction at @va (Capstone text when Capstone is
 * linked, else ".inst 0x........"), reading memory without side effects.
 * Returns 4, or -EFAULT if @va is not mapped.
 */
int arm64_disasm(struct arm64_cpu *cpu, gva_t va, char *buf, size_t size);

/* Disassemble one word at @pc (for tests and the tools). Returns 4. */
int arm64_disasm_word(uint32_t word, uint64_t pc, char *buf, size_t size);

/* Flush the software TLB (all VMIDs, all ASIDs). */
void arm64_tlb_flush_all(struct arm64_cpu *cpu);
/* The TLB as text for the tools (vcpu_ops.format_tlb). */
int arm64_tlb_format(struct arm64_cpu *cpu, char *buf, size_t size);

/* PSTATE as SPSR would hold it. */
uint64_t arm64_get_pstate(const struct arm64_cpu *cpu);
/* Set PSTATE (NZCV, DAIF, M) from an SPSR-format value; banks SP. */
void arm64_set_pstate(struct arm64_cpu *cpu, uint64_t spsr);

/* Read / write the stack pointer of @el (0 or 1), banked or live. */
uint64_t arm64_get_sp_el(const struct arm64_cpu *cpu, unsigned int el);
void arm64_set_sp_el(struct arm64_cpu *cpu, unsigned int el, uint64_t v);

/* The stage-1 registers as the walker takes them. */
void arm64_s1_ctx(const struct arm64_cpu *cpu, struct arm64_s1_ctx *ctx);

#endif
