// SPDX-License-Identifier: MIT
/*
 * Data processing: arithmetic, logic, shifts, bitfields, conditional
 * select and compare, multiply and divide.
 *
 * Flags follow AddWithCarry() from the Arm ARM: N the sign of the
 * result, Z result == 0, C the unsigned carry out (for SUB, NOT borrow),
 * V the signed overflow. A 32-bit operation computes on the low 32 bits
 * and zero-extends its result; flags come from the 32-bit result.
 * Division by zero yields 0 (no trap, as the architecture says).
 */
#include <hv/arm64/interp.h>

static inline uint64_t add_flags(uint64_t a, uint64_t b, unsigned int carry,
				 bool sf, uint32_t *nzcv)
{
	uint64_t r;
	uint32_t f;

	if (sf) {
		unsigned __int128 u = (unsigned __int128)a + b + carry;

		r = (uint64_t)u;
		f = (uint32_t)(r >> 63) << 31;
		f |= (r == 0) << 30;
		f |= (uint32_t)(u >> 64) << 29;
		f |= (uint32_t)(((a ^ r) & (b ^ r)) >> 63) << 28;
	} else {
		uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
		uint64_t u = (uint64_t)a32 + b32 + carry;
		uint32_t r32 = (uint32_t)u;

		r = r32;
		f = (r32 >> 31) << 31;
		f |= (r32 == 0) << 30;
		f |= (uint32_t)(u >> 32) << 29;
		f |= (((a32 ^ r32) & (b32 ^ r32)) >> 31) << 28;
	}
	*nzcv = f;
	return r;
}

static inline uint32_t logic_flags(uint64_t r, bool sf)
{
	if (sf)
		return (uint32_t)(r >> 63) << 31 | (r == 0) << 30;
	return ((uint32_t)r >> 31) << 31 | ((uint32_t)r == 0) << 30;
}

static inline uint64_t shift_reg(uint64_t v, unsigned int type,
				 unsigned int amt, bool sf)
{
	if (!sf) {
		uint32_t x = (uint32_t)v;

		amt &= 31;
		switch (type) {
		case 0: return (uint32_t)(x << amt);
		case 1: return x >> amt;
		case 2: return (uint32_t)((int32_t)x >> amt);
		default: return amt ? (uint32_t)(x >> amt | x << (32 - amt)) : x;
		}
	}
	amt &= 63;
	switch (type) {
	case 0: return v << amt;
	case 1: return v >> amt;
	case 2: return (uint64_t)((int64_t)v >> amt);
	default: return amt ? v >> amt | v << (64 - amt) : v;
	}
}

static inline uint64_t extend_reg(uint64_t v, unsigned int option,
				  unsigned int amt)
{
	switch (option) {
	case 0: v = (uint8_t)v; break;
	case 1: v = (uint16_t)v; break;
	case 2: v = (uint32_t)v; break;
	case 3: break;
	case 4: v = (uint64_t)(int64_t)(int8_t)v; break;
	case 5: v = (uint64_t)(int64_t)(int16_t)v; break;
	case 6: v = (uint64_t)(int64_t)(int32_t)v; break;
	default: break;
	}
	return v << amt;
}

void exec_adr(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t base = in->op ? cpu->insn_pc & ~0xfffull : cpu->insn_pc;

	cpu->x[in->rd] = base + (uint64_t)in->imm;
}

static inline void addsub(struct arm64_cpu *cpu, const struct arm64_dinsn *in,
			  uint64_t a, uint64_t b)
{
	uint32_t nzcv;
	uint64_t r;

	if (in->flags & INSN_F_SUB)
		r = add_flags(a, ~b, 1, in->sf, &nzcv);
	else
		r = add_flags(a, b, 0, in->sf, &nzcv);
	if (in->flags & INSN_F_SETFLAGS)
		cpu->nzcv = nzcv;
	cpu->x[in->rd] = r;
}

void exec_addsub_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn];

	if (!(in->flags & INSN_F_SETFLAGS)) {	/* the common, fast case */
		uint64_t r = (in->flags & INSN_F_SUB) ? a - (uint64_t)in->imm
						      : a + (uint64_t)in->imm;
		wr_x(cpu, in->rd, r, in->sf);
		return;
	}
	addsub(cpu, in, a, (uint64_t)in->imm);
}

void exec_addsub_shift(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t b = shift_reg(cpu->x[in->rm], in->shift, in->amount, in->sf);

	addsub(cpu, in, cpu->x[in->rn], b);
}

void exec_addsub_ext(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t b = extend_reg(cpu->x[in->rm], in->shift, in->amount);

	addsub(cpu, in, cpu->x[in->rn], b);
}

void exec_adc(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t b = cpu->x[in->rm];
	unsigned int c = cpu->nzcv >> 29 & 1;
	uint32_t nzcv;
	uint64_t r;

	if (in->flags & INSN_F_SUB)
		b = ~b;
	r = add_flags(cpu->x[in->rn], b, c, in->sf, &nzcv);
	if (in->flags & INSN_F_SETFLAGS)
		cpu->nzcv = nzcv;
	cpu->x[in->rd] = r;
}

static inline void logic(struct arm64_cpu *cpu, const struct arm64_dinsn *in,
			 uint64_t a, uint64_t b)
{
	uint64_t r;

	switch (in->op) {
	case 0: r = a & b; break;
	case 1: r = a | b; break;
	case 2: r = a ^ b; break;
	default:
		r = a & b;
		cpu->nzcv = logic_flags(r, in->sf);
		break;
	}
	wr_x(cpu, in->rd, r, in->sf);
}

void exec_logic_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	logic(cpu, in, cpu->x[in->rn], (uint64_t)in->imm);
}

void exec_logic_reg(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t b = shift_reg(cpu->x[in->rm], in->shift, in->amount, in->sf);

	if (in->flags & INSN_F_NOT)
		b = ~b;
	logic(cpu, in, cpu->x[in->rn], b);
}

void exec_movw(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t v = (uint64_t)in->imm << in->amount;

	switch (in->op) {
	case 0: v = ~v; break;					/* MOVN */
	case 3:							/* MOVK */
		v |= cpu->x[in->rd] & ~(0xffffull << in->amount);
		break;
	}
	wr_x(cpu, in->rd, v, in->sf);
}

/* SBFM/BFM/UBFM, the Arm ARM's pseudocode verbatim. */
void exec_bfm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	unsigned int width = in->sf ? 64 : 32, r = in->amount, s = in->shift;
	uint64_t mask = in->sf ? ~0ull : 0xffffffffull;
	uint64_t src = cpu->x[in->rn] & mask, wmask = (uint64_t)in->imm;
	uint64_t tmask = in->imm2, dst, rot, bot, top;

	dst = in->op == 1 ? cpu->x[in->rd] & mask : 0;
	rot = r ? ((src >> r) | (src << (width - r))) & mask : src;
	bot = (dst & ~wmask) | (rot & wmask);
	if (in->op == 0)
		top = (src >> s & 1) ? mask : 0;
	else
		top = dst;
	wr_x(cpu, in->rd, ((top & ~tmask) | (bot & tmask)) & mask, in->sf);
}

void exec_extr(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t hi = cpu->x[in->rn], lo = cpu->x[in->rm], r;
	unsigned int lsb = in->amount;

	if (in->sf) {
		r = lsb ? (lo >> lsb) | (hi << (64 - lsb)) : lo;
	} else {
		uint64_t cat = (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;

		r = (uint32_t)(cat >> lsb);
	}
	wr_x(cpu, in->rd, r, in->sf);
}

void exec_ccmp(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t b;
	uint32_t nzcv;

	if (!arm64_cond(cpu->nzcv, in->cond)) {
		cpu->nzcv = (uint32_t)in->imm2;
		return;
	}
	b = in->op ? (uint64_t)in->imm : cpu->x[in->rm];
	if (in->flags & INSN_F_SUB)
		add_flags(cpu->x[in->rn], ~b, 1, in->sf, &nzcv);
	else
		add_flags(cpu->x[in->rn], b, 0, in->sf, &nzcv);
	cpu->nzcv = nzcv;
}

void exec_csel(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t r;

	if (arm64_cond(cpu->nzcv, in->cond)) {
		r = cpu->x[in->rn];
	} else {
		r = cpu->x[in->rm];
		switch (in->op) {
		case 1: r = r + 1; break;
		case 2: r = ~r; break;
		case 3: r = -r; break;
		}
	}
	wr_x(cpu, in->rd, r, in->sf);
}

/* UDIV SDIV LSLV LSRV ASRV RORV */
void exec_dp2(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn], b = cpu->x[in->rm], r;

	switch (in->op) {
	case 0:
		if (in->sf)
			r = b ? a / b : 0;
		else
			r = (uint32_t)b ? (uint32_t)a / (uint32_t)b : 0;
		break;
	case 1:
		if (in->sf) {
			int64_t x = (int64_t)a, y = (int64_t)b;

			if (!y)
				r = 0;
			else if (x == INT64_MIN && y == -1)
				r = (uint64_t)INT64_MIN;
			else
				r = (uint64_t)(x / y);
		} else {
			int32_t x = (int32_t)a, y = (int32_t)b;

			if (!y)
				r = 0;
			else if (x == INT32_MIN && y == -1)
				r = (uint32_t)INT32_MIN;
			else
				r = (uint32_t)(x / y);
		}
		break;
	default:
		r = shift_reg(a, in->op - 2u, (unsigned int)b, in->sf);
		break;
	}
	wr_x(cpu, in->rd, r, in->sf);
}

static uint64_t rbit64(uint64_t v)
{
	v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
	v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
	v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
	return __builtin_bswap64(v);
}

/* RBIT REV16 REV32(REV for W) REV CLZ CLS */
void exec_dp1(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn], r;

	switch (in->op) {
	case 0:
		r = in->sf ? rbit64(a) : rbit64(a) >> 32;
		break;
	case 1:
		r = ((a >> 8) & 0x00ff00ff00ff00ffull) |
		    ((a & 0x00ff00ff00ff00ffull) << 8);
		break;
	case 2:
		r = in->sf ? (uint64_t)__builtin_bswap32((uint32_t)(a >> 32)) << 32 |
				     __builtin_bswap32((uint32_t)a)
			   : __builtin_bswap32((uint32_t)a);
		break;
	case 3:
		r = __builtin_bswap64(a);
		break;
	case 4:
		if (in->sf)
			r = a ? (uint64_t)__builtin_clzll(a) : 64;
		else
			r = (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32;
		break;
	default:
		if (in->sf) {
			uint64_t x = a ^ (uint64_t)((int64_t)a >> 1);

			x &= ~(1ull << 63);
			r = x ? (uint64_t)__builtin_clzll(x) - 1 : 63;
		} else {
			uint32_t x = (uint32_t)a ^ (uint32_t)((int32_t)a >> 1);

			x &= ~(1u << 31);
			r = x ? (uint64_t)__builtin_clz(x) - 1 : 31;
		}
		break;
	}
	wr_x(cpu, in->rd, r, in->sf);
}

/* MADD MSUB SMADDL SMSUBL SMULH UMADDL UMSUBL UMULH */
void exec_dp3(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn], b = cpu->x[in->rm], acc = cpu->x[in->ra];
	uint64_t r;

	switch (in->op) {
	case 0: r = acc + a * b; break;
	case 1: r = acc - a * b; break;
	case 2: r = acc + (uint64_t)((int64_t)(int32_t)a * (int32_t)b); break;
	case 3: r = acc - (uint64_t)((int64_t)(int32_t)a * (int32_t)b); break;
	case 4: r = (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64); break;
	case 5: r = acc + (uint64_t)(uint32_t)a * (uint32_t)b; break;
	case 6: r = acc - (uint64_t)(uint32_t)a * (uint32_t)b; break;
	default:
		r = (uint64_t)(((unsigned __int128)a * b) >> 64);
		break;
	}
	wr_x(cpu, in->rd, r, in->sf);
}

/*
 * Specialized forms. decode.c gives the commonest encodings a handler
 * with every decision taken at decode time (operation, operand size,
 * flags, shift LSL) instead of the family handler above; each computes
 * exactly what the family handler computes for those fields (the unit
 * test test_arm64_special.c runs both on random words and compares).
 *
 * NZCV of a 64-bit or 32-bit add / subtract, r = a + b or r = a - b:
 * C is the carry out (r < a), for SUB "no borrow" (a >= b); V is set
 * when both operands of the add have the sign the result lacks.
 */
static inline uint32_t nzcv_add64(uint64_t a, uint64_t b, uint64_t r)
{
	return (uint32_t)(r >> 63) << 31 | (uint32_t)(r == 0) << 30 |
	       (uint32_t)(r < a) << 29 |
	       (uint32_t)(((a ^ r) & (b ^ r)) >> 63) << 28;
}

static inline uint32_t nzcv_sub64(uint64_t a, uint64_t b, uint64_t r)
{
	return (uint32_t)(r >> 63) << 31 | (uint32_t)(r == 0) << 30 |
	       (uint32_t)(a >= b) << 29 |
	       (uint32_t)(((a ^ b) & (a ^ r)) >> 63) << 28;
}

static inline uint32_t nzcv_add32(uint32_t a, uint32_t b, uint32_t r)
{
	return (r >> 31) << 31 | (uint32_t)(r == 0) << 30 |
	       (uint32_t)(r < a) << 29 | (((a ^ r) & (b ^ r)) >> 31) << 28;
}

static inline uint32_t nzcv_sub32(uint32_t a, uint32_t b, uint32_t r)
{
	return (r >> 31) << 31 | (uint32_t)(r == 0) << 30 |
	       (uint32_t)(a >= b) << 29 | (((a ^ b) & (a ^ r)) >> 31) << 28;
}

/* ADD (no flags; SUB decodes to ADD of -imm) and ADDS/SUBS, immediate. */
void exec_add_imm64(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	cpu->x[in->rd] = cpu->x[in->rn] + (uint64_t)in->imm;
}

void exec_add_imm32(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	cpu->x[in->rd] = (uint32_t)(cpu->x[in->rn] + (uint64_t)in->imm);
}

void exec_adds_imm64(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn], b = (uint64_t)in->imm, r = a + b;

	cpu->nzcv = nzcv_add64(a, b, r);
	cpu->x[in->rd] = r;
}

void exec_subs_imm64(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t a = cpu->x[in->rn], b = (uint64_t)in->imm, r = a - b;

	cpu->nzcv = nzcv_sub64(a, b, r);
	cpu->x[in->rd] = r;
}

void exec_adds_imm32(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint32_t a = (uint32_t)cpu->x[in->rn], b = (uint32_t)in->imm, r = a + b;

	cpu->nzcv = nzcv_add32(a, b, r);
	cpu->x[in->rd] = r;
}

void exec_subs_imm32(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint32_t a = (uint32_t)cpu->x[in->rn], b = (uint32_t)in->imm, r = a - b;

	cpu->nzcv = nzcv_sub32(a, b, r);
	cpu->x[in->rd] = r;
}

/* ADD/SUB/ADDS/SUBS (shifted register) with LSL #amount. */
#define ADDSUB_LSL(name, type, op, flags)				\
void name(struct arm64_cpu *cpu, const struct arm64_dinsn *in)		\
{									\
	type a = (type)cpu->x[in->rn];					\
	type b = (type)(cpu->x[in->rm] << in->amount), r = a op b;	\
									\
	flags;								\
	cpu->x[in->rd] = r;						\
}
ADDSUB_LSL(exec_add_lsl64, uint64_t, +, (void)0)
ADDSUB_LSL(exec_sub_lsl64, uint64_t, -, (void)0)
ADDSUB_LSL(exec_add_lsl32, uint32_t, +, (void)0)
ADDSUB_LSL(exec_sub_lsl32, uint32_t, -, (void)0)
ADDSUB_LSL(exec_adds_lsl64, uint64_t, +, cpu->nzcv = nzcv_add64(a, b, r))
ADDSUB_LSL(exec_subs_lsl64, uint64_t, -, cpu->nzcv = nzcv_sub64(a, b, r))
ADDSUB_LSL(exec_adds_lsl32, uint32_t, +, cpu->nzcv = nzcv_add32(a, b, r))
ADDSUB_LSL(exec_subs_lsl32, uint32_t, -, cpu->nzcv = nzcv_sub32(a, b, r))
#undef ADDSUB_LSL

/* AND/ORR/EOR/ANDS (shifted register, LSL) and (immediate, imm already
 * the 32-bit pattern for a 32-bit operation). */
#define LOGIC(name, type, op, operand, flags)				\
void name(struct arm64_cpu *cpu, const struct arm64_dinsn *in)		\
{									\
	type r = (type)(cpu->x[in->rn] op (operand));			\
									\
	flags;								\
	cpu->x[in->rd] = r;						\
}
#define REG_LSL (cpu->x[in->rm] << in->amount)
#define IMM ((uint64_t)in->imm)
LOGIC(exec_and_lsl64, uint64_t, &, REG_LSL, (void)0)
LOGIC(exec_orr_lsl64, uint64_t, |, REG_LSL, (void)0)
LOGIC(exec_eor_lsl64, uint64_t, ^, REG_LSL, (void)0)
LOGIC(exec_ands_lsl64, uint64_t, &, REG_LSL, cpu->nzcv = logic_flags(r, true))
LOGIC(exec_and_lsl32, uint32_t, &, REG_LSL, (void)0)
LOGIC(exec_orr_lsl32, uint32_t, |, REG_LSL, (void)0)
LOGIC(exec_eor_lsl32, uint32_t, ^, REG_LSL, (void)0)
LOGIC(exec_ands_lsl32, uint32_t, &, REG_LSL, cpu->nzcv = logic_flags(r, false))
LOGIC(exec_and_imm64, uint64_t, &, IMM, (void)0)
LOGIC(exec_orr_imm64, uint64_t, |, IMM, (void)0)
LOGIC(exec_eor_imm64, uint64_t, ^, IMM, (void)0)
LOGIC(exec_ands_imm64, uint64_t, &, IMM, cpu->nzcv = logic_flags(r, true))
LOGIC(exec_and_imm32, uint32_t, &, IMM, (void)0)
LOGIC(exec_orr_imm32, uint32_t, |, IMM, (void)0)
LOGIC(exec_eor_imm32, uint32_t, ^, IMM, (void)0)
LOGIC(exec_ands_imm32, uint32_t, &, IMM, cpu->nzcv = logic_flags(r, false))
#undef REG_LSL
#undef IMM
#undef LOGIC

/* MOVZ, MOVN: the value is computed at decode time (imm). */
void exec_mov_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	cpu->x[in->rd] = (uint64_t)in->imm;
}

/*
 * UBFM (LSL, LSR, UBFX, UXTB, UXTH ... by immediate): the source
 * rotated right by immr within the operand size, masked by
 * wmask & tmask (in imm, computed at decode time).
 */
void exec_ubfm64(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t v = cpu->x[in->rn];
	unsigned int r = in->amount;

	cpu->x[in->rd] = ((v >> r) | (v << ((64 - r) & 63))) & (uint64_t)in->imm;
}

void exec_ubfm32(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint32_t v = (uint32_t)cpu->x[in->rn];
	unsigned int r = in->amount;

	cpu->x[in->rd] = ((v >> r) | (v << ((32 - r) & 31))) & (uint32_t)in->imm;
}
