/* SPDX-License-Identifier: MIT */
/*
 * Integer instructions: ALU, shifts and rotates, multiply and divide,
 * bit operations, conditional set/move, moves, exchanges.
 *
 * Flags as the SDM defines them; where it says "undefined" we do what
 * QEMU does where that is cheap (AF = 0 after shifts and multiplies;
 * SF/ZF/PF of the low half after MUL/IMUL) and leave flags alone after
 * DIV. Every memory store happens before any register or flag changes,
 * so a faulting instruction leaves no trace.
 */
#include <hv/x86/interp.h>

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* Replace some arithmetic flags, keeping the rest. */
static void flags_update(struct x86_cpu *cpu, uint64_t which, uint64_t val)
{
	uint64_t f = x86_get_flags(cpu);

	cpu->rflags = (f & ~which) | (val & which);
}

void x86_exec_alu(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t m = x86_mask(size);
	uint64_t lin = 0, a, b, r, c;
	enum x86_lf_op lop;

	a = op_get(cpu, in, 0, &lin);
	b = op_get(cpu, in, 1, NULL) & m;
	switch (in->aux) {
	case ALU_ADD: r = a + b; lop = LF_ADD; break;
	case ALU_OR: r = a | b; lop = LF_LOGIC; break;
	case ALU_ADC:
		c = x86_cf(cpu);
		r = (a + b + c) & m;
		op_put(cpu, in, 0, lin, r);
		lf_set(cpu, LF_ADC, size, a, b, r);
		cpu->lf.cin = c;
		return;
	case ALU_SBB:
		c = x86_cf(cpu);
		r = (a - b - c) & m;
		op_put(cpu, in, 0, lin, r);
		lf_set(cpu, LF_SBB, size, a, b, r);
		cpu->lf.cin = c;
		return;
	case ALU_AND: r = a & b; lop = LF_LOGIC; break;
	case ALU_SUB: r = a - b; lop = LF_SUB; break;
	case ALU_XOR: r = a ^ b; lop = LF_LOGIC; break;
	default:	/* CMP */
		lf_set(cpu, LF_SUB, size, a, b, a - b);
		return;
	}
	r &= m;
	op_put(cpu, in, 0, lin, r);
	lf_set(cpu, lop, size, a, b, r);
}

void x86_exec_test(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t a = op_get(cpu, in, 0, NULL);
	uint64_t b = op_get(cpu, in, 1, NULL);

	lf_set(cpu, LF_LOGIC, in->op[0].size, a, b, a & b);
}

void x86_exec_incdec(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t lin = 0, a = op_get(cpu, in, 0, &lin);
	bool cf = x86_cf(cpu);
	uint64_t r = (in->aux ? a - 1 : a + 1) & x86_mask(size);

	op_put(cpu, in, 0, lin, r);
	lf_set(cpu, in->aux ? LF_DEC : LF_INC, size, a, 1, r);
	cpu->lf.cin = cf;
}

void x86_exec_neg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t lin = 0, a = op_get(cpu, in, 0, &lin);
	uint64_t r = (0 - a) & x86_mask(size);

	op_put(cpu, in, 0, lin, r);
	lf_set(cpu, LF_SUB, size, 0, a, r);
}

void x86_exec_not(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t lin = 0, a = op_get(cpu, in, 0, &lin);

	op_put(cpu, in, 0, lin, ~a);
}

/*
 * Shifts and rotates. The count is masked to 5 bits (6 for 64-bit
 * operands); a masked count of 0 changes nothing, not even flags.
 */
void x86_exec_shift(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size, bits = size * 8;
	uint64_t m = x86_mask(size), sign = x86_sign(size);
	unsigned int cnt;
	uint64_t lin = 0, a, r, f, cf, of;
	enum x86_lf_op lop;

	cnt = in->nops > 1 ? op_get(cpu, in, 1, NULL) : 1;
	cnt &= size == 8 ? 63 : 31;
	a = op_get(cpu, in, 0, &lin);
	if (!cnt)
		return;
	f = x86_get_flags(cpu);
	switch (in->aux) {
	case SH_ROL: {
		unsigned int c = cnt % bits;

		r = c ? ((a << c) | (a >> (bits - c))) & m : a;
		cf = r & 1;
		of = !!(r & sign) ^ cf;
		op_put(cpu, in, 0, lin, r);
		flags_update(cpu, X86_FL_CF | X86_FL_OF,
			     (cf ? X86_FL_CF : 0) | (of ? X86_FL_OF : 0));
		return;
	}
	case SH_ROR: {
		unsigned int c = cnt % bits;

		r = c ? ((a >> c) | (a << (bits - c))) & m : a;
		cf = !!(r & sign);
		of = cf ^ !!(r & (sign >> 1));
		op_put(cpu, in, 0, lin, r);
		flags_update(cpu, X86_FL_CF | X86_FL_OF,
			     (cf ? X86_FL_CF : 0) | (of ? X86_FL_OF : 0));
		return;
	}
	case SH_RCL:
	case SH_RCR: {
		unsigned int c = cnt % (bits + 1);

		cf = f & X86_FL_CF;
		r = a;
		of = !!(a & sign) ^ !!cf;	/* RCR, count 1 */
		for (unsigned int i = 0; i < c; i++) {
			uint64_t out;

			if (in->aux == SH_RCL) {
				out = !!(r & sign);
				r = ((r << 1) | (cf ? 1 : 0)) & m;
			} else {
				out = r & 1;
				r = (r >> 1) | (cf ? sign : 0);
			}
			cf = out;
		}
		if (in->aux == SH_RCL)
			of = !!(r & sign) ^ !!cf;
		op_put(cpu, in, 0, lin, r);
		flags_update(cpu, X86_FL_CF | X86_FL_OF,
			     (cf ? X86_FL_CF : 0) | (of ? X86_FL_OF : 0));
		return;
	}
	case SH_SHL:
	case SH_SAL:
		r = cnt < 64 ? (a << cnt) & m : 0;
		cf = cnt <= bits ? (a >> (bits - cnt)) & 1 : 0;
		lop = LF_SHL;
		break;
	case SH_SHR:
		r = cnt < 64 ? a >> cnt : 0;
		cf = cnt <= 64 ? (a >> (cnt - 1)) & 1 : 0;
		lop = LF_SHR;
		break;
	default: {	/* SAR */
		int64_t s = x86_sext(a, size);
		unsigned int c = cnt < 64 ? cnt : 63;

		r = (uint64_t)(s >> c) & m;
		cf = (uint64_t)(s >> (c - 1)) & 1;
		lop = LF_SAR;
		break;
	}
	}
	op_put(cpu, in, 0, lin, r);
	lf_set_shift(cpu, lop, size, a, cnt, r, cf);
}

/* SHLD / SHRD dst, src, count. */
void x86_exec_shd(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size, bits = size * 8;
	uint64_t m = x86_mask(size), sign = x86_sign(size);
	unsigned int cnt = op_get(cpu, in, 2, NULL) & (size == 8 ? 63 : 31);
	uint64_t lin = 0, a = op_get(cpu, in, 0, &lin);
	uint64_t b = op_get(cpu, in, 1, NULL);
	unsigned __int128 v;
	uint64_t r, cf;

	if (!cnt)
		return;
	if (in->aux == 0) {
		v = ((unsigned __int128)a << bits) | b;
		if (size == 2)	/* counts past 16 shift in dst again */
			v = (v << 16) | a, v <<= cnt, v >>= 16;
		else
			v <<= cnt;
		r = (uint64_t)(v >> bits) & m;
		cf = (uint64_t)(v >> (2 * bits)) & 1;
	} else {
		v = ((unsigned __int128)b << bits) | a;
		if (size == 2)
			v |= (unsigned __int128)a << 32;
		cf = (uint64_t)(v >> (cnt - 1)) & 1;
		r = (uint64_t)(v >> cnt) & m;
	}
	op_put(cpu, in, 0, lin, r);
	lf_set_eager(cpu, x86_szp(r, size) | (cf ? X86_FL_CF : 0) |
			  (((r ^ a) & sign) ? X86_FL_OF : 0));
}

/* CF = OF = @overflow; SF ZF PF from the low half, AF = 0 (as QEMU). */
static void mul_flags(struct x86_cpu *cpu, uint64_t lo, unsigned int size,
		      bool overflow)
{
	uint64_t f = x86_szp(lo, size);

	if (overflow)
		f |= X86_FL_CF | X86_FL_OF;
	lf_set_eager(cpu, f);
}

static void set_pair(struct x86_cpu *cpu, unsigned int size, uint64_t lo,
		     uint64_t hi)
{
	if (size == 1) {
		reg_set(cpu, X86_RAX, 2, (lo & 0xff) | (hi & 0xff) << 8);
	} else {
		reg_set(cpu, X86_RAX, size, lo);
		reg_set(cpu, X86_RDX, size, hi);
	}
}

void x86_exec_mul1(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t b = op_get(cpu, in, 0, NULL);
	uint64_t a = reg_get(cpu, X86_RAX, size);
	unsigned __int128 p = (unsigned __int128)a * b;
	uint64_t lo, hi;

	if (size == 8) {
		lo = (uint64_t)p;
		hi = (uint64_t)(p >> 64);
	} else {
		lo = (uint64_t)p & x86_mask(size);
		hi = ((uint64_t)p >> (size * 8)) & x86_mask(size);
	}
	set_pair(cpu, size, lo, hi);
	mul_flags(cpu, lo, size, hi != 0);
}

void x86_exec_imul(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	__int128 a, b, p;
	uint64_t lo;

	if (in->nops == 1) {
		b = x86_sext(op_get(cpu, in, 0, NULL), size);
		a = x86_sext(reg_get(cpu, X86_RAX, size), size);
		p = a * b;
		lo = (uint64_t)p & x86_mask(size);
		set_pair(cpu, size, lo,
			 size == 8 ? (uint64_t)((unsigned __int128)p >> 64)
				   : (uint64_t)((unsigned __int128)p >> (size * 8)) &
					     x86_mask(size));
		mul_flags(cpu, lo, size, p != x86_sext(lo, size));
		return;
	}
	if (in->nops == 2) {
		a = x86_sext(op_get(cpu, in, 0, NULL), size);
		b = x86_sext(op_get(cpu, in, 1, NULL), size);
	} else {
		a = x86_sext(op_get(cpu, in, 1, NULL), size);
		b = x86_sext(op_get(cpu, in, 2, NULL), size);
	}
	p = a * b;
	lo = (uint64_t)p & x86_mask(size);
	reg_set(cpu, in->op[0].reg, size, lo);
	mul_flags(cpu, lo, size, p != x86_sext(lo, size));
}

void x86_exec_div(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size, bits = size * 8;
	uint64_t m = x86_mask(size);
	uint64_t d = op_get(cpu, in, 0, NULL);
	uint64_t lo = size == 1 ? reg_get(cpu, X86_RAX, 1)
				: reg_get(cpu, X86_RAX, size);
	uint64_t hi = size == 1 ? (cpu->gpr[X86_RAX] >> 8) & 0xff
				: reg_get(cpu, X86_RDX, size);
	unsigned __int128 n = ((unsigned __int128)hi << bits) | lo;
	uint64_t q, r;

	if (!d)
		x86_fault(cpu, X86_DE);
	if (in->aux == 0) {
		unsigned __int128 uq = n / d;

		if (uq > m)
			x86_fault(cpu, X86_DE);
		q = (uint64_t)uq;
		r = (uint64_t)(n % d);
	} else {
		/* Sign-extend the 2*bits dividend to 128 bits. */
		__int128 sn = (__int128)(n << (128 - 2 * bits)) >> (128 - 2 * bits);
		__int128 sd = x86_sext(d, size);
		__int128 sq, lim = (__int128)1 << (bits - 1);

		if (sd == -1 && n == ((unsigned __int128)1) << 127)
			x86_fault(cpu, X86_DE);	/* INT128_MIN / -1 */
		sq = sn / sd;
		if (sq >= lim || sq < -lim)
			x86_fault(cpu, X86_DE);
		q = (uint64_t)sq & m;
		r = (uint64_t)(sn % sd) & m;
	}
	set_pair(cpu, size, q, r);
}

/*
 * BT family. With a register bit offset and a memory operand the offset
 * is signed and reaches outside the addressed operand.
 */
void x86_exec_bt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size, bits = size * 8;
	uint64_t off = op_get(cpu, in, 1, NULL);
	uint64_t lin = 0, v, bit, nv;

	if (in->op[0].kind == OPK_MEM) {
		lin = x86_op_lin(cpu, in, &in->op[0]);
		if (in->op[1].kind == OPK_REG) {
			int64_t so = x86_sext(off, in->op[1].size);

			lin += (uint64_t)((so >> (size == 8 ? 6 : size == 4 ? 5 : 4)) *
					  (int64_t)size);
			if (cpu->mode != 64)
				lin = (uint32_t)lin;
		}
		v = x86_ld(cpu, lin, size);
	} else {
		v = reg_get(cpu, in->op[0].reg, size);
	}
	bit = off & (bits - 1);
	switch (in->aux) {
	case 1: nv = v | (1ull << bit); break;
	case 2: nv = v & ~(1ull << bit); break;
	case 3: nv = v ^ (1ull << bit); break;
	default: nv = v; break;
	}
	if (in->aux)
		op_put(cpu, in, 0, lin, nv);
	flags_update(cpu, X86_FL_CF, ((v >> bit) & 1) ? X86_FL_CF : 0);
}

void x86_exec_bsf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL);

	if (!v) {
		flags_update(cpu, X86_FL_ZF, X86_FL_ZF);
		return;
	}
	reg_set(cpu, in->op[0].reg, in->op[0].size, __builtin_ctzll(v));
	flags_update(cpu, X86_FL_ZF, 0);
}

void x86_exec_bsr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL);

	if (!v) {
		flags_update(cpu, X86_FL_ZF, X86_FL_ZF);
		return;
	}
	reg_set(cpu, in->op[0].reg, in->op[0].size, 63 - __builtin_clzll(v));
	flags_update(cpu, X86_FL_ZF, 0);
}

void x86_exec_setcc(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t lin = op_dst_lin(cpu, in, 0);

	op_put(cpu, in, 0, lin, x86_cond(cpu, in->cc));
}

void x86_exec_cmovcc(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL);
	unsigned int size = in->op[0].size;

	if (x86_cond(cpu, in->cc))
		reg_set(cpu, in->op[0].reg, size, v);
	else if (size == 4)	/* 32-bit CMOV zero-extends even if false */
		reg_set(cpu, in->op[0].reg, 4, reg_get(cpu, in->op[0].reg, 4));
}

void x86_exec_mov(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL);

	if (in->op[0].kind == OPK_REG)
		reg_set(cpu, in->op[0].reg, in->op[0].size, v);
	else
		op_put(cpu, in, 0, op_dst_lin(cpu, in, 0), v);
}

void x86_exec_movzx(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL) & x86_mask(in->op[1].size);

	reg_set(cpu, in->op[0].reg, in->op[0].size, v);
}

void x86_exec_movsx(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 1, NULL);

	reg_set(cpu, in->op[0].reg, in->op[0].size,
		(uint64_t)x86_sext(v, in->op[1].size));
}

void x86_exec_lea(struct x86_cpu *cpu, const struct x86_insn *in)
{
	reg_set(cpu, in->op[0].reg, in->op[0].size,
		x86_ea(cpu, in, &in->op[1]));
}

void x86_exec_xchg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t l0 = 0, l1 = 0;
	uint64_t a = op_get(cpu, in, 0, &l0);
	uint64_t b = op_get(cpu, in, 1, &l1);

	/* The memory side first: if it faults, no register changed. */
	if (in->op[0].kind == OPK_MEM) {
		op_put(cpu, in, 0, l0, b);
		op_put(cpu, in, 1, l1, a);
	} else {
		op_put(cpu, in, 1, l1, a);
		op_put(cpu, in, 0, l0, b);
	}
}

void x86_exec_cmpxchg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t lin = 0;
	uint64_t d = op_get(cpu, in, 0, &lin);
	uint64_t s = op_get(cpu, in, 1, NULL);
	uint64_t acc = reg_get(cpu, X86_RAX, size);

	if (acc == d) {
		op_put(cpu, in, 0, lin, s);
	} else {
		if (in->op[0].kind == OPK_MEM)	/* locked: written back */
			op_put(cpu, in, 0, lin, d);
		reg_set(cpu, X86_RAX, size, d);
	}
	lf_set(cpu, LF_SUB, size, acc, d, acc - d);
}

/* CMPXCHG8B / CMPXCHG16B m: aux is the half size (4 or 8). */
void x86_exec_cmpxchg8b(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int h = in->aux;
	uint64_t lin;
	uint64_t lo, hi;

	if (in->op[0].kind != OPK_MEM)
		x86_ud(cpu);
	lin = x86_op_lin(cpu, in, &in->op[0]);
	if (h == 8 && (lin & 15))
		x86_gp(cpu, 0);
	lo = x86_ld(cpu, lin, h);
	hi = x86_ld(cpu, lin + h, h);
	if (lo == reg_get(cpu, X86_RAX, h) && hi == reg_get(cpu, X86_RDX, h)) {
		x86_probe_write(cpu, lin, 2 * h);
		x86_st(cpu, lin, h, reg_get(cpu, X86_RBX, h));
		x86_st(cpu, lin + h, h, reg_get(cpu, X86_RCX, h));
		flags_update(cpu, X86_FL_ZF, X86_FL_ZF);
	} else {
		x86_probe_write(cpu, lin, 2 * h);
		reg_set(cpu, X86_RAX, h, lo);
		reg_set(cpu, X86_RDX, h, hi);
		flags_update(cpu, X86_FL_ZF, 0);
	}
}

void x86_exec_xadd(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t lin = 0;
	uint64_t a = op_get(cpu, in, 0, &lin);
	uint64_t b = op_get(cpu, in, 1, NULL);
	uint64_t r = (a + b) & x86_mask(size);

	if (in->op[0].kind == OPK_MEM) {
		op_put(cpu, in, 0, lin, r);
		reg_set(cpu, in->op[1].reg, size, a);
	} else {
		reg_set(cpu, in->op[1].reg, size, a);
		reg_set(cpu, in->op[0].reg, size, r);
	}
	lf_set(cpu, LF_ADD, size, a, b, r);
}

void x86_exec_bswap(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t v = reg_get(cpu, in->op[0].reg, size);

	if (size == 8)
		v = __builtin_bswap64(v);
	else if (size == 4)
		v = __builtin_bswap32((uint32_t)v);
	else
		v = 0;	/* 16-bit BSWAP: undefined, hardware gives 0 */
	reg_set(cpu, in->op[0].reg, size, v);
}

void x86_exec_cbw(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;

	reg_set(cpu, X86_RAX, size,
		(uint64_t)x86_sext(reg_get(cpu, X86_RAX, size / 2), size / 2));
}

void x86_exec_cwd(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	bool neg = reg_get(cpu, X86_RAX, size) & x86_sign(size);

	reg_set(cpu, X86_RDX, size, neg ? ~0ull : 0);
}

void x86_exec_flagop(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t f = x86_get_flags(cpu);

	switch (in->aux) {
	case 0: f &= ~X86_FL_CF; break;
	case 1: f |= X86_FL_CF; break;
	case 2: f ^= X86_FL_CF; break;
	case 3: f &= ~X86_FL_DF; break;
	default: f |= X86_FL_DF; break;
	}
	cpu->rflags = f;
}

void x86_exec_sahf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t f = x86_get_flags(cpu);
	uint64_t ah = (cpu->gpr[X86_RAX] >> 8) & 0xff;
	const uint64_t bits = X86_FL_SF | X86_FL_ZF | X86_FL_AF | X86_FL_PF |
			      X86_FL_CF;

	cpu->rflags = (f & ~bits) | (ah & bits);
}

void x86_exec_lahf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t f = x86_get_flags(cpu) & 0xd7;

	reg_set(cpu, 16, 1, f | X86_FL_FIXED);
}

void x86_exec_xlat(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t off = cpu->gpr[X86_RBX] + (cpu->gpr[X86_RAX] & 0xff);

	off &= x86_mask(in->asize);
	reg_set(cpu, X86_RAX, 1, x86_ld(cpu, x86_lin(cpu, in->sreg, off), 1));
}

void x86_exec_nop(struct x86_cpu *cpu, const struct x86_insn *in)
{
}

void x86_exec_ud(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_ud(cpu);
}
