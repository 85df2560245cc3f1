/* SPDX-License-Identifier: MIT */
/*
 * The x86 CPU interpreter: the "silicon" of the hardware layer.
 *
 * Zydis decodes, we execute. 32-bit protected mode, compatibility mode
 * and 64-bit long mode at CPL 0 and 3, segments from the guest's GDT,
 * IDT delivery with the #DF / triple-fault rules, a software TLB in
 * front of the hardware page walker (mmu_hw.h), and a cache of decoded
 * straight-line blocks so Zydis runs once per instruction address and
 * the run loop looks rip up once per block (block.c).
 *
 * Reference card (Intel SDM vol. 3A):
 *   segment attr (our packing, as VMX's access rights)
 *     bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G
 *   selector     bits 1:0 RPL, 2 TI (0 GDT, 1 LDT), 15:3 index
 *   CR0          0 PE, 1 MP, 2 EM, 3 TS, 4 ET, 5 NE, 16 WP, 18 AM,
 *                29 NW, 30 CD, 31 PG
 *   CR4          4 PSE, 5 PAE, 7 PGE, 20 SMEP, 21 SMAP
 *   EFER         0 SCE, 8 LME, 10 LMA, 11 NXE
 *   RFLAGS       0 CF, 2 PF, 4 AF, 6 ZF, 7 SF, 8 TF, 9 IF, 10 DF, 11 OF,
 *                13:12 IOPL, 14 NT, 16 RF, 17 VM, 18 AC, 21 ID
 *
 * The hypervisor sees this struct (registers, the embedded hardware MMU)
 * and the vcpu_ops; everything else is private to hv/x86/cpu*.c.
 */
#ifndef HV_X86_CPU_H
#define HV_X86_CPU_H

#include <setjmp.h>

#include <hv/vm.h>
#include <hv/x86/mmu_hw.h>

/* General registers, in encoding order. */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Segment registers, in encoding order. */
enum x86_sreg { X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS };

#define X86_CR0_PE	BIT(0)
#define X86_CR0_MP	BIT(1)
#define X86_CR0_EM	BIT(2)
#define X86_CR0_TS	BIT(3)
#define X86_CR0_ET	BIT(4)
#define X86_CR0_NE	BIT(5)
#define X86_CR0_WP	BIT(16)
#define X86_CR0_AM	BIT(18)
#define X86_CR0_NW	BIT(29)
#define X86_CR0_CD	BIT(30)
#define X86_CR0_PG	BIT(31)

#define X86_CR4_VME	BIT(0)
#define X86_CR4_PVI	BIT(1)
#define X86_CR4_TSD	BIT(2)
#define X86_CR4_DE	BIT(3)
#define X86_CR4_PSE	BIT(4)
#define X86_CR4_PAE	BIT(5)
#define X86_CR4_MCE	BIT(6)
#define X86_CR4_PGE	BIT(7)
#define X86_CR4_PCE	BIT(8)
#define X86_CR4_OSFXSR	BIT(9)
#define X86_CR4_SMEP	BIT(20)
#define X86_CR4_SMAP	BIT(21)

#define X86_EFER_SCE	BIT(0)
#define X86_EFER_LME	BIT(8)
#define X86_EFER_LMA	BIT(10)
#define X86_EFER_NXE	BIT(11)

#define X86_FL_CF	BIT(0)
#define X86_FL_FIXED	BIT(1)
#define X86_FL_PF	BIT(2)
#define X86_FL_AF	BIT(4)
#define X86_FL_ZF	BIT(6)
#define X86_FL_SF	BIT(7)
#define X86_FL_TF	BIT(8)
#define X86_FL_IF	BIT(9)
#define X86_FL_DF	BIT(10)
#define X86_FL_OF	BIT(11)
#define X86_FL_IOPL	(3ull << 12)
#define X86_FL_NT	BIT(14)
#define X86_FL_RF	BIT(16)
#define X86_FL_VM	BIT(17)
#define X86_FL_AC	BIT(18)
#define X86_FL_VIF	BIT(19)
#define X86_FL_VIP	BIT(20)
#define X86_FL_ID	BIT(21)
#define X86_FL_ARITH	(X86_FL_CF | X86_FL_PF | X86_FL_AF | X86_FL_ZF | \
			 X86_FL_SF | X86_FL_OF)

/* Segment attributes (struct x86_seg.attr). */
#define X86_SEG_TYPE(a)	((a) & 0xf)
#define X86_SEG_S	BIT(4)
#define X86_SEG_DPL(a)	(((a) >> 5) & 3)
#define X86_SEG_P	BIT(7)
#define X86_SEG_L	BIT(13)
#define X86_SEG_DB	BIT(14)
#define X86_SEG_G	BIT(15)
/* Not a hardware bit: the register holds a null selector. */
#define X86_SEG_UNUSABLE BIT(16)

/* Exception vectors. */
enum x86_vector {
	X86_DE = 0, X86_DB = 1, X86_NMI = 2, X86_BP = 3, X86_OF = 4,
	X86_BR = 5, X86_UD = 6, X86_NM = 7, X86_DF = 8, X86_TS = 10,
	X86_NP = 11, X86_SSF = 12, X86_GP = 13, X86_PF = 14, X86_MF = 16,
	X86_AC = 17, X86_MC = 18,
};

/* MSR numbers. */
#define MSR_IA32_TSC		0x10
#define MSR_IA32_APIC_BASE	0x1b
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_IA32_PAT		0x277
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

struct x86_seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;		/* byte granular (G already applied) */
	uint32_t attr;		/* X86_SEG_* packing above */
};

struct x86_dtr {
	uint64_t base;
	uint16_t limit;
};

/* --- private to the interpreter -------------------------------------- */

/* Software TLB: one array per privilege (0 supervisor, 1 user). */
#define X86_TLB_BITS 8
#define X86_TLB_SIZE (1u << X86_TLB_BITS)
/* A tag that never matches: page addresses have their low bits clear. */
#define X86_TLB_INVALID (~0ull)

struct x86_tlb_entry {
	uint64_t tag_r;		/* gva page if readable through here */
	uint64_t tag_w;		/* ... writable (mapping writable + dirty) */
	uint64_t tag_x;		/* ... executable */
	uintptr_t addend;	/* host pointer = addend + gva */
	hpa_t hpa;		/* hpa of the page */
	uint64_t tag_wc;	/* writable, but the page holds decoded code:
				   stores take the slow path and invalidate */
	bool global;		/* survives CR3 writes (CR4.PGE + G) */
	uint64_t pad;		/* to 64 bytes: indexing is a shift */
};

struct x86_insn;
struct x86_cpu;
/* Execute one decoded instruction; cpu->rip already points past it. */
typedef void (*x86_exec_fn)(struct x86_cpu *cpu, const struct x86_insn *in);

/* A decoded operand, pre-digested from Zydis for the fast path. */
enum x86_op_kind { OPK_NONE, OPK_REG, OPK_MEM, OPK_IMM, OPK_SREG, OPK_CR,
		   OPK_DR, OPK_PTR, OPK_OTHER };

struct x86_op {
	uint8_t kind;		/* enum x86_op_kind */
	uint8_t size;		/* bytes */
	uint8_t reg;		/* GPR 0-15, 16-19 = AH CH DH BH; sreg; crN */
	uint8_t base;		/* mem: GPR, 0xff none, 16 rip */
	uint8_t index;		/* mem: GPR or 0xff */
	uint8_t scale;		/* mem: 1 2 4 8 */
	uint8_t seg;		/* mem: enum x86_sreg */
	uint8_t agen;		/* mem: address only (LEA) */
	int64_t val;		/* mem: displacement; imm: value; ptr: offset */
	uint16_t ptr_sel;	/* ptr16:32 selector */
};

struct x86_insn {
	x86_exec_fn fn;
	uint64_t rip;		/* its own rip: blocks are decoded per rip */
	uint64_t next_rip;	/* rip + len, wrapped to the code size */
	uint64_t target;	/* relative jump/call: where it goes */
	uint8_t mode;		/* 16, 32, 64: the mode it was decoded in */
	uint8_t len;
	uint8_t ends_block;	/* may change rip, mode, paging or the TLB */
	uint8_t osize;		/* operand size, bytes */
	uint8_t asize;		/* address size, bytes */
	uint8_t rep;		/* 0, 1 rep/repe, 2 repne */
	uint8_t lock;
	uint8_t nops;		/* visible operands */
	uint8_t cc;		/* condition code for jcc/setcc/cmovcc */
	uint8_t aux;		/* per-handler sub-operation */
	uint8_t sreg;		/* data segment: DS or the override */
	uint16_t mnemonic;	/* ZydisMnemonic */
	struct x86_op op[3];
};

/* Lazy arithmetic flags: the last flag-setting operation, kept raw. */
enum x86_lf_op {
	LF_NONE,		/* flags live in rflags */
	LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC,
	LF_SHL, LF_SHR, LF_SAR,	/* a shifted by b (b != 0) */
};

struct x86_lazy_flags {
	uint8_t op;		/* enum x86_lf_op */
	uint8_t size;		/* operand size in bytes */
	uint8_t cin;		/* ADC/SBB carry in; INC/DEC the kept CF;
				   shifts: the last bit shifted out */
	uint64_t a, b, res;	/* operands and result, masked to size
				   (LF_LOGIC keeps only res) */
};

/*
 * A block: the straight-line run of decoded instructions that starts at
 * one rip (block.c). It ends after a jump or any instruction that may
 * change the mode, paging or the TLB, before an instruction that would
 * cross into the next page, or at X86_BLOCK_MAX instructions; so it
 * lies in one host page, whose TLB fetch entry covers all of it.
 */
#define X86_BLOCK_MAX 32

struct x86_block {
	uintptr_t key;		/* host address of the first byte; 0 once
				   invalidated (a store overlapped it) */
	uint64_t rip;		/* rip of the first instruction */
	uint8_t mode;		/* 16, 32, 64: decoded for this code size */
	uint8_t n;		/* instructions */
	uint16_t bytes;		/* they occupy [key, key + bytes) */
	uint32_t bp_tag;	/* cpu->bp_gen << 1 | a breakpoint lies in
				   the block; 0: not known */
	struct x86_block *hnext;	/* next in the same hash bucket */
	struct x86_block *pnext;	/* next on the same host page */
	struct x86_insn *insn;	/* n decoded instructions */
};

/* The block cache: a hash on (hva, rip), bump-allocated pools. */
#define X86_BLOCK_HASH_BITS 14
#define X86_BLOCK_POOL 8192		/* blocks */
#define X86_BLOCK_INSN_POOL 65536	/* instructions, over all blocks */

struct x86_block_cache {
	struct x86_block **hash;	/* 1 << X86_BLOCK_HASH_BITS buckets */
	struct x86_block **page;	/* per arena page: its blocks */
	struct x86_block *blocks;	/* X86_BLOCK_POOL */
	struct x86_insn *insns;		/* X86_BLOCK_INSN_POOL */
	unsigned int nblocks, ninsns;	/* used so far */
	struct x86_block scratch;	/* an uncached one-instruction block */
	struct x86_insn scratch_insn;	/* (an instruction across pages) */
	uint64_t flushes;		/* the pools filled up: all dropped */
};

/* --- the CPU ---------------------------------------------------------- */

struct x86_cpu {
	struct vcpu vcpu;	/* first: vm->vcpu = &cpu->vcpu */
	struct vm *vm;

	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;	/* arithmetic bits valid only if lf.op == LF_NONE;
				   read with x86_get_flags() */
	struct x86_lazy_flags lf;
	struct x86_seg seg[6];	/* enum x86_sreg */
	struct x86_seg ldtr, tr;
	struct x86_dtr gdtr, idtr;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t dr[8];
	uint8_t cpl;

	/* MSRs */
	uint64_t fs_base_unused;	/* FS/GS base live in seg[].base */
	uint64_t kernel_gs_base;
	uint64_t star, lstar, cstar, sfmask;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t pat, apic_base, misc_enable;
	uint64_t tsc_offset;	/* TSC = icount + tsc_offset */

	/* The hardware page walker the hypervisor programs. */
	struct x86_mmu_hw mmu;

	/* ---- interpreter state, private ---- */
	uint8_t mode;		/* 16, 32, 64: code size of CS */
	uint64_t insn_rip;	/* rip of the instruction being executed */
	jmp_buf jb;		/* exceptions longjmp back to run() */
	int delivering;		/* vector being delivered, or -1 */
	bool deliver_ext;	/* delivering a hardware event (EXT bit) */
	struct {
		int vec;
		uint32_t err;
		bool has_err;
		int stop;	/* nonzero: leave run() with this exit */
		bool refetch;	/* neither: carry on at rip (x86_refetch) */
	} exc;
	uint64_t icount_end;	/* this slice ends when vm->icount gets here */
	bool walked;		/* a walk ran (tlb.c): the TLB may have
				   changed, the VM may have been asked to stop */
	bool dbg_bp;		/* vcpu.dbg has breakpoints armed */
	uint32_t bp_gen;	/* bumped when the armed breakpoints change */
	uint64_t bp_bloom;	/* bit (gva & 63) of every breakpoint */
	unsigned int bp_nsaved;	/* the breakpoints bp_gen stands for */
	gva_t bp_saved[VCPU_MAX_BP];
	bool dbg_wp;		/* ... watchpoints: their pages skip the TLB */
	struct vcpu_exit *exit;	/* of the current run() */
	bool halted;
	uint64_t rep_iters;	/* string elements done, for budget */
	bool tlb_has_large;	/* a >4 KiB mapping is cached: INVLPG flushes all */
	struct x86_tlb_entry tlb[2][X86_TLB_SIZE];
	struct x86_tlb_entry *tlbc;	/* tlb[cpl == 3] */
	struct x86_block_cache blk;	/* decoded instructions (block.c) */
	uint8_t *code_pages;		/* bitmap over arena pages */
	uint64_t code_pages_n;
	/* The last data access, for the tools (blink style). */
	gva_t last_read, last_write;
	uint64_t warned_mnemonics[32];	/* hv_warn once per mnemonic */
	void *zydis;		/* ZydisDecoder[3] (16, 32, 64) */
	uint64_t icache_misses;
};

/* Create a vCPU for @vm (in reset state) or NULL. */
struct x86_cpu *x86_cpu_create(struct vm *vm);

/*
 * Multiboot v1 entry state: 32-bit protected mode, paging off, flat
 * 32-bit CS and data segments, EAX=0x2BADB002, EBX=@mbi_gpa,
 * EFLAGS=0x2, CR0=PE|ET, rip=@entry.
 */
void x86_cpu_reset_multiboot(struct x86_cpu *cpu, uint32_t entry,
			     uint32_t mbi_gpa);

/* The ops machine.c installs: run, get_pc, translate, flush_tlb, destroy. */
extern const struct vcpu_ops x86_vcpu_ops;

/*
 * Disassemble the instruction at @gva (Intel syntax) into @buf, reading
 * memory with X86_ACC_PEEK. Sets *@len to its length. Returns 0 or
 * -EFAULT (unmapped) / -EINVAL (undecodable; buf says "(bad)").
 */
int x86_disasm(struct x86_cpu *cpu, gva_t gva, char *buf, size_t size,
	       unsigned *len);

/* RFLAGS with the lazy arithmetic flags folded in. */
uint64_t x86_get_flags(struct x86_cpu *cpu);
/* Replace RFLAGS wholesale (bit 1 forced set). */
void x86_set_flags(struct x86_cpu *cpu, uint64_t rflags);

/* Flush the software TLB; @global also drops global entries. */
void x86_tlb_flush(struct x86_cpu *cpu, bool global);
/* The TLB as text for the tools (vcpu_ops.format_tlb). */
int x86_tlb_format(struct x86_cpu *cpu, char *buf, size_t size);

/*
 * Copy guest-virtual memory for the debugger (peek: no A/D bits, no
 * faults). Returns 0 or -EFAULT.
 */
int x86_peek(struct x86_cpu *cpu, gva_t gva, void *dst, size_t len);

#endif
