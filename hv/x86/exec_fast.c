/* SPDX-License-Identifier: MIT */
/*
 * Fast forms: handlers specialised at decode time for the operand
 * shapes compiled code is made of, so that the hot path does no
 * operand-kind switching. Each one does exactly what the general
 * handler it stands for does (exec_alu.c, exec_ctrl.c) for the shapes
 * x86_fast_handler picks it for; anything else keeps the general one.
 *
 * Shapes (the letters in the names):
 *   r   a general register 0-15 (not AH..BH), 4 or 8 bytes
 *   i   an immediate of the operation's size
 *   m   memory, with the mode's address size: 32-bit code adds the
 *       segment's base and wraps at 4 GiB; 64-bit code is flat (FS
 *       and GS, whose bases apply, keep the general handlers)
 * Sizes are part of the name (32, 64) so that masks and memory
 * accesses compile to constants.
 *
 * Faults: as in the general handlers, every load and store happens
 * before a register or the flags change.
 */
#include <hv/x86/interp.h>

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
       ALU_TEST };
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* Linear address of an "m" operand. */
static inline uint64_t m_lin(const struct x86_cpu *cpu, const struct x86_op *op)
{
	uint64_t a = (uint64_t)op->val;

	if (op->base != NOREG)
		a += cpu->gpr[op->base];
	if (op->index != NOREG)
		a += cpu->gpr[op->index] * op->scale;
	if (cpu->mode == 64)
		return a;
	return (uint32_t)(a + cpu->seg[op->seg].base);
}

/* --- ALU: dst op= src, lazy flags ----------------------------------- */

/*
 * Memory forms look the TLB up once; on a miss (a walk, a fault, MMIO,
 * a watchpoint...) the general handler @GEN does the whole instruction
 * instead, exactly as if no fast form existed. Nothing has changed by
 * then, and the tail call keeps the fast path free of a stack frame.
 */
#define GENERAL(gen) do { gen(cpu, in); return; } while (0)
#define REG(i)	(cpu->gpr[in->op[i].reg] & m)
#define IMM(i)	((uint64_t)in->op[i].val & m)

/* dst is a register: ALU r, r / r, imm / r, m. */
#define ALU_R(name, sz, expr, lop, write, SRC, GEN)                        \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const uint64_t m = x86_mask(sz);                             \
		const uint64_t a = REG(0), b = SRC;                          \
		const uint64_t r = (expr) & m;                               \
		if (write)                                                   \
			cpu->gpr[in->op[0].reg] = r;                         \
		lf_set(cpu, lop, sz, a, b, r);                               \
	}

#define ALU_RM(name, sz, expr, lop, write, GEN)                            \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const uint64_t m = x86_mask(sz);                             \
		const void *p = x86_tlb_rd(cpu, m_lin(cpu, &in->op[1]), sz); \
		if (unlikely(!p))                                            \
			GENERAL(GEN);                                             \
		const uint64_t a = REG(0), b = x86_host_load(p, sz);         \
		const uint64_t r = (expr) & m;                               \
		if (write)                                                   \
			cpu->gpr[in->op[0].reg] = r;                         \
		lf_set(cpu, lop, sz, a, b, r);                               \
	}

/* dst is memory: ALU m, r / m, imm (read-modify-write unless CMP/TEST). */
#define ALU_M(name, sz, expr, lop, write, SRC, GEN)                        \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const uint64_t m = x86_mask(sz);                             \
		const uint64_t lin = m_lin(cpu, &in->op[0]);                 \
		void *p = write ? x86_tlb_wr(cpu, lin, sz)                   \
				: (void *)x86_tlb_rd(cpu, lin, sz);          \
		if (unlikely(!p))                                            \
			GENERAL(GEN);                                             \
		const uint64_t a = x86_host_load(p, sz), b = SRC;            \
		const uint64_t r = (expr) & m;                               \
		if (write)                                                   \
			x86_host_store(p, sz, r);                            \
		lf_set(cpu, lop, sz, a, b, r);                               \
	}

#define ALU_SIZES(op, sz, e, l, w, GEN)                                    \
	ALU_R(op##_rr##sz, sz / 8, e, l, w, REG(1), GEN)                   \
	ALU_R(op##_ri##sz, sz / 8, e, l, w, IMM(1), GEN)                   \
	ALU_RM(op##_rm##sz, sz / 8, e, l, w, GEN)                          \
	ALU_M(op##_mr##sz, sz / 8, e, l, w, REG(1), GEN)                   \
	ALU_M(op##_mi##sz, sz / 8, e, l, w, IMM(1), GEN)
#define ALU_FORMS(op, e, l, w, GEN)                                        \
	ALU_SIZES(op, 32, e, l, w, GEN) ALU_SIZES(op, 64, e, l, w, GEN)

ALU_FORMS(add, a + b, LF_ADD, 1, x86_exec_alu)
ALU_FORMS(or, a | b, LF_LOGIC, 1, x86_exec_alu)
ALU_FORMS(and, a & b, LF_LOGIC, 1, x86_exec_alu)
ALU_FORMS(sub, a - b, LF_SUB, 1, x86_exec_alu)
ALU_FORMS(xor, a ^ b, LF_LOGIC, 1, x86_exec_alu)
ALU_FORMS(cmp, a - b, LF_SUB, 0, x86_exec_alu)
ALU_FORMS(test, a & b, LF_LOGIC, 0, x86_exec_test)

enum { F_RR, F_RI, F_RM, F_MR, F_MI, F_NONE };

#define ALU_ROW(op) {                                                      \
	{ op##_rr32, op##_rr64 }, { op##_ri32, op##_ri64 },                \
	{ op##_rm32, op##_rm64 }, { op##_mr32, op##_mr64 },                \
	{ op##_mi32, op##_mi64 } }

static const x86_exec_fn alu_fast[ALU_TEST + 1][F_NONE][2] = {
	[ALU_ADD] = ALU_ROW(add), [ALU_OR] = ALU_ROW(or),
	[ALU_AND] = ALU_ROW(and), [ALU_SUB] = ALU_ROW(sub),
	[ALU_XOR] = ALU_ROW(xor), [ALU_CMP] = ALU_ROW(cmp),
	[ALU_TEST] = ALU_ROW(test),
};

/* --- INC, DEC, NEG, NOT on a register ------------------------------- */

#define INCDEC_FAST(name, d, lop, sz)                                      \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const uint64_t m = x86_mask(sz);                             \
		uint64_t a = REG(0);                                         \
		bool cf = x86_cf(cpu);                                       \
		uint64_t r = (a + (d)) & m;                                  \
		cpu->gpr[in->op[0].reg] = r;                                 \
		lf_set(cpu, lop, sz, a, 1, r);                               \
		cpu->lf.cin = cf;                                            \
	}

INCDEC_FAST(inc32, 1, LF_INC, 4)
INCDEC_FAST(inc64, 1, LF_INC, 8)
INCDEC_FAST(dec32, -1, LF_DEC, 4)
INCDEC_FAST(dec64, -1, LF_DEC, 8)

#define NEG_NOT_FAST(sz)                                                   \
	static void neg##sz(struct x86_cpu *cpu, const struct x86_insn *in) \
	{                                                                    \
		const uint64_t m = x86_mask(sz / 8);                         \
		uint64_t a = REG(0), r = (0 - a) & m;                        \
		cpu->gpr[in->op[0].reg] = r;                                 \
		lf_set(cpu, LF_SUB, sz / 8, 0, a, r);                        \
	}                                                                    \
	static void not##sz(struct x86_cpu *cpu, const struct x86_insn *in) \
	{                                                                    \
		const uint64_t m = x86_mask(sz / 8);                         \
		cpu->gpr[in->op[0].reg] = ~cpu->gpr[in->op[0].reg] & m;      \
	}

NEG_NOT_FAST(32)
NEG_NOT_FAST(64)

/* --- SHL, SHR, SAR of a register by an immediate, CL or 1 ----------- */

/* The count, masked as the general handler masks it. */
static inline unsigned int shift_count(const struct x86_cpu *cpu,
				       const struct x86_insn *in,
				       unsigned int sz)
{
	uint64_t c = in->nops < 2 ? 1
		     : in->op[1].kind == OPK_IMM ? (uint64_t)in->op[1].val
						 : cpu->gpr[X86_RCX];

	return c & (sz == 8 ? 63 : 31);
}

#define SHIFT_FAST(name, sz, lop, R, CF)                                   \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const uint64_t m = x86_mask(sz);                             \
		const unsigned int cnt = shift_count(cpu, in, sz);           \
		const uint64_t a = REG(0);                                   \
		const int64_t s = x86_sext(a, sz);                           \
		(void)s;                                                     \
		if (!cnt)                                                    \
			return;                                              \
		cpu->gpr[in->op[0].reg] = (R) & m;                           \
		lf_set_shift(cpu, lop, sz, a, cnt, (R) & m, (CF) & 1);       \
	}

SHIFT_FAST(shl32, 4, LF_SHL, a << cnt, a >> (32 - cnt))
SHIFT_FAST(shl64, 8, LF_SHL, a << cnt, a >> (64 - cnt))
SHIFT_FAST(shr32, 4, LF_SHR, a >> cnt, a >> (cnt - 1))
SHIFT_FAST(shr64, 8, LF_SHR, a >> cnt, a >> (cnt - 1))
SHIFT_FAST(sar32, 4, LF_SAR, (uint64_t)(s >> cnt), (uint64_t)(s >> (cnt - 1)))
SHIFT_FAST(sar64, 8, LF_SAR, (uint64_t)(s >> cnt), (uint64_t)(s >> (cnt - 1)))

/* --- moves ----------------------------------------------------------- */

static void mov_rr64(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = cpu->gpr[in->op[1].reg];
}

static void mov_rr32(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = (uint32_t)cpu->gpr[in->op[1].reg];
}

static void mov_ri(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = (uint64_t)in->op[1].val &
				  x86_mask(in->op[0].size);
}

/* Loads zero-extend: a 32-bit register write clears the upper half. */
#define LOAD_FAST(name, sz, EXT, GEN)                                      \
	static void name(struct x86_cpu *cpu, const struct x86_insn *in)    \
	{                                                                    \
		const void *p = x86_tlb_rd(cpu, m_lin(cpu, &in->op[1]), sz); \
		if (unlikely(!p))                                            \
			GENERAL(GEN);                                             \
		cpu->gpr[in->op[0].reg] = EXT(x86_host_load(p, sz));         \
	}

/* Extend a loaded value to the destination (4 or 8 bytes). */
#define ZX(v)	(v)
#define SX(T, v) ((uint64_t)(int64_t)(T)(v) & x86_mask(in->op[0].size))
#define SX8(v)	SX(int8_t, v)
#define SX16(v)	SX(int16_t, v)
#define SX32(v)	SX(int32_t, v)

LOAD_FAST(mov_rm32, 4, ZX, x86_exec_mov)
LOAD_FAST(mov_rm64, 8, ZX, x86_exec_mov)
LOAD_FAST(movzx_rm8, 1, ZX, x86_exec_movzx)
LOAD_FAST(movzx_rm16, 2, ZX, x86_exec_movzx)
LOAD_FAST(movsx_rm8, 1, SX8, x86_exec_movsx)
LOAD_FAST(movsx_rm16, 2, SX16, x86_exec_movsx)
LOAD_FAST(movsx_rm32, 4, SX32, x86_exec_movsx)

#define STORE_FAST(sz)                                                     \
	static void mov_mr##sz(struct x86_cpu *cpu,                          \
			       const struct x86_insn *in)                    \
	{                                                                    \
		void *p = x86_tlb_wr(cpu, m_lin(cpu, &in->op[0]), sz / 8);   \
		if (unlikely(!p))                                            \
			GENERAL(x86_exec_mov);                               \
		x86_host_store(p, sz / 8, cpu->gpr[in->op[1].reg]);          \
	}                                                                    \
	static void mov_mi##sz(struct x86_cpu *cpu,                          \
			       const struct x86_insn *in)                    \
	{                                                                    \
		void *p = x86_tlb_wr(cpu, m_lin(cpu, &in->op[0]), sz / 8);   \
		if (unlikely(!p))                                            \
			GENERAL(x86_exec_mov);                               \
		x86_host_store(p, sz / 8, (uint64_t)in->op[1].val);          \
	}

STORE_FAST(8)
STORE_FAST(16)
STORE_FAST(32)
STORE_FAST(64)

static void movzx_rr8(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = cpu->gpr[in->op[1].reg] & 0xff;
}

/* LEA: the offset, at the address size, then at the operand size. */
static void lea64(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = x86_ea(cpu, in, &in->op[1]);
}

static void lea32(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->gpr[in->op[0].reg] = (uint32_t)x86_ea(cpu, in, &in->op[1]);
}

/* --- jumps: targets were computed at decode time --------------------- */

/* Conditions the lazy flags cannot answer cheaply: the general jcc. */
#define JCC_FAST(cc)                                                       \
	static void jcc##cc(struct x86_cpu *cpu, const struct x86_insn *in) \
	{                                                                    \
		int t = x86_cond_lazy(cpu, cc);                              \
		if (t < 0)                                                   \
			x86_exec_jcc(cpu, in);                               \
		else if (t)                                                  \
			cpu->rip = in->target;                               \
	}

JCC_FAST(0) JCC_FAST(1) JCC_FAST(2) JCC_FAST(3) JCC_FAST(4) JCC_FAST(5)
JCC_FAST(6) JCC_FAST(7) JCC_FAST(8) JCC_FAST(9) JCC_FAST(10) JCC_FAST(11)
JCC_FAST(12) JCC_FAST(13) JCC_FAST(14) JCC_FAST(15)

static const x86_exec_fn jcc_fast[16] = {
	jcc0, jcc1, jcc2, jcc3, jcc4, jcc5, jcc6, jcc7,
	jcc8, jcc9, jcc10, jcc11, jcc12, jcc13, jcc14, jcc15,
};

static void jmp_rel(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->rip = in->target;
}

static void call_rel(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_push(cpu, in->osize, in->next_rip);
	cpu->rip = in->target;
}

/* --- picking ---------------------------------------------------------- */

static bool is_r(const struct x86_op *op)
{
	return op->kind == OPK_REG && op->reg < 16 &&
	       (op->size == 4 || op->size == 8);
}

static bool is_m(const struct x86_insn *in, const struct x86_op *op)
{
	if (op->kind != OPK_MEM || op->agen)
		return false;
	if (in->mode == 64)
		return in->asize == 8 && op->seg < X86_FS;
	return in->mode == 32 && in->asize == 4;
}

/* The form of a two-operand ALU instruction on 4 or 8 bytes. */
static int alu_form(const struct x86_insn *in)
{
	const struct x86_op *d = &in->op[0], *s = &in->op[1];
	bool imm = s->kind == OPK_IMM && s->size == d->size;

	if (in->nops != 2 || (d->size != 4 && d->size != 8))
		return F_NONE;
	if (is_r(d)) {
		if (is_r(s) && s->size == d->size)
			return F_RR;
		if (imm)
			return F_RI;
		if (is_m(in, s) && s->size == d->size)
			return F_RM;
	} else if (is_m(in, d)) {
		if (is_r(s) && s->size == d->size)
			return F_MR;
		if (imm)
			return F_MI;
	}
	return F_NONE;
}

/* A relative jump whose decoded target needs no check at run time. */
static bool target_ok(const struct x86_insn *in)
{
	return in->nops == 1 && in->op[0].kind == OPK_IMM &&
	       (in->osize == 2 || in->osize == 4 || in->osize == 8) &&
	       (in->mode != 64 || x86_canonical(in->target));
}

static x86_exec_fn mov_fast(const struct x86_insn *in)
{
	static const x86_exec_fn mr[9] = {
		[1] = mov_mr8, [2] = mov_mr16, [4] = mov_mr32, [8] = mov_mr64,
	};
	static const x86_exec_fn mi[9] = {
		[1] = mov_mi8, [2] = mov_mi16, [4] = mov_mi32, [8] = mov_mi64,
	};
	const struct x86_op *d = &in->op[0], *s = &in->op[1];

	if (in->nops != 2 || d->size > 8)
		return NULL;
	if (is_r(d)) {
		if (is_r(s) && s->size == d->size)
			return d->size == 8 ? mov_rr64 : mov_rr32;
		if (s->kind == OPK_IMM)
			return mov_ri;
		if (is_m(in, s) && s->size == d->size)
			return d->size == 8 ? mov_rm64 : mov_rm32;
	} else if (is_m(in, d) && s->size == d->size) {
		if (s->kind == OPK_REG && s->reg < 16)
			return mr[d->size];
		if (s->kind == OPK_IMM)
			return mi[d->size];
	}
	return NULL;
}

static x86_exec_fn ext_fast(x86_exec_fn fn, const struct x86_insn *in)
{
	const struct x86_op *s = &in->op[1];

	if (in->nops != 2 || !is_r(&in->op[0]))
		return NULL;
	if (fn == x86_exec_movzx && is_m(in, s))
		return s->size == 1 ? movzx_rm8 : s->size == 2 ? movzx_rm16
							       : NULL;
	if (fn == x86_exec_movzx && s->kind == OPK_REG && s->reg < 16 &&
	    s->size == 1)
		return movzx_rr8;
	if (fn == x86_exec_movsx && is_m(in, s))
		return s->size == 1 ? movsx_rm8 : s->size == 2 ? movsx_rm16
				      : s->size == 4 ? movsx_rm32 : NULL;
	return NULL;
}

static x86_exec_fn shift_fast(const struct x86_insn *in)
{
	static const x86_exec_fn fns[8][2] = {
		[SH_SHL] = { shl32, shl64 }, [SH_SAL] = { shl32, shl64 },
		[SH_SHR] = { shr32, shr64 }, [SH_SAR] = { sar32, sar64 },
	};
	const struct x86_op *c = &in->op[1];

	if (!is_r(&in->op[0]) || in->nops > 2)
		return NULL;
	if (in->nops == 2 && c->kind != OPK_IMM &&
	    !(c->kind == OPK_REG && c->reg == X86_RCX && c->size == 1))
		return NULL;
	return fns[in->aux][in->op[0].size == 8];
}

x86_exec_fn x86_fast_handler(x86_exec_fn fn, const struct x86_insn *in)
{
	const struct x86_op *o0 = &in->op[0];
	bool wide = o0->size == 8;
	x86_exec_fn f = NULL;
	int form;

	if (fn == x86_exec_jcc && target_ok(in))
		return jcc_fast[in->cc];
	if (fn == x86_exec_jmp && target_ok(in))
		return jmp_rel;
	if (fn == x86_exec_call && target_ok(in))
		return call_rel;
	if (fn == x86_exec_alu || fn == x86_exec_test) {
		form = alu_form(in);
		if (form != F_NONE)
			f = alu_fast[fn == x86_exec_test ? ALU_TEST : in->aux]
				    [form][wide];
	} else if (fn == x86_exec_mov) {
		f = mov_fast(in);
	} else if (fn == x86_exec_movzx || fn == x86_exec_movsx) {
		f = ext_fast(fn, in);
	} else if (fn == x86_exec_lea) {
		if (in->nops == 2 && is_r(o0) &&
		    (in->asize == 4 || in->asize == 8))
			f = wide && in->asize == 8 ? lea64 : lea32;
	} else if (fn == x86_exec_shift) {
		f = shift_fast(in);
	} else if (in->nops == 1 && is_r(o0)) {
		if (fn == x86_exec_incdec)
			f = in->aux ? (wide ? dec64 : dec32)
				    : (wide ? inc64 : inc32);
		else if (fn == x86_exec_neg)
			f = wide ? neg64 : neg32;
		else if (fn == x86_exec_not)
			f = wide ? not64 : not32;
	}
	return f ? f : fn;
}
