/* SPDX-License-Identifier: MIT */
/*
 * Decoding: Zydis turns bytes into a ZydisDecodedInstruction once per
 * instruction address; we digest it into a small struct x86_insn (handler,
 * sizes, operands as register numbers and displacements, its rip, next
 * rip and jump target) for the block cache (block.c), which keeps them
 * and drops them when a store overwrites their bytes. The handler is
 * the general one of the dispatch table below, or a fast form for its
 * operand shapes (exec_fast.c). An instruction that crosses a page
 * boundary is never cached (its second page could be remapped).
 *
 * The dispatch table maps each Zydis mnemonic to a handler and a
 * sub-operation, one line per mnemonic. A mnemonic with no line is an
 * instruction we do not implement: #UD, logged once (or, with --strict,
 * the VM stops).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <Zydis/Zydis.h>

#include <hv/x86/interp.h>

struct x86_dispatch {
	x86_exec_fn fn;
	uint8_t aux;
};

/* ALU sub-operations, in the order of the 0x80 group's /r field. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
/* Shift sub-operations, in the order of the 0xC0 group's /r field. */
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

#define D(m, f, a) [ZYDIS_MNEMONIC_##m] = { x86_exec_##f, a }

static const struct x86_dispatch dispatch[ZYDIS_MNEMONIC_MAX_VALUE + 1] = {
	/* --- integer arithmetic (exec_alu.c) --- */
	D(ADD, alu, ALU_ADD),		/* dst += src */
	D(OR, alu, ALU_OR),		/* dst |= src */
	D(ADC, alu, ALU_ADC),		/* dst += src + CF */
	D(SBB, alu, ALU_SBB),		/* dst -= src + CF */
	D(AND, alu, ALU_AND),		/* dst &= src */
	D(SUB, alu, ALU_SUB),		/* dst -= src */
	D(XOR, alu, ALU_XOR),		/* dst ^= src */
	D(CMP, alu, ALU_CMP),		/* flags of dst - src */
	D(TEST, test, 0),		/* flags of dst & src */
	D(INC, incdec, 0),		/* dst += 1, CF kept */
	D(DEC, incdec, 1),		/* dst -= 1, CF kept */
	D(NEG, neg, 0),			/* dst = 0 - dst */
	D(NOT, not, 0),			/* dst = ~dst, no flags */
	D(ROL, shift, SH_ROL),		/* rotate left */
	D(ROR, shift, SH_ROR),		/* rotate right */
	D(RCL, shift, SH_RCL),		/* rotate left through CF */
	D(RCR, shift, SH_RCR),		/* rotate right through CF */
	D(SHL, shift, SH_SHL),		/* shift left (SAL too) */
	D(SHR, shift, SH_SHR),		/* logical shift right */
	D(SAR, shift, SH_SAR),		/* arithmetic shift right */
	D(SHLD, shd, 0),		/* double shift left */
	D(SHRD, shd, 1),		/* double shift right */
	D(MUL, mul1, 0),		/* rDX:rAX = rAX * src, unsigned */
	D(IMUL, imul, 0),		/* signed, 1, 2 and 3 operand forms */
	D(DIV, div, 0),			/* unsigned divide, #DE */
	D(IDIV, div, 1),		/* signed divide, #DE */
	D(BT, bt, 0),			/* CF = bit */
	D(BTS, bt, 1),			/* CF = bit, set it */
	D(BTR, bt, 2),			/* CF = bit, clear it */
	D(BTC, bt, 3),			/* CF = bit, flip it */
	D(BSF, bsf, 0),			/* lowest set bit; ZF if src == 0 */
	D(BSR, bsr, 0),			/* highest set bit */
	D(SETO, setcc, 0), D(SETNO, setcc, 0), D(SETB, setcc, 0),
	D(SETNB, setcc, 0), D(SETZ, setcc, 0), D(SETNZ, setcc, 0),
	D(SETBE, setcc, 0), D(SETNBE, setcc, 0), D(SETS, setcc, 0),
	D(SETNS, setcc, 0), D(SETP, setcc, 0), D(SETNP, setcc, 0),
	D(SETL, setcc, 0), D(SETNL, setcc, 0), D(SETLE, setcc, 0),
	D(SETNLE, setcc, 0),		/* dst8 = cc (cc from the opcode) */
	D(CMOVO, cmovcc, 0), D(CMOVNO, cmovcc, 0), D(CMOVB, cmovcc, 0),
	D(CMOVNB, cmovcc, 0), D(CMOVZ, cmovcc, 0), D(CMOVNZ, cmovcc, 0),
	D(CMOVBE, cmovcc, 0), D(CMOVNBE, cmovcc, 0), D(CMOVS, cmovcc, 0),
	D(CMOVNS, cmovcc, 0), D(CMOVP, cmovcc, 0), D(CMOVNP, cmovcc, 0),
	D(CMOVL, cmovcc, 0), D(CMOVNL, cmovcc, 0), D(CMOVLE, cmovcc, 0),
	D(CMOVNLE, cmovcc, 0),		/* if cc: dst = src (src always read) */
	D(MOV, mov, 0),			/* dst = src (also sreg, CR, DR forms) */
	D(MOVZX, movzx, 0),		/* zero-extend */
	D(MOVSX, movsx, 0),		/* sign-extend */
	D(MOVSXD, movsx, 0),		/* sign-extend 32 -> 64 */
	D(LEA, lea, 0),			/* dst = effective address */
	D(XCHG, xchg, 0),		/* swap (locked with memory) */
	D(CMPXCHG, cmpxchg, 0),		/* if rAX == dst: dst = src */
	D(CMPXCHG8B, cmpxchg8b, 4),	/* EDX:EAX vs m64 */
	D(CMPXCHG16B, cmpxchg8b, 8),	/* RDX:RAX vs m128 */
	D(XADD, xadd, 0),		/* tmp = dst + src; src = dst; dst = tmp */
	D(BSWAP, bswap, 0),		/* byte swap */
	D(CBW, cbw, 0), D(CWDE, cbw, 0), D(CDQE, cbw, 0),	/* rAX = sext(half) */
	D(CWD, cwd, 0), D(CDQ, cwd, 0), D(CQO, cwd, 0),	/* rDX = sign of rAX */
	D(CLC, flagop, 0),		/* CF = 0 */
	D(STC, flagop, 1),		/* CF = 1 */
	D(CMC, flagop, 2),		/* CF = !CF */
	D(CLD, flagop, 3),		/* DF = 0 */
	D(STD, flagop, 4),		/* DF = 1 */
	D(SAHF, sahf, 0),		/* flags low byte = AH */
	D(LAHF, lahf, 0),		/* AH = flags low byte */
	D(XLAT, xlat, 0),		/* AL = [rBX + AL] */
	D(NOP, nop, 0),			/* also the multi-byte 0F 1F forms */
	D(PAUSE, nop, 0),		/* spin-loop hint */
	D(LFENCE, nop, 0), D(MFENCE, nop, 0), D(SFENCE, nop, 0), /* ordering: one CPU */
	D(PREFETCH, nop, 0), D(PREFETCHNTA, nop, 0), D(PREFETCHT0, nop, 0),
	D(PREFETCHT1, nop, 0), D(PREFETCHT2, nop, 0), D(PREFETCHW, nop, 0),
	D(CLFLUSH, nop, 0),		/* no caches to flush */
	D(ENDBR32, nop, 0), D(ENDBR64, nop, 0),	/* CET markers, nops */
	D(UD0, ud, 0), D(UD1, ud, 0), D(UD2, ud, 0),	/* #UD on purpose */
	/* --- control flow and the stack (exec_ctrl.c) --- */
	D(JMP, jmp, 0),			/* near; far forms re-dispatched */
	D(JO, jcc, 0), D(JNO, jcc, 0), D(JB, jcc, 0), D(JNB, jcc, 0),
	D(JZ, jcc, 0), D(JNZ, jcc, 0), D(JBE, jcc, 0), D(JNBE, jcc, 0),
	D(JS, jcc, 0), D(JNS, jcc, 0), D(JP, jcc, 0), D(JNP, jcc, 0),
	D(JL, jcc, 0), D(JNL, jcc, 0), D(JLE, jcc, 0), D(JNLE, jcc, 0),
	D(JCXZ, jcxz, 0), D(JECXZ, jcxz, 0), D(JRCXZ, jcxz, 0),	/* jump if rCX == 0 */
	D(LOOP, loop, 0),		/* --rCX != 0 */
	D(LOOPE, loop, 1),		/* --rCX != 0 && ZF */
	D(LOOPNE, loop, 2),		/* --rCX != 0 && !ZF */
	D(CALL, call, 0),		/* near; far forms re-dispatched */
	D(RET, ret, 0),			/* near, optional imm16 */
	D(PUSH, push, 0),		/* reg, mem, imm, sreg */
	D(POP, pop, 0),			/* reg, mem, sreg */
	D(PUSHF, pushf, 0), D(PUSHFD, pushf, 0), D(PUSHFQ, pushf, 0),
	D(POPF, popf, 0), D(POPFD, popf, 0), D(POPFQ, popf, 0),	/* IOPL/IF rules */
	D(PUSHA, pusha, 0), D(PUSHAD, pusha, 0),	/* legacy modes only */
	D(POPA, popa, 0), D(POPAD, popa, 0),
	D(ENTER, enter, 0),		/* frame of imm16 bytes, nesting imm8 */
	D(LEAVE, leave, 0),		/* rSP = rBP; pop rBP */
	D(IRET, iret, 2), D(IRETD, iret, 4), D(IRETQ, iret, 8),	/* except.c */
	D(INT, int, 0),			/* software interrupt, gate DPL checked */
	D(INT3, int3, 0),		/* #BP as a trap */
	D(INTO, into, 0),		/* #OF if OF */
	D(INT1, int1, 0),		/* ICEBP: #DB */
	D(LDS, lfs, X86_DS), D(LES, lfs, X86_ES), D(LFS, lfs, X86_FS),
	D(LGS, lfs, X86_GS), D(LSS, lfs, X86_SS),	/* load far pointer */
	/* --- strings (exec_string.c) --- */
	D(MOVSB, movs, 1), D(MOVSW, movs, 2), D(MOVSD, movs, 4), D(MOVSQ, movs, 8),
	D(STOSB, stos, 1), D(STOSW, stos, 2), D(STOSD, stos, 4), D(STOSQ, stos, 8),
	D(LODSB, lods, 1), D(LODSW, lods, 2), D(LODSD, lods, 4), D(LODSQ, lods, 8),
	D(CMPSB, cmps, 1), D(CMPSW, cmps, 2), D(CMPSD, cmps, 4), D(CMPSQ, cmps, 8),
	D(SCASB, scas, 1), D(SCASW, scas, 2), D(SCASD, scas, 4), D(SCASQ, scas, 8),
	D(INSB, ins, 1), D(INSW, ins, 2), D(INSD, ins, 4),
	D(OUTSB, outs, 1), D(OUTSW, outs, 2), D(OUTSD, outs, 4),
	/* --- system (exec_system.c) --- */
	D(IN, in, 0),			/* port read, IOPL / I/O bitmap */
	D(OUT, out, 0),			/* port write */
	D(HLT, hlt, 0),			/* nothing wakes us: VCPU_EXIT_HALT */
	D(CLI, cli, 0), D(STI, sti, 0),	/* CPL <= IOPL */
	D(CPUID, cpuid, 0),		/* cpuid_msr.c */
	D(RDTSC, rdtsc, 0),		/* TSC = instructions retired */
	D(RDMSR, rdmsr, 0), D(WRMSR, wrmsr, 0),	/* #GP on unknown */
	D(LGDT, lgdt, 0), D(LIDT, lgdt, 1),	/* CPL 0 */
	D(SGDT, sgdt, 0), D(SIDT, sgdt, 1),
	D(LTR, ltr, 0), D(STR, str, 0),
	D(LLDT, lldt, 0), D(SLDT, sldt, 0),
	D(INVLPG, invlpg, 0),		/* drop one page from the TLB */
	D(SYSCALL, syscall, 0), D(SYSRET, sysret, 0),
	D(SYSENTER, sysenter, 0), D(SYSEXIT, sysexit, 0),
	D(SWAPGS, swapgs, 0),		/* GS.base <-> KERNEL_GS_BASE */
	D(CLTS, clts, 0),		/* CR0.TS = 0 */
	D(SMSW, smsw, 0), D(LMSW, lmsw, 0),
	D(STAC, stac, 0), D(CLAC, clac, 0),	/* EFLAGS.AC for SMAP */
	D(WBINVD, wbinvd, 0), D(INVD, wbinvd, 0),	/* CPL 0, no caches */
	D(LAR, lar, 0), D(LSL, lsl, 0), D(VERR, verr, 0), D(VERW, verr, 1),
};

#undef D

/* Mnemonic-independent helpers. */
int x86_decoder_init(struct x86_cpu *cpu)
{
	ZydisDecoder *d = calloc(3, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (ZYAN_FAILED(ZydisDecoderInit(&d[0], ZYDIS_MACHINE_MODE_LEGACY_16,
					 ZYDIS_STACK_WIDTH_16)) ||
	    ZYAN_FAILED(ZydisDecoderInit(&d[1], ZYDIS_MACHINE_MODE_LEGACY_32,
					 ZYDIS_STACK_WIDTH_32)) ||
	    ZYAN_FAILED(ZydisDecoderInit(&d[2], ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64))) {
		free(d);
		return -EINVAL;
	}
	cpu->zydis = d;
	return 0;
}

void x86_decoder_destroy(struct x86_cpu *cpu)
{
	free(cpu->zydis);
	cpu->zydis = NULL;
}

static const ZydisDecoder *decoder_for(const struct x86_cpu *cpu,
				       unsigned int mode)
{
	const ZydisDecoder *d = cpu->zydis;

	return &d[mode == 64 ? 2 : mode == 32 ? 1 : 0];
}

/* GPR number of a Zydis register (AH..BH are 16..19), or -1. */
static int gpr_of(ZydisRegister r)
{
	if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_R15B) {
		int i = r - ZYDIS_REGISTER_AL;

		if (i >= 4 && i <= 7)
			return 16 + (i - 4);
		if (i >= 8 && i <= 11)
			return i - 4;	/* SPL BPL SIL DIL */
		return i < 4 ? i : i - 4;
	}
	if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_R15W)
		return r - ZYDIS_REGISTER_AX;
	if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_R15D)
		return r - ZYDIS_REGISTER_EAX;
	if (r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15)
		return r - ZYDIS_REGISTER_RAX;
	return -1;
}

static bool digest_operand(const ZydisDecodedInstruction *zi,
			   const ZydisDecodedOperand *z, struct x86_insn *in,
			   struct x86_op *op)
{
	int r;

	memset(op, 0, sizeof(*op));
	op->size = z->size / 8;
	op->base = op->index = NOREG;
	switch (z->type) {
	case ZYDIS_OPERAND_TYPE_REGISTER:
		r = gpr_of(z->reg.value);
		if (r >= 0) {
			op->kind = OPK_REG;
			op->reg = r;
			return true;
		}
		switch (ZydisRegisterGetClass(z->reg.value)) {
		case ZYDIS_REGCLASS_SEGMENT:
			op->kind = OPK_SREG;
			op->reg = z->reg.value - ZYDIS_REGISTER_ES;
			return true;
		case ZYDIS_REGCLASS_CONTROL:
			op->kind = OPK_CR;
			op->reg = ZydisRegisterGetId(z->reg.value);
			op->size = in->mode == 64 ? 8 : 4;
			return true;
		case ZYDIS_REGCLASS_DEBUG:
			op->kind = OPK_DR;
			op->reg = ZydisRegisterGetId(z->reg.value);
			op->size = in->mode == 64 ? 8 : 4;
			return true;
		default:
			return false;	/* x87, MMX, SSE...: not ours */
		}
	case ZYDIS_OPERAND_TYPE_MEMORY:
		op->kind = OPK_MEM;
		if (z->mem.type == ZYDIS_MEMOP_TYPE_AGEN)
			op->agen = 1;
		else if (z->mem.type != ZYDIS_MEMOP_TYPE_MEM)
			return false;
		/*
		 * rip-relative: instructions are decoded for one rip, so
		 * the address is the displacement from the next rip, fixed.
		 */
		if (z->mem.base == ZYDIS_REGISTER_RIP ||
		    z->mem.base == ZYDIS_REGISTER_EIP)
			op->val = (int64_t)in->next_rip;
		else if (z->mem.base != ZYDIS_REGISTER_NONE) {
			r = gpr_of(z->mem.base);
			if (r < 0 || r >= 16)
				return false;
			op->base = r;
		}
		if (z->mem.index != ZYDIS_REGISTER_NONE) {
			r = gpr_of(z->mem.index);
			if (r < 0 || r >= 16)
				return false;
			op->index = r;
			op->scale = z->mem.scale ? z->mem.scale : 1;
		}
		if (z->mem.segment >= ZYDIS_REGISTER_ES &&
		    z->mem.segment <= ZYDIS_REGISTER_GS)
			op->seg = z->mem.segment - ZYDIS_REGISTER_ES;
		else
			op->seg = X86_DS;
		if (z->mem.disp.has_displacement)
			op->val += z->mem.disp.value;
		return true;
	case ZYDIS_OPERAND_TYPE_IMMEDIATE:
		op->kind = OPK_IMM;
		op->val = z->imm.value.s;
		/* Sign-extended immediates take the operation's size. */
		if (z->imm.is_signed && !z->imm.is_relative &&
		    zi->operand_width / 8 > op->size)
			op->size = zi->operand_width / 8;
		if (!op->size)
			op->size = 1;
		return true;
	case ZYDIS_OPERAND_TYPE_POINTER:
		op->kind = OPK_PTR;
		op->val = z->ptr.offset;
		op->ptr_sel = z->ptr.segment;
		return true;
	default:
		return false;
	}
}

/* Log once per mnemonic, emit the event; strict stops, else #UD. */
static _Noreturn void undefined(struct x86_cpu *cpu, uint64_t gva,
				const uint8_t *bytes, unsigned int len,
				unsigned int mnemonic)
{
	char hex[48] = "";
	const char *name = mnemonic ? ZydisMnemonicGetString(mnemonic) : NULL;
	uint64_t packed = 0;

	if (!name)
		name = "(bad)";
	for (unsigned int i = 0; i < len && i < 15; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", bytes[i]);
	if (len)
		hex[3 * (len < 15 ? len : 15) - 1] = 0;
	for (unsigned int i = 0; i < len && i < 8; i++)
		packed |= (uint64_t)bytes[i] << (8 * i);
	vm_emit(cpu->vm, EV_undefined_insn, -1, cpu->insn_rip, packed, len, 0);
	if (cpu->vm->cfg.strict)
		x86_stop(cpu, VCPU_EXIT_STRICT,
			 "unimplemented instruction %s [%s] at rip %#llx", name,
			 hex, (unsigned long long)cpu->insn_rip);
	if (mnemonic < 64 * ARRAY_SIZE(cpu->warned_mnemonics) &&
	    !(cpu->warned_mnemonics[mnemonic / 64] & BIT(mnemonic % 64))) {
		cpu->warned_mnemonics[mnemonic / 64] |= BIT(mnemonic % 64);
		hv_warn("x86: unimplemented instruction %s [%s] at rip %#llx "
			"(gva %#llx): #UD", name, hex,
			(unsigned long long)cpu->insn_rip,
			(unsigned long long)gva);
	}
	x86_ud(cpu);
}

void x86_undefined(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint8_t bytes[15] = { 0 };
	uint64_t gva = x86_lin(cpu, X86_CS, cpu->insn_rip);

	x86_peek(cpu, gva, bytes, in->len);
	undefined(cpu, gva, bytes, in->len, in->mnemonic);
}

static void exec_undefined(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);
}

/* Which handler a decoded instruction gets. */
static x86_exec_fn pick_handler(const ZydisDecodedInstruction *zi,
				struct x86_insn *in)
{
	const struct x86_dispatch *d = &dispatch[zi->mnemonic];
	bool far = zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;

	if (zi->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY &&
	    zi->encoding != ZYDIS_INSTRUCTION_ENCODING_3DNOW)
		return exec_undefined;
	if (zi->encoding == ZYDIS_INSTRUCTION_ENCODING_3DNOW)
		return exec_undefined;
	in->aux = d->aux;
	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_JMP:
		return far ? x86_exec_jmpf : x86_exec_jmp;
	case ZYDIS_MNEMONIC_CALL:
		return far ? x86_exec_callf : x86_exec_call;
	case ZYDIS_MNEMONIC_RET:
		return (far || zi->opcode == 0xca || zi->opcode == 0xcb)
			       ? x86_exec_retf : x86_exec_ret;
	case ZYDIS_MNEMONIC_MOVSD:
	case ZYDIS_MNEMONIC_CMPSD:
		if (zi->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT)
			return exec_undefined;	/* the SSE2 forms */
		break;
	case ZYDIS_MNEMONIC_PUSH:
		if (in->op[0].kind == OPK_SREG)
			return x86_exec_pushseg;
		break;
	case ZYDIS_MNEMONIC_POP:
		if (in->op[0].kind == OPK_SREG)
			return x86_exec_popseg;
		break;
	case ZYDIS_MNEMONIC_MOV:
		if (in->op[0].kind == OPK_CR || in->op[1].kind == OPK_CR)
			return x86_exec_movcr;
		if (in->op[0].kind == OPK_DR || in->op[1].kind == OPK_DR)
			return x86_exec_movdr;
		if (in->op[0].kind == OPK_SREG || in->op[1].kind == OPK_SREG)
			return x86_exec_movseg;
		break;
	default:
		break;
	}
	return d->fn ? d->fn : exec_undefined;
}

/*
 * The handlers after which the next instruction is simply the next one
 * in memory, fetched through the same translation: a block goes on
 * after them. Every other instruction ends its block: jumps, and all
 * that may change rip, the mode, CPL, paging, the TLB or the flags that
 * govern memory access, or that talks to devices. REP string
 * instructions end it too: they may stop part way and resume.
 */
static bool falls_through(x86_exec_fn fn, const struct x86_insn *in)
{
	static const x86_exec_fn straight[] = {
		x86_exec_alu, x86_exec_test, x86_exec_incdec, x86_exec_neg,
		x86_exec_not, x86_exec_shift, x86_exec_shd, x86_exec_mul1,
		x86_exec_imul, x86_exec_div, x86_exec_bt, x86_exec_bsf,
		x86_exec_bsr, x86_exec_setcc, x86_exec_cmovcc, x86_exec_mov,
		x86_exec_movzx, x86_exec_movsx, x86_exec_lea, x86_exec_xchg,
		x86_exec_cmpxchg, x86_exec_cmpxchg8b, x86_exec_xadd,
		x86_exec_bswap, x86_exec_cbw, x86_exec_cwd, x86_exec_flagop,
		x86_exec_sahf, x86_exec_lahf, x86_exec_xlat, x86_exec_nop,
		x86_exec_push, x86_exec_pop, x86_exec_pushf, x86_exec_enter,
		x86_exec_leave, x86_exec_cpuid, x86_exec_rdtsc,
	};
	static const x86_exec_fn strings[] = {
		x86_exec_movs, x86_exec_stos, x86_exec_lods, x86_exec_cmps,
		x86_exec_scas,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(straight); i++)
		if (fn == straight[i])
			return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(strings); i++)
		if (fn == strings[i])
			return !in->rep;
	return false;
}

/*
 * Digest Zydis' instruction @zi, decoded at @rip, into @in. Operands we
 * cannot represent get the #UD handler, as unimplemented mnemonics do.
 */
static void digest(const struct x86_cpu *cpu, uint64_t rip,
		   const ZydisDecodedInstruction *zi,
		   const ZydisDecodedOperand *zops, struct x86_insn *in)
{
	bool ok = true;
	x86_exec_fn fn;

	memset(in, 0, sizeof(*in));
	in->mode = cpu->mode;
	in->len = zi->length;
	in->rip = rip;
	in->next_rip = x86_ip_mask(cpu, rip + zi->length);
	in->osize = zi->operand_width / 8;
	in->asize = zi->address_width / 8;
	in->mnemonic = zi->mnemonic;
	in->lock = !!(zi->attributes & ZYDIS_ATTRIB_HAS_LOCK);
	if (zi->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE))
		in->rep = 1;
	else if (zi->attributes & ZYDIS_ATTRIB_HAS_REPNE)
		in->rep = 2;
	in->cc = zi->opcode & 0xf;
	in->sreg = X86_DS;
	if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_ES) in->sreg = X86_ES;
	if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_CS) in->sreg = X86_CS;
	if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_SS) in->sreg = X86_SS;
	if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_FS) in->sreg = X86_FS;
	if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_GS) in->sreg = X86_GS;
	in->nops = zi->operand_count_visible < 3 ? zi->operand_count_visible : 3;
	for (unsigned int i = 0; i < in->nops; i++)
		if (!digest_operand(zi, &zops[i], in, &in->op[i]))
			ok = false;
	/* A relative target, truncated to the operand size as jumps do. */
	if (in->nops && in->op[0].kind == OPK_IMM && zops[0].imm.is_relative)
		in->target = (in->next_rip + (uint64_t)in->op[0].val) &
			     x86_mask(in->osize);
	fn = ok ? pick_handler(zi, in) : exec_undefined;
	in->ends_block = !falls_through(fn, in) ||
			 in->next_rip != rip + in->len;	/* IP wrapped */
	in->fn = x86_fast_handler(fn, in);
}

/*
 * Decode the instruction at @rip from the @n bytes at @bytes (up to the
 * end of their page) into @in, for a block being built. Returns false,
 * with no side effect, if they do not hold one whole valid instruction.
 */
bool x86_decode_ahead(struct x86_cpu *cpu, uint64_t rip, const uint8_t *bytes,
		      unsigned int n, struct x86_insn *in)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zops[ZYDIS_MAX_OPERAND_COUNT];

	if (ZYAN_FAILED(ZydisDecoderDecodeFull(decoder_for(cpu, cpu->mode),
					       bytes, n < 15 ? n : 15, &zi,
					       zops)))
		return false;
	cpu->icache_misses++;
	digest(cpu, rip, &zi, zops, in);
	return true;
}

/*
 * The instruction at cpu->rip (linear @gva, first byte at host @hva)
 * that x86_decode_ahead refused: it crosses into the next page, which
 * is fetched (and may #PF), or it is undecodable (#UD). Into @in, which
 * is not cached (the second page could be remapped).
 */
void x86_decode_hard(struct x86_cpu *cpu, uint64_t gva, const uint8_t *hva,
		     struct x86_insn *in)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zops[ZYDIS_MAX_OPERAND_COUNT];
	uint8_t buf[16];
	unsigned int avail = PAGE_SIZE - (gva & ~PAGE_MASK);
	unsigned int n = avail < 15 ? avail : 15;
	ZyanStatus st;

	memcpy(buf, hva, n);
	st = ZydisDecoderDecodeFull(decoder_for(cpu, cpu->mode), buf, n, &zi,
				    zops);
	if (st == ZYDIS_STATUS_NO_MORE_DATA && n < 15) {
		uint64_t next = cpu->mode == 64 ? gva + n : (uint32_t)(gva + n);
		const uint8_t *p2 = x86_fetch_page(cpu, next);

		memcpy(buf + n, p2, 15 - n);
		n = 15;
		st = ZydisDecoderDecodeFull(decoder_for(cpu, cpu->mode), buf,
					    n, &zi, zops);
	}
	cpu->icache_misses++;
	if (ZYAN_FAILED(st))
		undefined(cpu, gva, buf, n < 15 ? n : 15, 0);
	digest(cpu, cpu->rip, &zi, zops, in);
	in->ends_block = true;
}

int x86_disasm(struct x86_cpu *cpu, gva_t gva, char *buf, size_t size,
	       unsigned *len)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisFormatter fmt;
	uint8_t bytes[15];
	size_t n = 0;

	/* Read as many bytes as are mapped, up to 15. */
	while (n < sizeof(bytes) && x86_peek(cpu, gva + n, bytes + n, 1) == 0)
		n++;
	if (!n) {
		snprintf(buf, size, "(unmapped)");
		*len = 0;
		return -EFAULT;
	}
	if (ZYAN_FAILED(ZydisDecoderDecodeFull(decoder_for(cpu, cpu->mode),
					       bytes, n, &zi, zops))) {
		snprintf(buf, size, "(bad)");
		*len = 1;
		return -EINVAL;
	}
	ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
	ZydisFormatterFormatInstruction(&fmt, &zi, zops,
					zi.operand_count_visible, buf, size,
					gva, NULL);
	*len = zi.length;
	return 0;
}
