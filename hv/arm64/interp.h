/* SPDX-License-Identifier: MIT */
/*
 * Private to the arm64 interpreter (hv/arm64/): the decoder's entry
 * point, the handlers' shared helpers, exceptions, memory access and
 * the system-register table.
 */
#ifndef HV_ARM64_INTERP_H
#define HV_ARM64_INTERP_H

#include <hv/arm64/cpu.h>
#include <hv/log.h>

/* Handler flags (struct arm64_dinsn.flags), per family. */
#define INSN_F_SETFLAGS	(1u << 0)	/* ADDS, ANDS, ... */
#define INSN_F_SUB	(1u << 1)
#define INSN_F_NOT	(1u << 2)	/* BIC, ORN, EON: invert operand 2 */

/* --- decode.c ---------------------------------------------------------- */

/* Decode @word into @in (fn and fields). Never fails: unknown words get
 * the UNDEFINED handler. */
void arm64_decode(uint32_t word, struct arm64_dinsn *in);
/* The same with the family handler, never a specialized one (tests). */
void arm64_decode_generic(uint32_t word, struct arm64_dinsn *in);

/* The handler for unallocated / unimplemented encodings. */
void exec_undef(struct arm64_cpu *cpu, const struct arm64_dinsn *in);

/* Decode a logical immediate (N:immr:imms). False if reserved. */
bool arm64_decode_bitmask(unsigned int n, unsigned int imms,
			  unsigned int immr, bool sf, uint64_t *wmask,
			  uint64_t *tmask);

/* --- block.c ----------------------------------------------------------- */

/* (Re)build @b from the words at @host, the code at @pc (cpu.h). */
struct arm64_block *arm64_block_build(struct arm64_cpu *cpu,
				      struct arm64_block *b,
				      const uint8_t *host, uint64_t pc);

/* The cache slot of a block starting at the word at @host. */
static inline struct arm64_block *arm64_block_slot(struct arm64_cpu *cpu,
						   const uint8_t *host)
{
	return &cpu->bcache[((uintptr_t)host >> 2) & (ARM64_BCACHE_SIZE - 1)];
}

/* --- exec_dp.c, exec_mem.c, exec_sys.c: handlers, named by the decoder -- */
#define H(name) void name(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
H(exec_adr); H(exec_addsub_imm); H(exec_logic_imm); H(exec_movw);
H(exec_bfm); H(exec_extr); H(exec_logic_reg); H(exec_addsub_shift);
H(exec_addsub_ext); H(exec_adc); H(exec_ccmp); H(exec_csel);
H(exec_dp2); H(exec_dp1); H(exec_dp3);
H(exec_b); H(exec_bcond); H(exec_cb); H(exec_tb); H(exec_br);
H(exec_eret); H(exec_svc); H(exec_hvc); H(exec_smc); H(exec_brk);
H(exec_hint); H(exec_barrier); H(exec_clrex); H(exec_msr_imm);
H(exec_sys); H(exec_mrs); H(exec_msr);
H(exec_ldst_imm); H(exec_ldst_reg); H(exec_ld_lit); H(exec_ldst_pair);
H(exec_ldst_excl); H(exec_ldst_ordered); H(exec_prfm);
/* the specialized forms decode.c picks for the commonest encodings */
H(exec_add_imm64); H(exec_add_imm32); H(exec_adds_imm64); H(exec_subs_imm64);
H(exec_adds_imm32); H(exec_subs_imm32);
H(exec_add_lsl64); H(exec_sub_lsl64); H(exec_add_lsl32); H(exec_sub_lsl32);
H(exec_adds_lsl64); H(exec_subs_lsl64); H(exec_adds_lsl32); H(exec_subs_lsl32);
H(exec_and_lsl64); H(exec_orr_lsl64); H(exec_eor_lsl64); H(exec_ands_lsl64);
H(exec_and_lsl32); H(exec_orr_lsl32); H(exec_eor_lsl32); H(exec_ands_lsl32);
H(exec_and_imm64); H(exec_orr_imm64); H(exec_eor_imm64); H(exec_ands_imm64);
H(exec_and_imm32); H(exec_orr_imm32); H(exec_eor_imm32); H(exec_ands_imm32);
H(exec_mov_imm); H(exec_ubfm64); H(exec_ubfm32);
H(exec_ldr8_imm); H(exec_ldr16_imm); H(exec_ldr32_imm); H(exec_ldr64_imm);
H(exec_str8_imm); H(exec_str16_imm); H(exec_str32_imm); H(exec_str64_imm);
H(exec_ldr8_reg); H(exec_ldr16_reg); H(exec_ldr32_reg); H(exec_ldr64_reg);
H(exec_str8_reg); H(exec_str16_reg); H(exec_str32_reg); H(exec_str64_reg);
#undef H

/* --- exception.c ---------------------------------------------------- */

/*
 * Take a synchronous exception to EL1: ESR = @esr, FAR = @far (when
 * @far_valid), ELR = @elr; then longjmp back to the run loop.
 */
__attribute__((noreturn))
void arm64_take_exception(struct arm64_cpu *cpu, uint32_t esr, uint64_t far,
			  bool far_valid, uint64_t elr);
/* Enter the exception without the longjmp (the run loop's own use). */
void arm64_enter_exception(struct arm64_cpu *cpu, uint32_t esr, uint64_t far,
			   bool far_valid, uint64_t elr);
/* UNDEFINED (EC 0) for the current instruction; --strict stops. */
__attribute__((noreturn))
void arm64_undefined(struct arm64_cpu *cpu, const char *what);
/* Leave run() after this instruction with @reason (and @msg). */
void arm64_request_stop(struct arm64_cpu *cpu, enum vcpu_exit_reason reason,
			int status, const char *msg);
/* Stop now: longjmp out of the instruction. */
__attribute__((noreturn))
void arm64_stop_now(struct arm64_cpu *cpu, enum vcpu_exit_reason reason,
		    const char *msg);
/* ERET: PSTATE from SPSR_EL1, pc from ELR_EL1. */
void arm64_eret(struct arm64_cpu *cpu);

/* Select the SP for the current EL/SPSel after a PSTATE change. */
void arm64_bank_sp(struct arm64_cpu *cpu, unsigned int old_el,
		   unsigned int old_spsel);

/* --- exec_mem.c: guest memory through the TLB ------------------------ */

/* Data accesses by the current instruction. Faults longjmp. @acc adds
 * ARM64_ACC_EL0 for LDTR/STTR. */
uint64_t arm64_load(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		    uint32_t acc);
void arm64_store(struct arm64_cpu *cpu, uint64_t va, unsigned int size,
		 uint64_t val, uint32_t acc);
/* Instruction fetch of the word at cpu->pc; returns its host address
 * (for the icache) or NULL for a device word, the word in *@word. */
const uint8_t *arm64_fetch(struct arm64_cpu *cpu, uint32_t *word);
/* The address-translation instruction (AT S1E1R/W, S1E0R/W). */
void arm64_at(struct arm64_cpu *cpu, uint64_t va, bool write, bool el0);

/* --- tlb.c ------------------------------------------------------------ */

/* Current ASID (by TCR.A1), VMID. */
uint16_t arm64_cur_asid(const struct arm64_cpu *cpu);
/* Insert a translation of the page of @va. */
struct arm64_tlb_entry *arm64_tlb_fill(struct arm64_cpu *cpu, uint64_t va,
				       const struct arm64_xlate *x);
/* The TLBI operation encoded by SYS op1=0, CRn=8, @crm, @op2 with Xt. */
bool arm64_tlbi(struct arm64_cpu *cpu, unsigned int crm, unsigned int op2,
		uint64_t xt);
/* Forget the fetch page and the last load and store pages (translation
 * state, EL or the checks a data access needs changed). */
static inline void arm64_fetch_invalidate(struct arm64_cpu *cpu)
{
	cpu->fetch_va = ARM64_TLB_INVALID;
	cpu->fetch_host = NULL;
	cpu->ld_page = cpu->st_page = ARM64_TLB_INVALID;
	cpu->slow = true;	/* a running block must look again */
}

static inline struct arm64_tlb_entry *arm64_tlb_slot(struct arm64_cpu *cpu,
						     uint64_t va)
{
	return &cpu->tlb[(va >> PAGE_SHIFT) & (ARM64_TLB_SIZE - 1)];
}

/* --- sysreg.c ------------------------------------------------------- */

/* MRS / MSR of the register (op0, op1, CRn, CRm, op2) packed as
 * arm64_sysreg_key(); false if it does not exist (UNDEFINED). Traps to
 * EL1 (EC 0x18) are taken inside. */
bool arm64_sysreg_read(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
		       uint64_t *val);
bool arm64_sysreg_write(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
			uint64_t val);
/* Trap an MSR/MRS/SYS from EL0 to EL1 (EC 0x18 with its syndrome). */
__attribute__((noreturn))
void arm64_sys_trap(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
		    bool read);
#define arm64_sysreg_key(op0, op1, crn, crm, op2) \
	((uint32_t)((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2)))
/* The name of a system register ("sctlr_el1"), or NULL. */
const char *arm64_sysreg_name(uint32_t key);

/* --- psci (the hypervisor's HVC handler) ---------------------------- */

/* Handle an HVC from the guest (PSCI over SMCCC): x0.. in, x0 out. */
void arm64_psci_call(struct arm64_cpu *cpu, uint16_t imm);

/* --- regs.c: the register file for the tools (vcpu_ops) ------------ */

const struct vcpu_reg_desc *arm64_reg_table(struct vcpu *vcpu,
					    unsigned int *count);
int arm64_get_reg(struct vcpu *vcpu, unsigned int idx, uint64_t *val);
int arm64_set_reg(struct vcpu *vcpu, unsigned int idx, uint64_t val);
int arm64_describe_reg(struct vcpu *vcpu, unsigned int idx, char *buf,
		       size_t size);

/* --- helpers ---------------------------------------------------------- */

static inline uint64_t rd_x(const struct arm64_cpu *cpu, unsigned int r)
{
	return cpu->x[r];
}

static inline void wr_x(struct arm64_cpu *cpu, unsigned int r, uint64_t v,
			bool sf)
{
	cpu->x[r] = sf ? v : (uint32_t)v;
}

/*
 * Evaluate condition @cond (0-15) against NZCV (ConditionHolds() in the
 * Arm ARM): bit NZCV of holds[cond]. Pairs: EQ/NE Z; CS/CC C; MI/PL N;
 * VS/VC V; HI/LS C && !Z; GE/LT N == V; GT/LE N == V && !Z; AL, NV
 * always. The odd member of each pair is the even one negated.
 */
static inline bool arm64_cond(uint32_t nzcv, unsigned int cond)
{
	static const uint16_t holds[16] = {
		0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555,
		0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff,
	};

	return holds[cond & 15] >> (nzcv >> 28) & 1;
}

static inline uint64_t sext(uint64_t v, unsigned int bits)
{
	return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

#endif
