// SPDX-License-Identifier: MIT
/*
 * The A64 decoder: one 32-bit word to a handler and its pre-digested
 * fields. The encoding is a tree (Arm ARM C4.1): bits 28:25 pick the
 * family, then each family has a few fixed fields. We decode only what
 * the integer subset needs; everything else, including all of SIMD&FP
 * (ID_AA64PFR0 says FP and AdvSIMD are not implemented), is UNDEFINED.
 *
 *   op0 (28:25)   family
 *   100x          data processing, immediate
 *   101x          branches, exception generation, system
 *   x1x0          loads and stores
 *   x101          data processing, register
 *   x111          SIMD and floating point (UNDEFINED here)
 *   0000-0011     reserved, SME, SVE (UNDEFINED)
 *
 * Register 31 is resolved here, once: as a source it is XZR (REG_ZR) or
 * SP (REG_SP), as a destination XZR-writes go to REG_SINK. A handler
 * never tests for 31.
 */
#include <string.h>

#include <hv/arm64/interp.h>

#define BITS(w, hi, lo) (((w) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT1(w, n) (((w) >> (n)) & 1u)

/* Register 31 as XZR source, XZR destination, or SP (either way). */
static uint8_t rzr(uint32_t r) { return (uint8_t)r; }
static uint8_t rzd(uint32_t r) { return r == 31 ? REG_SINK : (uint8_t)r; }
static uint8_t rsp(uint32_t r) { return r == 31 ? REG_SP : (uint8_t)r; }

static void set_undef(struct arm64_dinsn *in)
{
	in->fn = exec_undef;
}

static uint64_t ones(unsigned int n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static uint64_t ror_w(uint64_t v, unsigned int r, unsigned int width)
{
	r %= width;
	if (!r)
		return v;
	return ((v >> r) | (v << (width - r))) & ones(width);
}

static uint64_t replicate(uint64_t v, unsigned int esize)
{
	uint64_t out = 0;

	for (unsigned int i = 0; i < 64; i += esize)
		out |= v << i;
	return out;
}

/*
 * DecodeBitMasks() from the Arm ARM: the element size is the highest
 * set bit of N:NOT(imms); S+1 ones rotated right by R within it,
 * replicated. "immediate" (logical) forms reject an all-ones element.
 */
bool arm64_decode_bitmask(unsigned int n, unsigned int imms,
			  unsigned int immr, bool sf, uint64_t *wmask,
			  uint64_t *tmask)
{
	unsigned int combined = (n << 6) | (~imms & 0x3f);
	int len = -1;
	unsigned int esize, levels, s, r, d;
	uint64_t welem, telem;

	for (int i = 6; i >= 0; i--)
		if (combined & (1u << i)) {
			len = i;
			break;
		}
	if (len < 1)
		return false;
	if (!sf && len == 6)
		return false;
	esize = 1u << len;
	levels = esize - 1;
	s = imms & levels;
	r = immr & levels;
	if (s == levels)
		return false;	/* an all-ones element is reserved */
	d = (s - r) & levels;
	welem = ror_w(ones(s + 1), r, esize);
	telem = ones(d + 1);
	*wmask = replicate(welem, esize);
	*tmask = replicate(telem, esize);
	if (!sf) {
		*wmask &= 0xffffffffu;
		*tmask &= 0xffffffffu;
	}
	return true;
}

/* --- data processing, immediate ------------------------------------- */

static void decode_dp_imm(uint32_t w, struct arm64_dinsn *in)
{
	unsigned int sf = BIT1(w, 31), opc = BITS(w, 30, 29);
	unsigned int n = BIT1(w, 22), immr = BITS(w, 21, 16),
		     imms = BITS(w, 15, 10);
	uint64_t wmask, tmask;

	in->sf = (uint8_t)sf;
	in->rn = rzr(BITS(w, 9, 5));
	in->rd = rzd(BITS(w, 4, 0));
	switch (BITS(w, 25, 23)) {
	case 0: case 1:		/* ADR, ADRP */
		in->op = (uint8_t)sf;
		in->imm = (int64_t)sext(BITS(w, 23, 5) << 2 | BITS(w, 30, 29), 21);
		if (sf)
			in->imm = (int64_t)((uint64_t)in->imm << 12);
		in->fn = exec_adr;
		return;
	case 2:			/* ADD/ADDS/SUB/SUBS (immediate) */
		in->flags = (uint8_t)((BIT1(w, 29) ? INSN_F_SETFLAGS : 0) |
				      (BIT1(w, 30) ? INSN_F_SUB : 0));
		in->imm = (int64_t)((uint64_t)BITS(w, 21, 10) << (BIT1(w, 22) * 12));
		in->rn = rsp(BITS(w, 9, 5));
		in->rd = BIT1(w, 29) ? rzd(BITS(w, 4, 0)) : rsp(BITS(w, 4, 0));
		in->fn = exec_addsub_imm;
		return;
	case 4:			/* logical (immediate) */
		if (!sf && n)
			break;
		if (!arm64_decode_bitmask(n, imms, immr, sf, &wmask, &tmask))
			break;
		in->op = (uint8_t)opc;
		in->imm = (int64_t)wmask;
		if (opc != 3)
			in->rd = rsp(BITS(w, 4, 0));
		in->fn = exec_logic_imm;
		return;
	case 5:			/* MOVN, MOVZ, MOVK */
		if (opc == 1 || (!sf && BIT1(w, 22)))
			break;
		in->op = (uint8_t)opc;
		in->imm = BITS(w, 20, 5);
		in->amount = (uint8_t)(BITS(w, 22, 21) * 16);
		in->fn = exec_movw;
		return;
	case 6:			/* SBFM, BFM, UBFM */
		if (opc == 3 || n != sf || (!sf && ((immr | imms) & 0x20)))
			break;
		/* DecodeBitMasks(immediate=FALSE): never reserved here. */
		{
			unsigned int esize = sf ? 64 : 32;
			unsigned int d = (imms - immr) & (esize - 1);

			wmask = ror_w(ones(imms + 1), immr, esize);
			tmask = ones(d + 1);
		}
		in->op = (uint8_t)opc;
		in->imm = (int64_t)wmask;
		in->imm2 = tmask;
		in->amount = (uint8_t)immr;
		in->shift = (uint8_t)imms;
		in->fn = exec_bfm;
		return;
	case 7:			/* EXTR */
		if (opc != 0 || n != sf || BIT1(w, 21) || (!sf && (imms & 0x20)))
			break;
		in->rm = rzr(BITS(w, 20, 16));
		in->amount = (uint8_t)imms;
		in->fn = exec_extr;
		return;
	}
	set_undef(in);
}

/* --- branches, exception generation, system ------------------------ */

static void decode_system(uint32_t w, struct arm64_dinsn *in)
{
	unsigned int l = BIT1(w, 21), op0 = BITS(w, 20, 19),
		     op1 = BITS(w, 18, 16), crn = BITS(w, 15, 12),
		     crm = BITS(w, 11, 8), op2 = BITS(w, 7, 5),
		     rt = BITS(w, 4, 0);

	if (op0 == 0 && !l) {
		if (crn == 2 && rt == 31) {		/* hints */
			in->op = (uint8_t)(crm << 3 | op2);
			in->fn = exec_hint;
			return;
		}
		if (crn == 3 && op1 == 3 && rt == 31) {	/* barriers */
			switch (op2) {
			case 2: in->fn = exec_clrex; return;
			case 4: case 5: case 6:
				in->fn = exec_barrier;
				return;
			}
		}
		if (crn == 4 && rt == 31) {		/* MSR (immediate) */
			in->op = (uint8_t)(op1 << 3 | op2);
			in->imm = crm;
			in->fn = exec_msr_imm;
			return;
		}
		set_undef(in);
		return;
	}
	if (op0 == 1) {				/* SYS / SYSL */
		if (l) {
			set_undef(in);
			return;
		}
		in->imm = arm64_sysreg_key(1, op1, crn, crm, op2);
		in->rn = rzr(rt);
		in->fn = exec_sys;
		return;
	}
	if (op0 >= 2) {				/* MRS / MSR (register) */
		in->imm = arm64_sysreg_key(op0, op1, crn, crm, op2);
		if (l) {
			in->rd = rzd(rt);
			in->rn = (uint8_t)rt;	/* for the trap syndrome */
			in->fn = exec_mrs;
		} else {
			in->rn = rzr(rt);
			in->fn = exec_msr;
		}
		return;
	}
	set_undef(in);
}

static void decode_branch(uint32_t w, struct arm64_dinsn *in)
{
	unsigned int top = BITS(w, 31, 29);

	if (BITS(w, 30, 26) == 0x05) {				/* B, BL */
		in->op = (uint8_t)BIT1(w, 31);
		in->imm = (int64_t)sext((uint64_t)BITS(w, 25, 0) << 2, 28);
		in->fn = exec_b;
		return;
	}
	if (BITS(w, 30, 25) == 0x1a) {				/* CBZ, CBNZ */
		in->sf = (uint8_t)BIT1(w, 31);
		in->op = (uint8_t)BIT1(w, 24);
		in->rd = rzr(BITS(w, 4, 0));
		in->imm = (int64_t)sext((uint64_t)BITS(w, 23, 5) << 2, 21);
		in->fn = exec_cb;
		return;
	}
	if (BITS(w, 30, 25) == 0x1b) {				/* TBZ, TBNZ */
		in->op = (uint8_t)BIT1(w, 24);
		in->amount = (uint8_t)(BIT1(w, 31) << 5 | BITS(w, 23, 19));
		in->rd = rzr(BITS(w, 4, 0));
		in->imm = (int64_t)sext((uint64_t)BITS(w, 18, 5) << 2, 16);
		in->fn = exec_tb;
		return;
	}
	if (top == 2 && BITS(w, 28, 25) == 0xa) {		/* B.cond */
		if (BIT1(w, 24) || BIT1(w, 4))
			goto undef;
		in->cond = (uint8_t)BITS(w, 3, 0);
		in->imm = (int64_t)sext((uint64_t)BITS(w, 23, 5) << 2, 21);
		in->fn = exec_bcond;
		return;
	}
	if (top == 6 && BITS(w, 28, 24) == 0x14) {		/* exceptions */
		unsigned int opc = BITS(w, 23, 21), ll = BITS(w, 1, 0);

		in->imm = BITS(w, 20, 5);
		if (BITS(w, 4, 2))
			goto undef;
		if (opc == 0 && ll == 1)
			in->fn = exec_svc;
		else if (opc == 0 && ll == 2)
			in->fn = exec_hvc;
		else if (opc == 0 && ll == 3)
			in->fn = exec_smc;
		else if (opc == 1 && ll == 0)
			in->fn = exec_brk;
		else
			goto undef;
		return;
	}
	if (top == 6 && BITS(w, 28, 22) == 0x54) {		/* system */
		decode_system(w, in);
		return;
	}
	if (top == 6 && BITS(w, 28, 25) == 0xb) {		/* branch (reg) */
		unsigned int opc = BITS(w, 24, 21), op2 = BITS(w, 20, 16),
			     op3 = BITS(w, 15, 10), op4 = BITS(w, 4, 0);

		if (op2 != 31 || op3 != 0)
			goto undef;
		in->rn = rzr(BITS(w, 9, 5));
		if (opc <= 2 && op4 == 0) {
			in->op = (uint8_t)opc;	/* 0 BR, 1 BLR, 2 RET */
			in->fn = exec_br;
			return;
		}
		if (opc == 4 && op4 == 0 && BITS(w, 9, 5) == 31) {
			in->fn = exec_eret;
			return;
		}
	}
undef:
	set_undef(in);
}

/* --- loads and stores ------------------------------------------------ */

/* opc/size of a single-register access: 0 store, 1 load, 2 load signed
 * to 64 bits, 3 load signed to 32 bits, 4 prefetch, -1 unallocated. */
static int ldst_kind(unsigned int size, unsigned int opc)
{
	switch (opc) {
	case 0: return 0;
	case 1: return 1;
	case 2: return size == 3 ? 4 : 2;
	default: return size >= 2 ? -1 : 3;
	}
}

static void decode_ldst(uint32_t w, struct arm64_dinsn *in)
{
	unsigned int size = BITS(w, 31, 30), v = BIT1(w, 26);
	unsigned int rt = BITS(w, 4, 0), rn = BITS(w, 9, 5);
	int kind;

	in->rn = rsp(rn);
	if (v)
		goto undef;
	if (BITS(w, 29, 24) == 0x08) {			/* exclusive, ordered */
		unsigned int o2 = BIT1(w, 23), l = BIT1(w, 22),
			     o1 = BIT1(w, 21), o0 = BIT1(w, 15);

		in->size = (uint8_t)size;
		in->rd = l ? rzd(rt) : rzr(rt);
		if (o2) {
			if (o1 || !o0)
				goto undef;	/* CAS (LSE), LOR: not ours */
			in->op = (uint8_t)l;
			in->fn = exec_ldst_ordered;
			return;
		}
		if (o1 && size < 2)
			goto undef;		/* CASP */
		in->op = (uint8_t)((o1 ? 2 : 0) | l);
		in->ra = l ? rzd(BITS(w, 14, 10)) : rzr(BITS(w, 14, 10));
		in->rm = rzd(BITS(w, 20, 16));
		in->flags = (uint8_t)o0;
		if (o1)
			in->size = (uint8_t)(size == 3 ? 3 : 2);
		in->fn = exec_ldst_excl;
		return;
	}
	if (BITS(w, 29, 27) == 3 && BITS(w, 25, 24) == 0) {	/* literal */
		in->imm = (int64_t)sext((uint64_t)BITS(w, 23, 5) << 2, 21);
		if (size == 3) {
			in->fn = exec_prfm;
			return;
		}
		in->op = (uint8_t)size;	/* 0 LDR w, 1 LDR x, 2 LDRSW */
		in->rd = rzd(rt);
		in->fn = exec_ld_lit;
		return;
	}
	if (BITS(w, 29, 27) == 5) {				/* pairs */
		unsigned int mode = BITS(w, 24, 23), l = BIT1(w, 22);
		unsigned int opc = size;

		if (opc == 3 || (opc == 1 && !l))
			goto undef;	/* STGP (MTE) */
		if (opc == 1 && mode == 0)
			goto undef;
		in->size = (uint8_t)(opc == 2 ? 3 : 2);
		in->op = (uint8_t)(opc == 1 ? 2 : l);	/* 0 st, 1 ld, 2 ldpsw */
		in->rd = l ? rzd(rt) : rzr(rt);
		in->ra = l ? rzd(BITS(w, 14, 10)) : rzr(BITS(w, 14, 10));
		in->imm = (int64_t)(sext(BITS(w, 21, 15), 7) << in->size);
		in->flags = (uint8_t)(mode == 3 ? 1 : mode == 1 ? 2 : 0);
		in->fn = exec_ldst_pair;
		return;
	}
	if (BITS(w, 29, 27) != 7)
		goto undef;
	kind = ldst_kind(size, BITS(w, 23, 22));
	if (kind < 0)
		goto undef;
	in->size = (uint8_t)size;
	in->op = (uint8_t)kind;
	in->rd = kind == 0 ? rzr(rt) : rzd(rt);
	if (BIT1(w, 24)) {				/* unsigned offset */
		if (kind == 4) {
			in->fn = exec_prfm;
			return;
		}
		in->imm = (int64_t)((uint64_t)BITS(w, 21, 10) << size);
		in->flags = 0;
		in->fn = exec_ldst_imm;
		return;
	}
	if (!BIT1(w, 21)) {				/* 9-bit signed offset */
		unsigned int mode = BITS(w, 11, 10);

		in->imm = (int64_t)sext(BITS(w, 20, 12), 9);
		if (kind == 4) {
			if (mode == 0) {		/* PRFUM */
				in->fn = exec_prfm;
				return;
			}
			goto undef;
		}
		/* flags: 1 pre-index, 2 post-index, 4 unprivileged */
		in->flags = (uint8_t)(mode == 3 ? 1 : mode == 1 ? 2 :
				      mode == 2 ? 4 : 0);
		in->fn = exec_ldst_imm;
		return;
	}
	if (BITS(w, 11, 10) == 2) {			/* register offset */
		unsigned int option = BITS(w, 15, 13);

		if (!(option & 2))
			goto undef;
		if (kind == 4) {
			in->fn = exec_prfm;
			return;
		}
		in->rm = rzr(BITS(w, 20, 16));
		in->shift = (uint8_t)option;
		in->amount = (uint8_t)(BIT1(w, 12) ? size : 0);
		in->fn = exec_ldst_reg;
		return;
	}
undef:
	set_undef(in);
}

/* --- data processing, register -------------------------------------- */

static void decode_dp_reg(uint32_t w, struct arm64_dinsn *in)
{
	unsigned int sf = BIT1(w, 31), op0 = BIT1(w, 30), s = BIT1(w, 29);
	unsigned int op1 = BIT1(w, 28), op2 = BITS(w, 24, 21);

	in->sf = (uint8_t)sf;
	in->rd = rzd(BITS(w, 4, 0));
	in->rn = rzr(BITS(w, 9, 5));
	in->rm = rzr(BITS(w, 20, 16));
	if (!op1) {
		unsigned int shift = BITS(w, 23, 22), imm6 = BITS(w, 15, 10);

		if (!(op2 & 8)) {			/* logical (shifted) */
			if (!sf && (imm6 & 0x20))
				goto undef;
			in->op = (uint8_t)BITS(w, 30, 29);
			in->flags = BIT1(w, 21) ? INSN_F_NOT : 0;
			in->shift = (uint8_t)shift;
			in->amount = (uint8_t)imm6;
			in->fn = exec_logic_reg;
			return;
		}
		in->flags = (uint8_t)((s ? INSN_F_SETFLAGS : 0) |
				      (op0 ? INSN_F_SUB : 0));
		if (!(op2 & 1)) {			/* add/sub (shifted) */
			if (shift == 3 || (!sf && (imm6 & 0x20)))
				goto undef;
			in->shift = (uint8_t)shift;
			in->amount = (uint8_t)imm6;
			in->fn = exec_addsub_shift;
			return;
		}
		/* add/sub (extended register) */
		if (shift != 0 || BITS(w, 12, 10) > 4)
			goto undef;
		in->shift = (uint8_t)BITS(w, 15, 13);
		in->amount = (uint8_t)BITS(w, 12, 10);
		in->rn = rsp(BITS(w, 9, 5));
		if (!s)
			in->rd = rsp(BITS(w, 4, 0));
		in->fn = exec_addsub_ext;
		return;
	}
	switch (op2) {
	case 0:					/* ADC, ADCS, SBC, SBCS */
		if (BITS(w, 15, 10))
			goto undef;
		in->flags = (uint8_t)((s ? INSN_F_SETFLAGS : 0) |
				      (op0 ? INSN_F_SUB : 0));
		in->fn = exec_adc;
		return;
	case 2:					/* CCMN, CCMP */
		if (!s || BIT1(w, 10) || BIT1(w, 4))
			goto undef;
		in->flags = op0 ? INSN_F_SUB : 0;
		in->op = (uint8_t)BIT1(w, 11);	/* 1: immediate */
		in->imm = BITS(w, 20, 16);
		in->cond = (uint8_t)BITS(w, 15, 12);
		in->imm2 = (uint64_t)BITS(w, 3, 0) << 28;
		in->fn = exec_ccmp;
		return;
	case 4:					/* CSEL, CSINC, CSINV, CSNEG */
		if (s || BIT1(w, 11))
			goto undef;
		in->op = (uint8_t)(op0 << 1 | BIT1(w, 10));
		in->cond = (uint8_t)BITS(w, 15, 12);
		in->fn = exec_csel;
		return;
	case 6: {
		unsigned int opcode = BITS(w, 15, 10);

		if (s)
			goto undef;
		if (!op0) {			/* 2-source */
			static const int8_t map[16] = {
				-1, -1, 0, 1, -1, -1, -1, -1,
				2, 3, 4, 5, -1, -1, -1, -1 };

			if (opcode >= 16 || map[opcode] < 0)
				goto undef;
			in->op = (uint8_t)map[opcode];
			in->fn = exec_dp2;
			return;
		}
		/* 1-source: RBIT REV16 REV32/REV REV CLZ CLS */
		if (BITS(w, 20, 16) != 0 || opcode > 5 || (!sf && opcode == 3))
			goto undef;
		in->op = (uint8_t)opcode;
		in->fn = exec_dp1;
		return;
	}
	default:
		if (op2 & 8) {			/* 3-source */
			unsigned int op31 = BITS(w, 23, 21), o0 = BIT1(w, 15);
			int op = -1;

			if (BITS(w, 30, 29))
				goto undef;
			switch (op31) {
			case 0: op = o0; break;			/* MADD, MSUB */
			case 1: op = sf ? 2 + (int)o0 : -1; break; /* SMADDL/SMSUBL */
			case 2: op = sf && !o0 ? 4 : -1; break;	/* SMULH */
			case 5: op = sf ? 5 + (int)o0 : -1; break; /* UMADDL/UMSUBL */
			case 6: op = sf && !o0 ? 7 : -1; break;	/* UMULH */
			}
			if (op < 0)
				goto undef;
			in->op = (uint8_t)op;
			in->ra = rzr(BITS(w, 14, 10));
			in->fn = exec_dp3;
			return;
		}
	}
undef:
	set_undef(in);
}

/*
 * Specialized handlers: the commonest forms get a handler with the
 * family's decisions already taken (exec_dp.c, exec_mem.c). Fields keep
 * their meaning but for a few precomputed ones: SUB (immediate) becomes
 * ADD of -imm; MOVZ/MOVN hold their final value; UBFM holds
 * wmask & tmask. Everything else keeps its family handler.
 */
static void specialize(struct arm64_dinsn *in)
{
	static const arm64_exec_fn addsub_imm[2][4] = {
		{ exec_add_imm32, exec_adds_imm32, exec_add_imm32, exec_subs_imm32 },
		{ exec_add_imm64, exec_adds_imm64, exec_add_imm64, exec_subs_imm64 },
	};
	static const arm64_exec_fn addsub_lsl[2][4] = {
		{ exec_add_lsl32, exec_adds_lsl32, exec_sub_lsl32, exec_subs_lsl32 },
		{ exec_add_lsl64, exec_adds_lsl64, exec_sub_lsl64, exec_subs_lsl64 },
	};
	static const arm64_exec_fn logic_lsl[2][4] = {
		{ exec_and_lsl32, exec_orr_lsl32, exec_eor_lsl32, exec_ands_lsl32 },
		{ exec_and_lsl64, exec_orr_lsl64, exec_eor_lsl64, exec_ands_lsl64 },
	};
	static const arm64_exec_fn logic_imm[2][4] = {
		{ exec_and_imm32, exec_orr_imm32, exec_eor_imm32, exec_ands_imm32 },
		{ exec_and_imm64, exec_orr_imm64, exec_eor_imm64, exec_ands_imm64 },
	};
	static const arm64_exec_fn ldst_imm[2][4] = {	/* [load][size] */
		{ exec_str8_imm, exec_str16_imm, exec_str32_imm, exec_str64_imm },
		{ exec_ldr8_imm, exec_ldr16_imm, exec_ldr32_imm, exec_ldr64_imm },
	};
	static const arm64_exec_fn ldst_reg[2][4] = {
		{ exec_str8_reg, exec_str16_reg, exec_str32_reg, exec_str64_reg },
		{ exec_ldr8_reg, exec_ldr16_reg, exec_ldr32_reg, exec_ldr64_reg },
	};
	arm64_exec_fn fn = in->fn;
	unsigned int sf = in->sf & 1;

	if (fn == exec_addsub_imm) {
		/* flags: bit 0 SETFLAGS, bit 1 SUB */
		in->fn = addsub_imm[sf][in->flags & 3];
		if (in->flags == INSN_F_SUB)
			in->imm = -in->imm;
	} else if (fn == exec_addsub_shift && in->shift == 0) {
		in->fn = addsub_lsl[sf][in->flags & 3];
	} else if (fn == exec_logic_reg && in->shift == 0 &&
		   !(in->flags & INSN_F_NOT)) {
		in->fn = logic_lsl[sf][in->op & 3];
	} else if (fn == exec_logic_imm) {
		in->fn = logic_imm[sf][in->op & 3];
	} else if (fn == exec_movw && in->op != 3) {	/* MOVN, MOVZ */
		uint64_t v = (uint64_t)in->imm << in->amount;

		if (in->op == 0)
			v = ~v;
		in->imm = (int64_t)(sf ? v : (uint32_t)v);
		in->fn = exec_mov_imm;
	} else if (fn == exec_bfm && in->op == 2) {		/* UBFM */
		in->imm = (int64_t)((uint64_t)in->imm & in->imm2);
		in->fn = sf ? exec_ubfm64 : exec_ubfm32;
	} else if (fn == exec_ldst_imm && in->flags == 0 && in->op <= 1) {
		in->fn = ldst_imm[in->op][in->size & 3];
	} else if (fn == exec_ldst_reg && in->op <= 1) {
		in->fn = ldst_reg[in->op][in->size & 3];
	}
}

/* The family handler alone (the unit tests compare it with the
 * specialized one). */
void arm64_decode_generic(uint32_t w, struct arm64_dinsn *in)
{
	uint32_t op0 = BITS(w, 28, 25);

	memset(in, 0, sizeof(*in));
	in->raw = w;
	if ((op0 & 0xe) == 0x8)
		decode_dp_imm(w, in);
	else if ((op0 & 0xe) == 0xa)
		decode_branch(w, in);
	else if ((op0 & 0x5) == 0x4)
		decode_ldst(w, in);
	else if ((op0 & 0x7) == 0x5)
		decode_dp_reg(w, in);
	else
		set_undef(in);
}

void arm64_decode(uint32_t w, struct arm64_dinsn *in)
{
	arm64_decode_generic(w, in);
	specialize(in);
}
